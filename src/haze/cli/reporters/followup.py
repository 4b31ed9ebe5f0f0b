"""Human output of the response loop (SPEC §18): advise, receipt, overdue and verify.

Printers only, as in :mod:`haze.cli.reporters.text` (which dispatches here by
the outcome's module): they read the outcome and never open the journal or a
file. Data is escaped before rich reads markup in it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import click

from haze.cli.reporters.markup import esc, say, when

if TYPE_CHECKING:
    from haze.commands.advise import Outcome as AdviseOutcome
    from haze.commands.overdue import Outcome as OverdueOutcome
    from haze.commands.receipt import Outcome as ReceiptOutcome
    from haze.commands.verify import Outcome as VerifyOutcome
    from haze.core.response import Comparison

_KIND = {"receipt": "receipt 回执", "report": "report 执行报告"}
BAR = 16  # characters for 0–100 %

_NEXT = {
    "activate": "start a warning: haze activate {level}",
    "adjust": "change the level (升级/降级): haze activate {level}",
    "keep": "keep the active {active} warning",
    "lift": "no rule holds on the forecast: consider haze lift",
    "none": "no warning is called for",
}


def print_advise(outcome: AdviseOutcome) -> None:
    from haze.cli.common import stdout_console

    a = outcome.advice
    console = stdout_console()
    where = f" for {esc(outcome.region)}" if outcome.region else ""
    if a.level is None:
        say(console, f"[bold]no warning level[/]{where}: no rule of the policy holds on the forecast")
    else:
        say(console, f"[bold]recommended{where}: {a.level.title}[/]")
        assert a.rule is not None
        quoted = f" — {esc(a.rule.text)}" if a.rule.text else ""
        source = f" ({esc(outcome.triggers.source)})" if outcome.triggers.source else ""
        say(console, f" rule    {esc(a.rule.describe())}{quoted}{source}")
        days = ", ".join(f"{d.date.isoformat()} (AQI {d.aqi:g})" for d in a.days)
        say(console, f" days    {days}")
    active = f"{a.active.value} ({esc(outcome.active_id)})" if a.active else "none"
    say(console, f" active  {active}")
    hint = _NEXT[a.action].format(level=a.level.value if a.level else "", active=a.active.value if a.active else "")
    say(console, f" action  [bold]{a.action}[/]: {hint}")


def print_receipt(outcome: ReceiptOutcome) -> None:
    from haze.cli.common import stdout_console

    console = stdout_console()
    for r in outcome.results:
        if r.status == "unknown" or r.enterprise is None:
            continue
        e = r.enterprise
        who = f"{esc(e.name)} ({esc(e.enterprise_id)})"
        if r.status == "kept" and r.first is not None:
            say(console, f"kept      {_KIND[r.entry.kind]}  {who}: already recorded at {when(r.first.at)}; "
                         f"{when(r.entry.at)} not recorded")
            continue
        late = "" if r.due is None or r.entry.at <= r.due else f" [bold red]late[/] (due {when(r.due)})"
        say(console, f"recorded  {_KIND[r.entry.kind]}  {who} at {when(r.entry.at)}{late}")
    done = sum(1 for r in outcome.results if r.status == "recorded")
    say(console, f"{done} recorded for warning {esc(outcome.activation.id)} in {esc(outcome.journal)}")


def print_overdue(outcome: OverdueOutcome) -> None:
    from haze.cli.common import stdout_console
    from haze.core.fmt import tonnes

    console = stdout_console()
    if outcome.activation is None:
        click.echo(f"no active warning (journal {outcome.journal})")
        return
    counts = outcome.counts()
    say(console, f"warning {esc(outcome.activation.id)} at {when(outcome.at)}: {counts['notified']} notified, "
                 f"{counts['receipts']} receipts, {counts['reports']} reports, {counts['overdue']} overdue")
    if not outcome.overdue:
        say(console, "nobody is overdue")
        return
    # One line per call to make, never wrapped: name, contact and phone stay whole in 80 columns too.
    for i, m in enumerate(outcome.overdue, 1):
        e = m.enterprise
        contact = " ".join(x for x in (esc(e.contact_name), esc(e.contact_phone)) if x) or "no contact recorded"
        weight = f", {tonnes(e.daily)} t/d" if e.daily else ""
        say(console, f"{i:>3}. {_KIND[m.kind]} due {when(m.due)}  [bold]{esc(e.name)}[/]  {contact}  "
                     f"({esc(e.enterprise_id)}{weight})")


def bar(observed: float, expected: float, width: int = BAR) -> str:
    """``█████·····│·····`` : the observed cut filled, the expected cut marked with │."""
    filled = max(0, min(width, round(observed * width)))
    mark = max(0, min(width - 1, round(expected * width) - (1 if expected > 0 else 0)))
    cells = ["█" if i < filled else "·" for i in range(width)]
    cells[mark] = "┃" if mark < filled else "│"
    return "".join(cells)


def print_verify(outcome: VerifyOutcome) -> None:
    from rich import box
    from rich.table import Table

    from haze.cli.common import stdout_console
    from haze.commands.verify import when_text

    console = stdout_console()
    w = outcome.window
    first, last = w.baseline_dates()
    end = when_text(w.end) if w.end else "the last day with data"
    say(console, f"[bold]verify {esc(outcome.activation)}[/] ({outcome.level}): baseline {first}…{last} "
                 f"({w.baseline_days} days), during {when_text(w.start)} → {end}, tolerance {outcome.tolerance:.0%}")
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, title_justify="left")
    columns: tuple[tuple[str, Literal["left", "right"]], ...] = (
        ("#", "right"), ("enterprise", "left"), ("expected", "right"), ("observed", "right"),
        ("observed █  expected │", "left"), ("flag", "left"))
    for name, justify in columns:
        table.add_column(name, justify=justify, no_wrap=name != "enterprise",
                         overflow="fold" if name == "enterprise" else "ellipsis")
    for n, c in enumerate(outcome.compared, 1):
        assert c.observed is not None
        flag = {"short": "[bold red]SHORT[/]", "treatment": "[bold yellow]TREATMENT[/]"}.get(c.flag or "", "")
        table.add_row(str(n), esc(c.name), f"{c.expected:.0%}", f"{c.observed:.0%}", _bar_text(c), flag)
    if outcome.compared:
        console.print(table)
    if outcome.missing:
        words = {"no_data": "no data", "no_baseline": "no baseline day", "no_during": "no day inside the warning",
                 "zero_baseline": "zero baseline"}
        say(console, f"[bold]without data[/] ({len(outcome.missing)}): "
                     + "; ".join(f"{esc(c.name)} ({words.get(c.missing or '', c.missing)})" for c in outcome.missing))
    flagged = outcome.flagged
    say(console, f"{len(outcome.compared)} compared, {len(flagged)} flagged, {len(outcome.missing)} without data"
                 + (f"; {outcome.unknown_ids} ids in the file were not notified" if outcome.unknown_ids else ""))
    if outcome.output is not None:
        say(console, f"inspection list (督查清单): {esc(outcome.output)}")


def _bar_text(c: Comparison) -> str:
    assert c.observed is not None
    text = bar(c.observed, c.expected)
    if c.observed < 0:
        return text + f" ↑{-c.observed:.0%} more power"
    return text
