"""SPEC §4 rule by rule, with numbers worked out by hand in the comments.

Lists are small YAML documents written here; emissions are chosen so that the
daily figures are round (365 t/a = 1 t/d, 73 t/a = 0.2 t/d, 36.5 t/a = 0.1 t/d).
At the end, hypothesis compares the engine with an independent reading of §4
(written straight from the SPEC over the raw YAML, not the model) on random
lists, as the acceptance test does with held-out lists.
"""

from __future__ import annotations

import functools
import math
import textwrap
from importlib import resources
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from haze.core.errors import PolicyError
from haze.core.creditcode import check_character
from haze.core.engine import LevelResult, compute
from haze.io.lists import parse_list
from haze.core.model import LEVELS, EnterpriseList, Level, Pollutant
from haze.core.policy import Policy, load_policy, parse_policy

from conftest import COUNTY, EXAMPLES

SO2, NOX, PM, VOCS = Pollutant.SO2, Pollutant.NOX, Pollutant.PM, Pollutant.VOCS
YELLOW, ORANGE, RED = Level.YELLOW, Level.ORANGE, Level.RED
HEAD = "list:\n  region: 示例县\n  authority: 示例县生态环境局\n"
TRUCKS = "停止使用国四及以下重型柴油货车（含燃气）进行物料运输"
NONCOMPLIANT_ACTION = "未达到排放标准或未按期完成治理任务，全部停产整治"


def credit(n: int) -> str:
    """A valid fictional credit code (GB 32100 check character computed)."""
    first = f"91140525MA0T{n:05d}"
    return first + check_character(first)


def load(body: str, head: str = HEAD) -> EnterpriseList:
    """A list from YAML written in a test; ``ID1``…``ID9`` become valid credit codes."""
    text = head + textwrap.dedent(body)
    for n in range(9, 0, -1):
        text = text.replace(f"ID{n}", credit(n))
    report = parse_list(text.encode("utf-8"), "test.yaml")
    assert report.enterprise_list is not None and not report.blocking, [f.format() for f in report.findings]
    return report.enterprise_list


def policy(body: str) -> Policy:
    return parse_policy(textwrap.dedent(body).encode("utf-8"), "custom-policy.yaml")


def at(body: str, level: Level, pol: Policy | str = "shanxi-2024", head: str = HEAD) -> LevelResult:
    return compute(load(body, head), load_policy(pol) if isinstance(pol, str) else pol, level)


def ent(result: LevelResult, name: str) -> Any:
    return next(r for r in result.enterprises if r.enterprise.name == name)


# -- §4.1 step 1: noncompliant ------------------------------------------------------

NONCOMPLIANT = """
enterprises:
  - id: ID1
    name: 不达标铸造厂
    industry: casting
    grade: A            # would self-manage (cut 0) if compliant
    zone: key           # would be raised if compliant
    compliant: false
    lines:
      - name: 1#冲天炉
        emissions: {so2: 365, pm: 73}          # 1 t/d, 0.2 t/d
        measures: {yellow: {cut: 0.1}, orange: {cut: 0.2}, red: {cut: 0.3, actions: [停止熔炼]}}
      - name: 制芯工段
        emissions: {vocs: 730}                 # 2 t/d
"""


@pytest.mark.parametrize("level", LEVELS)
def test_noncompliant_stops_every_line_at_every_level_without_escalation(level: Level) -> None:
    r = ent(at(NONCOMPLIANT, level), "不达标铸造厂")
    assert r.reason == "noncompliant"
    assert r.effective_level is level  # the declared level: no zone escalation
    assert [(line.cut, line.source) for line in r.lines] == [(1.0, "noncompliant"), (1.0, "noncompliant")]
    # everything stops: the reduction is the whole daily emission
    assert r.reduction == {SO2: 1.0, NOX: 0.0, PM: pytest.approx(0.2), VOCS: 2.0}
    assert r.actions == [NONCOMPLIANT_ACTION]


def test_noncompliant_accepts_chinese_no() -> None:
    r = ent(at(NONCOMPLIANT.replace("compliant: false", "compliant: 否"), YELLOW), "不达标铸造厂")
    assert r.reason == "noncompliant" and r.stopped


# -- §4.1 step 2: key zone -------------------------------------------------------------

