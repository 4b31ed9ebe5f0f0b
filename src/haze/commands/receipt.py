"""``haze receipt`` and ``haze overdue``: who acknowledged and reported, and whom to phone (SPEC §18).

A notified enterprise owes a receipt (回执) and an execution report within the
hours its policy's ``duties`` set (recorded with the activation). Deadlines
run from the later of the warning's start and the time its notices were
recorded. Receipts are recorded in the journal in one transaction; recording
one twice keeps the first time. An id the warning did not notify is an error
line while the others record (exit 1).

What is refused, and why, is data (``Result.reason``): a notice of a voided
(作废) activation never takes a receipt, even one named with ``--activation``
(the enterprise signed a notice that no longer stands: the valid one is named
instead); lift notices (解除通知) carry a 回执 but state no deadline, so haze
does not track them (SPEC §18 follows a warning's own notices); an idle
enterprise got no notice at all.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from haze.core.i18n import _
from haze.core.errors import ListError, UsageError
from haze.core.findings import Finding, finding
from haze.commands.overdue import deadlines
from haze.io.receipts import RECEIPT, REPORT, Notified, Receipt

if TYPE_CHECKING:
    from haze.core.model import Enterprise
    from haze.io.journal import ActivationRecord, Journal, VoidRecord

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


#: why an id is not recorded (``Result.reason``; ``--json`` gives it as is)
NOT_NOTIFIED, VOIDED, LIFT_NOTICE, IDLE, OTHER_WARNING, AMBIGUOUS = (
    "not_notified", "void", "lift", "idle", "other_warning", "ambiguous")


@dataclass
class Result:
    entry: Entry
    status: str  # recorded, kept (one was already recorded), unknown (not recorded: see reason)
    enterprise: Notified | None = None
    first: Receipt | None = None  # kept: the receipt recorded before
    due: datetime | None = None
    message: str = ""
    reason: str | None = None  # unknown: NOT_NOTIFIED, VOIDED, LIFT_NOTICE, IDLE, OTHER_WARNING or AMBIGUOUS


@dataclass(frozen=True)
class Refusal:
    """Why ``given`` records nothing: a reason code and the sentence for the officer."""

    reason: str
    message: str


@dataclass
class Outcome:
    activation: ActivationRecord
    results: list[Result] = field(default_factory=list)
    journal: Path = Path()
    void: VoidRecord | None = None  # the activation is void: nothing of it is recorded

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
            "first_at": r.first.at.isoformat() if r.first else None, "reason": r.reason}


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
    from haze.io.receipts import insert_receipt, notified, standing

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
        void = journal.void_of(warning.id)
        # a voided warning binds nobody: its own notices are looked up only to say that they are void
        people = notified(journal, warning.id) if void else standing(journal, warning)
        # a --changed re-issue leaves earlier notices standing: a receipt of one may predate the re-issue
        sets = {a: journal.activation(a) or warning for a in {p.activation_id for p in people} | {warning.id}}
        _check_times(entries, min(sets.values(), key=lambda r: r.recorded), now, opts.file)
        with journal.transaction():
            outcome = Outcome(warning, journal=path, void=void)
            resolved = _resolver(journal, warning, people)
            user = current_user()
            base = {a: deadlines(journal, record) for a, record in sets.items()}
            for entry in entries:
                enterprise, problem = resolved(entry.given)
                if enterprise is None:
                    assert problem is not None
                    outcome.results.append(Result(entry, "unknown", message=problem.message, reason=problem.reason))
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
        lift = journal.lift(activation) if record is None else None
        if lift is not None:
            # history lists it, so "no such activation" would be false: say what it is and what is tracked
            raise UsageError(_("{activation} is the lift (解除) of warning {warning}: haze tracks no receipts or "
                               "reports of lift notices (解除通知), only those of a warning's own notices; for "
                               "them give --activation {warning}").format(activation=activation,
                                                                           warning=lift.activation_id))
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


Resolved = tuple[Notified | None, Refusal | None]


def _resolver(journal: Journal, warning: ActivationRecord, people: list[Notified]) -> Any:
    """given -> (the notified enterprise, None), or (None, why not)."""
    by_id = {n.enterprise_id: n for n in people}
    by_serial = _by_serial(people)
    voids = {v.activation_id: v for v in journal.voids()}
    idle = _idle_finder(warning)

    def resolve(given: str) -> Resolved:
        found, problem = _lookup(journal, warning, given, by_id, by_serial, idle)
        if found is None:
            return None, problem
        if found.activation_id in voids:  # never recorded, whether found by code, number or serial
            return None, _voided(journal, given, found, voids, by_id)
        return found, None

    return resolve


def _lookup(journal: Journal, warning: ActivationRecord, given: str, by_id: dict[str, Notified],
            by_serial: dict[int, list[Notified]], idle: Callable[[str], Refusal | None]) -> Resolved:
    """The warning's notice ``given`` names; else why not (a notice of another issue is named as such)."""
    from haze.io.receipts import find_number, find_serial

    code = given.upper()
    if code in by_id:
        return by_id[code], None
    short = _short_number(given)
    if short is not None:
        year, serial = short
        matches = [m for m in by_serial.get(serial, []) if year is None or _year(m.number) == year]
        elsewhere = find_serial(journal, serial, year) if not matches else []
        if len(elsewhere) == 1:  # none of this warning's: the journal's one notice of that number says which
            issue, enterprise, _number = elsewhere[0]
            return _other_issue(journal, given, issue, enterprise, warning, by_id)
        return _one_serial(given, matches, warning)
    found = find_number(journal, given) if not _looks_like_code(code) else None
    if found is None:
        return None, idle(code) or Refusal(NOT_NOTIFIED, _(
            "{given}: not notified by warning {warning} (no such credit code or notice number)").format(
            given=given, warning=warning.id))
    issue, enterprise = found
    return _other_issue(journal, given, issue, enterprise, warning, by_id)


