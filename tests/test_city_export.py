"""The city export read back (SPEC §13): each county sheet is that county's own 企业减排明细, cell by cell.

The two example county lists (examples/city/) are exported together and one by one; the
workbooks are opened with openpyxl and compared cell by cell (values, number formats, bold,
merges, print titles, frozen header), the 说明 sheet is read for every list's path and
SHA-256, and the CSVs are compared with the county's own CSVs. The city activation's
sms.csv names a county bureau by its region, while the journal keeps its path key.
"""

from __future__ import annotations

import csv
import hashlib
import io
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from conftest import text_of
from haze import __version__
from haze.core.city import city_result
from haze.core.engine import compute
from haze.core.model import Level
from haze.core.policy import load_policy
from haze.io.lists import read_list
from haze.render.citysheets import write_city_export
from haze.render.sheets import write_export

ROOT = Path(__file__).resolve().parents[1]
COUNTIES = [ROOT / "examples" / "city" / "county-1.yaml", ROOT / "examples" / "city" / "county-2.yaml"]
REGIONS = ["示例一县", "示例二县"]
NOW = datetime.fromisoformat("2026-12-01T20:00:00+08:00")
HEADER_ROW = 4  # title, 生成时间, 填报单位/审核人/日期, then the header


def lists_args() -> list[str]:
    return [arg for p in COUNTIES for arg in ("--list", str(p))]


def cells(sheet) -> list[list[tuple]]:
    return [[(c.value, c.number_format, bool(c.font.b)) for c in row] for row in sheet.iter_rows()]


def layout(sheet) -> tuple:
    return (sorted(str(r) for r in sheet.merged_cells.ranges), sheet.freeze_panes, sheet.print_title_rows,
            sheet.auto_filter.ref, sheet.page_setup.orientation,
            {k: d.width for k, d in sheet.column_dimensions.items()})


@pytest.fixture
def rendered(tmp_path: Path) -> tuple[Path, list[Path]]:
    """The city workbook and each county's own, written at the same time ``NOW``."""
    loaded = [read_list(p).enterprise_list for p in COUNTIES]
    results = [compute(lst, load_policy(lst.info.policy or "shanxi-2024"), Level("orange")) for lst in loaded]
    city = city_result(results, loaded)
    write_city_export(city, tmp_path / "city.xlsx", now=NOW)
    singles = []
    for n, (result, lst) in enumerate(zip(results, loaded), start=1):
        write_export(result, lst, tmp_path / f"one{n}.xlsx", now=NOW)
        singles.append(tmp_path / f"one{n}.xlsx")
    return tmp_path / "city.xlsx", singles


def test_county_sheet_is_the_countys_own_result_sheet_cell_by_cell(rendered):
    city_path, singles = rendered
    city = openpyxl.load_workbook(city_path)
    assert city.sheetnames == [*REGIONS, "全市汇总", "说明"]
    for region, single_path in zip(REGIONS, singles):
        own = openpyxl.load_workbook(single_path)["企业减排明细"]
        sheet = city[region]
        assert cells(sheet) == cells(own)  # every value, format and bold: title to 合计
        assert layout(sheet) == layout(own)


def test_county_sheet_has_the_report_rows(rendered):
    city = openpyxl.load_workbook(rendered[0])
    for region in REGIONS:
        sheet = city[region]
        assert sheet["A1"].value == f"{region}重污染天气橙色预警（Ⅱ级响应）企业减排明细" and sheet["A1"].font.b
        assert sheet["A2"].value == "生成时间：2026年12月1日20时"
        sign = [c.value for c in sheet[3] if c.value]
        assert sign == [f"填报单位（盖章）：{region}生态环境局", "审核人：", "日期：　　　　年　　月　　日"]
        header = [c.value for c in sheet[HEADER_ROW]]
        assert header[:3] == ["统一社会信用代码", "企业名称", "乡镇"] and "限产比例" in header
        assert sheet.freeze_panes == f"A{HEADER_ROW + 1}" and sheet.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"
        cut = header.index("限产比例")
        assert {sheet.cell(r, cut + 1).number_format for r in range(HEADER_ROW + 1, sheet.max_row)} <= {
            "0.00%", "0.000%", "0.0000%"}
        so2 = header.index("二氧化硫减排量(吨/日)")
        last = [c.value for c in sheet[sheet.max_row]]
        assert last[0] == "合计" and sheet.cell(sheet.max_row, so2 + 1).number_format == "0.0000"
        assert sheet.cell(sheet.max_row, 1).font.b


