"""``haze receipt`` and ``haze overdue``: who acknowledged and reported, and whom to phone (SPEC §18).

A notified enterprise owes a receipt (回执) and an execution report within the
hours its policy's ``duties`` set (recorded with the activation). Deadlines
run from the later of the warning's start and the time its notices were
recorded. Receipts are recorded in the journal in one transaction; recording
one twice keeps the first time. An id the warning did not notify is an error
line while the others record (exit 1).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from haze.core.i18n import _
from haze.core.errors import ListError, UsageError
from haze.core.findings import Finding, finding
from haze.commands.overdue import deadlines
from haze.io.receipts import RECEIPT, REPORT, Notified, Receipt

if TYPE_CHECKING:
    from haze.io.journal import ActivationRecord, Journal

#: a receipt time typed this far after now is refused (a mistyped date), allowing for clocks a little apart
FUTURE_SLACK = timedelta(minutes=5)

KIND_WORDS = {RECEIPT: ("receipt", "回执", "签收", "回执单"),
              REPORT: ("report", "报告", "执行报告", "执行情况报告", "落实情况报告", "执行情况")}
FILE_COLUMNS = {
    "id": ("id", "统一社会信用代码", "信用代码", "告知书编号", "编号", "文号", "notice", "number", "notice number"),
    "at": ("at", "time", "时间", "回执时间", "签收时间", "反馈时间", "报送时间", "日期时间"),
    "kind": ("kind", "类型", "类别", "type"),
}


@dataclass(frozen=True)
class Entry:
    """One receipt to record: what was typed, its kind and time, and where it came from."""

    given: str
    kind: str
    at: datetime
    row: int | None = None  # the file's row, for --file


@dataclass
class Result:
    entry: Entry
    status: str  # recorded, kept (one was already recorded), unknown
    enterprise: Notified | None = None
    first: Receipt | None = None  # kept: the receipt recorded before
    due: datetime | None = None
    message: str = ""


@dataclass
class Outcome:
    activation: ActivationRecord
    results: list[Result] = field(default_factory=list)
    journal: Path = Path()

    @property
    def unknown(self) -> list[Result]:
        return [r for r in self.results if r.status == "unknown"]

    @property
    def ok(self) -> bool:
        """Exit 1 when some ids were not notified (the others are recorded all the same)."""
        return not self.unknown

    def to_json(self) -> dict[str, Any]:
        return {"activation": self.activation.id, "results": [_result_json(r) for r in self.results]}


def _result_json(r: Result) -> dict[str, Any]:
    return {"given": r.entry.given, "kind": r.entry.kind, "at": r.entry.at.isoformat(), "status": r.status,
            "id": r.enterprise.enterprise_id if r.enterprise else None,
            "first_at": r.first.at.isoformat() if r.first else None}


@dataclass(kw_only=True)
class Settings:
    ids: list[str] = field(default_factory=list)
    file: Path | None = None
    at: datetime | None = None
    report: bool = False
    activation: str | None = None
    journal: Path | None = None


# -- recording ---------------------------------------------------------------------------

def run(opts: Settings, *, now: datetime | None = None) -> Outcome:
    """Record the receipts; ids the warning did not notify are left in ``unknown`` (the others record)."""
    from haze.io.journal import Journal, current_user, existing_journal_path
    from haze.io.receipts import insert_receipt, standing

    now = _now(now)
    if opts.ids and opts.file is not None:
        raise UsageError(_("give the ids on the command line or --file, not both"))
    if not opts.ids and opts.file is None:
        raise UsageError(_("give the credit codes or notice numbers that returned, or --file FILE"))
    if opts.file is not None and (opts.at is not None or opts.report):
        raise UsageError(_("--at and --report are for ids on the command line; a --file gives each row's time and kind"))
    entries = _file_entries(opts.file, now) if opts.file is not None else \
        [Entry(_clean(i), REPORT if opts.report else RECEIPT, _shanghai(opts.at) if opts.at else now) for i in opts.ids]
    path = existing_journal_path(opts.journal)
    with Journal(path) as journal:
        warning = warning_of(journal, opts.activation)
        people = standing(journal, warning)
        # a --changed re-issue leaves earlier notices standing: a receipt of one may predate the re-issue
        sets = {a: journal.activation(a) or warning for a in {p.activation_id for p in people} | {warning.id}}
        _check_times(entries, min(sets.values(), key=lambda r: r.recorded), now, opts.file)
        with journal.transaction():
            outcome = Outcome(warning, journal=path)
            resolved = _resolver(journal, warning, people)
            user = current_user()
            base = {a: deadlines(journal, record) for a, record in sets.items()}
            for entry in entries:
                enterprise, problem = resolved(entry.given)
                if enterprise is None:
                    outcome.results.append(Result(entry, "unknown", message=problem))
                    continue
                receipt = Receipt(enterprise.enterprise_id, entry.kind, entry.at, entry.given, user, _recorded())
                # recorded against the notice that binds the enterprise, where overdue looks for it
                first = insert_receipt(journal, enterprise.activation_id, receipt)
                outcome.results.append(Result(entry, "kept" if first else "recorded", enterprise, first,
                                              base[enterprise.activation_id][entry.kind]))
    return outcome


def warning_of(journal: Journal, activation: str | None) -> ActivationRecord:
    if activation:
        record = journal.activation(activation)
        if record is None:
            raise UsageError(_("no activation {activation!r} in {journal_path} (`haze history` lists them)").format(activation=activation, journal_path=journal.path))
        return record
    record = journal.active()
    if record is None:
        # exit 2, not NothingActive's 1: receipt's 1 means "some ids were not notified" (SPEC §18)
        raise UsageError(_("no active warning (journal {journal_path}); give --activation ID for an earlier one").format(journal_path=journal.path))
    return record


def _check_times(entries: list[Entry], warning: ActivationRecord, now: datetime, file: Path | None) -> None:
    """A receipt before the notices went out, or in the future, is a typing mistake: refuse, record nothing."""
    earliest = warning.recorded.replace(second=0, microsecond=0)  # officers type minutes
    problems: list[Finding] = []
    for entry in entries:
        wrong = None
        if entry.at < earliest:
            wrong = _("{at} is before the notices went out ({sent})").format(at=_show(entry.at),
                                                                          sent=_show(warning.recorded))
        elif entry.at > now + FUTURE_SLACK:
            wrong = _("{at} is in the future (now {now})").format(at=_show(entry.at), now=_show(now))
        if wrong is None:
            continue
        if file is None:
            raise UsageError(_("--at {wrong}; nothing recorded").format(wrong=wrong))
        problems.append(finding("E101", _("time {wrong}").format(wrong=wrong), str(file), entry.row))
    if problems:
        raise ListError(_("{file}: nothing recorded").format(file=file), problems)


def _resolver(journal: Journal, warning: ActivationRecord, people: list[Notified]) -> Any:
    """given -> (the notified enterprise, or None and why)."""
    from haze.io.receipts import find_number

    by_id = {n.enterprise_id: n for n in people}
    by_serial = _by_serial(people)

    def resolve(given: str) -> tuple[Notified | None, str]:
        code = given.upper()
        if code in by_id:
            return by_id[code], ""
        serial = _serial(given)
        if serial is not None:
            return _one_serial(given, by_serial.get(serial, []), warning)
        found = find_number(journal, given) if not _looks_like_code(code) else None
        if found is None:
            return None, _("{given}: not notified by warning {warning} (no such credit code or notice number)").format(
                given=given, warning=warning.id)
        issue, enterprise = found
        standing_notice = by_id.get(enterprise)
        if issue != warning.id and (standing_notice is None or standing_notice.activation_id != issue):
            said = (_("{given}: notice of {issue}, not of warning {warning}") if journal.activation(issue) is None
                    else _("{given}: notice of {issue}, not of warning {warning}; give --activation {issue}"))
            return None, said.format(given=given, issue=issue, warning=warning.id)
        return by_id.get(enterprise), ""

    return resolve


#: what an officer types for notice 示环应急〔2026〕7号 on the phone: 7, 7号 (full-width digits too)
_SERIAL = re.compile(r"(\d{1,6})号?")
#: the serial at the end of a recorded notice number: 〔2026〕7号 (or a bureau's own numbering's last digits)
_NUMBER_SERIAL = re.compile(r"(\d+)号?$")


def _serial(given: str) -> int | None:
    """The notice's serial when ``given`` is only that (``7``, ``7号``), else None."""
    match = _SERIAL.fullmatch("".join(unicodedata.normalize("NFKC", given).split()))
    return int(match.group(1)) if match else None


