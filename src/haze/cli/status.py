"""``haze status``: click wiring for :mod:`haze.commands.status` (light: no list machinery, no Jinja)."""

from __future__ import annotations

import click

from haze.cli.i18n import HazeCommand

from haze.cli.common import config_option
from haze.cli.journal_options import journal_option, optional_path
from haze.cli.reporters import report


@click.command(cls=HazeCommand)
@journal_option
@click.option("--json", "as_json", is_flag=True, help="Machine output (JSON) on stdout, nothing else.")
@config_option
def status(journal: str | None, as_json: bool) -> None:
    """The active warning, if any.

    Exit 0 whether or not one is active, 2 when there is no journal.
    """
    from haze.commands import status as command

    report(command.run(command.Settings(journal=optional_path(journal))), as_json)
