"""The journal of warnings (SPEC §10): an embedded SQLite database.

It records every activation (including adjustments 升级/降级 and forced
re-issues), every lift, the enterprises each one notified with their notice
numbers, and a per-year counter so that a notice number (示环应急〔2025〕7号)
is never given twice.

Guarantees, and how they are kept:

* **At most one active warning.** Every change runs in ``BEGIN IMMEDIATE``
  (one writer at a time; a second officer waits for the first), the active
  warning is read inside that transaction, and a partial unique index
  (``one_active_warning``) makes a second active row impossible even for a
  program that bypasses this module.
* **No half-recorded activation.** The activation row, its notified
  enterprises and the counter move together in one transaction; a process
  killed before ``COMMIT`` leaves nothing (SQLite rolls the rest back).
* **Works on a USB stick or a network share.** A new journal uses WAL where a
  trial write and read succeed, else ``journal_mode=DELETE``; an existing WAL
  journal whose first read fails for want of shared memory (FAT, some FUSE
  and network mounts) is read in exclusive locking mode and switched to
  DELETE by the next writer (:func:`open_journal`).
* **Made only on purpose, never over something else.** :func:`create_journal`
  builds the whole schema in a hidden file and links it into place; nothing
  here creates a journal unless asked (``Journal(path, create=True)``), and an
  existing file that is not a haze journal — an empty one included — is
  refused (SPEC §10). Failures say what is wrong: a full disk, a read-only
  medium, no permission (:func:`explain_failure`).

Nothing here knows about the terminal; every failure is a one-line
:class:`~haze.core.errors.JournalError`. Times are stored as ISO 8601 text with
their offset (+08:00), so the file reads the same anywhere.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import stat
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping

from haze.core.i18n import N_, _, os_reason
from haze.core.errors import JournalError
from haze.core.model import Level
from haze.io import receipts
from haze.io.fsio import find_upward, fsync_directory, fsync_file, link_new

# 2: the follow-up tables of haze.io.receipts (SPEC §18), added to a schema-1 journal by its next write
SCHEMA_VERSION = 2
#: where a journal is looked for, and where `haze init` creates one (relative to a directory)
DEFAULT_JOURNAL = Path(".haze") / "journal.db"

# Each statement waits this long for a lock before failing.
BUSY_TIMEOUT = 10.0
# How long ``BEGIN IMMEDIATE`` waits for another activate/lift to finish. The
# writer holds the lock while it renders notices (see haze.commands.activate), so this
# must exceed the rendering time of the largest list a bureau runs.
LOCK_WAIT = 600.0
# The first attempt waits this long before telling the caller it is waiting.
FIRST_WAIT = 1.0

# States of an activation.
ACTIVE, SUPERSEDED, EXPIRED, LIFTED = "active", "superseded", "expired", "lifted"
#: An activation an officer voided (作废): recorded in ``voids``; read back as this state. In the
#: ``activations`` table a voided active warning is closed as superseded by the void's id (the table's
#: CHECK constraint predates voids, and a journal is never rewritten to change it).
VOID = "void"
# Kinds of an activation: a new warning, a change of level, a forced re-issue.
ACTIVATION, ADJUSTMENT, REISSUE = "activation", "adjustment", "reissue"
LIFT = "lift"

_SCHEMA = """
CREATE TABLE activations (
    id              TEXT PRIMARY KEY,
    kind            TEXT NOT NULL CHECK (kind IN ('activation', 'adjustment', 'reissue')),
    state           TEXT NOT NULL CHECK (state IN ('active', 'superseded', 'expired', 'lifted')),
    level           TEXT NOT NULL CHECK (level IN ('yellow', 'orange', 'red')),
    previous_id     TEXT REFERENCES activations(id),
    previous_level  TEXT,
    start           TEXT NOT NULL,
    until           TEXT,
    list_path       TEXT NOT NULL,
    list_sha256     TEXT NOT NULL,
    list_info       TEXT NOT NULL,   -- JSON: region, authority, season, doc_prefix
    policy          TEXT NOT NULL,
    requirement     TEXT NOT NULL,   -- JSON: one share, or a share per pollutant
    pollutants      TEXT NOT NULL,   -- JSON: the per-pollutant result of SPEC 7.1
    ok              INTEGER NOT NULL,
    notice_dir      TEXT NOT NULL,
    manifest_sha256 TEXT NOT NULL,
    notice_count    INTEGER NOT NULL,
    user            TEXT NOT NULL,
    recorded        TEXT NOT NULL,
    closed_at       TEXT,
    superseded_by   TEXT
);
-- The guarantee of SPEC 10, in the database itself.
CREATE UNIQUE INDEX one_active_warning ON activations(state) WHERE state = 'active';

CREATE TABLE lifts (
    id              TEXT PRIMARY KEY,
    activation_id   TEXT NOT NULL UNIQUE REFERENCES activations(id),
    at              TEXT NOT NULL,
    notice_dir      TEXT NOT NULL,
    manifest_sha256 TEXT NOT NULL,
    notice_count    INTEGER NOT NULL,
    user            TEXT NOT NULL,
    recorded        TEXT NOT NULL
);

-- Every notice issued: by an activation or a lift (issue_id), to whom, under which number.
CREATE TABLE notices (
    issue_id        TEXT NOT NULL,
    seq             INTEGER NOT NULL,
    number          TEXT NOT NULL UNIQUE,
    enterprise_id   TEXT NOT NULL,
    name            TEXT NOT NULL,
    file            TEXT NOT NULL,
    PRIMARY KEY (issue_id, enterprise_id)
);

-- Season controls (SPEC §14, §15): ozone episodes and 错峰 season plans. Their own state: they
-- never supersede or block a warning. Kept in SEASON_SCHEMA too, for journals made before it.
CREATE TABLE IF NOT EXISTS seasons (
    id              TEXT PRIMARY KEY,
    kind            TEXT NOT NULL CHECK (kind IN ('ozone', 'stagger')),
    state           TEXT NOT NULL CHECK (state IN ('issued', 'current', 'superseded')),
    season          TEXT,            -- stagger: 2025-2026
    start           TEXT NOT NULL,   -- first day (ISO date)
    until           TEXT NOT NULL,   -- last day, inclusive
    list_path       TEXT NOT NULL,
    list_sha256     TEXT NOT NULL,
    list_info       TEXT NOT NULL,
    policy          TEXT NOT NULL,
    summary         TEXT NOT NULL,   -- JSON: the figures of the --json
    plan            TEXT NOT NULL,   -- JSON: stagger: credit code -> [first, last] stop day (ozone: {})
    notice_dir      TEXT NOT NULL,
    manifest_sha256 TEXT NOT NULL,
    notice_count    INTEGER NOT NULL,
    user            TEXT NOT NULL,
    recorded        TEXT NOT NULL,
    superseded_by   TEXT
);

