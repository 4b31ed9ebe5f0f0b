"""Notices of the season controls (SPEC §14, §15): 错时生产告知书 and 错峰生产告知书, their index,
the 错峰 calendar (CSV, XLSX) and its Gantt chart (SVG).

Built on :mod:`haze.render.notices`: the same sandboxed Jinja environment, the
same common context, numbering and file names, and the one set writer
(:func:`~haze.render.notices.write_notice_set`), so a season set is staged,
fsynced, published and recovered exactly as a warning's.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator, cast

from haze.core.fmt import citation
from haze.core.model import POLLUTANTS, Level
from haze.render.notices import (
    Issue,
    NoticeSet,
    _check_options,
    _sms,
    _file_stem,
    _width,
    common_context,
    issue_number,
    issue_seq,
    make_environment,
    one_line,
    templates_for,
    write_notice_set,
)
from haze.render.tally import tally

if TYPE_CHECKING:
    from haze.core.model import EnterpriseList
    from haze.core.policy import Policy
    from haze.core.season import OzoneResult, Schedule

OZONE, STAGGER = "ozone", "stagger"
# what the index counts per notice and per 乡镇 (haze.render.tally): 错时生产, 错峰停产 (its days), 全季停产
SHIFT, STOP_DAYS, WHOLE_SEASON = "shift", "stagger", "season"
RELEASED = "released"  # a new plan's notice to an enterprise the superseded plan stopped: it no longer stops
STOP_MARK = "停"


@dataclass
class SeasonIssue:
    """What one ozone episode or 错峰 plan tells its notices."""

    id: str
    kind: str  # ozone or stagger
    first: date
    last: date
    issued: datetime
    first_number: int
    user: str = ""
    season: str = ""  # stagger: 2025-2026
    replaces: str | None = None  # stagger: the plan this one supersedes
    numbering: str = "per_notice"  # per_batch: one 文号 for the set, sub-numbers per enterprise (SPEC §16)
    #: stagger: credit code -> the number of its notice in the plan superseded (an enterprise new in the plan
    #: has none): its new notice says which notice it replaces and that that one is void, as a re-issue's does
    replaced_numbers: dict[str, str] = field(default_factory=dict)
    #: stagger: the enterprises the superseded plan stopped and this one does not ({id, name, replaces,
    #: reason}: haze.commands.stagger.released); each gets a notice saying so, after those who stop
    released: list[dict[str, str]] = field(default_factory=list)
    #: stagger: the season's own first day, when the plan was issued during the season and ``first`` is the
    #: first day it schedules (the day after it was issued); None: ``first``
    season_first: date | None = None

    def as_issue(self) -> Issue:
        # The common context wants an Issue; a season control has no level (level_context(None) is None).
        return Issue(id=self.id, kind=self.kind, level=cast(Level, None), start=_midnight(self.first, self.issued),
                     until=_midnight(self.last, self.issued), issued=self.issued, first_number=self.first_number,
                     user=self.user, replaces=self.replaces, numbering=self.numbering)


def _midnight(day: date, like: datetime) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=like.tzinfo)


def _base(enterprise_list: EnterpriseList, policy: Policy, issue: SeasonIssue, lang: str, fmt: str,
          source: str) -> dict[str, Any]:
    """The context every notice and the index of a season set share; ``source``: the section's own."""
    info = vars(enterprise_list.info) | {"path": enterprise_list.path, "sha256": enterprise_list.sha256}
    base = common_context(info, issue.as_issue(), lang, fmt, getattr(enterprise_list.info, "contact", None))
    season_first = min(issue.season_first or issue.first, issue.first)
    base["policy"] = {"name": policy.name, "title": one_line(policy.title), "source": one_line(policy.source)}
    # source: what the season control rests on (the ozone or staggered section's documents), cited as the
    # notices cite it; the index names it, not the emergency plan policy.source names (泽政发〔2019〕54号)
    base["season_issue"] = {"kind": issue.kind, "first": _midnight(issue.first, issue.issued),
                            "last": _midnight(issue.last, issue.issued), "season": issue.season,
                            "days": (issue.last - issue.first).days + 1, "replaces": issue.replaces,
                            "source": _cited(source, policy, lang),
                            # a 错峰 plan issued during its season: the season's own days beside those scheduled
                            "season_first": _midnight(season_first, issue.issued),
                            "season_days": (issue.last - season_first).days + 1,
                            "late": season_first < issue.first}
    return base