ZONES = """
enterprises:
  - id: ID1
    name: 重点区域焦化厂
    industry: coking
    grade: C
    zone: key
    emissions: {nox: 365}      # 1 t/d
  - id: ID2
    name: 一般区域焦化厂
    industry: coking
    grade: C
    emissions: {nox: 365}
"""


@pytest.mark.parametrize(("level", "effective", "reason", "cut"), [
    (YELLOW, ORANGE, "zone", 0.5),   # C at orange cuts 0.5
    (ORANGE, RED, "zone", 1.0),      # C at red stops
    (RED, RED, "level", 1.0),        # capped at red: not raised, so the reason is "level"
])
def test_key_zone_takes_the_next_stricter_level_capped_at_red(level: Level, effective: Level, reason: str,
                                                              cut: float) -> None:
    result = at(ZONES, level)
    key = ent(result, "重点区域焦化厂")
    assert (key.effective_level, key.reason) == (effective, reason)
    assert key.lines[0].cut == cut and key.lines[0].source == "grade"
    assert key.reduction[NOX] == pytest.approx(cut)  # 1 t/d × cut
    plain = ent(result, "一般区域焦化厂")
    assert (plain.effective_level, plain.reason) == (level, "level")


def _escalation_policy(steps: int) -> Policy:
    return policy(f"""
        name: steps-{steps}
        requirements: {{yellow: 0.2, orange: 0.3, red: 0.4}}
        zone_escalation: {steps}
        grades:
          C: {{yellow: {{cut: 0.3}}, orange: {{cut: 0.5}}, red: {{stop: true}}}}
    """)


@pytest.mark.parametrize(("steps", "level", "effective", "reason", "cut"), [
    (0, YELLOW, YELLOW, "level", 0.3),  # no escalation at all
    (0, ORANGE, ORANGE, "level", 0.5),
    (2, YELLOW, RED, "zone", 1.0),      # two steps: yellow -> red
    (2, ORANGE, RED, "zone", 1.0),      # two steps from orange, capped at red
    (2, RED, RED, "level", 1.0),
])
def test_zone_escalation_from_a_custom_policy(steps: int, level: Level, effective: Level, reason: str,
                                              cut: float) -> None:
    key = ent(at(ZONES, level, _escalation_policy(steps)), "重点区域焦化厂")
    assert (key.effective_level, key.reason, key.lines[0].cut) == (effective, reason, cut)


# -- §4.1 step 3: the measure chain ----------------------------------------------------------

CHAIN_POLICY = """
name: chain
requirements: {yellow: 0.2, orange: 0.3, red: 0.4}
grades:
  B: {orange: {cut: 0.2, actions: [G]}}
industries:
  cement: {B: {orange: {cut: 0.4, actions: [I]}}}
categories:
  guarantee: {orange: {cut: 0.05, actions: [C]}}
"""

CHAIN = """
enterprises:
  - id: ID1
    name: 全链条
    industry: cement
    grade: B
    category: guarantee
    lines:
      - name: 有自己措施的线
        emissions: {pm: 365}
        measures: {orange: {cut: 0.7, actions: [L]}}
      - name: 只有行动的线
        emissions: {pm: 365}
        measures: {orange: {actions: [L2, L]}}
      - name: 只有红色措施的线
        emissions: {pm: 365}
        measures: {red: {stop: true}}
    measures: {orange: {cut: 0.6, actions: [E]}}
  - id: ID2
    name: 保障类
    industry: cement
    grade: B
    category: 保障类
    emissions: {pm: 365}
  - id: ID3
    name: 行业
    industry: cement
    grade: B
    emissions: {pm: 365}
  - id: ID4
    name: 绩效等级
    industry: casting
    grade: B
    emissions: {pm: 365}
  - id: ID5
    name: 企业只有行动
    industry: cement
    grade: B
    emissions: {pm: 365}
    measures: {orange: {actions: [E5]}}
  - id: ID6
    name: 无措施
    industry: casting
    grade: A
    emissions: {pm: 365}
"""