-- Last notice number used, per document prefix and year.
CREATE TABLE counters (
    prefix          TEXT NOT NULL,
    year            INTEGER NOT NULL,
    last            INTEGER NOT NULL,
    PRIMARY KEY (prefix, year)
);
"""

# Added to journals of schema 1 when first written by a haze that knows them (CREATE … IF NOT EXISTS):
# older haze versions ignore them, so the schema version stays 1.
_EXTRA_SCHEMA = """
-- The journal's own order of events (issue 17.8): history follows it, not the wall clock, which an
-- officer's computer may step back.
CREATE TABLE IF NOT EXISTS events (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    id              TEXT NOT NULL UNIQUE,
    kind            TEXT NOT NULL
);
-- Activations voided (作废) by an officer: a mistyped start, a wrong list. Numbers are never reused.
CREATE TABLE IF NOT EXISTS voids (
    id              TEXT PRIMARY KEY,
    activation_id   TEXT NOT NULL UNIQUE REFERENCES activations(id),
    at              TEXT NOT NULL,
    reason          TEXT NOT NULL,
    user            TEXT NOT NULL,
    recorded        TEXT NOT NULL
);
-- The upper-level order (上级通知, --basis) an activation, adjustment or lift follows (SPEC §13). A table of
-- its own, as events and voids: a journal gains it at its next write and older haze versions ignore it.
CREATE TABLE IF NOT EXISTS bases (
    issue_id        TEXT PRIMARY KEY,
    basis           TEXT NOT NULL
);
-- What each notice said: a fingerprint of its enterprise, measures and period (haze.render.notices.
-- content_key). `activate LEVEL --force --changed` re-issues only where the notice now says otherwise.
CREATE TABLE IF NOT EXISTS notice_content (
    issue_id        TEXT NOT NULL,
    enterprise_id   TEXT NOT NULL,
    content         TEXT NOT NULL,
    PRIMARY KEY (issue_id, enterprise_id)
)
"""


SEASON_SCHEMA = _SCHEMA[_SCHEMA.index("CREATE TABLE IF NOT EXISTS seasons"):_SCHEMA.index("-- Last notice number")]
OZONE, STAGGER = "ozone", "stagger"
ISSUED, CURRENT = "issued", "current"


@dataclass(frozen=True)
class SeasonRecord:
    """An ozone episode (kind ``ozone``) or a 错峰 season plan (kind ``stagger``)."""

    id: str
    kind: str
    state: str
    season: str | None
    start: str  # ISO date
    until: str  # ISO date, inclusive
    list_path: str
    list_sha256: str
    list_info: dict[str, Any]
    policy: str
    summary: dict[str, Any]
    plan: dict[str, Any]
    notice_dir: str
    manifest_sha256: str
    notice_count: int
    user: str
    recorded: datetime
    superseded_by: str | None = None

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> "SeasonRecord":
        return cls(id=row["id"], kind=row["kind"], state=row["state"], season=row["season"], start=row["start"],
                   until=row["until"], list_path=row["list_path"], list_sha256=row["list_sha256"],
                   list_info=json.loads(row["list_info"]), policy=row["policy"], summary=json.loads(row["summary"]),
                   plan=json.loads(row["plan"]), notice_dir=row["notice_dir"], manifest_sha256=row["manifest_sha256"],
                   notice_count=row["notice_count"], user=row["user"], recorded=datetime.fromisoformat(row["recorded"]),
                   superseded_by=row["superseded_by"])

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "state": self.state, "season": self.season, "start": self.start,
                "until": self.until, "list": {"path": self.list_path, "sha256": self.list_sha256, **self.list_info},
                "policy": self.policy, "summary": self.summary,
                "notices": {"directory": self.notice_dir, "count": self.notice_count,
                            "manifest_sha256": self.manifest_sha256},
                "user": self.user, "recorded": _stamp(self.recorded), "superseded_by": self.superseded_by}


def find_journal(start: Path | None = None) -> Path:
    """The journal to use when none is named: found like ``haze.yaml``.

    The nearest existing ``.haze/journal.db`` in ``start`` (default: the
    current directory) or a parent, else ``start/.haze/journal.db`` (which
    only ``haze init`` or an explicit act creates). Searching the parents
    matters: a journal only looked for in the current directory would make
    ``haze status`` from a subdirectory say "no active warning". An empty
    file there is found too, and then refused: never skipped for another.
    """
    return find_upward(DEFAULT_JOURNAL, start) or (start or Path.cwd()).resolve() / DEFAULT_JOURNAL


def journal_path(given: str | Path | None) -> Path:
    """The absolute path of the journal: ``given`` (``--journal``, ``haze.yaml``) or :func:`find_journal`."""
    return Path(given).absolute() if given else find_journal()


def existing_journal_path(given: str | Path | None) -> Path:
    """:func:`journal_path` for a command that reads the bureau's journal: refused when there is none.

    ``status`` run in the wrong directory, or with haze.yaml naming a journal on
    a disk that is not plugged in, must not answer "no active warning" from a
    journal that does not exist: the officer would take the warning for lifted.
    """
    path = journal_path(given)
    if path.exists():
        return path
    if given:
        raise JournalError(_("the journal {path} does not exist; check the path (a removable disk not plugged "
                             "in?) or name the bureau's journal with --journal FILE (nothing read)").format(path=path))
    raise JournalError(_("{not_found}; run haze in the directory that holds the bureau's journal, or name it with "
                         "--journal FILE (nothing read)").format(not_found=not_found(Path.cwd().resolve())))


def not_found(here: Path) -> str:
    """Where haze looked for the journal and found none: the one phrase of every such refusal."""
    return _("no journal found: looked for {journal} in {here} and every parent directory").format(
        journal=DEFAULT_JOURNAL, here=here)


def current_user() -> str:
    """The OS user who runs haze; never fails (a journal entry must not be lost over it)."""
    import getpass

    try:
        name = getpass.getuser()
    except Exception:  # no USER variable and no passwd entry (containers, services)
        name = os.environ.get("USERNAME", "")
    return name or "unknown"


def _time(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def _stamp(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


@dataclass(frozen=True)
class ActivationRecord:
    id: str
    kind: str
    state: str
    level: Level
    start: datetime
    until: datetime | None
    list_path: str
    list_sha256: str
    list_info: dict[str, Any]
    policy: str
    requirement: Any
    pollutants: dict[str, Any]
    ok: bool
    notice_dir: str
    manifest_sha256: str
    notice_count: int
    user: str
    recorded: datetime
    previous_id: str | None = None
    previous_level: Level | None = None
    closed_at: datetime | None = None
    superseded_by: str | None = None
    basis: str | None = None  # --basis (table bases)

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> "ActivationRecord":
        return cls(
            id=row["id"], kind=row["kind"], state=row["state"], level=Level(row["level"]),
            start=datetime.fromisoformat(row["start"]), until=_time(row["until"]),
            list_path=row["list_path"], list_sha256=row["list_sha256"], list_info=json.loads(row["list_info"]),
            policy=row["policy"], requirement=json.loads(row["requirement"]),
            pollutants=json.loads(row["pollutants"]), ok=bool(row["ok"]), notice_dir=row["notice_dir"],
            manifest_sha256=row["manifest_sha256"], notice_count=row["notice_count"], user=row["user"],
            recorded=datetime.fromisoformat(row["recorded"]), previous_id=row["previous_id"],
            previous_level=Level(row["previous_level"]) if row["previous_level"] else None,
            closed_at=_time(row["closed_at"]), superseded_by=row["superseded_by"],
        )

    def ended_by(self, moment: datetime) -> bool:
        """True when the warning's own end time (``until``) has passed at ``moment``."""
        return self.until is not None and self.until <= moment

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "state": self.state,
            "level": self.level.value,
            "previous_level": self.previous_level.value if self.previous_level else None,
            "previous_id": self.previous_id,
            "start": _stamp(self.start),
            "until": _stamp(self.until),
            "list": {"path": self.list_path, "sha256": self.list_sha256, **self.list_info},
            "policy": self.policy,
            "requirement": self.requirement,
            "pollutants": self.pollutants,
            "ok": self.ok,
            "notices": {"directory": self.notice_dir, "count": self.notice_count,
                        "manifest_sha256": self.manifest_sha256},
            "user": self.user,
            "recorded": _stamp(self.recorded),
            "closed_at": _stamp(self.closed_at),
            "superseded_by": self.superseded_by,
            "basis": self.basis,
        }


