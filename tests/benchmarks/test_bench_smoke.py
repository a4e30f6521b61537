"""The benchmarks run (``python -m benchmarks --quick``), so they cannot rot.

No timing is asserted: the quick sizes are too small to mean anything, and the machine is
shared. What is asserted is that the accounting benchmark runs and its three paths agree, and
that the runner finds the ``bench_*`` modules and refuses unknown names.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)  # OPENBLAS_CORETYPE and the like are passed through unchanged
    return subprocess.run(
        [sys.executable, "-m", "benchmarks", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_accounting_quick_run_agrees(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    done = run("--quick", "--only", "accounting", "--json", str(out))
    assert done.returncode == 0, done.stdout + done.stderr
    text = done.stdout
    assert "== accounting: bulk recomputation (quick) ==" in text
    assert "[PASS] bulk, per-line paths and DuckDB agree to 1e-09 relative per report" in text
    assert "WARNING" not in text  # the synthetic reports are all valid
    assert "0 reports refused" in text
    results = json.loads(out.read_text(encoding="utf-8"))
    accounting = results["accounting"]
    assert accounting["quick"] is True
    assert accounting["lines"] > 10_000
    assert accounting["per_line_documented"]["max_rel_diff"] <= 1e-9
    assert accounting["per_line_floats"]["max_rel_diff"] <= 1e-9
    names = [g["goal"] for g in accounting["goals"]]
    assert any("M lines/s" in n for n in names)
    assert any("DuckDB" in n for n in names)


def test_mrv_quick_run_agrees(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    done = run("--quick", "--only", "mrv", "--json", str(out))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "== mrv: screening, recomputation, import (quick) ==" in done.stdout
    assert "[PASS] vectorised and exact paths agree" in done.stdout
    mrv = json.loads(out.read_text(encoding="utf-8"))["mrv"]
    assert mrv["screening"]["agree"]
    assert mrv["import"]["agree"]
    assert mrv["recomputation"]["max_rel_diff"] <= 1e-9
    assert len(mrv["goals"]) == 4


def test_unknown_benchmark_is_refused() -> None:
    done = run("--only", "no_such_benchmark")
    assert done.returncode == 2
    assert "unknown benchmark(s): no_such_benchmark" in done.stdout


def test_runner_discovers_bench_modules() -> None:
    done = run("--help")
    assert done.returncode == 0
    assert "accounting" in done.stdout  # benchmarks/bench_accounting.py