def test_measure_chain_order_sources_and_actions() -> None:
    result = at(CHAIN, ORANGE, policy(CHAIN_POLICY))
    full = ent(result, "全链条")
    # line > enterprise: the first measure that sets a cut wins, an actions-only one is skipped,
    # and a measure for another level is not consulted.
    assert [(line.cut, line.source) for line in full.lines] == [
        (0.7, "line"), (0.6, "enterprise"), (0.6, "enterprise")]
    # every measure of every chain adds its actions, first to last, without repeats:
    # line 1 gives L E C I G, line 2 adds L2 (its L is a repeat), line 3 adds nothing new.
    assert full.actions == ["L", "E", "C", "I", "G", "L2"]
    # 1 t/d per line: 0.7 + 0.6 + 0.6
    assert full.reduction[PM] == pytest.approx(1.9)

    assert [(r.lines[0].cut, r.lines[0].source, r.actions) for r in result.enterprises[1:]] == [
        (0.05, "category", ["C", "I", "G"]),   # guarantee before industry and grade
        (0.4, "industry", ["I", "G"]),         # industry override before grade
        (0.2, "grade", ["G"]),                 # casting has no override
        (0.4, "industry", ["E5", "I", "G"]),   # actions-only enterprise measure: no cut, its actions count
        (0.0, None, []),                       # nothing in the chain: cut 0, no source
    ]


def test_category_normal_is_never_looked_up() -> None:
    pol = policy(CHAIN_POLICY + "  normal: {orange: {cut: 0.9, actions: [N]}}\n")
    r = ent(at(CHAIN, ORANGE, pol), "绩效等级")
    assert (r.lines[0].cut, r.lines[0].source, r.actions) == (0.2, "grade", ["G"])


def test_stop_is_cut_one_and_cut_forms() -> None:
    body = """
    enterprises:
      - id: ID1
        name: 写法
        grade: B
        lines:
          - {name: stop, emissions: {so2: 365}, measures: {orange: {stop: true}}}
          - {name: 停产, emissions: {so2: 365}, measures: {orange: 停产}}
          - {name: percent, emissions: {so2: 365}, measures: {orange: {cut: "45%"}}}
          - {name: shorthand, emissions: {so2: 365}, measures: {orange: 0.25}}
          - {name: no stop, emissions: {so2: 365}, measures: {orange: {stop: false}}}
    """
    r = ent(at(body, ORANGE), "写法")
    # stop: false sets nothing, so grade B at orange (0.2) applies to the last line
    assert [(line.cut, line.source) for line in r.lines] == [
        (1.0, "line"), (1.0, "line"), (0.45, "line"), (0.25, "line"), (0.2, "grade")]
    assert r.reduction[SO2] == pytest.approx(1 + 1 + 0.45 + 0.25 + 0.2)


CEMENT = """
enterprises:
  - {id: ID1, name: 水泥B, industry: cement, grade: B, emissions: {nox: 365}}
  - {id: ID2, name: 铸造B, industry: casting, grade: B, emissions: {nox: 365}}
  - {id: ID3, name: 水泥C, industry: cement, grade: C, emissions: {nox: 365}}
  - {id: ID4, name: 铸造C, industry: casting, grade: C, emissions: {nox: 365}}
  - {id: ID5, name: 水泥D, industry: cement, grade: D, emissions: {nox: 365}}
  - {id: ID6, name: 水泥A, industry: cement, grade: A, emissions: {nox: 365}}
  - {id: ID7, name: 中文行业名, industry: 水泥, grade: C, emissions: {nox: 365}}
"""


@pytest.mark.parametrize(("level", "cuts"), [
    # cement B, casting B, cement C, casting C, cement D, cement A, 水泥 C
    (YELLOW, [0.0, 0.1, 0.5, 0.3, 1.0, 0.0, 0.5]),
    (ORANGE, [0.2, 0.2, 1.0, 0.5, 1.0, 0.0, 1.0]),
    (RED, [1.0, 0.3, 1.0, 1.0, 1.0, 0.0, 1.0]),
])
def test_cement_override_beats_the_grade_table(level: Level, cuts: list[float]) -> None:
    result = at(CEMENT, level)
    assert [r.lines[0].cut for r in result.enterprises] == cuts
    assert [r.lines[0].source for r in result.enterprises] == [
        "industry", "grade", "industry", "grade", "industry", "grade", "industry"]


def test_cement_b_yellow_cuts_nothing_but_bans_trucks() -> None:
    r = ent(at(CEMENT, YELLOW), "水泥B")
    assert r.lines[0].cut == 0.0 and r.actions == [TRUCKS]
    assert r.reduction[NOX] == 0.0


