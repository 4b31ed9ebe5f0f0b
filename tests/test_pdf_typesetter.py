"""The canvas-level typesetter's guarantees (render/pdf.Typesetter), read back with pypdf.

Each test typesets a small layout (the blocks of docs/notices.md) and reads the pages'
text back, or the positions pypdf reports for each text run, as a reader would.
"""

from __future__ import annotations

import io

from pypdf import PdfReader

from haze.render.pdf import A4, MARGINS, Typesetter, wrap

HEAD = "masthead\t示例县生态环境局\nnumber\t示环应急〔2025〕7号\ntitle\t关于启动重污染天气橙色预警的告知书\n"


def pages(layout: str, lang: str = "zh") -> list[str]:
    reader = PdfReader(io.BytesIO(Typesetter(lang).typeset(layout, "test")))
    return [p.extract_text() for p in reader.pages]


def test_a_table_longer_than_a_page_repeats_its_header_and_never_splits_a_row() -> None:
    rows = "\n".join(f"tr\t{n}\t第{n}号生产线甲乙丙丁戊己庚辛壬癸\t停产\t行{n}尾" for n in range(1, 61))
    texts = pages(HEAD + "tw\t10\t50\t20\t20\nth\t序号\t生产线（工序）\t减排措施\t依据\n" + rows + "\n")
    assert len(texts) >= 3
    for text in texts:
        assert "生产线（工序）" in text  # the header row on every page the table reaches
    for n in range(1, 61):  # every row whole on exactly one page: its first and last cell together
        (holding,) = [t for t in texts if f"第{n}号生产线" in t]
        assert f"行{n}尾" in holding


