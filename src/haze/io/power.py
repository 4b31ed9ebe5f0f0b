"""Metered electricity (SPEC §18, 用电监控): hourly or daily kWh per enterprise, summed per calendar day.

Columns (Chinese or English headers, any case): ``id``/统一社会信用代码,
``time``/时间 (an hour or a day, Beijing time), ``kwh``/用电量, optional
``meter``/表计类型 (``production``/生产 or ``treatment``/治污; empty =
production). A day's kWh is the sum of its rows.

Scale: a year of hourly data for 5,000 enterprises is 44 million rows (≈ 2 GB
of CSV). The file is aggregated by polars' streaming engine (chosen over
duckdb by measuring: benchmarks/verify_power.py), which reads it in batches,
so memory stays bounded whatever its size; only the per-day sums come back
to Python. polars is imported here, inside the functions: ``haze --help`` and
every other command never load it.

Decoding follows :mod:`haze.io.lists.csvread` (BOM, then UTF-8, then GB18030).
That module decodes a whole file in memory, which a 2 GB export forbids: a
UTF-8 file goes to polars as it is, and any other encoding is re-encoded to a
temporary UTF-8 copy in 8 MiB chunks by the same codecs, in the same order.
Every bad row (time, kWh, meter) is a finding naming the file and the row;
the file is then refused as a whole, because a skipped row would understate
an enterprise's electricity and so overstate its cut.
"""

from __future__ import annotations

import codecs
import inspect
import io
import os
import re
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from haze.core.findings import Finding, finding
from haze.core.i18n import _, ngettext
from haze.core.response import MeterDays

ALIASES = {
    "id": ("id", "统一社会信用代码", "社会信用代码", "信用代码", "企业信用代码", "uscc", "credit code"),
    "time": ("time", "date", "hour", "datetime", "时间", "日期", "数据时间", "采集时间", "抄表时间", "统计时间",
             "日期时间", "时段"),
    "kwh": ("kwh", "kw·h", "kw.h", "用电量", "电量", "有功电量", "用电量(kwh)", "电量(kwh)", "日用电量", "小时用电量",
            "energy", "consumption"),
    "meter": ("meter", "meter type", "表计类型", "计量点类型", "电表类型", "用途", "类型", "计量点"),
}
METER_WORDS = {"production": ("production", "生产", "生产用电", "生产设施", "主表", "总表"),
               "treatment": ("treatment", "治污", "治污设施", "污染治理", "污染治理设施", "环保", "环保设施",
                             "治理设施")}
HEADER_SEARCH_ROWS = 10
SHOWN_BAD_ROWS = 20
CHUNK = 8 << 20
#: time formats tried on a sample of rows, most common first (the power company's export; Excel's CSV)
TIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H",
                "%Y-%m-%d", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y/%m/%d", "%Y%m%d%H", "%Y%m%d",
                "%Y年%m月%d日 %H时", "%Y年%m月%d日%H时", "%Y年%m月%d日 %H:%M", "%Y年%m月%d日", "%Y.%m.%d %H:%M",
                "%Y.%m.%d")
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}(?:$|[ T]\d{1,2}(?::\d{2}){0,2}$)")


#: how many ids not notified are kept to be named (verify names up to 3 and says … for more)
UNKNOWN_NAMED = 4


#: cells read past the header's columns in a CSV row: a row with a non-empty one is refused (a comma inside
#: a number, 1,234, shifts the cells; the kWh read would be wrong)
EXTRA_CELLS = 4


@dataclass
class PowerData:
    """kWh per enterprise and day, of the days asked for."""

    path: str
    meters: dict[str, MeterDays] = field(default_factory=dict)
    rows: int = 0
    #: rows of notified enterprises dated outside the days asked for (before the baseline, after the end)
    outside: int = 0
    sheet: str = ""  # the XLSX sheet read, when it is not the first one …
    first_sheet: str = ""  # … and the first one
    unknown_ids: int = 0  # enterprises in the file that the activation did not notify
    #: the first of them, in order: named to the officer (a typo in a code), not all (a utility's export
    #: may hold every customer it meters)
    unknown_sample: list[str] = field(default_factory=list)


