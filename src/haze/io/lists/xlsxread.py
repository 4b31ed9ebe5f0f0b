"""XLSX lists (SPEC §9) through python-calamine, rows handed to :mod:`haze.io.lists.table`.

Sheets are told apart by what they hold, their names only breaking ties
(issue 18: a bureau's one sheet named 清单 is its list of enterprises):

- enterprises: a sheet whose header row (within the first rows) names a
  credit-code column and at least one other enterprise column; of several,
  the one named ``企业清单``/``enterprises``, else the first;
- list facts (region, authority, baseline…): key/value rows whose keys are
  list facts, or else a sheet named ``list``/``清单信息``;
- other sources: a header with 名称 and 类型 but no credit code, or a sheet
  named ``other_sources``/``其他排放源``.
A workbook where no sheet looks like enterprises falls back to the names
(then the first other sheet), so its findings say what the header lacks.

An .xlsx is a zip of XML: before calamine sees it, the archive is checked for
a decompression bomb, and each sheet read for formulas that were never
calculated (a file written by a script and not saved by Excel keeps no values
for them, which read as empty cells: an emission silently 0).

Why calamine (Rust) and not openpyxl: on a 20,000-enterprise workbook (32,660
rows) openpyxl's read-only mode took 10.2 s to give the rows, calamine 0.8 s
(docs/performance.md). Merged cells need nothing from either: a merged
enterprise cell reads as empty below its first row, which the table reader
already takes as "the row above's enterprise". Cells are made to look as
openpyxl gave them, so findings and numbers stay the same: a whole number
Excel stores (``365``) is an int, a date-only cell a midnight datetime.
"""

from __future__ import annotations

import datetime as _dt
import io
import re
import unicodedata
import zipfile
from pathlib import Path
from typing import Any, Iterator

from haze.core.findings import Finding, finding
from haze.core.i18n import _
from haze.io.lists.table import HEADER_SEARCH_ROWS, Row, Table, column_key, fact_key, read_tables
from haze.io.lists.yamlread import MAX_BYTES
from haze.core.model import EnterpriseList

ENTERPRISE_SHEETS = ("企业清单", "enterprises", "enterprise")
FACT_SHEETS = ("list", "清单信息")  # not 清单: that is what a bureau calls its list of enterprises
SOURCE_SHEETS = ("other_sources", "other sources", "其他排放源", "其他源")
MAX_UNPACKED = 1024 * 1024 * 1024  # a province's list unpacks to tens of MB
MAX_RATIO = 200  # XML compresses well, but not this well unless it is a bomb

_CELL = re.compile(rb"<c\b([^>]*?)(/>|>(.*?)</c>)", re.S)
_REF = re.compile(rb'\br="([A-Z]+)(\d+)"')
_VALUE = re.compile(rb"<v>[^<]")


def _name(sheet: str) -> str:
    return unicodedata.normalize("NFKC", sheet).strip().lower()


def _archive_problem(data: bytes, path: str) -> Finding | None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        if data.startswith(b"\xd0\xcf\x11\xe0"):
            return finding("E001", _("this is an old Excel .xls workbook: open it in Excel and save it as .xlsx"), path)
        return finding("E001", _("not an .xlsx workbook (not a zip archive); is it a CSV or .xls file renamed?"), path)
    unpacked = sum(info.file_size for info in archive.infolist())
    packed = sum(info.compress_size for info in archive.infolist()) or 1
    if unpacked > MAX_UNPACKED or (unpacked > 50 * 1024 * 1024 and unpacked / packed > MAX_RATIO):
        return finding("E004", _("the workbook unpacks to {unpacked} bytes from {size}; refusing "
                                 "(a decompression bomb?)").format(unpacked=unpacked, size=len(data)), path)
    return None


_SHEET_ENTRY = re.compile(rb"<(?:\w+:)?sheet\b([^>]*)>")
_RELATION_ID = re.compile(rb'\b\w+:id="([^"]*)"')
_RELATIONSHIP = re.compile(rb"<(?:\w+:)?Relationship\b([^>]*)>")
_ATTRIBUTE = re.compile(rb'\b(Id|Target)="([^"]*)"')


def sheet_parts(archive: zipfile.ZipFile) -> list[str]:
    """The archive path of each sheet, in the workbook's order (calamine's ``sheet_names`` order).

    Read with regular expressions over two small parts rather than an XML
    parser: nothing here expands entities. A sheet whose part cannot be found
    gets ``""`` (its formulas are then not checked; calamine still reads it).
    """
    try:
        book = archive.read("xl/workbook.xml")
        rels = archive.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        return []
    targets: dict[bytes, str] = {}
    for match in _RELATIONSHIP.finditer(rels):
        attributes = dict(_ATTRIBUTE.findall(match.group(1)))
        if b"Id" in attributes and b"Target" in attributes:
            target = attributes[b"Target"].decode("utf-8", "replace")
            targets[attributes[b"Id"]] = target.lstrip("/") if target.startswith("/") else "xl/" + target
    parts = []
    for match in _SHEET_ENTRY.finditer(book):
        ident = _RELATION_ID.search(match.group(1))
        parts.append(targets.get(ident.group(1), "") if ident else "")
    return parts


