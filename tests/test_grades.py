"""Grades and categories as the policy defines them (SPEC §19, issue 19 and issue 18 item 6).

Hand-worked examples through the CLI: B- as Shanxi bureaus write it, a bureau
policy with exemption ceilings and load limits, ``unrated_as: lowest``, the
plan's rank order, the findings for names the policy does not know, and the
notices' words. The independent reference computation is in
tests/test_grades_properties.py.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from conftest import text_of, write
from haze.commands.inputs import load_inputs
from haze.core.creditcode import check_character
from haze.core.engine import compute
from haze.core.model import Level
from haze.core.timeparse import SHANGHAI
from haze.render.notices import Issue, render_activation


def code(n: int) -> str:
    first = f"91140525MA0G{n:05d}"
    return first + check_character(first)


HEAD = """\
list:
  region: 示例县
  authority: 示例县生态环境局
  doc_prefix: 示环应急
enterprises:
"""


def enterprise(n: int, name: str, grade: str | None, *, extra: str = "", so2: float = 365) -> str:
    grade_line = f"    grade: {json.dumps(grade, ensure_ascii=False)}\n" if grade is not None else ""
    return (f"  - id: {code(n)}\n    name: {name}\n{grade_line}{extra}"
            f"    contact: {{name: 张伟, phone: \"0356-1234567\"}}\n    emissions: {{so2: {so2}}}\n")


def check_json(run, list_path: Path, level: str, *extra: str) -> dict:
    result = run("check", level, "--list", str(list_path), "--json", "--no-cache", *extra)
    assert result.exit_code in (0, 1), result.stderr
    return json.loads(result.stdout)


def by_name(data: dict) -> dict[str, dict]:
    return {e["name"]: e for e in data["enterprises"]}


# -- B- as Shanxi and Shandong lists write it ------------------------------------------------------

SHANXI_FORMS = ["B-", "B－", "B-级", "B（含B-）", "b-", "B级（含B-）", "B－级"]


def test_a_list_written_the_shanxi_way_loads_without_a_finding(run) -> None:
    """Issue 19's done-when: grade column "B（含B-）"/"B-" loads with no finding at all; --json says B-."""
    text = HEAD + "".join(enterprise(i, f"示例县第{i}铸造厂", form) for i, form in enumerate(SHANXI_FORMS)) \
        + enterprise(99, "示例县丁级砖厂", "D级", so2=365 * len(SHANXI_FORMS))  # so that every level is met
    path = write(Path("shanxi.yaml"), text)
    validated = run("validate", str(path), "--json", "--no-cache")
    assert validated.exit_code == 0
    assert json.loads(validated.stdout)["files"][0]["findings"] == []
    data = check_json(run, path, "orange")
    assert [e["grade"] for e in data["enterprises"]] == ["B-"] * len(SHANXI_FORMS) + ["D"]
    # B's measures by default: 20% at orange, from the grade table
    assert {(ln["cut"], ln["source"]) for e in data["enterprises"][:-1] for ln in e["lines"]} == {(0.2, "grade")}


def test_shanxi_b_minus_in_csv_and_xlsx(run) -> None:
    from openpyxl import Workbook

    header = ["企业名称", "统一社会信用代码", "绩效等级", "SO2", "联系人", "联系电话"]
    rows = [[f"示例县第{i}厂", code(40 + i), form, 100, "张伟", "0356-1234567"] for i, form in enumerate(SHANXI_FORMS)]
    csv_text = "\n".join(",".join(str(c) for c in row) for row in [header, *rows]) + "\n"
    Path("b.csv").write_bytes(csv_text.encode("gb18030"))  # Excel's Chinese CSV
    book = Workbook()
    sheet = book.active
    sheet.title = "企业"
    for row in [header, *rows]:
        sheet.append(row)
    book.save("b.xlsx")
    for name in ("b.csv", "b.xlsx"):
        data = check_json(run, Path(name), "red")
        assert [e["grade"] for e in data["enterprises"]] == ["B-"] * len(SHANXI_FORMS), name
        assert {ln["cut"] for e in data["enterprises"] for ln in e["lines"]} == {0.3}
        result = run("validate", name, "--json", "--no-cache")
        codes = {f["code"] for f in json.loads(result.stdout)["files"][0]["findings"]}
        assert not codes & {"E104", "E101", "E103"}, (name, codes)


