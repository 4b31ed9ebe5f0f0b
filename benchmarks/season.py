"""Season controls at province scale (SPEC §14, §15): schedule and ozone on 50,000 enterprises.

Run on demand (never in the test suite):  python benchmarks/season.py [--size 50000] [--repeat 3]

The floor is measured in the same run on the same list: one ``compute(orange)`` (SPEC §4, what a
duty officer's ``check`` does). The season work is reported as a ratio to it, so a busy machine
slows both alike. Each figure is the minimum of the rounds (CPU time of this process).
"""

from __future__ import annotations

import argparse
import random
import time

from haze.core.creditcode import check_character
from haze.core.engine import compute
from haze.core.model import Enterprise, EnterpriseList, Level, Line, ListInfo, Pollutant
from haze.core.policy import load_policy
from haze.core.season import build_schedule, compute_ozone

INDUSTRIES = ["casting"] * 6 + ["brick"] * 5 + ["cement"] * 1 + ["coking"] * 1 + \
    ["chemical", "coating", "printing"] * 3 + ["steel", "power", "food", "other"] * 5
GRADES = ["A", "B", "B-", "C", "C", "D", "unrated", "unrated", "nonleading"]


def province(size: int, seed: int = 0) -> EnterpriseList:
    rng = random.Random(seed)
    enterprises = []
    for i in range(size):
        base = f"911400{i:011d}"
        ident = base + check_character(base)
        lines = [Line(name=f"{j}#线", emissions={p: rng.uniform(0, 50) for p in Pollutant})
                 for j in range(rng.randint(1, 3))]
        enterprises.append(Enterprise(id=ident, name=f"示例企业{i}", industry=rng.choice(INDUSTRIES),
                                      grade=rng.choice(GRADES), key_zone=rng.random() < 0.2,
                                      compliant=rng.random() > 0.02, lines=lines, has_lines=True))
    return EnterpriseList(info=ListInfo(region="示例省"), enterprises=enterprises)


def cpu(work) -> tuple[float, object]:
    start = time.process_time()
    result = work()
    return time.process_time() - start, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    policy = load_policy("shanxi-2024")
    lst = province(args.size)
    floor = schedule = ozone = float("inf")
    for _ in range(args.repeat):
        floor = min(floor, cpu(lambda: compute(lst, policy, Level.ORANGE))[0])
        took, plan = cpu(lambda: build_schedule(lst, policy, policy.staggered, 2025))
        schedule = min(schedule, took)
        ozone = min(ozone, cpu(lambda: compute_ozone(lst, policy.ozone))[0])
    print(f"{args.size} enterprises, {len(plan.participants)} take part in 错峰 "  # type: ignore[attr-defined]
          f"(peaks {plan.peak}, infeasible {[x.industry for x in plan.infeasible]})")  # type: ignore[attr-defined]
    print(f"compute(orange) floor: {floor:.3f} s CPU")
    print(f"build_schedule:        {schedule:.3f} s CPU  ({schedule / floor:.2f} × floor)")
    print(f"compute_ozone:         {ozone:.3f} s CPU  ({ozone / floor:.2f} × floor)")


if __name__ == "__main__":
    main()
