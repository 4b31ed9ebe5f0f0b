"""What ``haze activate`` and ``haze lift`` share: issuing a numbered set of notices under the journal.

Both decide under the journal's write lock, reserve notice numbers, render
into staging (:mod:`haze.commands.staging`), record, then publish. This module
holds the settings they share (:class:`NoticeSettings`: where and how notices
are written, which journal), and the small rules both apply: times in Beijing
time, issue ids unique in the journal and on disk, the first and last number
of a set, and the check that every reserved number was used.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from haze.core.i18n import _
from haze.commands.staging import pending_dir
from haze.core.errors import JournalError, UsageError
from haze.core.timeparse import SHANGHAI, to_shanghai
from haze.io.journal import ActivationRecord, Journal, NoticeRecord

if TYPE_CHECKING:
    from haze.render.notices import Issue, NoticeSet

DEFAULT_OUT = Path("notices")

Progress = Callable[[int, int], None]


@dataclass(kw_only=True)
class NoticeSettings:
    """Where and how notices are written, and which journal records them (activate and lift)."""

    out: Path | None = None  # default: see out_dir()
    lang: str = "zh"
    fmt: str = "md"
    templates: Path | None = None
    journal: Path | None = None  # default: haze.io.journal.find_journal()
    dry_run: bool = False
    basis: str | None = None  # --basis: the upper-level order cited in every notice and recorded (SPEC §13)
    first_number: int | None = None  # --first-number: the run's first 文号 sequence number (default: the next)
    # told the enterprises left out of sms.csv for want of a phone (id, name, number)
    on_missing: Callable[[list[dict[str, str]]], None] | None = None

    def out_dir(self, journal: Path) -> Path:
        """``out``; by default ``notices/`` beside the ``.haze/`` of the journal found (``journal``).

        Run from a subdirectory, haze finds the bureau's journal in a parent
        (:func:`haze.io.journal.find_journal`): its notices then go beside that
        journal too, so one warning's notices never scatter over the
        directories the officers happened to be in (and a run left half done
        is finished by the next one, which looks there). A journal named
        with --journal or in haze.yaml leaves the default ``./notices``.
        """
        if self.out is not None:
            return Path(self.out)
        home = journal.parent.parent
        if self.journal is None and home != Path.cwd().resolve():
            return home / DEFAULT_OUT
        return DEFAULT_OUT


def clock() -> datetime:
    """The computer's time in Asia/Shanghai: the one place activate, lift and void read it (tests step it)."""
    return datetime.now(SHANGHAI)


def now_shanghai(now: datetime | None) -> datetime:
    """``now`` in Asia/Shanghai; the current time (to the second: it names ids and notices) when None."""
    return clock().replace(microsecond=0) if now is None else to_shanghai(now)


def recorded_now() -> datetime:
    """When a row is written, to the microsecond (history follows the journal's sequence, not this)."""
    return clock()


def minute(value: datetime) -> datetime:
    """``value`` in Shanghai time on its minute: notices state times to the minute, and so do ids."""
    return to_shanghai(value).replace(second=0, microsecond=0)


def check_horizon(moment: datetime, now: datetime, hours: float, force: bool, option: str, source: str) -> None:
    """Refuse (exit 2) a time further ahead than the horizon: usually a mistyped date (issue 17.7)."""
    from datetime import timedelta

    if force or moment - now <= timedelta(hours=hours):
        return
    ahead = moment - now
    span = (_("{days} days {hours} hours").format(days=ahead.days, hours=ahead.seconds // 3600) if ahead.days
            else _("{hours} hours").format(hours=ahead.seconds // 3600))
    again = _("give --force to issue it anyway") if option == "--start" else _("lift it when it is lifted")
    raise UsageError(_("{option} {show_moment} is {span} after now ({show_now}), beyond the {hours:g} hours {source} allows (activation_horizon_hours); check the date, or {again} (nothing written or recorded)").format(option=option, show_moment=show(moment), span=span, show_now=show(now), hours=hours, source=source, again=again))


def not_before_last_event(journal: Journal, moment: datetime, action: str, option: str) -> None:
    """Refuse to begin anything before the latest time the journal records (issue 17.8).

    Events are recorded in order; one dated before the last would overlap it
    (two warnings at once on paper). A default start there means the
    computer's clock was set back.
    """
    last = journal.last_event_time()
    if last is not None and moment < minute(last):  # to the minute: what the notices state
        raise UsageError(_("cannot {action} at {show_moment}: the journal already records an event at {show_last}; if the computer's clock is wrong, set it right, else give {option} no earlier than that (nothing written or recorded)").format(action=_(action), show_moment=show(moment), show_last=show(last), option=option))


def show(moment: datetime) -> str:
    return to_shanghai(moment).strftime("%Y-%m-%d %H:%M")


def stamp_id(moment: datetime, suffix: str) -> str:
    return f"{to_shanghai(moment):%Y%m%d-%H%M%S}-{suffix}"


def unique_id(journal: Journal, out: Path, base: str) -> str:
    """``base``, or ``base-2``, ``base-3``… : unused in the journal and in ``out``."""
    candidate, n = base, 1
    while journal.id_taken(candidate) or os.path.lexists(out / candidate) or \
            os.path.lexists(pending_dir(out, candidate)):
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def not_before(warning: ActivationRecord, moment: datetime, action: str, option: str) -> None:
    """Refuse (exit 2) to lift, adjust or re-issue ``warning`` at a moment before it started."""
    if moment < warning.start:
        raise UsageError(_("cannot {action} warning {warning_id} at {show_moment}: it starts at {show_warning_start}; give {option} no earlier than that (nothing written or recorded)").format(action=_(action), warning_id=warning.id, show_moment=show(moment), show_warning_start=show(warning.start), option=option))


def recipients(journal: Journal, warning: ActivationRecord) -> list[dict[str, str]]:
    """Everyone notified during the warning's episode, once each, with the latest number they got.

    The last activation's order comes first; enterprises only its predecessors
    notified follow in their order.
    """
    latest: dict[str, dict[str, str]] = {}
    for record in reversed(journal.episode(warning.id)):
        for n in journal.notices(record.id):
            latest.setdefault(n.enterprise_id, {"id": n.enterprise_id, "name": n.name, "number": n.number})
    return list(latest.values())


def number_range(prefix: str, issue: Issue, count: int) -> tuple[str, str] | None:
    """The first and last notice number of a set; None for an empty set."""
    from haze.render.notices import notice_number

    if count == 0:
        return None
    year = issue.issued.year
    return (notice_number(prefix, year, issue.first_number),
            notice_number(prefix, year, issue.first_number + count - 1))


def check_count(notices: NoticeSet, expected: int) -> None:
    # The numbers were reserved before rendering; a mismatch would give a number twice or skip one.
    if notices.count != expected:
        raise JournalError(_("rendered {count} notices but reserved {expected} numbers; nothing recorded").format(count=notices.count, expected=expected))


def notice_records(issue_id: str, notices: NoticeSet) -> list[NoticeRecord]:
    return [NoticeRecord(issue_id, i, n["number"], n["id"], n["name"], n["file"])
            for i, n in enumerate(notices.notices, start=1)]


def notice_paths(notices: NoticeSet, dry_run: bool) -> list[str]:
    """The ``notices`` of the JSON: the files written (none for a dry run)."""
    return [] if dry_run else [str(p) for p in notices.files]

