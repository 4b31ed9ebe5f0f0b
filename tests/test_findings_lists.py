"""The list reader's findings (SPEC §5): every policy-independent code, at its exact line.

Each case is a small YAML list written here; the assertion names the code and
``PATH:LINE`` exactly as ``haze validate`` prints it. Lines are counted from
the text of the case (``HEAD`` is lines 1–4; the first enterprise starts on 5).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import write
from haze.core.creditcode import CHARSET, check_character
from haze.core.findings import BLOCKING, CODES, ERROR, WARNING, Finding
from haze.io.lists import parse_list, read_list
from haze.core.model import Level, Pollutant

# Fictional credit codes with valid check characters (haze.core.creditcode.check_character).
A = "91140525MA0KT0001C"
B = "91140525MA0KT0002F"
C = "91140525MA0KT0003J"

HEAD = """\
list:
  region: 示例县
  authority: 示例县生态环境局
enterprises:
"""

CONTACT = '    contact: {name: 张三, phone: "0356-2000001"}\n'
#: HEAD and an enterprise's id, name, grade and contact: lines 5–8, so the next key is on line 9.
ONE = HEAD + f"  - id: {A}\n    name: 甲\n    grade: B\n{CONTACT}"


def findings_of(text: str | bytes, name: str = "list.yaml") -> list[Finding]:
    path = Path(name)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        write(path, text)
    return read_list(path).findings


def found(text: str | bytes, name: str = "list.yaml") -> list[str]:
    """The findings of a list file, formatted as validate prints them."""
    return [f.format() for f in findings_of(text, name)]


def codes_at(text: str | bytes, name: str = "list.yaml") -> list[tuple[str, int | None]]:
    return [(f.code, f.line) for f in findings_of(text, name)]


def one(text: str | bytes, code: str, line: int | None, severity: str = ERROR, name: str = "list.yaml") -> str:
    """Assert exactly one finding with ``code``, at ``line``; return its formatted line."""
    lines = [f for f in found(text, name) if f" {code} " in f]
    where = f"{name}:{line}" if line is not None else name
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"{where}: {severity} {code} "), lines[0]
    return lines[0]


# -- a clean list has no findings -----------------------------------------------------

CLEAN = HEAD + f"""\
  - id: {A}
    name: 示例县甲铸造有限公司
    industry: casting
    grade: B
{CONTACT}\
    emissions: {{so2: 10, nox: 20, pm: 5, vocs: 1}}
  - id: {B}
    name: 示例县乙焦化有限公司
    grade: C级
    zone: key
{CONTACT}\
    lines:
      - name: 1#焦炉
        emissions: {{so2: 100, 二氧化硫: 0}}
