"""``haze stagger SEASON``: click wiring for :mod:`haze.commands.stagger` (SPEC §15)."""

from __future__ import annotations

import click

from haze.cli.i18n import HazeCommand

from haze.cli.common import list_options, print_findings
from haze.cli.journal_options import journal_option, may_create_journal, notice_options, numbering_option, optional_path
from haze.cli.reporters import report
from haze.core.i18n import _


@click.command(cls=HazeCommand)
@click.argument("season", metavar="SEASON")
@list_options
@notice_options
@numbering_option
@journal_option
@click.option("--force", is_flag=True, help="Issue although the season is already over.")
def stagger(season: str, list_path: str | None, policy: str | None, as_json: bool, no_cache: bool, out: str | None,
            lang: str, format: str, templates: str | None, dry_run: bool, journal: str | None, force: bool = False,
            first_number: int | None = None, numbering: str = "per_notice") -> None:
    """Autumn–winter 错峰生产: schedule each enterprise's stop days, notices, calendar and chart.

    \b
    SEASON like 2025-2026 (the season starting in 2025; the policy's
    staggered.season gives its days, shipped 11-15 to 03-15). Each enterprise
    of a listed industry stops its days as one block; per industry as few stop
    on one day as possible. A new plan for a season supersedes the old one.
    Exit 0 issued, 1 an industry cannot fit its bound (named), 2 bad input
    or a season already over (refused unless --force).
    """
    from haze.commands import stagger as command

    settings = command.Settings(season=season, list_path=list_path, policy=policy, cache=not no_cache,
                                out=optional_path(out), lang=lang, fmt=format, templates=optional_path(templates),
                                journal=optional_path(journal), dry_run=dry_run, first_number=first_number, numbering=numbering,
                                new_journal=may_create_journal(journal, dry_run, as_json), force=force)
    outcome = command.run(settings)
    print_findings(outcome.warnings)
    for note in outcome.notes:
        click.echo(_("haze: warning: {note}").format(note=note), err=True)
    report(outcome, as_json)
