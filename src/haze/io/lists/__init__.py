"""Reading enterprise lists: YAML (SPEC §2), CSV and XLSX (§9), into the model.

``read_list`` never raises for bad content: it returns the list (or None) with
every finding, located by file and line (or row). Commands decide what to do
with blocking findings; see :data:`haze.core.findings.BLOCKING`.
"""

from __future__ import annotations

import hashlib
import stat
from dataclasses import dataclass, field
from pathlib import Path

from haze.core.findings import Finding, finding
from haze.core.i18n import _, os_reason
from haze.core.model import EnterpriseList

FORMATS = {".yaml": "yaml", ".yml": "yaml", ".csv": "csv", ".xlsx": "xlsx"}


@dataclass
class ListReport:
    """A list as read: the model (None when unreadable) and what was found in it."""

    path: str
    enterprise_list: EnterpriseList | None
    findings: list[Finding] = field(default_factory=list)
    sha256: str = ""

    @property
    def blocking(self) -> list[Finding]:
        return [f for f in self.findings if f.blocking and f.is_error]


def list_format(path: str | Path) -> str | None:
    return FORMATS.get(Path(path).suffix.lower())


def read_list(path: str | Path) -> ListReport:
    """Read a list file of any supported format."""
    name = str(path)
    kind = list_format(path)
    if kind is None:
        return ListReport(name, None, [finding("E001", _("unknown list format: use .yaml, .yml, .csv or .xlsx"), name)])
    data, problem = read_list_bytes(path)
    if data is None:
        return ListReport(name, None, [problem] if problem is not None else [])
    return parse_list(data, name, kind)


def read_list_bytes(path: str | Path) -> tuple[bytes | None, Finding | None]:
    """The bytes of a list file, read safely; else None and the one finding (E001/E004) that says why.

    The one place a list file is opened (read_list, the parse cache and ``haze
    import`` all come here): a pipe or device is refused before it is opened (it
    would block forever), a file over the size bound before it is read (it must
    not exhaust memory).
    """
    from haze.io.lists.yamlread import MAX_BYTES

    name = str(path)
    try:
        info = Path(path).stat()
        if not (stat.S_ISREG(info.st_mode) or stat.S_ISDIR(info.st_mode)):
            return None, finding("E001", _("not a regular file (a pipe or device?)"), name)
        if info.st_size > MAX_BYTES:
            return None, finding("E004", _("file is {size} bytes; the limit is {limit}").format(size=info.st_size, limit=MAX_BYTES), name)
        return Path(path).read_bytes(), None
    except FileNotFoundError:
        return None, finding("E001", _("no such file"), name)
    except IsADirectoryError:
        return None, finding("E001", _("is a directory, not a list file"), name)
    except OSError as exc:
        return None, finding("E001", _("cannot read: {problem}").format(problem=os_reason(exc)), name)


def parse_list(data: bytes, path: str, kind: str = "yaml", digest: str | None = None) -> ListReport:
    """Parse list bytes already read (``kind`` is yaml, csv or xlsx).

    ``digest`` is the sha256 of ``data`` when the caller already has it (the
    parse cache does), so a large file is hashed once.
    """
    digest = digest or hashlib.sha256(data).hexdigest()
    if kind == "yaml":
        from haze.io.lists.build import build
        from haze.io.lists.yamlread import load_yaml

        doc, findings = load_yaml(data, path)
        if doc is None:
            return ListReport(path, None, findings, digest)
        aliases = None
        if b"*" in data:  # an alias may repeat an enterprise: its findings name the alias's line
            from haze.io.lists.yamlread import alias_lines

            aliases = alias_lines(data)
        result, more = build(doc, path, aliases)
    elif kind == "csv":
        from haze.io.lists.csvread import read_csv

        result, more = read_csv(data, path)
        findings = []
    else:
        from haze.io.lists.xlsxread import read_xlsx

        result, more = read_xlsx(data, path)
        findings = []
    if result is not None:
        result.sha256 = digest
    found = sorted(findings + more, key=lambda f: f.line or 0)
    return ListReport(path, result, found, digest)
