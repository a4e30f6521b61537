"""Food, tobacco, liquor, beverages and tea: purchased industrial CO2 used as a raw material.

Breweries, soft-drink and sparkling-wine makers buy CO2 made by industry (外购工业生产的二氧化碳)
to carbonate and fill their products. The food guideline counts, as a process emission, the part
of that CO2 lost in use (损耗) instead of leaving the plant in the product; the share lost depends
on how the product is filled.

References
----------
.. [1] NDRC (2015) 中国食品、烟草及酒、饮料和精制茶企业温室气体排放核算方法与报告指南（试行）,
       工业生产过程排放: 碳酸盐使用过程 plus 外购工业生产的二氧化碳作为原料在使用过程中损耗
       导致的排放, E = Σ Q × L, with the loss share L taken by filling process where it is not
       measured (一次灌装 40 %, 二次灌装 60 %; range 40 %-60 %). Transcribed in public code
       (docs/sectors.md, S5); the guideline text itself was not seen.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Final

from citycarbon.accounting.model import DefaultSpec, Field, Num, SourceType, Value, num
from citycarbon.accounting.sources.registry import register

__all__ = ["FILLING_PROCESSES", "purchased_co2_released"]

#: Filling processes with a default share of the purchased CO2 lost in use.
FILLING_PROCESSES: Final = {
    "single_filling": "一次灌装 (single filling)",
    "double_filling": "二次灌装 (double filling)",
}


def purchased_co2_released(quantity: Num, loss: Num) -> Num:
    """CO2 released from purchased industrial CO2 used as a raw material [tCO2].

    Parameters
    ----------
    quantity : Decimal
        Purchased industrial CO2 used in production in the year Q [t CO2].
    loss : Decimal
        Share of that CO2 lost to the atmosphere in use rather than kept in the product
        L [fraction, 0-1].

    Returns
    -------
    Decimal
        CO2 emitted [t].

    Notes
    -----
    .. math:: E_{CO_2} = Q \\cdot L

    Q comes from the enterprise's ledgers or, failing those, the suppliers' invoices.

    References
    ----------
    NDRC (2015) food, tobacco, liquor, beverage and tea guideline, 工业生产过程排放,
    外购工业生产的二氧化碳 (消耗量 × 二氧化碳的损耗比例).
    """
    return quantity * loss


def _compute(values: Mapping[str, Value]) -> dict[str, Any]:
    return {"CO2": purchased_co2_released(num(values, "quantity"), num(values, "loss"))}


def _check(values: Mapping[str, Value]) -> list[tuple[str, str]]:
    if "loss" not in values:
        return [("loss", "required: give the loss share, or the filling process for its default")]
    return []


PURCHASED_CO2_USE = register(
    SourceType(
        id="purchased_co2_use",
        name_en="Purchased industrial CO2 used as raw material (share lost in use)",
        name_zh="外购工业生产的二氧化碳作为原料使用过程中的损耗排放",
        gases=("CO2",),
        fields=(
            Field(
                "filling",
                "choice",
                "Filling process, for the default loss share: single_filling or double_filling",
                "灌装流程（用于损耗比例缺省值）：一次灌装或二次灌装",
                required=False,
                choices=lambda: tuple(FILLING_PROCESSES),
            ),
            Field(
                "quantity",
                "activity",
                "Purchased industrial CO2 used in production (mass of CO2)",
                "外购工业生产的二氧化碳消耗量（二氧化碳质量）",
                units=("t", "tCO2"),
            ),
            Field(
                "loss",
                "fraction",
                "Share of the purchased CO2 lost in use (not kept in the product)",
                "二氧化碳的损耗比例",
                units=("fraction",),
                required=False,
                default=DefaultSpec("purchased_co2_loss", subject_field="filling"),
                maximum=Decimal(1),
            ),
        ),
        compute=_compute,
        check=_check,
        formula="E = Q × L",
        reference="NDRC 2015 food, tobacco, liquor, beverage and tea enterprise GHG guideline, "
        "外购工业生产的二氧化碳",
    )
)