@pytest.mark.parametrize("typed", ["B 级", "Ｂ", "b", "Ｂ级", " B类 ", "b　级"])
def test_spacing_and_width_never_block_a_grade(run, typed: str) -> None:
    """Issue 18.6: `B 级` blocked the whole list while `b` and `Ｂ` were accepted."""
    path = write(Path("typed.yaml"), HEAD + enterprise(1, "示例县甲厂", typed))
    data = check_json(run, path, "orange")
    assert data["enterprises"][0]["grade"] == "B"


@pytest.mark.parametrize(("typed", "suggestion"), [("B+", "B级"), ("BB级", "B级"), ("CC", "C级"), ("引领", "引领性"),
                                                  ("Ｄ级别", "D级"), ("C等级", "C级")])
def test_an_unknown_grade_lists_the_policys_names_and_suggests_the_nearest(run, typed: str, suggestion: str) -> None:
    path = write(Path("typo.yaml"), HEAD + enterprise(1, "示例县甲厂", typed))
    result = run("check", "orange", "--list", str(path), "--no-cache")
    assert result.exit_code == 2 and "Traceback" not in result.stderr
    line = next(ln for ln in result.stderr.splitlines() if "E104" in ln)
    assert line.startswith("typo.yaml:8: error E104 unknown grade")
    assert f"(did you mean {suggestion}?)" in line
    assert "B- (B-级, B－, 含B-, B（含B-）, B级（含B-）)" in line and "unrated (未评级" in line


def test_an_unknown_category_is_located_in_a_spreadsheet_and_suggested(run) -> None:
    text = ("企业名称,统一社会信用代码,绩效等级,类别,SO2\n"
            f"示例县甲厂,{code(1)},B,保障类型,10\n")
    Path("cat.csv").write_text(text, encoding="utf-8")
    result = run("validate", "cat.csv", "--no-cache")
    assert result.exit_code == 1
    line = next(ln for ln in result.output.splitlines() if "E104" in ln)
    assert line.startswith("cat.csv:2: error E104 [D 类别] unknown category '保障类型' (did you mean 保障类?)")
    assert "guarantee (保障类, 民生保障类" in line


@pytest.mark.parametrize(("cut", "hint"), [("30", "write 30% or 0.3"), ("'20'", "write 20% or 0.2"),
                                           ("45.5", "write 45.5% or 0.455")])
def test_a_percentage_written_without_its_sign_gets_a_hint(run, cut: str, hint: str) -> None:
    path = write(Path("pct.yaml"), HEAD + enterprise(1, "示例县甲厂", "B", extra=f"    measures: {{orange: {{cut: {cut}}}}}\n"))
    result = run("check", "orange", "--list", str(path), "--no-cache")
    assert result.exit_code == 2
    assert "pct.yaml:9: error E105 cut" in result.stderr and hint in result.stderr


def test_a_csv_cut_of_30_under_xianchan_bili_gets_the_hint(run) -> None:
    text = ("企业名称,统一社会信用代码,绩效等级,SO2,橙色预警限产比例\n"
            f"示例县甲厂,{code(1)},B,10,30\n")
    Path("cut.csv").write_text(text, encoding="utf-8")
    result = run("check", "orange", "--list", "cut.csv", "--no-cache")
    assert result.exit_code == 2
    assert "cut.csv:2: error E105 [E 橙色预警限产比例] cut" in result.stderr
    assert "write 30% or 0.3" in result.stderr


def test_a_cut_already_in_percent_gets_no_percent_hint(run) -> None:
    path = write(Path("p.yaml"), HEAD + enterprise(1, "示例县甲厂", "B", extra='    measures: {orange: {cut: "150%"}}\n'))
    result = run("check", "orange", "--list", str(path), "--no-cache")
    assert result.exit_code == 2 and "outside 0–1" in result.stderr and "write" not in result.stderr


# -- the plan follows the rank -------------------------------------------------------------------

def test_the_plan_raises_b_minus_before_b(run) -> None:
    """Half the SO₂ from B, half from B-; A-grade rest. At orange both cut 20% of their share → 20% of 100%
    of listed... the list reaches 2 × 0.5 × 0.2 = 20% < 30%: B- alone at t reaches
    0.5 × (0.2 + 0.8 t) + 0.5 × 0.2 ≥ 0.3 ⇔ t ≥ 0.25, so B- is raised 25% and B not at all."""
    text = HEAD + enterprise(1, "示例县乙级厂", "B", so2=365) + enterprise(2, "示例县乙减厂", "B（含B-）", so2=365)
    path = write(Path("plan.yaml"), text)
    result = run("plan", "orange", "--list", str(path), "--json", "--no-cache")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert [(t["grades"], t["t"]) for t in data["tiers"]] == [(["B-"], 0.25)]
    assert [c["grade"] for t in data["tiers"] for c in t["changes"]] == ["B-"]
    assert data["after"]["so2"]["ratio"] == pytest.approx(0.3)


