"""``haze check``: exit codes, the worked example's numbers, --json per SPEC §7.1, options, human output."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from rich.cells import cell_len

from conftest import COUNTY, EXAMPLES, ROOT, write

WORKED = EXAMPLES / "worked-example.yaml"
SMALL = EXAMPLES / "small-fails-orange.yaml"
POLLUTANTS = ("so2", "nox", "pm", "vocs")


def check_json(run, *args: str) -> tuple[int, dict]:
    result = run("check", *args, "--json")
    return result.exit_code, json.loads(result.stdout)


# -- the worked example (examples/worked-example.md) ---------------------------------------------

# Σ reductions (t/d), baseline / 365 (t/d) and the ratios the .md states, per level.
WORKED_FIGURES = {
    "yellow": {"so2": (1.06, 4.0), "nox": (1.32, 6.0), "pm": (0.94, 4.0), "vocs": (0.52, 2.0)},
    "orange": {"so2": (1.58, 4.0), "nox": (2.36, 6.0), "pm": (1.42, 4.0), "vocs": (1.04, 2.0)},
    "red": {"so2": (1.70, 4.0), "nox": (2.60, 6.0), "pm": (2.10, 4.0), "vocs": (1.06, 2.0)},
}


def test_worked_example_at_orange_gives_the_numbers_of_the_md(run) -> None:
    code, data = check_json(run, "orange", "--list", WORKED)
    assert code == 0 and data["ok"] is True
    assert (data["level"], data["policy"], data["requirement"], data["basis"]) == (
        "orange", "shanxi-2024", 0.3, "baseline")
    for p, (reduction, baseline) in WORKED_FIGURES["orange"].items():
        got = data["pollutants"][p]
        assert got["reduction"] == pytest.approx(reduction, abs=1e-9)
        assert got["baseline"] == pytest.approx(baseline, abs=1e-9)
        assert got["ratio"] == pytest.approx(reduction / baseline, abs=1e-9)
        assert (got["required"], got["ok"], got["shortfall"]) == (0.3, True, 0.0)
    casting, coking, brick = data["enterprises"]
    # Step 1 of the .md: effective level, reason, measure source and cut per line
    assert (casting["effective_level"], casting["reason"]) == ("orange", "level")
    assert casting["lines"] == [{"name": "1#冲天炉", "cut": 0.4, "source": "line"},
                                {"name": "制芯工段", "cut": 0.2, "source": "grade"}]
    assert (coking["effective_level"], coking["reason"]) == ("red", "zone")
    assert coking["lines"] == [{"name": "示例县东昇焦化有限公司", "cut": 1.0, "source": "grade"}]
    assert (brick["effective_level"], brick["reason"], brick["lines"][0]["cut"]) == ("orange", "level", 1.0)
    # Step 2: per-enterprise daily reductions
    assert casting["reduction"] == pytest.approx({"so2": 0.08, "nox": 0.16, "pm": 0.12, "vocs": 0.04}, abs=1e-9)
    assert coking["reduction"] == pytest.approx({"so2": 1.0, "nox": 2.0, "pm": 0.5, "vocs": 1.0}, abs=1e-9)
    assert brick["reduction"] == pytest.approx({"so2": 0.5, "nox": 0.2, "pm": 0.3, "vocs": 0.0}, abs=1e-9)
    assert data["other_sources"] == [{"name": "建筑工地扬尘", "kind": "dust", "cut": 0.5,
                                      "reduction": {"pm": pytest.approx(0.5, abs=1e-9)}}]
    assert "停止使用国四及以下重型柴油货车（含燃气）进行物料运输" in coking["actions"]


@pytest.mark.parametrize("level", ["yellow", "orange", "red"])
def test_worked_example_cross_check_table(run, level: str) -> None:
    code, data = check_json(run, level, "--list", WORKED)
    assert code == 0
    md = (EXAMPLES / "worked-example.md").read_text("utf-8")
    for p, (reduction, baseline) in WORKED_FIGURES[level].items():
        ratio = data["pollutants"][p]["ratio"]
        assert ratio == pytest.approx(reduction / baseline, abs=1e-9)
        # the .md states this very ratio (4 decimals of a percent), so doc and tool cannot drift apart
        assert f"{ratio * 100:.4f}%" in md


def test_docs_computation_uses_the_numbers_the_tool_gives(run) -> None:
    _, data = check_json(run, "orange", "--list", WORKED)
    doc = (ROOT / "docs" / "computation.md").read_text("utf-8")
    for p in POLLUTANTS:
        r = data["pollutants"][p]
        assert f"{r['reduction']:.2f}" in doc and f"{r['ratio'] * 100:.2f}%" in doc


def test_installed_command_runs_the_worked_example() -> None:
    # the console script next to this interpreter, as the bureau runs it
    haze = Path(sys.executable).with_name("haze")
    command = [str(haze)] if haze.exists() else [sys.executable, "-m", "haze"]
    done = subprocess.run([*command, "check", "Ⅱ", "--list", str(WORKED), "--json", "--no-cache"],
                          capture_output=True, text=True, encoding="utf-8", check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["pollutants"]["nox"]["ratio"] == pytest.approx(2.36 / 6, abs=1e-9)


# -- exit codes and bad input --------------------------------------------------------------------------

def test_exit_1_when_the_requirement_is_not_met(run) -> None:
    code, data = check_json(run, "orange", "--list", SMALL)
    assert code == 1 and data["ok"] is False
    assert [p for p in POLLUTANTS if not data["pollutants"][p]["ok"]] == ["pm", "vocs"]
    assert data["pollutants"]["pm"]["shortfall"] == pytest.approx(20 / 365, rel=1e-9)
    assert run("check", "yellow", "--list", SMALL, "--json").exit_code == 0


def test_exit_2_for_a_missing_file(run) -> None:
    result = run("check", "orange", "--list", "no-such-list.yaml", "--json")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "no-such-list.yaml" in result.stderr and "no such file" in result.stderr
    assert "Traceback" not in result.stderr


def test_exit_2_for_a_blocking_finding_names_its_line(run, tmp_path: Path) -> None:
    text = WORKED.read_text("utf-8").replace('orange: {cut: "40%"}', "orange: {cut: 1.4}")
    bad = write(tmp_path / "bad.yaml", text)
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "cut: 1.4" in row)
    result = run("check", "orange", "--list", bad, "--json")
    assert result.exit_code == 2 and result.stdout == ""
    assert f"{bad}:{line}: error E105" in result.stderr
    assert "Traceback" not in result.stderr


def test_exit_2_for_an_unknown_level(run) -> None:
    result = run("check", "purple", "--list", WORKED)
    assert result.exit_code == 2 and "unknown level 'purple'" in result.stderr


def test_exit_2_without_a_list(run) -> None:
    result = run("check", "orange")
    assert result.exit_code == 2 and "--list" in result.stderr


@pytest.mark.parametrize("alias", ["橙色", "II", "Ⅱ", "2", "橙色预警", "Ⅱ级响应", "ORANGE"])
def test_every_level_alias_gives_the_same_json(run, alias: str) -> None:
    assert check_json(run, alias, "--list", WORKED) == check_json(run, "orange", "--list", WORKED)


# -- the --json shape (SPEC §7.1) -----------------------------------------------------------------------

def test_json_shape_per_spec(run) -> None:
    code, data = check_json(run, "orange", "--list", COUNTY)
    assert code == 0
    assert set(data) == {"level", "policy", "requirement", "basis", "list", "pollutants", "ok", "enterprises",
                         "other_sources"}
    assert data["list"] == {"path": str(COUNTY), "region": "示例县",
                            "sha256": hashlib.sha256(COUNTY.read_bytes()).hexdigest()}
    assert list(data["pollutants"]) == list(POLLUTANTS)
    for entry in data["pollutants"].values():
        assert set(entry) == {"baseline", "reduction", "ratio", "required", "ok", "shortfall", "basis"}
    # tonnes per day, unrounded: the baseline is exactly the list's t/a over 365
    assert data["pollutants"]["so2"]["baseline"] == 3000 / 365
    assert data["pollutants"]["nox"]["baseline"] == 8800 / 365
    assert len(data["enterprises"]) == 49
    for e in data["enterprises"]:
        assert set(e) == {"id", "name", "grade", "industry", "effective_level", "reason", "lines", "reduction",
                          "actions", "cap"}
        assert set(e["reduction"]) == set(POLLUTANTS)
        assert all(set(line) == {"name", "cut", "source"} for line in e["lines"])
        assert e["cap"] is None or set(e["cap"]) == {"base", "cut", "cap", "unit"}
    for s in data["other_sources"]:
        assert set(s) == {"name", "kind", "cut", "reduction"}
    total = sum(e["reduction"]["pm"] for e in data["enterprises"]) + sum(
        s["reduction"].get("pm", 0.0) for s in data["other_sources"])
    assert data["pollutants"]["pm"]["reduction"] == pytest.approx(total, rel=1e-12)


def test_json_keeps_idle_and_noncompliant_enterprises(run) -> None:
    _, data = check_json(run, "yellow", "--list", COUNTY)
    by_name = {e["name"]: e for e in data["enterprises"]}
    idle = by_name["示例县清泉砖瓦厂"]
    assert (idle["reason"], idle["cap"], idle["actions"]) == ("idle", None, [])
    assert idle["reduction"] == {p: 0.0 for p in POLLUTANTS}
    assert all(line["cut"] == 0.0 and line["source"] == "idle" for line in idle["lines"])
    stopped = by_name["示例县大东砖瓦有限公司"]
    assert (stopped["reason"], stopped["effective_level"]) == ("noncompliant", "yellow")
    assert all(line["cut"] == 1.0 for line in stopped["lines"])
    assert stopped["cap"] is None  # no capacity given
    # capacity {eia 4000, permit 3500, actual 3600}: base 3500; grade B at yellow cuts 0.1: cap 3150
    capped = by_name["示例县石门页岩砖有限公司"]
    assert capped["cap"] == {"base": 3500, "cut": pytest.approx(0.1), "cap": pytest.approx(3150), "unit": "万块标砖/年"}


# -- warnings that must not stop an emergency -------------------------------------------------------------

WARNED = """\
list:
  region: 示例县
  authority: 示例县生态环境局
  baseline: {so2: 365}
