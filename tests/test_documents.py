"""Printable notices (SPEC §16): DOCX and PDF in 公文 layout, all.pdf, sms.csv, txt with a BOM.

Documents are read back as a bureau's software would: python-docx for .docx
(its XML for layout facts), pypdf for .pdf. The content of every notice in
every format is checked by test_notices.py; this file checks the layout of
GB/T 9704-2012, escaping, the user's own .docx template and the SMS file.
"""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import EXAMPLES, text_of, write
from haze.core.engine import compute
from haze.core.errors import TemplateError
from haze.commands.inputs import load_inputs
from haze.core.model import Level
from haze.core.timeparse import SHANGHAI
from haze.render.notices import Issue, render_activation, render_lift
from haze.render.sms import LIMIT, sms_text

WORKED = EXAMPLES / "worked-example.yaml"
EIGHT_PM = datetime(2025, 12, 1, 20, 0, tzinfo=SHANGHAI)
YONGFENG = "91140525MA0KLJY16T"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
HOSTILE = "<b>宏达&amp;{{ 7*7 }}{%p endif %}</b>"


def issue(**changes) -> Issue:
    values = dict(id="20251201-200000-orange", kind="activation", level=Level.ORANGE, start=EIGHT_PM, until=None,
                  issued=EIGHT_PM, first_number=7, user="duty")
    values.update(changes)
    return Issue(**values)


def activate(path: Path, parent: Path, **options):
    inputs = load_inputs(path, cache=False)
    return render_activation(compute(inputs.enterprise_list, inputs.policy, Level.ORANGE), inputs.enterprise_list,
                             issue(), parent,
                             **options)


def first(folder: Path, prefix: str = "0001") -> Path:
    (match,) = [p for p in folder.iterdir() if p.name.startswith(prefix)]
    return match


def hostile_list(tmp_path: Path) -> Path:
    text = WORKED.read_text(encoding="utf-8").replace("name: 示例县永丰铸造有限公司", f"name: '{HOSTILE}'")
    assert HOSTILE in text
    return write(tmp_path / "hostile.yaml", text)


# -- DOCX --------------------------------------------------------------------------------

def test_docx_notice_has_the_gbt9704_layout(tmp_path: Path) -> None:
    from docx import Document
    from docx.shared import Pt

    notice = first(activate(WORKED, tmp_path, fmt="docx").directory)
    doc = Document(str(notice))
    section = doc.sections[0]
    # A4 and the 156 × 225 mm type area
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
    assert round(section.page_width.mm - section.left_margin.mm - section.right_margin.mm) == 156
    assert round(section.page_height.mm - section.top_margin.mm - section.bottom_margin.mm) == 225
    paragraphs = doc.paragraphs
    by_style = {p.style.name: p for p in reversed(paragraphs)}  # the first of each style
    masthead = by_style["发文机关标志"]
    assert masthead.text == "示例县生态环境局" and str(masthead.style.font.color.rgb) == "E60012"
    number = by_style["发文字号"]
    assert number.text == "示环应急〔2025〕7号" and number.style.paragraph_format.alignment == 1  # centred
    rule = number._p.pPr.find(f"{W}pBdr/{W}bottom")
    assert rule is not None and rule.get(f"{W}color") == "E60012"  # the red rule under the 发文字号
    title = by_style["公文标题"]
    assert title.text == "关于启动重污染天气\n橙色预警（Ⅱ级）应急响应的告知书"  # broken between phrases (GB/T 9704 §7.3.3)
    assert title.style.font.size == Pt(22)
    assert by_style["公文正文"].style.font.size == Pt(16)  # 3号
    fonts = {name: doc.styles[name].element.rPr.find(f"{W}rFonts").get(f"{W}eastAsia")
             for name in ("公文标题", "公文正文", "一级标题")}
    assert fonts == {"公文标题": "方正小标宋简体", "公文正文": "仿宋_GB2312", "一级标题": "黑体"}
    assert [p.text for p in paragraphs if p.style.name == "一级标题"][:2] == ["一、执行要求", "二、生产线减排措施"]
    assert all(doc.styles["一级标题"].paragraph_format.keep_with_next for _ in [0])
    # the date stays with the signature and the last paragraph; no "（盖章）" printed for the seal
    names = [p.style.name for p in paragraphs]
    sign = names.index("发文机关署名")
    assert names[sign - 1] == "正文末段" and names[sign + 1] == "成文日期"
    assert doc.styles["正文末段"].paragraph_format.keep_with_next
    assert doc.styles["发文机关署名"].paragraph_format.keep_with_next
    assert paragraphs[sign].text == "示例县生态环境局" and paragraphs[sign + 1].text == "2025年12月1日"
    # the 回执 on a page of its own, after a cut line
    cut = paragraphs[sign + 2]
    assert cut.style.name == "裁剪线" and cut.paragraph_format.page_break_before
    assert paragraphs[sign + 3].text == "回　执"
    assert any("签收人" in p.text for p in paragraphs[sign + 3:])
    # table rows never split; the header row repeats
    for table in doc.tables:
        rows = table._tbl.findall(f"{W}tr")
        assert all(r.find(f"{W}trPr/{W}cantSplit") is not None for r in rows)
        assert rows[0].find(f"{W}trPr/{W}tblHeader") is not None
    assert [c.text for c in doc.tables[0].rows[1].cells] == ["1", "1#冲天炉", "限产40%", "本生产线措施"]
    # page numbers: — N — in the footer, odd and even pages apart
    assert doc.settings.odd_and_even_pages_header_footer
    assert "PAGE" in section.footer._element.xml and "PAGE" in section.even_page_footer._element.xml


