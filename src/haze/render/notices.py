"""Notices (告知书) of SPEC §8: one per operating enterprise, an index and a manifest.

The library half of ``haze activate`` and ``haze lift``: it knows nothing of
the terminal or the journal. Templates are Jinja2, rendered in a sandbox with
undefined variables as errors; the shipped ones come from the package
``haze.templates`` (the top-level ``templates/`` directory of the repository),
and a bureau's ``--templates DIR`` is searched first, file by file.

A run writes into a fresh hidden directory ``parent/.<id>.tmp-<random>`` and
renames it to ``parent/<id>`` only when every file is in it, so a reader (or
the journal) never sees half a set. Every file and both directories are
fsynced before that rename, so a journal committed after it never points to
files a power cut emptied. Any template problem is one
:class:`~haze.core.errors.TemplateError` line naming the template file and line.

Numbers are shown through :mod:`haze.core.fmt`, as on the terminal: a cut is never
shown smaller than computed, a production cap never larger, and a failing
ratio never as reaching its requirement.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import shutil
import tempfile
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Collection, Iterator, Mapping, Sequence, overload

from haze.core.i18n import _, os_reason
from haze.core.errors import HazeError, TemplateError, UsageError
from haze.core.labels import REASON_LABELS, SOURCE_LABELS, kind_label, label
from haze.core.model import POLLUTANTS, Level
from haze.core.text import display_width
from haze.io.fsio import SyncedWriter, fsync_directory

if TYPE_CHECKING:  # the engine and jinja2 are imported when rendering, not with this module
    from importlib.resources.abc import Traversable

    from jinja2 import Environment, Template

    from haze.core.engine import EnterpriseResult, LevelResult, PollutantResult
    from haze.core.model import EnterpriseList
    from haze.render.helped import HelpedNotices

LANGS = ("zh", "en")
FORMATS = ("md", "html", "txt", "docx", "pdf")
BINARY_FORMATS = ("docx", "pdf")  # rendered to bytes by haze.render.docx and haze.render.pdf
ACTIVATION, LIFT = "activation", "lift"
MANIFEST = "manifest.json"

# An issue id becomes a directory name: one plain path component, nothing to escape.
_SAFE_ID = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]{0,99}$")


@dataclass
class Issue:
    """What one activation or lift tells the notices."""

    id: str  # activation id; also the output subdirectory name, e.g. "20251201-200000-orange"
    kind: str  # "activation" or "lift"
    level: Level  # declared level (for a lift: the level lifted)
    start: datetime  # aware, Asia/Shanghai (for a lift: when it is lifted)
    until: datetime | None  # None = 至预警解除时止
    issued: datetime  # when issued (aware)
    first_number: int  # sequence number of the first notice in this run (numbers run on per year)
    previous_level: Level | None = None  # adjustment (升级/降级): the level it supersedes, never the same one
    user: str = ""  # OS user who ran it
    reissue: bool = False  # the same level issued again (--force): these notices replace the earlier ones
    replaces: str | None = None  # adjustment or re-issue: the id of the warning it supersedes
    # adjustment or re-issue: credit code -> number of the notice each enterprise got before (it is replaced)
    replaced_numbers: Mapping[str, str] = field(default_factory=dict)
    # the first activation after a void (haze void): the id of the voided warning; ``replaces`` is it too,
    # and ``replaced_numbers`` the voided notices' numbers, which each new notice says are void (作废)
    voids: str | None = None
    # the first activation after a void of an adjustment or re-issue: credit code -> the number of the earlier
    # warning's notice the voided one had superseded; the void cancelled what ended it, so the new notice does
    withdrawn_numbers: Mapping[str, str] = field(default_factory=dict)
    lifts: str | None = None  # a lift: the id of the warning it lifts
    basis: str | None = None  # --basis: the upper-level order (上级通知) this issue follows (SPEC §13)
    # per_notice: one 文号 each (…〔2025〕7号, 8号 …); per_batch: one 文号 for the run, each notice a
    # sub-number of it (…〔2025〕12号-001, -002 …): haze.yaml ``numbering:``, SPEC §16
    numbering: str = "per_notice"
    # a re-issue after a list correction (--changed): only the enterprises whose notice changed get one;
    # ``unchanged`` notices of the warning stand
    changed: bool = False
    unchanged: int = 0

    def __post_init__(self) -> None:
        # "orange adjusted to orange" is not an adjustment: a same-level notice is a re-issue.
        if self.previous_level is not None and (self.previous_level is self.level or self.reissue):
            raise ValueError("the same level issued again is a re-issue (reissue=True, no previous_level)")

    @property
    def adjustment(self) -> str | None:
        """``upgrade`` (升级) or ``downgrade`` (降级) for an adjustment; else None."""
        if self.previous_level is None:
            return None
        return "upgrade" if self.level > self.previous_level else "downgrade"


@dataclass
class NoticeSet:
    directory: Path  # final directory (parent/<issue.id>)
    files: list[Path]  # every file written: notices, index, manifest.json
    manifest_sha256: str  # sha256 of manifest.json
    count: int  # number of enterprise notices
    # one entry per notice, as the journal records who was notified: id, name, number, file
    notices: list[dict[str, str]] = field(default_factory=list)


def notice_number(prefix: str, year: int, seq: int) -> str:
    """``示环应急〔2025〕7号``; without a prefix ``〔2025〕7号``."""
    return f"{prefix}〔{year}〕{seq}号"


PER_NOTICE, PER_BATCH = "per_notice", "per_batch"
NUMBERINGS = (PER_NOTICE, PER_BATCH)


def issue_number(prefix: str, issue: Issue, i: int, count: int) -> str:
    """The number of the run's notice ``i`` (from 0) of ``count``: ``示环应急〔2025〕12号-003`` in a batch."""
    if issue.numbering != PER_BATCH:
        return notice_number(prefix, issue.issued.year, issue.first_number + i)
    return f"{notice_number(prefix, issue.issued.year, issue.first_number)}-{i + 1:0{max(3, len(str(count)))}d}"


def issue_seq(issue: Issue, i: int) -> int:
    """The counter's sequence number behind notice ``i``: the batch's own in a batch."""
    return issue.first_number if issue.numbering == PER_BATCH else issue.first_number + i


# -- the Jinja environment ----------------------------------------------------

def package_templates() -> Traversable:
    from importlib.resources import files

    return files("haze.templates")


