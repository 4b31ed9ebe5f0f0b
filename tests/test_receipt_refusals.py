"""What `haze receipt` refuses, and that it says why (SPEC §18; QA, duty night).

A duty officer at 2 a.m. types what the enterprise says on the phone. haze must never record a
receipt against a voided (作废) notice, even when the officer names the voided activation; must
say that lift notices' receipts are not tracked instead of claiming the lift does not exist; must
read the short forms of a number (〔2026〕6号, (2026)6号, 第6号); and must say that an idle
enterprise got no notice instead of "no such credit code". Real journals in the test's directory.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from haze.core.creditcode import check_character

from conftest import write

pytestmark = pytest.mark.usefixtures("journal")


def code(n: int) -> str:
    first = f"91140525MA0N{n:05d}"
    return first + check_character(first)


A, B, IDLE = code(1), code(2), code(3)

LIST = f"""
list: {{region: 示例县, authority: 示例县生态环境局, doc_prefix: 示环应急}}
enterprises:
  - {{id: {A}, name: 示例县甲钢铁有限公司, grade: C, emissions: {{so2: 3650, nox: 3650}},
      contact: {{name: 张伟, phone: "0356-1111111"}}}}
  - {{id: {B}, name: 示例县乙焦化有限公司, grade: B, emissions: {{so2: 1825}},
      contact: {{name: 李娜, phone: "0356-2222222"}}}}
  - {{id: {IDLE}, name: 示例县丙砖瓦厂, grade: D, status: idle,
      contact: {{name: 王强, phone: "0356-3333333"}}}}
