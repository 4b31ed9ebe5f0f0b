"""Season controls (SPEC §14, §15): the policy's ``ozone`` and ``staggered`` sections and their rules.

Pure functions over the model, like :mod:`haze.core.engine`:

* :func:`compute_ozone` — 夏季错时生产: which lines move out of the 10:00–16:00
  window, and the VOCs and NOx that moves with them (t/d, SPEC §14).
* :func:`build_schedule` — 秋冬季错峰生产: one contiguous stop block per
  enterprise taking part, per industry the peak number stopped on one day as
  low as it can be made (SPEC §15).

Why the schedule is bin packing: blocks placed in one season overlap in at
most P on every day exactly when they can be laid out on P "tracks" with no
two blocks of a track overlapping (interval graphs are perfect: the largest
overlap equals the fewest tracks). So the smallest peak is the fewest tracks
of the season's length that hold every block, which is searched from a lower
bound upwards with first-fit decreasing (a segment tree finds the first track
with room in O(log P), so several thousand enterprises take milliseconds).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Mapping

from haze.core.i18n import _
from haze.core.errors import PolicyError
from haze.core.model import POLLUTANTS, Enterprise, EnterpriseList, Pollutant

SEASON = "season"  # stop days "season": the whole season

# -- the policy sections ----------------------------------------------------------


@dataclass(frozen=True)
class OzoneIndustry:
    key: str
    zh: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class OzoneSection:
    """``ozone`` of a policy (SPEC §14)."""

    months: tuple[int, ...] = (5, 6, 7, 8, 9)
    window: tuple[str, str] = ("10:00", "16:00")
    industries: tuple[OzoneIndustry, ...] = ()
    actions: tuple[str, ...] = ()
    source: str = ""

    def industry_of(self, text: str) -> str | None:
        """The ozone industry key of an enterprise's industry (key, Chinese name or alias); None if none."""
        token = _token(text)
        if not token:
            return None
        for ind in self.industries:
            if token in {_token(ind.key), _token(ind.zh), *(_token(a) for a in ind.aliases)}:
                return ind.key
        return None

    def name(self, key: str, lang: str) -> str:
        for ind in self.industries:
            if ind.key == key:
                return ind.zh if lang == "zh" else ind.key
        return key


@dataclass(frozen=True)
class StaggerSection:
    """``staggered`` of a policy (SPEC §15)."""

    start: tuple[int, int] = (11, 15)  # month, day
    end: tuple[int, int] = (3, 15)  # inclusive
    #: industry key -> grade key -> stop days (an int, or "season")
    industries: Mapping[str, Mapping[str, int | str]] = field(default_factory=dict)
    #: industry key -> the largest share of its taking-part enterprises stopped on one day
    max_stopped_share: Mapping[str, float] = field(default_factory=dict)
    #: key zone: grade -> the grade one step stricter (by default the next rank of the policy's grades)
    escalation: Mapping[str, str] = field(default_factory=dict)
    source: str = ""

    def dates(self, first_year: int) -> tuple[date, date]:
        """The season starting in ``first_year``: its first and last day (inclusive)."""
        start = date(first_year, *self.start)
        end_year = first_year if self.end >= self.start else first_year + 1
        return start, _safe_date(end_year, *self.end)

    def share(self, industry: str) -> float:
        return float(self.max_stopped_share.get(industry, 1.0))


# -- ozone (SPEC §14) -------------------------------------------------------------


@dataclass
class OzoneLine:
    name: str
    vocs: float  # t/d
    nox: float  # t/d


@dataclass
class OzoneEnterprise:
    enterprise: Enterprise
    industry: str | None  # the ozone industry key, if its industry is one
    lines: list[OzoneLine]

    @property
    def vocs(self) -> float:
        return sum(line.vocs for line in self.lines)

    @property
    def nox(self) -> float:
        return sum(line.nox for line in self.lines)


@dataclass
class OzoneResult:
    taking_part: list[OzoneEnterprise]
    excluded: list[tuple[Enterprise, str]]  # (enterprise, "exempt" | "idle" | "no_vocs_process")
    vocs_shifted: float
    vocs_total: float
    nox_shifted: float

    @property
    def vocs_share(self) -> float | None:
        return self.vocs_shifted / self.vocs_total if self.vocs_total > 0 else None


