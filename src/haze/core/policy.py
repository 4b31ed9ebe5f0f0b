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

from haze.core.errors import PolicyError
from haze.core.findings import Finding
from haze.core.model import POLLUTANTS, Category, Grade, Level, Measure, Pollutant

DEFAULT_POLICY = "shanxi-2024"
MAX_POLICY_BYTES = 16 * 1024 * 1024

MeasureTable = dict[Level, Measure]


@dataclass
class Policy:
    name: str
    title: str = ""
    source: str = ""
    requirements: dict[Level, dict[Pollutant, float]] = field(default_factory=dict)
    zone_escalation: int = 1
    grades: dict[Grade, MeasureTable] = field(default_factory=dict)
    industries: dict[str, dict[Grade, MeasureTable]] = field(default_factory=dict)
    categories: dict[Category, MeasureTable] = field(default_factory=dict)
    noncompliant_actions: tuple[str, ...] = ()
    industry_names: dict[str, str] = field(default_factory=dict)
    path: str = ""
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

    def requirement(self, level: Level, pollutant: Pollutant) -> float:
        """The share required; a level the policy leaves out cannot be computed (never 0%)."""
        if level not in self.requirements:
            raise PolicyError(f"{self.path or self.name}: policy {self.name!r} gives no requirement at {level.value}")
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

    def grade_measure(self, grade: Grade, level: Level) -> Measure | None:
        return self.grades.get(grade, {}).get(level)

    def industry_measure(self, industry: str, grade: Grade, level: Level) -> Measure | None:
        key = self.industry_key(industry)
        if key is None:
            return None
        return self.industries.get(key, {}).get(grade, {}).get(level)

    def category_measure(self, category: Category, level: Level) -> Measure | None:
        if category is Category.NORMAL:
            return None
        return self.categories.get(category, {}).get(level)


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
                raise PolicyError(f"{name}: a policy must be a regular file")
            if path.exists() and path.stat().st_size > MAX_POLICY_BYTES:
                raise PolicyError(f"{name}: a policy file is at most {MAX_POLICY_BYTES} bytes")
            data = path.read_bytes()
        except OSError as exc:
            raise PolicyError(f"{name}: cannot read policy: {exc.strerror or exc}") from None
        return _policy_file(data, path)
    known = ", ".join(shipped_policies())
    raise PolicyError(f"unknown policy {name!r}: use one of {known}, or a policy file")


def _policy_file(data: bytes, path: Path) -> Policy:
    """A bureau's policy file: parsed, refused if it takes a shipped policy's name, recorded by path and hash."""
    import hashlib

    policy = parse_policy(data, str(path))
    taken = {_name_key(n): n for n in shipped_policies()}
    if _name_key(policy.name) in taken:
        raise PolicyError(f"{path}: a policy file may not take the name of the shipped policy "
                          f"{taken[_name_key(policy.name)]!r} (its name: {policy.name!r}); give it a name of its own "
                          "(name: …) so that no notice or journal entry can pass it off as the shipped one")
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
        raise PolicyError(f"{path}: a policy must be a mapping")
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
        name = str(doc.get("name") or Path(self.path).stem)
        policy = Policy(name=name, title=str(doc.get("title") or ""), source=str(doc.get("source") or ""),
                        path=self.path)
        policy.requirements = self.requirements(doc.get("requirements"), doc)
        escalation = doc.get("zone_escalation", 1)
        if isinstance(escalation, bool) or not isinstance(escalation, int) or escalation < 0:
            self.fail(doc, f"zone_escalation must be a whole number ≥ 0, not {escalation!r}")
        else:
            policy.zone_escalation = escalation
        if not doc.get("grades"):
            # Without grades every enterprise would be cut 0 with no message (issue 17 item 5).
            self.fail(doc, "a policy needs 'grades': grade -> level -> measure (without it nobody is cut)")
        policy.grades = self.grade_tables(doc.get("grades") or {}, doc, "grades")
        for industry, table in self.section(doc, "industries").items():
            if self.duplicate(str(industry).lower(), policy.industries, doc.get("industries"), industry,
                              "industries"):
                continue
            policy.industries[str(industry).lower()] = self.grade_tables(table, doc.get("industries"), industry)
        for category, table in self.section(doc, "categories").items():
            parsed = Category.parse(category)
            if parsed is None:
                self.fail(doc.get("categories"), f"unknown category {category!r}")
                continue
            if self.duplicate(parsed, policy.categories, doc.get("categories"), category, "categories"):
                continue
            policy.categories[parsed] = self.table(table, doc.get("categories"), category)
        noncompliant = doc.get("noncompliant") or {}
        policy.noncompliant_actions = self.builder.actions(noncompliant.get("actions"), noncompliant, "actions") \
            if isinstance(noncompliant, Mapping) else ()
        names = self.section(doc, "names")
        policy.industry_names = {str(k).lower(): str(v) for k, v in self.section(names, "industries").items()}
        return policy

    def duplicate(self, canonical: Any, seen: Mapping, where: Any, key: Any, what: str) -> bool:
        """E109 when ``key`` means a key already read (``orange`` and ``橙色``, ``C`` and ``C级``).

        The same rule as lists: one silently overriding the other would change
        a cut or a requirement with no message (issue 17 item 5).
        """
        if canonical not in seen:
            return False
        name = getattr(canonical, "value", canonical)
        self.builder.add("E109", f"{key!r} in {what} means {name!r}, which is given already", where, key)
        return True

    def section(self, doc: Mapping, key: str) -> Mapping:
        """A part of the policy that must be a mapping; anything else is one finding, not a crash."""
        value = doc.get(key)
        if value is None:
            return {}
        if not isinstance(value, Mapping):
            self.builder.add("E101", f"{key} must be a mapping, not {type(value).__name__}", doc, key)
            return {}
        return value

    def requirements(self, raw: Any, doc: Any) -> dict[Level, dict[Pollutant, float]]:
        if not isinstance(raw, Mapping):
            self.fail(doc, "a policy needs 'requirements': level -> share of total emissions")
            return {}
        result: dict[Level, dict[Pollutant, float]] = {}
        for key, value in raw.items():
            level = Level.parse(key)
            if level is None:
                self.fail(raw, f"unknown level {key!r} in requirements")
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
                    self.fail(raw, f"requirement {pname!r}: {share!r} at {key} must be a share from 0 to 1")
                    continue
                result[level][p] = float(share)
        for level, shares in result.items():  # a forgotten pollutant must not quietly require 0%
            missing = [p.value for p in POLLUTANTS if p not in shares]
            if missing:
                self.fail(raw, f"requirements at {level.value} give no share for {', '.join(missing)}")
        return result

    def grade_tables(self, raw: Any, where: Any, what: Any) -> dict[Grade, MeasureTable]:
        if not isinstance(raw, Mapping):
            self.fail(where, f"{what} must map grades to level measures")
            return {}
        result: dict[Grade, MeasureTable] = {}
        for key, table in raw.items():
            grade = Grade.parse(key)
            if grade is None:
                self.fail(raw, f"unknown grade {key!r} in {what}")
                continue
            if self.duplicate(grade, result, raw, key, str(what)):
                continue
            result[grade] = self.table(table, raw, key)
        return result

    def table(self, raw: Any, where: Any, key: Any) -> MeasureTable:
        return self.builder.measures(raw, where, key)


def _raise_on(findings: list[Finding]) -> None:
    errors = [f for f in findings if f.is_error]
    if errors:
        raise PolicyError("; ".join(f.format() for f in errors[:5]))
