"""XLSX lists (SPEC §9): workbooks made here with openpyxl, as a bureau's Excel file would be.

Covers the list-facts sheet (and its absence), sheet choice, cells Excel
stores as numbers, dates or uncalculated formulas, merged two-row headers,
damaged files, and the county list read from a workbook computing exactly
as its YAML does.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from conftest import COUNTY
from haze.core.engine import compute
from haze.io.lists import read_list
from haze.io.lists.table import NO_AUTHORITY, list_fact_rows, list_rows
from haze.core.model import LEVELS, Level, Pollutant
from haze.core.policy import load_policy
from haze.render.report import level_json

A = "91140525MA0KAY4C6U"
B = "91140525MA0KH3BJ1D"
SHANXI = load_policy("shanxi-2024")
HEAD = ["企业名称", "统一社会信用代码", "绩效等级", "生产线", "SO2", "NOx", "PM", "VOCs", "联系人", "联系电话"]
BODY = [
    ["示例县东方铸造有限公司", A, "B", None, 100, 200, 300, 100, "王建国", "0356-2000101"],
    ["示例县南山焦化有限公司", B, "C", "1#焦炉", 300, 500, 100, 100, "张志刚", 13903561234],
]


def workbook(path: str, sheets: dict[str, list[list[Any]]]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        ws = book.create_sheet(title)
        for row in rows:
            ws.append(row)
    book.save(path)
    return Path(path)


FACTS = [["项目", "内容"], ["地区", "示例县"], ["发布单位", "示例县生态环境局"], ["秋冬季", "2025-2026秋冬季"],
         ["文号前缀", "示环应急"], ["SO2全社会排放量", 1000], ["baseline_nox", "1,250"], ["全社会颗粒物排放量", 1000],
         ["挥发性有机物全社会排放量", 1000]]


def test_list_sheet_gives_region_authority_and_baseline() -> None:
    path = workbook("清单.xlsx", {"企业": [HEAD, *BODY], "清单信息": FACTS})
    report = read_list(path)
    assert report.findings == [] or all(not f.is_error for f in report.findings)
    info = report.enterprise_list.info
    assert (info.region, info.authority, info.season, info.doc_prefix) == ("示例县", "示例县生态环境局",
                                                                           "2025-2026秋冬季", "示环应急")
    assert info.baseline == {Pollutant.SO2: 1000, Pollutant.NOX: 1250, Pollutant.PM: 1000, Pollutant.VOCS: 1000}
    result = compute(report.enterprise_list, SHANXI, Level.ORANGE)
    assert result.basis == "baseline"
    # B: 0.2 × 100 t/a SO2; C 1#焦炉: 0.5 × 300 → (20 + 150) / 1000 of the baseline
    assert result.pollutants[Pollutant.SO2].ratio == pytest.approx(0.17)


def test_without_list_facts_region_is_the_stem_and_basis_listed() -> None:
    path = workbook("示例县清单.xlsx", {"Sheet1": [HEAD, *BODY]})
    report = read_list(path)
    info = report.enterprise_list.info
    assert info.region == "示例县清单"
    assert info.authority == NO_AUTHORITY
    [warning] = [f for f in report.findings if "authority" in f.message]
    assert not warning.is_error and "--authority" in warning.message
    assert compute(report.enterprise_list, SHANXI, Level.YELLOW).basis == "listed"


def test_the_enterprises_sheet_is_found_by_name_or_as_the_first_other_sheet() -> None:
    named = workbook("a.xlsx", {"说明": [["填表说明"]], "清单信息": FACTS, "企业清单": [HEAD, *BODY]})
    assert [e.id for e in read_list(named).enterprise_list.enterprises] == [A, B]
    first = workbook("b.xlsx", {"清单信息": FACTS, "Sheet2": [HEAD, *BODY]})
    assert [e.id for e in read_list(first).enterprise_list.enterprises] == [A, B]


def test_other_sources_sheet() -> None:
    sources = [["名称", "类型", "颗粒物", "黄色预警限产比例", "红色预警限产比例", "红色预警减排措施"],
               ["建筑工地扬尘", "dust", 900, 0.3, "停产", "所有建筑工地停止室外施工"]]
    path = workbook("c.xlsx", {"企业清单": [HEAD, *BODY], "其他排放源": sources})
    report = read_list(path)
    assert report.blocking == []
    [s] = report.enterprise_list.other_sources
    assert (s.name, s.kind, s.emissions[Pollutant.PM]) == ("建筑工地扬尘", "dust", 900)
    assert s.measures[Level.RED].stop and s.measures[Level.RED].actions == ("所有建筑工地停止室外施工",)


def test_an_empty_other_sources_sheet_is_fine() -> None:
    path = workbook("d.xlsx", {"企业清单": [HEAD, *BODY], "其他排放源": []})
    report = read_list(path)
    assert report.blocking == [] and report.enterprise_list.other_sources == []


def test_numbers_excel_made_of_codes_and_phones() -> None:
    rows = [HEAD,
            ["示例县东方铸造有限公司", 9.114052517658199e17, "B", None, 1, 0, 0, 0, "王建国", 3562000101],
            ["示例县南山焦化有限公司", B, "C", 1, 1, 0, 0, 0, "张志刚", 13903561234.0]]
    report = read_list(workbook("e.xlsx", {"Sheet1": rows}))
    [code] = [f for f in report.findings if f.code == "E102"]
    assert (code.line, code.column) == (2, "B 统一社会信用代码")
    assert "stored as a number" in code.message and "15 digits" in code.message
    [phone] = [f for f in report.findings if f.code == "W308"]
    assert (phone.line, phone.column) == (2, "J 联系电话") and "leading 0" in phone.message
    first, second = report.enterprise_list.enterprises
    assert first.contact.phone == "3562000101"
    assert second.contact.phone == "13903561234"
    assert second.lines[0].name == "1"  # a line named by a number is still a name
    assert report.blocking == []  # neither stops an emergency


def test_a_bad_cell_names_row_and_column_letter() -> None:
    rows = [HEAD, BODY[0], ["示例县南山焦化有限公司", B, "E级", "1#焦炉", 300, "很多", 100, 100, "张志刚", "13903561234"]]
    from haze.commands.validate import validate_list

    lines = [f.format() for f in validate_list(workbook("f.xlsx", {"Sheet1": rows}), cache=False).findings]
    # grades are the policy's (SPEC §19): found once it is chosen, still at the cell's row and column
    assert any(line.startswith("f.xlsx:3: error E104 [C 绩效等级] unknown grade 'E级'; policy shanxi-2024 knows A (")
               for line in lines)
    assert any(line.startswith("f.xlsx:3: error E101 [F NOx] emission of nox must be a number") for line in lines)


def test_list_sheet_problems_name_the_sheet() -> None:
    facts = [["地区", "示例县"], ["发布单位", "示例县生态环境局"], ["联系人", "张三"], ["SO2全社会排放量", "很多"]]
    report = read_list(workbook("g.xlsx", {"Sheet1": [HEAD, *BODY], "list": facts}))
    by_code = {f.code: f for f in report.findings}
    assert by_code["W307"].line == 3 and by_code["W307"].column == "list!A 联系人"
    assert by_code["E101"].line == 4 and by_code["E101"].column == "list!B SO2全社会排放量"


def test_two_row_header_with_merged_group_titles() -> None:
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["示例县重污染天气应急减排清单"])
    ws.append(["序号", "企业名称", "统一社会信用代码", "绩效等级", "排放量（吨/年）", None, "限产比例", None, None])
    ws.append([None, None, None, None, "SO2", "PM", "黄色", "橙色", "红色"])
    ws.append([1, "示例县东方铸造有限公司", A, "B", 100, 300, 0.1, 0.2, "停产"])
    ws.merge_cells("A1:I1")
    ws.merge_cells("E2:F2")
    ws.merge_cells("G2:I2")
    ws.merge_cells("B2:B3")
    book.save("h.xlsx")
    report = read_list(Path("h.xlsx"))
    assert [f.code for f in report.findings if f.is_error] == []
    assert not [f for f in report.findings if f.code == "W307"]  # 排放量/限产比例 are group titles, filled below
    e = report.enterprise_list.enterprises[0]
    assert e.line == 4
    assert e.lines[0].emissions == {Pollutant.SO2: 100, Pollutant.PM: 300}
    assert (e.measures[Level.YELLOW].cut, e.measures[Level.ORANGE].cut, e.measures[Level.RED].stop) == (0.1, 0.2, True)


def test_a_formula_without_a_saved_value_is_an_error_not_a_zero() -> None:
    rows = [HEAD, BODY[0], ["示例县南山焦化有限公司", B, "C", "1#焦炉", "=100*3", 500, 100, 100, "张志刚", "13903561234"],
            ["合计", None, None, None, "=SUM(E2:E3)"]]
    report = read_list(workbook("i.xlsx", {"Sheet1": rows}))
    [f] = [f for f in report.findings if f.code == "E101"]
    assert (f.line, f.column) == (3, "E SO2") and "formula" in f.message
    assert report.blocking


def test_dates_excel_made_are_read_as_text_with_a_warning() -> None:
    import datetime

    rows = [HEAD, ["示例县东方铸造有限公司", A, "B", datetime.datetime(2025, 1, 2), 1, 0, 0, 0, "王建国", "0356-2000101"]]
    report = read_list(workbook("j.xlsx", {"Sheet1": rows}))
    [f] = [f for f in report.findings if f.code == "W308"]
    assert (f.line, f.column) == (2, "D 生产线")
    assert report.enterprise_list.enterprises[0].lines[0].name == "2025-01-02"


@pytest.mark.parametrize("data, words", [
    (b"not a zip at all", "not an .xlsx workbook"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, ".xls"),
])
def test_a_file_that_is_not_a_workbook_is_one_error(data: bytes, words: str) -> None:
    Path("k.xlsx").write_bytes(data)
    report = read_list(Path("k.xlsx"))
    assert report.enterprise_list is None
    assert [f.code for f in report.findings] == ["E001"]
    assert words in report.findings[0].message


def test_a_corrupt_workbook_is_one_error_line(run) -> None:
    with zipfile.ZipFile("l.xlsx", "w") as z:  # a zip, but not a workbook inside
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<broken")
    result = run("check", "orange", "--list", "l.xlsx")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "l.xlsx" in result.stderr and "cannot open the workbook" in result.stderr
    assert len(result.stderr.strip().splitlines()) <= 2
    assert "Traceback" not in result.stderr


def test_a_truncated_workbook_is_one_error() -> None:
    workbook("m.xlsx", {"Sheet1": [HEAD, *BODY]})
    data = Path("m.xlsx").read_bytes()
    Path("m.xlsx").write_bytes(data[: len(data) // 2])
    report = read_list(Path("m.xlsx"))
    assert report.enterprise_list is None and [f.code for f in report.findings] == ["E001"]


# -- the county list as a workbook ----------------------------------------------------

def county_workbook(path: str) -> Path:
    enterprise_list = read_list(COUNTY).enterprise_list
    headers, rows = list_rows(enterprise_list)
    return workbook(path, {"企业清单": [headers, *rows], "清单信息": list_fact_rows(enterprise_list)})


def without_sources(data: dict) -> dict:
    """``source`` names where a cut was written: a sheet has no plant-level cell for a line's cut."""
    for e in data["enterprises"]:
        for line in e["lines"]:
            line.pop("source")
    data.pop("list")
    return data


