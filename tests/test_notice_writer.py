"""The notice set's writer (io.fsio.SyncedWriter under render.notices.write_notice_set): batched, yet durable.

The files are written as they render and fsynced together once all are written
(issue 16, round six); these tests hold it to what one fsync per file inline guaranteed:
every file's bytes and the directory's names are on disk before the set is
renamed into place (and so before any journal commit), the manifest hashes
the bytes that are on disk, and a failure anywhere leaves nothing behind.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from pathlib import Path

import pytest

from conftest import COUNTY, write
from haze.core.errors import HazeError
from haze.io.fsio import SyncedWriter
from haze.render.notices import MANIFEST, write_notice_set


def record_fsyncs(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, int]]:
    """Replace os.fsync with one that records (device, inode) of each fd it syncs, from any thread."""
    synced: list[tuple[int, int]] = []
    lock = threading.Lock()
    real = os.fsync

    def fsync(fd: int) -> None:
        st = os.fstat(fd)
        real(fd)
        with lock:  # recorded after the real fsync returned: the file IS on disk at this point
            synced.append((st.st_dev, st.st_ino))

    monkeypatch.setattr(os, "fsync", fsync)
    return synced


def key(path: Path) -> tuple[int, int]:
    st = path.stat()
    return st.st_dev, st.st_ino


def files(count: int) -> list[tuple[str, bytes]]:
    # varied sizes, some larger than one write of a pipe, one empty
    return [(f"{i:04d}-x.bin", bytes([i % 251]) * (i * 37 % 9000)) for i in range(count)]


def test_synced_writer_fsyncs_every_file_before_the_directory(tmp_path: Path, monkeypatch) -> None:
    synced = record_fsyncs(monkeypatch)
    content = files(300)  # more than the window of files in flight, so the caller waits on the threads
    with SyncedWriter(tmp_path, threads=4, batch=5, window=3) as writer:
        for name, data in content:
            writer.write(name, data)
        writer.finish()
    for name, data in content:
        assert (tmp_path / name).read_bytes() == data
    assert sorted(synced[:-1]) == sorted(key(tmp_path / name) for name, _ in content)
    assert synced[-1] == key(tmp_path)  # the directory last, once every file's fsync returned


def test_synced_writer_raises_a_threads_error_and_never_overwrites(tmp_path: Path) -> None:
    (tmp_path / "0002-x.bin").write_bytes(b"already here")
    with pytest.raises(FileExistsError):
        with SyncedWriter(tmp_path, threads=2, batch=4, window=2) as writer:
            for name, data in files(50):
                writer.write(name, data)
            writer.finish()
    assert (tmp_path / "0002-x.bin").read_bytes() == b"already here"


def produced(content: list[tuple[str, str | bytes]]):
    yield from content


def test_a_set_is_on_disk_before_its_rename_and_its_manifest_hashes_the_bytes(tmp_path: Path, monkeypatch) -> None:
    synced = record_fsyncs(monkeypatch)
    real_rename = os.rename
    at_rename: list[int] = []

    def rename(src, dst) -> None:
        at_rename.append(len(synced))
        real_rename(src, dst)

    monkeypatch.setattr(os, "rename", rename)
    # text and bytes alike (a DOCX or PDF format yields bytes); CJK text, written as UTF-8
    content: list[tuple[str, str | bytes]] = [(f"{i:04d}-x.md", f"示例县告知书 {i}\n" * (i % 40)) for i in range(200)]
    content += [("0201-x.docx", b"PK\x03\x04" + bytes(range(256)) * 20), ("index.md", "# 索引\n")]
    parent = tmp_path / "out"
    notices = write_notice_set(parent, "20251201-200000-orange", produced(content), {"id": "t"}, 201, [], False)
    folder = parent / "20251201-200000-orange"
    assert notices.directory == folder and sorted(os.listdir(folder)) == sorted([n for n, _ in content] + [MANIFEST])
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    on_disk = {name: hashlib.sha256((folder / name).read_bytes()).hexdigest() for name, _ in content}
    assert manifest["files"] == on_disk
    assert notices.manifest_sha256 == hashlib.sha256((folder / MANIFEST).read_bytes()).hexdigest()
    assert (folder / "0201-x.docx").read_bytes() == content[-2][1]
    # every file and the set's directory were fsynced before the one rename; the parent after it
    before = set(synced[:at_rename[0]])
    assert {key(folder / name) for name in os.listdir(folder)} | {key(folder)} <= before
    assert at_rename == [len(synced) - 1] and synced[-1] == key(parent)


def test_a_failed_write_in_a_thread_leaves_nothing(tmp_path: Path, monkeypatch) -> None:
    real_write = os.write
    calls = {"n": 0}

    def write_fails(fd: int, data) -> int:
        calls["n"] += 1
        if calls["n"] == 40:
            raise OSError(28, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", write_fails)
    content = [(f"{i:04d}-x.md", f"notice {i}\n") for i in range(100)]
    parent = tmp_path / "out"
    with pytest.raises(HazeError, match="No space left on device"):
        write_notice_set(parent, "set", produced(content), {}, 100, [], False)
    assert not parent.exists()  # nor the hidden directory, nor the parent this run created


def test_a_render_error_midway_stops_the_threads_and_leaves_nothing(tmp_path: Path) -> None:
    def broken():
        for i in range(60):
            yield f"{i:04d}-x.md", "x" * 5000
        raise HazeError("template error at notice 61")

    parent = tmp_path / "out"
    parent.mkdir()
    with pytest.raises(HazeError, match="notice 61"):
        write_notice_set(parent, "set", broken(), {}, 61, [], False)
    assert os.listdir(parent) == []


def test_an_activation_fsyncs_every_notice_and_both_directories_before_the_commit(run, monkeypatch) -> None:
    """Through the CLI, on the county list (enough notices to keep the threads busy)."""
    from contextlib import contextmanager

    from haze.io.journal import Journal

    synced = record_fsyncs(monkeypatch)
    commits: list[int] = []
    real_transaction = Journal.transaction

    @contextmanager
    def transaction(self, **options):
        with real_transaction(self, **options) as journal:
            yield journal
        commits.append(len(synced))

    monkeypatch.setattr(Journal, "transaction", transaction)
    result = run("activate", "orange", "--list", COUNTY, "--json", "--journal", ".haze/journal.db")
    assert result.exit_code in (0, 1), result.stderr
    data = json.loads(result.stdout)
    folder = Path("notices") / data["activation"]
    before = set(synced[:commits[-1]])
    names = os.listdir(folder)
    assert len(names) == len(data["notices"]) and len(names) > 20
    assert {key(folder / name) for name in names} <= before
    assert key(folder) in before and key(Path("notices")) in before
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["files"] == {name: hashlib.sha256((folder / name).read_bytes()).hexdigest()
                                 for name in names if name != MANIFEST}


def test_the_index_reads_the_rows_as_a_list(tmp_path: Path) -> None:
    """Rows are built when read: a template indexing, slicing, counting and looping sees what a list gives."""
    from conftest import COUNTY as county
    from test_notices import activate

    write(tmp_path / "t" / "index.zh.md.j2",
          "{{ notices|length }} {{ notices[0].number }} {{ notices[-1].number }} "
          "{{ notices[1:3]|map(attribute='index')|join(',') }} "
          "{% for n in notices %}{% if loop.last %}{{ n.enterprise.id }} {{ n.measures.summary }}{% endif %}"
          "{% endfor %}\n")
    notices = activate(county, tmp_path / "out", templates=tmp_path / "t")
    manifest = json.loads((notices.directory / MANIFEST).read_text(encoding="utf-8"))
    last = manifest["notices"][-1]
    text = (notices.directory / "index.md").read_text(encoding="utf-8")
    count, first, final, middle, last_id, *summary = text.split()
    assert int(count) == notices.count == len(manifest["notices"])
    assert (first, final) == (manifest["notices"][0]["number"], last["number"])
    assert middle == "2,3" and last_id == last["id"] and summary


def test_files_are_written_at_once_and_fsynced_together_at_the_end(tmp_path: Path, monkeypatch) -> None:
    """Round six: each write() leaves its file complete on the page cache; finish() syncs them all, then the directory."""
    synced = record_fsyncs(monkeypatch)
    content = files(120)
    with SyncedWriter(tmp_path, threads=3) as writer:
        for i, (name, data) in enumerate(content):
            writer.write(name, data)
            assert (tmp_path / name).read_bytes() == data  # written and closed by write() itself
            assert synced == []  # nothing synced while the set is being written
            if i == 60:
                digest = writer.write_pieces("index.md", (b"a" * 5000, b"", "示例".encode()))
        writer.finish()
    assert digest == hashlib.sha256(b"a" * 5000 + "示例".encode()).hexdigest()
    names = [name for name, _ in content] + ["index.md"]
    assert sorted(synced[:-1]) == sorted(key(tmp_path / name) for name in names)
    assert synced[-1] == key(tmp_path)


def test_sync_files_raises_when_a_file_of_the_set_is_gone(tmp_path: Path) -> None:
    from haze.io.fsio import sync_files

    for i in range(200):
        (tmp_path / f"{i:04d}.md").write_bytes(b"x")
    (tmp_path / "0150.md").unlink()  # removed behind the writer's back: the set is not whole, so no success
    with pytest.raises(FileNotFoundError):
        sync_files(tmp_path, [f"{i:04d}.md" for i in range(200)], threads=4)
