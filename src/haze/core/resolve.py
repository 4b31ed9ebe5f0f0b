"""The list's grades and categories against the policy's (SPEC §19), as located findings.

A list is read before its policy is chosen, so the reader keeps grades and
categories as written; this is where they meet the policy. An unknown grade or
category is a blocking E104 (the measures would be undefined) that lists the
policy's own names and suggests the nearest; a ``max_load`` on an enterprise
whose category takes none is E113, an error that does not block (the load limit
is ignored and the grade's measures apply, as the engine computes).
"""

from __future__ import annotations

from haze.core import grades as _g
from haze.core.i18n import _, series
from haze.core.findings import Finding, finding
from haze.core.model import Enterprise, EnterpriseList
from haze.core.policy import Policy


def resolve_findings(lst: EnterpriseList, policy: Policy) -> list[Finding]:
    """E104 for grades and categories the policy does not know, E113 for a misplaced max_load."""
    found: list[Finding] = []
    for e in lst.enterprises:
        found += _unknown(e, "grade", e.grade, policy.grade_key(e.grade), policy, lst.path)
        category = policy.category_key(e.category)
        found += _unknown(e, "category", e.category, category, policy, lst.path)
        if e.max_load is not None and category is not None and not policy.categories[category].max_load:
            takers = [c.key for c in policy.categories.values() if c.max_load]
            line, column = e.spots.get("max_load", (e.line, None))
            found.append(finding(
                "E113", _("max_load is set but category {category} ({zh}) takes no "
                          "load limit in policy {policy} (only {takers}); it is ignored and the "
                          "grade's measures apply").format(
                    category=category, zh=policy.categories[category].zh, policy=policy.name,
                    takers=series(takers) or _("none")), lst.path, line or None, e.id or None, column))
    return found


def _unknown(e: Enterprise, what: str, raw: str, key: str | None, policy: Policy, path: str) -> list[Finding]:
    if key is not None:
        return []
    defs = policy.grades if what == "grade" else policy.categories
    hint = _g.suggest(raw, defs)
    line, column = e.spots.get(what, (e.line, None))
    message = (_("unknown {what} {raw!r} (did you mean {hint}?); policy {policy} knows {known}") if hint
               else _("unknown {what} {raw!r}; policy {policy} knows {known}")).format(
        what=_("grade") if what == "grade" else _("category"), raw=raw, hint=hint, policy=policy.name,
        known=_g.listing(defs))
    return [finding("E104", message, path, line or None, e.id or None, column)]
