"""Spreadsheet lists (SPEC §9): header row -> canonical columns, rows -> the list document.

The CSV and XLSX readers only turn their file into numbered rows of cells;
what the cells mean is decided here, once. The result is the same
:class:`~haze.io.lists.yamlread.LDict` document the YAML reader gives, so
:func:`haze.io.lists.build.build` applies one set of rules and finding codes to
every format. Each mapping remembers the spreadsheet row (``line``; the header
is row 1 when it is the first row) and the column (``key_columns``) of every
value, so a finding reads ``list.csv:7: error E104 [E 绩效等级] unknown grade 'Z'``.

Layout: one row per production line; the enterprise columns repeat on every
row of the same enterprise (or are left empty / merged below the first row).
Rows are grouped by credit code over the whole sheet. A row without a
生产线/line value is an enterprise without lines (its ``emissions``). A row
without a credit code and grade but with a 类型/kind is another source
(扬尘, 移动源…), as is every row of an XLSX sheet named ``other_sources``/``其他排放源``.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
import unicodedata
from collections import Counter
from itertools import compress, islice, repeat
from operator import itemgetter, mul, ne
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any, TypeVar

from haze.core.findings import Finding, finding
from haze.core.i18n import N_, _
from haze.core.fmt import cut_label, level_said
from haze.io.lists.yamlread import LDict
from haze.core import creditcode
from haze.core.model import (
    LEVELS,
    POLLUTANTS,
    STOP_WORDS,
    Capacity,
    Contact,
    Enterprise,
    EnterpriseList,
    Level,
    Line,
    Measure,
    Pollutant,
    Status,
    parse_bool,
    parse_cut,
    parse_zone,
)
from haze.core.text import unsafe
from haze.io.lists.build import Builder, _at, _numeric_text

#: False: every enterprise through the general path (rows -> document -> builder); tests compare the two
QUICK = True

Cell = Any  # str | int | float | bool | datetime | None, as csv or openpyxl give them
Row = tuple[int, Sequence[Cell]]  # (spreadsheet row number, cells)

#: what a list without an authority (发布单位) gets, so that a notice can never
#: go out silently unsigned; ``haze import`` refuses to write it.
NO_AUTHORITY = "（发布单位未填写）"

HEADER_SEARCH_ROWS = 10
UNCALCULATED = N_("a formula with no saved value (the file was written by a program and never saved by Excel): "
                   "open and save it in Excel, or type the value")  # a title or notes may stand above the header row

# -- columns -------------------------------------------------------------------

ENTERPRISE_COLUMNS = ("id", "name", "town", "industry", "grade", "zone", "category", "compliant", "status",
                      "operating_days", "max_load", "ozone_exempt")
CONTACT_COLUMNS = {"contact_name": "name", "contact_phone": "phone"}
CAPACITY_COLUMNS = {"capacity_eia": "eia", "capacity_permit": "permit", "capacity_actual": "actual",
                    "capacity_unit": "unit"}
CUT_COLUMNS = {level: f"{level.value}_cut" for level in LEVELS}
ACTION_COLUMNS = {level: f"{level.value}_actions" for level in LEVELS}
POLLUTANT_COLUMNS = {p: p.value for p in POLLUTANTS}

#: canonical column -> the header haze writes (and the first it reads)
HEADERS_ZH = {
    "id": "统一社会信用代码", "name": "企业名称", "town": "乡镇", "industry": "行业", "grade": "绩效等级",
    "zone": "重点区域", "category": "类别", "compliant": "达标", "status": "状态", "line": "生产线",
    "so2": "二氧化硫", "nox": "氮氧化物", "pm": "颗粒物", "vocs": "挥发性有机物",
    "yellow_cut": "黄色预警限产比例", "orange_cut": "橙色预警限产比例", "red_cut": "红色预警限产比例",
    "yellow_actions": "黄色预警减排措施", "orange_actions": "橙色预警减排措施", "red_actions": "红色预警减排措施",
    "contact_name": "联系人", "contact_phone": "联系电话", "operating_days": "年生产天数",
    "capacity_eia": "环评产能", "capacity_permit": "许可产能", "capacity_actual": "实际产能",
    "capacity_unit": "产能单位", "kind": "类型", "max_load": "最大允许生产负荷",
    "vocs_process": "涉VOCs工序", "ozone_exempt": "臭氧豁免",
}

_ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id", "统一社会信用代码", "社会信用代码", "信用代码", "统一代码", "credit code", "uscc"),
    "name": ("name", "企业名称", "单位名称", "企业", "名称", "enterprise", "company"),
    "town": ("town", "乡镇", "所属乡镇", "所在乡镇", "乡镇街道", "乡镇(街道)"),
    "industry": ("industry", "行业", "所属行业", "行业类别", "行业类型"),
    "grade": ("grade", "绩效等级", "绩效分级", "绩效级别", "环保绩效等级", "等级"),
    "zone": ("zone", "重点区域", "重点管控区域", "是否重点区域", "是否重点管控区域", "是否位于重点管控区域"),
    "category": ("category", "类别", "企业类别", "保障类别"),
    "compliant": ("compliant", "达标", "是否达标", "达标情况", "达标排放", "是否达标排放"),
    "status": ("status", "状态", "生产状态", "运行状态", "生产状况"),
    "line": ("line", "line name", "生产线", "生产线名称", "生产线/工序", "工序", "生产工序", "产线", "生产设施"),
    "so2": ("so2", "二氧化硫"),
    "nox": ("nox", "氮氧化物"),
    "pm": ("pm", "颗粒物", "烟粉尘"),
    "vocs": ("vocs", "voc", "挥发性有机物"),
    "contact_name": ("contact name", "contact", "联系人", "联系人姓名", "企业联系人", "应急联系人"),
    "contact_phone": ("contact phone", "phone", "tel", "联系电话", "电话", "联系方式", "手机", "联系人电话"),
    "operating_days": ("operating days", "days", "年生产天数", "生产天数", "年运行天数", "运行天数"),
    "capacity_eia": ("capacity eia", "eia", "环评产能", "设计产能"),
    "capacity_permit": ("capacity permit", "permit", "许可产能", "排污许可产能"),
    "capacity_actual": ("capacity actual", "actual", "实际产能"),
    "capacity_unit": ("capacity unit", "unit", "产能单位"),
    "kind": ("kind", "类型", "排放源类型", "源类型", "其他源类型"),
    "max_load": ("max load", "最大允许生产负荷", "核定最大允许生产负荷", "最大生产负荷", "允许生产负荷"),
    "vocs_process": ("vocs process", "涉VOCs工序", "涉voc工序", "vocs工序"),
    "ozone_exempt": ("ozone exempt", "臭氧豁免", "错时生产豁免", "臭氧豁免原因"),
}
_LEVEL_WORDS = {Level.YELLOW: ("yellow", "黄色", "黄色预警"), Level.ORANGE: ("orange", "橙色", "橙色预警"),
                Level.RED: ("red", "红色", "红色预警")}
_CUT_WORDS = ("", "cut", "限产比例", "减产比例", "停限产比例", "限产", "减排比例", "限产减排比例")
_ACTION_WORDS = ("actions", "措施", "减排措施", "管控措施", "应急减排措施", "应急措施")
#: columns every bureau sheet has that carry nothing for haze: read silently
IGNORED = ("序号", "编号", "no", "no.", "#", "备注", "说明", "remarks", "remark", "note", "notes")
_UNIT_SUFFIXES = ("年排放量", "排放量", "ta", "td", "吨年", "吨", "%")

FACT_ALIASES: dict[str, tuple[str, ...]] = {
    "region": ("region", "地区", "区域", "行政区", "行政区域", "县区"),
    "authority": ("authority", "发布单位", "发文单位", "印发单位", "发布机关", "发文机关"),
    "season": ("season", "秋冬季", "年度", "季节", "采暖季", "清单年度"),
    "policy": ("policy", "政策", "执行政策", "减排政策"),
    "doc_prefix": ("doc prefix", "文号前缀", "发文字号前缀", "文号"),
    "strict_ids": ("strict ids", "严格校验信用代码"),
    # the bureau's duty contact printed on every notice (list.contact)
    "contact_name": ("duty contact", "contact name", "值班联系人", "应急值班联系人"),
    "contact_phone": ("duty phone", "contact phone", "值班电话", "应急值班电话"),
}
CONTACT_FACTS = {"contact_name": "name", "contact_phone": "phone"}
_FACT_HEADERS = ("key", "项目", "字段", "参数", "名称", "item", "field")
_BASELINE_WORDS = ("全社会排放量", "全社会", "baseline")

_SQUASH = re.compile(r"[\s_\-*:/、.]+")
_PLACEHOLDERS = frozenset({"/", "-", "—", "——", "–", "－", "无", "n/a", "na", "none"})
_TOTAL_WORDS = frozenset({"合计", "总计", "小计", "total", "sum"})
_SPLIT_ACTIONS = re.compile(r"\s*(?:\r?\n|；|;)\s*")
_SCIENTIFIC = re.compile(r"^\d(?:\.\d+)?e\+?\d+$", re.IGNORECASE)
_EXCEL_DIGITS = 15  # the significant digits Excel keeps of a number


def _squash(text: str) -> str:
    return _SQUASH.sub("", text)


def header_forms(text: str) -> list[str]:
    """The ways a header may be meant: as written, without ``(units)``, without the brackets."""
    base = unicodedata.normalize("NFKC", text).strip().lower()
    forms: list[str] = []
    for form in (base, re.sub(r"\([^)]*\)|\[[^\]]*\]", "", base), re.sub(r"[()\[\]]", "", base)):
        form = _squash(form)
        for candidate in (form, *(form[: -len(s)] for s in _UNIT_SUFFIXES if form.endswith(s) and form != s)):
            if candidate and candidate not in forms:
                forms.append(candidate)
    return forms


def _alias_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for key, names in _ALIASES.items():
        for name in names:
            table[header_forms(name)[0]] = key
    for level, words in _LEVEL_WORDS.items():
        for word in words:
            for suffix in _CUT_WORDS:
                table[_squash(word + suffix)] = CUT_COLUMNS[level]
            for suffix in _ACTION_WORDS:
                table[_squash(word + suffix)] = ACTION_COLUMNS[level]
    for name in IGNORED:
        table[_squash(name)] = ""
    return table


_COLUMN_OF = _alias_table()


def column_key(header: Any) -> str | None:
    """The canonical column for a header ('' for columns read silently), or None if unknown."""
    if header is None:
        return None
    for form in header_forms(str(header)):
        if form in _COLUMN_OF:
            return _COLUMN_OF[form]
    return None


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: where the column stands when the file is opened in Excel."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# -- cells -----------------------------------------------------------------------

def _blank(value: Cell) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _excel_shows(value: float) -> str:
    """A number as Excel shows it in the formula bar: 15 significant digits, then zeros
    (911405256449837431 typed -> 911405256449837000; the float itself ends …837440)."""
    return str(int(Decimal(f"{value:.{_EXCEL_DIGITS - 1}e}")))


def _lost_message(shown: str, kept: int) -> str:
    """What E102 says of a credit code that lost digits as a number: ``shown`` as it stands in the file."""
    if _SCIENTIFIC.match(shown):  # the text Excel wrote for a number cell (a CSV): only its digits are known
        return _("credit code {id} was stored as a number, written with only its first {kept} digits, so its "
                 "last digits are lost; format the column as text (文本) and type the code again").format(
            id=shown, kept=kept)
    return _("credit code {id} was stored as a number, and Excel keeps only 15 digits, so its last digits are "
             "lost; format the column as text (文本) and type the code again").format(id=shown)


def _integral_text(value: float) -> str:
    return str(int(value)) if math.isfinite(value) and value.is_integer() else repr(value)


@dataclass(frozen=True)
class Column:
    index: int
    key: str  # canonical key, '' for an ignored column
    header: str  # as written
    label: str  # as findings show it: "E 绩效等级", "其他排放源!C 颗粒物"


@dataclass
class Table:
    """One sheet, or a CSV file: rows numbered as the spreadsheet numbers them."""

    rows: Iterable[Row]
    sheet: str = ""  # named in findings for any sheet but the enterprises one
    #: (row, column index) of formulas with no saved value: they read as empty but are not
    uncalculated: frozenset[tuple[int, int]] | set[tuple[int, int]] = frozenset()
    #: how a cell that is not text is made to look as openpyxl gave it (the XLSX reader's), applied
    #: to the header rows and then only to the cells the reader reads: most of a wide sheet is not
    shape: Callable[[Any], Any] | None = None


class _Row:
    """One data row's cleaned cells. ``labels`` is the table's (canonical key -> column label), shared
    by all its rows: a key names one column of a table, and it is only looked up for keys in ``cells``."""

    __slots__ = ("number", "cells", "labels")

    def __init__(self, number: int, cells: dict[str, Any] | None = None,
                 labels: dict[str, str] | None = None) -> None:
        self.number = number
        self.cells: dict[str, Any] = {} if cells is None else cells  # canonical key -> cleaned value
        self.labels: dict[str, str] = {} if labels is None else labels

    def __repr__(self) -> str:
        return f"_Row({self.number}, {self.cells!r})"

    def has(self, *keys: str) -> bool:
        return not self.cells.keys().isdisjoint(keys)


class TableReader:
    """Reads the tables of one file into a list document; collects findings as it goes."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.findings: list[Finding] = []
        #: rows whose credit code Excel stored as a number that lost digits -> the significant digits kept
        self.numeric_ids: dict[int, int] = {}
        #: those rows' codes as the clerk finds them in the file: 9.11405E+17 in a CSV, and for a number
        #: cell the 15 digits Excel shows (911405256449837000), not the float's own tail (…837440)
        self.numeric_cells: dict[int, str] = {}
        #: codes of the enterprises whose rows hold such a number: the reader says what is wrong (E102 or
        #: E108); the builder's "check character should be 4" would send the clerk after a made-up digit
        self.lossy_ids: set[str] = set()
        #: the first such row of each of those enterprises that is not another row's code (then E108): E102
        self.lossy_rows: list[_Row] = []
        #: rows of a code stored as a number that matches another enterprise's code (E108, not E102)
        self.split_rows: set[int] = set()
        #: rows naming another enterprise than the first row of their credit code (E108), and those codes:
        #: every other difference of theirs (town, grade, contact; emissions beside lines) follows from it
        self.foreign_rows: set[int] = set()
        self.foreign_ids: set[str] = set()
        self.unusable = False  # no header, no credit code column, no rows: nothing to build
        #: per table's columns: the columns, their (index, key, label, kind), and key -> label (the rows')
        self._plans: dict[int, tuple[list[Column], list[tuple[int, str, str, str] | None], dict[str, str]]] = {}

    def add(self, code: str, message: str, line: int | None = None, column: str | None = None,
            enterprise: str | None = None, severity: str | None = None, level: str | None = None) -> None:
        f = finding(code, message, self.path, line, enterprise, column, level)
        self.findings.append(replace(f, severity=severity) if severity else f)

    # -- header ------------------------------------------------------------
    def header(self, rows: Iterator[Row], sheet: str, need: tuple[str, ...]) -> tuple[list[Column], list[Row], int]:
        """Find the header row (a title may stand above it) and merge a sub-header row below it.

        Returns the columns, the rows already read past the header (which are
        data) and the header's row number. No header found: no columns.
        """
        seen: list[Row] = []
        for row in rows:
            seen.append(row)
            if len(seen) >= HEADER_SEARCH_ROWS:
                break
        if sheet and not any(not _blank(c) for _row, cells in seen for c in cells):
            return [], [], 0  # an empty extra sheet (其他排放源 of a template) holds nothing: fine
        start = None
        for i, (_row, cells) in enumerate(seen):
            found = {column_key(c) for c in cells if not _blank(c)} - {None, ""}
            if len(found) >= 2 and found & set(need):
                start = i
                break
        if start is None:
            where = seen[0][0] if seen else None
            first = ", ".join(str(c).strip() for c in (seen[0][1] if seen else []) if not _blank(c))[:120]
            expected = _(" and ").join(f"{HEADERS_ZH[k]}/{k}" for k in need)
            message = (_("no header row found in the first {rows} rows{sheet}: expected columns such as {expected} "
                         "(first row: {first})") if first else
                       _("no header row found in the first {rows} rows{sheet}: expected columns such as {expected}"))
            self.add("E003", message.format(rows=HEADER_SEARCH_ROWS, sheet=self._of(sheet), expected=expected,
                                            first=first), where)
            self.unusable = True
            return [], [], 0
        number, cells = seen[start]
        headers = [None if _blank(c) else str(c).strip() for c in cells]
        keys = [column_key(h) for h in headers]
        rest = seen[start + 1:]
        if rest:  # a sub-header: 排放量(吨/年) above SO2, NOx…; 限产比例 above 黄色, 橙色, 红色
            sub = [None if _blank(c) else str(c).strip() for c in rest[0][1]]
            sub_keys = [column_key(h) for h in sub]
            fills = [i for i, k in enumerate(sub_keys) if k and (i >= len(keys) or keys[i] is None)]
            # Under the columns already named the sub-header row is blank (merged cells);
            # a data row is not, so it is never mistaken for one and skipped.
            under_named = any(sub[i] is not None for i, k in enumerate(keys) if k and i < len(sub))
            if fills and not under_named:
                headers += [None] * (len(sub) - len(headers))
                keys += [None] * (len(sub) - len(keys))
                for i in fills:
                    headers[i], keys[i] = sub[i], sub_keys[i]
                rest = rest[1:]
        return self.columns(headers, keys, number, sheet), rest, number

    def columns(self, headers: list[str | None], keys: list[str | None], number: int, sheet: str) -> list[Column]:
        prefix = f"{sheet}!" if sheet else ""
        result: list[Column] = []
        first: dict[str, Column] = {}
        for i, (header, key) in enumerate(zip(headers, keys)):
            if header is None:
                continue
            label = f"{prefix}{column_letter(i)} {header}"
            if key is None:
                self.add("W307", _("unknown column {header!r}{sheet}; its values are ignored").format(
                    header=header, sheet=self._of(sheet)), number, label)
                continue
            if key and key in first:
                self.add("E109", _("column {header!r} means the same as column {other!r} "
                                   "({key}); it is ambiguous which is meant").format(
                    header=header, other=first[key].label, key=key), number, label)
                continue
            column = Column(i, key, header, label)
            if key:
                first[key] = column
            result.append(column)
        return result

    @staticmethod
    def _of(sheet: str) -> str:
        return _(" of sheet {sheet!r}").format(sheet=sheet) if sheet else ""

    # -- cells ----------------------------------------------------------------
    def row(self, number: int, cells: Sequence[Cell], columns: list[Column], table: Table) -> _Row | None:
        """Clean one row's cells; None for a blank row or a totals (合计) row."""
        plan = self._plans.get(id(columns))
        if plan is None or plan[0] is not columns:
            steps = _plan(columns)
            by_position: list[tuple[int, str, str, str] | None] = [None] * (max((i for i, *_ in steps), default=-1) + 1)
            for planned in steps:
                by_position[planned[0]] = planned
            plan = self._plans[id(columns)] = (columns, by_position, {key: label for _i, key, label, _k in steps})
        found: dict[str, Any] = {}
        shape = table.shape
        # Most cells of a wide sheet are empty (""): compress() passes over them in C, and the loop below
        # sees only the filled cells of the columns that carry something, in column order as before.
        for step in compress(plan[1], map(ne, cells, repeat(""))):
            if step is None:  # a filled cell of an ignored column
                continue
            index, key, label, kind = step
            raw = cells[index]
            if raw is None:
                continue
            kind_of_raw = type(raw)
            if shape is not None and kind_of_raw is not str:  # what Table.shape makes of it
                if kind_of_raw is float:
                    if raw.is_integer() and -1e15 < raw < 1e15:
                        raw, kind_of_raw = int(raw), int
                elif kind_of_raw is not int:
                    raw = shape(raw)
                    kind_of_raw = type(raw)
            # The common cases inline (what cell() would return for them), the rest through cell():
            # 20,000 enterprises are ~1.2 million cells, and a call per cell was a third of the read.
            if kind_of_raw is str:
                if kind is _TEXTUAL:
                    raw = raw.strip()
                    if raw:
                        found[key] = raw
                    continue
                if kind == "id" and len(raw) == 18 and raw.isascii() and raw.isalnum() and raw.upper() == raw:
                    found[key] = raw  # already what credit_code() makes of it
                    continue
            elif (kind_of_raw is int or kind_of_raw is float) and kind in _NUMERIC:
                found[key] = raw  # _number_cell and _cut_cell keep numbers as they are
                continue
            value = self.cell(key, raw, number, label)
            if value is not None:
                found[key] = value
        if ("id" not in found and _is_total(cells)) or _total_id(found):
            return None
        if table.uncalculated:
            for col in columns:
                if col.key and (number, col.index) in table.uncalculated:
                    self.add("E101", _(UNCALCULATED), number, col.label)
        return _Row(number, found, plan[2]) if found else None

    def cell(self, key: str, value: Cell, number: int, label: str) -> Any:
        if _blank(value):
            return None
        if isinstance(value, (_dt.datetime, _dt.date, _dt.time)):
            if isinstance(value, _dt.datetime) and value.time() == _dt.time():
                text = value.date().isoformat()  # a date Excel made of "1-2": no time was typed
            else:
                text = value.isoformat()
            self.add("W308", _("{value!r} was read as a date by the spreadsheet; using {text!r} — format the "
                               "column as text (文本) to keep what was typed").format(value=value, text=text),
                     number, label)
            return text
        kind = _KIND.get(key, "text")
        if kind == "id":
            return self.credit_code(value, number, label)
        if kind == "phone":
            return self.phone(value, number, label)
        if kind == "number":
            return _number_cell(value)
        if kind == "cut":
            return _cut_cell(value)
        if kind == "actions":
            return _actions_cell(value)
        if isinstance(value, str):
            return value.strip()
        if kind == "text" and isinstance(value, float):
            return _integral_text(value)
        if kind == "text" and isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        return value  # booleans and enum numbers go to the builder, which names the problem

    def credit_code(self, value: Cell, number: int, label: str) -> Any:
        if isinstance(value, bool):
            return value
        if isinstance(value, float) or (isinstance(value, str) and _SCIENTIFIC.match(value.strip())):
            # Excel keeps 15 significant digits: an 18-digit code typed as a number has lost its tail.
            # A CSV Excel saved shows fewer (9.11405E+17: six), and only those are known.
            number_value = float(value)
            if 1e15 <= number_value < math.inf:  # more digits than a number keeps (1.5, inf: plain bad codes)
                mantissa = "" if isinstance(value, float) else value.strip().lower().split("e")[0]
                self.numeric_ids[number] = sum(c.isdigit() for c in mantissa) or _EXCEL_DIGITS
                self.numeric_cells[number] = _excel_shows(value) if isinstance(value, float) else value.strip()
            return _integral_text(number_value)
        if isinstance(value, int):
            return str(value)
        return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value))).upper()

    def phone(self, value: Cell, number: int, label: str) -> Any:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            text = _integral_text(float(value))
            if not (len(text) == 11 and text.startswith("1")):  # not a mobile number: a 0 may be gone
                self.add("W308", _("phone {phone} was stored as a number, so a leading 0 (area code) may be lost; "
                                   "format the column as text (文本)").format(phone=text), number, label)
            return text
        return value.strip() if isinstance(value, str) else value

    # -- tables -> document -------------------------------------------------------
    def document(self, main: Table, sources: Table | None, facts: Table | None, region: str,
                 overrides: dict[str, Any] | None) -> LDict:
        doc = LDict()
        doc.line = 1
        enterprises, other = self.grouped(main, sources)
        if self.unusable:
            return doc
        doc["list"] = self.list_facts(facts, region, overrides or {})
        doc["enterprises"] = [self.enterprise(rows) for rows in enterprises]
        if other:
            doc["other_sources"] = [self.source(r) for r in other]
        return doc

    def grouped(self, main: Table, sources: Table | None) -> tuple[list[list[_Row]], list[_Row]]:
        """The main table's rows grouped by enterprise, and the rows of other sources (both tables')."""
        enterprises, other = self.rows_of(main, need=("id", "name"))
        if self.unusable:
            return [], []
        if sources is not None:
            other += self.rows_of(sources, need=("name",), all_sources=True)[1]
        return enterprises, other

    def rows_of(self, table: Table, need: tuple[str, ...],
                all_sources: bool = False) -> tuple[list[list[_Row]], list[_Row]]:
        """Data rows grouped by enterprise (credit code), and the rows of other sources."""
        rows = iter(table.rows)
        shape = table.shape
        if shape is not None:  # the header rows whole: their cells are shown in findings as written
            head = [(n, [c if type(c) is str else shape(c) for c in cells])
                    for n, cells in islice(rows, HEADER_SEARCH_ROWS)]
            columns, pending, header_row = self.header(iter(head), table.sheet, need)
        else:
            columns, pending, header_row = self.header(rows, table.sheet, need)
        if not columns:
            return [], []
        if not all_sources and "id" not in {c.key for c in columns}:
            self.add("E100", _("no credit code column (统一社会信用代码/id) in the header{sheet}").format(
                sheet=self._of(table.sheet)), header_row)
            self.unusable = True
            return [], []
        groups: dict[str, list[_Row]] = {}
        sources: list[_Row] = []
        previous: list[_Row] | None = None
        blank_ids = 0
        for number, cells in _chain(pending, rows):
            row = self.row(number, cells, columns, table)
            if row is None:
                continue
            if all_sources or (not row.has("id", "grade") and row.has("kind")):
                sources.append(row)
                previous = None
                continue
            if not row.has("id", "name") and row.has("line") and previous is not None:
                previous.append(row)  # merged enterprise cells: a further line of the row above
                continue
            key = row.cells.get("id")
            if not isinstance(key, str):
                blank_ids += 1
                key = f"\x00{blank_ids}"  # no usable id: its own enterprise, which the builder reports
            previous = groups.setdefault(key, [])
            previous.append(row)
        if not groups and not all_sources:
            self.add("E003", _("no enterprise rows under the header{sheet}").format(sheet=self._of(table.sheet)),
                     header_row)
            self.unusable = True
        if self.numeric_ids and not all_sources:
            self.lost_digits(groups)
            self.lost_codes(groups)
        return list(groups.values()), sources

    def lost_codes(self, groups: dict[str, list[_Row]]) -> None:
        """Note the enterprises whose credit code reached the reader as a number that lost digits.

        Such a code cannot be checked or repaired: its check character is as
        made up as the digits before it, so "should be 4" would be obeyed and
        give a code that passes and is still wrong. :meth:`report_lost` says
        what happened instead, unless :meth:`lost_digits` has (E108).
        """
        for key, rows in groups.items():
            lossy = [r for r in rows if r.number in self.numeric_ids]
            if lossy:
                self.lossy_ids.add(key)
                if lossy[0].number not in self.split_rows:
                    self.lossy_rows.append(lossy[0])

    def report_lost(self, strict_ids: bool) -> list[Finding]:
        """E102 at the cell of each code noted by :meth:`lost_codes`, quoted as the clerk finds it in the
        file; a warning when the list sets ``strict_ids: false``, as every bad code (SPEC §6)."""
        told = len(self.findings)
        for r in self.lossy_rows:
            message = _lost_message(self.numeric_cells[r.number], self.numeric_ids[r.number])
            self.add("E102", message, r.number, r.labels.get("id"), r.cells.get("id"),
                     severity=None if strict_ids else "warning")
        return self.findings[told:]

    def lost_digits(self, groups: dict[str, list[_Row]]) -> None:
        """E108 for a code stored as a number that stands for another enterprise's code (SPEC §5, §9).

        A row of a plant whose code was typed as a number groups apart from the
        plant's other rows (911405251765819881 reads as 911405251765819904): a
        second enterprise, with a second notice, the capacity counted twice and
        without the plant's own measures. Which enterprise the row belongs to
        is unknown (two codes may differ only in the lost digits), so the list
        cannot be computed: refused, never merged by guess. A code stored as a
        number that matches no other row is only a bad code (E102, as a typo).
        """
        exact = sorted((int(key), key) for key, rows in groups.items()
                       if len(key) == 18 and key.isdigit() and any(r.number not in self.numeric_ids for r in rows))
        if not exact:
            return
        import bisect

        numbers = [n for n, _key in exact]
        for key, rows in groups.items():
            lossy = [r for r in rows if r.number in self.numeric_ids]
            if not lossy or not key.isdigit():
                continue
            value, first = int(key), lossy[0]
            # Digits past the kept ones are unknown: any code within that distance may be the one typed.
            near = 10 ** max(0, len(key) - min(self.numeric_ids[r.number] for r in lossy))
            low, high = bisect.bisect_left(numbers, value - near + 1), bisect.bisect_right(numbers, value + near - 1)
            matches = [code for _n, code in exact[low:high] if code != key]
            if not matches:
                continue
            rows_of_match = ", ".join(str(groups[code][0].number) for code in matches[:3])
            kept = min(self.numeric_ids[r.number] for r in lossy)
            self.add("E108", _("credit code {id} was stored as a number, which keeps only its first {kept} digits: "
                               "it may be {code} (row {row}) with its last digits lost, and would become a second "
                               "enterprise with a notice of its own; format the column as text (文本) and type the "
                               "code again").format(id=key, kept=kept, code=", ".join(matches[:3]),
                                                    row=rows_of_match),
                     first.number, first.labels.get("id"), key)
            self.split_rows.update(r.number for r in lossy)

    def list_facts(self, facts: Table | None, region: str, overrides: dict[str, Any]) -> LDict:
        data = LDict()
        data.line = 0
        data.key_columns = {}
        if facts is not None:
            self.fact_rows(facts, data)
        for key, value in overrides.items():
            if value is not None:
                data[key] = value
                data.key_lines.pop(key, None)
                data.key_columns.pop(key, None)
        if _blank(data.get("region")):
            data["region"] = region
        if _blank(data.get("authority")):
            data["authority"] = NO_AUTHORITY
            self.add("W311", _("no authority (发布单位) for the notices: activate refuses the list until it is "
                               "given; add it to a 清单信息/list sheet, or give --authority (activate or import)"))
        return data

    def fact_rows(self, facts: Table, data: LDict) -> None:
        baseline = LDict()
        baseline.key_columns = {}
        contact = _ldict(0)
        prefix = f"{facts.sheet}!" if facts.sheet else ""  # a CSV's facts stand above its header
        where = _("in sheet {sheet!r}").format(sheet=facts.sheet) if facts.sheet else _("above the header")
        for number, cells in facts.rows:
            if not cells or _blank(cells[0]) or len(cells) < 2:
                continue
            raw_key = str(cells[0]).strip()
            label = f"{prefix}B {raw_key}"
            key, pollutant = fact_key(raw_key)
            value = cells[1]
            if key is None:
                if not data and not baseline and _squash(raw_key.lower()) in _FACT_HEADERS:
                    continue  # a header row: 项目 | 内容
                self.add("W307", _("unknown list fact {fact!r} {where}; ignored").format(fact=raw_key, where=where),
                         number, f"{prefix}A {raw_key}")
                continue
            if _blank(value):
                if (number, 1) in facts.uncalculated:
                    self.add("E101", _(UNCALCULATED), number, label)
                continue
            target, name = (baseline, pollutant or "") if key == "baseline" else (data, key)
            if key in CONTACT_FACTS:
                target, name = contact, CONTACT_FACTS[key]
            if key == "baseline":
                value = _number_cell(value)
            elif isinstance(value, float):
                value = _integral_text(value)
            elif isinstance(value, str):
                value = value.strip()
            if name in target:
                self.add("E109", _("{fact!r} given twice {where} (first on row {first})").format(
                    fact=raw_key, where=where, first=target.key_lines[name]), number, label)
                continue
            _put(target, name, value, number, label)
            if target is baseline and not baseline.line:
                baseline.line = number
            if target is contact and not contact.line:
                contact.line = number
        if baseline:
            _put(data, "baseline", baseline, baseline.line)
        if contact:
            _put(data, "contact", contact, contact.line)

    def enterprise(self, rows: list[_Row]) -> LDict:
        first = rows[0]
        ident = first.cells.get("id")
        ent = _ldict(first.number)
        named = [r for r in rows if "name" in r.cells] if len(rows) > 1 else []  # one row: nothing to compare
        foreign = [r for r in named[1:] if _same(named[0].cells["name"], r.cells["name"]) is False]
        if foreign:
            self.foreign_rows.update(r.number for r in foreign)
            if isinstance(ident, str):
                self.foreign_ids.add(ident)
        for key in ENTERPRISE_COLUMNS:
            self.merge(ent, key, key, rows, ident)
        for group, columns in (("contact", CONTACT_COLUMNS), ("capacity", CAPACITY_COLUMNS)):
            if not any(r.has(*columns) for r in rows):
                continue
            sub = _ldict(first.number)
            for column, key in columns.items():
                self.merge(sub, key, column, rows, ident)
            if sub:
                _put(ent, group, sub, sub.line)
        line_rows = [r for r in rows if r.has("line")]
        plain = [r for r in rows if not r.has("line")]
        producing = [r for r in plain if r.has(*POLLUTANTS_KEYS)]
        if len(producing) > 1:
            self.add("E108", _("enterprise {id} has {count} rows without a 生产线/line "
                               "(rows {rows}): name each line, or remove the duplicate row").format(
                id=ident, count=len(producing), rows=", ".join(str(r.number) for r in producing)),
                producing[1].number, None, ident)
        if producing:
            _put(ent, "emissions", _emissions(producing[0]), producing[0].number)
        measured = [r for r in plain if r.has(*CUT_KEYS, *ACTION_KEYS)]
        for extra in measured[1:]:
            self.add("E109", _("enterprise {id} has measures on rows {first} and {row}, "
                               "neither naming a 生产线/line; it is ambiguous which are meant").format(
                id=ident, first=measured[0].number, row=extra.number), extra.number, None, ident)
        measures = self.measures(measured[0], ident) if measured else _ldict(first.number)
        if not line_rows:  # one line: its 涉VOCs工序 cell is the enterprise's (SPEC §14)
            self.merge(ent, "vocs_process", "vocs_process", rows, ident)
        if line_rows:
            lines = [self.line(r, ident) for r in line_rows]
            if len(producing) == len(plain):  # an own row (no line, no emissions) says what the plant's are
                self.hoist(measures, lines, line_rows)
            _put(ent, "lines", lines, line_rows[0].number)
        if measures:
            _put(ent, "measures", measures, measures.line)
        return ent

    def quick(self, rows: list[_Row], builder: Builder, strict_ids: bool) -> Enterprise | None:
        """One enterprise's rows straight to the model: what :meth:`enterprise` and then
        ``Builder.enterprise_entry`` make of them, without the document between.

        Only rows that say something plainly: at the first cell that would give a
        finding of its own (a bad credit code, an unknown status, text where a
        number belongs, two rows disagreeing…) this gives up, takes back any
        finding it added, and returns None, so the general path reads the rows
        and reports them exactly as before. The measures (cuts and actions) are
        made as :meth:`measures`, :meth:`hoist` and the builder make them
        (tests/test_table_quick.py holds the two paths equal).
        """
        told, built = len(self.findings), len(builder.findings)
        try:
            return self._quick(rows, builder, strict_ids)
        except _Slow:
            del self.findings[told:], builder.findings[built:]
            return None

    def _quick(self, rows: list[_Row], builder: Builder, strict_ids: bool) -> Enterprise:
        first = rows[0]
        texts: list[str] = []  # every text the builder would clean: checked for control characters at once
        values: dict[str, Any] = first.cells  # enterprise column -> its value (the first row's when all agree)
        taken: dict[str, _Row] | None = None  # enterprise column -> the first row giving it, when not all the first
        if len(rows) > 1:
            keys = values.keys() & _MERGED
            same = itemgetter(*keys) if keys else None
            if same is None or not all((r.cells.keys() & _MERGED) == keys and same(r.cells) == same(values)
                                       for r in rows[1:]):
                taken = {}
                for row in rows:
                    for key, cell in row.cells.items():
                        if key in _MERGED:
                            had = taken.get(key)
                            if had is None:
                                taken[key] = row
                            elif had.cells[key] != cell:
                                raise _Slow  # the general path says which rows disagree (or that they agree)
                values = {key: row.cells[key] for key, row in taken.items()}
        value = values.get
        line_rows = [r for r in rows if "line" in r.cells]
        plain = [r for r in rows if "line" not in r.cells]
        producing = [r for r in plain if not r.cells.keys().isdisjoint(_POLLUTANT_SET)]
        measured = [r for r in plain if not r.cells.keys().isdisjoint(_MEASURE_SET)]
        if len(producing) > 1 or len(measured) > 1 or (producing and line_rows):
            raise _Slow
        ident = _quick_text(value("id"), texts)
        if not ident:
            raise _Slow
        if not (len(ident) == 18 and ident.isascii() and ident.isalnum() and ident.upper() == ident):
            ident = creditcode.normalize(ident)  # (an ASCII code of 18 letters and digits in upper case is normal)
        if not _valid_code(ident) and creditcode.problem(ident):
            raise _Slow
        builder.enterprise = ident
        e = Enterprise(id=ident, name=_quick_text(value("name"), texts), line=first.number)
        if not e.name:
            raise _Slow
        e.town = _quick_text(value("town"), texts)
        e.industry = _quick_text(value("industry"), texts)
        if "grade" not in values:
            builder.add("W310", _("no grade: treated as unrated (未评级)"), _at(first.number))
        for key in ("grade", "category"):
            if key in values:
                giver = first if taken is None else taken[key]
                e.spots[key] = (giver.number, giver.labels[key])
                setattr(e, key, _quick_text(values[key], texts))
        ok, e.key_zone = _parse_zone(value("zone"))
        if not ok:
            raise _Slow
        if "max_load" in values:
            giver = first if taken is None else taken["max_load"]
            e.spots["max_load"] = (giver.number, giver.labels["max_load"])
            raw = values["max_load"]
            load = None if isinstance(raw, str) and _fold(raw) in STOP_WORDS else parse_cut(raw)
            if load is None or not 0.0 <= load <= 1.0:
                raise _Slow
            e.max_load = load
        for key, parse in _QUICK_WORDS:  # a word the general path would have to explain: go there
            raw = value(key)
            if raw is not None:
                parsed = parse(raw)
                if parsed is None:
                    raise _Slow
                setattr(e, key, parsed)
        raw = value("operating_days")
        if raw is not None:
            days = _quick_amount(raw)
            if not 1 <= days <= 366:  # NaN fails too
                raise _Slow
            e.operating_days = days
        if "contact_name" in values or "contact_phone" in values:
            contact = Contact(_quick_text(value("contact_name"), texts), _quick_text(value("contact_phone"), texts))
            e.contact = contact if (contact.name or contact.phone) else None
        if values.keys() & _CAPACITY:
            capacity = Capacity(_quick_number(value("capacity_eia")), _quick_number(value("capacity_permit")),
                                _quick_number(value("capacity_actual")), _quick_text(value("capacity_unit"), texts))
            e.capacity = capacity if capacity.base is not None else None
        raw = value("ozone_exempt")
        if raw is not None and raw != "":
            if type(raw) is not str:
                raise _Slow
            said = _parse_bool(raw)
            e.ozone_exempt = ("豁免" if said else "") if said is not None else _quick_text(raw, texts)
        # Measures as measures() and hoist() make them, and as the builder reads them; anything either
        # would report (a cut that weakens or cannot be read, an actions cell holding a cut…) -> _Slow.
        plant = _row_measures(measured[0]) if measured else {}
        plant_row = measured[0].number if measured else 0
        plant_vocs = None
        if not line_rows:
            vocs = [r.cells["vocs_process"] for r in rows if "vocs_process" in r.cells]
            if vocs:
                if any(v != vocs[0] for v in vocs):
                    raise _Slow
                plant_vocs = _parse_bool(vocs[0])
                if plant_vocs is None:
                    raise _Slow
        if line_rows:
            e.has_lines = True
            own = [{} if r.cells.keys().isdisjoint(_MEASURE_SET) else _row_measures(r) for r in line_rows]
            if not plain:  # no own row of the plant's: what every line shares is the plant's (hoist())
                plant, plant_row = _hoisted(own, len(line_rows)), line_rows[0].number
            for r, mine in zip(line_rows, own):
                line = Line(name=_quick_text(r.cells["line"], texts), emissions=_quick_emissions(r), line=r.number)
                if not line.name:
                    raise _Slow
                if "vocs_process" in r.cells:
                    line.vocs_process = _parse_bool(r.cells["vocs_process"])
                    if line.vocs_process is None:
                        raise _Slow
                if mine:
                    line.measures = _quick_measures(mine, r.number)
                e.lines.append(line)
        elif producing:
            e.lines = [Line(name=e.name, emissions=_quick_emissions(producing[0]), line=producing[0].number)]
        elif e.operating:
            raise _Slow  # E100: neither emissions nor lines
        if e.status is Status.IDLE and any(line.total_emission > 0 for line in e.lines):
            builder.add("W303", _("{name}: idle enterprise still lists emissions; they are not counted").format(name=e.name),
                        _at(line_rows[0].number if line_rows else producing[0].number))
        if e.operating and e.contact is None:
            builder.add("W304", _("{name}: no contact (name and phone) for the notice").format(name=e.name), _at(first.number))
        for line in e.lines:
            if line.vocs_process is None:
                line.vocs_process = plant_vocs
        if unsafe("".join(texts)):
            raise _Slow  # W309
        if plant:
            e.measures = _quick_measures(plant, plant_row)
            builder.check_rising_across(e)
        return e

    def merge(self, target: LDict, key: str, column: str, rows: list[_Row], ident: Any) -> None:
        """Enterprise columns repeat on each row: take the first value; a different one is ambiguous."""
        if len(rows) == 1:  # most enterprises: one row, nothing to compare (a third of the calls)
            r = rows[0]
            if column in r.cells and key not in target:
                target[key] = r.cells[column]
                target.key_lines[key] = r.number
                target.key_columns[key] = r.labels[column]  # type: ignore[index]  # an _ldict's
                return
            if column not in r.cells:
                return
        for r in rows:
            if column not in r.cells:
                continue
            value = r.cells[column]
            if key not in target:
                _put(target, key, value, r.number, r.labels[column])
            elif _same(target[key], value) is False:
                if column != "name" and r.number in self.foreign_rows:
                    continue  # the E108 of its name says it: a row of another enterprise differs everywhere
                code = "E108" if column == "name" else "E109"
                what = _("two enterprises") if column == "name" else f"{HEADERS_ZH[column]}/{column}"
                self.add(code, _("credit code {id} has {what}: {first!r} on row {first_row} "
                                 "and {value!r} on row {row}; it is ambiguous which is meant").format(
                    id=ident, what=what, first=target[key], first_row=target.key_lines[key], value=value,
                    row=r.number),
                         r.number, r.labels[column], ident if isinstance(ident, str) else None)

    def line(self, r: _Row, ident: Any) -> LDict:
        return self.production(r, ident, {"name": "line", "vocs_process": "vocs_process"})

    def source(self, r: _Row) -> LDict:
        return self.production(r, None, {"name": "name", "kind": "kind"})

    def production(self, r: _Row, ident: Any, fields: dict[str, str]) -> LDict:
        """A line, or another source: its name(s), emissions and measures from one row."""
        data = _ldict(r.number)
        for key, column in fields.items():
            if column in r.cells:
                _put(data, key, r.cells[column], r.number, r.labels[column])
        _put(data, "emissions", _emissions(r), r.number)
        measures = self.measures(r, ident)
        if measures:
            _put(data, "measures", measures, r.number)
        return data

    def measures(self, r: _Row, ident: Any) -> LDict:
        """The row's cut and actions cells as ``level -> measure``; checks they do not weaken."""
        result = _ldict(r.number)
        previous: tuple[Level, float] | None = None
        for level in LEVELS:
            cut_key, action_key = CUT_COLUMNS[level], ACTION_COLUMNS[level]
            if not r.has(cut_key, action_key):
                continue
            m = _ldict(r.number)
            if cut_key in r.cells:
                raw = r.cells[cut_key]
                if raw is _STOP:
                    _put(m, "stop", True, r.number, r.labels[cut_key])
                else:
                    _put(m, "cut", raw, r.number, r.labels[cut_key])
                value = 1.0 if raw is _STOP else parse_cut(raw)
                if value is not None and 0 <= value <= 1:
                    if previous is not None and value < previous[1] - 1e-12:
                        self.add("E110", _("{level} cut {cut} is weaker than {previous} cut {previous_cut}").format(
                            level=level_said(level), cut=cut_label(value), previous=level_said(previous[0]),
                            previous_cut=cut_label(previous[1])), r.number, r.labels[cut_key],
                                 ident if isinstance(ident, str) else None, level=level.value)
                    previous = (level, value)
            if action_key in r.cells:
                _put(m, "actions", r.cells[action_key], r.number, r.labels[action_key])
                if cut_key not in r.cells and len(m["actions"]) == 1 and _cut_like(m["actions"][0]):
                    self.add("W308", _("the {level} measures cell holds a cut ({cut!r}) but the "
                                       "{column} cell is empty: it is read as a sentence for the notice, "
                                       "not as a cut").format(level=level_said(level), cut=m["actions"][0],
                                                              column=HEADERS_ZH[cut_key]),
                             r.number, r.labels[action_key])
            _put(result, level.value, m, r.number,
                 m.column_of("cut") or m.column_of("stop") or m.column_of("actions"))
        return result

    def hoist(self, measures: LDict, lines: list[LDict], rows: list[_Row]) -> None:
        """Give the enterprise the measure its lines share, as a list written in YAML would.

        A cut moves up only when every line sets one at that level, so each
        line's cut is exactly what its row says; the lines that differ keep
        their own. Actions present on every line move up too. Nothing is
        hoisted at a level the enterprise's own row (one without a line) sets.
        """
        for level in LEVELS:
            key = level.value
            if key in measures:
                continue
            own = [line.get("measures", {}).get(key) for line in lines]
            shared = self.shared_cut(own, len(rows))
            actions = _shared_actions(own)
            if shared is None and not actions:
                continue
            m = _ldict(rows[0].number)
            if shared is not None:
                name, value, source = shared
                _put(m, name, value, source.line_of(name), source.column_of(name))
            if actions:
                first = own[0]
                _put(m, "actions", actions, first.line_of("actions"), first.column_of("actions"))
            _put(measures, key, m, m.line)
            for line, mine in zip(lines, own):
                self.strip(line, key, mine, shared, actions)

    @staticmethod
    def shared_cut(own: list[LDict | None], count: int) -> tuple[str, Any, LDict] | None:
        values: list[tuple[str, float]] = []
        for m in own:
            if m is None or not ("cut" in m or "stop" in m):
                return None
            value = 1.0 if "stop" in m else parse_cut(m["cut"])
            if value is None or not 0 <= value <= 1:
                return None
            values.append(("stop" if "stop" in m else "cut", value))
        if values.count(values[0]) == len(values):  # most plants: every line the same (what Counter says)
            if len(values) < 2 and count > 1:
                return None
            top, source = values[0], own[0]
        else:
            ranked = Counter(values).most_common(2)
            top, n = ranked[0]
            if (len(ranked) > 1 and ranked[1][1] == n) or (n < 2 and count > 1):
                return None
            source = next(m for m, v in zip(own, values) if v == top and m is not None)
        assert source is not None
        return top[0], source[top[0]], source

    @staticmethod
    def strip(line: LDict, key: str, mine: LDict | None, shared: tuple[str, Any, LDict] | None,
              actions: list[str]) -> None:
        if mine is None:
            return
        _take_shared(mine, shared, actions)
        if not ("cut" in mine or "stop" in mine or "actions" in mine):
            line["measures"].pop(key)
            if not line["measures"]:
                line.pop("measures")


