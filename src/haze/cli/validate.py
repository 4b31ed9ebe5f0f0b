"""``haze validate [LIST…]``: every finding of SPEC §5 and the requirement at each level.

Unlike ``check``, validate reports rather than refuses: a missing or broken
file is a finding (exit 1), not a usage error, and every file is read before
the exit code is decided.
"""

from __future__ import annotations

from typing import Any

import click

from haze.cli.common import emit_json, list_options

STRICT_HELP = "Treat warnings as errors (exit 1 when there is any finding)."


@click.command()
@click.argument("lists", nargs=-1, metavar="[LIST]...")
@list_options
@click.option("--strict", is_flag=True, help=STRICT_HELP)
@click.pass_context
def validate(ctx: click.Context, lists: tuple[str, ...], list_path: str | None, policy: str | None, as_json: bool,
             no_cache: bool, strict: bool) -> None:
    """Check enterprise lists and the requirement at yellow, orange and red.

    Prints one line per finding (PATH:LINE: severity CODE message), a table of
    the reduction ratio per pollutant and level, and a verdict per file.
    Without LIST, the list of --list or haze.yaml is checked.

    Exit 0 when no list has errors, 1 when any has, 2 for a usage error.
    """
    from haze.cli.progress import phases
    from haze.commands.validate import validate_lists

    paths = _paths(ctx, lists, list_path)
    with phases(not as_json, "reading the list") as progress:
        run = validate_lists(paths, policy, strict=strict, cache=not no_cache,
                             phase=progress.phase if progress is not None else None)
    if as_json:
        emit_json(run.to_json())
    else:
        _print_human(run)
    ctx.exit(0 if run.ok else 1)


def _paths(ctx: click.Context, lists: tuple[str, ...], list_path: str | None) -> list[str]:
    """Positional lists, plus --list when typed on the command line; else --list's default (haze.yaml)."""
    from click.core import ParameterSource

    from haze.core.errors import UsageError

    typed = ctx.get_parameter_source("list_path") is ParameterSource.COMMANDLINE
    paths = list(lists) + ([list_path] if list_path and (typed or not lists) else [])
    if not paths:
        raise UsageError("no list given: pass LIST (or --list FILE), or set 'list' in haze.yaml")
    return list(dict.fromkeys(paths))


# -- human output ---------------------------------------------------------------------------

def _print_human(run: Any) -> None:
    from haze.cli.common import coloured_finding, stderr_colour, stdout_console

    console = stdout_console()
    colour = stderr_colour(stdout=True)
    for number, result in enumerate(run.files):
        if number:
            console.print()
        for f in result.findings:
            click.echo(coloured_finding(f) if colour else f.format(), color=colour)
        if result.computed:
            if result.findings:
                console.print()
            console.print(requirement_table(result))
        console.print(file_verdict(result), soft_wrap=True)
    if len(run.files) > 1:
        bad = sum(1 for r in run.files if not r.ok)
        console.print(f"\n{len(run.files)} files: {len(run.files) - bad} valid, {bad} with errors",
                      style="bold" if bad == 0 else "bold red", highlight=False)


def requirement_table(result: Any) -> Any:
    """Ratio per pollutant (rows) and level (columns), ✓ or ✗, the requirement in each heading."""
    from rich import box
    from rich.markup import escape
    from rich.table import Table

    from haze.core.model import POLLUTANTS

    levels = list(result.levels.values())
    listed = any(p.assessed and p.basis == "listed" for r in levels for p in r.pollutants.values())
    # a policy file's name is data: escaped, never read as markup
    table = Table(title=f"requirement by level — policy {escape(result.policy)}", title_justify="left",
                  title_style="bold", box=box.SIMPLE, show_edge=False, pad_edge=False, show_footer=True,
                  caption="* share of listed emissions (no baseline)" if listed else None,
                  caption_justify="left", caption_style="dim")
    table.add_column("pollutant", no_wrap=True, footer="met")
    for r in levels:
        table.add_column(_level_heading(r), justify="right", no_wrap=True,
                         footer="[green]yes[/]" if r.ok else "[bold red]NO[/]")
    for p in POLLUTANTS:
        table.add_row(f"{p.label} {p.zh}", *(_ratio_cell(r, p) for r in levels))
    return table


def _level_heading(result: Any) -> str:
    from haze.core.fmt import cut_pct

    required = result.policy.uniform_requirement(result.level)
    # the requirement rounded up, like a cut: never shown as less than is asked
    return f"{result.level.value} ≥{cut_pct(required)}" if isinstance(required, float) else result.level.value


def _ratio_cell(result: Any, pollutant: Any) -> str:
    """``26.52% ✓``; a failing ratio is rounded down and carries its requirement when it differs by pollutant."""
    from haze.core.fmt import pct, ratio_pct

    r = result.pollutants[pollutant]
    if not r.assessed:
        return "[dim]—[/]"
    star = "*" if r.basis == "listed" else ""
    shown = ratio_pct(r.ratio, r.ok)
    if r.ok:
        return f"{shown}{star} [green]✓[/]"
    need = "" if isinstance(result.policy.uniform_requirement(result.level), float) else f" <{pct(r.required)}"
    return f"[red]{shown}{star}{need} ✗[/]"


def file_verdict(result: Any) -> Any:
    """``list.yaml: 0 errors, 3 warnings — valid`` (and why no table, when blocked)."""
    from rich.text import Text

    from haze.core.findings import BLOCKING

    counts = f"{_plural(result.errors, 'error')}, {_plural(result.warnings, 'warning')}"
    text = Text(f"{result.path}: {counts} — ")
    text.append("valid" if result.ok else "NOT VALID", style="bold green" if result.ok else "bold red")
    if not result.computed and any(f.code in BLOCKING and f.is_error for f in result.findings):
        text.append(" (levels not computed: fix the blocking errors first)")
    return text


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"
