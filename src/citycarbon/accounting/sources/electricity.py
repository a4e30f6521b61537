"""Purchased and exported electricity (净购入使用的电力).

References
----------
.. [1] NDRC (2013) enterprise GHG accounting guidelines, "净购入使用的电力、热力产生的排放",
       Eq. E_elec = AD_elec × EF_elec (e.g. 中国钢铁生产企业温室气体排放核算方法与报告指南（试行）
       Eq. (9)); GB/T 32150-2015 Eq. (9).
"""

from __future__ import annotations

from collections.abc import Mapping

from citycarbon.accounting.model import DefaultSpec, Field, Num, SourceType, Value, num
from citycarbon.accounting.sources.registry import register

__all__ = ["electricity_co2"]


def electricity_co2(electricity: Num, factor: Num) -> Num:
    """CO2 attributed to electricity purchased (or exported) [tCO2].

    Parameters
    ----------
    electricity : Decimal
        Electricity purchased or exported AD [MWh].
    factor : Decimal
        Grid *average* emission factor EF [tCO2/MWh]; never a CCER baseline (OM/BM) factor.

    Notes
    -----
    .. math:: E = AD \\cdot EF

    References
    ----------
    NDRC 2013 enterprise guidelines, emissions of net purchased electricity (Eq. (9) of the
    iron and steel guideline; the same equation in every sector guideline); GB/T 32150-2015.
    """
    return electricity * factor


def _compute(values: Mapping[str, Value]) -> dict[str, Num]:
    return {"CO2": electricity_co2(num(values, "quantity"), num(values, "factor"))}


def _fields(verb_en: str, verb_zh: str) -> tuple[Field, ...]:
    return (
        Field(
            "quantity",
            "activity",
            f"Electricity {verb_en}",
            f"{verb_zh}电量",
            units=("MWh",),
        ),
        Field(
            "factor",
            "parameter",
            "Grid average emission factor (an OM/BM baseline factor is refused)",
            "电网平均排放因子（不得使用基准线OM/BM因子）",
            units=("tCO2/MWh",),
            default=DefaultSpec("grid_ef", subject="@region", kind="grid_average"),
        ),
        Field(
            "factor_kind",
            "choice",
            "Kind of the factor given: grid_average (default)",
            "排放因子类别：电网平均（默认）",
            required=False,
            choices=lambda: ("grid_average", "grid_om", "grid_bm", "grid_cm"),
        ),
    )


def _check_kind(values: Mapping[str, Value]) -> list[tuple[str, str]]:
    kind = values.get("factor_kind", "grid_average")
    if kind != "grid_average":
        return [(
            "factor_kind",
            f"a {kind} factor is a CCER baseline factor; purchased electricity needs the grid "
            "average factor (grid_average)",
        )]  # fmt: skip
    return []


PURCHASED_ELECTRICITY = register(
    SourceType(
        id="purchased_electricity",
        name_en="Purchased electricity",
        name_zh="购入电力",
        gases=("CO2",),
        fields=_fields("purchased", "购入"),
        compute=_compute,
        check=_check_kind,
        formula="E = AD_elec × EF_grid,average",
        reference="NDRC 2013 enterprise GHG guidelines, purchased electricity; GB/T 32150-2015",
    )
)

EXPORTED_ELECTRICITY = register(
    SourceType(
        id="exported_electricity",
        name_en="Exported electricity",
        name_zh="输出电力",
        gases=("CO2",),
        fields=_fields("exported", "输出"),
        compute=_compute,
        check=_check_kind,
        formula="E = AD_elec,exported × EF_grid,average (subtracted where the guideline nets it)",
        reference="NDRC 2013 enterprise GHG guidelines, net purchased electricity; GB/T 32150-2015",
    )
)
