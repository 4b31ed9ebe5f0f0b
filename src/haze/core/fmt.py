"""How numbers are shown to people: one place, so the terminal, the notices,
the spreadsheets and the findings never disagree.

Two rules matter for an emergency and a legal notice:
- a required cut is never shown smaller than computed (rounded up), and a
  production cap never larger (rounded down);
- a ratio that fails the requirement is never shown as reaching it (rounded
  down), so "29.999%" never prints as "30.00%" next to "NOT MET".
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING

from haze.core.i18n import language

if TYPE_CHECKING:
    from haze.core.model import Level

#: far below any shown digit, it only absorbs binary noise (0.29 stored as 0.28999…)
_NUDGE = 1e-6


def _trim(text: str) -> str:
    return text.rstrip("0").rstrip(".") if "." in text else text


def _floor(value: float, digits: int) -> float:
    scale = 10 ** digits
    return math.floor(value * scale + _NUDGE) / scale


def _ceil(value: float, digits: int) -> float:
    scale = 10 ** digits
    return math.ceil(value * scale - _NUDGE) / scale


def pct(value: float | None, digits: int = 2) -> str:
    """A share in percent with fixed decimals (``38.54%``); ``—`` when not assessed."""
    return "—" if value is None else f"{value * 100:.{digits}f}%"


def ratio_pct(ratio: float | None, ok: bool, digits: int = 2) -> str:
    """A reduction ratio; a failing one is rounded down so it never looks met."""
    if ratio is None:
        return "—"
    if ok:
        return pct(ratio, digits)
    return f"{_floor(ratio * 100, digits):.{digits}f}%"


def cut_pct(cut: float, digits: int = 2) -> str:
    """A cut in percent without trailing zeros (``30%``, ``43.05%``), never rounded down."""
    return _trim(f"{_ceil(cut * 100, digits):.{digits}f}") + "%"


def is_stop(cut: float) -> bool:
    return cut >= 1.0


def cut_label(cut: float, lang: str | None = None) -> str:
    """``stop``/``停产`` for a full stop, else the cut in percent (``lang`` default: the interface language)."""
    if is_stop(cut):
        if lang is None:
            lang = language()
        return "停产" if lang == "zh" else "stop"
    return cut_pct(cut)


def cap_number(value: float, digits: int = 2) -> str:
    """A production cap (a maximum): rounded down, trailing zeros dropped."""
    return _trim(f"{_floor(value, digits):.{digits}f}")


def cap_pct(share: float, digits: int = 2) -> str:
    """A limit as a share (a load limit of 80%): rounded down like a cap, so it never reads looser."""
    return _trim(f"{_floor(share * 100, digits):.{digits}f}") + "%"


def level_said(level: Level) -> str:
    """A level as a finding's sentence names it: the list's key in English (orange), 橙色预警 in Chinese
    (the catalogue said "orange 级减排比例" to a clerk reading Chinese)."""
    return f"{level.zh}预警" if language() == "zh" else level.value


def tonnes(value: float, digits: int = 4) -> str:
    """Tonnes per day with fixed decimals; a positive amount too small to show says so."""
    if 0 < value < 0.5 * 10 ** -digits:
        return f"<{10 ** -digits:.{digits}f}"
    return f"{value:.{digits}f}"


#: "§2/§30", "§2, §5", "§2–§5" after a document number: the articles a policy's ``source`` cites
_ARTICLES = re.compile(r"\s*§\s*(\d+(?:\s*[/,，、\-–~至]\s*§?\s*\d+)*)")
_ARTICLE_SEPARATOR = re.compile(r"\s*([/,，、\-–~至])\s*§?\s*")
_RANGE = "-–~至"


def citation(text: str, lang: str) -> str:
    """A policy's ``source`` (``泽政办发〔2022〕10号 §2/§30; 高政发〔2024〕6号 §26``) as a notice cites it.

    The policy files write § and ASCII ``;`` (short, and what DOMAIN.md uses); a 公文 cites articles as
    第2条、第30条 and separates documents with a full-width ``；``, so the Chinese notices say
    ``泽政办发〔2022〕10号第2条、第30条；高政发〔2024〕6号第26条``. English keeps the text as written.
    """
    if lang != "zh":
        return text
    return re.sub(r"\s*;\s*", "；", _ARTICLES.sub(_articles, text)).strip()


def _articles(match: re.Match[str]) -> str:
    pieces = _ARTICLE_SEPARATOR.split(match.group(1))  # number, separator, number, …
    words = [f"第{pieces[0]}条"]
    for separator, number in zip(pieces[1::2], pieces[2::2]):
        words.append(("至" if separator in _RANGE else "、") + f"第{number}条")
    return "".join(words)
