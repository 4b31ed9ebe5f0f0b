"""``haze check LEVEL`` (SPEC §4, §7): load the list, compute the level, write nothing.

Unlike :mod:`haze.commands.validate`, blocking errors refuse the list
(:class:`~haze.core.errors.ListError`, exit 2), and every other error is a
warning: a typo must never stop an emergency (SPEC §5).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from haze.commands.inputs import ListSettings, load_inputs, several
from haze.core.findings import Finding
from haze.core.model import EnterpriseList, Level

if TYPE_CHECKING:
    from haze.commands.city import CityCheck
    from haze.core.engine import LevelResult


@dataclass(kw_only=True)
class Settings(ListSettings):
    level: Level
    #: --at WHEN: compute as on that moment, with the 错峰 plan in force then (SPEC §15); None = no plan read
    at: datetime | None = None
    journal: Path | None = None


@dataclass
class Outcome:
    """The list read, the level computed, and the warnings that did not stop it."""

    enterprise_list: EnterpriseList
    result: LevelResult
    warnings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.result.ok

    def to_json(self) -> dict[str, Any]:
        """SPEC §7.1."""
        from haze.render.report import level_json

        return level_json(self.result, self.enterprise_list)


def _stopped(settings: Settings) -> frozenset[str]:
    if settings.at is None:
        return frozenset()
    from haze.commands.seasonal import stopped_on

    return frozenset(stopped_on(settings.journal, settings.at))


def run(settings: Settings, *, phase: Callable[[str], None] | None = None) -> Outcome | CityCheck:
    """``phase`` is told when computing starts (after reading the list), for a terminal's progress line."""
    from haze.core.engine import compute

    if several(settings.list_paths):  # a city and its counties (SPEC §13)
        from haze.commands.city import check_lists

        return check_lists(settings.list_paths, settings.policy, settings.level, cache=settings.cache,
                           stopped=_stopped(settings), phase=phase)
    inputs = load_inputs(settings.list_path, settings.policy, cache=settings.cache)
    if phase is not None:
        phase("computing")
    stopped = _stopped(settings)
    return Outcome(inputs.enterprise_list, compute(inputs.enterprise_list, inputs.policy, settings.level, stopped),
                   inputs.warnings)