def test_latin_text_is_set_in_times_roman_with_its_widths() -> None:
    """Letters, digits and ASCII punctuation in Times-Roman (every reader has its exact metrics), Chinese in
    the CID face: a reader substituting another face for FangSong drew Latin text cramped ("Noticeon")."""
    fonts: list[tuple[str, str]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.strip():
            fonts.append((text, str(font["/BaseFont"]) if font else ""))

    reader = PdfReader(io.BytesIO(Typesetter("en").typeset("p\tNotice 2026年 W\n", "test")))
    reader.pages[0].extract_text(visitor_text=visit)
    assert fonts[:3] == [("Notice 2026", "/Times-Roman"), ("年", "/FangSong"), (" W", "/Times-Roman")]  # then the page number
    # Times' W is 944/1000 em: 15.10 pt at 3号 (16 pt), so the 442.2 pt type area holds 29 of them
    (first, *rest) = pages("p\t" + "W" * 60 + "\n", "en")[0].split("\n")
    assert first == "W" * 29


def test_an_odd_page_number_ends_one_character_inside_the_right_edge() -> None:
    """GB/T 9704 §7.5: 一字 (14 pt) from the type area's edge, measured as drawn (the digits in Times)."""
    from reportlab.pdfbase import pdfmetrics

    found: list[tuple[float, float, str, str]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.strip():
            found.append((tm[4], size, text, str(font["/BaseFont"])[1:] if font else ""))

    reader = PdfReader(io.BytesIO(Typesetter("zh").typeset(HEAD + "p\t正文。\n", "test")))
    reader.pages[0].extract_text(visitor_text=visit)
    start = next(i for i, f in enumerate(found) if f[2] == "—")  # — 1 —: the dash, the digit in Times, a dash
    runs = found[start:start + 3]
    assert [r[3] for r in runs] == ["SimSun", "Times-Roman", "SimSun"]
    # pypdf gives each run the line's own text matrix: its start, to which every run's width adds
    end = runs[0][0] + sum(pdfmetrics.stringWidth(text, face, size) for _x, size, text, face in runs)
    assert abs(end - (A4[0] - MARGINS["right"] - 14)) < 0.5


def test_the_last_row_of_a_table_never_stands_alone_on_a_page() -> None:
    """A city index's VOCs row sat alone on page 2 under the repeated header: the row before it goes along."""
    def table(count: int) -> list[str]:
        rows = "\n".join(f"tr\t{n}\t第{n}号生产线\t停产" for n in range(1, count + 1))
        return pages(HEAD + "tw\t10\t60\t30\nth\t序号\t生产线（工序）\t减排措施\n" + rows + "\n")

    first = next(n for n in range(10, 80) if len(table(n)) == 2)  # the first row count that needs page 2
    texts = table(first)
    assert "第{}号生产线".format(first) in texts[1] and "第{}号生产线".format(first - 1) in texts[1]
    assert "第{}号生产线".format(first - 2) in texts[0]
    assert all(f"第{n}号生产线" in "".join(texts) for n in range(1, first + 1))


def test_the_signature_and_the_date_share_a_page_with_the_last_paragraph() -> None:
    for filler in range(14, 22):  # push the ending across the foot of page one at every line
        body = "\n".join(f"p\t第{i}段正文。" for i in range(filler))
        texts = pages(HEAD + body + "\nlast\t我局联系人：王五\nsign\t示例县生态环境局\ndate\t2025年12月1日\n")
        (page,) = [t for t in texts if "2025年12月1日" in t]
        assert "我局联系人" in page and page.count("示例县生态环境局") >= 1


def test_the_receipt_is_on_a_page_of_its_own() -> None:
    texts = pages(HEAD + "p\t正文。\nlast\t联系人\nsign\t示例县生态环境局\ndate\t2025年12月1日\n"
                  "cut\t回执（沿虚线剪下）\nrtitle\t回　执\nfield\t签收人：＿＿＿\n")
    assert "沿虚线剪下" in texts[-1] and "签收人" in texts[-1]
    assert "正文" not in texts[-1] and "2025年12月1日" not in texts[-1]
    assert all("沿虚线剪下" not in t for t in texts[:-1])


def runs(layout: str, lang: str) -> list[tuple[float, float, str]]:
    """(x, width, text) of every run pypdf reads on every page: x from the text matrix, the width from the
    font's metrics at the size the run is set in."""
    from reportlab.pdfbase import pdfmetrics

    found: list[tuple[float, float, str]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.strip():
            found.append((tm[4], pdfmetrics.stringWidth(text.strip("\n"), "FangSong", size), text))

    for page in PdfReader(io.BytesIO(Typesetter(lang).typeset(layout, "test"))).pages:
        page.extract_text(visitor_text=visit)
    return found


def test_a_long_unbreakable_word_is_broken_inside_the_type_area() -> None:
    word = "Supercalifragilistic" * 8  # no space to break at, far wider than the line
    left, right = MARGINS["left"], A4[0] - MARGINS["right"]
    lines = wrap(f"The plant {word} stops.", frozenset(), 16, right - left)
    assert len(lines) >= 3 and all(used <= right - left for _start, _end, used in lines)
    for lang in ("zh", "en"):
        found = runs(f"p\tThe plant {word} stops.\ntw\t50\t50\ntr\tA{word}\t{word}\n", lang)
        assert word in "".join(t for _x, _w, t in found).replace("\n", "")  # all of it, in order
        assert len(found) > 6  # paragraph lines and cell lines
        assert all(left - 0.5 <= x and x + w <= right + 0.5 for x, w, _t in found)


def test_no_line_starts_with_closing_punctuation() -> None:
    width = 16 * 10  # ten characters a line
    text = "一二三四五六七八九十，一二三四五六七八九。十一二三四五六七八九（十"
    lines = wrap(text, frozenset(), 16, width)
    starts = [text[s] for s, _e, _w in lines]
    ends = [text[e - 1] for _s, e, _w in lines]
    assert not set(starts) & set("，。、；：）」")
    assert "（" not in ends
    assert "".join(text[s:e] for s, e, _w in lines) == text  # nothing lost or repeated


def test_subscripts_copy_as_digits_and_hostile_text_stays_text() -> None:
    (text,) = pages("p\t二氧化硫（SO₂）与 &lt;b&gt;宏达&amp;amp;{{ 7*7 }}&lt;/b&gt;\n")
    assert "SO2" in text.replace(" ", "")
    assert "<b>宏达&amp;{{ 7*7 }}</b>" in text


def test_a_row_taller_than_a_page_is_one_template_error() -> None:
    import pytest

    from haze.core.errors import TemplateError

    cell = "很长的单元格。" * 400  # a template that joined a whole list into one row
    with pytest.raises(TemplateError, match="does not fit on a page"):
        Typesetter("zh").typeset(f"tw\t50\t50\nth\t甲\t乙\ntr\t{cell}\t1\n", "notice.zh.pdf.j2")


# -- the footer: every page names its notice and its place in it ------------------------------

LONG = "".join(f"p\t第{i}段正文，写满一行以上的文字，使告知书跨越好几页纸张，用来检查每一页的页脚。\n" for i in range(60))


def test_every_page_has_the_footer_of_the_layout_with_its_page_and_the_total() -> None:
    texts = pages(HEAD + "footer\t示环应急〔2025〕7号　第 {page} 页 共 {pages} 页\n" + LONG)
    assert len(texts) >= 3
    for n, text in enumerate(texts, start=1):
        assert f"示环应急〔2025〕7号　第 {n} 页 共 {len(texts)} 页" in text
        assert f"— {n} —" in text  # the GB/T 9704 page number stays
        assert "{page" not in text


def test_a_layout_without_a_footer_block_gets_one_from_its_number() -> None:
    zh = pages(HEAD + LONG)
    assert all(f"示环应急〔2025〕7号　第 {n} 页 共 {len(zh)} 页" in t for n, t in enumerate(zh, start=1))
    en = pages("number\tNo. 示环应急〔2025〕7号\n" + LONG, "en")
    assert all(f"No. 示环应急〔2025〕7号 — page {n} of {len(en)}" in t for n, t in enumerate(en, start=1))


def test_no_footer_without_a_number_or_with_an_empty_footer_block() -> None:
    for layout in ("masthead\t示例县生态环境局\ntitle\t汇总\n" + LONG, HEAD + "footer\t\n" + LONG):
        texts = pages(layout)
        assert len(texts) >= 3 and not any(" 页 共 " in t or "{page" in t for t in texts)


def _lines(found: list[tuple[float, float, float, str]]) -> list[tuple[float, float, float, str]]:
    """Runs on one baseline joined into their line (Latin runs are shown in a font of their own, so a
    line of 第 1 页 reaches pypdf in pieces): the first run's x, the baseline, the largest size, the text."""
    lines: dict[float, list[tuple[float, float, float, str]]] = {}
    for run in found:
        lines.setdefault(round(run[1], 1), []).append(run)
    joined = [(min(r[0] for r in runs), y, max(r[2] for r in runs), "".join(r[3] for r in runs))
              for y, runs in lines.items()]
    return [line for line in joined if line[3].strip()]


def test_the_footer_is_small_under_the_page_number_inside_the_page() -> None:
    found: list[tuple[float, float, float, str]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text and text != "\n":  # a space between runs is a run of its own
            found.append((tm[4], tm[5], size, text))

    reader = PdfReader(io.BytesIO(Typesetter("zh").typeset(HEAD + LONG, "test")))
    for page in reader.pages:
        found.clear()
        page.extract_text(visitor_text=visit)
        found[:] = _lines(found)
        (footer,) = [f for f in found if " 页 共 " in f[3]]
        (number,) = [f for f in found if f[3].strip().startswith("— ")]
        body = [f for f in found if f is not footer and f is not number]
        x, y, size, text = footer
        assert size <= 9 and 10 * 72 / 25.4 - 0.5 <= y < number[1] - 14  # below the page number, clear of it
        assert min(b[1] for b in body) > MARGINS["bottom"] - 1  # the body stays in the type area, above both
        assert MARGINS["left"] <= x and x + len(text) * size <= A4[0] - MARGINS["right"]


# -- the sign-off block (拟稿 审核 签发 日期; a 签收单's 送达人 line) ------------------------------

SIGN_OFF = "approve\t拟稿：＿＿＿＿＿＿　　审核：＿＿＿＿＿＿　　签发：＿＿＿＿＿＿　　日期：＿＿＿＿年＿＿月＿＿日\n"
LANDSCAPE = "page\tlandscape\nmasthead\t示例县生态环境局\ntitle\t汇总\n"


def test_a_sign_off_line_breaks_between_its_fields_never_inside_a_blank() -> None:
    (text,) = pages(LANDSCAPE + SIGN_OFF)
    lines = [ln.strip() for ln in text.split("\n")]
    assert "日期：＿＿＿＿年＿＿月＿＿日" in lines  # the date to write in, whole on its line
    assert any(ln.startswith("拟稿：") and ln.endswith("签发：＿＿＿＿＿＿") for ln in lines)


def test_a_sign_off_block_never_splits_and_takes_the_last_row_of_its_table_along() -> None:
    for rows in range(14, 30):  # push the sign-off across the foot of the page at every row
        table = "tw\t10\t30\t30\t30\nth\t序号\t文号\t签收人\t签收时间\n" + "".join(
            f"tr\t{n}\t示环应急〔2025〕{n}号\t\t\n" for n in range(1, rows + 1))
        texts = pages(LANDSCAPE + table + SIGN_OFF)
        (page,) = [t for t in texts if "拟稿" in t]
        assert "日期：＿＿＿＿年＿＿月＿＿日" in page  # the whole block on one page
        assert f"示环应急〔2025〕{rows}号" in page  # with the table's last row, not alone