@dataclass(frozen=True)
class LiftRecord:
    id: str
    activation_id: str
    at: datetime
    notice_dir: str
    manifest_sha256: str
    notice_count: int
    user: str
    recorded: datetime

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> "LiftRecord":
        return cls(
            id=row["id"], activation_id=row["activation_id"], at=datetime.fromisoformat(row["at"]),
            notice_dir=row["notice_dir"], manifest_sha256=row["manifest_sha256"],
            notice_count=row["notice_count"], user=row["user"], recorded=datetime.fromisoformat(row["recorded"]),
        )


@dataclass(frozen=True)
class NoticeRecord:
    """One notice issued: ``issue_id`` is the activation or lift that issued it."""

    issue_id: str
    seq: int
    number: str
    enterprise_id: str
    name: str
    file: str


@dataclass(frozen=True)
class Event:
    """One line of ``haze history``: an activation, adjustment, re-issue or lift."""

    kind: str
    id: str
    level: Level | None  # None for an ozone episode or a 错峰 plan (kind ozone, stagger)
    when: datetime  # the start of an activation, the time of a lift
    recorded: datetime
    user: str
    notice_dir: str
    notice_count: int
    previous_level: Level | None = None
    until: datetime | None = None
    state: str | None = None  # for activations: what became of them
    ok: bool | None = None  # for activations: was the requirement met
    activation_id: str | None = None  # for lifts: the warning lifted
    basis: str | None = None  # --basis: the upper-level order it follows
    #: a city activation (SPEC §13): each county list with the notice it got (path, region, authority, number)
    lists: list[dict[str, Any]] | None = None

    def to_json(self) -> dict[str, Any]:
        data = self._json()
        if self.lists is not None:  # only a city activation has them: every other event's keys stay as they were
            data["lists"] = self.lists
        return data

    def _json(self) -> dict[str, Any]:
        return {
            "event": self.kind,
            "id": self.id,
            "level": self.level.value if self.level else None,
            "previous_level": self.previous_level.value if self.previous_level else None,
            "when": _stamp(self.when),
            "until": _stamp(self.until),
            "state": self.state,
            "ok": self.ok,
            "activation": self.activation_id,
            "notices": {"directory": self.notice_dir, "count": self.notice_count},
            "user": self.user,
            "recorded": _stamp(self.recorded),
            "basis": self.basis,
        }


