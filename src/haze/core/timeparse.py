"""Reading and writing the times a duty officer types (``--start``, ``--until``).

Accepted (after NFKC, so full-width digits and ``：`` work):

* ISO 8601: ``2025-12-01T20:00``, ``2025-12-01 20:00``, with or without
  seconds, fractions or an offset (``+08:00``, ``Z``); a date alone is 00:00;
* slash and dot forms, year first: ``2025/12/1 20:00``, ``2025.12.01 8:05``;
* Chinese forms: ``2025年12月1日20时``, ``2025年12月1日 20时30分``,
  ``2025年12月1日20点半``, ``2025年12月1日 20:30``, ``12月1日20时`` (in the year
  that puts it nearest to now: typed at 00:30 on 1 January, ``12月31日22时`` is
  two and a half hours ago, not a year ahead), and ``24时`` for the end of a
  day, as bureau documents write it.

The Chinese forms are read with a regular expression, everything else with
``dateutil.parser.isoparse``; never the fuzzy parser, which guesses silently
(and reads ``12/01`` American-style). Naive times are Asia/Shanghai; every
result is an aware datetime in Asia/Shanghai.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from haze.core.errors import UsageError

SHANGHAI = ZoneInfo("Asia/Shanghai")

# Not strftime("%B"): that follows the process locale.
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")

HINT = "use 2025-12-01T20:00, 2025/12/1 20:00 or 2025年12月1日20时"

_ZH = re.compile(
    r"""^(?:(?P<year>\d{4})\s*年)?\s*(?P<month>\d{1,2})\s*月\s*(?P<day>\d{1,2})\s*[日号]
        \s*(?:
            (?P<hour>\d{1,2})\s*[时点](?:\s*(?:(?P<minute>\d{1,2})\s*分|(?P<half>半)))?
          | (?P<chour>\d{1,2}):(?P<cminute>\d{2})
        )?$""",
    re.VERBOSE,
)
# Year-first dates with any of - / . and an optional time: normalised to ISO for isoparse.
_LOOSE = re.compile(
    r"^(?P<year>\d{4})[-/.](?P<month>\d{1,2})[-/.](?P<day>\d{1,2})"
    r"(?:(?:T|\s+)(?P<hour>\d{1,2})(?P<rest>(?::\d{2}){0,2}(?:\.\d+)?\s*(?:Z|[+-]\d{2}(?::?\d{2})?)?))?$"
)

_COMPACT = re.compile(r"^\d{8}(?:T\d|$)")  # ISO basic format: 20251201T2000


def parse_when(text: str, now: datetime | None = None) -> datetime:
    """``text`` as an aware datetime in Asia/Shanghai; ``UsageError`` (one line) if unreadable.

    ``now`` decides the year of Chinese forms that omit it (default: the
    current time in Asia/Shanghai): the year that puts the time nearest to it.
    """
    if not isinstance(text, str):
        raise UsageError(f"cannot read time {text!r}: {HINT}")
    cleaned = " ".join(unicodedata.normalize("NFKC", text).split())
    if not cleaned:
        raise UsageError(f"empty time: {HINT}")
    match = _ZH.match(cleaned)
    if match:
        return _from_chinese(match, text, now)
    if any(ch in cleaned for ch in "年月日时点"):
        raise UsageError(f"cannot read time {text!r}: {HINT}")
    return _aware(_isoparse(cleaned, text))


def _from_chinese(match: re.Match[str], text: str, now: datetime | None) -> datetime:
    hour = match["hour"] or match["chour"] or "0"
    minute = match["minute"] or match["cminute"] or ("30" if match["half"] else "0")
    if match["year"] is not None:
        return _chinese_time(int(match["year"]), match, int(hour), int(minute), text)
    # No year: the one nearest to now. Around New Year the current year is wrong either way
    # (12月31日22时 typed at 00:30 on 1 January is last year; 1月1日8时 typed on 31 December is next).
    here = (now or datetime.now(SHANGHAI)).astimezone(SHANGHAI)
    # A date impossible this year (2月29日 in 2025) is a typo, refused, never moved to a leap year.
    candidates = [_chinese_time(here.year, match, int(hour), int(minute), text)]
    for year in (here.year - 1, here.year + 1):
        try:
            candidates.append(_chinese_time(year, match, int(hour), int(minute), text))
        except UsageError:
            continue  # 2月29日 of a leap year: next to it, only this year has one
    return min(candidates, key=lambda moment: abs(moment - here))


def _chinese_time(year: int, match: re.Match[str], hours: int, minutes: int, text: str) -> datetime:
    try:
        day = date(year, int(match["month"]), int(match["day"]))
        # 24时 is how a notice says "end of the day": the next day's 00:00.
        if hours == 24 and minutes == 0:
            return datetime.combine(day, datetime.min.time(), SHANGHAI) + timedelta(days=1)
        return datetime(day.year, day.month, day.day, hours, minutes, tzinfo=SHANGHAI)
    except ValueError as exc:
        raise UsageError(f"not a valid time {text!r}: {exc}") from None


def _isoparse(cleaned: str, text: str) -> datetime:
    from dateutil.parser import isoparse

    # A full date is required: isoparse alone would read "2025" as 1 January.
    loose = _LOOSE.match(cleaned)
    if loose is not None:
        iso = f"{int(loose['year']):04d}-{int(loose['month']):02d}-{int(loose['day']):02d}"
        if loose["hour"] is not None:
            iso += f"T{int(loose['hour']):02d}{loose['rest'].replace(' ', '')}"
    elif _COMPACT.match(cleaned):
        iso = cleaned
    else:
        raise UsageError(f"cannot read time {text!r}: {HINT}")
    try:
        return isoparse(iso)
    except (ValueError, OverflowError) as exc:
        raise UsageError(f"not a valid time {text!r}: {exc}") from None


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None:
        return value.replace(tzinfo=SHANGHAI)
    return value.astimezone(SHANGHAI)


def to_shanghai(value: datetime) -> datetime:
    """``value`` in Asia/Shanghai; a naive value is taken to be Shanghai time already."""
    return _aware(value)


def format_zh(value: datetime) -> str:
    """``2025年12月1日20时``, with ``30分`` when the minutes are not zero (Shanghai time)."""
    t = _aware(value)
    text = f"{t.year}年{t.month}月{t.day}日{t.hour}时"
    return text + f"{t.minute}分" if t.minute else text


def format_zh_end(value: datetime) -> str:
    """An end time: midnight is written as the previous day's ``24时``, as notices do."""
    t = _aware(value)
    if t.hour == 0 and t.minute == 0:
        day = t - timedelta(days=1)
        return f"{day.year}年{day.month}月{day.day}日24时"
    return format_zh(t)


def format_zh_day(value: datetime) -> str:
    """``2025年12月1日``: the date a bureau writes under its seal."""
    t = _aware(value)
    return f"{t.year}年{t.month}月{t.day}日"


def format_en(value: datetime) -> str:
    """``1 December 2025, 20:00`` (Beijing time is implied: the notice says so once)."""
    t = _aware(value)
    return f"{t.day} {_MONTHS[t.month - 1]} {t.year}, {t:%H:%M}"


def format_en_day(value: datetime) -> str:
    t = _aware(value)
    return f"{t.day} {_MONTHS[t.month - 1]} {t.year}"
