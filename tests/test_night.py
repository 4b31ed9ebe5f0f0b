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