enterprises:
  - id: 91140525MA0KLJY16A
    name: 示例县笔误铸造厂
    grade: B
    contact: {name: 张三, phone: "0356-2000000"}
    emissions: {so2: 365}
    measures:
      orange: {cut: 0.5}
      red: {cut: 0.4}
"""


def test_bad_credit_code_and_weakening_measures_are_warnings_for_check(run, tmp_path: Path) -> None:
    path = write(tmp_path / "warned.yaml", WARNED)
    result = run("check", "orange", "--list", path, "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["pollutants"]["so2"]["ratio"] == 0.5
    assert f"{path}:6: warning E102 bad credit code 91140525MA0KLJY16A (check character should be T)" \
        in result.stderr
    assert f"{path}:13: warning E110 red cut 40% is weaker than orange cut 50%" in result.stderr


# -- policy and configuration ------------------------------------------------------------------------------

def test_policy_national_2019_changes_the_requirement(run) -> None:
    code, data = check_json(run, "orange", "--list", SMALL, "--policy", "national-2019")
    assert code == 0 and data["policy"] == "national-2019" and data["requirement"] == 0.2
    assert all(p["required"] == 0.2 and p["ok"] for p in data["pollutants"].values())


CUSTOM_POLICY = """\
name: 示例县-2025
requirements:
  orange: {so2: 0.3, nox: 0.3, pm: 0.25, vocs: 0.25}