# -- helpers ----------------------------------------------------------------------------

class _Stop:
    """A cut cell that says 停产/stop: written as ``stop: true``, not ``cut: 1``."""

    def __repr__(self) -> str:
        return "stop"


_STOP = _Stop()
POLLUTANTS_KEYS = tuple(POLLUTANT_COLUMNS.values())
NUMBER_KEYS = frozenset({"operating_days", "capacity_eia", "capacity_permit", "capacity_actual"})
CUT_KEYS = tuple(CUT_COLUMNS.values())
ACTION_KEYS = tuple(ACTION_COLUMNS.values())
ENUM_KEYS = frozenset({"grade", "zone", "category", "compliant", "status"})
#: how a column's cells are cleaned (text by default)
_KIND = {"id": "id", "contact_phone": "phone", **{k: "number" for k in (*POLLUTANTS_KEYS, *NUMBER_KEYS)},
         **{k: "cut" for k in CUT_KEYS}, **{k: "actions" for k in ACTION_KEYS}, **{k: "enum" for k in ENUM_KEYS},
         "max_load": "number", "vocs_process": "enum"}


class _Slow(Exception):
    """Raised inside :meth:`TableReader.quick`: these rows need the general path."""


_CAPACITY = frozenset(CAPACITY_COLUMNS)
_POLLUTANT_SET = frozenset(POLLUTANTS_KEYS)
_MEASURE_SET = frozenset((*CUT_KEYS, *ACTION_KEYS))
#: the columns an enterprise's rows repeat (vocs_process is a line's when there are lines)
_MERGED = frozenset({*ENTERPRISE_COLUMNS, *CONTACT_COLUMNS, *CAPACITY_COLUMNS})
_MAX_TEXT = 1000  # haze.io.lists.build.MAX_TEXT


