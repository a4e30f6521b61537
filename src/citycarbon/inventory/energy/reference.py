"""The reference approach (参考方法): CO2 from apparent consumption, a check on the sectoral one.

For every fossil fuel of the energy balance:

* apparent consumption AC = production + inflow + imports + outflow (−) + exports (−) + stock
  change (draw +) — the balance's total supply;
* carbon in AC, less the carbon *stored* in non-energy use (feedstocks, bitumen, lubricants):
  NEU × NCV × CC × stored fraction;
* CO2 = (carbon − stored carbon) × oxidation rate × 44/12.

The difference from the sectoral approach is reported per fuel and in total, as a quality check.
Its parts are shown per fuel in energy terms: the sectoral approach leaves out losses, the net
carbon of coal washing, coking, refining and the other transformations, the statistical
difference, and non-energy use (see :func:`explain`), so that

.. math:: AC - FC_{sectoral} = -T_{other} + L + D + NEU

holds exactly for every fuel.

References
----------
.. [1] 《省级温室气体清单编制指南（试行）》(2011) 第一章 能源活动, 参考方法 (reference approach,
       to check the sectoral estimate).
.. [2] IPCC (2006) Vol. 2 Ch. 6, Eq. 6.1 (reference approach CO2) and Eq. 6.2 (apparent
       consumption); IPCC 1996 Revised Workbook Worksheet 1-1 and Reference Manual Table 1-5
       (fraction of carbon stored).
"""

from __future__ import annotations

from typing import Any, Final

from citycarbon.inventory.energy.balance import COLUMNS, COMBUSTION_TRANSFORMATION, ROWS
from citycarbon.inventory.engine import Compilation, register_check
from citycarbon.inventory.model import (
    Category,
    Default,
    InventoryError,
    LineInput,
    Num,
    Param,
    ParamUse,
    Values,
)
from citycarbon.inventory.quantities import factor

__all__ = ["REFERENCE", "explain", "reference_co2"]


def reference_co2(
    apparent: Num,
    non_energy: Num,
    ncv: Num,
    carbon_content: Num,
    stored_fraction: Num,
    oxidation: Num,
) -> Num:
    """CO2 of one fuel by the reference approach [tCO2].

    Parameters
    ----------
    apparent : float or ndarray
        Apparent consumption AC [t] or [10⁴ Nm³] (negative for a net exporter of a product).
    non_energy : float or ndarray
        Non-energy use NEU [t] or [10⁴ Nm³].
    ncv : float or ndarray
        Net calorific value [GJ/t] or [GJ/10⁴ Nm³].
    carbon_content : float or ndarray
        Carbon content CC [tC/TJ].
    stored_fraction : float or ndarray
        Fraction of the carbon of non-energy use stored in products [fraction].
    oxidation : float or ndarray
        Carbon oxidation rate OF [fraction].

    Notes
    -----
    .. math::

        E = \\left(AC \\cdot NCV \\cdot 10^{-3} \\cdot CC
            - NEU \\cdot NCV \\cdot 10^{-3} \\cdot CC \\cdot f_{stored}\\right)
            \\cdot OF \\cdot \\tfrac{44}{12}

    References
    ----------
    IPCC 2006 Vol. 2 Ch. 6 Eq. 6.1 (excluded carbon = stored carbon of feedstocks and
    non-energy use); IPCC 1996 Revised Workbook Worksheet 1-1.
    """
    carbon = apparent * ncv * carbon_content / 1000
    stored = non_energy * ncv * carbon_content * stored_fraction / 1000
    return (carbon - stored) * oxidation * 44 / 12


def _compute(values: Values) -> dict[str, Any]:
    return {
        "CO2": reference_co2(
            values["apparent"],
            values["non_energy"],
            values["ncv"],
            values["carbon_content"],
            values.get("stored_fraction", 0.0),
            values["oxidation"],
        )
    }


def _check(values: Values) -> list[tuple[str, str]]:
    if values["non_energy"] > 0 and "stored_fraction" not in values:
        return [
            (
                "stored_fraction",
                f"{values['fuel']} has non-energy use but no default fraction of carbon stored: "
                "give it in categories.energy.reference_approach.local.stored_fraction",
            )
        ]
    return []


#: The reference approach as a (not registered) category, so that its parameters are resolved,
#: documented and recorded like any other.
REFERENCE: Final = Category(
    id="energy.reference_approach",
    code="1A-ref",
    sector="energy",
    name_en="Reference approach (quality check)",
    name_zh="参考方法（质量检查）",
    gases=("CO2",),
    params=(
        Param(
            "fuel",
            "choice",
            "Fuel",
            "燃料品种",
            choices=tuple(c.id for c in COLUMNS.values() if c.kind == "fuel"),
        ),
        Param(
            "apparent",
            "activity",
            "Apparent consumption",
            "表观消费量",
            unit=("t", "10^4 Nm3"),
            minimum=None,
        ),
        Param("non_energy", "activity", "Non-energy use", "非能源利用量", unit=("t", "10^4 Nm3")),
        Param(
            "ncv",
            "parameter",
            "Net calorific value",
            "低位发热量",
            unit=("GJ/t", "GJ/(10^4 Nm3)"),
            default=Default("ncv", ("{fuel}",)),
        ),
        Param(
            "carbon_content",
            "parameter",
            "Carbon content",
            "单位热值含碳量",
            unit=("tC/TJ",),
            default=Default("carbon_content", ("{fuel}",)),
        ),
        Param(
            "stored_fraction",
            "fraction",
            "Fraction of the carbon of non-energy use stored in products",
            "非能源利用固碳率",
            default=Default("stored_fraction", ("{fuel}",)),
            maximum=1.0,
            required=False,
        ),
        Param(
            "oxidation",
            "fraction",
            "Carbon oxidation rate (fuel average)",
            "碳氧化率",
            default=Default("oxidation", ("{fuel}", "{fuel_group}")),
            maximum=1.0,
        ),
    ),
    compute=_compute,
    formula="CO2 = (AC × NCV × CC − NEU × NCV × CC × f_stored) × OF × 44/12",
    reference=(
        "《省级温室气体清单编制指南（试行）》(2011) 第一章 参考方法; IPCC 2006 Vol. 2 Ch. 6 "
        "Eq. 6.1-6.2; IPCC 1996 Revised Worksheet 1-1, Table 1-5"
    ),
    check=_check,
    rows_allowed=False,
    context=lambda choices: {"fuel_group": COLUMNS[choices["fuel"]].group},
)