def read_power(path: str | Path, ids: set[str], first: date, last: date | None, today: date | None = None
               ) -> tuple[PowerData | None, list[Finding]]:
    """Daily kWh of the enterprises ``ids`` on the days ``first``…``last`` (None: every later day).

    Returns None and the findings when the file cannot be read or a row is bad: a time after
    ``today`` (a typed date such as 2099-01-01 would stretch a warning without an end), or the
    same reading given twice (a re-export would count it twice).
    """
    name = str(path)
    suffix = Path(path).suffix.lower()
    if suffix not in (".csv", ".txt", ".xlsx"):
        return None, [finding("E001", _("unknown file format: use .csv or .xlsx"), name)]
    if not Path(path).is_file():
        return None, [finding("E001", _("no such file") if not Path(path).exists() else _("not a regular file"), name)]
    import polars as pl

    if suffix == ".xlsx":
        frame, (sheet, first_sheet, labels), findings = _xlsx_frame(name)
        if frame is None:
            return None, findings
        source = _Source(frame.lazy(), name, 0, sample=_sample_of(frame), sheet=sheet, first_sheet=first_sheet,
                         labels=labels)
        return _aggregate(source, ids, first, last, today)
    # A UTF-8 file goes to polars as it is (no decoding pass over 2 GB); only when polars refuses its bytes
    # is the file checked, and re-encoded from GB18030 (csvread's order: BOM, UTF-8, then GB18030).
    for recode in (False, True):
        with _utf8_csv(name, recode) as (utf8, findings):
            if utf8 is None:
                return None, findings
            if not recode and utf8 == name and not _is_utf8(name, limit=1 << 20):
                continue  # not UTF-8 from its first bytes on (Excel's Chinese "CSV" is GB18030)
            head, findings = _csv_head(utf8, name)
            if head is None:
                return None, findings
            try:
                try:
                    return _aggregate(_csv_source(utf8, name, head, 0), ids, first, last, today)
                except (pl.exceptions.ComputeError, pl.exceptions.SchemaError) as exc:
                    if "more fields" not in str(exc) and "not specified in schema" not in str(exc):
                        raise
                # a row has more cells than the header: read EXTRA_CELLS more columns, so that such a row is
                # seen (and refused when they are not empty), not cut short (a second read only then)
                return _aggregate(_csv_source(utf8, name, head, EXTRA_CELLS), ids, first, last, today)
            except pl.exceptions.PolarsError as exc:
                if not recode and utf8 == name and not _is_utf8(name):
                    continue
                return None, [finding("E002", _("CSV cannot be read: {problem}").format(problem=str(exc).splitlines()[0]), name)]
    raise AssertionError("unreachable")


def _csv_source(utf8: str, name: str, head: _Head, extra_cells: int) -> _Source:
    """The CSV as a lazy frame of its columns (and ``extra_cells`` columns past the header: _extra0…)."""
    import polars as pl

    extra = [f"_extra{i}" for i in range(extra_cells)]
    # A row shorter than the schema is padded with nulls: polars 1 does so by itself, polars 2 only when
    # asked (missing_columns, which polars 1 does not know); the lowest supported polars must read it too
    short_rows: dict[str, Any] = ({"missing_columns": "insert"} if "missing_columns" in
                                  inspect.signature(pl.scan_csv).parameters else {})
    lazy = pl.scan_csv(utf8, has_header=False, skip_rows=head.line + 1, separator=head.delimiter,
                       schema={n: pl.Utf8 for n in [*head.names, *extra]}, truncate_ragged_lines=bool(extra),
                       quote_char='"', **short_rows)
    return _Source(lazy.select([*head.columns, *extra]).rename(head.columns), name, head.line + 1,
                   sample=head.sample, columns=len(head.names))


# -- reading the header ---------------------------------------------------------------------

@dataclass
class _Head:
    line: int  # lines before the header row (0-based index of the header line)
    delimiter: str
    names: list[str]  # a name for every column of the file
    columns: dict[str, str]  # the file's column name -> canonical
    sample: list[str]  # time cells of the first rows


