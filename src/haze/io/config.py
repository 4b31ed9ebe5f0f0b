"""``haze.yaml``: defaults for command options, found in the current directory or a parent.

Keys are option names (``list``, ``policy``, ``out``, ``journal``, ``lang``,
``format``, ``templates``; ``authority``, ``region`` and ``doc_prefix`` for
``activate``, for a list that lacks them; ``ui``, the interface language ``zh`` or ``en``,
SPEC §17). Relative paths are taken relative to the file, so
the same ``haze.yaml`` works from any subdirectory.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from haze.core.errors import UsageError
from haze.core.i18n import _, normalise_language, os_reason
from haze.io.fsio import find_upward

CONFIG_NAME = "haze.yaml"
KEYS = {"list", "lists", "policy", "out", "journal", "lang", "format", "templates", "strict", "no_cache",
        "authority", "region", "doc_prefix", "contact", "ui", "numbering"}
PATH_KEYS = {"list", "out", "journal", "templates"}
#: keys whose value is one text: a path, a name, or what a notice prints (authority, doc_prefix…). A list or a
#: mapping there was printed as "['x']" on official notices and counted numbers under "{'a': 'b'}" (QA)
TEXT_KEYS = PATH_KEYS | {"policy", "lang", "format", "authority", "region", "doc_prefix", "numbering"}
FLAG_KEYS = {"strict", "no_cache"}
#: what a yes/no option of haze.yaml may say besides YAML's true and false (click's BOOL reads the same)
FLAG_WORDS = {"true", "false", "yes", "no", "on", "off", "1", "0", "t", "f", "y", "n"}


def find_config(start: Path | None = None) -> Path | None:
    return find_upward(CONFIG_NAME, start)


def read_config(path: Path) -> dict[str, Any]:
    from haze.io.lists.yamlread import load_yaml

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UsageError(_("{path}: cannot read config: {problem}").format(path=path, problem=os_reason(exc))) from None
    doc, findings = load_yaml(data, str(path))
    errors = [f for f in findings if f.is_error]
    if errors:
        raise UsageError(errors[0].format())
    if doc is None:
        return {}
    if not isinstance(doc, dict):
        raise UsageError(_("{path}: a config must be a mapping of option names to values").format(path=path))
    unknown = sorted(str(k) for k in doc if str(k).replace("-", "_") not in KEYS)
    if unknown:
        raise UsageError(_("{path}: unknown option(s) {join_unknown}; known: {join_sorted_keys}").format(path=path, join_unknown=', '.join(unknown), join_sorted_keys=', '.join(sorted(KEYS))))
    problems = [f for key, value in doc.items() for f in _shape(path, doc, str(key), value)]
    if problems:
        from haze.core.errors import ListError

        raise ListError(_("{path}: correct these values (nothing done)").format(path=path), problems)
    result: dict[str, Any] = {}
    for key, value in doc.items():
        name = str(key).replace("-", "_")
        if name == "lists":
            value = expand_lists(path, value)
        elif name in PATH_KEYS and isinstance(value, str):
            value = str((path.parent / value).resolve()) if not Path(value).is_absolute() else value
        elif name == "ui":
            value = _ui(path, value)
        elif name == "contact" and isinstance(value, dict):  # the list's own shape: {name: …, phone: …}
            value = " ".join(str(value.get(k) or "").strip() for k in ("name", "phone")).strip()
        elif name == "policy" and isinstance(value, str) and value.endswith((".yaml", ".yml")):
            value = str((path.parent / value).resolve())
        result[name] = value
    return result


def _shape(path: Path, doc: Any, key: str, value: Any) -> list[Any]:
    """E101 at the key's line when a value has the wrong shape for its option, before anything uses it.

    click would cast a list to its text ("['x']") for a text option and crash on a number given as a
    path (exit 3); a phone written as a number has lost its leading 0.
    """
    from haze.core.findings import finding
    from haze.core.text import kind_of as _kind

    name = key.replace("-", "_")
    line = doc.line_of(key) if hasattr(doc, "line_of") else None

    def wrong(message: str) -> list[Any]:
        return [finding("E101", message, str(path), line or None, column=key)]

    if value is None:
        return []
    if name in TEXT_KEYS and not isinstance(value, str):
        return wrong(_("give one text, not {kind}").format(kind=_kind(value)))
    if name in TEXT_KEYS and not value.strip():
        return wrong(_("empty: give a value or remove the line"))
    if name in FLAG_KEYS and not isinstance(value, bool):
        if not isinstance(value, str):
            return wrong(_("give true or false, not {kind}").format(kind=_kind(value)))
        if value.strip().lower() not in FLAG_WORDS:
            return wrong(_("{value!r} is neither true nor false").format(value=value))
    if name == "contact":
        return _contact_shape(value, wrong)
    if name == "policy" and not _policy_exists(path, value):
        from haze.core.policy import shipped_policies

        return wrong(_("unknown policy {name!r}: use one of {known}, or a policy file").format(
            name=value, known=_(", ").join(shipped_policies())))
    return []


def _policy_exists(path: Path, value: str) -> bool:
    """A shipped policy's name, a .yaml file (its own errors come when it is read), or an existing file."""
    from haze.core.policy import shipped_policies

    return (value in shipped_policies() or value.lower().endswith((".yaml", ".yml"))
            or (path.parent / value).exists() or Path(value).exists())


def _contact_shape(value: Any, wrong: Any) -> list[Any]:
    """``contact:`` is text ("张三 0356-1234567") or the list's own mapping {name, phone} of texts."""
    from haze.core.text import kind_of as _kind

    if isinstance(value, str):
        return []
    if not isinstance(value, dict):
        return wrong(_("give text (name and phone) or {{name: …, phone: …}}, not {kind}").format(kind=_kind(value)))
    extra = sorted(str(k) for k in value if k not in ("name", "phone"))
    if extra:
        return wrong(_("unknown key(s) {keys}; give name and phone").format(keys=", ".join(extra)))
    for part in ("name", "phone"):
        given = value.get(part)
        if given is not None and not isinstance(given, str):
            return wrong(_("{part}: write it in quotes (\"0356-1234567\"), not as {kind}: a number loses its "
                           "leading 0").format(part=part, kind=_kind(given)))
    return []


def _ui(path: Path, value: Any) -> str:
    """``ui:`` is zh or en (SPEC §17); anything else is refused, naming the file, like an unknown option."""
    chosen = normalise_language(value)
    if chosen is None:
        # both languages: ui: is what decides the language, so it is not known yet
        raise UsageError(f"{path}: ui: {value!r} is not an interface language; use zh or en (界面语言只能是 zh 或 en)")
    return chosen


def expand_lists(config: Path, value: Any) -> list[str]:
    """``lists:`` (SPEC §13): file names or globs relative to haze.yaml, each glob's matches sorted.

    A glob that matches nothing is refused: a city check that silently left a county
    out would report a total that is not the city's.
    """
    import glob

    patterns = [value] if isinstance(value, str) else value
    if not isinstance(patterns, list) or not patterns or not all(isinstance(p, str) for p in patterns):
        raise UsageError(_("{path}: lists: give a list of file names or globs").format(path=config))
    found: list[str] = []
    for pattern in patterns:
        full = pattern if Path(pattern).is_absolute() else str(config.parent / pattern)
        if glob.has_magic(pattern):
            matches = sorted(glob.glob(full))
            if not matches:
                raise UsageError(_("{path}: lists: '{pattern}' matches no file").format(path=config, pattern=pattern))
            found += [str(Path(m).resolve()) for m in matches]
        else:
            found.append(str(Path(full).resolve()))
    return list(dict.fromkeys(found))
