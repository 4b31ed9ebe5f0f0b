"""``haze plan LEVEL``: the extra cuts that close a shortfall (SPEC §11)."""

from __future__ import annotations

from pathlib import Path

import click

from haze.cli.common import LEVEL, multi_list_options, one_list, print_findings
from haze.cli.i18n import HazeCommand
from haze.cli.reporters import report
from haze.core.errors import UsageError
from haze.core.model import Level
from haze.core.i18n import _


@click.command(cls=HazeCommand)
@click.argument("level", type=LEVEL)
@multi_list_options
@click.option("--apply", "apply_plan", is_flag=True, help="Write the list with the added cuts (needs -o FILE).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Where --apply writes the planned list (YAML); the original is never changed.")
@click.option("--force", is_flag=True, help="Let --apply overwrite an existing FILE.")
@click.option("--summary", is_flag=True, help="Only the tiers and the ratios, not every line raised.")
@click.pass_context
def plan(ctx: click.Context, level: Level, list_paths: tuple[str, ...], policy: str | None, as_json: bool,
         no_cache: bool, apply_plan: bool, output: Path | None, force: bool, summary: bool) -> None:
    """Propose added cuts, tier by tier, that make LEVEL meet the requirement.

    \b
    Tiers, in order: D; unrated and nonleading; C; B (never A, leading,
    guarantee, noncompliant or idle). Each tier raises every line's cut as
    cut + t × (1 − cut) with the smallest whole-percent t that meets every
    pollutant; the next tier is asked only when t = 100% (every line of the
    tier stopped) is not enough.

    Exit 0 when LEVEL is met or a plan is found, 1 when no plan can meet it,
    2 for bad input.
    """
    if apply_plan and output is None:
        raise UsageError(_("--apply needs -o FILE: where to write the planned list"))
    if output is not None and not apply_plan:
        raise UsageError(_("-o FILE is written only with --apply: haze plan LEVEL --apply -o FILE"))
    from haze.commands import plan as command

    outcome = command.run(command.Settings(level=level, list_path=one_list(list_paths), list_paths=tuple(list_paths), policy=policy, cache=not no_cache,
                                           output=output if apply_plan else None, force=force))
    print_findings(outcome.warnings)
    report(outcome, as_json, summary=summary, policy=policy)
    if apply_plan and outcome.written is None:
        click.echo(_("haze: nothing written: no plan meets {level}").format(level=level.value), err=True)
    ctx.exit(0 if outcome.ok else 1)
