"""Options and helpers the journal commands share (activate, lift, status, history).

The defaults of ``--journal`` and ``--out`` live in the commands (None here
means "the command decides": :mod:`haze.commands.issuing`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from haze.cli.common import F


def journal_option(f: F) -> F:
    return click.option("--journal", type=click.Path(dir_okay=False), metavar="FILE",
                        help="The journal of warnings (SQLite). Default: the nearest .haze/journal.db in this "
                             "directory or a parent; ./.haze/journal.db when there is none.")(f)


def notice_options(f: F) -> F:
    """--out, --lang, --format, --templates, --dry-run: how notices are written."""
    decorators = (
        click.option("--dry-run", is_flag=True,
                     help="Do everything but write notices and record: templates are rendered in memory."),
        click.option("--templates", type=click.Path(file_okay=False), metavar="DIR",
                     help="Your own templates, used before the shipped ones (by file name)."),
        click.option("--format", "format", type=click.Choice(["md", "html", "txt"]), default="md",
                     show_default=True, help="Notice file format."),
        click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
                     help="Notice language."),
        click.option("--out", type=click.Path(file_okay=False), metavar="DIR",
                     help="Parent directory: each run writes its own DIR/<id>/ (default: notices, beside the "
                          ".haze/ of the journal when it is found in a parent directory)."),
    )
    for decorator in decorators:
        f = decorator(f)
    return f


def when_option(ctx: click.Context, param: click.Parameter, value: str | None) -> datetime | None:
    """``--start``/``--until``/``--at``: ISO or 2025年12月1日20时, Asia/Shanghai."""
    if value is None:
        return None
    from haze.core.timeparse import parse_when

    return parse_when(str(value))


@contextmanager
def progress_bar(wanted: bool, description: str) -> Iterator[Any]:
    """Progress on stderr, only on a terminal (never with --json or in a pipe): :mod:`haze.cli.progress`.

    What it yields is called with the notice count and has ``phase(text)`` for the phases before it.
    """
    from haze.cli.progress import phases

    with phases(wanted, description) as progress:
        yield progress


def tell_waiting() -> None:
    click.echo("haze: another haze activate or lift is writing the journal; waiting for it to finish…", err=True)


def optional_path(value: str | None) -> Path | None:
    return Path(value) if value else None

