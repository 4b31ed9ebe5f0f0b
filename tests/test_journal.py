"""The journal (SPEC §10): schema, one active warning, numbers, transactions, locking."""

from __future__ import annotations

import multiprocessing
import sqlite3
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from haze.io import journal as jmod
from haze.core.errors import JournalError
from haze.io.journal import (
    ACTIVE,
    LIFTED,
    SUPERSEDED,
    ActivationRecord,
    Journal,
    LiftRecord,
    NoticeRecord,
    current_user,
    find_journal,
    journal_path,
)
from haze.core.model import Level
from haze.core.timeparse import SHANGHAI

T0 = datetime(2025, 12, 1, 20, 0, tzinfo=SHANGHAI)


def record(id: str = "20251201-200000-orange", level: Level = Level.ORANGE, **changes) -> ActivationRecord:
    base = ActivationRecord(
        id=id, kind="activation", state=ACTIVE, level=level, start=T0, until=None,
        list_path="/lists/county.yaml", list_sha256="ab" * 32,
        list_info={"region": "示例县", "authority": "示例县生态环境局", "doc_prefix": "示环应急"},
        policy="shanxi-2024", requirement=0.3, pollutants={"so2": {"ratio": 0.35, "ok": True}}, ok=True,
        notice_dir=f"/notices/{id}", manifest_sha256="cd" * 32, notice_count=2, user="duty", recorded=T0,
    )
    return replace(base, **changes)


def test_reading_a_missing_journal_creates_nothing(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "journal.db"
    with Journal(path) as j:
        assert j.active() is None
        assert j.history() == []
        assert j.peek_number("示环应急", 2025) == 1
    assert not path.exists() and not path.parent.exists()


def test_first_write_creates_directory_schema_and_version(tmp_path: Path) -> None:
    path = tmp_path / ".haze" / "journal.db"
    with Journal(path, create=True) as j, j.transaction():
        j.insert_activation(record())
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == jmod.SCHEMA_VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"activations", "lifts", "notices", "counters"} <= tables