def _loader_class() -> type:
    """The loader class, built on first use so that jinja2 is imported only when rendering."""
    from jinja2 import BaseLoader, TemplateNotFound
    from jinja2.loaders import split_template_path

    class RootedLoader(BaseLoader):
        """Templates by file name from an ordered list of roots; first match wins.

        Like copier's loader, it refuses anything that would leave a root:
        ``..`` (split_template_path), absolute names, and in the user's
        directory a symlink that resolves outside it.
        """

        def __init__(self, user: Path | None, package: Traversable) -> None:
            self.user = user.resolve() if user is not None else None
            self.package = package
            self.filenames: set[str] = set()  # every template file loaded: to locate errors

        def get_source(self, environment: Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
            if "\\" in template or template.startswith("/"):
                raise TemplateNotFound(template)
            pieces = split_template_path(template)
            if self.user is not None:
                candidate = self.user.joinpath(*pieces)
                if candidate.is_file():
                    resolved = candidate.resolve()
                    if not resolved.is_relative_to(self.user):
                        raise TemplateError(_("{candidate}: refused: the template resolves outside {user}").format(candidate=candidate, user=self.user))
                    return self._source(resolved, str(candidate))
            resource = self.package.joinpath(*pieces)
            if resource.is_file():
                return self._source(resource, str(resource))
            raise TemplateNotFound(template)

        def _source(self, file: Any, filename: str) -> tuple[str, str, Callable[[], bool]]:
            try:
                text = file.read_bytes().decode("utf-8-sig")  # tolerate Notepad's BOM
            except UnicodeDecodeError as exc:
                raise TemplateError(_("{filename}: not UTF-8 text (byte {start})").format(filename=filename, start=exc.start)) from None
            except OSError as exc:
                raise TemplateError(_("{filename}: cannot read template: {problem}").format(filename=filename, problem=os_reason(exc))) from None
            self.filenames.add(filename)
            return text, filename, lambda: True  # compiled once per run: never stale within it

    return RootedLoader


def _autoescaper(fmt: str | None) -> Callable[[str | None], bool]:
    """Escape HTML templates by name (select_autoescape(['html']) would miss "notice.html.j2").

    In an HTML run every template is escaped, the shared phrase macros
    (``_phrases.zh.j2``) included: Jinja marks a macro's result safe when an
    escaping template calls it, so list text inside it must be escaped there.
    """
    def autoescape(name: str | None) -> bool:
        return fmt in ("html", "docx", "pdf") or bool(name) and (name.endswith("html.j2") or name.endswith(".html"))  # type: ignore

    return autoescape


@functools.cache
def _environment_class() -> type:
    """Jinja's immutable sandbox, with a quicker way to the same answer for a key of a plain dict.

    ``{{ enterprise.name }}`` on a dict makes the sandbox try the attribute
    first, fail with an AttributeError, then take the item: half the time of
    rendering 50,000 notices went to raising and catching those errors. A key
    of an exact ``dict`` that is not one of dict's own attribute names (which
    the sandbox would find first, and then check) gives the item directly,
    as the sandbox would; everything else goes through the sandbox unchanged.
    """
    from haze.render.sandbox import bounded_environment_class

    dict_attributes = frozenset(dir(dict))

    # ImmutableSandboxedEnvironment with bounded sizes (issue 17.13: "x" * 10**10 took 12 GB)
    class NoticeEnvironment(bounded_environment_class()):  # type: ignore[misc]
        def getattr(self, obj: Any, attribute: str) -> Any:
            if type(obj) is dict and attribute in obj and attribute not in dict_attributes:
                return obj[attribute]
            return super().getattr(obj, attribute)

    return NoticeEnvironment


def make_environment(*, lang: str = "zh", fmt: str | None = None, templates: Path | None = None) -> Environment:
    """The one Jinja environment factory: sandboxed, strict, HTML escaped, user templates first.

    One environment per run (``lang`` picks the date and cut filters, ``fmt``
    the escaping), so every template is compiled once per run.
    """
    if templates is not None and not Path(templates).is_dir():
        raise TemplateError(_("{templates}: templates directory not found").format(templates=templates))
    loader = _loader_class()(Path(templates) if templates is not None else None, package_templates())
    env = _environment_class()(loader=loader, **_environment_options(fmt))
    env.filters.update(_filters(lang))
    return env


def _environment_options(fmt: str | None) -> dict[str, Any]:
    from jinja2 import StrictUndefined

    return {"undefined": StrictUndefined, "autoescape": _autoescaper(fmt), "keep_trailing_newline": True,
            "trim_blocks": True, "lstrip_blocks": True, "auto_reload": False}


@functools.cache
def _shipped_environment_class() -> type:
    """Jinja's plain environment, with the same quicker answer for a plain dict's key as the sandbox's."""
    from jinja2 import Environment

    dict_attributes = frozenset(dir(dict))

    class ShippedEnvironment(Environment):
        # haze's own files never loop: no time limit, which a province's index (48,000 rows, each built
        # again for it) overran on a loaded machine
        shipped = True

        def getattr(self, obj: Any, attribute: str) -> Any:
            if type(obj) is dict and attribute in obj and attribute not in dict_attributes:
                return obj[attribute]
            return super().getattr(obj, attribute)

    return ShippedEnvironment


def notice_environment(*, lang: str = "zh", fmt: str | None = None, templates: Path | None = None) -> Environment:
    """The environment a notice set renders in: :func:`make_environment`'s sandbox for a bureau's templates.

    Without ``--templates`` every template of the run is one of haze's own,
    and they are compiled without the sandbox: its checks on every attribute,
    call and operator were half of what rendering 50,000 notices cost, and
    guard against nothing haze's own files do. The environment's loader has
    no user directory, only the package's (``haze.templates``), so which
    files it can ever compile is decided by where they are, not by their
    names: with ``--templates`` every template, shipped ones included, is
    rendered in the bounded sandbox as before. The notices are the same bytes
    either way (tests/test_notice_golden.py).
    """
    if templates is not None:
        return make_environment(lang=lang, fmt=fmt, templates=templates)
    env = _shipped_environment_class()(loader=_loader_class()(None, package_templates()), **_environment_options(fmt))
    env.filters.update(_filters(lang))
    return env


def _filters(lang: str) -> dict[str, Callable[..., Any]]:
    from haze.core import fmt, timeparse
    from haze.render.titles import phrased_html

    zh = lang == "zh"
    return {
        "zh_date": timeparse.format_zh,
        "zh_day": timeparse.format_zh_day,
        "en_date": timeparse.format_en,
        "en_day": timeparse.format_en_day,
        "zh_end": timeparse.format_zh_end,
        "date": timeparse.format_zh if zh else timeparse.format_en,
        "end": timeparse.format_zh_end if zh else timeparse.format_en,
        "day": timeparse.format_zh_day if zh else timeparse.format_en_day,
        "pct": fmt.pct,
        "ratio_pct": fmt.ratio_pct,
        "cut_pct": fmt.cut_pct,
        "tonnes": fmt.tonnes,
        "num": fmt.cap_number,
        "cut": functools.partial(cut_text, lang=lang),
        "md": md_escape,
        "pad": pad,
        "width": display_width,
        "table": text_table,
        "duty": duty_text,
        "phrased": phrased_html,
    }


def duties_context(duties: Any, lang: str) -> dict[str, Any]:
    """The policy's duties as notices state them: ``{"receipt": "1小时", "report": "24小时", …_hours}``."""
    from haze.core.response import Duties, hours_text

    duties = duties if duties is not None else Duties()
    return {"receipt": hours_text(duties.receipt, lang), "report": hours_text(duties.report, lang),
            "receipt_hours": duties.receipt, "report_hours": duties.report}


def shared_phrases(env: Environment, lang: str, base: Mapping[str, Any]) -> dict[str, Any] | None:
    """What every notice of a run says alike, worded once by the run's own ``_phrases`` macros.

    ``title``, ``period``, ``opening`` (for a notice that replaces none) and
    ``duties`` (the duty sentences with the policy's hours): the shipped
    notices print these instead of calling the macros once per notice (each
    call a Jinja frame and its arguments, 50,000 times). The values are
    the macros' own results (Markup in an HTML run), so the notice is the
    same bytes. None when a bureau's own ``_phrases`` lacks one of them; its
    templates then call their macros as before.
    """
    try:
        t: Any = env.get_template(f"_phrases.{lang}.j2").module  # its macros, by the names the notices use
        issue, duties = base["issue"], base["duties"]
        return {"title": t.title(issue), "period": t.period(issue),
                "opening": t.opening(issue, base["bureau"], base["list_info"], ""),
                "duties": [duty_text(item, duties) for item in t.duty_items]}
    except Exception:  # noqa: BLE001 - a bureau's phrases may lack any of them; the templates say what is wrong
        return None


def duty_text(item: str, duties: Mapping[str, Any]) -> str:
    """A duty sentence with its hours filled in: ``{receipt}`` and ``{report}`` from the policy's duties."""
    return str(item).replace("{receipt}", str(duties["receipt"])).replace("{report}", str(duties["report"]))


# -- filters --------------------------------------------------------------------

_CUT_WORDS = {"zh": ("停产", "限产{}", "不限产"), "en": ("stop", "cut {}", "no cut")}


def cut_text(cut: float, lang: str = "zh") -> str:
    """``停产``, ``限产43.05%`` (never rounded down); ``不限产`` for no cut.

    Templates word self-management themselves.
    """
    from haze.core import fmt

    stop, partial, nothing = _CUT_WORDS[lang]
    if fmt.is_stop(cut):
        return stop
    if cut > 0:
        return partial.format(fmt.cut_pct(cut))
    return nothing


# "#" only matters at the start of a line; "1#焦炉" is how lines are named, so it stays readable.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&]|^#)")


#: Block syntax at the start of a value (issue 17.18): a rule or setext underline (``---``, ``===``),
#: a list marker (``+ x``, ``- x``, ``1. x``, ``1) x``); "#" and ">" are escaped anywhere already.
_MD_BLOCK_START = re.compile(r"^(\s*)(?:([-+=])(?=[-=\s]|$)|(\d{1,9})([.)])(?=\s|$))")
#: Bare URLs (GFM autolinks, markdown-it linkify): escaping the ":" of "://" and the "." of "www."
#: splits the text so no renderer sees a link; it still reads as written.
_MD_AUTOLINK = re.compile(r"(?i)(?<=[a-z0-9])(:)(?=//)|(?<![\w.])(www)(\.)")


def md_escape(text: Any) -> str:
    """Backslash-escape Markdown punctuation, so list text never becomes markup, HTML or a table cell break.

    Also the block syntax a value could start (a rule, a nested list) and bare
    URLs: an action ``---`` or ``1. x`` stays one sentence of the notice, and a
    URL a list carries is text, never a link an enterprise is invited to follow.
    A plain ``str`` is escaped once per run: the bureau's name, the title and
    the actions recur in every notice (27 calls a notice, most of them repeats).
    """
    if type(text) is str:
        escaped = _md_escaped.get(text)
        if escaped is None:
            if len(_md_escaped) >= _MD_MEMO:
                _md_escaped.clear()
            escaped = _md_escaped[text] = _md_escape(text)
        return escaped
    return _md_escape(str(text))


#: md_escape's answers, up to this many distinct strings (then forgotten and begun again: about 2 MB)
_MD_MEMO = 20_000
_md_escaped: dict[str, str] = {}


def _md_escape(text: str) -> str:
    # Most values (names, numbers) have nothing to escape: a search is much cheaper than re.sub's template call.
    escaped = _MD_SPECIAL.sub(r"\\\1", text) if _MD_SPECIAL.search(text) else text
    escaped = _MD_BLOCK_START.sub(_block_escape, escaped, count=1)
    if "//" not in escaped and "www" not in escaped.lower():
        return escaped
    return _MD_AUTOLINK.sub(lambda m: f"\\{m[1]}" if m[1] else f"{m[2]}\\{m[3]}", escaped)


def _block_escape(match: re.Match[str]) -> str:
    lead = match[1]
    if match[2]:
        return f"{lead}\\{match[2]}"
    return f"{lead}{match[3]}\\{match[4]}"


def pad(text: Any, width: int, align: str = "left") -> str:
    """Pad to ``width`` display columns (``align`` left, right or center), for plain text."""
    text = str(text)
    room = max(0, width - display_width(text))
    if align == "right":
        return " " * room + text
    if align == "center":
        return " " * (room // 2) + text
    return text + " " * room


def text_table(rows: list[list[Any]], headers: list[str], right: tuple[int, ...] | list[int] = ()) -> str:
    """A plain-text table (``rows|table(headers, right=[0])``) whose columns line up with CJK text.

    ``right`` lists the columns (from 0) aligned right; no newline after the last row.
    """
    cells = [[str(c) for c in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(display_width(row[i]) for row in cells if i < len(row)) for i in range(len(headers))]
    rule = ["-" * w for w in widths]
    lines = []
    for row in [cells[0], rule] + cells[1:]:
        out = []
        for i, width in enumerate(widths):
            cell = row[i] if i < len(row) else ""
            last = i == len(widths) - 1
            out.append(pad(cell, width, "right") if i in right else (cell if last else pad(cell, width)))
        lines.append("  ".join(out).rstrip())
    return "\n".join(lines)


def one_line(text: Any) -> str:
    """List text as one line: newlines and control characters would break a notice's layout."""
    text = str(text)
    if not text.isprintable():  # rare: only then look at each character
        text = "".join(" " if unicodedata.category(ch).startswith("C") else ch for ch in text)
    return " ".join(text.split())


# -- what templates see -------------------------------------------------------------



def level_context(level: Level | None, lang: str) -> dict[str, Any] | None:
    if level is None:
        return None
    zh = lang == "zh"
    return {
        "value": level.value,
        "zh": level.zh,
        "response": level.response,
        "roman": level.roman,
        "rank": level.rank,
        "name": level.zh if zh else level.value,
        "response_name": f"{level.response}应急响应" if zh else f"Level {level.roman} response",
    }


def issue_context(issue: Issue, lang: str) -> dict[str, Any]:
    return {
        "id": issue.id,
        "kind": issue.kind,
        "level": level_context(issue.level, lang),
        "previous_level": level_context(issue.previous_level, lang),
        "adjustment": issue.adjustment,
        "reissue": issue.reissue,
        "replaces": issue.replaces,
        "voids": issue.voids,
        "lifts": issue.lifts,
        "start": issue.start,
        "until": issue.until,
        "issued": issue.issued,
        "year": issue.issued.year,
        "user": issue.user,
        "basis": one_line(issue.basis or ""),  # one line; each format escapes it as it escapes names
        "changed": issue.changed,
        "unchanged": issue.unchanged,
    }


def _info(lst_info: Any) -> Mapping[str, Any]:
    """List facts as a mapping, from a dict (the journal's record) or a ListInfo."""
    if isinstance(lst_info, Mapping):
        return lst_info
    return vars(lst_info)


def _contact(value: Any) -> dict[str, str]:
    """A contact as ``{"name", "phone"}``, from a mapping (the journal) or a Contact (the list); none -> blanks."""
    if value is None:
        return {"name": "", "phone": ""}
    if isinstance(value, Mapping):
        return {"name": one_line(value.get("name") or ""), "phone": one_line(value.get("phone") or "")}
    return {"name": one_line(getattr(value, "name", "") or ""), "phone": one_line(getattr(value, "phone", "") or "")}


def common_context(info: Mapping[str, Any], issue: Issue, lang: str, fmt: str, contact: Any) -> dict[str, Any]:
    """What every template sees. ``contact`` is the bureau's duty contact (blanks to fill in by hand when None)."""
    contact = _contact(contact)
    return {
        "lang": lang,
        "format": fmt,
        "issue": issue_context(issue, lang),
        "bureau": {
            "name": one_line(info.get("authority") or ""),
            "region": one_line(info.get("region") or ""),
            "contact": contact["name"],
            "phone": contact["phone"],
        },
        "list_info": {
            "path": str(info.get("path") or ""),
            "sha256": str(info.get("sha256") or ""),
            "region": one_line(info.get("region") or ""),
            "season": one_line(info.get("season") or ""),
            "doc_prefix": one_line(info.get("doc_prefix") or ""),
        },
        "duties": duties_context(None, lang),  # an activation states its policy's (render_activation)
    }


def line_text(cut: float, self_managed: bool, guarantee: bool, lang: str, exempt: bool = False) -> str:
    """What a line must do, in words: 停产 / 限产30% / 自主减排 / 以热定产 / 豁免减排 / 不限产."""
    if cut <= 0 and self_managed:
        return "自主减排" if lang == "zh" else "self-managed reduction"
    if cut <= 0 and guarantee:
        return "以热定产、以量定产" if lang == "zh" else "produce to heat/demand only"
    if cut <= 0 and exempt:
        return "豁免减排（自主减排）" if lang == "zh" else "exempt (self-managed reduction)"
    return cut_text(cut, lang)


def category_context(r: EnterpriseResult, policy: Any, lang: str) -> dict[str, Any] | None:
    """The enterprise's category as its notice states it (SPEC §19): its measure, load limit or ceiling, and why.

    ``text`` is the sentence the shipped templates print; the other keys let a bureau's
    own template say it its way.
    """
    from haze.core import fmt
    from haze.core.engine import NONCOMPLIANT
    from haze.core.grades import NORMAL

    if policy is None or r.category == NORMAL or r.reason == NONCOMPLIANT:
        return None
    c = policy.categories[r.category]
    applied = any(line.source == "category" for line in r.lines)
    load = r.enterprise.max_load if applied and c.max_load else None
    ceiling = c.exempt_up_to
    above = ceiling is not None and r.effective_level > ceiling
    name, level = c.label(lang), r.effective_level
    if lang == "zh":
        if load is not None:
            text = (f"你单位为{name}企业，核定最大允许生产负荷为{fmt.cap_pct(load)}，应急期间"
                    f"生产负荷不得超过核定最大允许生产负荷（以热定产、以量定产），即限产{fmt.cut_pct(1 - load)}。")
        elif above:
            text = (f"你单位为{name}企业，豁免减排仅适用于{ceiling.zh}及以下预警；本次执行{level.zh}预警"
                    f"（{level.response}），按绩效等级措施执行。")
        elif applied and ceiling is not None:
            text = f"你单位为{name}企业，{ceiling.zh}及以下预警豁免减排（自主减排），本次{level.zh}预警不限产。"
        else:
            text = ""
    else:
        if load is not None:
            text = (f"As a {name} enterprise, its approved maximum production load is "
                    f"{fmt.cap_pct(load)}: during the emergency it must not produce above it "
                    f"(a cut of {fmt.cut_pct(1 - load)}).")
        elif above:
            text = (f"As a {name} enterprise it is exempt only up to the {ceiling.value} level; at this "
                    f"{level.value} level it takes the measures of its performance grade.")
        elif applied and ceiling is not None:
            text = (f"As a {name} enterprise it is exempt up to the {ceiling.value} level "
                    "(self-managed reduction): no cut at this level.")
        else:
            text = ""
    return {
        "key": c.key, "name": name, "applied": applied, "above_ceiling": above,
        "max_load": load,
        "exempt_up_to": level_context(ceiling, lang), "text": text,
    }


def grade_context(r: EnterpriseResult, policy: Any, lang: str) -> dict[str, Any]:
    """The grade as the policy names it; ``as`` is the grade whose measures apply (``unrated_as: lowest``)."""
    from haze.core.grades import builtin_grade

    own = policy.grades[r.grade] if policy is not None else builtin_grade(r.grade)
    used = policy.grades[r.measure_grade] if policy is not None else own
    context = {"value": own.key, "zh": own.zh, "self_managed": own.self_managed, "name": own.label(lang),
               "as": None, "text": ""}
    if used.key != own.key:
        context["as"] = {"value": used.key, "zh": used.zh, "name": used.label(lang)}
        context["text"] = (f"你单位{own.zh}，按本行业最低绩效等级（{used.zh}）措施执行。" if lang == "zh" else
                           f"Being {own.en}, it takes the measures of its industry's lowest grade ({used.en}).")
    return context


def is_self_managed(r: EnterpriseResult, policy: Any, grade: Mapping[str, Any] | None = None) -> bool:
    """Told it self-manages (自主减排): the grade it is measured by self-manages, and it is compliant.
    Without a policy, the grade context's own flag (``grade``) says it."""
    from haze.core.engine import NONCOMPLIANT

    used = policy.grades.get(r.measure_grade) if policy is not None else None
    flag = used.self_managed if used is not None else bool(grade and grade["self_managed"])
    return flag and r.reason != NONCOMPLIANT


def enterprise_context(r: EnterpriseResult, declared: Level, policy_names: Mapping[str, str],
                       lang: str, policy: Any = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """(``enterprise``, ``measures``) for one notice; ``policy`` names grades and categories (SPEC §19)."""
    from haze.core.engine import NONCOMPLIANT

    e = r.enterprise
    grade = grade_context(r, policy, lang)
    category = category_context(r, policy, lang)
    self_managed = is_self_managed(r, policy, grade)
    guarantee = r.category == "guarantee" and r.reason != NONCOMPLIANT
    whole_plant = "全厂" if lang == "zh" else "whole plant"
    lines = [{
        "name": one_line(line.name) if e.has_lines else whole_plant,
        "cut": line.cut,
        "stop": line.cut >= 1.0,
        "source": line.source,
        "basis": label(SOURCE_LABELS, line.source, lang),  # the terminal's and the spreadsheets' words
        "text": line_text(line.cut, self_managed, guarantee, lang, line.source == "category"),
    } for line in r.lines]
    texts = {line["text"] for line in lines}
    if len(texts) == 1:
        summary = texts.pop()
    elif lang == "zh":
        summary = "；".join(f"{ln['name']}{ln['text']}" for ln in lines)
    else:
        summary = "; ".join(f"{ln['name']}: {ln['text']}" for ln in lines)
    contact = e.contact
    enterprise = {
        "id": one_line(e.id),
        "name": one_line(e.name),
        "town": one_line(e.town),
        "industry": one_line(policy_names.get(e.industry.lower(), e.industry) if lang == "zh" else e.industry),
        "grade": grade,
        "key_zone": e.key_zone,
        "guarantee": r.category == "guarantee",
        "category": (policy.categories[r.category].label(lang) if policy is not None else r.category),
        "compliant": e.compliant,
        "operating_days": f"{e.operating_days:g}",
        "contact": {"name": one_line(contact.name if contact else ""),
                    "phone": one_line(contact.phone if contact else "")},
    }
    measures = {
        "level": _shared_level(r.effective_level, lang),
        "declared": _shared_level(declared, lang),
        "reason": r.reason,
        "reason_name": label(REASON_LABELS, r.reason, lang),
        "raised_by": r.effective_level.rank - declared.rank if r.reason == "zone" else 0,
        "stopped": r.stopped,
        "self_managed": self_managed,
        "guarantee": guarantee,
        # lines that only produce to heat/demand (the guarantee category's measure, no cut of their own)
        "guarantee_lines": sum(1 for line in r.lines if guarantee and line.source == "category" and line.cut <= 0),
        "category": category,
        "plant_cut": r.plant_cut,
        "summary": summary,
        "lines": lines,
        "actions": _actions(r.actions),
        "cap": _cap(r),
        "reductions": [_shared_pollutant(p, lang) | {"value": r.reduction[p]} for p in POLLUTANTS],
    }
    return enterprise, measures


@functools.lru_cache(maxsize=64)
def _shared_level(level: Level | None, lang: str) -> dict[str, Any] | None:
    """level_context, one dict per level and language shared by every row (templates never change a value)."""
    return level_context(level, lang)


@functools.lru_cache(maxsize=64)
def _shared_pollutant(p: Any, lang: str) -> dict[str, Any]:
    return _pollutant(p, lang)


def _cap(r: EnterpriseResult) -> dict[str, Any] | None:
    """The production cap for the notice; None when there is none to keep.

    A plant that cuts nothing (self-managed, a guarantee plant producing to heat) has no cap: "限产比例0%，
    产量不得超过" its full capacity would read as a limit beside a 原因 that says there is none.
    A stopped plant's cap is 0: ``stop`` lets the templates say 全厂停产 instead.
    """
    from haze.core import fmt

    if r.cap is None or r.cap.cut <= 0:
        return None
    return {"base": r.cap.base, "cut": r.cap.cut, "cap": r.cap.cap, "unit": one_line(r.cap.unit),
            "stop": fmt.is_stop(r.cap.cut)}


_ACTION_NOISE = re.compile(r"[\s，,。.；;、：:！!（）()]+")


def _actions(actions: Sequence[str]) -> list[str]:
    """``distinct_actions`` of the actions as one line each, worked out once per distinct list of actions
    (a province's plants share a few dozen: their industry's and grade's) and copied for each notice, so a
    template that changes its list changes no other notice's."""
    key = tuple(actions)
    kept = _actions_said.get(key)
    if kept is None:
        if len(_actions_said) >= _MD_MEMO:
            _actions_said.clear()
        kept = _actions_said[key] = distinct_actions([one_line(a) for a in actions])
    return list(kept)


_actions_said: dict[tuple[str, ...], list[str]] = {}


def distinct_actions(actions: list[str]) -> list[str]:
    """The actions, each once: one that another already says in full is left out, in the order given.

    The grade's "自主采取减排措施" and the industry's "自主采取减排措施，加强无组织排放管控" are one
    action to the enterprise; punctuation and spacing do not make two actions different.
    """
    keys = [_ACTION_NOISE.sub("", a) for a in actions]
    kept = []
    for i, (action, key) in enumerate(zip(actions, keys)):
        if not key:
            continue
        said_before = key in keys[:i]
        said_by_longer = any(key != other and key in other for other in keys)
        if not said_before and not said_by_longer:
            kept.append(action)
    return kept


def _pollutant(p: Any, lang: str) -> dict[str, Any]:
    return {"code": p.value, "label": p.label, "zh": p.zh, "name": p.zh if lang == "zh" else p.label}


def pollutant_context(r: PollutantResult, lang: str) -> dict[str, Any]:
    return _pollutant(r.pollutant, lang) | {
        "baseline": r.baseline, "reduction": r.reduction, "ratio": r.ratio, "required": r.required,
        "ok": r.ok, "assessed": r.assessed, "shortfall": r.shortfall, "basis": r.basis,
    }


# -- rendering ---------------------------------------------------------------------

class _Templates:
    """The run's compiled templates; every Jinja failure becomes one TemplateError line."""

    def __init__(self, env: Environment, names: dict[str, str]) -> None:
        self.env = env
        self.compiled: dict[str, Template] = {}
        for role, name in names.items():
            self.compiled[role] = self._guard(name, functools.partial(env.get_template, name))

    def render(self, role: str, context: dict[str, Any]) -> str:
        template = self.compiled[role]
        return self._guard(template.name or role, lambda: template.render(context))

    def _guard(self, name: str, work: Callable[[], Any]) -> Any:
        from jinja2 import TemplateNotFound, TemplateSyntaxError, UndefinedError
        from jinja2.exceptions import SecurityError

        from haze.render.sandbox import jinja_reason, time_limit

        try:
            if getattr(self.env, "shipped", False):  # notice_environment: haze's own templates only
                return work()
            with time_limit(name):  # a looping template fails in seconds and the journal's lock is released
                return work()
        except TemplateError:
            raise
        except TemplateSyntaxError as exc:
            raise TemplateError(_("{exc_filename_or_exc_name}:{lineno}: template syntax error: {message}").format(exc_filename_or_exc_name=exc.filename or exc.name or name, lineno=exc.lineno, message=jinja_reason(exc.message or ""))) from None
        except TemplateNotFound as exc:
            where = self._where(exc, name)
            if where == name:
                raise TemplateError(_("template {exc_name} not found{self__roots}").format(exc_name=exc.name, self__roots=self._roots())) from None
            raise TemplateError(_("{where}: template {exc_name} not found{self__roots}").format(where=where, exc_name=exc.name, self__roots=self._roots())) from None
        except SecurityError as exc:
            raise TemplateError(_("{self__where_exc_name}: refused by the template sandbox: {exc}").format(self__where_exc_name=self._where(exc, name), exc=jinja_reason(str(exc)))) from None
        except UndefinedError as exc:
            # "'dict object' has no attribute 'nmae'" means a misspelt field to a bureau's template writer
            what = jinja_reason(exc.message or "")
            raise TemplateError(_("{self__where_exc_name}: undefined: {what} (the variables are listed in docs/notices.md)").format(self__where_exc_name=self._where(exc, name), what=what)) from None
        except Exception as exc:  # a user template may fail any way a Python expression can
            raise TemplateError(_("{self__where_exc_name}: template error: {__name__}: {exc}").format(self__where_exc_name=self._where(exc, name), __name__=type(exc).__name__, exc=exc)) from None

    def _where(self, exc: BaseException, name: str) -> str:
        """``FILE:LINE`` of the innermost template frame of the traceback (Jinja maps lines back)."""
        known: set[str] = getattr(self.env.loader, "filenames", set())
        where = None
        tb = exc.__traceback__
        while tb is not None:
            filename = tb.tb_frame.f_code.co_filename
            if filename in known:
                where = f"{filename}:{tb.tb_lineno}"
            tb = tb.tb_next
        if where is None:
            compiled = next((t for t in self.compiled.values() if t.name == name), None)
            return compiled.filename if compiled is not None and compiled.filename else name
        return where

    def _roots(self) -> str:
        user = getattr(self.env.loader, "user", None)
        return _(" (looked in {user} and the shipped templates)").format(user=user) if user else ""


class _TextTemplates(_Templates):
    """md, html, txt: the rendered text is the file (txt with a BOM, which WPS and old Notepad need)."""

    def __init__(self, env: Environment, lang: str, fmt: str, kinds: dict[str, str]) -> None:
        super().__init__(env, {role: f"{kind}.{lang}.{fmt}.j2" for role, kind in kinds.items()})
        self.bom = "\ufeff" if fmt == "txt" else ""

    def render(self, role: str, context: dict[str, Any]) -> str:  # type: ignore[override]
        return self.bom + super().render(role, context)

    def render_large(self, role: str, context: dict[str, Any]) -> Iterator[bytes]:
        """``render(...).encode()`` in pieces of a few thousand of Jinja's, written as they come: a
        province's index is a million pieces, which ``render`` holds in one list before joining them
        (60 MB at 50,000), and the file's bytes need not be held whole either."""
        template = self.compiled[role]
        if not getattr(self.env, "shipped", False):  # a bureau's template: one render within its time limit
            yield self.render(role, context).encode("utf-8")
            return
        yield self.bom.encode("utf-8")
        batch: list[str] = []
        try:
            for piece in template.generate(context):
                batch.append(piece)
                if len(batch) >= 4096:
                    yield "".join(batch).encode("utf-8")
                    batch.clear()
        except Exception as exc:  # the same one TemplateError line as a whole render's (_guard)
            self._guard(template.name or role, functools.partial(_reraise, exc))
        yield "".join(batch).encode("utf-8")

    def extras(self) -> Iterator[tuple[str, str | bytes]]:
        return iter(())


def _reraise(exc: BaseException) -> None:
    raise exc


def templates_for(env: Environment, lang: str, fmt: str, kinds: dict[str, str]) -> Any:
    """The run's templates for ``fmt``: ``render(role, context)`` gives a file's content, ``extras()``
    the files written after the index (all.pdf). ``kinds`` maps a role to a template kind (notice, lift, index)."""
    if fmt == "docx":
        from haze.render.docx import DocxTemplates

        return DocxTemplates(env, lang, kinds, _Templates(env, {}))
    if fmt == "pdf":
        from haze.render.pdf import PdfTemplates

        return PdfTemplates(env, lang, kinds, _Templates)
    return _TextTemplates(env, lang, fmt, kinds)


def _render_large(tpl: Any, role: str, context: dict[str, Any]) -> str | bytes | Iterator[bytes]:
    """A document of a province's size (the index): in pieces where the format renders text."""
    large = getattr(tpl, "render_large", None)
    return large(role, context) if large is not None else tpl.render(role, context)  # type: ignore[no-any-return]


def _sms(base: dict[str, Any], rows: Sequence[dict[str, Any]], lang: str,
         on_missing: Callable[[list[dict[str, str]]], None] | None) -> Iterator[tuple[str, Iterator[str]]]:
    """``sms.csv`` beside every notice set (haze.render.sms), in pieces written as they come (tens of MB
    at 50,000 held whole); ``on_missing`` hears who has no phone once the last piece is made."""
    from haze.render.sms import SMS_FILE, sms_pieces

    def pieces() -> Iterator[str]:
        missing: list[dict[str, str]] = []
        yield from sms_pieces(base, rows, lang, missing)
        if missing and on_missing is not None:
            on_missing(missing)

    yield SMS_FILE, pieces()


def _tally(rows: Sequence[dict[str, Any]], summary: Mapping[str, Any] | None, lang: str) -> dict[str, Any]:
    from haze.render.tally import tally

    return tally(rows, summary, lang)


def _check_options(issue: Issue, lang: str, fmt: str) -> None:
    if lang not in LANGS:
        raise UsageError(_("unknown language {lang!r}: use {or_join_langs}").format(lang=lang, or_join_langs=' or '.join(LANGS)))
    if fmt not in FORMATS:
        raise UsageError(_("unknown notice format {fmt!r}: use {join_formats}").format(fmt=fmt, join_formats=', '.join(FORMATS)))
    if not _SAFE_ID.match(issue.id):
        raise UsageError(_("unusable activation id {issue_id!r}: letters, digits, '.', '_' and '-' only").format(issue_id=issue.id))


def _file_stem(index: int, credit_code: str, width: int) -> str:
    """``0007-91140525MA0K0XXXXX``: never the enterprise name, never a path separator."""
    safe = re.sub(r"[^0-9A-Za-z]", "_", credit_code)[:40] or "unknown"
    return f"{index:0{width}d}-{safe}"


def _width(count: int) -> int:
    return max(4, len(str(count)))


def render_activation(result: LevelResult, enterprise_list: EnterpriseList, issue: Issue, parent: Path, *,
                      lang: str = "zh", fmt: str = "md", templates: Path | None = None,
                      dry_run: bool = False, progress: Callable[[int, int], None] | None = None,
                      contact: Any = None, on_missing: Callable[[list[dict[str, str]]], None] | None = None,
                      only: Collection[str] | None = None) -> NoticeSet:
    """Write the notices of an activation (or adjustment, or re-issue) into ``parent/<issue.id>``.

    One notice per operating enterprise in list order (idle ones get none),
    numbered from ``issue.first_number``; then ``index.<fmt>`` and
    ``manifest.json``. ``contact`` is the bureau's duty contact (a
    ``{"name", "phone"}`` mapping or a Contact); by default the list's own
    (``list.contact``); without one the notices leave blanks to fill in.
    """
    from haze.core.engine import IDLE

    _check_options(issue, lang, fmt)
    env = notice_environment(lang=lang, fmt=fmt, templates=templates)
    tpl = templates_for(env, lang, fmt, {"notice": "notice", "index": "index"})
    info = vars(enterprise_list.info) | {"path": enterprise_list.path, "sha256": enterprise_list.sha256}
    if contact is None:
        contact = getattr(enterprise_list.info, "contact", None)
    base = common_context(info, issue, lang, fmt, contact)
    # a bureau's policy file is named by path and sha256 (Policy.record), never by the name it gives itself
    base["policy"] = {"name": result.policy.record, "title": one_line(result.policy.title),
                      "source": one_line(result.policy.source)}
    base["duties"] = duties_context(result.policy.duties, lang)
    base["phrases"] = shared_phrases(env, lang, base)
    # ``only`` (--changed): the enterprises whose notice changed; the others' notices stand
    operating = [r for r in result.enterprises if r.reason != IDLE and (only is None or r.enterprise.id in only)]
    width = _width(len(operating))

    def row(i: int) -> dict[str, Any]:
        r, said = operating[i], notices[i]
        enterprise, measures = enterprise_context(r, result.level, result.policy.industry_names, lang,
                                                 policy=result.policy)
        return {"index": i + 1, "seq": issue_seq(issue, i), "number": said["number"], "file": said["file"],
                "replaces": said.get("replaces", ""), "withdraws": said.get("withdraws", ""),
                "enterprise": enterprise, "measures": measures}

    # haze's own text indexes read a few values of each row (tests/test_notices.py holds them to it): those
    # rows are built light, with the summary each notice's row worded, instead of building every row again
    light = getattr(env, "shipped", False) and fmt in ("md", "html", "txt")
    summaries: list[str] = []
    worded: dict[str, str] = {}  # one string per distinct summary: most plants share a few

    def index_row(i: int) -> dict[str, Any]:
        r, said, e = operating[i], notices[i], operating[i].enterprise
        return {"index": i + 1, "seq": issue_seq(issue, i), "number": said["number"], "file": said["file"],
                "replaces": said.get("replaces", ""),
                "enterprise": {"id": said["id"], "name": said["name"], "town": one_line(e.town),
                               "grade": grade_context(r, result.policy, lang)},
                "measures": {"level": _shared_level(r.effective_level, lang), "reason": r.reason,
                             "reason_name": label(REASON_LABELS, r.reason, lang), "summary": summaries[i]}}

    def number(i: int) -> str:
        return issue_number(enterprise_list.info.doc_prefix, issue, i, len(operating))

    def file(i: int) -> str:
        return f"{_file_stem(i + 1, operating[i].enterprise.id, width)}.{fmt}"

    def replaces(r: EnterpriseResult) -> str:
        return one_line(issue.replaced_numbers.get(r.enterprise.id, ""))

    def withdraws(r: EnterpriseResult) -> str:
        return one_line(issue.withdrawn_numbers.get(r.enterprise.id, ""))

    rows = _Rows(len(operating), row)
    directory = SetDirectory()  # where write_notice_set writes the set, for the helper process
    from haze.render.helped import TELL_EVERY, HelpedNotices, helped_from
    from haze.render.sms import SMS_FILE
    from haze.render.tally import Tally

    # the index's counts, fed as the notices go: no second pass over the rows
    counted = Tally(lang, {key: g.rank for key, g in result.policy.grades.items()})

    def render_notice(row: dict[str, Any]) -> str:
        notice = {k: row[k] for k in ("index", "seq", "number", "file", "replaces", "withdraws")}
        return tpl.render("notice", base | {"notice": notice, "enterprise": row["enterprise"],
                                            "measures": row["measures"]})

    def notice_content(row: dict[str, Any]) -> str:
        return content_key(issue, row["enterprise"], row["measures"])

    def told(i: int, tally_row: Mapping[str, Any], content: str, summary: str) -> None:
        """What the index and the journal keep of notice ``i``, in list order, whoever rendered it."""
        counted.add(tally_row)
        if light:
            summaries.append(worded.setdefault(summary, summary))
        notices[i]["content"] = content

    def produce() -> Iterator[tuple[str, Any]]:
        # a province's notices: the last 40%, sms.csv and the sync in a helper process (haze.render.helped)
        first = helped_from(len(rows), light)
        if first == len(rows):
            yield from own_notices(range(len(rows)), None)
            yield from index_and_rest(None)
            return
        own_files = [n["file"] for n in notices[:first]]  # what the helper syncs of the run's share
        with HelpedNotices(rows, first, own_files, render_notice, notice_content, sms_text, directory) as helper:
            yield from own_notices(range(first), helper)
            helper.release(first)  # every one of the run's notices is written: the helper syncs the last of them
            told_by_helper = helper.receive(None if progress is None else lambda n: progress(first + n, len(rows)))
            for i, (filename, sha256, content, said, tally_row) in enumerate(told_by_helper, start=first):
                told(i, tally_row, content, said)
                yield filename, Written(sha256)
            if progress is not None:
                progress(len(rows), len(rows))
            yield from index_and_rest(helper)
            helper.receive()  # every notice and sms.csv are on disk: the run's own sync leaves them out
            directory.synced.update([*own_files, *(name for name, *_ in told_by_helper), SMS_FILE])

    def own_notices(own: range, helper: HelpedNotices | None) -> Iterator[tuple[str, Any]]:
        for i in own:
            row = rows[i]
            yield row["file"], render_notice(row)
            told(i, row, notice_content(row), row["measures"]["summary"])
            if helper is not None and i % 64 == 0:
                heard = helper.progress()  # raises what the helper raised: no need to render the rest first
                if progress is not None:
                    progress(i + 1 + heard, len(rows))
            elif helper is None and progress is not None:
                progress(i + 1, len(rows))
            if helper is not None and i % TELL_EVERY == TELL_EVERY - 1:
                helper.release(i + 1)  # notices 0 … i are written and closed: the helper may sync them

    def index_and_rest(helper: HelpedNotices | None) -> Iterator[tuple[str, Any]]:
        summary = {
            "ok": result.ok,
            "basis": result.basis,
            "pollutants": [pollutant_context(p, lang) for p in result.pollutants.values()],
            "failing": [pollutant_context(result.pollutants[p], lang) for p in result.failing],
        }
        yield f"index.{fmt}", _render_large(tpl, "index", base | {
            "notices": _Rows(len(operating), index_row) if light else rows,
            "count": len(rows),
            "summary": summary,
            "tally": counted.result(summary),  # counts, townships and charts (haze.render.tally)
            "idle": [{"id": one_line(r.enterprise.id), "name": one_line(r.enterprise.name)}
                     for r in result.enterprises if r.reason == IDLE],
            "other_sources": [{"name": one_line(s.source.name), "kind": one_line(kind_label(s.source.kind, lang)),
                               "kind_code": one_line(s.source.kind), "cut": s.cut,
                               "reductions": [_pollutant(p, lang) | {"value": s.reduction[p]}
                                              for p in POLLUTANTS if s.reduction[p] > 0]}
                              for s in result.other_sources],
        })
        yield from tpl.extras()
        if helper is None:
            yield from _sms(base, _Rows(len(operating), sms_row), lang, on_missing)
            return
        sha256, missing = helper.receive()  # sms.csv, written by the helper while this rendered the index
        yield SMS_FILE, Written(sha256)
        if missing and on_missing is not None:
            on_missing(missing)

    def sms_text(missing: list[dict[str, str]]) -> Iterator[str]:
        from haze.render.sms import sms_pieces

        return sms_pieces(base, _Rows(len(operating), sms_row), lang, missing)

    def sms_row(i: int) -> dict[str, Any]:
        # what sms.csv reads of a row, the same values as enterprise_context's, without building the whole row
        e = operating[i].enterprise
        phone = e.contact.phone if e.contact else ""
        return {"number": number(i), "enterprise": {"id": one_line(e.id), "name": one_line(e.name),
                                                    "contact": {"phone": one_line(phone)}}}

    # the same values as each row's (enterprise_context: one_line of the id and name), without building the rows
    notices = [{"id": one_line(r.enterprise.id), "name": one_line(r.enterprise.name), "number": number(i),
                "file": file(i)} | ({"replaces": text} if (text := replaces(r)) else {})
               | ({"withdraws": text} if (text := withdraws(r)) else {})
               for i, r in enumerate(operating)]
    head = _manifest_head(issue, lang, fmt, info, result.policy.record, notices)
    return write_notice_set(Path(parent), issue.id, produce(), head, len(rows), notices, dry_run,
                            directory=directory)


def content_key(issue: Issue, enterprise: Mapping[str, Any], measures: Mapping[str, Any]) -> str:
    """What a notice says, as a fingerprint: its enterprise, measures and period, not its number or date.

    Recorded with every activation; ``activate --force --changed`` re-issues
    only to the enterprises whose fingerprint differs (a corrected list).
    """
    import marshal

    # marshal version 2 writes plain values without back-references, so the bytes depend on the values
    # alone (and the key order, which is haze's own); ten times cheaper than repr, for 50,000 notices
    said = marshal.dumps((issue.level.value, issue.start.isoformat(), issue.until.isoformat() if issue.until
                          else None, dict(enterprise), dict(measures)), 2)
    return hashlib.blake2b(said, digest_size=16).hexdigest()


def contents(result: LevelResult, issue: Issue, lang: str) -> dict[str, str]:
    """Credit code -> :func:`content_key` of the notice each operating enterprise would get now."""
    from haze.core.engine import IDLE

    keys = {}
    for r in result.enterprises:
        if r.reason == IDLE:
            continue
        enterprise, measures = enterprise_context(r, result.level, result.policy.industry_names, lang,
                                                 policy=result.policy)
        keys[enterprise["id"]] = content_key(issue, enterprise, measures)
    return keys


class _Rows(Sequence[dict[str, Any]]):
    """The notices' rows, each built when a template asks for it: 50,000 of them held at once took 180 MB.

    The notices read each row once, in order, and the index reads them all
    again: building a row twice costs less than holding every one (see
    docs/performance.md). A row is a plain dict, as documented for templates.
    """

    def __init__(self, count: int, build: Callable[[int], dict[str, Any]]) -> None:
        self._size, self._build = count, build

    def __len__(self) -> int:
        return self._size

    @overload
    def __getitem__(self, index: int) -> dict[str, Any]: ...

    @overload
    def __getitem__(self, index: slice) -> list[dict[str, Any]]: ...

    def __getitem__(self, index: int | slice) -> dict[str, Any] | list[dict[str, Any]]:
        if isinstance(index, slice):
            return [self._build(i) for i in range(*index.indices(self._size))]
        if not -self._size <= index < self._size:
            raise IndexError(_("notice row out of range"))
        return self._build(index % self._size)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return (self._build(i) for i in range(self._size))


def render_lift(notified: list[dict], lst_info: Any, issue: Issue, parent: Path, *, lang: str = "zh",
                fmt: str = "md", templates: Path | None = None, dry_run: bool = False,
                progress: Callable[[int, int], None] | None = None, contact: Any = None,
                on_missing: Callable[[list[dict[str, str]]], None] | None = None) -> NoticeSet:
    """Write lift notices (解除通知) to every enterprise ``notified`` by the warning lifted.

    ``notified``: ``[{"id", "name", "number"}]`` as the journal recorded them
    (``number`` is the activation notice's number; ``town`` is used if given).
    ``lst_info``: a mapping (or ListInfo) with ``authority``, ``region``,
    ``doc_prefix``, optionally ``contact`` (the bureau's duty contact, used
    when ``contact`` is not given) and, for the manifest, ``path`` and
    ``sha256``. ``issue.start`` is the time the warning is lifted.
    """
    _check_options(issue, lang, fmt)
    env = notice_environment(lang=lang, fmt=fmt, templates=templates)
    tpl = templates_for(env, lang, fmt, {"notice": "lift", "index": "index"})
    info = _info(lst_info)
    base = common_context(info, issue, lang, fmt, contact if contact is not None else info.get("contact"))
    base["policy"] = {"name": str(info.get("policy") or ""), "title": "", "source": ""}
    width = _width(len(notified))
    rows: list[dict[str, Any]] = []
    for i, entry in enumerate(notified):
        credit_code = one_line(entry.get("id") or "")
        number = issue_number(one_line(info.get("doc_prefix") or ""), issue, i, len(notified))
        rows.append({"index": i + 1, "seq": issue_seq(issue, i), "number": number,
                     "file": f"{_file_stem(i + 1, credit_code, width)}.{fmt}",
                     "activation_number": one_line(entry.get("number") or ""),
                     "continuing": _continuing(entry.get("continues")),
                     "enterprise": {"id": credit_code, "name": one_line(entry.get("name") or ""),
                                    "town": one_line(entry.get("town") or ""),
                                    "contact": {"name": "", "phone": one_line(entry.get("phone") or "")}}})

    def produce() -> Iterator[tuple[str, Any]]:
        for done, row in enumerate(rows, start=1):
            notice = {k: row[k] for k in ("index", "seq", "number", "file", "activation_number", "continuing")}
            yield row["file"], tpl.render("notice", base | {"notice": notice, "enterprise": row["enterprise"]})
            if progress is not None:
                progress(done, len(rows))
        yield f"index.{fmt}", tpl.render("index", base | {"notices": rows, "count": len(rows), "summary": None,
                                                          "idle": [], "other_sources": [],
                                                          "tally": _tally(rows, None, lang)})
        yield from tpl.extras()
        yield from _sms(base, rows, lang, on_missing)

    notices = [{"id": row["enterprise"]["id"], "name": row["enterprise"]["name"], "number": row["number"],
                "file": row["file"], "activation_number": row["activation_number"]}
               | ({"continues": row["continuing"]["kind"]} if row["continuing"] else {}) for row in rows]
    head = _manifest_head(issue, lang, fmt, info, str(info.get("policy") or ""), notices)
    return write_notice_set(Path(parent), issue.id, produce(), head, len(rows), notices, dry_run)


def _continuing(continues: Any) -> dict[str, Any] | None:
    """What goes on after a lift for one enterprise (haze.commands.lift.addressees), as the templates read it.

    ``None``; ``{"kind": "stagger", "last": <its 错峰 stop's last day, a datetime>, "number": <the 错峰
    notice's number, or "">}``; or ``{"kind": "noncompliant", "last": None, "number": ""}``.
    """
    if not continues or continues.get("kind") not in ("stagger", "noncompliant"):
        return None
    return {"kind": continues["kind"], "last": continues.get("last"), "number": one_line(continues.get("number") or "")}


# -- writing ---------------------------------------------------------------------------

def _manifest_head(issue: Issue, lang: str, fmt: str, info: Mapping[str, Any], policy: str,
                   notices: list[dict[str, str]]) -> dict[str, Any]:
    from haze import __version__

    # "activation" always means the warning: this one, or for a lift the one it lifts.
    if issue.kind == LIFT:
        which: dict[str, Any] = {"activation": issue.lifts, "lifts": issue.lifts}
    else:
        which = {"activation": issue.id, "previous_level": issue.previous_level.value if issue.previous_level
                 else None, "reissue": issue.reissue, "replaces": issue.replaces}
        if issue.voids:  # the first activation after a void: it replaces the voided notices (each notice's number)
            which |= {"voids": issue.voids}
        if issue.changed:  # --changed: only the enterprises whose notice changed; the others' stand
            which |= {"changed": True, "unchanged": issue.unchanged}
    return {
        "id": issue.id,
        "kind": issue.kind,
        "level": issue.level.value,
        **which,
        "start": issue.start.isoformat(),
        "until": issue.until.isoformat() if issue.until else None,
        "issued": issue.issued.isoformat(),
        "user": issue.user,
        "policy": policy,
        "lang": lang,
        "format": fmt,
        "list": {"path": str(info.get("path") or ""), "sha256": str(info.get("sha256") or ""),
                 "region": str(info.get("region") or "")},
        "authority": str(info.get("authority") or ""),
        "first_number": issue.first_number,
        "numbering": issue.numbering,
        "count": len(notices),
        "notices": notices,
        "generator": f"haze {__version__}",
    }


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _manifest_bytes(head: dict[str, Any], hashes: dict[str, str]) -> bytes:
    from haze.render.report import dumps_utf8

    return dumps_utf8(head | {"files": hashes}, "\n")


@dataclass(frozen=True)
class Written:
    """A file of the set that another process wrote into its directory (haze.render.helped): its sha256."""

    sha256: str


@dataclass
class SetDirectory:
    """The hidden directory a set is being written into, once :func:`write_notice_set` has made it
    (``None`` in a dry run): where a helper process writes its part of the set. ``synced``: the files
    the helper has fsynced, which the run's own sync then leaves out."""

    path: Path | None = None
    synced: set[str] = field(default_factory=set)


def write_notice_set(parent: Path, name: str, produce: Iterator[tuple[str, Any]], head: dict[str, Any],
                     count: int, notices: list[dict[str, str]], dry_run: bool,
                     directory: SetDirectory | None = None) -> NoticeSet:
    """Write every file ``produce`` yields into a hidden directory beside the target, then rename it into place.

    ``produce`` yields ``(file name, content)``; text is written as UTF-8,
    bytes (a DOCX or PDF format) as they are; content in pieces (an iterator
    of either: the index, sms.csv) is written piece by piece as it comes; a :class:`Written` file is
    already in ``directory.path``, written by a helper process, and only recorded. Each file is hashed from the
    bytes written, as it is written (the manifest never reads a file back),
    and handed to :class:`~haze.io.fsio.SyncedWriter`, which writes it at once
    and, when all are written, fsyncs every file (but those in
    ``directory.synced``, which the helper fsynced) and then the directory;
    only then is it renamed into place.
    """
    target = parent / name
    if os.path.lexists(target):
        raise HazeError(_("{target} already exists: notices are never overwritten").format(target=target))
    hashes: dict[str, str] = {}
    if dry_run:
        for filename, content in produce:
            if isinstance(content, Written):
                hashes[filename] = content.sha256
            elif isinstance(content, (str, bytes)):
                hashes[filename] = _sha256(_as_bytes(content))
            else:
                digest = hashlib.sha256()
                for piece in content:
                    digest.update(_as_bytes(piece))
                hashes[filename] = digest.hexdigest()
        manifest = _manifest_bytes(head, hashes)
        return NoticeSet(target, [target / f for f in hashes] + [target / MANIFEST], _sha256(manifest), count,
                         notices)
    created_parent = _make_parent(parent)
    work: Path | None = None
    try:
        work = Path(tempfile.mkdtemp(prefix=f".{name}.tmp-", dir=parent))
        work.chmod(0o777 & ~_umask())  # mkdtemp makes it private; the notices are for the whole office
        if directory is not None:
            directory.path = work
        with SyncedWriter(work) as writer:
            for filename, content in produce:
                if isinstance(content, Written):
                    hashes[filename] = content.sha256
                    writer.adopt(filename)
                elif isinstance(content, (str, bytes)):
                    data = _as_bytes(content)
                    hashes[filename] = _sha256(data)
                    writer.write(filename, data)
                else:
                    hashes[filename] = writer.write_pieces(filename, (_as_bytes(p) for p in content))
            content = data = b""  # the last file need not live on with the manifest
            manifest = _manifest_bytes(head, hashes)
            writer.write(MANIFEST, manifest)
            writer.finish(directory.synced if directory is not None else ())  # every file's bytes, then the names
        if os.path.lexists(target):  # another run got there while we rendered
            raise HazeError(_("{target} already exists: notices are never overwritten").format(target=target))
        os.rename(work, target)
        work = None
        fsync_directory(parent)  # the rename itself
    except OSError as exc:
        raise HazeError(_("cannot write notices to {path_parent_absolute}{sep}: {problem}; give a directory you can write with --out DIR").format(path_parent_absolute=Path(parent).absolute(), sep=os.sep, problem=os_reason(exc))) from None
    finally:
        try:
            close = getattr(produce, "close", None)
            if close is not None:
                close()  # a helper process still writing into ``work`` is stopped before ``work`` is removed
        finally:
            if work is not None:
                shutil.rmtree(work, ignore_errors=True)
                if created_parent:
                    _remove_if_empty(parent)
    return NoticeSet(target, [target / f for f in hashes] + [target / MANIFEST], _sha256(manifest), count, notices)


def _as_bytes(content: str | bytes) -> bytes:
    return content.encode("utf-8") if isinstance(content, str) else content


def _umask() -> int:
    mask = os.umask(0o022)  # reading the umask means setting it: put it straight back
    os.umask(mask)
    return mask


def _make_parent(parent: Path) -> bool:
    """Create the output directory if needed; True when this run created it."""
    if parent.is_dir():
        return False
    try:
        parent.mkdir(parents=True)
    except FileExistsError:
        if not parent.is_dir():
            raise HazeError(_("{parent} exists and is not a directory").format(parent=parent)) from None
        return False
    except OSError as exc:
        raise HazeError(_("cannot create {parent}: {problem}").format(parent=parent, problem=os_reason(exc))) from None
    return True


def _remove_if_empty(folder: Path) -> None:
    try:
        folder.rmdir()
    except OSError:
        pass  # not empty (another run's files) or already gone: leave it