def compute_ozone(enterprise_list: EnterpriseList, section: OzoneSection) -> OzoneResult:
    """SPEC §14: the lines that take part, and the daily VOCs/NOx they move out of the window."""
    taking: list[OzoneEnterprise] = []
    excluded: list[tuple[Enterprise, str]] = []
    vocs_total = 0.0
    for e in enterprise_list.enterprises:
        industry = section.industry_of(e.industry)
        days = e.operating_days
        if e.operating:
            vocs_total += sum(line.emission(Pollutant.VOCS) for line in e.lines) / days
        concerned = industry is not None or bool(e.ozone_exempt) or any(
            line.vocs_process is not None for line in e.lines)
        if not e.operating:
            if concerned:
                excluded.append((e, "idle"))
            continue
        if e.ozone_exempt:
            excluded.append((e, "exempt"))
            continue
        lines = [OzoneLine(line.name, line.emission(Pollutant.VOCS) / days, line.emission(Pollutant.NOX) / days)
                 for line in e.lines if _takes_part(line.vocs_process, line.emission(Pollutant.VOCS), industry)]
        if lines:
            taking.append(OzoneEnterprise(e, industry, lines))
        elif concerned:
            excluded.append((e, "no_vocs_process"))
    vocs_total += sum(s.emission(Pollutant.VOCS) for s in enterprise_list.other_sources) / 365
    vocs = sum(t.vocs for t in taking)
    nox = sum(t.nox for t in taking)
    return OzoneResult(taking, excluded, vocs, vocs_total, nox)


def _takes_part(flag: bool | None, vocs: float, industry: str | None) -> bool:
    if flag is not None:
        return flag
    return vocs > 0 and industry is not None


# -- 错峰 (SPEC §15) -----------------------------------------------------------------

# exempt reasons
EX_IDLE, EX_CATEGORY, EX_GRADE = "idle", "category", "grade"


@dataclass
class Participant:
    enterprise: Enterprise
    industry: str  # the staggered industry key
    grade: str  # the grade whose stop days apply (after key-zone escalation)
    own_grade: str
    days: int
    rule: str  # "grade", "zone" (one grade stricter), "noncompliant"
    start: int = 0  # day index in the schedule (0 = its first day, Schedule.first), set by build_schedule
    #: the stop days its grade gives (the season's length for a whole-season one), before they are fitted
    #: into the days a plan issued during the season has left; 0: as ``days``
    required: int = 0
    whole: bool = False  # "season" or noncompliant: every day scheduled

    @property
    def end(self) -> int:
        """The last stop day's index (inclusive)."""
        return self.start + self.days - 1

    @property
    def clipped(self) -> bool:
        """Its days do not fit in the days left (a plan issued during the season): it stops every day left."""
        return not self.whole and self.required > self.days


@dataclass
class Infeasible:
    industry: str
    enterprises: int
    bound: int  # the largest peak allowed
    excess_days: int  # enterprise-days that do not fit under it


@dataclass
class Schedule:
    """The stops of one season, scheduled from ``first`` (the season's first day, or for a plan issued
    during the season the first day a notice issued then can still order) to ``last`` (the season's)."""

    first: date
    last: date
    participants: list[Participant]
    exempt: list[tuple[Enterprise, str]]
    peak: dict[str, int]
    bounds: dict[str, int]
    infeasible: list[Infeasible]
    season_first: date | None = None  # the season's own first day (None: ``first``)

    @property
    def length(self) -> int:
        """The days scheduled: the season's, or the days it has left."""
        return (self.last - self.first).days + 1

    @property
    def season_start(self) -> date:
        return self.season_first or self.first

    @property
    def season_length(self) -> int:
        return (self.last - self.season_start).days + 1

    @property
    def late(self) -> bool:
        """Issued during the season: the days before ``first`` are not scheduled."""
        return self.first > self.season_start

    def day(self, index: int) -> date:
        return self.first + timedelta(days=index)

    def stopped_on(self, when: date) -> list[Participant]:
        i = (when - self.first).days
        return [p for p in self.participants if p.start <= i <= p.end]

    def daily_counts(self, industry: str | None = None) -> list[int]:
        diff = [0] * (self.length + 1)
        for p in self.participants:
            if industry is None or p.industry == industry:
                diff[p.start] += 1
                diff[p.end + 1] -= 1
        counts, running = [], 0
        for d in diff[:-1]:
            running += d
            counts.append(running)
        return counts

    def daily_reductions(self) -> dict[Pollutant, list[float]]:
        """Per pollutant, per day: Σ daily emissions of the enterprises stopped that day (t/d)."""
        result = {}
        for p in POLLUTANTS:
            diff = [0.0] * (self.length + 1)
            for part in self.participants:
                daily = part.enterprise.emission(p) / part.enterprise.operating_days
                diff[part.start] += daily
                diff[part.end + 1] -= daily
            series, running = [], 0.0
            for d in diff[:-1]:
                running += d
                series.append(running)
            result[p] = series
        return result


