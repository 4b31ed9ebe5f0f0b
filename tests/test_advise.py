"""haze advise (SPEC §18): the level a daily AQI forecast calls for, against an independent reading of
环大气〔2024〕6号's thresholds for key regions, and the action given the active warning."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from haze.core.model import Level
from haze.core.policy import load_policy
from haze.core.response import Day, advise

from conftest import write

# activate needs a journal made on purpose (SPEC §10): conftest.journal, as `haze init` makes it
pytestmark = pytest.mark.usefixtures("journal")

START = date(2026, 12, 1)


# -- an independent reading of the 2024 thresholds -----------------------------------------------------
# Written from the document's words, not from haze's rules: a window of N consecutive calendar days all
# above a threshold. Rules in the order the document gives them; the level is the highest that holds.

def _windows(aqi: dict[date, float], length: int, above: float) -> list[list[date]]:
    found = []
    for first in sorted(aqi):
        window = [first + timedelta(days=i) for i in range(length)]
        if all(d in aqi and aqi[d] > above for d in window):
            found.append(window)
    return found


def _run_around(aqi: dict[date, float], window: list[date], above: float) -> list[date]:
    """The whole stretch of consecutive days above ``above`` that contains ``window``."""
    first, last = window[0], window[-1]
    while first - timedelta(days=1) in aqi and aqi[first - timedelta(days=1)] > above:
        first -= timedelta(days=1)
    while last + timedelta(days=1) in aqi and aqi[last + timedelta(days=1)] > above:
        last += timedelta(days=1)
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def reading_2024(aqi: dict[date, float]) -> tuple[str | None, list[date]]:
    red = [w for w in _windows(aqi, 3, 200) if any(aqi[d] > 300 for d in w)]
    if red:
        # the first stretch above 200 that holds such a window
        runs = sorted({tuple(_run_around(aqi, w, 200)) for w in red})
        return "red", list(runs[0])
    for level, rules in (("orange", [(2, 200), (3, 150)]), ("yellow", [(1, 200), (2, 150)])):
        for length, above in rules:
            windows = _windows(aqi, length, above)
            if windows:
                return level, _run_around(aqi, windows[0], above)
    return None, []


def expected_action(level: str | None, active: str | None) -> str:
    if active is None:
        return "none" if level is None else "activate"
    if level is None:
        return "lift"
    return "keep" if level == active else "adjust"


aqi_values = st.one_of(st.integers(0, 500), st.sampled_from([150, 151, 200, 201, 300, 301]))
forecasts = st.lists(st.tuples(st.integers(0, 12), aqi_values), min_size=1, max_size=10).map(
    lambda pairs: {START + timedelta(days=offset): float(value) for offset, value in pairs})


@settings(max_examples=400, deadline=None)
@given(forecasts, st.sampled_from([None, "yellow", "orange", "red"]))
def test_advice_equals_an_independent_reading_of_the_2024_thresholds(aqi: dict, active: str | None) -> None:
    policy = load_policy("shanxi-2024")
    days = [Day(d, v) for d, v in sorted(aqi.items(), key=lambda kv: -kv[1])]  # order of the rows is irrelevant
    advice = advise(days, policy.triggers, Level(active) if active else None)
    level, run = reading_2024(aqi)
    assert (advice.level.value if advice.level else None) == level
    assert [d.date for d in advice.days] == run
    assert advice.action == expected_action(level, active)


def test_both_shipped_policies_carry_the_same_2024_triggers() -> None:
    shanxi, national = load_policy("shanxi-2024"), load_policy("national-2019")
    assert shanxi.triggers == national.triggers
    assert shanxi.triggers.source == "环大气〔2024〕6号"


@pytest.mark.parametrize("series, level", [
    ([150, 150, 150, 150], None),            # "above 150" is strict: 150 is not
    ([151, 100, 151], None),                  # two days above 150, not consecutive
    ([201], "yellow"),                        # one day above 200
    ([151, 151], "yellow"),                   # 48 h above 150
    ([201, 201], "orange"),                   # 48 h above 200
    ([151, 151, 151], "orange"),              # 72 h above 150
    ([201, 201, 201], "orange"),              # 72 h above 200 but none above 300
    ([201, 301, 201], "red"),                 # 72 h above 200 and one day above 300
    ([301, 301, 150, 301], "orange"),         # the red days are not consecutive
])
def test_hand_worked_forecasts(series: list[int], level: str | None) -> None:
    days = [Day(START + timedelta(days=i), float(v)) for i, v in enumerate(series)]
    got = advise(days, load_policy("shanxi-2024").triggers, None)
    assert (got.level.value if got.level else None) == level


def test_a_missing_date_breaks_a_run() -> None:
    days = [Day(START, 201.0), Day(START + timedelta(days=2), 201.0)]
    assert advise(days, load_policy("shanxi-2024").triggers, None).level is Level.YELLOW  # not orange


# -- the command ---------------------------------------------------------------------------------------

def test_json_is_exactly_the_spec_shape(run, tmp_path: Path) -> None:
    f = write(tmp_path / "f.csv", "日期,AQI\n2026-12-01,120\n2026-12-02,210\n2026-12-03,230\n2026-12-04,180\n")
    result = run("advise", f, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"level": "orange", "rule": "AQI > 200 for ≥ 2 consecutive days",
                                         "days": ["2026-12-02", "2026-12-03"], "active": None,
                                         "action": "activate",
                                         "message": "AQI > 200 for ≥ 2 consecutive days — 预测日AQI＞200持续48小时"
                                                    " (环大气〔2024〕6号)"}


def test_json_message_follows_the_language_and_rule_stays(run, tmp_path: Path) -> None:
    """SPEC §17: keys and enum values never change with the language, message texts follow it."""
    f = write(tmp_path / "f.csv", "日期,AQI\n2026-12-01,120\n2026-12-02,210\n2026-12-03,230\n")
    zh = json.loads(run("--ui", "zh", "advise", f, "--json").stdout)
    en = json.loads(run("--ui", "en", "advise", f, "--json").stdout)
    assert zh["rule"] == en["rule"] == "AQI > 200 for ≥ 2 consecutive days"
    assert zh["message"] == "预报 AQI > 200 连续 2 天及以上 — 预测日AQI＞200持续48小时（环大气〔2024〕6号）"
    assert en["message"].startswith("AQI > 200 for ≥ 2 consecutive days — ")
    calm = write(tmp_path / "calm.csv", "日期,AQI\n2026-12-01,80\n")
    assert json.loads(run("--ui", "zh", "advise", calm, "--json").stdout)["message"] is None


def test_writes_nothing_and_creates_no_journal(run, tmp_path: Path, isolated: Path) -> None:
    f = write(tmp_path / "f.csv", "date,aqi\n2026-12-01,320\n")
    before = sorted(isolated.rglob("*"))
    assert run("advise", f).exit_code == 0
    assert sorted(isolated.rglob("*")) == before


@pytest.mark.parametrize("header", ["Date,AQI", "DATE,aqi", "日期,空气质量指数", "预报日期,AQI（预测）"])
def test_headers_in_either_language_and_any_case(run, tmp_path: Path, header: str) -> None:
    f = write(tmp_path / "f.csv", f"{header}\n2026-12-01,201\n2026-12-02,205\n")
    result = run("advise", f, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["level"] == "orange"


def test_gb18030_csv_with_chinese_dates(run, tmp_path: Path) -> None:
    f = tmp_path / "f.csv"
    f.write_bytes("日期,AQI\n2026年12月1日,160\n2026年12月2日,170\n".encode("gb18030"))
    result = run("advise", f, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["days"] == ["2026-12-01", "2026-12-02"]


def test_xlsx_and_yaml_forecasts(run, tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["预报", "", ""])  # a title above the header row
    sheet.append(["日期", "AQI", "地区"])
    for i, v in enumerate([210, 220, 330]):
        sheet.append([date(2026, 12, 1 + i), v, "示例县"])
    book.save(tmp_path / "f.xlsx")
    result = run("advise", tmp_path / "f.xlsx", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["level"] == "red"
    y = write(tmp_path / "f.yaml", "forecast:\n  - {date: 2026-12-01, aqi: 201}\n  - {日期: 2026-12-02, AQI: 90}\n")
    result = run("advise", y, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["level"] == "yellow"


def test_regions(run, tmp_path: Path) -> None:
    f = write(tmp_path / "f.csv", "region,date,aqi\n甲县,2026-12-01,201\n甲县,2026-12-02,201\n"
                                  "乙县,2026-12-01,90\n乙县,2026-12-02,90\n")
    result = run("advise", f)
    assert result.exit_code == 2 and "--region" in result.stderr
    assert json.loads(run("advise", f, "--region", "乙县", "--json").stdout)["level"] is None
    assert json.loads(run("advise", f, "--region", "甲县", "--json").stdout)["level"] == "orange"


def test_bad_rows_are_located_findings(run, tmp_path: Path) -> None:
    f = write(tmp_path / "f.csv", "date,aqi\n2026-12-01,x\n2026-13-02,210\n2026-12-03,-5\n2026-12-04,100\n"
                                  "2026-12-04,120\n")
    result = run("advise", f, "--json")
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert any(line.startswith(f"{f}:2: error E106") for line in lines)
    assert any(line.startswith(f"{f}:3: error E101") for line in lines)
    assert any(line.startswith(f"{f}:4: error E106") for line in lines)
    assert any(line.startswith(f"{f}:6: error E108") and "row 5" in line for line in lines)
    assert "Traceback" not in result.output


@pytest.mark.parametrize("content, code", [("x,y\n1,2\n", "E100"), ("", "E003")])
def test_unusable_files(run, tmp_path: Path, content: str, code: str) -> None:
    f = write(tmp_path / "f.csv", content)
    result = run("advise", f)
    assert result.exit_code == 2
    assert f"error {code}" in result.stderr


def test_action_reads_the_active_warning_from_the_journal(run, tmp_path: Path) -> None:
    from conftest import COUNTY

    journal = tmp_path / "j" / "journal.db"
    assert run("activate", "yellow", "--list", COUNTY, "--journal", journal, "--out", tmp_path / "n").exit_code == 0
    calm = write(tmp_path / "calm.csv", "date,aqi\n2026-12-01,80\n")
    worse = write(tmp_path / "worse.csv", "date,aqi\n2026-12-01,201\n2026-12-02,202\n")
    same = write(tmp_path / "same.csv", "date,aqi\n2026-12-01,201\n")
    for f, action in ((calm, "lift"), (worse, "adjust"), (same, "keep")):
        data = json.loads(run("advise", f, "--journal", journal, "--json").stdout)
        assert data["active"] == "yellow" and data["action"] == action


def test_the_chinese_advice_speaks_the_active_level_and_no_json_word(run, tmp_path: Path) -> None:
    # QA: a Chinese terminal said "生效中 orange（…）" and "keep　维持当前 orange 级预警"
    from conftest import COUNTY

    journal = tmp_path / "j" / "journal.db"
    assert run("activate", "yellow", "--list", COUNTY, "--journal", journal, "--out", tmp_path / "n").exit_code == 0
    same = write(tmp_path / "same.csv", "date,aqi\n2026-12-01,201\n")
    shown = run("--ui", "zh", "advise", same, "--journal", journal).stdout
    assert "生效中  黄色（" in shown and "建议    维持当前黄色预警" in shown, shown
    assert "keep" not in shown  # the title still names both: 黄色预警（yellow，Ⅲ级响应）
    english = run("advise", same, "--journal", journal).stdout
    assert "active  yellow (" in english and "action  keep: keep the active yellow warning" in english


def test_a_warning_past_its_end_time_is_not_active(run, tmp_path: Path) -> None:
    from conftest import COUNTY

    journal = tmp_path / "journal.db"
    assert run("activate", "yellow", "--list", COUNTY, "--journal", journal, "--out", tmp_path / "n",
               "--start", "2026-01-10T20:00", "--hours", "24").exit_code == 0
    f = write(tmp_path / "f.csv", "date,aqi\n2026-12-01,201\n")
    data = json.loads(run("advise", f, "--journal", journal, "--json").stdout)
    assert (data["active"], data["action"]) == (None, "activate")  # as activate itself would treat it


RED_WEEK = "date,aqi\n2026-12-03,160\n2026-12-04,230\n2026-12-05,260\n2026-12-06,280\n2026-12-07,310\n"


def test_long_rows_fold_under_their_value_in_a_terminal(tmp_path: Path) -> None:
    """At 80 columns the terminal's own wrap split 20|26-12-07 and started the rest under the labels."""
    from rich.console import Console

    from haze.cli.i18n import cells
    from haze.cli.reporters.markup import say_row

    console = Console(width=80, force_terminal=True, color_system=None, record=True)
    days = "、".join(f"2026-12-0{d}（AQI {a}）" for d, a in [(4, 230), (5, 260), (6, 280), (7, 310)])
    say_row(console, "日期", days)
    say_row(console, "建议", "[bold]activate[/]：启动预警")
    lines = console.export_text().splitlines()
    assert lines == [" 日期    2026-12-04（AQI 230）、2026-12-05（AQI 260）、2026-12-06（AQI 280）、",
                     "         2026-12-07（AQI 310）",
                     " 建议    activate：启动预警"]
    assert all(cells(line) < 80 for line in lines)


def test_piped_rows_stay_one_line_each(run, tmp_path: Path) -> None:
    """grep and a duty log read one row per line: no terminal, no folding."""
    result = run("--ui", "zh", "advise", write(tmp_path / "f.csv", RED_WEEK), env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    assert " 日期    2026-12-04（AQI 230）、2026-12-05（AQI 260）、2026-12-06（AQI 280）、2026-12-07（AQI 310）\n" \
        in result.stdout
