"""haze.core.timeparse: every accepted form of --start/--until, and clear refusals."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from haze.core.errors import UsageError
from haze.core.timeparse import SHANGHAI, format_en, format_zh, format_zh_day, parse_when

NOW = datetime(2025, 6, 15, 9, 0, tzinfo=SHANGHAI)
EIGHT_PM = datetime(2025, 12, 1, 20, 0, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    "text",
    [
        "2025-12-01T20:00",
        "2025-12-01 20:00",
        "2025-12-01T20:00:00",
        "2025-12-01 20:00:00",
        "2025-12-01T20:00+08:00",
        "2025-12-01T20:00:00+0800",
        "2025-12-01T12:00Z",
        "2025-12-01T07:00-05:00",
        "20251201T2000",
        "2025/12/1 20:00",
        "2025/12/01 20:00:00",
        "2025.12.01 20:00",
        "2025年12月1日20时",
        "2025年12月1日 20时",
        "2025年12月1日20点",
        "2025年12月1日 20:00",
        "2025年12月01日20时00分",
        "２０２５年１２月１日２０时",
        "２０２５－１２－０１　２０：００",
        "  2025-12-01T20:00  ",
    ],
)
def test_forms_meaning_eight_pm_on_1_december(text: str) -> None:
    value = parse_when(text, NOW)
    assert value == EIGHT_PM
    assert value.utcoffset() == timedelta(hours=8)  # always expressed in Shanghai time
    assert value.tzinfo is SHANGHAI


def test_chinese_form_without_year_takes_the_year_nearest_now() -> None:
    assert parse_when("12月1日20时", NOW) == EIGHT_PM
    assert parse_when("12月1日20时", datetime(2031, 8, 1, tzinfo=SHANGHAI)).year == 2031
    assert parse_when("12月1日20时", datetime(2031, 1, 1, tzinfo=SHANGHAI)).year == 2030  # a month ago


def test_a_yearless_time_typed_just_after_new_year_is_last_year() -> None:
    # Typed at 00:30 on 1 January, "22:00 on 31 December" was two and a half hours ago, not a year ahead.
    just_after = datetime(2026, 1, 1, 0, 30, tzinfo=SHANGHAI)
    assert parse_when("12月31日22时", just_after) == datetime(2025, 12, 31, 22, 0, tzinfo=SHANGHAI)
    assert parse_when("12月31日24时", just_after) == datetime(2026, 1, 1, 0, 0, tzinfo=SHANGHAI)
    # and the other way round: typed late on 31 December, "8:00 on 1 January" is tomorrow morning
    just_before = datetime(2025, 12, 31, 23, 0, tzinfo=SHANGHAI)
    assert parse_when("1月1日8时", just_before) == datetime(2026, 1, 1, 8, 0, tzinfo=SHANGHAI)


def test_the_nearest_year_is_judged_on_the_moment_not_the_utc_calendar() -> None:
    # 2025-12-31 17:00 UTC is already 2026-01-01 01:00 in Shanghai.
    utc_now = datetime(2025, 12, 31, 17, 0, tzinfo=timezone.utc)
    assert parse_when("1月2日8时", utc_now) == datetime(2026, 1, 2, 8, 0, tzinfo=SHANGHAI)
    assert parse_when("12月31日20时", utc_now) == datetime(2025, 12, 31, 20, 0, tzinfo=SHANGHAI)


def test_29_february_without_a_year_exists_only_in_a_leap_year() -> None:
    with pytest.raises(UsageError, match="day is out of range"):
        parse_when("2月29日8时", datetime(2025, 3, 1, tzinfo=SHANGHAI))  # never moved to 2024
    assert parse_when("2月29日8时", datetime(2028, 3, 1, tzinfo=SHANGHAI)) == datetime(2028, 2, 29, 8, 0,
                                                                                    tzinfo=SHANGHAI)


@given(st.datetimes(min_value=datetime(2001, 1, 1), max_value=datetime(2098, 12, 31)),
       st.integers(min_value=1, max_value=12), st.integers(min_value=1, max_value=28),
       st.integers(min_value=0, max_value=23))
def test_a_yearless_time_is_never_more_than_half_a_year_from_now(now: datetime, month: int, day: int,
                                                                 hour: int) -> None:
    now = now.replace(tzinfo=SHANGHAI)
    value = parse_when(f"{month}月{day}日{hour}时", now)
    assert (value.month, value.day, value.hour) == (month, day, hour)
    assert abs(value - now) <= timedelta(days=184)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025年12月1日 20时30分", datetime(2025, 12, 1, 20, 30)),
        ("2025年12月1日20点半", datetime(2025, 12, 1, 20, 30)),
        ("2025年12月1日", datetime(2025, 12, 1, 0, 0)),
        ("2025年12月3日24时", datetime(2025, 12, 4, 0, 0)),  # end of the 3rd, as notices write it
        ("2025年12月31日24时", datetime(2026, 1, 1, 0, 0)),
        ("2025.12.01 8:05", datetime(2025, 12, 1, 8, 5)),
        ("2025-12-01", datetime(2025, 12, 1, 0, 0)),
        ("2025-12-01 20:00:30", datetime(2025, 12, 1, 20, 0, 30)),
        ("2025-12-01T20:00Z", datetime(2025, 12, 2, 4, 0)),
    ],
)
def test_other_forms(text: str, expected: datetime) -> None:
    assert parse_when(text, NOW) == expected.replace(tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "empty time"),
        ("   ", "empty time"),
        ("tomorrow", "cannot read time 'tomorrow'"),
        ("12/01", "cannot read time"),  # ambiguous day/month: refused, not guessed
        ("01/12/2025 20:00", "cannot read time"),
        ("2025", "cannot read time"),  # isoparse alone would say 1 January
        ("2025-12", "cannot read time"),
        ("2025年12月", "cannot read time"),
        ("2025年2月30日20时", "day is out of range"),
        ("2025-02-30T20:00", "not a valid time"),
        ("2025年12月1日25时", "hour must be in 0..23"),
        ("2025-12-01T20:61", "not a valid time"),
        ("Dec 1 2025 8pm", "cannot read time"),
    ],
)
def test_bad_values_are_one_clear_usage_error(text: str, says: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_when(text, NOW)
    message = str(caught.value)
    assert says in message
    assert "\n" not in message
    assert "2025年12月1日20时" in message or "valid time" in message  # shows a form that works


def test_usage_error_exit_code_is_2() -> None:
    with pytest.raises(UsageError) as caught:
        parse_when("soon")
    assert caught.value.exit_code == 2


def test_format_zh() -> None:
    assert format_zh(EIGHT_PM) == "2025年12月1日20时"
    assert format_zh(EIGHT_PM.replace(minute=30)) == "2025年12月1日20时30分"
    assert format_zh(datetime(2025, 12, 1, 12, 0, tzinfo=timezone.utc)) == "2025年12月1日20时"
    assert format_zh(datetime(2025, 1, 5, 8, 5)) == "2025年1月5日8时5分"  # naive: already Shanghai
    assert format_zh_day(EIGHT_PM) == "2025年12月1日"
    assert format_en(EIGHT_PM) == "1 December 2025, 20:00"


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31)))
def test_format_zh_reads_back_to_the_minute(value: datetime) -> None:
    minute = value.replace(second=0, microsecond=0, tzinfo=SHANGHAI)
    assert parse_when(format_zh(minute)) == minute


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31)))
def test_iso_reads_back(value: datetime) -> None:
    aware = value.replace(tzinfo=SHANGHAI)
    assert parse_when(aware.isoformat()) == aware
    assert parse_when(value.isoformat(sep=" ")) == aware
