"""Issue 18 (the duty officer's night): help texts, the authority refusal, terminal details, notice wording."""

from __future__ import annotations

import click
import pytest

from haze.cli import COMMANDS, cli


def _helps() -> dict[str, str]:
    ctx = click.Context(cli, info_name="haze")
    texts = {"haze": cli.get_help(ctx)}
    for name in COMMANDS:
        command = cli.get_command(ctx, name)
        assert command is not None
        texts[name] = command.get_help(click.Context(command, info_name=name, parent=ctx))
    return texts


@pytest.mark.parametrize("name", ["haze", *COMMANDS])
def test_help_points_to_docs_users_have_never_to_the_spec(name: str) -> None:
    # Users have docs/*.md, not the contract between the code and its authors.
    text = _helps()[name]
    assert "SPEC" not in text
    assert "§" not in text


def test_import_help_names_the_list_format_doc(run) -> None:
    result = run("import", "--help")
    assert result.exit_code == 0
    assert "docs/list-format.md" in result.output


def test_no_message_mentions_the_spec() -> None:
    """Every string haze can print (not docstrings or comments) keeps the SPEC out of users' sight."""
    import ast
    from pathlib import Path

    import haze

    found = []
    for path in Path(haze.__file__).parent.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                      if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                      and node.body and isinstance(node.body[0], ast.Expr)
                      and isinstance(node.body[0].value, ast.Constant)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings \
                    and "SPEC" in node.value and "CREATE TABLE" not in node.value:
                found.append(f"{path.name}:{node.lineno}")
    assert found == []


# -- 18.3: a list without an authority is refused before any number is used ---------------------

import json  # noqa: E402
import sqlite3  # noqa: E402
from pathlib import Path  # noqa: E402

from conftest import write  # noqa: E402

CSV = ("企业名称,统一社会信用代码,绩效等级,SO2,NOx,PM,VOCs,联系人,联系电话\n"
       "示例县甲铸造有限公司,91140525MA0KT0001C,C,10,20,5,1,张三,0356-2000001\n")
FACTS = ("--authority", "示例县生态环境局", "--region", "示例县", "--doc-prefix", "示环应急")


def _counters(journal: Path) -> list[tuple]:
    with sqlite3.connect(journal) as db:
        return sorted(db.execute("SELECT prefix, year, last FROM counters").fetchall())


def _notice(out: Path) -> str:
    (folder,) = [p for p in out.iterdir() if not p.name.startswith(".")]
    (notice,) = folder.glob("0001-*.md")
    return notice.read_text(encoding="utf-8")


def test_activate_refuses_a_list_without_an_authority_before_any_number_is_used(run) -> None:
    csv = write(Path("清单.csv"), CSV)
    first = run("activate", "orange", "--list", csv, *FACTS, "--journal", "j.db", "--out", "n")
    assert first.exit_code == 0, first.stderr
    assert run("lift", "--journal", "j.db", "--out", "n").exit_code == 0
    before = _counters(Path("j.db"))
    notices = sorted(p.name for p in Path("n").iterdir())

    for extra in ([], ["--dry-run"], ["--json"]):
        result = run("activate", "orange", "--list", csv, "--journal", "j.db", "--out", "n", *extra)
        assert result.exit_code == 2
        errors = [line for line in result.stderr.splitlines() if line.startswith("haze: error")]
        assert len(errors) == 1
        # One line that says how to supply it, in each of the three ways.
        assert "--authority" in errors[0] and "清单信息" in errors[0] and "list.authority" in errors[0]
        assert "nothing written" in errors[0]
        assert result.stdout == ""
    assert _counters(Path("j.db")) == before  # no number used
    assert sorted(p.name for p in Path("n").iterdir()) == notices


def test_a_refused_first_activation_creates_no_journal_and_no_notices(run) -> None:
    csv = write(Path("清单.csv"), CSV)
    result = run("activate", "orange", "--list", csv, "--journal", "new.db")
    assert result.exit_code == 2
    assert sorted(p.name for p in Path.cwd().iterdir()) == ["清单.csv"]


def test_authority_region_and_prefix_from_the_command_line_sign_the_notice(run) -> None:
    csv = write(Path("清单.csv"), CSV)
    result = run("activate", "orange", "--list", csv, *FACTS, "--journal", "j.db", "--out", "n", "--json")
    assert result.exit_code == 0, result.stderr
    assert "W311" not in result.stderr  # it said the notices would be unsigned: no longer true
    text = _notice(Path("n"))
    assert text.startswith("# 示例县生态环境局\n")
    assert "（发布单位未填写）" not in text
    year = json.loads(result.stdout)["activation"][:4]
    assert f"示环应急〔{year}〕1号" in text
    assert "示例县自" in text and "清单自" not in text
    # Recorded with the activation, so the lift notices are signed and numbered alike.
    assert run("lift", "--journal", "j.db", "--out", "n").exit_code == 0
    lifted = [p for p in Path("n").iterdir() if p.name.endswith("-lift")]
    (lift_notice,) = lifted[0].glob("0001-*.md")
    lift_text = lift_notice.read_text(encoding="utf-8")
    assert "示例县生态环境局" in lift_text and f"示环应急〔{year}〕2号" in lift_text


def test_haze_yaml_supplies_the_facts_to_activate_but_not_to_import(run) -> None:
    csv = write(Path("清单.csv"), CSV)
    write(Path("haze.yaml"), "authority: 示例县生态环境局\nregion: 示例县\ndoc_prefix: 示环应急\n")
    result = run("activate", "orange", "--list", csv, "--journal", "j.db", "--out", "n")
    assert result.exit_code == 0, result.stderr
    assert _notice(Path("n")).startswith("# 示例县生态环境局\n")
    # import's --authority replaces a 清单信息 sheet's: haze.yaml's is not given to it (import still asks).
    imported = run("import", csv, "-o", "list.yaml")
    assert imported.exit_code == 2
    assert not Path("list.yaml").exists()


def test_a_given_authority_replacing_the_lists_own_is_said(run) -> None:
    from conftest import COUNTY

    result = run("activate", "orange", "--list", COUNTY, "--authority", "另一县生态环境局", "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert "--authority 另一县生态环境局 replaces the list's authority" in result.stderr


def test_activate_warns_when_the_notice_numbers_have_no_prefix(run) -> None:
    csv = write(Path("清单.csv"), CSV)
    result = run("activate", "orange", "--list", csv, "--authority", "示例县生态环境局", "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert "no doc_prefix (文号前缀)" in result.stderr and "--doc-prefix" in result.stderr


def test_validate_warns_w320_on_a_list_without_doc_prefix(run) -> None:
    from conftest import COUNTY

    csv = write(Path("清单.csv"), CSV)
    result = run("validate", csv, "--json")
    codes = [f["code"] for f in json.loads(result.stdout)["files"][0]["findings"]]
    assert "W320" in codes
    # The county list has a doc_prefix: no W320.
    county = json.loads(run("validate", COUNTY, "--json").stdout)["files"][0]["findings"]
    assert "W320" not in [f["code"] for f in county]
