"""``haze status``: the active warning, if any (SPEC §8). Light: no list machinery, no Jinja."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from haze.io.journal import ActivationRecord, Journal, SeasonRecord, existing_journal_path


@dataclass(kw_only=True)
class Settings:
    journal: Path | None = None  # default: haze.io.journal.find_journal()


@dataclass
class Outcome:
    """The active warning (None: nothing active), read with everything the reporters show about it."""

    journal: Path
    active: ActivationRecord | None
    now: datetime
    notices_found: bool = False  # its notice directory exists
    follow_up: dict[str, int] = field(default_factory=dict)  # SPEC §18: notified, receipts, reports, overdue
    #: ozone episodes and 错峰 plans in force today or later (SPEC §14, §15): they have their own state
    seasons: list[SeasonRecord] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return True  # exit 0 whether or not a warning is active

    @property
    def ended(self) -> bool:
        """Its end time has passed; the journal still counts it active until lifted."""
        return self.active is not None and self.active.ended_by(self.now)

    def to_json(self) -> dict[str, Any]:
        active = None
        if self.active is not None:
            active = self.active.to_json()
            active["ended"] = self.ended
            active.update(self.follow_up)
        data: dict[str, Any] = {"journal": str(self.journal), "active": active}
        if self.seasons:  # an addition to SPEC §7's shape, only when there is something to say
            data["seasons"] = [s.to_json() for s in self.seasons]
        return data


def run(settings: Settings) -> Outcome:
    from haze.core.timeparse import SHANGHAI

    path = existing_journal_path(settings.journal)
    now = datetime.now(SHANGHAI)
    today = now.date().isoformat()
    with Journal(path) as journal:
        record = journal.active()
        seasons = [s for s in journal.seasons() if s.state != "superseded" and s.until >= today]
        counts = {}
        if record is not None:
            from haze.commands.overdue import follow_up

            counts = follow_up(journal, record, now.replace(microsecond=0)).counts()
    found = record is not None and Path(record.notice_dir).is_dir()
    return Outcome(path, record, now, found, counts, seasons)
