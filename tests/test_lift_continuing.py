"""A lift ends the warning's measures, not a stop the enterprise is under for another reason; lift notices go in
list order; the first activation after a voided adjustment also ends the notice the adjustment had superseded.

1. SPEC §15 / §1: an enterprise in its 错峰 stop on the lift's day (the season plan in force then) is told
   its 错峰 stop goes on until its last day, citing its 错峰 notice; a noncompliant one that its 停产整治
   goes on. Neither is told to resume production, in any format or language, nor by SMS.
2. docs/notices.md: yellow → orange (adjustment) → void → orange: the new notice says the orange notice is
   void and the yellow one, which the voided adjustment had ended, no longer applies.
3. docs/notices.md: lift notices go in list order, also after ``activate --force --changed``.

Read back as a reader would (conftest.text_of: md text, python-docx, pypdf). DOCX is rendered from the
shipped .docx templates (built from the .pdf.j2 by templates/build_docx.py).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from conftest import EXAMPLES, text_of, write
from test_season import JOURNAL, code, stagger, stagger_list

pytestmark = pytest.mark.usefixtures("journal")

NONCOMPLIANT = code(19)  # casting C, guarantee, noncompliant: stops the whole season, and at every level
RESUME_ZH = "有序恢复生产。按照"  # the first item of an ordinary lift notice
RESUME_EN = "Resume production in an orderly way"


def squeezed(text: str) -> str:
    return "".join(text.split())


def spaced(text: str) -> str:
    return " ".join(text.split())


def zh_day(day: str) -> str:
    y, m, d = (int(x) for x in day.split("-"))
    return f"{y}年{m}月{d}日"


def en_day(day: str) -> str:
    from datetime import date

    return f"{int(day[8:])} {date.fromisoformat(day):%B} {day[:4]}"


def season_plan(run, clock_at) -> tuple[dict, dict[str, str]]:
    """The worked example's 错峰 plan for 2025-2026 (tests/test_season.py), issued in July 2025, and its numbers."""
    clock_at("2025-07-10T09:00")
    write(Path("county.yaml"), stagger_list())
    result = stagger(run, "2025-2026", "--json")
    assert result.exit_code == 0, result.stderr
    plan = json.loads(result.stdout)
    folder = Path(plan["notices"][0]).parent
    numbers = {n["id"]: n["number"] for n in json.loads((folder / "manifest.json").read_text("utf-8"))["notices"]}
    return plan, numbers


def warning(run, clock_at, start: str, lift_at: str, *args: str) -> tuple[dict, Path]:
    """orange from ``start`` (issued half an hour before), lifted at ``lift_at``: the lift's manifest and folder."""
    clock_at(start.replace("T20:00", "T19:30"))
    activated = run("activate", "orange", "--list", "county.yaml", "--start", start, "--journal", JOURNAL, "--json")
    assert activated.exit_code == 0, activated.stderr
    clock_at(lift_at)
    lifted = run("lift", "--journal", JOURNAL, "--json", *args)
    assert lifted.exit_code == 0, lifted.stderr
    folder = Path(json.loads(lifted.stdout)["notices"][0]).parent
    return json.loads((folder / "manifest.json").read_text("utf-8")), folder


def stop_of(plan: dict, ident: str) -> tuple[str, str]:
    (first, last), = next(e["stop"] for e in plan["enterprises"] if e["id"] == ident)
    return first, last


