"""haze verify (SPEC §18): what a meter file may not silently do — count a reading twice, stretch the
warning with a stray date, hide an empty or Excel-error cell, lose cells past the header, hide its data
on a second sheet — and what each says instead (file, row, exit 2, nothing written)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import write
from test_verify import END, IDS, START, list_yaml

pytestmark = pytest.mark.usefixtures("journal")


@pytest.fixture
def activation(run, tmp_path: Path) -> tuple[Path, dict]:
    """test_verify's warning: orange, 2026-01-10 08:00 → 2026-01-15 00:00, ten enterprises notified."""
    listfile = write(tmp_path / "list.yaml", list_yaml())
    journal = tmp_path / "journal.db"
    result = run("activate", "orange", "--list", listfile, "--journal", journal, "--out", tmp_path / "n",
                 "--start", START.isoformat(), "--until", END.isoformat(), "--json")
    assert result.exit_code == 0, result.output
    return journal, json.loads(result.stdout)

HEADER = "统一社会信用代码,时间,用电量"


def plain_rows(ids: list[str] = IDS[:3]) -> list[str]:
    """7 baseline days at 1000 kWh, 3 days inside the warning at 800: observed 0.20 for each."""
    rows = []
    for ident in ids:
        rows += [f"{ident},2026-01-{d:02d},1000" for d in range(3, 10)]
        rows += [f"{ident},2026-01-{d:02d},800" for d in range(11, 14)]
    return rows


def power_csv(path: Path, rows: list[str], header: str = HEADER) -> Path:
    return write(path, header + "\n" + "\n".join(rows) + "\n")


def refused(result, out: Path | None = None) -> str:
    """The refusal's stderr, after the checks every refusal must pass."""
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert "Traceback" not in result.stderr and "None" not in result.stderr
    assert "nothing verified" in result.stderr
    if out is not None:
        assert not out.exists()
    return result.stderr


def observed(result) -> dict[str, float]:
    assert result.exit_code in (0, 1), result.output
    return {e["id"]: e["observed"] for e in json.loads(result.stdout)["enterprises"]}


# -- 1. a reading given twice; rows outside the days compared ---------------------------------------

def test_a_reading_given_twice_is_refused_naming_both_rows(run, tmp_path: Path, activation) -> None:
    journal, _ = activation
    rows = plain_rows()
    power = power_csv(tmp_path / "p_dup.csv", rows[:2] + rows)  # the first two data rows exported again
    out = tmp_path / "督查清单.xlsx"
    err = refused(run("verify", power, "--journal", journal, "-o", out, "--json"), out)
    assert f"{power}:4: error E108 {IDS[0]} at 2026-01-03: the same reading (1000 kWh) given twice (also row 2)" in err
    assert f"{power}:5: error E108 {IDS[0]} at 2026-01-04: the same reading (1000 kWh) given twice (also row 3)" in err


def test_a_reading_given_twice_with_a_meter_column_is_refused(run, tmp_path: Path, activation) -> None:
    journal, _ = activation
    rows = [r + ",生产" for r in plain_rows()] + [f"{IDS[0]},2026-01-12,100,治污"]
    power = power_csv(tmp_path / "p.csv", rows + [rows[-1]], header=HEADER + ",表计类型")
    err = refused(run("verify", power, "--journal", journal))
    assert f"{power}:33: error E108 {IDS[0]} at 2026-01-12: the same reading (100 kWh) given twice (also row 32)" in err


def test_hourly_rows_and_two_meters_of_one_kind_are_still_summed(run, tmp_path: Path, activation) -> None:
    """Hours of one day add up; two production meters (two 户号) at one hour read different kWh and add up;
    two stopped meters both reading 0 add nothing and are not a repeat."""
    journal, _ = activation
    rows = []
    for day in range(3, 14):
        if day == 10:
            continue
        per_hour = 1000 / 24 if day < 10 else 800 / 24
        for hour in range(24):
            stamp = f"2026-01-{day:02d} {hour:02d}:00"
            rows += [f"{IDS[0]},{stamp},{per_hour * 0.75}", f"{IDS[0]},{stamp},{per_hour * 0.25}"]
            rows += [f"{IDS[0]},{stamp},0", f"{IDS[0]},{stamp},0"]
    result = run("verify", power_csv(tmp_path / "p.csv", rows), "--journal", journal, "--json")
    assert observed(result)[IDS[0]] == pytest.approx(0.2)
    assert result.stderr == ""


