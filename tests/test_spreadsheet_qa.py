"""A list edited by bureau staff in Excel and handed back (QA acting as staff).

- a 合计 (totals) row is skipped also when its word stands in the credit-code
  column (column A of ``export --as-list``, where ``export LEVEL`` puts its own
  合计), and whatever the clerk typed: 合计, 合计：, 合 计, 总计, Total; a named
  row is never taken for one;
- a credit code that reached the reader as a number which lost its last
  digits is an error at its cell that says so (E102), never a check character
  to copy, even when the made-up digits happen to pass the check; ``import``
  writes nothing (the YAML could not tell), ``check`` goes on (SPEC §5);
- the finding quotes the code as the clerk finds it in the file: ``9.11405E+17``
  in a CSV Excel saved, the 15 digits Excel shows for a number cell.
"""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from conftest import COUNTY
from haze.core import creditcode
from haze.io.lists import parse_list, read_list

#: a valid all-digit code, no other row's, whose float is 911405257381645568: "check character should be 5"
TYPED = "911405257381645552"
SHOWN = "911405257381646000"  # what Excel shows of it: 15 significant digits
#: a valid code whose float (911405256449842944) passes the check too: it used to be read without a word
LUCKY = "911405256449842931"
COLUMN = "A 统一社会信用代码"
EMISSIONS = range(21, 25)  # the 二氧化硫…挥发性有机物（吨/年） columns of export --as-list


def export(run, name: str) -> Path:
    assert run("export", "--as-list", "--list", str(COUNTY), "-o", name).exit_code == 0
    return Path(name)


def enterprises(path: str | Path) -> int:
    report = read_list(path)
    assert report.enterprise_list is not None, report.findings
    return len(report.enterprise_list.enterprises)


def with_totals(run, word: object, column: int = 1, name: str = "sum.xlsx") -> Path:
    """The exported county list with a totals row under it, as a clerk adds one."""
    book = openpyxl.load_workbook(export(run, "t.xlsx"))
    ws = book["企业清单"]
    row = ws.max_row + 1
    ws.cell(row, column).value = word
    for col in EMISSIONS:
        ws.cell(row, col).value = 12345
    book.save(name)
    return Path(name)


# -- 1. a totals row ------------------------------------------------------------------------------

@pytest.mark.parametrize("word", ["合计", "合计：", "合计:", "合 计", "总计", "小计", "Total", "TOTAL:"])
def test_a_totals_row_in_the_credit_code_column_is_skipped(run, word: str) -> None:
    path = with_totals(run, word)
    report = read_list(path)
    assert [f.format() for f in report.findings if f.is_error] == []
    assert not [f for f in report.findings if f.line == openpyxl.load_workbook(path)["企业清单"].max_row]
    assert enterprises(path) == enterprises(COUNTY)  # not counted: the county's emissions stay its own
    assert run("import", str(path), "-o", "x.yaml").exit_code == 0 and Path("x.yaml").exists()
    assert run("check", "orange", "--list", str(path)).exit_code == 0


def test_a_totals_row_computes_as_the_list_without_it(run) -> None:
    checked = run("check", "orange", "--list", str(with_totals(run, "合计")), "--json")
    plain = run("check", "orange", "--list", str(COUNTY), "--json")
    assert json.loads(checked.stdout)["pollutants"] == json.loads(plain.stdout)["pollutants"]


def test_a_totals_word_with_a_full_width_colon_is_skipped_in_the_name_column_too(run) -> None:
    path = with_totals(run, "合计：", column=2)
    assert [f for f in read_list(path).findings if f.is_error] == []
    assert enterprises(path) == enterprises(COUNTY)


def test_a_csv_totals_row_in_the_credit_code_column_is_skipped() -> None:
    text = ("统一社会信用代码,企业名称,绩效等级,SO2,联系人,联系电话\n"
            "91140525MA0KAY4C6U,示例县东方铸造有限公司,B,100,王建国,0356-2000101\n"
            "合计：,,,100\n")
    report = parse_list(text.encode("gb18030"), "x.csv", "csv")
    assert not [f for f in report.findings if f.line == 3]
    assert len(report.enterprise_list.enterprises) == 1


def test_a_named_row_is_never_taken_for_a_totals_row(run) -> None:
    """合计 in the code column beside a 企业名称 is an enterprise with a bad code, reported as one."""
    book = openpyxl.load_workbook(export(run, "t.xlsx"))
    ws = book["企业清单"]
    row = ws.max_row + 1
    for column, value in ((1, "合计"), (2, "示例县合计机械厂"), (5, "C"), (21, 10)):
        ws.cell(row, column).value = value
    book.save("named.xlsx")
    report = read_list("named.xlsx")
    [bad] = [f for f in report.findings if f.code == "E102"]
    assert (bad.line, bad.column, bad.enterprise) == (row, COLUMN, "合计")
    assert enterprises("named.xlsx") == enterprises(COUNTY) + 1


