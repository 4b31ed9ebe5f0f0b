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


def say_list(console: Any, head: str, items: list[str], separator: str, indent: str = "  ") -> None:
    """``head`` and ``items`` joined by ``separator``; on a terminal, wrapped between items only.

    The terminal's own wrap split a Chinese name (示例县丰源化工|有限公司) and began a line with
    the 、 after it (QA, verify at 80 columns). A line breaks after an item's separator, the next
    line is indented; an item wider than the terminal has a line of its own. Piped, one line for
    grep, as :func:`say`. ``head`` is markup; ``items`` are escaped data, the separator plain text.
    """
    if not console.is_terminal or not items:
        say(console, head + separator.join(items))
        return
    from rich.text import Text

    room = console.width - 1
    line, used = head, Text.from_markup(head).cell_len
    for i, item in enumerate(items):
        piece = item + (separator if i < len(items) - 1 else "")
        width = Text.from_markup(piece).cell_len
        if used + width > room and used > len(indent):
            say(console, line.rstrip())
            line, used = indent, len(indent)
        line += piece
        used += width
    say(console, line)


def say_row(console: Any, label: str, value: str, width: int = 8) -> None:
    """`` label   value`` as :func:`say`; on a terminal, a value too long for it folds under itself.

    The terminal's own wrap would split a date or an AQI figure at the edge (20|26-12-07) and
    start the rest at column 0, under the labels; piped, the row stays one line for grep.
    """
    head = f" {pad(label, width)}"
    if not console.is_terminal:
        say(console, head + value)
        return
    from rich.text import Text

    from haze.cli.i18n import cells, fill

    text = Text.from_markup(value)
    indent = " " * cells(head)
    lines = fill(text.plain, console.width - 1, head, indent).split("\n")
    starts: list[int] = []
    at = 0
    for line in lines:
        part = line[len(head) if not starts else len(indent):]
        at = text.plain.find(part, at)
        if at < 0:  # fill collapsed a run of spaces: no offsets to cut at, so one line as piped
            say(console, head + value)
            return
        starts.append(at)
        at += len(part)
    for prefix, piece in zip([head] + [indent] * len(lines), text.divide(starts[1:])):
        piece.rstrip()
        console.print(Text(prefix) + piece, soft_wrap=True)


def pad(text: str, width: int) -> str:
    """``text`` padded to ``width`` terminal cells: a Chinese key takes two a character (``f"{key:<12}"`` counts one)."""
    from rich.cells import cell_len

    return text + " " * max(width - cell_len(text), 1 if cell_len(text) >= width else 0)


def level_title(level: Any) -> str:
    """How the terminal names a level: ``orange (橙色预警, Ⅱ级响应)``; in Chinese 橙色预警（Ⅱ级响应）."""
    from haze.core.i18n import _

    return _("{level} ({zh}预警, {response}响应)").format(level=level.value, zh=level.zh, response=level.response)


def level_word(level: Any) -> str:
    """A level in one word as the interface speaks it: 橙色 under --ui zh, orange otherwise."""
    from haze.core.i18n import language

    return str(level.zh if language() == "zh" else level.value)


def is_city_warning(record: Any) -> bool:
    """A city warning (SPEC §13): its notices went to the counties' bureaus, not to enterprises."""
    return bool(record.list_info.get("city"))
