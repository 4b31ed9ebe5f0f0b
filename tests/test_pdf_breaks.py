"""Where the PDF typesetter may break a line: never inside a 文号, a level (Ⅱ级) or 应急响应 unless that alone
is wider than the line; a short table header never broken; a ``field`` line broken between its fields; and the
DOCX templates tagged as Chinese (templates/build_docx.py).

The lines are read back two ways: from the typesetter's own line breaking (:func:`haze.render.pdf.wrap`, at
every width from a few characters to a full line) and from the PDF, with pypdf, as a reader would.
"""

from __future__ import annotations

import importlib.util
import io
import re
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from haze.render.pdf import NO_START, Typesetter, wrap

ROOT = Path(__file__).resolve().parents[1]
HEAD = "masthead\t示例县生态环境局\nnumber\t示环应急〔2026〕50号\ntitle\t关于启动重污染天气橙色预警的告知书\n"
NUMBERS = ("示环应急〔2026〕50号", "高政发〔2024〕6号", "泽政办发〔2022〕10号", "示环应急〔2026〕12号-001",
           "〔2026〕7号", "晋市气防办函〔2023〕24号")
# the sentences of the shipped notices that were broken inside a number (QA, printed), and a few more
TEXTS = (
    "经会商研判，示例县自2026年12月5日8时起将重污染天气黄色预警（Ⅲ级应急响应）升级为橙色预警（Ⅱ级应急响应），"
    "至预警解除时止。此前告知你单位的应急减排措施（示环应急〔2026〕50号）同时停止执行，请按本告知书调整落实。",
    "根据泽政办发〔2022〕10号第2条、第30条；高政发〔2024〕6号第26条及2026-2027年秋冬季错峰生产要求，"
    "焦化行业企业轮流停产（错峰生产）。你单位错峰生产安排如下。",
    "本告知书编号示环应急〔2026〕12号-001，依据晋市气防办函〔2023〕24号和〔2026〕7号下发，执行Ⅱ级应急减排措施。",
)
SIZE = 16


def _cut_inside(text: str, lines: list[tuple[int, int, float]], unit: str) -> list[str]:
    """Each place a line break falls inside an occurrence of ``unit``, shown as ``before|after``."""
    cuts = [start for start, _end, _used in lines[1:]]
    found = []
    for match in re.finditer(re.escape(unit), text):
        found += [text[match.start():c] + "|" + text[c:match.end()] for c in cuts if match.start() < c < match.end()]
    return found


def _em(text: str) -> float:
    from haze.render.pdf import _widths

    return sum(_widths(text)) * SIZE / 1000


@pytest.mark.parametrize("text", TEXTS)
def test_no_number_level_or_response_is_broken_at_any_width_where_it_fits(text: str) -> None:
    Typesetter("zh")  # registers the fonts the widths come from
    units = [n for n in NUMBERS if n in text] + ["应急响应", "Ⅱ级", "Ⅲ级"]
    for chars in range(9, 30):
        width = chars * SIZE
        for indent in (0.0, 2 * SIZE):
            lines = wrap(text, frozenset(), SIZE, width, indent)
            assert "".join(text[s:e] for s, e, _u in lines).replace(" ", "") == text.replace(" ", "")
            assert all(used <= width + 0.02 for _s, _e, used in lines)
            for unit in units:
                if _em(unit) + 2 * _em("（") <= width - indent:  # it fits a line (with its brackets)
                    assert not _cut_inside(text, lines, unit), (chars, unit)
            assert not [s for s, _e, _u in lines[1:] if text[s] in NO_START], chars


def test_a_number_wider_than_the_line_still_breaks_inside_the_type_area() -> None:
    Typesetter("zh")
    text = "依据晋市气防办函〔2023〕24号执行"
    width = 6 * SIZE  # the number is about ten ems
    lines = wrap(text, frozenset(), SIZE, width)
    assert "".join(text[s:e] for s, e, _u in lines) == text
    assert all(used <= width + 0.02 for _s, _e, used in lines)
    assert text[lines[1][0]:].startswith("晋市气防办函")  # broken before it first, inside it only as a last resort


