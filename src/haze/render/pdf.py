"""PDF notices (SPEC §16) typeset with ReportLab from a layout template.

A PDF notice starts as text: ``notice.zh.pdf.j2`` (and ``lift.*``, ``index.*``)
renders, in the same sandboxed, strict, escaping Jinja environment as every
other template, to one block a line, ``KIND<TAB>text``::

    masthead	示例县生态环境局
    number	示环应急〔2025〕7号
    title	关于启动重污染天气橙色预警（Ⅱ级）应急响应的告知书
    h1	一、执行要求
    th	序号	生产线（工序）	减排措施	依据
    tr	1	1#冲天炉	限产30%	绩效分级措施

and :meth:`Typesetter.typeset` sets those blocks straight onto a ReportLab canvas after GB/T 9704-2012 (A4, type
area 156 × 225 mm, red 发文机关标志 and rule, 2号 title, 3号 body, 黑体
headings, the signature and date kept together with room for the seal, the
回执 on its own page after a cut line, table rows never split and the header
row repeated; under every page number a small line with the notice's 发文字号
and 第 N 页 共 M 页, so a loose page is tied back to its notice). A bureau can override the layout template like any other
(``--templates DIR``), and ``templates/build_docx.py`` builds the shipped
.docx templates from the same files, so PDF and DOCX say the same.

Why ReportLab with CID fonts: the Chinese text is written as Adobe-GB1 CIDs
through the UniGB-UCS2-H CMap, which every PDF reader maps back to Unicode, so
the text is searchable and copyable, and no font file is shipped or assumed
(a reader shows it in its own Song/FangSong/Hei face). fpdf2 needs a TrueType
font embedded, which haze would have to ship (a CJK font is 10–20 MB).
The faces are named FangSong (body), SimHei (headings) and SimSun (title),
with STSong-Light's metrics (all CJK glyphs are one em wide in Adobe-GB1), so
a reader that has those fonts uses them. Letters, digits and ASCII punctuation
are set in Times-Roman, one of the 14 standard fonts every reader has with
exact metrics (Times New Roman's, the 公文's face for numerals): set in the CID
faces, a reader substituting another face drew them cramped ("Noticeon").
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import io
import re
from dataclasses import dataclass
from typing import Any

from haze.core.i18n import _
from haze.core.errors import TemplateError
from haze.render.titles import split, title_breaks

MM = 72 / 25.4
A4 = (210 * MM, 297 * MM)
# GB/T 9704-2012 §5.2.2: 天头 37 mm, 订口 28 mm, type area 156 × 225 mm.
MARGINS = {"top": 37 * MM, "bottom": 35 * MM, "left": 28 * MM, "right": 26 * MM}
# A landscape page turns the same type area (225 × 156 mm).
LANDSCAPE_MARGINS = {"top": 28 * MM, "bottom": 26 * MM, "left": 37 * MM, "right": 35 * MM}
RED = "#E60012"
BODY, HEADING, TITLE = "FangSong", "SimHei", "SimSun"
# Latin letters, digits and ASCII punctuation are set in Times-Roman, one of the 14 fonts every PDF reader
# has with exact metrics (as Times New Roman, the 公文's face for numerals): set in the CID faces with
# STSong-Light's widths, a reader that substitutes another face drew them cramped ("Noticeon", "W e").
LATIN = "Times-Roman"
_LATIN_RUNS = re.compile("[\x20-\x7e]+|[^\x20-\x7e]+")
_LATIN_CHAR = re.compile("[\x20-\x7e]")
# 3号 = 16 pt; 22 lines in 225 mm (GB/T 9704 §5.2.2): 28.95 pt a line.
BODY_SIZE, LEADING = 16, 28.95
KINDS = ("masthead", "number", "title", "to", "p", "h1", "last", "sign", "date", "cut", "rtitle", "field",
         "tw", "th", "tr", "alert", "approve", "page", "newpage", "bar", "footer")
TITLES = ("title", "rtitle")  # blocks broken between phrases, their lines balanced (GB/T 9704 §7.3.3)
# The line under every page's number that ties a loose page to its notice: the 发文字号, the page and the
# total. A layout's ``footer`` block says it (``{page}`` and ``{pages}`` are filled in); a layout without one
# gets this wording around its ``number`` block; ``footer`` with no text prints none.
FOOTERS = {"zh": "{number}\u3000第 {page} 页 共 {pages} 页", "en": "{number} — page {page} of {pages}"}
FOOTER_SIZE, FOOTER_COLOUR = 9, "#333333"  # 小五, dark grey: small and unobtrusive, still legible on a copy


# Adobe-GB1 has no subscript digits: SO₂ is set as SO<sub>2</sub> (and copies back as SO2).
_SUBSCRIPTS = {"₀": "0", "₁": "1", "₂": "2", "₃": "3", "₄": "4", "₅": "5", "₆": "6", "₇": "7", "₈": "8", "₉": "9"}
_SUBSCRIPT = re.compile("[" + "".join(_SUBSCRIPTS) + "]+")


def _glyphs(text: str) -> str:
    return _SUBSCRIPT.sub(lambda m: "<sub>" + "".join(_SUBSCRIPTS[c] for c in m.group(0)) + "</sub>", text)


@dataclass
class Block:
    kind: str
    cells: list[str]  # text (XML-escaped by the template; <sub> and <br/> are the only tags), one per cell


def parse(text: str, source: str) -> list[Block]:
    """The blocks of a rendered layout; a line without a known KIND continues the one before it."""
    blocks: list[Block] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip()
        if not line.strip():
            continue
        kind, _tab, rest = line.partition("\t")
        if kind in KINDS:
            blocks.append(Block(kind, [_glyphs(c) for c in rest.split("\t")] if rest else [""]))
        elif blocks:
            blocks[-1].cells[-1] += _glyphs(line.strip())  # a phrase macro's own line break
        else:
            raise TemplateError(_("{source}: line {number}: unknown block {kind_20!r} (known: {join_kinds}; see docs/notices.md)").format(source=source, number=number, kind_20=kind[:20], join_kinds=', '.join(KINDS)))
    return blocks


def _register_fonts() -> None:
    """FangSong, SimHei and SimSun as CID fonts with STSong-Light's metrics (see the module's doc)."""
    from reportlab.pdfbase import _cidfontdata, cidfonts, pdfmetrics

    if BODY in pdfmetrics.getRegisteredFontNames():
        return
    for face in (BODY, HEADING, TITLE):
        info = copy.deepcopy(_cidfontdata.CIDFontInfo["STSong-Light"])
        info["BaseFont"] = f"/{face}"  # PDF names, as ReportLab's own table writes them
        descendant = info["DescendantFonts"][0]
        descendant["BaseFont"] = f"/{face}"
        descendant["FontDescriptor"]["FontName"] = f"/{face}"
        if face == HEADING:
            descendant["FontDescriptor"]["Flags"] = 4  # symbolic, not serif: a sans (黑体) face
        _cidfontdata.CIDFontInfo[face] = info
        cidfonts.defaultUnicodeEncodings[face] = cidfonts.defaultUnicodeEncodings["STSong-Light"]
        cidfonts.widthsByUnichar[face] = cidfonts.widthsByUnichar["STSong-Light"]
        if face not in cidfonts.allowedTypeFaces:
            cidfonts.allowedTypeFaces.append(face)
        pdfmetrics.registerFont(cidfonts.UnicodeCIDFont(face))


_FONT_OBJECTS: dict[tuple[str, str], bytes] = {}


@dataclass(frozen=True)
class Style:
    """How one kind of block is set: face, size, line height, colour, alignment, indents and spacing."""

    font: str = BODY
    size: float = BODY_SIZE
    leading: float = LEADING
    color: str = "#000000"
    align: str = "left"  # left, centre, right
    indent: float = 0.0  # the first line's
    right: float = 0.0  # right indent (the signature and the date)
    before: float = 0.0
    after: float = 0.0


# 避头尾: never at the start of a line, never at its end.
NO_START = frozenset("，。、；：？！）」』》〉】〕〗］｝…—～·％‰,.;:?!)]}%’”")
NO_END = frozenset("（「『《〈【〔〖［｛‘“([{")
# Units a line never breaks inside unless the unit alone is wider than the line (then, as a last resort, where
# 避头尾 allows): a 发文字号 (示环应急〔2026〕50号, 高政发〔2024〕6号, 〔2026〕12号-001: the 机关代字 of up to 6
# characters, the year in 〔〕 or [] ［］ 【】, the number, 号, a sub-number), a response level (Ⅱ级) and the
# words 应急响应 and 应急减排. A 代字 is told from the words before it only by the words that begin a citation
# or a range (根据泽政办发〔2022〕10号, 文号示环应急〔2026〕1号至示环应急〔2026〕47号): the 代字 starts after the last
# of them; an unknown word before a 代字 only makes the unit a little longer.
_NUMBER = re.compile("[〔\\[［【][0-9]{4}[〕\\]］】][0-9]+号(?:-[0-9]+)?")  # 〔2026〕50号, after its 代字
_WORDS = re.compile("[ⅠⅡⅢⅣⅤ]级|应急响应|应急减排")
_CITES = re.compile("根据|依据|按照|参照|对照|执行|落实|贯彻|印发|转发|关于|结合|文号|编号|通知|告知书|替代|原为|至|及|的|与|见")
_AGENCY = 6  # the longest 机关代字 looked for (晋市气防办函)


def _agency(text: str, start: int, after: int = 0) -> int:
    """Where the 机关代字 before ``text[start]`` (a number's 〔) begins: up to :data:`_AGENCY` CJK characters
    from ``after`` on (the end of the number before it), after the last word of a citation among them."""
    head = start
    while head > after and start - head < _AGENCY and "\u4e00" <= text[head - 1] <= "\u9fff":
        head -= 1
    ends = [cite.end() for cite in _CITES.finditer(text, head, start)]
    return ends[-1] if ends else head


@functools.lru_cache(maxsize=4096)
def _unbroken(text: str) -> frozenset[int]:
    """The positions a line may not break before: inside a 文号, a level or a word of :data:`_WORDS` (a run's
    notices repeat most of their paragraphs: found once each)."""
    inside: set[int] = set()
    after = 0
    for match in _NUMBER.finditer(text):
        inside.update(range(_agency(text, match.start(), after) + 1, match.end()))
        after = match.end()
    for match in _WORDS.finditer(text):
        inside.update(range(match.start() + 1, match.end()))
    return frozenset(inside)


def unit_of_number(text: str) -> bool:
    """Whether ``text`` is one 发文字号 and nothing else (a table column of them is sized to keep each whole)."""
    match = _NUMBER.search(text)
    return match is not None and match.end() == len(text) and _agency(text, match.start()) == 0


SUB_SCALE, SUB_RISE = 0.7, -0.25  # a subscript's size and baseline shift, in ems of its text
_UNITS: dict[str, float] = {}  # a character's width in thousandths of an em (the three faces share metrics)
_TAG = re.compile(r"<(/?)(\w+)[^<>]*?/?>")


def _units(char: str) -> float:
    width = _UNITS.get(char)
    if width is None:
        from reportlab.pdfbase import pdfmetrics

        face = LATIN if " " <= char <= "~" else BODY
        width = _UNITS[char] = 1000.0 if ord(char) >= 0x2E80 else pdfmetrics.stringWidth(char, face, 1000)
    return width


def _text(markup: str) -> tuple[str, frozenset[int]]:
    """A cell's plain text and the positions set as subscripts, from the escaped text ``parse`` keeps.

    Values reach here escaped (&lt;, &amp;), so a tag can only be the layout's own: ``<sub>`` (SO₂),
    ``<br/>`` (a line break); any other (``<b>`` …) is dropped, its text kept."""
    import html

    if "<" not in markup and "&" not in markup:
        return markup, frozenset()
    out: list[str] = []
    subs: set[int] = set()
    sub = False
    at = 0
    for match in _TAG.finditer(markup):
        piece = html.unescape(markup[at:match.start()])
        if sub:
            subs.update(range(sum(map(len, out)), sum(map(len, out)) + len(piece)))
        out.append(piece)
        name = match.group(2).lower()
        if name == "sub":
            sub = not match.group(1)
        elif name == "br":
            out.append("\n")
        at = match.end()
    piece = html.unescape(markup[at:])
    if sub:
        subs.update(range(sum(map(len, out)), sum(map(len, out)) + len(piece)))
    out.append(piece)
    return "".join(out), frozenset(subs)


def _widths(text: str) -> list[float]:
    """Each character's width in thousandths of an em (looked up once per run, then from the cache)."""
    try:
        return list(map(_UNITS.__getitem__, text))
    except KeyError:
        return [_units(c) for c in text]


def wrap(text: str, subs: frozenset[int], size: float, width: float, indent: float = 0.0) -> list[tuple[int, int, float]]:
    """Greedy line breaking: (start, end, width) of each line. CJK glyphs are one em (arithmetic);
    a Latin word is broken only where it is wider than the line, so nothing runs past the type area.
    A line may end between CJK characters or at a space, never before ，。、；：）」 … nor after （「《 … (避头尾),
    nor inside a 文号 (示环应急〔2026〕50号), a level (Ⅱ级), 应急响应 or 应急减排 unless that alone is wider
    than the line (:data:`_UNBROKEN`)."""
    scale = size / 1000
    widths = _widths(text)
    for i in subs:
        widths[i] *= SUB_SCALE
    if "\n" not in text:
        used = sum(widths) * scale
        if used <= width - indent + 0.01:
            return [(0, len(text.rstrip(" ")), used)]  # one line (a table cell, a heading): no search
    limit = (width - indent + 0.01) / scale  # in thousandths of an em, like widths
    lines: list[tuple[int, int, float]] = []
    n = len(text)
    inside = _unbroken(text)
    start, i = 0, 0
    while start < n:
        used = 0.0
        chance = -1  # the last place this line may end
        chance_used = 0.0
        loose, loose_used = -1, 0.0  # … if it may break inside a 文号 (one wider than the line)
        i = start
        while i < n:
            char = text[i]
            if char == "\n":
                break
            if i > start:
                prev = text[i - 1]
                if char not in NO_START and prev not in NO_END and (
                        char == " " or prev == " " or char >= "\u2e80" or prev >= "\u2e80"):
                    if i in inside:
                        loose, loose_used = i, used
                    else:
                        chance, chance_used = i, used
            w = widths[i]
            if used + w > limit and i > start and char != " ":
                break
            used += w
            i += 1
        if i < n and text[i] != "\n":
            if chance > start:
                i, used = chance, chance_used
            elif loose > start:
                i, used = loose, loose_used
        end = i
        while end > start and text[end - 1] == " ":  # a line's trailing spaces take no room
            end -= 1
            used -= widths[end]
        lines.append((start, end, used * scale))
        if i < n and text[i] == "\n":
            start = i + 1
        else:
            start = i
            while start < n and text[start] == " ":  # nor does the space the line broke at
                start += 1
        limit = (width + 0.01) / scale
    return lines or [(0, 0, 0.0)]


@dataclass
class Setting:
    """A block made ready to draw: its text, subscripts and lines, and the style they are set in."""

    text: str
    subs: frozenset[int]
    lines: list[tuple[int, int, float]]
    style: Style
    width: float

    @property
    def height(self) -> float:
        return len(self.lines) * self.style.leading


class Sheet:
    """The few canvas operations the 公文 layout draws, written straight as PDF operators, and the file.

    ReportLab's canvas and document objects formatted every page, resource and font dictionary
    through several layers again for every notice (40% of a notice's time); the file here is the
    same shape ReportLab writes (flat page tree, classic xref table, one Flate stream a page), which
    is also what :func:`merge` concatenates. The CID font objects come from ReportLab, formatted once.
    """

    def __init__(self, size: tuple[float, float], title: str, author: str) -> None:
        self.size = size
        self.title, self.author = title, author
        self.pages: list[str] = []
        self.code: list[str] = []
        self.fonts: dict[str, str] = {}  # face -> /F1 …, in order of first use

    # -- what the layout calls -------------------------------------------------------------
    def font(self, face: str) -> str:
        name = self.fonts.get(face)
        if name is None:
            name = self.fonts[face] = f"/F{len(self.fonts) + 1}"
        return name

    def addLiteral(self, code: str) -> None:  # noqa: N802 (ReportLab's canvas's name)
        self.code.append(code)

    def getPageNumber(self) -> int:  # noqa: N802
        return len(self.pages) + 1

    def showPage(self) -> None:  # noqa: N802
        self.pages.append("\n".join(self.code))
        self.code = []

    def text(self, face: str, size: float, x: float, y: float, text: str) -> None:
        self.code.append(f"BT {self.font(face)} {size:g} Tf 1 0 0 1 {x:.2f} {y:.2f} Tm "
                         f"{show(self, text, self.font(face), size)} ET")

    def saveState(self) -> None:  # noqa: N802
        self.code.append("q")

    def restoreState(self) -> None:  # noqa: N802
        self.code.append("Q")

    def setStrokeColor(self, colour: str) -> None:  # noqa: N802
        self.code.append(_rg(colour).upper())

    def setFillColor(self, colour: str) -> None:  # noqa: N802
        self.code.append(_rg(colour))

    def setLineWidth(self, width: float) -> None:  # noqa: N802
        self.code.append(f"{width:g} w")

    def setDash(self, on: float, off: float) -> None:  # noqa: N802
        self.code.append(f"[{on:g} {off:g}] 0 d")

    def line(self, x1: float, y1: float, x2: float, y2: float) -> None:
        self.code.append(f"{x1:.2f} {y1:.2f} m {x2:.2f} {y2:.2f} l S")

    def lines(self, segments: list[tuple[float, float, float, float]]) -> None:
        self.code.append(" ".join(f"{a:.2f} {b:.2f} m {c:.2f} {d:.2f} l" for a, b, c, d in segments) + " S")

    def rect(self, x: float, y: float, w: float, h: float, stroke: int = 1, fill: int = 0) -> None:
        self.code.append(f"{x:.2f} {y:.2f} {w:.2f} {h:.2f} re " + ("B" if stroke and fill else "f" if fill else "S"))

    # -- the file --------------------------------------------------------------------------
    def save(self) -> bytes:
        import zlib

        if self.code:
            self.showPage()
        out = bytearray(b"%PDF-1.4\n%\x93\x8c\x8b\x9e haze\n")
        offsets: list[int] = []

        def put(body: bytes) -> None:
            offsets.append(len(out))
            out.extend(b"%d 0 obj\n" % len(offsets) + body + b"\nendobj\n")

        fonts = list(self.fonts.items())
        first_font = 3
        info = first_font + len(fonts)
        first_page = info + 1
        kids = " ".join(f"{first_page + 2 * k} 0 R" for k in range(len(self.pages)))
        put(b"<<\n/Pages 2 0 R /Type /Catalog\n>>")
        put(f"<<\n/Count {len(self.pages)} /Kids [ {kids} ] /Type /Pages\n>>".encode())
        for face, name in fonts:
            put(_font_object(face, name[1:]))
        put(b"<<\n/Author " + _pdf_text(self.author) + b" /Creator (haze) /Producer (haze) /Title "
            + _pdf_text(self.title) + b"\n>>")
        resources = " ".join(f"{name} {first_font + k} 0 R" for k, (_face, name) in enumerate(fonts))
        width, height = self.size
        for k, code in enumerate(self.pages):
            put(f"<<\n/Contents {first_page + 2 * k + 1} 0 R /MediaBox [ 0 0 {width:.4f} {height:.4f} ] "
                f"/Parent 2 0 R /Resources <<\n/Font << {resources} >> /ProcSet [ /PDF /Text ]\n>> "
                f"/Type /Page\n>>".encode())
            data = zlib.compress(code.encode("ascii"))
            put(b"<<\n/Filter [ /FlateDecode ] /Length %d\n>>\nstream\n" % len(data) + data + b"\nendstream")
        xref = len(out)
        out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(offsets) + 1)
        out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
        out += (b"trailer\n<<\n/Info %d 0 R /Root 1 0 R /Size %d\n>>\nstartxref\n%d\n%%%%EOF\n"
                % (info, len(offsets) + 1, xref))
        return bytes(out)


