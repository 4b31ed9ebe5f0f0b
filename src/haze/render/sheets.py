"""Writing the spreadsheets of ``haze export`` (SPEC §9): a level's results for reporting upward.

:func:`write_export` writes one row per production line (so a reviewer can
filter, pivot and sum in Excel), a totals row, and the per-pollutant
requirement table. The command itself (load, compute, write) is
:mod:`haze.commands.export`; ``haze import`` is :mod:`haze.commands.import_`.

Files are written whole through :func:`haze.io.fsio.write_atomic`. Every cell is
data: list text that looks like a formula (``=HYPERLINK(…)``) is stored as
text in a workbook and prefixed with ``'`` in a CSV, so the file sent upward
never runs anything when opened.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from haze.core.i18n import _
from haze.core.engine import IDLE, EnterpriseResult, LevelResult, LineResult, SourceResult
from haze.core.errors import UsageError
from haze.core.findings import Finding
from haze.core.fmt import cap_number, cut_pct, is_stop
from haze.io.fsio import write_atomic
from haze.core.labels import REASON_LABELS, SOURCE_LABELS, label
from haze.core.model import POLLUTANTS, EnterpriseList, Level
from haze.core.policy import Policy

EXPORT_SUFFIXES = (".xlsx", ".csv")








# -- export -------------------------------------------------------------------------------

KINDS_ZH = {"dust": "扬尘源", "mobile": "移动源", "residential": "民用源", "agriculture": "农业源"}
WHOLE_PLANT = "（全厂）"
OTHER_SOURCE = "其他排放源"
RESULT_HEADERS = (
    "统一社会信用代码", "企业名称", "乡镇", "行业", "绩效等级", "执行级别", "原因", "生产线", "限产比例", "限产措施",
    "措施来源", *(f"{p.zh}减排量(吨/日)" for p in POLLUTANTS), "减排措施", "限产后产能上限",
)
REQUIREMENT_HEADERS = ("污染物", "基准排放量(吨/日)", "基准来源", "减排量(吨/日)", "减排比例", "要求比例",
                       "缺口(吨/日)", "是否达标")
_CUT_COLUMN = RESULT_HEADERS.index("限产比例")
_FIRST_TONNES = RESULT_HEADERS.index(f"{POLLUTANTS[0].zh}减排量(吨/日)")


def level_label(result: LevelResult) -> str:
    return f"{result.level.zh}预警（{result.level.response}响应）"


def _reason(r: EnterpriseResult, declared: Level) -> str:
    if r.reason == "zone":
        return f"{label(REASON_LABELS, r.reason)}（{declared.zh}→{r.effective_level.zh}）"
    return label(REASON_LABELS, r.reason)


def _cut_words(r: EnterpriseResult, line: LineResult, policy: Policy) -> str:
    """The cut as the notice says it: 停产, 限产N% (never rounded down), or why there is none."""
    if r.reason == IDLE:
        return "—"
    if is_stop(line.cut):
        return "停产"
    if line.cut > 0:
        return f"限产{cut_pct(line.cut)}"
    if r.measure_grade in policy.grades and policy.grades[r.measure_grade].self_managed:
        return "自主减排"
    if line.source == "category":
        return policy.categories[r.category].zh
    return "不限产"


def _enterprise_rows(r: EnterpriseResult, result: LevelResult) -> list[list[Any]]:
    e = r.enterprise
    cap = "" if r.cap is None else f"{cap_number(r.cap.cap)} {r.cap.unit}".strip()
    head = [e.id, e.name, e.town, result.policy.industry_label(e.industry), result.policy.grades[r.grade].zh,
            f"{r.effective_level.zh}（{r.effective_level.response}）", _reason(r, result.level)]
    rows = []
    for line in r.lines or [LineResult(WHOLE_PLANT, 0.0, r.reason if r.reason == IDLE else None, {})]:
        name = line.name if e.has_lines else WHOLE_PLANT
        rows.append([*head, name, line.cut, _cut_words(r, line, result.policy), label(SOURCE_LABELS, line.source),
                     *(line.daily.get(p, 0.0) * line.cut for p in POLLUTANTS), "；".join(r.actions), cap])
    return rows


def _source_row(s: SourceResult) -> list[Any]:
    words = "停产" if is_stop(s.cut) else (f"限产{cut_pct(s.cut)}" if s.cut > 0 else "无")
    kind = KINDS_ZH.get(s.source.kind, s.source.kind)
    return ["", s.source.name, "", kind, "", "", OTHER_SOURCE, "", s.cut, words, f"{OTHER_SOURCE}措施",
            *(s.reduction[p] for p in POLLUTANTS), "；".join(s.actions), ""]


def result_rows(result: LevelResult) -> list[list[Any]]:
    """One row per production line (and per other source), then the totals row (合计)."""
    rows = [row for r in result.enterprises for row in _enterprise_rows(r, result)]
    rows += [_source_row(s) for s in result.other_sources]
    total: list[Any] = ["合计"] + [""] * (len(RESULT_HEADERS) - 1)
    for i, p in enumerate(POLLUTANTS):
        total[_FIRST_TONNES + i] = result.pollutants[p].reduction
    rows.append(total)
    return rows


def requirement_rows(result: LevelResult) -> list[list[Any]]:
    rows = []
    for p, r in result.pollutants.items():
        met = "不考核（基准为0）" if not r.assessed else ("达标" if r.ok else "未达标")
        rows.append([f"{p.zh}（{p.label}）", r.baseline, "全社会排放量" if r.basis == "baseline" else "清单排放量合计",
                     r.reduction, "" if r.ratio is None else r.ratio, r.required, r.shortfall, met])
    return rows


def info_rows(result: LevelResult, enterprise_list: EnterpriseList, now: datetime | None = None) -> list[list[Any]]:
    """The facts a reviewer needs to trust the numbers: which list, policy and level, when."""
    from haze import __version__
    from haze.core.timeparse import SHANGHAI, format_zh

    failing = "、".join(p.zh for p in result.failing)
    verdict = "达标" if result.ok else f"未达标：{failing}"
    basis = "全社会排放量" if result.basis == "baseline" else "清单排放量合计（清单未给出全社会排放量）"
    return [
        ["地区", enterprise_list.info.region], ["发布单位", enterprise_list.info.authority], ["预警级别", level_label(result)],
        ["政策", f"{result.policy.name} {result.policy.title}".strip()], ["结论", verdict], ["基准", basis],
        ["清单文件", enterprise_list.path], ["清单SHA-256", enterprise_list.sha256],
        ["生成时间", format_zh(now or datetime.now(SHANGHAI))], ["生成工具", f"haze {__version__}"],
    ]


@dataclass
class Exported:
    """What :func:`write_export` wrote: the level's result, the files, the number of rows."""

    result: LevelResult
    files: list[Path]
    rows: int
    warnings: list[Finding] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"level": self.result.level.value, "ok": self.result.ok, "files": [str(f) for f in self.files],
                "rows": self.rows, "enterprises": len(self.result.enterprises)}




