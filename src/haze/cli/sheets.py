"""``haze import FILE -o LIST.yaml`` and ``haze export LEVEL -o FILE.xlsx|.csv`` (SPEC §9)."""

from __future__ import annotations

import click

from haze.cli.common import (
    LEVEL,
    config_option,
    emit_json,
    list_options,
    print_findings,
)
from haze.core.model import Level


@click.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), metavar="LIST.yaml",
              help="The YAML list to write (refused if it exists, unless --force).")
@click.option("--region", metavar="TEXT", help="地区: overrides the file's (default: its 清单信息 sheet, else its name).")
@click.option("--authority", metavar="TEXT", help="发布单位 who issues the notices, e.g. 示例县生态环境局.")
@click.option("--season", metavar="TEXT", help="Season label, e.g. 2025-2026秋冬季.")
@click.option("--doc-prefix", metavar="TEXT", help="Notice number prefix (文号前缀), e.g. 示环应急.")
@click.option("--force", is_flag=True, help="Overwrite LIST.yaml if it exists.")
@click.option("--json", "as_json", is_flag=True, help="Machine output (JSON) on stdout, nothing else.")
@config_option
def import_list(file: str, output: str, region: str | None, authority: str | None, season: str | None,
                doc_prefix: str | None, force: bool, as_json: bool) -> None:
    """Turn a CSV or XLSX list into the YAML list (SPEC §2).

    FILE has one row per production line (see docs/spreadsheets.md). Options win over the file's own 清单信息/list sheet. Nothing is written
    when the file has errors that leave the list undefined.

    Exit 0 written, 2 bad input (nothing written).
    """
    from haze.render.sheets import import_list as run_import

    facts = {"region": region, "authority": authority, "season": season, "doc_prefix": doc_prefix}
    done = run_import(file, output, facts, force=force)
    print_findings(done.warnings)
    if as_json:
        emit_json(done.to_json())
        return
    data = done.to_json()
    click.echo(f"wrote {done.output}: {data['enterprises']} enterprises ({data['lines']} named lines), "
               f"{data['other_sources']} other sources, region {data['region']}")


@click.command()
@click.argument("level", type=LEVEL, required=False)
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), metavar="FILE",
              help="FILE.xlsx (three sheets) or FILE.csv (plus FILE-requirement.csv); replaced if it exists.")
@click.option("--as-list", is_flag=True,
              help="Write the list itself (one row per line, a 清单信息 sheet) for editing and `haze import`, "
                   "instead of a level's results; give no LEVEL.")
@list_options
def export(level: Level | None, list_path: str | None, policy: str | None, as_json: bool, no_cache: bool,
           output: str, as_list: bool) -> None:
    """Write the per-enterprise results at LEVEL for reporting upward, or (--as-list) the list itself.

    One row per production line (credit code, name, town, industry, grade,
    effective level and why, cut, reductions in t/d, actions), a 合计 row, and
    the per-pollutant requirement table (a second sheet, or FILE-requirement.csv).

    With --as-list: the list in the spreadsheet layout of docs/spreadsheets.md
    (企业清单 and 清单信息 sheets; in a CSV the list facts stand above the
    header), which `haze import` reads back to the same list.

    Exit 0 written (whether or not the requirement is met), 2 bad input.
    """
    from haze.core.errors import UsageError

    if as_list:
        if level is not None:
            raise UsageError("export --as-list writes the list itself, not a level's results: leave out LEVEL")
        from haze.render.sheets import export_list

        listed = export_list(list_path, policy, output, cache=not no_cache)
        print_findings(listed.warnings)
        if as_json:
            emit_json(listed.to_json())
            return
        data = listed.to_json()
        click.echo(f"wrote {output}: {data['enterprises']} enterprises, {listed.rows} rows "
                   f"(`haze import {output} -o LIST.yaml` reads it back)")
        return
    if level is None:
        raise UsageError("export needs a LEVEL (yellow, orange or red), or --as-list to write the list itself")
    from haze.render.sheets import export_level

    done = export_level(list_path, policy, level, output, cache=not no_cache)
    print_findings(done.warnings)
    if as_json:
        emit_json(done.to_json())
        return
    verdict = "met" if done.result.ok else "NOT met: " + ", ".join(p.label for p in done.result.failing)
    click.echo(f"wrote {', '.join(str(f) for f in done.files)}: {done.rows} rows; "
               f"{level.title} requirement {verdict}")
