"""The parse cache (SPEC §12): ``check`` then ``activate`` on one list parses it once.

A parsed list (the built :class:`~haze.core.model.EnterpriseList` and every finding)
is stored as compact JSON, keyed by the sha256 of the file's bytes, so any
edit to the file — even one byte — misses the cache and the list is parsed
again. JSON, not pickle: reading a cache entry can never run code, and a
curious officer can open one.

Where: ``.haze/cache/`` beside the journal (the nearest ``.haze/`` in the
current directory or a parent, found as the journal is), else the user cache directory
(``$XDG_CACHE_HOME/haze``, ``~/.cache/haze``, or ``%LOCALAPPDATA%\\haze`` on
Windows).

Safety: an entry is written to a temporary file and renamed into place, so
two processes writing the same entry at once each leave a whole file. Each
entry starts with a header line holding its key and the sha256 of its
payload; an entry that is truncated, corrupt, from another haze version or
model layout, or unreadable for any reason is ignored and rebuilt — a cache
must never stop a run nor change its result. The directory keeps the newest
:data:`MAX_ENTRIES` entries, at most :data:`MAX_TOTAL_BYTES` together. ``--no-cache`` bypasses all of this
(:func:`haze.commands.inputs.read`).

Trust (issue 17 item 4): a checksum anyone can recompute proves nothing, and
``.haze/cache`` may sit on a share others can write. So the header also holds
an HMAC-SHA256 of the entry's key (which is derived from the list's sha256)
and payload, under a secret key only this OS user can read
(:func:`secret_key`, ``cache.key`` in the user cache directory, mode 0600).
An entry edited or planted by anyone who cannot read that key fails the HMAC
and is rebuilt from the list itself; what is trusted is this user's key file
and the haze code that wrote the entry. An entry is opened like a list
(regular file only, no symbolic link, never blocking, size-bounded), and
every number in it must be finite. Pruning deletes only regular files named
and headed as entries, never through a symbolic link.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import gc
import hashlib
import hmac
import json
import math
import os
import re
import stat
import sys
import time
from pathlib import Path
from typing import Any, Iterator

from haze import __version__
from haze.core.errors import UsageError
from haze.core.findings import Finding
from haze.core.i18n import catalog_fingerprint
from haze.io.fsio import OutputError, write_atomic
from haze.io.lists import ListReport, list_format, parse_list, read_list, read_list_bytes
from haze.io.lists.yamlread import MAX_BYTES
from haze.core.model import (
    Capacity,
    Contact,
    Enterprise,
    EnterpriseList,
    Level,
    Line,
    ListInfo,
    Measure,
    OtherSource,
    Pollutant,
    Status,
)

#: bump when the entry layout changes in a way the schema fingerprint cannot see
FORMAT = 1
#: entries kept per cache directory: a city's county lists (SPEC §13) in both interface languages
#: must all fit, or reading them in turn evicts each before it is read again (12 did not fit 13 lists)
MAX_ENTRIES = 64
#: and their total size: the newest entries are kept while they fit (a 50,000-enterprise list makes ~15 MB)
MAX_TOTAL_BYTES = 512 * 1024 * 1024
#: leftover temporary files older than this (seconds) belong to a crashed writer
STALE_TEMP = 3600
SUFFIX = ".json"
#: an entry is refused above this size (a 50,000-enterprise list makes ~15 MB; a list is at most MAX_BYTES)
MAX_ENTRY_BYTES = 2 * MAX_BYTES
KEY_FILE = "cache.key"
KEY_BYTES = 32
#: names the cache writes: entries (sha256 hex) and mkstemp temporaries; pruning touches nothing else
_ENTRY_NAME = re.compile(r"[0-9a-f]{64}\.json")
_TEMP_NAME = re.compile(r"\.[0-9a-f]{64}\.json\.[A-Za-z0-9_]{1,32}\.tmp|\.tmp-[A-Za-z0-9_]{1,32}\.json")
_HEADER_START = b'{"haze_cache":'

_MODEL = (Measure, Line, Contact, Capacity, Enterprise, OtherSource, ListInfo, EnterpriseList, Finding)
_POLLUTANTS = {p.value: p for p in Pollutant}
_LEVELS = {lv.value: lv for lv in Level}
_STATUSES = {s.value: s for s in Status}


# -- where and under which key -------------------------------------------------

def cache_dir(cwd: Path | None = None) -> Path:
    """``.haze/cache`` beside the journal, else the user cache directory.

    The ``.haze/`` folder is looked for in ``cwd`` and its parents, as the
    journal is (:func:`haze.io.journal.find_journal`), so a command run from a
    subdirectory uses the same cache as one run beside the journal.
    """
    here = (cwd or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / ".haze").is_dir():
            return folder / ".haze" / "cache"
    return user_cache_dir()


def user_cache_dir() -> Path:
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    if xdg and Path(xdg).is_absolute():  # the XDG spec says relative paths are to be ignored
        return Path(xdg) / "haze"
    local = os.environ.get("LOCALAPPDATA", "")
    if sys.platform == "win32" and local:
        return Path(local) / "haze"
    return Path.home() / ".cache" / "haze"


def schema() -> str:
    """The model's field layout: a changed dataclass invalidates every old entry by itself."""
    return ";".join(f"{cls.__name__}:" + ",".join(f.name for f in dataclasses.fields(cls)) for cls in _MODEL)


