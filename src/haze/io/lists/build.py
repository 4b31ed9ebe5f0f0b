"""Turn a parsed list document (SPEC §2) into the model, with located findings.

The YAML reader gives :class:`LDict` mappings that know their lines; the CSV
and XLSX readers build the same shape with row numbers (and column names), so
one set of rules checks every format. Nothing here raises for bad data: each
problem becomes a finding and the builder carries on, so that one run reports
everything. Only policy-independent rules live here; those that need the
policy (weaker than policy, unknown industry, requirement) are in
:mod:`haze.commands.validate`.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Mapping  # not typing's: isinstance() through typing is twice as slow
from typing import Any

from haze.core import creditcode
from haze.core.text import clean, kind_of, unsafe
from haze.core.findings import Finding, finding
from haze.core.fmt import cut_label, level_said
from haze.core.i18n import N_, _
from haze.io.lists.yamlread import LDict
from haze.core.model import (
    LEVELS,
    Capacity,
    Contact,
    Enterprise,
    EnterpriseList,
    Level,
    Line,
    ListInfo,
    Measure,
    OtherSource,
    Pollutant,
    Status,
    STOP_WORDS,
    parse_bool,
    parse_cut,
    parse_zone,
)

LIST_KEYS = {"region", "authority", "season", "policy", "doc_prefix", "baseline", "strict_ids", "contact"}
ENTERPRISE_KEYS = {
    "id", "name", "town", "industry", "grade", "zone", "category", "compliant", "status",
    "operating_days", "contact", "capacity", "lines", "emissions", "measures", "max_load",
    "ozone_exempt", "vocs_process",  # SPEC §14; vocs_process here is that of an enterprise without lines
}
LINE_KEYS = {"name", "emissions", "measures", "vocs_process"}
SOURCE_KEYS = {"name", "kind", "emissions", "measures"}
MEASURE_KEYS = {"cut", "stop", "actions"}
CONTACT_KEYS = {"name", "phone"}
CAPACITY_KEYS = {"eia", "permit", "actual", "unit"}

#: Bounds that keep hostile values out of the arithmetic and the terminal. No real
#: source emits 1e9 t/a of one pollutant (more than a whole country), and a text
#: field of 1,000 characters is already far longer than any name or sentence.
MAX_EMISSION = 1e9
MIN_OPERATING_DAYS = 1e-3
MAX_TEXT = 1000
#: what clerks write for "no emission of this pollutant" (the spreadsheet reader's placeholders)
NO_AMOUNT = frozenset({"—", "——", "–", "-", "－", "/", "无", "n/a", "na", "none"})


class Builder:
    """Collects findings while reading one document; one instance per file."""

    def __init__(self, path: str, alias_lines: dict[int, list[int]] | None = None) -> None:
        self.path = path
        self.findings: list[Finding] = []
        self.enterprise: str | None = None  # id of the enterprise being read
        # YAML only: anchored node's line → its aliases' lines (haze.io.lists.yamlread.alias_lines)
        self.alias_lines = alias_lines or {}

    # -- reporting -------------------------------------------------------
    def add(self, code: str, message: str, where: Any = None, key: Any = None) -> None:
        line, column = _locate(where, key)
        self.findings.append(finding(code, message, self.path, line, self.enterprise, column))

    # -- generic fields --------------------------------------------------
    def mapping(self, value: Any, what: str, where: Any, key: Any) -> LDict | None:
        if isinstance(value, Mapping):
            return value if isinstance(value, LDict) else _ldict(value, _locate(where, key)[0])
        self.add("E101", _("{what} must be a mapping, not {kind}").format(what=_(what), kind=_kind(value)), where, key)
        return None

    def unknown_keys(self, data: LDict, allowed: set[str], what: str) -> None:
        for key in data:
            if key not in allowed:
                hint = _closest(str(key), allowed)
                message = (_("unknown key {key!r} in {what} (did you mean {hint!r}?)") if hint
                           else _("unknown key {key!r} in {what}"))
                self.add("E103", message.format(key=key, what=_(what), hint=hint), data, key)

    def text(self, data: LDict, key: str, what: str, required: bool = False) -> str:
        value = data.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.add("E100", _("{what} has no {key}").format(what=_(what), key=key), data, key if key in data else None)
            return ""
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.add("E101", _("{key} must be text, not {kind}").format(key=key, kind=_kind(value)), data, key)
            return ""
        if isinstance(value, float):
            self.add("W308", _("{key} {value!r} was read as a number; quote it to keep it as written").format(
                key=key, value=value), data, key)
            value = repr(value)
        return self.clean(str(value).strip(), data, key)

    def clean(self, text: str, where: Any, key: Any) -> str:
        """Refuse absurdly long text (E004); drop control characters with a warning (W309)."""
        if len(text) > MAX_TEXT:
            self.add("E004", _("{key} is {length} characters long; the limit is {limit}").format(
                key=key, length=len(text), limit=MAX_TEXT), where, key)
            return text[:MAX_TEXT]
        if unsafe(text):  # escape codes, bidirectional and zero-width characters (haze.core.text)
            self.add("W309", _("{key} holds control characters (line breaks, escape codes, zero-width or "
                               "direction marks…); they were removed").format(key=key), where, key)
            text = clean(text)
        return text

    def number(self, data: LDict, key: str, code: str = "E101") -> float | None:
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            value = _numeric_text(value)
            if value is None:
                self.add("E101", _("{key} must be a number, not {kind} {value!r}{hint}").format(
                    key=key, kind=_kind(data.get(key)), value=data.get(key), hint=_number_hint(data.get(key))),
                    data, key)
                return None
        if not math.isfinite(value) or value < 0:
            self.add(code, _("{key} must be a finite number ≥ 0, not {value!r}").format(key=key, value=value), data, key)
            return None
        return float(value)

    def flag(self, data: LDict, key: str, default: bool) -> bool:
        if key not in data or data[key] is None:
            return default
        value = parse_bool(data[key])
        if value is None:
            self.add("E104", _("{key} must be yes or no (是/否, true/false), not {value!r}").format(
                key=key, value=data[key]), data, key)
            return default
        return value

    # -- emissions and measures ------------------------------------------
    def emissions(self, value: Any, where: Any, key: Any) -> dict[Pollutant, float]:
        data = self.mapping(value, "emissions", where, key)
        result: dict[Pollutant, float] = {}
        if data is None:
            return result
        for name, amount in data.items():
            p = Pollutant.parse(name)
            if p is None:
                self.add("E103", _("unknown pollutant {name!r} (expected so2, nox, pm or vocs)").format(name=name), data, name)
                continue
            if p in result:
                self.add("E109", _("pollutant {pollutant} given twice").format(pollutant=p.value), data, name)
            if amount is None or (isinstance(amount, str) and _norm_text(amount) in NO_AMOUNT):
                continue  # "—" means none, in YAML as in a spreadsheet cell (issue 18.6)
            if isinstance(amount, bool) or not isinstance(amount, (int, float)):
                number = _numeric_text(amount)
                if number is None:
                    self.add("E101", _("emission of {pollutant} must be a number in t/a, not {kind} {amount!r}{hint}")
                             .format(pollutant=p.value, kind=_kind(amount), amount=amount, hint=_number_hint(amount)),
                             data, name)
                    continue
                amount = number
            if not math.isfinite(amount) or amount < 0:
                self.add("E106", _("emission of {pollutant} must be finite and ≥ 0 t/a, not {amount!r}").format(
                    pollutant=p.value, amount=amount), data, name)
                continue
            if amount > MAX_EMISSION:
                self.add("E106", _("emission of {pollutant} {amount:g} t/a is beyond any real source "
                                   "(limit {limit:g}); check the unit").format(
                    pollutant=p.value, amount=amount, limit=MAX_EMISSION), data, name)
                continue
            result[p] = float(amount)
        return result

    def measures(self, value: Any, where: Any, key: Any) -> dict[Level, Measure]:
        data = self.mapping(value, "measures", where, key)
        result: dict[Level, Measure] = {}
        if data is None:
            return result
        for name, raw in data.items():
            level = Level.parse(name)
            if level is None:
                self.add("E103", _("unknown level {name!r} in measures (expected yellow, orange or red)").format(name=name),
                         data, name)
                continue
            if level in result:
                self.add("E109", _("measures for {level} given twice").format(level=level_said(level)), data, name)
            measure = self.measure(raw, data, name)
            if measure is not None:
                result[level] = measure
        self.check_rising(result, data)
        return result

    def measure(self, raw: Any, where: Any, key: Any) -> Measure | None:
        line = _locate(where, key)[0] or 0
        if raw is None:
            return None
        if not isinstance(raw, Mapping):  # shorthand: ``orange: 0.5`` or ``red: 停产``
            cut = self.cut_value(raw, where, key)
            return None if cut is None else Measure(cut=cut, line=line)
        data = raw if isinstance(raw, LDict) else _ldict(raw, line)
        self.unknown_keys(data, MEASURE_KEYS, N_("a measure"))
        cut = self.cut_value(data["cut"], data, "cut") if data.get("cut") is not None else None
        stop = self.flag(data, "stop", False)
        if stop and cut is not None and cut < 1.0:
            self.add("W313", _("stop: true and cut {cut!r} in one measure: the enterprise stops").format(cut=data["cut"]),
                     data, "cut")
        actions = self.actions(data.get("actions"), data, "actions")
        return Measure(cut=cut, stop=stop, actions=actions, line=data.line or line)

    def cut_value(self, raw: Any, where: Any, key: Any) -> float | None:
        cut = parse_cut(raw)
        if cut is None:
            self.add("E101", _("a cut must be a fraction, \"NN%\" or 停产/stop, not {raw!r}").format(raw=raw), where, key)
            return None
        if not (0.0 <= cut <= 1.0):  # NaN fails both comparisons
            self.add("E105", _("cut {raw!r} is outside 0–1{hint}").format(raw=raw, hint=_percent_hint(raw, cut)), where, key)
            return None
        return cut

    def actions(self, raw: Any, where: Any, key: Any) -> tuple[str, ...]:
        if raw is None:
            return ()
        if isinstance(raw, str):
            raw = [raw]
        if not isinstance(raw, list) or not all(isinstance(a, (str, int, float)) and not isinstance(a, bool)
                                                for a in raw):
            self.add("E101", _("actions must be a list of sentences"), where, key)
            return ()
        return tuple(dict.fromkeys(self.clean(str(a).strip(), where, key) for a in raw if str(a).strip()))

    def check_rising(self, measures: dict[Level, Measure], where: LDict) -> None:
        """Explicit cuts must not get weaker as the level rises (E110)."""
        previous: tuple[Level, float] | None = None
        for level in LEVELS:
            m = measures.get(level)
            if m is None or not m.sets_cut:
                continue
            if previous is not None and m.value < previous[1] - 1e-12:
                self.findings.append(finding(
                    "E110", _("{level} cut {cut} is weaker than {previous} cut {previous_cut}").format(
                        level=level_said(level), cut=cut_label(m.value), previous=level_said(previous[0]),
                        previous_cut=cut_label(previous[1])),
                    self.path, m.line or where.line, self.enterprise, level=level.value))
            previous = (level, m.value)

    def check_rising_across(self, e: Enterprise) -> None:
        """E110 where a line's own measures and the enterprise's meet.

        A line without its own measure at a level takes the enterprise's
        (SPEC §4.1), so the cut a line gets may weaken across the two tables even
        when each is rising on its own. Pairs within one table are left to
        :meth:`check_rising`, so nothing is reported twice.
        """
        for line in e.lines:
            if not line.measures:
                continue
            previous: tuple[Level, Measure, bool] | None = None
            for level in LEVELS:
                own = line.measures.get(level)
                m, is_own = (own, True) if own is not None and own.sets_cut else (e.measures.get(level), False)
                if m is None or not m.sets_cut:
                    continue
                if previous is not None and is_own != previous[2] and m.value < previous[1].value - 1e-12:
                    self.findings.append(finding(
                        "E110", _("{level} cut {cut} for line {line} is weaker than its {previous} cut {previous_cut} "
                                  "(line and enterprise measures together)").format(
                            level=level_said(level), cut=cut_label(m.value), line=line.name,
                            previous=level_said(previous[0]),
                            previous_cut=cut_label(previous[1].value)),
                        self.path, m.line or e.line, self.enterprise, level=level.value))
                previous = (level, m, is_own)

    # -- the document ----------------------------------------------------
    def document(self, doc: Any) -> EnterpriseList | None:
        if not isinstance(doc, Mapping):
            self.add("E003", _("a list must be a mapping with 'list' and 'enterprises', not {kind}").format(kind=_kind(doc)),
                     _at(1))
            return None
        doc = doc if isinstance(doc, LDict) else _ldict(doc, 1)
        self.unknown_keys(doc, {"list", "enterprises", "other_sources"}, N_("the file"))
        info = self.list_info(doc)
        enterprises = self.enterprises(doc)
        sources = self.other_sources(doc)
        return EnterpriseList(info=info, enterprises=enterprises, other_sources=sources, path=self.path)

    def list_info(self, doc: LDict) -> ListInfo:
        if "list" not in doc:
            self.add("E100", _("the file has no 'list' section (region, authority…)"), doc)
            return ListInfo()
        data = self.mapping(doc["list"], "list", doc, "list")
        if data is None:
            return ListInfo()
        self.unknown_keys(data, LIST_KEYS, "list")
        info = ListInfo(
            region=self.text(data, "region", "list", required=True),
            authority=self.text(data, "authority", "list", required=True),
            season=self.text(data, "season", "list"),
            policy=self.text(data, "policy", "list") or None,
            doc_prefix=self.text(data, "doc_prefix", "list"),
            strict_ids=self.flag(data, "strict_ids", True),
        )
        if data.get("baseline") is not None:
            info.baseline = self.emissions(data["baseline"], data, "baseline")
            missing = [p.value for p in Pollutant if p not in info.baseline]
            if missing:
                self.add("W312", _("baseline gives no {pollutants}: their ratios use the listed "
                                   "emissions instead of 全社会排放量").format(pollutants=", ".join(missing)),
                         data, "baseline")
        info.contact = self.contact(data)  # the bureau's duty contact, printed on the notices
        return info

    def enterprises(self, doc: LDict, read: Callable[[Any, bool], Enterprise | None] | None = None
                    ) -> list[Enterprise]:
        """The enterprises of ``doc``; ``read(item, strict_ids)``, when given, reads each item instead of
        :meth:`enterprise_entry` (the table reader's one pass from rows: ``haze.io.lists.table``)."""
        raw = doc.get("enterprises")
        if raw is None:
            self.add("E100", _("the file has no 'enterprises'"), doc, "enterprises" if "enterprises" in doc else None)
            return []
        if not isinstance(raw, list):
            self.add("E101", _("enterprises must be a list, not {kind}").format(kind=_kind(raw)), doc, "enterprises")
            return []
        if not raw:
            self.add("W314", _("the list has no enterprises: nothing to curtail"), doc, "enterprises")
        result: list[Enterprise] = []
        seen: dict[str, int] = {}
        strict_ids = True
        list_data = doc.get("list")
        if isinstance(list_data, Mapping) and parse_bool(list_data.get("strict_ids", True)) is False:
            strict_ids = False
        repeats: set[int] = set()  # id() of entries already read: a YAML alias repeats the same object
        for item in raw:
            e = self.enterprise_entry(item, doc, strict_ids) if read is None else read(item, strict_ids)
            if e is None:
                continue
            line = e.line
            if id(item) in repeats and self.alias_lines.get(e.line):
                line = self.alias_lines[e.line].pop(0)  # ``- *ent``: name the alias's line, not the anchor's
            repeats.add(id(item))
            if not e.id:  # already E100; a second blank id is not a duplicate of the first
                pass
            elif e.id in seen:
                self.add("E108", _("enterprise id {id} appears twice (first on line {first})").format(id=e.id, first=seen[e.id]),
                         _at(line))
            else:
                seen[e.id] = e.line
            result.append(e)
        self.enterprise = None
        return result

    def enterprise_entry(self, item: Any, doc: LDict, strict_ids: bool) -> Enterprise | None:
        self.enterprise = None
        data = self.mapping(item, N_("an enterprise"), doc, "enterprises")
        if data is None:
            return None
        ident = self.text(data, "id", N_("an enterprise"), required=True)
        ident = creditcode.normalize(ident) if ident else ident  # one form for every format, before E108
        self.enterprise = ident or None
        if ident:
            why = creditcode.problem(ident)
            if why:
                f = finding("E102", _("bad credit code {id} ({why})").format(id=ident, why=why), self.path, data.line_of("id"), ident,
                            data.column_of("id"))
                self.findings.append(f if strict_ids else _warning(f))
        self.unknown_keys(data, ENTERPRISE_KEYS, N_("an enterprise"))
        e = Enterprise(id=ident, name=self.text(data, "name", N_("an enterprise"), required=True), line=data.line)
        e.town = self.text(data, "town", N_("an enterprise"))
        e.industry = self.text(data, "industry", N_("an enterprise"))
        if data.get("grade") is None:  # not yet graded is what 未评级 means; a typo must not stop an emergency
            self.add("W310", _("no grade: treated as unrated (未评级)"), data)
        # Grade and category are kept as written: the policy, chosen later, says which
        # names it knows (SPEC §19); haze.core.resolve reports the ones it does not.
        e.grade = self.named(data, "grade", e)
        ok, e.key_zone = parse_zone(data.get("zone"))
        if not ok:
            self.add("E104", _("zone must be 'key' or empty, not {zone!r}").format(zone=data.get("zone")), data, "zone")
        e.category = self.named(data, "category", e)
        e.max_load = self.max_load(data, e)
        e.status = self.choice(data, "status", Status.parse, Status.OPERATING, expected=_("operating or idle"))
        e.compliant = self.flag(data, "compliant", True)
        e.operating_days = self.operating_days(data)
        e.contact = self.contact(data)
        e.capacity = self.capacity(data)
        e.ozone_exempt = self.ozone_exempt(data)
        self.production(e, data)
        plant_vocs = self.tristate(data, "vocs_process")
        for line in e.lines:  # the enterprise's vocs_process is the default of its lines (one, without lines)
            if line.vocs_process is None:
                line.vocs_process = plant_vocs
        if "measures" in data and data["measures"] is not None:
            e.measures = self.measures(data["measures"], data, "measures")
            self.check_rising_across(e)
        return e

    def choice(self, data: LDict, key: str, parse: Callable[[Any], Any], default: Any, *,
               required: bool = False, expected: str) -> Any:
        raw = data.get(key)
        if raw is None:
            if required:
                self.add("E100", _("an enterprise has no {key}").format(key=key), data)
            return default
        value = parse(raw)
        if value is None:
            self.add("E104", _("unknown {key} {raw!r} (expected {expected})").format(key=key, raw=raw, expected=expected),
                     data, key)
            return default
        return value

    def named(self, data: LDict, key: str, e: Enterprise) -> str:
        """A grade or category as written ("" when absent), its place kept for the policy's findings."""
        raw = data.get(key)
        if raw is None:
            return ""
        e.spots[key] = (data.line_of(key), data.column_of(key))
        if isinstance(raw, bool) or not isinstance(raw, (str, int, float)):
            example = _("B or B级") if key == "grade" else "保障类"
            self.add("E104", _("unknown {key} {raw!r}: a {key} is a name such as {example}").format(
                key=key, raw=raw, example=example), data, key)
            return ""
        if isinstance(raw, str):
            text = raw
        elif isinstance(raw, float) and not (math.isfinite(raw) and raw == int(raw)):
            text = repr(raw)
        else:
            text = str(int(raw))  # a grade typed 1 in Excel arrives as 1.0
        return self.clean(text.strip(), data, key)

    def max_load(self, data: LDict, e: Enterprise) -> float | None:
        """核定最大允许生产负荷 (SPEC §19): a share 0–1 (0.8 or "80%"); E112 outside it."""
        raw = data.get("max_load")
        if raw is None:
            return None
        e.spots["max_load"] = (data.line_of("max_load"), data.column_of("max_load"))
        value = parse_cut(raw) if not (isinstance(raw, str) and _norm_text(raw) in STOP_WORDS) else None
        if value is None:
            self.add("E101", _("max_load must be a share of capacity (0.8 or \"80%\"), not {raw!r}").format(raw=raw),
                     data, "max_load")
            return None
        if not 0.0 <= value <= 1.0:
            self.add("E112", _("max_load {raw!r} is outside 0–1{hint}").format(raw=raw, hint=_percent_hint(raw, value)),
                     data, "max_load")
            return None
        return value

    def tristate(self, data: LDict, key: str) -> bool | None:
        """A yes/no key whose absence means "not said" (None), as ``vocs_process`` (SPEC §14)."""
        if data.get(key) is None:
            return None
        value = parse_bool(data[key])
        if value is None:
            self.add("E104", _("{key} must be yes or no (是/否, true/false), not {value!r}").format(
                key=key, value=data[key]), data, key)
        return value

    def ozone_exempt(self, data: LDict) -> str:
        """臭氧豁免 (SPEC §14): the reason (text); yes gives a generic reason, no or empty none."""
        raw = data.get("ozone_exempt")
        if raw is None or raw == "":
            return ""
        if isinstance(raw, bool):
            return "豁免" if raw else ""
        if not isinstance(raw, str):
            self.add("E101", _("ozone_exempt must be the reason of the exemption (text such as "
                               "低VOCs含量原辅材料替代), not {kind}").format(kind=_kind(raw)), data, "ozone_exempt")
            return ""
        said = parse_bool(raw)
        if said is not None:
            return "豁免" if said else ""
        return self.clean(raw.strip(), data, "ozone_exempt")

    def operating_days(self, data: LDict) -> float:
        raw = data.get("operating_days")
        if raw is None:
            return 365
        value = raw if isinstance(raw, (int, float)) and not isinstance(raw, bool) else _numeric_text(raw)
        if value is None or not math.isfinite(value):
            self.add("E101", _("operating_days must be a number of days, not {raw!r}{hint}").format(
                raw=raw, hint=_number_hint(raw)), data,
                     "operating_days")
            return 365
        if value <= 0:  # a daily figure would divide by zero: the computation is undefined
            self.add("E111", _("operating_days must be positive, not {raw!r}").format(raw=raw), data, "operating_days")
            return 365
        if value < MIN_OPERATING_DAYS:  # 1e-320 days: daily figures overflow to infinity
            self.add("E111", _("operating_days {raw!r} is too small to divide by (at least {least:g})").format(
                raw=raw, least=MIN_OPERATING_DAYS),
                     data, "operating_days")
            return 365
        if not 1 <= value <= 366:
            self.add("W305", _("operating_days {raw!r} is outside 1–366").format(raw=raw), data, "operating_days")
        return value

    def contact(self, data: LDict) -> Contact | None:
        raw = data.get("contact")
        if raw is None:
            return None
        contact = self.mapping(raw, "contact", data, "contact")
        if contact is None:
            return None
        self.unknown_keys(contact, CONTACT_KEYS, "contact")
        result = Contact(name=self.text(contact, "name", "contact"), phone=self.text(contact, "phone", "contact"))
        return result if (result.name or result.phone) else None

    def capacity(self, data: LDict) -> Capacity | None:
        raw = data.get("capacity")
        if raw is None:
            return None
        cap = self.mapping(raw, "capacity", data, "capacity")
        if cap is None:
            return None
        self.unknown_keys(cap, CAPACITY_KEYS, "capacity")
        result = Capacity(eia=self.number(cap, "eia"), permit=self.number(cap, "permit"),
                          actual=self.number(cap, "actual"), unit=self.text(cap, "unit", "capacity"))
        return result if result.base is not None else None

    def production(self, e: Enterprise, data: LDict) -> None:
        """``emissions`` (one line named after the enterprise) or ``lines``, never both."""
        has_emissions = data.get("emissions") is not None
        has_lines = data.get("lines") is not None
        if has_emissions and has_lines:
            self.add("E107", _("an enterprise has either emissions or lines, not both"), data, "lines")
            self.emissions(data["emissions"], data, "emissions")  # its own problems are reported too
        if has_lines:
            e.has_lines = True
            e.lines = self.lines(data["lines"], data)
        elif has_emissions:
            e.lines = [Line(name=e.name, emissions=self.emissions(data["emissions"], data, "emissions"),
                            line=data.line_of("emissions"))]
        elif e.operating:
            self.add("E100", _("an operating enterprise has neither emissions nor lines"), data)
        if e.status is Status.IDLE and any(line.total_emission > 0 for line in e.lines):
            self.add("W303", _("{name}: idle enterprise still lists emissions; they are not counted").format(name=e.name), data,
                     "lines" if has_lines else "emissions")
        if e.operating and e.contact is None:
            self.add("W304", _("{name}: no contact (name and phone) for the notice").format(name=e.name), data)

    def lines(self, raw: Any, data: LDict) -> list[Line]:
        if not isinstance(raw, list) or not raw:
            self.add("E101", _("lines must be a non-empty list of production lines"), data, "lines")
            return []
        result = []
        for item in raw:
            entry = self.mapping(item, N_("a line"), data, "lines")
            if entry is None:
                continue
            self.unknown_keys(entry, LINE_KEYS, N_("a line"))
            line = Line(name=self.text(entry, "name", N_("a line"), required=True), line=entry.line)
            line.vocs_process = self.tristate(entry, "vocs_process")
            if entry.get("emissions") is not None:
                line.emissions = self.emissions(entry["emissions"], entry, "emissions")
            if entry.get("measures") is not None:
                line.measures = self.measures(entry["measures"], entry, "measures")
            result.append(line)
        return result

    def other_sources(self, doc: LDict) -> list[OtherSource]:
        raw = doc.get("other_sources")
        if raw is None:
            return []
        if not isinstance(raw, list):
            self.add("E101", _("other_sources must be a list, not {kind}").format(kind=_kind(raw)), doc, "other_sources")
            return []
        result = []
        for item in raw:
            data = self.mapping(item, N_("an other source"), doc, "other_sources")
            if data is None:
                continue
            self.unknown_keys(data, SOURCE_KEYS, N_("an other source"))
            source = OtherSource(name=self.text(data, "name", N_("an other source"), required=True),
                                 kind=self.text(data, "kind", N_("an other source")), line=data.line)
            if data.get("emissions") is not None:
                source.emissions = self.emissions(data["emissions"], data, "emissions")
            if data.get("measures") is not None:
                source.measures = self.measures(data["measures"], data, "measures")
            result.append(source)
        return result


def build(doc: Any, path: str,
          alias_lines: dict[int, list[int]] | None = None) -> tuple[EnterpriseList | None, list[Finding]]:
    """Build the model from a parsed document; returns ``(list or None, findings)``."""
    builder = Builder(path, alias_lines)
    result = builder.document(doc)
    return result, builder.findings


def _ldict(mapping: Mapping, line: int | None) -> LDict:
    data = LDict(mapping)
    data.line = line or 0
    return data


def _at(line: int) -> LDict:
    data = LDict()
    data.line = line
    return data


def _locate(where: Any, key: Any) -> tuple[int | None, str | None]:
    if isinstance(where, LDict):
        if key is not None:
            return (where.line_of(key) or None), where.column_of(key)
        return (where.line or None), None
    return None, None


_kind = kind_of  # the name this module's many findings use


#: Numbers typed as text: plain decimals (``12.5``, ``1e3``), or thousands grouped by commas in
#: threes (``1,200``, ``12,345.6``) as Excel writes them in a Chinese or English locale.
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_GROUPED_NUMBER = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")


def _numeric_text(value: Any) -> float | None:
    """A number typed as text, only when it can mean one thing (issue 17.9).

    ``"12.5"`` and ``"1,200"`` are read; ``"12,5"`` (a decimal comma: 12.5 or
    125?), ``"1.234,5"``, ``"1_000"`` and ``"1 000"`` are not, so the caller
    reports them at their line instead of silently taking 125, 1.2345 or 1000.
    """
    if not isinstance(value, str):
        return None

    text = unicodedata.normalize("NFKC", value).strip()
    if _PLAIN_NUMBER.fullmatch(text):
        return float(text)
    if _GROUPED_NUMBER.fullmatch(text):
        return float(text.replace(",", ""))
    if text.lower().lstrip("+-") in ("nan", "inf", "infinity"):
        return float(text)  # a number, but not finite: the caller says so (E106)
    return None


def _number_hint(value: Any) -> str:
    """Why a text that looks like a number was not read as one: said beside the finding."""
    if not isinstance(value, str) or not any(ch.isdigit() for ch in value):
        return ""
    return _(" (write it as a plain number with a point for decimals, e.g. 12.5 or 1234.5; a decimal comma, "
             "'_' or a space inside the number is ambiguous)")


def _percent_hint(raw: Any, value: float) -> str:
    """A clerk who types 30 (or '20') under 限产比例 means a percentage: say how to write it."""
    if not (1.0 < value <= 100.0) or (isinstance(raw, str) and "%" in raw):
        return ""
    shown = f"{value:g}"
    # the % is filled in, not written in the message: "…% or" reads as a %-format to gettext's tools
    return _(": write {percent} or {fraction:g} for {shown} per cent").format(
        percent=f"{shown}%", shown=shown, fraction=value / 100)


def _norm_text(text: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFKC", text).strip().lower()


def _closest(key: str, allowed: set[str]) -> str | None:
    import difflib

    matches = difflib.get_close_matches(key, sorted(allowed), n=1, cutoff=0.75)
    return matches[0] if matches else None


def _warning(f: Finding) -> Finding:
    from dataclasses import replace

    return replace(f, severity="warning")