def test_a_citation_word_before_a_number_may_end_the_line() -> None:
    """根据 (and 文号, 至) are not part of the 机关代字: the line may end before 泽政办发."""
    Typesetter("zh")
    text = "一二三四五六七八根据泽政办发〔2022〕10号第2条"
    lines = wrap(text, frozenset(), SIZE, 12 * SIZE)
    assert text[lines[0][0]:lines[0][1]] == "一二三四五六七八根据"


def _lines(data: bytes) -> list[str]:
    return [line.strip() for page in PdfReader(io.BytesIO(data)).pages for line in page.extract_text().splitlines()]


def test_a_notice_read_back_has_every_number_on_one_line() -> None:
    layout = HEAD + "".join(f"p\t{t}\n" for t in TEXTS) + "".join(f"p\t{'一' * k}{TEXTS[0]}\n" for k in range(27))
    lines = _lines(Typesetter("zh").typeset(layout, "test"))
    text = "".join(lines)
    for number in NUMBERS:
        count = text.count(number)
        assert count and sum(line.count(number) for line in lines) == count, number
    for word in ("应急响应", "Ⅱ级"):
        assert sum(line.count(word) for line in lines) == text.count(word), word


def test_short_table_headers_and_unbreakable_cells_are_not_broken() -> None:
    """The index's list: 序号, 绩效等级, 执行级别 in narrow columns and a credit code a little wider than its share;
    the room comes from the wide columns."""
    layout = ("page\tlandscape\nmasthead\t示例县生态环境局\ntitle\t告知书汇总\n"
              "tw\t3\t19\t20\t14\t9\t5\t5\t25\n"
              "th\t序号\t文号\t企业名称\t统一社会信用代码\t乡镇\t绩效等级\t执行级别\t减排措施\n"
              + "".join(f"tr\t{n}\t示环应急〔2026〕{n}号\t示例县宏晟焦化有限公司\t91140525MA0KHHBM4Y\t北义城镇\t"
                        f"B级\t黄色\t1#焦炉限产30%；2#焦炉限产30%；化产回收工段限产10%\n" for n in range(1, 30)))
    lines = _lines(Typesetter("zh").typeset(layout, "test"))
    headers = [line for line in lines if "文号" in line and "企业名称" in line]
    assert headers
    for line in headers:
        for word in ("序号", "绩效等级", "执行级别"):
            assert word in line, line
    text = "\n".join(lines)
    assert text.count("91140525MA0KHHBM4Y") == 29
    for n in range(1, 30):
        assert f"示环应急〔2026〕{n}号" in text


def test_a_field_line_breaks_between_its_fields() -> None:
    field = "执行期间：自2026年12月4日8时起至预警解除时止　生成时间：2026年12月4日1时16分（操作人：root）"
    layout = "page\tlandscape\nmasthead\t示例县生态环境局\ntitle\t告知书汇总\nfield\t" + field + "\n"
    lines = _lines(Typesetter("zh").typeset(layout, "test"))
    assert "执行期间：自2026年12月4日8时起至预警解除时止" in lines
    assert "生成时间：2026年12月4日1时16分（操作人：root）" in lines


def _build_docx() -> object:
    spec = importlib.util.spec_from_file_location("build_docx", ROOT / "templates" / "build_docx.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("lang, latin", [("zh", "zh-CN"), ("en", "en-US")])
def test_docx_templates_tag_east_asian_text_as_chinese(tmp_path: Path, lang: str, latin: str) -> None:
    pytest.importorskip("docx")
    build = _build_docx()
    for name in ("notice", "index"):
        out = tmp_path / f"{name}.{lang}.docx"
        build.build(ROOT / "templates" / f"{name}.{lang}.pdf.j2", out, lang)  # type: ignore[attr-defined]
        with zipfile.ZipFile(out) as docx:
            styles = docx.read("word/styles.xml").decode()
            settings = docx.read("word/settings.xml").decode()
        defaults = re.search(r"<w:docDefaults>.*?</w:docDefaults>", styles, re.S)
        assert defaults is not None
        (tag,) = re.findall(r"<w:lang [^>]*>", defaults.group(0))
        assert 'w:eastAsia="zh-CN"' in tag and f'w:val="{latin}"' in tag, tag
        assert "en-US\" w:eastAsia=\"en-US" not in styles
        (theme,) = re.findall(r"<w:themeFontLang [^>]*>", settings)
        assert 'w:eastAsia="zh-CN"' in theme and f'w:val="{latin}"' in theme, theme