def _cited(source: str, policy: Policy, lang: str) -> str:
    """A section's ``source`` as the notices cite it; the policy's own when the section names none."""
    return citation(one_line(source or policy.source), lang)


def _head(issue: SeasonIssue, lang: str, fmt: str, enterprise_list: EnterpriseList, policy: str,
          notices: list[dict[str, str]]) -> dict[str, Any]:
    from haze import __version__

    return {"id": issue.id, "kind": issue.kind, "season": issue.season or None, "start": issue.first.isoformat(),
            "until": issue.last.isoformat(), "issued": issue.issued.isoformat(), "user": issue.user,
            "policy": policy, "lang": lang, "format": fmt, "replaces": issue.replaces,
            "list": {"path": str(enterprise_list.path or ""), "sha256": enterprise_list.sha256,
                     "region": enterprise_list.info.region},
            "authority": enterprise_list.info.authority, "first_number": issue.first_number,
            "count": len(notices), "notices": notices, "generator": f"haze {__version__}"} | (
        # a 错峰 plan: the season's own first day beside the first day scheduled (``start``)
        {"season_start": min(issue.season_first, issue.first).isoformat()} if issue.season_first else {})


def _enterprise(e: Any, industry: str, lang: str) -> dict[str, Any]:
    contact = e.contact
    return {"id": one_line(e.id), "name": one_line(e.name), "town": one_line(e.town), "industry": one_line(industry),
            "key_zone": e.key_zone,
            "contact": {"name": one_line(contact.name if contact else ""),
                        "phone": one_line(contact.phone if contact else "")}}


def render_ozone(result: OzoneResult, dates: list[date], enterprise_list: EnterpriseList, policy: Policy,
                 issue: SeasonIssue, parent: Path, *, lang: str = "zh", fmt: str = "md",
                 templates: Path | None = None, dry_run: bool = False,
                 progress: Callable[[int, int], None] | None = None) -> NoticeSet:
    """One 错时生产告知书 per enterprise taking part, ``index.<fmt>`` and ``manifest.json`` in ``parent/<id>``."""
    section = policy.ozone
    _check_options(issue.as_issue(), lang, fmt)
    env = make_environment(lang=lang, fmt=fmt, templates=templates)
    tpl = templates_for(env, lang, fmt, {"notice": "ozone", "index": "season_index"})  # docx, pdf too
    base = _base(enterprise_list, policy, issue, lang, fmt, section.source)
    base["ozone"] = {"dates": [_midnight(d, issue.issued) for d in dates], "window": list(section.window),
                     "actions": [one_line(a) for a in section.actions], "months": list(section.months),
                     "source": base["season_issue"]["source"]}
    width = _width(len(result.taking_part))
    numbered, count = issue.as_issue(), len(result.taking_part)
    rows: list[dict[str, Any]] = []
    for i, t in enumerate(result.taking_part):
        e = t.enterprise
        name = section.name(t.industry, lang) if t.industry else (policy.industry_label(e.industry) if lang == "zh"
                                                                  else e.industry)
        rows.append({"index": i + 1, "seq": issue_seq(numbered, i),
                     "number": issue_number(enterprise_list.info.doc_prefix, numbered, i, count),
                     "file": f"{_file_stem(i + 1, e.id, width)}.{fmt}",
                     "enterprise": _enterprise(e, name, lang),
                     "lines": [{"name": one_line(line.name) if e.has_lines else ("全厂" if lang == "zh" else "whole plant"),
                                "vocs": line.vocs, "nox": line.nox} for line in t.lines],
                     "vocs": t.vocs, "nox": t.nox, "measure": SHIFT})
    summary = {"vocs_shifted": result.vocs_shifted, "vocs_share": result.vocs_share, "nox_shifted": result.nox_shifted,
               "excluded": [{"id": one_line(e.id), "name": one_line(e.name), "reason": reason,
                             "exempt": exemption_reason(e.ozone_exempt)} for e, reason in result.excluded]}

    def produce() -> Iterator[tuple[str, Any]]:
        for done, row in enumerate(rows, start=1):
            notice = {k: row[k] for k in ("index", "seq", "number", "file")}
            yield row["file"], tpl.render("notice", base | {"notice": notice, "enterprise": row["enterprise"],
                                                            "lines": row["lines"],
                                                            "totals": {"vocs": row["vocs"], "nox": row["nox"]}})
            if progress is not None:
                progress(done, len(rows))
        yield f"index.{fmt}", tpl.render("index", base | {"notices": rows, "count": len(rows), "summary": summary,
                                                          "stagger": None, "chart": "",
                                                          "tally": tally(rows, None, lang)})
        yield from tpl.extras()  # all.pdf
        yield from _sms(base, rows, lang, None)

    notices = [{"id": r["enterprise"]["id"], "name": r["enterprise"]["name"], "number": r["number"], "file": r["file"]}
               for r in rows]
    head = _head(issue, lang, fmt, enterprise_list, policy.record, notices)
    return write_notice_set(Path(parent), issue.id, cast(Any, produce()), head, len(rows), notices, dry_run)


