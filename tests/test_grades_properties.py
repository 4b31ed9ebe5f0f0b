"""``check`` and ``plan`` against an independent computation of SPEC §19 (with §4 and §11).

Hypothesis writes lists haze has never seen — YAML text made here, grades and
categories spelled the ways clerks type them (B（含B-）, b 级, 保障类…), B-
enterprises, categories with exemption ceilings and load limits, ``max_load``
where the category takes none (E113: ignored), key zones, noncompliant and idle
plants — and a bureau policy with those categories, an industry table and
``unrated_as`` on or off. The reference below is written from the SPEC's words
and this file's own tables, never from haze's code: it must agree with
``haze check --json`` (run through the CLI) and with ``haze plan``'s tiers and
ratios to 1e-6.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from haze.commands.inputs import load_inputs
from haze.commands.plan import make_plan
from haze.core.creditcode import check_character
from haze.core.model import Level

Y, O, R = "yellow", "orange", "red"
LEVELS = [Y, O, R]
POLLUTANTS = ["so2", "nox", "pm", "vocs"]
ACTIONS = "actions"  # a measure with only actions: it sets no cut, the chain goes on

# -- the bureau policy, as plain data (what the reference reads) -----------------------------------

#: grade -> rank, self-managed, measures (a cut, "stop", ACTIONS or absent)
GRADES = {
    "A": (1, True, {Y: 0.0, O: 0.0, R: 0.0}),
    "leading": (1, True, {Y: 0.0, O: 0.0, R: 0.0}),
    "B": (2, False, {Y: 0.1, O: 0.2, R: 0.3}),
    "B-": (3, False, {Y: ACTIONS, O: 0.25, R: 0.45}),
    "C": (4, False, {Y: 0.3, O: 0.5, R: "stop"}),
    "unrated": (5, False, {Y: 0.2, O: 0.3, R: 0.5}),
    "nonleading": (5, False, {Y: 0.2, O: 0.35}),  # red left out: cut 0 unless something else sets one
    "D": (6, False, {Y: "stop", O: "stop", R: "stop"}),
}
#: industry -> grade -> measures
INDUSTRIES = {
    "cement": {"B": {Y: ACTIONS, O: 0.2, R: "stop"}, "B-": {Y: 0.05, O: 0.3, R: "stop"},
               "C": {Y: 0.5, O: "stop", R: "stop"}, "D": {Y: "stop", O: "stop", R: "stop"}},
    "coking": {"C": {Y: 0.4, O: 0.6, R: "stop"}, "B": {Y: 0.1, O: 0.2, R: 0.4}},
}
#: category -> exempt_up_to, max_load, measures
CATEGORIES = {
    "guarantee": (None, True, {Y: 0.0, O: 0.0, R: 0.0}),
    "strategic": (R, False, {}),
    "green": (O, False, {Y: ACTIONS}),
    "heat": (O, True, {}),
    "partial": (None, False, {R: 0.1, O: ACTIONS}),
}
#: how lists spell each (the key itself among them); the reference knows the key by construction
GRADE_FORMS = {
    "A": ["A", "A级", "ａ"], "leading": ["leading", "引领性"], "B": ["B", "B级", "b 级", "Ｂ", "B类"],
    "B-": ["B-", "B－", "B（含B-）", "b-", "B-级", "B级（含B-）"], "C": ["C", "C级", "c"],
    "unrated": ["unrated", "未评级", None], "nonleading": ["nonleading", "非引领性"], "D": ["D", "D级"],
}
CATEGORY_FORMS = {
    "normal": [None, "normal", "一般"], "guarantee": ["guarantee", "保障类", "民生保障类"],
    "strategic": ["strategic", "战略性新兴"], "green": ["green", "绿色环保引领"], "heat": ["heat", "以热定产企业"],
    "partial": ["partial", "部分管控"],
}
CATEGORY_NAMES = {"strategic": ("战略性新兴产业", ["战略性新兴"]), "green": ("绿色环保引领", []),
                  "heat": ("以热定产类", ["以热定产企业"]), "partial": ("部分管控类", ["部分管控"])}
REQUIRED = {Y: 0.15, O: 0.25, R: 0.35}


def _measure_yaml(value: object) -> object:
    if value == "stop":
        return {"stop": True, "actions": ["停产"]}
    if value == ACTIONS:
        return {"actions": ["停止运输"]}
    return {"cut": value}


def policy_yaml(unrated_lowest: bool) -> str:
    grades = {}
    for key, (rank, self_managed, measures) in GRADES.items():
        entry = {"rank": rank, "measures": {lv: _measure_yaml(v) for lv, v in measures.items()}}
        if key == "B-":
            entry |= {"zh": "B-级", "aliases": ["B－", "含B-", "B（含B-）", "B级（含B-）"]}
        if self_managed and key not in ("A", "leading"):
            entry["self_managed"] = True
        grades[key] = entry
    categories = {}
    for key, (ceiling, max_load, measures) in CATEGORIES.items():
        entry = {"exempt_up_to": ceiling, "max_load": max_load,
                 "measures": {lv: _measure_yaml(v) for lv, v in measures.items()}}
        if key in CATEGORY_NAMES:
            entry |= {"zh": CATEGORY_NAMES[key][0], "aliases": CATEGORY_NAMES[key][1]}
        categories[key] = entry
    doc = {
        "name": "示例市-性质检验", "requirements": REQUIRED, "zone_escalation": 1, "grades": grades,
        "industries": {i: {g: {lv: _measure_yaml(v) for lv, v in t.items()} for g, t in table.items()}
                       for i, table in INDUSTRIES.items()},
        "categories": categories,
        "names": {"industries": {"cement": "水泥", "coking": "焦化", "casting": "铸造"}},
    }
    if unrated_lowest:
        doc["unrated_as"] = "lowest"
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)


# -- the reference (SPEC §4.1 with §19, §4.2, §4.3) --------------------------------------------------

def _cut_of(value: object) -> float | None:
    """The cut a measure sets, or None when it sets none (absent, or actions only)."""
    if value is None or value == ACTIONS:
        return None
    return 1.0 if value == "stop" else float(value)


def _raised(level: str, key_zone: bool) -> str:
    return LEVELS[min(2, LEVELS.index(level) + (1 if key_zone else 0))]


def _category_cut(e: dict, level: str) -> tuple[bool, float | None]:
    """(takes part in the chain, cut) for the enterprise's category at effective ``level``."""
    if e["category"] == "normal":
        return False, None
    ceiling, takes_load, measures = CATEGORIES[e["category"]]
    if ceiling is not None:
        if LEVELS.index(level) > LEVELS.index(ceiling):
            return False, None  # above the ceiling the chain skips the category
        cut = _cut_of(measures.get(level))
        cut = 0.0 if cut is None else cut  # below it the category exempts
    else:
        if level not in measures:
            return False, None
        cut = _cut_of(measures[level])
    if takes_load and e["max_load"] is not None:
        cut = 1.0 - e["max_load"]
    return True, cut


