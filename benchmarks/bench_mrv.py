"""Enterprise MRV: screening the ledgers of many enterprises, recomputing their annual reports,
importing a large ledger workbook.

The data are seeded synthetic plans and ledgers
(:func:`citycarbon.accounting.monitoring.synthetic.generate`: enterprises of eight industries,
twelve months, faults injected at a small rate), generated before timing. Three goals, from
issue 6:

* **screening** — every check over 20,000 enterprises × 12 months (about 1.4 million ledger
  rows) in ≤ 10 s: compiling the plans into a table, placing the ledger, the checks, and the
  bulk recomputation of the reports the intensity check needs (the peers are the population).
  Baseline: the exact path, :func:`~citycarbon.accounting.monitoring.annual.check_ledger`
  enterprise by enterprise, on a sample (given the same peers); both must find the same
  findings on the sample;
* **recomputation** — the annual reports of 5,000 enterprises in ≤ 2 s (placing the ledger and
  :func:`~citycarbon.accounting.monitoring.recompute.recompute` through
  :mod:`citycarbon.accounting.bulk`; the plan table is built once and reported apart). Baseline:
  :func:`~citycarbon.accounting.monitoring.annual.annual_report` (exact Decimal) on a sample;
  totals must agree to 1e-9 relative;
* **import** — a 50,000-row ledger workbook read (openpyxl, read-only) and every check run
  (the exact path, as ``citycarbon calc ledger`` does, annual reports included) in ≤ 5 s. The
  workbook is written by the template writer and its strings moved to the shared-strings table,
  as Excel and WPS save a workbook (openpyxl writes inline strings, which read about twice as
  slowly; that file is timed too and reported).
"""

from __future__ import annotations

import argparse
import gc
import io
import re
import statistics
import time
import zipfile
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np

from citycarbon.accounting.monitoring.annual import annual_report, check_ledger
from citycarbon.accounting.monitoring.columns import LedgerColumns, PlanTable, place_columns
from citycarbon.accounting.monitoring.recompute import layouts, recompute
from citycarbon.accounting.monitoring.screening import screen
from citycarbon.accounting.monitoring.synthetic import generate
from citycarbon.accounting.monitoring.template import write_template
from citycarbon.accounting.monitoring.workbook import read_workbook

NAME = "mrv"

FULL: dict[str, int] = {
    "screen_enterprises": 20_000,
    "screen_sample": 300,
    "recompute_enterprises": 5_000,
    "recompute_sample": 300,
    "import_rows": 50_000,
    "runs": 3,
}
QUICK: dict[str, int] = {
    "screen_enterprises": 400,
    "screen_sample": 60,
    "recompute_enterprises": 200,
    "recompute_sample": 40,
    "import_rows": 3_000,
    "runs": 1,
}

GOAL_SCREEN_S = 10.0
GOAL_RECOMPUTE_S = 2.0
GOAL_IMPORT_S = 5.0
TOLERANCE = 1e-9
FAULT_RATE = 0.0002
SEED = 20_140_101

T = TypeVar("T")


def _timed(function: Callable[[], T], runs: int) -> tuple[float, list[float], T]:
    """Median wall time of ``runs`` calls (garbage collector off while timing), all times, and
    the last result."""
    times = []
    result: T | None = None
    for _ in range(max(1, runs)):
        gc.collect()
        gc.disable()
        start = time.perf_counter()
        try:
            result = function()
        finally:
            times.append(time.perf_counter() - start)
            gc.enable()
    assert result is not None
    return statistics.median(times), times, result


def _goal(text: str, measured: str, passed: bool) -> dict[str, Any]:
    return {"goal": text, "measured": measured, "pass": passed}


def _sample(count: int, size: int, seed: int) -> list[int]:
    rng = np.random.default_rng(seed)
    return sorted(int(i) for i in rng.choice(count, size=min(size, count), replace=False))


