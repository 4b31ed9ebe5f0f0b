"""Human output: rich tables for level results (check, activate, validate).

The tables are built when rich renders them, for the width they get: piped
output (80 columns) gets a compact layout with every enterprise name whole,
a wide terminal also gets the credit code and a separate "why" column. Nothing
is coloured only: every fact (stop, key zone, not met) is also in words, so
``NO_COLOR`` and printed output lose nothing.
"""

from __future__ import annotations

import math
from typing import Any, Callable, Iterable

from haze.engine import IDLE, NONCOMPLIANT, ZONE, EnterpriseResult, LevelResult, PollutantResult
from haze.model import POLLUTANTS, Category, Pollutant

STOP = "stop"


def pct(value: float | None) -> str:
    """A share as a percentage with two decimals; ``—`` when not assessed."""
    return "—" if value is None else f"{value * 100:.2f}%"


def ratio_text(r: PollutantResult) -> str:
    """The ratio, never shown as reaching the requirement when it does not.

    A failing ratio is rounded down: 29.996% must not print as "30.00%" next to
    "NO".
    """
    if r.ratio is None:
        return "—"
    if r.ok:
        return pct(r.ratio)
    # The tiny nudge keeps 0.29 (stored as 0.28999…) at "29.00%"; it is far below the 1e-9 tolerance.
    return f"{math.floor(r.ratio * 10000 + 1e-6) / 100:.2f}%"


def cut_text(cut: float) -> str:
    """``stop`` for a full stop, else the cut in percent (``30%``, ``12.5%``)."""
    if cut >= 1.0:
        return STOP
    return f"{cut * 100:.4g}%"


def line_cuts(r: EnterpriseResult) -> str:
    """One cut when every line has it, else the cuts line by line (``40%/stop``)."""
    if r.reason == IDLE or not r.lines:
        return "—"
    cuts = [cut_text(line.cut) for line in r.lines]
    return cuts[0] if len(set(cuts)) == 1 else "/".join(cuts)


def tonnes(value: float) -> str:
    return f"{value:.4f}"


def reduction_text(value: float, decimals: int = 4) -> str:
    """Per-enterprise reductions: a bare 0 when nothing is cut (less noise)."""
    return "0" if value == 0 else f"{value:.{decimals}f}"


class _Fitted:
    """A renderable that picks the first layout whose natural width fits the console.

    Layouts go from the richest to the most compact; the last is used even when
    too wide (rich then wraps its flexible columns rather than cutting them).
    """

    def __init__(self, layouts: list[Callable[[], Any]]) -> None:
        self.layouts = layouts

    def choose(self, console: Any, options: Any) -> Any:
        from rich.measure import Measurement

        # Measure unconstrained: rich clamps a measurement to the width it is given.
        free = options.update_width(10_000)
        for build in self.layouts[:-1]:
            table = build()
            if Measurement.get(console, free, table).maximum <= options.max_width:
                return table
        return self.layouts[-1]()

    def __rich_console__(self, console: Any, options: Any) -> Iterable[Any]:
        yield self.choose(console, options)

    def __rich_measure__(self, console: Any, options: Any) -> Any:
        from rich.measure import Measurement

        return Measurement.get(console, options, self.choose(console, options))


def _table(title: str | None = None, caption: str | None = None, footer: bool = False) -> Any:
    from rich import box
    from rich.table import Table

    return Table(title=title, caption=caption, title_justify="left", caption_justify="left", box=box.SIMPLE_HEAD,
                 show_edge=False, pad_edge=False, collapse_padding=True, show_footer=footer, title_style="bold", caption_style="dim")


def level_title(result: LevelResult) -> str:
    level = result.level
    return f"{level.value} ({level.zh}预警, {level.response}响应) — policy {result.policy.name}, t/d"


# -- per pollutant -------------------------------------------------------------

def pollutant_table(result: LevelResult, title: str | None = None) -> Any:
    """Baseline, reduction, ratio, requirement, shortfall and verdict per pollutant."""
    heading = title or level_title(result)
    return _Fitted([lambda: _pollutant_table(result, heading, chinese=True),
                    lambda: _pollutant_table(result, heading, chinese=False)])


def _pollutant_table(result: LevelResult, title: str, chinese: bool) -> Any:
    listed = any(r.assessed and r.basis == "listed" for r in result.pollutants.values())
    caption = "* listed: no baseline (全社会排放量) in the list; the share is of listed emissions" if listed else None
    table = _table(title, caption)
    table.add_column("pollutant", no_wrap=True)
    for name in ("baseline", "reduction", "ratio", "required", "shortfall"):
        table.add_column(name, justify="right", no_wrap=True)
    table.add_column("met", justify="center", no_wrap=True)
    for p, r in result.pollutants.items():
        label = f"{p.label} {p.zh}" if chinese else p.label
        baseline = tonnes(r.baseline) + ("*" if r.basis == "listed" else "")
        table.add_row(label, baseline, tonnes(r.reduction), ratio_text(r), pct(r.required), tonnes(r.shortfall),
                      _met(r))
    return table


