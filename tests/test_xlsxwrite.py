"""The streaming XLSX writer (render/xlsxwrite.py): what it writes reads back, cell for cell, in two readers."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from haze.render.xlsxwrite import Cell, PageSetup, Sheet, Style, Workbook, column_letter, escape_text


def calamine_rows(data: bytes, index: int = 0) -> list[list]:
    return CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(index).to_python()


def one_sheet(**kwargs) -> bytes:
    book = Workbook()
    book.add(Sheet("表", **kwargs))
    return book.close()


# Text as a list may hold it: any character XML 1.0 can carry (and the control characters it cannot).
TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r"), min_size=1, max_size=40)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.one_of(TEXT, st.floats(allow_nan=False, allow_infinity=False), st.integers(-10**15, 10**15),
                                   st.booleans()), min_size=1, max_size=5), min_size=1, max_size=8))
def test_any_cells_read_back_exactly_through_calamine(rows: list[list]) -> None:
    data = one_sheet(body=rows, columns=5)
    back = calamine_rows(data)
    for row, got in zip(rows, back, strict=True):
        for value, cell in zip(row, got):
            if isinstance(value, bool):
                assert cell is value
            elif isinstance(value, (int, float)):
                assert cell == value and float(cell) == float(value)  # repr: every float bit for bit
            else:
                assert cell == value


@settings(max_examples=40, deadline=None)
@given(st.lists(st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=30),
                min_size=1, max_size=10))
def test_text_reads_back_through_openpyxl(texts: list[str]) -> None:
    data = one_sheet(body=[[t] for t in texts], columns=1)
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    assert [ws.cell(i, 1).value for i in range(1, len(texts) + 1)] == texts


def test_escapes_by_hand() -> None:
    assert escape_text("示例 & <b>") == "示例 &amp; &lt;b&gt;"
    assert escape_text("a\x01b") == "a_x0001_b"  # XML 1.0 cannot hold it; Excel's escape can
    assert escape_text("_x0041_") == "_x005F_x0041_"  # else it would read back as "A"
    assert escape_text("_x005F_x0041_") == "_x005F_x005F_x005F_x0041_"
    assert escape_text("_x12_") == "_x12_"  # not an escape: left alone
    assert [column_letter(i) for i in (0, 25, 26, 701, 702)] == ["A", "Z", "AA", "ZZ", "AAA"]


def test_formula_text_is_a_string_cell_never_a_formula() -> None:
    data = one_sheet(body=[['=HYPERLINK("http://example.invalid","x")', "+1", "-2", "@a"]], columns=4)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert b"<f>" not in archive.read("xl/worksheets/sheet1.xml")
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    assert [(c.value, c.data_type) for c in ws[1]] == [
        ('=HYPERLINK("http://example.invalid","x")', "s"), ("+1", "s"), ("-2", "s"), ("@a", "s")]


def test_layout_styles_and_print_setup_read_back() -> None:
    bold = Style(bold=True, size=16, align="center", valign="center")
    pct = Style(num_format="0.00%", border=True)
    book = Workbook()
    written = book.add(Sheet(
        "明细", head=[[Cell("标题", bold, 3)], [Cell("名称", Style(bold=True, border=True)), "比例", "吨"]],
        body=[["甲", 0.3, 1.25], ["乙", 0.12345, None], ["", 1.0, 2]],
        tail=[[Cell("合计", Style(bold=True)), "", Cell(3.25, Style(bold=True, num_format="0.0000"))]],
        text_styles={0: Style(border=True)},
        number_styles={1: lambda n, v: pct if v < 1 else Style(num_format="0%"), 2: Style(num_format="0.0000")},
        widths={0: 20, 1: 9.5}, heights={1: 30}, freeze_rows=2, filter_row=2, columns=3, fill_blanks=True,
        page=PageSetup(repeat_rows=(2, 2))))
    book.add(Sheet("说明", body=[["项目", "内容"]], columns=2))
    data = book.close()
    assert written == 3
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["明细", "说明"]
    ws = wb["明细"]
    assert [[c.value for c in row] for row in ws.iter_rows()] == [
        ["标题", None, None], ["名称", "比例", "吨"], ["甲", 0.3, 1.25], ["乙", 0.12345, None], [None, 1, 2],
        ["合计", None, 3.25]]
    assert ws["A1"].font.b and ws["A1"].font.sz == 16 and ws["A1"].alignment.horizontal == "center"
    assert [str(r) for r in ws.merged_cells.ranges] == ["A1:C1"]
    assert ws["B3"].number_format == "0.00%" and ws["B5"].number_format == "0%" and ws["C3"].number_format == "0.0000"
    assert ws["A3"].border.left.style == "thin" and ws["A5"].border.top.style == "thin"  # blank cells keep the border
    assert ws["C6"].font.b and ws["C6"].number_format == "0.0000"
    assert ws.column_dimensions["A"].width == 20 and ws.row_dimensions[1].height == 30
    assert ws.freeze_panes == "A3" and ws.auto_filter.ref == "A2:C5"
    assert ws.print_title_rows == "$2:$2"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9  # A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert ws.page_setup.fitToHeight == 0  # as many pages down as it takes
    assert "&P" in ws.oddFooter.center.text
    back = calamine_rows(data)
    assert back[2] == ["甲", 0.3, 1.25] and back[5] == ["合计", "", 3.25]
    assert calamine_rows(data, 1) == [["项目", "内容"]]


def test_non_finite_numbers_are_written_as_text_not_a_broken_file() -> None:
    data = one_sheet(body=[[float("inf"), float("nan")]], columns=2)
    assert calamine_rows(data) == [["inf", "nan"]]


@pytest.mark.parametrize("name", ["O'Brien表", "a&b"])
def test_sheet_names_with_quotes_and_ampersands(name: str) -> None:
    book = Workbook()
    book.add(Sheet(name, body=[["x"]], filter_row=1, columns=1, page=PageSetup(repeat_rows=(1, 1))))
    wb = openpyxl.load_workbook(io.BytesIO(book.close()))
    assert wb.sheetnames == [name] and wb[name].print_title_rows == "$1:$1"
