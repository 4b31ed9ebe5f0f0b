"""The one durable writer: files a reader, or a crash, never sees half of.

- :func:`write_atomic` writes the bytes to a hidden temporary file beside the
  target, flushes them to disk, moves the file into place and flushes the
  directory, so after a power cut the target is either the old file or the
  whole new one. ``plan --apply``, ``import``, ``export`` and the parse cache
  (``sync=False``: a torn entry fails its checksum) write through it.
- :func:`write_new_synced`, :func:`fsync_files` and :func:`fsync_directory`
  are the pieces a set of notices is made durable with before the journal
  refers to it (:mod:`haze.render.notices`, :mod:`haze.commands.staging`).
- :func:`find_upward` is the search for ``haze.yaml`` and ``.haze/journal.db``
  in a directory or its parents.

Nothing here knows about the terminal.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from haze.core.errors import OutputError, UsageError

#: the suffix of write_atomic's hidden temporary files (".NAME.XXXX.tmp"): a crashed writer's are found by it
TEMP_SUFFIX = ".tmp"

__all__ = ["OutputError", "find_upward", "fsync_directory", "fsync_files", "write_atomic", "write_new_synced"]


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
            raise UsageError(f"{out}: already exists; pass --force to overwrite it")
        if sync:
            fsync_directory(out.parent)
    except OSError as exc:
        raise OutputError(f"{out}: cannot write: {exc.strerror or exc}; nothing written") from None
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
    with open(path, "xb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


#: fsyncs issued at once by fsync_files
FSYNC_THREADS = 16


def fsync_files(paths: list[Path]) -> None:
    """fsync every file, a few at a time in threads, once all are written.

    One by one, each fsync waits for its own journal commit: 2,000 notices
    took longer to sync than to render. Issued together, the file system
    groups them into a few commits (see docs/notices.md for the cost).
    """
    if len(paths) < FSYNC_THREADS:
        for path in paths:
            _fsync_file(path)
        return
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=FSYNC_THREADS) as pool:
        for _ in pool.map(_fsync_file, paths):  # re-raises the first OSError
            pass


def _fsync_file(path: Path) -> None:
    # Windows commits a file only through a handle open for writing.
    fd = os.open(path, os.O_RDWR if os.name == "nt" else os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


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