def test_docx_index_is_landscape_with_counts_and_a_sign_off_block(tmp_path: Path) -> None:
    from docx import Document

    index = activate(WORKED, tmp_path, fmt="docx").directory / "index.docx"
    doc = Document(str(index))
    section = doc.sections[0]
    assert round(section.page_width.mm) == 297 and round(section.page_height.mm) == 210
    text = text_of(index)
    assert "停产\t限产\t自主减排\t其他（以热定产、不限产）" in text
    assert "2家\t1家\t0家\t0家" in text  # worked example at orange: 东昇 and 青石 stop, 永丰 cuts
    assert "审核：" in text and "签发：" in text
    assert "生成时间：" in text  # when haze wrote the set: not the 签发 (signing) the reviewer fills in


def test_docx_is_the_same_bytes_each_time(tmp_path: Path) -> None:
    one = first(activate(WORKED, tmp_path / "a", fmt="docx").directory).read_bytes()
    two = first(activate(WORKED, tmp_path / "b", fmt="docx").directory).read_bytes()
    assert one == two  # the manifest's sha256 says something only if rendering is repeatable


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_hostile_names_stay_text(tmp_path: Path, fmt: str) -> None:
    notices = activate(hostile_list(tmp_path), tmp_path / "out", fmt=fmt)
    notice = text_of(first(notices.directory))
    assert HOSTILE in notice  # '<', '&', '{{' and a docxtpl tag printed as written, never markup or code
    assert "宏达&49" not in notice
    assert HOSTILE in text_of(notices.directory / f"index.{fmt}")
    if fmt == "docx":
        with zipfile.ZipFile(first(notices.directory)) as archive:
            xml = archive.read("word/document.xml").decode("utf-8")
        assert "&lt;b&gt;宏达&amp;amp;{{ 7*7 }}" in xml


def test_a_users_edited_docx_template_is_used(tmp_path: Path) -> None:
    from docx import Document
    from importlib.resources import files

    shipped = files("haze.templates").joinpath("notice.zh.docx").read_bytes()
    doc = Document(io.BytesIO(shipped))
    masthead = next(p for p in doc.paragraphs if p.style.name == "发文机关标志")
    masthead.text = "{{ bureau.region }}生态环境局文件"  # the bureau's own letterhead, edited in Word
    doc.add_paragraph("本局自定义：{{ notice.number }}，{{ enterprise.name }}")
    mine = tmp_path / "mine"
    mine.mkdir()
    doc.save(str(mine / "notice.zh.docx"))
    notices = activate(WORKED, tmp_path / "out", fmt="docx", templates=mine)
    text = text_of(first(notices.directory))
    assert text.startswith("示例县生态环境局文件\n")
    assert "本局自定义：示环应急〔2025〕7号，示例县永丰铸造有限公司" in text
    assert "二、生产线减排措施" in text  # the rest of the shipped template is still there
    assert "告知书清单" in text_of(notices.directory / "index.docx")  # the index is still the shipped one


