"""Policies (SPEC §3): the shipped tables exactly as the SPEC gives them, custom files, and their errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from haze.core.errors import PolicyError
from haze.core.model import LEVELS, Level, Pollutant
from haze.core.policy import DEFAULT_POLICY, Policy, load_policy, parse_policy, shipped_policies

from conftest import ROOT, write

SHIPPED = ("shanxi-2024", "national-2019")
TRUCKS = "停止使用国四及以下重型柴油货车（含燃气）进行物料运输"
STOP = 1.0

# SPEC §3: default grade measures (cut fraction of production) at yellow, orange, red
GRADE_TABLE = {
    "A": (0.0, 0.0, 0.0),
    "leading": (0.0, 0.0, 0.0),
    "B": (0.1, 0.2, 0.3),
    "B-": (0.1, 0.2, 0.3),  # SPEC §19: B's measures, a default a bureau replaces
    "C": (0.3, 0.5, STOP),
    "D": (STOP, STOP, STOP),
    "nonleading": (0.2, 0.3, 0.5),
    "unrated": (0.2, 0.3, 0.5),
}
# SPEC §3: the cement override (环办大气函〔2020〕340号)
CEMENT_TABLE = {
    "B": (0.0, 0.2, STOP),
    "B-": (0.0, 0.2, STOP),
    "C": (0.5, STOP, STOP),
    "D": (STOP, STOP, STOP),
}


def test_shipped_policies_and_default() -> None:
    assert shipped_policies() == sorted(SHIPPED)
    assert DEFAULT_POLICY == "shanxi-2024"
    assert load_policy(None).name == "shanxi-2024"


@pytest.mark.parametrize(("name", "shares"), [("shanxi-2024", (0.2, 0.3, 0.4)), ("national-2019", (0.1, 0.2, 0.3))])
def test_required_shares(name: str, shares: tuple[float, float, float]) -> None:
    pol = load_policy(name)
    assert pol.name == name
    for level, share in zip(LEVELS, shares):
        assert {p: pol.requirement(level, p) for p in Pollutant} == {p: share for p in Pollutant}
        assert pol.uniform_requirement(level) == share


@pytest.mark.parametrize("name", SHIPPED)
def test_grade_table_as_the_spec_gives_it(name: str) -> None:
    pol = load_policy(name)
    for grade, cuts in GRADE_TABLE.items():
        got = tuple(pol.grade_measure(grade, level).value for level in LEVELS)
        assert got == cuts, grade
    for level in LEVELS:
        guarantee = pol.category_measure("guarantee", level)
        assert guarantee.value == 0.0 and guarantee.sets_cut   # 以热定产: sets 0, so grade measures do not apply
        assert any("以热定产" in a for a in guarantee.actions)
        assert pol.category_measure("normal", level) is None
        for grade in ("A", "leading"):
            assert pol.grade_measure(grade, level).actions == ("自主采取减排措施",)


@pytest.mark.parametrize("name", SHIPPED)
def test_cement_override_and_the_truck_ban(name: str) -> None:
    pol = load_policy(name)
    for grade, cuts in CEMENT_TABLE.items():
        assert tuple(pol.industry_measure("cement", grade, level).value for level in LEVELS) == cuts
    assert TRUCKS in pol.industry_measure("cement", "B", Level.YELLOW).actions  # 0 + truck ban
    for grade in ("B", "C", "D"):
        for level in (Level.ORANGE, Level.RED):
            assert TRUCKS in pol.grade_measure(grade, level).actions
            assert TRUCKS in pol.industry_measure("cement", grade, level).actions
        assert TRUCKS not in pol.grade_measure(grade, Level.YELLOW).actions
    # no override for A or for other industries: the grade table applies
    assert pol.industry_measure("cement", "A", Level.RED) is None
    assert pol.industry_measure("casting", "C", Level.RED) is None


@pytest.mark.parametrize("name", SHIPPED)
def test_escalation_noncompliant_actions_and_industry_names(name: str) -> None:
    pol = load_policy(name)
    assert pol.zone_escalation == 1
    assert pol.noncompliant_actions and "停产" in pol.noncompliant_actions[0]
    assert pol.industry_names["cement"] == "水泥"
    # an industry may be written as the policy's key or its Chinese name
    assert [pol.industry_key(x) for x in ("cement", "Cement ", "水泥", "砖瓦窑", "造纸", "")] == [
        "cement", "cement", "cement", "brick", None, None]
    assert pol.industry_label("cement") == "水泥" and pol.industry_label("造纸") == "造纸"


MINIMAL = "name: 示例县-最简\nrequirements: {orange: 0.25}\ngrades: {C: {orange: 0.5}}\n"


def test_minimal_custom_policy(tmp_path: Path) -> None:
    pol = load_policy(str(write(tmp_path / "minimal.yaml", MINIMAL)))
    assert isinstance(pol, Policy) and pol.name == "示例县-最简"
    assert pol.zone_escalation == 1  # the default
    assert pol.uniform_requirement(Level.ORANGE) == 0.25
    with pytest.raises(PolicyError, match="gives no requirement at red"):  # never a silent 0%
        pol.uniform_requirement(Level.RED)
    assert pol.industries == {} and pol.unrated_as is None
    # the built-in grades and categories exist; only C has measures (a policy without grades is refused)
    assert list(pol.grades) == ["A", "leading", "B", "C", "unrated", "nonleading", "D"]
    assert pol.grade_measure("C", Level.ORANGE).cut == 0.5
    assert all(g.measures == {} for k, g in pol.grades.items() if k != "C")
    assert list(pol.categories) == ["normal", "guarantee"]


def test_a_pollutant_left_out_of_a_level_is_refused(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="requirements at orange give no share for pm, vocs"):
        load_policy(str(write(tmp_path / "partial.yaml", "requirements: {orange: {so2: 0.3, nox: 0.3}}\n")))


def test_check_at_a_level_the_policy_leaves_out_is_one_line_exit_2(run, tmp_path: Path) -> None:
    pol = write(tmp_path / "orange-only.yaml", "requirements: {orange: 0.3}\ngrades: {C: {orange: 0.5}}\n")
    result = run("check", "red", "--list", str(ROOT / "examples" / "worked-example.yaml"), "--policy", str(pol))
    assert result.exit_code == 2
    assert "gives no requirement at red" in result.stderr and "Traceback" not in result.stderr


def test_policy_name_defaults_to_the_file_stem(tmp_path: Path) -> None:
    pol = load_policy(str(write(tmp_path / "county-2026.yml", "requirements: {red: 0.5}\ngrades: {D: {red: 1}}\n")))
    assert pol.name == "county-2026"


def test_full_custom_policy_with_aliases(tmp_path: Path) -> None:
    text = """\