"""


def test_a_clean_list_reads_without_findings() -> None:
    clean = CLEAN.replace("so2: 100, 二氧化硫: 0", "so2: 100")
    assert found(clean) == []
    report = read_list("list.yaml")
    assert [e.id for e in report.enterprise_list.enterprises] == [A, B]
    assert report.enterprise_list.enterprises[1].key_zone is True
    assert report.enterprise_list.enterprises[1].lines[0].emission(Pollutant.SO2) == 100.0


# -- E001 unreadable file ----------------------------------------------------------------

def test_e001_missing_file_names_the_file_without_a_line() -> None:
    report = read_list("absent.yaml")
    assert report.enterprise_list is None
    assert [f.format() for f in report.findings] == ["absent.yaml: error E001 no such file"]


def test_e001_not_utf8_names_the_line_of_the_bad_byte() -> None:
    data = (HEAD + "  - id: X\n    name: 示例县\n").encode("utf-8").replace("示例县".encode(), "示例县".encode("gb18030"), 2)
    # The first GB18030 bytes stand on line 2 (region: 示例县).
    assert one(data, "E001", 2).endswith("save the file as UTF-8")


def test_e001_utf16_file_is_refused_with_advice() -> None:
    assert one(HEAD.encode("utf-16"), "E001", None).endswith("file is UTF-16; save it as UTF-8")


def test_e001_unknown_extension_and_directory() -> None:
    write(Path("list.txt"), HEAD)
    assert [f.code for f in read_list("list.txt").findings] == ["E001"]
    Path("folder.yaml").mkdir()
    assert [f.format() for f in read_list("folder.yaml").findings] == [
        "folder.yaml: error E001 is a directory, not a list file"]


# -- E002 syntax ------------------------------------------------------------------------------

def test_e002_yaml_syntax_error_names_its_line() -> None:
    text = HEAD + f"  - id: {A}\n    name: [示例县甲厂\n    grade: B\n"
    # The bracket opened on line 6 is found unclosed on line 7, where the parser stops.
    assert "while parsing a flow sequence" in one(text, "E002", 7)
    assert read_list("list.yaml").enterprise_list is None


def test_e002_object_constructing_tags_are_refused() -> None:
    text = HEAD + "  - !!python/object/apply:os.system ['echo hi']\n"
    line = one(text, "E002", 5)
    assert "tags that construct objects are not allowed" in line


# -- E003 structure and E004 hostile input -----------------------------------------------------

def test_e003_empty_file() -> None:
    one("\n\n", "E003", 1)


def test_e003_top_level_must_be_a_mapping() -> None:
    assert one("- a\n- b\n", "E003", 1).endswith("not a list")


def test_e004_alias_bomb_is_refused_not_expanded() -> None:
    rows = ['a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for i in range(1, 9):
        prev = chr(ord("a") + i - 1)
        cur = chr(ord("a") + i)
        rows.append(f"{cur}: &{cur} [" + ", ".join([f"*{prev}"] * 10) + "]")
    text = "\n".join(rows) + "\n"
    assert "YAML bomb" in one(text, "E004", 1)


def test_e004_nesting_too_deep_names_the_line() -> None:
    text = "list:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 70)) + "  " * 70 + "v: 1\n"
    # Depth 65 (the root mapping plus 64 nested ones) is first reached on line 65.
    one(text, "E004", 65)


# -- E100 missing required field -----------------------------------------------------------------

def test_e100_missing_list_section_and_enterprises() -> None:
    text = "other_sources: []\n"
    assert codes_at(text) == [("E100", 1), ("E100", 1)]


def test_e100_missing_region_points_at_the_list_mapping() -> None:
    text = HEAD.replace("  region: 示例县\n", "") + f"  - id: {A}\n    name: 甲\n    grade: B\n{CONTACT}" \
        "    emissions: {so2: 1}\n"
    assert one(text, "E100", 2).endswith("list has no region")


def test_e100_empty_authority_points_at_its_key() -> None:
    text = HEAD.replace("authority: 示例县生态环境局", 'authority: ""')
    assert one(text + f"  - id: {A}\n    name: 甲\n    grade: B\n{CONTACT}    emissions: {{so2: 1}}\n",
               "E100", 3).endswith("list has no authority")


def test_e100_enterprise_without_name_or_production() -> None:
    text = HEAD + f"  - id: {A}\n{CONTACT}    town: 城关镇\n"
    assert sorted(codes_at(text)) == [("E100", 5), ("E100", 5), ("W310", 5)]
    messages = found(text)
    assert any("has no name" in m for m in messages)
    assert any("neither emissions nor lines" in m for m in messages)


def test_w310_missing_grade_is_unrated_and_does_not_block(run, tmp_path) -> None:
    text = HEAD + f"  - id: {A}\n    name: 甲\n{CONTACT}    emissions: {{so2: 365}}\n"
    assert one(text, "W310", 5, severity="warning").endswith("no grade: treated as unrated (未评级)")
    path = tmp_path / "ungraded.yaml"
    path.write_text(text, encoding="utf-8")
    result = run("check", "orange", "--list", path, "--json")
    assert result.exit_code in (0, 1), result.stderr
    import json
    enterprise = json.loads(result.stdout)["enterprises"][0]
    assert enterprise["grade"] == "unrated"
    assert enterprise["lines"][0]["cut"] == 0.3  # unrated at orange


def test_e100_line_without_a_name() -> None:
    text = ONE + "    lines:\n      - emissions: {so2: 1}\n"
    assert one(text, "E100", 10).endswith("a line has no name")


# -- E101 wrong type ----------------------------------------------------------------------------------

def test_e101_emission_that_is_not_a_number() -> None:
    text = ONE + "    emissions:\n      so2: 很多\n"
    assert "emission of so2 must be a number" in one(text, "E101", 10)


def test_e101_enterprises_must_be_a_list() -> None:
    one(HEAD.replace("enterprises:\n", "enterprises: 甲厂\n"), "E101", 4)


def test_e101_operating_days_and_actions() -> None:
    text = HEAD + f"""\
  - id: {A}
    name: 甲
    grade: B
    operating_days: 全年
{CONTACT}\
    emissions: {{so2: 1}}
    measures:
      orange: {{cut: 0.3, actions: {{a: 1}}}}
