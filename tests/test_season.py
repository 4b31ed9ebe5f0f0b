"""Season controls (SPEC §14 ozone 错时生产, §15 错峰生产): numbers against hand-worked examples and
independent computations, the documents read back, the journal records."""

from __future__ import annotations

import csv
import io
import json
import math
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from haze.core.creditcode import check_character
from haze.core.model import Enterprise, EnterpriseList, Line, ListInfo, OtherSource, Pollutant, Status
from haze.core.policy import load_policy
from haze.core.season import build_schedule, compute_ozone, lower_bound, parse_season

from conftest import write

JOURNAL = ".haze/journal.db"
#: the day the tests issue on: before the examples' ozone days (2025-07-15…) and 错峰 season (2025-2026),
#: which haze refuses once they are past (SPEC §14, §15)
ISSUED_ON = "2025-07-10T09:00"


@pytest.fixture(autouse=True)
def _issued_before_the_examples(clock_at) -> None:
    clock_at(ISSUED_ON)


def code(n: int) -> str:
    base = f"91140525MA0K{n:05d}"
    return base + check_character(base)


HEAD = "list:\n  region: 示例县\n  authority: 示例县生态环境局\n  doc_prefix: 示环应急\n"

# The worked example of docs/season.md (§14): numbers below are worked by hand there.
OZONE_LIST = HEAD + f"""enterprises:
  - id: {code(1)}
    name: 示例县化工有限公司
    industry: chemical
    grade: B
    contact: {{name: 张三, phone: "0356-1"}}
    lines:
      - name: 1#反应釜
        emissions: {{vocs: 36.5, nox: 7.3}}
      - name: 锅炉
        emissions: {{nox: 73}}
  - id: {code(2)}
    name: 示例县印刷厂
    industry: 包装印刷
    grade: C
    ozone_exempt: 低VOCs含量原辅材料替代
    contact: {{name: 李四, phone: "0356-2"}}
    emissions: {{vocs: 10}}
  - id: {code(3)}
    name: 示例县铸造厂
    industry: casting
    grade: C
    vocs_process: true
    operating_days: 300
    contact: {{name: 王五, phone: "0356-3"}}
    emissions: {{vocs: 30, nox: 60}}
  - id: {code(4)}
    name: 示例县涂装厂
    industry: coating
    grade: C
    status: idle
    contact: {{name: 赵六, phone: "0356-4"}}
    emissions: {{vocs: 0}}
  - id: {code(5)}
    name: 示例县家具厂
    industry: coating
    grade: B
    contact: {{name: 钱七, phone: "0356-5"}}
    lines:
      - name: 喷涂线
        vocs_process: false
        emissions: {{vocs: 73}}
other_sources:
  - name: 机动车
    emissions: {{vocs: 365}}
"""


def ozone(run, *args: str):
    return run("ozone", *args, "--list", "county.yaml", "--journal", JOURNAL)


