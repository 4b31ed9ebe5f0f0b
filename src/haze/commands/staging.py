"""Notice staging: where a set of notices waits for the journal's commit, and how it is published.

``OUT/.<id>.pending/`` holds a complete set (rendered by :mod:`haze.render.notices`)
while the journal's write transaction is open. After the commit,
:func:`publish_staged` renames ``OUT/.<id>.pending/<id>`` to ``OUT/<id>``;
:func:`recover` finishes or discards what a killed run left behind. Each
staging directory is marked with its journal's path, so a run only ever
touches the staging directories of runs on the journal whose lock it holds.
SPEC §10's "nothing half-done is ever visible" rests on this module.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import time
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from haze.core.i18n import _, os_reason
from haze.core.errors import HazeError, PublishError, PublishInterrupted
from haze.io.fsio import fsync_directory, write_new_synced
from haze.io.journal import LOCK_WAIT, Journal

if TYPE_CHECKING:
    from haze.render.notices import NoticeSet

PENDING = ".pending"  # suffix of a staging directory: OUT/.<id>.pending/
#: suffix of a set rendered before its journal existed: OUT/.<id>.<token>.prerender/ (one per run, never shared)
PRERENDER = ".prerender"
#: a pre-rendered set older than this belongs to a run that died: recover() removes it
STALE_PRERENDER = 2 * LOCK_WAIT
MARKER = "journal"  # file in a staging directory naming the journal it belongs to


class Staging:
    """``OUT/.<id>.pending/`` for one issue: :meth:`create`, render into it, then publish or :meth:`remove`.

    Used as a context manager around the work that must succeed before the
    commit (``with staging.guard():``): any exception removes the directory,
    as the journal's transaction rolls back.
    """

    def __init__(self, out: Path, issue_id: str, journal: Journal, *, prerender: bool = False) -> None:
        self.out, self.issue_id = out, issue_id
        # Rendered outside the journal's lock, a set goes to a directory of this run's own: two officers
        # starting the first warning at once must not share one, and recover() leaves it to its run.
        self.path = out / f".{issue_id}.{secrets.token_hex(4)}{PRERENDER}" if prerender else pending_dir(out, issue_id)
        self.journal = journal
        self.made: list[Path] = []  # directories above the staging one this run creates (OUT…), deepest first

    def create(self) -> Path:
        above = self.path.parent
        while not os.path.lexists(above) and above != above.parent:
            self.made.append(above)
            above = above.parent
        try:
            self.path.mkdir(parents=True)
            write_new_synced(self.path / MARKER, journal_key(self.journal).encode("utf-8"))
            # Recovery after a power cut finds committed notices only through this directory's entry.
            fsync_directory(self.path)
            fsync_directory(self.path.parent)
        except OSError as exc:
            self.remove()
            raise HazeError(_unwritable(self.path.parent, exc)) from None
        if not self.path.name.endswith(PRERENDER):
            # A commit that fails after rendering must not leave the set in OUT/.<id>.pending/ (issue 17 item 16).
            self.journal.on_rollback(self._remove_unless_recorded)
        return self.path

    def _remove_unless_recorded(self) -> None:
        if not self.journal.id_taken(self.issue_id):  # unreadable: raises, and the set is kept for recover()
            self.remove()

    def __enter__(self) -> Path:
        return self.create()

    def __exit__(self, kind: type | None, *rest: object) -> None:
        if kind is not None:  # the transaction rolls back too: leave nothing behind
            self.remove()

    def adopt(self, prerendered: Staging) -> None:
        """Move the set of ``prerendered`` (same issue id) into this staging directory, durably."""
        os.rename(prerendered.path / self.issue_id, self.path / self.issue_id)
        fsync_directory(self.path)
        prerendered.remove()

    def guard(self) -> _Guard:
        """A context that removes the (already created) staging directory if its body fails."""
        return _Guard(self)

    def remove(self) -> None:
        """The staging directory, and OUT (and its parents) if this run created them and they are empty."""
        shutil.rmtree(self.path, ignore_errors=True)
        for folder in self.made:
            try:
                folder.rmdir()
            except OSError:
                break  # another run's notices, or gone already: leave it and what holds it


class _Guard:
    def __init__(self, staging: Staging) -> None:
        self.staging = staging

    def __enter__(self) -> Path:
        return self.staging.path

    def __exit__(self, kind: type | None, *rest: object) -> None:
        if kind is not None:
            self.staging.remove()


def _unwritable(folder: Path, exc: OSError) -> str:
    """One clear line for a notice directory that cannot be made, never the bare errno text (issue 17 item 17).

    Absolute: "cannot write notices to notices" did not say where that was, nor what to do.
    """
    where = f"{folder.absolute()}{os.sep}"
    for above in (folder, *folder.parents):
        if os.path.islink(above) and not above.exists():
            return _("cannot write notices to {where}: {above} is a symbolic link to {target}, which does not exist; "
                     "give a directory you can write with --out DIR (nothing written or recorded)").format(
                where=where, above=above, target=os.readlink(above))
        if os.path.lexists(above) and not above.is_dir():
            return _("cannot write notices to {where}: {above} is a file, not a directory; "
                     "give a directory you can write with --out DIR (nothing written or recorded)").format(
                where=where, above=above)
    return _("cannot write notices to {where}: {problem}; "
             "give a directory you can write with --out DIR (nothing written or recorded)").format(
        where=where, problem=os_reason(exc))


def pending_dir(out: Path, issue_id: str) -> Path:
    return out / f".{issue_id}{PENDING}"


def journal_key(journal: Journal) -> str:
    return str(journal.path.resolve())


def final_paths(notices: NoticeSet, out: Path, issue_id: str) -> NoticeSet:
    """The same set, with the paths it will have once published (OUT/<id>/...)."""
    target = out / issue_id
    return replace(notices, directory=target, files=[target / f.name for f in notices.files])


def publish_staged(out: Path, issue_id: str, journal: Journal) -> None:
    """After the commit: rename the staged notices to ``OUT/<id>`` (atomic), durably."""
    staging = pending_dir(out, issue_id)
    recorded = _("{issue} IS recorded in {journal}").format(issue=issue_id, journal=journal.path)
    retry = _("the next haze activate or lift with this journal and --out {out} moves them into place").format(out=out)
    try:
        move_into_place(staging, out, issue_id)
        fsync_directory(out)
    except OSError as exc:
        raise PublishError(_("{recorded}, but its notices could not be moved from {staging_issue_id} to {out_issue_id}: {problem}; they are complete where they are, and {retry}").format(recorded=recorded, staging_issue_id=staging / issue_id, out_issue_id=out / issue_id, problem=os_reason(exc), retry=retry)) from None
    except KeyboardInterrupt:
        raise PublishInterrupted(
            _("interrupted after recording: {recorded}; its notices are in {folder}").format(
                recorded=recorded, folder=out / issue_id) if (out / issue_id).is_dir() else
            _("interrupted after recording: {recorded}; its notices are complete in {folder}, and {retry}").format(
                recorded=recorded, folder=staging / issue_id, retry=retry)) from None
    shutil.rmtree(staging, ignore_errors=True)


def recover(out: Path, journal: Journal) -> list[str]:
    """Finish or discard what killed runs left in ``out``; call holding the journal's write lock.

    A staged set whose id the journal recorded is moved into place (the run
    died between its commit and the move); any other staged set of this
    journal is deleted (the run died before committing, so it recorded
    nothing); a pre-rendered set is left to its run unless that run is long dead.
    Returns the ids moved into place.
    """
    if not out.is_dir():
        return []
    key = journal_key(journal)
    _remove_stale_prerenders(out, key)
    published = []
    for staging in sorted(out.glob(f".*{PENDING}")):
        issue_id = staging.name[1:-len(PENDING)]
        try:
            owner = (staging / MARKER).read_text(encoding="utf-8")
        except OSError:
            # A kill right after publishing leaves the staging directory empty: nothing to judge, nothing lost.
            with contextlib.suppress(OSError):
                staging.rmdir()  # fails unless empty
            continue  # not ours to judge
        if owner != key:
            continue
        try:
            if journal.id_taken(issue_id) and (staging / issue_id).is_dir() and not os.path.lexists(out / issue_id):
                if move_into_place(staging, out, issue_id):
                    # as publish_staged: the move is on disk before the staging directory goes
                    fsync_directory(out)
                    published.append(issue_id)
            shutil.rmtree(staging)
        except OSError:
            continue  # never let yesterday's leftovers stop tonight's warning; try again next time
    return published


def _remove_stale_prerenders(out: Path, key: str) -> None:
    """Pre-rendered sets of this journal whose run died (older than any run waits for the lock)."""
    now = time.time()
    for folder in out.glob(f".*{PRERENDER}"):
        try:
            if (folder / MARKER).read_text(encoding="utf-8") == key and now - folder.stat().st_mtime > STALE_PRERENDER:
                shutil.rmtree(folder)
        except OSError:
            continue


def move_into_place(staging: Path, out: Path, issue_id: str) -> bool:
    """Rename ``staging/<id>`` to ``out/<id>``; False when another haze has just done it."""
    try:
        os.rename(staging / issue_id, out / issue_id)
    except FileNotFoundError:
        if (out / issue_id).is_dir():  # the run that committed it and a recovering run raced: fine
            return False
        raise
    return True
