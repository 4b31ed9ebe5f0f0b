"""Machine output (``--json``): the outcome's own ``to_json()``, on stdout, nothing else.

The shapes are SPEC §5, §7.1, §8, §9 and §11; each is built by the outcome
of its command (:mod:`haze.commands`), never here.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator
from typing import IO, Any

import click


def emit_json(data: Any) -> None:
    """``dumps(data)`` and a newline, written in pieces of about a megabyte (never the whole text at once)."""
    from haze.render.report import dump_batches

    for text in dump_batches(data, "\n"):
        click.echo(text, nl=False)


def emit_bytes(data: bytes | IO[bytes]) -> None:
    """JSON already encoded (UTF-8, its newline included; or a file of it, read from where it stands) on
    stdout, as :func:`emit_json` would have written it.

    Straight to the binary stream where text would reach it unchanged (UTF-8, ``\\n`` line ends);
    elsewhere (a Windows console's code page) decoded and echoed as text, as emit_json does.
    """
    import codecs
    import sys

    step = 1 << 22
    pieces: Iterator[bytes] = iter(functools.partial(data.read, step), b"") if not isinstance(data, bytes) else \
        (data[start:start + step] for start in range(0, len(data), step))
    encoding = getattr(sys.stdout, "encoding", None) or ""
    try:
        utf8 = codecs.lookup(encoding).name == "utf-8"
    except LookupError:
        utf8 = False
    if not (utf8 and os.linesep == "\n"):
        decoder = codecs.getincrementaldecoder("utf-8")()  # a piece may end inside a character
        for piece in pieces:
            click.echo(decoder.decode(piece), nl=False)
        click.echo(decoder.decode(b"", final=True), nl=False)
        return
    for piece in pieces:
        click.echo(piece, nl=False)


def report(outcome: Any, **options: Any) -> None:
    """``outcome.to_json()`` on stdout (or the bytes, or the file of them, it already holds); the text
    options (``summary``…) do not apply."""
    data = getattr(outcome, "json_bytes", None)
    file = getattr(outcome, "json_file", None)
    if data is not None:
        emit_bytes(data)
    elif file is not None:
        with file:
            emit_bytes(file)
    else:
        emit_json(outcome.to_json())
