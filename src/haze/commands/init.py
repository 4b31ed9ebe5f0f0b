"""``haze init``: start a journal, by an explicit act (SPEC §10).

A new journal begins the notice numbers again at 1. Made silently by the first
``activate`` run in the wrong directory, it would give a second document the
number an earlier one already carries (issue 18 item 4). So a journal is made
only by ``haze init``, by ``activate --journal PATH`` naming a file that does
not exist yet, or by the officer confirming the path on a terminal; otherwise
``activate`` refuses before anything is written (:func:`refuse_missing`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from haze.core.i18n import _
from haze.core.errors import UsageError
from haze.io.journal import DEFAULT_JOURNAL, Journal, create_journal, find_journal, not_found


@dataclass(frozen=True)
class Settings:
    """What ``haze init`` was asked: where (default ``./.haze/journal.db``)."""

    journal: Path | None = None


@dataclass(frozen=True)
class Outcome:
    """What :func:`run` did."""

    journal: Path  # absolute
    created: bool  # False: a journal was already there, and is left as it was
    activations: int  # how many the journal holds (0 for a new one)

    @property
    def ok(self) -> bool:
        return True  # a journal is there, new or kept; anything else raised

    def to_json(self) -> dict[str, Any]:
        return {"journal": str(self.journal), "created": self.created, "activations": self.activations}


def run(settings: Settings, *, cwd: Path | None = None) -> Outcome:
    """Create the journal at ``settings.journal`` (default ``./.haze/journal.db``); an existing one is kept.

    Without ``journal``, a journal found in a parent directory (the one haze
    would use from here) is not shadowed by a second one: that would split the
    bureau's numbering in two. Naming the path with ``--journal`` does it anyway.
    """
    here = (cwd or Path.cwd()).resolve()
    journal = settings.journal
    if journal is None:
        found = find_journal(here)
        if found.exists() and found != here / DEFAULT_JOURNAL:
            raise UsageError(
                _("a journal already exists at {found}, and haze uses it from {here}; a second journal here would number notices from 1 again. To start a separate one anyway: haze init --journal {here_default_journal}").format(found=found, here=here, here_default_journal=here / DEFAULT_JOURNAL))
        path = here / DEFAULT_JOURNAL
    else:
        path = journal if journal.is_absolute() else here / journal
    created = create_journal(path)
    with Journal(path) as j:
        count = len(j.activations())
    return Outcome(path, created, count)


def refuse_missing(path: Path, *, named: bool, cwd: Path | None = None) -> UsageError:
    """The refusal of an ``activate`` that found no journal and was given no explicit act (exit 2)."""
    here = (cwd or Path.cwd()).resolve()
    if named:
        where = _("the journal {path} (named in haze.yaml) does not exist").format(path=path)
        how = f"haze init --journal {path}"
    else:
        where = not_found(here)
        how = "haze init"
    return UsageError(_("{where}; a new journal numbers notices from 1 again, so it is made only on purpose: run `{how}` where the bureau keeps its journal, or give --journal PATH naming a new file, or run haze from the directory that holds it; nothing written").format(where=where, how=how))