def _csv_head(path: str, name: str) -> tuple[_Head | None, list[Finding]]:
    import csv
    import io

    from haze.io.lists.csvread import sniff_delimiter
    from haze.io.tabular import _forms, column_of

    with open(path, "rb") as handle:
        data = handle.read(1 << 20)
    text = data.decode("utf-8", errors="ignore").lstrip("\ufeff")
    lines = text.splitlines()[:HEADER_SEARCH_ROWS + 50]
    if not "".join(lines).strip():
        return None, [finding("E003", _("the file is empty"), name, 1)]
    delimiter = sniff_delimiter("\n".join(lines[:HEADER_SEARCH_ROWS]))
    forms = _forms(ALIASES)
    rows = list(csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter))
    for index, cells in enumerate(rows[:HEADER_SEARCH_ROWS]):
        keys = [column_of(c, forms) for c in cells]
        if all(k in keys for k in ("id", "time", "kwh")):
            names = [f"c{i}" for i in range(len(cells))]
            columns, problems = _columns(names, keys, cells, name, index + 1)
            if problems:
                return None, problems
            time_at = names[keys.index("time")]
            position = names.index(time_at)
            sample = [r[position] for r in rows[index + 1:index + 51] if len(r) > position and r[position].strip()]
            return _Head(index, delimiter, names, columns, sample), []
    return None, [finding("E100", _("no header row with the columns id (统一社会信用代码), time (时间) and kwh "
                                    "(用电量) in the first {rows} rows").format(rows=HEADER_SEARCH_ROWS), name, 1)]


def _columns(names: list[str], keys: list[str | None], cells: list[Any], path: str, line: int
             ) -> tuple[dict[str, str], list[Finding]]:
    columns: dict[str, str] = {}
    seen: dict[str, Any] = {}
    for column, key, cell in zip(names, keys, cells, strict=False):
        if key is None:
            continue
        if key in seen:
            return {}, [finding("E109", _("two columns mean {key}: {first!r} and {cell!r}").format(
                key=key, first=seen[key], cell=cell), path, line)]
        seen[key] = cell
        columns[column] = key
    return columns, []


#: what Excel writes in a cell whose formula failed (calamine reads them as empty; a CSV export has the text)
EXCEL_ERRORS = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA",
                          "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#UNKNOWN!", "#BUSY!"})
#: sheets searched first for the header (then every other sheet, in the workbook's order)
POWER_SHEETS = ("用电量", "电量", "用电数据", "数据", "power", "kwh")


def _xlsx_frame(path: str) -> tuple[Any, tuple[str, str, dict[str, str]], list[Finding]]:
    """The XLSX sheet holding the header as a frame of text columns (id, time, kwh[, meter], row).

    Also its name and the first sheet's when they differ (else ``""``), and the headers as written.

    Every worksheet is searched for the header (a 说明 sheet often comes first), those named like
    :data:`POWER_SHEETS` first. A cell holding an Excel error (``#VALUE!``, ``#N/A``) is read as that
    text, so the finding about it quotes it (calamine reads such a cell as empty).
    """
    import polars as pl
    from python_calamine import CalamineWorkbook, SheetTypeEnum

    from haze.io.lists.xlsxread import _archive_problem, _name, _rows, _uncalculated, sheet_parts
    from haze.io.lists.yamlread import MAX_BYTES
    from haze.io.tabular import _grid

    data = Path(path).read_bytes()
    if len(data) > MAX_BYTES:
        return None, ("", "", {}), [finding("E004", _("file is {size} bytes; the limit is {limit}").format(
            size=len(data), limit=MAX_BYTES), path)]
    problem = _archive_problem(data, path)
    if problem is not None:
        return None, ("", "", {}), [problem]
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        metadata = book.sheets_metadata
        worksheets = [i for i, m in enumerate(metadata) if m.typ == SheetTypeEnum.WorkSheet]
        if not worksheets:
            return None, ("", "", {}), [finding("E003", _("the workbook has no sheet"), path)]
        preferred = {_name(n) for n in POWER_SHEETS}
        order = [i for i in worksheets if _name(metadata[i].name) in preferred] + \
            [i for i in worksheets if _name(metadata[i].name) not in preferred]
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = sheet_parts(archive)
            for index in order:
                part = parts[index] if index < len(parts) else ""
                cells = book.get_sheet_by_index(index).to_python(skip_empty_area=False)
                grid = list(_rows(cells))
                _put_errors(grid, _error_cells(archive, part))
                rows, findings = _grid(grid, path, _forms_of(), ("id", "time", "kwh"), _uncalculated(archive, part))
                if rows is None and all(f.code == "E100" for f in findings):
                    continue  # no header on this sheet: the next one
                if rows is None or findings:
                    return None, ("", "", {}), findings
                sheet = (metadata[index].name, metadata[worksheets[0]].name) if index != worksheets[0] else ("", "")
                break
            else:
                names = "、".join(metadata[i].name for i in worksheets)
                said = _("no header row with the columns id (统一社会信用代码), time (时间) and kwh (用电量) in the "
                         "first {rows} rows of sheet {sheets}") if len(worksheets) == 1 else \
                    _("no header row with the columns id (统一社会信用代码), time (时间) and kwh (用电量) in the first "
                      "{rows} rows of any sheet (searched: {sheets})")
                return None, ("", "", {}), [finding("E100", said.format(rows=HEADER_SEARCH_ROWS, sheets=names), path, 1)]
    except Exception as exc:  # noqa: BLE001 - calamine raises several kinds for a damaged file
        return None, ("", "", {}), [finding("E001", _("cannot open the workbook: {problem}").format(
            problem=f"{type(exc).__name__}: {exc}"), path)]
    columns: dict[str, list[Any]] = {"id": [], "time": [], "kwh": [], "meter": [], "row": []}
    for number, record in rows.records:
        for key in ("id", "time", "kwh", "meter"):
            columns[key].append(_text(record.get(key)))
        columns["row"].append(number)
    frame = pl.DataFrame(columns, schema={"id": pl.Utf8, "time": pl.Utf8, "kwh": pl.Utf8, "meter": pl.Utf8,
                                          "row": pl.Int64})
    return frame, (*sheet, rows.columns), []


