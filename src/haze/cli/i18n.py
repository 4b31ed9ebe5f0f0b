"""The interface language on the command line (SPEC §17): help, usage and click's own words.

click keeps every ``help=`` string and docstring as it was when the command was decorated,
in English; the lookup happens here, when help is formatted (:class:`HazeCommand`), so the
language chosen by ``--ui``/haze.yaml/HAZE_UI/the locale applies to commands imported before
it was known. click's own sentences ("Usage:", "Missing option", "Error: …") go through
``gettext.gettext`` bound by name in each click module; :func:`route_click` points those names
at haze's catalog, because the stdlib's global domain chooses its language from the
environment alone and could not follow ``--ui`` without rewriting the process's environment.

Chinese is two terminal cells a character: :class:`HazeFormatter` wraps help by cells, and
breaks between Chinese characters (never before a closing punctuation mark), where click's
wrapper counts characters and breaks only at spaces.
"""

from __future__ import annotations

import sys
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import click

from haze.core.i18n import N_, _, ngettext

# -- click's own messages ------------------------------------------------------------------


def route_click() -> None:
    """Point click's ``_``/``ngettext`` (imported by name from :mod:`gettext`) at haze's catalog.

    English is unchanged: haze's ``_`` returns the msgid itself in English, as ``gettext``
    does with no catalog. Modules click imports later (its pager, shell completion) keep the
    stdlib's and so speak English, as they did.
    """
    import gettext

    for name, module in list(sys.modules.items()):
        if module is None or not (name == "click" or name.startswith("click.")):
            continue
        if getattr(module, "_", None) is gettext.gettext:
            module._ = _click_gettext  # type: ignore[attr-defined]
        if getattr(module, "ngettext", None) is gettext.ngettext:
            module.ngettext = ngettext  # type: ignore[attr-defined]
    _full_stop_for_missing()


#: click's words that haze's catalog says otherwise for click alone: "required" is also the requirement
#: column of haze's tables (要求), while beside an option click means one that must be given (必填)
CLICK_WORDS = {"required": N_("required (an option that must be given)")}


def _click_gettext(message: str) -> str:
    """haze's ``_`` for click's own messages, with :data:`CLICK_WORDS` looked up under their own msgid."""
    if message in CLICK_WORDS and not _english():
        return _(CLICK_WORDS[message])
    return _(message)


def _full_stop_for_missing() -> None:
    """``缺少参数 'LEVEL'。``: click writes the full stop of "Missing argument 'LEVEL'." in code, not in a message."""
    from click.exceptions import MissingParameter

    english = MissingParameter.format_message
    if getattr(english, "haze", False):
        return

    def format_message(self: MissingParameter) -> str:
        text = english(self)
        if _english():
            return text
        head, stop, rest = text.partition("'.")
        return f"{head}'。{rest.lstrip()}" if stop else text

    format_message.haze = True  # type: ignore[attr-defined]
    MissingParameter.format_message = format_message  # type: ignore[method-assign]


# -- width in terminal cells ---------------------------------------------------------------

#: marks that never start a line (GB/T 15834 禁则: closing punctuation stays with what it closes)
NO_LINE_START = set("，。、；：！？）》」』】〕”’…,.;:!?)]}%")


def cells(text: str) -> int:
    """Terminal cells of ``text``: two for a wide (CJK) character, none for a combining mark."""
    from click._compat import strip_ansi

    width = 0
    for ch in strip_ansi(text):
        if unicodedata.combining(ch):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width


def _chunks(text: str) -> list[str]:
    """Words, spaces and single wide characters: a line may break after any of them."""
    out: list[str] = []
    word = ""
    for ch in text:
        if ch.isspace() or unicodedata.east_asian_width(ch) in ("W", "F"):
            if word:
                out.append(word)
                word = ""
            if ch in NO_LINE_START and out and not out[-1].isspace():
                out[-1] += ch  # "，" stays on the line of the character before it
            else:
                out.append(" " if ch.isspace() else ch)
        elif ch in NO_LINE_START and not word and out and not out[-1].isspace():
            out[-1] += ch
        else:
            word += ch
    if word:
        out.append(word)
    return out


def fill(text: str, width: int, initial: str = "", subsequent: str = "") -> str:
    """``text`` as one paragraph, filled to ``width`` cells, indents included."""
    lines: list[str] = []
    line, used = initial, cells(initial)
    empty = True  # nothing but the indent on this line yet
    for chunk in _chunks(" ".join(text.split())):
        size = cells(chunk)
        if chunk == " ":
            if not empty:
                line, used = line + " ", used + 1
            continue
        if not empty and used + size > width:
            lines.append(line.rstrip())
            line, used, empty = subsequent, cells(subsequent), True
        while empty and used + size > width and len(chunk) > 1:  # a word longer than a line: cut it
            head = _take(chunk, width - used)
            lines.append(line + head)
            chunk = chunk[len(head):]
            line, used, size = subsequent, cells(subsequent), cells(chunk)
        line, used, empty = line + chunk, used + size, False
    lines.append(line.rstrip())
    return "\n".join(lines)