_V = TypeVar("_V")


def _quick_text(value: Any, texts: list[str]) -> str:
    """``Builder.text`` of a cleaned cell, for :meth:`TableReader.quick`: "" for none; anything it
    would report (not text, too long) -> _Slow. The text is added to ``texts``, which the caller
    checks for control characters (W309) all at once."""
    if value is None:
        return ""
    if type(value) is not str:
        raise _Slow
    value = value.strip()
    if len(value) > _MAX_TEXT:
        raise _Slow
    texts.append(value)
    return value


def _valid_code(code: str) -> bool:
    """True when ``creditcode.problem`` finds nothing (its check, in C loops); False: ask it why."""
    if len(code) != 18:
        return False
    try:
        total = sum(map(mul, map(creditcode._VALUE.__getitem__, code[:17]), creditcode.WEIGHTS))
    except KeyError:
        return False
    return creditcode.CHARSET[(31 - total % 31) % 31] == code[17]


def _remembered(parse: Callable[[Any], _V]) -> Callable[[Any], _V]:
    """``parse`` with its answers for text kept: a column holds a handful of words (在产, 是, key)."""
    known: dict[str, _V] = {}

    def parsed(raw: Any) -> _V:
        if type(raw) is not str:
            return parse(raw)
        try:
            return known[raw]
        except KeyError:
            value = parse(raw)
            if len(known) < 1000:
                known[raw] = value
            return value
    return parsed


