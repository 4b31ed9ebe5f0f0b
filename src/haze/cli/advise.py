"""``haze advise FORECAST``: the level the forecast calls for and the action (SPEC §18)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from haze.cli.common import config_option, emit_json, json_option, policy_option

if TYPE_CHECKING:
    from haze.commands.advise import Advised

_NEXT = {
    "activate": "start a warning: haze activate {level}",
    "adjust": "change the level (升级/降级): haze activate {level}",
    "keep": "keep the active {active} warning",
    "lift": "no rule holds on the forecast: consider haze lift",
    "none": "no warning is called for",
}


@click.command()
@click.argument("forecast", type=click.Path(dir_okay=False, path_type=Path))
@policy_option
@click.option("--region", metavar="NAME", help="The region to read when the forecast lists several.")
@click.option("--journal", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="The journal to read the active warning from (read only; default: the nearest .haze/journal.db).")
@json_option
@config_option
def advise(forecast: Path, policy: str | None, region: str | None, journal: Path | None, as_json: bool) -> None:
    """Recommend a level from a daily AQI FORECAST (CSV, XLSX or YAML: date, aqi[, region]).

    \b
    Thresholds are the policy's `triggers` (shipped: 环大气〔2024〕6号, key regions).
    The action compares with the active warning in the journal:
    activate, keep, adjust, lift or none. Writes nothing.
    Exit 0, 2 bad input (every bad row named).
    """
    from haze.commands.advise import AdviseOptions, run_advise

    outcome = run_advise(AdviseOptions(forecast=forecast, policy=policy, region=region, journal=journal))
    if as_json:
        emit_json(outcome.advice.to_json())
    else:
        print_advice(outcome)


def print_advice(outcome: Advised) -> None:
    from haze.cli.common import stdout_console
    from haze.cli.lifecycle import esc, say

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
