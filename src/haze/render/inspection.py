"""The inspection list (督查清单) of ``haze verify -o``: XLSX with a chart, or CSV (SPEC §18).

One row per notified enterprise, in inspection order (gap × daily emissions,
largest first; those without data after), so the inspectors drive to the top
rows first. The XLSX adds a bar chart of expected against observed cut for the
enterprises at the top, which reads at a glance where the cut fell short.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from haze.core.response import SHORT, TREATMENT, Comparison

HEADERS = ("序号", "统一社会信用代码", "企业名称", "联系人", "联系电话", "标记", "应减比例", "实际降幅", "差距",
           "日排放量(t/d)", "差距×日排放量", "基准日均用电(kWh)", "应急期间日均用电(kWh)", "治污设施用电降幅")
FLAG_WORDS = {SHORT: "限产不到位", TREATMENT: "治污设施用电异常", None: ""}
MISSING_WORDS = {"no_data": "无用电数据", "no_baseline": "无基准期数据", "no_during": "无应急期间数据",
                 "zero_baseline": "基准期用电为零"}
CHART_ROWS = 30  # more bars than this no longer read at a glance


def rows(outcome: Any, contacts: dict[str, tuple[str, str]]) -> list[list[Any]]:
    """The table, ordered: compared enterprises first (by gap × daily emissions), then those without data."""
    table: list[list[Any]] = []
    for n, c in enumerate([*outcome.compared, *outcome.missing], 1):
        name, phone = contacts.get(c.id, ("", ""))
        flag = FLAG_WORDS[c.flag] if c.missing is None else MISSING_WORDS.get(c.missing, c.missing)
        weight = (c.gap or 0.0) * c.daily_emissions if c.gap is not None else None
        table.append([n, c.id, c.name, name, phone, flag, c.expected, c.observed, c.gap, c.daily_emissions, weight,
                      c.baseline, c.during, c.treatment_observed])
    return table


def write_inspection(output: Path, outcome: Any, contacts: dict[str, tuple[str, str]], *, force: bool) -> Path:
    from haze.io.fsio import write_atomic

    body = rows(outcome, contacts)
    data = _xlsx(body, outcome.compared) if output.suffix.lower() == ".xlsx" else _csv(body)
    return write_atomic(output, data, overwrite=force)


def _csv(body: list[list[Any]]) -> bytes:
    import csv

    from haze.render.sheets import csv_cell

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADERS)
    writer.writerows([csv_cell(v) if v is not None else "" for v in row] for row in body)
    return buffer.getvalue().encode("utf-8-sig")  # Excel opens it as Chinese text without asking


def _xlsx(body: list[list[Any]], compared: list[Comparison]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference
    from openpyxl.styles import Alignment, Font, PatternFill

    book = Workbook()
    ws = book.active
    ws.title = "督查清单"
    ws.append(list(HEADERS))
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    red = PatternFill("solid", fgColor="FFC7CE")
    for row in body:
        ws.append(row)
        cells = ws[ws.max_row]
        for cell in cells:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # names are data: "=HYPERLINK(…)" stays text
        for index in (6, 7, 8, 13):
            cells[index].number_format = "0.0%"
        for index in (9, 10):
            cells[index].number_format = "0.0000"
        for index in (11, 12):
            cells[index].number_format = "#,##0.0"
        if row[5] in (FLAG_WORDS[SHORT], FLAG_WORDS[TREATMENT]):
            cells[5].fill = red
    for column, width in zip("ABCDEFGHIJKLMN", (6, 21, 30, 10, 15, 16, 10, 10, 10, 12, 14, 16, 18, 14), strict=True):
        ws.column_dimensions[column].width = width
    ws.freeze_panes = "D2"
    ws.auto_filter.ref = f"A1:N{len(body) + 1}"
    top = min(len(compared), CHART_ROWS)
    if top:
        chart = _chart(ws, top, BarChart, Reference)
        charts = book.create_sheet("图表")
        charts.add_chart(chart, "A1")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _chart(ws: Any, top: int, bar_chart: Any, reference: Any) -> Any:
    """Horizontal bars, expected beside observed, for the first ``top`` enterprises of the list."""
    chart = bar_chart()
    chart.type = "bar"
    chart.grouping = "clustered"
    chart.title = f"应减比例与实际用电降幅（前{top}家，按差距×日排放量排序）"
    chart.y_axis.title = "降幅"
    chart.y_axis.number_format = "0%"
    chart.x_axis.scaling.orientation = "maxMin"  # the first row of the list at the top, as in the table
    data = reference(ws, min_col=7, max_col=8, min_row=1, max_row=top + 1)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(reference(ws, min_col=3, min_row=2, max_row=top + 1))
    chart.height = max(8.0, 0.6 * top + 3)
    chart.width = 24
    return chart
