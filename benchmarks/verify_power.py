"""``haze verify`` at scale (issue 15): a year of hourly meter data for 5,000 enterprises (≈ 44 million rows).

    python benchmarks/verify_power.py                    # generate (once, cached) and measure
    python benchmarks/verify_power.py --enterprises 500  # a smaller file
    python benchmarks/verify_power.py --engines          # also the polars-vs-duckdb comparison

Run on demand, never in pytest. Each figure is one fresh process measured by
``os.wait4`` (CPU, wall, peak RSS), the minimum over ``--repeat`` rounds:

* ``floor``: the cheapest full read of the same file — ``wc -l`` style, a
  byte count of newlines in 8 MiB chunks in Python. Nothing reads the file
  faster, so ``verify / floor`` is the cost of parsing and aggregating.
* ``engines`` (with ``--engines``): the aggregation verify needs (kWh per
  enterprise, meter and calendar day, in the days it compares) done by polars'
  streaming lazy engine and by duckdb on the same file. This is how the engine
  was chosen (see the commit that added it and benchmarks/README.md).
* ``verify``: ``haze verify POWER --activation ID --json`` end to end on a
  journal whose activation notified the same 5,000 enterprises.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
HOURS = 8760
START_DAY = "2025-01-01"

POLARS = r"""
import sys, polars as pl
path = sys.argv[1]
frame = (pl.scan_csv(path, schema_overrides={"id": pl.Utf8, "time": pl.Utf8, "kwh": pl.Float64})
         .with_columns(pl.col("time").str.slice(0, 10).str.to_date("%Y-%m-%d").alias("day"))
         .filter(pl.col("day").is_between(pl.date(2025, 11, 20), pl.date(2025, 12, 31)))
         .group_by("id", "day").agg(pl.col("kwh").sum())
         .collect(engine="streaming"))
print(frame.height)
"""

DUCKDB = r"""
import sys, duckdb
path = sys.argv[1]
con = duckdb.connect()
con.execute("SET threads TO 2")
con.execute("SET memory_limit = '2GB'")
rows = con.execute(
    "SELECT id, day, sum(kwh) FROM (SELECT id, CAST(substr(time, 1, 10) AS DATE) AS day, kwh "
    "FROM read_csv(?, header=true, columns={'id': 'VARCHAR', 'time': 'VARCHAR', 'kwh': 'DOUBLE'})) "
    "WHERE day BETWEEN DATE '2025-11-20' AND DATE '2025-12-31' GROUP BY id, day", [path]).fetchall()
print(len(rows))
"""

FLOOR = r"""
import sys
n = 0
with open(sys.argv[1], 'rb') as f:
    while chunk := f.read(8 << 20):
        n += chunk.count(b'\n')
print(n)
"""


def code(n: int) -> str:
    sys.path.insert(0, str(HERE.parent / "src"))
    from haze.core.creditcode import check_character

    first = f"91140525MA{n:07d}"[:17]
    return first + check_character(first)


def generate(path: Path, enterprises: int) -> None:
    """Hourly kWh for a year, written in blocks of enterprises (bounded memory)."""
    import polars as pl

    hours = pl.datetime_range(pl.datetime(2025, 1, 1), pl.datetime(2025, 12, 31, 23), "1h", eager=True)
    stamps = hours.dt.strftime("%Y-%m-%d %H:%M")
    tmp = path.with_suffix(".tmp")
    with open(tmp, "wb") as out:
        out.write(b"id,time,kwh\n")
        block = 200
        for first in range(0, enterprises, block):
            ids = [code(i) for i in range(first, min(first + block, enterprises))]
            frame = pl.DataFrame({"id": pl.Series(ids).repeat_by(len(stamps)).explode(),
                                  "time": pl.concat([stamps] * len(ids)),
                                  "kwh": (pl.int_range(0, len(ids) * len(stamps), eager=True) % 97 + 100)
                                  .cast(pl.Float64) * 1.5})
            frame.write_csv(out, include_header=False)
    tmp.rename(path)


def journal_for(folder: Path, enterprises: int) -> tuple[Path, str]:
    """A journal with one activation that notified the benchmark's enterprises (through haze itself)."""
    list_path = folder / "list.yaml"
    lines = ["list: {region: 示例县, authority: 示例县生态环境局, doc_prefix: 示环应急}", "enterprises:"]
    for i in range(enterprises):
        lines.append(f"  - {{id: {code(i)}, name: 企业{i}, grade: {'BCD'[i % 3]}, emissions: {{so2: {10 + i % 50}}}}}")
    list_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    journal = folder / "journal.db"
    if journal.exists():
        journal.unlink()
    subprocess.run([sys.executable, "-m", "haze", "activate", "orange", "--list", str(list_path), "--journal",
                    str(journal), "--start", "2025-12-10T00:00", "--until", "2025-12-20T00:00", "--out",
                    str(folder / "notices"), "--json"], check=True, capture_output=True)
    import sqlite3

    with sqlite3.connect(journal) as conn:
        return journal, conn.execute("SELECT id FROM activations").fetchone()[0]


def measure(args: list[str]) -> tuple[float, float, float]:
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if status != 0 and os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"failed: {' '.join(args)}: {proc.stderr.read().decode() if proc.stderr else ''}")
    return usage.ru_utime + usage.ru_stime, wall, usage.ru_maxrss / 1024


def best(runs: list[tuple[float, float, float]]) -> tuple[float, float, float]:
    return min(r[0] for r in runs), min(r[1] for r in runs), max(r[2] for r in runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--enterprises", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--engines", action="store_true", help="also compare polars and duckdb")
    parser.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()) / "haze-verify-bench")
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    power = args.dir / f"power-{args.enterprises}.csv"
    if not power.exists():
        t = time.perf_counter()
        generate(power, args.enterprises)
        print(f"generated {power} ({power.stat().st_size / 1e9:.2f} GB) in {time.perf_counter() - t:.0f} s")
    rows = args.enterprises * HOURS
    print(f"{rows:,} hourly rows, {power.stat().st_size / 1e9:.2f} GB; cores: {os.cpu_count()}")
    commands = {"floor (newline count)": [sys.executable, "-c", FLOOR, str(power)]}
    if args.engines:
        commands["polars streaming"] = [sys.executable, "-c", POLARS, str(power)]
        commands["duckdb"] = [sys.executable, "-c", DUCKDB, str(power)]
    journal, activation = journal_for(args.dir, args.enterprises)
    commands["haze verify"] = [sys.executable, "-m", "haze", "verify", str(power), "--journal", str(journal),
                               "--activation", activation, "--json"]
    results = {name: [] for name in commands}
    for _ in range(args.repeat):
        for name, cmd in commands.items():  # interleaved: a busy machine slows all alike
            results[name].append(measure(cmd))
    floor = best(results["floor (newline count)"])[0]
    print(f"{'':24} {'cpu s':>8} {'wall s':>8} {'peak MB':>8} {'cpu/floor':>9}")
    for name, runs in results.items():
        cpu, wall, rss = best(runs)
        print(f"{name:24} {cpu:8.1f} {wall:8.1f} {rss:8.0f} {cpu / floor:9.1f}")


if __name__ == "__main__":
    main()
