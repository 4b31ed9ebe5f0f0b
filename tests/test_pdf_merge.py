"""all.pdf made by concatenating haze's own ReportLab files (render/pdf.merge), checked against pypdf's merge."""

from __future__ import annotations

import io

from pypdf import PdfReader

from haze.render.pdf import Typesetter, _concat, _pypdf_merge, merge


def notice(n: int, pages: int) -> bytes:
    body = "\n".join(f"p\t第{n}份第{i}段：示例县生态环境局告知书正文，SO₂减排。" for i in range(pages * 20))
    return Typesetter("zh").typeset(f"masthead\t示例县生态环境局\nnumber\t示环应急〔2025〕{n}号\n{body}\n", "t")


def test_concatenation_keeps_every_page_in_order_with_its_text() -> None:
    documents = [notice(1, 1), notice(2, 3), notice(3, 2)]
    ours, theirs = PdfReader(io.BytesIO(_concat(documents))), PdfReader(io.BytesIO(_pypdf_merge(documents)))
    expected = sum(len(PdfReader(io.BytesIO(d)).pages) for d in documents)
    assert len(ours.pages) == len(theirs.pages) == expected > 3
    assert [p.extract_text() for p in ours.pages] == [p.extract_text() for p in theirs.pages]
    assert "示环应急〔2025〕2号" in ours.pages[len(PdfReader(io.BytesIO(documents[0])).pages)].extract_text()


def test_a_pdf_from_another_writer_is_merged_too() -> None:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    other = io.BytesIO()
    writer.write(other)
    merged = PdfReader(io.BytesIO(merge([notice(1, 1), other.getvalue()])))
    assert len(merged.pages) == len(PdfReader(io.BytesIO(notice(1, 1))).pages) + 1


def test_a_nested_page_tree_falls_back_to_pypdf() -> None:
    import pytest

    from haze.render.pdf import _NotPlain

    flat = notice(1, 1)
    nested = flat.replace(b"/Type /Page\n", b"/Type /Pages\n", 1)  # a kid that is a tree itself
    with pytest.raises(_NotPlain):
        _concat([nested])
