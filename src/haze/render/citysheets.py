"""``export LEVEL`` with several lists (SPEC §13): one sheet per county, and the city total.

XLSX: a sheet per county list (its per-line results, as a one-list export's first
sheet) and a ``全市汇总`` sheet: each county's requirement table, then the city
total (Σ baselines, Σ reductions, the strictest requirement). CSV: ``FILE.csv``
holds every county's rows with a leading 县区 column, ``FILE-requirement.csv``
the 全市汇总 table. Built on :mod:`haze.render.sheets`' rows and workbook writer,
so a county sheet reads exactly as that county's own export.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from haze.io.fsio import write_atomic

if TYPE_CHECKING:
    from haze.core.city import CityResult

TOTAL_SHEET = "全市汇总"
TOTAL_HEADERS = ("县区", "清单文件", "污染物", "基准排放量(吨/日)", "基准来源", "减排量(吨/日)", "减排比例",
                 "要求比例", "缺口(吨/日)", "是否达标")
CITY_TOTAL = "全市合计"
BASIS_ZH = {"baseline": "全社会排放量", "listed": "清单排放量合计", "mixed": "混合（部分县区无全社会排放量）"}
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def sheet_names(regions: list[str]) -> list[str]:
    """Excel sheet names for the counties: ≤31 characters, none of ``[]:*?/\\``, unique, never the total's."""
    names: list[str] = []
    taken = {TOTAL_SHEET}
    for region in regions:
        base = _BAD_SHEET_CHARS.sub("_", region).strip("'") or "县区"
        name, n = base[:31], 1
        while name in taken:
            n += 1
            suffix = f"({n})"
            name = base[:31 - len(suffix)] + suffix
        taken.add(name)
        names.append(name)
    return names


def total_rows(city: CityResult) -> list[list[Any]]:
    """Every county's requirement rows, then the city total's (bold as the last block)."""
    rows: list[list[Any]] = []
    parts = [(lst.info.region, Path(lst.path).name, r.pollutants) for r, lst in zip(city.results, city.lists)]
    parts.append((CITY_TOTAL, "", city.total.pollutants))
    for region, file, pollutants in parts:
        for p, r in pollutants.items():
            met = "不考核（基准为0）" if not r.assessed else ("达标" if r.ok else "未达标")
            rows.append([region, file, f"{p.zh}（{p.label}）", r.baseline, BASIS_ZH.get(r.basis, r.basis),
                         r.reduction, "" if r.ratio is None else r.ratio, r.required, r.shortfall, met])
    return rows


def write_city_export(city: CityResult, output: str | Path) -> tuple[list[Path], int]:
    """Write the city export; returns the files written and the number of result rows (all counties)."""
    from haze.render.sheets import (
        _FIRST_TONNES,
        RESULT_HEADERS,
        TONNES,
        _csv,
        check_export_name,
        requirement_csv_path,
        result_rows,
    )

    output = Path(output)
    suffix = check_export_name(output)
    county_rows = [result_rows(r) for r in city.results]
    count = sum(len(rows) - 1 for rows in county_rows)  # each ends with its 合计 row
    totals = total_rows(city)
    if suffix == ".xlsx":
        from haze.render.sheets import workbook_bytes

        tonnes = {_FIRST_TONNES + i: TONNES for i in range(4)}
        names = sheet_names([lst.info.region for lst in city.lists])
        sheets: list[Any] = [(name, RESULT_HEADERS, rows, tonnes, {0: 21, 1: 30}, True)
                             for name, rows in zip(names, county_rows)]
        sheets.append((TOTAL_SHEET, TOTAL_HEADERS, totals, {3: TONNES, 5: TONNES, 6: "0.00%", 7: "0%", 8: TONNES},
                       {0: 14, 1: 22, 2: 20, 3: 16, 4: 16, 5: 14, 8: 12}, False))
        write_atomic(output, workbook_bytes(sheets), overwrite=True)
        return [output], count
    body = [[lst.info.region, *row] for lst, rows in zip(city.lists, county_rows) for row in rows]
    second = requirement_csv_path(output)
    write_atomic(output, _csv([["县区", *RESULT_HEADERS], *body]), overwrite=True)
    write_atomic(second, _csv([["预警级别", *TOTAL_HEADERS], *([city.level.value, *row] for row in totals)]),
                 overwrite=True)
    return [output, second], count