@functools.lru_cache(maxsize=1)
def reader_fingerprint() -> str:
    """A hash of the code that turns bytes into a list and findings.

    A changed rule (a new finding, another message) must not be hidden by an
    entry made by the old code, even within one version during development.
    """
    io = Path(__file__).resolve().parent
    core = io.parent / "core"
    sources = sorted((io / "lists").glob("*.py")) + [
        core / name for name in ("model.py", "findings.py", "creditcode.py")]
    digest = hashlib.sha256()
    for source in sources:
        digest.update(source.name.encode() + b"\0" + source.read_bytes())
    return digest.hexdigest()


def entry_key(digest: str, kind: str, stem: str) -> str:
    """The entry's name. The stem counts because a CSV/XLSX list without list facts
    takes its region from the file name (SPEC §9): same bytes, other name, other list.
    The interface language counts because findings are stored as the text a person reads
    (SPEC §17): an en run and a zh run on one list keep an entry each."""
    material = "\0".join((str(FORMAT), __version__, schema(), reader_fingerprint(), catalog_fingerprint(),
                          kind, stem, digest))
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


# -- the entry point ------------------------------------------------------------

def cached_read_list(path: str | Path, *, directory: Path | None = None) -> ListReport:
    """:func:`haze.io.lists.read_list` through the cache: the file is read and hashed once."""
    name = str(path)
    kind = list_format(path)
    if kind is None:
        return read_list(path)
    data, problem = read_list_bytes(path)
    if data is None:
        return ListReport(name, None, [problem] if problem is not None else [])
    digest = hashlib.sha256(data).hexdigest()
    secret = secret_key()
    if secret is None:  # no private key to sign with: no entry can be trusted, so none is read or written
        return parse_list(data, name, kind, digest=digest)
    key = entry_key(digest, kind, Path(path).stem)
    folder = directory if directory is not None else cache_dir()
    entry = folder / f"{key}{SUFFIX}"
    report = load_entry(entry, key, name, digest)
    if report is None:
        report = parse_list(data, name, kind, digest=digest)
        store_entry(folder, entry, key, report)
    return report


def secret_key() -> bytes | None:
    """This OS user's key for signing entries, made on first use (32 random bytes, mode 0600).

    In the user cache directory, not beside the entries: whoever can write a
    shared ``.haze/cache`` cannot read it. None when it cannot be read or made:
    the cache is then not used at all.

    Made whole or not at all (:func:`haze.io.fsio.write_atomic`: fsynced, then
    linked into place, never over a key that is there): a key file torn by a
    power cut could be short or, on some file systems, the right length but
    zeros, a key anyone can sign a planted entry with. A key file of another
    length (torn by an older haze, or not haze's) is refused and left as it is:
    the cache stays off, and no entry is trusted under it. Synced once, when made.
    """
    folder = user_cache_dir()
    path = folder / KEY_FILE
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not os.path.lexists(path):
            try:
                write_atomic(path, os.urandom(KEY_BYTES), overwrite=False, mode=0o600)
            except UsageError:
                pass  # another haze made it meanwhile: theirs is the key
        data = _read_guarded(path, 64)
    except (OSError, OutputError):
        return None
    return data if data is not None and len(data) == KEY_BYTES else None


def _mac(secret: bytes, key: str, payload: bytes) -> str:
    return hmac.new(secret, key.encode("ascii") + b"\0" + payload, hashlib.sha256).hexdigest()


_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)


def _read_guarded(path: Path, limit: int) -> bytes | None:
    """The bytes of ``path`` if it is a regular file (not a link, pipe or device) of at most ``limit`` bytes.

    Opened with O_NOFOLLOW|O_NONBLOCK and checked on the open descriptor, so a
    symbolic link to /dev/zero, a FIFO or a huge sparse file is refused at once
    (issue 17 item 14) instead of exhausting memory or hanging.
    """
    fd = os.open(path, os.O_RDONLY | _NOFOLLOW | _NONBLOCK | getattr(os, "O_BINARY", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
            return None
        chunks, left = [], info.st_size + 1  # one byte more: a file that grew meanwhile is refused
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 24))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        data = b"".join(chunks)
        return None if len(data) > limit else data
    finally:
        os.close(fd)


# -- reading and writing entries ----------------------------------------------

