"""Mineral industry: cement clinker (2A1) and lime (2A2) process CO2.

The CO2 is that of the carbonates calcined (CaCO3 → CaO + CO2, MgCO3 → MgO + CO2); fuel burnt in
the kilns is counted in the energy sector.

Default uncertainties (``uncertainty_pct``): clinker production ±2 %, clinker factor ±8 %
(CaO content), lime factor ±2 %, lime production ±4 % — IPCC 2006 Vol. 3 §2.2.2.3 and
§2.3.2.3, recalled [R]; the provincial guideline gives none.

References
----------
.. [1] 《省级温室气体清单编制指南（试行）》(2011) 第二章 工业生产过程: 水泥生产过程, 石灰生产过程
       (emissions = production × emission factor).
.. [2] IPCC (2000) Good Practice Guidance, Ch. 3.1 Eq. 3.1-3.4 (clinker); IPCC (2006) Vol. 3
       Ch. 2 Eq. 2.2 (clinker), 2.4 (clinker EF from CaO), 2.6 and Table 2.4 (lime).
"""

from __future__ import annotations

from typing import Any, Final

from citycarbon.inventory.model import Category, Num, Values, param
from citycarbon.inventory.registry import register

__all__ = ["CLINKER", "LIME", "LIME_TYPES", "clinker_co2", "clinker_ef_from_cao", "lime_co2"]

#: Molar masses [g/mol] (IUPAC standard atomic weights C 12.011, O 15.999, Ca 40.078).
M_CO2: Final = 44.009
M_CAO: Final = 56.077

LIME_TYPES: Final = ("lime", "high_calcium", "dolomitic", "hydraulic")


def clinker_co2(clinker: Num, ef: Num) -> Num:
    """Process CO2 of clinker production [t CO2].

    Parameters
    ----------
    clinker : float or ndarray
        Clinker produced M_cl [t].
    ef : float or ndarray
        Emission factor of clinker EF_cl, including the cement-kiln-dust correction where the
        factor set has one [t CO2/t clinker].

    Notes
    -----
    .. math:: E_{CO_2} = M_{cl} \\cdot EF_{cl}

    References
    ----------
    《省级温室气体清单编制指南（试行）》(2011) 第二章 水泥生产过程; IPCC (2006) Vol. 3 Ch. 2
    Eq. 2.2 (with CF_ckd folded into EF); IPCC (2000) GPG Eq. 3.1.
    """
    return clinker * ef


def clinker_ef_from_cao(cao: Num, cao_non_carbonate: Num, ckd_correction: Num) -> Num:
    """Clinker emission factor from the CaO content of clinker [t CO2/t clinker].

    Parameters
    ----------
    cao : float or ndarray
        CaO content of the clinker [fraction].
    cao_non_carbonate : float or ndarray
        CaO from non-carbonate sources (slag, fly ash) [fraction of clinker].
    ckd_correction : float or ndarray
        Correction factor for cement kiln dust CF_ckd [-] (IPCC default 1.02).

    Notes
    -----
    .. math:: EF_{cl} = (CaO - CaO_{nc}) \\cdot \\frac{M_{CO_2}}{M_{CaO}} \\cdot CF_{ckd}

    with :math:`M_{CO_2}/M_{CaO}` = 44.009/56.077 = 0.78478. With CaO 0.65 and CF 1.02 this is
    0.5203, IPCC's rounded Tier 1 factor 0.52.

    References
    ----------
    IPCC (2006) Vol. 3 Ch. 2 Eq. 2.4 and §2.2.1.1 (Tier 1 factor 0.52); IPCC (2000) GPG Eq. 3.2.
    """
    return (cao - cao_non_carbonate) * M_CO2 / M_CAO * ckd_correction


def lime_co2(lime: Num, ef: Num) -> Num:
    """Process CO2 of lime production [t CO2].

    Parameters
    ----------
    lime : float or ndarray
        Lime produced [t].
    ef : float or ndarray
        Emission factor of the lime type [t CO2/t lime].

    Notes
    -----
    .. math:: E_{CO_2} = M_{lime} \\cdot EF_{lime}

    References
    ----------
    《省级温室气体清单编制指南（试行）》(2011) 第二章 石灰生产过程; IPCC (2006) Vol. 3 Ch. 2
    Eq. 2.6 (by lime type) and Table 2.4.
    """
    return lime * ef


def _clinker(values: Values) -> dict[str, Any]:
    return {"CO2": clinker_co2(values["clinker"], values["ef"])}


def _lime(values: Values) -> dict[str, Any]:
    return {"CO2": lime_co2(values["lime"], values["ef"])}


CLINKER: Final = register(
    Category(
        id="ippu.cement_clinker",
        code="2A1",
        sector="ippu",
        name_en="Cement production (clinker): process CO2",
        name_zh="水泥生产过程 CO2（熟料）",
        gases=("CO2",),
        params=(
            param("clinker", "activity", "Clinker produced", "熟料产量", ("t",), pct=2.0),
            param(
                "ef",
                "parameter",
                "Emission factor per tonne of clinker",
                "熟料排放因子",
                ("tCO2/t",),
                default=("clinker_ef", ("clinker",)),
                pct=8.0,
            ),
        ),
        compute=_clinker,
        formula="CO2 = clinker produced × EF_clinker",
        reference=(
            "《省级温室气体清单编制指南（试行）》(2011) 第二章 水泥生产过程; IPCC 2006 Vol. 3 "
            "Ch. 2 Eq. 2.2, 2.4; IPCC 2000 GPG Eq. 3.1"
        ),
        terms=lambda values: [("CO2", 1.0, ("clinker", "ef"), ())],
    )
)

LIME: Final = register(
    Category(
        id="ippu.lime",
        code="2A2",
        sector="ippu",
        name_en="Lime production: process CO2",
        name_zh="石灰生产过程 CO2",
        gases=("CO2",),
        params=(
            param(
                "lime_type",
                "choice",
                "Lime type (lime = the guideline's factor for lime in general)",
                "石灰种类",
                choices=LIME_TYPES,
                required=False,
            ),
            param("lime", "activity", "Lime produced", "石灰产量", ("t",), pct=4.0),
            param(
                "ef",
                "parameter",
                "Emission factor per tonne of lime",
                "石灰排放因子",
                ("tCO2/t",),
                default=("lime_ef", ("{lime_type}", "lime")),
                pct=2.0,
            ),
        ),
        compute=_lime,
        formula="CO2 = lime produced × EF_lime",
        reference=(
            "《省级温室气体清单编制指南（试行）》(2011) 第二章 石灰生产过程; IPCC 2006 Vol. 3 "
            "Ch. 2 Eq. 2.6, Table 2.4"
        ),
        terms=lambda values: [("CO2", 1.0, ("lime", "ef"), ())],
    )
)
