"""Findings and derivations state values in the unit the plan gives them (what the enterprise
enters), name a range by its fuel and source, and keep the exact figures: hand-computed."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from mrv_cases import YEAR, cement_plan, cement_rows, measured, rows

from citycarbon.accounting.monitoring import SourceStream, annual_report, default_config
from citycarbon.accounting.monitoring.checks import run_checks
from citycarbon.accounting.monitoring.columns import LedgerColumns, PlanTable
from citycarbon.accounting.monitoring.config import RangeRule, band_source, describe_band
from citycarbon.accounting.monitoring.plan import compile_plan
from citycarbon.accounting.monitoring.screening import screen
from citycarbon.accounting.monitoring.table import from_canonical, shown_unit
from citycarbon.numbers import CONTEXT


def _coal(carbon_unit: str) -> SourceStream:
    return SourceStream(
        "coal",
        "kiln1",
        "fuel_combustion",
        (
            measured("quantity", "t", "weighbridge"),
            measured("ncv", "GJ/t", "lab_analysis", standard="GB/T 213"),
            measured("carbon_content", carbon_unit, "lab_analysis", standard="GB/T 476"),
        ),
        {"fuel": "bituminous_coal"},
    )


def _february_low(carbon_unit: str, january: str, february: str) -> list:  # type: ignore[type-arg]
    return rows(
        [
            ("coal", "2014-01", "quantity", "1000", "t"),
            ("coal", "2014-01", "ncv", "20", "GJ/t"),
            ("coal", "2014-01", "carbon_content", january, carbon_unit),
            ("coal", "2014-02", "quantity", "1000", "t"),
            ("coal", "2014-02", "ncv", "20", "GJ/t"),
            ("coal", "2014-02", "carbon_content", february, carbon_unit),
        ]
    )


def test_canonical_values_are_shown_in_the_plans_unit() -> None:
    stream = compile_plan(cement_plan()).streams["coal"]
    carbon, oxidation = stream.parameters["carbon_content"], stream.parameters["oxidation"]
    # The plan measures carbon content in tC/TJ; the formula's unit is tC/GJ: 26.0 tC/TJ =
    # 0.026 tC/GJ, and back 0.026 × 1000 = 26 exactly.
    assert (carbon.unit, shown_unit(carbon)) == ("tC/GJ", "tC/TJ")
    assert from_canonical(Decimal("0.026"), carbon) == Decimal("26.000")
    assert from_canonical(Decimal("0.0305"), carbon) == Decimal("30.5000")
    # A rate (fraction) is shown in %: 0.93 → 93.
    assert shown_unit(oxidation) == "%"
    assert from_canonical(Decimal("0.93"), oxidation) == Decimal("93.00")


@pytest.mark.parametrize(
    ("unit", "january", "february", "band", "jump"),
    [
        # Entered in tC/TJ: the band 24.27–27.93 tC/TJ (ranges.csv row cc.bituminous_coal.band,
        # the library default 26.1 ± 7 %); 30.5 after 26.08 is (30.5 − 26.08) / 26.08 = 16.9 %.
        (
            "tC/TJ",
            "26.08",
            "30.5",
            "carbon content per unit heat 30.5 tC/TJ is outside the plausible band of "
            "bituminous_coal 24.27–27.93 tC/TJ (ranges.csv, status D: factor library default "
            "± 7 %)",
            "carbon_content changed by 16.9 % from 26.08 to 30.5 tC/TJ (threshold 10 %)",
        ),
        # Entered in tC/GJ: the same band and values in tC/GJ (÷ 1000).
        (
            "tC/GJ",
            "0.02608",
            "0.0305",
            "carbon content per unit heat 0.0305 tC/GJ is outside the plausible band of "
            "bituminous_coal 0.02427–0.02793 tC/GJ (ranges.csv, status D: factor library "
            "default ± 7 %)",
            "carbon_content changed by 16.9 % from 0.02608 to 0.0305 tC/GJ (threshold 10 %)",
        ),
    ],
)
def test_band_and_jump_messages_use_the_plans_unit(
    unit: str, january: str, february: str, band: str, jump: str
) -> None:
    plan = cement_plan(streams=(_coal(unit),))
    ledger = _february_low(unit, january, february)
    found = {f.code: f for f in run_checks(compile_plan(plan), ledger, reporting_month=2)}
    assert found["carbon_band"].message == band
    assert found["jump"].message == jump
    # The structured fields stay: code, row, field, value as entered; the row id in params.
    item = found["carbon_band"]
    assert (item.row, item.field, item.value) == (6, "value", february)
    assert (item.params["rule"], item.params["unit"]) == ("cc.bituminous_coal.band", unit)
    # The vectorised screening says the same.
    screened = screen(
        LedgerColumns.from_rows(ledger), PlanTable.from_plans([plan]), reporting_month=2
    )
    messages = {f.code: f.message for f in screened.findings}
    assert (messages["carbon_band"], messages["jump"]) == (band, jump)


def test_a_range_message_names_the_band_by_its_source_in_the_plans_unit() -> None:
    # NCV planned in MJ/kg (1 MJ/kg = 1 GJ/t): 12 MJ/kg is below 13.7 (19.57 − 30 %).
    stream = _coal("tC/TJ")
    stream = replace(
        stream,
        parameters=(
            stream.parameters[0],
            measured("ncv", "MJ/kg", "lab_analysis", standard="GB/T 213"),
            stream.parameters[2],
        ),
    )
    plan = cement_plan(streams=(stream,))
    ledger = rows(
        [
            ("coal", "2014-01", "quantity", "1000", "t"),
            ("coal", "2014-01", "ncv", "12", "MJ/kg"),
            ("coal", "2014-01", "carbon_content", "26", "tC/TJ"),
        ]
    )
    found = run_checks(compile_plan(plan), ledger, reporting_month=1)
    (item,) = [f for f in found if f.code == "out_of_range"]
    assert item.message == (
        "ncv 12 MJ/kg is outside the expected range of bituminous_coal 13.7–25.44 MJ/kg "
        "(ranges.csv, status D: factor library default ± 30 %)"
    )


def _rule(document: str, basis: str = "derived", status: str = "D") -> RangeRule:
    rule = default_config().ranges.rules[0]
    return replace(rule, document=document, basis=basis, status=status)


@pytest.mark.parametrize(
    ("rule", "kind", "params", "described"),
    [
        (
            _rule("factor library cc.bituminous_coal ± 7 %"),
            "default_tolerance",
            {"tolerance": "7 %"},
            "ranges.csv, status D: factor library default ± 7 %",
        ),
        (
            _rule("factor library of.coke − 10 points (at least 80 %), up to 100 %"),
            "default_points",
            {"points": "10", "floor": "80 %", "ceiling": "100 %"},
            "ranges.csv, status D: factor library default − 10 points (at least 80 %), up to 100 %",
        ),
        (
            _rule("NCV band × carbon-content band of coke (rows ncv.coke, cc.coke.band)"),
            "product",
            {},
            "ranges.csv, status D: NCV band × carbon-content band",
        ),
        (
            _rule("IPCC 2006 Guidelines, Vol. 2 Ch. 1 Table 1.2", "published", "C-1"),
            "published",
            {"document": "IPCC 2006 Guidelines, Vol. 2 Ch. 1 Table 1.2"},
            "ranges.csv, status C-1: published: IPCC 2006 Guidelines, Vol. 2 Ch. 1 Table 1.2",
        ),
        (
            _rule("an office's own band"),
            "document",
            {"document": "an office's own band"},
            "ranges.csv, status D: an office's own band",
        ),
    ],
)
def test_where_a_band_comes_from(
    rule: RangeRule, kind: str, params: dict[str, str], described: str
) -> None:
    assert band_source(rule) == (kind, params)
    assert describe_band(rule) == described


def test_every_shipped_band_is_told_without_a_row_id() -> None:
    for rule in default_config().ranges.rules:
        kind, _ = band_source(rule)
        assert kind != "document", rule.id
        text = describe_band(rule)
        assert rule.id not in text, text


def test_a_weighted_mean_is_shown_in_the_plans_unit_with_its_arithmetic() -> None:
    report = annual_report(cement_plan(), cement_rows(), through_month=3)
    carbon = report.derivation("coal", "carbon_content")
    # Weights (heat) 1000·20, 2000·21, 1000·22 = 20 000, 42 000, 22 000 GJ; values 26, 25, 27
    # tC/TJ as entered: Σ w·x = 520 000 + 1 050 000 + 594 000 = 2 164 000; Σ w = 84 000;
    # 2 164 000 / 84 000 = 25.7619… tC/TJ = 0.0257619… tC/GJ (canonical, unchanged).
    assert (carbon.unit, carbon.shown_unit) == ("tC/GJ", "tC/TJ")
    assert (carbon.numerator, carbon.denominator) == (Decimal(2164), Decimal(84000))
    shown = carbon.shown_dict()
    assert shown["unit"] == "tC/TJ"
    assert Decimal(str(shown["numerator"])) == Decimal(2164000)
    assert Decimal(str(shown["denominator"])) == Decimal(84000)
    assert Decimal(str(shown["value"])) == CONTEXT.divide(Decimal(2164000), Decimal(84000))
    assert [(Decimal(str(p["value"])), Decimal(str(p["product"]))) for p in shown["parts"]] == [  # type: ignore[attr-defined]
        (26, 520000),
        (25, 1050000),
        (27, 594000),
    ]
    # NCV is entered in its canonical GJ/t: shown as it is.
    ncv = report.derivation("coal", "ncv").shown_dict()
    assert (ncv["unit"], Decimal(str(ncv["value"]))) == ("GJ/t", 21)


def test_a_default_carries_its_value_and_factor_row() -> None:
    report = annual_report(cement_plan(), cement_rows(), through_month=3)
    oxidation = report.derivation("coal", "oxidation")
    # The report used 0.93 (a fraction) for bituminous coal: row of.bituminous_coal, 93 %.
    assert (oxidation.method, oxidation.value, oxidation.unit) == (
        "default",
        Decimal("0.93"),
        "fraction",
    )
    assert oxidation.shown_unit == "%"
    assert Decimal(str(oxidation.shown_dict()["value"])) == 93
    assert oxidation.factor is not None
    assert {k: oxidation.factor[k] for k in ("id", "value", "unit", "status")} == {
        "id": "of.bituminous_coal",
        "value": "93",
        "unit": "%",
        "status": "C-3",
    }
    assert oxidation.factor["source"].startswith("NDRC enterprise GHG guidelines 2013-2015")
    # Shown figures and the factor row are how to read the derivation, not what it is.
    assert replace(oxidation, shown_unit="", factor=None) == oxidation
    assert oxidation.as_dict()["factor"] == dict(oxidation.factor)


def test_element_carbon_is_shown_as_carbon_per_terajoule() -> None:
    """Σ FC·C / Σ FC·NCV = (100·0.52 + 300·0.572) / (100·20 + 300·22) = 223.6 tC / 8600 GJ
    = 0.026 tC/GJ = 26 tC/TJ; the months' element carbon in % (52, 57.2)."""
    stream = SourceStream(
        "coal",
        "kiln1",
        "fuel_combustion",
        (
            measured("quantity", "t", "weighbridge"),
            measured("ncv", "GJ/t", "lab_analysis", standard="GB/T 213"),
            measured("element_carbon", "%", "lab_analysis", standard="GB/T 476"),
        ),
        {"fuel": "raw_coal"},
    )
    ledger = rows(
        [
            ("coal", f"{YEAR}-01", "quantity", "100", "t"),
            ("coal", f"{YEAR}-01", "ncv", "20", "GJ/t"),
            ("coal", f"{YEAR}-01", "element_carbon", "52", "%"),
            ("coal", f"{YEAR}-02", "quantity", "300", "t"),
            ("coal", f"{YEAR}-02", "ncv", "22", "GJ/t"),
            ("coal", f"{YEAR}-02", "element_carbon", "57.2", "%"),
        ]
    )
    report = annual_report(cement_plan(streams=(stream,)), ledger, through_month=2)
    carbon = report.derivation("coal", "carbon_content")
    shown = carbon.shown_dict()
    assert (shown["unit"], shown["part_unit"]) == ("tC/TJ", "%")
    assert Decimal(str(shown["value"])) == 26
    assert (Decimal(str(shown["numerator"])), Decimal(str(shown["denominator"]))) == (
        Decimal("223.6"),
        8600,
    )
    assert [(Decimal(str(p["value"])), Decimal(str(p["product"]))) for p in shown["parts"]] == [  # type: ignore[attr-defined]
        (52, 52),
        (Decimal("57.2"), Decimal("171.6")),
    ]
