"""Several lists for one command (SPEC §13): loading them all, their results and the city total.

``load_lists`` reads every list with SPEC §5's refusals (each with its own policy:
``--policy`` for all, else each list's own), gathers every list's blocking findings
into one refusal (a clerk fixes all counties in one pass), and refuses an enterprise
id found in two lists (E108, both places named). Each list is parsed through the
parse cache on its own, so a city of twelve county files costs what their sum costs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Sequence

from haze.commands.inputs import Inputs, distinct_lists, load_inputs
from haze.core.errors import ListError, UsageError
from haze.core.findings import Finding
from haze.core.i18n import _
from haze.core.model import Level

if TYPE_CHECKING:
    from haze.core.city import CityResult


def load_lists(paths: Sequence[str | Path], policy: str | None = None, *, cache: bool = True,
               phase: Callable[[str], None] | None = None) -> list[Inputs]:
    """Every list's inputs, in order; one :class:`ListError` naming every blocking finding of every list."""
    from haze.core.city import duplicate_ids

    if not paths:
        raise UsageError(_("no list given: pass --list FILE or set 'list' in haze.yaml"))
    loaded: list[Inputs] = []
    blocking: list[Finding] = []
    messages: list[str] = []
    for path in distinct_lists(paths):
        if phase is not None:
            phase(_("reading {path}").format(path=path))
        try:
            loaded.append(load_inputs(path, policy, cache=cache))
        except ListError as exc:
            blocking += exc.findings
            messages.append(str(exc))
    if not messages:
        blocking = duplicate_ids([i.enterprise_list for i in loaded])
        if blocking:
            # one id in three lists is two findings but one enterprise
            ids = {f.enterprise for f in blocking}
            messages.append(_("{count} enterprise id(s) appear in more than one list").format(count=len(ids)))
    if messages:
        raise ListError("; ".join(messages), blocking)
    return loaded


@dataclass
class CityCheck:
    """Every list computed at one level, and the city total (SPEC §13)."""

    inputs: list[Inputs]
    city: CityResult
    warnings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.city.ok

    def to_json(self) -> dict[str, Any]:
        """SPEC §13: ``{"level", "lists": [§7.1 …], "total": {"basis", "pollutants", "ok"}, "ok"}``."""
        from haze.render.report import city_json

        return city_json(self.city)


def compute_lists(inputs: Sequence[Inputs], level: Level,
                  stopped: frozenset[str] = frozenset()) -> CityResult:
    from haze.core.city import city_result
    from haze.core.engine import compute

    results = [compute(i.enterprise_list, i.policy, level, stopped) for i in inputs]
    return city_result(results, [i.enterprise_list for i in inputs])


def check_lists(paths: Sequence[str | Path], policy: str | None, level: Level, *, cache: bool = True,
                stopped: frozenset[str] = frozenset(),
                phase: Callable[[str], None] | None = None) -> CityCheck:
    inputs = load_lists(paths, policy, cache=cache, phase=phase)
    if phase is not None:
        phase(_("computing"))
    warnings = [w for i in inputs for w in i.warnings]
    return CityCheck(inputs, compute_lists(inputs, level, stopped), warnings)