def _by_serial(people: list[Notified]) -> dict[int, list[Notified]]:
    from haze.io.receipts import number_key

    found: dict[int, list[Notified]] = {}
    for person in people:
        match = _NUMBER_SERIAL.search(number_key(person.number))
        if match:
            found.setdefault(int(match.group(1)), []).append(person)
    return found


def _one_serial(given: str, matches: list[Notified], warning: ActivationRecord) -> tuple[Notified | None, str]:
    """The one standing notice of the warning with that serial; two (a warning across a new year) are not guessed."""
    if len(matches) == 1:
        return matches[0], ""
    if not matches:
        return None, _("{given}: no notice of warning {warning} has that number").format(given=given,
                                                                                        warning=warning.id)
    return None, _("{given}: several notices of warning {warning} have that number ({numbers}); type the whole "
                   "number").format(given=given, warning=warning.id,
                                    numbers=_(", ").join(m.number for m in matches))


def _looks_like_code(text: str) -> bool:
    return len(text) == 18 and text.isalnum() and text.isascii()


def _file_entries(path: Path, now: datetime) -> list[Entry]:
    """A CSV/XLSX/YAML of ``id, at[, kind]``; every bad row a located finding, then ``ListError``."""
    from haze.io.tabular import read_rows

    rows, findings = read_rows(path, FILE_COLUMNS, ("id", "at"), yaml_keys=("receipts", "回执"))
    if rows is None or findings:
        raise ListError(_("{path}: cannot be read; nothing recorded").format(path=path), findings)
    entries: list[Entry] = []
    name = str(path)
    for number, record in rows.records:
        given = _clean(record.get("id"))
        at = _time(record.get("at"), now)
        kind = _kind(record.get("kind"))
        if not given:
            findings.append(finding("E100", _("no credit code or notice number"), name, number))
        if at is None:
            findings.append(finding("E101", _("time {record_get_at!r}: not a time (2026-12-01 20:30 or 2026年12月1日20时30分)").format(record_get_at=record.get('at')), name, number))
        if kind is None:
            findings.append(finding("E104", _("kind {record_get_kind!r}: use receipt/回执 or report/报告").format(record_get_kind=record.get('kind')),
                                    name, number))
        if given and at is not None and kind is not None:
            entries.append(Entry(given, kind, at, number))
    if findings:
        raise ListError(_("{path}: nothing recorded").format(path=path), findings)
    if not entries:
        raise ListError(_("{path}: no rows; nothing recorded").format(path=path))
    return entries


def _clean(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "".join(unicodedata.normalize("NFKC", str(value)).split())


def _kind(value: Any) -> str | None:
    if value is None:
        return RECEIPT
    text = unicodedata.normalize("NFKC", str(value)).strip().lower()
    return next((kind for kind, words in KIND_WORDS.items() if text in words), None)


def _time(value: Any, now: datetime) -> datetime | None:
    if isinstance(value, datetime):
        return _shanghai(value)
    if not isinstance(value, str):
        return None
    from haze.core.timeparse import parse_when

    try:
        return parse_when(value, now)
    except UsageError:
        return None


# -- helpers -------------------------------------------------------------------------------------------

def _now(now: datetime | None) -> datetime:
    from haze.core.timeparse import SHANGHAI

    return datetime.now(SHANGHAI).replace(microsecond=0) if now is None else _shanghai(now)


def _recorded() -> datetime:
    from haze.core.timeparse import SHANGHAI

    return datetime.now(SHANGHAI)


def _shanghai(value: datetime) -> datetime:
    from haze.core.timeparse import to_shanghai

    return to_shanghai(value)


def _show(moment: datetime) -> str:
    return _shanghai(moment).strftime("%Y-%m-%d %H:%M")
