"""Loading what every computing command needs: the list and its policy (check, activate, plan, export).

``load_inputs`` applies SPEC §5's rule for ``check``, ``activate``, ``plan``
and ``export``: only blocking findings refuse the list (``ListError``, exit 2);
every other error is downgraded to a warning and returned, because a typo must
never stop an emergency.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from haze.core.i18n import _, ngettext
from haze.core.errors import ListError, PolicyError, UsageError
from haze.core.findings import Finding, as_warnings
from haze.io.lists import ListReport, read_list
from haze.core.model import EnterpriseList

if TYPE_CHECKING:  # the policy machinery is loaded when a policy is chosen: a stored `check --json` needs none
    from haze.core.policy import Policy


@dataclass(kw_only=True)
class ListSettings:
    """What every command that reads one list is given: the list, the policy, whether to use the parse cache."""

    list_path: str | Path | None
    policy: str | None = None
    cache: bool = True
    #: every --list given (SPEC §13); more than one takes the city path, one is ``list_path``
    list_paths: tuple[str | Path, ...] = ()


def several(paths: tuple[str | Path, ...] | list[str | Path] | None) -> bool:
    """True when more than one list was given: the city path of SPEC §13."""
    return len(distinct_lists(paths or ())) > 1


def distinct_lists(paths: Sequence[str | Path]) -> list[str]:
    """The lists given, each file once, as first spelled: ``a.yaml`` and ``./x/../a.yaml`` are one list
    (read twice, every enterprise would be its own duplicate in another county)."""
    seen: dict[str, str] = {}
    for path in paths:
        seen.setdefault(os.path.realpath(str(path)), str(path))
    return list(seen.values())


@dataclass
class Inputs:
    enterprise_list: EnterpriseList
    policy: Policy
    warnings: list[Finding] = field(default_factory=list)


def read(path: str | Path, *, cache: bool = True) -> ListReport:
    """Read a list, through the parse cache unless ``cache`` is False."""
    if cache:
        from haze.io.cache import cached_read_list

        return cached_read_list(path)
    return read_list(path)


def choose_policy(option: str | None, enterprise_list: EnterpriseList | None) -> Policy:
    """``--policy`` wins; then the list's own ``policy``; then the default.

    A list is not trusted (it comes from many hands), so its ``policy`` may only
    name a shipped policy: a policy file is the bureau's choice, through
    ``--policy`` or haze.yaml, never a path written in the list (``/dev/zero``…).
    """
    from haze.core.policy import load_policy, shipped_policies

    if option:
        return load_policy(option)
    named = enterprise_list.info.policy if enterprise_list else None
    if named and named not in shipped_policies():
        raise PolicyError(_("{enterprise_list_path_if_}: policy {named!r} is not a shipped policy ({join_shipped_policies}); a policy file is chosen with --policy FILE").format(enterprise_list_path_if_=enterprise_list.path if enterprise_list else 'the list', named=named, join_shipped_policies=', '.join(shipped_policies())))
    return load_policy(named)


def load_inputs(path: str | Path | None, policy: str | None = None, *, cache: bool = True) -> Inputs:
    if not path:
        raise UsageError(_("no list given: pass --list FILE or set 'list' in haze.yaml"))
    report = read(path, cache=cache)
    if report.enterprise_list is None or report.blocking:
        blocking = report.blocking or [f for f in report.findings if f.is_error]
        if report.enterprise_list is None and len(blocking) == 1 and blocking[0].line is None:
            # The file itself is the problem (missing, unreadable, a pipe, too large): one line says it.
            raise ListError(_("{report_path}: {message}").format(report_path=report.path, message=blocking[0].message))
        # The grades and categories the policy does not know refuse the list too: said in the same run
        # (SPEC §5), or the clerk fixes line 40 and is refused again for line 44.
        blocking = sorted(blocking + _unresolved(report, policy), key=lambda f: f.line or 0)
        raise ListError(ngettext("{report_path}: the list cannot be computed ({count} error)", "{report_path}: the list cannot be computed ({count} errors)", len(blocking)).format(report_path=report.path, count=len(blocking)), blocking)
    chosen = choose_policy(policy, report.enterprise_list)
    return Inputs(report.enterprise_list, chosen, as_warnings(report.findings + resolved(report, chosen)))


def _unresolved(report: ListReport, policy: str | None) -> list[Finding]:
    """The blocking grade and category findings of a list the reader already refuses; none when it
    left no list, or when its policy cannot be chosen (that is said once the list reads)."""
    if report.enterprise_list is None:
        return []
    try:
        return _resolution(report, choose_policy(policy, report.enterprise_list))[1]
    except PolicyError:
        return []


def _resolution(report: ListReport, policy: Policy) -> tuple[list[Finding], list[Finding]]:
    """The list's grade and category findings against ``policy`` (SPEC §19), and the blocking ones."""
    from haze.core.resolve import resolve_findings

    found = resolve_findings(report.enterprise_list, policy) if report.enterprise_list is not None else []
    return found, [f for f in found if f.blocking and f.is_error]


def resolved(report: ListReport, policy: Policy) -> list[Finding]:
    """The list's grades and categories against the policy (SPEC §19); unknown ones refuse the list.

    A list is read before its policy is chosen, so these findings come here, located
    like the reader's, and refuse the list as a blocking reader finding would.
    """
    found, blocking = _resolution(report, policy)
    if blocking:
        raise ListError(ngettext("{report_path}: the list cannot be computed ({count} error)", "{report_path}: the list cannot be computed ({count} errors)", len(blocking)).format(report_path=report.path, count=len(blocking)), blocking)
    return found