def _take(chunk: str, room: int) -> str:
    taken, used = "", 0
    for ch in chunk:
        if used + cells(ch) > max(room, 1) and taken:
            break
        taken, used = taken + ch, used + cells(ch)
    return taken


def wrap_text(text: str, width: int, initial_indent: str = "", subsequent_indent: str = "",
              preserve_paragraphs: bool = False) -> str:
    """click's :func:`click.formatting.wrap_text` (paragraphs, ``\\b`` blocks kept as written), by cells."""
    text = text.expandtabs()
    if not preserve_paragraphs:
        return fill(text, width, initial_indent, subsequent_indent)
    paragraphs: list[tuple[int, bool, list[str]]] = []
    block: list[str] = []
    indent: int | None = None

    def flush() -> None:
        if block:
            raw = block[0].strip() == "\b"
            paragraphs.append((indent or 0, raw, block[1:] if raw else list(block)))
            block.clear()

    for line in text.splitlines():
        if not line:
            flush()
            indent = None
            continue
        if indent is None:
            indent = len(line) - len(line.lstrip())
            line = line.lstrip()
        block.append(line)
    flush()
    out = []
    for extra, raw, lines in paragraphs:
        first, rest = initial_indent + " " * extra, subsequent_indent + " " * extra
        if raw:
            out.append("\n".join((first if i == 0 else rest) + x for i, x in enumerate(lines)))
        else:
            out.append(fill(_join(lines), width, first, rest))
    return "\n\n".join(out)


def _join(lines: Sequence[str]) -> str:
    """A paragraph's lines as one: a space between English words, none between Chinese characters."""
    text = ""
    for line in lines:
        line = line.strip()
        if text and not (_wide(text[-1]) and _wide(line[:1])):
            text += " "
        text += line
    return text


def _wide(ch: str) -> bool:
    return bool(ch) and unicodedata.east_asian_width(ch) in ("W", "F")


def _english() -> bool:
    from haze.core.i18n import language

    return language() == "en"


class HazeFormatter(click.HelpFormatter):
    """click's help layout, with widths in terminal cells (Chinese help stays inside 80 columns)."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        if _english():
            return super().write_usage(prog, args, prefix)
        if prefix is None:  # "用法：" needs no space after its full-width colon
            prefix = _("Usage:") + ("" if _("Usage:").endswith("：") else " ")
        usage = f"{' ' * max(self.current_indent - cells(prefix), 0)}{prefix}{prog} "
        width = self.width - self.current_indent
        if not args:
            self.write(usage.rstrip(" ") + "\n")
            return
        if width >= cells(usage) + 20:
            self.write(wrap_text(args, width, initial_indent=usage, subsequent_indent=" " * cells(usage)))
        else:
            indent = " " * (max(self.current_indent, cells(prefix)) + 4)
            self.write(usage + "\n" + wrap_text(args, width, initial_indent=indent, subsequent_indent=indent))
        self.write("\n")

    def write_heading(self, heading: str) -> None:
        if _english():
            return super().write_heading(heading)
        self.write(f"{'':>{self.current_indent}}{heading}：\n")  # a Chinese heading ends in a full-width colon

    def write_text(self, text: str) -> None:
        if _english():
            return super().write_text(text)
        indent = " " * self.current_indent
        self.write(wrap_text(text, self.width, initial_indent=indent, subsequent_indent=indent,
                             preserve_paragraphs=True))
        self.write("\n")

    def write_dl(self, rows: Iterable[tuple[str, str]], col_max: int = 30, col_spacing: int = 2) -> None:
        if _english():  # English help exactly as click lays it out
            return super().write_dl(rows, col_max, col_spacing)
        rows = [(row[0], row[1] if len(row) > 1 else "") for row in rows]
        first_col = min(max((cells(r[0]) for r in rows), default=0), col_max) + col_spacing
        for first, second in rows:
            self.write(f"{'':>{self.current_indent}}{first}")
            if not second:
                self.write("\n")
                continue
            if cells(first) <= first_col - col_spacing:
                self.write(" " * (first_col - cells(first)))
            else:
                self.write("\n" + " " * (first_col + self.current_indent))
            lines = wrap_text(second, max(self.width - first_col - 2, 10), preserve_paragraphs=True).splitlines()
            self.write(f"{lines[0] if lines else ''}\n")
            for line in lines[1:]:
                self.write(f"{'':>{first_col + self.current_indent}}{line}\n")


class HazeContext(click.Context):
    formatter_class = HazeFormatter


# -- help texts looked up when shown ---------------------------------------------------------


@contextmanager
def translated(*items: Any) -> Iterator[None]:
    """Each item's ``help`` in the interface language while help is formatted; restored after."""
    import inspect

    saved = [(item, item.help) for item in items if getattr(item, "help", None)]
    try:
        for item, text in saved:
            item.help = _(inspect.cleandoc(text))  # a docstring's msgid is as click shows it: dedented
        yield
    finally:
        for item, text in saved:
            item.help = text


