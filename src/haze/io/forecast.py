"""A daily AQI forecast (SPEC §18): ``date``/日期, ``aqi``/AQI, optional ``region``/地区.

CSV, XLSX or YAML (a list of ``{date, aqi}`` mappings, or the same under
``forecast:``). Every bad row is one finding naming the file and the row.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from haze.core.findings import Finding, finding
from haze.core.i18n import _
from haze.core.response import Day

ALIASES = {
    "date": ("date", "day", "日期", "预报日期", "预测日期", "时间"),
    "aqi": ("aqi", "aqi指数", "空气质量指数", "预测aqi", "预报aqi", "aqi预测值", "aqi预报值"),
    "region": ("region", "city", "地区", "区域", "城市", "县区", "行政区"),
}


@dataclass
class Forecast:
    path: str
    days: list[Day] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)  # as they appear, when the file has a region column


def read_forecast(path: str | Path, region: str | None = None, now: datetime | None = None
                  ) -> tuple[Forecast | None, list[Finding]]:
    """The forecast days (of ``region`` when the file names regions); None when any row is bad."""
    from haze.io.tabular import read_rows

    rows, findings = read_rows(path, ALIASES, ("date", "aqi"), yaml_keys=("forecast", "days", "预报"))
    if rows is None or findings:
        return None, findings
    name = str(path)
    forecast = Forecast(name)
    seen: dict[tuple[str, date], int] = {}
    wanted = _norm(region) if region else None
    for number, record in rows.records:
        where = _norm(record.get("region"))
        if where and where not in forecast.regions:
            forecast.regions.append(where)
        day = _date(record.get("date"), now)
        aqi = _aqi(record.get("aqi"))
        if day is None:
            findings.append(finding("E101", _("date {date}: not a date (2025-12-01, "
                                              "2025/12/1 or 2025年12月1日)").format(date=_show(record.get("date"))),
                                    name, number))
        if aqi is None:
            findings.append(finding("E106", _("AQI {aqi}: not a number ≥ 0").format(aqi=_show(record.get("aqi"))), name, number))
        if day is None or aqi is None:
            continue
        key = (where, day)
        if key in seen:
            findings.append(finding("E108", _("date {date} given twice (also row {first})").format(date=day.isoformat(), first=seen[key]),
                                    name, number))
            continue
        seen[key] = number
        if wanted is None or where == wanted:
            forecast.days.append(Day(day, aqi, number))
    if findings:
        return None, findings
    return forecast, []


def _norm(value: Any) -> str:
    return unicodedata.normalize("NFKC", str(value)).strip() if value is not None else ""


def _show(value: Any) -> str:
    return _("(empty)") if value is None else repr(value)


def _date(value: Any, now: datetime | None) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        text = str(int(value)) if float(value).is_integer() else ""
        if len(text) == 8:  # 20251201, typed as a number
            value = f"{text[:4]}-{text[4:6]}-{text[6:]}"
        else:
            return None
    if not isinstance(value, str):
        return None
    from haze.core.errors import UsageError
    from haze.core.timeparse import parse_when

    try:
        return parse_when(value, now).date()
    except UsageError:
        return None


def _aqi(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str):
        try:
            value = float(unicodedata.normalize("NFKC", value).strip())
        except ValueError:
            return None
    if not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
        return None
    return float(value)
