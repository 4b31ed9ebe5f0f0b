"""Issue 18 (the duty officer's night): help texts, the authority refusal, terminal details, notice wording."""

from __future__ import annotations

import click
import pytest

from haze.cli import COMMANDS, cli


def _helps() -> dict[str, str]:
    ctx = click.Context(cli, info_name="haze")
    texts = {"haze": cli.get_help(ctx)}
    for name in COMMANDS:
        command = cli.get_command(ctx, name)
        assert command is not None
        texts[name] = command.get_help(click.Context(command, info_name=name, parent=ctx))
    return texts


@pytest.mark.parametrize("name", ["haze", *COMMANDS])
def test_help_points_to_docs_users_have_never_to_the_spec(name: str) -> None:
    # Users have docs/*.md, not the contract between the code and its authors.
    text = _helps()[name]
    assert "SPEC" not in text
    assert "§" not in text


def test_import_help_names_the_list_format_doc(run) -> None:
    result = run("import", "--help")
    assert result.exit_code == 0
    assert "docs/list-format.md" in result.output


def test_no_message_mentions_the_spec() -> None:
    """Every string haze can print (not docstrings or comments) keeps the SPEC out of users' sight."""
    import ast
    from pathlib import Path

    import haze

    found = []
    for path in Path(haze.__file__).parent.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                      if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                      and node.body and isinstance(node.body[0], ast.Expr)
                      and isinstance(node.body[0].value, ast.Constant)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings \
                    and "SPEC" in node.value and "CREATE TABLE" not in node.value:
                found.append(f"{path.name}:{node.lineno}")
    assert found == []


# -- 18.3: a list without an authority is refused before any number is used ---------------------

import json  # noqa: E402
import sqlite3  # noqa: E402
from pathlib import Path  # noqa: E402

from conftest import write  # noqa: E402

CSV = ("企业名称,统一社会信用代码,绩效等级,SO2,NOx,PM,VOCs,联系人,联系电话\n"
       "示例县甲铸造有限公司,91140525MA0KT0001C,C,10,20,5,1,张三,0356-2000001\n")
FACTS = ("--authority", "示例县生态环境局", "--region", "示例县", "--doc-prefix", "示环应急")


def _counters(journal: Path) -> list[tuple]:
    with sqlite3.connect(journal) as db:
        return sorted(db.execute("SELECT prefix, year, last FROM counters").fetchall())


def _notice(out: Path) -> str:
    (folder,) = [p for p in out.iterdir() if not p.name.startswith(".")]
    (notice,) = folder.glob("0001-*.md")
    return notice.read_text(encoding="utf-8")


def test_activate_refuses_a_list_without_an_authority_before_any_number_is_used(run) -> None:
    csv = write(Path("清单.csv"), CSV)
    first = run("activate", "orange", "--list", csv, *FACTS, "--journal", "j.db", "--out", "n")
    assert first.exit_code == 0, first.stderr
    assert run("lift", "--journal", "j.db", "--out", "n").exit_code == 0
    before = _counters(Path("j.db"))
    notices = sorted(p.name for p in Path("n").iterdir())

    for extra in ([], ["--dry-run"], ["--json"]):
        result = run("activate", "orange", "--list", csv, "--journal", "j.db", "--out", "n", *extra)
        assert result.exit_code == 2
        errors = [line for line in result.stderr.splitlines() if line.startswith("haze: error")]
        assert len(errors) == 1
        # One line that says how to supply it, in each of the three ways.
        assert "--authority" in errors[0] and "清单信息" in errors[0] and "list.authority" in errors[0]
        assert "nothing written" in errors[0]
        assert result.stdout == ""
    assert _counters(Path("j.db")) == before  # no number used
    assert sorted(p.name for p in Path("n").iterdir()) == notices


def test_a_refused_first_activation_creates_no_journal_and_no_notices(run) -> None:
    csv = write(Path("清单.csv"), CSV)
    result = run("activate", "orange", "--list", csv, "--journal", "new.db")
    assert result.exit_code == 2
    assert sorted(p.name for p in Path.cwd().iterdir()) == ["清单.csv"]


