"""A list exported with ``export --as-list``, edited by a clerk in Excel, and handed back (QA of issue 16).

- a credit code typed as a number on one row of a plant with several lines
  must never make a second enterprise: ``check``, ``validate`` and ``import``
  refuse it alike (E108 at the cell), nothing is written;
- any action text comes back exactly, ``；``/``;`` and quotes included, through
  XLSX and CSV (Hypothesis), while a hand-typed ``；``-separated cell reads as it
  always did;
- the workbook is made for editing: credit codes and phones formatted as text
  (``@``, also for new rows), columns wide enough for their headers, the
  emission headers with their unit, which ``haze import`` reads back.
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import COUNTY
from haze.core.model import Level
from haze.io.lists import parse_list, read_list
from haze.io.lists.table import _actions_cell, action_cell, column_key
from haze.io.lists.yamlwrite import list_yaml, same_list
from haze.render.sheets import write_list

PLANT = "911405251765819881"  # the county list's coking plant: an all-digit code, four rows in the export


def export(run, name: str) -> Path:
    assert run("export", "--as-list", "--list", str(COUNTY), "-o", name).exit_code == 0
    return Path(name)


def plant_rows(ws) -> list[int]:
    return [r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == PLANT]


# -- 1. a credit code stored as a number ------------------------------------------------------

@pytest.mark.parametrize("typed", [int(PLANT), float(PLANT), 911405251765819000])  # as openpyxl, Excel keep it
def test_a_code_typed_as_a_number_on_one_line_of_a_plant_is_refused_not_split(run, typed) -> None:
    book = openpyxl.load_workbook(export(run, "t.xlsx"))
    ws = book["企业清单"]
    own, second, *_rest = plant_rows(ws)
    ws.cell(second, 1).value = typed
    book.save("number1.xlsx")

    imported = run("import", "number1.xlsx", "-o", "x.yaml")
    assert imported.exit_code == 2 and not Path("x.yaml").exists()
    line = next(x for x in imported.stderr.splitlines() if " E108 " in x)
    assert line.startswith(f"number1.xlsx:{second}: error E108 [A 统一社会信用代码] credit code ")
    assert "stored as a number" in line and PLANT in line and f"(row {own})" in line and "文本" in line
    assert "E102" not in imported.stderr  # one line for the one problem
    assert "nothing written" in imported.stderr

    checked = run("check", "orange", "--list", "number1.xlsx")
    assert checked.exit_code == 2 and line in checked.stderr
    validated = run("validate", "number1.xlsx", "--json")
    assert validated.exit_code == 1
    [found] = [f for f in json.loads(validated.stdout)["files"][0]["findings"] if f["severity"] == "error"]
    assert (found["code"], found["line"], found["column"]) == ("E108", second, "A 统一社会信用代码")


def test_every_row_of_the_plant_typed_as_a_number_is_still_one_enterprise(run) -> None:
    """The same number on every row groups them together: one enterprise whose code lost digits (E102, which
    never stops an emergency, SPEC §5)."""
    book = openpyxl.load_workbook(export(run, "t.xlsx"))
    ws = book["企业清单"]
    for row in plant_rows(ws):
        ws.cell(row, 1).value = int(PLANT)
    book.save("all.xlsx")
    report = read_list("all.xlsx")
    assert report.blocking == []
    assert len(report.enterprise_list.enterprises) == len(read_list(COUNTY).enterprise_list.enterprises)
    [bad] = [f for f in report.findings if f.code == "E102"]
    assert "stored as a number" in bad.message
    checked = run("check", "orange", "--list", "all.xlsx")
    assert checked.exit_code in (0, 1) and "E102" in checked.stderr


def test_a_lone_code_typed_as_a_number_stays_a_bad_code(run) -> None:
    """No other row it could be: a bad credit code (E102), as before — a typo never stops `check`."""
    book = openpyxl.load_workbook(export(run, "t.xlsx"))
    ws = book["企业清单"]
    ws.cell(ws.max_row + 1, 1).value = 911405251765810000
    for column, value in ((2, "示例县新厂"), (5, "C"), (21, 10), (13, "张三"), (14, "13900000000")):
        ws.cell(ws.max_row, column).value = value
    book.save("new.xlsx")
    report = read_list("new.xlsx")
    assert report.blocking == [] and any(f.code == "E102" for f in report.findings)
    assert not any(f.code == "E108" for f in report.findings)


def test_a_csv_code_excel_saved_in_scientific_notation_beside_its_plant_is_refused() -> None:
    header = "企业名称,统一社会信用代码,绩效等级,生产线,SO2,联系人,联系电话"
    text = (f"{header}\n示例县焦化厂,{PLANT},B,1#焦炉,10,张三,13900000000\n"
            f"示例县焦化厂,9.11405251766E+17,B,2#焦炉,10,张三,13900000000\n")
    report = parse_list(text.encode(), "c.csv", "csv")
    [found] = [f for f in report.findings if f.code == "E108"]
    assert found.line == 3 and "first 12 digits" in found.message and PLANT in found.message
    assert report.blocking


# -- 2. actions come back exactly ---------------------------------------------------------------

def test_an_action_with_a_semicolon_survives_the_round_trip(run) -> None:
    text = COUNTY.read_text(encoding="utf-8").replace("停止冲天炉熔炼", "停止装卸; 夜间检查", 1)
    assert "停止装卸; 夜间检查" in text
    Path("semi.yaml").write_text(text, encoding="utf-8")
    for suffix in (".xlsx", ".csv"):
        assert run("export", "--as-list", "--list", "semi.yaml", "-o", f"semi{suffix}").exit_code == 0
        assert run("import", f"semi{suffix}", "-o", f"back{suffix}.yaml").exit_code == 0
        back = read_list(f"back{suffix}.yaml").enterprise_list
        assert same_list(read_list("semi.yaml").enterprise_list, back)
        assert any("停止装卸; 夜间检查" in m.actions for e in back.enterprises for line in [e, *e.lines]
                   for m in line.measures.values())


@pytest.mark.parametrize("cell, actions", [
    ("停止装卸；夜间检查", ["停止装卸", "夜间检查"]),
    ("停止装卸;夜间检查\n限产50%", ["停止装卸", "夜间检查", "限产50%"]),
    ("停止装卸 ； 夜间检查；", ["停止装卸", "夜间检查"]),
    ('"停止装卸"', ['"停止装卸"']),  # quotes that were not needed stay the text's
    ('"停止装卸"；"夜间检查"', ['"停止装卸"', '"夜间检查"']),
    ("无", None),
    ('"停止装卸; 夜间检查"', ["停止装卸; 夜间检查"]),
    ('"停止装卸; 夜间检查"；新增巡查', ["停止装卸; 夜间检查", "新增巡查"]),
])
def test_hand_typed_measures_cells_read_as_before(cell: str, actions: list[str] | None) -> None:
    assert _actions_cell(cell) == actions


#: what may stand in an action (SPEC §2: a sentence for the notice): any text but line breaks and invisible
#: characters, which the reader removes with W309 whatever the format; trimmed, as the reader trims it
_PIECE = st.one_of(st.sampled_from(list(';；"\'=+-@ 无/、，。停产限产50%') + ["n/a", "none", '""', "; ", '"无"']),
                  st.characters(blacklist_categories=("Cc", "Cf", "Cs", "Zl", "Zp")))
ACTION = st.lists(_PIECE, min_size=1, max_size=20).map("".join).map(str.strip).filter(bool)
ACTIONS = st.lists(ACTION, min_size=1, max_size=4, unique=True)


@given(ACTIONS)
def test_any_actions_make_a_cell_that_reads_back_as_them(actions: list[str]) -> None:
    assert _actions_cell(action_cell(actions)) == actions


def _list_with(plant: list[str], line: list[str], other: list[str]) -> str:
    def flow(actions: list[str]) -> str:
        return json.dumps(actions, ensure_ascii=False)

    return f"""\
