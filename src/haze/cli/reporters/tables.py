"""The rich tables of the human output: a level result (check, activate), validate's levels, plan.

Tables are laid out when they are printed, for the width they get: piped
output (80 columns) gets a compact layout with every enterprise name whole, a
wide terminal also gets the credit code and separate level and why columns.
Nothing is said by colour alone: stop, key zone, noncompliant and NOT MET are
words too, so ``NO_COLOR`` and printed output lose nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from haze.core.engine import (
    IDLE,
    NONCOMPLIANT,
    ZONE,
    EnterpriseResult,
    LevelResult,
    PollutantResult,
)
from haze.cli.reporters.markup import level_title as named_level
from haze.core.findings import BLOCKING
from haze.core.i18n import N_, _, language, ngettext
from haze.core.fmt import cut_label as _cut_label
from haze.core.fmt import cut_pct, pct, ratio_pct, tonnes
from haze.core.grades import NORMAL, CategoryDef
from haze.core.labels import REASON_LABELS, kind_label, label
from haze.core.model import POLLUTANTS, Pollutant

if TYPE_CHECKING:
    from haze.commands.plan import Plan


def cut_label(cut: float) -> str:
    """``stop`` (停产 in Chinese) or the cut in percent."""
    return _cut_label(cut, "zh" if language() == "zh" else "en")


def ratio_text(r: PollutantResult) -> str:
    """The ratio, never shown as reaching the requirement when it does not (haze.core.fmt.ratio_pct)."""
    return ratio_pct(r.ratio, r.ok)


def line_cuts(r: EnterpriseResult) -> str:
    """One cut when every line has it, else the cuts line by line (``40%/stop``)."""
    if r.reason == IDLE or not r.lines:
        return "—"
    cuts = [cut_label(line.cut) for line in r.lines]
    return cuts[0] if len(set(cuts)) == 1 else "/".join(cuts)


def reduction_text(value: float, decimals: int = 4) -> str:
    """Per-enterprise reductions: a bare 0 when nothing is cut (less noise)."""
    return "0" if value == 0 else tonnes(value, decimals)


class _Fitted:
    """A renderable that picks the first layout whose natural width fits the console.

    Layouts go from the richest to the most compact; the last is used even when
    too wide (its folding column then wraps rather than anything being cut).
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


def _table(title: str | None) -> Any:
    from rich import box
    from rich.table import Table

    return Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False,
                 collapse_padding=True, title_style="bold")


def level_title(result: LevelResult) -> str:
    from rich.markup import escape

    # a bureau's policy name is data: escaped, never read as markup
    return _("{level} — policy {policy}, t/d").format(level=named_level(result.level),
                                                        policy=escape(result.policy.name))


# -- per pollutant -------------------------------------------------------------

def pollutant_table(result: LevelResult, title: str | None = None) -> Any:
    """Baseline, reduction, ratio, requirement, shortfall and verdict per pollutant."""
    from rich.console import Group
    from rich.text import Text

    # The heading is a line above the table, not its title: a title wraps to the table's width, and a
    # city's county heading (示例一县（county-1.yaml）— … 政策 shanxi-2024，吨/日) split mid-phrase at 80 columns.
    heading = Text.from_markup(title or level_title(result), style="bold")
    return Group(heading, _Fitted([lambda: _pollutant_table(result, chinese=True),
                                   lambda: _pollutant_table(result, chinese=False)]))


def _pollutant_table(result: LevelResult, chinese: bool) -> Any:
    table = _table(None)  # a "*" on a baseline (listed basis) is explained by the verdict
    table.add_column(_("pollutant"), no_wrap=True)
    for name in (N_("baseline"), N_("reduction"), N_("ratio"), N_("required"), N_("shortfall")):
        table.add_column(_(name), justify="right", no_wrap=True)
    table.add_column(_("met"), justify="center", no_wrap=True)
    for p, r in result.pollutants.items():
        label = f"{p.label} {p.zh}" if chinese else p.label
        baseline = tonnes(r.baseline) + ("*" if r.basis == "listed" else "")
        table.add_row(label, baseline, tonnes(r.reduction), ratio_text(r), pct(r.required), tonnes(r.shortfall),
                      _met(r))
    return table


