"""The plan of SPEC §11: the smallest tier-by-tier raise of cuts that meets a level.

Differentiated control (差异化管控) decides who is asked for more first: the
policy's grades by rank, worst first (shipped: D, then unrated and nonleading,
then C, then B-, then B; SPEC §11, §19); never self-managed grades (A,
leading), enterprises of any category but normal (保障类 and the policy's own),
noncompliant or idle ones. Within a tier every eligible line's
cut rises as ``cut + t × (1 − cut)`` with one ``t`` for the whole tier, and the
smallest whole percent that meets every pollutant is taken; the next tier is
asked only when the whole tier at ``t = 1`` is not enough.

Everything works on the engine's own result (:func:`haze.core.engine.compute`):
the per-line daily emissions and cuts of the :class:`LevelResult`, checked with
the engine's :class:`PollutantResult` (same tolerance), so the plan is never a
separate approximation of §4. The ratios only grow with ``t``, so the smallest
``t`` is found by bisection over the integers 0..100. Pure computation: writing
the planned list is :mod:`haze.commands.plan`'s.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from copy import deepcopy
from dataclasses import dataclass, replace
from functools import partial

from haze.core.engine import (
    IDLE,
    NONCOMPLIANT,
    EnterpriseResult,
    LevelResult,
    PollutantResult,
    assess,
    compute,
    line_cut,
    measure_chain,
    plant_cut,
)
from haze.core.model import (
    LEVELS,
    POLLUTANTS,
    Enterprise,
    EnterpriseList,
    Level,
    Line,
    Measure,
    Pollutant,
)
from haze.core.grades import NORMAL
from haze.core.policy import Policy

# The order in which tiers are asked for more is the policy's (Policy.tiers: SPEC §11, §19).
PERCENT = 100  # t is a whole percent: 1 … 100
# Planned cuts are written to 6 decimals, rounded up so the file is never
# weaker than the plan; the slack absorbs float noise such as 0.5449999999999999.
CUT_DECIMALS = 6
_NOISE = 1e-12

Step = tuple[int, int]  # (index in Policy.tiers(), t in percent)


@dataclass(frozen=True)
class Change:
    """One line's cut raised by the plan (t/d for ``added``)."""

    enterprise: int  # index in the list, and in LevelResult.enterprises
    line: int  # index in the enterprise's lines
    old_cut: float
    new_cut: float
    added: dict[Pollutant, float]


@dataclass(frozen=True)
class Tier:
    """One tier of the plan: its grades, its ``t`` and the lines it raises."""

    index: int  # position in Policy.tiers()
    percent: int
    changes: tuple[Change, ...]
    grades: tuple[str, ...] = ()  # the policy's grade keys of this tier

    @property
    def t(self) -> float:
        return self.percent / PERCENT

    def added(self, p: Pollutant) -> float:
        return sum(c.added[p] for c in self.changes)

    @property
    def enterprises(self) -> int:
        return len({c.enterprise for c in self.changes})


@dataclass(frozen=True)
class Plan:
    """What ``haze plan LEVEL`` proposes.

    ``after`` is the level with every tier applied; when the plan is infeasible
    it is the best reachable (every tier at ``t = 1``). ``binding`` names the
    pollutants that decide the result: those still short when infeasible, else
    those that fail with the last tier's ``t`` one percent lower.
    """

    level: Level
    before: LevelResult
    after: LevelResult
    tiers: tuple[Tier, ...]
    binding: tuple[Pollutant, ...]

    @property
    def feasible(self) -> bool:
        return self.after.ok

    @property
    def ok(self) -> bool:
        """Met already, or met with the plan (exit 0)."""
        return self.feasible

    @property
    def already_met(self) -> bool:
        return self.before.ok

    @property
    def reach(self) -> tuple[int, int]:
        """How far the plan goes, comparable between plans: (last tier index, t in percent).

        ``(-1, 0)`` when nothing is needed; ``(number of tiers, PERCENT)`` when infeasible.
        """
        if not self.feasible:
            return len(self.before.policy.tiers()), PERCENT
        if not self.tiers:
            return -1, 0
        return self.tiers[-1].index, self.tiers[-1].percent

    def steps(self) -> list[Step]:
        return [(tier.index, tier.percent) for tier in self.tiers]


# -- the search ------------------------------------------------------------

