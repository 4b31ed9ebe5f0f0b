"""The command line as the duty officer met it at night (QA, duty night).

An interrupted "new journal?" question is an interruption like any other (exit 130, nothing
written); a list given without --list gets a hint; a new journal is announced before what was
recorded in it; status and history say in their help that no journal is exit 2.
"""

from __future__ import annotations

import os
import select
import sys
import time
from pathlib import Path

import pytest

from conftest import COUNTY, write

INTERRUPTED = "haze: interrupted; `haze status` shows whether a warning was recorded"


def nothing_written(where: Path) -> None:
    assert not (where / ".haze").exists() and not (where / "notices").exists(), sorted(where.iterdir())


@pytest.mark.no_journal
def test_ctrl_d_at_the_new_journal_question_is_an_interruption(run, isolated: Path, monkeypatch) -> None:
    from haze.cli import journal_options

    monkeypatch.setattr(journal_options, "interactive", lambda: True)  # an officer at a terminal
    result = run("activate", "orange", "--list", COUNTY, input="")  # Ctrl-D: end of input at the prompt
    assert result.exit_code == 130, result.output
    assert "Start a NEW journal there?" in result.stderr and INTERRUPTED in result.stderr
    assert "Aborted" not in result.output
    zh = run("--ui", "zh", "activate", "orange", "--list", COUNTY, input="")
    assert zh.exit_code == 130 and "已中断；用 `haze status` 查看" in zh.stderr and "已中止" not in zh.output
    nothing_written(isolated)


def at_a_terminal(args: list[str], keys: bytes, timeout: float = 60) -> tuple[str, int]:
    """Run haze on a pseudo-terminal, type ``keys`` at its [y/N] question, return what it showed and its exit."""
    import pty

    pid, fd = pty.fork()
    if pid == 0:  # the child: haze, its terminal the pty (Ctrl-C there is SIGINT, as at a real one)
        try:
            os.execv(sys.executable, [sys.executable, "-m", "haze", *args])
        finally:
            os._exit(127)
    shown, typed, deadline = b"", False, time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            shown += chunk
        if not typed and b"[y/N]" in shown:
            # as a person types: not in the instant between the prompt and the read (a key there is a
            # signal CPython's readline loop may not see until the next key, at any terminal)
            time.sleep(0.5)
            os.write(fd, keys)
            typed = True
    else:
        os.kill(pid, 9)
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return shown.decode("utf-8", "replace").replace("\r\n", "\n"), os.waitstatus_to_exitcode(status)


@pytest.mark.no_journal
@pytest.mark.skipif(sys.platform == "win32", reason="a POSIX pseudo-terminal")
@pytest.mark.parametrize("key", [b"\x03", b"\x04"], ids=["ctrl-c", "ctrl-d"])
def test_a_key_at_the_question_on_a_real_terminal(isolated: Path, key: bytes) -> None:
    """What the QA tester saw: `…[y/N]: ^C已中止。` and exit 1; docs/zh/troubleshooting.md says 130."""
    shown, code = at_a_terminal(["--ui", "zh", "activate", "orange", "--list", str(COUNTY)], key)
    assert code == 130, shown
    assert "[y/N]" in shown and "已中止" not in shown
    # the message on a line of its own, not after the prompt's ^C
    assert "\nhaze：已中断；用 `haze status` 查看预警是否已记入台账" in shown, shown
    nothing_written(isolated)


@pytest.mark.parametrize("command", ["check", "activate", "plan", "export"])
def test_a_list_given_without_list_gets_a_hint(run, isolated: Path, command: str) -> None:
    write(isolated / "example-county-2025.yaml", COUNTY.read_text(encoding="utf-8"))
    output = ["-o", "out.csv"] if command == "export" else []
    result = run(command, "orange", *output, "example-county-2025.yaml")
    assert result.exit_code == 2
    assert "unexpected extra argument (example-county-2025.yaml)" in result.stderr
    assert f"give the list with --list: cli {command} orange {' '.join(output)} --list example-county-2025.yaml" \
        .replace("  ", " ") in result.stderr


def test_the_hint_in_chinese_and_for_names_that_are_no_file_yet(run) -> None:
    result = run("--ui", "zh", "check", "orange", "督查 清单.xlsx", "b.csv")
    assert result.exit_code == 2
    assert "错误：多余的参数：督查 清单.xlsx b.csv" in result.stderr
    assert "清单请用 --list 指定：cli check orange --list '督查 清单.xlsx' --list b.csv" in result.stderr


def test_no_hint_for_other_extra_arguments_or_commands_without_list(run) -> None:
    result = run("check", "orange", "red")
    assert result.exit_code == 2 and "extra argument (red)" in result.stderr and "--list" not in result.stderr
    result = run("status", "x.yaml")
    assert result.exit_code == 2 and "extra argument (x.yaml)" in result.stderr and "--list:" not in result.stderr


@pytest.mark.no_journal
def test_a_new_journal_is_said_before_what_was_recorded_in_it(run, isolated: Path) -> None:
    result = run("activate", "orange", "--list", COUNTY, "--journal", "NEW.db")
    assert result.exit_code == 0, result.output
    out = " ".join(result.stdout.split())
    assert out.index("a new journal: ") < out.index("recorded in ") and "NEW.db; its notice numbers began" in out
    zh = run("--ui", "zh", "activate", "red", "--list", COUNTY, "--journal", "NEW2.db")
    out = " ".join(zh.stdout.split())
    assert out.index("新建台账：") < out.index("已记入 ") and "NEW2.db；" in out


@pytest.mark.no_journal
@pytest.mark.parametrize("command", ["status", "history"])
def test_help_says_no_journal_is_exit_2_as_it_is(run, command: str) -> None:
    """Exit 2 without a journal is deliberate (issues 17/18: a mistyped --journal is not "no warning")."""
    assert run(command, "--journal", "typo.db").exit_code == 2
    assert run(command).exit_code == 2
    assert "2 when there is no journal" in " ".join(run(command, "--help").stdout.split())
    assert "找不到台账时退出码 2" in " ".join(run("--ui", "zh", command, "--help").stdout.split())
