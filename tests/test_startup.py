"""Start-up stays light (SPEC §12): what ``haze --help``, ``status`` and ``history`` import.

Each case runs haze in a fresh interpreter, exactly as the ``haze`` script
does, and looks at ``sys.modules`` when it is done: the assertion is on what
was imported, never on time (timings are in ``benchmarks/``). A failure names
the heavy module and the haze module that pulled it in first.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import COUNTY, write
from haze.cli import COMMANDS

# activate needs a journal made on purpose (SPEC §10): conftest.journal, as `haze init` makes it
pytestmark = pytest.mark.usefixtures("journal")

# Imported only by the commands that need them: templates, spreadsheets, the list
# machinery, the engine, the notices, YAML itself, rich's terminal layer, dates.
HEAVY = ("jinja2", "openpyxl", "python_calamine", "xlsxwriter", "yaml", "docxtpl", "docx", "lxml", "reportlab", "pypdf",
         "haze.render.docx", "haze.render.pdf", "haze.io.lists.build", "haze.io.lists.yamlread",
         "haze.core.engine", "haze.render.notices", "haze.commands.validate", "haze.commands.plan", "rich", "dateutil")
# Once a warning is recorded, status and history print rich tables and times: still no list, engine or templates.
LIST_MACHINERY = ("jinja2", "openpyxl", "python_calamine", "yaml", "haze.io.lists.build", "haze.io.lists.yamlread",
                  "haze.core.engine", "haze.render.notices", "haze.commands.validate", "haze.commands.plan")

DRIVER = """
import builtins, json, sys

first = {}
real_import = builtins.__import__
def tracing(name, globals=None, *args, **kwargs):
    # remember which module first asked for each import, to name the culprit
    if name not in sys.modules and name not in first:
        first[name] = (globals or {}).get("__name__", "?")
    return real_import(name, globals, *args, **kwargs)
builtins.__import__ = tracing
out, args = sys.argv[1], json.loads(sys.argv[2])
sys.argv = ["haze", *args]
code = 0
try:
    from haze.cli import main
    main()
except SystemExit as exc:
    code = exc.code
builtins.__import__ = real_import
with open(out, "w", encoding="utf-8") as fh:
    json.dump({"code": code, "modules": sorted(sys.modules), "first": first}, fh)
"""


def imported(cwd: Path, *args: str) -> dict:
    """Run ``haze ARGS`` in a fresh interpreter in ``cwd``; its exit code and the modules it imported."""
    out = cwd.parent / "modules.json"
    done = subprocess.run([sys.executable, "-c", DRIVER, str(out), json.dumps(list(args))], cwd=cwd,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(out.read_text(encoding="utf-8"))


def culprits(result: dict, forbidden: tuple[str, ...]) -> list[str]:
    """``heavy (imported by module)`` for each forbidden module that was imported."""
    loaded = set(result["modules"])
    found = []
    for name in forbidden:
        if name in loaded:
            asked = [by for module, by in result["first"].items() if module == name or module.startswith(name + ".")]
            by = asked[0] if asked else "?"
            found.append(f"{name} (imported by {by})")
    return found


@pytest.mark.parametrize("args", [
    ["--help"], ["--version"], ["status"], ["history"], ["status", "--json"], ["history", "--json"],
    *([name, "--help"] for name in COMMANDS),
], ids=lambda args: " ".join(args))
def test_light_commands_import_nothing_heavy(args: list[str], isolated: Path) -> None:
    result = imported(isolated, *args)
    assert result["code"] == 0
    assert culprits(result, HEAVY) == []


def test_every_command_is_listed_by_help_without_importing_it_heavily(isolated: Path) -> None:
    """``haze --help`` builds every command to show its one-line help: none may drag in heavy modules."""
    result = imported(isolated, "--help")
    assert {module.split(":")[0] for module in COMMANDS.values()} <= set(result["modules"])


@pytest.fixture
def active(run, isolated: Path) -> Path:
    """An active warning recorded in ./.haze/journal.db (the default journal)."""
    done = run("activate", "orange", "--list", COUNTY, "--start", "2025-12-01T20:00")
    assert done.exit_code == 0, done.stderr
    return isolated


@pytest.mark.parametrize("args", [["status"], ["history"], ["status", "--json"], ["history", "--json"]],
                         ids=lambda args: " ".join(args))
def test_status_and_history_of_a_recorded_warning_stay_off_the_list_machinery(args: list[str], active: Path) -> None:
    result = imported(active, *args)
    assert result["code"] == 0
    assert culprits(result, LIST_MACHINERY) == []
    if "--json" in args:
        assert "rich" not in result["modules"]  # machine output needs no terminal layer


def test_a_config_file_is_read_without_the_list_builder(isolated: Path) -> None:
    write(isolated / "haze.yaml", f"list: {COUNTY}\npolicy: shanxi-2024\n")
    for args in (["status"], ["history"]):
        result = imported(isolated, *args)
        assert result["code"] == 0
        assert "yaml" in result["modules"]  # haze.yaml itself is YAML
        assert culprits(result, tuple(m for m in LIST_MACHINERY if not m.startswith(("yaml", "haze.io.lists.yaml"))))\
            == []
    assert culprits(imported(isolated, "--help"), HEAVY) == []  # --help does not even read the config
