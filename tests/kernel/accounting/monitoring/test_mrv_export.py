"""An annual report exported as an interchange document: hand-checked lines, every digit kept,
and the same figures when the file is read back as ``citycarbon calc enterprise`` reads it."""

from __future__ import annotations

import json
from dataclasses import replace
from decimal import Decimal
from io import BytesIO

import pytest
import yaml
from mrv_cases import cement_plan, cement_rows, measured, rows
from openpyxl import load_workbook

from citycarbon.accounting import compute_report
from citycarbon.accounting.interchange import report_from_mapping
from citycarbon.accounting.monitoring import ParameterPlan, SourceStream, annual_report
from citycarbon.accounting.monitoring.annual import AnnualReport
from citycarbon.accounting.monitoring.export import (
    EXPORT_FORMATS,
    ExportHeader,
    annual_document,
    derivation_from_dict,
    document_bytes,
    read_exported,
    report_document,
    reproduction_differences,
)
from citycarbon.numbers import round_emissions

#: 2164 tC / 84000 GJ (the cement plant's months 1-3) to 34 significant digits.
CARBON = "0.02576190476190476190476190476190476"


def _cement() -> AnnualReport:
    report = annual_report(cement_plan(), cement_rows(), through_month=3)
    assert report.result is not None
    return report


def _header(report: AnnualReport, **changes: object) -> ExportHeader:
    assert report.result is not None
    fields: dict[str, object] = {
        "credit_code": report.plan.enterprise,
        "enterprise": report.plan.name,
        "year": report.plan.year,
        "sector": report.plan.sector,
        "version": 2,
        "region": report.plan.region,
        "state": "submitted",
        "factor_library": report.result.factor_library,
        "total": report.result.total.value,
    }
    fields.update(changes)
    return ExportHeader(**fields)  # type: ignore[arg-type]


def _figures(report: AnnualReport) -> dict[str, object]:
    assert report.result is not None
    return {
        "total": report.result.total.value,
        "lines": [line.co2e.value for line in report.result.lines],
        "by_source": dict(report.result.by_source),
    }


def test_the_cement_plant_by_hand() -> None:
    """Coal: 4000 t, NCV (1000·20 + 2000·21 + 1000·22) / 4000 = 21 GJ/t, carbon per heat
    2164 tC / 84000 GJ, oxidation left to the default; power 500 + 600 + 700 = 1800 MWh with
    the default grid factor; the clinker output is not a line."""
    report = _cement()
    document = annual_document(report, _header(report))
    note = document["note"]
    assert document["reports"][0]["note"] == note
    for part in (
        "exported from citycarbon",
        "enterprise 示例水泥厂（示意）",
        "credit code E1",
        "year 2014",
        "report version 2 (submitted)",
        "GWP SARGWP100 (calc enterprise --gwp SARGWP100)",
        "factor library builtin-",
        "reported total 8325.4999999999999999999999994544 tCO2e (exact)",
    ):
        assert part in note
    assert {k: v for k, v in document["reports"][0].items() if k != "note"} == {
        "id": "E1",
        "enterprise": "示例水泥厂（示意）",
        "sector": "cement",
        "year": 2014,
        "region": "henan",
        "lines": [
            {
                "source": "fuel_combustion",
                "label": "coal",
                "fuel": "bituminous_coal",
                "quantity": "4000",
                "unit": "t",
                "ncv": {"value": "21", "unit": "GJ/t"},
                "carbon_content": {"value": CARBON, "unit": "tC/GJ"},
                "note": "stream coal: quantity: sum of 3 month(s); ncv: weighted mean of 3 "
                "month(s); carbon_content: weighted mean of 3 month(s); oxidation: factor "
                "library default",
            },
            {
                "source": "purchased_electricity",
                "label": "power",
                "quantity": "1800",
                "unit": "MWh",
                "note": "stream power: quantity: sum of 3 month(s); factor: factor library default",
            },
        ],
    }
    # Read back, the document is the report's own input; computed, its figures by hand:
    # 2164 tC × 0.93 × 44/12 = 7379.24 t, 1800 MWh × 0.5257 = 946.26 t, 8325.50 t in all.
    read = report_from_mapping(document["reports"][0])
    assert read == report.report
    result = compute_report(read)
    assert result.total.value == _figures(report)["total"]
    assert round_emissions(result.by_source["fuel_combustion"]) == Decimal("7379.24")
    assert result.by_source["purchased_electricity"] == Decimal("946.26")
    assert round_emissions(result.total.value) == Decimal("8325.50")
    params = {p.name: p for p in result.lines[0].params}
    assert (params["oxidation"].origin, params["oxidation"].factor_id) == (
        "default",
        "of.bituminous_coal",
    )


@pytest.mark.parametrize("kind", EXPORT_FORMATS)
def test_every_format_reads_back_exactly(kind: str) -> None:
    report = _cement()
    content = document_bytes(annual_document(report, _header(report)), kind)
    (item,) = read_exported(content, kind)
    assert item.report == report.report
    assert reproduction_differences(content, kind, **_figures(report)) == ()  # type: ignore[arg-type]


