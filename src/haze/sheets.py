"""Spreadsheets in and out (SPEC §9): ``haze import`` and ``haze export`` without the terminal.

- :func:`import_list` reads a CSV or XLSX list and writes it as the readable
  YAML of SPEC §2, after checking that the YAML reads back to the same list.
- :func:`export_level` writes a level's per-enterprise results for reporting
  upward: one row per production line (so a reviewer can filter, pivot and
  sum in Excel), a totals row, and the per-pollutant requirement table.

Every file is written whole to a hidden temporary file beside the target and
moved into place, so a reader never sees half a file.
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from haze.engine import IDLE, EnterpriseResult, LevelResult, LineResult, SourceResult
from haze.errors import HazeError, ListError, UsageError
from haze.findings import Finding, as_warnings, finding
from haze.model import LEVELS, POLLUTANTS, Category, Enterprise, EnterpriseList, Line, Measure, OtherSource

LIST_SUFFIXES = (".yaml", ".yml")
EXPORT_SUFFIXES = (".xlsx", ".csv")

# -- writing files ----------------------------------------------------------------


def write_atomic(out: Path, data: bytes, *, force: bool = True) -> None:
    """Write ``data`` to ``out`` through a hidden temporary file beside it.

    Without ``force`` an existing ``out`` is never replaced: the final step is
    a hard link, which fails if the file appeared meanwhile.
    """
    import tempfile

    temp: Path | None = None
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
        temp = Path(name)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if force:
            os.replace(temp, out)
        elif not _link_new(temp, out):
            raise UsageError(f"{out}: already exists; pass --force to overwrite it")
    except OSError as exc:
        raise HazeError(f"{out}: cannot write: {exc.strerror or exc}") from None
    finally:
        if temp is not None:
            temp.unlink(missing_ok=True)


def _link_new(temp: Path, out: Path) -> bool:
    """Put ``temp`` at ``out`` unless ``out`` exists; False if it does."""
    try:
        os.link(temp, out)
    except FileExistsError:
        return False
    except OSError:  # no hard links on this file system: check, then move
        if out.exists():
            return False
        os.replace(temp, out)
    return True


# -- the list as YAML (SPEC §2) -------------------------------------------------------

class _Flow(dict):
    """Written on one line, as SPEC §2 writes emissions, contacts, capacity and measures."""


def _num(value: float) -> int | float:
    return int(value) if float(value).is_integer() and abs(value) < 1e15 else value


def _emissions(values: dict) -> _Flow:
    return _Flow((p.value, _num(values[p])) for p in POLLUTANTS if p in values)


def _measures(table: dict) -> dict[str, _Flow]:
    result = {}
    for level in LEVELS:
        m: Measure | None = table.get(level)
        if m is None:
            continue
        data = _Flow()
        if m.cut is not None:
            data["cut"] = _num(m.cut)
        if m.stop:
            data["stop"] = True
        if m.actions:
            data["actions"] = list(m.actions)
        result[level.value] = data
    return result


def _enterprise_doc(e: Enterprise) -> dict[str, Any]:
    doc: dict[str, Any] = {"id": e.id, "name": e.name}
    optional = (("town", e.town), ("industry", e.industry))
    doc.update((k, v) for k, v in optional if v)
    doc["grade"] = e.grade.value
    if e.key_zone:
        doc["zone"] = "key"
    if e.category is not Category.NORMAL:
        doc["category"] = e.category.value
    if not e.compliant:
        doc["compliant"] = False
    if not e.operating:
        doc["status"] = e.status.value
    if e.operating_days != 365:
        doc["operating_days"] = _num(e.operating_days)
    if e.contact is not None:
        doc["contact"] = _Flow((k, v) for k, v in (("name", e.contact.name), ("phone", e.contact.phone)) if v)
    if e.capacity is not None:
        cap = e.capacity
        doc["capacity"] = _Flow((k, _num(v)) for k, v in (("eia", cap.eia), ("permit", cap.permit),
                                                           ("actual", cap.actual)) if v is not None)
        if cap.unit:
            doc["capacity"]["unit"] = cap.unit
    if e.has_lines:
        doc["lines"] = [_line_doc(line) for line in e.lines]
    elif e.lines:
        doc["emissions"] = _emissions(e.lines[0].emissions)
    if e.measures:
        doc["measures"] = _measures(e.measures)
    return doc


def _line_doc(line: Line) -> dict[str, Any]:
    doc: dict[str, Any] = {"name": line.name, "emissions": _emissions(line.emissions)}
    if line.measures:
        doc["measures"] = _measures(line.measures)
    return doc


def _source_doc(s: OtherSource) -> dict[str, Any]:
    doc: dict[str, Any] = {"name": s.name}
    if s.kind:
        doc["kind"] = s.kind
    doc["emissions"] = _emissions(s.emissions)
    if s.measures:
        doc["measures"] = _measures(s.measures)
    return doc


def list_document(lst: EnterpriseList) -> dict[str, Any]:
    """The list as the plain document of SPEC §2, keys in the SPEC's order, defaults left out."""
    info = lst.info
    head: dict[str, Any] = {"region": info.region, "authority": info.authority}
    head.update((k, v) for k, v in (("season", info.season), ("policy", info.policy),
                                    ("doc_prefix", info.doc_prefix)) if v)
    if info.baseline:
        head["baseline"] = {p.value: _num(info.baseline[p]) for p in POLLUTANTS if p in info.baseline}
    if not info.strict_ids:
        head["strict_ids"] = False
    doc: dict[str, Any] = {"list": head, "enterprises": [_enterprise_doc(e) for e in lst.enterprises]}
    if lst.other_sources:
        doc["other_sources"] = [_source_doc(s) for s in lst.other_sources]
    return doc


