"""``haze import`` and ``haze export`` (SPEC §9): files written, read back, numbers checked.

Import: the YAML written reads back to the same list and computes identically
(the county list, exported to CSV and XLSX here, then imported). Export: the
workbook and CSV files are opened again and their totals and ratios compared
with the engine's.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import COUNTY, EXAMPLES
from haze.core.creditcode import check_character
from haze.core.engine import compute
from haze.io.lists import parse_list, read_list
from haze.io.lists.table import list_fact_rows, list_rows
from haze.core.model import (LEVELS, POLLUTANTS, Enterprise, EnterpriseList, Level, Line, ListInfo,
                        Measure, Pollutant, Status)
from haze.core.policy import load_policy
from haze.io.lists.yamlwrite import list_yaml, same_list
from haze.render.sheets import RESULT_HEADERS

SHANXI = load_policy("shanxi-2024")
SMALL = EXAMPLES / "small-fails-orange.yaml"


def county() -> EnterpriseList:
    return read_list(COUNTY).enterprise_list


def write_csv(path: str, enterprise_list: EnterpriseList, encoding: str = "utf-8-sig") -> Path:
    headers, rows = list_rows(enterprise_list)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerows(rows)
    Path(path).write_bytes(buffer.getvalue().encode(encoding))
    return Path(path)


def write_xlsx(path: str, enterprise_list: EnterpriseList) -> Path:
    headers, rows = list_rows(enterprise_list)
    book = openpyxl.Workbook()
    book.active.title = "企业清单"
    book.active.append(headers)
    for row in rows:
        book.active.append(row)
    facts = book.create_sheet("清单信息")
    for row in list_fact_rows(enterprise_list):
        facts.append(row)
    book.save(path)
    return Path(path)


def assert_computes_identically(a: EnterpriseList, b: EnterpriseList, *, ratios: bool = True) -> None:
    for level in LEVELS:
        ra, rb = compute(a, SHANXI, level), compute(b, SHANXI, level)
        for p in POLLUTANTS:
            assert rb.pollutants[p].reduction == pytest.approx(ra.pollutants[p].reduction, abs=1e-12)
            if ratios:
                assert rb.pollutants[p].ratio == pytest.approx(ra.pollutants[p].ratio, abs=1e-12)
        assert rb.ok == ra.ok or not ratios
        for ea, eb in zip(ra.enterprises, rb.enterprises, strict=True):
            assert (eb.enterprise.id, eb.effective_level, eb.reason) == (ea.enterprise.id, ea.effective_level, ea.reason)
            assert [line.cut for line in eb.lines] == [line.cut for line in ea.lines]
            for p in POLLUTANTS:
                assert eb.reduction[p] == pytest.approx(ea.reduction[p], abs=1e-12)


# -- import ---------------------------------------------------------------------------------

def test_import_xlsx_writes_yaml_that_reads_back_to_the_same_list(run) -> None:
    write_xlsx("county.xlsx", county())
    result = run("import", "county.xlsx", "-o", "county.yaml")
    assert result.exit_code == 0, result.stderr
    assert "wrote county.yaml: 49 enterprises" in result.stdout
    sheet = read_list("county.xlsx").enterprise_list
    back = read_list("county.yaml")
    assert back.blocking == []
    assert same_list(back.enterprise_list, sheet)
    assert_computes_identically(county(), back.enterprise_list)


def test_import_csv_with_facts_on_the_command_line(run) -> None:
    write_csv("county.csv", county(), "gb18030")
    result = run("import", "county.csv", "-o", "list.yaml", "--region", "示例县", "--authority", "示例县生态环境局",
                 "--season", "2025-2026秋冬季", "--doc-prefix", "示环应急")
    assert result.exit_code == 0, result.stderr
    back = read_list("list.yaml").enterprise_list
    info = back.info
    assert (info.region, info.authority, info.season, info.doc_prefix, info.baseline) == (
        "示例县", "示例县生态环境局", "2025-2026秋冬季", "示环应急", None)
    # A CSV carries no baseline: reductions are the county's exactly, ratios are of listed emissions.
    assert_computes_identically(county(), back, ratios=False)
    assert compute(back, SHANXI, Level.ORANGE).basis == "listed"


def test_imported_yaml_is_readable_in_the_shape_of_spec_2(run) -> None:
    write_xlsx("county.xlsx", county())
    assert run("import", "county.xlsx", "-o", "county.yaml").exit_code == 0
    text = Path("county.yaml").read_text(encoding="utf-8")
    assert "示例县宏晟焦化有限公司" in text and "\\u" not in text  # Chinese kept as Chinese
    assert text.index("list:") < text.index("enterprises:") < text.index("other_sources:")
    assert "\n  - id: \"911405251765819881\"\n    name: 示例县宏晟焦化有限公司\n    town: 巴公镇\n" in text
    assert "    contact: {name: 钱军, phone: 0356-2123341}\n" in text
    assert "        emissions: {so2: 150, nox: 420, pm: 120, vocs: 140}\n" in text
    assert "          yellow: {cut: 0.3, actions: [延长结焦时间至36小时以上]}\n" in text
    doc = yaml.safe_load(text)
    first = doc["enterprises"][0]
    assert list(first) == ["id", "name", "town", "industry", "grade", "contact", "capacity", "lines", "measures"]
    assert list(doc["list"]) == ["region", "authority", "season", "policy", "doc_prefix", "baseline"]
    assert "&id" not in text and "*id" not in text  # repeated actions written out, not as YAML aliases


def test_import_refuses_to_overwrite_without_force(run) -> None:
    write_xlsx("county.xlsx", county())
    Path("county.yaml").write_text("mine\n", encoding="utf-8")
    result = run("import", "county.xlsx", "-o", "county.yaml")
    assert result.exit_code == 2
    assert "already exists" in result.stderr and "--force" in result.stderr
    assert Path("county.yaml").read_text(encoding="utf-8") == "mine\n"
    assert run("import", "county.xlsx", "-o", "county.yaml", "--force").exit_code == 0
    assert read_list("county.yaml").enterprise_list is not None
    assert [p.name for p in Path(".").iterdir() if p.name.startswith(".")] == []  # no temporary file left


def test_import_writes_nothing_for_blocking_findings(run) -> None:
    text = "企业名称,统一社会信用代码,绩效等级,SO2\n示例县东方铸造有限公司,91140525MA0KAY4C6U,Z,abc\n"
    Path("bad.csv").write_text(text, encoding="utf-8")
    result = run("import", "bad.csv", "-o", "bad.yaml", "--authority", "示例县生态环境局")
    assert result.exit_code == 2
    assert "bad.csv:2: error E104 [C 绩效等级]" in result.stderr
    assert "bad.csv:2: error E101 [D SO2]" in result.stderr
    assert "nothing written" in result.stderr
    assert not Path("bad.yaml").exists()


def test_import_without_authority_asks_for_it(run) -> None:
    write_csv("示例县.csv", county())
    result = run("import", "示例县.csv", "-o", "list.yaml")
    assert result.exit_code == 2
    assert "--authority" in result.stderr and "示例县生态环境局" in result.stderr
    assert not Path("list.yaml").exists()


def test_import_keeps_non_blocking_errors_as_warnings(run) -> None:
    text = ("企业名称,统一社会信用代码,绩效等级,SO2,联系人,联系电话\n"
            "示例县东方铸造有限公司,91140525MA0KAY4C6X,B,10,王建国,0356-2000101\n")
    Path("typo.csv").write_text(text, encoding="utf-8")
    result = run("import", "typo.csv", "-o", "typo.yaml", "--authority", "示例县生态环境局", "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["enterprises"] == 1 and data["output"] == "typo.yaml"
    assert [w["code"] for w in data["warnings"]] == ["E102"]
    assert data["warnings"][0]["severity"] == "warning"
    assert "typo.csv:2: warning E102 [B 统一社会信用代码]" in result.stderr


@pytest.mark.parametrize("args, words", [
    (["import", "x.yaml", "-o", "y.yaml"], "a YAML list needs no import"),
    (["import", "x.csv", "-o", "y.json"], "name it .yaml"),
])
def test_import_usage_errors(run, args: list[str], words: str) -> None:
    Path("x.yaml").write_text("list: {}\n", encoding="utf-8")
    Path("x.csv").write_text("a\n", encoding="utf-8")
    result = run(*args)
    assert result.exit_code == 2 and words in result.stderr


# Random small lists: whatever the layout can hold, written and read back, computes the same.

_CODES = [f"91140525MA0KT{n:04d}" for n in range(40)]
_CODES = [c + check_character(c) for c in _CODES]
_cut = st.one_of(st.none(), st.sampled_from([0.0, 0.1, 0.25, 0.3, 0.5, 1.0]).map(lambda c: Measure(cut=c)),
                 st.just(Measure(stop=True)), st.just(Measure(actions=("加强道路清扫",))))


@st.composite
def measures(draw: Any) -> dict[Level, Measure]:
    chosen = {}
    previous = 0.0
    for level in LEVELS:
        m = draw(_cut)
        if m is not None and m.sets_cut and m.value < previous:
            m = Measure(stop=True)
        if m is not None:
            previous = max(previous, m.value)
            chosen[level] = m
    return chosen


_emission = st.dictionaries(st.sampled_from(POLLUTANTS), st.integers(0, 500).map(float), max_size=4)


@st.composite
def enterprises(draw: Any, index: int) -> Enterprise:
    has_lines = draw(st.booleans())
    names = ["1#窑", "2#窑", "3#窑"][: draw(st.integers(1, 3))] if has_lines else ["示例县企业"]
    lines = [Line(name, draw(_emission), draw(measures()) if has_lines else {}) for name in names]
    return Enterprise(
        id=_CODES[index], name=f"示例县第{index}厂", grade=draw(st.sampled_from(["A", "B", "B-", "C", "D", "leading", "nonleading", "unrated"])),
        key_zone=draw(st.booleans()), category=draw(st.sampled_from(["normal", "guarantee"])),
        max_load=draw(st.sampled_from([None, 0.8])),
        compliant=draw(st.booleans()), status=draw(st.sampled_from(list(Status))),
        lines=lines, has_lines=has_lines, measures=draw(measures()),
    )


@st.composite
def lists(draw: Any) -> EnterpriseList:
    count = draw(st.integers(1, 6))
    return EnterpriseList(ListInfo(region="示例县", authority="示例县生态环境局"),
                          [draw(enterprises(i)) for i in range(count)])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lists())
def test_any_list_the_layout_holds_reads_back_computing_the_same(enterprise_list: EnterpriseList) -> None:
    headers, rows = list_rows(enterprise_list)
    buffer = io.StringIO()
    csv.writer(buffer).writerows([headers, *rows])
    report = parse_list(buffer.getvalue().encode("utf-8"), "random.csv", "csv")
    assert report.blocking == [], [f.format() for f in report.blocking]
    assert_computes_identically(enterprise_list, report.enterprise_list, ratios=False)
    again = parse_list(list_yaml(report.enterprise_list).encode("utf-8"), "random.yaml", "yaml")
    assert same_list(again.enterprise_list, report.enterprise_list)


# -- export -----------------------------------------------------------------------------------

def rows_of(path: str, sheet: str) -> list[tuple]:
    """A sheet's rows; for the two printed tables, from their header row on (title lines skipped)."""
    book = openpyxl.load_workbook(path, read_only=True)
    rows = list(book[sheet].iter_rows(values_only=True))
    book.close()
    return rows[HEAD_ROWS:] if sheet in ("企业减排明细", "减排要求") else rows


