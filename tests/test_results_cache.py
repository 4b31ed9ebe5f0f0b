"""The results cache (io/results.py): a second ``check --json`` writes the first one's bytes out.

What is asserted: a stored answer is byte for byte what a run without any cache
prints (stdout, stderr, exit code); every part of the key, changed alone, makes
haze compute again (a spy on the engine counts, and the output shows the change);
an entry that is torn, edited, signed with another key or of another layout is
recomputed and never trusted; refusals and edited-while-reading lists are never
stored; ``--no-cache`` and the human table never use it.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from conftest import COUNTY, EXAMPLES, write
from haze.io import cache, results

WORKED = EXAMPLES / "worked-example.yaml"
SMALL = EXAMPLES / "small-fails-orange.yaml"


@pytest.fixture
def computed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every real computation of a level (the engine's ``compute``), by level: a hit adds none."""
    import haze.core.engine as engine

    calls: list[str] = []
    real = engine.compute

    def counting(enterprise_list, policy, level, stopped=frozenset()):
        calls.append(level.value)
        return real(enterprise_list, policy, level, stopped)

    monkeypatch.setattr(engine, "compute", counting)
    return calls


def entries() -> list[Path]:
    folder = results.results_dir()
    return sorted(folder.glob("*.json")) if folder.is_dir() else []


def check(run, *args: str, env: dict | None = None):
    return run("check", *args, "--json", env=env)


def copy(source: Path, name: str) -> Path:
    target = Path(name)
    shutil.copyfile(source, target)
    return target


# -- the same answer ---------------------------------------------------------------------------

@pytest.mark.parametrize("source", [WORKED, SMALL, COUNTY], ids=["met", "not-met", "warnings"])
def test_a_stored_answer_is_byte_identical_to_an_uncached_run(run, computed, source: Path) -> None:
    listfile = copy(source, "county.yaml")
    plain = check(run, "orange", "--list", listfile, "--no-cache")
    assert not entries()  # --no-cache writes no result either
    first = check(run, "orange", "--list", listfile)  # computes and stores
    assert len(entries()) == 1 and computed == ["orange", "orange"]
    second = check(run, "orange", "--list", listfile)  # from the store
    assert computed == ["orange", "orange"]
    for result in (first, second):
        assert result.stdout_bytes == plain.stdout_bytes
        assert result.stderr_bytes == plain.stderr_bytes
        assert result.exit_code == plain.exit_code
    assert plain.exit_code == (1 if source == SMALL else 0)
    assert json.loads(second.stdout)["list"]["path"] == "county.yaml"
    if source == COUNTY:  # the warnings beside the JSON come back too (stderr)
        assert "W304" in second.stderr


def test_the_entry_holds_the_json_as_printed(run) -> None:
    listfile = copy(WORKED, "county.yaml")
    printed = check(run, "orange", "--list", listfile).stdout_bytes
    (entry,) = entries()
    assert entry.read_bytes().endswith(printed)
    header = json.loads(entry.read_bytes().split(b"\n", 1)[0])
    assert header["kind"] == "results" and header["key"] == entry.stem


# -- one test per part of the key ----------------------------------------------------------------

def test_an_edited_list_is_computed_again(run, computed) -> None:
    listfile = copy(WORKED, "county.yaml")
    before = json.loads(check(run, "orange", "--list", listfile).stdout)
    text = listfile.read_text(encoding="utf-8")
    assert text.count("nox: 730") >= 1
    listfile.write_text(text.replace("nox: 730", "nox: 1095", 1), encoding="utf-8")
    after = json.loads(check(run, "orange", "--list", listfile).stdout)
    assert computed == ["orange", "orange"]
    assert after["list"]["sha256"] != before["list"]["sha256"]
    assert after["pollutants"]["nox"]["reduction"] != before["pollutants"]["nox"]["reduction"]
    assert after == json.loads(check(run, "orange", "--list", listfile, "--no-cache").stdout)


def test_the_same_bytes_under_another_name_are_another_answer(run, computed) -> None:
    check(run, "orange", "--list", copy(WORKED, "county.yaml"))
    other = json.loads(check(run, "orange", "--list", copy(WORKED, "other.yaml")).stdout)
    assert other["list"]["path"] == "other.yaml"  # the JSON names the path given
    assert computed == ["orange", "orange"]


