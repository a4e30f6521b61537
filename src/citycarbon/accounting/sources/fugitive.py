"""Fugitive emissions (逃逸排放), methane flaring and biomass combustion.

Coal mines release CH4 and CO2 through their ventilation and gas-drainage systems and after the
coal has left the seam; oil and gas facilities leak and vent CH4; flares turn CH4 into CO2 and let
the unburnt part escape. Biomass burnt for energy gives CO2 that the guidelines report separately
and never add to the total (the sectors give it treatment ``memo``).

Volumes of gas are at normal conditions (0 °C, 101.325 kPa). The guidelines' densities are
7.17 t CH4 and 19.77 t CO2 per 10⁴ Nm³ (:mod:`citycarbon.accounting.constants`); the formulas
write them as ``* 717 / 100`` and ``* 1977 / 100`` so that the same function serves exact decimals
and float arrays.

References
----------
.. [1] NDRC (2014) 中国煤炭生产企业温室气体排放核算方法与报告指南（试行）:
       underground CH4 E = (Q_ventilation + Q_drainage − Q_flared − Q_utilised) × 7.17;
       underground CO2 E = Q_CO2 × 19.77; surface-mining and post-mining CH4 = raw coal × EF
       (appendix table of defaults); flare CO2 from the flared gas's carbon at an oxidation rate.
.. [2] NDRC (2014) 中国石油和天然气生产企业温室气体排放核算方法与报告指南（试行）: facility-based
       CH4 E = Σ Num_j × EF_j for production facilities (逃逸 and 工艺放空 defaults in the appendix)
       and measured venting E = V × φ_CH4 × 7.17; flare CH4 E = Q × φ_CH4 × (1 − OF) × 7.17; the
       enterprise's CH4 recovered (企业CH4回收利用量: supplied to third parties, and used on site
       times its oxidation) deducted from the total.
.. [3] NDRC (2013-2015) guidelines with biomass fuels (e.g. 中国民用航空企业 ... 生物质混合燃料;
       造纸和纸制品, 食品 ...): biomass CO2 is reported but not counted in the total.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Final

from citycarbon.accounting.model import DefaultSpec, Field, Num, SourceType, Value, num
from citycarbon.accounting.sources.registry import register

__all__ = [
    "FACILITIES",
    "MINE_TYPES",
    "RECOVERY_USES",
    "biomass_co2",
    "biomass_co2_from_heat",
    "ch4_recovered_own_use",
    "ch4_recovered_supplied",
    "coal_mine_co2",
    "coal_production_ch4",
    "coal_production_ch4_from_volume",
    "coal_underground_ch4",
    "facility_ch4",
    "flaring_ch4",
    "flaring_co2",
    "vented_ch4",
]

#: Mine types of the coal-mining guideline, by the default factor they take for CH4 released per
#: tonne of raw coal outside the shafts' metering (post-mining; surface mining + post-mining).
MINE_TYPES: Final = {
    "high_gas": "高瓦斯矿井 (underground, high-gas)",
    "low_gas": "低瓦斯矿井 (underground, low-gas)",
    "surface": "露天煤矿 (surface mine)",
}

#: What recovered CH4 is used for (oil and gas guideline, 企业CH4回收利用量).
RECOVERY_USES: Final = {
    "supplied": "回收外供第三方 (supplied to a third party)",
    "own_use": "回收现场自用 (used on site, e.g. burnt as fuel)",
}

#: Production facilities of the oil and gas guideline with a default CH4 factor per facility-year:
#: fugitive leakage (逃逸) and process venting (工艺放空, suffix ``_venting``).
FACILITIES: Final = {
    "oil_wellhead": "原油开采 井口装置 (逃逸)",
    "oil_single_well_tank": "原油开采 单井储油装置 (逃逸)",
    "oil_transfer_station": "原油开采 接转站 (逃逸)",
    "oil_combined_station": "原油开采 联合站 (逃逸)",
    "gas_wellhead": "天然气开采 井口装置 (逃逸)",
    "gas_gathering_station": "天然气开采 集气站 (逃逸)",
    "gas_metering_station": "天然气开采 计量/配气站 (逃逸)",
    "gas_storage_station": "天然气开采 储气站 (逃逸)",
    "oil_single_well_tank_venting": "原油开采 单井储油装置 (工艺放空)",
    "oil_transfer_station_venting": "原油开采 接转站 (工艺放空)",
    "oil_combined_station_venting": "原油开采 联合站 (工艺放空)",
    "gas_gathering_station_venting": "天然气开采 集气站 (工艺放空)",
    "gas_storage_station_venting": "天然气开采 储气站 (工艺放空)",
}

VOLUME: Final = "10^4 Nm3"


def _value(values: Mapping[str, Value], name: str) -> Any:
    """A field's value, or 0 where an optional field was left out."""
    return values.get(name, 0)


