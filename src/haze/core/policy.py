"""Policies (SPEC §3): shipped by name, or a bureau's own YAML file.

A policy is trusted configuration from the bureau, but it is still read with
the same safe loader as lists and checked, so that a broken policy gives one
clear line per problem, each naming the file and its line (one ``PolicyError``
holding them all, one per line), instead of a wrong computation. Every key at
every level is checked: an unknown one is refused with the nearest valid key.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Mapping

from haze.core.i18n import N_, _, os_reason
from haze.core import grades as _g
from haze.core.errors import PolicyError
from haze.core.findings import Finding
from haze.core.grades import NORMAL, UNRATED, CategoryDef, GradeDef
from haze.core.model import POLLUTANTS, Level, Measure, Pollutant
from haze.core.response import Duties, Triggers

DEFAULT_POLICY = "shanxi-2024"
#: Default of ``activation_horizon_hours``: three days, the span of a forecast a warning is issued on.
DEFAULT_HORIZON_HOURS = 72.0
MAX_POLICY_BYTES = 16 * 1024 * 1024

MeasureTable = dict[Level, Measure]


@dataclass
class Policy:
    name: str
    title: str = ""
    source: str = ""
    requirements: dict[Level, dict[Pollutant, float]] = field(default_factory=dict)
    zone_escalation: int = 1
    #: grade key -> definition (SPEC §19): the built-in grades, then the policy's own
    grades: dict[str, GradeDef] = field(default_factory=dict)
    #: industry key -> grade key -> level -> measure (overrides ``grades``)
    industries: dict[str, dict[str, MeasureTable]] = field(default_factory=dict)
    #: category key -> definition: ``normal``, ``guarantee`` and the policy's own
    categories: dict[str, CategoryDef] = field(default_factory=dict)
    noncompliant_actions: tuple[str, ...] = ()
    industry_names: dict[str, str] = field(default_factory=dict)
    #: ``lowest``: an unrated enterprise takes the worst grade its industry table defines (SPEC §19)
    unrated_as: str | None = None
    path: str = ""
    #: How far from now a warning may start (or be lifted) without --force: a start beyond it is
    #: usually a mistyped date (2062 for 2026) that would go on official notices (issue 17.7).
    activation_horizon_hours: float = DEFAULT_HORIZON_HOURS
    sha256: str = ""  # of a policy file's bytes (empty for a shipped policy)
    shipped: bool = False

    @property
    def record(self) -> str:
        """How the journal and a notice set's manifest name this policy.

        A shipped one by its name; a bureau's file by its path and the sha256
        of its bytes, never by a name it gives itself (issue 17 item 3).
        """
        if self.shipped:
            return self.name
        return f"{self.name} (file {self.path}, sha256 {self.sha256})"
    triggers: Triggers = field(default_factory=Triggers)  # SPEC §18: when a forecast calls for a level
    duties: Duties = field(default_factory=Duties)  # SPEC §18: receipt and report deadlines the notices state
    #: SPEC §14 (夏季错时生产) and §15 (秋冬季错峰生产): haze.core.season sections, None when the policy has none
    ozone: Any = None
    staggered: Any = None
    # Resolving the text a list gives (B（含B-）, b, 保障类) to a key, memoised per text:
    # a province's list has tens of thousands of enterprises and a handful of spellings.
    # init=False: dataclasses.replace() makes a fresh memo, never one of another policy's tables.
    _grade_memo: dict[str, str | None] = field(default_factory=dict, init=False, repr=False, compare=False)
    _category_memo: dict[str, str | None] = field(default_factory=dict, init=False, repr=False, compare=False)
    _derived: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Built-in grades and categories always exist: a bureau's policy written before
        # SPEC §19 names only some of them, and its lists still use the others.
        for key in _g.BUILTIN_GRADES:
            self.grades.setdefault(key, _g.builtin_grade(key))
        for key in _g.BUILTIN_CATEGORIES:
            self.categories.setdefault(key, _g.builtin_category(key))

    def requirement(self, level: Level, pollutant: Pollutant) -> float:
        """The share required; a level the policy leaves out cannot be computed (never 0%)."""
        if level not in self.requirements:
            raise PolicyError(_("{self_path_or_self_name}: policy {name!r} gives no requirement at {level_value}").format(self_path_or_self_name=self.path or self.name, name=self.name, level_value=level.value))
        return self.requirements[level][pollutant]

    def uniform_requirement(self, level: Level) -> float | dict[str, float]:
        """The share required at ``level``: one number when every pollutant shares it."""
        values = {p.value: self.requirement(level, p) for p in POLLUTANTS}
        distinct = set(values.values())
        return distinct.pop() if len(distinct) == 1 else values

    def industry_key(self, industry: str) -> str | None:
        """The policy's key for an industry given by key or Chinese name; None if unknown."""
        if not industry:
            return None
        text = unicodedata.normalize("NFKC", industry).strip()
        lowered = text.lower()
        if lowered in self.industries or lowered in self.industry_names:
            return lowered
        for key, zh in self.industry_names.items():
            if text == zh:
                return key
        return None

    def industry_label(self, industry: str) -> str:
        key = self.industry_key(industry)
        return self.industry_names.get(key, industry) if key else industry

    # -- grades and categories (SPEC §19) ------------------------------------------

    def _aliases(self, which: str) -> dict[str, str]:
        table = self._derived.get(which)
        if table is None:
            table = _g.alias_table(self.grades if which == "grades" else self.categories)[0]
            self._derived[which] = table
        return table

    def grade_key(self, text: str | None) -> str | None:
        """The policy's key for a grade as a list writes it (``B 级``, ``B（含B-）``); None if unknown.

        No grade at all is ``unrated`` (the list reader has warned, W310).
        """
        raw = text or ""
        if raw in self._grade_memo:
            return self._grade_memo[raw]
        key = self._aliases("grades").get(_g.token(raw)) if raw.strip() else UNRATED
        self._grade_memo[raw] = key
        return key

    def category_key(self, text: str | None) -> str | None:
        """The policy's key for a category as written; no category is ``normal``; None if unknown."""
        raw = text or ""
        if raw in self._category_memo:
            return self._category_memo[raw]
        key = self._aliases("categories").get(_g.token(raw)) if raw.strip() else NORMAL
        self._category_memo[raw] = key
        return key

    def tiers(self) -> tuple[tuple[str, ...], ...]:
        """The plan's tiers (SPEC §11, §19): grades of one rank together, worst rank first.

        Self-managed grades (A, leading) are never asked for more.
        """
        tiers = self._derived.get("tiers")
        if tiers is None:
            ranks = sorted({g.rank for g in self.grades.values() if not g.self_managed}, reverse=True)
            tiers = tuple(tuple(k for k, g in self.grades.items() if g.rank == r and not g.self_managed)
                          for r in ranks)
            self._derived["tiers"] = tiers
        return tiers

    def measure_grade(self, grade: str, industry: str) -> str:
        """The grade whose measures apply: the enterprise's own, or with ``unrated_as: lowest``
        and an industry table, the worst grade that table defines (SPEC §19)."""
        if grade != UNRATED or self.unrated_as != "lowest":
            return grade
        key = self.industry_key(industry)
        table = self.industries.get(key) if key else None
        if not table:
            return grade
        return max(table, key=lambda g: self.grades[g].rank)  # first of the worst rank on a tie

    def grade_measure(self, grade: str, level: Level) -> Measure | None:
        g = self.grades.get(grade)
        return g.measures.get(level) if g is not None else None

    def industry_measure(self, industry: str, grade: str, level: Level) -> Measure | None:
        key = self.industry_key(industry)
        if key is None:
            return None
        return self.industries.get(key, {}).get(grade, {}).get(level)

    def category_applies(self, category: str, level: Level) -> bool:
        """Does the category's measure apply at effective ``level`` (§19: up to ``exempt_up_to``)?"""
        c = self.categories.get(category)
        if c is None or category == NORMAL:
            return False
        if c.exempt_up_to is not None:
            return level <= c.exempt_up_to
        return level in c.measures

    def category_measure(self, category: str, level: Level, max_load: float | None = None) -> Measure | None:
        """The category's measure at effective ``level``, or None where the chain skips the category.

        Below its ceiling a category without its own measure at that level exempts (cut 0);
        with a load limit (``max_load`` on the enterprise, the category taking one) the cut
        is ``1 − max_load``, the category's actions kept.
        """
        if not self.category_applies(category, level):
            return None
        c = self.categories[category]
        memo = (category, level, max_load if c.max_load else None)
        found = self._derived.get(memo)
        if found is None:
            base = c.measures.get(level)
            if c.exempt_up_to is not None and (base is None or not base.sets_cut):
                # below its ceiling the category exempts (cut 0, 自主减排); its actions are kept
                base = Measure(cut=0.0, actions=base.actions if base else (), line=base.line if base else 0)
            if base is None:
                return None
            if c.max_load and max_load is not None:
                base = Measure(cut=1.0 - max_load, actions=base.actions, line=base.line)
            found = self._derived[memo] = base
        return found