def test_an_edited_policy_file_is_computed_again(run, computed) -> None:
    from haze.core.policies import __file__ as shipped

    listfile = copy(WORKED, "county.yaml")
    policy = Path("bureau.yaml")
    text = (Path(shipped).parent / "shanxi-2024.yaml").read_text(encoding="utf-8")
    text = text.replace("name: shanxi-2024", "name: 示例县-2025", 1)
    write(policy, text)
    first = json.loads(check(run, "orange", "--list", listfile, "--policy", policy).stdout)
    assert first["policy"] == "示例县-2025"
    assert json.loads(check(run, "orange", "--list", listfile, "--policy", policy).stdout) == first
    assert computed == ["orange"]
    write(policy, text.replace("name: 示例县-2025", "name: 示例县-2026", 1))
    second = json.loads(check(run, "orange", "--list", listfile, "--policy", policy).stdout)
    assert second["policy"] == "示例县-2026"
    assert computed == ["orange", "orange"]


def test_another_shipped_policy_is_computed_again(run, computed) -> None:
    listfile = copy(WORKED, "county.yaml")
    assert json.loads(check(run, "orange", "--list", listfile).stdout)["policy"] == "shanxi-2024"
    other = json.loads(check(run, "orange", "--list", listfile, "--policy", "national-2019").stdout)
    assert other["policy"] == "national-2019"
    assert computed == ["orange", "orange"]


def test_another_level_is_computed_again(run, computed) -> None:
    listfile = copy(WORKED, "county.yaml")
    orange = json.loads(check(run, "orange", "--list", listfile).stdout)
    red = json.loads(check(run, "red", "--list", listfile).stdout)
    assert (orange["level"], red["level"]) == ("orange", "red")
    assert computed == ["orange", "red"]
    check(run, "橙色", "--list", listfile)  # an alias of a level stored: the same answer
    assert computed == ["orange", "red"] and len(entries()) == 2


def test_another_interface_language_is_computed_again(run, computed) -> None:
    listfile = copy(COUNTY, "county.yaml")
    english = check(run, "orange", "--list", listfile, env={"HAZE_UI": "en"})
    chinese = check(run, "orange", "--list", listfile, env={"HAZE_UI": "zh"})
    assert computed == ["orange", "orange"]
    assert "no contact" in english.stderr and "no contact" not in chinese.stderr
    assert chinese.stderr == check(run, "orange", "--list", listfile, "--no-cache", env={"HAZE_UI": "zh"}).stderr
    again = check(run, "orange", "--list", listfile, env={"HAZE_UI": "zh"})
    assert again.stderr_bytes == chinese.stderr_bytes and computed == ["orange", "orange", "orange"]


@pytest.mark.usefixtures("journal")
def test_the_enterprises_stopped_at_the_moment_asked_are_part_of_the_key(run, computed, clock_at) -> None:
    from test_season import ISSUED_ON, JOURNAL, stagger_list

    clock_at(ISSUED_ON)  # the plan is made before its season: a season already over is refused

    write(Path("county.yaml"), stagger_list())
    plan = json.loads(run("stagger", "2025-2026", "--list", "county.yaml", "--journal", JOURNAL, "--json").stdout)
    first = min(e["stop"][0][0] for e in plan["enterprises"] if e["stop"])
    at = ("--at", f"{first}T20:00", "--journal", JOURNAL)
    plain = json.loads(check(run, "yellow", "--list", "county.yaml").stdout)
    inside = json.loads(check(run, "yellow", "--list", "county.yaml", *at).stdout)
    assert computed == ["yellow", "yellow"]
    assert all(e["reason"] != "stagger" for e in plain["enterprises"])
    assert any(e["reason"] == "stagger" for e in inside["enterprises"])
    assert json.loads(check(run, "yellow", "--list", "county.yaml", *at).stdout) == inside
    assert computed == ["yellow", "yellow"]
    # after the season nobody is stopped: the same set as no --at at all, so the same answer
    after = check(run, "yellow", "--list", "county.yaml", "--at", "2026-04-01T20:00", "--journal", JOURNAL)
    assert json.loads(after.stdout) == plain and computed == ["yellow", "yellow"]
    # the key holds the set itself: another set, another entry
    assert results.result_key(list_path="county.yaml", digest="0" * 64, policy=None, level="yellow",
                              stopped={"A"}) != results.result_key(list_path="county.yaml", digest="0" * 64,
                                                                   policy=None, level="yellow", stopped={"B"})


