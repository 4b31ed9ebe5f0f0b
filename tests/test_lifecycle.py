"""``haze activate``, ``lift``, ``status``, ``history`` end to end (SPEC §7, §8, §10).

Every test has its own working directory (conftest), so the default journal
``.haze/journal.db`` and ``notices/`` are private to it.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from functools import cache
from pathlib import Path

import pytest

from conftest import COUNTY, EXAMPLES, write
from test_notices import PM_JUST_SHORT  # PM at 29.999% of its baseline at orange: just short of 30%
from haze.commands.staging import MARKER
from haze.io.lists import read_list

# activate needs a journal made on purpose (SPEC §10): conftest.journal, as `haze init` makes it
pytestmark = pytest.mark.usefixtures("journal")

JOURNAL = Path(".haze/journal.db")
OUT = Path("notices")
FAILS_ORANGE = EXAMPLES / "small-fails-orange.yaml"


@cache
def _operating(path: Path) -> tuple[str, ...]:
    enterprise_list = read_list(path).enterprise_list
    assert enterprise_list is not None
    return tuple(e.id for e in enterprise_list.enterprises if e.operating)


def operating_ids(path: Path) -> list[str]:
    """Credit codes of the list's operating enterprises, in list order: who must get a notice."""
    return list(_operating(path))


def county_count() -> int:
    """Notices an activation of the county list writes: one per operating enterprise."""
    return len(_operating(COUNTY))


def journal_file() -> Path:
    """The default journal, as haze names it: absolute, under the (resolved) working directory."""
    return Path.cwd().resolve() / JOURNAL


def manifest(directory: Path) -> dict:
    return json.loads((directory / "manifest.json").read_text(encoding="utf-8"))


def visible(out: Path = OUT) -> list[str]:
    return sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) if out.exists() else []


def journal_rows(sql: str) -> list[tuple]:
    """Rows of the journal read directly; none when it does not exist or has no tables yet."""
    if not JOURNAL.exists():
        return []
    with sqlite3.connect(JOURNAL) as conn:
        if not conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
            return []
        return conn.execute(sql).fetchall()


def nothing_recorded() -> bool:
    """The journal `haze init` made (conftest) holds no warning, and no other journal appeared."""
    return not journal_rows("SELECT id FROM activations") and not journal_rows("SELECT id FROM lifts")


def activate(run, level: str = "orange", *args: str, listfile: Path = COUNTY):
    return run("activate", level, "--list", listfile, *args)


