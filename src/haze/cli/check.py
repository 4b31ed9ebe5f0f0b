"""``haze check LEVEL``: click wiring for :mod:`haze.commands.check` (SPEC §4; writes nothing)."""

from __future__ import annotations

from datetime import datetime

import click

from haze.cli.common import LEVEL, multi_list_options, one_list, print_findings
from haze.cli.i18n import HazeCommand
from haze.cli.journal_options import journal_option, optional_path, when_option
from haze.cli.reporters import report
from haze.core.model import Level


@click.command(cls=HazeCommand)
@click.argument("level", type=LEVEL)
@multi_list_options
@click.option("--summary", is_flag=True, help="Only the per-pollutant table, not every enterprise.")
@click.option("--at", "at", callback=when_option, metavar="WHEN",
              help="Compute as at WHEN: enterprises in their 错峰 stop then (the journal's season plan) stay stopped.")
@journal_option
@click.pass_context
def check(ctx: click.Context, level: Level, list_paths: tuple[str, ...], policy: str | None, as_json: bool,
          no_cache: bool, summary: bool, at: datetime | None, journal: str | None) -> None:
    """Compute every enterprise's curtailment at LEVEL and check the requirement.

    Exit 0 when the requirement is met, 1 when not, 2 for bad input.
    """
    from haze.cli.progress import READING, phases
    from haze.commands import check as command

    settings = command.Settings(level=level, list_path=one_list(list_paths), list_paths=tuple(list_paths), policy=policy, cache=not no_cache,
                                at=at, journal=optional_path(journal), as_json=as_json)
    with phases(not as_json, READING) as progress:
        outcome = command.run(settings, phase=progress.phase if progress is not None else None)
    print_findings(outcome.warnings)
    report(outcome, as_json, summary=summary)
    ctx.exit(0 if outcome.ok else 1)
