"""The import rules of docs/architecture.md: each layer imports only the layers below it.

core < io < render < commands < cli. Every ``import haze.…`` and ``from haze…
import`` counts, at module top or inside a function, so a lazy import cannot
hide a wrong dependency. Type-only imports (under ``if TYPE_CHECKING:``) are
held to the same rule except that ``cli`` may name anything.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "haze"
LAYERS = ("core", "io", "render", "commands", "cli")


def layer(module: str) -> int | None:
    """The rank of ``haze.<layer>.…``; None for the package root and tools (haze, haze.synth, haze.__main__)."""
    parts = module.split(".")
    return LAYERS.index(parts[1]) if len(parts) > 1 and parts[1] in LAYERS else None


def haze_imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every import of a haze module in ``path``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.split(".")[0] == "haze"]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").split(".")[0] == "haze":
            found.append((node.lineno, node.module or ""))
    return found


def module_name(path: Path) -> str:
    rel = path.relative_to(SRC.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = sorted(SRC.rglob("*.py"))

#: known exceptions, each with its reason; a new one needs a line here and in docs/architecture.md
EXCEPTIONS = {
    # Policy files are read with the list's YAML reader and measure builder (one parser, the same
    # findings); moving the reading to io/ is the follow-up (it touches policy grades, issue 19).
    ("haze.core.policy", "haze.io.lists.yamlread"),
    ("haze.core.policy", "haze.io.lists.build"),
}


def test_every_layer_has_modules() -> None:
    assert {layer(module_name(p)) for p in MODULES} >= set(range(len(LAYERS)))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: module_name(p))
def test_a_module_imports_only_its_own_layer_and_the_layers_below(path: Path) -> None:
    own = layer(module_name(path))
    if own is None:
        return
    wrong = [f"{module_name(path)}:{line} imports {target} ({LAYERS[layer(target)]})"  # type: ignore[index]
             for line, target in haze_imports(path)
             if layer(target) is not None and layer(target) > own  # type: ignore[operator]
             and (module_name(path), target) not in EXCEPTIONS]
    assert wrong == []


def test_the_rule_catches_an_upward_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from haze.cli.common import LEVEL\n", "utf-8")
    assert [layer(t) for _, t in haze_imports(bad)] == [LAYERS.index("cli")]


def test_commands_are_one_module_each_with_settings_run_and_outcome() -> None:
    import importlib

    from haze.cli import COMMANDS

    for name in COMMANDS:
        module = importlib.import_module(f"haze.commands.{name}_" if name == "import" else f"haze.commands.{name}")
        assert callable(module.run), name
        assert hasattr(module, "Settings") and hasattr(module, "Outcome"), name
        assert callable(module.Outcome.to_json) and isinstance(module.Outcome.ok, property), name


def test_every_command_and_option_has_help_and_the_command_is_in_the_readme() -> None:
    import click

    from haze.cli import COMMANDS, cli

    readme = (SRC.parent.parent / "README.md").read_text("utf-8")
    ctx = click.Context(cli)
    missing = []
    for name in COMMANDS:
        command = cli.get_command(ctx, name)
        assert command is not None and (command.help or "").strip(), name
        missing += [f"{name} {p.opts[0]}" for p in command.params
                    if isinstance(p, click.Option) and not (p.help or "").strip()]
        assert f"`haze {name}" in readme, f"haze {name} is not in the README's command table"
    assert missing == []


#: the one durable writer (docs/architecture.md): nothing else flushes a file or a directory to disk
DURABLE_WRITER = SRC / "io" / "fsio.py"
_SYNC_CALLS = frozenset({"fsync", "fdatasync", "sync", "syncfs", "sync_file_range"})


def os_syncs(path: Path) -> list[int]:
    """Lines of ``path`` that call ``os.fsync`` and its kin, or import them from ``os``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if (isinstance(node, ast.Attribute) and node.attr in _SYNC_CALLS and isinstance(node.value, ast.Name)
                and node.value.id == "os"):
            found.append(node.lineno)
        elif isinstance(node, ast.ImportFrom) and node.module == "os" and \
                any(a.name in _SYNC_CALLS for a in node.names):
            found.append(node.lineno)
    return found


def test_only_the_durable_writer_syncs_to_disk() -> None:
    """A second fsync elsewhere is a second durable writer, with its own mistakes (the journal's had one)."""
    elsewhere = [f"{module_name(p)}:{line}" for p in MODULES if p != DURABLE_WRITER for line in os_syncs(p)]
    assert elsewhere == []
    assert os_syncs(DURABLE_WRITER)  # the rule looks where the calls are


def test_the_sync_rule_catches_a_stray_fsync(tmp_path: Path) -> None:
    stray = tmp_path / "stray.py"
    stray.write_text("import os\n\ndef f(fd):\n    os.fsync(fd)\n", "utf-8")
    assert os_syncs(stray) == [4]
