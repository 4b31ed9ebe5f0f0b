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

from haze.core.i18n import language

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


def tonnes(value: float, digits: int = 4) -> str:
    """Tonnes per day with fixed decimals; a positive amount too small to show says so."""
    if 0 < value < 0.5 * 10 ** -digits:
        return f"<{10 ** -digits:.{digits}f}"
    return f"{value:.{digits}f}"
