"""A small streaming XLSX writer: the sheet XML written directly (issue 16).

Why not xlsxwriter: in ``constant_memory`` mode it spends about 10 µs of
Python per cell (its checks and escaping per call), 19 s for the 1.45 million
cells of a 50,000-enterprise export; this writer builds each row's XML with
one f-string per cell, about 1 µs a cell (benchmarks/README.md); text goes
into a shared-string table, each distinct text once.

What it writes is the part of SpreadsheetML that haze's exports use and every
reader handles (Excel, WPS, LibreOffice, openpyxl, calamine — the tests read
the files back with the last two, and LibreOffice converts them): shared
strings, numbers, booleans, one
cell format (``xf``) per distinct :class:`Style`, column widths and formats, row
heights, merged cells, a frozen pane, an auto-filter, and a print setup
(paper, orientation, fit to width, repeated title rows, a page-number footer).

Every text cell is a string cell, never a formula: list text such as
``=HYPERLINK(…)`` stays text (CWE-1236). Characters XML 1.0 cannot hold
(control characters) are written as Excel's ``_xHHHH_`` escapes, and text that
already looks like one is protected (``_x005F_``), so each cell reads back as
it was written.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from haze.io.lists.table import column_letter  # where a column stands in Excel: one definition, the reader's

CHUNK_ROWS = 2000  # rows of XML joined before each write into the zip stream
_ZIP_LEVEL = 1  # deflate level: 6 costs ~4x the CPU for a file ~1/3 smaller; speed matters at 2 a.m.

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
#: number formats Excel knows by id (openpyxl reads them back as these codes)
_BUILTIN_FORMATS = {"General": 0, "0": 1, "0.00": 2, "0%": 9, "0.00%": 10, "@": 49}  # 49: 文本 (Text)

_NEEDS_ESCAPE = re.compile(r"[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|_x[0-9A-Fa-f]{4}_")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_EXCEL_ESCAPE = re.compile(r"_(?=x[0-9A-Fa-f]{4}_)")  # an underscore that starts what reads as an escape
_EDGE_SPACE = re.compile(r"^\s|\s$")


def escape_text(text: str) -> str:
    """Text as the content of ``<t>``: XML escapes, and Excel's ``_xHHHH_`` for what XML cannot hold."""
    if not _NEEDS_ESCAPE.search(text):
        return text
    text = _EXCEL_ESCAPE.sub("_x005F_", text)  # a literal "_x0041_" must not read back as "A"
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _CONTROL.sub(lambda m: f"_x{ord(m.group()):04X}_", text)


def _attr(text: str) -> str:
    return escape_text(text).replace('"', "&quot;")


@dataclass(frozen=True)
class Style:
    """How a cell looks; each distinct one becomes one cell format of the workbook."""

    bold: bool = False
    size: float | None = None  # points; None: the workbook's 11
    wrap: bool = False
    align: str | None = None  # left, center, right
    valign: str | None = None  # top, center, bottom
    num_format: str | None = None  # Excel's format code: "0.00%", "0.0000"
    border: bool = False  # a thin line round the cell (a printed table)


class Cell(NamedTuple):
    """A cell of a head or tail row, with its own style, optionally merged ``span`` columns wide."""

    value: Any
    style: Style | None = None
    span: int = 1


@dataclass
class PageSetup:
    """How the sheet prints: A4, landscape, fit to the page width, header rows on every page."""

    landscape: bool = True
    fit_width: bool = True
    repeat_rows: tuple[int, int] | None = None  # first and last row (from 1) printed atop every page
    footer: str | None = "&C第 &P 页，共 &N 页"  # Excel's codes: &P page, &N pages
    center: bool = True


