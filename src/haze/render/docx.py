"""DOCX notices (SPEC §16) from .docx templates a bureau edits in Word or WPS.

The shipped ``notice.zh.docx``, ``lift.zh.docx`` and ``index.zh.docx`` (and
``.en``) are built by ``templates/build_docx.py`` from the PDF layout
templates, so both formats say the same; a bureau opens one in Word, changes
its letterhead or wording, keeps the ``{{ … }}`` and ``{%p … %}`` tags (the
docxtpl syntax), and passes its directory with ``--templates DIR``.

Rendering uses docxtpl's own clean-up of the XML Word writes (tags split
across runs are joined; ``{%p``/``{%tr`` tags take their paragraph or table
row with them), but compiles each part once per run in haze's sandboxed,
strict, escaping environment, and then only renders the XML and writes the
zip for each notice: opening and saving a document per notice through
python-docx costs ten times more. Every value is XML-escaped (a name with
``<``, ``&`` or ``{{`` stays text), and each rendered part must parse as XML,
so a broken template is one error line, never a document Word cannot open.
Inside a DOCX template ``t`` is the phrase module (``_phrases.zh.j2``), as
the text templates import it.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from pathlib import Path
from typing import Any

from haze.core.i18n import _, os_reason
from haze.core.errors import TemplateError
from haze.render.titles import em_widths, title_breaks

# The parts that may hold tags: the body, headers and footers.
_TEMPLATED = re.compile(r"^word/(document|header\d*|footer\d*)\.xml$")
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# The paragraph styles whose lines are broken between phrases (build_docx.py names them): a 公文 title.
_TITLE_STYLES = ("公文标题", "回执标题")


class DocxTemplates:
    """The run's DOCX templates: each part compiled once, each notice rendered and zipped."""

    def __init__(self, env: Any, lang: str, kinds: dict[str, str], guard: Any) -> None:
        self.env = env
        self.lang = lang
        self.guard = guard  # a haze.render.notices._Templates: turns Jinja failures into TemplateError lines
        self.docs = {role: self._load(f"{kind}.{lang}.docx") for role, kind in kinds.items()}

    def _find(self, name: str) -> tuple[bytes, str]:
        """The template's bytes from the user's directory first, then the shipped ones (as the loader does)."""
        loader = self.env.loader
        user: Path | None = getattr(loader, "user", None)
        try:
            if user is not None:
                candidate = user / name
                if candidate.is_file():
                    resolved = candidate.resolve()
                    if not resolved.is_relative_to(user):
                        raise TemplateError(_("{candidate}: refused: the template resolves outside {user}").format(candidate=candidate, user=user))
                    return resolved.read_bytes(), str(candidate)
            resource = loader.package.joinpath(name)
            if resource.is_file():
                return resource.read_bytes(), str(resource)
        except OSError as exc:
            raise TemplateError(_("{name}: cannot read template: {problem}").format(name=name, problem=os_reason(exc))) from None
        looked = _(" (looked in {user} and the shipped templates)").format(user=user) if user is not None else ""
        raise TemplateError(_("template {name} not found{looked}").format(name=name, looked=looked))

    def _load(self, name: str) -> dict[str, Any]:
        from docxtpl import DocxTemplate

        data, filename = self._find(name)
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
            parts = [(info.filename, archive.read(info)) for info in archive.infolist()]
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise TemplateError(_("{filename}: not a .docx file (a zip archive): {exc}").format(filename=filename, exc=exc)) from None
        if not any(part == "word/document.xml" for part, _ in parts):
            raise TemplateError(_("{filename}: not a .docx file (no word/document.xml)").format(filename=filename))
        compiled = {}
        for part, content in parts:
            if not _TEMPLATED.match(part):
                continue
            try:
                xml = content.decode("utf-8")
            except UnicodeDecodeError:
                raise TemplateError(_("{filename}: {part} is not UTF-8 XML").format(filename=filename, part=part)) from None
            if "{" not in xml:
                continue
            # docxtpl's clean-up of what Word wrote: tags split over runs joined, {%p/{%tr tags take their element
            source = DocxTemplate.patch_xml(None, re.sub(r"<w:p([ >])", r"\n<w:p\1", xml))  # type: ignore[arg-type]
            source = f'{{% import "_phrases.{self.lang}.j2" as t %}}' + source
            compiled[part] = self.guard._guard(f"{filename} ({part})",
                                               lambda s=source: self.env.from_string(s))
        # The parts without tags are the same in every notice: compressed once, here, not 5,000 times.
        packed = {part: _deflate(content) for part, content in parts if part not in compiled}
        return {"filename": filename, "parts": parts, "compiled": compiled, "packed": packed,
                "titles": _title_limits(dict(parts)), "drawing_floor": _drawing_floor(parts)}

    def render(self, role: str, context: dict[str, Any]) -> bytes:
        from lxml import etree

        doc = self.docs[role]
        entries = []
        for part, _data in doc["parts"]:
            template = doc["compiled"].get(part)
            if template is None:
                entries.append((part, doc["packed"][part]))
                continue
            where = f"{doc['filename']} ({part})"
            xml = self.guard._guard(where, lambda t=template: t.render(context))
            content = re.sub(r"\n<w:p([ >])", r"<w:p\1", xml).encode("utf-8")
            try:
                tree = etree.fromstring(content)
            except etree.XMLSyntaxError as exc:
                raise TemplateError(_("{where}: the rendered XML is broken ({exc}); check the tags around tables and paragraphs ({{%p …%}}, {{%tr …%}})").format(where=where, exc=exc)) from None
            if part == "word/document.xml":
                changed = bool(doc["titles"][1]) and _break_titles(tree, *doc["titles"])
                if _unique_drawing_ids(tree, doc["drawing_floor"]) or changed:
                    content = etree.tostring(tree, xml_declaration=True, encoding="UTF-8", standalone=True)
            entries.append((part, _deflate(content)))
        return _zip(entries)

    def extras(self) -> Any:
        return iter(())


