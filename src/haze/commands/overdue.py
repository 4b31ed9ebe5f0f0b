"""``haze overdue`` and the follow-up counts of ``haze status`` (SPEC §18): whom to phone.

A notified enterprise owes a receipt (回执) and an execution report within the
hours of its policy's ``duties`` (recorded with the activation); deadlines run
from the later of the warning's start and the time its notices were recorded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from haze.io.receipts import KINDS, RECEIPT, REPORT, Notified

if TYPE_CHECKING:
    from haze.io.journal import ActivationRecord, Journal


@dataclass(frozen=True)
class Missing:
    enterprise: Notified
    kind: str
    due: datetime

    def to_json(self) -> dict[str, Any]:
        """SPEC §18: ``{"id", "name", "phone", "missing", "due"}``."""
        e = self.enterprise
        return {"id": e.enterprise_id, "name": e.name, "phone": e.contact_phone, "missing": self.kind,
                "due": self.due.isoformat()}


@dataclass
class Outcome:
    activation: ActivationRecord | None
    at: datetime
    notified: int = 0
    receipts: int = 0
    reports: int = 0
    overdue: list[Missing] = field(default_factory=list)
    journal: Path = Path()

    @property
    def ok(self) -> bool:
        return True  # exit 0: an overdue list is an answer, not a failure

    def counts(self) -> dict[str, int]:
        return {"notified": self.notified, "receipts": self.receipts, "reports": self.reports,
                "overdue": len(self.overdue)}

    def to_json(self) -> dict[str, Any]:
        return {"activation": self.activation.id if self.activation else None, "at": self.at.isoformat(),
                "overdue": [m.to_json() for m in self.overdue]}


def follow_up(journal: Journal, warning: ActivationRecord, at: datetime) -> Outcome:
    """Counts and the overdue items of ``warning`` at ``at`` (receipts dated after ``at`` do not count yet)."""
    from haze.io.receipts import receipts, standing, summarise

    people = standing(journal, warning)
    # After a --changed re-issue some notices are the earlier activations': their receipts and deadlines count.
    sets = {p.activation_id for p in people} | {warning.id}
    got = {(a, *key) for a in sets for key in summarise(receipts(journal, a), at)}
    base = {a: deadlines(journal, warning if a == warning.id else journal.activation(a) or warning) for a in sets}
    result = Outcome(warning, at, notified=len(people),
                      receipts=sum(1 for p in people if (p.activation_id, p.enterprise_id, RECEIPT) in got),
                      reports=sum(1 for p in people if (p.activation_id, p.enterprise_id, REPORT) in got))
    # Most emitting first: whom to phone first. Ties keep notice order.
    for person in sorted(people, key=lambda p: (-p.daily, p.seq)):
        due = base[person.activation_id]
        for kind in KINDS:
            if (person.activation_id, person.enterprise_id, kind) not in got and at > due[kind]:
                result.overdue.append(Missing(person, kind, due[kind]))
    return result


def deadlines(journal: Journal, warning: ActivationRecord) -> dict[str, datetime]:
    """kind -> its deadline for ``warning``."""
    from haze.core.response import due, duty_base
    from haze.io.receipts import duties

    owed = duties(journal, warning.id)
    base = duty_base(warning.start, warning.recorded.replace(microsecond=0))
    return {kind: due(base, owed.hours(kind)) for kind in KINDS}


@dataclass(kw_only=True)
class Settings:
    at: datetime | None = None
    activation: str | None = None
    journal: Path | None = None


def run(opts: Settings, *, now: datetime | None = None) -> Outcome:
    """Who is past a deadline at ``opts.at`` (default now); an empty answer when nothing is active."""
    from haze.io.journal import Journal, existing_journal_path

    at = _shanghai(opts.at) if opts.at is not None else _now(now)
    path = existing_journal_path(opts.journal)
    with Journal(path) as journal:
        if opts.activation is None and journal.active() is None:
            return Outcome(None, at, journal=path)
        from haze.commands.receipt import warning_of

        warning = warning_of(journal, opts.activation)
        result = follow_up(journal, warning, at)
    result.journal = path
    return result




def _now(now: datetime | None) -> datetime:
    from haze.core.timeparse import SHANGHAI

    return datetime.now(SHANGHAI).replace(microsecond=0) if now is None else _shanghai(now)


def _shanghai(value: datetime) -> datetime:
    from haze.core.timeparse import to_shanghai

    return to_shanghai(value)