# -- coal mines -------------------------------------------------------------------------------


def coal_underground_ch4(ventilation: Num, drainage: Num, recovered: Num) -> Num:
    """CH4 escaping from an underground coal mine's ventilation and drainage systems [tCH4].

    Parameters
    ----------
    ventilation : Decimal
        CH4 in the ventilation air Q_vent [10⁴ Nm³ of pure CH4].
    drainage : Decimal
        CH4 drained (抽放) Q_drain [10⁴ Nm³ of pure CH4].
    recovered : Decimal
        CH4 of the drained gas that is utilised or sent to flares Q_rec [10⁴ Nm³ of pure CH4].

    Returns
    -------
    Decimal
        CH4 emitted [t].

    Notes
    -----
    .. math:: E_{CH_4} = (Q_{vent} + Q_{drain} - Q_{rec}) \\cdot 7.17

    7.17 t/10⁴ Nm³ is the density of CH4 at normal conditions. CH4 sent to flares counts in
    Q_rec as destroyed: the coal-mining guideline reports flare CO2 only, so the CH4 a flare
    leaves unburnt is not counted (``methane_flaring`` defaults ``unburnt_ch4_counted`` to 0 %
    under this guideline).

    References
    ----------
    NDRC (2014) coal-mining enterprise guideline, fugitive CH4 of underground mining.
    """
    return (ventilation + drainage - recovered) * 717 / 100


def coal_production_ch4(raw_coal: Num, factor: Num) -> Num:
    """CH4 released per tonne of raw coal outside the shafts' metering [tCH4].

    Parameters
    ----------
    raw_coal : Decimal
        Raw coal produced AD [t].
    factor : Decimal
        Emission factor EF [tCH4/t]: post-mining for underground mines; surface mining plus
        post-mining for surface mines.

    Returns
    -------
    Decimal
        CH4 emitted [t].

    Notes
    -----
    .. math:: E_{CH_4} = AD \\cdot EF

    References
    ----------
    NDRC (2014) coal-mining enterprise guideline, CH4 of surface mining and post-mining
    activities, appendix table of default factors.
    """
    return raw_coal * factor


def coal_production_ch4_from_volume(raw_coal: Num, factor: Num) -> Num:
    """As :func:`coal_production_ch4` with the factor as a volume of CH4 per tonne [tCH4].

    Parameters
    ----------
    raw_coal : Decimal
        Raw coal produced AD [t].
    factor : Decimal
        Emission factor EF_V [Nm³ CH4/t].

    Returns
    -------
    Decimal
        CH4 emitted [t].

    Notes
    -----
    .. math:: E_{CH_4} = AD \\cdot EF_V \\cdot 10^{-4} \\cdot 7.17

    References
    ----------
    NDRC (2014) coal-mining enterprise guideline, CH4 density 7.17 t/10⁴ Nm³.
    """
    return raw_coal * factor * 717 / 1000000


def coal_mine_co2(volume: Num) -> Num:
    """CO2 escaping from an underground coal mine [tCO2].

    Parameters
    ----------
    volume : Decimal
        CO2 in the ventilation and drainage gas Q_CO2 [10⁴ Nm³ of pure CO2].

    Returns
    -------
    Decimal
        CO2 emitted [t].

    Notes
    -----
    .. math:: E_{CO_2} = Q_{CO_2} \\cdot 19.77

    19.77 t/10⁴ Nm³ is the density of CO2 at normal conditions.

    References
    ----------
    NDRC (2014) coal-mining enterprise guideline, fugitive CO2 of underground mining.
    """
    return volume * 1977 / 100