_parse_bool = _remembered(parse_bool)
_parse_zone = _remembered(parse_zone)
_parse_status = _remembered(Status.parse)
#: the enterprise's words quick parses itself, with their parsers (None: not a word it knows)
_QUICK_WORDS = (("status", _parse_status), ("compliant", _parse_bool))


def _quick_amount(value: Any) -> int | float:
    """A number cell as the builder reads it (an int or float, or a number typed as text), else _Slow."""
    kind = type(value)
    if kind is int or kind is float:
        return value  # type: ignore[no-any-return]
    if kind is str:
        number = _numeric_text(value)
        if number is not None:
            return number
    raise _Slow


def _quick_number(value: Any) -> float | None:
    """``Builder.number`` for :meth:`TableReader.quick`: a finite number ≥ 0, else _Slow."""
    if value is None:
        return None
    number = _quick_amount(value)
    if not 0 <= number < math.inf:
        raise _Slow
    return float(number)


def _quick_emissions(r: _Row) -> dict[Pollutant, float]:
    """``Builder.emissions`` of a row's pollutant cells: amounts 0–1e9 t/a, else _Slow."""
    result: dict[Pollutant, float] = {}
    cells = r.cells
    for key, p in _POLLUTANT_OF:
        if key in cells:
            amount = cells[key]
            if type(amount) is str:
                amount = _quick_amount(amount)  # a placeholder (—, 无) never reaches here: the reader drops it
            elif type(amount) is not int and type(amount) is not float:
                raise _Slow
            if not 0 <= amount <= _MAX_EMISSION:
                raise _Slow
            result[p] = float(amount)
    return result


