"""``haze stagger SEASON`` (SPEC §15): the 秋冬季错峰生产 schedule, its notices, calendar and chart.

Each enterprise that takes part gets its stop days as one contiguous block in
the season; per industry the peak number stopped on one day is the smallest a
schedule can have (see :mod:`haze.core.season`), within SPEC §15's bound. An
industry that cannot fit is exit 1, naming it and the enterprise-days over.
The plan is recorded (kind ``stagger``); a new plan for the same season
supersedes the old one, each of its notices naming the notice it replaces, and
``activate``/``check --at`` read the plan in force. A season already over is
refused unless ``--force``, as ``ozone`` refuses a day out of its months. A plan issued
during its season (a first plan or a replacement) orders stops only from the day after it is issued
(:func:`first_day_to_order`), over the days left.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from haze.core.i18n import _
from haze.commands.inputs import load_inputs
from haze.commands.issuing import NoticeSettings, notice_paths, now_shanghai
from haze.commands.seasonal import issue_set, new_issue, past_note, refused_unless_forced, season_record
from haze.core.errors import Infeasible, UsageError
from haze.core.model import POLLUTANTS
from haze.io.journal import CURRENT, STAGGER, Journal

if TYPE_CHECKING:
    from haze.core.findings import Finding
    from haze.core.model import EnterpriseList
    from haze.core.policy import Policy
    from haze.core.season import Schedule
    from haze.render.notices import NoticeSet


@dataclass(kw_only=True)
class Settings(NoticeSettings):
    season: str
    list_path: str | Path | None = None
    policy: str | None = None
    cache: bool = True
    new_journal: bool = False  # the explicit act that may create a journal (cli: may_create_journal)
    force: bool = False  # a season already over


@dataclass
class Outcome:
    id: str
    season: str
    schedule: Schedule
    enterprise_list: EnterpriseList
    policy: Policy
    notices: NoticeSet
    journal: Path
    dry_run: bool = False
    superseded: str | None = None
    warnings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: the enterprises the superseded plan stopped and this one does not (each told so by a notice of this plan)
    released: list[dict[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return True

    def reduction(self) -> tuple[dict[str, float], dict[str, float]]:
        """The mean and minimum daily reduction per pollutant (t/d) over the days scheduled (a plan issued
        during the season: the days left, not the days already gone)."""
        series = self.schedule.daily_reductions()
        n = self.schedule.length
        return ({p.value: sum(series[p]) / n for p in POLLUTANTS}, {p.value: min(series[p]) for p in POLLUTANTS})

    def _released_json(self) -> list[dict[str, str]]:
        numbers = {n["id"]: n["number"] for n in self.notices.notices}
        return [r | {"number": numbers.get(r["id"], "")} for r in self.released]

    def to_json(self) -> dict[str, Any]:
        from haze.render.season import ordered_participants

        s = self.schedule
        mean, low = self.reduction()
        data: dict[str, Any] = {
            # start: the first day scheduled (a plan issued during the season: the day after it was issued);
            # season_start/season_end: the season's own days, as the policy's staggered.season gives them
            "kind": "stagger", "season": self.season, "start": s.first.isoformat(), "end": s.last.isoformat(),
            "season_start": s.season_start.isoformat(), "season_end": s.last.isoformat(),
            "enterprises": [{"id": p.enterprise.id, "name": p.enterprise.name, "industry": p.industry,
                             "grade": p.grade, "days": p.days,
                             "stop": [[s.day(p.start).isoformat(), s.day(p.end).isoformat()]]}
                            for p in ordered_participants(s)],
            "exempt": [{"id": e.id, "reason": reason} for e, reason in s.exempt],
            "released": self._released_json(),
            "peak": dict(s.peak),
            "reduction": {"mean": mean, "min": low},
            "plan": self.id,
            "notices": notice_paths(self.notices, self.dry_run),
        }
        if self.superseded:
            data["supersedes"] = self.superseded
        if self.dry_run:
            data["dry_run"] = True
        return data


def season_year(policy: Policy, season: str) -> int:
    """The year ``season`` starts in; UsageError when the policy has no staggered section or it is mistyped."""
    from haze.core.season import parse_season

    if policy.staggered is None:
        raise UsageError(_("policy {policy_name} has no staggered section: add one to the policy file (docs/season.md)").format(policy_name=policy.name))
    try:
        return parse_season(season)
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def first_day_to_order(issued: datetime) -> date:
    """The first stop day a 错峰 notice issued at ``issued`` (Beijing time) can order: the next day.

    A stop day is a whole calendar day, 0:00 to 24:00: on the day a notice is issued the plant has been
    running since midnight, and the notice still has to be delivered (the township, SPEC §15's 签收单),
    received (the 1-hour receipt) and a kiln or furnace shut down safely, which takes hours. Issued at
    09:00 or at 23:00, the first day the enterprise can stop whole is tomorrow.
    """
    return issued.date() + timedelta(days=1)


def past_season(policy: Policy, year: int, issued: datetime, force: bool) -> list[str]:
    """Refuse (exit 2) a season with no day left to order unless ``--force``; forced, the note to print.

    Over (its last day before today), or ending today: a notice issued today orders stops from tomorrow
    (:func:`first_day_to_order`), and the season has no tomorrow.
    """
    from haze.core.season import season_label

    assert policy.staggered is not None  # season_year checked it
    last = policy.staggered.dates(year)[1]
    today = issued.date()
    notes = past_note(last, today, _("season {season} is over: it ended on {last}, before today ({today})").format(
        season=season_label(year), last=last.isoformat(), today=today.isoformat()), force)
    if not notes and last < first_day_to_order(issued):
        notes = [refused_unless_forced(_("season {season} ends today ({last}): a notice issued today orders stops "
                                         "from tomorrow, and no day of the season is left").format(
            season=season_label(year), last=last.isoformat()), force)]
    return notes


def schedule_for(enterprise_list: EnterpriseList, policy: Policy, year: int,
                 from_day: date | None = None) -> tuple[str, Schedule]:
    """The season's label and its schedule from ``from_day`` (None, or no day left: the whole season, as
    ``--force`` issues a season over); raises Infeasible naming each industry that cannot fit."""
    from haze.core.season import build_schedule, season_label

    assert policy.staggered is not None  # season_year checked it
    if from_day is not None and from_day > policy.staggered.dates(year)[1]:
        from_day = None  # forced (past_season): the season's plan as it stood, for the record
    schedule = build_schedule(enterprise_list, policy, policy.staggered, year, from_day)
    if schedule.infeasible:
        parts = [_("{label} ({industry}): {enterprises} enterprises cannot stop their days with at most {bound} "
                   "stopped on one day — {excess} enterprise-days do not fit").format(
            label=policy.industry_label(x.industry), industry=x.industry, enterprises=x.enterprises, bound=x.bound,
            excess=x.excess_days) for x in schedule.infeasible]
        raise Infeasible(_("no schedule: {parts} (raise max_stopped_share or lower the stop days; "
                           "nothing written or recorded)").format(parts=_("; ").join(parts)))
    return season_label(year), schedule


def previous_numbers(journal: Journal, season: str) -> dict[str, str]:
    """Credit code -> the number of the notice the plan in force for ``season`` gave it (none: empty).

    A new plan's notice to each of them says which notice it replaces and that that one is void
    (SPEC §15), as a re-issued warning's does; an enterprise new in the plan was told nothing before.
    """
    plan = journal.current_plan(season)
    return {} if plan is None else {n.enterprise_id: n.number for n in journal.notices(plan.id)}


#: why an enterprise the plan in force stops takes no part in the new one (besides the schedule's exempt
#: reasons, haze.core.season EX_*): no longer on the list, or no longer of a listed industry
RELEASED_REMOVED, RELEASED_INDUSTRY = "removed", "industry"


def released(journal: Journal, season: str, schedule: Schedule, enterprise_list: EnterpriseList) -> list[dict[str, str]]:
    """The enterprises the plan in force for ``season`` stops and the new plan does not, with their old numbers.

    Each is told so by a numbered notice of the new plan, which voids its earlier one: without it the
    enterprise would still hold a notice ordering it to stop (SPEC §15 says nothing of them; the
    enterprise and the reviewer expect every notice a revision cancels to be cancelled in writing).
    Only the old plan's stopped enterprises count: one already told it no longer stops is not told again.
    """
    plan = journal.current_plan(season)
    if plan is None:
        return []
    taking = {p.enterprise.id for p in schedule.participants}
    exempt = {e.id: reason for e, reason in schedule.exempt}
    listed = {e.id for e in enterprise_list.enterprises}
    out = []
    for n in journal.notices(plan.id):
        if n.enterprise_id not in plan.plan or n.enterprise_id in taking:
            continue
        reason = exempt.get(n.enterprise_id) or (RELEASED_INDUSTRY if n.enterprise_id in listed else RELEASED_REMOVED)
        out.append({"id": n.enterprise_id, "name": n.name, "replaces": n.number, "reason": reason})
    return out


def run(settings: Settings, *, now: datetime | None = None) -> Outcome:
    from haze.render.season import render_stagger

    now = now_shanghai(now)
    inputs = load_inputs(settings.list_path, settings.policy, cache=settings.cache)
    policy, enterprise_list = inputs.policy, inputs.enterprise_list
    year = season_year(policy, settings.season)
    notes = past_season(policy, year, now, settings.force)
    # issued during the season (a first plan, or a replacement): stops only from tomorrow, on the days left
    label, schedule = schedule_for(enterprise_list, policy, year, first_day_to_order(now))
    if schedule.late:
        notes.append(late_note(label, schedule))
    s = settings

    def current(journal: Journal) -> str | None:
        plan = journal.current_plan(label)
        return plan.id if plan is not None else None

    def render(issue: Any, parent: Path, dry_run: bool) -> NoticeSet:
        return render_stagger(schedule, enterprise_list, policy, issue, parent, lang=s.lang, fmt=s.fmt,
                              templates=s.templates, dry_run=dry_run)

    def record(issue: Any, notices: NoticeSet) -> Any:
        plan = {p.enterprise.id: [schedule.day(p.start).isoformat(), schedule.day(p.end).isoformat()]
                for p in schedule.participants}
        mean, low = outcome_reduction(schedule)
        summary = {"peak": dict(schedule.peak), "enterprises": len(schedule.participants),
                   "reduction": {"mean": mean, "min": low}}
        return season_record(issue, notices, enterprise_list, policy.name, state=CURRENT, summary=summary, plan=plan)

    def released_now(journal: Journal) -> list[dict[str, str]]:
        return released(journal, label, schedule, enterprise_list)

    issued = issue_set(settings, base_id=f"{now:%Y%m%d-%H%M%S}-stagger-{label}",
                       prefix=enterprise_list.info.doc_prefix, year=now.year,
                       count=lambda journal: len(schedule.participants) + len(released_now(journal)),
                       make_issue=new_issue(STAGGER, now, first=schedule.first, last=schedule.last, season=label,
                                            season_first=schedule.season_start,
                                            replaces=current, numbering=s.numbering,
                                            replaced_numbers=lambda journal: previous_numbers(journal, label),
                                            released=released_now),
                       render=render, record=record, supersede=current)
    return Outcome(issued.issue.id, label, schedule, enterprise_list, policy, issued.notices, issued.journal,
                   issued.dry_run, issued.superseded or issued.issue.replaces, inputs.warnings, notes,
                   released=list(issued.issue.released))


def late_note(label: str, schedule: Schedule) -> str:
    """What a plan issued during its season tells the officer: the days already gone are not scheduled."""
    return _("season {season} is under way ({first} – {last}): stops are scheduled from {start}, the first day "
             "a notice issued today can order, over the {days} days left").format(
        season=label, first=schedule.season_start.isoformat(), last=schedule.last.isoformat(),
        start=schedule.first.isoformat(), days=schedule.length)


def outcome_reduction(schedule: Schedule) -> tuple[dict[str, float], dict[str, float]]:
    series = schedule.daily_reductions()
    n = schedule.length
    return ({p.value: sum(series[p]) / n for p in POLLUTANTS}, {p.value: min(series[p]) for p in POLLUTANTS})
