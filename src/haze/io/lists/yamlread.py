"""Safe, bounded, located YAML loading.

- Only plain data: no tags that construct objects (``SafeConstructor``).
- A YAML 1.2-like resolver: ``20:00``, ``no``, ``0356``, ``2024-12-01`` stay
  strings instead of turning into 1200, False, 238 or a date (YAML 1.1 traps).
- Mappings come back as :class:`LDict`, which remembers the line of the mapping
  and of each key, so every finding can name its line.
- Duplicate keys are findings (PyYAML would silently keep the last).
- Size, nesting depth and alias expansion are bounded before anything is
  built: a hostile file gets a finding, not a crash or memory exhaustion.
- libyaml is used when present; garbage collection is paused while loading,
  which more than halves load time on large lists.
"""

from __future__ import annotations

import gc
import math
import re
from typing import Any

import yaml
import yaml.reader
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.resolver import BaseResolver

from haze.core.findings import Finding, finding
from haze.core.i18n import N_, _

try:  # libyaml: about 3x faster on large lists
    from yaml.cyaml import CParser as _Parser  # type: ignore[attr-defined]

    LIBYAML = True
except ImportError:  # pragma: no cover - depends on the PyYAML build
    from yaml.composer import Composer
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _Parser(Reader, Scanner, Parser, Composer):  # type: ignore[no-redef]
        def __init__(self, stream: Any) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)
            Composer.__init__(self)

    LIBYAML = False

MAX_BYTES = 128 * 1024 * 1024  # a province list is ~20 MB; Python objects take ~30x the bytes
MAX_DEPTH = 64
#: expanded nodes allowed beyond the document's own nodes (aliases re-use nodes)
ALIAS_SLACK = 100_000


class LDict(dict):
    """A mapping that remembers where it and each of its keys stand in the source."""

    __slots__ = ("line", "key_lines", "key_columns")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.line: int = 0
        self.key_lines: dict = {}
        self.key_columns: dict | None = None

    def line_of(self, key: Any) -> int:
        return self.key_lines.get(key, self.line)

    def column_of(self, key: Any) -> str | None:
        return self.key_columns.get(key) if self.key_columns else None


class Resolver(BaseResolver):
    """How haze reads plain scalars (YAML 1.2-like); the YAML writer quotes by it too."""


Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$"), list("-+0123456789")
)
Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)(?:[eE][-+]?[0-9]+)?|[-+]?[0-9]+[eE][-+]?[0-9]+"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+0123456789."),
)
Resolver.add_implicit_resolver("tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""])


class _Loader(_Parser, SafeConstructor, Resolver):  # type: ignore[misc, valid-type]
    def __init__(self, stream: Any, path: str) -> None:
        _Parser.__init__(self, stream)
        SafeConstructor.__init__(self)
        Resolver.__init__(self)
        self.path = path
        self.findings: list[Finding] = []

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        # An explicit tag on a value it cannot hold (``!!float abc``, ``!!bool maybe``)
        # makes PyYAML raise plain Python errors: turn them into a located YAML error.
        try:
            return super().construct_object(node, deep)
        except (ValueError, KeyError, TypeError, OverflowError):
            text = node.value if isinstance(node.value, str) else node.id  # type: ignore[attr-defined]
            raise ConstructorError(None, None, _("cannot read {text!r} as {tag}").format(text=_short(text), tag=node.tag),
                                   node.start_mark) from None


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> Any:
    if not isinstance(node, yaml.MappingNode):  # ``!!map [1]``
        raise ConstructorError(None, None, _("expected a mapping, but found a {kind}").format(kind=node.id),
                               node.start_mark)
    data = LDict()
    data.line = node.start_mark.line + 1
    yield data
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=False)
        line = key_node.start_mark.line + 1
        try:
            hash(key)
        except TypeError:
            raise ConstructorError(None, None, _("a mapping key must be plain text"), key_node.start_mark) from None
        if key in data:
            loader.findings.append(
                finding("E109", _("duplicate key {key!r} (first on line {first}); "
                                  "it is ambiguous which value is meant").format(key=key, first=data.key_lines[key]),
                        loader.path, line)
            )
        data[key] = loader.construct_object(value_node, deep=False)
        data.key_lines[key] = line


