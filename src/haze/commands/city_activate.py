"""``haze activate LEVEL --list a.yaml --list b.yaml …``: the city activation (区域联动, SPEC §13).

Run by the city bureau on its own journal. Every county list is read and computed
as ``check`` does (its own policy, region, baseline; blocking findings in any list,
or an enterprise id in two lists, refuse everything: nothing written). One
activation is recorded; each county gets one 下级预警通知 (:mod:`haze.render.citynotices`)
numbered in the city's own sequence (``--doc-prefix`` / ``doc_prefix:`` in haze.yaml)
and signed by the city (``--authority`` / ``authority:``; refused without one, as a
list without an authority is). Enterprise notices stay the counties' own: each county
runs ``haze activate`` on its list with ``--basis`` citing the city's notice number.

Everything else is :mod:`haze.commands.activate`'s: the journal decides under its
write lock (new warning, adjustment 升级/降级, ``--force`` re-issue), numbers are
reserved, the set is rendered into staging, recorded, then published; a crash
leaves nothing recorded. The record is one ``activations`` row whose ``list_info``
names the city and holds ``lists``: each county's path, sha256, region, authority,
result per pollutant, ``ok`` and counts, and the number of the notice it got (so
``status``, ``history`` and ``lift`` read them without another table).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable

from haze.commands.activate import Settings as ActivateSettings
from haze.commands.activate import _Activation, _until, issue_warning, issued_json
from haze.commands.issuing import (
    Progress,
    check_horizon,
    minute,
    now_shanghai,
    number_range,
    recorded_now,
)
from haze.core.errors import RequirementNotMet, UsageError
from haze.core.i18n import _
from haze.io.journal import ACTIVE, ADJUSTMENT, REISSUE, ActivationRecord, Journal, journal_path

if TYPE_CHECKING:
    from haze.commands.inputs import Inputs
    from haze.core.city import CityResult
    from haze.core.findings import Finding
    from haze.core.model import Pollutant
    from haze.render.notices import Issue, NoticeSet


@dataclass(kw_only=True)
class Settings(ActivateSettings):
    """``haze activate`` with several lists; ``authority``/``region``/``doc_prefix`` are the city's own."""

    list_paths: list[str | Path] = field(default_factory=list)


@dataclass
class Outcome:
    """What :func:`run` did (also a dry run, which records nothing)."""

    id: str
    kind: str  # activation, adjustment or reissue
    city: CityResult
    city_info: dict[str, Any]
    start: datetime
    until: datetime | None
    notices: NoticeSet
    numbers: tuple[str, str] | None
    closed: ActivationRecord | None = None
    warnings: list[Finding] = field(default_factory=list)
    journal: Path = Path()
    new_journal: bool = False
    dry_run: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Every list and the city total meet the requirement (the notices went out either way)."""
        return self.city.ok

    @property
    def adjusted_from(self) -> str | None:
        return self.closed.id if self.closed is not None and self.kind in (ADJUSTMENT, REISSUE) else None

    def to_json(self) -> dict[str, Any]:
        """SPEC §13's ``{"level", "lists", "total", "ok"}`` plus §7's ``activation`` and ``notices``.

        ``county_notices`` says which notice went to which list (number, file, authority).
        """
        from haze.render.report import city_json

        data = issued_json(city_json(self.city), self)
        data["county_notices"] = [
            {"list": str(lst.path), "authority": lst.info.authority, "region": lst.info.region,
             "number": n["number"], "file": str(self.notices.directory / n["file"])}
            for lst, n in zip(self.city.lists, self.notices.notices)]
        return data


def city_info(settings: Settings) -> dict[str, Any]:
    """The city's own header and numbers; refused (exit 2) without an authority: notices are official documents."""
    authority = (settings.authority or "").strip()
    if not authority:
        raise UsageError(_("the city activation needs the city's own issuing authority (发布单位): give --authority "
                           "示例市生态环境局 or authority: in haze.yaml; nothing written or recorded"))
    from haze.commands.listfacts import parse_contact

    info: dict[str, Any] = {"authority": authority, "region": (settings.region or "").strip(),
                            "doc_prefix": (settings.doc_prefix or "").strip(), "season": ""}
    contact = parse_contact(settings.contact)
    if contact is not None:  # the city's duty contact on every county notice (as a list's is on its notices)
        info["contact"] = {"name": contact.name, "phone": contact.phone}
    return info