def _uncalculated(archive: zipfile.ZipFile, part: str) -> set[tuple[int, int]]:
    """Cells of a sheet holding a formula without a saved value: (row, column index from 0)."""
    try:
        xml = archive.read(part) if part else b""
    except KeyError:
        return set()
    if b"<f" not in xml:
        return set()
    found = set()
    for match in _CELL.finditer(xml):
        inner = match.group(3) or b""
        if b"<f" in inner and not _saved_value(match.group(1), inner):
            ref = _REF.search(match.group(1))
            if ref:
                found.add((int(ref.group(2)), _column_index(ref.group(1).decode())))
    return found


def _saved_value(attributes: bytes, inner: bytes) -> bool:
    """Excel saves ``<v>3</v>`` (an empty text result as ``t="str"`` and ``<v></v>``);
    a program that never calculated writes ``<v/>`` or nothing."""
    return bool(_VALUE.search(inner)) or (b't="str"' in attributes and b"<v" in inner)


def _column_index(letters: str) -> int:
    index = 0
    for char in letters:
        index = index * 26 + ord(char) - 64
    return index - 1


def _cell(value: Any) -> Any:
    """A calamine cell as openpyxl gave it (the table reader and its findings were written against that).

    Excel stores every number as a float; a whole one below 10^15 is written
    without a decimal point and openpyxl made it an int, while a larger one
    (a credit code typed as a number) stays a float, which is how the table
    reader knows its tail digits were lost.
    """
    kind = type(value)
    if kind is float:
        return int(value) if value.is_integer() and -1e15 < value < 1e15 else value
    if kind is _dt.date:
        return _dt.datetime(value.year, value.month, value.day)
    if kind is _dt.timedelta:  # a duration-formatted cell ([h]:mm): a time of day when under one
        seconds = int(value.total_seconds())
        return _dt.time(seconds // 3600, seconds // 60 % 60, seconds % 60) if 0 <= seconds < 86400 else str(value)
    return value


def _rows(cells: list[list[Any]]) -> Iterator[Row]:
    convert = (float, _dt.date, _dt.timedelta)
    for number, row in enumerate(cells, 1):
        if any(type(c) in convert for c in row):
            row = [_cell(c) if type(c) in convert else c for c in row]
        yield number, row


# -- which sheet is which ---------------------------------------------------------

ENTERPRISES, FACTS, SOURCES = "enterprises", "facts", "sources"


def sheet_role(cells: list[list[Any]]) -> str | None:
    """What a sheet holds, judged from its first rows: enterprises, facts, sources, or None (notes, empty)."""
    head = cells[:HEADER_SEARCH_ROWS]
    for row in head:
        keys = {column_key(c) for c in row if isinstance(c, str) and c.strip()} - {None, ""}
        if len(keys) >= 2 and "id" in keys:
            return ENTERPRISES
        if len(keys) >= 2 and {"name", "kind"} <= keys:
            return SOURCES
    # Key/value rows, most of them list facts: a 填表说明 sheet explaining each column is not one.
    keyed = [row[0].strip() for row in cells[:2 * HEADER_SEARCH_ROWS]
             if len(row) >= 2 and isinstance(row[0], str) and row[0].strip()]
    facts = sum(1 for key in keyed if fact_key(key)[0] is not None)
    return FACTS if facts and 2 * facts >= len(keyed) - 1 else None  # - 1: a 项目 | 内容 header


def _first(indexes: list[int], names: list[str], preferred: tuple[str, ...]) -> int | None:
    """The first of ``indexes`` with a preferred name, else the first."""
    return next((i for i in indexes if names[i] in preferred), indexes[0] if indexes else None)


def choose_sheets(names: list[str], roles: list[str | None]) -> tuple[int | None, int | None, int | None]:
    """Indexes of the enterprises, list-facts and other-sources sheets: by content, names breaking ties."""
    lowered = [_name(n) for n in names]

    def by(role: str) -> list[int]:
        return [i for i, r in enumerate(roles) if r == role]

    main = _first(by(ENTERPRISES), lowered, ENTERPRISE_SHEETS)
    taken = {main}
    facts = _first([i for i in by(FACTS) if i not in taken], lowered, FACT_SHEETS)
    if facts is None:  # named as facts but unreadable as such: read it, so its problems are reported
        facts = next((i for i, n in enumerate(lowered) if n in FACT_SHEETS and i not in taken), None)
    taken.add(facts)
    sources = _first([i for i in by(SOURCES) if i not in taken], lowered, SOURCE_SHEETS)
    if sources is None:
        sources = next((i for i, n in enumerate(lowered) if n in SOURCE_SHEETS and i not in taken), None)
    if main is None:  # nothing looks like enterprises: the old rule, so the findings say what is missing
        main = next((i for i, n in enumerate(lowered) if n in ENTERPRISE_SHEETS and i not in (facts, sources)),
                    None)
        if main is None:
            main = next((i for i in range(len(names)) if i not in (facts, sources)), None)
    return main, facts, sources


def read_xlsx(data: bytes, path: str, *, overrides: dict[str, Any] | None = None, to_write: bool = False
              ) -> tuple[EnterpriseList | None, list[Finding]]:
    """Read an XLSX list. ``overrides`` are list facts from the command line (``haze import``); ``to_write``:
    read to be written as YAML (:func:`haze.io.lists.table.read_tables` says what that refuses)."""
    if len(data) > MAX_BYTES:
        return None, [finding("E004", _("file is {size} bytes; the limit is {limit}").format(size=len(data), limit=MAX_BYTES), path)]
    problem = _archive_problem(data, path)
    if problem is not None:
        return None, [problem]
    from python_calamine import CalamineWorkbook, SheetTypeEnum

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = [m.name for m in book.sheets_metadata]
        worksheets = [i for i, m in enumerate(book.sheets_metadata) if m.typ == SheetTypeEnum.WorkSheet]
    except Exception as exc:  # calamine raises several kinds for a damaged file: all mean "unreadable"
        return None, [finding("E001", _("cannot open the workbook: {problem}").format(problem=f"{type(exc).__name__}: {exc}"), path)]
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = sheet_parts(archive)
            sheets = []
            for i in worksheets:
                cells = book.get_sheet_by_index(i).to_python(skip_empty_area=False)
                part = parts[i] if i < len(parts) else ""
                sheets.append((names[i], cells, _uncalculated(archive, part)))
    except Exception as exc:  # noqa: BLE001 - a sheet calamine cannot decode: the file is damaged
        return None, [finding("E001", _("cannot open the workbook: {problem}").format(problem=f"{type(exc).__name__}: {exc}"), path)]
    return _read_sheets(sheets, path, overrides, to_write)


def _read_sheets(sheets: list[tuple[str, list[list[Any]], set[tuple[int, int]]]], path: str,
                 overrides: dict[str, Any] | None, to_write: bool = False
                 ) -> tuple[EnterpriseList | None, list[Finding]]:
    main, facts, sources = choose_sheets([s[0] for s in sheets], [sheet_role(s[1]) for s in sheets])
    if main is None:
        return None, [finding("E003", _("the workbook has no sheet of enterprises"), path)]

    def table(index: int, named: bool) -> Table:
        title, cells, uncalculated = sheets[index]
        if not named:  # the enterprises: the table reader shapes the cells it reads (most are not)
            return Table(enumerate(cells, 1), "", uncalculated, _cell)
        return Table(_rows(cells), title, uncalculated)

    return read_tables(path, table(main, False),
                       sources=None if sources is None else table(sources, True),
                       facts=None if facts is None else table(facts, True),
                       region=Path(path).stem, overrides=overrides, to_write=to_write)


def sheet_rows(data: bytes, path: str, names: tuple[str, ...] = ()
               ) -> tuple[list[Row] | None, set[tuple[int, int]], list[Finding]]:
    """The rows of one sheet (the first named one of ``names``, else the first), for tables other than lists.

    Same checks as a list workbook (zip bomb, damage); also the cells holding a
    formula with no saved value, which read as empty but are not.
    """
    if len(data) > MAX_BYTES:
        return None, set(), [finding("E004", _("file is {size} bytes; the limit is {limit}").format(size=len(data), limit=MAX_BYTES), path)]
    problem = _archive_problem(data, path)
    if problem is not None:
        return None, set(), [problem]
    from python_calamine import CalamineWorkbook, SheetTypeEnum

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        worksheets = [i for i, m in enumerate(book.sheets_metadata) if m.typ == SheetTypeEnum.WorkSheet]
        if not worksheets:
            return None, set(), [finding("E003", _("the workbook has no sheet"), path)]
        wanted = {_name(n) for n in names}
        index = next((i for i in worksheets if _name(book.sheets_metadata[i].name) in wanted), worksheets[0])
        cells = book.get_sheet_by_index(index).to_python(skip_empty_area=False)
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = sheet_parts(archive)
            uncalculated = _uncalculated(archive, parts[index] if index < len(parts) else "")
    except Exception as exc:  # noqa: BLE001 - calamine raises several kinds for a damaged file
        return None, set(), [finding("E001", _("cannot open the workbook: {problem}").format(problem=f"{type(exc).__name__}: {exc}"), path)]
    return list(_rows(cells)), uncalculated, []
