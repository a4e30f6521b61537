"""Units of Chinese energy statistics and GHG reporting, gases and GWP metrics."""

from citycarbon.units.gwp import (
    DEFAULT_METRIC,
    GASES,
    METRICS,
    CO2e,
    GWPError,
    MetricMismatchError,
    canonical_gas,
    co2e,
    gwp,
)
from citycarbon.units.registry import GAS_UNITS, Q, UnitError, convert, parse_unit, ureg

__all__ = [
    "DEFAULT_METRIC",
    "GASES",
    "GAS_UNITS",
    "METRICS",
    "CO2e",
    "GWPError",
    "MetricMismatchError",
    "Q",
    "UnitError",
    "canonical_gas",
    "co2e",
    "convert",
    "gwp",
    "parse_unit",
    "ureg",
]