class Journal:
    """A connection to one journal file.

    Reading never creates anything: a journal that does not exist yet reads as
    empty. Nothing writes a journal that does not exist either, unless asked
    to: ``Journal(path, create=True)`` makes one (whole, with its schema,
    :func:`create_journal`) at the first :meth:`transaction`. An existing file
    that is not a haze journal — an empty file included — is refused, never
    taken as a new journal (SPEC §10).
    """

    def __init__(self, path: str | Path, *, create: bool = False) -> None:
        self.path = Path(path)
        self._conn: sqlite3.Connection | None = None
        self._writable = False
        self.mode = ""  # the journal_mode in use: wal or delete
        self.created = False  # True when this connection created the file (a new journal)
        self.create = create
        self._rollback_hooks: list[Callable[[], None]] = []

    # -- connection ---------------------------------------------------------

    def __enter__(self) -> "Journal":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def _fail(self, exc: BaseException, doing: str) -> JournalError:
        return JournalError(_("{path}: cannot {doing} the journal: {explain_failure_self_pat}").format(path=self.path, doing=_(doing), explain_failure_self_pat=explain_failure(self.path, exc)))

    def _connect(self, create: bool) -> sqlite3.Connection | None:
        """The connection: read-only for readers, read-write for ``create`` (a transaction)."""
        if self._conn is not None and (self._writable or not create):
            return self._conn
        self.close()
        if create and not self.path.exists():
            if not self.create:
                raise JournalError(_("{path}: no journal here; `haze init` starts one (nothing recorded)").format(path=self.path))
            self.created = create_journal(self.path)
        if not self.path.exists():
            return None
        _check_file(self.path)
        conn = open_journal(self.path, write=create)
        self.mode = str(conn.execute("PRAGMA journal_mode").fetchone()[0]).lower()
        self._conn, self._writable = conn, create
        return conn

    def _reader(self) -> sqlite3.Connection | None:
        """The connection for reading, or None when there is nothing to read yet."""
        try:
            return self._connect(create=False)
        except sqlite3.Error as exc:
            raise self._fail(exc, N_("read")) from None

    def on_rollback(self, hook: Callable[[], None]) -> None:
        """Call ``hook`` if the current transaction does not commit (clean up files made for it)."""
        self._rollback_hooks.append(hook)

    def discard_new(self) -> None:
        """Remove the journal this connection created, with nothing in it (a failed first activation).

        Only a journal :attr:`created` here and holding no activation is removed,
        so a failed first run leaves no empty journal whose existence would hide
        the "a new journal" question next time (issue 17 item 16).
        """
        if not self.created:
            return
        self.close()
        try:
            # Exclusively, so that no other haze can be inside a transaction on it while it goes.
            conn = sqlite3.connect(str(self.path), timeout=0, isolation_level=None)
        except sqlite3.Error:
            return
        try:
            conn.execute("BEGIN EXCLUSIVE")
            if conn.execute("SELECT (SELECT count(*) FROM activations) + (SELECT count(*) FROM lifts)").fetchone()[0]:
                return
            for suffix in ("", "-wal", "-shm", "-journal"):
                with contextlib.suppress(OSError):
                    os.unlink(f"{self.path}{suffix}")
        except sqlite3.Error:
            return  # busy or unreadable: leave it
        finally:
            conn.close()
        with contextlib.suppress(OSError):
            self.path.parent.rmdir()  # .haze/, if this run made it and nothing else is in it
        self.created = False

    # -- writing ------------------------------------------------------------

    @contextmanager
    def transaction(self, *, wait: float = LOCK_WAIT,
                    on_wait: Callable[[], None] | None = None) -> Iterator["Journal"]:
        """One write transaction (``BEGIN IMMEDIATE``): all of it is recorded, or none.

        When another haze holds the journal, ``on_wait`` is called once and the
        transaction waits up to ``wait`` seconds for it. If it does not commit,
        the hooks given to :meth:`on_rollback` run.
        """
        conn = self._connect(create=True)
        assert conn is not None
        self._rollback_hooks = []
        self._begin(conn, wait, on_wait)
        try:
            if conn.execute("PRAGMA user_version").fetchone()[0] < SCHEMA_VERSION:  # a schema-1 journal
                receipts.create(conn)
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            for statement in _EXTRA_SCHEMA.split(";"):
                if statement.strip():
                    conn.execute(statement)
            conn.execute(SEASON_SCHEMA)  # a journal made before season controls: add their table (IF NOT EXISTS)
            yield self
        except BaseException as exc:
            try:
                conn.execute("ROLLBACK")
            except sqlite3.Error:
                pass  # already rolled back by SQLite itself
            self._rolled_back()
            if isinstance(exc, sqlite3.IntegrityError) and "activations.state" in str(exc):
                # the partial unique index refused a second active warning
                raise JournalError(_("{path}: another warning is already active; nothing recorded").format(path=self.path)) from None
            if isinstance(exc, sqlite3.IntegrityError):
                # SQLite's text ("UNIQUE constraint failed: notices…") means nothing to a duty officer
                raise JournalError(_("{path}: the journal refused a record that would repeat an id or a notice number; nothing recorded").format(path=self.path)) from None
            if isinstance(exc, sqlite3.Error):
                raise self._fail(exc, N_("write")) from None
            raise
        try:
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            try:
                conn.execute("ROLLBACK")
            except sqlite3.Error:
                pass
            self._rolled_back()
            raise self._fail(exc, N_("write")) from None
        self._rollback_hooks = []

    def _rolled_back(self) -> None:
        hooks, self._rollback_hooks = self._rollback_hooks, []
        for hook in reversed(hooks):
            with contextlib.suppress(Exception):  # clean-up must never hide the real failure
                hook()

    def _begin(self, conn: sqlite3.Connection, wait: float,
               on_wait: Callable[[], None] | None) -> None:
        deadline = time.monotonic() + wait
        first = min(FIRST_WAIT, wait)
        told = False
        while True:
            remaining = deadline - time.monotonic()
            budget = first if not told else max(remaining, 0.0)
            conn.execute(f"PRAGMA busy_timeout = {int(budget * 1000)}")
            try:
                conn.execute("BEGIN IMMEDIATE")
                break
            except sqlite3.OperationalError as exc:
                if not _is_busy(exc):
                    raise self._fail(exc, N_("write")) from None
                if told and time.monotonic() >= deadline:
                    raise JournalError(
                        _("{path}: the journal is busy: another haze activate or lift has held it for {wait:.0f} s; nothing was recorded, try again").format(path=self.path, wait=wait)) from None
                if not told and on_wait is not None:
                    on_wait()
                told = True
            finally:
                conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT * 1000)}")

    def _execute(self, sql: str, params: tuple | dict = ()) -> sqlite3.Cursor:
        assert self._conn is not None and self._conn.in_transaction, "write outside a transaction"
        return self._conn.execute(sql, params)

    def allocate_numbers(self, prefix: str, year: int, count: int, first: int | None = None) -> int:
        """Reserve ``count`` consecutive notice numbers; returns the first. Inside a transaction.

        ``first`` (``--first-number``): the bureau's 文号 sequence is shared with its other
        documents, so the run may start further on; never at a number this journal already gave.
        """
        row = self._execute("SELECT last FROM counters WHERE prefix = ? AND year = ?", (prefix, year)).fetchone()
        last = row["last"] if row else 0
        if first is not None:
            last = _skip_to(prefix, year, last, first)
        if row is None:  # this journal's first number of the prefix this year: is it someone else's already?
            self._refuse_repeating(prefix, year, last + 1)
        if row:
            self._execute("UPDATE counters SET last = ? WHERE prefix = ? AND year = ?", (last + count, prefix, year))
        else:
            self._execute("INSERT INTO counters (prefix, year, last) VALUES (?, ?, ?)", (prefix, year, last + count))
        return last + 1

    def _refuse_repeating(self, prefix: str, year: int, first: int) -> None:
        """Refuse numbers the journal found here by default has given already (SPEC §10: never twice).

        ``--journal`` naming a new file starts a journal (SPEC §10), and its numbers begin at 1: a
        mistyped path at night (``.haze/jornal.db``) would give 示环应急〔2026〕1号 a second time. Only
        the same prefix and year collide: a county's own journal under another prefix is not refused,
        nor a run whose ``--first-number`` starts after the other journal's numbers.
        """
        other = find_journal()
        if other == self.path or not other.is_file():
            return
        try:
            with Journal(other) as found:
                last = found.peek_number(prefix, year) - 1
        except JournalError:
            return  # not a journal haze can read: it says so itself when it is used
        if last >= first:
            raise JournalError(_(
                "{path} would give {prefix}〔{year}〕{first}号 again: the journal found here, {other}, has given "
                "{prefix}〔{year}〕1号 to {last}号 already. Use that journal (--journal {other}), or start this one "
                "after them (--first-number {next}); nothing written or recorded").format(
                    path=self.path, prefix=prefix, year=year, first=first, other=other, last=last, next=last + 1))

    def peek_number(self, prefix: str, year: int, first: int | None = None) -> int:
        """The next notice number, without reserving it (for ``--dry-run``); ``first`` as in allocate_numbers."""
        conn = self._reader()
        row = None if conn is None else conn.execute("SELECT last FROM counters WHERE prefix = ? AND year = ?",
                                                     (prefix, year)).fetchone()
        last = row["last"] if row else 0
        return (last if first is None else _skip_to(prefix, year, last, first)) + 1

    def insert_activation(self, record: ActivationRecord) -> None:
        r = record
        self._execute(
            "INSERT INTO activations (id, kind, state, level, previous_id, previous_level, start, until, list_path,"
            " list_sha256, list_info, policy, requirement, pollutants, ok, notice_dir, manifest_sha256,"
            " notice_count, user, recorded, closed_at, superseded_by)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (r.id, r.kind, r.state, r.level.value, r.previous_id,
             r.previous_level.value if r.previous_level else None, _stamp(r.start), _stamp(r.until),
             r.list_path, r.list_sha256, _dumps(r.list_info), r.policy, _dumps(r.requirement),
             _dumps(r.pollutants), int(r.ok), r.notice_dir, r.manifest_sha256, r.notice_count, r.user,
             _stamp(r.recorded), _stamp(r.closed_at), r.superseded_by),
        )
        self._sequence(r.id, r.kind)

    def close_activation(self, activation_id: str, state: str, at: datetime,
                         superseded_by: str | None = None) -> None:
        """Mark the active warning superseded, expired or lifted."""
        changed = self._execute(
            "UPDATE activations SET state = ?, closed_at = ?, superseded_by = ? WHERE id = ? AND state = 'active'",
            (state, _stamp(at), superseded_by, activation_id)).rowcount
        if changed != 1:
            raise JournalError(_("{path}: warning {activation_id} is no longer active; nothing recorded").format(path=self.path, activation_id=activation_id))

    def insert_lift(self, record: LiftRecord) -> None:
        r = record
        self._execute(
            "INSERT INTO lifts (id, activation_id, at, notice_dir, manifest_sha256, notice_count, user, recorded)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (r.id, r.activation_id, _stamp(r.at), r.notice_dir, r.manifest_sha256, r.notice_count, r.user,
             _stamp(r.recorded)),
        )
        self._sequence(r.id, LIFT)

    def insert_void(self, record: "VoidRecord") -> None:
        """Record that an activation is void; close it (as superseded by the void) if it is active."""
        r = record
        self._execute("INSERT INTO voids (id, activation_id, at, reason, user, recorded) VALUES (?, ?, ?, ?, ?, ?)",
                      (r.id, r.activation_id, _stamp(r.at), r.reason, r.user, _stamp(r.recorded)))
        self._execute("UPDATE activations SET state = 'superseded', closed_at = ?, superseded_by = ?"
                      " WHERE id = ? AND state = 'active'", (_stamp(r.at), r.id, r.activation_id))
        self._sequence(r.id, VOID)

    def insert_basis(self, issue_id: str, basis: str) -> None:
        """Record the upper-level order (--basis) of an activation, adjustment or lift, in its transaction."""
        self._execute("INSERT INTO bases (issue_id, basis) VALUES (?, ?)", (issue_id, basis))

    def bases(self) -> dict[str, str]:
        """issue id -> its --basis; empty for a journal that has never recorded one."""
        if not self._has("bases"):
            return {}
        return {r["issue_id"]: r["basis"] for r in self._query("SELECT issue_id, basis FROM bases")}

    def _with_basis(self, record: ActivationRecord, bases: dict[str, str] | None = None) -> ActivationRecord:
        from dataclasses import replace

        found = (self.bases() if bases is None else bases).get(record.id)
        return replace(record, basis=found) if found else record

    def _sequence(self, event_id: str, kind: str) -> None:
        self._execute("INSERT INTO events (id, kind) VALUES (?, ?)", (event_id, kind))

    def insert_season(self, r: SeasonRecord) -> None:
        self._execute(
            "INSERT INTO seasons (id, kind, state, season, start, until, list_path, list_sha256, list_info, policy,"
            " summary, plan, notice_dir, manifest_sha256, notice_count, user, recorded, superseded_by)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (r.id, r.kind, r.state, r.season, r.start, r.until, r.list_path, r.list_sha256, _dumps(r.list_info),
             r.policy, _dumps(r.summary), _dumps(r.plan), r.notice_dir, r.manifest_sha256, r.notice_count, r.user,
             _stamp(r.recorded), r.superseded_by))
        self._sequence(r.id, r.kind)  # history's order is the journal's own sequence

    def supersede_season(self, old_id: str, new_id: str) -> None:
        """A new 错峰 plan for the same season replaces the old one (SPEC §15)."""
        self._execute("UPDATE seasons SET state = 'superseded', superseded_by = ? WHERE id = ? AND state = 'current'",
                      (new_id, old_id))

    def seasons(self, kind: str | None = None) -> list[SeasonRecord]:
        """Ozone episodes and 错峰 plans, in the order recorded; none in a journal made before them."""
        if not self._query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'seasons'"):
            return []
        rows = self._query("SELECT * FROM seasons ORDER BY rowid" if kind is None else
                           "SELECT * FROM seasons WHERE kind = ? ORDER BY rowid", () if kind is None else (kind,))
        return [SeasonRecord.from_row(r) for r in rows]

    def current_plan(self, season: str) -> SeasonRecord | None:
        """The 错峰 plan in force for ``season`` (2025-2026), if one is recorded."""
        plans = [s for s in self.seasons(STAGGER) if s.state == CURRENT and s.season == season]
        return plans[-1] if plans else None

    def insert_notices(self, notices: list[NoticeRecord]) -> None:
        assert self._conn is not None and self._conn.in_transaction
        seen: dict[str, str] = {}
        for n in notices:  # say who, instead of SQLite's "UNIQUE constraint failed" (issue 17.10)
            if n.enterprise_id in seen:
                raise JournalError(_("{path}: enterprise {enterprise_id} ({n_name}) would get two notices in {issue_id} ({seen_n_enterprise_id} and {number}); nothing recorded").format(path=self.path, enterprise_id=n.enterprise_id, n_name=n.name, issue_id=n.issue_id, seen_n_enterprise_id=seen[n.enterprise_id], number=n.number))
            seen[n.enterprise_id] = n.number
        self._conn.executemany(
            "INSERT INTO notices (issue_id, seq, number, enterprise_id, name, file) VALUES (?, ?, ?, ?, ?, ?)",
            [(n.issue_id, n.seq, n.number, n.enterprise_id, n.name, n.file) for n in notices],
        )

    # -- reading ------------------------------------------------------------

    def _query(self, sql: str, params: tuple = ()) -> list[sqlite3.Row]:
        conn = self._reader()
        if conn is None:
            return []
        try:
            return conn.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise self._fail(exc, N_("read")) from None

    def active(self) -> ActivationRecord | None:
        rows = self._query("SELECT * FROM activations WHERE state = 'active'")
        return self._with_basis(ActivationRecord.from_row(rows[0])) if rows else None

    def activation(self, activation_id: str) -> ActivationRecord | None:
        rows = self._query("SELECT * FROM activations WHERE id = ?", (activation_id,))
        return self._with_basis(self._voided(ActivationRecord.from_row(rows[0]))) if rows else None

    def activations(self) -> list[ActivationRecord]:
        bases, voided = self.bases(), self._voided_ids()
        return [self._with_basis(self._voided(ActivationRecord.from_row(r), voided), bases)
                for r in self._query("SELECT * FROM activations ORDER BY rowid")]

    def _has(self, table: str) -> bool:
        return bool(self._query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)))

    def voids(self) -> list["VoidRecord"]:
        if not self._has("voids"):
            return []
        return [VoidRecord(id=r["id"], activation_id=r["activation_id"], at=datetime.fromisoformat(r["at"]),
                           reason=r["reason"], user=r["user"], recorded=datetime.fromisoformat(r["recorded"]))
                for r in self._query("SELECT * FROM voids ORDER BY rowid")]

    def _voided_ids(self) -> frozenset[str]:
        if not self._has("voids"):
            return frozenset()
        return frozenset(r["activation_id"] for r in self._query("SELECT activation_id FROM voids"))

    def _voided(self, record: ActivationRecord, voided: frozenset[str] | None = None) -> ActivationRecord:
        """The record read as ``void`` when a void names it, whatever state its row keeps.

        The row of an activation voided while active, or after it was superseded, is closed by the void;
        one lifted (or expired) before its void keeps ``lifted`` in its row, yet its notices are void
        all the same: ``history`` and ``status`` must say 已作废, not 已解除 (QA), and it cannot be voided twice.
        """
        from dataclasses import replace

        if record.state == ACTIVE:
            return record
        if record.id in (self._voided_ids() if voided is None else voided):
            return replace(record, state=VOID)
        return record

    def voided_last(self, city: bool = False) -> ActivationRecord | None:
        """The warning voided while it was active, when that void is the last warning event of its kind.

        Nothing is active, and no activation, adjustment, re-issue or lift of the same kind (a
        county list's warning, or with ``city`` a city's) was recorded after the void: the next
        activation of that kind is the first after the void, and its notices tell the addressees of
        the voided set that their notice is void. The other kind's warnings do not count: their
        notices went to other addressees (county bureaus, not enterprises), and ozone episodes and
        错峰 plans are not warnings. A void of an earlier warning (lifted or superseded before it
        was voided) leaves no such duty: that warning's notices had stopped applying already.
        """
        if self.active() is not None:
            return None
        of_kind = {a.id for a in self.activations() if bool(a.list_info.get("city")) == city}
        warnings = [e for e in self.history() if e.kind in (ACTIVATION, ADJUSTMENT, REISSUE, LIFT, VOID)
                    and (e.activation_id if e.kind in (LIFT, VOID) else e.id) in of_kind]
        if not warnings or warnings[-1].kind != VOID or warnings[-1].activation_id is None:
            return None
        voided = self.activation(warnings[-1].activation_id)
        # Closed by the void itself (superseded_by is the void's id, see insert_void): it was the active warning.
        if voided is None or voided.state != VOID or voided.superseded_by != warnings[-1].id:
            return None
        return voided

    def last_event_time(self) -> datetime | None:
        """The latest start or lift recorded: nothing may begin before it.

        A voided activation and its void bind nothing: the warning correcting a mistake keeps its real
        start, even one before the void was recorded.
        """
        # Season controls (ozone episodes, 错峰 plans) never supersede or block a warning (SPEC §14, §15):
        # a summer episode recorded in advance must not stop tonight's activation (QA: one for 2027-07-15 did).
        events = [e for e in self.history() if e.kind not in (OZONE, STAGGER)]
        void = {e.id for e in events if e.kind != LIFT and e.kind != VOID and e.state == VOID}
        # A voided activation's times are the mistake being corrected (a start in 2062): they bind nothing.
        times = [e.when for e in events if e.id not in void and e.activation_id not in void]
        return max(times) if times else None

    def lifts(self) -> list[LiftRecord]:
        return [LiftRecord.from_row(r) for r in self._query("SELECT * FROM lifts ORDER BY rowid")]

    def lift_of(self, activation_id: str) -> LiftRecord | None:
        rows = self._query("SELECT * FROM lifts WHERE activation_id = ?", (activation_id,))
        return LiftRecord.from_row(rows[0]) if rows else None

    def lift(self, lift_id: str) -> LiftRecord | None:
        """The lift recorded as ``lift_id`` (an id ``haze history`` lists beside the activations)."""
        rows = self._query("SELECT * FROM lifts WHERE id = ?", (lift_id,))
        return LiftRecord.from_row(rows[0]) if rows else None

    def void_of(self, activation_id: str) -> "VoidRecord | None":
        """The void of ``activation_id``, whatever state the activation was in when it was voided.

        A lifted one voided later keeps ``lifted`` in its row; ``_voided`` reads it as void.
        """
        return next((v for v in self.voids() if v.activation_id == activation_id), None)

    def notices(self, issue_id: str) -> list[NoticeRecord]:
        rows = self._query("SELECT * FROM notices WHERE issue_id = ? ORDER BY seq", (issue_id,))
        return [NoticeRecord(r["issue_id"], r["seq"], r["number"], r["enterprise_id"], r["name"], r["file"])
                for r in rows]

    def insert_contents(self, issue_id: str, contents: Mapping[str, str]) -> None:
        """Record what each notice of ``issue_id`` said (credit code -> content fingerprint)."""
        self._execute("DELETE FROM notice_content WHERE issue_id = ?", (issue_id,))
        assert self._conn is not None
        self._conn.executemany("INSERT INTO notice_content (issue_id, enterprise_id, content) VALUES (?, ?, ?)",
                               [(issue_id, e, c) for e, c in contents.items()])

    def contents(self, issue_id: str) -> dict[str, str]:
        """Credit code -> what its notice of ``issue_id`` said; empty for notices recorded before haze kept it."""
        conn = self._reader()
        if conn is None:
            return {}
        try:
            rows = conn.execute("SELECT enterprise_id, content FROM notice_content WHERE issue_id = ?",
                                (issue_id,)).fetchall()
        except sqlite3.OperationalError:  # a journal no haze that keeps contents has written to yet
            return {}
        return {r[0]: r[1] for r in rows}

    def id_taken(self, issue_id: str) -> bool:
        """True when an activation or a lift already has this id."""
        if any(s.id == issue_id for s in self.seasons()):
            return True
        return bool(self._query("SELECT 1 FROM activations WHERE id = ? UNION ALL SELECT 1 FROM lifts WHERE id = ?",
                                (issue_id, issue_id)))

    def episode(self, activation_id: str) -> list[ActivationRecord]:
        """The warning ``activation_id`` and those it superseded, oldest first.

        A warning adjusted from orange to red is one episode: its lift goes to
        everyone notified during it, not only those of the last adjustment.
        """
        chain: list[ActivationRecord] = []
        record = self.activation(activation_id)
        while record is not None:
            chain.append(record)
            previous = self.activation(record.previous_id) if record.previous_id else None
            record = previous if previous is not None and previous.state == SUPERSEDED else None
        return list(reversed(chain))

    def history(self, limit: int | None = None) -> list[Event]:
        """Every activation, adjustment, re-issue and lift, in the order recorded (the last ``limit``)."""
        from dataclasses import replace

        events = [_activation_event(a) for a in self.activations()]
        levels = {a.id: a.level for a in self.activations()}
        bases = self.bases()
        events += [replace(_lift_event(lift, levels[lift.activation_id]), basis=bases.get(lift.id))
                   for lift in self.lifts()]
        events += [_season_event(s) for s in self.seasons()]
        events += [_void_event(v, levels[v.activation_id]) for v in self.voids()]
        # The journal's own sequence (table events) decides the order, never the wall clock, which
        # may have been stepped back (issue 17.8). Events recorded before the sequence existed come
        # first, by recording time (writes are serialised, so those stamps were in order then).
        sequence = {r["id"]: r["seq"] for r in self._query("SELECT id, seq FROM events")} \
            if self._has("events") else {}
        def order(item: tuple[int, Event]) -> tuple[int, int, datetime, int]:
            i, e = item
            return (1, sequence[e.id], e.recorded, i) if e.id in sequence else (0, 0, e.recorded, i)

        ordered = [e for _, e in sorted(enumerate(events), key=order)]
        return ordered[-limit:] if limit else ordered