HEAD_ROWS = 3  # title, time, 填报单位/审核人/日期 above the header of a printed table


def test_export_xlsx_reads_back_with_totals_and_requirement(run) -> None:
    result = run("export", "orange", "--list", COUNTY, "-o", "report/orange.xlsx")
    assert result.exit_code == 0, result.stderr
    assert "wrote report/orange.xlsx" in result.stdout
    expected = compute(county(), SHANXI, Level.ORANGE)
    book = openpyxl.load_workbook("report/orange.xlsx", read_only=True)
    assert book.sheetnames == ["企业减排明细", "减排要求", "说明"]
    book.close()
    rows = rows_of("report/orange.xlsx", "企业减排明细")
    assert rows[0] == RESULT_HEADERS
    body, total = rows[1:-1], rows[-1]
    assert total[0] == "合计"
    # One row per production line (an enterprise without lines is one row), then each other source.
    assert len(body) == sum(max(1, len(e.lines)) for e in county().enterprises) + len(county().other_sources)
    first = RESULT_HEADERS.index("二氧化硫减排量(吨/日)")
    for i, p in enumerate(POLLUTANTS):
        column = [row[first + i] for row in body]
        assert total[first + i] == pytest.approx(sum(column), abs=1e-9)
        assert total[first + i] == pytest.approx(expected.pollutants[p].reduction, abs=1e-12)
    requirement = rows_of("report/orange.xlsx", "减排要求")
    assert requirement[0][:5] == ("污染物", "基准排放量(吨/日)", "基准来源", "减排量(吨/日)", "减排比例")
    for row, p in zip(requirement[1:], POLLUTANTS, strict=True):
        r = expected.pollutants[p]
        assert row[4] == pytest.approx(r.ratio, abs=1e-12)
        assert row[5] == pytest.approx(0.3)
        assert row[7] == ("达标" if r.ok else "未达标")
    # 示例县宏达铸造有限公司 is in a key zone: orange is raised to red (加严).
    zone = [row for row in body if row[1] == "示例县宏达铸造有限公司"]
    assert zone and all(row[5] == "红色（Ⅰ级）" and row[6].startswith("重点区域加严") for row in zone)
    info = dict(rows_of("report/orange.xlsx", "说明")[1:])
    assert info["地区"] == "示例县" and info["预警级别"] == "橙色预警（Ⅱ级响应）" and info["结论"] == "达标"


