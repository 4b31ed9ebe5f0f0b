"""Issue 17/18, time side: bounded times, the times duty officers type, the horizon, void,
the journal's own order, "now" taken under the lock, and expired warnings.

Clocks are stepped by replacing ``haze.commands.issuing.clock`` (the one place
haze reads the computer's time for activate and lift), never by sleeping.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import EXAMPLES, write
from haze.commands import issuing
from haze.core.errors import UsageError
from haze.core.timeparse import SHANGHAI, parse_when
from haze.core import timeparse

LIST = EXAMPLES / "small-fails-orange.yaml"
NOW = datetime(2026, 12, 1, 23, 10, tzinfo=SHANGHAI)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


# -- 18.8: what a duty officer types ------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("20:00", "2026-12-01T20:00"),
    ("８:０５", "2026-12-01T08:05"),
    ("20时", "2026-12-01T20:00"),
    ("20点半", "2026-12-01T20:30"),
    ("今天20时", "2026-12-01T20:00"),
    ("今天 20:30", "2026-12-01T20:30"),
    ("明天8时", "2026-12-02T08:00"),
    ("明天 8点30分", "2026-12-02T08:30"),
    ("今晚8时", "2026-12-01T20:00"),
    ("今晚20时", "2026-12-01T20:00"),
    ("明晚9点", "2026-12-02T21:00"),
    ("昨天22时", "2026-11-30T22:00"),
    ("今天24时", "2026-12-02T00:00"),
    # the morning and the parts of a day as an officer says them (QA helper-49: all were refused)
    ("明早8时", "2026-12-02T08:00"),
    ("今早8时", "2026-12-01T08:00"),
    ("明晨6点", "2026-12-02T06:00"),
    ("明天上午8时", "2026-12-02T08:00"),
    ("明天下午3点", "2026-12-02T15:00"),
    ("今天晚上9点半", "2026-12-01T21:30"),
    ("中午1点", "2026-12-01T13:00"),
    ("中午12时", "2026-12-01T12:00"),
    ("凌晨5时", "2026-12-01T05:00"),
    ("23点30", "2026-12-01T23:30"),
    ("now", "2026-12-01T23:10"),
    ("现在", "2026-12-01T23:10"),
])
def test_duty_officer_forms_are_read_in_beijing_time(text: str, expected: str) -> None:
    assert parse_when(text, NOW) == at(expected)


def test_tomorrow_at_new_year_is_next_year() -> None:
    assert parse_when("明天8时", datetime(2026, 12, 31, 23, 0, tzinfo=SHANGHAI)) == at("2027-01-01T08:00")


@pytest.mark.parametrize("text", ["25:00", "今天25时", "明天", "20:61", "后天8时"])
def test_impossible_duty_times_are_one_clear_line(text: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_when(text, NOW)
    assert "\n" not in str(caught.value)


def test_error_examples_name_the_current_year() -> None:
    with pytest.raises(UsageError) as caught:
        parse_when("garbage", datetime(2031, 5, 1, tzinfo=SHANGHAI))
    assert "2031-12-01T20:00" in str(caught.value) and "2025" not in str(caught.value)


# -- 17.12: bounded times -----------------------------------------------------------

@pytest.mark.parametrize("text", ["0001-01-01T00:00+14:00", "9999-12-31T23:59-12:00", "0001-01-01",
                                  "2100-01-01T00:00", "1999-12-31T23:00", "2099-12-31T23:59-12:00",
                                  "0001年1月1日0时"])
def test_times_outside_the_sane_range_are_refused(text: str) -> None:
    with pytest.raises(UsageError, match="outside 2000–2099"):
        parse_when(text, NOW)


@given(st.floats(allow_nan=True, allow_infinity=True))
def test_hours_are_accepted_only_within_bounds(hours: float) -> None:
    if timeparse.MIN_HOURS <= hours <= timeparse.MAX_HOURS:
        assert timeparse.check_hours(hours) == hours
    else:
        with pytest.raises(UsageError):
            timeparse.check_hours(hours)


@pytest.mark.parametrize("args", [("--hours", "1e12"), ("--hours", "1e9"), ("--hours", "0.0001"),
                                  ("--start", "0001-01-01T00:00+14:00"), ("--start", "9999-12-31T23:59-12:00"),
                                  ("--start", "0001-01-01"), ("--until", "9999-12-31T23:59")])
def test_absurd_times_are_one_line_and_exit_2(run, tmp_path: Path, args: tuple[str, str]) -> None:
    result = run("activate", "orange", "--list", LIST, "--journal", tmp_path / "j.db", *args)
    assert result.exit_code == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("haze: error: ") and "internal error" not in lines[0]
    assert not (tmp_path / "j.db").exists() or not Path("notices").exists()


def test_an_explicit_start_with_seconds_names_one_minute_in_id_and_notice(run, tmp_path: Path) -> None:
    start = (datetime.now(SHANGHAI) - timedelta(hours=2)).replace(second=17, microsecond=0)
    result = run("activate", "orange", "--list", LIST, "--journal", tmp_path / "j.db", "--json",
                 "--start", start.strftime("%Y-%m-%dT%H:%M:%S"))
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["activation"].startswith(start.strftime("%Y%m%d-%H%M00-"))
    notice = Path(data["notices"][0]).read_text(encoding="utf-8")
    minute = f"{start.hour}时{start.minute}分" if start.minute else f"{start.hour}时"
    assert f"{start.year}年{start.month}月{start.day}日{minute}" in notice
    status = json.loads(run("status", "--journal", tmp_path / "j.db", "--json").stdout)
    assert datetime.fromisoformat(status["active"]["start"]).second == 0


# -- 17.7: the horizon, and void ------------------------------------------------------

def test_a_start_beyond_the_horizon_needs_force(run, tmp_path: Path) -> None:
    far = (datetime.now(SHANGHAI) + timedelta(days=4)).strftime("%Y-%m-%dT%H:%M")
    journal = tmp_path / "j.db"
    result = run("activate", "orange", "--list", LIST, "--journal", journal, "--start", far)
    assert result.exit_code == 2
    assert "activation_horizon_hours" in result.stderr and "--force" in result.stderr
    assert not journal.exists() and not Path("notices").exists()
    assert run("activate", "orange", "--list", LIST, "--journal", journal, "--start", far, "--force").exit_code == 0


def test_the_horizon_is_policy_data(run, tmp_path: Path) -> None:
    from haze.core.policy import load_policy

    shipped = Path(load_policy.__code__.co_filename).parent / "policies" / "shanxi-2024.yaml"
    policy = write(tmp_path / "wide.yaml", shipped.read_text(encoding="utf-8").replace(
        "name: shanxi-2024", "name: wide-horizon\nactivation_horizon_hours: 200", 1))
    assert load_policy(str(policy)).activation_horizon_hours == 200
    far = (datetime.now(SHANGHAI) + timedelta(days=4)).strftime("%Y-%m-%dT%H:%M")
    result = run("activate", "orange", "--list", LIST, "--policy", policy, "--journal", tmp_path / "j.db",
                 "--start", far)
    assert result.exit_code == 0, result.stderr


def test_a_mistaken_far_future_activation_can_be_voided(run, tmp_path: Path) -> None:
    journal = tmp_path / "j.db"
    wrong = (datetime.now(SHANGHAI) + timedelta(days=365 * 36)).strftime("%Y-%m-%dT%H:%M")  # 2062 for 2026
    first = json.loads(run("activate", "orange", "--list", LIST, "--journal", journal, "--start", wrong, "--force",
                           "--json").stdout)
    numbers = len([p for p in first["notices"] if Path(p).name[:4].isdigit()])  # not index, manifest
    # before: lift refuses (--at before the start), an adjustment too
    assert run("lift", "--journal", journal).exit_code == 2
    result = run("void", "--reason", "年份输错，应为今年", "--journal", journal, "--json")
    assert result.exit_code == 0, result.stderr
    voided = json.loads(result.stdout)
    assert voided["activation"] == first["activation"] and len(voided["notices"]) == numbers
    # recorded as such: no active warning, history says void, the void record lists every notice
    assert json.loads(run("status", "--journal", journal, "--json").stdout)["active"] is None
    events = json.loads(run("history", "--journal", journal, "--json").stdout)["events"]
    assert [(e["event"], e["state"]) for e in events] == [("activation", "void"), ("void", None)]
    record = Path(voided["record"])
    listed = json.loads((record / "void.json").read_text(encoding="utf-8"))
    assert [n["number"] for n in listed["notices"]] == voided["notices"]
    assert listed["reason"] == "年份输错，应为今年"
    assert all(n in (record / "void.md").read_text(encoding="utf-8") for n in voided["notices"])
    # the voided notices are left as issued (their manifest stays true)
    assert (Path(first["notices"][0]).parent / "manifest.json").is_file()
    # the correct warning can be issued at once; numbers are never reused
    second = json.loads(run("activate", "orange", "--list", LIST, "--journal", journal, "--json").stdout)
    manifest = json.loads((Path(second["notices"][0]).parent / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["first_number"] == numbers + 1
    conn = sqlite3.connect(journal)
    assert conn.execute("SELECT activation_id, reason FROM voids").fetchall() == [(first["activation"],
                                                                                  "年份输错，应为今年")]
    conn.close()


def test_void_refuses_what_it_cannot_void(run, tmp_path: Path) -> None:
    journal = tmp_path / "j.db"
    missing = run("void", "--reason", "x", "--journal", journal)  # no journal: said so, exit 2, nothing made
    assert missing.exit_code == 2 and "does not exist" in missing.stderr and not journal.exists()
    assert run("void", "--journal", journal).exit_code == 2  # --reason is required
    act = json.loads(run("activate", "orange", "--list", LIST, "--journal", journal, "--json").stdout)["activation"]
    assert run("void", act, "--reason", "  ", "--journal", journal).exit_code == 2
    assert run("void", "no-such-id", "--reason", "x", "--journal", journal).exit_code == 2
    assert run("void", act, "--reason", "错误清单", "--journal", journal).exit_code == 0
    again = run("void", act, "--reason", "again", "--journal", journal)
    assert again.exit_code == 2 and "void already" in again.stderr


# -- 17.8: the journal's own order; a clock stepped back ---------------------------------

class Clock:
    """A computer clock the test sets; every read returns the current setting."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


