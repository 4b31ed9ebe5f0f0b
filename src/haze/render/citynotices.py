"""The city's notices to its counties (下级预警通知, SPEC §13): one per county list, a city index, manifest.json.

A city bureau does not write to enterprises: it tells each county bureau the level,
the response grade and period, what that county's list must reach (its own
requirement table) and how many of its enterprises stop, cut or self-manage, and
orders it to activate its own list and issue its enterprise notices. The county's
numbers are its own ``check``'s (each list computed on its own, SPEC §13), so a
county reading the notice finds the same figures on its screen.

Rendered with the one Jinja environment (:func:`haze.render.notices.make_environment`)
and written through :func:`haze.render.notices.write_notice_set`, so a county notice
set has every guarantee an enterprise notice set has. Formats md, html, txt and pdf
(the ``*.pdf.j2`` layouts, typeset by :mod:`haze.render.pdf`)
and docx (``county.*.docx``, ``county_lift.*.docx``, ``city_index.*.docx``, built from those layouts
by templates/build_docx.py like every other kind).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator, Mapping, Sequence

from haze.render.notices import (
    _check_options,
    _manifest_head,
    _sms,
    common_context,
    duties_context,
    issue_number,
    issue_seq,
    make_environment,
    one_line,
    pollutant_context,
    templates_for,
    write_notice_set,
)

if TYPE_CHECKING:
    from haze.core.city import CityResult
    from haze.core.engine import LevelResult
    from haze.render.notices import Issue, NoticeSet

COUNTY, COUNTY_LIFT, CITY_INDEX = "county", "county_lift", "city_index"


def county_key(path: str) -> str:
    """The journal's name for a county list among a city warning's recipients: its resolved path."""
    return "county:" + (str(Path(path).resolve()) if path else "")


def county_file(index: int, width: int, region: str, fmt: str) -> str:
    """A county notice's file name, ``0001-示例一县.pdf``: its place in the run and its region, so the
    clerk sending it sees which county it goes to (an enterprise's file has its credit code instead).
    Only letters, digits (汉字 included) and ``-_（）`` of the region are kept, the rest become ``_``, and
    it is cut at 40 characters: the region is the list's text, and a file name must stay a file name
    (and a Markdown link target: no ASCII brackets or spaces).
    A list without a region gives its file's stem, as in sms.csv (:func:`sms_ids_of`)."""
    safe = "".join(c if c.isalnum() or c in "-_（）" else "_" for c in region.strip())[:40]
    return f"{index:0{width}d}-{safe or 'county'}.{fmt}"


def sms_ids_of(lists: Sequence[Any]) -> list[str]:
    """The ``id`` sms.csv gives each county bureau: its list's region (地区), e.g. 示例二县.

    The journal keys a county by :func:`county_key` (its list's resolved path), which
    stays as it is; a person sending texts reads the region, which stays the same
    from one warning to the next. A list without a region is named by its file's
    stem; two lists of the same region get their file's name after it
    (``示例县（a.yaml）``), so every row's id is distinct.
    """
    return sms_ids([(lst.info.region or "", str(lst.path or "")) for lst in lists])


def sms_ids(counties: Sequence[tuple[str, str]]) -> list[str]:
    """:func:`sms_ids_of` from each county's (region, list path): what a lift has, from the journal."""
    names = [one_line(region) or Path(path).stem for region, path in counties]
    return [f"{name}（{Path(path).name}）" if names.count(name) > 1 else name
            for name, (_region, path) in zip(names, counties)]


def counts(result: LevelResult) -> dict[str, int]:
    """Enterprises to stop, to cut, to self-manage, other (以热定产, 不限产), idle: the kinds the county's own
    index counts (render/tally.measure_kind), so a city's 自主减排 is the same figure as its county's."""
    from haze.core.engine import IDLE
    from haze.render.notices import is_self_managed
    from haze.render.tally import CUT, OTHER, OWN, STOP, measure_kind

    names = {STOP: "stop", CUT: "cut", OWN: "self_managed", OTHER: "other"}
    found = {"stop": 0, "cut": 0, "self_managed": 0, "other": 0, "idle": 0}
    for r in result.enterprises:
        if r.reason == IDLE:
            found["idle"] += 1
            continue
        kind = measure_kind({"stopped": r.stopped, "plant_cut": r.plant_cut,
                             "self_managed": is_self_managed(r, result.policy)})
        found[names[kind]] += 1
    found["operating"] = found["stop"] + found["cut"] + found["self_managed"] + found["other"]
    return found


def county_facts(result: LevelResult, enterprise_list: Any) -> dict[str, Any]:
    """What the journal records of one county at a city activation, and what its lift notice needs."""
    from haze.render.report import pollutant_json

    info = enterprise_list.info
    return {"path": str(Path(enterprise_list.path).resolve()) if enterprise_list.path else "",
            "sha256": enterprise_list.sha256, "region": info.region or "", "authority": info.authority or "",
            "doc_prefix": info.doc_prefix or "", "policy": result.policy.record, "basis": result.basis,
            "ok": result.ok, "pollutants": {p.value: pollutant_json(r) for p, r in result.pollutants.items()},
            "counts": counts(result)}


def _county_context(result: LevelResult, enterprise_list: Any, lang: str) -> dict[str, Any]:
    info = enterprise_list.info
    return {"authority": one_line(info.authority or ""), "region": one_line(info.region or ""),
            "path": str(enterprise_list.path or ""), "file": one_line(Path(enterprise_list.path or "").name),
            "sha256": enterprise_list.sha256, "doc_prefix": one_line(info.doc_prefix or ""),
            "policy": {"name": result.policy.record, "title": one_line(result.policy.title)},
            "ok": result.ok, "basis": result.basis,
            "pollutants": [pollutant_context(p, lang) for p in result.pollutants.values()],
            "failing": [pollutant_context(result.pollutants[p], lang) for p in result.failing],
            "counts": counts(result), "duties": duties_context(result.policy.duties, lang)}


def render_city_activation(city: CityResult, city_info: Mapping[str, Any], issue: Issue, parent: Path, *,
                           lang: str = "zh", fmt: str = "md", templates: Path | None = None,
                           dry_run: bool = False,
                           on_missing: Callable[[list[dict[str, str]]], None] | None = None) -> NoticeSet:
    """One 下级预警通知 per county list (``NNNN-<region>.<fmt>``, :func:`county_file`), ``index.<fmt>``, sms.csv and manifest.json.

    ``sms.csv`` texts each county bureau's duty phone (its list's ``contact``); ``on_missing`` hears
    the counties without one (``id`` = :func:`sms_ids_of`'s, ``name`` = its authority, ``number``).

    ``city_info``: the city's ``authority``, ``region``, ``doc_prefix`` (and optionally ``contact``).
    Numbered from ``issue.first_number`` in the city's own sequence, in the order of the lists.
    """
    tpl, info, base, prefix = _city_set(city_info, issue, lang, fmt, templates, COUNTY)
    count = len(city.results)
    width = max(4, len(str(count)))
    rows: list[dict[str, Any]] = []
    for i, (result, enterprise_list) in enumerate(zip(city.results, city.lists)):
        county = _county_context(result, enterprise_list, lang)
        key = county_key(enterprise_list.path)
        rows.append({"index": i + 1, "seq": issue_seq(issue, i), "number": issue_number(prefix, issue, i, count),
                     "file": county_file(i + 1, width, county["region"] or Path(county["path"]).stem, fmt),
                     "replaces": one_line(issue.replaced_numbers.get(key, "")), "key": key, "county": county})
    total = city.total
    summary = {"ok": city.ok, "total_ok": total.ok, "basis": total.basis,
               "pollutants": [pollutant_context(p, lang) for p in total.pollutants.values()],
               "failing": [pollutant_context(total.pollutants[p], lang) for p in total.failing],
               "counts": {k: sum(r["county"]["counts"][k] for r in rows)
                          for k in ("stop", "cut", "self_managed", "other", "idle", "operating")}}
    # the city total's chart, as the county index draws its own (render/tally): one bar per pollutant
    from haze.render.tally import ratio_bars, svg

    bars = ratio_bars(summary, lang)
    summary |= {"ratio_bars": bars, "ratio_svg": svg(bars)}

    def produce() -> Iterator[tuple[str, str | bytes | Iterator[str]]]:
        for row in rows:
            notice = {k: row[k] for k in ("index", "seq", "number", "file", "replaces")}
            yield row["file"], tpl.render("notice", base | {"notice": notice, "county": row["county"]})
        yield f"index.{fmt}", tpl.render("index", base | {"notices": rows, "count": len(rows), "summary": summary})
        yield from tpl.extras()  # all.pdf
        # the same file as an enterprise set's (render.sms), worded to a county bureau
        yield from _sms(base | {"county_set": True}, sms_rows, lang, on_missing)

    # sms.csv reads a row's number and its addressee as an "enterprise": here the county bureau, whose
    # ``id`` is what the person sending the texts knows it by (its region), not the journal's key (a path)
    sms_ids = sms_ids_of(city.lists)
    sms_rows = [{"number": row["number"], "enterprise": {"id": sms_id, "name": row["county"]["authority"],
                                                         "contact": {"phone": _duty_phone(lst)}}}
                for row, lst, sms_id in zip(rows, city.lists, sms_ids)]
    notices = [{"id": row["key"], "name": row["county"]["authority"], "number": row["number"], "file": row["file"]}
               | ({"replaces": row["replaces"]} if row["replaces"] else {}) for row in rows]
    policies = ", ".join(dict.fromkeys(r.policy.record for r in city.results))
    head = _manifest_head(issue, lang, fmt, info, policies, notices)
    head["lists"] = [{"path": r["county"]["path"], "sha256": r["county"]["sha256"],
                      "region": r["county"]["region"], "authority": r["county"]["authority"]} for r in rows]
    return write_notice_set(Path(parent), issue.id, produce(), head, len(rows), notices, dry_run)


def _city_set(city_info: Mapping[str, Any], issue: Issue, lang: str, fmt: str, templates: Path | None,
              notice: str) -> tuple[Any, dict[str, Any], dict[str, Any], str]:
    """What a city's notice set starts from: its templates, its header facts, the shared context, its prefix."""
    _check_options(issue, lang, fmt)
    env = make_environment(lang=lang, fmt=fmt, templates=templates)
    tpl = templates_for(env, lang, fmt, {"notice": notice, "index": CITY_INDEX})
    info = dict(city_info, path="", sha256="")
    base = common_context(info, issue, lang, fmt, city_info.get("contact"))
    return tpl, info, base, one_line(city_info.get("doc_prefix") or "")


def _duty_phone(enterprise_list: Any) -> str:
    contact = getattr(enterprise_list.info, "contact", None)
    return one_line(contact.phone if contact is not None and contact.phone else "")


def render_city_lift(notified: Sequence[Mapping[str, str]], lists: Sequence[Mapping[str, Any]],
                     city_info: Mapping[str, Any], issue: Issue, parent: Path, *, lang: str = "zh",
                     fmt: str = "md", templates: Path | None = None, dry_run: bool = False,
                     progress: Callable[[int, int], None] | None = None,
                     phones: Mapping[str, str] | None = None) -> NoticeSet:
    """A lift notice (解除通知) to every county the city warning notified, citing the number each got.

    ``notified``: the journal's recipients (``id`` = :func:`county_key`, ``name``, ``number``);
    ``lists``: the counties as the journal recorded them (:func:`county_facts`), for region and authority;
    ``phones``: the duty phones the warning's sms.csv texted (its ``id``, :func:`sms_ids`, -> phone), which
    this sms.csv texts again (SPEC §16: a lift writes one too).
    """
    tpl, info, base, prefix = _city_set(city_info, issue, lang, fmt, templates, COUNTY_LIFT)
    by_key = {county_key(str(c.get("path") or "")): c for c in lists}
    width = max(4, len(str(len(notified))))
    rows: list[dict[str, Any]] = []
    for i, entry in enumerate(notified):
        facts = by_key.get(str(entry.get("id")), {})
        region, path = one_line(facts.get("region") or ""), str(facts.get("path") or "")
        county = {"authority": one_line(facts.get("authority") or entry.get("name") or ""),
                  "region": region, "path": path,
                  "file": one_line(Path(path).name), "counts": facts.get("counts") or {}}
        rows.append({"index": i + 1, "seq": issue_seq(issue, i),
                     "number": issue_number(prefix, issue, i, len(notified)),
                     "file": county_file(i + 1, width, region or Path(path).stem, fmt),
                     "activation_number": one_line(entry.get("number") or ""), "key": str(entry.get("id")),
                     "county": county})

    def produce() -> Iterator[tuple[str, str | bytes | Iterator[str]]]:
        for done, row in enumerate(rows, start=1):
            notice = {k: row[k] for k in ("index", "seq", "number", "file", "activation_number")}
            yield row["file"], tpl.render("notice", base | {"notice": notice, "county": row["county"]})
            if progress is not None:
                progress(done, len(rows))
        yield f"index.{fmt}", tpl.render("index", base | {"notices": rows, "count": len(rows), "summary": None})
        yield from tpl.extras()
        yield from _sms(base | {"county_set": True}, sms_rows, lang, None)

    ids = sms_ids([(row["county"]["region"], row["county"]["path"]) for row in rows])
    sms_rows = [{"number": row["number"], "enterprise": {"id": sms_id, "name": row["county"]["authority"],
                                                         "contact": {"phone": one_line((phones or {}).get(sms_id, ""))}}}
                for row, sms_id in zip(rows, ids)]
    notices = [{"id": row["key"], "name": row["county"]["authority"], "number": row["number"],
                "file": row["file"], "activation_number": row["activation_number"]} for row in rows]
    head = _manifest_head(issue, lang, fmt, info, str(city_info.get("policy") or ""), notices)
    return write_notice_set(Path(parent), issue.id, produce(), head, len(rows), notices, dry_run)
