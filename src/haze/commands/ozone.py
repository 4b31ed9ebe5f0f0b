"""``haze ozone DATE [--days N]`` (SPEC §14): 夏季臭氧错时生产 — notices and a journal record.

The lines that take part move their VOCs processes out of the policy's window
(10:00–16:00 shipped) on the given days. The record is of kind ``ozone`` in
the journal's ``seasons`` table: it has its own state, never supersedes or
blocks a warning, and its notices take numbers from the same yearly counter.
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
from haze.core.errors import UsageError
from haze.core.timeparse import to_shanghai
from haze.io.journal import ISSUED, OZONE

if TYPE_CHECKING:
    from haze.core.findings import Finding
    from haze.core.model import EnterpriseList
    from haze.core.policy import Policy
    from haze.core.season import OzoneResult
    from haze.render.notices import NoticeSet

MAX_DAYS = 153  # the longest ozone season (5–9月); more is a typo


@dataclass(kw_only=True)
class Settings(NoticeSettings):
    date: datetime | date
    days: int = 1
    list_path: str | Path | None = None
    policy: str | None = None
    cache: bool = True
    new_journal: bool = False  # the explicit act that may create a journal (cli: may_create_journal)
    force: bool = False  # a date outside the policy's ozone months


@dataclass
class Outcome:
    id: str
    dates: list[date]
    result: OzoneResult
    enterprise_list: EnterpriseList
    policy: Policy
    notices: NoticeSet
    journal: Path
    dry_run: bool = False
    warnings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return True

    def to_json(self) -> dict[str, Any]:
        r = self.result
        e = self.enterprise_list
        data: dict[str, Any] = {
            "kind": "ozone",
            "dates": [d.isoformat() for d in self.dates],
            "window": list(self.policy.ozone.window),
            "policy": self.policy.name,
            "list": {"path": str(e.path), "region": e.info.region, "sha256": e.sha256},
            "enterprises": [{"id": t.enterprise.id, "name": t.enterprise.name,
                             "lines": [{"name": line.name, "vocs": line.vocs, "nox": line.nox} for line in t.lines]}
                            for t in r.taking_part],
            "excluded": [{"id": x.id, "name": x.name, "reason": reason} for x, reason in r.excluded],
            "vocs_shifted": r.vocs_shifted,
            "vocs_share": r.vocs_share,
            "nox_shifted": r.nox_shifted,
            "episode": self.id,
            "notices": notice_paths(self.notices, self.dry_run),
        }
        if self.dry_run:
            data["dry_run"] = True
        return data


def episode_dates(first: datetime | date, days: int) -> list[date]:
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        raise UsageError(_("--days must be a whole number from 1 to {MAX_DAYS}, not {days!r}").format(MAX_DAYS=MAX_DAYS, days=days))
    start = to_shanghai(first).date() if isinstance(first, datetime) else first
    return [start + timedelta(days=i) for i in range(days)]


def season_notes(dates: list[date], months: tuple[int, ...], policy: str, today: date, force: bool) -> list[str]:
    """Refuse (exit 2) a day outside the policy's ozone months, or an episode whose days are all past,
    unless ``--force``; forced, the notes to print."""
    notes: list[str] = []
    outside = [d for d in dates if d.month not in months]
    if outside:
        shown = "、".join(f"{m}月" for m in months)
        notes.append(refused_unless_forced(_("{day} is outside the ozone months of policy {policy} ({months})").format(
            day=outside[0].isoformat(), policy=policy, months=shown), force))
    notes += past_note(dates[-1], today, _("every day of the ozone episode is past: its last day {last} is before "
                                           "today ({today})").format(last=dates[-1].isoformat(),
                                                                    today=today.isoformat()), force)
    return notes


def episode_id(dates: list[date], now: datetime) -> str:
    """When it was issued, then the episode's first day: ``20260601-093000-ozone-2026-07-15``.

    Ids read as times in ``haze history`` (an activation's is its start, a 错峰 plan's when it was
    issued); the old form, the episode's day with the clock's time (``20260715-223000-ozone``), read as
    issued on a day it was not. Ids are never parsed, so a journal holding the old form reads as before.
    """
    return f"{now:%Y%m%d-%H%M%S}-ozone-{dates[0].isoformat()}"


def run(settings: Settings, *, now: datetime | None = None) -> Outcome:
    from haze.core.season import compute_ozone
    from haze.render.season import render_ozone

    now = now_shanghai(now)
    dates = episode_dates(settings.date, settings.days)
    inputs = load_inputs(settings.list_path, settings.policy, cache=settings.cache)
    policy, enterprise_list = inputs.policy, inputs.enterprise_list
    section = policy.ozone
    if section is None:
        raise UsageError(_("policy {policy_name} has no ozone section: add one to the policy file (docs/season.md)").format(policy_name=policy.name))
    notes = season_notes(dates, section.months, policy.name, now.date(), settings.force)
    result = compute_ozone(enterprise_list, section)
    s = settings

    def render(issue: Any, parent: Path, dry_run: bool) -> NoticeSet:
        return render_ozone(result, dates, enterprise_list, policy, issue, parent, lang=s.lang, fmt=s.fmt,
                            templates=s.templates, dry_run=dry_run)

    def record(issue: Any, notices: NoticeSet) -> Any:
        summary = {"dates": [d.isoformat() for d in dates], "window": list(section.window),
                   "vocs_shifted": result.vocs_shifted, "vocs_share": result.vocs_share,
                   "nox_shifted": result.nox_shifted, "enterprises": len(result.taking_part)}
        return season_record(issue, notices, enterprise_list, policy.name, state=ISSUED, summary=summary, plan={})

    issued = issue_set(settings, base_id=episode_id(dates, now),
                       prefix=enterprise_list.info.doc_prefix, year=now.year, count=len(result.taking_part),
                       make_issue=new_issue(OZONE, now, first=dates[0], last=dates[-1], numbering=s.numbering), render=render,
                       record=record)
    return Outcome(issued.issue.id, dates, result, enterprise_list, policy, issued.notices, issued.journal,
                   issued.dry_run, inputs.warnings, notes)