_ERROR_CELL = re.compile(rb"<c\b([^>]*?\bt=\"e\"[^>]*?)>(.*?)</c>", re.S)
_ERROR_VALUE = re.compile(rb"<v>([^<]*)</v>")


def _error_cells(archive: zipfile.ZipFile, part: str) -> dict[tuple[int, int], str]:
    """Cells of a sheet holding an Excel error (``t="e"``): (row, column index from 0) -> ``#VALUE!``."""
    from haze.io.lists.xlsxread import _REF, _column_index

    try:
        xml = archive.read(part) if part else b""
    except KeyError:
        return {}
    if b't="e"' not in xml:
        return {}
    found: dict[tuple[int, int], str] = {}
    for match in _ERROR_CELL.finditer(xml):
        ref = _REF.search(match.group(1))
        value = _ERROR_VALUE.search(match.group(2))
        if ref and value:
            found[(int(ref.group(2)), _column_index(ref.group(1).decode()))] = value.group(1).decode("utf-8", "replace")
    return found


def _put_errors(grid: list[Any], errors: dict[tuple[int, int], str]) -> None:
    """Write each error cell's text (``#N/A``) into the grid, where calamine left it empty."""
    if not errors:
        return
    by_row: dict[int, list[tuple[int, str]]] = {}
    for (row, column), text in errors.items():
        by_row.setdefault(row, []).append((column, text))
    for position, (number, cells) in enumerate(grid):
        if number in by_row:
            cells = list(cells)
            for column, text in by_row[number]:
                if column < len(cells) and cells[column] in (None, ""):
                    cells[column] = text
            grid[position] = (number, cells)


def _forms_of() -> dict[str, str]:
    from haze.io.tabular import _forms

    return _forms(ALIASES)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def _sample_of(frame: Any) -> list[str]:
    return [t for t in frame.get_column("time").head(50).to_list() if t]


# -- decoding ------------------------------------------------------------------------------------

