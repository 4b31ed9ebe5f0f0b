"""``haze activate LEVEL``: click wiring for :mod:`haze.commands.activate`."""

from __future__ import annotations

from datetime import datetime

import click

from haze.cli.common import LEVEL, list_options, print_findings
from haze.cli.journal_options import (
    journal_option,
    may_create_journal,
    notice_options,
    optional_path,
    progress_bar,
    tell_waiting,
    when_option,
)
from haze.cli.reporters import report
from haze.core.model import Level


@click.command()
@click.argument("level", type=LEVEL)
@list_options
@click.option("--start", callback=when_option, metavar="WHEN",
              help="When the warning starts (default now, Beijing time): 2025-12-01T20:00 or 2025年12月1日20时.")
@click.option("--until", callback=when_option, metavar="WHEN", help="When it ends (default: until lifted).")
@click.option("--hours", type=float, metavar="N", help="It ends N hours after the start (instead of --until).")
@notice_options
@journal_option
@click.option("--force", is_flag=True, help="Issue again although this level is already active.")
@click.option("--strict", is_flag=True, help="Refuse (exit 1, nothing written) when the requirement is not met.")
def activate(level: Level, list_path: str | None, policy: str | None, as_json: bool, no_cache: bool,
             start: datetime | None, until: datetime | None, hours: float | None, out: str | None, lang: str,
             format: str, templates: str | None, dry_run: bool, journal: str | None, force: bool,
             strict: bool) -> None:
    """Activate a warning at LEVEL: compute, write one notice per enterprise, record it.

    \b
    While a warning is active, another LEVEL is an adjustment (升级/降级): the
    old warning is superseded and new notices go out. The same LEVEL again is
    refused unless --force.
    Exit 0 issued (also when the requirement is not met: it says so loudly),
    1 refused (--strict, already active; nothing written) or recorded but its
    notices not moved into place (the message says where they wait),
    2 bad input (nothing written).
    """
    from haze.cli.reporters.text import shortfall_panel
    from haze.commands import activate as command

    settings = command.Settings(
        level=level, list_path=list_path, policy=policy, cache=not no_cache, start=start, until=until,
        hours=hours, out=optional_path(out), lang=lang, fmt=format, templates=optional_path(templates),
        journal=optional_path(journal), force=force, strict=strict, dry_run=dry_run,
        new_journal=may_create_journal(journal, dry_run, as_json))
    with progress_bar(not as_json and not dry_run, "rendering notices") as progress:
        outcome = command.run(settings, progress=progress, on_wait=tell_waiting)
    print_findings(outcome.warnings)
    for note in outcome.notes:
        click.echo(f"haze: warning: {note}", err=True)
    if not outcome.ok:
        shortfall_panel(outcome)
    report(outcome, as_json)
