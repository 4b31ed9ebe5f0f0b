"""Activating and lifting a warning (SPEC §7, §8, §10): the core of ``haze activate`` and ``haze lift``.

One function each, no terminal: :func:`activate` loads and computes the
list, decides what the journal allows (a new warning, an adjustment 升级/降级,
a forced re-issue, or a refusal), renders the notices and records it all;
:func:`lift` closes the active warning with lift notices (解除通知).

How the guarantees of SPEC §10 are kept:

* **One writer at a time, lock held while rendering.** The journal's write
  transaction (``BEGIN IMMEDIATE``) is opened before the active warning is
  read and committed only after the notices are rendered. A second duty
  officer therefore waits (and is told so) until the first has finished, then
  sees the first one's warning: the same level is refused, another level is an
  adjustment. The alternative, reserving in one short transaction and
  finalising in another, would leave a "reserved" row behind a killed process
  that someone must clear; waiting a few seconds for the other officer is the
  better trade. The wait is bounded by :data:`haze.io.journal.LOCK_WAIT`, far
  above the rendering time of a province's list.
* **Nothing half-done is ever visible.** Notices are rendered into a hidden
  staging directory ``OUT/.<id>.pending/`` (haze.render.notices itself writes to a
  hidden temporary directory inside it and renames when complete). The journal
  is committed, and only then is ``OUT/.<id>.pending/<id>`` moved to
  ``OUT/<id>``. A process killed before the commit leaves only the hidden
  staging directory and no record; one killed between the commit and the move
  leaves a record whose notices are still staged. The next ``activate`` or
  ``lift`` on the same journal, holding the lock, finishes the move of
  committed ones and deletes the others (:func:`recover`); no manual clean-up.
  If that final move fails, :class:`PublishError` says the warning *is*
  recorded and where its complete notices wait.
* **Durable before recorded.** Every notice, the staging directory and its
  parent are fsynced before the journal commits (``synchronous=FULL``), so
  after a power cut the journal never points to empty files.

The journal, when not named, is the nearest ``.haze/journal.db`` in the
current directory or a parent (:func:`haze.io.journal.find_journal`).

Heavy modules (the list machinery, the engine, Jinja) are imported inside the
functions, so ``haze status`` and ``haze history`` stay light.
"""

from __future__ import annotations

import builtins
import contextlib
import os
import shutil
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from haze.core.errors import AlreadyActive, HazeError, JournalError, NothingActive, RequirementNotMet, UsageError
from haze.io.journal import (
    ACTIVATION,
    ACTIVE,
    ADJUSTMENT,
    EXPIRED,
    LIFTED,
    REISSUE,
    SUPERSEDED,
    ActivationRecord,
    Event,
    Journal,
    LiftRecord,
    NoticeRecord,
    current_user,
    journal_path,
)
from haze.core.model import Level

if TYPE_CHECKING:
    from haze.core.engine import LevelResult
    from haze.core.findings import Finding
    from haze.core.model import EnterpriseList
    from haze.render.notices import Issue, NoticeSet

DEFAULT_OUT = Path("notices")
PENDING = ".pending"  # suffix of a staging directory: OUT/.<id>.pending/
MARKER = "journal"  # file in a staging directory naming the journal it belongs to
#: --start further than this from now is probably a mistyped date: activate warns
START_WARNING = timedelta(hours=24)

Progress = Callable[[int, int], None]


class PublishError(HazeError):
    """After the journal's commit, the notices could not be moved into place (exit 1).

    Not "nothing written": the warning IS recorded and its notices are complete
    in the staging directory; the next ``activate`` or ``lift`` on the same
    journal and ``--out`` moves them into place.
    """

    exit_code = 1


@dataclass(kw_only=True)
class NoticeOptions:
    """Where and how notices are written, and which journal records them (activate and lift)."""

    out: Path | None = None  # default: see out_dir()
    lang: str = "zh"
    fmt: str = "md"
    templates: Path | None = None
    journal: Path | None = None  # default: haze.io.journal.find_journal()
    dry_run: bool = False
    #: an explicit act allows a new journal (--journal naming a new file, a confirmation): SPEC §10
    new_journal: bool = False

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