"""
    assert codes_at(text) == [("E101", 8), ("E101", 12)]


def test_e101_bad_cut_text() -> None:
    text = ONE + "    emissions: {so2: 1}\n" \
        "    measures:\n      red: {cut: 大部分}\n"
    assert "a cut must be a fraction" in one(text, "E101", 11)


# -- E102 credit code -----------------------------------------------------------------------------------

def test_e102_bad_check_character_says_which_it_should_be() -> None:
    bad = A[:-1] + "D"
    text = HEAD + f"  - id: {bad}\n    name: 甲\n    grade: B\n{CONTACT}    emissions: {{so2: 1}}\n"
    line = one(text, "E102", 5)
    assert line == f"list.yaml:5: error E102 bad credit code {bad} (check character should be C)"
    assert read_list("list.yaml").findings[0].enterprise == bad


def test_e102_wrong_length_and_characters() -> None:
    text = HEAD + f"""\
  - id: 91140525MA0K
    name: 甲
    grade: B
{CONTACT}\
    emissions: {{so2: 1}}
  - id: 91140525MA0KIO01SZ
    name: 乙
    grade: B
{CONTACT}\
    emissions: {{so2: 1}}
"""
    assert codes_at(text) == [("E102", 5), ("E102", 10)]
    messages = found(text)
    assert messages[0].endswith("has 12 characters, not 18)")
    assert messages[1].endswith("has characters outside the code's set: I O S Z)")


def test_e102_is_a_warning_when_the_list_says_strict_ids_false() -> None:
    bad = A[:-1] + "D"
    text = HEAD.replace("enterprises:", "  strict_ids: false\nenterprises:") + \
        f"  - id: {bad}\n    name: 甲\n    grade: B\n{CONTACT}    emissions: {{so2: 1}}\n"
    one(text, "E102", 6, severity=WARNING)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=CHARSET, min_size=17, max_size=17))
def test_e102_never_for_a_code_with_its_own_check_character(first17: str) -> None:
    """Any 17 characters of the set plus the computed check character is accepted."""
    code = first17 + check_character(first17)
    report = parse_list((HEAD + f"  - id: '{code}'\n    name: 甲\n    grade: B\n{CONTACT}"
                         "    emissions: {so2: 1}\n").encode(), "list.yaml")
    assert [f.code for f in report.findings] == []


# -- E103 unknown key ---------------------------------------------------------------------------------

def test_e103_unknown_key_suggests_the_close_one() -> None:
    text = HEAD + f"  - id: {A}\n    name: 甲\n    gade: B\n    grade: B\n{CONTACT}    emissions: {{so2: 1}}\n"
    assert one(text, "E103", 7).endswith("unknown key 'gade' in an enterprise (did you mean 'grade'?)")


def test_e103_unknown_pollutant_and_level() -> None:
    text = ONE + """\
    emissions:
      so2: 1
      co2: 50
    measures:
      purple: {cut: 0.5}
"""
    assert codes_at(text) == [("E103", 11), ("E103", 13)]
    assert "unknown pollutant 'co2'" in found(text)[0]
    assert "unknown level 'purple'" in found(text)[1]


# -- E104 unknown value ---------------------------------------------------------------------------------

def test_e104_unknown_grade_zone_category_status_and_compliant() -> None:
    text = HEAD + f"""\
  - id: {A}
    name: 甲
    grade: E
    zone: 城区
    category: 特殊类
    status: 半停产
    compliant: 也许
{CONTACT}\
    emissions: {{so2: 1}}
"""
    # zone, status and yes/no are the reader's; grade and category are the policy's (SPEC §19),
    # found once the policy is chosen, at their own lines, with the policy's names listed
    assert codes_at(text) == [("E104", 8), ("E104", 10), ("E104", 11)]
    from haze.commands.validate import validate_list

    validated = validate_list(write(Path("list.yaml"), text), cache=False)
    assert [(f.code, f.line) for f in validated.findings if f.code == "E104"] == [
        ("E104", 7), ("E104", 8), ("E104", 9), ("E104", 10), ("E104", 11)]
    grade = next(f.message for f in validated.findings if f.line == 7)
    assert grade.startswith("unknown grade 'E'; policy shanxi-2024 knows A (A级, A类), leading (")
    assert "B- (B-级, B－, 含B-" in grade and "D (D级, D类)" in grade
    category = next(f.message for f in validated.findings if f.line == 9)
    assert "unknown category '特殊类'" in category and "guarantee (保障类, 民生保障类" in category


# -- E105 cut outside 0–1 -------------------------------------------------------------------------------

@pytest.mark.parametrize("cut", ["1.5", '"150%"', "-0.1", ".nan"])
def test_e105_cut_outside_zero_to_one(cut: str) -> None:
    text = ONE + f"    emissions: {{so2: 1}}\n" \
        f"    measures:\n      orange:\n        cut: {cut}\n"
    assert "is outside 0–1" in one(text, "E105", 12)


# -- E106 bad emission ----------------------------------------------------------------------------------

@pytest.mark.parametrize("amount", ["-3", ".nan", ".inf", "-.inf"])
def test_e106_negative_nan_or_infinite_emission(amount: str) -> None:
    text = ONE + f"    emissions:\n      so2: 1\n" \
        f"      pm: {amount}\n"
    assert "emission of pm must be finite and ≥ 0 t/a" in one(text, "E106", 11)


def test_e106_negative_baseline() -> None:
    text = HEAD.replace("enterprises:", "  baseline:\n    so2: -5000\nenterprises:") + \
        f"  - id: {A}\n    name: 甲\n    grade: B\n{CONTACT}    emissions: {{so2: 1}}\n"
    one(text, "E106", 5)


# -- E107 both emissions and lines ------------------------------------------------------------------------

def test_e107_both_emissions_and_lines_points_at_lines() -> None:
    text = ONE + """\
    emissions: {so2: 1}
    lines:
      - name: 1#炉
        emissions: {so2: 1}
