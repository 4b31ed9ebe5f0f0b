"""``haze activate LEVEL`` (SPEC §7, §10): compute, issue the notices, record the warning.

:func:`run` loads and computes the list, decides what the journal allows (a
new warning, an adjustment 升级/降级, a forced re-issue, or a refusal), renders
the notices and records it all. How SPEC §10's guarantees are kept:

* **One writer at a time, lock held while rendering.** The journal's write
  transaction (``BEGIN IMMEDIATE``) is opened before the active warning is
  read and committed only after the notices are rendered. A second duty
  officer therefore waits (and is told so) until the first has finished, then
  sees the first one's warning: the same level is refused, another level is an
  adjustment. The alternative, reserving in one short transaction and
  finalising in another, would leave a "reserved" row behind a killed process
  that someone must clear; waiting a few seconds for the other officer is the
  better trade. The wait is bounded by :data:`haze.io.journal.LOCK_WAIT`.
* **Nothing half-done is ever visible.** Notices are rendered into a hidden
  staging directory ``OUT/.<id>.pending/`` (:mod:`haze.commands.staging`); the
  journal is committed, and only then is the set moved to ``OUT/<id>``. A run
  killed before the commit leaves only the hidden staging directory and no
  record; the next ``activate`` or ``lift`` on the same journal finishes or
  deletes what it finds (:func:`haze.commands.staging.recover`).
* **A template error creates no journal.** Where no journal exists yet, the
  notices are rendered *before* the journal is created, into this run's own
  hidden directory (``OUT/.<id>.<token>.prerender/``), with the numbers a new
  journal gives; the journal is then created, the numbers reserved, and the set
  moved into staging and recorded as it is: rendered once. Only if another
  officer created the journal in between (other numbers, another id) is it
  rendered again.
* **Durable before recorded.** Every notice, the staging directory and its
  parent are fsynced before the journal commits (``synchronous=FULL``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Callable

from haze.core.i18n import N_, _
from haze.commands.inputs import load_inputs
from haze.commands.issuing import (
    NoticeSettings,
    Progress,
    check_count,
    check_horizon,
    minute,
    not_before_last_event,
    not_before,
    notice_paths,
    notice_records,
    now_shanghai,
    number_range,
    numbers_reserved,
    recipients,
    recorded_now,
    show,
    stamp_id,
    unique_id,
)
from haze.commands.staging import Staging, final_paths, publish_staged, recover
from haze.core.errors import AlreadyActive, RequirementNotMet, UsageError
from haze.core.model import EnterpriseList, Level
from haze.io.journal import (
    ACTIVATION,
    ACTIVE,
    ADJUSTMENT,
    EXPIRED,
    REISSUE,
    SUPERSEDED,
    ActivationRecord,
    Journal,
    NoticeRecord,
    current_user,
    journal_path,
)

if TYPE_CHECKING:
    from haze.core.engine import LevelResult
    from haze.io.helper import Aside
    from haze.core.findings import Finding
    from haze.render.notices import Issue, NoticeSet

#: --start further than this from now is probably a mistyped date: activate warns
START_WARNING = timedelta(hours=24)
#: from this many enterprises, ``--json``'s result (most of its bytes) is encoded by a helper process while
#: the journal records the activation (haze.io.helper.Aside): 0.6 s of the run at 50,000 (benchmarks/README.md)
ENCODED_ASIDE_FROM = 10000


@dataclass(kw_only=True)
class Settings(NoticeSettings):
    """What ``haze activate`` was asked to do (SPEC §7)."""

    level: Level
    list_path: str | Path | None
    policy: str | None = None
    cache: bool = True
    start: datetime | None = None  # default: now
    until: datetime | None = None
    hours: float | None = None  # another way to give ``until``
    force: bool = False
    strict: bool = False
    #: an explicit act allows a new journal (--journal naming a new file, a confirmation): SPEC §10
    new_journal: bool = False
    # List facts for a list that lacks them (a CSV/XLSX without a 清单信息 sheet): haze.commands.listfacts
    authority: str | None = None
    region: str | None = None
    doc_prefix: str | None = None
    #: the bureau's duty contact printed on the notices, ``NAME PHONE`` (listfacts.parse_contact)
    contact: str | None = None
    #: --changed (with --force at the active level): re-issue only where the notice changed (a corrected list)
    changed: bool = False
    #: the outcome is wanted as JSON (--json): a province's is encoded while the journal records (ENCODED_ASIDE_FROM)
    json: bool = False


@dataclass
class Outcome:
    """What :func:`run` did (also a dry run, which records nothing)."""

    id: str
    kind: str  # activation, adjustment or reissue
    result: LevelResult
    enterprise_list: EnterpriseList
    start: datetime
    until: datetime | None
    notices: NoticeSet  # its paths are final (under OUT/<id>/) even for a dry run, where nothing exists
    numbers: tuple[str, str] | None  # first and last notice number; None when no enterprise operates
    closed: ActivationRecord | None = None  # the warning this one superseded or found expired
    warnings: list[Finding] = field(default_factory=list)
    journal: Path = Path()  # absolute
    new_journal: bool = False  # this activation created the journal file
    dry_run: bool = False
    notes: list[str] = field(default_factory=list)  # cautions: a --start far from now
    #: ``to_json()`` as the JSON reporter prints it, already encoded in this (temporary) file: Settings.json at
    #: a province's size (ENCODED_ASIDE_FROM); the reporter copies it out
    json_file: IO[bytes] | None = None

    @property
    def ok(self) -> bool:
        """The requirement is met (the notices went out either way; SPEC §7 exits 0 for both)."""
        return self.result.ok

    @property
    def adjusted_from(self) -> str | None:
        """The id of the warning this one replaced as an adjustment or re-issue."""
        return self.closed.id if self.closed is not None and self.kind in (ADJUSTMENT, REISSUE) else None

    def to_json(self) -> dict[str, Any]:
        """SPEC §7.1 plus ``activation`` and ``notices`` (and ``adjusted_from`` for an adjustment)."""
        from haze.render.report import level_json

        return issued_json(level_json(self.result, self.enterprise_list), self)


def issued_json(data: dict[str, Any], outcome: Any) -> dict[str, Any]:
    """SPEC §7's keys of an issued warning added to its result's JSON: county and city alike."""
    data["activation"] = outcome.id
    data["notices"] = notice_paths(outcome.notices, outcome.dry_run)
    if outcome.adjusted_from:
        data["adjusted_from"] = outcome.adjusted_from
    if outcome.dry_run:
        data["dry_run"] = True
    return data


def run(settings: Settings, *, now: datetime | None = None, progress: Progress | None = None,
        on_wait: Callable[[], None] | None = None, phase: Callable[[str], None] | None = None) -> Outcome:
    """Compute ``settings.level`` for the list, issue the notices and record the warning.

    Raises ``ListError`` (bad list, exit 2), ``UsageError``,
    ``RequirementNotMet`` (``strict`` and not met), ``AlreadyActive``,
    ``TemplateError`` or ``JournalError``; in every case nothing is recorded
    and no notice directory appears. ``PublishError`` (exit 1) only after the
    record: the warning is recorded, its notices wait in staging.

    ``phase`` is told each phase as it starts (reading the list, computing, rendering notices,
    writing), so a terminal can say what a long run is doing; ``progress`` counts the notices.
    """
    from haze.commands.listfacts import require_authority, supply_facts
    from haze.core.engine import compute

    clock = now is None  # "now" is read again once the journal's lock is held (issue 17.11)
    say = phase or (lambda text: None)

    now = now_shanghai(now)
    # A warning starts on the minute, as the notices state it (2025年12月1日20时5分): an explicit
    # --start with seconds too, so its id and its notices name the same minute (issue 17.22).
    start = minute(settings.start) if settings.start is not None else now.replace(second=0)
    until = _until(start, settings.until, settings.hours)
    journal = Journal(journal_path(settings.journal), create=settings.new_journal)
    if not settings.dry_run and not settings.new_journal and not journal.path.exists():
        from haze.commands.init import refuse_missing

        raise refuse_missing(journal.path, named=settings.journal is not None)  # before anything is read or written
    say(_("reading the list"))
    inputs = load_inputs(settings.list_path, settings.policy, cache=settings.cache)
    check_horizon(start, now, inputs.policy.activation_horizon_hours, settings.force, "--start",
                  _("policy {name}").format(name=inputs.policy.name))
    supplied = supply_facts(inputs.enterprise_list, authority=settings.authority, region=settings.region,
                            doc_prefix=settings.doc_prefix, contact=settings.contact)
    inputs.enterprise_list = supplied.enterprise_list
    if settings.authority:  # W311 says the notices would be unsigned: no longer true
        inputs.warnings = [w for w in inputs.warnings if w.code != "W311"]
    require_authority(inputs.enterprise_list)  # before any number is reserved: an unsigned notice must never go out
    say("computing")
    from haze.commands.seasonal import stopped_on

    # Enterprises in their 错峰 stop on the start day stay stopped (SPEC §15).
    result = compute(inputs.enterprise_list, inputs.policy, settings.level, stopped_on(settings.journal, start))
    if settings.strict and not result.ok:
        raise RequirementNotMet(_("{level_value} requirement not met ({shortfalls_result}); --strict: no notice written, nothing recorded").format(level_value=settings.level.value, shortfalls_result=_shortfalls(result)))
    out = settings.out_dir(journal.path)
    pending = _Activation(settings, inputs.enterprise_list, result, start, until, now, inputs.warnings, out)
    pending.facts_notes = supplied.notes
    say("rendering notices")
    return issue_warning(pending, journal, clock=clock, progress=progress, on_wait=on_wait, say=say)


def issue_warning(pending: _Activation, journal: Journal, *, clock: bool, progress: Progress | None,
          on_wait: Callable[[], None] | None, say: Callable[[str], None]) -> Any:
    """Render, record under the journal's lock, then move the set into place (or only render: a dry run).

    Shared by the county and the city activation: one way to give numbers and record them.
    """
    with journal:
        if pending.settings.dry_run:
            return pending.dry_run(journal)
        # No journal yet: the transaction below creates it (and its .haze/), so render first, outside it.
        staged = pending.stage(journal, progress) if not journal.path.exists() else None
        try:
            with journal.transaction(on_wait=on_wait):
                pending.lock_held(journal, staged, clock)
                recover(pending.out, journal)
                activated = pending.record(journal, progress, staged)
                say("writing")  # the journal's commit and the move into place
        except BaseException:
            pending.stop_encoding()
            if staged is not None:
                staged.staging.remove()
            journal.discard_new()  # a failed first activation leaves no empty journal behind
            raise
        try:
            publish_staged(pending.out, activated.id, journal)
        except BaseException:
            pending.stop_encoding()
            raise
        pending.finish_encoding(activated)
    return activated


@dataclass
class _Staged:
    """A set rendered into staging before the journal existed, with the issue (numbers) it assumed."""

    issue: Issue
    kind: str
    staging: Staging
    notices: NoticeSet


class _Activation:
    """One activation being decided, rendered and recorded."""

    city_warning = False  # the city activation of several lists (haze.commands.city_activate)
    encoding: Aside | None = None  # the result's JSON, being encoded aside (Settings.json) …
    encoded: IO[bytes] | None = None  # … into this temporary file
    void_notes: tuple[str, ...] = ()  # the first activation after a void: what became of its notices (issue())

    def __init__(self, settings: Settings, enterprise_list: EnterpriseList, result: LevelResult,
                 start: datetime, until: datetime | None, now: datetime, warnings: list[Finding],
                 out: Path) -> None:
        self.settings, self.enterprise_list, self.result = settings, enterprise_list, result
        self.start, self.until, self.now, self.warnings = start, until, now, warnings
        self.out = out
        self.prefix = enterprise_list.info.doc_prefix
        self.count = len(result.operating)
        self.facts_notes: list[str] = []  # what --authority/--region/--doc-prefix replaced
        self.only: set[str] | None = None  # --changed: the enterprises whose notice changed
        self.unchanged = 0
        self.dropped: list[tuple[str, str]] = []  # --changed: (id, name) told before and no longer operating

    def lock_held(self, journal: Journal, staged: _Staged | None, clock: bool) -> None:
        """The journal's lock is held: a default start becomes this moment, unless nobody could have held it before.

        A run that created the journal rendered its set before the journal
        existed; no other officer held the lock in between, so the set's start
        stands even when the minute turned while it rendered (rendering it
        again for a new minute only doubled a first activation's time).
        """
        if not clock or self.settings.start is not None:
            return
        if staged is not None and journal.created:
            return
        self.retime(now_shanghai(None))

    def retime(self, now: datetime) -> None:
        """A default start is the time the journal's lock is held, not when this run began waiting.

        Within the same minute nothing changes (the start is on the minute), so
        a set rendered before the journal existed still matches and is not
        rendered again.
        """
        start = now.replace(second=0)
        if start == self.start:
            return
        self.now, self.start = now, start
        self.until = _until(self.start, self.settings.until, self.settings.hours)

    def decide(self, journal: Journal) -> tuple[str, ActivationRecord | None, str | None]:
        """(kind, the active warning, what becomes of it): SPEC §10's rules, then the journal's order."""
        decided = self._decide(journal)
        not_before_last_event(journal, self.start, N_("start a warning"), "--start")
        return decided

    def _decide(self, journal: Journal) -> tuple[str, ActivationRecord | None, str | None]:
        active = journal.active()
        level = self.settings.level
        if active is None:
            return ACTIVATION, None, None
        if active.ended_by(self.start):
            # Its own end time has passed: this is a new warning, not a change of that one.
            return ACTIVATION, active, EXPIRED
        if bool(active.list_info.get("city")) != self.city_warning:
            # A city warning is adjusted with the city's lists, a county's with its list: never one by the other.
            raise UsageError(_("warning {id} is active with {kind}; adjust it the same way, or `haze lift` it first "
                               "(nothing written or recorded)").format(
                id=active.id, kind=_("several lists (the city activation)") if active.list_info.get("city")
                else _("one list")))
        if active.level is not level:
            # An adjustment supersedes the warning from its own start: never from before that warning began.
            not_before(active, self.start, N_("adjust"), "--start")
            return ADJUSTMENT, active, SUPERSEDED
        if not self.settings.force:
            raise AlreadyActive(
                _("{level_value} warning {active_id} is already active (since {show_active_start}, recorded by {user}); use --force to issue it again, or `haze lift` first").format(level_value=level.value, active_id=active.id, show_active_start=show(active.start), user=active.user))
        not_before(active, self.start, N_("re-issue"), "--start")
        return REISSUE, active, SUPERSEDED

    def issue(self, journal: Journal, kind: str, active: ActivationRecord | None, first: int) -> Issue:
        from haze.render.notices import Issue

        # An adjustment or a re-issue replaces the warning's notices: each new one cites the number it replaces.
        replaced = active if kind in (ADJUSTMENT, REISSUE) else None
        numbers = {r["id"]: r["number"] for r in recipients(journal, replaced)} if replaced is not None else {}
        # The first activation after a void replaces the voided notices: each enterprise that got one is told
        # that number is void (作废), as an adjustment cites the notice it replaces.
        voided = self.voided(journal, kind, active)
        self.void_notes = ()
        withdrawn: dict[str, str] = {}
        if voided is not None:
            told = journal.notices(voided.id)
            numbers = {n.enterprise_id: n.number for n in told}
            self.void_notes = tuple(self._voided_notes(voided, told))
            withdrawn = self._withdrawn(journal, voided)
        return Issue(id=unique_id(journal, self.out, stamp_id(self.start, self.settings.level.value)),
                     kind="activation", level=self.settings.level, start=self.start, until=self.until,
                     issued=self.now, first_number=first,
                     previous_level=replaced.level if replaced is not None and kind == ADJUSTMENT else None,
                     reissue=kind == REISSUE,
                     replaces=replaced.id if replaced is not None else voided.id if voided is not None else None,
                     voids=voided.id if voided is not None else None, replaced_numbers=numbers,
                     withdrawn_numbers=withdrawn,
                     user=current_user(), basis=self.settings.basis, numbering=self.settings.numbering,
                     changed=self.only is not None, unchanged=self.unchanged)

    def voided(self, journal: Journal, kind: str, active: ActivationRecord | None) -> ActivationRecord | None:
        """A new warning that is the first after a void: the voided warning (Journal.voided_last), else None.

        Only a warning of the same kind (a county list's, or the city's several lists') counts: the
        notices of the one went to enterprises, of the other to county bureaus.
        """
        if kind != ACTIVATION or active is not None:
            return None
        return journal.voided_last(city=self.city_warning)

    @staticmethod
    def _withdrawn(journal: Journal, voided: ActivationRecord) -> dict[str, str]:
        """A voided adjustment or re-issue had ended the earlier warning's notices (此前…同时停止执行, 原告知书…作废);
        the void cancelled that, so nothing valid ends them now: credit code -> the latest number of the
        earlier warning's episode, which the first activation after the void says no longer applies."""
        if voided.kind not in (ADJUSTMENT, REISSUE) or not voided.previous_id:
            return {}
        earlier = journal.activation(voided.previous_id)
        if earlier is None or earlier.state != SUPERSEDED or earlier.superseded_by != voided.id:
            return {}
        return {r["id"]: r["number"] for r in recipients(journal, earlier)}

    def addressees(self) -> set[str]:
        """Who gets a notice of this warning (credit codes), as the journal records its notices."""
        return {r.enterprise.id for r in self.result.operating}

    def _voided_notes(self, voided: ActivationRecord, told: list[NoticeRecord]) -> list[str]:
        """What the officer hears of the voided notices: cited in the new ones, or (not operating now) not at all."""
        now = self.addressees()  # a new warning: never --changed, every operating enterprise gets a notice
        missing = [n for n in told if n.enterprise_id not in now]
        notes = [_("the new notices tell the {count} addressees of void warning {id} that their earlier notice is "
                   "void and replaced by the new one").format(count=len(told) - len(missing), id=voided.id)]
        if missing:
            notes.append(_("{count} addressees of void warning {id} get no new notice (not operating in the list "
                           "now, or not in it); tell them yourself that their notice is void (the void record lists "
                           "them): {names}").format(count=len(missing), id=voided.id, names=_(", ").join(
                               f"{n.number} {n.name}" for n in missing)))
        return notes

    def select(self, journal: Journal, kind: str, active: ActivationRecord | None) -> None:
        """--changed: keep only the enterprises whose notice would now say something else.

        Compared with what each enterprise's latest notice of the warning said
        (the journal's notice_content); one never recorded counts as changed.
        """
        from haze.render.notices import Issue, contents

        if not self.settings.changed:
            return
        if kind != REISSUE or active is None:
            raise UsageError(_("--changed re-issues a warning to the enterprises whose notices changed: use it "
                               "with --force at the level already active; nothing written or recorded"))
        before: dict[str, str] = {}
        for record in reversed(journal.episode(active.id)):
            for enterprise, content in journal.contents(record.id).items():
                before.setdefault(enterprise, content)
        probe = Issue(id="probe", kind="activation", level=self.settings.level, start=self.start, until=self.until,
                      issued=self.now, first_number=1)
        now = contents(self.result, probe, self.settings.lang)
        self.only = {e for e, content in now.items() if before.get(e) != content}
        # Told before, no longer operating (idle, or off the corrected list): no notice of this warning reaches
        # them now, so the officer must hear of it rather than find it missing from the set.
        names = {r.enterprise.id: r.enterprise.name for r in self.result.enterprises}
        self.dropped = [(e, names.get(e, "")) for e in before if e not in now]
        if not self.only:
            raise UsageError(_("--changed: no enterprise's notice differs from those of warning {id}; nothing "
                               "to re-issue, nothing written or recorded").format(id=active.id)
                             + ("" if not self.dropped else _("; ") + self._dropped_note()))
        self.count, self.unchanged = len(self.only), len(now) - len(self.only)

    def notes(self) -> list[str]:
        """Cautions the officer should see: list facts replaced or missing, a --start far from now."""
        from haze.commands.listfacts import missing_prefix_note

        return (self.facts_notes + missing_prefix_note(self.enterprise_list, self.now.year) + self._start_notes()
                + self._changed_notes() + list(self.void_notes))

    def _changed_notes(self) -> list[str]:
        if self.only is None:
            return []
        notes = [_("--changed: re-issued to the {count} enterprises whose notice changed; the other {unchanged} "
                   "notices of the warning stand").format(count=self.count, unchanged=self.unchanged)]
        return notes + ([self._dropped_note()] if self.dropped else [])

    def _dropped_note(self) -> str:
        return _("--changed: {count} enterprises told before are no longer operating in the list (idle or removed) "
                 "and get no new notice; their earlier notices are not withdrawn, so tell them yourself: "
                 "{names}").format(count=len(self.dropped), names=_(", ").join(
                     _("{id} ({kind})").format(id=name, kind=code) if name else code for code, name in self.dropped))

    def _start_notes(self) -> list[str]:
        """A --start far from now is usually a mistyped date."""
        if self.settings.start is None or abs(self.start - self.now) <= START_WARNING:
            return []
        hours = int(abs(self.start - self.now).total_seconds() // 3600)
        span = (_("{days} days {hours} hours").format(days=hours // 24, hours=hours % 24) if hours >= 48
                else _("{hours} hours").format(hours=hours))
        said = (_("--start {start} is {span} before now ({now}); check the date "
                  "(a time without a year takes the year nearest now)") if self.start < self.now else
                _("--start {start} is {span} after now ({now}); check the date "
                  "(a time without a year takes the year nearest now)"))
        note = said.format(start=show(self.start), span=span, now=show(self.now))
        return [note]

    def render(self, issue: Issue, parent: Path, *, dry_run: bool = False,
               progress: Progress | None = None) -> NoticeSet:
        from haze.render.notices import render_activation

        s = self.settings
        return render_activation(self.result, self.enterprise_list, issue, parent, lang=s.lang, fmt=s.fmt,
                                 templates=s.templates, dry_run=dry_run, progress=progress,
                                 on_missing=s.on_missing, only=self.only)

    def dry_run(self, journal: Journal) -> Outcome:
        """Everything but writing and recording: the templates are rendered in memory."""
        kind, active, fate = self.decide(journal)
        self.select(journal, kind, active)
        issue = self.issue(journal, kind, active, journal.peek_number(self.prefix, self.now.year,
                                                                           self.settings.first_number))
        notices = self.render(issue, self.out, dry_run=True)
        return self._outcome(issue, kind, notices, active if fate else None, journal, dry_run=True)

    def stage(self, journal: Journal, progress: Progress | None) -> _Staged:
        """Before a new journal is created: render into this run's own directory with the numbers it will give."""
        kind, active, _reserved = self.decide(journal)
        self.select(journal, kind, active)
        issue = self.issue(journal, kind, active, journal.peek_number(self.prefix, self.now.year,
                                                                           self.settings.first_number))
        staging = Staging(self.out, issue.id, journal, prerender=True)
        with staging as folder:
            notices = self.render(issue, folder, progress=progress)
        return _Staged(issue, kind, staging, notices)

    def record(self, journal: Journal, progress: Progress | None, staged: _Staged | None) -> Outcome:
        """Inside the journal's write transaction: render into staging (unless staged already), then record."""
        kind, active, fate = self.decide(journal)
        self.select(journal, kind, active)
        first = journal.allocate_numbers(self.prefix, self.now.year,
                                         numbers_reserved(self.settings.numbering, self.count),
                                         self.settings.first_number)
        issue = self.issue(journal, kind, active, first)
        if staged is not None and (staged.issue, staged.kind) != (issue, kind):
            staged.staging.remove()  # another officer made the journal meanwhile: other numbers, render again
            staged = None
        staging = Staging(self.out, issue.id, journal)
        with staging as folder:
            if staged is not None:
                staging.adopt(staged.staging)  # rendered before the journal existed: moved, not rendered again
                notices = staged.notices
            else:
                notices = self.render(issue, folder, progress=progress)
            notices = final_paths(notices, self.out, issue.id)
            check_count(notices, self.count)
            self.start_encoding()  # the notices are written: the helper CPU is free while the journal records
            if active is not None and fate is not None:
                closed_at = active.until if fate == EXPIRED and active.until else self.start
                journal.close_activation(active.id, fate, closed_at,
                                         superseded_by=issue.id if fate == SUPERSEDED else None)
            journal.insert_activation(self._record(issue, kind, active, notices))
            if issue.basis:
                journal.insert_basis(issue.id, issue.basis)
            journal.insert_notices(notice_records(issue.id, notices))
            self._record_followup(journal, issue, notices)
        return self._outcome(issue, kind, notices, active if fate else None, journal, dry_run=False)

    def start_encoding(self) -> None:
        """``--json`` at a province's size: the result's JSON encoded into a temporary file by a helper
        process (haze.io.helper.Aside) from now on, while this one records the activation."""
        import tempfile

        from haze.io.helper import Aside
        from haze.render.report import dump_to, level_json

        if not self.settings.json or self.city_warning or len(self.result.enterprises) < ENCODED_ASIDE_FROM:
            return
        result, enterprise_list = self.result, self.enterprise_list
        file = self.encoded = tempfile.TemporaryFile()

        def encode() -> int:  # here too, if the helper failed: so from the start of the file
            file.seek(0)
            file.truncate()
            size = dump_to(file, level_json(result, enterprise_list, each=True))
            file.flush()  # the copy ends with os._exit, which would drop what the buffer still holds
            return size

        self.encoding = Aside(encode)
        self.encoding.start()

    def finish_encoding(self, outcome: Any) -> None:
        """The outcome's JSON in its file: the result's, encoded aside, then the activation's keys."""
        from haze.render.report import CLOSING, continued

        if self.encoding is None or self.encoded is None:
            return
        aside, file = self.encoding, self.encoded
        self.encoding = self.encoded = None
        finished = False
        try:
            size = aside.result()
            file.seek(size - len(CLOSING))
            if file.read() != CLOSING:  # not the whole result: never print a torn JSON
                raise ValueError("the result's JSON was not written whole")
            file.seek(size - len(CLOSING))
            file.write(continued(issued_json({}, outcome)))
            file.truncate()
            file.seek(0)
            finished = True
        except Exception:  # the warning is recorded: a full temporary directory must not make it look failed
            pass  # the reporter encodes the outcome itself, as below ENCODED_ASIDE_FROM
        finally:
            if not finished:
                file.close()
        if finished:
            outcome.json_file = file

    def stop_encoding(self) -> None:
        if self.encoding is not None:
            self.encoding.stop()
            self.encoding = None
        if self.encoded is not None:
            self.encoded.close()
            self.encoded = None

    def _record_followup(self, journal: Journal, issue: Issue, notices: NoticeSet) -> None:
        """What --changed, verify and overdue need, as it stood when the notices went out (SPEC §18)."""
        from haze.io.receipts import record_notified

        journal.insert_contents(issue.id, {n["id"]: n["content"] for n in notices.notices if "content" in n})
        record_notified(journal, issue.id, self.result, self.result.policy.duties)

    def _record(self, issue: Issue, kind: str, active: ActivationRecord | None,
                notices: NoticeSet) -> ActivationRecord:
        from haze.render.report import pollutant_json

        info = self.enterprise_list.info
        result = self.result
        list_info: dict[str, Any] = {"region": info.region, "authority": info.authority, "season": info.season,
                                     "doc_prefix": info.doc_prefix}
        contact = getattr(info, "contact", None)
        if contact is not None:  # the lift notices name the same duty contact
            list_info["contact"] = {"name": contact.name, "phone": contact.phone}
        return ActivationRecord(
            id=issue.id, kind=kind, state=ACTIVE, level=issue.level, start=issue.start, until=issue.until,
            list_path=str(Path(self.enterprise_list.path).resolve()) if self.enterprise_list.path else "",
            list_sha256=self.enterprise_list.sha256,
            list_info=list_info,
            policy=result.policy.record, requirement=result.policy.uniform_requirement(result.level),
            pollutants={p.value: pollutant_json(r) for p, r in result.pollutants.items()},
            ok=result.ok, notice_dir=str(notices.directory.resolve()), manifest_sha256=notices.manifest_sha256,
            notice_count=notices.count, user=issue.user, recorded=recorded_now(),
            previous_id=active.id if active else issue.voids, previous_level=issue.previous_level,
        )

    def _outcome(self, issue: Issue, kind: str, notices: NoticeSet, closed: ActivationRecord | None,
                 journal: Journal, *, dry_run: bool) -> Outcome:
        return Outcome(id=issue.id, kind=kind, result=self.result, enterprise_list=self.enterprise_list,
                       start=self.start, until=self.until, notices=notices,
                       numbers=number_range(self.prefix, issue, notices.count), closed=closed,
                       warnings=self.warnings, journal=journal.path, new_journal=journal.created,
                       dry_run=dry_run, notes=self.notes())


def _until(start: datetime, until: datetime | None, hours: float | None) -> datetime | None:
    from haze.core.timeparse import MAX_HOURS, check_hours

    if until is not None and hours is not None:
        raise UsageError(_("give --until or --hours, not both"))
    if hours is not None:
        if not hours > 0 or hours != hours or hours == float("inf"):
            raise UsageError(_("--hours must be a positive number of hours, not {hours}").format(hours=hours))
        until = start + timedelta(hours=check_hours(hours))  # bounded: 1e12 hours would overflow (17.12)
    if until is not None:
        until = minute(until)
        if until <= start:
            raise UsageError(_("the warning would end ({show_until}) before it starts ({show_start})").format(show_until=show(until), show_start=show(start)))
        if until - start > timedelta(hours=MAX_HOURS):
            raise UsageError(_("the warning would last from {show_start} to {show_until}, more than {max_hours_24:g} days; check --until (a longer one is lifted and issued again)").format(show_start=show(start), show_until=show(until), max_hours_24=MAX_HOURS / 24))
    return until


def _shortfalls(result: LevelResult) -> str:
    from haze.core.fmt import pct, ratio_pct

    # ratio_pct rounds a failing ratio down: 29.999% never reads "30.0% < 30%".
    failing = [(p, result.pollutants[p]) for p in result.failing]
    return ", ".join(f"{p.label} {ratio_pct(r.ratio, r.ok)} < {pct(r.required)}" for p, r in failing)
