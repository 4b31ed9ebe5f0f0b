"""What "no English sentence" means in a Chinese run (SPEC §17), written once for every i18n test.

A text reads Chinese when it holds no run of two or more English words. What SPEC §17 keeps as
it is does not count as a word and breaks a run: finding codes (E102), level keys (yellow,
orange, red), file names and paths, option names (--list), pollutant symbols (SO₂, NOx, PM,
VOCs), numbers and dates, credit codes and other identifiers (doc_prefix, a_b, 91110000…),
and quoted values (what the user wrote, echoed back).
"""

from __future__ import annotations

import re

#: kept as they are in every language (SPEC §17)
KEPT_WORDS = frozenset({
    "yellow", "orange", "red", "none",  # level keys
    "so2", "so₂", "nox", "pm", "pm10", "pm2.5", "pm₁₀", "pm₂.₅", "vocs", "voc", "aqi", "kwh", "co",  # symbols, units
    "yaml", "csv", "xlsx", "xls", "json", "utf-8", "utf-16", "md", "html", "txt", "docx", "pdf", "sms",  # formats
    "haze", "haze.yaml", "id", "ok", "zh", "en", "excel", "sqlite",
})

_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"|`[^`]*`|“[^”]*”|‘[^’]*’")
# a token that is not a word of a sentence: codes, options, paths, identifiers, numbers, credit codes
_KEPT_TOKEN = re.compile(
    r"""(?:
        [EW]\d{3}                            # finding codes
      | --?[A-Za-z][\w-]*                    # options
      | [\w.~/\\-]*[/\\][\w.~/\\-]*          # paths
      | [\w-]+\.[A-Za-z]\w*                  # file names (county.yaml), dotted names
      | \w*_\w*                              # identifiers with an underscore (doc_prefix, max_load)
      | \w*\d\w*                             # anything with a digit (numbers, credit codes, SO2, 2025-12-01)
    )""", re.VERBOSE)
_WORD = re.compile(r"[A-Za-z][A-Za-z'’]*")
# what separates the words of one English run: ASCII spaces and punctuation, never CJK text
_RUN = re.compile(r"[\x20-\x7e]+")


def english_runs(text: str) -> list[str]:
    """Every run of two or more English words in ``text`` (empty when it reads Chinese)."""
    found = []
    text = _QUOTED.sub(" | ", text)
    for chunk in _RUN.findall(text):
        words: list[str] = []
        for token in re.split(r"(\s+|[|:;,()\[\]{}<>=+*!?。，])", chunk):
            bare = token.strip(".,'\"")
            if not bare or bare.isspace():
                continue
            if _KEPT_TOKEN.fullmatch(bare) or bare.lower() in KEPT_WORDS or not _WORD.fullmatch(bare):
                if len(words) >= 2:
                    found.append(" ".join(words))
                words = []
                continue
            words.append(bare)
        if len(words) >= 2:
            found.append(" ".join(words))
    return found


def has_no_english_sentence(text: str) -> bool:
    """True when ``text`` holds no run of two or more English words outside what SPEC §17 keeps."""
    return not english_runs(text)