"""
    assert one(text, "E107", 10).endswith("an enterprise has either emissions or lines, not both")


# -- E108 duplicate id --------------------------------------------------------------------------------------

def test_e108_duplicate_enterprise_id_names_both_lines() -> None:
    entry = f"  - id: {A}\n    name: 甲\n    grade: B\n{CONTACT}    emissions: {{so2: 1}}\n"
    text = HEAD + entry + entry.replace("甲", "乙")
    assert one(text, "E108", 10).endswith(f"enterprise id {A} appears twice (first on line 5)")


# -- E109 duplicate key ---------------------------------------------------------------------------------------

def test_e109_duplicate_yaml_key() -> None:
    text = HEAD + f"  - id: {A}\n    name: 甲\n    grade: B\n    grade: D\n{CONTACT}    emissions: {{so2: 1}}\n"
    assert one(text, "E109", 8).endswith("duplicate key 'grade' (first on line 7); it is ambiguous which value is meant")


def test_e109_same_pollutant_under_two_names() -> None:
    text = ONE + "    emissions:\n      so2: 1\n" \
        "      二氧化硫: 2\n"
    assert one(text, "E109", 11).endswith("pollutant so2 given twice")


def test_e109_same_level_under_two_names() -> None:
    text = ONE + "    emissions: {so2: 1}\n" \
        "    measures:\n      orange: {cut: 0.3}\n      橙色: {cut: 0.4}\n"
    assert one(text, "E109", 12).endswith("measures for orange given twice")


# -- E110 measures weaken as the level rises ---------------------------------------------------------------------

def test_e110_weaker_cut_at_a_higher_level_points_at_that_level() -> None:
    text = ONE + """\
    lines:
      - name: 1#炉
        emissions: {so2: 1}
        measures:
          yellow: {cut: 0.5}
          orange: {actions: [加强巡查]}
          red: {cut: 40%}
"""
    # orange sets no cut, so red (line 15) is compared with yellow.
    assert one(text, "E110", 15).endswith("red cut 40% is weaker than yellow cut 50%")


def test_e110_stop_then_a_cut() -> None:
    text = ONE + "    emissions: {so2: 1}\n" \
        "    measures:\n      orange: {stop: true}\n      red: 0.9\n"
    assert one(text, "E110", 12).endswith("red cut 90% is weaker than orange cut stop")


def test_e110_across_a_lines_measures_and_the_enterprises() -> None:
    """Each table rises on its own, but line 1#炉 gets 60% at yellow and then the enterprise's 50% at orange."""
    text = ONE + """\
    lines:
      - name: 1#炉
        emissions: {so2: 1}
        measures:
          yellow: {cut: 0.6}
          red: {stop: true}
      - name: 2#炉
        emissions: {so2: 1}
    measures:
      yellow: {cut: 0.3}
      orange: {cut: 0.5}
"""
    # Reported at the enterprise's orange measure (line 19), naming the line; 2#炉 uses the enterprise's alone.
    assert one(text, "E110", 19).endswith("orange cut 50% for line 1#炉 is weaker than its yellow cut 60% "
                                          "(line and enterprise measures together)")


def test_e110_not_reported_twice_within_one_table() -> None:
    text = ONE + """\
    lines:
      - name: 1#炉
        emissions: {so2: 1}
        measures: {yellow: 0.6, orange: 0.4}
    measures: {red: stop}
"""
    assert codes_at(text) == [("E110", 12)]


