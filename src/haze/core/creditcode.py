"""Unified social credit code (统一社会信用代码) check, GB 32100-2015 (SPEC §6)."""

from __future__ import annotations

from haze.core.i18n import _
from haze.core.text import credit_code as _normalise

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_VALUE = {c: i for i, c in enumerate(CHARSET)}


def check_character(first17: str) -> str | None:
    """The 18th character for 17 leading characters, or None if one is not allowed."""
    try:
        total = sum(_VALUE[c] * w for c, w in zip(first17, WEIGHTS, strict=True))
    except (KeyError, ValueError):
        return None
    return CHARSET[(31 - total % 31) % 31]


def problem(code: str) -> str | None:
    """Why ``code`` is not a valid credit code, or None when it is."""
    if len(code) != 18:
        return _("has {count} characters, not 18").format(count=len(code))
    bad = sorted({c for c in code if c not in _VALUE})
    if bad:
        return _("has characters outside the code's set: {characters}").format(characters=" ".join(bad))
    expected = check_character(code[:17])
    if expected != code[17]:
        return _("check character should be {expected}").format(expected=expected)
    return None


def is_valid(code: str) -> bool:
    return problem(code) is None


def normalize(code: str) -> str:
    """The one form of a code every list format is compared in (SPEC §6; issue 17.2).

    NFKC (a full-width ``９１１４…`` is ``9114…``), upper case, and no spaces or
    invisible characters: ``91140525ma0kmquy2e``, its full-width copy and one
    with a zero-width space are the same enterprise, so uniqueness (E108), the
    notice file names and the journal all see one code.
    """
    return _normalise(code)
