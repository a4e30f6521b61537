"""Bulk recomputation of enterprise accounting: the vectorised kernel against its baselines.

One seeded batch of synthetic enterprise-year reports (100 000 reports, about 2 million lines;
``--quick``: 2 000 reports) goes through

* **bulk** — :func:`citycarbon.accounting.bulk.compute_bulk`: validation, the factor join,
  every source type's ``compute`` on whole columns, CO2e, treatment signs and per-report sums
  (one thread; the first, cold run is reported apart, then the median of seven);
* **per line, documented** — :func:`citycarbon.accounting.compute_reports` (exact Decimal, the
  engine) on a random sample of reports holding about 20 000 lines; the ratio to the bulk path
  is taken against this one;
* **per line, raw floats** — the same sample, each line's resolved values (floats, defaults
  already filled in) handed to its source type's ``compute`` one call at a time, then CO2e,
  sign and a per-report sum in Python: the cost of the formulas alone, without the engine;
* **DuckDB** — the same columns registered as tables, one thread (``SET threads=1``): the
  lines joined with their report and with the defaults table (on subject and guideline context),
  the formula per line in SQL (generated from the same traced ``compute`` functions), multiplied
  by GWP and treatment sign, and ``GROUP BY`` report. Loading into DuckDB is timed separately
  and not counted; the first, cold query is reported apart, then the median of seven.

All three must agree to 1e-9 relative per report (the per-line paths on their sample).
"""

from __future__ import annotations

import argparse
import gc
import resource
import statistics
import time
import tracemalloc
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

from benchmarks.synthetic import describe, generate_batch, sample_reports
from citycarbon.accounting import ReportError, compute_reports
from citycarbon.accounting.bulk import (
    BulkResult,
    Node,
    ReportBatch,
    ResolvedBatch,
    ResolvedBlock,
    compute_bulk,
    resolve_bulk,
)
from citycarbon.units import DEFAULT_METRIC, gwp

NAME = "accounting"

#: Sizes of the full run and of ``--quick``.
FULL: dict[str, int] = {
    "reports": 100_000,
    "sample_lines": 20_000,
    "bulk_runs": 7,
    "exact_runs": 1,
    "scalar_runs": 3,
    "duckdb_runs": 7,
}
QUICK: dict[str, int] = {
    "reports": 2_000,
    "sample_lines": 1_000,
    "bulk_runs": 2,
    "exact_runs": 1,
    "scalar_runs": 1,
    "duckdb_runs": 2,
}

GOAL_LINES_PER_S = 5_000_000.0
GOAL_RATIO_PER_LINE = 30.0
GOAL_RATIO_DUCKDB = 1.0
GOAL_PEAK_BYTES = 1.5e9
TOLERANCE = 1e-9
SEED = 20_121_231

T = TypeVar("T")


def _timed(function: Callable[[], T], runs: int) -> tuple[float, list[float], T]:
    """Median wall time of ``runs`` calls (garbage collector off while timing), all times,
    and the last result."""
    times = []
    result: T | None = None
    for _ in range(max(1, runs)):
        gc.disable()
        start = time.perf_counter()
        try:
            result = function()
        finally:
            elapsed = time.perf_counter() - start
            gc.enable()
        times.append(elapsed)
    assert result is not None
    return statistics.median(times), times, result


def _relative(a: npt.NDArray[np.float64], b: npt.NDArray[np.float64]) -> float:
    """Largest relative difference between two arrays of totals (0 when both are 0)."""
    if a.size == 0:
        return 0.0
    scale = np.maximum(np.abs(a), np.abs(b))
    diff = np.abs(a - b)
    with np.errstate(invalid="ignore", divide="ignore"):
        rel = np.where(scale > 0, diff / scale, 0.0)
    return float(np.nanmax(rel)) if rel.size else 0.0


def _peak_rss() -> int:
    """Peak resident memory of this process so far [bytes] (Linux reports kB)."""
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) * 1024


# ---------------------------------------------------------------------------------------------
# Per-line paths
# ---------------------------------------------------------------------------------------------


