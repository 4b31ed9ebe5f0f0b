"""Issue 17, notice side: Markdown block syntax (17.18) and template bounds (17.13).

A list's action ``---`` must not become a rule in a notice, ``1. x`` not a
nested list, a URL not a link; a template must not exhaust memory or hold
the journal's lock for ten minutes.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from conftest import write
from haze.render.notices import make_environment, md_escape

A = "91140525MA0KAY4C6U"
LIST = f"""list:
  region: 示例县
  authority: 示例县生态环境局
  doc_prefix: 示环应急
  baseline: {{so2: 1000, nox: 1000, pm: 1000, vocs: 1000}}
enterprises:
  - id: {A}
    name: 示例县东方铸造有限公司
    industry: casting
    grade: C
    contact: {{name: 王建国, phone: "0356-2000101"}}
    emissions: {{so2: 100, nox: 100, pm: 100, vocs: 100}}
    measures:
      orange:
        actions: ["---", "1. 停止熔炼", "# 标题", "> 引用", "+ 加号", "访问 http://pay.example/x 缴费", "www.pay.example"]
"""


# -- 17.18: block syntax and bare URLs stay text ---------------------------------

@pytest.mark.parametrize("value", ["---", "***", "1. x", "12) x", "# x", "> x", "+ x", "- x", "=== x",
                                   "http://pay.example/x", "see www.pay.example now"])
def test_a_value_after_a_list_marker_stays_one_item_of_text(value: str) -> None:
    import markdown_it

    html = markdown_it.MarkdownIt("commonmark").render(f"- {md_escape(value)}\n")
    assert html.count("<li>") == 1 and "<hr" not in html and "<ol" not in html and "<h1" not in html
    assert "<blockquote" not in html and "<a " not in html
    assert html.count("<ul>") == 1
    # what the reader sees is what the list says
    inner = html.split("<li>", 1)[1].split("</li>", 1)[0]
    assert inner.replace("&gt;", ">") == value


def test_bare_urls_are_not_linked_even_by_linkify() -> None:
    import markdown_it  # a test dependency, as linkify-it-py is (pyproject [test])

    md = markdown_it.MarkdownIt("gfm-like")
    for value in ("访问 http://pay.example/x 缴费", "www.pay.example", "https://a.example"):
        assert "<a " not in md.render(f"- {md_escape(value)}\n"), value


def test_escaping_leaves_ordinary_text_alone() -> None:
    for value in ("1#焦炉", "12.5 吨/日", "-5%", "2025年12月1日", "限产30%"):
        assert md_escape(value) == value


def test_an_activation_notice_keeps_hostile_actions_as_text(run, tmp_path: Path) -> None:
    import markdown_it

    path = write(Path("list.yaml"), LIST)
    result = run("activate", "orange", "--list", path, "--journal", tmp_path / "j.db", "--out", tmp_path / "out",
                 "--json")
    assert result.exit_code == 0, result.stderr
    notice = next(p for p in map(Path, json.loads(result.stdout)["notices"]) if A in p.name)
    html = markdown_it.MarkdownIt("commonmark").enable("table").render(notice.read_text(encoding="utf-8"))
    # the template's own rule before the receipt is the only one; the actions (7 of the list, 1 of the
    # policy) are one flat numbered list
    assert html.count("<hr") == 1 and "<blockquote" not in html and "<a " not in html
    actions = html.split("三、管控措施", 1)[1].split("<h3", 1)[0]
    assert actions.count("<ol") == 1 and actions.count("<li>") == 8 and "<ul" not in actions
    for action in ("---", "1. 停止熔炼", "# 标题", "&gt; 引用", "+ 加号", "访问 http://pay.example/x 缴费"):
        assert f"<li>{action}</li>" in html, action


# -- 17.13: the template sandbox is bounded -----------------------------------------

@pytest.mark.parametrize("source", [
    '{{ "x" * 10**10 }}',
    '{{ [1] * 10**9 }}',
    '{{ 10 ** (10**8) }}',
    '{{ "%999999999s" % "x" }}',
    '{{ "{:>999999999}".format("x") }}',
    '{{ "x".center(10**10) }}',
    '{{ "x"|center(10**10) }}',
    '{{ "x"|indent(10**10, true) }}',
    '{{ ("x" * 1000000)|replace("x", "xxxxxxxxxxxxxxxxxxxxxxxx") }}',
    '{% set ns = namespace(s="x" * 1000000) %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}',
    '{% macro grow(s, n) %}{% if n %}{{ grow(s ~ s, n - 1) }}{% endif %}{% endmacro %}{{ grow("x" * 1000000, 40) }}',
    '{{ lipsum(10**7) }}',
])
def test_templates_that_would_exhaust_memory_are_refused(source: str) -> None:
    from jinja2.exceptions import SecurityError

    env = make_environment()
    with pytest.raises(SecurityError):
        env.from_string(source).render()


def test_ordinary_arithmetic_and_formatting_still_work() -> None:
    env = make_environment()
    out = env.from_string('{{ "-" * 20 }}|{{ 2 ** 10 }}|{{ "%5.1f" % 3.14159 }}|{{ "{:,}".format(1234567) }}|'
                          '{{ "ab"|center(6) }}|{{ [0] * 3 }}').render()
    assert out == "--------------------|1024|  3.1|1,234,567|  ab  |[0, 0, 0]"


def test_a_looping_template_fails_in_seconds_and_releases_the_journal(run, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from haze.render import sandbox

    monkeypatch.setattr(sandbox, "RENDER_SECONDS", 0.5)
    templates = tmp_path / "tpl"
    write(templates / "notice.zh.md.j2", "{% for i in range(100000) %}{% for j in range(100000) %}"
                                         "{{ i }}{% endfor %}{% endfor %}\n")
    path = write(Path("list.yaml"), LIST)
    journal = tmp_path / "j.db"
    result = run("activate", "orange", "--list", path, "--journal", journal, "--templates", templates)
    assert result.exit_code == 2
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("haze: error: ") and "notice.zh.md.j2" in last and "0.5 s" in last
    # nothing recorded, and the lock is free: another writer gets it at once
    if journal.exists():
        conn = sqlite3.connect(journal, timeout=0)
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "activations" in tables:
            assert conn.execute("SELECT count(*) FROM activations").fetchone()[0] == 0
        conn.close()
    assert run("activate", "orange", "--list", path, "--journal", journal).exit_code == 0
