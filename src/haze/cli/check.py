"""``haze check LEVEL``: compute SPEC §4 and print it; writes nothing."""

from __future__ import annotations

import click

from haze.cli.common import LEVEL, emit_json, list_options, print_findings
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
    from haze.commands.inputs import check_level

    with phases(not as_json, "reading the list") as progress:
        checked = check_level(list_path, policy, level, cache=not no_cache,
                              phase=progress.phase if progress is not None else None)
    print_findings(checked.warnings)
    result = checked.result
    if as_json:
        from haze.render.report import level_json

        emit_json(level_json(result, checked.lst))
    else:
        from haze.cli.common import stdout_console
        from haze.cli.render import enterprise_table, pollutant_table, verdict

        console = stdout_console()
        if not summary:
            console.print(enterprise_table(result))
        console.print(pollutant_table(result))
        console.print(verdict(result))
    ctx.exit(0 if result.ok else 1)
