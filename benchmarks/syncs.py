"""Ways to make a notice set durable, side by side on this disk (issue 16, round six).

    python benchmarks/syncs.py [--files 48000] [--size 3000] [--rounds 2] [--dir DIR] [--only a,b]

Each method writes ``--files`` new files of ``--size`` bytes into a fresh
directory under ``--dir`` (default: a temporary directory beside this
checkout, i.e. the disk the notices go to), makes them durable its own way,
fsyncs the directory, and is timed: wall, user and system CPU of this process
(all its threads), and the load average. Methods run interleaved round by
round so a busy machine slows them alike.

- ``thread-fsync``: main before round six: 16 threads each create, write, fsync, close a file.
- ``write-then-fsync``: one thread writes every file (no sync); then 16 threads reopen and fsync each.
  The first fsyncs force the file system's journal commit that covers most of the others, whose
  fsyncs then find nothing to do. Portable: any OS, any file system.
- ``write-then-fdatasync``: the same with fdatasync (Linux; new files need their size, so it commits too).
- ``sfr-then-fsync``: as written, ``sync_file_range(SYNC_FILE_RANGE_WRITE)`` starts each file's
  writeback (Linux, ctypes); at the end one pass of fsyncs from 16 threads.
- ``write-then-syncfs``: one thread writes every file; one ``syncfs`` (Linux). It flushes every
  program's dirty data on the file system too (its time depends on them, and theirs on it).
- ``write-then-fsync-1``: one thread writes; then one thread fsyncs each file in order.
"""

from __future__ import annotations

import argparse
import ctypes
import os
import resource
import shutil
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Callable

FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
LIBC = ctypes.CDLL(None, use_errno=True) if sys.platform.startswith("linux") else None
SFR_WRITE = 2  # SYNC_FILE_RANGE_WRITE


def _write(path: Path, data: bytes, sfr: bool = False) -> None:
    fd = os.open(path, FLAGS, 0o644)
    try:
        os.write(fd, data)
        if sfr and LIBC is not None:
            LIBC.sync_file_range(fd, ctypes.c_longlong(0), ctypes.c_longlong(0), SFR_WRITE)
    finally:
        os.close(fd)


def _fsync_name(path: Path, how: str = "fsync") -> None:
    fd = os.open(path, os.O_WRONLY)
    try:
        (os.fdatasync if how == "fdatasync" else os.fsync)(fd)
    finally:
        os.close(fd)


def _write_fsync(path: Path, data: bytes) -> None:
    fd = os.open(path, FLAGS, 0o644)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)


def _batched(pool: ThreadPoolExecutor, work, paths: list[Path], *args: object) -> None:
    def run(chunk: list[Path]) -> None:
        for p in chunk:
            work(p, *args)
    list(pool.map(run, [paths[i:i + 32] for i in range(0, len(paths), 32)]))


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def method(name: str, folder: Path, paths: list[Path], data: bytes, mark: Callable[[], None]) -> None:
    """Write and sync the files the way ``name`` says; ``mark()`` when the writing is done, before the sync."""
    if name == "thread-fsync":
        with ThreadPoolExecutor(16) as pool:
            _batched(pool, _write_fsync, paths, data)
        mark()
    elif name in ("write-then-fsync", "write-then-fdatasync", "sfr-then-fsync"):
        for p in paths:
            _write(p, data, sfr=name == "sfr-then-fsync")
        mark()
        with ThreadPoolExecutor(16) as pool:
            _batched(pool, _fsync_name, paths, "fdatasync" if name == "write-then-fdatasync" else "fsync")
    elif name == "write-then-fsync-1":
        for p in paths:
            _write(p, data)
        mark()
        for p in paths:
            _fsync_name(p)
    elif name == "write-then-syncfs":
        for p in paths:
            _write(p, data)
        mark()
        fd = os.open(folder, os.O_RDONLY)
        try:
            assert LIBC is not None and LIBC.syncfs(fd) == 0
        finally:
            os.close(fd)
    else:
        raise SystemExit(f"unknown method {name}")
    _fsync_dir(folder)


METHODS = ["thread-fsync", "write-then-fsync", "write-then-fdatasync", "sfr-then-fsync", "write-then-syncfs",
           "write-then-fsync-1"]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=48000)
    parser.add_argument("--size", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--dir", type=Path, default=Path(__file__).resolve().parent.parent)
    parser.add_argument("--only", default="")
    args = parser.parse_args()
    names = args.only.split(",") if args.only else METHODS
    data = os.urandom(args.size)
    rows: dict[str, list[tuple[float, float, float, float, float, float]]] = {n: [] for n in names}
    for _ in range(args.rounds):
        for name in names:
            folder = Path(tempfile.mkdtemp(prefix=".syncs-", dir=args.dir))
            paths = [folder / f"{i:06d}.md" for i in range(args.files)]
            os.sync()  # start each method from a clean page cache's dirty list
            load = os.getloadavg()[0]
            marks: list[tuple[float, resource.struct_rusage]] = []

            def mark(marks: list[tuple[float, resource.struct_rusage]] = marks) -> None:
                marks.append((time.perf_counter(), resource.getrusage(resource.RUSAGE_SELF)))

            mark()
            method(name, folder, paths, data, mark)
            mark()
            (w0, r0), (w1, r1), (w2, r2) = marks
            row = (w2 - w0, r2.ru_utime - r0.ru_utime, r2.ru_stime - r0.ru_stime,
                   w2 - w1, r2.ru_stime - r1.ru_stime + r2.ru_utime - r1.ru_utime, load)
            rows[name].append(row)
            print(f"{name:22s} wall {row[0]:6.2f}  user {row[1]:5.2f}  sys {row[2]:5.2f}  "
                  f"(sync phase: wall {row[3]:5.2f}, CPU {row[4]:5.2f})  load {load:.1f}", flush=True)
            shutil.rmtree(folder)
    print(f"\n{args.files} files of {args.size} bytes, {args.rounds} rounds (minimum wall; CPU of that round)")
    print("| method | wall s | user s | sys s | sync phase wall s | sync phase CPU s | load |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, samples in rows.items():
        wall, user, sys_, sync_wall, sync_cpu, load = min(samples)
        print(f"| {name} | {wall:.2f} | {user:.2f} | {sys_:.2f} | {sync_wall:.2f} | {sync_cpu:.2f} | {load:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
