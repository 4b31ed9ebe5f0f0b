"""CSV lists (SPEC §9): decode as Excel writes them, split into rows, hand them to :mod:`haze.io.lists.table`.

Excel's "CSV UTF-8" starts with a BOM, its plain "CSV" on a Chinese Windows is
GB18030 (GBK), and its "Unicode text" is UTF-16 with tabs. Decoding order
(ECOSYSTEM.md): BOM, then strict UTF-8 on the whole file (GB18030 would
accept most UTF-8 as garbage, so UTF-8 goes first), then strict GB18030, else
one clear error. Never gbk/gb2312: GB18030 is their superset.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any, Iterator

from haze.core.findings import Finding, finding
from haze.core.i18n import _
from haze.io.lists.table import Row, Table, column_key, fact_key, read_tables
from haze.io.lists.yamlread import MAX_BYTES
from haze.core.model import EnterpriseList
from haze.core.text import FORMULA_STARTS

DELIMITERS = (",", "\t", ";")
SNIFF_LINES = 20
_ZIP = b"PK\x03\x04"
_OLE2 = b"\xd0\xcf\x11\xe0"  # the old binary .xls


def decode(data: bytes) -> tuple[str | None, str, int]:
    """(text, encoding, 0) of CSV bytes; (None, "", offset of the first bad byte for UTF-8) when none fits."""
    if data.startswith(b"\xef\xbb\xbf"):
        codecs = ["utf-8-sig"]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        codecs = ["utf-16"]
    else:
        codecs = ["utf-8", "gb18030"]
    first_bad = None
    for codec in codecs:
        try:
            return data.decode(codec), codec, 0
        except UnicodeDecodeError as exc:
            first_bad = exc.start if first_bad is None else first_bad
    return None, "", first_bad or 0


def sniff_delimiter(text: str, default: str = ",") -> str:
    """Comma, tab or semicolon: whichever makes the most recognised headers, then the most columns."""
    head = "\n".join(text.splitlines()[:SNIFF_LINES])
    best, best_score = default, (-1, -1)
    for delimiter in DELIMITERS:
        try:
            rows = list(csv.reader(io.StringIO(head, newline=""), delimiter=delimiter))
        except csv.Error:
            continue
        known = max((sum(1 for c in row if column_key(c)) for row in rows), default=0)
        width = max((len(row) for row in rows), default=0)
        if (known, width) > best_score:
            best, best_score = delimiter, (known, width)
    return best


def _rows(text: str, delimiter: str, path: str, problems: list[Finding]) -> Iterator[Row]:
    """Records numbered as Excel numbers rows (a quoted cell may span physical lines)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    number = 0
    while True:
        number += 1
        try:
            cells: list[Any] = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            problems.append(finding("E002", _("CSV syntax: {problem}").format(problem=exc), path, number))
            return
        yield number, [_unquoted(c) for c in cells] if "'" in "".join(cells) else cells


def _unquoted(cell: str) -> str:
    """``'=A1`` -> ``=A1``: the quote haze (and Excel users) put before text that looks like a formula.

    One quote comes off, also before further quotes (``''=A1`` -> ``'=A1``): haze writes text that
    itself starts with ``'=`` so (:func:`haze.render.sheets.csv_cell`).
    """
    return cell[1:] if cell.startswith("'") and cell.lstrip("'").startswith(FORMULA_STARTS) else cell


def _facts_above(rows: Iterator[Row]) -> tuple[list[Row], list[Row]]:
    """Leading key/value rows that are list facts (地区, 发布单位…: what ``export --as-list`` writes
    above the header), and the rows read past them."""
    facts: list[Row] = []
    for number, cells in rows:
        filled = [c for c in cells if c.strip()]
        if len(filled) == 2 and cells[0].strip() and cells[1].strip() and fact_key(cells[0].strip())[0]:
            facts.append((number, cells))
            continue
        return facts, [(number, cells)]
    return facts, []


def decode_csv(data: bytes, path: str) -> tuple[str | None, str, list[Finding]]:
    """(text, encoding, []) of CSV bytes, or (None, "", [the finding that says why not]).

    Every CSV haze reads (lists, forecasts, receipts) is decoded here, once.
    """
    if len(data) > MAX_BYTES:
        return None, "", [finding("E004", _("file is {size} bytes; the limit is {limit}").format(size=len(data), limit=MAX_BYTES), path)]
    if data.startswith(_ZIP):
        return None, "", [finding("E001", _("this is an Excel workbook, not CSV text: name it .xlsx"), path)]
    if data.startswith(_OLE2):
        return None, "", [finding("E001", _("this is an old Excel .xls workbook, not CSV text: "
                                    "open it in Excel and save as .xlsx or CSV UTF-8"), path)]
    text, encoding, bad = decode(data)
    if text is None:
        return None, "", [finding("E001", _("cannot read the text (byte 0x{byte:02X}): it is not UTF-8, UTF-8 "
                                    "with BOM, UTF-16 or GB18030 — save it from Excel as \"CSV UTF-8\"").format(
                                      byte=data[bad]),
                                  path, data.count(b"\n", 0, bad) + 1)]
    if "\x00" in text:
        return None, "", [finding("E001", _("binary data (NUL bytes), not CSV text"), path)]
    if not text.strip():
        return None, "", [finding("E003", _("the file is empty"), path, 1)]
    return text, encoding, []


def csv_rows(text: str, encoding: str, path: str, problems: list[Finding]) -> Iterator[Row]:
    """The decoded text as numbered rows, the delimiter sniffed (syntax errors appended to ``problems``)."""
    return _rows(text, sniff_delimiter(text, "\t" if encoding == "utf-16" else ","), path, problems)


def read_csv(data: bytes, path: str, *, overrides: dict[str, Any] | None = None, to_write: bool = False
             ) -> tuple[EnterpriseList | None, list[Finding]]:
    """Read a CSV list. ``overrides`` are list facts from the command line (``haze import``); ``to_write``:
    read to be written as YAML (:func:`haze.io.lists.table.read_tables` says what that refuses)."""
    text, encoding, unreadable = decode_csv(data, path)
    if text is None:
        return None, unreadable
    problems: list[Finding] = []
    rows = csv_rows(text, encoding, path, problems)
    facts, first = _facts_above(rows)
    result, findings = read_tables(path, Table(_chain(first, rows)),
                                   facts=Table(iter(facts)) if facts else None,
                                   region=Path(path).stem, overrides=overrides, to_write=to_write)
    if problems:
        return None, findings + problems
    return result, findings


def _chain(first: list[Row], rest: Iterator[Row]) -> Iterator[Row]:
    yield from first
    yield from rest
