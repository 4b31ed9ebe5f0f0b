"""``haze receipt`` and ``haze overdue``: click wiring for :mod:`haze.commands.receipt` and
:mod:`haze.commands.overdue` (SPEC §18)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from haze.cli.i18n import HazeCommand

from haze.cli.common import config_option, json_option
from haze.cli.journal_options import journal_option, optional_path, when_option
from haze.cli.reporters import report
from haze.core.i18n import _


@click.command(cls=HazeCommand)
@click.argument("ids", nargs=-1, metavar="ID…")
@click.option("--file", "file", type=click.Path(dir_okay=False, path_type=Path), metavar="F",
              help="A CSV/XLSX/YAML of id, at[, kind] (kind: receipt/回执 or report/报告; default receipt).")
@click.option("--at", callback=when_option, metavar="WHEN", help="When they were received (default now).")
@click.option("--report", "is_report", is_flag=True,
              help="These are execution reports (执行报告), not receipts (回执).")
@click.option("--activation", metavar="ID", help="Another activation than the active warning.")
@journal_option
@json_option
@config_option
@click.pass_context
def receipt(ctx: click.Context, ids: tuple[str, ...], file: Path | None, at: datetime | None, is_report: bool,
            activation: str | None, journal: str | None, as_json: bool) -> None:
    """Record that enterprises returned the receipt (回执), or with --report the execution report.

    \b
    ID… are credit codes, notice numbers (示环应急〔2026〕7号) or the number
    without its prefix (7, 7号, 第7号, 〔2026〕7号). Recording one twice keeps
    the first time and says so. A voided (作废) notice takes no receipt, nor
    does a lift notice. All of it in one transaction. Exit 0 recorded, 1 some
    ids not recorded (not notified by the warning, voided: the others are
    recorded), 2 bad input, nothing active or no journal (nothing recorded).
    """
    from haze.commands import receipt as command

    outcome = command.run(command.Settings(ids=list(ids), file=file, at=at, report=is_report, activation=activation,
                                           journal=optional_path(journal)))
    report(outcome, as_json)
    for r in outcome.unknown:
        where = f"{file}:{r.entry.row}: " if file and r.entry.row else ""
        click.echo(_("haze: error: {message}").format(message=f"{where}{r.message}"), err=True)
    if outcome.unknown and outcome.void is not None:  # "not notified by" a void warning would hide why
        click.echo(_("haze: error: {count} of {total} not recorded: warning {id} is void (作废)").format(
            count=len(outcome.unknown), total=len(outcome.results), id=outcome.activation.id), err=True)
    elif outcome.unknown:
        click.echo(_("haze: error: {count} of {total} not recorded (not notified by warning {id}); the others are "
                     "recorded").format(count=len(outcome.unknown), total=len(outcome.results),
                                        id=outcome.activation.id), err=True)
    ctx.exit(0 if outcome.ok else 1)


@click.command(cls=HazeCommand)
@click.option("--at", callback=when_option, metavar="WHEN", help="The moment to judge (default now).")
@click.option("--activation", metavar="ID", help="Another activation than the active warning.")
@journal_option
@json_option
@config_option
def overdue(at: datetime | None, activation: str | None, journal: str | None, as_json: bool) -> None:
    """Enterprises past their receipt or report deadline: whom to phone, most emitting first.

    An enterprise missing both is listed once for each. Exit 0 (also when
    none is overdue or no warning is active), 2 bad input or no journal.
    """
    from haze.commands import overdue as command

    report(command.run(command.Settings(at=at, activation=activation, journal=optional_path(journal))), as_json)
