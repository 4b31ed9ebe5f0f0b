"""Where the time of ``haze check`` goes, phase by phase (CPU seconds), for one list.

    python -m haze.synth 50000 -o /tmp/province.yaml
    python benchmarks/phases.py /tmp/province.yaml            # cold: parse the YAML
    python benchmarks/phases.py /tmp/province.yaml --warm     # through the parse cache
    python benchmarks/phases.py /tmp/province.yaml --profile  # and the top functions (cProfile)
    python benchmarks/phases.py /tmp/province.yaml --stored   # a results-cache hit (io/results.py)

The phases are those ``haze check LEVEL --json`` runs, called one by one with
the CLI's garbage-collection setting, so their sum is close to the command's
CPU time (``benchmarks/run.py`` measures the command itself). ``--warm`` fills
the cache first when it is empty (the current directory's ``.haze/cache`` if
there is a ``.haze/``, else the user cache directory).
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import importlib
import pstats
import sys
import time
from pathlib import Path
from typing import Any, Callable


def phases(path: str, warm: bool, level_name: str, stored: bool = False
           ) -> list[tuple[str, Callable[[dict[str, Any]], None]]]:
    """(name, step) in the order check runs them; each step reads and fills ``state``."""

    def read_cold(state: dict[str, Any]) -> None:
        state["data"] = Path(path).read_bytes()

    def parse(state: dict[str, Any]) -> None:
        from haze.io.lists.yamlread import load_yaml

        state["doc"], _ = load_yaml(state.pop("data"), path)

    def build(state: dict[str, Any]) -> None:
        from haze.io.lists.build import build as build_list

        state["list"], _ = build_list(state["doc"], path)

    def free(state: dict[str, Any]) -> None:
        del state["doc"]

    def read_warm(state: dict[str, Any]) -> None:
        from haze.io.cache import cached_read_list

        state["list"] = cached_read_list(path).enterprise_list

    def policy(state: dict[str, Any]) -> None:
        from haze.commands.inputs import choose_policy

        state["policy"] = choose_policy(None, state["list"])

    def compute(state: dict[str, Any]) -> None:
        from haze.core.engine import compute as compute_level
        from haze.core.model import Level

        state["result"] = compute_level(state["list"], state["policy"], Level.parse(level_name))

    def to_json(state: dict[str, Any]) -> None:
        from haze.render.report import level_json

        state["json"] = level_json(state["result"], state["list"])

    def dumps(state: dict[str, Any]) -> None:
        from haze.render.report import dumps as dump

        state["text"] = dump(state["json"])

    def imports(state: dict[str, Any]) -> None:
        for module in ("haze.cli.check", "haze.commands.inputs"):  # what the command imports before it starts
            importlib.import_module(module)

    if stored:
        return stored_phases(path, level_name)
    reading = [("cache read (JSON + model)", read_warm)] if warm else [
        ("read the file", read_cold), ("YAML parse (libyaml + constructor)", parse),
        ("builder (model + findings)", build), ("free the parsed document", free)]
    return [("imports", imports), *reading, ("policy", policy), ("compute", compute),
            ("level_json", to_json), ("dumps (JSON text)", dumps)]


def stored_phases(path: str, level_name: str) -> list[tuple[str, Callable[[dict[str, Any]], None]]]:
    """A ``check --json`` answered by the results cache: what commands/check.run does before it returns."""

    def imports(state: dict[str, Any]) -> None:
        for module in ("haze.cli.check", "haze.commands.check", "haze.io.results", "haze.io.lists"):
            importlib.import_module(module)

    def digest(state: dict[str, Any]) -> None:
        import hashlib

        from haze.io.lists import read_list_bytes

        data, _ = read_list_bytes(path)
        state["digest"] = hashlib.sha256(data or b"").hexdigest()

    def key(state: dict[str, Any]) -> None:
        from haze.io.results import result_key

        state["key"] = result_key(list_path=path, digest=state["digest"], policy=None, level=level_name)

    def load(state: dict[str, Any]) -> None:
        from haze.io.results import load as load_entry

        state["stored"] = load_entry(state["key"])
        if state["stored"] is None:
            raise SystemExit("no stored answer: run `haze check LEVEL --list FILE --json` here first")

    def write(state: dict[str, Any]) -> None:
        import os

        with open(os.devnull, "wb") as sink:
            sink.write(state["stored"].output)

    return [("imports", imports), ("read + sha256 of the list", digest), ("key (engine fingerprint, policy)", key),
            ("results entry read + HMAC", load), ("write the bytes", write)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("list", help="a .yaml list (python -m haze.synth N -o FILE makes one)")
    parser.add_argument("--warm", action="store_true", help="read through the parse cache (filled first if empty)")
    parser.add_argument("--level", default="orange", help="the level computed (default orange)")
    parser.add_argument("--profile", action="store_true", help="also print the 25 costliest functions")
    parser.add_argument("--stored", action="store_true",
                        help="a results-cache hit (the answer stored by an earlier `check --json` here)")
    args = parser.parse_args(argv)
    gc.set_threshold(700, 10, 10_000)  # as haze.cli.main does
    if args.warm:
        from haze.io.cache import cached_read_list

        cached_read_list(args.list)  # a miss fills the cache; a hit costs nothing here
        gc.collect()
    state: dict[str, Any] = {}
    profiler = cProfile.Profile() if args.profile else None
    rows = []
    for name, step in phases(args.list, args.warm, args.level, args.stored):
        start = time.process_time()
        if profiler:
            profiler.enable()
        step(state)
        if profiler:
            profiler.disable()
        rows.append((name, time.process_time() - start))
    total = sum(seconds for _, seconds in rows)
    print(f"{'stored' if args.stored else 'warm' if args.warm else 'cold'} check {args.level}, {args.list}\n")
    print("| phase | CPU s | share |\n|---|---:|---:|")
    for name, seconds in rows:
        print(f"| {name} | {seconds:.2f} | {100 * seconds / total:.0f}% |")
    print(f"| total | {total:.2f} | |")
    if profiler:
        print()
        pstats.Stats(profiler, stream=sys.stdout).sort_stats("tottime").print_stats(25)
    return 0


if __name__ == "__main__":
    sys.exit(main())
