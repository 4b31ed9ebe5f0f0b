"""``sms.csv`` beside every notice set (SPEC §16): what the bureau's SMS platform sends.

One row per notified enterprise with a contact phone: ``phone, id, name,
text``. The text is at most :data:`LIMIT` characters (one SMS of 70 Chinese
characters, the count the platforms bill by), names the authority in 【】,
the level, the start (or the lift time) and the notice number. When the full
wording does not fit, shorter wordings are tried; the authority is shortened
only when even the shortest does not fit.

The file is UTF-8 with a BOM, so Excel and WPS open it without 乱码, and a cell
that would start a formula is prefixed with ``'`` (as ``haze export`` does).
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from collections.abc import Iterator, Sequence
from typing import Any

from haze.core.text import FORMULA_STARTS

SMS_FILE = "sms.csv"
LIMIT = 70
HEADER = ("phone", "id", "name", "text")


def _when(moment: datetime, lang: str) -> str:
    """``12月1日20时`` / ``1 Dec 20:00``: the year is the notice's, and every character counts."""
    from haze.core.timeparse import to_shanghai

    t = to_shanghai(moment)
    if lang == "zh":
        return f"{t.month}月{t.day}日{t.hour}时" + (f"{t.minute}分" if t.minute else "")
    return f"{t.day} {t:%b %H:%M}"


def _level(issue: dict[str, Any], lang: str, short: bool) -> str:
    lv = issue["level"]
    if lang == "zh":
        word = f"{lv['zh']}预警" if short else f"{lv['zh']}预警（{lv['response']}）"
        pv = issue.get("previous_level")
        if pv and not short:
            verb = "升级" if issue.get("adjustment") == "upgrade" else "降级"
            return f"{pv['zh']}预警{verb}为{word}"
        return word
    word = f"{lv['value']} warning" if short else f"{lv['value']} warning (Level {lv['roman']})"
    return word


def texts(authority: str, issue: dict[str, Any], number: str, lang: str, receipt: str = "", *,
          county: bool = False, continuing: dict[str, Any] | None = None) -> list[str]:
    """The wordings of one SMS, longest first; ``receipt``: the policy's receipt time (1小时 / 1 hour).

    ``county``: the city's text to a county bureau (SPEC §13), told by a 通知 to start its own
    response, not an enterprise told by a 告知书 to cut. ``continuing``: a lift's enterprise whose
    stop goes on (its 错峰 stop, or 停产整治: haze.render.notices._continuing), never told to resume.
    """
    if issue["kind"] == "lift" and not county and continuing:
        return _continuing_texts(authority, issue, number, lang, continuing)
    receipt = receipt or ("1小时" if lang == "zh" else "1 hour")
    when = _when(issue["start"], lang)
    lift = issue["kind"] == "lift"
    full, short = _level(issue, lang, False), _level(issue, lang, True)
    if county and lift:
        if lang == "zh":
            head = f"【{authority}】"
            return [f"{head}{full}于{when}解除，请按{number}通知解除本县应急响应、通知企业有序恢复生产并报告。",
                    f"{head}{full}于{when}解除，请按{number}通知解除本县应急响应并报告。",
                    f"{head}{short}于{when}解除，请按{number}通知解除本县响应。",
                    f"{head}{short}于{when}解除，见{number}通知。",
                    f"{head}{short}{when}解除，见{number}"]
        head = f"[{authority}] "
        return [f"{head}{full} lifted {when}: end your county's response as notice {number} orders, and report.",
                f"{head}{full} lifted {when}; see notice {number}.",
                f"{head}{short} lifted {when}: {number}",
                f"{head}{issue['level']['value']} off {when} {number}"]
    if county:
        if lang == "zh":
            head = f"【{authority}】"
            return [f"{head}{full}{when}起执行，请按{number}通知启动本县响应、下发企业告知书，{receipt}内反馈回执。",
                    f"{head}{full}{when}起，请按{number}通知启动本县响应，{receipt}内反馈回执。",
                    f"{head}{full}{when}起，请按{number}通知启动本县响应。",
                    f"{head}{short}{when}起，见{number}通知。",
                    f"{head}{short}{when}起，见{number}"]
        head = f"[{authority}] "
        return [f"{head}{full} from {when}: start your county's response as notice {number} orders, receipt "
                f"within {receipt}.",
                f"{head}{full} from {when}: see notice {number}.",
                f"{head}{short} from {when}: {number}",
                f"{head}{issue['level']['value']} {when} {number}"]
    if lang == "zh":
        head = f"【{authority}】"
        if lift:
            return [f"{head}{full}于{when}解除，请按{number}通知有序恢复生产并报告。",
                    f"{head}{short}于{when}解除，见{number}通知。",
                    f"{head}{short}{when}解除，见{number}"]
        again = "（重新下发）" if issue.get("reissue") else ""
        return [f"{head}{full}{when}起执行，请按{number}告知书{again}落实应急减排措施，{receipt}内反馈回执。",
                f"{head}{full}{when}起，请按{number}告知书{again}落实减排措施。",
                f"{head}{short}{when}起，见{number}告知书。",
                f"{head}{short}{when}起，见{number}"]
    head = f"[{authority}] "
    colour = issue["level"]["value"]
    if lift:
        return [f"{head}{full} lifted {when}; see notice {number}.",
                f"{head}{short} lifted {when}: {number}",
                f"{head}{colour} off {when} {number}"]
    return [f"{head}{full} from {when}: carry out notice {number}, receipt within {receipt}.",
            f"{head}{full} from {when}: see notice {number}.",
            f"{head}{short} from {when}: {number}",
            f"{head}{colour} {when} {number}"]