def test_a_repeat_outside_the_days_compared_is_not_used_and_is_said(run, tmp_path: Path, activation) -> None:
    """Rows before the baseline and after the end change nothing (a repeat among them neither): a note counts them."""
    journal, _ = activation
    before = run("verify", power_csv(tmp_path / "p.csv", plain_rows()), "--journal", journal, "--json")
    assert before.stderr == ""
    stray = [f"{IDS[0]},2025-12-01,5000", f"{IDS[0]},2025-12-01,5000", f"{IDS[1]},2026-01-20,5000"]
    after = run("verify", power_csv(tmp_path / "q.csv", plain_rows() + stray), "--journal", journal, "--json")
    assert observed(after) == observed(before)
    assert after.exit_code == before.exit_code
    assert ("haze: note: 3 rows of notified enterprises lie outside the baseline days (2026-01-03 … 2026-01-09) "
            "and the warning (2026-01-10 08:00 → 2026-01-15 00:00): not used") in after.stderr


def test_a_time_in_the_future_is_refused_not_a_longer_warning(run, tmp_path: Path) -> None:
    """Without an end the warning runs to the last day with data: a stray 2099-01-01 would have stretched it."""
    journal = tmp_path / "j.db"
    listfile = write(tmp_path / "list.yaml", list_yaml())
    assert run("activate", "orange", "--list", listfile, "--journal", journal, "--out", tmp_path / "n",
               "--start", START.isoformat()).exit_code == 0
    rows = plain_rows()
    good = run("verify", power_csv(tmp_path / "p.csv", rows), "--journal", journal, "--json")
    assert observed(good)[IDS[0]] == pytest.approx(0.2)
    power = power_csv(tmp_path / "p_2099.csv", rows + [f"{IDS[0]},2099-01-01,0"])
    out = tmp_path / "out.csv"
    err = refused(run("verify", power, "--journal", journal, "-o", out), out)
    assert f"{power}:32: error E101 time '2099-01-01': in the future (today is " in err


# -- 2. empty cells, Excel errors, cells past the header ---------------------------------------------

def test_an_empty_kwh_cell_says_it_is_empty(run, tmp_path: Path, activation) -> None:
    journal, _ = activation
    power = power_csv(tmp_path / "p_ragged.csv", plain_rows() + [f"{IDS[0]},2026-01-05", f"{IDS[1]},,12"])
    err = refused(run("verify", power, "--journal", journal))
    assert f"{power}:32: error E106 kWh: the cell is empty" in err
    assert f"{power}:33: error E101 time: the cell is empty" in err


def test_excel_error_cells_are_quoted(run, tmp_path: Path, activation) -> None:
    import openpyxl

    journal, _ = activation
    book = openpyxl.Workbook()
    book.active.append(["统一社会信用代码", "时间", "用电量"])
    for row in plain_rows():
        ident, day, kwh = row.split(",")
        book.active.append([ident, day, float(kwh)])
    book.active.append([IDS[0], "#VALUE!", "#N/A"])  # openpyxl writes these as error cells (t="e")
    assert book.active.cell(32, 2).data_type == "e"
    book.save(tmp_path / "p.xlsx")
    csv_export = power_csv(tmp_path / "p.csv", plain_rows() + [f"{IDS[0]},2026-01-05,#DIV/0!"])
    for power, lines in ((tmp_path / "p.xlsx", [
            "p.xlsx:32: error E101 time: the cell holds the Excel error #VALUE!",
            "p.xlsx:32: error E106 kWh: the cell holds the Excel error #N/A"]),
            (csv_export, ["p.csv:32: error E106 kWh: the cell holds the Excel error #DIV/0!"])):
        out = tmp_path / "out.xlsx"
        err = refused(run("verify", power, "--journal", journal, "-o", out), out)
        for line in lines:
            assert f"{tmp_path}/{line}" in err


def test_cells_past_the_header_are_refused_empty_ones_are_fine(run, tmp_path: Path, activation) -> None:
    """`…,1,234`: a comma inside a number shifts the row, so the kWh read would be 1; extra cells are refused.
    A trailing delimiter on every row (an empty cell past the header) is how some exports end a line."""
    journal, _ = activation
    power = power_csv(tmp_path / "p.csv", plain_rows() + [f"{IDS[1]},2026-01-06,1,2,3"])
    err = refused(run("verify", power, "--journal", journal))
    assert f"{power}:32: error E003 cells past the header's 3 columns (2, 3)" in err
    trailing = power_csv(tmp_path / "t.csv", [r + "," for r in plain_rows()])
    assert observed(run("verify", trailing, "--journal", journal, "--json"))[IDS[1]] == pytest.approx(0.2)


