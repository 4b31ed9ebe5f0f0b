"""The vocabulary of SPEC §1 and the list of §2 as plain enums and dataclasses.

Nothing here reads files or knows about the terminal. Aliases (橙色, Ⅱ,
"30%"…) are resolved by the ``parse`` class methods, which return ``None`` for
an unknown value so that readers can turn it into a finding. Grades and
categories are the policy's (haze.core.grades): the model keeps them as written.
"""

from __future__ import annotations

import enum
import unicodedata
from dataclasses import dataclass, field
from typing import Any


def _norm(text: str) -> str:
    """Full-width to half-width, trimmed, lower-case: how aliases are compared."""
    return unicodedata.normalize("NFKC", text).strip().lower()


class Level(str, enum.Enum):
    """Warning level (预警级别); ordered yellow < orange < red."""

    YELLOW = "yellow"
    ORANGE = "orange"
    RED = "red"

    @property
    def rank(self) -> int:
        return _LEVEL_ORDER.index(self)

    def raised(self, steps: int) -> "Level":
        """The level ``steps`` stricter, capped at red."""
        return _LEVEL_ORDER[min(len(_LEVEL_ORDER) - 1, max(0, self.rank + steps))]

    def __lt__(self, other: object) -> bool:  # type: ignore[override]
        if not isinstance(other, Level):
            return NotImplemented
        return self.rank < other.rank

    def __le__(self, other: object) -> bool:  # type: ignore[override]
        if not isinstance(other, Level):
            return NotImplemented
        return self.rank <= other.rank

    # str defines > and >= too (alphabetical: yellow > red), and Python uses those
    # before trying the reflected __lt__/__le__, so they must be overridden as well.
    def __gt__(self, other: object) -> bool:  # type: ignore[override]
        if not isinstance(other, Level):
            return NotImplemented
        return self.rank > other.rank

    def __ge__(self, other: object) -> bool:  # type: ignore[override]
        if not isinstance(other, Level):
            return NotImplemented
        return self.rank >= other.rank

    @property
    def zh(self) -> str:
        return {"yellow": "黄色", "orange": "橙色", "red": "红色"}[self.value]

    @property
    def response(self) -> str:
        """Response grade: yellow = Ⅲ级, orange = Ⅱ级, red = Ⅰ级."""
        return {"yellow": "Ⅲ级", "orange": "Ⅱ级", "red": "Ⅰ级"}[self.value]

    @property
    def title(self) -> str:  # type: ignore[override]  # a Level is never title-cased as text
        """How the terminal names a level: ``orange (橙色预警, Ⅱ级响应)``."""
        return f"{self.value} ({self.zh}预警, {self.response}响应)"

    @property
    def roman(self) -> str:
        return {"yellow": "III", "orange": "II", "red": "I"}[self.value]

    @classmethod
    def parse(cls, value: Any) -> "Level | None":
        if isinstance(value, Level):
            return value
        if isinstance(value, bool):
            return None
        if isinstance(value, int):
            value = str(value)
        if not isinstance(value, str):
            return None
        key = _norm(value)
        # Outermost suffix first, so "Ⅱ级应急响应" and "橙色预警" both come down to the alias.
        for suffix in ("预警", "响应", "应急", "级"):
            if key.endswith(suffix) and key != suffix:
                key = key[: -len(suffix)]
        return _LEVEL_ALIASES.get(key)


_LEVEL_ORDER = [Level.YELLOW, Level.ORANGE, Level.RED]
_LEVEL_ALIASES: dict[str, Level] = {}
_names: tuple[str, ...]  # alias tuples of any length, in the loops below
for _lvl, _names in {
    Level.YELLOW: ("yellow", "黄色", "黄", "iii", "ⅲ", "3", "三"),
    Level.ORANGE: ("orange", "橙色", "橙", "ii", "ⅱ", "2", "二"),
    Level.RED: ("red", "红色", "红", "i", "ⅰ", "1", "一"),
}.items():
    for _name in _names:
        _LEVEL_ALIASES[_norm(_name)] = _lvl