@dataclass
class Sheet:
    """One sheet: styled ``head`` rows, then the ``body`` rows written fast, then styled ``tail`` rows.

    Body cells take their column's style: ``text_styles`` for text and blank
    cells, ``number_styles`` for numbers, either a style or a function of
    (body row index, value) giving one (a cut's decimals depend on the cut).
    """

    name: str
    head: Sequence[Sequence[Any]] = field(default_factory=list)
    body: Iterable[Sequence[Any]] = ()
    tail: Sequence[Sequence[Any]] = field(default_factory=list)
    text_styles: dict[int, Style] = field(default_factory=dict)
    number_styles: dict[int, Style | Callable[[int, Any], Style]] = field(default_factory=dict)
    widths: Mapping[int, float] = field(default_factory=dict)
    #: a column's own format (``<col style>``): what Excel gives a cell typed there later, in a new row too
    column_styles: Mapping[int, Style] = field(default_factory=dict)
    heights: dict[int, float] = field(default_factory=dict)  # row (from 1) -> points
    freeze_rows: int = 0
    filter_row: int | None = None  # the header row (from 1) the auto-filter hangs on
    columns: int = 0  # the table's width, for the filter and the blank cells of body rows
    page: PageSetup | None = None
    fill_blanks: bool = False  # write styled empty cells so a bordered table has no gaps
    #: a body row's height in points, or None for the default: readers do not grow rows for wrapped
    #: text on opening (Excel and LibreOffice keep the default height), so the writer must say it
    row_height: Callable[[Sequence[Any]], float | None] | None = None


