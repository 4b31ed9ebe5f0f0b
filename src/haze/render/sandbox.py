"""Bounds on what a notice template may cost (issue 17.13).

Jinja's sandbox stops a template from reaching Python's internals, but not
from exhausting memory (``{{ "x" * 10**10 }}`` asked for 12 GB) or looping
for hours while ``haze activate`` holds the journal's write lock. A bureau's
``--templates`` directory is trusted to say what a notice reads, not to take
the machine down at 2 a.m.; so:

* **Sizes.** ``*`` on text or a sequence, ``**``, ``%`` formatting, the
  width-taking string methods and filters (``center``, ``ljust``, ``rjust``,
  ``zfill``, ``indent``, ``format``, ``replace``), ``str.format`` widths,
  every value passed to or returned from a call (macros included, so a
  recursive macro cannot double a string forty times) and every value stored
  in a ``namespace()`` are limited to :data:`MAX_SIZE` characters or items,
  checked *before* the work where the size can be known in advance.
  ``range()`` is limited by Jinja itself (100,000 items); ``lipsum`` is
  limited to :data:`MAX_LIPSUM` paragraphs.
* **Time.** Each render of one template (one notice, one index) must finish
  within :data:`RENDER_SECONDS`; a template still running then fails with one
  line (exit 2), the journal's transaction rolls back and its lock is
  released. The limit uses ``SIGALRM``, so it applies in the main thread on
  POSIX systems (the CLI); elsewhere only the size bounds apply.

A shipped notice renders in about a millisecond and never comes near either bound.
"""

from __future__ import annotations

import re
import signal
import threading
from contextlib import contextmanager
from typing import Any, Callable, Iterator

from haze.core.i18n import N_, _
from haze.core.errors import TemplateError

#: Characters of one text value, or items of one sequence: a notice is a few thousand characters, the
#: index of a province's 20,000 enterprises a few million.
MAX_SIZE = 10_000_000
#: Largest exponent ``**`` may take (beyond 0, 1 and -1 as the base).
MAX_EXPONENT = 256
MAX_LIPSUM = 100
#: Wall-clock seconds one template render may take.
RENDER_SECONDS = 10.0

_WIDTH_METHODS = frozenset({"center", "ljust", "rjust", "zfill", "expandtabs"})
# A width or precision of 8 digits or more in a format spec: "%100000000s", "{:>100000000}".
_PERCENT_WIDTH = re.compile(r"%[-+ #0]*(?:\d{8,}|\*)|%[-+ #0]*\d*\.\d{8,}")
_FORMAT_WIDTH = re.compile(r"\{[^{}]*:[^{}]*\d{8,}")


class RenderTimeout(TemplateError):
    """A template ran past :data:`RENDER_SECONDS`."""


def _refuse(what: str) -> None:
    from jinja2.exceptions import SecurityError

    from haze.core.i18n import _

    # translated here, on refusal only: the checks run on every operation of every template
    raise SecurityError(_("{what} exceeds the template limit of {limit:,} characters or items").format(
        what=what, limit=MAX_SIZE))


def _size(value: Any) -> int:
    return len(value) if isinstance(value, (str, bytes, list, tuple, dict, set, frozenset)) else 0


def _check(value: Any, what: str) -> Any:
    if _size(value) > MAX_SIZE:
        _refuse(what)
    return value


def _check_int(value: Any, what: str) -> None:
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_SIZE:
        _refuse(what)


def bounded_environment_class() -> type:
    """The sandboxed environment class with the bounds above (jinja2 imported lazily)."""
    from jinja2.sandbox import ImmutableSandboxedEnvironment
    from jinja2.utils import Namespace

    class BoundedNamespace(Namespace):
        def __setitem__(self, name: str, value: Any) -> None:
            super().__setitem__(name, _check(value, f"namespace value {name!r}"))

    class BoundedSandbox(ImmutableSandboxedEnvironment):
        intercepted_binops = frozenset({"*", "**", "%"})

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.globals["namespace"] = BoundedNamespace
            lipsum = self.globals.get("lipsum")
            if callable(lipsum):
                self.globals["lipsum"] = _bounded_lipsum(lipsum)
            for name in ("center", "indent", "format", "replace"):
                if name in self.filters:
                    self.filters[name] = _bounded_filter(name, self.filters[name])

        def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
            if operator == "*":
                for seq, count in ((left, right), (right, left)):
                    if _size(seq) and isinstance(count, int) and _size(seq) * count > MAX_SIZE:
                        _refuse("a repeated text or sequence")
            elif operator == "**":
                if isinstance(right, int) and isinstance(left, int) and left not in (0, 1, -1) \
                        and right > MAX_EXPONENT:
                    _refuse(f"the power {left}**{right}")
            elif operator == "%" and isinstance(left, str) and _PERCENT_WIDTH.search(left):
                _refuse("a % format width")
            return _check(super().call_binop(context, operator, left, right), f"the result of {operator}")

        def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
            owner = getattr(__obj, "__self__", None)
            if isinstance(owner, str) and getattr(__obj, "__name__", "") in _WIDTH_METHODS:
                for value in (*args, *kwargs.values()):
                    _check_int(value, f"the width given to {__obj.__name__}()")
            for value in (*args, *kwargs.values()):
                _check(value, "a value passed to a call")
            result = super().call(__context, __obj, *args, **kwargs)
            return _check(result, "the result of a call")

        def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
            wrapped = super().wrap_str_format(value)
            if wrapped is not None and isinstance(getattr(value, "__self__", None), str) \
                    and _FORMAT_WIDTH.search(value.__self__):
                def refused(*args: Any, **kwargs: Any) -> str:
                    _refuse("a format width")
                    return ""
                return refused
            return wrapped

    return BoundedSandbox