# -- 2. a credit code typed as a number -----------------------------------------------------------

def with_new_plant(run, code: object, name: str = "n.xlsx") -> tuple[Path, int]:
    """The exported county list with one more plant, its code typed as ``code``."""
    book = openpyxl.load_workbook(export(run, "t.xlsx"))
    ws = book["企业清单"]
    row = ws.max_row + 1
    for column, value in ((1, code), (2, "示例县新建铸造有限公司"), (5, "C"), (13, "张三"), (14, "13900000000"),
                          (21, 10)):
        ws.cell(row, column).value = value
    book.save(name)
    return Path(name), row


def test_a_code_typed_as_a_number_says_its_digits_are_lost_never_a_check_character(run) -> None:
    assert creditcode.is_valid(TYPED) and creditcode.problem(str(int(float(TYPED)))) == \
        "check character should be 5"
    path, row = with_new_plant(run, int(TYPED))
    expected = (f"{path}:{row}: error E102 [{COLUMN}] credit code {SHOWN} was stored as a number, and Excel keeps "
                "only 15 digits, so its last digits are lost; format the column as text (文本) and type the code "
                "again")

    validated = run("validate", str(path))
    assert validated.exit_code == 1 and expected in validated.stdout + validated.stderr
    assert "check character" not in validated.stdout + validated.stderr
    [found] = [f for f in json.loads(run("validate", str(path), "--json").stdout)["files"][0]["findings"]
               if f["code"] == "E102"]
    assert (found["severity"], found["line"], found["column"]) == ("error", row, COLUMN)

    checked = run("check", "orange", "--list", str(path))  # a bad code never stops an emergency (SPEC §5)
    assert checked.exit_code == 0
    assert expected.replace(": error E102", ": warning E102") in checked.stderr

    imported = run("import", str(path), "-o", "x.yaml")
    assert imported.exit_code == 2 and not Path("x.yaml").exists()
    assert expected in imported.stderr and "nothing written" in imported.stderr


def test_a_code_whose_made_up_digits_pass_the_check_is_still_reported(run) -> None:
    lost = str(int(float(LUCKY)))
    assert creditcode.is_valid(LUCKY) and creditcode.is_valid(lost) and lost != LUCKY
    path, row = with_new_plant(run, int(LUCKY))
    report = read_list(path)
    [found] = [f for f in report.findings if f.code == "E102"]
    assert (found.line, found.column, found.severity) == (row, COLUMN, "error")
    assert found.message.startswith("credit code 911405256449843000 was stored as a number")
    assert report.blocking == []
    assert run("import", str(path), "-o", "x.yaml").exit_code == 2 and not Path("x.yaml").exists()


def test_a_list_that_does_not_check_codes_only_warns(run) -> None:
    path, row = with_new_plant(run, int(TYPED))
    book = openpyxl.load_workbook(path)
    book["清单信息"].append(["严格校验信用代码", "否"])
    book.save(path)
    [found] = [f for f in read_list(path).findings if f.code == "E102"]
    assert (found.line, found.severity) == (row, "warning") and "stored as a number" in found.message


GBK_HEADER = "统一社会信用代码,企业名称,绩效等级,SO2,联系人,联系电话"


def test_a_csv_code_excel_saved_as_9_11405e17_is_quoted_as_written(run) -> None:
    """Excel's plain CSV (GBK) writes a number cell as it shows it: six digits kept."""
    text = (f"{GBK_HEADER}\r\n91140525MA0KAY4C6U,示例县东方铸造有限公司,B,100,王建国,0356-2000101\r\n"
            "9.11405E+17,示例县新建铸造有限公司,C,10,张三,13900000000\r\n")
    Path("gbk.csv").write_bytes(text.encode("gb18030"))
    report = read_list("gbk.csv")
    [found] = [f for f in report.findings if f.code == "E102"]
    assert (found.line, found.column) == (3, COLUMN)
    assert found.message == ("credit code 9.11405E+17 was stored as a number, written with only its first 6 "
                             "digits, so its last digits are lost; format the column as text (文本) and type the "
                             "code again")
    imported = run("import", "gbk.csv", "-o", "g.yaml", "--authority", "示例县生态环境局")
    assert imported.exit_code == 2 and not Path("g.yaml").exists() and "9.11405E+17" in imported.stderr


def test_the_lost_digits_finding_speaks_chinese(run) -> None:
    path, row = with_new_plant(run, int(TYPED))
    validated = run("--ui", "zh", "validate", str(path))
    assert f"{path}:{row}: 错误 E102 [{COLUMN}] 统一社会信用代码 {SHOWN} 以数字形式保存" in validated.stdout