def test_authority_region_and_prefix_from_the_command_line_sign_the_notice(run) -> None:
    csv = write(Path("清单.csv"), CSV)
    result = run("activate", "orange", "--list", csv, *FACTS, "--journal", "j.db", "--out", "n", "--json")
    assert result.exit_code == 0, result.stderr
    assert "W311" not in result.stderr  # it said the notices would be unsigned: no longer true
    text = _notice(Path("n"))
    assert text.startswith("# 示例县生态环境局\n")
    assert "（发布单位未填写）" not in text
    year = json.loads(result.stdout)["activation"][:4]
    assert f"示环应急〔{year}〕1号" in text
    assert "示例县自" in text and "清单自" not in text
    # Recorded with the activation, so the lift notices are signed and numbered alike.
    assert run("lift", "--journal", "j.db", "--out", "n").exit_code == 0
    lifted = [p for p in Path("n").iterdir() if p.name.endswith("-lift")]
    (lift_notice,) = lifted[0].glob("0001-*.md")
    lift_text = lift_notice.read_text(encoding="utf-8")
    assert "示例县生态环境局" in lift_text and f"示环应急〔{year}〕2号" in lift_text


def test_haze_yaml_supplies_the_facts_to_activate_but_not_to_import(run) -> None:
    csv = write(Path("清单.csv"), CSV)
    write(Path("haze.yaml"), "authority: 示例县生态环境局\nregion: 示例县\ndoc_prefix: 示环应急\n")
    result = run("activate", "orange", "--list", csv, "--journal", "j.db", "--out", "n")
    assert result.exit_code == 0, result.stderr
    assert _notice(Path("n")).startswith("# 示例县生态环境局\n")
    # import's --authority replaces a 清单信息 sheet's: haze.yaml's is not given to it (import still asks).
    imported = run("import", csv, "-o", "list.yaml")
    assert imported.exit_code == 2
    assert not Path("list.yaml").exists()