def _exact(batch: ReportBatch, sample: Sequence[int], runs: int) -> dict[str, Any]:
    """The documented per-line path: the engine, in exact decimals, report by report."""
    reports = batch.to_reports(sample)
    lines = sum(len(r.lines) for r in reports)
    median, times, results = _timed(lambda: compute_reports(reports), runs)
    totals = np.array(
        [np.nan if isinstance(r, ReportError) else float(r.total.value) for r in results]
    )
    refused = [r.report for r in results if isinstance(r, ReportError)]
    return {
        "lines": lines,
        "median_s": median,
        "times": times,
        "totals": totals,
        "refused": refused,
    }


def _scalar(
    resolved: ResolvedBatch, sample: Sequence[int], gases: Sequence[str], runs: int
) -> dict[str, Any]:
    """Each line's source ``compute`` called alone with floats (values already resolved)."""
    wanted = np.zeros(len(resolved.batch), dtype=bool)
    wanted[list(sample)] = True
    position = {index: k for k, index in enumerate(sample)}
    items: list[tuple[Callable[[Mapping[str, Any]], dict[str, Any]], dict[str, Any], int, float]]
    items = []
    for block in resolved.blocks.values():
        signs = block.sign_by_context[block.context]
        for row in np.flatnonzero(wanted[block.block.report]).tolist():
            report = position[int(block.block.report[row])]
            items.append((block.source.compute, block.line_values(row), report, float(signs[row])))
    factors = {g: float(gwp(g, DEFAULT_METRIC)) for g in gases}

    def loop() -> npt.NDArray[np.float64]:
        totals = [0.0] * len(sample)
        for compute, values, report, sign in items:
            masses = compute(values)
            co2e = 0.0
            for gas, mass in masses.items():
                co2e += mass * factors[gas]
            totals[report] += sign * co2e
        return np.array(totals)

    median, times, totals = _timed(loop, runs)
    return {"lines": len(items), "median_s": median, "times": times, "totals": totals}


# ---------------------------------------------------------------------------------------------
# DuckDB
# ---------------------------------------------------------------------------------------------