# -- idle ---------------------------------------------------------------------------------

IDLE = """
enterprises:
  - id: ID1
    name: 在产砖厂
    grade: D
    emissions: {pm: 365}                 # 1 t/d, stops
  - id: ID2
    name: 停产砖厂
    grade: D
    status: 停产
    capacity: {eia: 10, unit: 万块/年}
    emissions: {pm: 730}                 # listed, but not counted
  - id: ID3
    name: 停产无排放
    grade: C
    status: idle
"""


def test_idle_enterprises_reduce_nothing_and_are_not_in_the_listed_baseline() -> None:
    result = at(IDLE, ORANGE)
    idle = ent(result, "停产砖厂")
    assert (idle.reason, idle.effective_level, idle.cap, idle.actions) == ("idle", ORANGE, None, [])
    assert [(line.cut, line.source) for line in idle.lines] == [(0.0, "idle")]
    assert idle.reduction == {p: 0.0 for p in Pollutant}
    bare = ent(result, "停产无排放")
    assert (bare.reason, bare.lines, bare.reduction[PM]) == ("idle", [], 0.0)
    pm = result.pollutants[PM]
    # listed baseline: only the operating works' 1 t/d; it stops, so the ratio is 1
    assert (pm.basis, pm.baseline, pm.reduction, pm.ratio) == ("listed", 1.0, 1.0, 1.0)
    assert [r.enterprise.name for r in result.operating] == ["在产砖厂"]


# -- §4.2: operating days --------------------------------------------------------------------

def test_operating_days_divide_daily_emissions() -> None:
    body = """
    enterprises:
      - id: ID1
        name: 季节性砖厂
        grade: B
        operating_days: 300
        emissions: {so2: 150}       # 150 / 300 = 0.5 t/d (not 150 / 365)
    other_sources:
      - name: 散煤
        emissions: {so2: 73}        # other sources always 365 days: 0.2 t/d
    """
    result = at(body, YELLOW)
    r = result.enterprises[0]
    assert r.lines[0].daily[SO2] == 0.5
    assert r.reduction[SO2] == pytest.approx(0.05)          # 0.5 × 0.1 (B at yellow)
    assert result.pollutants[SO2].baseline == pytest.approx(0.7)  # listed: 0.5 + 0.2
    assert result.pollutants[SO2].ratio == pytest.approx(0.05 / 0.7)


# -- other sources ------------------------------------------------------------------------------

SOURCES = """
enterprises:
  - {id: ID1, name: 重点区域企业, grade: B, zone: key, emissions: {pm: 365}}
other_sources:
  - name: 道路扬尘
    kind: dust
    emissions: {pm: 365}                                   # 1 t/d
    measures: {yellow: {cut: 0.3}, red: {stop: true, actions: [全部停止]}}
  - name: 散煤
    kind: residential
    emissions: {so2: 73}                                   # 0.2 t/d, no measures
  - name: 机动车
    kind: mobile
    emissions: {nox: 365}
    measures: {orange: {actions: [国四以下货车禁行]}}       # actions only: cut 0
"""


@pytest.mark.parametrize(("level", "dust", "actions"), [
    (YELLOW, 0.3, []),
    (ORANGE, 0.0, []),            # no orange measure: 0, never the yellow one, never escalated
    (RED, 1.0, ["全部停止"]),
])
def test_other_sources_use_their_own_measure_of_the_declared_level(level: Level, dust: float,
                                                                   actions: list[str]) -> None:
    result = at(SOURCES, level)
    road, coal, cars = result.other_sources
    assert (road.cut, road.reduction[PM], road.actions) == (dust, dust, actions)
    assert (coal.cut, coal.reduction[SO2]) == (0.0, 0.0)
    assert cars.cut == 0.0 and cars.reduction[NOX] == 0.0
    assert cars.actions == (["国四以下货车禁行"] if level is ORANGE else [])


# -- §4.3: baseline, ratio, shortfall ---------------------------------------------------------------

BASELINE_HEAD = HEAD + "  baseline: {so2: 730}\n"   # 2 t/d; nox, pm and vocs not given
BASELINE = """
enterprises:
  - {id: ID1, name: 化工厂, grade: B, emissions: {so2: 365, vocs: 73}}     # 1 and 0.2 t/d
other_sources:
  - {name: 汽修喷涂, emissions: {vocs: 36.5}}                              # 0.1 t/d
"""


