"""The vocabulary of SPEC §1 (every alias) and the credit code of §6, checked by hand and by hypothesis."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from haze.core.creditcode import CHARSET, WEIGHTS, check_character, is_valid, problem
from haze.core.policy import load_policy
from haze.core.model import (
    LEVELS,
    Capacity,
    Level,
    Measure,
    Pollutant,
    Status,
    parse_bool,
    parse_cut,
    parse_zone,
)

YELLOW, ORANGE, RED = Level.YELLOW, Level.ORANGE, Level.RED

# -- levels ---------------------------------------------------------------------------------------

LEVEL_ALIASES = {
    YELLOW: ["yellow", "Yellow", "黄色", "黄", "III", "iii", "Ⅲ", "3", 3, "三级", "黄色预警", "Ⅲ级", "Ⅲ级响应", "３"],
    ORANGE: ["orange", "ORANGE", "橙色", "橙", "II", "Ⅱ", "2", 2, "二级", "橙色预警", "Ⅱ级", "Ⅱ级响应", "II级应急响应"],
    RED: ["red", "红色", "红", "I", "i", "Ⅰ", "1", 1, "一级", "红色预警", "Ⅰ级", "Ⅰ级响应", " red "],
}


@pytest.mark.parametrize(("level", "alias"), [(lvl, a) for lvl, names in LEVEL_ALIASES.items() for a in names])
def test_level_aliases(level: Level, alias: object) -> None:
    assert Level.parse(alias) is level


@pytest.mark.parametrize("value", ["purple", "IV", "4", 0, "", "级", "预警", True, None, 2.0, ["red"]])
def test_unknown_levels_are_none(value: object) -> None:
    assert Level.parse(value) is None


def test_level_order_and_escalation() -> None:
    assert YELLOW < ORANGE < RED and RED > YELLOW and ORANGE >= ORANGE
    assert max([ORANGE, RED, YELLOW]) is RED and sorted([RED, YELLOW, ORANGE]) == list(LEVELS)
    assert [YELLOW.raised(n) for n in (0, 1, 2, 3)] == [YELLOW, ORANGE, RED, RED]   # capped at red
    assert RED.raised(1) is RED and ORANGE.raised(-5) is YELLOW


def test_level_names() -> None:
    assert [(lvl.zh, lvl.response, lvl.roman) for lvl in LEVELS] == [
        ("黄色", "Ⅲ级", "III"), ("橙色", "Ⅱ级", "II"), ("红色", "Ⅰ级", "I")]


# -- pollutants, grades, category, status -------------------------------------------------------------

@pytest.mark.parametrize(("pollutant", "aliases"), [
    (Pollutant.SO2, ["so2", "SO2", "SO₂", "二氧化硫", "ＳＯ２"]),
    (Pollutant.NOX, ["nox", "NOx", "NOX", "氮氧化物"]),
    (Pollutant.PM, ["pm", "PM", "颗粒物"]),
    (Pollutant.VOCS, ["vocs", "VOCs", "voc", "挥发性有机物"]),
])
def test_pollutant_aliases(pollutant: Pollutant, aliases: list[str]) -> None:
    assert all(Pollutant.parse(a) is pollutant for a in aliases)
    assert pollutant.label and pollutant.zh


@pytest.mark.parametrize("value", ["co2", "pm2.5", "", 5, None])
def test_unknown_pollutants(value: object) -> None:
    assert Pollutant.parse(value) is None


@pytest.mark.parametrize(("grade", "aliases"), [
    ("A", ["A", "a", "A级", "Ａ", "Ａ级"]),
    ("B", ["B", "B级", "b类", "B 级", "Ｂ", "b", " B ", "Ｂ　级"]),
    ("B-", ["B-", "B－", "B-级", "B（含B-）", "b-", "B级（含B-）", "含B-", "B −", "B—"]),
    ("C", ["C", "C级"]),
    ("D", ["D", "d级"]),
    ("leading", ["leading", "引领性", "绩效引领性"]),
    ("nonleading", ["nonleading", "non-leading", "非引领性"]),
    ("unrated", ["unrated", "未评级", "未分级", "无", ""]),
])
def test_grade_aliases(grade: str, aliases: list[str]) -> None:
    """One alias table (haze.core.grades.token): spacing, width, case and 级/类 never matter (issue 18.6)."""
    policy = load_policy("shanxi-2024")
    assert [policy.grade_key(a) for a in aliases] == [grade] * len(aliases)


def test_grade_unknown_and_self_management() -> None:
    policy = load_policy("shanxi-2024")
    assert policy.grade_key("E") is None and policy.grade_key("B+") is None and policy.grade_key("1") is None
    assert {k for k, g in policy.grades.items() if g.self_managed} == {"A", "leading"}
    assert policy.grades["unrated"].zh == "未评级" and policy.grades["B"].zh == "B级"
    assert policy.grades["B-"].zh == "B-级"


def test_category_and_status() -> None:
    policy = load_policy("shanxi-2024")
    assert [policy.category_key(v) for v in (None, "normal", "一般", "guarantee", "保障类", "民生保障类", "vip", "1")] \
        == ["normal", "normal", "normal", "guarantee", "guarantee", "guarantee", None, None]
    assert [Status.parse(v) for v in (None, "operating", "在产", "idle", "停产", "已停产", "closed")] == [
        Status.OPERATING, Status.OPERATING, Status.OPERATING, Status.IDLE, Status.IDLE, Status.IDLE, None]


@pytest.mark.parametrize(("value", "expected"), [
    (None, (True, False)), (False, (True, False)), ("", (True, False)), ("否", (True, False)), ("no", (True, False)),
    ("key", (True, True)), ("重点", (True, True)), ("重点管控区域", (True, True)), ("是", (True, True)),
    ("yes", (True, True)), (True, (True, True)),
    ("maybe", (False, False)), (3, (False, False)),
])
def test_zone_values(value: object, expected: tuple[bool, bool]) -> None:
    assert parse_zone(value) == expected


@pytest.mark.parametrize(("value", "expected"), [
    (True, True), (False, False), ("是", True), ("否", False), ("true", True), ("FALSE", False),
    ("Y", True), ("n", False), (1, True), (0, False), ("不达标", False), ("maybe", None), (2, None),
])
def test_yes_no_values(value: object, expected: bool | None) -> None:
    assert parse_bool(value) is expected


# -- cuts and measures -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "expected"), [
    (0.3, 0.3), (0, 0.0), (1, 1.0), ("0.25", 0.25), ("30%", 0.3), ("30 %", 0.3), ("３０％", 0.3), ("12.5%", 0.125),
    ("停产", 1.0), ("stop", 1.0), ("STOP", 1.0), ("停止生产", 1.0),
    ("150%", 1.5),          # read; the range check (E105) belongs to the list reader
    (True, None), ("abc", None), (None, None), ([0.3], None),
])
def test_cut_forms(value: object, expected: float | None) -> None:
    got = parse_cut(value)
    assert got == (pytest.approx(expected) if expected is not None else None)


def test_measure_value_and_whether_it_sets_a_cut() -> None:
    assert (Measure(cut=0.3).value, Measure(cut=0.3).sets_cut) == (0.3, True)
    assert (Measure(stop=True).value, Measure(stop=True, cut=0.2).value) == (1.0, 1.0)   # stop is cut 1
    assert (Measure(cut=0.0).value, Measure(cut=0.0).sets_cut) == (0.0, True)           # an explicit 0 counts
    only_actions = Measure(actions=("停止土石方作业",))
    assert (only_actions.value, only_actions.sets_cut) == (0.0, False)


def test_capacity_base_is_the_smallest_given() -> None:
    assert Capacity(eia=120, permit=110, actual=100).base == 100
    assert Capacity(eia=120, permit=90).base == 90
    assert Capacity(actual=0).base == 0
    assert Capacity(unit="吨/日").base is None


# -- unified social credit code (GB 32100-2015) ----------------------------------------------------------------

def test_check_character_worked_by_hand() -> None:
    # 91140525MA0KLJY16T: values 9 1 1 4 0 5 2 5 M=21 A=10 0 K=19 L=20 J=18 Y=30 1 6
    # Σ vᵢwᵢ = 9·1 + 1·3 + 1·9 + 4·27 + 0·19 + 5·26 + 2·16 + 5·17 + 21·20 + 10·29 + 0·25 + 19·13 + 20·8
    #        + 18·24 + 30·10 + 1·30 + 6·28 = 2423; 2423 mod 31 = 5; (31 − 5) mod 31 = 26 = T
    assert check_character("91140525MA0KLJY16") == "T"
    assert is_valid("91140525MA0KLJY16T")
    # Σ ≡ 0 (mod 31) gives (31 − 0) mod 31 = 0, not 31: the all-zero code checks with "0"
    assert check_character("0" * 17) == "0"


def test_charset_and_weights() -> None:
    assert len(CHARSET) == 31 and not set("IOSVZ") & set(CHARSET)
    assert WEIGHTS == tuple(3 ** i % 31 for i in range(17))  # 3^(i) mod 31, as GB 32100 defines them


@pytest.mark.parametrize(("code", "why"), [
    ("91140525MA0KLJY16A", "check character should be T"),
    ("91140525MA0KLJY16", "has 17 characters, not 18"),
    ("91140525MA0KLJY16TT", "has 19 characters, not 18"),
    ("91140525MA0KLIY16T", "has characters outside the code's set: I"),
    ("91140525ma0kljy16t", "has characters outside the code's set"),
])
def test_bad_codes_say_why(code: str, why: str) -> None:
    assert why in problem(code)
    assert not is_valid(code)


def test_check_character_refuses_bad_prefixes() -> None:
    assert check_character("91140525MA0KLJY1O") is None  # letter O is not in the set
    assert check_character("9114") is None                # too short


first17 = st.text(alphabet=CHARSET, min_size=17, max_size=17)


@given(first17)
def test_a_code_with_its_check_character_is_valid(prefix: str) -> None:
    assert problem(prefix + check_character(prefix)) is None


@given(first17, st.integers(0, 17), st.sampled_from(CHARSET))
def test_any_single_character_change_is_caught(prefix: str, position: int, replacement: str) -> None:
    # every weight is invertible mod 31 (a prime), so changing one character always changes the check
    code = prefix + check_character(prefix)
    changed = code[:position] + replacement + code[position + 1:]
    assert is_valid(changed) is (changed == code)
