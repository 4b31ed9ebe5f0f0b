"""Machine output (``--json``): the outcome's own ``to_json()``, on stdout, nothing else.

The shapes are SPEC §5, §7.1, §8, §9 and §11; each is built by the outcome
of its command (:mod:`haze.commands`), never here.
"""

from __future__ import annotations

from typing import Any

import click


def emit_json(data: Any) -> None:
    from haze.render.report import dumps

    click.echo(dumps(data))


def report(outcome: Any, **options: Any) -> None:
    """``outcome.to_json()`` on stdout; the text options (``summary``…) do not apply."""
    emit_json(outcome.to_json())