def _other_issue(journal: Journal, given: str, issue: str, enterprise: str, warning: ActivationRecord,
                 by_id: dict[str, Notified]) -> Resolved:
    """A notice found by its number: the warning's own standing one, else why it records nothing here."""
    standing_notice = by_id.get(enterprise)
    if standing_notice is not None and (issue == warning.id or standing_notice.activation_id == issue):
        return standing_notice, None
    if journal.void_of(issue) is not None:  # never "give --activation" for it: that recorded the QA's receipt
        notice = next(n for n in journal.notices(issue) if n.enterprise_id == enterprise)
        found = Notified(enterprise, notice.name, notice.seq, notice.number, activation_id=issue)
        return None, _voided(journal, given, found, {v.activation_id: v for v in journal.voids()}, by_id)
    lift = journal.lift(issue)
    if lift is not None:
        return None, Refusal(LIFT_NOTICE, _(
            "{given}: a lift notice (解除通知) of {lift}, the lift of warning {warning}: haze tracks no receipts "
            "of lift notices; nothing recorded (keep the signed 回执 with the lift notices)").format(
            given=given, lift=issue, warning=lift.activation_id))
    said = (_("{given}: notice of {issue}, not of warning {warning}") if journal.activation(issue) is None
            else _("{given}: notice of {issue}, not of warning {warning}; give --activation {issue}"))
    return None, Refusal(OTHER_WARNING, said.format(given=given, issue=issue, warning=warning.id))


def _voided(journal: Journal, given: str, notice: Notified, voids: dict[str, VoidRecord],
            by_id: dict[str, Notified]) -> Refusal:
    """A voided notice takes no receipt: when, by whom and why it was voided, and the one that stands now."""
    from haze.io.receipts import number_key

    void = voids[notice.activation_id]
    said = (_("{given}: this notice of warning {issue} was voided (作废) at {at} by {user} ({reason}); nothing "
              "recorded") if number_key(given) == number_key(notice.number) else
            _("{given}: notice {number} of warning {issue} was voided (作废) at {at} by {user} ({reason}); "
              "nothing recorded"))
    text = said.format(given=given, number=notice.number, issue=notice.activation_id, at=_show(void.at),
                       user=void.user, reason=void.reason)
    valid = _valid_notice(journal, notice.enterprise_id, by_id, voids)
    if valid is None:
        text += _("; {name} holds no valid notice now").format(name=notice.name)
    else:
        text += _("; the valid notice of {name} is {number} (warning {warning}): record its receipt when that "
                  "one comes back").format(name=valid.name, number=valid.number, warning=valid.activation_id)
    return Refusal(VOIDED, text)


