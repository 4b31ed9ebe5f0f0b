"""CSV lists (SPEC §9): encodings, delimiters, header variants, cells, and findings that name row and column.

Every file is written here, byte for byte, as Excel (or a hurried officer)
would write it. Row numbers are the spreadsheet's: the header is row 1.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import EXAMPLES
from haze.core.engine import compute
from haze.io.lists import read_list
from haze.io.lists.table import NO_AUTHORITY, column_key, header_forms
from haze.core.model import Level, Pollutant, Status
from haze.core.policy import load_policy

# Fictional credit codes with valid check characters (haze.core.creditcode.check_character).
A = "91140525MA0KAY4C6U"
B = "91140525MA0KH3BJ1D"
C = "91140525MA0KL12T2E"

HEADER = "企业名称,统一社会信用代码,乡镇,行业,绩效等级,重点区域,生产线,SO2,NOx,PM,VOCs,黄色预警限产比例,橙色预警限产比例,红色预警限产比例,联系人,联系电话"
ROWS = [
    f"示例县东方铸造有限公司,{A},城关镇,casting,B,,,100,200,300,100,,,,王建国,0356-2000101",
    f"示例县南山焦化有限公司,{B},南村镇,coking,C,是,1#焦炉,\"1,200\",500,100,100,30%,0.5,停产,张志刚,0356-2000103",
    f"示例县南山焦化有限公司,{B},南村镇,coking,C,是,2#焦炉,300,500,100,100,30%,0.6,stop,张志刚,0356-2000103",
]
TEXT = "\r\n".join([HEADER, *ROWS]) + "\r\n"
SHANXI = load_policy("shanxi-2024")


def csv_file(name: str, data: bytes) -> Path:
    path = Path(name)
    path.write_bytes(data)
    return path


def findings_of(path: Path) -> list[str]:
    return [f.format() for f in read_list(path).findings]


def assert_reference(path: Path) -> None:
    """The three rows above, read in full: what every encoding must give."""
    report = read_list(path)
    assert report.blocking == []
    enterprise_list = report.enterprise_list
    assert enterprise_list is not None
    assert enterprise_list.info.region == path.stem
    assert enterprise_list.info.authority == NO_AUTHORITY
    assert [f.code for f in report.findings if "authority" in f.message] == ["W311"]
    assert enterprise_list.info.baseline is None
    first, second = enterprise_list.enterprises
    assert (first.id, first.name, first.town, first.grade, first.has_lines) == (A, "示例县东方铸造有限公司", "城关镇",
                                                                                "B", False)
    assert first.lines[0].emissions == {Pollutant.SO2: 100, Pollutant.NOX: 200, Pollutant.PM: 300, Pollutant.VOCS: 100}
    assert first.contact is not None and first.contact.phone == "0356-2000101"
    assert second.key_zone and second.has_lines
    assert [line.name for line in second.lines] == ["1#焦炉", "2#焦炉"]
    assert second.lines[0].emissions[Pollutant.SO2] == 1200  # "1,200"
    # Both lines cut 30% at yellow and stop at red: the enterprise's; orange differs per line.
    assert second.measures[Level.YELLOW].cut == pytest.approx(0.3)
    assert second.measures[Level.RED].stop is True
    assert second.lines[0].measures[Level.ORANGE].cut == 0.5
    assert second.lines[1].measures[Level.ORANGE].cut == 0.6


# -- encodings ------------------------------------------------------------------------

@pytest.mark.parametrize("name, data", [
    ("utf8.csv", TEXT.encode("utf-8")),
    ("bom.csv", TEXT.encode("utf-8-sig")),
    ("gb18030.csv", TEXT.encode("gb18030")),
    ("unicode-text.csv", TEXT.replace(",", "\t").replace('"1\t200"', "1200").encode("utf-16")),
    ("semicolons.csv", TEXT.replace(",", ";").replace('"1;200"', '"1,200"').encode("utf-8")),
    ("tabs-utf8.csv", TEXT.replace(",", "\t").replace('"1\t200"', "1200").encode("utf-8")),
])
def test_every_excel_encoding_and_delimiter_reads_the_same_list(name: str, data: bytes) -> None:
    assert_reference(csv_file(name, data))


def test_gb18030_is_not_mistaken_for_utf8_and_utf8_not_for_gb18030() -> None:
    # The same Chinese text in both encodings: each must come back as written.
    gbk = read_list(csv_file("gbk.csv", TEXT.encode("gb18030"))).enterprise_list
    utf = read_list(csv_file("utf.csv", TEXT.encode("utf-8"))).enterprise_list
    assert gbk is not None and utf is not None
    assert [e.name for e in gbk.enterprises] == [e.name for e in utf.enterprises] == ["示例县东方铸造有限公司",
                                                                                       "示例县南山焦化有限公司"]


def test_an_undecodable_file_is_one_clear_error(run) -> None:
    path = csv_file("broken.csv", b"\x80\xff\xfe\x81" * 10)
    report = read_list(path)
    assert report.enterprise_list is None
    assert len(report.findings) == 1
    f = report.findings[0]
    assert f.code == "E001" and f.is_error
    assert "UTF-8" in f.message and "GB18030" in f.message
    result = run("check", "orange", "--list", path)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "broken.csv" in result.stderr and "UTF-8" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("data, words", [
    (b"PK\x03\x04rest-of-a-zip", "Excel workbook"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1old", ".xls"),
    (b"name,id\x00\x00\x00", "binary"),
    (b"   \r\n\r\n", "empty"),
])
def test_files_that_are_not_csv_text_say_what_they_are(data: bytes, words: str) -> None:
    report = read_list(csv_file("x.csv", data))
    assert report.enterprise_list is None
    assert len(report.findings) == 1 and words in report.findings[0].message


def test_no_header_row_is_one_error_naming_what_was_expected() -> None:
    lines = findings_of(csv_file("x.csv", "a,b,c\n1,2,3\n".encode()))
    assert len(lines) == 1
    assert "E003" in lines[0] and "统一社会信用代码" in lines[0]


def test_header_without_credit_code_column_is_refused_once() -> None:
    lines = findings_of(csv_file("x.csv", "企业名称,绩效等级,SO2\n示例县甲厂,B,1\n示例县乙厂,C,2\n".encode()))
    assert lines == ["x.csv:1: error E100 no credit code column (统一社会信用代码/id) in the header"]


def test_header_without_rows_is_refused() -> None:
    report = read_list(csv_file("x.csv", (HEADER + "\n").encode()))
    assert report.enterprise_list is None
    assert [f.code for f in report.findings] == ["E003"]


# -- headers --------------------------------------------------------------------------

@pytest.mark.parametrize("header, key", [
    ("SO2(t/a)", "so2"), ("二氧化硫（吨/年）", "so2"), ("ＳＯ２", "so2"), ("  so2  ", "so2"), ("SO₂排放量", "so2"),
    ("NOx（t/a）", "nox"), ("氮氧化物排放量(吨/年)", "nox"), ("颗粒物", "pm"), ("VOCs", "vocs"), ("挥发性有机物", "vocs"),
    ("黄色预警限产比例", "yellow_cut"), ("橙色预警限产比例", "orange_cut"), ("红色预警限产比例", "red_cut"),
    ("yellow_cut", "yellow_cut"), ("Orange Cut", "orange_cut"), ("黄色", "yellow_cut"),
    ("红色预警减排措施", "red_actions"), ("统一社会信用代码", "id"), ("ID", "id"), ("企业名称*", "name"),
    ("乡镇（街道）", "town"), ("生产线/工序", "line"), ("联系电话", "contact_phone"), ("年生产天数", "operating_days"),
    ("达标", "compliant"), ("是否达标", "compliant"), ("状态", "status"), ("类别", "category"), ("重点区域", "zone"),
    ("序号", ""), ("备注", ""), ("contact_name", "contact_name"), ("operating_days", "operating_days"),
])
def test_header_variants(header: str, key: str) -> None:
    assert column_key(header) == key


def test_unknown_header_is_none() -> None:
    assert column_key("法人代表") is None
    assert column_key("") is None


_ALIASES = ["企业名称", "统一社会信用代码", "绩效等级", "SO2", "黄色预警限产比例", "生产线", "联系电话"]


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(_ALIASES), st.booleans(), st.booleans(), st.text(" \t　", max_size=3))
def test_header_case_width_and_spaces_do_not_matter(alias: str, upper: bool, wide: bool, pad: str) -> None:
    text = alias.upper() if upper else alias.lower()
    if wide:  # full-width ASCII, as a Chinese input method types it
        text = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)
    assert column_key(pad + text + pad) == column_key(alias) is not None
    assert header_forms(pad + text)[0] == header_forms(alias)[0]


def test_columns_in_any_order_with_unknown_column_warned_once(tmp_path: Path) -> None:
    text = (f"PM,绩效等级,法人代表,统一社会信用代码,企业名称,联系人,联系电话\n"
            f"300,B,张三,{A},示例县东方铸造有限公司,王建国,0356-2000101\n"
            f"50,C,李四,{C},示例县华美家具有限公司,李海燕,0356-2000102\n")
    report = read_list(csv_file("x.csv", text.encode()))
    assert report.enterprise_list is not None
    unknown = [f for f in report.findings if f.code == "W307"]
    assert len(unknown) == 1
    assert unknown[0].format() == "x.csv:1: warning W307 [C 法人代表] unknown column '法人代表'; its values are ignored"
    assert [e.lines[0].emissions for e in report.enterprise_list.enterprises] == [{Pollutant.PM: 300}, {Pollutant.PM: 50}]


def test_title_row_above_the_header_and_totals_row_below() -> None:
    text = ("示例县2025-2026年秋冬季重污染天气应急减排清单,,,\n"
            "企业名称,统一社会信用代码,绩效等级,SO2\n"
            f"示例县东方铸造有限公司,{A},B,100\n"
            "合计,,,100\n")
    report = read_list(csv_file("x.csv", text.encode()))
    assert report.blocking == []
    assert report.enterprise_list is not None and len(report.enterprise_list.enterprises) == 1
    assert report.enterprise_list.enterprises[0].line == 3


# -- cells ---------------------------------------------------------------------------

def one(cells: str, header: str = "企业名称,统一社会信用代码,绩效等级,SO2,达标,重点区域,类别,状态,黄色预警限产比例,橙色预警限产比例,红色预警限产比例,联系人,联系电话"):
    report = read_list(csv_file("one.csv", f"{header}\n{cells}\n".encode()))
    return report


@pytest.mark.parametrize("compliant, expected", [("是", True), ("否", False), ("true", True), ("FALSE", False),
                                                 ("Y", True), ("n", False), ("", True)])
def test_yes_no_cells(compliant: str, expected: bool) -> None:
    report = one(f"示例县甲厂,{A},B,10,{compliant},,,,,,,张三,13900000000")
    assert report.blocking == []
    assert report.enterprise_list.enterprises[0].compliant is expected


@pytest.mark.parametrize("zone, category, status, key, guarantee, idle", [
    ("key", "保障类", "在产", True, True, False),
    ("是", "guarantee", "operating", True, True, False),
    ("yes", "", "停产", True, False, True),
    ("", "一般", "idle", False, False, True),
    ("否", "normal", "", False, False, False),
])
def test_zone_category_and_status_cells(zone: str, category: str, status: str, key: bool, guarantee: bool,
                                        idle: bool) -> None:
    report = one(f"示例县甲厂,{A},B,10,是,{zone},{category},{status},,,,张三,13900000000")
    assert report.blocking == []
    e = report.enterprise_list.enterprises[0]
    assert e.key_zone is key
    assert (load_policy(None).category_key(e.category) == "guarantee") is guarantee
    assert (e.status is Status.IDLE) is idle


@pytest.mark.parametrize("cells, yellow, orange, red", [
    ("0.3,30%,停产", (0.3, False), (0.3, False), (None, True)),
    ("10%,0.2,stop", (0.1, False), (0.2, False), (None, True)),
    (",,", None, None, None),
    ("０．１,２０％,全部停产", (0.1, False), (0.2, False), (None, True)),  # full-width, as typed on a Chinese IME
    ("/,—,STOP", None, None, (None, True)),  # "/" and "—" mean nothing here
])
def test_cut_cells(cells: str, yellow, orange, red) -> None:
    report = one(f"示例县甲厂,{A},C,10,是,,,,{cells},张三,13900000000")
    assert report.blocking == []
    measures = report.enterprise_list.enterprises[0].measures
    for level, expected in ((Level.YELLOW, yellow), (Level.ORANGE, orange), (Level.RED, red)):
        if expected is None:
            assert level not in measures
        else:
            m = measures[level]
            assert (m.cut if m.cut is None else pytest.approx(m.cut)) == (expected[0] if expected[0] is None
                                                                         else pytest.approx(expected[0]))
            assert m.stop is expected[1]


def test_empty_cut_falls_back_to_the_policy() -> None:
    # C grade, no explicit measures: shanxi-2024 gives 0.3 / 0.5 / stop (SPEC §3).
    report = one(f"示例县甲厂,{A},C,365,是,,,,,,,张三,13900000000")
    enterprise_list = report.enterprise_list
    cuts = [compute(enterprise_list, SHANXI, level).enterprises[0].lines[0].cut for level in Level]
    assert cuts == [0.3, 0.5, 1.0]
    # 365 t/a over 365 days = 1 t/d; a 30% cut at yellow = 0.3 t/d.
    assert compute(enterprise_list, SHANXI, Level.YELLOW).enterprises[0].reduction[Pollutant.SO2] == pytest.approx(0.3)


@pytest.mark.parametrize("so2, expected", [("1,200", 1200.0), (" 12.5 ", 12.5), ("１２", 12.0), ("0", 0.0)])
def test_emission_numbers_as_text(so2: str, expected: float) -> None:
    report = one(f'示例县甲厂,{A},B,"{so2}",是,,,,,,,张三,13900000000')
    assert report.blocking == []
    assert report.enterprise_list.enterprises[0].lines[0].emissions == {Pollutant.SO2: expected}


@pytest.mark.parametrize("cells, code, column", [
    ("示例县甲厂,{A},Z,10,是,,,,,,", "E104", "C 绩效等级"),
    ("示例县甲厂,{A},B,abc,是,,,,,,", "E101", "D SO2"),
    ("示例县甲厂,{A},B,-5,是,,,,,,", "E106", "D SO2"),
    ("示例县甲厂,{A},B,10,也许,,,,,,", "E104", "E 达标"),
    ("示例县甲厂,{A},B,10,是,远郊,,,,,", "E104", "F 重点区域"),
    ("示例县甲厂,{A},B,10,是,,特殊,,,,", "E104", "G 类别"),
    ("示例县甲厂,{A},B,10,是,,,,1.5,,", "E105", "I 黄色预警限产比例"),
    ("示例县甲厂,{A},B,10,是,,,,,很多,", "E101", "J 橙色预警限产比例"),
    ("示例县甲厂,{A},B,10,是,,,,0.5,0.3,", "E110", "J 橙色预警限产比例"),
    ("示例县甲厂,91140525MA0KAY4C6X,B,10,是,,,,,,", "E102", "B 统一社会信用代码"),
])
def test_a_bad_cell_names_its_row_and_column(cells: str, code: str, column: str) -> None:
    header = "企业名称,统一社会信用代码,绩效等级,SO2,达标,重点区域,类别,状态,黄色预警限产比例,橙色预警限产比例,红色预警限产比例"
    text = f"{header}\n示例县乙厂,{C},B,1,是,,,,,,\n{cells.format(A=A)}\n"
    report = read_list(csv_file("bad.csv", text.encode()))
    # grade and category meet the policy after reading (SPEC §19), still naming row and column
    from haze.core.resolve import resolve_findings

    findings = report.findings + resolve_findings(report.enterprise_list, load_policy(None))
    hits = [f for f in findings if f.code == code]
    assert len(hits) == 1, [f.format() for f in findings]
    f = hits[0]
    assert (f.line, f.column) == (3, column)
    assert f.format().startswith(f"bad.csv:3: error {code} [{column}] ")


def test_all_problems_are_reported_in_one_run() -> None:
    header = "企业名称,统一社会信用代码,绩效等级,SO2,黄色预警限产比例"
    text = f"{header}\n示例县甲厂,{A},Z,10,\n示例县乙厂,{C},B,abc,2\n,,B,1,\n"
    from haze.commands.validate import validate_list

    lines = [f.format() for f in validate_list(csv_file("many.csv", text.encode()), cache=False).findings]
    assert any(line.startswith("many.csv:2: error E104 [C 绩效等级] unknown grade 'Z'; policy shanxi-2024 knows A (")
               for line in lines)
    assert any(line.startswith("many.csv:3: error E101 [D SO2]") for line in lines)
    assert any(line.startswith("many.csv:3: error E105 [E 黄色预警限产比例]") for line in lines)
    assert any(line.startswith("many.csv:4: error E100") and "no id" in line for line in lines)


def test_credit_code_saved_by_excel_in_scientific_notation_says_digits_are_lost() -> None:
    report = one("示例县甲厂,9.11405E+17,B,10,是,,,,,,,张三,13900000000")
    [f] = [f for f in report.findings if f.code == "E102"]
    assert f.line == 2 and f.column == "B 统一社会信用代码"
    # quoted as the cell stands in the file (911405000000000000 is nowhere in it), with the 6 digits it kept
    assert f.message.startswith("credit code 9.11405E+17 was stored as a number, written with only its first "
                                "6 digits") and "文本" in f.message
    assert "911405000000000000" not in f.message and "check character" not in f.message
    assert report.blocking == []  # a bad credit code never stops an emergency (SPEC §5)


def test_credit_code_cells_are_normalised() -> None:
    report = one(f"示例县甲厂, {A.lower()} ,B,10,是,,,,,,,张三,13900000000")
    assert report.blocking == []
    assert report.enterprise_list.enterprises[0].id == A
    assert not [f for f in report.findings if f.code == "E102"]


# -- rows and enterprises ----------------------------------------------------------------------

def test_rows_of_one_enterprise_are_grouped_even_when_apart_and_merged_cells_continue_it() -> None:
    text = ("企业名称,统一社会信用代码,绩效等级,生产线,SO2,联系人,联系电话\n"
            f"示例县南山焦化有限公司,{B},C,1#焦炉,10,张志刚,0356-2000103\n"
            ",,,2#焦炉,20,,\n"  # cells merged in Excel: empty below the first row
            f"示例县东方铸造有限公司,{A},B,,5,王建国,0356-2000101\n"
            f"示例县南山焦化有限公司,{B},C,焦油回收,30,张志刚,0356-2000103\n")
    report = read_list(csv_file("x.csv", text.encode()))
    assert report.blocking == []
    south, east = report.enterprise_list.enterprises
    assert [(line.name, line.emissions[Pollutant.SO2], line.line) for line in south.lines] == [
        ("1#焦炉", 10, 2), ("2#焦炉", 20, 3), ("焦油回收", 30, 5)]
    assert not east.has_lines and east.lines[0].name == "示例县东方铸造有限公司"


def test_an_enterprise_header_row_gives_plant_measures_and_lines_their_own() -> None:
    text = ("企业名称,统一社会信用代码,绩效等级,生产线,SO2,黄色预警限产比例,黄色预警减排措施,联系人,联系电话\n"
            f"示例县南山焦化有限公司,{B},C,,,0.2,道路清扫；车辆禁行,张志刚,0356-2000103\n"
            f",,,1#焦炉,10,0.5,延长结焦时间,,\n"
            f",,,2#焦炉,20,,,,\n")
    report = read_list(csv_file("x.csv", text.encode()))
    assert report.blocking == []
    e = report.enterprise_list.enterprises[0]
    assert e.measures[Level.YELLOW].cut == 0.2
    assert e.measures[Level.YELLOW].actions == ("道路清扫", "车辆禁行")
    assert e.lines[0].measures[Level.YELLOW].cut == 0.5
    assert e.lines[1].measures == {}
    r = compute(report.enterprise_list, SHANXI, Level.YELLOW).enterprises[0]
    assert [line.cut for line in r.lines] == [0.5, 0.2]
    assert r.actions[:3] == ["延长结焦时间", "道路清扫", "车辆禁行"]


@pytest.mark.parametrize("second, code, column, words", [
    # the same enterprise twice, neither row naming a line: a duplicate row
    (f"示例县东方铸造有限公司,{A},B,,10", "E108", None, "rows 2, 3"),
    # one credit code, two names: two enterprises, which is meant?
    (f"示例县西方铸造有限公司,{A},B,2#,10", "E108", "A 企业名称", "row 2"),
    # the same enterprise with two grades
    (f"示例县东方铸造有限公司,{A},C,2#,10", "E109", "C 绩效等级", "row 2"),
])
def test_rows_of_one_credit_code_that_disagree_are_refused(second: str, code: str, column: str | None,
                                                          words: str) -> None:
    first = f"示例县东方铸造有限公司,{A},B,{'1#' if code != 'E108' or column else ''},10"
    text = f"企业名称,统一社会信用代码,绩效等级,生产线,SO2\n{first}\n{second}\n"
    report = read_list(csv_file("x.csv", text.encode()))
    [f] = [f for f in report.findings if f.code == code]
    assert (f.line, f.column) == (3, column)
    assert words in f.message
    assert report.blocking


def test_a_code_carried_by_another_enterprise_is_one_finding_not_seven() -> None:
    """QA: a second enterprise under 永丰's code gave an E107 on a correct row of 永丰, the E108, and
    an E109 for every column the two differ in (town, grade, contact…): one mistake, seven lines."""
    text = ("企业名称,统一社会信用代码,乡镇,绩效等级,生产线,SO2,联系人,联系电话\n"
            f"示例县东方铸造有限公司,{A},巴公镇,B,1#,10,张伟,0356-1\n"
            f"示例县东方铸造有限公司,{A},巴公镇,B,2#,10,张伟,0356-1\n"
            f"示例县东昇焦化有限公司,{A},城关镇,C,,30,李娜,0356-2\n")
    report = read_list(csv_file("x.csv", text.encode()))
    assert [(f.code, f.line, f.column) for f in report.findings if f.is_error] == [("E108", 4, "A 企业名称")]
    # rows that agree on the name still say what they disagree on
    text = text.replace("示例县东昇焦化有限公司", "示例县东方铸造有限公司")
    codes = {f.code for f in read_list(csv_file("y.csv", text.encode())).findings if f.is_error}
    assert "E109" in codes


def test_other_sources_are_rows_with_a_kind_and_no_credit_code() -> None:
    text = ("企业名称,统一社会信用代码,绩效等级,类型,PM,黄色预警限产比例,红色预警限产比例,联系人,联系电话\n"
            f"示例县东方铸造有限公司,{A},B,,300,,,王建国,0356-2000101\n"
            "建筑工地扬尘,,,dust,900,0.3,停产,,\n")
    report = read_list(csv_file("x.csv", text.encode()))
    assert report.blocking == []
    [source] = report.enterprise_list.other_sources
    assert (source.name, source.kind, source.emissions) == ("建筑工地扬尘", "dust", {Pollutant.PM: 900})
    assert source.measures[Level.RED].stop
    # 900 t/a / 365 × 0.3 at yellow
    assert compute(report.enterprise_list, SHANXI, Level.YELLOW).other_sources[0].reduction[Pollutant.PM] == \
        pytest.approx(900 / 365 * 0.3)


def test_a_measures_cell_holding_a_cut_is_warned_about() -> None:
    text = ("企业名称,统一社会信用代码,绩效等级,SO2,黄色预警减排措施,联系人,联系电话\n"
            f"示例县东方铸造有限公司,{A},B,10,30%,王建国,0356-2000101\n")
    [f] = [f for f in read_list(csv_file("x.csv", text.encode())).findings if f.code == "W308"]
    assert f.line == 2 and f.column == "E 黄色预警减排措施" and "黄色预警限产比例" in f.message


# -- the same list as YAML ----------------------------------------------------------------

SMALL_CSV = """\
企业名称,统一社会信用代码,乡镇,行业,绩效等级,类别,SO2,NOx,PM,VOCs,联系人,联系电话
示例县东方铸造有限公司,91140525MA0KAY4C6U,城关镇,casting,B,,100,200,300,100,王建国,0356-2000101
示例县华美家具有限公司,91140525MA0KL12T2E,巴公镇,furniture,B,,,,100,200,李海燕,0356-2000102
示例县南山焦化有限公司,91140525MA0KH3BJ1D,南村镇,coking,C,,300,500,100,100,张志刚,0356-2000103
示例县北岭砖厂,91140525MA0K1XG61D,北义城镇,brick,D,,150,100,150,,刘国强,0356-2000104
示例县新华印刷有限公司,91140525MA0K12DD5W,城关镇,printing,D,,,,,150,陈丽娟,0356-2000105
示例县中兴化工有限公司,91140525MA0K272H7L,南村镇,chemical,unrated,,50,100,,100,杨晓东,0356-2000106
示例县西城彩印有限公司,91140525MA0KD1TJ9X,城关镇,printing,A,,,,,200,赵秀英,0356-2000107
示例县城关供热有限公司,91140525MA0K3Y7L0C,城关镇,heating,unrated,保障类,200,300,100,,周卫东,0356-2000108
"""


def test_check_json_of_the_csv_equals_the_yamls(run) -> None:
    # examples/small-fails-orange.yaml without its baseline (a CSV carries none), as the CSV above.
    yaml_text = (EXAMPLES / "small-fails-orange.yaml").read_text(encoding="utf-8")
    head, body = yaml_text.split("  baseline:", 1)
    yaml_text = head + "enterprises:" + body.split("enterprises:", 1)[1]
    Path("示例县.yaml").write_text(yaml_text, encoding="utf-8")
    Path("示例县.csv").write_bytes(SMALL_CSV.encode("gb18030"))
    for level in ("yellow", "orange", "red"):
        a = run("check", level, "--list", "示例县.yaml", "--json")
        b = run("check", level, "--list", "示例县.csv", "--json")
        assert a.exit_code == b.exit_code
        ja, jb = json.loads(a.stdout), json.loads(b.stdout)
        for j in (ja, jb):
            j["list"].pop("path")
            j["list"].pop("sha256")
        assert ja == jb
        assert ja["basis"] == "listed"
    # listed basis at orange: PM reductions 0.2×300 + 0.2×100 + 0.5×100 + 150 + 0 + 0.3×0 … over 650 listed
    orange = json.loads(run("check", "orange", "--list", "示例县.csv", "--json").stdout)
    assert orange["pollutants"]["pm"]["reduction"] == pytest.approx((0.2 * 300 + 0.2 * 100 + 0.5 * 100 + 150) / 365)
    assert orange["pollutants"]["pm"]["baseline"] == pytest.approx(750 / 365)


@pytest.mark.parametrize("second_line", ["", f"示例县南山焦化有限公司,{B},C,2#焦炉,100,,60%\n"], ids=["one line", "two lines"])
def test_a_cut_weakening_across_the_enterprise_row_and_a_line_row_is_e110_as_in_yaml(second_line: str) -> None:
    """The plant's own row says yellow 50%, the line's row orange 30%: the line gets 50% at yellow and
    30% at orange, which YAML reports; so must CSV (each row rises on its own: only the builder sees it)."""
    text = ("企业名称,统一社会信用代码,绩效等级,生产线,SO2,黄色预警限产比例,橙色预警限产比例\n"
            f"示例县南山焦化有限公司,{B},C,,,50%,\n"
            f"示例县南山焦化有限公司,{B},C,1#焦炉,100,,30%\n" + second_line)
    hits = [f for f in read_list(csv_file("list.csv", text.encode())).findings if f.code == "E110"]
    assert [(f.line, f.enterprise, f.is_error) for f in hits] == [(3, B, True)]
    assert "orange cut 30%" in hits[0].message and "yellow cut 50%" in hits[0].message
    yaml_text = ("list: {region: 示例县, authority: 示例县生态环境局}\nenterprises:\n"
                 f"  - id: {B}\n    name: 示例县南山焦化有限公司\n    grade: C\n"
                 "    measures: {yellow: {cut: 0.5}}\n    lines:\n"
                 "      - {name: 1#焦炉, emissions: {so2: 100}, measures: {orange: {cut: 0.3}}}\n"
                 + ("      - {name: 2#焦炉, emissions: {so2: 100}, measures: {orange: {cut: 0.6}}}\n" if second_line
                    else ""))
    Path("list.yaml").write_text(yaml_text, encoding="utf-8")
    assert [f.code for f in read_list("list.yaml").findings if f.code == "E110"] == ["E110"]


def test_a_cut_in_an_e110_message_is_never_shown_smaller() -> None:
    header = "企业名称,统一社会信用代码,绩效等级,SO2,黄色预警限产比例,橙色预警限产比例"
    text = f"{header}\n示例县甲厂,{A},B,10,0.123449,0.1\n"
    (f,) = [f for f in read_list(csv_file("cut.csv", text.encode())).findings if f.code == "E110"]
    assert f.message == "orange cut 10% is weaker than yellow cut 12.35%"  # 12.3449% rounded up
