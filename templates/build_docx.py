"""Build the shipped .docx templates from the PDF layout templates (run after editing a ``*.pdf.j2``).

    python templates/build_docx.py            # writes templates/{notice,lift,index}.{zh,en}.docx

Each ``KIND<TAB>text`` line of ``notice.zh.pdf.j2`` becomes a paragraph (or a
table row) with the GB/T 9704-2012 style of its kind, named in Chinese so a
bureau finds them in Word's style pane (发文机关标志, 发文字号, 公文标题, 公文正文,
一级标题, 发文机关署名, 成文日期, 回执标题 …); Jinja control lines become docxtpl
``{%p … %}`` paragraphs, or ``{%tr … %}`` rows inside a table. Needs
python-docx (a test dependency of haze, not a runtime one).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

HERE = Path(__file__).resolve().parent
RED = RGBColor(0xE6, 0x00, 0x12)
# Fonts of GB/T 9704-2012, with the face Word or WPS uses where they are missing (w:altName in fontTable).
FANGSONG, HEI, XBS, SONG, LATIN = "仿宋_GB2312", "黑体", "方正小标宋简体", "宋体", "Times New Roman"
ALT_NAMES = {FANGSONG: "仿宋", XBS: "宋体", HEI: "SimHei", SONG: "SimSun"}
BODY, LEADING = 16, 28.95  # 3号; 22 lines in the 225 mm type area
CONTROL = re.compile(r"^\s*\{%-?\s*(\w+)(.*?)-?%\}\s*$")
OPENS, CLOSES, MIDDLES = {"for", "if"}, {"endfor", "endif"}, {"else", "elif"}


def set_fonts(rpr_owner, east_asia: str, latin: str = LATIN) -> None:
    """w:rFonts with w:eastAsia: without it Word sets Chinese text in the Latin font's fallback."""
    rpr = rpr_owner.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr, value in (("w:ascii", latin), ("w:hAnsi", latin), ("w:eastAsia", east_asia), ("w:cs", latin)):
        fonts.set(qn(attr), value)


# The languages Word and WPS tag the text with (docDefaults' w:lang, the theme's w:themeFontLang): python-docx's
# blank document says en-US for East Asian text and ja-JP for the theme's East Asian font, so Chinese was
# proofed as English and could be drawn in a Japanese face. East Asian text is Chinese in every template (an
# English notice still names Chinese enterprises); Latin text is in the document's language.
LANGUAGES = {"zh": "zh-CN", "en": "en-US"}
EAST_ASIA = "zh-CN"


def set_language(doc, lang: str) -> None:
    """docDefaults' ``w:lang`` and settings' ``w:themeFontLang``: w:val the document's language, w:eastAsia zh-CN."""
    latin = LANGUAGES.get(lang, "en-US")
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        doc.styles.element.insert(0, defaults)
    rpr_default = defaults.find(qn("w:rPrDefault"))
    if rpr_default is None:
        rpr_default = OxmlElement("w:rPrDefault")
        defaults.insert(0, rpr_default)
    rpr = rpr_default.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        rpr_default.append(rpr)
    for owner, tag in ((rpr, "w:lang"), (doc.settings.element, "w:themeFontLang")):
        element = owner.find(qn(tag))
        if element is None:
            element = OxmlElement(tag)
            owner.append(element)  # (python-docx's blank document has both; the order of w:rPr is then kept)
        element.set(qn("w:val"), latin)
        element.set(qn("w:eastAsia"), EAST_ASIA)


def add_style(doc, name: str, *, font: str = FANGSONG, size: float = BODY, align=None, indent: bool = False,
              leading: float | None = LEADING, color: RGBColor | None = None, before: float = 0, after: float = 0,
              keep: bool = False, right: float = 0):
    style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = doc.styles["Normal"]
    style.font.size = Pt(size)
    style.font.name = LATIN
    set_fonts(style.element, font)
    if color is not None:
        style.font.color.rgb = color
    fmt = style.paragraph_format
    if align is not None:
        fmt.alignment = align
    if indent:
        fmt.first_line_indent = Pt(2 * size)  # 首行缩进两字
    if leading is not None:
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(leading)
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    fmt.right_indent = Pt(right)
    fmt.keep_with_next = keep
    fmt.widow_control = True
    return style