def test_another_version_or_engine_is_computed_again(run, computed, monkeypatch: pytest.MonkeyPatch) -> None:
    listfile = copy(WORKED, "county.yaml")
    check(run, "orange", "--list", listfile)
    monkeypatch.setattr(results, "__version__", "99.0")
    check(run, "orange", "--list", listfile)
    assert computed == ["orange", "orange"]
    monkeypatch.setattr(results, "engine_fingerprint", lambda: "another engine")
    check(run, "orange", "--list", listfile)
    assert computed == ["orange", "orange", "orange"]
    monkeypatch.setattr(results, "FORMAT", results.FORMAT + 1)
    check(run, "orange", "--list", listfile)
    assert computed == ["orange"] * 4
    check(run, "orange", "--list", listfile)
    assert computed == ["orange"] * 4 and len(entries()) == 4


def test_the_engine_fingerprint_follows_the_engines_source(tmp_path: Path) -> None:
    package = Path(results.__file__).resolve().parent.parent
    copied = tmp_path / "haze"
    shutil.copytree(package, copied, ignore=shutil.ignore_patterns("__pycache__", "locale", "templates"))
    base = results.fingerprint_of(copied)
    assert base is not None and base == results.fingerprint_of(package) == results.engine_fingerprint()
    for changed in ("core/engine.py", "core/policies/shanxi-2024.yaml", "io/lists/build.py", "render/report.py",
                    "commands/check.py"):
        source = copied / changed
        original = source.read_bytes()
        source.write_bytes(original + b"\n# changed\n")
        assert results.fingerprint_of(copied) != base, changed
        source.write_bytes(original)
    assert results.fingerprint_of(copied) == base
    (copied / "cli" / "status.py").write_bytes(b"# not the engine\n")
    assert results.fingerprint_of(copied) == base
    for path in (copied / "core").glob("*.py"):  # no source to read (a frozen build): nothing cached at all
        path.unlink()
    assert results.fingerprint_of(copied) is None


# -- bad entries are recomputed, never trusted -----------------------------------------------------