def _bounded_filter(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    from functools import wraps

    from jinja2 import pass_eval_context

    def guard(value: Any, args: tuple, kwargs: dict) -> None:
        if name in ("center", "indent"):
            for width in (*args, *kwargs.values()):
                _check_int(width, f"the width given to |{name}")
        elif name == "format" and isinstance(value, str) and _PERCENT_WIDTH.search(value):
            _refuse("a |format width")
        elif name == "replace" and len(args) >= 2 and isinstance(value, str):
            old, new = str(args[0]), str(args[1])
            count = value.count(old) if old else len(value) + 1
            if len(value) + count * max(len(new) - len(old), 0) > MAX_SIZE:
                _refuse("the result of |replace")

    if getattr(function, "jinja_pass_arg", None) is not None:  # eval-context filters (format, replace)
        @pass_eval_context
        @wraps(function)
        def with_context(eval_ctx: Any, value: Any, *args: Any, **kwargs: Any) -> Any:
            guard(value, args, kwargs)
            return _check(function(eval_ctx, value, *args, **kwargs), f"the result of |{name}")
        return with_context

    @wraps(function)
    def plain(value: Any, *args: Any, **kwargs: Any) -> Any:
        guard(value, args, kwargs)
        return _check(function(value, *args, **kwargs), f"the result of |{name}")
    return plain


def _bounded_lipsum(function: Callable[..., str]) -> Callable[..., str]:
    def lipsum(n: int = 5, *args: Any, **kwargs: Any) -> str:
        if isinstance(n, int) and n > MAX_LIPSUM:
            _refuse(f"lipsum({n})")
        return function(n, *args, **kwargs)
    return lipsum


_timing: list[tuple[str, float]] = []  # the render being timed (name, seconds); empty when none


def _expire(signum: int, frame: Any) -> None:
    if not _timing:
        return  # a stray alarm after the render finished: nothing to stop
    name, seconds = _timing[-1]
    raise RenderTimeout(_("{name}: the template took more than {seconds:g} s to render one document; it loops or builds too much (nothing written or recorded)").format(name=name, seconds=seconds))


@contextmanager
def time_limit(name: str, seconds: float | None = None) -> Iterator[None]:
    """Raise :class:`RenderTimeout` if the block runs longer than ``seconds`` (main thread, POSIX).

    The handler is installed once and left in place (inert when nothing is
    timed): installing it per render cost more than a small render itself.
    """
    seconds = RENDER_SECONDS if seconds is None else seconds
    if seconds <= 0 or not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return
    if not _timing and signal.getsignal(signal.SIGALRM) is not _expire:  # outermost render only
        signal.signal(signal.SIGALRM, _expire)
    _timing.append((name, seconds))
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        _timing.pop()


#: Jinja's own words for the mistakes a bureau's template writer makes, as a Chinese clerk reads them
#: (English keeps Jinja's text); each pattern's named groups fill the message's placeholders
_JINJA_REASONS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^'dict object' has no attribute (?P<name>'.*')$"), N_("no field {name}")),
    (re.compile(r"^(?P<name>'.*') is undefined$"), N_("no variable {name}")),
    (re.compile(r"^'(?P<kind>.+?) object' has no attribute (?P<name>'.*')$"), N_("{kind} has no attribute {name}")),
    (re.compile(r"^Unexpected end of template\. Jinja was looking for the following tags: (?P<tags>.*)\. "
                r"The innermost block that needs to be closed is (?P<block>'.*')\.$"),
     N_("the template ends before the {block} block is closed: {tags} is missing")),
    (re.compile(r"^Unexpected end of template.*$", re.S), N_("the template ends before a block is closed")),
    (re.compile(r"^Encountered unknown tag (?P<tag>'[^']*')\..*$", re.S), N_("unknown tag {tag}")),
    (re.compile(r"^unexpected (?P<found>'[^']*'), expected (?P<expected>'[^']*')$"),
     N_("expected {expected}, found {found}")),
    (re.compile(r"^unexpected (?P<token>'[^']*')$"), N_("unexpected {token}")),
    (re.compile(r"^expected token (?P<expected>'.*'), got (?P<found>'.*')$"), N_("expected {expected}, found {found}")),
    (re.compile(r"^No filter named (?P<name>'.*')\.?$"), N_("no filter named {name}")),
    (re.compile(r"^No test named (?P<name>'.*')\.?$"), N_("no test named {name}")),
    (re.compile(r"^access to attribute (?P<name>'.*') of (?P<kind>'.*') object is unsafe\.?$"),
     N_("the attribute {name} of a {kind} object may not be used")),
)


def jinja_reason(text: str) -> str:
    """Jinja's message for a template error, for the line a template writer reads.

    ``'dict object' has no attribute 'nmae'`` is a misspelt field (``no field 'nmae'``) in both
    languages; in Chinese the other common messages are translated too, and anything else is left as
    Jinja wrote it.
    """
    from haze.core.i18n import language

    chinese = language() == "zh"
    for pattern, message in _JINJA_REASONS:
        match = pattern.match(text)
        if match is None:
            continue
        if not chinese and message != _JINJA_REASONS[0][1]:
            return text
        parts = {k: v.replace("' or '", "' 或 '") if chinese else v for k, v in match.groupdict().items()}
        return _(message).format(**parts)
    return text
