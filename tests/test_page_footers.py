"""Every page of every printed notice names its notice: the 发文字号 and 第 N 页 共 M 页 (QA: a loose page of a
3–4 page notice, or of all.pdf, could not be tied back to its notice).

PDFs are read back with pypdf, page by page; DOCX footers with python-docx (the PAGE and NUMPAGES fields
are Word's to fill in, so the test reads which field stands where). The index carries no 文号 of its own
and gets no such line.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import COUNTY
from haze.synth import write_list

pytestmark = pytest.mark.usefixtures("journal")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
CITY = ("--authority", "示例市生态环境局", "--region", "示例市", "--doc-prefix", "示市气防办")


def footer(number: str, page: int, pages: int, lang: str = "zh") -> str:
    return f"{number}　第 {page} 页 共 {pages} 页" if lang == "zh" else f"No. {number} — page {page} of {pages}"


def issued(run, *args: str) -> tuple[Path, dict]:
    done = run(*args, "--json")
    assert done.exit_code == 0, done.stderr
    folder = Path(json.loads(done.stdout)["notices"][0]).parent
    return folder, json.loads((folder / "manifest.json").read_text(encoding="utf-8"))


def page_texts(path: Path) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() for page in PdfReader(str(path)).pages]


def assert_every_page(folder: Path, manifest: dict, lang: str = "zh") -> None:
    """Each notice's every page has its own footer with the right N and M, and all.pdf holds them in order."""
    expected: list[str] = []
    for notice in manifest["notices"]:
        texts = page_texts(folder / notice["file"])
        assert len(texts) >= 2
        for n, text in enumerate(texts, start=1):
            line = footer(notice["number"], n, len(texts), lang)
            assert line in text, (notice["file"], n)
            assert text.count(" 页 共 " if lang == "zh" else " — page ") == 1  # its own line only
            expected.append(line)
    combined = page_texts(folder / "all.pdf")
    assert len(combined) == len(expected)
    for text, line in zip(combined, expected):
        assert line in text
    assert not any(" 页 共 " in t or " — page " in t for t in page_texts(folder / "index.pdf"))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_of_every_activation_notice_and_of_all_pdf(run, lang: str) -> None:
    folder, m = issued(run, "activate", "orange", "--list", str(COUNTY), "--format", "pdf", "--lang", lang)
    assert len(m["notices"]) > 40
    assert_every_page(folder, m, lang)


def test_an_adjustment_and_a_lift_carry_their_own_numbers_on_every_page(run) -> None:
    issued(run, "activate", "orange", "--list", str(COUNTY), "--start", "2025-12-01T20:00", "--format", "pdf")
    folder, m = issued(run, "activate", "red", "--list", str(COUNTY), "--start", "2025-12-02T08:00", "--format", "pdf")
    assert m["previous_level"] == "orange"
    assert_every_page(folder, m)
    folder, m = issued(run, "lift", "--at", "2025-12-03T08:00", "--format", "pdf")
    assert_every_page(folder, m)


def test_county_notices_and_county_lifts_of_a_city(run, isolated: Path) -> None:
    lists: list[str] = []
    for n, count in ((1, 40), (2, 30)):
        path = write_list(count, isolated / f"county{n}.yaml", seed=200 + n, region=f"示例{n}县",
                          authority=f"示例{n}县生态环境局", county=f"1405{n:02d}")
        lists += ["--list", str(path)]
    folder, m = issued(run, "activate", "orange", *lists, "--start", "2026-12-01T20:00", *CITY, "--format", "pdf")
    assert [n["number"] for n in m["notices"]] == ["示市气防办〔2026〕1号", "示市气防办〔2026〕2号"]
    assert_every_page(folder, m)
    folder, m = issued(run, "lift", "--at", "2026-12-02T08:00", "--format", "pdf")
    assert_every_page(folder, m)


def test_ozone_and_stagger_season_notices(run, clock_at) -> None:
    clock_at("2025-07-10T09:00")  # issued before the episode and the season: past ones are refused (SPEC §14, §15)
    folder, m = issued(run, "ozone", "2025-07-15", "--days", "2", "--list", str(COUNTY), "--format", "pdf")
    assert_every_page(folder, m)
    folder, m = issued(run, "stagger", "2025-2026", "--list", str(COUNTY), "--format", "pdf", "--lang", "en")
    assert_every_page(folder, m, "en")


# -- DOCX: a Word footer with the 文号 and the PAGE and NUMPAGES fields ---------------------------------------

def footer_lines(path: Path) -> list[str]:
    """The footers' paragraphs (odd pages, then even), a field written as {PAGE} or {NUMPAGES}."""
    from docx import Document

    section = Document(str(path)).sections[0]
    lines = []
    for part in (section.footer, section.even_page_footer):
        for paragraph in part.paragraphs:
            pieces = []
            for el in paragraph._p.iter(f"{W}t", f"{W}instrText"):
                pieces.append(el.text if el.tag == f"{W}t" else "{" + el.text.strip() + "}")
            lines.append("".join(pieces))
    return lines


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_docx_notices_have_the_number_and_page_fields_in_their_footer(run, isolated: Path, lang: str,
                                                                       clock_at) -> None:
    wanted = "{number}　第 {PAGE} 页 共 {NUMPAGES} 页" if lang == "zh" else "No. {number} — page {PAGE} of {NUMPAGES}"

    def check(folder: Path, m: dict) -> None:
        for notice in m["notices"][:3]:
            line = wanted.replace("{number}", notice["number"])
            assert footer_lines(folder / notice["file"]) == ["— {PAGE} —", line, "— {PAGE} —", line]

    check(*issued(run, "activate", "orange", "--list", str(COUNTY), "--start", "2025-12-01T20:00", "--format", "docx",
                  "--lang", lang))
    check(*issued(run, "lift", "--at", "2025-12-03T08:00", "--format", "docx", "--lang", lang))
    clock_at("2025-07-10T09:00")  # the season controls are issued before their days, as a bureau does
    check(*issued(run, "ozone", "2025-07-15", "--days", "2", "--list", str(COUNTY), "--format", "docx",
                  "--lang", lang))
    check(*issued(run, "stagger", "2025-2026", "--list", str(COUNTY), "--format", "docx", "--lang", lang))
    clock_at(None)
    lists = []
    for n in (1, 2):
        lists += ["--list", str(write_list(20, isolated / f"county{n}.yaml", seed=200 + n, region=f"示例{n}县",
                                           authority=f"示例{n}县生态环境局", county=f"1405{n:02d}"))]
    check(*issued(run, "activate", "orange", *lists, "--start", "2026-12-01T20:00", *CITY, "--format", "docx",
                  "--lang", lang))
    # the index has no 文号 of its own: its footer is the page number alone
    folder, _m = issued(run, "lift", "--at", "2026-12-02T08:00", "--format", "docx", "--lang", lang)
    assert footer_lines(folder / "index.docx") == ["— {PAGE} —", "— {PAGE} —"]