def make_styles(doc, lang: str, landscape: bool = False) -> dict[str, str]:
    normal = doc.styles["Normal"]
    normal.font.size = Pt(BODY)
    normal.font.name = LATIN
    set_fonts(normal.element, FANGSONG)
    normal.paragraph_format.space_after = Pt(0)
    center, right = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT
    indent = lang == "zh"
    # a landscape index is a filed table, not a letter: a tighter head so page 1 holds the tables too
    add_style(doc, "发文机关标志", font=XBS, size=26 if landscape else 30, align=center, leading=None, color=RED,
              after=4 if landscape else 2 * LEADING)
    add_style(doc, "发文字号", align=center)
    add_style(doc, "公文标题", font=XBS, size=22, align=center, leading=30 if landscape else 33,
              before=6 if landscape else LEADING, after=10 if landscape else LEADING)
    add_style(doc, "主送机关")
    add_style(doc, "公文正文", indent=indent)
    add_style(doc, "一级标题", font=HEI, indent=indent, keep=True)
    add_style(doc, "正文末段", indent=indent, keep=True)  # kept with the signature and date
    add_style(doc, "发文机关署名", align=right, right=3 * BODY, before=2 * LEADING, keep=True)  # room for the seal
    add_style(doc, "成文日期", align=right, right=4 * BODY)  # 右空四字
    add_style(doc, "裁剪线", font=SONG, size=12, align=center, leading=18, color=RGBColor(0x55, 0x55, 0x55))
    add_style(doc, "回执标题", font=XBS, size=22, align=center, leading=33, before=LEADING, after=LEADING)
    add_style(doc, "回执栏目", **({"size": 14, "leading": 20, "after": 2} if landscape else {"after": 4}))
    add_style(doc, "警示", color=RED, after=6)
    add_style(doc, "审核签发", **({"size": 14, "leading": 20, "before": LEADING} if landscape else {"before": 2 * LEADING}))
    table = 10.5 if landscape else 14  # a landscape index has many columns: 五号, a name on one line
    add_style(doc, "表格文字", size=table, leading=table + 5)
    add_style(doc, "表头", font=HEI, size=table, leading=table + 5, align=center)
    add_style(doc, "模板指令", size=8, leading=None, color=RGBColor(0x80, 0x80, 0x80))
    doc.styles.add_style("分页", WD_STYLE_TYPE.PARAGRAPH).paragraph_format.page_break_before = True
    return {"masthead": "发文机关标志", "number": "发文字号", "title": "公文标题", "to": "主送机关", "p": "公文正文",
            "h1": "一级标题", "last": "正文末段", "sign": "发文机关署名", "date": "成文日期", "cut": "裁剪线",
            "rtitle": "回执标题", "field": "回执栏目", "alert": "警示", "approve": "审核签发", "newpage": "分页"}


def border(paragraph, side: str, val: str, size: int, color: str, space: int) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    borders = ppr.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        ppr.append(borders)
    edge = OxmlElement(f"w:{side}")
    for attr, value in (("w:val", val), ("w:sz", str(size)), ("w:space", str(space)), ("w:color", color)):
        edge.set(qn(attr), value)
    borders.append(edge)


def alt_names(doc) -> None:
    """fontTable: the face to use where 仿宋_GB2312 or 方正小标宋简体 is not installed."""
    for rel in doc.part.rels.values():
        if rel.reltype.endswith("/fontTable"):
            table = rel.target_part
            from lxml import etree

            root = etree.fromstring(table.blob)
            for name, alt in ALT_NAMES.items():
                font = etree.SubElement(root, qn("w:font"))
                font.set(qn("w:name"), name)
                alt_el = etree.SubElement(font, qn("w:altName"))
                alt_el.set(qn("w:val"), alt)
                charset = etree.SubElement(font, qn("w:charset"))
                charset.set(qn("w:val"), "86")  # GB2312
            table._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def field(run, name: str) -> None:
    """A Word field (PAGE, NUMPAGES) in ``run``: begin, instruction, end; Word and WPS fill it in."""
    for kind, instr in (("begin", None), (None, f" {name} "), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = instr
        run._r.append(el)


def page_numbers(doc, section) -> None:
    """— 1 —: 4号 宋体, odd pages right, even pages left, one character in (GB/T 9704 §7.5)."""
    doc.settings.odd_and_even_pages_header_footer = True
    for footer, align in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT), (section.even_page_footer,
                                                                       WD_ALIGN_PARAGRAPH.LEFT)):
        p = footer.paragraphs[0]
        p.alignment = align
        p.paragraph_format.left_indent = p.paragraph_format.right_indent = Pt(14)
        for text, name in (("— ", None), (None, "PAGE"), (" —", None)):
            run = p.add_run()
            run.font.size = Pt(14)
            set_fonts(run._r, SONG, SONG)
            if name is None:
                run.text = text
            else:
                field(run, name)


