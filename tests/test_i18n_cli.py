"""The command line in Chinese (SPEC §17): help, usage, click's own words, every command's output.

In zh nothing haze prints holds an English sentence (:mod:`i18n_util`); in en the output is
what it always was (the other test modules, which run in en: conftest sets HAZE_UI=en).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import click
import pytest

from conftest import COUNTY, write
from haze.cli import COMMANDS, cli
from haze.core import i18n
from i18n_util import english_runs

pytestmark = pytest.mark.usefixtures("journal")

ZH = ("--ui", "zh")
#: a finding's line as core/findings.py formats it in English: translating findings is core's (zhcore's) part
CORE_FINDING = re.compile(r"^\S+:\d+: (?:warning|error) [EW]\d{3} .*$", re.MULTILINE)


def chinese(text: str) -> list[str]:
    """The English runs left in ``text`` (an empty list: it is all Chinese)."""
    # CliRunner names the program "cli" where the haze script says "haze"
    return english_runs(CORE_FINDING.sub("", text.replace("：cli ", "：haze ")))


def test_the_predicate_catches_a_sentence_and_spares_codes() -> None:
    assert english_runs("Error: Missing option '--reason'.") != []
    assert english_runs("错误：缺少选项 '--reason'。") == []
    assert english_runs("用法：haze check [OPTIONS] LEVEL；可用 `haze plan orange` 测算；E102、SO₂ 52.76%") == []
    assert english_runs("达标：红色预警 requirement reached") == ["requirement reached"]


@pytest.mark.parametrize("name", ["", *COMMANDS])
def test_help_of_every_command_in_chinese(run, name: str) -> None:
    result = run(*ZH, *([name] if name else []), "--help")
    assert result.exit_code == 0
    assert "用法：" in result.stdout and "选项：" in result.stdout
    assert chinese(result.stdout) == []
    english = run(*([name] if name else []), "--help")
    assert "Usage: " in english.stdout and "Options:" in english.stdout and "Show this message and exit." \
        in english.stdout


def test_every_help_text_has_its_chinese() -> None:
    """A new option or command whose help is not in the catalog fails here, naming it."""
    import inspect

    ctx = click.Context(cli)
    texts = {"haze": cli.help, **{f"haze --{p.name}": p.help for p in cli.params}}
    for name in COMMANDS:
        command = cli.get_command(ctx, name)
        assert command is not None
        texts[f"haze {name}"] = command.help
        texts.update({f"haze {name} {p.opts[0]}": getattr(p, "help", None) for p in command.params})
    i18n.set_language("zh")
    try:
        missing = [where for where, text in texts.items() if text and i18n._(inspect.cleandoc(text))
                   == inspect.cleandoc(text)]
    finally:
        i18n.set_language("en")
    assert missing == []


def test_the_group_help_tells_ui_from_lang(run) -> None:
    english = " ".join(run("--help").stdout.split())
    assert "--ui zh|en" in english and "Not the notices' language: that is --lang" in english
    chinese_help = run(*ZH, "--help").stdout
    assert "界面语言" in chinese_help and "--lang" in chinese_help
    assert "告知书语言（不是界面语言" in run(*ZH, "activate", "--help").stdout


def test_chinese_help_stays_inside_80_columns(run) -> None:
    from haze.cli.i18n import cells

    for name in COMMANDS:
        for line in run(*ZH, name, "--help", env={"COLUMNS": "80"}).stdout.splitlines():
            assert cells(line) <= 80, (name, line)


def usage_errors(tmp_path: Path) -> list[tuple[list[str], str]]:
    a_file = write(tmp_path / "not-a-dir.txt", "x")
    return [
        (["void"], "缺少选项 '--reason'"),
        (["check"], "缺少参数 'LEVEL'"),
        (["activate", "orange", "--format", "x"], "'--format' 的取值无效：'x' 不在可选值"),
        (["check", "purple"], "无法识别的预警级别 'purple'"),
        (["check", "orange", "--bogus"], "没有选项 '--bogus'"),
        (["history", "--limit", "x"], "'--limit' 的取值无效：'x' 不是有效的数字"),
        (["history", "--limit", "0"], "应为 1 或更大的整数，不能是 0"),
        (["activate", "orange", "--templates", str(a_file)], "是文件，不是目录"),
        (["nosuch"], "没有命令 'nosuch'"),
    ]


def test_click_usage_errors_in_chinese(run, tmp_path: Path) -> None:
    for args, said in usage_errors(tmp_path):
        result = run(*ZH, *args)
        assert result.exit_code == 2, (args, result.output)
        assert said in result.stderr, (args, result.stderr)
        assert "用法：" in result.stderr and "查看帮助" in result.stderr and "错误：" in result.stderr
        assert chinese(result.stderr) == [], args
        english = run(*args)
        assert english.exit_code == 2 and "Usage: " in english.stderr and "Error: " in english.stderr


def both(run, *args: str, code: int | None = 0, core: tuple[str, ...] = ()) -> str:
    """Run ``haze ARGS`` in zh and in en: the same exit code, no English sentence in zh; the zh output.

    ``core``: English runs that come from core/ or commands/ (translated by zhcore), not from cli/.
    """
    zh = run(*ZH, *args)
    en = run(*args)
    assert zh.exit_code == en.exit_code, (args, zh.output, en.output)
    if code is not None:
        assert zh.exit_code == code, (args, zh.output)
    assert [r for r in chinese(zh.stdout + zh.stderr) if r not in core] == [], args
    return zh.stdout + zh.stderr


def test_list_commands_in_chinese(run, tmp_path: Path) -> None:
    assert "通过" in both(run, "validate", COUNTY)
    out = both(run, "check", "orange", "-l", COUNTY)
    assert "各企业减排量（橙色预警），吨/日" in out and "基准排放量" in out and "达标：橙色预警（orange，Ⅱ级响应）" in out
    assert "污染物" in both(run, "check", "red", "-l", COUNTY, "--summary")
    both(run, "plan", "red", "-l", COUNTY)
    assert "已写出" in both(run, "export", "orange", "-l", COUNTY, "-o", tmp_path / "r.xlsx")
    assert "已写出" in both(run, "export", "--as-list", "-l", COUNTY, "-o", tmp_path / "l.xlsx")
    run(*ZH, "import", tmp_path / "l.xlsx", "-o", tmp_path / "back-zh.yaml")
    assert "已写出" in run(*ZH, "import", tmp_path / "l.xlsx", "-o", tmp_path / "back.yaml", "--force").stdout
    shortfall = both(run, "export", "-l", COUNTY, "-o", tmp_path / "x.xlsx", code=2)
    assert "export 须给出 LEVEL" in shortfall


def test_the_warning_cycle_in_chinese(run, tmp_path: Path) -> None:
    out = run(*ZH, "activate", "orange", "-l", COUNTY, "--start", "2026-12-01T20:00", "--dry-run")
    assert out.exit_code == 0 and "试运行" in out.stdout and chinese(out.output) == []
    assert "当前无生效预警" in both(run, "status")
    assert "尚无预警记录" in both(run, "history")
    issued = run(*ZH, "activate", "orange", "-l", COUNTY, "--start", "2026-12-01T20:00")
    assert issued.exit_code == 0 and "已记入" in issued.stdout and chinese(issued.output) == []
    assert "生效中" in both(run, "status")
    assert "预警记录（按时间先后）" in both(run, "history")
    both(run, "overdue")
    first = json.loads(run("status", "--json").stdout)["active"]
    code = next(iter(json.loads(run("check", "orange", "-l", COUNTY, "--json").stdout)["enterprises"]))["id"]
    receipt = run(*ZH, "receipt", code)
    assert receipt.exit_code == 0 and "已登记" in receipt.stdout and chinese(receipt.output) == []
    assert "试运行" in both(run, "void", "--dry-run", "--reason", "测试")
    forecast = write(tmp_path / "f.csv", "date,aqi\n2026-12-02,230\n2026-12-03,240\n2026-12-04,235\n")
    advice = both(run, "advise", forecast)
    assert "连续" in advice  # the rule too (core/response.Rule.says)
    # Chinese punctuation around the list's and the policy's words, not ASCII parentheses and commas
    assert "2026-12-02（AQI 230）、2026-12-03（AQI 240）" in advice and "（环大气〔2024〕6号）" in advice
    lifted = run(*ZH, "lift")
    assert lifted.exit_code == 0 and "已解除" in lifted.stdout and chinese(lifted.output) == []
    assert first["id"] in lifted.stdout
    assert "已存在" in both(run, "init")


def test_season_commands_in_chinese(run, clock_at) -> None:
    clock_at("2025-07-10T09:00")  # before the episode and the season: neither is refused as past
    both(run, "ozone", "2026-07-15", "-l", COUNTY, "--dry-run")
    both(run, "stagger", "2025-2026", "-l", COUNTY, "--dry-run", code=None)


def test_verify_in_chinese(run, tmp_path: Path) -> None:
    """No warning to verify: the error line is the CLI's (haze：错误：); its message is the command's (core)."""
    result = run(*ZH, "verify", write(tmp_path / "p.csv", "id,time,kwh\n"))
    assert result.exit_code in (1, 2) and "haze：错误：" in result.stderr


# -- choosing the language ---------------------------------------------------------------------


def haze(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in ("LANG", "LC_ALL", "LC_MESSAGES", "LANGUAGE", "HAZE_UI")}
    return subprocess.run([sys.executable, "-c", "from haze.cli import main; main()", *args], cwd=cwd,
                          env={**clean, **env}, capture_output=True, text=True, encoding="utf-8", check=False)


def test_the_locale_and_ui_option_agree(isolated: Path) -> None:
    by_locale = haze("check", "orange", "-l", str(COUNTY), env={"LANG": "zh_CN.UTF-8"}, cwd=isolated)
    by_option = haze("--ui", "zh", "check", "orange", "-l", str(COUNTY), env={"LANG": "C"}, cwd=isolated)
    assert by_locale.returncode == by_option.returncode == 0
    assert by_locale.stdout == by_option.stdout and "各企业减排量" in by_locale.stdout
    english = haze("check", "orange", "-l", str(COUNTY), env={"LANG": "zh_CN.UTF-8", "HAZE_UI": "en"}, cwd=isolated)
    assert "reductions by enterprise" in english.stdout and "各企业减排量" not in english.stdout
    assert haze("--help", env={"LC_ALL": "zh_CN.UTF-8", "LANG": "C"}, cwd=isolated).stdout.startswith("用法：")
    assert haze("--help", env={"LC_ALL": "C", "LANG": "zh_CN.UTF-8"}, cwd=isolated).stdout.startswith("Usage:")


def test_haze_yaml_ui_applies_and_the_option_wins(run, isolated: Path) -> None:
    write(isolated / "haze.yaml", f"list: {COUNTY}\nui: zh\n")
    assert "各企业减排量" in run("check", "orange").stdout
    assert run("--help").stdout.startswith("用法：")
    assert "用法：" in run("void").stderr  # a usage error, before any command runs
    assert "reductions by enterprise" in run("--ui", "en", "check", "orange").stdout
    assert "各企业减排量" in run("check", "orange", env={"HAZE_UI": "en"}).stdout  # haze.yaml before HAZE_UI


def test_haze_ui_env(run) -> None:
    assert "各企业减排量" in run("check", "orange", "-l", COUNTY, env={"HAZE_UI": "zh"}).stdout


def without_messages(data: object) -> object:
    if isinstance(data, dict):
        return {k: without_messages(v) for k, v in data.items() if k != "message"}
    if isinstance(data, list):
        return [without_messages(v) for v in data]
    return data


@pytest.mark.parametrize("args", [("check", "orange"), ("validate",), ("plan", "red"), ("status",), ("history",)])
def test_json_is_the_same_in_both_languages(run, args: tuple[str, ...]) -> None:
    en = run(*args, "-l", COUNTY, "--json") if args[0] not in ("status", "history") else run(*args, "--json")
    zh = run(*ZH, *args, "-l", COUNTY, "--json") if args[0] not in ("status", "history") \
        else run(*ZH, *args, "--json")
    assert en.exit_code == zh.exit_code
    assert without_messages(json.loads(en.stdout)) == without_messages(json.loads(zh.stdout))


def test_a_commands_own_config_gives_its_ui(run, tmp_path: Path) -> None:
    config = write(tmp_path / "other.yaml", f"list: {COUNTY}\nui: zh\n")
    assert "各企业减排量" in run("check", "orange", "--config", config).stdout
    assert "reductions by enterprise" in run("--ui", "en", "check", "orange", "--config", config).stdout


def test_grades_and_source_kinds_are_words_in_the_chinese_table(run) -> None:
    # the list's keys (unrated, leading, dust) stay keys in English and in --json; in zh the table says them
    zh = run(*ZH, "check", "orange", "-l", COUNTY).stdout
    en = run("check", "orange", "-l", COUNTY).stdout
    assert re.search(r"示例县福兴铸造厂\s+未评级\s", zh) and re.search(r"示例县瑞丰焦化有限公司\s+引领性\s", zh)
    assert re.search(r"示例县通达特钢有限公司\s+非引领性\s", zh)
    assert "建筑工地扬尘（扬尘源）" in zh and "unrated" not in zh and "(dust)" not in zh
    assert re.search(r"示例县福兴铸造厂\s+unrated\s", en) and "建筑工地扬尘 (dust)" in en
    assert re.search(r"示例县福兴铸造厂\s+B\s", en) is None  # the grade is the list's, not a default
