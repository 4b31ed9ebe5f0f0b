"""Held-out county lists (SPEC §13): any counties, any level, the city check is its parts and their sums.

hypothesis draws two to four county lists, each synthesized (``haze.synth``) with its own seed,
size, region, authority, doc_prefix, policy (shanxi-2024 or national-2019), baseline (none, every
pollutant's, or some pollutants' only) and file form (YAML, or the CSV/XLSX of ``export --as-list``).
Through the CLI, the city's ``check LEVEL --json`` must hold, for each list, exactly that list's own
``check --json``, and a total whose baseline and reduction are the sums (1e-9), whose requirement is
the strictest, whose basis is ``mixed`` exactly when the parts' differ, and which is met only when
every list and the total are. Then the same counties with one enterprise copied into another file
(a CSV row or a YAML entry) are refused naming both places.
"""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from haze.synth import write_list

LEVELS = ("yellow", "orange", "red")
POLICIES = ("shanxi-2024", "national-2019")
BASELINES = {  # t/a, as a list gives them; the partial ones leave the other pollutants on listed emissions
    "none": None,
    "full": "{so2: 900, nox: 2400, pm: 1500, vocs: 1100}",
    "so2": "{so2: 700}",
    "nox-vocs": "{nox: 3000, vocs: 800}",
}

county_st = st.fixed_dictionaries({
    "seed": st.integers(0, 10_000),
    "size": st.integers(4, 30),
    "policy": st.sampled_from(POLICIES),
    "baseline": st.sampled_from(sorted(BASELINES)),
    "form": st.sampled_from(["yaml", "yaml", "csv", "xlsx"]),
})


def make_county(run, directory: Path, n: int, spec: dict) -> Path:
    """County ``n``: its own code (no id shared with another county), region, authority, prefix and policy."""
    path = write_list(spec["size"], directory / f"county{n}.yaml", seed=spec["seed"], region=f"留出{n}县",
                      authority=f"留出{n}县生态环境局", county=f"1498{n:02d}")
    text = path.read_text(encoding="utf-8")
    text = text.replace("  policy: shanxi-2024\n", f"  policy: {spec['policy']}\n")
    facts = f"  doc_prefix: 留{n}环应急\n"
    if BASELINES[spec["baseline"]]:
        facts += f"  baseline: {BASELINES[spec['baseline']]}\n"
    text = text.replace("  doc_prefix: 示环应急\n", facts)
    assert f"留{n}环应急" in text and spec["policy"] in text
    path.write_text(text, encoding="utf-8")
    if spec["form"] == "yaml":
        return path
    sheet = path.with_suffix("." + spec["form"])
    result = run("export", "--as-list", "--list", path, "-o", sheet)
    assert result.exit_code == 0, result.stderr
    path.unlink()
    return sheet


def check_json(run, level: str, *paths: Path) -> tuple[int, dict]:
    result = run("check", level, "--json", *[a for p in paths for a in ("--list", str(p))])
    assert result.exit_code in (0, 1), result.stderr
    return result.exit_code, json.loads(result.stdout)


def combined(bases: list[str]) -> str:
    return bases[0] if len(set(bases)) == 1 else "mixed"


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(county_st, min_size=2, max_size=4), st.sampled_from(LEVELS))
def test_held_out_counties_are_their_own_checks_and_the_total_their_sums(run, isolated, specs, level):
    with tempfile.TemporaryDirectory(dir=isolated) as tmp:
        paths = [make_county(run, Path(tmp), n, spec) for n, spec in enumerate(specs, 1)]
        code, city = check_json(run, level, *paths)
        assert list(city) == ["level", "lists", "total", "ok"] and city["level"] == level
        assert list(city["total"]) == ["basis", "pollutants", "ok"]
        singles = [check_json(run, level, p) for p in paths]
        assert len(city["lists"]) == len(paths)
        for part, (_, single), spec, n in zip(city["lists"], singles, specs, range(1, 9)):
            assert part == single  # §7.1, every key and enterprise, as the county's own check
            assert single["list"]["region"] == f"留出{n}县" and single["policy"] == spec["policy"]
        for key, total in city["total"]["pollutants"].items():
            parts = [s["pollutants"][key] for _, s in singles]
            assert set(total) == set(parts[0])
            assert abs(total["baseline"] - sum(p["baseline"] for p in parts)) <= 1e-9
            assert abs(total["reduction"] - sum(p["reduction"] for p in parts)) <= 1e-9
            assert total["required"] == max(p["required"] for p in parts)
            if total["baseline"] > 0:
                assert abs(total["ratio"] - total["reduction"] / total["baseline"]) <= 1e-9
                assert total["ok"] is (total["ratio"] >= total["required"] - 1e-9)
            assert abs(total["shortfall"] - max(0.0, total["required"] * total["baseline"] - total["reduction"])) \
                <= 1e-9
            assert total["basis"] == combined([p["basis"] for p in parts])
        mixed = any(t["basis"] == "mixed" for t in city["total"]["pollutants"].values())
        expected = "mixed" if mixed else combined([s["basis"] for _, s in singles])
        assert city["total"]["basis"] == expected
        assert city["total"]["ok"] is all(t["ok"] for t in city["total"]["pollutants"].values())
        met = city["total"]["ok"] and all(s["ok"] for _, s in singles)
        assert city["ok"] is met and code == (0 if met else 1)
        assert all(c == (0 if s["ok"] else 1) for c, s in singles)


