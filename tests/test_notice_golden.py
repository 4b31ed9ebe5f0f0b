"""The shipped templates' notices, byte for byte, against digests taken before the speed work (issue 16).

Rendering was made faster (shipped templates compiled without the sandbox's
per-lookup checks, contexts built once, lighter rows for sms.csv); none of
that may change one byte of a notice. ``tests/data/notice_golden.json`` holds,
for each set below, the sha256 of every file of a dry run (name and digest,
in the manifest's order), written by the code before the change:

    python tests/test_notice_golden.py     # rewrite it: only when a template's wording changes on purpose

A set that differs names itself and its first differing files.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = Path(__file__).with_name("data") / "notice_golden.json"
SYNTH_SIZE, SYNTH_SEED = 300, 7


def _issue(level: Any, **changes: Any) -> Any:
    from haze.core.timeparse import SHANGHAI
    from haze.render.notices import Issue

    at = datetime(2025, 12, 1, 20, 0, tzinfo=SHANGHAI)
    values = dict(id="20251201-200000-x", kind="activation", level=level, start=at, until=None, issued=at,
                  first_number=7, user="duty")
    values.update(changes)
    return Issue(**values)


def digests(synthetic: Path, tmp: Path) -> dict[str, dict[str, str]]:
    """``{set: {file: sha256}}`` for every set the test compares (dry runs: nothing written)."""
    from haze.commands.inputs import load_inputs
    from haze.core.engine import compute
    from haze.core.model import Level
    from haze.render import notices as rn

    captured: dict[str, dict[str, str]] = {}
    real = rn._manifest_bytes

    def spy(head: dict[str, Any], hashes: dict[str, str]) -> bytes:
        spy.last = dict(hashes)  # type: ignore[attr-defined]
        return real(head, hashes)

    lists = {"county": Path("example-county-2025.yaml"), "worked": Path("worked-example.yaml"), "synthetic": synthetic}
    rn._manifest_bytes = spy  # type: ignore[assignment]
    try:
        for list_name, path in lists.items():
            inputs = load_inputs(path, cache=False)
            for level_name in ("orange", "red"):
                level = Level.parse(level_name)
                result = compute(inputs.enterprise_list, inputs.policy, level)
                for lang in ("zh", "en"):
                    for fmt in ("md", "html", "txt"):
                        key = f"{list_name}/{level_name}/{lang}/{fmt}"
                        issue = _issue(level)
                        if level_name == "red":  # an upgrade that replaces earlier numbers: the other branches
                            replaced = {r.enterprise.id: f"示环应急〔2025〕{i}号"
                                        for i, r in enumerate(result.enterprises[::3], start=1)}
                            issue = _issue(level, previous_level=Level.ORANGE, replaces="20251201-180000-orange",
                                           replaced_numbers=replaced)
                        done = rn.render_activation(result, inputs.enterprise_list, issue, tmp, lang=lang, fmt=fmt,
                                                    dry_run=True)
                        captured[key] = spy.last  # type: ignore[attr-defined]
                        if level_name == "orange" and list_name != "synthetic":
                            lift = _issue(level, kind="lift", id="20251202-080000-lift",
                                          lifts="20251201-200000-x")
                            rn.render_lift(done.notices, inputs.enterprise_list.info, lift, tmp, lang=lang,
                                           fmt=fmt, dry_run=True)
                            captured[f"{key}/lift"] = spy.last  # type: ignore[attr-defined]
    finally:
        rn._manifest_bytes = real  # type: ignore[assignment]
    return captured


def _synthetic(folder: Path) -> Path:
    from haze.synth import generate

    (folder / "synthetic.yaml").write_text("".join(line + "\n" for line in generate(SYNTH_SIZE, SYNTH_SEED)), encoding="utf-8")
    for shipped in (ROOT / "enterprise_lists" / "example-county-2025.yaml", ROOT / "examples" / "worked-example.yaml"):
        (folder / shipped.name).write_bytes(shipped.read_bytes())
    os.chdir(folder)  # the index names the list by the path given: the same relative paths in every checkout
    return Path("synthetic.yaml")


def summary(files: dict[str, str]) -> dict[str, Any]:
    """A set's count, the index's and sms.csv's digests, and one digest over every (name, digest) in order."""
    import hashlib

    lines = "".join(f"{name} {digest}\n" for name, digest in files.items())
    special = {name: digest for name, digest in files.items() if not name[0].isdigit()}
    return {"files": len(files), "sha256": hashlib.sha256(lines.encode()).hexdigest(), "special": special}


def test_shipped_notices_are_byte_identical_to_the_golden_digests(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    now = {key: summary(files) for key, files in digests(_synthetic(tmp_path), tmp_path).items()}
    assert sorted(now) == sorted(golden)
    for key, expected in golden.items():
        assert now[key] == expected, f"{key}: the rendered set differs from the golden one"


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        data = {key: summary(files) for key, files in digests(_synthetic(Path(folder)), Path(folder)).items()}
    GOLDEN.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {GOLDEN}: {len(data)} sets, {sum(v['files'] for v in data.values())} files", file=sys.stderr)