def test_the_journal_is_found_in_this_directory_or_the_nearest_parent(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path.resolve()
    deep = root / "bureau" / "lists" / "2025"
    deep.mkdir(parents=True)
    # none anywhere: ./.haze/journal.db, where the first activation creates it
    assert find_journal(deep) == deep / ".haze" / "journal.db"
    # a .haze/ holding only a cache is not a journal
    (root / "bureau" / ".haze").mkdir()
    assert find_journal(deep) == deep / ".haze" / "journal.db"
    outer = root / ".haze" / "journal.db"
    outer.parent.mkdir()
    outer.write_bytes(b"")
    assert find_journal(deep) == outer
    inner = root / "bureau" / ".haze" / "journal.db"
    inner.write_bytes(b"")
    assert find_journal(deep) == inner  # the nearest wins
    monkeypatch.chdir(deep)
    assert find_journal() == inner
    assert journal_path(None) == inner
    assert journal_path("mine.db") == deep / "mine.db"  # a named journal is used as given, made absolute
    assert journal_path(outer) == outer


def test_a_new_journal_says_it_was_created(tmp_path: Path) -> None:
    path = tmp_path / "j.db"
    with Journal(path, create=True) as j, j.transaction():
        j.insert_activation(record())
    assert j.created
    with Journal(path) as j, j.transaction():
        j.allocate_numbers("示环应急", 2025, 1)
    assert not j.created


def test_record_round_trips(tmp_path: Path) -> None:
    r = record(until=T0 + timedelta(hours=48), previous_level=None)
    with Journal(tmp_path / "j.db", create=True) as j:
        with j.transaction():
            j.insert_activation(r)
        back = j.active()
    assert back == r
    assert back.start.utcoffset() == timedelta(hours=8)
    assert back.list_info["authority"] == "示例县生态环境局"


def test_two_active_warnings_are_impossible_even_bypassing_the_module(tmp_path: Path) -> None:
    path = tmp_path / "j.db"
    with Journal(path, create=True) as j:
        with j.transaction():
            j.insert_activation(record())
        with pytest.raises(JournalError, match="already active"):
            with j.transaction():
                j.insert_activation(record("20251202-080000-red", Level.RED))
        assert [a.id for a in j.activations()] == ["20251201-200000-orange"]
    conn = sqlite3.connect(path)
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute("INSERT INTO activations SELECT 'x', kind, state, level, previous_id, previous_level, start,"
                     " until, list_path, list_sha256, list_info, policy, requirement, pollutants, ok, notice_dir,"
                     " manifest_sha256, notice_count, user, recorded, closed_at, superseded_by FROM activations")


def test_an_error_inside_a_transaction_records_nothing(tmp_path: Path) -> None:
    with Journal(tmp_path / "j.db", create=True) as j:
        with pytest.raises(RuntimeError):
            with j.transaction():
                j.allocate_numbers("示环应急", 2025, 10)
                j.insert_activation(record())
                raise RuntimeError("rendering failed")
        assert j.active() is None
        assert j.peek_number("示环应急", 2025) == 1


def test_numbers_continue_per_prefix_and_year(tmp_path: Path) -> None:
    with Journal(tmp_path / "j.db", create=True) as j:
        with j.transaction():
            assert j.allocate_numbers("示环应急", 2025, 49) == 1
            assert j.allocate_numbers("示环应急", 2025, 49) == 50
            assert j.allocate_numbers("示环应急", 2026, 3) == 1
            assert j.allocate_numbers("其他", 2025, 1) == 1
        assert j.peek_number("示环应急", 2025) == 99


def test_a_notice_number_can_never_be_recorded_twice(tmp_path: Path) -> None:
    n = NoticeRecord("a", 1, "示环应急〔2025〕1号", "911405251765819881", "示例县宏晟焦化有限公司", "0001-x.md")
    with Journal(tmp_path / "j.db", create=True) as j:
        with j.transaction():
            j.insert_notices([n])
        with pytest.raises(JournalError, match="repeat an id or a notice number"):
            with j.transaction():
                j.insert_notices([replace(n, issue_id="b")])
        assert j.notices("a") == [n]
        assert j.notices("b") == []


def test_close_supersede_lift_and_history_order(tmp_path: Path) -> None:
    first = record()
    second = record("20251202-080000-red", Level.RED, kind="adjustment", previous_id=first.id,
                    previous_level=Level.ORANGE, start=T0 + timedelta(hours=12), recorded=T0 + timedelta(hours=1))
    lift = LiftRecord("20251203-080000-red-lift", second.id, T0 + timedelta(hours=36), "/notices/lift",
                      "ef" * 32, 3, "duty", T0 + timedelta(hours=2))
    with Journal(tmp_path / "j.db", create=True) as j:
        with j.transaction():
            j.insert_activation(first)
        with j.transaction():
            j.close_activation(first.id, SUPERSEDED, second.start, superseded_by=second.id)
            j.insert_activation(second)
        assert [a.id for a in j.episode(second.id)] == [first.id, second.id]
        with j.transaction():
            j.close_activation(second.id, LIFTED, lift.at)
            j.insert_lift(lift)
        assert j.active() is None
        assert j.lift_of(second.id) == lift
        old = j.activation(first.id)
        assert (old.state, old.superseded_by, old.closed_at) == (SUPERSEDED, second.id, second.start)
        events = j.history()
        assert [(e.kind, e.id, e.level) for e in events] == [
            ("activation", first.id, Level.ORANGE),
            ("adjustment", second.id, Level.RED),
            ("lift", lift.id, Level.RED),
        ]
        assert events[1].previous_level is Level.ORANGE
        assert events[2].activation_id == second.id
        assert [e.id for e in j.history(limit=2)] == [second.id, lift.id]
        assert j.id_taken(lift.id) and j.id_taken(first.id) and not j.id_taken("nope")


def test_closing_a_warning_that_is_no_longer_active_fails(tmp_path: Path) -> None:
    with Journal(tmp_path / "j.db", create=True) as j:
        with j.transaction():
            j.insert_activation(record())
        with j.transaction():
            j.close_activation(record().id, LIFTED, T0)
        with pytest.raises(JournalError, match="no longer active"):
            with j.transaction():
                j.close_activation(record().id, LIFTED, T0)


def test_a_file_that_is_not_a_journal_is_one_clear_error(tmp_path: Path) -> None:
    bogus = tmp_path / "j.db"
    bogus.write_text("这不是数据库 " * 100, encoding="utf-8")
    with pytest.raises(JournalError, match="not a haze journal"):
        Journal(bogus).active()
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)")
    with pytest.raises(JournalError, match="not a haze journal"):
        with Journal(other).transaction():
            pass
    with pytest.raises(JournalError, match="is a directory"):
        Journal(tmp_path).active()


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "j.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {jmod.SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(JournalError, match="newer haze"):
        Journal(path).active()


