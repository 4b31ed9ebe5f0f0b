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
import math
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from collections.abc import Mapping, Sequence
from typing import Any

from haze.core.i18n import _
from haze.core.engine import IDLE, EnterpriseResult, LevelResult, LineResult, SourceResult
from haze.core.errors import UsageError
from haze.core.findings import Finding
from haze.core.fmt import cap_number, cut_pct, is_stop
from haze.core.text import FORMULA_STARTS, display_width
from haze.io.fsio import write_atomic
from haze.core.labels import REASON_LABELS, SOURCE_LABELS, label
from haze.core.model import POLLUTANTS, EnterpriseList, Level
from haze.core.policy import Policy

EXPORT_SUFFIXES = (".xlsx", ".csv")
RESULT_SHEET = "企业减排明细"
REQUIREMENT_SHEET = "减排要求"
INFO_SHEET = "说明"








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
    idle = r.reason == IDLE
    # An idle plant executes no level: its 执行级别 stays empty rather than naming one it does not apply.
    executed = "" if idle else f"{r.effective_level.zh}（{r.effective_level.response}）"
    head = [e.id, e.name, e.town, result.policy.industry_label(e.industry), result.policy.grades[r.grade].zh,
            executed, _reason(r, result.level)]
    actions = "；".join(r.actions)
    so2, nox, pm, vocs = POLLUTANTS
    rows = []
    for line in r.lines or [LineResult(WHOLE_PLANT, 0.0, r.reason if idle else None, {})]:
        name = line.name if e.has_lines else WHOLE_PLANT
        cut, daily = line.cut, line.daily
        # the four pollutants spelled out: a generator per line cost a third of building the rows
        rows.append([*head, name, cut, _cut_words(r, line, result.policy), label(SOURCE_LABELS, line.source),
                     daily.get(so2, 0.0) * cut, daily.get(nox, 0.0) * cut, daily.get(pm, 0.0) * cut,
                     daily.get(vocs, 0.0) * cut, actions, cap])
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




def write_export(result: LevelResult, enterprise_list: EnterpriseList, output: str | Path,
                 now: datetime | None = None) -> Exported:
    """Write ``result`` as ``.xlsx`` (three sheets) or ``.csv`` (plus ``<name>-requirement.csv``).

    ``now`` is the time the files say they were made (the clock's, by default).
    """
    output = Path(output)
    suffix = check_export_name(output)
    rows = result_rows(result)
    if suffix == ".xlsx":
        write_atomic(output, _xlsx(result, enterprise_list, rows, now), overwrite=True)
        return Exported(result, [output], len(rows) - 1)
    second = requirement_csv_path(output)
    first_data = csv_bytes([list(RESULT_HEADERS), *(shown_result_row(row) for row in rows)])
    pollutants = list(result.pollutants.values())  # in the order of requirement_rows
    second_data = csv_bytes([["预警级别", "政策", *REQUIREMENT_HEADERS],
                        *([level_label(result), result.policy.name, *shown_requirement_row(row, r)]
                          for row, r in zip(requirement_rows(result), pollutants, strict=True))])
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
        from haze.render.xlsxwrite import Workbook

        rows = [[_exact(v) for v in row] for row in rows]
        facts = [[_exact(v) for v in row] for row in facts]
        book = Workbook()
        book.add(_list_sheet(headers, rows))
        book.add(plain_sheet(FACTS_SHEET, facts[0], facts[1:], {}, {0: 24, 1: 40}, False))
        data = book.close()
    else:  # a CSV has one table: the facts are key/value rows above the header, which the reader takes as such
        data = csv_bytes([*facts[1:], headers, *rows])
    write_atomic(output, data, overwrite=True)
    return ListWritten([output], len(rows))


