"""The computation of SPEC §4 as pure functions over the model.

``compute(enterprise_list, policy, level)`` gives a :class:`LevelResult`: every
enterprise's effective level, per-line cut and its source, actions, daily
reductions and production cap, and the per-pollutant requirement check.
Units are tonnes per day, unrounded.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from haze.core.model import (
    POLLUTANTS,
    Enterprise,
    EnterpriseList,
    Level,
    Line,
    Measure,
    OtherSource,
    Pollutant,
)
from haze.core.grades import NORMAL, UNRATED
from haze.core.policy import Policy

TOLERANCE = 1e-9
DAYS_PER_YEAR = 365

# reasons (SPEC §4.1)
LEVEL, ZONE, NONCOMPLIANT, IDLE = "level", "zone", "noncompliant", "idle"
#: in its 错峰 stop on the warning's start day (SPEC §15): reason and source of every line
STAGGER = "stagger"


@dataclass
class LineResult:
    name: str
    cut: float
    source: str | None  # line, enterprise, category, industry, grade, noncompliant, idle; None if nothing sets a cut
    daily: dict[Pollutant, float]  # daily emissions of the line, t/d


@dataclass
class Cap:
    """Production cap (§4.4): ``base × (1 − cut)`` in the capacity's unit."""

    base: float
    cut: float
    unit: str

    @property
    def cap(self) -> float:
        return self.base * (1.0 - self.cut)


@dataclass
class EnterpriseResult:
    enterprise: Enterprise
    effective_level: Level
    reason: str
    lines: list[LineResult]
    reduction: dict[Pollutant, float]
    actions: list[str]
    cap: Cap | None
    #: the policy's keys for the enterprise's grade and category (SPEC §19); ``grade`` is
    #: what ``--json`` shows ("B-"); ``measure_grade`` the grade whose measures apply
    #: (another one only for ``unrated_as: lowest``)
    grade: str = UNRATED
    category: str = NORMAL
    measure_grade: str = UNRATED

    @property
    def plant_cut(self) -> float:
        return plant_cut(self.lines)

    @property
    def stopped(self) -> bool:
        return bool(self.lines) and all(line.cut >= 1.0 for line in self.lines)


@dataclass
class SourceResult:
    source: OtherSource
    cut: float
    reduction: dict[Pollutant, float]
    actions: list[str]


@dataclass
class PollutantResult:
    pollutant: Pollutant
    baseline: float  # t/d
    reduction: float  # t/d
    required: float  # share
    basis: str  # baseline or listed

    @property
    def assessed(self) -> bool:
        return self.baseline > 0

    @property
    def ratio(self) -> float | None:
        return self.reduction / self.baseline if self.assessed else None

    @property
    def ok(self) -> bool:
        ratio = self.ratio
        return ratio is None or ratio >= self.required - TOLERANCE

    @property
    def shortfall(self) -> float:
        if not self.assessed:
            return 0.0
        return max(0.0, self.required * self.baseline - self.reduction)


