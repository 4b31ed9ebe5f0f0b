"""The index (告知书汇总) as a document a bureau files (SPEC §16): counts by measure and grade, a
per-township breakdown and 签收单, the 审核/签发 block and charts, in every format, read back."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from conftest import text_of, write
from haze.commands.inputs import load_inputs
from haze.core.engine import compute
from haze.core.model import Level
from haze.core.timeparse import SHANGHAI
from haze.render.notices import FORMATS, Issue, render_activation
from haze.render.tally import tally

EIGHT_PM = datetime(2025, 12, 1, 20, 0, tzinfo=SHANGHAI)
HOSTILE = "示例县东升<b>&{{x}}公司"
# C cuts 50% at orange, A self-manages, a noncompliant B stops; the last one has no township.
LIST = """\
list:
  region: 示例县
  authority: 示例县生态环境局
  doc_prefix: 示环应急
  baseline: {so2: 100, nox: 100, pm: 100, vocs: 100}
enterprises:
  - {id: 91140525MA0KLJY16T, name: 示例县永丰铸造有限公司, town: 巴公镇, grade: C,
     emissions: {so2: 100, nox: 100, pm: 100, vocs: 100}}
  - {id: 91140525MA0KJJC152, name: "示例县东升<b>&{{x}}公司", town: 巴公镇, grade: A,
     emissions: {so2: 10, nox: 10, pm: 10, vocs: 10}}
  - {id: 91140525MA0K71HUXK, name: 示例县青石建材, town: 北义城镇, grade: B, compliant: false,
     emissions: {so2: 10, nox: 10, pm: 10, vocs: 10}}
  - {id: 91140525MA0KHHBM4Y, name: 示例县无乡镇企业, grade: C,
     emissions: {so2: 10, nox: 10, pm: 10, vocs: 10}}
