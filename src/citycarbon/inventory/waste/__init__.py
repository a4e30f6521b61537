"""Waste (废弃物处理): landfill CH4, wastewater CH4 and N2O, incineration CO2.

Importing this package registers its categories and the deposit-history check. Modules:
:mod:`~citycarbon.inventory.waste.landfill_fod` (first-order decay),
:mod:`~citycarbon.inventory.waste.mass_balance`, :mod:`~citycarbon.inventory.waste.wastewater`,
:mod:`~citycarbon.inventory.waste.incineration`; every formula and category is re-exported here.

Categories
----------
``waste.landfill_fod`` (6A)
    Solid-waste disposal CH4 by first-order decay over the deposit history. A line is the waste
    of one type deposited at one site in one year; the inventory year's emissions are the sum of
    what every earlier deposit decomposes in that year (the inventory year is the inventory's
    own, supplied by the resolver). The deposit history is checked as a whole
    (:func:`check_deposit_history`): a site without deposits before the inventory year, a year
    missing in its history, or a year given twice is refused with the sheet, row and column.
``waste.landfill_mass_balance`` (6A)
    The mass-balance (IPCC 1996 default) method: all the CH4 the year's waste can ever produce is
    counted in the year it is deposited. A site is estimated by one method only.
``waste.wastewater_domestic`` (6B2), ``waste.wastewater_industrial`` (6B1)
    CH4 from the organic load (BOD or COD) of wastewater, by treatment or discharge system.
``waste.wastewater_n2o`` (6B2)
    N2O from the nitrogen in domestic effluent (protein consumption of the population).
``waste.incineration`` (6C)
    CO2 from the fossil carbon of waste burnt; biogenic carbon is not counted.

Default uncertainties (``uncertainty_pct``, half-width of the 95 % interval) are IPCC's:
DOC and DOCf ±20 %, MCF ±10 %, F ±5 %, waste deposited ±30 % (IPCC 2006 Vol. 5 Table 3.5);
B0 ±30 % (Table 6.2's range 0.42-0.78 for 0.6); the wastewater organic load ±30 % and the
incineration carbon content and fossil fraction ±30 % are recalled from Vol. 5 Ch. 5-6 [R].

References
----------
.. [1] 国家发展改革委办公厅 (2011) 《省级温室气体清单编制指南（试行）》, 第五章 废弃物处理
       (固体废弃物填埋处理 CH4, 生活污水和工业废水处理 CH4, 废水处理 N2O, 废弃物焚烧 CO2).
.. [2] IPCC (1997) Revised 1996 IPCC Guidelines, Reference Manual Vol. 3, Ch. 6 (Waste).
.. [3] IPCC (2006) 2006 IPCC Guidelines, Vol. 5: Ch. 3 (solid waste disposal, Eq. 3.1-3.6,
       Tables 3.1-3.3, 2.4), Ch. 5 (incineration, Eq. 5.1), Ch. 6 (wastewater, Eq. 6.1-6.8,
       Tables 6.2, 6.3, 6.8, 6.11).
"""

from citycarbon.inventory.waste import incineration, landfill_fod, mass_balance, wastewater
from citycarbon.inventory.waste._params import CLIMATES, SITE_TYPES, WASTE_TYPES
from citycarbon.inventory.waste.incineration import (
    INCINERATED_WASTE,
    INCINERATION,
    incineration_co2,
)
from citycarbon.inventory.waste.landfill_fod import (
    LANDFILL_FOD,
    check_deposit_history,
    ddocm_deposited,
    decay_rate_from_half_life,
    fod_decomposed_fraction,
    fod_landfill_ch4,
    fod_landfill_ch4_series,
    landfill_ch4_emitted,
    landfill_ch4_generated,
)
from citycarbon.inventory.waste.mass_balance import (
    LANDFILL_MASS_BALANCE,
    landfill_ch4_potential,
    mass_balance_landfill_ch4,
)
from citycarbon.inventory.waste.wastewater import (
    SYSTEMS,
    WASTEWATER_DOMESTIC,
    WASTEWATER_INDUSTRIAL,
    WASTEWATER_N2O,
    wastewater_ch4,
    wastewater_effluent_n2o,
    wastewater_effluent_nitrogen,
)

__all__ = [
    "CLIMATES",
    "INCINERATED_WASTE",
    "INCINERATION",
    "LANDFILL_FOD",
    "LANDFILL_MASS_BALANCE",
    "SITE_TYPES",
    "SYSTEMS",
    "WASTEWATER_DOMESTIC",
    "WASTEWATER_INDUSTRIAL",
    "WASTEWATER_N2O",
    "WASTE_TYPES",
    "check_deposit_history",
    "ddocm_deposited",
    "decay_rate_from_half_life",
    "fod_decomposed_fraction",
    "fod_landfill_ch4",
    "fod_landfill_ch4_series",
    "incineration",
    "incineration_co2",
    "landfill_ch4_emitted",
    "landfill_ch4_generated",
    "landfill_ch4_potential",
    "landfill_fod",
    "mass_balance",
    "mass_balance_landfill_ch4",
    "wastewater",
    "wastewater_ch4",
    "wastewater_effluent_n2o",
    "wastewater_effluent_nitrogen",
]
