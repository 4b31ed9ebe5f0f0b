"""Receipts, reports and overdue (SPEC §18) against a hand-worked timeline.

The notices of the warning are recorded at 20:30 (the recording time is fixed for the test); the warning
starts at 20:00, so deadlines run from 20:30: receipts due 21:30, reports due 20:30 the next day.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest

from haze.core.creditcode import check_character
from haze.core.timeparse import SHANGHAI

from conftest import write

# activate needs a journal made on purpose (SPEC §10): conftest.journal, as `haze init` makes it
pytestmark = pytest.mark.usefixtures("journal")


def code(n: int) -> str:
    first = f"91140525MA0L{n:05d}"
    return first + check_character(first)


A, B, C = code(1), code(2), code(3)  # A emits most, C least
RECORDED = datetime(2026, 1, 10, 20, 30, tzinfo=SHANGHAI)

LIST = f"""
list: {{region: 示例县, authority: 示例县生态环境局, doc_prefix: 示环应急}}
enterprises:
  - {{id: {A}, name: 示例县甲钢铁有限公司, grade: C, emissions: {{so2: 3650, nox: 3650}},
      contact: {{name: 张伟, phone: "0356-1111111"}}}}
  - {{id: {B}, name: 示例县乙焦化有限公司, grade: B, emissions: {{so2: 1825}},
      contact: {{name: 李娜, phone: "0356-2222222"}}}}
  - {{id: {C}, name: 示例县丙铸造有限公司, grade: B, emissions: {{pm: 365}},
      contact: {{name: 王强, phone: "0356-3333333"}}}}
