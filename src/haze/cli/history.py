"""``haze history``: click wiring for :mod:`haze.commands.history`."""

from __future__ import annotations

import click

from haze.cli.i18n import HazeCommand

from haze.cli.common import config_option
from haze.cli.journal_options import journal_option, optional_path
from haze.cli.reporters import report


@click.command(cls=HazeCommand)
@journal_option
@click.option("--limit", type=click.IntRange(min=1), metavar="N", help="Only the last N events.")
@click.option("--json", "as_json", is_flag=True, help="Machine output (JSON) on stdout, nothing else.")
@config_option
def history(journal: str | None, limit: int | None, as_json: bool) -> None:
    """Every activation, adjustment and lift, oldest first (exit 0; 2 when there is no journal)."""
    from haze.commands import history as command

    report(command.run(command.Settings(journal=optional_path(journal), limit=limit)), as_json)