def test_county_workbook_computes_exactly_as_the_yaml_at_every_level() -> None:
    original = read_list(COUNTY).enterprise_list
    report = read_list(county_workbook("county.xlsx"))
    assert report.blocking == []
    assert [f.code for f in report.findings] == [f.code for f in read_list(COUNTY).findings]
    for level in LEVELS:
        a, b = compute(original, SHANXI, level), compute(report.enterprise_list, SHANXI, level)
        for p in Pollutant:
            assert b.pollutants[p].reduction == pytest.approx(a.pollutants[p].reduction, abs=1e-12)
            assert b.pollutants[p].baseline == pytest.approx(a.pollutants[p].baseline, abs=1e-12)
        for ea, eb in zip(a.enterprises, b.enterprises):
            assert [line.cut for line in eb.lines] == [line.cut for line in ea.lines]
            assert eb.actions == ea.actions
            for p in Pollutant:
                assert eb.reduction[p] == pytest.approx(ea.reduction[p], abs=1e-12)
        assert without_sources(level_json(b, report.enterprise_list)) == without_sources(level_json(a, original))


def test_county_workbook_check_json_equals_the_yamls(run) -> None:
    county_workbook("county.xlsx")
    for level in ("yellow", "orange", "red"):
        a = json.loads(run("check", level, "--list", COUNTY, "--json").stdout)
        b = json.loads(run("check", level, "--list", "county.xlsx", "--json").stdout)
        # Only one enterprise writes the same line cut on both its lines; the sheet cannot tell
        # that from a plant cut, so there (and only there) the source reads "enterprise".
        differ = {ea["name"] for ea, eb in zip(a["enterprises"], b["enterprises"])
                  if [x["source"] for x in ea["lines"]] != [x["source"] for x in eb["lines"]]}
        assert differ <= {"示例县彩虹包装印刷有限公司"}
        assert without_sources(a) == without_sources(b)


def test_a_first_data_row_is_never_taken_for_a_sub_header() -> None:
    # "黄色" under an unknown column would look like a sub-header; the row has a name and code, so it is data.
    rows = [["企业名称", "统一社会信用代码", "绩效等级", "SO2", "颜色标记"],
            ["示例县东方铸造有限公司", A, "B", 100, "黄色"],
            ["示例县南山焦化有限公司", B, "C", 300, None]]
    report = read_list(workbook("n.xlsx", {"Sheet1": rows}))
    assert [e.id for e in report.enterprise_list.enterprises] == [A, B]
