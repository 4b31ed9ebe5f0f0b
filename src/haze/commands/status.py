"""``haze status``: the active warning, if any (SPEC §8). Light: no list machinery, no Jinja."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from haze.io.journal import ActivationRecord, Journal, journal_path


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
        return {"journal": str(self.journal), "active": active}


def run(settings: Settings) -> Outcome:
    from haze.core.timeparse import SHANGHAI

    path = journal_path(settings.journal)
    with Journal(path) as journal:
        record = journal.active()
        now = datetime.now(SHANGHAI)
        counts = {}
        if record is not None:
            from haze.commands.overdue import follow_up

            counts = follow_up(journal, record, now.replace(microsecond=0)).counts()
    found = record is not None and Path(record.notice_dir).is_dir()
    return Outcome(path, record, now, found, counts)