def _require_county_authorities(inputs: list[Inputs]) -> None:
    """Each county notice is addressed to its list's authority: a list without one cannot be addressed."""
    from haze.io.lists.table import NO_AUTHORITY

    missing = [str(i.enterprise_list.path) for i in inputs
               if not i.enterprise_list.info.authority.strip() or i.enterprise_list.info.authority == NO_AUTHORITY]
    if missing:
        raise UsageError(_("{paths}: no authority (发布单位) to address the county notice to; give list.authority "
                           "in each county list; nothing written or recorded").format(paths=", ".join(missing)))


def run(settings: Settings, *, now: datetime | None = None, progress: Progress | None = None,
        on_wait: Callable[[], None] | None = None, phase: Callable[[str], None] | None = None) -> Outcome:
    """Compute every list at ``settings.level``, write one notice per county, record one activation."""
    from haze.commands.city import compute_lists, load_lists
    from haze.commands.seasonal import stopped_on

    clock = now is None
    say = phase or (lambda text: None)
    now = now_shanghai(now)
    start = minute(settings.start) if settings.start is not None else now.replace(second=0)
    until = _until(start, settings.until, settings.hours)
    journal = Journal(journal_path(settings.journal), create=settings.new_journal)
    if not settings.dry_run and not settings.new_journal and not journal.path.exists():
        from haze.commands.init import refuse_missing

        raise refuse_missing(journal.path, named=settings.journal is not None)
    info = city_info(settings)
    if settings.changed:
        raise UsageError(_("--changed re-issues enterprise notices; the city activation writes to the counties: "
                           "give it without --changed (nothing written or recorded)"))
    say(_("reading the lists"))
    inputs = load_lists(settings.list_paths, settings.policy, cache=settings.cache, phase=phase)
    _require_county_authorities(inputs)
    horizon = min(i.policy.activation_horizon_hours for i in inputs)
    check_horizon(start, now, horizon, settings.force, "--start", _("the counties' policies"))
    say("computing")
    city = compute_lists(inputs, settings.level, stopped_on(settings.journal, start))
    if settings.strict and not city.ok:  # SPEC §13: met only when every list and the total are
        raise RequirementNotMet(_("{level} requirement not met ({short}); --strict: no notice written, nothing "
                                  "recorded").format(level=settings.level.value, short=_city_shortfalls(city)))
    out = settings.out_dir(journal.path)
    warnings = [w for i in inputs for w in i.warnings]
    pending = _CityActivation(settings, city, info, start, until, now, warnings, out)
    say("rendering notices")
    return issue_warning(pending, journal, clock=clock, progress=progress, on_wait=on_wait, say=say)  # type: ignore[no-any-return]