def escalate(grade: str, policy: Any, section: StaggerSection) -> str:
    """One grade stricter (SPEC §15 key zone): the section's ``escalation``, else the next rank of the policy."""
    if grade in section.escalation:
        return section.escalation[grade]
    own = policy.grades[grade].rank
    worse = sorted((g.rank, i, k) for i, (k, g) in enumerate(policy.grades.items()) if g.rank > own)
    return worse[0][2] if worse else grade


def participants(enterprise_list: EnterpriseList, policy: Any, section: StaggerSection,
                 length: int, season_length: int | None = None) -> tuple[list[Participant], list[tuple[Enterprise, str]]]:
    """Who takes part and for how many of the ``length`` days scheduled; the exempt ones of a listed industry
    with their reason. ``season_length``: the season's own days, when fewer are left (a plan issued during
    the season): a whole-season enterprise stops every day left, one whose days no longer fit every day left."""
    from haze.core.grades import UNRATED

    full = season_length or length
    taking: list[Participant] = []
    exempt: list[tuple[Enterprise, str]] = []
    for e in enterprise_list.enterprises:
        industry = _stagger_industry(e.industry, policy, section)
        if industry is None:
            continue  # only enterprises of a listed industry take part
        if not e.operating:
            exempt.append((e, EX_IDLE))
            continue
        own = policy.grade_key(e.grade) or UNRATED
        if not e.compliant:  # whatever its category: the whole season
            taking.append(Participant(e, industry, own, own, length, "noncompliant", required=full, whole=True))
            continue
        if policy.category_key(e.category) == "guarantee":
            exempt.append((e, EX_CATEGORY))
            continue
        grade, rule = own, "grade"
        if e.key_zone:
            grade, rule = escalate(own, policy, section), "zone"
        days = section.industries[industry].get(grade, 0)
        count = length if days == SEASON else min(int(days), length)
        if count <= 0:
            exempt.append((e, EX_GRADE))
            continue
        required = full if days == SEASON else min(int(days), full)
        taking.append(Participant(e, industry, grade, own, count, rule, required=required, whole=days == SEASON))
    return taking, exempt


def _stagger_industry(text: str, policy: Any, section: StaggerSection) -> str | None:
    if not text:
        return None
    lowered = text.strip().lower()
    if lowered in section.industries:
        return lowered
    key = policy.industry_key(text)
    return key if key in section.industries else None


def build_schedule(enterprise_list: EnterpriseList, policy: Any, section: StaggerSection,
                   first_year: int, from_day: date | None = None) -> Schedule:
    """SPEC §15's schedule for the season starting in ``first_year``.

    ``from_day``: the first day the plan can still order (a plan issued during the season: the day after
    it is issued); the days before it are not scheduled, every number (the stop days, the bound, the peak,
    the daily reductions) is of the days left. Before the season, or None: the whole season. ValueError
    when the season has no day left from ``from_day``.
    """
    season_first, last = section.dates(first_year)
    first = season_first if from_day is None or from_day <= season_first else from_day
    if first > last:
        raise ValueError(f"season {season_label(first_year)} has no day left on or after {first.isoformat()}")
    length = (last - first).days + 1
    taking, exempt = participants(enterprise_list, policy, section, length, (last - season_first).days + 1)
    by_industry: dict[str, list[Participant]] = {}
    for p in taking:
        by_industry.setdefault(p.industry, []).append(p)
    peak: dict[str, int] = {}
    bounds: dict[str, int] = {}
    infeasible: list[Infeasible] = []
    for industry, group in by_industry.items():
        total = sum(p.days for p in group)
        bound = min(math.ceil(total / length) + 1, math.floor(section.share(industry) * len(group) + 1e-9))
        bounds[industry] = bound
        tracks, left = _pack(group, length, bound)
        if left:
            infeasible.append(Infeasible(industry, len(group), bound, sum(p.days for p in left)))
            continue
        peak[industry] = _lay_out(tracks, length)
    return Schedule(first, last, taking, exempt, peak, bounds, infeasible, season_first)


