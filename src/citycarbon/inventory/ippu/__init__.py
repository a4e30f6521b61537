"""Industrial processes (工业生产过程): process emissions of minerals, chemicals, metals and
fluorinated gases, by 《省级温室气体清单编制指南（试行）》(2011) 第二章.

Importing this package registers its categories: ``ippu.cement_clinker`` (2A1), ``ippu.lime``
(2A2), ``ippu.calcium_carbide`` (2B4), ``ippu.adipic_acid`` (2B3), ``ippu.nitric_acid`` (2B2),
``ippu.hcfc22`` (2E1), ``ippu.iron_steel`` (2C1), ``ippu.aluminium_pfc`` (2C3),
``ippu.magnesium_sf6`` (2C4), ``ippu.electrical_equipment_sf6`` (2F8), ``ippu.semiconductor``
(2F7), ``ippu.hfc_consumption`` (2F1-2F6). Fuel burnt in these plants is energy.
"""

from citycarbon.inventory.ippu import chemicals, fgases, metals, minerals

__all__ = ["chemicals", "fgases", "metals", "minerals"]
