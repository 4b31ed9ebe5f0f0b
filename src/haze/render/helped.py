"""A province's notices rendered by two processes: the last part in a helper process.

On two CPUs, ``activate`` at 50,000 enterprises spent most of its time
filling in templates on one of them (issue 16). From :data:`HELPED_FROM`
notices on, :func:`~haze.render.notices.render_activation` renders the
first notices itself and a :class:`~haze.io.helper.HelperProcess` (a fork
of the run) renders and writes the last :data:`HELPER_SHARE` of them into
the same hidden directory at the same time, then writes sms.csv and
fsyncs the whole set's notices while the run renders the index. The helper sends back, for each of its
notices, what the run keeps of it: the file's sha256 for the manifest, the
content key for the journal, the summary for the index and the few values
the index's counts read (:func:`~haze.render.tally.tally_view`). The run
then takes those in list order as if it had rendered them itself, so the
set is the same bytes either way (tests/test_helped.py compares them file
by file), and what follows (the manifest, the sync of what the helper did
not sync, the rename, the journal) is unchanged: the set is renamed into
place, and recorded, only after the helper has said every notice is on disk.

Only for haze's own text templates (md, html, txt): a bureau's
``--templates`` run keeps its time limit per render in one process, and
the DOCX and PDF layouts gather every notice into ``all.pdf`` as they go.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from haze.io.fsio import sync_files, write_new, write_new_pieces
from haze.io.helper import Channel, HelperProcess, helper_available
from haze.render.notices import SetDirectory
from haze.render.tally import tally_view

#: below this many notices a second process costs more than it saves: measured on two CPUs, it lost 8 % at
#: 9,594 notices and won 8 % at 19,188 and 11 % at 47,938 (benchmarks/README.md, round seven)
HELPED_FROM = 15000
#: the helper's share of the notices: less than half, for it also writes sms.csv and syncs the whole set
#: while the run renders the index (benchmarks/README.md, round seven)
HELPER_SHARE = 0.4
#: how often the helper reports its count (a progress bar's step)
_REPORT_EVERY = 256
#: how often the run tells the helper how many of its own notices are written, for the helper to sync them
#: while the run still renders (once the helper's own share is done), rather than all of them at the end
TELL_EVERY = 2048

Told = tuple[str, str, str, str, dict[str, Any]]  # file name, sha256, content key, summary, tally view
Sms = Callable[[list[dict[str, str]]], Iterator[str]]  # sms.csv's text in pieces; fills the list of who has no phone


def helped_from(count: int, light: bool) -> int:
    """Where the helper's part of ``count`` notices begins: ``count`` when there is no helper."""
    if not light or count < HELPED_FROM or not helper_available():
        return count
    return count - int(count * HELPER_SHARE)


class HelpedNotices(HelperProcess):
    """The helper's share of a set: notices ``first`` … ``len(rows) - 1``, sms.csv, and the sync of every notice.

    In the helper, in this order (each step's result is :meth:`receive`'d by the run, in the same order):

    1. render, hash and write its notices: a :data:`Told` for each;
    2. sms.csv: its sha256 and who has no phone;
    3. fsync its own notices and sms.csv while the run still renders its share; then, once the run has
       written its own notices (:meth:`release`), fsync those too, while the run renders the index. The
       run then lists all of them in ``directory.synced``, which its own sync leaves out.

    A dry run (``directory.path`` None) renders and hashes only.
    """

    def __init__(self, rows: Sequence[dict[str, Any]], first: int, run_files: Sequence[str],
                 render: Callable[[dict[str, Any]], str], content: Callable[[dict[str, Any]], str], sms: Sms,
                 directory: SetDirectory) -> None:
        super().__init__(self._work)
        self.rows, self.first, self.run_files = rows, first, run_files  # run_files: the run's own notices
        self.render, self.content, self.sms, self.directory = render, content, sms, directory

    def __enter__(self) -> HelpedNotices:
        self.start()
        return self

    def _work(self, channel: Channel) -> Iterator[Any]:
        from haze.render.sms import SMS_FILE

        where = self.directory.path
        dir_fd = os.open(where, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)) if where is not None else None
        told: list[Told] = []
        # equal summaries, towns, grades and measure kinds as one object each: pickled once (its memo),
        # held once by the run after unpickling (most plants of a province share a few dozen of each)
        shared: dict[Any, Any] = {}
        for i in range(self.first, len(self.rows)):
            row = self.rows[i]
            data = self.render(row).encode("utf-8")
            if dir_fd is not None:
                write_new(row["file"], data, dir_fd=dir_fd)
            view = tally_view(row)
            view["enterprise"]["town"] = _one(shared, view["enterprise"]["town"])
            view["enterprise"]["grade"] = _one(shared, view["enterprise"]["grade"])
            view["measures"] = _one(shared, view["measures"])
            told.append((row["file"], hashlib.sha256(data).hexdigest(), self.content(row),
                         _one(shared, row["measures"]["summary"]), view))
            if len(told) % _REPORT_EVERY == 0:
                channel.report(len(told))
        channel.report(len(told))
        yield told
        yield self._sms(dir_fd)
        if where is not None:  # its own files while the run still renders, then the run's as they are written
            sync_files(where, [name for name, *_ in told] + [SMS_FILE], dir_fd=dir_fd)
        synced = 0
        while synced < len(self.run_files):
            written = min(channel.wait(), len(self.run_files))  # the run's first ``written`` files are closed
            if where is not None and written > synced:
                sync_files(where, list(self.run_files[synced:written]), dir_fd=dir_fd)
            synced = max(synced, written)
        yield True

    def _sms(self, dir_fd: int | None) -> tuple[str, list[dict[str, str]]]:
        from haze.render.sms import SMS_FILE

        missing: list[dict[str, str]] = []
        pieces = (piece.encode("utf-8") for piece in self.sms(missing))
        if dir_fd is not None:
            sha256 = write_new_pieces(SMS_FILE, pieces, dir_fd=dir_fd)
        else:
            digest = hashlib.sha256()
            for piece in pieces:
                digest.update(piece)
            sha256 = digest.hexdigest()
        return sha256, missing


def _one(shared: dict[Any, Any], value: Any) -> Any:
    """``value``, or the equal one seen before (a dict of plain values is compared by its items)."""
    key = (dict, tuple(value.items())) if isinstance(value, dict) else value
    return shared.setdefault(key, value)