class _utf8_csv:
    """The CSV as a UTF-8 file for polars: the file itself, or a temporary re-encoded copy."""

    def __init__(self, path: str, recode: bool) -> None:
        self.path = path
        self.recode = recode  # False: a file without BOM is taken as UTF-8 (polars checks it as it reads)
        self.temp: str | None = None

    def __enter__(self) -> tuple[str | None, list[Finding]]:
        with open(self.path, "rb") as handle:
            start = handle.read(4)
        if start.startswith(b"PK\x03\x04"):
            return None, [finding("E001", _("this is an Excel workbook, not CSV text: name it .xlsx"), self.path)]
        if start.startswith(b"\xd0\xcf\x11\xe0"):
            return None, [finding("E001", _("this is an old Excel .xls workbook: save it as .xlsx or CSV UTF-8"),
                                  self.path)]
        if start.startswith((b"\xff\xfe", b"\xfe\xff")):
            codec = "utf-16"
        elif start.startswith(b"\xef\xbb\xbf") or not self.recode:
            return self.path, []
        else:
            codec = "gb18030"
        problem = self._recode(codec)
        if problem is not None:
            return None, [problem]
        return self.temp, []

    def _recode(self, codec: str) -> Finding | None:
        decoder = codecs.getincrementaldecoder(codec)(errors="strict")
        fd, self.temp = tempfile.mkstemp(prefix="haze-power-", suffix=".csv")
        offset = 0
        try:
            with open(self.path, "rb") as source, os.fdopen(fd, "wb") as out:
                while chunk := source.read(CHUNK):
                    out.write(decoder.decode(chunk).encode("utf-8"))
                    offset += len(chunk)
                out.write(decoder.decode(b"", final=True).encode("utf-8"))
        except UnicodeDecodeError as exc:
            return finding("E001", _("cannot read the text (byte {offset}): it is not UTF-8, UTF-8 "
                                     "with BOM, UTF-16 or GB18030 — save it as \"CSV UTF-8\"").format(
                offset=offset + exc.start), self.path)
        return None

    def __exit__(self, *exc: object) -> None:
        if self.temp is not None:
            Path(self.temp).unlink(missing_ok=True)


def _is_utf8(path: str, limit: int | None = None) -> bool:
    """Strict UTF-8 over the file (or its first ``limit`` bytes), in chunks: csvread.decode's first test."""
    decoder = codecs.getincrementaldecoder("utf-8")(errors="strict")
    read = 0
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(CHUNK if limit is None else min(CHUNK, limit - read)):
                decoder.decode(chunk)
                read += len(chunk)
                if limit is not None and read >= limit:
                    return True  # a character cut at the limit is not an error
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


# -- aggregating ---------------------------------------------------------------------------------------

@dataclass
class _Source:
    lazy: Any  # polars LazyFrame of text columns id, time, kwh[, meter][, row]
    path: str
    header_line: int  # rows before the first data row (CSV: the data row n is line header_line + n)
    sample: list[str]
    sheet: str = ""  # the XLSX sheet, when not the first: named in the findings
    first_sheet: str = ""  # then the workbook's first sheet
    labels: dict[str, str] = field(default_factory=dict)  # canonical column -> its header as written
    columns: int = 0  # the CSV header's columns (its rows may have EXTRA_CELLS more: _extra0…)


def time_formats(sample: list[str]) -> list[str]:
    """The formats of :data:`TIME_FORMATS` the sampled times are written in (daily and hourly rows may mix)."""
    found: list[str] = []
    for text in (unicodedata.normalize("NFKC", s).strip() for s in sample if s and s.strip()):
        for fmt in TIME_FORMATS:
            try:
                datetime.strptime(text, fmt)
            except ValueError:
                continue
            if fmt not in found:
                found.append(fmt)
            break
    return found


def _day_expr(formats: list[str], sample: list[str]) -> Any:
    import polars as pl

    time = pl.col("time").str.strip_chars()
    if sample and all(_ISO_DAY.match(s.strip()) for s in sample):
        # 2025-12-01 13:00: the day is the first ten characters (twice as fast as parsing the hour too)
        return time.str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False)
    if not formats:
        return pl.lit(None, dtype=pl.Date)
    return pl.coalesce([_one_format(time, fmt) for fmt in formats])


def _one_format(time: Any, fmt: str) -> Any:
    if "%H" not in fmt:
        return time.str.to_date(fmt, strict=False)
    if "%M" in fmt:
        return time.str.to_datetime(fmt, strict=False).dt.date()
    # an hour without minutes (2025-12-01 13, 2025年12月1日13时), which polars does not parse: the day is
    # all verify needs, so read the date before the hour
    day_fmt = fmt[:fmt.index("%H")]
    if day_fmt.endswith((" ", "T")):
        return time.str.replace(r"[ T].*$", "").str.to_date(day_fmt.rstrip(" T"), strict=False)
    if day_fmt.endswith("%d"):  # 2025120113
        return time.str.slice(0, 8).str.to_date(day_fmt, strict=False)
    last = day_fmt[-1]  # 日
    return time.str.replace(f"{re.escape(last)}.*$", last).str.to_date(day_fmt, strict=False)


