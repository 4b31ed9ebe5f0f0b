"""A 公文 title too long for one line breaks between its phrases, its lines balanced (GB/T 9704-2012
§7.3.3: 词意完整, 梯形或菱形), in the PDF and the DOCX alike (render/titles)."""

from __future__ import annotations

import io
from itertools import combinations
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from pypdf import PdfReader

from haze.render.pdf import Typesetter
from haze.render.titles import _may_break, em_widths, split, title_breaks

# The type area's 156 mm at 2号 (22 pt): 442.2 pt / 22 pt = 20.1 ems, as both formats compute it.
LINE = 8845 / 440

EPS = 1e-9  # widths of Latin letters are fractions: sums in another order differ in the last bits
START = "关于启动重污染天气橙色预警（Ⅱ级）应急响应的告知书"


def lines(text: str, limit: float = LINE) -> list[str] | None:
    breaks = title_breaks(text, em_widths(text), limit)
    return None if breaks is None else split(text, breaks)


def test_hand_worked_titles_break_between_phrases_with_the_longest_line_shortest() -> None:
    # 24 ems: 关于启动|重污染天气… leaves 20 on the second line, 关于启动重污染天气|… 16, …（Ⅱ级）|… 18
    assert lines(START) == ["关于启动重污染天气", "橙色预警（Ⅱ级）应急响应的告知书"]
    # 34 ems: the only break that fits both lines is after the first level
    assert lines("关于重污染天气橙色预警（Ⅱ级）升级为红色预警（Ⅰ级）应急响应的告知书") == [
        "关于重污染天气橙色预警（Ⅱ级）", "升级为红色预警（Ⅰ级）应急响应的告知书"]
    # 30 ems: after 天气 the second line would be 21 ems, too long
    assert lines(START + "（重新下发）") == ["关于启动重污染天气橙色预警（Ⅱ级）", "应急响应的告知书（重新下发）"]
    assert lines("重污染天气橙色预警（Ⅱ级）应急响应告知书汇总") == ["重污染天气橙色预警（Ⅱ级）", "应急响应告知书汇总"]
    assert lines("关于解除重污染天气红色预警（Ⅰ级）应急响应的通知") == ["关于解除重污染天气", "红色预警（Ⅰ级）应急响应的通知"]


def test_a_title_that_fits_is_one_line_and_one_without_a_phrase_break_is_left_to_the_greedy_breaker() -> None:
    assert lines("秋冬季错峰生产告知书") == ["秋冬季错峰生产告知书"]
    assert lines("示" * 30) is None
    assert lines("关于\n" + START) is None  # broken by its template already
    assert lines("示例 " * 60) is None  # a list's text with 60 spaces: no search over their combinations
    assert lines("关于" + "示" * 300) is None  # nor over a text longer than any title


def test_an_english_title_breaks_at_a_space_into_balanced_lines() -> None:
    title = "Notice of staggered production (summer ozone control)"
    # in Times New Roman's widths: 12.4 + 9.6 ems is more even than 7.8 + 14.2
    assert lines(title) == ["Notice of staggered production", "(summer ozone control)"]
    # two lines, as the PDF sets it, and the level's brackets whole
    title = "Notice on Launching the Orange Heavy-Pollution Weather Warning (Level II Response)"
    assert lines(title) == ["Notice on Launching the Orange Heavy-Pollution", "Weather Warning (Level II Response)"]


PIECES = ["关于", "启动", "解除", "重污染天气", "橙色预警", "（Ⅱ级）", "应急响应", "的告知书", "的通知",
          "升级为", "（重新下发）", "汇总", "示例", "Notice", " ", "of", "，"]


@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=14), st.floats(4, 30))
def test_breaks_fit_use_the_fewest_lines_and_lose_nothing(pieces: list[str], limit: float) -> None:
    text = "".join(pieces)
    widths = em_widths(text)
    breaks = title_breaks(text, widths, limit)
    if breaks is None:
        return
    assert breaks == sorted(set(breaks)) and all(_may_break(text, i) for i in breaks)
    assert "".join(split(text, breaks)).replace(" ", "") == text.replace(" ", "")
    assert all(sum(em_widths(line)) <= limit + EPS for line in split(text, breaks))
    if not breaks:
        assert sum(em_widths(text.strip(" "))) <= limit  # spaces at either end take no room
        return
    # against every choice by brute force: none with fewer lines fits, none as many has a shorter longest line
    places = [i for i in range(1, len(text)) if _may_break(text, i)]
    longest = max(sum(em_widths(line)) for line in split(text, breaks))
    for count in range(len(breaks) + 1):
        for cut in combinations(places, count):
            widest = max(sum(em_widths(line)) for line in split(text, list(cut)))
            assert widest > limit - EPS or (count == len(breaks) and widest >= longest - EPS)