#: What the list reader makes of an ``ozone_exempt`` cell of 是/yes/true (haze.io.lists): exempt, no reason given
GENERIC_EXEMPTION = "豁免"


def exemption_reason(said: str) -> str:
    """The reason an index shows after 豁免: none for a plain yes (it read 豁免：豁免), else the reason given."""
    reason = one_line(said)
    return "" if reason == GENERIC_EXEMPTION else reason


RULE_WORDS = {"zh": {"grade": "按绩效等级执行", "zone": "位于重点管控区域，加严一个等级执行",
                     "noncompliant": "未达标排放，全季停产"},
              "en": {"grade": "by its performance grade", "zone": "in the key control zone: one grade stricter",
                     "noncompliant": "not compliant: stops the whole season"}}


def render_stagger(schedule: Schedule, enterprise_list: EnterpriseList, policy: Policy, issue: SeasonIssue,
                   parent: Path, *, lang: str = "zh", fmt: str = "md", templates: Path | None = None,
                   dry_run: bool = False, progress: Callable[[int, int], None] | None = None) -> NoticeSet:
    """One 错峰生产告知书 per enterprise taking part, the calendar (CSV, XLSX, SVG), the index, the manifest."""
    _check_options(issue.as_issue(), lang, fmt)
    env = make_environment(lang=lang, fmt=fmt, templates=templates)
    tpl = templates_for(env, lang, fmt, {"notice": "stagger", "index": "season_index"})  # docx, pdf too
    # The documents the 错峰 plan rests on (泽政办发〔2022〕10号 §30…), not the emergency policy's own source.
    section = policy.staggered
    base = _base(enterprise_list, policy, issue, lang, fmt, section.source if section is not None else "")
    base["staggered"] = {"source": base["season_issue"]["source"]}
    ordered = ordered_participants(schedule)
    count = len(ordered) + len(issue.released)
    width = _width(count)
    numbered = issue.as_issue()
    rows: list[dict[str, Any]] = []
    for i, p in enumerate(ordered):
        e = p.enterprise
        grade, own = policy.grades[p.grade], policy.grades[p.own_grade]
        rows.append({"index": i + 1, "seq": issue_seq(numbered, i),
                     "number": issue_number(enterprise_list.info.doc_prefix, numbered, i, count),
                     "file": f"{_file_stem(i + 1, e.id, width)}.{fmt}",
                     "replaces": one_line(issue.replaced_numbers.get(e.id, "")),
                     "enterprise": _enterprise(e, policy.industry_label(p.industry) if lang == "zh" else p.industry,
                                               lang),
                     "stop": {"first": _midnight(schedule.day(p.start), issue.issued),
                              "last": _midnight(schedule.day(p.end), issue.issued), "days": p.days,
                              "whole_season": p.whole or (p.days == schedule.length and not p.clipped),
                              # its grade's days no longer fit in the days left: it stops every day left,
                              # and its notice says so (else it reads as a mistake against its grade)
                              "clipped": p.clipped, "required": p.required or p.days},
                     "grade": {"own": own.label(lang), "applied": grade.label(lang)},
                     "rule": p.rule, "rule_text": RULE_WORDS[lang][p.rule], "release": None,
                     "measure": WHOLE_SEASON if p.days == schedule.length else STOP_DAYS})
    listed = {e.id: e for e in enterprise_list.enterprises} if issue.released else {}
    for i, r in enumerate(issue.released, start=len(ordered)):
        rows.append(_released_row(r, listed.get(r["id"]), i, count, numbered, enterprise_list, policy, lang, fmt,
                                  width))
    reductions = schedule.daily_reductions()
    figures = [{"code": p.value, "label": p.label, "zh": p.zh,
                "mean": sum(reductions[p]) / schedule.length, "min": min(reductions[p])} for p in POLLUTANTS]
    chart = gantt_svg(schedule, policy, lang)
    summary = {"excluded": [{"id": one_line(e.id), "name": one_line(e.name), "reason": reason, "exempt": ""}
                            for e, reason in schedule.exempt]}
    stagger = {"peak": [{"industry": policy.industry_label(k) if lang == "zh" else k, "peak": v,
                         "bound": schedule.bounds[k]} for k, v in schedule.peak.items()],
               "reductions": figures}

    def produce() -> Iterator[tuple[str, Any]]:
        for done, row in enumerate(rows, start=1):
            notice = {k: row[k] for k in ("index", "seq", "number", "file", "replaces")}
            yield row["file"], tpl.render("notice", base | {"notice": notice, "enterprise": row["enterprise"],
                                                            "stop": row["stop"], "grade": row["grade"],
                                                            "rule": row["rule"], "rule_text": row["rule_text"],
                                                            "release": row["release"]})
            if progress is not None:
                progress(done, len(rows))
        yield "calendar.csv", calendar_csv(schedule, policy)
        yield "calendar.xlsx", calendar_xlsx(schedule, policy)
        yield "calendar.svg", chart
        yield f"index.{fmt}", tpl.render("index", base | {"notices": rows, "count": len(rows), "summary": summary,
                                                          "stagger": stagger, "chart": chart,
                                                          "tally": tally(rows, None, lang)})
        yield from tpl.extras()  # all.pdf
        yield from _sms(base, rows, lang, None)

    # as an activation's manifest, each notice that replaces one names it
    notices = [{"id": r["enterprise"]["id"], "name": r["enterprise"]["name"], "number": r["number"], "file": r["file"]}
               | ({"replaces": r["replaces"]} if r["replaces"] else {}) for r in rows]
    head = _head(issue, lang, fmt, enterprise_list, policy.record, notices)
    return write_notice_set(Path(parent), issue.id, cast(Any, produce()), head, len(rows), notices, dry_run)


