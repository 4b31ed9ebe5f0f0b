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
from pathlib import Path

import openpyxl
import pytest

from conftest import COUNTY
from haze.io.lists import parse_list, read_list

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