def shipped_policies() -> list[str]:
    """Names of the policies that ship with haze."""
    folder = resources.files("haze.core.policies")
    return sorted(p.name[: -len(".yaml")] for p in folder.iterdir() if p.name.endswith(".yaml"))


def load_policy(name_or_path: str | None) -> Policy:
    """Load a shipped policy by name, or a policy file by path."""
    name = name_or_path or DEFAULT_POLICY
    if name in shipped_policies():
        resource = resources.files("haze.core.policies") / f"{name}.yaml"
        shipped = parse_policy(resource.read_bytes(), f"{name}.yaml")
        shipped.shipped = True
        return shipped
    path = Path(name)
    if path.suffix.lower() in (".yaml", ".yml") or path.exists():
        try:
            # A device or pipe (/dev/zero) would never end: only a regular file of sane size.
            if path.exists() and not path.is_file():
                raise PolicyError(_("{name}: a policy must be a regular file").format(name=name))
            if path.exists() and path.stat().st_size > MAX_POLICY_BYTES:
                raise PolicyError(_("{name}: a policy file is at most {MAX_POLICY_BYTES} bytes").format(name=name, MAX_POLICY_BYTES=MAX_POLICY_BYTES))
            data = path.read_bytes()
        except OSError as exc:
            raise PolicyError(_("{name}: cannot read policy: {problem}").format(name=name, problem=os_reason(exc))) from None
        return _policy_file(data, path)
    known = _(", ").join(shipped_policies())
    raise PolicyError(_("unknown policy {name!r}: use one of {known}, or a policy file").format(name=name, known=known))


