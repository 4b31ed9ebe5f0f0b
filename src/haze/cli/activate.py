"""``haze activate LEVEL``: click wiring for :mod:`haze.commands.activate`."""

from __future__ import annotations

from datetime import datetime

import click

from haze.cli.common import LEVEL, F, multi_list_options, one_list, print_findings
from haze.cli.i18n import HazeCommand
from haze.cli.journal_options import (
    NoPhone,
    basis_option,
    journal_option,
    may_create_journal,
    notice_options,
    numbering_option,
    optional_path,
    progress_bar,
    tell_waiting,
    when_option,
)
from haze.cli.progress import READING
from haze.cli.reporters import report
from haze.core.i18n import N_, _
from haze.core.model import Level


def list_facts_options(f: F) -> F:
    """--authority, --region, --doc-prefix: for a list that lacks them (a CSV/XLSX without 清单信息)."""
    decorators = (
        click.option("--doc-prefix", metavar="TEXT",
                     help="Notice number prefix (文号前缀), e.g. 示环应急: numbers read 示环应急〔2026〕1号."),
        click.option("--region", metavar="TEXT", help="地区 the notices name, e.g. 示例县 (instead of the list's)."),
        click.option("--authority", metavar="TEXT",
                     help="发布单位 who issues the notices, e.g. 示例县生态环境局 (instead of the list's)."),
        click.option("--contact", metavar="TEXT",
                     help="The bureau's duty contact the notices print, name and phone, e.g. '应急值班室 "
                          "0356-3000000' (instead of the list's; for a city, its own)."),
    )
    for decorator in decorators:
        f = decorator(f)
    return f


@click.command(cls=HazeCommand)
@click.argument("level", type=LEVEL)
@multi_list_options
@click.option("--start", callback=when_option, metavar="WHEN",
              help="When the warning starts (default now, Beijing time): 2026-12-01T20:00, 2026年12月1日20时, 20:00, "
                   "明天8时, 今晚20时 or now.")
@click.option("--until", callback=when_option, metavar="WHEN", help="When it ends (default: until lifted).")
@click.option("--hours", type=float, metavar="N", help="It ends N hours after the start (instead of --until).")
@notice_options
@numbering_option
@journal_option
@click.option("--force", is_flag=True, help="Issue again although this level is already active.")
@click.option("--changed", is_flag=True,
              help=N_("With --force at the level already active: re-issue only to the enterprises whose notice "
                      "changed (a corrected list), each citing the notice it replaces; the others stand."))
@click.option("--strict", is_flag=True, help="Refuse (exit 1, nothing written) when the requirement is not met.")
@list_facts_options
@basis_option
def activate(level: Level, list_paths: tuple[str, ...], policy: str | None, as_json: bool, no_cache: bool,
             start: datetime | None, until: datetime | None, hours: float | None, out: str | None, lang: str,
             format: str, templates: str | None, dry_run: bool, journal: str | None, force: bool,
             strict: bool, authority: str | None, region: str | None, doc_prefix: str | None,
             contact: str | None = None, basis: str | None = None, first_number: int | None = None,
             numbering: str = "per_notice", changed: bool = False) -> None:
    """Activate a warning at LEVEL: compute, write one notice per enterprise, record it.

    \b
    While a warning is active, another LEVEL is an adjustment (升级/降级): the
    old warning is superseded and new notices go out. The same LEVEL again is
    refused unless --force.
    A list without an issuing authority (发布单位) is refused: give it in the
    list, in an XLSX 清单信息 sheet, or with --authority (see docs/activation.md).
    Exit 0 issued (also when the requirement is not met: it says so loudly),
    1 refused (--strict, already active; nothing written) or recorded but its
    notices not moved into place (the message says where they wait),
    2 bad input (nothing written).
    """
    from haze.cli.reporters.text import shortfall_panel
    from haze.commands import activate as command
    from haze.commands.inputs import several

    if several(list_paths):  # the city bureau: one notice per county list (SPEC §13)
        from haze.commands import city_activate

        city_settings = city_activate.Settings(
            level=level, list_path=None, list_paths=list(list_paths), policy=policy, cache=not no_cache,
            start=start, until=until, hours=hours, out=optional_path(out), lang=lang, fmt=format,
            templates=optional_path(templates), journal=optional_path(journal), force=force, strict=strict,
            dry_run=dry_run, authority=authority, region=region, doc_prefix=doc_prefix, contact=contact,
            first_number=first_number, basis=basis, numbering=numbering, changed=changed,
            new_journal=may_create_journal(journal, dry_run, as_json))
        with progress_bar(not as_json, "reading the lists") as progress:
            city = city_activate.run(city_settings, progress=progress, on_wait=tell_waiting,
                                     phase=progress.phase if progress is not None else None)
        print_findings(city.warnings)
        for note in city.notes:
            click.echo(_("haze: warning: {note}").format(note=note), err=True)
        report(city, as_json)
        return
    list_path = one_list(list_paths)

    settings = command.Settings(
        level=level, list_path=list_path, policy=policy, cache=not no_cache, start=start, until=until,
        hours=hours, out=optional_path(out), lang=lang, fmt=format, templates=optional_path(templates),
        journal=optional_path(journal), force=force, strict=strict, dry_run=dry_run, authority=authority,
        region=region, doc_prefix=doc_prefix, contact=contact, first_number=first_number, basis=basis,
        numbering=numbering, changed=changed, on_missing=(no_phone := NoPhone()), json=as_json,
        new_journal=may_create_journal(journal, dry_run, as_json))
    # --dry-run too: it reads and renders everything, which takes as long on a big list.
    with progress_bar(not as_json, READING) as progress:
        outcome = command.run(settings, progress=progress, on_wait=tell_waiting,
                              phase=progress.phase if progress is not None else None)
    print_findings(outcome.warnings)
    no_phone.tell()
    for note in outcome.notes:
        click.echo(_("haze: warning: {note}").format(note=note), err=True)
    if not outcome.ok:
        shortfall_panel(outcome)
    report(outcome, as_json)
