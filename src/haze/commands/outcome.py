"""What every command returns: an :class:`Outcome`, which the CLI's reporters print.

A command is ``run(settings) -> Outcome``: the settings are a dataclass of what
was asked (no click, no terminal), the outcome says whether it succeeded
(``ok``, which decides the exit code where SPEC §7 makes it depend on the
result) and gives its SPEC-shaped JSON (``to_json``). The text reporter of
:mod:`haze.cli.reporters.text` reads the outcome's fields; the JSON reporter
prints ``to_json()``. No outcome touches the disk or the journal when it is
printed: everything it reports was read while the command ran.
"""

from __future__ import annotations

from typing import Any, Protocol


class Outcome(Protocol):
    """The result of one command: ``ok`` and the JSON of SPEC §7.1/§8/§9."""

    @property
    def ok(self) -> bool: ...

    def to_json(self) -> dict[str, Any]: ...