#: the columns of the list sheet kept as text (Excel's 文本, ``@``), for the cells written and those a clerk
#: types later: a credit code typed as a number keeps only 15 digits, a phone loses its leading 0
LIST_TEXT_COLUMNS = ("统一社会信用代码", "联系电话")
LIST_ACTION_COLUMNS = ("黄色预警减排措施", "橙色预警减排措施", "红色预警减排措施")
_WIDEST = 48  # a column no wider than this (a long 企业名称 or 减排措施 wraps or is cut, as Excel shows it)
_SAMPLED_ROWS = 2000  # the rows a column's width is judged from: a province's list has 30,000


def _list_sheet(headers: list[str], rows: list[list[Any]]) -> Any:
    """The 企业清单 sheet a clerk edits and hands back (``haze import`` reads it): the header on row 1,
    bold, frozen and filtered; every column wide enough for its header and its values; the credit-code
    and phone columns formatted as text; each sentence of a measures cell on a line of its own."""
    from haze.render.xlsxwrite import Cell, Sheet, Style

    text = Style(num_format="@")
    wrap = Style(wrap=True, valign="top")
    texts = {headers.index(h) for h in LIST_TEXT_COLUMNS}
    actions = {headers.index(h) for h in LIST_ACTION_COLUMNS}
    widths: dict[int, float] = {}
    for col, header in enumerate(headers):
        widest = display_width(header) + 3  # + the auto-filter's button beside the header
        for row in rows[:_SAMPLED_ROWS]:
            value = row[col]
            if value != "":
                widest = max(widest, max(display_width(part) for part in str(value).split("\n")) + 2)
        widths[col] = min(widest, _WIDEST)
    wrapped = [(col, widths[col] - 1) for col in sorted(actions)]

    def row_height(row: Sequence[Any]) -> float | None:
        lines = 1
        for col, span in wrapped:
            value = row[col]
            if type(value) is str and value and ("\n" in value or len(value) * 2 > span):
                lines = max(lines, sum(math.ceil(max(display_width(part), 1) / span) for part in value.split("\n")))
        return 15.0 * lines if lines > 1 else None

    bold = Style(bold=True, wrap=True, valign="center")
    return Sheet(LIST_SHEET, head=[[Cell(h, bold) for h in headers]], body=rows,
                 text_styles={**{c: text for c in texts}, **{c: wrap for c in actions}},
                 column_styles={c: text for c in texts}, widths=widths, row_height=row_height,
                 freeze_rows=1, filter_row=1, columns=len(headers))


def _exact(value: Any) -> Any:
    """A float that 16 significant digits would not give back exactly, as its text.

    haze's writer writes every float exactly (``repr``), but Excel and WPS keep
    only 15–17 digits when a clerk saves the file again; the list's own numbers
    are mostly short decimals and stay numbers, while one such as
    0.30000000000000004 is kept whole as text, which the reader parses back.
    """
    if type(value) is float and float(f"{value:.16G}") != value:
        return repr(value)
    return value


# -- the CSV shows what the workbook shows ---------------------------------------------------
# A CSV has no number formats: its cells hold the numbers as the workbook displays them (tonnes
# to 4 decimals, percentages with the decimals chosen below), so a clerk who opens either file sees
# the same figures. The exact values are in ``haze check --json``.

def _tonnes_text(value: Any) -> Any:
    return f"{value:.4f}" if isinstance(value, float | int) and not isinstance(value, bool) else value


def _percent_text(value: float, number_format: str) -> str:
    """``0.123449`` with ``0.000%`` -> ``12.345%``: Excel's rounding (half up) at the format's decimals."""
    digits = len(number_format) - number_format.index(".") - 2 if "." in number_format else 0
    return f"{_excel_round(value * 100, digits):.{digits}f}%"


def shown_result_row(row: list[Any]) -> list[Any]:
    shown = list(row)
    cut = shown[_CUT_COLUMN]
    if isinstance(cut, float | int) and not isinstance(cut, bool):
        shown[_CUT_COLUMN] = _percent_text(cut, cut_format(cut))
    for i in range(len(POLLUTANTS)):
        shown[_FIRST_TONNES + i] = _tonnes_text(shown[_FIRST_TONNES + i])
    return shown