def _first_id(path: Path) -> str:
    return re.findall(r'id: "(\w+)"', path.read_text(encoding="utf-8"))[0]


@pytest.mark.parametrize("form", ["yaml", "csv"])
def test_an_id_copied_into_another_county_is_refused_naming_both_places(run, isolated, form):
    spec = {"seed": 7, "size": 6, "policy": "shanxi-2024", "baseline": "none", "form": "yaml"}
    a = make_county(run, isolated, 1, spec)
    b = make_county(run, isolated, 2, dict(spec, seed=8, form=form))
    c = make_county(run, isolated, 3, dict(spec, seed=9))
    ident = _first_id(a)
    line_a = next(n for n, text in enumerate(a.read_text(encoding="utf-8").splitlines(), 1) if ident in text)
    lines = b.read_text(encoding="utf-8-sig" if form == "csv" else "utf-8").splitlines()
    # the last enterprise of b takes a's first id: its row (CSV) or its id line (YAML)
    line_b = max(n for n, text in enumerate(lines, 1) if re.search(r"911498\w{12}", text))
    lines[line_b - 1] = re.sub(r"911498\w{12}", ident, lines[line_b - 1])
    b.write_text("\n".join(lines) + "\n", encoding="utf-8")
    c.write_text(c.read_text(encoding="utf-8").replace(_first_id(c), ident), encoding="utf-8")
    for args in (["check", "orange"], ["export", "orange", "-o", isolated / "city.xlsx"], ["plan", "red"],
                 ["activate", "orange", "--authority", "留出市生态环境局", "--journal", isolated / "j.db"]):
        result = run(*args, "--list", a, "--list", b, "--list", c)
        assert result.exit_code == 2, (args, result.stdout, result.stderr)
        assert f"{b.name}:{line_b}: error E108 enterprise id {ident} is also in {a}:{line_a}" in result.stderr
        assert re.search(rf"{c.name}:\d+: error E108 enterprise id {ident} is also in {re.escape(str(a))}:{line_a}",
                         result.stderr)
        assert "1 enterprise id(s) appear in more than one list" in result.stderr and "Traceback" not in result.stderr
    assert not (isolated / "city.xlsx").exists() and not (isolated / "j.db").exists()


@pytest.mark.parametrize("ui", ["en", "zh"])
def test_city_tables_fit_80_terminal_columns_in_both_languages(run, isolated, ui):
    """Display width, not characters: a CJK character takes two columns of the clerk's terminal."""
    specs = [{"seed": s, "size": 12, "policy": p, "baseline": b, "form": "yaml"}
             for s, p, b in ((1, "shanxi-2024", "none"), (2, "national-2019", "full"), (3, "shanxi-2024", "so2"))]
    paths = [make_county(run, isolated, n, spec) for n, spec in enumerate(specs, 1)]
    lists = [a for p in paths for a in ("--list", p.name)]  # as a clerk types them, in the city's directory
    # (activate prints these same tables, then lines of paths and numbers that are never broken: say())
    for args in (["check", "orange"], ["validate"], ["plan", "red"]):
        result = run("--ui", ui, *args, *lists, env={"COLUMNS": "80"})
        assert result.exit_code in (0, 1), result.stderr
        # a finding stays one line (one problem, one line, for grep); the terminal wraps it, not haze
        widths = [cell_len(line) for line in result.stdout.splitlines() if not re.search(r"\b[WE]\d{3}\b", line)]
        assert widths and max(widths) <= 80, (args, result.stdout)
    check = run("--ui", ui, "check", "orange", *lists, env={"COLUMNS": "80"}).stdout
    assert ("全市合计" if ui == "zh" else "City total") in check
    assert ("基准：混合" if ui == "zh" else "basis: mixed") in check
