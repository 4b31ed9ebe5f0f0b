"""Scale and start-up benchmarks for haze (issue 6, SPEC §12). Run on demand, never in pytest.

    python benchmarks/run.py                      # 5,000 and 50,000 enterprises
    python benchmarks/run.py --sizes 5000 --repeat 5
    python benchmarks/run.py --human              # also time check's rich table (slow)
    python benchmarks/run.py --sizes 50000 --activate-only   # activate and its floor only
    python benchmarks/run.py --check-only         # the check figures only (warm check against libyaml)

Every figure is one command in a fresh process, as a duty officer runs it,
measured by ``os.wait4``: CPU time (user + system), wall time and peak memory
(``ru_maxrss``) of that process. The references run side by side with haze,
interleaved round by round, so a busy machine slows both alike; each figure is
the minimum over ``--repeat`` rounds. Ratios are taken on CPU time, which a
shared machine disturbs far less than wall time; wall ratios are printed too.

References:
- start-up: ``benchmarks/bare_click.py --help`` (a bare click group);
- parse: ``yaml.load(file, Loader=yaml.CSafeLoader)`` in a fresh interpreter
  (libyaml alone, as the issue defines it). The same load with garbage
  collection paused is printed for information.
- activate: ``benchmarks/floor.py``, right after each ``activate`` round: as
  many files of the same sizes as the notice set just written, plain writes,
  one ``syncfs``. Its ratio is on wall time (writing is waiting on the disk).

Children run with bytecode caching on (``PYTHONPYCACHEPREFIX`` in the work
directory, warmed up first), as in any pip-installed haze: without it every
run would compile haze's modules from source.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
LEVEL = "orange"
TARGETS = {"check_cold": 1.3, "check_warm": 0.1, "activate": 2.5, "xlsx_check": 2.0}
EXPORT_SECONDS = 5.0  # issue 16: export at 50,000 enterprises within 5 s (wall)
# The XLSX floor (issue 16): calamine reading every sheet of the workbook, plus computing the level
# from the list already in memory, timed inside one process (its start-up is not counted; haze's is).
XLSX_FLOOR = """
import sys, time
from python_calamine import CalamineWorkbook
c0, w0 = time.process_time(), time.perf_counter()
book = CalamineWorkbook.from_path(sys.argv[1])
for name in book.sheet_names:
    book.get_sheet_by_name(name).to_python(skip_empty_area=False)
