"""Inventory worksheets: ``calc keycategories`` and ``calc uncertainty`` (关键类别与不确定性).

Both read an IPCC worksheet as CSV (see ``docs/keycategories.md`` and ``docs/uncertainty.md``)
and print it computed, as tables or with ``--json`` as JSON. A refused worksheet prints every
problem (row, column, value) on standard error and nothing on standard output, and exits with
status 1; a file that cannot be read exits with status 2.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Final, NoReturn, TypeVar

import click
from rich.console import Console

from citycarbon import keycategories, uncertainty
from citycarbon.cli.app import calc
from citycarbon.cli.common import (
    EXIT_REFUSED,
    emit_json,
    escape,
    fail,
    json_option,
    make_console,
    table,
)

__all__ = ["keycategories_command", "uncertainty_command"]

T = TypeVar("T")

_FILE: Final = click.Path(exists=True, dir_okay=False, readable=True, path_type=Path)

_TITLES: Final = {
    "L1-latest": "水平评估，最新年 Level, latest year — Approach 1",
    "L1-base": "水平评估，基准年 Level, base year — Approach 1",
    "T1": "趋势评估 Trend, base → latest year — Approach 1",
    "L2-latest": "水平评估（不确定性加权）Level, latest year — Approach 2",
    "L2-base": "水平评估（不确定性加权）Level, base year — Approach 2",
    "T2": "趋势评估（不确定性加权）Trend — Approach 2",
}


def _refuse(file: Path, descriptions: Sequence[str]) -> NoReturn:
    console = make_console(stderr=True)
    for text in descriptions:
        console.print(f"  • {escape(text)}", soft_wrap=True)
    fail(f"{file}: worksheet refused, nothing computed / 工作表被拒绝，未计算", EXIT_REFUSED)


def _read(path: Path, read: Callable[[Path], T]) -> T:
    try:
        return read(path)
    except UnicodeDecodeError as error:
        fail(f"{path}: not UTF-8 text ({error.reason} at byte {error.start})")
    except OSError as error:
        fail(f"{path}: cannot be read ({error.strerror})")


def _num(value: float | None, digits: int = 2) -> str:
    return "" if value is None else f"{value:,.{digits}f}"


# --------------------------------------------------------------------------------------------
# calc keycategories
# --------------------------------------------------------------------------------------------


@calc.command("keycategories")
@click.argument("file", type=_FILE)
@json_option
def keycategories_command(file: Path, as_json: bool) -> None:
    """Key category analysis of an IPCC worksheet CSV (关键类别分析).

    FILE has the columns category, base_year_tco2e, latest_year_tco2e and optionally
    uncertainty_pct (for Approach 2) and gas. Prints the level (latest and base year) and trend
    assessments with shares, cumulative shares and key flags — Approach 1 to 95 %, Approach 2
    to 90 % — and which categories are key by which assessment.
    """
    try:
        result = _read(file, keycategories.analyse_csv)
    except keycategories.WorksheetError as error:
        _refuse(file, [p.describe() for p in error.problems])
    if as_json:
        emit_json({"file": str(file), **result.as_dict()})
        return
    console = make_console()
    console.print(
        "[bold]关键类别分析 Key category analysis[/] — IPCC 2006 Vol. 1 Ch. 4 — "
        f"{escape(str(file))}"
    )
    console.print(
        f"Approach 1 threshold {result.threshold_pct:g} %, "
        f"Approach 2 threshold {result.uncertainty_threshold_pct:g} %",
        style="dim",
    )
    for assessment in result.assessments:
        grid = table(
            ("rank", "right"),
            "category",
            "gas",
            ("assessment", "right"),
            ("share %", "right"),
            ("cumulative %", "right"),
            "key",
            title=f"{assessment.id}: {_TITLES[assessment.id]} ({assessment.equation})",
            wrap=("category",),
        )
        for e in assessment.entries:
            grid.add_row(
                str(e.rank),
                escape(e.category),
                escape(e.gas),
                f"{e.assessment:.6f}",
                _num(e.share_pct),
                _num(e.cumulative_pct),
                "KEY" if e.key else "",
            )
        console.print(grid)
    grid = table(
        "category",
        "gas",
        ("base tCO2e", "right"),
        ("latest tCO2e", "right"),
        ("U %", "right"),
        "key",
        "key by",
        title="类别 Categories",
        wrap=("category", "key by"),
    )
    for c in result.categories:
        grid.add_row(
            escape(c.category),
            escape(c.gas),
            _num(c.base_year_tco2e),
            _num(c.latest_year_tco2e),
            _num(c.uncertainty_pct),
            "KEY" if c.key else "",
            ", ".join(c.criteria),
        )
    console.print(grid)
    console.print(
        f"[bold]{len(result.key_categories)} key categories of {len(result.categories)} / "
        f"关键类别 {len(result.key_categories)} 个[/]"
    )


# --------------------------------------------------------------------------------------------
# calc uncertainty
# --------------------------------------------------------------------------------------------

#: Year labels of the worksheet model (:func:`citycarbon.uncertainty.worksheet_model`).
_BASE: Final = 0
_LATEST: Final = 1


def _year_name(year: int | None) -> str:
    return "base" if year == _BASE else "latest"


def _quantity_name(name: str) -> str:
    """Convergence quantities of the worksheet model, with its year labels named."""
    return (
        name.replace(f"total {_BASE}", "total base")
        .replace(f"total {_LATEST}", "total latest")
        .replace(f"trend {_BASE}→{_LATEST}", "trend")
    )


def _approach2(
    lines: Sequence[uncertainty.Line], iterations: int, seed: int, distribution: str
) -> tuple[uncertainty.SimulationResult, dict[str, Any]]:
    cells, variables = uncertainty.worksheet_model(
        lines, distribution, base_year=_BASE, latest_year=_LATEST
    )
    result = uncertainty.simulate(cells, variables, iterations, seed)
    has_base = len(result.years) == 2
    categories: list[dict[str, object]] = []
    for label in result.labels("category"):
        entry: dict[str, object] = {"category": label}
        for year in result.years:
            entry[_year_name(year)] = result.category(label, year).as_dict()
        if has_base:
            entry["trend"] = result.trend(_BASE, _LATEST, "category", label).as_dict()
        categories.append(entry)
    total: dict[str, object] = {
        _year_name(year): result.total(year).as_dict() for year in result.years
    }
    if has_base:
        total["trend"] = result.trend(_BASE, _LATEST).as_dict()
    convergence = result.convergence.as_dict()
    for trace in convergence["traces"]:  # type: ignore[attr-defined]
        trace["quantity"] = _quantity_name(trace["quantity"])
    data: dict[str, Any] = {
        "method": "IPCC 2006 Vol. 1 Ch. 3 Approach 2 (Monte Carlo)",
        "iterations": result.iterations,
        "seed": result.seed,
        "distribution": distribution,
        "factor_shared_between_years": True,
        "categories": categories,
        "total": total,
        "convergence": convergence,
    }
    return result, data


@calc.command("uncertainty")
@click.argument("file", type=_FILE)
@json_option
@click.option(
    "--iterations",
    type=int,
    default=None,
    help="Also run Approach 2, a Monte Carlo simulation with this many iterations (≥ 100).",
)
@click.option(
    "--seed",
    type=int,
    default=None,
    help="Seed of the Monte Carlo run (default: a fresh one, printed so the run can be repeated).",
)
@click.option(
    "--distribution",
    type=click.Choice(uncertainty.DISTRIBUTIONS),
    default="normal",
    show_default=True,
    help="Distribution of every activity and factor input of the Monte Carlo run.",
)
def uncertainty_command(
    file: Path, as_json: bool, iterations: int | None, seed: int | None, distribution: str
) -> None:
    """Uncertainty of an IPCC Approach 1 worksheet CSV (不确定性分析).

    FILE has the columns category, emissions_tco2e, activity_uncertainty_pct,
    factor_uncertainty_pct and optionally base_year_tco2e (for the trend) and gas. Prints the
    IPCC 2006 Table 3.2 columns A-M, the uncertainty of the total and of the trend; with
    --iterations also Approach 2: Monte Carlo 95 % intervals per category, for the total and
    for the trend, with the convergence of the run.
    """
    if seed is not None and iterations is None:
        raise click.UsageError("--seed applies to the Monte Carlo run: give --iterations too")
    simulation: tuple[uncertainty.SimulationResult, dict[str, Any]] | None = None
    try:
        result = _read(file, uncertainty.approach1_csv)
        if iterations is not None:
            lines, _ = uncertainty.read_csv(file)
            run_seed = seed if seed is not None else secrets.randbelow(2**31)
            simulation = _approach2(lines, iterations, run_seed, distribution)
    except (uncertainty.WorksheetError, uncertainty.ModelError) as error:
        _refuse(file, [p.describe() for p in error.problems])
    if as_json:
        emit_json(
            {
                "file": str(file),
                "approach1": result.as_dict(),
                "approach2": None if simulation is None else simulation[1],
            }
        )
        return
    console = make_console()
    _print_approach1(console, file, result)
    if simulation is not None:
        _print_approach2(console, simulation[0], distribution)


def _print_approach1(console: Console, file: Path, result: uncertainty.Approach1Result) -> None:
    console.print(
        f"[bold]不确定性分析 Uncertainty[/] — IPCC 2006 Vol. 1 Ch. 3, Approach 1 (Table 3.2) — "
        f"{escape(str(file))}"
    )
    grid = table(
        "A category",
        "B gas",
        ("D tCO2e", "right"),
        ("E AD %", "right"),
        ("F EF %", "right"),
        ("G combined %", "right"),
        ("H variance", "right"),
        ("share of variance %", "right"),
        title="年度不确定性 Uncertainty of year t (Eq. 3.1, 3.2)",
        wrap=("A category",),
    )
    for line in result.lines:
        grid.add_row(
            escape(line.category),
            escape(line.gas),
            _num(line.emissions_tco2e),
            _num(line.activity_uncertainty_pct),
            _num(line.factor_uncertainty_pct),
            _num(line.combined_uncertainty_pct),
            _num(line.variance_contribution, 4),
            _num(line.variance_share_pct),
        )
    console.print(grid)
    console.print(
        f"Total {_num(result.emissions_tco2e)} tCO2e, uncertainty "
        f"±{result.uncertainty_pct:.2f} % (√ΣH)"
    )
    if result.trend_pct is not None and result.trend_uncertainty_pct is not None:
        grid = table(
            "A category",
            "B gas",
            ("C base tCO2e", "right"),
            ("D tCO2e", "right"),
            ("I type A", "right"),
            ("J type B", "right"),
            ("K EF→trend %", "right"),
            ("L AD→trend %", "right"),
            ("M", "right"),
            title="趋势不确定性 Uncertainty of the trend (Table 3.2 I-M)",
            wrap=("A category",),
        )
        for line in result.lines:
            grid.add_row(
                escape(line.category),
                escape(line.gas),
                _num(line.base_year_tco2e),
                _num(line.emissions_tco2e),
                _num(line.type_a_sensitivity, 4),
                _num(line.type_b_sensitivity, 4),
                _num(line.trend_uncertainty_factor_pct, 4),
                _num(line.trend_uncertainty_activity_pct, 4),
                _num(line.trend_variance_contribution, 4),
            )
        console.print(grid)
        console.print(
            f"Base year {_num(result.base_year_tco2e)} tCO2e → {_num(result.emissions_tco2e)} "
            f"tCO2e: trend {result.trend_pct:+.2f} %, uncertainty "
            f"±{result.trend_uncertainty_pct:.2f} percentage points (√ΣM)"
        )
    for warning in result.warnings:
        console.print(f"[yellow]warning:[/] {escape(warning)}", soft_wrap=True)


def _print_approach2(
    console: Console, result: uncertainty.SimulationResult, distribution: str
) -> None:
    grid = table(
        "category",
        "year",
        ("estimate", "right"),
        ("mean", "right"),
        ("2.5 %", "right"),
        ("97.5 %", "right"),
        ("−%", "right"),
        ("+%", "right"),
        title=(
            f"Approach 2 — Monte Carlo, {result.iterations:,} iterations, seed {result.seed}, "
            f"{distribution} inputs, factors shared between years"
        ),
        wrap=("category",),
    )
    for label in (*result.labels("category"), ""):
        for year in result.years:
            item = result.total(year) if label == "" else result.category(label, year)
            grid.add_row(
                escape(label) or "[bold]TOTAL[/]",
                _year_name(year),
                _num(item.estimate),
                _num(item.mean),
                _num(item.lower),
                _num(item.upper),
                _num(item.lower_pct),
                _num(item.upper_pct),
            )
    console.print(grid)
    if len(result.years) == 2:
        trend = result.trend(_BASE, _LATEST)
        console.print(
            f"Trend of the total {trend.estimate_pct:+.2f} % (mean {trend.mean_pct:+.2f} %), "
            f"95 % interval {trend.lower_pct:+.2f} % to {trend.upper_pct:+.2f} %"
        )
    convergence = result.convergence
    verdict = "converged 已收敛" if convergence.converged else "NOT converged 未收敛"
    drifts = "; ".join(
        f"{_quantity_name(t.quantity)} {'n/a' if t.drift_pct is None else f'{t.drift_pct:.2f} %'}"
        for t in convergence.traces
    )
    console.print(f"Convergence: {verdict} — drift {drifts}", soft_wrap=True)
    console.print(f"Criterion: {convergence.criterion}", style="dim", soft_wrap=True)
