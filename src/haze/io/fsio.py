"""The one durable writer: files a reader, or a crash, never sees half of.

- :func:`write_atomic` writes the bytes to a hidden temporary file beside the
  target, flushes them to disk, moves the file into place and flushes the
  directory, so after a power cut the target is either the old file or the
  whole new one. ``plan --apply``, ``import``, ``export``, the parse cache
  (``sync=False``: a torn entry fails its checksum) and its signing key write through it.
- :class:`SyncedWriter` writes a set of new files (the notices,
  :mod:`haze.render.notices`), then makes them durable together: every
  file's bytes, then their directory; :func:`write_new_synced` and
  :func:`fsync_directory` are the single pieces (:mod:`haze.commands.staging`);
  :func:`fsync_file` and :func:`link_new` place a new journal (:mod:`haze.io.journal`).
- :func:`find_upward` is the search for ``haze.yaml`` and ``.haze/journal.db``
  in a directory or its parents.

Nothing here knows about the terminal.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Collection, Iterable

from haze.core.i18n import _, os_reason
from haze.core.errors import OutputError, UsageError

#: the suffix of write_atomic's hidden temporary files (".NAME.XXXX.tmp"): a crashed writer's are found by it
TEMP_SUFFIX = ".tmp"

__all__ = ["OutputError", "SyncedWriter", "find_upward", "fsync_directory", "fsync_file", "link_new", "sync_files",
           "write_atomic", "write_new", "write_new_synced"]


def write_atomic(path: str | Path, data: bytes, *, overwrite: bool, sync: bool = True,
                 mode: int | None = None) -> Path:
    """Put ``data`` at ``path`` whole, or not at all; returns the path written.

    Without ``overwrite`` an existing file is never replaced, even one that
    appears while this runs: the last step is a hard link, which fails if the
    name is taken. Raises :class:`UsageError` for an existing file and
    :class:`OutputError` when the file system refuses. ``sync=False`` skips
    the fsyncs (still atomic for readers; a power cut may leave the old file).
    ``mode``: the file's permission bits (a private key's 0600), set before
    any byte is written; by default those any tool gives it.
    """
    import tempfile  # only a write needs it: finding haze.yaml at start-up does not

    out = Path(path)
    temp: Path | None = None
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=TEMP_SUFFIX, dir=out.parent)
        temp = Path(name)
        # mkstemp makes the file 0600; the file a user asked for gets the mode any tool gives it:
        # the existing file's mode when overwriting, else 0666 less the umask.
        if hasattr(os, "fchmod"):  # POSIX; on Windows a new file takes the directory's ACL
            os.fchmod(fd, _mode_for(out) if mode is None else mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if sync:
                handle.flush()
                os.fsync(handle.fileno())
        if overwrite:
            os.replace(temp, out)
        elif not link_new(temp, out):
            raise UsageError(_("{out}: already exists; pass --force to overwrite it").format(out=out))
        if sync:
            fsync_directory(out.parent)
    except OSError as exc:
        raise OutputError(_("{out}: cannot write: {problem}; nothing written").format(out=out, problem=os_reason(exc))) from None
    finally:
        if temp is not None:
            temp.unlink(missing_ok=True)
    return out


def _mode_for(out: Path) -> int:
    """The permission bits ``out`` should get: kept when it exists, else 0666 less the umask."""
    try:
        return stat.S_IMODE(os.stat(out).st_mode)
    except OSError:
        return 0o666 & ~current_umask()


def current_umask() -> int:
    """The process umask (read by setting it and setting it back: POSIX has no getter)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def link_new(temp: Path, out: Path) -> bool:
    """Put ``temp`` at ``out`` unless something is there (a dangling link too); False if it is.

    A hard link, which fails if the name is taken, even by a file that appears meanwhile; where
    the file system has none (FAT, some network shares), a check and then a move.
    """
    try:
        os.link(temp, out)
    except FileExistsError:
        return False
    except OSError:  # no hard links on this file system: check, then move
        if os.path.lexists(out):
            return False
        os.replace(temp, out)
    return True