# ---------------------------------------------------------------------------------------------
# Screening
# ---------------------------------------------------------------------------------------------


def _screening(sizes: dict[str, int]) -> dict[str, Any]:
    count = sizes["screen_enterprises"]
    start = time.perf_counter()
    data = generate(count, seed=SEED, fault_rate=FAULT_RATE)
    generated = time.perf_counter() - start
    rows = len(data.ledger)
    print(
        f"screening data: {count:,} enterprises × 12 months, {rows:,} ledger rows, faults "
        f"{sum(data.faults.values()):,}; generated in {generated:.1f} s (not timed)"
    )

    def run() -> tuple[float, float, Any]:
        begin = time.perf_counter()
        table = PlanTable.from_plans(data.plans)
        layout = layouts(table)
        compiled = time.perf_counter() - begin
        result = screen(data.ledger, table, layout=layout)
        return compiled, time.perf_counter() - begin, (table, result)

    median, times, (compiled, _, (table, result)) = _timed(run, sizes["runs"])
    counts = result.counts()
    blocked = int(result.blocked.sum())
    print(
        f"screening: median {median:.2f} s of {len(times)} ({', '.join(f'{t:.2f}' for t in times)})"
        f" incl. compiling the plans {compiled:.2f} s -> {count / median:,.0f} enterprises/s, "
        f"{rows / median / 1e6:.2f} M rows/s; {len(result.findings):,} findings, {blocked:,} "
        f"enterprises blocked"
    )
    print("  findings: " + ", ".join(f"{k} {v:,}" for k, v in sorted(counts.items())))
    # The exact path on a sample, with the population's peers.
    sample = _sample(count, sizes["screen_sample"], SEED)
    sample_rows = data.rows(sample)
    plans = [table.compiled[i] for i in sample]
    exact_median, _, exact = _timed(lambda: check_ledger(plans, sample_rows, peers=result.peers), 1)
    exact_rate = len(sample) / exact_median
    wanted = {p.plan.enterprise for p in plans}
    bulk_keys = sorted(f.key for f in result.findings if f.enterprise in wanted)
    exact_keys = sorted(f.key for f in exact.findings)
    agree = bulk_keys == exact_keys
    print(
        f"  exact path (check_ledger, Decimal) on {len(sample)} enterprises: {exact_median:.2f} s"
        f" -> {exact_rate:,.0f} enterprises/s; same findings as the screening: "
        f"{'yes' if agree else 'NO'} ({len(exact_keys):,} findings)"
    )
    ratio = (count / median) / exact_rate
    return {
        "enterprises": count,
        "rows": rows,
        "median_s": median,
        "times": times,
        "compile_s": compiled,
        "findings": counts,
        "exact_enterprises_per_s": exact_rate,
        "ratio": ratio,
        "agree": agree,
    }


# ---------------------------------------------------------------------------------------------
# Recomputation
# ---------------------------------------------------------------------------------------------