"""


@pytest.fixture
def warning(run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """An orange warning from 20:00 whose notices were recorded at 20:30; returns a runner with --journal."""
    monkeypatch.setattr("haze.commands.activate.recorded_now", lambda: RECORDED)
    listfile = write(tmp_path / "list.yaml", LIST)
    journal = tmp_path / "j" / "journal.db"

    def haze(*args: str):
        return run(*args, "--journal", journal)

    result = haze("activate", "orange", "--list", listfile, "--start", "2026-01-10T20:00", "--out", tmp_path / "n",
                  "--json")
    assert result.exit_code == 0, result.output
    haze.journal = journal
    haze.activation = json.loads(result.stdout)["activation"]
    haze.numbers = {r[0]: r[1] for r in rows(journal, "SELECT enterprise_id, number FROM notices")}
    return haze


def rows(journal: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(journal) as conn:
        return conn.execute(sql).fetchall()


def overdue_at(haze, at: str) -> list[tuple[str, str]]:
    result = haze("overdue", "--at", at, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["activation"] == haze.activation
    return [(item["id"], item["missing"]) for item in data["overdue"]]


def test_the_hand_worked_timeline(warning) -> None:
    haze = warning
    assert haze("receipt", A, "--at", "2026-01-10 20:50").exit_code == 0
    assert overdue_at(haze, "2026-01-10 21:00") == []  # nobody past 21:30 yet
    # 21:40: B and C have not returned the receipt due at 21:30; B emits more, so B first
    assert overdue_at(haze, "2026-01-10 21:40") == [(B, "receipt"), (C, "receipt")]
    # B's receipt comes at 21:45, given by its notice number, late
    result = haze("receipt", haze.numbers[B], "--at", "2026-01-10 21:45")
    assert result.exit_code == 0 and "late" in result.stdout
    assert overdue_at(haze, "2026-01-10 21:40") == [(B, "receipt"), (C, "receipt")]  # as it stood at 21:40
    assert overdue_at(haze, "2026-01-10 22:00") == [(C, "receipt")]
    assert haze("receipt", A, "--report", "--at", "2026-01-11 10:00").exit_code == 0
    # the next evening: reports were due at 20:30; C is missing both and is listed once for each
    assert overdue_at(haze, "2026-01-11 21:00") == [(B, "report"), (C, "receipt"), (C, "report")]
    data = json.loads(haze("overdue", "--at", "2026-01-11 21:00", "--json").stdout)
    assert data["at"] == "2026-01-11T21:00:00+08:00"
    assert data["overdue"][0] == {"id": B, "name": "示例县乙焦化有限公司", "phone": "0356-2222222",
                                  "missing": "report", "due": "2026-01-11T20:30:00+08:00"}
    assert [item["due"] for item in data["overdue"][1:]] == ["2026-01-10T21:30:00+08:00", "2026-01-11T20:30:00+08:00"]
    status = json.loads(haze("status", "--json").stdout)["active"]
    assert {k: status[k] for k in ("notified", "receipts", "reports", "overdue")} == \
        {"notified": 3, "receipts": 2, "reports": 1, "overdue": 3}
    assert "3 notified, 2 receipts, 1 reports, 3 overdue" in haze("status").stdout
    human = haze("overdue", "--at", "2026-01-11 21:00").stdout
    assert "李娜 0356-2222222" in human and human.index("乙焦化") < human.index("丙铸造")


@pytest.mark.parametrize("width", [80, 200])
def test_overdue_on_a_terminal_never_breaks_a_phone_or_a_code(warning, monkeypatch, width: int) -> None:
    """A Chinese line is ~110 cells: at 80 columns the terminal split 139035630|00 (QA, duty night)."""
    import io

    from rich.console import Console
    from rich.text import Text

    screen = io.StringIO()
    monkeypatch.setattr("haze.cli.common.stdout_console",
                        lambda: Console(file=screen, force_terminal=True, width=width, highlight=False,
                                        color_system=None))
    assert warning("--ui", "zh", "overdue", "--at", "2026-01-11 21:00").exit_code == 0
    lines = screen.getvalue().splitlines()
    assert all(Text(line).cell_len <= width for line in lines[1:]), lines
    text = "\n".join(lines)
    assert "李娜 0356-2222222" in text and B in text  # each whole on one line
    entries = [line for line in lines if "应于" in line]
    assert len(entries) == 6 and len(lines) == 1 + len(entries) * (2 if width == 80 else 1)  # A, B, C x 2


def test_deadlines_run_from_the_start_when_it_is_later(run, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr("haze.commands.activate.recorded_now", lambda: RECORDED)  # 20:30
    listfile = write(tmp_path / "list.yaml", LIST)
    journal = tmp_path / "journal.db"
    assert run("activate", "orange", "--list", listfile, "--start", "2026-01-10T22:00", "--journal", journal,
               "--out", tmp_path / "n").exit_code == 0
    got = json.loads(run("overdue", "--at", "2026-01-10 23:01", "--journal", journal, "--json").stdout)
    assert {item["due"] for item in got["overdue"]} == {"2026-01-10T23:00:00+08:00"}
    assert json.loads(run("overdue", "--at", "2026-01-10 22:59", "--journal", journal, "--json").stdout)[
        "overdue"] == []


def test_a_second_recording_keeps_the_first_time_and_says_so(warning) -> None:
    haze = warning
    assert haze("receipt", A, "--at", "2026-01-10 20:50").exit_code == 0
    result = haze("receipt", A.lower(), "--at", "2026-01-10 21:10", "--json")
    assert result.exit_code == 0
    [item] = json.loads(result.stdout)["results"]
    assert item["status"] == "kept" and item["first_at"] == "2026-01-10T20:50:00+08:00"
    again = haze("receipt", A, "--at", "2026-01-10 21:10").stdout
    assert "already recorded" in again and "nothing new recorded for warning" in again and "0 recorded" not in again
    assert rows(haze.journal, "SELECT at FROM receipts") == [("2026-01-10T20:50:00+08:00",)]


def test_unknown_ids_are_error_lines_and_the_others_record(warning) -> None:
    haze = warning
    stranger = code(99)
    result = haze("receipt", A, stranger, "示环应急〔2026〕999号", "--at", "2026-01-10 20:50")
    assert result.exit_code == 1
    assert f"haze: error: {stranger}: not notified" in result.stderr
    assert "999号: not notified" in result.stderr
    assert rows(haze.journal, "SELECT enterprise_id FROM receipts") == [(A,)]


def test_a_notice_is_found_by_its_serial_alone(warning) -> None:
    """On the phone an enterprise says 第2号: 2, 2号 and a full-width ２ find 示环应急〔2026〕2号 (QA, duty night)."""
    haze = warning
    serial = {number.rsplit("〕", 1)[1].removesuffix("号"): code for code, number in haze.numbers.items()}
    assert sorted(serial) == ["1", "2", "3"]
    result = haze("receipt", "1", "2号", "３ 号", "--at", "2026-01-10 20:50", "--json")
    assert result.exit_code == 0, result.output
    assert [r["id"] for r in json.loads(result.stdout)["results"]] == [serial["1"], serial["2"], serial["3"]]
    assert sorted(rows(haze.journal, "SELECT enterprise_id, given_as FROM receipts")) == sorted(
        [(serial["1"], "1"), (serial["2"], "2号"), (serial["3"], "3号")])  # as _clean reads it: NFKC, no spaces


def test_a_serial_no_notice_has_is_an_error_line(warning) -> None:
    result = warning("receipt", "4", "--at", "2026-01-10 20:50")
    assert result.exit_code == 1
    assert f"haze: error: 4: no notice of warning {warning.activation} has that number" in result.stderr
    assert rows(warning.journal, "SELECT * FROM receipts") == []


def test_a_serial_two_notices_share_is_not_guessed() -> None:
    """A warning standing across New Year can hold 〔2026〕3号 and 〔2027〕3号: the officer types which."""
    from haze.commands.receipt import _by_serial, _one_serial
    from haze.io.receipts import Notified

    old, new = Notified(A, "甲", 3, "示环应急〔2026〕3号"), Notified(B, "乙", 1, "示环应急［2027］3号")
    other = Notified(C, "丙", 2, "示环应急〔2027〕12号")
    by_serial = _by_serial([old, new, other])
    assert by_serial == {3: [old, new], 12: [other]}
    record = type("Record", (), {"id": "w"})()
    assert _one_serial("12", by_serial[12], record) == (other, None)  # type: ignore[arg-type]
    found, said = _one_serial("3", by_serial[3], record)  # type: ignore[arg-type]
    assert found is None and said is not None and said.reason == "ambiguous"
    assert "示环应急〔2026〕3号, 示环应急［2027］3号" in said.message and "whole number" in said.message


def test_a_file_of_receipts_in_one_transaction(warning, tmp_path: Path) -> None:
    haze = warning
    f = tmp_path / "r.csv"
    f.write_bytes(("统一社会信用代码,回执时间,类型\n"
                   f"{A},2026-01-10 20:40,回执\n"
                   f"{haze.numbers[B]},2026年1月10日21时5分,回执\n"
                   f"{A},2026-01-11 09:00,执行报告\n").encode("gb18030"))
    result = haze("receipt", "--file", f)
    assert result.exit_code == 0, result.output
    assert sorted(rows(haze.journal, "SELECT enterprise_id, kind, at FROM receipts")) == [
        (A, "receipt", "2026-01-10T20:40:00+08:00"), (A, "report", "2026-01-11T09:00:00+08:00"),
        (B, "receipt", "2026-01-10T21:05:00+08:00")]


def test_an_xlsx_of_receipts(warning, tmp_path: Path) -> None:
    import openpyxl

    haze = warning
    book = openpyxl.Workbook()
    book.active.append(["告知书编号", "时间"])
    book.active.append([haze.numbers[C], datetime(2026, 1, 10, 21, 0)])
    book.save(tmp_path / "r.xlsx")
    assert haze("receipt", "--file", tmp_path / "r.xlsx").exit_code == 0
    assert rows(haze.journal, "SELECT enterprise_id, at FROM receipts") == [(C, "2026-01-10T21:00:00+08:00")]


def test_a_bad_file_gives_located_findings_and_records_nothing(warning, tmp_path: Path) -> None:
    haze = warning
    f = write(tmp_path / "r.csv", f"id,at,kind\n{A},2026-01-10 20:40,receipt\n{B},tomorrow,receipt\n"
                                  f",2026-01-10 20:40,receipt\n{C},2026-01-10 20:41,invoice\n"
                                  f"{C},2026-01-10 19:00,receipt\n")
    result = haze("receipt", "--file", f)
    assert result.exit_code == 2
    err = result.stderr
    assert f"{f}:3: error E101" in err and f"{f}:4: error E100" in err and f"{f}:5: error E104" in err
    assert "Traceback" not in result.output
    assert rows(haze.journal, "SELECT count(*) FROM receipts") == [(0,)]
    # the same file with its bad rows mended still refuses the time before the notices went out (row 6)
    f = write(tmp_path / "r2.csv", f"id,at\n{A},2026-01-10 20:40\n{C},2026-01-10 19:00\n")
    result = haze("receipt", "--file", f)
    assert result.exit_code == 2 and f"{f}:3: error E101" in result.stderr
    assert rows(haze.journal, "SELECT count(*) FROM receipts") == [(0,)]


@pytest.mark.parametrize("at", ["2026-01-10 19:59", "2099-01-01 00:00"])
def test_an_impossible_time_is_refused(warning, at: str) -> None:
    result = warning("receipt", A, "--at", at)
    assert result.exit_code == 2
    assert rows(warning.journal, "SELECT count(*) FROM receipts") == [(0,)]


def test_nothing_active_and_no_journal(run, tmp_path: Path) -> None:
    journal = tmp_path / "none.db"
    for args in (["receipt", A], ["overdue", "--json"]):  # no journal is not "nothing overdue": exit 2
        result = run(*args, "--journal", journal)
        assert result.exit_code == 2 and f"the journal {journal} does not exist" in result.stderr, args
    assert not journal.exists()
    assert run("init", "--journal", journal).exit_code == 0
    assert run("receipt", A, "--journal", journal).exit_code == 2  # nothing active: 2, as 1 is "not notified"
    result = run("overdue", "--journal", journal, "--json")
    assert result.exit_code == 0 and json.loads(result.stdout)["overdue"] == []


def test_notices_state_the_policys_duties(run, tmp_path: Path) -> None:
    from haze.core.policy import load_policy  # noqa: F401  (the shipped file is the base)
    from importlib import resources

    text = (resources.files("haze.core.policies") / "shanxi-2024.yaml").read_text(encoding="utf-8")
    text = text.replace("receipt_hours: 1", "receipt_hours: 2").replace("report_hours: 24", "report_hours: 12")
    policy = write(tmp_path / "p.yaml", text.replace("name: shanxi-2024", "name: local"))
    listfile = write(tmp_path / "list.yaml", LIST)
    out = tmp_path / "n"
    for lang in ("zh", "en"):
        result = run("activate", "orange", "--list", listfile, "--policy", policy, "--journal", tmp_path / f"{lang}.db",
                     "--out", out / lang, "--lang", lang, "--json")
        assert result.exit_code == 0, result.output
        notice = Path(json.loads(result.stdout)["notices"][0]).read_text(encoding="utf-8")
        if lang == "zh":
            assert "收到本告知书后2小时内" in notice and "措施落实后12小时内" in notice and "1小时" not in notice
        else:
            assert "Within 2 hours of receiving" in notice and "Within 12 hours of putting" in notice
    got = json.loads(run("overdue", "--journal", tmp_path / "zh.db", "--json").stdout)
    start = json.loads(run("status", "--journal", tmp_path / "zh.db", "--json").stdout)["active"]["recorded"]
    assert got["overdue"] == [] or all(item["due"] > start for item in got["overdue"])


def test_shipped_notices_still_say_1_hour_and_24_hours(run, tmp_path: Path) -> None:
    listfile = write(tmp_path / "list.yaml", LIST)
    result = run("activate", "orange", "--list", listfile, "--journal", tmp_path / "j.db", "--out", tmp_path / "n",
                 "--json")
    notice = Path(json.loads(result.stdout)["notices"][0]).read_text(encoding="utf-8")
    assert "收到本告知书后1小时内" in notice and "措施落实后24小时内" in notice


def test_a_schema_1_journal_reads_and_is_upgraded_by_its_next_write(warning) -> None:
    haze = warning
    with sqlite3.connect(haze.journal) as conn:  # make it what haze before schema 2 wrote
        for table in ("notified", "duties", "receipts"):
            conn.execute(f"DROP TABLE {table}")
        conn.execute("PRAGMA user_version = 1")
    status = json.loads(haze("status", "--json").stdout)["active"]
    assert status["notified"] == 3 and status["receipts"] == 0
    # without the recorded facts: the notices' own 1 h, notice order, no phone
    assert overdue_at(haze, "2026-01-10 21:40") == [(A, "receipt"), (B, "receipt"), (C, "receipt")]
    assert haze("receipt", B, "--at", "2026-01-10 21:00").exit_code == 0
    assert rows(haze.journal, "PRAGMA user_version") == [(2,)]
    assert overdue_at(haze, "2026-01-10 21:40") == [(A, "receipt"), (C, "receipt")]
