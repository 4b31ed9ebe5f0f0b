"""Policies (SPEC §3): shipped by name, or a bureau's own YAML file.

A policy is trusted configuration from the bureau, but it is still read with
the same safe loader as lists and checked, so that a broken policy gives one
clear line (``PolicyError``) instead of a wrong computation.
"""

from __future__ import annotations

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
from haze.core.response import Duties, Triggers, parse_duties, parse_triggers

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
    from haze.io.lists.yamlread import load_yaml

    doc, findings = load_yaml(data, path)
    _raise_on(findings)
    if not isinstance(doc, Mapping):
        raise PolicyError(_("{path}: a policy must be a mapping").format(path=path))
    reader = _PolicyReader(path)
    policy = reader.read(doc)
    _raise_on(reader.findings)
    return policy


class _PolicyReader:
    def __init__(self, path: str) -> None:
        from haze.io.lists.build import Builder

        self.path = path
        self.builder = Builder(path)

    @property
    def findings(self) -> list[Finding]:
        return self.builder.findings

    def fail(self, where: Any, message: str) -> None:
        line = getattr(where, "line", None)
        self.builder.add("E104", message, where if line else None)

    def read(self, doc: Mapping) -> Policy:
        from haze.core.text import clean

        # A policy's name and title reach the terminal, notices and the journal: no escape codes (17.19).
        name = clean(str(doc.get("name") or "")) or Path(self.path).stem
        policy = Policy(name=name, title=clean(str(doc.get("title") or "")),
                        source=clean(str(doc.get("source") or "")), path=self.path)
        policy.requirements = self.requirements(doc.get("requirements"), doc)
        escalation = doc.get("zone_escalation", 1)
        if isinstance(escalation, bool) or not isinstance(escalation, int) or escalation < 0:
            self.fail(doc, _("zone_escalation must be a whole number ≥ 0, not {escalation!r}").format(escalation=escalation))
        else:
            policy.zone_escalation = escalation
        horizon = doc.get("activation_horizon_hours", DEFAULT_HORIZON_HOURS)
        if isinstance(horizon, bool) or not isinstance(horizon, (int, float)) or not 1 <= horizon <= 24 * 366:
            self.fail(doc, _("activation_horizon_hours must be a number of hours from 1 to 8784, not {horizon!r}").format(horizon=horizon))
        else:
            policy.activation_horizon_hours = float(horizon)
        if not doc.get("grades"):
            # Without grades every enterprise would be cut 0 with no message (issue 17 item 5).
            self.fail(doc, _("a policy needs 'grades': grade -> level -> measure (without it nobody is cut)"))
        policy.grades = self.grade_defs(doc.get("grades") or {}, doc)
        for industry, table in self.section(doc, "industries").items():
            if self.duplicate(str(industry).lower(), policy.industries, doc.get("industries"), industry,
                              "industries"):
                continue
            policy.industries[str(industry).lower()] = self.grade_tables(table, doc.get("industries"), industry,
                                                                         policy.grades)
        policy.categories = self.category_defs(self.section(doc, "categories"), doc)
        policy.unrated_as = self.unrated_as(doc)
        noncompliant = doc.get("noncompliant") or {}
        policy.noncompliant_actions = self.builder.actions(noncompliant.get("actions"), noncompliant, "actions") \
            if isinstance(noncompliant, Mapping) else ()
        names = self.section(doc, "names")
        policy.industry_names = {str(k).lower(): clean(str(v)) for k, v in self.section(names, "industries").items()}
        problems: list[str] = []
        policy.triggers = parse_triggers(doc.get("triggers"), problems)
        policy.duties = parse_duties(doc.get("duties"), problems)
        for problem in problems:
            self.fail(doc, problem)

        from haze.core.season import read_ozone, read_stagger

        policy.ozone = read_ozone(doc.get("ozone"), self.path)
        policy.staggered = read_stagger(doc.get("staggered"), self.path)
        return policy

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

    def requirements(self, raw: Any, doc: Any) -> dict[Level, dict[Pollutant, float]]:
        if not isinstance(raw, Mapping):
            self.fail(doc, _("a policy needs 'requirements': level -> share of total emissions"))
            return {}
        result: dict[Level, dict[Pollutant, float]] = {}
        for key, value in raw.items():
            level = Level.parse(key)
            if level is None:
                self.fail(raw, _("unknown level {key!r} in requirements").format(key=key))
                continue
            if self.duplicate(level, result, raw, key, "requirements"):
                continue
            shares = value if isinstance(value, Mapping) else {p.value: value for p in POLLUTANTS}
            result[level] = {}
            for pname, share in shares.items():
                p = Pollutant.parse(pname)
                if p is not None and isinstance(value, Mapping) and \
                        self.duplicate(p, result[level], shares, pname, f"requirements at {level.value}"):
                    continue
                if p is None or isinstance(share, bool) or not isinstance(share, (int, float)) \
                        or not 0 <= share <= 1:
                    self.fail(raw, _("requirement {pname!r}: {share!r} at {key} must be a share from 0 to 1").format(pname=pname, share=share, key=key))
                    continue
                result[level][p] = float(share)
        for level, shares in result.items():  # a forgotten pollutant must not quietly require 0%
            missing = [p.value for p in POLLUTANTS if p not in shares]
            if missing:
                self.fail(raw, _("requirements at {level_value} give no share for {join_missing}").format(level_value=level.value, join_missing=', '.join(missing)))
        return result

    # -- grades and categories (SPEC §19; the older grade -> level -> measure form still reads) ----

    def grade_defs(self, raw: Any, doc: Any) -> dict[str, GradeDef]:
        result = {key: _g.builtin_grade(key) for key in _g.BUILTIN_GRADES}
        if not isinstance(raw, Mapping):
            self.fail(doc, _("grades must map grades to level measures or to {aliases, rank, measures}"))
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
                        self.fail(raw, _("grade {name!r} is not built in: give it a rank (A is 1, B 2, C 4, D 6)").format(name=name))
                self.builder.unknown_keys(value, _GRADE_KEYS, f"grade {name}")
                self.grade_fields(grade, value)
                result[grade.key] = grade
            elif known is None:
                self.fail(raw, _("unknown grade {name!r}: not built in ({g_listing_result}); define it as {name}: {{aliases: [...], rank: N, measures: {{yellow: ..., orange: ..., red: ...}}}}").format(name=name, g_listing_result=_g.listing(result)))
            else:
                result[known].measures = self.table(value, raw, key)
        for clash in _g.alias_table(result)[1]:
            self.fail(raw, _("grade name {clash}").format(clash=clash))
        return result

    def grade_fields(self, grade: GradeDef, value: Any) -> None:  # an LDict from the YAML reader
        if "rank" in value:
            rank = value["rank"]
            if isinstance(rank, bool) or not isinstance(rank, (int, float)) or rank != rank or abs(rank) > 1e6:
                self.builder.add("E101", _("rank of grade {grade_key} must be a number (A is 1, D 6), not {rank!r}").format(grade_key=grade.key, rank=rank), value, "rank")
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
                self.fail(raw, _("unknown category {name!r}: not built in ({g_listing_result}); define it as {name}: {{aliases: [...], measures: {{...}}, exempt_up_to: orange, max_load: false}}").format(name=name, g_listing_result=_g.listing(result)))
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
                self.fail(value, _("exempt_up_to of category {category_key} must be yellow, orange, red or null, not {ceiling!r}").format(category_key=category.key, ceiling=ceiling))
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
        self.fail(doc, _("unrated_as must be 'lowest' or left out, not {value!r}").format(value=value))
        return None

    def grade_tables(self, raw: Any, where: Any, what: Any, grades: dict[str, GradeDef]) -> dict[str, MeasureTable]:
        if not isinstance(raw, Mapping):
            self.fail(where, _("{what} must map grades to level measures").format(what=what))
            return {}
        aliases = _g.alias_table(grades)[0]
        result: dict[str, MeasureTable] = {}
        for key, table in raw.items():
            grade = aliases.get(_g.token(key))
            if grade is None:
                self.fail(raw, _("unknown grade {key!r} in {what} (the policy's grades: {g_listing_grades})").format(key=key, what=what, g_listing_grades=_g.listing(grades)))
                continue
            if self.duplicate(grade, result, raw, key, str(what)):
                continue
            result[grade] = self.table(table, raw, key)
        return result

    def table(self, raw: Any, where: Any, key: Any) -> MeasureTable:
        return self.builder.measures(raw, where, key)


_GRADE_KEYS = {"aliases", "rank", "measures", "zh", "en", "self_managed"}
_CATEGORY_KEYS = {"aliases", "measures", "exempt_up_to", "max_load", "zh", "en"}


def _defines(value: Any, keys: set[str]) -> bool:
    """The SPEC §19 form ({aliases, rank, measures…}) rather than the older level -> measure one."""
    return isinstance(value, Mapping) and any(k in keys for k in value)


def _raise_on(findings: list[Finding]) -> None:
    errors = [f for f in findings if f.is_error]
    if errors:
        raise PolicyError("; ".join(f.format() for f in errors[:5]))