def test_a_clock_stepped_back_cannot_overlap_warnings_and_history_keeps_the_journal_order(
        run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    clock = Clock(at("2026-03-01T20:00:05"))
    monkeypatch.setattr(issuing, "clock", clock)
    journal = tmp_path / "j.db"
    first = json.loads(run("activate", "orange", "--list", LIST, "--journal", journal, "--json").stdout)
    clock.now = at("2026-03-01T23:00:05")
    assert run("lift", "--journal", journal).exit_code == 0
    clock.now = at("2026-03-01T18:00:05")  # the clock is set back five hours
    refused = run("activate", "red", "--list", LIST, "--journal", journal)
    assert refused.exit_code == 2 and "clock" in refused.stderr and "2026-03-01 23:00" in refused.stderr
    # an explicit start after the last event is fine, though recorded "earlier" by the wall clock
    later = json.loads(run("activate", "red", "--list", LIST, "--journal", journal, "--start", "2026-03-02T08:00",
                           "--json").stdout)
    events = json.loads(run("history", "--journal", journal, "--json").stdout)["events"]
    assert [e["id"] for e in events][0] == first["activation"]
    assert [e["event"] for e in events] == ["activation", "lift", "activation"]
    assert events[-1]["id"] == later["activation"]
    assert events[-1]["recorded"] < events[0]["recorded"]  # the wall clock disagrees; the sequence decides


# -- 17.11: a default start is taken when the journal's lock is held ------------------------

def test_a_default_start_is_the_time_the_lock_is_held(run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    journal = tmp_path / "j.db"
    clock = Clock(at("2026-03-01T23:00:10"))
    monkeypatch.setattr(issuing, "clock", clock)
    # officer A's orange warning starts at 23:00
    assert run("activate", "orange", "--list", LIST, "--journal", journal, "--start", "2026-03-01T23:00").exit_code == 0
    # officer B typed `activate red` at 22:59:50 and waited; by the time B holds the lock it is 23:00:30
    reads = iter([at("2026-03-01T22:59:50")])

    def stepping() -> datetime:
        return next(reads, at("2026-03-01T23:00:30"))

    monkeypatch.setattr(issuing, "clock", stepping)
    result = run("activate", "red", "--list", LIST, "--journal", journal, "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["activation"].startswith("20260301-230000-red") and data["adjusted_from"]


def test_a_first_activation_keeps_its_start_when_the_minute_turns_while_it_renders(
        run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A new journal: the set is rendered before the journal exists, and nobody else can have held
    # its lock meanwhile. The minute turning during that render (a loaded machine, CI) must not
    # throw the set away and render it again for the new minute.
    import haze.render.notices

    renders: list[int] = []
    real = haze.render.notices.render_activation
    monkeypatch.setattr(haze.render.notices, "render_activation",
                        lambda *a, **k: renders.append(1) or real(*a, **k))
    reads = iter([at("2026-03-01T22:59:58")])
    monkeypatch.setattr(issuing, "clock", lambda: next(reads, at("2026-03-01T23:00:03")))
    journal = tmp_path / "new" / "j.db"
    result = run("activate", "orange", "--list", LIST, "--journal", journal, "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["activation"].startswith("20260301-225900-orange")
    assert len(renders) == 1


# -- 18.7: a warning past its end ----------------------------------------------------------

def test_an_expired_warning_is_expired_in_status_and_lifted_at_its_end(run, tmp_path: Path) -> None:
    journal = tmp_path / "j.db"
    start = (datetime.now(SHANGHAI) - timedelta(hours=5)).replace(second=0, microsecond=0)
    assert run("activate", "orange", "--list", LIST, "--journal", journal, "--hours", "2",
               "--start", start.strftime("%Y-%m-%dT%H:%M")).exit_code == 0
    status = run("status", "--journal", journal).stdout
    assert "EXPIRED: orange" in status and "ACTIVE" not in status
    assert json.loads(run("status", "--journal", journal, "--json").stdout)["active"]["ended"] is True
    # an --at after its end contradicts the notices: refused
    late = run("lift", "--journal", journal, "--at", datetime.now(SHANGHAI).strftime("%Y-%m-%dT%H:%M"))
    assert late.exit_code == 2 and "already ended" in late.stderr
    lifted = json.loads(run("lift", "--journal", journal, "--json").stdout)
    assert datetime.fromisoformat(lifted["at"]) == start + timedelta(hours=2)


def test_lift_at_far_ahead_is_refused(run, tmp_path: Path) -> None:
    journal = tmp_path / "j.db"
    assert run("activate", "orange", "--list", LIST, "--journal", journal).exit_code == 0
    far = (datetime.now(SHANGHAI) + timedelta(days=3, hours=12)).strftime("%Y-%m-%dT%H:%M")
    result = run("lift", "--journal", journal, "--at", far)
    assert result.exit_code == 2 and "activation_horizon_hours" in result.stderr
    assert json.loads(run("status", "--journal", journal, "--json").stdout)["active"] is not None


@pytest.mark.parametrize(("ui", "said"), [("en", "beyond the 72 hours haze's default allows (activation_horizon_hours)"),
                                         ("zh", "超出 haze 默认允许的 72 小时（activation_horizon_hours）")])
def test_a_lift_beyond_the_horizon_names_the_key_once(run, tmp_path: Path, ui: str, said: str) -> None:
    journal = tmp_path / "j.db"
    assert run("activate", "orange", "--list", LIST, "--journal", journal).exit_code == 0
    far = (datetime.now(SHANGHAI) + timedelta(days=4)).strftime("%Y-%m-%dT%H:%M")
    result = run("--ui", ui, "lift", "--journal", journal, "--at", far)
    assert result.exit_code == 2
    line = "".join(result.stderr.split())  # the error line is filled to the terminal: compare without breaks
    assert "".join(said.split()) in line and line.count("activation_horizon_hours") == 1, line