def write_export(result: LevelResult, enterprise_list: EnterpriseList, output: str | Path) -> Exported:
    """Write ``result`` as ``.xlsx`` (three sheets) or ``.csv`` (plus ``<name>-requirement.csv``)."""
    output = Path(output)
    suffix = check_export_name(output)
    rows = result_rows(result)
    if suffix == ".xlsx":
        write_atomic(output, _xlsx(result, enterprise_list, rows), overwrite=True)
        return Exported(result, [output], len(rows) - 1)
    second = requirement_csv_path(output)
    first_data = _csv([list(RESULT_HEADERS), *rows])
    second_data = _csv([["预警级别", "政策", *REQUIREMENT_HEADERS],
                        *([result.level.value, result.policy.name, *row] for row in requirement_rows(result))])
    write_atomic(output, first_data, overwrite=True)
    write_atomic(second, second_data, overwrite=True)
    return Exported(result, [output, second], len(rows) - 1)


@dataclass
class ListWritten:
    """What :func:`write_list` wrote: the files and the number of rows of the list table."""

    files: list[Path]
    rows: int


LIST_SHEET = "企业清单"
FACTS_SHEET = "清单信息"


def write_list(enterprise_list: EnterpriseList, output: str | Path) -> ListWritten:
    """Write the list as ``.xlsx`` (企业清单 + 清单信息 sheets) or ``.csv`` (the facts above the header).

    Both read back, through :func:`haze.io.lists.parse_list` or ``haze import``,
    to the same list (:func:`haze.io.lists.yamlwrite.same_list`).
    """
    from haze.io.lists.table import list_fact_rows, list_rows

    output = Path(output)
    suffix = check_export_name(output)
    headers, rows = list_rows(enterprise_list)
    facts = list_fact_rows(enterprise_list)
    if suffix == ".xlsx":
        rows = [[_exact(v) for v in row] for row in rows]
        facts = [[_exact(v) for v in row] for row in facts]
        widths = {0: 21, 1: 30, headers.index("生产线"): 16}
        data = workbook_bytes([(LIST_SHEET, headers, rows, {}, widths, False),
                               (FACTS_SHEET, facts[0], facts[1:], {}, {0: 24, 1: 40}, False)])
    else:  # a CSV has one table: the facts are key/value rows above the header, which the reader takes as such
        data = _csv([*facts[1:], headers, *rows])
    write_atomic(output, data, overwrite=True)
    return ListWritten([output], len(rows))


