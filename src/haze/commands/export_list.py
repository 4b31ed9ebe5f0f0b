"""``haze export --as-list -o FILE.xlsx|.csv`` (issue 16): the list itself as a spreadsheet to edit.

Loads the list with SPEC §5's refusals (a list with blocking errors is not
written out) and writes it in the layout of SPEC §9 through
:func:`haze.render.sheets.write_list`: one row per production line and a
清单信息 sheet of list facts (in a CSV, the facts stand above the header),
which ``haze import`` and every command read back to the identical list.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from haze.commands.inputs import ListSettings, load_inputs
from haze.core.findings import Finding
from haze.core.model import EnterpriseList


@dataclass(kw_only=True)
class Settings(ListSettings):
    output: Path  # FILE.xlsx or FILE.csv; replaced if it exists


@dataclass
class Outcome:
    """What ``haze export --as-list`` did: the list read, the file written."""

    enterprise_list: EnterpriseList
    files: list[Path]
    rows: int
    warnings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return True

    def to_json(self) -> dict[str, Any]:
        lst = self.enterprise_list
        return {"list": lst.path, "region": lst.info.region, "files": [str(f) for f in self.files],
                "rows": self.rows, "enterprises": len(lst.enterprises),
                "lines": sum(len(e.lines) for e in lst.enterprises if e.has_lines),
                "other_sources": len(lst.other_sources)}


def run(settings: Settings) -> Outcome:
    """Raises :class:`UsageError` for an output that is not .xlsx or .csv, before anything is read."""
    from haze.render.sheets import check_export_name, write_list

    check_export_name(Path(settings.output))
    inputs = load_inputs(settings.list_path, settings.policy, cache=settings.cache)
    written = write_list(inputs.enterprise_list, settings.output)
    return Outcome(inputs.enterprise_list, written.files, written.rows, inputs.warnings)
