"""``haze import FILE -o LIST.yaml`` (SPEC §9): a CSV or XLSX list to the YAML list of SPEC §2.

The YAML is checked to read back to the same list before it is written
(atomically, :func:`haze.io.fsio.write_atomic`); nothing is written when the
file has errors that leave the list undefined, or names no authority.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from haze.core.i18n import _, ngettext
from haze.core.errors import ListError, UsageError
from haze.core.findings import Finding, as_warnings
from haze.core.model import EnterpriseList
from haze.io.fsio import OutputError, write_atomic
from haze.io.lists import list_format, parse_list, read_list_bytes
from haze.io.lists.table import NO_AUTHORITY

LIST_SUFFIXES = (".yaml", ".yml")


@dataclass(kw_only=True)
class Settings:
    source: Path  # a .csv or .xlsx list
    output: Path  # the YAML list to write
    facts: dict[str, str | None] = field(default_factory=dict)  # region, authority…: win over the file's own
    force: bool = False  # overwrite ``output``
    policy: str | None = None  # whose grades and categories the cells must name (SPEC §19); default as check


@dataclass
class Outcome:
    """What ``haze import`` did: the list read, where it went, what to tell the user."""

    enterprise_list: EnterpriseList
    output: Path
    warnings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return True  # a list that cannot be imported is ListError (exit 2), raised before any outcome

    def to_json(self) -> dict[str, Any]:
        enterprise_list = self.enterprise_list
        return {
            "ok": True,
            "source": enterprise_list.path,
            "output": str(self.output),
            "region": enterprise_list.info.region,
            "enterprises": len(enterprise_list.enterprises),
            "lines": sum(len(e.lines) for e in enterprise_list.enterprises if e.has_lines),
            "other_sources": len(enterprise_list.other_sources),
            "warnings": [f.to_json() for f in self.warnings],
        }


def run(settings: Settings) -> Outcome:
    """Read a CSV or XLSX list and write it as YAML. ``settings.facts`` (region, authority…) win over the file's.

    Raises :class:`ListError` (nothing written) for blocking findings, and
    :class:`UsageError` when the list has no authority or the output exists.
    """
    from haze.io.lists.yamlwrite import list_yaml, same_list

    source, output, facts, force = Path(settings.source), Path(settings.output), settings.facts, settings.force
    kind = list_format(source)
    if kind not in ("csv", "xlsx"):
        raise UsageError(_("{source}: import reads .csv and .xlsx lists (a YAML list needs no import)").format(source=source))
    if output.suffix.lower() not in LIST_SUFFIXES:
        raise UsageError(_("{output}: the imported list is YAML: name it .yaml or .yml").format(output=output))
    if output.exists() and not force:
        raise UsageError(_("{output}: already exists; pass --force to overwrite it").format(output=output))
    enterprise_list, findings = _read_sheet(source, kind, {k: v for k, v in (facts or {}).items() if v})
    if enterprise_list is not None:  # grades and categories are the policy's (SPEC §19): an unknown one is refused
        from haze.commands.inputs import choose_policy
        from haze.core.resolve import resolve_findings

        findings = findings + resolve_findings(enterprise_list, choose_policy(settings.policy, enterprise_list))
    blocking = [f for f in findings if f.blocking and f.is_error]
    if enterprise_list is None or blocking:
        errors = blocking or [f for f in findings if f.is_error]
        raise ListError(ngettext("{source}: cannot import ({count} error); nothing written", "{source}: cannot import ({count} errors); nothing written", len(errors)).format(source=source, count=len(errors)), errors)
    if enterprise_list.info.authority == NO_AUTHORITY:
        raise UsageError(_("{source}: no authority (发布单位) for the notices: pass --authority (e.g. --authority {region}生态环境局) or add it to a 清单信息 sheet; nothing written").format(source=source, region=enterprise_list.info.region))
    # the list's own comment, in the interface's language like everything haze writes to a person (SPEC §17)
    text = list_yaml(enterprise_list, _("{region} 应急减排清单 — imported by `haze import` from {name}\n"
                                        "sha256 of {name}: {sha256}").format(
        region=enterprise_list.info.region, name=source.name, sha256=enterprise_list.sha256))
    again = parse_list(text.encode("utf-8"), str(output), "yaml")
    if again.enterprise_list is None or again.blocking or not same_list(enterprise_list, again.enterprise_list):
        raise OutputError(_("{output}: the YAML made from {source} does not read back to the same list (a haze bug: please report it with the file); nothing written").format(output=output, source=source))
    write_atomic(output, text.encode("utf-8"), overwrite=force)
    return Outcome(enterprise_list, output, as_warnings(findings))


def _read_sheet(source: Path, kind: str, facts: dict[str, str]) -> tuple[EnterpriseList | None, list[Finding]]:
    data, problem = read_list_bytes(source)
    if data is None:
        return None, [problem] if problem is not None else []
    if kind == "csv":
        from haze.io.lists.csvread import read_csv as reader
    else:
        from haze.io.lists.xlsxread import read_xlsx as reader
    enterprise_list, findings = reader(data, str(source), overrides=facts, to_write=True)
    if enterprise_list is not None:
        enterprise_list.sha256 = hashlib.sha256(data).hexdigest()
    return enterprise_list, sorted(findings, key=lambda f: f.line or 0)
