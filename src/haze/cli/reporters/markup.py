"""Text helpers of the human output: data made safe for rich markup, lines never broken, Beijing times."""

from __future__ import annotations

from datetime import datetime
from typing import Any


def when(moment: datetime | None, short: bool = False) -> str:
    """Beijing time as the officer reads it; ``short`` drops the year (history in 80 columns)."""
    if moment is None:
        return ""
    from haze.core.timeparse import to_shanghai  # zoneinfo: only when a time is shown

    return f"{to_shanghai(moment):{'%m-%d %H:%M' if short else '%Y-%m-%d %H:%M'}}"


def esc(value: object) -> str:
    """Data (a name, a path, an id, the user) made safe to put in rich markup: "[/]" stays text."""
    from rich.markup import escape

    return escape(str(value))


def say(console: Any, text: str) -> None:
    """A line of markup, never broken at 80 columns (paths and ids must stay whole when piped).

    Every piece of data in ``text`` must have gone through :func:`esc`.
    """
    console.print(text, soft_wrap=True)

