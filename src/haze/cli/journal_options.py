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
from haze.core.i18n import N_, _


def journal_option(f: F) -> F:
    return click.option("--journal", type=click.Path(dir_okay=False), metavar="FILE",
                        help="The journal of warnings (SQLite). Default: the nearest .haze/journal.db in this "
                             "directory or a parent (`haze init` starts one; activate --journal naming a new "
                             "file starts it there).")(f)


def notice_options(f: F) -> F:
    """--out, --lang, --format, --templates, --first-number, --dry-run: how notices are written."""
    decorators = (
        click.option("--first-number", type=int, metavar="N",
                     help="Number the notices from N (文号 …〔year〕N号 on): the bureau's sequence is shared with "
                          "its other documents. Refused if this journal already gave N."),
        click.option("--dry-run", is_flag=True,
                     help="Do everything but write notices and record: templates are rendered in memory."),
        click.option("--templates", type=click.Path(file_okay=False), metavar="DIR",
                     help="Your own templates, used before the shipped ones (by file name)."),
        click.option("--format", "format", type=click.Choice(["md", "html", "txt", "docx", "pdf"]), default="md",
                     show_default=True, help="Notice file format (docx and pdf in 公文 layout for printing; "
                                             "pdf also writes all.pdf)."),
        click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
                     help="Notice language."),
        click.option("--out", type=click.Path(file_okay=False), metavar="DIR",
                     help="Parent directory: each run writes its own DIR/<id>/ (default: notices, beside the "
                          ".haze/ of the journal when it is found in a parent directory)."),
    )
    for decorator in decorators:
        f = decorator(f)
    return f


def _basis(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """--basis: one line of text, at most 200 characters (an order's number and title, not a letter)."""
    if value is None:
        return None
    text = " ".join(value.split())
    if not text or len(text) > 200:
        raise click.BadParameter(_("give the order's number (and title) in at most 200 characters"))
    return text


def basis_option(f: F) -> F:
    """--basis TEXT (SPEC §13): the upper-level order an activation, adjustment or lift follows."""
    return click.option("--basis", metavar="TEXT", callback=_basis,
                        help=N_("The upper-level order this follows, e.g. 晋市气防办函〔2023〕24号: every notice "
                               "says 根据……要求, and the journal records it."))(f)


def when_option(ctx: click.Context, param: click.Parameter, value: str | None) -> datetime | None:
    """``--start``/``--until``/``--at``: ISO or 2025年12月1日20时, Asia/Shanghai."""
    if value is None:
        return None
    from haze.core.timeparse import is_now, parse_when

    if param.name in ("start", "at") and is_now(str(value)):
        return None  # "now" is the default: taken when the journal's lock is held (issue 17.11)
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
    click.echo(_("haze: another haze activate or lift is writing the journal; waiting for it to finish…"), err=True)


class NoPhone:
    """Hears who sms.csv leaves out for want of a phone, and tells it once on stderr (SPEC §16)."""

    SHOWN = 20  # a county list without phones would otherwise bury the terminal

    def __init__(self) -> None:
        self.missing: list[dict[str, str]] = []

    def __call__(self, missing: list[dict[str, str]]) -> None:
        self.missing = missing  # rendered more than once (a dry run first): keep the last

    def tell(self) -> None:
        if not self.missing:
            return
        click.echo(_("haze: warning: {count} notified enterprises have no contact phone and are not in sms.csv; "
                     "send them their notice another way:").format(count=len(self.missing)), err=True)
        for entry in self.missing[:self.SHOWN]:
            click.echo(f"  {entry['number']}  {entry['id']}  {entry['name']}", err=True)
        if len(self.missing) > self.SHOWN:
            click.echo(_("  … and {count} more (the index lists every notice)")
                       .format(count=len(self.missing) - self.SHOWN), err=True)


def may_create_journal(journal: str | None, dry_run: bool, as_json: bool) -> bool:
    """The explicit act SPEC §10 asks before a new journal: --journal naming a new file, or a confirmation.

    A journal named in haze.yaml that does not exist is not one (the USB stick
    may simply not be plugged in); neither is a pipe or a script: activate then
    refuses, saying where it looked (haze.commands.init.refuse_missing).
    """
    from click.core import ParameterSource

    from haze.io.journal import journal_path

    path = journal_path(journal)
    if dry_run or path.exists():
        return False
    if journal and click.get_current_context().get_parameter_source("journal") is ParameterSource.COMMANDLINE:
        return True
    if as_json or not interactive():
        return False
    if journal:
        click.echo(_("haze: no journal at {path}.").format(path=path), err=True)
    else:
        click.echo(_("haze: no journal at {path} (none in {cwd} or any parent directory).")
                   .format(path=path, cwd=Path.cwd()), err=True)
    return click.confirm(_("Start a NEW journal there? Its notice numbers begin at 1"), default=False, err=True)


def interactive() -> bool:
    """A person at a terminal, who can answer a question (tests replace it)."""
    import sys

    return sys.stdin.isatty() and sys.stderr.isatty()


def optional_path(value: str | None) -> Path | None:
    return Path(value) if value else None


def numbering_option(f: F) -> F:
    """--numbering (haze.yaml ``numbering:``): one 文号 per notice, or one per batch with sub-numbers."""
    from haze.core.i18n import N_

    return click.option("--numbering", type=click.Choice(["per_notice", "per_batch"]), default="per_notice",
                        show_default=True,
                        help=N_("per_notice: one 文号 for each notice; per_batch: one 文号 for the whole run, each "
                                "notice a sub-number of it (…〔2026〕12号-001). Usually set once in haze.yaml "
                                "(numbering: per_batch)."))(f)
