"""Machine output (``--json``): the outcome's own ``to_json()``, on stdout, nothing else.

The shapes are SPEC §5, §7.1, §8, §9 and §11; each is built by the outcome
of its command (:mod:`haze.commands`), never here.
"""

from __future__ import annotations

import os
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


def emit_bytes(data: bytes) -> None:
    """JSON already encoded (UTF-8, its newline included) on stdout, as :func:`emit_json` would have written it.

    Straight to the binary stream where text would reach it unchanged (UTF-8, ``\\n`` line ends);
    elsewhere (a Windows console's code page) decoded and echoed as text, as emit_json does.
    """
    import codecs
    import sys

    encoding = getattr(sys.stdout, "encoding", None) or ""
    try:
        utf8 = codecs.lookup(encoding).name == "utf-8"
    except LookupError:
        utf8 = False
    if not (utf8 and os.linesep == "\n"):
        click.echo(data.decode("utf-8"), nl=False)
        return
    step = 1 << 22
    for start in range(0, len(data), step):
        click.echo(data[start:start + step], nl=False)


def report(outcome: Any, **options: Any) -> None:
    """``outcome.to_json()`` on stdout (or the bytes it already holds); the text options (``summary``…) do not apply."""
    data = getattr(outcome, "json_bytes", None)
    if data is not None:
        emit_bytes(data)
    else:
        emit_json(outcome.to_json())
