"""Small tables that are not lists: a forecast, a file of receipts (SPEC §18).

CSV, XLSX or YAML; headers in Chinese or English and any case, matched as list
headers are (:func:`haze.io.lists.table.header_forms`). The bytes are decoded
by the list readers (:func:`haze.io.lists.csvread.decode_csv`,
:func:`haze.io.lists.xlsxread.sheet_rows`), so every file haze reads is decoded
one way. Nothing here raises for bad content: each problem is a finding naming
the file and the row (or YAML line).
"""

from __future__ import annotations

import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Sequence

from haze.core.findings import Finding, finding
from haze.core.i18n import _, os_reason

HEADER_SEARCH_ROWS = 10
FORMATS = {".csv": "csv", ".xlsx": "xlsx", ".yaml": "yaml", ".yml": "yaml"}
#: a table's row, as ``(row number in the file, canonical column -> cell)``
Record = tuple[int, dict[str, Any]]


@dataclass
class Rows:
    path: str
    records: list[Record] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)  # canonical -> the header as written


def _forms(aliases: Mapping[str, Sequence[str]]) -> dict[str, str]:
    from haze.io.lists.table import header_forms

    table: dict[str, str] = {}
    for key, names in aliases.items():
        for name in (key, *names):
            table.setdefault(header_forms(name)[0], key)
    return table


def column_of(header: Any, forms: Mapping[str, str]) -> str | None:
    from haze.io.lists.table import header_forms

    if header is None:
        return None
    return next((forms[f] for f in header_forms(str(header)) if f in forms), None)


def read_rows(path: str | Path, aliases: Mapping[str, Sequence[str]], required: Sequence[str],
              yaml_keys: Sequence[str] = ()) -> tuple[Rows | None, list[Finding]]:
    """Read ``path`` into canonical records; None and the findings when it cannot be read at all.

    ``aliases``: canonical column -> the headers that mean it. ``required``:
    columns without which no row means anything. ``yaml_keys``: in a YAML
    mapping, the keys under which the rows may stand (``forecast:`` …).
    """
    name = str(path)
    kind = FORMATS.get(Path(path).suffix.lower())
    if kind is None:
        return None, [finding("E001", _("unknown file format: use .csv, .xlsx or .yaml"), name)]
    try:
        info = Path(path).stat()
        if not stat.S_ISREG(info.st_mode):
            return None, [finding("E001", _("not a regular file"), name)]
        from haze.io.lists.yamlread import MAX_BYTES

        if info.st_size > MAX_BYTES:
            return None, [finding("E004", _("file is {size} bytes; the limit is {limit}").format(
                size=info.st_size, limit=MAX_BYTES), name)]
        data = Path(path).read_bytes()
    except FileNotFoundError:
        return None, [finding("E001", _("no such file"), name)]
    except OSError as exc:
        return None, [finding("E001", _("cannot read: {problem}").format(problem=os_reason(exc)), name)]
    forms = _forms(aliases)
    if kind == "yaml":
        return _yaml(data, name, forms, required, yaml_keys)
    if kind == "csv":
        from haze.io.lists.csvread import csv_rows, decode_csv

        text, encoding, unreadable = decode_csv(data, name)
        if text is None:
            return None, unreadable
        problems: list[Finding] = []
        raw = list(csv_rows(text, encoding, name, problems))
        if problems:
            return None, problems
        return _grid(raw, name, forms, required, set())
    from haze.io.lists.xlsxread import sheet_rows

    grid, uncalculated, unreadable = sheet_rows(data, name)
    if grid is None:
        return None, unreadable
    return _grid(grid, name, forms, required, uncalculated)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _grid(raw: list[tuple[int, Sequence[Any]]], path: str, forms: Mapping[str, str], required: Sequence[str],
          uncalculated: set[tuple[int, int]]) -> tuple[Rows | None, list[Finding]]:
    header_at = None
    for position, (_row, cells) in enumerate(raw[:HEADER_SEARCH_ROWS]):
        keys = {column_of(c, forms) for c in cells}
        if all(k in keys for k in required):
            header_at = position
            break
    if header_at is None:
        first = raw[0][0] if raw else 1
        wanted = ", ".join(required)
        return None, [finding("E100", _("no header row with the columns {wanted} in the first {rows} rows").format(
            wanted=wanted, rows=HEADER_SEARCH_ROWS), path, first)]
    number, header = raw[header_at]
    columns: dict[int, str] = {}
    written: dict[str, str] = {}
    findings: list[Finding] = []
    for index, cell in enumerate(header):
        key = column_of(cell, forms)
        if key is None:
            continue
        if key in written:
            findings.append(finding("E109", _("two columns mean {key}: {first!r} and {cell!r}").format(
                key=key, first=written[key], cell=cell), path, number))
            continue
        columns[index] = key
        written[key] = str(cell)
    if findings:
        return None, findings
    rows = Rows(path, columns=written)
    for number, cells in raw[header_at + 1:]:
        if all(_blank(c) for c in cells):
            continue
        record: dict[str, Any] = {}
        for index, key in columns.items():
            if (number, index) in uncalculated:
                findings.append(finding("E101", _("{column}: a formula with no saved value (open and save "
                                                  "the file in Excel, or type the value)").format(column=written[key]),
                                        path, number))
            value = cells[index] if index < len(cells) else None
            record[key] = None if _blank(value) else value
        rows.records.append((number, record))
    return rows, findings


def _yaml(data: bytes, path: str, forms: Mapping[str, str], required: Sequence[str],
          yaml_keys: Sequence[str]) -> tuple[Rows | None, list[Finding]]:
    from haze.io.lists.yamlread import load_yaml

    doc, findings = load_yaml(data, path)
    if doc is None:
        return None, findings
    items = doc
    if isinstance(doc, Mapping):  # {forecast: [rows]}: the rows under one of ``yaml_keys``
        under = _forms({"rows": yaml_keys})
        items = next((doc[k] for k in doc if column_of(k, under) == "rows"), doc)
    if not isinstance(items, list):
        return None, [finding("E003", _("expected a list of rows (- {date: …, aqi: …})"), path, getattr(doc, "line", 1))]
    rows = Rows(path)
    for item in items:
        line = getattr(item, "line", None)
        if not isinstance(item, Mapping):
            findings.append(finding("E101", _("a row must be a mapping, not {item!r}").format(item=item), path, line))
            continue
        record: dict[str, Any] = {}
        for key, value in item.items():
            canonical = column_of(key, forms)
            if canonical is not None:
                record[canonical] = None if _blank(value) else value
                rows.columns.setdefault(canonical, str(key))
        rows.records.append((line or 0, record))
    return rows, [f for f in findings if f.is_error]
