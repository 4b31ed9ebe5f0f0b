"""``haze export LEVEL -o FILE.xlsx|.csv`` (SPEC §9): click wiring for :mod:`haze.commands.export`."""

from __future__ import annotations

from pathlib import Path

import click

from haze.cli.common import LEVEL, list_options, print_findings
from haze.cli.reporters import report
from haze.core.model import Level


@click.command()
@click.argument("level", type=LEVEL)
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), metavar="FILE",
              help="FILE.xlsx (three sheets) or FILE.csv (plus FILE-requirement.csv); replaced if it exists.")
@list_options
def export(level: Level, list_path: str | None, policy: str | None, as_json: bool, no_cache: bool,
           output: str) -> None:
    """Write the per-enterprise results at LEVEL for reporting upward.

    One row per production line (credit code, name, town, industry, grade,
    effective level and why, cut, reductions in t/d, actions), a 合计 row, and
    the per-pollutant requirement table (a second sheet, or FILE-requirement.csv).

    Exit 0 written (whether or not the requirement is met), 2 bad input.
    """
    from haze.commands import export as command

    outcome = command.run(command.Settings(level=level, list_path=list_path, policy=policy, output=Path(output),
                                           cache=not no_cache))
    print_findings(outcome.warnings)
    report(outcome, as_json)

