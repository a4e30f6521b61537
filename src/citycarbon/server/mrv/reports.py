"""Annual reports between the server and the kernel: the year's ledger rows and approved plan
through :func:`citycarbon.accounting.monitoring.annual_report`, and its result kept as text
(exact decimals) with every figure's derivation. No database access here."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from citycarbon.accounting.monitoring import Finding, LedgerRow, MonitoringPlan, annual_report
from citycarbon.numbers import round_emissions, to_decimal

__all__ = ["ReportBuild", "build_figures", "reported_figure"]


def reported_figure(value: Any) -> str | None:
    """An emission figure of a built report [tCO2e] as reported (the API, the pages): the
    stored exact text rounded once by the numbers policy, 0.01 t half-up
    (:func:`citycarbon.numbers.round_emissions`, as ``citycarbon calc`` reports it);
    ``None`` stays ``None``. ``"2903871.607464959999999999999811896"`` → ``"2903871.61"``."""
    if value is None or value == "":
        return None
    exact = value if isinstance(value, Decimal) else to_decimal(str(value))
    return str(round_emissions(exact))


class ReportBuild:
    """The figures of a built report, or the findings and refusal that stop it."""

    def __init__(
        self, figures: dict[str, Any] | None, findings: Sequence[Finding], refusal: str = ""
    ) -> None:
        self.figures = figures
        self.findings = list(findings)
        self.refusal = refusal


def build_figures(plan: MonitoringPlan, rows: Sequence[LedgerRow]) -> ReportBuild:
    """Build the year's report (through December) and keep its figures as text."""
    built = annual_report(plan, rows, through_month=12)
    errors = [f for f in built.findings if f.severity == "error"]
    if errors:
        return ReportBuild(None, errors)
    if built.result is None:
        return ReportBuild(None, [], str(built.refusal or ""))
    result = built.result
    lines = []
    for stream, line in zip(built.line_streams, result.lines, strict=True):
        lines.append(
            {
                "stream": stream,
                "source": line.source,
                "treatment": line.treatment,
                "co2e": str(line.co2e.value),
                "contribution": str(line.contribution),
                "masses_t": {gas: str(mass) for gas, mass in line.masses_t.items()},
            }
        )
    intensity = built.intensity
    return ReportBuild(
        {
            "total": str(result.total.value),
            "metric": result.total.metric,
            "lines": lines,
            "by_source": {k: str(v) for k, v in result.by_source.items()},
            "by_gas": {k: str(v) for k, v in result.by_gas.items()},
            "memo": {k: str(v) for k, v in result.memo.items()},
            "derivations": [d.as_dict() for d in built.derivations],
            "omitted": list(built.omitted),
            "outputs": {k: str(v) for k, v in built.outputs.items()},
            "intensity": None if intensity is None else str(intensity),
            "intensity_unit": built.intensity_unit,
            "factor_library": result.factor_library,
        },
        [f for f in built.findings if f.severity == "warning"],
    )