#: what a released enterprise's notice and the index say of why it no longer stops (haze.commands.stagger.released)
RELEASE_WORDS = {"zh": {"idle": "已停产", "category": "民生保障类", "grade": "绩效等级豁免",
                        "industry": "所属行业不在错峰生产范围", "removed": "已不在应急减排清单"},
                 "en": {"idle": "idle", "category": "livelihood guarantee", "grade": "grade exempt",
                        "industry": "industry not staggered", "removed": "no longer on the list"}}


def _released_row(r: dict[str, str], e: Any, i: int, count: int, numbered: Issue, enterprise_list: EnterpriseList,
                  policy: Policy, lang: str, fmt: str, width: int) -> dict[str, Any]:
    """The notice row of an enterprise the superseded plan stopped and this one does not: no stop, a reason,
    the old notice it voids. ``e`` is its entry in the list, None when it is no longer there."""
    if e is not None:
        enterprise = _enterprise(e, policy.industry_label(e.industry) if lang == "zh" else e.industry, lang)
    else:
        enterprise = {"id": one_line(r["id"]), "name": one_line(r["name"]), "town": "", "industry": "",
                      "key_zone": False, "contact": {"name": "", "phone": ""}}
    return {"index": i + 1, "seq": issue_seq(numbered, i),
            "number": issue_number(enterprise_list.info.doc_prefix, numbered, i, count),
            "file": f"{_file_stem(i + 1, r['id'], width)}.{fmt}", "replaces": one_line(r["replaces"]),
            "enterprise": enterprise, "stop": None, "grade": None, "rule": None, "rule_text": "",
            "release": {"reason": r["reason"], "reason_text": RELEASE_WORDS[lang].get(r["reason"], r["reason"])},
            "measure": RELEASED}


