"""``haze validate [LIST…]``: every finding of SPEC §5 and the requirement at each level.

Unlike ``check``, validate reports rather than refuses: a missing or broken
file is a finding (exit 1), not a usage error, and every file is read before
the exit code is decided.
"""

from __future__ import annotations

import click

from haze.cli.common import multi_list_options
from haze.cli.i18n import HazeCommand
from haze.cli.reporters import report
from haze.core.i18n import _

STRICT_HELP = "Treat warnings as errors (exit 1 when there is any finding)."


@click.command(cls=HazeCommand)
@click.argument("lists", nargs=-1, metavar="[LIST]...")
@multi_list_options
@click.option("--strict", is_flag=True, help=STRICT_HELP)
@click.pass_context
def validate(ctx: click.Context, lists: tuple[str, ...], list_paths: tuple[str, ...], policy: str | None, as_json: bool,
             no_cache: bool, strict: bool) -> None:
    """Check enterprise lists and the requirement at yellow, orange and red.

    Prints one line per finding (PATH:LINE: severity CODE message), a table of
    the reduction ratio per pollutant and level, and a verdict per file.
    Without LIST, the list of --list or haze.yaml is checked.

    Exit 0 when no list has errors, 1 when any has, 2 for a usage error.
    """
    from haze.cli.progress import READING, phases
    from haze.commands import validate as command

    settings = command.Settings(paths=_paths(ctx, lists, list_paths), policy=policy, strict=strict,
                                cache=not no_cache)
    with phases(not as_json, READING) as progress:
        outcome = command.run(settings, phase=progress.phase if progress is not None else None)
    report(outcome, as_json)
    ctx.exit(0 if outcome.ok else 1)


def _paths(ctx: click.Context, lists: tuple[str, ...], list_paths: tuple[str, ...]) -> list[str]:
    """Positional lists, plus every --list typed on the command line; else --list's default (haze.yaml)."""
    from click.core import ParameterSource

    from haze.core.errors import UsageError

    typed = ctx.get_parameter_source("list_paths") is ParameterSource.COMMANDLINE
    paths = list(lists) + (list(list_paths) if list_paths and (typed or not lists) else [])
    if not paths:
        raise UsageError(_("no list given: pass LIST (or --list FILE), or set 'list' in haze.yaml"))
    return list(dict.fromkeys(paths))