def test_a_given_authority_replacing_the_lists_own_is_said(run) -> None:
    from conftest import COUNTY

    result = run("activate", "orange", "--list", COUNTY, "--authority", "另一县生态环境局", "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert "--authority 另一县生态环境局 replaces the list's authority" in result.stderr


def test_activate_warns_when_the_notice_numbers_have_no_prefix(run) -> None:
    csv = write(Path("清单.csv"), CSV)
    result = run("activate", "orange", "--list", csv, "--authority", "示例县生态环境局", "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert "no doc_prefix (文号前缀)" in result.stderr and "--doc-prefix" in result.stderr


def test_validate_warns_w320_on_a_list_without_doc_prefix(run) -> None:
    from conftest import COUNTY

    csv = write(Path("清单.csv"), CSV)
    result = run("validate", csv, "--json")
    codes = [f["code"] for f in json.loads(result.stdout)["files"][0]["findings"]]
    assert "W320" in codes
    # The county list has a doc_prefix: no W320.
    county = json.loads(run("validate", COUNTY, "--json").stdout)["files"][0]["findings"]
    assert "W320" not in [f["code"] for f in county]


# -- 18.10: notice wording -----------------------------------------------------------------------------

WORDING = """\
list:
  region: 示例县
  authority: 示例县生态环境局
  doc_prefix: 示环应急
  baseline: {so2: 100, nox: 100, pm: 100, vocs: 100}
enterprises:
  - id: 91140525MA0KT0001C
    name: 示例县停产铸造有限公司
    grade: D
    contact: {name: 张三, phone: "0356-2000001"}
    capacity: {eia: 120, permit: 110, actual: 100, unit: 万吨/年}
    emissions: {so2: 30, nox: 30, pm: 30, vocs: 30}
  - id: 91140525MA0KT0002A
    name: 示例县保障热电有限公司
    grade: B
    category: guarantee
    contact: {name: 李四, phone: "0356-2000002"}
    capacity: {eia: 640, permit: 640, actual: 640, unit: 蒸吨/小时}
    emissions: {so2: 10, nox: 10, pm: 10, vocs: 10}
  - id: 91140525MA0KT00038
    name: 示例县自律化工有限公司
    grade: A
    contact: {name: 王五, phone: "0356-2000003"}
    capacity: {eia: 50, permit: 50, actual: 50, unit: 万吨/年}
    emissions: {so2: 5, nox: 5, pm: 5, vocs: 5}
    measures:
      orange: {actions: [自主采取减排措施，加强无组织排放管控]}
other_sources:
  - name: 建筑工地扬尘
    kind: dust
    emissions: {pm: 900}
    measures: {orange: {cut: 0.5}}
  - name: 机动车
    kind: mobile
    emissions: {nox: 900}
    measures: {orange: {cut: 0.4}}
  - name: 散煤燃烧
    kind: residential
    emissions: {so2: 900}
    measures: {orange: {cut: 0.4}}
"""


def _issued(run, lang: str, fmt: str) -> dict[str, str]:
    """Activate orange on WORDING; the notices by credit code, and the index."""
    lst = write(Path("wording.yaml"), WORDING)
    out = Path(f"n-{lang}-{fmt}")
    result = run("activate", "orange", "--list", lst, "--journal", f"j-{lang}-{fmt}.db", "--out", out,
                 "--lang", lang, "--format", fmt)
    assert result.exit_code in (0, 1) and "Traceback" not in result.stderr, result.stderr
    (folder,) = [p for p in out.iterdir() if not p.name.startswith(".")]
    texts = {p.name.split("-", 1)[1].split(".")[0]: p.read_text(encoding="utf-8") for p in folder.glob(f"0*.{fmt}")}
    texts["index"] = (folder / f"index.{fmt}").read_text(encoding="utf-8")
    return texts


STOPPED, GUARANTEE, SELF = "91140525MA0KT0001C", "91140525MA0KT0002A", "91140525MA0KT00038"


@pytest.mark.parametrize("fmt", ["md", "html", "txt"])
def test_a_stopped_plant_is_told_it_stops_not_capped_at_zero(run, fmt: str) -> None:
    zh = _issued(run, "zh", fmt)[STOPPED]
    assert "全厂停产" in zh
    assert "限产比例100%" not in zh and "不得超过0" not in zh
    en = _issued(run, "en", fmt)[STOPPED]
    assert "The whole plant stops" in en
    assert "must not exceed 0" not in en


@pytest.mark.parametrize("fmt", ["md", "html", "txt"])
def test_a_guarantee_plant_gets_no_cap_of_its_full_capacity_and_a_reason_that_agrees(run, fmt: str) -> None:
    zh = _issued(run, "zh", fmt)[GUARANTEE]
    assert "640蒸吨/小时" not in zh  # a "cap" equal to the full capacity is no cap
    assert "生产负荷" not in zh
    assert "按你单位绩效等级" not in zh  # the grade's cut does not apply to it
    assert "以热定产、以量定产，不执行绩效分级限产措施" in zh
    en = _issued(run, "en", fmt)[GUARANTEE]
    assert "must not exceed" not in en and "measures of performance grade" not in en
    assert "the production cuts of its grade do not apply" in en


def test_a_guarantee_plant_with_a_cut_of_its_own_is_told_which_lines_follow_it(run) -> None:
    text = WORDING.replace("    category: guarantee\n", "    category: guarantee\n    measures: {orange: {cut: 0.2}}\n")
    write(Path("wording.yaml"), text)
    lst = Path("wording.yaml")
    result = run("activate", "orange", "--list", lst, "--journal", "j.db", "--out", "n")
    assert result.exit_code in (0, 1), result.stderr
    (notice,) = Path("n").glob(f"*/0*-{GUARANTEE}.md")
    body = notice.read_text(encoding="utf-8")
    assert "限产20%" in body and "不执行绩效分级限产措施" not in body
    assert "生产线按下表所列措施执行" in body
    assert "应急期间产量不得超过512蒸吨/小时" in body  # 640 × (1 − 20%): a real cap is still stated


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_self_managed_plant_gets_each_action_once(run, lang: str) -> None:
    body = _issued(run, lang, "md")[SELF]
    import re

    # The grade's 自主采取减排措施 is said in full by the list's longer action: one action, not two.
    actions = re.findall(r"^\d+\. (.*)$", body, re.MULTILINE)
    assert [a for a in actions if "自主采取减排措施" in a] == ["自主采取减排措施，加强无组织排放管控"]
    assert "自主采取减排措施，加强无组织排放管控" in body
    assert "生产负荷" not in body and "Production cap" not in body  # it cuts nothing: no cap


def test_distinct_actions_keeps_order_and_drops_only_what_another_says() -> None:
    from haze.render.notices import distinct_actions

    assert distinct_actions(["自主采取减排措施", "自主采取减排措施，加强无组织排放管控"]) == [
        "自主采取减排措施，加强无组织排放管控"]
    assert distinct_actions(["停止运输", "停止运输。", "加强洒水"]) == ["停止运输", "加强洒水"]
    assert distinct_actions(["以热定产，保障供暖", "以热定产、以量定产"]) == ["以热定产，保障供暖", "以热定产、以量定产"]
    assert distinct_actions(["", "  "]) == []


@pytest.mark.parametrize("fmt", ["md", "html", "txt"])
def test_the_chinese_index_names_other_sources_kinds_in_chinese(run, fmt: str) -> None:
    index = _issued(run, "zh", fmt)["index"]
    for zh in ("扬尘源", "移动源", "民用源"):
        assert zh in index
    for en in ("dust", "mobile", "residential"):
        assert en not in index
    english = _issued(run, "en", fmt)["index"]
    assert "dust" in english and "扬尘源" not in english


def test_an_unknown_kind_stays_as_the_list_wrote_it() -> None:
    from haze.core.labels import kind_label

    assert kind_label("扬尘") == "扬尘"
    assert kind_label("Dust ") == "扬尘源"
    assert kind_label("dust", "en") == "dust"


# -- 18.9: terminal details ----------------------------------------------------------------------------

SHORT = """\
list:
  region: 示例县
  authority: 示例县生态环境局
  doc_prefix: 示环应急
  baseline: {so2: 36500, nox: 36500, pm: 36500, vocs: 36500}
enterprises:
  - id: 91140525MA0KT0001C
    name: 示例县甲铸造有限公司
    grade: C
    contact: {name: 张三, phone: "0356-2000001"}
    emissions: {so2: 36500, nox: 36500, pm: 20440, vocs: 36500}
"""


def test_the_not_met_panel_says_reached_required_and_short(run) -> None:
    # Orange, C grade: cut 50%. PM 20440 t/a = 56 t/d, cut 28 t/d of a 100 t/d baseline: 28.00% < 30.00%,
    # short 30 − 28 = 2 t/d. The other pollutants cut 50 of 100 t/d: met.
    lst = write(Path("short.yaml"), SHORT)
    result = run("activate", "orange", "--list", lst, "--journal", "j.db", "--out", "n")
    assert result.exit_code == 0, result.stderr
    panel = " ".join(result.stderr.split())
    assert "PM 颗粒物: reached 28.00%, required 30.00%, short 2.0000 t/d" in panel
    assert "of the required" not in panel
    assert "SO₂" not in panel


def test_an_unwritable_out_is_named_absolutely_with_the_way_out(run) -> None:
    from conftest import COUNTY

    write(Path("taken"), "a file, not a directory\n")
    result = run("activate", "orange", "--list", COUNTY, "--out", "taken/notices", "--journal", "j.db")
    assert result.exit_code == 2
    (line,) = [ln for ln in result.stderr.splitlines() if ln.startswith("haze: error")]
    assert f"cannot write notices to {Path.cwd() / 'taken' / 'notices'}/" in line
    assert "--out DIR" in line


def test_a_bad_value_in_haze_yaml_names_the_file_and_the_key(run) -> None:
    from conftest import COUNTY

    config = write(Path("haze.yaml"), f"list: {COUNTY}\nformat: doc\n")  # docx is a format; doc is not
    result = run("activate", "orange", "--dry-run")
    assert result.exit_code == 2
    # the options file in use is named first (issue 17 item 3), then the one error line
    disclosed, line = result.stderr.strip().splitlines()
    assert disclosed == f"haze: options from {config.resolve()}"
    assert line.startswith(f"haze: error: {config.resolve()}: format: ")
    assert "Invalid value for '--format'" not in line  # an option nobody typed
    # A command without --format is not stopped by it.
    assert run("check", "orange", "--summary").exit_code == 0
    # The same through --config.
    config.unlink()
    other = write(Path("other.yaml"), "lang: fr\n")
    result = run("activate", "orange", "--list", COUNTY, "--config", other, "--dry-run")
    assert result.exit_code == 2
    assert "other.yaml: lang: " in result.stderr and "Invalid value" not in result.stderr


@pytest.mark.parametrize("command", ["validate", "check"])
def test_ctrl_c_in_a_command_that_never_records_says_so_once(run, monkeypatch, command: str) -> None:
    from conftest import COUNTY

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    # Interrupted while reading the list, where a big list spends its seconds.
    monkeypatch.setattr("haze.commands.inputs.read", interrupted)
    monkeypatch.setattr("haze.commands.validate.read", interrupted)
    args = ["validate", COUNTY] if command == "validate" else ["check", "orange", "--list", COUNTY]
    result = run(*args)
    assert result.exit_code == 130
    assert result.stderr.splitlines() == [f"haze: interrupted ({command} writes nothing)"]


def test_ctrl_c_in_activate_still_points_to_status(run, monkeypatch) -> None:
    from conftest import COUNTY

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("haze.commands.inputs.read", interrupted)
    result = run("activate", "orange", "--list", COUNTY, "--journal", "j.db")
    assert result.exit_code == 130
    assert result.stderr.splitlines() == ["haze: interrupted; `haze status` shows whether a warning was recorded"]


BAD_AND_WARNED = """\
list:
  region: 示例县
  authority: 示例县生态环境局
  doc_prefix: 示环应急
enterprises:
  - id: 91140525MA0KT0001D
    name: 甲
    grade: C
    emissions: {so2: 10}
"""


@pytest.mark.parametrize("command", ["validate", "check"])
def test_findings_are_coloured_by_severity_on_a_terminal_only(run, monkeypatch, command: str) -> None:
    lst = write(Path("list.yaml"), BAD_AND_WARNED)  # E102 (bad check character) and W304 (no contact)
    args = ["validate", lst] if command == "validate" else ["check", "orange", "--list", lst, "--summary"]
    monkeypatch.delenv("NO_COLOR", raising=False)
    plain = run(*args)  # a pipe: no escape codes
    assert "\x1b[" not in plain.stdout + plain.stderr
    # check reports a non-blocking error as a warning (a typo must never stop an emergency)
    e102 = "error E102" if command == "validate" else "warning E102"
    assert e102 in plain.output and "warning W304" in plain.output
    coloured = run(*args, env={"FORCE_COLOR": "1"})  # as on a terminal
    out = coloured.stdout if command == "validate" else coloured.stderr
    assert ("\x1b[31m\x1b[1merror E102\x1b[0m" if command == "validate" else "\x1b[33mwarning E102\x1b[0m") in out
    assert "\x1b[33mwarning W304\x1b[0m" in out
    no_colour = run(*args, env={"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert "\x1b[31m" not in no_colour.stdout + no_colour.stderr


def test_history_never_cuts_a_cell_at_any_width_from_80_to_160(run) -> None:
    from conftest import COUNTY

    common = ["--list", COUNTY, "--journal", "j.db", "--out", "n"]
    assert run("activate", "orange", *common, "--start", "2025-12-01T20:00", "--until", "2025-12-03T20:00").exit_code == 0
    assert run("activate", "red", *common, "--start", "2025-12-02T08:00").exit_code == 0
    assert run("lift", "--journal", "j.db", "--out", "n", "--at", "2025-12-02T20:00").exit_code == 0
    ids = [e["id"] for e in json.loads(run("history", "--journal", "j.db", "--json").stdout)["events"]]
    assert len(ids) == 3
    for width in (80, 100, 110, 119, 120, 125, 134, 160):
        result = run("history", "--journal", "j.db", env={"COLUMNS": str(width)})
        assert result.exit_code == 0
        assert "…" not in result.stdout, (width, result.stdout)
        assert all(i in result.stdout for i in ids), width
        assert max(len(line.rstrip()) for line in result.stdout.splitlines()[:-1]) <= width
    wide = run("history", "--journal", "j.db", env={"COLUMNS": "160"}).stdout
    assert "2025-12-03 20:00" in wide and "recorded" in wide  # the wide layout when it fits


def test_plan_folds_names_at_80_columns_never_cuts_them(run) -> None:
    from conftest import EXAMPLES
    from haze.io.lists import read_list

    result = run("plan", "orange", "--list", EXAMPLES / "small-fails-orange.yaml", env={"COLUMNS": "80"})
    assert result.exit_code == 0
    assert "…" not in result.stdout
    # The "lines raised" table is laid out as check's: plain rules, and each name whole on its row.
    assert "┃" not in result.stdout and "│" not in result.stdout
    listed = {e.name for e in read_list(EXAMPLES / "small-fails-orange.yaml").enterprise_list.enterprises}
    raised = result.stdout.split("lines raised", 1)[1].split("orange (", 1)[0]
    names = {name for name in listed if any(name in line for line in raised.splitlines())}
    assert names == {"示例县中兴化工有限公司", "示例县南山焦化有限公司"}


def test_activate_tells_each_phase_as_it_starts(tmp_path: Path) -> None:
    from conftest import COUNTY
    from haze.commands.activate import Settings as ActivateOptions
    from haze.commands.activate import run as activate
    from haze.core.model import Level

    seen: list[str] = []
    counts: list[tuple[int, int]] = []
    opts = ActivateOptions(level=Level.ORANGE, list_path=COUNTY, journal=tmp_path / "j.db", out=tmp_path / "n",
                           new_journal=True)  # a new journal is made only on purpose (SPEC §10)
    activate(opts, phase=seen.append, progress=lambda done, total: counts.append((done, total)))
    assert seen == ["reading the list", "computing", "rendering notices", "writing"]
    assert counts and counts[-1][0] == counts[-1][1]  # the count reaches the last notice
    again: list[str] = []
    opts.level = Level.RED  # an adjustment on the journal that now exists
    activate(opts, phase=again.append)
    assert again == ["reading the list", "computing", "rendering notices", "writing"]
    dry: list[str] = []
    activate(ActivateOptions(level=Level.ORANGE, list_path=COUNTY, journal=tmp_path / "j.db", out=tmp_path / "n",
                             dry_run=True), phase=dry.append)
    assert dry == ["reading the list", "computing", "rendering notices"]


def _recorded_phases(monkeypatch) -> list:
    from haze.cli import progress

    made: list = []
    original = progress.Phases.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        made.append(self)

    monkeypatch.setattr(progress.Phases, "__init__", init)
    monkeypatch.setattr(progress, "on_terminal", lambda: True)
    return made


@pytest.mark.parametrize("args, expected", [
    (["check", "orange"], ["reading the list", "computing"]),
    (["validate"], ["reading the list", "reading {list}"]),
    (["activate", "orange", "--dry-run"], ["reading the list", "computing", "rendering notices"]),
])
def test_check_validate_and_dry_run_show_their_phases_on_a_terminal(run, monkeypatch, args, expected) -> None:
    from conftest import COUNTY

    made = _recorded_phases(monkeypatch)
    result = run(*args, "--list", COUNTY, "--journal", "j.db") if args[0] == "activate" else run(*args, "--list", COUNTY)
    assert result.exit_code in (0, 1), result.stderr
    (bar,) = made
    assert bar.seen == [text.format(list=COUNTY) for text in expected]


def test_no_progress_in_a_pipe_or_with_json(run, monkeypatch) -> None:
    from conftest import COUNTY
    from haze.cli import progress

    made = _recorded_phases(monkeypatch)
    assert run("check", "orange", "--list", COUNTY, "--json").exit_code == 0
    monkeypatch.setattr(progress, "on_terminal", lambda: False)
    assert run("check", "orange", "--list", COUNTY).exit_code == 0
    assert made == []


def test_the_notice_count_never_sits_at_100_percent_silently() -> None:
    from haze.cli.progress import Phases

    class Bar:
        def __init__(self) -> None:
            self.updates: list[dict] = []

        def update(self, task, **kwargs) -> None:
            self.updates.append(kwargs)

    bar = Bar()
    progress = Phases(bar, 0)
    progress(1, 3)
    progress(2, 3)
    progress(3, 3)
    assert bar.updates[-1]["description"] == "writing the notices to disk"
    assert bar.updates[-1]["counting"] is False  # an indeterminate pulse, not a full bar
    assert all(u.get("completed", 0) < 3 for u in bar.updates)


def test_a_phase_after_the_count_shows_a_pulse_and_no_count() -> None:
    """With rich itself: a task keeps its total once set, so the count must be hidden by the phase, not by
    ``total=None`` (which left "0/19188" beside 正在将告知书写入磁盘)."""
    import io

    from rich.console import Console
    from rich.progress import Progress

    from haze.cli.progress import Phases, columns

    out = io.StringIO()
    with Progress(*columns(), console=Console(file=out, width=100, force_terminal=False), auto_refresh=False) as bar:
        task = bar.add_task("reading the list", total=None, counting=False)
        phases = Phases(bar, task)
        bar_column, count = columns()[2], columns()[3]
        assert str(count.render(bar.tasks[0])) == ""
        phases(5, 19188)
        assert str(count.render(bar.tasks[0])) == "5/19188"
        assert bar_column.render(bar.tasks[0]).total == 19188
        phases(19188, 19188)
        assert str(count.render(bar.tasks[0])) == ""
        assert bar_column.render(bar.tasks[0]).total is None  # a pulse
        assert bar.tasks[0].total == 19188  # rich's own task unchanged
        assert bar.tasks[0].description == "writing the notices to disk"