def _policy_file(data: bytes, path: Path) -> Policy:
    """A bureau's policy file: parsed, refused if it takes a shipped policy's name, recorded by path and hash."""
    import hashlib

    policy = parse_policy(data, str(path))
    taken = {_name_key(n): n for n in shipped_policies()}
    if _name_key(policy.name) in taken:
        raise PolicyError(_("{path}: a policy file may not take the name of the shipped policy {taken__name_key_policy_n!r} (its name: {policy_name!r}); give it a name of its own (name: …) so that no notice or journal entry can pass it off as the shipped one").format(path=path, taken__name_key_policy_n=taken[_name_key(policy.name)], policy_name=policy.name))
    policy.path = str(path.resolve())
    policy.sha256 = hashlib.sha256(data).hexdigest()
    return policy


def _name_key(name: str) -> str:
    return unicodedata.normalize("NFKC", name).strip().casefold()


def parse_policy(data: bytes, path: str) -> Policy:
    """Read a policy file's bytes; every problem is one located finding, all raised together.

    As for a list (SPEC §5), the whole file is read before anything is refused, so a bureau
    fixes every problem in one pass; each is one line naming the file and its line.
    """
    from haze.io.lists.yamlread import load_yaml

    doc, findings = load_yaml(data, path)
    if doc is None:
        _raise_on(findings)
    if not isinstance(doc, Mapping):
        raise PolicyError(_("{path}: a policy must be a mapping").format(path=path))
    reader = _PolicyReader(path)
    policy = reader.read(doc)
    _raise_on(findings + reader.findings)
    return policy


#: Every key a policy file may hold at each level (SPEC §3, §14, §15, §18, §19); any other is
#: refused with the nearest one suggested, as a list's unknown keys are (a misspelt
#: ``zone_escalaton`` must not silently leave the default in force).
POLICY_KEYS = {"name", "title", "source", "requirements", "zone_escalation", "activation_horizon_hours", "grades",
               "industries", "categories", "unrated_as", "noncompliant", "names", "triggers", "duties", "ozone",
               "staggered"}
_NONCOMPLIANT_KEYS = {"actions"}
_NAMES_KEYS = {"industries"}
_TRIGGER_KEYS = {"source", "yellow", "orange", "red"}
_RULE_KEYS = {"above", "days", "peak_above", "text"}
_DUTY_KEYS = {"receipt_hours", "report_hours", "source"}
_OZONE_KEYS = {"source", "months", "window", "industries", "actions"}
_OZONE_INDUSTRY_KEYS = {"zh", "aliases"}
_STAGGER_KEYS = {"source", "season", "industries", "max_stopped_share", "escalation"}
_SEASON_KEYS = {"start", "end"}
_GRADE_KEYS = {"aliases", "rank", "measures", "zh", "en", "self_managed"}
_CATEGORY_KEYS = {"aliases", "measures", "exempt_up_to", "max_load", "zh", "en"}
#: the most hours a duty (receipt, report) may give: 30 days, a bound against typos, not a rule
_MAX_DUTY_HOURS = 24 * 30


