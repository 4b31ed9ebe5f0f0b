"""Findings: located problems in a list, collected (never raised) as data.

Each code is stable and means one problem; its default severity is in
``CODES``. ``BLOCKING`` codes leave the computation undefined (SPEC §5), so
``check``, ``activate``, ``plan`` and ``export`` refuse the list for them; any
other error is reported there as a warning, because a typo must never stop an
emergency.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Iterable

from haze.core.i18n import N_, _

ERROR = "error"
WARNING = "warning"

#: code -> (default severity, short title); the titles are English msgids: :func:`title` gives them in the interface language
CODES: dict[str, tuple[str, str]] = {
    "E001": (ERROR, N_("unreadable file")),
    "E002": (ERROR, N_("syntax error")),
    "E003": (ERROR, N_("bad structure")),
    "E004": (ERROR, N_("input too large or too deep")),
    "E100": (ERROR, N_("missing required field")),
    "E101": (ERROR, N_("wrong type")),
    "E102": (ERROR, N_("bad credit code")),
    "E103": (ERROR, N_("unknown key")),
    "E104": (ERROR, N_("unknown value")),
    "E105": (ERROR, N_("cut outside 0–1")),
    "E106": (ERROR, N_("bad emission")),
    "E107": (ERROR, N_("both emissions and lines")),
    "E108": (ERROR, N_("duplicate enterprise id")),
    "E109": (ERROR, N_("duplicate key")),
    "E110": (ERROR, N_("measure weakens as the level rises")),
    "E111": (ERROR, N_("bad operating days")),
    "E112": (ERROR, N_("max_load outside 0–1")),
    "E113": (ERROR, N_("max_load on a category that takes none")),
    "E201": (ERROR, N_("requirement not met")),
    "W301": (WARNING, N_("measure weaker than the policy")),
    "W302": (WARNING, N_("self-managed grade with a mandatory cut")),
    "W303": (WARNING, N_("idle enterprise lists emissions")),
    "W304": (WARNING, N_("missing contact")),
    "W305": (WARNING, N_("operating days outside 1–366")),
    "W306": (WARNING, N_("industry unknown to the policy")),
    "W307": (WARNING, N_("unknown column")),
    "W308": (WARNING, N_("value read as another type")),
    "W309": (WARNING, N_("control characters removed from text")),
    "W310": (WARNING, N_("no grade: treated as unrated")),
    "W311": (WARNING, N_("no issuing authority in a spreadsheet list")),
    "W312": (WARNING, N_("baseline leaves out a pollutant")),
    "W313": (WARNING, N_("stop and a partial cut in one measure")),
    "W314": (WARNING, N_("no enterprises")),
    "W320": (WARNING, N_("no notice number prefix (doc_prefix)")),
}

#: the severities as a person reads them (the JSON keeps ``error``/``warning``)
SEVERITY_LABELS = {ERROR: N_("error"), WARNING: N_("warning")}


def title(code: str) -> str:
    """The short title of ``code`` in the interface language."""
    return _(CODES[code][1])


BLOCKING = frozenset(
    {"E001", "E002", "E003", "E004", "E100", "E101", "E103", "E104", "E105", "E106", "E107", "E108", "E109", "E111",
     "E112"}
)


@dataclass(frozen=True)
class Finding:
    severity: str
    code: str
    message: str
    path: str = ""
    line: int | None = None
    enterprise: str | None = None
    column: str | None = None
    #: the level a finding is about, where it is about one (E110: the level whose cut weakens); not in the JSON
    level: str | None = None

    @property
    def blocking(self) -> bool:
        return self.code in BLOCKING

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def located(self) -> str:
        """``PATH:LINE`` as linters print it (``PATH`` alone when no line is known)."""
        if self.line is None:
            return self.path
        return f"{self.path}:{self.line}"

    @property
    def severity_label(self) -> str:
        """``error``/``warning`` in the interface language (错误/警告), for the human line only."""
        label = SEVERITY_LABELS.get(self.severity)
        return _(label) if label else self.severity

    def format(self) -> str:
        where = self.located()
        col = f" [{self.column}]" if self.column else ""
        return f"{where}: {self.severity_label} {self.code}{col} {self.message}"

    def to_json(self) -> dict:
        data: dict = {
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
            "line": self.line,
            "enterprise": self.enterprise,
        }
        if self.column:
            data["column"] = self.column
        return data


def finding(code: str, message: str, path: str = "", line: int | None = None,
            enterprise: str | None = None, column: str | None = None, level: str | None = None) -> Finding:
    """Build a finding with the code's default severity."""
    return Finding(CODES[code][0], code, message, path, line, enterprise, column, level)


def as_warnings(findings: Iterable[Finding]) -> list[Finding]:
    """Non-blocking errors become warnings for the commands that must go on (SPEC §5)."""
    return [f if f.blocking or not f.is_error else replace(f, severity=WARNING) for f in findings]


def strict(findings: Iterable[Finding]) -> list[Finding]:
    """``--strict``: every warning becomes an error."""
    return [replace(f, severity=ERROR) if not f.is_error else f for f in findings]
