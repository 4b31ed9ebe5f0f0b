"""``haze lift``: click wiring for :mod:`haze.commands.lift`."""

from __future__ import annotations

from datetime import datetime

import click

from haze.cli.i18n import HazeCommand

from haze.cli.common import config_option
from haze.cli.journal_options import (
    NoPhone,
    basis_option,
    journal_option,
    notice_options,
    numbering_option,
    optional_path,
    progress_bar,
    tell_waiting,
    when_option,
)
from haze.cli.reporters import report
from haze.core.i18n import N_


@click.command(cls=HazeCommand)
@click.option("--at", callback=when_option, metavar="WHEN", help="When the warning is lifted (default now).")
@notice_options
@numbering_option
@journal_option
@click.option("--json", "as_json", is_flag=True, help="Machine output (JSON) on stdout, nothing else.")
@basis_option
@config_option
def lift(at: datetime | None, out: str | None, lang: str, format: str, templates: str | None, dry_run: bool,
         journal: str | None, as_json: bool, basis: str | None = None, first_number: int | None = None,
         numbering: str = "per_notice") -> None:
    """Lift the active warning: a lift notice (解除通知) to every enterprise it notified.

    Exit 0 lifted, 1 nothing active (or recorded but its notices not moved into
    place), 2 bad input (--at before the warning started; nothing written).
    """
    from haze.commands import lift as command

    settings = command.Settings(at=at, out=optional_path(out), lang=lang, fmt=format,
                                templates=optional_path(templates), journal=optional_path(journal), dry_run=dry_run,
                                first_number=first_number, basis=basis, numbering=numbering,
                                on_missing=(no_phone := NoPhone()))
    with progress_bar(not as_json and not dry_run, N_("rendering lift notices")) as progress:
        outcome = command.run(settings, progress=progress, on_wait=tell_waiting)
    no_phone.tell()
    report(outcome, as_json)