def test_export_of_a_failing_list_still_exits_0_and_says_so(run) -> None:
    result = run("export", "orange", "--list", SMALL, "-o", "small.xlsx")
    assert result.exit_code == 0
    assert "NOT met: PM, VOCs" in result.stdout
    requirement = {row[0]: row for row in rows_of("small.xlsx", "减排要求")[1:]}
    pm = requirement["颗粒物（PM）"]
    assert pm[4] == pytest.approx(0.28) and pm[7] == "未达标"
    assert pm[6] == pytest.approx(20 / 365)  # shortfall: 300 − 280 t/a (examples/small-fails-orange.yaml)
    info = dict(rows_of("small.xlsx", "说明")[1:])
    assert info["结论"] == "未达标：颗粒物、挥发性有机物"


def test_export_rows_of_the_small_list_by_hand(run) -> None:
    assert run("export", "red", "--list", SMALL, "-o", "red.xlsx").exit_code == 0
    rows = {row[1]: row for row in rows_of("red.xlsx", "企业减排明细")[1:-1]}
    casting = rows["示例县东方铸造有限公司"]  # B at red: 30% of 300 t/a PM = 90/365 t/d
    assert casting[7:11] == ("（全厂）", 0.3, "限产30%", "绩效分级措施")
    assert casting[RESULT_HEADERS.index("颗粒物减排量(吨/日)")] == pytest.approx(90 / 365)
    assert rows["示例县北岭砖厂"][9] == "停产"
    assert rows["示例县西城彩印有限公司"][9] == "自主减排"
    assert rows["示例县城关供热有限公司"][9:11] == ("保障类", "企业类别措施")