# -- 3. the sheet that holds the data ----------------------------------------------------------------

def notes_then_data(path: Path, extra: list | None = None) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = "说明"
    book.active.append(["本表为供电公司导出的用电量数据"])
    data = book.create_sheet("数据")
    data.append(["统一社会信用代码", "时间", "用电量"])
    for row in plain_rows():
        ident, day, kwh = row.split(",")
        data.append([ident, day, float(kwh)])
    if extra:
        data.append(extra)
    book.save(path)
    return path


def test_the_data_sheet_is_found_after_a_notes_sheet(run, tmp_path: Path, activation) -> None:
    journal, _ = activation
    result = run("verify", notes_then_data(tmp_path / "x_sheet2.xlsx"), "--journal", journal, "--json")
    assert observed(result)[IDS[0]] == pytest.approx(0.2)
    assert "haze: note: read sheet '数据' of the workbook, not its first sheet '说明'" in result.stderr
    power = notes_then_data(tmp_path / "bad.xlsx", [IDS[0], "2026-01-05", -5])
    err = refused(run("verify", power, "--journal", journal))
    assert f"{power}:32: error E106 [数据!用电量] kWh '-5': not a number ≥ 0" in err


def test_no_header_on_any_sheet_names_the_sheets_searched(run, tmp_path: Path, activation) -> None:
    import openpyxl

    journal, _ = activation
    book = openpyxl.Workbook()
    book.active.title = "说明"
    book.active.append(["本表为用电量数据"])
    book.create_sheet("其他").append(["户号", "电量"])
    book.save(tmp_path / "x.xlsx")
    out = tmp_path / "out.xlsx"
    result = run("verify", tmp_path / "x.xlsx", "--journal", journal, "-o", out)
    assert result.exit_code == 2 and not out.exists()
    assert (f"{tmp_path / 'x.xlsx'}:1: error E100 no header row with the columns id (统一社会信用代码), time (时间) "
            f"and kwh (用电量) in the first 10 rows of any sheet (searched: 说明、其他)") in result.stderr


# -- 4. the overflow lines count by code -------------------------------------------------------------

def test_more_bad_rows_than_shown_are_counted_by_their_codes(run, tmp_path: Path, activation) -> None:
    journal, _ = activation
    bad = [f"{IDS[0]},2026-01-05,x{i}" for i in range(23)] + [f"{IDS[0]},someday,1", f"{IDS[0]},otherday,1"]
    power = power_csv(tmp_path / "p.csv", plain_rows() + bad)
    err = refused(run("verify", power, "--journal", journal))
    assert err.count("error E106 kWh 'x") == 20
    assert f"{power}: error E106 … and 3 more rows with this error" in err
    assert f"{power}: error E101 … and 2 more rows with this error" in err
    assert "more bad rows" not in err


# -- 5. one name per flag ---------------------------------------------------------------------------

def test_the_inspection_list_names_the_flags_as_the_docs_do(run, tmp_path: Path, activation) -> None:
    import openpyxl

    journal, _ = activation
    out = tmp_path / "督查清单.xlsx"
    result = run("verify", power_csv(tmp_path / "p.csv", plain_rows()), "--journal", journal, "-o", out)
    assert result.exit_code in (0, 1)
    sheet = openpyxl.load_workbook(out)["督查清单"]
    flags = {row[1]: row[5] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert set(flags.values()) <= {"限产不到位", "治污设施用电异常", "无用电数据", None, ""}
    docs = (Path(__file__).resolve().parent.parent / "docs" / "zh" / "response.md").read_text(encoding="utf-8")
    assert "**限产不到位**（short）" in docs and "**治污设施用电异常**（treatment）" in docs


@pytest.mark.usefixtures("ui_zh")
def test_the_terminal_and_help_use_the_same_chinese_flag_names(run, tmp_path: Path, activation) -> None:
    """Needs the catalogue (haze.po) with /tmp/po-verify.po merged: 限产不到位, 治污设施用电异常 everywhere."""
    journal, _ = activation
    result = run("--ui", "zh", "verify", power_csv(tmp_path / "p.csv", plain_rows()), "--journal", journal)
    assert "限产不到位" in result.stdout and "减排不足" not in result.stdout
    helped = run("--ui", "zh", "verify", "--help").stdout
    assert "限产不到位" in helped and "治污设施用电异常" in helped and "不足）" not in helped
