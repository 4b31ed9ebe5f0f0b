"""``haze receipt`` and ``haze overdue``: the follow-up of a warning (SPEC §18)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from haze.cli.common import config_option, emit_json, json_option
from haze.cli.lifecycle import esc, journal_option, say, when

if TYPE_CHECKING:
    from datetime import datetime

    from haze.commands.receipt import FollowUp, Recorded

_KIND = {"receipt": "receipt 回执", "report": "report 执行报告"}


@click.command()
@click.argument("ids", nargs=-1, metavar="ID…")
@click.option("--file", "file", type=click.Path(dir_okay=False, path_type=Path), metavar="F",
              help="A CSV/XLSX/YAML of id, at[, kind] (kind: receipt/回执 or report/报告; default receipt).")
@click.option("--at", callback=when, metavar="WHEN", help="When they were received (default now).")
@click.option("--report", is_flag=True, help="These are execution reports (执行报告), not receipts (回执).")
@click.option("--activation", metavar="ID", help="Another activation than the active warning.")
@journal_option
@json_option
@config_option
def receipt(ids: tuple[str, ...], file: Path | None, at: datetime | None, report: bool, activation: str | None,
            journal: str | None, as_json: bool) -> None:
    """Record that enterprises returned the receipt (回执), or with --report the execution report.

    \b
    ID… are credit codes or notice numbers (示环应急〔2026〕7号). Recording one
    twice keeps the first time and says so. All of it in one transaction.
    Exit 0 recorded, 1 some ids not notified by the warning (the others are
    recorded) or nothing active, 2 bad input (nothing recorded).
    """
    from haze.commands.receipt import ReceiptOptions, SomeUnknownAfter, run_receipt

    opts = ReceiptOptions(ids=list(ids), file=file, at=at, report=report, activation=activation,
                          journal=Path(journal) if journal else None)
    try:
        outcome = run_receipt(opts)
    except SomeUnknownAfter as exc:
        show_recorded(exc.outcome, as_json)
        for r in exc.outcome.unknown:
            where = f"{r.entry.row}: " if r.entry.row else ""
            click.echo(f"haze: error: {f'{file}:' if file else ''}{where}{r.message}", err=True)
        raise
    show_recorded(outcome, as_json)


def show_recorded(outcome: Recorded, as_json: bool) -> None:
    if as_json:
        emit_json({"activation": outcome.activation.id, "results": [_result_json(r) for r in outcome.results]})
        return
    from haze.cli.common import stdout_console

    console = stdout_console()
    for r in outcome.results:
        if r.status == "unknown" or r.enterprise is None:
            continue
        e = r.enterprise
        who = f"{esc(e.name)} ({esc(e.enterprise_id)})"
        if r.status == "kept" and r.first is not None:
            say(console, f"kept      {_KIND[r.entry.kind]}  {who}: already recorded at {_when(r.first.at)}; "
                         f"{_when(r.entry.at)} not recorded")
            continue
        late = "" if r.due is None or r.entry.at <= r.due else f" [bold red]late[/] (due {_when(r.due)})"
        say(console, f"recorded  {_KIND[r.entry.kind]}  {who} at {_when(r.entry.at)}{late}")
    done = sum(1 for r in outcome.results if r.status == "recorded")
    say(console, f"{done} recorded for warning {esc(outcome.activation.id)} in {esc(outcome.journal)}")


def _result_json(r: Any) -> dict[str, Any]:
    return {"given": r.entry.given, "kind": r.entry.kind, "at": r.entry.at.isoformat(), "status": r.status,
            "id": r.enterprise.enterprise_id if r.enterprise else None,
            "first_at": r.first.at.isoformat() if r.first else None}


@click.command()
@click.option("--at", callback=when, metavar="WHEN", help="The moment to judge (default now).")
@click.option("--activation", metavar="ID", help="Another activation than the active warning.")
@journal_option
@json_option
@config_option
def overdue(at: datetime | None, activation: str | None, journal: str | None, as_json: bool) -> None:
    """Enterprises past their receipt or report deadline: whom to phone, most emitting first.

    An enterprise missing both is listed once for each. Exit 0.
    """
    from haze.commands.receipt import OverdueOptions, run_overdue

    outcome = run_overdue(OverdueOptions(at=at, activation=activation, journal=Path(journal) if journal else None))
    if as_json:
        emit_json(outcome.to_json())
        return
    print_overdue(outcome)


def print_overdue(outcome: FollowUp) -> None:
    from haze.cli.common import stdout_console
    from haze.core.fmt import tonnes

    console = stdout_console()
    if outcome.activation is None:
        click.echo(f"no active warning (journal {outcome.journal})")
        return
    counts = outcome.counts()
    say(console, f"warning {esc(outcome.activation.id)} at {_when(outcome.at)}: {counts['notified']} notified, "
                 f"{counts['receipts']} receipts, {counts['reports']} reports, {counts['overdue']} overdue")
    if not outcome.overdue:
        say(console, "nobody is overdue")
        return
    # One line per call to make, never wrapped: name, contact and phone stay whole in 80 columns too.
    for i, m in enumerate(outcome.overdue, 1):
        e = m.enterprise
        contact = " ".join(x for x in (esc(e.contact_name), esc(e.contact_phone)) if x) or "no contact recorded"
        weight = f", {tonnes(e.daily)} t/d" if e.daily else ""
        say(console, f"{i:>3}. {_KIND[m.kind]} due {_when(m.due)}  [bold]{esc(e.name)}[/]  {contact}  "
                     f"({esc(e.enterprise_id)}{weight})")


def _when(moment: datetime | None) -> str:
    from haze.cli.lifecycle import _when as show

    return show(moment)
