"""Human output of every command: one printer per command's outcome, chosen by :func:`report`.

The commands (:mod:`haze.commands`) return outcomes and print nothing; the CLI
passes an outcome here, or to :mod:`haze.cli.reporters.json` with ``--json``.
A printer only reads the outcome: it never opens the journal or the disk (what
it shows was read while the command ran). Every text that comes from data
(names, paths, ids, the user) is escaped (:func:`~haze.cli.reporters.markup.esc`)
before rich reads markup in it. The tables themselves are in
:mod:`haze.cli.reporters.tables`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

import click

from haze.cli.reporters.markup import esc, say, when

if TYPE_CHECKING:
    from haze.commands.activate import Outcome as ActivateOutcome
    from haze.commands.check import Outcome as CheckOutcome
    from haze.commands.export import Outcome as ExportOutcome
    from haze.commands.export_list import Outcome as ExportListOutcome
    from haze.commands.history import Outcome as HistoryOutcome
    from haze.commands.import_ import Outcome as ImportOutcome
    from haze.commands.lift import Outcome as LiftOutcome
    from haze.commands.plan import Outcome as PlanOutcome
    from haze.commands.status import Outcome as StatusOutcome
    from haze.commands.validate import Outcome as ValidateOutcome
    from haze.commands.void import Outcome as VoidOutcome
    from haze.io.journal import Event
    from haze.core.model import Level


def report(outcome: Any, **options: Any) -> None:
    """Print ``outcome`` for a person, with the printer of the command that made it."""
    # Keyed by the outcome's module, so that choosing a printer imports no command module.
    PRINTERS[type(outcome).__module__.rsplit(".", 1)[-1]](outcome, **options)


def print_check(outcome: CheckOutcome, summary: bool = False) -> None:
    from haze.cli.common import stdout_console
    from haze.cli.reporters.tables import enterprise_table, pollutant_table, verdict

    result = outcome.result
    console = stdout_console()
    if not summary:
        console.print(enterprise_table(result))
    console.print(pollutant_table(result))
    console.print(verdict(result))


def print_activation(outcome: ActivateOutcome) -> None:
    from haze.cli.common import stdout_console
    from haze.cli.reporters.tables import pollutant_table, verdict

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
                      f"{when(closed.until)}; {'it would be' if outcome.dry_run else 'it is'} closed as expired")
    span = f"from {when(outcome.start)} " + (f"until {when(outcome.until)}" if outcome.until else "until lifted")
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


def shortfall_panel(outcome: ActivateOutcome) -> None:
    """The requirement is not met but notices went out: say so where nobody can miss it."""
    from rich.panel import Panel

    from haze.cli.common import stderr_console
    from haze.core.fmt import pct, ratio_pct, tonnes

    result = outcome.result
    # ratio_pct rounds a failing ratio down: a PM share of 29.999% never reads "reached 30.00%, required 30.00%".
    # "28.00% of the required 30.00%" read as 28% OF 30%: say what was reached and what is required, apart.
    lines = [f"{p.label} {p.zh}: reached {ratio_pct(r.ratio, r.ok)}, required {pct(r.required)}, "
             f"short {tonnes(r.shortfall)} t/d" for p, r in ((p, result.pollutants[p]) for p in result.failing)]
    did = "would be issued and recorded" if outcome.dry_run else "were issued and recorded"
    lines.append(f"The notices {did} anyway, marked not met. Close the gap: haze plan {result.level.value}")
    # soft_wrap off: the panel's lines wrap inside it rather than being cut at its edge.
    stderr_console().print(Panel("\n".join(lines), title=f"REQUIREMENT NOT MET: {result.level.value}",
                                 border_style="bold red", title_align="left"), soft_wrap=False)


def print_lift(outcome: LiftOutcome) -> None:
    from haze.cli.common import stdout_console

    w = outcome.warning
    console = stdout_console()
    numbers = f" ({esc(outcome.numbers[0])} – {esc(outcome.numbers[1])})" if outcome.numbers else ""
    what = f"{w.level.value} ({w.level.zh}预警) warning {esc(w.id)}, active since {when(w.start)}"
    if outcome.dry_run:
        say(console, f"[bold]dry run[/]: would lift the {what} at {when(outcome.at)} and write "
                      f"{outcome.notices.count} lift notices{numbers}; nothing written or recorded")
        say(console, f"journal: {esc(outcome.journal)}")
        return
    say(console, f"[bold]lifted[/] the {what}, at {when(outcome.at)}")
    say(console, f"{outcome.notices.count} lift notices{numbers} in "
                  f"{esc(f'{outcome.notices.directory.absolute()}{os.sep}')}")
    say(console, f"recorded as {esc(outcome.id)} in {esc(outcome.journal)}")


def print_status(outcome: StatusOutcome) -> None:
    """One "key value" line per fact; not a table, whose cells would wrap or cut a long path."""
    from haze.cli.common import stdout_console

    for s in getattr(outcome, "seasons", []):  # ozone episodes and 错峰 plans: beside any warning, never instead
        what = "ozone episode" if s.kind == "ozone" else f"错峰 plan {s.season}"
        click.echo(f"{what} {s.id}: {s.start} – {s.until}, {s.notice_count} notices ({s.notice_dir})")
    record = outcome.active
    if record is None:
        click.echo(f"no active warning (journal {outcome.journal})")
        return
    level = record.level
    kind = record.kind + (f" from {record.previous_level.value}" if record.previous_level else "")
    rows = [
        ("id", f"{esc(record.id)} ({kind})"),
        ("since", when(record.start)),
        ("until", when(record.until) + (" — this time has passed; `haze lift` records the lift"
                                         if outcome.ended else "") if record.until else "until lifted"),
        ("list", f"{esc(record.list_path)} (sha256 {esc(record.list_sha256[:12])}…)"),
        ("policy", esc(record.policy)),
        ("requirement", "met" if record.ok else "[bold red]NOT MET[/] (recorded so)"),
        ("notices", f"{record.notice_count} in {esc(record.notice_dir)}"
                    + ("" if outcome.notices_found else " [red](directory not found)[/]")),
        ("recorded", f"{when(record.recorded)} by {esc(record.user)}"),
        ("journal", esc(outcome.journal)),
    ]
    if outcome.follow_up:
        rows.insert(-1, ("follow-up", follow_up_line(outcome.follow_up)))
    console = stdout_console()
    # Past its own end the warning is over for the enterprises (their notices said so): EXPIRED, not
    # ACTIVE, although the journal keeps it open until the next lift or activation closes it (18.7).
    state = "EXPIRED" if outcome.ended else "ACTIVE"
    say(console, f"[bold]{state}: {level.value} ({level.zh}预警, {level.response}响应)[/]")
    for key, value in rows:
        say(console, f" [bold]{key:<12}[/]{value}")


def print_history(outcome: HistoryOutcome) -> None:
    from haze.cli.common import stdout_console

    if not outcome.events:
        click.echo(f"no warning recorded yet (journal {outcome.journal})")
        return
    from rich.measure import Measurement

    console = stdout_console()
    found = outcome.events
    # The widest layout whose every cell fits whole: a fixed threshold (120 columns) cut every cell of
    # the wide one to "…" between 120 and its real width, which grows with the ids and user names.
    # (tables.py has a fitter too, but it brings the engine in: history stays light.)
    free = console.options.update_width(10_000)  # measured unconstrained: rich clamps to the width given
    table = history_table(found, wide=False)
    for build in (lambda: history_table(found, wide=True),
                  lambda: history_table(found, wide=True, columns=HISTORY_MEDIUM)):
        candidate = build()
        if Measurement.get(console, free, candidate).maximum <= console.width:
            table = candidate
            break
    console.print(table)
    say(console, f"journal: {esc(outcome.journal)}")


#: the wide layout without who recorded it and when: 100–130 columns
HISTORY_MEDIUM = ["from", "event", "level", "until", "met", "now", "notices", "id"]



def history_table(found: list[Event], wide: bool, columns: list[str] | None = None) -> Any:
    """One row per event; a wide terminal also gets the end time, the verdict, the user and when recorded.

    The compact layout fits 80 columns (piped output) without wrapping; ``columns`` picks a
    layout between (full dates, as ``wide``).
    """
    from rich import box
    from rich.table import Table

    table = Table(title="history (oldest first)", title_justify="left", title_style="bold", box=box.SIMPLE_HEAD,
                  show_edge=False, pad_edge=False, collapse_padding=True)
    # The id starts with the date and time (20251201-200000-orange): 80 columns can do without "from".
    if columns is None:
        columns = ["id", "event", "level", "now", "notices"]
        if wide:
            columns = ["from", "event", "level", "until", "met", "now", "notices", "id", "by", "recorded"]
    for name in columns:
        table.add_column(name, no_wrap=True, justify="right" if name == "notices" else "left")
    for event in found:
        cells = {
            "from": when(event.when, short=not wide),
            "event": event.kind,
            "level": f"{event.previous_level.value}→{event.level.value}" if event.previous_level and event.level
            else (event.level.value if event.level else "—"),  # an ozone episode or 错峰 plan has no level
            "until": when(event.until) if event.until else ("" if event.kind in ("lift", "void") else "—"),
            "met": "" if event.ok is None else ("yes" if event.ok else "[bold red]NO[/]"),
            "now": event.state or "",
            "notices": str(event.notice_count),
            "id": esc(event.id),
            "by": esc(event.user),
            "recorded": when(event.recorded),
        }
        table.add_row(*(cells[name] for name in columns))
    return table



def print_plan(outcome: PlanOutcome, summary: bool = False, policy: str | None = None) -> None:
    """The tiers, the lines raised (unless ``summary``), the ratios, the verdict; the file --apply wrote."""
    if hasattr(outcome, "plans"):  # several lists (SPEC §13)
        from haze.cli.reporters.city import print_city_plans

        return print_city_plans(outcome, summary=summary, policy=policy)
    from haze.cli.common import stdout_console
    from haze.cli.reporters.tables import change_table, plan_ratio_table, plan_verdict, tier_table

    result = outcome.plan
    console = stdout_console()
    if result.tiers:
        console.print(tier_table(result))
        if not summary:
            console.print(change_table(result))
    console.print(plan_ratio_table(result))
    console.print(plan_verdict(result))
    if outcome.written is not None:
        _print_written(outcome.written, result.level, policy)


def _print_written(path: Path, level: Level, policy: str | None) -> None:
    # plain echo, not rich: a wrapped path could not be copied into the next command
    option = f" --policy {policy}" if policy else ""
    click.echo(f"wrote {path}; check it with: haze check {level.value} --list {path}{option}")


def print_validation(run: ValidateOutcome) -> None:
    from haze.cli.common import coloured_finding, stderr_colour, stdout_console
    from haze.cli.reporters.tables import file_verdict, requirement_table

    console = stdout_console()
    colour = stderr_colour(stdout=True)  # errors red, warnings yellow, on a terminal only
    for number, result in enumerate(run.files):
        if number:
            console.print()
        for f in result.findings:
            click.echo(coloured_finding(f) if colour else f.format(), color=colour)
        if result.computed:
            if result.findings:
                console.print()
            console.print(requirement_table(result))
        console.print(file_verdict(result), soft_wrap=True)
    if run.totals:  # several lists (SPEC §13): the city total at every level
        from haze.cli.reporters.city import city_requirement_table

        console.print()
        console.print(city_requirement_table(run.totals))
    if len(run.files) > 1:
        bad = sum(1 for r in run.files if not r.ok)
        console.print(f"\n{len(run.files)} files: {len(run.files) - bad} valid, {bad} with errors",
                      style="bold" if bad == 0 else "bold red", highlight=False)


def print_import(outcome: ImportOutcome) -> None:
    data = outcome.to_json()
    click.echo(f"wrote {outcome.output}: {data['enterprises']} enterprises ({data['lines']} named lines), "
               f"{data['other_sources']} other sources, region {data['region']}")


def print_export(outcome: ExportOutcome) -> None:
    if hasattr(outcome, "city"):  # several lists (SPEC §13)
        from haze.cli.reporters.city import print_city_export

        return print_city_export(outcome)
    result = outcome.result
    verdict = "met" if result.ok else "NOT met: " + ", ".join(p.label for p in result.failing)
    click.echo(f"wrote {', '.join(str(f) for f in outcome.files)}: {outcome.rows} rows; "
               f"{result.level.title} requirement {verdict}")


def print_void(outcome: VoidOutcome) -> None:
    from haze.cli.common import stdout_console

    console = stdout_console()
    w = outcome.warning
    numbers = f" ({esc(outcome.notices[0].number)} – {esc(outcome.notices[-1].number)})" if outcome.notices else ""
    what = f"{w.level.value} ({w.level.zh}预警) activation {esc(w.id)} and its {len(outcome.notices)} notices{numbers}"
    if outcome.dry_run:
        say(console, f"[bold]dry run[/]: would void the {what}; nothing written or recorded")
        return
    say(console, f"[bold]voided[/] the {what}: recorded as {esc(outcome.id)} in {esc(outcome.journal)}")
    say(console, "their numbers are not given again; tell the enterprises the notices are void (作废)")
    if outcome.record_dir is not None:
        say(console, f"void record: {esc(outcome.record_dir.absolute())}/void.md")


def print_list_export(outcome: ExportListOutcome) -> None:
    data = outcome.to_json()
    output = outcome.files[0]
    click.echo(f"wrote {output}: {data['enterprises']} enterprises, {outcome.rows} rows "
               f"(`haze import {output} -o LIST.yaml` reads it back)")


def print_init(outcome: Any) -> None:
    if outcome.created:
        click.echo(f"a new journal: {outcome.journal}; notice numbers begin at 1")
    else:
        click.echo(f"the journal {outcome.journal} is already there ({outcome.activations} activations); "
                   "left as it was")


def follow_up_line(counts: dict[str, int]) -> str:
    overdue = f"[bold red]{counts['overdue']} overdue[/] (haze overdue)" if counts["overdue"] else "0 overdue"
    return f"{counts['notified']} notified, {counts['receipts']} receipts, {counts['reports']} reports, {overdue}"


def _city(name: str) -> Callable[..., None]:
    """A printer of haze.cli.reporters.city (the several-lists outcomes, SPEC §13), imported when used."""

    def printer(outcome: Any, **options: Any) -> None:
        from haze.cli.reporters import city

        getattr(city, name)(outcome, **options)

    return printer


def _followup(name: str) -> Callable[..., None]:
    """A printer of haze.cli.reporters.followup (advise, receipt, overdue, verify), imported when used."""

    def printer(outcome: Any, **options: Any) -> None:
        from haze.cli.reporters import followup

        getattr(followup, name)(outcome, **options)

    return printer


def print_ozone(outcome: Any) -> None:
    """What an ozone episode issued: the days, the window, the enterprises, the VOCs moved."""
    from haze.cli.common import stdout_console
    from haze.core.fmt import pct, tonnes

    r = outcome.result
    console = stdout_console()
    days = f"{outcome.dates[0].isoformat()}" + (f" – {outcome.dates[-1].isoformat()}" if len(outcome.dates) > 1 else "")
    window = "–".join(outcome.policy.ozone.window)
    share = "—" if r.vocs_share is None else pct(r.vocs_share)
    say(console, f"ozone 错时生产 {days}, {window}: {len(r.taking_part)} enterprises take part, "
                 f"{len(r.excluded)} excluded")
    say(console, f"VOCs shifted {tonnes(r.vocs_shifted)} t/d ({share} of daily VOCs), NOx {tonnes(r.nox_shifted)} t/d")
    if outcome.dry_run:
        say(console, "[bold]dry run[/]: nothing written or recorded")
        return
    say(console, f"{outcome.notices.count} notices in {esc(f'{outcome.notices.directory.absolute()}{os.sep}')}")
    say(console, f"recorded as {esc(outcome.id)} in {esc(outcome.journal)}")


def print_stagger(outcome: Any) -> None:
    """What a 错峰 plan issued: the season, the peaks per industry, the daily reductions."""
    from haze.cli.common import stdout_console
    from haze.core.fmt import tonnes

    s = outcome.schedule
    console = stdout_console()
    say(console, f"错峰 season {outcome.season} ({s.first.isoformat()} – {s.last.isoformat()}, {s.length} days): "
                 f"{len(s.participants)} enterprises stop, {len(s.exempt)} exempt")
    for industry, peak in s.peak.items():
        say(console, f"  {esc(industry)}: peak {peak} stopped on one day (bound {s.bounds[industry]})")
    mean, low = outcome.reduction()
    say(console, "daily reduction, mean / min (t/d): " + ", ".join(
        f"{p} {tonnes(mean[p])} / {tonnes(low[p])}" for p in mean))
    if outcome.superseded:
        say(console, f"supersedes plan {esc(outcome.superseded)}")
    if outcome.dry_run:
        say(console, "[bold]dry run[/]: nothing written or recorded")
        return
    say(console, f"{outcome.notices.count} notices and the calendar in "
                 f"{esc(f'{outcome.notices.directory.absolute()}{os.sep}')}")
    say(console, f"recorded as {esc(outcome.id)} in {esc(outcome.journal)}")


PRINTERS: dict[str, Callable[..., None]] = {
    "check": print_check,
    "validate": print_validation,
    "plan": print_plan,
    "activate": print_activation,
    "lift": print_lift,
    "status": print_status,
    "history": print_history,
    "import_": print_import,
    "export": print_export,
    "void": print_void,
    "export_list": print_list_export,
    "init": print_init,
    "advise": _followup("print_advise"),
    "receipt": _followup("print_receipt"),
    "overdue": _followup("print_overdue"),
    "verify": _followup("print_verify"),
    "ozone": print_ozone,
    "stagger": print_stagger,
    "city": _city("print_city_check"),
    "city_activate": _city("print_city_activation"),
}
