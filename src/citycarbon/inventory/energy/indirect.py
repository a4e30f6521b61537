"""Electricity and heat imported from or exported to other regions (电力、热力调入调出).

Reported separately from the direct emissions, as indirect CO2: imports count positive, exports
negative, and the net is what the carbon-intensity assessment adds to the region's
fossil-fuel CO2. From the energy balance, imports are the inflow and import rows of the
electricity (heat) column and exports the outflow and export rows; without a balance, give rows.

References
----------
.. [1] 《省级温室气体清单编制指南（试行）》(2011) 第一章 能源活动, 电力调入调出二氧化碳间接排放
       (imported/exported electricity × regional grid average emission factor).
.. [2] NDRC regional grid average CO2 emission factors (kind ``grid_average`` of the factor
       library); never a CCER baseline (OM/BM) factor.
"""

from __future__ import annotations

from typing import Any, Final

from citycarbon.inventory.energy.balance import COLUMNS
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
from citycarbon.inventory.registry import register

__all__ = ["INDIRECT_ELECTRICITY", "INDIRECT_HEAT", "indirect_co2"]


def indirect_co2(quantity: Num, emission_factor: Num) -> Num:
    """Indirect CO2 of electricity or heat crossing the boundary [tCO2].

    Parameters
    ----------
    quantity : float or ndarray
        Electricity [MWh] or heat [GJ] imported or exported (a magnitude).
    emission_factor : float or ndarray
        Grid average factor [tCO2/MWh], or heat supply factor [tCO2/GJ].

    Notes
    -----
    .. math:: E = AD \\cdot EF

    counted positive for imports (调入) and negative for exports (调出).

    References
    ----------
    《省级温室气体清单编制指南（试行）》(2011) 第一章, 电力调入调出间接排放.
    """
    return quantity * emission_factor


def _signed(values: Values, factor_name: str) -> dict[str, Any]:
    amount = indirect_co2(values["quantity"], values[factor_name])
    return {"CO2": amount if values["direction"] == "import" else -amount}


def _deriver(column: str, category: str) -> Any:
    def derive(comp: Any, errors: list[InventoryError]) -> list[LineInput]:
        balance = comp.balance
        if column not in balance.columns:
            return []
        lines = []
        for direction, rows, sign in (
            ("import", ("imports", "imports_abroad"), 1.0),
            ("export", ("exports", "exports_abroad"), -1.0),
        ):
            quantity = sign * sum(balance.get(r, column) for r in rows)
            if quantity <= 0:
                continue
            where = balance.location(rows[0], column)
            given = ", ".join(
                f"{r} {balance.values.get(r, {}).get(column, 0.0):.10g} {COLUMNS[column].unit}"
                for r in rows
                if r in balance.values and column in balance.values[r]
            )
            lines.append(
                LineInput(
                    category,
                    {},
                    where,
                    label=f"{COLUMNS[column].name_zh}{'调入' if direction == 'import' else '调出'}",
                    resolved={
                        "direction": ParamUse("direction", direction, "", "choice", where=where),
                        "quantity": ParamUse(
                            "quantity",
                            quantity,
                            COLUMNS[column].unit,
                            "activity",
                            given=given,
                            where=where,
                            key=f"balance:{direction}:{column}",
                            uncertainty_pct=5.0,
                        ),
                    },
                )
            )
        return lines

    return derive


_DIRECTION: Final = Param(
    "direction",
    "choice",
    "import (调入, counted +) or export (调出, counted −)",
    "调入或调出",
    choices=("import", "export"),
)

INDIRECT_ELECTRICITY: Final = register(
    Category(
        id="energy.indirect_electricity",
        code="1E",
        sector="energy",
        name_en="Electricity imported and exported (indirect)",
        name_zh="电力调入调出间接排放",
        gases=("CO2",),
        params=(
            _DIRECTION,
            Param(
                "quantity",
                "activity",
                "Electricity imported or exported (a magnitude)",
                "调入或调出电量",
                unit=("MWh",),
                uncertainty_pct=5.0,
            ),
            Param(
                "grid_ef",
                "parameter",
                "Grid average emission factor of the province, its regional grid or the nation",
                "电网平均排放因子",
                unit=("tCO2/MWh",),
                default=Default("grid_ef", ("@region",), kind="grid_average"),
                uncertainty_pct=10.0,
            ),
        ),
        compute=lambda values: _signed(values, "grid_ef"),
        terms=lambda v: [
            ("CO2", 1.0 if v["direction"] == "import" else -1.0, ("quantity", "grid_ef"), ())
        ],
        formula="E = ± AD_elec × EF_grid,average (imports +, exports −), reported separately",
        reference="《省级温室气体清单编制指南（试行）》(2011) 第一章 电力调入调出二氧化碳间接排放",
        reporting="indirect",
        derive=_deriver("electricity", "energy.indirect_electricity"),
    )
)

INDIRECT_HEAT: Final = register(
    Category(
        id="energy.indirect_heat",
        code="1H",
        sector="energy",
        name_en="Heat imported and exported (indirect)",
        name_zh="热力调入调出间接排放",
        gases=("CO2",),
        params=(
            _DIRECTION,
            Param(
                "quantity",
                "activity",
                "Heat imported or exported (a magnitude)",
                "调入或调出热量",
                unit=("GJ",),
                uncertainty_pct=5.0,
            ),
            Param(
                "heat_ef",
                "parameter",
                "Emission factor of heat supply",
                "热力供应排放因子",
                unit=("tCO2/GJ",),
                default=Default("heat_ef", ("heat",)),
                uncertainty_pct=10.0,
            ),
        ),
        compute=lambda values: _signed(values, "heat_ef"),
        terms=lambda v: [
            ("CO2", 1.0 if v["direction"] == "import" else -1.0, ("quantity", "heat_ef"), ())
        ],
        formula="E = ± AD_heat × EF_heat (imports +, exports −), reported separately",
        reference=(
            "《省级温室气体清单编制指南（试行）》(2011) 第一章 (indirect emissions, by analogy "
            "with electricity); heat factor as in the NDRC enterprise guidelines (purchased heat)"
        ),
        reporting="indirect",
        derive=_deriver("heat", "energy.indirect_heat"),
    )
)
