"""Human output: rich tables for level results (check, activate, validate)."""

from __future__ import annotations

from typing import Any

from haze.engine import IDLE, LevelResult
from haze.model import POLLUTANTS

REASONS = {"level": "", "zone": "key zone ↑", "noncompliant": "noncompliant: stop", "idle": "idle"}


def pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def cut_text(cut: float) -> str:
    if cut >= 1.0:
        return "stop"
    return f"{cut * 100:g}%"


def tonnes(value: float) -> str:
    return f"{value:.4f}"


def pollutant_table(result: LevelResult, title: str | None = None) -> Any:
    from rich.table import Table

    level = result.level
    table = Table(title=title or f"{level.value} ({level.zh}预警, {level.response}响应) — policy {result.policy.name}",
                  title_justify="left")
    for name, justify in (("pollutant", "left"), ("baseline t/d", "right"), ("reduction t/d", "right"),
                          ("ratio", "right"), ("required", "right"), ("shortfall t/d", "right"), ("met", "center")):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for p, r in result.pollutants.items():
        met = "—" if not r.assessed else ("[green]yes[/]" if r.ok else "[bold red]NO[/]")
        basis = "" if r.basis == "baseline" else " (listed)"
        table.add_row(f"{p.label} {p.zh}", tonnes(r.baseline) + basis, tonnes(r.reduction), pct(r.ratio),
                      pct(r.required), tonnes(r.shortfall), met)
    return table


def enterprise_table(result: LevelResult) -> Any:
    from rich.table import Table

    table = Table(title="enterprises", title_justify="left")
    for name in ("id", "name", "grade", "level", "why", "cut"):
        table.add_column(name)
    for p in POLLUTANTS:
        table.add_column(f"{p.label} t/d", justify="right")
    for r in result.enterprises:
        e = r.enterprise
        if r.reason == IDLE:
            cut = "—"
        elif len({line.cut for line in r.lines}) == 1:
            cut = cut_text(r.lines[0].cut)
        else:
            cut = " / ".join(cut_text(line.cut) for line in r.lines)
        table.add_row(e.id, e.name, e.grade.value, r.effective_level.value, REASONS.get(r.reason, r.reason), cut,
                      *(tonnes(r.reduction[p]) for p in POLLUTANTS))
    for s in result.other_sources:
        table.add_row("", s.source.name, "", "", s.source.kind or "other source", cut_text(s.cut),
                      *(tonnes(s.reduction[p]) for p in POLLUTANTS))
    return table


def verdict(result: LevelResult) -> str:
    level = result.level
    head = f"{level.value} ({level.zh}预警 {level.response})"
    if result.ok:
        text = f"[bold green]MET[/]: {head} requirement reached for every pollutant"
    else:
        parts = [f"{p.label} {pct(result.pollutants[p].ratio)} < {pct(result.pollutants[p].required)} "
                 f"(short {tonnes(result.pollutants[p].shortfall)} t/d)" for p in result.failing]
        text = f"[bold red]NOT MET[/]: {head}: " + "; ".join(parts) + " — see `haze plan " + level.value + "`"
    if result.basis == "listed":
        text += "\n[yellow]basis: listed[/] — the list gives no baseline (全社会排放量); ratios are of listed emissions"
    return text
