"""``haze lift`` (SPEC §8, §10): close the active warning with a lift notice (解除通知) to everyone it notified.

The same guarantees as :mod:`haze.commands.activate`: numbers reserved and
notices rendered into staging under the journal's write lock, recorded, then
published. "Everyone it notified" includes the warnings it superseded (an
orange warning raised to red is one episode).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from haze.commands.issuing import (
    NoticeSettings,
    Progress,
    check_count,
    check_horizon,
    minute,
    show,
    not_before,
    notice_paths,
    notice_records,
    now_shanghai,
    number_range,
    numbers_reserved,
    recipients,
    recorded_now,
    stamp_id,
    unique_id,
)
from haze.core.i18n import N_, _
from haze.commands.staging import Staging, final_paths, publish_staged, recover
from haze.core.errors import NothingActive, UsageError
from haze.io.journal import LIFTED, ActivationRecord, Journal, LiftRecord, current_user, existing_journal_path

if TYPE_CHECKING:
    from haze.render.notices import Issue, NoticeSet


@dataclass(kw_only=True)
class Settings(NoticeSettings):
    """What ``haze lift`` was asked to do."""

    at: datetime | None = None  # default: now


@dataclass
class Outcome:
    """What :func:`run` did."""

    id: str
    warning: ActivationRecord  # the warning lifted, as it was before
    at: datetime
    notices: NoticeSet
    numbers: tuple[str, str] | None
    journal: Path = Path()  # absolute
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return True  # nothing to lift is NothingActive (exit 1), raised before any outcome

    def to_json(self) -> dict[str, Any]:
        w = self.warning
        data: dict[str, Any] = {
            "lift": self.id,
            "activation": w.id,
            "level": w.level.value,
            "start": w.start.isoformat(),
            "at": self.at.isoformat(),
            "notices": notice_paths(self.notices, self.dry_run),
            "count": self.notices.count,
        }
        if self.dry_run:
            data["dry_run"] = True
        return data


def run(settings: Settings, *, now: datetime | None = None, progress: Progress | None = None,
        on_wait: Callable[[], None] | None = None) -> Outcome:
    """Lift the active warning: a lift notice to every enterprise notified during it, and the record.

    Raises ``NothingActive`` (exit 1) when no warning is active, ``UsageError``
    (exit 2) when ``at`` is before the warning started.
    """
    from haze.core.policy import DEFAULT_HORIZON_HOURS

    clock = now is None
    now = now_shanghai(now)
    at = minute(settings.at) if settings.at is not None else now.replace(second=0)  # on the minute, as notices say
    check_horizon(at, now, DEFAULT_HORIZON_HOURS, False, "--at", _("haze's default"))  # the message names the key itself
    journal = Journal(existing_journal_path(settings.journal))
    out = settings.out_dir(journal.path)
    with journal:
        at = _lift_time(journal, at, explicit=settings.at is not None)
        if settings.dry_run:
            warning = _liftable(journal, at)
            issue = _lift_issue(journal, out, warning, at, now, journal.peek_number(_prefix(warning), now.year,
                                                                                      settings.first_number),
                                settings.numbering)
            notices = _render_lift(journal, warning, issue, out, settings, dry_run=True)
            return Outcome(issue.id, warning, at, notices, number_range(_prefix(warning), issue, notices.count),
                           journal.path, dry_run=True)
        _liftable(journal, at)  # first without the lock: "nothing active" creates no journal
        with journal.transaction(on_wait=on_wait):
            if settings.at is None and clock:  # "now" is when this haze holds the journal (issue 17.11)
                now = now_shanghai(None)
                at = _lift_time(journal, now.replace(second=0), explicit=False)
            recover(out, journal)
            warning = _liftable(journal, at)  # again, under the lock: it may have changed meanwhile
            notified = addressees(journal, warning, at)
            first = journal.allocate_numbers(_prefix(warning), now.year,
                                             numbers_reserved(settings.numbering, len(notified)),
                                             settings.first_number)
            issue = _lift_issue(journal, out, warning, at, now, first, settings.numbering)
            issue.basis = settings.basis
            with Staging(out, issue.id, journal) as staging:
                notices = _render_lift(journal, warning, issue, staging, settings, progress=progress,
                                       notified=notified)
                notices = final_paths(notices, out, issue.id)
                check_count(notices, len(notified))
                journal.close_activation(warning.id, LIFTED, at)
                journal.insert_lift(LiftRecord(
                    id=issue.id, activation_id=warning.id, at=at, notice_dir=str(notices.directory.resolve()),
                    manifest_sha256=notices.manifest_sha256, notice_count=notices.count, user=issue.user,
                    recorded=recorded_now()))
                journal.insert_notices(notice_records(issue.id, notices))
                if issue.basis:
                    journal.insert_basis(issue.id, issue.basis)
        publish_staged(out, issue.id, journal)
    return Outcome(issue.id, warning, at, notices, number_range(_prefix(warning), issue, notices.count),
                   journal.path)


def _lift_time(journal: Journal, at: datetime, *, explicit: bool) -> datetime:
    """When the lift is dated (issue 18.7): a warning whose own end has passed ended then.

    Its notices told the enterprises it ends at ``until``; a lift dated later
    would contradict them. Without ``--at`` the lift is dated at that end; an
    ``--at`` after it is refused.
    """
    warning = journal.active()
    if warning is None or warning.until is None or warning.until > at:
        return at
    if explicit and at > warning.until:
        raise UsageError(_("warning {warning_id} already ended at its end time {show_warning_until}; give --at no later than that, or leave --at out to date the lift at its end (nothing written or recorded)").format(warning_id=warning.id, show_warning_until=show(warning.until)))
    return warning.until


def _liftable(journal: Journal, at: datetime) -> ActivationRecord:
    """The active warning, if it can be lifted at ``at``: never before it started."""
    warning = journal.active()
    if warning is None:
        raise NothingActive(_("no active warning to lift (journal {journal_path})").format(journal_path=journal.path))
    not_before(warning, at, N_("lift"), "--at")
    return warning


def _prefix(warning: ActivationRecord) -> str:
    return str(warning.list_info.get("doc_prefix") or "")


def _lift_issue(journal: Journal, out: Path, warning: ActivationRecord, at: datetime, now: datetime,
                first: int, numbering: str = "per_notice") -> Issue:
    from haze.render.notices import Issue

    # The notices module reads a lift's ``start`` as the time it is lifted.
    return Issue(id=unique_id(journal, out, f"{stamp_id(at, warning.level.value)}-lift"), kind="lift",
                 level=warning.level, start=at, until=None, issued=now, first_number=first, user=current_user(),
                 lifts=warning.id, numbering=numbering)


def _render_lift(journal: Journal, warning: ActivationRecord, issue: Issue, parent: Path,
                 settings: NoticeSettings, *, dry_run: bool = False, progress: Progress | None = None,
                 notified: list[dict[str, str]] | None = None) -> NoticeSet:
    from haze.render.notices import render_lift

    info = dict(warning.list_info, path=warning.list_path, sha256=warning.list_sha256, policy=warning.policy)
    notified = notified if notified is not None else addressees(journal, warning, issue.start)
    if warning.list_info.get("city"):  # a city warning: a lift notice to every county it notified (SPEC §13)
        from haze.render.citynotices import render_city_lift

        lists = [c for record in journal.episode(warning.id) for c in record.list_info.get("lists", [])]
        return render_city_lift(notified, lists, info, issue, parent, lang=settings.lang, fmt=settings.fmt,
                                templates=settings.templates, dry_run=dry_run, progress=progress,
                                phones=_phones(journal, warning))
    return render_lift(_with_phones(journal, warning, notified), info, issue, parent, lang=settings.lang,
                       fmt=settings.fmt, templates=settings.templates, dry_run=dry_run, progress=progress,
                       on_missing=settings.on_missing)


def addressees(journal: Journal, warning: ActivationRecord, at: datetime) -> list[dict[str, Any]]:
    """Everyone the warning's episode notified (``recipients``), in list order, with what goes on after the lift.

    docs/notices.md: lift notices go in list order, the order of the warning's list (as it is now, the list
    the latest activation used); those it no longer has follow in the order the journal first recorded
    them. Without that a ``--force --changed`` re-issue, which notified only the changed enterprises,
    would put them first.

    ``continues`` (SPEC §1, §15): a lift ends the warning's measures, not a stop the enterprise is under
    for another reason. ``stagger``: in its 错峰 stop on the lift's day under the season plan in force
    then (a stop that ended during the warning is over; one that began during it goes on), with the
    stop's last day and the 错峰 notice's number; ``noncompliant``: the list, as it is at the lift, says
    it does not meet its standards (停产整治 at every level, whatever the warning). A city warning's
    addressees are county bureaus: none of this applies to them.
    """
    notified = recipients(journal, warning)
    if warning.list_info.get("city"):
        return notified
    first_seen: dict[str, int] = {}
    for record in journal.episode(warning.id):  # oldest first
        for n in journal.notices(record.id):
            first_seen.setdefault(n.enterprise_id, len(first_seen))
    listed = _listed(warning)
    position = {ident: i for i, ident in enumerate(listed)}
    ordered = sorted(notified, key=lambda e: (0, position[e["id"]], 0) if e["id"] in position
                     else (1, 0, first_seen.get(e["id"], len(first_seen))))
    staggered = _in_stagger_stop(journal, at)
    result: list[dict[str, Any]] = []
    for entry in ordered:
        continues = {"kind": "noncompliant"} if listed.get(entry["id"]) is False else staggered.get(entry["id"])
        result.append(entry | {"continues": continues} if continues else entry)
    return result


def _listed(warning: ActivationRecord) -> dict[str, bool]:
    """Credit code -> compliant, in the order of the warning's list as it is now; empty if it cannot be read."""
    from haze.commands.inputs import read

    if not warning.list_path:
        return {}
    try:
        report = read(warning.list_path)
    except Exception:  # a list moved, removed or broken since: the lift still goes out, in the journal's order
        return {}
    if report.enterprise_list is None:
        return {}
    listed: dict[str, bool] = {}
    for e in report.enterprise_list.enterprises:
        listed.setdefault(e.id, bool(e.compliant))
    return listed


