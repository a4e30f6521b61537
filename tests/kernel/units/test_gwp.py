"""GWP values under named metrics, and CO2e that refuses to mix metrics."""

from decimal import Decimal

import pytest

from citycarbon.units import METRICS, CO2e, GWPError, MetricMismatchError, co2e, gwp


@pytest.mark.parametrize(
    ("gas", "metric", "expected"),
    [
        # IPCC SAR (1995) Table 2.9, as used by China's 12th-FYP guidelines.
        ("CH4", "SARGWP100", "21"),
        ("N2O", "SARGWP100", "310"),
        ("SF6", "SARGWP100", "23900"),
        ("CF4", "SARGWP100", "6500"),
        ("C2F6", "SARGWP100", "9200"),
        ("HFC23", "SARGWP100", "11700"),
        ("HFC-134a", "SARGWP100", "1300"),
        ("CH4", "AR4GWP100", "25"),
        ("N2O", "AR4GWP100", "298"),
        ("CH4", "AR5GWP100", "28"),
        ("NF3", "AR5GWP100", "16100"),
        ("CH4", "AR6GWP100", "27.9"),
        ("N2O", "AR6GWP100", "273"),
        ("CO2", "AR6GWP100", "1"),
    ],
)
def test_gwp_values(gas: str, metric: str, expected: str) -> None:
    assert gwp(gas, metric) == Decimal(expected)


def test_sar_has_no_value_for_nf3() -> None:
    with pytest.raises(GWPError, match="NF3"):
        gwp("NF3", "SARGWP100")


def test_unknown_metric_and_gas_are_refused() -> None:
    with pytest.raises(GWPError, match="AR7"):
        gwp("CH4", "AR7GWP100")
    with pytest.raises(GWPError, match="XYZ"):
        gwp("XYZ")


def test_co2e_sums_gases_under_its_metric() -> None:
    # 100 t CO2 + 2 t CH4 × 21 + 0.5 t N2O × 310 = 100 + 42 + 155 = 297 tCO2e (SAR).
    masses = {"CO2": Decimal(100), "CH4": Decimal(2), "N2O": Decimal("0.5")}
    assert co2e(masses) == CO2e(Decimal(297), "SARGWP100")
    # Under AR5: 100 + 2 × 28 + 0.5 × 265 = 288.5.
    assert co2e(masses, "AR5GWP100").value == Decimal("288.5")


def test_co2e_of_different_metrics_cannot_be_combined() -> None:
    sar = CO2e(Decimal(10), "SARGWP100")
    ar5 = CO2e(Decimal(10), "AR5GWP100")
    with pytest.raises(MetricMismatchError):
        _ = sar + ar5
    with pytest.raises(MetricMismatchError):
        _ = sar - ar5
    with pytest.raises(MetricMismatchError):
        CO2e.total([sar, ar5], "SARGWP100")
    assert (sar + sar).value == Decimal(20)
    assert set(METRICS) == {"SARGWP100", "AR4GWP100", "AR5GWP100", "AR6GWP100"}