def lower_bound(days: list[int], length: int) -> int:
    """No schedule has a smaller peak: the days must fit, and blocks longer than half the season all overlap."""
    if not days:
        return 0
    return max(math.ceil(sum(days) / length), sum(1 for d in days if 2 * d > length), 1)


def _pack(group: list[Participant], length: int, bound: int) -> tuple[list[list[Participant]], list[Participant]]:
    """The fewest tracks (≤ bound) that hold every block; (tracks, blocks left over at ``bound``)."""
    ordered = sorted(group, key=lambda p: (-p.days, p.enterprise.id))
    start = lower_bound([p.days for p in group], length)
    for count in range(max(start, 1), max(bound, 0) + 1):
        tracks, left = _first_fit(ordered, length, count)
        if not left:
            return tracks, []
    if bound < 1:
        return [], list(ordered)
    return _first_fit(ordered, length, bound)


def _first_fit(ordered: list[Participant], length: int, count: int) -> tuple[list[list[Participant]], list[Participant]]:
    """First-fit decreasing into ``count`` tracks of ``length`` days, with a max segment tree over room left."""
    size = 1
    while size < count:
        size *= 2
    tree = [0] * (2 * size)
    for i in range(count):
        tree[size + i] = length
    for i in range(size - 1, 0, -1):
        tree[i] = max(tree[2 * i], tree[2 * i + 1])
    tracks: list[list[Participant]] = [[] for _ in range(count)]
    left: list[Participant] = []
    for p in ordered:
        if tree[1] < p.days:
            left.append(p)
            continue
        i = 1
        while i < size:  # the leftmost track with room
            i = 2 * i if tree[2 * i] >= p.days else 2 * i + 1
        tracks[i - size].append(p)
        tree[i] -= p.days
        i //= 2
        while i:
            tree[i] = max(tree[2 * i], tree[2 * i + 1])
            i //= 2
    return tracks, left


def _lay_out(tracks: list[list[Participant]], length: int) -> int:
    """Set each block's start: a track's blocks end to end, the track shifted into its spare days.

    Track k of n starts ``spare × k / n`` days in (never past its spare days, so
    every block stays inside the season): the daily count then varies less
    than with every track starting on the season's first day.
    """
    n = len(tracks)
    for k, track in enumerate(tracks):
        spare = length - sum(p.days for p in track)
        position = (spare * k) // max(n, 1)
        for p in track:
            p.start = position
            position += p.days
    counts = [0] * (length + 1)
    for track in tracks:
        for p in track:
            counts[p.start] += 1
            counts[p.end + 1] -= 1
    peak, running = 0, 0
    for c in counts[:-1]:
        running += c
        peak = max(peak, running)
    return peak


def parse_season(text: str) -> int:
    """``2025-2026`` (or ``2025``, ``2025-26``, ``2025-2026秋冬季``) -> 2025, the year the season starts."""
    import re

    m = re.match(r"^\s*(\d{4})(?:\s*[-–/至]\s*(\d{2}|\d{4}))?\s*(?:年)?\s*(?:秋冬季)?\s*$", text or "")
    if not m:
        raise ValueError(_("season {text!r}: give it as 2025-2026 (the season starting in 2025)").format(text=text))
    year = int(m.group(1))
    if m.group(2):
        second = int(m.group(2))
        second = second if second >= 1000 else (year // 100) * 100 + second
        if second != year + 1:
            raise ValueError(_("season {text!r}: the second year must follow the first (2025-2026)").format(text=text))
    return year


def season_label(first_year: int) -> str:
    return f"{first_year}-{first_year + 1}"


def _token(text: Any) -> str:
    import unicodedata

    return "".join(unicodedata.normalize("NFKC", str(text or "")).lower().split())


def _is_clock(value: Any) -> bool:
    import re

    return isinstance(value, str) and re.match(r"^([01]\d|2[0-3]):[0-5]\d$", value) is not None


def _month_day(value: Any, where: str) -> tuple[int, int]:
    import re

    m = re.match(r"^(\d{1,2})-(\d{1,2})$", str(value or ""))
    if not m:
        raise PolicyError(_("{where}: staggered.season dates are \"MM-DD\", not {value!r}").format(where=where, value=value))
    month, day = int(m.group(1)), int(m.group(2))
    try:
        date(2024, month, day)  # a leap year: 02-29 is a day
    except ValueError:
        raise PolicyError(_("{where}: staggered.season: {value!r} is not a day of the year").format(where=where, value=value)) from None
    return month, day


def _safe_date(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:  # 02-29 in a common year: the season ends the day before
        return date(year, month, day - 1)
