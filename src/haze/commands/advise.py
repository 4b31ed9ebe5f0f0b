"""``haze advise FORECAST``: the level a daily AQI forecast calls for, and what to do (SPEC §18).

Reads the forecast and the policy's ``triggers``, and the journal only to
know the active warning (read-only: a missing journal means nothing is
active). Writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from haze.core.i18n import _
from haze.core.errors import ListError, UsageError
from haze.core.response import Advice, Triggers, advise


@dataclass(kw_only=True)
class Settings:
    forecast: Path
    policy: str | None = None
    region: str | None = None
    journal: Path | None = None


@dataclass
class Outcome:
    advice: Advice
    triggers: Triggers
    region: str | None
    forecast: str
    journal: Path
    active_id: str | None

    @property
    def ok(self) -> bool:
        return True  # SPEC §18: exit 0 whatever the advice

    def to_json(self) -> dict[str, Any]:
        """SPEC §18's shape, and ``message``: the rule as :meth:`Rule.message` words it (the language's)."""
        rule = self.advice.rule
        return self.advice.to_json() | {"message": rule.message(self.triggers.source) if rule else None}


def run(opts: Settings, *, now: datetime | None = None) -> Outcome:
    """Raise ``ListError`` (exit 2, every bad row located) or ``UsageError``; else the advice."""
    from haze.core.policy import load_policy
    from haze.io.forecast import read_forecast
    from haze.io.journal import Journal, journal_path

    policy = load_policy(opts.policy)
    if not policy.triggers.rules:
        raise UsageError(_("policy {policy_name!r} has no 'triggers': it cannot say which level a forecast calls for (see docs/response.md)").format(policy_name=policy.name))
    forecast, findings = read_forecast(opts.forecast, opts.region, now)
    if forecast is None:
        raise ListError(_("{forecast}: the forecast cannot be read; nothing advised").format(forecast=opts.forecast), findings)
    if opts.region is None and len(forecast.regions) > 1:
        raise UsageError(_("{forecast}: the forecast covers several regions ({join_forecast_regions}); choose one with --region").format(forecast=opts.forecast, join_forecast_regions=', '.join(forecast.regions)))
    if opts.region is not None and not forecast.days:
        known = ", ".join(forecast.regions) or "none"
        raise UsageError(_("{forecast}: no forecast for region {region!r} (regions in it: {known})").format(forecast=opts.forecast, region=opts.region, known=known))
    if not forecast.days:
        raise ListError(_("{forecast}: the forecast has no days; nothing advised").format(forecast=opts.forecast))
    path = journal_path(opts.journal)
    with Journal(path) as journal:
        active = journal.active() if path.exists() else None
    if active is not None and active.ended_by(_now(now)):
        active = None  # its end time has passed: activate would start a new warning, not adjust this one
    advice = advise(forecast.days, policy.triggers, active.level if active else None)
    region = opts.region or (forecast.regions[0] if forecast.regions else None)
    return Outcome(advice, policy.triggers, region, forecast.path, path, active.id if active else None)


def _now(now: datetime | None) -> datetime:
    from haze.core.timeparse import SHANGHAI, to_shanghai

    return datetime.now(SHANGHAI) if now is None else to_shanghai(now)
