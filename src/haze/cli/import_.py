"""``haze import FILE -o LIST.yaml`` (SPEC §9): click wiring for :mod:`haze.commands.import_`."""

from __future__ import annotations

from pathlib import Path

import click

from haze.cli.i18n import HazeCommand

from haze.cli.common import config_option, policy_option, print_findings
from haze.cli.reporters import report


@click.command("import", cls=HazeCommand)
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), metavar="LIST.yaml",
              help="The YAML list to write (refused if it exists, unless --force).")
@click.option("--region", metavar="TEXT", help="地区: overrides the file's (default: its 清单信息 sheet, else its name).")
@click.option("--authority", metavar="TEXT", help="发布单位 who issues the notices, e.g. 示例县生态环境局.")
@click.option("--season", metavar="TEXT", help="Season label, e.g. 2025-2026秋冬季.")
@click.option("--doc-prefix", metavar="TEXT", help="Notice number prefix (文号前缀), e.g. 示环应急.")
@click.option("--force", is_flag=True, help="Overwrite LIST.yaml if it exists.")
@click.option("--json", "as_json", is_flag=True, help="Machine output (JSON) on stdout, nothing else.")
@policy_option
@config_option
def import_list(file: str, output: str, region: str | None, authority: str | None, season: str | None,
                doc_prefix: str | None, force: bool, as_json: bool, policy: str | None = None) -> None:
    """Turn a CSV or XLSX list into the YAML list (docs/list-format.md).

    FILE has one row per production line (see docs/spreadsheets.md). Options win over the file's own 清单信息/list sheet. Nothing is written
    when the file has errors that leave the list undefined.

    Exit 0 written, 2 bad input (nothing written).
    """
    from haze.commands import import_ as command

    facts = {"region": region, "authority": authority, "season": season, "doc_prefix": doc_prefix}
    outcome = command.run(command.Settings(source=Path(file), output=Path(output), facts=facts, force=force,
                                           policy=policy))
    print_findings(outcome.warnings)
    report(outcome, as_json)

