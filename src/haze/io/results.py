"""The results cache: ``check --json``'s answer stored, so asking again writes the stored bytes out.

The parse cache (:mod:`haze.io.cache`) spares a warm run the parsing; what is
left is computing the level and writing its JSON, every time. This cache keeps
that JSON, encoded as it was printed, with the exit code (requirement met or
not) and the warnings printed beside it, under a key made of everything that
can change any of them (:func:`result_key`):

- the list: its sha256 and the path as given (the JSON and the findings name it);
- the policy: ``--policy`` (or haze.yaml's) as written and, when it names a file,
  that file's resolved path and sha256; without one, the list's bytes decide;
- the level;
- the enterprises in their 错峰 stop (``--at``: the journal's season plan in force
  then, SPEC §15), as the set of credit codes the engine is given;
- the interface language and the catalog's bytes (findings and texts are stored
  as a person reads them, SPEC §17);
- haze's version, :data:`FORMAT` and :func:`engine_fingerprint`, a hash of the
  source of every module between the list's bytes and the JSON (core with its
  shipped policies, the list readers, the parse cache, this module, the JSON
  layout, the check command), so a changed rule never serves an old answer.

Only a run that succeeded is stored: a refusal (a blocking finding, a policy
that cannot be read) is never cached and is found again each time.

Entries live in ``results/`` inside the parse cache's directory
(:func:`haze.io.cache.cache_dir`) and follow its rules: written whole through
:func:`haze.io.fsio.write_atomic` (no fsync: a torn entry fails its HMAC), one
header line holding the key, the payload's length and its HMAC under this
user's key (:func:`haze.io.cache.secret_key`), opened as a regular file of
bounded size, the newest :data:`~haze.io.cache.MAX_ENTRIES` kept within
:data:`~haze.io.cache.MAX_TOTAL_BYTES` (:func:`haze.io.cache.prune`, a pool of
their own so results never evict parsed lists). An entry that is missing,
truncated, corrupt, signed with another key or made for another key is a miss:
the level is computed again and the entry rewritten. ``--no-cache`` bypasses
both caches. Deleting the directory (``.haze/cache/``) clears both.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import os
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Iterable

from haze import __version__
from haze.core.findings import Finding
from haze.core.i18n import catalog_fingerprint
from haze.io.cache import MAX_ENTRIES, MAX_ENTRY_BYTES, _read_guarded, cache_dir, prune, secret_key
from haze.io.fsio import OutputError, write_atomic

#: bump when the entry layout changes
FORMAT = 1
#: the results' folder inside the parse cache's directory
FOLDER = "results"
SUFFIX = ".json"
#: a policy file larger than this is not keyed (the policy reader refuses it anyway: core.policy.MAX_POLICY_BYTES)
POLICY_BYTES = 16 * 1024 * 1024
#: the modules (relative to the haze package) whose source decides ``check --json``'s bytes
ENGINE_SOURCES = ("core/*.py", "core/policies/*.yaml", "io/lists/*.py", "io/cache.py", "io/results.py",
                  "render/report.py", "commands/check.py", "commands/inputs.py")
_FINDING_FIELDS = tuple(f.name for f in fields(Finding))


@dataclass
class Stored:
    """What a ``check --json`` run printed: its exit decision, its warnings (stderr), its JSON (stdout)."""

    ok: bool
    output: bytes
    warnings: list[Finding] = field(default_factory=list)


def results_dir(cwd: Path | None = None) -> Path:
    """``results/`` in the parse cache's directory (``.haze/cache`` beside the journal, else the user's)."""
    return cache_dir(cwd) / FOLDER


@functools.lru_cache(maxsize=1)
def engine_fingerprint() -> str | None:
    """:func:`fingerprint_of` this haze (computed once per process)."""
    return fingerprint_of(Path(__file__).resolve().parent.parent)


def fingerprint_of(package: Path) -> str | None:
    """A hash of the source of :data:`ENGINE_SOURCES` under ``package``; None when it cannot be read.

    Without its source (a frozen build) haze cannot tell one engine from another
    within a version, so nothing is cached rather than something stale.
    """
    digest = hashlib.sha256()
    try:
        for pattern in ENGINE_SOURCES:
            found = sorted(package.glob(pattern))
            if not found:
                return None
            for source in found:
                data = source.read_bytes()
                digest.update(f"{source.relative_to(package).as_posix()}\0{len(data)}\0".encode() + data)
    except OSError:
        return None
    return digest.hexdigest()


def policy_material(option: str | None) -> str | None:
    """What identifies the policy asked for; None when it cannot be told (then nothing is cached).

    No option: the list's own ``policy`` or the default, both decided by the list's
    bytes and the shipped policies (in the engine fingerprint). An option naming a
    file: the option, the resolved path and the file's sha256. An option naming no
    file: a shipped policy's name (or an unknown one, which fails and is never stored).
    """
    if not option:
        return "-"
    try:
        path = Path(option).resolve()
        data = _read_guarded(path, POLICY_BYTES)
    except FileNotFoundError:
        return f"{option}\0-"
    except OSError:
        return None
    if data is None:  # a directory, a device, a pipe, too large: the policy reader says what is wrong
        return None
    return f"{option}\0{path}\0{hashlib.sha256(data).hexdigest()}"


def result_key(*, list_path: str, digest: str, policy: str | None, level: str,
               stopped: Iterable[str] = ()) -> str | None:
    """The entry's name for these inputs (see the module's docstring); None when they cannot all be told."""
    engine = engine_fingerprint()
    chosen = policy_material(policy)
    if engine is None or chosen is None:
        return None
    material = "\0\0".join((str(FORMAT), __version__, engine, catalog_fingerprint(), list_path, digest, chosen,
                            level, "\0".join(sorted(stopped))))
    return hashlib.sha256(material.encode("utf-8", "surrogateescape")).hexdigest()


def _mac(secret: bytes, key: str, payload: bytes | memoryview) -> str:
    mac = hmac.new(secret, b"results\0" + key.encode("ascii") + b"\0", hashlib.sha256)
    mac.update(payload)  # not joined to the prefix: a province's answer is tens of megabytes
    return mac.hexdigest()


def load(key: str, folder: Path | None = None) -> Stored | None:
    """The answer stored under ``key``, or None when there is none to be trusted."""
    secret = secret_key()
    if secret is None:
        return None
    entry = (folder if folder is not None else results_dir()) / f"{key}{SUFFIX}"
    try:
        raw = _read_guarded(entry, MAX_ENTRY_BYTES)
    except OSError:
        return None
    if raw is None:
        return None
    try:
        end = raw.index(b"\n")
        header = json.loads(raw[:end])
        payload = memoryview(raw)[end + 1:]
        if (header.get("haze_cache") != FORMAT or header.get("kind") != FOLDER or header.get("key") != key
                or header.get("bytes") != len(payload) or not isinstance(header.get("meta"), int)
                or not hmac.compare_digest(str(header.get("mac", "")), _mac(secret, key, payload))):
            return None
        meta_end = header["meta"]
        meta = json.loads(bytes(payload[:meta_end]))
        stored = Stored(ok=meta["ok"], output=bytes(payload[meta_end:]),
                        warnings=[Finding(**dict(zip(_FINDING_FIELDS, row, strict=True))) for row in meta["warnings"]])
        if not isinstance(stored.ok, bool):
            return None
    except Exception:  # noqa: BLE001 - an entry that cannot be read back is a miss, never a failure
        return None
    try:
        os.utime(entry)  # recently used: pruning keeps it
    except OSError:
        pass
    return stored


def store(key: str, stored: Stored, folder: Path | None = None) -> None:
    """Write the entry whole (no fsync) and prune the folder; a cache that cannot be written is skipped."""
    secret = secret_key()
    if secret is None:
        return
    folder = folder if folder is not None else results_dir()
    meta = json.dumps({"ok": stored.ok, "warnings": [_row(f) for f in stored.warnings]}, ensure_ascii=False,
                      separators=(",", ":"), allow_nan=False).encode("utf-8")
    payload = meta + stored.output
    header = json.dumps({"haze_cache": FORMAT, "kind": FOLDER, "key": key, "bytes": len(payload), "meta": len(meta),
                         "mac": _mac(secret, key, payload), "haze": __version__})
    data = header.encode("ascii") + b"\n" + payload
    if len(data) > MAX_ENTRY_BYTES:  # it could not be read back
        return
    try:
        if folder.is_symlink() or folder.parent.is_symlink():  # never write (or prune) through a link put there
            return
        write_atomic(folder / f"{key}{SUFFIX}", data, overwrite=True, sync=False)
    except (OutputError, OSError):
        return
    prune(folder, MAX_ENTRIES)


def _row(finding: Finding) -> list[Any]:
    return [getattr(finding, name) for name in _FINDING_FIELDS]
