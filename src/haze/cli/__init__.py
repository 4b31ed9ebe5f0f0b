"""The ``haze`` command line: a thin layer that parses options, calls the
library and prints. Every error becomes one line on stderr and the exit code
of SPEC §7, in one place (:meth:`HazeGroup.invoke`)."""

from __future__ import annotations

import gc
import importlib
from pathlib import Path
from typing import Any

import click

from haze import __version__
from haze.cli.i18n import HazeContext, HelpInLanguage, PathInLanguage, choose_language
from haze.core.errors import HazeError
from haze.core.i18n import N_, _

# command name -> "module:attribute"; modules import their heavy parts lazily.
COMMANDS = {
    "validate": "haze.cli.validate:validate",
    "check": "haze.cli.check:check",
    "activate": "haze.cli.activate:activate",
    "lift": "haze.cli.lift:lift",
    "status": "haze.cli.status:status",
    "history": "haze.cli.history:history",
    "void": "haze.cli.void:void",
    "plan": "haze.cli.plan:plan",
    "import": "haze.cli.import_:import_list",
    "export": "haze.cli.export:export",
    "init": "haze.cli.init:init",
    "advise": "haze.cli.advise:advise",
    "receipt": "haze.cli.receipt:receipt",
    "overdue": "haze.cli.receipt:overdue",
    "verify": "haze.cli.verify:verify",
    "ozone": "haze.cli.ozone:ozone",
    "stagger": "haze.cli.stagger:stagger",
}


class HazeGroup(HelpInLanguage, click.Group):
    context_class = HazeContext

    def make_context(self, info_name: str | None, args: list[str], parent: click.Context | None = None,
                     **extra: Any) -> click.Context:
        # The language is chosen before click parses a word: `haze --help` and usage errors speak it too.
        try:
            choose_language(args)
        except HazeError as exc:  # HAZE_UI=fr or ui: fr: one line (in both languages), exit 2
            report_error(exc)
            raise SystemExit(exc.exit_code) from None
        return super().make_context(info_name, args, parent, **extra)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        target = COMMANDS.get(name)
        if target is None:
            return None
        module, attr = target.split(":")
        try:
            return getattr(importlib.import_module(module), attr)
        except ImportError as exc:  # a broken install: say so when used, keep --help working
            return _unavailable(name, exc)

    def invoke(self, ctx: click.Context) -> Any:
        from haze.cli.common import is_debug

        global _interrupt_said
        _interrupt_said = False  # a new run (tests invoke many in one process)
        try:
            return super().invoke(ctx)
        except HazeError as exc:
            report_error(exc)
            ctx.exit(exc.exit_code)
        except (click.exceptions.Exit, click.ClickException):
            raise
        except click.Abort:
            # click's prompts turn Ctrl-C and Ctrl-D into Abort ("Aborted!", exit 1): at haze's one
            # question (a new journal?) it is the officer stopping haze, and reads as any interrupt.
            # The prompt's line is still open (…[y/N]: ^C): the message starts on a line of its own.
            click.echo("", err=True)
            say_interrupted(ctx.invoked_subcommand)
            ctx.exit(130)
        except KeyboardInterrupt:  # the journal records a warning whole or not at all
            say_interrupted(ctx.invoked_subcommand)
            ctx.exit(130)
        except BrokenPipeError:  # the reader went away (haze validate big.yaml | head): stop quietly
            _silence_stdout()
            ctx.exit(141)  # 128 + SIGPIPE, as shells report a command cut off by its pipe
        except Exception as exc:  # a bug: one line, not a traceback, unless HAZE_DEBUG
            if is_debug():
                raise
            click.echo(_("haze: internal error: {kind}: {error} (set HAZE_DEBUG=1 for the traceback)")
                       .format(kind=type(exc).__name__, error=exc), err=True)
            ctx.exit(3)


#: commands that record in the journal: after Ctrl-C the officer should look whether they did
RECORDING = {"activate", "lift"}
#: commands that never write anything
READ_ONLY = {"validate", "check", "status", "history"}
_interrupt_said = False


def say_interrupted(command: str | None) -> None:
    """One line, once (a second Ctrl-C while haze stops must not print it again), true for the command.

    Only a command that records can have recorded: ``check`` and ``validate`` never do, so
    pointing their users at ``haze status`` only worried them.
    """
    global _interrupt_said
    if _interrupt_said:
        return
    _interrupt_said = True
    if command in RECORDING:
        text = _("haze: interrupted; `haze status` shows whether a warning was recorded")
    elif command in READ_ONLY:
        text = _("haze: interrupted ({command} writes nothing)").format(command=command)
    else:
        text = _("haze: interrupted")
    click.echo(text, err=True)


