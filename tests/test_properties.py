"""Invariants of the engine (SPEC §4) on generated lists (issue 7).

The lists are built straight from the :mod:`haze.core.model` dataclasses, not from
YAML, so that hypothesis explores the computation itself: grades, industries,
categories, key zones, non-compliant and idle enterprises, lines with and
without measures, other sources, lists with and without a baseline, under
both shipped policies and any zone escalation.

Explicit measures are generated *monotone in level*: a table (of a line or of
an enterprise) either sets a cut at every level, never decreasing, or sets no
cut at all (actions only). That is the condition validate's E110 enforces, and
with the shipped policies (monotone themselves) it is what makes "a higher
level never cuts less" hold.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from haze.core.creditcode import check_character
from haze.core.engine import IDLE, NONCOMPLIANT, TOLERANCE, LevelResult, compute
from haze.core.model import (
    LEVELS,
    POLLUTANTS,
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
from haze.core.policy import Policy, load_policy

SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
POLICIES = {name: load_policy(name) for name in ("shanxi-2024", "national-2019")}
INDUSTRIES = ["", "cement", "水泥", "casting", "coking", "furniture", "示例行业"]


# -- strategies --------------------------------------------------------------------------

def credit(n: int) -> str:
    first = f"91140525MA0P{n:05d}"
    return first + check_character(first)


# Built once: strategies made inside a draw are validated again on every example.
amounts = st.floats(min_value=0.0, max_value=5e4, allow_nan=False, allow_infinity=False)
cuts = st.one_of(st.sampled_from([0.0, 0.1, 0.2, 0.3, 0.5, 1.0]), st.floats(0.0, 1.0))
pollutant_sets = st.lists(st.sampled_from(POLLUTANTS), unique=True, max_size=4)
table_kinds = st.sampled_from(["none", "actions", "cuts"])
level_sets = st.lists(st.sampled_from(LEVELS), unique=True, min_size=1)
three_cuts = st.lists(cuts, min_size=3, max_size=3)
action_sets = st.sampled_from([(), ("停止运输",)])
industries = st.sampled_from(INDUSTRIES)
# grades and categories as lists write them: the policy resolves them (SPEC §19)
grades = st.sampled_from(["A", "B", "B-", "B（含B-）", "C", "D", "leading", "nonleading", "unrated", "", "b 级"])
categories = st.sampled_from(["", "normal", "guarantee", "保障类"])
compliance = st.sampled_from([True, True, True, False])
statuses = st.sampled_from([Status.OPERATING] * 4 + [Status.IDLE])
days = st.one_of(st.sampled_from([365, 300, 180]), st.floats(1.0, 366.0))


@st.composite
def emissions(draw: st.DrawFn) -> dict[Pollutant, float]:
    chosen = draw(pollutant_sets)
    return {p: draw(amounts) for p in chosen}


@st.composite
def monotone_table(draw: st.DrawFn) -> dict[Level, Measure]:
    """No table, an actions-only table, or a cut at every level that never decreases."""
    kind = draw(table_kinds)
    if kind == "none":
        return {}
    if kind == "actions":
        return {lv: Measure(actions=(f"措施{lv.value}",)) for lv in draw(level_sets)}
    values = sorted(draw(three_cuts))
    table = {}
    for lv, value in zip(LEVELS, values):
        stop = value >= 1.0 and draw(st.booleans())
        table[lv] = Measure(cut=None if stop else value, stop=stop, actions=draw(action_sets))
    return table


@st.composite
def lines(draw: st.DrawFn, name: str) -> list[Line]:
    count = draw(st.integers(1, 3))
    return [Line(name=f"{name}{i}#线", emissions=draw(emissions()), measures=draw(monotone_table()))
            for i in range(count)]


@st.composite
def enterprises(draw: st.DrawFn, n: int) -> Enterprise:
    name = f"示例县企业{n}"
    return Enterprise(
        id=credit(n),
        name=name,
        industry=draw(industries),
        grade=draw(grades),
        key_zone=draw(st.booleans()),
        category=draw(categories),
        compliant=draw(compliance),
        status=draw(statuses),
        operating_days=draw(days),
        lines=draw(lines(name)),
        measures=draw(monotone_table()),
        has_lines=True,
    )


@st.composite
def other_sources(draw: st.DrawFn, n: int) -> OtherSource:
    return OtherSource(name=f"其他源{n}", kind="dust", emissions=draw(emissions()), measures=draw(monotone_table()))


@st.composite
def enterprise_lists(draw: st.DrawFn, min_enterprises: int = 0) -> EnterpriseList:
    count = draw(st.integers(min_enterprises, 6))
    baseline = draw(st.one_of(st.none(), emissions().map(lambda d: {p: v * 10 for p, v in d.items()})))
    return EnterpriseList(
        info=ListInfo(region="示例县", authority="示例县生态环境局", baseline=baseline),
        enterprises=[draw(enterprises(n)) for n in range(count)],
        other_sources=[draw(other_sources(n)) for n in range(draw(st.integers(0, 2)))],
        path="generated.yaml",
    )


@st.composite
def policies(draw: st.DrawFn) -> Policy:
    """A shipped policy, with its own zone escalation or another one (0, 1 or 2 steps)."""
    policy = POLICIES[draw(st.sampled_from(sorted(POLICIES)))]
    steps = draw(st.sampled_from([None, 0, 1, 2]))
    return policy if steps is None else dataclasses.replace(policy, zone_escalation=steps)


levels = st.sampled_from(LEVELS)


# -- helpers -------------------------------------------------------------------------------

def daily_emission(e: Enterprise, p: Pollutant) -> float:
    return sum(line.emission(p) / e.operating_days for line in e.lines)


def close(a: float, b: float, rel: float = 1e-12) -> bool:
    return math.isclose(a, b, rel_tol=rel, abs_tol=1e-300)


def cuts_by_line(result: LevelResult) -> dict[str, list[float]]:
    return {r.enterprise.id: [line.cut for line in r.lines] for r in result.enterprises}


# -- the properties --------------------------------------------------------------------------

@SETTINGS
@given(enterprise_list=enterprise_lists(), policy=policies(), level=levels)
def test_reductions_never_exceed_emissions(enterprise_list: EnterpriseList, policy: Policy, level: Level) -> None:
    result = compute(enterprise_list, policy, level)
    for r in result.enterprises:
        for p in POLLUTANTS:
            assert 0.0 <= r.reduction[p] <= daily_emission(r.enterprise, p)
        for line in r.lines:
            assert 0.0 <= line.cut <= 1.0
    for s in result.other_sources:
        for p in POLLUTANTS:
            assert 0.0 <= s.reduction[p] <= s.source.emission(p) / 365
    for p in POLLUTANTS:
        operating = sum(daily_emission(e, p) for e in enterprise_list.enterprises if e.operating)
        others = sum(s.emission(p) / 365 for s in enterprise_list.other_sources)
        assert result.pollutants[p].reduction <= (operating + others) * (1 + 1e-12)


@SETTINGS
@given(enterprise_list=enterprise_lists(), policy=policies())
def test_raising_the_level_never_lowers_a_cut(enterprise_list: EnterpriseList, policy: Policy) -> None:
    results = [compute(enterprise_list, policy, level) for level in LEVELS]
    for lower, higher in itertools.pairwise(results):
        for a, b in zip(lower.enterprises, higher.enterprises):
            assert a.effective_level <= b.effective_level
            for la, lb in zip(a.lines, b.lines):
                assert la.cut <= lb.cut, (a.enterprise.id, la.name, lower.level, la.cut, lb.cut)
            for p in POLLUTANTS:
                assert a.reduction[p] <= b.reduction[p]


@SETTINGS
@given(enterprise_list=enterprise_lists(min_enterprises=1), policy=policies(), level=levels)
def test_zone_escalation_never_lowers_a_cut(enterprise_list: EnterpriseList, policy: Policy, level: Level) -> None:
    plain = dataclasses.replace(enterprise_list, enterprises=[dataclasses.replace(e, key_zone=False) for e in enterprise_list.enterprises])
    key = dataclasses.replace(enterprise_list, enterprises=[dataclasses.replace(e, key_zone=True) for e in enterprise_list.enterprises])
    outside, inside = compute(plain, policy, level), compute(key, policy, level)
    for a, b in zip(outside.enterprises, inside.enterprises):
        assert b.effective_level >= a.effective_level
        assert b.effective_level == (level if a.reason in (IDLE, NONCOMPLIANT) else level.raised(policy.zone_escalation))
        for la, lb in zip(a.lines, b.lines):
            assert la.cut <= lb.cut
    for p in POLLUTANTS:
        assert outside.pollutants[p].reduction <= inside.pollutants[p].reduction


@SETTINGS
@given(enterprise_list=enterprise_lists(min_enterprises=1), policy=policies(), level=levels)
def test_noncompliant_always_stops(enterprise_list: EnterpriseList, policy: Policy, level: Level) -> None:
    result = compute(enterprise_list, policy, level)
    for r in result.enterprises:
        e = r.enterprise
        if e.operating and not e.compliant:
            assert r.reason == NONCOMPLIANT
            assert r.effective_level is level  # stops at the declared level: no escalation is needed
            assert [(line.cut, line.source) for line in r.lines] == [(1.0, NONCOMPLIANT)] * len(e.lines)
            for p in POLLUTANTS:
                assert close(r.reduction[p], daily_emission(e, p))
            assert set(policy.noncompliant_actions) <= set(r.actions)


@SETTINGS
@given(enterprise_list=enterprise_lists(min_enterprises=1), policy=policies(), level=levels, data=st.data())
def test_adding_a_stopped_line_never_lowers_a_ratio(enterprise_list: EnterpriseList, policy: Policy, level: Level,
                                                   data: st.DataObject) -> None:
    index = data.draw(st.integers(0, len(enterprise_list.enterprises) - 1))
    stopped = Line(name="新增停产线", emissions=data.draw(emissions()),
                   measures={lv: Measure(stop=True) for lv in LEVELS})
    grown = [dataclasses.replace(e, lines=e.lines + [stopped]) if i == index else e
             for i, e in enumerate(enterprise_list.enterprises)]
    before = compute(enterprise_list, policy, level)
    after = compute(dataclasses.replace(enterprise_list, enterprises=grown), policy, level)
    for p in POLLUTANTS:
        old, new = before.pollutants[p].ratio, after.pollutants[p].ratio
        if old is not None:
            assert new is not None and new >= old * (1 - 1e-12), (p, old, new)
    assert after.ok or not before.ok


@SETTINGS
@given(enterprise_list=enterprise_lists(), policy=policies(), level=levels, seed=st.integers(0, 2**32 - 1))
def test_results_do_not_depend_on_enterprise_order(enterprise_list: EnterpriseList, policy: Policy, level: Level,
                                                   seed: int) -> None:
    shuffled = list(enterprise_list.enterprises)
    random.Random(seed).shuffle(shuffled)
    a = compute(enterprise_list, policy, level)
    b = compute(dataclasses.replace(enterprise_list, enterprises=shuffled), policy, level)
    for p in POLLUTANTS:
        assert close(a.pollutants[p].reduction, b.pollutants[p].reduction)
        assert close(a.pollutants[p].baseline, b.pollutants[p].baseline)
        assert a.pollutants[p].basis == b.pollutants[p].basis
    assert a.ok == b.ok or any(  # only a ratio within rounding of the requirement may flip
        abs(r.ratio - (r.required - TOLERANCE)) < 1e-12 for r in a.pollutants.values() if r.assessed)
    by_id = {r.enterprise.id: r for r in b.enterprises}
    for r in a.enterprises:
        other = by_id[r.enterprise.id]
        assert (r.effective_level, r.reason, r.actions, r.reduction) == \
               (other.effective_level, other.reason, other.actions, other.reduction)
        assert [(x.name, x.cut, x.source) for x in r.lines] == [(x.name, x.cut, x.source) for x in other.lines]


@SETTINGS
@given(enterprise_list=enterprise_lists(), policy=policies(), level=levels, data=st.data())
def test_idle_enterprises_never_change_totals(enterprise_list: EnterpriseList, policy: Policy, level: Level,
                                              data: st.DataObject) -> None:
    extra = data.draw(st.lists(enterprises(900), min_size=1, max_size=3))
    idle = [dataclasses.replace(e, id=credit(900 + i), status=Status.IDLE) for i, e in enumerate(extra)]
    before = compute(enterprise_list, policy, level)
    after = compute(dataclasses.replace(enterprise_list, enterprises=enterprise_list.enterprises + idle), policy, level)
    for p in POLLUTANTS:
        a, b = before.pollutants[p], after.pollutants[p]
        assert (a.baseline, a.reduction, a.ratio, a.ok, a.basis) == (b.baseline, b.reduction, b.ratio, b.ok, b.basis)
    for r in after.enterprises[len(enterprise_list.enterprises):]:
        assert r.reason == IDLE and all(v == 0.0 for v in r.reduction.values()) and r.cap is None


@SETTINGS
@given(enterprise_list=enterprise_lists(), policy=policies(), level=levels)
def test_ratios_are_shares_when_the_basis_is_listed(enterprise_list: EnterpriseList, policy: Policy, level: Level) -> None:
    result = compute(dataclasses.replace(enterprise_list, info=dataclasses.replace(enterprise_list.info, baseline=None)), policy, level)
    assert result.basis == "listed"
    for r in result.pollutants.values():
        assert r.basis == "listed"
        if r.assessed:
            assert 0.0 <= r.ratio <= 1.0 + 1e-12
        else:
            assert r.ratio is None and r.ok and r.shortfall == 0.0


@SETTINGS
@given(enterprise_list=enterprise_lists(), policy=policies(), level=levels)
def test_ok_exactly_when_every_assessed_ratio_reaches_the_requirement(enterprise_list: EnterpriseList, policy: Policy,
                                                                      level: Level) -> None:
    result = compute(enterprise_list, policy, level)
    assessed = [r for r in result.pollutants.values() if r.assessed]
    assert result.ok == all(r.ratio >= r.required - 1e-9 for r in assessed)
    assert set(result.failing) == {r.pollutant for r in assessed if r.ratio < r.required - 1e-9}
    for r in assessed:
        assert r.required == policy.requirement(level, r.pollutant)
        assert r.shortfall >= 0.0
        assert (r.shortfall == 0.0) == (r.reduction >= r.required * r.baseline)


@pytest.mark.parametrize("name", sorted(POLICIES))
def test_shipped_policies_are_monotone_in_level(name: str) -> None:
    """The premise of the level property: every shipped table cuts more (or as much) as the level rises."""
    policy = POLICIES[name]
    tables = [g.measures for g in policy.grades.values()] + [c.measures for c in policy.categories.values()] + \
        [t for grades in policy.industries.values() for t in grades.values()]
    assert tables
    for table in tables:
        values = [table[lv].value for lv in LEVELS if lv in table]
        assert values == sorted(values), (name, table)
    requirements = [policy.requirement(lv, p) for p in POLLUTANTS for lv in LEVELS]
    assert all(0.0 < r <= 1.0 for r in requirements)