def shown_requirement_row(row: list[Any], r: Any) -> list[Any]:
    """污染物, 基准, 基准来源, 减排量, 减排比例, 要求比例, 缺口, 是否达标 as the workbook shows them."""
    name, baseline, basis, reduction, ratio, required, shortfall, met = row
    ratio_text = "" if ratio == "" else _percent_text(ratio, ratio_format(ratio, r.required, r.ok))
    return [name, _tonnes_text(baseline), basis, _tonnes_text(reduction), ratio_text,
            _percent_text(required, cut_format(required)), _tonnes_text(shortfall), met]


def check_export_name(output: Path) -> str:
    suffix = output.suffix.lower()
    if suffix not in EXPORT_SUFFIXES:
        raise UsageError(_("{output}: export writes .xlsx or .csv; name the file so").format(output=output))
    return suffix


def requirement_csv_path(output: Path) -> Path:
    return output.with_name(f"{output.stem}-requirement.csv")


def csv_cell(value: Any) -> Any:
    """A text cell that Excel would run as a formula gets a leading ``'``: shown as the text, never run.

    Numbers are left alone (they are haze's own, never negative); only text,
    which comes from the list, can carry ``=HYPERLINK(…)``.
    """
    if isinstance(value, str) and value.lstrip("'").startswith(FORMULA_STARTS):
        # also text that already starts with quotes before a formula sign (``'=A1``): the reader takes
        # one quote off, so it reads back as written
        return "'" + value
    return value


def csv_bytes(rows: list[list[Any]]) -> bytes:
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
    """Two decimals (``0.00%``), more (up to 4) where Excel would otherwise round the cut down."""
    shown = cut * 100
    digits = next((d for d in range(2, 5) if _excel_round(shown, d) >= shown - _SHOWN), 4)
    return _percent_format(digits)


def ratio_format(ratio: float, required: float, ok: bool) -> str:
    """Two decimals; more for a failing ratio until Excel's rounding no longer reaches the requirement."""
    if ok:
        return _percent_format(2)
    shown, need = ratio * 100, required * 100
    digits = next((d for d in range(2, 11) if _excel_round(shown, d) < need - _SHOWN), 10)
    return _percent_format(digits)


def _xlsx(result: LevelResult, enterprise_list: EnterpriseList, rows: list[list[Any]],
          now: datetime | None = None) -> bytes:
    """The export workbook, ready to print and send: results, the requirement table and the facts.

    The two tables carry a title row (region, level, time), a 填报单位/审核人/日期
    line and print on A4 landscape, fitted to the page width, with the header
    row repeated on every page and page numbers in the footer. Written by
    :mod:`haze.render.xlsxwrite` (the sheet XML directly: at 50,000 enterprises
    xlsxwriter took 19 s for the 1.45 million cells).
    """
    from haze.core.timeparse import SHANGHAI
    from haze.render.xlsxwrite import Workbook

    now = now or datetime.now(SHANGHAI)
    book = Workbook()
    book.add(result_sheet(result, enterprise_list, rows, now))
    pollutants = list(result.pollutants.values())  # in the order of requirement_rows
    book.add(print_sheet(
        REQUIREMENT_SHEET, _title(result, enterprise_list, "减排要求核算"), now, enterprise_list.info.authority,
        REQUIREMENT_HEADERS, requirement_rows(result), [], {0: 18, 1: 14, 2: 16, 3: 14, 4: 12, 5: 10, 6: 12, 7: 18},
        {1: _BODY_NUMBER(TONNES), 3: _BODY_NUMBER(TONNES), 6: _BODY_NUMBER(TONNES),
         4: lambda n, _: _BODY_NUMBER(ratio_format(pollutants[n].ratio or 0.0, pollutants[n].required,
                                                   pollutants[n].ok)),
         5: lambda n, _: _BODY_NUMBER(cut_format(pollutants[n].required))}))
    book.add(info_sheet(info_rows(result, enterprise_list, now)))
    return book.close()


