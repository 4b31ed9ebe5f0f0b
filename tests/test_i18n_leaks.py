"""English words a Chinese run still printed (issue 11 audit), each fixed at its source and held here.

The shared predicate (:mod:`i18n_util`) looks for runs of two or more English words, so a single
word inside a Chinese sentence slipped through it: ``低于政策对 unrated 级企业要求的 stop``,
``加严 unrated/nonleading 100%``, a ``yes``/``NO`` verdict, ``month must be in 1..12``. Each test
asserts the Chinese a clerk now reads and that the English run still says what it said.
"""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

import pytest

from conftest import COUNTY, EXAMPLES, write
from haze.core import i18n
from haze.core.i18n import os_reason
from test_findings_lists import CONTACT, HEAD, A, B, C

pytestmark = pytest.mark.usefixtures("journal")

ZH = ("--ui", "zh")
SMALL = EXAMPLES / "small-fails-orange.yaml"
CITY = (EXAMPLES / "city" / "county-1.yaml", EXAMPLES / "city" / "county-2.yaml")

#: W301 with a stop as the policy's floor and an unrated grade, W302 for a leading enterprise, E110 below a stop
GRADES = HEAD + f"""\
  - id: {A}
    name: 示例县甲厂
    grade: C
{CONTACT}\
    emissions: {{so2: 10}}
    measures:
      red: {{cut: 0.5}}
  - id: {B}
    name: 示例县乙厂
    grade: unrated
{CONTACT}\
    emissions: {{so2: 10}}
    measures:
      yellow: {{cut: 0.01}}
  - id: {C}
    name: 示例县丙厂
    grade: leading
{CONTACT}\
    emissions: {{so2: 10}}
    measures:
      yellow: {{stop: true}}
      orange: {{cut: 0.5}}
"""


def out(result) -> str:  # type: ignore[no-untyped-def]
    return result.stdout + result.stderr


def test_findings_name_grades_and_stops_in_chinese(run) -> None:
    path = write(Path("清单.yaml"), GRADES)  # relative: the test's own name is in tmp_path
    zh = out(run(*ZH, "validate", path))
    assert "示例县甲厂 的红色预警减排比例 50% 低于政策对C级企业要求的 停产" in zh
    assert "示例县乙厂 的黄色预警减排比例 1% 低于政策对未评级企业要求的 20%" in zh
    assert "引领性企业 示例县丙厂 填有橙色预警强制减排比例 50%" in zh
    assert "橙色预警减排比例 50% 低于黄色预警的 停产" in zh
    said = "\n".join(line.split(": ", 1)[-1] for line in zh.splitlines())  # the messages, not the path
    for word in ("stop", "unrated", "leading", "grade"):
        assert word not in said, word
    en = out(run("validate", path))
    assert "red cut 50% for 示例县甲厂 is weaker than the policy's stop for grade C" in en
    assert "is weaker than the policy's 20% for grade unrated" in en
    assert "leading-grade enterprise 示例县丙厂 has a mandatory orange cut of 50%" in en
    assert "orange cut 50% is weaker than yellow cut stop" in en


def test_the_requirement_finding_names_the_level_as_the_tables_do(run) -> None:
    zh = out(run(*ZH, "validate", SMALL))
    assert ("错误 E201 橙色预警（orange，Ⅱ级响应）未达到减排要求：PM 28.00% < 30.00%、VOCs 29.00% < 30.00%；"
            "可运行 `haze plan orange`") in zh
    assert "(橙色预警, " not in zh
    en = out(run("validate", SMALL))
    assert ("error E201 orange (橙色预警, Ⅱ级响应) requirement not met: PM 28.00% < 30.00%, VOCs 29.00% < 30.00%; "
            "run `haze plan orange`") in en