def _unavailable(name: str, exc: ImportError) -> click.Command:
    """A stand-in for a command whose module cannot be imported (a missing dependency)."""

    def fail() -> None:
        click.echo(_("haze: internal error: command {name!r} cannot load: {error} (reinstall haze)")
                   .format(name=name, error=exc), err=True)
        raise click.exceptions.Exit(3)

    from haze.cli.i18n import HazeCommand

    return HazeCommand(name, callback=fail, help=f"(unavailable: {exc})",
                         context_settings={"ignore_unknown_options": True, "allow_extra_args": True})


def _silence_stdout() -> None:
    """Point stdout at devnull, so that flushing it at exit does not raise again."""
    import os
    import sys

    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError):  # no real file descriptor (a test runner's buffer)
        pass


def disclose_config(path: Path) -> None:
    """One line on stderr naming the options file in use: a haze.yaml found in a parent directory
    changes the policy, templates, journal and --out, and must never do it silently (issue 17 item 3)."""
    click.echo(_("haze: options from {path}").format(path=path.resolve()), err=True)


def report_error(exc: HazeError) -> None:
    from haze.cli.common import print_findings
    from haze.core.errors import ListError, PolicyError

    if isinstance(exc, ListError):
        only = exc.findings[0] if len(exc.findings) == 1 else None
        if only is not None and only.line is None and only.is_error and only.path:
            # The file itself is the problem (missing, unreadable, not a workbook): one line says it, not
            # "x.csv: error E001 no such file" and then "x.csv: cannot be read; nothing advised".
            click.echo(_("haze: error: {message}").format(
                message=_("{report_path}: {message}").format(report_path=only.path, message=only.message)), err=True)
            return
        print_findings(exc.findings, limit=None)
    if isinstance(exc, PolicyError):  # a broken policy file: one line per problem, each naming its file:line
        for line in str(exc).splitlines():
            click.echo(_("haze: error: {message}").format(message=line), err=True)
        return
    click.echo(_("haze: error: {message}").format(message=exc), err=True)


class _VersionMessage(str):
    """click's ``%(prog)s, version %(version)s``, looked up when ``--version`` prints it.

    click looks its message up when the decorator runs, at import, before the run's language is
    chosen: ``haze --version`` said "haze, version 0.1.0" in a Chinese run.
    """

    def __mod__(self, values: Any) -> str:
        return _(str(self)) % values


@click.group(cls=HazeGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="haze", message=_VersionMessage("%(prog)s, version %(version)s"))
@click.option("--config", "config_path", type=PathInLanguage(dir_okay=False, path_type=Path), metavar="FILE",
              help=N_("Options file (default: haze.yaml in this or a parent directory)."))
@click.option("--ui", type=click.Choice(["zh", "en"]), metavar="zh|en", expose_value=False,
              help=N_("Interface language: help, messages, tables (default: ui in haze.yaml, HAZE_UI, else the "
                      "locale). Not the notices' language: that is --lang of activate, lift, ozone, stagger."))
@click.pass_context
def cli(ctx: click.Context, config_path: Path | None) -> None:
    """haze: heavy-pollution weather emergency curtailment (重污染天气应急减排).

    \b
    Once:               haze init                 start the bureau's journal
    Before the season:  haze validate LIST        review a list
                        haze plan orange          what extra cuts close a gap
    On a warning:       haze advise forecast.csv  which level the AQI forecast calls for
                        haze check orange         compute, write nothing
                        haze activate orange      notices + journal record
                        haze lift                 lift the active warning
    After the notices:  haze receipt ID…          record receipts (--report: reports)
                        haze overdue              who to phone
                        haze verify power.csv     metered power against the cuts
    """
    from haze.cli.common import defaults_for
    from haze.io.config import find_config, read_config

    path = config_path or find_config()
    if path is None or ctx.resilient_parsing:
        return
    try:
        config = read_config(path)
    except HazeError as exc:
        report_error(exc)
        ctx.exit(exc.exit_code)
    disclose_config(path)
    ctx.default_map = {name: defaults_for(cmd, config)
                       for name in COMMANDS if (cmd := cli.get_command(ctx, name)) is not None}
    _check_config(ctx, path)


def _check_config(ctx: click.Context, path: Path) -> None:
    """A bad value in haze.yaml for the command being run: one line naming haze.yaml and the key (exit 2)."""
    from haze.cli.common import check_defaults

    name = ctx.invoked_subcommand
    command = cli.get_command(ctx, name) if name else None
    if command is None or name is None:
        return
    try:
        check_defaults(command, (ctx.default_map or {}).get(name, {}), path)
    except HazeError as exc:
        report_error(exc)
        ctx.exit(exc.exit_code)


def main() -> None:
    # A run is short and keeps what it builds (the list, the results) to the end, so full
    # (generation 2) collections only rescan them: a third of a warm `check` on a
    # 50,000-enterprise list (benchmarks/README.md). Young cycles are still collected.
    gc.set_threshold(700, 10, 10_000)
    cli(prog_name="haze")
