"""Acceptance cases as folders: ``tests/cases/<name>/`` (see tests/cases/README.md).

A case is a command line, perhaps a list, and what a person worked out by hand
that it must give; adding one needs no Python. Every folder is picked up.
"""

from __future__ import annotations

import json
import math
import shlex
import shutil
from pathlib import Path
from typing import Any

import pytest

CASES = Path(__file__).resolve().parent / "cases"
ROOT = CASES.parent.parent


def case_folders() -> list[Path]:
    return sorted(p for p in CASES.iterdir() if p.is_dir())


def test_there_are_cases() -> None:
    # a glob that found nothing would make the parametrized test below vanish silently
    assert len(case_folders()) >= 5


def matches(expected: Any, actual: Any, where: str = "") -> list[str]:
    """Where ``actual`` differs from ``expected``, read as a subset (numbers to 1e-9)."""
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{where}: expected an object, got {actual!r}"]
        problems = []
        for key, value in expected.items():
            if key not in actual:
                problems.append(f"{where}.{key}: missing")
            else:
                problems += matches(value, actual[key], f"{where}.{key}")
        return problems
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return [f"{where}: expected {len(expected)} items, got {actual!r}"]
        return [p for i, (e, a) in enumerate(zip(expected, actual)) for p in matches(e, a, f"{where}[{i}]")]
    if isinstance(expected, float) and not isinstance(actual, bool) and isinstance(actual, (int, float)):
        return [] if math.isclose(expected, actual, rel_tol=1e-9, abs_tol=1e-9) else [f"{where}: {actual} ≠ {expected}"]
    same = expected == actual and isinstance(expected, bool) == isinstance(actual, bool)
    return [] if same else [f"{where}: {actual!r} ≠ {expected!r}"]


def test_the_subset_match_can_fail() -> None:
    assert matches({"a": {"b": 0.3}}, {"a": {"b": 0.3000000001, "c": 1}}) == []
    assert matches({"a": {"b": 0.3}}, {"a": {"b": 0.31}}) == [".a.b: 0.31 ≠ 0.3"]
    assert matches({"a": [1, 2]}, {"a": [1]}) and matches({"k": 1}, {}) == [".k: missing"]
    assert matches({"ok": True}, {"ok": 1})  # a boolean is not a number here


@pytest.mark.usefixtures("journal")
@pytest.mark.parametrize("folder", case_folders(), ids=lambda p: p.name)
def test_case(folder: Path, run, isolated: Path) -> None:
    for item in folder.iterdir():
        if item.is_file():
            shutil.copy(item, isolated / item.name)
    args = shlex.split((folder / "args").read_text(encoding="utf-8").replace("{root}", str(ROOT)))
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    result = run(*args)
    assert result.exit_code == expected["exit"], result.stderr
    if "json" in expected:
        assert matches(expected["json"], json.loads(result.stdout)) == []
    for line in expected.get("output", []):
        assert line in result.stdout + result.stderr, result.stdout + result.stderr