def test_the_plan_names_its_tiers_in_chinese(run) -> None:
    zh = run(*ZH, "plan", "orange", "-l", SMALL)
    assert zh.exit_code == 0
    assert "方案：加严 未评级/非引领性 100%，C 40%" in zh.stdout and "（制约项：PM）" in zh.stdout
    assert "unrated" not in zh.stdout and "nonleading" not in zh.stdout
    assert "is met by raising unrated/nonleading 100%, C" in run("plan", "orange", "-l", SMALL).stdout


def test_the_shortfall_verdict_has_a_chinese_colon(run) -> None:
    zh = run(*ZH, "check", "red", "-l", SMALL, "--summary")
    assert zh.exit_code == 1
    assert "红色预警（red，Ⅰ级响应）：PM 37.00% < 40.00%，缺口 0.0822 吨/日" in zh.stdout
    assert "red (红色预警, Ⅰ级响应): PM 37.00% < 40.00%, short 0.0822 t/d" in run("check", "red", "-l", SMALL).stdout


def test_the_city_total_speaks_chinese(run) -> None:
    zh = run(*ZH, "validate", *CITY).stdout
    total = zh[zh.index("全市合计分级达标情况"):]
    heading = total.splitlines()[1].split()
    assert heading == ["污染物", "黄色", "橙色", "红色"]
    assert total.splitlines()[8].split() == ["达标", "未达标", "未达标", "达标"]
    assert " yes" not in total and " NO" not in total
    en = run("validate", *CITY).stdout
    city = en[en.index("city total by level"):]
    assert city.splitlines()[1].split() == ["pollutant", "yellow", "orange", "red"]
    assert city.splitlines()[8].split() == ["met", "NO", "NO", "yes"]


@pytest.mark.parametrize(("args", "chinese", "english"), [
    (("ozone", "2025-13-45"), "'2025-13-45' 不是有效时间：月份应为 1–12", "month must be in 1..12"),
    (("ozone", "2025-02-30"), "'2025-02-30' 不是有效时间：该月没有这一天", "day is out of range for month"),
    (("check", "orange", "--at", "2025年2月30日8时"), "不是有效时间：该月没有这一天", "day is out of range for month"),
    (("activate", "orange", "--start", "明天中午"), "或 now（北京时间）", "明天8时 or now (Beijing time)"),
    (("stagger", "abc"), "季节 'abc' 无法识别：请写成 2025-2026（2025 年开始的秋冬季）",
     "season 'abc': give it as 2025-2026 (the season starting in 2025)"),
    (("stagger", "2025-2027"), "季节 '2025-2027' 有误：后一年应紧接前一年", "the second year must follow the first"),
])
def test_time_and_season_errors_in_chinese(run, args: tuple[str, ...], chinese: str, english: str) -> None:
    zh = run(*ZH, *args, "-l", COUNTY)
    assert zh.exit_code == 2 and chinese in zh.stderr, zh.stderr
    assert "must be" not in zh.stderr and "out of range" not in zh.stderr and "Beijing" not in zh.stderr
    en = run(*args, "-l", COUNTY)
    assert en.exit_code == 2 and english in en.stderr, en.stderr


def test_the_season_plan_names_industries_and_pollutants_in_chinese(run, clock_at) -> None:
    clock_at("2025-07-10T09:00")  # before the season: a season already over is refused
    zh = run(*ZH, "stagger", "2025-2026", "-l", COUNTY, "--dry-run")
    assert zh.exit_code == 0
    assert "  焦化：单日最多停产 2 家（上限 2）" in zh.stdout and "  水泥：单日最多停产" in zh.stdout
    assert "日减排量，平均 / 最少（吨/日）：\n  SO₂ 1.3100 / 1.1732\n  NOx 3.5113 / 3.3783\n" in zh.stdout
    assert "coking" not in zh.stdout and "so2" not in zh.stdout
    en = run("stagger", "2025-2026", "-l", COUNTY, "--dry-run").stdout
    assert "  coking: peak 2 stopped on one day (bound 2)" in en and "\n  so2 1.3100 / 1.1732\n  nox 3.5113 / 3.3783\n" in en