def load_entry(entry: Path, key: str, path: str, digest: str) -> ListReport | None:
    """The report stored in ``entry``, or None when it is missing or not to be trusted."""
    secret = secret_key()
    try:
        raw = _read_guarded(entry, MAX_ENTRY_BYTES)
    except OSError:
        return None
    if raw is None or secret is None:
        return None
    try:
        head, _, payload = raw.partition(b"\n")
        header = json.loads(head)
        if (header.get("haze_cache") != FORMAT or header.get("key") != key or header.get("bytes") != len(payload)
                or header.get("sha256") != hashlib.sha256(payload).hexdigest()
                or not hmac.compare_digest(str(header.get("mac", "")), _mac(secret, key, payload))):
            return None
        with gc_paused():
            report = decode_report(json.loads(payload, parse_constant=_no_constant, parse_float=_finite),
                                   path, digest)
            # The list lives until the command ends and holds no cycles: freezing takes it
            # out of the collector's generations, so building the results never rescans it
            # (16% of a warm `check` at 5,000 enterprises). It is still freed as usual.
            gc.freeze()
    except Exception:  # noqa: BLE001 - any entry we cannot read back is a miss, never a failure
        return None
    with contextlib.suppress(OSError):
        os.utime(entry)  # recently used: pruning keeps it
    return report


def store_entry(folder: Path, entry: Path, key: str, report: ListReport) -> None:
    """Write ``entry`` atomically (:func:`haze.io.fsio.write_atomic`); a cache that cannot be written is skipped.

    Without fsync (``sync=False``): an entry torn by a power cut fails its
    checksum and is rebuilt, so waiting for the disk buys nothing.
    """
    secret = secret_key()
    if secret is None:
        return
    try:
        payload = json.dumps(encode_report(report), ensure_ascii=False, separators=(",", ":"),
                             allow_nan=False).encode("utf-8")
    except ValueError:  # a number that is not finite: never stored (it would not be read back)
        return
    header = json.dumps({"haze_cache": FORMAT, "key": key, "bytes": len(payload),
                         "sha256": hashlib.sha256(payload).hexdigest(), "mac": _mac(secret, key, payload),
                         "haze": __version__})
    if folder.is_symlink():  # never write (or prune) through a symbolic link someone put there
        return
    try:
        write_atomic(entry, header.encode("ascii") + b"\n" + payload, overwrite=True, sync=False)
    except OutputError:
        return
    prune(folder)


def prune(folder: Path, keep: int = MAX_ENTRIES) -> None:
    """Keep the ``keep`` most recently used entries; drop temporary files of crashed writers.

    Only what the cache itself wrote is ever deleted (issue 17 item 6): regular
    files (never a symbolic link, nothing through one) whose name is an entry's
    or a temporary's and whose first bytes are an entry header. A ``folder``
    that is itself a symbolic link is not pruned at all.
    """
    entries: list[tuple[float, int, Path]] = []  # (last use, size, path)
    now = time.time()
    try:
        if folder.is_symlink():
            return
        with os.scandir(folder) as items:
            for item in items:
                with contextlib.suppress(OSError):
                    if not item.is_file(follow_symlinks=False):
                        continue
                    mtime = item.stat(follow_symlinks=False).st_mtime
                    if _TEMP_NAME.fullmatch(item.name):
                        if now - mtime > STALE_TEMP and _written_here(Path(item.path), empty_ok=True):
                            os.unlink(item.path)
                    elif _ENTRY_NAME.fullmatch(item.name):
                        entries.append((mtime, item.stat(follow_symlinks=False).st_size, Path(item.path)))
    except OSError:
        return
    entries.sort(reverse=True)
    for _, _size, old in _beyond(entries, keep):
        with contextlib.suppress(OSError):  # another process may have removed it first
            if _written_here(old):
                os.unlink(old)


def _beyond(entries: list[tuple[float, int, Path]], keep: int) -> list[tuple[float, int, Path]]:
    """The entries (newest first) past the ``keep`` newest or past :data:`MAX_TOTAL_BYTES` (the newest always stays)."""
    total = 0
    for index, (_, size, _path) in enumerate(entries):
        total += size
        if index >= keep or (index and total > MAX_TOTAL_BYTES):
            return entries[index:]
    return []


def _written_here(path: Path, empty_ok: bool = False) -> bool:
    """True when ``path`` (a regular file, not followed if a link) starts as an entry written by the cache."""
    fd = os.open(path, os.O_RDONLY | _NOFOLLOW | _NONBLOCK)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return False
        head = os.read(fd, len(_HEADER_START))
    finally:
        os.close(fd)
    # a crashed writer's temporary holds a prefix of a header (it is written from byte 0)
    return head == _HEADER_START or (empty_ok and _HEADER_START.startswith(head))