@dataclass(kw_only=True)
class ActivateOptions(NoticeOptions):
    """What ``haze activate`` was asked to do (SPEC §7)."""

    level: Level
    list_path: str | Path | None
    policy: str | None = None
    cache: bool = True
    start: datetime | None = None  # default: now
    until: datetime | None = None
    hours: float | None = None  # another way to give ``until``
    force: bool = False
    strict: bool = False


@dataclass
class Activated:
    """The outcome of :func:`activate` (also of a dry run, which records nothing)."""

    id: str
    kind: str  # activation, adjustment or reissue
    result: LevelResult
    list: EnterpriseList
    start: datetime
    until: datetime | None
    notices: NoticeSet  # its paths are final (under OUT/<id>/) even for a dry run, where nothing exists
    numbers: tuple[str, str] | None  # first and last notice number; None when no enterprise operates
    closed: ActivationRecord | None = None  # the warning this one superseded or found expired
    # builtins.list: inside this class, "list" is the field above
    warnings: builtins.list[Finding] = field(default_factory=builtins.list)
    journal: Path = Path()  # absolute
    new_journal: bool = False  # this activation created the journal file
    dry_run: bool = False
    notes: builtins.list[str] = field(default_factory=builtins.list)  # cautions: a --start far from now

    @property
    def adjusted_from(self) -> str | None:
        """The id of the warning this one replaced as an adjustment or re-issue."""
        return self.closed.id if self.closed is not None and self.kind in (ADJUSTMENT, REISSUE) else None


@dataclass(kw_only=True)
class LiftOptions(NoticeOptions):
    """What ``haze lift`` was asked to do."""

    at: datetime | None = None  # default: now


@dataclass
class Lifted:
    """The outcome of :func:`lift`."""

    id: str
    warning: ActivationRecord  # the warning lifted, as it was before
    at: datetime
    notices: NoticeSet
    numbers: tuple[str, str] | None
    journal: Path = Path()  # absolute
    dry_run: bool = False


# -- activate ------------------------------------------------------------------

def activate(opts: ActivateOptions, *, now: datetime | None = None, progress: Progress | None = None,
             on_wait: Callable[[], None] | None = None) -> Activated:
    """Compute ``opts.level`` for the list, issue the notices and record the warning.

    Raises ``ListError`` (bad list, exit 2), ``UsageError``,
    ``RequirementNotMet`` (``strict`` and not met), ``AlreadyActive``,
    ``TemplateError`` or ``JournalError``; in every case nothing is recorded
    and no notice directory appears. ``PublishError`` (exit 1) only after the
    record: the warning is recorded, its notices wait in staging.
    """
    from haze.core.engine import compute
    from haze.commands.inputs import load_inputs

    now = _now(now)
    # A warning starts on the minute, as the notices state it (2025年12月1日20时5分).
    start = _shanghai(opts.start) if opts.start is not None else now.replace(second=0)
    until = _until(start, opts.until, opts.hours)
    journal = Journal(journal_path(opts.journal), create=opts.new_journal)
    if not opts.dry_run and not opts.new_journal and not journal.path.exists():
        from haze.commands.init import refuse_missing

        raise refuse_missing(journal.path, named=opts.journal is not None)  # before anything is read or written
    inputs = load_inputs(opts.list_path, opts.policy, cache=opts.cache)
    result = compute(inputs.list, inputs.policy, opts.level)
    if opts.strict and not result.ok:
        raise RequirementNotMet(f"{opts.level.value} requirement not met ({_shortfalls(result)}); "
                                "--strict: no notice written, nothing recorded")
    out = opts.out_dir(journal.path)
    pending = _Activation(opts, inputs.list, result, start, until, now, inputs.warnings, out)
    with journal:
        if opts.dry_run:
            return pending.dry_run(journal)
        if not journal.path.exists():
            # The transaction below creates the journal (and its .haze/): a new journal is only made for
            # notices that render. Render them all in memory first (numbers as they would be), so a missing
            # templates directory or a template error writes nothing (SPEC §7). With a journal already there,
            # a failure before the commit leaves it as it was and _staging removes what it created.
            pending.dry_run(journal)
        try:
            with journal.transaction(on_wait=on_wait):
                recover(out, journal)
                activated = pending.record(journal, progress)
        except BaseException:
            journal.discard_new()  # a failed first activation leaves no empty journal behind
            raise
        _publish(out, activated.id, journal)
    return activated


