"""What the commands share: option decorators, the level type, output helpers.

Kept light on purpose: rich and the list machinery are imported inside the
functions that need them, so ``haze --help`` starts fast.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Callable, Iterable

import click

from haze.core.i18n import N_, _
from haze.core.model import Level

F = Callable[..., Any]


class LevelType(click.ParamType):
    """A warning level in any alias of SPEC §1 (orange, 橙色, II, Ⅱ, 2…)."""

    name = "LEVEL"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Level:
        level = Level.parse(value)
        if level is None:
            self.fail(_("unknown level {value!r}: use yellow, orange or red (黄色/橙色/红色, III/II/I, 3/2/1)")
                      .format(value=value), param, ctx)
        return level


LEVEL = LevelType()


def _load_config_option(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """Eager ``--config FILE``: its values become this command's defaults."""
    if value is not None:
        from haze.cli import disclose_config
        from haze.cli.i18n import config_language
        from haze.io.config import read_config

        disclose_config(Path(value))
        defaults = dict(ctx.default_map or {})
        config = read_config(Path(value))
        config_language(config)
        own = defaults_for(ctx.command, config)
        check_defaults(ctx.command, own, Path(value))
        defaults.update(own)
        ctx.default_map = defaults
    return value


def config_option(f: F) -> F:
    return click.option("--config", "config", type=click.Path(dir_okay=False), metavar="FILE", is_eager=True,
                        expose_value=False, callback=_load_config_option,
                        help="Options file (default: haze.yaml in this or a parent directory).")(f)


def list_option(f: F) -> F:
    return click.option("--list", "-l", "list_path", type=click.Path(dir_okay=False), metavar="FILE",
                        help="Enterprise list: .yaml, .csv or .xlsx (default from haze.yaml).")(f)


def lists_option(f: F) -> F:
    """``--list`` given more than once (SPEC §13): a city's county lists; once, the one list as before."""
    return click.option("--list", "-l", "list_paths", type=click.Path(dir_okay=False), metavar="FILE", multiple=True,
                        help=N_("Enterprise list: .yaml, .csv or .xlsx (default from haze.yaml); repeat it for a "
                               "city's county lists."))(f)


def policy_option(f: F) -> F:
    return click.option("--policy", "-p", metavar="NAME|FILE",
                        help="Policy: shanxi-2024 (default), national-2019, or a policy file.")(f)


def json_option(f: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="Machine output (JSON) on stdout, nothing else.")(f)


def cache_option(f: F) -> F:
    return click.option("--no-cache", is_flag=True, help="Read and compute again, using neither the parse cache nor the stored check results.")(f)


def list_options(f: F) -> F:
    """--list, --policy, --json, --no-cache, --config: the options every list command takes."""
    for decorator in (config_option, cache_option, json_option, policy_option, list_option):
        f = decorator(f)
    return f


def multi_list_options(f: F) -> F:
    """:func:`list_options` with a repeatable ``--list`` (``list_paths``): check, validate, export, plan, activate."""
    for decorator in (config_option, cache_option, json_option, policy_option, lists_option):
        f = decorator(f)
    return f


def one_list(list_paths: tuple[str, ...] | list[str] | None) -> str | None:
    """The list of a one-list run (the first when several: those take the city path)."""
    return list_paths[0] if list_paths else None


# The context-settings keys in default_map come from haze.yaml: map them to parameter names.
CONFIG_TO_PARAM = {"list": "list_path", "no_cache": "no_cache"}


#: haze.yaml keys only activate takes: import's options of the same name would replace a 清单信息 sheet's facts.
ACTIVATE_ONLY = {"authority", "region", "doc_prefix", "contact"}


