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

and :func:`typeset` lays those blocks out after GB/T 9704-2012 (A4, type
area 156 × 225 mm, red 发文机关标志 and rule, 2号 title, 3号 body, 黑体
headings, the signature and date kept together with room for the seal, the
回执 on its own page after a cut line, table rows never split and the header
row repeated). A bureau can override the layout template like any other
(``--templates DIR``), and ``templates/build_docx.py`` builds the shipped
.docx templates from the same files, so PDF and DOCX say the same.

Why ReportLab with CID fonts: the Chinese text is written as Adobe-GB1 CIDs
through the UniGB-UCS2-H CMap, which every PDF reader maps back to Unicode, so
the text is searchable and copyable, and no font file is shipped or assumed
(a reader shows it in its own Song/FangSong/Hei face). fpdf2 needs a TrueType
font embedded, which haze would have to ship (a CJK font is 10–20 MB).
The faces are named FangSong (body), SimHei (headings) and SimSun (title),
with STSong-Light's metrics (all CJK glyphs are one em wide in Adobe-GB1), so
a reader that has those fonts uses them.
"""

from __future__ import annotations

import copy
import io
import re
from dataclasses import dataclass
from typing import Any

from haze.core.i18n import _
from haze.core.errors import TemplateError

MM = 72 / 25.4
A4 = (210 * MM, 297 * MM)
# GB/T 9704-2012 §5.2.2: 天头 37 mm, 订口 28 mm, type area 156 × 225 mm.
MARGINS = {"top": 37 * MM, "bottom": 35 * MM, "left": 28 * MM, "right": 26 * MM}
# A landscape page turns the same type area (225 × 156 mm).
LANDSCAPE_MARGINS = {"top": 28 * MM, "bottom": 26 * MM, "left": 37 * MM, "right": 35 * MM}
RED = "#E60012"
BODY, HEADING, TITLE = "FangSong", "SimHei", "SimSun"
# 3号 = 16 pt; 22 lines in 225 mm (GB/T 9704 §5.2.2): 28.95 pt a line.
BODY_SIZE, LEADING = 16, 28.95
KINDS = ("masthead", "number", "title", "to", "p", "h1", "last", "sign", "date", "cut", "rtitle", "field",
         "tw", "th", "tr", "alert", "approve", "page", "newpage")


# Adobe-GB1 has no subscript digits: SO₂ is set as SO<sub>2</sub> (and copies back as SO2).
_SUBSCRIPTS = {"₀": "0", "₁": "1", "₂": "2", "₃": "3", "₄": "4", "₅": "5", "₆": "6", "₇": "7", "₈": "8", "₉": "9"}
_SUBSCRIPT = re.compile("[" + "".join(_SUBSCRIPTS) + "]+")


def _glyphs(text: str) -> str:
    return _SUBSCRIPT.sub(lambda m: "<sub>" + "".join(_SUBSCRIPTS[c] for c in m.group(0)) + "</sub>", text)


@dataclass
class Block:
    kind: str
    cells: list[str]  # text (already escaped for ReportLab's markup), one per cell


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


class Typesetter:
    """Styles made once per run; :meth:`typeset` makes one PDF from one rendered layout."""

    def __init__(self, lang: str) -> None:
        from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
        from reportlab.lib.styles import ParagraphStyle

        from reportlab import rl_config

        _register_fonts()
        rl_config.useA85 = 0  # binary (compressed) streams: ASCII85 only makes the file bigger and slower
        self.lang = lang
        wrap = "CJK" if lang == "zh" else None
        indent = 2 * BODY_SIZE if lang == "zh" else 0

        def style(name: str, **kw: Any) -> ParagraphStyle:
            base = {"fontName": BODY, "fontSize": BODY_SIZE, "leading": LEADING, "wordWrap": wrap}
            return ParagraphStyle(name, **(base | kw))

        self.styles = {
            # 发文机关标志: red, centred; 小标宋 falls back to SimSun
            "masthead": style("masthead", fontName=TITLE, fontSize=30, leading=40, textColor=RED,
                              alignment=TA_CENTER, spaceAfter=2 * LEADING),
            "number": style("number", alignment=TA_CENTER),
            "title": style("title", fontName=TITLE, fontSize=22, leading=33, alignment=TA_CENTER,
                           spaceBefore=LEADING, spaceAfter=LEADING),
            "to": style("to"),
            "p": style("p", firstLineIndent=indent),
            "last": style("last", firstLineIndent=indent),
            "h1": style("h1", fontName=HEADING, firstLineIndent=indent),
            "field": style("field"),
            "alert": style("alert", textColor=RED, borderColor=RED, borderWidth=1, borderPadding=4,
                           spaceBefore=6, spaceAfter=8),
            "approve": style("approve", spaceBefore=2 * LEADING),
            # 成文日期 右空四字; the 署名 centred over it (about two characters further left)
            "sign": style("sign", alignment=TA_RIGHT, rightIndent=3 * BODY_SIZE, spaceBefore=2 * LEADING),
            "date": style("date", alignment=TA_RIGHT, rightIndent=4 * BODY_SIZE),
            "cut": style("cut", fontSize=12, leading=18, alignment=TA_CENTER, textColor="#555555"),
            "rtitle": style("rtitle", fontName=TITLE, fontSize=22, leading=33, alignment=TA_CENTER,
                            spaceBefore=LEADING, spaceAfter=LEADING),
            "cell": style("cell", fontSize=14, leading=20, alignment=TA_LEFT),
            "head": style("head", fontName=HEADING, fontSize=14, leading=20, alignment=TA_CENTER),
            "cell_small": style("cell_small", fontSize=12, leading=16, alignment=TA_LEFT),
            "head_small": style("head_small", fontName=HEADING, fontSize=12, leading=16, alignment=TA_CENTER),
        }
        self.small = False

    def typeset(self, text: str, source: str) -> bytes:
        from reportlab.platypus import SimpleDocTemplate

        blocks = parse(text, source)
        landscape = any(b.kind == "page" and b.cells[0].strip() == "landscape" for b in blocks)
        size = (A4[1], A4[0]) if landscape else A4
        margins = LANDSCAPE_MARGINS if landscape else MARGINS
        buffer = io.BytesIO()
        doc = SimpleDocTemplate(buffer, pagesize=size, leftMargin=margins["left"], rightMargin=margins["right"],
                                topMargin=margins["top"], bottomMargin=margins["bottom"],
                                title=_plain(_first(blocks, "title")), author=_plain(_first(blocks, "masthead")),
                                creator="haze", invariant=1)
        self.small = landscape  # a landscape index has many columns: 小四 (12 pt) in its tables
        story = self.flowables(blocks, doc.width)
        from reportlab.platypus.doctemplate import LayoutError

        try:
            doc.build(story, onFirstPage=_page_number, onLaterPages=_page_number)
        except ValueError as exc:  # ReportLab's markup parser: only a template's own markup can cause it
            raise TemplateError(_("{source}: cannot typeset: {exc}").format(source=source, exc=exc)) from None
        except LayoutError as exc:  # a table cell taller than a page: a template joined lines it should not
            raise TemplateError(_("{source}: cannot typeset: a block does not fit on a page ({str_exc_splitlines_0_200}); a line ending in a block tag needs +%}} to keep its line break").format(source=source, str_exc_splitlines_0_200=str(exc).splitlines()[0][:200])) from None
        return buffer.getvalue()

    def flowables(self, blocks: list[Block], width: float) -> list[Any]:
        from reportlab.platypus import CondPageBreak, KeepTogether, PageBreak, Paragraph, Spacer
        from reportlab.platypus.flowables import HRFlowable

        story: list[Any] = []
        i = 0
        while i < len(blocks):
            block = blocks[i]
            kind = block.kind
            if kind in ("tw", "th", "tr"):
                j = i
                while j < len(blocks) and blocks[j].kind in ("tw", "th", "tr") and not (
                        j > i and blocks[j].kind in ("tw", "th") and blocks[j - 1].kind == "tr"):
                    j += 1
                story.append(self.table(blocks[i:j], width))
                i = j
                continue
            text = block.cells[0]
            if kind == "page":
                pass
            elif kind == "newpage":  # e.g. each township's 签收单 on a page of its own
                story.append(PageBreak())
            elif kind == "number":
                story.append(Paragraph(text, self.styles["number"]))
                # GB/T 9704 §7.2.5: the red rule 4 mm under the 发文字号, as wide as the type area
                story.append(HRFlowable(width="100%", thickness=1.5, color=RED, spaceBefore=4 * MM,
                                        spaceAfter=0))
            elif kind == "h1":
                story.append(CondPageBreak(4 * LEADING))  # a heading never ends a page bare
                story.append(Paragraph(text, self.styles["h1"]))
            elif kind == "last":
                # the last paragraph, the signature and the date stay on one page (never a date alone)
                tail = [Paragraph(text, self.styles["last"])]
                i += 1
                while i < len(blocks) and blocks[i].kind in ("sign", "date"):
                    tail.append(Paragraph(blocks[i].cells[0], self.styles[blocks[i].kind]))
                    i += 1
                story.append(KeepTogether(tail))
                continue
            elif kind == "cut":
                story.append(PageBreak())
                story.append(Paragraph(text, self.styles["cut"]))
                story.append(HRFlowable(width="100%", thickness=0.8, color="#555555", dash=(4, 3),
                                        spaceBefore=2, spaceAfter=6 * MM))
            elif kind == "field":
                story.append(Paragraph(text, self.styles["field"]))
                story.append(Spacer(0, 4))
            else:
                story.append(Paragraph(text, self.styles[kind]))
            i += 1
        return story

    def table(self, blocks: list[Block], width: float) -> Any:
        from reportlab.platypus import Paragraph, Table, TableStyle

        widths: list[float] | None = None
        rows: list[list[Any]] = []
        header = 0
        for block in blocks:
            if block.kind == "tw":
                shares = [_number(c) for c in block.cells]
                total = sum(shares) or 1
                widths = [width * s / total for s in shares]
            elif block.kind == "th":
                rows.append([Paragraph(c, self.styles["head_small" if self.small else "head"]) for c in block.cells])
                header = 1 if len(rows) == 1 else header
            else:
                rows.append([Paragraph(c, self.styles["cell_small" if self.small else "cell"]) for c in block.cells])
        columns = max(len(r) for r in rows) if rows else 1
        rows = [r + [""] * (columns - len(r)) for r in rows]
        if widths is None or len(widths) != columns:
            widths = [width / columns] * columns
        table = Table(rows, colWidths=widths, repeatRows=header, splitByRow=1, spaceBefore=4, spaceAfter=10)
        table.setStyle(TableStyle([
            ("GRID", (0, 0), (-1, -1), 0.6, "#000000"),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ("LEFTPADDING", (0, 0), (-1, -1), 3),
            ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ]))
        return table


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


def _page_number(canvas: Any, doc: Any) -> None:
    """GB/T 9704 §7.5: 4号 Arabic numerals between dashes, odd pages right, even pages left, 7 mm under the area."""
    number = canvas.getPageNumber()
    text = f"— {number} —"
    canvas.saveState()
    canvas.setFont(TITLE, 14)
    y = doc.bottomMargin - 7 * MM - 14
    if number % 2:
        canvas.drawRightString(doc.leftMargin + doc.width - 14, y, text)
    else:
        canvas.drawString(doc.leftMargin + 14, y, text)
    canvas.restoreState()


def merge(documents: list[bytes]) -> bytes:
    """``all.pdf``: every notice in order, for batch printing (each keeps its own page numbers)."""
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