def result_sheet(result: LevelResult, enterprise_list: EnterpriseList, rows: list[list[Any]], now: datetime,
                 name: str = RESULT_SHEET) -> Any:
    """The 企业减排明细 sheet of one list (``rows``: :func:`result_rows`, 合计 last), ready to print.

    The one-list export's first sheet, and each county's sheet of a city export
    (:mod:`haze.render.citysheets`, which names it after the county): title,
    time, 填报单位/审核人/日期, the header, the rows and the bold 合计.
    """
    body, total = rows[:-1], rows[-1]
    cut_styles = _CachedStyles(lambda value: _BODY_NUMBER(cut_format(value)))
    return print_sheet(
        name, _title(result, enterprise_list, "企业减排明细"), now, enterprise_list.info.authority,
        RESULT_HEADERS, body, [total], _RESULT_WIDTHS,
        {_CUT_COLUMN: lambda _, value: cut_styles(value),
         **{_FIRST_TONNES + i: _BODY_NUMBER(TONNES) for i in range(len(POLLUTANTS))}})


def info_sheet(rows: list[list[Any]]) -> Any:
    """The 说明 sheet: a plain 项目/内容 table, printed portrait (else its two columns print on two pages)."""
    from haze.render.xlsxwrite import PageSetup

    facts = plain_sheet(INFO_SHEET, ("项目", "内容"), rows, {}, {0: 14, 1: 70}, False)
    facts.page = PageSetup(landscape=False)
    return facts


#: 17 columns on A4 landscape: narrow, wrapping columns, so fit-to-width keeps a readable size
_RESULT_WIDTHS = {0: 20, 1: 24, 2: 9, 3: 9, 4: 7, 5: 11, 6: 14, 7: 11, 8: 8, 9: 10, 10: 11,
                  **{_FIRST_TONNES + i: 10 for i in range(len(POLLUTANTS))},
                  len(RESULT_HEADERS) - 2: 30, len(RESULT_HEADERS) - 1: 11}


def _title(result: LevelResult, enterprise_list: EnterpriseList, what: str) -> str:
    """``示例县重污染天气橙色预警（Ⅱ级响应）企业减排明细``: region, level and what the table is."""
    return f"{enterprise_list.info.region}重污染天气{level_label(result)}{what}"


class _CachedStyles:
    """A style per distinct value (a cut's decimals depend on the cut; most cuts repeat)."""

    def __init__(self, make: Any) -> None:
        self.make = make
        self.known: dict[Any, Any] = {}

    def __call__(self, value: Any) -> Any:
        style = self.known.get(value)
        if style is None:
            style = self.known[value] = self.make(value)
        return style


def _BODY_NUMBER(number_format: str) -> Any:  # noqa: N802 - reads as the style it names
    from haze.render.xlsxwrite import Style

    return Style(num_format=number_format, border=True, valign="center")


