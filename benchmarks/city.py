"""The city benchmark (issue 14, SPEC §13): 12 county lists of 5,000 enterprises vs one list of 60,000.

    python benchmarks/city.py                    # 12 × 5,000 against 1 × 60,000, 3 rounds
    python benchmarks/city.py --counties 6 --size 2000 --repeat 5

Both sides are ``haze check orange --json`` in a fresh process, cold (``--no-cache``:
every file parsed) and warm (the parse cache filled by a first run), interleaved round
by round so a busy machine slows both alike; each figure is the minimum CPU time over
``--repeat`` rounds (see benchmarks/run.py, whose measuring this reuses). The target:
the city costs about what one list of the same total size costs (ratio ≈ 1).
A module of its own so the one-list benchmarks of run.py stay as they are.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import Series, child_env, haze_command, measure  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--counties", type=int, default=12)
    parser.add_argument("--size", type=int, default=5000, help="enterprises per county list")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    from haze.synth import write_list

    work = Path(tempfile.mkdtemp(prefix="haze-city-bench-"))
    try:
        env = child_env(work)
        counties = [write_list(args.size, work / f"county{n:02d}.yaml", seed=1000 + n, region=f"示例{n}县",
                               authority=f"示例{n}县生态环境局", county=f"1406{n:02d}") for n in range(1, args.counties + 1)]
        whole = write_list(args.size * args.counties, work / "whole.yaml", seed=7)
        city = [*haze_command(), "check", "orange", "--json", *sum((["--list", str(c)] for c in counties), [])]
        one = [*haze_command(), "check", "orange", "--json", "--list", str(whole)]
        figures = {name: Series() for name in ("city_cold", "one_cold", "city_warm", "one_warm")}
        measure(city, work, env, ok=(0, 1))  # warm the bytecode and the parse cache
        measure(one, work, env, ok=(0, 1))
        for _ in range(args.repeat):
            figures["city_cold"].samples.append(measure([*city, "--no-cache"], work, env, ok=(0, 1)))
            figures["one_cold"].samples.append(measure([*one, "--no-cache"], work, env, ok=(0, 1)))
            figures["city_warm"].samples.append(measure(city, work, env, ok=(0, 1)))
            figures["one_warm"].samples.append(measure(one, work, env, ok=(0, 1)))
        total = args.size * args.counties
        print(f"check orange: {args.counties} lists × {args.size:,} vs 1 list × {total:,} "
              f"(CPU s, min of {args.repeat}; wall; peak MB)")
        for kind in ("cold", "warm"):
            c, o = figures[f"city_{kind}"], figures[f"one_{kind}"]
            print(f"  {kind:4}  city {c.cpu:6.2f} s ({c.wall:5.2f} wall, {c.rss_mb:5.0f} MB)   "
                  f"one {o.cpu:6.2f} s ({o.wall:5.2f} wall, {o.rss_mb:5.0f} MB)   ratio {c.cpu / o.cpu:4.2f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