def _activation_event(a: ActivationRecord) -> Event:
    return Event(kind=a.kind, id=a.id, level=a.level, when=a.start, recorded=a.recorded, user=a.user,
                 notice_dir=a.notice_dir, notice_count=a.notice_count, previous_level=a.previous_level,
                 until=a.until, state=a.state, ok=a.ok, basis=a.basis,
                 lists=[{k: c.get(k) for k in ("path", "sha256", "region", "authority", "ok", "number")}
                        for c in a.list_info["lists"]] if a.list_info.get("lists") else None)


def _lift_event(lift: LiftRecord, level: Level) -> Event:
    return Event(kind=LIFT, id=lift.id, level=level, when=lift.at, recorded=lift.recorded, user=lift.user,
                 notice_dir=lift.notice_dir, notice_count=lift.notice_count, activation_id=lift.activation_id)


def _season_event(s: SeasonRecord) -> Event:
    return Event(kind=s.kind, id=s.id, level=None, when=datetime.fromisoformat(f"{s.start}T00:00:00+08:00"),
                 recorded=s.recorded, user=s.user, notice_dir=s.notice_dir, notice_count=s.notice_count,
                 until=datetime.fromisoformat(f"{s.until}T23:59:00+08:00"), state=s.state)


@dataclass(frozen=True)
class VoidRecord:
    """An activation declared void (作废) by an officer, with why."""

    id: str
    activation_id: str
    at: datetime
    reason: str
    user: str
    recorded: datetime


