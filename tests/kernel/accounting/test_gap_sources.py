"""Gaps closed after review: HFC-23 destruction CO2, purchased CO2 (food), vehicle CH4 and N2O
(land transport), CH4 recovered (oil and gas), the guidelines' rules on unburnt flare CH4, and
the urea additive's purity.

Every report here runs under the real sector declaration of ``sectors.yaml``. Every expected
value is worked by hand in the comment beside it; refusals name the line, the field and the
value and leave nothing computed; every formula also runs on float arrays (the bulk path) and
agrees with the exact decimal to 1e-12.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

import numpy as np
import pytest

from citycarbon.accounting.bulk import compute_bulk, from_reports
from citycarbon.accounting.engine import LineInput, ReportInput, compute_report
from citycarbon.accounting.model import AccountingError, ReportError, ReportResult
from citycarbon.accounting.sources import fgases, food, fugitive, transport
from citycarbon.accounting.sources.registry import source_type
from citycarbon.factors import default_library

D = Decimal


def _input(sector: str, *lines: tuple[str, Mapping[str, Any]]) -> ReportInput:
    return ReportInput(
        id="G1",
        sector=sector,
        year=2015,
        lines=tuple(LineInput(source, dict(values)) for source, values in lines),
        region="henan",
    )


def report(sector: str, *lines: tuple[str, Mapping[str, Any]], metric: str = "SARGWP100") -> Any:
    """Compute a one-enterprise report of ``sector`` for 2015."""
    return compute_report(_input(sector, *lines), metric=metric)


def refused(sector: str, *lines: tuple[str, Mapping[str, Any]]) -> list[AccountingError]:
    """The errors of a report that must be refused; asserts that nothing was computed."""
    results: list[ReportResult] = []
    with pytest.raises(ReportError) as caught:
        results.append(report(sector, *lines))
    assert results == []
    return caught.value.errors


def error_on(errors: list[AccountingError], field: str, value: object, words: str) -> None:
    """One of ``errors`` names report G1, line 1, ``field`` and ``value``, and says ``words``."""
    matching = [e for e in errors if e.field == field]
    assert matching, [e.describe() for e in errors]
    error = matching[0]
    assert (error.report, error.line, error.value) == ("G1", 1, value)
    assert words in error.message, error.message
    assert "line 1" in error.describe()
    assert f"field {field}" in error.describe()


def factor_ids(result: Any, line: int = 1) -> dict[str, str | None]:
    return {p.name: p.factor_id for p in result.lines[line - 1].params}


# -- 1. HFC-23: the CO2 of the HFC-23 destroyed ------------------------------------------------


def test_hfc23_destroyed_adds_its_co2_in_a_fluorochemicals_report() -> None:
    # 10 000 t HCFC-22 × 3 % (default) = 300 t HFC-23 generated; 50 t recovered as product,
    # 210 t destroyed: 300 − 50 − 210 = 40 t HFC-23 emitted. Destroyed: 210 × 44/70
    # = 9 240 / 70 = 132 tCO2.
    line = (
        "hfc23_byproduct",
        {"quantity": "10000 t", "recovered": "50 tHFC23", "destroyed": "210 tHFC23"},
    )
    result = report("fluorochemicals", line)
    assert result.lines[0].masses_t == {"HFC23": D(40), "CO2": D(132)}
    # SAR: 40 × 11 700 + 132 = 468 000 + 132 = 468 132 tCO2e.
    assert result.total.value == D(468132)
    assert result.by_gas == {"HFC23": D(40), "CO2": D(132)}
    # AR5: 40 × 12 400 + 132 = 496 000 + 132 = 496 132 tCO2e.
    assert report("fluorochemicals", line, metric="AR5GWP100").total.value == D(496132)
    assert factor_ids(result)["generation_rate"] == "hfc23_generation_rate"


def test_hfc23_generation_rate_default_is_the_ipcc_tier1_value() -> None:
    # The guideline's own default could not be confirmed; the row is the IPCC 2006 Tier 1
    # default 3 % (range 1.5-4.5 %), verified in bonsai-ipcc's par_ef_hfc23.csv.
    row = default_library().find(
        "hfc23_generation_rate", "HCFC22", guidelines=("ndrc2015-fluorochemicals",)
    )
    assert (row.value, row.unit, row.status) == (D(3), "%", "V-data")
    assert "IPCC 2006" in row.source


def test_hfc23_destroyed_more_than_generated_is_refused() -> None:
    # 1 000 t × 3 % = 30 t generated; 20 t recovered + 15 t destroyed = 35 t > 30 t.
    errors = refused(
        "fluorochemicals",
        (
            "hfc23_byproduct",
            {"quantity": "1000 t", "recovered": "20 tHFC23", "destroyed": "15 tHFC23"},
        ),
    )
    error_on(errors, "destroyed", "15 tHFC23", "exceed the 30")


# -- 2. Food: purchased industrial CO2 used as a raw material ---------------------------------


def test_purchased_co2_lost_in_use_by_filling_process() -> None:
    # 250 t × 40 % (single filling) = 100 t; 80 tCO2 × 60 % (double filling) = 48 t;
    # 30 t × 55 % measured = 16.5 t. Total 100 + 48 + 16.5 = 164.5 tCO2.
    assert food.purchased_co2_released(D(250), D("0.4")) == D(100)
    result = report(
        "food_tobacco_beverage",
        ("purchased_co2_use", {"filling": "single_filling", "quantity": "250 t"}),
        ("purchased_co2_use", {"filling": "double_filling", "quantity": "80 tCO2"}),
        ("purchased_co2_use", {"quantity": "30 t", "loss": "55 %"}),
    )
    assert [line.masses_t["CO2"] for line in result.lines] == [D(100), D(48), D("16.5")]
    assert result.total.value == D("164.5")
    assert result.by_source == {"purchased_co2_use": D("164.5")}
    assert factor_ids(result, 1)["loss"] == "food.purchased_co2_loss.single_filling"
    assert factor_ids(result, 2)["loss"] == "food.purchased_co2_loss.double_filling"
    assert factor_ids(result, 3)["loss"] is None


def test_purchased_co2_refusals() -> None:
    # Neither a filling process (for the default) nor a measured loss share.
    error_on(
        refused("food_tobacco_beverage", ("purchased_co2_use", {"quantity": "30 t"})),
        "loss",
        None,
        "required",
    )
    error_on(
        refused(
            "food_tobacco_beverage", ("purchased_co2_use", {"quantity": "30 t", "loss": "120 %"})
        ),
        "loss",
        "120 %",
        "100 %",
    )
    error_on(
        refused(
            "food_tobacco_beverage",
            ("purchased_co2_use", {"quantity": "30 t", "filling": "triple_filling"}),
        ),
        "filling",
        "triple_filling",
        "unknown filling",
    )
    # A volume is not a mass of CO2.
    error_on(
        refused(
            "food_tobacco_beverage",
            ("purchased_co2_use", {"quantity": "30 10^4 Nm3", "loss": "50 %"}),
        ),
        "quantity",
        "30 10^4 Nm3",
        "dimension",
    )


def test_purchased_co2_is_not_part_of_other_guidelines() -> None:
    errors = refused(
        "cement", ("purchased_co2_use", {"filling": "single_filling", "quantity": "30 t"})
    )
    error_on(errors, "source", "purchased_co2_use", "has no source")


# -- 3. Land transport: CH4 and N2O of vehicle fuel -------------------------------------------


def test_vehicle_ch4_and_n2o_in_a_land_transport_report() -> None:
    # Diesel trucks, 1 000 t at 43.330 GJ/t (the land-transport guideline's NCV) = 43 330 GJ;
    # CH4 = N2O = 43 330 × 3.9 kg/TJ × 10^-6 = 0.168987 t.
    assert transport.mobile_non_co2_t(D(1000), D("43.330"), D("3.9")) == D("0.168987")
    # CNG buses, 50 × 10^4 Nm3 at 389.31 GJ/10^4 Nm3 = 19 465.5 GJ; CH4 = 19 465.5 × 92 × 10^-6
    # = 1.790826 t; N2O = 19 465.5 × 3 × 10^-6 = 0.0583965 t.
    # Gasoline cars with oxidation catalysts, 2 000 GJ: CH4 = 2 000 × 25 × 10^-6 = 0.05 t;
    # N2O = 2 000 × 8 × 10^-6 = 0.016 t.
    result = report(
        "land_transport",
        (
            "mobile_combustion_non_co2",
            {"fuel": "diesel", "vehicle": "diesel_road", "quantity": "1000 t"},
        ),
        (
            "mobile_combustion_non_co2",
            {"fuel": "natural_gas", "vehicle": "natural_gas_road", "quantity": "50 10^4 Nm3"},
        ),
        (
            "mobile_combustion_non_co2",
            {"fuel": "gasoline", "vehicle": "gasoline_oxidation_catalyst", "quantity": "2000 GJ"},
        ),
    )
    assert result.lines[0].masses_t == {"CH4": D("0.168987"), "N2O": D("0.168987")}
    assert result.lines[1].masses_t == {"CH4": D("1.790826"), "N2O": D("0.0583965")}
    assert result.lines[2].masses_t == {"CH4": D("0.05"), "N2O": D("0.016")}
    # SAR: 0.168987 × (21 + 310) = 55.934697; 1.790826 × 21 + 0.0583965 × 310
    # = 37.607346 + 18.102915 = 55.710261; 0.05 × 21 + 0.016 × 310 = 1.05 + 4.96 = 6.01.
    # Total 55.934697 + 55.710261 + 6.01 = 117.654958 tCO2e.
    assert result.total.value == D("117.654958")
    ids = factor_ids(result, 1)
    assert ids["ncv"] == "ncv.diesel.ndrc2015-land-transport"
    assert (ids["ch4_factor"], ids["n2o_factor"]) == (
        "mobile.ch4.diesel_road",
        "mobile.n2o.diesel_road",
    )


def test_vehicle_factors_given_directly_need_no_vehicle_type() -> None:
    # 100 t LPG at a measured 47.3 GJ/t = 4 730 GJ; CH4 = 4 730 × 60 × 10^-6 = 0.2838 t;
    # N2O = 4 730 × 0.2 × 10^-6 = 0.000946 t.
    result = report(
        "land_transport",
        (
            "mobile_combustion_non_co2",
            {
                "fuel": "lpg",
                "quantity": "100 t",
                "ncv": "47.3 GJ/t",
                "ch4_factor": "60 kgCH4/TJ",
                "n2o_factor": "0.2 kgN2O/TJ",
            },
        ),
    )
    assert result.lines[0].masses_t == {"CH4": D("0.2838"), "N2O": D("0.000946")}


def test_vehicle_line_refusals() -> None:
    # A gasoline vehicle type cannot burn diesel.
    error_on(
        refused(
            "land_transport",
            (
                "mobile_combustion_non_co2",
                {"fuel": "diesel", "vehicle": "gasoline_uncontrolled", "quantity": "10 t"},
            ),
        ),
        "vehicle",
        "gasoline_uncontrolled",
        "burns gasoline",
    )
    # Diesel is measured in tonnes, not in cubic metres.
    error_on(
        refused(
            "land_transport",
            (
                "mobile_combustion_non_co2",
                {"fuel": "diesel", "vehicle": "diesel_road", "quantity": "10 10^4 Nm3"},
            ),
        ),
        "quantity",
        "10 10^4 Nm3",
        "measured in t",
    )
    # Neither a vehicle type (for the defaults) nor the two factors.
    errors = refused(
        "land_transport", ("mobile_combustion_non_co2", {"fuel": "diesel", "quantity": "10 t"})
    )
    error_on(errors, "ch4_factor", None, "required")
    error_on(errors, "n2o_factor", None, "required")
    # A CH4 factor is per kg of CH4, not of N2O.
    error_on(
        refused(
            "land_transport",
            (
                "mobile_combustion_non_co2",
                {"fuel": "diesel", "quantity": "10 t", "ch4_factor": "3.9 kgN2O/TJ",
                 "n2o_factor": "3.9 kgN2O/TJ"},
            ),
        ),
        "ch4_factor",
        "3.9 kgN2O/TJ",
        "dimension",
    )  # fmt: skip
    error_on(
        refused(
            "land_transport",
            (
                "mobile_combustion_non_co2",
                {"fuel": "coke", "vehicle": "diesel_road", "quantity": "1 t"},
            ),
        ),
        "fuel",
        "coke",
        "unknown fuel",
    )


def test_every_vehicle_type_has_both_default_factors() -> None:
    library = default_library()
    sets = ("ndrc2015-land-transport", "ndrc2013-appendix2")
    for vehicle in transport.VEHICLES:
        for parameter in ("mobile_ch4_ef", "mobile_n2o_ef"):
            row = library.find(parameter, vehicle, guidelines=sets)
            assert row.value > 0
            assert row.source.startswith("IPCC 2006")


# -- 4. Oil and gas: CH4 recovered -------------------------------------------------------------


def test_ch4_recovered_is_deducted_in_an_oil_and_gas_report() -> None:
    # Venting: 12 × 10^4 Nm3 at 85 % CH4 × 7.17 = 73.134 tCH4.
    # Supplied to a third party: 5 × 10^4 Nm3 at 90 % × 7.17 = 4.5 × 7.17 = 32.265 tCH4.
    # Used on site: 2 × 10^4 Nm3 at 80 %, 99 % oxidised: 2 × 0.8 × 0.99 = 1.584 × 7.17
    # = 11.35728 tCH4.
    assert fugitive.ch4_recovered_supplied(D(5), D("0.9")) == D("32.265")
    assert fugitive.ch4_recovered_own_use(D(2), D("0.8"), D("0.99")) == D("11.35728")
    result = report(
        "oil_gas_production",
        ("oil_gas_fugitive", {"quantity": "12 10^4 Nm3", "ch4_fraction": "85 %"}),
        ("ch4_recovered", {"use": "supplied", "quantity": "5 10^4 Nm3", "ch4_fraction": "90 %"}),
        (
            "ch4_recovered",
            {
                "use": "own_use",
                "quantity": "2 10^4 Nm3",
                "ch4_fraction": "80 %",
                "oxidation": "99 %",
            },
        ),
    )
    assert [line.treatment for line in result.lines] == ["add", "subtract", "subtract"]
    # Net CH4 73.134 − 32.265 − 11.35728 = 29.51172 t; × 21 (SAR) = 619.74612 tCO2e.
    assert result.by_gas == {"CH4": D("29.51172")}
    assert result.total.value == D("619.74612")
    # By source: 73.134 × 21 = 1 535.814; −(32.265 + 11.35728) × 21 = −43.62228 × 21
    # = −916.06788.
    assert result.by_source == {"oil_gas_fugitive": D("1535.814"), "ch4_recovered": D("-916.06788")}


def test_ch4_recovered_refusals() -> None:
    error_on(
        refused(
            "oil_gas_production",
            ("ch4_recovered", {"use": "own_use", "quantity": "2 10^4 Nm3", "ch4_fraction": "80 %"}),
        ),
        "oxidation",
        None,
        "required for CH4 used on site",
    )
    error_on(
        refused(
            "oil_gas_production",
            (
                "ch4_recovered",
                {"use": "supplied", "quantity": "2 10^4 Nm3", "ch4_fraction": "80 %",
                 "oxidation": "99 %"},
            ),
        ),
        "oxidation",
        "99 %",
        "only for CH4 used on site",
    )  # fmt: skip
    error_on(
        refused(
            "oil_gas_production",
            ("ch4_recovered", {"use": "supplied", "quantity": "2 10^4 Nm3", "ch4_fraction": "0.8"}),
        ),
        "ch4_fraction",
        "0.8",
        "bare number",
    )
    error_on(
        refused(
            "oil_gas_production",
            ("ch4_recovered", {"quantity": "2 10^4 Nm3", "ch4_fraction": "80 %"}),
        ),
        "use",
        None,
        "required",
    )
    # Recovered CH4 is a deduction of the oil and gas guideline only.
    error_on(
        refused(
            "coal_mining",
            (
                "ch4_recovered",
                {"use": "supplied", "quantity": "2 10^4 Nm3", "ch4_fraction": "80 %"},
            ),
        ),
        "source",
        "ch4_recovered",
        "has no source",
    )


# -- 5. Flares: each guideline's rule on the unburnt CH4 --------------------------------------


@pytest.mark.parametrize(
    ("sector", "suffix", "ch4", "total"),
    [
        # 50 × 10^4 Nm3 CH4 × 7.17 = 358.5 t; × 0.98 × 44/16 = 966.1575 tCO2; unburnt
        # 358.5 × 0.02 = 7.17 t, counted only under the oil and gas guideline:
        # 966.1575 + 7.17 × 21 = 966.1575 + 150.57 = 1116.7275 tCO2e.
        ("coal_mining", "coal_mining", "0", "966.1575"),
        ("petrochemicals", "petrochemicals", "0", "966.1575"),
        ("oil_gas_production", "oil_gas", "7.17", "1116.7275"),
    ],
)
def test_flare_defaults_follow_each_guideline(
    sector: str, suffix: str, ch4: str, total: str
) -> None:
    result = report(sector, ("methane_flaring", {"quantity": "50 10^4 Nm3"}))
    assert result.lines[0].masses_t == {"CO2": D("966.1575"), "CH4": D(ch4)}
    assert result.total.value == D(total)
    ids = factor_ids(result)
    assert ids["efficiency"] == f"flare.{suffix}"
    assert ids["unburnt_ch4_counted"] == f"flare_unburnt.{suffix}"


def test_coal_mine_flared_ch4_is_deducted_once_and_not_added_back() -> None:
    # Ventilation 1 000 + drainage 300 − recovered 100 (of which 50 flared) = 1 200 × 10^4 Nm3
    # × 7.17 = 8 604 tCH4; post-mining 1 000 000 t raw coal × 2.01 kg/t = 2 010 tCH4 (high-gas
    # default) → 10 614 tCH4. The flare adds 966.1575 tCO2 and no CH4.
    result = report(
        "coal_mining",
        (
            "coal_mine_methane",
            {
                "mine_type": "high_gas",
                "quantity": "1000000 t",
                "ventilation": "1000 10^4 Nm3",
                "drainage": "300 10^4 Nm3",
                "recovered": "100 10^4 Nm3",
            },
        ),
        ("methane_flaring", {"quantity": "50 10^4 Nm3"}),
    )
    assert result.by_gas == {"CH4": D(10614), "CO2": D("966.1575")}
    # 10 614 × 21 + 966.1575 = 222 894 + 966.1575 = 223 860.1575 tCO2e.
    assert result.total.value == D("223860.1575")


# -- 6. Urea additive: the solution's mass and its urea fraction ------------------------------


def test_urea_solution_with_its_urea_fraction() -> None:
    # 12 t of AUS 32 at 32.5 % urea: 12 × 0.325 = 3.9 t urea; × 12/60 × 44/12 = 3.9 × 44/60
    # = 2.86 tCO2.
    result = report(
        "land_transport", ("urea_additive_co2", {"quantity": "12 t", "purity": "32.5 %"})
    )
    assert result.lines[0].masses_t == {"CO2": D("2.86")}
    described = source_type("urea_additive_co2").field("quantity").description_en
    assert "solution" in described


def test_urea_purity_has_no_default() -> None:
    # Entering the solution's mass at an assumed 100 % would triple the CO2: the purity is
    # required.
    error_on(
        refused("land_transport", ("urea_additive_co2", {"quantity": "12 t"})),
        "purity",
        None,
        "required",
    )


# -- the bulk path: float arrays agree with exact decimals ------------------------------------

FORMULAS: list[tuple[Callable[..., Any], tuple[str, ...]]] = [
    (fgases.hfc23_destruction_co2, ("210",)),
    (food.purchased_co2_released, ("250", "0.4")),
    (transport.mobile_non_co2_t, ("1000", "43.330", "3.9")),
    (transport.mobile_non_co2_from_heat_t, ("2000", "25")),
    (fugitive.ch4_recovered_supplied, ("5", "0.9")),
    (fugitive.ch4_recovered_own_use, ("2", "0.8", "0.99")),
]


@pytest.mark.parametrize(("function", "args"), FORMULAS, ids=lambda x: getattr(x, "__name__", ""))
def test_formulas_agree_on_float_arrays(
    function: Callable[..., Any], args: tuple[str, ...]
) -> None:
    # Three elements: the first argument scaled by 1, 1/2 and 3, the others as given.
    scales = (D(1), D("0.5"), D(3))
    exact = [function(D(args[0]) * s, *(D(a) for a in args[1:])) for s in scales]
    arrays = [np.array([float(D(args[0]) * s) for s in scales])]
    arrays += [np.full(len(scales), float(a)) for a in args[1:]]
    bulk = function(*arrays)
    assert isinstance(bulk, np.ndarray)
    np.testing.assert_allclose(bulk, [float(e) for e in exact], rtol=1e-12, atol=0)


def test_source_types_compute_on_float_arrays() -> None:
    n = np.array([1.0, 2.0])
    cases: list[tuple[str, dict[str, Any], dict[str, float]]] = [
        # Per element of n: the hand-worked cases above.
        (
            "hfc23_byproduct",
            {
                "quantity": 10000 * n,
                "generation_rate": np.full(2, 0.03),
                "recovered": 50 * n,
                "destroyed": 210 * n,
            },
            {"HFC23": 40.0, "CO2": 132.0},
        ),
        (
            "purchased_co2_use",
            {"filling": "single_filling", "quantity": 250 * n, "loss": np.full(2, 0.4)},
            {"CO2": 100.0},
        ),
        (
            "mobile_combustion_non_co2",
            {
                "fuel": "diesel",
                "vehicle": "diesel_road",
                "quantity": 1000 * n,
                "quantity@unit": "t",
                "ncv": np.full(2, 43.33),
                "ch4_factor": np.full(2, 3.9),
                "n2o_factor": np.full(2, 3.9),
            },
            {"CH4": 0.168987, "N2O": 0.168987},
        ),
        (
            "mobile_combustion_non_co2",
            {
                "fuel": "gasoline",
                "quantity": 2000 * n,
                "quantity@unit": "GJ",
                "ncv": np.full(2, 43.07),
                "ch4_factor": np.full(2, 25.0),
                "n2o_factor": np.full(2, 8.0),
            },
            {"CH4": 0.05, "N2O": 0.016},
        ),
        (
            "ch4_recovered",
            {"use": "supplied", "quantity": 5 * n, "ch4_fraction": np.full(2, 0.9)},
            {"CH4": 32.265},
        ),
        (
            "ch4_recovered",
            {
                "use": "own_use",
                "quantity": 2 * n,
                "ch4_fraction": np.full(2, 0.8),
                "oxidation": np.full(2, 0.99),
            },
            {"CH4": 11.35728},
        ),
        (
            "methane_flaring",
            {
                "quantity": 50 * n,
                "efficiency": np.full(2, 0.98),
                "unburnt_ch4_counted": np.full(2, 0.0),
            },
            {"CO2": 966.1575, "CH4": 0.0},
        ),
    ]
    for source, values, per_unit in cases:
        out = source_type(source).compute(values)
        assert set(out) == set(per_unit), source
        for gas, value in per_unit.items():
            np.testing.assert_allclose(out[gas], value * n, rtol=1e-12, atol=0)


def test_bulk_recomputation_agrees_with_the_exact_reports() -> None:
    reports = [
        _input(
            "fluorochemicals",
            (
                "hfc23_byproduct",
                {"quantity": "10000 t", "recovered": "50 tHFC23", "destroyed": "210 tHFC23"},
            ),
        ),
        _input(
            "food_tobacco_beverage",
            ("purchased_co2_use", {"filling": "double_filling", "quantity": "80 tCO2"}),
            ("purchased_co2_use", {"quantity": "30 t", "loss": "55 %"}),
        ),
        _input(
            "land_transport",
            (
                "mobile_combustion_non_co2",
                {"fuel": "natural_gas", "vehicle": "natural_gas_road", "quantity": "50 10^4 Nm3"},
            ),
            ("urea_additive_co2", {"quantity": "12 t", "purity": "32.5 %"}),
        ),
        _input(
            "oil_gas_production",
            ("oil_gas_fugitive", {"quantity": "12 10^4 Nm3", "ch4_fraction": "85 %"}),
            (
                "ch4_recovered",
                {"use": "own_use", "quantity": "2 10^4 Nm3", "ch4_fraction": "80 %",
                 "oxidation": "99 %"},
            ),
            ("methane_flaring", {"quantity": "50 10^4 Nm3"}),
        ),
        _input("coal_mining", ("methane_flaring", {"quantity": "50 10^4 Nm3"})),
    ]  # fmt: skip
    exact = [float(compute_report(r).total.value) for r in reports]
    bulk = compute_bulk(from_reports(reports))
    assert bulk.computed.all(), bulk.errors
    np.testing.assert_allclose(bulk.total_tco2e, exact, rtol=1e-12, atol=0)


def test_ch4_recovered_cannot_exceed_the_ch4_released_in_the_report() -> None:
    # Venting: 2 × 10^4 Nm3 at 85 % × 7.17 = 12.189 tCH4; supplied to a third party:
    # 5 × 10^4 Nm3 at 90 % × 7.17 = 32.265 tCH4 > 12.189: the report is refused at the
    # recovered line, and nothing is computed.
    with pytest.raises(ReportError) as caught:
        report(
            "oil_gas_production",
            ("oil_gas_fugitive", {"quantity": "2 10^4 Nm3", "ch4_fraction": "85 %"}),
            (
                "ch4_recovered",
                {"use": "supplied", "quantity": "5 10^4 Nm3", "ch4_fraction": "90 %"},
            ),
        )
    (error,) = caught.value.errors
    assert (error.line, error.field, error.value) == (2, "quantity", "32.265")
    assert "exceeds the CH4 of oil_gas_fugitive" in error.message
    assert "12.189" in error.message