# -- a bureau's own categories, ceilings and load limits -------------------------------------------

BUREAU = """\
name: 示例市-2026
requirements: {yellow: 0.2, orange: 0.3, red: 0.4}
grades:
  B: {yellow: {cut: 0.1}, orange: {cut: 0.2}, red: {cut: 0.3}}
  C: {yellow: {cut: 0.3}, orange: {cut: 0.5}, red: {stop: true}}
  B-:
    zh: B-级
    aliases: [B－, 含B-, B（含B-）]
    rank: 3
    measures: {yellow: {cut: 0.15}, orange: {cut: 0.25}, red: {cut: 0.4}}
  unrated: {yellow: 0.2, orange: 0.3, red: 0.5}
industries:
  coking:
    C: {yellow: 0.4, orange: stop, red: stop}
    D: {yellow: stop, orange: stop, red: stop}
categories:
  guarantee:
    max_load: true
    measures: {yellow: {cut: 0, actions: [以热定产]}, orange: {cut: 0}, red: {cut: 0}}
  strategic:
    zh: 战略性新兴产业
    aliases: [战略性新兴]
    exempt_up_to: red
  green:
    zh: 绿色环保引领
    aliases: [绿色环保引领企业, 绿色引领]
    exempt_up_to: orange
    measures: {yellow: {cut: 0, actions: [自主减排]}}
unrated_as: lowest
names:
  industries: {coking: 焦化, casting: 铸造}
"""


def bureau_list() -> Path:
    text = HEAD + "".join([
        enterprise(1, "甲绿色厂", "C", extra="    category: 绿色环保引领企业\n"),
        enterprise(2, "乙战略厂", "C", extra="    category: 战略性新兴\n"),
        enterprise(3, "丙供热厂", "B", extra="    category: 保障类\n    max_load: 0.7\n"),
        enterprise(4, "丁绿色重点厂", "B－", extra="    category: green\n    zone: key\n"),
        enterprise(5, "戊焦化厂", None, extra="    industry: 焦化\n"),
        enterprise(6, "己铸造厂", "未评级", extra="    industry: casting\n"),
        enterprise(7, "庚乙减厂", "B（含B-）"),
        enterprise(8, "辛供热厂", "B", extra="    category: guarantee\n    max_load: \"85%\"\n    "
                                            "capacity: {permit: 200, unit: 吨/日}\n"),
    ])
    return write(Path("bureau.yaml"), text)


# (cut, source) per enterprise at yellow, orange, red — worked by hand from SPEC §19:
EXPECTED = {
    "甲绿色厂": [(0.0, "category"), (0.0, "category"), (1.0, "grade")],       # exempt ≤ orange, C stops at red
    "乙战略厂": [(0.0, "category")] * 3,                                       # exempt at every level
    "丙供热厂": [(0.3, "category")] * 3,                                       # load limit 0.7 → cut 0.3
    "丁绿色重点厂": [(0.0, "category"), (0.4, "grade"), (0.4, "grade")],       # key zone: one up; above orange → B- red
    "戊焦化厂": [(1.0, "industry")] * 3,                                       # unrated_as lowest: coking's D
    "己铸造厂": [(0.2, "grade"), (0.3, "grade"), (0.5, "grade")],              # no industry table: unrated's own
    "庚乙减厂": [(0.15, "grade"), (0.25, "grade"), (0.4, "grade")],            # B- measures
    "辛供热厂": [(0.15, "category")] * 3,
}


