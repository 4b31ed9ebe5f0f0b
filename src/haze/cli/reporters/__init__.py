"""The one output layer: every command's outcome is printed here, as text or (``--json``) as JSON.

``report(outcome, as_json, **options)`` picks :mod:`.json` or :mod:`.text`;
the tables of the text output are in :mod:`.tables`, the markup helpers in
:mod:`.markup`. Diagnostics (findings, cautions, the shortfall panel) go to
stderr in both modes and are printed by the CLI commands themselves.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from haze.commands.outcome import Outcome


def report(outcome: Outcome, as_json: bool, **options: Any) -> None:
    if as_json:
        from haze.cli.reporters.json import report as emit
    else:
        from haze.cli.reporters.text import report as emit
    emit(outcome, **options)