def _continuing_texts(authority: str, issue: dict[str, Any], number: str, lang: str,
                      continuing: dict[str, Any]) -> list[str]:
    """A lift's SMS to an enterprise whose stop goes on after it: the warning ends, the stop does not."""
    when = _when(issue["start"], lang)
    full, short = _level(issue, lang, False), _level(issue, lang, True)
    stagger = continuing.get("kind") == "stagger"
    last = continuing.get("last")
    if lang == "zh":
        head = f"【{authority}】"
        until = f"至{_day(last, lang)}" if stagger and last is not None else ""
        goes_on = f"你单位错峰停产继续{until}" if stagger else "你单位继续停产整治"
        word = "错峰停产" if stagger else "停产整治"
        return [f"{head}{full}于{when}解除，{goes_on}，不得恢复生产，见{number}通知。",
                f"{head}{full}于{when}解除，{goes_on}，见{number}通知。",
                f"{head}{short}{when}解除，{goes_on}，见{number}",
                f"{head}{short}解除，继续{word}{until}，见{number}",
                f"{head}继续{word}，见{number}"]
    head = f"[{authority}] "
    until = f" to {_day(last, lang)}" if stagger and last is not None else ""
    goes_on = f"your staggered stop goes on{until}" if stagger else "your rectification stop goes on"
    brief = f"staggered stop{until}" if stagger else "rectification stop goes on"
    colour = issue["level"]["value"]
    return [f"{head}{full} lifted {when}; {goes_on}: do not restart. See notice {number}.",
            f"{head}{full} lifted {when}; {goes_on}. See {number}.",
            f"{head}{short} lifted; {goes_on}: {number}",
            f"{head}{colour} lifted; {brief}: {number}",
            f"{head}still stopped: {number}"]


def sms_text(authority: str, issue: dict[str, Any], number: str, lang: str = "zh", receipt: str = "", *,
             county: bool = False, continuing: dict[str, Any] | None = None) -> str:
    """The longest wording within :data:`LIMIT`; the authority shortened when none fits."""
    candidates = texts(authority, issue, number, lang, receipt, county=county, continuing=continuing)
    for text in candidates:
        if len(text) <= LIMIT:
            return text
    shortest = candidates[-1]
    room = len(authority) - (len(shortest) - LIMIT) - 1
    if room > 0:
        return texts(authority[:room] + "…", issue, number, lang, receipt, county=county,
                     continuing=continuing)[-1]
    return shortest[:LIMIT]  # an absurd notice number: the platform would split the message anyway