def _met(r: PollutantResult) -> str:
    if not r.assessed:
        return _("[dim]n/a[/]")
    return _("[green]yes[/]") if r.ok else _("[bold red]NO[/]")


# -- per enterprise --------------------------------------------------------------

#: one line of a grid cell: its text and a rich style ("" for none)
Span = tuple[str, str]


@dataclass
class GridColumn:
    header: str
    right: bool = False  # numbers are right-aligned
    footer: str = ""
    fold: bool = False  # the one column that wraps when the grid is too wide
    min_width: int = 1


class Grid:
    """Columns of plain text, drawn line by line: a bold title, header, rule, rows,
    a blank line between sections, then the footer (totals).

    rich's Table measures, pads and wraps every cell through several layers, a
    few milliseconds a row: a province's 20,000 enterprises would take minutes.
    This draws the same simple layout for one ``cell_len`` per cell. Cells are
    data, never markup, so an enterprise named "[B]…" prints as written.
    """

    GAP = 2

    def __init__(self, title: str, columns: list[GridColumn]) -> None:
        self.title = title
        self.columns = columns
        self.rows: list[tuple[list[list[Span]], str]] = []
        self.breaks: set[int] = set()

    def add_row(self, cells: list[str | list[Span]], style: str = "", end_section: bool = False) -> None:
        self.rows.append(([[(c, "")] if isinstance(c, str) else c for c in cells], style))
        if end_section:
            self.breaks.add(len(self.rows) - 1)

    def widths(self) -> list[int]:
        from rich.cells import cell_len

        widths = [max(cell_len(c.header), cell_len(c.footer)) for c in self.columns]
        for cells, _style in self.rows:
            for i, cell in enumerate(cells):
                for text, _style2 in cell:
                    widths[i] = max(widths[i], cell_len(text))
        return widths

    def fit(self, max_width: int) -> list[int]:
        """Natural widths, the folding column narrowed (never below its minimum) to fit ``max_width``."""
        widths = self.widths()
        excess = sum(widths) + self.GAP * (len(widths) - 1) - max_width
        for i, column in enumerate(self.columns):
            if excess > 0 and column.fold:
                narrower = max(column.min_width, widths[i] - excess)
                excess -= widths[i] - narrower
                widths[i] = narrower
        return widths

    def __rich_measure__(self, console: Any, options: Any) -> Any:
        from rich.measure import Measurement

        width = sum(self.widths()) + self.GAP * (len(self.columns) - 1)
        return Measurement(width, width)

    def __rich_console__(self, console: Any, options: Any) -> Iterable[Any]:
        from rich.segment import Segment

        widths = self.fit(options.max_width)
        styles: dict[str, Any] = {}

        def style(name: str) -> Any:
            if name not in styles:
                styles[name] = console.get_style(name) if name else None
            return styles[name]

        yield Segment(self.title, style("bold"))
        yield Segment.line()
        yield from self._row([[(c.header, "bold")] for c in self.columns], widths, "", style)
        yield Segment("─" * (sum(widths) + self.GAP * (len(widths) - 1)))
        yield Segment.line()
        last = len(self.rows) - 1
        for index, (cells, row_style) in enumerate(self.rows):
            yield from self._row(cells, widths, row_style, style)
            if index in self.breaks and index != last:  # after the last row the footer's own blank line
                yield Segment.line()
        if any(c.footer for c in self.columns):
            yield Segment.line()
            yield from self._row([[(c.footer, "bold")] for c in self.columns], widths, "", style)

    def _row(self, cells: list[list[Span]], widths: list[int], row_style: str,
             style: Callable[[str], Any]) -> Iterable[Any]:
        from rich.cells import cell_len, chop_cells, set_cell_size
        from rich.segment import Segment

        lines: list[list[Span]] = []
        for cell, width in zip(cells, widths):
            folded = [(piece, s) for text, s in cell
                      for piece in (chop_cells(text, width) if cell_len(text) > width else [text])]
            lines.append(folded)
        for k in range(max(len(spans) for spans in lines)):
            out: list[tuple[str, str]] = []
            for i, (spans, width) in enumerate(zip(lines, widths)):
                text, cell_style = spans[k] if k < len(spans) else ("", "")
                room = width - cell_len(text)
                padded = set_cell_size(text, width) if room < 0 or not self.columns[i].right \
                    else " " * room + text
                out.append((padded, " ".join(filter(None, (row_style, cell_style)))))
            while out and not out[-1][0].strip():  # no trailing blanks when piped
                out.pop()
            for i, (text, cell_style) in enumerate(out):
                if i:
                    yield Segment(" " * self.GAP)
                yield Segment(text.rstrip() if i == len(out) - 1 else text, style(cell_style))
            yield Segment.line()


