"""Input builders shared by the command-line tests."""

from __future__ import annotations

from typing import Any

#: The worked example of the README and docs/worked-example.md: a coal power plant's 2012 report
#: with every parameter measured.
WORKED_REPORT: dict[str, Any] = {
    "id": "E1",
    "enterprise": "示例燃煤电厂 (illustrative)",
    "sector": "power_generation",
    "year": 2012,
    "region": "henan",
    "lines": [
        {
            "source": "fuel_combustion",
            "fuel": "raw_coal",
            "quantity": 10000,
            "unit": "t",
            "ncv": {"value": 20.908, "unit": "GJ/t"},
            "carbon_content": {"value": 26.37, "unit": "tC/TJ"},
            "oxidation": {"value": 94, "unit": "%"},
        },
        {
            "source": "purchased_electricity",
            "quantity": 20000,
            "unit": "MWh",
            "factor": {"value": 0.5257, "unit": "tCO2/MWh"},
        },
    ],
}


def report(report_id: str, *lines: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """A power-generation report for 2012 in Henan with ``lines``."""
    data: dict[str, Any] = {
        "id": report_id,
        "sector": "power_generation",
        "year": 2012,
        "region": "henan",
        "lines": list(lines),
    }
    data.update(fields)
    return data


def coal(**fields: Any) -> dict[str, Any]:
    """A raw-coal line of 10,000 t with every parameter measured (the worked example's)."""
    line = dict(WORKED_REPORT["lines"][0])
    line.update(fields)
    return line
