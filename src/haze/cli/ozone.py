"""``haze ozone DATE``: click wiring for :mod:`haze.commands.ozone` (SPEC §14)."""

from __future__ import annotations

from datetime import datetime

import click

from haze.cli.i18n import HazeCommand

from haze.cli.common import list_options, print_findings
from haze.cli.journal_options import (
    journal_option,
    may_create_journal,
    notice_options,
    numbering_option,
    optional_path,
    when_option,
)
from haze.cli.reporters import report
from haze.core.i18n import _


@click.command(cls=HazeCommand)
@click.argument("date", callback=when_option, metavar="DATE")
@click.option("--days", type=int, default=1, show_default=True, metavar="N", help="Number of days from DATE.")
@list_options
@notice_options
@numbering_option
@journal_option
@click.option("--force", is_flag=True,
              help="Issue although a day is outside the policy's ozone months, or every day is already past.")
def ozone(date: datetime, days: int, list_path: str | None, policy: str | None, as_json: bool, no_cache: bool,
          out: str | None, lang: str, format: str, templates: str | None, dry_run: bool, journal: str | None,
          force: bool, first_number: int | None = None, numbering: str = "per_notice") -> None:
    """Summer ozone 错时生产: one notice per enterprise whose VOCs processes leave the window.

    \b
    DATE as --start of activate accepts (2025-07-15, 2025年7月15日). The lines
    that take part: vocs_process: true, or VOCs > 0 in a chemical, coating or
    printing enterprise (the policy's ozone industries). Recorded in the journal
    as an ozone episode: it never supersedes or blocks a warning.
    Exit 0 issued, 2 bad input, a day outside the ozone months or every day
    already past (both refused unless --force).
    """
    from haze.commands import ozone as command

    settings = command.Settings(date=date, days=days, list_path=list_path, policy=policy, cache=not no_cache,
                                out=optional_path(out), lang=lang, fmt=format, templates=optional_path(templates),
                                journal=optional_path(journal), force=force, dry_run=dry_run,
                                first_number=first_number, numbering=numbering,
                                new_journal=may_create_journal(journal, dry_run, as_json))
    outcome = command.run(settings)
    print_findings(outcome.warnings)
    for note in outcome.notes:
        click.echo(_("haze: warning: {note}").format(note=note), err=True)
    report(outcome, as_json)