FOOTER_FIELDS = re.compile(r"(\{page\}|\{pages\})")


def footer_line(doc, text: str) -> None:
    """The layout's ``footer`` line under the page number of every page (odd and even), in its own style 页脚文号
    (小五 仿宋, dark grey, centred: the fields' results take it too), ``{page}`` and ``{pages}`` as PAGE and
    NUMPAGES fields: the PDF's 第 N 页 共 M 页."""
    if not text.strip():
        return
    add_style(doc, "页脚文号", size=9, align=WD_ALIGN_PARAGRAPH.CENTER, leading=None,
              color=RGBColor(0x33, 0x33, 0x33), before=6)
    section = doc.sections[0]
    for footer in (section.footer, section.even_page_footer):
        p = footer.add_paragraph(style="页脚文号")
        for piece in FOOTER_FIELDS.split(text.strip()):
            if piece in ("{page}", "{pages}"):
                field(p.add_run(), "PAGE" if piece == "{page}" else "NUMPAGES")
            elif piece:
                p.add_run(piece)


def setup(doc, landscape: bool) -> float:
    """A4, the 156 × 225 mm type area (GB/T 9704 §5.2); returns the type area's width in mm."""
    section = doc.sections[0]
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
        section.top_margin, section.bottom_margin, section.left_margin, section.right_margin = (
            Mm(28), Mm(26), Mm(37), Mm(35))
    else:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin, section.left_margin, section.right_margin = (
            Mm(37), Mm(35), Mm(28), Mm(26))
    section.footer_distance = Mm(18)
    page_numbers(doc, section)
    return 225 if landscape else 156