def _cell(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _day(moment: datetime, lang: str) -> str:
    from haze.core.timeparse import to_shanghai

    t = to_shanghai(moment)
    return f"{t.month}月{t.day}日" if lang == "zh" else f"{t.day} {t:%b}"


def season_texts(authority: str, kind: str, span_of: tuple[datetime, datetime], number: str, lang: str) -> list[str]:
    """The wordings of a season control's SMS (SPEC §16: ozone episodes and season plans too), longest first.

    ``span_of``: the days it concerns: the episode's, or this enterprise's own stop in a season plan.
    """
    first, last = _day(span_of[0], lang), _day(span_of[1], lang)
    span = first if first == last else (f"{first}至{last}" if lang == "zh" else f"{first}–{last}")
    ozone = kind == "ozone"
    if lang == "zh":
        head = f"【{authority}】"
        what = "臭氧污染防控错时生产" if ozone else "秋冬季错峰生产停产"
        return [f"{head}{span}{what}，请按{number}告知书执行。", f"{head}{span}{what}，见{number}",
                f"{head}{span}{'错时生产' if ozone else '错峰停产'}{number}"]
    head = f"[{authority}] "
    what = "ozone: move VOCs work out of the window" if ozone else "staggered production: stop"
    return [f"{head}{span} {what}; see notice {number}.", f"{head}{span} {'ozone' if ozone else 'stop'}: {number}"]


def release_texts(authority: str, number: str, replaces: str, lang: str) -> list[str]:
    """The wordings of a revised 错峰 plan's SMS to an enterprise it no longer stops, longest first:
    its earlier notice (``replaces``) is void, so the text must not read as a stop order."""
    if lang == "zh":
        head = f"【{authority}】"
        return [f"{head}本季错峰生产计划已调整，你单位不再错峰停产，原告知书{replaces}作废，详见{number}告知书。",
                f"{head}你单位不再错峰停产，原{replaces}作废，见{number}", f"{head}不再错峰停产，见{number}"]
    head = f"[{authority}] "
    return [f"{head}The staggered-production plan is revised: you no longer stop; notice {replaces} is void. "
            f"See notice {number}.", f"{head}No longer stopping; {replaces} void. See {number}.",
            f"{head}No stop: see {number}"]


def fitting(candidates: list[str]) -> str:
    """The longest wording within :data:`LIMIT` (the last one cut if none fits)."""
    return next((text for text in candidates if len(text) <= LIMIT), candidates[-1][:LIMIT])


def sms_pieces(base: dict[str, Any], rows: Sequence[dict[str, Any]], lang: str,
               missing: list[dict[str, str]], every: int = 2048) -> Iterator[str]:
    """The text of sms.csv a few thousand rows at a time (a province's is tens of MB held at once).

    A season control's set (``base["season_issue"]``: ozone or stagger) is worded
    as such; every other set as a warning or its lift.

    ``missing`` is filled as the rows go: complete once the pieces are exhausted.
    """
    authority = base["bureau"]["name"]
    issue = base["issue"]
    season = base.get("season_issue")
    county = bool(base.get("county_set"))  # the city's notices to its county bureaus (SPEC §13)
    receipt = str((base.get("duties") or {}).get("receipt") or "")
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for n, row in enumerate(rows, start=1):
        enterprise = row["enterprise"]
        phone = (enterprise.get("contact") or {}).get("phone", "").strip()
        if not phone:
            missing.append({"id": enterprise["id"], "name": enterprise["name"], "number": row["number"]})
            continue
        phone = phone if not phone.startswith(("=", "@", "\t", "\r")) else "'" + phone  # +86… stays a phone
        if season and row.get("release"):
            text = fitting(release_texts(authority, row["number"], row.get("replaces") or "", lang))
        elif season:
            stop = row.get("stop")  # a season plan: the enterprise's own stop, not the whole season
            span = (stop["first"], stop["last"]) if stop else (season["first"], season["last"])
            text = fitting(season_texts(authority, season["kind"], span, row["number"], lang))
        else:
            text = sms_text(authority, issue, row["number"], lang, receipt, county=county,
                            continuing=row.get("continuing"))
        writer.writerow([phone, _cell(enterprise["id"]), _cell(enterprise["name"]), text])
        if n % every == 0:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    yield out.getvalue()


def read_phones(directory: str) -> dict[str, str]:
    """credit code -> phone, from the ``sms.csv`` an earlier run wrote in ``directory`` (none: empty).

    A lift notice goes to everyone the warning notified; the journal keeps who, and the
    activation's own sms.csv keeps their phones, so a lift texts the same numbers.
    """
    from pathlib import Path

    try:
        text = (Path(directory) / SMS_FILE).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return {}
    phones = {}
    for row in csv.DictReader(io.StringIO(text)):
        phone, credit_code = (row.get("phone") or "").strip(), (row.get("id") or "").strip()
        if phone and credit_code:
            phones[credit_code.lstrip("'")] = phone
    return phones