def _recomputation(sizes: dict[str, int]) -> dict[str, Any]:
    count = sizes["recompute_enterprises"]
    data = generate(count, seed=SEED + 1)
    start = time.perf_counter()
    table = PlanTable.from_plans(data.plans)
    layout = layouts(table)
    prepared = time.perf_counter() - start

    def run() -> Any:
        return recompute(place_columns(data.ledger, table), layout=layout)

    median, times, result = _timed(run, sizes["runs"])
    computed = int(result.result.computed.sum())
    print(
        f"recomputation: {count:,} annual reports ({len(data.ledger):,} ledger rows): median "
        f"{median:.3f} s of {len(times)} ({', '.join(f'{t:.3f}' for t in times)}) -> "
        f"{count / median:,.0f} reports/s; {computed:,} computed; plan table and layout built "
        f"once in {prepared:.2f} s (not counted)"
    )
    sample = _sample(count, sizes["recompute_sample"], SEED + 1)
    by_enterprise: dict[str, list[Any]] = {}
    for row in data.rows(sample):
        by_enterprise.setdefault(row.enterprise, []).append(row)

    def exact() -> list[Any]:
        return [
            annual_report(table.compiled[i], by_enterprise[table.compiled[i].plan.enterprise])
            for i in sample
        ]

    exact_median, _, reports = _timed(exact, 1)
    exact_rate = len(sample) / exact_median
    worst = 0.0
    for k, report in zip(sample, reports, strict=True):
        if report.result is None:
            worst = float("inf") if result.result.computed[k] else worst
            continue
        expected = float(report.result.total.value)
        got = float(result.result.total_tco2e[k])
        worst = max(worst, abs(got - expected) / max(abs(expected), 1e-300))
    print(
        f"  exact path (annual_report, Decimal, checks included) on {len(sample)} enterprises: "
        f"{exact_median:.2f} s -> {exact_rate:,.0f} reports/s; max rel. diff of totals "
        f"{worst:.1e}"
    )
    return {
        "enterprises": count,
        "median_s": median,
        "times": times,
        "prepare_s": prepared,
        "exact_reports_per_s": exact_rate,
        "ratio": (count / median) / exact_rate,
        "max_rel_diff": worst,
    }


# ---------------------------------------------------------------------------------------------
# Import
# ---------------------------------------------------------------------------------------------


_INLINE = re.compile(
    rb'<c r="([A-Z]+[0-9]+)"((?: s="[0-9]+")?) t="inlineStr"><is><t>([^<]*)</t></is></c>'
)


def shared_strings(content: bytes) -> bytes:
    """The workbook ``content`` with its inline strings moved to a shared-strings table, as Excel
    and WPS store strings (openpyxl writes them inline)."""
    source = zipfile.ZipFile(io.BytesIO(content))
    table: dict[bytes, int] = {}

    def replace(match: re.Match[bytes]) -> bytes:
        index = table.setdefault(match.group(3), len(table))
        return b'<c r="%s"%s t="s"><v>%d</v></c>' % (match.group(1), match.group(2), index)

    parts = {item.filename: source.read(item.filename) for item in source.infolist()}
    for name in [n for n in parts if n.startswith("xl/worksheets/sheet")]:
        parts[name] = _INLINE.sub(replace, parts[name])
    strings = b"".join(b"<si><t>%s</t></si>" % text for text in table)
    parts["xl/sharedStrings.xml"] = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://schemas.'
        b'openxmlformats.org/spreadsheetml/2006/main" uniqueCount="%d">%s</sst>'
        % (len(table), strings)
    )
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>",
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
        b'officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    )
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>",
        b'<Relationship Id="rIdSharedStrings" Type="http://schemas.openxmlformats.org/'
        b'officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
        b"</Relationships>",
    )
    target = io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in parts.items():
            out.writestr(name, data)
    return target.getvalue()