zone_escalation: 0
grades:
  B: {orange: {cut: 0.5}}
  C: {orange: {cut: 0.5}}
  D: {orange: {stop: true}}
"""


def test_policy_file(run, tmp_path: Path) -> None:
    path = write(tmp_path / "county-policy.yaml", CUSTOM_POLICY)
    code, data = check_json(run, "orange", "--list", WORKED, "--policy", path)
    assert data["policy"] == "示例县-2025"
    assert data["requirement"] == {"so2": 0.3, "nox": 0.3, "pm": 0.25, "vocs": 0.25}
    coking = data["enterprises"][1]
    # no escalation in this policy: the key-zone coking plant stays at orange, C cuts 0.5
    assert (coking["effective_level"], coking["reason"], coking["lines"][0]["cut"]) == ("orange", "level", 0.5)
    # by hand (t/d): casting 1#冲天炉 keeps its own 0.4, 制芯工段 B 0.5; coking C 0.5; brick D stop; dust 0.5
    #   SO₂  0.08 + 0.5 + 0.5              = 1.08 / 4 = 27%     < 30%
    #   NOx  0.16 + 1.0 + 0.2              = 1.36 / 6 = 22.67%  < 30%
    #   PM   0.12 + 0.25 + 0.3 + 0.5       = 1.17 / 4 = 29.25%  ≥ 25%
    #   VOCs 0.2 × 0.5 + 0.5               = 0.6 / 2  = 30%     ≥ 25%
    ratios = {p: data["pollutants"][p]["ratio"] for p in POLLUTANTS}
    assert ratios == pytest.approx({"so2": 0.27, "nox": 1.36 / 6, "pm": 0.2925, "vocs": 0.3}, rel=1e-12)
    assert code == 1 and [p for p in POLLUTANTS if not data["pollutants"][p]["ok"]] == ["so2", "nox"]


def test_broken_policy_file_is_one_line_exit_2(run, tmp_path: Path) -> None:
    path = write(tmp_path / "broken.yaml", "name: x\nrequirements: {orange: 3}\n")
    result = run("check", "orange", "--list", WORKED, "--policy", path)
    assert result.exit_code == 2 and "broken.yaml:2" in result.stderr and "Traceback" not in result.stderr


def test_haze_yaml_in_a_parent_directory_supplies_the_list(run, tmp_path: Path, monkeypatch) -> None:
    project = tmp_path / "bureau"
    write(project / "lists" / "county.yaml", SMALL.read_text("utf-8"))
    write(project / "haze.yaml", "list: lists/county.yaml\npolicy: national-2019\n")
    deeper = project / "warnings" / "2025"
    deeper.mkdir(parents=True)
    monkeypatch.chdir(deeper)
    code, data = check_json(run, "orange")
    assert code == 0
    assert data["list"]["path"] == str((project / "lists" / "county.yaml").resolve())
    assert data["policy"] == "national-2019"
    # an option on the command line still wins over haze.yaml
    code, data = check_json(run, "orange", "--policy", "shanxi-2024")
    assert code == 1 and data["policy"] == "shanxi-2024"


@pytest.mark.parametrize("where", ["group", "command"])
def test_config_option(run, tmp_path: Path, where: str) -> None:
    config = write(tmp_path / "elsewhere" / "duty.yaml", f"list: {WORKED}\n")
    args = ["--config", config, "check", "red", "--json"] if where == "group" else \
        ["check", "red", "--json", "--config", config]
    result = run(*args)
    assert result.exit_code == 0
    assert json.loads(result.stdout)["list"]["path"] == str(WORKED)


# -- human output ---------------------------------------------------------------------------------------------

def _human(run, *args: str, columns: str | None = None) -> tuple[int, list[str]]:
    result = run("check", *args, env={"COLUMNS": columns})
    return result.exit_code, result.stdout.splitlines()


def test_human_output_of_the_worked_example_at_80_columns(run) -> None:
    code, lines = _human(run, "orange", "--list", WORKED)
    assert code == 0
    assert max(cell_len(line) for line in lines) <= 80
    text = "\n".join(lines)
    for name in ("示例县永丰铸造有限公司", "示例县东昇焦化有限公司", "示例县青石砖厂", "建筑工地扬尘 (dust)"):
        assert name in text  # whole, never cut to "示例…"
    row = next(line for line in lines if "永丰铸造" in line)
    assert re.search(r"\bB\s+by line\s+0\.0800\s+0\.1600\s+0\.1200\s+0\.0400$", row)
    # each line by name beside its cut, not "40%/20%" (issue 18.9): 1#冲天炉 40% of so2 0.2 t/d is 0.08
    assert re.search(r"^  └ 1#冲天炉\s+40%\s+0\.0800\s+0\.1600\s+0\.1200\s+0$", text, re.M)
    assert re.search(r"^  └ 制芯工段\s+20%\s+0\s+0\s+0\s+0\.0400$", text, re.M)
    assert re.search(r"示例县东昇焦化有限公司\s+C\s+stop\s+1\.0000", text)
    assert "key zone ↑red" in text
    assert re.search(r"^total\s+1\.5800\s+2\.3600\s+1\.4200\s+1\.0400$", text, re.M)
    assert re.search(r"^SO₂ 二氧化硫\s+4\.0000\s+1\.5800\s+39\.50%\s+30\.00%\s+0\.0000\s+yes$", text, re.M)
    assert re.search(r"^VOCs 挥发性有机物\s+2\.0000\s+1\.0400\s+52\.00%", text, re.M)
    assert lines[-1] == "MET: orange (橙色预警, Ⅱ级响应) requirement reached for every pollutant"
    _one_blank_line_around_the_totals(lines)


def test_human_output_of_the_county_list_keeps_every_name_and_reason(run) -> None:
    code, lines = _human(run, "red", "--list", COUNTY)
    assert code == 0
    assert max(cell_len(line) for line in lines) <= 80
    text = "\n".join(lines)
    for name in re.findall(r"^    name: (\S+)$", COUNTY.read_text("utf-8"), re.M):
        assert name in text
    for fact in ("noncompliant: stops", "idle: not counted", "guarantee (保障类)", "by line", "└ 烧结机", "total"):
        assert fact in text
    # a reason stands indented under its enterprise's name: flush left it read as another enterprise (QA helper-51)
    for reason in ("noncompliant: stops", "idle: not counted", "guarantee (保障类)"):
        assert all(line.startswith("  ") for line in lines if line.lstrip().startswith(reason))
    _one_blank_line_around_the_totals(lines)


def _one_blank_line_around_the_totals(lines: list[str]) -> None:
    """One blank line before the totals row (not one for the last section and one for the footer) and one
    after it, before the next table's heading."""
    at = next(i for i, line in enumerate(lines) if line.startswith("total "))
    assert lines[at - 1] == "" and lines[at - 2] != "" and lines[at + 1] == "" and lines[at + 2] != ""