def sms_rows(folder: Path) -> dict[str, str]:
    return {r["id"]: r["text"] for r in csv.DictReader(io.StringIO((folder / "sms.csv").read_text("utf-8-sig")))}


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("fmt", ["md", "pdf", "docx", "txt", "html"])
def test_a_lift_does_not_tell_the_stopped_to_resume(run, clock_at, fmt: str, lang: str) -> None:
    plan, numbers = season_plan(run, clock_at)
    day = "2025-12-03"
    stopped = {e["id"] for e in plan["enterprises"] if e["stop"][0][0] <= day <= e["stop"][0][1]}
    staggered = stopped - {NONCOMPLIANT}
    assert NONCOMPLIANT in stopped and len(staggered) >= 3
    lift, folder = warning(run, clock_at, "2025-12-01T20:00", f"{day}T08:00", "--lang", lang, "--format", fmt)
    files = {n["id"]: folder / n["file"] for n in lift["notices"]}
    assert {n["id"]: n.get("continues") for n in lift["notices"] if n.get("continues")} == \
        {i: "stagger" for i in staggered} | {NONCOMPLIANT: "noncompliant"}
    sms = sms_rows(folder)
    for ident, path in files.items():
        text = squeezed(text_of(path)) if lang == "zh" else spaced(text_of(path))
        if ident in staggered:
            last = stop_of(plan, ident)[1]
            if lang == "zh":
                assert f"按错峰生产告知书（{numbers[ident]}）继续停产至{zh_day(last)}止" in text, (ident, text)
                assert "期间全部生产线不得恢复生产" in text and "错峰停产期满恢复生产后24小时内" in text
                assert RESUME_ZH not in text
                assert f"错峰停产继续至{int(last[5:7])}月{int(last[8:])}日" in sms[ident], sms[ident]
            else:
                assert f"as notice {numbers[ident]} orders, until {en_day(last)} inclusive" in text, (ident, text)
                assert RESUME_EN not in text
                assert "lifted; " in sms[ident] and "staggered stop" in sms[ident], sms[ident]
        elif ident == NONCOMPLIANT:
            if lang == "zh":
                assert "继续停产整治" in text and "整治完成前全部生产线不得恢复生产" in text, text
                assert RESUME_ZH not in text and "恢复生产后24小时内" not in text
                assert "继续停产整治" in sms[ident] and "有序恢复生产" not in sms[ident]
            else:
                assert "its stop for rectification goes on after the warning is lifted" in text, text
                assert RESUME_EN not in text and "rectification stop goes on" in sms[ident]
        else:
            assert (RESUME_ZH if lang == "zh" else RESUME_EN) in text, (ident, text)
            assert "错峰" not in text and "停产整治" not in text
            assert ("有序恢复生产" in sms[ident]) if lang == "zh" else ("goes on" not in sms[ident])
        assert len(sms[ident]) <= 70


def test_a_stop_that_ended_during_the_warning_is_over_and_one_that_began_goes_on(run, clock_at) -> None:
    plan, numbers = season_plan(run, clock_at)
    from datetime import date, timedelta

    def shifted(day: str, days: int) -> str:
        return (date.fromisoformat(day) + timedelta(days=days)).isoformat()

    # a 30-day block inside the season: its stop ends during the warning, the next block's begins in it
    blocks = sorted((e["stop"][0], e["id"]) for e in plan["enterprises"] if e["days"] == 30
                    and e["industry"] == "casting")
    (_, ended_on), ended = blocks[0]
    began = next((i for (first, _), i in blocks if first == shifted(ended_on, 1)), None)
    assert began is not None, blocks
    lift, folder = warning(run, clock_at, f"{ended_on}T20:00", f"{shifted(ended_on, 2)}T08:00")
    texts = {n["id"]: squeezed(text_of(folder / n["file"])) for n in lift["notices"]}
    assert RESUME_ZH in texts[ended] and "错峰" not in texts[ended]  # its stop is over: it resumes
    last = stop_of(plan, began)[1]
    assert f"按错峰生产告知书（{numbers[began]}）继续停产至{zh_day(last)}止" in texts[began]
    assert RESUME_ZH not in texts[began]


def test_a_superseded_plan_stops_nobody(run, clock_at) -> None:
    from datetime import date, timedelta

    plan, _ = season_plan(run, clock_at)
    day = stop_of(plan, code(10))[0]
    # the plan revised: casting C plants re-filed as steel, an industry the policy does not stagger
    write(Path("county.yaml"), stagger_list().replace("industry: casting\n    grade: C\n",
                                                      "industry: steel\n    grade: C\n"))
    clock_at("2025-07-11T09:00")
    assert stagger(run, "2025-2026", "--json").exit_code == 0
    lift, folder = warning(run, clock_at, f"{day}T20:00",
                           f"{(date.fromisoformat(day) + timedelta(days=1)).isoformat()}T08:00")
    texts = {n["id"]: squeezed(text_of(folder / n["file"])) for n in lift["notices"]}
    assert RESUME_ZH in texts[code(10)] and "错峰" not in texts[code(10)]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("fmt", ["md", "pdf", "docx"])