def _exact(value: Any) -> Any:
    """A float xlsxwriter would not write back exactly (it writes 16 significant digits), as its text.

    The list's own numbers are mostly short decimals and stay numbers; one such
    as 0.30000000000000004 is kept whole as text, which the reader parses back.
    """
    if type(value) is float and float(f"{value:.16G}") != value:
        return repr(value)
    return value


def check_export_name(output: Path) -> str:
    suffix = output.suffix.lower()
    if suffix not in EXPORT_SUFFIXES:
        raise UsageError(_("{output}: export writes .xlsx or .csv; name the file so").format(output=output))
    return suffix


def requirement_csv_path(output: Path) -> Path:
    return output.with_name(f"{output.stem}-requirement.csv")


#: what Excel (and LibreOffice) take for the start of a formula when a CSV is opened (CWE-1236)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> Any:
    """A text cell that Excel would run as a formula gets a leading ``'``: shown as the text, never run.

    Numbers are left alone (they are haze's own, never negative); only text,
    which comes from the list, can carry ``=HYPERLINK(…)``.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _csv(rows: list[list[Any]]) -> bytes:
    """UTF-8 with a BOM and CRLF: what Excel opens as Chinese text without asking."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows([csv_cell(value) for value in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")


# Excel shows a number through its format, rounded half up: these pick the decimals
# so that a cut (or a requirement) never shows smaller than it is, and a failing
# ratio never shows as reaching its requirement (29.996% is not "30.00%").
_SHOWN = 1e-9  # in percent: float noise such as 30.000000000000004


def _excel_round(value: float, digits: int) -> float:
    import math

    scale = 10 ** digits
    return math.floor(value * scale + 0.5) / scale


def _percent_format(digits: int) -> str:
    return "0%" if digits == 0 else "0." + "0" * digits + "%"


def cut_format(cut: float) -> str:
    """The fewest decimals (up to 4) at which Excel does not round the cut down."""
    shown = cut * 100
    digits = next((d for d in range(5) if _excel_round(shown, d) >= shown - _SHOWN), 4)
    return _percent_format(digits)


def ratio_format(ratio: float, required: float, ok: bool) -> str:
    """Two decimals; more for a failing ratio until Excel's rounding no longer reaches the requirement."""
    if ok:
        return _percent_format(2)
    shown, need = ratio * 100, required * 100
    digits = next((d for d in range(2, 11) if _excel_round(shown, d) < need - _SHOWN), 10)
    return _percent_format(digits)


