"""``haze void``: declare a mistaken activation void (作废), recorded as such (issue 17.7).

A mistyped ``--start`` (2062 for 2026), a wrong list or a wrong level put
false facts on official notices; lifting such a warning would only add a lift
notice to them. Voiding records, in the journal, that the activation (and the
notices it issued) are void, who said so, when and why:

* the activation's state reads ``void`` in ``status``, ``history`` and
  ``--json``; if it was the active warning it no longer is, so a correct one
  can be issued at once;
* its notice numbers stay used: a number is never given twice, so the
  corrected warning's notices get new numbers;
* a void record is written beside the notices, ``OUT/<void id>/void.md``
  (作废说明: which numbers are void, to whom they went, the reason) and
  ``void.json`` (the same as data, with the sha256 of the voided manifest), so
  the notices directory of the voided activation itself is never modified and
  its manifest stays true. The bureau tells the enterprises through its usual
  channel; the void record lists every one.

What can be voided: the active warning (the default), or any recorded
activation named by its id that is not void already (a lift cannot be).

Voiding the active warning leaves **no** warning active, even when it was an
adjustment or a re-issue: the warning it superseded is not restored, because
that warning's notices were superseded on paper (the enterprises were told the
new ones replace them). The outcome says so and gives the ``haze activate``
that issues the superseded level again, as a new warning whose notices tell
the voided set's enterprises their notice is void.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from haze.core.i18n import _
from haze.core.errors import HazeError, NothingActive, UsageError
from haze.io.journal import ACTIVE, VOID, ActivationRecord, Journal, NoticeRecord, VoidRecord, current_user, \
    existing_journal_path

MAX_REASON = 500


@dataclass(kw_only=True)
class Settings:
    """What ``haze void`` was asked to do."""

    activation: str | None = None  # default: the active warning
    reason: str
    journal: Path | None = None
    dry_run: bool = False


@dataclass
class Outcome:
    """What :func:`run` did (a dry run records and writes nothing)."""

    id: str
    warning: ActivationRecord  # as it was before
    at: datetime
    reason: str
    notices: list[NoticeRecord] = field(default_factory=list)
    record_dir: Path | None = None  # where void.md and void.json were written
    journal: Path = Path()
    dry_run: bool = False
    #: the warning the voided one superseded (an adjustment's or re-issue's predecessor): NOT restored
    superseded: ActivationRecord | None = None
    active: str | None = None  # the active warning after the void (None: no warning is active)

    @property
    def ok(self) -> bool:
        return True  # nothing to void is NothingActive (exit 1), raised before any outcome

    @property
    def was_active(self) -> bool:
        return self.warning.state == ACTIVE

    @property
    def restore(self) -> str | None:
        """The command that issues the superseded warning's level again (None: nothing was superseded)."""
        return None if self.superseded is None else restore_command(self.superseded)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "void": self.id, "activation": self.warning.id, "level": self.warning.level.value,
            "at": self.at.isoformat(), "reason": self.reason, "notices": [n.number for n in self.notices],
            "record": None if self.record_dir is None else str(self.record_dir), "journal": str(self.journal),
            "was_active": self.was_active, "active": self.active,
            # an addition to the void's JSON: the superseded warning stays superseded, and how to issue it again
            "superseded": None if self.superseded is None else {
                "activation": self.superseded.id, "level": self.superseded.level.value, "restored": False,
                "command": self.restore},
        }
        if self.dry_run:
            data["dry_run"] = True
        return data


def superseded_by_it(journal: Journal, target: ActivationRecord) -> ActivationRecord | None:
    """The warning ``target`` replaced when it was issued (adjustment or re-issue), if ``target`` is active."""
    if target.state != ACTIVE or not target.previous_id:
        return None
    previous = journal.activation(target.previous_id)
    if previous is None or previous.superseded_by != target.id:
        return None  # a new warning after a void cites the voided one as previous: it replaced nothing active
    return previous


def restore_command(record: ActivationRecord) -> str:
    """``haze activate LEVEL --list …`` with the lists the superseded warning used (quoted for a shell)."""
    from haze.core.text import shell_word

    lists = [c["path"] for c in record.list_info.get("lists", []) if c.get("path")] or \
        ([record.list_path] if record.list_path else [])
    words = ["haze", "activate", record.level.value, *(w for path in lists for w in ("--list", path))]
    return " ".join(shell_word(w) for w in words)


