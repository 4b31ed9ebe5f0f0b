"""``haze history``: every activation, adjustment, re-issue and lift in the order recorded (SPEC §8)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from haze.core.i18n import _
from haze.core.errors import UsageError
from haze.io.journal import Event, Journal, existing_journal_path


@dataclass(kw_only=True)
class Settings:
    journal: Path | None = None  # default: haze.io.journal.find_journal()
    limit: int | None = None  # only the last N events


@dataclass
class Outcome:
    journal: Path
    events: list[Event] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return True

    def to_json(self) -> dict[str, Any]:
        return {"journal": str(self.journal), "events": [event.to_json() for event in self.events]}


def run(settings: Settings) -> Outcome:
    if settings.limit is not None and settings.limit < 1:
        raise UsageError(_("--limit must be at least 1, not {limit}").format(limit=settings.limit))
    path = existing_journal_path(settings.journal)
    with Journal(path) as journal:
        return Outcome(path, journal.history(settings.limit))