def _meter_expr(has_meter: bool) -> Any:
    import polars as pl

    if not has_meter:
        return pl.lit("production")
    mapping = {unicodedata.normalize("NFKC", w).lower(): kind for kind, words in METER_WORDS.items() for w in words}
    meter = pl.col("meter").str.strip_chars().str.to_lowercase()
    return pl.when(meter.is_null() | (meter == "")).then(pl.lit("production")) \
        .otherwise(meter.replace_strict(mapping, default=None, return_dtype=pl.Utf8))


def _aggregate(source: _Source, ids: set[str], first: date, last: date | None, today: date | None = None
               ) -> tuple[PowerData | None, list[Finding]]:
    """One streaming pass: rows summed per raw (id, meter, day); then the small result is checked.

    Everything that can be decided once per group rather than once per row is
    done after the pass, on at most enterprises × meters × days groups: the
    ids' spelling, the meter words, and (for ISO stamps, grouped by their first
    ten characters) the date itself. That halves the time of a year of hourly
    rows. A second streaming pass reads only the days compared, for readings
    given twice (:func:`_repeats`): it costs a scan of the file, and memory
    for those days only.
    """
    import polars as pl

    lazy = source.lazy
    names = lazy.collect_schema().names()
    has_meter = "meter" in names
    extras = [n for n in names if n.startswith("_extra")]
    formats = time_formats(source.sample)
    iso = bool(source.sample) and all(_ISO_DAY.match(s.strip()) for s in source.sample)
    day = pl.col("time").str.slice(0, 10) if iso else _day_expr(formats, source.sample)
    value = pl.col("kwh").cast(pl.Float64, strict=False)
    keys = ["id", "day", *(["meter"] if has_meter else [])]
    summary = (lazy.with_columns(day.alias("day"), value.alias("value"), _extra_expr(extras).alias("extra"))
               .group_by(keys)
               .agg(pl.col("value").sum().alias("kwh"), pl.col("value").null_count().alias("nulls"),
                    pl.col("value").min().alias("least"), pl.len().alias("n"), pl.col("extra").sum().alias("extras"))
               .collect(engine="streaming"))
    date_of = pl.col("day").str.to_date("%Y-%m-%d", strict=False) if iso else pl.col("day")
    summary = summary.with_columns(date_of.alias("date"), pl.col("id").str.strip_chars().str.to_uppercase().alias("ident"),
                                   _meter_expr(has_meter).alias("kind"))
    bad = (pl.col("date").is_null() | (pl.col("nulls") > 0) | pl.col("kwh").is_nan() | pl.col("kwh").is_infinite()
           | (pl.col("least") < 0) | pl.col("kind").is_null() | pl.col("ident").is_null() | (pl.col("ident") == "")
           | (pl.col("extras") > 0))
    if today is not None:
        bad = bad | (pl.col("date") > today)
    wanted = pl.col("ident").is_in(sorted(ids))
    window = pl.col("date") >= first
    if last is not None:
        window = window & (pl.col("date") <= last)
    # a reading given twice counts twice: refused where it would change a result (the days compared)
    repeated = _repeats(lazy, day, iso, first, last, has_meter, ids)
    if summary.filter(bad).height or repeated.height:
        return None, _bad_rows(lazy, formats, source, has_meter, today, repeated)
    data = PowerData(source.path, rows=int(summary.get_column("n").sum() or 0), sheet=source.sheet,
                     first_sheet=source.first_sheet)
    unknown = summary.filter(~wanted).get_column("ident").unique()
    data.unknown_ids = unknown.len()
    data.unknown_sample = unknown.sort().head(UNKNOWN_NAMED).to_list()
    data.outside = int(summary.filter(wanted & ~window).get_column("n").sum() or 0)
    chosen = summary.filter(wanted & window).group_by("ident", "kind", "date").agg(pl.col("kwh").sum())
    for ident, kind, when, kwh in chosen.select("ident", "kind", "date", "kwh").iter_rows():
        meters = data.meters.setdefault(ident, MeterDays())
        days = meters.production if kind == "production" else meters.treatment
        days[when] = kwh
    return data, []