def short_help(text: str, limit: int) -> str:
    """A command's line in ``haze --help``: its first sentence, cut to ``limit`` cells."""
    first = text.split("\n\n", 1)[0].strip()
    if "\b" in first:
        first = ""
    for stop in ("。", "：", "；"):  # a Chinese sentence ends without the space click looks for
        if stop in first:
            first = first.split(stop, 1)[0]
            break
    if cells(first) <= limit:
        return first
    return _take(first, limit - 3) + "..."


class HelpInLanguage:
    """Mixin for a click command or group: its help, and its options' help, shown in the interface language."""

    help: str | None
    short_help: str | None

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with translated(self):
            super().format_help_text(ctx, formatter)  # type: ignore[misc]

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with translated(*self.get_params(ctx)):  # type: ignore[attr-defined]
            super().format_options(ctx, formatter)  # type: ignore[misc]

    def collect_usage_pieces(self, ctx: click.Context) -> list[str]:
        """The usage line's pieces with click's own words in the interface language ([OPTIONS], COMMAND
        [ARGS]...: SPEC §17 names click's words too); the arguments' names (LEVEL) stay, as the help says them."""
        english = {"[OPTIONS]": _("[OPTIONS]"), "COMMAND [ARGS]...": _("COMMAND [ARGS]...")}
        return [english.get(piece, piece) for piece in super().collect_usage_pieces(ctx)]  # type: ignore[misc]

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        # click makes --help once per command, its help looked up then: keep the msgid, looked up when shown,
        # or the first language a process used would stay (tests run both in one process).
        fresh = getattr(self, "_help_option", None) is None
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None and fresh:
            option.help = N_("Show this message and exit.")
        return option  # type: ignore[no-any-return]

    def get_short_help_str(self, limit: int = 45) -> str:
        from haze.core.i18n import language

        if language() == "en":
            return super().get_short_help_str(limit)  # type: ignore[misc,no-any-return]
        import inspect

        return short_help(_(inspect.cleandoc(self.short_help or self.help or "")), limit)


class HazeCommand(HelpInLanguage, click.Command):
    """Every haze command: ``@click.command(cls=HazeCommand)``."""

    context_class = HazeContext

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """click's own parsing; an extra argument that is a list file gets a hint to give it with --list.

        ``haze check orange list.yaml`` said only "Got unexpected extra argument (list.yaml)" (QA, duty
        night): the officer had the right file and the wrong form. The extra arguments are let through
        click once, to be known, and refused here with click's own message and the hint.
        """
        if ctx.allow_extra_args or ctx.resilient_parsing or not _takes_list(self):
            return super().parse_args(ctx, args)  # type: ignore[no-any-return]
        typed = list(args)
        ctx.allow_extra_args = True
        try:
            rest: list[str] = super().parse_args(ctx, args)
        finally:
            ctx.allow_extra_args = False
        if rest:
            message = ngettext("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})",
                               len(rest)).format(args=" ".join(map(str, rest)))
            hint = list_hint(ctx.command_path, typed, rest)
            ctx.fail(f"{message}\n{hint}" if hint else message)
        return rest


#: what a list file is called (SPEC §2, §9): an extra argument ending so is a list given without --list
LIST_SUFFIXES = (".yaml", ".yml", ".csv", ".xlsx")


def _takes_list(command: click.Command) -> bool:
    return any(isinstance(p, click.Option) and "--list" in p.opts for p in command.params)


def _looks_like_list(arg: str) -> bool:
    from pathlib import Path

    return arg.lower().endswith(LIST_SUFFIXES) or Path(arg).is_file()


