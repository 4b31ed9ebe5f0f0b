"""The one durable writer: files a reader, or a crash, never sees half of.

- :func:`write_atomic` writes the bytes to a hidden temporary file beside the
  target, flushes them to disk, moves the file into place and flushes the
  directory, so after a power cut the target is either the old file or the
  whole new one. ``plan --apply``, ``import``, ``export`` and the parse cache
  (``sync=False``: a torn entry fails its checksum) write through it.
- :class:`SyncedWriter` writes a set of new files (the notices,
  :mod:`haze.render.notices`) in a few threads, each fsynced, then their
  directory; :func:`write_new_synced` and
  :func:`fsync_directory` are the single pieces (:mod:`haze.commands.staging`).
- :func:`find_upward` is the search for ``haze.yaml`` and ``.haze/journal.db``
  in a directory or its parents.

Nothing here knows about the terminal.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any, Iterable

from haze.core.i18n import _, os_reason
from haze.core.errors import OutputError, UsageError

#: the suffix of write_atomic's hidden temporary files (".NAME.XXXX.tmp"): a crashed writer's are found by it
TEMP_SUFFIX = ".tmp"

__all__ = ["OutputError", "SyncedWriter", "find_upward", "fsync_directory", "write_atomic",
           "write_new_synced"]


def write_atomic(path: str | Path, data: bytes, *, overwrite: bool, sync: bool = True) -> Path:
    """Put ``data`` at ``path`` whole, or not at all; returns the path written.

    Without ``overwrite`` an existing file is never replaced, even one that
    appears while this runs: the last step is a hard link, which fails if the
    name is taken. Raises :class:`UsageError` for an existing file and
    :class:`OutputError` when the file system refuses. ``sync=False`` skips
    the fsyncs (still atomic for readers; a power cut may leave the old file).
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
            os.fchmod(fd, _mode_for(out))
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if sync:
                handle.flush()
                os.fsync(handle.fileno())
        if overwrite:
            os.replace(temp, out)
        elif not _link_new(temp, out):
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


def _link_new(temp: Path, out: Path) -> bool:
    """Put ``temp`` at ``out`` unless ``out`` exists; False if it does."""
    try:
        os.link(temp, out)
    except FileExistsError:
        return False
    except OSError:  # no hard links on this file system (FAT, some network shares): check, then move
        if out.exists():
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


#: fsyncs SyncedWriter issues at once
FSYNC_THREADS = 16


class SyncedWriter:
    """New files written into one directory by a few threads, each one fsynced, then the directory.

    ``write(name, data)`` collects the files into batches of ``batch`` and
    hands each batch to a pool of :data:`FSYNC_THREADS` threads; a thread
    creates each file of its batch (never an existing one), writes it, fsyncs
    it and closes it. The caller meanwhile renders the next files, so
    rendering overlaps the disk, and the fsyncs of the threads in flight are
    grouped by the file system into shared journal commits instead of one
    each (docs/performance.md has the measurements). Batches keep the
    hand-over cost (a future, a lock, a wake-up) to one per ``batch`` files.
    At most ``window`` batches wait in memory: a slow disk slows the caller
    rather than filling memory. :meth:`finish` waits for every file, raises
    the first error, then fsyncs the directory: after it returns, the bytes
    and the names are all on disk. Used as a context manager, a failure in
    the caller's body waits for the threads (no file is written behind its
    back) and leaves removing the directory to the caller. The bytes are
    opaque: text, DOCX or PDF alike.
    """

    def __init__(self, directory: Path, *, threads: int = FSYNC_THREADS, batch: int = 32,
                 window: int = 2 * FSYNC_THREADS) -> None:
        import threading
        from concurrent.futures import ThreadPoolExecutor

        self.directory = directory
        self.batch = batch
        self._next = 1  # batches grow 1, 2, 4 … batch: the first files reach the disk at once, not after 32 renders
        self._pending: list[tuple[Path, bytes]] = []
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="haze-fsync")
        self._slots = threading.BoundedSemaphore(window)
        self._error: BaseException | None = None

    def write(self, name: str, data: bytes) -> None:
        """Queue ``directory/name`` (a new file) with ``data``; raises an earlier file's error."""
        if self._error is not None:
            raise self._error
        self._pending.append((self.directory / name, data))
        if len(self._pending) >= self._next:
            self._next = min(2 * self._next, self.batch)
            self._submit()

    def write_pieces(self, name: str, pieces: Iterable[bytes]) -> str:
        """Write ``directory/name`` (a new file) piece by piece as the pieces come, in the caller's thread,
        and fsync it; the sha256 of its bytes. For a file too large to hold whole (a province's index)."""
        import hashlib

        if self._error is not None:
            raise self._error
        digest = hashlib.sha256()
        fd = os.open(self.directory / name, _NEW_FILE, 0o666)
        try:
            for piece in pieces:
                digest.update(piece)
                _write_all(fd, piece)
            os.fsync(fd)
        finally:
            os.close(fd)
        return digest.hexdigest()

    def _submit(self) -> None:
        files, self._pending = self._pending, []
        self._slots.acquire()
        try:
            future = self._pool.submit(_write_batch, files)
        except BaseException:
            self._slots.release()
            raise
        future.add_done_callback(self._done)

    def _done(self, future: Any) -> None:
        self._slots.release()
        error = None if future.cancelled() else future.exception()
        if error is not None and self._error is None:
            self._error = error

    def finish(self) -> None:
        """Wait for every file; raise the first error; fsync the directory (the names)."""
        if self._pending and self._error is None:
            self._submit()
        self._pool.shutdown(wait=True)
        if self._error is not None:
            raise self._error
        fsync_directory(self.directory)

    def __enter__(self) -> SyncedWriter:
        return self

    def __exit__(self, kind: type | None, *rest: object) -> None:
        # On success the caller has called finish(); on failure let no thread write on behind its back.
        self._pending = []
        self._pool.shutdown(wait=True, cancel_futures=True)


def _write_batch(files: list[tuple[Path, bytes]]) -> None:
    for path, data in files:
        write_new_synced(path, data)


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