class _Activation:
    """One activation being decided, rendered and recorded."""

    def __init__(self, opts: ActivateOptions, lst: EnterpriseList, result: LevelResult, start: datetime,
                 until: datetime | None, now: datetime, warnings: list[Finding], out: Path) -> None:
        self.opts, self.list, self.result = opts, lst, result
        self.start, self.until, self.now, self.warnings = start, until, now, warnings
        self.out = out
        self.prefix = lst.info.doc_prefix
        self.count = len(result.operating)

    def decide(self, journal: Journal) -> tuple[str, ActivationRecord | None, str | None]:
        """(kind, the active warning, what becomes of it): SPEC §10's rules."""
        active = journal.active()
        level = self.opts.level
        if active is None:
            return ACTIVATION, None, None
        if active.ended_by(self.start):
            # Its own end time has passed: this is a new warning, not a change of that one.
            return ACTIVATION, active, EXPIRED
        if active.level is not level:
            # An adjustment supersedes the warning from its own start: never from before that warning began.
            _not_before(active, self.start, "adjust", "--start")
            return ADJUSTMENT, active, SUPERSEDED
        if not self.opts.force:
            raise AlreadyActive(
                f"{level.value} warning {active.id} is already active (since {_show(active.start)}, recorded "
                f"by {active.user}); use --force to issue it again, or `haze lift` first")
        _not_before(active, self.start, "re-issue", "--start")
        return REISSUE, active, SUPERSEDED

    def issue(self, journal: Journal, kind: str, active: ActivationRecord | None, first: int) -> Issue:
        from haze.render.notices import Issue

        # An adjustment or a re-issue replaces the warning's notices: each new one cites the number it replaces.
        replaced = active if kind in (ADJUSTMENT, REISSUE) else None
        return Issue(id=_unique_id(journal, self.out, _stamp_id(self.start, self.opts.level.value)),
                     kind="activation", level=self.opts.level, start=self.start, until=self.until,
                     issued=self.now, first_number=first,
                     previous_level=replaced.level if replaced is not None and kind == ADJUSTMENT else None,
                     reissue=kind == REISSUE, replaces=replaced.id if replaced is not None else None,
                     replaced_numbers={r["id"]: r["number"] for r in _recipients(journal, replaced)}
                     if replaced is not None else {},
                     user=current_user())

    def notes(self) -> list[str]:
        """Cautions the officer should see: a --start far from now is usually a mistyped date."""
        if self.opts.start is None or abs(self.start - self.now) <= START_WARNING:
            return []
        hours = int(abs(self.start - self.now).total_seconds() // 3600)
        span = f"{hours // 24} days {hours % 24} hours" if hours >= 48 else f"{hours} hours"
        side = "before" if self.start < self.now else "after"
        note = (f"--start {_show(self.start)} is {span} {side} now ({_show(self.now)}); check the date "
                "(a time without a year takes the year nearest now)")
        return [note]

    def dry_run(self, journal: Journal) -> Activated:
        """Everything but writing and recording: the templates are rendered in memory."""
        from haze.render.notices import render_activation

        kind, active, fate = self.decide(journal)
        issue = self.issue(journal, kind, active, journal.peek_number(self.prefix, self.now.year))
        notices = render_activation(self.result, self.list, issue, self.out, lang=self.opts.lang,
                                    fmt=self.opts.fmt, templates=self.opts.templates, dry_run=True)
        return self._outcome(issue, kind, notices, active if fate else None, journal, dry_run=True)

    def record(self, journal: Journal, progress: Progress | None) -> Activated:
        """Inside the journal's write transaction: render into staging, then record."""
        from haze.render.notices import render_activation

        kind, active, fate = self.decide(journal)
        first = journal.allocate_numbers(self.prefix, self.now.year, self.count)
        issue = self.issue(journal, kind, active, first)
        with _staging(self.out, issue.id, journal) as staging:
            notices = render_activation(self.result, self.list, issue, staging, lang=self.opts.lang,
                                        fmt=self.opts.fmt, templates=self.opts.templates, progress=progress)
            notices = _final(notices, self.out, issue.id)
            _check_count(notices, self.count)
            if active is not None and fate is not None:
                closed_at = active.until if fate == EXPIRED and active.until else self.start
                journal.close_activation(active.id, fate, closed_at,
                                         superseded_by=issue.id if fate == SUPERSEDED else None)
            journal.insert_activation(self._record(issue, kind, active, notices))
            journal.insert_notices(_notice_records(issue.id, notices))
        return self._outcome(issue, kind, notices, active if fate else None, journal, dry_run=False)

    def _record(self, issue: Issue, kind: str, active: ActivationRecord | None,
                notices: NoticeSet) -> ActivationRecord:
        from haze.render.report import pollutant_json

        info = self.list.info
        result = self.result
        list_info: dict[str, Any] = {"region": info.region, "authority": info.authority, "season": info.season,
                                     "doc_prefix": info.doc_prefix}
        contact = getattr(info, "contact", None)
        if contact is not None:  # the lift notices name the same duty contact
            list_info["contact"] = {"name": contact.name, "phone": contact.phone}
        return ActivationRecord(
            id=issue.id, kind=kind, state=ACTIVE, level=issue.level, start=issue.start, until=issue.until,
            list_path=str(Path(self.list.path).resolve()) if self.list.path else "",
            list_sha256=self.list.sha256,
            list_info=list_info,
            policy=result.policy.record, requirement=result.policy.uniform_requirement(result.level),
            pollutants={p.value: pollutant_json(r) for p, r in result.pollutants.items()},
            ok=result.ok, notice_dir=str(notices.directory.resolve()), manifest_sha256=notices.manifest_sha256,
            notice_count=notices.count, user=issue.user, recorded=_recorded(),
            previous_id=active.id if active else None, previous_level=issue.previous_level,
        )

    def _outcome(self, issue: Issue, kind: str, notices: NoticeSet, closed: ActivationRecord | None,
                 journal: Journal, *, dry_run: bool) -> Activated:
        return Activated(id=issue.id, kind=kind, result=self.result, list=self.list, start=self.start,
                         until=self.until, notices=notices, numbers=_numbers(self.prefix, issue, notices.count),
                         closed=closed, warnings=self.warnings, journal=journal.path,
                         new_journal=journal.created, dry_run=dry_run, notes=self.notes())


# -- lift ----------------------------------------------------------------------

def lift(opts: LiftOptions, *, now: datetime | None = None, progress: Progress | None = None,
         on_wait: Callable[[], None] | None = None) -> Lifted:
    """Lift the active warning: a lift notice to every enterprise notified during it, and the record.

    "During it" includes the warnings it superseded (an orange warning raised
    to red is one episode): an enterprise told to cut at orange is told the
    cut is over even if the red list no longer names it. Raises
    ``NothingActive`` (exit 1) when no warning is active, ``UsageError`` (exit
    2) when ``at`` is before the warning started.
    """
    now = _now(now)
    at = _shanghai(opts.at) if opts.at is not None else now
    journal = Journal(journal_path(opts.journal))
    out = opts.out_dir(journal.path)
    with journal:
        if opts.dry_run:
            warning = _liftable(journal, at)
            issue = _lift_issue(journal, out, warning, at, now, journal.peek_number(_prefix(warning), now.year))
            notices = _render_lift(journal, warning, issue, out, opts, dry_run=True)
            return Lifted(issue.id, warning, at, notices, _numbers(_prefix(warning), issue, notices.count),
                          journal.path, dry_run=True)
        _liftable(journal, at)  # first without the lock: "nothing active" creates no journal
        with journal.transaction(on_wait=on_wait):
            recover(out, journal)
            warning = _liftable(journal, at)  # again, under the lock: it may have changed meanwhile
            recipients = _recipients(journal, warning)
            first = journal.allocate_numbers(_prefix(warning), now.year, len(recipients))
            issue = _lift_issue(journal, out, warning, at, now, first)
            with _staging(out, issue.id, journal) as staging:
                notices = _render_lift(journal, warning, issue, staging, opts, progress=progress,
                                       recipients=recipients)
                notices = _final(notices, out, issue.id)
                _check_count(notices, len(recipients))
                journal.close_activation(warning.id, LIFTED, at)
                journal.insert_lift(LiftRecord(
                    id=issue.id, activation_id=warning.id, at=at, notice_dir=str(notices.directory.resolve()),
                    manifest_sha256=notices.manifest_sha256, notice_count=notices.count, user=issue.user,
                    recorded=_recorded()))
                journal.insert_notices(_notice_records(issue.id, notices))
        _publish(out, issue.id, journal)
    return Lifted(issue.id, warning, at, notices, _numbers(_prefix(warning), issue, notices.count), journal.path)


def _liftable(journal: Journal, at: datetime) -> ActivationRecord:
    """The active warning, if it can be lifted at ``at``: never before it started."""
    warning = journal.active()
    if warning is None:
        raise NothingActive(f"no active warning to lift (journal {journal.path})")
    _not_before(warning, at, "lift", "--at")
    return warning


def _not_before(warning: ActivationRecord, moment: datetime, action: str, option: str) -> None:
    """Refuse (exit 2) to lift, adjust or re-issue ``warning`` at a moment before it started."""
    if moment < warning.start:
        raise UsageError(f"cannot {action} warning {warning.id} at {_show(moment)}: it starts at "
                         f"{_show(warning.start)}; give {option} no earlier than that (nothing written or recorded)")


def _prefix(warning: ActivationRecord) -> str:
    return str(warning.list_info.get("doc_prefix") or "")


def _lift_issue(journal: Journal, out: Path, warning: ActivationRecord, at: datetime, now: datetime,
                first: int) -> Issue:
    from haze.render.notices import Issue

    # The notices module reads a lift's ``start`` as the time it is lifted.
    return Issue(id=_unique_id(journal, out, f"{_stamp_id(at, warning.level.value)}-lift"), kind="lift",
                 level=warning.level, start=at, until=None, issued=now, first_number=first, user=current_user(),
                 lifts=warning.id)


def _recipients(journal: Journal, warning: ActivationRecord) -> list[dict[str, str]]:
    """Everyone notified during the warning's episode, once each, with the latest number they got.

    The last activation's order comes first; enterprises only its predecessors
    notified follow in their order.
    """
    latest: dict[str, dict[str, str]] = {}
    for record in reversed(journal.episode(warning.id)):
        for n in journal.notices(record.id):
            latest.setdefault(n.enterprise_id, {"id": n.enterprise_id, "name": n.name, "number": n.number})
    return list(latest.values())


def _render_lift(journal: Journal, warning: ActivationRecord, issue: Issue, parent: Path, opts: NoticeOptions,
                 *, dry_run: bool = False, progress: Progress | None = None,
                 recipients: list[dict[str, str]] | None = None) -> NoticeSet:
    from haze.render.notices import render_lift

    info = dict(warning.list_info, path=warning.list_path, sha256=warning.list_sha256, policy=warning.policy)
    notified = recipients if recipients is not None else _recipients(journal, warning)
    return render_lift(notified, info, issue, parent, lang=opts.lang, fmt=opts.fmt, templates=opts.templates,
                       dry_run=dry_run, progress=progress)


# -- status and history ----------------------------------------------------------

def status(journal: str | Path | None = None) -> ActivationRecord | None:
    """The active warning, or None (``journal`` None: :func:`haze.io.journal.find_journal`)."""
    with Journal(journal_path(journal)) as j:
        return j.active()


def history(journal: str | Path | None = None, limit: int | None = None) -> list[Event]:
    """Every activation, adjustment, re-issue and lift in the order recorded (the last ``limit``)."""
    if limit is not None and limit < 1:
        raise UsageError(f"--limit must be at least 1, not {limit}")
    with Journal(journal_path(journal)) as j:
        return j.history(limit)


# -- staging, publishing and recovery --------------------------------------------

class _staging:
    """``OUT/.<id>.pending/``: where notices wait for the journal's commit.

    Marked with the journal's path, so that :func:`recover` only ever touches
    staging directories of runs on the same journal (whose lock it holds).
    Removed again if anything fails before the commit.
    """

    def __init__(self, out: Path, issue_id: str, journal: Journal) -> None:
        self.path = _pending(out, issue_id)
        self.journal = journal
        self.made: list[Path] = []  # directories above the staging one this run creates (OUT…), deepest first

    def __enter__(self) -> Path:
        from haze.render.notices import fsync_dir, write_synced

        above = self.path.parent
        while not os.path.lexists(above) and above != above.parent:
            self.made.append(above)
            above = above.parent
        try:
            self.path.mkdir(parents=True)
            write_synced(self.path / MARKER, _journal_key(self.journal).encode("utf-8"))
            # Recovery after a power cut finds committed notices only through this directory's entry.
            fsync_dir(self.path)
            fsync_dir(self.path.parent)
        except OSError as exc:
            self._remove()
            raise HazeError(_unwritable(self.path.parent, exc)) from None
        # A commit that fails after rendering must not leave the set in OUT/.<id>.pending/ (issue 17 item 16).
        self.journal.on_rollback(self._remove_unless_recorded)
        return self.path

    def _remove_unless_recorded(self) -> None:
        if not self.journal.id_taken(self.path.name[1:-len(PENDING)]):  # unreadable: kept for recover()
            self._remove()

    def __exit__(self, kind: type | None, *rest: object) -> None:
        if kind is not None:  # the transaction rolls back too: leave nothing behind
            self._remove()

    def _remove(self) -> None:
        """The staging directory, and OUT (and its parents) if this run created them and they are empty."""
        shutil.rmtree(self.path, ignore_errors=True)
        for folder in self.made:
            try:
                folder.rmdir()
            except OSError:
                break  # another run's notices, or gone already: leave it and what holds it


def _unwritable(folder: Path, exc: OSError) -> str:
    """One clear line for a notice directory that cannot be made, never the bare errno text."""
    where = f"cannot write notices to {folder.absolute()}"
    for above in (folder, *folder.parents):
        if os.path.islink(above) and not above.exists():
            return f"{where}: {above} is a symbolic link to {os.readlink(above)}, which does not exist; give --out DIR"
        if os.path.lexists(above) and not above.is_dir():
            return f"{where}: {above} is a file, not a directory; give --out DIR"
    return f"{where}: {exc.strerror or exc}; give --out DIR"


def _pending(out: Path, issue_id: str) -> Path:
    return out / f".{issue_id}{PENDING}"


def _journal_key(journal: Journal) -> str:
    return str(journal.path.resolve())


def _final(notices: NoticeSet, out: Path, issue_id: str) -> NoticeSet:
    """The same set, with the paths it will have once published (OUT/<id>/...)."""
    from dataclasses import replace

    target = out / issue_id
    return replace(notices, directory=target, files=[target / f.name for f in notices.files])


def _publish(out: Path, issue_id: str, journal: Journal) -> None:
    """After the commit: move the staged notices into place (atomic rename), durably."""
    from haze.render.notices import fsync_dir

    staging = _pending(out, issue_id)
    recorded = f"{issue_id} IS recorded in {journal.path}"
    retry = f"the next haze activate or lift with this journal and --out {out} moves them into place"
    try:
        _move_into_place(staging, out, issue_id)
        fsync_dir(out)
    except OSError as exc:
        raise PublishError(f"{recorded}, but its notices could not be moved from {staging / issue_id} to "
                           f"{out / issue_id}: {exc.strerror or exc}; they are complete where they are, and "
                           f"{retry}") from None
    except KeyboardInterrupt:
        error = PublishError(f"interrupted after recording: {recorded}; its notices are "
                             + (f"in {out / issue_id}" if (out / issue_id).is_dir()
                                else f"complete in {staging / issue_id}, and {retry}"))
        error.exit_code = 130
        raise error from None
    shutil.rmtree(staging, ignore_errors=True)


def recover(out: Path, journal: Journal) -> list[str]:
    """Finish or discard what killed runs left in ``out``; call holding the journal's write lock.

    A staged set whose id the journal recorded is moved into place (the run
    died between its commit and the move); any other staged set of this
    journal is deleted (the run died before committing, so it recorded
    nothing). Returns the ids moved into place.
    """
    if not out.is_dir():
        return []
    key = _journal_key(journal)
    published = []
    for staging in sorted(out.glob(f".*{PENDING}")):
        issue_id = staging.name[1:-len(PENDING)]
        try:
            owner = (staging / MARKER).read_text(encoding="utf-8")
        except OSError:
            # A kill right after publishing leaves the staging directory empty: nothing to judge, nothing lost.
            with contextlib.suppress(OSError):
                staging.rmdir()  # fails unless empty
            continue  # not ours to judge
        if owner != key:
            continue
        try:
            if journal.id_taken(issue_id) and (staging / issue_id).is_dir() and not os.path.lexists(out / issue_id):
                if _move_into_place(staging, out, issue_id):
                    published.append(issue_id)
            shutil.rmtree(staging)
        except OSError:
            continue  # never let yesterday's leftovers stop tonight's warning; try again next time
    return published


def _move_into_place(staging: Path, out: Path, issue_id: str) -> bool:
    """Rename ``staging/<id>`` to ``out/<id>``; False when another haze has just done it."""
    try:
        os.rename(staging / issue_id, out / issue_id)
    except FileNotFoundError:
        if (out / issue_id).is_dir():  # the run that committed it and a recovering run raced: fine
            return False
        raise
    return True


# -- small helpers -------------------------------------------------------------------

def _now(now: datetime | None) -> datetime:
    """``now`` in Asia/Shanghai; the current time (to the second: it names ids and notices) when None."""
    from haze.core.timeparse import SHANGHAI

    return datetime.now(SHANGHAI).replace(microsecond=0) if now is None else _shanghai(now)


def _recorded() -> datetime:
    """When a row is written, to the microsecond: history is ordered by it."""
    from haze.core.timeparse import SHANGHAI

    return datetime.now(SHANGHAI)


def _shanghai(value: datetime) -> datetime:
    from haze.core.timeparse import to_shanghai

    return to_shanghai(value)


def _until(start: datetime, until: datetime | None, hours: float | None) -> datetime | None:
    if until is not None and hours is not None:
        raise UsageError("give --until or --hours, not both")
    if hours is not None:
        if not hours > 0 or hours != hours or hours == float("inf"):
            raise UsageError(f"--hours must be a positive number of hours, not {hours}")
        until = start + timedelta(hours=hours)
    if until is not None:
        until = _shanghai(until)
        if until <= start:
            raise UsageError(f"the warning would end ({_show(until)}) before it starts ({_show(start)})")
    return until


def _show(moment: datetime) -> str:
    return _shanghai(moment).strftime("%Y-%m-%d %H:%M")


def _stamp_id(moment: datetime, suffix: str) -> str:
    return f"{_shanghai(moment):%Y%m%d-%H%M%S}-{suffix}"


def _unique_id(journal: Journal, out: Path, base: str) -> str:
    """``base``, or ``base-2``, ``base-3``… : unused in the journal and in ``out``."""
    candidate, n = base, 1
    while journal.id_taken(candidate) or os.path.lexists(out / candidate) or \
            os.path.lexists(_pending(out, candidate)):
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def _numbers(prefix: str, issue: Issue, count: int) -> tuple[str, str] | None:
    from haze.render.notices import notice_number

    if count == 0:
        return None
    year = issue.issued.year
    return (notice_number(prefix, year, issue.first_number),
            notice_number(prefix, year, issue.first_number + count - 1))


def _check_count(notices: NoticeSet, expected: int) -> None:
    # The numbers were reserved before rendering; a mismatch would give a number twice or skip one.
    if notices.count != expected:
        raise JournalError(f"rendered {notices.count} notices but reserved {expected} numbers; nothing recorded")


def _notice_records(issue_id: str, notices: NoticeSet) -> list[NoticeRecord]:
    return [NoticeRecord(issue_id, i, n["number"], n["id"], n["name"], n["file"])
            for i, n in enumerate(notices.notices, start=1)]


def _shortfalls(result: LevelResult) -> str:
    from haze.core.fmt import pct, ratio_pct

    # ratio_pct rounds a failing ratio down: 29.999% never reads "30.0% < 30%".
    failing = [(p, result.pollutants[p]) for p in result.failing]
    return ", ".join(f"{p.label} {ratio_pct(r.ratio, r.ok)} < {pct(r.required)}" for p, r in failing)