def _repeats(lazy: Any, day: Any, iso: bool, first: date, last: date | None, has_meter: bool, ids: set[str]
             ) -> Any:
    """Readings of notified enterprises in the days compared given more than once: (id, time, kwh[, meter], count).

    The same credit code, time, meter and kWh twice is one reading exported twice (two exports
    pasted together), not two meters: two meters of one kind at one hour read different kWh, and are
    summed. Zero readings are left out: two meters of a stopped plant both read 0, which adds nothing.
    """
    import polars as pl

    keys = ["id", "time", "kwh", *(["meter"] if has_meter else [])]
    if iso:  # the day is text: compared as text, so the scan keeps only those days without parsing a date
        inside = pl.col("day") >= first.isoformat()
        if last is not None:
            inside = inside & (pl.col("day") <= last.isoformat())
    else:
        inside = pl.col("day") >= first
        if last is not None:
            inside = inside & (pl.col("day") <= last)
    value = pl.col("kwh").cast(pl.Float64, strict=False)
    found = (lazy.with_columns(day.alias("day"))
             .filter(inside & value.is_not_null() & (value != 0))
             .with_columns(pl.col("time").str.strip_chars(), pl.col("kwh").str.strip_chars())
             .group_by(keys).agg(pl.len().alias("count"))
             .filter(pl.col("count") > 1)
             .collect(engine="streaming"))
    return found.filter(pl.col("id").str.strip_chars().str.to_uppercase().is_in(sorted(ids)))


def _extra_expr(extras: list[str]) -> Any:
    """True for a CSV row with a non-empty cell past the header's columns."""
    import polars as pl

    if not extras:
        return pl.lit(False)
    return pl.any_horizontal([pl.col(c).str.strip_chars().fill_null("") != "" for c in extras])


def _cell_problem(column: str, text: Any) -> str | None:
    """``kWh: the cell is empty`` / ``time: the cell holds the Excel error #VALUE!``; None for other text."""
    if text is None or not str(text).strip():
        return _("time: the cell is empty") if column == "time" else _("kWh: the cell is empty")
    error = str(text).strip()
    if error.upper() in EXCEL_ERRORS:
        if column == "time":
            return _("time: the cell holds the Excel error {error} (a formula that failed: correct it, or type "
                     "the time)").format(error=error)
        return _("kWh: the cell holds the Excel error {error} (a formula that failed: correct it, or type "
                 "the kWh)").format(error=error)
    return None


