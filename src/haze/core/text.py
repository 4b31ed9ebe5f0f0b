"""One sanitiser for text that comes from data (lists, policies) and reaches people.

A name in a list or a policy ends up on the duty officer's terminal, in the
notices and in ``--json``. Some characters there do harm without being seen:

* C0/C1 controls (ESC starts the ANSI sequences that clear a screen or set a
  terminal's title; a carriage return rewrites a line);
* bidirectional controls (U+202A–U+202E, U+2066–U+2069, and the marks U+200E,
  U+200F, U+061C) make a name read backwards or reorder the text around it;
* zero-width characters (U+200B–U+200D, U+2060, U+FEFF, U+180E) and the soft
  hyphen (U+00AD) make two different strings look the same: a credit code
  ``…G9`` and ``…G9\\u200b`` are two enterprises to a computer, one to a reader;
* line and paragraph separators (U+2028, U+2029) and other breaks start a new
  line in a terminal or a JSON reader that honours them.

:func:`clean` removes the first three kinds and turns breaks into one space;
:func:`unsafe` says whether a text holds any of them (for a W309 finding).
:func:`credit_code` is the one normalisation of a 统一社会信用代码 for every
list format: NFKC (full-width ``９１`` to ``91``), no spaces or invisible
characters, upper case.
"""

from __future__ import annotations

import re
import unicodedata

#: What Excel (and LibreOffice) take for the start of a formula in a cell (CWE-1236): haze writes such
#: a text cell with a leading ``'`` (shown as the text, never run) and strips it when reading one back.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

#: Breaks: each run becomes one space (a name typed over two cells stays readable).
_BREAKS = "\t\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029"
#: Removed outright: controls, bidirectional controls and marks, zero-width characters.
_INVISIBLE = (
    "\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f"  # C0 and C1 controls but the breaks above
    "\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"
)
_BREAK_RUN = re.compile(f"[{_BREAKS}]+")
_REMOVE = re.compile(f"[{_INVISIBLE}]")
_ANY = re.compile(f"[{_BREAKS}{_INVISIBLE}]")


def unsafe(text: str) -> bool:
    """True when ``text`` holds a control, bidirectional, zero-width or line-breaking character."""
    return _ANY.search(text) is not None


def clean(text: str) -> str:
    """``text`` without invisible characters and with each run of breaks as one space, stripped."""
    if not _ANY.search(text):  # the common case, at list-loading speed
        return text
    return _REMOVE.sub("", _BREAK_RUN.sub(" ", text)).strip()


def credit_code(text: str) -> str:
    """A credit code as GB 32100 writes it: NFKC, no spaces or invisible characters, upper case."""
    folded = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in _REMOVE.sub("", folded) if not ch.isspace()).upper()


def display_width(text: str) -> int:
    """Columns on a terminal or in a monospace print, and Excel's width in "0"s: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


#: what a POSIX shell would split, expand or redirect in a word
_SHELL_SPECIAL = frozenset(" \t\n'\"$`\\;&|<>()*?!#~{}[]")


def shell_word(word: str) -> str:
    """``word`` as it is typed back at a shell: quoted only when the shell would split or expand it.

    For the commands haze suggests (``haze activate orange --list 清单.yaml``): ``shlex.quote``
    quotes every non-ASCII word, and a Chinese file name in quotes reads as if it needed them.
    """
    import shlex

    return shlex.quote(word) if not word or any(c in _SHELL_SPECIAL for c in word) else word


def kind_of(value: object) -> str:
    """What a value read from YAML is, as a finding says it ("a list", 文字): the list reader's and haze.yaml's."""
    from collections.abc import Mapping

    from haze.core.i18n import _

    if value is None:
        return _("nothing")
    if isinstance(value, bool):
        return _("yes/no")
    if isinstance(value, (int, float)):
        return _("a number")
    if isinstance(value, str):
        return _("text")
    if isinstance(value, list):
        return _("a list")
    if isinstance(value, Mapping):
        return _("a mapping")
    return type(value).__name__
