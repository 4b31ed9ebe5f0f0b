"""haze verify (SPEC §18): flags exactly what an independent computation of §18 flags on generated meter data."""

from __future__ import annotations

import json
import random
import sqlite3
from collections import defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from haze.core.creditcode import check_character
from haze.core.response import MeterDays, Window, compare
from haze.core.timeparse import SHANGHAI

from conftest import write

# activate needs a journal made on purpose (SPEC §10): conftest.journal, as `haze init` makes it
pytestmark = pytest.mark.usefixtures("journal")


def code(n: int) -> str:
    first = f"91140525MA0M{n:05d}"
    return first + check_character(first)


GRADES = ["B", "C", "D", "A", "B", "C", "unrated", "B", "C", "D"]
IDS = [code(i) for i in range(len(GRADES))]
START = datetime(2026, 1, 10, 8, 0, tzinfo=SHANGHAI)  # 01-10 is not wholly inside: during days are 01-11…
END = datetime(2026, 1, 15, 0, 0, tzinfo=SHANGHAI)    # … 01-14


def list_yaml() -> str:
    lines = ["list: {region: 示例县, authority: 示例县生态环境局, doc_prefix: 示环应急}", "enterprises:"]
    for i, (ident, grade) in enumerate(zip(IDS, GRADES)):
        zone = "\n    zone: key" if i == 4 else ""
        lines.append(f"  - id: {ident}\n    name: 示例县企业{i}\n    grade: {grade}{zone}\n"
                     f"    contact: {{name: 联系人{i}, phone: '1390356{i:04d}'}}\n    lines:\n"
                     f"      - {{name: 1#线, emissions: {{so2: {100 + 37 * i}, nox: {50 + 11 * i}}}}}\n"
                     f"      - {{name: 2#线, emissions: {{pm: {20 + 5 * i}}}, measures: {{orange: {{cut: 0.{i % 9 + 1}}}}}}}")
    return "\n".join(lines) + "\n"