def test_ozone_worked_example(run) -> None:
    write(Path("county.yaml"), OZONE_LIST)
    result = ozone(run, "2025-07-15", "--days", "2", "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["kind"] == "ozone" and data["dates"] == ["2025-07-15", "2025-07-16"]
    assert data["window"] == ["10:00", "16:00"] and data["policy"] == "shanxi-2024"
    # 化工 1#反应釜 36.5/365 = 0.1 VOCs, 7.3/365 = 0.02 NOx; the boiler has no VOCs: not a VOCs process.
    # 铸造 vocs_process: true: 30/300 = 0.1 VOCs, 60/300 = 0.2 NOx.
    assert [(e["id"], [ln["name"] for ln in e["lines"]]) for e in data["enterprises"]] == [
        (code(1), ["1#反应釜"]), (code(3), ["示例县铸造厂"])]
    assert data["vocs_shifted"] == pytest.approx(0.2, abs=1e-12)
    assert data["nox_shifted"] == pytest.approx(0.22, abs=1e-12)
    # all daily VOCs: 0.1 + 10/365 + 0.1 + 73/365 + 365/365 (the idle plant emits nothing)
    assert data["vocs_share"] == pytest.approx(0.2 / (1.2 + 83 / 365), abs=1e-12)
    assert data["excluded"] == [
        {"id": code(2), "name": "示例县印刷厂", "reason": "exempt"},
        {"id": code(4), "name": "示例县涂装厂", "reason": "idle"},
        {"id": code(5), "name": "示例县家具厂", "reason": "no_vocs_process"}]
    folder = Path("notices") / data["episode"]
    assert sorted(p.name for p in folder.iterdir()) == [
        f"0001-{code(1)}.md", f"0002-{code(3)}.md", "index.md", "manifest.json", "sms.csv"]
    # SPEC §16: one SMS per notified enterprise with a phone, ≤ 70 characters, 【authority】 and the number
    with open(folder / "sms.csv", encoding="utf-8-sig", newline="") as handle:
        sms = list(csv.DictReader(handle))
    assert [(r["phone"], r["id"]) for r in sms] == [("0356-1", code(1)), ("0356-3", code(3))]
    assert sms[0]["text"] == "【示例县生态环境局】7月15日至7月16日臭氧污染防控错时生产，请按示环应急〔%d〕1号告知书执行。" % (
        manifest_year(json.loads((folder / "manifest.json").read_text("utf-8"))))
    assert all(len(r["text"]) <= 70 for r in sms)
    text = (folder / f"0001-{code(1)}.md").read_text("utf-8")
    assert "错时生产告知书" in text and "2025年7月15日、2025年7月16日" in text and "10:00至16:00" in text
    assert "1#反应釜" in text and "锅炉" not in text and "禁止户外涂装作业" in text
    assert "1小时内" in text and "24小时内" in text
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    assert [n["number"] for n in manifest["notices"]] == ["示环应急〔%d〕1号" % manifest_year(manifest),
                                                        "示环应急〔%d〕2号" % manifest_year(manifest)]
    index = (folder / "index.md").read_text("utf-8")
    assert "低VOCs含量原辅材料替代" in index and "0.2000" in index


def manifest_year(manifest: dict) -> int:
    return int(manifest["issued"][:4])


def test_ozone_never_blocks_a_warning_and_shares_the_counter(run) -> None:
    write(Path("county.yaml"), OZONE_LIST)
    assert run("activate", "orange", "--list", "county.yaml", "--journal", JOURNAL, "--json").exit_code == 0
    result = ozone(run, "2025-07-15", "--json")
    assert result.exit_code == 0, result.stderr
    status = json.loads(run("status", "--journal", JOURNAL, "--json").stdout)
    assert status["active"]["level"] == "orange"  # still the active warning
    history = json.loads(run("history", "--journal", JOURNAL, "--json").stdout)
    assert [e["event"] for e in history["events"]] == ["activation", "ozone"]
    numbers = []
    for folder in sorted(Path("notices").iterdir()):
        numbers += [n["number"] for n in json.loads((folder / "manifest.json").read_text("utf-8"))["notices"]]
    seqs = sorted(int(n.split("〕")[1][:-1]) for n in numbers)
    assert seqs == list(range(1, len(numbers) + 1))  # one counter, no number twice


def test_season_controls_recorded_in_advance_never_block_a_warning(run, clock_at) -> None:
    """SPEC §14/§15: an ozone episode or a 错峰 plan recorded for days ahead must not refuse tonight's
    activation as 'before an event the journal records' (found by helper-53: one for July did)."""
    write(Path("county.yaml"), OZONE_LIST)
    clock_at("2025-06-20T09:00")
    assert ozone(run, "2025-07-15", "--json").exit_code == 0  # recorded in June for July
    write(Path("stagger.yaml"), stagger_list())
    plan = run("stagger", "2025-2026", "--list", "stagger.yaml", "--journal", JOURNAL, "--json")
    assert plan.exit_code == 0, plan.stderr  # the next autumn's plan, recorded in June too
    activated = run("activate", "orange", "--list", "county.yaml", "--journal", JOURNAL, "--json")
    assert activated.exit_code == 0, activated.stderr
    assert json.loads(run("status", "--journal", JOURNAL, "--json").stdout)["active"]["level"] == "orange"
    # the warning's own events still bind: nothing starts before the activation just recorded
    earlier = run("activate", "red", "--list", "county.yaml", "--journal", JOURNAL, "--start", "2025-06-20T08:00")
    assert earlier.exit_code == 2 and "no earlier than" in earlier.stderr


def test_ozone_outside_the_months_is_refused_unless_forced(run) -> None:
    write(Path("county.yaml"), OZONE_LIST)
    result = ozone(run, "2025-11-15")
    assert result.exit_code == 2 and "outside the ozone months" in result.stderr
    assert not Path("notices").exists() and not Path(JOURNAL).exists()
    forced = ozone(run, "2025-11-15", "--force", "--json")
    assert forced.exit_code == 0 and "--force" in forced.stderr


def test_ozone_dry_run_writes_nothing(run) -> None:
    write(Path("county.yaml"), OZONE_LIST)
    result = ozone(run, "2025-07-15", "--dry-run", "--json", "--format", "html", "--lang", "en")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["notices"] == []
    assert not Path("notices").exists() and not Path(JOURNAL).exists()


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("fmt", ["md", "html", "txt"])
def test_ozone_renders_every_shipped_template(run, lang: str, fmt: str) -> None:
    write(Path("county.yaml"), OZONE_LIST.replace("示例县化工有限公司", "示例县<化工>&{{x}}有限公司"))
    result = ozone(run, "2025-07-15", "--json", "--format", fmt, "--lang", lang)
    assert result.exit_code == 0, result.stderr
    folder = Path("notices") / json.loads(result.stdout)["episode"]
    text = (folder / f"0001-{code(1)}.{fmt}").read_text("utf-8")
    assert "{{x}}" in text.replace("\\", "")
    if fmt == "html":
        assert "&lt;化工&gt;&amp;" in text


def test_ozone_keys_in_csv_with_located_findings(run) -> None:
    header = "统一社会信用代码,企业名称,行业,绩效等级,生产线,涉VOCs工序,臭氧豁免,VOCs,联系人,联系电话\n"
    rows = (f"{code(1)},示例县化工有限公司,化工,B,1#反应釜,是,,36.5,张三,1\n"
            f"{code(1)},示例县化工有限公司,化工,B,2#反应釜,否,,73,张三,1\n"
            f"{code(2)},示例县印刷厂,包装印刷,C,,,原料替代,10,李四,2\n")
    write(Path("county.csv"), header + rows)
    result = run("ozone", "2025-07-15", "--list", "county.csv", "--journal", JOURNAL, "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert [ln["name"] for e in data["enterprises"] for ln in e["lines"]] == ["1#反应釜"]
    assert data["excluded"] == [{"id": code(2), "name": "示例县印刷厂", "reason": "exempt"}]
    write(Path("bad.csv"), header + rows.replace(",是,", ",也许,"))
    bad = run("validate", "bad.csv")
    assert bad.exit_code == 1 and "bad.csv:2:" in bad.stdout + bad.stderr and "vocs_process" in bad.stdout + bad.stderr


def test_ozone_keys_in_yaml_located(run) -> None:
    write(Path("bad.yaml"), OZONE_LIST.replace("ozone_exempt: 低VOCs含量原辅材料替代", "ozone_exempt: [1]")
          .replace("vocs_process: false", "vocs_process: maybe"))
    out = run("validate", "bad.yaml")
    text = out.stdout + out.stderr
    lines = OZONE_LIST.splitlines()
    exempt_line = next(i for i, ln in enumerate(lines, 1) if "ozone_exempt" in ln)
    vocs_line = next(i for i, ln in enumerate(lines, 1) if "vocs_process: false" in ln)
    assert f"bad.yaml:{exempt_line}:" in text and f"bad.yaml:{vocs_line}:" in text


# -- ozone sums against an independent computation (SPEC §14) ------------------------------

OZONE_INDUSTRIES = ["chemical", "化工", "coating", "包装印刷", "casting", "cement", ""]


@st.composite
def ozone_lists(draw: st.DrawFn) -> EnterpriseList:
    enterprises = []
    for i in range(draw(st.integers(0, 12))):
        lines = [Line(name=f"线{j}", emissions={Pollutant.VOCS: draw(st.floats(0, 500)),
                                                  Pollutant.NOX: draw(st.floats(0, 500))},
                      vocs_process=draw(st.sampled_from([None, None, True, False])))
                 for j in range(draw(st.integers(1, 3)))]
        enterprises.append(Enterprise(id=code(i), name=f"企业{i}", industry=draw(st.sampled_from(OZONE_INDUSTRIES)),
                                      status=draw(st.sampled_from([Status.OPERATING] * 4 + [Status.IDLE])),
                                      operating_days=draw(st.integers(1, 366)), lines=lines, has_lines=True,
                                      ozone_exempt=draw(st.sampled_from(["", "", "", "替代"]))))
    sources = [OtherSource(name="s", emissions={Pollutant.VOCS: draw(st.floats(0, 1000))})
               for _ in range(draw(st.integers(0, 2)))]
    return EnterpriseList(info=ListInfo(region="示例县"), enterprises=enterprises, other_sources=sources)


@settings(max_examples=150, deadline=None)
@given(ozone_lists())
def test_ozone_sums_match_an_independent_computation(lst: EnterpriseList) -> None:
    section = load_policy("shanxi-2024").ozone
    result = compute_ozone(lst, section)
    ozone_keys = {"chemical", "化工", "coating", "包装印刷"}
    shifted = nox = total = 0.0
    taking = []
    for e in lst.enterprises:
        if e.status is Status.OPERATING:
            total += sum(ln.emissions[Pollutant.VOCS] for ln in e.lines) / e.operating_days
        if e.status is not Status.OPERATING or e.ozone_exempt:
            continue
        mine = [ln for ln in e.lines if ln.vocs_process is True or
                (ln.vocs_process is None and ln.emissions[Pollutant.VOCS] > 0 and e.industry in ozone_keys)]
        if mine:
            taking.append(e.id)
        shifted += sum(ln.emissions[Pollutant.VOCS] / e.operating_days for ln in mine)
        nox += sum(ln.emissions[Pollutant.NOX] / e.operating_days for ln in mine)
    total += sum(s.emissions[Pollutant.VOCS] for s in lst.other_sources) / 365
    assert [t.enterprise.id for t in result.taking_part] == taking
    assert result.vocs_shifted == pytest.approx(shifted, abs=1e-6)
    assert result.nox_shifted == pytest.approx(nox, abs=1e-6)
    if total > 0:
        assert result.vocs_share == pytest.approx(shifted / total, abs=1e-6)
    else:
        assert result.vocs_share is None


# -- 错峰 (SPEC §15) ---------------------------------------------------------------------------

STAGGER_SPECS = [  # industry, grade, key zone, compliant, category
    ("casting", "C", False, True, ""), ("casting", "C", False, True, ""), ("casting", "C", True, True, ""),
    ("casting", "B", False, True, ""), ("casting", "D", False, True, ""), ("brick", "C", False, True, ""),
    ("brick", "unrated", False, True, ""), ("brick", "B", True, True, ""), ("cement", "C", False, True, ""),
    ("casting", "C", False, False, "guarantee"), ("coking", "C", False, True, ""),
    ("casting", "C", False, True, "guarantee"), ("steel", "D", False, True, ""),
]


def stagger_list(specs=STAGGER_SPECS) -> str:
    out = [HEAD + "enterprises:"]
    for i, (industry, grade, key, compliant, category) in enumerate(specs, start=10):
        extra = ("\n    zone: key" if key else "") + ("\n    compliant: false" if not compliant else "") + \
            (f"\n    category: {category}" if category else "")
        out.append(f"""  - id: {code(i)}
    name: 示例县{industry}{i}厂
    industry: {industry}
    grade: {grade}{extra}
    contact: {{name: 张{i}, phone: "0356-{i}"}}
    emissions: {{so2: {i * 3.65}, nox: {i * 7.3}, pm: 3.65}}""")
    return "\n".join(out) + "\n"


def stagger(run, *args: str):
    return run("stagger", *args, "--list", "county.yaml", "--journal", JOURNAL)


def test_stagger_worked_example(run) -> None:
    write(Path("county.yaml"), stagger_list())
    result = stagger(run, "2025-2026", "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert (data["kind"], data["season"], data["start"], data["end"]) == ("stagger", "2025-2026", "2025-11-15",
                                                                          "2026-03-15")
    days = {e["id"]: e["days"] for e in data["enterprises"]}
    # 121 days in the season. casting C 30; key-zone C -> D: season; D: season; noncompliant (even guarantee):
    # season; brick C, unrated 60; key-zone brick B -> C: 60; cement C 121; coking C 30.
    assert days == {code(10): 30, code(11): 30, code(12): 121, code(14): 121, code(15): 60, code(16): 60,
                    code(17): 60, code(18): 121, code(19): 121, code(20): 30}
    assert sorted(data["exempt"], key=lambda x: x["id"]) == [{"id": code(13), "reason": "grade"},
                                                             {"id": code(21), "reason": "category"}]
    # casting: 121+121+121+30+30 = 423 enterprise-days over 121 days: at least ceil(3.5) = 4 on one day
    assert data["peak"] == {"casting": 4, "brick": 2, "cement": 1, "coking": 1}
    for e in data["enterprises"]:
        (first, last), = e["stop"]
        assert (date.fromisoformat(last) - date.fromisoformat(first)).days + 1 == e["days"]
        assert "2025-11-15" <= first <= last <= "2026-03-15"
    # daily reduction: the three season-long casting plants always stop, with cement: SO2 (12+14+18+19)×3.65/365
    mean, low = data["reduction"]["mean"], data["reduction"]["min"]
    total_so2_days = sum(d * (int(i[12:17]) * 3.65 / 365) for i, d in days.items())
    assert mean["so2"] == pytest.approx(total_so2_days / 121, abs=1e-9)
    assert low["so2"] >= (12 + 14 + 18 + 19) * 0.01 - 1e-9
    folder = Path("notices") / data["plan"]
    notice = (folder / f"0001-{data['enterprises'][0]['id']}.md").read_text("utf-8")
    assert "错峰生产告知书" in notice and "停产期间" in notice


@pytest.mark.parametrize("ui", ["zh", "en"])
def test_stagger_summary_fits_80_columns(run, ui: str) -> None:
    """Each line short enough that the terminal's wrap never splits a number (it split 1.194|6 and 9 家)."""
    from rich.text import Text

    write(Path("county.yaml"), stagger_list())
    result = run("--ui", ui, "stagger", "2025-2026", "--dry-run", "--list", "county.yaml", "--journal", JOURNAL)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert all(Text(line).cell_len <= 80 for line in lines), lines
    # one line per pollutant: mean / min, as the JSON's reduction says
    data = json.loads(stagger(run, "2025-2026", "--dry-run", "--json").stdout)["reduction"]
    so2 = "SO₂" if ui == "zh" else "so2"
    assert f"  {so2} {data['mean']['so2']:.4f} / {data['min']['so2']:.4f}" in lines


def test_stagger_calendar_and_chart_read_back(run) -> None:
    import openpyxl

    write(Path("county.yaml"), stagger_list())
    data = json.loads(stagger(run, "2025-2026", "--json", "--format", "html").stdout)
    folder = Path("notices") / data["plan"]
    rows = list(csv.reader(io.StringIO((folder / "calendar.csv").read_text("utf-8-sig"))))
    assert rows[0][7] == "2025-11-15" and rows[0][-1] == "2026-03-15" and len(rows[0]) == 7 + 121
    stops = {e["id"]: e for e in data["enterprises"]}
    for row in rows[1:]:
        marks = [i for i, cell in enumerate(row[7:]) if cell == "停"]
        assert len(marks) == stops[row[0]]["days"] and marks == list(range(marks[0], marks[0] + len(marks)))
        assert rows[0][7 + marks[0]] == stops[row[0]]["stop"][0][0]
    ws = openpyxl.load_workbook(folder / "calendar.xlsx").active
    assert ws.freeze_panes == "C2"
    assert [c.value for c in ws[1]][:8] == rows[0][:8]
    assert sum(1 for r in ws.iter_rows(min_row=2, values_only=True) for v in r if v == "停") == \
        sum(e["days"] for e in data["enterprises"])
    body = list(ws.iter_rows(min_row=2, values_only=True))
    assert [r[4] for r in body] == [stops[r[0]]["days"] for r in body]  # numbers a clerk can sum, not text
    # the key-zone plants show their own grade and the one they stop as, as their notice says
    grades = [r[3] for r in body]
    assert "C级（执行D级）" in grades and "B级（执行C级）" in grades and "C级" in grades
    svg = ET.fromstring((folder / "calendar.svg").read_text("utf-8"))
    bars = [r for r in svg.iter("{http://www.w3.org/2000/svg}rect") if r.find("{http://www.w3.org/2000/svg}title") is not None]
    assert len(bars) == len(data["enterprises"])
    index = (folder / "index.html").read_text("utf-8")
    assert "<svg" in index and "calendar.xlsx" in index
    sms = list(csv.DictReader(io.StringIO((folder / "sms.csv").read_text("utf-8-sig"))))
    assert {r["id"] for r in sms} == set(stops)  # every enterprise of the plan has a phone in this list
    for r in sms:
        (first, last), = stops[r["id"]]["stop"]
        span = f"{int(first[5:7])}月{int(first[8:])}日至{int(last[5:7])}月{int(last[8:])}日"
        assert r["text"].startswith(f"【示例县生态环境局】{span}秋冬季错峰生产停产") and len(r["text"]) <= 70


def test_a_new_plan_supersedes_the_old_one(run) -> None:
    write(Path("county.yaml"), stagger_list())
    first = json.loads(stagger(run, "2025-2026", "--json").stdout)
    second = json.loads(stagger(run, "2025-2026", "--json").stdout)
    assert second["supersedes"] == first["plan"]
    history = json.loads(run("history", "--journal", JOURNAL, "--json").stdout)["events"]
    assert [(e["event"], e["state"]) for e in history] == [("stagger", "superseded"), ("stagger", "current")]
    other = json.loads(stagger(run, "2026-2027", "--json").stdout)
    assert "supersedes" not in other


def test_an_industry_that_cannot_fit_is_named(run, tmp_path: Path) -> None:
    write(Path("county.yaml"), stagger_list())
    policy = (Path(__file__).parent.parent / "src/haze/core/policies/shanxi-2024.yaml").read_text("utf-8")
    write(Path("policy.yaml"), policy.replace("max_stopped_share: {}", "max_stopped_share: {casting: 0.4}")
          .replace("name: shanxi-2024", "name: example-county-2025"))
    result = stagger(run, "2025-2026", "--policy", "policy.yaml")
    # 5 casting enterprises, at most floor(0.4 × 5) = 2 on one day: 2 tracks of 121 days hold 121+121;
    # 121 + 30 + 30 enterprise-days are left over.
    assert result.exit_code == 1
    assert "casting" in result.stderr and "181 enterprise-days" in result.stderr
    assert not Path("notices").exists() and not Path(JOURNAL).exists()


def test_bad_season_is_usage(run) -> None:
    write(Path("county.yaml"), stagger_list())
    assert stagger(run, "2025-2027").exit_code == 2
    assert parse_season("2025-26") == 2025 and parse_season("2025-2026秋冬季") == 2025


# -- schedule invariants (hypothesis) --------------------------------------------------------

@st.composite
def stagger_cases(draw: st.DrawFn) -> tuple[EnterpriseList, float]:
    enterprises = []
    for i in range(draw(st.integers(1, 40))):
        enterprises.append(Enterprise(
            id=code(i), name=f"企业{i}", industry=draw(st.sampled_from(["casting", "brick", "cement", "coking"])),
            grade=draw(st.sampled_from(["B", "C", "D", "unrated", "nonleading", "A"])),
            key_zone=draw(st.booleans()), compliant=draw(st.sampled_from([True] * 5 + [False])),
            lines=[Line(name="x", emissions={Pollutant.SO2: draw(st.floats(0, 100))})]))
    return EnterpriseList(info=ListInfo(region="示例县"), enterprises=enterprises), draw(st.sampled_from([1.0, 0.8, 0.5]))


@settings(max_examples=160, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(stagger_cases(), st.sampled_from([2024, 2025, 2027]),
       st.one_of(st.none(), st.integers(-30, 125)))
def test_schedule_invariants(case: tuple[EnterpriseList, float], year: int, late: int | None) -> None:
    """Every block inside the days scheduled, exactly its days, the peak within the bound; for a plan issued
    during the season (``late``: its first stop day, in days after the season's first) all of it over the
    days left: none before that day, whole-season plants and those whose days no longer fit stop every one."""
    from dataclasses import replace
    from datetime import timedelta

    lst, share = case
    policy = load_policy("shanxi-2024")
    section = replace(policy.staggered, max_stopped_share={k: share for k in policy.staggered.industries})
    season_first, last = date(year, 11, 15), date(year + 1, 3, 15)
    season_length = (last - season_first).days + 1
    from_day = None if late is None else season_first + timedelta(days=late)
    if from_day is not None and from_day > last:
        with pytest.raises(ValueError):
            build_schedule(lst, policy, section, year, from_day)
        return
    schedule = build_schedule(lst, policy, section, year, from_day)
    first = season_first if from_day is None or from_day < season_first else from_day
    length = schedule.length
    assert (schedule.first, schedule.last, schedule.season_start) == (first, last, season_first)
    assert length == (last - first).days + 1 and schedule.season_length == season_length
    assert schedule.late == (first > season_first)
    for p in schedule.participants:  # exactly its days, or every day left when they no longer fit
        assert 1 <= p.days <= length and p.required <= season_length
        assert p.days == (length if p.whole else min(p.required, length))
        assert p.clipped == (not p.whole and p.required > length)
    assert len(schedule.daily_counts()) == length
    assert all(len(series) == length for series in schedule.daily_reductions().values())
    by_industry: dict[str, list] = {}
    for p in schedule.participants:
        by_industry.setdefault(p.industry, []).append(p)
    failed = {x.industry for x in schedule.infeasible}
    for industry, group in by_industry.items():
        total = sum(p.days for p in group)
        bound = min(math.ceil(total / length) + 1, math.floor(share * len(group) + 1e-9))
        assert schedule.bounds[industry] == bound
        if industry in failed:
            assert lower_bound([p.days for p in group], length) > 0
            continue
        counts = [0] * length
        for p in group:
            assert 0 <= p.start and p.end <= length - 1  # inside the season, one contiguous block
            assert p.end - p.start + 1 == p.days  # exactly its days
            for d in range(p.start, p.end + 1):
                counts[d] += 1
        assert max(counts) == schedule.peak[industry]
        assert lower_bound([p.days for p in group], length) <= max(counts) <= bound
        assert max(counts) <= share * len(group) + 1e-9
    for x in schedule.infeasible:
        assert x.excess_days > 0


def test_activation_inside_a_season_plan_keeps_the_stopped_stopped(run, clock_at) -> None:
    write(Path("county.yaml"), stagger_list())
    plan = json.loads(stagger(run, "2025-2026", "--json").stdout)
    short = [e for e in plan["enterprises"] if e["days"] == 30 and e["industry"] == "casting"]
    first, last = short[0]["stop"][0]
    at = f"{first}T20:00"
    stopped = {e["id"] for e in plan["enterprises"] if e["stop"][0][0] <= first <= e["stop"][0][1]}
    assert short[0]["id"] in stopped
    check = json.loads(run("check", "yellow", "--list", "county.yaml", "--at", at, "--journal", JOURNAL,
                           "--json").stdout)
    by_id = {e["id"]: e for e in check["enterprises"]}
    for ident in stopped:
        assert by_id[ident]["reason"] == "stagger"
        assert {ln["source"] for ln in by_id[ident]["lines"]} == {"stagger"}
        assert {ln["cut"] for ln in by_id[ident]["lines"]} == {1.0}
    # the other casting C enterprise is not in its stop that day: its grade's yellow cut (0.3)
    other = next(e["id"] for e in short if e["id"] not in stopped)
    assert by_id[other]["reason"] == "level" and by_id[other]["lines"][0]["cut"] == pytest.approx(0.3)
    # stopped: the whole daily SO2 of the stopped enterprises counts, as SPEC §4.2 with cut 1
    assert sum(by_id[i]["reduction"]["so2"] for i in stopped) == pytest.approx(
        sum(int(i[12:17]) * 3.65 / 365 for i in stopped), abs=1e-9)
    # without --at, check reads no plan
    plain = json.loads(run("check", "yellow", "--list", "county.yaml", "--json").stdout)
    assert all(e["reason"] != "stagger" for e in plain["enterprises"])
    # a day after the season: nobody is in a 错峰 stop
    after = json.loads(run("check", "yellow", "--list", "county.yaml", "--at", "2026-04-01T20:00", "--journal",
                           JOURNAL, "--json").stdout)
    assert all(e["reason"] != "stagger" for e in after["enterprises"])
    clock_at(f"{first}T19:30")  # the warning is issued that evening, within the policy's horizon
    activated = run("activate", "yellow", "--list", "county.yaml", "--start", at, "--journal", JOURNAL, "--json")
    assert activated.exit_code == 0, activated.stderr
    data = json.loads(activated.stdout)
    assert {e["id"] for e in data["enterprises"] if e["reason"] == "stagger"} == stopped
    notice = next(Path(p) for p in data["notices"] if short[0]["id"] in p)
    assert "错峰生产停产期间" in notice.read_text("utf-8")


def test_status_shows_season_controls_beside_the_warning(run) -> None:
    from datetime import datetime, timedelta

    write(Path("county.yaml"), OZONE_LIST)
    soon = (datetime.now() + timedelta(days=1)).date().isoformat()
    assert ozone(run, soon, "--force", "--json").exit_code == 0
    status = run("status", "--journal", JOURNAL, "--json")
    data = json.loads(status.stdout)
    assert data["active"] is None and [s["kind"] for s in data["seasons"]] == ["ozone"]
    text = run("status", "--journal", JOURNAL).stdout
    assert "ozone episode" in text and "no active warning" in text


def test_ozone_takes_first_number_as_activate(run) -> None:
    write(Path("county.yaml"), OZONE_LIST)
    data = json.loads(ozone(run, "2025-07-15", "--first-number", "7", "--json").stdout)
    manifest = json.loads((Path("notices") / data["episode"] / "manifest.json").read_text("utf-8"))
    assert [n["number"].split("〕")[1] for n in manifest["notices"]] == ["7号", "8号"]


def season_numbers(folder: Path) -> list[str]:
    return [n["number"] for n in json.loads((folder / "manifest.json").read_text("utf-8"))["notices"]]


def test_ozone_per_batch_one_number_with_sub_numbers(run) -> None:
    # SPEC §16: the same numbering as activate; the batch takes one number from the shared counter.
    write(Path("county.yaml"), OZONE_LIST)
    result = ozone(run, "2025-07-15", "--numbering", "per_batch", "--first-number", "12", "--json")
    assert result.exit_code == 0, result.stderr
    folder = Path("notices") / json.loads(result.stdout)["episode"]
    year = json.loads((folder / "manifest.json").read_text("utf-8"))["issued"][:4]
    numbers = [f"示环应急〔{year}〕12号-{i:03d}" for i in (1, 2)]
    assert season_numbers(folder) == numbers
    assert numbers[0] in (folder / f"0001-{code(1)}.md").read_text("utf-8")
    assert numbers[1] in (folder / f"0002-{code(3)}.md").read_text("utf-8")
    index = (folder / "index.md").read_text("utf-8")
    assert all(n in index for n in numbers)
    sms = (folder / "sms.csv").read_text("utf-8-sig")
    assert all(n in sms for n in numbers)
    # one number taken: the next run, per notice, starts at 13
    again = json.loads(ozone(run, "2025-07-16", "--json").stdout)
    assert season_numbers(Path("notices") / again["episode"]) == [f"示环应急〔{year}〕{n}号" for n in (13, 14)]
    assert ozone(run, "2025-07-17", "--first-number", "12", "--numbering", "per_batch").exit_code == 2


def test_stagger_per_batch_from_haze_yaml(run) -> None:
    write(Path("county.yaml"), stagger_list())
    write(Path("haze.yaml"), "numbering: per_batch\n")
    result = stagger(run, "2025-2026", "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    folder = Path("notices") / data["plan"]
    year = json.loads((folder / "manifest.json").read_text("utf-8"))["issued"][:4]
    # ten enterprises take part: one 文号, ten sub-numbers in the order of the notices
    assert season_numbers(folder) == [f"示环应急〔{year}〕1号-{i:03d}" for i in range(1, 11)]
    first = data["enterprises"][0]["id"]
    assert f"示环应急〔{year}〕1号-001" in (folder / f"0001-{first}.md").read_text("utf-8")
    # a new plan is a batch of its own with the next number
    again = json.loads(stagger(run, "2025-2026", "--json").stdout)
    assert season_numbers(Path("notices") / again["plan"])[0] == f"示环应急〔{year}〕2号-001"


TOWNS = {10: "城关镇", 11: "城关镇", 12: "城关镇", 14: "北关乡", 15: "北关乡", 16: "北关乡", 17: "北关乡"}


def stagger_list_with_towns() -> str:
    text = stagger_list()
    for i, town in TOWNS.items():
        text = text.replace(f"name: 示例县{STAGGER_SPECS[i - 10][0]}{i}厂\n",
                            f"name: 示例县{STAGGER_SPECS[i - 10][0]}{i}厂\n    town: {town}\n")
    return text


@pytest.mark.parametrize("fmt", ["md", "html", "pdf", "docx"])
def test_stagger_index_counts_by_measure_and_township_with_dispatch_sheets(run, fmt: str) -> None:
    # Worked by hand from test_stagger_worked_example's days (121 = whole season):
    # 城关镇 10 (30), 11 (30), 12 (121): 3 notices, 2 staggered, 1 whole season;
    # 北关乡 14 (121), 15-17 (60): 4, 3 staggered, 1 whole season; no township: 18, 19 (121), 20 (30): 3, 1, 2.
    from conftest import text_of

    write(Path("county.yaml"), stagger_list_with_towns())
    data = json.loads(stagger(run, "2025-2026", "--json", "--format", fmt).stdout)
    folder = Path("notices") / data["plan"]
    text = " ".join(text_of(folder / f"index.{fmt}").split())
    if fmt == "md":
        assert "| 城关镇 | 3份 | 2家 | 1家 |" in text and "| 北关乡 | 4份 | 3家 | 1家 |" in text
        assert "| 未填乡镇 | 3份 | 1家 | 2家 |" in text and "| 合计 | 10份 | 6家 | 4家 |" in text
    squeezed = text.replace(" ", "")
    for part in ("措施与乡镇统计", "错峰停产", "全季停产", "城关镇错峰生产告知书签收单", "北关乡错峰生产告知书签收单",
                 "未填乡镇错峰生产告知书签收单", "签收人", "签收时间", "送达人"):
        assert part in squeezed, part
    # each sheet lists exactly its township's notices: 城关镇's sheet names 10, 11 and 12, not 14
    names = {f"示例县{STAGGER_SPECS[i - 10][0]}{i}厂" for i in (10, 11, 12)}
    if fmt == "docx":  # text_of puts a document's tables after its paragraphs: read the first sheet's table
        from docx import Document

        sheets = [t for t in Document(str(folder / "index.docx")).tables if t.rows[0].cells[-1].text == "签收时间"]
        assert len(sheets) == 3
        sheet = "".join(c.text for r in sheets[0].rows for c in r.cells)
    else:
        sheet = squeezed.split("城关镇错峰生产告知书签收单")[1].split("签收单")[0]
    assert all(n in sheet for n in names) and "示例县casting14厂" not in sheet
    if fmt in ("html", "md"):  # the index links every notice it lists
        names = [Path(p).name for p in data["notices"] if Path(p).name[:4].isdigit()]
        raw = (folder / f"index.{fmt}").read_text(encoding="utf-8")
        assert len(names) == 10 and all((f'<a href="{n}">' if fmt == "html" else f"[{n}]({n})") in raw for n in names)


def test_ozone_index_counts_by_township(run) -> None:
    write(Path("county.yaml"), OZONE_LIST.replace("name: 示例县化工有限公司\n", "name: 示例县化工有限公司\n    town: 城关镇\n"))
    data = json.loads(ozone(run, "2025-07-15", "--json").stdout)
    index = (Path("notices") / data["episode"] / "index.md").read_text("utf-8")
    assert "| 城关镇 | 1份 | 1家 |" in index and "| 未填乡镇 | 1份 | 1家 |" in index and "| 合计 | 2份 | 2家 |" in index
    assert "### 城关镇错时生产告知书签收单" in index and "### 未填乡镇错时生产告知书签收单" in index


# -- a replacement plan, past seasons, citations, the index (QA of the season controls) ------------------


def plan_notices(data: dict) -> dict[str, dict]:
    """Credit code -> the manifest's entry of its notice (number, file, and the number it replaces)."""
    folder = Path("notices") / data["plan"]
    return {n["id"]: n for n in json.loads((folder / "manifest.json").read_text("utf-8"))["notices"]}


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("fmt", ["md", "html", "txt", "docx", "pdf"])
def test_a_new_plan_tells_each_enterprise_which_notice_it_replaces(run, lang: str, fmt: str) -> None:
    # SPEC §15: a second plan for the season re-issues every notice; each says, as a re-issued warning's
    # does (_phrases: withdrawn), that the enterprise's notice of the old plan is void. One brick plant is
    # new in the second list: it was told nothing before, so its notice replaces none.
    from conftest import text_of

    write(Path("county.yaml"), stagger_list())
    old = plan_notices(json.loads(stagger(run, "2025-2026", "--json").stdout))
    write(Path("county.yaml"), stagger_list(STAGGER_SPECS + [("brick", "C", False, True, "")]))
    result = stagger(run, "2025-2026", "--json", "--format", fmt, "--lang", lang)
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    new = plan_notices(data)
    newcomer = code(10 + len(STAGGER_SPECS))
    assert set(new) == set(old) | {newcomer}
    folder = Path("notices") / data["plan"]
    for ident, notice in new.items():
        text = "".join(text_of(folder / notice["file"]).split())
        if ident == newcomer:
            assert "replaces" not in notice and "作废" not in text and "noticeyoureceivedbefore" not in text
            continue
        assert notice["replaces"] == old[ident]["number"] != notice["number"]
        said = (f"原告知书（{old[ident]['number']}）同时作废" if lang == "zh"
                else f"itreplacesnotice{old[ident]['number']},whichnolongerapplies")
        assert said in text, (ident, text[:400])


def test_a_season_already_over_is_refused_unless_forced(run, clock_at) -> None:
    # QA: on 2026-12-03 a plan for 2025-2026 went out dated 2026年12月3日, ordering stops from 2025年11月15日.
    write(Path("county.yaml"), stagger_list())
    clock_at("2026-12-03T22:24")
    for extra in ((), ("--dry-run",), ("--json",)):
        refused = stagger(run, "2025-2026", *extra)
        assert refused.exit_code == 2 and refused.stdout == ""
        assert refused.stderr.strip().splitlines() == [
            "haze: error: season 2025-2026 is over: it ended on 2026-03-15, before today (2026-12-03); "
            "give --force to issue anyway (nothing written or recorded)"]
        assert not Path("notices").exists() and not Path(JOURNAL).exists()
    forced = stagger(run, "2025-2026", "--force", "--json")
    assert forced.exit_code == 0 and "issued because of --force" in forced.stderr
    # the season not over yet goes out as before
    assert stagger(run, "2026-2027", "--json").exit_code == 0
    # on its last day a season has no day left: a notice issued today orders stops from tomorrow
    clock_at("2026-03-15T08:00")
    refused = stagger(run, "2025-2026", "--json")
    assert refused.exit_code == 2 and refused.stderr.strip().splitlines() == [
        "haze: error: season 2025-2026 ends today (2026-03-15): a notice issued today orders stops from tomorrow, "
        "and no day of the season is left; give --force to issue anyway (nothing written or recorded)"]
    clock_at("2026-03-14T18:00")  # the day before: one day left
    data = json.loads(stagger(run, "2025-2026", "--json").stdout)
    assert (data["start"], data["end"], data["season_start"]) == ("2026-03-15", "2026-03-15", "2025-11-15")
    assert {e["days"] for e in data["enterprises"]} == {1}


def test_a_season_already_over_is_refused_in_chinese(run, clock_at) -> None:
    write(Path("county.yaml"), stagger_list())
    clock_at("2026-12-03T22:24")
    refused = run("--ui", "zh", "stagger", "2025-2026", "--list", "county.yaml", "--journal", JOURNAL)
    assert refused.exit_code == 2
    assert "2025-2026 秋冬季错峰生产已于 2026-03-15 结束" in refused.stderr and "--force" in refused.stderr
    assert "is over" not in refused.stderr


def test_an_ozone_episode_whose_days_are_all_past_is_refused_unless_forced(run, clock_at) -> None:
    write(Path("county.yaml"), OZONE_LIST)
    clock_at("2026-07-16T10:00")
    refused = ozone(run, "2026-07-15")
    assert refused.exit_code == 2 and refused.stderr.strip().splitlines() == [
        "haze: error: every day of the ozone episode is past: its last day 2026-07-15 is before today "
        "(2026-07-16); give --force to issue anyway (nothing written or recorded)"]
    assert not Path("notices").exists() and not Path(JOURNAL).exists()
    assert ozone(run, "2026-07-15", "--dry-run").exit_code == 2
    # an episode that began yesterday still has today to go
    assert ozone(run, "2026-07-15", "--days", "2", "--json").exit_code == 0
    forced = ozone(run, "2026-07-14", "--force", "--json")
    assert forced.exit_code == 0 and "is before today (2026-07-16): issued because of --force" in forced.stderr


def test_an_ozone_episode_is_named_by_when_it_was_issued(run, clock_at) -> None:
    # QA: 20260715-222623-ozone, the episode's day with the clock's time, read in `history` as recorded in July.
    import sqlite3

    write(Path("county.yaml"), OZONE_LIST)
    clock_at("2026-06-01T09:30")
    data = json.loads(ozone(run, "2026-07-15", "--days", "2", "--json").stdout)
    assert data["episode"].startswith("20260601-0930") and data["episode"].endswith("-ozone-2026-07-15")
    assert (Path("notices") / data["episode"] / "index.md").exists()
    events = json.loads(run("history", "--journal", JOURNAL, "--json").stdout)["events"]
    assert [(e["id"], e["when"][:10], e["recorded"][:10]) for e in events] == [
        (data["episode"], "2026-07-15", "2026-06-01")]
    # a journal holding an id of the old form reads as before: ids are names, never parsed
    with sqlite3.connect(JOURNAL) as db:
        for table, column in (("seasons", "id"), ("events", "id"), ("notices", "issue_id")):
            db.execute(f"UPDATE {table} SET {column} = '20260715-093000-ozone'")
    shown = run("history", "--journal", JOURNAL)
    assert shown.exit_code == 0 and "20260715-093000-ozone" in shown.stdout
    assert run("status", "--journal", JOURNAL).exit_code == 0


def test_season_notices_cite_articles_as_a_chinese_official_document(run) -> None:
    # The policy file writes 高政发〔2024〕6号 §25; 泽政办发〔2022〕10号 §29: a 公文 writes 第25条 and a full-width ；.
    # The index names what the season control rests on, not the emergency plan (泽政发〔2019〕54号).
    write(Path("county.yaml"), OZONE_LIST)
    data = json.loads(ozone(run, "2025-07-15", "--json").stdout)
    folder = Path("notices") / data["episode"]
    notice = (folder / f"0001-{code(1)}.md").read_text("utf-8")
    assert "根据高政发〔2024〕6号第25条；泽政办发〔2022〕10号第29条要求" in notice and "§" not in notice
    index = (folder / "index.md").read_text("utf-8")
    assert "- 依据：高政发〔2024〕6号第25条；泽政办发〔2022〕10号第29条" in index
    assert "54号" not in index and "§" not in index
    english = json.loads(ozone(run, "2025-07-16", "--json", "--lang", "en").stdout)
    text = (Path("notices") / english["episode"] / f"0001-{code(1)}.md").read_text("utf-8")
    assert "Under 高政发〔2024〕6号 §25; 泽政办发〔2022〕10号 §29," in text  # English keeps the file's §
    write(Path("county.yaml"), stagger_list())
    plan = json.loads(stagger(run, "2025-2026", "--json").stdout)
    index = (Path("notices") / plan["plan"] / "index.md").read_text("utf-8")
    assert "- 依据：泽政办发〔2022〕10号第2条、第30条；高政发〔2024〕6号第26条" in index and "54号" not in index


@pytest.mark.parametrize(("source", "cited"), [
    ("泽政办发〔2022〕10号 §2/§30; 高政发〔2024〕6号 §26", "泽政办发〔2022〕10号第2条、第30条；高政发〔2024〕6号第26条"),
    ("高政发〔2024〕6号 §25", "高政发〔2024〕6号第25条"),
    ("某政发〔2023〕1号 §3–§5, §9", "某政发〔2023〕1号第3条至第5条、第9条"),
    ("泽政发〔2019〕54号", "泽政发〔2019〕54号"),
])
def test_a_policy_source_cited_in_chinese(source: str, cited: str) -> None:
    from haze.core.fmt import citation

    assert citation(source, "zh") == cited
    assert citation(source, "en") == source


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_exemption_without_a_reason_reads_exempt(run, lang: str) -> None:
    # QA: ozone_exempt typed 是 read 豁免：豁免 in the index; a reason given still shows.
    write(Path("county.yaml"), OZONE_LIST.replace("ozone_exempt: 低VOCs含量原辅材料替代", "ozone_exempt: 是"))
    data = json.loads(ozone(run, "2025-07-15", "--json", "--lang", lang).stdout)
    index = (Path("notices") / data["episode"] / "index.md").read_text("utf-8")
    row = next(line for line in index.splitlines() if code(2) in line)
    assert row.endswith("| 豁免 |" if lang == "zh" else "| exempt |"), row
    write(Path("county.yaml"), OZONE_LIST)
    data = json.loads(ozone(run, "2025-07-16", "--json", "--lang", lang).stdout)
    index = (Path("notices") / data["episode"] / "index.md").read_text("utf-8")
    assert ("豁免：低VOCs含量原辅材料替代" if lang == "zh" else "exempt: 低VOCs含量原辅材料替代") in index


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("kind", ["ozone", "stagger"])
def test_the_season_index_prints_landscape_with_room_for_its_columns(run, lang: str, kind: str) -> None:
    # QA, printed from a browser: the 企业 column one character wide, the table past the page's right edge.
    # The summary is a landscape index page as the warning's is (_style.html.j2: .index), its list of
    # notices breaks a 停产期间 between its two days and a file name after its number, nowhere else.
    from html.parser import HTMLParser

    if kind == "ozone":
        write(Path("county.yaml"), OZONE_LIST)
        data = json.loads(ozone(run, "2025-07-15", "--json", "--format", "html", "--lang", lang).stdout)
        folder = Path("notices") / data["episode"]
    else:
        write(Path("county.yaml"), stagger_list())
        data = json.loads(stagger(run, "2025-2026", "--json", "--format", "html", "--lang", lang).stdout)
        folder = Path("notices") / data["plan"]
    html = (folder / "index.html").read_text("utf-8")
    assert '<section class="page index season">' in html and '<section class="page notice">' not in html

    class Tables(HTMLParser):
        """Every table's open/close balance, and the list table's cells by class."""

        def __init__(self) -> None:
            super().__init__()
            self.depth, self.cells, self.classes = 0, [], []

        def handle_starttag(self, tag: str, attrs: list) -> None:
            attrs = dict(attrs)
            if tag == "table":
                self.depth += 1
                self.classes.append(attrs.get("class"))
            elif tag == "td" and attrs.get("class") in ("file", "period"):
                self.cells.append(attrs["class"])

        def handle_endtag(self, tag: str) -> None:
            if tag == "table":
                self.depth -= 1
                assert self.depth >= 0, "a </table> with no table open"

    tables = Tables()
    tables.feed(html)
    assert tables.depth == 0 and "list" in tables.classes
    rows = len(data["enterprises"])
    assert tables.cells.count("file") == rows
    assert tables.cells.count("period") == (rows if kind == "stagger" else 0)
    first = sorted(p.name for p in folder.iterdir() if p.name[:4].isdigit())[0]
    stem, _, rest = first.partition("-")
    assert f'<a href="{first}">{stem}-<wbr>{rest}</a>' in html
    if kind == "stagger":
        assert "</span><wbr><span>" in html or "</span> <span>" in html
    assert ".season table.list td.period span { white-space: nowrap; }" in html


# A revised plan that no longer stops some enterprises the plan in force stopped: each is told so in writing,
# by a numbered notice of the new plan that voids its earlier one (SPEC §15 is silent; see stagger.released).
RELEASED_SPECS = [s if i not in (0, 8) else (s[0], "A", *s[2:]) for i, s in enumerate(STAGGER_SPECS[:-3])]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("fmt", ["md", "html", "txt", "docx", "pdf"])
def test_a_new_plan_tells_those_it_no_longer_stops(run, lang: str, fmt: str) -> None:
    from conftest import text_of

    write(Path("county.yaml"), stagger_list())
    first = json.loads(stagger(run, "2025-2026", "--json").stdout)
    old = plan_notices(first)
    # casting 10 and cement 18 graded A (exempt), coking 20 removed from the list; casting 21 (guarantee) and
    # steel 22 were never stopped (exempt, not a staggered industry) and are not told anything now either
    write(Path("county.yaml"), stagger_list(RELEASED_SPECS))
    result = stagger(run, "2025-2026", "--json", "--format", fmt, "--lang", lang)
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    new = plan_notices(data)
    stopping = {e["id"] for e in data["enterprises"]}
    released = {r["id"]: r for r in data["released"]}
    assert set(released) == {code(10), code(18), code(20)} and not stopping & set(released)
    assert set(new) == stopping | set(released) and len(new) == len(stopping) + 3
    assert {i: r["reason"] for i, r in released.items()} == {code(10): "grade", code(18): "grade",
                                                             code(20): "removed"}
    assert released[code(20)]["name"] == "示例县coking20厂"  # the name it was told by, from the journal
    numbers = [n["number"] for n in new.values()]
    assert len(set(numbers)) == len(numbers) and not set(numbers) & {n["number"] for n in old.values()}
    folder = Path("notices") / data["plan"]
    for ident, r in released.items():
        assert r["replaces"] == old[ident]["number"] == new[ident]["replaces"]
        assert r["number"] == new[ident]["number"]
        text = "".join(text_of(folder / new[ident]["file"]).split())
        if lang == "zh":
            reason = "绩效等级豁免" if r["reason"] == "grade" else "已不在应急减排清单"
            assert f"你单位不再安排错峰停产（{reason}）；原告知书（{r['replaces']}）同时作废" in text, text[:500]
            assert "停产期间" not in text and f"知悉本季不再错峰停产，原告知书（{r['replaces']}）作废" in text
        else:
            assert f"itreplacesnotice{r['replaces']},whichnolongerapplies" in text and "Stopped:" not in text
    index = "".join(text_of(folder / f"index.{fmt}").split())
    for ident in released:
        assert new[ident]["number"] in index
    if lang == "zh":
        assert "不再停产（绩效等级豁免）" in index and "不再停产（已不在应急减排清单）" in index
    # the SMS must not read as a stop order
    sms = {r["id"]: r["text"] for r in csv.DictReader(io.StringIO((folder / "sms.csv").read_text("utf-8-sig")))}
    assert code(20) not in sms  # no longer on the list: no phone known
    for ident in (code(10), code(18)):
        assert ("不再错峰停产" if lang == "zh" else "no longer stop") in sms[ident].lower() and len(sms[ident]) <= 70
    # a third plan does not tell them again: they were not stopped by the plan it supersedes
    third = json.loads(stagger(run, "2025-2026", "--json").stdout)
    assert third["released"] == [] and set(plan_notices(third)) == stopping


def test_a_dry_run_names_those_a_new_plan_would_no_longer_stop(run) -> None:
    write(Path("county.yaml"), stagger_list())
    stagger(run, "2025-2026", "--json")
    write(Path("county.yaml"), stagger_list(RELEASED_SPECS))
    dry = json.loads(stagger(run, "2025-2026", "--json", "--dry-run").stdout)
    assert {r["id"] for r in dry["released"]} == {code(10), code(18), code(20)}
    shown = run("--ui", "zh", "stagger", "2025-2026", "--dry-run", "--list", "county.yaml", "--journal", JOURNAL)
    assert shown.exit_code == 0, shown.stderr
    assert "3家企业不再错峰停产" in shown.stdout and "示例县coking20厂" in shown.stdout


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("fmt", ["md", "html", "txt", "docx", "pdf"])
def test_every_stagger_receipt_names_the_enterprise_to_seal(run, lang: str, fmt: str) -> None:
    # the PDF receipt printed "…停产。field" and no 企业名称（盖章）line: the receipt sentence's closing
    # {% endif %} ate the line break before the typesetter's next line (QA of the printed documents)
    from conftest import text_of

    write(Path("county.yaml"), stagger_list())
    stagger(run, "2025-2026", "--json")
    write(Path("county.yaml"), stagger_list(RELEASED_SPECS))  # a release notice too
    data = json.loads(stagger(run, "2025-2026", "--json", "--format", fmt, "--lang", lang).stdout)
    folder = Path("notices") / data["plan"]
    label = "企业名称（盖章）：" if lang == "zh" else "Enterprise (seal): "
    import re

    for notice in plan_notices(data).values():
        text = "".join(re.sub(r"<[^>]+>", "", text_of(folder / notice["file"])).split())
        assert "field" not in text, text[-300:]
        assert "".join((label + notice["name"]).split()) in text, (notice["file"], text[-300:])


# -- a plan issued during its season (QA: notices dated 2026年12月4日 ordered stops from 11月15日) -------------

#: stagger_list()'s plants issued on 2026-12-04 for 2026-2027: stops from 2026-12-05, the 101 days left
#: (12-05…12-31 27, January 31, February 28, March 1–15 15). Whole-season plants (12 key-zone C→D, 14 D,
#: 19 noncompliant) stop the 101; cement 18 (C: 121) no longer fits and stops the 101 too; the rest as before.
MID_SEASON_DAYS = {10: 30, 11: 30, 12: 101, 14: 101, 15: 60, 16: 60, 17: 60, 18: 101, 19: 101, 20: 30}


def test_a_plan_issued_mid_season_orders_only_the_days_left(run, clock_at) -> None:
    from conftest import text_of

    write(Path("county.yaml"), stagger_list())
    clock_at("2026-12-04T23:00")  # at 23:00 no plant can stop that day: the first stop day is tomorrow
    result = stagger(run, "2026-2027", "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    # start: the first day scheduled; the season's own days beside it (SPEC §15's keys kept)
    assert (data["start"], data["end"], data["season_start"], data["season_end"]) == (
        "2026-12-05", "2027-03-15", "2026-11-15", "2027-03-15")
    assert "stops are scheduled from 2026-12-05" in result.stderr and "101 days left" in result.stderr
    days = {int(e["id"][12:17]): e["days"] for e in data["enterprises"]}
    assert days == MID_SEASON_DAYS
    for e in data["enterprises"]:
        (first, last), = e["stop"]
        assert "2026-12-05" <= first <= last <= "2027-03-15"
    # casting: 3 × 101 + 2 × 30 = 363 enterprise-days over 101 days: ceil(3.59) = 4, bound 5; the two 30-day
    # plants share the fourth row. brick: three 60-day blocks in 101 days overlap pairwise (60 + 60 > 101): 3,
    # and the bound is ceil(180 / 101) + 1 = 3.
    assert data["peak"] == {"casting": 4, "brick": 3, "cement": 1, "coking": 1}
    # the season mean reduction over the 101 days left: SO2 of plant i is i × 3.65 t/a = 0.01 i t/d;
    # Σ days × 0.01 i = (300 + 330 + 1212 + 1414 + 900 + 960 + 1020 + 1818 + 1919 + 600) × 0.01 = 104.73
    assert data["reduction"]["mean"]["so2"] == pytest.approx(104.73 / 101, abs=1e-9)
    assert data["reduction"]["min"]["so2"] >= (12 + 14 + 18 + 19) * 0.01 - 1e-9
    folder = Path("notices") / data["plan"]
    rows = list(csv.reader(io.StringIO((folder / "calendar.csv").read_text("utf-8-sig"))))
    assert rows[0][7] == "2026-12-05" and rows[0][-1] == "2027-03-15" and len(rows[0]) == 7 + 101
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    assert (manifest["start"], manifest["season_start"]) == ("2026-12-05", "2026-11-15")
    notices = plan_notices(data)
    text = {i: "".join(text_of(folder / notices[code(i)]["file"]).split()) for i in MID_SEASON_DAYS}
    season = "错峰季：2026年11月15日至2027年3月15日（本计划于2026年12月4日下发，自2026年12月5日起安排停产）"
    assert all(season in t for t in text.values())
    assert all("停产期间：**2026年11月15日" not in t for t in text.values())
    assert "（共101天，全季停产）" in text[12] and "（共101天，全季停产）" in text[19]
    assert "（共101天；按规定应停产121天，本计划下发时错峰季仅余101天，余下各日全部停产）" in text[18]
    assert "（共30天）" in text[10]
    index = "".join((folder / "index.md").read_text("utf-8").split())
    assert "期间：2026年12月5日至2027年3月15日（101天）；错峰季2026年11月15日至2027年3月15日（121天）" in index


@pytest.mark.parametrize(("issued", "first", "days"), [
    ("2026-11-14T23:59", "2026-11-15", 121),  # before the season: the whole season
    ("2026-11-15T00:30", "2026-11-16", 120),  # on its first day the plants have already run since midnight
    ("2026-12-04T09:00", "2026-12-05", 101),
    ("2027-03-14T22:00", "2027-03-15", 1),
])
def test_the_first_stop_day_is_the_day_after_the_plan_is_issued(run, clock_at, issued: str, first: str,
                                                                 days: int) -> None:
    write(Path("county.yaml"), stagger_list())
    clock_at(issued)
    data = json.loads(stagger(run, "2026-2027", "--json", "--dry-run").stdout)
    assert (data["start"], data["season_start"]) == (first, "2026-11-15")
    whole = {code(12), code(14), code(19)}
    assert {e["days"] for e in data["enterprises"] if e["id"] in whole} == {days}
    assert min(e["stop"][0][0] for e in data["enterprises"]) == first


def test_a_replacement_plan_mid_season_reorders_no_day_past(run, clock_at) -> None:
    write(Path("county.yaml"), stagger_list())
    clock_at("2026-11-01T09:00")
    before = json.loads(stagger(run, "2026-2027", "--json").stdout)
    assert before["start"] == "2026-11-15"
    clock_at("2026-12-20T10:00")
    after = json.loads(stagger(run, "2026-2027", "--json").stdout)
    assert after["supersedes"] == before["plan"] and after["start"] == "2026-12-21"
    assert all(e["stop"][0][0] >= "2026-12-21" for e in after["enterprises"])
    left = (date(2027, 3, 15) - date(2026, 12, 21)).days + 1  # 85
    assert {e["days"] for e in after["enterprises"] if e["id"] in {code(12), code(14), code(19)}} == {left}
    journal_plans = json.loads(run("history", "--journal", JOURNAL, "--json").stdout)["events"]
    assert [e["state"] for e in journal_plans] == ["superseded", "current"]