def test_human_output_on_a_wide_terminal_adds_credit_codes_and_levels(run) -> None:
    code, lines = _human(run, "orange", "--list", WORKED, columns="160")
    text = "\n".join(lines)
    assert code == 0 and max(cell_len(line) for line in lines) <= 160
    assert re.search(r"2\s+91140525MA0KJJC152\s+示例县东昇焦化有限公司\s+C\s+red\s+key zone ↑\s+stop", text)
    assert re.search(r"1\s+91140525MA0KLJY16T\s+示例县永丰铸造有限公司\s+B\s+orange\s+by line", text)
    assert re.search(r"└ 1#冲天炉\s+40%\s+0\.0800", text)


def test_human_verdict_is_loud_when_not_met(run) -> None:
    code, lines = _human(run, "orange", "--list", SMALL, "--summary", columns="200")
    assert code == 1
    text = "\n".join(lines)
    assert "NOT MET" in text
    assert "PM 28.00% < 30.00%, short 0.0548 t/d; VOCs 29.00% < 30.00%, short 0.0274 t/d" in text
    assert "haze plan orange" in text
    assert re.search(r"^PM 颗粒物\s+2\.7397\s+0\.7671\s+28\.00%\s+30\.00%\s+0\.0548\s+NO\s*$", text, re.M)
    assert "enterprise" not in text  # --summary: the per-pollutant table only


