"""DOCX and PDF notices against Markdown (issue 12: each within 3× the Markdown activation).

    python benchmarks/documents.py [--size 5000] [--repeat 1] [--formats md,docx,pdf]

Each run is a fresh ``haze activate orange --json`` of the same synthetic list
(haze.synth) in a fresh directory and a fresh process, with the parse cache
warm, so the difference between formats is rendering and writing. Ratios are
against the Markdown run measured in the same invocation, never a fixed time.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET = 3.0


def _hours_ago(hours: int) -> str:
    """A start relative to now: a fixed date falls out of the activation horizon as the clock moves on."""
    from datetime import datetime, timedelta, timezone

    return (datetime.now(timezone(timedelta(hours=8))) - timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M")


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def haze(listfile: Path, out: Path, fmt: str, env: dict[str, str], start_at: str | None = None,
         cpu: list[float] | None = None) -> float:
    start, start_cpu = time.perf_counter(), _children_cpu()
    when = ["--start", start_at] if start_at else []  # default: now, after the warm-up's lift
    done = subprocess.run([sys.executable, "-m", "haze", "activate", "orange", "--list", str(listfile), "--json",
                           *when, "--format", fmt, "--out", str(out / "notices"),
                           "--journal", str(out / "journal.db")], cwd=out, env=env, capture_output=True)
    elapsed = time.perf_counter() - start
    if cpu is not None:  # CPU time of the run (user + system), less distorted by others' load than wall time
        cpu.append(_children_cpu() - start_cpu)
    if done.returncode != 0:
        raise SystemExit(f"haze activate --format {fmt} failed: {done.stderr.decode(errors='replace')[-500:]}")
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--formats", default="md,docx,pdf")
    args = parser.parse_args(argv)
    formats = args.formats.split(",")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        env = dict(os.environ, HOME=str(work), XDG_CACHE_HOME=str(work / "cache"), NO_COLOR="1")
        listfile = work / f"synthetic-{args.size}.yaml"
        subprocess.run([sys.executable, "-m", "haze.synth", str(args.size), "-o", str(listfile)], check=True,
                       env=env, capture_output=True)
        warm = work / "warm"
        warm.mkdir()
        haze(listfile, warm, "md", env, _hours_ago(2))  # fills the parse cache
        # An existing journal (with nothing active), as a bureau has: a first run into a new journal
        # renders everything twice (in memory first), which is not what is measured here.
        subprocess.run([sys.executable, "-m", "haze", "lift", "--at", _hours_ago(1), "--journal",
                        str(warm / "journal.db"), "--out", str(warm / "notices")], cwd=warm, env=env, check=True,
                       capture_output=True)
        times: dict[str, list[float]] = {fmt: [] for fmt in formats}
        cpus: dict[str, list[float]] = {fmt: [] for fmt in formats}
        for round_ in range(args.repeat):
            for fmt in formats:  # interleaved, so load on the machine falls on every format alike
                run = work / f"{fmt}-{round_}"
                run.mkdir()
                shutil.copy(warm / "journal.db", run / "journal.db")
                times[fmt].append(haze(listfile, run, fmt, env, cpu=cpus[fmt]))
    base = statistics.median(times["md"]) if "md" in times else None
    base_cpu = statistics.median(cpus["md"]) if "md" in cpus else None
    print(f"load average {os.getloadavg()[0]:.2f} (1 min) at the end")
    print(f"| format | activate, {args.size} enterprises (s wall, median of {args.repeat}) | × md | CPU s | × md "
          f"(CPU) | target ≤ {TARGET}× |")
    print("|---|---:|---:|---:|---:|---|")
    for fmt in formats:
        t, c = statistics.median(times[fmt]), statistics.median(cpus[fmt])
        ratio = t / base if base else float("nan")
        cpu_ratio = c / base_cpu if base_cpu else float("nan")
        verdict = "" if fmt == "md" else ("met" if max(ratio, cpu_ratio) <= TARGET else "MISSED")
        print(f"| {fmt} | {t:.1f} | {ratio:.1f} | {c:.1f} | {cpu_ratio:.1f} | {verdict} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
