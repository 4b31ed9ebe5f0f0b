"""Human output of the city path (SPEC §13): one compact table per county list, then the city total.

Each table is the per-pollutant table of a one-list ``check`` (it fits 80 columns),
titled with the county's region and file, so a city clerk reads the counties in
the order of the lists and the total last, with one verdict naming what falls short.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from haze.cli.reporters.markup import esc, level_title
from haze.core.i18n import N_, _, language

if TYPE_CHECKING:
    from haze.core.city import CityResult, CityTotal
    from haze.core.engine import LevelResult
    from haze.core.model import EnterpriseList

#: the total's basis as a person reads it (the JSON keeps the key: baseline, listed, mixed)
BASIS_WORDS = {"baseline": N_("baseline"), "listed": N_("listed"), "mixed": N_("mixed")}


def county_title(result: LevelResult, enterprise_list: EnterpriseList) -> str:
    return _("{region} ({file}) — {level}, policy {policy}, t/d").format(
        region=esc(enterprise_list.info.region), file=esc(Path(enterprise_list.path).name),
        level=level_title(result.level), policy=esc(result.policy.name))


def total_result(total: CityTotal, results: list[LevelResult]) -> LevelResult:
    """The total as a level result (no enterprises), so the one pollutant table draws it."""
    from haze.core.engine import LevelResult

    return LevelResult(total.level, results[0].policy, total.basis, total.pollutants)


def city_tables(city: CityResult) -> list[Any]:
    from haze.cli.reporters.tables import pollutant_table

    tables = [pollutant_table(r, county_title(r, lst)) for r, lst in zip(city.results, city.lists)]
    title = _("City total, {count} lists — {level}, t/d").format(
        count=len(city.results), level=level_title(city.level))
    tables.append(pollutant_table(total_result(city.total, city.results), title))
    return tables


def city_verdict(city: CityResult) -> str:
    level = level_title(city.level)
    if city.ok:
        text = _("[bold green]MET[/]: {level} requirement reached in every list and in the city total").format(
            level=level)
    else:
        short = [esc(lst.info.region) for r, lst in zip(city.results, city.lists) if not r.ok]
        parts = []
        if short:
            parts.append(_("not met in {regions}").format(regions="、".join(short)))
        if not city.total.ok:
            names = _(", ").join(p.label for p in city.total.failing)
            parts.append(_("city total short in {pollutants}").format(pollutants=names))
        text = _("[bold white on red] NOT MET [/] [bold red]{level}: {parts}[/]").format(level=level,
                                                                                       parts=_("; ").join(parts))
        text += "\n" + _("`haze plan {level} --list …` plans each list").format(level=city.level.value)
    # met or not, as one list's verdict: a ratio of listed emissions is not a share of 全社会排放量
    if city.total.basis == "mixed":
        text += "\n" + _("[yellow]basis: {basis}[/] — some lists give no baseline (全社会排放量): their ratios "
                         "are shares of the listed emissions only").format(basis=_(BASIS_WORDS[city.total.basis]))
    elif city.total.basis == "listed":
        text += "\n" + _("[yellow]basis: {basis}[/] — no list gives a baseline (全社会排放量) for the pollutants "
                         "marked *: their ratios are shares of the listed emissions only").format(
            basis=_(BASIS_WORDS[city.total.basis]))
    return text


def _print_city_result(console: Any, city: Any) -> None:
    """Each county's table, a blank line between them, then the total's verdict."""
    for number, table in enumerate(city_tables(city)):
        if number:
            console.print()
        console.print(table)
    console.print(city_verdict(city))


def print_city_check(outcome: Any, summary: bool = False) -> None:
    """``check LEVEL`` with several lists: each county's table, the total, one verdict (``summary`` is implied)."""
    from haze.cli.common import stdout_console

    console = stdout_console()
    _print_city_result(console, outcome.city)


def city_requirement_table(totals: dict) -> Any:
    """``validate`` with several lists: the city total's ratio per pollutant and level, against the strictest."""
    from rich import box
    from rich.table import Table

    from haze.core.fmt import pct, ratio_pct
    from haze.core.model import POLLUTANTS

    # a ratio of listed emissions (no baseline in some or all lists) is starred, as in one list's table
    starred = any(r.assessed and r.basis != "baseline" for t in totals.values() for r in t.pollutants.values())
    table = Table(title=_("city total by level (the strictest requirement among the lists)"), title_justify="left",
                  title_style="bold", box=box.SIMPLE, show_edge=False, pad_edge=False, show_footer=True,
                  caption=_("* share of listed emissions (no baseline)") if starred else None,
                  caption_justify="left", caption_style="dim")
    table.add_column(_("pollutant"), no_wrap=True, footer=_("met"))
    for level, total in totals.items():
        table.add_column(level.zh if language() == "zh" else level.value, justify="right", no_wrap=True,
                         footer=_("[green]yes[/]") if total.ok else _("[bold red]NO[/]"))
    for p in POLLUTANTS:
        cells = []
        for total in totals.values():
            r = total.pollutants[p]
            star = "*" if r.basis != "baseline" else ""
            if not r.assessed:
                cells.append("[dim]—[/]")
            elif r.ok:
                cells.append(f"{ratio_pct(r.ratio, True)}{star} ≥{pct(r.required, 0)} [green]✓[/]")
            else:
                cells.append(f"[red]{ratio_pct(r.ratio, False)}{star} <{pct(r.required, 0)} ✗[/]")
        table.add_row(f"{p.label} {p.zh}", *cells)
    return table