def _void_event(void: VoidRecord, level: Level) -> Event:
    return Event(kind=VOID, id=void.id, level=level, when=void.at, recorded=void.recorded, user=void.user,
                 notice_dir="", notice_count=0, activation_id=void.activation_id)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, allow_nan=False)


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def _set_journal_mode(conn: sqlite3.Connection) -> str:
    """WAL where it works; ``DELETE`` where it does not (network file systems)."""
    try:
        mode = str(conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]).lower()
    except sqlite3.OperationalError:
        mode = ""
    if mode == "wal":
        return mode
    try:
        return str(conn.execute("PRAGMA journal_mode = DELETE").fetchone()[0]).lower()
    except sqlite3.OperationalError:
        return mode or "unknown"


def _skip_to(prefix: str, year: int, last: int, first: int) -> int:
    """The counter's new last number for a run starting at ``first``; refused if ``first`` was given already."""
    from haze.core.errors import UsageError

    if first < 1:
        raise UsageError(_("--first-number must be 1 or more, not {first}").format(first=first))
    if first <= last:
        raise UsageError(_("--first-number {first}: {prefix}〔{year}〕1号 to {prefix}〔{year}〕{last}号 are already recorded in this journal; give {last_1} or more (nothing written or recorded)").format(first=first, prefix=prefix, year=year, last=last, last_1=last + 1))
    return first - 1