@pytest.fixture
def activation(run, tmp_path: Path):
    listfile = write(tmp_path / "list.yaml", list_yaml())
    journal = tmp_path / "journal.db"
    result = run("activate", "orange", "--list", listfile, "--journal", journal, "--out", tmp_path / "n",
                 "--start", START.isoformat(), "--until", END.isoformat(), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    return journal, data


def plant_cuts(check: dict, listfile_emissions: dict) -> dict[str, float]:
    """SPEC §4.4, computed again from check --json: the line cuts weighted by the lines' emissions."""
    cuts = {}
    for e in check["enterprises"]:
        weights = listfile_emissions[e["id"]]
        total = sum(weights)
        cuts[e["id"]] = sum(w * line["cut"] for w, line in zip(weights, e["lines"])) / total
    return cuts


def emissions_of() -> dict[str, list[float]]:
    return {ident: [100 + 37 * i + 50 + 11 * i, 20 + 5 * i] for i, ident in enumerate(IDS)}


def generate(seed: int) -> tuple[list[tuple[str, str, float, str]], dict]:
    """Meter rows (id, time, kwh, meter): hourly for some, daily for others, gaps, noise outside the window."""
    rng = random.Random(seed)
    rows: list[tuple[str, str, float, str]] = []
    behaviour = {}
    for i, ident in enumerate(IDS):
        if i == 9:
            continue  # no data at all
        hourly = i % 2 == 0
        base = rng.uniform(500, 5000)
        cut = rng.choice([0.0, 0.1, 0.3, 0.5, 0.8, 1.0, rng.random()])
        treatment = i in (1, 2, 5)
        treatment_cut = rng.choice([cut, min(1.0, cut + 0.4), 0.0])
        behaviour[ident] = (cut, treatment_cut)
        for offset in range(-12, 8):  # 12-29 … 01-17: days outside both windows must not count
            day = date(2026, 1, 10) + timedelta(days=offset)
            if rng.random() < 0.15:
                continue  # a day without data
            during = day >= date(2026, 1, 10)
            level = base * (1 - cut) if during else base
            for meter, factor in (("", 1.0), ("治污", 0.2)) if treatment else (("", 1.0),):
                value = level * factor if meter == "" else base * factor * (1 - (treatment_cut if during else 0))
                value *= rng.uniform(0.97, 1.03)
                if hourly:
                    for hour in range(24):
                        rows.append((ident, f"{day.isoformat()} {hour:02d}:00", round(value / 24, 3), meter))
                else:
                    rows.append((ident, day.isoformat(), round(value, 3), meter))
    rows.append((code(99), "2026-01-11", 1234.0, ""))  # not notified: ignored
    rng.shuffle(rows)
    return rows, behaviour


def independent(rows, cuts: dict[str, float], tolerance: float = 0.1, baseline_days: int = 7) -> dict:
    """SPEC §18 read directly: calendar days, day sums, the two means, observed, the flags."""
    daily: dict[tuple[str, str], dict[date, float]] = defaultdict(lambda: defaultdict(float))
    for ident, time, kwh, meter in rows:
        kind = "treatment" if meter == "治污" else "production"
        daily[(ident, kind)][date.fromisoformat(time[:10])] += kwh
    first_baseline = START.date() - timedelta(days=baseline_days)

    def means(days: dict[date, float]) -> tuple[float | None, float | None]:
        base = [v for d, v in days.items() if first_baseline <= d < START.date()]
        inside = [v for d, v in days.items()
                  if datetime(d.year, d.month, d.day, tzinfo=SHANGHAI) >= START
                  and datetime(d.year, d.month, d.day, tzinfo=SHANGHAI) + timedelta(days=1) <= END]
        return (sum(base) / len(base) if base else None), (sum(inside) / len(inside) if inside else None)

    result = {}
    for ident in IDS:
        production = daily.get((ident, "production"))
        if not production:
            result[ident] = ("missing", None)
            continue
        b, d = means(production)
        if b is None or d is None or b <= 0:
            result[ident] = ("missing", None)
            continue
        observed = 1 - d / b
        flag = "short" if observed < cuts[ident] - tolerance else None
        treatment = daily.get((ident, "treatment"))
        if flag is None and treatment:
            tb, td = means(treatment)
            if tb and td is not None and (1 - td / tb) > observed + tolerance:
                flag = "treatment"
        result[ident] = (flag, observed)
    return result


def write_csv(path: Path, rows, header: str = "统一社会信用代码,时间,用电量,表计类型", encoding: str = "utf-8") -> Path:
    text = header + "\n" + "".join(f"{a},{b},{c},{d}\n" for a, b, c, d in rows)
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_flags_equal_an_independent_computation(run, tmp_path: Path, activation, seed: int) -> None:
    journal, activated = activation
    rows, _ = generate(seed)
    power = write_csv(tmp_path / "power.csv", rows, encoding="gb18030" if seed == 2 else "utf-8")
    check = json.loads(run("check", "orange", "--list", tmp_path / "list.yaml", "--json").stdout)
    cuts = plant_cuts(check, emissions_of())
    expected = independent(rows, cuts)
    result = run("verify", power, "--journal", journal, "--json")
    assert result.exit_code in (0, 1), result.output
    data = json.loads(result.stdout)
    assert data["activation"] == activated["activation"]
    got = {e["id"]: e for e in data["enterprises"]}
    assert {i for i, (flag, _) in expected.items() if flag == "missing"} == {m["id"] for m in data["missing"]}
    for ident, (flag, observed) in expected.items():
        if flag == "missing":
            continue
        assert got[ident]["flag"] == flag, ident
        assert got[ident]["observed"] == pytest.approx(observed, abs=1e-9)
        assert got[ident]["expected"] == pytest.approx(cuts[ident], abs=1e-12)
        assert got[ident]["gap"] == pytest.approx(cuts[ident] - observed, abs=1e-9)
    flagged = any(flag not in (None, "missing") for flag, _ in expected.values())
    assert result.exit_code == (1 if flagged else 0)


def test_the_inspection_list_is_ordered_by_gap_times_daily_emissions(run, tmp_path: Path, activation) -> None:
    journal, _ = activation
    rows, _ = generate(4)
    power = write_csv(tmp_path / "power.csv", rows)
    out = tmp_path / "督查清单.csv"
    result = run("verify", power, "--journal", journal, "-o", out)
    assert result.exit_code in (0, 1), result.output
    import csv

    table = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines()))
    header, body = table[0], table[1:]
    assert header[:3] == ["序号", "统一社会信用代码", "企业名称"]
    compared = [r for r in body if r[8] != ""]
    weights = [float(r[10]) for r in compared]
    assert weights == sorted(weights, reverse=True)
    assert [r for r in body if r[8] == ""] == body[len(compared):]  # those without data come last
    assert body[-1][5] == "无用电数据" and body[-1][1] == IDS[9]
    xlsx = tmp_path / "督查清单.xlsx"
    assert run("verify", power, "--journal", journal, "-o", xlsx).exit_code in (0, 1)
    import openpyxl

    book = openpyxl.load_workbook(xlsx)
    assert [[c.value for c in row][1] for row in book["督查清单"].iter_rows(min_row=2)] == [r[1] for r in body]
    assert len(book["图表"]._charts) == 1
    assert run("verify", power, "--journal", journal, "-o", xlsx).exit_code == 2  # exists: --force