def _pdf_text(text: str) -> bytes:
    """A document property: UTF-16BE with its byte order mark, in hex (the title is Chinese)."""
    return b"<feff" + text.encode("utf_16_be").hex().encode() + b">"


def _font_object(face: str, internal: str) -> bytes:
    """The CID font's dictionary (with its descendant font and the Adobe-GB1 width table), as ReportLab
    formats it, once per face and internal name per run."""
    data = _FONT_OBJECTS.get((face, internal))
    if data is None and face == LATIN:  # a standard font: named, never embedded, in every reader
        data = _FONT_OBJECTS[face, internal] = (b"<<\n/BaseFont /%s /Encoding /WinAnsiEncoding /Name /%s "
                                                b"/Subtype /Type1 /Type /Font\n>>" % (face.encode(), internal.encode()))
    if data is None:
        from reportlab.pdfbase import cidfonts, pdfdoc, pdfmetrics

        font = pdfmetrics.getFont(face)
        info = dict(cidfonts.CIDFontInfo[face], Name="/" + internal, Encoding="/" + font.encodingName)
        data = _FONT_OBJECTS[face, internal] = cidfonts.structToPDF(info).format(pdfdoc.PDFDocument())
    return data


class Page:
    """The canvas and where the next block goes (y falls from the top of the type area)."""

    def __init__(self, canvas: Any, size: tuple[float, float], margins: dict[str, float]) -> None:
        self.canvas = canvas
        self.left = margins["left"]
        self.width = size[0] - margins["left"] - margins["right"]
        self.top = size[1] - margins["top"]
        self.bottom = margins["bottom"]
        self.y = self.top
        self.blank = True  # nothing on this page yet: a spaceBefore is dropped, a page break is not needed

    @property
    def room(self) -> float:
        return self.y - self.bottom

    def new(self) -> None:
        self.finish()
        self.canvas.showPage()
        self.y = self.top
        self.blank = True

    def finish(self) -> None:
        """GB/T 9704 §7.5: 4号 Arabic numerals between dashes, odd pages right, even pages left, 7 mm under."""
        canvas = self.canvas
        number = canvas.getPageNumber()
        text = f"— {number} —"
        y = self.number_baseline
        if number % 2:
            x = self.left + self.width - 14 - sum(_widths(text)) * 14 / 1000  # as drawn: the digits in Times
        else:
            x = self.left + 14
        canvas.text(TITLE, 14, x, y, text)

    @property
    def number_baseline(self) -> float:
        """The page number's baseline: its 4号 figures 7 mm under the type area."""
        return self.bottom - 7 * MM - 14

    def footer(self, markup: str) -> str:
        """The PDF operators of the small footer line (plain text from ``markup``), centred under the page number,
        no wider than the type area and never lower than 10 mm from the edge (a printer's unprintable margin)."""
        text, _subs = _text(markup)
        text = text.replace("\n", " ").strip()
        size = float(FOOTER_SIZE)
        width = sum(_widths(text)) * size / 1000
        if width > self.width:
            size, width = size * self.width / width, self.width
        x = self.left + (self.width - width) / 2
        y = max(10 * MM, self.number_baseline - 9 * MM)
        font = self.canvas.font(BODY)
        return (f"BT {_rg(FOOTER_COLOUR)} {font} {size:.2f} Tf 1 0 0 1 {x:.2f} {y:.2f} Tm "
                f"{show(self.canvas, text, font, size)} 0 0 0 rg ET")

    def space(self, points: float) -> None:
        if not self.blank:
            self.y = max(self.bottom, self.y - points)

    def fit(self, height: float) -> None:
        """A new page unless ``height`` fits on this one (or could fit on no page anyway)."""
        if height > self.room and not self.blank:
            self.new()