def _no_constant(name: str) -> float:
    raise ValueError(f"{name} in a cache entry")  # NaN, Infinity: the entry is rebuilt


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):  # 1e400 reads as inf
        raise ValueError(f"{text} in a cache entry")
    return value


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Building tens of thousands of objects triggers useless collections: pause them."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# -- the codec: positional JSON arrays, enums as their values -----------------
# Every dataclass field is stored except ``path`` (replaced by the path being
# read now) and the list's ``sha256`` (the digest just computed).

def encode_report(report: ListReport) -> dict[str, Any]:
    return {
        "list": None if report.enterprise_list is None else _encode_list(report.enterprise_list),
        "findings": [[f.severity, f.code, f.message, f.line, f.enterprise, f.column, f.level] for f in report.findings],
    }


def decode_report(data: dict[str, Any], path: str, digest: str) -> ListReport:
    raw = data["list"]
    enterprise_list = None if raw is None else _decode_list(raw, path, digest)
    findings = [Finding(s, c, m, path, line, e, col, lvl) for s, c, m, line, e, col, lvl in data["findings"]]
    return ListReport(path, enterprise_list, findings, digest)


def _encode_list(enterprise_list: EnterpriseList) -> list[Any]:
    i = enterprise_list.info
    info = [i.region, i.authority, i.season, i.policy, i.doc_prefix,
            None if i.baseline is None else _encode_amounts(i.baseline), i.strict_ids,
            None if i.contact is None else [i.contact.name, i.contact.phone]]
    return [info, [_encode_enterprise(e) for e in enterprise_list.enterprises],
            [[s.name, s.kind, _encode_amounts(s.emissions), _encode_measures(s.measures), s.line]
             for s in enterprise_list.other_sources]]


def _decode_list(raw: list[Any], path: str, digest: str) -> EnterpriseList:
    (region, authority, season, policy, doc_prefix, baseline, strict_ids, contact), enterprises, sources = raw
    info = ListInfo(region=region, authority=authority, season=season, policy=policy, doc_prefix=doc_prefix,
                    baseline=None if baseline is None else _decode_amounts(baseline), strict_ids=strict_ids,
                    contact=None if contact is None else Contact(*contact))
    return EnterpriseList(
        info=info,
        enterprises=[_decode_enterprise(e) for e in enterprises],
        other_sources=[OtherSource(name=n, kind=k, emissions=_decode_amounts(em), measures=_decode_measures(m),
                                   line=line) for n, k, em, m, line in sources],
        path=path,
        sha256=digest,
    )


def _encode_enterprise(e: Enterprise) -> list[Any]:
    c, cap = e.contact, e.capacity
    return [e.id, e.name, e.town, e.industry, e.grade, e.key_zone, e.category, e.compliant,
            e.status.value, e.operating_days,
            None if c is None else [c.name, c.phone],
            None if cap is None else [cap.eia, cap.permit, cap.actual, cap.unit],
            [[ln.name, _encode_amounts(ln.emissions), _encode_measures(ln.measures), ln.line, ln.vocs_process]
             for ln in e.lines],
            _encode_measures(e.measures), e.has_lines, e.line, e.max_load,
            {k: list(v) for k, v in e.spots.items()}, e.ozone_exempt]


def _decode_enterprise(raw: list[Any]) -> Enterprise:
    # Positional, in field order (the schema fingerprint in the key guards the order):
    # this runs once per enterprise on every warm start.
    (ident, name, town, industry, grade, key_zone, category, compliant, status, days, contact, capacity,
     lines, measures, has_lines, line, max_load, spots, ozone_exempt) = raw
    return Enterprise(
        ident, name, town, industry, grade, key_zone, category, compliant,
        _STATUSES[status], days,
        None if contact is None else Contact(*contact),
        None if capacity is None else Capacity(*capacity),
        [Line(n, _decode_amounts(em), _decode_measures(m) if m else {}, ln, vp) for n, em, m, ln, vp in lines],
        _decode_measures(measures) if measures else {}, has_lines, line, max_load,
        {k: (v[0], v[1]) for k, v in spots.items()}, ozone_exempt,
    )


def _encode_amounts(amounts: dict[Pollutant, float]) -> dict[str, float]:
    return {p.value: v for p, v in amounts.items()}


def _decode_amounts(raw: dict[str, float]) -> dict[Pollutant, float]:
    return {_POLLUTANTS[k]: v for k, v in raw.items()}


def _encode_measures(measures: dict[Level, Measure]) -> dict[str, list[Any]]:
    return {lv.value: [m.cut, m.stop, list(m.actions), m.line] for lv, m in measures.items()}


def _decode_measures(raw: dict[str, list[Any]]) -> dict[Level, Measure]:
    return {_LEVELS[k]: Measure(cut=cut, stop=stop, actions=tuple(actions), line=line)
            for k, (cut, stop, actions, line) in raw.items()}
