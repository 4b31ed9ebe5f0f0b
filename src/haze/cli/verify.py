"""``haze verify POWER``: click wiring for :mod:`haze.commands.verify` (SPEC §18, 用电监控)."""

from __future__ import annotations

from pathlib import Path

import click

from haze.cli.i18n import HazeCommand
from haze.core.i18n import _

from haze.cli.common import config_option, json_option
from haze.cli.journal_options import journal_option, optional_path
from haze.cli.reporters import report


@click.command(cls=HazeCommand)
@click.argument("power", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--activation", metavar="ID", help="Another activation than the active warning.")
@click.option("--baseline-days", type=int, default=7, show_default=True, metavar="N",
              help="Days before the start's date whose mean is the baseline.")
@click.option("--tolerance", type=float, default=0.1, show_default=True, metavar="T",
              help="Flag when the observed cut is below the expected one by more than this share.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE.xlsx|csv",
              help="Write the inspection list (督查清单), ordered by gap × daily emissions.")
@click.option("--force", is_flag=True, help="Overwrite the -o file if it exists.")
@journal_option
@json_option
@config_option
@click.pass_context
def verify(ctx: click.Context, power: Path, activation: str | None, baseline_days: int, tolerance: float,
           output: Path | None, force: bool, journal: str | None, as_json: bool) -> None:
    """Check the cuts with metered electricity (用电监控): POWER is a CSV/XLSX of id, time, kwh[, meter].

    \b
    observed = 1 − (mean daily kWh during the warning) / (mean of the baseline days);
    expected = the enterprise's plant cut recorded when it was notified.
    short: observed < expected − tolerance; treatment: the treatment meter
    (meter = treatment/治污) fell by more than production plus the tolerance.
    Exit 0 none flagged, 1 some flagged, 2 bad input.
    """
    from haze.commands import verify as command

    outcome = command.run(command.Settings(power=power, activation=activation, baseline_days=baseline_days,
                                           tolerance=tolerance, journal=optional_path(journal), output=output,
                                           force=force))
    report(outcome, as_json)
    for note in outcome.notes():  # stderr, in both modes: --json keeps stdout to the JSON
        click.echo(_("haze: note: {note}").format(note=note), err=True)
    ctx.exit(0 if outcome.ok else 1)  # 1: some flagged (not an error: the answer is complete)
