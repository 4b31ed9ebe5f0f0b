"""haze.render.notices: what the notices say, how they are written, and what the sandbox refuses.

Figures are the hand-worked ones of examples/worked-example.md (orange,
shanxi-2024) and of the county list; files are read back from disk.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import COUNTY, EXAMPLES, text_of, write
from haze.core.engine import compute
from haze.core.errors import HazeError, TemplateError, UsageError
from haze.commands.inputs import load_inputs
from haze.core.model import Level
from haze.render.notices import (
    FORMATS,
    LANGS,
    Issue,
    display_width,
    make_environment,
    md_escape,
    notice_number,
    pad,
    render_activation,
    render_lift,
    text_table,
)
from haze.core.timeparse import SHANGHAI

# activate needs a journal made on purpose (SPEC §10): conftest.journal, as `haze init` makes it
pytestmark = pytest.mark.usefixtures("journal")

WORKED = EXAMPLES / "worked-example.yaml"
EIGHT_PM = datetime(2025, 12, 1, 20, 0, tzinfo=SHANGHAI)
TRUCKS = "停止使用国四及以下重型柴油货车（含燃气）进行物料运输"

# the worked example, in list order
YONGFENG, DONGSHENG, QINGSHI = "91140525MA0KLJY16T", "91140525MA0KJJC152", "91140525MA0K71HUXK"
# county list: enterprises whose notices the tests read
HONGSHENG = "911405251765819881"  # B, capacity 130 万吨/年, lines cut 0.4 / 0.4 / 0.2 at orange
JINTAI = "91140525MA0KHHBM4Y"  # C in a key zone: orange raised to red, stop
YONGXING = "91140525MA0KMERK95"  # A: self-managed
DADONG = "91140525483074724M"  # noncompliant: stop
IDLE_IDS = ("91140525MA0K1DFYXK", "911405256215634391")


def computed(path: Path, level: Level = Level.ORANGE):
    inputs = load_inputs(path, cache=False)
    return inputs.enterprise_list, compute(inputs.enterprise_list, inputs.policy, level)


def issue(id: str = "20251201-200000-orange", level: Level = Level.ORANGE, **changes) -> Issue:
    values = dict(id=id, kind="activation", level=level, start=EIGHT_PM, until=None, issued=EIGHT_PM,
                  first_number=7, user="duty")
    values.update(changes)
    return Issue(**values)


def activate(path: Path, parent: Path, level: Level = Level.ORANGE, **options):
    enterprise_list, result = computed(path, level)
    return render_activation(result, enterprise_list, issue(level=level), parent, **options)


def read(folder: Path, prefix: str) -> str:
    (match,) = [p for p in folder.iterdir() if p.name.startswith(prefix)]
    return text_of(match)


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# -- numbers ----------------------------------------------------------------------

def test_notice_number() -> None:
    assert notice_number("示环应急", 2025, 7) == "示环应急〔2025〕7号"
    assert notice_number("", 2026, 12) == "〔2026〕12号"


# -- the worked example in every language and format ----------------------------------

WORDS = {
    "zh": {"cut40": "限产40%", "cut20": "限产20%", "stop": "停产", "zone": "加严一个等级",
           "zone_where": "重点管控区域", "until": "至预警解除时止", "hour": "1小时内", "day": "24小时内",
           "receipt": "签收人", "date": "2025年12月1日", "title": "关于启动重污染天气橙色预警（Ⅱ级）应急响应的告知书"},
    "en": {"cut40": "cut 40%", "cut20": "cut 20%", "stop": "stop", "zone": "1 step stricter",
           "zone_where": "key control zone", "until": "until the warning is lifted", "hour": "Within 1 hour",
           "day": "Within 24 hours", "receipt": "Received by", "date": "1 December 2025",
           "title": "Notice on Launching the Orange Heavy-Pollution Weather Warning (Level II Response)"},
}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("lang", LANGS)
def test_worked_example_notices(tmp_path: Path, lang: str, fmt: str) -> None:
    notices = activate(WORKED, tmp_path / "out", lang=lang, fmt=fmt)
    folder = tmp_path / "out" / "20251201-200000-orange"
    assert notices.directory == folder
    assert notices.count == 3
    assert listing(folder) == sorted([f"0001-{YONGFENG}.{fmt}", f"0002-{DONGSHENG}.{fmt}", f"0003-{QINGSHI}.{fmt}",
                                      f"index.{fmt}", "manifest.json", "sms.csv"] + (["all.pdf"] if fmt == "pdf" else []))
    assert sorted(p.name for p in notices.files) == listing(folder)
    w = WORDS[lang]

    yongfeng = read(folder, "0001")
    assert "示环应急〔2025〕7号" in yongfeng
    assert w["title"] in yongfeng
    assert "示例县永丰铸造有限公司" in yongfeng and YONGFENG in yongfeng and "巴公镇" in yongfeng
    assert "1#冲天炉" in yongfeng and w["cut40"] in yongfeng  # its own 一厂一策 measure
    assert "制芯工段" in yongfeng and w["cut20"] in yongfeng  # grade B at orange
    assert TRUCKS in yongfeng
    for figure in ("0.0800", "0.1600", "0.1200", "0.0400"):  # SO2, NOx, PM, VOCs t/d
        assert figure in yongfeng
    for words in (w["until"], w["hour"], w["day"], w["receipt"], w["date"], "示例县生态环境局", "张伟", "0356-2000201"):
        assert words in yongfeng

    dongsheng = read(folder, "0002")
    assert "示环应急〔2025〕8号" in dongsheng
    assert w["zone_where"] in dongsheng and w["zone"] in dongsheng  # key zone: orange raised to red
    assert ("红色预警（Ⅰ级）" if lang == "zh" else "Level I") in dongsheng
    assert w["stop"] in dongsheng
    for figure in ("1.0000", "2.0000", "0.5000"):
        assert figure in dongsheng

    qingshi = read(folder, "0003")
    assert "示环应急〔2025〕9号" in qingshi
    assert w["stop"] in qingshi
    for figure in ("0.5000", "0.2000", "0.3000", "0.0000"):  # 300 operating days
        assert figure in qingshi

    index = read(folder, "index")
    for number, name, credit_code in (("7", "示例县永丰铸造有限公司", YONGFENG), ("8", "示例县东昇焦化有限公司", DONGSHENG),
                                      ("9", "示例县青石砖厂", QINGSHI)):
        assert f"示环应急〔2025〕{number}号" in index and name in index and credit_code in index
    for ratio in ("39.50%", "39.33%", "35.50%", "52.00%"):  # Σ reductions / baseline, worked by hand
        assert ratio in index
    for figure in ("1.5800", "2.3600", "1.4200", "1.0400", "4.0000", "6.0000", "2.0000"):
        assert figure in index
    assert "建筑工地扬尘" in index  # the other source is in the summary, with no notice of its own


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("lang", LANGS)
def test_manifest_hashes_match_the_bytes(tmp_path: Path, lang: str, fmt: str) -> None:
    notices = activate(WORKED, tmp_path, lang=lang, fmt=fmt)
    manifest_bytes = (notices.directory / "manifest.json").read_bytes()
    assert notices.manifest_sha256 == sha(manifest_bytes)
    manifest = json.loads(manifest_bytes)
    assert manifest["activation"] == "20251201-200000-orange"
    assert manifest["kind"] == "activation" and manifest["level"] == "orange"
    assert manifest["list"]["path"] == str(WORKED)
    assert manifest["list"]["sha256"] == sha(WORKED.read_bytes())
    assert set(manifest["files"]) == {p.name for p in notices.directory.iterdir()} - {"manifest.json"}
    for name, digest in manifest["files"].items():
        assert sha((notices.directory / name).read_bytes()) == digest
    assert [n["number"] for n in manifest["notices"]] == ["示环应急〔2025〕7号", "示环应急〔2025〕8号", "示环应急〔2025〕9号"]
    assert notices.notices == manifest["notices"]


def test_index_flags_an_unmet_requirement(tmp_path: Path) -> None:
    enterprise_list, result = computed(EXAMPLES / "small-fails-orange.yaml")
    assert not result.ok
    for lang, words in (("zh", "未达到橙色预警减排要求"), ("en", "requirement is NOT met")):
        for fmt in FORMATS:
            notices = render_activation(result, enterprise_list, issue(id=f"x-{lang}-{fmt}"), tmp_path, lang=lang, fmt=fmt)
            index = text_of(notices.directory / f"index.{fmt}")
            assert words in index
            for p in result.failing:
                assert p.label in index



# Closing punctuation (full-width or ASCII) right before a closing "**" that a CJK character follows:
# CommonMark does not take that "**" as closing (it is not right-flanking), so the bold shows as asterisks.
_BAD_BOLD = re.compile(r"[：:，。；、）)!！?？]\*\*[\u3400-\u9fff\uff00-\uffef]")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_unmet_index_md_renders_as_commonmark(tmp_path: Path, lang: str) -> None:
    enterprise_list, result = computed(EXAMPLES / "small-fails-orange.yaml")
    notices = render_activation(result, enterprise_list, issue(), tmp_path, lang=lang, fmt="md")
    lines = text_of(notices.directory / "index.md").splitlines()
    (quote,) = [i for i, line in enumerate(lines) if line.startswith("> **⚠")]
    # a blank line ends the blockquote before the requirement table (else the table is inside the quote)
    assert lines[quote + 1] == "" and lines[quote + 2].startswith("| ")
    # the bold run ends before the colon: "**⚠ 未达到橙色预警减排要求**：…", never "要求：**颗粒物…"
    assert not _BAD_BOLD.search(lines[quote])
    assert re.match(r"> \*\*⚠ [^*]*[^*\s：:]\*\*[：:]", lines[quote])
    import markdown_it  # a test dependency (pyproject [test])
    html = markdown_it.MarkdownIt("commonmark").enable("table").render("\n".join(lines))
    bq = html[html.index("<blockquote>"):html.index("</blockquote>")]
    assert "<table>" not in bq and "|" not in bq and "**" not in bq
    assert bq.count("<strong>") == 1 and "<strong>⚠ " in bq
    assert html.index("</blockquote>") < html.index("<table>")


# -- the county list ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def county_zh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    parent = tmp_path_factory.mktemp("county")
    return activate(COUNTY, parent, fmt="md").directory


def test_county_one_notice_per_operating_enterprise_in_list_order(county_zh: Path) -> None:
    enterprise_list, result = computed(COUNTY)
    operating = [e for e in enterprise_list.enterprises if e.operating]
    assert len(enterprise_list.enterprises) == 49 and len(operating) == 47
    names = [n for n in listing(county_zh) if n.startswith("0")]
    assert names == [f"{i:04d}-{e.id}.md" for i, e in enumerate(operating, start=1)]
    for idle in IDLE_IDS:  # idle enterprises get none
        assert not any(idle in name for name in names)
    index = read(county_zh, "index")
    for i, e in enumerate(operating):
        notice = read(county_zh, f"{i + 1:04d}-")
        number = f"示环应急〔2025〕{7 + i}号"  # numbers run on from first_number, in list order
        assert number in notice and e.name in notice
        assert number in index and e.name in index and f"{i + 1:04d}-{e.id}.md" in index
    assert "停产企业（不发告知书）" in index
    for idle in IDLE_IDS:
        assert idle in index.split("停产企业（不发告知书）")[1]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_notices_use_the_terminals_and_spreadsheets_labels(tmp_path: Path, lang: str) -> None:
    from haze.core.labels import REASON_LABELS, SOURCE_LABELS, label

    enterprise_list, result = computed(COUNTY)
    folder = render_activation(result, enterprise_list, issue(), tmp_path, lang=lang, fmt="md").directory
    by_id = {r.enterprise.id: r for r in result.enterprises}
    operating = [e for e in enterprise_list.enterprises if e.operating]
    for i, e in enumerate(operating[:20], start=1):
        notice = read(folder, f"{i:04d}-")
        rows = [line.split(" | ") for line in notice.splitlines() if re.match(r"\| \d+ \| ", line)]
        # the basis column of the lines table: the label of each line's source, in the notice's language
        expected = [label(SOURCE_LABELS, line.source, lang) for line in by_id[e.id].lines]
        assert [row[3].rstrip(" |") for row in rows[:len(expected)]] == expected, e.id
    index = read(folder, "index")
    for who, reason in ((DADONG, "noncompliant"), (JINTAI, "zone")):
        (row,) = [line for line in index.splitlines() if who in line]
        assert label(REASON_LABELS, reason, lang) in row


def test_county_production_cap(county_zh: Path) -> None:
    notice = read(county_zh, f"0001-{HONGSHENG}")
    # plant cut = (830×0.4 + 830×0.4 + 120×0.2) / 1780 = 0.386516…: shown rounded up, never smaller;
    # cap = 130 × (1 − 0.386516…) = 79.7528…: shown rounded down, never larger
    assert "核定产能130万吨/年" in notice
    assert "全厂加权限产比例38.66%" in notice
    assert "产量不得超过79.75万吨/年" in notice


def test_county_key_zone_noncompliant_and_self_managed(county_zh: Path) -> None:
    jintai = read(county_zh, f"0002-{JINTAI}")
    assert "重点管控区域" in jintai and "加严一个等级" in jintai and "红色预警（Ⅰ级）" in jintai
    assert "**停产**" in jintai

    dadong = next(read(county_zh, p.name) for p in county_zh.iterdir() if DADONG in p.name)
    assert "未达到排放标准或未按期完成治理任务" in dadong and "停产整治" in dadong
    assert "**停产**" in dadong

    yongxing = read(county_zh, f"0003-{YONGXING}")
    assert "自主减排" in yongxing and "**自主减排**" in yongxing  # the line table, not 不限产
    assert "不限产" not in yongxing
    assert "0.0000" in yongxing  # a self-managed enterprise contributes no mandatory reduction


def test_county_english_self_managed_and_noncompliant(tmp_path: Path) -> None:
    folder = activate(COUNTY, tmp_path, lang="en", fmt="txt").directory
    assert "self-managed reduction" in read(folder, f"0003-{YONGXING}")
    dadong = next(text_of(p) for p in folder.iterdir() if DADONG in p.name)
    assert "stops for rectification" in dadong


def test_progress_counts_every_notice(tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    activate(COUNTY, tmp_path, progress=lambda done, total: seen.append((done, total)))
    assert seen == [(i, 47) for i in range(1, 48)]


# -- adjustments and lifts ------------------------------------------------------------------

def test_adjustment_titles_say_up_or_down(tmp_path: Path) -> None:
    enterprise_list, red = computed(WORKED, Level.RED)
    up = render_activation(red, enterprise_list, issue(id="up", level=Level.RED, previous_level=Level.ORANGE,
                                           until=datetime(2025, 12, 4, 0, 0, tzinfo=SHANGHAI)), tmp_path)
    text = read(up.directory, "0001")
    assert "关于重污染天气橙色预警（Ⅱ级）升级为红色预警（Ⅰ级）应急响应的告知书" in text
    assert "此前告知你单位的应急减排措施同时停止执行" in text
    assert "至2025年12月3日24时止" in text  # midnight is the previous day's 24时
    assert "调整（升级，原为橙色预警）" in read(up.directory, "index")

    enterprise_list, yellow = computed(WORKED, Level.YELLOW)
    down = render_activation(yellow, enterprise_list, issue(id="down", level=Level.YELLOW, previous_level=Level.ORANGE),
                             tmp_path, lang="en")
    assert "Downgraded from Orange (Level II) to Yellow (Level III Response)" in read(down.directory, "0001")


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("lang", LANGS)
def test_lift_notices(tmp_path: Path, lang: str, fmt: str) -> None:
    notified = [{"id": YONGFENG, "name": "示例县永丰铸造有限公司", "number": "示环应急〔2025〕7号"},
                {"id": DONGSHENG, "name": "示例县东昇焦化有限公司", "number": "示环应急〔2025〕8号"}]
    info = {"authority": "示例县生态环境局", "region": "示例县", "doc_prefix": "示环应急", "path": "list.yaml",
            "sha256": "ab" * 32, "policy": "shanxi-2024"}
    lifted_at = datetime(2025, 12, 3, 8, 0, tzinfo=SHANGHAI)
    lift = Issue(id="20251203-080000-lift", kind="lift", level=Level.ORANGE, start=lifted_at, until=None,
                 issued=lifted_at, first_number=10)
    notices = render_lift(notified, info, lift, tmp_path, lang=lang, fmt=fmt)
    assert notices.count == 2
    assert listing(notices.directory) == sorted([f"0001-{YONGFENG}.{fmt}", f"0002-{DONGSHENG}.{fmt}", f"index.{fmt}",
                                                 "manifest.json", "sms.csv"] + (["all.pdf"] if fmt == "pdf" else []))
    first = read(notices.directory, "0001")
    assert "示环应急〔2025〕10号" in first and "示环应急〔2025〕7号" in first  # its number, and the one it ends
    assert "示例县永丰铸造有限公司" in first
    receipt = first.rsplit("回　执" if lang == "zh" else ("RECEIPT" if fmt == "txt" else "Receipt"), 1)[1]  # what comes back signed: it names the code
    assert YONGFENG in receipt, fmt
    if lang == "zh":
        assert "关于解除重污染天气橙色预警（Ⅱ级）应急响应的通知" in first
        assert "自2025年12月3日8时起解除" in first and "有序恢复生产" in first and "留存备查" in first
    else:
        assert "Lifting the Orange" in first and "3 December 2025, 08:00" in first
        assert "Resume production in an orderly way" in first and "Keep the emergency records" in first
    assert "示环应急〔2025〕11号" in read(notices.directory, "0002")
    index = read(notices.directory, "index")
    assert "示环应急〔2025〕10号" in index and "示环应急〔2025〕11号" in index and "示例县东昇焦化有限公司" in index
    manifest = json.loads((notices.directory / "manifest.json").read_bytes())
    assert manifest["kind"] == "lift" and manifest["list"]["sha256"] == "ab" * 32
    assert [n["activation_number"] for n in manifest["notices"]] == ["示环应急〔2025〕7号", "示环应急〔2025〕8号"]


# -- hostile input ----------------------------------------------------------------------------

HOSTILE = """\
list:
  region: "<b>示例县</b>"
  authority: 示例县生态环境局
  doc_prefix: 示环应急