# -- flares -----------------------------------------------------------------------------------


def flaring_co2(volume: Num, efficiency: Num) -> Num:
    """CO2 from burning CH4 in a flare [tCO2].

    Parameters
    ----------
    volume : Decimal
        CH4 sent to the flare Q [10⁴ Nm³ of pure CH4].
    efficiency : Decimal
        Combustion (carbon oxidation) efficiency of the flare OF [fraction, 0-1].

    Returns
    -------
    Decimal
        CO2 emitted [t].

    Notes
    -----
    .. math:: E_{CO_2} = Q \\cdot 7.17 \\cdot OF \\cdot \\tfrac{44}{16}

    References
    ----------
    NDRC (2014) coal-mining and oil and gas guidelines, CO2 of flaring (for pure CH4 the carbon
    content of the flared gas is 7.17 × 12/16 t C/10⁴ Nm³, and C × 44/12 = CH4 × 44/16).
    """
    return volume * 717 * efficiency * 44 / 1600


def flaring_ch4(volume: Num, efficiency: Num) -> Num:
    """CH4 that a flare leaves unburnt [tCH4].

    Parameters
    ----------
    volume : Decimal
        CH4 sent to the flare Q [10⁴ Nm³ of pure CH4].
    efficiency : Decimal
        Combustion efficiency of the flare OF [fraction, 0-1].

    Returns
    -------
    Decimal
        CH4 emitted [t].

    Notes
    -----
    .. math:: E_{CH_4} = Q \\cdot 7.17 \\cdot (1 - OF)

    Whether a guideline counts this CH4 is a rule of the guideline, not of the flare: the
    ``methane_flaring`` source multiplies it by ``unburnt_ch4_counted`` (1 under the oil and gas
    guideline, 0 under the coal-mining and petrochemical guidelines, which count flare CO2 only).

    References
    ----------
    NDRC (2014) oil and gas guideline, 火炬燃烧CH4排放 (正常工况, 事故):
    Q × φ_CH4 × (1 − OF) × 7.17.
    """
    return volume * 717 * (1 - efficiency) / 100


# -- oil and gas ------------------------------------------------------------------------------


def facility_ch4(facility_years: Num, factor: Num) -> Num:
    """CH4 leaked or vented by oil and gas production facilities [tCH4].

    Parameters
    ----------
    facility_years : Decimal
        Number of facilities of one type times the years they ran Num [a].
    factor : Decimal
        CH4 emission factor of the facility type EF [tCH4/(a·facility)].

    Returns
    -------
    Decimal
        CH4 emitted [t].

    Notes
    -----
    .. math:: E_{CH_4} = Num \\cdot EF

    References
    ----------
    NDRC (2014) oil and gas production guideline, CH4 fugitive and process-venting emissions of
    oil and gas production, appendix tables of default factors per facility.
    """
    return facility_years * factor


def vented_ch4(volume: Num, ch4_fraction: Num) -> Num:
    """CH4 in gas vented to the atmosphere [tCH4].

    Parameters
    ----------
    volume : Decimal
        Gas vented V [10⁴ Nm³].
    ch4_fraction : Decimal
        CH4 volume fraction of the gas φ [fraction, 0-1].

    Returns
    -------
    Decimal
        CH4 emitted [t].

    Notes
    -----
    .. math:: E_{CH_4} = V \\cdot \\varphi_{CH_4} \\cdot 7.17

    References
    ----------
    NDRC (2014) oil and gas production guideline, process venting (工艺放空) from measured
    volumes.
    """
    return volume * ch4_fraction * 717 / 100


