"""The zh catalog is complete and current (SPEC §17): no English-only message ships.

Every message marked in ``src/haze`` (``_``, ``N_``, ``ngettext``, found by Babel's own Python
extractor, as ``pybabel extract`` finds them) has a non-empty Chinese translation with the same
``{placeholders}``; the shipped ``haze.mo`` says what ``haze.po`` says; and the .po holds
nothing the code no longer says (click's own messages excepted: haze translates those too,
and they are extracted from the installed click the same way).
"""

from __future__ import annotations

import functools
import io
import string
from pathlib import Path

import pytest

babel = pytest.importorskip("babel")

from babel.messages.extract import extract_from_dir  # noqa: E402
from babel.messages.mofile import read_mo, write_mo  # noqa: E402
from babel.messages.pofile import read_po  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "src" / "haze"
PO = SOURCE / "locale" / "zh" / "LC_MESSAGES" / "haze.po"
MO = PO.with_suffix(".mo")
#: exactly the lookups of haze.core.i18n (scripts/catalog.py passes the same to pybabel)
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}


def extracted(source: Path, keywords: dict = KEYWORDS) -> dict[str, str]:
    """msgid -> ``file:line`` of its first use, for every message marked under ``source``."""
    found: dict[str, str] = {}
    for filename, line, message, _comments, _context in extract_from_dir(
            str(source), [("**.py", "python")], keywords=keywords):
        for msgid in message if isinstance(message, tuple) else (message,):
            if msgid:
                found.setdefault(msgid, f"{filename}:{line}")
    return found


@functools.lru_cache(maxsize=1)
def click_messages() -> frozenset[str]:
    """click's own messages (Usage:, Error:, Missing option…), which the catalog may translate."""
    import click

    return frozenset(extracted(Path(click.__file__).parent, {"_": None, "ngettext": (1, 2)}))


def fields(text: str) -> set[str]:
    """The named placeholders of a format string (``{count}``, ``{n:,}`` -> count, n)."""
    try:
        return {name for _literal, name, _spec, _conv in string.Formatter().parse(text) if name is not None}
    except ValueError:  # an unbalanced brace: a text never formatted (a parser's words), so it has none
        return {"(not a format string)"}


def _translations(message) -> list[str]:
    return list(message.string) if isinstance(message.string, (tuple, list)) else [message.string]


def catalog_problems(source: Path, po: Path, mo: Path) -> list[str]:
    """Everything that keeps the catalog from being complete and current, one line each."""
    with po.open("rb") as stream:
        catalog = read_po(stream, locale="zh")
    # a plural entry answers for its singular and its plural msgid alike
    messages = {msgid: m for m in catalog if m.id for msgid in ((m.id,) if isinstance(m.id, str) else m.id)}
    problems = []
    used = extracted(source)
    if source == SOURCE:  # the help click shows: docstrings and help= texts, looked up when shown (cli/i18n.py)
        from haze.cli.i18n import help_messages

        used.update({k: v for k, v in help_messages().items() if k not in used})
    for msgid, where in used.items():
        message = messages.get(msgid)
        if message is None or not all(s.strip() for s in _translations(message)) or message.fuzzy:
            problems.append(f"{where}: no Chinese for {msgid!r}")
            continue
        ids = list(message.id) if isinstance(message.id, tuple) else [message.id]
        for text in _translations(message):
            if fields(text) != fields(ids[-1]) and fields(text) != fields(ids[0]):
                problems.append(f"{where}: placeholders of {text!r} differ from {msgid!r}")
    # click's messages of the installed click, and those the .po marks ``#. click``: click rewords some between
    # the versions pyproject allows (8.2's "No such option: {name}"), and CI runs the lowest and the newest
    marked = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id and "click" in m.auto_comments}
    allowed = set(used) | click_messages() | marked
    for msgid in {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}:
        if msgid not in allowed:
            problems.append(f"{po.name}: {msgid!r} is said nowhere in the code (obsolete)")
    for message in catalog.obsolete.values():
        problems.append(f"{po.name}: obsolete entry {message.id!r}")
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    with mo.open("rb") as stream:
        shipped = _content(read_mo(stream))
    if shipped != _content(read_mo(compiled)):
        problems.append(f"{mo.name} is out of date with {po.name}: run python scripts/catalog.py compile")
    return problems


def _content(catalog) -> dict:
    def frozen(value):
        return tuple(value) if isinstance(value, (list, tuple)) else value

    return {frozen(m.id): frozen(m.string) for m in catalog if m.id}


def test_the_catalog_is_complete_and_current() -> None:
    problems = catalog_problems(SOURCE, PO, MO)
    assert not problems, "\n".join(problems)


def _copy_catalog(tmp_path: Path) -> tuple[Path, Path]:
    po, mo = tmp_path / "haze.po", tmp_path / "haze.mo"
    po.write_bytes(PO.read_bytes())
    mo.write_bytes(MO.read_bytes())
    return po, mo


def test_a_new_english_only_message_fails(tmp_path: Path) -> None:
    source = tmp_path / "src"
    source.mkdir()
    (source / "new.py").write_text(
        'from haze.core.i18n import _\n\nMESSAGE = _("{count} enterprises have no contact").format(count=3)\n',
        encoding="utf-8")
    po, mo = _copy_catalog(tmp_path)
    problems = catalog_problems(source, po, mo)
    assert any("no Chinese for '{count} enterprises have no contact'" in p and "new.py:3" in p for p in problems)


def _append(po: Path, entry: str) -> None:
    po.write_text(po.read_text(encoding="utf-8") + "\n" + entry, encoding="utf-8")


def test_a_translation_with_other_placeholders_fails(tmp_path: Path) -> None:
    source = tmp_path / "src"
    source.mkdir()
    (source / "new.py").write_text('_("line {line}: bad code {code}")\n', encoding="utf-8")
    po, mo = _copy_catalog(tmp_path)
    _append(po, 'msgid "line {line}: bad code {code}"\nmsgstr "第{row}行：代码 {code} 有误"\n')
    problems = catalog_problems(source, po, mo)
    assert any("placeholders of '第{row}行：代码 {code} 有误'" in p for p in problems)


def test_a_stale_mo_and_an_obsolete_entry_fail(tmp_path: Path) -> None:
    source = tmp_path / "src"
    source.mkdir()
    (source / "empty.py").write_text("", encoding="utf-8")
    po, mo = _copy_catalog(tmp_path)
    _append(po, 'msgid "a message nobody says"\nmsgstr "无人使用的消息"\n\n#~ msgid "gone"\n#~ msgstr "已删除"\n')
    problems = catalog_problems(source, po, mo)
    assert any("'a message nobody says' is said nowhere" in p for p in problems)
    assert any("obsolete entry 'gone'" in p for p in problems)
    assert any("haze.mo is out of date" in p for p in problems)


def test_the_shipped_catalog_loads_and_translates(ui_zh: None) -> None:
    from haze.core import findings

    assert findings.title("E102") == "统一社会信用代码有误"
    assert findings.title("E102") != findings.CODES["E102"][1]
