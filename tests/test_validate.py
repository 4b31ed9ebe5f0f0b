"""``haze validate``: the policy-dependent findings (W301, W302, W306, E201), the
requirement per level, the CLI's output and exit codes, on small lists written
here and on the shipped lists.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import COUNTY, EXAMPLES, write
from haze.core.findings import ERROR, WARNING
from haze.core.model import LEVELS, Level, Pollutant
from haze.commands.validate import validate_list, validate_lists
from test_findings_lists import CONTACT, HEAD, ONE, A, B, C  # fictional codes and the small lists' head

SMALL = EXAMPLES / "small-fails-orange.yaml"


def lines_of(path: Path, policy: str | None = None) -> list[str]:
    return [f.format() for f in validate_list(path, policy).findings]


def only(path: Path, code: str, policy: str | None = None) -> list[str]:
    return [line for line in lines_of(path, policy) if f" {code} " in line]


# -- the shipped lists ----------------------------------------------------------------------

def test_county_list_is_valid_with_its_three_deliberate_warnings(run) -> None:
    result = run("validate", COUNTY)
    assert result.exit_code == 0, result.output
    name = str(COUNTY)
    found = [line for line in result.stdout.splitlines() if line.startswith(f"{name}:") and " W3" in line]
    assert found == [
        f"{name}:301: warning W304 示例县西河砖厂: no contact (name and phone) for the notice",
        f"{name}:365: warning W303 示例县鑫达化工有限公司: idle enterprise still lists emissions; they are not counted",
        f"{name}:421: warning W304 示例县华彩纸品包装有限公司: no contact (name and phone) for the notice",
    ]
    assert result.stdout.rstrip().endswith(f"{name}: 0 errors, 3 warnings — valid")
    assert result.stderr == ""


def test_county_list_ratios_match_the_hand_figures_in_its_header() -> None:
    result = validate_list(COUNTY)
    assert result.ok and result.computed and result.policy == "shanxi-2024"
    # From the list's header comment (share of baseline), to the hundredth of a percent.
    expected = {
        Level.YELLOW: (26.52, 26.34, 26.37, 26.31),
        Level.ORANGE: (38.54, 38.16, 37.35, 41.60),
        Level.RED: (52.76, 54.13, 53.86, 56.44),
    }
    for level, shares in expected.items():
        got = tuple(round(result.levels[level].pollutants[p].ratio * 100, 2) for p in Pollutant)
        assert got == shares


def test_small_list_fails_orange_and_red_with_e201_and_a_plan_hint(run) -> None:
    result = run("validate", SMALL)
    assert result.exit_code == 1
    e201 = [line for line in result.stdout.splitlines() if " E201 " in line]
    assert e201 == [
        f"{SMALL}: error E201 orange (橙色预警, Ⅱ级响应) requirement not met: PM 28.00% < 30.00%, VOCs 29.00% < 30.00%; "
        "run `haze plan orange` for the added cuts that would meet it",
        f"{SMALL}: error E201 red (红色预警, Ⅰ级响应) requirement not met: PM 37.00% < 40.00%, VOCs 39.00% < 40.00%; "
        "run `haze plan red` for the added cuts that would meet it",
    ]
    assert f"{SMALL}: 2 errors, 0 warnings — NOT VALID" in result.stdout


def test_small_list_json_has_the_hand_worked_shortfalls(run) -> None:
    result = run("validate", SMALL, "--json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["ok"] is False
    (entry,) = data["files"]
    assert (entry["path"], entry["ok"], entry["errors"], entry["warnings"]) == (str(SMALL), False, 2, 0)
    assert [(f["code"], f["severity"], f["line"], f["enterprise"]) for f in entry["findings"]] == [
        ("E201", "error", None, None), ("E201", "error", None, None)]
    levels = entry["levels"]
    assert [levels[lv]["ok"] for lv in ("yellow", "orange", "red")] == [True, False, False]
    orange = levels["orange"]["pollutants"]
    # From the list's header: PM 280/1000 and VOCs 290/1000 at orange; shortfalls 20 and 10 t/a.
    assert orange["pm"]["ratio"] == pytest.approx(0.28)
    assert orange["vocs"]["ratio"] == pytest.approx(0.29)
    assert orange["pm"]["shortfall"] == pytest.approx(20 / 365)
    assert orange["vocs"]["shortfall"] == pytest.approx(10 / 365)
    assert levels["red"]["pollutants"]["pm"]["shortfall"] == pytest.approx(30 / 365)
    assert levels["yellow"]["pollutants"]["nox"]["ratio"] == pytest.approx(290 / 1250)


def test_small_list_meets_every_level_of_the_national_policy(run) -> None:
    result = run("validate", SMALL, "--policy", "national-2019")
    assert result.exit_code == 0, result.output
    assert "yellow ≥10%" in result.stdout and "red ≥30%" in result.stdout
    assert "✗" not in result.stdout


def test_worked_example_is_clean() -> None:
    result = validate_list(EXAMPLES / "worked-example.yaml")
    assert (result.errors, result.warnings) == (0, 0)


# -- W301 explicit measure weaker than the policy ------------------------------------------------

def test_w301_line_measure_weaker_than_grade_points_at_the_measure() -> None:
    path = write(Path("list.yaml"), HEAD + f"""\
  - id: {A}
    name: 甲铸造
    industry: casting
    grade: B
{CONTACT}\
    lines:
      - name: 1#冲天炉
        emissions: {{so2: 10}}
        measures:
          yellow: {{cut: 0.1}}
          orange: {{cut: 0.15}}
          red: {{cut: 0.3}}
