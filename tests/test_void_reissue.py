"""The first activation after a void (haze void) tells each enterprise its voided notice is void.

An officer activates orange, finds the activation mistaken, voids it and
activates again. The enterprises may already hold the voided notices; the new
notice each gets says the earlier one (its number) is void (作废) and replaced
by this one, as an adjustment or a --force re-issue cites the notice it
replaces, in every format and language. Read back as a reader would (md text,
python-docx, pypdf), with the manifest and the journal.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from conftest import EXAMPLES, text_of, write

pytestmark = pytest.mark.usefixtures("journal")

LIST = EXAMPLES / "small-fails-orange.yaml"
LAST = "91140525MA0K3Y7L0C"  # the list's last enterprise (城关供热)
VOID_ZH = "已作废，以本告知书为准"
VOID_EN = "is void (作废); this notice replaces it"
CITY = ("--list", EXAMPLES / "city" / "county-1.yaml", "--list", EXAMPLES / "city" / "county-2.yaml",
        "--authority", "示例市生态环境局", "--region", "示例市", "--doc-prefix", "示市环应急")


def short_list(tmp_path: Path) -> Path:
    """The list without its last enterprise."""
    text = LIST.read_text(encoding="utf-8")
    return write(tmp_path / "short.yaml", text[:text.index(f"  - id: {LAST}")])


def activate(run, *args: object) -> dict:
    result = run("activate", "orange", "--json", *args)
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    data["stderr"] = result.stderr
    return data


def manifest(data: dict) -> dict:
    return json.loads((Path(data["notices"][0]).parent / "manifest.json").read_text(encoding="utf-8"))


def void(run, reason: str = "用错清单") -> dict:
    result = run("void", "--reason", reason, "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def notices_of(data: dict) -> dict[str, Path]:
    """Credit code -> the notice file of an activation's set."""
    return {e["id"]: Path(data["notices"][0]).parent / e["file"] for e in manifest(data)["notices"]}


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("fmt", ["md", "html", "txt", "docx", "pdf"])
def test_the_notice_after_a_void_cites_the_voided_number(run, fmt: str, lang: str) -> None:
    fmt_args = ("--list", LIST, "--format", fmt, "--lang", lang)
    first = activate(run, *fmt_args)
    voided = void(run)
    second = activate(run, *fmt_args)
    before = {e["id"]: e["number"] for e in manifest(first)["notices"]}
    files = notices_of(second)
    assert set(files) == set(before)
    said = VOID_ZH if lang == "zh" else VOID_EN
    for enterprise, path in files.items():
        text = text_of(path)
        assert before[enterprise] in text, (path, text[:600])
        assert said in text
        # the new notice is a new warning (启动), not a re-issue or an adjustment
        assert ("关于启动重污染天气橙色预警" if lang == "zh" else "Notice on Launching") in text
        assert "重新下发" not in text and "Re-issued" not in text
    head = manifest(second)
    assert head["replaces"] == head["voids"] == voided["activation"] == first["activation"]
    assert head["reissue"] is False and head["previous_level"] is None
    assert {e["id"]: e["replaces"] for e in head["notices"]} == before
    # no number is given twice
    assert not set(before.values()) & {e["number"] for e in head["notices"]}


def test_the_sentence_reads_as_the_shipped_wording(run) -> None:
    first = activate(run, "--list", LIST)
    void(run)
    second = activate(run, "--list", LIST)
    number = manifest(first)["notices"][0]["number"]
    text = text_of(notices_of(second)[manifest(first)["notices"][0]["id"]])
    assert f"至预警解除时止。我局此前下发你单位的告知书（{number}）已作废，以本告知书为准。根据《" in text


def test_only_enterprises_of_the_voided_set_are_told(run, tmp_path: Path) -> None:
    first = activate(run, "--list", short_list(tmp_path))  # the last enterprise got no notice
    void(run)
    second = activate(run, "--list", LIST)
    files = notices_of(second)
    assert LAST in files and LAST not in notices_of(first)
    new = text_of(files[LAST])
    assert "作废" not in new and "告知书（示环应急" not in new
    assert all(VOID_ZH in text_of(p) for e, p in files.items() if e != LAST)
    assert "replaces" not in next(e for e in manifest(second)["notices"] if e["id"] == LAST)
    assert "addressees of void warning" in second["stderr"] and "7 addressees" in second["stderr"]


def test_an_enterprise_no_longer_notified_is_named_to_the_officer(run, tmp_path: Path) -> None:
    first = activate(run, "--list", LIST)
    void(run)
    second = activate(run, "--list", short_list(tmp_path))
    assert LAST not in notices_of(second)
    number = next(e["number"] for e in manifest(first)["notices"] if e["id"] == LAST)
    stderr = " ".join(second["stderr"].split())
    assert "get no new notice" in stderr and number in stderr and "城关供热" in stderr