def _measure_grade(e: dict, lowest: bool) -> str:
    if e["grade"] == "unrated" and lowest and e["industry"] in INDUSTRIES:
        table = INDUSTRIES[e["industry"]]
        worst = max(GRADES[g][0] for g in table)
        return next(g for g in table if GRADES[g][0] == worst)
    return e["grade"]


def reference_cuts(e: dict, level: str, lowest: bool) -> list[tuple[float, str | None]]:
    if e["idle"]:
        return [(0.0, "idle")] * len(e["lines"])
    if not e["compliant"]:
        return [(1.0, "noncompliant")] * len(e["lines"])
    effective = _raised(level, e["key_zone"])
    grade = _measure_grade(e, lowest)
    result = []
    for line in e["lines"]:
        chain = [("line", _cut_of(line["measures"].get(effective))),
                 ("enterprise", _cut_of(e["measures"].get(effective)))]
        takes_part, cut = _category_cut(e, effective)
        if takes_part:
            chain.append(("category", cut))
        chain.append(("industry", _cut_of(INDUSTRIES.get(e["industry"], {}).get(grade, {}).get(effective))))
        chain.append(("grade", _cut_of(GRADES[grade][2].get(effective))))
        result.append(next(((c, s) for s, c in chain if c is not None), (0.0, None)))
    return result


def reference_level(lst: dict, level: str, lowest: bool) -> dict:
    cuts = {e["id"]: reference_cuts(e, level, lowest) for e in lst["enterprises"]}
    reduction = {p: 0.0 for p in POLLUTANTS}
    listed = {p: 0.0 for p in POLLUTANTS}
    for e in lst["enterprises"]:
        if e["idle"]:
            continue
        for line, (cut, _) in zip(e["lines"], cuts[e["id"]]):
            for p in POLLUTANTS:
                daily = line["emissions"].get(p, 0.0) / e["days"]
                listed[p] += daily
                reduction[p] += daily * cut
    return {"cuts": cuts, "reduction": reduction, "baseline": listed}


# -- lists written as a bureau writes them ---------------------------------------------------------

