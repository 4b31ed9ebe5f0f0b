"""Writing files so that a reader, or a crash, never sees half of one.

``write_atomic`` writes the bytes to a hidden temporary file beside the target,
flushes them to disk, moves the file into place and flushes the directory, so
after a power cut the target is either the old file or the whole new one. The
plan, the spreadsheets and (later) the notices and the parse cache all write
through it. Nothing here knows about the terminal.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from haze.core.errors import OutputError, UsageError

__all__ = ["OutputError", "write_atomic"]


def write_atomic(path: str | Path, data: bytes, *, overwrite: bool) -> Path:
    """Put ``data`` at ``path`` whole, or not at all; returns the path written.

    Without ``overwrite`` an existing file is never replaced, even one that
    appears while this runs: the last step is a hard link, which fails if the
    name is taken. Raises :class:`UsageError` for an existing file and
    :class:`OutputError` when the file system refuses.
    """
    out = Path(path)
    temp: Path | None = None
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
        temp = Path(name)
        # mkstemp makes the file 0600; the file a user asked for gets the mode any tool gives it:
        # the existing file's mode when overwriting, else 0666 less the umask.
        if hasattr(os, "fchmod"):  # POSIX; on Windows a new file takes the directory's ACL
            os.fchmod(fd, _mode_for(out))
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if overwrite:
            os.replace(temp, out)
        elif not _link_new(temp, out):
            raise UsageError(f"{out}: already exists; pass --force to overwrite it")
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


def fsync_directory(directory: str | Path) -> None:
    """Make a rename in ``directory`` survive a power cut (POSIX); a no-op where directories cannot be opened."""
    flags = getattr(os, "O_DIRECTORY", None)
    if flags is None:  # Windows: renames are journalled by NTFS, and a directory cannot be fsynced
        return
    fd = os.open(directory, os.O_RDONLY | flags)
    try:
        os.fsync(fd)
    except OSError:  # some file systems (network, FUSE) refuse fsync on a directory: the data is already synced
        pass
    finally:
        os.close(fd)