def test_export_csv_is_utf8_with_bom_and_has_a_requirement_file(run) -> None:
    result = run("export", "yellow", "--list", COUNTY, "-o", "yellow.csv", "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["files"] == ["yellow.csv", "yellow-requirement.csv"] and data["level"] == "yellow"
    raw = Path("yellow.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert tuple(rows[0]) == RESULT_HEADERS
    assert rows[-1][0] == "合计"
    expected = compute(county(), SHANXI, Level.YELLOW)
    first = RESULT_HEADERS.index("二氧化硫减排量(吨/日)")
    # Numbers as the workbook shows them: tonnes to 4 decimals (the exact ones are in check --json).
    for i, p in enumerate(POLLUTANTS):
        assert rows[-1][first + i] == f"{expected.pollutants[p].reduction:.4f}"
        rounded_sum = sum(float(r[first + i]) for r in rows[1:-1])
        assert float(rows[-1][first + i]) == pytest.approx(rounded_sum, abs=0.00005 * len(rows))
    assert all(len(r[first].split(".")[1]) == 4 for r in rows[1:])
    cut = RESULT_HEADERS.index("限产比例")
    expected_cuts = {f"{line.cut * 100:.2f}%" for e in expected.enterprises for line in e.lines}
    assert {r[cut] for r in rows[1:-1] if r[6] != "其他排放源"} == expected_cuts  # the county's cuts: 2 decimals
    requirement = list(csv.reader(io.StringIO(Path("yellow-requirement.csv").read_bytes().decode("utf-8-sig"))))
    assert requirement[0][:3] == ["预警级别", "政策", "污染物"]
    assert {row[0] for row in requirement[1:]} == {"黄色预警（Ⅲ级响应）"}  # the level by its Chinese name
    ratios = {row[2]: row[6] for row in requirement[1:]}
    assert ratios["二氧化硫（SO₂）"] == f"{expected.pollutants[Pollutant.SO2].ratio * 100:.2f}%"
    assert [row[7] for row in requirement[1:]] == ["20.00%"] * 4  # shanxi-2024: yellow requires 20% of each


def test_export_reads_csv_and_xlsx_lists_too(run) -> None:
    write_xlsx("county.xlsx", county())
    assert run("export", "red", "--list", "county.xlsx", "-o", "a.xlsx").exit_code == 0
    assert run("export", "red", "--list", COUNTY, "-o", "b.xlsx").exit_code == 0
    a, b = rows_of("a.xlsx", "减排要求"), rows_of("b.xlsx", "减排要求")
    assert a == b


def test_export_refuses_bad_input_and_writes_nothing(run) -> None:
    Path("bad.csv").write_text("企业名称,统一社会信用代码,绩效等级,SO2\n示例县甲厂,91140525MA0KAY4C6U,Z,1\n",
                               encoding="utf-8")
    result = run("export", "orange", "--list", "bad.csv", "-o", "out.xlsx")
    assert result.exit_code == 2
    assert "bad.csv:2: error E104 [C 绩效等级]" in result.stderr
    assert not Path("out.xlsx").exists()
    result = run("export", "orange", "--list", COUNTY, "-o", "out.pdf")
    assert result.exit_code == 2 and ".xlsx or .csv" in result.stderr
    assert not Path("out.pdf").exists()


def test_export_overwrites_its_own_report(run) -> None:
    assert run("export", "yellow", "--list", COUNTY, "-o", "r.xlsx").exit_code == 0
    assert run("export", "red", "--list", COUNTY, "-o", "r.xlsx").exit_code == 0
    assert dict(rows_of("r.xlsx", "说明")[1:])["预警级别"] == "红色预警（Ⅰ级响应）"
    assert sorted(p.name for p in Path(".").iterdir()) == ["r.xlsx"]


def test_commands_have_help(run) -> None:
    for command in ("import", "export"):
        result = run(command, "--help")
        assert result.exit_code == 0 and "Exit" in result.stdout


def test_export_to_an_unwritable_place_is_one_line(run) -> None:
    Path("blocker").write_text("a file, not a folder\n", encoding="utf-8")
    result = run("export", "orange", "--list", COUNTY, "-o", "blocker/out.xlsx")
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines()[-1].startswith("haze: error: blocker/out.xlsx: cannot write")
    assert "Traceback" not in result.stderr


# -- what the exported files say, and that they say it safely ----------------------------------

# One B enterprise whose list text looks like spreadsheet formulas, with an odd cut and a capacity.
#   yellow: the line's own 12.3449% (above B's 10%); cap 100 × (1 − 0.123449) = 87.6551 吨/日.
HOSTILE_TEXT = """\
list:
  region: 示例县
  authority: 示例县生态环境局
  baseline: {so2: 1000}
enterprises:
  - id: 91140525MA0KAY4C6U
    name: '=HYPERLINK("http://example.invalid","示例")'
    town: "@城关镇"
    grade: B
    contact: {name: 王建国, phone: "0356-2000101"}
    capacity: {actual: 100, unit: 吨/日}
    lines:
      - name: "+1#窑"
        emissions: {so2: 100}
        measures: {yellow: {cut: 0.123449, actions: ["-停止投料"]}}
"""
FORMULA = '=HYPERLINK("http://example.invalid","示例")'


def test_export_xlsx_keeps_list_text_as_text_never_formulas(run) -> None:
    Path("list.yaml").write_text(HOSTILE_TEXT, encoding="utf-8")
    assert run("export", "yellow", "--list", "list.yaml", "-o", "out.xlsx").exit_code == 0
    import zipfile

    with zipfile.ZipFile("out.xlsx") as archive:
        sheets = [name for name in archive.namelist() if name.startswith("xl/worksheets/")]
        assert sheets and all(b"<f>" not in archive.read(name) for name in sheets)  # no formula anywhere
    book = openpyxl.load_workbook("out.xlsx")
    row = [cell for cell in book["企业减排明细"][HEAD_ROWS + 2]]
    assert (row[1].value, row[1].data_type) == (FORMULA, "s")
    assert (row[2].value, row[7].value) == ("@城关镇", "+1#窑")
    assert row[RESULT_HEADERS.index("减排措施")].value == "-停止投料"


def test_export_csv_prefixes_formula_text_with_a_quote(run) -> None:
    Path("list.yaml").write_text(HOSTILE_TEXT, encoding="utf-8")
    assert run("export", "yellow", "--list", "list.yaml", "-o", "out.csv").exit_code == 0
    rows = list(csv.reader(io.StringIO(Path("out.csv").read_bytes().decode("utf-8-sig"))))
    row = rows[1]
    assert (row[1], row[2], row[7]) == ("'" + FORMULA, "'@城关镇", "'+1#窑")
    assert row[RESULT_HEADERS.index("减排措施")] == "'-停止投料"
    assert row[0] == "91140525MA0KAY4C6U"  # ordinary text is untouched
    assert row[RESULT_HEADERS.index("二氧化硫减排量(吨/日)")] == "0.0338"  # 100 t/a × 12.3449% / 365, as shown
    assert row[RESULT_HEADERS.index("限产比例")] == "12.345%"  # never rounded down to 12.34%


def test_export_shows_cuts_rounded_up_caps_rounded_down_and_the_shared_labels(run) -> None:
    from haze.core.labels import SOURCE_LABELS

    Path("list.yaml").write_text(HOSTILE_TEXT, encoding="utf-8")
    assert run("export", "yellow", "--list", "list.yaml", "-o", "out.xlsx").exit_code == 0
    book = openpyxl.load_workbook("out.xlsx")
    row = [cell for cell in book["企业减排明细"][HEAD_ROWS + 2]]
    cut = row[RESULT_HEADERS.index("限产比例")]
    assert cut.value == pytest.approx(0.123449) and cut.number_format == "0.000%"  # Excel shows 12.345%
    assert row[RESULT_HEADERS.index("限产措施")].value == "限产12.35%"  # not 12.34%
    assert row[RESULT_HEADERS.index("措施来源")].value == SOURCE_LABELS["line"][0] == "本生产线措施"
    assert row[RESULT_HEADERS.index("限产后产能上限")].value == "87.65 吨/日"  # 87.6551 rounded down


def test_excel_formats_never_show_a_cut_smaller_or_a_failing_ratio_as_met() -> None:
    from haze.render.sheets import cut_format, ratio_format

    assert [cut_format(c) for c in (0.3, 0.29, 0.545, 0.3349, 1.0)] == ["0.00%"] * 5
    assert [cut_format(c) for c in (0.123449, 0.123441, 0.1234449)] == ["0.000%", "0.0000%", "0.0000%"]
    assert ratio_format(0.29996, 0.3, False) == "0.000%"  # 0.00% would round it to 30.00%
    assert ratio_format(0.2999999, 0.3, False) == "0.00000%"
    assert ratio_format(0.28, 0.3, False) == ratio_format(0.31, 0.3, True) == "0.00%"


def test_export_is_one_library_call() -> None:
    from haze.commands import export

    done = export.run(export.Settings(level=Level.ORANGE, list_path=SMALL, output=Path("small.csv"), cache=False))
    assert [str(f) for f in done.files] == ["small.csv", "small-requirement.csv"]
    assert done.result.failing == [Pollutant.PM, Pollutant.VOCS] and done.warnings == []
    lines = list(csv.reader(io.StringIO(Path("small.csv").read_text("utf-8-sig"))))
    assert done.rows == len(lines) - 2 and lines[-1][0] == "合计"  # rows: under the header, above 合计


def test_export_names_a_bad_output_before_reading_the_list(run) -> None:
    result = run("export", "orange", "--list", "missing.yaml", "-o", "out.pdf")
    assert result.exit_code == 2 and "export writes .xlsx or .csv" in result.stderr


def test_an_import_that_does_not_read_back_is_one_line_and_not_written(run, monkeypatch: pytest.MonkeyPatch) -> None:
    import haze.io.lists.yamlwrite

    write_csv("county.csv", county())
    monkeypatch.setattr(haze.io.lists.yamlwrite, "same_list", lambda a, b: False)
    result = run("import", "county.csv", "-o", "county.yaml", "--authority", "示例县生态环境局")
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines()[-1] == (
        "haze: error: county.yaml: the YAML made from county.csv does not read back to the same list "
        "(a haze bug: please report it with the file); nothing written")
    assert sorted(p.name for p in Path(".").iterdir()) == ["county.csv"]


def test_import_refuses_a_pipe_instead_of_waiting_on_it() -> None:
    import os
    import subprocess
    import sys

    os.mkfifo("list.csv")
    # In a child, so that a regression (reading the pipe, which never ends) fails instead of hanging.
    proc = subprocess.run([sys.executable, "-m", "haze", "import", "list.csv", "-o", "list.yaml",
                           "--authority", "示例县生态环境局"], capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 2
    assert proc.stderr.strip() == "haze: error: list.csv: not a regular file (a pipe or device?)"  # one line
    assert not Path("list.yaml").exists()


# -- haze.io.fsio: the one way files are written --------------------------------------------------

def test_write_atomic_never_replaces_a_file_without_overwrite() -> None:
    from haze.core.errors import UsageError
    from haze.io.fsio import write_atomic

    assert write_atomic(Path("a/b/report.csv"), b"first", overwrite=False) == Path("a/b/report.csv")
    with pytest.raises(UsageError, match="already exists; pass --force"):
        write_atomic(Path("a/b/report.csv"), b"second", overwrite=False)
    assert Path("a/b/report.csv").read_bytes() == b"first"
    write_atomic(Path("a/b/report.csv"), b"third", overwrite=True)
    assert Path("a/b/report.csv").read_bytes() == b"third"
    assert [p.name for p in Path("a/b").iterdir()] == ["report.csv"]  # no temporary file left


def test_write_atomic_failure_is_an_output_error_naming_the_file() -> None:
    from haze.io.fsio import OutputError, write_atomic

    Path("blocker").write_text("a file, not a folder\n", encoding="utf-8")
    with pytest.raises(OutputError, match=r"^blocker/out\.csv: cannot write: .*; nothing written$"):
        write_atomic(Path("blocker/out.csv"), b"x", overwrite=True)


def test_export_xlsx_is_ready_to_print_and_send(run) -> None:
    """Title (region, level, time), 填报单位/审核人/日期, A4 landscape fitted to width, header on every page."""
    assert run("export", "orange", "--list", COUNTY, "-o", "orange.xlsx").exit_code == 0
    book = openpyxl.load_workbook("orange.xlsx")
    ws = book["企业减排明细"]
    title, when, sign = ws["A1"].value, ws["A2"].value, [c.value for c in ws[3] if c.value]
    assert title == "示例县重污染天气橙色预警（Ⅱ级响应）企业减排明细"
    assert when.startswith("生成时间：") and "年" in when and "时" in when
    assert sign == ["填报单位（盖章）：示例县生态环境局", "审核人：", "日期：　　　　年　　月　　日"]
    assert "A1:Q1" in {str(r) for r in ws.merged_cells.ranges}  # the title spans the 17 columns
    assert tuple(c.value for c in ws[HEAD_ROWS + 1]) == RESULT_HEADERS
    assert ws.print_title_rows == "$4:$4" and ws.freeze_panes == "A5" and ws.auto_filter.ref.startswith("A4:Q")
    for sheet in (ws, book["减排要求"]):
        assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.paperSize == 9
        assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.page_setup.fitToWidth == 1
        assert sheet.page_setup.fitToHeight == 0
    cut = RESULT_HEADERS.index("限产比例")
    body = list(ws.iter_rows(min_row=HEAD_ROWS + 2, max_row=ws.max_row - 1))
    assert body and all(row[cut].number_format in ("0.00%", "0.000%", "0.0000%") for row in body)
    assert all(row[0].border.left.style == "thin" for row in body)  # a ruled table on paper
    assert ws.cell(ws.max_row, 1).value == "合计" and ws.cell(ws.max_row, 1).font.b
    requirement = book["减排要求"]
    assert requirement["A1"].value == "示例县重污染天气橙色预警（Ⅱ级响应）减排要求核算"
    assert {requirement.cell(r, 5).number_format for r in range(5, 9)} == {"0.00%"}
    assert {requirement.cell(r, 6).number_format for r in range(5, 9)} == {"0.00%"}
    # 示例县鑫达化工有限公司 is idle: no level is executed there.
    idle = [row for row in body if row[1].value == "示例县鑫达化工有限公司"]
    executed = RESULT_HEADERS.index("执行级别")
    assert idle and all(row[executed].value is None and row[6].value == "已停产，不计减排" for row in idle)
    assert {row[executed].value for row in body if row[1].value != "示例县鑫达化工有限公司"} >= {"橙色（Ⅱ级）"}
