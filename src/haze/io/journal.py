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
* **Works on a network share.** WAL is asked for; where it cannot work
  (network file systems), the journal falls back to ``journal_mode=DELETE``.

Nothing here knows about the terminal; every failure is a one-line
:class:`~haze.core.errors.JournalError`. Times are stored as ISO 8601 text with
their offset (+08:00), so the file reads the same anywhere.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Iterator

from haze.core.errors import JournalError
from haze.core.model import Level
from haze.io import receipts
from haze.io.fsio import find_upward

# 2: the follow-up tables of haze.io.receipts (SPEC §18), added to a schema-1 journal by its next write
SCHEMA_VERSION = 2
#: where a journal is looked for, and created when none is found (relative to a directory)
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

-- Last notice number used, per document prefix and year.
CREATE TABLE counters (
    prefix          TEXT NOT NULL,
    year            INTEGER NOT NULL,
    last            INTEGER NOT NULL,
    PRIMARY KEY (prefix, year)
);
"""


def find_journal(start: Path | None = None) -> Path:
    """The journal to use when none is named: found like ``haze.yaml``.

    The nearest existing ``.haze/journal.db`` in ``start`` (default: the
    current directory) or a parent, else ``start/.haze/journal.db`` (created
    by the first activation). Searching the parents matters: a journal only
    looked for in the current directory would make ``haze status`` from a
    subdirectory say "no active warning", and ``haze activate`` there start a
    second journal whose notice numbers begin again at 1.
    """
    return find_upward(DEFAULT_JOURNAL, start) or (start or Path.cwd()).resolve() / DEFAULT_JOURNAL


def journal_path(given: str | Path | None) -> Path:
    """The absolute path of the journal: ``given`` (``--journal``, ``haze.yaml``) or :func:`find_journal`."""
    return Path(given).absolute() if given else find_journal()


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
    level: Level
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

    def to_json(self) -> dict[str, Any]:
        return {
            "event": self.kind,
            "id": self.id,
            "level": self.level.value,
            "previous_level": self.previous_level.value if self.previous_level else None,
            "when": _stamp(self.when),
            "until": _stamp(self.until),
            "state": self.state,
            "ok": self.ok,
            "activation": self.activation_id,
            "notices": {"directory": self.notice_dir, "count": self.notice_count},
            "user": self.user,
            "recorded": _stamp(self.recorded),
        }


class Journal:
    """A connection to one journal file.

    Reading never creates anything: a journal that does not exist yet reads as
    empty. The file, its directory and the schema are created by the first
    :meth:`transaction`.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._conn: sqlite3.Connection | None = None
        self.mode = ""  # the journal_mode in use: wal or delete
        self.created = False  # True when this connection created the file (a new journal)

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
        return JournalError(f"{self.path}: cannot {doing} the journal: {exc}")

    def _connect(self, create: bool) -> sqlite3.Connection | None:
        if self._conn is not None:
            return self._conn
        if not create and not self.path.exists():
            return None
        if self.path.is_dir():
            raise JournalError(f"{self.path}: is a directory, not a journal file")
        try:
            if create:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self.created = not self.path.exists()
            # isolation_level=None: transactions are begun and ended here, explicitly.
            conn = sqlite3.connect(str(self.path), timeout=BUSY_TIMEOUT, isolation_level=None)
        except (OSError, sqlite3.Error) as exc:
            raise self._fail(exc, "open") from None
        conn.row_factory = sqlite3.Row
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT * 1000)}")
            self.mode = _set_journal_mode(conn)
            conn.execute("PRAGMA synchronous = FULL")  # a recorded warning survives a power cut
            conn.execute("PRAGMA foreign_keys = ON")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise JournalError(f"{self.path}: not a haze journal ({exc})") from None
        if version > SCHEMA_VERSION:
            conn.close()
            raise JournalError(f"{self.path}: written by a newer haze (journal schema {version}, this haze "
                               f"knows {SCHEMA_VERSION}); upgrade haze")
        self._conn = conn
        return conn

    def _schema_ready(self, conn: sqlite3.Connection) -> bool:
        """True when the schema exists; raise when the file is some other database."""
        if conn.execute("PRAGMA user_version").fetchone()[0] in (1, SCHEMA_VERSION):
            return True
        tables = conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
        if tables:
            raise JournalError(f"{self.path}: not a haze journal (an SQLite database with other tables)")
        return False

    def _reader(self) -> sqlite3.Connection | None:
        """The connection for reading, or None when there is nothing to read yet."""
        try:
            conn = self._connect(create=False)
            if conn is None or not self._schema_ready(conn):
                return None
        except sqlite3.Error as exc:
            raise self._fail(exc, "read") from None
        return conn

    # -- writing ------------------------------------------------------------

    @contextmanager
    def transaction(self, *, wait: float = LOCK_WAIT,
                    on_wait: Callable[[], None] | None = None) -> Iterator["Journal"]:
        """One write transaction (``BEGIN IMMEDIATE``): all of it is recorded, or none.

        When another haze holds the journal, ``on_wait`` is called once and the
        transaction waits up to ``wait`` seconds for it.
        """
        conn = self._connect(create=True)
        assert conn is not None
        self._begin(conn, wait, on_wait)
        try:
            if not self._schema_ready(conn):
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        conn.execute(statement)
            if conn.execute("PRAGMA user_version").fetchone()[0] < SCHEMA_VERSION:
                receipts.create(conn)
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            yield self
        except BaseException as exc:
            try:
                conn.execute("ROLLBACK")
            except sqlite3.Error:
                pass  # already rolled back by SQLite itself
            if isinstance(exc, sqlite3.IntegrityError) and "activations.state" in str(exc):
                # the partial unique index refused a second active warning
                raise JournalError(f"{self.path}: another warning is already active; nothing recorded") from None
            if isinstance(exc, sqlite3.Error):
                raise self._fail(exc, "write") from None
            raise
        try:
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            try:
                conn.execute("ROLLBACK")
            except sqlite3.Error:
                pass
            raise self._fail(exc, "write") from None

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
                    raise self._fail(exc, "write") from None
                if told and time.monotonic() >= deadline:
                    raise JournalError(
                        f"{self.path}: the journal is busy: another haze activate or lift has held it for "
                        f"{wait:.0f} s; nothing was recorded, try again") from None
                if not told and on_wait is not None:
                    on_wait()
                told = True
            finally:
                conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT * 1000)}")

    def _execute(self, sql: str, params: tuple | dict = ()) -> sqlite3.Cursor:
        assert self._conn is not None and self._conn.in_transaction, "write outside a transaction"
        return self._conn.execute(sql, params)

    def allocate_numbers(self, prefix: str, year: int, count: int) -> int:
        """Reserve ``count`` consecutive notice numbers; returns the first. Inside a transaction."""
        row = self._execute("SELECT last FROM counters WHERE prefix = ? AND year = ?", (prefix, year)).fetchone()
        last = row["last"] if row else 0
        if row:
            self._execute("UPDATE counters SET last = ? WHERE prefix = ? AND year = ?", (last + count, prefix, year))
        else:
            self._execute("INSERT INTO counters (prefix, year, last) VALUES (?, ?, ?)", (prefix, year, count))
        return last + 1

    def peek_number(self, prefix: str, year: int) -> int:
        """The next notice number, without reserving it (for ``--dry-run``)."""
        conn = self._reader()
        if conn is None:
            return 1
        row = conn.execute("SELECT last FROM counters WHERE prefix = ? AND year = ?", (prefix, year)).fetchone()
        return (row["last"] if row else 0) + 1

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

    def close_activation(self, activation_id: str, state: str, at: datetime,
                         superseded_by: str | None = None) -> None:
        """Mark the active warning superseded, expired or lifted."""
        changed = self._execute(
            "UPDATE activations SET state = ?, closed_at = ?, superseded_by = ? WHERE id = ? AND state = 'active'",
            (state, _stamp(at), superseded_by, activation_id)).rowcount
        if changed != 1:
            raise JournalError(f"{self.path}: warning {activation_id} is no longer active; nothing recorded")

    def insert_lift(self, record: LiftRecord) -> None:
        r = record
        self._execute(
            "INSERT INTO lifts (id, activation_id, at, notice_dir, manifest_sha256, notice_count, user, recorded)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (r.id, r.activation_id, _stamp(r.at), r.notice_dir, r.manifest_sha256, r.notice_count, r.user,
             _stamp(r.recorded)),
        )

    def insert_notices(self, notices: list[NoticeRecord]) -> None:
        assert self._conn is not None and self._conn.in_transaction
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
            raise self._fail(exc, "read") from None

    def active(self) -> ActivationRecord | None:
        rows = self._query("SELECT * FROM activations WHERE state = 'active'")
        return ActivationRecord.from_row(rows[0]) if rows else None

    def activation(self, activation_id: str) -> ActivationRecord | None:
        rows = self._query("SELECT * FROM activations WHERE id = ?", (activation_id,))
        return ActivationRecord.from_row(rows[0]) if rows else None

    def activations(self) -> list[ActivationRecord]:
        return [ActivationRecord.from_row(r) for r in self._query("SELECT * FROM activations ORDER BY rowid")]

    def lifts(self) -> list[LiftRecord]:
        return [LiftRecord.from_row(r) for r in self._query("SELECT * FROM lifts ORDER BY rowid")]

    def lift_of(self, activation_id: str) -> LiftRecord | None:
        rows = self._query("SELECT * FROM lifts WHERE activation_id = ?", (activation_id,))
        return LiftRecord.from_row(rows[0]) if rows else None

    def notices(self, issue_id: str) -> list[NoticeRecord]:
        rows = self._query("SELECT * FROM notices WHERE issue_id = ? ORDER BY seq", (issue_id,))
        return [NoticeRecord(r["issue_id"], r["seq"], r["number"], r["enterprise_id"], r["name"], r["file"])
                for r in rows]

    def id_taken(self, issue_id: str) -> bool:
        """True when an activation or a lift already has this id."""
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
        events = [_activation_event(a) for a in self.activations()]
        levels = {e.id: e.level for e in events}
        events += [_lift_event(lift, levels[lift.activation_id]) for lift in self.lifts()]
        # Writes are serialised by the lock, so the recording times are in order; the
        # index is a tie-break for equal stamps (an activation before its own lift).
        ordered = [e for _, _, e in sorted((e.recorded, i, e) for i, e in enumerate(events))]
        return ordered[-limit:] if limit else ordered


def _activation_event(a: ActivationRecord) -> Event:
    return Event(kind=a.kind, id=a.id, level=a.level, when=a.start, recorded=a.recorded, user=a.user,
                 notice_dir=a.notice_dir, notice_count=a.notice_count, previous_level=a.previous_level,
                 until=a.until, state=a.state, ok=a.ok)


def _lift_event(lift: LiftRecord, level: Level) -> Event:
    return Event(kind=LIFT, id=lift.id, level=level, when=lift.at, recorded=lift.recorded, user=lift.user,
                 notice_dir=lift.notice_dir, notice_count=lift.notice_count, activation_id=lift.activation_id)


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