def _title_limits(parts: dict[str, bytes]) -> tuple[int, dict[str, int]]:
    """The page's text width (twips) and each title style's id with its size (half-points), read
    from the template, so a bureau's own margins or title size are what the lines fit; ``(0, {})``
    when the template says neither (Word then breaks the title itself)."""
    from lxml import etree

    try:
        styles, body = etree.fromstring(parts["word/styles.xml"]), etree.fromstring(parts["word/document.xml"])
        sections = body.findall(f".//{_W}sectPr")
        size, margins = sections[-1].find(f"{_W}pgSz"), sections[-1].find(f"{_W}pgMar")
        text_width = int(size.get(f"{_W}w")) - int(margins.get(f"{_W}left")) - int(margins.get(f"{_W}right"))
    except (KeyError, IndexError, AttributeError, TypeError, ValueError, etree.XMLSyntaxError):
        return 0, {}
    sizes = {}
    for style in styles.iterfind(f"{_W}style"):
        name, points = style.find(f"{_W}name"), style.find(f"{_W}rPr/{_W}sz")
        if name is not None and name.get(f"{_W}val") in _TITLE_STYLES and points is not None:
            sizes[style.get(f"{_W}styleId")] = _half_points(points)
    return (text_width, sizes) if text_width > 0 else (0, {})


def _half_points(element: Any) -> int:
    """A ``w:sz`` element's size in half-points; 0 for one that says none (or nonsense)."""
    try:
        return max(0, int(element.get(f"{_W}val")))
    except (TypeError, ValueError):
        return 0


def _break_titles(tree: Any, width: int, sizes: dict[str, int]) -> bool:
    """Break each too long title paragraph between its phrases (haze.render.titles) with ``<w:br/>``,
    as the PDF does; whether any was. A size set on the title's own text (Word's font-size box sets it
    there, not on the style) counts before the style's: the largest of them."""
    changed = False
    for style in list(tree.iterfind(f".//{_W}pPr/{_W}pStyle")):
        size = sizes.get(style.get(f"{_W}val"))
        paragraph = style.getparent().getparent()
        if size is None or paragraph.find(f".//{_W}br") is not None:
            continue
        size = max((_half_points(sz) for sz in paragraph.iterfind(f"{_W}r/{_W}rPr/{_W}sz")), default=size)
        if size <= 0:
            continue
        texts = list(paragraph.iter(f"{_W}t"))
        text = "".join(t.text or "" for t in texts)
        breaks = title_breaks(text, em_widths(text), width / (size * 10))  # twips / (half-points × 10) = ems
        for at in reversed(breaks or []):
            changed |= _break_at(texts, at)
    return changed


def _break_at(texts: list[Any], at: int) -> bool:
    """A line break before character ``at`` of the paragraph whose ``<w:t>`` elements are ``texts``."""
    from lxml import etree

    for element in texts:
        length = len(element.text or "")
        if at <= length and at > 0:
            head, tail = element.text[:at].rstrip(" "), element.text[at:].lstrip(" ")
            element.text = head
            rest = etree.Element(f"{_W}t")
            rest.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            rest.text = tail
            element.addnext(rest)
            element.addnext(etree.Element(f"{_W}br"))
            return True
        at -= length
    return False


_WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
_DOCPR_ID = re.compile(rb"<wp:docPr\b[^>]*?\bid=\"(\d+)\"")


def _drawing_floor(parts: list[tuple[str, bytes]]) -> int:
    """The largest drawing id (``wp:docPr id``) of the template's other parts (a letterhead's logo in
    its header): the body's drawings are numbered above it."""
    return max((int(m) for part, data in parts if part != "word/document.xml" for m in _DOCPR_ID.findall(data)),
               default=0)


def _unique_drawing_ids(tree: Any, floor: int) -> bool:
    """Number the body's drawings from ``floor`` + 1 when a loop repeated one (a chart's bars, each row
    a copy of the template's picture and its id): Word reports a document whose drawings share an id
    as unreadable content. Whether any was renumbered."""
    drawings = list(tree.iter(f"{_WP}docPr"))
    ids = [d.get("id") for d in drawings]
    if len(set(ids)) == len(ids):
        return False
    for number, drawing in enumerate(drawings, start=floor + 1):
        drawing.set("id", str(number))
    return True


def _deflate(data: bytes) -> tuple[bytes, int, int]:
    """(raw deflate stream, crc32, size): one zip entry's data."""
    packer = zlib.compressobj(6, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush(), zlib.crc32(data), len(data)


# 1980-01-01 00:00 in MS-DOS form: every entry dated alike, so the same notice gives the same bytes
_DOS_TIME, _DOS_DATE = 0, (1 << 5) | 1


def _zip(entries: list[tuple[str, tuple[bytes, int, int]]]) -> bytes:
    """A zip archive of already deflated entries (zipfile can only compress them again, which is
    most of the time a notice takes). UTF-8 names, no extra fields, no zip64 (a notice is small)."""
    body, directory = bytearray(), bytearray()
    for name, (data, crc, size) in entries:
        encoded = name.encode("utf-8")
        offset = len(body)
        body += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0x0800, 8, _DOS_TIME, _DOS_DATE, crc, len(data),
                            size, len(encoded), 0) + encoded + data
        directory += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0x0800, 8, _DOS_TIME, _DOS_DATE, crc,
                                 len(data), size, len(encoded), 0, 0, 0, 0, 0, offset) + encoded
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(directory), len(body), 0)
    return bytes(body + directory + end)
