"""A bureau's broken policy file (SPEC §3, §5, §7): every problem one line naming the file and its
true line, exit 2, nothing computed or written.

The QA cases start from the shipped shanxi-2024 renamed (``name: my-policy``) with one line
changed, as a bureau edits its own copy; lines are found in that text, so the tests follow
the shipped file when it changes.
"""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path

import pytest

from haze.core.errors import PolicyError
from haze.core.model import Level
from haze.core.policy import load_policy, parse_policy

from conftest import ROOT, write

SHIPPED = (resources.files("haze.core.policies") / "shanxi-2024.yaml").read_text(encoding="utf-8")
OWN = SHIPPED.replace("name: shanxi-2024", "name: my-policy", 1)

LIST = """\
list:
  region: 示例县
  authority: 示例县生态环境局
  doc_prefix: 示环应急
enterprises:
  - id: 91140525MA0KLJY16T
    name: 示例县铸造厂
    industry: casting
    grade: B-
    contact: {name: 张伟, phone: "0356-2000201"}
    emissions: {so2: 100, nox: 100, pm: 100, vocs: 100}
"""


def line_of(text: str, fragment: str) -> int:
    """The line (1-based) of the only line of ``text`` holding ``fragment`` (or, if several do, being it)."""
    found = [n for n, line in enumerate(text.splitlines(), 1) if fragment in line]
    if len(found) > 1:
        found = [n for n, line in enumerate(text.splitlines(), 1) if line.rstrip() == fragment]
    assert len(found) == 1, (fragment, found)
    return found[0]


def variant(old: str, new: str) -> str:
    assert OWN.count(old) == 1, old
    return OWN.replace(old, new)


def refused(run, tmp_path: Path, text: str, *args: str) -> list[str]:
    """``check orange --json`` with the policy ``text``: exit 2, nothing on stdout, nothing stored; stderr's lines."""
    policy = write(tmp_path / "pol.yaml", text)
    listfile = write(tmp_path / "bm.yaml", LIST)
    result = run("check", "orange", "--list", listfile, "--policy", policy, "--json", *args)
    assert result.exit_code == 2, result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert not [p for p in tmp_path.rglob("results") if any(p.iterdir())]  # no answer stored (results cache)
    return [line for line in result.stderr.splitlines() if not re.search(r": warning [EW]\d{3} ", line)]


def one_error(run, tmp_path: Path, text: str) -> str:
    lines = refused(run, tmp_path, text)
    assert len(lines) == 1, lines
    return lines[0]


def at(tmp_path: Path, line: int, code: str) -> str:
    return f"haze: error: {tmp_path / 'pol.yaml'}:{line}: error {code} "


# -- 1: a grade of the policy's own without measures ------------------------------------------------

def test_the_renamed_shipped_policy_cuts_b_minus_by_its_grade(run, tmp_path: Path) -> None:
    policy = write(tmp_path / "pol.yaml", OWN)
    result = run("check", "orange", "--list", write(tmp_path / "bm.yaml", LIST), "--policy", policy, "--json")
    assert result.exit_code in (0, 1), result.stderr
    assert json.loads(result.stdout)["enterprises"][0]["lines"][0] | {"name": ""} == \
        {"name": "", "cut": 0.2, "source": "grade"}


def test_a_grade_of_its_own_without_measures_is_refused(run, tmp_path: Path) -> None:
    """QA: deleting ``measures: *grade-B`` under B- gave cut 0, source null, exit 0."""
    text = variant("    measures: *grade-B\n", "")
    line = one_error(run, tmp_path, text)
    assert line == at(tmp_path, line_of(text, "  B-:"), "E100") + (
        "grade 'B-' has no measures: an enterprise of this grade would be cut 0 with no message; "
        "give it measures: {yellow: …, orange: …, red: …} ({cut: 0} for no cut)")