def test_the_journal_links_the_new_warning_to_the_voided_one(run, journal: Path) -> None:
    first = activate(run, "--list", LIST)
    voided = void(run)
    second = activate(run, "--list", LIST)
    conn = sqlite3.connect(journal)
    rows = {r[0]: r[1:] for r in conn.execute(
        "SELECT id, kind, state, previous_id, superseded_by FROM activations")}
    conn.close()
    # the activations table keeps its CHECK'd states: a voided active warning is closed as superseded by its
    # void (the voids table says it is void); everything haze prints reads it as void
    assert rows[first["activation"]] == ("activation", "superseded", None, voided["void"])
    assert rows[second["activation"]] == ("activation", "active", first["activation"], None)
    events = json.loads(run("history", "--json").stdout)["events"]
    assert [(e["event"], e["state"]) for e in events] == [("activation", "void"), ("void", None),
                                                          ("activation", "active")]
    status = json.loads(run("status", "--json").stdout)["active"]
    assert status["id"] == second["activation"] and status["kind"] == "activation"
    # the new warning's episode is its own: its lift goes to its own notices, not the voided ones
    lift = run("lift", "--json")
    assert lift.exit_code == 0, lift.stderr
    lifted = json.loads((Path(json.loads(lift.stdout)["notices"][0]).parent / "manifest.json")
                        .read_text(encoding="utf-8"))
    assert {e["activation_number"] for e in lifted["notices"]} == {e["number"] for e in manifest(second)["notices"]}


def test_only_the_first_activation_after_the_void_cites_it(run) -> None:
    activate(run, "--list", LIST)
    void(run)
    second = activate(run, "--list", LIST)
    assert run("lift").exit_code == 0
    third = activate(run, "--list", LIST)  # after a lift: a new warning, nothing to cite
    head = manifest(third)
    assert head["replaces"] is None and "voids" not in head
    assert all("replaces" not in e for e in head["notices"])
    assert all("作废" not in text_of(p) for p in notices_of(third).values())
    # a --force re-issue of it cites its own notices, as before
    again = activate(run, "--list", LIST, "--force")
    assert manifest(again)["replaces"] == third["activation"] and "voids" not in manifest(again)
    assert second["activation"] != third["activation"]


def test_a_void_of_an_earlier_lifted_warning_is_not_cited(run) -> None:
    first = activate(run, "--list", LIST)
    assert run("lift").exit_code == 0
    assert run("void", first["activation"], "--reason", "用错清单").exit_code == 0  # lifted already
    after = activate(run, "--list", LIST)
    head = manifest(after)
    assert head["replaces"] is None and "voids" not in head
    assert all("作废" not in text_of(p) for p in notices_of(after).values())


def test_a_dry_run_after_a_void_says_the_same(run) -> None:
    activate(run, "--list", LIST)
    voided = void(run)
    dry = run("activate", "orange", "--list", LIST, "--dry-run")
    assert dry.exit_code == 0, dry.stderr
    assert voided["activation"] in " ".join(dry.stderr.split())


def test_a_city_activation_after_a_void_cites_each_countys_voided_notice(run) -> None:
    first = activate(run, *CITY)
    void(run)
    second = activate(run, *CITY)
    before = [e["number"] for e in manifest(first)["notices"]]
    head = manifest(second)
    assert head["voids"] == head["replaces"] == first["activation"]
    assert [e["replaces"] for e in head["notices"]] == before
    for entry, number in zip(head["notices"], before):
        text = text_of(Path(second["notices"][0]).parent / entry["file"])
        assert f"我局此前下发你局的通知（{number}）已作废，以本通知为准。" in text


def test_a_warning_of_the_other_kind_between_neither_cites_nor_cancels_the_void(run) -> None:
    """A county warning voided, then a city warning (notices to county bureaus) and its lift: the
    city warning cites nothing of the county's void, and the next county warning still tells the
    enterprises their voided notice is void (the city's warning did not reach them)."""
    first = activate(run, "--list", LIST)
    void(run)
    city = activate(run, *CITY)
    assert manifest(city)["replaces"] is None and "voids" not in manifest(city)
    assert run("lift").exit_code == 0
    after = activate(run, "--list", LIST)
    head = manifest(after)
    assert head["voids"] == head["replaces"] == first["activation"]
    assert all(VOID_ZH in text_of(p) for p in notices_of(after).values())


def test_a_lifted_warning_voided_later_reads_void_everywhere(run) -> None:
    # Its notices are void although its row keeps 'lifted': history said 已解除 (QA), and a second void
    # of it failed on the journal's unique constraint instead of saying it is void already.
    first = activate(run, "--list", LIST)
    assert run("lift").exit_code == 0
    assert run("void", first["activation"], "--reason", "用错清单").exit_code == 0
    events = json.loads(run("history", "--json").stdout)["events"]
    assert [(e["event"], e["state"]) for e in events if e["id"] == first["activation"]] == [("activation", "void")]
    shown = run("--ui", "zh", "history")
    row = next(line for line in shown.stdout.splitlines() if line.startswith(first["activation"] + " "))
    assert row.split()[1:4] == ["启动", "橙色", "已作废"], row
    again = run("--ui", "zh", "void", first["activation"], "--reason", "再次")
    assert again.exit_code == 2 and f"{first['activation']}" in again.stderr and "已作废" in again.stderr, again.stderr
    assert len(json.loads(run("history", "--json").stdout)["events"]) == len(events)  # nothing recorded