def ch4_recovered_supplied(volume: Num, ch4_fraction: Num) -> Num:
    """CH4 recovered and supplied to a third party, deducted from the total [tCH4].

    Parameters
    ----------
    volume : Decimal
        Recovered gas supplied to third parties Q_supplied [10⁴ Nm³].
    ch4_fraction : Decimal
        CH4 volume fraction of that gas φ_CH4 [fraction, 0-1].

    Returns
    -------
    Decimal
        CH4 recovered R [t] (a positive amount the sector subtracts).

    Notes
    -----
    .. math:: R_{CH_4} = Q_{supplied} \\cdot \\varphi_{CH_4} \\cdot 7.17

    References
    ----------
    NDRC (2014) oil and gas production guideline, 企业CH4回收利用量: 回收外供第三方的甲烷气量 ×
    CH4体积浓度 × 7.17.
    """
    return volume * ch4_fraction * 717 / 100


def ch4_recovered_own_use(volume: Num, ch4_fraction: Num, oxidation: Num) -> Num:
    """CH4 recovered and used on site, deducted from the total [tCH4].

    Parameters
    ----------
    volume : Decimal
        Recovered gas used on site Q_own [10⁴ Nm³].
    ch4_fraction : Decimal
        CH4 volume fraction of that gas φ_CH4 [fraction, 0-1].
    oxidation : Decimal
        Share of the CH4 oxidised where it is used OF [fraction, 0-1]; the rest escapes and is
        not deducted.

    Returns
    -------
    Decimal
        CH4 recovered R [t].

    Notes
    -----
    .. math:: R_{CH_4} = Q_{own} \\cdot \\varphi_{CH_4} \\cdot OF \\cdot 7.17

    References
    ----------
    NDRC (2014) oil and gas production guideline, 企业CH4回收利用量: 甲烷气回收现场自用量 ×
    CH4体积浓度 × 回收自用过程的甲烷氧化系数 × 7.17.
    """
    return volume * ch4_fraction * oxidation * 717 / 100


# -- biomass ----------------------------------------------------------------------------------


def biomass_co2(quantity: Num, ncv: Num, factor: Num) -> Num:
    """CO2 from burning biomass fuel, reported but not counted [tCO2].

    Parameters
    ----------
    quantity : Decimal
        Biomass fuel burnt FC [t].
    ncv : Decimal
        Net calorific value NCV [GJ/t].
    factor : Decimal
        CO2 emission factor per unit heat EF [tCO2/GJ].

    Returns
    -------
    Decimal
        Biogenic CO2 [t].

    Notes
    -----
    .. math:: E = FC \\cdot NCV \\cdot EF

    References
    ----------
    NDRC (2013-2015) enterprise guidelines with biomass fuels: biomass CO2 is reported
    separately and excluded from the total.
    """
    return quantity * ncv * factor


def biomass_co2_from_heat(heat: Num, factor: Num) -> Num:
    """As :func:`biomass_co2` with the heat of the fuel known directly [tCO2].

    Parameters
    ----------
    heat : Decimal
        Heat released by the biomass AD [GJ].
    factor : Decimal
        CO2 emission factor per unit heat EF [tCO2/GJ].

    Returns
    -------
    Decimal
        Biogenic CO2 [t].

    Notes
    -----
    .. math:: E = AD \\cdot EF

    References
    ----------
    NDRC (2013-2015) enterprise guidelines with biomass fuels.
    """
    return heat * factor


# -- source types -----------------------------------------------------------------------------

_UNDERGROUND = ("ventilation", "drainage", "recovered")


def _coal_mine_methane(values: Mapping[str, Value]) -> dict[str, Any]:
    raw_coal, factor = num(values, "quantity"), num(values, "factor")
    if values.get("factor@unit") == "Nm3/t":
        ch4 = coal_production_ch4_from_volume(raw_coal, factor)
    else:
        ch4 = coal_production_ch4(raw_coal, factor)
    if any(name in values for name in _UNDERGROUND):  # an underground mine's measured CH4
        ch4 = ch4 + coal_underground_ch4(*(_value(values, name) for name in _UNDERGROUND))
    return {"CH4": ch4}


def _check_coal_mine_methane(values: Mapping[str, Value]) -> list[tuple[str, str]]:
    if values.get("mine_type") == "surface":
        return [
            (name, "a surface mine has no ventilation or drainage; its CH4 comes from the factor")
            for name in _UNDERGROUND
            if name in values
        ]
    if "recovered" in values:
        released = _value(values, "ventilation") + _value(values, "drainage")
        if num(values, "recovered") > released:
            return [(
                "recovered",
                f"more CH4 recovered than ventilated and drained ({released} x 10^4 Nm3)",
            )]  # fmt: skip
    return []