def run(opts: Settings, *, now: datetime | None = None) -> Outcome:
    """Record ``opts.activation`` (default: the active warning) as void; write the void record."""
    from haze.commands.issuing import now_shanghai as _now
    from haze.commands.issuing import recorded_now as _recorded
    from haze.commands.issuing import stamp_id as _stamp_id
    from haze.commands.issuing import unique_id as _unique_id
    from haze.core.text import clean

    reason = clean(opts.reason or "").strip()
    if not reason:
        raise UsageError(_("give --reason: why the activation is void goes into the journal and the void record"))
    if len(reason) > MAX_REASON:
        raise UsageError(_("--reason is {count} characters long; the limit is {MAX_REASON}").format(count=len(reason), MAX_REASON=MAX_REASON))
    journal = Journal(existing_journal_path(opts.journal))
    with journal:
        target = _target(journal, opts.activation)
        now = _now(now)
        out = Path(target.notice_dir).parent
        superseded = superseded_by_it(journal, target)
        if opts.dry_run:
            active = journal.active()
            return Outcome(_unique_id(journal, out, _stamp_id(now, "void")), target, now, reason,
                          journal.notices(target.id), None, journal.path, dry_run=True, superseded=superseded,
                          active=None if active is None or active.id == target.id else active.id)
        with journal.transaction():
            target = _target(journal, opts.activation)  # again, under the lock
            superseded = superseded_by_it(journal, target)
            void_id = _unique_id(journal, out, _stamp_id(now, "void"))
            record = VoidRecord(id=void_id, activation_id=target.id, at=now, reason=reason, user=current_user(),
                                recorded=_recorded())
            journal.insert_void(record)
            notices = journal.notices(target.id)
            active = journal.active()
        try:
            directory = _write_record(out / void_id, record, target, notices)
        except HazeError as exc:
            error = HazeError(_("void {void} of {activation} IS recorded in {journal}, but its void record "
                                "could not be written: {problem}").format(
                void=void_id, activation=target.id, journal=journal.path, problem=exc))
            error.exit_code = 1
            raise error from None
    return Outcome(void_id, target, now, reason, notices, directory, journal.path, superseded=superseded,
                   active=None if active is None else active.id)


def _target(journal: Journal, activation: str | None) -> ActivationRecord:
    if activation is None:
        target = journal.active()
        if target is None:
            raise NothingActive(_("no active warning to void (journal {journal_path}); name the activation's id (haze history) to void an earlier one").format(journal_path=journal.path))
        return target
    target = journal.activation(activation)
    if target is None:
        raise UsageError(_("no activation {activation!r} in {journal_path} (haze history lists them; a lift cannot be voided)").format(activation=activation, journal_path=journal.path))
    if target.state == VOID:
        raise UsageError(_("activation {activation} is void already").format(activation=activation))
    return target


def _write_record(directory: Path, record: VoidRecord, target: ActivationRecord,
                  notices: list[NoticeRecord]) -> Path:
    from haze.core.timeparse import format_zh
    from haze.io.fsio import write_atomic
    from haze.render.notices import md_escape

    data = {
        "void": record.id, "activation": target.id, "level": target.level.value,
        "was_active": target.state == ACTIVE, "at": record.at.isoformat(), "reason": record.reason,
        "user": record.user, "notice_dir": target.notice_dir, "manifest_sha256": target.manifest_sha256,
        "notices": [{"number": n.number, "id": n.enterprise_id, "name": n.name, "file": n.file} for n in notices],
    }
    lines = [
        f"# 作废说明：{md_escape(target.id)}", "",
        f"- 作废时间：{format_zh(record.at)}",
        f"- 作废原因：{md_escape(record.reason)}",
        f"- 操作人：{md_escape(record.user)}",
        f"- 被作废的预警：{target.level.zh}预警，{format_zh(target.start)}起（{md_escape(target.id)}）",
        f"- 告知书目录：{md_escape(target.notice_dir)}（manifest sha256 {target.manifest_sha256[:12]}…）",
        "- 以下告知书作废，文号不再使用：", "",
        "| 文号 | 企业名称 | 统一社会信用代码 |", "|---|---|---|",
        *(f"| {md_escape(n.number)} | {md_escape(n.name)} | {md_escape(n.enterprise_id)} |" for n in notices),
        "",
    ]
    write_atomic(directory / "void.json", (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8"),
                 overwrite=False)
    write_atomic(directory / "void.md", "\n".join(lines).encode("utf-8"), overwrite=False)
    return directory