def _import(sizes: dict[str, int]) -> dict[str, Any]:
    wanted = sizes["import_rows"]
    probe = generate(20, seed=SEED + 2)
    per_enterprise = len(probe.ledger) / 20
    data = generate(int(wanted / per_enterprise) + 1, seed=SEED + 2, fault_rate=FAULT_RATE)
    rows = data.rows()[:wanted]
    keep = {r.enterprise for r in rows}
    plans = [p for p in data.plans if p.enterprise in keep]
    buffer = io.BytesIO()
    write_template(buffer, plans, rows)
    inline = buffer.getvalue()
    shared = shared_strings(inline)

    def run(content: bytes) -> Callable[[], tuple[float, Any, Any]]:
        def go() -> tuple[float, Any, Any]:
            begin = time.perf_counter()
            document = read_workbook(io.BytesIO(content))
            read = time.perf_counter() - begin
            checked = check_ledger(document.plans, document.rows)
            return read, document, checked

        return go

    median, times, (read, document, checked) = _timed(run(shared), sizes["runs"])
    inline_median, _, _ = _timed(run(inline), 1)

    bulk_median, _, bulk = _timed(
        lambda: screen(
            LedgerColumns.from_rows(document.rows), PlanTable.from_plans(document.plans)
        ),
        sizes["runs"],
    )
    agree = sorted(f.key for f in bulk.findings) == sorted(f.key for f in checked.findings)
    reported = sum(1 for e in checked.enterprises.values() if e.report and e.report.result)
    print(
        f"import: {len(document.rows):,} ledger rows of {len(document.plans)} enterprises "
        f"({len(shared) / 1e6:.1f} MB, shared strings): read + every check + annual reports "
        f"(exact) median {median:.2f} s of {len(times)} ({', '.join(f'{t:.2f}' for t in times)}),"
        f" of which reading {read:.2f} s; {len(checked.findings):,} findings, {reported} reports"
    )
    print(
        f"  same workbook as openpyxl writes it (inline strings, {len(inline) / 1e6:.1f} MB): "
        f"{inline_median:.2f} s; checks by the screening path instead of the exact one: "
        f"{bulk_median:.2f} s after reading (same findings: {'yes' if agree else 'NO'})"
    )
    return {
        "rows": len(document.rows),
        "enterprises": len(document.plans),
        "median_s": median,
        "times": times,
        "read_s": read,
        "inline_strings_s": inline_median,
        "screening_checks_s": bulk_median,
        "agree": agree,
    }


# ---------------------------------------------------------------------------------------------
# The benchmark
# ---------------------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Run the benchmark and print its figures; return them with the goals met or missed."""
    sizes = QUICK if getattr(args, "quick", False) else FULL
    print(f"== mrv: screening, recomputation, import ({'quick' if sizes is QUICK else 'full'}) ==")
    screening = _screening(sizes)
    recomputation = _recomputation(sizes)
    imported = _import(sizes)
    goals = [
        _goal(
            f"screening {sizes['screen_enterprises']:,} enterprises × 12 months <= "
            f"{GOAL_SCREEN_S:.0f} s",
            f"{screening['median_s']:.2f} s ({screening['ratio']:,.0f}x the exact path per "
            "enterprise)",
            screening["median_s"] <= GOAL_SCREEN_S,
        ),
        _goal(
            f"recompute {sizes['recompute_enterprises']:,} annual reports <= "
            f"{GOAL_RECOMPUTE_S:.0f} s",
            f"{recomputation['median_s']:.3f} s ({recomputation['ratio']:,.0f}x the exact path)",
            recomputation["median_s"] <= GOAL_RECOMPUTE_S,
        ),
        _goal(
            f"import a {sizes['import_rows']:,}-row ledger workbook with all checks <= "
            f"{GOAL_IMPORT_S:.0f} s",
            f"{imported['median_s']:.2f} s (reading {imported['read_s']:.2f} s)",
            imported["median_s"] <= GOAL_IMPORT_S,
        ),
        _goal(
            f"vectorised and exact paths agree (same findings; totals to {TOLERANCE:g})",
            "yes"
            if screening["agree"]
            and imported["agree"]
            and recomputation["max_rel_diff"] <= TOLERANCE
            else "NO",
            bool(screening["agree"] and imported["agree"])
            and recomputation["max_rel_diff"] <= TOLERANCE,
        ),
    ]
    print(
        f"ratios: screening/exact {screening['ratio']:,.0f}x per enterprise, recomputation/exact "
        f"{recomputation['ratio']:,.0f}x per report"
    )
    for goal in goals:
        print(f"  [{'PASS' if goal['pass'] else 'MISS'}] {goal['goal']}: {goal['measured']}")
    if sizes is QUICK:
        print("  (quick run: sizes too small for the figures to mean anything)")
    return {
        "name": NAME,
        "quick": sizes is QUICK,
        "screening": screening,
        "recomputation": recomputation,
        "import": imported,
        "goals": goals,
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    run(parser.parse_args())