def _volume(name: str, en: str, zh: str) -> Field:
    return Field(name, "activity", en, zh, units=(VOLUME,), required=False)


COAL_MINE_METHANE = register(
    SourceType(
        id="coal_mine_methane",
        name_en="Coal mine methane (underground, surface and post-mining)",
        name_zh="煤炭开采和矿后活动CH4逃逸排放",
        gases=("CH4",),
        fields=(
            Field(
                "mine_type",
                "choice",
                "Mine type: high_gas or low_gas (underground) or surface",
                "矿井类型：高瓦斯、低瓦斯（井工）或露天",
                choices=lambda: tuple(MINE_TYPES),
            ),
            Field("quantity", "activity", "Raw coal produced", "原煤产量", units=("t",)),
            _volume("ventilation", "CH4 in the ventilation air (pure CH4)", "CH4风排量"),
            _volume("drainage", "CH4 drained (pure CH4)", "CH4抽放量"),
            _volume(
                "recovered",
                "CH4 utilised or sent to flares (pure CH4)",
                "CH4回收利用量与火炬销毁量",
            ),
            Field(
                "factor",
                "parameter",
                "CH4 per tonne of raw coal: post-mining (underground mines), surface mining plus "
                "post-mining (surface mines)",
                "单位原煤CH4排放因子：矿后活动（井工矿）；露天开采加矿后活动（露天矿）",
                units=("tCH4/t", "Nm3/t"),
                default=DefaultSpec("coal_production_ch4_ef", subject_field="mine_type"),
            ),
        ),
        compute=_coal_mine_methane,
        check=_check_coal_mine_methane,
        formula="E_CH4 = (Q_vent + Q_drain − Q_rec) × 7.17 + AD_raw coal × EF",
        reference="NDRC 2014 coal-mining enterprise GHG guideline, CH4 of underground mining, "
        "surface mining and post-mining activities",
    )
)

COAL_MINE_CO2 = register(
    SourceType(
        id="coal_mine_co2",
        name_en="Coal mine CO2 (underground)",
        name_zh="井工开采CO2逃逸排放",
        gases=("CO2",),
        fields=(
            Field(
                "quantity",
                "activity",
                "CO2 escaping with ventilation and drainage (pure CO2)",
                "CO2风排量与抽放量（纯CO2）",
                units=(VOLUME,),
            ),
        ),
        compute=lambda values: {"CO2": coal_mine_co2(num(values, "quantity"))},
        formula="E_CO2 = Q_CO2 × 19.77",
        reference="NDRC 2014 coal-mining enterprise GHG guideline, CO2 of underground mining",
    )
)


def _methane_flaring(values: Mapping[str, Value]) -> dict[str, Any]:
    volume, efficiency = num(values, "quantity"), num(values, "efficiency")
    return {
        "CO2": flaring_co2(volume, efficiency),
        "CH4": flaring_ch4(volume, efficiency) * num(values, "unburnt_ch4_counted"),
    }


def _check_methane_flaring(values: Mapping[str, Value]) -> list[tuple[str, str]]:
    if "unburnt_ch4_counted" not in values:
        return []
    counted = num(values, "unburnt_ch4_counted")
    if counted != 0 and counted != 1:
        return [(
            "unburnt_ch4_counted",
            "a guideline counts the unburnt CH4 or not: write 100 % or 0 %, not a share",
        )]  # fmt: skip
    return []


