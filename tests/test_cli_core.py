"""The CLI's shared machinery: error lines, warning summaries, broken installs, the list contact."""

from __future__ import annotations

from pathlib import Path

import click
import pytest

from haze.cli import HazeGroup, cli
from haze.cli.common import print_findings
from haze.core.findings import finding
from haze.io.lists import parse_list

from conftest import EXAMPLES, write


def test_many_warnings_are_summarised_by_code(capsys: pytest.CaptureFixture[str]) -> None:
    found = [finding("W304", "no contact", "l.yaml", n) for n in range(1, 26)] + \
            [finding("W301", "weaker", "l.yaml", 30), finding("W301", "weaker", "l.yaml", 31)]
    print_findings(found)
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 21
    assert lines[0] == "l.yaml:1: warning W304 no contact"
    assert lines[-1] == "… and 7 more (W301 ×2, W304 ×5); `haze validate` lists them all"


def test_blocking_errors_are_all_printed(run, tmp_path: Path) -> None:
    rows = "".join(f"  - {{id: X{n}, name: 甲{n}, grade: Q, emissions: {{so2: 1}}}}\n" for n in range(30))
    path = write(tmp_path / "bad.yaml", "list: {region: 示例县, authority: 示例县生态环境局}\nenterprises:\n" + rows)
    result = run("check", "orange", "--list", path)
    assert result.exit_code == 2
    assert result.stderr.count("error E104 unknown grade 'Q'") == 30


def test_an_internal_error_is_one_line_without_haze_debug(monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    import haze.core.engine

    def boom(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("boom")

    monkeypatch.delenv("HAZE_DEBUG")
    monkeypatch.setattr(haze.core.engine, "enterprise_result", boom)  # a bug deep in the computation
    result = CliRunner().invoke(cli, ["check", "orange", "--list", str(EXAMPLES / "worked-example.yaml")])
    assert result.exit_code == 3
    assert result.stderr.strip().splitlines()[-1].startswith("haze: internal error: ZeroDivisionError: boom")
    assert "Traceback" not in result.stderr


def test_a_command_that_cannot_import_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    import haze.cli

    monkeypatch.setitem(haze.cli.COMMANDS, "ghost", "haze.no_such_module:ghost")
    group = cli
    assert isinstance(group, HazeGroup)
    command = group.get_command(click.Context(group), "ghost")
    assert command is not None and "unavailable" in (command.help or "")
    from click.testing import CliRunner

    result = CliRunner().invoke(cli, ["ghost"])
    assert result.exit_code == 3
    assert "command 'ghost' cannot load: No module named 'haze.no_such_module'" in result.stderr


def test_two_blank_ids_are_not_a_duplicate() -> None:
    text = ("list: {region: 示例县, authority: 示例县生态环境局}\nenterprises:\n"
            "  - {name: 甲, grade: B, emissions: {so2: 1}}\n  - {name: 乙, grade: B, emissions: {so2: 1}}\n")
    codes = [f.code for f in parse_list(text.encode(), "l.yaml").findings]
    assert "E108" not in codes and codes.count("E100") == 2


def test_the_bureau_contact_is_read_from_the_list_section() -> None:
    text = ("list: {region: 示例县, authority: 示例县生态环境局, contact: {name: 值班室, phone: '0356-2000000'}}\n"
            "enterprises: []\n")
    report = parse_list(text.encode(), "l.yaml")
    assert [f.code for f in report.findings] == ["W314"]
    assert report.enterprise_list is not None and report.enterprise_list.info.contact is not None
    assert (report.enterprise_list.info.contact.name, report.enterprise_list.info.contact.phone) == ("值班室", "0356-2000000")


HEAD = "list:\n  region: 示例县\n  authority: 示例县生态环境局\n"
ONE = "  - {id: X1, name: 甲, grade: B, contact: {name: 张, phone: '1'}, emissions: {so2: 365, pm: 365}}\n"


def codes(text: str) -> list[tuple[str, int | None]]:
    return [(f.code, f.line) for f in parse_list(text.encode(), "l.yaml").findings if f.code != "E102"]


def test_w312_a_partial_baseline_makes_the_report_listed(run, tmp_path: Path) -> None:
    text = HEAD + "  baseline: {so2: 3650, nox: 3650}\nenterprises:\n" + ONE
    assert codes(text) == [("W312", 4)]
    result = run("check", "orange", "--list", write(tmp_path / "l.yaml", text), "--json")
    import json

    data = json.loads(result.stdout)
    assert data["basis"] == "listed"  # one pollutant against listed emissions: the report says so
    assert {p: v["basis"] for p, v in data["pollutants"].items()} == {
        "so2": "baseline", "nox": "baseline", "pm": "listed", "vocs": "listed"}
    assert data["pollutants"]["so2"]["baseline"] == 10.0          # 3650 / 365
    assert data["pollutants"]["pm"]["baseline"] == 1.0            # the listed 365 t/a / 365


def test_w313_stop_with_a_partial_cut_stops() -> None:
    text = HEAD + "enterprises:\n" + ONE.replace("}}\n", "}, measures: {orange: {stop: true, cut: 0.3}}}\n")
    assert codes(text) == [("W313", 5)]


def test_w314_no_enterprises() -> None:
    assert codes(HEAD + "enterprises: []\n") == [("W314", 4)]


def test_e107_still_reports_the_emissions_own_problems() -> None:
    text = HEAD + "enterprises:\n  - id: X1\n    name: 甲\n    grade: B\n    contact: {name: 张, phone: '1'}\n" \
        "    emissions: {so2: .nan}\n    lines:\n      - {name: 1#, emissions: {so2: 1}}\n"
    assert sorted(codes(text)) == [("E106", 9), ("E107", 10)]
