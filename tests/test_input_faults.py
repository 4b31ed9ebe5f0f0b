"""Issue 17, input side: what an adversarial list could slip past haze.

Credit codes compared in one normal form in every format (17.2, 17.10), number
cells read only when they mean one thing (17.9), invisible characters never
reaching a terminal, a notice or JSON (17.19), and the small ones of 17.22.
Each test fails on the code before the fix.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import write
from haze.core import creditcode
from haze.core.model import Pollutant, parse_cut
from haze.io.lists import read_list

# Fictional credit codes with valid check characters (haze.core.creditcode).
A = "91140525MA0KAY4C6U"
B = "91140525MA0KH3BJ1D"

HEAD = """list:
  region: 示例县
  authority: 示例县生态环境局
  doc_prefix: 示环应急
  baseline: {so2: 1000, nox: 1000, pm: 1000, vocs: 1000}
enterprises:
"""


def enterprise(ident: str, name: str, emissions: str = "{so2: 100, nox: 100, pm: 100, vocs: 100}",
               extra: str = "") -> str:
    return (f"  - id: \"{ident}\"\n    name: {name}\n    industry: casting\n    grade: C\n"
            f"    contact: {{name: 王建国, phone: \"0356-2000101\"}}\n    emissions: {emissions}\n{extra}")


def _text():
    from haze.core import text

    return text


def codes(report) -> list[str]:
    return [f.code for f in report.findings]


# -- 17.2 / 17.10: one normal form for credit codes ------------------------------

@pytest.mark.parametrize("twin", [
    A.lower(),                                                     # lower case
    "".join(chr(ord(c) + 0xFEE0) for c in A),                      # full width (Ｆ…)
    A + "\u200b",                                                  # zero-width space at the end
    A[:9] + "\u200d" + A[9:],                                      # zero-width joiner inside
    "\ufeff" + A,                                                  # a BOM pasted from another file
])
def test_a_yaml_list_sees_one_enterprise_behind_each_spelling_of_a_code(twin: str) -> None:
    path = write(Path("list.yaml"), HEAD + enterprise(A, 示例 := "示例县东方铸造有限公司")
                 + enterprise(twin, 示例 + "二"))
    report = read_list(path)
    assert "E108" in codes(report), [f.format() for f in report.findings]
    assert report.enterprise_list is not None and report.enterprise_list.enterprises[1].id == A


def test_csv_and_yaml_agree_on_a_code_with_a_zero_width_space() -> None:
    header = "企业名称,统一社会信用代码,绩效等级,SO2,NOx,PM,VOCs\n"
    csv = write(Path("list.csv"), header + f"甲厂,{A},C,1,1,1,1\n乙厂,{A}\u200b,C,1,1,1,1\n")
    assert "E108" in codes(read_list(csv))


def test_a_valid_code_with_invisible_characters_is_warned_and_kept_clean() -> None:
    path = write(Path("list.yaml"), HEAD + enterprise(A + "\u200b", "示例县东方铸造有限公司"))
    report = read_list(path)
    assert report.blocking == []
    assert "W309" in codes(report)
    assert report.enterprise_list is not None and report.enterprise_list.enterprises[0].id == A


def test_activate_names_the_enterprise_instead_of_leaking_sql(run, tmp_path: Path) -> None:
    # Two codes that only differ by a zero-width space: refused at the list, naming the line (E108),
    # never "UNIQUE constraint failed: notices.issue_id, notices.enterprise_id" from the journal.
    path = write(Path("list.yaml"), HEAD + enterprise(A, "甲厂") + enterprise(A + "\u200b", "乙厂"))
    result = run("activate", "orange", "--list", path, "--journal", tmp_path / "j.db")
    assert result.exit_code == 2
    assert "UNIQUE" not in result.stderr and "constraint" not in result.stderr
    assert "E108" in result.stderr and "list.yaml:13:" in result.stderr


def test_the_journal_names_a_repeated_enterprise_in_plain_words(tmp_path: Path) -> None:
    from haze.core.errors import JournalError
    from haze.io.journal import Journal, NoticeRecord, create_journal

    create_journal(tmp_path / "j.db")
    with Journal(tmp_path / "j.db") as journal, pytest.raises(JournalError) as caught:
        with journal.transaction():
            journal.insert_notices([NoticeRecord("x", 1, "示环应急〔2026〕1号", A, "甲厂", "0001.md"),
                                    NoticeRecord("x", 2, "示环应急〔2026〕2号", A, "甲厂", "0002.md")])
    message = str(caught.value)
    assert A in message and "甲厂" in message and "nothing recorded" in message
    assert "constraint" not in message.lower()


@given(st.text(alphabet=st.sampled_from(list(creditcode.CHARSET) + ["\u200b", "\u200e", " ", "\ufeff"]),
               max_size=24))
def test_normalising_a_code_is_idempotent_and_leaves_only_visible_characters(raw: str) -> None:
    once = creditcode.normalize(raw)
    assert creditcode.normalize(once) == once
    assert not _text().unsafe(once) and " " not in once
    assert creditcode.normalize(raw.lower()) == once


# -- 17.22: an alias repeating an enterprise is reported where the alias is --------

def test_an_alias_repeating_an_enterprise_reports_e108_at_the_alias() -> None:
    doc = HEAD + "  - &plant\n    " + enterprise(A, "甲厂")[4:] + enterprise(B, "乙厂") + "  - *plant\n"
    path = write(Path("list.yaml"), doc)
    alias_line = doc.splitlines().index("  - *plant") + 1
    report = read_list(path)
    e108 = [f for f in report.findings if f.code == "E108"]
    assert [f.line for f in e108] == [alias_line]


# -- 17.9: numbers that mean one thing, or a finding ------------------------------

@pytest.mark.parametrize("cell", ["12,5", "1.234,5", "1_000", "1 000", "12,50", "1,2345"])
def test_csv_number_cells_in_locale_forms_are_located_findings(cell: str) -> None:
    header = "企业名称,统一社会信用代码,绩效等级,SO2,NOx,PM,VOCs\n"
    path = write(Path("list.csv"), header + f"甲厂,{A},C,\"{cell}\",1,1,1\n")
    report = read_list(path)
    bad = [f for f in report.findings if f.code == "E101"]
    assert len(bad) == 1 and bad[0].line == 2, [f.format() for f in report.findings]
    assert cell in bad[0].message


@pytest.mark.parametrize(("cell", "value"), [("1,200", 1200.0), ("12.5", 12.5), ("1,234,567.5", 1234567.5),
                                             ("１２.５", 12.5), ("1e3", 1000.0)])
def test_unambiguous_number_text_is_read(cell: str, value: float) -> None:
    header = "企业名称,统一社会信用代码,绩效等级,SO2,NOx,PM,VOCs\n"
    path = write(Path("list.csv"), header + f"甲厂,{A},C,\"{cell}\",1,1,1\n")
    report = read_list(path)
    assert report.blocking == []
    assert report.enterprise_list is not None and report.enterprise_list.enterprises[0].lines[0].emissions[Pollutant.SO2] == value


def test_yaml_number_text_follows_the_same_rule() -> None:
    path = write(Path("list.yaml"), HEAD + enterprise(A, "甲厂", emissions='{so2: "1_000", nox: "12,5"}'))
    found = [f for f in read_list(path).findings if f.code == "E101"]
    assert len(found) == 2


def test_a_dash_as_an_emission_means_none_in_yaml_as_in_csv() -> None:
    yaml_path = write(Path("list.yaml"), HEAD + enterprise(A, "甲厂", emissions='{so2: —, nox: 100}'))
    header = "企业名称,统一社会信用代码,绩效等级,SO2,NOx,PM,VOCs\n"
    csv_path = write(Path("list.csv"), header + f"甲厂,{A},C,—,100,,\n")
    for path in (yaml_path, csv_path):
        report = read_list(path)
        assert report.blocking == [], [f.format() for f in report.findings]
        assert report.enterprise_list is not None
        assert report.enterprise_list.enterprises[0].lines[0].emissions.get(Pollutant.SO2, 0.0) == 0.0


def test_a_cut_with_an_underscore_is_not_a_number() -> None:
    assert parse_cut("1_0%") is None and parse_cut("3_0") is None


# -- 17.22: "-0%" is 0 -------------------------------------------------------------

def test_minus_zero_percent_prints_zero_in_json(run) -> None:
    extra = "    measures: {yellow: {cut: \"-0%\"}}\n"
    path = write(Path("list.yaml"), HEAD + enterprise(A, "甲厂", extra=extra))
    result = run("check", "yellow", "--list", path, "--json")
    assert "-0.0" not in result.stdout
    data = json.loads(result.stdout)
    assert data["enterprises"][0]["lines"][0]["cut"] == 0.0


# -- 17.19: invisible characters and escape codes ---------------------------------

HOSTILE = "示例县\u200b东方\u200e铸造\u2028有限\u061c公司\x1b]0;pwned\x07\x1b[2J"


def test_invisible_characters_in_a_name_never_reach_json_or_the_terminal(run) -> None:
    path = write(Path("list.yaml"), HEAD + enterprise(A, f'"{HOSTILE}"'.replace("\x1b", "\\e")
                                                        .replace("\x07", "\\a").replace("\u2028", "\\L")))
    for args in (("check", "orange", "--list", path, "--json"), ("check", "orange", "--list", path)):
        result = run(*args)
        for bad in ("\u200b", "\u200e", "\u2028", "\u061c", "\x1b", "\x07"):
            assert bad not in result.stdout and bad not in result.stderr, (args, repr(bad))
    data = json.loads(run("check", "orange", "--list", path, "--json").stdout)
    assert data["enterprises"][0]["name"].startswith("示例县东方铸造 有限公司")


def test_invisible_characters_never_reach_a_notice(run, tmp_path: Path) -> None:
    name = HOSTILE.replace("\x1b", "\\e").replace("\x07", "\\a").replace("\u2028", "\\L")
    path = write(Path("list.yaml"), HEAD + enterprise(A, f'"{name}"'))
    result = run("activate", "orange", "--list", path, "--journal", tmp_path / "j.db", "--out", tmp_path / "out")
    assert result.exit_code == 0, result.stderr
    for notice in (tmp_path / "out").rglob("*.*"):
        body = notice.read_text(encoding="utf-8")
        for bad in ("\u200b", "\u200e", "\u2028", "\u061c", "\x1b", "\x07"):
            assert bad not in body, (notice.name, repr(bad))


def test_a_policy_name_with_escape_codes_is_cleaned(run, tmp_path: Path) -> None:
    from haze.core.policy import load_policy, shipped_policies

    assert shipped_policies()
    policy = tmp_path / "mine.yaml"
    source = (Path(load_policy.__code__.co_filename).parent / "policies" / "shanxi-2024.yaml").read_text("utf-8")
    policy.write_text(source.replace("name: shanxi-2024", 'name: "evil\\e]0;title\\a\\e[2J\\u200b"', 1),
                      encoding="utf-8")
    loaded = load_policy(str(policy))
    assert not _text().unsafe(loaded.name) and loaded.name.startswith("evil")


@given(st.text())
def test_clean_text_is_idempotent_and_safe(raw: str) -> None:
    cleaned = _text().clean(raw)
    assert not _text().unsafe(cleaned)
    assert _text().clean(cleaned) == cleaned