def _in_stagger_stop(journal: Journal, at: datetime) -> dict[str, dict[str, Any]]:
    """Credit code -> its 错峰 stop going on at ``at`` (SPEC §15): the plans in force, as ``stopped_on`` reads them."""
    from haze.core.timeparse import SHANGHAI, to_shanghai
    from haze.io.journal import CURRENT, STAGGER

    day = to_shanghai(at).date().isoformat()
    found: dict[str, dict[str, Any]] = {}
    for plan in journal.seasons(STAGGER):
        if plan.state != CURRENT:
            continue
        numbers: dict[str, str] | None = None
        for ident, (first, last) in plan.plan.items():
            if not first <= day <= last:
                continue
            if numbers is None:
                numbers = {n.enterprise_id: n.number for n in journal.notices(plan.id)}
            end = datetime.fromisoformat(last).replace(hour=12, tzinfo=SHANGHAI)  # a day: its noon, never the eve
            stop = found.get(ident)
            if stop is None or end > stop["last"]:
                found[ident] = {"kind": "stagger", "last": end, "number": numbers.get(ident, "")}
    return found


def _with_phones(journal: Journal, warning: ActivationRecord, notified: list[dict[str, str]]) -> list[dict[str, str]]:
    """The recipients with the phones their activation's sms.csv gave them (the lift's sms.csv texts them too)."""
    phones = _phones(journal, warning)
    return [entry | {"phone": phones[entry["id"]]} if entry["id"] in phones else entry for entry in notified]


def _phones(journal: Journal, warning: ActivationRecord) -> dict[str, str]:
    """sms.csv's id -> phone over the warning's records: a credit code, or a county bureau's region (city)."""
    from haze.render.sms import read_phones

    phones: dict[str, str] = {}
    for record in journal.episode(warning.id):  # later records win: the latest phone
        phones.update(read_phones(record.notice_dir))
    return phones
