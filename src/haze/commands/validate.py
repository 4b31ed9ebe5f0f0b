"""``haze validate`` as a library: every finding of SPEC §5 for one or more lists.

The list reader (:mod:`haze.io.lists`) already reports what can be known from the
file alone. This module adds what needs the policy:

- W301 an explicit measure weaker than the policy measure it overrides,
- W302 an A or leading enterprise given a mandatory cut,
- W306 an industry the policy does not know,
- E201 a level whose requirement is not met (with a pointer to ``haze plan``),

and the per-level requirement results. Findings are collected, never raised:
one run reports everything in every file. Nothing here prints.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from pathlib import Path

from haze.core.city import CityTotal
from haze.core.engine import LevelResult, compute, measure_chain
from haze.core.i18n import _, language
from haze.core.errors import PolicyError
from haze.core.findings import Finding, finding
from haze.core.findings import strict as strict_findings
from haze.core.fmt import cut_label, level_said, pct, ratio_pct
from haze.commands.inputs import choose_policy, read
from haze.io.lists import ListReport
from haze.core.model import LEVELS, Enterprise, EnterpriseList, Level, Measure
from haze.core.policy import Policy, load_policy

#: measure sources that the list itself sets (SPEC §4.1); the rest come from the policy
EXPLICIT = ("line", "enterprise")
TOLERANCE = 1e-9


@dataclass
class FileValidation:
    """What ``validate`` found in one list file."""

    path: str
    findings: list[Finding] = field(default_factory=list)
    #: requirement results per level; empty when blocking errors leave them undefined
    levels: dict[Level, LevelResult] = field(default_factory=dict)
    policy: str | None = None
    #: the list read (None when unreadable): the city total and the duplicates across lists need it
    enterprise_list: EnterpriseList | None = field(default=None, repr=False, compare=False)

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.is_error)

    @property
    def warnings(self) -> int:
        return len(self.findings) - self.errors

    @property
    def ok(self) -> bool:
        return self.errors == 0

    @property
    def computed(self) -> bool:
        """True when the requirement could be computed at every level."""
        return len(self.levels) == len(LEVELS)

    def to_json(self) -> dict:
        """One entry of ``files`` in ``validate --json`` (SPEC §5).

        A level is ``null`` when blocking errors leave the computation undefined.
        """
        from haze.render.report import levels_summary_json

        levels: dict = {level.value: None for level in LEVELS}
        levels.update(levels_summary_json(list(self.levels.values())))
        return {"path": self.path, "ok": self.ok, "errors": self.errors, "warnings": self.warnings,
                "policy": self.policy, "findings": [f.to_json() for f in self.findings], "levels": levels}


@dataclass
class Validation:
    """A ``validate`` run over several files; ``ok`` only when none has an error."""

    files: list[FileValidation]
    #: with several lists (SPEC §13): the city total per level, when every list could be computed
    totals: dict[Level, CityTotal] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return all(f.ok for f in self.files) and all(t.ok for t in self.totals.values())

    def to_json(self) -> dict:
        data: dict = {"ok": self.ok, "files": [f.to_json() for f in self.files]}
        if len(self.files) > 1:  # SPEC §13's total, beside §5's files (one list: §5 unchanged)
            from haze.render.report import total_json

            data["total"] = {level.value: total_json(self.totals[level]) if level in self.totals else None
                             for level in LEVELS}
        return data


@dataclass(kw_only=True)
class Settings:
    paths: list[str]  # every list to validate, in order
    policy: str | None = None
    strict: bool = False  # warnings count as errors
    cache: bool = True


Outcome = Validation  # ``ok`` only when no file has an error; ``to_json()`` is SPEC §5's


def run(settings: Settings, *, phase: Callable[[str], None] | None = None) -> Outcome:
    """``phase`` is told which list is being read, for a terminal's progress line."""
    return validate_lists(settings.paths, settings.policy, strict=settings.strict, cache=settings.cache,
                          phase=phase)


def validate_lists(paths: Iterable[str | Path], policy_name: str | None = None, strict: bool = False,
                   cache: bool = True, phase: Callable[[str], None] | None = None) -> Validation:
    """Validate every list in ``paths``; an explicit ``policy_name`` is loaded once for all.

    Raises :class:`PolicyError` only for a bad ``policy_name`` (a usage error);
    a bad policy named inside a list is a finding of that list.
    """
    policy = load_policy(policy_name) if policy_name else None
    files = []
    for path in paths:
        if phase is not None:  # a terminal says what a long run is doing
            phase(f"reading {path}")
        files.append(_validate(path, policy, strict, cache))
    return _city(Validation(files), strict) if len(files) > 1 else Validation(files)