class Workbook:
    """Sheets written one after another into a zip held in memory; :meth:`close` gives the bytes."""

    def __init__(self) -> None:
        self._buffer = io.BytesIO()
        self._zip = zipfile.ZipFile(self._buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=_ZIP_LEVEL)
        self._styles: dict[Style, int] = {Style(): 0}
        self._sheets: list[tuple[str, str | None, str | None]] = []  # name, filter range, print titles
        self._texts: dict[str, str] = {}

    # -- styles --------------------------------------------------------------------------------
    def xf(self, style: Style | None) -> int:
        if style is None:
            return 0
        index = self._styles.get(style)
        if index is None:
            index = self._styles[style] = len(self._styles)
        return index

    def _s(self, style: Style | None) -> str:
        index = self.xf(style)
        return f' s="{index}"' if index else ""

    # -- cells ---------------------------------------------------------------------------------
    def _text(self, value: str) -> str:
        """The cell's XML after ``<c r=".." s=".."``, for a text value: its index in the shared strings.

        A shared-string table rather than inline strings: most text repeats (a
        town, an industry, a level on every row), so the sheet XML is about a
        third smaller, which is a third less to encode and deflate (and less
        for a reader to decode).
        """
        fragment = self._texts.get(value)
        if fragment is None:
            fragment = self._texts[value] = f' t="s"><v>{len(self._texts)}</v></c>'
        return fragment

    def _cell(self, ref: str, value: Any, s: str) -> str:
        """One cell of any type (the slow, general path: head and tail rows)."""
        kind = type(value)
        if value is None or (kind is str and not value):
            return f'<c r="{ref}"{s}/>' if s else ""
        if kind is bool:
            return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'
        if kind is int or kind is float:
            if math.isfinite(value):
                return f'<c r="{ref}"{s}><v>{value!r}</v></c>'
            value = repr(value)
        return f'<c r="{ref}"{s}{self._text(str(value))}'

    # -- sheets --------------------------------------------------------------------------------
    def add(self, sheet: Sheet) -> int:
        """Write ``sheet`` whole; returns the number of body rows written."""
        number = len(self._sheets) + 1
        widest = max([sheet.columns, *(len(r) for r in sheet.head), *(len(r) for r in sheet.tail)], default=0)
        letters = [column_letter(i) for i in range(max(widest, 1) + 64)]
        merges: list[str] = []
        with self._zip.open(f"xl/worksheets/sheet{number}.xml", "w") as out:
            out.write(self._sheet_start(sheet, number).encode("utf-8"))
            row = 0
            for cells in sheet.head:
                row += 1
                out.write(self._styled_row(row, cells, letters, merges, sheet.heights.get(row)).encode("utf-8"))
            body_start = row + 1
            for chunk in self._body(sheet, row + 1, letters):
                out.write(chunk.encode("utf-8"))
            row = self._last_body_row
            written = row - body_start + 1
            for cells in sheet.tail:
                row += 1
                out.write(self._styled_row(row, cells, letters, merges, sheet.heights.get(row)).encode("utf-8"))
            out.write(self._sheet_end(sheet, row, letters, merges).encode("utf-8"))
        quoted = "'" + sheet.name.replace("'", "''") + "'"
        filter_range = None
        if sheet.filter_row is not None and sheet.columns:
            last = max(sheet.filter_row, body_start + written - 1)
            filter_range = f"{quoted}!$A${sheet.filter_row}:${letters[sheet.columns - 1]}${last}"
        titles = None
        if sheet.page is not None and sheet.page.repeat_rows is not None:
            first, last_title = sheet.page.repeat_rows
            titles = f"{quoted}!${first}:${last_title}"
        self._sheets.append((sheet.name, filter_range, titles))
        return written

    def _styled_row(self, row: int, cells: Sequence[Any], letters: list[str], merges: list[str],
                    height: float | None) -> str:
        parts = [f'<row r="{row}" ht="{height}" customHeight="1">' if height else f'<row r="{row}">']
        col = 0
        for cell in cells:
            value, style, span = cell if isinstance(cell, Cell) else (cell, None, 1)
            s = self._s(style)
            parts.append(self._cell(f"{letters[col]}{row}", value, s))
            for extra in range(1, span):  # the covered cells keep the style, so a border runs across
                if s:
                    parts.append(f'<c r="{letters[col + extra]}{row}"{s}/>')
            if span > 1:
                merges.append(f"{letters[col]}{row}:{letters[col + span - 1]}{row}")
            col += span
        parts.append("</row>")
        return "".join(parts)

    def _body(self, sheet: Sheet, first: int, letters: list[str]) -> Iterable[str]:
        """The body rows' XML in chunks: the hot loop, one f-string per cell (about 1 µs each)."""
        width = max(sheet.columns, max(sheet.text_styles, default=-1) + 1,
                    max(sheet.number_styles, default=-1) + 1) + 64
        pre = [f'<c r="{letters[c]}' for c in range(width)]
        text_s = [f'"{self._s(sheet.text_styles.get(c))}' for c in range(width)]
        blank_s = [f"{s}/>" for s in text_s]
        dynamic: dict[int, Callable[[int, Any], Style]] = {}
        number_s = list(text_s)
        for c, spec in sheet.number_styles.items():
            if callable(spec):
                dynamic[c] = spec
            else:
                number_s[c] = f'"{self._s(spec)}'
        known: dict[int, tuple[Style, str]] = {}  # a dynamic style's attribute, once per distinct style
        blank = sheet.fill_blanks
        text = self._text
        texts = self._texts
        isfinite = math.isfinite
        parts: list[str] = []
        append = parts.append
        n = first - 1
        height = sheet.row_height
        for index, values in enumerate(sheet.body):
            n += 1
            row = str(n)
            tall = height(values) if height is not None else None
            append(f'<row r="{row}" ht="{tall}" customHeight="1">' if tall else f'<row r="{row}">')
            col = -1
            for value in values:
                col += 1
                kind = type(value)
                if kind is str:
                    if value:
                        try:
                            fragment = texts[value]
                        except KeyError:
                            fragment = text(value)
                        append(f"{pre[col]}{row}{text_s[col]}{fragment}")
                    elif blank:
                        append(f"{pre[col]}{row}{blank_s[col]}")
                elif kind is float or kind is int:
                    if col in dynamic:
                        style = dynamic[col](index, value)
                        seen = known.get(id(style))  # by identity: hashing a Style costs more than the cell
                        if seen is None:
                            seen = known[id(style)] = (style, f'"{self._s(style)}')  # holds it: ids stay unique
                        s = seen[1]
                    else:
                        s = number_s[col]
                    if isfinite(value):
                        append(f"{pre[col]}{row}{s}><v>{value!r}</v></c>")
                    else:
                        append(f"{pre[col]}{row}{s}{text(repr(value))}")
                elif value is None:
                    if blank:
                        append(f"{pre[col]}{row}{blank_s[col]}")
                else:
                    append(self._cell(f"{letters[col]}{row}", value, text_s[col][1:]))
            if blank:
                for col in range(len(values), sheet.columns):
                    append(f"{pre[col]}{row}{blank_s[col]}")
            append("</row>")
            if len(parts) > CHUNK_ROWS * 24:
                yield "".join(parts)
                parts.clear()
        self._last_body_row = n
        yield "".join(parts)

    _last_body_row = 0

    def _sheet_start(self, sheet: Sheet, number: int) -> str:
        parts = [_HEAD, f'<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}">']
        if sheet.page is not None and sheet.page.fit_width:
            parts.append('<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>')
        selected = ' tabSelected="1"' if number == 1 else ""
        if sheet.freeze_rows:
            top = f"A{sheet.freeze_rows + 1}"
            parts.append(f'<sheetViews><sheetView{selected} workbookViewId="0">'
                         f'<pane ySplit="{sheet.freeze_rows}" topLeftCell="{top}" activePane="bottomLeft" '
                         f'state="frozen"/><selection pane="bottomLeft" activeCell="{top}" sqref="{top}"/>'
                         "</sheetView></sheetViews>")
        else:
            parts.append(f'<sheetViews><sheetView{selected} workbookViewId="0"/></sheetViews>')
        parts.append('<sheetFormatPr defaultRowHeight="15"/>')
        if sheet.widths or sheet.column_styles:
            parts.append("<cols>")
            for index in sorted({*sheet.widths, *sheet.column_styles}):
                width = sheet.widths.get(index)
                sized = f' width="{width}" customWidth="1"' if width is not None else ' width="9.140625"'
                style = sheet.column_styles.get(index)
                styled = f' style="{self.xf(style)}"' if style is not None else ""
                parts.append(f'<col min="{index + 1}" max="{index + 1}"{sized}{styled}/>')
            parts.append("</cols>")
        parts.append("<sheetData>")
        return "".join(parts)

    def _sheet_end(self, sheet: Sheet, last_row: int, letters: list[str], merges: list[str]) -> str:
        parts = ["</sheetData>"]
        if sheet.filter_row is not None and sheet.columns:
            end = max(sheet.filter_row, self._last_body_row)
            parts.append(f'<autoFilter ref="A{sheet.filter_row}:{letters[sheet.columns - 1]}{end}"/>')
        if merges:
            parts.append(f'<mergeCells count="{len(merges)}">')
            parts.extend(f'<mergeCell ref="{m}"/>' for m in merges)
            parts.append("</mergeCells>")
        page = sheet.page
        if page is not None:
            if page.center:
                parts.append('<printOptions horizontalCentered="1"/>')
            parts.append('<pageMargins left="0.5" right="0.5" top="0.6" bottom="0.7" header="0.3" footer="0.3"/>')
            orientation = "landscape" if page.landscape else "portrait"
            fit = ' fitToWidth="1" fitToHeight="0"' if page.fit_width else ""
            parts.append(f'<pageSetup paperSize="9" orientation="{orientation}"{fit}/>')
            if page.footer:
                parts.append(f"<headerFooter><oddFooter>{_attr(page.footer)}</oddFooter></headerFooter>")
        parts.append("</worksheet>")
        return "".join(parts)

    # -- the package ---------------------------------------------------------------------------
    def close(self) -> bytes:
        z = self._zip
        count = len(self._sheets)
        z.writestr("[Content_Types].xml", _HEAD + (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            + "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
                      'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' for i in range(1, count + 1))
            + '<Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
            '<Override PartName="/docProps/app.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
            "</Types>"))
        z.writestr("_rels/.rels", _HEAD + (
            f'<Relationships xmlns="{_PKG_REL}">'
            f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
            f'<Relationship Id="rId2" Type="{_REL}/extended-properties" Target="docProps/app.xml"/>'
            "</Relationships>"))
        z.writestr("docProps/app.xml", _HEAD + (
            '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
            "<Application>haze</Application></Properties>"))
        z.writestr("xl/_rels/workbook.xml.rels", _HEAD + (
            f'<Relationships xmlns="{_PKG_REL}">'
            + "".join(f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                      for i in range(1, count + 1))
            + f'<Relationship Id="rId{count + 1}" Type="{_REL}/styles" Target="styles.xml"/>'
            + f'<Relationship Id="rId{count + 2}" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/>'
            "</Relationships>"))
        z.writestr("xl/workbook.xml", self._workbook_xml())
        with z.open("xl/sharedStrings.xml", "w") as out:
            out.write(f'{_HEAD}<sst xmlns="{_MAIN}" uniqueCount="{len(self._texts)}">'.encode())
            items = []
            for text in self._texts:  # in index order
                space = ' xml:space="preserve"' if _EDGE_SPACE.search(text) else ""
                items.append(f"<si><t{space}>{escape_text(text)}</t></si>")
                if len(items) >= 10_000:
                    out.write("".join(items).encode("utf-8"))
                    items.clear()
            out.write(("".join(items) + "</sst>").encode("utf-8"))
        z.writestr("xl/styles.xml", self._styles_xml())
        z.close()
        return self._buffer.getvalue()

    def _workbook_xml(self) -> str:
        sheets = "".join(f'<sheet name="{_attr(name)}" sheetId="{i}" r:id="rId{i}"/>'
                         for i, (name, _, _) in enumerate(self._sheets, 1))
        names = []
        for i, (_, filter_range, titles) in enumerate(self._sheets):
            if filter_range:
                names.append(f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
                             f"{_attr(filter_range)}</definedName>")
            if titles:
                names.append(f'<definedName name="_xlnm.Print_Titles" localSheetId="{i}">{_attr(titles)}</definedName>')
        defined = f"<definedNames>{''.join(names)}</definedNames>" if names else ""
        return (f'{_HEAD}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}">'
                '<bookViews><workbookView xWindow="0" yWindow="0" windowWidth="24000" windowHeight="12000"/>'
                f"</bookViews><sheets>{sheets}</sheets>{defined}</workbook>")

    def _styles_xml(self) -> str:
        formats: dict[str, int] = {}
        fonts: dict[tuple[bool, float], int] = {(False, 11.0): 0}
        xfs = []
        for style in self._styles:  # in index order (dicts keep insertion order)
            code = style.num_format or "General"
            fmt = _BUILTIN_FORMATS.get(code)
            if fmt is None:
                fmt = formats.setdefault(code, 164 + len(formats))
            font = fonts.setdefault((style.bold, style.size or 11.0), len(fonts))
            border = 1 if style.border else 0
            alignment = "".join((f' horizontal="{style.align}"' if style.align else "",
                                 f' vertical="{style.valign}"' if style.valign else "",
                                 ' wrapText="1"' if style.wrap else ""))
            applied = "".join((' applyNumberFormat="1"' if fmt else "", ' applyFont="1"' if font else "",
                               ' applyBorder="1"' if border else "", ' applyAlignment="1"' if alignment else ""))
            inner = f"<alignment{alignment}/>" if alignment else ""
            xfs.append(f'<xf numFmtId="{fmt}" fontId="{font}" fillId="0" borderId="{border}" xfId="0"{applied}'
                       + (f">{inner}</xf>" if inner else "/>"))
        num_fmts = "".join(f'<numFmt numFmtId="{i}" formatCode="{_attr(c)}"/>' for c, i in formats.items())
        font_xml = "".join(f'<font>{"<b/>" if bold else ""}<sz val="{size:g}"/><name val="宋体"/>'
                           '<family val="3"/><charset val="134"/></font>' for bold, size in fonts)
        thin = '<left style="thin"><color auto="1"/></left><right style="thin"><color auto="1"/></right>' \
               '<top style="thin"><color auto="1"/></top><bottom style="thin"><color auto="1"/></bottom><diagonal/>'
        return (f'{_HEAD}<styleSheet xmlns="{_MAIN}">'
                + (f'<numFmts count="{len(formats)}">{num_fmts}</numFmts>' if formats else "")
                + f'<fonts count="{len(fonts)}">{font_xml}</fonts>'
                '<fills count="2"><fill><patternFill patternType="none"/></fill>'
                '<fill><patternFill patternType="gray125"/></fill></fills>'
                f'<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border><border>{thin}</border>'
                '</borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
                f'<cellXfs count="{len(xfs)}">{"".join(xfs)}</cellXfs>'
                '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
                "</styleSheet>")