read = time.process_time() - c0, time.perf_counter() - w0
from haze.core.engine import compute
from haze.core.model import Level
from haze.core.policy import load_policy
from haze.io.cache import cached_read_list
lst = cached_read_list(sys.argv[2]).enterprise_list  # through the parse cache: not timed
policy = load_policy("shanxi-2024")
c1, w1 = time.process_time(), time.perf_counter()
compute(lst, policy, Level.parse(sys.argv[3]))
print(read[0] + time.process_time() - c1, read[1] + time.perf_counter() - w1)
"""
PARSE = "import sys, yaml\nwith open(sys.argv[1], 'rb') as f:\n    yaml.load(f, Loader=yaml.CSafeLoader)"
PARSE_NOGC = "import gc\ngc.disable()\n" + PARSE


@dataclass
class Sample:
    cpu: float
    wall: float
    rss_mb: float


@dataclass
class Series:
    """Repeated runs of one command; the minimum is the figure (least disturbed by other load)."""

    samples: list[Sample] = field(default_factory=list)

    @property
    def cpu(self) -> float:
        return min(s.cpu for s in self.samples)

    @property
    def wall(self) -> float:
        return min(s.wall for s in self.samples)

    @property
    def rss_mb(self) -> float:
        return max(s.rss_mb for s in self.samples)


def measure(cmd: list[str], cwd: Path, env: dict[str, str], ok: tuple[int, ...] = (0,)) -> Sample:
    """Run ``cmd`` once; CPU, wall time and peak memory of that process alone."""
    start = time.perf_counter()
    with open(os.devnull, "wb") as devnull, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=devnull, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode not in ok:
            err.seek(0)
            tail = err.read().decode("utf-8", "replace").strip().splitlines()[-5:]
            raise SystemExit(f"benchmark command failed (exit {proc.returncode}): {' '.join(cmd)}\n" + "\n".join(tail))
    return Sample(usage.ru_utime + usage.ru_stime, wall, usage.ru_maxrss / 1024)


def child_env(work: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
    env["XDG_CACHE_HOME"] = str(work / "xdg-cache")  # never touch the user's own cache
    env["NO_COLOR"] = "1"
    env.pop("HAZE_DEBUG", None)
    return env


def haze_command() -> list[str]:
    script = Path(sys.executable).with_name("haze")
    return [str(script)] if script.exists() else [sys.executable, "-m", "haze"]


def startup(work: Path, env: dict[str, str], rounds: int) -> tuple[Series, Series, Series]:
    bare, help_, status = Series(), Series(), Series()
    haze = haze_command()
    # status reads an (empty) journal: one that does not exist is refused (exit 2), not "no warning"
    measure(haze + ["init", "--journal", str(work / "startup.db")], work, env)
    for _ in range(2):  # warm the bytecode cache and the file system cache
        measure([sys.executable, str(HERE / "bare_click.py"), "--help"], work, env)
        measure(haze + ["--help"], work, env)
        measure(haze + ["status", "--journal", str(work / "startup.db")], work, env)
    for _ in range(rounds):
        bare.samples.append(measure([sys.executable, str(HERE / "bare_click.py"), "--help"], work, env))
        help_.samples.append(measure(haze + ["--help"], work, env))
        status.samples.append(measure(haze + ["status", "--journal", str(work / "startup.db")], work, env))
    return bare, help_, status


@dataclass
class SizeResult:
    size: int
    mbytes: float
    parse: Series = field(default_factory=Series)
    parse_nogc: Series = field(default_factory=Series)
    check_cold: Series = field(default_factory=Series)
    check_first: Series = field(default_factory=Series)
    check_warm: Series = field(default_factory=Series)
    check_compute: Series = field(default_factory=Series)  # parse cache warm, results cache empty: computes
    check_human: Series = field(default_factory=Series)
    activate: Series = field(default_factory=Series)
    activate_cold: Series = field(default_factory=Series)
    activate_alone: Series = field(default_factory=Series)  # HAZE_HELPER_PROCESS=0: one process, as before
    export: Series = field(default_factory=Series)
    export_list: Series = field(default_factory=Series)
    xlsx_floor: Series = field(default_factory=Series)
    xlsx_cold: Series = field(default_factory=Series)
    xlsx_warm: Series = field(default_factory=Series)
    floor: Series = field(default_factory=Series)  # the same files' sizes written with one sync (floor.py)
    notices: int = 0


def floor_sample(cmd: list[str], cwd: Path, env: dict[str, str]) -> Sample:
    """A floor timed inside its own process: it prints its CPU and wall seconds."""
    out = subprocess.run(cmd, cwd=cwd, env=env, check=True, capture_output=True, text=True).stdout.split()
    return Sample(float(out[-2]), float(out[-1]), 0.0)


def run_size(size: int, work: Path, env: dict[str, str], repeat: int, seed: int, human: bool,
             activate: bool = True, xlsx: bool = False, activate_only: bool = False,
             check_only: bool = False) -> SizeResult:
    folder = work / f"n{size}"
    folder.mkdir()
    (folder / ".haze").mkdir()  # the cache then lives in .haze/cache, beside the journal
    listfile = folder / f"synthetic-{size}.yaml"
    subprocess.run([sys.executable, "-m", "haze.synth", str(size), "-o", str(listfile), "--seed", str(seed)],
                   check=True, env=env, stderr=subprocess.DEVNULL)
    result = SizeResult(size, listfile.stat().st_size / 1e6)
    haze = haze_command()
    check = haze + ["check", LEVEL, "--list", str(listfile), "--json"]
    checked = (0, 1)  # met or not met: both are answers
    cache = folder / ".haze" / "cache"
    stored = cache / "results"  # the results cache (io/results.py): check --json's answers
    book = folder / f"synthetic-{size}.xlsx"
    if xlsx:  # the same list as a bureau's workbook, written by haze itself
        subprocess.run(haze + ["export", "--as-list", "--list", str(listfile), "-o", str(book)], check=True,
                       cwd=folder, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if activate_only:  # one check fills the parse cache, as on the night; then activate and its floor only
        measure(check, folder, env, checked)
    for round_ in range(repeat):
        print(f"  {size}: round {round_ + 1}/{repeat}", file=sys.stderr, flush=True)
        if activate_only:
            activate_rounds(result, folder, listfile, env, cold=False)
            continue
        result.parse.samples.append(measure([sys.executable, "-c", PARSE, str(listfile)], folder, env))
        result.parse_nogc.samples.append(measure([sys.executable, "-c", PARSE_NOGC, str(listfile)], folder, env))
        result.check_cold.samples.append(measure(check + ["--no-cache"], folder, env, checked))
        shutil.rmtree(cache, ignore_errors=True)
        result.check_first.samples.append(measure(check, folder, env, checked))  # parses and writes the cache
        result.check_warm.samples.append(measure(check, folder, env, checked))  # the answer stored: written out
        shutil.rmtree(stored, ignore_errors=True)
        result.check_compute.samples.append(measure(check, folder, env, checked))  # list cached, level computed
        if check_only:
            continue
        result.export.samples.append(measure(haze + ["export", LEVEL, "--list", str(listfile), "-o",
                                                     str(folder / "export.xlsx")], folder, env))
        result.export_list.samples.append(measure(haze + ["export", "--as-list", "--list", str(listfile), "-o",
                                                          str(folder / "list.xlsx")], folder, env))
        if xlsx:
            result.xlsx_floor.samples.append(floor_sample([sys.executable, "-c", XLSX_FLOOR, str(book), str(listfile),
                                                           LEVEL], folder, env))
            xcheck = haze + ["check", LEVEL, "--list", str(book), "--json"]
            result.xlsx_cold.samples.append(measure(xcheck + ["--no-cache"], folder, env, checked))
            result.xlsx_warm.samples.append(measure(xcheck, folder, env, checked))
        if human:
            result.check_human.samples.append(measure(haze + ["check", LEVEL, "--list", str(listfile)], folder, env,
                                                      checked))
        if activate:
            activate_rounds(result, folder, listfile, env, cold=True)
    return result


def activate_rounds(result: SizeResult, folder: Path, listfile: Path, env: dict[str, str], *, cold: bool) -> None:
    """``activate`` (warm cache), its floor right after, the same in one process (``HAZE_HELPER_PROCESS=0``),
    and with ``cold`` ``activate --no-cache``.

    Nothing written is removed until the whole run ends: ext4 allocates inodes slowly for a few minutes
    after tens of thousands were deleted (``recently_deleted`` in its allocator took most of the system
    time of a run that followed a ``shutil.rmtree`` of the last round's notices), which is a cost of the
    benchmark, not of a night's ``activate``.
    """
    haze = haze_command()
    alone = env | {"HAZE_HELPER_PROCESS": "0"}
    runs = [(result.activate, [], env), (result.activate_alone, [], alone)]
    runs += [(result.activate_cold, ["--no-cache"], env)] if cold else []
    round_ = len(result.activate.samples)
    for kind, (series, extra, run_env) in enumerate(runs):
        tag = f"{round_}-{kind}"
        out, journal = folder / f"notices-{tag}", folder / f"journal-{tag}.db"
        series.samples.append(measure(haze + ["activate", LEVEL, "--list", str(listfile), "--json", "--out",
                                              str(out), "--journal", str(journal)] + extra,
                                      folder, run_env))
        result.notices = sum(1 for p in out.rglob("*-*") if p.is_file() and p.name.split("-")[0].isdigit())
        if series is result.activate:  # the floor right after, on the same disk: the same sizes, one sync
            published = next(p for p in out.iterdir() if p.is_dir() and not p.name.startswith("."))
            result.floor.samples.append(measure([sys.executable, str(HERE / "floor.py"), str(published),
                                                 str(folder / f"floor-{tag}")], folder, env))


def per_round(series: Series, floor: Series) -> str:
    """Each round's wall ratio: the same moment's load on both, so the spread shows the noise."""
    return ", ".join(f"{a.wall / b.wall:.2f}" for a, b in zip(series.samples, floor.samples))


def verdict(ratio: float, target: float) -> str:
    return "meets" if ratio <= target else "MISSES"


def report(results: list[SizeResult], bare: Series, help_: Series, status: Series, repeat: int) -> str:
    out = []
    ratio = help_.cpu / bare.cpu
    out.append("### Start-up (minimum of the rounds)\n")
    out.append("| command | CPU s | wall s | peak MB | ratio to bare click (CPU / wall) | target |")
    out.append("|---|---:|---:|---:|---:|---|")
    out.append(f"| bare click `--help` | {bare.cpu:.3f} | {bare.wall:.3f} | {bare.rss_mb:.0f} | 1.00 | |")
    out.append(f"| `haze --help` | {help_.cpu:.3f} | {help_.wall:.3f} | {help_.rss_mb:.0f} | "
               f"{ratio:.2f} / {help_.wall / bare.wall:.2f} | ≤ 1.5: {verdict(ratio, 1.5)} |")
    out.append(f"| `haze status` | {status.cpu:.3f} | {status.wall:.3f} | {status.rss_mb:.0f} | "
               f"{status.cpu / bare.cpu:.2f} / {status.wall / bare.wall:.2f} | |")
    for r in results:
        ref = r.parse
        notices = f", {r.notices:,} notices" if r.activate.samples else ""
        out.append(f"\n### {r.size:,} enterprises ({r.mbytes:.1f} MB of YAML{notices}; minimum of {repeat} rounds)\n")
        if ref.samples:
            out.append("| command | CPU s | wall s | peak MB | ratio to libyaml parse (CPU / wall) | target |")
            out.append("|---|---:|---:|---:|---:|---|")
        rows = [
            ("libyaml parse: `yaml.load(CSafeLoader)`", ref, None),
            ("libyaml parse, gc paused (information)", r.parse_nogc, None),
            ("`check --json --no-cache` (cold)", r.check_cold, "check_cold"),
            ("`check --json`, first run (parses, writes the cache)", r.check_first, None),
            ("`check --json`, warm cache (the answer stored: results cache)", r.check_warm, "check_warm"),
            ("`check --json`, list cached, answer not (computes, stores)", r.check_compute, None),
            ("`check` human table, warm cache", r.check_human, None),
            ("`activate --json`, warm cache, all notices", r.activate, "activate"),
            ("`activate --json --no-cache`, all notices", r.activate_cold, None),
            ("`activate --json`, warm cache, one process (`HAZE_HELPER_PROCESS=0`)", r.activate_alone, None),
            ("`export orange -o F.xlsx`, warm cache (information; target below)", r.export, None),
            ("`export --as-list -o F.xlsx`, warm cache (information)", r.export_list, None),
        ]
        for label, series, target in rows:
            if not series.samples or not ref.samples:
                continue
            cpu_ratio, wall_ratio = series.cpu / ref.cpu, series.wall / ref.wall
            goal = f"≤ {TARGETS[target]}: {verdict(cpu_ratio, TARGETS[target])}" if target else ""
            out.append(f"| {label} | {series.cpu:.2f} | {series.wall:.2f} | {series.rss_mb:.0f} | "
                       f"{cpu_ratio:.2f} / {wall_ratio:.2f} | {goal} |")
        if r.check_warm.samples and ref.samples:
            warm_ratio = r.check_warm.cpu / ref.cpu
            out.append(f"\nWarm check at {r.size:,}: `check --json` {r.check_warm.cpu:.3f} CPU-s against the libyaml "
                       f"parse's {ref.cpu:.2f} = **{warm_ratio:.3f}×** (wall {r.check_warm.wall / ref.wall:.3f}×); "
                       f"target ≤ {TARGETS['check_warm']}: {verdict(warm_ratio, TARGETS['check_warm'])}. "
                       f"Computing instead (results cache empty): {r.check_compute.cpu / ref.cpu:.3f}×.")
        if r.export.samples:
            e, warm = r.export, r.check_compute
            out.append(f"\n`export` at {r.size:,}: {e.wall:.2f} s wall, {e.cpu:.2f} s CPU — "
                       f"{e.cpu / warm.cpu:.2f}× the warm `check --json` that computes (CPU); "
                       f"target ≤ {EXPORT_SECONDS:.0f} s wall: "
                       f"{verdict(e.wall, EXPORT_SECONDS)}")
        if r.xlsx_floor.samples:
            floor = r.xlsx_floor
            out.append(f"\n#### The same list as an XLSX workbook ({r.size:,} enterprises)\n")
            out.append("| command | CPU s | wall s | peak MB | ratio to calamine read + compute (CPU / wall) | target |")
            out.append("|---|---:|---:|---:|---:|---|")
            out.append(f"| floor: calamine reads every sheet, + compute (in one process) | {floor.cpu:.2f} | "
                       f"{floor.wall:.2f} | | 1.00 / 1.00 | |")
            for label, series, target in (("`check --json --no-cache` on the .xlsx", r.xlsx_cold, "xlsx_check"),
                                          ("`check --json` on the .xlsx, warm cache", r.xlsx_warm, None)):
                cpu_ratio, wall_ratio = series.cpu / floor.cpu, series.wall / floor.wall
                goal = f"≤ {TARGETS[target]}: {verdict(cpu_ratio, TARGETS[target])}" if target else ""
                out.append(f"| {label} | {series.cpu:.2f} | {series.wall:.2f} | {series.rss_mb:.0f} | "
                           f"{cpu_ratio:.2f} / {wall_ratio:.2f} | {goal} |")
        if r.floor.samples:
            out.append(f"\n`activate` against its floor ({r.notices:,} notices; the floor writes as many files of "
                       "the same sizes, then one syncfs):\n")
            out.append("| | wall s | CPU s | peak MB | target |")
            out.append("|---|---:|---:|---:|---|")
            out.append(f"| floor: same files, one sync | {r.floor.wall:.2f} | {r.floor.cpu:.2f} | {r.floor.rss_mb:.0f} |"
                       " |")
            wall_ratio = r.activate.wall / r.floor.wall
            out.append(f"| `activate --json`, warm cache | {r.activate.wall:.2f} | {r.activate.cpu:.2f} | "
                       f"{r.activate.rss_mb:.0f} | wall ≤ 10 s: {verdict(r.activate.wall, 10)}; "
                       f"peak ≤ 400 MB: {verdict(r.activate.rss_mb, 400)} |")
            if r.activate_alone.samples:
                a = r.activate_alone
                out.append(f"| `activate --json`, one process (`HAZE_HELPER_PROCESS=0`, information) | {a.wall:.2f} | "
                           f"{a.cpu:.2f} | {a.rss_mb:.0f} | |")
            out.append(f"| ratio activate / floor (wall) | {wall_ratio:.2f} | | | ≤ 1.5: {verdict(wall_ratio, 1.5)} |")
            out.append(f"| ratio activate / floor (CPU, information) | | {r.activate.cpu / max(r.floor.cpu, 1e-6):.2f} | | |")
            out.append(f"| per-round ratios (wall) | {per_round(r.activate, r.floor)} | | | |")
    if len(results) > 1 and all(r.check_cold.samples for r in results):
        out.append("\n### Memory against list size\n")
        out.append("Peak memory above `haze --help`'s, per enterprise: equal figures at every size mean linear.\n")
        out.append("| enterprises | check cold KB/enterprise | check warm KB/enterprise | activate KB/enterprise |")
        out.append("|---:|---:|---:|---:|")
        base = help_.rss_mb
        for r in results:
            per = [f"{(s.rss_mb - base) * 1024 / r.size:.1f}" if s.samples else "—"
                   for s in (r.check_cold, r.check_warm, r.activate)]  # activate is absent with --no-activate
            out.append(f"| {r.size:,} | {per[0]} | {per[1]} | {per[2]} |")
    return "\n".join(out)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import yaml

    load = " ".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    return (f"{cpu}, {os.cpu_count()} CPUs, {platform.system()} {platform.release()}; Python "
            f"{platform.python_version()}, PyYAML {yaml.__version__} (libyaml: {yaml.__with_libyaml__}); "
            f"load average {load}")


def documents(sizes: str, repeat: int) -> int:
    """DOCX and PDF against Markdown (issue 12), each size in its own run of benchmarks/documents.py."""
    sys.path.insert(0, str(HERE))
    import documents as bench

    for size in (int(s) for s in sizes.split(",") if s.strip()):
        bench.main(["--size", str(size), "--repeat", str(repeat)])
    return 0
# -- spreadsheets (issue 16, branch sheets): export at 50,000 and the XLSX check at 20,000 -----------------

def sheets_rounds(work: Path, env: dict[str, str], repeat: int, seed: int, export_size: int, xlsx_size: int
                  ) -> dict[str, Series]:
    """Each round: ``export orange -o F.xlsx`` beside its floor, the XLSX ``check`` beside its floor.

    Export's floor is a warm ``check --json`` of the same list in a fresh process (the same cache read
    and computation, the JSON instead of the workbook); the XLSX check's is :data:`XLSX_FLOOR`
    (calamine reading every sheet, plus computing the level). Interleaved, so a round's load is
    on both sides of its ratio.
    """
    haze = haze_command()
    series = {name: Series() for name in ("export_floor", "export", "export_csv", "xlsx_floor", "xlsx_check",
                                          "csv_check")}
    folders = {}
    for size in sorted({export_size, xlsx_size}):
        folder = work / f"sheets{size}"
        (folder / ".haze").mkdir(parents=True)
        listfile = folder / f"synthetic-{size}.yaml"
        subprocess.run([sys.executable, "-m", "haze.synth", str(size), "-o", str(listfile), "--seed", str(seed)],
                       check=True, env=env, stderr=subprocess.DEVNULL)
        measure(haze + ["check", LEVEL, "--list", str(listfile), "--json"], folder, env, (0, 1))  # fills the cache
        folders[size] = (folder, listfile)
    xfolder, xlist = folders[xlsx_size]
    book = xfolder / f"synthetic-{xlsx_size}.xlsx"
    subprocess.run(haze + ["export", "--as-list", "--list", str(xlist), "-o", str(book)], check=True, cwd=xfolder,
                   env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    sheet = book.with_suffix(".csv")  # the same list as CSV: read by the same table reader
    subprocess.run(haze + ["export", "--as-list", "--list", str(xlist), "-o", str(sheet)], check=True, cwd=xfolder,
                   env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    efolder, elist = folders[export_size]
    for round_ in range(repeat):
        print(f"  sheets: round {round_ + 1}/{repeat}", file=sys.stderr, flush=True)
        shutil.rmtree(efolder / ".haze" / "cache" / "results", ignore_errors=True)  # the floor computes the level
        series["export_floor"].samples.append(measure(haze + ["check", LEVEL, "--list", str(elist), "--json"],
                                                      efolder, env, (0, 1)))
        series["export"].samples.append(measure(haze + ["export", LEVEL, "--list", str(elist), "-o",
                                                        str(efolder / "export.xlsx")], efolder, env))
        series["export_csv"].samples.append(measure(haze + ["export", LEVEL, "--list", str(elist), "-o",
                                                            str(efolder / "export.csv")], efolder, env))
        series["xlsx_floor"].samples.append(floor_sample([sys.executable, "-c", XLSX_FLOOR, str(book), str(xlist),
                                                          LEVEL], xfolder, env))
        series["xlsx_check"].samples.append(measure(haze + ["check", LEVEL, "--list", str(book), "--json",
                                                            "--no-cache"], xfolder, env, (0, 1)))
        series["csv_check"].samples.append(measure(haze + ["check", LEVEL, "--list", str(sheet), "--json",
                                                           "--no-cache"], xfolder, env, (0, 1)))
    return series


def sheets_report(series: dict[str, Series], export_size: int, xlsx_size: int, repeat: int) -> str:
    rows = [f"### Spreadsheets (minimum of {repeat} rounds; ratios on CPU, wall in brackets)", "",
            "| figure | CPU s | wall s | peak MB | floor CPU s | ratio CPU (wall) | target |", "|---|---:|---:|---:|---:|---:|---|"]
    for label, name, floor, target in (
            (f"`export orange -o F.xlsx`, {export_size:,}", "export", "export_floor", None),
            (f"`export orange -o F.csv`, {export_size:,} (information)", "export_csv", "export_floor", None),
            (f"XLSX `check --json --no-cache`, {xlsx_size:,}", "xlsx_check", "xlsx_floor", TARGETS["xlsx_check"]),
            (f"CSV `check --json --no-cache`, {xlsx_size:,} (information; same floor)", "csv_check", "xlsx_floor",
             None)):
        s, f = series[name], series[floor]
        ratio, wall_ratio = s.cpu / f.cpu, s.wall / f.wall
        goal = f"≤ {target}: {verdict(ratio, target)}" if target else (
            f"≤ {EXPORT_SECONDS:g} s wall: {'meets' if s.wall <= EXPORT_SECONDS else '**misses**'}"
            if name == "export" else "")
        rows.append(f"| {label} | {s.cpu:.2f} | {s.wall:.2f} | {s.rss_mb:.0f} | {f.cpu:.2f} | "
                    f"{ratio:.2f} ({wall_ratio:.2f}) | {goal} |")
    rows += ["", "Floors: export — warm `check --json` of the same list (same cache read and computation); "
             "XLSX check — calamine reading every sheet plus computing the level, in one process.",
             f"Load average at the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}."]
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="5000,50000", help="enterprise counts, comma-separated (default 5000,50000)")
    parser.add_argument("--repeat", type=int, default=3, help="rounds per size; the minimum counts (default 3)")
    parser.add_argument("--startup-rounds", type=int, default=15, help="rounds of the start-up pair (default 15)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the synthetic lists (default 0)")
    parser.add_argument("--human", action="store_true", help="also time check's human table (slow at 50,000)")
    parser.add_argument("--xlsx-sizes", default="20000",
                        help="sizes also checked as an XLSX workbook (default 20000; it is added to --sizes)")
    parser.add_argument("--no-activate", action="store_true", help="skip activate (the slowest figures)")
    parser.add_argument("--activate-only", action="store_true",
                        help="only activate (warm cache) and its floor, after one check: quick at 50,000")
    parser.add_argument("--check-only", action="store_true",
                        help="only the check figures (libyaml, cold, first, warm, computed); no XLSX, export, activate")
    parser.add_argument("--work", type=Path, help="work directory (default: a temporary one, removed after)")
    parser.add_argument("--documents", action="store_true",
                        help="only the DOCX and PDF activations against Markdown at each of --sizes, measured in "
                             "the same run (benchmarks/documents.py; issue 12: within 3x)")
    parser.add_argument("--sheets-only", action="store_true",
                        help="only the spreadsheet figures: export at --export-size, XLSX check at --xlsx-size")
    parser.add_argument("--export-size", type=int, default=50000, help="with --sheets-only (default 50000)")
    parser.add_argument("--xlsx-size", type=int, default=20000, help="with --sheets-only (default 20000)")
    args = parser.parse_args(argv)
    if args.documents:
        return documents(args.sizes, args.repeat)
    if args.sheets_only:
        return sheets_main(args)
    xlsx_sizes = set() if args.check_only else {int(s) for s in args.xlsx_sizes.split(",") if s.strip()}
    sizes = sorted({int(s) for s in args.sizes.split(",") if s.strip()} | xlsx_sizes)
    work = args.work or Path(tempfile.mkdtemp(prefix="haze-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    env = child_env(work)
    try:
        print(f"machine: {machine()}", file=sys.stderr)
        bare, help_, status = startup(work, env, args.startup_rounds)
        results = [run_size(n, work, env, args.repeat, args.seed, args.human,
                            not (args.no_activate or args.check_only), n in xlsx_sizes, args.activate_only,
                            args.check_only) for n in sizes]
        print(f"Machine: {machine()}\n")
        print(report(results, bare, help_, status, args.repeat))
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0



def sheets_main(args: argparse.Namespace) -> int:
    work = args.work or Path(tempfile.mkdtemp(prefix="haze-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    env = child_env(work)
    try:
        print(f"machine: {machine()}", file=sys.stderr)
        series = sheets_rounds(work, env, args.repeat, args.seed, args.export_size, args.xlsx_size)
        print(f"Machine: {machine()}\n")
        print(sheets_report(series, args.export_size, args.xlsx_size, args.repeat))
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