@pytest.mark.parametrize("grade", [
    "  X:\n    rank: 3\n    measures: {}\n",  # {} says no more than nothing
    "  X:\n    rank: 3\n    measures:\n",
    "  B:\n    aliases: [乙级]\n",  # a built-in grade in the mapping form has no measures of its own either
])
def test_a_grade_defined_with_empty_or_no_measures_is_refused(grade: str) -> None:
    text = "requirements: {orange: 0.3}\ngrades:\n  C: {orange: 0.5}\n" + grade
    with pytest.raises(PolicyError) as caught:
        parse_policy(text.encode("utf-8"), "city.yaml")
    assert str(caught.value).startswith("city.yaml:4: error E100 grade ")
    assert "has no measures" in str(caught.value) and "\n" not in str(caught.value)


def test_activate_with_such_a_policy_writes_and_records_nothing(run, journal: Path, tmp_path: Path) -> None:
    policy = write(tmp_path / "pol.yaml", variant("    measures: *grade-B\n", ""))
    before = journal.read_bytes()
    result = run("activate", "orange", "--list", write(tmp_path / "bm.yaml", LIST), "--policy", policy,
                 "--start", "2025-12-01T20:00", "--out", tmp_path / "out", "--json")
    assert result.exit_code == 2 and result.stdout == ""
    assert "error E100 grade 'B-' has no measures" in result.stderr
    assert not (tmp_path / "out").exists() and journal.read_bytes() == before


# -- 2: unknown keys and invalid values ----------------------------------------------------------------

@pytest.mark.parametrize(("old", "new", "message"), [
    ("zone_escalation: 1", "zone_escalaton: 2",
     "unknown key 'zone_escalaton' in the file (did you mean 'zone_escalation'?)"),
    ("  season: {start: \"11-15\", end: \"03-15\"}", "  seasons: {start: \"11-15\", end: \"03-15\"}",
     "unknown key 'seasons' in staggered (did you mean 'season'?)"),
    ("{start: \"11-15\", end: \"03-15\"}", "{start: \"11-15\", ends: \"03-15\"}",
     "unknown key 'ends' in staggered.season (did you mean 'end'?)"),
    ("  receipt_hours: 1", "  receipt_hour: 1",
     "unknown key 'receipt_hour' in duties (did you mean 'receipt_hours'?)"),
    ("  months: [5, 6, 7, 8, 9]", "  month: [5, 6, 7, 8, 9]",
     "unknown key 'month' in ozone (did you mean 'months'?)"),
    ("{zh: 化工, aliases:", "{zh: 化工, alias:",
     "unknown key 'alias' in ozone.industries.chemical (did you mean 'aliases'?)"),
    ("    - {above: 200, days: 1, text: 预测日AQI＞200}", "    - {above: 200, day: 1, text: 预测日AQI＞200}",
     "unknown key 'day' in triggers.yellow (did you mean 'days'?)"),
    ("  yellow:\n    - {above: 200, days: 1,", "  yelow:\n    - {above: 200, days: 1,",
     "unknown key 'yelow' in triggers (did you mean 'yellow'?)"),
    ("  actions: [未达到排放标准或未按期完成治理任务，全部停产整治]", "  action: [未达到排放标准或未按期完成治理任务，全部停产整治]",
     "unknown key 'action' in noncompliant (did you mean 'actions'?)"),
    ("names:\n  industries:", "names:\n  industry:", "unknown key 'industry' in names (did you mean 'industries'?)"),
    ("    rank: 3", "    ranks: 3", "unknown key 'ranks' in grade B- (did you mean 'rank'?)"),
    ("  guarantee:\n    max_load: true", "  guarantee:\n    max_loads: true",
     "unknown key 'max_loads' in category guarantee (did you mean 'max_load'?)"),
])
def test_an_unknown_key_at_any_level_is_refused_with_the_nearest_one(run, tmp_path: Path, old: str, new: str,
                                                                     message: str) -> None:
    text = variant(old, new)
    key = re.search(r"'([^']+)'", message).group(1)  # type: ignore[union-attr]
    line = line_of(text, f"{key}:")
    lines = refused(run, tmp_path, text)
    assert at(tmp_path, line, "E103") + message in lines
    # what the misspelt key leaves missing may be said too ('ranks': B- has no rank), on its own line
    assert len(lines) == 1 or (len(lines) == 2 and key in ("ends", "ranks")), lines


