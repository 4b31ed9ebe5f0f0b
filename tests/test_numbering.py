"""文号 per notice or per batch (SPEC §16, haze.yaml ``numbering:``): never a number given twice."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import EXAMPLES, text_of, write
from haze.render.notices import Issue, issue_number

WORKED = EXAMPLES / "worked-example.yaml"  # three operating enterprises
pytestmark = pytest.mark.usefixtures("journal")


def manifest(outcome) -> dict:
    data = json.loads(outcome.stdout)
    return json.loads((Path(data["notices"][0]).parent / "manifest.json").read_text(encoding="utf-8"))


def test_per_batch_gives_one_number_with_sub_numbers_then_per_notice_runs_on(run, isolated: Path) -> None:
    batch = run("activate", "orange", "--list", WORKED, "--start", "2025-12-01T20:00", "--numbering", "per_batch",
                "--first-number", "12", "--json")
    assert batch.exit_code == 0, batch.stderr
    m = manifest(batch)
    year = m["issued"][:4]
    numbers = [f"示环应急〔{year}〕12号-{i:03d}" for i in (1, 2, 3)]
    assert m["numbering"] == "per_batch" and [n["number"] for n in m["notices"]] == numbers
    folder = Path(json.loads(batch.stdout)["notices"][0]).parent
    assert numbers[0] in text_of(next(folder.glob("0001-*.md")))
    index = text_of(folder / "index.md")
    assert all(n in index for n in numbers)
    texts = [row["text"] for row in csv.DictReader(io.StringIO(text_of(folder / "sms.csv")))]
    assert texts and all(len(t) <= 70 for t in texts)
    assert any(n in t for t in texts for n in numbers)
    # the batch took one number from the counter: the next run, one per notice, starts at 13
    again = run("activate", "orange", "--list", WORKED, "--start", "2025-12-01T20:00", "--force", "--json")
    assert again.exit_code == 0, again.stderr
    assert [n["number"] for n in manifest(again)["notices"]] == [f"示环应急〔{year}〕{n}号" for n in (13, 14, 15)]
    # and the batch's number is refused as a --first-number, in either mode
    for mode in ("per_batch", "per_notice"):
        refused = run("lift", "--first-number", "12", "--numbering", mode)
        assert refused.exit_code == 2 and "already recorded" in refused.stderr
    given_numbers = [r[0] for r in sqlite3.connect(isolated / ".haze" / "journal.db").execute(
        "SELECT number FROM notices")]
    assert len(given_numbers) == len(set(given_numbers)) == 6


def test_haze_yaml_chooses_per_batch(run, isolated: Path) -> None:
    write(isolated / "haze.yaml", "numbering: per_batch\n")
    done = run("activate", "orange", "--list", WORKED, "--start", "2025-12-01T20:00", "--json")
    assert done.exit_code == 0, done.stderr
    m = manifest(done)
    assert [n["number"][-4:] for n in m["notices"]] == ["-001", "-002", "-003"]
    lifted = run("lift", "--at", "2025-12-03T08:00", "--json")
    assert lifted.exit_code == 0, lifted.stderr
    lift = manifest(lifted)
    year = lift["issued"][:4]
    # a lift is a batch of its own: the next number, sub-numbered; each cites the notice it ends
    assert [n["number"] for n in lift["notices"]] == [f"示环应急〔{year}〕2号-{i:03d}" for i in (1, 2, 3)]
    assert [n["activation_number"] for n in lift["notices"]] == [n["number"] for n in m["notices"]]


@given(first=st.integers(1, 10_000), count=st.integers(1, 2_000))
def test_sub_numbers_are_distinct_ordered_and_share_the_batch_number(first: int, count: int) -> None:
    from datetime import datetime

    from haze.core.model import Level
    from haze.core.timeparse import SHANGHAI

    when = datetime(2025, 12, 1, 20, tzinfo=SHANGHAI)
    issue = Issue(id="x", kind="activation", level=Level.ORANGE, start=when, until=None, issued=when,
                  first_number=first, numbering="per_batch")
    numbers = [issue_number("示环应急", issue, i, count) for i in range(count)]
    assert len(set(numbers)) == count and numbers == sorted(numbers)  # zero-padded: they sort as issued
    assert all(n.startswith(f"示环应急〔2025〕{first}号-") for n in numbers)


# -- a new journal beside the bureau's: its numbers must not repeat the bureau's (SPEC §10) ---------------------

def test_a_new_journal_that_would_repeat_the_bureaus_numbers_is_refused(run, isolated: Path) -> None:
    first = run("activate", "orange", "--list", WORKED, "--json")
    assert first.exit_code == 0, first.stderr
    year = manifest(first)["issued"][:4]
    assert run("lift").exit_code == 0  # numbers 1–3 and the lift's 4–6
    typo = isolated / ".haze" / "jornal.db"  # a mistyped --journal names a file that does not exist yet
    refused = run("activate", "orange", "--list", WORKED, "--journal", str(typo))
    assert refused.exit_code == 2, refused.output
    assert (f"{typo} would give 示环应急〔{year}〕1号 again: the journal found here, "
            f"{isolated / '.haze' / 'journal.db'}, has given 示环应急〔{year}〕1号 to 6号 already") in refused.stderr
    assert "--first-number 7" in refused.stderr and not typo.exists()
    assert len(list(Path("notices").iterdir())) == 2  # the first activation and its lift: nothing more written
    at_five = run("activate", "orange", "--list", WORKED, "--journal", str(typo), "--first-number", "5")
    assert at_five.exit_code == 2 and "〕5号 again" in at_five.stderr and not typo.exists()
    after = run("activate", "orange", "--list", WORKED, "--journal", str(typo), "--first-number", "7", "--json")
    assert after.exit_code == 0, after.stderr
    assert [n["number"] for n in manifest(after)["notices"]][0] == f"示环应急〔{year}〕7号"


def test_a_journal_of_another_prefix_beside_the_bureaus_is_not_refused(run, isolated: Path) -> None:
    # a county's own journal under its own prefix (SPEC §13) repeats none of the bureau's numbers
    assert run("activate", "orange", "--list", WORKED).exit_code == 0
    other = write(Path("other.yaml"), WORKED.read_text("utf-8").replace("doc_prefix: 示环应急", "doc_prefix: 示二环应急"))
    assert "示二环应急" in other.read_text("utf-8")
    result = run("activate", "orange", "--list", other, "--journal", "county/journal.db", "--json")
    assert result.exit_code == 0, result.stderr
    assert manifest(result)["notices"][0]["number"].startswith("示二环应急〔") and \
        manifest(result)["notices"][0]["number"].endswith("〕1号")