_LEVEL_CELLS = tuple((level.value, CUT_COLUMNS[level], ACTION_COLUMNS[level]) for level in LEVELS)
_LEVEL_OF = {level.value: level for level in LEVELS}


def _row_measures(r: _Row) -> dict[str, dict[str, Any]]:
    """A row's cut and actions cells as ``TableReader.measures`` gives them (plain dicts): level ->
    ``{"cut": raw}`` or ``{"stop": True}``, and ``"actions"``. What it or the builder would report -> _Slow."""
    cells = r.cells
    result: dict[str, dict[str, Any]] = {}
    previous = -1.0
    for level, cut_key, action_key in _LEVEL_CELLS:
        raw = cells.get(cut_key)
        actions = cells.get(action_key)
        if raw is None and actions is None:
            continue
        m: dict[str, Any] = {}
        if raw is not None:
            if raw is _STOP:
                m["stop"] = True
                value = 1.0
            else:
                value = parse_cut(raw)  # type: ignore[assignment]
                if value is None or not 0 <= value <= 1:
                    raise _Slow  # E101 / E105
                m["cut"] = raw
            if value < previous - 1e-12:
                raise _Slow  # E110
            previous = value
        if actions is not None:
            if type(actions) is not list:
                raise _Slow  # a date made text (W308 already): the builder takes it as one sentence
            if raw is None and len(actions) == 1 and _cut_like(actions[0]):
                raise _Slow  # W308: a cut in the actions cell
            for action in actions:
                if len(action) > _MAX_TEXT or unsafe(action):
                    raise _Slow
            m["actions"] = actions
        result[level] = m
    return result