class _CityActivation(_Activation):
    """The single-list activation's decisions (new, adjustment, re-issue), with the city's notices and record."""

    city_warning = True

    def __init__(self, settings: Settings, city: CityResult, info: dict[str, Any], start: datetime,
                 until: datetime | None, now: datetime, warnings: list[Finding], out: Path) -> None:
        self.settings, self.city, self.info = settings, city, info
        self.start, self.until, self.now, self.warnings = start, until, now, warnings
        self.out = out
        self.prefix = info["doc_prefix"]
        self.count = len(city.results)
        self.facts_notes = []
        self.only: set[str] | None = None  # --changed is the enterprise notices' (not offered for a city)
        self.unchanged = 0
        self.no_phone: list[dict[str, str]] = []  # counties sms.csv leaves out: no duty phone in their list

    def notes(self) -> list[str]:
        notes = []
        if not self.prefix:
            notes.append(_("no city doc_prefix (文号前缀): notice numbers read 〔{year}〕N号 with nothing before "
                           "them; give --doc-prefix or doc_prefix: in haze.yaml").format(year=self.now.year))
        if self.no_phone:
            notes.append(_("{count} county bureaus have no duty phone (the list's contact) and are not in "
                           "sms.csv; send them their notice another way: {counties}").format(
                count=len(self.no_phone), counties=_("; ").join(f"{c['number']} {c['name']}" for c in self.no_phone)))
        return notes + self._start_notes() + list(self.void_notes)

    def addressees(self) -> set[str]:
        from haze.render.citynotices import county_key

        return {county_key(lst.path) for lst in self.city.lists}

    def _heard_no_phone(self, missing: list[dict[str, str]]) -> None:
        self.no_phone = missing  # rendered more than once (before a new journal, then in it): keep the last

    def render(self, issue: Issue, parent: Path, *, dry_run: bool = False,
               progress: Progress | None = None) -> NoticeSet:
        from haze.render.citynotices import render_city_activation

        s = self.settings
        return render_city_activation(self.city, self.info, issue, parent, lang=s.lang, fmt=s.fmt,
                                      templates=s.templates, dry_run=dry_run, on_missing=self._heard_no_phone)

    def _record_followup(self, journal: Journal, issue: Issue, notices: NoticeSet) -> None:
        """A city's notices go to county bureaus: nothing for verify, overdue or --changed to follow up."""

    def _record(self, issue: Issue, kind: str, active: ActivationRecord | None,
                notices: NoticeSet) -> ActivationRecord:
        from haze.render.citynotices import county_facts
        from haze.render.report import pollutant_json

        city = self.city
        lists = [county_facts(r, lst) | {"number": n["number"], "file": n["file"]}
                 for r, lst, n in zip(city.results, city.lists, notices.notices)]
        # One sha256 for the record's list_sha256: of the lists' own, in order (each is in list_info.lists).
        digest = hashlib.sha256("\n".join(f"{c['sha256']}  {c['path']}" for c in lists).encode("utf-8")).hexdigest()
        policies = sorted({r.policy.record for r in city.results})
        return ActivationRecord(
            id=issue.id, kind=kind, state=ACTIVE, level=issue.level, start=issue.start, until=issue.until,
            list_path="; ".join(c["path"] for c in lists), list_sha256=digest,
            list_info=dict(self.info, city=True, total_basis=city.total.basis, lists=lists),
            policy=policies[0] if len(policies) == 1 else "mixed: " + ", ".join(policies),
            requirement={p.value: r.required for p, r in city.total.pollutants.items()},
            pollutants={p.value: pollutant_json(r) for p, r in city.total.pollutants.items()},
            ok=city.ok, notice_dir=str(notices.directory.resolve()), manifest_sha256=notices.manifest_sha256,
            notice_count=notices.count, user=issue.user, recorded=recorded_now(),
            previous_id=active.id if active else issue.voids, previous_level=issue.previous_level,
        )

    def _outcome(self, issue: Issue, kind: str, notices: NoticeSet, closed: ActivationRecord | None,  # type: ignore[override]
                 journal: Journal, *, dry_run: bool) -> Outcome:
        return Outcome(id=issue.id, kind=kind, city=self.city, city_info=self.info, start=self.start,
                       until=self.until, notices=notices, numbers=number_range(self.prefix, issue, notices.count),
                       closed=closed, warnings=self.warnings, journal=journal.path, new_journal=journal.created,
                       dry_run=dry_run, notes=self.notes())


def _city_shortfalls(city: CityResult) -> str:
    """Each county short of its requirement, and the city total when it is: what --strict refuses on."""
    from haze.core.fmt import pct, ratio_pct

    def pollutants(failing: Iterable[Pollutant], of: Callable[[Pollutant], Any]) -> str:
        # ratio_pct rounds a failing ratio down: 29.999% never reads "30.0% < 30%"
        return ", ".join(f"{p.label} {ratio_pct(of(p).ratio, False)} < {pct(of(p).required)}" for p in failing)

    parts = [f"{lst.info.region or Path(lst.path).name}: {pollutants(r.failing, r.pollutants.__getitem__)}"
             for r, lst in zip(city.results, city.lists) if not r.ok]
    if not city.total.ok:
        parts.append(_("city total: {short}").format(short=pollutants(city.total.failing,
                                                                       city.total.pollutants.__getitem__)))
    return "; ".join(parts)