# -- creating and opening the file ----------------------------------------------------
# A journal is made whole in a hidden file beside its place and linked into it, so no
# reader ever meets a half-made one, and an empty or foreign file at the place is never
# mistaken for a new journal. Opening probes the first read: where WAL's shared memory
# cannot work (FAT on a USB stick, some FUSE and network file systems) the journal is
# switched to the rollback journal (DELETE) instead of failing with "disk I/O error".

#: tests replace it to run SQLite's own VFS without shared memory ("unix-none")
_URI_EXTRA = ""


def create_journal(path: Path) -> bool:
    """Create an empty journal at ``path`` (schema and version); False when one is already there.

    An existing file is checked, never replaced: :func:`open_journal` refuses
    one that is not a haze journal.
    """
    parent = path.parent
    if os.path.lexists(parent) and not parent.is_dir():
        raise JournalError(_("{parent}: is a file, not a directory; haze keeps its journal in it — move that file away, or give --journal PATH").format(parent=parent))
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise JournalError(_("{parent}: cannot make the journal's directory: {explain_failure_parent_e}").format(parent=parent, explain_failure_parent_e=explain_failure(parent, exc))) from None
    if os.path.lexists(path):
        _check_file(path)
        open_journal(path, write=False).close()
        return False
    import tempfile

    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".new", dir=parent)
    os.close(fd)
    temp = Path(name)
    try:
        _build(temp)
        # Durable before its name appears, and the name durable before anything is recorded in it:
        # the one durable writer's pieces (SQLite wrote the bytes, so no write_atomic).
        fsync_file(temp)
        placed = link_new(temp, path)
        fsync_directory(parent)
    except (OSError, sqlite3.Error) as exc:
        raise JournalError(_("{path}: cannot create the journal: {explain_failure_path_exc}").format(path=path, explain_failure_path_exc=explain_failure(path, exc))) from None
    finally:
        for suffix in ("", "-wal", "-shm", "-journal"):
            with contextlib.suppress(OSError):
                os.unlink(f"{temp}{suffix}")
    if not placed:  # another haze made it meanwhile: use theirs, if it is a journal
        _check_file(path)
        open_journal(path, write=False).close()
    return placed


def _build(temp: Path) -> None:
    """The schema in ``temp``; WAL when this file system's shared memory works, else DELETE."""
    for wal in (True, False):
        conn = sqlite3.connect(str(temp), isolation_level=None)
        try:
            if wal and _set_journal_mode(conn) != "wal":
                continue
            if not wal:
                conn.execute("PRAGMA journal_mode = DELETE")
            conn.execute("BEGIN IMMEDIATE")
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    conn.execute(statement)
            receipts.create(conn)
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            conn.execute("COMMIT")
            conn.execute("SELECT count(*) FROM activations").fetchone()
            return
        except sqlite3.OperationalError:
            if not wal:
                raise
        finally:
            conn.close()
        # WAL failed on this file system: start again, in DELETE mode
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(OSError):
                os.unlink(f"{temp}{suffix}")
        Path(temp).touch()