def enterprise_table(result: LevelResult) -> Any:
    """Each enterprise's grade, effective level and why, cut, and daily reductions; then totals.

    The widest layout that fits is used: credit code, level and why in columns
    on a wide terminal; at 80 columns why goes under the name (only where the
    level is not the declared one), then cuts of many lines take two per row,
    then reductions drop to kilograms (3 decimals of t/d) rather than wrap names.
    """
    return _Fitted([lambda: _enterprise_table(result, wide=True),
                    lambda: _enterprise_table(result, wide=False),
                    lambda: _enterprise_table(result, wide=False, split=True),
                    lambda: _enterprise_table(result, wide=False, split=True, decimals=3)])


def _enterprise_table(result: LevelResult, wide: bool, split: bool = False, decimals: int = 4) -> Grid:
    totals = _totals(result)
    columns = [GridColumn("#", right=True), GridColumn(_("credit code"))] if wide else []
    # The name may wrap but never below six characters: it is what staff look for.
    columns += [GridColumn(_("enterprise"), footer=_("total"), fold=True, min_width=12), GridColumn(_("grade"))]
    columns += [GridColumn(_("level")), GridColumn(_("why"))] if wide else []
    columns += [GridColumn(_("cut"))]
    columns += [GridColumn(p.label, right=True, footer=tonnes(totals[p], decimals)) for p in POLLUTANTS]
    shown = result.level.zh if language() == "zh" else result.level.value  # 橙色 under --ui zh, not orange
    grid = Grid(_("reductions by enterprise, t/d ({level})").format(level=shown, zh=result.level.zh),
                columns)
    last = len(result.enterprises)
    for number, r in enumerate(result.enterprises, 1):
        e = r.enterprise
        why = _why_cell(r, wide, result.policy.categories.get(r.category))
        if wide:
            head: list[str | list[Span]] = [str(number), e.id, e.name, grade_cell(result, r.grade), _level_cell(r),
                                            [why]]
        else:
            # the reason on the name's second line, indented as a line's row is: flush left, 保障类 or 已停产，不计减排
            # read as an enterprise of its own (QA helper-51)
            head = [[(e.name, ""), (f"  {why[0]}", why[1])] if why[0] else e.name, grade_cell(result, r.grade)]
        by_line = _cuts_differ(r)
        cut = [(_("by line"), "")] if by_line else _cut_cell(r, split)
        grid.add_row([*head, cut, *(reduction_text(r.reduction[p], decimals) for p in POLLUTANTS)],
                     style="dim" if r.reason == IDLE else "", end_section=number == last and not by_line)
        if by_line:
            _add_line_rows(grid, r, wide, decimals, end_section=number == last)
    for s in result.other_sources:
        name = (_("{name} ({kind})").format(name=s.source.name, kind=kind_label(s.source.kind, language()))
                if s.source.kind else s.source.name)
        cells: list[str | list[Span]] = ["", "", name, "—", result.level.value, _("other source")] if wide \
            else [name, "—"]
        grid.add_row([*cells, cut_label(s.cut), *(reduction_text(s.reduction[p], decimals) for p in POLLUTANTS)])
    return grid


def grade_cell(result: LevelResult, key: str) -> str:
    """A grade as the table shows it: A–D as keyed; in Chinese, the policy's word for the others (未评级, 引领性).

    The key stays in English in ``--json`` and in English tables, like the level keys.
    """
    grade = result.policy.grades.get(key)
    if grade is None or len(key) == 1 or language() != "zh":
        return key
    return grade.zh