def defaults_for(command: click.Command, config: dict[str, Any]) -> dict[str, Any]:
    names = {p.name for p in command.params}
    result: dict[str, Any] = {}
    if "list_paths" in names:  # a repeatable --list: haze.yaml's lists (globs expanded), else its list
        chosen = config.get("lists") or config.get("list")
        if chosen:
            result["list_paths"] = [chosen] if isinstance(chosen, str) else list(chosen)
    for key, value in config.items():
        if key in ACTIVATE_ONLY and command.name != "activate":
            continue
        if key in ("list", "lists") and "list_paths" in names:
            continue
        name = CONFIG_TO_PARAM.get(key, key)
        if name in names:
            result[name] = value
    return result


def check_defaults(command: click.Command, defaults: dict[str, Any], path: Path) -> None:
    """Refuse (exit 2) a haze.yaml value the option would refuse, naming the file and the key.

    click would report it as "Invalid value for '--format'", pointing at an option nobody typed.
    """
    from haze.core.errors import UsageError

    params = {p.name: p for p in command.params}
    keys = {v: k for k, v in CONFIG_TO_PARAM.items()}
    for name, value in defaults.items():
        param = params.get(name)
        if param is None or value is None:
            continue
        try:
            param.type_cast_value(click.Context(command), value)
        except click.BadParameter as exc:
            key = keys.get(name, name)
            message = exc.message.rstrip(".")
            raise UsageError(_("{path}: {key}: {message} (the default of `haze {command} --{option}`; correct or "
                               "remove it in {name})").format(path=path, key=key, message=message,
                                                              command=command.name,
                                                              option=key.replace("_", "-"), name=path.name)) from None


# -- output ------------------------------------------------------------------

def stderr_console() -> Any:
    from rich.console import Console

    return Console(stderr=True, highlight=False, soft_wrap=True)


def stdout_console() -> Any:
    from rich.console import Console

    return Console(highlight=False)


def emit_json(data: Any) -> None:
    """JSON on stdout: the output layer's (:func:`haze.cli.reporters.json.emit_json`); kept for new commands."""
    from haze.cli.reporters.json import emit_json as emit

    emit(data)


WARNINGS_SHOWN = 20


def print_findings(findings: Iterable[Any], limit: int | None = WARNINGS_SHOWN) -> None:
    """One line per finding, as linters print them, to stderr.

    With ``limit``, the rest are counted by code instead: thousands of warnings on a
    province list must not bury the verdict a duty officer is waiting for.
    """
    findings = list(findings)
    shown = findings if limit is None else findings[:limit]
    colour = stderr_colour()
    for f in shown:
        click.echo(coloured_finding(f) if colour else f.format(), err=True, color=colour)
    rest = findings[len(shown):]
    if rest:
        counts: dict[str, int] = {}
        for f in rest:
            counts[f.code] = counts.get(f.code, 0) + 1
        summary = ", ".join(f"{code} ×{n}" for code, n in sorted(counts.items()))
        click.echo(_("… and {count} more ({summary}); `haze validate` lists them all")
                   .format(count=len(rest), summary=summary), err=True)


#: severity -> click style: an error among forty warnings must stand out on the officer's terminal
SEVERITY_STYLES: dict[str, dict[str, Any]] = {"error": {"fg": "red", "bold": True}, "warning": {"fg": "yellow"}}


def stderr_colour(stdout: bool = False) -> bool:
    """Colour on stderr (or stdout): on a terminal only (FORCE_COLOR forces it), never with NO_COLOR, as rich."""
    import sys

    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    try:
        return (sys.stdout if stdout else sys.stderr).isatty()
    except (AttributeError, ValueError):
        return False


def coloured_finding(f: Any) -> str:
    """The finding's line with its severity and code coloured; the words stay, so nothing is said by colour alone."""
    text = f.format()
    head = f"{getattr(f, 'severity_label', f.severity)} {f.code}"
    style = SEVERITY_STYLES.get(f.severity)
    if style is None or head not in text:
        return text
    return text.replace(head, click.style(head, **style), 1)


def is_debug() -> bool:
    return bool(os.environ.get("HAZE_DEBUG"))

