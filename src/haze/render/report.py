"""Machine output: the JSON shapes of SPEC §7.1 built from engine results.

Kept apart from the engine (which only computes) and from the CLI (which only
prints), so that notices, export and tests use the very same dictionaries.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from typing import IO, TYPE_CHECKING, Any, Iterator

from haze.core.model import POLLUTANTS

if TYPE_CHECKING:  # annotations only: `status --json` and `history --json` need no engine
    from haze.core.engine import EnterpriseResult, LevelResult, PollutantResult, SourceResult
    from haze.core.model import EnterpriseList


def dumps(data: Any) -> str:
    """JSON as haze prints it: Chinese kept readable, stable key order.

    The top two levels are indented and anything deeper is one line, so
    ``check --json`` prints one enterprise per line. (``json.dumps(indent=2)``
    falls back to Python's pure-Python encoder: on a 50,000-enterprise list it
    took longer than computing the level. This keeps the C encoder.)
    """
    return _layout(data, 0)


_ONE_LINE = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(", ", ": "))
_KEYWORDS = {True: "true", False: "false", None: "null"}


class Each(Sequence[Any]):
    """``[make(x) for x in items]``, each made as it is read: :func:`dump_chunks` and :func:`dump_to` encode
    it as that list, one item at a time (a province's 50,000 enterprise dicts were 60 MB held at once).
    Deeper than a value of the top-level dict it is made whole first and encoded by ``json`` as a list."""

    def __init__(self, make: Callable[[Any], Any], items: Sequence[Any]) -> None:
        self.make, self.items = make, items

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return [self.make(x) for x in self.items[index]]
        return self.make(self.items[index])

    def __iter__(self) -> Iterator[Any]:
        return map(self.make, self.items)


_LISTS = (list, Each)


def _layout(value: Any, depth: int) -> str:
    if depth >= 2 or not value or not isinstance(value, (dict, *_LISTS)):
        return _ONE_LINE.encode(list(value) if isinstance(value, Each) else value)
    pad = "  " * (depth + 1)
    if isinstance(value, dict):
        items = [f"{pad}{_ONE_LINE.encode(_key(k))}: {_layout(v, depth + 1)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad[2:] + "}"
    if depth == 1:  # the enterprises: one line each, encoded straight (a fifth of dumps at 50,000)
        return "[\n" + pad + (",\n" + pad).join(map(_ONE_LINE.encode, value)) + "\n" + pad[2:] + "]"
    items = [pad + _layout(v, depth + 1) for v in value]
    return "[\n" + ",\n".join(items) + "\n" + pad[2:] + "]"


def dump_chunks(data: Any) -> Iterator[str]:
    """:func:`dumps`'s text in pieces (one per enterprise), so ``--json`` at 50,000 never holds it whole.

    ``"".join(dump_chunks(data)) == dumps(data)``: the same layout, piece by piece. Holding the text
    of a province's result (and the copies joining it made) was 150 MB of ``activate --json``'s peak.
    """
    yield from _pieces(data, 0)


#: about how many characters of JSON are written at a time (:func:`dump_batches`)
DUMP_BATCH = 1 << 20


def dumps_utf8(data: Any, end: str = "") -> bytes:
    """``(dumps(data) + end).encode("utf-8")``, encoded a batch at a time (a manifest of 50,000
    notices made 57 MB of pieces and copies when joined whole)."""
    out = bytearray()
    for text in dump_batches(data, end):
        out += text.encode("utf-8")
    return bytes(out)


def dump_batches(data: Any, end: str = "") -> Iterator[str]:
    """``dumps(data) + end`` as texts of about :data:`DUMP_BATCH` characters each: what the writers of a
    province's JSON write one at a time, never the whole text at once."""
    batch: list[str] = []
    length = 0
    for piece in _pieces(data, 0):
        batch.append(piece)
        length += len(piece)
        if length >= DUMP_BATCH:
            yield "".join(batch)
            batch, length = [], 0
    batch.append(end)
    yield "".join(batch)


#: what :func:`dumps_utf8` of a dict that is not empty ends with, and :func:`continued` replaces
CLOSING = b"\n}"


def continued(more: dict[str, Any]) -> bytes:
    """What follows ``dumps_utf8(data)[:-len(CLOSING)]`` (``data`` not empty) for the whole to read as
    ``dumps_utf8(data | more, "\\n")``: ``more``'s keys after ``data``'s, without encoding ``data`` again
    (``activate --json`` adds its notices to a result encoded while the journal recorded them)."""
    if not more:
        return CLOSING + b"\n"
    return b",\n" + dumps_utf8(more, "\n")[2:]


def dump_to(file: IO[bytes], data: Any, end: str = "") -> int:
    """``(dumps(data) + end)`` written to ``file`` as UTF-8, a batch at a time; the bytes written."""
    return sum(file.write(text.encode("utf-8")) for text in dump_batches(data, end))


def _pieces(value: Any, depth: int) -> Iterator[str]:
    if depth >= 2 or not value or not isinstance(value, (dict, *_LISTS)):
        yield _ONE_LINE.encode(list(value) if isinstance(value, Each) else value)
        return
    pad = "  " * (depth + 1)
    if isinstance(value, dict):
        yield "{\n"
        for i, (k, v) in enumerate(value.items()):
            yield f"{',' + chr(10) if i else ''}{pad}{_ONE_LINE.encode(_key(k))}: "
            yield from _pieces(v, depth + 1)
        yield "\n" + pad[2:] + "}"
        return
    yield "[\n"
    for i, v in enumerate(value):
        yield ",\n" + pad if i else pad
        if depth == 1:
            yield _ONE_LINE.encode(v)
        else:
            yield from _pieces(v, depth + 1)
    yield "\n" + pad[2:] + "]"


def _key(key: Any) -> str:
    """A mapping key as JSON writes it (json turns True into "true", 1.5 into "1.5")."""
    if isinstance(key, str):
        return key
    if isinstance(key, bool) or key is None:
        return _KEYWORDS[key]
    if isinstance(key, (int, float)):
        return _ONE_LINE.encode(key)
    raise TypeError(f"keys must be str, int, float, bool or None, not {type(key).__name__}")


#: (pollutant, its JSON key): an enum's ``.value`` is a Python-level property, read 200,000 times at 50,000
_POLLUTANT_KEYS = tuple((p, p.value) for p in POLLUTANTS)


def pollutant_json(r: PollutantResult) -> dict:
    return {
        "baseline": r.baseline,
        "reduction": r.reduction,
        "ratio": r.ratio,
        "required": r.required,
        "ok": r.ok,
        "shortfall": r.shortfall,
        "basis": r.basis,
    }


def enterprise_json(r: EnterpriseResult) -> dict:
    e = r.enterprise
    return {
        "id": e.id,
        "name": e.name,
        "grade": r.grade,
        "industry": e.industry,
        "effective_level": r.effective_level.value,
        "reason": r.reason,
        "lines": [{"name": line.name, "cut": line.cut, "source": line.source} for line in r.lines],
        "reduction": {key: r.reduction[p] for p, key in _POLLUTANT_KEYS},
        "actions": list(r.actions),
        "cap": None if r.cap is None else {
            "base": r.cap.base, "cut": r.cap.cut, "cap": r.cap.cap, "unit": r.cap.unit,
        },
    }


def source_json(r: SourceResult) -> dict:
    return {
        "name": r.source.name,
        "kind": r.source.kind,
        "cut": r.cut,
        "reduction": {p.value: r.reduction[p] for p in POLLUTANTS if r.source.emission(p) > 0},
    }


def level_json(result: LevelResult, enterprise_list: EnterpriseList, *, each: bool = False) -> dict:
    """``check --json`` (SPEC §7.1); ``activate --json`` adds activation and notices.

    ``each``: the enterprises as an :class:`Each`, made as they are encoded (:func:`dump_to`)."""
    enterprises: Iterable[Any] = Each(enterprise_json, result.enterprises) if each else \
        [enterprise_json(r) for r in result.enterprises]
    return {
        "level": result.level.value,
        "policy": result.policy.name,
        "requirement": result.policy.uniform_requirement(result.level),
        "basis": result.basis,
        "list": {"path": enterprise_list.path, "region": enterprise_list.info.region, "sha256": enterprise_list.sha256},
        "pollutants": {p.value: pollutant_json(r) for p, r in result.pollutants.items()},
        "ok": result.ok,
        "enterprises": enterprises,
        "other_sources": [source_json(r) for r in result.other_sources],
    }


def levels_summary_json(results: list[LevelResult]) -> dict:
    """Per level ``{"ok", "pollutants"}``, as ``validate --json`` shows the requirement."""
    return {
        r.level.value: {
            "ok": r.ok,
            "requirement": r.policy.uniform_requirement(r.level),
            "basis": r.basis,
            "pollutants": {p.value: pollutant_json(pr) for p, pr in r.pollutants.items()},
        }
        for r in results
    }


def total_json(total: Any) -> dict:
    """The city total of SPEC §13: ``{"basis", "pollutants", "ok"}``."""
    return {"basis": total.basis, "pollutants": {p.value: pollutant_json(r) for p, r in total.pollutants.items()},
            "ok": total.ok}


def city_json(city: Any) -> dict:
    """``check --json`` with n > 1 lists (SPEC §13): every list as §7.1, the total, and ``ok``."""
    return {"level": city.level.value,
            "lists": [level_json(r, lst) for r, lst in zip(city.results, city.lists)],
            "total": total_json(city.total),
            "ok": city.ok}