def _cuts_differ(r: EnterpriseResult) -> bool:
    """The lines are cut differently: "40%/40%/20%" would not say which line cuts what."""
    return r.reason != IDLE and len({cut_label(line.cut) for line in r.lines}) > 1


def _add_line_rows(grid: Grid, r: EnterpriseResult, wide: bool, decimals: int, end_section: bool) -> None:
    """One row per production line under its enterprise: the line's name beside its cut and reductions."""
    for k, line in enumerate(r.lines):
        blank: list[str | list[Span]] = ["", ""] if wide else []
        name: list[Span] = [(f"  └ {line.name}", "")]
        middle: list[str | list[Span]] = ["", "", ""] if wide else [""]
        style = "bold red" if line.cut >= 1 else ""
        cells = [*blank, name, *middle, [(cut_label(line.cut), style)],
                 *(reduction_text(line.daily.get(p, 0.0) * line.cut, decimals) for p in POLLUTANTS)]
        grid.add_row(cells, end_section=end_section and k == len(r.lines) - 1)


def _cut_cell(r: EnterpriseResult, split: bool) -> list[Span]:
    cuts = line_cuts(r)
    style = "bold red" if r.stopped and r.reason != IDLE else ""
    if not split:
        return [(cuts, style)]
    parts = cuts.split("/")  # two lines' cuts per row of text: "stop/50%/" then "50%"
    return [("/".join(parts[i:i + 2]) + ("/" if i + 2 < len(parts) else ""), style) for i in range(0, len(parts), 2)]


def _level_cell(r: EnterpriseResult) -> list[Span]:
    return [(r.effective_level.value, "bold" if r.reason == ZONE else "")]


def _why_cell(r: EnterpriseResult, wide: bool, category: CategoryDef | None = None) -> Span:
    """Why the enterprise does what it does, when it is not simply the declared level."""
    if r.reason == ZONE:  # the compact layout has no level column: say where it was raised to
        zone = label(REASON_LABELS, ZONE, _language())
        raised = r.effective_level.zh if language() == "zh" else r.effective_level.value
        return (f"{zone} ↑", "bold") if wide else (f"{zone} ↑{raised}", "bold")
    if r.reason in (NONCOMPLIANT, IDLE):
        return (label(REASON_LABELS, r.reason, _language()), "bold red" if r.reason == NONCOMPLIANT else "")
    if r.category != NORMAL and category is not None:
        # the category's name where its measure (or load limit) applied; above its ceiling it says so
        name = category.zh if language() == "zh" else category.en
        if any(line.source == "category" for line in r.lines):
            return ((name if language() == "zh" else f"{category.en} ({category.zh})"), "")
        if category.exempt_up_to is not None and r.effective_level > category.exempt_up_to:
            return (_("{category} above {level}").format(category=name, level=category.exempt_up_to.value), "")
    return ("", "")


def _language() -> str:
    """The language of the labels of core/labels.py: Chinese in a Chinese interface."""
    return "zh" if language() == "zh" else "en"


def _totals(result: LevelResult) -> dict[Pollutant, float]:
    return {p: r.reduction for p, r in result.pollutants.items()}


# -- verdict -------------------------------------------------------------------------

def verdict(result: LevelResult) -> str:
    """MET, or NOT MET with each failing pollutant's gap and where to look next;
    then a note when any ratio is a share of listed emissions only."""
    level = result.level
    head = named_level(level)
    if result.ok:
        text = _("[bold green]MET[/]: {level} requirement reached for every pollutant").format(level=head)
    else:
        parts = []
        for p in result.failing:
            r = result.pollutants[p]
            parts.append(_("{pollutant} {ratio} < {required}, short {shortfall} t/d").format(
                pollutant=p.label, ratio=ratio_text(r), required=pct(r.required), shortfall=tonnes(r.shortfall)))
        shortfalls = _("{level}: {shortfalls}").format(level=head, shortfalls=_("; ").join(parts))
        text = (_("[bold white on red] NOT MET [/]") + f" [bold red]{shortfalls}[/]\n"
                + _("`haze plan {level}` proposes the added cuts that would meet it").format(level=level.value))
    if any(r.assessed and r.basis == "listed" for r in result.pollutants.values()):
        text += "\n" + _("[yellow]basis: listed[/] — the list gives no baseline (全社会排放量) for the pollutants "
                         "marked *: their ratios are shares of the listed emissions only")
    return text