def _bad_rows(lazy: Any, formats: list[str], source: _Source, has_meter: bool, today: date | None,
              repeated: Any) -> list[Finding]:
    """The first bad rows, located: a second pass, made only when there are some.

    At most :data:`SHOWN_BAD_ROWS` rows are named; the rest are counted by their
    codes, a line per code.
    """
    import polars as pl

    names = lazy.collect_schema().names()
    extras = [n for n in names if n.startswith("_extra")]
    prepared = lazy.with_columns(
        pl.col("id").str.strip_chars().alias("ident"),
        _day_expr(formats, source.sample).alias("date"),
        pl.col("kwh").cast(pl.Float64, strict=False).alias("value"),
        _meter_expr(has_meter).alias("kind"),
        _extra_expr(extras).alias("extra"),
    )
    numbered = prepared if "row" in names else prepared.with_row_index("row", offset=source.header_line + 1)
    checks = {
        "E100": pl.col("ident").is_null() | (pl.col("ident") == ""),
        "E101": pl.col("date").is_null() | (pl.col("date") > today if today is not None else pl.lit(False)),
        "E106": pl.col("value").is_null() | pl.col("value").is_nan() | pl.col("value").is_infinite()
        | (pl.col("value") < 0),
        "E104": pl.col("kind").is_null(),
        "E003": pl.col("extra"),
    }
    bad = pl.any_horizontal(list(checks.values()))
    rows = numbered.filter(bad).head(SHOWN_BAD_ROWS).collect(engine="streaming")
    totals = prepared.select([check.sum().alias(code) for code, check in checks.items()]) \
        .collect(engine="streaming").row(0, named=True)
    located: list[tuple[int, Finding]] = []
    for row in rows.iter_rows(named=True):
        number = int(row["row"])

        def add(code: str, message: str, label: str, number: int = number) -> None:
            located.append((number, finding(code, message, source.path, number, column=_where(source, label))))

        if not row["ident"]:
            add("E100", _("no credit code"), "id")
        if row["date"] is None:
            add("E101", _cell_problem("time", row["time"]) or _(
                "time {time!r}: not an hour or a day (2025-12-01 13:00 or 2025-12-01)").format(time=row["time"]), "time")
        elif today is not None and row["date"] > today:
            add("E101", _("time {time!r}: in the future (today is {today}); a mistyped date?").format(
                time=row["time"], today=today.isoformat()), "time")
        value = row["value"]
        if value is None or value != value or value < 0 or value == float("inf"):
            add("E106", _cell_problem("kwh", row["kwh"]) or _("kWh {kwh!r}: not a number ≥ 0").format(
                kwh=row["kwh"]), "kwh")
        if row["kind"] is None:
            add("E104", _("meter {meter!r}: use production/生产 or treatment/治污").format(meter=row.get("meter")),
                "meter")
        if row["extra"]:
            cells = [str(row[c]) for c in extras if row[c] is not None and str(row[c]).strip()]
            add("E003", _("cells past the header's {columns} columns ({cells}): a comma inside a number "
                          "(1,234) or a stray cell shifts the row; remove them, or quote the number").format(
                columns=source.columns, cells=", ".join(cells)), "")
    counts = {code: int(totals[code] or 0) for code in checks}
    if repeated.height:
        located.extend(_repeated_rows(numbered, source, has_meter, repeated))
        counts["E108"] = int((repeated.get_column("count") - 1).sum() or 0)
    located.sort(key=lambda item: item[0])
    shown_rows = sorted({number for number, _f in located})[:SHOWN_BAD_ROWS]
    findings = [f for number, f in located if number in set(shown_rows)]
    for code, count in counts.items():
        more = count - sum(1 for f in findings if f.code == code)
        if more > 0:
            findings.append(finding(code, ngettext("… and {count} more row with this error",
                                                   "… and {count} more rows with this error", more).format(count=more),
                                    source.path))
    return findings


def _where(source: _Source, label: str) -> str | None:
    """The sheet and column of a finding (``数据!用电量``), when the data is not on the workbook's first sheet."""
    return f"{source.sheet}!{source.labels.get(label, label)}" if source.sheet else None


def _repeated_rows(numbered: Any, source: _Source, has_meter: bool, repeated: Any) -> list[tuple[int, Finding]]:
    """The readings given twice, located: each later row names the first (as advise's dates do)."""
    import polars as pl

    keys = ["id", "time", "kwh", *(["meter"] if has_meter else [])]
    shown = repeated.select(keys).sort(keys).head(SHOWN_BAD_ROWS)
    rows = (numbered.with_columns(pl.col("time").str.strip_chars(), pl.col("kwh").str.strip_chars())
            .join(shown.lazy(), on=keys, how="semi", nulls_equal=True)
            .select("row", *keys)
            .collect(engine="streaming").sort("row"))
    located: list[tuple[int, Finding]] = []
    first: dict[tuple[Any, ...], int] = {}
    for row in rows.iter_rows(named=True):
        key = tuple(row[k] for k in keys)
        number = int(row["row"])
        if key not in first:
            first[key] = number
            continue
        located.append((number, finding("E108", _(
            "{id} at {time}: the same reading ({kwh} kWh) given twice (also row {first}); a row exported twice "
            "would count twice — delete one").format(id=str(row["id"]).strip(), time=row["time"], kwh=row["kwh"],
                                                     first=first[key]),
            source.path, number, column=_where(source, "time"))))
    return located


def day_range(start: datetime, end: datetime | None, baseline_days: int) -> tuple[date, date | None]:
    """The days to read: the baseline days before the start's date to the last day before ``end``."""
    first = start.date() - timedelta(days=baseline_days)
    last = None if end is None else (end - timedelta(microseconds=1)).date()
    return first, last
