"""Machine output (``--json``): the outcome's own ``to_json()``, on stdout, nothing else.

The shapes are SPEC §5, §7.1, §8, §9 and §11; each is built by the outcome
of its command (:mod:`haze.commands`), never here.
"""

from __future__ import annotations

from typing import Any

import click


def emit_json(data: Any) -> None:
    """``dumps(data)`` and a newline, written in pieces of about a megabyte (never the whole text at once)."""
    from haze.render.report import dump_chunks

    batch: list[str] = []
    size = 0
    for piece in dump_chunks(data):
        batch.append(piece)
        size += len(piece)
        if size >= 1 << 20:
            click.echo("".join(batch), nl=False)
            batch, size = [], 0
    batch.append("\n")
    click.echo("".join(batch), nl=False)


def report(outcome: Any, **options: Any) -> None:
    """``outcome.to_json()`` on stdout; the text options (``summary``…) do not apply."""
    emit_json(outcome.to_json())