def test_baseline_basis_and_pollutants_it_omits_fall_back_to_listed() -> None:
    result = at(BASELINE, ORANGE, head=BASELINE_HEAD)
    so2, nox, vocs = result.pollutants[SO2], result.pollutants[NOX], result.pollutants[VOCS]
    assert result.basis == "listed"  # some pollutants fall back: the report must say listed (§4.3)
    assert (so2.basis, so2.baseline, so2.reduction) == ("baseline", 2.0, pytest.approx(0.2))  # 1 × 0.2
    assert so2.ratio == pytest.approx(0.1)
    assert (vocs.basis, vocs.baseline) == ("listed", pytest.approx(0.3))  # 0.2 + 0.1
    assert vocs.ratio == pytest.approx(0.04 / 0.3)                           # (0.2 × 0.2) / 0.3
    assert (nox.basis, nox.baseline, nox.ratio, nox.ok) == ("listed", 0.0, None, True)


def test_listed_basis_without_baseline() -> None:
    result = at(BASELINE, ORANGE)
    assert result.basis == "listed"
    assert {p: r.basis for p, r in result.pollutants.items()} == {p: "listed" for p in Pollutant}
    assert result.pollutants[SO2].baseline == 1.0
    assert result.pollutants[SO2].ratio == pytest.approx(0.2)


def _threshold(cut: str) -> LevelResult:
    # baseline 36500 t/a = 100 t/d of PM; one enterprise emits all of it and cuts `cut` at orange (30% required)
    body = f"""
    enterprises:
      - id: ID1
        name: 临界企业
        grade: B
        emissions: {{pm: 36500}}
        measures: {{orange: {{cut: {cut}}}}}
    """
    return at(body, ORANGE, head=HEAD + "  baseline: {pm: 36500}\n")


@pytest.mark.parametrize(("cut", "ok", "shortfall"), [
    ("0.3", True, 0.0),                  # exactly at the requirement: met
    ("0.2999999995", True, 5e-8),        # 5e-10 under: within the 1e-9 tolerance, met
    ("0.299999998", False, 2e-7),        # 2e-9 under: not met
    ("0.2999", False, 0.01),             # 30 − 29.99 = 0.01 t/d short
    ("0.5", True, 0.0),
])
def test_ratio_tolerance_and_shortfall(cut: str, ok: bool, shortfall: float) -> None:
    pm = _threshold(cut).pollutants[PM]
    assert pm.baseline == 100.0 and pm.ratio == pytest.approx(float(cut), rel=1e-12)
    assert pm.ok is ok
    assert pm.shortfall == pytest.approx(shortfall, rel=1e-6, abs=1e-12)
    # so2, nox and vocs: no baseline given and nothing listed, so not assessed
    assert _threshold(cut).pollutants[SO2].ratio is None


def test_shortfall_of_the_small_example() -> None:
    # examples/small-fails-orange.yaml: PM 280/1000 and VOCs 290/1000 at orange (30% required)
    enterprise_list = _read(EXAMPLES / "small-fails-orange.yaml")
    orange = compute(enterprise_list, load_policy("shanxi-2024"), ORANGE)
    assert not orange.ok and orange.failing == [PM, VOCS]
    assert orange.pollutants[PM].shortfall == pytest.approx(20 / 365, rel=1e-9)   # (300 − 280) t/a
    assert orange.pollutants[VOCS].shortfall == pytest.approx(10 / 365, rel=1e-9)
    assert orange.pollutants[SO2].shortfall == 0.0
    red = compute(enterprise_list, load_policy("shanxi-2024"), RED)
    assert red.pollutants[PM].shortfall == pytest.approx(30 / 365, rel=1e-9)
    assert red.pollutants[VOCS].shortfall == pytest.approx(10 / 365, rel=1e-9)


def test_zero_baseline_is_not_assessed() -> None:
    head = HEAD + "  baseline: {so2: 0, nox: 365, pm: 365, vocs: 365}\n"
    body = "enterprises:\n  - {id: ID1, name: 甲, grade: D, emissions: {so2: 365, nox: 365, pm: 365, vocs: 365}}\n"
    result = at(body, RED, head=head)
    so2 = result.pollutants[SO2]
    assert (so2.reduction, so2.ratio, so2.ok, so2.shortfall, so2.assessed) == (1.0, None, True, 0.0, False)
    assert result.ok


