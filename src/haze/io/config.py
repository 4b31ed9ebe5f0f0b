"""``haze.yaml``: defaults for command options, found in the current directory or a parent.

Keys are option names (``list``, ``policy``, ``out``, ``journal``, ``lang``,
``format``, ``templates``; ``authority``, ``region`` and ``doc_prefix`` for
``activate``, for a list that lacks them). Relative paths are taken relative to the file, so
the same ``haze.yaml`` works from any subdirectory.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from haze.core.errors import UsageError
from haze.io.fsio import find_upward

CONFIG_NAME = "haze.yaml"
KEYS = {"list", "policy", "out", "journal", "lang", "format", "templates", "strict", "no_cache", "ui",
        "authority", "region", "doc_prefix"}
PATH_KEYS = {"list", "out", "journal", "templates"}


def find_config(start: Path | None = None) -> Path | None:
    return find_upward(CONFIG_NAME, start)


def read_config(path: Path) -> dict[str, Any]:
    from haze.io.lists.yamlread import load_yaml

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"{path}: cannot read config: {exc.strerror or exc}") from None
    doc, findings = load_yaml(data, str(path))
    errors = [f for f in findings if f.is_error]
    if errors:
        raise UsageError(errors[0].format())
    if doc is None:
        return {}
    if not isinstance(doc, dict):
        raise UsageError(f"{path}: a config must be a mapping of option names to values")
    unknown = sorted(str(k) for k in doc if str(k).replace("-", "_") not in KEYS)
    if unknown:
        raise UsageError(f"{path}: unknown option(s) {', '.join(unknown)}; known: {', '.join(sorted(KEYS))}")
    result: dict[str, Any] = {}
    for key, value in doc.items():
        name = str(key).replace("-", "_")
        if name in PATH_KEYS and isinstance(value, str):
            value = str((path.parent / value).resolve()) if not Path(value).is_absolute() else value
        elif name == "policy" and isinstance(value, str) and value.endswith((".yaml", ".yml")):
            value = str((path.parent / value).resolve())
        result[name] = value
    return result