def _take_shared(measure: dict[str, Any], shared: tuple[str, Any, Any] | None, actions: list[str]) -> None:
    """Take what the plant now states once (its shared cut or stop, its shared actions) off one line's measure."""
    if shared is not None:
        name = shared[0]
        if name in measure and (name == "stop" or parse_cut(measure["cut"]) == parse_cut(shared[1])):
            measure.pop(name)
    if actions and "actions" in measure:
        rest = [a for a in measure["actions"] if a not in actions]
        if rest:
            measure["actions"] = rest
        else:
            measure.pop("actions")


def _hoisted(own: list[dict[str, dict[str, Any]]], count: int) -> dict[str, dict[str, Any]]:
    """``TableReader.hoist`` on :func:`_row_measures` dicts: the plant's measures, taken off the lines'."""
    plant: dict[str, dict[str, Any]] = {}
    for level, _cut, _actions in _LEVEL_CELLS:
        at_level = [mine.get(level) for mine in own]
        shared = TableReader.shared_cut(at_level, count)  # type: ignore[arg-type]  # plain dicts serve
        actions = _shared_actions(at_level)  # type: ignore[arg-type]
        if shared is None and not actions:
            continue
        m: dict[str, Any] = {}
        if shared is not None:
            m[shared[0]] = shared[1]
        if actions:
            m["actions"] = actions
        plant[level] = m
        for mine in own:
            measure = mine.get(level)
            if measure is None:
                continue
            _take_shared(measure, shared, actions)
            if not measure:
                mine.pop(level)
    return plant


