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
import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Iterator

from haze.core.findings import Finding, finding
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
               "treatment": ("treatment", "治污", "治污设施", "污染治理", "污染治理设施", "环保", "环保设施", "治理设施")}
HEADER_SEARCH_ROWS = 10
SHOWN_BAD_ROWS = 20
CHUNK = 8 << 20
#: time formats tried on a sample of rows, most common first (the power company's export; Excel's CSV)
TIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H",
                "%Y-%m-%d", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y/%m/%d", "%Y%m%d%H", "%Y%m%d",
                "%Y年%m月%d日 %H时", "%Y年%m月%d日%H时", "%Y年%m月%d日 %H:%M", "%Y年%m月%d日", "%Y.%m.%d %H:%M",
                "%Y.%m.%d")
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}(?:$|[ T]\d{1,2}(?::\d{2}){0,2}$)")


@dataclass
class PowerData:
    """kWh per enterprise and day, of the days asked for."""

    path: str
    meters: dict[str, MeterDays] = field(default_factory=dict)
    rows: int = 0
    unknown_ids: int = 0  # enterprises in the file that the activation did not notify


def read_power(path: str | Path, ids: set[str], first: date, last: date | None
               ) -> tuple[PowerData | None, list[Finding]]:
    """Daily kWh of the enterprises ``ids`` on the days ``first``…``last`` (None: every later day).

    Returns None and the findings when the file cannot be read or a row is bad.
    """
    name = str(path)
    suffix = Path(path).suffix.lower()
    if suffix not in (".csv", ".txt", ".xlsx"):
        return None, [finding("E001", "unknown file format: use .csv or .xlsx", name)]
    if not Path(path).is_file():
        return None, [finding("E001", "no such file" if not Path(path).exists() else "not a regular file", name)]
    import polars as pl

    if suffix == ".xlsx":
        frame, header_line, findings = _xlsx_frame(name)
        if frame is None:
            return None, findings
        source = _Source(frame.lazy(), name, header_line, sample=_sample_of(frame))
        return _aggregate(source, ids, first, last)
    with _utf8_csv(name) as (utf8, findings):
        if utf8 is None:
            return None, findings
        head, findings = _csv_head(utf8, name)
        if head is None:
            return None, findings
        try:
            lazy = pl.scan_csv(utf8, has_header=False, skip_rows=head.line + 1, separator=head.delimiter,
                               new_columns=head.names, infer_schema=False, truncate_ragged_lines=True,
                               quote_char='"')
            source = _Source(lazy.select(list(head.columns)).rename(head.columns), name, head.line + 1,
                             sample=head.sample)
            return _aggregate(source, ids, first, last)
        except pl.exceptions.PolarsError as exc:
            return None, [finding("E002", f"CSV cannot be read: {str(exc).splitlines()[0]}", name)]


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
        return None, [finding("E003", "the file is empty", name, 1)]
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
    return None, [finding("E100", "no header row with the columns id (统一社会信用代码), time (时间) and kwh "
                                  f"(用电量) in the first {HEADER_SEARCH_ROWS} rows", name, 1)]


def _columns(names: list[str], keys: list[str | None], cells: list[Any], path: str, line: int
             ) -> tuple[dict[str, str], list[Finding]]:
    columns: dict[str, str] = {}
    seen: dict[str, Any] = {}
    for column, key, cell in zip(names, keys, cells):
        if key is None:
            continue
        if key in seen:
            return {}, [finding("E109", f"two columns mean {key}: {seen[key]!r} and {cell!r}", path, line)]
        seen[key] = cell
        columns[column] = key
    return columns, []


