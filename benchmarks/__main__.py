"""Run every benchmark: ``python -m benchmarks [--quick] [--only NAME ...]``.

Benchmarks are the modules ``benchmarks/bench_*.py``; each exposes ``run(args) -> dict``,
prints its own figures, and returns them with a list of ``goals`` (dicts with ``goal``,
``measured`` and ``pass``) that this runner summarises. Numerical libraries are held to one
thread: the figures are per core.
"""

from __future__ import annotations

import os

# Before numpy (or anything that loads a BLAS) is imported: one thread per process.
for _variable in (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "NUMEXPR_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
):
    os.environ.setdefault(_variable, "1")

import argparse  # noqa: E402
import importlib  # noqa: E402
import json  # noqa: E402
import pkgutil  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import traceback  # noqa: E402
from collections.abc import Sequence  # noqa: E402
from typing import Any  # noqa: E402

import benchmarks  # noqa: E402


def discover() -> list[str]:
    """Names of the benchmark modules (``bench_accounting`` → ``accounting``), sorted."""
    found = [
        info.name.removeprefix("bench_")
        for info in pkgutil.iter_modules(benchmarks.__path__)
        if info.name.startswith("bench_")
    ]
    return sorted(found)


def parse(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument(
        "--quick", action="store_true", help="a small smoke run (figures not meaningful)"
    )
    parser.add_argument(
        "--only",
        action="append",
        metavar="NAME",
        help="run only this benchmark (repeatable); names: " + ", ".join(discover()),
    )
    parser.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmarks; exit status 1 when one of them fails to run (a MISS is not a failure)."""
    args = parse(argv)
    names = discover()
    if args.only:
        wanted = [n.removeprefix("bench_") for n in args.only]
        unknown = [n for n in wanted if n not in names]
        if unknown:
            print(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(names)}")
            return 2
        names = [n for n in names if n in wanted]
    results: dict[str, Any] = {}
    failed: list[str] = []
    for name in names:
        module = importlib.import_module(f"benchmarks.bench_{name}")
        start = time.perf_counter()
        try:
            result = module.run(args)
        except Exception:
            traceback.print_exc()
            failed.append(name)
            continue
        result["elapsed_s"] = time.perf_counter() - start
        results[name] = result
        print()
    print("== summary ==")
    for name, result in results.items():
        goals = result.get("goals", [])
        met = sum(1 for g in goals if g["pass"])
        print(f"{name}: {met}/{len(goals)} goals met ({result['elapsed_s']:.0f} s)")
        for goal in goals:
            mark = "PASS" if goal["pass"] else "MISS"
            print(f"  [{mark}] {goal['goal']}: {goal['measured']}")
    for name in failed:
        print(f"{name}: FAILED to run (see the traceback above)")
    if args.quick:
        print("(quick run: a smoke test; the figures are not meaningful)")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(results, handle, indent=2, default=str)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
