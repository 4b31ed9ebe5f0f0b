"""``haze verify POWER``: did the notified enterprises really cut? (SPEC §18, 用电监控)

For the activation (the active warning, or ``--activation ID``), each
enterprise it notified is compared on metered electricity: the mean daily kWh
of the ``baseline_days`` before the start's date against the days wholly
inside the warning. ``expected`` is the plant cut recorded with the
activation (SPEC §4.4, at the enterprise's effective level): what it was told,
not what a list changed since would say. Writes nothing but ``-o``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from haze.core.i18n import _, ngettext
from haze.core.errors import JournalError, ListError, UsageError
from haze.core.response import Comparison, Window, compare, inspection_order


@dataclass(kw_only=True)
class Settings:
    power: Path
    activation: str | None = None
    baseline_days: int = 7
    tolerance: float = 0.1
    journal: Path | None = None
    output: Path | None = None
    force: bool = False


@dataclass
class Outcome:
    activation: str
    level: str
    window: Window
    tolerance: float
    compared: list[Comparison] = field(default_factory=list)  # in inspection order
    missing: list[Comparison] = field(default_factory=list)
    unknown_ids: int = 0
    unknown_sample: list[str] = field(default_factory=list)  # the first ids of those (haze.io.power)
    rows: int = 0
    #: rows of notified enterprises dated outside the baseline days and the warning: not used (said, not silent)
    outside: int = 0
    sheet: str = ""  # the XLSX sheet read, when not the first …
    first_sheet: str = ""  # … and the first
    output: Path | None = None

    def notes(self) -> list[str]:
        """What the officer is told beside the result (stderr): rows not used, the sheet read."""
        said = []
        if self.sheet:
            said.append(_("read sheet {sheet!r} of the workbook, not its first sheet {first!r}").format(
                sheet=self.sheet, first=self.first_sheet))
        if self.outside:
            first, last = self.window.baseline_dates()
            end = when_text(self.window.end) if self.window.end else _("the last day with data")
            said.append(ngettext(
                "{count} row of notified enterprises lies outside the baseline days ({first} … {last}) and the "
                "warning ({start} → {end}): not used",
                "{count} rows of notified enterprises lie outside the baseline days ({first} … {last}) and the "
                "warning ({start} → {end}): not used", self.outside).format(
                count=self.outside, first=first, last=last, start=when_text(self.window.start), end=end))
        return said

    @property
    def flagged(self) -> list[Comparison]:
        return [c for c in self.compared if c.flag]

    @property
    def ok(self) -> bool:
        """SPEC §18: exit 0 none flagged, 1 some flagged."""
        return not self.flagged

    def to_json(self) -> dict:
        """SPEC §18: ``{"activation", "enterprises": [...], "missing": [...]}``."""
        return {"activation": self.activation,
                "enterprises": [c.to_json() for c in self.compared],
                "missing": [{"id": c.id, "name": c.name, "reason": c.missing} for c in self.missing]}


def run(opts: Settings) -> Outcome:
    """Compare; raise ``ListError`` (exit 2) for a bad file, ``UsageError`` for bad options."""
    from haze.commands.issuing import clock
    from haze.io.journal import Journal, existing_journal_path
    from haze.io.power import day_range, read_power
    from haze.io.receipts import standing

    if not 1 <= opts.baseline_days <= 366:
        raise UsageError(_("--baseline-days must be 1 to 366, not {baseline_days}").format(baseline_days=opts.baseline_days))
    if not 0 <= opts.tolerance < 1:
        raise UsageError(_("--tolerance must be a share from 0 to 1 (0.1 = 10 points), not {tolerance}").format(tolerance=opts.tolerance))
    if opts.output is not None and opts.output.suffix.lower() not in (".xlsx", ".csv"):
        raise UsageError(_("{output}: the inspection list is .xlsx or .csv").format(output=opts.output))
    if opts.output is not None and opts.output.exists() and not opts.force:
        raise UsageError(_("{output}: already exists; pass --force to overwrite it").format(output=opts.output))
    path = existing_journal_path(opts.journal)
    with Journal(path) as journal:
        warning = journal.activation(opts.activation) if opts.activation else journal.active()
        if warning is None:
            lift = journal.lift(opts.activation) if opts.activation else None
            if lift is not None:  # history lists it: "no such activation" would be false
                raise UsageError(_("{activation} is the lift (解除) of warning {warning}; give --activation "
                                   "{warning} to verify the warning").format(activation=opts.activation,
                                                                             warning=lift.activation_id))
            if opts.activation:
                raise UsageError(_("no activation {activation!r} in {path} (`haze history` lists them)").format(activation=opts.activation, path=path))
            # exit 2, not NothingActive's 1: verify's 1 means "some enterprises flagged" (SPEC §18)
            raise UsageError(_("no active warning (journal {path}); give --activation ID").format(path=path))
        people = standing(journal, warning)  # after --changed, the notices that stand count too
    if people and all(p.plant_cut is None for p in people):
        raise JournalError(_("activation {warning_id} was recorded by an older haze (journal schema 1), which did not keep each enterprise's cut; verify cannot say what was expected of them").format(warning_id=warning.id))
    end = warning.closed_at or warning.until
    window = Window(warning.start, end, opts.baseline_days)
    first, last = day_range(warning.start, end, opts.baseline_days)
    # a meter cannot read a day that has not come: such a row is a mistyped date (2099-01-01 for 2026-01-01)
    today = clock().date()
    data, findings = read_power(opts.power, {p.enterprise_id for p in people}, first, last, today)
    if data is None:
        raise ListError(_("{power}: cannot be used; nothing verified").format(power=opts.power), findings)
    results = [compare(p.enterprise_id, p.name, p.plant_cut or 0.0, data.meters.get(p.enterprise_id), window,
                       opts.tolerance, p.daily) for p in people]
    ordered = inspection_order(results)
    outcome = Outcome(warning.id, warning.level.value, window, opts.tolerance,
                       compared=[c for c in ordered if c.missing is None],
                       missing=[c for c in ordered if c.missing is not None],
                       unknown_ids=data.unknown_ids, unknown_sample=data.unknown_sample, rows=data.rows,
                       outside=data.outside, sheet=data.sheet, first_sheet=data.first_sheet)
    if opts.output is not None:
        from haze.render.inspection import write_inspection

        contacts = {p.enterprise_id: (p.contact_name, p.contact_phone) for p in people}
        outcome.output = write_inspection(opts.output, outcome, contacts, force=opts.force)
    return outcome


def when_text(moment: datetime | None) -> str:
    from haze.core.timeparse import to_shanghai

    return "" if moment is None else f"{to_shanghai(moment):%Y-%m-%d %H:%M}"