def test_a_broken_user_docx_template_is_one_error_and_writes_nothing(tmp_path: Path) -> None:
    from docx import Document

    mine = tmp_path / "mine"
    mine.mkdir()
    doc = Document()
    doc.add_paragraph("{{ enterprise.nmae }}")
    doc.save(str(mine / "notice.zh.docx"))
    with pytest.raises(TemplateError, match=r"notice\.zh\.docx.*no field 'nmae'"):
        activate(WORKED, tmp_path / "out", fmt="docx", templates=mine)
    doc = Document()
    doc.add_paragraph("{%p if notice.number %}")  # never closed
    doc.save(str(mine / "notice.zh.docx"))
    with pytest.raises(TemplateError, match=r"notice\.zh\.docx.*syntax"):
        activate(WORKED, tmp_path / "out", fmt="docx", templates=mine)
    (mine / "notice.zh.docx").write_text("not a zip", encoding="utf-8")
    with pytest.raises(TemplateError, match="not a .docx"):
        activate(WORKED, tmp_path / "out", fmt="docx", templates=mine)
    assert not (tmp_path / "out").exists()


# -- PDF ---------------------------------------------------------------------------------

def test_pdf_notice_pages_text_and_receipt_page(tmp_path: Path) -> None:
    from pypdf import PdfReader

    notices = activate(WORKED, tmp_path, fmt="pdf")
    reader = PdfReader(str(first(notices.directory)))
    assert all((round(float(p.mediabox.width)), round(float(p.mediabox.height))) == (595, 842)
               for p in reader.pages)  # A4
    pages = [p.extract_text() for p in reader.pages]
    assert pages[0].split("\n")[0].strip() == "— 1 —" or "示例县生态环境局" in pages[0]
    assert "示环应急〔2025〕7号" in pages[0]
    receipt = pages[-1]
    assert "回" in receipt and "签收人" in receipt and "沿虚线剪下" in receipt
    assert "执行要求" not in receipt and "示例县生态环境局" in receipt  # the receipt's page holds the receipt only
    body = text_of(first(notices.directory))
    assert body.index("2025年12月1日") < body.index("回执（沿虚线剪下")
    # the Chinese text is CID-keyed through a Unicode CMap: searchable and copyable
    fonts = reader.pages[0]["/Resources"]["/Font"]
    encodings = {str(fonts[f].get_object()["/Encoding"]) for f in fonts}
    assert "/UniGB-UCS2-H" in encodings


def test_pdf_index_is_landscape(tmp_path: Path) -> None:
    from pypdf import PdfReader

    reader = PdfReader(str(activate(WORKED, tmp_path, fmt="pdf").directory / "index.pdf"))
    assert (round(float(reader.pages[0].mediabox.width)), round(float(reader.pages[0].mediabox.height))) == (842, 595)


def test_all_pdf_holds_every_notice_in_order(tmp_path: Path) -> None:
    from pypdf import PdfReader

    folder = activate(WORKED, tmp_path, fmt="pdf").directory
    singles = sorted(p for p in folder.iterdir() if p.name[:4].isdigit())
    counts = [len(PdfReader(str(p)).pages) for p in singles]
    combined = PdfReader(str(folder / "all.pdf"))
    assert len(combined.pages) == sum(counts)
    starts = [sum(counts[:i]) for i in range(len(counts))]
    for start, number in zip(starts, ("示环应急〔2025〕7号", "示环应急〔2025〕8号", "示环应急〔2025〕9号")):
        assert number in combined.pages[start].extract_text()


def test_a_lift_in_pdf_and_docx(tmp_path: Path) -> None:
    notified = [{"id": YONGFENG, "name": "示例县永丰铸造有限公司", "number": "示环应急〔2025〕7号", "phone": "13900000001"}]
    info = {"authority": "示例县生态环境局", "region": "示例县", "doc_prefix": "示环应急"}
    at = datetime(2025, 12, 3, 8, 0, tzinfo=SHANGHAI)
    lift = Issue(id="lift", kind="lift", level=Level.ORANGE, start=at, until=None, issued=at, first_number=10)
    for fmt in ("pdf", "docx"):
        folder = render_lift(notified, info, lift, tmp_path / fmt, fmt=fmt).directory
        text = text_of(first(folder))
        assert "关于解除重污染天气橙色预警（Ⅱ级）应急响应的通知" in text and "示环应急〔2025〕10号" in text
        assert "回　执" in text or "回 执" in text
        rows = list(csv.reader(io.StringIO((folder / "sms.csv").read_text(encoding="utf-8-sig"))))
        assert rows[1][:3] == ["13900000001", YONGFENG, "示例县永丰铸造有限公司"]
        assert "解除" in rows[1][3] and "示环应急〔2025〕10号" in rows[1][3]