def test_categories_with_ceilings_and_load_limits_as_worked_by_hand(run, tmp_path: Path) -> None:
    policy = write(tmp_path / "bureau-policy.yaml", BUREAU)
    path = bureau_list()
    levels = [check_json(run, path, level, "--policy", str(policy)) for level in ("yellow", "orange", "red")]
    for name, expected in EXPECTED.items():
        got = [tuple(by_name(data)[name]["lines"][0][k] for k in ("cut", "source")) for data in levels]
        assert [(pytest.approx(c), s) for c, s in got] == expected, name
    red = by_name(levels[2])
    assert (red["戊焦化厂"]["grade"], red["庚乙减厂"]["grade"], red["丁绿色重点厂"]["grade"]) == ("unrated", "B-", "B-")
    assert red["辛供热厂"]["cap"]["cap"] == pytest.approx(170.0)  # permit 200 × load limit 85%
    # SO₂ 365 t/a each → 1 t/d each; red: 1 + 0 + 0.3 + 0.4 + 1 + 0.5 + 0.4 + 0.15 = 3.75 of 8
    assert levels[2]["pollutants"]["so2"]["ratio"] == pytest.approx(3.75 / 8)


def test_max_load_outside_0_1_is_e112_and_on_a_normal_enterprise_e113(run) -> None:
    text = HEAD + enterprise(1, "示例县甲厂", "B", extra="    category: 保障类\n    max_load: 80\n") \
        + enterprise(2, "示例县乙厂", "B", extra="    max_load: 0.5\n")
    path = write(Path("load.yaml"), text)
    result = run("validate", str(path), "--no-cache")
    lines = result.output.splitlines()
    assert any(ln.startswith("load.yaml:10: error E112 max_load 80 is outside 0–1: write 80% or 0.8") for ln in lines)
    assert any(ln.startswith("load.yaml:16: error E113 max_load is set but category normal") for ln in lines)
    refused = run("check", "orange", "--list", str(path), "--no-cache")
    assert refused.exit_code == 2 and "E112" in refused.stderr  # the computation is undefined
    # E113 alone does not stop an emergency: the limit is ignored and B's 20% applies
    ok = write(Path("load2.yaml"), HEAD + enterprise(2, "示例县乙厂", "B", extra="    max_load: 0.5\n"))
    checked = run("check", "orange", "--list", str(ok), "--json", "--no-cache")
    assert checked.exit_code in (0, 1) and "E113" in checked.stderr
    assert json.loads(checked.stdout)["enterprises"][0]["lines"][0] == {"name": "示例县乙厂", "cut": 0.2, "source": "grade"}


def test_max_load_column_in_a_spreadsheet(run) -> None:
    text = ("企业名称,统一社会信用代码,绩效等级,类别,最大允许生产负荷,SO2\n"
            f"示例县甲厂,{code(1)},B,保障类,60%,365\n"
            f"示例县乙厂,{code(2)},B,保障类,1.5,365\n")
    Path("load.csv").write_text(text, encoding="utf-8")
    result = run("validate", "load.csv", "--no-cache")
    assert any(ln.startswith("load.csv:3: error E112 [E 最大允许生产负荷] max_load") for ln in result.output.splitlines())
    Path("ok.csv").write_text(text.rsplit("示例县乙厂", 1)[0], encoding="utf-8")
    data = check_json(run, Path("ok.csv"), "orange")
    assert data["enterprises"][0]["lines"][0]["cut"] == pytest.approx(0.4)
    assert data["enterprises"][0]["lines"][0]["source"] == "category"


def test_import_keeps_max_load_and_the_grade_as_written(run) -> None:
    text = ("企业名称,统一社会信用代码,绩效等级,类别,最大允许生产负荷,SO2\n"
            f"示例县甲厂,{code(1)},B（含B-）,保障类,0.6,365\n")
    Path("in.csv").write_text(text, encoding="utf-8")
    result = run("import", "in.csv", "-o", "out.yaml", "--authority", "示例县生态环境局")
    assert result.exit_code == 0, result.stderr
    written = Path("out.yaml").read_text(encoding="utf-8")
    assert "grade: B（含B-）" in written and "category: 保障类" in written and "max_load: 0.6" in written
    assert check_json(run, Path("out.yaml"), "red")["enterprises"][0]["grade"] == "B-"


# -- notices state the load limit or the ceiling, and why -------------------------------------------

def notices(tmp_path: Path, policy: Path, level: Level) -> dict[str, str]:
    inputs = load_inputs(bureau_list(), str(policy), cache=False)
    result = compute(inputs.enterprise_list, inputs.policy, level)
    eight = datetime(2026, 12, 1, 20, 0, tzinfo=SHANGHAI)
    issue = Issue(id=f"20261201-200000-{level.value}", kind="activation", level=level, start=eight, until=None,
                  issued=eight, first_number=1, user="duty")
    folder = render_activation(result, inputs.enterprise_list, issue, tmp_path / f"out-{level.value}", fmt="txt").directory
    texts = {}
    for e in inputs.enterprise_list.enterprises:
        (match,) = [p for p in Path(folder).iterdir() if e.id in p.name]
        texts[e.name] = match.read_text(encoding="utf-8")
    return texts