""")
    # B: 10% / 20% / 30%. Only orange (line 15) is below.
    assert only(path, "W301") == [
        "list.yaml:15: warning W301 orange cut 15% for 甲铸造 / 1#冲天炉 is weaker than the policy's 20% for grade B"]
    finding = validate_list(path).findings[0]  # W320 (no doc_prefix) comes after the located findings
    assert (finding.enterprise, finding.severity) == (A, WARNING)


def test_w301_enterprise_measure_is_reported_once_however_many_lines_use_it() -> None:
    path = write(Path("list.yaml"), HEAD + f"""\
  - id: {A}
    name: 甲砖厂
    grade: C
{CONTACT}\
    lines:
      - {{name: 1#窑, emissions: {{pm: 5}}}}
      - {{name: 2#窑, emissions: {{pm: 5}}}}
    measures:
      yellow: 20%
""")
    assert only(path, "W301") == [
        "list.yaml:13: warning W301 yellow cut 20% for 甲砖厂 is weaker than the policy's 30% for grade C"]


def test_w301_compares_with_the_industry_override() -> None:
    # cement C: 50% at yellow (not the grade's 30%); cement B yellow is 0, so 0 there is not weaker.
    path = write(Path("list.yaml"), HEAD + f"""\
  - id: {A}
    name: 甲水泥
    industry: 水泥
    grade: C
{CONTACT}\
    emissions: {{pm: 10}}
    measures:
      yellow: {{cut: 0.4}}
  - id: {B}
    name: 乙水泥
    industry: cement
    grade: B
{CONTACT}\
    emissions: {{pm: 10}}
    measures:
      yellow: {{cut: 0}}
""")
    assert only(path, "W301") == [
        "list.yaml:12: warning W301 yellow cut 40% for 甲水泥 is weaker than the policy's 50% for grade C in 水泥"]


def test_w301_key_zone_compares_at_the_raised_level_and_ignores_the_unused_yellow() -> None:
    entry = f"""\
  - id: {A}
    name: 甲化工
    grade: B
    zone: key
{CONTACT}\
    emissions: {{vocs: 10}}
    measures:
      yellow: {{cut: 0.05}}
      orange: {{cut: 0.25}}
      red: {{cut: 0.3}}
"""
    # Key zone: declared yellow -> orange, orange and red -> red. 25% ≥ 20% and 30% ≥ 30%; yellow is never used.
    assert only(write(Path("key.yaml"), HEAD + entry), "W301") == []
    plain = write(Path("plain.yaml"), HEAD + entry.replace("    zone: key\n", ""))
    assert only(plain, "W301") == [
        "plain.yaml:11: warning W301 yellow cut 5% for 甲化工 is weaker than the policy's 10% for grade B"]


def test_w301_not_for_guarantee_category_or_unused_enterprise_measures() -> None:
    path = write(Path("list.yaml"), HEAD + f"""\
  - id: {A}
    name: 甲供热
    grade: D
    category: guarantee
{CONTACT}\
    emissions: {{so2: 10}}
    measures: {{yellow: 0.1, orange: 0.1, red: 0.1}}
  - id: {B}
    name: 乙铸造
    grade: C
{CONTACT}\
    lines:
      - name: 1#炉
        emissions: {{pm: 1}}
        measures: {{yellow: 0.3, orange: 0.5, red: stop}}
    measures: {{yellow: 0.1}}
""")
    # The guarantee category (0 at every level) comes before grade D; 乙's only line has its own measures.
    assert only(path, "W301") == []


def test_w301_uses_the_chosen_policy_file(tmp_path: Path) -> None:
    from importlib import resources

    shipped = (resources.files("haze.core.policies") / "shanxi-2024.yaml").read_text(encoding="utf-8")
    strict_b = shipped.replace("name: shanxi-2024", "name: strict-b").replace(
        "  B: &grade-B\n    yellow: {cut: 0.1}", "  B: &grade-B\n    yellow: {cut: 0.2}")
    policy = write(tmp_path / "strict-b.yaml", strict_b)
    path = write(Path("list.yaml"), ONE + ""
                 "    emissions: {so2: 1}\n    measures:\n      yellow: 0.15\n")
    assert only(path, "W301") == []
    assert only(path, "W301", str(policy)) == [
        "list.yaml:11: warning W301 yellow cut 15% for 甲 is weaker than the policy's 20% for grade B"]


POLICY_B_CUTS = {"B": (0.1, 0.2, 0.3), "C": (0.3, 0.5, 1.0), "D": (1.0, 1.0, 1.0),
                 "unrated": (0.2, 0.3, 0.5), "nonleading": (0.2, 0.3, 0.5)}


@settings(max_examples=60, deadline=None)
@given(grade=st.sampled_from(sorted(POLICY_B_CUTS)),
       cuts=st.lists(st.integers(min_value=0, max_value=100), min_size=3, max_size=3).map(sorted))
def test_w301_exactly_where_a_rising_explicit_cut_is_below_the_grade_measure(grade: str, cuts: list[int],
                                                                            tmp_path_factory) -> None:
    """For a plain enterprise, W301 fires at a level if and only if its cut is below the policy's there."""
    folder = tmp_path_factory.mktemp("w301")
    measures = ", ".join(f"{lv.value}: {c / 100}" for lv, c in zip(LEVELS, cuts))
    path = write(folder / "list.yaml", HEAD + f"  - id: {A}\n    name: 甲\n    grade: {grade}\n{CONTACT}"
                 f"    emissions: {{so2: 1}}\n    measures: {{{measures}}}\n")
    result = validate_list(path, cache=False)
    flagged = {f.message.split()[0] for f in result.findings if f.code == "W301"}
    expected = {lv.value for lv, c, floor in zip(LEVELS, cuts, POLICY_B_CUTS[grade]) if c / 100 < floor - 1e-9}
    assert flagged == expected
    assert {f.code for f in result.findings} <= {"W301", "E201", "W320"}  # HEAD has no doc_prefix


# -- W302 self-managed grade with a mandatory cut ------------------------------------------------------

def test_w302_a_or_leading_enterprise_with_an_explicit_cut() -> None:
    path = write(Path("list.yaml"), HEAD + f"""\
  - id: {A}
    name: 甲印刷
    grade: A
{CONTACT}\
    emissions: {{vocs: 10}}
    measures:
      yellow: {{actions: [加强巡查]}}
      orange: {{cut: 0}}
      red: {{cut: 0.2}}
  - id: {B}
    name: 乙玻璃
    grade: 引领性
{CONTACT}\
    lines:
      - name: 1#窑
        emissions: {{pm: 1}}
        measures: {{red: stop}}
""")
    assert only(path, "W302") == [
        "list.yaml:13: warning W302 A-grade enterprise 甲印刷 has a mandatory red cut of 20%; "
        "A and leading enterprises self-manage (自主减排)",
        "list.yaml:21: warning W302 leading-grade enterprise 乙玻璃 has a mandatory red cut of stop; "
        "A and leading enterprises self-manage (自主减排)",
    ]


# -- W306 industry unknown to the policy -------------------------------------------------------------------

def test_w306_unknown_industry_points_at_the_enterprise_and_suggests() -> None:
    path = write(Path("list.yaml"), HEAD + f"""\
  - id: {A}
    name: 甲
    industry: cemnt
    grade: B
{CONTACT}\
    emissions: {{pm: 1}}
  - id: {B}
    name: 乙
    industry: 钢材深加工
    grade: B
{CONTACT}\
    emissions: {{pm: 1}}
  - id: {C}
    name: 丙
    industry: 水泥
    grade: B
{CONTACT}\
    emissions: {{pm: 1}}
  - id: 91140525MA0KT0004M
    name: 丁
    industry: 砖瓦
    grade: B
{CONTACT}\
    emissions: {{pm: 1}}
""")
    # 水泥 is the policy's Chinese name for cement: known. Near misses of a key or a name get a hint.
    assert only(path, "W306") == [
        "list.yaml:5: warning W306 industry 'cemnt' is unknown to policy shanxi-2024; the grade measures apply "
        "(did you mean 'cement'?)",
        "list.yaml:11: warning W306 industry '钢材深加工' is unknown to policy shanxi-2024; the grade measures apply",
        "list.yaml:23: warning W306 industry '砖瓦' is unknown to policy shanxi-2024; the grade measures apply "
        "(did you mean '砖瓦窑'?)",
    ]


# -- E201 and blocking errors -----------------------------------------------------------------------------

def test_e201_one_per_failing_level_on_listed_emissions() -> None:
    # No baseline: the share is of listed emissions. Grade B cuts 10/20/30%, other source 0/50/50%.
    path = write(Path("list.yaml"), ONE + """\
    emissions: {so2: 30}
other_sources:
  - name: 扬尘
    emissions: {so2: 10}
    measures: {orange: 0.5, red: 0.5}
""")
    result = validate_list(path)
    # yellow 3/40 = 7.5%; orange (6+5)/40 = 27.5%; red (9+5)/40 = 35%: all three short.
    assert [f.format() for f in result.findings if f.code == "E201"] == [
        "list.yaml: error E201 yellow (黄色预警, Ⅲ级响应) requirement not met: SO₂ 7.50% < 20.00%; "
        "run `haze plan yellow` for the added cuts that would meet it",
        "list.yaml: error E201 orange (橙色预警, Ⅱ级响应) requirement not met: SO₂ 27.50% < 30.00%; "
        "run `haze plan orange` for the added cuts that would meet it",
        "list.yaml: error E201 red (红色预警, Ⅰ级响应) requirement not met: SO₂ 35.00% < 40.00%; "
        "run `haze plan red` for the added cuts that would meet it",
    ]
    assert result.levels[Level.ORANGE].pollutants[Pollutant.SO2].basis == "listed"
    # Pollutants nobody emits are not assessed, so they cannot fail.
    assert result.levels[Level.RED].failing == [Pollutant.SO2]


def test_a_ratio_just_short_is_never_shown_as_reaching_the_requirement(run) -> None:
    # Listed basis, one enterprise: orange cuts 29.996% of its SO₂, short of 30% by more than the
    # 1e-9 tolerance. Rounded to the nearest it would print "30.00%" next to NOT met.
    path = write(Path("list.yaml"), ONE + """\
    emissions: {so2: 100}
    measures: {yellow: {cut: 0.2}, orange: {cut: 0.29996}, red: {cut: 0.4}}
""")
    result = run("validate", str(path))
    assert result.exit_code == 1
    assert ("list.yaml: error E201 orange (橙色预警, Ⅱ级响应) requirement not met: SO₂ 29.99% < 30.00%; "
            "run `haze plan orange` for the added cuts that would meet it") in result.stdout
    assert "29.99%* ✗" in result.stdout and "30.00%" not in result.stdout.split("requirement by level")[1]


def test_blocking_errors_mean_no_levels_and_say_so(run) -> None:
    path = write(Path("list.yaml"), ONE + ""
                 "    emissions: {so2: -1}\n")
    result = run("validate", path)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "list.yaml:9: error E106 emission of so2 must be finite and ≥ 0 t/a, not -1",
        "list.yaml: warning W320 no doc_prefix (文号前缀): notice numbers would read 〔YEAR〕N号 with nothing "
        "before them; give doc_prefix in the list (文号前缀 in an XLSX's 清单信息 sheet), or activate with "
        "--doc-prefix 示环应急",
        "list.yaml: 1 error, 1 warning — NOT VALID (levels not computed: fix the blocking errors first)",
    ]
    data = json.loads(run("validate", path, "--json").stdout)
    assert data["files"][0]["levels"] == {"yellow": None, "orange": None, "red": None}


def test_non_blocking_errors_still_compute_the_levels() -> None:
    bad = A[:-1] + "D"
    path = write(Path("list.yaml"), HEAD.replace("enterprises:", "  baseline: {so2: 10, nox: 0, pm: 0, vocs: 0}\nenterprises:")
                 + f"  - id: {bad}\n    name: 甲\n    grade: D\n{CONTACT}    emissions: {{so2: 10}}\n")
    result = validate_list(path)
    assert [(f.code, f.line, f.severity) for f in result.findings] == [("E102", 6, ERROR), ("W320", None, WARNING)]
    assert result.computed and all(r.ok for r in result.levels.values())


def test_an_enterprise_with_a_blocking_error_gets_no_grade_based_warnings() -> None:
    # Grade 'E' is unknown: comparing its 5% with the default grade's measures would only mislead.
    path = write(Path("list.yaml"), HEAD + f"  - id: {A}\n    name: 甲\n    grade: E\n{CONTACT}"
                 "    emissions: {so2: 1}\n    measures: {yellow: 0.05}\n")
    assert [f.code for f in validate_list(path).findings] == ["E104", "W320"]  # HEAD has no doc_prefix


def test_unknown_policy_named_in_the_list_is_a_finding_of_the_list() -> None:
    path = write(Path("list.yaml"), HEAD.replace("enterprises:", "  policy: hebei-2030\nenterprises:")
                 + f"  - id: {A}\n    name: 甲\n    grade: B\n{CONTACT}    emissions: {{so2: 1}}\n")
    result = validate_list(path)
    assert [f.code for f in result.findings] == ["E104"]
    assert result.findings[0].format().startswith("list.yaml: error E104 policy 'hebei-2030' ")
    assert not result.computed


def test_strict_turns_every_warning_into_an_error(run) -> None:
    result = run("validate", COUNTY, "--strict")
    assert result.exit_code == 1
    assert f"{COUNTY}:365: error W303 " in result.stdout
    assert result.stdout.rstrip().endswith(f"{COUNTY}: 3 errors, 0 warnings — NOT VALID")


def test_strict_ids_false_keeps_a_bad_code_a_warning(run) -> None:
    bad = A[:-1] + "D"
    path = write(Path("list.yaml"), HEAD.replace("enterprises:", "  strict_ids: false\n  baseline: {so2: 10}\n"
                                                                 "enterprises:")
                 + f"  - id: {bad}\n    name: 甲\n    grade: D\n{CONTACT}    emissions: {{so2: 10}}\n")
    result = run("validate", path)
    assert result.exit_code == 0, result.output
    assert f"list.yaml:7: warning E102 bad credit code {bad} (check character should be C)" in result.stdout


# -- the command line -------------------------------------------------------------------------------------------

def test_several_files_report_everything_and_exit_1_if_any_has_errors(run) -> None:
    broken = write(Path("broken.yaml"), "list: [\n")
    result = run("validate", COUNTY, "missing.yaml", broken, SMALL)
    assert result.exit_code == 1
    out = result.stdout
    assert "missing.yaml: error E001 no such file" in out
    assert "broken.yaml:2: error E002 " in out
    assert f"{SMALL}: error E201 orange" in out
    assert f"{COUNTY}: 0 errors, 3 warnings — valid" in out
    assert out.rstrip().endswith("4 files: 1 valid, 3 with errors")


def test_json_is_the_only_output_and_matches_the_library(run) -> None:
    result = run("validate", COUNTY, SMALL, "--json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    library = validate_lists([COUNTY, SMALL]).to_json()
    assert data == json.loads(json.dumps(library))
    assert list(data) == ["ok", "files", "total"]  # two lists: SPEC §13 adds the city total per level
    county = data["files"][0]
    assert {"path", "ok", "errors", "warnings", "findings", "levels"} <= set(county)
    assert county["findings"][1] == {"severity": "warning", "code": "W303", "line": 365,
                                     "enterprise": "911405256215634391",
                                     "message": "示例县鑫达化工有限公司: idle enterprise still lists emissions; they are not counted"}
    assert set(county["levels"]["red"]) >= {"ok", "pollutants"}
    assert county["levels"]["red"]["pollutants"]["vocs"]["ratio"] == pytest.approx(0.5644, abs=5e-5)


def test_no_list_is_a_usage_error(run) -> None:
    result = run("validate")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "no list given" in result.stderr


def test_unknown_option_and_unknown_policy_option_are_usage_errors(run) -> None:
    assert run("validate", COUNTY, "--bogus").exit_code == 2
    result = run("validate", COUNTY, "--policy", "hebei-2030")
    assert result.exit_code == 2
    assert "unknown policy 'hebei-2030'" in result.stderr


def test_list_from_option_and_from_haze_yaml(run) -> None:
    assert run("validate", "--list", SMALL).exit_code == 1
    write(Path("haze.yaml"), f"list: {COUNTY}\n")
    from_config = run("validate")
    assert from_config.exit_code == 0
    assert f"{COUNTY}: 0 errors, 3 warnings — valid" in from_config.stdout
    # A list on the command line replaces the configured one rather than adding to it.
    named = run("validate", SMALL)
    assert str(COUNTY) not in named.stdout and named.exit_code == 1
    # --list typed next to positional lists is validated too.
    both = run("validate", SMALL, "--list", COUNTY)
    assert str(COUNTY) in both.stdout and "2 files: 1 valid, 1 with errors" in both.stdout


def test_strict_from_haze_yaml(run) -> None:
    write(Path("haze.yaml"), f"list: {COUNTY}\nstrict: true\n")
    assert run("validate").exit_code == 1


def test_the_requirement_table_marks_each_level(run) -> None:
    out = run("validate", SMALL).stdout
    rows = {line.split()[0]: line for line in out.splitlines() if line.split()[:1] in (["PM"], ["VOCs"], ["met"])}
    assert rows["PM"].split()[2:] == ["22.00%", "✓", "28.00%", "✗", "37.00%", "✗"]
    assert rows["VOCs"].split()[2:] == ["23.00%", "✓", "29.00%", "✗", "39.00%", "✗"]
    assert rows["met"].split()[1:] == ["yes", "NO", "NO"]


def test_cached_and_uncached_runs_agree(run) -> None:
    first = run("validate", COUNTY, "--json").stdout
    again = run("validate", COUNTY, "--json").stdout
    fresh = run("validate", COUNTY, "--json", "--no-cache").stdout
    assert first == again == fresh


def test_help_names_the_exit_codes(run) -> None:
    result = run("validate", "--help")
    assert result.exit_code == 0
    assert "Exit 0 when no list has errors, 1 when any has, 2 for a usage error." in result.stdout
    for option in ("--list", "--policy", "--strict", "--json", "--no-cache", "--config"):
        assert option in result.stdout


def test_docs_list_every_finding_code() -> None:
    from haze.core.findings import CODES

    docs = (Path(__file__).resolve().parent.parent / "docs" / "validation.md").read_text(encoding="utf-8")
    assert [code for code in CODES if f"`{code}`" not in docs] == []


def test_a_csv_list_gets_the_same_findings_by_row(run) -> None:
    Path("list.csv").write_text(
        "企业名称,统一社会信用代码,行业,绩效等级,SO2,黄色预警限产比例,联系人,联系电话\n"
        f"示例县甲厂,{A},casting,B,10,0.05,张三,0356-2000001\n"
        f"示例县乙厂,{B},铸件,A,10,0.2,李四,0356-2000002\n", encoding="utf-8")
    result = run("validate", "list.csv")
    assert result.exit_code == 1  # yellow: (0.05 × 10 + 0.2 × 10) / 20 = 12.5% of listed SO₂, E201
    out = result.stdout.splitlines()
    assert "list.csv:2: warning W301 yellow cut 5% for 示例县甲厂 is weaker than the policy's 10% for grade B" in out
    assert any(line.startswith("list.csv:3: warning W302 A-grade enterprise 示例县乙厂") for line in out)
    assert any(line.startswith("list.csv:3: warning W306 industry '铸件'") for line in out)
    assert "list.csv: error E201 yellow (黄色预警, Ⅲ级响应) requirement not met: SO₂ 12.50% < 20.00%; run `haze plan yellow` " \
        "for the added cuts that would meet it" in out
    assert "* share of listed emissions (no baseline)" in result.stdout


def test_a_reader_that_stops_early_ends_validate_quietly(tmp_path: Path) -> None:
    """``haze validate big.yaml | head``: exit 141 like any Unix tool, no 'internal error' line."""
    import subprocess
    import sys

    from haze.core.creditcode import check_character

    entries = []
    for i in range(1500):  # 1500 W304 lines, over 100 kB: more than a pipe buffer holds
        first17 = f"91140525MA{i:07d}"
        entries.append(f"  - id: {first17}{check_character(first17)}\n    name: 示例县{i}号厂\n    grade: B\n"
                       "    emissions: {so2: 1}\n")
    path = write(tmp_path / "big.yaml", HEAD + "".join(entries))
    proc = subprocess.Popen([sys.executable, "-m", "haze", "validate", str(path)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    first = proc.stdout.readline()
    proc.stdout.close()
    stderr = proc.stderr.read()
    assert proc.wait() == 141
    assert b" W304 " in first
    assert stderr == b""


def test_names_with_brackets_are_printed_as_written_never_as_markup(run, tmp_path: Path) -> None:
    # rich would read "[/]" as a closing tag (MarkupError, exit 3) and drop "[bold red]"
    from importlib import resources

    shipped = (resources.files("haze.core.policies") / "shanxi-2024.yaml").read_text(encoding="utf-8")
    policy = write(tmp_path / "odd.yaml", shipped.replace("name: shanxi-2024", 'name: "示例[/]县[bold red]政策"'))
    path = write(Path("list.yaml"), ONE.replace("name: 甲", 'name: "中兴[/]化工[bold red]"') + ""
                 "    emissions: {so2: 1}\n    measures:\n      yellow: 0.05\n")
    result = run("validate", str(path), "--policy", str(policy))
    assert result.exit_code == 1, result.stderr  # E201 at every level: 5% / 20% / 30% of listed SO₂
    assert "requirement by level — policy 示例[/]县[bold red]政策" in result.stdout
    assert "warning W301 yellow cut 5% for 中兴[/]化工[bold red] is weaker" in result.stdout