name: 示例市
requirements:
  黄色: 0.15
  Ⅱ: {so2: 0.2, 氮氧化物: 0.25, pm: 0.3, VOCs: 0.3}
  1: 0.35
zone_escalation: 2
grades:
  B级: {yellow: {cut: "10%"}, orange: 0.2, red: 停产}
  未评级: {yellow: {cut: 0.3}}
industries:
  Coking:
    C: {orange: {stop: true, actions: [焖炉保温]}}
categories:
  保障类: {red: {cut: 0, actions: [以热定产]}}
noncompliant:
  actions: [停产整治]
names:
  industries: {coking: 焦化}
"""
    pol = load_policy(str(write(tmp_path / "city.yaml", text)))
    assert pol.uniform_requirement(Level.YELLOW) == 0.15
    assert pol.uniform_requirement(Level.ORANGE) == {"so2": 0.2, "nox": 0.25, "pm": 0.3, "vocs": 0.3}
    assert pol.uniform_requirement(Level.RED) == 0.35
    assert pol.zone_escalation == 2
    assert [pol.grade_measure("B", level).value for level in LEVELS] == [0.1, 0.2, 1.0]
    assert pol.grade_measure("unrated", Level.RED) is None
    assert pol.industry_measure("焦化", "C", Level.ORANGE).actions == ("焖炉保温",)
    assert pol.category_measure("guarantee", Level.RED).actions == ("以热定产",)
    assert pol.noncompliant_actions == ("停产整治",)


@pytest.mark.parametrize(("text", "message"), [
    ("name: x\n", "needs 'requirements'"),
    ("requirements: {orange: 3}\n", "must be a share from 0 to 1"),
    ("requirements: {purple: 0.3}\n", "unknown level 'purple'"),
    ("requirements: {orange: {so2: 0.3, co2: 0.1}}\n", "unknown pollutant 'co2'"),
    ("requirements: {orange: 0.3}\nzone_escalation: -1\n", "zone_escalation must be a whole number"),
    ("requirements: {orange: 0.3}\nzone_escalation: one\n", "zone_escalation must be a whole number"),
    ("requirements: {orange: 0.3}\ngrades: {E: {orange: {cut: 0.1}}}\n", "unknown grade 'E'"),
    ("requirements: {orange: 0.3}\ngrades: {B: {orange: {cut: 1.5}}}\n", "E105"),
    ("requirements: {orange: 0.3}\ngrades: {B: {orange: {cut: 0.5}, red: {cut: 0.2}}}\n", "E110"),
    ("requirements: {orange: 0.3}\ncategories: {vip: {red: {cut: 0}}}\n", "unknown category 'vip'"),
    ("requirements: {orange: 0.3}\nindustries: [cement]\n", "industries must be a mapping"),
    ("requirements: {orange: 0.3}\ncategories: guarantee\n", "categories must be a mapping"),
    ("requirements: {orange: 0.3}\nnames: {industries: [铸造]}\n", "industries must be a mapping"),
    ("requirements: {orange: 0.3}\n  bad: [\n", "YAML syntax"),
    ("- just a list\n", "a policy must be a mapping"),
])
def test_broken_policy_is_one_clear_error(text: str, message: str) -> None:
    with pytest.raises(PolicyError) as caught:
        parse_policy(text.encode("utf-8"), "county.yaml")
    assert message in str(caught.value)
    assert str(caught.value).startswith("county.yaml")
    assert caught.value.exit_code == 2


def test_broken_policy_error_names_the_line() -> None:
    text = "name: x\nrequirements: {orange: 0.3}\ngrades:\n  B:\n    orange: {cut: 2}\n"
    with pytest.raises(PolicyError, match=r"^county\.yaml:5: error E105"):
        parse_policy(text.encode("utf-8"), "county.yaml")


def test_unknown_policy_name_lists_the_shipped_ones() -> None:
    with pytest.raises(PolicyError, match="unknown policy 'shanxi-2023': use one of national-2019, shanxi-2024"):
        load_policy("shanxi-2023")


def test_missing_policy_file() -> None:
    with pytest.raises(PolicyError, match="no-such-policy.yaml: cannot read policy"):
        load_policy("no-such-policy.yaml")
