"""Human output of the response loop (SPEC §18): advise, receipt, overdue and verify.

Printers only, as in :mod:`haze.cli.reporters.text` (which dispatches here by
the outcome's module): they read the outcome and never open the journal or a
file. Data is escaped before rich reads markup in it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import click

from haze.cli.reporters.markup import esc, is_city_warning, level_title, level_word, pad, say, say_list, say_row, when
from haze.core.i18n import N_, _, language, ngettext

if TYPE_CHECKING:
    from haze.commands.advise import Outcome as AdviseOutcome
    from haze.commands.overdue import Outcome as OverdueOutcome
    from haze.commands.receipt import Outcome as ReceiptOutcome
    from haze.commands.verify import Outcome as VerifyOutcome
    from rich.console import Console

    from haze.core.response import Comparison

_KIND = {"receipt": N_("receipt 回执"), "report": N_("report 执行报告")}
BAR = 16  # characters for 0–100 %

_NEXT = {
    "activate": N_("start a warning: haze activate {level}"),
    "adjust": N_("change the level (升级/降级): haze activate {level}"),
    "keep": N_("keep the active {active} warning"),
    "lift": N_("no rule holds on the forecast: consider haze lift"),
    "none": N_("no warning is called for"),
}


def print_advise(outcome: AdviseOutcome) -> None:
    from haze.cli.common import stdout_console

    a = outcome.advice
    console = stdout_console()
    where = _(" for {region}").format(region=esc(outcome.region)) if outcome.region else ""
    if a.level is None:
        say(console, _("[bold]no warning level[/]{where}: no rule of the policy holds on the forecast")
            .format(where=where))
    else:
        say(console, _("[bold]recommended{where}: {level}[/]").format(where=where, level=level_title(a.level)))
        assert a.rule is not None
        rule = _("rule")
        say_row(console, rule, esc(a.rule.message(outcome.triggers.source)))
        days = _(", ").join(_("{date} (AQI {aqi})").format(date=d.date.isoformat(), aqi=f"{d.aqi:g}")
                            for d in a.days)
        label = _("days")
        say_row(console, label, days)
    active = _("{id} ({kind})").format(id=level_word(a.active), kind=esc(outcome.active_id)) if a.active else _("none")
    label = _("active")
    say_row(console, label, active)
    # the level in a command stays the command's word (haze activate orange); the active one is spoken
    hint = _(_NEXT[a.action]).format(level=a.level.value if a.level else "",
                                     active=level_word(a.active) if a.active else "")
    label = _("action")
    # the action key (keep, adjust) is the JSON's word: a Chinese terminal says only the hint
    said = f"[bold]{hint}[/]" if language() == "zh" else _("[bold]{action}[/]: {hint}").format(action=a.action, hint=hint)
    say_row(console, label, said)


def print_receipt(outcome: ReceiptOutcome) -> None:
    from haze.cli.common import stdout_console

    console = stdout_console()
    for r in outcome.results:
        if r.status == "unknown" or r.enterprise is None:
            continue
        e = r.enterprise
        who = _("{name} ({kind})").format(name=esc(e.name), kind=esc(e.enterprise_id))
        if r.status == "kept" and r.first is not None:
            say(console, _("{status}{kind}  {who}: already recorded at {first}; {at} not recorded").format(
                status=pad(_("kept"), 10), kind=_(_KIND[r.entry.kind]), who=who, first=when(r.first.at),
                at=when(r.entry.at)))
            continue
        late = "" if r.due is None or r.entry.at <= r.due else _(" [bold red]late[/] (due {due})").format(
            due=when(r.due))
        say(console, _("{status}{kind}  {who} at {at}{late}").format(
            status=pad(_("recorded"), 10), kind=_(_KIND[r.entry.kind]), who=who, at=when(r.entry.at), late=late))
    done = sum(1 for r in outcome.results if r.status == "recorded")
    if done == 0:  # "0 recorded, in journal.db" read as if something was written
        say(console, _("nothing new recorded for warning {id} (journal {journal})").format(
            id=esc(outcome.activation.id), journal=esc(outcome.journal)))
        return
    say(console, _("{count} recorded for warning {id} in {journal}").format(
        count=done, id=esc(outcome.activation.id), journal=esc(outcome.journal)))


def print_overdue(outcome: OverdueOutcome) -> None:
    from haze.cli.common import stdout_console
    from haze.core.fmt import tonnes

    console = stdout_console()
    if outcome.activation is None:
        click.echo(_("no active warning (journal {journal})").format(journal=outcome.journal))
        return
    counts = outcome.counts()
    said = _("warning {id} at {at}: {notified} notified (county bureaus), {receipts} receipts, {reports} reports, "
             "{overdue} overdue") if is_city_warning(outcome.activation) else \
        _("warning {id} at {at}: {notified} notified, {receipts} receipts, {reports} reports, {overdue} overdue")
    say(console, said.format(id=esc(outcome.activation.id), at=when(outcome.at), **counts))
    if not outcome.overdue:
        say(console, _("no county is overdue") if is_city_warning(outcome.activation) else _("nobody is overdue"))
        return
    # One line per call to make; on a terminal too narrow for it (a Chinese line is ~110 cells), two:
    # the terminal must never break a phone number or a credit code the officer dials or reads out.
    from rich.text import Text

    for i, m in enumerate(outcome.overdue, 1):
        e = m.enterprise
        contact = " ".join(x for x in (esc(e.contact_name), esc(e.contact_phone)) if x) or _("no contact recorded")
        weight = _(", ") + f"{tonnes(e.daily)} t/d" if e.daily else ""
        fields = {"n": f"{i:>3}", "kind": _(_KIND[m.kind]), "due": when(m.due), "name": esc(e.name),
                  "contact": contact, "id": esc(e.enterprise_id), "weight": weight}
        line = _("{n}. {kind} due {due}  [bold]{name}[/]  {contact}  ({id}{weight})").format(**fields)
        if not console.is_terminal or Text.from_markup(line).cell_len <= console.width:
            say(console, line)
            continue
        say(console, _("{n}. {kind} due {due}  [bold]{name}[/]").format(**fields))
        say(console, "     " + _("{contact}  ({id}{weight})").format(**fields))


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
    end = when_text(w.end) if w.end else _("the last day with data")
    # two lines: one would be ~130 cells, and the terminal's own wrap split a date (20|26-12-03) at 80 (QA)
    say(console, _("[bold]verify {id}[/] ({level}), tolerance {tolerance}").format(
        id=esc(outcome.activation), level=outcome.level, tolerance=f"{outcome.tolerance:.0%}"))
    say(console, _("baseline {first}…{last} ({days} days)").format(first=first, last=last, days=w.baseline_days))
    say(console, _("during {start} → {end}").format(start=when_text(w.start), end=end))
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, title_justify="left")
    columns: tuple[tuple[str, Literal["left", "right"]], ...] = (
        ("#", "right"), (N_("enterprise"), "left"), (N_("expected"), "right"), (N_("observed"), "right"),
        (N_("observed █  expected │"), "left"), (N_("flag"), "left"))
    for name, justify in columns:
        table.add_column(_(name), justify=justify, no_wrap=name != "enterprise",
                         overflow="fold" if name == "enterprise" else "ellipsis")
    for n, c in enumerate(outcome.compared, 1):
        assert c.observed is not None
        flag = {"short": _("[bold red]SHORT[/]"), "treatment": _("[bold yellow]TREATMENT[/]")}.get(c.flag or "", "")
        table.add_row(str(n), esc(c.name), f"{c.expected:.0%}", f"{c.observed:.0%}", _bar_text(c), flag)
    if outcome.compared:
        console.print(table)
    _say_missing(console, outcome.missing)
    flagged = outcome.flagged
    summary = _("{compared} compared, {flagged} flagged, {missing} without data").format(
        compared=len(outcome.compared), flagged=len(flagged), missing=len(outcome.missing))
    if outcome.unknown_ids:  # the ids named, as names are: a terminal line breaks between them only
        said = ngettext("; {count} id in the file was not notified: ", "; {count} ids in the file were not notified: ",
                        outcome.unknown_ids)
        say_list(console, summary + said.format(count=outcome.unknown_ids), _unknown_ids(outcome), _(", "))
    else:
        say(console, summary)
    if outcome.output is not None:
        say(console, _("inspection list (督查清单): {path}").format(path=esc(outcome.output)))


#: ids of the power file the warning did not notify, named in the summary before "…"
UNKNOWN_SHOWN = 3


def _unknown_ids(outcome: VerifyOutcome) -> list[str]:
    """The first ids of the file the warning did not notify, then … for more: a mistyped code is seen."""
    shown = [esc(i) for i in outcome.unknown_sample[:UNKNOWN_SHOWN]]
    return shown + (["…"] if outcome.unknown_ids > len(shown) else [])


def _say_missing(console: Console, missing: list[Comparison]) -> None:
    """One line per reason (无数据, 无基准日…), each naming its enterprises once: not the reason after every name.

    A list of 43 names wraps at names, never inside one (:func:`say_list`).
    """
    words = {"no_data": _("no data"), "no_baseline": _("no baseline day"),
             "no_during": _("no day inside the warning"), "zero_baseline": _("zero baseline")}
    by_reason: dict[str, list[str]] = {}
    for c in missing:
        by_reason.setdefault(c.missing or "", []).append(esc(c.name))
    for reason, names in by_reason.items():
        say_list(console, _("[bold]{reason}[/] ({count}): ").format(
            reason=words.get(reason, esc(reason)), count=len(names)), names, _(", "))


def _bar_text(c: Comparison) -> str:
    assert c.observed is not None
    text = bar(c.observed, c.expected)
    if c.observed < 0:
        return text + _(" ↑{share} more power").format(share=f"{-c.observed:.0%}")
    return text