def _xlsx_frame(path: str) -> tuple[Any, int, list[Finding]]:
    """An XLSX sheet as a frame of text columns (id, time, kwh[, meter], row)."""
    import polars as pl

    from haze.io.lists.xlsxread import sheet_rows
    from haze.io.tabular import _grid

    data = Path(path).read_bytes()
    grid, uncalculated, findings = sheet_rows(data, path, ("用电量", "电量", "power", "kwh"))
    if grid is None:
        return None, 0, findings
    rows, findings = _grid(grid, path, _forms_of(), ("id", "time", "kwh"), uncalculated)
    if rows is None or findings:
        return None, 0, findings
    columns: dict[str, list[Any]] = {"id": [], "time": [], "kwh": [], "meter": [], "row": []}
    for number, record in rows.records:
        for key in ("id", "time", "kwh", "meter"):
            columns[key].append(_text(record.get(key)))
        columns["row"].append(number)
    frame = pl.DataFrame(columns, schema={"id": pl.Utf8, "time": pl.Utf8, "kwh": pl.Utf8, "meter": pl.Utf8,
                                          "row": pl.Int64})
    return frame, 0, []


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

    def __init__(self, path: str) -> None:
        self.path = path
        self.temp: str | None = None

    def __enter__(self) -> tuple[str | None, list[Finding]]:
        with open(self.path, "rb") as handle:
            start = handle.read(4)
        if start.startswith(b"PK\x03\x04"):
            return None, [finding("E001", "this is an Excel workbook, not CSV text: name it .xlsx", self.path)]
        if start.startswith(b"\xd0\xcf\x11\xe0"):
            return None, [finding("E001", "this is an old Excel .xls workbook: save it as .xlsx or CSV UTF-8",
                                  self.path)]
        if start.startswith((b"\xff\xfe", b"\xfe\xff")):
            codec = "utf-16"
        elif start.startswith(b"\xef\xbb\xbf") or _is_utf8(self.path):
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
            return finding("E001", f"cannot read the text (byte {offset + exc.start}): it is not UTF-8, UTF-8 "
                                   "with BOM, UTF-16 or GB18030 — save it as \"CSV UTF-8\"", self.path)
        return None

    def __exit__(self, *exc: object) -> None:
        if self.temp is not None:
            Path(self.temp).unlink(missing_ok=True)


def _is_utf8(path: str) -> bool:
    """Strict UTF-8 over the whole file, in chunks (the order of csvread.decode: UTF-8 before GB18030)."""
    decoder = codecs.getincrementaldecoder("utf-8")(errors="strict")
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(CHUNK):
                decoder.decode(chunk)
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


def time_format(sample: list[str]) -> str | None:
    """The first format of :data:`TIME_FORMATS` every sampled time reads with (None: none fits)."""
    cleaned = [unicodedata.normalize("NFKC", s).strip() for s in sample if s and s.strip()]
    if not cleaned:
        return None
    for fmt in TIME_FORMATS:
        try:
            for s in cleaned:
                datetime.strptime(s, fmt)
        except ValueError:
            continue
        return fmt
    return None


def _day_expr(fmt: str | None, sample: list[str]) -> Any:
    import polars as pl

    time = pl.col("time").str.strip_chars()
    if sample and all(_ISO_DAY.match(s.strip()) for s in sample):
        # 2025-12-01 13:00: the day is the first ten characters (twice as fast as parsing the hour too)
        return time.str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False)
    if fmt is None:
        return pl.lit(None, dtype=pl.Date)
    return time.str.to_datetime(fmt, strict=False).dt.date()


def _meter_expr(has_meter: bool) -> Any:
    import polars as pl

    if not has_meter:
        return pl.lit("production")
    mapping = {unicodedata.normalize("NFKC", w).lower(): kind for kind, words in METER_WORDS.items() for w in words}
    meter = pl.col("meter").str.strip_chars().str.to_lowercase()
    return pl.when(meter.is_null() | (meter == "")).then(pl.lit("production")) \
        .otherwise(meter.replace_strict(mapping, default=None, return_dtype=pl.Utf8))