"""


def activation(tmp_path: Path, fmt: str, lang: str = "zh") -> Path:
    inputs = load_inputs(write(tmp_path / "list.yaml", LIST), cache=False)
    result = compute(inputs.enterprise_list, inputs.policy, Level.ORANGE)
    issue = Issue(id="20251201-200000-orange", kind="activation", level=Level.ORANGE, start=EIGHT_PM, until=None,
                  issued=EIGHT_PM, first_number=7, user="duty")
    return render_activation(result, inputs.enterprise_list, issue, tmp_path / "out", lang=lang,
                             fmt=fmt).directory


def test_tally_counts_by_measure_grade_and_township() -> None:
    def row(i: int, town: str, grade: str, stopped: bool, cut: float, own: bool) -> dict:
        return {"index": i, "number": f"〔2025〕{i}号", "enterprise": {
            "id": f"id{i}", "name": f"企业{i}", "town": town, "grade": {"value": grade, "zh": grade + "级",
                                                                          "name": grade}},
            "measures": {"stopped": stopped, "plant_cut": cut, "self_managed": own}}

    rows = [row(1, "", "C", False, 0.5, False), row(2, "巴公镇", "A", False, 0.0, True),
            row(3, "北义城镇", "B", True, 1.0, False), row(4, "巴公镇", "C", False, 0.0, False)]
    summary = {"pollutants": [{"label": "PM", "assessed": True, "ratio": 0.15, "required": 0.3, "ok": False},
                              {"label": "SO₂", "assessed": True, "ratio": 0.6, "required": 0.3, "ok": True}]}
    t = tally(rows, summary, "zh")
    assert t["measures"] == {"stop": 1, "cut": 1, "own": 1, "other": 1}
    assert [(g["zh"], g["count"], g["share"]) for g in t["grades"]] == [("C级", 2, 0.5), ("A级", 1, 0.25),
                                                                       ("B级", 1, 0.25)]
    # townships in the order the list names them; the one without a township last, as 未填乡镇
    assert [(g["label"], g["count"], [n["index"] for n in g["notices"]]) for g in t["towns"]] == [
        ("巴公镇", 2, [2, 4]), ("北义城镇", 1, [3]), ("未填乡镇", 1, [1])]
    assert t["towns"][0]["measures"] == {"stop": 0, "cut": 0, "own": 1, "other": 1}
    # given the policy's ranks, the grade table reads best to worst, whatever order the list names them
    from haze.render.tally import Tally

    ranked = Tally("zh", {"A": 1, "leading": 1, "B": 2, "C": 4, "D": 6})
    for r in rows:
        ranked.add(r)
    assert [g["zh"] for g in ranked.result(summary)["grades"]] == ["A级", "B级", "C级"]
    # the scale is the largest ratio or requirement (60%): PM 15% is a quarter, its mark at a half
    pm, so2 = t["ratio_bars"]
    assert (pm["width"], pm["mark"], pm["fail"]) == (0.25, 0.5, True)
    assert (so2["width"], so2["mark"], so2["fail"]) == (1.0, 0.5, False)
    assert pm["text"] == "15.00%（要求30.00%）"


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_index_counts_lists_each_township_and_has_a_sign_off_block(tmp_path: Path, fmt: str) -> None:
    text = text_of(activation(tmp_path, fmt) / f"index.{fmt}")
    squeezed = "".join(text.split()).replace("|", "").replace("\t", "")
    assert "措施与绩效等级统计" in text
    for town, count in (("巴公镇", 2), ("北义城镇", 1), ("未填乡镇", 1)):
        assert f"{town}告知书签收单" in squeezed  # one 签收单 per township, the one without last
        assert f"本乡镇（街道）送达{count}份" in squeezed
    assert squeezed.index("巴公镇告知书签收单") < squeezed.index("北义城镇告知书签收单") < squeezed.index(
        "未填乡镇告知书签收单")
    assert "签收人" in text and "签收时间" in text and "送达人" in text
    assert "审核" in text and "签发" in text
    if fmt == "html":
        assert HOSTILE not in text and "示例县东升&lt;b&gt;&amp;{{x}}公司" in text
        assert text.count("<svg") == 2  # the ratio chart and the grade chart, inline
    else:
        assert HOSTILE in text.replace("\\", "")  # markdown escapes <, & and { with a backslash


def test_pdf_and_docx_indexes_are_landscape_with_charts(tmp_path: Path) -> None:
    from docx import Document
    from docx.shared import Mm
    from pypdf import PdfReader

    page = PdfReader(str(activation(tmp_path / "p", "pdf") / "index.pdf")).pages[0]
    assert page.mediabox.width > page.mediabox.height
    doc = Document(str(activation(tmp_path / "d", "docx") / "index.docx"))
    assert doc.sections[0].page_width > doc.sections[0].page_height
    # one bar image per pollutant (4) and per grade (3, in the policy's order: A, B, C): each as wide
    # as its share of the longest
    widths = [shape.width for shape in doc.inline_shapes]
    assert len(widths) == 4 + 3
    assert widths[:4] == [widths[0]] * 4  # 65% each: every pollutant bar the full length
    grade_a, grade_b, grade_c = widths[4:]
    assert grade_a == grade_b and abs(grade_c / grade_a - 2) < 0.01  # 2 C against 1 A and 1 B
    # the requirement's dashed mark over each pollutant bar, where the PDF draws it: orange asks 30%
    # of a scale whose end is the 65% reached, so 30/65 of the 80 mm bar, 36.92 mm from its start
    wp = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
    marks = list(doc.element.body.iter(f"{wp}anchor"))
    assert len(marks) == 4
    for mark in marks:
        # from the character it is anchored at, which stands where the bar starts (a cell's edge does not)
        assert mark.find(f"{wp}positionH").get("relativeFrom") == "character" and mark.find(f"{wp}wrapNone") is not None
        assert abs(int(mark.find(f"{wp}positionH/{wp}posOffset").text) - 30 / 65 * Mm(80)) < 1000  # 0.03 mm
    assert len(widths) == 4 + 3  # the marks float: no line's pictures changed
    # every drawing its own id, though each chart row is a copy of the template's (Word refuses duplicates)
    ids = [d.get("id") for d in doc.element.body.iter(f"{wp}docPr")]
    assert len(ids) == 4 + 3 + 4 and len(set(ids)) == len(ids)
    # no space around a bar (LibreOffice's default put 3.2 mm before it, so a short bar passed its mark)
    assert all(inline.get(side) == "0" for inline in doc.element.body.iter(f"{wp}inline")
               for side in ("distT", "distB", "distL", "distR"))


def test_the_index_grade_table_follows_the_policys_ranks(tmp_path: Path) -> None:
    """QA: the index listed B级, C级, A级, 引领性, D级… in the order the list first named them."""
    text = (activation(tmp_path, "md") / "index.md").read_text(encoding="utf-8")
    table = text[text.index("措施与绩效等级统计"):]
    assert table.index("A级") < table.index("B级") < table.index("C级")


def test_a_docx_index_keeps_credit_codes_and_numbers_on_one_line(tmp_path: Path) -> None:
    """LibreOffice split 91140525MA0KHHBM4|Y and 示环应急〔2026〕48|号 in the landscape index: its cells had
    Word's 1.9 mm margins where the PDF's have 1 mm, and the code column was narrower than a code."""
    from docx import Document
    from reportlab.pdfbase.pdfmetrics import stringWidth

    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    doc = Document(str(activation(tmp_path, "docx") / "index.docx"))
    table = next(t for t in doc.tables if "统一社会信用代码" in [c.text for c in t.rows[0].cells])
    margins = table._tbl.tblPr.find(f"{w}tblCellMar")
    assert margins.find(f"{w}left").get(f"{w}w") == "57" and margins.find(f"{w}right").get(f"{w}w") == "57"
    heads = [c.text for c in table.rows[0].cells]
    room = {h: int(col.get(f"{w}w")) - 2 * 57 for h, col in zip(heads, table._tbl.tblGrid.iterfind(f"{w}gridCol"))}
    # in twips (20 a point), at 五号 10.5 pt in Times New Roman; W and M are the widest letters a code has
    assert room["统一社会信用代码"] >= stringWidth("91140525MA0KWWM15T", "Times-Roman", 10.5) * 20
    assert room["文号"] >= (7 + 7 * 0.5) * 10.5 * 20  # 示环应急〔2026〕123号: 7 汉字 and 7 digits


def test_a_docx_chart_is_kept_on_one_page_with_its_caption(tmp_path: Path) -> None:
    """Word keeps a table's rows together when each row's paragraphs keep with the next: the chart's
    caption and first bar once stood alone at a page's foot (QA helper-50)."""
    from docx import Document

    doc = Document(str(activation(tmp_path, "docx") / "index.docx"))
    caption = next(p for p in doc.paragraphs if p.text.startswith("减排比例与要求"))
    assert caption.paragraph_format.keep_with_next
    charts = [t for t in doc.tables if t.rows and t.rows[0].cells[1]._tc.xpath(".//w:drawing")]
    assert len(charts) == 2  # the ratios and the grades
    for chart in charts:
        assert len(chart.rows) >= 3 and all(c.paragraphs[0].paragraph_format.keep_with_next
                                            for row in chart.rows for c in row.cells)