# -- sms.csv --------------------------------------------------------------------------

def test_sms_csv_one_row_per_enterprise_with_a_phone(tmp_path: Path) -> None:
    text = WORKED.read_text(encoding="utf-8").replace('contact: {name: 王强, phone: "0356-2000203"}',
                                                      "contact: {name: 王强}")
    missing: list = []
    folder = activate(write(tmp_path / "list.yaml", text), tmp_path / "out", on_missing=missing.extend).directory
    data = (folder / "sms.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # Excel and WPS open it as UTF-8
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["phone", "id", "name", "text"]
    assert [r[:3] for r in rows[1:]] == [["0356-2000201", YONGFENG, "示例县永丰铸造有限公司"],
                                         ["0356-2000202", "91140525MA0KJJC152", "示例县东昇焦化有限公司"]]
    assert rows[1][3] == ("【示例县生态环境局】橙色预警（Ⅱ级）12月1日20时起执行，请按示环应急〔2025〕7号告知书落实应急减排措施，"
                          "1小时内反馈回执。")
    assert all(len(r[3]) <= LIMIT for r in rows[1:])
    assert missing == [{"id": "91140525MA0K71HUXK", "name": "示例县青石砖厂", "number": "示环应急〔2025〕9号"}]


@pytest.mark.usefixtures("journal")  # a bureau's journal, made once by `haze init`
def test_activate_tells_who_has_no_phone_and_lift_texts_the_same_phones(run, tmp_path: Path) -> None:
    text = WORKED.read_text(encoding="utf-8").replace('contact: {name: 王强, phone: "0356-2000203"}',
                                                      "contact: {name: 王强}")
    listfile = write(tmp_path / "list.yaml", text)
    done = run("activate", "orange", "--list", listfile, "--start", "2025-12-01T20:00", "--format", "pdf")
    assert done.exit_code == 0, done.stderr
    assert "1 notified enterprises have no contact phone" in done.stderr
    assert "91140525MA0K71HUXK" in done.stderr and "示例县青石砖厂" in done.stderr
    lifted = run("lift", "--at", "2025-12-03T08:00", "--format", "docx")
    assert lifted.exit_code == 0, lifted.stderr
    (folder,) = [p for p in Path("notices").iterdir() if p.name.endswith("-lift")]
    rows = list(csv.reader(io.StringIO((folder / "sms.csv").read_text(encoding="utf-8-sig"))))
    assert [r[0] for r in rows[1:]] == ["0356-2000201", "0356-2000202"]  # the activation's phones
    assert "示例县青石砖厂" in lifted.stderr


ISSUE = {"kind": "activation", "level": {"value": "red", "zh": "红色", "response": "Ⅰ级", "roman": "I"},
         "previous_level": {"value": "orange", "zh": "橙色", "response": "Ⅱ级", "roman": "II"},
         "adjustment": "upgrade", "reissue": False, "start": datetime(2025, 12, 31, 23, 30, tzinfo=SHANGHAI)}


@settings(max_examples=200, deadline=None)
@given(authority=st.text(alphabet="示例县市省生态环境局分局ABC（）", min_size=1, max_size=60),
       seq=st.integers(min_value=1, max_value=99999), lang=st.sampled_from(["zh", "en"]),
       kind=st.sampled_from(["activation", "lift"]))
def test_an_sms_never_exceeds_70_characters_and_names_the_authority(authority: str, seq: int, lang: str,
                                                                     kind: str) -> None:
    number = f"示环应急〔2025〕{seq}号"
    text = sms_text(authority, ISSUE | {"kind": kind}, number, lang)
    assert len(text) <= LIMIT
    assert text.startswith("【" if lang == "zh" else "[")
    if len(authority) <= (30 if lang == "zh" else 20):  # room enough: the whole authority and number
        assert authority in text and number in text


def test_an_adjustment_sms_says_upgraded() -> None:
    text = sms_text("示例县生态环境局", ISSUE, "示环应急〔2025〕12号")
    assert text.startswith("【示例县生态环境局】橙色预警升级为红色预警（Ⅰ级）12月31日23时30分起")
    assert "示环应急〔2025〕12号" in text and len(text) <= LIMIT


# -- txt and md ---------------------------------------------------------------------------

def test_txt_notices_have_a_bom_and_md_does_not(tmp_path: Path) -> None:
    txt = activate(WORKED, tmp_path / "t", fmt="txt").directory
    assert first(txt).read_bytes().startswith(b"\xef\xbb\xbf" + "示例县生态环境局".encode("utf-8")[:0])
    assert (txt / "index.txt").read_bytes().startswith(b"\xef\xbb\xbf")
    md = activate(WORKED, tmp_path / "m", fmt="md").directory
    assert first(md).read_bytes().startswith(b"# ")  # Markdown tools read a BOM as text: none


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_the_index_has_a_dispatch_sheet_per_town(tmp_path: Path, fmt: str) -> None:
    index = text_of(activate(WORKED, tmp_path, fmt=fmt).directory / f"index.{fmt}")
    # worked example: 永丰 in 巴公镇, 东昇 in 城关镇, 青石 in 南村镇, one notice each
    for town in ("巴公镇", "城关镇", "南村镇"):
        assert f"{town}告知书签收单" in index
    assert index.count("本乡镇（街道）送达1份") == 3
    if fmt == "pdf":  # one page per town, each with its own enterprise and the blanks to sign
        from pypdf import PdfReader

        pages = [p.extract_text() for p in PdfReader(str(tmp_path / "20251201-200000-orange" / "index.pdf")).pages]
        sheet = next(p for p in pages if "巴公镇告知书签收单" in p)
        assert "示例县永丰铸造有限公司" in sheet and "签收人" in sheet and "示例县青石砖厂" not in sheet


# -- --first-number -----------------------------------------------------------------------

@pytest.mark.usefixtures("journal")  # a bureau's journal, made once by `haze init`
def test_first_number_starts_the_run_there_and_refuses_numbers_already_given(run, tmp_path: Path) -> None:
    import json

    done = run("activate", "orange", "--list", WORKED, "--start", "2025-12-01T20:00", "--first-number", "41",
               "--json")
    assert done.exit_code == 0, done.stderr
    data = json.loads(done.stdout)
    manifest = json.loads((Path(data["notices"][0]).parent / "manifest.json").read_text(encoding="utf-8"))
    year = manifest["issued"][:4]
    assert [n["number"] for n in manifest["notices"]] == [f"示环应急〔{year}〕{n}号" for n in (41, 42, 43)]
    # a number this journal already gave is refused, before anything is written or recorded
    history = run("history", "--json").stdout
    for taken in ("43", "1"):
        refused = run("lift", "--at", "2025-12-03T08:00", "--first-number", taken)
        assert refused.exit_code == 2 and "already recorded" in refused.stderr
        assert run("history", "--json").stdout == history
    lifted = run("lift", "--at", "2025-12-03T08:00", "--first-number", "44", "--json")
    assert lifted.exit_code == 0, lifted.stderr
    folder = Path(json.loads(lifted.stdout)["notices"][0]).parent
    assert "示环应急〔" + year + "〕44号" in text_of(next(folder.glob("0001-*")))
    # without it, numbering runs on from the last number given
    again = run("activate", "red", "--list", WORKED, "--start", "2025-12-04T20:00", "--json")
    assert again.exit_code == 0, again.stderr
    folder = Path(json.loads(again.stdout)["notices"][0]).parent
    assert f"示环应急〔{year}〕47号" in text_of(next(folder.glob("0001-*")))


def test_drawings_repeated_by_a_loop_are_numbered_above_the_templates_other_parts() -> None:
    from lxml import etree

    from haze.render.docx import _WP, _drawing_floor, _unique_drawing_ids

    header = b'<w:hdr><wp:docPr id="7" name="logo"/></w:hdr>'
    assert _drawing_floor([("word/header1.xml", header), ("word/document.xml", b'<wp:docPr id="99"/>')]) == 7
    body = etree.fromstring(f'<body xmlns:wp="{_WP[1:-1]}">' + '<wp:docPr id="2"/>' * 3 + "</body>")
    assert _unique_drawing_ids(body, 7) and [d.get("id") for d in body.iter(f"{_WP}docPr")] == ["8", "9", "10"]
    assert not _unique_drawing_ids(body, 7)  # already distinct: left as they are