@dataclass
class LevelResult:
    level: Level
    policy: Policy
    basis: str
    pollutants: dict[Pollutant, PollutantResult]
    enterprises: list[EnterpriseResult] = field(default_factory=list)
    other_sources: list[SourceResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(p.ok for p in self.pollutants.values())

    @property
    def failing(self) -> list[Pollutant]:
        return [p for p, r in self.pollutants.items() if not r.ok]

    @property
    def operating(self) -> list[EnterpriseResult]:
        return [r for r in self.enterprises if r.reason != IDLE]


def daily(amount: float, days: float) -> float:
    return amount / days


def line_daily(line: Line, days: float) -> dict[Pollutant, float]:
    emissions = line.emissions  # hot (every line, every level): daily() inlined, same x / days
    return {p: emissions.get(p, 0.0) / days for p in POLLUTANTS}


def effective_level(e: Enterprise, level: Level, policy: Policy) -> tuple[Level, str]:
    """(effective level, reason) for an enterprise at declared ``level``."""
    if not e.operating:
        return level, IDLE
    if not e.compliant:
        return level, NONCOMPLIANT
    if e.key_zone and policy.zone_escalation:
        raised = level.raised(policy.zone_escalation)
        if raised is not level:
            return raised, ZONE
    return level, LEVEL


def grade_of(e: Enterprise, policy: Policy) -> tuple[str, str, str]:
    """(grade, category, grade whose measures apply) as the policy names them.

    Unknown names were refused before computing (haze.core.resolve); should one
    get here it counts as unrated / normal rather than crash.
    """
    grade = policy.grade_key(e.grade) or UNRATED
    return grade, policy.category_key(e.category) or NORMAL, policy.measure_grade(grade, e.industry)


def measure_chain(e: Enterprise, line: Line, level: Level, policy: Policy) -> list[tuple[str, Measure]]:
    """The measures that apply to ``line`` at ``level``, most specific first (§4.1 step 3, §19).

    The category's measure takes part only up to its ``exempt_up_to`` and, with a
    load limit, cuts ``1 − max_load``; ``unrated_as: lowest`` picks the grade.
    """
    _, category, grade = grade_of(e, policy)
    return _line_chain(e, line, level, _policy_chain(e, category, grade, level, policy, None))


def _policy_chain(e: Enterprise, category: str, grade: str, level: Level, policy: Policy,
                  industry_memo: dict[tuple[str, str, Level], Measure | None] | None,
                  ) -> list[tuple[str, Measure]]:
    """The chain's policy part (category, industry, grade): the same for every line of ``e``.

    ``industry_memo`` keeps the industry lookup (a Unicode normalisation per call) for one
    ``compute``: it depends only on the industry as written, the grade and the level.
    """
    if industry_memo is None:
        industry = policy.industry_measure(e.industry, grade, level)
    else:
        memo_key = (e.industry, grade, level)
        if memo_key in industry_memo:
            industry = industry_memo[memo_key]
        else:
            industry = industry_memo[memo_key] = policy.industry_measure(e.industry, grade, level)
    candidates = (
        ("category", policy.category_measure(category, level, e.max_load)),
        ("industry", industry),
        ("grade", policy.grade_measure(grade, level)),
    )
    return [(source, m) for source, m in candidates if m is not None]


def _line_chain(e: Enterprise, line: Line, level: Level,
                tail: list[tuple[str, Measure]]) -> list[tuple[str, Measure]]:
    """The line's and the enterprise's own measures, then the policy's ``tail``, in §4.1 step 3's order."""
    own = line.measures.get(level)
    listed = e.measures.get(level)
    if own is None and listed is None:
        return tail
    head = [(source, m) for source, m in (("line", own), ("enterprise", listed)) if m is not None]
    return head + tail


def line_cut(chain: list[tuple[str, Measure]]) -> tuple[float, str | None]:
    """The cut from the first measure that sets one, and where it came from."""
    for source, measure in chain:
        if measure.sets_cut:
            return measure.value, source
    return 0.0, None


def _add_actions(actions: dict[str, None], measures: list[Measure] | tuple[str, ...]) -> None:
    for item in measures:
        for action in (item.actions if isinstance(item, Measure) else (item,)):
            actions.setdefault(action, None)


def enterprise_result(e: Enterprise, level: Level, policy: Policy, staggered: bool = False,
                      industry_memo: dict[tuple[str, str, Level], Measure | None] | None = None,
                      ) -> EnterpriseResult:
    """``industry_memo``: one dict shared by a ``compute`` call's enterprises (see :func:`_policy_chain`)."""
    effective, reason = effective_level(e, level, policy)
    grade, category, measured = grade_of(e, policy)  # once per enterprise, not once per line
    days = e.operating_days
    actions: dict[str, None] = {}
    lines: list[LineResult] = []
    if staggered and reason != IDLE:  # stopped by the season plan that day: it stays stopped (SPEC §15)
        reason = STAGGER
        lines = [LineResult(line.name, 1.0, STAGGER, line_daily(line, days)) for line in e.lines]
    elif reason == IDLE:
        lines = [LineResult(line.name, 0.0, IDLE, {p: 0.0 for p in POLLUTANTS}) for line in e.lines]
    elif reason == NONCOMPLIANT:
        _add_actions(actions, policy.noncompliant_actions)
        lines = [LineResult(line.name, 1.0, NONCOMPLIANT, line_daily(line, days)) for line in e.lines]
    else:
        tail = _policy_chain(e, category, measured, effective, policy, industry_memo)
        for line in e.lines:
            chain = _line_chain(e, line, effective, tail)
            cut, source = line_cut(chain)
            _add_actions(actions, [m for _, m in chain])
            lines.append(LineResult(line.name, cut, source, line_daily(line, days)))
    reduction = {p: sum(r.daily[p] * r.cut for r in lines) for p in POLLUTANTS}
    cap = None
    if e.capacity is not None and e.capacity.base is not None and reason != IDLE:
        cap = Cap(e.capacity.base, plant_cut(lines), e.capacity.unit)
    return EnterpriseResult(e, effective, reason, lines, reduction, list(actions), cap, grade, category, measured)


def plant_cut(lines: list[LineResult]) -> float:
    """Emission-weighted mean cut over lines (§4.4); a plain mean when nothing is emitted."""
    if not lines:
        return 0.0
    weights = [sum(r.daily.values()) for r in lines]
    total = sum(weights)
    if total <= 0:
        return sum(r.cut for r in lines) / len(lines)
    return sum(w * r.cut for w, r in zip(weights, lines)) / total


def source_result(source: OtherSource, level: Level) -> SourceResult:
    measure = source.measures.get(level)
    cut = measure.value if measure is not None else 0.0
    reduction = {p: daily(source.emission(p), DAYS_PER_YEAR) * cut for p in POLLUTANTS}
    return SourceResult(source, cut, reduction, list(measure.actions) if measure else [])


def baselines(enterprise_list: EnterpriseList) -> tuple[str, dict[Pollutant, tuple[float, str]]]:
    """Daily baseline per pollutant with its basis (§4.3).

    A list baseline is used for each pollutant it gives; a pollutant it omits
    falls back to the listed total, and says so in its own basis. The overall
    basis is ``baseline`` only when every pollutant has one.
    """
    given = enterprise_list.info.baseline
    listed = {p: 0.0 for p in POLLUTANTS}
    for e in enterprise_list.enterprises:
        if e.operating:
            days = e.operating_days
            for line in e.lines:  # hot on large lists: daily() inlined, same sums in the same order
                emissions = line.emissions
                for p in POLLUTANTS:
                    listed[p] += emissions.get(p, 0.0) / days
    for s in enterprise_list.other_sources:
        for p in POLLUTANTS:
            listed[p] += daily(s.emission(p), DAYS_PER_YEAR)
    result = {}
    for p in POLLUTANTS:
        if given is not None and p in given:
            result[p] = (given[p] / DAYS_PER_YEAR, "baseline")
        else:
            result[p] = (listed[p], "listed")
    # One pollutant measured against listed emissions makes the whole report say so (§4.3).
    basis = "baseline" if all(b == "baseline" for _, b in result.values()) else "listed"
    return basis, result


def compute(enterprise_list: EnterpriseList, policy: Policy, level: Level,
            stopped: frozenset[str] | set[str] = frozenset()) -> LevelResult:
    """Everything §4 says about ``enterprise_list`` at declared ``level``.

    ``stopped``: credit codes in their 错峰 stop on the day (SPEC §15), computed as stopped.
    """
    memo: dict[tuple[str, str, Level], Measure | None] = {}
    enterprises = [enterprise_result(e, level, policy, e.id in stopped, memo) if stopped else
                   enterprise_result(e, level, policy, False, memo) for e in enterprise_list.enterprises]
    sources = [source_result(s, level) for s in enterprise_list.other_sources]
    return assess(enterprise_list, policy, level, enterprises, sources)


def assess(enterprise_list: EnterpriseList, policy: Policy, level: Level, enterprises: list[EnterpriseResult],
           sources: list[SourceResult]) -> LevelResult:
    """Sum reductions and check them against the requirement (§4.3)."""
    basis, base = baselines(enterprise_list)
    pollutants = {}
    for p in POLLUTANTS:
        total = sum(r.reduction[p] for r in enterprises) + sum(s.reduction[p] for s in sources)
        pollutants[p] = PollutantResult(p, base[p][0], total, policy.requirement(level, p), base[p][1])
    return LevelResult(level, policy, basis, pollutants, enterprises, sources)