def test_the_systems_words_are_translated(run, tmp_path: Path) -> None:
    i18n.set_language("zh")
    assert os_reason(OSError(errno.EACCES, "Permission denied")) == "没有权限"
    assert os_reason(OSError(errno.ENOENT, "No such file or directory")) == "文件或目录不存在"
    assert os_reason(OSError(errno.EPROTO, "Protocol error")) == "系统错误 EPROTO"
    assert os_reason(sqlite3.DatabaseError("file is not a database")) == "文件不是数据库"
    i18n.set_language("en")
    assert os_reason(OSError(errno.EACCES, "Permission denied")) == "Permission denied"
    assert os_reason(sqlite3.DatabaseError("file is not a database")) == "file is not a database"
    bad = write(tmp_path / "bad.db", "garbage\n")
    zh = run(*ZH, "status", "--journal", bad)
    assert zh.exit_code == 2 and "不是 haze 台账（文件不是数据库）" in zh.stderr
    assert "not a haze journal (file is not a database)" in run("status", "--journal", bad).stderr
    blocker = write(tmp_path / "a-file", "")
    zh = run(*ZH, "activate", "orange", "-l", COUNTY, "--out", blocker / "sub")
    assert zh.exit_code == 2 and "不是目录" in zh.stderr and "Not a directory" not in zh.stderr, zh.stderr


@pytest.mark.parametrize(("template", "chinese", "english"), [
    ("{{ nmae }}", "未定义：没有变量 'nmae'", "undefined: 'nmae' is undefined"),
    ("{{ enterprise.nmae }}", "未定义：没有字段 'nmae'", "undefined: no field 'nmae'"),
    ("{% for x in y %}", "模板在 'for' 块闭合之前就结束了：缺少 'endfor' 或 'else'", "Unexpected end of template"),
    ("{% endfo %}", "模板语法错误：未知标签 'endfo'", "Encountered unknown tag 'endfo'."),
    ("{{ (1 }}", "此处应为 ')'，实际为 '}'", "unexpected '}', expected ')'"),
    ("{{ x | nosuch }}", "没有名为 'nosuch' 的过滤器", "No filter named 'nosuch'."),
    ('{{ "".__class__ }}', "模板沙箱拒绝执行：不允许使用 'str' 对象的属性 '__class__'",
     "access to attribute '__class__' of 'str' object is unsafe."),
])
def test_template_errors_in_chinese(run, tmp_path: Path, template: str, chinese: str, english: str) -> None:
    write(tmp_path / "本局模板" / "notice.zh.md.j2", template + "\n")
    args = ("activate", "orange", "-l", COUNTY, "--templates", tmp_path / "本局模板", "--dry-run")
    zh = run(*ZH, *args)
    assert zh.exit_code == 2 and chinese in zh.stderr, zh.stderr
    en = run(*args)
    assert en.exit_code == 2 and english in en.stderr, en.stderr


def test_an_unknown_policy_lists_the_shipped_ones_in_chinese(run) -> None:
    zh = run(*ZH, "check", "orange", "-l", COUNTY, "--policy", "nosuch")
    assert zh.exit_code == 2 and "national-2019、shanxi-2024" in zh.stderr
    assert "national-2019, shanxi-2024" in run("check", "orange", "-l", COUNTY, "--policy", "nosuch").stderr


def test_receipts_and_verify_bracket_in_chinese(run, tmp_path: Path) -> None:
    assert run("activate", "orange", "-l", COUNTY, "--start", "2026-12-01T20:00").exit_code == 0
    zh = run(*ZH, "receipt", "911405251765819881")
    assert zh.exit_code == 0 and "示例县宏晟焦化有限公司（911405251765819881）" in zh.stdout
    power = write(tmp_path / "power.csv", "id,time,kwh\n911405251765819881,2026-11-28,1000\n")
    zh = run(*ZH, "verify", power)
    assert "预警期间无数据（1 家）：示例县宏晟焦化有限公司\n" in zh.stdout, zh.stdout
    assert "no day inside the warning (1): 示例县宏晟焦化有限公司\n" in run("verify", power).stdout


