"""Physical constants used by the enterprise guidelines' formulas, as exact decimals.

Molar-mass ratios are written in the formulas themselves as ``* 44 / 12`` (CO2 per carbon),
``* 44 / 28`` (N2O per N2O-N), ``* 16 / 12`` (CH4 per carbon), ``* 44 / 16`` (CO2 per CH4 burnt),
multiplying before dividing so that decimal results stay exact to the policy precision.
Densities are at normal conditions (0 °C, 101.325 kPa) as the guidelines state them.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Final

#: Density of CH4 at normal conditions: 0.717 kg/m³ = 7.17 t/10⁴ Nm³ (coal-mining guideline).
CH4_DENSITY_T_PER_1E4NM3: Final = Decimal("7.17")

#: Density of CO2 at normal conditions: 1.977 kg/m³ = 19.77 t/10⁴ Nm³.
CO2_DENSITY_T_PER_1E4NM3: Final = Decimal("19.77")