def test_info_sheet_names_every_list(rendered):
    info = {k: v for k, v in openpyxl.load_workbook(rendered[0])["说明"].iter_rows(min_row=2, values_only=True)}
    assert info["预警级别"] == "橙色预警（Ⅱ级响应）"
    assert info["政策"].startswith("shanxi-2024")
    assert info["结论"] == "未达标：示例一县、全市合计"  # 示例一县 and the total short in VOCs (docs/city.md)
    assert info["生成时间"] == "2026年12月1日20时" and info["生成工具"] == f"haze {__version__}"
    for n, (region, path) in enumerate(zip(REGIONS, COUNTIES), start=1):
        assert info[f"县区{n}"] == region
        assert info[f"县区{n}清单文件"] == str(path)
        assert info[f"县区{n}清单SHA-256"] == hashlib.sha256(path.read_bytes()).hexdigest()
        assert info[f"县区{n}发布单位"] == f"{region}生态环境局"


def test_total_sheet_formats_as_the_countys_requirement_sheet(rendered):
    city_path, singles = rendered
    total = list(openpyxl.load_workbook(city_path)["全市汇总"].iter_rows(min_row=2))
    for n, single_path in enumerate(singles):
        own = list(openpyxl.load_workbook(single_path)["减排要求"].iter_rows(min_row=HEADER_ROW + 1))
        mine = total[4 * n:4 * n + 4]
        # 基准, 减排量, 减排比例, 要求比例, 缺口: the same numbers in the same formats
        for row, own_row in zip(mine, own, strict=True):
            assert [(c.value, c.number_format) for c in (row[3], row[5], row[6], row[7], row[8])] == [
                (c.value, c.number_format) for c in (own_row[1], own_row[3], own_row[4], own_row[5], own_row[6])]


def read_csv(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def test_city_csvs_show_what_the_countys_csvs_show(run, isolated):
    city = run("export", "orange", *lists_args(), "-o", isolated / "city.csv")
    assert city.exit_code == 0, city.stderr
    rows = read_csv(isolated / "city.csv")
    requirement = read_csv(isolated / "city-requirement.csv")
    for region, path in zip(REGIONS, COUNTIES):
        one = run("export", "orange", "--list", path, "-o", isolated / f"{region}.csv")
        assert one.exit_code == 0, one.stderr
        own = read_csv(isolated / f"{region}.csv")
        assert rows[0][1:] == own[0]
        assert [r[1:] for r in rows[1:] if r[0] == region] == own[1:]
        own_requirement = read_csv(isolated / f"{region}-requirement.csv")
        # 预警级别, 政策, then 污染物 … 是否达标; the city's: 预警级别, 县区, 清单文件, then the same
        assert [r[3:] for r in requirement[1:] if r[1] == region] == [r[2:] for r in own_requirement[1:]]
    for r in requirement[1:]:
        assert r[7].endswith("%") and r[8].endswith("%"), r  # 52.76%, never 0.5276…
        assert all(len(v.split(".")[1]) == 4 for v in (r[4], r[6], r[9])), r
    assert [r[1] for r in requirement[1:]][-4:] == ["全市合计"] * 4


def test_cli_city_workbook_matches_single_exports_but_the_time(run, isolated):
    city = run("export", "orange", *lists_args(), "-o", isolated / "city.xlsx")
    assert city.exit_code == 0, city.stderr
    book = openpyxl.load_workbook(isolated / "city.xlsx")
    for region, path in zip(REGIONS, COUNTIES):
        one = run("export", "orange", "--list", path, "-o", isolated / f"{region}.xlsx")
        assert one.exit_code == 0, one.stderr
        own = cells(openpyxl.load_workbook(isolated / f"{region}.xlsx")["企业减排明细"])
        mine = cells(book[region])
        assert mine[:1] + mine[2:] == own[:1] + own[2:]  # row 2 is 生成时间: the runs' minutes may differ
        assert str(mine[1][0][0]).startswith("生成时间：")


@pytest.mark.usefixtures("journal")
def test_city_sms_id_is_the_region_and_the_journal_keeps_its_key(run, isolated):
    done = run("activate", "orange", *lists_args(), "--start", "2026-12-01T20:00", "--authority", "示例市生态环境局",
               "--region", "示例市", "--doc-prefix", "示市环应急", "--json")
    assert done.exit_code == 0, done.stderr
    folder = next(isolated.glob("notices/*/"))
    sms = list(csv.DictReader(text_of(folder / "sms.csv").splitlines()))
    assert [(r["phone"], r["id"], r["name"]) for r in sms] == [("0356-3000002", "示例二县", "示例二县生态环境局")]
    import json

    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    assert [n["id"] for n in manifest["notices"]] == [f"county:{p.resolve()}" for p in COUNTIES]
    status = json.loads(run("status", "--json").stdout)["active"]
    assert [c["region"] for c in status["list"]["lists"]] == REGIONS  # the journal's record, as before


def test_sms_ids_distinct_for_same_region():
    from types import SimpleNamespace as NS

    from haze.render.citynotices import sms_ids_of

    lists = [NS(info=NS(region="示例县"), path="a/x.yaml"), NS(info=NS(region="示例县"), path="b/y.yaml"),
             NS(info=NS(region=""), path="c/示例三县.yaml")]
    assert sms_ids_of(lists) == ["示例县（x.yaml）", "示例县（y.yaml）", "示例三县"]
