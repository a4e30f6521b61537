"""Physical constants used by the enterprise guidelines' formulas, as exact decimals.

Molar-mass ratios are the guidelines' own: 44/12 (CO2 per carbon), 44/28 (N2O per N2O-N), 16/12
(CH4 per carbon). Densities are at normal conditions (0 °C, 101.325 kPa) as the guidelines
state them.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Final

from citycarbon.numbers import CONTEXT

#: CO2 per carbon, 44/12 [tCO2/tC]. Kept as a ratio so that products stay exact until the end.
CO2_PER_C_NUM: Final = Decimal(44)
CO2_PER_C_DEN: Final = Decimal(12)

#: CO2 per CH4 burnt, 44/16 [tCO2/tCH4].
CO2_PER_CH4_NUM: Final = Decimal(44)
CO2_PER_CH4_DEN: Final = Decimal(16)

#: Density of CH4 at normal conditions: 0.717 kg/m³ = 7.17 t/10⁴ Nm³ (coal-mining guideline).
CH4_DENSITY_T_PER_1E4NM3: Final = Decimal("7.17")

#: Density of CO2 at normal conditions: 1.977 kg/m³ = 19.77 t/10⁴ Nm³.
CO2_DENSITY_T_PER_1E4NM3: Final = Decimal("19.77")


def times_44_over_12(carbon_t: Decimal) -> Decimal:
    """Convert carbon [tC] to CO2 [tCO2]: ``carbon × 44 / 12``, multiplying before dividing."""
    return CONTEXT.divide(CONTEXT.multiply(carbon_t, CO2_PER_C_NUM), CO2_PER_C_DEN)


def mul(*factors: Decimal) -> Decimal:
    """The exact product of ``factors`` in the policy context."""
    result = Decimal(1)
    for item in factors:
        result = CONTEXT.multiply(result, item)
    return result
