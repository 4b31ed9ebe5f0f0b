"""The floor for ``activate``: write as many files of the same sizes as a notice set, with one sync.

    python benchmarks/floor.py NOTICE_DIR OUT_DIR

Reads the sizes of the files in NOTICE_DIR (a published ``notices/<id>/``),
then writes that many new files of those sizes into OUT_DIR (created; must not
exist) with plain ``os.open``/``os.write``/``os.close`` and no work in
between, then makes them durable with one call: ``syncfs`` of the file
system (Linux) or ``os.sync`` elsewhere, and an fsync of the directory. That
is the least any program can do to put the same bytes on the same disk;
``benchmarks/run.py`` runs it beside ``haze activate`` and prints the ratio.
"""

from __future__ import annotations

import ctypes
import os
import sys
from pathlib import Path


def sync_all(directory: Path) -> None:
    """One sync for everything written: syncfs of the directory's file system where there is one."""
    libc = ctypes.CDLL(None, use_errno=True) if sys.platform.startswith("linux") else None
    fd = os.open(directory, os.O_RDONLY)
    try:
        if libc is None or libc.syncfs(fd) != 0:
            os.sync()
        os.fsync(fd)
    finally:
        os.close(fd)


def main(argv: list[str]) -> int:
    source, out = Path(argv[0]), Path(argv[1])
    sizes = [entry.stat().st_size for entry in os.scandir(source) if entry.is_file()]
    out.mkdir(parents=True)
    blob = os.urandom(max(sizes, default=0))
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL
    for i, size in enumerate(sizes):
        fd = os.open(out / f"{i:06d}", flags, 0o644)
        os.write(fd, blob[:size])
        os.close(fd)
    sync_all(out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
