"""`activate LEVEL --force --changed`: after a list correction, notices only where they changed (SPEC §16)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from conftest import EXAMPLES, text_of

pytestmark = pytest.mark.usefixtures("journal")
START = "2025-12-01T20:00"
DONGSHENG = "91140525MA0KJJC152"  # grade C in the worked example; the correction makes it D


def corrected(isolated: Path) -> Path:
    """The worked example with one grade corrected (东升 C -> D: at orange a D plant stops)."""
    text = (EXAMPLES / "worked-example.yaml").read_text(encoding="utf-8")
    lines = text.splitlines()
    at = next(i for i, ln in enumerate(lines) if DONGSHENG in ln)
    grade = next(i for i in range(at, len(lines)) if lines[i].strip().startswith("grade:"))
    assert lines[grade].strip() == "grade: C"
    lines[grade] = lines[grade].replace("grade: C", "grade: D")
    path = isolated / "corrected.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def activate(run, listfile: Path, *extra: str):
    done = run("activate", "orange", "--list", listfile, "--start", START, "--json", *extra)
    assert done.exit_code == 0, done.stderr
    data = json.loads(done.stdout)
    folder = Path(data["notices"][0]).parent
    return data, folder, json.loads((folder / "manifest.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("fmt", ["md", "docx", "pdf"])
def test_only_the_changed_enterprise_is_re_issued_citing_its_notice(run, isolated: Path, fmt: str) -> None:
    _, _, first = activate(run, EXAMPLES / "worked-example.yaml")
    before = {n["id"]: n["number"] for n in first["notices"]}
    data, folder, m = activate(run, corrected(isolated), "--force", "--changed", "--format", fmt)
    assert [n["id"] for n in m["notices"]] == [DONGSHENG]
    assert m["reissue"] and m["changed"] is True and m["unchanged"] == 2
    (notice,) = m["notices"]
    assert notice["replaces"] == before[DONGSHENG]
    text = text_of(folder / notice["file"])
    assert f"原告知书（{before[DONGSHENG]}）同时作废" in "".join(text.split())
    index = "".join(text_of(folder / f"index.{fmt}").split())
    assert "仅向清单更正后告知内容变化的1家企业重新下发，其余2家企业原告知书继续有效" in index
    # the journal: the re-issue's one notice, with what it says, and a lift still reaches all three
    db = sqlite3.connect(isolated / ".haze" / "journal.db")
    assert db.execute("SELECT enterprise_id FROM notices WHERE issue_id = ?", (data["activation"],)).fetchall() \
        == [(DONGSHENG,)]
    assert db.execute("SELECT COUNT(*) FROM notice_content WHERE issue_id = ?", (data["activation"],)).fetchone() \
        == (1,)
    lifted = run("lift", "--at", "2025-12-03T08:00", "--json")
    assert lifted.exit_code == 0, lifted.stderr
    lift = json.loads((Path(json.loads(lifted.stdout)["notices"][0]).parent / "manifest.json").read_text("utf-8"))
    assert {n["id"]: n["activation_number"] for n in lift["notices"]} == before | {DONGSHENG: notice["number"]}


def test_nothing_changed_is_refused_and_nothing_recorded(run, isolated: Path) -> None:
    activate(run, EXAMPLES / "worked-example.yaml")
    history = run("history", "--json").stdout
    again = run("activate", "orange", "--list", EXAMPLES / "worked-example.yaml", "--start", START, "--force",
                "--changed")
    assert again.exit_code == 2 and "--changed" in again.stderr
    assert run("history", "--json").stdout == history


def test_changed_needs_the_active_level(run, isolated: Path) -> None:
    first = run("activate", "orange", "--list", EXAMPLES / "worked-example.yaml", "--start", START, "--changed")
    assert first.exit_code == 2 and "--force" in first.stderr  # nothing active: no notices to compare with
    activate(run, EXAMPLES / "worked-example.yaml")
    other = run("activate", "red", "--list", corrected(isolated), "--start", START, "--changed")
    assert other.exit_code == 2 and "--force" in other.stderr  # an adjustment goes to everyone


def test_overdue_after_changed_follows_each_enterprises_latest_notice(run, isolated: Path) -> None:
    from datetime import datetime, timedelta

    from haze.core.timeparse import SHANGHAI

    data, _, first = activate(run, EXAMPLES / "worked-example.yaml")
    ids = [n["id"] for n in first["notices"]]
    assert run("receipt", *ids).exit_code == 0  # all three return the 回执 of the first notices
    activate(run, corrected(isolated), "--force", "--changed")
    later = (datetime.now(SHANGHAI) + timedelta(hours=30)).strftime("%Y-%m-%dT%H:%M")
    overdue = json.loads(run("overdue", "--at", later, "--json").stdout)["overdue"]
    # 东升 owes the 回执 and the report of its new notice; the other two, whose notices stand, their reports
    assert sorted((o["id"], o["missing"]) for o in overdue) == sorted(
        [(DONGSHENG, "receipt"), (DONGSHENG, "report")] + [(i, "report") for i in ids if i != DONGSHENG])


def test_receipts_after_changed_go_to_the_notice_that_stands(run, isolated: Path) -> None:
    _, _, first = activate(run, EXAMPLES / "worked-example.yaml")
    old = {n["id"]: n["number"] for n in first["notices"]}
    data, _, changed = activate(run, corrected(isolated), "--force", "--changed")
    (new,) = changed["notices"]
    others = [i for i in old if i != DONGSHENG]
    # a standing notice's number is accepted, and so is its credit code
    assert run("receipt", old[others[0]], others[1]).exit_code == 0
    # 东升's first notice was replaced: its old number is another warning's, its new one is this one's
    refused = run("receipt", old[DONGSHENG])
    assert refused.exit_code == 1 and "--activation" in refused.stdout + refused.stderr
    assert run("receipt", new["number"]).exit_code == 0
    status = json.loads(run("status", "--json").stdout)
    assert status["active"]["id"] == data["activation"]
    follow = run("overdue", "--json")
    assert json.loads(follow.stdout)["overdue"] == []
    assert "3 notified, 3 receipts" in run("status").stdout
    # a full re-issue replaces every notice again: only its own receipts count
    activate(run, corrected(isolated), "--force")
    assert "3 notified, 0 receipts" in run("status").stdout


def _idle(isolated: Path, code: str) -> Path:
    """The worked example with ``code`` marked idle (停产) in a correction."""
    text = (EXAMPLES / "worked-example.yaml").read_text(encoding="utf-8")
    path = isolated / "idle.yaml"
    path.write_text(text.replace(f"  - id: {code}\n", f"  - id: {code}\n    status: idle\n", 1), encoding="utf-8")
    assert path.read_text(encoding="utf-8") != text
    return path


def test_an_enterprise_idle_after_the_correction_is_named_not_skipped(run, isolated: Path) -> None:
    yongfeng = "91140525MA0KLJY16T"
    activate(run, EXAMPLES / "worked-example.yaml")
    history = run("history", "--json").stdout
    # only the idle one differs: nothing to re-issue, and the refusal names it
    refused = run("activate", "orange", "--list", _idle(isolated, yongfeng), "--start", START, "--force", "--changed")
    assert refused.exit_code == 2 and "no longer operating" in refused.stderr
    assert f"示例县永丰铸造有限公司 ({yongfeng})" in refused.stderr
    assert run("history", "--json").stdout == history  # nothing recorded
    # with a changed grade as well: 东升 is re-issued, 永丰 named in the cautions, in Chinese too
    text = corrected(isolated).read_text(encoding="utf-8").replace(
        f"  - id: {yongfeng}\n", f"  - id: {yongfeng}\n    status: idle\n", 1)
    path = isolated / "both.yaml"
    path.write_text(text, encoding="utf-8")
    done = run("--ui", "zh", "activate", "orange", "--list", path, "--start", START, "--force", "--changed", "--json")
    assert done.exit_code == 0, done.stderr
    assert "1 家企业此前已告知，更正后的清单中已不在产" in done.stderr and "示例县永丰铸造有限公司（" in done.stderr
    folder = Path(json.loads(done.stdout)["notices"][0]).parent
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert [n["id"] for n in manifest["notices"]] == [DONGSHENG]
