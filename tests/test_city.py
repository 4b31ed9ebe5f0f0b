"""Several lists: a city and its counties (SPEC §13).

County lists are synthesized (``haze.synth``) with their own seeds, regions and authorities;
each county's part of a city check must equal that county's own ``check``, and the total
the sums of the parts (hypothesis for the sum/strictest/ok invariants).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from haze.synth import write_list
from conftest import EXAMPLES, write

LEVELS = ("yellow", "orange", "red")
KEYS = ("baseline", "reduction", "ratio", "required", "ok", "shortfall", "basis")


def county(directory: Path, n: int, count: int = 60, baseline: str | None = None) -> Path:
    path = write_list(count, directory / f"county{n}.yaml", seed=100 + n, region=f"示例{n}县",
                      authority=f"示例{n}县生态环境局", county=f"1406{n:02d}")
    if baseline is not None:  # a county that knows its 全社会排放量
        text = path.read_text(encoding="utf-8").replace("  doc_prefix: 示环应急\n",
                                                       f"  doc_prefix: 示{n}环应急\n  baseline: {baseline}\n")
        path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def counties(isolated: Path) -> list[Path]:
    return [county(isolated, 1), county(isolated, 2, baseline="{so2: 30, nox: 90, pm: 50, vocs: 30}"),
            county(isolated, 3, count=40)]


def check_json(run, level: str, *paths: Path) -> tuple[int, dict]:
    args = ["check", level, "--json"]
    for p in paths:
        args += ["--list", str(p)]
    result = run(*args)
    assert result.exit_code in (0, 1), result.stderr
    return result.exit_code, json.loads(result.stdout)


@pytest.mark.parametrize("level", LEVELS)
def test_each_county_equals_its_own_check_and_the_total_its_sums(run, counties, level):
    code, city = check_json(run, level, *counties)
    assert list(city) == ["level", "lists", "total", "ok"]
    assert list(city["total"]) == ["basis", "pollutants", "ok"]
    assert city["level"] == level
    singles = [check_json(run, level, p) for p in counties]
    for part, (single_code, single) in zip(city["lists"], singles):
        assert part == single  # §7.1, exactly as the county's own check
        assert single_code == (0 if single["ok"] else 1)
    for key, total in city["total"]["pollutants"].items():
        parts = [s["pollutants"][key] for _, s in singles]
        assert list(total) == list(KEYS)
        assert total["baseline"] == pytest.approx(sum(p["baseline"] for p in parts), abs=1e-9)
        assert total["reduction"] == pytest.approx(sum(p["reduction"] for p in parts), abs=1e-9)
        assert total["ratio"] == pytest.approx(total["reduction"] / total["baseline"], abs=1e-9)
        assert total["required"] == max(p["required"] for p in parts)
        assert total["shortfall"] == pytest.approx(
            max(0.0, total["required"] * total["baseline"] - total["reduction"]), abs=1e-9)
        assert total["basis"] == "mixed"  # one county gives baselines, two do not
    assert city["total"]["basis"] == "mixed"
    met = city["total"]["ok"] and all(s["ok"] for _, s in singles)
    assert city["ok"] is met and code == (0 if met else 1)


def test_one_list_is_unchanged(run, counties):
    _, alone = check_json(run, "orange", counties[0])
    assert "lists" not in alone and alone["list"]["region"] == "示例1县"


def test_one_list_named_two_ways_is_one_list(run, isolated, counties):
    """``a.yaml`` and ``./sub/../a.yaml`` are the same file: read once, not as two counties whose every
    enterprise is the other's duplicate (E108; QA helper-50)."""
    (isolated / "sub").mkdir()
    detour = f"./sub/../{counties[0].name}"
    once = run("check", "orange", "--list", counties[0], "--json")
    twice = run("check", "orange", "--list", counties[0], "--list", detour, "--json")
    assert twice.exit_code == once.exit_code and "E108" not in twice.stderr
    assert json.loads(twice.stdout) == json.loads(once.stdout)  # the one-list shape, unchanged