def _quick_measures(raw: dict[str, dict[str, Any]], row: int) -> dict[Level, Measure]:
    """``Builder.measures`` of :func:`_row_measures` dicts, each measure standing at ``row``; a table of
    cuts that weakens as the level rises (E110) -> _Slow."""
    result: dict[Level, Measure] = {}
    previous = -1.0
    for level, m in raw.items():
        actions = m.get("actions")
        measure = Measure(cut=parse_cut(m["cut"]) if "cut" in m else None, stop="stop" in m,
                          actions=tuple(dict.fromkeys(a for a in (a.strip() for a in actions) if a)) if actions
                          else (), line=row)
        if measure.sets_cut:
            if measure.value < previous - 1e-12:
                raise _Slow
            previous = measure.value
        result[_LEVEL_OF[level]] = measure
    return result


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().lower()


_POLLUTANT_OF = tuple((p.value, p) for p in POLLUTANTS)
_MAX_EMISSION = 1e9  # haze.io.lists.build.MAX_EMISSION


def _chain(first: list[Row], rest: Iterator[Row]) -> Iterator[Row]:
    yield from first
    yield from rest


_TEXTUAL = "textual"  # text and enum columns: a string cell is only stripped
_NUMERIC = frozenset({"number", "cut"})


def _plan(columns: list[Column]) -> list[tuple[int, str, str, str]]:
    """(index, key, label, kind) of the columns that carry something, ``kind`` as ``_KIND`` says."""
    plan = []
    for col in columns:
        if col.key:
            kind = _KIND.get(col.key, "text")
            # a phone in text is cleaned as text is (cell() -> phone(): stripped); a phone stored as a number
            # still goes through cell(), which warns that a leading 0 may be lost
            plan.append((col.index, col.key, col.label, _TEXTUAL if kind in ("text", "enum", "phone") else kind))
    return plan


def _put(target: LDict, key: str, value: Any, line: int, column: str | None = None) -> None:
    """Set ``key`` and remember the row (and column) it came from, for findings."""
    target[key] = value
    target.key_lines[key] = line
    if column is not None:
        if target.key_columns is None:
            target.key_columns = {}
        target.key_columns[key] = column


def _ldict(line: int) -> LDict:
    data = LDict()
    data.line = line
    data.key_columns = {}
    return data


def _number_cell(value: Cell) -> Any:
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).strip()
        return None if text.lower() in _PLACEHOLDERS else text
    return value


def _cut_cell(value: Cell) -> Any:
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).strip()
        if text.lower() in _PLACEHOLDERS:
            return None
        return _STOP if text.lower() in STOP_WORDS else text
    return value


def _actions_cell(value: Cell) -> list[str] | None:
    """The sentences of a measures cell: one per line, and a line split again at ``；``/``;``.

    A sentence that holds a ``；``/``;`` itself is written in ASCII double
    quotes, a quote inside doubled (``"停止装卸; 夜间检查"``), as CSV quotes a
    cell: that is how ``export --as-list`` writes it (:func:`action_cell`), so
    the list reads back exactly. A quoted item counts as one only when the
    quotes are needed (:func:`_needs_quotes`): a hand-typed ``"停止装卸"``
    keeps its quotes, and a cell without such an item reads as it always did.
    """
    text = value if isinstance(value, str) else (_integral_text(value) if isinstance(value, float) else str(value))
    if '"' in text:
        items = [a for line in _LINES.split(text.strip()) for a in _split_quoted(line)]
    else:
        items = [a for a in _SPLIT_ACTIONS.split(text.strip()) if a and a.lower() not in _PLACEHOLDERS]
    return list(dict.fromkeys(items)) or None


_LINES = re.compile(r"\r?\n")
_SEPARATORS = re.compile(r"[；;]")
#: a quoted item at the start of what is left of a line: its text, then a separator or the line's end
_QUOTED = re.compile(r'\s*"((?:[^"]|"")*)"\s*(?:[；;]|$)')


def _plain_items(text: str) -> list[str]:
    """Items of a line without quoting: split at ``；``/``;``, trimmed, placeholders (无, /) dropped."""
    return [a for a in (part.strip() for part in _SEPARATORS.split(text)) if a and a.lower() not in _PLACEHOLDERS]


def _quoted_item(text: str) -> str | None:
    """The sentence ``text`` stands for when it is one whole quoted item that needed its quotes, else None."""
    match = _QUOTED.fullmatch(text.strip())
    if match is None or match.group(0).rstrip().endswith((";", "；")):
        return None
    inner = match.group(1).replace('""', '"')
    return inner if _needs_quotes(inner) else None


def _needs_quotes(action: str) -> bool:
    """Whether a sentence written bare in a measures cell would read back as something else."""
    return _plain_items(action) != [action] or _quoted_item(action) is not None


def _split_quoted(line: str) -> list[str]:
    """One line of a measures cell, quoted items (that needed quotes) kept whole."""
    items: list[str] = []
    at = 0
    while at <= len(line):
        match = _QUOTED.match(line, at)
        if match is not None:
            inner = match.group(1).replace('""', '"')
            if _needs_quotes(inner):
                items.append(inner)
                at = match.end()
                if at == len(line) and not match.group(0).rstrip().endswith((";", "；")):
                    break
                continue
        found = _SEPARATORS.search(line, at)
        end = found.start() if found else len(line)
        items += _plain_items(line[at:end])
        at = end + 1
    return items


def action_cell(actions: Iterable[str]) -> str:
    """A measures cell that reads back as exactly ``actions`` (:func:`_actions_cell`): one sentence a line,
    a sentence that would be split or dropped in double quotes."""
    return "\n".join('"' + a.replace('"', '""') + '"' if _needs_quotes(a) else a for a in actions)


def _cut_like(text: str) -> bool:
    return parse_cut(text) is not None


def _emissions(r: _Row) -> LDict:
    data = _ldict(r.number)
    for key in POLLUTANTS_KEYS:
        if key in r.cells:
            _put(data, key, r.cells[key], r.number, r.labels[key])
    return data


def _same(a: Any, b: Any) -> bool:
    def norm(v: Any) -> Any:
        return unicodedata.normalize("NFKC", v).strip().lower() if isinstance(v, str) else v
    return a == b or norm(a) == norm(b)


def _shared_actions(own: list[LDict | None]) -> list[str]:
    if not own or any(m is None or "actions" not in m for m in own):
        return []
    first = own[0]["actions"]  # type: ignore[index]
    return [a for a in first if all(a in m["actions"] for m in own)]  # type: ignore[index]


def _total_word(text: str) -> bool:
    """合计, 总计, 小计, Total… as a clerk types them: ``合 计``, ``合计：`` (a full-width colon), ``TOTAL:``."""
    return _squash(unicodedata.normalize("NFKC", text).strip().lower()) in _TOTAL_WORDS


def _is_total(cells: Sequence[Cell]) -> bool:
    """A 合计/总计 row under the table (no credit code): not an enterprise, never counted."""
    return any(isinstance(c, str) and _total_word(c) for c in cells[:4])


