"""``haze activate``, ``lift``, ``status`` and ``history``: the duty officer's commands.

Thin on purpose: each parses its options into the settings of
:mod:`haze.lifecycle` (or reads the journal), calls one core function and
prints. Only click and the light parts of haze are imported with this module,
so ``status`` and ``history`` start fast; the list machinery, the engine and
Jinja come in with ``activate`` and ``lift`` only.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator

import click

from haze.cli.common import LEVEL, F, config_option, emit_json, list_options, print_findings
from haze.model import Level

if TYPE_CHECKING:
    from datetime import datetime

    from haze.journal import ActivationRecord, Event
    from haze.lifecycle import Activated, Lifted

DEFAULT_JOURNAL = ".haze/journal.db"  # = haze.journal.DEFAULT_JOURNAL, kept literal to import nothing


def journal_option(f: F) -> F:
    return click.option("--journal", type=click.Path(dir_okay=False), default=DEFAULT_JOURNAL, metavar="FILE",
                        show_default=True, help="The journal of warnings (SQLite).")(f)


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
        click.option("--out", type=click.Path(file_okay=False), default="notices", metavar="DIR",
                     show_default=True, help="Parent directory: each run writes its own OUT/<id>/."),
    )
    for decorator in decorators:
        f = decorator(f)
    return f


def when(ctx: click.Context, param: click.Parameter, value: str | None) -> datetime | None:
    """``--start``/``--until``/``--at``: ISO or 2025年12月1日20时, Asia/Shanghai."""
    if value is None:
        return None
    from haze.timeparse import parse_when

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
             start: datetime | None, until: datetime | None, hours: float | None, out: str, lang: str,
             format: str, templates: str | None, dry_run: bool, journal: str, force: bool, strict: bool) -> None:
    """Activate a warning at LEVEL: compute, write one notice per enterprise, record it.

    \b
    While a warning is active, another LEVEL is an adjustment (升级/降级): the
    old warning is superseded and new notices go out. The same LEVEL again is
    refused unless --force.
    Exit 0 issued (also when the requirement is not met: it says so loudly),
    1 refused (--strict, already active), 2 bad input (nothing written).
    """
    from haze.lifecycle import ActivateOptions
    from haze.lifecycle import activate as run_activate

    opts = ActivateOptions(
        level=level, list_path=list_path, policy=policy, cache=not no_cache, start=start, until=until,
        hours=hours, out=Path(out), lang=lang, fmt=format, templates=Path(templates) if templates else None,
        journal=Path(journal), force=force, strict=strict, dry_run=dry_run)
    with progress_bar(not as_json and not dry_run, "rendering notices") as progress:
        outcome = run_activate(opts, progress=progress, on_wait=tell_waiting)
    print_findings(outcome.warnings)
    if not outcome.result.ok:
        shortfall_panel(outcome)
    if as_json:
        emit_json(activation_json(outcome))
    else:
        print_activation(outcome)


def activation_json(outcome: Activated) -> dict[str, Any]:
    """SPEC §7.1 plus ``activation`` and ``notices`` (and ``adjusted_from`` for an adjustment)."""
    from haze.report import level_json

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
    if closed is not None and outcome.adjusted_from:
        change = {1: "升级 raised", -1: "降级 lowered", 0: "re-issued"}[_sign(level.rank - closed.level.rank)]
        say(console, f"{change}: {closed.level.value} → {level.value}; warning {closed.id} "
                      f"{'would be' if outcome.dry_run else 'is'} superseded")
    elif closed is not None:
        say(console, f"the previous warning {closed.id} ({closed.level.value}) ended at its end time "
                      f"{_when(closed.until)}; {'it would be' if outcome.dry_run else ''} closed as expired")
    span = f"from {_when(outcome.start)} " + (f"until {_when(outcome.until)}" if outcome.until else "until lifted")
    numbers = f" ({outcome.numbers[0]} – {outcome.numbers[1]})" if outcome.numbers else ""
    head = f"{level.value} ({level.zh}预警, {level.response}响应) {span}"
    if outcome.dry_run:
        say(console, f"[bold]dry run[/]: would issue {outcome.notices.count} notices{numbers} into "
                      f"{outcome.notices.directory}/ as {outcome.id}; nothing written or recorded")
        say(console, head)
        return
    say(console, f"[bold]{outcome.kind} {outcome.id}[/]: {head}")
    say(console, f"{outcome.notices.count} notices{numbers} in {outcome.notices.directory}/ "
                  f"(index and manifest.json beside them)")
    say(console, f"recorded in {outcome.journal}")


def shortfall_panel(outcome: Activated) -> None:
    """The requirement is not met but notices went out: say so where nobody can miss it."""
    from rich.panel import Panel

    from haze.cli.common import stderr_console
    from haze.cli.render import pct, tonnes

    result = outcome.result
    lines = [f"{p.label} {p.zh}: {pct(result.pollutants[p].ratio)} of the required "
             f"{pct(result.pollutants[p].required)} (short {tonnes(result.pollutants[p].shortfall)} t/d)"
             for p in result.failing]
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
def lift(at: datetime | None, out: str, lang: str, format: str, templates: str | None, dry_run: bool,
         journal: str, as_json: bool) -> None:
    """Lift the active warning: a lift notice (解除通知) to every enterprise it notified.

    Exit 0 lifted, 1 nothing active.
    """
    from haze.lifecycle import LiftOptions
    from haze.lifecycle import lift as run_lift

    opts = LiftOptions(at=at, out=Path(out), lang=lang, fmt=format,
                       templates=Path(templates) if templates else None, journal=Path(journal), dry_run=dry_run)
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
    numbers = f" ({outcome.numbers[0]} – {outcome.numbers[1]})" if outcome.numbers else ""
    what = f"{w.level.value} ({w.level.zh}预警) warning {w.id}, active since {_when(w.start)}"
    if outcome.dry_run:
        say(console, f"[bold]dry run[/]: would lift the {what} at {_when(outcome.at)} and write "
                      f"{outcome.notices.count} lift notices{numbers}; nothing written or recorded")
        return
    say(console, f"[bold]lifted[/] the {what}, at {_when(outcome.at)}")
    say(console, f"{outcome.notices.count} lift notices{numbers} in {outcome.notices.directory}/")
    say(console, f"recorded as {outcome.id} in {outcome.journal}")


# -- status and history -------------------------------------------------------------

@click.command()
@journal_option
@click.option("--json", "as_json", is_flag=True, help="Machine output (JSON) on stdout, nothing else.")
@config_option
def status(journal: str, as_json: bool) -> None:
    """The active warning, if any (exit 0 either way)."""
    from haze.lifecycle import status as active_warning

    record = active_warning(journal)
    if as_json:
        emit_json({"journal": journal, "active": None if record is None else status_json(record)})
        return
    if record is None:
        click.echo("no active warning")
        return
    print_status(record)


def status_json(record: ActivationRecord) -> dict[str, Any]:
    data = record.to_json()
    data["ended"] = record.ended_by(_now())  # its end time has passed; the journal still counts it active
    return data


def print_status(record: ActivationRecord) -> None:
    from rich.table import Table

    from haze.cli.common import stdout_console

    level = record.level
    table = Table(show_header=False, box=None, title=f"ACTIVE: {level.value} ({level.zh}预警, {level.response}响应)",
                  title_justify="left", title_style="bold")
    table.add_column(style="bold")
    table.add_column()
    rows = [
        ("id", f"{record.id} ({record.kind}"
               + (f" from {record.previous_level.value})" if record.previous_level else ")")),
        ("since", _when(record.start)),
        ("until", _when(record.until) + (" — this time has passed; `haze lift` records the lift"
                                          if record.ended_by(_now()) else "") if record.until else "until lifted"),
        ("list", f"{record.list_path} (sha256 {record.list_sha256[:12]}…)"),
        ("policy", record.policy),
        ("requirement", "met" if record.ok else "[bold red]NOT MET[/] (recorded so)"),
        ("notices", f"{record.notice_count} in {record.notice_dir}"
                    + ("" if Path(record.notice_dir).is_dir() else " [red](directory not found)[/]")),
        ("recorded", f"{_when(record.recorded)} by {record.user}"),
    ]
    for key, value in rows:
        table.add_row(key, value)
    stdout_console().print(table)


@click.command()
@journal_option
@click.option("--limit", type=click.IntRange(min=1), metavar="N", help="Only the last N events.")
@click.option("--json", "as_json", is_flag=True, help="Machine output (JSON) on stdout, nothing else.")
@config_option
def history(journal: str, limit: int | None, as_json: bool) -> None:
    """Every activation, adjustment and lift, oldest first (exit 0)."""
    from haze.lifecycle import history as events

    found = events(journal, limit)
    if as_json:
        emit_json([e.to_json() for e in found])
        return
    if not found:
        click.echo("no warning recorded yet")
        return
    print_history(found)


def print_history(found: list[Event]) -> None:
    from haze.cli.common import stdout_console

    console = stdout_console()
    console.print(history_table(found, wide=console.width >= 120))


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
    for e in found:
        cells = {
            "from": _when(e.when, short=not wide),
            "event": e.kind,
            "level": f"{e.previous_level.value}→{e.level.value}" if e.previous_level else e.level.value,
            "until": _when(e.until) if e.until else ("" if e.kind == "lift" else "—"),
            "met": "" if e.ok is None else ("yes" if e.ok else "[bold red]NO[/]"),
            "now": e.state or "",
            "notices": str(e.notice_count),
            "id": e.id,
            "by": e.user,
            "recorded": _when(e.recorded),
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

    from haze.timeparse import SHANGHAI

    return datetime.now(SHANGHAI)


def _when(moment: datetime | None, short: bool = False) -> str:
    """Beijing time as the officer reads it; ``short`` drops the year (history in 80 columns)."""
    if moment is None:
        return ""
    from haze.timeparse import to_shanghai

    return f"{to_shanghai(moment):{'%m-%d %H:%M' if short else '%Y-%m-%d %H:%M'}}"


def _sign(value: int) -> int:
    return (value > 0) - (value < 0)


def say(console: Any, text: str) -> None:
    """A line of text, never broken at 80 columns (paths and ids must stay whole when piped)."""
    console.print(text, soft_wrap=True)