def list_yaml(lst: EnterpriseList, comment: str = "") -> str:
    """YAML text that haze reads back to the same list: Chinese as Chinese, one enterprise after another."""
    import yaml

    from haze.lists.yamlread import _Resolver  # how haze reads plain scalars (YAML 1.2-like)

    ours = _Resolver()

    class Dumper(yaml.SafeDumper):
        def ignore_aliases(self, data: Any) -> bool:  # a repeated action list is written out, not &id001
            return True

        def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
            super().increase_indent(flow, False)  # "  - id:" under "enterprises:", as SPEC §2 writes it

    def text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
        # PyYAML quotes what YAML 1.1 would misread (true, 0356, 2024-12-01…);
        # also quote what haze's own reader would (1e5).
        plain = ours.resolve(yaml.ScalarNode, value, (True, False)) == "tag:yaml.org,2002:str"
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=None if plain else '"')

    def flow(dumper: yaml.SafeDumper, value: _Flow) -> yaml.MappingNode:
        return dumper.represent_mapping("tag:yaml.org,2002:map", value, flow_style=True)

    Dumper.add_representer(str, text)
    Dumper.add_representer(_Flow, flow)
    body = yaml.dump(list_document(lst), Dumper=Dumper, allow_unicode=True, sort_keys=False,
                     default_flow_style=False, width=100_000, indent=2)
    head = "".join(f"# {line}".rstrip() + "\n" for line in comment.splitlines())
    return head + body


def same_list(a: EnterpriseList, b: EnterpriseList) -> bool:
    """The same list, wherever its parts stand in their files (rows vs YAML lines)."""
    def shape(lst: EnterpriseList) -> tuple:
        return (lst.info,
                [replace(e, line=0, lines=[replace(x, line=0) for x in e.lines]) for e in lst.enterprises],
                [replace(s, line=0) for s in lst.other_sources])
    return shape(a) == shape(b)


# -- import ------------------------------------------------------------------------------

@dataclass
class Imported:
    """What ``haze import`` did: the list read, where it went, what to tell the user."""

    imported: EnterpriseList
    output: Path
    warnings: list[Finding] = field(default_factory=list)

    def to_json(self) -> dict:
        lst = self.imported
        return {
            "ok": True,
            "source": lst.path,
            "output": str(self.output),
            "region": lst.info.region,
            "enterprises": len(lst.enterprises),
            "lines": sum(len(e.lines) for e in lst.enterprises if e.has_lines),
            "other_sources": len(lst.other_sources),
            "warnings": [f.to_json() for f in self.warnings],
        }


def import_list(source: str | Path, output: str | Path, facts: dict[str, str | None] | None = None, *,
                force: bool = False) -> Imported:
    """Read a CSV or XLSX list and write it as YAML. ``facts`` (region, authority…) win over the file's.

    Raises :class:`ListError` (nothing written) for blocking findings, and
    :class:`UsageError` when the list has no authority or the output exists.
    """
    from haze.lists import list_format, parse_list
    from haze.lists.table import NO_AUTHORITY

    source, output = Path(source), Path(output)
    kind = list_format(source)
    if kind not in ("csv", "xlsx"):
        raise UsageError(f"{source}: import reads .csv and .xlsx lists (a YAML list needs no import)")
    if output.suffix.lower() not in LIST_SUFFIXES:
        raise UsageError(f"{output}: the imported list is YAML: name it .yaml or .yml")
    if output.exists() and not force:
        raise UsageError(f"{output}: already exists; pass --force to overwrite it")
    lst, findings = _read_sheet(source, kind, {k: v for k, v in (facts or {}).items() if v})
    blocking = [f for f in findings if f.blocking and f.is_error]
    if lst is None or blocking:
        errors = blocking or [f for f in findings if f.is_error]
        raise ListError(f"{source}: cannot import ({len(errors)} error{'s' if len(errors) != 1 else ''}); "
                        "nothing written", errors)
    if lst.info.authority == NO_AUTHORITY:
        raise UsageError(f"{source}: no authority (发布单位) for the notices: pass --authority "
                         f"(e.g. --authority {lst.info.region}生态环境局) or add it to a 清单信息 sheet; nothing written")
    text = list_yaml(lst, f"{lst.info.region} 应急减排清单 — imported by `haze import` from {source.name}\n"
                          f"sha256 of {source.name}: {lst.sha256}")
    again = parse_list(text.encode("utf-8"), str(output), "yaml")
    if again.list is None or again.blocking or not same_list(lst, again.list):
        raise RuntimeError(f"the YAML written for {source} does not read back to the same list; nothing written")
    write_atomic(output, text.encode("utf-8"), force=force)
    return Imported(lst, output, as_warnings(findings))