def activate_json(run, level: str = "orange", *args: str, listfile: Path = COUNTY) -> dict:
    result = activate(run, level, "--json", *args, listfile=listfile)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def status_json(run) -> dict:
    result = run("status", "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def history_json(run, journal: Path | None = None) -> list[dict]:
    result = run("history", "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["journal"] == str(journal or journal_file())
    return data["events"]


# -- activate -------------------------------------------------------------------------

def test_activate_writes_one_notice_per_operating_enterprise_and_records_it(run) -> None:
    data = activate_json(run, "orange", "--start", "2025-12-01T20:00")
    ids = operating_ids(COUNTY)
    enterprise_list = read_list(COUNTY).enterprise_list
    assert enterprise_list is not None and len(ids) == len(enterprise_list.enterprises) - sum(not e.operating for e in enterprise_list.enterprises)
    assert data["activation"] == "20251201-200000-orange"
    folder = OUT / "20251201-200000-orange"
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted([f"{i:04d}-{cc}.md" for i, cc in enumerate(ids, start=1)]
                           + ["index.md", "manifest.json", "sms.csv"])
    assert sorted(data["notices"]) == sorted(str(folder / n) for n in names)
    # the manifest's hashes are those of the files, and the journal holds the manifest's hash
    m = manifest(folder)
    for name, digest in m["files"].items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest
    assert [n["id"] for n in m["notices"]] == ids
    active = status_json(run)["active"]
    assert active["id"] == "20251201-200000-orange"
    assert active["level"] == "orange" and active["state"] == "active" and active["ok"] is True
    assert active["notices"]["count"] == len(ids)
    assert active["notices"]["directory"] == str(folder.resolve())
    assert active["notices"]["manifest_sha256"] == hashlib.sha256((folder / "manifest.json").read_bytes()).hexdigest()
    assert active["list"]["sha256"] == hashlib.sha256(COUNTY.read_bytes()).hexdigest()
    assert active["list"]["path"] == str(COUNTY)
    assert active["policy"] == "shanxi-2024" and active["requirement"] == 0.3
    assert active["pollutants"]["so2"]["ratio"] == pytest.approx(data["pollutants"]["so2"]["ratio"])
    assert active["user"]
    # the notified enterprises and their numbers, 示环应急〔YEAR〕1号 onwards
    numbers = journal_rows("SELECT number, enterprise_id FROM notices ORDER BY seq")
    assert numbers == [(f"示环应急〔{m['issued'][:4]}〕{i}号", cc) for i, cc in enumerate(ids, start=1)]
    events = history_json(run)
    assert [(e["event"], e["id"], e["state"]) for e in events] == [("activation", "20251201-200000-orange", "active")]


def test_activate_human_output_says_where_the_notices_are(run) -> None:
    result = activate(run, "橙色", "--start", "2025年12月1日20时")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "activation 20251201-200000-orange" in out
    assert f"{county_count()} notices" in out
    assert f"{Path.cwd() / 'notices' / '20251201-200000-orange'}{os.sep}" in out  # absolute: where to look
    assert "MET" in out and "NOT MET" not in out
    assert f"recorded in {journal_file()}" in out
    assert "a new journal" not in out  # conftest's `haze init` made it
    assert "W304" in result.stderr  # the list's warnings are shown, not hidden


def test_status_and_history_read_the_journal(run) -> None:
    activate_json(run, "yellow", "--start", "2025-12-01 08:00", "--hours", "24")
    result = run("status")
    assert result.exit_code == 0
    assert "EXPIRED: yellow" in result.stdout  # its 24 hours are long past (issue 18.7: not ACTIVE)
    assert "20251201-080000-yellow" in result.stdout
    assert "2025-12-02 08:00" in result.stdout
    result = run("history")
    assert result.exit_code == 0
    assert "20251201-080000-yellow" in result.stdout and "activation" in result.stdout


def test_start_in_chinese_and_hours_are_recorded(run) -> None:
    activate_json(run, "orange", "--start", "2025年12月1日20时30分", "--hours", "48")
    active = status_json(run)["active"]
    assert active["id"] == "20251201-203000-orange"
    assert active["start"] == "2025-12-01T20:30:00+08:00"
    assert active["until"] == "2025-12-03T20:30:00+08:00"
    m = manifest(OUT / active["id"])
    assert (m["start"], m["until"]) == (active["start"], active["until"])


def test_until_is_recorded_and_must_follow_the_start(run) -> None:
    activate_json(run, "red", "--start", "2025-12-01T20:00", "--until", "2025年12月3日24时")
    assert status_json(run)["active"]["until"] == "2025-12-04T00:00:00+08:00"
    result = activate(run, "red", "--force", "--start", "2025-12-05T20:00", "--until", "2025-12-05T08:00")
    assert result.exit_code == 2
    assert "before it starts" in result.stderr


def test_until_and_hours_together_are_refused(run) -> None:
    result = activate(run, "orange", "--until", "2025-12-03T20:00", "--hours", "5")
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == ["haze: error: give --until or --hours, not both"]
    assert nothing_recorded() and not OUT.exists()


@pytest.mark.parametrize("hours", ["0", "-3", "nan"])
def test_hours_must_be_positive(run, hours: str) -> None:
    result = activate(run, "orange", "--hours", hours)
    assert result.exit_code == 2
    assert "--hours" in result.stderr
    assert nothing_recorded()


def test_an_unreadable_start_is_one_line_and_exit_2(run) -> None:
    result = activate(run, "orange", "--start", "明天晚上")
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert nothing_recorded() and not OUT.exists()


# -- one active warning: same level, force, adjustment, expiry -----------------------------

def test_same_level_again_is_refused_and_force_reissues(run) -> None:
    first = activate_json(run, "orange", "--start", "2025-12-01T20:00")["activation"]
    result = activate(run, "orange", "--start", "2025-12-01T22:00")
    assert result.exit_code == 1
    assert "already active" in result.stderr and first in result.stderr and "--force" in result.stderr
    assert visible() == [first]
    assert len(journal_rows("SELECT id FROM activations")) == 1

    data = activate_json(run, "orange", "--force", "--start", "2025-12-01T22:00")
    assert data["activation"] == "20251201-220000-orange"
    assert data["adjusted_from"] == first
    events = history_json(run)
    assert [(e["event"], e["state"], e["previous_level"]) for e in events] == [
        ("activation", "superseded", None), ("reissue", "active", None)]
    # the re-issued notices say they are re-issued and which notice each replaces, never "orange adjusted to orange"
    m = manifest(OUT / data["activation"])
    assert (m["previous_level"], m["reissue"], m["replaces"]) == (None, True, first)
    year = m["issued"][:4]
    notice = (OUT / data["activation"] / m["notices"][0]["file"]).read_text(encoding="utf-8")
    assert "告知书（重新下发）" in notice and f"原告知书（示环应急〔{year}〕1号）同时作废" in notice
    assert "调整为" not in notice
    assert m["notices"][0]["replaces"] == f"示环应急〔{year}〕1号"
    # numbers continue after the first activation's
    assert m["first_number"] == county_count() + 1


def test_another_level_is_an_adjustment(run) -> None:
    orange = activate_json(run, "orange", "--start", "2025-12-01T20:00")["activation"]
    red = activate_json(run, "红色", "--start", "2025-12-02T08:00")
    assert red["adjusted_from"] == orange
    assert red["level"] == "red"
    events = history_json(run)
    assert [(e["event"], e["level"], e["previous_level"], e["state"]) for e in events] == [
        ("activation", "orange", None, "superseded"),
        ("adjustment", "red", "orange", "active"),
    ]
    m = manifest(OUT / red["activation"])
    assert (m["level"], m["previous_level"]) == ("red", "orange")
    notice = (OUT / red["activation"] / m["notices"][0]["file"]).read_text(encoding="utf-8")
    assert "升级为红色预警" in notice
    rows = journal_rows("SELECT state, closed_at, superseded_by FROM activations ORDER BY rowid")
    assert rows[0] == ("superseded", "2025-12-02T08:00:00+08:00", red["activation"])
    assert rows[1] == ("active", None, None)
    # a lowered level is an adjustment too (降级)
    yellow = activate_json(run, "yellow", "--start", "2025-12-03T08:00")
    assert yellow["adjusted_from"] == red["activation"]
    assert "降级为黄色预警" in (OUT / yellow["activation"] / manifest(OUT / yellow["activation"])["notices"][0]["file"]
                          ).read_text(encoding="utf-8")


def test_a_warning_past_its_end_is_closed_as_expired_not_adjusted(run) -> None:
    old = activate_json(run, "orange", "--start", "2025-12-01T20:00", "--hours", "24")["activation"]
    new = activate_json(run, "orange", "--start", "2025-12-10T20:00")
    assert "adjusted_from" not in new
    events = history_json(run)
    assert [(e["id"], e["event"], e["state"]) for e in events] == [
        (old, "activation", "expired"), (new["activation"], "activation", "active")]
    assert journal_rows(f"SELECT closed_at FROM activations WHERE id = '{old}'") == [("2025-12-02T20:00:00+08:00",)]
    assert manifest(OUT / new["activation"])["previous_level"] is None


# -- strict, not met, bad input, dry run, template errors -------------------------------------

def test_strict_refuses_a_level_that_is_not_met_and_writes_nothing(run) -> None:
    result = activate(run, "orange", "--strict", listfile=FAILS_ORANGE)
    assert result.exit_code == 1
    assert "not met" in result.stderr and "PM" in result.stderr and "VOCs" in result.stderr
    assert not OUT.exists() and nothing_recorded()


def test_not_met_is_issued_loudly_and_recorded(run) -> None:
    result = activate(run, "orange", "--json", "--start", "2025-12-01T20:00", listfile=FAILS_ORANGE)
    assert result.exit_code == 0
    assert "REQUIREMENT NOT MET" in result.stderr
    data = json.loads(result.stdout)  # stdout is only the JSON
    assert data["ok"] is False
    assert data["pollutants"]["pm"]["ok"] is False
    assert data["pollutants"]["pm"]["shortfall"] == pytest.approx(20 / 365)
    active = status_json(run)["active"]
    assert active["ok"] is False
    assert active["pollutants"]["vocs"]["shortfall"] == pytest.approx(10 / 365)
    assert len(data["notices"]) == len(operating_ids(FAILS_ORANGE)) + 3  # index, manifest.json, sms.csv
    assert "NOT MET" in run("status").stdout


def test_a_bad_list_is_exit_2_and_nothing_is_written(run) -> None:
    bad = write(Path("bad.yaml"), "list:\n  region: 示例县\n  authority: 示例县生态环境局\nenterprises:\n"
                                  "  - id: 911405251765819881\n    name: x\n    emissions: {so2: -1}\n")
    result = activate(run, "orange", listfile=bad)
    assert result.exit_code == 2
    assert "bad.yaml:" in result.stderr
    assert not OUT.exists() and nothing_recorded()


def test_dry_run_writes_and_records_nothing(run) -> None:
    data = activate_json(run, "orange", "--dry-run", "--start", "2025-12-01T20:00")
    assert data["dry_run"] is True and data["notices"] == []
    assert data["activation"] == "20251201-200000-orange"
    assert not OUT.exists() and nothing_recorded()
    result = activate(run, "orange", "--dry-run")
    assert result.exit_code == 0
    assert "dry run" in result.stdout and "nothing written or recorded" in result.stdout
    # with a warning active, a dry run reports the adjustment it would make and changes nothing
    real = activate_json(run, "orange", "--start", "2025-12-01T20:00")["activation"]
    before = JOURNAL.read_bytes()
    data = activate_json(run, "red", "--dry-run", "--start", "2025-12-02T08:00")
    assert data["adjusted_from"] == real
    assert visible() == [real]
    assert status_json(run)["active"]["id"] == real
    assert JOURNAL.read_bytes() == before
    assert activate(run, "orange", "--dry-run").exit_code == 1  # would be refused: already active


def test_a_template_error_is_one_line_and_records_nothing(run) -> None:
    templates = Path("mine")
    write(templates / "notice.zh.md.j2", "{{ notice.number }}\n{{ enterprise.no_such_field }}\n")
    result = activate(run, "orange", "--templates", templates)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith("haze: error: ")
    assert "notice.zh.md.j2:2" in lines[-1] and "no_such_field" in lines[-1]
    assert not [line for line in lines if not line.startswith(str(COUNTY)) and line != lines[-1]]
    assert not OUT.exists() or not any(OUT.iterdir())  # not even a hidden leftover
    assert journal_rows("SELECT id FROM activations") == []
    # the numbers reserved for it were given back
    data = activate_json(run, "orange")
    assert manifest(OUT / data["activation"])["first_number"] == 1
    # a dry run surfaces the same error without writing
    result = activate(run, "red", "--dry-run", "--templates", templates)
    assert result.exit_code == 2 and "no_such_field" in result.stderr


def _count_renders(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the notice sets rendered (each call renders every notice of a set)."""
    import haze.render.notices

    calls: list[int] = []
    real = haze.render.notices.render_activation

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(haze.render.notices, "render_activation", counted)
    return calls


@pytest.mark.no_journal
def test_a_new_journal_renders_the_notices_once(run, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _count_renders(monkeypatch)
    assert not JOURNAL.exists()
    data = activate_json(run, "orange", "--journal", JOURNAL)  # naming a new file: the explicit act of SPEC §10
    assert len(calls) == 1  # rendered before the journal existed, recorded as rendered
    assert JOURNAL.exists() and journal_rows("SELECT id FROM activations") == [(data["activation"],)]
    assert manifest(OUT / data["activation"])["first_number"] == 1
    assert not [p for p in OUT.iterdir() if p.name.startswith(".")]  # no staging left behind
    activate_json(run, "red")  # an existing journal renders once too, under its lock
    assert len(calls) == 2


@pytest.mark.no_journal
def test_a_template_error_on_a_new_journal_creates_no_journal(run) -> None:
    templates = Path("mine")
    write(templates / "notice.zh.md.j2", "{{ notice.number }}\n{{ enterprise.no_such_field }}\n")
    result = activate(run, "orange", "--templates", templates, "--journal", JOURNAL)
    assert result.exit_code == 2 and "no_such_field" in result.stderr
    assert not JOURNAL.exists() and not JOURNAL.parent.exists()
    assert not OUT.exists() or not any(OUT.iterdir())


def test_json_stdout_is_only_json(run) -> None:
    result = activate(run, "orange", "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert {"level", "policy", "pollutants", "enterprises", "activation", "notices"} <= set(data)


# -- lift ------------------------------------------------------------------------------------

def test_lift_notifies_exactly_the_notified_enterprises(run) -> None:
    act = activate_json(run, "orange", "--start", "2025-12-01T20:00")["activation"]
    result = run("lift", "--at", "2025-12-03T12:00", "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["activation"] == act
    assert data["lift"] == "20251203-120000-orange-lift"
    folder = OUT / data["lift"]
    m = manifest(folder)
    assert [n["id"] for n in m["notices"]] == operating_ids(COUNTY)
    assert data["count"] == county_count()
    assert sorted(data["notices"]) == sorted(str(p) for p in folder.iterdir())
    # each lift notice cites the activation notice it ends, and has its own new number
    first = m["notices"][0]
    assert first["activation_number"].endswith("〕1号")
    assert first["number"].endswith(f"〕{county_count() + 1}号")
    assert "解除" in (folder / first["file"]).read_text(encoding="utf-8")
    assert status_json(run)["active"] is None
    assert "no active warning" in run("status").stdout
    events = history_json(run)
    assert [(e["event"], e["state"]) for e in events] == [("activation", "lifted"), ("lift", None)]
    assert events[1]["activation"] == act and events[1]["when"] == "2025-12-03T12:00:00+08:00"
    # all numbers issued are distinct
    numbers = [r[0] for r in journal_rows("SELECT number FROM notices")]
    assert len(numbers) == len(set(numbers)) == 2 * county_count()
    # the lift's manifest: its own id, and "activation" is the warning lifted
    assert (m["id"], m["activation"], m["lifts"]) == (data["lift"], act, act)


def test_lift_with_nothing_active_is_exit_1(run) -> None:
    result = run("lift")
    assert result.exit_code == 1
    assert "no active warning" in result.stderr
    assert not OUT.exists() and nothing_recorded()
    activate_json(run, "orange")
    assert run("lift").exit_code == 0
    again = run("lift")
    assert again.exit_code == 1 and "no active warning" in again.stderr


def test_lift_after_an_adjustment_reaches_everyone_notified_during_the_warning(run, tmp_path: Path) -> None:
    small = FAILS_ORANGE.read_text(encoding="utf-8")
    everyone = operating_ids(FAILS_ORANGE)
    gone = everyone[0]
    # the red list no longer names the first enterprise (it closed down between the two)
    start = small.index(f"  - id: {gone}")
    end = small.index("  - id:", start + 5)
    fewer = write(Path("fewer.yaml"), small[:start] + small[end:])
    activate_json(run, "orange", "--start", "2025-12-01T20:00", listfile=FAILS_ORANGE)
    red = activate_json(run, "red", "--start", "2025-12-02T08:00", listfile=fewer)
    assert gone not in [e["id"] for e in red["enterprises"]]
    data = json.loads(run("lift", "--json").stdout)
    notified = manifest(OUT / data["lift"])["notices"]
    assert sorted(n["id"] for n in notified) == sorted(everyone)
    by_id = {n["id"]: n for n in notified}
    assert by_id[gone]["activation_number"].endswith("〕1号")  # its orange notice
    red_numbers = {n["id"]: n["number"] for n in manifest(OUT / red["activation"])["notices"]}
    assert all(by_id[cc]["activation_number"] == number for cc, number in red_numbers.items())


def test_lift_dry_run_changes_nothing(run) -> None:
    act = activate_json(run, "orange")["activation"]
    before = JOURNAL.read_bytes()
    result = run("lift", "--dry-run")
    assert result.exit_code == 0
    assert "would lift" in result.stdout
    assert visible() == [act]
    assert JOURNAL.read_bytes() == before
    assert status_json(run)["active"]["id"] == act


# -- status and history without a journal, options from haze.yaml -------------------------------

@pytest.mark.no_journal
def test_status_and_history_without_a_journal_create_nothing(run) -> None:
    # Run where there is no journal (the wrong directory), they must not answer "no active warning":
    # the officer would take the warning for lifted. One line naming where haze looked, exit 2.
    for args in (["status"], ["status", "--json"], ["history"], ["history", "--json"], ["overdue"], ["lift"]):
        result = run(*args)
        assert result.exit_code == 2, args
        assert result.stdout == "" and result.stderr.strip() == (
            f"haze: error: no journal found: looked for {Path('.haze/journal.db')} in {Path.cwd().resolve()} and every "
            "parent directory; run haze in the directory that holds the bureau's journal, or name it with "
            "--journal FILE (nothing read)"), args
    assert not JOURNAL.parent.exists()


@pytest.mark.no_journal
def test_a_journal_named_in_haze_yaml_that_is_missing_is_said_so(run) -> None:
    write(Path("haze.yaml"), "journal: /media/usb/台账.db\n")  # the stick is not plugged in
    for args in (["status"], ["history"], ["receipt", "91140525MA0KLJY16T"], ["verify", "power.csv"]):
        result = run(*args)
        assert result.exit_code == 2, args
        assert "the journal /media/usb/台账.db does not exist; check the path" in result.stderr, args
        assert "no active warning" not in result.stderr + result.stdout


def test_history_limit_keeps_the_latest(run) -> None:
    activate_json(run, "yellow", "--start", "2025-12-01T08:00")
    activate_json(run, "orange", "--start", "2025-12-01T20:00")
    run("lift", "--at", "2025-12-02T20:00")
    result = run("history", "--json", "--limit", "2")
    assert [e["event"] for e in json.loads(result.stdout)["events"]] == ["adjustment", "lift"]
    assert run("history", "--limit", "0").exit_code == 2


@pytest.mark.no_journal
def test_journal_and_out_come_from_haze_yaml(run) -> None:
    write(Path("haze.yaml"), f"list: {COUNTY}\njournal: records/warnings.db\nout: issued\nformat: txt\n")
    # a journal named in haze.yaml is not made by activate (the stick may not be plugged in): init makes it
    refused = run("activate", "orange", "--json")
    assert refused.exit_code == 2 and "haze init --journal" in refused.stderr and not Path("records").exists()
    assert run("init").exit_code == 0
    result = run("activate", "orange", "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert Path("records/warnings.db").is_file() and not JOURNAL.exists()
    assert all(Path(p).resolve().is_relative_to(Path("issued").resolve()) for p in data["notices"])
    assert any(p.endswith(".txt") for p in data["notices"])
    assert json.loads(run("status", "--json").stdout)["active"]["id"] == data["activation"]


def test_the_journal_option_isolates_warnings(run) -> None:
    activate_json(run, "orange", "--journal", "a.db")
    assert run("init", "--journal", "b.db").exit_code == 0
    assert json.loads(run("status", "--json", "--journal", "b.db").stdout)["active"] is None
    assert json.loads(run("status", "--json", "--journal", "a.db").stdout)["active"]["level"] == "orange"


def test_a_broken_journal_is_one_line(run) -> None:
    write(Path("broken.db"), "not sqlite at all\n" * 50)
    for args in (["status"], ["history"], ["lift"], ["activate", "orange", "--list", str(COUNTY)]):
        result = run(*args, "--journal", "broken.db")
        assert result.exit_code == 2, args
        assert result.stderr.strip().splitlines()[-1].startswith(
            f"haze: error: {Path('broken.db').absolute()}: not a haze journal")
    assert not OUT.exists()


# -- crash safety and recovery ----------------------------------------------------------------

def haze_process(*args: str, cwd: Path) -> subprocess.Popen:
    env = dict(os.environ, HAZE_DEBUG="", NO_COLOR="1")
    return subprocess.Popen([sys.executable, "-m", "haze", *args], cwd=cwd, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for(predicate, what: str, limit: float = 60.0) -> None:
    """Poll until ``predicate()``; the limit only stops a broken test from hanging."""
    deadline = time.monotonic() + limit
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.01)


# Renders the first notice, then loops (practically) forever on the second: a run stuck mid-way.
STUCK = ("{{ notice.number }} {{ enterprise.name }}\n"
         "{% if notice.index == 2 %}{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}"
         "{% endfor %}{% endif %}\n")


def empty_journal() -> None:
    """An existing journal with nothing recorded: activate then renders under its lock, with no dry pass first."""
    from haze.io.journal import Journal

    with Journal(JOURNAL) as journal, journal.transaction():
        pass


def test_killed_while_rendering_leaves_no_record_and_nothing_visible(run, isolated: Path) -> None:
    write(Path("stuck/notice.zh.md.j2"), STUCK)
    empty_journal()
    proc = haze_process("activate", "orange", "--list", str(COUNTY), "--templates", "stuck",
                        "--start", "2025-12-01T20:00", cwd=isolated)
    partial = OUT / ".20251201-200000-orange.pending"
    wait_for(lambda: any(partial.glob(".*.tmp-*/0001-*.md")), "the first notice to be written")
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert visible() == []
    assert journal_rows("SELECT id FROM activations") == []
    assert status_json(run)["active"] is None
    # the next activation works at once, gets the same id and numbers, and clears the leftovers
    data = activate_json(run, "orange", "--start", "2025-12-01T20:00")
    assert data["activation"] == "20251201-200000-orange"
    assert manifest(OUT / data["activation"])["first_number"] == 1
    assert sorted(p.name for p in OUT.iterdir()) == ["20251201-200000-orange"]


def test_a_second_officer_waits_for_the_first_then_sees_its_warning(run, isolated: Path) -> None:
    write(Path("stuck/notice.zh.md.j2"), STUCK)
    empty_journal()
    first = haze_process("activate", "orange", "--list", str(COUNTY), "--templates", "stuck",
                         "--start", "2025-12-01T20:00", cwd=isolated)
    wait_for(lambda: any(OUT.glob(".*.pending/.*.tmp-*/0001-*.md")), "the first run to hold the journal")
    second = haze_process("activate", "orange", "--list", str(COUNTY), "--start", "2025-12-01T20:00",
                          cwd=isolated)
    # the second says it waits; it cannot have recorded anything while the first holds the lock
    line = second.stderr.readline()
    assert "waiting" in line
    # reading never waits for a writer
    assert status_json(run)["active"] is None
    assert history_json(run) == []
    first.send_signal(signal.SIGKILL)
    first.wait()
    _, err = second.communicate(timeout=120)
    assert second.returncode == 0, err
    assert [(e["event"], e["state"]) for e in history_json(run)] == [("activation", "active")]
    assert visible() == ["20251201-200000-orange"]


def test_committed_but_not_yet_moved_notices_are_published_by_the_next_run(run) -> None:
    act = activate_json(run, "orange")["activation"]
    # recreate the state of a run killed between its commit and the move into place
    staging = OUT / f".{act}.pending"
    staging.mkdir()
    (OUT / act).rename(staging / act)
    (staging / MARKER).write_text(str(JOURNAL.resolve()), encoding="utf-8")
    assert "directory not found" in run("status").stdout
    result = run("lift")
    assert result.exit_code == 0, result.stderr
    assert (OUT / act / "manifest.json").is_file()
    assert not staging.exists()


def test_recovered_notices_are_on_disk_before_their_staging_directory_goes(run, monkeypatch) -> None:
    """As publish_staged: after the move, OUT's entry is synced before OUT/.<id>.pending is removed."""
    from haze.commands import staging as staging_module
    from haze.io.journal import Journal

    act = activate_json(run, "orange")["activation"]
    staging = OUT / f".{act}.pending"
    staging.mkdir()
    (OUT / act).rename(staging / act)
    (staging / MARKER).write_text(str(JOURNAL.resolve()), encoding="utf-8")
    synced: list[tuple[Path, bool, bool]] = []  # (directory, published yet, staging still there)
    monkeypatch.setattr(staging_module, "fsync_directory", lambda directory: synced.append(
        (Path(directory), (OUT / act).is_dir(), staging.exists())))
    with Journal(JOURNAL) as journal, journal.transaction():
        assert staging_module.recover(OUT, journal) == [act]
    assert (OUT, True, True) in synced
    assert (OUT / act / "manifest.json").is_file() and not staging.exists()


def test_recovery_leaves_other_journals_staging_alone(run) -> None:
    other = OUT / ".20251201-200000-red.pending"
    (other / "20251201-200000-red").mkdir(parents=True)
    (other / MARKER).write_text("/somewhere/else/journal.db", encoding="utf-8")
    activate_json(run, "orange")
    assert other.is_dir()


def test_officers_racing_leave_one_active_warning_and_a_consistent_history(run, isolated: Path) -> None:
    levels = ["orange", "orange", "red", "yellow"]
    procs = [haze_process("activate", level, "--list", str(COUNTY), "--json", cwd=isolated) for level in levels]
    outcomes = [(p.wait(timeout=120), p.stdout.read(), p.stderr.read()) for p in procs]
    issued = [json.loads(out) for code, out, _ in outcomes if code == 0]
    refused = [err for code, _, err in outcomes if code == 1]
    assert all(code in (0, 1) for code, _, _ in outcomes), outcomes
    assert len(issued) + len(refused) == len(levels)
    assert all("already active" in err for err in refused)
    active = [r for r in journal_rows("SELECT id FROM activations WHERE state = 'active'")]
    assert len(active) == 1
    events = history_json(run)
    assert len(events) == len(issued)
    assert [e["id"] for e in events].count(active[0][0]) == 1
    assert events[-1]["id"] == active[0][0]
    assert all(e["state"] == "superseded" for e in events[:-1])
    # each later one replaced the one before it: a change of level is an adjustment, the same level a re-issue
    for before, after in zip(events, events[1:]):
        if after["level"] == before["level"]:
            assert (after["event"], after["previous_level"]) == ("reissue", None)
        else:
            assert (after["event"], after["previous_level"]) == ("adjustment", before["level"])
    # notice numbers: never repeated, none lost
    numbers = [r[0] for r in journal_rows("SELECT number FROM notices")]
    assert len(numbers) == len(set(numbers)) == county_count() * len(issued)
    assert sorted(visible()) == sorted(d["activation"] for d in issued)


# -- start-up weight ---------------------------------------------------------------------------

def test_status_and_history_import_nothing_heavy() -> None:
    code = (
        "import sys\n"
        "from haze.cli import cli\n"
        "import haze.cli.status, haze.cli.history\n"
        "for args in (['status', '--json'], ['history', '--json']):\n"
        "    try:\n"
        "        cli(args, standalone_mode=False)\n"
        "    except SystemExit:\n"
        "        pass\n"
        "heavy = [m for m in ('jinja2', 'rich', 'yaml', 'openpyxl', 'haze.io.lists', 'haze.render.notices', 'haze.commands.inputs')\n"
        "         if m in sys.modules]\n"
        "print('heavy:', ','.join(heavy))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip().splitlines()[-1] == "heavy:"


def test_every_command_has_help(run) -> None:
    for name in ("activate", "lift", "status", "history"):
        result = run(name, "--help")
        assert result.exit_code == 0
        assert "--journal" in result.stdout


def test_interrupted_while_rendering_records_nothing_and_cleans_up() -> None:
    from haze.commands import activate
    from haze.core.model import Level

    def interrupt(done: int, total: int) -> None:
        if done == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        activate.run(activate.Settings(level=Level.ORANGE, list_path=COUNTY), progress=interrupt)
    assert not OUT.exists() or not any(OUT.iterdir())
    assert journal_rows("SELECT id FROM activations") == []
    assert journal_rows("SELECT * FROM counters") == []


def test_an_out_that_cannot_be_a_directory_records_nothing(run) -> None:
    write(Path("taken"), "a file, not a directory\n")
    result = activate(run, "orange", "--out", "taken")
    assert result.exit_code == 2 and "is a file" in result.stderr  # click's own check
    result = activate(run, "orange", "--out", "taken/notices")
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines()[-1].startswith("haze: error: cannot write notices")
    assert journal_rows("SELECT id FROM activations") == []


def test_language_and_format_reach_activation_and_lift_notices(run) -> None:
    data = activate_json(run, "orange", "--lang", "en", "--format", "html")
    folder = OUT / data["activation"]
    assert (folder / "index.html").is_file()
    notice = (folder / manifest(folder)["notices"][0]["file"]).read_text(encoding="utf-8")
    assert notice.lstrip().lower().startswith("<!doctype html") and "orange" in notice.lower()
    lifted = json.loads(run("lift", "--json", "--lang", "en", "--format", "txt").stdout)
    assert all(p.endswith((".txt", ".json", "sms.csv")) for p in lifted["notices"])


# -- the journal is found like haze.yaml ----------------------------------------------------------

def test_the_journal_is_found_from_a_subdirectory(run, isolated: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    act = activate_json(run, "orange", "--start", "2025-12-01T20:00")["activation"]
    journal = journal_file()
    sub = Path("lists/2025")
    sub.mkdir(parents=True)
    monkeypatch.chdir(sub)
    data = status_json(run)
    assert data["journal"] == str(journal) and data["active"]["id"] == act
    status = run("status").stdout
    assert "ACTIVE: orange" in status and f" journal     {journal}\n" in status
    # an adjustment from here is recorded in the same journal: numbers run on, no second journal appears
    result = activate(run, "red", "--start", "2025-12-02T08:00")
    assert result.exit_code == 0, result.stderr
    assert f"recorded in {journal}" in result.stdout and "a new journal" not in result.stdout
    assert not Path(".haze").exists()
    red = history_json(run, journal)[-1]
    assert (red["event"], red["previous_level"]) == ("adjustment", "orange")
    assert manifest(Path(red["notices"]["directory"]))["first_number"] == county_count() + 1
    # and its notices join the others beside the journal, not in a notices/ of this subdirectory
    assert Path(red["notices"]["directory"]) == journal.parent.parent / "notices" / red["id"]
    assert not Path("notices").exists()
    assert f"journal: {journal}" in run("history").stdout
    assert run("lift").exit_code == 0
    assert status_json(run)["active"] is None
    assert not Path("notices").exists() and len(visible(journal.parent.parent / "notices")) == 3
    # --out still wins, relative to where haze runs
    assert activate(run, "yellow", "--out", "here").exit_code == 0 and len(visible(Path("here"))) == 1
    monkeypatch.chdir(isolated)
    assert status_json(run)["active"]["level"] == "yellow" and len(history_json(run, journal)) == 4


def test_an_explicit_journal_wins_over_the_one_found(run, isolated: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    activate_json(run, "orange")
    monkeypatch.chdir(write(Path("sub/x"), "").parent)
    named = run("status", "--json", "--journal", "other.db")  # not the one found above: refused, not replaced
    assert named.exit_code == 2 and f"the journal {Path('other.db').absolute()} does not exist" in named.stderr
    assert run("init", "--journal", "other.db").exit_code == 0
    data = json.loads(run("status", "--json", "--journal", "other.db").stdout)
    assert data == {"journal": str(Path("other.db").absolute()), "active": None}


# -- data is never read as rich markup ---------------------------------------------------------------

MARKUP = """\
list:
  region: "[bold red]示例县[/]"
  authority: "示例县[/]生态环境局"
  doc_prefix: "示环[/]应急"
enterprises:
  - id: 91140525MA0KLJY16T
    name: "[bold red]示例县永丰[/]铸造有限公司"
    grade: B
    emissions: {so2: 73, nox: 146}
"""


def test_names_paths_ids_and_the_user_are_shown_as_written_never_as_markup(run) -> None:
    listfile = write(Path("[bold red]lists[/]") / "county.yaml", MARKUP)
    env = {"LOGNAME": "duty[/]", "USER": "duty[/]"}
    journal, out = "rec[bold red]/j[/].db", "out[/]"
    result = run("activate", "orange", "--list", listfile, "--journal", journal, "--out", out,
                 "--start", "2025-12-01T20:00", env=env)
    assert result.exit_code == 0, result.stderr
    assert f"(示环[/]应急〔{datetime_year()}〕1号 – 示环[/]应急〔{datetime_year()}〕1号)" in result.stdout
    assert f"{Path(out).absolute() / '20251201-200000-orange'}{os.sep}" in result.stdout
    assert f"recorded in {Path(journal).absolute()}" in result.stdout
    status = run("status", "--journal", journal, env=env)
    assert status.exit_code == 0, status.stderr
    assert "by duty[/]" in status.stdout and f"{Path(listfile).resolve()} (sha256" in status.stdout
    lifted = run("lift", "--journal", journal, "--out", out, env=env)
    assert lifted.exit_code == 0, lifted.stderr
    assert "示环[/]应急〔" in lifted.stdout and f"in {Path(journal).absolute()}" in lifted.stdout
    history = run("history", "--journal", journal, env=env)
    assert history.exit_code == 0 and "20251201-200000-orange" in history.stdout


def datetime_year() -> str:
    from datetime import datetime

    from haze.core.timeparse import SHANGHAI

    return str(datetime.now(SHANGHAI).year)  # notices are numbered by the year they are issued


# -- a ratio just short is never shown as reaching the requirement -------------------------------------

def test_strict_refusal_and_the_shortfall_panel_never_round_29_999_up_to_30(run) -> None:
    short = write(Path("short.yaml"), PM_JUST_SHORT)  # PM: 59998 × 50% / 100000 = 29.999% < 30%
    refused = activate(run, "orange", "--strict", listfile=short)
    assert refused.exit_code == 1
    assert "PM 29.99% < 30.00%" in refused.stderr and "30.0%" not in refused.stderr
    issued = activate(run, "orange", "--json", listfile=short)
    assert issued.exit_code == 0
    panel = " ".join(issued.stderr.split())
    assert "PM 颗粒物: reached 29.99%, required 30.00%, short" in panel
    assert "reached 30.00%" not in panel


# -- lifting before the start, a start far from now ---------------------------------------------------

def test_a_lift_before_the_warning_started_is_refused_and_writes_nothing(run) -> None:
    act = activate_json(run, "orange", "--start", "2025-12-01T20:00")["activation"]
    before = JOURNAL.read_bytes()
    for args in (["--at", "2025-12-01T19:59"], ["--at", "2025-12-01T19:59", "--dry-run"]):
        result = run("lift", *args)
        assert result.exit_code == 2, args
        assert result.stderr.strip().splitlines() == [(
            f"haze: error: cannot lift warning {act} at 2025-12-01 19:59: it starts at 2025-12-01 20:00; "
            "give --at no earlier than that (nothing written or recorded)")]
    assert visible() == [act] and not [p for p in OUT.iterdir() if p.name != act]
    assert JOURNAL.read_bytes() == before
    assert status_json(run)["active"]["id"] == act
    assert run("lift", "--at", "2025-12-01T20:00").exit_code == 0  # at the start itself: allowed


def test_a_start_far_from_now_is_warned_about(run) -> None:
    from datetime import datetime, timedelta

    from haze.core.timeparse import SHANGHAI

    result = activate(run, "orange", "--json", "--start", "2025-12-01T20:00")
    assert result.exit_code == 0
    json.loads(result.stdout)  # stdout stays pure JSON
    warning = [line for line in result.stderr.splitlines() if line.startswith("haze: warning: --start")]
    assert len(warning) == 1 and "2025-12-01 20:00 is" in warning[0] and "before now" in warning[0]
    soon = (datetime.now(SHANGHAI) + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    result = activate(run, "red", "--start", soon)
    assert result.exit_code == 0 and "haze: warning: --start" not in result.stderr
    far = (datetime.now(SHANGHAI) + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    result = activate(run, "yellow", "--dry-run", "--start", far)
    assert "haze: warning: --start" in result.stderr and "after now" in result.stderr


# -- a failure after the commit says the warning IS recorded ----------------------------------------

@pytest.mark.parametrize(("failure", "code", "says"), [
    (PermissionError(13, "Permission denied"), 1, "IS recorded"),
    (KeyboardInterrupt(), 130, "interrupted after recording"),
])
def test_a_failed_move_after_the_commit_says_the_warning_is_recorded(run, monkeypatch: pytest.MonkeyPatch,
                                                                     failure: BaseException, code: int,
                                                                     says: str) -> None:
    import haze.commands.staging

    def fail(*args: object) -> bool:
        raise failure

    real = haze.commands.staging.move_into_place
    monkeypatch.setattr(haze.commands.staging, "move_into_place", fail)
    result = activate(run, "orange", "--start", "2025-12-01T20:00")
    assert result.exit_code == code
    (line,) = result.stderr.strip().splitlines()[-1:]
    staged = OUT / ".20251201-200000-orange.pending" / "20251201-200000-orange"
    assert says in line and str(staged) in line and "nothing" not in line
    assert (staged / "manifest.json").is_file()  # complete, waiting
    assert status_json(run)["active"]["id"] == "20251201-200000-orange"
    monkeypatch.setattr(haze.commands.staging, "move_into_place", real)
    lifted = run("lift")
    assert lifted.exit_code == 0, lifted.stderr  # the next run moves them into place
    assert (OUT / "20251201-200000-orange" / "manifest.json").is_file() and not staged.exists()


def test_notices_are_on_disk_before_the_journal_commits(run, monkeypatch: pytest.MonkeyPatch) -> None:
    from contextlib import contextmanager

    from haze.io.journal import Journal

    events: list[object] = []
    real_fsync, real_transaction = os.fsync, Journal.transaction

    def fsync(fd: int) -> None:
        st = os.fstat(fd)
        events.append((st.st_dev, st.st_ino))
        real_fsync(fd)

    @contextmanager
    def transaction(self, **options):
        with real_transaction(self, **options) as journal:
            yield journal
        events.append("commit")

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(Journal, "transaction", transaction)
    data = activate_json(run, "orange")
    folder = OUT / data["activation"]
    before = set(events[:events.index("commit")])
    after = events[events.index("commit") + 1:]

    def key(p: Path) -> tuple[int, int]:
        return p.stat().st_dev, p.stat().st_ino

    assert {key(folder / name) for name in os.listdir(folder)} <= before  # every file
    assert key(folder) in before and key(OUT) in before  # its directory, and the staging entry in OUT
    assert key(OUT) in after  # the move into place


# -- the bureau's duty contact ------------------------------------------------------------------------

def test_the_lists_duty_contact_reaches_activation_and_lift_notices(run) -> None:
    text = (EXAMPLES / "worked-example.yaml").read_text(encoding="utf-8")
    listfile = write(Path("contact.yaml"), text.replace("  doc_prefix: 示环应急\n",
                                                         '  doc_prefix: 示环应急\n'
                                                         '  contact: {name: 值班员赵敏, phone: "0356-2000100"}\n'))
    act = activate_json(run, "orange", listfile=listfile)
    notice = (OUT / act["activation"] / manifest(OUT / act["activation"])["notices"][0]["file"]).read_text(
        encoding="utf-8")
    assert "我局联系人：值班员赵敏　联系电话：0356-2000100" in notice
    lifted = json.loads(run("lift", "--json").stdout)
    folder = OUT / lifted["lift"]
    notice = (folder / manifest(folder)["notices"][0]["file"]).read_text(encoding="utf-8")
    assert "我局联系人：值班员赵敏　联系电话：0356-2000100" in notice
    # without one, blanks to fill in by hand
    plain = activate_json(run, "orange", listfile=EXAMPLES / "worked-example.yaml")
    notice = (OUT / plain["activation"] / manifest(OUT / plain["activation"])["notices"][0]["file"]).read_text(
        encoding="utf-8")
    assert "我局联系人：＿＿＿＿＿＿　联系电话：＿＿＿＿＿＿" in notice


def test_an_adjustment_starting_before_the_active_warning_is_refused_and_writes_nothing(run) -> None:
    act = activate_json(run, "orange", "--start", "2025-12-01T20:00")["activation"]
    before = JOURNAL.read_bytes()
    for level, action, extra in (("red", "adjust", []), ("red", "adjust", ["--dry-run"]),
                                 ("orange", "re-issue", ["--force"])):
        result = activate(run, level, "--start", "2025-12-01T19:00", *extra)
        assert result.exit_code == 2, (level, extra)
        assert result.stderr.strip().splitlines() == [(
            f"haze: error: cannot {action} warning {act} at 2025-12-01 19:00: it starts at 2025-12-01 20:00; "
            "give --start no earlier than that (nothing written or recorded)")]
    assert visible() == [act] and not [p for p in OUT.iterdir() if p.name != act]
    assert JOURNAL.read_bytes() == before
    assert [(e["event"], e["state"]) for e in history_json(run)] == [("activation", "active")]
    # from the warning's own start on, the adjustment is allowed
    assert activate_json(run, "red", "--start", "2025-12-01T20:00")["adjusted_from"] == act


@pytest.mark.no_journal
def test_a_failed_activate_leaves_no_journal_and_no_out_directory(run, monkeypatch: pytest.MonkeyPatch) -> None:
    journal, out = Path("t6.db"), Path("n6")
    result = activate(run, "red", "--journal", journal, "--out", out, "--templates", "/nonexist")
    assert result.exit_code == 2 and "templates directory not found" in result.stderr
    assert not journal.exists() and not out.exists()
    # an undefined variable in a user template: the same, with a new journal, a new .haze/ and a nested --out
    templates = write(Path("mine") / "notice.zh.md.j2", "{{ notice.number }}\n{{ enterprise.no_such_field }}\n").parent
    from haze.cli import journal_options as cli_lifecycle

    monkeypatch.setattr(cli_lifecycle, "interactive", lambda: True)  # the officer confirms a new .haze/journal.db
    for args in (["--journal", journal, "--out", out / "deep"], ["--out", out]):
        result = run("activate", "red", "--list", COUNTY, "--templates", templates, *args, input="y\n")
        assert result.exit_code == 2 and "no_such_field" in result.stderr, args
        assert not journal.exists() and not out.exists() and not JOURNAL.parent.exists(), args
    # with a journal and an out directory already there, they stay (and nothing is added to them)
    act = activate_json(run, "orange", "--journal", journal, "--out", out, "--start", "2025-12-01T20:00")["activation"]
    before = journal.read_bytes()
    result = activate(run, "red", "--journal", journal, "--out", out, "--templates", templates)
    assert result.exit_code == 2
    assert journal.read_bytes() == before and sorted(p.name for p in out.iterdir()) == [act]
    # a fresh --out under an existing journal is removed again when the run fails before recording
    result = activate(run, "red", "--journal", journal, "--out", Path("n7") / "x", "--templates", templates)
    assert result.exit_code == 2 and not Path("n7").exists()