def ordered_participants(schedule: Schedule) -> list[Any]:
    """Grouped by industry (in the order the list first names them), then by stop start, then by list order."""
    first_seen: dict[str, int] = {}
    for i, p in enumerate(schedule.participants):
        first_seen.setdefault(p.industry, i)
    index = {id(p): i for i, p in enumerate(schedule.participants)}
    return sorted(schedule.participants, key=lambda p: (first_seen[p.industry], p.start, index[id(p)]))


def calendar_rows(schedule: Schedule, policy: Policy) -> tuple[list[str], list[list[str | int]]]:
    """The calendar: one row per enterprise taking part, one column per day, 停 on its stop days.

    The grade is the enterprise's own, with the one it is held to when that differs (a key-zone
    C级 stops as D级): the calendar must not contradict the notice's "C级，执行D级要求". The stop
    days are a number, so the clerk's spreadsheet can sum them."""
    days = [schedule.day(i) for i in range(schedule.length)]
    header = ["统一社会信用代码", "企业名称", "行业", "绩效等级", "停产天数", "停产起", "停产止",
              *(d.isoformat() for d in days)]
    rows: list[list[str | int]] = []
    for p in ordered_participants(schedule):
        cells = ["" if not p.start <= i <= p.end else STOP_MARK for i in range(schedule.length)]
        own, held = policy.grades[p.own_grade].zh, policy.grades[p.grade].zh
        rows.append([p.enterprise.id, p.enterprise.name, policy.industry_label(p.industry),
                     own if own == held else f"{own}（执行{held}）", p.days, schedule.day(p.start).isoformat(),
                     schedule.day(p.end).isoformat(), *cells])
    return header, rows


def calendar_csv(schedule: Schedule, policy: Policy) -> bytes:
    header, rows = calendar_rows(schedule, policy)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")  # Excel opens Chinese UTF-8 only with the BOM