def test_human_output_has_a_bar_per_enterprise(run, tmp_path: Path, activation) -> None:
    journal, _ = activation
    rows, _ = generate(1)
    result = run("verify", write_csv(tmp_path / "p.csv", rows), "--journal", journal)
    assert "示例县企业0" in result.stdout and "│" in result.stdout or "┃" in result.stdout
    assert "no data (1): 示例县企业9\n" in result.stdout  # one line per reason, naming each enterprise once
    # the header in three lines: on one (~130 cells) the terminal's wrap split a date at 80 columns
    assert [line.split(" ", 1)[0] for line in result.stdout.splitlines()[:3]] == ["verify", "baseline", "during"]


def test_an_xlsx_export_with_datetime_cells(run, tmp_path: Path, activation) -> None:
    import openpyxl

    journal, _ = activation
    book = openpyxl.Workbook()
    book.active.append(["统一社会信用代码", "数据时间", "有功电量(kWh)"])
    for day in range(3, 15):
        value = 100.0 if day < 10 else 50.0
        book.active.append([IDS[0], datetime(2026, 1, day, 12, 0), value])
    book.save(tmp_path / "p.xlsx")
    data = json.loads(run("verify", tmp_path / "p.xlsx", "--journal", journal, "--json").stdout)
    [e] = data["enterprises"]
    assert (e["id"], e["baseline"], e["during"], e["observed"]) == (IDS[0], 100.0, 50.0, 0.5)


def test_bad_rows_are_located_and_nothing_is_written(run, tmp_path: Path, activation) -> None:
    journal, _ = activation
    power = write(tmp_path / "p.csv", f"id,time,kwh,meter\n{IDS[0]},2026-01-05,100,\n{IDS[0]},yesterday,100,\n"
                                      f"{IDS[1]},2026-01-05,-3,\n{IDS[1]},2026-01-06,12,gas\n{IDS[2]},2026-01-06,x,\n")
    out = tmp_path / "out.xlsx"
    result = run("verify", power, "--journal", journal, "-o", out, "--json")
    assert result.exit_code == 2
    assert result.stdout == ""
    err = result.stderr
    assert f"{power}:3: error E101" in err and f"{power}:4: error E106" in err
    assert f"{power}:5: error E104" in err and f"{power}:6: error E106" in err
    assert not out.exists()


@pytest.mark.parametrize("content, code", [("x,y\n1,2\n", "E100"), ("", "E003")])
def test_unusable_power_files(run, tmp_path: Path, activation, content: str, code: str) -> None:
    journal, _ = activation
    result = run("verify", write(tmp_path / "p.csv", content), "--journal", journal)
    assert result.exit_code == 2 and f"error {code}" in result.stderr