def test_human_output_says_when_the_basis_is_listed(run, tmp_path: Path) -> None:
    text = WORKED.read_text("utf-8")
    start = text.index("  baseline:")
    end = text.index("enterprises:")
    path = write(tmp_path / "no-baseline.yaml", text[:start] + text[end:])
    code, lines = _human(run, "orange", "--list", path)
    joined = "\n".join(lines)
    assert code == 0
    assert "basis: listed" in joined
    assert re.search(r"^SO₂ 二氧化硫\s+\d+\.\d{4}\*", joined, re.M)


def test_human_output_prints_names_as_data_and_folds_only_what_cannot_fit(run, tmp_path: Path) -> None:
    long_name = "示例县[bold]红星[/]特种耐火材料与新型建筑材料有限责任公司第一分公司"
    text = WORKED.read_text("utf-8").replace("name: 示例县青石砖厂", f'name: "{long_name}"')
    path = write(tmp_path / "odd-names.yaml", text)
    code, lines = _human(run, "orange", "--list", path)
    assert code == 0 and max(cell_len(line) for line in lines) <= 80
    # the brackets are part of the name, not markup; the name wraps in its column, whole
    row = next(i for i, line in enumerate(lines) if line.startswith("示例县[bold]红星[/]"))
    assert long_name == (lines[row].split("  ")[0] + lines[row + 1]).replace(" ", "")
    assert re.search(r"^示例县永丰铸造有限公司\s+B\s+by line", "\n".join(lines), re.M)  # short names: one line


