"""``haze history``: click wiring for :mod:`haze.commands.history`."""

from __future__ import annotations

import click

from haze.cli.i18n import HazeCommand

from haze.cli.common import config_option
from haze.cli.journal_options import journal_option, optional_path
from haze.cli.reporters import report
from haze.core.i18n import _


def at_least_one(ctx: click.Context, param: click.Parameter, value: int | None) -> int | None:
    """``--limit`` of 1 or more; not click's IntRange, whose "[x>=1]" in the help no clerk reads."""
    if value is not None and value < 1:
        raise click.BadParameter(_("give a whole number of 1 or more, not {value}").format(value=value))
    return value


@click.command(cls=HazeCommand)
@journal_option
@click.option("--limit", type=int, callback=at_least_one, metavar="N", help="Only the last N events.")
@click.option("--json", "as_json", is_flag=True, help="Machine output (JSON) on stdout, nothing else.")
@config_option
def history(journal: str | None, limit: int | None, as_json: bool) -> None:
    """Everything the journal recorded, oldest first.

    Activations, adjustments, re-issues (--force), lifts and voids, and the
    summer ozone episodes and autumn–winter stagger plans.
    Exit 0, 2 when there is no journal.
    """
    from haze.commands import history as command

    report(command.run(command.Settings(journal=optional_path(journal), limit=limit)), as_json)
