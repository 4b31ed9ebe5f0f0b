"""The follow-up tables of the journal (SPEC §18): who was notified, their duties, receipts and reports.

Journal schema 2 adds three tables, created with a new journal and added to a
schema-1 journal by its next write (:class:`haze.io.journal.Journal`'s
transaction); nothing of schema 1 changes, so what a schema-1 journal recorded
reads as before:

* ``notified``: per activation and enterprise, what was true when the notice
  went out: its effective level, its plant cut (§4.4, emission-weighted), its
  daily emissions and its contact. ``haze verify`` compares metered power with
  this cut and ``haze overdue`` orders by these emissions and gives this phone;
  recomputing from the list later would be wrong (the list may have changed).
* ``duties``: the receipt and report hours of the policy at activation.
* ``receipts``: one row per activation, enterprise and kind (``receipt`` 回执
  or ``report`` 执行报告); the primary key keeps the first time recorded.

Writes run inside the journal's transaction (``Journal.transaction``); reads
of a journal that predates these tables give "nothing recorded".
"""

from __future__ import annotations

import sqlite3
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Iterable

from haze.core.response import Duties

if TYPE_CHECKING:
    from haze.core.engine import LevelResult
    from haze.io.journal import ActivationRecord, Journal

RECEIPT, REPORT = "receipt", "report"
KINDS = (RECEIPT, REPORT)

SCHEMA = """
CREATE TABLE IF NOT EXISTS notified (
    activation_id   TEXT NOT NULL REFERENCES activations(id),
    enterprise_id   TEXT NOT NULL,
    name            TEXT NOT NULL,
    effective_level TEXT NOT NULL,
    plant_cut       REAL NOT NULL,   -- SPEC 4.4, at the effective level
    so2             REAL NOT NULL,   -- daily emissions of its lines, t/d
    nox             REAL NOT NULL,
    pm              REAL NOT NULL,
    vocs            REAL NOT NULL,
    contact_name    TEXT NOT NULL,
    contact_phone   TEXT NOT NULL,
    PRIMARY KEY (activation_id, enterprise_id)
);
CREATE TABLE IF NOT EXISTS duties (
    activation_id   TEXT PRIMARY KEY REFERENCES activations(id),
    receipt_hours   REAL,            -- NULL: the policy set no such duty
    report_hours    REAL
);
CREATE TABLE IF NOT EXISTS receipts (
    activation_id   TEXT NOT NULL REFERENCES activations(id),
    enterprise_id   TEXT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('receipt', 'report')),
    at              TEXT NOT NULL,
    given_as        TEXT NOT NULL,   -- what the officer typed: a credit code or a notice number
    user            TEXT NOT NULL,
    recorded        TEXT NOT NULL,
    PRIMARY KEY (activation_id, enterprise_id, kind)
);
"""

TABLES = ("notified", "duties", "receipts")


@dataclass(frozen=True)
class Notified:
    """An enterprise an activation notified, as it stood then."""

    enterprise_id: str
    name: str
    seq: int
    number: str
    effective_level: str | None = None
    plant_cut: float | None = None  # None: recorded by a haze before schema 2
    daily: float = 0.0  # Σ daily emissions of the four pollutants, t/d
    contact_name: str = ""
    contact_phone: str = ""
    activation_id: str = ""  # the activation whose notice binds the enterprise: its receipts and deadlines


@dataclass(frozen=True)
class Receipt:
    enterprise_id: str
    kind: str
    at: datetime
    given_as: str
    user: str
    recorded: datetime


# -- writing (inside Journal.transaction) -------------------------------------------------

def create(conn: sqlite3.Connection) -> None:
    """The schema-2 tables (``IF NOT EXISTS``: also the upgrade of a schema-1 journal)."""
    for statement in SCHEMA.split(";"):
        if statement.strip():
            conn.execute(statement)


