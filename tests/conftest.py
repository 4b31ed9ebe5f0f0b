"""Shared fixtures: an isolated home and working directory, and a CLI runner."""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterator

import pytest
from click.testing import CliRunner, Result

ROOT = Path(__file__).resolve().parent.parent
COUNTY = ROOT / "enterprise_lists" / "example-county-2025.yaml"
EXAMPLES = ROOT / "examples"


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test runs in its own directory with its own HOME and cache, bugs re-raised."""
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("HAZE_DEBUG", "1")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    # English interface whatever the developer's locale (SPEC §17); tests of Chinese ask for it
    monkeypatch.setenv("HAZE_UI", "en")
    from haze.core.i18n import set_language

    set_language("en")
    return work


@pytest.fixture
def journal(request: pytest.FixtureRequest, isolated: Path) -> Path | None:
    """The bureau's journal, made as `haze init` makes it, in every test's directory (SPEC §10).

    activate never makes a journal on its own, so a module whose tests activate
    uses this fixture for all of them (``pytestmark = pytest.mark.usefixtures("journal")``),
    as a bureau runs `haze init` once. A test about having no journal is marked ``no_journal``.
    """
    if request.node.get_closest_marker("no_journal"):
        return None
    from haze.io.journal import DEFAULT_JOURNAL, create_journal

    path = isolated / DEFAULT_JOURNAL
    create_journal(path)
    return path


@pytest.fixture
def run():
    """Run ``haze ARGS…`` in-process; returns the click Result (stdout and stderr apart)."""
    from haze.cli import cli

    def _run(*args: str, input: str | None = None, env: dict | None = None) -> Result:
        runner = CliRunner()
        result = runner.invoke(cli, [str(a) for a in args], input=input, env=env, catch_exceptions=False)
        return result

    return _run


@pytest.fixture
def clock_at(monkeypatch: pytest.MonkeyPatch) -> Callable[[str | None], None]:
    """``clock_at("2025-07-10T09:00")``: the computer's clock, as haze reads it, set to that Beijing time.

    It keeps running from there (activate and lift take "now" to the second). The season commands refuse
    an ozone episode or a 错峰 season already over (SPEC §14, §15): their tests issue the examples' days
    (2025-07-15, 2025-2026) on a day before them, whatever day the suite runs.
    """
    from datetime import datetime, timedelta

    from haze.commands import issuing
    from haze.core.timeparse import SHANGHAI

    def set_to(moment: str | None) -> None:
        """``None``: the computer's own time again."""
        offset = timedelta(0) if moment is None else \
            datetime.fromisoformat(moment).replace(tzinfo=SHANGHAI) - datetime.now(SHANGHAI)
        monkeypatch.setattr(issuing, "clock", lambda: datetime.now(SHANGHAI) + offset)

    return set_to


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def text_of(path: Path) -> str:
    """A notice's text read back as a reader would: python-docx for .docx, pypdf for .pdf, else UTF-8.

    DOCX: every paragraph and table cell, one a line (headers and footers too). PDF: the
    extracted text of every page with the line breaks the typesetter made taken out (a
    Chinese line breaks between any two characters, an English one at a space).
    A txt notice's BOM (for WPS and old Notepad) is not part of its text.
    """
    path = Path(path)
    if path.suffix == ".docx":
        from docx import Document

        doc = Document(str(path))
        parts = [p.text for p in doc.paragraphs]
        for table in doc.tables:
            for row in table.rows:
                parts.append("\t".join(cell.text for cell in row.cells))
        return "\n".join(parts)
    if path.suffix == ".pdf":
        from pypdf import PdfReader

        pages = [page.extract_text() or "" for page in PdfReader(str(path)).pages]
        text = "\n".join(pages)
        return _unwrap(text)
    return path.read_bytes().decode("utf-8-sig")


def _unwrap(text: str) -> str:
    import re

    # a break between two CJK (or full-width) characters or digits joins them; elsewhere it was a space
    wide = r"[\u2E80-\uFFEF0-9.%（）]"
    text = re.sub(rf"(?<={wide})[ \t]*\n\s*(?={wide})", "", text)
    return re.sub(r"\s*\n\s*", " ", text)


@pytest.fixture(autouse=True)
def _english_after() -> Iterator[None]:
    """The interface language is process state (SPEC §17): every test starts and ends in English."""
    from haze.core import i18n

    i18n.set_language("en")
    yield
    i18n.set_language("en")


@pytest.fixture
def ui_zh() -> Iterator[None]:
    """Run the test's code with the Chinese interface; English again afterwards (``_english_after``)."""
    from haze.core import i18n

    i18n.set_language("zh")
    yield