def test_hand_worked_total_and_strictest_requirement(run, isolated):
    """Two tiny counties, one under national-2019 (20% at orange), one shanxi-2024 (30%): the total needs 30%."""
    a = write(isolated / "a.yaml", """\
list: {region: 甲县, authority: 甲县生态环境局, policy: national-2019, baseline: {so2: 365}}
enterprises:
  - {id: 91140525MA0K000013, name: 甲县一厂, grade: D, emissions: {so2: 73}, contact: {name: 王, phone: "1"}}
""")
    b = write(isolated / "b.yaml", """\
list: {region: 乙县, authority: 乙县生态环境局, baseline: {so2: 730}}
enterprises:
  - {id: 91140525MA0K000026, name: 乙县一厂, grade: B, emissions: {so2: 730}, contact: {name: 李, phone: "2"}}
""")
    code, city = check_json(run, "orange", a, b)
    so2 = city["total"]["pollutants"]["so2"]
    # 甲: baseline 1 t/d, D stops: 0.2 t/d (20% ≥ 20% met). 乙: baseline 2 t/d, B orange cuts 20%: 0.4 t/d (20% < 30%).
    assert so2["baseline"] == pytest.approx(3.0) and so2["reduction"] == pytest.approx(0.6)
    assert so2["required"] == 0.3 and so2["ratio"] == pytest.approx(0.2)
    assert so2["shortfall"] == pytest.approx(0.3) and so2["ok"] is False and so2["basis"] == "baseline"
    assert [part["ok"] for part in city["lists"]] == [True, False]
    assert city["ok"] is False and code == 1


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 1e4), st.floats(0, 1e4), st.sampled_from([0.1, 0.2, 0.3, 0.4]),
                          st.sampled_from(["baseline", "listed"])), min_size=2, max_size=8))
def test_total_invariants(parts):
    from haze.core.city import city_result
    from haze.core.engine import LevelResult, PollutantResult
    from haze.core.model import POLLUTANTS, Level
    from haze.core.policy import load_policy

    policy = load_policy("shanxi-2024")
    results = [LevelResult(Level.ORANGE, policy, basis,
                           {p: PollutantResult(p, base, min(cut, base), req, basis) for p in POLLUTANTS})
               for base, cut, req, basis in parts]
    city = city_result(results, [])
    for p in POLLUTANTS:
        total = city.total.pollutants[p]
        assert abs(total.baseline - sum(r.pollutants[p].baseline for r in results)) <= 1e-9 * max(1, total.baseline)
        assert abs(total.reduction - sum(r.pollutants[p].reduction for r in results)) <= 1e-9 * max(1, total.baseline)
        assert total.required == max(req for _, _, req, _ in parts)
    bases = {b for *_, b in parts}
    assert city.total.basis == (bases.pop() if len(bases) == 1 else "mixed")
    assert city.ok == (city.total.ok and all(r.ok for r in results))
    if not all(r.ok for r in results):
        assert not city.ok


def test_duplicate_across_lists_is_refused_naming_both_places(run, isolated, counties):
    first = counties[0].read_text(encoding="utf-8")
    start = first.index("  - id: ")
    entry = first[start:first.index("  - id: ", start + 1)]
    ident = entry.split()[2].strip("\"")
    copy = write(isolated / "copy.yaml", f"""\
list: {{region: 丙县, authority: 丙县生态环境局}}
enterprises:
{entry}""")
    first_line = first[:start].count("\n") + 1
    result = run("check", "orange", "--list", counties[0], "--list", copy)
    assert result.exit_code == 2
    assert f"copy.yaml:3: error E108 enterprise id {ident} is also in {counties[0]}:{first_line}" in result.stderr
    assert "Traceback" not in result.stderr
    validated = run("validate", counties[0], copy, "--json")
    assert validated.exit_code == 1
    found = [f for f in json.loads(validated.stdout)["files"][1]["findings"] if f["code"] == "E108"]
    assert found and found[0]["line"] == 3 and f"{counties[0]}:{first_line}" in found[0]["message"]


def test_lists_glob_in_haze_yaml(run, isolated, counties):
    sub = isolated / "sub"
    sub.mkdir()
    write(isolated / "haze.yaml", "lists: [county*.yaml]\n")
    code, city = check_json(run, "orange")
    assert [part["list"]["region"] for part in city["lists"]] == ["示例1县", "示例2县", "示例3县"]
    write(isolated / "haze.yaml", "lists: [nothing*.yaml]\n")
    result = run("check", "orange")
    assert result.exit_code == 2 and "matches no file" in result.stderr