def _baseline(style: Style) -> float:
    """From the top of a line to its baseline: the glyphs (about 0.7 em above it) centred in the leading."""
    return (style.leading + 0.7 * style.size) / 2


def _rg(colour: str) -> str:
    """The PDF fill-colour operator for ``#RRGGBB``."""
    r, g, b = (int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    return f"{r:.3f} {g:.3f} {b:.3f} rg"


def _hex(text: str) -> str:
    """A string for a UniGB-UCS2-H font: its UTF-16BE code units, in hex (no escaping to get wrong)."""
    return "<" + text.encode("utf_16_be").hex() + ">"


def show(canvas: Any, text: str, font: str, size: float) -> str:
    """``text`` shown from the current point in ``font`` (a CID face) at ``size``, its ASCII runs in
    :data:`LATIN`; the text state ends in ``font`` again."""
    return _show(text, font, canvas.font(LATIN), size)


@functools.lru_cache(maxsize=8192)
def _show(text: str, font: str, latin: str, size: float) -> str:
    """:func:`show`'s operators (a province's notices repeat most of their lines: made once each)."""
    if _LATIN_CHAR.search(text) is None:  # all Chinese: one string
        return _hex(text) + " Tj"
    out, current = [], font
    for match in _LATIN_RUNS.finditer(text):
        run = match.group()
        wanted = latin if " " <= run[0] <= "~" else font
        if wanted != current:
            out.append(f"{wanted} {size:g} Tf")
            current = wanted
        out.append(("<" + run.encode("ascii").hex() + ">" if wanted == latin else _hex(run)) + " Tj")
    if current != font:
        out.append(f"{font} {size:g} Tf")
    return " ".join(out)


def draw_lines(canvas: Any, setting: Setting, x: float, top: float, first: int = 0, last: int | None = None) -> None:
    """Lines ``first`` … ``last`` of a setting, the first one's top at ``top``: one text object written as
    PDF operators (ReportLab's textobject formats every call through several layers; this is the hot path)."""
    style = setting.style
    text, subs = setting.text, setting.subs
    font = canvas.font(style.font)
    size = style.size
    code = ["BT", _rg(style.color), f"{font} {size:g} Tf"] if style.color != "#000000" else ["BT", f"{font} {size:g} Tf"]
    y = top - _baseline(style)
    for number, (start, end, used) in enumerate(setting.lines[first:last], start=first):
        if style.align == "centre":
            at = x + (setting.width - used) / 2
        elif style.align == "right":
            at = x + setting.width - style.right - used
        else:
            at = x + (style.indent if number == 0 else 0.0)
        code.append(f"1 0 0 1 {at:.2f} {y:.2f} Tm")
        if not subs:
            code.append(show(canvas, text[start:end], font, size))
        else:
            i = start
            while i < end:  # runs of plain text and of subscripts
                j = i
                low = i in subs
                while j < end and (j in subs) == low:
                    j += 1
                if low:
                    small = float(f"{size * SUB_SCALE:.2f}")
                    code.append(f"{font} {small:g} Tf {SUB_RISE * size:.2f} Ts {show(canvas, text[i:j], font, small)} "
                                f"0 Ts {font} {size:g} Tf")
                else:
                    code.append(show(canvas, text[i:j], font, size))
                i = j
        y -= style.leading
    if style.color != "#000000":  # the fill colour outlives the text object: black again for what follows
        code.append("0 0 0 rg")
    code.append("ET")
    canvas.addLiteral("\n".join(code))


def _styles(lang: str) -> tuple[dict[str, Style], dict[str, Style]]:
    """The portrait letter's styles and a landscape index's (a filed table: a tighter head)."""
    indent = 2 * BODY_SIZE if lang == "zh" else 0
    portrait = {
        # 发文机关标志: red, centred; 小标宋 falls back to SimSun
        "masthead": Style(TITLE, 30, 40, RED, "centre", after=2 * LEADING),
        "number": Style(align="centre"),
        "title": Style(TITLE, 22, 33, align="centre", before=LEADING, after=LEADING),
        "to": Style(),
        "p": Style(indent=indent),
        "last": Style(indent=indent),
        "h1": Style(HEADING, indent=indent),
        "field": Style(after=4),
        "alert": Style(color=RED, before=6, after=8),
        "approve": Style(before=2 * LEADING),
        # 成文日期 右空四字; the 署名 centred over it (about two characters further left)
        "sign": Style(align="right", right=3 * BODY_SIZE, before=2 * LEADING),
        "date": Style(align="right", right=4 * BODY_SIZE),
        "cut": Style(size=12, leading=18, color="#555555", align="centre"),
        "rtitle": Style(TITLE, 22, 33, align="centre", before=LEADING, after=LEADING),
        "cell": Style(size=14, leading=20),
        "head": Style(HEADING, 14, 20, align="centre"),
        "bar": Style(size=14, leading=20, align="right"),
    }
    landscape = dict(portrait, **{
        "masthead": Style(TITLE, 26, 32, RED, "centre", after=4),
        "title": Style(TITLE, 22, 30, align="centre", before=6, after=10),
        "field": Style(size=14, leading=20, after=2),
        "p": Style(size=14, leading=20, indent=indent * 14 / 16),
        "h1": Style(HEADING, leading=24, before=6, after=2),
        # the sign-off lines (拟稿/审核/签发, a 签收单's 送达人) in 4号, as the DOCX index's 审核签发 style
        "approve": Style(size=14, leading=20, before=LEADING),
        # a landscape index's tables: 五号 (10.5 pt), so a name or a credit code keeps to one line
        "cell": Style(size=10.5, leading=14),
        "head": Style(HEADING, 10.5, 14, align="centre"),
        "bar": Style(size=10.5, leading=14, align="right"),
    })
    return portrait, landscape


PAD = 3.0  # a table cell's padding on every side
_GAPS = re.compile("([\u3000 ]{2,})")  # between the fields of a sign-off line
_FIELD_GAPS = re.compile("(\u3000+)")  # … of a ``field`` block (编号：…　类型：…)
SHORT_HEAD = 4  # a column header of up to this many characters is never broken (序号, 绩效等级) where room can be found


class Typesetter:
    """Styles made once per run; :meth:`typeset` makes one PDF from one rendered layout.

    The 公文 layout is fixed, so the blocks are set straight onto a ReportLab canvas: a line's
    width is arithmetic (every CJK glyph one em in Adobe-GB1; other characters' widths cached),
    each block is one text object. platypus (Paragraph, Table) spent ~10 ms a notice on the
    same pages, mostly breaking CJK lines a character at a time.
    """

    def __init__(self, lang: str) -> None:
        _register_fonts()
        self.lang = lang
        self.portrait, self.landscape = _styles(lang)
        self.styles = self.portrait
        self.small = False

    def typeset(self, text: str, source: str) -> bytes:
        blocks = parse(text, source)
        landscape = any(b.kind == "page" and b.cells[0].strip() == "landscape" for b in blocks)
        size = (A4[1], A4[0]) if landscape else A4
        self.small = landscape
        self.styles = self.landscape if landscape else self.portrait
        canvas = Sheet(size, _plain(_first(blocks, "title")), _plain(_first(blocks, "masthead")))
        page = Page(canvas, size, LANDSCAPE_MARGINS if landscape else MARGINS)
        self.blocks(page, blocks, source)
        page.finish()
        canvas.showPage()
        footer = self.footer(blocks)
        if footer:
            total = len(canvas.pages)
            for number in range(total):
                line = footer.replace("{page}", str(number + 1)).replace("{pages}", str(total))
                canvas.pages[number] += "\n" + page.footer(line)
        return canvas.save()

    def footer(self, blocks: list[Block]) -> str:
        """The footer line's markup, ``{page}`` and ``{pages}`` still to fill: the layout's ``footer`` block, else the
        notice's 发文字号 (its ``number`` block) in this language's wording; empty for neither (an index)."""
        for block in blocks:
            if block.kind == "footer":
                return block.cells[0].strip()
        number = _first(blocks, "number").strip()
        if not number:
            return ""
        return FOOTERS.get(self.lang, FOOTERS["en"]).replace("{number}", number)

    def set(self, markup: str, style: Style, width: float) -> Setting:
        text, subs = _text(markup)
        return Setting(text, subs, wrap(text, subs, style.size, width, style.indent), style, width)

    def set_fields(self, markup: str, style: Style, width: float, gaps: re.Pattern[str] = _GAPS) -> Setting:
        """A sign-off line (``拟稿：＿＿　　审核：＿＿　　日期：＿＿年＿＿月＿＿日``) set field by field: its lines break
        only at the gaps of two or more spaces (ideographic or not), so no blank (a date to write in) is cut in two;
        a field wider than the line still breaks inside it. ``gaps``: what separates the fields (a ``field``
        block's are one ideographic space: ``执行期间：…　生成时间：…（操作人：root）``)."""
        text, subs = _text(markup)
        pieces = gaps.split(text)
        if subs or len(pieces) < 3:
            return self.set(markup, style, width)
        scale = style.size / 1000
        limit = width - style.indent + 0.01
        lines, line = [], pieces[0]
        for gap, field in zip(pieces[1::2], pieces[2::2]):
            if sum(_widths(line + gap + field)) * scale <= limit:
                line += gap + field
            else:
                lines.append(line)
                line = field
        lines.append(line)
        joined = "\n".join(lines)
        return Setting(joined, subs, wrap(joined, subs, style.size, width, style.indent), style, width)

    def set_title(self, markup: str, style: Style, width: float) -> Setting:
        """A title broken between its phrases, its lines balanced (:mod:`haze.render.titles`); a title
        with no such break, or with subscripts, as any paragraph."""
        text, subs = _text(markup)
        joined = None if subs else _title_lines(text, style.size, width - style.indent)
        if joined is None:
            return self.set(markup, style, width)
        return Setting(joined, subs, wrap(joined, subs, style.size, width, style.indent), style, width)

    def approve(self, page: Page, markup: str) -> None:
        """The sign-off block: its lines on one page, field by field (:meth:`set_fields`)."""
        style = self.styles["approve"]
        page.space(style.before)
        setting = self.set_fields(markup, style, page.width)
        page.fit(setting.height)
        self.flow(page, setting)
        page.space(style.after)

    def approve_height(self, page: Page, markup: str) -> float:
        style = self.styles["approve"]
        return style.before + self.set_fields(markup, style, page.width).height

    def paragraph(self, page: Page, markup: str, kind: str) -> Setting:
        """A paragraph at the cursor, its lines running on to the next page where the page ends."""
        style = self.styles[kind]
        page.space(style.before)
        if kind in TITLES:
            setting = self.set_title(markup, style, page.width)
        elif kind == "field":
            setting = self.set_fields(markup, style, page.width, _FIELD_GAPS)
        else:
            setting = self.set(markup, style, page.width)
        self.flow(page, setting)
        page.space(style.after)
        return setting

    def flow(self, page: Page, setting: Setting) -> None:
        first, count, leading = 0, len(setting.lines), setting.style.leading
        while first < count:
            fits = int((page.room + 0.01) // leading)
            if fits <= 0:
                page.new()
                continue
            last = min(count, first + fits)
            draw_lines(page.canvas, setting, page.left, page.y, first, last)
            page.y -= (last - first) * leading
            page.blank = False
            first = last

    def blocks(self, page: Page, blocks: list[Block], source: str) -> None:
        i = 0
        while i < len(blocks):
            block = blocks[i]
            kind = block.kind
            if kind in ("tw", "th", "tr"):
                j = i
                while j < len(blocks) and blocks[j].kind in ("tw", "th", "tr") and not (
                        j > i and blocks[j].kind in ("tw", "th") and blocks[j - 1].kind == "tr"):
                    j += 1
                # a sign-off right under a table (a 签收单's 送达人 line) takes the table's last row with it
                keep = 0.0
                if j < len(blocks) and blocks[j].kind == "approve":
                    keep = self.approve_height(page, blocks[j].cells[0])
                self.table(page, blocks[i:j], source, keep)
                i = j
                continue
            if kind == "bar":  # a chart: consecutive bars are one drawing
                j = i
                while j < len(blocks) and blocks[j].kind == "bar":
                    j += 1
                self.bars(page, blocks[i:j])
                i = j
                continue
            text = block.cells[0]
            if kind in ("page", "footer"):  # the page's orientation and its footer line: not on the cursor
                pass
            elif kind == "newpage":  # e.g. each township's 签收单 on a page of its own
                if not page.blank:
                    page.new()
            elif kind == "number":
                self.paragraph(page, text, "number")
                self.rule(page, RED, 1.5, 4 * MM, 0)  # GB/T 9704 §7.2.5: the red rule 4 mm under the 发文字号
            elif kind == "h1":
                page.fit((3 if self.small else 4) * LEADING)  # a heading never ends a page bare
                self.paragraph(page, text, "h1")
            elif kind == "last":
                # the last paragraph, the signature and the date stay on one page (never a date alone)
                tail = [(text, "last")]
                i += 1
                while i < len(blocks) and blocks[i].kind in ("sign", "date"):
                    tail.append((blocks[i].cells[0], blocks[i].kind))
                    i += 1
                height = sum(self.set(t, self.styles[k], page.width).height + self.styles[k].before
                             + self.styles[k].after for t, k in tail) - self.styles[tail[0][1]].before
                page.fit(height)
                for t, k in tail:
                    self.paragraph(page, t, k)
                continue
            elif kind == "cut":
                page.new()
                self.paragraph(page, text, "cut")
                self.rule(page, "#555555", 0.8, 2, 6 * MM, dash=(4, 3))
            elif kind == "alert":
                self.alert(page, text)
            elif kind == "approve":
                self.approve(page, text)
            else:
                self.paragraph(page, text, kind if kind in self.styles else "p")
            i += 1

    def rule(self, page: Page, colour: str, thickness: float, before: float, after: float,
             dash: tuple[float, float] | None = None) -> None:
        canvas = page.canvas
        page.y -= before
        canvas.saveState()
        canvas.setStrokeColor(colour)
        canvas.setLineWidth(thickness)
        if dash:
            canvas.setDash(*dash)
        canvas.line(page.left, page.y, page.left + page.width, page.y)
        canvas.restoreState()
        page.y -= thickness + after
        page.blank = False

    def alert(self, page: Page, markup: str) -> None:
        """A red paragraph in a red box (a requirement not met)."""
        style = self.styles["alert"]
        page.space(style.before)
        setting = self.set(markup, style, page.width - 8)
        page.fit(setting.height + 8)
        canvas = page.canvas
        canvas.saveState()
        canvas.setStrokeColor(RED)
        canvas.setLineWidth(1)
        canvas.rect(page.left, page.y - setting.height - 8, page.width, setting.height + 8)
        canvas.restoreState()
        draw_lines(canvas, setting, page.left + 4, page.y - 4)
        page.y -= setting.height + 8 + style.after
        page.blank = False

    def table(self, page: Page, blocks: list[Block], source: str, keep: float = 0.0) -> None:
        """Rows on a grid; a row never splits across pages, the header row repeats on each page and the last row
        is never alone on one. ``keep``: the height of what follows the table and must share a page with its
        last row (a sign-off)."""
        width = page.width
        widths: list[float] | None = None
        rows: list[tuple[bool, list[str]]] = []
        for block in blocks:
            if block.kind == "tw":
                shares = [_number(c) for c in block.cells]
                total = sum(shares) or 1
                widths = [width * s / total for s in shares]
            else:
                rows.append((block.kind == "th", block.cells))
        if not rows:
            return
        columns = max(len(cells) for _head, cells in rows)
        if widths is None or len(widths) != columns:
            widths = [width / columns] * columns
        widths = self.fit_columns(widths, rows, columns)
        set_rows = [self.row(head, cells + [""] * (columns - len(cells)), widths) for head, cells in rows]
        header = set_rows[0] if rows[0][0] else None
        page.space(4)
        for number, row in enumerate(set_rows):
            height = row[0]
            if height > page.top - page.bottom - (header[0] if header and number else 0):
                raise TemplateError(_("{source}: cannot typeset: a block does not fit on a page ({str_exc_splitlines_0_200}); a line ending in a block tag needs +%}} to keep its line break").format(source=source, str_exc_splitlines_0_200=_plain(" ".join(rows[number][1]))[:200]))
            need = height
            if number == len(set_rows) - 2 and number >= (2 if header else 1):
                # the last row never stands alone under a repeated header: the row before it goes along
                together = height + set_rows[-1][0]
                if together + (header[0] if header else 0) <= page.top - page.bottom:
                    need = together
            if number == len(set_rows) - 1 and keep:
                repeat = header[0] if header and number else 0.0
                if height + 10 + keep + repeat <= page.top - page.bottom:  # else it could share no page anyway
                    need = height + 10 + keep
            if need > page.room:
                page.new()
                if header is not None and number > 0:
                    self.draw_row(page, header, widths)
            self.draw_row(page, row, widths)
        page.space(10)

    def fit_columns(self, widths: list[float], rows: list[tuple[bool, list[str]]], columns: int) -> list[float]:
        """The layout's column widths, widened where a short header (up to :data:`SHORT_HEAD` characters: 序号,
        绩效等级; or one Latin word) or a cell that cannot break (a credit code, a 文号, a number) would break,
        the room taken from the columns with room to spare (their widest cell still on one line) and then, if
        that is not enough, from the columns whose text wraps anyway (never below half their width nor their
        own need). What cannot be found is shared out: such a column gets part of what it lacks."""
        head, cell = self.styles["head"], self.styles["cell"]
        need = [0.0] * columns  # what each column must have to keep its header and unbreakable cells whole

        def room(markup: str, size: float) -> float:  # a cell's text on one line, with the padding
            text, _subs = _text(markup)  # (a subscript is narrower: an upper bound)
            return max(sum(_widths(part)) for part in text.split("\n")) * size / 1000 + 2 * PAD + 0.5

        for is_head, cells in rows:
            size = (head if is_head else cell).size
            for c, markup in enumerate(cells[:columns]):
                if not markup or len(markup) * size + 2 * PAD + 0.5 <= widths[c]:
                    continue  # no character is wider than an em: it fits (most cells; no widths looked up)
                text, _subs = _text(markup)
                if "\n" in text:
                    continue
                if (text.isascii() and " " not in text) or (  # a code, a number: no break in it
                        len(text) <= SHORT_HEAD if is_head else unit_of_number(text)):
                    need[c] = max(need[c], room(markup, size))
        lack = [max(0.0, n - w) for n, w in zip(need, widths)]
        missing = sum(lack)
        if missing <= 0.01:
            return widths
        most = [0.0] * columns  # each column's widest cell on one line
        for is_head, cells in rows:
            size = (head if is_head else cell).size
            for c, markup in enumerate(cells[:columns]):
                if markup and most[c] <= widths[c]:  # (once a column is known to wrap, how much does not matter)
                    most[c] = max(most[c], room(markup, size))
        widths = list(widths)
        # room to spare: a column whose every cell fits on one line gives what it does not use
        spare = [0.0 if lack[c] else max(0.0, widths[c] - max(need[c], most[c])) for c in range(columns)]
        # then the columns that wrap anyway, down to half their width (and their own need)
        wraps = [0.0 if lack[c] or most[c] <= widths[c] else max(0.0, widths[c] - max(need[c], widths[c] / 2))
                 for c in range(columns)]
        for pool in (spare, wraps):
            total = sum(pool)
            if total <= 0.01 or missing <= 0.01:
                continue
            take = min(missing, total)
            for c in range(columns):
                widths[c] -= pool[c] * take / total
            missing -= take
        found = sum(lack) - missing
        for c in range(columns):
            widths[c] += lack[c] * found / sum(lack)
        return widths

    def row(self, head: bool, cells: list[str], widths: list[float]) -> tuple[float, list[Setting | None]]:
        style = self.styles["head" if head else "cell"]
        settings: list[Setting | None] = [self.set(c, style, w - 2 * PAD) if c else None
                                          for c, w in zip(cells, widths)]
        height = max((s.height for s in settings if s), default=style.leading) + 2 * PAD
        if len(cells) > 1 and not cells[-1] and not cells[-2]:
            height = max(height, 26.0)  # a form (签收人, 签收时间): room to write by hand
        return height, settings

    def draw_row(self, page: Page, row: tuple[float, list[Setting | None]], widths: list[float]) -> None:
        height, settings = row
        canvas = page.canvas
        x = page.left
        top, bottom = page.y, page.y - height
        lines = [(page.left, top, page.left + sum(widths), top), (page.left, bottom, page.left + sum(widths), bottom)]
        for setting, w in zip(settings, widths):
            lines.append((x, top, x, bottom))
            if setting is not None:
                draw_lines(canvas, setting, x + PAD, top - PAD)
            x += w
        lines.append((x, top, x, bottom))
        canvas.setLineWidth(0.6)
        canvas.lines(lines)
        page.y = bottom
        page.blank = False

    def bars(self, page: Page, blocks: list[Block]) -> None:
        """``bar<TAB>label<TAB>share<TAB>text<TAB>fail<TAB>mark``: a horizontal bar chart drawn as vectors (no
        image), the requirement a dashed mark; labels and values stay text."""
        width = page.width
        bar_w, bar_h = min(90 * MM, width * 0.4), 14.0
        label_w, text_w = width * 0.14, width * 0.3
        label_style = self.styles["bar"]
        text_style = dataclasses.replace(label_style, align="left")
        canvas = page.canvas
        page.space(2)
        for block in blocks:
            cells = block.cells + [""] * (5 - len(block.cells))
            label = self.set(cells[0], label_style, label_w - 12)
            value = self.set(cells[2], text_style, text_w - 12)
            height = max(bar_h, label.height, value.height) + 2
            page.fit(height)
            top = page.y
            middle = top - height / 2
            draw_lines(canvas, label, page.left + 6, middle + label.height / 2)
            x = page.left + label_w + 6
            share = min(1.0, _number(cells[1]) if cells[1].strip() else 0.0)
            if share > 0:
                canvas.saveState()
                canvas.setFillColor(RED if cells[3].strip() in ("1", "true", "True") else "#3A6EA5")
                canvas.rect(x, middle - bar_h / 2 + 2, bar_w * share, bar_h - 4, stroke=0, fill=1)
                canvas.restoreState()
            if cells[4].strip():
                mark = x + bar_w * min(1.0, _number(cells[4]))
                canvas.saveState()
                canvas.setDash(2, 1.5)
                canvas.setLineWidth(1)
                canvas.line(mark, middle - bar_h / 2, mark, middle + bar_h / 2)
                canvas.restoreState()
            draw_lines(canvas, value, x + bar_w + 12, middle + value.height / 2)
            page.y = top - height
            page.blank = False
        page.space(8)


@functools.lru_cache(maxsize=64)
def _title_lines(text: str, size: float, width: float) -> str | None:
    """The title's lines joined by line breaks, or None to break it as any paragraph; a run's
    notices share their title, so it is chosen once."""
    scale = size / 1000
    breaks = title_breaks(text, [w * scale for w in _widths(text)], width)
    return "\n".join(split(text, breaks)) if breaks else None


def _number(text: str) -> float:
    try:
        return max(0.0, float(text))
    except ValueError:
        return 1.0


def _first(blocks: list[Block], kind: str) -> str:
    return next((b.cells[0] for b in blocks if b.kind == kind), "")


def _plain(markup: str) -> str:
    """Document properties are plain text: undo the escaping the template did."""
    import html

    return html.unescape(markup)


def merge(documents: list[bytes]) -> bytes:
    """``all.pdf``: every notice in order, for batch printing (each keeps its own page numbers).

    The notices are haze's own ReportLab files (flat page trees, a classic
    xref table), so their objects are renumbered and concatenated directly:
    pypdf's merge parsed every object and took a quarter of a PDF activation's
    time (27 ms a notice). Anything unexpected falls back to pypdf.
    """
    try:
        return _concat(documents)
    except (_NotPlain, ValueError, KeyError, IndexError):
        return _pypdf_merge(documents)


class _NotPlain(Exception):
    """A PDF that is not laid out as ReportLab writes it (a user-edited layout cannot cause it, but be safe)."""


_REF = re.compile(rb"(\d+) 0 R\b")
_XREF = re.compile(rb"xref\n0 (\d+)\n")


def _objects(data: bytes) -> tuple[dict[int, bytes], int, int]:
    """(number -> the object's text after ``N 0 obj``, root, info) from a file's xref table."""
    start = int(data[data.rindex(b"startxref") + 9:].split()[0])
    table = _XREF.match(data, start)
    trailer = data[data.rindex(b"trailer"):]
    root, info = re.search(rb"/Root (\d+) 0 R", trailer), re.search(rb"/Info (\d+) 0 R", trailer)
    if table is None or root is None:
        raise _NotPlain
    count, at = int(table.group(1)), table.end()
    offsets = []
    for number in range(1, count):
        entry = data[at + 20 * number: at + 20 * number + 20]
        if entry[17:18] != b"n":
            raise _NotPlain
        offsets.append((int(entry[:10]), number))
    offsets.sort()
    bounds = [o for o, _ in offsets[1:]] + [start]
    objects = {}
    for (offset, number), end in zip(offsets, bounds):
        head = b"%d 0 obj\n" % number
        if data[offset:offset + len(head)] != head:
            raise _NotPlain
        objects[number] = data[offset + len(head):end]
    return objects, int(root.group(1)), int(info.group(1)) if info else 0


def _concat(documents: list[bytes]) -> bytes:
    out = bytearray(b"%PDF-1.4\n%\x93\x8c\x8b\x9e haze\n")
    offsets: dict[int, int] = {}
    kids: list[int] = []
    base = 2  # 1 is the catalog, 2 the page tree
    for data in documents:
        objects, root, info = _objects(data)
        pages = re.search(rb"/Pages (\d+) 0 R", objects[root])
        if pages is None:
            raise _NotPlain
        tree = int(pages.group(1))
        listed = re.search(rb"/Kids \[([^\]]*)\]", objects[tree])
        if listed is None:
            raise _NotPlain
        own = [int(n) for n in _REF.findall(listed.group(1))]
        if any(b"/Type /Page\n" not in objects[n] for n in own):
            raise _NotPlain  # a nested page tree
        shift = base

        def renumber(match: re.Match[bytes], shift: int = shift) -> bytes:
            return b"%d 0 R" % (int(match.group(1)) + shift)

        parent = b"/Parent %d 0 R" % (tree + shift)
        for number, body in objects.items():
            if number in (root, tree, info):
                continue
            head, mark, stream = body.partition(b"stream\n")  # the stream's bytes are never touched
            head = _REF.sub(renumber, head).replace(parent, b"/Parent 2 0 R")
            offsets[number + shift] = len(out)
            out += b"%d 0 obj\n" % (number + shift) + head + mark + stream
        kids += [n + shift for n in own]
        base += max(objects) + 1
    offsets[1] = len(out)
    out += b"1 0 obj\n<<\n/Pages 2 0 R /Type /Catalog\n>>\nendobj\n"
    offsets[2] = len(out)
    out += (b"2 0 obj\n<<\n/Count %d /Kids [ " % len(kids) + b" ".join(b"%d 0 R" % k for k in kids)
            + b" ] /Type /Pages\n>>\nendobj\n")
    xref = len(out)
    size = base
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for number in range(1, size):
        out += b"%010d 00000 n \n" % offsets[number] if number in offsets else b"0000000000 65535 f \n"
    out += b"trailer\n<<\n/Root 1 0 R /Size %d\n>>\nstartxref\n%d\n%%%%EOF\n" % (size, xref)
    return bytes(out)


def _pypdf_merge(documents: list[bytes]) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for data in documents:
        writer.append(io.BytesIO(data))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


ALL_PDF = "all.pdf"


class PdfTemplates:
    """The run's PDF templates (``notice.zh.pdf.j2`` …): layout text in the sandbox, then :func:`typeset`."""

    def __init__(self, env: Any, lang: str, kinds: dict[str, str], templates: Any) -> None:
        self.text = templates(env, {role: f"{kind}.{lang}.pdf.j2" for role, kind in kinds.items()})
        self.typesetter = Typesetter(lang)
        self.notices: list[bytes] = []

    def render(self, role: str, context: dict[str, Any]) -> bytes:
        text = self.text.render(role, context)
        template = self.text.compiled[role]
        data = self.typesetter.typeset(text, template.filename or template.name or role)
        if role == "notice":
            self.notices.append(data)
        return data

    def extras(self) -> Any:
        """``all.pdf`` after the index: every notice of the run in order."""
        if self.notices:
            yield ALL_PDF, merge(self.notices)