def raised_cut(cut: float, percent: int) -> float:
    """``cut + t × (1 − cut)`` for ``t = percent / 100``, to 6 decimals, never below the exact value."""
    if percent <= 0:
        return cut
    exact = cut + percent / PERCENT * (1.0 - cut)
    scale = 10 ** CUT_DECIMALS
    return min(1.0, math.ceil((exact - _NOISE) * scale) / scale)


def new_cut(r: EnterpriseResult, j: int, percent: int) -> float:
    """Line ``j``'s cut once its tier rises by ``percent``: the raised cut, or, if higher,
    an explicit cut the list already sets at a lower level in the same place.

    The raised cut is written at the effective level; an explicit yellow 60% above a
    raised orange 54.5% would make orange weaker than yellow (E110), so the stricter
    one is planned, and the plan shows exactly what ``haze check`` will compute.
    """
    old = r.lines[j].cut
    if percent <= 0:
        return old
    e = r.enterprise
    table = e.lines[j].measures if e.has_lines else e.measures
    floor = max((m.value for level, m in table.items() if level < r.effective_level and m.sets_cut), default=0.0)
    return max(raised_cut(old, percent), floor)


def eligible(r: EnterpriseResult) -> bool:
    """May the plan ask this enterprise for more? Never a category's (guarantee…), noncompliant or idle ones."""
    return r.reason not in (IDLE, NONCOMPLIANT) and r.category == NORMAL


def tier_lines(before: LevelResult, index: int) -> list[tuple[int, int]]:
    """(enterprise, line) indices the tier can raise: eligible, of its grades, not yet stopped.

    The grade is the enterprise's own: a key-zone enterprise computed at an
    escalated level stays in its grade's tier.
    """
    grades = before.policy.tiers()[index]
    return [(i, j) for i, r in enumerate(before.enterprises)
            if r.grade in grades and eligible(r)
            for j, line in enumerate(r.lines) if line.cut < 1.0]


def _gain(before: LevelResult, lines: Sequence[tuple[int, int]], percent: int) -> dict[Pollutant, float]:
    """Added daily reduction per pollutant when ``lines`` rise by ``percent``."""
    gain = dict.fromkeys(POLLUTANTS, 0.0)
    for i, j in lines:
        line = before.enterprises[i].lines[j]
        step = new_cut(before.enterprises[i], j, percent) - line.cut
        for p in POLLUTANTS:
            gain[p] += line.daily[p] * step
    return gain


def _checked(before: LevelResult, reduction: dict[Pollutant, float]) -> dict[Pollutant, PollutantResult]:
    """The engine's own per-pollutant check for these total reductions."""
    return {p: replace(r, reduction=reduction[p]) for p, r in before.pollutants.items()}


def _meets(before: LevelResult, totals: dict[Pollutant, float], lines: Sequence[tuple[int, int]],
           percent: int) -> bool:
    """Does raising ``lines`` by ``percent`` on top of ``totals`` meet every pollutant?"""
    gain = _gain(before, lines, percent)
    return all(r.ok for r in _checked(before, {p: totals[p] + gain[p] for p in POLLUTANTS}).values())


def _smallest(meets: Callable[[int], bool]) -> int:
    """Smallest percent in 1..100 with ``meets``; 100 if none. ``meets(0)`` is known false."""
    if not meets(PERCENT):
        return PERCENT
    low, high = 0, PERCENT  # invariant: meets(high), not meets(low)
    while high - low > 1:
        middle = (low + high) // 2
        if meets(middle):
            high = middle
        else:
            low = middle
    return high


def search(before: LevelResult) -> list[Step]:
    """The tiers and their ``t`` (percent), in order, for a level that is not met."""
    totals = {p: r.reduction for p, r in before.pollutants.items()}
    steps: list[Step] = []
    for index in range(len(before.policy.tiers())):
        lines = tier_lines(before, index)
        if not lines:  # nothing left to raise: the tier changes nothing and is left out
            continue

        percent = _smallest(partial(_meets, before, totals, lines))
        steps.append((index, percent))
        gain = _gain(before, lines, percent)
        totals = {p: totals[p] + gain[p] for p in POLLUTANTS}
        if all(r.ok for r in _checked(before, totals).values()):
            break
    return steps


