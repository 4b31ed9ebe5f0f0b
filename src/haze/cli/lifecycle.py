"""``haze activate``, ``lift``, ``status`` and ``history``: the duty officer's commands.

Thin on purpose: each parses its options into the settings of
:mod:`haze.commands.lifecycle` (or reads the journal), calls one core function and
prints. Only click and the light parts of haze are imported with this module,
so ``status`` and ``history`` start fast; the list machinery, the engine and
Jinja come in with ``activate`` and ``lift`` only.

The defaults of ``--journal`` and ``--out`` live in the core (None here means
"the core decides"), and every text that comes from data (names, paths, ids,
the user) is escaped before rich reads markup in it.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator

import click

from haze.cli.common import LEVEL, F, config_option, emit_json, list_options, print_findings
from haze.core.model import Level

if TYPE_CHECKING:
    from datetime import datetime

    from haze.io.journal import ActivationRecord, Event
    from haze.commands.lifecycle import Activated, Lifted

def journal_option(f: F) -> F:
    return click.option("--journal", type=click.Path(dir_okay=False), metavar="FILE",
                        help="The journal of warnings (SQLite). Default: the nearest .haze/journal.db in this "
                             "directory or a parent (`haze init` starts one; activate --journal naming a new "
                             "file starts it there).")(f)


def notice_options(f: F) -> F:
    """--out, --lang, --format, --templates, --dry-run: how notices are written."""
    decorators = (
        click.option("--dry-run", is_flag=True,
                     help="Do everything but write notices and record: templates are rendered in memory."),
        click.option("--templates", type=click.Path(file_okay=False), metavar="DIR",
                     help="Your own templates, used before the shipped ones (by file name)."),
        click.option("--format", "format", type=click.Choice(["md", "html", "txt"]), default="md",
                     show_default=True, help="Notice file format."),
        click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
                     help="Notice language."),
        click.option("--out", type=click.Path(file_okay=False), metavar="DIR",
                     help="Parent directory: each run writes its own DIR/<id>/ (default: notices, beside the "
                          ".haze/ of the journal when it is found in a parent directory)."),
    )
    for decorator in decorators:
        f = decorator(f)
    return f


def when(ctx: click.Context, param: click.Parameter, value: str | None) -> datetime | None:
    """``--start``/``--until``/``--at``: ISO or 2025年12月1日20时, Asia/Shanghai."""
    if value is None:
        return None
    from haze.core.timeparse import parse_when

    return parse_when(str(value))


# -- activate -----------------------------------------------------------------

@click.command()
@click.argument("level", type=LEVEL)
@list_options
@click.option("--start", callback=when, metavar="WHEN",
              help="When the warning starts (default now, Beijing time): 2025-12-01T20:00 or 2025年12月1日20时.")
@click.option("--until", callback=when, metavar="WHEN", help="When it ends (default: until lifted).")
@click.option("--hours", type=float, metavar="N", help="It ends N hours after the start (instead of --until).")
@notice_options
@journal_option
@click.option("--force", is_flag=True, help="Issue again although this level is already active.")
@click.option("--strict", is_flag=True, help="Refuse (exit 1, nothing written) when the requirement is not met.")
def activate(level: Level, list_path: str | None, policy: str | None, as_json: bool, no_cache: bool,
             start: datetime | None, until: datetime | None, hours: float | None, out: str | None, lang: str,
             format: str, templates: str | None, dry_run: bool, journal: str | None, force: bool,
             strict: bool) -> None:
    """Activate a warning at LEVEL: compute, write one notice per enterprise, record it.

    \b
    While a warning is active, another LEVEL is an adjustment (升级/降级): the
    old warning is superseded and new notices go out. The same LEVEL again is
    refused unless --force.
    Exit 0 issued (also when the requirement is not met: it says so loudly),
    1 refused (--strict, already active; nothing written) or recorded but its
    notices not moved into place (the message says where they wait),
    2 bad input (nothing written).
    """
    from haze.commands.lifecycle import ActivateOptions
    from haze.commands.lifecycle import activate as run_activate

    opts = ActivateOptions(
        level=level, list_path=list_path, policy=policy, cache=not no_cache, start=start, until=until,
        hours=hours, out=_path(out), lang=lang, fmt=format, templates=_path(templates), journal=_path(journal),
        force=force, strict=strict, dry_run=dry_run, new_journal=may_create_journal(journal, dry_run, as_json))
    with progress_bar(not as_json and not dry_run, "rendering notices") as progress:
        outcome = run_activate(opts, progress=progress, on_wait=tell_waiting)
    print_findings(outcome.warnings)
    for note in outcome.notes:
        click.echo(f"haze: warning: {note}", err=True)
    if not outcome.result.ok:
        shortfall_panel(outcome)
    if as_json:
        emit_json(activation_json(outcome))
    else:
        print_activation(outcome)


def may_create_journal(journal: str | None, dry_run: bool, as_json: bool) -> bool:
    """The explicit act SPEC §10 asks before a new journal: --journal naming a new file, or a confirmation.

    A journal named in haze.yaml that does not exist is not one (the USB stick
    may simply not be plugged in); neither is a pipe or a script: activate then
    refuses, saying where it looked (haze.commands.init.refuse_missing).
    """
    from click.core import ParameterSource

    from haze.io.journal import journal_path

    path = journal_path(journal)
    if dry_run or path.exists():
        return False
    if journal and click.get_current_context().get_parameter_source("journal") is ParameterSource.COMMANDLINE:
        return True
    if as_json or not interactive():
        return False
    looked = "" if journal else f" (none in {Path.cwd()} or any parent directory)"
    click.echo(f"haze: no journal at {path}{looked}.", err=True)
    return click.confirm("Start a NEW journal there? Its notice numbers begin at 1", default=False, err=True)


def interactive() -> bool:
    """A person at a terminal, who can answer a question (tests replace it)."""
    import sys

    return sys.stdin.isatty() and sys.stderr.isatty()


def activation_json(outcome: Activated) -> dict[str, Any]:
    """SPEC §7.1 plus ``activation`` and ``notices`` (and ``adjusted_from`` for an adjustment)."""
    from haze.render.report import level_json

    data = level_json(outcome.result, outcome.list)
    data["activation"] = outcome.id
    data["notices"] = [] if outcome.dry_run else [str(p) for p in outcome.notices.files]
    if outcome.adjusted_from:
        data["adjusted_from"] = outcome.adjusted_from
    if outcome.dry_run:
        data["dry_run"] = True
    return data


def print_activation(outcome: Activated) -> None:
    from haze.cli.common import stdout_console
    from haze.cli.render import pollutant_table, verdict

    console = stdout_console()
    console.print(pollutant_table(outcome.result))
    console.print(verdict(outcome.result))
    level = outcome.result.level
    closed = outcome.closed
    would = "would be" if outcome.dry_run else "is"
    if closed is not None and outcome.adjusted_from:
        if closed.level is level:
            say(console, f"re-issued: {level.value} again; warning {esc(closed.id)} {would} superseded and its "
                          "notices replaced")
        else:
            change = "升级 raised" if level > closed.level else "降级 lowered"
            say(console, f"{change}: {closed.level.value} → {level.value}; warning {esc(closed.id)} {would} superseded")
    elif closed is not None:
        say(console, f"the previous warning {esc(closed.id)} ({closed.level.value}) ended at its end time "
                      f"{_when(closed.until)}; {'it would be' if outcome.dry_run else 'it is'} closed as expired")
    span = f"from {_when(outcome.start)} " + (f"until {_when(outcome.until)}" if outcome.until else "until lifted")
    numbers = f" ({esc(outcome.numbers[0])} – {esc(outcome.numbers[1])})" if outcome.numbers else ""
    head = f"{level.value} ({level.zh}预警, {level.response}响应) {span}"
    directory = esc(f"{outcome.notices.directory.absolute()}{os.sep}")
    if outcome.dry_run:
        say(console, f"[bold]dry run[/]: would issue {outcome.notices.count} notices{numbers} into "
                      f"{directory} as {esc(outcome.id)}; nothing written or recorded")
        say(console, head)
        say(console, f"journal: {esc(outcome.journal)}")
        return
    say(console, f"[bold]{outcome.kind} {esc(outcome.id)}[/]: {head}")
    say(console, f"{outcome.notices.count} notices{numbers} in {directory} (index and manifest.json beside them)")
    say(console, f"recorded in {esc(outcome.journal)}")
    if outcome.new_journal:
        say(console, f"[bold]a new journal[/]: {esc(outcome.journal)}; its notice numbers began at 1")


def shortfall_panel(outcome: Activated) -> None:
    """The requirement is not met but notices went out: say so where nobody can miss it."""
    from rich.panel import Panel

    from haze.cli.common import stderr_console
    from haze.core.fmt import pct, ratio_pct, tonnes

    result = outcome.result
    # ratio_pct rounds a failing ratio down: a PM share of 29.999% never reads "30.00% of the required 30.00%".
    lines = [f"{p.label} {p.zh}: {ratio_pct(r.ratio, r.ok)} of the required {pct(r.required)} "
             f"(short {tonnes(r.shortfall)} t/d)" for p, r in ((p, result.pollutants[p]) for p in result.failing)]
    did = "would be issued and recorded" if outcome.dry_run else "were issued and recorded"
    lines.append(f"The notices {did} anyway, marked not met. Close the gap: haze plan {result.level.value}")
    # soft_wrap off: the panel's lines wrap inside it rather than being cut at its edge.
    stderr_console().print(Panel("\n".join(lines), title=f"REQUIREMENT NOT MET: {result.level.value}",
                                 border_style="bold red", title_align="left"), soft_wrap=False)


# -- lift ---------------------------------------------------------------------

@click.command()
@click.option("--at", callback=when, metavar="WHEN", help="When the warning is lifted (default now).")
@notice_options
@journal_option
@click.option("--json", "as_json", is_flag=True, help="Machine output (JSON) on stdout, nothing else.")
@config_option
def lift(at: datetime | None, out: str | None, lang: str, format: str, templates: str | None, dry_run: bool,
         journal: str | None, as_json: bool) -> None:
    """Lift the active warning: a lift notice (解除通知) to every enterprise it notified.

    Exit 0 lifted, 1 nothing active (or recorded but its notices not moved into
    place), 2 bad input (--at before the warning started; nothing written).
    """
    from haze.commands.lifecycle import LiftOptions
    from haze.commands.lifecycle import lift as run_lift

    opts = LiftOptions(at=at, out=_path(out), lang=lang, fmt=format, templates=_path(templates),
                       journal=_path(journal), dry_run=dry_run)
    with progress_bar(not as_json and not dry_run, "rendering lift notices") as progress:
        outcome = run_lift(opts, progress=progress, on_wait=tell_waiting)
    if as_json:
        emit_json(lift_json(outcome))
    else:
        print_lift(outcome)


def lift_json(outcome: Lifted) -> dict[str, Any]:
    w = outcome.warning
    data: dict[str, Any] = {
        "lift": outcome.id,
        "activation": w.id,
        "level": w.level.value,
        "start": w.start.isoformat(),
        "at": outcome.at.isoformat(),
        "notices": [] if outcome.dry_run else [str(p) for p in outcome.notices.files],
        "count": outcome.notices.count,
    }
    if outcome.dry_run:
        data["dry_run"] = True
    return data


def print_lift(outcome: Lifted) -> None:
    from haze.cli.common import stdout_console

    w = outcome.warning
    console = stdout_console()
    numbers = f" ({esc(outcome.numbers[0])} – {esc(outcome.numbers[1])})" if outcome.numbers else ""
    what = f"{w.level.value} ({w.level.zh}预警) warning {esc(w.id)}, active since {_when(w.start)}"
    if outcome.dry_run:
        say(console, f"[bold]dry run[/]: would lift the {what} at {_when(outcome.at)} and write "
                      f"{outcome.notices.count} lift notices{numbers}; nothing written or recorded")
        say(console, f"journal: {esc(outcome.journal)}")
        return
    say(console, f"[bold]lifted[/] the {what}, at {_when(outcome.at)}")
    say(console, f"{outcome.notices.count} lift notices{numbers} in "
                  f"{esc(f'{outcome.notices.directory.absolute()}{os.sep}')}")
    say(console, f"recorded as {esc(outcome.id)} in {esc(outcome.journal)}")


# -- status and history -------------------------------------------------------------

@click.command()
@journal_option
@click.option("--json", "as_json", is_flag=True, help="Machine output (JSON) on stdout, nothing else.")
@config_option
def status(journal: str | None, as_json: bool) -> None:
    """The active warning, if any (exit 0 either way)."""
    from haze.io.journal import journal_path
    from haze.commands.lifecycle import status as active_warning

    path = journal_path(journal)
    record = active_warning(path)
    if as_json:
        emit_json({"journal": str(path), "active": None if record is None else status_json(record)})
        return
    if record is None:
        click.echo(f"no active warning (journal {path})")
        return
    print_status(record, path)


def status_json(record: ActivationRecord) -> dict[str, Any]:
    data = record.to_json()
    data["ended"] = record.ended_by(_now())  # its end time has passed; the journal still counts it active
    return data


def print_status(record: ActivationRecord, journal: Path) -> None:
    """One "key value" line per fact; not a table, whose cells would wrap or cut a long path."""
    from haze.cli.common import stdout_console

    level = record.level
    kind = record.kind + (f" from {record.previous_level.value}" if record.previous_level else "")
    rows = [
        ("id", f"{esc(record.id)} ({kind})"),
        ("since", _when(record.start)),
        ("until", _when(record.until) + (" — this time has passed; `haze lift` records the lift"
                                          if record.ended_by(_now()) else "") if record.until else "until lifted"),
        ("list", f"{esc(record.list_path)} (sha256 {esc(record.list_sha256[:12])}…)"),
        ("policy", esc(record.policy)),
        ("requirement", "met" if record.ok else "[bold red]NOT MET[/] (recorded so)"),
        ("notices", f"{record.notice_count} in {esc(record.notice_dir)}"
                    + ("" if Path(record.notice_dir).is_dir() else " [red](directory not found)[/]")),
        ("recorded", f"{_when(record.recorded)} by {esc(record.user)}"),
        ("journal", esc(journal)),
    ]
    console = stdout_console()
    say(console, f"[bold]ACTIVE: {level.value} ({level.zh}预警, {level.response}响应)[/]")
    for key, value in rows:
        say(console, f" [bold]{key:<12}[/]{value}")


@click.command()
@journal_option
@click.option("--limit", type=click.IntRange(min=1), metavar="N", help="Only the last N events.")
@click.option("--json", "as_json", is_flag=True, help="Machine output (JSON) on stdout, nothing else.")
@config_option
def history(journal: str | None, limit: int | None, as_json: bool) -> None:
    """Every activation, adjustment and lift, oldest first (exit 0)."""
    from haze.io.journal import journal_path
    from haze.commands.lifecycle import history as events

    path = journal_path(journal)
    found = events(path, limit)
    if as_json:
        emit_json({"journal": str(path), "events": [event.to_json() for event in found]})
        return
    if not found:
        click.echo(f"no warning recorded yet (journal {path})")
        return
    print_history(found, path)


def print_history(found: list[Event], journal: Path) -> None:
    from haze.cli.common import stdout_console

    console = stdout_console()
    console.print(history_table(found, wide=console.width >= 120))
    say(console, f"journal: {esc(journal)}")


def history_table(found: list[Event], wide: bool) -> Any:
    """One row per event; a wide terminal also gets the end time, the verdict, the user and when recorded.

    The compact layout fits 80 columns (piped output) without wrapping.
    """
    from rich import box
    from rich.table import Table

    table = Table(title="history (oldest first)", title_justify="left", title_style="bold", box=box.SIMPLE_HEAD,
                  show_edge=False, pad_edge=False, collapse_padding=True)
    # The id starts with the date and time (20251201-200000-orange): 80 columns can do without "from".
    columns = ["id", "event", "level", "now", "notices"]
    if wide:
        columns = ["from", "event", "level", "until", "met", "now", "notices", "id", "by", "recorded"]
    for name in columns:
        table.add_column(name, no_wrap=True, justify="right" if name == "notices" else "left")
    for event in found:
        cells = {
            "from": _when(event.when, short=not wide),
            "event": event.kind,
            "level": f"{event.previous_level.value}→{event.level.value}" if event.previous_level
            else event.level.value,
            "until": _when(event.until) if event.until else ("" if event.kind == "lift" else "—"),
            "met": "" if event.ok is None else ("yes" if event.ok else "[bold red]NO[/]"),
            "now": event.state or "",
            "notices": str(event.notice_count),
            "id": esc(event.id),
            "by": esc(event.user),
            "recorded": _when(event.recorded),
        }
        table.add_row(*(cells[name] for name in columns))
    return table


# -- shared ---------------------------------------------------------------------------

@contextmanager
def progress_bar(wanted: bool, description: str) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on stderr, only on a terminal (never with --json or in a pipe)."""
    import sys

    if not wanted or not sys.stderr.isatty():
        yield None
        return
    from rich.progress import Progress

    from haze.cli.common import stderr_console

    with Progress(console=stderr_console(), transient=True) as bar:
        task = bar.add_task(description, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


def tell_waiting() -> None:
    click.echo("haze: another haze activate or lift is writing the journal; waiting for it to finish…", err=True)


def _now() -> datetime:
    from datetime import datetime

    from haze.core.timeparse import SHANGHAI

    return datetime.now(SHANGHAI)


def _when(moment: datetime | None, short: bool = False) -> str:
    """Beijing time as the officer reads it; ``short`` drops the year (history in 80 columns)."""
    if moment is None:
        return ""
    from haze.core.timeparse import to_shanghai

    return f"{to_shanghai(moment):{'%m-%d %H:%M' if short else '%Y-%m-%d %H:%M'}}"


def _path(value: str | None) -> Path | None:
    return Path(value) if value else None


def esc(value: object) -> str:
    """Data (a name, a path, an id, the user) made safe to put in rich markup: "[/]" stays text."""
    from rich.markup import escape

    return escape(str(value))


def say(console: Any, text: str) -> None:
    """A line of markup, never broken at 80 columns (paths and ids must stay whole when piped).

    Every piece of data in ``text`` must have gone through :func:`esc`.
    """
    console.print(text, soft_wrap=True)