def test_without_an_end_the_during_days_run_to_the_last_day_with_data(run, tmp_path: Path) -> None:
    listfile = write(tmp_path / "list.yaml", list_yaml())
    journal = tmp_path / "j.db"
    assert run("activate", "orange", "--list", listfile, "--journal", journal, "--out", tmp_path / "n",
               "--start", START.isoformat()).exit_code == 0
    rows = [(IDS[0], f"2026-01-{d:02d}", 100.0 if d < 10 else 40.0, "") for d in range(3, 21)]
    data = json.loads(run("verify", write_csv(tmp_path / "p.csv", rows), "--journal", journal, "--json").stdout)
    assert data["enterprises"][0]["during"] == 40.0 and data["enterprises"][0]["observed"] == pytest.approx(0.6)


def test_an_activation_recorded_before_schema_2_is_refused_clearly(run, tmp_path: Path, activation) -> None:
    journal, _ = activation
    with sqlite3.connect(journal) as conn:
        conn.execute("DELETE FROM notified")
    result = run("verify", write(tmp_path / "p.csv", "id,time,kwh\n"), "--journal", journal)
    assert result.exit_code == 2 and "older haze" in result.stderr


# -- the comparison itself, against SPEC §18's words -------------------------------------------------

days_kwh = st.dictionaries(st.integers(-9, 6), st.floats(0, 1e5, allow_nan=False), max_size=12)


@settings(max_examples=300, deadline=None)
@given(days_kwh, days_kwh, st.floats(0, 1), st.sampled_from([0.0, 0.05, 0.1, 0.2]))
def test_compare_follows_the_spec(production: dict, treatment: dict, expected: float, tolerance: float) -> None:
    start = datetime(2026, 1, 10, 0, 0, tzinfo=SHANGHAI)
    end = datetime(2026, 1, 14, 0, 0, tzinfo=SHANGHAI)  # during days 01-10 … 01-13
    day0 = date(2026, 1, 10)
    p = {day0 + timedelta(days=k): v for k, v in production.items()}
    t = {day0 + timedelta(days=k): v for k, v in treatment.items()}
    got = compare("X", "x", expected, MeterDays(p, t), Window(start, end, 7), tolerance)

    def mean(values):
        return sum(values) / len(values) if values else None

    def observed(days):
        b = mean([v for d, v in days.items() if day0 - timedelta(days=7) <= d <= day0 - timedelta(days=1)])
        d = mean([v for d, v in days.items() if day0 <= d <= day0 + timedelta(days=3)])
        return None if b is None or d is None or b <= 0 else 1 - d / b

    obs = observed(p) if p else None
    if obs is None:
        assert got.missing is not None and got.flag is None
        return
    assert got.observed == pytest.approx(obs)
    flag = "short" if obs < expected - tolerance else None
    tobs = observed(t) if t else None
    if flag is None and tobs is not None and tobs > obs + tolerance:
        flag = "treatment"
    assert got.flag == flag


@pytest.mark.parametrize("stamp", ["2026-01-{d:02d} 12:00", "2026/1/{d} 12:00", "2026/1/{d}", "2026年1月{d}日 12时",
                                   "2026年1月{d}日12时", "202601{d:02d}12", "2026-01-{d:02d}T12:00:00",
                                   "2026.1.{d}"])
def test_time_stamps_as_exports_write_them(run, tmp_path: Path, activation, stamp: str) -> None:
    journal, _ = activation
    rows = [(IDS[3], stamp.format(d=d), 100.0 if d < 10 else 70.0, "") for d in range(3, 15)]
    result = run("verify", write_csv(tmp_path / "p.csv", rows), "--journal", journal, "--json")
    assert result.exit_code in (0, 1), result.output
    [e] = json.loads(result.stdout)["enterprises"]
    assert (e["baseline"], e["during"]) == (100.0, 70.0)