def test_validate_total_by_level(run, counties):
    result = run("validate", *counties, "--json")
    data = json.loads(result.stdout)
    assert set(data["total"]) == set(LEVELS)
    assert data["total"]["red"]["pollutants"]["so2"]["required"] == 0.4
    human = run("validate", *counties)
    assert "city total by level" in human.stdout


def test_export_sheet_per_county_and_total(run, isolated, counties):
    import openpyxl

    result = run("export", "orange", "-l", counties[0], "-l", counties[1], "-o", isolated / "city.xlsx")
    assert result.exit_code == 0, result.stderr
    book = openpyxl.load_workbook(isolated / "city.xlsx")
    assert book.sheetnames == ["示例1县", "示例2县", "全市汇总", "说明"]
    rows = list(book["全市汇总"].iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in rows] == ["示例1县"] * 4 + ["示例2县"] * 4 + ["全市合计"] * 4
    _, city = check_json(run, "orange", counties[0], counties[1])
    assert rows[8][3] == pytest.approx(city["total"]["pollutants"]["so2"]["baseline"], abs=1e-9)
    csv = run("export", "orange", "-l", counties[0], "-l", counties[1], "-o", isolated / "city.csv")
    assert csv.exit_code == 0
    text = (isolated / "city-requirement.csv").read_text(encoding="utf-8-sig")
    assert text.count("全市合计") == 4


def test_plan_each_list(run, counties):
    result = run("plan", "red", "--json", *sum((["-l", str(p)] for p in counties), []))
    data = json.loads(result.stdout)
    assert [p["list"]["region"] for p in data["lists"]] == ["示例1县", "示例2县", "示例3县"]
    assert data["ok"] == all(p["ok"] for p in data["lists"])
    refused = run("plan", "red", "--apply", "-o", "x.yaml", "-l", counties[0], "-l", counties[1])
    assert refused.exit_code == 2


def test_human_tables_fit_80_columns(run, counties):
    result = run("check", "orange", *sum((["-l", str(p)] for p in counties), []))
    from rich.cells import cell_len  # terminal columns: a Chinese character takes two

    lines = result.stdout.splitlines()
    assert max(cell_len(line) for line in lines) <= 80
    assert sum("示例" in line and "county" in line for line in lines) == 3 and "City total" in result.stdout


def test_each_county_heading_is_one_line_at_80_columns(run):
    """As a table title, 示例一县（county-1.yaml）— … 政策 shanxi-2024，吨/日 wrapped to the table's width."""
    lists = [EXAMPLES / "city" / "county-1.yaml", EXAMPLES / "city" / "county-2.yaml"]
    out = run("--ui", "zh", "check", "orange", *sum((["-l", str(p)] for p in lists), []),
              env={"COLUMNS": "80"}).stdout.splitlines()
    for n in ("一", "二"):
        assert f"示例{n}县（county-{'1' if n == '一' else '2'}.yaml）— 橙色预警（orange，Ⅱ级响应），政策 shanxi-2024，吨/日" in out
    # one county's own check names the unit as the city's tables do
    single = run("--ui", "zh", "check", "orange", "-l", str(lists[0]), env={"COLUMNS": "80"}).stdout.splitlines()
    assert "橙色预警（orange，Ⅱ级响应） — 政策 shanxi-2024，吨/日" in single


@pytest.mark.parametrize(("ui", "note"), [
    ("zh", "各清单均未给出标“*”污染物的全社会排放量，其减排比例仅为占清单排放量的比例"),
    ("en", "no list gives a baseline (全社会排放量) for the pollutants marked *: their ratios are shares"),
])
def test_the_listed_basis_note_names_what_the_star_marks(run, ui, note):
    """The * sits after the 基准排放量 of a pollutant row; the note once spoke of starred ratios."""
    lists = [EXAMPLES / "city" / "county-1.yaml", EXAMPLES / "city" / "county-2.yaml"]
    result = run("--ui", ui, "check", "orange", *sum((["-l", str(p)] for p in lists), []))
    assert "".join(note.split()) in "".join(result.stdout.split())
    rows = [line for line in result.stdout.splitlines() if line.startswith(("SO₂", "so2"))]
    assert len(rows) == 3 and all(line.split()[-6].endswith("*") for line in rows), rows