# -- validate: the requirement at every level --------------------------------------

def requirement_table(result: Any) -> Any:
    """Ratio per pollutant (rows) and level (columns), ✓ or ✗, the requirement in each heading."""
    from rich import box
    from rich.markup import escape
    from rich.table import Table

    levels = list(result.levels.values())
    listed = any(p.assessed and p.basis == "listed" for r in levels for p in r.pollutants.values())
    # a policy file's name is data: escaped, never read as markup
    table = Table(title=_("requirement by level — policy {policy}").format(policy=escape(result.policy)),
                  title_justify="left",
                  title_style="bold", box=box.SIMPLE, show_edge=False, pad_edge=False, show_footer=True,
                  caption=_("* share of listed emissions (no baseline)") if listed else None,
                  caption_justify="left", caption_style="dim")
    table.add_column(_("pollutant"), no_wrap=True, footer=_("met"))
    for r in levels:
        table.add_column(_level_heading(r), justify="right", no_wrap=True,
                         footer=_("[green]yes[/]") if r.ok else _("[bold red]NO[/]"))
    for p in POLLUTANTS:
        table.add_row(f"{p.label} {p.zh}", *(_ratio_cell(r, p) for r in levels))
    return table


def _level_heading(result: Any) -> str:

    required = result.policy.uniform_requirement(result.level)
    # the requirement rounded up, like a cut: never shown as less than is asked
    name = result.level.zh if language() == "zh" else result.level.value
    return f"{name} ≥{cut_pct(required)}" if isinstance(required, float) else name


def _ratio_cell(result: Any, pollutant: Any) -> str:
    """``26.52% ✓``; a failing ratio is rounded down and carries its requirement when it differs by pollutant."""

    r = result.pollutants[pollutant]
    if not r.assessed:
        return "[dim]—[/]"
    star = "*" if r.basis == "listed" else ""
    shown = ratio_pct(r.ratio, r.ok)
    if r.ok:
        return f"{shown}{star} [green]✓[/]"
    need = "" if isinstance(result.policy.uniform_requirement(result.level), float) else f" <{pct(r.required)}"
    return f"[red]{shown}{star}{need} ✗[/]"


def file_verdict(result: Any) -> Any:
    """``list.yaml: 0 errors, 3 warnings — valid`` (and why no table, when blocked)."""
    from rich.text import Text

    errors = ngettext("{count} error", "{count} errors", result.errors).format(count=result.errors)
    warnings = ngettext("{count} warning", "{count} warnings", result.warnings).format(count=result.warnings)
    text = Text(_("{path}: {errors}, {warnings} — ").format(path=result.path, errors=errors, warnings=warnings))
    text.append(_("valid") if result.ok else _("NOT VALID"), style="bold green" if result.ok else "bold red")
    if not result.computed and any(f.code in BLOCKING and f.is_error for f in result.findings):
        text.append(_(" (levels not computed: fix the blocking errors first)"))
    return text



# -- plan -------------------------------------------------------------------------------

def _titled(title: str, table: Any) -> Any:
    """A bold heading line above ``table`` (a title would wrap to the table's width), as check's tables."""
    from rich.console import Group
    from rich.text import Text

    return Group(Text.from_markup(title, style="bold"), table)


def tier_table(result: Plan) -> Any:
    from haze.core.model import POLLUTANTS

    table = _table(None)
    for name in (N_("grades"), "t", N_("ent."), N_("lines"), *(p.label for p in POLLUTANTS)):
        table.add_column(_(name), justify="left" if name == "grades" else "right", no_wrap=True)
    for tier in result.tiers:
        table.add_row("/".join(grade_cell(result.before, g) for g in tier.grades), f"{tier.percent}%", str(tier.enterprises),
                      str(len(tier.changes)), *(tonnes(tier.added(p)) for p in POLLUTANTS))
    return _titled(_("tiers: each line's cut → cut + t × (1 − cut); added reduction t/d"), table)


