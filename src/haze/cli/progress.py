"""Progress on a terminal: the phase a run is in, and a count where there is one.

A duty officer watching a 20,000-enterprise list must see that haze is reading
the list, then computing, then rendering notices (with a count), then writing
them to disk, never a bar at 100% that sits silent for seconds. Only on a
terminal (stderr), never with --json or in a pipe; rich is imported only then.
"""

from __future__ import annotations

import sys
from contextlib import contextmanager
from typing import Any, Iterator

from haze.core.i18n import N_, _

#: what the phases are called, in the order a run goes through them
READING, COMPUTING, RENDERING, WRITING = N_("reading the list"), N_("computing"), N_("rendering notices"), N_("writing")
#: what follows the last notice (the index, the manifest, fsync, the rename)
FINISHING = N_("writing the notices to disk")


class Phases:
    """Callable as ``progress(done, total)`` (the notice count); ``phase(text)`` names what comes next."""

    def __init__(self, bar: Any, task: Any, finished: str = FINISHING) -> None:
        self.bar, self.task, self.finished = bar, task, finished
        self.seen: list[str] = []

    def phase(self, text: str) -> None:
        if self.seen and self.seen[-1] == text:
            return
        self.seen.append(text)
        # ``counting=False``: a pulse and no count (rich keeps a task's total once set: ``total=None``
        # would leave "0/19188" beside "writing the notices to disk", as if nothing had been written)
        self.bar.update(self.task, description=phase_text(text), completed=0, counting=False)

    def __call__(self, done: int, total: int) -> None:
        if done >= total:
            # What follows the last notice (the index, the manifest, fsync, the rename) takes seconds on a
            # big list: say so instead of a bar at 100%.
            self.phase(self.finished)
            return
        self.bar.update(self.task, completed=done, total=total, counting=True)


def phase_text(text: str) -> str:
    """A phase's name in the interface language, looked up when shown (validate names each file it reads)."""
    if text.startswith("reading ") and text != READING:
        return _("reading {path}").format(path=text[len("reading "):])
    return _(text)


def on_terminal() -> bool:
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


@contextmanager
def phases(wanted: bool, first: str, finished: str = FINISHING) -> Iterator[Phases | None]:
    """A transient progress line on stderr starting at phase ``first``; None when not wanted or not a terminal."""
    if not wanted or not on_terminal():
        yield None
        return
    from rich.progress import Progress

    from haze.cli.common import stderr_console

    with Progress(*columns(), console=stderr_console(), transient=True) as bar:
        task = bar.add_task(phase_text(first), total=None, counting=False)
        progress = Phases(bar, task, finished)
        progress.seen.append(first)
        yield progress


def columns() -> tuple[Any, ...]:
    """The progress line: spinner, phase, bar, count, elapsed time. The bar pulses and the count is
    blank in a phase without a count (the task's ``counting`` field), as before the first notice."""
    import dataclasses

    from rich.progress import BarColumn, ProgressColumn, SpinnerColumn, TextColumn, TimeElapsedColumn
    from rich.text import Text

    class Count(ProgressColumn):
        """``12/47`` while notices are counted; nothing during a phase without a count (not "0/?")."""

        def render(self, task: Any) -> Text:
            counting = task.fields.get("counting", True) and task.total
            return Text(f"{int(task.completed)}/{int(task.total)}" if counting else "")

    class Bar(BarColumn):
        def render(self, task: Any) -> Any:
            if not task.fields.get("counting", True):
                task = dataclasses.replace(task, total=None)  # a copy: the task itself is not changed
            return super().render(task)

    return (SpinnerColumn(), TextColumn("{task.description}"), Bar(), Count(), TimeElapsedColumn())