def _xlsx(result: LevelResult, enterprise_list: EnterpriseList, rows: list[list[Any]]) -> bytes:
    """The export workbook: results, the requirement table and the facts, written row by row.

    xlsxwriter in ``constant_memory`` mode streams each row to a temporary file
    as it is written (strings inline, no shared-string table held in memory):
    at 50,000 enterprises it writes the 80,000 rows several times faster than
    openpyxl's write-only mode (docs/performance.md).
    """
    sheets = [
        (RESULT_SHEET, RESULT_HEADERS, rows,
         {_CUT_COLUMN: lambda n: cut_format(rows[n][_CUT_COLUMN]),
          **{_FIRST_TONNES + i: TONNES for i in range(len(POLLUTANTS))}},
         {0: 21, 1: 30, 7: 16, 9: 12, 10: 16, **{_FIRST_TONNES + i: 14 for i in range(len(POLLUTANTS))},
          len(RESULT_HEADERS) - 2: 40, len(RESULT_HEADERS) - 1: 16}, True),
    ]
    pollutants = list(result.pollutants.values())  # in the order of requirement_rows
    sheets.append((REQUIREMENT_SHEET, REQUIREMENT_HEADERS, requirement_rows(result),
                   {1: TONNES, 3: TONNES, 6: TONNES,
                    4: lambda n: ratio_format(pollutants[n].ratio or 0.0, pollutants[n].required, pollutants[n].ok),
                    5: lambda n: cut_format(pollutants[n].required)},
                   {0: 22, 1: 16, 2: 16, 3: 14, 6: 12, 7: 16}, False))
    sheets.append((INFO_SHEET, ("项目", "内容"), info_rows(result, enterprise_list), {}, {0: 14, 1: 70}, False))
    return workbook_bytes(sheets)


TONNES = "0.0000"
#: (title, headers, body, formats, widths, bold last row): ``formats`` maps a column to a
#: number format, or to a function of the row's index in ``body`` giving it
SheetSpec = tuple[str, Any, list[list[Any]], dict[int, Any], dict[int, int], bool]


def workbook_bytes(sheets: list[SheetSpec]) -> bytes:
    """Write the sheets with xlsxwriter, streaming; every text cell is a string, never a formula.

    Bold wrapped headers, frozen first row, an auto-filter over the table,
    number formats per column. Text from the list is written with
    ``write_string``: ``=HYPERLINK(…)`` in a name stays text (CWE-1236).
    """
    import tempfile

    import xlsxwriter

    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory(prefix="haze-xlsx-") as scratch:
        book = xlsxwriter.Workbook(buffer, {"constant_memory": True, "tmpdir": scratch,
                                            "strings_to_numbers": False, "strings_to_formulas": False,
                                            "strings_to_urls": False})
        styles: dict[tuple[bool, str | None], Any] = {}

        def style(bold: bool, number_format: str | None) -> Any:
            key = (bold, number_format)
            if key not in styles:
                spec: dict[str, Any] = {"bold": True} if bold else {}
                if number_format:
                    spec["num_format"] = number_format
                styles[key] = book.add_format(spec) if spec else None
            return styles[key]

        header = book.add_format({"bold": True, "text_wrap": True, "valign": "vcenter"})
        for title, headers, body, formats, widths, bold_last in sheets:
            ws = book.add_worksheet(title)
            ws.freeze_panes(1, 0)
            for index, width in widths.items():
                ws.set_column(index, index, width)
            for col, h in enumerate(headers):
                ws.write_string(0, col, h, header)
            last = len(body)
            for n, row in enumerate(body, 1):
                bold = bold_last and n == last
                plain = style(bold, None)
                for col, value in enumerate(row):
                    if isinstance(value, str):
                        if value:
                            ws.write_string(n, col, value, plain)
                        elif plain is not None:
                            ws.write_blank(n, col, None, plain)
                    elif isinstance(value, bool):
                        ws.write_boolean(n, col, value, plain)
                    elif isinstance(value, (int, float)):
                        number_format = formats.get(col)
                        if callable(number_format):
                            number_format = number_format(n - 1)
                        ws.write_number(n, col, value, style(bold, number_format))
                    elif value is None:
                        if plain is not None:
                            ws.write_blank(n, col, None, plain)
                    else:
                        ws.write_string(n, col, str(value), plain)
            ws.autofilter(0, 0, len(body), len(headers) - 1)
        book.close()
    return buffer.getvalue()


RESULT_SHEET = "企业减排明细"
REQUIREMENT_SHEET = "减排要求"
INFO_SHEET = "说明"


def _letter(index: int) -> str:
    from haze.io.lists.table import column_letter

    return column_letter(index)
