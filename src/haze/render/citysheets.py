"""``export LEVEL`` with several lists (SPEC §13): one sheet per county, the city total, 说明.

XLSX: a sheet per county list, named after its region, which is that county's own
export's 企业减排明细 sheet (:func:`haze.render.sheets.result_sheet`: the title, 生成时间
and 填报单位（盖章）/审核人/日期 rows, the same columns, number formats and 合计 row);
a ``全市汇总`` sheet: each county's requirement table, then the city total (Σ baselines,
Σ reductions, the strictest requirement); and a ``说明`` sheet naming the level, the
policies, every county list (path, SHA-256), when it was written and by which haze.
CSV: ``FILE.csv`` holds every county's rows with a leading 县区 column,
``FILE-requirement.csv`` the 全市汇总 table; both show the numbers as the workbook does,
with the one-list export's functions (tonnes to 4 decimals, ratios as percentages).
"""

from __future__ import annotations

import re
from datetime import datetime
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


def _total_parts(city: CityResult) -> list[tuple[str, str, Any]]:
    """(县区, 清单文件, the pollutant's result) per row: every county's, then the city total's."""
    parts = [(lst.info.region, Path(lst.path).name, r.pollutants) for r, lst in zip(city.results, city.lists)]
    parts.append((CITY_TOTAL, "", city.total.pollutants))
    return [(region, file, r) for region, file, pollutants in parts for r in pollutants.values()]


def total_rows(city: CityResult) -> list[list[Any]]:
    """Every county's requirement rows, then the city total's (bold as the last block)."""
    rows: list[list[Any]] = []
    for region, file, r in _total_parts(city):
        met = "不考核（基准为0）" if not r.assessed else ("达标" if r.ok else "未达标")
        rows.append([region, file, f"{r.pollutant.zh}（{r.pollutant.label}）", r.baseline,
                     BASIS_ZH.get(r.basis, r.basis), r.reduction, "" if r.ratio is None else r.ratio, r.required,
                     r.shortfall, met])
    return rows


def city_info_rows(city: CityResult, now: datetime) -> list[list[Any]]:
    """The 说明 sheet of a city export: the level, the policies, the verdict, every county list (its path
    and SHA-256, as a one-list export's 说明 gives its one), when and by which haze."""
    from haze import __version__
    from haze.core.timeparse import format_zh
    from haze.render.sheets import level_label

    first = city.results[0]
    short = [lst.info.region for r, lst in zip(city.results, city.lists) if not r.ok]
    if not city.total.ok:
        short.append(CITY_TOTAL)
    rows: list[list[Any]] = [
        ["预警级别", level_label(first)],
        ["政策", "；".join(dict.fromkeys(f"{r.policy.name} {r.policy.title}".strip() for r in city.results))],
        ["结论", "达标" if city.ok else f"未达标：{'、'.join(short)}"],
        ["全市合计基准", BASIS_ZH.get(city.total.basis, city.total.basis)],
        ["县区清单数", len(city.lists)],
    ]
    for n, (r, lst) in enumerate(zip(city.results, city.lists), start=1):
        verdict = "达标" if r.ok else f"未达标：{'、'.join(p.zh for p in r.failing)}"
        rows += [[f"县区{n}", lst.info.region], [f"县区{n}发布单位", lst.info.authority],
                 [f"县区{n}政策", f"{r.policy.name} {r.policy.title}".strip()], [f"县区{n}结论", verdict],
                 [f"县区{n}清单文件", lst.path], [f"县区{n}清单SHA-256", lst.sha256]]
    rows += [["生成时间", format_zh(now)], ["生成工具", f"haze {__version__}"]]
    return rows


def write_city_export(city: CityResult, output: str | Path, now: datetime | None = None) -> tuple[list[Path], int]:
    """Write the city export; returns the files written and the number of result rows (all counties).

    ``now`` is the time the files say they were made (the clock's, by default): one time for every sheet.
    """
    from haze.core.timeparse import SHANGHAI
    from haze.render.sheets import (
        RESULT_HEADERS,
        TONNES,
        check_export_name,
        csv_bytes,
        cut_format,
        ratio_format,
        requirement_csv_path,
        result_rows,
        shown_requirement_row,
        shown_result_row,
    )

    output = Path(output)
    suffix = check_export_name(output)
    now = now or datetime.now(SHANGHAI)
    county_rows = [result_rows(r) for r in city.results]
    count = sum(len(rows) - 1 for rows in county_rows)  # each ends with its 合计 row
    totals = total_rows(city)
    results = [r for _, _, r in _total_parts(city)]  # in the order of ``totals``
    if suffix == ".xlsx":
        from haze.render.sheets import plain_sheet, info_sheet, result_sheet
        from haze.render.xlsxwrite import Workbook

        book = Workbook()
        names = sheet_names([lst.info.region for lst in city.lists])
        for name, result, lst, rows in zip(names, city.results, city.lists, county_rows):
            book.add(result_sheet(result, lst, rows, now, name))  # that county's own 企业减排明细
        # a ratio's decimals as the county's 减排要求 sheet gives them: a failing 29.996% never shows 30.00%
        formats = {3: TONNES, 5: TONNES, 8: TONNES,
                   6: lambda n: ratio_format(results[n].ratio or 0.0, results[n].required, results[n].ok),
                   7: lambda n: cut_format(results[n].required)}
        book.add(plain_sheet(TOTAL_SHEET, TOTAL_HEADERS, totals, formats,
                              {0: 14, 1: 22, 2: 20, 3: 16, 4: 16, 5: 14, 8: 12}, False))
        book.add(info_sheet(city_info_rows(city, now)))
        write_atomic(output, book.close(), overwrite=True)
        return [output], count
    # the CSVs show what the workbook shows (issue 12), with the one-list export's functions
    body = [[lst.info.region, *shown_result_row(row)] for lst, rows in zip(city.lists, county_rows) for row in rows]
    second = requirement_csv_path(output)
    level = f"{city.level.zh}预警（{city.level.response}响应）"
    shown = [[level, *row[:2], *shown_requirement_row(row[2:], r)] for row, r in zip(totals, results, strict=True)]
    write_atomic(output, csv_bytes([["县区", *RESULT_HEADERS], *body]), overwrite=True)
    write_atomic(second, csv_bytes([["预警级别", *TOTAL_HEADERS], *shown]), overwrite=True)
    return [output, second], count