"""


def activate(run, level: str, listfile: Path, *args: str) -> dict:
    result = run("activate", level, "--list", listfile, "--json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def numbers(journal: Path, issue: str) -> dict[str, str]:
    """Credit code -> notice number, of one activation or lift."""
    with sqlite3.connect(journal) as conn:
        return dict(conn.execute("SELECT enterprise_id, number FROM notices WHERE issue_id = ?", (issue,)))


def receipts(journal: Path) -> list[tuple]:
    with sqlite3.connect(journal) as conn:
        return conn.execute("SELECT activation_id, enterprise_id FROM receipts").fetchall()


@pytest.fixture
def listfile(tmp_path: Path) -> Path:
    return write(tmp_path / "list.yaml", LIST)


@pytest.fixture
def voided(run, journal: Path, listfile: Path) -> dict:
    """Yellow issued by mistake and voided; orange issued in its place (the QA's 150号 scenario)."""
    yellow = activate(run, "yellow", listfile)["activation"]
    assert run("void", "--reason", "误发，应为橙色").exit_code == 0
    orange = activate(run, "orange", listfile)["activation"]
    return {"yellow": yellow, "orange": orange, "void_numbers": numbers(journal, yellow),
            "numbers": numbers(journal, orange)}


def one_line(text: str) -> str:
    return " ".join(text.split())


def test_a_voided_notice_is_refused_and_the_valid_one_named(run, journal: Path, voided: dict) -> None:
    number = voided["void_numbers"][A]
    result = run("receipt", number)
    assert result.exit_code == 1
    err = one_line(result.stderr)
    assert f"warning {voided['yellow']} was voided (作废)" in err and "误发，应为橙色" in err
    assert "--activation" not in err  # never offered
    assert f"the valid notice of 示例县甲钢铁有限公司 is {voided['numbers'][A]} (warning {voided['orange']})" in err
    assert receipts(journal) == []


@pytest.mark.parametrize("given", ["number", "code", "serial"])
def test_naming_the_voided_activation_records_nothing(run, journal: Path, voided: dict, given: str) -> None:
    """`--activation <voided id>` was the way the QA tester recorded a receipt against a void notice (exit 0)."""
    number = voided["void_numbers"][A]
    typed = {"number": number, "code": A, "serial": number.rsplit("〕", 1)[1]}[given]
    result = run("receipt", typed, "--activation", voided["yellow"], "--json")
    assert result.exit_code == 1
    [item] = json.loads(result.stdout)["results"]
    assert item["status"] == "unknown" and item["reason"] == "void"
    err = one_line(result.stderr)
    assert "voided (作废)" in err and number in err and voided["numbers"][A] in err
    assert f"warning {voided['yellow']} is void" in err
    assert receipts(journal) == []


def test_the_refusal_speaks_chinese(run, voided: dict) -> None:
    result = run("--ui", "zh", "receipt", voided["void_numbers"][B])
    assert result.exit_code == 1
    err = one_line(result.stderr)
    assert "作废" in err and "不登记回执" in err and f"现行有效的告知书为 {voided['numbers'][B]}" in err


def test_a_voided_notice_without_a_valid_one_says_so(run, journal: Path, listfile: Path) -> None:
    yellow = activate(run, "yellow", listfile)["activation"]
    assert run("void", "--reason", "用错清单").exit_code == 0  # nothing active afterwards
    result = run("receipt", A, "--activation", yellow)
    assert result.exit_code == 1
    assert "示例县甲钢铁有限公司 holds no valid notice now" in one_line(result.stderr)
    assert receipts(journal) == []


def test_a_voided_lifted_warning_is_void_too(run, journal: Path, listfile: Path) -> None:
    """Voided after its lift: the row stays `lifted`, yet its notices are void (Journal.void_of)."""
    first = activate(run, "orange", listfile)["activation"]
    assert run("lift").exit_code == 0
    assert run("void", first, "--reason", "用错清单").exit_code == 0
    result = run("receipt", A, "--activation", first)
    assert result.exit_code == 1 and "voided (作废)" in result.stderr
    assert receipts(journal) == []


def test_a_valid_receipt_still_records_beside_a_refused_one(run, journal: Path, voided: dict) -> None:
    result = run("receipt", voided["void_numbers"][A], voided["numbers"][B])
    assert result.exit_code == 1
    assert receipts(journal) == [(voided["orange"], B)]


def lifted(run, journal: Path, listfile: Path) -> tuple[str, str]:
    warning = activate(run, "red", listfile)["activation"]
    result = run("lift", "--json")
    assert result.exit_code == 0, result.output
    with sqlite3.connect(journal) as conn:
        [(lift,)] = conn.execute("SELECT id FROM lifts").fetchall()
    return warning, lift


def test_a_lift_id_is_named_as_a_lift_not_as_missing(run, journal: Path, listfile: Path) -> None:
    warning, lift = lifted(run, journal, listfile)
    assert lift in run("history").stdout
    for command in (["receipt", "1"], ["overdue"]):
        result = run(*command, "--activation", lift)
        assert result.exit_code == 2, command
        err = one_line(result.stderr)
        assert f"{lift} is the lift (解除) of warning {warning}" in err and "no activation" not in err, command
        assert "tracks no receipts or reports of lift notices" in err and f"--activation {warning}" in err
    result = run("--ui", "zh", "receipt", "1", "--activation", lift)
    assert "haze 不跟踪解除通知的回执" in one_line(result.stderr)
    assert receipts(journal) == []


def test_a_lift_notice_number_is_not_recorded_and_says_why(run, journal: Path, listfile: Path) -> None:
    warning, lift = lifted(run, journal, listfile)
    number = numbers(journal, lift)[A]
    result = run("receipt", number, "--activation", warning, "--json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["results"][0]["reason"] == "lift"
    err = one_line(result.stderr)
    assert f"a lift notice (解除通知) of {lift}" in err and "tracks no receipts of lift notices" in err
    assert receipts(journal) == []


def test_verify_names_a_lift_as_a_lift(run, journal: Path, listfile: Path, tmp_path: Path) -> None:
    warning, lift = lifted(run, journal, listfile)
    power = write(tmp_path / "p.csv", f"id,time,kwh\n{A},2026-01-01,10\n")
    result = run("verify", power, "--activation", lift)
    assert result.exit_code == 2
    assert f"{lift} is the lift (解除) of warning {warning}; give --activation {warning}" in one_line(result.stderr)


@pytest.fixture
def issued(run, journal: Path, listfile: Path) -> dict[str, str]:
    """An orange warning: credit code -> its notice number (示环应急〔YEAR〕N号)."""
    activate(run, "orange", listfile)
    with sqlite3.connect(journal) as conn:
        [(issue,)] = conn.execute("SELECT id FROM activations").fetchall()
    return numbers(journal, issue)


@pytest.mark.parametrize("form", ["〔{y}〕{n}号", "({y}){n}号", "（{y}）{n}号", "[{y}]{n}号", "第{n}号", "〔{y}〕第{n}号"])
def test_a_number_without_its_prefix_is_read(run, journal: Path, issued: dict[str, str], form: str) -> None:
    """docs/response.md: (2026) and 〔2026〕 are the same; so are they without 示环应急 (QA: 〔2026〕6号 was refused)."""
    number = issued[B]
    year, serial = number.split("〔")[1].split("〕")[0], number.rsplit("〕", 1)[1].removesuffix("号")
    result = run("receipt", form.format(y=year, n=serial))
    assert result.exit_code == 0, result.stderr
    assert [r[1] for r in receipts(journal)] == [B]


def test_a_short_number_of_another_year_is_not_taken(run, journal: Path, issued: dict[str, str]) -> None:
    number = issued[B]
    year, serial = int(number.split("〔")[1].split("〕")[0]), number.rsplit("〕", 1)[1]
    result = run("receipt", f"〔{year - 1}〕{serial}")
    assert result.exit_code == 1 and "has that number" in result.stderr
    assert receipts(journal) == []


def test_a_short_number_of_another_warning_names_it(run, journal: Path, listfile: Path) -> None:
    """第1号 typed while a later warning stands: the journal's one notice of that number says whose it is."""
    first = activate(run, "orange", listfile)["activation"]
    assert run("lift").exit_code == 0
    activate(run, "yellow", listfile)
    result = run("receipt", "第1号")
    assert result.exit_code == 1
    assert f"notice of {first}, not of warning" in result.stderr and f"--activation {first}" in result.stderr
    assert run("receipt", "第1号", "--activation", first).exit_code == 0


def test_an_idle_enterprise_is_said_to_be_idle(run, journal: Path, issued: dict[str, str]) -> None:
    result = run("receipt", IDLE, "--json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["results"][0]["reason"] == "idle"
    err = one_line(result.stderr)
    assert "示例县丙砖瓦厂 is on the list" in err and "idle (已停产)" in err and "no such credit code" not in err
    assert "已停产：停产企业不下发告知书" in one_line(run("--ui", "zh", "receipt", IDLE).stderr)
    stranger = code(99)
    assert "no such credit code" in run("receipt", stranger).stderr  # off the list: as before
    assert receipts(journal) == []
