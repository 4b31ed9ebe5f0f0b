"""Faults and hostile files on the io side (issue 17 items 1, 3-6, 14-17, 20; issue 18 items 4-5).

Each test here fails on the code before these fixes. Faults that need a real
full disk, a read-only mount or a FAT file system are injected at the boundary
(SQLite's own VFS without shared memory, a failing statvfs or COMMIT); the same
faults on real mounts are exercised by tests/faults_mounts.sh (needs root).
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import sqlite3
import stat
import time
from pathlib import Path

import pytest

from haze.core.errors import JournalError, PolicyError
from haze.core.policy import load_policy
from haze.io import cache
from haze.io import journal as jmod
from haze.io.cache import cached_read_list
from haze.io.fsio import write_atomic
from haze.io.journal import DEFAULT_JOURNAL, Journal, create_journal
from haze.io.lists import read_list

from conftest import EXAMPLES, ROOT, write

WORKED = EXAMPLES / "worked-example.yaml"
JOURNAL = DEFAULT_JOURNAL


def activate(run, *args: object, level: str = "orange", listfile: Path = WORKED):
    return run("activate", level, "--list", listfile, "--start", "2025-12-01T20:00", *args)


def active_id(run, *args: object) -> str | None:
    result = run("status", "--json", *args)
    assert result.exit_code == 0, result.stderr
    active = json.loads(result.stdout)["active"]
    return None if active is None else active["id"]


def one_line(stderr: str) -> str:
    lines = [ln for ln in stderr.strip().splitlines() if not ln.startswith("haze: options from")]
    assert len(lines) == 1, stderr
    assert "Errno" not in lines[0] and "Traceback" not in lines[0], lines[0]
    return lines[0]


# -- 17.1: an existing file that is not a journal is refused, never reinitialised ------------------

def test_a_zero_length_journal_is_refused_by_every_command(run, journal: Path) -> None:
    assert activate(run).exit_code == 0
    journal.write_bytes(b"")  # a failed restore, a full disk: the red warning must not be forgotten
    for args in (["status"], ["history"], ["lift"], ["activate", "red", "--list", WORKED]):
        result = run(*args)
        assert result.exit_code == 2, args
        assert "empty file (0 bytes)" in one_line(result.stderr), args
    assert journal.read_bytes() == b""  # never reinitialised
    assert sorted(p.name for p in Path("notices").iterdir()) == ["20251201-200000-orange"]  # no second 1号


def test_an_sqlite_file_without_haze_tables_is_refused(journal: Path) -> None:
    journal.unlink()
    conn = sqlite3.connect(journal)
    conn.execute("PRAGMA journal_mode = WAL")  # what an old haze killed in its first activation left
    conn.close()
    assert journal.stat().st_size > 0
    with pytest.raises(JournalError, match="no haze tables"):
        Journal(journal).active()
    with pytest.raises(JournalError, match="no haze tables"):
        with Journal(journal, create=True).transaction():
            pass


def test_create_journal_is_atomic_and_keeps_an_existing_one(tmp_path: Path) -> None:
    path = tmp_path / ".haze" / "journal.db"
    assert create_journal(path) is True
    assert not create_journal(path)  # already there: kept
    assert sorted(p.name for p in path.parent.iterdir()) == ["journal.db"]  # no temporary left
    with Journal(path) as j:
        assert j.activations() == [] and j.mode == "wal"  # WAL where shared memory works


# -- 18.4: a journal is made only by an explicit act ---------------------------------------------

@pytest.mark.no_journal
def test_activate_without_a_journal_refuses_before_anything_is_written(run, isolated: Path) -> None:
    result = activate(run)
    assert result.exit_code == 2
    line = one_line(result.stderr)
    assert f"looked for .haze/journal.db in {isolated.resolve()} and every parent directory" in line
    assert "haze init" in line
    assert sorted(p.name for p in isolated.iterdir()) == []  # no notices, no .haze/, no cache


@pytest.mark.no_journal
def test_haze_init_then_activate_numbers_from_one(run, isolated: Path) -> None:
    made = run("init")
    assert made.exit_code == 0 and "a new journal" in made.stdout
    again = run("init", "--json")
    assert json.loads(again.stdout) == {"journal": str(isolated.resolve() / JOURNAL), "created": False,
                                        "activations": 0}
    data = json.loads(activate(run, "--json").stdout)
    assert Path(data["notices"][0]).name.startswith("0001-")


@pytest.mark.no_journal
def test_init_below_an_existing_journal_refuses_to_split_the_numbering(run, isolated: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    assert run("init").exit_code == 0
    sub = isolated / "lists"
    sub.mkdir()
    monkeypatch.chdir(sub)
    result = run("init")
    assert result.exit_code == 2 and str(isolated.resolve() / JOURNAL) in one_line(result.stderr)
    assert not (sub / ".haze").exists()
    assert run("init", "--journal", sub / JOURNAL).exit_code == 0  # named: on purpose


@pytest.mark.no_journal
def test_journal_option_naming_a_new_file_creates_it(run) -> None:
    result = activate(run, "--journal", "records/j.db")
    assert result.exit_code == 0, result.stderr
    assert "a new journal" in result.stdout and Path("records/j.db").is_file()


@pytest.mark.no_journal
@pytest.mark.parametrize("answer, created", [("y\n", True), ("n\n", False), ("\n", False)])
def test_on_a_terminal_the_officer_confirms_the_path(run, isolated: Path, monkeypatch: pytest.MonkeyPatch,
                                                     answer: str, created: bool) -> None:
    from haze.cli import journal_options as lifecycle

    monkeypatch.setattr(lifecycle, "interactive", lambda: True)
    result = run("activate", "orange", "--list", WORKED, input=answer)
    assert str(isolated.resolve() / JOURNAL) in result.stderr  # the path shown before the question
    assert (result.exit_code == 0) is created and (isolated / JOURNAL).exists() is created
    assert Path("notices").exists() is created


def test_the_readme_starts_with_haze_init() -> None:
    import re

    blocks = re.findall(r"^```sh\n(.*?)^```", (ROOT / "README.md").read_text(encoding="utf-8"), re.S | re.M)
    assert len(blocks) == 2
    first = blocks[0].strip()
    assert "\n" not in first and "haze init && haze activate orange --list enterprise_lists/" in first


# -- 18.5: WAL where shared memory does not work (FAT, some FUSE mounts) ----------------------------

def no_shared_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    """SQLite's own unix VFS without locking and shared memory: WAL's first read fails, as on a FAT stick."""
    monkeypatch.setattr(jmod, "_URI_EXTRA", "&vfs=unix-none")


def test_a_wal_journal_without_shared_memory_is_read_and_switched_to_delete(run, journal: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    assert activate(run).exit_code == 0
    with sqlite3.connect(f"file:{journal}?vfs=unix-none", uri=True) as conn:
        with pytest.raises(sqlite3.OperationalError):  # what haze met before: the first read fails
            conn.execute("SELECT count(*) FROM activations").fetchone()
    no_shared_memory(monkeypatch)
    assert active_id(run) == "20251201-200000-orange"  # a reader reads it
    assert [e["id"] for e in json.loads(run("history", "--json").stdout)["events"]] == ["20251201-200000-orange"]
    assert run("lift", "--at", "2025-12-02T08:00").exit_code == 0  # a writer switches it to DELETE
    with Journal(journal) as j:
        assert j.active() is None and j.mode == "delete"
    assert sorted(p.name for p in journal.parent.iterdir()) == ["cache", "journal.db"]  # no -shm or -wal left


def test_a_new_journal_without_shared_memory_uses_delete(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    no_shared_memory(monkeypatch)
    path = tmp_path / "stick" / "journal.db"
    with Journal(path, create=True) as j, j.transaction():
        j.allocate_numbers("示环应急", 2025, 3)
    with Journal(path) as j:
        assert j.peek_number("示环应急", 2025) == 4 and j.mode == "delete"
    assert sorted(p.name for p in path.parent.iterdir()) == ["journal.db"]


# -- 17.15: a full disk and a read-only medium are said as such ------------------------------------

class FakeFs:
    def __init__(self, free_blocks: int, readonly: bool = False) -> None:
        self.f_bavail, self.f_frsize = free_blocks, 4096
        self.f_flag = os.ST_RDONLY if readonly else 0


def broken_io(monkeypatch: pytest.MonkeyPatch, message: str, fs: FakeFs) -> None:
    def failing(*args: object, **kwargs: object) -> None:
        raise sqlite3.OperationalError(message)

    monkeypatch.setattr(jmod, "_probe", failing)
    monkeypatch.setattr(jmod.os, "statvfs", lambda path: fs)


def test_a_full_disk_says_the_disk_is_full_not_a_broken_journal(run, journal: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    assert activate(run).exit_code == 0
    broken_io(monkeypatch, "disk I/O error", FakeFs(free_blocks=0))
    for command in ("status", "history", "lift"):
        result = run(command)
        line = one_line(result.stderr)
        assert result.exit_code == 2 and "is full" in line and "not a haze journal" not in line, command


def test_a_read_only_medium_is_said_so(run, journal: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert activate(run).exit_code == 0
    broken_io(monkeypatch, "attempt to write a readonly database", FakeFs(free_blocks=10_000, readonly=True))
    result = activate(run, level="red")
    assert result.exit_code == 2 and "read-only" in one_line(result.stderr)


def test_status_and_history_read_a_journal_that_cannot_be_opened_for_locking(run, journal: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """A read-only medium: no lock, no -shm can be made. The main file is the whole journal: read it."""
    assert activate(run).exit_code == 0
    real = jmod._sqlite

    def readonly_medium(path: Path, mode: str, extra: str = "", **kwargs: object) -> sqlite3.Connection:
        if "immutable=1" not in extra:
            raise sqlite3.OperationalError("unable to open database file")
        return real(path, mode, extra, **kwargs)

    monkeypatch.setattr(jmod, "_sqlite", readonly_medium)
    assert active_id(run) == "20251201-200000-orange"
    assert len(json.loads(run("history", "--json").stdout)["events"]) == 1


def test_explain_failure_names_the_real_cause(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    path = tmp_path / "j.db"
    monkeypatch.setattr(jmod.os, "statvfs", lambda p: FakeFs(free_blocks=10_000))
    assert "is full" in jmod.explain_failure(path, OSError(errno.ENOSPC, "No space left on device"))
    assert "read-only" in jmod.explain_failure(path, OSError(errno.EROFS, "Read-only file system"))
    assert jmod.explain_failure(path, sqlite3.OperationalError("something else")) == "something else"


# -- 17.16: a failed activate or commit leaves nothing behind ----------------------------------------

class FailingCommit:
    """A connection whose COMMIT fails, as on a disk that fills while the journal is written."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def execute(self, sql: str, *args: object):
        if sql.strip().upper() == "COMMIT":
            raise sqlite3.OperationalError("database or disk is full")
        return self._conn.execute(sql, *args)

    def __getattr__(self, name: str):
        return getattr(self._conn, name)


