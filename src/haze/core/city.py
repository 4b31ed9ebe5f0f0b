"""Several lists at one level: a city and its counties (区域联动, SPEC §13).

Each county list is computed on its own (§4); the city total adds them up.
A total pollutant's requirement is the strictest of the lists' at that level, so
a city made of counties under different policies is held to the hardest one;
its basis is ``baseline`` or ``listed`` when every list agrees, else ``mixed`` (also when one
pollutant's total adds one list's baseline to another's listed emissions).
Pure rules: reading the lists and printing are done above.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

from haze.core.engine import LevelResult, PollutantResult
from haze.core.findings import Finding, finding
from haze.core.i18n import _
from haze.core.model import POLLUTANTS, EnterpriseList, Level

MIXED = "mixed"


def combined_basis(bases: Iterable[str]) -> str:
    """``baseline`` or ``listed`` when every part says so; ``mixed`` when they differ."""
    distinct = set(bases)
    return distinct.pop() if len(distinct) == 1 else MIXED


@dataclass
class CityTotal:
    """The city total at one level: per pollutant sums, the strictest requirement, ``ok`` as §4.3."""

    level: Level
    basis: str
    pollutants: dict  # Pollutant -> PollutantResult (basis may be "mixed")

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.pollutants.values())

    @property
    def failing(self) -> list:
        return [p for p, r in self.pollutants.items() if not r.ok]


def city_total(results: Sequence[LevelResult]) -> CityTotal:
    """Σ baselines and Σ reductions of ``results`` (one per list, same level), the strictest requirement."""
    if not results:
        raise ValueError("a city total needs at least one list")
    level = results[0].level
    pollutants = {}
    for p in POLLUTANTS:
        parts = [r.pollutants[p] for r in results]
        pollutants[p] = PollutantResult(
            p,
            sum(part.baseline for part in parts),
            sum(part.reduction for part in parts),
            max(part.required for part in parts),
            combined_basis(part.basis for part in parts),
        )
    # A list's own basis is ``baseline`` only when it gives every pollutant's; so two lists both
    # ``listed`` may still add a baseline to a listed total for one pollutant: that total is mixed.
    basis = combined_basis(r.basis for r in results)
    if any(r.basis == MIXED for r in pollutants.values()):
        basis = MIXED
    return CityTotal(level, basis, pollutants)


@dataclass
class CityResult:
    """Every list's result at one level and their total; met only when every list and the total are."""

    results: list[LevelResult]
    lists: list[EnterpriseList]
    total: CityTotal

    @property
    def level(self) -> Level:
        return self.total.level

    @property
    def ok(self) -> bool:
        return self.total.ok and all(r.ok for r in self.results)


def city_result(results: Sequence[LevelResult], lists: Sequence[EnterpriseList]) -> CityResult:
    return CityResult(list(results), list(lists), city_total(results))


def duplicate_ids(lists: Sequence[EnterpriseList]) -> list[Finding]:
    """E108 for an enterprise id found in two lists, located in the later one and naming the first.

    One enterprise in two county lists would be counted twice in the city total and
    notified twice: as a duplicate inside one list, the computation is undefined
    (E108 is blocking). The finding stands at the second place and its message names
    the first file and line, so both are in the one line a clerk reads.
    """
    seen: dict[str, tuple[str, int]] = {}
    found: list[Finding] = []
    for enterprise_list in lists:
        for e in enterprise_list.enterprises:
            if not e.id:
                continue
            first = seen.get(e.id)
            if first is None:
                seen[e.id] = (enterprise_list.path, e.line)
            elif first[0] != enterprise_list.path:
                where = f"{first[0]}:{first[1]}" if first[1] else first[0]
                found.append(finding("E108", _("enterprise id {id} is also in {place}").format(id=e.id, place=where),
                                     enterprise_list.path, e.line or None, e.id))
    return found