def credit(n: int) -> str:
    first = f"91140525MA0H{n:05d}"
    return first + check_character(first)


amounts = st.one_of(st.sampled_from([0, 1, 100, 365]), st.floats(0.0, 5000.0, allow_nan=False).map(lambda x: round(x, 3)))
loads = st.one_of(st.none(), st.sampled_from([0.0, 0.5, 0.8, 1.0]), st.floats(0.0, 1.0).map(lambda x: round(x, 4)))


@st.composite
def rising(draw: st.DrawFn) -> dict[str, float]:
    """No explicit measure, or cuts that never weaken as the level rises."""
    if draw(st.integers(0, 3)):
        return {}
    values = sorted(draw(st.lists(st.sampled_from([0.0, 0.15, 0.3, 0.6, 1.0]), min_size=3, max_size=3)))
    chosen = draw(st.lists(st.sampled_from(LEVELS), unique=True, min_size=1))
    return {lv: v for lv, v in zip(LEVELS, values) if lv in chosen}


@st.composite
def enterprise(draw: st.DrawFn, n: int, explicit: bool) -> dict:
    grade = draw(st.sampled_from(list(GRADES)))
    category = draw(st.sampled_from(["normal"] * 3 + list(CATEGORIES)))
    lines = [{"name": f"{k + 1}#线", "emissions": {p: draw(amounts) for p in
                                                 draw(st.lists(st.sampled_from(POLLUTANTS), unique=True, min_size=1))},
              "measures": draw(rising()) if explicit else {}}
             for k in range(draw(st.integers(1, 2)))]
    return {
        "id": credit(n), "grade": grade, "grade_text": draw(st.sampled_from(GRADE_FORMS[grade])),
        "category": category, "category_text": draw(st.sampled_from(CATEGORY_FORMS[category])),
        "industry": draw(st.sampled_from(["", "cement", "coking", "casting"])),
        "key_zone": draw(st.booleans()), "compliant": draw(st.sampled_from([True] * 6 + [False])),
        "idle": draw(st.sampled_from([False] * 8 + [True])), "days": draw(st.sampled_from([365, 300])),
        "max_load": draw(loads) if category != "normal" or draw(st.integers(0, 9)) == 0 else None,
        "lines": lines, "measures": draw(rising()) if explicit and draw(st.booleans()) else {},
    }


def lists(explicit: bool = True, size: int = 6) -> st.SearchStrategy[dict]:
    return st.integers(1, size).flatmap(
        lambda count: st.tuples(*[enterprise(n, explicit) for n in range(count)]).map(
            lambda es: {"enterprises": list(es)}))


def list_yaml(lst: dict) -> str:
    enterprises = []
    for e in lst["enterprises"]:
        doc: dict = {"id": e["id"], "name": f"示例县企业{e['id'][-6:]}"}
        if e["grade_text"] is not None:
            doc["grade"] = e["grade_text"]
        if e["industry"]:
            doc["industry"] = e["industry"]
        if e["key_zone"]:
            doc["zone"] = "key"
        if e["category_text"] is not None:
            doc["category"] = e["category_text"]
        if not e["compliant"]:
            doc["compliant"] = False
        if e["idle"]:
            doc["status"] = "idle"
        if e["max_load"] is not None:
            doc["max_load"] = e["max_load"]
        doc["operating_days"] = e["days"]
        doc["contact"] = {"name": "张伟", "phone": "0356-1234567"}
        doc["lines"] = [{"name": ln["name"], "emissions": ln["emissions"],
                         **({"measures": {lv: {"cut": v} for lv, v in ln["measures"].items()}} if ln["measures"] else {})}
                        for ln in e["lines"]]
        if e["measures"]:
            doc["measures"] = {lv: {"cut": v} for lv, v in e["measures"].items()}
        enterprises.append(doc)
    return yaml.safe_dump({"list": {"region": "示例县", "authority": "示例县生态环境局"}, "enterprises": enterprises},
                          allow_unicode=True, sort_keys=False)


def write_inputs(lst: dict, lowest: bool, folder: Path) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    policy = folder / "policy.yaml"
    policy.write_text(policy_yaml(lowest), encoding="utf-8")
    path = folder / "list.yaml"
    path.write_text(list_yaml(lst), encoding="utf-8")
    return path, policy


PROPERTY = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-9)


# -- check ----------------------------------------------------------------------------------------

