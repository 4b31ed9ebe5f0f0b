"""``haze check LEVEL`` (SPEC §4, §7): load the list, compute the level, write nothing.

Unlike :mod:`haze.commands.validate`, blocking errors refuse the list
(:class:`~haze.core.errors.ListError`, exit 2), and every other error is a
warning: a typo must never stop an emergency (SPEC §5).

With ``--json`` (``Settings.as_json``) and the cache on, the answer goes through
the results cache (:mod:`haze.io.results`): this module makes the key from the
list's bytes, the policy asked for, the level, the enterprises stopped at
``--at``; a stored answer is returned as it was printed (:class:`StoredOutcome`),
else the level is computed, its JSON encoded once, stored, and printed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from haze.commands.inputs import ListSettings, load_inputs, several
from haze.core.errors import HazeError
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
    #: only the JSON is wanted (``--json``): the results cache may answer (with ``cache``)
    as_json: bool = False


@dataclass
class Outcome:
    """The list read, the level computed, and the warnings that did not stop it."""

    enterprise_list: EnterpriseList
    result: LevelResult
    warnings: list[Finding] = field(default_factory=list)
    #: the JSON as printed (UTF-8, newline-terminated) when ``run`` made it for the results cache
    json_bytes: bytes | None = None

    @property
    def ok(self) -> bool:
        return self.result.ok

    def to_json(self) -> dict[str, Any]:
        """SPEC §7.1."""
        from haze.render.report import level_json

        return level_json(self.result, self.enterprise_list)


@dataclass
class StoredOutcome:
    """A ``check --json`` answered by the results cache: the JSON as first printed, its verdict, its warnings."""

    json_bytes: bytes
    ok: bool
    warnings: list[Finding] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        import json

        return json.loads(self.json_bytes)


def _stopped(settings: Settings) -> frozenset[str]:
    if settings.at is None:
        return frozenset()
    from haze.commands.seasonal import stopped_on

    return frozenset(stopped_on(settings.journal, settings.at))


def run(settings: Settings, *, phase: Callable[[str], None] | None = None) -> Outcome | StoredOutcome | CityCheck:
    """``phase`` is told when computing starts (after reading the list), for a terminal's progress line."""
    if several(settings.list_paths):  # a city and its counties (SPEC §13)
        from haze.commands.city import check_lists

        return check_lists(settings.list_paths, settings.policy, settings.level, cache=settings.cache,
                           stopped=_stopped(settings), phase=phase)
    key, stopped = None, None
    if settings.cache and settings.as_json:
        try:
            stopped = _stopped(settings)
        except HazeError:  # said below, after the list's own errors, as without the cache
            stopped = None
        key = _result_key(settings, stopped) if stopped is not None else None
    if key is not None:
        from haze.io import results

        found = results.load(key[0])
        if found is not None:  # answered: neither the list, the policy nor the engine is loaded
            return StoredOutcome(found.output, found.ok, found.warnings)
    outcome = _computed(settings, stopped, phase)
    if key is not None:
        from haze.io import results
        from haze.render.report import dumps_utf8

        outcome.json_bytes = dumps_utf8(outcome.to_json(), "\n")
        if outcome.enterprise_list.sha256 == key[1]:  # the list read is the one keyed (not edited in between)
            results.store(key[0], results.Stored(outcome.ok, outcome.json_bytes, outcome.warnings))
    return outcome


def _computed(settings: Settings, stopped: frozenset[str] | None, phase: Callable[[str], None] | None) -> Outcome:
    from haze.core.engine import compute

    inputs = load_inputs(settings.list_path, settings.policy, cache=settings.cache)
    if phase is not None:
        phase("computing")
    if stopped is None:
        stopped = _stopped(settings)
    return Outcome(inputs.enterprise_list, compute(inputs.enterprise_list, inputs.policy, settings.level, stopped),
                   inputs.warnings)


def _result_key(settings: Settings, stopped: frozenset[str]) -> tuple[str, str] | None:
    """The results cache's key for this run and the list's sha256 it was made with; None: do not cache."""
    import hashlib

    from haze.io.lists import read_list_bytes
    from haze.io.results import result_key

    if not settings.list_path:
        return None
    data, _problem = read_list_bytes(settings.list_path)
    if data is None:  # the reader will say what is wrong with the file
        return None
    digest = hashlib.sha256(data).hexdigest()
    del data
    key = result_key(list_path=str(settings.list_path), digest=digest, policy=settings.policy,
                     level=settings.level.value, stopped=stopped)
    return None if key is None else (key, digest)