def change_table(result: Plan) -> Any:
    """The lines raised, laid out as check lays out its enterprises: plain rules, the credit code only when it
    fits, and a name that wraps only when even the compact layout cannot hold it (never cut to "示例县中兴化 …")."""
    return _titled(_("lines raised (— = the whole enterprise)"),
                   _Fitted([lambda: _change_table(result, wide=True), lambda: _change_table(result, wide=False)]))


def _change_table(result: Plan, wide: bool) -> Any:
    from rich.text import Text

    table = _table(None)
    names = (N_("id"), N_("name"), N_("line"), N_("grade"), N_("level"), N_("cut")) if wide else \
        (N_("name"), N_("line"), N_("grade"), N_("level"), N_("cut"))
    for name in names:
        fold = not wide and name in ("name", "line")
        table.add_column(_(name), no_wrap=not fold, overflow="fold" if fold else "ellipsis",
                         min_width=12 if name == "name" else None)
    chinese = language() == "zh"
    for tier in result.tiers:
        for change in tier.changes:
            r = result.before.enterprises[change.enterprise]
            e = r.enterprise
            line = r.lines[change.line].name if e.has_lines else "—"
            level = r.effective_level.zh if chinese else r.effective_level.value
            # names, codes and line names are list data: Text, never parsed as markup
            cells = [Text(e.id)] if wide else []
            table.add_row(*cells, Text(e.name), Text(line), grade_cell(result.before, r.grade), level,
                          f"{cut_label(change.old_cut)} → {cut_label(change.new_cut)}")
    return table


def plan_ratio_table(result: Plan) -> Any:
    from rich.markup import escape

    table = _table(None)
    for name in (N_("pollutant"), N_("before"), N_("after"), N_("required"), N_("met")):
        table.add_column(_(name), justify="left" if name == "pollutant" else "right", no_wrap=True)
    for p, before in result.before.pollutants.items():
        after = result.after.pollutants[p]
        met = "—" if not after.assessed else (_("[green]yes[/]") if after.ok else _("[bold red]NO[/]"))
        binding = _(" (binding)") if p in result.binding else ""
        # a ratio short of the requirement is rounded down: it never reads as reaching it
        table.add_row(f"{p.label} {p.zh}{binding}", ratio_pct(before.ratio, before.ok), ratio_pct(after.ratio, after.ok),
                      pct(after.required), met)
    return _titled(_("{level} — policy {policy}").format(level=named_level(result.level),
                                                         policy=escape(result.before.policy.name)), table)


def describe_tiers(result: Plan) -> str:
    """``D 100%, unrated/nonleading 35%``; in Chinese the grades as the tier table names them (未评级/非引领性)."""
    if language() != "zh":
        from haze.commands.plan import describe_tiers as keyed

        return keyed(result)
    return "，".join(f"{'/'.join(grade_cell(result.before, g) for g in tier.grades)} {tier.percent}%"
                    for tier in result.tiers)


def plan_verdict(result: Plan) -> str:
    head = named_level(result.level)
    binding = ("、" if language() == "zh" else ", ").join(p.label for p in result.binding)
    if result.already_met:
        text = _("[bold green]MET[/]: {level} is already met; nothing to add").format(level=head)
    elif result.feasible:
        text = _("[bold green]PLAN[/]: {level} is met by raising {tiers} (binding: {binding})").format(
            level=head, tiers=describe_tiers(result), binding=binding)
    else:
        after = result.after.pollutants
        best = _("; ").join(_("{pollutant} at most {ratio} < {required}").format(
            pollutant=p.label, ratio=ratio_pct(after[p].ratio, after[p].ok), required=pct(after[p].required))
            for p in result.binding)
        text = _("[bold red]INFEASIBLE[/]: {level} cannot be met even by stopping every D, unrated, nonleading, C "
                 "and B line: {best}").format(level=head, best=best)
    if result.before.basis == "listed":
        text += "\n" + _("[yellow]basis: listed[/] — the list gives no baseline (全社会排放量); ratios are of "
                         "listed emissions")
    return text