@pytest.mark.parametrize(("old", "new", "message"), [
    ("escalation: {A: B,", "escalation: {A: Q,", "unknown grade 'Q' in staggered.escalation (the policy's grades: A ("),
    ("cement:  {C: 121,", "cement:  {Z: 5, C: 121,",
     "unknown grade 'Z' in staggered.industries.cement (the policy's grades: A ("),
    ("cement:  {C: 121,", "cement:  {C: 400,",
     "staggered.industries.cement.C: 400 stop days, but the season (11-15 to 03-15) has at most 122 days; "
     "write \"season\" for the whole season"),
    ("    rank: 3", "    rank: -5",
     "rank of grade B- must be at least 1 (A and leading are 1, the best; D is 6), not -5"),
    ("escalation: {A: B,", "escalation: {A: B, D: C,",
     "staggered.escalation: D → C is not stricter (rank 6 → 4); a key-zone enterprise takes a stricter grade"),
])
def test_an_invalid_policy_value_is_refused_at_its_line(run, tmp_path: Path, old: str, new: str,
                                                        message: str) -> None:
    text = variant(old, new)
    line = one_error(run, tmp_path, text)
    assert line.startswith(at(tmp_path, line_of(text, new), "E104") + message), line


def test_stop_days_and_escalation_take_the_policys_grade_names() -> None:
    """``C级: 30`` meant C, yet was kept as written and never matched: C enterprises were silently exempt."""
    text = ("requirements: {orange: 0.3}\ngrades: {C: {orange: 0.5}}\n"
            "staggered:\n  industries: {cement: {C级: 30, D: season}}\n  escalation: {C级: D级}\n")
    section = parse_policy(text.encode("utf-8"), "city.yaml").staggered
    assert section.industries == {"cement": {"C": 30, "D": "season"}} and section.escalation == {"C": "D"}


def test_a_season_starting_on_29_february_is_refused_not_a_crash() -> None:
    text = ("requirements: {orange: 0.3}\ngrades: {C: {orange: 0.5}}\n"
            "staggered:\n  season: {start: \"02-29\", end: \"03-15\"}\n")
    with pytest.raises(PolicyError, match=r"^city\.yaml:4: error E104 staggered\.season cannot start on 02-29"):
        parse_policy(text.encode("utf-8"), "city.yaml")


# -- 3: the true line, one line per problem ----------------------------------------------------------

@pytest.mark.parametrize(("old", "new", "message"), [
    ("zone_escalation: 1", "zone_escalation: -1", "zone_escalation must be a whole number ≥ 0, not -1"),
    ("# unrated_as: lowest would give", "unrated_as: worst  # would give",
     "unrated_as must be 'lowest' or left out, not 'worst'"),
    ("    - {above: 200, days: 1,", "    - {above: high, days: 1,",
     "triggers.yellow: 'above' must be an AQI value ≥ 0, not 'high'"),
    ("  receipt_hours: 1", "  receipt_hours: -1",
     "duties: receipt_hours must be a number of hours above 0 (at most 720), not -1"),
    ("  months: [5, 6, 7, 8, 9]", "  months: [5, 13, 0]", "ozone.months must be a list of months 1–12, not [5, 13, 0]"),
    ("  window: [\"10:00\", \"16:00\"]", "  window: [\"16:00\", \"10:00\"]",
     "ozone.window must be [\"HH:MM\", \"HH:MM\"], start before end, not ['16:00', '10:00']"),
    ("start: \"11-15\"", "start: \"02-30\"", "staggered.season: '02-30' is not a day of the year"),
    ("  max_stopped_share: {}", "  max_stopped_share: {cement: 2}",
     "staggered.max_stopped_share.cement must be a share in (0, 1], not 2"),
    ("brick:   {C: 60,", "brick:   {C: -5,",
     "staggered.industries.brick.C: stop days must be a whole number ≥ 0 or \"season\", not -5"),
])
def test_a_policy_error_names_its_own_line(run, tmp_path: Path, old: str, new: str, message: str) -> None:
    text = variant(old, new)
    assert one_error(run, tmp_path, text) == at(tmp_path, line_of(text, new), "E104") + message