def test_after_a_voided_adjustment_the_new_notice_ends_the_earlier_one(run, fmt: str, lang: str) -> None:
    listfile = EXAMPLES / "small-fails-orange.yaml"

    def activate(level: str, *args: str) -> dict:
        done = run("activate", level, "--list", listfile, "--json", *args)
        assert done.exit_code == 0, done.stderr
        folder = Path(json.loads(done.stdout)["notices"][0]).parent
        return json.loads((folder / "manifest.json").read_text("utf-8")) | {"folder": folder}

    yellow = activate("yellow")
    orange = activate("orange")
    assert orange["previous_level"] == "yellow"
    assert run("void", "--reason", "误升级", "--json").exit_code == 0
    again = activate("orange", "--lang", lang, "--format", fmt)
    yellow_no = {n["id"]: n["number"] for n in yellow["notices"]}
    orange_no = {n["id"]: n["number"] for n in orange["notices"]}
    assert {n["id"]: n.get("withdraws") for n in again["notices"]} == yellow_no
    for n in again["notices"]:
        text = text_of(again["folder"] / n["file"])
        if lang == "zh":
            assert (f"我局此前下发你单位的告知书（{orange_no[n['id']]}）已作废，其所替代的告知书（{yellow_no[n['id']]}）"
                    "同时停止执行，以本告知书为准" in squeezed(text)), text
        else:
            assert (f"Notice {orange_no[n['id']]}, sent to you before, is void (作废), and notice "
                    f"{yellow_no[n['id']]}, which it had replaced, no longer applies either" in spaced(text)), text


def test_a_voided_first_warning_withdraws_nothing_more(run) -> None:
    listfile = EXAMPLES / "small-fails-orange.yaml"
    first = json.loads(run("activate", "orange", "--list", listfile, "--json").stdout)
    assert run("void", "--reason", "误发", "--json").exit_code == 0
    again = run("activate", "orange", "--list", listfile, "--json")
    folder = Path(json.loads(again.stdout)["notices"][0]).parent
    m = json.loads((folder / "manifest.json").read_text("utf-8"))
    assert all("withdraws" not in n for n in m["notices"]) and m["voids"] == first["activation"]
    text = squeezed(text_of(folder / m["notices"][0]["file"]))
    assert "已作废，以本告知书为准" in text and "其所替代" not in text


@pytest.mark.parametrize("removed", [False, True])
def test_lift_notices_go_in_list_order_after_a_changed_re_issue(run, isolated: Path, removed: bool) -> None:
    from test_changed import DONGSHENG, activate, corrected

    _, _, first = activate(run, EXAMPLES / "worked-example.yaml")
    order = [n["id"] for n in first["notices"]]
    assert order.index(DONGSHENG) > 0
    fixed = corrected(isolated)
    _, _, changed = activate(run, fixed, "--force", "--changed")
    assert [n["id"] for n in changed["notices"]] == [DONGSHENG]
    if removed:  # the list gone since: the order the journal first recorded them in
        fixed.unlink()
    lifted = run("lift", "--at", "2025-12-03T08:00", "--json")
    assert lifted.exit_code == 0, lifted.stderr
    folder = Path(json.loads(lifted.stdout)["notices"][0]).parent
    lift = json.loads((folder / "manifest.json").read_text("utf-8"))
    assert [n["id"] for n in lift["notices"]] == order
    assert [n["file"][:4] for n in lift["notices"]] == ["0001", "0002", "0003"]
    assert lift["notices"][order.index(DONGSHENG)]["activation_number"] == changed["notices"][0]["number"]