class Builder:
    def __init__(self, lang: str, landscape: bool) -> None:
        self.doc = Document()
        set_language(self.doc, lang)
        self.styles = make_styles(self.doc, lang, landscape)
        self.width = setup(self.doc, landscape)
        self.landscape = landscape
        alt_names(self.doc)
        body = self.doc.element.body
        for p in list(body.iterchildren(qn("w:p"))):
            body.remove(p)  # python-docx's empty first paragraph
        self.table = None
        self.widths: list[float] | None = None
        self.stack: list[str] = []  # where each open for/if went: "p" or "tr"
        self.bars = False  # the open table is a chart (bar lines)

    # -- paragraphs ---------------------------------------------------------------
    def paragraph(self, kind: str, text: str) -> None:
        self.table = None
        self.bars = False
        p = self.doc.add_paragraph("" if kind == "newpage" else text, style=self.styles[kind])
        if kind == "number":  # the red rule 4 mm under the 发文字号 (GB/T 9704 §7.2.5)
            border(p, "bottom", "single", 18, "E60012", 11)
        elif kind == "cut":  # the 回执 on its own page, under a cut line
            p.paragraph_format.page_break_before = True
            border(p, "bottom", "dashed", 8, "555555", 4)
        elif kind == "alert":
            for side in ("top", "left", "bottom", "right"):
                border(p, side, "single", 8, "E60012", 4)

    def control(self, line: str, where: str) -> None:
        tag = line.strip()[2:-2].strip().lstrip("-").rstrip("-").strip()
        if where == "tr":
            row = self.table.add_row()
            row.cells[0].text = f"{{%tr {tag} %}}"
        else:
            self.table = None if where == "p" else self.table
            self.doc.add_paragraph(f"{{%p {tag} %}}", style="模板指令")

    # -- tables ----------------------------------------------------------------------
    def row(self, kind: str, cells: list[str]) -> None:
        if kind == "tw":
            self.table = None
            self.widths = [float(c) for c in cells]
            return
        if kind == "th" or self.table is None:
            body = self.doc.element.body
            if len(body) > 1 and body[-2].tag == qn("w:tbl"):
                # Word joins two tables with nothing between them into one: a small paragraph keeps them apart
                self.doc.add_paragraph("", style="表格文字")
            self.table = self.doc.add_table(rows=0, cols=len(cells))
            self.table.style = "Table Grid"
            # 1 mm, as the PDF's cells: a credit code or a 文号 keeps to one line, and a portrait table's
            # 减排比例 header and 30.00% stay whole (Word's 1.9 mm split them in LibreOffice: QA helper-50)
            _cell_margins(self.table, 57)
            self.table.alignment = WD_TABLE_ALIGNMENT.CENTER
            self.table.autofit = False
            self.columns = len(cells)
            widths = self.widths if self.widths and len(self.widths) == self.columns else [1.0] * self.columns
            for column, share in zip(self.table.columns, widths):
                column.width = Mm(self.width * share / sum(widths))  # w:gridCol, which LibreOffice and WPS read
        row = self.table.add_row()
        trpr = row._tr.get_or_add_trPr()
        trpr.append(OxmlElement("w:cantSplit"))  # a row never splits across pages
        if kind == "th":
            trpr.append(OxmlElement("w:tblHeader"))  # repeated at the top of every page
        elif len(cells) > 1 and not cells[-1].strip() and not cells[-2].strip():
            height = OxmlElement("w:trHeight")  # a row ending in blanks is a form (签收人): room to write
            height.set(qn("w:val"), "520")
            height.set(qn("w:hRule"), "atLeast")
            trpr.append(height)
        widths = self.widths if self.widths and len(self.widths) == self.columns else [1.0] * self.columns
        total = sum(widths)
        for cell, text, share in zip(row.cells, cells + [""] * (self.columns - len(cells)), widths):
            cell.width = Mm(self.width * share / total)
            cell.paragraphs[0].text = text
            cell.paragraphs[0].style = self.doc.styles["表头" if kind == "th" else "表格文字"]
        if kind == "th":
            self.widths = None

    # -- charts ------------------------------------------------------------------------
    BAR_MM = 80  # a bar at 100%: the longest of its chart

    def start_bars(self) -> None:
        """A borderless table of three columns (label, bar, value) for ``bar`` lines."""
        self.table = self.doc.add_table(rows=0, cols=3)
        self.table.alignment = WD_TABLE_ALIGNMENT.LEFT
        self.table.autofit = False
        self.columns = 3
        self.bars = True
        for column, mm in zip(self.table.columns, (32, self.BAR_MM + 4, 70)):
            column.width = Mm(mm)

    def bar(self, cells: list[str]) -> None:
        """One bar: a solid PNG stretched to the value's share (Word and WPS show a PNG; an SVG WPS does not)."""
        if self.table is None or not getattr(self, "bars", False):
            self.start_bars()
        cells = cells + [""] * (5 - len(cells))
        row = self.table.add_row()
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        for cell, mm in zip(row.cells, (32, self.BAR_MM + 4, 70)):
            cell.width = Mm(mm)
        label, graph, value = (c.paragraphs[0] for c in row.cells)
        # A chart never splits across pages (QA: its caption and one bar stood alone at a page's foot). Every
        # row keeps with the next, the last too: the rows are one template row repeated by a Jinja loop.
        for paragraph in (label, graph, value):
            paragraph.paragraph_format.keep_with_next = True
        label.text, value.text = cells[0], cells[2]
        label.style = value.style = self.doc.styles["表格文字"]
        label.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        graph.style = self.doc.styles["表格文字"]
        share, fail, mark = _expression(cells[1]), _expression(cells[3]) or "0", _expression(cells[4])
        full = Mm(self.BAR_MM)
        if mark:
            # the requirement's dashed mark over the bar at its place on the scale, as the PDF draws it: a
            # picture anchored before the bar and placed from that character, where the bar starts
            # (pictures in a line cannot overlap, and would wrap; a cell's edge is not where the bar starts)
            run = self._picture(graph, MARK_PNG, Mm(0.5), "1", height=Mm(4.5))
            _anchor(run, f"{{{{ ([({mark}), 1]|min * {int(full)})|int }}}}", -int(Mm(0.5)))
        self._bar(graph, fail, full, share)

    def _bar(self, graph, fail: str, full, share: str) -> None:
        """A bar red where the requirement is not met, blue where it is (a Jinja choice in the run)."""
        graph.add_run(f"{{%r if ({fail})|int %}}")
        self._picture(graph, RED_PNG, full, share)
        graph.add_run("{%r else %}")
        self._picture(graph, BLUE_PNG, full, share)
        graph.add_run("{%r endif %}")

    @staticmethod
    def _picture(paragraph, png: bytes, full, share: str, height=None):
        import io

        run = paragraph.add_run()
        run.add_picture(io.BytesIO(png), width=full, height=height or Mm(3.5))
        for inline in run._r.iter(qn("wp:inline")):  # no space around it: LibreOffice otherwise puts 3.2 mm
            for side in ("distT", "distB", "distL", "distR"):  # before a bar, off the scale of its mark
                inline.set(side, "0")
        width = f"{{{{ [1, (({share}) * {int(full)})|int]|max }}}}"  # EMU; never 0, which Word refuses
        for tag in (qn("wp:extent"), qn("a:ext")):
            for el in run._r.iter(tag):
                el.set("cx", width)
        return run

    def save(self, path: Path) -> None:
        self.doc.core_properties.title = path.stem
        self.doc.core_properties.author = "haze"
        self.doc.save(path)