def record_notified(journal: Journal, activation_id: str, result: LevelResult, duties: Duties) -> None:
    """What ``verify`` and ``overdue`` need of an activation, written with it (same transaction)."""
    from haze.core.model import POLLUTANTS

    conn = _writer(journal)
    rows = []
    for r in result.operating:
        e = r.enterprise
        daily = {p: sum(line.daily[p] for line in r.lines) for p in POLLUTANTS}
        contact = e.contact
        rows.append((activation_id, e.id, e.name, r.effective_level.value, r.plant_cut,
                     *(daily[p] for p in POLLUTANTS),
                     (contact.name if contact else "") or "", (contact.phone if contact else "") or ""))
    conn.executemany("INSERT INTO notified (activation_id, enterprise_id, name, effective_level, plant_cut, so2, nox,"
                     " pm, vocs, contact_name, contact_phone) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    conn.execute("INSERT INTO duties (activation_id, receipt_hours, report_hours) VALUES (?, ?, ?)",
                 (activation_id, duties.receipt, duties.report))


def insert_receipt(journal: Journal, activation_id: str, receipt: Receipt) -> Receipt | None:
    """Record ``receipt``; when one of that kind is already recorded, keep it and return it."""
    conn = _writer(journal)
    row = conn.execute("SELECT * FROM receipts WHERE activation_id = ? AND enterprise_id = ? AND kind = ?",
                       (activation_id, receipt.enterprise_id, receipt.kind)).fetchone()
    if row is not None:
        return _receipt(row)
    conn.execute("INSERT INTO receipts (activation_id, enterprise_id, kind, at, given_as, user, recorded)"
                 " VALUES (?, ?, ?, ?, ?, ?, ?)",
                 (activation_id, receipt.enterprise_id, receipt.kind, receipt.at.isoformat(), receipt.given_as,
                  receipt.user, receipt.recorded.isoformat()))
    return None


# -- reading ----------------------------------------------------------------------------

def notified(journal: Journal, activation_id: str) -> list[Notified]:
    """Everyone the activation notified, in notice order; facts of schema 2 where recorded."""
    facts = {r["enterprise_id"]: r for r in _rows(journal, "SELECT * FROM notified WHERE activation_id = ?",
                                                   (activation_id,))}
    result = []
    for n in journal.notices(activation_id):
        f = facts.get(n.enterprise_id)
        if f is None:
            result.append(Notified(n.enterprise_id, n.name, n.seq, n.number, activation_id=activation_id))
            continue
        result.append(Notified(n.enterprise_id, n.name, n.seq, n.number, f["effective_level"], f["plant_cut"],
                               f["so2"] + f["nox"] + f["pm"] + f["vocs"], f["contact_name"], f["contact_phone"],
                               activation_id))
    return result


def standing(journal: Journal, warning: ActivationRecord) -> list[Notified]:
    """Everyone ``warning``'s notices bind now, each with the notice that binds it (SPEC §18).

    A re-issue with ``--changed`` notifies only the enterprises whose notice
    changed; the others' earlier notices stand, and so do their receipts and
    deadlines. Such a re-issue is known by its record: it lists every operating
    enterprise (``notified`` facts) but gives fewer notices. Earlier sets are
    read back through those re-issues only, and only for enterprises the
    latest record still lists as operating: an adjustment or a full re-issue
    replaced every notice before it.
    """
    found = notified(journal, warning.id)
    operating = _operating(journal, warning.id)
    seen = {n.enterprise_id for n in found}
    chain = journal.episode(warning.id)
    later = warning.id
    for earlier in reversed(chain[:-1]):
        if len(_operating(journal, later)) <= len(journal.notices(later)):
            break  # ``later`` notified everyone operating: nothing earlier stands
        for n in notified(journal, earlier.id):
            if n.enterprise_id in operating and n.enterprise_id not in seen:
                found.append(n)
                seen.add(n.enterprise_id)
        later = earlier.id
    return found


