"""XLSX lists (SPEC §9) through openpyxl in read-only mode, rows handed to :mod:`haze.io.lists.table`.

Sheets: enterprises on the sheet named ``企业清单``/``enterprises`` if there is
one, else on the first sheet that is neither the list facts nor the other
sources; list facts (region, authority, baseline…) as key/value rows on a
sheet named ``list``/``清单信息``; other sources on ``other_sources``/``其他排放源``.

An .xlsx is a zip of XML: before openpyxl sees it, the archive is checked for
a decompression bomb, and each sheet for formulas that were never calculated
(a file written by a script and not saved by Excel keeps no values for them,
and openpyxl would read them as empty cells: an emission silently 0).
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from pathlib import Path
from typing import Any, Iterator

from haze.core.findings import Finding, finding
from haze.io.lists.table import Row, Table, read_tables
from haze.io.lists.yamlread import MAX_BYTES
from haze.core.model import EnterpriseList

ENTERPRISE_SHEETS = ("企业清单", "enterprises", "enterprise")
FACT_SHEETS = ("list", "清单信息", "清单")
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
            return finding("E001", "this is an old Excel .xls workbook: open it in Excel and save it as .xlsx", path)
        return finding("E001", "not an .xlsx workbook (not a zip archive); is it a CSV or .xls file renamed?", path)
    unpacked = sum(info.file_size for info in archive.infolist())
    packed = sum(info.compress_size for info in archive.infolist()) or 1
    if unpacked > MAX_UNPACKED or (unpacked > 50 * 1024 * 1024 and unpacked / packed > MAX_RATIO):
        return finding("E004", f"the workbook unpacks to {unpacked} bytes from {len(data)}; refusing "
                       "(a decompression bomb?)", path)
    return None


def _uncalculated(data: bytes, sheet: Any) -> set[tuple[int, int]]:
    """Cells of a sheet holding a formula without a saved value: (row, column index from 0)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        try:
            xml = archive.read(getattr(sheet, "_worksheet_path", "").lstrip("/"))
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


def _rows(sheet: Any) -> Iterator[Row]:
    sheet.reset_dimensions()  # some writers record a wrong used range; read what is there
    for number, cells in enumerate(sheet.iter_rows(min_row=1, values_only=True), 1):
        yield number, cells


def _choose(names: list[str]) -> tuple[int | None, int | None, int | None]:
    """Indexes of the enterprises, list-facts and other-sources sheets."""
    lowered = [_name(n) for n in names]
    facts = next((i for i, n in enumerate(lowered) if n in FACT_SHEETS), None)
    sources = next((i for i, n in enumerate(lowered) if n in SOURCE_SHEETS), None)
    main = next((i for i, n in enumerate(lowered) if n in ENTERPRISE_SHEETS), None)
    if main is None:
        main = next((i for i in range(len(names)) if i not in (facts, sources)), None)
    return main, facts, sources


def read_xlsx(data: bytes, path: str, *, overrides: dict[str, Any] | None = None
              ) -> tuple[EnterpriseList | None, list[Finding]]:
    """Read an XLSX list. ``overrides`` are list facts from the command line (``haze import``)."""
    if len(data) > MAX_BYTES:
        return None, [finding("E004", f"file is {len(data)} bytes; the limit is {MAX_BYTES}", path)]
    problem = _archive_problem(data, path)
    if problem is not None:
        return None, [problem]
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file: all mean "unreadable"
        return None, [finding("E001", f"cannot open the workbook: {type(exc).__name__}: {exc}", path)]
    try:
        return _read_book(book, data, path, overrides)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, EOFError) as exc:
        return None, [finding("E001", f"damaged workbook: {type(exc).__name__}: {exc}", path)]
    finally:
        book.close()


def _read_book(book: Any, data: bytes, path: str, overrides: dict[str, Any] | None
               ) -> tuple[EnterpriseList | None, list[Finding]]:
    sheets = book.worksheets
    main, facts, sources = _choose([s.title for s in sheets])
    if main is None:
        return None, [finding("E003", "the workbook has no sheet of enterprises", path)]

    def table(index: int, named: bool) -> Table:
        sheet = sheets[index]
        return Table(_rows(sheet), sheet.title if named else "", _uncalculated(data, sheet))

    return read_tables(path, table(main, False),
                       sources=None if sources is None else table(sources, True),
                       facts=None if facts is None else table(facts, True),
                       region=Path(path).stem, overrides=overrides)



def sheet_rows(data: bytes, path: str, names: tuple[str, ...] = ()
               ) -> tuple[list[Row] | None, set[tuple[int, int]], list[Finding]]:
    """The rows of one sheet (the first named one of ``names``, else the first), for tables other than lists.

    Same checks as a list workbook (zip bomb, damage); also the cells holding a
    formula with no saved value, which read as empty but are not.
    """
    if len(data) > MAX_BYTES:
        return None, set(), [finding("E004", f"file is {len(data)} bytes; the limit is {MAX_BYTES}", path)]
    problem = _archive_problem(data, path)
    if problem is not None:
        return None, set(), [problem]
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file: all mean "unreadable"
        return None, set(), [finding("E001", f"cannot open the workbook: {type(exc).__name__}: {exc}", path)]
    try:
        sheets = book.worksheets
        if not sheets:
            return None, set(), [finding("E003", "the workbook has no sheet", path)]
        wanted = {_name(n) for n in names}
        sheet = next((s for s in sheets if _name(s.title) in wanted), sheets[0])
        return list(_rows(sheet)), _uncalculated(data, sheet), []
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, EOFError) as exc:
        return None, set(), [finding("E001", f"damaged workbook: {type(exc).__name__}: {exc}", path)]
    finally:
        book.close()
