"""The list written as the readable YAML of SPEC §2, which haze reads back to the same list.

``haze import`` writes a spreadsheet list this way and ``haze plan --apply``
the planned list: Chinese as Chinese, one enterprise after another, keys in
the SPEC's order and defaults left out. Values haze's own reader would take
for something else (``1e5``, ``0356…``, ``true``) are quoted.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from haze.core.grades import says_normal
from haze.core.model import (
    LEVELS,
    POLLUTANTS,
    Enterprise,
    EnterpriseList,
    Line,
    Measure,
    OtherSource,
)


class _Flow(dict):
    """Written on one line, as SPEC §2 writes emissions, contacts, capacity and measures."""


def _num(value: float) -> int | float:
    return int(value) if float(value).is_integer() and abs(value) < 1e15 else value


def _emissions(values: dict) -> _Flow:
    return _Flow((p.value, _num(values[p])) for p in POLLUTANTS if p in values)


def _measures(table: dict) -> dict[str, _Flow]:
    result = {}
    for level in LEVELS:
        m: Measure | None = table.get(level)
        if m is None:
            continue
        data = _Flow()
        if m.cut is not None:
            data["cut"] = _num(m.cut)
        if m.stop:
            data["stop"] = True
        if m.actions:
            data["actions"] = list(m.actions)
        result[level.value] = data
    return result


def _enterprise_doc(e: Enterprise) -> dict[str, Any]:
    doc: dict[str, Any] = {"id": e.id, "name": e.name}
    optional = (("town", e.town), ("industry", e.industry))
    doc.update((k, v) for k, v in optional if v)
    doc["grade"] = e.grade or "unrated"  # as written: the policy resolves it (SPEC §19)
    if e.key_zone:
        doc["zone"] = "key"
    if not says_normal(e.category):
        doc["category"] = e.category
    if e.max_load is not None:
        doc["max_load"] = _num(e.max_load)
    if not e.compliant:
        doc["compliant"] = False
    if not e.operating:
        doc["status"] = e.status.value
    if e.operating_days != 365:
        doc["operating_days"] = _num(e.operating_days)
    if e.contact is not None:
        doc["contact"] = _Flow((k, v) for k, v in (("name", e.contact.name), ("phone", e.contact.phone)) if v)
    if e.capacity is not None:
        cap = e.capacity
        doc["capacity"] = _Flow((k, _num(v)) for k, v in (("eia", cap.eia), ("permit", cap.permit),
                                                           ("actual", cap.actual)) if v is not None)
        if cap.unit:
            doc["capacity"]["unit"] = cap.unit
    if e.has_lines:
        doc["lines"] = [_line_doc(line) for line in e.lines]
    elif e.lines:
        doc["emissions"] = _emissions(e.lines[0].emissions)
    if e.measures:
        doc["measures"] = _measures(e.measures)
    return doc


def _line_doc(line: Line) -> dict[str, Any]:
    doc: dict[str, Any] = {"name": line.name, "emissions": _emissions(line.emissions)}
    if line.measures:
        doc["measures"] = _measures(line.measures)
    return doc


def _source_doc(s: OtherSource) -> dict[str, Any]:
    doc: dict[str, Any] = {"name": s.name}
    if s.kind:
        doc["kind"] = s.kind
    doc["emissions"] = _emissions(s.emissions)
    if s.measures:
        doc["measures"] = _measures(s.measures)
    return doc


def list_document(enterprise_list: EnterpriseList) -> dict[str, Any]:
    """The list as the plain document of SPEC §2, keys in the SPEC's order, defaults left out."""
    info = enterprise_list.info
    head: dict[str, Any] = {"region": info.region, "authority": info.authority}
    head.update((k, v) for k, v in (("season", info.season), ("policy", info.policy),
                                    ("doc_prefix", info.doc_prefix)) if v)
    if info.baseline:
        head["baseline"] = {p.value: _num(info.baseline[p]) for p in POLLUTANTS if p in info.baseline}
    if not info.strict_ids:
        head["strict_ids"] = False
    doc: dict[str, Any] = {"list": head, "enterprises": [_enterprise_doc(e) for e in enterprise_list.enterprises]}
    if enterprise_list.other_sources:
        doc["other_sources"] = [_source_doc(s) for s in enterprise_list.other_sources]
    return doc


def list_yaml(enterprise_list: EnterpriseList, comment: str = "") -> str:
    """YAML text that haze reads back to the same list: Chinese as Chinese, one enterprise after another."""
    import yaml

    from haze.io.lists.yamlread import Resolver  # quote what haze would read as another type

    ours = Resolver()

    class Dumper(yaml.SafeDumper):
        def ignore_aliases(self, data: Any) -> bool:  # a repeated action list is written out, not &id001
            return True

        def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
            super().increase_indent(flow, False)  # "  - id:" under "enterprises:", as SPEC §2 writes it

    def text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
        # PyYAML quotes what YAML 1.1 would misread (true, 0356, 2024-12-01…);
        # also quote what haze's own reader would (1e5).
        plain = ours.resolve(yaml.ScalarNode, value, (True, False)) == "tag:yaml.org,2002:str"
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=None if plain else '"')

    def flow(dumper: yaml.SafeDumper, value: _Flow) -> yaml.MappingNode:
        return dumper.represent_mapping("tag:yaml.org,2002:map", value, flow_style=True)

    Dumper.add_representer(str, text)
    Dumper.add_representer(_Flow, flow)
    body = yaml.dump(list_document(enterprise_list), Dumper=Dumper, allow_unicode=True, sort_keys=False,
                     default_flow_style=False, width=100_000, indent=2)
    head = "".join(f"# {line}".rstrip() + "\n" for line in comment.splitlines())
    return head + body


def same_list(a: EnterpriseList, b: EnterpriseList) -> bool:
    """The same list, wherever its parts stand in their files (rows vs YAML lines)."""
    def shape(enterprise_list: EnterpriseList) -> tuple:
        return (enterprise_list.info,
                # no grade is written as unrated, which it means (SPEC §2); a normal category is left out
                [replace(e, line=0, grade=e.grade or "unrated", category="" if says_normal(e.category) else e.category,
                         lines=[replace(x, line=0) for x in e.lines])
                 for e in enterprise_list.enterprises],
                [replace(s, line=0) for s in enterprise_list.other_sources])
    return shape(a) == shape(b)
