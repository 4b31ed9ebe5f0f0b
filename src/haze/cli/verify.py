"""``haze verify POWER``: metered electricity against the cuts notified (SPEC §18)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Literal

import click

from haze.cli.common import config_option, emit_json, json_option
from haze.cli.lifecycle import esc, journal_option, say

if TYPE_CHECKING:
    from haze.commands.verify import Verified
    from haze.core.response import Comparison

BAR = 16  # characters for 0–100 %


@click.command()
@click.argument("power", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--activation", metavar="ID", help="Another activation than the active warning.")
@click.option("--baseline-days", type=int, default=7, show_default=True, metavar="N",
              help="Days before the start's date whose mean is the baseline.")
@click.option("--tolerance", type=float, default=0.1, show_default=True, metavar="T",
              help="Flag when the observed cut is below the expected one by more than this share.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE.xlsx|csv",
              help="Write the inspection list (督查清单), ordered by gap × daily emissions.")
@click.option("--force", is_flag=True, help="Overwrite the -o file if it exists.")
@journal_option
@json_option
@config_option
def verify(power: Path, activation: str | None, baseline_days: int, tolerance: float, output: Path | None,
           force: bool, journal: str | None, as_json: bool) -> None:
    """Check the cuts with metered electricity (用电监控): POWER is a CSV/XLSX of id, time, kwh[, meter].

    \b
    observed = 1 − (mean daily kWh during the warning) / (mean of the baseline days);
    expected = the enterprise's plant cut recorded when it was notified.
    short: observed < expected − tolerance; treatment: the treatment meter
    (meter = treatment/治污) fell by more than production plus the tolerance.
    Exit 0 none flagged, 1 some flagged, 2 bad input.
    """
    from haze.commands.verify import VerifyOptions, run_verify

    outcome = run_verify(VerifyOptions(power=power, activation=activation, baseline_days=baseline_days,
                                       tolerance=tolerance, journal=Path(journal) if journal else None,
                                       output=output, force=force))
    if as_json:
        emit_json(outcome.to_json())
    else:
        print_verified(outcome)
    if outcome.flagged:  # not an error: the answer is complete, the exit code tells a script there is work
        raise click.exceptions.Exit(1)


def bar(observed: float, expected: float, width: int = BAR) -> str:
    """``█████·····│·····`` : the observed cut filled, the expected cut marked with │."""
    filled = max(0, min(width, round(observed * width)))
    mark = max(0, min(width - 1, round(expected * width) - (1 if expected > 0 else 0)))
    cells = ["█" if i < filled else "·" for i in range(width)]
    cells[mark] = "┃" if mark < filled else "│"
    return "".join(cells)


def print_verified(outcome: Verified) -> None:
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