def test_per_pollutant_requirements() -> None:
    pol = policy("""
        name: per-pollutant
        requirements:
          orange: {so2: 0.1, nox: 0.2, pm: 0.3, vocs: 0.4}
        grades:
          B: {orange: {cut: 0.25}}
    """)
    head = HEAD + "  baseline: {so2: 365, nox: 365, pm: 365, vocs: 365}\n"
    body = "enterprises:\n  - {id: ID1, name: 乙, grade: B, emissions: {so2: 365, nox: 365, pm: 365, vocs: 365}}\n"
    result = at(body, ORANGE, pol, head=head)
    assert {p: r.required for p, r in result.pollutants.items()} == {SO2: 0.1, NOX: 0.2, PM: 0.3, VOCS: 0.4}
    assert result.failing == [PM, VOCS]   # 25% each
    assert pol.uniform_requirement(ORANGE) == {"so2": 0.1, "nox": 0.2, "pm": 0.3, "vocs": 0.4}
    with pytest.raises(PolicyError, match="gives no requirement at yellow"):  # never a silent 0%
        pol.uniform_requirement(YELLOW)


# -- §4.4: production cap ---------------------------------------------------------------------------

CAP = """
enterprises:
  - id: ID1
    name: 有产能
    industry: casting
    grade: B
    operating_days: 300                          # scales every line alike: no effect on the weights
    capacity: {eia: 120, permit: 110, actual: 100, unit: 吨/日}
    lines:
      - name: 熔炼
        emissions: {so2: 20, nox: 10}            # weight 30
        measures: {orange: {cut: 0.4}}
      - name: 制芯
        emissions: {vocs: 10}                    # weight 10, grade B at orange: 0.2
  - id: ID2
    name: 两个产能
    grade: B
    capacity: {eia: 120, permit: 90}
    emissions: {so2: 1}
  - id: ID3
    name: 零排放
    grade: B
    capacity: {actual: 50}
    lines:
      - {name: 甲, measures: {orange: {cut: 0.4}}}
      - {name: 乙}
  - id: ID4
    name: 不达标有产能
    grade: B
    compliant: false
    capacity: {permit: 80}
    emissions: {pm: 1}
  - id: ID5
    name: 无产能
    grade: B
    emissions: {pm: 1}
"""


def test_production_cap() -> None:
    result = at(CAP, ORANGE)
    cap = ent(result, "有产能").cap
    # base = min(120, 110, 100) = 100; plant cut = (30 × 0.4 + 10 × 0.2) / 40 = 0.35; cap = 100 × 0.65 = 65
    assert (cap.base, cap.unit) == (100, "吨/日")
    assert cap.cut == pytest.approx(0.35) and cap.cap == pytest.approx(65)
    two = ent(result, "两个产能").cap
    assert (two.base, two.cut, two.cap) == (90, 0.2, pytest.approx(72))   # min(120, 90) × (1 − 0.2)
    # nothing emitted: no weights, so the plain mean of the line cuts, (0.4 + 0.2) / 2
    zero = ent(result, "零排放").cap
    assert (zero.base, zero.cut, zero.cap) == (50, pytest.approx(0.3), pytest.approx(35))
    assert ent(result, "不达标有产能").cap.cap == 0.0           # stops: cap 0
    assert ent(result, "无产能").cap is None


# -- the shipped data -------------------------------------------------------------------------------

def _read(path: Any) -> EnterpriseList:
    report = parse_list(path.read_bytes(), str(path))
    assert report.enterprise_list is not None and not report.blocking
    return report.enterprise_list


@pytest.mark.parametrize(("level", "stated"), [
    # the ratios stated in the county list's header (share of baseline, 2 decimals)
    (YELLOW, (0.2652, 0.2634, 0.2637, 0.2631)),
    (ORANGE, (0.3854, 0.3816, 0.3735, 0.4160)),
    (RED, (0.5276, 0.5413, 0.5386, 0.5644)),
])
def test_county_list_ratios_as_stated(level: Level, stated: tuple[float, ...]) -> None:
    result = compute(_read(COUNTY), load_policy("shanxi-2024"), level)
    assert result.ok and result.basis == "baseline"
    for p, ratio in zip(Pollutant, stated):
        assert abs(result.pollutants[p].ratio - ratio) <= 1e-4, (p, result.pollutants[p].ratio)