enterprises:
  - id: 91140525MA0KLJY16T
    name: "<script>alert(1)</script>{{ 7*7 }}"
    town: "<i>巴公镇</i>"
    grade: C
    contact: {name: "{% raw %}x", phone: "0356-2000201"}
    lines:
      - name: "1#炉 | <img src=x onerror=alert(2)>"
        emissions: {so2: 73}
"""


@pytest.mark.parametrize("lang", LANGS)
def test_hostile_names_are_escaped_and_never_evaluated(tmp_path: Path, lang: str) -> None:
    path = write(tmp_path / "hostile.yaml", HOSTILE)
    html = read(activate(path, tmp_path / "html", lang=lang, fmt="html").directory, "0001")
    assert "<script>" not in html and "<img" not in html and "<b>示例县" not in html and "<i>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;{{ 7*7 }}" in html
    assert "&lt;img src=x onerror=alert(2)&gt;" in html
    assert "&lt;b&gt;示例县&lt;/b&gt;" in html  # list text inside shared phrase macros too
    assert "49" not in html

    md = read(activate(path, tmp_path / "md", lang=lang, fmt="md").directory, "0001")
    assert not re.search(r"(?<!\\)<", md)  # every < in list text is backslash-escaped
    assert r"\<script\>alert(1)\</script\>{{ 7\*7 }}" in md
    assert r"1#炉 \| \<img" in md  # a | in a name cannot split a table cell

    txt = read(activate(path, tmp_path / "txt", lang=lang, fmt="txt").directory, "0001")
    assert "<script>alert(1)</script>{{ 7*7 }}" in txt  # plain text: shown as written, not run
    assert "{% raw %}x" in txt and "49" not in txt


# -- templates: overrides, sandbox, errors ---------------------------------------------------------

def test_every_shipped_template_compiles_and_ships_as_package_data() -> None:
    from importlib.resources import files

    env = make_environment()
    shipped = {p.name for p in files("haze.templates").iterdir()}
    for kind in ("notice", "lift", "index"):
        for lang in LANGS:
            for fmt in FORMATS:
                if fmt == "docx":  # a .docx file, built from the PDF layout by templates/build_docx.py
                    assert f"{kind}.{lang}.docx" in shipped
                    continue
                name = f"{kind}.{lang}.{fmt}.j2"
                assert name in shipped
                assert env.get_template(name).name == name


def test_user_template_overrides_one_file_by_name(tmp_path: Path) -> None:
    mine = write(tmp_path / "mine" / "notice.zh.md.j2", "本局格式 {{ notice.number }} {{ enterprise.name|md }}\n")
    folder = activate(WORKED, tmp_path / "out", templates=mine.parent).directory
    assert read(folder, "0001") == "本局格式 示环应急〔2025〕7号 示例县永丰铸造有限公司\n"
    assert "告知书清单" in read(folder, "index")  # the index still comes from the package


def test_user_html_template_is_autoescaped(tmp_path: Path) -> None:
    mine = write(tmp_path / "mine" / "notice.zh.html.j2", "<p>{{ enterprise.name }}</p>\n")
    path = write(tmp_path / "hostile.yaml", HOSTILE)
    folder = activate(path, tmp_path / "out", fmt="html", templates=mine.parent).directory
    assert read(folder, "0001") == "<p>&lt;script&gt;alert(1)&lt;/script&gt;{{ 7*7 }}</p>\n"


def assert_refused(tmp_path: Path, template: str, *says: str, name: str = "notice.zh.md.j2") -> str:
    mine = write(tmp_path / "mine" / name, template)
    parent = tmp_path / "out"
    with pytest.raises(TemplateError) as caught:
        activate(WORKED, parent, templates=mine.parent)
    message = str(caught.value)
    assert "\n" not in message
    for words in says:
        assert words in message
    assert not parent.exists()  # nothing written, not even the output directory
    return message


@pytest.mark.parametrize("attack", [
    "{{ ''.__class__.__mro__ }}",
    "{{ cycler.__init__.__globals__ }}",
    "{{ enterprise.__class__.__subclasses__() }}",
    "{{ lipsum.__globals__['os'] }}",
    "{{ measures.actions.append('x') }}",
])
def test_sandbox_refuses_reaching_for_python(tmp_path: Path, attack: str) -> None:
    message = assert_refused(tmp_path, "第一行\n" + attack + "\n", "refused by the template sandbox")
    assert f"{tmp_path / 'mine' / 'notice.zh.md.j2'}:2:" in message  # file and line


def test_undefined_variable_names_template_and_line(tmp_path: Path) -> None:
    message = assert_refused(tmp_path, "{{ notice.number }}\n\n{{ enterprise.nmae }}\n", "undefined", "nmae")
    assert message.startswith(f"{tmp_path / 'mine' / 'notice.zh.md.j2'}:3:")


def test_undefined_variable_in_an_included_template_names_that_template(tmp_path: Path) -> None:
    write(tmp_path / "mine" / "_part.j2", "ok\n{{ missing_thing }}\n")
    message = assert_refused(tmp_path, '{% include "_part.j2" %}\n', "missing_thing")
    assert message.startswith(f"{tmp_path / 'mine' / '_part.j2'}:2:")


def test_syntax_error_names_template_and_line(tmp_path: Path) -> None:
    message = assert_refused(tmp_path, "ok\n{% if %}\n", "syntax error")
    assert message.startswith(f"{tmp_path / 'mine' / 'notice.zh.md.j2'}:2:")


def test_include_outside_the_template_directory_is_refused(tmp_path: Path) -> None:
    write(tmp_path / "secret.j2", "secret\n")
    assert_refused(tmp_path, '{% include "../secret.j2" %}\n', "../secret.j2", "not found")


def test_symlink_leaving_the_template_directory_is_refused(tmp_path: Path) -> None:
    secret = write(tmp_path / "secret.j2", "secret {{ notice.number }}\n")
    (tmp_path / "mine").mkdir()
    os.symlink(secret, tmp_path / "mine" / "notice.zh.md.j2")
    with pytest.raises(TemplateError, match="outside"):
        activate(WORKED, tmp_path / "out", templates=tmp_path / "mine")
    assert not (tmp_path / "out").exists()


def test_missing_templates_directory_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match="templates directory not found"):
        activate(WORKED, tmp_path / "out", templates=tmp_path / "nowhere")


def test_bad_language_format_or_id(tmp_path: Path) -> None:
    enterprise_list, result = computed(WORKED)
    parent = tmp_path / "out"
    with pytest.raises(UsageError, match="language"):
        render_activation(result, enterprise_list, issue(), parent, lang="fr")
    with pytest.raises(UsageError, match="format"):
        render_activation(result, enterprise_list, issue(), parent, fmt="odt")
    with pytest.raises(UsageError, match="activation id"):
        render_activation(result, enterprise_list, issue(id="../escape"), parent)
    assert not parent.exists() and listing(tmp_path) == ["work"]


# -- atomic output ------------------------------------------------------------------------------

def test_failure_mid_render_leaves_nothing(tmp_path: Path) -> None:
    parent = tmp_path / "out"
    parent.mkdir()

    def fail_on_second(done: int, total: int) -> None:
        if done == 2:
            raise RuntimeError("disk pulled out")

    with pytest.raises(RuntimeError):
        activate(COUNTY, parent, progress=fail_on_second)
    assert listing(parent) == []  # no visible directory and no hidden leftover


def test_template_failing_on_a_later_notice_leaves_nothing(tmp_path: Path) -> None:
    mine = write(tmp_path / "mine" / "notice.zh.md.j2", "{% if notice.index == 3 %}{{ nope }}{% endif %}ok\n")
    parent = tmp_path / "out"
    with pytest.raises(TemplateError, match="nope"):
        activate(WORKED, parent, templates=mine.parent)
    assert not parent.exists()  # the directory this run created is gone again


def test_stale_hidden_directory_from_a_killed_run_does_not_disturb(tmp_path: Path) -> None:
    stale = write(tmp_path / ".20251201-200000-orange.tmp-k1lled" / "0001-junk.md", "half a notice")
    notices = activate(WORKED, tmp_path)
    assert listing(notices.directory) == [f"0001-{YONGFENG}.md", f"0002-{DONGSHENG}.md", f"0003-{QINGSHI}.md",
                                          "index.md", "manifest.json", "sms.csv"]
    assert stale.read_text(encoding="utf-8") == "half a notice"


def test_existing_target_is_never_overwritten(tmp_path: Path) -> None:
    kept = write(tmp_path / "out" / "20251201-200000-orange" / "index.md", "earlier run")
    with pytest.raises(HazeError, match="already exists"):
        activate(WORKED, tmp_path / "out")
    assert kept.read_text(encoding="utf-8") == "earlier run"
    assert listing(tmp_path / "out") == ["20251201-200000-orange"]


def test_dry_run_writes_nothing_and_predicts_the_real_run(tmp_path: Path) -> None:
    parent = tmp_path / "out"
    dry = activate(WORKED, parent, fmt="html", dry_run=True)
    assert not parent.exists()
    real = activate(WORKED, parent, fmt="html")
    assert dry.files == real.files and dry.directory == real.directory
    assert dry.manifest_sha256 == real.manifest_sha256 and dry.notices == real.notices
    assert all(p.exists() for p in real.files)


def test_dry_run_still_reports_template_errors(tmp_path: Path) -> None:
    mine = write(tmp_path / "mine" / "index.zh.md.j2", "{{ summary.nothing_here }}\n")
    with pytest.raises(TemplateError, match="index.zh.md.j2:1: undefined"):
        activate(WORKED, tmp_path / "out", templates=mine.parent, dry_run=True)


def test_html_is_self_contained_and_printable(tmp_path: Path) -> None:
    for lang in LANGS:
        folder = activate(WORKED, tmp_path / lang, lang=lang, fmt="html").directory
        for page in folder.glob("*.html"):
            text = text_of(page)
            assert '<meta charset="utf-8">' in text and "@page" in text
            assert not re.search(r"https?://|<script|<link|<img|url\(|@import", text)
        assert "break-before: page" in read(folder, "0001")


def test_output_is_readable_by_the_office(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        folder = activate(WORKED, tmp_path).directory
    finally:
        os.umask(old)
    assert folder.stat().st_mode & 0o777 == 0o755  # not mkdtemp's private 0700


# -- filters ----------------------------------------------------------------------------------

def test_text_table_lines_up_chinese_columns() -> None:
    table = text_table([["1", "1#焦炉", "限产40%"], ["12", "化产回收工段", "停产"]], ["序号", "生产线", "措施"], right=[0])
    assert table.split("\n") == [
        "序号  生产线        措施",
        "----  ------------  -------",
        "   1  1#焦炉        限产40%",
        "  12  化产回收工段  停产",
    ]


TEXT = st.text(alphabet=st.sampled_from("ab1#|<>*_`[]&~\\ 焦炉（）％ＡＢ—"), max_size=20)


@given(TEXT, st.integers(min_value=0, max_value=40))
def test_pad_reaches_the_width(text: str, width: int) -> None:
    for align in ("left", "right"):
        assert display_width(pad(text, width, align)) == max(width, display_width(text))


@given(TEXT)
def test_md_escape_leaves_no_bare_markup_and_loses_nothing(text: str) -> None:
    escaped = md_escape(text)
    bare = re.sub(r"\\.", "", escaped)  # drop every escaped character
    assert not re.search(r"[<>|*_`\[\]~&\\]", bare)
    assert re.sub(r"\\(.)", r"\1", escaped) == text  # a Markdown reader shows exactly the name


# -- numbers are never shown in the enterprise's favour (haze.core.fmt) ------------------------------------

ROUNDING = f"""\
list:
  region: 示例县
  authority: 示例县生态环境局
  doc_prefix: 示环应急
  baseline: {{so2: 1000, nox: 1000, pm: 1000, vocs: 1000}}
