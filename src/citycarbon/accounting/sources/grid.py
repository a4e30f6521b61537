"""Transmission and distribution losses of a power grid company (输配电损失).

A grid company reports the CO2 of generating the electricity its network loses. The loss is metered
directly, or balanced from the supply side: electricity fed in by power plants plus electricity
imported from other provinces, minus electricity exported to other provinces, minus electricity
sold.

References
----------
.. [1] NDRC (2013) 中国电网企业温室气体排放核算方法与报告指南（试行）, emissions of transmission
       and distribution losses: E = AD_loss × EF_grid, with the loss balanced as
       上网电量 + 自外省输入电量 − 向外省输出电量 − 售电量 and EF_grid the regional grid
       *average* factor (区域电网年平均供电排放因子). GB/T 32151-2015, the power grid part.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from citycarbon.accounting.model import DefaultSpec, Field, Num, SourceType, Value, num
from citycarbon.accounting.sources.registry import register

__all__ = ["grid_loss_co2", "grid_loss_mwh"]

_BALANCE = ("fed_in", "imported", "exported", "sold")


def grid_loss_mwh(fed_in: Num, imported: Num, exported: Num, sold: Num) -> Num:
    """Electricity lost in transmission and distribution, balanced from the supply side [MWh].

    Parameters
    ----------
    fed_in : Decimal
        Electricity fed into the grid by power plants 上网电量 [MWh].
    imported : Decimal
        Electricity imported from other provinces 自外省输入电量 [MWh].
    exported : Decimal
        Electricity exported to other provinces 向外省输出电量 [MWh].
    sold : Decimal
        Electricity sold to consumers 售电量 [MWh].

    Returns
    -------
    Decimal
        Loss AD_loss [MWh].

    Notes
    -----
    .. math:: AD_{loss} = EL_{fed} + EL_{in} - EL_{out} - EL_{sold}

    References
    ----------
    NDRC (2013) power grid enterprise guideline, activity data of transmission and distribution
    losses; GB/T 32151-2015 (power grid part).
    """
    return fed_in + imported - exported - sold


def grid_loss_co2(loss: Num, factor: Num) -> Num:
    """CO2 attributed to transmission and distribution losses [tCO2].

    Parameters
    ----------
    loss : Decimal
        Electricity lost AD_loss [MWh].
    factor : Decimal
        Regional grid *average* emission factor EF_grid [tCO2/MWh]; never a CCER baseline (OM/BM)
        factor.

    Returns
    -------
    Decimal
        Emissions E_loss [tCO2].

    Notes
    -----
    .. math:: E_{loss} = AD_{loss} \\cdot EF_{grid}

    References
    ----------
    NDRC (2013) power grid enterprise guideline, emissions of transmission and distribution
    losses; GB/T 32151-2015 (power grid part).
    """
    return loss * factor


def _value(values: Mapping[str, Value], name: str) -> Any:
    return values.get(name, 0)


def _loss(values: Mapping[str, Value]) -> Any:
    if "quantity" in values:
        return num(values, "quantity")
    return grid_loss_mwh(*(_value(values, name) for name in _BALANCE))


def _compute(values: Mapping[str, Value]) -> dict[str, Any]:
    return {"CO2": grid_loss_co2(_loss(values), num(values, "factor"))}


def _check(values: Mapping[str, Value]) -> list[tuple[str, str]]:
    errors: list[tuple[str, str]] = []
    kind = values.get("factor_kind", "grid_average")
    if kind != "grid_average":
        errors.append((
            "factor_kind",
            f"a {kind} factor is a CCER baseline factor; grid losses need the regional grid "
            "average factor (grid_average)",
        ))  # fmt: skip
    balance = [name for name in _BALANCE if name in values]
    if "quantity" in values:
        errors.extend(
            (name, "give the loss (quantity) or the supply-side balance, not both")
            for name in balance
        )
        return errors
    missing = [name for name in ("fed_in", "sold") if name not in values]
    if missing:
        errors.extend(
            (name, "required: give the loss (quantity) or fed_in, imported, exported and sold")
            for name in missing
        )
        return errors
    supply = _value(values, "fed_in") + _value(values, "imported")
    if _value(values, "exported") > supply:
        errors.append(("exported", "more electricity exported than fed in and imported"))
    elif _value(values, "sold") > supply - _value(values, "exported"):
        errors.append(
            ("sold", "more electricity sold than supplied (fed_in + imported - exported)")
        )
    return errors


def _energy(name: str, en: str, zh: str) -> Field:
    return Field(name, "activity", en, zh, units=("MWh",), required=False)


GRID_TRANSMISSION_LOSS = register(
    SourceType(
        id="grid_transmission_loss",
        name_en="Transmission and distribution losses",
        name_zh="输配电损失",
        gases=("CO2",),
        fields=(
            _energy(
                "quantity",
                "Electricity lost in transmission and distribution (or give the balance below)",
                "输配电损失电量（或填写下列供售电量）",
            ),
            _energy("fed_in", "Electricity fed in by power plants", "电厂上网电量"),
            _energy("imported", "Electricity imported from other provinces", "自外省输入电量"),
            _energy("exported", "Electricity exported to other provinces", "向外省输出电量"),
            _energy("sold", "Electricity sold", "售电量"),
            Field(
                "factor",
                "parameter",
                "Regional grid average emission factor (an OM/BM baseline factor is refused)",
                "区域电网年平均供电排放因子（不得使用基准线OM/BM因子）",
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
        ),
        compute=_compute,
        check=_check,
        formula="E = (EL_fed + EL_in − EL_out − EL_sold) × EF_grid,average",
        reference="NDRC 2013 power grid enterprise GHG guideline, transmission and distribution "
        "losses; GB/T 32151-2015 (power grid part)",
    )
)