def list_hint(command_path: str, typed: Sequence[str], extra: Sequence[str]) -> str:
    """``give the list with --list: haze check orange --list x.yaml`` for the extra arguments that are lists."""
    lists = [a for a in extra if _looks_like_list(a)]
    if not lists:
        return ""
    words = list(typed)
    for arg in reversed(lists):  # the extra arguments are the last of their value among what was typed
        at = len(words) - 1 - words[::-1].index(arg)
        words.insert(at, "--list")
    from haze.core.text import shell_word

    return _("give the list with --list: {command}").format(command=" ".join([command_path, *map(shell_word, words)]))


route_click()


# -- choosing the language before anything is printed ----------------------------------------


def group_args(args: Sequence[str]) -> tuple[str | None, str | None]:
    """``--ui`` and ``--config`` as typed before the command name (the group's own options)."""
    ui = config = None
    it = iter(args)
    for arg in it:
        if arg in ("--ui", "--config"):
            value = next(it, None)
            if arg == "--ui":
                ui = value
            else:
                config = value
        elif arg.startswith("--ui="):
            ui = arg[len("--ui="):]
        elif arg.startswith("--config="):
            config = arg[len("--config="):]
        elif arg == "--" or not arg.startswith("-"):
            break
    return ui, config


#: a top-level ``ui: zh`` line of haze.yaml (quotes and a comment allowed)
UI_LINE = r"""^ui[ \t]*:[ \t]*["']?([A-Za-z]+)["']?[ \t]*(?:#.*)?$"""


def config_ui(path: Any) -> str | None:
    """The ``ui:`` of haze.yaml, or None, read by a line scan: ``haze --help`` must not import YAML.

    The whole file is still read (and a bad value refused, naming the file) by ``read_config``
    when a command runs; a file that cannot be read here is reported there.
    """
    import re

    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None
    found = re.search(UI_LINE, text, flags=re.MULTILINE)
    return found.group(1).lower() if found else None


#: ``--ui`` was given on this command line: a haze.yaml named later (``haze check --config F``) does not override it
ui_typed = False


def choose_language(args: Sequence[str]) -> str:
    """Set the interface language from the command line, haze.yaml, HAZE_UI and the locale (SPEC §17).

    Run before click parses anything, so usage errors and ``haze --help`` are in it too. A value
    that is not zh or en (HAZE_UI=fr, ``ui: fr``) raises the UsageError of :func:`resolve_language`.
    """
    import os
    from pathlib import Path

    from haze.core.i18n import LANGUAGES, resolve_language, set_language
    from haze.io.config import find_config

    global ui_typed
    ui, config = group_args(args)
    if ui not in LANGUAGES:
        ui = None  # click refuses the value itself, in the language the rest gives
    ui_typed = ui is not None
    from_file = None
    if ui is None:
        path = Path(config) if config else find_config()
        from_file = config_ui(path) if path is not None and path.is_file() else None
    chosen = resolve_language(ui, from_file, os.environ)  # on Windows it asks the system's display language
    set_language(chosen)
    return chosen


def config_language(config: dict[str, Any]) -> None:
    """``ui:`` of a haze.yaml named by a command's own ``--config``: it applies unless ``--ui`` was typed."""
    import os

    from haze.core.i18n import resolve_language, set_language

    if not ui_typed and config.get("ui"):
        set_language(resolve_language(None, config["ui"], os.environ))


# -- the help texts as catalog messages ------------------------------------------------------


def help_messages() -> dict[str, str]:
    """Every help text click shows (docstrings dedented, as :func:`translated` looks them up) -> where it is.

    Docstrings and ``help=`` literals are no ``_()`` call, so Babel's extractor cannot find them:
    the catalog test and ``scripts/catalog.py extract`` take them from here. Imports every command.
    """
    import inspect

    from haze.cli import COMMANDS, cli

    found: dict[str, str] = {}
    ctx = click.Context(cli)
    commands: list[tuple[str, click.Command]] = [("haze", cli)]
    for name in COMMANDS:
        command = cli.get_command(ctx, name)
        if command is not None:
            commands.append((f"haze {name}", command))
    for where, command in commands:
        for text, place in [(command.help, where)] + [(getattr(p, "help", None), f"{where} {p.opts[0]}")
                                                      for p in command.params]:
            if text:
                found.setdefault(inspect.cleandoc(text), f"help of {place}")
    return found


class PathInLanguage(click.Path):
    """``click.Path`` whose name ("file") is looked up when a message names it.

    click looks the name up when the type is made: for an option of the ``haze`` group itself that is
    at import, before the run's language is chosen, so ``haze --config /tmp`` said "File '/tmp' 是目录".
    (A command's options are made when the command is first imported, in the run's language.)
    """

    @property  # type: ignore[override]
    def name(self) -> str:
        return _(self._english_name)

    @name.setter
    def name(self, value: str) -> None:
        self._english_name = value