# -- --basis: the upper-level order (SPEC §13) ---------------------------------------------

HOSTILE = "晋市气防办函〔2023〕24号 <b>&{{ 7*7 }}*x*"


@pytest.mark.parametrize("fmt", ["md", "html", "txt", "docx", "pdf"])
def test_basis_in_every_notice_and_the_journal(run, isolated, journal, fmt):
    from conftest import text_of

    lst = county(isolated, 1, count=8)
    result = run("activate", "orange", "--list", lst, "--start", "2026-12-01T20:00", "--format", fmt,
                 "--basis", HOSTILE, "--json")
    assert result.exit_code == 0, result.stderr
    notices = [Path(p) for p in json.loads(result.stdout)["notices"] if Path(p).name[:4].isdigit()]
    assert notices
    for path in notices:
        text = text_of(path)
        if fmt == "html":  # escaped as a name is: the text reads back, the tag is not a tag
            assert "&lt;b&gt;&amp;{{ 7*7 }}" in text and "<b>" not in text
            continue
        flat = text.replace("\\", "").replace("\n", "")
        assert "根据晋市气防办函〔2023〕24号" in flat and "{{ 7*7 }}" in flat and "49" not in flat.split("根据")[1][:40]
    lifted = run("lift", "--at", "2026-12-02T08:00", "--format", fmt, "--basis", "晋市气防办函〔2023〕25号", "--json")
    assert lifted.exit_code == 0, lifted.stderr
    lift_notices = [Path(p) for p in json.loads(lifted.stdout)["notices"] if Path(p).name[:4].isdigit()]
    assert all("根据晋市气防办函〔2023〕25号要求" in text_of(p).replace("\n", "") for p in lift_notices)
    events = json.loads(run("history", "--json").stdout)["events"]
    assert [e["basis"] for e in events] == [HOSTILE, "晋市气防办函〔2023〕25号"]


def test_basis_english_and_recorded_on_status(run, isolated, journal):
    lst = county(isolated, 2, count=5)
    result = run("activate", "yellow", "--list", lst, "--start", "2026-12-01T20:00", "--lang", "en",
                 "--basis", "Order 24", "--json")
    assert result.exit_code == 0, result.stderr
    first = next(Path(p) for p in json.loads(result.stdout)["notices"] if Path(p).name[:4].isdigit())
    assert "As required by the higher-level order Order 24" in first.read_text(encoding="utf-8")
    status = json.loads(run("status", "--json").stdout)
    assert "Order 24" in json.dumps(status, ensure_ascii=False)


def test_no_basis_no_sentence(run, isolated, journal):
    lst = county(isolated, 3, count=5)
    result = run("activate", "yellow", "--list", lst, "--start", "2026-12-01T20:00", "--json")
    first = next(Path(p) for p in json.loads(result.stdout)["notices"] if Path(p).name[:4].isdigit())
    assert "要求，经会商研判" not in first.read_text(encoding="utf-8")
    assert json.loads(run("history", "--json").stdout)["events"][0]["basis"] is None


def test_basis_shown_by_status_and_history_for_a_clerk(run, isolated, journal):
    """Not only in --json: the human status has an 'ordered by' (依据) line, history one line per event."""
    lst = county(isolated, 4, count=5)
    assert run("activate", "yellow", "--list", lst, "--start", "2026-12-01T20:00",
               "--basis", "晋市气防办函〔2023〕24号").exit_code == 0
    assert "ordered by  晋市气防办函〔2023〕24号" in run("--ui", "en", "status").stdout
    assert "依据        晋市气防办函〔2023〕24号" in run("--ui", "zh", "status").stdout
    assert run("lift", "--at", "2026-12-02T08:00").exit_code == 0
    history = run("--ui", "en", "history").stdout
    assert "晋市气防办函〔2023〕24号" in history and history.count("ordered by") == 1  # the lift gave none
    assert "依据" not in run("--ui", "zh", "status").stdout  # nothing active: no basis line