def test_notices_state_the_load_limit_the_ceiling_and_the_lowest_grade(tmp_path: Path) -> None:
    policy = write(tmp_path / "bureau-policy.yaml", BUREAU)
    orange, red = notices(tmp_path, policy, Level.ORANGE), notices(tmp_path, policy, Level.RED)
    assert "核定最大允许生产负荷为70%" in orange["丙供热厂"] and "限产30%" in orange["丙供热厂"]
    assert "核定最大允许生产负荷为85%" in red["辛供热厂"] and "170" in red["辛供热厂"]
    assert "绿色环保引领企业，橙色及以下预警豁免减排" in orange["甲绿色厂"]
    assert "豁免减排仅适用于橙色及以下预警；本次执行红色预警" in red["甲绿色厂"] and "停产" in red["甲绿色厂"]
    assert "战略性新兴产业企业，红色及以下预警豁免减排" in red["乙战略厂"]
    assert "按本行业最低绩效等级（D级）措施执行" in red["戊焦化厂"]
    assert "B-级" in red["庚乙减厂"]


@pytest.mark.parametrize("dash", ["—", "——", "/", "无", "-"])
def test_a_dash_emission_means_none_in_yaml_as_in_csv(run, dash: str) -> None:
    """Issue 18.6: `—` as an emission is no emission in a CSV cell; YAML refused it (E101)."""
    path = write(Path("dash.yaml"), HEAD + enterprise(1, "示例县甲厂", "B").replace(
        "emissions: {so2: 365}", f"emissions: {{so2: 365, pm: \"{dash}\"}}"))
    Path("dash.csv").write_text(f"企业名称,统一社会信用代码,绩效等级,SO2,PM\n示例县甲厂,{code(1)},B,365,{dash}\n",
                                encoding="utf-8")
    for name in (path, Path("dash.csv")):
        data = check_json(run, name, "orange")
        assert data["pollutants"]["pm"]["baseline"] == 0.0 and data["pollutants"]["so2"]["baseline"] == 1.0


def test_import_checks_grades_against_the_policy_given(run, tmp_path: Path) -> None:
    policy = write(tmp_path / "e-policy.yaml", "requirements: {orange: 0.3}\n"
                   "grades:\n  E:\n    zh: E级\n    rank: 7\n    measures: {orange: stop}\n")
    Path("e.csv").write_text(f"企业名称,统一社会信用代码,绩效等级,SO2\n示例县甲厂,{code(1)},E级,10\n", encoding="utf-8")
    refused = run("import", "e.csv", "-o", "e.yaml", "--authority", "示例县生态环境局")
    assert refused.exit_code == 2 and "unknown grade 'E级'" in refused.stderr and not Path("e.yaml").exists()
    done = run("import", "e.csv", "-o", "e.yaml", "--authority", "示例县生态环境局", "--policy", str(policy))
    assert done.exit_code == 0, done.stderr
    data = check_json(run, Path("e.yaml"), "orange", "--policy", str(policy))
    assert data["enterprises"][0]["grade"] == "E" and data["enterprises"][0]["lines"][0]["cut"] == 1.0
    plan = json.loads(run("plan", "orange", "--list", "e.yaml", "--policy", str(policy), "--json").stdout)
    assert plan["ok"]  # stopped already: nothing to raise