def test_county_list_has_every_case() -> None:
    result = compute(_read(COUNTY), load_policy("shanxi-2024"), YELLOW)
    reasons = {r.reason for r in result.enterprises}
    assert reasons == {"level", "zone", "noncompliant", "idle"}
    assert len(result.enterprises) == 49
    sources = {line.source for r in result.enterprises for line in r.lines}
    assert {"line", "category", "industry", "grade", "noncompliant", "idle"} <= sources


# -- an independent reading of §4, compared on random lists ---------------------------------------------

NAMES = ("so2", "nox", "pm", "vocs")
ORDER = ("yellow", "orange", "red")


def _cut(measure: Any) -> float | None:
    """The cut a raw measure sets, or None (SPEC §2: cut fraction or "NN%", stop: true = 1)."""
    if not isinstance(measure, dict):
        return None
    if measure.get("stop") is True:
        return 1.0
    cut = measure.get("cut")
    if cut is None:
        return None
    return float(cut[:-1]) / 100 if isinstance(cut, str) else float(cut)


def reference(doc: dict, pol: dict, level: str) -> dict[str, dict[str, float | None]]:
    """SPEC §4 over the raw documents: per pollutant baseline, reduction and ratio (t/d)."""
    escalation = pol.get("zone_escalation", 1)
    listed = dict.fromkeys(NAMES, 0.0)
    reduced = dict.fromkeys(NAMES, 0.0)
    for e in doc["enterprises"]:
        if e.get("status", "operating") == "idle":
            continue
        days = e.get("operating_days", 365)
        lines = e.get("lines") or [{"emissions": e.get("emissions", {})}]
        if e.get("compliant", True) is False:
            effective = level
        elif e.get("zone") == "key":
            effective = ORDER[min(2, ORDER.index(level) + escalation)]
        else:
            effective = level
        for line in lines:
            if e.get("compliant", True) is False:
                cut = 1.0
            else:
                chain = [(line.get("measures") or {}).get(effective), (e.get("measures") or {}).get(effective)]
                if e.get("category", "normal") != "normal":
                    chain.append(_levels(pol.get("categories", {}).get(e["category"], {})).get(effective))
                chain.append(pol.get("industries", {}).get(e.get("industry"), {}).get(e["grade"], {}).get(effective))
                chain.append(_levels(pol.get("grades", {}).get(e["grade"], {})).get(effective))
                cut = next((c for c in map(_cut, chain) if c is not None), 0.0)
            for p in NAMES:
                amount = line.get("emissions", {}).get(p, 0) / days
                listed[p] += amount
                reduced[p] += amount * cut
    for s in doc.get("other_sources", []):
        cut = _cut((s.get("measures") or {}).get(level)) or 0.0
        for p in NAMES:
            amount = s.get("emissions", {}).get(p, 0) / 365
            listed[p] += amount
            reduced[p] += amount * cut
    given = doc["list"].get("baseline") or {}
    result = {}
    for p in NAMES:
        base = given[p] / 365 if p in given else listed[p]
        result[p] = {"baseline": base, "reduction": reduced[p], "ratio": reduced[p] / base if base > 0 else None}
    return result


amounts = st.one_of(st.just(0), st.integers(0, 5000), st.floats(0, 5000, allow_nan=False))


@st.composite
def measures(draw: Any) -> dict:
    result = {}
    for level in ORDER:
        kind = draw(st.sampled_from(["none", "cut", "percent", "stop", "actions"]))
        if kind == "cut":
            result[level] = {"cut": draw(st.floats(0, 1))}
        elif kind == "percent":
            result[level] = {"cut": f"{draw(st.integers(0, 100))}%"}
        elif kind == "stop":
            result[level] = {"stop": True}
        elif kind == "actions":
            result[level] = {"actions": ["加强管控"]}
    return result


@st.composite
def emissions(draw: Any) -> dict:
    chosen = draw(st.lists(st.sampled_from(NAMES), unique=True, max_size=4))
    return {p: draw(amounts) for p in chosen}