enterprises:
  - id: {YONGFENG}
    name: 示例县永丰铸造有限公司
    grade: B
    capacity: {{eia: 100, unit: 吨/日}}
    lines:
      - name: 1#冲天炉
        emissions: {{so2: 365, nox: 365, pm: 365}}
        measures: {{orange: {{cut: 0.4305}}}}
  - id: {DONGSHENG}
    name: 示例县东昇焦化有限公司
    grade: B
    capacity: {{eia: 100, unit: 吨/日}}
    emissions: {{so2: 365, nox: 365, pm: 365}}
    measures: {{orange: {{cut: 0.33333}}}}
  - id: {QINGSHI}
    name: 示例县青石砖厂
    grade: C
    emissions: {{so2: 2000, nox: 2000, pm: 2000, vocs: 0.01}}
"""


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_cut_is_never_shown_smaller_nor_a_cap_larger_than_computed(tmp_path: Path, fmt: str) -> None:
    path = write(tmp_path / "rounding.yaml", ROUNDING)
    zh = activate(path, tmp_path / "zh", fmt=fmt).directory
    first = read(zh, "0001")
    assert "限产43.05%" in first  # not 43% or 43.1%: the exact cut
    second = read(zh, "0002")
    assert "限产33.34%" in second and "33.3%" not in second  # 33.333% rounded up
    # cap = 100 × (1 − 0.33333) = 66.667: rounded down, never 66.67
    assert "不得超过66.66吨/日" in second and "66.67" not in second
    assert "全厂加权限产比例33.34%" in second
    third = read(zh, "0003")
    # VOCs 0.01 t/a × 50% / 365 = 0.0000137 t/d: a real reduction, not "0.0000"
    assert ("&lt;0.0001" if fmt == "html" else "<0.0001") in third
    en = activate(path, tmp_path / "en", lang="en", fmt=fmt).directory
    assert "cut 43.05%" in read(en, "0001")
    assert "cut 33.34%" in read(en, "0002") and "must not exceed 66.66" in read(en, "0002")


PM_JUST_SHORT = f"""\
list:
  region: 示例县
  authority: 示例县生态环境局
  doc_prefix: 示环应急
  baseline: {{so2: 100, nox: 100, pm: 100000, vocs: 100}}
