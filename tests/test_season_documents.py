"""Ozone (错时) and stagger (错峰) notices and their index in DOCX and PDF (SPEC §14–§16), read back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import COUNTY, text_of

pytestmark = pytest.mark.usefixtures("journal")


@pytest.fixture(autouse=True)
def _issued_before_the_examples(clock_at) -> None:
    clock_at("2025-07-10T09:00")  # before the ozone days and the season below: never refused as past
HOSTILE = "示例县<b>&{{x}}化工"


def county(isolated: Path, hostile: bool = False) -> Path:
    text = COUNTY.read_text(encoding="utf-8")
    if hostile:  # the first ozone participant of the county list gets a name that must stay text
        text = text.replace("示例县丰源化工有限公司", HOSTILE, 1)
    path = isolated / "county.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def issued(run, *args: str) -> tuple[Path, dict]:
    done = run(*args, "--json")
    assert done.exit_code == 0, done.stderr
    folder = Path(json.loads(done.stdout)["notices"][0]).parent
    return folder, json.loads((folder / "manifest.json").read_text(encoding="utf-8"))


def squeeze(text: str) -> str:
    return "".join(text.split())


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_ozone_notices_and_index(run, isolated: Path, fmt: str) -> None:
    folder, m = issued(run, "ozone", "2025-07-15", "--days", "2", "--list", county(isolated, hostile=True),
                       "--format", fmt)
    first = m["notices"][0]
    assert first["name"] == HOSTILE and first["file"].endswith(f".{fmt}")
    text = squeeze(text_of(folder / first["file"]))
    for part in ("夏季臭氧污染防控错时生产告知书", first["number"], HOSTILE, first["id"], "执行日期：2025年7月15日、2025年7月16日",
                 "二、错时生产工序", "合计", "回执", "签收人"):
        assert part in text, part
    index = squeeze(text_of(folder / f"index.{fmt}"))
    assert "夏季臭氧错时生产告知书汇总" in index and "审核" in index and "签发" in index
    assert all(n["number"] in index for n in m["notices"])
    if fmt == "pdf":
        from pypdf import PdfReader

        assert len(PdfReader(str(folder / "all.pdf")).pages) == sum(
            len(PdfReader(str(folder / n["file"])).pages) for n in m["notices"])
        page = PdfReader(str(folder / "index.pdf")).pages[0]
        assert page.mediabox.width > page.mediabox.height  # the index is landscape


@pytest.mark.parametrize("fmt", ["md", "docx", "pdf"])
def test_stagger_notices_and_index(run, isolated: Path, fmt: str) -> None:
    folder, m = issued(run, "stagger", "2025-2026", "--list", county(isolated), "--format", fmt)
    first = m["notices"][0]
    text = squeeze(text_of(folder / first["file"]))
    # The 错峰 plan's own documents (the policy's staggered.source), not the emergency policy's 54号, cited as a
    # 公文 cites articles: 第2条、第30条, documents apart by a full-width ；(the policy file writes §2/§30; …).
    assert "根据泽政办发〔2022〕10号第2条、第30条；高政发〔2024〕6号第26条及2025-2026年秋冬季错峰生产要求" in text
    assert "§" not in text and ";" not in text
    assert "泽政发〔2019〕54号" not in text
    for part in ("秋冬季错峰生产告知书", first["number"], first["name"], first["id"], "一、停产时段", "停产期间：",
                 "回执", "签收人"):
        assert part in text, part
    index = squeeze(text_of(folder / f"index.{fmt}"))
    assert "2025-2026年秋冬季错峰生产计划" in index and "各行业同日停产峰值" in index
    assert all(n["number"] in index for n in m["notices"])
    assert (folder / "calendar.xlsx").exists()


def test_english_season_pdf(run, isolated: Path) -> None:
    folder, m = issued(run, "stagger", "2025-2026", "--list", county(isolated), "--format", "pdf", "--lang", "en")
    text = text_of(folder / m["notices"][0]["file"])
    assert "Notice of staggered production" in text and m["notices"][0]["number"] in text


# -- QA of the printed season documents: every format, read back ---------------------------------------------

FORMATS = ["md", "txt", "html", "pdf"]  # docx: built from the pdf.j2 by templates/build_docx.py
BUREAU = "示例县生态环境局"


def plain(path: Path) -> str:
    """A document's text without markup or white space (HTML tags out, md emphasis out)."""
    import re

    return squeeze(re.sub(r"<[^>]+>", "", text_of(path)).replace("**", ""))


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_a_replacement_plan_titles_its_notices_reissued(run, isolated: Path, lang: str, fmt: str) -> None:
    """As a re-issued warning's title says （重新下发）, a new plan's notice replacing one does; a first plan's not."""
    first, m1 = issued(run, "stagger", "2025-2026", "--list", county(isolated), "--format", fmt, "--lang", lang)
    second, m2 = issued(run, "stagger", "2025-2026", "--list", county(isolated), "--format", fmt, "--lang", lang)
    title = "秋冬季错峰生产告知书" if lang == "zh" else squeeze("Notice of staggered production (autumn–winter)")
    again = "（重新下发）" if lang == "zh" else ",re-issued"
    for n in m1["notices"]:
        text = plain(first / n["file"])
        assert title in text and again not in text
    for n in m2["notices"]:
        assert n["replaces"]
        text = plain(second / n["file"])
        assert title + again in text, text[:300]
        if lang == "zh":  # the receipt names the notice by its title
            assert f"已收到{n['number']}《秋冬季错峰生产告知书（重新下发）》" in text


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("kind", ["ozone", "stagger"])
def test_season_indexes_carry_the_approval_block(run, isolated: Path, kind: str, fmt: str, lang: str) -> None:
    """拟稿/审核/签发 in every format of a season index (docs/season.md), before the townships' 签收单."""
    args = ("ozone", "2025-07-15") if kind == "ozone" else ("stagger", "2025-2026")
    folder, _ = issued(run, *args, "--list", county(isolated), "--format", fmt, "--lang", lang)
    index = plain(folder / f"index.{fmt}")
    if lang == "zh":
        block, sheet = "拟稿：", "告知书签收单"
        assert all(word in index for word in ("拟稿：", "审核：", "签发：")), index[-400:]
    else:
        block, sheet = "Drafted:", "dispatchsheet"
        assert all(word in index for word in ("Drafted:", "Reviewed:", "Signedoff:")), index[-400:]
    assert index.index(block) < index.index(sheet)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("kind", ["ozone", "stagger"])
