"""The index's counts, township sheets and charts (告知书汇总 as a filed document, SPEC §16).

One pass over the notices' rows gives what every index template shows: how
many notices stop, cut or self-manage, how many of each grade, the same per
乡镇 (the townships deliver the notices and supervise), and for each
township the list it delivers (its 签收单). The charts are data (a bar's
share of its scale, 0–1) for the PDF and DOCX layouts, and a small SVG for
HTML, drawn here so that every value in it is escaped once, in one place.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

# a bar too short to see still shows there is one (a 0.3% share)
_MIN_BAR = 0.004
STOP, CUT, OWN, OTHER = "stop", "cut", "own", "other"


def measure_kind(measures: Mapping[str, Any]) -> str:
    """停产, 限产, 自主减排 or other (以热定产, 不限产): how the index counts a notice."""
    if measures["stopped"]:
        return STOP
    if measures["plant_cut"]:
        return CUT
    if measures["self_managed"]:
        return OWN
    return OTHER


def _counts() -> dict[str, int]:
    return {STOP: 0, CUT: 0, OWN: 0, OTHER: 0}


def tally_view(row: Mapping[str, Any]) -> dict[str, Any]:
    """The values of a notice's row that :meth:`Tally.add` reads, and no more: what a helper process
    (haze.render.helped) sends back for each notice it rendered. Feeding a Tally the view or the row
    gives the same counts (tests/test_helped.py)."""
    e, m = row["enterprise"], row["measures"]
    return {"index": row["index"], "number": row["number"],
            "enterprise": {"id": e["id"], "name": e["name"], "town": e.get("town") or "",
                           "grade": {k: e["grade"][k] for k in ("value", "zh", "name")}},
            "measures": {k: m[k] for k in ("stopped", "plant_cut", "self_managed")}}


class Tally:
    """Counts by measure, grade and township, each township's notices, and the charts' bars.

    Fed one notice row at a time (``add``) while the notices are rendered, so
    the index costs no second pass over 50,000 rows. Townships keep the order
    in which the list first names them; enterprises without one come last,
    as one group (``name`` empty, ``label`` 未填乡镇).
    """

    def __init__(self, lang: str, ranks: Mapping[str, float] | None = None) -> None:
        self.lang = lang
        # grade key -> the policy's rank (A, leading first; D last): the index's grade table reads in
        # that order, not in the order the list happens to name them (B级, C级, A级, 引领性, D级…)
        self.ranks = dict(ranks or {})
        self.measures = _counts()
        self.grades: dict[str, dict[str, Any]] = {}
        self.towns: dict[str, dict[str, Any]] = {}
        self.count = 0

    def add(self, row: Mapping[str, Any]) -> None:
        self.count += 1
        enterprise = row["enterprise"]
        town = enterprise.get("town") or ""
        group = self.towns.get(town)
        if group is None:
            group = self.towns[town] = {"name": town, "label": town or _no_town(self.lang), "count": 0,
                                        "measures": _counts(), "notices": []}
        group["count"] += 1
        group["notices"].append({"index": row["index"], "number": row["number"], "id": enterprise["id"],
                                 "name": enterprise["name"]})
        m = row.get("measures")
        if m is not None:
            kind = measure_kind(m)
            self.measures[kind] += 1
            group["measures"][kind] += 1
            grade = enterprise["grade"]
            entry = self.grades.setdefault(grade["value"], {"value": grade["value"], "zh": grade["zh"],
                                                            "name": grade["name"], "count": 0})
            entry["count"] += 1
        elif row.get("measure"):  # a season notice names its one measure (错时生产, 错峰停产, 全季停产)
            kind = row["measure"]
            self.measures[kind] = self.measures.get(kind, 0) + 1
            group["measures"][kind] = group["measures"].get(kind, 0) + 1

    def result(self, summary: Mapping[str, Any] | None) -> dict[str, Any]:
        lang, count = self.lang, self.count
        ordered = [g for name, g in self.towns.items() if name] + ([self.towns[""]] if "" in self.towns else [])
        order = list(self.ranks)
        grade_list = sorted(self.grades.values(), key=lambda g: (
            self.ranks.get(g["value"], float("inf")),
            order.index(g["value"]) if g["value"] in self.ranks else len(order)))
        for g in grade_list:
            g["share"] = g["count"] / count if count else 0.0
        peak = max((g["count"] for g in grade_list), default=0)
        grade_bars = [{"label": g["zh"] if lang == "zh" else g["name"], "width": _bar(g["count"], peak),
                       "text": _grade_text(g, lang), "fail": False} for g in grade_list]
        bars = ratio_bars(summary, lang) if summary else []
        return {"count": count, "measures": self.measures, "grades": grade_list, "towns": ordered,
                "ratio_bars": bars, "grade_bars": grade_bars, "ratio_svg": svg(bars), "grade_svg": svg(grade_bars)}


def tally(rows: Iterable[Mapping[str, Any]], summary: Mapping[str, Any] | None, lang: str) -> dict[str, Any]:
    """:class:`Tally` of ``rows`` at once (a lift's index, tests)."""
    counter = Tally(lang)
    for row in rows:
        counter.add(row)
    return counter.result(summary)


def _no_town(lang: str) -> str:
    return "未填乡镇" if lang == "zh" else "no township given"


def _bar(value: float, scale: float) -> float:
    if scale <= 0 or value <= 0:
        return 0.0
    return max(_MIN_BAR, min(1.0, value / scale))


def _grade_text(g: Mapping[str, Any], lang: str) -> str:
    share = f"{g['share'] * 100:.1f}%"
    return f"{g['count']}家（{share}）" if lang == "zh" else f"{g['count']} ({share})"


def ratio_bars(summary: Mapping[str, Any], lang: str) -> list[dict[str, Any]]:
    """One bar per assessed pollutant: its reduction ratio against a scale where the requirement is marked.

    The scale is the largest of the ratios and requirements, so a bar that
    passes its mark has met the requirement; ``fail`` colours a short one.
    """
    from haze.core.fmt import pct, ratio_pct

    assessed = [p for p in summary["pollutants"] if p["assessed"] and p["ratio"] is not None]
    scale = max([p["ratio"] for p in assessed] + [p["required"] for p in assessed] + [0.0])
    bars = []
    for p in assessed:
        required = pct(p["required"])
        text = (f"{ratio_pct(p['ratio'], p['ok'])}（要求{required}）" if lang == "zh"
                else f"{ratio_pct(p['ratio'], p['ok'])} (required {required})")
        bars.append({"label": p["label"], "width": _bar(p["ratio"], scale), "mark": _bar(p["required"], scale),
                     "text": text, "fail": not p["ok"]})
    return bars


def svg(bars: Sequence[Mapping[str, Any]]) -> str:
    """A horizontal bar chart (inline SVG, no script, no font file): label, bar, value; the requirement a line."""
    if not bars:
        return ""
    label_w, bar_w, text_w, row_h = 90, 300, 210, 22
    height = row_h * len(bars) + 8
    width = label_w + bar_w + text_w
    # no xmlns: inline in HTML it needs none, and the notices name no URL at all
    parts = [f'<svg class="chart" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img" font-size="13">']
    for i, b in enumerate(bars):
        y = 4 + i * row_h
        colour = "#E60012" if b.get("fail") else "#3A6EA5"
        parts.append(f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end">{html.escape(str(b["label"]))}</text>')
        parts.append(f'<rect x="{label_w}" y="{y + 3}" width="{b["width"] * bar_w:.1f}" height="14" '
                     f'fill="{colour}"/>')
        if b.get("mark") is not None:
            x = label_w + b["mark"] * bar_w
            parts.append(f'<line x1="{x:.1f}" y1="{y}" x2="{x:.1f}" y2="{y + 20}" stroke="#000" '
                         'stroke-width="1.5" stroke-dasharray="3 2"/>')
        parts.append(f'<text x="{label_w + bar_w + 6}" y="{y + 15}">{html.escape(str(b["text"]))}</text>')
    parts.append("</svg>")
    return "".join(parts)
