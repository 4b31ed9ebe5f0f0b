"""Hostile lists through the real commands (SPEC §5, §12; issue 7).

Every case runs ``haze validate`` and ``haze check orange`` in a child process
with an address-space limit and a timeout, so that a regression (a YAML bomb
expanding, libyaml's recursive composer crashing on deep nesting, a huge file
read whole) fails this suite instead of hanging it or taking the machine down.
The child drives the commands through click's CliRunner so that one process
answers both commands; a few cases also run the installed entry point
(``python -m haze``) to show what a duty officer sees.

Expectations: ``validate`` exits 1 with a finding ``PATH:LINE: error CODE``;
``check`` exits 2 with one stderr line per problem (the findings, then one
``haze: error:`` line; a file that cannot be read at all is that one line);
never a traceback, never code executed.
"""

from __future__ import annotations

import json
import os
import resource
import stat
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from haze.io.lists import yamlread

#: address space of a child: far above what any case needs, far below the machine
LIMIT_AS = 1536 * 1024 * 1024
#: a hang guard, not a speed assertion: every case answers in well under a second
TIMEOUT = 120
NAME = "hostile.yaml"

# A clean one-enterprise list; the cases below break it at known lines.
# Grade C at 700 t/a of each pollutant against a baseline of 1000 t/a meets every
# level: yellow 0.3 × 700 = 210 (21% ≥ 20%), orange 0.5 × 700 = 350 (35% ≥ 30%),
# red stop 700 (70% ≥ 40%).
BASE = """\
list:
  region: 示例县
  authority: 示例县生态环境局
  baseline: {so2: 1000, nox: 1000, pm: 1000, vocs: 1000}
enterprises:
  - id: 91140525MA0KAY4C6U
    name: 示例县东方铸造有限公司
    grade: C
    contact: {name: 王建国, phone: "0356-2000101"}
    emissions: {so2: 700, nox: 700, pm: 700, vocs: 700}
"""
EMISSIONS_LINE = 10
NAME_LINE = 7
GRADE_LINE = 8

# The child: run each command through CliRunner, report exit code, streams and any exception.
DRIVER = r"""
import json, sys, traceback
from click.testing import CliRunner
from haze.cli import cli
report = {}
for name, args in json.loads(sys.argv[1]).items():
    result = CliRunner().invoke(cli, args, catch_exceptions=True)
    exc = result.exception
    bug = None if exc is None or isinstance(exc, SystemExit) else "".join(traceback.format_exception(exc))
    report[name] = {"code": result.exit_code, "stdout": result.stdout, "stderr": result.stderr, "bug": bug}
print(json.dumps(report))
"""


def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (LIMIT_AS, LIMIT_AS))


def child_env() -> dict[str, str]:
    """The test's isolated environment, with HAZE_DEBUG so a bug surfaces as an exception."""
    env = dict(os.environ)
    env["HAZE_DEBUG"] = "1"
    return env


def run_limited(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=cwd, env=child_env(), capture_output=True, timeout=TIMEOUT,
                          preexec_fn=_limit, check=False)


def both_commands(path: str, cwd: Path) -> dict[str, dict]:
    """``validate PATH`` and ``check orange --list PATH`` in one limited child process."""
    commands = {"validate": ["validate", path], "check": ["check", "orange", "--list", path]}
    proc = run_limited([sys.executable, "-c", DRIVER, json.dumps(commands)], cwd)
    assert proc.returncode == 0, f"child died ({proc.returncode}): {proc.stderr.decode(errors='replace')[-2000:]}"
    report = json.loads(proc.stdout)
    for name, result in report.items():
        assert result["bug"] is None, f"{name} raised:\n{result['bug']}"
        assert "Traceback" not in result["stderr"] + result["stdout"], name
    return report


def assert_refused(report: dict[str, dict], path: str, code: str, line: int | None, text: str = "") -> None:
    """validate: exit 1 naming PATH:LINE and CODE. check: exit 2, one stderr line per problem."""
    where = f"{path}:{line}" if line is not None else path
    expected = f"{where}: error {code}"
    validate, check = report["validate"], report["check"]
    assert validate["code"] == 1, validate
    assert expected in validate["stdout"], validate["stdout"][:2000]
    if text:
        assert text in validate["stdout"], validate["stdout"][:2000]
    assert check["code"] == 2, check
    assert check["stdout"] == "", check["stdout"][:2000]
    lines = check["stderr"].splitlines()
    assert lines[-1].startswith(f"haze: error: {path}"), lines
    findings = lines[:-1]
    if findings:
        assert any(f.startswith(expected) for f in findings), lines
        assert all(f.startswith(f"{path}:") for f in findings), lines
    else:  # the file itself is the problem: the one line says why
        assert line is None and len(lines) == 1, lines
    if text:
        assert text in check["stderr"], check["stderr"][:2000]


