"""``haze check LEVEL``: click wiring for :mod:`haze.commands.check` (SPEC §4; writes nothing)."""

from __future__ import annotations

import click

from haze.cli.common import LEVEL, list_options, print_findings
from haze.cli.reporters import report
from haze.core.model import Level


@click.command()
@click.argument("level", type=LEVEL)
@list_options
@click.option("--summary", is_flag=True, help="Only the per-pollutant table, not every enterprise.")
@click.pass_context
def check(ctx: click.Context, level: Level, list_path: str | None, policy: str | None, as_json: bool,
          no_cache: bool, summary: bool) -> None:
    """Compute every enterprise's curtailment at LEVEL and check the requirement.

    Exit 0 when the requirement is met, 1 when not, 2 for bad input.
    """
    from haze.cli.progress import phases
    from haze.commands import check as command

    settings = command.Settings(level=level, list_path=list_path, policy=policy, cache=not no_cache)
    with phases(not as_json, "reading the list") as progress:
        outcome = command.run(settings, phase=progress.phase if progress is not None else None)
    print_findings(outcome.warnings)
    report(outcome, as_json, summary=summary)
    ctx.exit(0 if outcome.ok else 1)
