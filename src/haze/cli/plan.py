"""``haze plan LEVEL``: the extra cuts that close a shortfall (SPEC §11)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from haze.cli.common import LEVEL, emit_json, list_options, print_findings
from haze.core.errors import UsageError
from haze.core.model import Level

if TYPE_CHECKING:
    from haze.commands.plan import Plan


@click.command()
@click.argument("level", type=LEVEL)
@list_options
@click.option("--apply", "apply_plan", is_flag=True, help="Write the list with the added cuts (needs -o FILE).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Where --apply writes the planned list (YAML); the original is never changed.")
@click.option("--force", is_flag=True, help="Let --apply overwrite an existing FILE.")
@click.option("--summary", is_flag=True, help="Only the tiers and the ratios, not every line raised.")
@click.pass_context
def plan(ctx: click.Context, level: Level, list_path: str | None, policy: str | None, as_json: bool,
         no_cache: bool, apply_plan: bool, output: Path | None, force: bool, summary: bool) -> None:
    """Propose added cuts, tier by tier, that make LEVEL meet the requirement.

    \b
    Tiers, in order: D; unrated and nonleading; C; B (never A, leading,
    guarantee, noncompliant or idle). Each tier raises every line's cut as
    cut + t × (1 − cut) with the smallest whole-percent t that meets every
    pollutant; the next tier is asked only when t = 100% is not enough.

    Exit 0 when LEVEL is met or a plan is found, 1 when no plan can meet it,
    2 for bad input.
    """
    if apply_plan and output is None:
        raise UsageError("--apply needs -o FILE: where to write the planned list")
    if output is not None and not apply_plan:
        raise UsageError("-o FILE is written only with --apply: haze plan LEVEL --apply -o FILE")
    from haze.commands.plan import plan_json, plan_list

    done = plan_list(list_path, policy, level, cache=not no_cache, output=output if apply_plan else None,
                     force=force)
    print_findings(done.warnings)
    written = done.written
    if as_json:
        emit_json(plan_json(done.plan, done.lst, None if written is None else str(written)))
    else:
        _print_plan(done.plan, summary)
        if written is not None:
            _print_written(written, level, policy)
    if apply_plan and written is None:
        click.echo(f"haze: nothing written: no plan meets {level.value}", err=True)
    ctx.exit(0 if done.plan.ok else 1)


def _print_plan(result: Plan, summary: bool) -> None:
    from haze.cli.common import stdout_console

    console = stdout_console()
    if result.tiers:
        console.print(_tier_table(result))
        if not summary:
            console.print(_change_table(result))
    console.print(_ratio_table(result))
    console.print(_verdict(result))


def _print_written(path: Path, level: Level, policy: str | None) -> None:
    # plain echo, not rich: a wrapped path could not be copied into the next command
    option = f" --policy {policy}" if policy else ""
    click.echo(f"wrote {path}; check it with: haze check {level.value} --list {path}{option}")


def _tier_table(result: Plan) -> Any:
    from rich.table import Table

    from haze.core.fmt import tonnes
    from haze.core.model import POLLUTANTS

    table = Table(title="tiers: each line's cut → cut + t × (1 − cut); added reduction t/d", title_justify="left")
    for name in ("grades", "t", "ent.", "lines", *(p.label for p in POLLUTANTS)):
        table.add_column(name, justify="left" if name == "grades" else "right")
    for tier in result.tiers:
        table.add_row("/".join(g.value for g in tier.grades), f"{tier.percent}%", str(tier.enterprises),
                      str(len(tier.changes)), *(tonnes(tier.added(p)) for p in POLLUTANTS))
    return table


def _change_table(result: Plan) -> Any:
    from rich.table import Table
    from rich.text import Text

    from haze.core.fmt import cut_label

    table = Table(title="lines raised (— = the whole enterprise)", title_justify="left")
    for name in ("id", "name", "line", "grade", "level", "cut"):
        # A name or line is folded onto the next line, never cut to "示例县中兴化工 …": it is what staff look for.
        table.add_column(name, no_wrap=name in ("id", "cut"), overflow="fold" if name in ("name", "line") else "ellipsis",
                         min_width=8 if name == "name" else None)
    for tier in result.tiers:
        for change in tier.changes:
            r = result.before.enterprises[change.enterprise]
            e = r.enterprise
            line = r.lines[change.line].name if e.has_lines else "—"
            # names, codes and line names are list data: Text, never parsed as markup
            table.add_row(Text(e.id), Text(e.name), Text(line), e.grade.value, r.effective_level.value,
                          f"{cut_label(change.old_cut)} → {cut_label(change.new_cut)}")
    return table


def _ratio_table(result: Plan) -> Any:
    from rich.markup import escape
    from rich.table import Table

    from haze.core.fmt import pct, ratio_pct

    table = Table(title=f"{result.level.title} — policy {escape(result.before.policy.name)}", title_justify="left")
    for name in ("pollutant", "before", "after", "required", "met"):
        table.add_column(name, justify="left" if name == "pollutant" else "right")
    for p, before in result.before.pollutants.items():
        after = result.after.pollutants[p]
        met = "—" if not after.assessed else ("[green]yes[/]" if after.ok else "[bold red]NO[/]")
        binding = " (binding)" if p in result.binding else ""
        # a ratio short of the requirement is rounded down: it never reads as reaching it
        table.add_row(f"{p.label} {p.zh}{binding}", ratio_pct(before.ratio, before.ok), ratio_pct(after.ratio, after.ok),
                      pct(after.required), met)
    return table


def _verdict(result: Plan) -> str:
    from haze.core.fmt import pct, ratio_pct
    from haze.commands.plan import describe_tiers

    head = result.level.title
    binding = ", ".join(p.label for p in result.binding)
    if result.already_met:
        text = f"[bold green]MET[/]: {head} is already met; nothing to add"
    elif result.feasible:
        text = f"[bold green]PLAN[/]: {head} is met by raising {describe_tiers(result)} (binding: {binding})"
    else:
        after = result.after.pollutants
        best = "; ".join(f"{p.label} at most {ratio_pct(after[p].ratio, after[p].ok)} < {pct(after[p].required)}"
                         for p in result.binding)
        text = (f"[bold red]INFEASIBLE[/]: {head} cannot be met even by stopping every D, unrated, "
                f"nonleading, C and B line: {best}")
    if result.before.basis == "listed":
        text += "\n[yellow]basis: listed[/] — the list gives no baseline (全社会排放量); ratios are of listed emissions"
    return text