def calendar_xlsx(schedule: Schedule, policy: Policy) -> bytes:
    """The calendar as a workbook: frozen header and names, narrow day columns, landscape A3 fit to width."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    header, rows = calendar_rows(schedule, policy)
    wb = Workbook()
    ws = wb.active
    ws.title = "错峰生产日历"
    ws.append(header)
    fill = PatternFill("solid", fgColor="C0504D")
    white = Font(color="FFFFFF", bold=True)
    fixed = 7
    for row in rows:
        ws.append(row)
    for r in ws.iter_rows(min_row=2, min_col=fixed + 1):
        for cell in r:
            if cell.value == STOP_MARK:
                cell.fill, cell.font = fill, white
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(text_rotation=90 if cell.column > fixed else 0, horizontal="center")
    widths = [20, 28, 8, 8, 8, 11, 11]
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    for i in range(fixed + 1, len(header) + 1):
        ws.column_dimensions[get_column_letter(i)].width = 3
    ws.freeze_panes = ws.cell(row=2, column=3)  # the header row and the code and name stay in view
    ws.print_title_rows = "1:1"
    ws.print_title_cols = "A:B"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A3
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


PALETTE = ("#c0504d", "#4f81bd", "#9bbb59", "#8064a2", "#f79646", "#4bacc6", "#7f6000", "#d16ba5")


def gantt_svg(schedule: Schedule, policy: Policy, lang: str = "zh") -> str:
    """A Gantt chart of the plan: a row per enterprise grouped by industry, a coloured bar per stop block
    (one colour per industry), month ticks, and the number stopped each day drawn under it."""
    from xml.sax.saxutils import escape

    ordered = ordered_participants(schedule)
    n_days = schedule.length
    label_w, day_w, row_h, top = 220, max(2.0, min(6.0, 720 / max(n_days, 1))), 14, 40
    plot_w = n_days * day_w
    counts = schedule.daily_counts()
    peak = max(counts) if counts else 0
    chart_h = 90
    height = top + len(ordered) * row_h + 30 + chart_h + 30
    width = label_w + plot_w + 20
    colours: dict[str, str] = {}
    for p in ordered:
        colours.setdefault(p.industry, PALETTE[len(colours) % len(PALETTE)])
    title = ("错峰生产计划 " if lang == "zh" else "Staggered production plan ") + \
        f"{schedule.first.isoformat()} – {schedule.last.isoformat()}"
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
           f'viewBox="0 0 {width:.0f} {height:.0f}" font-family="SimSun, Noto Sans CJK SC, sans-serif" font-size="11">',
           '<rect width="100%" height="100%" fill="#fff"/>',
           f'<text x="10" y="18" font-size="14" font-weight="bold">{escape(title)}</text>']
    # month ticks
    for i in range(n_days):
        d = schedule.day(i)
        if d.day == 1 or i == 0:
            x = label_w + i * day_w
            out.append(f'<line x1="{x:.1f}" y1="{top - 6}" x2="{x:.1f}" y2="{top + len(ordered) * row_h}" '
                       f'stroke="#ccc"/>')
            out.append(f'<text x="{x + 2:.1f}" y="{top - 8}" fill="#555">{d.month}月</text>' if lang == "zh" else
                       f'<text x="{x + 2:.1f}" y="{top - 8}" fill="#555">{d:%b}</text>')
    current = None
    for row, p in enumerate(ordered):
        y = top + row * row_h
        if p.industry != current:
            current = p.industry
            out.append(f'<line x1="0" y1="{y}" x2="{width:.0f}" y2="{y}" stroke="#888"/>')
        name = f"{policy.industry_label(p.industry)} · {p.enterprise.name}"
        out.append(f'<text x="6" y="{y + row_h - 3}">{escape(name[:24])}</text>')
        x = label_w + p.start * day_w
        out.append(f'<rect x="{x:.1f}" y="{y + 2}" width="{p.days * day_w:.1f}" height="{row_h - 4}" '
                   f'fill="{colours[p.industry]}"><title>{escape(p.enterprise.name)}: '
                   f'{schedule.day(p.start).isoformat()} – {schedule.day(p.end).isoformat()} ({p.days})</title></rect>')
    # the daily number stopped, as a step chart under the bars
    base_y = top + len(ordered) * row_h + 30 + chart_h
    scale = chart_h / peak if peak else 0
    caption = "每日停产企业数，全部行业（峰值 " if lang == "zh" else "enterprises stopped per day, all industries (peak "
    out.append(f'<text x="6" y="{base_y - chart_h + 10}">{escape(caption)}{peak}{"）" if lang == "zh" else ")"}</text>')
    points = []
    for i, c in enumerate(counts):
        x0, x1 = label_w + i * day_w, label_w + (i + 1) * day_w
        level = base_y - c * scale
        points += [f"{x0:.1f},{level:.1f}", f"{x1:.1f},{level:.1f}"]
    if points:
        out.append(f'<polygon points="{label_w:.1f},{base_y} {" ".join(points)} {label_w + plot_w:.1f},{base_y}" '
                   f'fill="#4f81bd" fill-opacity="0.35" stroke="#4f81bd"/>')
    out.append(f'<line x1="{label_w}" y1="{base_y}" x2="{label_w + plot_w:.1f}" y2="{base_y}" stroke="#000"/>')
    # legend
    x = label_w
    for industry, colour in colours.items():
        label = policy.industry_label(industry) if lang == "zh" else industry
        out.append(f'<rect x="{x}" y="{base_y + 10}" width="10" height="10" fill="{colour}"/>'
                   f'<text x="{x + 14}" y="{base_y + 19}">{escape(label)}</text>')
        x += 20 + 12 * len(label)
    out.append("</svg>")
    return "\n".join(out) + "\n"