def _cell_margins(table, twips: int) -> None:
    """The table's left and right cell margins (Word's default is 108 twips, 1.9 mm)."""
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        element = OxmlElement(f"w:{side}")
        element.set(qn("w:w"), str(twips))
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    properties = table._tbl.tblPr
    look = properties.find(qn("w:tblLook"))  # the schema puts tblCellMar before tblLook
    if look is not None:
        look.addprevious(margins)
    else:
        properties.append(margins)


def _anchor(run, offset: str, top: int) -> None:
    """Float the run's picture: ``offset`` EMU (a tag) right of the character it is anchored at, ``top``
    EMU from its line, over the text and pictures of the line (wp:anchor with wrapNone), inside the cell."""
    inline = next(run._r.iter(qn("wp:inline")))
    anchor = OxmlElement("wp:anchor")
    for name, value in (("distT", "0"), ("distB", "0"), ("distL", "0"), ("distR", "0"), ("simplePos", "0"),
                        ("relativeHeight", "251659264"), ("behindDoc", "0"), ("locked", "0"),
                        ("layoutInCell", "1"), ("allowOverlap", "1")):
        anchor.set(name, value)
    simple = OxmlElement("wp:simplePos")
    simple.set("x", "0")
    simple.set("y", "0")
    anchor.append(simple)
    for axis, relative, value in (("H", "character", offset), ("V", "line", str(top))):
        position = OxmlElement(f"wp:position{axis}")
        position.set("relativeFrom", relative)
        offset_el = OxmlElement("wp:posOffset")
        offset_el.text = value
        position.append(offset_el)
        anchor.append(position)
    children = {child.tag: child for child in inline}
    anchor.append(children[qn("wp:extent")])
    effect = OxmlElement("wp:effectExtent")
    for side in ("l", "t", "r", "b"):
        effect.set(side, "0")
    anchor.append(effect)
    anchor.append(OxmlElement("wp:wrapNone"))
    for tag in ("wp:docPr", "wp:cNvGraphicFramePr", "a:graphic"):
        if qn(tag) in children:
            anchor.append(children[qn(tag)])
    inline.getparent().replace(inline, anchor)


def _expression(field: str) -> str:
    """``{{ b.width }}`` -> ``b.width``: a layout field that is one value, for use inside a tag."""
    m = re.fullmatch(r"\s*\{\{\s*(.*?)\s*\}\}\s*", field)
    return m.group(1) if m else field.strip()