def test_the_files_as_written() -> None:
    report = _cement()
    document = annual_document(report, _header(report))
    assert json.loads(document_bytes(document, "json")) == document
    assert yaml.safe_load(document_bytes(document, "yaml")) == document
    book = load_workbook(BytesIO(document_bytes(document, "xlsx")))
    reports, lines = book["Reports"], book["Lines"]
    keys = {reports.cell(2, c).value: c for c in range(1, reports.max_column + 1)}
    assert reports.cell(3, keys["id"]).value == "E1"
    assert reports.cell(3, keys["note"]).value == document["note"]
    line_keys = {lines.cell(2, c).value: c for c in range(1, lines.max_column + 1)}
    # 34 digits do not fit a double: kept as text; 21 is a number.
    assert lines.cell(3, line_keys["carbon_content"]).value == CARBON
    assert lines.cell(3, line_keys["ncv"]).value == 21
    assert lines.cell(4, line_keys["note"]).value.startswith("stream power: ")


def test_fixed_values_choices_and_the_stored_form() -> None:
    """Purity measured quarterly (90 % then 80 % over 300 t each: 0.85), calcination fixed at
    100 % (1 as a fraction): 600 t × 0.85 × 1 × 0.43971 tCO2/t = 224.2521 t."""
    stream = SourceStream(
        "lime",
        "kiln1",
        "carbonate_decomposition",
        (
            measured("quantity", "t", "weighbridge"),
            measured("purity", "%", "lab_analysis", "quarterly", "GB/T 3286"),
            ParameterPlan("calcination", "fixed", "design_value", unit="%", value=Decimal(100)),
        ),
        {"carbonate": "CaCO3"},
    )
    plan = cement_plan(sector="ceramics", streams=(stream,))
    items = [("lime", f"2014-{m:02d}", "quantity", "100", "t") for m in range(1, 7)]
    items += [("lime", "2014-02", "purity", "90", "%"), ("lime", "2014-05", "purity", "80", "%")]
    report = annual_report(plan, rows(items), through_month=6)
    assert report.result is not None
    # As the server keeps it: the derivations as plain data, and the lines' streams and sources.
    stored = [d.as_dict() for d in report.derivations]
    derivations = [derivation_from_dict(d) for d in stored]
    assert derivations == list(report.derivations)
    document = report_document(_header(report), [("lime", "carbonate_decomposition")], derivations)
    assert document == annual_document(report, _header(report))
    (line,) = document["reports"][0]["lines"]
    assert {k: v for k, v in line.items() if k != "note"} == {
        "source": "carbonate_decomposition",
        "label": "lime",
        "carbonate": "CaCO3",
        "quantity": "600",
        "unit": "t",
        "purity": {"value": "0.85", "unit": "fraction"},
        "calcination": {"value": "1", "unit": "fraction"},
    }
    assert "calcination: the plan's fixed value" in line["note"]
    read = report_from_mapping(document["reports"][0])
    assert read == report.report
    assert compute_report(read).total.value == Decimal("224.2521")


def test_a_stream_without_activity_is_not_a_line() -> None:
    months = dict.fromkeys((1, 2), ("0", "20", "26", "500", "3000"))
    report = annual_report(cement_plan(), cement_rows(months), through_month=2)
    document = annual_document(report, _header(report))
    assert [line["label"] for line in document["reports"][0]["lines"]] == ["power"]
    assert compute_report(report_from_mapping(document["reports"][0])).total.value == Decimal(
        "525.7"
    )


def test_a_changed_digit_is_named() -> None:
    """The carbon content cut to 26 significant digits: the total, the coal line and its source
    differ (every digit written counts)."""
    report = _cement()
    document = annual_document(report, _header(report))
    document["reports"][0]["lines"][0]["carbon_content"]["value"] = CARBON[:-8]
    differences = reproduction_differences(
        document_bytes(document, "json"),
        "json",
        **_figures(report),  # type: ignore[arg-type]
    )
    assert [d.split(":")[0] for d in differences] == ["total", "line 1", "by source"]
    assert differences[0].endswith("≠ 8325.4999999999999999999999994544")


def test_refusals() -> None:
    blocked = cement_rows()
    blocked[0] = replace(blocked[0], value=Decimal(-1))
    unbuilt = annual_report(cement_plan(), blocked, through_month=3)
    with pytest.raises(ValueError, match="not built"):
        annual_document(unbuilt, _header(_cement()))
    report = _cement()
    with pytest.raises(ValueError, match="unknown format 'csv'"):
        document_bytes(annual_document(report, _header(report)), "csv")
    assert reproduction_differences(b"{", "json", **_figures(report))[0].startswith(  # type: ignore[arg-type]
        "the file cannot be read: export.json: not valid JSON"
    )
