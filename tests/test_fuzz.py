"""Fuzzing the list reader with the shipped county list (issue 7).

Each seed applies one to three random mutations to
``enterprise_lists/example-county-2025.yaml`` — a key deleted, a value of
another type, garbage bytes, a line duplicated or re-indented, the file cut
short, a number turned into text, NaN, a negative or an overflow, an unknown
key, YAML punctuation dropped in, a valid value changed — and runs ``haze
validate`` and ``haze check orange`` in process. ``HAZE_DEBUG`` is set
(conftest), so a bug surfaces as an exception instead of the one-line internal
error; the runner catches it so the test can name the seed and show the
mutated text.

What must hold for every mutant:
- no exception, exit codes from SPEC §7 only (validate 0/1, check 0/1/2);
- validate answers with findings or a verdict, check with a result or a refusal;
- the two agree: ``check`` refuses (exit 2) exactly when ``validate`` reports an
  error that leaves the computation undefined (a blocking code, SPEC §5).
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import COUNTY

from haze.cli import cli
from haze.core.findings import BLOCKING

SEEDS = range(240)
ORIGINAL = COUNTY.read_bytes()
LINES = ORIGINAL.decode("utf-8").splitlines(keepends=True)
NUMBER = re.compile(r"(?<=[\s{,:\[])(-?\d+(?:\.\d+)?)(?=[\s,}\]]|$)")
VALUE = re.compile(r"(?<=: )([^{\[\n#][^\n#]*?)(\s*(?:#.*)?)$")

WEIRD_NUMBERS = ['"七百"', ".nan", "-.inf", "1e400", "-12", "9" * 400, '"12,5"', "0x1F", "1_000", "''", "~",
                 "[1, 2]", "{t: 1}", "true", "2024-12-01", "20:00", "!!binary aGk=", "&x 3", "*x"]
WEIRD_VALUES = ["[a, b]", "{a: 1}", "true", "no", "null", "~", "42", "-1", "3.5e9", '"\\e[2J"', "!!str 7",
                "&anchor value", "*anchor", "!!python/object/apply:os.getcwd []", "|\n  多行\n  文本", "'", '"',
                "{", "[", "? x", "- x", "%", "@", "`", "\t", "示例" * 50]
GARBAGE = [b"\x00", b"\xff\xfe", b"\xe4\xb8", b"\x1b[31m", b"\t", b"\r", b"{{", b"]]", b": :", b"- - -", b"&a *a",
           b"!!", b"\xef\xbb\xbf", b"\xc2\x85", b"#", b"'", b'"', b"|", b">", b"---\n", b"...\n", b"%YAML 1.1\n"]


def _lines(text: bytes) -> list[str]:
    return text.decode("utf-8", "replace").splitlines(keepends=True)


def delete_key(rng: random.Random, data: bytes) -> bytes:
    lines = _lines(data)
    keyed = [i for i, line in enumerate(lines) if ":" in line and not line.lstrip().startswith("#")]
    if keyed:
        del lines[rng.choice(keyed)]
    return "".join(lines).encode("utf-8")


def retype_value(rng: random.Random, data: bytes) -> bytes:
    lines = _lines(data)
    keyed = [i for i, line in enumerate(lines) if VALUE.search(line.rstrip("\n"))]
    if keyed:
        i = rng.choice(keyed)
        lines[i] = VALUE.sub(lambda m: rng.choice(WEIRD_VALUES) + m.group(2), lines[i].rstrip("\n"), count=1) + "\n"
    return "".join(lines).encode("utf-8")


def replace_number(rng: random.Random, data: bytes) -> bytes:
    text = data.decode("utf-8", "replace")
    spots = list(NUMBER.finditer(text))
    if not spots:
        return data
    m = rng.choice(spots)
    return (text[: m.start()] + rng.choice(WEIRD_NUMBERS) + text[m.end():]).encode("utf-8")


def insert_garbage(rng: random.Random, data: bytes) -> bytes:
    at = rng.randrange(len(data) + 1)
    junk = rng.choice(GARBAGE) if rng.random() < 0.7 else bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))
    return data[:at] + junk + data[at:]


def duplicate_line(rng: random.Random, data: bytes) -> bytes:
    lines = _lines(data)
    i = rng.randrange(len(lines))
    lines.insert(rng.randrange(len(lines) + 1) if rng.random() < 0.3 else i, lines[i])
    return "".join(lines).encode("utf-8")


def reindent(rng: random.Random, data: bytes) -> bytes:
    lines = _lines(data)
    i = rng.randrange(len(lines))
    body = lines[i].lstrip(" ")
    indent = max(0, len(lines[i]) - len(body) + rng.choice([-4, -2, -1, 1, 2, 4]))
    lines[i] = " " * indent + body
    if rng.random() < 0.3 and len(lines) > 1:  # or swap the indentation of two neighbours
        j = min(i + 1, len(lines) - 1)
        a, b = lines[i].lstrip(" "), lines[j].lstrip(" ")
        lines[i], lines[j] = " " * (len(lines[j]) - len(b)) + a, " " * (len(lines[i]) - len(a)) + b
    return "".join(lines).encode("utf-8")


def truncate(rng: random.Random, data: bytes) -> bytes:
    return data[: rng.randrange(len(data) + 1)]


def unknown_key(rng: random.Random, data: bytes) -> bytes:
    lines = _lines(data)
    i = rng.randrange(len(lines))
    indent = len(lines[i]) - len(lines[i].lstrip(" "))
    key = rng.choice(["remark", "备注", "Grade", "emission", "cuts", "__init__", "<<", "list", "id"])
    lines.insert(i + 1, " " * indent + f"{key}: {rng.choice(WEIRD_VALUES[:12])}\n")
    return "".join(lines).encode("utf-8")


def flip_bytes(rng: random.Random, data: bytes) -> bytes:
    buf = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        if buf:
            buf[rng.randrange(len(buf))] = rng.randrange(256)
    return bytes(buf)


SEMANTIC = {
    "grade": ["A", "B", "C", "D", "leading", "nonleading", "unrated", "引领性", "C级"],
    "zone": ["key", "否", "重点区域"],
    "status": ["idle", "停产", "在产"],
    "compliant": ["false", "否", "true"],
    "industry": ["cement", "水泥", "未知行业"],
    "operating_days": ["1", "0.5", "366", "400", "120"],
    "cut": ["0", "0.05", "0.99", '"15%"', "停产", "1"],
    "stop": ["true", "false"],
}
FIELD = re.compile(r"\b(" + "|".join(SEMANTIC) + r"): ([^,}\n#]+)")


def change_value(rng: random.Random, data: bytes) -> bytes:
    """A valid value in place of another: the list stays readable but says something else
    (a weaker cut, an idle or non-compliant plant, a credit code with one character changed)."""
    text = data.decode("utf-8", "replace")
    if rng.random() < 0.2:  # a mistyped credit code: an error, but one that never stops check
        codes = list(re.finditer(r'id: "?(9[0-9A-HJ-NP-RTUWXY]{17})', text))
        if codes:
            m = rng.choice(codes)
            at = m.start(1) + rng.randrange(17)
            return (text[:at] + rng.choice("0123456789ABCDEFGH".replace(text[at], "")) + text[at + 1:]).encode()
    spots = list(FIELD.finditer(text))
    if not spots:  # an earlier mutation cut the file short
        return data
    m = rng.choice(spots)
    return (text[: m.start(2)] + rng.choice(SEMANTIC[m.group(1)]) + text[m.end(2):]).encode("utf-8")


# Valid-but-different mutants count twice: they reach the computation, not just the parser.
MUTATIONS = [delete_key, retype_value, replace_number, insert_garbage, duplicate_line, reindent, truncate,
             unknown_key, flip_bytes, change_value, change_value]


def mutate(seed: int) -> tuple[bytes, list[str]]:
    rng = random.Random(seed)
    data, applied = ORIGINAL, []
    for _ in range(rng.choice([1, 1, 2, 3])):
        operation = rng.choice(MUTATIONS)
        data = operation(rng, data)
        applied.append(operation.__name__)
    return data, applied


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=True)


def explain(seed: int, applied: list[str], data: bytes, original: bytes = ORIGINAL) -> str:
    """The seed, the mutations and the first lines where the mutant differs."""
    new, old = _lines(data), _lines(original)
    diff = [f"{n + 1}: {line!r}" for n, line in enumerate(new) if n >= len(old) or line != old[n]][:5]
    return f"seed {seed}, mutations {applied}; first changed lines: {diff}"


@pytest.mark.parametrize("seed", SEEDS)
def test_mutated_county_list_gets_a_finding_or_a_result(seed: int, isolated: Path) -> None:
    data, applied = mutate(seed)
    path = isolated / "county.yaml"
    path.write_bytes(data)
    why = explain(seed, applied, data)

    validate = invoke("validate", "--json", str(path))
    assert validate.exception is None or isinstance(validate.exception, SystemExit), (why, validate.exc_info)
    assert validate.exit_code in (0, 1), (why, validate.output)
    report = json.loads(validate.stdout)
    findings = report["files"][0]["findings"]
    assert report["ok"] == (validate.exit_code == 0), why
    if validate.exit_code == 1:
        assert any(f["severity"] == "error" for f in findings), why
    for f in findings:
        assert re.fullmatch(r"[EW]\d{3}", f["code"]) and f["message"], (why, f)
        assert f["line"] is None or 1 <= f["line"] <= data.count(b"\n") + 1, (why, f)

    # Every other seed renders the human tables too: odd names must print as well as compute.
    args = ["check", "orange", "--list", str(path)] + (["--json"] if seed % 2 else [])
    check = invoke(*args)
    assert check.exception is None or isinstance(check.exception, SystemExit), (why, check.exc_info)
    assert check.exit_code in (0, 1, 2), (why, check.output)
    blocking = sorted({f["code"] for f in findings if f["severity"] == "error" and f["code"] in BLOCKING})
    if check.exit_code == 2:
        assert blocking, (why, check.stderr)
        assert check.stdout == "" and check.stderr.splitlines()[-1].startswith("haze: error: "), why
    else:
        assert not blocking, (why, blocking)
        if seed % 2:
            result = json.loads(check.stdout)
            assert result["ok"] == (check.exit_code == 0), why
            assert len(result["enterprises"]) >= 1, why
        else:
            assert "orange" in check.stdout, why
    assert "Traceback" not in check.stderr + validate.stderr, why


def test_the_seeds_reach_every_kind_of_answer(isolated: Path) -> None:
    """The seed set is neither all garbage nor all harmless: every mutation is used, and the
    mutants include lists that stay valid, lists with non-blocking findings only (computed
    anyway), and lists refused for blocking errors."""
    from haze.commands.validate import validate_list

    used = {name for seed in SEEDS for name in mutate(seed)[1]}
    assert used == {op.__name__ for op in MUTATIONS}
    assert sum("change_value" in mutate(seed)[1] for seed in SEEDS) > len(SEEDS) // 8
    answers = set()
    for seed in SEEDS[:80]:
        path = isolated / f"county-{seed}.yaml"
        path.write_bytes(mutate(seed)[0])
        result = validate_list(path, cache=False)
        codes = {f.code for f in result.findings if f.is_error}
        answers.add("valid" if result.ok else "refused" if codes & BLOCKING else "computed with errors")
    assert answers == {"valid", "refused", "computed with errors"}