def _operating(journal: Journal, activation_id: str) -> set[str]:
    return {r["enterprise_id"] for r in _rows(journal, "SELECT enterprise_id FROM notified WHERE activation_id = ?",
                                              (activation_id,))}


def duties(journal: Journal, activation_id: str) -> Duties:
    """The duties recorded with the activation; before schema 2 the notices stated 1 h and 24 h."""
    rows = _rows(journal, "SELECT * FROM duties WHERE activation_id = ?", (activation_id,))
    if not rows:
        return Duties()
    return Duties(rows[0]["receipt_hours"], rows[0]["report_hours"])


def receipts(journal: Journal, activation_id: str) -> list[Receipt]:
    return [_receipt(r) for r in _rows(journal, "SELECT * FROM receipts WHERE activation_id = ? ORDER BY rowid",
                                       (activation_id,))]


def find_number(journal: Journal, number: str) -> tuple[str, str] | None:
    """(issue id, credit code) of the notice numbered ``number`` (brackets as typed: [2026], (2026)…)."""
    wanted = number_key(number)
    year = _year_of(wanted)
    pattern = f"%{year}%" if year else "%"
    for row in _query(journal, "SELECT issue_id, enterprise_id, number FROM notices WHERE number LIKE ?",
                      (pattern,)):
        if number_key(row["number"]) == wanted:
            return row["issue_id"], row["enterprise_id"]
    return None


def find_serial(journal: Journal, serial: int, year: str | None) -> list[tuple[str, str, str]]:
    """(issue id, credit code, number) of every notice whose number ends in ``serial`` (号), of ``year`` if given.

    For an officer who typed 6号 or 〔2026〕6号 and the warning has no such notice: one match in the
    whole journal says whose it is (a voided set, a lift, an earlier warning); several say nothing.
    """
    import re

    text = str(serial)
    rows = _query(journal, "SELECT issue_id, enterprise_id, number FROM notices WHERE number LIKE ? OR number LIKE ?",
                  (f"%{text}", f"%{text}号"))
    found = []
    for row in rows:
        key = number_key(row["number"])
        match = re.search(r"(\d+)号?$", key)
        if match and int(match.group(1)) == serial and (year is None or _year_of(key) == year):
            found.append((row["issue_id"], row["enterprise_id"], row["number"]))
    return found


def number_key(text: str) -> str:
    """A notice number as compared: NFKC, any bracket pair read as 〔〕, no spaces."""
    text = unicodedata.normalize("NFKC", text)
    for left in "[(（［【〔":
        text = text.replace(left, "〔")
    for right in "])）］】〕":
        text = text.replace(right, "〕")
    return "".join(text.split())


def _year_of(key: str) -> str:
    if "〔" in key and "〕" in key:
        return key[key.index("〔") + 1:key.index("〕")]
    return ""


def _receipt(row: sqlite3.Row) -> Receipt:
    return Receipt(row["enterprise_id"], row["kind"], datetime.fromisoformat(row["at"]), row["given_as"],
                   row["user"], datetime.fromisoformat(row["recorded"]))


def _writer(journal: Journal) -> sqlite3.Connection:
    conn = journal._conn  # the transaction's connection: these rows commit or roll back with it
    assert conn is not None and conn.in_transaction, "write outside a transaction"
    return conn


def _query(journal: Journal, sql: str, params: tuple) -> list[sqlite3.Row]:
    return journal._query(sql, params)


def _rows(journal: Journal, sql: str, params: tuple) -> list[sqlite3.Row]:
    """Rows of a schema-2 table; none from a journal recorded before the table existed."""
    table = sql.split(" FROM ", 1)[1].split()[0]
    if not _query(journal, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)):
        return []
    return _query(journal, sql, params)


def summarise(items: Iterable[Receipt], at: datetime) -> dict[tuple[str, str], Receipt]:
    """(enterprise, kind) -> its receipt, of those received by ``at``."""
    return {(r.enterprise_id, r.kind): r for r in items if r.at <= at}