def _city(run: Validation, strict: bool) -> Validation:
    """Several lists (SPEC §13): an id in two lists is E108 in the later file; the total when all computed."""
    from haze.core.city import city_total, duplicate_ids

    readable = [f for f in run.files if f.enterprise_list is not None]
    by_path = {f.path: f for f in readable}
    for found in duplicate_ids([f.enterprise_list for f in readable if f.enterprise_list is not None]):
        by_path[found.path].findings.append(found)
    if strict:
        for f in readable:
            f.findings = strict_findings(f.findings)
    if all(f.computed for f in run.files):
        run.totals = {level: city_total([f.levels[level] for f in run.files]) for level in LEVELS}
    return run


def validate_list(path: str | Path, policy_name: str | None = None, strict: bool = False,
                  cache: bool = True) -> FileValidation:
    """Validate one list (SPEC §5): the reader's findings, the policy's, and the requirement."""
    return validate_lists([path], policy_name, strict, cache).files[0]


def _validate(path: str | Path, policy: Policy | None, strict: bool, cache: bool) -> FileValidation:
    report = read(path, cache=cache)
    result = FileValidation(report.path, sorted(report.findings, key=_line_key))
    enterprise_list = result.enterprise_list = report.enterprise_list
    if enterprise_list is None:
        return _finish(result, strict)
    if policy is None:
        try:
            policy = choose_policy(None, enterprise_list)
        except PolicyError as exc:
            # The list names a policy haze cannot use: the list's problem, reported like any other.
            message = str(exc).removeprefix(f"{report.path}: ")
            result.findings.append(finding("E104", message, report.path))
            return _finish(result, strict)
    result.policy = policy.name
    from haze.core.resolve import resolve_findings

    # Grades and categories meet the policy here (SPEC §19): an unknown one blocks as a reader error would.
    names = resolve_findings(enterprise_list, policy)
    blocked = [f for f in names if f.blocking and f.is_error]
    doubtful = _doubtful(report) | {f.enterprise for f in blocked if f.enterprise}
    result.findings = sorted(result.findings + names + policy_findings(enterprise_list, policy, doubtful),
                             key=_line_key)
    result.findings += list_facts_findings(enterprise_list)  # about the whole list: after the located findings
    if not report.blocking and not blocked:
        result.levels = {level: compute(enterprise_list, policy, level) for level in LEVELS}
        result.findings += [requirement_finding(r, report.path) for r in result.levels.values() if not r.ok]
    return _finish(result, strict)


def _finish(result: FileValidation, strict: bool) -> FileValidation:
    if strict:
        result.findings = strict_findings(result.findings)
    return result


def _line_key(f: Finding) -> int:
    return f.line or 0


def _doubtful(report: ListReport) -> set[str]:
    """Enterprises with blocking findings of their own: their grade or measures may be defaults."""
    return {f.enterprise for f in report.blocking if f.enterprise}


# -- one level, as check computes it ------------------------------------------------------

# -- the policy-dependent rules ---------------------------------------------------------

def policy_findings(enterprise_list: EnterpriseList, policy: Policy, skip: AbstractSet[str] = frozenset()) -> list[Finding]:
    """W301, W302 and W306 for every enterprise (those in ``skip`` only get W306)."""
    found: list[Finding] = []
    for e in enterprise_list.enterprises:
        found += unknown_industry(e, policy, enterprise_list.path)
        if e.id not in skip:
            found += self_managed_cuts(e, enterprise_list.path, policy)
            found += weaker_than_policy(e, policy, enterprise_list.path)
    return found


def unknown_industry(e: Enterprise, policy: Policy, path: str) -> list[Finding]:
    """W306: the grade measures apply, but an industry override may have been meant."""
    if not e.industry or policy.industry_key(e.industry) is not None:
        return []
    # Keys and Chinese names alike: a list may use either (砖瓦 for 砖瓦窑, cemnt for cement).
    known = sorted(set(policy.industries) | set(policy.industry_names) | set(policy.industry_names.values()))
    hint = difflib.get_close_matches(e.industry.lower(), known, n=1, cutoff=0.75)
    message = (_("industry {industry!r} is unknown to policy {policy}; the grade measures apply "
                 "(did you mean {hint!r}?)") if hint else
               _("industry {industry!r} is unknown to policy {policy}; the grade measures apply")).format(
        industry=e.industry, policy=policy.name, hint=hint[0] if hint else None)
    return [finding("W306", message, path, e.line or None, e.id or None)]