def test_e110_other_sources_too() -> None:
    text = ONE + "    emissions: {so2: 1}\n" \
        "other_sources:\n  - name: 工地扬尘\n    emissions: {pm: 9}\n    measures: {yellow: 0.5, orange: 0.3}\n"
    assert one(text, "E110", 13).endswith("orange cut 30% is weaker than yellow cut 50%")


# -- E111 operating days ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("days", ["0", "-30"])
def test_e111_operating_days_not_positive(days: str) -> None:
    text = HEAD + f"  - id: {A}\n    name: 甲\n    grade: B\n    operating_days: {days}\n{CONTACT}" \
        "    emissions: {so2: 1}\n"
    one(text, "E111", 8)


# -- warnings the reader can know -----------------------------------------------------------------------------------

def test_w303_idle_enterprise_with_emissions_points_at_them() -> None:
    text = HEAD + f"  - id: {A}\n    name: 甲\n    grade: B\n    status: 停产\n    emissions: {{so2: 1}}\n"
    assert one(text, "W303", 9, WARNING).endswith(" 甲: idle enterprise still lists emissions; they are not counted")
    # An idle enterprise gets no notice, so a missing contact is not worth a warning.
    assert [c for c, _ in codes_at(text)] == ["W303"]


def test_w304_missing_contact_points_at_the_enterprise() -> None:
    text = HEAD + f"  - id: {A}\n    name: 甲\n    grade: B\n    emissions: {{so2: 1}}\n"
    assert one(text, "W304", 5, WARNING).endswith(" 甲: no contact (name and phone) for the notice")


@pytest.mark.parametrize("days", ["400", "0.5"])
def test_w305_operating_days_outside_range(days: str) -> None:
    text = HEAD + f"  - id: {A}\n    name: 甲\n    grade: B\n    operating_days: {days}\n{CONTACT}" \
        "    emissions: {so2: 1}\n"
    one(text, "W305", 8, WARNING)


def test_w308_phone_read_as_a_number() -> None:
    text = HEAD + f"  - id: {A}\n    name: 甲\n    grade: B\n    contact:\n      name: 张三\n" \
        "      phone: 0356.2000001\n    emissions: {so2: 1}\n"
    assert "quote it to keep it as written" in one(text, "W308", 10, WARNING)


def test_w309_control_characters_are_removed_from_text() -> None:
    # An escape code pasted into a name would reach the notices and the terminal.
    text = HEAD + f'  - id: {A}\n    name: "示例县\\x1b[31m甲厂"\n    grade: B\n{CONTACT}    emissions: {{so2: 1}}\n'
    one(text, "W309", 6, WARNING)
    assert read_list("list.yaml").enterprise_list.enterprises[0].name == "示例县[31m甲厂"


# -- what the reader gives the engine --------------------------------------------------------------------------------

def test_aliases_and_percent_cuts_are_read_as_the_model() -> None:
    text = HEAD + f"""\
  - id: {A}
    name: 甲
    grade: 非引领性
    category: 保障类
    operating_days: 300
{CONTACT}\
    lines:
      - name: 1#炉
        emissions: {{二氧化硫: 12.5, VOCs: 3}}
        measures: {{黄色: 0.3, Ⅱ: "50%", 红色: 停产}}
"""
    report = read_list(write(Path("list.yaml"), text))
    assert report.findings == []
    e = report.enterprise_list.enterprises[0]
    # kept as written; the policy names them (SPEC §19)
    assert (e.grade, e.category, e.operating_days) == ("非引领性", "保障类", 300)
    from haze.core.policy import load_policy

    policy = load_policy(None)
    assert (policy.grade_key(e.grade), policy.category_key(e.category)) == ("nonleading", "guarantee")
    line = e.lines[0]
    assert line.emissions == {Pollutant.SO2: 12.5, Pollutant.VOCS: 3.0}
    assert {lvl: m.value for lvl, m in line.measures.items()} == {Level.YELLOW: 0.3, Level.ORANGE: 0.5,
                                                                   Level.RED: 1.0}
    assert line.measures[Level.ORANGE].line == 14


def test_every_finding_code_is_tested() -> None:
    """A new code in haze.core.findings must come with a test that produces it (W307 is the CSV reader's)."""
    tests = "".join(p.read_text(encoding="utf-8") for p in Path(__file__).parent.glob("test_*.py"))
    untested = [code for code in CODES if f'"{code}"' not in tests]
    assert untested == []
    assert BLOCKING <= set(CODES)
