"""Global warming potentials and CO2-equivalents that remember their metric.

CO2e exists only under a named metric. :class:`CO2e` carries its metric, and adding two CO2e
figures of different metrics raises :class:`MetricMismatchError`. The 12th Five-Year-Plan era
Chinese guidelines (the provincial inventory guideline of 2011 and the 24 enterprise guidelines of
2013–2015) use the IPCC Second Assessment Report's 100-year values, so :data:`DEFAULT_METRIC` is
``SARGWP100``.

Values come from the ``globalwarmingpotentials`` package (column per metric), converted to exact
decimals through their shortest text form.

References
----------
.. [1] IPCC (1995) Climate Change 1995: The Science of Climate Change (SAR), Table 2.9.
.. [2] IPCC (2007) AR4 WG1 Table 2.14; IPCC (2013) AR5 WG1 Table 8.A.1; IPCC (2021) AR6 WG1
       Table 7.SM.7 — as tabulated by the ``globalwarmingpotentials`` package.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

import globalwarmingpotentials

from citycarbon.numbers import CONTEXT

__all__ = [
    "DEFAULT_METRIC",
    "GASES",
    "METRICS",
    "CO2e",
    "GWPError",
    "MetricMismatchError",
    "co2e",
    "gwp",
]

METRICS: Final = ("SARGWP100", "AR4GWP100", "AR5GWP100", "AR6GWP100")
DEFAULT_METRIC: Final = "SARGWP100"

#: Gases citycarbon accounts for, by their canonical ids (the ``globalwarmingpotentials`` keys).
GASES: Final = (
    "CO2", "CH4", "N2O", "HFC23", "HFC32", "HFC125", "HFC134a", "HFC143a", "HFC152a",
    "HFC227ea", "HFC236fa", "HFC245fa", "CF4", "C2F6", "C3F8", "C4F10", "C6F14", "SF6", "NF3",
)  # fmt: skip

_ALIASES: Final = {
    "HFC-23": "HFC23", "HFC-32": "HFC32", "HFC-125": "HFC125", "HFC-134A": "HFC134a",
    "HFC-143A": "HFC143a", "HFC-152A": "HFC152a", "HFC-227EA": "HFC227ea",
    "HFC-236FA": "HFC236fa", "HFC-245FA": "HFC245fa", "PFC-14": "CF4", "PFC-116": "C2F6",
}  # fmt: skip


class GWPError(ValueError):
    """An unknown metric or gas, or a gas the metric gives no value for."""


class MetricMismatchError(GWPError):
    """CO2e figures of two different GWP metrics were combined."""


def canonical_gas(name: str) -> str:
    """Return the canonical id of a gas name (``HFC-134a`` → ``HFC134a``)."""
    for gas in GASES:
        if name == gas or name.upper() == gas.upper():
            return gas
    alias = _ALIASES.get(name.upper())
    if alias is None:
        raise GWPError(f"unknown gas {name!r}; known: {', '.join(GASES)}")
    return alias


def _table(metric: str) -> Mapping[str, float]:
    if metric not in METRICS:
        raise GWPError(f"unknown GWP metric {metric!r}; choose one of {', '.join(METRICS)}")
    table: Mapping[str, float] = globalwarmingpotentials.data[metric]
    return table


def gwp(gas: str, metric: str = DEFAULT_METRIC) -> Decimal:
    """Return the global warming potential of ``gas`` under ``metric`` [tCO2e/t gas].

    CO2 is 1 under every metric by definition.

    Raises
    ------
    GWPError
        Unknown metric or gas, or no value in that metric (SAR has none for HFC-245fa or NF3).
    """
    gas = canonical_gas(gas)
    table = _table(metric)
    if gas == "CO2":
        return Decimal(1)
    value = table.get(gas)
    if value is None or value != value:  # missing or NaN
        raise GWPError(f"{metric} gives no GWP for {gas}")
    return Decimal(repr(float(value)))


@dataclass(frozen=True, slots=True)
class CO2e:
    """An amount of CO2-equivalent [tCO2e] under a named GWP metric.

    Adding two amounts requires the same metric; anything else is refused.
    """

    value: Decimal
    metric: str

    def __post_init__(self) -> None:
        if self.metric not in METRICS:
            raise GWPError(f"unknown GWP metric {self.metric!r}")

    def __add__(self, other: object) -> CO2e:
        if not isinstance(other, CO2e):
            return NotImplemented
        if other.metric != self.metric:
            raise MetricMismatchError(
                f"cannot add CO2e under {self.metric} to CO2e under {other.metric}"
            )
        return CO2e(CONTEXT.add(self.value, other.value), self.metric)

    def __sub__(self, other: object) -> CO2e:
        if not isinstance(other, CO2e):
            return NotImplemented
        if other.metric != self.metric:
            raise MetricMismatchError(
                f"cannot subtract CO2e under {other.metric} from CO2e under {self.metric}"
            )
        return CO2e(CONTEXT.subtract(self.value, other.value), self.metric)

    def __neg__(self) -> CO2e:
        return CO2e(-self.value, self.metric)

    @staticmethod
    def total(items: Iterable[CO2e], metric: str) -> CO2e:
        """Sum ``items``, all of which must be under ``metric``; an empty sum is zero."""
        result = CO2e(Decimal(0), metric)
        for item in items:
            result = result + item
        return result


def co2e(masses_t: Mapping[str, Decimal], metric: str = DEFAULT_METRIC) -> CO2e:
    """Convert masses of gases [t] to CO2-equivalent [tCO2e] under ``metric``.

    .. math:: E_{CO_2e} = \\sum_g m_g \\cdot GWP_g

    Parameters
    ----------
    masses_t : mapping of gas id to mass [t]
    metric : one of :data:`METRICS`
    """
    total = Decimal(0)
    for gas, mass in masses_t.items():
        total = CONTEXT.add(total, CONTEXT.multiply(mass, gwp(gas, metric)))
    return CO2e(total, metric)