def test_the_version_line_in_chinese(run) -> None:
    # click looks its own message up at import, before the language is chosen; haze looks it up when shown
    assert run(*ZH, "--version").stdout.startswith("haze，版本 ")
    assert run("--version").stdout.startswith("haze, version ")


def test_a_missing_argument_ends_in_a_chinese_full_stop(run) -> None:
    assert "错误：缺少参数 'LEVEL'。" in run(*ZH, "check").stderr
    assert "错误：缺少选项 '--reason'。" in run(*ZH, "void").stderr
    assert "Error: Missing argument 'LEVEL'." in run("check").stderr


def test_the_groups_own_file_option_names_a_file_in_chinese(run, tmp_path: Path) -> None:
    # click names the type when it is made: the group's --config is made at import, before the language
    zh = run(*ZH, "--config", tmp_path, "status")
    assert zh.exit_code == 2 and f"文件 '{tmp_path}' 是目录" in zh.stderr and "File" not in zh.stderr
    assert f"File '{tmp_path}' is a directory." in run("--config", tmp_path, "status").stderr


def test_a_yaml_parsers_context_and_problem_read_as_one_chinese_sentence(run, tmp_path: Path) -> None:
    # the two phrases were joined with an English space: 解析花括号或方括号内容时 缺少应有的内容
    broken = write(tmp_path / "broken.yaml", "enterprises: [\n")
    zh = run(*ZH, "check", "orange", "-l", broken, "--no-cache")
    assert zh.exit_code == 2 and "E002 YAML 语法错误：解析花括号或方括号内容时缺少应有的内容" in zh.stderr
    en = run("check", "orange", "-l", broken, "--no-cache")
    assert "while parsing a flow node did not find expected node content" in en.stderr


def test_an_unknown_grade_is_named_and_its_choices_listed_in_chinese(run, tmp_path: Path) -> None:
    # E104 said 未知的 grade 'Bj' and listed the choices as A (A级, A类), B (…) with ASCII brackets
    listed = write(tmp_path / "grade.yaml", GRADES.replace("grade: C\n", "grade: Bj\n", 1))
    zh = run(*ZH, "validate", "-l", listed)
    assert "E104 未知的绩效等级 'Bj'（是否应为 B级？）；政策 shanxi-2024 中可用：A（A级、A类）；" in zh.stdout + zh.stderr
    assert "unrated（未评级、未分级、未定级、无）；" in zh.stdout + zh.stderr
    en = run("validate", "-l", listed)
    assert "E104 unknown grade 'Bj' (did you mean B级?); policy shanxi-2024 knows A (A级, A类), " in en.stdout + en.stderr


def test_an_ozone_episodes_state_in_history_is_chinese(run, clock_at, tmp_path: Path) -> None:
    """An ozone episode's state (issued) showed in English in `haze --ui zh history` (QA helper-51)."""
    clock_at("2025-07-10T09:00")
    journal = tmp_path / "journal.db"
    assert run("ozone", "2025-07-15", "-l", COUNTY, "--journal", journal, "--out", tmp_path / "n").exit_code == 0
    shown = run(*ZH, "history", "--journal", journal)
    assert shown.exit_code == 0 and "已下发" in shown.stdout and "issued" not in shown.stdout


def test_the_usage_lines_words_are_chinese(run) -> None:
    """click's [OPTIONS] and COMMAND [ARGS]... were English in a zh usage line (SPEC §17, QA helper-49);
    an argument's name (LEVEL) stays, as the help's sentences use it."""
    missing = run(*ZH, "check")
    assert missing.exit_code == 2 and " check [选项] LEVEL" in missing.stderr  # CliRunner names it cli
    assert "[OPTIONS]" not in missing.stderr
    assert " [选项] 命令 [参数]..." in run(*ZH, "--help").stdout.splitlines()[0]
    assert " check [OPTIONS] LEVEL" in run("--ui", "en", "check").stderr