def _read_sheet(source: Path, kind: str, facts: dict[str, str]) -> tuple[EnterpriseList | None, list[Finding]]:
    import hashlib

    try:
        data = source.read_bytes()
    except FileNotFoundError:
        return None, [finding("E001", "no such file", str(source))]
    except OSError as exc:
        return None, [finding("E001", f"cannot read: {exc.strerror or exc}", str(source))]
    if kind == "csv":
        from haze.lists.csvread import read_csv as reader
    else:
        from haze.lists.xlsxread import read_xlsx as reader
    lst, findings = reader(data, str(source), overrides=facts)
    if lst is not None:
        lst.sha256 = hashlib.sha256(data).hexdigest()
    return lst, sorted(findings, key=lambda f: f.line or 0)


# -- export -------------------------------------------------------------------------------

REASONS_ZH = {"level": "执行本级措施", "noncompliant": "未达标排放，停产整治", "idle": "已停产，不计减排"}
SOURCES_ZH = {
    "line": "一厂一策（生产线）", "enterprise": "一厂一策（企业）", "category": "保障类", "industry": "行业绩效分级",
    "grade": "绩效分级", "noncompliant": "停产整治", "idle": "已停产", None: "无",
}
KINDS_ZH = {"dust": "扬尘源", "mobile": "移动源", "residential": "民用源", "agriculture": "农业源"}
WHOLE_PLANT = "（全厂）"
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


def _reason(r: EnterpriseResult, declared: Any) -> str:
    if r.reason == "zone":
        return f"重点区域加严（{declared.zh}→{r.effective_level.zh}）"
    return REASONS_ZH.get(r.reason, r.reason)


def _cut_words(r: EnterpriseResult, line: LineResult) -> str:
    if r.reason == IDLE:
        return "—"
    if line.cut >= 1.0:
        return "停产"
    if line.cut > 0:
        return f"限产{line.cut * 100:g}%"
    if r.enterprise.grade.self_managed:
        return "自主减排"
    if r.enterprise.category is Category.GUARANTEE:
        return "保障类（以热定产/以量定产）"
    return "不限产"


def _enterprise_rows(r: EnterpriseResult, result: LevelResult) -> list[list[Any]]:
    e = r.enterprise
    cap = "" if r.cap is None else f"{r.cap.cap:g} {r.cap.unit}".strip()
    head = [e.id, e.name, e.town, result.policy.industry_label(e.industry), e.grade.zh,
            f"{r.effective_level.zh}（{r.effective_level.response}）", _reason(r, result.level)]
    rows = []
    for line in r.lines or [LineResult(WHOLE_PLANT, 0.0, r.reason if r.reason == IDLE else None, {})]:
        name = line.name if e.has_lines else WHOLE_PLANT
        rows.append([*head, name, line.cut, _cut_words(r, line), SOURCES_ZH.get(line.source, line.source),
                     *(line.daily.get(p, 0.0) * line.cut for p in POLLUTANTS), "；".join(r.actions), cap])
    return rows


