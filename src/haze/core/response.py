"""The response loop of SPEC §18 as pure functions: deciding the level, the duties, verifying.

* **Triggers** (``triggers`` in a policy): when a daily AQI forecast calls for
  a warning. Shipped per 环大气〔2024〕6号 for key regions; a rule holds when
  the forecast has a run of at least ``days`` consecutive calendar days with
  AQI above ``above``, and, with ``peak_above``, one day of that run above it.
* **Duties** (``duties``): the hours within which a notified enterprise
  returns its receipt (回执) and its execution report; what the notices state
  and what ``haze overdue`` counts against.
* **Verification** (用电监控): observed cut from metered electricity against
  the enterprise's plant cut, as ``haze verify`` computes it.

Nothing here reads a file or knows the terminal or the journal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Iterable, Mapping

from haze.core.i18n import _
from haze.core.model import LEVELS, Level

#: what the shipped policies hold; a policy without ``duties`` states these (as haze always did)
DEFAULT_RECEIPT_HOURS = 1.0
DEFAULT_REPORT_HOURS = 24.0

# Actions of ``haze advise`` (SPEC §18).
ACTIVATE, KEEP, ADJUST, LIFT, NONE = "activate", "keep", "adjust", "lift", "none"


# -- triggers --------------------------------------------------------------------

@dataclass(frozen=True)
class Rule:
    """A run of ≥ ``days`` consecutive days with AQI > ``above`` (and one of them > ``peak_above``)."""

    level: Level
    above: float
    days: int
    peak_above: float | None = None
    text: str = ""  # the policy's own wording (quoted from the source document)

    def describe(self) -> str:
        """A stable English statement of the rule (``advise --json`` gives it as ``rule``)."""
        span = "a forecast day" if self.days == 1 else f"{self.days} consecutive days"
        head = f"AQI > {_num(self.above)} on {span}" if self.days == 1 else \
            f"AQI > {_num(self.above)} for ≥ {span}"
        return head + (f", one of them > {_num(self.peak_above)}" if self.peak_above is not None else "")

    def says(self) -> str:
        """The rule for a person, in the interface language (``describe`` stays the JSON's stable text)."""
        if self.days == 1:
            head = _("AQI > {above} on a forecast day").format(above=_num(self.above))
        else:
            head = _("AQI > {above} for ≥ {days} consecutive days").format(above=_num(self.above), days=self.days)
        if self.peak_above is None:
            return head
        return _("{rule}, one of them > {peak}").format(rule=head, peak=_num(self.peak_above))

    def message(self, source: str = "") -> str:
        """What a person reads of the rule: :meth:`says`, the policy's own wording, the document it is from
        (``haze advise`` prints it; ``--json`` gives it as ``message``, in the interface language)."""
        said = self.says() + (f" — {self.text}" if self.text else "")
        return _("{rule} ({source})").format(rule=said, source=source) if source else said


@dataclass(frozen=True)
class Triggers:
    rules: tuple[Rule, ...] = ()
    source: str = ""

    def for_level(self, level: Level) -> list[Rule]:
        return [r for r in self.rules if r.level is level]


@dataclass(frozen=True)
class Day:
    """One forecast day: its date and AQI (``row`` locates it in the file)."""

    date: date
    aqi: float
    row: int | None = None


@dataclass(frozen=True)
class Advice:
    level: Level | None
    rule: Rule | None
    days: tuple[Day, ...]
    active: Level | None
    action: str

    def to_json(self) -> dict[str, Any]:
        """SPEC §18: ``{"level", "rule", "days", "active", "action"}``."""
        return {
            "level": self.level.value if self.level else None,
            "rule": self.rule.describe() if self.rule else None,
            "days": [d.date.isoformat() for d in self.days],
            "active": self.active.value if self.active else None,
            "action": self.action,
        }


def runs(days: Iterable[Day], above: float) -> list[list[Day]]:
    """Maximal runs of consecutive calendar days with AQI > ``above``, in date order.

    A date missing from the forecast breaks a run: an unknown day cannot count
    as a polluted one.
    """
    found: list[list[Day]] = []
    current: list[Day] = []
    for day in sorted(days, key=lambda d: d.date):
        if day.aqi > above and current and day.date == current[-1].date + timedelta(days=1):
            current.append(day)
            continue
        if current:
            found.append(current)
        current = [day] if day.aqi > above else []
    if current:
        found.append(current)
    return found


def rule_holds(rule: Rule, days: Iterable[Day]) -> list[Day] | None:
    """The first run of the forecast that satisfies ``rule`` (the whole run), or None."""
    for run in runs(days, rule.above):
        if len(run) >= rule.days and (rule.peak_above is None or any(d.aqi > rule.peak_above for d in run)):
            return run
    return None


def recommend(days: list[Day], triggers: Triggers) -> tuple[Level | None, Rule | None, list[Day]]:
    """The highest level whose rule holds, the rule (the policy's first that holds) and its days."""
    for level in reversed(LEVELS):
        for rule in triggers.for_level(level):
            run = rule_holds(rule, days)
            if run is not None:
                return level, rule, run
    return None, None, []


def action(recommended: Level | None, active: Level | None) -> str:
    """activate / keep / adjust / lift / none (SPEC §18)."""
    if active is None:
        return ACTIVATE if recommended is not None else NONE
    if recommended is None:
        return LIFT
    return KEEP if recommended is active else ADJUST


def advise(days: list[Day], triggers: Triggers, active: Level | None) -> Advice:
    level, rule, run = recommend(days, triggers)
    return Advice(level, rule, tuple(run), active, action(level, active))


# -- duties ----------------------------------------------------------------------

@dataclass(frozen=True)
class Duties:
    """Hours within which a notified enterprise returns its receipt (回执) and its execution report."""

    receipt: float = DEFAULT_RECEIPT_HOURS
    report: float = DEFAULT_REPORT_HOURS
    source: str = ""

    def hours(self, kind: str) -> float:
        return self.receipt if kind == "receipt" else self.report


def due(base: datetime, hours: float) -> datetime:
    return base + timedelta(hours=hours)


def duty_base(start: datetime, recorded: datetime) -> datetime:
    """Deadlines run from the later of the warning's start and the time its notices were recorded."""
    return max(start, recorded)


def hours_text(hours: float, lang: str) -> str:
    """``1小时``, ``1.5小时``, ``2天`` / ``1 hour``, ``24 hours`` as a notice states a duty."""
    whole = float(hours).is_integer()
    n = str(int(hours)) if whole else f"{hours:g}"
    if lang == "zh":
        return f"{n}小时"
    return f"{n} hour" + ("" if hours == 1 else "s")


# -- verification -----------------------------------------------------------------

SHORT, TREATMENT = "short", "treatment"


@dataclass
class MeterDays:
    """Daily kWh of one enterprise and meter kind: date -> kWh (the days with data)."""

    production: dict[date, float] = field(default_factory=dict)
    treatment: dict[date, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Window:
    """The days compared: baseline days before the start's date, the days wholly inside [start, end)."""

    start: datetime
    end: datetime | None
    baseline_days: int

    def baseline_dates(self) -> tuple[date, date]:
        """First and last date of the baseline window (inclusive)."""
        first_day = self.start.date()
        return first_day - timedelta(days=self.baseline_days), first_day - timedelta(days=1)

    def during(self, day: date, last_with_data: date | None) -> bool:
        """True when ``day`` lies wholly inside [start, end); no end: up to the last day with data."""
        tz = self.start.tzinfo
        begins = datetime(day.year, day.month, day.day, tzinfo=tz)
        if begins < self.start:
            return False
        if self.end is not None:
            return begins + timedelta(days=1) <= self.end
        return last_with_data is not None and day <= last_with_data


def mean_kwh(days: Mapping[date, float], window: Window, part: str, last: date | None = None) -> float | None:
    """Mean daily kWh over the days with data in the baseline window or during the warning."""
    if part == "baseline":
        first, final = window.baseline_dates()
        values = [v for d, v in days.items() if first <= d <= final]
    else:
        values = [v for d, v in days.items() if window.during(d, last)]
    return sum(values) / len(values) if values else None


@dataclass(frozen=True)
class Comparison:
    """One enterprise's verification (SPEC §18)."""

    id: str
    name: str
    expected: float
    baseline: float | None
    during: float | None
    observed: float | None
    flag: str | None
    gap: float | None
    daily_emissions: float = 0.0
    treatment_observed: float | None = None
    missing: str | None = None  # why it could not be compared: no_data, no_baseline, no_during, zero_baseline

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "expected": self.expected, "observed": self.observed,
                "baseline": self.baseline, "during": self.during, "flag": self.flag, "gap": self.gap}


def observed_cut(baseline: float | None, during: float | None) -> float | None:
    if baseline is None or during is None or baseline <= 0:
        return None
    return 1.0 - during / baseline


def compare(ident: str, name: str, expected: float, meters: MeterDays | None, window: Window,
            tolerance: float, daily_emissions: float = 0.0) -> Comparison:
    """Baseline, during, observed, the flag and the gap of one enterprise."""
    if meters is None or not meters.production:
        return Comparison(ident, name, expected, None, None, None, None, None, daily_emissions, missing="no_data")
    last = max(meters.production)
    base = mean_kwh(meters.production, window, "baseline")
    during = mean_kwh(meters.production, window, "during", last)
    observed = observed_cut(base, during)
    if observed is None:
        why = "no_baseline" if base is None else "zero_baseline" if base <= 0 else "no_during"
        return Comparison(ident, name, expected, base, during, None, None, None, daily_emissions, missing=why)
    flag = SHORT if observed < expected - tolerance else None
    treated = None
    if meters.treatment:
        t_last = max(meters.treatment)
        treated = observed_cut(mean_kwh(meters.treatment, window, "baseline"),
                               mean_kwh(meters.treatment, window, "during", t_last))
        # 治污设施异常: treatment use fell by more than production use (plus the tolerance).
        if flag is None and treated is not None and treated > observed + tolerance:
            flag = TREATMENT
    return Comparison(ident, name, expected, base, during, observed, flag, expected - observed, daily_emissions,
                      treated)


def inspection_order(items: Iterable[Comparison]) -> list[Comparison]:
    """督查清单: compared enterprises by gap × daily emissions, largest first; then those without data."""
    items = list(items)
    compared = [c for c in items if c.missing is None]
    missing = [c for c in items if c.missing is not None]
    compared.sort(key=lambda c: (-(c.gap or 0.0) * c.daily_emissions, c.id))
    missing.sort(key=lambda c: (-c.daily_emissions, c.id))
    return compared + missing


# -- small helpers ----------------------------------------------------------------------

def _number(value: Any) -> bool:
    return not isinstance(value, bool) and isinstance(value, (int, float)) and value == value \
        and value not in (float("inf"), float("-inf"))


def _num(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"