def test_cuts_are_rounded_up_never_shown_smaller(run, tmp_path: Path) -> None:
    # 12.3449% of the line: shown to two decimals it must read 12.35%, not 12.34% (fmt.cut_pct).
    text = WORKED.read_text("utf-8").replace("yellow: {cut: 0.3}", "yellow: {cut: 0.1}") \
        .replace('orange: {cut: "40%"}', "orange: {cut: 0.123449}")
    path = write(tmp_path / "odd-cut.yaml", text)
    code, lines = _human(run, "orange", "--list", path)
    assert code == 0
    assert re.search(r"^  └ 1#冲天炉\s+12\.35%", "\n".join(lines), re.M)


def _quiet_list(count: int) -> str:
    """``count`` enterprises without a contact: one W304 warning each, nothing blocking."""
    from haze.core.creditcode import check_character

    rows = []
    for n in range(count):
        first = f"91140525MA0Q{n:05d}"
        rows.append(f"  - id: {first + check_character(first)}\n    name: 示例县第{n}厂\n    grade: D\n"
                    f"    emissions: {{so2: 10, nox: 10, pm: 10, vocs: 10}}\n")
    return "list:\n  region: 示例县\n  authority: 示例县生态环境局\nenterprises:\n" + "".join(rows)


@pytest.mark.parametrize("args", [["check", "orange"], ["plan", "orange"], ["export", "orange", "-o", "out.csv"]])
def test_many_warnings_are_summarised_so_the_verdict_stays_in_sight(run, tmp_path: Path, args: list[str]) -> None:
    path = write(tmp_path / "many.yaml", _quiet_list(30))
    result = run(*args, "--list", path)
    assert result.exit_code == 0, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 21
    assert all(" warning W304 " in line for line in lines[:20])
    assert lines[20] == "… and 10 more (W304 ×10); `haze validate` lists them all"
