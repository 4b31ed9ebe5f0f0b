"""What "no English sentence" means for a Chinese interface (SPEC §17), as a predicate tests share.

Codes (E102, W304), level and grade keys, file names and paths, options and metavars
(--list FILE), command lines (`haze plan orange`), numbers, units and the pollutant symbols
(SO₂, NOx, PM, VOCs) stay as they are in Chinese output. What is left must not hold two
English words in a row: that is a sentence (or a phrase) nobody translated.
"""

from __future__ import annotations

import re

#: words that stay in a Chinese interface: level, grade and status keys, units, formats, names of things
KEYS = {
    "yellow", "orange", "red", "leading", "nonleading", "unrated", "guarantee", "noncompliant", "idle",
    "haze", "sha256", "json", "csv", "xlsx", "yaml", "md", "html", "txt", "docx", "pdf", "now",
    "zh", "en", "ui", "shanxi", "national", "t", "d", "kwh", "id", "at", "kind", "date", "aqi",
    "region", "time", "meter", "receipt", "report", "treatment", "vocs_process", "true", "cut", "stop",
    "activate", "keep", "adjust", "lift", "none", "short", "triggers", "staggered", "season", "list",
}

_CODE = re.compile(r"`[^`]*`"  # code spans: command lines, keys
                   r"|'[^']*'"  # quoted values and option names in click's errors
                   r"|\bhaze(?: [a-z_]+)?"  # a command line
                   r"|--?[A-Za-z][\w-]*"  # options
                   r"|\S*[/\\]\S*"  # paths and a/b alternatives
                   r"|\b[\w.-]+\.(?:ya?ml|csv|xlsx|md|json|db|pdf|docx|html|txt|j2)\b"  # file names
                   r"|\b[EW]\d{3}\b"  # finding codes
                   r"|\bSO₂|\bNOx\b|\bVOCs\b|\bPM\b"  # pollutants
                   r"|\b[A-Z][A-Z0-9_|.…]*\b")  # metavars and acronyms: FILE, LEVEL, OPTIONS, AQI
_WORD = re.compile(r"[A-Za-z][A-Za-z']+")


def english_runs(text: str) -> list[str]:
    """The runs of two or more English words left in ``text`` once codes, keys, paths and options are taken out."""
    found = []
    for line in text.splitlines():
        stripped = _CODE.sub(" | ", line)  # a removed code breaks a run: "--list FILE" is no sentence
        run: list[str] = []
        for token in re.split(r"(\s+)", stripped):
            if token.isspace() or not token:
                continue
            word = token.strip("()[],.;:!?\"“”（）")
            if _WORD.fullmatch(word) and word.lower() not in KEYS:
                run.append(word)
                continue
            if len(run) >= 2:
                found.append(" ".join(run))
            run = []
        if len(run) >= 2:
            found.append(" ".join(run))
    return found


def has_no_english_sentence(text: str) -> bool:
    return not english_runs(text)