#: Transformation rows whose inputs are not burnt (washing, coking, refining, gas works …).
_OTHER_TRANSFORMATION: Final = tuple(
    r.id
    for r in ROWS.values()
    if r.group == "transformation" and r.id not in COMBUSTION_TRANSFORMATION
)


def explain(balance: Any, column: str) -> dict[str, float]:
    """Why apparent and sectoral consumption of a fuel differ, in its canonical unit.

    Returns the parts of :math:`AC - FC_{sectoral} = -T_{other} + L + D + NEU`: other
    transformation (net input of washing, coking, refining, gas works …, positive when carbon
    goes in), losses, statistical difference and non-energy use.
    """
    return {
        "transformation_other": -balance.transformation(column, _OTHER_TRANSFORMATION),
        "losses": balance.get("losses", column),
        "statistical_difference": balance.get("statistical_difference", column),
        "non_energy": balance.non_energy_total(column),
    }


def _run(comp: Compilation, errors: list[InventoryError]) -> dict[str, Any] | None:
    balance = comp.balance
    if balance is None:
        return None
    sectoral = comp.results.get("energy.fuel_combustion")
    fuels: dict[str, Any] = {}
    total_ref = 0.0
    total_sect = 0.0
    count = len(errors)
    by_fuel: dict[Any, list[Any]] = {}
    for done in sectoral.lines if sectoral is not None else ():
        by_fuel.setdefault(done.values.get("fuel"), []).append(done)
    for column in balance.columns:
        info = COLUMNS[column]
        if info.kind != "fuel":
            continue
        apparent = balance.supply(column)
        neu = balance.non_energy_total(column)
        sect_co2 = 0.0
        sect_q = 0.0
        for done in by_fuel.get(column, ()):
            sect_co2 += done.masses_t.get("CO2", 0.0)
            if done.values.get("mode") != "recovered":
                sect_q += float(done.values["quantity"])
        if apparent == 0 and neu == 0 and sect_q == 0:
            continue
        where = balance.location("total_supply", column)
        line = LineInput(
            REFERENCE.id,
            {},
            where,
            label=info.name_zh,
            resolved={
                "fuel": ParamUse("fuel", column, "", "choice", where=where),
                "apparent": ParamUse(
                    "apparent", apparent, info.unit, "activity", where=where,
                    key=f"balance:total_supply:{column}",
                ),
                "non_energy": ParamUse(
                    "non_energy", neu, info.unit, "activity", where=where,
                    key=f"balance:non_energy_use:{column}",
                ),
            },
        )  # fmt: skip
        resolved = comp.resolver.resolve(
            REFERENCE, line, errors, local_sections=("energy.fuel_combustion",)
        )
        if resolved is None:
            continue
        values = resolved.values
        ref = float(_compute(values)["CO2"])
        to_tj = float(values["ncv"]) / 1000
        parts = explain(balance, column)
        unit = balance.units[column]
        scale = factor(unit, info.unit)
        fuels[column] = {
            "name_zh": info.name_zh,
            "unit": unit,
            "apparent_consumption": apparent / scale,
            "non_energy_use": neu / scale,
            "sectoral_fuel": sect_q / scale,
            "apparent_tj": apparent * to_tj,
            "sectoral_tj": sect_q * to_tj,
            "difference_tj": (apparent - sect_q) * to_tj,
            "explained_tj": {k: v * to_tj for k, v in parts.items()},
            "reference_tco2": ref,
            "sectoral_tco2": sect_co2,
            "difference_tco2": ref - sect_co2,
            "difference_pct": (ref - sect_co2) / sect_co2 * 100 if sect_co2 else None,
            "params": [p.as_dict() for p in resolved.params],
        }
        total_ref += ref
        total_sect += sect_co2
    if len(errors) > count:
        return None
    difference_pct = (total_ref - total_sect) / total_sect * 100 if total_sect else None
    threshold = balance.reference_threshold_pct
    return {
        "method": (
            "reference approach: (apparent consumption − carbon stored in non-energy use) × "
            "oxidation × 44/12, compared with the sectoral approach"
        ),
        "reference_tco2": total_ref,
        "sectoral_tco2": total_sect,
        "difference_tco2": total_ref - total_sect,
        "difference_pct": difference_pct,
        "threshold_pct": threshold,
        "within_threshold": difference_pct is not None and abs(difference_pct) <= threshold,
        "fuels": fuels,
    }


register_check(REFERENCE.id, _run)