METHANE_FLARING = register(
    SourceType(
        id="methane_flaring",
        name_en="Methane flaring",
        name_zh="甲烷火炬燃烧",
        gases=("CO2", "CH4"),
        fields=(
            Field(
                "quantity",
                "activity",
                "CH4 sent to flares (pure CH4: gas volume times its CH4 volume fraction)",
                "火炬燃烧的CH4量（纯CH4：气量乘CH4体积浓度）",
                units=(VOLUME,),
            ),
            Field(
                "efficiency",
                "fraction",
                "Combustion efficiency (carbon oxidation rate) of the flare",
                "火炬燃烧效率（碳氧化率）",
                units=("fraction",),
                default=DefaultSpec("flare_efficiency", subject="methane"),
                maximum=Decimal(1),
            ),
            Field(
                "unburnt_ch4_counted",
                "fraction",
                "Whether the guideline counts the CH4 the flare leaves unburnt: 100 % (oil and "
                "gas) or 0 % (coal mining, petrochemicals: flare CO2 only); defaults to the "
                "guideline's rule",
                "是否计入火炬未燃烧的CH4：100 %（油气）或 0 %（煤炭、石化：仅计火炬CO2）；"
                "缺省按行业指南",
                units=("fraction",),
                default=DefaultSpec("flare_unburnt_ch4_counted", subject="methane"),
                maximum=Decimal(1),
            ),
        ),
        compute=_methane_flaring,
        check=_check_methane_flaring,
        formula="E_CO2 = Q × 7.17 × OF × 44/16; E_CH4 = Q × 7.17 × (1 − OF) × k "
        "(k = 1 where the guideline counts the unburnt CH4, else 0)",
        reference="NDRC 2014 coal-mining, oil and gas, and petrochemical enterprise GHG "
        "guidelines, flaring (火炬燃烧)",
    )
)


def _oil_gas_fugitive(values: Mapping[str, Value]) -> dict[str, Any]:
    quantity = num(values, "quantity")
    if values.get("quantity@unit") == VOLUME:
        return {"CH4": vented_ch4(quantity, num(values, "ch4_fraction"))}
    return {"CH4": facility_ch4(quantity, num(values, "factor"))}


def _check_oil_gas_fugitive(values: Mapping[str, Value]) -> list[tuple[str, str]]:
    if values.get("quantity@unit") == VOLUME:
        errors = [] if "ch4_fraction" in values else [("ch4_fraction", "required for vented gas")]
        if "facility" in values:
            errors.append(
                ("facility", "a facility type goes with facility-years (a), not a volume")
            )
        elif "factor" in values:
            errors.append(
                ("factor", "a facility factor goes with facility-years (a), not a volume")
            )
        return errors
    errors = []
    if "factor" not in values:
        errors.append(("facility", "required: the facility type (for its default) or the factor"))
    if "ch4_fraction" in values:
        errors.append(("ch4_fraction", "only for vented gas given as a volume (10^4 Nm3)"))
    return errors


OIL_GAS_FUGITIVE = register(
    SourceType(
        id="oil_gas_fugitive",
        name_en="Oil and gas fugitive and vented methane",
        name_zh="油气系统CH4逃逸与工艺放空排放",
        gases=("CH4",),
        fields=(
            Field(
                "facility",
                "choice",
                "Facility type (for facility-years)",
                "设施类型（按设施·年计）",
                required=False,
                choices=lambda: tuple(FACILITIES),
            ),
            Field(
                "quantity",
                "activity",
                "Facility-years (number of facilities × years run, in a), or gas vented (10^4 Nm3)",
                "设施数×运行年数（a），或放空气量（万Nm³）",
                units=("a", VOLUME),
            ),
            Field(
                "factor",
                "parameter",
                "CH4 emission factor per facility-year",
                "单位设施年CH4排放因子",
                units=("tCH4/a",),
                required=False,
                default=DefaultSpec("oil_gas_ch4_ef", subject_field="facility"),
            ),
            Field(
                "ch4_fraction",
                "fraction",
                "CH4 volume fraction of the vented gas",
                "放空气中CH4体积浓度",
                units=("fraction",),
                required=False,
                maximum=Decimal(1),
            ),
        ),
        compute=_oil_gas_fugitive,
        check=_check_oil_gas_fugitive,
        formula="E_CH4 = Num × EF (facilities); E_CH4 = V × φ_CH4 × 7.17 (venting)",
        reference="NDRC 2014 oil and gas production enterprise GHG guideline, CH4 fugitive and "
        "process-venting emissions",
    )
)