def self_managed_cuts(e: Enterprise, path: str, policy: Policy) -> list[Finding]:
    """W302: A and leading enterprises self-manage (自主减排); a mandatory cut contradicts the grade."""
    grade = policy.grades.get(policy.grade_key(e.grade) or "")
    if grade is None or not grade.self_managed:
        return []
    found = []
    for level, m in _explicit_measures(e):
        if m.value > 0:
            found.append(finding(
                "W302", _("{grade}-grade enterprise {name} has a mandatory {level} cut of "
                          "{cut}; A and leading enterprises self-manage (自主减排)").format(
                    grade=_grade_word(policy, grade.key), name=e.name, level=level_said(level), cut=cut_label(m.value)),
                path, m.line or e.line or None,
                e.id or None))
    return found


def weaker_than_policy(e: Enterprise, policy: Policy, path: str) -> list[Finding]:
    """W301: an explicit cut below what the policy would impose at the level it is used.

    A measure written for level X is used when the enterprise's effective level
    is X, so it is compared with the policy chain (category, industry, grade) at
    X, for every X the enterprise can reach (a key-zone enterprise never uses its
    yellow measure). Each measure is reported once, however many lines use it.
    """
    found: list[Finding] = []
    seen: set[int] = set()
    for level in _reachable_levels(e, policy):
        for line in e.lines:
            chain = measure_chain(e, line, level, policy)
            where, explicit = next(((s, m) for s, m in chain if s in EXPLICIT and m.sets_cut), ("", None))
            if explicit is None or id(explicit) in seen:
                continue
            source, mandated = next(((s, m) for s, m in chain if s not in EXPLICIT and m.sets_cut), ("", None))
            floor = mandated.value if mandated is not None else 0.0
            if explicit.value < floor - TOLERANCE:
                seen.add(id(explicit))
                message = (_("{level} cut {cut} for {what} is weaker than the policy's {floor} for grade {grade} "
                             "in {industry}") if source == "industry" else
                           _("{level} cut {cut} for {what} is weaker than the policy's {floor} for grade {grade}"))
                found.append(finding(
                    "W301", message.format(level=level_said(level), cut=cut_label(explicit.value),
                                           what=_what(e, line.name, where), floor=cut_label(floor),
                                           grade=_grade_word(policy, policy.grade_key(e.grade)),
                                           industry=policy.industry_label(e.industry)), path,
                    explicit.line or line.line or e.line or None, e.id or None))
    return found


def _grade_word(policy: Policy, key: str | None) -> str | None:
    """A grade as a finding names it: the key in English (B, unrated), the policy's word in Chinese (B级, 未评级)."""
    grade = policy.grades.get(key or "")
    return grade.zh if grade is not None and language() == "zh" else key


def _reachable_levels(e: Enterprise, policy: Policy) -> list[Level]:
    """Effective levels the enterprise would have at each declared level (zone escalation)."""
    steps = policy.zone_escalation if e.key_zone else 0
    return list(dict.fromkeys(level.raised(steps) for level in LEVELS))


def _explicit_measures(e: Enterprise) -> list[tuple[Level, Measure]]:
    tables = [e.measures] + [line.measures for line in e.lines]
    return [(level, m) for table in tables for level, m in table.items() if m.sets_cut]


def _what(e: Enterprise, line_name: str, source: str) -> str:
    """The enterprise, and the line when the measure is the line's own."""
    return f"{e.name} / {line_name}" if e.has_lines and source == "line" else e.name


def list_facts_findings(lst: EnterpriseList) -> list[Finding]:
    """W320: no doc_prefix (文号前缀), so notice numbers would read 〔2026〕1号 with nothing before them.

    A review finding, not the reader's: check and activate need no prefix to compute, and activate
    takes --doc-prefix (or haze.yaml's doc_prefix) for a list without one.
    """
    if lst.info.doc_prefix.strip():
        return []
    return [finding("W320", _("no doc_prefix (文号前缀): notice numbers would read 〔YEAR〕N号 with nothing "
                              "before them; give doc_prefix in the list (文号前缀 in an XLSX's 清单信息 sheet), or "
                              "activate with --doc-prefix 示环应急"), lst.path)]


# -- the requirement ----------------------------------------------------------------------

def requirement_finding(result: LevelResult, path: str) -> Finding:
    """E201 for a level that falls short: every failing pollutant, and where to look next."""
    level = result.level
    parts = [f"{p.label} {ratio_pct(r.ratio, r.ok)} < {pct(r.required)}"
             for p, r in ((p, result.pollutants[p]) for p in result.failing)]
    # the level named as the terminal names it (cli/reporters/markup.level_title's message: 橙色预警（orange，Ⅱ级响应）)
    named = _("{level} ({zh}预警, {response}响应)").format(level=level.value, zh=level.zh, response=level.response)
    return finding("E201", _("{level} requirement not met: {shortfalls}; "
                             "run `haze plan {key}` for the added cuts that would meet it").format(
        level=named, shortfalls=_(", ").join(parts), key=level.value), path)
