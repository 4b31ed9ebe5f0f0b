"""haze.yaml values of the wrong shape (QA of the newer inputs): refused before anything uses them.

A list where one text belongs was printed on official notices (``# ['x']``, numbers counted under
``{'a': 'b'}〔2026〕1号``); a number where a path belongs crashed with exit 3. Each is now one line at
its key (E101, SPEC §5's wrong type), exit 2, nothing written and no number used.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import EXAMPLES, write

pytestmark = pytest.mark.usefixtures("journal")

LIST = EXAMPLES / "worked-example.yaml"


@pytest.mark.parametrize(("line", "key", "said"), [
    ("authority: [x]", "authority", "give one text, not a list"),
    ("doc_prefix: {a: b}", "doc_prefix", "give one text, not a mapping"),
    ("region: 5", "region", "give one text, not a number"),
    ("contact: 5", "contact", "give text (name and phone) or {name: …, phone: …}, not a number"),
    ("contact: {name: 张三, phone: 3561234567}", "contact", "phone: write it in quotes"),
    ("contact: {name: 张三, tel: '1'}", "contact", "unknown key(s) tel; give name and phone"),
    ("out: 7", "out", "give one text, not a number"),
    ("templates: 5", "templates", "give one text, not a number"),
    ("journal: [a]", "journal", "give one text, not a list"),
    ("no_cache: [1]", "no_cache", "give true or false, not a list"),
    ("strict: maybe", "strict", "'maybe' is neither true nor false"),
    ("doc_prefix: ''", "doc_prefix", "empty: give a value or remove the line"),
    ("policy: nosuch", "policy", "unknown policy 'nosuch'"),
])
def test_a_value_of_the_wrong_shape_is_one_line_at_its_key(run, line: str, key: str, said: str) -> None:
    config = write(Path("haze.yaml"), f"list: {LIST}\n{line}\n")
    result = run("activate", "orange")
    assert result.exit_code == 2, result.output
    first = result.stderr.splitlines()[0 if "options from" not in result.stderr.splitlines()[0] else 1]
    assert first.startswith(f"{config.resolve()}:2: error E101 [{key}] {said}"), result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    assert not Path("notices").exists()
    config.unlink()
    assert json.loads(run("history", "--json").stdout)["events"] == []


def test_every_problem_is_named_and_no_number_is_used(run) -> None:
    write(Path("haze.yaml"), f"list: {LIST}\nauthority: [x]\ndoc_prefix: {{a: b}}\nstrict: maybe\n")
    result = run("--ui", "zh", "activate", "orange")
    assert result.exit_code == 2
    found = [line for line in result.stderr.splitlines() if " E101 " in line]
    assert [line.split(" E101 ")[1].split("]")[0] for line in found] == ["[authority", "[doc_prefix", "[strict"]
    assert "应填一段文字，而不是列表" in found[0] and "未做任何操作" in result.stderr
    write(Path("haze.yaml"), f"list: {LIST}\nauthority: 示例县生态环境局\ndoc_prefix: 示环应急\n")
    data = json.loads(run("activate", "orange", "--json").stdout)
    notices = json.loads((Path(data["notices"][0]).parent / "manifest.json").read_text("utf-8"))["notices"]
    assert notices[0]["number"].startswith("示环应急〔") and notices[0]["number"].endswith("〕1号")


@pytest.mark.parametrize("line", ["strict: no", "strict: false", "no_cache: yes", "contact: 张三 0356-1",
                                  "contact: {name: 张三, phone: '0356-1'}", "policy: shanxi-2024"])
def test_values_of_the_right_shape_are_taken(run, line: str) -> None:
    write(Path("haze.yaml"), f"list: {LIST}\n{line}\n")
    result = run("check", "orange", "--json")
    assert result.exit_code == 0, result.stderr