def _valid_notice(journal: Journal, enterprise: str, by_id: dict[str, Notified],
                  voids: dict[str, VoidRecord]) -> Notified | None:
    """The enterprise's notice that stands: the warning's own, else the active warning's; never a void one."""
    from haze.io.receipts import standing

    mine = by_id.get(enterprise)
    if mine is not None and mine.activation_id not in voids:
        return mine
    active = journal.active()
    if active is None:
        return None
    return next((n for n in standing(journal, active)
                 if n.enterprise_id == enterprise and n.activation_id not in voids), None)


def _idle_finder(warning: ActivationRecord) -> Callable[[str], Refusal | None]:
    """code -> why it records nothing when the warning's list has it idle (已停产), else None.

    An idle enterprise gets no notice (SPEC §1): "no such credit code" sent the officer looking
    for a typo. The list is read once, and only when an unknown code asks for it.
    """
    listed: dict[str, Enterprise] | None = None

    def idle(code: str) -> Refusal | None:
        nonlocal listed
        if not _looks_like_code(code):
            return None
        if listed is None:
            listed = _listed(warning)
        enterprise = listed.get(code)
        if enterprise is None or enterprise.operating:
            return None
        return Refusal(IDLE, _("{given}: {name} is on the list ({path}) but idle (已停产): an idle enterprise gets "
                               "no notice, so warning {warning} has no receipt of it to record").format(
            given=code, name=enterprise.name, path=warning.list_path, warning=warning.id))

    return idle


def _listed(warning: ActivationRecord) -> dict[str, Enterprise]:
    """The enterprises of the warning's list as the file reads now, by credit code (none when it is gone)."""
    if warning.list_info.get("lists") or not warning.list_path:
        return {}  # a city warning's notices went to county bureaus; the lists are the counties'
    path = Path(warning.list_path)
    if not path.is_file():
        return {}
    from haze.commands.inputs import read

    found = read(path).enterprise_list
    return {e.id: e for e in found.enterprises} if found is not None else {}


#: what an officer types for notice 示环应急〔2026〕7号 without its prefix: 7, 7号, 第7号, 〔2026〕7号 and
#: (2026)7号 (any bracket pair reads as 〔〕, full-width digits too): the year, when given, must match
_SHORT = re.compile(r"(?:〔(\d{4})〕)?第?(\d{1,6})号?")
#: the serial at the end of a recorded notice number: 〔2026〕7号 (or a bureau's own numbering's last digits)
_NUMBER_SERIAL = re.compile(r"(\d+)号?$")


def _short_number(given: str) -> tuple[str | None, int] | None:
    """(year or None, serial) when ``given`` is a notice number without its prefix, else None."""
    from haze.io.receipts import number_key

    match = _SHORT.fullmatch(number_key(given))
    return (match.group(1), int(match.group(2))) if match else None


def _year(number: str) -> str | None:
    from haze.io.receipts import number_key

    match = re.search(r"〔(\d{4})〕", number_key(number))
    return match.group(1) if match else None


def _by_serial(people: list[Notified]) -> dict[int, list[Notified]]:
    from haze.io.receipts import number_key

    found: dict[int, list[Notified]] = {}
    for person in people:
        match = _NUMBER_SERIAL.search(number_key(person.number))
        if match:
            found.setdefault(int(match.group(1)), []).append(person)
    return found


def _one_serial(given: str, matches: list[Notified], warning: ActivationRecord) -> Resolved:
    """The one standing notice of the warning with that serial; two (a warning across a new year) are not guessed."""
    if len(matches) == 1:
        return matches[0], None
    if not matches:
        return None, Refusal(NOT_NOTIFIED, _("{given}: no notice of warning {warning} has that number").format(
            given=given, warning=warning.id))
    return None, Refusal(AMBIGUOUS, _("{given}: several notices of warning {warning} have that number ({numbers}); "
                                      "type the whole number").format(
        given=given, warning=warning.id, numbers=_(", ").join(m.number for m in matches)))


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