list: {{region: 示例县, authority: 示例县生态环境局}}
enterprises:
  - id: 91140525MA0KAY4C6U
    name: 示例县东方铸造有限公司
    grade: B
    contact: {{name: 王建国, phone: "0356-2000101"}}
    lines:
      - {{name: 1#冲天炉, emissions: {{so2: 12.5}}, measures: {{red: {{stop: true, actions: {flow(line)}}}}}}}
      - {{name: 制芯工段, emissions: {{vocs: 4.1}}}}
    measures: {{orange: {{cut: 0.3, actions: {flow(plant)}}}}}
  - id: 91140525MA0KH3BJ1D
    name: 示例县南山焦化有限公司
    grade: C
    contact: {{name: 张志刚, phone: "0356-2000103"}}
    emissions: {{so2: 3}}
    measures: {{yellow: {{actions: {flow(plant)}}}, red: {{stop: true, actions: {flow(line)}}}}}
other_sources:
  - {{name: 建筑工地, kind: dust, emissions: {{pm: 900}}, measures: {{red: {{stop: true, actions: {flow(other)}}}}}}}
"""


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ACTIONS, ACTIONS, ACTIONS)
def test_actions_round_trip_yaml_to_xlsx_and_csv_and_back(tmp_path: Path, plant, line, other) -> None:
    original = parse_list(_list_with(plant, line, other).encode(), "a.yaml", "yaml")
    assert original.blocking == [], original.blocking
    source = original.enterprise_list
    assert source.enterprises[0].measures[Level.ORANGE].actions == tuple(plant)
    for suffix in (".xlsx", ".csv"):
        sheet = tmp_path / f"a{suffix}"
        write_list(source, sheet)
        read = parse_list(sheet.read_bytes(), str(sheet), suffix[1:])
        assert read.enterprise_list is not None and read.blocking == []
        assert same_list(source, read.enterprise_list)
        back = parse_list(list_yaml(read.enterprise_list).encode(), "b.yaml", "yaml")  # what import writes
        assert same_list(source, back.enterprise_list)


def test_a_csv_text_that_starts_with_a_quote_before_a_formula_sign_comes_back(run) -> None:
    Path("q.yaml").write_text(_list_with(["'=HYPERLINK(1)", "''-停止投料"], ["停产"], ["'@城关"]), encoding="utf-8")
    source = read_list("q.yaml").enterprise_list
    write_list(source, "q.csv")
    assert same_list(source, read_list("q.csv").enterprise_list)


# -- 3. a workbook made for editing -------------------------------------------------------------

def test_the_workbook_keeps_codes_and_phones_as_text_and_shows_every_header(run) -> None:
    book = openpyxl.load_workbook(export(run, "l.xlsx"))
    ws = book["企业清单"]
    headers = [c.value for c in ws[1]]
    id_col, phone_col = headers.index("统一社会信用代码") + 1, headers.index("联系电话") + 1
    for col in (id_col, phone_col):
        letter = openpyxl.utils.get_column_letter(col)
        assert ws.cell(2, col).number_format == "@"
        with zipfile.ZipFile("l.xlsx") as archive:  # the column's own format: a cell typed in a new row is text
            sheet = archive.read("xl/worksheets/sheet1.xml").decode()
        [col_xml] = re.findall(rf'<col min="{col}" max="{col}"[^>]*>', sheet)
        style = int(re.search(r'style="(\d+)"', col_xml).group(1))
        assert book._cell_styles[style].numFmtId == 49, letter  # Excel's built-in "@" (文本)
    for index, header in enumerate(headers, 1):
        width = ws.column_dimensions[openpyxl.utils.get_column_letter(index)].width
        shown = sum(2 if ord(ch) > 0x2E80 else 1 for ch in header)
        assert width >= shown, (header, width)
    assert "二氧化硫（吨/年）" in headers and "挥发性有机物（吨/年）" in headers


@pytest.mark.parametrize("header, key", [("二氧化硫（吨/年）", "so2"), ("氮氧化物（吨/年）", "nox"), ("颗粒物（吨/年）", "pm"),
                                         ("挥发性有机物（吨/年）", "vocs"), ("SO2(t/a)", "so2"), ("黄色预警限产比例", "yellow_cut")])
def test_headers_with_units_are_read(header: str, key: str) -> None:
    assert column_key(header) == key

