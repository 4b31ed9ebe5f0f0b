"""``haze void``: click wiring for :mod:`haze.commands.void`."""

from __future__ import annotations

import click

from haze.cli.i18n import HazeCommand

from haze.cli.common import config_option
from haze.cli.journal_options import journal_option, optional_path
from haze.cli.reporters import report


@click.command(cls=HazeCommand)
@click.argument("activation", required=False, metavar="[ID]")
@click.option("--reason", required=True, metavar="TEXT",
              help="Why it is void (a mistyped date, the wrong list…); recorded in the journal.")
@click.option("--dry-run", is_flag=True, help="Say what would be voided; record and write nothing.")
@journal_option
@click.option("--json", "as_json", is_flag=True, help="Machine output (JSON) on stdout, nothing else.")
@config_option
def void(activation: str | None, reason: str, dry_run: bool, journal: str | None, as_json: bool) -> None:
    """Void (作废) the active warning, or the activation ID: recorded as such, numbers never reused.

    \b
    For a warning issued by mistake (a mistyped --start, the wrong list or
    level). The warning stops being active, so the correct one can be issued;
    its notice numbers stay used. A void record (void.md, void.json) listing
    every voided notice is written beside the notices, under a new <id>-void
    directory; the voided notices themselves are left as issued. Voiding an
    adjustment (升级/降级) or a re-issue does NOT restore the warning it
    superseded: no warning is active after it (haze says how to issue it again).
    Exit 0 voided, 1 nothing active, 2 bad input.
    """
    from haze.commands import void as command

    settings = command.Settings(activation=activation, reason=reason, journal=optional_path(journal),
                                dry_run=dry_run)
    report(command.run(settings), as_json)
