"""Reading and writing the times a duty officer types (``--start``, ``--until``).

Accepted (after NFKC, so full-width digits and ``：`` work):

* ISO 8601: ``2025-12-01T20:00``, ``2025-12-01 20:00``, with or without
  seconds, fractions or an offset (``+08:00``, ``Z``); a date alone is 00:00;
* slash and dot forms, year first: ``2025/12/1 20:00``, ``2025.12.01 8:05``;
* Chinese forms: ``2025年12月1日20时``, ``2025年12月1日 20时30分``,
  ``2025年12月1日20点半``, ``2025年12月1日 20:30``, ``12月1日20时`` (in the year
  that puts it nearest to now: typed at 00:30 on 1 January, ``12月31日22时`` is
  two and a half hours ago, not a year ahead), and ``24时`` for the end of a
  day, as bureau documents write it;
* what a duty officer types at night (issue 18.8): a time of day alone
  (``20:00``, ``20时``, ``20点半``) is today, Beijing time; ``今天``, ``明天``,
  ``昨天`` before it name the day (``明天8时``, ``今天 20:30``); ``今晚``,
  ``明晚``, ``昨晚`` take an hour before 12 as the evening (``今晚8时`` is
  20:00); ``今早``/``明早``/``今晨``/``明晨`` name a morning, and a part of the day may follow
  the day's word (``明天上午8时``, ``下午3点`` is 15:00, ``中午1点`` 13:00); ``now`` and ``现在``
  are the current time.

Every time must fall in :data:`FIRST_YEAR`–:data:`LAST_YEAR` (issue 17.12): a
year 1 or 9999 is a typo, and refusing it here keeps the date arithmetic
(an offset of +14:00 on 1 January of year 1) from overflowing. Durations
(``--hours``) are bounded by :func:`check_hours`.

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

from haze.core.i18n import N_, _, language
from haze.core.errors import UsageError

SHANGHAI = ZoneInfo("Asia/Shanghai")

# Not strftime("%B"): that follows the process locale.
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")

#: The years a warning can be in: anything else is a typo (and year 1 or 9999 would overflow).
FIRST_YEAR, LAST_YEAR = 2000, 2099
#: A warning lasts at least an hour: notices state times to the minute and enterprises have an hour
#: to respond (SPEC §8), so ``--hours 0.0001`` is a mistake, never a warning.
MIN_HOURS = 1.0
#: ... and at most 31 days: 重污染天气 episodes last days; a longer one is lifted and issued again.
MAX_HOURS = 31 * 24.0

NOW_WORDS = frozenset({"now", "现在", "立即", "即时"})
_DAYS = {"今天": 0, "今日": 0, "明天": 1, "明日": 1, "昨天": -1, "昨日": -1,
         "今晚": 0, "今夜": 0, "明晚": 1, "昨晚": -1, "今早": 0, "今晨": 0, "明早": 1, "明晨": 1, "": 0}
_EVENING = frozenset({"今晚", "今夜", "明晚", "昨晚"})
#: a part of the day after the day's word (明天上午8时, 今天下午3点): the afternoon and evening ones take an
#: hour before 12 as after noon, as 今晚 does; 中午1点 is 13:00 (an officer's words, QA helper-49)
_AFTERNOON = frozenset({"下午", "傍晚", "晚上", "夜里"})
_DUTY = re.compile(
    r"""^(?P<day>今天|今日|明天|明日|昨天|昨日|今晚|今夜|明晚|昨晚|今早|今晨|明早|明晨)?\s*
        (?P<part>上午|早上|早晨|凌晨|中午|下午|傍晚|晚上|夜里)?\s*
        (?:
            (?P<hour>\d{1,2})\s*[时点](?:\s*(?:(?P<minute>\d{1,2})\s*分?|(?P<half>半)))?
          | (?P<chour>\d{1,2}):(?P<cminute>\d{2})
        )$""",
    re.VERBOSE,
)


def hint(now: datetime | None = None) -> str:
    """The forms to suggest, in the current year (never a stale example year)."""
    year = (now or datetime.now(SHANGHAI)).astimezone(SHANGHAI).year
    return _("use {year}-12-01T20:00, {year}/12/1 20:00, {year}年12月1日20时, 20:00, 明天8时 or now "
             "(Beijing time)").format(year=year)


def is_now(text: str) -> bool:
    """True for ``now``/``现在``: the command takes the current time itself (when it holds the journal)."""
    return isinstance(text, str) and unicodedata.normalize("NFKC", text).strip().lower() in NOW_WORDS

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
        raise UsageError(_("cannot read time {text!r}: {hint_now}").format(text=text, hint_now=hint(now)))
    cleaned = " ".join(unicodedata.normalize("NFKC", text).split())
    if not cleaned:
        raise UsageError(_("empty time: {hint_now}").format(hint_now=hint(now)))
    if cleaned.lower() in NOW_WORDS:
        return (now or datetime.now(SHANGHAI)).astimezone(SHANGHAI).replace(second=0, microsecond=0)
    duty = _DUTY.match(cleaned)
    if duty:
        return _from_duty(duty, text, now)
    match = _ZH.match(cleaned)
    if match:
        return _from_chinese(match, text, now)
    if any(ch in cleaned for ch in "年月日时点天晚早午"):
        raise UsageError(_("cannot read time {text!r}: {hint_now}").format(text=text, hint_now=hint(now)))
    return _bounded(_isoparse(cleaned, text, now), text)


def _bounded(value: datetime, text: str) -> datetime:
    """``value`` in Shanghai time, if its year is one a warning can have; else one clear line."""
    # The year is checked before converting: astimezone() of 0001-01-01T00:00+14:00 overflows.
    if FIRST_YEAR <= value.year <= LAST_YEAR:
        result = _aware(value)
        if FIRST_YEAR <= result.year <= LAST_YEAR:
            return result
    raise UsageError(_("time {text!r} is outside {FIRST_YEAR}–{LAST_YEAR}; check the year").format(text=text, FIRST_YEAR=FIRST_YEAR, LAST_YEAR=LAST_YEAR))


def check_hours(hours: float) -> float:
    """``--hours`` if it is a duration a warning can have (:data:`MIN_HOURS`–:data:`MAX_HOURS`)."""
    if MIN_HOURS <= hours <= MAX_HOURS:
        return hours
    why = (_("a warning lasts at least an hour: enterprises have an hour to respond") if hours < MIN_HOURS
           else _("a warning that runs longer is lifted and issued again") if hours > MAX_HOURS
           else _("not a number"))  # NaN fails both comparisons
    raise UsageError(_("--hours must be from {MIN_HOURS:g} to {MAX_HOURS:g} ({max_hours_24:g} days), not {hours:g}; {why}").format(MIN_HOURS=MIN_HOURS, MAX_HOURS=MAX_HOURS, max_hours_24=MAX_HOURS / 24, hours=hours, why=why))


def _from_duty(match: re.Match[str], text: str, now: datetime | None) -> datetime:
    """``20:00``, ``明天8时``, ``今晚8点半``: a time of day on a day named relative to today (Beijing)."""
    here = (now or datetime.now(SHANGHAI)).astimezone(SHANGHAI)
    word = match["day"] or ""
    hours = int(match["hour"] or match["chour"])
    minutes = int(match["minute"] or match["cminute"] or ("30" if match["half"] else "0"))
    part = match["part"] or ""
    if (word in _EVENING or part in _AFTERNOON) and 1 <= hours < 12:
        hours += 12  # 今晚8时 is 20:00: an evening word with a morning hour means the evening
    elif part == "中午" and 1 <= hours < 6:
        hours += 12
    day = here.date() + timedelta(days=_DAYS[word])
    if hours == 24 and minutes == 0:
        return datetime.combine(day, datetime.min.time(), SHANGHAI) + timedelta(days=1)
    if hours > 23 or minutes > 59:
        raise UsageError(_("not a valid time {text!r}: hours 0–24, minutes 0–59; {hint_now}").format(text=text, hint_now=hint(now)))
    return datetime(day.year, day.month, day.day, hours, minutes, tzinfo=SHANGHAI)


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
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise UsageError(_("time {text!r} is outside {FIRST_YEAR}–{LAST_YEAR}; check the year").format(text=text, FIRST_YEAR=FIRST_YEAR, LAST_YEAR=LAST_YEAR))
    try:
        day = date(year, int(match["month"]), int(match["day"]))
        # 24时 is how a notice says "end of the day": the next day's 00:00.
        if hours == 24 and minutes == 0:
            return datetime.combine(day, datetime.min.time(), SHANGHAI) + timedelta(days=1)
        return datetime(day.year, day.month, day.day, hours, minutes, tzinfo=SHANGHAI)
    except ValueError as exc:
        raise UsageError(_("not a valid time {text!r}: {exc}").format(text=text, exc=_reason(exc))) from None


#: what datetime says of a date or time that does not exist, as a person reads it
_REASONS = {
    "month must be in 1..12": N_("month must be in 1..12"),
    "day is out of range for month": N_("day is out of range for month"),
    "hour must be in 0..23": N_("hour must be in 0..23"),
    "minute must be in 0..59": N_("minute must be in 0..59"),
    "second must be in 0..59": N_("second must be in 0..59"),
    "year 0 is out of range": N_("year 0 is out of range"),
}


def _reason(exc: Exception) -> str:
    """Why a date or time does not exist: datetime's words in English, translated (or said plainly) in Chinese."""
    text = str(exc)
    if text in _REASONS:
        return _(_REASONS[text])
    return text if language() != "zh" else _("no such date or time")


def _isoparse(cleaned: str, text: str, now: datetime | None = None) -> datetime:
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
        raise UsageError(_("cannot read time {text!r}: {hint_now}").format(text=text, hint_now=hint(now)))
    try:
        return isoparse(iso)
    except (ValueError, OverflowError) as exc:
        raise UsageError(_("not a valid time {text!r}: {exc}").format(text=text, exc=_reason(exc))) from None


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
