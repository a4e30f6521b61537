"""``citycarbon calc keycategories`` and ``citycarbon calc uncertainty``."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

import citycarbon.cli.inventory_tools  # noqa: F401  (registers the commands)

Run = Callable[..., Result]
Write = Callable[[str], Path]

# Key categories, hand-worked (see tests/kernel/keycategories): latest year 600, 250, -90 (sink),
# 50, 10 → Σ|E| = 1000, shares 60, 25, 9, 5, 1 %; cumulative 60, 85, 94, 99, 100 → the first
# four are key (the fourth crosses 95 %), the last is not.
KEYCATEGORIES = """category,gas,base_year_tco2e,latest_year_tco2e,uncertainty_pct
A,CO2,500,600,5
B,CO2,200,250,20
C,CO2,-80,-90,50
D,CH4,40,50,80
E,N2O,40,10,10
"""

# Approach 1, hand-worked (see tests/kernel/uncertainty): ΣH = 24.7696 → ±4.9769 %; trend 25 %.
UNCERTAINTY = """\
category,base_year_tco2e,emissions_tco2e,activity_uncertainty_pct,factor_uncertainty_pct
1,100,120,3,4
2,50,60,6,8
3,50,70,5,12
"""


@pytest.fixture
def worksheet(tmp_path: Path) -> Write:
    """Write a CSV worksheet and return its path."""

    def write(text: str) -> Path:
        path = tmp_path / "worksheet.csv"
        path.write_text(text, encoding="utf-8")
        return path

    return write


def test_keycategories_prints_assessments_and_key_flags(run: Run, worksheet: Write) -> None:
    result = run("calc", "keycategories", str(worksheet(KEYCATEGORIES)))
    assert result.exit_code == 0, result.output
    out = result.stdout
    for heading in ("L1-latest", "L1-base", "T1", "L2-latest", "L2-base", "T2"):
        assert heading in out
    assert "Key category analysis" in out
    assert "KEY" in out


def test_keycategories_json_has_shares_cumulative_shares_and_criteria(
    run: Run, worksheet: Write
) -> None:
    result = run("calc", "keycategories", str(worksheet(KEYCATEGORIES)), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    level = next(a for a in data["assessments"] if a["id"] == "L1-latest")
    assert [e["category"] for e in level["entries"]] == ["A", "B", "C", "D", "E"]
    assert [e["share_pct"] for e in level["entries"]] == pytest.approx([60, 25, 9, 5, 1])
    assert [e["cumulative_pct"] for e in level["entries"]] == pytest.approx([60, 85, 94, 99, 100])
    assert [e["key"] for e in level["entries"]] == [True, True, True, True, False]
    verdicts = {c["category"]: c for c in data["categories"]}
    assert "L1-latest" in verdicts["D"]["criteria"]
    assert data["threshold_pct"] == 95
    assert data["uncertainty_threshold_pct"] == 90


def test_keycategories_refusal_names_row_column_value_and_prints_nothing(
    run: Run, worksheet: Write
) -> None:
    bad = KEYCATEGORIES.replace("B,CO2,200,250,20", "B,CO2,200,250,-20")
    result = run("calc", "keycategories", str(worksheet(bad)), "--json")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "row 3, column uncertainty_pct, value '-20'" in result.stderr


def test_keycategories_missing_column_is_refused(run: Run, worksheet: Write) -> None:
    result = run("calc", "keycategories", str(worksheet("category,base_year_tco2e\na,1\n")))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "column latest_year_tco2e" in result.stderr


def test_uncertainty_approach1_json(run: Run, worksheet: Write) -> None:
    result = run("calc", "uncertainty", str(worksheet(UNCERTAINTY)), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    total = data["approach1"]["total"]
    assert total["uncertainty_pct"] == pytest.approx(math.sqrt(24.7696), rel=1e-12)
    assert total["trend_pct"] == pytest.approx(25)
    assert [
        line["combined_uncertainty_pct"] for line in data["approach1"]["lines"]
    ] == pytest.approx([5, 10, 13])
    assert data["approach2"] is None


def test_uncertainty_text_output(run: Run, worksheet: Write) -> None:
    result = run(
        "calc", "uncertainty", str(worksheet(UNCERTAINTY)), "--iterations", "2000", "--seed", "1"
    )
    assert result.exit_code == 0, result.output
    assert "±4.98 %" in result.stdout
    assert "trend +25.00 %" in result.stdout
    assert "Monte Carlo, 2,000 iterations, seed 1" in result.stdout
    assert "Convergence:" in result.stdout


def test_uncertainty_monte_carlo_is_reproducible_with_a_seed(run: Run, worksheet: Write) -> None:
    path = str(worksheet(UNCERTAINTY))
    args = ("calc", "uncertainty", path, "--json", "--iterations", "5000", "--seed", "42")
    first, again = run(*args), run(*args)
    assert first.exit_code == 0, first.output
    assert first.stdout == again.stdout
    data = json.loads(first.stdout)["approach2"]
    assert data["seed"] == 42
    assert data["iterations"] == 5000
    assert set(data["total"]) == {"base", "latest", "trend"}
    assert data["total"]["latest"]["estimate"] == pytest.approx(250)
    assert [t["quantity"] for t in data["convergence"]["traces"]] == [
        "total base",
        "total latest",
        "trend",
    ]
    other = json.loads(run(*args[:-1], "43").stdout)["approach2"]
    assert other["total"]["latest"]["mean"] != data["total"]["latest"]["mean"]


def test_uncertainty_without_seed_reports_the_seed_used(run: Run, worksheet: Write) -> None:
    path = str(worksheet(UNCERTAINTY))
    first = json.loads(run("calc", "uncertainty", path, "--json", "--iterations", "500").stdout)
    seed = str(first["approach2"]["seed"])
    again = json.loads(
        run("calc", "uncertainty", path, "--json", "--iterations", "500", "--seed", seed).stdout
    )
    assert again["approach2"]["total"] == first["approach2"]["total"]


def test_uncertainty_refusals_print_nothing(run: Run, worksheet: Write) -> None:
    bad = UNCERTAINTY.replace("2,50,60,6,8", "2,50,60,six,8")
    result = run("calc", "uncertainty", str(worksheet(bad)), "--iterations", "1000", "--seed", "1")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "row 3, column activity_uncertainty_pct, value 'six'" in result.stderr
    too_few = run("calc", "uncertainty", str(worksheet(UNCERTAINTY)), "--iterations", "10")
    assert too_few.exit_code == 1
    assert too_few.stdout == ""
    assert "iterations" in too_few.stderr


def test_uncertainty_seed_without_iterations_is_a_usage_error(run: Run, worksheet: Write) -> None:
    result = run("calc", "uncertainty", str(worksheet(UNCERTAINTY)), "--seed", "3")
    assert result.exit_code == 2
    assert result.stdout == ""


def test_a_file_that_is_not_utf8_cannot_be_read(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "gbk.csv"
    path.write_bytes("category,base_year_tco2e,latest_year_tco2e\n能源,1,2\n".encode("gbk"))
    result = run("calc", "keycategories", str(path))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "UTF-8" in result.stderr