LEVELS: tuple[Level, ...] = tuple(_LEVEL_ORDER)


class Pollutant(str, enum.Enum):
    SO2 = "so2"
    NOX = "nox"
    PM = "pm"
    VOCS = "vocs"

    @property
    def zh(self) -> str:
        return {"so2": "二氧化硫", "nox": "氮氧化物", "pm": "颗粒物", "vocs": "挥发性有机物"}[self.value]

    @property
    def label(self) -> str:
        return {"so2": "SO₂", "nox": "NOx", "pm": "PM", "vocs": "VOCs"}[self.value]

    @classmethod
    def parse(cls, value: Any) -> "Pollutant | None":
        if not isinstance(value, str):
            return None
        return _POLLUTANT_ALIASES.get(_norm(value).replace("₂", "2"))


POLLUTANTS: tuple[Pollutant, ...] = tuple(Pollutant)
_POLLUTANT_ALIASES: dict[str, Pollutant] = {}
for _p, _names in {
    Pollutant.SO2: ("so2", "二氧化硫"),
    Pollutant.NOX: ("nox", "氮氧化物"),
    Pollutant.PM: ("pm", "颗粒物"),
    Pollutant.VOCS: ("vocs", "voc", "挥发性有机物"),
}.items():
    for _name in _names:
        _POLLUTANT_ALIASES[_norm(_name)] = _p


class Status(str, enum.Enum):
    OPERATING = "operating"
    IDLE = "idle"

    @property
    def zh(self) -> str:
        return {"operating": "在产", "idle": "停产"}[self.value]

    @classmethod
    def parse(cls, value: Any) -> "Status | None":
        if value is None:
            return Status.OPERATING
        if not isinstance(value, str):
            return None
        key = _norm(value)
        if key in ("operating", "在产", "生产", "正常生产", ""):
            return Status.OPERATING
        if key in ("idle", "停产", "已停产", "停业"):
            return Status.IDLE
        return None


def parse_zone(value: Any) -> tuple[bool, bool]:
    """Return ``(ok, is_key)`` for a zone value: ``key``/yes mean a key control zone."""
    if value is None or value is False:
        return True, False
    if value is True:
        return True, True
    if not isinstance(value, str):
        return False, False
    key = _norm(value)
    if key in ("key", "重点", "重点区域", "重点管控区域", "是", "yes", "y", "true"):
        return True, True
    if key in ("", "否", "no", "n", "false", "none", "normal", "一般"):
        return True, False
    return False, False