def raise_tiers(enterprise_list: EnterpriseList, before: LevelResult, steps: Sequence[Step]) -> tuple[list[Tier], LevelResult]:
    """Apply ``steps`` to the computed level: the tiers with their changes, and the level after."""
    tiers: list[Tier] = []
    new_cuts: dict[int, dict[int, float]] = {}
    for index, percent in steps:
        changes = []
        for i, j in tier_lines(before, index):
            line = before.enterprises[i].lines[j]
            new = new_cut(before.enterprises[i], j, percent)
            if new == line.cut:
                continue
            added = {p: line.daily[p] * (new - line.cut) for p in POLLUTANTS}
            changes.append(Change(i, j, line.cut, new, added))
            new_cuts.setdefault(i, {})[j] = new
        tiers.append(Tier(index, percent, tuple(changes), before.policy.tiers()[index]))
    enterprises = [_with_cuts(r, new_cuts[i]) if i in new_cuts else r for i, r in enumerate(before.enterprises)]
    after = assess(enterprise_list, before.policy, before.level, enterprises, before.other_sources)
    return tiers, after


def _with_cuts(r: EnterpriseResult, cuts: dict[int, float]) -> EnterpriseResult:
    """The enterprise's result with some line cuts raised, as ``haze check`` will show it once applied."""
    source = "line" if r.enterprise.has_lines else "enterprise"
    lines = [replace(line, cut=cuts[j], source=source) if j in cuts else line for j, line in enumerate(r.lines)]
    reduction = {p: sum(line.daily[p] * line.cut for line in lines) for p in POLLUTANTS}
    cap = None if r.cap is None else replace(r.cap, cut=plant_cut(lines))
    return replace(r, lines=lines, reduction=reduction, cap=cap)


def plan_steps(enterprise_list: EnterpriseList, before: LevelResult, steps: Sequence[Step]) -> Plan:
    """A plan from chosen steps (``make_plan`` chooses them; tests try others)."""
    tiers, after = raise_tiers(enterprise_list, before, steps)
    if not after.ok:
        binding = after.failing
    elif steps:
        last_index, last_percent = steps[-1]
        _, lower = raise_tiers(enterprise_list, before, [*steps[:-1], (last_index, last_percent - 1)])
        binding = lower.failing
    else:
        binding = []
    return Plan(before.level, before, after, tuple(tiers), tuple(binding))


def make_plan(enterprise_list: EnterpriseList, policy: Policy, level: Level) -> Plan:
    """SPEC §11: the smallest tier-by-tier raise that meets ``level``; deterministic."""
    before = compute(enterprise_list, policy, level)
    if before.ok:
        return Plan(level, before, before, (), ())
    return plan_steps(enterprise_list, before, search(before))


# -- applying the plan to the list ------------------------------------------

def apply_plan(enterprise_list: EnterpriseList, plan: Plan, policy: Policy) -> EnterpriseList:
    """A copy of the list with the planned cuts as explicit measures; ``enterprise_list`` is not changed.

    A measure goes on the line (or, for an enterprise given by ``emissions``,
    on the enterprise) at the enterprise's *effective* level, since that is
    the level ``haze check`` computes it at (a key-zone enterprise at orange is
    computed at red). Stricter levels are raised to at least the same cut, so
    the list stays monotone (no E110) and no stricter warning asks less.
    """
    copy = replace(enterprise_list, enterprises=list(enterprise_list.enterprises))
    copied: set[int] = set()
    for tier in plan.tiers:
        for change in tier.changes:
            if change.enterprise not in copied:
                copy.enterprises[change.enterprise] = deepcopy(enterprise_list.enterprises[change.enterprise])
                copied.add(change.enterprise)
            e = copy.enterprises[change.enterprise]
            level = plan.before.enterprises[change.enterprise].effective_level
            _set_line_cut(e, e.lines[change.line], level, change.new_cut, policy)
    return copy


def _set_line_cut(e: Enterprise, line: Line, level: Level, cut: float, policy: Policy) -> None:
    table = line.measures if e.has_lines else e.measures
    table[level] = _measure_with_cut(table.get(level), cut)
    for higher in LEVELS:
        if higher > level and line_cut(measure_chain(e, line, higher, policy))[0] < cut:
            table[higher] = _measure_with_cut(table.get(higher), cut)


def _measure_with_cut(measure: Measure | None, cut: float) -> Measure:
    """The measure with its cut replaced; its actions (for the notice) are kept."""
    actions = measure.actions if measure else ()
    where = measure.line if measure else 0
    if cut >= 1.0:
        return Measure(stop=True, actions=actions, line=where)
    return Measure(cut=cut, actions=actions, line=where)


# -- writing ---------------------------------------------------------------

def describe_tiers(plan: Plan) -> str:
    """``D 100%, unrated/nonleading 35%``: the tiers as one phrase."""
    return ", ".join(f"{'/'.join(tier.grades)} {tier.percent}%" for tier in plan.tiers)
