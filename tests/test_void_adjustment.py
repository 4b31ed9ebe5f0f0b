"""Voiding a mistaken adjustment says plainly that the warning it replaced is NOT restored (QA, duty night).

Orange is active; the officer raises it to red by mistake and voids the red. No warning is active
then: the orange notices were superseded on paper, so haze does not bring the orange back
silently. The void's output (text and --json) must say so, and give the command that issues
orange again; that command must work as given.
"""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import pytest

from conftest import COUNTY, write

pytestmark = pytest.mark.usefixtures("journal")


@pytest.fixture
def listfile(tmp_path: Path) -> Path:
    """The county list under a name with a space: the command haze suggests must survive a shell."""
    return write(tmp_path / "县 清单.yaml", COUNTY.read_text(encoding="utf-8"))


def activate(run, level: str, listfile: Path) -> str:
    result = run("activate", level, "--list", listfile, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["activation"]


def test_voiding_an_upgrade_says_orange_is_not_restored(run, listfile: Path) -> None:
    orange = activate(run, "orange", listfile)
    red = activate(run, "red", listfile)
    result = run("void", "--reason", "误升级")
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())
    assert f"the earlier orange (橙色预警) warning {orange} it superseded is NOT restored" in text
    assert "no warning is active now" in text
    assert f"haze activate orange --list '{listfile}'" in text
    assert json.loads(run("status", "--json").stdout)["active"] is None  # as said: nothing came back
    assert red in run("history").stdout


def test_the_json_says_the_same(run, listfile: Path) -> None:
    orange = activate(run, "orange", listfile)
    activate(run, "red", listfile)
    dry = json.loads(run("void", "--reason", "误升级", "--dry-run", "--json").stdout)
    data = json.loads(run("void", "--reason", "误升级", "--json").stdout)
    for got in (dry, data):
        assert got["was_active"] is True and got["active"] is None
        assert got["superseded"] == {"activation": orange, "level": "orange", "restored": False,
                                     "command": f"haze activate orange --list '{listfile}'"}


def test_the_chinese_output(run, listfile: Path) -> None:
    activate(run, "orange", listfile)
    activate(run, "red", listfile)
    text = " ".join(run("--ui", "zh", "void", "--reason", "误升级").stdout.split())
    assert "被其替代的原橙色预警（orange）" in text and "不会恢复" in text
    assert "当前无生效预警" in text and "如需恢复，请重新发布" in text and "haze activate orange --list" in text


def test_the_suggested_command_restores_orange(run, listfile: Path) -> None:
    activate(run, "orange", listfile)
    activate(run, "red", listfile)
    command = json.loads(run("void", "--reason", "误升级", "--json").stdout)["superseded"]["command"]
    words = shlex.split(command)
    assert words[:2] == ["haze", "activate"]
    result = run(*words[1:], "--json")
    assert result.exit_code == 0, result.output
    active = json.loads(run("status", "--json").stdout)["active"]
    assert active["level"] == "orange" and active["kind"] == "activation"


def test_a_first_warning_voided_says_none_is_active_and_restores_nothing(run, listfile: Path) -> None:
    activate(run, "orange", listfile)
    result = run("void", "--reason", "用错清单")
    assert "no warning is active now" in result.stdout and "NOT restored" not in result.stdout
    second = activate(run, "orange", listfile)
    data = json.loads(run("void", "--reason", "又错了", "--json").stdout)
    # the warning after a void names the voided one as previous, but replaced nothing that was active
    assert data["activation"] == second and data["superseded"] is None and data["active"] is None


def test_voiding_an_earlier_warning_leaves_the_active_one_alone(run, listfile: Path) -> None:
    first = activate(run, "orange", listfile)
    assert run("lift").exit_code == 0
    second = activate(run, "yellow", listfile)
    data = json.loads(run("void", first, "--reason", "用错清单", "--json").stdout)
    assert data["was_active"] is False and data["active"] == second and data["superseded"] is None
    text = run("void", second, "--reason", "x", "--dry-run").stdout
    assert "no warning would be active after the void" in text