def test_a_failed_commit_leaves_no_pending_directory(run, journal: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = jmod.open_journal
    monkeypatch.setattr(jmod, "open_journal", lambda path, write: FailingCommit(real(path, write=write)))
    result = activate(run)
    assert result.exit_code == 2 and "disk" in one_line(result.stderr)
    monkeypatch.setattr(jmod, "open_journal", real)  # the disk has room again (not undo(): it would leave the cwd)
    assert active_id(run) is None
    assert not Path("notices").exists()  # no .<id>.pending/ left, nor the notices/ this run made
    assert activate(run).exit_code == 0 and active_id(run) == "20251201-200000-orange"


def test_a_disk_that_fills_while_notices_are_written_records_nothing(run, journal: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    from haze.io import fsio

    real = fsio.write_new  # the one place a notice's bytes reach the disk (SyncedWriter.write)

    def full(path: str | Path, data: bytes, **options: object) -> None:
        if Path(path).name.startswith("0002-"):  # the second notice: mid-set
            raise OSError(errno.ENOSPC, "No space left on device")
        real(path, data, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(fsio, "write_new", full)
    result = activate(run)
    assert result.exit_code == 2 and "No space left on device" in one_line(result.stderr)
    monkeypatch.setattr(fsio, "write_new", real)
    assert active_id(run) is None and not Path("notices").exists()
    data = json.loads(activate(run, "--json").stdout)  # the numbers were not used up
    assert json.loads((Path(data["notices"][0]).parent / "manifest.json").read_text())["first_number"] == 1


@pytest.mark.no_journal
def test_a_failed_first_activation_removes_the_journal_it_made(run, monkeypatch: pytest.MonkeyPatch) -> None:
    real = jmod.open_journal
    monkeypatch.setattr(jmod, "open_journal", lambda path, write: FailingCommit(real(path, write=write))
                        if write else real(path, write=write))
    result = activate(run, "--journal", "new/j.db")
    assert result.exit_code == 2
    assert not Path("new").exists()  # neither the journal nor its directory: next time, the question again


def test_recovery_removes_empty_pending_directories(run, journal: Path) -> None:
    killed = Path("notices") / ".20251130-080000-red.pending"  # SIGKILL right after the marker was removed
    killed.mkdir(parents=True)
    keep = Path("notices") / ".someone-elses.pending"
    write(keep / "their-file", "not ours")
    assert activate(run).exit_code == 0
    assert not killed.exists() and (keep / "their-file").exists()


# -- 17.17: one clear line, not the errno text ------------------------------------------------------

def test_out_a_dangling_symlink_is_one_clear_line(run, journal: Path) -> None:
    os.symlink("/nonexistent/place", "gone")
    result = activate(run, "--out", "gone")
    assert result.exit_code == 2
    line = one_line(result.stderr)
    assert "symbolic link to /nonexistent/place, which does not exist" in line and "File exists" not in line
    assert active_id(run) is None


@pytest.mark.no_journal
def test_dot_haze_a_regular_file_is_one_clear_line(run) -> None:
    Path(".haze").write_text("a file\n")
    result = run("init")
    assert result.exit_code == 2 and "is a file, not a directory" in one_line(result.stderr)
    assert Path(".haze").read_text() == "a file\n"


# -- 17.20: written files honour the umask, overwriting keeps the mode ------------------------------

def test_written_files_honour_the_umask_and_keep_an_existing_mode(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        fresh = write_atomic(tmp_path / "a.yaml", b"x", overwrite=False)
        assert stat.S_IMODE(fresh.stat().st_mode) == 0o644
        shared = tmp_path / "shared.yaml"
        shared.write_bytes(b"old")
        shared.chmod(0o664)
        write_atomic(shared, b"new", overwrite=True)
        assert stat.S_IMODE(shared.stat().st_mode) == 0o664 and shared.read_bytes() == b"new"
        os.umask(0o077)
        assert stat.S_IMODE(write_atomic(tmp_path / "b.yaml", b"x", overwrite=False).stat().st_mode) == 0o600
    finally:
        os.umask(old)


def test_import_export_and_plan_apply_write_with_the_umask(run) -> None:
    from test_csv import SMALL_CSV

    Path("示例县.csv").write_bytes(SMALL_CSV.encode("gb18030"))
    old = os.umask(0o002)  # a shared group's umask: the bureau's colleagues may edit the files
    try:
        results = [run("import", "示例县.csv", "-o", "imported.yaml", "--authority", "示例县生态环境局"),
                   run("export", "orange", "--list", WORKED, "-o", "cuts.xlsx"),
                   run("plan", "orange", "--list", EXAMPLES / "small-fails-orange.yaml", "--apply", "-o", "planned.yaml")]
    finally:
        os.umask(old)
    assert [r.exit_code for r in results] == [0, 0, 0], [r.stderr for r in results]
    for name in ("imported.yaml", "cuts.xlsx", "planned.yaml"):
        assert stat.S_IMODE(Path(name).stat().st_mode) == 0o664, name


# -- 17.3: haze.yaml is disclosed; a policy file is recorded by path and sha256 ------------------------

def test_every_command_says_which_haze_yaml_it_uses(run, isolated: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = write(isolated / "haze.yaml", f"list: {WORKED}\n")
    sub = isolated / "deep" / "er"
    sub.mkdir(parents=True)
    monkeypatch.chdir(sub)
    for args in (["check", "orange"], ["validate"], ["status"], ["check", "orange", "--json"]):
        result = run(*args)
        assert f"haze: options from {config.resolve()}\n" in result.stderr, args
    assert "options from" not in run("check", "orange", "--json").stdout


MINE = ("name: {name}\nrequirements: {{yellow: 0.0, orange: 0.0, red: 0.0}}\n"
        "grades: {{C: {{orange: 0.5}}}}\n")


@pytest.mark.parametrize("name", ["shanxi-2024", "National-2019", "ｓｈａｎｘｉ-2024"])
def test_a_policy_file_may_not_take_a_shipped_name(run, name: str) -> None:
    policy = write(Path("p.yaml"), MINE.format(name=name))
    with pytest.raises(PolicyError, match="may not take the name of the shipped policy"):
        load_policy(str(policy))
    assert run("check", "orange", "--list", WORKED, "--policy", policy).exit_code == 2
    stem = write(Path("shanxi-2024.yaml"), "requirements: {orange: 0.1}\ngrades: {C: {orange: 0.5}}\n")
    with pytest.raises(PolicyError, match="shipped"):  # no name: the file stem is its name
        load_policy(str(stem))


def test_the_journal_and_manifest_record_a_policy_file_by_path_and_sha256(run, journal: Path) -> None:
    policy = write(Path("local.yaml"), MINE.format(name="示例县-本地"))
    digest = hashlib.sha256(policy.read_bytes()).hexdigest()
    data = json.loads(activate(run, "--policy", policy, "--json").stdout)
    recorded = json.loads(run("status", "--json").stdout)["active"]["policy"]
    assert str(policy.resolve()) in recorded and digest in recorded
    manifest = json.loads((Path(data["notices"][0]).parent / "manifest.json").read_text(encoding="utf-8"))
    assert digest in manifest["policy"] and str(policy.resolve()) in manifest["policy"]
    shipped = json.loads(activate(run, "--json", level="red").stdout)
    assert shipped["policy"] == "shanxi-2024"
    assert json.loads(run("status", "--json").stdout)["active"]["policy"] == "shanxi-2024"


# -- 17.5: duplicate keys and missing grades in a policy ---------------------------------------------

@pytest.mark.parametrize("text, canonical", [
    ("requirements: {orange: 0.3, 橙色: 0.01}\ngrades: {C: {orange: 0.5}}\n", "'橙色' in requirements means 'orange'"),
    ("requirements: {orange: 0.3}\ngrades: {C: {orange: 0.5}, C级: {orange: 0}}\n", "'C级' in grades means 'C'"),
    ("requirements: {orange: {so2: 0.3, 二氧化硫: 0.0, nox: 0.3, pm: 0.3, vocs: 0.3}}\ngrades: {C: {orange: 0.5}}\n",
     "means 'so2'"),
    ("requirements: {orange: 0.3}\ngrades: {C: {orange: 0.5}}\nindustries: {cement: {C: {orange: 1}}, "
     "Cement: {C: {orange: 0}}}\n", "means 'cement'"),
    ("requirements: {orange: 0.3}\ngrades: {C: {orange: 0.5}}\ncategories: {guarantee: {orange: 0}, "
     "保障类: {orange: 0.5}}\n", "'保障类' in categories means 'guarantee'"),
])
def test_duplicate_keys_in_a_policy_are_e109(tmp_path: Path, text: str, canonical: str) -> None:
    with pytest.raises(PolicyError, match="E109") as caught:
        load_policy(str(write(tmp_path / "dup.yaml", text)))
    assert canonical in str(caught.value)


@pytest.mark.parametrize("grades", ["", "grades: {}\n", "grades:\n"])
def test_a_policy_without_grades_is_refused(run, tmp_path: Path, grades: str) -> None:
    policy = write(tmp_path / "nogrades.yaml", "requirements: {orange: 0.3}\n" + grades)
    result = run("check", "orange", "--list", WORKED, "--policy", policy)
    assert result.exit_code == 2 and "needs 'grades'" in result.stderr


# -- 17.4: a tampered cache entry never decides a result ----------------------------------------------

def _tamper(raw: bytes) -> bytes:
    """Grade C → A in the payload, with the header's byte count and sha256 recomputed, as an attacker would."""
    head, _, payload = raw.partition(b"\n")
    forged = payload.replace(b'"C"', b'"A"')
    assert forged != payload
    header = json.loads(head)
    header.update(bytes=len(forged), sha256=hashlib.sha256(forged).hexdigest())
    return json.dumps(header).encode() + b"\n" + forged


def test_a_tampered_entry_with_a_recomputed_checksum_is_not_trusted(tmp_path: Path) -> None:
    folder = tmp_path / "shared-cache"
    cached_read_list(WORKED, directory=folder)
    (entry,) = folder.glob("*.json")
    entry.write_bytes(_tamper(entry.read_bytes()))
    report = cached_read_list(WORKED, directory=folder)
    grades = {e.name: e.grade for e in report.enterprise_list.enterprises}
    assert grades == {e.name: e.grade for e in read_list(WORKED).enterprise_list.enterprises}
    assert "C" in grades.values()


def test_check_after_tampering_gives_the_real_cut(run, isolated: Path) -> None:
    (isolated / ".haze").mkdir()
    before = json.loads(run("check", "orange", "--list", WORKED, "--json").stdout)
    (entry,) = (isolated / ".haze" / "cache").glob("*.json")
    entry.write_bytes(_tamper(entry.read_bytes()))
    after = json.loads(run("check", "orange", "--list", WORKED, "--json").stdout)
    assert after == before


def test_the_signing_key_is_private_to_the_user(tmp_path: Path) -> None:
    cached_read_list(WORKED, directory=tmp_path / "c")
    key = cache.user_cache_dir() / cache.KEY_FILE
    assert stat.S_IMODE(key.stat().st_mode) == 0o600 and len(key.read_bytes()) == 32


@pytest.mark.parametrize("torn", [b"", b"short", bytes(33)], ids=["empty", "short", "long"])
def test_without_a_usable_key_the_cache_is_not_used(tmp_path: Path, torn: bytes) -> None:
    key = cache.user_cache_dir() / cache.KEY_FILE
    key.parent.mkdir(parents=True, exist_ok=True)
    key.write_bytes(torn)  # what a writer killed mid-way (or something not haze) leaves
    report = cached_read_list(WORKED, directory=tmp_path / "c")
    assert report.enterprise_list == read_list(WORKED).enterprise_list and not (tmp_path / "c").exists()
    assert key.read_bytes() == torn  # not haze's to replace: never a key the entries were not signed with


def test_the_signing_key_is_on_disk_before_its_name(monkeypatch: pytest.MonkeyPatch) -> None:
    """A power cut must never leave a named key that is short, or zeros (a key anyone could sign with)."""
    key = cache.user_cache_dir() / cache.KEY_FILE
    real, named_at_sync = os.fsync, []

    def fsync(fd: int) -> None:
        named_at_sync.append(key.exists())
        real(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    assert len(cache.secret_key() or b"") == 32
    # the key's bytes synced while it had no name yet, then its directory once it had one
    assert named_at_sync[:1] == [False] and named_at_sync[-1] is True


def test_a_key_that_cannot_be_made_durable_is_not_made(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    key = cache.user_cache_dir() / cache.KEY_FILE

    def failing(fd: int) -> None:
        raise OSError(errno.EIO, "I/O error")

    with monkeypatch.context() as patch:
        patch.setattr(os, "fsync", failing)
        assert cache.secret_key() is None
        report = cached_read_list(WORKED, directory=tmp_path / "c")
    assert report.enterprise_list == read_list(WORKED).enterprise_list and not (tmp_path / "c").exists()
    assert not key.exists() and list(key.parent.iterdir()) == []  # no key, no temporary left behind
    assert len(cache.secret_key() or b"") == 32  # the next run makes it whole


# -- 17.6: pruning never follows symbolic links and deletes only its own files ------------------------

def test_pruning_a_symlinked_cache_deletes_nothing_of_the_target(tmp_path: Path) -> None:
    target = tmp_path / "precious"
    target.mkdir()
    for i in range(20):
        write(target / f"{i:064x}.json", '{"haze_cache": 1}\n{}')  # even files that look like entries
        write(target / f"report-{i}.json", "{}")
    os.symlink(target, tmp_path / "shared")
    for i in range(cache.MAX_ENTRIES + 3):
        listfile = write(tmp_path / f"l{i}.yaml", WORKED.read_text(encoding="utf-8") + f"# {i}\n")
        cached_read_list(listfile, directory=tmp_path / "shared")
    assert len(list(target.iterdir())) == 40


def test_pruning_deletes_only_files_the_cache_wrote(tmp_path: Path) -> None:
    folder = tmp_path / "c"
    folder.mkdir()
    outside = write(tmp_path / "outside.json", "{}")
    os.symlink(outside, folder / f"{'0' * 64}.json")  # a link named like an entry
    stranger = write(folder / f"{'1' * 64}.json", "not an entry\n")  # named like one, not headed like one
    mine = write(folder / "notes.json", "{}")
    stale_other = write(folder / ".tmp-abc.json", "someone else's temporary")
    os.utime(stale_other, (1_700_000_000, 1_700_000_000))
    for i in range(cache.MAX_ENTRIES + 2):
        listfile = write(tmp_path / f"l{i}.yaml", WORKED.read_text(encoding="utf-8") + f"# {i}\n")
        cached_read_list(listfile, directory=folder)
        time.sleep(0.01)  # distinct mtimes: pruning keeps the newest
    assert outside.exists() and (folder / f"{'0' * 64}.json").is_symlink()
    assert stranger.exists() and mine.exists() and stale_other.exists()
    headed = [p for p in folder.glob("*.json") if p.read_bytes().startswith(b'{"haze_cache":')]
    assert len(headed) == cache.MAX_ENTRIES


# -- 17.14: damaged entries are opened with the guards of lists ----------------------------------------

def _entry_path(folder: Path, listfile: Path = WORKED) -> Path:
    digest = hashlib.sha256(listfile.read_bytes()).hexdigest()
    return folder / f"{cache.entry_key(digest, 'yaml', listfile.stem)}{cache.SUFFIX}"


@pytest.mark.parametrize("damage", ["dev-zero", "fifo", "sparse"])
def test_an_entry_that_is_a_device_pipe_or_huge_file_is_a_miss(tmp_path: Path, damage: str) -> None:
    folder = tmp_path / "c"
    folder.mkdir()
    entry = _entry_path(folder)
    if damage == "dev-zero":
        os.symlink("/dev/zero", entry)
    elif damage == "fifo":
        os.mkfifo(entry)
    else:
        with open(entry, "wb") as handle:
            handle.truncate(cache.MAX_ENTRY_BYTES + 1)
    report = cached_read_list(WORKED, directory=folder)  # returns at once: no hang, no MemoryError
    assert report.enterprise_list == read_list(WORKED).enterprise_list


@pytest.mark.parametrize("number", [b"NaN", b"Infinity", b"-Infinity", b"1e400"])
def test_an_entry_with_a_number_that_is_not_finite_is_rebuilt(run, isolated: Path, number: bytes) -> None:
    (isolated / ".haze").mkdir()
    before = run("check", "orange", "--list", WORKED, "--json")
    (entry,) = (isolated / ".haze" / "cache").glob("*.json")
    head, _, payload = entry.read_bytes().partition(b"\n")
    forged = payload.replace(b"73.0", number, 1) if b"73.0" in payload else payload.replace(b"73", number, 1)
    assert forged != payload
    header = json.loads(head)
    secret = cache.secret_key()
    header.update(bytes=len(forged), sha256=hashlib.sha256(forged).hexdigest(),
                  mac=cache._mac(secret, header["key"], forged))  # even signed: the number is checked
    entry.write_bytes(json.dumps(header).encode() + b"\n" + forged)
    after = run("check", "orange", "--list", WORKED, "--json")
    assert after.exit_code == before.exit_code == 0 and json.loads(after.stdout) == json.loads(before.stdout)
    assert "inf" not in run("check", "orange", "--list", WORKED).stdout.lower()
