"""``haze void``: declare a mistaken activation void (作废); see :mod:`haze.commands.void`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from haze.cli.common import config_option, emit_json
from haze.cli.lifecycle import esc, journal_option, say

if TYPE_CHECKING:
    from haze.commands.void import Voided


@click.command()
@click.argument("activation", required=False, metavar="[ID]")
@click.option("--reason", required=True, metavar="TEXT",
              help="Why it is void (a mistyped date, the wrong list…); recorded in the journal.")
@click.option("--dry-run", is_flag=True, help="Say what would be voided; record and write nothing.")
@journal_option
@click.option("--json", "as_json", is_flag=True, help="Machine output (JSON) on stdout, nothing else.")
@config_option
def void(activation: str | None, reason: str, dry_run: bool, journal: str | None, as_json: bool) -> None:
    """Void (作废) the active warning, or the activation ID: recorded as such, numbers never reused.

    \b
    For a warning issued by mistake (a mistyped --start, the wrong list or
    level). The warning stops being active, so the correct one can be issued;
    its notice numbers stay used. A void record (void.md, void.json) listing
    every voided notice is written beside the notices, under a new <id>-void
    directory; the voided notices themselves are left as issued.
    Exit 0 voided, 1 nothing active, 2 bad input.
    """
    from haze.commands.void import VoidOptions
    from haze.commands.void import void as run_void

    outcome = run_void(VoidOptions(activation=activation, reason=reason,
                                   journal=Path(journal) if journal else None, dry_run=dry_run))
    if as_json:
        emit_json(void_json(outcome))
    else:
        print_void(outcome)


def void_json(outcome: Voided) -> dict[str, Any]:
    data: dict[str, Any] = {
        "void": outcome.id, "activation": outcome.warning.id, "level": outcome.warning.level.value,
        "at": outcome.at.isoformat(), "reason": outcome.reason,
        "notices": [n.number for n in outcome.notices],
        "record": None if outcome.record_dir is None else str(outcome.record_dir),
        "journal": str(outcome.journal),
    }
    if outcome.dry_run:
        data["dry_run"] = True
    return data


def print_void(outcome: Voided) -> None:
    from haze.cli.common import stdout_console

    console = stdout_console()
    w = outcome.warning
    numbers = f" ({esc(outcome.notices[0].number)} – {esc(outcome.notices[-1].number)})" if outcome.notices else ""
    what = f"{w.level.value} ({w.level.zh}预警) activation {esc(w.id)} and its {len(outcome.notices)} notices{numbers}"
    if outcome.dry_run:
        say(console, f"[bold]dry run[/]: would void the {what}; nothing written or recorded")
        return
    say(console, f"[bold]voided[/] the {what}: recorded as {esc(outcome.id)} in {esc(outcome.journal)}")
    say(console, "their numbers are not given again; tell the enterprises the notices are void (作废)")
    if outcome.record_dir is not None:
        say(console, f"void record: {esc(outcome.record_dir.absolute())}/void.md")