@dataclass(frozen=True)
class Case:
    id: str
    make: Callable[[], bytes]
    code: str
    line: int | None
    text: str = ""
    file: str = NAME  # the extension picks the reader


def edit(old: str, new: str) -> Callable[[], bytes]:
    def make() -> bytes:
        assert BASE.count(old) == 1, old
        return BASE.replace(old, new).encode("utf-8")
    return make


def raw(data: bytes | str) -> Callable[[], bytes]:
    return lambda: data if isinstance(data, bytes) else data.encode("utf-8")


def laughs_list(levels: int = 9, width: int = 9) -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels + 1):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


def laughs_mapping(levels: int = 9, width: int = 9) -> str:
    lines = ["m0: &m0 {so2: 1, nox: 1, pm: 1, vocs: 1}"]
    for i in range(1, levels + 1):
        lines.append(f"m{i}: &m{i} {{" + ", ".join(f"k{j}: *m{i - 1}" for j in range(width)) + "}")
    return "\n".join(lines) + "\n"


def bomb_in_actions() -> bytes:
    head = laughs_list()
    body = BASE.replace("    emissions: {so2: 700", "    measures: {orange: {actions: *a9}}\n    emissions: {so2: 700")
    return (head + body).encode("utf-8")


def bomb_in_emissions() -> bytes:
    head = laughs_mapping()
    body = BASE.replace("    emissions: {so2: 700, nox: 700, pm: 700, vocs: 700}", "    emissions: *m9")
    return (head + body).encode("utf-8")


DEEP = 100_000