def _sql_node(node: Node, refs: Mapping[str, str]) -> str:
    tag = node[0]
    if tag == "field":
        return refs[node[1]]
    if tag == "const":
        return f"CAST({float(node[1])!r} AS DOUBLE)"
    if tag == "neg":
        return f"(-{_sql_node(node[1], refs)})"
    left, right = _sql_node(node[1], refs), _sql_node(node[2], refs)
    if tag == "**":
        return f"POW({left}, {right})"
    return f"({left} {tag} {right})"


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class _DuckJob:
    """The tables and the query for DuckDB, built from the same resolved batch (not timed)."""

    def __init__(self, resolved: ResolvedBatch) -> None:
        self.resolved = resolved
        self.tables: dict[str, dict[str, npt.NDArray[Any]]] = {}
        self.queries: list[str] = []
        self.skipped: list[str] = []
        batch = resolved.batch
        self.tables["reports"] = {
            "report": np.arange(len(batch), dtype=np.int32),
            "sector": batch.sector.astype(np.int16),
            "ctx": resolved.report_context.astype(np.int32),
        }
        for number, block in enumerate(resolved.blocks.values()):
            if any(k.exprs is None for k in block.classes):
                self.skipped.append(block.source.id)
                continue
            self._block(number, block)

    def _block(self, number: int, block: ResolvedBlock) -> None:
        source = block.source
        lines = f"l{number}"
        columns: dict[str, npt.NDArray[Any]] = {"report": block.block.report.astype(np.int32)}
        columns.update({f"v_{k}": v for k, v in block.block.numbers.items()})
        columns.update({f"u_{k}": v for k, v in block.block.units.items()})
        columns.update({f"c_{k}": v for k, v in block.block.choices.items()})
        self.tables[lines] = columns
        allowed = np.array(
            [s is not None and s.treatment(source.id) is not None for s in self._sectors()]
        )
        sign_by_sector = np.zeros(len(allowed))
        sign_by_sector[self.resolved.context_sector] = block.sign_by_context
        codes = np.flatnonzero(allowed).astype(np.int16)
        self.tables[f"s{number}"] = {"sector": codes, "sign": sign_by_sector[codes]}
        joins, refs, unit_refs = self._defaults(number, block)
        for item in source.fields:
            if item.kind == "choice":
                continue
            given = f"l.{_quote('v_' + item.name)}" if item.name in block.block.numbers else None
            default = refs.get(item.name)
            parts = [p for p in (given, default) if p]
            refs[item.name] = (
                parts[0]
                if len(parts) == 1
                else f"COALESCE({', '.join(parts)})"
                if parts
                else "NULL"
            )
            given_unit = (
                f"NULLIF(l.{_quote('u_' + item.name)}, -1)"
                if item.name in block.block.units
                else None
            )
            unit_parts = [p for p in (given_unit, unit_refs.get(item.name)) if p]
            unit_refs[item.name] = (
                f"COALESCE({', '.join(unit_parts)})" if unit_parts else "CAST(NULL AS INTEGER)"
            )
        expression = self._formula(block, refs, unit_refs)
        self.queries.append(
            f"SELECT l.report AS report, ({expression}) * s.sign AS w "
            f"FROM {lines} l JOIN reports r ON r.report = l.report "
            f"JOIN s{number} s ON s.sector = r.sector {' '.join(joins)}"
        )

    def _sectors(self) -> list[Any]:
        from citycarbon.accounting.sectors import sectors

        known = sectors()
        return [known.get(s) for s in self.resolved.batch.sectors]

    def _defaults(
        self, number: int, block: ResolvedBlock
    ) -> tuple[list[str], dict[str, str], dict[str, str]]:
        """One defaults table per subject (the choice a default is keyed by, or none) and level,
        keyed by subject and by the sector (defaults that depend on the guideline only) or the
        full (sector, region, year) context, exactly as the bulk path's lookup tables."""
        groups: dict[tuple[str | None, str], list[str]] = {}
        for name, table in block.defaults.items():
            groups.setdefault((table.subject_field, table.level), []).append(name)
        joins: list[str] = []
        refs: dict[str, str] = {}
        unit_refs: dict[str, str] = {}
        for k, ((subject, level), names) in enumerate(groups.items()):
            tables = [block.defaults[n] for n in names]
            rows, width = tables[0].value.shape
            subj = np.repeat(np.arange(rows), width).astype(np.int32)
            key = np.tile(np.arange(width), rows).astype(np.int32)
            data: dict[str, npt.NDArray[Any]] = {"subj": subj, "k": key}
            keep = np.zeros(subj.size, dtype=bool)
            for name, table in zip(names, tables, strict=True):
                values = np.where(table.failed, np.nan, table.value).reshape(-1)
                data[f"v_{name}"] = values
                data[f"u_{name}"] = table.unit.reshape(-1).astype(np.int16)
                keep |= ~np.isnan(values)
            self.tables[f"d{number}_{k}"] = {c: v[keep] for c, v in data.items()}
            alias = f"d{k}"
            on = [f"{alias}.subj = l.{_quote('c_' + subject)}"] if subject else []
            on.append(f"{alias}.k = r.{'sector' if level == 'sector' else 'ctx'}")
            joins.append(f"LEFT JOIN d{number}_{k} {alias} ON {' AND '.join(on)}")
            for name in names:
                refs[name] = f"{alias}.{_quote('v_' + name)}"
                unit_refs[name] = f"{alias}.{_quote('u_' + name)}"
        return joins, refs, unit_refs

    def _formula(
        self, block: ResolvedBlock, refs: Mapping[str, str], unit_refs: Mapping[str, str]
    ) -> str:
        """The CO2e of a line in SQL: one CASE branch per formula class."""
        factors = {g: float(gwp(g, DEFAULT_METRIC)) for k in block.classes for g in k.exprs or {}}

        def co2e(exprs: Mapping[str, Node]) -> str:
            terms = []
            for gas, node in exprs.items():
                text = _sql_node(node, refs)
                terms.append(text if factors[gas] == 1.0 else f"({text} * {factors[gas]!r})")
            return " + ".join(terms) if terms else "0.0"

        classes = block.classes
        if len(classes) == 1:
            exprs = classes[0].exprs
            assert exprs is not None
            return co2e(exprs)
        sig_class = np.zeros(block.signatures.shape[0], dtype=np.intp)
        for number, klass in enumerate(classes):
            sig_class[list(klass.signatures)] = number
        assert block.line_class is not None
        dominant = int(np.argmax(np.bincount(block.line_class, minlength=len(classes))))
        keep = list(range(len(block.dims)))
        for candidate in range(len(block.dims)):
            trial = [k for k in keep if k != candidate]
            seen: dict[tuple[int, ...], int] = {}
            if all(
                seen.setdefault(tuple(block.signatures[i, trial].tolist()), int(c)) == c
                for i, c in enumerate(sig_class.tolist())
            ):
                keep = trial
        dim_sql = []
        for k in keep:
            dim = block.dims[k]
            if dim.kind == "choice":
                dim_sql.append(f"(l.{_quote('c_' + dim.field)} + 1)")
            elif dim.kind == "unit":
                dim_sql.append(f"(COALESCE({unit_refs[dim.field]}, -1) + 1)")
            else:
                dim_sql.append(f"(CASE WHEN {refs[dim.field]} IS NULL THEN 0 ELSE 1 END)")
        branches = []
        for number, klass in enumerate(classes):
            if number == dominant or klass.exprs is None:
                continue
            tuples = {tuple(block.signatures[i, keep].tolist()) for i in klass.signatures}
            condition = " OR ".join(
                "(" + " AND ".join(f"{dim_sql[j]} = {v}" for j, v in enumerate(t)) + ")"
                for t in sorted(tuples)
            )
            branches.append(f"WHEN {condition} THEN {co2e(klass.exprs)}")
        otherwise = classes[dominant].exprs
        assert otherwise is not None
        return f"CASE {' '.join(branches)} ELSE {co2e(otherwise)} END"

    def sql(self) -> str:
        union = " UNION ALL ".join(self.queries)
        return f"SELECT report, SUM(w) AS total FROM ({union}) GROUP BY report"


