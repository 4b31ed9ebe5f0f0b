"""``haze export LEVEL -o FILE`` (SPEC §9): a level's per-enterprise results as XLSX or CSV, for reporting upward.

Loads the list with SPEC §5's refusals, computes the level and writes through
:func:`haze.render.sheets.write_export` (atomically). The output name is
checked before anything is read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from haze.commands.inputs import ListSettings, load_inputs, several
from haze.core.findings import Finding
from haze.core.model import Level

if TYPE_CHECKING:
    from haze.core.engine import LevelResult


@dataclass(kw_only=True)
class Settings(ListSettings):
    level: Level
    output: Path  # FILE.xlsx or FILE.csv (plus FILE-requirement.csv); replaced if it exists


@dataclass
class Outcome:
    """What ``haze export`` did: the level computed, the files written."""

    result: LevelResult
    files: list[Path]
    rows: int
    warnings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return True  # written whether or not the requirement is met (exit 0)

    def to_json(self) -> dict[str, Any]:
        return {"level": self.result.level.value, "ok": self.result.ok, "files": [str(f) for f in self.files],
                "rows": self.rows, "enterprises": len(self.result.enterprises)}


def run(settings: Settings) -> Outcome | CityOutcome:
    """Raises :class:`UsageError` for an output that is not .xlsx or .csv, before anything is read;
    nothing is written when the list cannot be computed."""
    from haze.core.engine import compute
    from haze.render.sheets import check_export_name, write_export

    check_export_name(Path(settings.output))
    if several(settings.list_paths):  # a city and its counties (SPEC §13)
        return _city(settings)
    inputs = load_inputs(settings.list_path, settings.policy, cache=settings.cache)
    written = write_export(compute(inputs.enterprise_list, inputs.policy, settings.level), inputs.enterprise_list,
                           settings.output)
    return Outcome(written.result, written.files, written.rows, inputs.warnings)


@dataclass
class CityOutcome:
    """``export`` with several lists: a sheet per county and the city total (SPEC §13)."""

    city: Any  # haze.core.city.CityResult
    files: list[Path]
    rows: int
    warnings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return True  # written whether or not the requirement is met (exit 0)

    def to_json(self) -> dict[str, Any]:
        return {"level": self.city.level.value, "ok": self.city.ok, "files": [str(f) for f in self.files],
                "rows": self.rows, "enterprises": sum(len(r.enterprises) for r in self.city.results),
                "lists": [{"path": lst.path, "region": lst.info.region, "ok": r.ok}
                          for r, lst in zip(self.city.results, self.city.lists)]}


def _city(settings: Settings) -> CityOutcome:
    from haze.commands.city import check_lists
    from haze.render.citysheets import write_city_export

    checked = check_lists(settings.list_paths, settings.policy, settings.level, cache=settings.cache)
    files, rows = write_city_export(checked.city, settings.output)
    return CityOutcome(checked.city, files, rows, checked.warnings)
