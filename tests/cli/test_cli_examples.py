"""The shipped examples (``make run``): they compute cleanly, and their three forms agree."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from citycarbon.accounting.interchange import read_reports

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _count(name: str) -> int:
    return len(json.loads((EXAMPLES / name).read_text("utf-8"))["reports"])


def test_make_run_example(run: Any) -> None:
    result = run("calc", "enterprise", str(EXAMPLES / "enterprise_reports.json"))
    assert result.exit_code == 0, result.output
    assert "refused, nothing computed" not in result.stdout
    assert f"{_count('enterprise_reports.json')} report(s) computed, 0 refused" in result.stdout


def test_example_e1_is_the_worked_example(run: Any) -> None:
    out = json.loads(
        run("calc", "enterprise", str(EXAMPLES / "enterprise_reports.json"), "--json").stdout
    )
    e1 = out["reports"][0]
    # docs/worked-example.md: 19 002.988488 + 10 514 = 29 516.988488 tCO2 → 29 516.99.
    assert e1["by_source"] == {"fuel_combustion": "19002.99", "purchased_electricity": "10514.00"}
    assert e1["total_tco2e"] == "29516.99"


@pytest.mark.parametrize("suffix", [".yaml", ".xlsx"])
def test_example_forms_agree(suffix: str) -> None:
    other = read_reports(EXAMPLES / f"enterprise_reports{suffix}")
    assert [i.report for i in other] == [
        i.report for i in read_reports(EXAMPLES / "enterprise_reports.json")
    ]


def test_full_example_table_shows_treatments_and_gases(run: Any) -> None:
    result = run("calc", "enterprise", str(EXAMPLES / "enterprise_reports.json"))
    assert result.exit_code == 0
    # E3 nets its exported electricity and emits CO2, CF4 and C2F6: one emissions column.
    assert "扣减" in result.stdout
    assert "subtract" in result.stdout
    assert "Emissions, t" in result.stdout
    assert "By gas: CO2" in result.stdout
