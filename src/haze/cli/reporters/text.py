"""Human output of every command: one printer per command's outcome, chosen by :func:`report`.

The commands (:mod:`haze.commands`) return outcomes and print nothing; the CLI
passes an outcome here, or to :mod:`haze.cli.reporters.json` with ``--json``.
A printer only reads the outcome: it never opens the journal or the disk (what
it shows was read while the command ran). Every text that comes from data
(names, paths, ids, the user) is escaped (:func:`~haze.cli.reporters.markup.esc`)
before rich reads markup in it. The tables themselves are in
:mod:`haze.cli.reporters.tables`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

import click

from haze.cli.reporters.markup import esc, is_city_warning, level_title, level_word, pad, say, when
from haze.core.i18n import N_, _, language

if TYPE_CHECKING:
    from haze.commands.activate import Outcome as ActivateOutcome
    from haze.commands.check import Outcome as CheckOutcome
    from haze.commands.export import Outcome as ExportOutcome
    from haze.commands.export_list import Outcome as ExportListOutcome
    from haze.commands.history import Outcome as HistoryOutcome
    from haze.commands.import_ import Outcome as ImportOutcome
    from haze.commands.lift import Outcome as LiftOutcome
    from haze.commands.plan import Outcome as PlanOutcome
    from haze.commands.status import Outcome as StatusOutcome
    from haze.commands.validate import Outcome as ValidateOutcome
    from haze.commands.void import Outcome as VoidOutcome
    from haze.io.journal import Event
    from haze.core.model import Level


def report(outcome: Any, **options: Any) -> None:
    """Print ``outcome`` for a person, with the printer of the command that made it."""
    # Keyed by the outcome's module, so that choosing a printer imports no command module.
    PRINTERS[type(outcome).__module__.rsplit(".", 1)[-1]](outcome, **options)


def print_check(outcome: CheckOutcome, summary: bool = False) -> None:
    from haze.cli.common import stdout_console
    from haze.cli.reporters.tables import enterprise_table, pollutant_table, verdict

    result = outcome.result
    console = stdout_console()
    if not summary:
        console.print(enterprise_table(result))
        console.print()  # the totals row and the next table's heading apart
    console.print(pollutant_table(result))
    console.print(verdict(result))


def print_activation(outcome: ActivateOutcome) -> None:
    from haze.cli.common import stdout_console
    from haze.cli.reporters.tables import pollutant_table, verdict

    console = stdout_console()
    console.print(pollutant_table(outcome.result))
    console.print(verdict(outcome.result))
    level = outcome.result.level
    closed = outcome.closed
    dry = outcome.dry_run
    if closed is not None and outcome.adjusted_from:
        if closed.level is level:
            text = (_("re-issued: {level} again; warning {id} would be superseded and its notices replaced") if dry
                    else _("re-issued: {level} again; warning {id} is superseded and its notices replaced"))
            say(console, text.format(level=level_word(level), id=esc(closed.id)))  # 橙色 under --ui zh
        else:
            if level > closed.level:
                text = (_("升级 raised: {old} → {new}; warning {id} would be superseded") if dry
                        else _("升级 raised: {old} → {new}; warning {id} is superseded"))
            else:
                text = (_("降级 lowered: {old} → {new}; warning {id} would be superseded") if dry
                        else _("降级 lowered: {old} → {new}; warning {id} is superseded"))
            say(console, text.format(old=closed.level.value, new=level.value, id=esc(closed.id)))
    elif closed is not None:
        text = (_("the previous warning {id} ({level}) ended at its end time {until}; it would be closed as expired")
                if dry else
                _("the previous warning {id} ({level}) ended at its end time {until}; it is closed as expired"))
        say(console, text.format(id=esc(closed.id), level=closed.level.value, until=when(closed.until)))
    if outcome.until:
        span = _("from {start} until {until}").format(start=when(outcome.start), until=when(outcome.until))
    else:
        span = _("from {start} until lifted").format(start=when(outcome.start))
    numbers = _(" ({first} – {last})").format(first=esc(outcome.numbers[0]), last=esc(outcome.numbers[1])) \
        if outcome.numbers else ""
    head = _("{level} ({zh}预警, {response}响应) {span}").format(level=level.value, zh=level.zh,
                                                               response=level.response, span=span)
    directory = esc(f"{outcome.notices.directory.absolute()}{os.sep}")
    if outcome.dry_run:
        say(console, _("[bold]dry run[/]: would issue {count} notices{numbers} into {directory} as {id}; nothing "
                       "written or recorded").format(count=outcome.notices.count, numbers=numbers,
                                                     directory=directory, id=esc(outcome.id)))
        say(console, head)
        say(console, _("journal: {journal}").format(journal=esc(outcome.journal)))
        return
    say(console, _("[bold]{kind} {id}[/]: {head}").format(kind=_(outcome.kind), id=esc(outcome.id), head=head))
    say(console, _("{count} notices{numbers} in {directory} (index and manifest.json beside them)")
        .format(count=outcome.notices.count, numbers=numbers, directory=directory))
    if outcome.new_journal:  # before "recorded in": the officer learns first that the journal is a new one
        say(console, _("[bold]a new journal[/]: {journal}; its notice numbers began at 1")
            .format(journal=esc(outcome.journal)))
    say(console, _("recorded in {journal}").format(journal=esc(outcome.journal)))


def shortfall_panel(outcome: ActivateOutcome) -> None:
    """The requirement is not met but notices went out: say so where nobody can miss it."""
    from rich.panel import Panel

    from haze.cli.common import stderr_console
    from haze.core.fmt import pct, ratio_pct, tonnes

    result = outcome.result
    # ratio_pct rounds a failing ratio down: a PM share of 29.999% never reads "reached 30.00%, required 30.00%".
    # "28.00% of the required 30.00%" read as 28% OF 30%: say what was reached and what is required, apart.
    lines = [_("{pollutant} {zh}: reached {ratio}, required {required}, short {shortfall} t/d")
             .format(pollutant=p.label, zh=p.zh, ratio=ratio_pct(r.ratio, r.ok), required=pct(r.required),
                     shortfall=tonnes(r.shortfall))
             for p, r in ((p, result.pollutants[p]) for p in result.failing)]
    did = (_("The notices would be issued and recorded anyway, marked not met. Close the gap: haze plan {level}")
           if outcome.dry_run else
           _("The notices were issued and recorded anyway, marked not met. Close the gap: haze plan {level}"))
    lines.append(did.format(level=result.level.value))
    # soft_wrap off: the panel's lines wrap inside it rather than being cut at its edge.
    stderr_console().print(Panel("\n".join(lines), title=_("REQUIREMENT NOT MET: {level}").format(
                                     level=result.level.value),
                                 border_style="bold red", title_align="left"), soft_wrap=False)


def print_lift(outcome: LiftOutcome) -> None:
    from haze.cli.common import stdout_console

    w = outcome.warning
    console = stdout_console()
    numbers = _(" ({first} – {last})").format(first=esc(outcome.numbers[0]), last=esc(outcome.numbers[1])) \
        if outcome.numbers else ""
    what = _("{level} ({zh}预警) warning {id}, active since {start}").format(
        level=w.level.value, zh=w.level.zh, id=esc(w.id), start=when(w.start))
    if outcome.dry_run:
        say(console, _("[bold]dry run[/]: would lift the {what} at {at} and write {count} lift notices{numbers}; "
                       "nothing written or recorded").format(what=what, at=when(outcome.at),
                                                             count=outcome.notices.count, numbers=numbers))
        say(console, _("journal: {journal}").format(journal=esc(outcome.journal)))
        return
    say(console, _("[bold]lifted[/] the {what}, at {at}").format(what=what, at=when(outcome.at)))
    say(console, _("{count} lift notices{numbers} in {directory}").format(
        count=outcome.notices.count, numbers=numbers,
        directory=esc(f"{outcome.notices.directory.absolute()}{os.sep}")))
    say(console, _("recorded as {id} in {journal}").format(id=esc(outcome.id), journal=esc(outcome.journal)))


def print_status(outcome: StatusOutcome) -> None:
    """One "key value" line per fact; not a table, whose cells would wrap or cut a long path."""
    from haze.cli.common import stdout_console

    for s in getattr(outcome, "seasons", []):  # ozone episodes and 错峰 plans: beside any warning, never instead
        what = _("ozone episode") if s.kind == "ozone" else _("错峰 plan {season}").format(season=s.season)
        click.echo(_("{what} {id}: {start} – {until}, {count} notices ({directory})").format(
            what=what, id=s.id, start=s.start, until=s.until, count=s.notice_count, directory=s.notice_dir))
    record = outcome.active
    if record is None:
        click.echo(_("no active warning (journal {journal})").format(journal=outcome.journal))
        return
    level = record.level
    kind = (_("{kind} from {level}").format(kind=_(record.kind), level=record.previous_level.value)
            if record.previous_level else _(record.kind))
    until = when(record.until) + (_(" — this time has passed; `haze lift` records the lift") if outcome.ended
                                  else "") if record.until else _("until lifted")
    rows = [
        (_("id"), _("{id} ({kind})").format(id=esc(record.id), kind=kind)),
        (_("since"), when(record.start)),
        (_("until"), until),
        *([(_("ordered by"), esc(record.basis))] if record.basis else []),  # --basis, the upper-level order
        *_list_rows(record),
        (_("policy"), esc(record.policy)),
        (_("requirement"), _("met") if record.ok else _("[bold red]NOT MET[/] (recorded so)")),
        (_("notices"), _("{count} in {directory}").format(count=record.notice_count,
                                                          directory=esc(record.notice_dir))
                       + ("" if outcome.notices_found else _(" [red](directory not found)[/]"))),
        (_("recorded"), _("{when} by {user}").format(when=when(record.recorded), user=esc(record.user))),
        (_("journal"), esc(outcome.journal)),
    ]
    if outcome.follow_up:
        rows.insert(-1, (_("follow-up"), follow_up_line(outcome.follow_up, counties=is_city_warning(record))))
    console = stdout_console()
    # Past its own end the warning is over for the enterprises (their notices said so): EXPIRED, not
    # ACTIVE, although the journal keeps it open until the next lift or activation closes it (18.7).
    state = _("EXPIRED") if outcome.ended else _("ACTIVE")
    say(console, "[bold]" + _("{state}: {level}").format(state=state, level=level_title(level)) + "[/]")
    for key, value in rows:
        say(console, f" [bold]{pad(key, 12)}[/]{value}")


def _list_rows(record: Any) -> list[tuple[str, str]]:
    """The list a warning was computed on; for a city warning, one line per county and what it was told."""
    counties = record.list_info.get("lists") if record.list_info.get("city") else None
    if not counties:
        return [(_("list"), f"{esc(record.list_path)} (sha256 {esc(record.list_sha256[:12])}…)")]
    rows = []
    for county in counties:
        counts = county.get("counts", {})
        told = _("{number}: {stop} to stop, {cut} to cut, {self_managed} self-manage, {other} other; {verdict}").format(
            number=esc(county.get("number", "")), stop=counts.get("stop", 0), cut=counts.get("cut", 0),
            self_managed=counts.get("self_managed", 0), other=counts.get("other", 0),
            verdict=_("met") if county.get("ok") else _("[bold red]NOT MET[/]"))
        rows.append((esc(county.get("region") or county.get("authority") or ""), told))
        rows.append(("", f"{esc(county.get('path', ''))} (sha256 {esc(str(county.get('sha256', ''))[:12])}…)"))
    return rows


def print_history(outcome: HistoryOutcome) -> None:
    from haze.cli.common import stdout_console

    if not outcome.events:
        click.echo(_("no warning recorded yet (journal {journal})").format(journal=outcome.journal))
        return
    from rich.measure import Measurement

    console = stdout_console()
    found = outcome.events
    # The widest layout whose every cell fits whole: a fixed threshold (120 columns) cut every cell of
    # the wide one to "…" between 120 and its real width, which grows with the ids and user names.
    # (tables.py has a fitter too, but it brings the engine in: history stays light.)
    free = console.options.update_width(10_000)  # measured unconstrained: rich clamps to the width given
    table = history_table(found, wide=False)
    for build in (lambda: history_table(found, wide=True),
                  lambda: history_table(found, wide=True, columns=HISTORY_MEDIUM)):
        candidate = build()
        if Measurement.get(console, free, candidate).maximum <= console.width:
            table = candidate
            break
    console.print(table)
    # the upper-level order each followed (--basis, SPEC §13): under the table, which has no room for it
    for event in found:
        if event.basis:
            say(console, f"{esc(event.id)}  {_('ordered by')} {esc(event.basis)}")
    say(console, _("journal: {journal}").format(journal=esc(outcome.journal)))


#: column name -> its header (looked up when shown)
HISTORY_HEADERS = {"from": N_("from"), "event": N_("event"), "level": N_("level"), "until": N_("until"),
                   "met": N_("met"), "now": N_("now"), "notices": N_("notices"), "id": N_("id"), "by": N_("by"),
                   "recorded": N_("recorded")}

#: the journal's kinds of event and states, shown in the interface language (the journal keeps the keys)
JOURNAL_WORDS = (N_("activation"), N_("adjustment"), N_("reissue"), N_("lift"), N_("void"), N_("ozone"),
                 N_("stagger"), N_("active"), N_("superseded"), N_("expired"), N_("lifted"), N_("current"),
                 N_("issued"))

#: a state whose word differs from its event's: a voided activation reads 已作废 beside the void (作废)
STATE_WORDS = {"void": N_("voided")}

#: the wide layout without who recorded it and when: 100–130 columns
HISTORY_MEDIUM = ["from", "event", "level", "until", "met", "now", "notices", "id"]



def history_table(found: list[Event], wide: bool, columns: list[str] | None = None) -> Any:
    """One row per event; a wide terminal also gets the end time, the verdict, the user and when recorded.

    The compact layout fits 80 columns (piped output) without wrapping; ``columns`` picks a
    layout between (full dates, as ``wide``).
    """
    from rich import box
    from rich.table import Table

    table = Table(title=_("history (oldest first)"), title_justify="left", title_style="bold", box=box.SIMPLE_HEAD,
                  show_edge=False, pad_edge=False, collapse_padding=True)
    # The id starts with the date and time (20251201-200000-orange): 80 columns can do without "from".
    if columns is None:
        columns = ["id", "event", "level", "now", "notices"]
        if wide:
            columns = ["from", "event", "level", "until", "met", "now", "notices", "id", "by", "recorded"]
    for name in columns:
        table.add_column(_(HISTORY_HEADERS[name]), no_wrap=True, justify="right" if name == "notices" else "left")
    for event in found:
        cells = {
            "from": when(event.when, short=not wide),
            "event": _(event.kind),
            "level": f"{level_word(event.previous_level)}→{level_word(event.level)}" if event.previous_level and event.level
            else (level_word(event.level) if event.level else "—"),  # an ozone episode or 错峰 plan has no level
            "until": when(event.until) if event.until else ("" if event.kind in ("lift", "void") else "—"),
            "met": "" if event.ok is None else (_("yes") if event.ok else _("[bold red]NO[/]")),
            "now": _(STATE_WORDS.get(event.state, event.state)) if event.state else "",
            "notices": str(event.notice_count),
            "id": esc(event.id),
            "by": esc(event.user),
            "recorded": when(event.recorded),
        }
        table.add_row(*(cells[name] for name in columns))
    return table



def print_plan(outcome: PlanOutcome, summary: bool = False, policy: str | None = None) -> None:
    """The tiers, the lines raised (unless ``summary``), the ratios, the verdict; the file --apply wrote."""
    if hasattr(outcome, "plans"):  # several lists (SPEC §13)
        from haze.cli.reporters.city import print_city_plans

        return print_city_plans(outcome, summary=summary, policy=policy)
    from haze.cli.common import stdout_console
    from haze.cli.reporters.tables import change_table, plan_ratio_table, plan_verdict, tier_table

    result = outcome.plan
    console = stdout_console()
    if result.tiers:
        console.print(tier_table(result))
        if not summary:
            console.print(change_table(result))
    console.print(plan_ratio_table(result))
    console.print(plan_verdict(result))
    if outcome.written is not None:
        _print_written(outcome.written, result.level, policy)


def _print_written(path: Path, level: Level, policy: str | None) -> None:
    # plain echo, not rich: a wrapped path could not be copied into the next command
    option = f" --policy {policy}" if policy else ""
    click.echo(_("wrote {path}; check it with: haze check {level} --list {path}{option}")
               .format(path=path, level=level.value, option=option))


def print_validation(run: ValidateOutcome) -> None:
    from haze.cli.common import coloured_finding, stderr_colour, stdout_console
    from haze.cli.reporters.tables import file_verdict, requirement_table

    console = stdout_console()
    colour = stderr_colour(stdout=True)  # errors red, warnings yellow, on a terminal only
    for number, result in enumerate(run.files):
        if number:
            console.print()
        for f in result.findings:
            click.echo(coloured_finding(f) if colour else f.format(), color=colour)
        if result.computed:
            if result.findings:
                console.print()
            console.print(requirement_table(result))
        console.print(file_verdict(result), soft_wrap=True)
    if run.totals:  # several lists (SPEC §13): the city total at every level
        from haze.cli.reporters.city import city_requirement_table

        console.print()
        console.print(city_requirement_table(run.totals))
    if len(run.files) > 1:
        bad = sum(1 for r in run.files if not r.ok)
        console.print("\n" + _("{count} files: {valid} valid, {bad} with errors").format(
                          count=len(run.files), valid=len(run.files) - bad, bad=bad),
                      style="bold" if bad == 0 else "bold red", highlight=False)


def print_import(outcome: ImportOutcome) -> None:
    data = outcome.to_json()
    click.echo(_("wrote {output}: {enterprises} enterprises ({lines} named lines), {others} other sources, "
                 "region {region}").format(output=outcome.output, enterprises=data["enterprises"],
                                           lines=data["lines"], others=data["other_sources"], region=data["region"]))


def print_export(outcome: ExportOutcome) -> None:
    if hasattr(outcome, "city"):  # several lists (SPEC §13)
        from haze.cli.reporters.city import print_city_export

        return print_city_export(outcome)
    result = outcome.result
    files = _(", ").join(str(f) for f in outcome.files)
    if result.ok:
        text = _("wrote {files}: {rows} rows; {level} requirement met")
    else:
        text = _("wrote {files}: {rows} rows; {level} requirement NOT met: {failing}")
    click.echo(text.format(files=files, rows=outcome.rows, level=level_title(result.level),
                           failing=_(", ").join(p.label for p in result.failing)))


def print_void(outcome: VoidOutcome) -> None:
    from haze.cli.common import stdout_console

    console = stdout_console()
    w = outcome.warning
    numbers = _(" ({first} – {last})").format(first=esc(outcome.notices[0].number),
                                             last=esc(outcome.notices[-1].number)) if outcome.notices else ""
    what = _("{level} ({zh}预警) activation {id} and its {count} notices{numbers}").format(
        level=w.level.value, zh=w.level.zh, id=esc(w.id), count=len(outcome.notices), numbers=numbers)
    if outcome.dry_run:
        say(console, _("[bold]dry run[/]: would void the {what}; nothing written or recorded").format(what=what))
        _say_after_void(console, outcome)
        return
    say(console, _("[bold]voided[/] the {what}: recorded as {id} in {journal}").format(
        what=what, id=esc(outcome.id), journal=esc(outcome.journal)))
    say(console, _("their numbers are not given again; tell the enterprises the notices are void (作废)"))
    if outcome.record_dir is not None:
        say(console, _("void record: {path}").format(path=f"{esc(outcome.record_dir.absolute())}/void.md"))
    _say_after_void(console, outcome)


def _say_after_void(console: Any, outcome: VoidOutcome) -> None:
    """What is active once the void is recorded: a voided adjustment does not bring back what it replaced.

    An officer voiding a mistaken 升级 expects the orange warning back; it is not (its notices were
    superseded on paper), and "no warning active" must not be found out from ``status`` later.
    """
    if not outcome.was_active:
        return
    old = outcome.superseded
    if old is not None:
        say(console, _("[bold]the earlier {level} ({zh}预警) warning {id} it superseded is NOT restored[/]: its "
                       "notices were superseded").format(level=old.level.value, zh=old.level.zh, id=esc(old.id)))
    if outcome.dry_run:
        say(console, _("no warning would be active after the void"))
    else:
        say(console, _("[bold]no warning is active now[/]"))
    if old is not None and outcome.restore is not None:
        say(console, _("to restore it, issue it again (new notices, new numbers; they tell the enterprises the "
                       "voided notices are void): {command}").format(command="\n  " + esc(outcome.restore)))
        # the command on a line of its own: after Chinese text a terminal broke it mid-word (haze act|ivate)


def print_list_export(outcome: ExportListOutcome) -> None:
    data = outcome.to_json()
    output = outcome.files[0]
    click.echo(_("wrote {output}: {enterprises} enterprises, {rows} rows (`haze import {output} -o LIST.yaml` reads "
                 "it back)").format(output=output, enterprises=data["enterprises"], rows=outcome.rows))


def print_init(outcome: Any) -> None:
    if outcome.created:
        click.echo(_("a new journal: {journal}; notice numbers begin at 1").format(journal=outcome.journal))
    else:
        click.echo(_("the journal {journal} is already there ({count} activations); left as it was")
                   .format(journal=outcome.journal, count=outcome.activations))


def follow_up_line(counts: dict[str, int], *, counties: bool = False) -> str:
    """The follow-up counts of status; ``counties``: a city warning, whose notices went to county bureaus."""
    overdue = (_("[bold red]{count} overdue[/] (haze overdue)").format(count=counts["overdue"]) if counts["overdue"]
               else _("0 overdue"))
    said = _("{notified} notified (county bureaus), {receipts} receipts, {reports} reports, {overdue}") if counties else \
        _("{notified} notified, {receipts} receipts, {reports} reports, {overdue}")
    return said.format(notified=counts["notified"], receipts=counts["receipts"], reports=counts["reports"],
                       overdue=overdue)


def _city(name: str) -> Callable[..., None]:
    """A printer of haze.cli.reporters.city (the several-lists outcomes, SPEC §13), imported when used."""

    def printer(outcome: Any, **options: Any) -> None:
        from haze.cli.reporters import city

        getattr(city, name)(outcome, **options)

    return printer


def _followup(name: str) -> Callable[..., None]:
    """A printer of haze.cli.reporters.followup (advise, receipt, overdue, verify), imported when used."""

    def printer(outcome: Any, **options: Any) -> None:
        from haze.cli.reporters import followup

        getattr(followup, name)(outcome, **options)

    return printer


def print_ozone(outcome: Any) -> None:
    """What an ozone episode issued: the days, the window, the enterprises, the VOCs moved."""
    from haze.cli.common import stdout_console
    from haze.core.fmt import pct, tonnes

    r = outcome.result
    console = stdout_console()
    days = f"{outcome.dates[0].isoformat()}" + (f" – {outcome.dates[-1].isoformat()}" if len(outcome.dates) > 1 else "")
    window = "–".join(outcome.policy.ozone.window)
    share = "—" if r.vocs_share is None else pct(r.vocs_share)
    say(console, _("ozone 错时生产 {days}, {window}: {count} enterprises take part, {excluded} excluded").format(
        days=days, window=window, count=len(r.taking_part), excluded=len(r.excluded)))
    say(console, _("VOCs shifted {vocs} t/d ({share} of daily VOCs), NOx {nox} t/d").format(
        vocs=tonnes(r.vocs_shifted), share=share, nox=tonnes(r.nox_shifted)))
    _say_issued(console, outcome, _("{count} notices in {directory}"))


def _say_issued(console: Any, outcome: Any, written: str) -> None:
    """A season plan's last lines: a dry run's note, or where its notices went and its journal record."""
    if outcome.dry_run:
        say(console, _("[bold]dry run[/]: nothing written or recorded"))
        return
    say(console, written.format(count=outcome.notices.count,
                                directory=esc(f"{outcome.notices.directory.absolute()}{os.sep}")))
    say(console, _("recorded as {id} in {journal}").format(id=esc(outcome.id), journal=esc(outcome.journal)))


def print_stagger(outcome: Any) -> None:
    """What a 错峰 plan issued: the season, the peaks per industry, the daily reductions."""
    from haze.cli.common import stdout_console
    from haze.core.fmt import tonnes
    from haze.core.model import Pollutant

    s = outcome.schedule
    console = stdout_console()
    # short lines: at 80 columns the terminal's own wrap split 9 家 and 1.194|6 (QA, zh)
    say(console, _("错峰 season {season} ({first} – {last}, {days} days)").format(
        season=outcome.season, first=s.first.isoformat(), last=s.last.isoformat(), days=s.length))
    say(console, _("{count} enterprises stop, {exempt} exempt").format(count=len(s.participants),
                                                                       exempt=len(s.exempt)))
    chinese = language() == "zh"  # the policy's industry names and the pollutant symbols, as the tables say them
    for industry, peak in s.peak.items():
        say(console, _("  {industry}: peak {peak} stopped on one day (bound {bound})").format(
            industry=esc(outcome.policy.industry_label(industry) if chinese else industry), peak=peak,
            bound=s.bounds[industry]))
    mean, low = outcome.reduction()
    say(console, _("daily reduction, mean / min (t/d):"))
    for p in mean:
        say(console, f"  {Pollutant(p).label if chinese else p} {tonnes(mean[p])} / {tonnes(low[p])}")
    if outcome.superseded:
        say(console, _("supersedes plan {id}").format(id=esc(outcome.superseded)))
    if outcome.released:
        # the plan in force stopped them: each gets a notice of this plan voiding its earlier one
        say(console, _("{count} enterprises no longer stop; each is told so by a notice voiding its earlier one:")
            .format(count=len(outcome.released)))
        for r in outcome.released:
            say(console, _("  {name} (was {number})").format(name=esc(r["name"]), number=esc(r["replaces"])))
    _say_issued(console, outcome, _("{count} notices and the calendar in {directory}"))


PRINTERS: dict[str, Callable[..., None]] = {
    "check": print_check,
    "validate": print_validation,
    "plan": print_plan,
    "activate": print_activation,
    "lift": print_lift,
    "status": print_status,
    "history": print_history,
    "import_": print_import,
    "export": print_export,
    "void": print_void,
    "export_list": print_list_export,
    "init": print_init,
    "advise": _followup("print_advise"),
    "receipt": _followup("print_receipt"),
    "overdue": _followup("print_overdue"),
    "verify": _followup("print_verify"),
    "ozone": print_ozone,
    "stagger": print_stagger,
    "city": _city("print_city_check"),
    "city_activate": _city("print_city_activation"),
}