def test_the_pdf_notice_title_reads_back_as_two_whole_phrases() -> None:
    layout = f"masthead\t示例县生态环境局\nnumber\t示环应急〔2026〕1号\ntitle\t{START}\np\t正文。\n"
    text = PdfReader(io.BytesIO(Typesetter("zh").typeset(layout, "test"))).pages[0].extract_text()
    assert "关于启动重污染天气\n橙色预警（Ⅱ级）应急响应的告知书\n" in text


def test_a_pdf_title_with_no_phrase_break_still_stays_inside_the_type_area() -> None:
    layout = "title\t" + "示" * 30 + "\n"
    text = PdfReader(io.BytesIO(Typesetter("zh").typeset(layout, "test"))).pages[0].extract_text()
    assert text.split("\n")[:2] == ["示" * 20, "示" * 10]


def test_the_docx_title_line_is_read_from_the_templates_page_and_style() -> None:
    import zipfile

    from haze.render.docx import _title_limits

    shipped = Path(__file__).parents[1] / "templates" / "notice.zh.docx"
    with zipfile.ZipFile(shipped) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    assert _title_limits(parts) == (8845, {"公文标题": 44, "回执标题": 44})  # 156 mm; 2号, 22 pt
    assert 8845 / (44 * 10) == LINE
    zero = dict(parts, **{"word/styles.xml": parts["word/styles.xml"].replace(b'w:val="44"', b'w:val="0"')})
    assert _title_limits(zero) == (8845, {"公文标题": 0, "回执标题": 0})  # no size: no break, no crash
    del parts["word/styles.xml"]
    assert _title_limits(parts) == (0, {})  # no styles: Word breaks the title itself


def test_a_docx_title_fits_the_size_set_on_its_own_text() -> None:
    """Word's font-size box sets the size on the run, not on the style: at 16 pt the title fits one line."""
    from lxml import etree

    from haze.render.docx import _W, _break_titles

    def paragraph(size: str) -> etree._Element:
        run_size = f'<w:rPr><w:sz w:val="{size}"/></w:rPr>' if size else ""
        return etree.fromstring(f'<w:body xmlns:w="{_W[1:-1]}"><w:p><w:pPr><w:pStyle w:val="公文标题"/></w:pPr>'
                                f'<w:r>{run_size}<w:t>{START}</w:t></w:r></w:p></w:body>')

    for size, lines_ in (("", 2), ("32", 1), ("0", 1)):
        tree = paragraph(size)
        _break_titles(tree, 8845, {"公文标题": 44})
        assert len(tree.findall(f".//{_W}br")) == lines_ - 1, size


def test_an_html_title_keeps_each_phrase_whole_and_stays_escaped() -> None:
    from markupsafe import Markup

    from haze.render.titles import phrased_html

    assert str(phrased_html(START)) == "<wbr>".join(f'<span class="ph">{p}</span>' for p in (
        "关于", "启动", "重污染天气", "橙色预警（Ⅱ级）", "应急响应", "的告知书"))
    assert str(phrased_html("秋冬季错峰生产告知书")) == "秋冬季错峰生产告知书"  # no phrase break: as it is
    assert str(phrased_html("关于" + "示" * 20 + "的通知")) == "关于" + "示" * 20 + "的通知"  # a phrase too long to keep
    assert phrased_html(Markup("秋冬季<br>错峰生产告知书")) == Markup("秋冬季<br>错峰生产告知书")  # its own markup
    hostile = phrased_html(Markup("关于&lt;b&gt; 重污染天气"))  # a macro's output, already escaped
    assert str(hostile) == ('<span class="ph">关于</span><wbr><span class="ph">&lt;b&gt; </span><wbr>'
                            '<span class="ph">重污染天气</span>')


def test_the_html_notice_prints_its_title_in_phrases(tmp_path: Path) -> None:
    from haze.commands.inputs import load_inputs
    from haze.core.engine import compute
    from haze.core.model import Level
    from haze.render.notices import render_activation
    from test_documents import EXAMPLES, issue

    inputs = load_inputs(EXAMPLES / "worked-example.yaml", cache=False)
    result = compute(inputs.enterprise_list, inputs.policy, Level.ORANGE)
    folder = render_activation(result, inputs.enterprise_list, issue(), tmp_path, fmt="html").directory
    notice = next(folder.glob("0001-*.html")).read_text(encoding="utf-8")
    assert '<h1><span class="ph">关于</span><wbr><span class="ph">启动</span>' in notice
    assert "h1 .ph { white-space: nowrap; }" in notice
