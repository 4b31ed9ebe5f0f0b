"""Where a 公文 title too long for one line is broken (GB/T 9704-2012 §7.3.3).

The standard asks that a title set on several lines keep its words whole (词意完整) and its
lines of suitable, differing lengths (梯形或菱形). A greedy line breaker fills the first line and
leaves the rest: 关于启动重污染天气橙色预警（Ⅱ级）应急响|应的告知书. Here a title breaks only
between the phrases haze's titles are made of, at the choice that makes the longest line
shortest; a title with no such choice (a bureau's own wording) is left to the greedy breaker.

The PDF typesetter and the DOCX renderer both ask :func:`title_breaks`, with their own widths.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from itertools import combinations
from typing import Any

# Phrases a line may start with, and phrases a line may end with, in haze's Chinese titles.
_STARTS = ("重污染天气", "应急", "的告知书", "的通知", "升级为", "降级为", "调整为")
_ENDS = ("天气", "）", "》", "”")
_NO_START, _NO_END = "，。、；：）」》”！？·…", "（「《“"
_MAX_LINES = 4
# Beyond this many places to break, the choice is left to the greedy breaker: the search is over
# every combination, and a township's name in a 签收单's title is the list's text, of any length.
_MAX_PLACES = 40
_MAX_TITLE = 200  # nor is a longer text searched for places at all (each look at a place slices the text)
_PHRASE = 16  # the longest phrase an HTML title keeps on one line (a line holds 20 at 2号)


def _may_break(text: str, i: int) -> bool:
    """Whether a line may end before ``text[i]``: at a space, or between two of the titles' phrases."""
    before, after = text[:i], text[i:]
    if after[0] in _NO_START or before[-1] in _NO_END:
        return False
    if before[-1] == " " or after[0] == " ":
        # not between two spaces, nor inside brackets: (Level III Response) stays whole where it can
        return (before[-1] != " " or after[0] != " ") and before.count("(") <= before.count(")")
    return before == "关于" or before.endswith(_ENDS) or after.startswith(_STARTS)


def title_breaks(text: str, widths: Sequence[float], limit: float) -> list[int] | None:
    """Where to break ``text`` (each character's width in ``widths``) into lines no wider than
    ``limit``: the positions each new line starts at; ``[]`` when it fits on one line, ``None``
    when no break between phrases fits (the caller breaks it as any other paragraph).

    Of the breaks that fit with the fewest lines, the one whose longest line is shortest; at a tie,
    the one with the shorter line first (a 正梯形)."""
    if "\n" in text or len(text) > _MAX_TITLE:
        return None  # the template broke it itself, or it is no title but a page of text
    starts = [0.0]
    for width in widths:
        starts.append(starts[-1] + width)
    if _width(text, starts, 0, len(text)) <= limit:  # its spaces at either end take no room
        return []
    places = [i for i in range(1, len(text)) if _may_break(text, i)]
    if len(places) > _MAX_PLACES:
        return None
    for count in range(2, _MAX_LINES + 1):
        best: tuple[float, float, tuple[int, ...]] | None = None
        for cut in combinations(places, count - 1):
            edges = (0, *cut, len(text))
            lines = [_width(text, starts, a, b) for a, b in zip(edges, edges[1:])]
            if max(lines) > limit:
                continue
            key = (max(lines), lines[0], cut)
            if best is None or key < best:
                best = key
        if best is not None:
            return list(best[2])
    return None


def _width(text: str, starts: list[float], a: int, b: int) -> float:
    """A line's width without the spaces it starts or ends with (they take no room)."""
    while a < b and text[a] == " ":
        a += 1
    while b > a and text[b - 1] == " ":
        b -= 1
    return starts[b] - starts[a]


def split(text: str, breaks: list[int]) -> list[str]:
    """The title's lines at ``breaks``, without the spaces around each break."""
    edges = (0, *breaks, len(text))
    return [text[a:b].strip(" ") for a, b in zip(edges, edges[1:])]


def em_widths(text: str) -> list[float]:
    """Each character's width in ems as Word sets a title: a wide or ambiguous East Asian character
    (汉字, （, Ⅱ) one em, any other as wide as in Times New Roman (the templates' Latin face; ReportLab's
    Times-Roman has its metrics)."""
    import unicodedata

    return [1.0 if unicodedata.east_asian_width(c) in "WFA" else _latin_em(c) for c in text]


@functools.lru_cache(maxsize=512)
def _latin_em(char: str) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return stringWidth(char, "Times-Roman", 1000) / 1000 or 0.5  # a character Times lacks: half an em


def phrased_html(title: Any) -> Any:
    """The title for an HTML ``<h1>``, escaped, each of its phrases a ``<span class="ph">`` the shipped
    style keeps whole (``white-space: nowrap``), ``<wbr>`` between them: a browser breaks it where the
    PDF would (it would break before （Ⅱ级） or inside 应急响应), and ``text-wrap: balance`` evens its
    lines. A title with no phrase break, or with a phrase longer than :data:`_PHRASE` characters
    (it might not fit a line), is only escaped. Markup (a macro's output) is unescaped first, so no
    tag lands inside an entity; Markup holding tags is returned as it is."""
    from markupsafe import Markup, escape

    if isinstance(title, Markup) and "<" in title:
        return title  # a template's own markup (<br>, <em>): its breaks are its own
    text = title.unescape() if isinstance(title, Markup) else str(title)
    # a space ends the phrase before it (a break before it too would make it a phrase of its own)
    searched = "\n" not in text and len(text) <= _MAX_TITLE
    places = [i for i in range(1, len(text)) if text[i] != " " and _may_break(text, i)] if searched else []
    edges = (0, *places, len(text))
    pieces = [text[a:b] for a, b in zip(edges, edges[1:])]
    if not places or max(map(len, pieces)) > _PHRASE:
        return escape(text)
    return Markup("<wbr>").join(Markup('<span class="ph">{}</span>').format(p) for p in pieces)
