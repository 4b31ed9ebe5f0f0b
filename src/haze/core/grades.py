"""Grades (绩效等级) and categories as a policy defines them (SPEC §1, §19): one place.

A list is read before its policy is chosen (a CSV names no policy; ``--policy``
may come later), so the list model keeps each enterprise's grade and category
*as written* (``B（含B-）``, ``b``, ``保障类``) and the policy resolves them when
it computes. This module holds:

- :func:`token`, the one normalisation every alias goes through (width,
  spacing, case, dashes, a trailing 级/类), so ``B 级``, ``Ｂ``, ``b`` and ``B级``
  are one grade and ``B－``, ``B-级``, ``b-`` are one too;
- the built-in grades and categories (:data:`BUILTIN_GRADES`,
  :data:`BUILTIN_CATEGORIES`): what a policy that says nothing more gets, and
  what a policy's own definitions start from;
- :class:`GradeDef` and :class:`CategoryDef`, the policy's table entries, and
  :func:`suggest`, the nearest name for a finding.

Nothing here knows about files: :mod:`haze.core.policy` reads a policy's
``grades`` and ``categories`` sections into these definitions.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from haze.core.i18n import _, series
from haze.core.model import Level, Measure

MeasureTable = dict[Level, Measure]

UNRATED = "unrated"
NORMAL = "normal"

#: every dash a clerk's keyboard or Excel may give for B-: hyphen, en/em dash, minus, full width (NFKC keeps some)
_DASHES = re.compile("[\u2010-\u2015\u2212\ufe58\ufe63\uff0d\u30fc]")
_SPACE = re.compile(r"\s+")
#: a trailing 级/类/企业 (B级, C类, 保障类企业), also before a bracket: B级（含B-） is B（含B-）
_SUFFIX = re.compile(r"(?:级|类|企业)(?=$|\()")


def token(text: object) -> str:
    """The form aliases are compared in: half width, no spaces, lower case, one dash, no 级/类 suffix.

    ``B 级``, ``Ｂ``, ``b`` and ``B级`` all give ``b``; ``B－``, ``B-级`` and ``b-`` give ``b-``;
    ``B级（含B-）`` gives ``b(含b-)``. A policy's keys and aliases go through the same
    function, so whatever a bureau writes in its policy matches what its clerks type.
    """
    text = unicodedata.normalize("NFKC", str(text))
    text = _SPACE.sub("", _DASHES.sub("-", text)).lower()
    stripped = _SUFFIX.sub("", text)
    return stripped or text  # 级 alone stays itself (it is no grade, and must not become "")


@dataclass
class GradeDef:
    """One grade of a policy: its key (what ``--json`` says), names, rank and measures.

    ``rank`` orders grades from best (A, leading) to worst (D): the plan asks the
    worst ranks first (SPEC §11, §19). ``self_managed`` grades (A, leading) are
    told they self-manage (自主减排) and are never raised by the plan.
    """

    key: str
    zh: str
    en: str
    rank: float
    self_managed: bool = False
    aliases: tuple[str, ...] = ()
    measures: MeasureTable = field(default_factory=dict)

    def names(self) -> list[str]:
        """Key, Chinese name and aliases, as a finding lists them."""
        return list(dict.fromkeys([self.key, self.zh, *self.aliases]))

    def label(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en


@dataclass
class CategoryDef:
    """One category (SPEC §19): its measures, exemption ceiling and whether it takes a load limit.

    ``exempt_up_to`` L: at effective levels ≤ L the category measure applies (cut 0
    when the table gives none at that level); above L the measure chain skips the
    category. ``None`` means no ceiling: the category's table alone decides, as the
    shipped ``guarantee`` does. ``max_load`` True: an enterprise may set its
    核定最大允许生产负荷 and is then cut ``1 − max_load`` where the category measure applies.
    """

    key: str
    zh: str
    en: str
    aliases: tuple[str, ...] = ()
    measures: MeasureTable = field(default_factory=dict)
    exempt_up_to: Level | None = None
    max_load: bool = False

    def names(self) -> list[str]:
        return list(dict.fromkeys([self.key, self.zh, *self.aliases]))

    def label(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en


#: key -> (zh, en, rank, self_managed, aliases). Unrated before nonleading: the plan's
#: tier lists them in this order (SPEC §11's example).
BUILTIN_GRADES: dict[str, tuple[str, str, float, bool, tuple[str, ...]]] = {
    "A": ("A级", "A", 1, True, ("A类",)),
    "leading": ("引领性", "leading", 1, True, ("绩效引领性", "引领性企业")),
    "B": ("B级", "B", 2, False, ("B类",)),
    "C": ("C级", "C", 4, False, ("C类",)),
    UNRATED: ("未评级", "unrated", 5, False, ("未分级", "未定级", "无")),
    "nonleading": ("非引领性", "non-leading", 5, False, ("non-leading",)),
    "D": ("D级", "D", 6, False, ("D类",)),
}

#: key -> (zh, en, aliases, exempt_up_to, max_load)
BUILTIN_CATEGORIES: dict[str, tuple[str, str, tuple[str, ...], Level | None, bool]] = {
    NORMAL: ("一般", "normal", ("普通", "一般企业"), None, False),
    "guarantee": ("保障类", "guarantee", ("民生保障类", "保障", "民生保障", "保障类企业"), None, True),
}


def says_normal(text: str) -> bool:
    """Does a category cell say "none" (一般, normal, empty)? Writers leave such a category out."""
    return not text.strip() or token(text) in {token(n) for n in builtin_category(NORMAL).names()}


def builtin_grade(key: str) -> GradeDef:
    zh, en, rank, self_managed, aliases = BUILTIN_GRADES[key]
    return GradeDef(key, zh, en, rank, self_managed, aliases)


def builtin_category(key: str) -> CategoryDef:
    zh, en, aliases, ceiling, max_load = BUILTIN_CATEGORIES[key]
    return CategoryDef(key, zh, en, aliases, exempt_up_to=ceiling, max_load=max_load)


def alias_table(defs: dict[str, GradeDef] | dict[str, CategoryDef]) -> tuple[dict[str, str], list[str]]:
    """token -> key for every name of every definition, and the clashes (two keys claiming one name)."""
    table: dict[str, str] = {}
    clashes: list[str] = []
    for key, d in defs.items():
        for name in d.names():
            t = token(name)
            if table.get(t, key) != key:
                clashes.append(_("{name!r} names both {table_t} and {key}").format(name=name, table_t=table[t], key=key))
                continue
            table[t] = key
    return table, clashes


def suggest(raw: str, defs: dict[str, GradeDef] | dict[str, CategoryDef]) -> str | None:
    """The policy's name nearest to ``raw`` (``B 级`` → ``B级``), for "did you mean …?"."""
    import difflib

    names: dict[str, str] = {}
    for d in defs.values():
        for n in d.names():
            names.setdefault(token(n), d.zh)  # suggested by its Chinese name: a clerk wrote the list in Chinese
    # 级别/等级 for 级 (Ｄ级别, C等级): the difference is the word, not the grade, yet against the
    # one-letter tokens it is too far for difflib; it is suggested, never read as the grade.
    for typed in (token(raw), token(re.sub(r"(级别|等级)\s*$", "级", unicodedata.normalize("NFKC", str(raw))))):
        match = difflib.get_close_matches(typed, list(names), n=1, cutoff=0.6)
        if match:
            return names[match[0]]
    return None


def listing(defs: dict[str, GradeDef] | dict[str, CategoryDef]) -> str:
    """``A (A级, A类), B (B级, B类), …``: the policy's own names, for a finding."""
    return series((_("{key} ({names})").format(key=d.key, names=series(n for n in d.names() if n != d.key))
                   for d in defs.values()), outer=True)