def _construct_string(loader: _Loader, node: yaml.ScalarNode) -> str:
    return node.value


_HUGE_DECIMAL = re.compile(r"[-+]?[0-9]{300,}")


def _construct_int(loader: _Loader, node: yaml.ScalarNode) -> int | float:
    """Integers beyond any float become ±inf, so the builder's finiteness checks catch them
    (instead of Python's 4300-digit limit or an OverflowError escaping as a crash)."""
    text = str(node.value).replace("_", "")
    if _HUGE_DECIMAL.fullmatch(text):
        return float(text)
    value = SafeConstructor.construct_yaml_int(loader, node)
    try:
        float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf
    return value


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)  # type: ignore[type-var]
# Explicit timestamps, binary, sets, ordered maps: read as their text or refuse.
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_string)  # type: ignore[type-var]
_Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)  # type: ignore[type-var]


def _line_of_offset(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


#: The start of every line as libyaml sees lines (\n, \r, \r\n, NEL, LS, PS; a BOM
#: after any of them), then the run of indentation and block indicators (``- ``,
#: ``? ``, ``: ``) that can open nested collections on that line. Missing any of
#: these lets a deep document past the bound into libyaml's recursive composer,
#: which crashes the process.
_LINE_PREFIX = re.compile(rb"(?:\A|\r\n?|\n|\xc2\x85|\xe2\x80[\xa8\xa9])((?:[ \t?:-]|\xef\xbb\xbf)*)")


def _depth_bound(data: bytes) -> int:
    """A cheap upper bound on nesting depth: block indentation plus flow brackets.

    Block nesting needs at least one more column of indentation (or ``- ``/``? ``/``: ``
    indicator) per level; flow nesting is bounded by twice the running count of open
    brackets. Brackets inside quoted text only make the bound larger, never smaller.
    """
    prefixes = _LINE_PREFIX.findall(data)
    block = max(map(len, prefixes), default=0)
    flow = depth = 0
    for m in re.finditer(rb"[\[\]{}]", data):
        # Two per bracket: ``[a: b]`` opens a sequence and, inside it, a mapping.
        if m.group() in (b"[", b"{"):
            depth += 2
            flow = max(flow, depth)
        else:
            depth = max(0, depth - 2)
    return block + flow + 1


def _exact_depth(data: bytes) -> tuple[int, int | None]:
    """Nesting depth from the event stream, stopping once past MAX_DEPTH."""
    depth = 0
    loader = _Loader(data, "")
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    return depth, event.start_mark.line + 1  # type: ignore[union-attr]
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    finally:
        loader.dispose()
    return depth, None


def _expansion(root: yaml.Node) -> tuple[int, int]:
    """(unique nodes, nodes after expanding aliases); raises ValueError on a cycle."""
    sizes: dict[int, int] = {}
    on_stack: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            on_stack.discard(key)
            children = _children(node)
            sizes[key] = 1 + sum(sizes[id(c)] for c in children)
            continue
        if key in sizes:
            continue
        if key in on_stack:
            raise ValueError(node.start_mark.line + 1)
        on_stack.add(key)
        stack.append((node, True))
        for child in _children(node):
            if id(child) in on_stack:
                raise ValueError(child.start_mark.line + 1)
            if id(child) not in sizes:
                stack.append((child, False))
    return len(sizes), sizes[id(root)]


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    return []


def _yaml_error(exc: yaml.YAMLError, path: str, data: bytes = b"") -> Finding:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    if isinstance(exc, yaml.reader.ReaderError) and data:
        # libyaml counts the position in bytes, PyYAML's own reader in characters
        if LIBYAML:
            line = data[: exc.position].count(b"\n") + 1
        else:
            line = data.decode("utf-8", "replace")[: exc.position].count("\n") + 1
        return finding("E002", _("YAML: {reason}").format(reason=_yaml_words(exc.reason)), path, line)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    context = getattr(exc, "context", None)
    if problem and "could not determine a constructor" in problem:
        problem = _("tags that construct objects are not allowed") + problem.split("constructor", 1)[1]
    problem = _yaml_words(problem)
    message = _("{context} {problem}").format(context=_yaml_words(context), problem=problem) if context and "constructor" not in problem else problem
    at: int | None = mark.line + 1 if mark else None
    if at is not None and data:  # at the end of a file without a final newline libyaml counts one more
        at = min(at, data.count(b"\n") + 1)
    return finding("E002", _("YAML syntax: {message}").format(message=message), path, at)


#: PyYAML's and libyaml's commonest problems, in haze's words (anything else is said as the parser says it)
YAML_PROBLEMS = {
    "mapping values are not allowed here": N_("mapping values are not allowed here"),
    "mapping values are not allowed in this context": N_("mapping values are not allowed in this context"),
    "could not find expected ':'": N_("could not find expected ':'"),
    "did not find expected key": N_("did not find expected key"),
    "did not find expected '-' indicator": N_("did not find expected '-' indicator"),
    "did not find expected node content": N_("did not find expected node content"),
    "found character that cannot start any token": N_("found character that cannot start any token"),
    "found character '\\t' that cannot start any token": N_("found character '\\t' that cannot start any token"),
    "found undefined alias": N_("found undefined alias"),
    "found unexpected end of stream": N_("found unexpected end of stream"),
    "found unknown escape character": N_("found unknown escape character"),
    "while parsing a block mapping": N_("while parsing a block mapping"),
    "while parsing a block collection": N_("while parsing a block collection"),
    "while parsing a flow mapping": N_("while parsing a flow mapping"),
    "while parsing a flow sequence": N_("while parsing a flow sequence"),
    "while scanning a simple key": N_("while scanning a simple key"),
    "while scanning a quoted scalar": N_("while scanning a quoted scalar"),
    "while parsing a block node": N_("while parsing a block node"),
    "while parsing a node": N_("while parsing a node"),
    "while scanning an alias": N_("while scanning an alias"),
    "while scanning an anchor": N_("while scanning an anchor"),
    "while scanning for the next token": N_("while scanning for the next token"),
    "did not find expected ',' or ']'": N_("did not find expected ',' or ']'"),
    "did not find expected ',' or '}'": N_("did not find expected ',' or '}'"),
    "did not find expected comment or line break": N_("did not find expected comment or line break"),
    "found a tab character that violates indentation": N_("found a tab character that violates indentation"),
    "found a tab character where an indentation space is expected": N_("found a tab character where an indentation space is expected"),
    "block sequence entries are not allowed in this context": N_("block sequence entries are not allowed in this context"),
    "expected <block end>, but found": N_("expected <block end>, but found"),
    "expected <document start>, but found": N_("expected <document start>, but found"),
    "found duplicate anchor": N_("found duplicate anchor"),
    "found unexpected ':'": N_("found unexpected ':'"),
    "while parsing a flow node": N_("while parsing a flow node"),
    "while scanning a plain scalar": N_("while scanning a plain scalar"),
    "while scanning a block scalar": N_("while scanning a block scalar"),
    "unacceptable character": N_("unacceptable character"),
    "control characters are not allowed": N_("control characters are not allowed"),
}


def _yaml_words(text: str | None) -> str:
    """A parser's problem in the interface language when it is one of the common ones."""
    if not text:
        return text or ""
    words = YAML_PROBLEMS.get(text.strip())
    if words is None:
        head = next((known for known in YAML_PROBLEMS if text.startswith(known)), None)
        return _(YAML_PROBLEMS[head]) + text[len(head):] if head else text
    return _(words)


def load_yaml(data: bytes, path: str) -> tuple[Any, list[Finding]]:
    """Parse YAML bytes. Returns ``(document or None, findings)``; never raises for bad input."""
    if len(data) > MAX_BYTES:
        return None, [finding("E004", _("file is {size} bytes; the limit is {limit}").format(
            size=len(data), limit=MAX_BYTES), path)]
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
            return None, [finding("E001", _("file is UTF-16; save it as UTF-8"), path)]
        return None, [finding("E001", _("not UTF-8 text (byte 0x{byte:02X}); save the file as UTF-8").format(
            byte=data[exc.start]),
                              path, _line_of_offset(data, exc.start))]
    if not data.strip():
        return None, [finding("E003", _("the file is empty"), path, 1)]
    if _depth_bound(data) > MAX_DEPTH:
        depth, line = _exact_depth_safe(data, path)
        if isinstance(depth, Finding):
            return None, [depth]
        if line is not None:
            return None, [finding("E004", _("nesting deeper than {depth} levels").format(depth=MAX_DEPTH), path, line)]
    enabled = gc.isenabled()
    gc.disable()
    loader = None
    try:
        loader = _Loader(data, path)
        node = loader.get_single_node()
        if node is None:
            return None, [finding("E003", _("the file holds no document"), path, 1)]
        if b"*" in data:  # aliases need '*': only then can expansion explode
            try:
                unique, expanded = _expansion(node)
            except ValueError as exc:
                return None, [finding("E004", _("recursive alias"), path, exc.args[0])]
            if expanded > 10 * unique + ALIAS_SLACK:
                return None, [finding("E004", _("aliases expand the document to {expanded} nodes "
                                                "from {unique}; refusing (YAML bomb?)").format(
                    expanded=expanded, unique=unique), path, node.start_mark.line + 1)]
        document = loader.construct_document(node)
    except yaml.YAMLError as exc:
        return None, [_yaml_error(exc, path, data)]
    except RecursionError:
        return None, [finding("E004", _("document nested too deeply"), path)]
    finally:
        if loader is not None:
            loader.dispose()
        if enabled:
            gc.enable()
    return document, loader.findings


def alias_lines(data: bytes) -> dict[int, list[int]]:
    """Where each anchored node is repeated: its first line → the lines of its aliases, in order.

    A constructed alias is the anchored object itself, so it knows only the
    anchor's line; a finding about the repeat (E108, an enterprise given twice
    through ``- *ent``) must name the alias's line. Only called for a document
    that holds aliases, so the second pass over the events costs nothing otherwise.
    """
    anchors: dict[str, int] = {}
    result: dict[int, list[int]] = {}
    loader = _EventLoader(data)
    try:
        while loader.check_event():
            event = loader.get_event()
            anchor, mark = getattr(event, "anchor", None), getattr(event, "start_mark", None)
            if anchor is None or mark is None:
                continue
            if isinstance(event, yaml.AliasEvent):
                if anchor in anchors:
                    result.setdefault(anchors[anchor], []).append(mark.line + 1)
            else:
                anchors[anchor] = mark.line + 1
    except yaml.YAMLError:
        return {}
    finally:
        loader.dispose()
    return result


class _EventLoader(_Parser):  # type: ignore[misc, valid-type]
    """Events only: nothing is constructed."""

    def __init__(self, stream: Any) -> None:
        _Parser.__init__(self, stream)


def _exact_depth_safe(data: bytes, path: str) -> tuple[Any, int | None]:
    """The exact depth, or the finding for a parse error met while measuring it.

    A parser may stop deep nesting itself (libyaml 0.2.6 limits flow levels, and
    its scanner reads ahead of the events we count). Such an error is the depth
    finding whichever layer raised it: when the text up to the error's line is
    already deeper than the bound, report E004 there rather than a syntax error.
    """
    try:
        return _exact_depth(data)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark is not None else data.count(b"\n") + 1
        if _depth_bound(_first_lines(data, line)) > MAX_DEPTH:
            return MAX_DEPTH + 1, line
        return _yaml_error(exc, path, data), None


def _first_lines(data: bytes, count: int) -> bytes:
    """The first ``count`` lines of ``data`` (all of it when it has fewer)."""
    end = -1
    for _line in range(count):
        end = data.find(b"\n", end + 1)
        if end < 0:
            return data
    return data[: end + 1]