class _PolicyReader:
    def __init__(self, path: str) -> None:
        from haze.io.lists.build import Builder

        self.path = path
        self.builder = Builder(path)
        #: the grades as read so far (staggered and industries refer to them)
        self.grades: dict[str, GradeDef] = {}

    @property
    def findings(self) -> list[Finding]:
        return self.builder.findings

    def fail(self, where: Any, message: str, key: Any = None, code: str = "E104") -> None:
        """A finding at ``key`` of the mapping ``where`` (its own line without a key)."""
        self.builder.add(code, message, where, key)

    def unknown_key(self, where: Any, key: Any, allowed: set[str], what: str) -> None:
        """E103 for one key, with the nearest allowed one suggested (as :meth:`Builder.unknown_keys`)."""
        hint = _closest(str(key), allowed)
        message = (_("unknown key {key!r} in {what} (did you mean {hint!r}?)") if hint
                   else _("unknown key {key!r} in {what}"))
        self.fail(where, message.format(key=key, what=_(what), hint=hint), key, "E103")

    def keys(self, data: Any, allowed: set[str], what: str) -> None:
        if isinstance(data, Mapping):
            for key in data:
                if key not in allowed:
                    self.unknown_key(data, key, allowed, what)

    def read(self, doc: Mapping) -> Policy:
        self.keys(doc, POLICY_KEYS, N_("the file"))
        name = self.text(doc, "name") or Path(self.path).stem
        policy = Policy(name=name, title=self.text(doc, "title"), source=self.text(doc, "source"), path=self.path)
        policy.requirements = self.requirements(doc.get("requirements"), doc)
        escalation = doc.get("zone_escalation", 1)
        if isinstance(escalation, bool) or not isinstance(escalation, int) or escalation < 0:
            self.fail(doc, _("zone_escalation must be a whole number ≥ 0, not {escalation!r}").format(
                escalation=escalation), "zone_escalation")
        else:
            policy.zone_escalation = escalation
        horizon = doc.get("activation_horizon_hours", DEFAULT_HORIZON_HOURS)
        if isinstance(horizon, bool) or not isinstance(horizon, (int, float)) or not 1 <= horizon <= 24 * 366:
            self.fail(doc, _("activation_horizon_hours must be a number of hours from 1 to 8784, not {horizon!r}")
                      .format(horizon=horizon), "activation_horizon_hours")
        else:
            policy.activation_horizon_hours = float(horizon)
        if not doc.get("grades"):
            # Without grades every enterprise would be cut 0 with no message (issue 17 item 5).
            self.fail(doc, _("a policy needs 'grades': grade -> level -> measure (without it nobody is cut)"),
                      "grades" if "grades" in doc else None)
        policy.grades = self.grades = self.grade_defs(doc.get("grades") or {}, doc)
        industries = self.section(doc, "industries")
        for industry, table in industries.items():
            if self.duplicate(str(industry).lower(), policy.industries, industries, industry, "industries"):
                continue
            policy.industries[str(industry).lower()] = self.grade_tables(table, industries, industry, policy.grades)
        policy.categories = self.category_defs(self.section(doc, "categories"), doc)
        policy.unrated_as = self.unrated_as(doc)
        noncompliant = self.section(doc, "noncompliant")
        self.keys(noncompliant, _NONCOMPLIANT_KEYS, "noncompliant")
        policy.noncompliant_actions = self.builder.actions(noncompliant.get("actions"), noncompliant, "actions")
        names = self.section(doc, "names")
        self.keys(names, _NAMES_KEYS, "names")
        industry_names = self.section(names, "industries")
        policy.industry_names = {str(k).lower(): self.text(industry_names, k) or str(k) for k in industry_names}
        policy.triggers = self.triggers(doc)
        policy.duties = self.duties(doc)
        policy.ozone = self.ozone(doc)
        policy.staggered = self.stagger(doc)
        return policy

    def text(self, data: Mapping, key: Any) -> str:
        """A text value (name, title, source): a mapping or list there is refused, control characters go (17.19)."""
        if not isinstance(data, Mapping) or data.get(key) is None:
            return ""
        return self.builder.text(data, key, "policy")  # type: ignore[arg-type]  # an LDict from the YAML reader

    def duplicate(self, canonical: Any, seen: Mapping, where: Any, key: Any, what: str) -> bool:
        """E109 when ``key`` means a key already read (``orange`` and ``橙色``, ``C`` and ``C级``).

        The same rule as lists: one silently overriding the other would change
        a cut or a requirement with no message (issue 17 item 5).
        """
        if canonical not in seen:
            return False
        name = getattr(canonical, "value", canonical)
        self.builder.add("E109", _("{key!r} in {what} means {name!r}, which is given already").format(key=key, what=what, name=name), where, key)
        return True

    def section(self, doc: Mapping, key: str) -> Mapping:
        """A part of the policy that must be a mapping; anything else is one finding, not a crash."""
        value = doc.get(key)
        if value is None:
            return {}
        if not isinstance(value, Mapping):
            self.builder.add("E101", _("{key} must be a mapping, not {__name__}").format(key=key, __name__=type(value).__name__), doc, key)
            return {}
        return value

    # -- requirements -----------------------------------------------------------------

    def requirements(self, raw: Any, doc: Mapping) -> dict[Level, dict[Pollutant, float]]:
        if not isinstance(raw, Mapping):
            self.fail(doc, _("a policy needs 'requirements': level -> share of total emissions"),
                      "requirements" if "requirements" in doc else None)
            return {}
        result: dict[Level, dict[Pollutant, float]] = {}
        seen: dict[Level, Any] = {}
        for key, value in raw.items():
            level = Level.parse(key)
            if level is None:
                self.fail(raw, _("unknown level {key!r} in requirements").format(key=key), key)
                continue
            if self.duplicate(level, seen, raw, key, "requirements"):
                continue
            seen[level] = key
            if not isinstance(value, Mapping):  # one share for every pollutant: one finding if it is wrong
                share = self.share(value)
                if share is None:
                    self.fail(raw, _("requirement {share!r} at {key} must be a share from 0 to 1").format(
                        share=value, key=key) + _share_hint(value), key)
                else:
                    result[level] = {p: share for p in POLLUTANTS}
                continue
            shares: dict[Pollutant, float] = {}
            written: dict[Pollutant, Any] = {}
            for pname, amount in value.items():
                p = Pollutant.parse(pname)
                if p is None:
                    self.fail(value, _("unknown pollutant {name!r} (expected so2, nox, pm or vocs)").format(name=pname),
                              pname, "E103")
                    continue
                if self.duplicate(p, written, value, pname, f"requirements at {level.value}"):
                    continue
                written[p] = pname
                share = self.share(amount)
                if share is None:
                    self.fail(value, _("requirement {pname!r}: {share!r} at {key} must be a share from 0 to 1").format(
                        pname=pname, share=amount, key=key) + _share_hint(amount), pname)
                    continue
                shares[p] = share
            missing = [p.value for p in POLLUTANTS if p not in written]
            if missing:  # a forgotten pollutant must not quietly require 0%
                self.fail(raw, _("requirements at {level_value} give no share for {join_missing}").format(
                    level_value=level.value, join_missing=', '.join(missing)), key)
            result[level] = shares
        return result

    @staticmethod
    def share(value: Any) -> float | None:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
            return None  # NaN fails the comparison too
        return float(value)

    # -- grades and categories (SPEC §19; the older grade -> level -> measure form still reads) ----

    def grade_defs(self, raw: Any, doc: Any) -> dict[str, GradeDef]:
        result = {key: _g.builtin_grade(key) for key in _g.BUILTIN_GRADES}
        if not isinstance(raw, Mapping):
            self.fail(doc, _("grades must map grades to level measures or to {aliases, rank, measures}"), "grades")
            return result
        builtin = _g.alias_table(result)[0]
        seen: dict[str, Any] = {}  # canonical keys read: C and C级 are one grade (E109, issue 17 item 5)
        for key, value in raw.items():
            name = str(key).strip()
            known = builtin.get(_g.token(name))
            if self.duplicate(known or name, seen, raw, key, "grades"):
                continue
            seen[known or name] = key
            if _defines(value, _GRADE_KEYS):
                grade = result[known] if known else None
                if grade is None:
                    grade = GradeDef(name, name, name, rank=0.0)
                    if "rank" not in value:
                        self.fail(raw, _("grade {name!r} is not built in: give it a rank (A is 1, B 2, C 4, D 6)").format(name=name), key)
                self.builder.unknown_keys(value, _GRADE_KEYS, f"grade {name}")
                self.grade_fields(grade, value)
                result[grade.key] = grade
            elif known is None:
                self.fail(raw, _("unknown grade {name!r}: not built in ({g_listing_result}); define it as {name}: {{aliases: [...], rank: N, measures: {{yellow: ..., orange: ..., red: ...}}}}").format(name=name, g_listing_result=_g.listing(result)), key)
                continue
            else:
                result[known].measures = self.table(value, raw, key)
            self.check_grade_measures(result[known or name], raw, key, value)
        for clash in _g.alias_table(result)[1]:
            self.fail(raw, _("grade name {clash}").format(clash=clash))
        return result

    def check_grade_measures(self, grade: GradeDef, raw: Mapping, key: Any, value: Any) -> None:
        """A grade the policy defines (``{zh, aliases, rank, measures}``) must give its measures.

        Without them every enterprise of the grade was cut 0 with no message, the
        line's ``source`` none of SPEC §7's: one deleted line (``measures: *grade-B``)
        turned a 20% cut into none. ``{}`` says no more than a missing key. A level
        left out of a grade's table still means what it always did (the chain goes
        on; SPEC §4.1's cut 0 if nothing sets one).
        """
        if not _defines(value, _GRADE_KEYS) or grade.measures or any(k not in _GRADE_KEYS for k in value):
            return  # the older form (its table is read as it is), or an unknown key said already (mesures)
        written = value.get("measures")
        if written is None or (isinstance(written, Mapping) and not written):
            self.fail(raw, _("grade {name!r} has no measures: an enterprise of this grade would be cut 0 with no "
                             "message; give it measures: {{yellow: …, orange: …, red: …}} ({{cut: 0}} for no cut)")
                      .format(name=grade.key), key, "E100")

    def grade_fields(self, grade: GradeDef, value: Any) -> None:  # an LDict from the YAML reader
        if "rank" in value:
            rank = value["rank"]
            if isinstance(rank, bool) or not isinstance(rank, (int, float)) or rank != rank or abs(rank) > 1e6:
                self.builder.add("E101", _("rank of grade {grade_key} must be a number (A is 1, D 6), not {rank!r}").format(grade_key=grade.key, rank=rank), value, "rank")
            elif rank < 1:  # 1 is the best (A, leading): a grade better than A has no meaning, and -5 is a typo
                self.fail(value, _("rank of grade {grade_key} must be at least 1 (A and leading are 1, the best; D is "
                                   "6), not {rank!r}").format(grade_key=grade.key, rank=rank), "rank")
            else:
                grade.rank = float(rank)
        if "self_managed" in value:
            grade.self_managed = self.builder.flag(value, "self_managed", grade.self_managed)
        grade.zh = self.name(value, "zh", grade.zh)
        grade.en = self.name(value, "en", grade.en)
        grade.aliases = tuple(dict.fromkeys(grade.aliases + self.aliases(value)))
        if value.get("measures") is not None:
            grade.measures = self.table(value["measures"], value, "measures")

    def category_defs(self, raw: Mapping, doc: Any) -> dict[str, CategoryDef]:
        result = {key: _g.builtin_category(key) for key in _g.BUILTIN_CATEGORIES}
        builtin = _g.alias_table(result)[0]
        seen: dict[str, Any] = {}  # canonical keys read: guarantee and 保障类 are one category (E109)
        for key, value in raw.items():
            name = str(key).strip()
            known = builtin.get(_g.token(name))
            if self.duplicate(known or name, seen, raw, key, "categories"):
                continue
            seen[known or name] = key
            if known == NORMAL:  # normal takes the grade measures: a table for it is never looked up (as before)
                continue
            if _defines(value, _CATEGORY_KEYS):
                category = result[known] if known else CategoryDef(name, name, name)
                self.builder.unknown_keys(value, _CATEGORY_KEYS, f"category {name}")
                self.category_fields(category, value)
                result[category.key] = category
            elif known is None:
                self.fail(raw, _("unknown category {name!r}: not built in ({g_listing_result}); define it as {name}: {{aliases: [...], measures: {{...}}, exempt_up_to: orange, max_load: false}}").format(name=name, g_listing_result=_g.listing(result)), key)
            else:
                result[known].measures = self.table(value, raw, key)
        for clash in _g.alias_table(result)[1]:
            self.fail(raw, _("category name {clash}").format(clash=clash))
        return result

    def category_fields(self, category: CategoryDef, value: Any) -> None:
        category.zh = self.name(value, "zh", category.zh)
        category.en = self.name(value, "en", category.en)
        category.aliases = tuple(dict.fromkeys(category.aliases + self.aliases(value)))
        if value.get("measures") is not None:
            category.measures = self.table(value["measures"], value, "measures")
        if "exempt_up_to" in value:
            ceiling = value["exempt_up_to"]
            level = None if ceiling is None else Level.parse(ceiling)
            if ceiling is not None and level is None:
                self.fail(value, _("exempt_up_to of category {category_key} must be yellow, orange, red or null, not {ceiling!r}").format(category_key=category.key, ceiling=ceiling), "exempt_up_to")
            category.exempt_up_to = level
        if "max_load" in value:
            category.max_load = self.builder.flag(value, "max_load", category.max_load)

    def name(self, value: Any, key: str, default: str) -> str:
        return self.builder.text(value, key, N_("a grade or category")) or default

    def aliases(self, value: Mapping) -> tuple[str, ...]:
        raw = value.get("aliases")
        if raw is None:
            return ()
        if isinstance(raw, (str, int, float)) and not isinstance(raw, bool):
            raw = [raw]
        if not isinstance(raw, list) or not all(isinstance(a, (str, int, float)) and not isinstance(a, bool)
                                                for a in raw):
            self.builder.add("E101", _("aliases must be a list of names"), value, "aliases")
            return ()
        return tuple(str(a).strip() for a in raw if str(a).strip())

    def unrated_as(self, doc: Mapping) -> str | None:
        value = doc.get("unrated_as")
        if value is None or value is False:
            return None
        if value == "lowest":
            return "lowest"
        self.fail(doc, _("unrated_as must be 'lowest' or left out, not {value!r}").format(value=value), "unrated_as")
        return None

    def grade_tables(self, raw: Any, where: Any, what: Any, grades: dict[str, GradeDef]) -> dict[str, MeasureTable]:
        if not isinstance(raw, Mapping):
            self.fail(where, _("{what} must map grades to level measures").format(what=what), what)
            return {}
        result: dict[str, MeasureTable] = {}
        for key, table in raw.items():
            grade = self.grade_of(key, raw, str(what))
            if grade is None:
                continue
            if self.duplicate(grade, result, raw, key, str(what)):
                continue
            result[grade] = self.table(table, raw, key)
        return result

    def grade_of(self, key: Any, where: Mapping, what: str) -> str | None:
        """The policy's key for a grade as a section writes it (any alias); None and a finding if unknown."""
        grade = _g.alias_table(self.grades)[0].get(_g.token(key))
        if grade is None:
            self.fail(where, _("unknown grade {key!r} in {what} (the policy's grades: {g_listing_grades})").format(
                key=key, what=what, g_listing_grades=_g.listing(self.grades)), key)
        return grade

    def table(self, raw: Any, where: Any, key: Any) -> MeasureTable:
        return self.builder.measures(raw, where, key)

    # -- triggers and duties (SPEC §18) --------------------------------------------------

    def triggers(self, doc: Mapping) -> Triggers:
        from haze.core.response import Rule

        raw = doc.get("triggers")
        if raw is None:
            return Triggers()
        if not isinstance(raw, Mapping):
            self.fail(doc, _("triggers must be a mapping of level -> rules"), "triggers")
            return Triggers()
        rules: list[Rule] = []
        seen: dict[Level, Any] = {}
        for key, value in raw.items():
            if key == "source":
                continue
            level = Level.parse(key)
            if level is None:
                self.unknown_key(raw, key, _TRIGGER_KEYS, "triggers")
                continue
            if self.duplicate(level, seen, raw, key, "triggers"):
                continue
            seen[level] = key
            where = f"triggers.{level.value}"
            for item in value if isinstance(value, list) else [value]:
                if not isinstance(item, Mapping):
                    self.fail(raw, _("{where}: a rule is a mapping like {{above: 150, days: 2}}, not {item!r}").format(
                        where=where, item=item), key)
                    continue
                before = len(self.findings)
                self.builder.unknown_keys(item, _RULE_KEYS, where)  # type: ignore[arg-type]
                above: Any = item.get("above")
                days: Any = item.get("days", 1)
                peak: Any = item.get("peak_above")
                if not _number(above) or above < 0:
                    self.fail(item, _("{where}: 'above' must be an AQI value ≥ 0, not {above!r}").format(
                        where=where, above=above), "above" if "above" in item else None)
                elif peak is not None and (not _number(peak) or peak < above):
                    self.fail(item, _("{where}: 'peak_above' must be an AQI value ≥ 'above', not {peak!r}").format(
                        where=where, peak=peak), "peak_above")
                if isinstance(days, bool) or not isinstance(days, int) or days < 1:
                    self.fail(item, _("{where}: 'days' must be a whole number ≥ 1, not {days!r}").format(
                        where=where, days=days), "days")
                text = self.text(item, "text")
                if not any(f.is_error for f in self.findings[before:]):
                    rules.append(Rule(level, float(above), days, None if peak is None else float(peak), text))
        return Triggers(tuple(rules), self.text(raw, "source"))

    def duties(self, doc: Mapping) -> Duties:
        from haze.core.response import DEFAULT_REPORT_HOURS, DEFAULT_RECEIPT_HOURS

        raw = doc.get("duties")
        if raw is None:
            return Duties()
        if not isinstance(raw, Mapping):
            self.fail(doc, _("duties must be a mapping like {receipt_hours: 1, report_hours: 24}"), "duties")
            return Duties()
        self.keys(raw, _DUTY_KEYS, "duties")
        values: dict[str, float] = {}
        for key, default in (("receipt_hours", DEFAULT_RECEIPT_HOURS), ("report_hours", DEFAULT_REPORT_HOURS)):
            value = raw.get(key, default)
            # A notice must name a time: a duty without one would read "return the receipt within hours".
            if _number(value) and 0 < value <= _MAX_DUTY_HOURS:
                values[key] = float(value)
            else:
                self.fail(raw, _("duties: {key} must be a number of hours above 0 (at most 720), not {value!r}").format(
                    key=key, value=value), key if key in raw else None)
                values[key] = default
        return Duties(values["receipt_hours"], values["report_hours"], self.text(raw, "source"))

    # -- season controls (SPEC §14, §15) ----------------------------------------------------

    def ozone(self, doc: Mapping) -> Any:
        from haze.core.season import OzoneIndustry, OzoneSection

        if not isinstance(doc.get("ozone"), Mapping):
            self.section(doc, "ozone")  # nothing, or a finding for what is not a mapping
            return None
        raw = doc["ozone"]
        self.keys(raw, _OZONE_KEYS, "ozone")
        months = raw.get("months", [5, 6, 7, 8, 9])
        if not isinstance(months, list) or not months or any(
                isinstance(m, bool) or not isinstance(m, int) or not 1 <= m <= 12 for m in months):
            self.fail(raw, _("ozone.months must be a list of months 1–12, not {months!r}").format(months=months),
                      "months")
            months = [5, 6, 7, 8, 9]
        window = raw.get("window", ["10:00", "16:00"])
        if not (isinstance(window, list) and len(window) == 2 and all(_is_clock(w) for w in window)) \
                or str(window[0]) >= str(window[1]):
            self.fail(raw, _("ozone.window must be [\"HH:MM\", \"HH:MM\"], start before end, not {window!r}").format(
                window=window), "window")
            window = ["10:00", "16:00"]
        industries = []
        table = self.section(raw, "industries")
        for key, value in table.items():
            if isinstance(value, str):
                industries.append(OzoneIndustry(str(key), value))
            elif isinstance(value, Mapping):
                self.keys(value, _OZONE_INDUSTRY_KEYS, f"ozone.industries.{key}")
                aliases = value.get("aliases") or []
                if not isinstance(aliases, list):
                    self.fail(value, _("ozone.industries.{key}.aliases must be a list").format(key=key), "aliases")
                    aliases = []
                industries.append(OzoneIndustry(str(key), self.text(value, "zh") or str(key),
                                                tuple(str(a) for a in aliases)))
            else:
                self.fail(table, _("ozone.industries.{key} must be a name or {{zh, aliases}}").format(key=key), key)
        actions = raw.get("actions") or []
        if not isinstance(actions, list):
            self.fail(raw, _("ozone.actions must be a list of sentences"), "actions")
            actions = []
        return OzoneSection(tuple(sorted(set(months))), (str(window[0]), str(window[1])), tuple(industries),
                            tuple(str(a) for a in actions), self.text(raw, "source"))

    def stagger(self, doc: Mapping) -> Any:
        from haze.core.season import SEASON, StaggerSection

        if not isinstance(doc.get("staggered"), Mapping):
            self.section(doc, "staggered")  # nothing, or a finding for what is not a mapping
            return None
        raw = doc["staggered"]
        self.keys(raw, _STAGGER_KEYS, "staggered")
        season = raw.get("season") or {"start": "11-15", "end": "03-15"}
        start, end = (11, 15), (3, 15)
        if not isinstance(season, Mapping):
            self.fail(raw, _("staggered.season must be {{start: \"11-15\", end: \"03-15\"}}"), "season")
        else:
            self.keys(season, _SEASON_KEYS, "staggered.season")
            start = self.month_day(season, "start", first=True) or start
            end = self.month_day(season, "end") or end
        length = _longest_season(StaggerSection(start, end))
        industries: dict[str, dict[str, int | str]] = {}
        table = self.section(raw, "industries")
        for industry, grades in table.items():
            what = f"staggered.industries.{industry}"
            if not isinstance(grades, Mapping):
                self.fail(table, _("staggered.industries.{industry} must map grades to stop days").format(
                    industry=industry), industry)
                continue
            if self.duplicate(str(industry).lower(), industries, table, industry, "staggered.industries"):
                continue
            row: dict[str, int | str] = {}
            for key, days in grades.items():
                grade = self.grade_of(key, grades, what)
                if grade is None or self.duplicate(grade, row, grades, key, what):
                    continue
                if days == SEASON:
                    row[grade] = SEASON
                elif isinstance(days, bool) or not isinstance(days, int) or days < 0:
                    self.fail(grades, _("staggered.industries.{industry}.{grade}: stop days must be a whole number ≥ 0 "
                                        "or \"season\", not {days!r}").format(industry=industry, grade=key, days=days),
                              key)
                elif days > length:
                    # Not capped quietly: the bureau's file and the notices would state different stop days.
                    self.fail(grades, _("staggered.industries.{industry}.{grade}: {days} stop days, but the season "
                                        "({start} to {end}) has at most {length} days; write \"season\" for the "
                                        "whole season").format(industry=industry, grade=key, days=days,
                                                               start=_md(start), end=_md(end), length=length), key)
                else:
                    row[grade] = days
            industries[str(industry).lower()] = row
        shares: dict[str, float] = {}
        share_table = self.section(raw, "max_stopped_share")
        for industry, share in share_table.items():
            if str(industry).lower() not in industries:
                self.unknown_key(share_table, industry, set(industries), "staggered.max_stopped_share")
            elif isinstance(share, bool) or not isinstance(share, (int, float)) or not 0 < share <= 1:
                self.fail(share_table, _("staggered.max_stopped_share.{industry} must be a share in (0, 1], not "
                                         "{share!r}").format(industry=industry, share=share), industry)
            else:
                shares[str(industry).lower()] = float(share)
        escalation: dict[str, str] = {}
        steps = self.section(raw, "escalation")
        for key, value in steps.items():
            grade = self.grade_of(key, steps, "staggered.escalation")
            target = self.grade_of(value, steps, "staggered.escalation") if _hashable(value) else None
            if grade is None or target is None or self.duplicate(grade, escalation, steps, key, "staggered.escalation"):
                continue
            if self.grades[target].rank < self.grades[grade].rank:
                self.fail(steps, _("staggered.escalation: {grade} → {target} is not stricter (rank {rank:g} → "
                                   "{target_rank:g}); a key-zone enterprise takes a stricter grade").format(
                    grade=key, target=value, rank=self.grades[grade].rank, target_rank=self.grades[target].rank), key)
                continue
            escalation[grade] = target
        return StaggerSection(start, end, industries, shares, escalation, self.text(raw, "source"))

    def month_day(self, season: Mapping, key: str, first: bool = False) -> tuple[int, int] | None:
        """``"11-15"`` -> (11, 15); None and a finding at its line for anything else."""
        import re
        from datetime import date

        value = season.get(key)
        m = re.match(r"^(\d{1,2})-(\d{1,2})$", str(value or ""))
        if not m:
            self.fail(season, _("staggered.season dates are \"MM-DD\", not {value!r}").format(value=value), key)
            return None
        month, day = int(m.group(1)), int(m.group(2))
        try:
            date(2024, month, day)  # a leap year: 02-29 is a day
        except ValueError:
            self.fail(season, _("staggered.season: {value!r} is not a day of the year").format(value=value), key)
            return None
        if first and (month, day) == (2, 29):  # StaggerSection.dates() would fail in three years of four
            self.fail(season, _("staggered.season cannot start on 02-29, a day most years do not have"), key)
            return None
        return month, day