@pytest.mark.parametrize(("text", "message"), [
    ("grades: {E: {measures: {orange: 0.5}}}", "grade 'E' is not built in: give it a rank"),
    ("grades: {E: {orange: 0.5}}", "unknown grade 'E': not built in"),
    ("grades: {E: {rank: 7, aliases: [B级]}}", "grade name 'B级' names both B and E"),
    ("grades: {B: {rank: high}}", "rank of grade B must be a number"),
    ("categories: {green: {exempt_up_to: purple}}", "exempt_up_to of category green must be yellow, orange, red"),
    ("categories: {green: {exempt_up_to: orange, max_load: maybe}}", "max_load must be yes or no"),
    ("categories: {green: {exempt_up_to: orange, ceiling: red}}", "unknown key 'ceiling' in category green"),
    ("unrated_as: highest", "unrated_as must be 'lowest' or left out"),
    ("industries: {cement: {E: {orange: 0.5}}}", "unknown grade 'E' in cement (the policy's grades: A ("),
])
def test_a_broken_grade_or_category_in_a_policy_is_one_clear_error(text: str, message: str) -> None:
    from haze.core.errors import PolicyError
    from haze.core.policy import parse_policy

    with pytest.raises(PolicyError) as caught:
        parse_policy(f"requirements: {{orange: 0.3}}\n{text}\n".encode("utf-8"), "city.yaml")
    assert message in str(caught.value) and str(caught.value).startswith("city.yaml")


def test_a_policy_written_before_b_minus_still_reads_its_lists(run, tmp_path: Path) -> None:
    """The older grade -> level -> measure form: built-in grades all exist, B- is unknown to it."""
    old = write(tmp_path / "old.yaml", "requirements: {orange: 0.3}\ngrades:\n  B级: {orange: 0.25}\n"
                "categories:\n  保障类: {orange: {cut: 0, actions: [以热定产]}}\n")
    path = write(Path("old-list.yaml"), HEAD + enterprise(1, "示例县甲厂", "b 级")
                 + enterprise(2, "示例县乙厂", "引领性") + enterprise(3, "示例县丙厂", "C", extra="    category: 保障类\n"))
    data = check_json(run, path, "orange", "--policy", str(old))
    assert [(e["grade"], e["lines"][0]["cut"], e["lines"][0]["source"]) for e in data["enterprises"]] == [
        ("B", 0.25, "grade"), ("leading", 0.0, None), ("C", 0.0, "category")]
    b_minus = write(Path("b-minus.yaml"), HEAD + enterprise(1, "示例县甲厂", "B-"))
    refused = run("check", "orange", "--list", str(b_minus), "--policy", str(old), "--no-cache")
    assert refused.exit_code == 2 and "unknown grade 'B-'" in refused.stderr


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("fmt", ["md", "html", "txt", "docx", "pdf"])
def test_category_notices_render_in_every_shipped_template(tmp_path: Path, lang: str, fmt: str) -> None:
    policy = write(tmp_path / "bureau-policy.yaml", BUREAU)
    inputs = load_inputs(bureau_list(), str(policy), cache=False)
    eight = datetime(2026, 12, 1, 20, 0, tzinfo=SHANGHAI)
    for level in (Level.YELLOW, Level.RED):
        result = compute(inputs.enterprise_list, inputs.policy, level)
        issue = Issue(id=f"20261201-200000-{level.value}", kind="activation", level=level, start=eight, until=None,
                      issued=eight, first_number=1, user="duty")
        done = render_activation(result, inputs.enterprise_list, issue, tmp_path / f"{lang}-{fmt}", lang=lang, fmt=fmt)
        text = "".join(text_of(p) for p in Path(done.directory).iterdir() if p.suffix == f".{fmt}")
        limit = "核定最大允许生产负荷为70%" if lang == "zh" else "approved maximum production load is 70%"
        assert limit in text
        if level is Level.RED:
            assert ("豁免减排仅适用于橙色及以下预警" if lang == "zh" else "exempt only up to the orange level") in text


@pytest.mark.parametrize("command", [["check", "orange"], ["plan", "orange"], ["export", "orange", "-o", "x.xlsx"],
                                     ["activate", "orange", "--dry-run"]])
def test_a_refused_list_names_its_unknown_grades_with_its_other_errors(run, command: list[str]) -> None:
    """QA: check said only line 12's E100; validate also said line 16's E104, so the clerk was refused twice."""
    no_emissions = f"  - id: {code(1)}\n    name: 示例县甲厂\n    grade: B\n    contact: {{name: 张伟, phone: \"1\"}}\n"
    path = write(Path("two.yaml"), HEAD + no_emissions + enterprise(2, "示例县乙厂", "E级"))
    result = run(*command, "--list", str(path), "--no-cache")
    assert result.exit_code == 2 and not Path("x.xlsx").exists()
    codes = [ln.split(" error ")[1].split()[0] for ln in result.stderr.splitlines() if " error E" in ln]
    assert codes == ["E100", "E104"], result.stderr
    assert result.stderr.strip().endswith("the list cannot be computed (2 errors)")