@PROPERTY
@given(lst=lists(), lowest=st.booleans(), level=st.sampled_from(LEVELS))
def test_check_agrees_with_the_reference(run, tmp_path: Path, lst: dict, lowest: bool, level: str) -> None:
    path, policy = write_inputs(lst, lowest, tmp_path / "check")
    result = run("check", level, "--list", str(path), "--policy", str(policy), "--json", "--no-cache")
    assert result.exit_code in (0, 1), result.stderr
    data = json.loads(result.stdout)
    expected = reference_level(lst, level, lowest)
    for e, got in zip(lst["enterprises"], data["enterprises"]):
        assert got["grade"] == e["grade"]  # the canonical key, however the list spelled it
        cuts = [(ln["cut"], ln["source"]) for ln in got["lines"]]
        want = expected["cuts"][e["id"]]
        assert [s for _, s in cuts] == [s for _, s in want], (e, cuts, want)
        assert all(close(a, b) for (a, _), (b, _) in zip(cuts, want)), (e, cuts, want)
    for p in POLLUTANTS:
        got = data["pollutants"][p]
        assert close(got["reduction"], expected["reduction"][p]) and close(got["baseline"], expected["baseline"][p])
        if expected["baseline"][p] > 0:
            ratio = expected["reduction"][p] / expected["baseline"][p]
            assert close(got["ratio"], ratio)
            assert got["ok"] == (ratio >= REQUIRED[level] - 1e-9) or abs(ratio - REQUIRED[level]) < 1e-6


# -- plan (SPEC §11 with §19's ranks) --------------------------------------------------------------

def reference_tiers() -> list[list[str]]:
    ranks = sorted({rank for rank, self_managed, _ in GRADES.values() if not self_managed}, reverse=True)
    return [[g for g, (rank, sm, _) in GRADES.items() if rank == r and not sm] for r in ranks]


def _raise(cut: float, percent: int) -> float:
    """cut + t × (1 − cut), written to 6 decimals and never below the exact value (docs/plan.md)."""
    exact = cut + percent / 100 * (1.0 - cut)
    return min(1.0, math.ceil((exact - 1e-12) * 1e6) / 1e6)


def reference_plan(lst: dict, level: str, lowest: bool) -> tuple[list[tuple[list[str], int]], dict]:
    base = reference_level(lst, level, lowest)
    cuts = {k: [c for c, _ in v] for k, v in base["cuts"].items()}

    def totals(current: dict) -> dict:
        out = {p: 0.0 for p in POLLUTANTS}
        for e in lst["enterprises"]:
            if not e["idle"]:
                for line, cut in zip(e["lines"], current[e["id"]]):
                    for p in POLLUTANTS:
                        out[p] += line["emissions"].get(p, 0.0) / e["days"] * cut
        return out

    def met(current: dict) -> bool:
        reduced = totals(current)
        return all(reduced[p] / base["baseline"][p] >= REQUIRED[level] - 1e-9
                   for p in POLLUTANTS if base["baseline"][p] > 0)

    steps: list[tuple[list[str], int]] = []
    if met(cuts):
        return steps, totals(cuts)
    for tier in reference_tiers():
        members = [(e["id"], j) for e in lst["enterprises"] if e["grade"] in tier and not e["idle"]
                   and e["compliant"] and e["category"] == "normal"
                   for j, c in enumerate(cuts[e["id"]]) if c < 1.0]
        if not members:
            continue
        for percent in range(1, 101):  # a plain scan: the reference never bisects
            trial = {k: list(v) for k, v in cuts.items()}
            for ident, j in members:
                trial[ident][j] = _raise(cuts[ident][j], percent)
            if met(trial) or percent == 100:
                break
        steps.append((tier, percent))
        cuts = trial
        if met(cuts):
            break
    return steps, totals(cuts)


@PROPERTY
@given(lst=lists(explicit=False, size=8), lowest=st.booleans(), level=st.sampled_from(LEVELS))
def test_plan_agrees_with_the_reference(tmp_path: Path, lst: dict, lowest: bool, level: str) -> None:
    path, policy = write_inputs(lst, lowest, tmp_path / "plan")
    inputs = load_inputs(path, str(policy), cache=False)
    plan = make_plan(inputs.enterprise_list, inputs.policy, Level(level))
    steps, reduced = reference_plan(lst, level, lowest)
    assert [(list(t.grades), t.percent) for t in plan.tiers] == steps
    for p in POLLUTANTS:
        assert close(plan.after.pollutants[p].reduction, reduced[p])


def test_the_reference_tiers_put_b_minus_before_b() -> None:
    """The premise of the plan property: ranks give D, unrated/nonleading, C, B-, B; never A or leading."""
    assert reference_tiers() == [["D"], ["unrated", "nonleading"], ["C"], ["B-"], ["B"]]