def test_a_busy_journal_waits_then_fails_with_one_line(tmp_path: Path) -> None:
    path = tmp_path / "j.db"
    holder = Journal(path, create=True)
    waited: list[bool] = []
    with holder.transaction():
        with pytest.raises(JournalError, match="busy"):
            with Journal(path).transaction(wait=0.3, on_wait=lambda: waited.append(True)):
                pass
    holder.close()
    assert waited == [True]
    with Journal(path).transaction(wait=0.3):  # free again
        pass


def test_wal_refused_falls_back_to_delete() -> None:
    class NoWal:
        def __init__(self) -> None:
            self.asked: list[str] = []

        def execute(self, sql: str) -> "NoWal":
            self.asked.append(sql)
            if "WAL" in sql:
                raise sqlite3.OperationalError("disk I/O error")
            return self

        def fetchone(self) -> tuple[str]:
            return ("delete",)

    conn = NoWal()
    assert jmod._set_journal_mode(conn) == "delete"  # type: ignore[arg-type]
    assert conn.asked == ["PRAGMA journal_mode = WAL", "PRAGMA journal_mode = DELETE"]


def test_current_user_never_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    import getpass

    def broken() -> str:
        raise OSError("no user")

    monkeypatch.setattr(getpass, "getuser", broken)
    monkeypatch.delenv("USERNAME", raising=False)
    assert current_user() == "unknown"
    monkeypatch.setenv("USERNAME", "值班员")
    assert current_user() == "值班员"


def _claim(path: str, index: int, barrier, results) -> None:  # runs in a child process
    from haze.io.journal import Journal

    barrier.wait()
    try:
        with Journal(path) as j, j.transaction():
            if j.active() is None:
                j.insert_activation(record(f"id-{index}"))
                first = j.allocate_numbers("示环应急", 2025, 5)
                results.put(("won", index, first))
            else:
                results.put(("saw-active", index, 0))
    except JournalError as exc:  # pragma: no cover - would fail the test below
        results.put(("error", index, str(exc)))


def test_processes_racing_never_make_two_active_warnings(tmp_path: Path) -> None:
    path = str(tmp_path / "j.db")
    jmod.create_journal(Path(path))
    # fork: fast, and the child only needs this module (no threads are running here)
    ctx = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    n = 6
    barrier, results = ctx.Barrier(n), ctx.Queue()
    procs = [ctx.Process(target=_claim, args=(path, i, barrier, results)) for i in range(n)]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    outcomes = [results.get() for _ in range(n)]
    assert [o[0] for o in outcomes].count("won") == 1
    assert [o[0] for o in outcomes].count("saw-active") == n - 1
    with Journal(path) as j:
        assert len(j.activations()) == 1
        assert j.active() is not None
        assert j.peek_number("示环应急", 2025) == 6


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=500), min_size=1, max_size=8))
def test_allocated_ranges_never_overlap(tmp_path_factory: pytest.TempPathFactory, counts: list[int]) -> None:
    path = tmp_path_factory.mktemp("j") / "j.db"
    taken: set[int] = set()
    with Journal(path, create=True) as j:
        for count in counts:
            with j.transaction():
                first = j.allocate_numbers("示环应急", 2025, count)
            block = set(range(first, first + count))
            assert not block & taken
            taken |= block
    assert taken == set(range(1, sum(counts) + 1))