def _png(rgb: tuple[int, int, int], alpha: list[int] | None = None) -> bytes:
    """A PNG four pixels wide of one colour: 4 × 4 and opaque, or a row for each of ``alpha`` with that
    opacity (no imaging library needed to build the templates)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    if alpha is None:
        colour, raw = 2, b"".join(b"\x00" + bytes(rgb) * 4 for _ in range(4))
    else:
        colour, raw = 6, b"".join(b"\x00" + (bytes(rgb) + bytes([a])) * 4 for a in alpha)
    rows = 4 if alpha is None else len(alpha)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, rows, 8, colour, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


RED_PNG, BLUE_PNG = _png((0xE6, 0x00, 0x12)), _png((0x3A, 0x6E, 0xA5))
MARK_PNG = _png((0x33, 0x33, 0x33), [255, 255, 255, 0, 0] * 5)  # the mark: five dashes


def lines(source: str) -> list[str]:
    """The layout lines without Jinja comments and the phrase import (DOCX templates get ``t`` from haze)."""
    source = re.sub(r"\{#.*?#\}", "", source, flags=re.DOTALL)
    return [ln for ln in source.splitlines() if ln.strip() and not re.match(r"^\s*\{%-?\s*import\s+\"_phrases\.", ln)]


IMPORT = re.compile(r"^\s*\{%-?\s*import\b")


def build(layout: Path, out: Path, lang: str) -> None:
    text = lines(layout.read_text(encoding="utf-8"))
    # Other phrase modules (the city's _city_phrases as c) are imported at the head of the first paragraph:
    # a Jinja import renders to nothing, and a bureau editing the template sees where c comes from.
    imports = "".join(ln.strip() for ln in text if IMPORT.match(ln))
    text = [ln for ln in text if not IMPORT.match(ln)]
    if imports:
        first = next(i for i, ln in enumerate(text) if not CONTROL.match(ln) and not ln.startswith("page\t"))
        kind, _, rest = text[first].partition("\t")
        text[first] = f"{kind}\t{imports}{rest}"
    landscape = any(ln.split("\t")[0] == "page" and ln.split("\t")[1:2] == ["landscape"] for ln in text)
    builder = Builder(lang, landscape)
    for i, line in enumerate(text):
        control = CONTROL.match(line)
        if control:
            word = control.group(1)
            if word in OPENS or word == "set":
                nxt = next((ln for ln in text[i + 1:] if not CONTROL.match(ln)), "")
                if word in OPENS and nxt.split("\t")[0] == "bar" and not getattr(builder, "bars", False):
                    builder.start_bars()
                in_table = builder.table is not None and nxt.split("\t")[0] in ("tr", "bar")
                where = "tr" if in_table and word != "set" else "p"
                if word in OPENS:
                    builder.stack.append(where)
            elif word in MIDDLES:
                where = builder.stack[-1]
            elif word in CLOSES:
                where = builder.stack.pop()
            else:
                where = "p"
            builder.control(line, where)
            continue
        kind, _, rest = line.partition("\t")
        if kind == "page":
            continue
        if kind == "footer":
            footer_line(builder.doc, rest)
            continue
        if kind == "bar":
            builder.bar(rest.split("\t"))
        elif kind in ("tw", "th", "tr"):
            builder.bars = False
            builder.row(kind, rest.split("\t"))
        else:
            builder.paragraph(kind, rest)
            if _next_kind(text, i) == "bar":  # a chart's caption stays with its bars
                builder.doc.paragraphs[-1].paragraph_format.keep_with_next = True
    builder.save(out)


def _next_kind(text: list[str], i: int) -> str:
    """The kind of the next layout line after ``text[i]`` that is not a Jinja control line."""
    nxt = next((ln for ln in text[i + 1:] if not CONTROL.match(ln)), "")
    return nxt.split("\t")[0]


def main(argv: list[str]) -> int:
    folder = Path(argv[1]) if len(argv) > 1 else HERE
    for layout in sorted(folder.glob("*.pdf.j2")):
        kind, lang = layout.name.split(".")[:2]
        out = folder / f"{kind}.{lang}.docx"
        build(layout, out, lang)
        print(f"{layout.name} -> {out.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