def _source_row(s: SourceResult) -> list[Any]:
    words = "停产" if s.cut >= 1 else (f"限产{s.cut * 100:g}%" if s.cut > 0 else "无")
    kind = KINDS_ZH.get(s.source.kind, s.source.kind)
    return ["", s.source.name, "", kind, "", "", "其他排放源", "", s.cut, words, "其他排放源措施",
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


def info_rows(result: LevelResult, lst: EnterpriseList, now: datetime | None = None) -> list[list[Any]]:
    """The facts a reviewer needs to trust the numbers: which list, policy and level, when."""
    from haze import __version__
    from haze.timeparse import SHANGHAI, format_zh

    failing = "、".join(p.zh for p in result.failing)
    verdict = "达标" if result.ok else f"未达标：{failing}"
    basis = "全社会排放量" if result.basis == "baseline" else "清单排放量合计（清单未给出全社会排放量）"
    return [
        ["地区", lst.info.region], ["发布单位", lst.info.authority], ["预警级别", level_label(result)],
        ["政策", f"{result.policy.name} {result.policy.title}".strip()], ["结论", verdict], ["基准", basis],
        ["清单文件", lst.path], ["清单SHA-256", lst.sha256],
        ["生成时间", format_zh(now or datetime.now(SHANGHAI))], ["生成工具", f"haze {__version__}"],
    ]


@dataclass
class Exported:
    result: LevelResult
    files: list[Path]
    rows: int

    def to_json(self) -> dict:
        return {"level": self.result.level.value, "ok": self.result.ok, "files": [str(f) for f in self.files],
                "rows": self.rows, "enterprises": len(self.result.enterprises)}


def export_level(result: LevelResult, lst: EnterpriseList, output: str | Path) -> Exported:
    """Write ``result`` as ``.xlsx`` (three sheets) or ``.csv`` (plus ``<name>-requirement.csv``)."""
    output = Path(output)
    suffix = output.suffix.lower()
    if suffix not in EXPORT_SUFFIXES:
        raise UsageError(f"{output}: export writes .xlsx or .csv; name the file so")
    rows = result_rows(result)
    if suffix == ".xlsx":
        write_atomic(output, _xlsx(result, lst, rows))
        return Exported(result, [output], len(rows) - 1)
    second = requirement_csv_path(output)
    first_data = _csv([list(RESULT_HEADERS), *rows])
    second_data = _csv([["预警级别", "政策", *REQUIREMENT_HEADERS],
                        *([result.level.value, result.policy.name, *row] for row in requirement_rows(result))])
    write_atomic(output, first_data)
    write_atomic(second, second_data)
    return Exported(result, [output, second], len(rows) - 1)


def requirement_csv_path(output: Path) -> Path:
    return output.with_name(f"{output.stem}-requirement.csv")


def _csv(rows: list[list[Any]]) -> bytes:
    """UTF-8 with a BOM and CRLF: what Excel opens as Chinese text without asking."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def _xlsx(result: LevelResult, lst: EnterpriseList, rows: list[list[Any]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font

    book = Workbook(write_only=True)
    bold = Font(bold=True)

    def sheet(title: str, headers: tuple[str, ...] | list[str], body: list[list[Any]],
              formats: dict[int, str], widths: dict[int, int]) -> None:
        ws = book.create_sheet(title)
        ws.freeze_panes = "A2"
        for index, width in widths.items():
            ws.column_dimensions[_letter(index)].width = width
        cells = []
        for h in headers:
            cell = WriteOnlyCell(ws, h)
            cell.font = bold
            cell.alignment = Alignment(wrap_text=True, vertical="center")
            cells.append(cell)
        ws.append(cells)
        last = len(body)
        for n, row in enumerate(body, 1):
            out = []
            for i, value in enumerate(row):
                cell = WriteOnlyCell(ws, value)
                if i in formats and isinstance(value, (int, float)):
                    cell.number_format = formats[i]
                if n == last and title == RESULT_SHEET:
                    cell.font = bold
                out.append(cell)
            ws.append(out)
        ws.auto_filter.ref = f"A1:{_letter(len(headers) - 1)}{len(body) + 1}"

    tonnes = "0.0000"
    sheet(RESULT_SHEET, RESULT_HEADERS, rows,
          {_CUT_COLUMN: "0%", **{_FIRST_TONNES + i: tonnes for i in range(len(POLLUTANTS))}},
          {0: 21, 1: 30, 7: 16, 9: 12, 10: 16, **{_FIRST_TONNES + i: 14 for i in range(len(POLLUTANTS))},
           len(RESULT_HEADERS) - 2: 40, len(RESULT_HEADERS) - 1: 16})
    sheet(REQUIREMENT_SHEET, REQUIREMENT_HEADERS, requirement_rows(result),
          {1: tonnes, 3: tonnes, 4: "0.00%", 5: "0%", 6: tonnes}, {0: 22, 1: 16, 2: 16, 3: 14, 6: 12, 7: 16})
    sheet(INFO_SHEET, ("项目", "内容"), info_rows(result, lst), {}, {0: 14, 1: 70})
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


RESULT_SHEET = "企业减排明细"
REQUIREMENT_SHEET = "减排要求"
INFO_SHEET = "说明"


def _letter(index: int) -> str:
    from haze.lists.table import column_letter

    return column_letter(index)