def _total_id(found: dict[str, Any]) -> bool:
    """A 合计 row whose word stands in the credit-code column, as ``export --as-list``'s layout and
    ``export LEVEL``'s own 合计 row put it (column A), with no 企业名称: a totals row, not an enterprise.
    A real enterprise is never one: its code is not a totals word, and a named row is always read."""
    ident = found.get("id")
    return type(ident) is str and "name" not in found and _total_word(ident)


def fact_key(raw: str) -> tuple[str | None, str | None]:
    """A list-sheet key -> (fact, pollutant): ``('baseline', 'so2')`` for SO2全社会排放量 / baseline_so2."""
    from haze.core.model import Pollutant

    for form in header_forms(raw):
        for key, names in FACT_ALIASES.items():
            if form in {_squash(n) for n in names}:
                return key, None
        if any(word in form for word in _BASELINE_WORDS):
            rest = form
            for word in _BASELINE_WORDS + ("全社会", "排放量"):
                rest = rest.replace(word, "")
            p = Pollutant.parse(rest)
            if p is not None:
                return "baseline", p.value
    return None, None


def read_tables(path: str, main: Table, *, sources: Table | None = None, facts: Table | None = None,
                region: str = "", overrides: dict[str, Any] | None = None, to_write: bool = False
                ) -> tuple[EnterpriseList | None, list[Finding]]:
    """Read spreadsheet tables into the model, with every finding located by row and column.

    ``region`` is what the list is called without a region fact (the file's
    stem); ``overrides`` are list facts given on the command line
    (``haze import --authority …``), which win over the sheet's. ``to_write``:
    the list is read to be written as YAML (``haze import``), so a credit code
    Excel stored as a number, which the YAML could not mark as made up, gives
    no list and nothing is written; ``check`` computes on with its E102.
    """
    reader = TableReader(path)
    groups, other = reader.grouped(main, sources)
    if reader.unusable:
        return None, reader.findings
    # What TableReader.document and build() do, one enterprise at a time: each enterprise's rows go
    # straight to the model (TableReader.quick) unless they hold something only the general path
    # reads and reports (then: rows -> document -> builder, as for YAML). Same findings, same order.
    doc = LDict()
    doc.line = 1
    doc["list"] = reader.list_facts(facts, region, overrides or {})
    doc["enterprises"] = groups
    builder = Builder(path)
    info = builder.list_info(doc)
    lost = reader.report_lost(info.strict_ids)

    def read(rows: list[_Row], strict_ids: bool) -> Enterprise | None:
        e = reader.quick(rows, builder, strict_ids) if QUICK else None
        return e if e is not None else builder.enterprise_entry(reader.enterprise(rows), doc, strict_ids)

    enterprises = builder.enterprises(doc, read)
    if other:
        doc["other_sources"] = [reader.source(r) for r in other]
    result = EnterpriseList(info=info, enterprises=enterprises, other_sources=builder.other_sources(doc), path=path)
    found = builder.findings
    # The reader reports a row whose own cut cells weaken (naming the column); the builder finds
    # the same one again from the measures, and also what only it can see, such as a line row's
    # orange weaker than the enterprise row's yellow. Only the repeats are dropped.
    told = {_weakening(f) for f in reader.findings if f.code == "E110"}
    # An enterprise whose code another one's rows also carry (E108) shows emissions beside lines
    # only because the two were read as one: that E107 is the same mistake said again. A code that
    # lost digits as a number has the reader's E102 (or E108): the builder's check character is made up.
    findings = reader.findings + [f for f in found
                                  if (f.code != "E110" or _weakening(f) not in told)
                                  and not (f.code == "E102" and f.enterprise in reader.lossy_ids)
                                  and not (f.code == "E107" and f.enterprise in reader.foreign_ids)]
    if to_write and any(f.is_error for f in lost):
        # Written as YAML, the code would be an ordinary 18-digit one: validate would then ask for a
        # check character that makes a wrong code pass. Not read, so nothing is written (exit 2).
        return None, findings
    return result, findings


def _weakening(f: Finding) -> tuple[int | None, str | None, str | None]:
    """What an E110 is about: its row, enterprise and the level that weakens."""
    return f.line, f.enterprise, f.level


# -- the other way: a list as rows (the layout the reader reads) ----------------------

def list_rows(enterprise_list: EnterpriseList) -> tuple[list[str], list[list[Any]]]:
    """The list as one table in the layout above, Chinese headers; other sources last, with a 类型.

    The cut cells of a line are what it cuts: its own measure's, else the
    enterprise's; actions likewise (the line's, then the enterprise's).
    """
    keys = ["id", "name", "town", "industry", "grade", "zone", "category", "compliant", "status",
            "operating_days", "max_load", "ozone_exempt", "contact_name", "contact_phone", *CAPACITY_COLUMNS, "line",
            "vocs_process", *POLLUTANTS_KEYS,
            *CUT_KEYS, *ACTION_KEYS, "kind"]
    rows: list[list[Any]] = []
    for e in enterprise_list.enterprises:
        head = {
            "id": e.id, "name": e.name, "town": e.town, "industry": e.industry, "grade": e.grade or "unrated",
            "zone": "key" if e.key_zone else "", "category": e.category or "normal", "compliant": "是" if e.compliant else "否",
            "status": e.status.zh, "operating_days": _plain(e.operating_days),
            "max_load": "" if e.max_load is None else _plain(e.max_load), "ozone_exempt": e.ozone_exempt,
            "contact_name": e.contact.name if e.contact else "", "contact_phone": e.contact.phone if e.contact else "",
        }
        if e.capacity is not None:
            head.update({"capacity_eia": e.capacity.eia, "capacity_permit": e.capacity.permit,
                         "capacity_actual": e.capacity.actual, "capacity_unit": e.capacity.unit})
        lines: list[Line | None] = list(e.lines) or [None]  # an idle plant without emissions is still a row
        # Lines with measures of their own: the plant's stand on an own row above them (no line, no
        # emissions), each line row holding only its own, because a cut every line row shows alike
        # would otherwise read back as the plant's (see TableReader.hoist).
        own_row = e.has_lines and any(line.measures for line in e.lines)
        if own_row:
            rows.append([{**head, **_measure_cells(e.measures, {})}.get(k, "") for k in keys])
        for line in lines:
            row = dict(head)
            if line is not None:
                if e.has_lines:
                    row["line"] = line.name
                elif not line.emissions:  # ``emissions: {}``: a 0, since an empty row means "not given"
                    row[POLLUTANTS_KEYS[0]] = 0
                row.update({p.value: _plain(v) for p, v in line.emissions.items()})
                if line.vocs_process is not None:
                    row["vocs_process"] = "是" if line.vocs_process else "否"
            row.update(_measure_cells(line.measures if line else {}, {} if own_row else e.measures))
            rows.append([row.get(k, "") for k in keys])
    for s in enterprise_list.other_sources:
        row = {"name": s.name, "kind": s.kind or "other"}
        row.update({p.value: _plain(v) for p, v in s.emissions.items()})
        row.update(_measure_cells(s.measures, {}))
        rows.append([row.get(k, "") for k in keys])
    return [LIST_HEADERS.get(k, HEADERS_ZH[k]) for k in keys], [[("" if v is None else v) for v in row] for row in rows]


#: the headers ``export --as-list`` writes where they differ from :data:`HEADERS_ZH`: the emissions with
#: their unit, for the clerk who edits the sheet (:func:`header_forms` reads ``（吨/年）`` off again)
LIST_HEADERS = {key: f"{HEADERS_ZH[key]}（吨/年）" for key in POLLUTANTS_KEYS}


def list_fact_rows(enterprise_list: EnterpriseList) -> list[list[Any]]:
    """The list facts as the key/value rows of a 清单信息 sheet."""
    info = enterprise_list.info
    rows: list[list[Any]] = [["项目", "内容"], ["地区", info.region], ["发布单位", info.authority]]
    for name, value in (("秋冬季", info.season), ("政策", info.policy), ("文号前缀", info.doc_prefix)):
        if value:
            rows.append([name, value])
    for p, amount in (info.baseline or {}).items():
        rows.append([f"{p.label.replace('₂', '2')}全社会排放量", _plain(amount)])
    if not info.strict_ids:
        rows.append(["严格校验信用代码", "否"])
    if info.contact is not None:
        rows += [["值班联系人", info.contact.name], ["值班电话", info.contact.phone]]
    return rows


def _measure_cells(own: dict, plant: dict) -> dict[str, Any]:
    cells: dict[str, Any] = {}
    for level in LEVELS:
        chain = [m for m in (own.get(level), plant.get(level)) if m is not None]
        setter = next((m for m in chain if m.sets_cut), None)
        if setter is not None:
            cells[CUT_COLUMNS[level]] = "停产" if setter.stop else _plain(setter.cut)
        actions = list(dict.fromkeys(a for m in chain for a in m.actions))
        if actions:
            cells[ACTION_COLUMNS[level]] = action_cell(actions)
    return cells


def _plain(value: float | None) -> Any:
    if value is None:
        return ""
    return int(value) if float(value).is_integer() and abs(value) < 1e15 else value
