"""``haze advise FORECAST``: click wiring for :mod:`haze.commands.advise` (SPEC §18; writes nothing)."""

from __future__ import annotations

from pathlib import Path

import click

from haze.cli.i18n import HazeCommand

from haze.cli.common import config_option, json_option, policy_option
from haze.cli.reporters import report


@click.command(cls=HazeCommand)
@click.argument("forecast", type=click.Path(dir_okay=False, path_type=Path))
@policy_option
@click.option("--region", metavar="NAME", help="The region to read when the forecast lists several.")
@click.option("--journal", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="The journal to read the active warning from (read only; default: the nearest .haze/journal.db).")
@json_option
@config_option
def advise(forecast: Path, policy: str | None, region: str | None, journal: Path | None, as_json: bool) -> None:
    """Recommend a level from a daily AQI FORECAST.

    \b
    FORECAST: CSV, XLSX or YAML with date, aqi[, region].
    Thresholds are the policy's `triggers` (shipped: 环大气〔2024〕6号, key regions).
    The action compares with the active warning in the journal:
    activate, keep, adjust, lift or none. Writes nothing.
    Exit 0, 2 bad input (every bad row named).
    """
    from haze.commands import advise as command

    report(command.run(command.Settings(forecast=forecast, policy=policy, region=region, journal=journal)), as_json)