def test_season_notices_sign_without_a_seal_mark(run, isolated: Path, kind: str, fmt: str, lang: str) -> None:
    """The bureau signs a season notice as it signs a warning's: its name, no （盖章） (docs/zh/printing.md §二);
    the enterprise's 企业名称（盖章） on the receipt stays."""
    args = ("ozone", "2025-07-15") if kind == "ozone" else ("stagger", "2025-2026")
    folder, m = issued(run, *args, "--list", county(isolated), "--format", fmt, "--lang", lang)
    for n in m["notices"][:3]:
        text = plain(folder / n["file"])
        assert BUREAU in text
        assert f"{BUREAU}（盖章）" not in text and f"{BUREAU}(seal)" not in text
        assert ("企业名称（盖章）" if lang == "zh" else "Enterprise(seal)") in text


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("kind", ["ozone", "stagger"])
def test_season_indexes_name_the_policy_by_its_title(run, isolated: Path, kind: str, fmt: str) -> None:
    """政策：山西省重污染天气应急减排措施（2024）, as a warning's index names it, not the file's key shanxi-2024."""
    args = ("ozone", "2025-07-15") if kind == "ozone" else ("stagger", "2025-2026")
    folder, _ = issued(run, *args, "--list", county(isolated), "--format", fmt)
    index = plain(folder / f"index.{fmt}")
    assert "政策：山西省重污染天气应急减排措施（2024）" in index, index[:400]
    assert "政策：shanxi-2024" not in index