def test_several_problems_are_one_line_each_in_file_order(run, tmp_path: Path) -> None:
    """QA: five findings joined by ';' on one line. The one share for every pollutant is one problem."""
    text = variant("requirements: {yellow: 0.20, orange: 0.30, red: 0.40}",
                   "requirements: {yellow: '20%', orange: 0.30, red: 1.40}")
    text = text.replace("zone_escalation: 1", "zone_escalation: -1").replace("rank: 3", "rank: 0")
    requirements = line_of(text, "requirements:")
    assert refused(run, tmp_path, text) == [
        at(tmp_path, requirements, "E104") + "requirement '20%' at yellow must be a share from 0 to 1 "
                                             "(a share is a fraction: write 0.2 for 20%)",
        at(tmp_path, requirements, "E104") + "requirement 1.4 at red must be a share from 0 to 1",
        at(tmp_path, line_of(text, "zone_escalation:"), "E104") + "zone_escalation must be a whole number ≥ 0, not -1",
        at(tmp_path, line_of(text, "rank: 0"), "E104")
        + "rank of grade B- must be at least 1 (A and leading are 1, the best; D is 6), not 0",
    ]


def test_every_problem_is_reported_not_only_the_first_five() -> None:
    levels = "".join(f"  l{n}: 0.3\n" for n in range(7))
    text = "requirements:\n  orange: 0.3\n" + levels + "grades: {C: {orange: 0.5}}\n"
    with pytest.raises(PolicyError) as caught:
        parse_policy(text.encode("utf-8"), "city.yaml")
    lines = str(caught.value).splitlines()
    assert lines == [f"city.yaml:{3 + n}: error E104 unknown level 'l{n}' in requirements" for n in range(7)]


def test_a_duplicate_key_and_a_bad_value_are_both_reported() -> None:
    """The YAML reader's E109 no longer hides the reader's own findings (one run says everything)."""
    text = "requirements: {orange: 0.3}\ngrades: {C: {orange: 0.5}}\nzone_escalation: 1\nzone_escalation: -1\n"
    with pytest.raises(PolicyError) as caught:
        parse_policy(text.encode("utf-8"), "city.yaml")
    lines = str(caught.value).splitlines()
    assert len(lines) == 2 and lines[0].startswith("city.yaml:4: error E109 duplicate key 'zone_escalation'")
    assert lines[1] == "city.yaml:4: error E104 zone_escalation must be a whole number ≥ 0, not -1"


# -- the documented samples --------------------------------------------------------------------------

def _sample(doc: Path, after: str) -> str:
    text = doc.read_text(encoding="utf-8")
    start = text.index("```yaml\n", text.index(after)) + len("```yaml\n")
    return text[start:text.index("```", start)]


@pytest.mark.parametrize("doc, after", [
    (ROOT / "docs" / "computation.md", "## Writing your own policy"),
    (ROOT / "docs" / "zh" / "computation.md", "## 本局政策文件"),
])
def test_the_documented_sample_policy_reads(tmp_path: Path, doc: Path, after: str) -> None:
    policy = load_policy(str(write(tmp_path / "city.yaml", _sample(doc, after))))
    assert policy.uniform_requirement(Level.RED) == 0.40


@pytest.mark.parametrize("doc, after", [
    (ROOT / "docs" / "computation.md", "## Writing your own policy"),
    (ROOT / "docs" / "zh" / "computation.md", "## 本局政策文件"),
])
def test_the_sample_policy_knows_the_shipped_lists_industries_and_grades(run, tmp_path: Path, doc: Path,
                                                                         after: str) -> None:
    """QA: the Chinese sample named only coking, so validate gave 44 × W306 for the example county's list;
    it named only B and C, so its 9 D enterprises were cut 0 (source null) at every level."""
    policy = write(tmp_path / "city.yaml", _sample(doc, after))
    county = ROOT / "enterprise_lists" / "example-county-2025.yaml"
    result = run("validate", "--policy", policy, county, "--json")
    assert "W306" not in [f["code"] for f in json.loads(result.stdout)["files"][0]["findings"]]
    checked = json.loads(run("check", "orange", "--policy", policy, "--list", county, "--json").stdout)
    assert all(line["source"] is not None for e in checked["enterprises"] for line in e["lines"])