def _ch4_recovered(values: Mapping[str, Value]) -> dict[str, Any]:
    volume, fraction = num(values, "quantity"), num(values, "ch4_fraction")
    if values.get("use") == "own_use":
        return {"CH4": ch4_recovered_own_use(volume, fraction, num(values, "oxidation"))}
    return {"CH4": ch4_recovered_supplied(volume, fraction)}


def _check_ch4_recovered(values: Mapping[str, Value]) -> list[tuple[str, str]]:
    use = values.get("use")
    if use == "own_use" and "oxidation" not in values:
        return [("oxidation", "required for CH4 used on site: the share oxidised where it is used")]
    if use == "supplied" and "oxidation" in values:
        return [("oxidation", "only for CH4 used on site; CH4 supplied to others counts whole")]
    return []


CH4_RECOVERED = register(
    SourceType(
        id="ch4_recovered",
        name_en="CH4 recovered (supplied to third parties or used on site)",
        name_zh="企业CH4回收利用量",
        gases=("CH4",),
        fields=(
            Field(
                "use",
                "choice",
                "supplied (to a third party) or own_use (used on site)",
                "回收甲烷气去向：supplied（外供第三方）或 own_use（现场自用）",
                choices=lambda: tuple(RECOVERY_USES),
            ),
            Field(
                "quantity",
                "activity",
                "Recovered gas supplied or used (10^4 Nm3 of gas, not of pure CH4)",
                "回收外供或现场自用的甲烷气量（万Nm³，气体体积）",
                units=(VOLUME,),
            ),
            Field(
                "ch4_fraction",
                "fraction",
                "CH4 volume fraction of the recovered gas",
                "回收甲烷气中CH4体积浓度",
                units=("fraction",),
                maximum=Decimal(1),
            ),
            Field(
                "oxidation",
                "fraction",
                "Share of the CH4 oxidised where it is used on site (own_use only)",
                "回收自用过程的甲烷氧化系数（仅现场自用）",
                units=("fraction",),
                required=False,
                maximum=Decimal(1),
            ),
        ),
        compute=_ch4_recovered,
        check=_check_ch4_recovered,
        formula="R_CH4 = Q × φ_CH4 × 7.17 (supplied); R_CH4 = Q × φ_CH4 × OF × 7.17 (own use); "
        "subtracted by the sector",
        reference="NDRC 2014 oil and gas production enterprise GHG guideline, 企业CH4回收利用量",
    )
)


def _biomass(values: Mapping[str, Value]) -> dict[str, Any]:
    quantity, factor = num(values, "quantity"), num(values, "factor")
    if values.get("quantity@unit") == "GJ":
        return {"CO2": biomass_co2_from_heat(quantity, factor)}
    return {"CO2": biomass_co2(quantity, num(values, "ncv"), factor)}


def _check_biomass(values: Mapping[str, Value]) -> list[tuple[str, str]]:
    if values.get("quantity@unit") == "GJ":
        return [("ncv", "not used when the heat (GJ) is given")] if "ncv" in values else []
    return [] if "ncv" in values else [("ncv", "required when the fuel is given in t")]


BIOMASS_COMBUSTION = register(
    SourceType(
        id="biomass_combustion",
        name_en="Biomass combustion (biogenic CO2, reported separately)",
        name_zh="生物质燃料燃烧（生物质CO2，单独报告）",
        gases=("CO2",),
        fields=(
            Field(
                "quantity",
                "activity",
                "Biomass fuel burnt (t), or its heat (GJ)",
                "生物质燃料消耗量（吨）或热量（GJ）",
                units=("t", "GJ"),
            ),
            Field(
                "ncv",
                "parameter",
                "Net calorific value of the biomass fuel",
                "生物质燃料低位发热量",
                units=("GJ/t",),
                required=False,
            ),
            Field(
                "factor",
                "parameter",
                "CO2 emission factor per unit heat of the biomass fuel",
                "生物质燃料单位热值CO2排放因子",
                units=("tCO2/GJ",),
            ),
        ),
        compute=_biomass,
        check=_check_biomass,
        formula="E = FC × NCV × EF (reported, not counted in the total)",
        reference="NDRC 2013-2015 enterprise GHG guidelines with biomass fuels",
    )
)