@pytest.mark.parametrize("damage", ["truncated", "payload", "header", "empty", "other-key", "forged"])
def test_a_damaged_entry_is_recomputed(run, computed, damage: str) -> None:
    listfile = copy(SMALL, "county.yaml")
    plain = check(run, "orange", "--list", listfile, "--no-cache")
    check(run, "orange", "--list", listfile)
    (entry,) = entries()
    raw = entry.read_bytes()
    head, _, payload = raw.partition(b"\n")
    if damage == "truncated":
        entry.write_bytes(raw[: len(raw) // 2])
    elif damage == "payload":  # one number changed: the HMAC no longer matches
        entry.write_bytes(raw.replace(b'"ok": false', b'"ok": true ', 1))
    elif damage == "header":
        entry.write_bytes(b"not json\n" + payload)
    elif damage == "empty":
        entry.write_bytes(b"")
    elif damage == "other-key":  # a whole entry of another user (another secret key)
        (cache.user_cache_dir() / cache.KEY_FILE).write_bytes(os.urandom(32))
    else:  # a planted entry with a checksum anyone can make: not this user's HMAC
        import hashlib

        header = json.loads(head)
        forged = payload.replace(b'"ok": false', b'"ok": true ', 1)
        header["mac"] = hashlib.sha256(forged).hexdigest()
        entry.write_bytes(json.dumps(header).encode() + b"\n" + forged)
    again = check(run, "orange", "--list", listfile)
    assert computed == ["orange", "orange", "orange"]
    assert (again.stdout_bytes, again.stderr_bytes, again.exit_code) == (
        plain.stdout_bytes, plain.stderr_bytes, plain.exit_code) and again.exit_code == 1
    check(run, "orange", "--list", listfile)  # rewritten whole: a hit again
    assert computed == ["orange", "orange", "orange"]


def test_an_entry_that_is_not_a_regular_file_is_a_miss(run, computed) -> None:
    listfile = copy(WORKED, "county.yaml")
    check(run, "orange", "--list", listfile)
    (entry,) = entries()
    target = entry.with_name("elsewhere")
    entry.rename(target)
    entry.symlink_to(target)  # an entry replaced by a link is never followed
    check(run, "orange", "--list", listfile)
    assert computed == ["orange", "orange"]


# -- what is never stored ---------------------------------------------------------------------------

def test_a_refused_list_is_never_stored(run) -> None:
    bad = write(Path("bad.yaml"), "list:\n  region: 示例县\nenterprises:\n  - id: 123\n    name: x\n")
    for _ in range(2):
        result = check(run, "orange", "--list", bad)
        assert result.exit_code == 2 and result.stdout == ""
    assert not entries()


def test_a_list_edited_while_it_is_read_is_not_stored(run, computed, monkeypatch: pytest.MonkeyPatch) -> None:
    import haze.commands.check as command

    listfile = copy(WORKED, "county.yaml")
    real = command.load_inputs

    def edited_meanwhile(path, policy=None, *, cache=True):
        listfile.write_text(listfile.read_text(encoding="utf-8").replace("nox: 730", "nox: 1095", 1),
                            encoding="utf-8")
        return real(path, policy, cache=cache)

    monkeypatch.setattr(command, "load_inputs", edited_meanwhile)
    result = check(run, "orange", "--list", listfile)
    assert result.exit_code == 0 and not entries()  # its answer is of the new bytes, keyed by the old


def test_the_human_table_neither_reads_nor_writes_results(run, computed) -> None:
    listfile = copy(WORKED, "county.yaml")
    check(run, "orange", "--list", listfile)
    assert run("check", "orange", "--list", listfile).exit_code == 0
    assert computed == ["orange", "orange"] and len(entries()) == 1


def test_no_cache_bypasses_a_stored_answer(run, computed) -> None:
    listfile = copy(WORKED, "county.yaml")
    check(run, "orange", "--list", listfile)
    check(run, "orange", "--list", listfile, "--no-cache")
    assert computed == ["orange", "orange"]


# -- where and how many ---------------------------------------------------------------------------

def test_results_keep_a_pool_of_their_own(run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(results, "MAX_ENTRIES", 2)
    listfile = copy(WORKED, "county.yaml")
    for level in ("yellow", "orange", "red"):
        check(run, level, "--list", listfile)
    assert len(entries()) == 2  # the oldest result went
    parsed = sorted(p for p in results.results_dir().parent.glob("*.json"))
    assert len(parsed) == 1  # the parsed list stays: results never evict it
    assert results.results_dir().parent == cache.cache_dir()


def test_a_hit_imports_neither_the_engine_nor_the_json_layout(tmp_path: Path) -> None:
    from test_startup import imported

    work = tmp_path / "fresh"
    work.mkdir()
    copy(WORKED, str(work / "county.yaml"))
    first = imported(work, "check", "orange", "--list", "county.yaml", "--json")
    assert first["code"] == 0 and "haze.core.engine" in first["modules"]
    second = imported(work, "check", "orange", "--list", "county.yaml", "--json")
    assert second["code"] == 0
    for module in ("haze.core.engine", "haze.render.report", "haze.io.lists.build", "rich"):
        assert module not in second["modules"], module


def test_a_stored_answer_on_a_terminal_of_another_encoding_is_what_it_would_print(computed) -> None:
    """A console whose encoding is not UTF-8 (a Windows code page) gets the text, as an uncached run gives it."""
    from click.testing import CliRunner

    from haze.cli import cli

    listfile = copy(COUNTY, "county.yaml")
    runner = CliRunner(charset="gb18030")
    args = ["check", "orange", "--list", str(listfile), "--json"]
    plain = runner.invoke(cli, [*args, "--no-cache"], catch_exceptions=False)
    runner.invoke(cli, args, catch_exceptions=False)
    stored = runner.invoke(cli, args, catch_exceptions=False)
    assert computed == ["orange", "orange"]
    assert stored.stdout_bytes == plain.stdout_bytes
    assert "示例县" in plain.stdout_bytes.decode("gb18030")
    with pytest.raises(UnicodeDecodeError):
        plain.stdout_bytes.decode("utf-8")  # the console's encoding, not UTF-8 bytes written past it
