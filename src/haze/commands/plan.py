"""``haze plan LEVEL`` (SPEC §11): load, plan (:mod:`haze.core.plan`) and, when asked, write.

``save_plan`` writes the planned list (``--apply -o FILE``): the added cuts
become explicit measures at each enterprise's effective level, the file is
read back and checked before it is moved into place, and the original list is
never touched. :func:`plan_list` is what ``haze plan`` calls. Nothing here
knows about the terminal.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from haze.core.i18n import _
from haze.commands.inputs import ListSettings
from haze.core.engine import compute
from haze.core.errors import UsageError
from haze.core.findings import Finding
from haze.core.model import POLLUTANTS, EnterpriseList, Level

# The plan's computation, re-exported: ``haze.commands.plan`` is the one module a caller needs.
from haze.core.plan import (  # noqa: F401
    PERCENT,
    Change,
    Plan,
    Step,
    Tier,
    apply_plan,
    describe_tiers,
    make_plan,
    plan_steps,
    raised_cut,
    search,
)
from haze.core.policy import Policy
from haze.io.fsio import OutputError, write_atomic


def save_plan(enterprise_list: EnterpriseList, plan: Plan, policy: Policy, out: Path, *, force: bool = False) -> Path:
    """Write the planned list to ``out`` (YAML), atomically; returns the path written.

    Refuses to overwrite ``out`` without ``force`` and never writes over the
    list itself. The text is parsed back and computed before it is moved into
    place, so a file that ``haze check`` would not show met is never written.
    """
    _yaml_output(out)
    source = Path(enterprise_list.path) if enterprise_list.path else None
    if source is not None and out.exists() and source.exists() and out.samefile(source):
        raise UsageError(_("{out}: that is the list itself; the plan never changes the original, choose another -o FILE").format(out=out))
    if out.exists() and not force:
        raise UsageError(_("{out}: already exists; pass --force to overwrite it").format(out=out))
    # the list's own comment, in the interface's language like everything else haze writes to a person (SPEC §17)
    header = _("{region} 应急减排清单 with the cuts of `haze plan {level}` (policy {policy}) as explicit "
               "measures.\nPlanned from {path}: {tiers}.").format(
        region=enterprise_list.info.region, level=plan.level.value, policy=policy.name,
        path=enterprise_list.path or _("the list"), tiers=describe_tiers(plan) or _("nothing to add"))
    from haze.io.lists.yamlwrite import list_yaml

    text = list_yaml(apply_plan(enterprise_list, plan, policy), header)
    _verify(text, str(out), policy, plan)
    return write_atomic(out, text.encode("utf-8"), overwrite=force)


def _yaml_output(out: Path) -> None:
    if out.suffix.lower() not in (".yaml", ".yml"):
        raise UsageError(_("{out}: the planned list is written as YAML: name it .yaml or .yml").format(out=out))


def _verify(text: str, path: str, policy: Policy, plan: Plan) -> None:
    """Read the text back as haze will; a plan that does not hold there is a bug, not a file."""
    from haze.io.lists import parse_list

    report = parse_list(text.encode("utf-8"), path, "yaml")
    if report.enterprise_list is None or report.blocking:
        problems = "; ".join(f.format() for f in report.blocking[:3])
        raise OutputError(_("{path}: the planned list does not read back ({problems}) — a haze bug: please report it with the list; nothing written").format(path=path, problems=problems))
    if plan.feasible and not compute(report.enterprise_list, policy, plan.level).ok:
        raise OutputError(_("{path}: the planned list does not meet {level_value} when read back — a haze bug: please report it with the list; nothing written").format(path=path, level_value=plan.level.value))


@dataclass(kw_only=True)
class Settings(ListSettings):
    level: Level
    output: Path | None = None  # --apply -o FILE: where the planned list is written
    force: bool = False  # let it overwrite FILE


@dataclass(frozen=True)
class Planned:
    """What ``haze plan`` shows: the list read, the plan, the warnings, and the file written if any."""

    enterprise_list: EnterpriseList
    plan: Plan
    warnings: list[Finding]
    written: Path | None = None

    @property
    def ok(self) -> bool:
        """The level is met, or a plan meets it (exit 0); infeasible is exit 1."""
        return self.plan.ok

    def to_json(self) -> dict:
        return plan_json(self.plan, self.enterprise_list, None if self.written is None else str(self.written))


Outcome = Planned


def run(settings: Settings) -> Outcome | CityPlans:
    from haze.commands.inputs import several

    if several(settings.list_paths):  # a city and its counties (SPEC §13): each list planned on its own
        return plan_lists(settings)
    return plan_list(settings.list_path, settings.policy, settings.level, cache=settings.cache,
                     output=settings.output, force=settings.force)


def plan_list(list_path: str | Path | None, policy: str | None, level: Level, *, cache: bool = True,
              output: Path | None = None, force: bool = False) -> Planned:
    """``haze plan``: load the list (SPEC §5's refusals), plan ``level``, and write the planned list to
    ``output`` when one is given and the plan meets the level (an infeasible plan writes nothing)."""
    from haze.commands.inputs import load_inputs

    if output is not None:
        _yaml_output(output)  # a usage error is said before the list is read
    inputs = load_inputs(list_path, policy, cache=cache)
    plan = make_plan(inputs.enterprise_list, inputs.policy, level)
    written = None
    if output is not None and plan.feasible:
        written = save_plan(inputs.enterprise_list, plan, inputs.policy, output, force=force)
    return Planned(inputs.enterprise_list, plan, inputs.warnings, written)


@dataclass(frozen=True)
class CityPlans:
    """``plan`` with several lists: each list's plan, in the order of the lists (SPEC §13)."""

    plans: list[Planned]

    @property
    def ok(self) -> bool:
        """Exit 0 only when every list is met or has a plan: one infeasible county is exit 1."""
        return all(p.ok for p in self.plans)

    @property
    def warnings(self) -> list[Finding]:
        return [w for p in self.plans for w in p.warnings]

    @property
    def written(self) -> None:
        return None  # --apply is one list's: refused with several

    def to_json(self) -> dict:
        return {"ok": self.ok, "level": self.plans[0].plan.level.value, "lists": [p.to_json() for p in self.plans]}


def plan_lists(settings: Settings) -> CityPlans:
    """Every list read first (one refusal for all, E108 across lists), then planned one by one."""
    from haze.commands.city import load_lists
    from haze.core.i18n import _

    if settings.output is not None:
        raise UsageError(_("--apply -o FILE writes one planned list: run `haze plan LEVEL --apply -o FILE` "
                           "with one --list for each county"))
    inputs = load_lists(settings.list_paths, settings.policy, cache=settings.cache)
    return CityPlans([Planned(i.enterprise_list, make_plan(i.enterprise_list, i.policy, settings.level), i.warnings)
                      for i in inputs])


# -- machine output --------------------------------------------------------

def plan_json(plan: Plan, enterprise_list: EnterpriseList, written: str | None = None) -> dict:
    """``plan --json`` (SPEC §11), with before, feasible, binding and the changes added."""
    from haze.render.report import pollutant_json

    policy = plan.before.policy
    return {
        "ok": plan.ok,
        "level": plan.level.value,
        "policy": policy.name,
        "requirement": policy.uniform_requirement(plan.level),
        "basis": plan.before.basis,
        "list": {"path": enterprise_list.path, "region": enterprise_list.info.region, "sha256": enterprise_list.sha256},
        "feasible": plan.feasible,
        "already_met": plan.already_met,
        "tiers": [_tier_json(plan, tier) for tier in plan.tiers],
        "before": {p.value: pollutant_json(r) for p, r in plan.before.pollutants.items()},
        "after": {p.value: pollutant_json(r) for p, r in plan.after.pollutants.items()},
        "binding": [p.value for p in plan.binding],
        "written": written,
    }


def _tier_json(plan: Plan, tier: Tier) -> dict:
    return {
        "grades": list(tier.grades),
        "t": tier.t,
        "enterprises": tier.enterprises,
        "lines": len(tier.changes),
        "added": {p.value: tier.added(p) for p in POLLUTANTS},
        "changes": [_change_json(plan, c) for c in tier.changes],
    }


def _change_json(plan: Plan, change: Change) -> dict:
    r = plan.before.enterprises[change.enterprise]
    e = r.enterprise
    return {
        "id": e.id,
        "name": e.name,
        "grade": r.grade,
        "effective_level": r.effective_level.value,
        "line": r.lines[change.line].name,
        "old_cut": change.old_cut,
        "new_cut": change.new_cut,
        "added": {p.value: change.added[p] for p in POLLUTANTS},
    }
