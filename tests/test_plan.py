"""``haze plan`` (SPEC §11): hand-worked plans, applying them, and invariants.

All lists are fictional (示例县…). Every enterprise runs 365 days and the
baselines are round, so each ratio is Σ(emission × cut) / baseline in t/a and
the expected ``t`` can be worked out by hand in the comments.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import COUNTY, EXAMPLES, write
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from haze.core.creditcode import check_character
from haze.core.engine import compute
from haze.io.lists import parse_list, read_list
from haze.core.model import (
    LEVELS,
    POLLUTANTS,
    Capacity,
    Contact,
    Enterprise,
    EnterpriseList,
    Level,
    Line,
    ListInfo,
    Measure,
    OtherSource,
    Pollutant,
    Status,
)
from haze.commands.plan import (
    PERCENT,
    apply_plan,
    make_plan,
    plan_steps,
    raised_cut,
)
from haze.core.policy import Policy, load_policy
from haze.io.lists.yamlwrite import list_document, list_yaml

SHANXI = load_policy("shanxi-2024")
PM, VOCS, SO2 = Pollutant.PM, Pollutant.VOCS, Pollutant.SO2


def code(n: int) -> str:
    """A valid fictional credit code (GB 32100-2015 check character)."""
    first = f"91140525MA0P{n:05d}"
    return first + check_character(first)


def ratios(plan_json: dict, key: str) -> dict[str, float | None]:
    return {p: v["ratio"] for p, v in plan_json[key].items()}


# -- hand-worked lists -------------------------------------------------------

HEAD = """\
list:
  region: 示例县
  authority: 示例县生态环境局
"""

# D tier then unrated at t = 0.35 (orange requires 30%). Baseline PM 1000, VOCs 300 t/a.
#   before: PM 18 (D1 stop) + 64 × 0.5 (D2's own lenient 50%) + 400 × 0.3 = 170 → 17%
#           VOCs 200 × 0.3 = 60 → 20%
#   tier D: D2 0.5 → stop adds 32 → PM 202; not enough, so t = 1.
#   tier unrated: 400 × 0.7 × t ≥ 98 → t = 0.35 (0.34 gives 95.2 → 297.2 < 300);
#           cut 0.3 + 0.35 × 0.7 = 0.545; VOCs 60 + 200 × 0.7 × 0.35 = 109 → 36.33%.
D_THEN_UNRATED = HEAD + f"""\
  baseline: {{pm: 1000, vocs: 300}}
enterprises:
  - {{id: {code(1)}, name: 示例县一号砖厂, grade: D, emissions: {{pm: 18}}}}
  - id: {code(2)}
    name: 示例县二号砖厂
    grade: D
    emissions: {{pm: 64}}
    measures: {{orange: {{cut: "50%"}}}}
  - {{id: {code(3)}, name: 示例县化工有限公司, grade: 未评级, emissions: {{pm: 400, vocs: 200}}}}
  - {{id: {code(4)}, name: 示例县彩印有限公司, grade: A, emissions: {{pm: 518, vocs: 100}}}}
"""

# Tier C needed at t = 0.2 (orange, baseline PM 1000 t/a); guarantee, noncompliant,
# idle, A and B are never raised; a key-zone unrated enterprise is computed at red.
#   before: D 60 (stop) + U1 50 × 0.3 + U2 (key → red 0.5) 40 × 0.5 + N 10 (noncompliant stop)
#           + B 100 × 0.2 + C 200 × 0.5 = 60 + 15 + 20 + 10 + 20 + 100 = 225 → 22.5%
#   tier unrated/nonleading at t = 1: + 35 + 20 = 280 < 300, so t = 1.
#   tier C: 200 × 0.5 × t ≥ 20 → t = 0.2 (0.19 gives 299); C's cut 0.5 → 0.6.
TIER_C = HEAD + f"""\
  baseline: {{pm: 1000}}