def _defines(value: Any, keys: set[str]) -> bool:
    """The SPEC §19 form ({aliases, rank, measures…}) rather than the older level -> measure one.

    A misspelt key of that form (``mesures``, ``alias``) reads as that form too, so it is refused
    as an unknown key with the right one suggested, not as an unknown level.
    """
    return isinstance(value, Mapping) and any(
        k in keys or (Level.parse(k) is None and _closest(str(k), keys) is not None) for k in value)


def _closest(key: str, allowed: set[str]) -> str | None:
    import difflib

    matches = difflib.get_close_matches(key, sorted(allowed), n=1, cutoff=0.75)
    return matches[0] if matches else None


def _longest_season(section: Any) -> int:
    """The most days the season can have (a leap year's February counts when the season spans it)."""
    spans = (section.dates(year) for year in (2023, 2024, 2025, 2026))
    return max((last - first).days + 1 for first, last in spans)


def _number(value: Any) -> bool:
    """A finite number, not a yes/no."""
    return not isinstance(value, bool) and isinstance(value, (int, float)) and math.isfinite(value)


def _hashable(value: Any) -> bool:
    return isinstance(value, (str, int, float)) and not isinstance(value, bool)


def _is_clock(value: Any) -> bool:
    import re

    return isinstance(value, str) and re.match(r"^([01]\d|2[0-3]):[0-5]\d$", value) is not None


def _md(day: tuple[int, int]) -> str:
    return f"{day[0]:02d}-{day[1]:02d}"


def _share_hint(value: Any) -> str:
    """``'20%'`` or ``20`` where a share is meant: say the fraction to write."""
    text = str(value).strip() if isinstance(value, (str, int, float)) and not isinstance(value, bool) else ""
    number = text[:-1].strip() if text.endswith("%") else (text if isinstance(value, int) else "")
    try:
        percent = float(number)
    except ValueError:
        return ""
    if not 0 < percent <= 100:
        return ""
    return _(" (a share is a fraction: write {fraction:g} for {percent})").format(
        fraction=percent / 100, percent=f"{percent:g}%")


def _raise_on(findings: list[Finding]) -> None:
    """All the errors, one line each, in the order of the file (SPEC §7: one clear line per problem)."""
    errors = sorted((f for f in findings if f.is_error), key=lambda f: f.line or 0)
    if errors:
        raise PolicyError("\n".join(f.format() for f in errors))
