"""The default rows of the process source types (factors/data/process.csv)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, localcontext

import pytest

import citycarbon.accounting.sources.fgases
import citycarbon.accounting.sources.metals  # noqa: F401  (registers the metals sources)
from citycarbon.accounting.sources import chemical, minerals
from citycarbon.accounting.sources.registry import source_type
from citycarbon.factors import FactorRow, default_library
from citycarbon.numbers import CONTEXT

PROCESS_GUIDELINES = {
    "*",
    "ndrc2013-power-generation",
    "ndrc2013-iron-steel",
    "ndrc2013-cement",
    "ndrc2013-chemicals",
    "ndrc2014-petrochemicals",
    "ndrc2015-fluorochemicals",
    "ndrc2015-electronics",
    "ndrc2013-aluminium",
}

PROCESS_PARAMETERS = {
    "carbonate_ef",
    "calcination_fraction",
    "desulfurisation_carbonate_content",
    "desulfurisation_conversion",
    "raw_meal_carbon_content",
    "nitric_acid_n2o_ef",
    "nitric_acid_n2o_removal",
    "adipic_acid_n2o_ef",
    "adipic_acid_n2o_removal",
    "catalyst_coke_carbon_content",
    "catalyst_coke_oxidation",
    "hfc23_generation_rate",
    "fgas_heel",
    "fgas_utilisation",
    "fgas_destruction",
    "anode_net_consumption",
    "anode_sulphur",
    "anode_ash",
    "anode_effect_ef",
}


#: Guideline sets of the city/county inventory, which share some parameter names with the
#: enterprise guidelines (e.g. adipic_acid_n2o_ef) but are looked up only by the inventory.
INVENTORY_SETS = {"provincial2011", "ipcc1996", "ipcc2006", "ipcc2019"}


def _rows() -> list[FactorRow]:
    return [
        r
        for r in default_library().rows
        if r.parameter in PROCESS_PARAMETERS and r.guideline not in INVENTORY_SETS
    ]


def test_every_process_row_has_provenance_and_a_known_guideline() -> None:
    rows = _rows()
    assert len(rows) >= 53  # the 53 rows of process.csv (other files may add more)
    for row in rows:
        assert row.source, row.id
        assert row.status in {"V-doc", "V-data", "V-news", "C-3", "C-2", "C-1", "D", "R"}
        assert row.guideline in PROCESS_GUIDELINES, row.id
        if row.status in {"D", "R"}:
            assert row.note, f"{row.id}: a {row.status} row explains itself in its note"


# Atomic weights (IUPAC standard, abridged) used for the stoichiometric rows.
_C, _O = Decimal("12.011"), Decimal("15.999")
_METALS = {
    "CaCO3": Decimal("40.078"),
    "MgCO3": Decimal("24.305"),
    "FeCO3": Decimal("55.845"),
    "Na2CO3": 2 * Decimal("22.990"),
    "BaCO3": Decimal("137.327"),
    "Li2CO3": 2 * Decimal("6.94"),
    "K2CO3": 2 * Decimal("39.098"),
    "SrCO3": Decimal("87.62"),
    "NaHCO3": Decimal("22.990") + Decimal("1.008"),
    "MnCO3": Decimal("54.938"),
}


@pytest.mark.parametrize("carbonate", sorted(_METALS))
def test_stoichiometric_rows_follow_from_the_molar_masses(carbonate: str) -> None:
    # e.g. CaCO3: (12.011 + 2 × 15.999) / (40.078 + 12.011 + 3 × 15.999) = 44.009 / 100.086
    #           = 0.439712 → 0.43971
    row = default_library().find("carbonate_ef", carbonate)
    with localcontext(CONTEXT):
        co2 = _C + 2 * _O
        ratio = co2 / (_METALS[carbonate] + _C + 3 * _O)
    assert row.status == "D"
    assert row.value == ratio.quantize(Decimal("0.00001"), ROUND_HALF_UP)


def test_dolomite_row_releases_two_co2() -> None:
    # 2 × 44.009 / (40.078 + 24.305 + 2 × 60.008) = 88.018 / 184.399 = 0.477324 → 0.47732
    assert default_library().find("carbonate_ef", "CaMg(CO3)2").value == Decimal("0.47732")


@pytest.mark.parametrize(
    ("carbonate", "published"),
    # IPCC 2006 Vol 3 Table 2.1 (as in bonsai-ipcc par_ef_c.csv): the stoichiometric rows agree
    [("CaCO3", "0.43971"), ("MgCO3", "0.52197"), ("CaMg(CO3)2", "0.47732"), ("FeCO3", "0.37987")],
)
def test_stoichiometric_rows_agree_with_ipcc_table_2_1(carbonate: str, published: str) -> None:
    assert default_library().find("carbonate_ef", carbonate).value == Decimal(published)


def test_sector_guidelines_override_the_caco3_factor() -> None:
    library = default_library()
    power = library.find("carbonate_ef", "CaCO3", guidelines=("ndrc2013-power-generation",))
    other = library.find("carbonate_ef", "CaCO3", guidelines=("ndrc2013-flat-glass",))
    aluminium = library.find("carbonate_ef", "CaCO3", guidelines=("ndrc2013-aluminium",))
    assert (power.id, power.value) == ("carbonate_ef.CaCO3.power", Decimal("0.440"))
    assert (aluminium.id, aluminium.value) == ("carbonate_ef.CaCO3.aluminium", Decimal("0.405"))
    assert (other.id, other.value) == ("carbonate_ef.CaCO3", Decimal("0.43971"))


# Which choices of each subject-driven default must find a row (and under which guideline).
_CHOICE_DEFAULTS = [
    ("carbonate_decomposition", "ef", minerals.CARBONATES, "*"),
    ("raw_meal_organic_carbon", "carbon_content", minerals.RAW_MEALS, "ndrc2013-cement"),
    ("nitric_acid_n2o", "ef", chemical.NITRIC_ACID_TECHNOLOGIES, "ndrc2013-chemicals"),
    ("nitric_acid_n2o", "removal", ("nscr",), "ndrc2013-chemicals"),
    ("adipic_acid_n2o", "ef", ("nitric_acid_oxidation",), "ndrc2013-chemicals"),
    ("adipic_acid_n2o", "removal", chemical.ADIPIC_ABATEMENT, "ndrc2013-chemicals"),
    (
        "fgas_process_use",
        "utilisation",
        ("CF4", "C2F6", "C3F8", "HFC23", "SF6", "NF3"),
        "ndrc2015-electronics",
    ),
    (
        "fgas_process_use",
        "destruction",
        ("CF4", "C2F6", "C3F8", "HFC23", "SF6", "NF3"),
        "ndrc2015-electronics",
    ),
]


@pytest.mark.parametrize(("source", "field", "subjects", "guideline"), _CHOICE_DEFAULTS)
def test_choice_driven_defaults_exist(
    source: str, field: str, subjects: tuple[str, ...], guideline: str
) -> None:
    spec = source_type(source).field(field).default
    assert spec is not None
    sets = () if guideline == "*" else (guideline,)
    for subject in subjects:
        row = default_library().find(spec.parameter, subject, guidelines=sets)
        assert row.guideline == guideline


@pytest.mark.parametrize(
    ("source", "guideline"),
    [
        ("carbonate_decomposition", "*"),
        ("desulfurisation", "ndrc2013-power-generation"),
        ("catalyst_regeneration", "ndrc2014-petrochemicals"),
        ("hfc23_byproduct", "ndrc2015-fluorochemicals"),
        ("fgas_process_use", "ndrc2015-electronics"),
        ("anode_consumption", "ndrc2013-aluminium"),
        ("anode_effect_pfc", "ndrc2013-aluminium"),
    ],
)
def test_fixed_subject_defaults_exist(source: str, guideline: str) -> None:
    sets = () if guideline == "*" else (guideline,)
    for item in source_type(source).fields:
        spec = item.default
        if spec is None or spec.subject_field is not None:
            continue
        assert spec.subject is not None
        row = default_library().find(spec.parameter, spec.subject, guidelines=sets)
        assert row.value >= 0


def test_sources_without_defaults_need_every_value() -> None:
    # the cement clinker, carbon balance and SF6 equations have no default parameter
    for source in ("clinker_production", "carbon_mass_balance", "sf6_electrical_equipment"):
        assert all(f.default is None for f in source_type(source).fields)