@st.composite
def enterprise_docs(draw: Any, n: int) -> dict:
    e: dict[str, Any] = {
        "id": credit(n), "name": f"示例县随机企业{n}",
        "grade": draw(st.sampled_from(["A", "B", "C", "D", "leading", "nonleading", "unrated"])),
        "industry": draw(st.sampled_from(["casting", "cement", "coking"])),
        "contact": {"name": "张三", "phone": "0356-0000000"},
    }
    for key, values in (("zone", ["key"]), ("category", ["normal", "guarantee"]), ("compliant", [True, False]),
                        ("status", ["operating", "idle"]), ("operating_days", [300, 200, 365, 90])):
        if draw(st.booleans()):
            e[key] = draw(st.sampled_from(values))
    if draw(st.booleans()):
        e["lines"] = [{"name": f"{k}#线", "emissions": draw(emissions()), "measures": draw(measures())}
                      for k in range(draw(st.integers(1, 3)))]
    else:
        e["emissions"] = draw(emissions())
    if draw(st.booleans()):
        e["measures"] = draw(measures())
    return e


@st.composite
def list_docs(draw: Any) -> dict:
    count = draw(st.integers(1, 6))
    doc: dict[str, Any] = {
        "list": {"region": "示例县", "authority": "示例县生态环境局"},
        "enterprises": [draw(enterprise_docs(n)) for n in range(1, count + 1)],
        "other_sources": [{"name": f"其他源{k}", "emissions": draw(emissions()), "measures": draw(measures())}
                          for k in range(draw(st.integers(0, 2)))],
    }
    baseline = draw(st.dictionaries(st.sampled_from(NAMES), st.integers(0, 20000)))
    if baseline:
        doc["list"]["baseline"] = baseline
    return doc


def _levels(entry: dict) -> dict:
    """A grade's or category's level -> measure: SPEC §19's {measures: …} form, or the older plain one."""
    return entry.get("measures", {}) if "measures" in entry else entry


@functools.cache
def _shipped(name: str) -> dict:
    return yaml.safe_load((resources.files("haze.core.policies") / f"{name}.yaml").read_text("utf-8"))


@functools.cache
def _policy(name: str) -> Policy:
    return load_policy(name)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=list_docs(), level=st.sampled_from(ORDER), name=st.sampled_from(["shanxi-2024", "national-2019"]))
def test_engine_agrees_with_an_independent_reading_of_section_4(doc: dict, level: str, name: str) -> None:
    report = parse_list(yaml.safe_dump(doc, allow_unicode=True).encode("utf-8"), "random.yaml")
    assert report.enterprise_list is not None and not report.blocking, [f.format() for f in report.blocking]
    result = compute(report.enterprise_list, _policy(name), Level(level))
    expected = reference(doc, _shipped(name), level)
    for p in Pollutant:
        got, want = result.pollutants[p], expected[p.value]
        assert math.isclose(got.baseline, want["baseline"], rel_tol=1e-9, abs_tol=1e-12)
        assert math.isclose(got.reduction, want["reduction"], rel_tol=1e-9, abs_tol=1e-12)
        if want["ratio"] is None:
            assert got.ratio is None and got.ok
        else:
            assert math.isclose(got.ratio, want["ratio"], rel_tol=1e-9, abs_tol=1e-12)
            assert got.ok is (want["ratio"] >= got.required - 1e-9)


@settings(max_examples=60, deadline=None)
@given(doc=list_docs())
def test_without_explicit_measures_reductions_never_fall_as_the_level_rises(doc: dict) -> None:
    # the shipped tables only get stricter from yellow to red, so every reduction does too
    for e in doc["enterprises"]:
        e.pop("measures", None)
        for line in e.get("lines", []):
            line.pop("measures", None)
    for s in doc["other_sources"]:
        s.pop("measures", None)
    enterprise_list = parse_list(yaml.safe_dump(doc, allow_unicode=True).encode("utf-8"), "random.yaml").enterprise_list
    assert enterprise_list is not None
    results = [compute(enterprise_list, _policy("shanxi-2024"), level) for level in LEVELS]
    for lower, higher in zip(results, results[1:]):
        for a, b in zip(lower.enterprises, higher.enterprises):
            for p in Pollutant:
                assert b.reduction[p] >= a.reduction[p] - 1e-12
                assert a.reduction[p] <= sum(line.daily[p] for line in a.lines) + 1e-12
