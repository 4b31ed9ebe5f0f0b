"""What ``haze ozone`` and ``haze stagger`` share: issuing a numbered notice set under the journal.

The same guarantees as ``activate`` (:mod:`haze.commands.activate`): numbers
reserved from the journal's yearly counter inside its write transaction, the
set rendered into staging (:mod:`haze.commands.staging`), recorded, committed,
then published; a run killed half-way leaves nothing visible and nothing
recorded. Where no journal exists yet, the templates are first rendered in
memory, so a template error creates no journal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from haze.commands.issuing import (
    NoticeSettings,
    check_count,
    notice_records,
    numbers_reserved,
    recorded_now,
    unique_id,
)
from haze.commands.staging import Staging, final_paths, publish_staged, recover
from haze.core.errors import UsageError
from haze.core.i18n import _
from haze.io.journal import Journal, SeasonRecord, current_user, journal_path

if TYPE_CHECKING:
    from haze.core.model import EnterpriseList
    from haze.render.notices import NoticeSet
    from haze.render.season import SeasonIssue

#: (journal, issue id, first number) -> the issue the notices tell
MakeIssue = Callable[[Journal, str, int], "SeasonIssue"]
#: (issue, parent directory, dry run) -> the set written
Render = Callable[["SeasonIssue", Path, bool], "NoticeSet"]


@dataclass
class Issued:
    issue: SeasonIssue
    notices: NoticeSet
    journal: Path
    dry_run: bool
    superseded: str | None = None  # stagger: the plan this one replaced


def issue_set(settings: NoticeSettings, *, base_id: str, prefix: str, year: int,
              count: int | Callable[[Journal], int], make_issue: MakeIssue,
              render: Render, record: Callable[[SeasonIssue, NoticeSet], SeasonRecord],
              supersede: Callable[[Journal], str | None] | None = None) -> Issued:
    """Reserve ``count`` numbers, render, record and publish one set (or only render it, for a dry run).

    ``count`` given as a callable is read from the journal inside the write transaction (a new 错峰 plan
    also tells the enterprises the plan it supersedes no longer stops, SPEC §15).
    """
    # A new journal only by an explicit act (--journal naming a new file, or a confirmation), as activate
    journal = Journal(journal_path(settings.journal), create=bool(getattr(settings, "new_journal", False)))
    out = settings.out_dir(journal.path)
    with journal:
        if settings.dry_run:
            issue = make_issue(journal, unique_id(journal, out, base_id), journal.peek_number(prefix, year, settings.first_number))
            return Issued(issue, render(issue, out, True), journal.path, True)
        if not journal.path.exists():  # the transaction below creates it: find template errors first
            render(make_issue(journal, base_id, journal.peek_number(prefix, year, settings.first_number)), out, True)
        with journal.transaction():
            recover(out, journal)
            total = count(journal) if callable(count) else count
            first = journal.allocate_numbers(prefix, year, numbers_reserved(settings.numbering, total),
                                             settings.first_number)
            issue = make_issue(journal, unique_id(journal, out, base_id), first)
            staging = Staging(out, issue.id, journal)
            with staging as folder:
                notices = final_paths(render(issue, folder, False), out, issue.id)
                check_count(notices, total)
                old = supersede(journal) if supersede is not None else None
                if old is not None:
                    journal.supersede_season(old, issue.id)
                journal.insert_season(record(issue, notices))
                journal.insert_notices(notice_records(issue.id, notices))
        publish_staged(out, issue.id, journal)
    return Issued(issue, notices, journal.path, False, old)


def season_record(issue: SeasonIssue, notices: NoticeSet, enterprise_list: EnterpriseList, policy: str, *,
                  state: str, summary: dict[str, Any], plan: dict[str, Any]) -> SeasonRecord:
    info = enterprise_list.info
    list_info: dict[str, Any] = {"region": info.region, "authority": info.authority, "season": info.season,
                                 "doc_prefix": info.doc_prefix}
    return SeasonRecord(
        id=issue.id, kind=issue.kind, state=state, season=issue.season or None, start=issue.first.isoformat(),
        until=issue.last.isoformat(),
        list_path=str(Path(enterprise_list.path).resolve()) if enterprise_list.path else "",
        list_sha256=enterprise_list.sha256, list_info=list_info, policy=policy, summary=summary, plan=plan,
        notice_dir=str(notices.directory.resolve()), manifest_sha256=notices.manifest_sha256,
        notice_count=notices.count, user=issue.user, recorded=recorded_now())


def new_issue(kind: str, now: datetime, **fields: Any) -> MakeIssue:
    """The issue's maker; a field given as a callable (``replaces``, ``replaced_numbers``) is read from the
    journal when the issue is made, inside the write transaction, so it names the plan it really replaces."""
    from haze.render.season import SeasonIssue

    def make(journal: Journal, issue_id: str, first: int) -> SeasonIssue:
        extra = {name: value(journal) if callable(value) else value for name, value in fields.items()}
        return SeasonIssue(id=issue_id, kind=kind, issued=now, first_number=first, user=current_user(), **extra)

    return make


def refused_unless_forced(message: str, force: bool) -> str:
    """Refuse (exit 2, nothing written or recorded) what ``message`` says is wrong, unless ``--force``.

    Forced, the note the command prints as a warning: the officer issuing out of season or for the past
    sees it said once more, as ``activate --force`` says what it overrode.
    """
    if not force:
        raise UsageError(_("{message}; give --force to issue anyway (nothing written or recorded)").format(
            message=message))
    return _("{message}: issued because of --force").format(message=message)


def past_note(last: date, today: date, message: str, force: bool) -> list[str]:
    """``refused_unless_forced`` for a season or an episode whose last day ``last`` is before ``today``.

    Notices dated today that order stops on days gone by can no longer be obeyed: such a run is almost
    always a mistyped year or season. A run on the last day itself still has that day to go.
    """
    return [refused_unless_forced(message, force)] if last < today else []


def stopped_on(journal: Path | str | None, moment: datetime) -> frozenset[str]:
    """Credit codes the season plans in force stop on ``moment``'s day (SPEC §15); empty without a journal.

    Only plans in force (``current``) count: a superseded plan no longer stops anyone.
    """
    from haze.core.timeparse import to_shanghai

    path = journal_path(journal)
    if not path.exists():
        return frozenset()
    day = to_shanghai(moment).date().isoformat()
    with Journal(path) as opened:
        plans = [p for p in opened.seasons("stagger") if p.state == "current" and p.start <= day <= p.until]
    return frozenset(ident for plan in plans for ident, (first, last) in plan.plan.items() if first <= day <= last)