def print_sheet(name: str, title: str, now: datetime, authority: str, headers: Sequence[str],
                body: list[list[Any]], tail: list[list[Any]], widths: Mapping[int, float],
                number_styles: dict[int, Any]) -> Any:
    """A table to print and send: title, time, 填报单位/审核人/日期, the header, bordered rows, bold totals.

    Printed A4 landscape, fitted to the page width, the header row repeated on
    every page (print titles) and frozen on screen; rows are the body's, one
    per line, so Excel's filter and sums work on them as before.
    """
    from haze.core.timeparse import format_zh
    from haze.render.xlsxwrite import Cell, PageSetup, Sheet, Style

    width = len(headers)
    title_style = Style(bold=True, size=16, align="center", valign="center")
    time_style = Style(align="center", valign="center")
    sign_style = Style(valign="center")
    header_style = Style(bold=True, wrap=True, align="center", valign="center", border=True)
    text_style = Style(wrap=True, valign="center", border=True)
    bold = Style(bold=True, wrap=True, valign="center", border=True)
    left = width * 2 // 5
    middle = (width - left) // 2
    head = [
        [Cell(title, title_style, width)],
        [Cell(f"生成时间：{format_zh(now)}", time_style, width)],
        [Cell(f"填报单位（盖章）：{authority}", sign_style, left), Cell("审核人：", sign_style, middle),
         Cell("日期：　　　　年　　月　　日", sign_style, width - left - middle)],
        [Cell(h, header_style) for h in headers],
    ]
    header_row = len(head)

    def styled(row: list[Any]) -> list[Any]:
        cells = []
        for col, value in enumerate(row):
            spec = number_styles.get(col)
            if isinstance(value, (int, float)) and not isinstance(value, bool) and spec is not None:
                style = spec(0, value) if callable(spec) else spec
                cells.append(Cell(value, Style(bold=True, num_format=style.num_format, border=True, valign="center")))
            else:
                cells.append(Cell(value, bold))
        return cells

    # (column, the characters that fit on one line, a line's width); called once per row of an
    # 80,000-row export, so the common case (every cell fits) is one comparison per wrapped column
    wrapped = [(col, (w - 1) / 2, w - 1) for col, w in widths.items() if col < width]

    def row_height(row: Sequence[Any]) -> float | None:
        # Lines a wrapped cell takes, a Chinese character being about 2 widths of "0" (what a
        # column width counts): an estimate, so that a long 减排措施 is not cut off on paper.
        lines = 1
        for col, fits, span in wrapped:
            value = row[col]
            if type(value) is str and len(value) > fits:
                lines = max(lines, math.ceil(len(value) * 2 / span))
        return 13.5 * lines + 3 if lines > 1 else None

    return Sheet(name, head=head, body=body, tail=[styled(row) for row in tail], row_height=row_height,
                 text_styles={c: text_style for c in range(width)}, number_styles=number_styles, widths=widths,
                 heights={1: 30, 2: 18, 3: 22, header_row: 32}, freeze_rows=header_row, filter_row=header_row,
                 columns=width, fill_blanks=True, page=PageSetup(repeat_rows=(header_row, header_row)))


TONNES = "0.0000"
#: (title, headers, body, formats, widths, bold last row): ``formats`` maps a column to a
#: number format, or to a function of the row's index in ``body`` giving it
SheetSpec = tuple[str, Any, list[list[Any]], dict[int, Any], dict[int, int], bool]


def workbook_bytes(sheets: list[SheetSpec]) -> bytes:
    """Plain sheets (bold header row, frozen, auto-filtered), streamed; every text cell a string, never a formula.

    Used for the list itself (``export --as-list``), which ``haze import`` reads
    back: no title rows, the header on row 1. Text from the list is a string
    cell: ``=HYPERLINK(…)`` in a name stays text (CWE-1236).
    """
    from haze.render.xlsxwrite import Workbook

    book = Workbook()
    for spec in sheets:
        book.add(plain_sheet(*spec))
    return book.close()


def plain_sheet(title: str, headers: Any, body: list[list[Any]], formats: dict[int, Any], widths: dict[int, int],
                 bold_last: bool) -> Any:
    from haze.render.xlsxwrite import Cell, Sheet, Style

    header = Style(bold=True, wrap=True, valign="center")
    numbers: dict[int, Any] = {}
    for col, number_format in formats.items():
        if callable(number_format):
            numbers[col] = (lambda f: lambda n, _: Style(num_format=f(n)))(number_format)
        else:
            numbers[col] = Style(num_format=number_format)
    tail: list[list[Any]] = []
    if bold_last and body:
        last = len(body) - 1
        tail_row = []
        for col, value in enumerate(body[last]):
            number_format = formats.get(col)
            if callable(number_format):
                number_format = number_format(last)
            is_number = isinstance(value, (int, float)) and not isinstance(value, bool)
            tail_row.append(Cell(value, Style(bold=True, num_format=number_format if is_number else None)))
        body, tail = body[:last], [tail_row]
    return Sheet(title, head=[[Cell(h, header) for h in headers]], body=body, tail=tail, number_styles=numbers,
                 widths=widths, freeze_rows=1, filter_row=1, columns=len(headers))