def _check_file(path: Path) -> None:
    """Refuse what is plainly no journal before SQLite sees it: a directory, a device, an empty file."""
    try:
        info = path.stat()
    except OSError as exc:
        raise JournalError(_("{path}: cannot open the journal: {explain_failure_path_exc}").format(path=path, explain_failure_path_exc=explain_failure(path, exc))) from None
    if stat.S_ISDIR(info.st_mode):
        raise JournalError(_("{path}: is a directory, not a journal file").format(path=path))
    if not stat.S_ISREG(info.st_mode):
        raise JournalError(_("{path}: not a regular file, so not a haze journal").format(path=path))
    if info.st_size == 0:
        raise JournalError(
            _("{path}: is an empty file (0 bytes), not a haze journal — a failed copy or restore, or a full disk? It is never taken as a new journal: restore the journal from a backup; only if no warning was ever recorded here, delete the file and run `haze init`").format(path=path))


def open_journal(path: Path, *, write: bool) -> sqlite3.Connection:
    """A checked connection to the journal at ``path``; ``write`` False never writes it.

    The first read is the probe: it fails where the file system cannot give
    WAL its shared memory (FAT on a USB stick, some FUSE and network mounts),
    and where the medium is read-only or full. Then, in turn: a reader opens
    read-only; either opens in exclusive locking mode, which needs no shared
    memory, and a writer switches the journal to the rollback journal for good
    (:func:`_switch_to_delete`); a reader of a read-only medium whose ``-wal``
    holds nothing reads the main file as it is (``immutable``). What still
    fails is said in the officer's words (:func:`explain_failure`).
    """
    attempts = [("rw", False)] + ([] if write else [("ro", False)]) + [("rw" if write else "ro", True)]
    first: sqlite3.OperationalError | None = None
    for mode, exclusive in attempts:
        try:
            conn = _sqlite(path, mode, exclusive=exclusive)
        except sqlite3.OperationalError as exc:
            if _is_busy(exc):
                raise JournalError(_("{path}: the journal is busy (another haze holds it); try again").format(path=path)) from None
            first = first or exc
            continue
        except sqlite3.DatabaseError as exc:
            raise JournalError(_("{path}: not a haze journal ({exc})").format(path=path, exc=os_reason(exc))) from None
        if exclusive and write:
            try:
                _switch_to_delete(conn, path)
            except sqlite3.OperationalError as exc:
                conn.close()
                first = exc
                break
        return conn
    if not write and _wal_is_empty(path):
        with contextlib.suppress(sqlite3.OperationalError):
            return _sqlite(path, "ro", "&immutable=1")
    assert first is not None
    raise JournalError(_("{path}: cannot open the journal: {explain_failure_path_fir}").format(path=path, explain_failure_path_fir=explain_failure(path, first)))


def _sqlite(path: Path, mode: str, extra: str = "", *, exclusive: bool = False) -> sqlite3.Connection:
    """Connect and probe; the connection is closed again if anything fails."""
    from urllib.parse import quote

    uri = f"file:{quote(str(path.absolute()))}?mode={mode}{extra}{_URI_EXTRA}"
    # isolation_level=None: transactions are begun and ended here, explicitly.
    conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT, isolation_level=None)
    try:
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT * 1000)}")
        if exclusive:  # before anything reads the file: WAL's index then lives in this process's memory
            conn.execute("PRAGMA locking_mode = EXCLUSIVE")
        conn.execute("PRAGMA synchronous = FULL")  # a recorded warning survives a power cut
        conn.execute("PRAGMA foreign_keys = ON")
        _probe(conn, path)
    except BaseException:
        conn.close()
        raise
    return conn


def _probe(conn: sqlite3.Connection, path: Path) -> None:
    """The first read: the version and the tables; raise JournalError if it is no haze journal."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if version > SCHEMA_VERSION:
        raise JournalError(_("{path}: written by a newer haze (journal schema {version}, this haze knows {SCHEMA_VERSION}); upgrade haze").format(path=path, version=version, SCHEMA_VERSION=SCHEMA_VERSION))
    if 1 <= version <= SCHEMA_VERSION and {"activations", "lifts", "notices", "counters"} <= tables:
        return  # a schema-1 journal gains the follow-up tables at its next write (Journal.transaction)
    what = N_("an SQLite database with other tables") if tables else N_("an SQLite database with no haze tables")
    raise JournalError(_("{path}: not a haze journal ({what}); it is never taken as a new journal").format(path=path, what=_(what)))


def _switch_to_delete(conn: sqlite3.Connection, path: Path) -> None:
    """WAL without shared memory: checkpoint it into the main file and use the rollback journal from now on.

    Holding the exclusive lock, no other WAL user can exist, so the ``-shm``
    file left behind is removed too. Later runs need no shared memory at all.
    """
    mode = str(conn.execute("PRAGMA journal_mode = DELETE").fetchone()[0]).lower()
    conn.execute("PRAGMA locking_mode = NORMAL")
    conn.execute("SELECT count(*) FROM sqlite_master").fetchone()  # releases the exclusive lock
    if mode == "delete":
        with contextlib.suppress(OSError):
            os.unlink(f"{path}-shm")


def _wal_is_empty(path: Path) -> bool:
    try:
        return os.path.getsize(f"{path}-wal") == 0
    except OSError:
        return True  # no -wal file


def explain_failure(path: Path, exc: BaseException) -> str:
    """What is wrong, in the officer's words: the disk is full, the medium read-only, no permission.

    SQLite says "disk I/O error" or "unable to open database file" for all of
    them, which reads like a broken journal: an officer might replace a healthy
    one. The file system is asked instead.
    """
    folder = path if path.is_dir() else path.parent
    errno_ = getattr(exc, "errno", None)
    raw = str(getattr(exc, "strerror", None) or exc)
    text = os_reason(exc)  # what the officer reads; the checks below look at the system's own words
    import errno as errnos

    try:
        fs = os.statvfs(folder)
    except (OSError, AttributeError):  # no statvfs (Windows) or the folder is gone
        fs = None
    if errno_ == errnos.EROFS or (fs is not None and fs.f_flag & getattr(os, "ST_RDONLY", 1)):
        return _("the file system holding {folder} is read-only ({problem})").format(folder=folder, problem=text)
    if errno_ == errnos.ENOSPC or "full" in raw.lower() or (fs is not None and fs.f_bavail * fs.f_frsize < 65536):
        if fs is None:
            return _("the disk holding {folder} is full ({problem}); free space and run again").format(
                folder=folder, problem=text)
        return _("the disk holding {folder} is full, {free} KiB free ({problem}); free space and run again").format(
            folder=folder, free=fs.f_bavail * fs.f_frsize // 1024, problem=text)
    if errno_ in (errnos.EACCES, errnos.EPERM) or not os.access(folder, os.W_OK) or \
            (path.exists() and not os.access(path, os.W_OK)):
        return _("no permission to write {path} ({problem})").format(path=path if path.exists() else folder,
                                                                     problem=text)
    return text