enterprises:
  - id: {YONGFENG}
    name: 示例县永丰铸造有限公司
    grade: C
    emissions: {{so2: 100, nox: 100, pm: 59998, vocs: 100}}
"""


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("lang", LANGS)
def test_a_ratio_just_short_of_the_requirement_never_reads_as_reaching_it(tmp_path: Path, lang: str,
                                                                           fmt: str) -> None:
    # PM: 59998 × 50% / 100000 = 29.999% against 30%: not met, and shown as 29.99%, never 30.00%
    enterprise_list, result = computed(write(tmp_path / "short.yaml", PM_JUST_SHORT))
    pm = result.pollutants[next(p for p in result.pollutants if p.value == "pm")]
    assert pm.ratio == pytest.approx(0.29999) and not pm.ok
    index = text_of(render_activation(result, enterprise_list, issue(), tmp_path, lang=lang, fmt=fmt).directory
                    / f"index.{fmt}")
    assert "29.99%" in index
    assert "30.00%" in index  # the requirement itself
    # required, for 4 pollutants in the table, in the NOT MET line and beside each chart bar: never a ratio
    assert index.count("30.00%") == 4 + 1 + (4 if fmt != "md" else 0)
    assert "50.00%" in index  # SO2, NOx and VOCs: met, shown as they are


# -- re-issue, adjustment and lift: who replaces what ------------------------------------------------

def test_a_same_level_notice_is_a_reissue_not_an_adjustment(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="re-issue"):
        issue(previous_level=Level.ORANGE)
    enterprise_list, result = computed(WORKED)
    again = issue(id="again", reissue=True, replaces="20251201-200000-orange",
                  replaced_numbers={YONGFENG: "示环应急〔2025〕1号"})
    zh = render_activation(result, enterprise_list, again, tmp_path / "zh").directory
    first = read(zh, "0001")
    assert "关于启动重污染天气橙色预警（Ⅱ级）应急响应的告知书（重新下发）" in first
    assert "原告知书（示环应急〔2025〕1号）同时作废" in first
    assert "调整为" not in first and "橙色预警（Ⅱ级）调整" not in first
    assert "此前告知你单位的告知书同时作废" in read(zh, "0002")  # not notified before: no number to cite
    assert "重新下发（替换20251201-200000-orange）" in read(zh, "index")
    manifest = json.loads((zh / "manifest.json").read_bytes())
    assert (manifest["reissue"], manifest["previous_level"], manifest["replaces"]) == \
        (True, None, "20251201-200000-orange")
    assert manifest["notices"][0]["replaces"] == "示环应急〔2025〕1号" and "replaces" not in manifest["notices"][1]
    en = render_activation(result, enterprise_list, again, tmp_path / "en", lang="en", fmt="txt").directory
    text = read(en, "0001")
    assert "Warning (Level II Response), Re-issued" in text and "replaces notice 示环应急〔2025〕1号" in text
    assert "Adjusted" not in text and "adjusted" not in text


def test_an_adjustment_cites_the_notice_it_replaces(tmp_path: Path) -> None:
    enterprise_list, red = computed(WORKED, Level.RED)
    up = issue(id="up", level=Level.RED, previous_level=Level.ORANGE, replaces="o",
               replaced_numbers={YONGFENG: "示环应急〔2025〕1号"})
    folder = render_activation(red, enterprise_list, up, tmp_path).directory
    assert "此前告知你单位的应急减排措施（示环应急〔2025〕1号）同时停止执行" in read(folder, "0001")
    assert "此前告知你单位的应急减排措施同时停止执行" in read(folder, "0002")
    manifest = json.loads((folder / "manifest.json").read_bytes())
    assert (manifest["previous_level"], manifest["reissue"], manifest["replaces"]) == ("orange", False, "o")


def test_manifest_ids_activation_means_the_warning(tmp_path: Path) -> None:
    notices = activate(WORKED, tmp_path)
    manifest = json.loads((notices.directory / "manifest.json").read_bytes())
    assert manifest["id"] == manifest["activation"] == "20251201-200000-orange"
    assert "lifts" not in manifest
    lifted_at = datetime(2025, 12, 3, 8, 0, tzinfo=SHANGHAI)
    lift = Issue(id="20251203-080000-orange-lift", kind="lift", level=Level.ORANGE, start=lifted_at, until=None,
                 issued=lifted_at, first_number=4, lifts="20251201-200000-orange")
    notified = [{"id": YONGFENG, "name": "示例县永丰铸造有限公司", "number": "示环应急〔2025〕7号"}]
    done = render_lift(notified, {"authority": "示例县生态环境局", "region": "示例县"}, lift, tmp_path)
    manifest = json.loads((done.directory / "manifest.json").read_bytes())
    assert manifest["id"] == "20251203-080000-orange-lift"
    assert manifest["activation"] == manifest["lifts"] == "20251201-200000-orange"
    assert "replaces" not in manifest and "reissue" not in manifest


# -- the bureau's duty contact ------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", FORMATS)
def test_the_bureau_contact_of_the_list_is_on_every_notice(tmp_path: Path, fmt: str) -> None:
    from haze.core.model import Contact

    enterprise_list, result = computed(WORKED)
    blank = render_activation(result, enterprise_list, issue(id="blank"), tmp_path, fmt=fmt).directory
    assert "值班员赵敏" not in read(blank, "0001")
    assert ("＿＿＿＿＿＿" if fmt in ("md", "docx", "pdf") else "blank" if fmt == "html" else "____________") in read(blank, "0001")
    enterprise_list.info.contact = Contact(name="值班员赵敏", phone="0356-2000100")
    given = render_activation(result, enterprise_list, issue(id="given"), tmp_path, fmt=fmt).directory
    for n in ("0001", "0002", "0003"):
        text = read(given, n)
        assert "值班员赵敏" in text and "0356-2000100" in text
    lifted_at = datetime(2025, 12, 3, 8, 0, tzinfo=SHANGHAI)
    lift = Issue(id="lift", kind="lift", level=Level.ORANGE, start=lifted_at, until=None, issued=lifted_at,
                 first_number=4, lifts="given")
    info = {"authority": "示例县生态环境局", "region": "示例县", "contact": {"name": "值班员赵敏", "phone": "0356-2000100"}}
    notified = [{"id": YONGFENG, "name": "示例县永丰铸造有限公司", "number": "示环应急〔2025〕7号"}]
    text = read(render_lift(notified, info, lift, tmp_path, fmt=fmt).directory, "0001")
    assert "值班员赵敏" in text and "0356-2000100" in text


# -- durability ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", [WORKED, COUNTY], ids=["few files", "many files (in threads)"])
def test_every_file_and_both_directories_are_fsynced_before_the_rename(tmp_path: Path, path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    import haze.render.notices as notices_module

    synced: list[tuple[int, int]] = []
    real_fsync, real_rename = os.fsync, os.rename
    renamed: list[int] = []

    def fsync(fd: int) -> None:
        st = os.fstat(fd)
        synced.append((st.st_dev, st.st_ino))
        real_fsync(fd)

    def rename(src, dst) -> None:
        renamed.append(len(synced))  # how many fsyncs had happened by the rename
        real_rename(src, dst)

    monkeypatch.setattr(notices_module.os, "fsync", fsync)
    monkeypatch.setattr(notices_module.os, "rename", rename)
    parent = tmp_path / "out"
    notices = activate(path, parent)
    identity = {(p.stat().st_dev, p.stat().st_ino): p for p in [*notices.files, notices.directory, parent]}
    assert set(identity) <= set(synced), [identity[k].name for k in set(identity) - set(synced)]
    assert renamed == [len(synced) - 1]  # one rename, after everything but the parent's own fsync
    assert synced[-1] == (parent.stat().st_dev, parent.stat().st_ino)


def test_a_bureaus_index_still_reads_every_field_of_a_row(tmp_path: Path) -> None:
    # haze's own indexes get light rows (a few fields); a bureau's index must still see the documented row
    write(tmp_path / "mine" / "index.zh.md.j2",
          "{% for n in notices %}{{ n.number }} {{ n.measures.lines|length }} {{ n.measures.cap is none }} "
          "{{ n.enterprise.industry }} {{ n.measures.reductions|length }}\n{% endfor %}")
    notices = activate(WORKED, tmp_path / "out", templates=tmp_path / "mine")
    lines = (notices.directory / "index.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) == notices.count
    number, line_count, _cap, _industry, reductions = lines[0].split(" ")
    assert number == notices.notices[0]["number"] and int(line_count) >= 1 and reductions == "4"