def _aggregate(source: _Source, ids: set[str], first: date, last: date | None
               ) -> tuple[PowerData | None, list[Finding]]:
    import polars as pl

    lazy = source.lazy
    has_meter = "meter" in lazy.collect_schema().names()
    fmt = time_format(source.sample)
    prepared = lazy.with_columns(
        pl.col("id").str.strip_chars().str.to_uppercase().alias("id"),
        _day_expr(fmt, source.sample).alias("day"),
        pl.col("kwh").str.strip_chars().cast(pl.Float64, strict=False).alias("value"),
        _meter_expr(has_meter).alias("kind"),
    )
    bad = (pl.col("day").is_null() | pl.col("value").is_null() | pl.col("value").is_nan()
           | pl.col("value").is_infinite() | (pl.col("value") < 0) | pl.col("kind").is_null()
           | pl.col("id").is_null())
    window = pl.col("day") >= first
    if last is not None:
        window = window & (pl.col("day") <= last)
    wanted = pl.col("id").is_in(sorted(ids))
    keep = pl.col("wanted") & ~pl.col("bad")
    summary = (prepared.with_columns(bad.alias("bad"), wanted.alias("wanted"))
               .filter(pl.col("bad") | ~pl.col("wanted") | window)
               # rows of enterprises not notified count once per id, not per day
               .with_columns(pl.when(keep).then(pl.col("day")).alias("day"),
                             pl.when(keep).then(pl.col("kind")).alias("kind"))
               .group_by("bad", "wanted", "id", "kind", "day")
               .agg(pl.col("value").sum().alias("kwh"), pl.len().alias("n"))
               .collect(engine="streaming"))
    if summary.filter(pl.col("bad")).height:
        return None, _bad_rows(prepared, bad, source)
    data = PowerData(source.path, rows=int(summary.get_column("n").sum() or 0))
    data.unknown_ids = summary.filter(~pl.col("wanted")).get_column("id").n_unique()
    for ident, kind, day, kwh in summary.filter(pl.col("wanted")).select("id", "kind", "day", "kwh").iter_rows():
        meters = data.meters.setdefault(ident, MeterDays())
        days = meters.production if kind == "production" else meters.treatment
        days[day] = days.get(day, 0.0) + kwh
    return data, []


def _bad_rows(prepared: Any, bad: Any, source: _Source) -> list[Finding]:
    """The first bad rows, located (a second pass, only when there are some)."""
    import polars as pl

    numbered = prepared if "row" in prepared.collect_schema().names() else \
        prepared.with_row_index("row", offset=source.header_line + 1)
    rows = (numbered.filter(bad).select("row", "time", "kwh", "day", "value", "kind",
                                        *(["meter"] if "meter" in prepared.collect_schema().names() else []))
            .head(SHOWN_BAD_ROWS + 1).collect(engine="streaming"))
    total = prepared.filter(bad).select(pl.len()).collect(engine="streaming").item()
    findings = []
    for row in rows.head(SHOWN_BAD_ROWS).iter_rows(named=True):
        number = int(row["row"])
        if row["day"] is None:
            findings.append(finding("E101", f"time {row['time']!r}: not an hour or a day (2025-12-01 13:00 or "
                                            "2025-12-01)", source.path, number))
        if row["value"] is None or not (row["value"] >= 0) or row["value"] == float("inf"):
            findings.append(finding("E106", f"kWh {row['kwh']!r}: not a number ≥ 0", source.path, number))
        if row["kind"] is None:
            findings.append(finding("E104", f"meter {row.get('meter')!r}: use production/生产 or treatment/治污",
                                    source.path, number))
    if total > SHOWN_BAD_ROWS:
        findings.append(finding("E101", f"… and {total - SHOWN_BAD_ROWS} more bad rows", source.path))
    return findings


def day_range(start: datetime, end: datetime | None, baseline_days: int) -> tuple[date, date | None]:
    """The days to read: the baseline days before the start's date to the last day before ``end``."""
    first = start.date() - timedelta(days=baseline_days)
    last = None if end is None else (end - timedelta(microseconds=1)).date()
    return first, last


def iter_days(days: dict[date, float]) -> Iterator[tuple[date, float]]:
    return iter(sorted(days.items()))
