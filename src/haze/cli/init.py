"""``haze init [--journal PATH]``: click wiring for :mod:`haze.commands.init` (SPEC §10)."""

from __future__ import annotations

from pathlib import Path

import click

from haze.cli.i18n import HazeCommand

from haze.cli.common import config_option
from haze.cli.reporters import report


@click.command(cls=HazeCommand)
@click.option("--journal", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Where to create the journal (default: ./.haze/journal.db).")
@click.option("--json", "as_json", is_flag=True, help="Machine output (JSON) on stdout, nothing else.")
@config_option
def init(journal: Path | None, as_json: bool) -> None:
    """Start a journal of warnings here (.haze/journal.db); notice numbers begin at 1.

    \b
    An existing journal is left as it is (exit 0). A file there that is not a
    haze journal is refused (exit 2), never replaced. Run it once, where the
    bureau keeps its journal; activate refuses to start one silently.
    """
    from haze.commands import init as command

    report(command.run(command.Settings(journal=journal)), as_json)
