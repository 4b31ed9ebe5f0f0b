"""The list facts a notice needs (发布单位, 地区, 文号前缀), supplied on the command line when the list lacks them.

A notice is an official document: without an issuing authority it would go out
with the masthead "（发布单位未填写）" and use up real numbers. A CSV or XLSX list
without a 清单信息 sheet has no authority, and its region is only the file's
name; ``activate --authority/--region/--doc-prefix`` (or the same keys in
haze.yaml) supply them, and :func:`require_authority` refuses the list, before
any number is reserved, when nothing does.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from haze.core.i18n import _
from haze.core.errors import UsageError
from haze.core.model import Contact, EnterpriseList

#: option -> the ListInfo field it supplies
FACTS = {"authority": "authority", "region": "region", "doc_prefix": "doc_prefix"}


@dataclass
class Supplied:
    """The list with the facts given, and what was replaced (the officer should know)."""

    enterprise_list: EnterpriseList
    notes: list[str] = field(default_factory=list)


def parse_contact(text: str | None) -> Contact | None:
    """``--contact`` / ``contact:`` in haze.yaml: the bureau's duty contact as ``NAME PHONE``
    (应急值班室 0356-3000000); the last word is the phone when it holds a digit. None when not given."""
    words = (text or "").split()
    if not words:
        return None
    if len(words) > 1 and any(c.isdigit() for c in words[-1]):
        return Contact(" ".join(words[:-1]), words[-1])
    if any(c.isdigit() for c in words[0]) and len(words) == 1:
        return Contact("", words[0])
    return Contact(" ".join(words), "")


def supply_facts(lst: EnterpriseList, *, authority: str | None = None, region: str | None = None,
                 doc_prefix: str | None = None, contact: str | None = None) -> Supplied:
    """``lst`` with each fact given replacing the list's own; the list itself is not changed (it may be cached).

    A fact given wins over the list's, as ``haze import`` options win over a 清单信息 sheet; a
    replaced value the list did give is named in a note, so a haze.yaml meant for another list
    cannot silently re-sign this one.
    """
    from haze.io.lists.table import NO_AUTHORITY

    given = {"authority": authority, "region": region, "doc_prefix": doc_prefix}
    changes: dict[str, Any] = {}
    notes: list[str] = []
    for option, value in given.items():
        if value is None or not str(value).strip():
            continue
        value = str(value).strip()
        name = FACTS[option]
        old = getattr(lst.info, name)
        if old == value:
            continue
        if old and old != NO_AUTHORITY and not (name == "region" and _is_stem(lst, old)):
            notes.append(_("--{option} {value} replaces the list's {name} {old}").format(
                option=option.replace("_", "-"), value=value, name=name, old=old))
        changes[name] = value
    given_contact = parse_contact(contact)
    if given_contact is not None and given_contact != lst.info.contact:
        old_contact = lst.info.contact
        if old_contact is not None and (old_contact.name or old_contact.phone):
            notes.append(_("--contact {value} replaces the list's contact {old}").format(
                value=contact, old=f"{old_contact.name} {old_contact.phone}".strip()))
        changes["contact"] = given_contact
    if not changes:
        return Supplied(lst, notes)
    return Supplied(replace(lst, info=replace(lst.info, **changes)), notes)


def require_authority(lst: EnterpriseList) -> None:
    """Refuse (exit 2) a list that names no issuing authority (发布单位): its notices would be unsigned."""
    from haze.io.lists.table import NO_AUTHORITY

    authority = lst.info.authority.strip()
    if authority and authority != NO_AUTHORITY:
        return
    raise UsageError(
        _("{lst_path_or_the_list}: no issuing authority (发布单位) for the notices: give --authority 示例县生态环境局 (or authority: in haze.yaml), a 发布单位 row in the XLSX's 清单信息 sheet, or list.authority in a YAML list; nothing written or recorded").format(lst_path_or_the_list=lst.path or _("the list")))


def missing_prefix_note(lst: EnterpriseList, year: int) -> list[str]:
    """A caution for a list without doc_prefix: its numbers read 〔2026〕1号 with nothing before them."""
    if lst.info.doc_prefix.strip():
        return []
    return [_("the list has no doc_prefix (文号前缀): notice numbers read 〔{year}〕N号 with nothing before "
              "them; give --doc-prefix (e.g. 示环应急) or doc_prefix in the list").format(year=year)]


def _is_stem(lst: EnterpriseList, region: str) -> bool:
    """A spreadsheet list without a region is named after its file (示例县.csv → 示例县): not the list's word."""
    from pathlib import Path

    return bool(lst.path) and Path(lst.path).stem == region
