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
from typing import Any

from haze.core.findings import Finding, finding
from haze.core.i18n import _
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


@dataclass
class PowerData:
    """kWh per enterprise and day, of the days asked for."""

    path: str
    meters: dict[str, MeterDays] = field(default_factory=dict)
    rows: int = 0
    unknown_ids: int = 0  # enterprises in the file that the activation did not notify
    #: the first of them, in order: named to the officer (a typo in a code), not all (a utility's export
    #: may hold every customer it meters)
    unknown_sample: list[str] = field(default_factory=list)


def read_power(path: str | Path, ids: set[str], first: date, last: date | None
               ) -> tuple[PowerData | None, list[Finding]]:
    """Daily kWh of the enterprises ``ids`` on the days ``first``…``last`` (None: every later day).

    Returns None and the findings when the file cannot be read or a row is bad.
    """
    name = str(path)
    suffix = Path(path).suffix.lower()
    if suffix not in (".csv", ".txt", ".xlsx"):
        return None, [finding("E001", _("unknown file format: use .csv or .xlsx"), name)]
    if not Path(path).is_file():
        return None, [finding("E001", _("no such file") if not Path(path).exists() else _("not a regular file"), name)]
    import polars as pl

    if suffix == ".xlsx":
        frame, header_line, findings = _xlsx_frame(name)
        if frame is None:
            return None, findings
        source = _Source(frame.lazy(), name, header_line, sample=_sample_of(frame))
        return _aggregate(source, ids, first, last)
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
                lazy = pl.scan_csv(utf8, has_header=False, skip_rows=head.line + 1, separator=head.delimiter,
                                   new_columns=head.names, infer_schema=False, truncate_ragged_lines=True,
                                   quote_char='"')
                source = _Source(lazy.select(list(head.columns)).rename(head.columns), name, head.line + 1,
                                 sample=head.sample)
                return _aggregate(source, ids, first, last)
            except pl.exceptions.PolarsError as exc:
                if not recode and utf8 == name and not _is_utf8(name):
                    continue
                return None, [finding("E002", _("CSV cannot be read: {problem}").format(problem=str(exc).splitlines()[0]), name)]
    raise AssertionError("unreachable")


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


def _aggregate(source: _Source, ids: set[str], first: date, last: date | None
               ) -> tuple[PowerData | None, list[Finding]]:
    """One streaming pass: rows summed per raw (id, meter, day); then the small result is checked.

    Everything that can be decided once per group rather than once per row is
    done after the pass, on at most enterprises × meters × days groups: the
    ids' spelling, the meter words, and (for ISO stamps, grouped by their first
    ten characters) the date itself. That halves the time of a year of hourly
    rows.
    """
    import polars as pl

    lazy = source.lazy
    has_meter = "meter" in lazy.collect_schema().names()
    formats = time_formats(source.sample)
    iso = bool(source.sample) and all(_ISO_DAY.match(s.strip()) for s in source.sample)
    day = pl.col("time").str.slice(0, 10) if iso else _day_expr(formats, source.sample)
    value = pl.col("kwh").cast(pl.Float64, strict=False)
    keys = ["id", "day", *(["meter"] if has_meter else [])]
    summary = (lazy.with_columns(day.alias("day"), value.alias("value"))
               .group_by(keys)
               .agg(pl.col("value").sum().alias("kwh"), pl.col("value").null_count().alias("nulls"),
                    pl.col("value").min().alias("least"), pl.len().alias("n"))
               .collect(engine="streaming"))
    if iso:
        summary = summary.with_columns(pl.col("day").str.to_date("%Y-%m-%d", strict=False))
    summary = summary.with_columns(pl.col("id").str.strip_chars().str.to_uppercase(),
                                   _meter_expr(has_meter).alias("kind"))
    bad = (pl.col("day").is_null() | (pl.col("nulls") > 0) | pl.col("kwh").is_nan() | pl.col("kwh").is_infinite()
           | (pl.col("least") < 0) | pl.col("kind").is_null() | pl.col("id").is_null() | (pl.col("id") == ""))
    if summary.filter(bad).height:
        return None, _bad_rows(lazy, formats, source, has_meter)
    data = PowerData(source.path, rows=int(summary.get_column("n").sum() or 0))
    wanted = pl.col("id").is_in(sorted(ids))
    unknown = summary.filter(~wanted).get_column("id").unique()
    data.unknown_ids = unknown.len()
    data.unknown_sample = unknown.sort().head(UNKNOWN_NAMED).to_list()
    window = pl.col("day") >= first
    if last is not None:
        window = window & (pl.col("day") <= last)
    chosen = summary.filter(wanted & window).group_by("id", "kind", "day").agg(pl.col("kwh").sum())
    for ident, kind, when, kwh in chosen.select("id", "kind", "day", "kwh").iter_rows():
        meters = data.meters.setdefault(ident, MeterDays())
        days = meters.production if kind == "production" else meters.treatment
        days[when] = kwh
    return data, []


def _bad_rows(lazy: Any, formats: list[str], source: _Source, has_meter: bool) -> list[Finding]:
    """The first bad rows, located: a second pass, made only when there are some."""
    import polars as pl

    prepared = lazy.with_columns(
        pl.col("id").str.strip_chars().alias("ident"),
        _day_expr(formats, source.sample).alias("date"),
        pl.col("kwh").cast(pl.Float64, strict=False).alias("value"),
        _meter_expr(has_meter).alias("kind"),
    )
    bad = (pl.col("date").is_null() | pl.col("value").is_null() | pl.col("value").is_nan()
           | pl.col("value").is_infinite() | (pl.col("value") < 0) | pl.col("kind").is_null()
           | pl.col("ident").is_null() | (pl.col("ident") == ""))
    numbered = prepared if "row" in prepared.collect_schema().names() else \
        prepared.with_row_index("row", offset=source.header_line + 1)
    rows = (numbered.filter(bad).head(SHOWN_BAD_ROWS).collect(engine="streaming"))
    total = prepared.filter(bad).select(pl.len()).collect(engine="streaming").item()
    findings = []
    for row in rows.iter_rows(named=True):
        number = int(row["row"])
        if not row["ident"]:
            findings.append(finding("E100", _("no credit code"), source.path, number))
        if row["date"] is None:
            findings.append(finding("E101", _("time {time!r}: not an hour or a day (2025-12-01 13:00 or "
                                              "2025-12-01)").format(time=row["time"]), source.path, number))
        value = row["value"]
        if value is None or value != value or value < 0 or value == float("inf"):
            findings.append(finding("E106", _("kWh {kwh!r}: not a number ≥ 0").format(kwh=row["kwh"]), source.path, number))
        if row["kind"] is None:
            findings.append(finding("E104", _("meter {meter!r}: use production/生产 or treatment/治污").format(meter=row.get("meter")),
                                    source.path, number))
    if total > SHOWN_BAD_ROWS:
        findings.append(finding("E101", _("… and {count} more bad rows").format(count=total - SHOWN_BAD_ROWS), source.path))
    return findings


def day_range(start: datetime, end: datetime | None, baseline_days: int) -> tuple[date, date | None]:
    """The days to read: the baseline days before the start's date to the last day before ``end``."""
    first = start.date() - timedelta(days=baseline_days)
    last = None if end is None else (end - timedelta(microseconds=1)).date()
    return first, last