CASES = [
    # -- alias bombs: refused before anything is expanded --------------------------------
    Case("laughs-nested-lists", raw(laughs_list() + "list: *a9\n"), "E004", 1, "YAML bomb"),
    Case("laughs-nested-mappings", raw(laughs_mapping() + "list: *m9\n"), "E004", 1, "YAML bomb"),
    Case("laughs-in-actions", bomb_in_actions, "E004", 1, "YAML bomb"),
    Case("laughs-in-emissions", bomb_in_emissions, "E004", 1, "YAML bomb"),
    Case("recursive-alias", raw("list: &a [*a]\n"), "E004", 1, "recursive alias"),
    Case("recursive-alias-mapping", raw("list: &a {region: *a}\n"), "E004", 1, "recursive alias"),
    # -- nesting: libyaml's composer recurses in C and crashes without the depth guard ----
    Case("deep-flow-sequences", raw("[" * DEEP + "]" * DEEP + "\n"), "E004", 1, "nesting deeper"),
    Case("deep-flow-mappings", raw("{a: " * DEEP + "}" * DEEP + "\n"), "E004", 1, "nesting deeper"),
    Case("deep-flow-implicit-pairs", raw("[a: " * DEEP + "]" * DEEP + "\n"), "E004", 1, "nesting deeper"),
    Case("deep-block-sequences", raw("- " * DEEP + "x\n"), "E004", 1, "nesting deeper"),
    Case("deep-block-keys", raw("? " * DEEP + "x\n"), "E004", 1, "nesting deeper"),
    Case("deep-block-after-colon", raw("? a\n: " + "- " * DEEP + "x\n"), "E004", 2, "nesting deeper"),
    Case("deep-block-after-cr", raw(b"# c\r" + b"- " * DEEP + b"x\n"), "E004", 2, "nesting deeper"),
    Case("deep-block-after-nel", raw(b"# c\xc2\x85" + b"- " * DEEP + b"x\n"), "E004", 2, "nesting deeper"),
    Case("deep-block-after-ls", raw(b"# c\xe2\x80\xa8" + b"- " * DEEP + b"x\n"), "E004", 2, "nesting deeper"),
    Case("deep-block-after-bom", raw(b"\xef\xbb\xbf\xef\xbb\xbf" + b"- " * DEEP + b"x\n"), "E004", 1,
         "nesting deeper"),
    Case("deep-in-second-document-line", raw("a: 1\n---\n" + "- " * DEEP + "x\n"), "E004", 3, "nesting deeper"),
    # -- not text, not a list ---------------------------------------------------------------
    Case("binary-garbage", raw(bytes(range(256)) * 64), "E001", 2, "not UTF-8"),  # 0x80 is after the first newline
    Case("binary-first-byte", raw(b"\xff\xd8\xff\xe0 JFIF"), "E001", 1, "not UTF-8"),
    Case("empty-file", raw(b""), "E003", 1, "empty"),
    Case("whitespace-only", raw(b"  \n\t\n   \n"), "E003", 1, "empty"),
    Case("comments-only", raw("# 只有注释\n"), "E003", 1),
    Case("utf16", raw(BASE.encode("utf-16")), "E001", None, "UTF-16"),
    Case("utf16-be", raw(b"\xfe\xff" + BASE.encode("utf-16-be")), "E001", None, "UTF-16"),
    Case("gb18030", raw(BASE.encode("gb18030")), "E001", 2, "not UTF-8"),
    Case("top-level-sequence", raw("- 示例县\n- 示例县生态环境局\n"), "E003", 1, "must be a mapping"),
    Case("top-level-string", raw("示例县应急减排清单\n"), "E003", 1, "must be a mapping"),
    Case("top-level-number", raw("42\n"), "E003", 1, "must be a mapping"),
    Case("two-documents", raw(BASE + "---\n" + BASE), "E002", 11, "single document"),
    Case("syntax-error", edit("  region: 示例县\n", "  region: [示例县\n"), "E002", 3),
    # -- tags -------------------------------------------------------------------------------
    Case("binary-tag-as-list", raw("list: !!binary aGVsbG8=\nenterprises: []\n"), "E101", 1, "list must be"),
    Case("binary-tag-as-name", edit("name: 示例县东方铸造有限公司", "name: !!binary 5ZCN5a2X"), "E101", NAME_LINE,
         "name must be text"),
    Case("set-tag", edit("emissions: {so2: 700, nox: 700, pm: 700, vocs: 700}", "emissions: !!set {so2, nox}"),
         "E101", EMISSIONS_LINE, "emissions must be a mapping"),
    Case("custom-tag", edit("grade: C", "grade: !grade C"), "E002", GRADE_LINE, "tags that construct objects"),
    Case("float-tag-on-text", edit("so2: 700", "so2: !!float abc"), "E002", EMISSIONS_LINE, "cannot read"),
    Case("int-tag-on-text", edit("so2: 700", "so2: !!int abc"), "E002", EMISSIONS_LINE, "cannot read"),
    Case("bool-tag-on-text", edit("grade: C", "grade: !!bool maybe"), "E002", GRADE_LINE, "cannot read"),
    Case("map-tag-on-sequence", edit("emissions: {so2: 700, nox: 700, pm: 700, vocs: 700}",
                                        "emissions: !!map [1, 2]"), "E002", EMISSIONS_LINE, "expected a mapping"),
    Case("merge-key", raw("base: &b {so2: 1}\n" + BASE.replace("{so2: 700, nox: 700, pm: 700, vocs: 700}",
                                                                "{<<: *b, nox: 700}")), "E103", EMISSIONS_LINE + 1),
    # -- numbers ----------------------------------------------------------------------------
    Case("overflowing-float", edit("so2: 700", "so2: 1e400"), "E106", EMISSIONS_LINE, "finite"),
    Case("nan-emission", edit("so2: 700", "so2: .nan"), "E106", EMISSIONS_LINE, "finite"),
    Case("minus-inf-emission", edit("so2: 700", "so2: -.inf"), "E106", EMISSIONS_LINE, "finite"),
    Case("nan-as-text", edit("so2: 700", 'so2: "NaN"'), "E106", EMISSIONS_LINE, "finite"),
    Case("huge-integer", edit("so2: 700", "so2: " + "9" * 5000), "E106", EMISSIONS_LINE, "finite"),
    Case("integer-beyond-float", edit("so2: 700", "so2: " + "9" * 400), "E106", EMISSIONS_LINE, "finite"),
    Case("hex-beyond-float", edit("so2: 700", "so2: !!int 0x" + "f" * 400), "E106", EMISSIONS_LINE, "finite"),
    Case("absurd-emission", edit("so2: 700", "so2: 1e300"), "E106", EMISSIONS_LINE, "beyond any real source"),
    Case("negative-emission", edit("so2: 700", "so2: -700"), "E106", EMISSIONS_LINE),
    Case("negative-operating-days", edit("grade: C", "grade: C\n    operating_days: -30"), "E111",
         GRADE_LINE + 1, "positive"),
    Case("tiny-operating-days", edit("grade: C", "grade: C\n    operating_days: 1e-320"), "E111",
         GRADE_LINE + 1, "too small"),
    Case("infinite-operating-days", edit("grade: C", "grade: C\n    operating_days: .inf"), "E101",
         GRADE_LINE + 1),
    Case("nan-cut", edit("grade: C", "grade: C\n    measures: {orange: {cut: .nan}}"), "E105", GRADE_LINE + 1),
    Case("huge-cut", edit("grade: C", "grade: C\n    measures: {orange: {cut: " + "9" * 5000 + "}}"), "E105",
         GRADE_LINE + 1),
    Case("negative-baseline", edit("so2: 1000", "so2: -1000"), "E106", 4),
    # -- keys -------------------------------------------------------------------------------
    Case("duplicate-key", edit("grade: C\n", "grade: C\n    grade: D\n"), "E109", GRADE_LINE + 1,
         "duplicate key 'grade'"),
    Case("key-is-a-list", edit("grade: C\n", "grade: C\n    ? [a, b]\n    : 1\n"), "E002", GRADE_LINE + 1,
         "mapping key must be plain text"),
    Case("key-is-a-flow-mapping", edit("grade: C\n", "grade: C\n    {a: 1}: 2\n"), "E002", GRADE_LINE + 1,
         "mapping key must be plain text"),
    Case("unknown-key", edit("grade: C\n", "grade: C\n    __class__: os.system\n"), "E103", GRADE_LINE + 1),
    # -- text -------------------------------------------------------------------------------
    Case("ten-megabyte-name", edit("name: 示例县东方铸造有限公司", "name: " + "示" * (10 * 1024 * 1024 // 3)),
         "E004", NAME_LINE, "the limit is"),
    Case("ten-megabyte-action", edit("grade: C", "grade: C\n    measures: {orange: {actions: [" + "停" * 3_500_000
                                        + "]}}"), "E004", GRADE_LINE + 1, "the limit is"),
    Case("raw-control-character", edit("name: 示例县东方铸造有限公司", "name: 示例县\x07东方"), "E002", NAME_LINE,
         "control characters"),
    Case("raw-nul-byte", edit("name: 示例县东方铸造有限公司", "name: 示例县\x00东方"), "E002", NAME_LINE,
         "control characters"),
]


def test_base_list_is_clean(isolated: Path) -> None:
    """The cases above fail because of what they change, not because the base is broken."""
    (isolated / NAME).write_bytes(BASE.encode("utf-8"))
    report = both_commands(NAME, isolated)
    assert report["validate"]["code"] == 0, report["validate"]
    assert report["check"]["code"] == 0, report["check"]
    assert report["check"]["stderr"] == ""


# -- object tags: refused, and nothing runs ------------------------------------------------

PYTHON_TAGS = [
    '!!python/object/apply:os.system ["touch {marker}"]',
    '!!python/object/apply:subprocess.check_call [["touch", "{marker}"]]',
    '!!python/object/new:subprocess.Popen [["touch", "{marker}"]]',
    "!!python/name:os.system",
    "!!python/module:os",
    '!<tag:yaml.org,2002:python/object/apply:os.system> ["touch {marker}"]',
]


TAG_PLACES = [(tag, "document") for tag in PYTHON_TAGS] + [(PYTHON_TAGS[0], "name"), (PYTHON_TAGS[2], "emission")]


@pytest.mark.parametrize("tag, where", TAG_PLACES)
def test_python_object_tags_never_run(tag: str, where: str, isolated: Path) -> None:
    marker = isolated / "PWNED"
    value = tag.format(marker=marker)
    if where == "document":
        data, line = value + "\n", 1
    elif where == "name":
        data, line = BASE.replace("name: 示例县东方铸造有限公司", f"name: {value}"), NAME_LINE
    else:
        data, line = BASE.replace("so2: 700", f"so2: {value}"), EMISSIONS_LINE
    (isolated / NAME).write_text(data, encoding="utf-8")
    report = both_commands(NAME, isolated)
    assert_refused(report, NAME, "E002", line, "tags that construct objects are not allowed")
    assert not marker.exists(), "a YAML tag ran a command"


def test_python_tag_through_the_entry_point(isolated: Path) -> None:
    """What the officer's terminal shows: one line per problem, no traceback, nothing run."""
    marker = isolated / "PWNED"
    (isolated / NAME).write_text(f'!!python/object/apply:os.system ["touch {marker}"]\n', encoding="utf-8")
    proc = run_limited([sys.executable, "-m", "haze", "check", "orange", "--list", NAME], isolated)
    assert proc.returncode == 2
    assert proc.stdout == b""
    assert proc.stderr.decode().splitlines() == [
        (f"{NAME}:1: error E002 YAML syntax: tags that construct objects are not allowed for the tag "
         "'tag:yaml.org,2002:python/object/apply:os.system'"),
        f"haze: error: {NAME}: the list cannot be computed (1 error)",
    ]
    assert not marker.exists()


# -- the depth guard's cheap bound ------------------------------------------------------------

def event_depth(data: bytes) -> int:
    """The deepest nesting libyaml's event parser (iterative, safe) sees before any error."""
    import yaml

    loader = yamlread._Loader(data, "")
    depth = deepest = 0
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                deepest = max(deepest, depth)
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    except yaml.YAMLError:
        pass
    finally:
        loader.dispose()
    return deepest


# Everything that opens or separates structure, every line break libyaml knows, BOMs.
YAML_PIECES = ["- ", "-\t", "? ", ": ", "- - ", ": - ", "? - ", "[", "]", "{", "}", "[a: ", "{a: ", "a: [", "a:",
               "b: ", ",", "&a ", "*a", "!!seq ", "!x ", "<<: ", "# c", "'q'", '"q"', "|\n", ">\n", "---", "--- ",
               "...", "x", "-", "?", ":", " ", "  ", "\t", "\n", "\r", "\r\n", "\u0085", "\u2028", "\u2029",
               "\ufeff"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(YAML_PIECES), max_size=60))
def test_the_cheap_depth_bound_is_never_below_the_real_depth(pieces: list[str]) -> None:
    """The guard only runs the exact (slow) depth check when the cheap bound exceeds
    MAX_DEPTH, so a bound below the real depth is a way past it into libyaml's recursive
    composer (a crash). Each bypass found so far (': ', '\\r', NEL, LS, BOM, '[a: ') is in
    the pieces above."""
    data = "".join(pieces).encode("utf-8")
    assert event_depth(data) <= yamlread._depth_bound(data)


# -- size: refused before the file is read ------------------------------------------------

def test_document_over_the_size_limit_is_refused_before_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    """The limit itself, in process: a real list over a lowered MAX_BYTES gets E004."""
    monkeypatch.setattr(yamlread, "MAX_BYTES", 100)
    data = BASE.encode("utf-8")
    doc, findings = yamlread.load_yaml(data, NAME)
    assert doc is None
    assert [(f.code, f.message) for f in findings] == [("E004", f"file is {len(data)} bytes; the limit is 100")]


def with_and_without_cache(path: str, cwd: Path) -> dict[str, dict]:
    """validate and check on PATH, through the parse cache (the default) and with --no-cache."""
    commands = {"validate": ["validate", path], "validate --no-cache": ["validate", "--no-cache", path],
                "check": ["check", "orange", "--list", path],
                "check --no-cache": ["check", "orange", "--no-cache", "--list", path]}
    proc = run_limited([sys.executable, "-c", DRIVER, json.dumps(commands)], cwd)
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")[-2000:]
    return json.loads(proc.stdout)


@pytest.mark.parametrize("size", [600 * 1024 * 1024, 4 * 1024 * 1024 * 1024])
def test_huge_file_is_refused_without_reading_it(size: int, isolated: Path) -> None:
    """A sparse file (no disk used) larger than the limit: refused from its size alone,
    so a 4 GB file does not need 4 GB of memory (the child has 1.5 GB)."""
    with open(isolated / NAME, "wb") as fh:
        fh.truncate(size)
    message = f"file is {size} bytes; the limit is {yamlread.MAX_BYTES}"
    report = with_and_without_cache(NAME, isolated)
    for name in ("validate", "validate --no-cache"):
        assert report[name]["code"] == 1, name
        assert f"{NAME}: error E004 {message}" in report[name]["stdout"], name
    for name in ("check", "check --no-cache"):
        assert report[name]["code"] == 2, name
        assert report[name]["stderr"] == f"haze: error: {NAME}: {message}\n", name


# -- the file itself: missing, unreadable, not a file ---------------------------------------

def check_one_line(cwd: Path, path: str) -> str:
    """``haze check orange --list PATH`` through the entry point: exit 2 and exactly one line."""
    proc = run_limited([sys.executable, "-m", "haze", "check", "orange", "--list", path], cwd)
    assert proc.returncode == 2, proc
    assert proc.stdout == b""
    lines = proc.stderr.decode().splitlines()
    assert len(lines) == 1, lines
    return lines[0]


def validate_finding(cwd: Path, path: str) -> str:
    proc = run_limited([sys.executable, "-m", "haze", "validate", path], cwd)
    assert proc.returncode == 1, proc
    first = proc.stdout.decode().splitlines()[0]
    assert "Traceback" not in proc.stderr.decode()
    return first


def test_missing_file(isolated: Path) -> None:
    assert check_one_line(isolated, "missing.yaml") == "haze: error: missing.yaml: no such file"
    assert validate_finding(isolated, "missing.yaml") == "missing.yaml: error E001 no such file"


def test_dangling_symlink(isolated: Path) -> None:
    (isolated / NAME).symlink_to(isolated / "gone" / "list.yaml")
    assert check_one_line(isolated, NAME) == f"haze: error: {NAME}: no such file"
    assert validate_finding(isolated, NAME) == f"{NAME}: error E001 no such file"


def test_symlink_loop(isolated: Path) -> None:
    (isolated / "a.yaml").symlink_to(isolated / "b.yaml")
    (isolated / "b.yaml").symlink_to(isolated / "a.yaml")
    assert check_one_line(isolated, "a.yaml") == "haze: error: a.yaml: cannot read: Too many levels of symbolic links"
    assert validate_finding(isolated, "a.yaml") == "a.yaml: error E001 cannot read: Too many levels of symbolic links"


def test_directory_given_as_the_list(isolated: Path) -> None:
    (isolated / "lists.yaml").mkdir()
    assert validate_finding(isolated, "lists.yaml") == "lists.yaml: error E001 is a directory, not a list file"
    proc = run_limited([sys.executable, "-m", "haze", "check", "orange", "--list", "lists.yaml"], isolated)
    assert proc.returncode == 2
    assert "is a directory" in proc.stderr.decode()
    assert "Traceback" not in proc.stderr.decode()


def test_named_pipe_is_refused_instead_of_blocking(isolated: Path) -> None:
    """Nobody writes to the pipe: reading it would block forever."""
    os.mkfifo(isolated / NAME)
    report = with_and_without_cache(NAME, isolated)
    for name in ("validate", "validate --no-cache"):
        assert report[name]["code"] == 1, name
        assert f"{NAME}: error E001 not a regular file" in report[name]["stdout"], name
    for name in ("check", "check --no-cache"):
        assert report[name]["code"] == 2, name
        assert report[name]["stderr"] == f"haze: error: {NAME}: not a regular file (a pipe or device?)\n", name


def test_unreadable_file(isolated: Path) -> None:
    """chmod 000. Root reads it anyway (the kernel lets it), so as root the list is
    simply computed; anyone else gets one line naming the file."""
    path = isolated / NAME
    path.write_text(BASE, encoding="utf-8")
    path.chmod(0)
    try:
        if os.geteuid() == 0:
            proc = run_limited([sys.executable, "-m", "haze", "check", "orange", "--list", NAME], isolated)
            assert proc.returncode == 0, proc
            assert "示例县东方铸造有限公司" in proc.stdout.decode()
        else:
            assert check_one_line(isolated, NAME) == f"haze: error: {NAME}: cannot read: Permission denied"
            assert validate_finding(isolated, NAME) == f"{NAME}: error E001 cannot read: Permission denied"
    finally:
        path.chmod(stat.S_IRUSR | stat.S_IWUSR)


# -- what the list may point haze at ----------------------------------------------------------

@pytest.mark.parametrize("target", ["/dev/zero", "/etc/passwd", "../policy.yaml"])
def test_list_cannot_choose_a_policy_file(target: str, isolated: Path) -> None:
    """A list names a shipped policy only: ``policy: /dev/zero`` would read forever."""
    (isolated / NAME).write_text(BASE.replace("  authority:", f"  policy: {target}\n  authority:"),
                                 encoding="utf-8")
    line = check_one_line(isolated, NAME)
    assert line == (f"haze: error: {NAME}: policy {target!r} is not a shipped policy (national-2019, "
                    "shanxi-2024); a policy file is chosen with --policy FILE")


def test_policy_option_refuses_a_device(isolated: Path) -> None:
    (isolated / NAME).write_text(BASE, encoding="utf-8")
    proc = run_limited([sys.executable, "-m", "haze", "check", "orange", "--list", NAME, "--policy", "/dev/zero"],
                       isolated)
    assert proc.returncode == 2
    assert proc.stderr.decode() == "haze: error: /dev/zero: a policy must be a regular file\n"


# -- accepted with care ---------------------------------------------------------------------

def test_byte_order_mark_is_accepted(isolated: Path) -> None:
    (isolated / NAME).write_bytes(b"\xef\xbb\xbf" + BASE.encode("utf-8"))
    report = both_commands(NAME, isolated)
    assert report["validate"]["code"] == 0, report["validate"]
    assert report["check"]["code"] == 0, report["check"]
    assert "示例县东方铸造有限公司" in report["check"]["stdout"]


def test_escaped_control_characters_are_removed_with_a_warning(isolated: Path) -> None:
    """A quoted name may spell escape codes (``\\e[2J`` clears the officer's screen):
    they never reach the terminal, and validate says they were removed."""
    name = r'"示例县\e[2J\e[31m东方\u202e铸造\x00有限公司\n二厂"'
    (isolated / NAME).write_text(BASE.replace("示例县东方铸造有限公司", name), encoding="utf-8")
    report = both_commands(NAME, isolated)
    warning = f"{NAME}:{NAME_LINE}: warning W309 name holds control characters"
    assert report["validate"]["code"] == 0, report["validate"]
    assert warning in report["validate"]["stdout"]
    check = report["check"]
    assert check["code"] == 0, check
    assert check["stderr"].startswith(warning)
    assert "示例县[2J[31m东方铸造有限公司 二厂" in check["stdout"]
    for bad in ("\x1b", "\x00", "\u202e"):
        assert bad not in check["stdout"] + check["stderr"]


def test_escape_codes_in_an_id_never_reach_the_terminal(isolated: Path) -> None:
    (isolated / NAME).write_text(BASE.replace("id: 91140525MA0KAY4C6U", r'id: "\e]0;pwned\a91140525MA0KAY4C6U"'),
                                 encoding="utf-8")
    report = both_commands(NAME, isolated)
    everything = "".join(r["stdout"] + r["stderr"] for r in report.values())
    assert "\x1b" not in everything and "\x07" not in everything
    # the code is compared in its one normal form (upper case, issue 17.2): the finding shows that form
    assert "error E102 bad credit code ]0;PWNED91140525MA0KAY4C6U" in report["validate"]["stdout"]


# -- spreadsheets from enterprises: CSV and XLSX ------------------------------------------------

CSV_HEADER = "企业名称,统一社会信用代码,乡镇,行业,绩效等级,重点区域,生产线,SO2,NOx,PM,VOCs,橙色预警限产比例,年生产天数,联系人,联系电话"


def csv_list(name: str = "示例县东方铸造有限公司", so2: str = "700", cut: str = "", days: str = "",
             code: str = "91140525MA0KAY4C6U") -> bytes:
    """Header on row 1, the one enterprise (grade C, 700 t/a of each pollutant) on row 2."""
    row = f"{name},{code},城关镇,casting,C,,,{so2},700,700,700,{cut},{days},王建国,0356-2000101"
    return f"{CSV_HEADER}\r\n{row}\r\n".encode()


CSV_CASES = [
    Case("csv-nan", lambda: csv_list(so2="NaN"), "E106", 2, "finite"),
    Case("csv-overflow", lambda: csv_list(so2="1e400"), "E106", 2, "finite"),
    Case("csv-huge-integer", lambda: csv_list(so2="9" * 5000), "E106", 2, "finite"),
    Case("csv-negative", lambda: csv_list(so2="-700"), "E106", 2),
    Case("csv-nan-cut", lambda: csv_list(cut="nan%"), "E105", 2),
    Case("csv-tiny-days", lambda: csv_list(days="1e-320"), "E111", 2, "too small"),
    Case("csv-ten-megabyte-cell", lambda: csv_list(name="示" * (10 * 1024 * 1024 // 3)), "E002", 2,
         "field larger than field limit"),
    Case("csv-long-quoted-cell", lambda: csv_list(name='"' + "示" * 100_000 + '"'), "E004", 2, "the limit is"),
    Case("csv-long-code", lambda: csv_list(code="9" * 5000), "E004", 2, "the limit is"),
    Case("csv-nul-bytes", lambda: csv_list(name="示例\x00县"), "E001", None, "NUL"),
    Case("csv-binary-garbage", lambda: bytes(range(256)) * 64, "E001", 2, "cannot read the text"),
    Case("csv-empty", lambda: b"\r\n\r\n", "E003", 1, "empty"),
    Case("csv-header-only", lambda: f"{CSV_HEADER}\r\n".encode(), "E003", 1),
]


def test_csv_cells_are_data_never_formulas_or_escape_codes(isolated: Path) -> None:
    """A cell that looks like a spreadsheet formula is read as the text it is; escape
    codes in a name are removed with a warning that names row and column."""
    formula = "=HYPERLINK(\"\"http://example.invalid\"\",\"\"示例\"\")"
    (isolated / "formula.csv").write_bytes(csv_list(name=f'"{formula}"'))
    (isolated / "ansi.csv").write_bytes(csv_list(name='"示例县\x1b[2J东方铸造有限公司"'))
    commands = {"formula": ["check", "orange", "--json", "--list", "formula.csv"],
                "ansi": ["check", "orange", "--list", "ansi.csv"]}
    proc = run_limited([sys.executable, "-c", DRIVER, json.dumps(commands)], isolated)
    report = json.loads(proc.stdout)
    assert report["formula"]["code"] == 0, report["formula"]
    names = [e["name"] for e in json.loads(report["formula"]["stdout"])["enterprises"]]
    assert names == ['=HYPERLINK("http://example.invalid","示例")']
    ansi = report["ansi"]
    assert ansi["code"] == 0, ansi
    assert "ansi.csv:2: warning W309 [A 企业名称] name holds control characters" in ansi["stderr"]
    assert "示例县[2J东方铸造有限公司" in ansi["stdout"]
    assert "\x1b" not in ansi["stdout"] + ansi["stderr"]


def xlsx_bytes(extra_rows: int = 0) -> bytes:
    """A small real workbook; ``extra_rows`` copies of a 1,000-character row make it a bomb."""
    import io
    import zipfile

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["企业名称", "统一社会信用代码", "绩效等级", "SO2", "联系人", "联系电话"])
    sheet.append(["示例县东方铸造有限公司", "91140525MA0KAY4C6U", "C", 700, "王建国", "0356-2000101"])
    buffer = io.BytesIO()
    book.save(buffer)
    if not extra_rows:
        return buffer.getvalue()
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                row = b'<row r="3"><c r="A3" t="inlineStr"><is><t>' + b"A" * 1000 + b"</t></is></c></row>"
                data = data.replace(b"</sheetData>", row * extra_rows + b"</sheetData>", 1)
            target.writestr(item, data)
    return out.getvalue()


def xlsx_lying_about_its_size() -> bytes:
    """The sheet's entry claims 10 bytes unpacked, in the local header and the directory."""
    import struct

    data = bytearray(xlsx_bytes())
    name = b"xl/worksheets/sheet1.xml"
    # (signature, offset of the name length, of the name, of the uncompressed size) in each header
    for signature, length_at, name_at, size_at in ((b"PK\x01\x02", 28, 46, 24), (b"PK\x03\x04", 26, 30, 22)):
        start = data.find(signature)
        while start >= 0:
            (length,) = struct.unpack_from("<H", data, start + length_at)
            if bytes(data[start + name_at:start + name_at + length]) == name:
                struct.pack_into("<I", data, start + size_at, 10)
            start = data.find(signature, start + 4)
    return bytes(data)


XLSX_CASES = [
    Case("xlsx-decompression-bomb", lambda: xlsx_bytes(extra_rows=60_000), "E004", None, "decompression bomb"),
    Case("xlsx-lying-sizes", xlsx_lying_about_its_size, "E001", None, "cannot open the workbook"),
    Case("xlsx-random-bytes", lambda: bytes(range(256)) * 16, "E001", None, "not an .xlsx workbook"),
    Case("xlsx-csv-renamed", lambda: csv_list(), "E001", None, "not an .xlsx workbook"),
]


def test_the_small_workbook_itself_is_read(isolated: Path) -> None:
    (isolated / "ok.xlsx").write_bytes(xlsx_bytes())
    report = both_commands("ok.xlsx", isolated)
    assert report["check"]["code"] in (0, 1), report["check"]
    assert "示例县东方铸造有限公司" in report["check"]["stdout"]


# -- every case above, YAML, CSV and XLSX alike ---------------------------------------------------

ALL_CASES = CASES + [replace(c, file="hostile.csv") for c in CSV_CASES] + \
    [replace(c, file="hostile.xlsx") for c in XLSX_CASES]


@pytest.mark.parametrize("case", ALL_CASES, ids=[c.id for c in ALL_CASES])
def test_hostile_list_is_refused_with_a_located_finding(case: Case, isolated: Path) -> None:
    (isolated / case.file).write_bytes(case.make())
    report = both_commands(case.file, isolated)
    assert_refused(report, case.file, case.code, case.line, case.text)