def _duckdb(resolved: ResolvedBatch, runs: int) -> dict[str, Any]:
    try:
        import duckdb
    except ImportError:
        return {"available": False}
    job = _DuckJob(resolved)
    con = duckdb.connect()
    con.execute("SET threads=1")
    start = time.perf_counter()
    for name, columns in job.tables.items():
        con.register("incoming", columns)
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM incoming")
        con.unregister("incoming")
    load = time.perf_counter() - start
    query = job.sql()

    def execute() -> dict[str, Any]:
        result: dict[str, Any] = con.execute(query).fetchnumpy()
        return result

    cold, _, _ = _timed(execute, 1)
    median, times, result = _timed(execute, runs)
    totals = np.zeros(len(resolved.batch))
    totals[np.asarray(result["report"], dtype=np.intp)] = np.asarray(result["total"], dtype=float)
    con.close()
    return {
        "available": True,
        "version": duckdb.__version__,
        "load_s": load,
        "median_s": median,
        "times": times,
        "cold_s": cold,
        "totals": totals,
        "skipped": job.skipped,
        "query_chars": len(query),
    }


# ---------------------------------------------------------------------------------------------
# The benchmark
# ---------------------------------------------------------------------------------------------


def _goal(text: str, measured: str, passed: bool) -> dict[str, Any]:
    return {"goal": text, "measured": measured, "pass": passed}


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Run the benchmark and print its figures; return them with the goals met or missed."""
    sizes = QUICK if getattr(args, "quick", False) else FULL
    out: dict[str, Any] = {"name": NAME, "quick": sizes is QUICK}
    print(f"== accounting: bulk recomputation ({'quick' if sizes is QUICK else 'full'}) ==")

    start = time.perf_counter()
    batch, mix = generate_batch(sizes["reports"], seed=SEED)
    generated = time.perf_counter() - start
    info = describe(batch)
    lines = info["lines"]
    print(
        f"batch: {info['reports']:,} reports, {lines:,} lines, {len(mix.sectors)} sectors, "
        f"{len(mix.sources)} source types, {len(mix.fuels)} fuels, {len(mix.contexts)} "
        f"(region, year) pairs; columns {batch.nbytes / 1e6:.0f} MB; generated in "
        f"{generated:.1f} s (seed {SEED}, not timed)"
    )
    if mix.skipped:
        print("  left out of the mix: " + "; ".join(mix.skipped))

    # Bulk: one cold run (first touch of the process's memory, unit-conversion caches), then
    # the median of several.
    cold, _, _ = _timed(lambda: compute_bulk(batch), 1)
    bulk_median, bulk_times, bulk = _timed(lambda: compute_bulk(batch), sizes["bulk_runs"])
    bulk_rate = lines / bulk_median
    refused = int((~bulk.computed).sum())
    tracemalloc.start()
    compute_bulk(batch)
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    bulk_peak = batch.nbytes + traced_peak
    rss_after_bulk = _peak_rss()
    print(
        f"bulk:          median {bulk_median:.3f} s of {len(bulk_times)} "
        f"({', '.join(f'{t:.3f}' for t in bulk_times)}) -> {bulk_rate / 1e6:.2f} M lines/s; "
        f"{refused} reports refused; first (cold) run {cold:.3f} s -> "
        f"{lines / cold / 1e6:.2f} M lines/s"
    )
    print(
        f"  memory: columns {batch.nbytes / 1e6:.0f} MB + working peak "
        f"{traced_peak / 1e6:.0f} MB (tracemalloc) = {bulk_peak / 1e6:.0f} MB; process peak "
        f"RSS so far {rss_after_bulk / 1e6:.0f} MB (incl. generation)"
    )

    # Per-line paths on a sample.
    sample = sample_reports(batch, sizes["sample_lines"])
    resolved = resolve_bulk(batch)
    exact = _exact(batch, sample, sizes["exact_runs"])
    exact_rate = exact["lines"] / exact["median_s"]
    scalar = _scalar(resolved, sample, bulk.gases, sizes["scalar_runs"])
    scalar_rate = scalar["lines"] / scalar["median_s"]
    bulk_sample = bulk.total_tco2e[sample]
    # Refused on one path means refused on the other (NaN totals on both), else a mismatch.
    same_refusals = bool((np.isnan(exact["totals"]) == np.isnan(bulk_sample)).all())
    exact_diff = _relative(exact["totals"], bulk_sample) if same_refusals else float("inf")
    scalar_ok = ~np.isnan(bulk_sample)
    scalar_diff = _relative(scalar["totals"][scalar_ok], bulk_sample[scalar_ok])
    print(
        f"per line, documented (compute_reports, Decimal): {exact['lines']:,} lines in "
        f"{len(sample):,} reports, median {exact['median_s']:.3f} s -> "
        f"{exact_rate / 1e3:,.1f} k lines/s; max rel. diff vs bulk {exact_diff:.1e}"
    )
    print(
        f"per line, raw floats (source compute per line): {scalar['lines']:,} lines, median "
        f"{scalar['median_s']:.3f} s -> {scalar_rate / 1e3:,.1f} k lines/s; max rel. diff vs "
        f"bulk {scalar_diff:.1e}"
    )

    # DuckDB, one thread.
    duck = _duckdb(resolved, sizes["duckdb_runs"])
    ratio_exact = bulk_rate / exact_rate
    ratio_scalar = bulk_rate / scalar_rate
    goals = [
        _goal(
            f"bulk >= {GOAL_LINES_PER_S / 1e6:.0f} M lines/s on one core",
            f"{bulk_rate / 1e6:.2f} M lines/s",
            bulk_rate >= GOAL_LINES_PER_S,
        ),
        _goal(
            f"bulk >= {GOAL_RATIO_PER_LINE:.0f}x the documented per-line path",
            f"{ratio_exact:,.0f}x (raw float calls: {ratio_scalar:,.0f}x)",
            ratio_exact >= GOAL_RATIO_PER_LINE,
        ),
    ]
    agree = [exact_diff <= TOLERANCE, scalar_diff <= TOLERANCE]
    if duck["available"]:
        duck_rate = lines / duck["median_s"]
        excluded = [bulk.sources.index(s) for s in duck["skipped"] if s in bulk.sources]
        reference = bulk.total_tco2e - bulk.by_source_tco2e[:, excluded].sum(axis=1)
        duck_diff = _relative(duck["totals"][bulk.computed], reference[bulk.computed])
        agree.append(duck_diff <= TOLERANCE)
        ratio_duck = duck["median_s"] / bulk_median
        print(
            f"DuckDB {duck['version']} (threads=1): load {duck['load_s']:.2f} s (not counted); "
            f"query median {duck['median_s']:.3f} s of {len(duck['times'])} "
            f"({', '.join(f'{t:.3f}' for t in duck['times'])}) -> {duck_rate / 1e6:.2f} M "
            f"lines/s; first (cold) query {duck['cold_s']:.3f} s; max rel. diff vs bulk "
            f"{duck_diff:.1e}"
        )
        if duck["skipped"]:
            print("  not in the DuckDB job (formula not traceable): " + ", ".join(duck["skipped"]))
        goals.append(
            _goal(
                "bulk no slower than DuckDB (1 thread) on the same job",
                f"DuckDB/bulk time = {ratio_duck:.2f}x",
                ratio_duck >= GOAL_RATIO_DUCKDB,
            )
        )
        out["duckdb"] = {k: v for k, v in duck.items() if k != "totals"}
    else:
        print("DuckDB: not installed (pip install '.[bench]'); comparison skipped")
    peak = _peak_rss()
    goals.append(
        _goal(
            f"peak memory < {GOAL_PEAK_BYTES / 1e9:.1f} GB",
            f"bulk path {bulk_peak / 1e6:.0f} MB; whole benchmark process {peak / 1e6:.0f} MB",
            max(bulk_peak, peak) < GOAL_PEAK_BYTES,
        )
    )
    goals.append(
        _goal(
            f"bulk, per-line paths and DuckDB agree to {TOLERANCE:g} relative per report",
            "yes" if all(agree) else "NO",
            all(agree),
        )
    )
    print(
        f"ratios: bulk/per-line documented {ratio_exact:,.0f}x, bulk/per-line raw floats "
        f"{ratio_scalar:,.0f}x"
        + (
            f", DuckDB time/bulk time {duck['median_s'] / bulk_median:.2f}x"
            if duck["available"]
            else ""
        )
    )
    for goal in goals:
        print(f"  [{'PASS' if goal['pass'] else 'MISS'}] {goal['goal']}: {goal['measured']}")
    if sizes is QUICK:
        print("  (quick run: sizes too small for the figures to mean anything)")
    out.update(
        {
            "reports": info["reports"],
            "lines": lines,
            "bulk": {
                "median_s": bulk_median,
                "times": bulk_times,
                "cold_s": cold,
                "lines_per_s": bulk_rate,
            },
            "per_line_documented": {
                "lines": exact["lines"],
                "median_s": exact["median_s"],
                "lines_per_s": exact_rate,
                "max_rel_diff": exact_diff,
            },
            "per_line_floats": {
                "lines": scalar["lines"],
                "median_s": scalar["median_s"],
                "lines_per_s": scalar_rate,
                "max_rel_diff": scalar_diff,
            },
            "memory": {"bulk_bytes": bulk_peak, "process_peak_bytes": peak},
            "goals": goals,
        }
    )
    _check_result(bulk)
    return out


def _check_result(bulk: BulkResult) -> None:
    """The synthetic mix is meant to be valid: a refusal means the generator or kernel drifted."""
    if bulk.errors:
        first = "; ".join(e.describe() for _, e in bulk.errors[:3])
        print(f"  WARNING: {len(bulk.refusals())} synthetic reports refused, e.g. {first}")