def _met(r: PollutantResult) -> str:
    if not r.assessed:
        return "[dim]n/a[/]"
    return "[green]yes[/]" if r.ok else "[bold red]NO[/]"


# -- per enterprise --------------------------------------------------------------

def enterprise_table(result: LevelResult) -> Any:
    """Each enterprise's grade, effective level and why, cut, and daily reductions; then totals."""
    return _Fitted([lambda: _enterprise_table(result, wide=True),
                    lambda: _enterprise_table(result, wide=False),
                    lambda: _enterprise_table(result, wide=False, decimals=3)])


def _enterprise_table(result: LevelResult, wide: bool, decimals: int = 4) -> Any:
    """The wide layout has the credit code, level and why in columns; the compact one
    (80 columns) puts why under the name, only where the level is not the declared one,
    and drops to kilogram precision (3 decimals of t/d) rather than wrap names."""
    table = _table(f"reductions by enterprise, t/d ({result.level.value})", footer=True)
    if wide:
        table.add_column("#", justify="right", no_wrap=True)
        table.add_column("credit code", no_wrap=True)
    # The name may wrap but never shrinks below six characters: it is what staff look for.
    table.add_column("enterprise", min_width=12, overflow="fold", footer="total")
    table.add_column("grade", no_wrap=True)
    if wide:
        table.add_column("level", no_wrap=True)
        table.add_column("why", no_wrap=True)
    table.add_column("cut", no_wrap=True)
    totals = _totals(result)
    for p in POLLUTANTS:
        table.add_column(p.label, justify="right", no_wrap=True, footer=f"{totals[p]:.{decimals}f}")
    last = len(result.enterprises)
    for number, r in enumerate(result.enterprises, 1):
        e = r.enterprise
        if wide:
            cells = [str(number), e.id, e.name, e.grade.value, _level_cell(r), _why_cell(r, wide)]
        else:
            why = _why_cell(r, wide)
            cells = [f"{e.name}\n{why}" if why else e.name, e.grade.value]
        table.add_row(*cells, _cut_cell(r, wide), *(reduction_text(r.reduction[p], decimals) for p in POLLUTANTS),
                      style="dim" if r.reason == IDLE else None, end_section=number == last)
    for s in result.other_sources:
        name = f"{s.source.name} ({s.source.kind})" if s.source.kind else s.source.name
        cells = ["", "", name, "—", result.level.value, "other source"] if wide else [name, "—"]
        table.add_row(*cells, cut_text(s.cut), *(reduction_text(s.reduction[p], decimals) for p in POLLUTANTS))
    return table


def _cut_cell(r: EnterpriseResult, wide: bool) -> str:
    cuts = line_cuts(r)
    if not wide:  # two lines' cuts per row of text keep the column narrow: "stop/50%/" "50%"
        parts = cuts.split("/")
        cuts = "/\n".join("/".join(parts[i:i + 2]) for i in range(0, len(parts), 2))
    stopped = r.reason != IDLE and r.lines and all(line.cut >= 1.0 for line in r.lines)
    return f"[bold red]{cuts}[/]" if stopped else cuts


def _level_cell(r: EnterpriseResult) -> str:
    level = r.effective_level.value
    return f"[bold]{level}[/]" if r.reason == ZONE else level


def _why_cell(r: EnterpriseResult, wide: bool) -> str:
    """Why the enterprise does what it does, when it is not simply the declared level."""
    if r.reason == ZONE:  # the compact layout has no level column: say where it was raised to
        return "[bold]key zone ↑[/]" if wide else f"[bold]key zone ↑{r.effective_level.value}[/]"
    if r.reason == NONCOMPLIANT:
        return "[bold red]noncompliant: stops[/]"
    if r.reason == IDLE:
        return "idle: not counted"
    if r.enterprise.category is Category.GUARANTEE:
        return "guarantee (保障类)"
    return ""


def _totals(result: LevelResult) -> dict[Pollutant, float]:
    return {p: r.reduction for p, r in result.pollutants.items()}


# -- verdict -------------------------------------------------------------------------

def verdict(result: LevelResult) -> str:
    """One line (two with a listed basis): met, or NOT MET with each failing pollutant's gap."""
    level = result.level
    head = f"{level.value} ({level.zh}预警, {level.response}响应)"
    if result.ok:
        text = f"[bold green]MET[/]: {head} requirement reached for every pollutant"
    else:
        parts = []
        for p in result.failing:
            r = result.pollutants[p]
            parts.append(f"{p.label} {ratio_text(r)} < {pct(r.required)}, short {tonnes(r.shortfall)} t/d")
        text = (f"[bold white on red] NOT MET [/] [bold red]{head}: " + "; ".join(parts) + "[/]"
                + f"\n`haze plan {level.value}` proposes the added cuts that would meet it")
    if result.basis == "listed" or any(r.assessed and r.basis == "listed" for r in result.pollutants.values()):
        text += "\n[yellow]basis: listed[/] — the list gives no baseline (全社会排放量) for every pollutant; " \
                "ratios marked * are shares of listed emissions"
    return text