def parse_bool(value: Any) -> bool | None:
    """Yes/no cells: 是/否, true/false, Y/N, yes/no, 1/0."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    if not isinstance(value, str):
        return None
    key = _norm(value)
    if key in ("是", "true", "y", "yes", "1", "达标", "对"):
        return True
    if key in ("否", "false", "n", "no", "0", "不达标", "未达标"):
        return False
    return None


STOP_WORDS = ("stop", "停产", "停止生产", "全部停产", "停")


def parse_cut(value: Any) -> float | None:
    """A cut: a fraction 0–1 as a number, ``"NN%"``, or a stop word (→ 1.0).

    Returns ``None`` when the value cannot be read; range checks are the caller's.
    """
    if isinstance(value, bool):
        return None
    # + 0.0: "-0%" and -0.0 are a cut of 0, never "-0.0" in JSON (issue 17.22).
    if isinstance(value, (int, float)):
        return float(value) + 0.0
    if not isinstance(value, str):
        return None
    text = _norm(value)
    if text in STOP_WORDS:
        return 1.0
    if "_" in text:  # float() reads "1_0%" as 10%: a typo, not a number (issue 17.9)
        return None
    try:
        if text.endswith("%"):
            return float(text[:-1].strip()) / 100.0 + 0.0
        return float(text) + 0.0
    except ValueError:
        return None


@dataclass(frozen=True)
class Measure:
    """A curtailment measure: ``cut`` (0–1) and/or ``stop``, plus notice ``actions``."""

    cut: float | None = None
    stop: bool = False
    actions: tuple[str, ...] = ()
    line: int = field(default=0, compare=False)  # where it stands in the source file

    @property
    def sets_cut(self) -> bool:
        return self.stop or self.cut is not None

    @property
    def value(self) -> float:
        """The cut this measure sets (1 when stopped); 0 if it sets none."""
        if self.stop:
            return 1.0
        return self.cut if self.cut is not None else 0.0


@dataclass
class Line:
    """A production line (生产线); an enterprise without lines is one line."""

    name: str
    emissions: dict[Pollutant, float] = field(default_factory=dict)
    measures: dict[Level, Measure] = field(default_factory=dict)
    line: int = 0  # where it stands in the source file
    #: 涉VOCs工序 (SPEC §14): True/False as the list says; None = decided by the policy's ozone industries
    vocs_process: bool | None = None

    def emission(self, p: Pollutant) -> float:
        return self.emissions.get(p, 0.0)

    @property
    def total_emission(self) -> float:
        return sum(self.emissions.values())


@dataclass
class Contact:
    name: str = ""
    phone: str = ""


@dataclass
class Capacity:
    eia: float | None = None
    permit: float | None = None
    actual: float | None = None
    unit: str = ""

    @property
    def base(self) -> float | None:
        """The smallest of eia, permit and actual present (2020 technical guide)."""
        values = [v for v in (self.eia, self.permit, self.actual) if v is not None]
        return min(values) if values else None


@dataclass
class Enterprise:
    id: str
    name: str
    town: str = ""
    industry: str = ""
    #: the grade and category as the list writes them (B（含B-）, 保障类; "" for none): the
    #: policy resolves them when it computes (haze.core.grades), since a list is read first
    grade: str = ""
    key_zone: bool = False
    category: str = ""
    compliant: bool = True
    status: Status = Status.OPERATING
    operating_days: float = 365
    contact: Contact | None = None
    capacity: Capacity | None = None
    lines: list[Line] = field(default_factory=list)
    measures: dict[Level, Measure] = field(default_factory=dict)
    has_lines: bool = False  # True when the list gave ``lines`` (not ``emissions``)
    line: int = 0
    #: 核定最大允许生产负荷 (SPEC §19), a share 0–1, for a category that takes one
    max_load: float | None = None
    #: where grade, category and max_load stand: key -> (line, column), for findings made later
    spots: dict[str, tuple[int, str | None]] = field(default_factory=dict, compare=False)
    #: 臭氧豁免 (SPEC §14): the reason this enterprise takes no part in 错时生产 ("" = not exempt)
    ozone_exempt: str = ""

    @property
    def operating(self) -> bool:
        return self.status is Status.OPERATING

    def emission(self, p: Pollutant) -> float:
        return sum(line.emission(p) for line in self.lines)


@dataclass
class OtherSource:
    """Mobile, dust, residential…: counted, cut by their own measures, no notices."""

    name: str
    kind: str = ""
    emissions: dict[Pollutant, float] = field(default_factory=dict)
    measures: dict[Level, Measure] = field(default_factory=dict)
    line: int = 0

    def emission(self, p: Pollutant) -> float:
        return self.emissions.get(p, 0.0)


@dataclass
class ListInfo:
    region: str = ""
    authority: str = ""
    season: str = ""
    policy: str | None = None
    doc_prefix: str = ""
    baseline: dict[Pollutant, float] | None = None
    strict_ids: bool = True
    contact: Contact | None = None  # the bureau's duty contact for the notices (an addition to SPEC §2)


@dataclass
class EnterpriseList:
    """A loaded emergency-reduction list (应急减排清单)."""

    info: ListInfo
    enterprises: list[Enterprise] = field(default_factory=list)
    other_sources: list[OtherSource] = field(default_factory=list)
    path: str = ""
    sha256: str = ""

