"""Hand-made monitoring plans and ledgers for the MRV kernel tests (figures made up)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from citycarbon.accounting.monitoring import (
    Facility,
    LedgerRow,
    MonitoringPlan,
    ParameterPlan,
    SourceStream,
)

YEAR = 2014


def measured(
    name: str, unit: str, method: str = "meter", frequency: str = "monthly", standard: str = ""
) -> ParameterPlan:
    return ParameterPlan(name, "measured", method, frequency, standard, unit)


def cement_plan(**changes: object) -> MonitoringPlan:
    """A cement plant: coal with monthly NCV and carbon content, purchased electricity,
    clinker output. Oxidation and the grid factor are defaults."""
    plan = MonitoringPlan(
        enterprise="E1",
        year=YEAR,
        sector="cement",
        region="henan",
        name="示例水泥厂（示意）",
        facilities=(Facility("kiln1", "1号熟料线"),),
        streams=(
            SourceStream(
                "coal",
                "kiln1",
                "fuel_combustion",
                (
                    measured("quantity", "t", "belt_scale", "continuous"),
                    measured("ncv", "GJ/t", "lab_analysis", "monthly", "GB/T 213"),
                    measured("carbon_content", "tC/TJ", "lab_analysis", "monthly", "GB/T 476"),
                    ParameterPlan("oxidation", "default"),
                ),
                {"fuel": "bituminous_coal"},
            ),
            SourceStream("power", "kiln1", "purchased_electricity", (measured("quantity", "MWh"),)),
            SourceStream(
                "clinker",
                "kiln1",
                None,
                (measured("output", "t", "weighbridge"),),
                product="clinker",
            ),
        ),
    )
    if changes:
        from dataclasses import replace

        plan = replace(plan, **changes)  # type: ignore[arg-type]
    return plan


#: Months 1-3 of the cement plant: (coal t, NCV GJ/t, CC tC/TJ, power MWh, clinker t).
CEMENT_MONTHS = {
    1: ("1000", "20", "26", "500", "3000"),
    2: ("2000", "21", "25", "600", "3000"),
    3: ("1000", "22", "27", "700", "3000"),
}


def rows(
    items: Iterable[tuple[str, str, str, str, str]],
    enterprise: str = "E1",
    evidence: str = "EV-1",
    start: int = 1,
) -> list[LedgerRow]:
    """Ledger rows from ``(stream, month, parameter, value, unit)``, numbered from ``start``."""
    return [
        LedgerRow(
            start + k, enterprise, stream, month, parameter, Decimal(value), unit, evidence=evidence
        )
        for k, (stream, month, parameter, value, unit) in enumerate(items)
    ]


def cement_rows(months: dict[int, tuple[str, str, str, str, str]] | None = None) -> list[LedgerRow]:
    """The cement plant's ledger for the given months (default: months 1-3)."""
    items = []
    for month, (coal, ncv, cc, power, clinker) in (months or CEMENT_MONTHS).items():
        text = f"{YEAR}-{month:02d}"
        items += [
            ("coal", text, "quantity", coal, "t"),
            ("coal", text, "ncv", ncv, "GJ/t"),
            ("coal", text, "carbon_content", cc, "tC/TJ"),
            ("power", text, "quantity", power, "MWh"),
            ("clinker", text, "output", clinker, "t"),
        ]
    return rows(items)


def full_year() -> dict[int, tuple[str, str, str, str, str]]:
    """Twelve months with steady figures (no jumps, everything in range)."""
    return dict.fromkeys(range(1, 13), ("1000", "20", "26", "500", "3000"))