def print_city_export(outcome: Any) -> None:
    import click

    city = outcome.city
    files = _(", ").join(str(f) for f in outcome.files)
    if city.ok:
        verdict = _("met in every list and in the city total")
    else:
        short = [lst.info.region for r, lst in zip(city.results, city.lists) if not r.ok]
        if not city.total.ok:
            short.append(_("the city total"))
        verdict = _("NOT met: {where}").format(where="、".join(short))
    click.echo(_("wrote {files}: {rows} rows from {count} lists; {level} requirement {verdict}").format(
        files=files, rows=outcome.rows, count=len(city.results), level=level_title(city.level), verdict=verdict))


def print_city_plans(outcome: Any, summary: bool = False, policy: str | None = None) -> None:
    """``plan`` with several lists: each county's plan under its own heading, then one line for the city."""
    from haze.cli.common import stdout_console
    from haze.cli.reporters.text import print_plan

    console = stdout_console()
    for number, planned in enumerate(outcome.plans):
        if number:
            console.print()
        lst = planned.enterprise_list
        console.print(_("[bold]{region}[/] ({file})").format(region=esc(lst.info.region),
                                                            file=esc(Path(lst.path).name)))
        print_plan(planned, summary=summary, policy=policy)
    bad = [esc(p.enterprise_list.info.region) for p in outcome.plans if not p.ok]
    if bad:
        console.print(_("[bold red]no plan meets the level in {regions}[/]").format(regions="、".join(bad)))
    else:
        console.print(_("[bold green]every list is met or has a plan[/]"))


def print_city_activation(outcome: Any) -> None:
    """``activate LEVEL`` with several lists: each county's table, the total, and what was issued to whom."""
    import os

    from haze.cli.common import stdout_console
    from haze.cli.reporters.markup import say, when

    console = stdout_console()
    _print_city_result(console, outcome.city)
    level = outcome.city.level
    closed = outcome.closed
    if closed is not None and outcome.adjusted_from:
        said = (_("warning {id} ({old}) would be superseded: {old} → {new}") if outcome.dry_run
                else _("warning {id} ({old}) is superseded: {old} → {new}"))  # a dry run records nothing
        say(console, said.format(id=esc(closed.id), old=closed.level.value, new=level.value))
    span = (_("from {start} until {until}").format(start=when(outcome.start), until=when(outcome.until))
            if outcome.until else _("from {start} until lifted").format(start=when(outcome.start)))
    numbers = _(" ({first} – {last})").format(first=esc(outcome.numbers[0]), last=esc(outcome.numbers[1])) \
        if outcome.numbers else ""
    directory = esc(f"{outcome.notices.directory.absolute()}{os.sep}")
    for lst, n in zip(outcome.city.lists, outcome.notices.notices):
        say(console, _("  {number} → {authority} ({file})").format(
            number=esc(n["number"]), authority=esc(lst.info.authority), file=esc(n["file"])))
    if outcome.dry_run:
        say(console, _("[bold]dry run[/]: would issue {count} county notices{numbers} into {directory} as {id}, "
                       "{level} {span}; nothing written or recorded").format(
            count=outcome.notices.count, numbers=numbers, directory=directory, id=esc(outcome.id),
            level=level_title(level), span=span))
        return
    # the same head as one list's activation: 橙色预警（orange，Ⅱ级响应），自 … in Chinese
    head = _("{level} ({zh}预警, {response}响应) {span}").format(level=level.value, zh=level.zh,
                                                               response=level.response, span=span)
    say(console, _("[bold]{kind} {id}[/]: {head}").format(kind=_(outcome.kind), id=esc(outcome.id), head=head))
    say(console, _("{count} county notices{numbers} in {directory} (index and manifest.json beside them)").format(
        count=outcome.notices.count, numbers=numbers, directory=directory))
    say(console, _("recorded in {journal}; each county activates its own list with --basis citing its notice "
                   "number").format(journal=esc(outcome.journal)))
