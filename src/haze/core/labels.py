"""What people read for the engine's codes: one table, so the terminal, the
spreadsheets and the notices call a thing by the same name.

Each value is ``(zh, en)``. The keys are the engine's own: a line's measure
``source`` (SPEC §4.1, ``None`` when nothing sets a cut), an enterprise's
``reason``. Grades and categories are named by the policy (haze.core.grades).
Use :func:`label` to pick a language.
"""

from __future__ import annotations

#: where a line's cut comes from (LineResult.source)
SOURCE_LABELS: dict[str | None, tuple[str, str]] = {
    "line": ("本生产线措施", "line measure"),
    "enterprise": ("本企业措施", "enterprise measure"),
    "category": ("企业类别措施", "category measure"),  # 保障类 or a category the policy defines (SPEC §19)
    "industry": ("行业绩效分级措施", "industry measure"),
    "grade": ("绩效分级措施", "grade measure"),
    "noncompliant": ("停产整治", "stop: noncompliant"),
    "idle": ("已停产", "idle"),
    None: ("无", "none"),
}

#: why an enterprise does what it does (EnterpriseResult.reason)
REASON_LABELS: dict[str, tuple[str, str]] = {
    "level": ("执行本级措施", "declared level"),
    "zone": ("重点区域加严", "key zone"),
    "noncompliant": ("未达标排放，停产整治", "noncompliant: stops"),
    "idle": ("已停产，不计减排", "idle: not counted"),
}


#: OtherSource.kind: free text in the list; the usual English words get their Chinese names
KIND_LABELS: dict[str, tuple[str, str]] = {
    "dust": ("扬尘源", "dust"),
    "mobile": ("移动源", "mobile"),
    "residential": ("民用源", "residential"),
    "agriculture": ("农业源", "agriculture"),
    "agricultural": ("农业源", "agriculture"),
    "industrial": ("工业源", "industrial"),
    "other": ("其他", "other"),
}


def kind_label(kind: str, lang: str = "zh") -> str:
    """An other source's kind as people read it: ``dust`` -> 扬尘源; text haze does not know stays as written."""
    pair = KIND_LABELS.get(kind.strip().lower())
    if pair is None:
        return kind
    return pair[0] if lang == "zh" else pair[1]


def label(table: dict, key: object, lang: str = "zh") -> str:
    """``key``'s label in ``lang`` (``zh`` or ``en``); an unknown key is shown as itself."""
    pair = table.get(key)
    if pair is None:
        return "—" if key is None else str(key)
    return pair[0] if lang == "zh" else pair[1]
