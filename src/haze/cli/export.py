"""``haze export LEVEL -o FILE.xlsx|.csv`` (SPEC §9) and ``haze export --as-list -o FILE``:
click wiring for :mod:`haze.commands.export` and :mod:`haze.commands.export_list`."""

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
@click.argument("level", type=LEVEL, required=False)
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), metavar="FILE",
              help="FILE.xlsx (three sheets) or FILE.csv (plus FILE-requirement.csv); replaced if it exists.")
@click.option("--as-list", is_flag=True,
              help="Write the list itself (one row per line, a 清单信息 sheet) for editing and `haze import`, "
                   "instead of a level's results; give no LEVEL.")
@multi_list_options
def export(level: Level | None, list_paths: tuple[str, ...], policy: str | None, as_json: bool, no_cache: bool,
           output: str, as_list: bool) -> None:
    """Write the results at LEVEL for reporting upward, or (--as-list) the list itself.

    The results: one row per production line (credit code, name, town,
    industry, grade, effective level and why, cut, reductions in t/d, actions),
    a 合计 row, and the per-pollutant requirement table (a second sheet, or
    FILE-requirement.csv).

    With --as-list: the list in the spreadsheet layout of docs/spreadsheets.md
    (企业清单 and 清单信息 sheets; in a CSV the list facts stand above the
    header), which `haze import` reads back to the same list.

    Exit 0 written (whether or not the requirement is met), 2 bad input.
    """
    if as_list:
        if level is not None:
            raise UsageError(_("export --as-list writes the list itself, not a level's results: leave out LEVEL"))
        from haze.commands import export_list

        listed = export_list.run(export_list.Settings(list_path=one_list(list_paths), policy=policy, output=Path(output),
                                                      cache=not no_cache))
        print_findings(listed.warnings)
        report(listed, as_json)
        return
    if level is None:
        raise UsageError(_("export needs a LEVEL (yellow, orange or red), or --as-list to write the list itself"))
    from haze.commands import export as command

    outcome = command.run(command.Settings(level=level, list_path=one_list(list_paths), list_paths=tuple(list_paths), policy=policy, output=Path(output),
                                           cache=not no_cache))
    print_findings(outcome.warnings)
    report(outcome, as_json)