def write_new_synced(path: Path, data: bytes) -> None:
    """Write a new file (never an existing one) and fsync it: on disk before anything refers to it."""
    # os-level calls: no buffered file object for a file written in one go (a notice set writes thousands)
    fd = os.open(path, _NEW_FILE, 0o666)  # the umask applies, as with open()
    try:
        _write_all(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_all(fd: int, data: bytes) -> None:
    """Every byte of ``data`` to ``fd``: os.write may take fewer than it was given."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)


#: threads that fsync a finished set's files at once (the file system groups their journal commits)
FSYNC_THREADS = 16


def write_new(path: str | Path, data: bytes, *, dir_fd: int | None = None) -> None:
    """Create a new file (never an existing one) with ``data``, not yet synced: :class:`SyncedWriter` syncs
    its set at the end. ``path`` is relative to ``dir_fd`` when given (no path lookup per file)."""
    fd = os.open(path, _NEW_FILE, 0o666, dir_fd=dir_fd) if dir_fd is not None else os.open(path, _NEW_FILE, 0o666)
    try:
        _write_all(fd, data)
    finally:
        os.close(fd)


def write_new_pieces(path: str | Path, pieces: Iterable[bytes], *, dir_fd: int | None = None) -> str:
    """Create a new file (never an existing one) from ``pieces`` as they come, not yet synced; the sha256
    of its bytes. ``dir_fd`` as for :func:`write_new`."""
    import hashlib

    digest = hashlib.sha256()
    fd = os.open(path, _NEW_FILE, 0o666, dir_fd=dir_fd) if dir_fd is not None else os.open(path, _NEW_FILE, 0o666)
    try:
        for piece in pieces:
            digest.update(piece)
            _write_all(fd, piece)
    finally:
        os.close(fd)
    return digest.hexdigest()


class SyncedWriter:
    """New files written into one directory in the caller's thread, then made durable together.

    ``write(name, data)`` creates the file (never an existing one), writes
    it and closes it, with no sync: a few system calls, no thread, no
    hand-over. :meth:`finish` then makes the whole set durable at once,
    every file's bytes and then the directory's names (:func:`sync_files`:
    each file fsynced from :data:`FSYNC_THREADS` threads, once they are all
    written, so the file system commits them in a few journal transactions
    instead of one per file). After it returns the set is on disk; until
    then a crash may lose any of it, which is why the set's directory is
    renamed into place, and the journal commits, only after ``finish``.

    Before issue 16's round six the files were written and fsynced one by
    one by 16 threads while the caller rendered: the threads took the
    interpreter's lock back between their system calls, and the rendering
    thread waited for it (a quarter of its time at 5,000 notices;
    docs/architecture.md has the measurements). Used as a context manager,
    a failure in the caller's body leaves removing the directory to the
    caller. The bytes are opaque: text, DOCX or PDF alike. ``threads`` is
    how many fsync at once; ``batch`` and ``window`` are accepted for the
    callers of the threaded writer and no longer matter.
    """

    def __init__(self, directory: Path, *, threads: int = FSYNC_THREADS, batch: int = 32,
                 window: int = 2 * FSYNC_THREADS) -> None:
        self.directory = directory
        self.threads = max(1, threads)
        self.names: list[str] = []
        self._dir_fd: int | None = None
        if os.open in os.supports_dir_fd:  # POSIX: each file opened by its name in the directory, no path walk
            self._dir_fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))

    def _target(self, name: str) -> str | Path:
        return name if self._dir_fd is not None else self.directory / name

    def write(self, name: str, data: bytes) -> None:
        """Create ``directory/name`` (a new file) with ``data``; synced by :meth:`finish`."""
        write_new(self._target(name), data, dir_fd=self._dir_fd)
        self.names.append(name)

    def adopt(self, name: str) -> None:
        """``directory/name`` was written by another process (a helper's notices): synced by :meth:`finish`."""
        self.names.append(name)

    def write_pieces(self, name: str, pieces: Iterable[bytes]) -> str:
        """Write ``directory/name`` (a new file) piece by piece as the pieces come; the sha256 of its bytes.
        For a file too large to hold whole (a province's index); synced by :meth:`finish`."""
        self.names.append(name)
        return write_new_pieces(self._target(name), pieces, dir_fd=self._dir_fd)

    def finish(self, synced: Collection[str] = ()) -> None:
        """Every file's bytes on disk (:func:`sync_files`), then the directory's names. ``synced``: files
        another process has already fsynced (a helper process's share of a notice set), not synced again."""
        names = [name for name in self.names if name not in synced] if synced else self.names
        sync_files(self.directory, names, threads=self.threads, dir_fd=self._dir_fd)
        fsync_directory(self.directory)
        self.close()

    def close(self) -> None:
        if self._dir_fd is not None:
            os.close(self._dir_fd)
            self._dir_fd = None

    def __enter__(self) -> SyncedWriter:
        return self

    def __exit__(self, kind: type | None, *rest: object) -> None:
        self.close()


def sync_files(directory: Path, names: list[str], *, threads: int = FSYNC_THREADS,
               dir_fd: int | None = None) -> None:
    """fsync every one of ``names`` (files already written and closed in ``directory``); raise the first error.

    Each file is opened again (read-only on POSIX, where a umask may have made
    it so; for writing on Windows, which fsyncs only a writable handle) and fsynced, by ``threads`` threads at once: on a journalling
    file system the first fsyncs commit the transaction that holds most of
    the other files too, whose own fsyncs then find nothing left to do.
    Portable (any OS, any file system), and it syncs these files only, never
    another program's (``syncfs`` would: benchmarks/syncs.py weighs both).
    """
    def sync(chunk: list[str]) -> None:
        for name in chunk:
            fd = os.open(name, _SYNC_OPEN, dir_fd=dir_fd) if dir_fd is not None else \
                os.open(directory / name, _SYNC_OPEN)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)

    chunks = [names[i:i + 64] for i in range(0, len(names), 64)]
    if len(chunks) <= 1 or threads <= 1:
        for chunk in chunks:
            sync(chunk)
        return
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=min(threads, len(chunks)), thread_name_prefix="haze-fsync") as pool:
        for future in [pool.submit(sync, chunk) for chunk in chunks]:
            future.result()  # the first error, after every thread has stopped


_SYNC_OPEN = (os.O_WRONLY if os.name == "nt" else os.O_RDONLY) | getattr(os, "O_BINARY", 0) | \
    getattr(os, "O_CLOEXEC", 0)


def fsync_file(path: Path) -> None:
    """fsync one file already written and closed (by another writer: SQLite, for a new journal)."""
    sync_files(path.parent, [path.name], threads=1)


def fsync_directory(directory: str | Path) -> None:
    """Make a directory's entries (files created or renamed in it) survive a power cut (POSIX).

    Skipped where the OS refuses: Windows cannot open a directory, and some file
    systems (network, FUSE) reject fsync on one; their own metadata journal is all there is.
    """
    try:
        fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def find_upward(relative: str | Path, start: Path | None = None) -> Path | None:
    """The file ``start/relative`` (default: the current directory), or in the nearest parent; None if none."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / relative
        if candidate.is_file():
            return candidate
    return None