enterprises:
  - {{id: {code(11)}, name: 示例县北岭砖厂, grade: D, emissions: {{pm: 60}}}}
  - {{id: {code(12)}, name: 示例县中兴化工有限公司, grade: unrated, emissions: {{pm: 50}}}}
  - id: {code(13)}
    name: 示例县东关建材有限公司
    grade: unrated
    zone: key
    lines:
      - {{name: 1#窑, emissions: {{pm: 30}}}}
      - {{name: 2#窑, emissions: {{pm: 10}}}}
  - {{id: {code(14)}, name: 示例县城关供热有限公司, grade: unrated, category: guarantee, emissions: {{pm: 50}}}}
  - {{id: {code(15)}, name: 示例县南村铸造有限公司, grade: C, compliant: false, emissions: {{pm: 10}}}}
  - {{id: {code(16)}, name: 示例县西河化工有限公司, grade: unrated, status: idle}}
  - {{id: {code(17)}, name: 示例县东方铸造有限公司, grade: B, emissions: {{pm: 100}}}}
  - {{id: {code(18)}, name: 示例县南山焦化有限公司, grade: C, emissions: {{pm: 200}}}}
  - {{id: {code(19)}, name: 示例县西城彩印有限公司, grade: A, emissions: {{pm: 490}}}}
"""

# Infeasible: A and a guarantee enterprise hold 90% of SO₂. No baseline (basis listed).
#   listed: SO₂ 1000, PM 1000 t/a. Only the unrated enterprise can be raised:
#   stopped it gives SO₂ 100/1000 = 10% < 30% (binding), PM 400/1000 = 40%.
INFEASIBLE = HEAD + f"""\
enterprises:
  - {{id: {code(21)}, name: 示例县西城彩印有限公司, grade: A, emissions: {{so2: 600, pm: 500}}}}
  - id: {code(22)}
    name: 示例县城关供热有限公司
    grade: unrated
    category: guarantee
    emissions: {{so2: 300, pm: 100}}
  - {{id: {code(23)}, name: 示例县中兴化工有限公司, grade: unrated, emissions: {{so2: 100, pm: 400}}}}
"""


def test_d_tier_then_unrated_at_35_percent(run, tmp_path: Path) -> None:
    enterprise_list = write(tmp_path / "list.yaml", D_THEN_UNRATED)
    result = run("plan", "orange", "--list", enterprise_list, "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["ok"] is True and data["feasible"] is True and data["already_met"] is False
    assert [(t["grades"], t["t"]) for t in data["tiers"]] == [(["D"], 1.0), (["unrated", "nonleading"], 0.35)]
    d_tier, unrated_tier = data["tiers"]
    assert [(c["id"], c["old_cut"], c["new_cut"]) for c in d_tier["changes"]] == [(code(2), 0.5, 1.0)]
    assert d_tier["added"]["pm"] == pytest.approx(32 / 365)
    assert [(c["id"], c["old_cut"], c["new_cut"]) for c in unrated_tier["changes"]] == [(code(3), 0.3, 0.545)]
    assert unrated_tier["added"]["pm"] == pytest.approx(400 * 0.245 / 365)
    assert unrated_tier["added"]["vocs"] == pytest.approx(200 * 0.245 / 365)
    assert ratios(data, "before") == pytest.approx({"so2": None, "nox": None, "pm": 0.17, "vocs": 0.2})
    assert ratios(data, "after") == pytest.approx({"so2": None, "nox": None, "pm": 0.3, "vocs": 109 / 300})
    assert all(v["ok"] for v in data["after"].values())
    assert data["binding"] == ["pm"]


def test_one_percent_less_falls_short(tmp_path: Path) -> None:
    """The chosen t is minimal: 34% instead of 35% leaves PM at 29.72%."""
    enterprise_list = read_list(write(tmp_path / "list.yaml", D_THEN_UNRATED)).enterprise_list
    plan = make_plan(enterprise_list, SHANXI, Level.ORANGE)
    assert plan.steps() == [(0, 100), (1, 35)]
    lower = plan_steps(enterprise_list, plan.before, [(0, 100), (1, 34)])
    assert not lower.feasible
    assert lower.after.pollutants[PM].ratio == pytest.approx(0.2972)


def test_tier_c_needed_and_the_excluded_are_untouched(run, tmp_path: Path) -> None:
    enterprise_list = write(tmp_path / "list.yaml", TIER_C)
    result = run("plan", "橙色", "--list", enterprise_list, "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert [(t["grades"], t["t"]) for t in data["tiers"]] == [(["unrated", "nonleading"], 1.0), (["C"], 0.2)]
    unrated, c_tier = data["tiers"]
    assert [(c["id"], c["line"], c["effective_level"], c["old_cut"], c["new_cut"]) for c in unrated["changes"]] == [
        (code(12), "示例县中兴化工有限公司", "orange", 0.3, 1.0),
        (code(13), "1#窑", "red", 0.5, 1.0),
        (code(13), "2#窑", "red", 0.5, 1.0),
    ]
    assert unrated["enterprises"] == 2 and unrated["lines"] == 3
    assert [(c["id"], c["old_cut"], c["new_cut"]) for c in c_tier["changes"]] == [(code(18), 0.5, 0.6)]
    raised = {c["id"] for t in data["tiers"] for c in t["changes"]}
    assert raised.isdisjoint({code(14), code(15), code(16), code(17), code(19)})  # guarantee, noncompliant, idle, B, A
    assert data["before"]["pm"]["ratio"] == pytest.approx(0.225)
    assert data["after"]["pm"]["ratio"] == pytest.approx(0.3)
    assert data["binding"] == ["pm"]


def test_infeasible_reports_the_best_reachable_ratios(run, tmp_path: Path) -> None:
    enterprise_list = write(tmp_path / "list.yaml", INFEASIBLE)
    result = run("plan", "orange", "--list", enterprise_list, "--json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["ok"] is False and data["feasible"] is False
    assert data["basis"] == "listed"
    assert [(t["grades"], t["t"]) for t in data["tiers"]] == [(["unrated", "nonleading"], 1.0)]
    assert ratios(data, "before") == pytest.approx({"so2": 0.03, "nox": None, "pm": 0.12, "vocs": None})
    assert ratios(data, "after") == pytest.approx({"so2": 0.1, "nox": None, "pm": 0.4, "vocs": None})
    assert data["after"]["so2"]["ok"] is False and data["after"]["pm"]["ok"] is True
    assert data["binding"] == ["so2"]


def test_infeasible_human_output_names_the_binding_pollutant(run, tmp_path: Path) -> None:
    enterprise_list = write(tmp_path / "list.yaml", INFEASIBLE)
    result = run("plan", "orange", "--list", enterprise_list)
    assert result.exit_code == 1
    assert "INFEASIBLE" in result.stdout
    assert "SO₂ at most 10.00% < 30.00%" in result.stdout
    assert "basis: listed" in result.stdout


def test_infeasible_apply_writes_nothing(run, tmp_path: Path) -> None:
    enterprise_list = write(tmp_path / "list.yaml", INFEASIBLE)
    out = tmp_path / "planned.yaml"
    result = run("plan", "orange", "--list", enterprise_list, "--apply", "-o", out)
    assert result.exit_code == 1
    assert "nothing written" in result.stderr
    assert not out.exists()


def test_already_met_needs_no_tiers(run) -> None:
    result = run("plan", "red", "--list", COUNTY, "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["ok"] is True and data["already_met"] is True and data["tiers"] == []
    assert data["before"] == data["after"] and data["binding"] == []
    human = run("plan", "red", "--list", COUNTY)
    assert human.exit_code == 0 and "already met; nothing to add" in human.stdout


# -- the shipped example ----------------------------------------------------

def test_small_fails_orange_plan(run) -> None:
    """Worked in the file's header: PM 28%, VOCs 29% at orange.

    D is already stopped (left out). Unrated 中兴化工 at t = 1 adds VOCs 70 → 36%
    but no PM, so tier C: 南山焦化 PM 100 × 0.5 × t ≥ 20 → t = 0.4, cut 0.5 → 0.7.
    After: SO₂ (335 + 35 + 60)/1000, NOx (420 + 70 + 100)/1250, PM 300/1000, VOCs 380/1000.
    """
    result = run("plan", "orange", "--list", EXAMPLES / "small-fails-orange.yaml", "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert [(t["grades"], t["t"]) for t in data["tiers"]] == [(["unrated", "nonleading"], 1.0), (["C"], 0.4)]
    assert ratios(data, "after") == pytest.approx({"so2": 0.43, "nox": 0.472, "pm": 0.3, "vocs": 0.38})
    assert data["binding"] == ["pm"]


def test_small_fails_orange_apply_then_check_passes(run, tmp_path: Path) -> None:
    source = EXAMPLES / "small-fails-orange.yaml"
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    out = tmp_path / "planned.yaml"
    result = run("plan", "orange", "--list", source, "--apply", "-o", out, "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["written"] == str(out)
    assert hashlib.sha256(source.read_bytes()).hexdigest() == digest  # the original is never modified
    check = run("check", "orange", "--list", out, "--json")
    assert check.exit_code == 0, check.stdout
    pm = json.loads(check.stdout)["pollutants"]["pm"]
    assert pm["ratio"] == pytest.approx(0.3) and pm["ok"] is True
    planned = read_list(out).enterprise_list
    by_id = {e.id: e for e in planned.enterprises}
    # emissions-only enterprises get enterprise-level measures; red is raised with orange
    assert by_id["91140525MA0K272H7L"].measures[Level.ORANGE] == Measure(stop=True)
    assert by_id["91140525MA0K272H7L"].measures[Level.RED] == Measure(stop=True)
    assert by_id["91140525MA0KH3BJ1D"].measures == {Level.ORANGE: Measure(cut=0.7)}  # C at red already stops
    assert not [f for f in read_list(out).findings if f.is_error]


@pytest.mark.parametrize(("ui", "said"), [("zh", "# 示例县 应急减排清单，已按 `haze plan orange`（政策 shanxi-2024）写明"),
                                       ("en", "# 示例县 应急减排清单 with the cuts of `haze plan orange`")])
def test_the_planned_lists_comment_speaks_the_interfaces_language(run, tmp_path: Path, ui: str, said: str) -> None:
    """The header comment is haze writing to a person (SPEC §17): it was English in a zh run (QA helper-51)."""
    out = tmp_path / "planned.yaml"
    result = run("--ui", ui, "plan", "orange", "--list", EXAMPLES / "small-fails-orange.yaml", "--apply", "-o", out)
    assert result.exit_code == 0, result.stderr
    head = out.read_text(encoding="utf-8").splitlines()[:2]
    assert head[0].startswith(said) and (("依据" in head[1]) if ui == "zh" else head[1].startswith("# Planned from"))


def test_red_plan_for_small_fails_orange(run) -> None:
    """Red: PM 37%, VOCs 39%. C stops at red already; unrated 0.5 → stop adds VOCs 50 only,
    so tier B: PM 400 × 0.7 × t ≥ 30 → t = 0.11 (0.10 gives 28)."""
    result = run("plan", "red", "--list", EXAMPLES / "small-fails-orange.yaml", "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert [(t["grades"], t["t"]) for t in data["tiers"]] == [(["unrated", "nonleading"], 1.0), (["B"], 0.11)]
    assert data["after"]["pm"]["ratio"] == pytest.approx(0.4008)
    assert data["after"]["vocs"]["ratio"] == pytest.approx(0.4631)


def test_key_zone_measure_goes_on_the_effective_level(run, tmp_path: Path) -> None:
    enterprise_list = write(tmp_path / "list.yaml", TIER_C)
    out = tmp_path / "planned.yaml"
    result = run("plan", "orange", "--list", enterprise_list, "--apply", "-o", out)
    assert result.exit_code == 0, result.stderr
    assert f"wrote {out}" in result.stdout
    planned = {e.id: e for e in read_list(out).enterprise_list.enterprises}
    key_zone = planned[code(13)]
    assert [line.measures for line in key_zone.lines] == [{Level.RED: Measure(stop=True)}] * 2
    assert key_zone.measures == {}
    assert planned[code(18)].measures == {Level.ORANGE: Measure(cut=0.6)}
    assert planned[code(17)].measures == {} and planned[code(14)].measures == {}
    assert run("check", "orange", "--list", out).exit_code == 0


def one_unrated_line(line: str) -> str:
    """An unrated enterprise with one line (PM 400, measures given) beside an A one (PM 600)."""
    return HEAD + f"""\
  baseline: {{pm: 1000}}
enterprises:
  - id: {code(31)}
    name: 示例县化工有限公司
    grade: unrated
    lines:
      - name: 反应釜
        emissions: {{pm: 400}}
        measures: {line}
  - {{id: {code(32)}, name: 示例县彩印有限公司, grade: A, emissions: {{pm: 600}}}}
"""


def test_explicit_stricter_levels_are_raised_too(tmp_path: Path) -> None:
    """Raising orange above an explicit red would make red weaker than orange (E110)."""
    text = one_unrated_line("{orange: {cut: 0.3, actions: [停止投料]}, red: {cut: 0.4}}")
    enterprise_list = read_list(write(tmp_path / "list.yaml", text)).enterprise_list
    plan = make_plan(enterprise_list, SHANXI, Level.ORANGE)
    # 400 × 0.7 × t ≥ 300 − 120 → t = 0.65 (0.64 gives 299.2); cut 0.3 + 0.65 × 0.7 = 0.755
    assert plan.steps() == [(1, 65)]
    measures = apply_plan(enterprise_list, plan, SHANXI).enterprises[0].lines[0].measures
    assert measures == {Level.ORANGE: Measure(cut=0.755, actions=("停止投料",)), Level.RED: Measure(cut=0.755)}
    assert enterprise_list.enterprises[0].lines[0].measures[Level.RED] == Measure(cut=0.4)  # the original is untouched
    reread = parse_list(list_yaml(apply_plan(enterprise_list, plan, SHANXI)).encode(), "planned.yaml")
    assert [f.code for f in reread.findings if f.is_error] == []


def test_an_explicit_lower_level_cut_is_a_floor(tmp_path: Path) -> None:
    """An explicit yellow 80% above orange's 30% (from the grade): writing orange below 80%
    would be E110, so even t = 1% plans orange at 80%: 400 × 0.8 = 320 ≥ 300."""
    text = one_unrated_line("{yellow: {cut: 0.8}}")
    enterprise_list = read_list(write(tmp_path / "list.yaml", text)).enterprise_list
    plan = make_plan(enterprise_list, SHANXI, Level.ORANGE)
    assert plan.steps() == [(1, 1)]
    assert [(c.old_cut, c.new_cut) for c in plan.tiers[0].changes] == [(0.3, 0.8)]
    assert plan.after.pollutants[PM].ratio == pytest.approx(0.32)
    measures = apply_plan(enterprise_list, plan, SHANXI).enterprises[0].lines[0].measures
    assert measures[Level.ORANGE] == Measure(cut=0.8)


# -- command line: options, refusals, output --------------------------------

def test_json_shape_keeps_the_spec_keys(run) -> None:
    result = run("plan", "II", "--list", EXAMPLES / "small-fails-orange.yaml", "--json")
    data = json.loads(result.stdout)
    assert {"ok", "level", "tiers", "after"} <= set(data)
    assert data["level"] == "orange"
    assert all({"grades", "t"} <= set(t) for t in data["tiers"])
    assert set(data["after"]) == {"so2", "nox", "pm", "vocs"}
    assert all({"ratio", "ok"} <= set(v) for v in data["after"].values())
    assert result.stderr == ""


def test_human_output_shows_tiers_lines_and_ratios(run) -> None:
    result = run("plan", "orange", "--list", EXAMPLES / "small-fails-orange.yaml")
    assert result.exit_code == 0
    out = result.stdout
    assert "unrated/nonleading" in out and "100%" in out and "40%" in out
    assert "30% → stop" in out and "50% → 70%" in out
    assert "28.00%" in out and "30.00%" in out  # PM before and after
    assert "PLAN" in out and "binding: PM" in out
    summary = run("plan", "orange", "--list", EXAMPLES / "small-fails-orange.yaml", "--summary")
    assert "50% → 70%" not in summary.stdout and "40%" in summary.stdout


def test_bad_list_exits_2_and_writes_nothing(run, tmp_path: Path) -> None:
    enterprise_list = write(tmp_path / "list.yaml", HEAD + f"enterprises:\n  - {{id: {code(1)}, name: 示例县砖厂, grade: Z, "
                                            "emissions: {pm: 1}}\n")
    out = tmp_path / "planned.yaml"
    result = run("plan", "orange", "--list", enterprise_list, "--apply", "-o", out)
    assert result.exit_code == 2
    assert f"{enterprise_list}:5: error E104" in result.stderr
    assert not out.exists()
    assert result.stdout == ""


@pytest.mark.parametrize("args, message", [
    (["--apply"], "--apply needs -o FILE"),
    (["-o", "x.yaml"], "-o FILE is written only with --apply"),
    (["--apply", "-o", "x.csv"], "name it .yaml or .yml"),
])
def test_option_misuse_exits_2(run, args: list[str], message: str) -> None:
    result = run("plan", "orange", "--list", EXAMPLES / "small-fails-orange.yaml", *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert not Path("x.yaml").exists() and not Path("x.csv").exists()


def test_unknown_level_exits_2(run) -> None:
    result = run("plan", "purple", "--list", EXAMPLES / "small-fails-orange.yaml")
    assert result.exit_code == 2


def test_existing_output_needs_force(run, tmp_path: Path) -> None:
    out = write(tmp_path / "out" / "planned.yaml", "keep me\n")
    source = EXAMPLES / "small-fails-orange.yaml"
    refused = run("plan", "orange", "--list", source, "--apply", "-o", out)
    assert refused.exit_code == 2 and "already exists; pass --force" in refused.stderr
    assert out.read_text(encoding="utf-8") == "keep me\n"
    forced = run("plan", "orange", "--list", source, "--apply", "-o", out, "--force")
    assert forced.exit_code == 0
    assert run("check", "orange", "--list", out).exit_code == 0
    assert [p.name for p in out.parent.iterdir()] == ["planned.yaml"]  # no temporary file left


def test_never_overwrites_the_list_itself(run, tmp_path: Path) -> None:
    enterprise_list = write(tmp_path / "list.yaml", D_THEN_UNRATED)
    result = run("plan", "orange", "--list", enterprise_list, "--apply", "-o", enterprise_list, "--force")
    assert result.exit_code == 2 and "that is the list itself" in result.stderr
    assert enterprise_list.read_text(encoding="utf-8") == D_THEN_UNRATED


def test_apply_when_already_met_writes_an_equivalent_copy(run, tmp_path: Path) -> None:
    out = tmp_path / "copy.yaml"
    result = run("plan", "orange", "--list", COUNTY, "--apply", "-o", out)
    assert result.exit_code == 0
    assert list_document(read_list(out).enterprise_list) == list_document(read_list(COUNTY).enterprise_list)


def test_config_supplies_the_list(run, tmp_path: Path) -> None:
    write(Path("haze.yaml"), f"list: {EXAMPLES / 'small-fails-orange.yaml'}\n")
    result = run("plan", "orange", "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["list"]["path"] == str(EXAMPLES / "small-fails-orange.yaml")
    assert [(t["grades"], t["t"]) for t in data["tiers"]] == [(["unrated", "nonleading"], 1.0), (["C"], 0.4)]


# -- invariants ---------------------------------------------------------------

def test_raised_cut_rounds_up_to_six_decimals() -> None:
    assert raised_cut(0.3, 35) == 0.545  # 0.3 + 0.35 × 0.7 is 0.5449999… in floating point
    assert raised_cut(0.3, 0) == 0.3 and raised_cut(0.3, 100) == 1.0 and raised_cut(0.0, 1) == 0.01
    assert raised_cut(1 / 3, 50) == 0.666667  # never below the exact 0.6666…


def test_a_stricter_level_can_need_less_under_differentiated_cuts() -> None:
    """The issue's "a stricter level never needs a smaller plan" does not hold for shipped policies:
    C cuts 50% at orange but stops at red. Half the PM from A, half from C:
    orange 0.5 × 0.5 = 25% < 30% needs C at t = 0.2; red 0.5 × 1 = 50% ≥ 40% needs nothing."""
    enterprise_list = EnterpriseList(ListInfo(region="示例县", authority="示例县生态环境局"), [
        Enterprise(code(41), "示例县焦化有限公司", grade="C", lines=[Line("焦炉", {PM: 100})]),
        Enterprise(code(42), "示例县彩印有限公司", grade="A", lines=[Line("印刷", {PM: 100})]),
    ])
    assert make_plan(enterprise_list, SHANXI, Level.ORANGE).steps() == [(2, 20)]
    assert make_plan(enterprise_list, SHANXI, Level.RED).already_met


TRICKY = ["1e5", "123", "0356", "true", "no", "null", "~", "2024-12-01", "20:00", ".5", "- a", "a: b",
          "#x", "示例 县", "'q'", '"d"', "{x}", "[y]", "&a", "*b", "!t", "%p", "@", "`", "|", ">", "1_000", "0x1F"]
names = st.one_of(st.sampled_from(TRICKY),
                  st.text(st.sampled_from("示例县砖厂A9:#-' \"{}[],&*!|>%@`"), min_size=1, max_size=8)
                  .map(str.strip).filter(bool))
amounts = st.one_of(st.integers(0, 500), st.floats(0, 1e4, allow_nan=False, allow_infinity=False))
emissions = st.dictionaries(st.sampled_from(POLLUTANTS), amounts, max_size=4)
Y, O, R = LEVELS
# Explicit measures as valid lists have them (rising with the level), including an
# actions-only measure and a yellow cut above the policy's orange one.
TABLES = [
    {}, {}, {},
    {O: Measure(cut=0.5)},
    {Y: Measure(cut=0.2), O: Measure(cut=0.3, actions=("停止投料",)), R: Measure(cut=0.5)},
    {O: Measure(stop=True), R: Measure(stop=True, actions=("1e5",))},
    {R: Measure(cut=1 / 3)},
    {Y: Measure(cut=0.6)},
    {O: Measure(actions=("禁止货车运输",))},
    {Y: Measure(cut=0.0), O: Measure(cut=0.25), R: Measure(cut=0.8)},
]
measure_tables = st.sampled_from(TABLES).map(dict)  # a fresh dict: lines never share one


@st.composite
def enterprises(draw: st.DrawFn, n: int, explicit: bool = True) -> Enterprise:
    has_lines = draw(st.booleans())
    count = draw(st.integers(1, 3)) if has_lines else 1
    lines = [Line(draw(names) if has_lines else "", draw(emissions),
                  draw(measure_tables) if has_lines and explicit else {}) for _ in range(count)]
    e = Enterprise(
        id=code(100 + n), name=draw(names), town=draw(st.sampled_from(["", "城关镇"])),
        industry=draw(st.sampled_from(["", "cement", "casting", "printing"])),
        grade=draw(st.sampled_from(list(SHANXI.grades))), key_zone=draw(st.booleans()),
        category=draw(st.sampled_from(["normal"] * 4 + ["guarantee"])),
        compliant=draw(st.sampled_from([True] * 5 + [False])),
        status=draw(st.sampled_from([Status.OPERATING] * 6 + [Status.IDLE])),
        operating_days=draw(st.sampled_from([365, 300, 250.5])),
        contact=draw(st.sampled_from([None, Contact("张伟", "0356-1234567"), Contact("李", "")])),
        capacity=draw(st.sampled_from([None, Capacity(eia=120, permit=110, unit="吨/日"), Capacity(actual=5.5)])),
        lines=lines, has_lines=has_lines,
        measures=draw(measure_tables) if explicit else {},
    )
    if not has_lines:
        e.lines[0].name = e.name
    return e


@st.composite
def lists(draw: st.DrawFn, explicit: bool = True) -> EnterpriseList:
    count = draw(st.integers(1, 6))
    baseline = draw(st.one_of(st.none(), st.dictionaries(st.sampled_from(POLLUTANTS), st.integers(1, 5000),
                                                         min_size=1)))
    info = ListInfo(region=draw(names), authority="示例县生态环境局", season=draw(st.sampled_from(["", "2025-2026秋冬季"])),
                    policy=draw(st.sampled_from([None, "shanxi-2024"])), doc_prefix=draw(st.sampled_from(["", "示环应急"])),
                    baseline=baseline, strict_ids=draw(st.booleans()))
    sources = draw(st.lists(st.builds(OtherSource, name=names, kind=st.sampled_from(["", "dust"]),
                                      emissions=emissions, measures=measure_tables if explicit else st.just({})),
                            max_size=2))
    return EnterpriseList(info, [draw(enterprises(n, explicit)) for n in range(count)], sources)


PROPERTY = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(enterprise_list=lists(), level=st.sampled_from(LEVELS))
def test_plan_meets_the_level_and_is_minimal(enterprise_list: EnterpriseList, level: Level) -> None:
    plan = make_plan(enterprise_list, SHANXI, level)
    applied = compute(apply_plan(enterprise_list, plan, SHANXI), SHANXI, level)
    # what the engine computes on the planned list is what the plan says
    assert applied.ok == plan.feasible
    for p in POLLUTANTS:
        assert applied.pollutants[p].reduction == pytest.approx(plan.after.pollutants[p].reduction, abs=1e-9)
    if plan.already_met:
        assert plan.tiers == () and plan.before.ok
        return
    assert all(tier.percent == PERCENT for tier in plan.tiers[:-1])  # the next tier only after t = 1
    assert [tier.index for tier in plan.tiers] == sorted({tier.index for tier in plan.tiers})
    if not plan.feasible:
        assert all(tier.percent == PERCENT for tier in plan.tiers)
        assert plan.binding == tuple(plan.after.failing)
        return
    last = plan.tiers[-1]
    lower = [*plan.steps()[:-1], (last.index, last.percent - 1)]
    smaller = plan_steps(enterprise_list, plan.before, lower)
    assert not smaller.feasible
    assert not compute(apply_plan(enterprise_list, smaller, SHANXI), SHANXI, level).ok
    assert set(plan.binding) == set(smaller.after.failing) and plan.binding


@PROPERTY
@given(enterprise_list=lists(), level=st.sampled_from(LEVELS), shares=st.tuples(st.integers(0, 60), st.integers(0, 60)))
def test_a_stricter_requirement_never_needs_a_smaller_plan(enterprise_list: EnterpriseList, level: Level,
                                                           shares: tuple[int, int]) -> None:
    low, high = sorted(shares)
    plans = [make_plan(enterprise_list, with_requirement(SHANXI, share / 100), level) for share in (low, high)]
    assert plans[0].reach <= plans[1].reach


@PROPERTY
@given(enterprise_list=lists(explicit=False))
def test_red_never_needs_a_smaller_plan_than_orange_when_cuts_do_not_depend_on_the_level(
        enterprise_list: EnterpriseList) -> None:
    policy = level_independent(SHANXI)
    orange, red = (make_plan(enterprise_list, policy, level) for level in (Level.ORANGE, Level.RED))
    assert orange.reach <= red.reach


@PROPERTY
@given(enterprise_list=lists())
def test_the_yaml_reads_back_as_the_same_list(enterprise_list: EnterpriseList) -> None:
    report = parse_list(list_yaml(enterprise_list, "示例 header\nsecond line").encode("utf-8"), "copy.yaml")
    assert report.enterprise_list is not None and report.blocking == []
    assert list_document(report.enterprise_list) == list_document(enterprise_list)
    for level in LEVELS:
        original, copy = compute(enterprise_list, SHANXI, level), compute(report.enterprise_list, SHANXI, level)
        assert {p: r.reduction for p, r in copy.pollutants.items()} == \
            {p: r.reduction for p, r in original.pollutants.items()}


@settings(max_examples=60, deadline=None)
@given(enterprise_list=lists(), level=st.sampled_from(LEVELS), order=st.randoms(use_true_random=False))
def test_the_plan_does_not_depend_on_the_order_of_the_list(enterprise_list: EnterpriseList, level: Level, order) -> None:
    """The same enterprises in another order get the same tiers, t and raised cuts (the
    plan is decided by grade and emissions, never by where a row stands in the file)."""
    shuffled = replace(enterprise_list, enterprises=order.sample(enterprise_list.enterprises, len(enterprise_list.enterprises)))
    a, b = make_plan(enterprise_list, SHANXI, level), make_plan(shuffled, SHANXI, level)

    def raised(plan) -> list[tuple[int, str, str, float, float]]:
        return sorted((tier.index, plan.before.enterprises[c.enterprise].enterprise.id,
                       plan.before.enterprises[c.enterprise].lines[c.line].name, c.old_cut, c.new_cut)
                      for tier in plan.tiers for c in tier.changes)

    assert b.steps() == a.steps() and (b.feasible, b.binding) == (a.feasible, a.binding)
    assert raised(b) == raised(a)
    for p in POLLUTANTS:
        assert b.after.pollutants[p].reduction == pytest.approx(a.after.pollutants[p].reduction, rel=1e-12, abs=1e-15)


def with_requirement(policy: Policy, share: float) -> Policy:
    return replace(policy, requirements={lv: {p: share for p in POLLUTANTS} for lv in LEVELS})


def level_independent(policy: Policy) -> Policy:
    """The policy with its orange measures at every level, and the usual 30% / 40% requirements."""
    def flat(table: dict[Level, Measure]) -> dict[Level, Measure]:
        return {lv: table[Level.ORANGE] for lv in LEVELS} if Level.ORANGE in table else {}

    return replace(policy,
                   grades={g: replace(d, measures=flat(d.measures)) for g, d in policy.grades.items()},
                   industries={i: {g: flat(t) for g, t in grades.items()} for i, grades in policy.industries.items()},
                   categories={c: replace(d, measures=flat(d.measures)) for c, d in policy.categories.items()})


def test_tiers_are_the_spec_order() -> None:
    """SPEC §11 with §19: worst rank first, B- before B, never A or leading."""
    for name in ("shanxi-2024", "national-2019"):
        assert load_policy(name).tiers() == (("D",), ("unrated", "nonleading"), ("C",), ("B-",), ("B",))


# -- what the terminal shows --------------------------------------------------

# Infeasible by a hair: stopping the unrated enterprise reaches SO₂ 299.96 / 1000 = 29.996% of the
# listed emissions, short of 30% by more than the 1e-9 tolerance. Rounded to the nearest it
# would print "30.00% < 30.00%"; rounded down it reads 29.99%.
HAIR_SHORT = HEAD + f"""\
enterprises:
  - {{id: {code(41)}, name: 示例县西城彩印有限公司, grade: A, emissions: {{so2: 700.04}}}}
  - {{id: {code(42)}, name: 示例县中兴化工有限公司, grade: unrated, emissions: {{so2: 299.96}}}}
"""


def test_an_infeasible_plan_never_shows_a_failing_ratio_as_reaching_the_requirement(run, tmp_path: Path) -> None:
    enterprise_list = write(tmp_path / "list.yaml", HAIR_SHORT)
    data = json.loads(run("plan", "orange", "--list", enterprise_list, "--json").stdout)
    assert data["feasible"] is False and data["after"]["so2"]["ratio"] == pytest.approx(0.29996)
    result = run("plan", "orange", "--list", enterprise_list, env={"COLUMNS": "200"})
    assert result.exit_code == 1
    assert "SO₂ at most 29.99% < 30.00%" in result.stdout
    row = next(line for line in result.stdout.splitlines() if "SO₂ 二氧化硫" in line)
    assert "29.99%" in row and "30.00%" in row and row.count("30.00%") == 1  # after 29.99%, required 30.00%
    assert "INFEASIBLE: orange (橙色预警, Ⅱ级响应) cannot be met" in result.stdout


def test_names_with_brackets_are_printed_as_written_never_as_markup(run, tmp_path: Path) -> None:
    # rich would read "[/]" as a closing tag (MarkupError: exit 3) and swallow "[bold red]"
    text = TIER_C.replace("name: 示例县中兴化工有限公司", 'name: "中兴[/]化工"') \
        .replace("{name: 1#窑,", '{name: "[bold red]1#窑",')
    enterprise_list = write(tmp_path / "list.yaml", text)
    result = run("plan", "orange", "--list", enterprise_list, env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.stderr
    assert "中兴[/]化工" in result.stdout
    assert "[bold red]1#窑" in result.stdout


def test_the_plan_command_is_one_library_call(tmp_path: Path) -> None:
    from haze.commands.plan import plan_list

    enterprise_list = write(tmp_path / "list.yaml", TIER_C)
    out = tmp_path / "planned.yaml"
    done = plan_list(enterprise_list, None, Level.ORANGE, cache=False, output=out)
    assert done.written == out and out.exists()
    assert done.plan.steps() == [(1, 100), (2, 20)]
    # no contact for the notices (the idle 16 gets none): warned, not refused
    assert [f.enterprise for f in done.warnings if f.code == "W304"] == [code(n) for n in (11, 12, 13, 14, 15, 17, 18, 19)]
    assert done.enterprise_list.path == str(enterprise_list)
    assert compute(read_list(out).enterprise_list, SHANXI, Level.ORANGE).ok


def test_a_planned_list_that_fails_its_own_check_is_one_line_and_not_written(run, tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """The read-back check is haze checking itself: a failure is a clear refusal (exit 2), not a crash."""
    import haze.commands.plan

    monkeypatch.setattr(haze.commands.plan, "apply_plan", lambda enterprise_list, plan, policy: enterprise_list)  # a plan that adds nothing
    enterprise_list = write(tmp_path / "in" / "list.yaml", TIER_C)
    out = tmp_path / "in" / "planned.yaml"
    result = run("plan", "orange", "--list", enterprise_list, "--apply", "-o", out)
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines()[-1] == (
        f"haze: error: {out}: the planned list does not meet orange when read back — a haze bug: "
        "please report it with the list; nothing written")
    assert list(enterprise_list.parent.iterdir()) == [enterprise_list]  # no planned list, no temporary file


def test_writing_a_plan_does_not_load_the_spreadsheet_module(tmp_path: Path) -> None:
    import subprocess
    import sys

    enterprise_list = write(tmp_path / "list.yaml", TIER_C)
    script = ("import sys\nfrom haze.cli import cli\n"
              f"try:\n    cli(['plan', 'orange', '--list', {str(enterprise_list)!r}, '--apply', '-o', {str(tmp_path / 'p.yaml')!r},"
              " '--no-cache'])\nexcept SystemExit:\n    pass\n"
              "print('SHEETS' if 'haze.render.sheets' in sys.modules else 'NO SHEETS', file=sys.stderr)")
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path, check=False)
    assert (tmp_path / "p.yaml").exists(), proc.stderr
    assert proc.stderr.splitlines()[-1] == "NO SHEETS"
