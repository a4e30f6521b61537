"""Plans (validation, JSON/YAML) and the ledger template (writing, reading, refusals)."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from mrv_cases import cement_plan, cement_rows
from openpyxl import load_workbook

from citycarbon.accounting.interchange import InterchangeError
from citycarbon.accounting.monitoring import ParameterPlan, SourceStream, validate_plan
from citycarbon.accounting.monitoring.document import (
    document_from_data,
    plan_as_dict,
    plan_from_mapping,
    read_document,
)
from citycarbon.accounting.monitoring.ledger import parse_month
from citycarbon.accounting.monitoring.template import write_template
from citycarbon.accounting.monitoring.workbook import read_workbook


def codes(plan: object) -> list[tuple[str, str | None, str | None]]:
    return [(f.code, f.field, f.value) for f in validate_plan(plan)]  # type: ignore[arg-type]


def test_a_valid_plan_has_no_findings() -> None:
    assert validate_plan(cement_plan()) == []


def test_plan_refusals_name_the_field_and_value() -> None:
    base = cement_plan()
    coal = base.streams[0]
    bad = cement_plan(
        sector="cement_making",
        region="atlantis",
        streams=(
            SourceStream(
                "coal", "kiln9", "fuel_combustion", coal.parameters, {"fuel": "moon_rock"}
            ),
            SourceStream("coal", "kiln1", "exported_heat", (ParameterPlan("quantity", "default"),)),
            SourceStream(
                "x",
                "kiln1",
                "fuel_combustion",
                (
                    ParameterPlan("quantity", "measured", "abacus", "hourly", unit="km"),
                    ParameterPlan("ncv", "fixed", unit="GJ/t"),
                    ParameterPlan("sulphur", "measured", unit="%"),
                ),
                {"fuel": "diesel"},
            ),
        ),
    )
    got = codes(bad)
    assert ("plan_sector_unknown", "sector", "cement_making") in got
    assert ("plan_region_unknown", "region", "atlantis") in got
    assert ("plan_facility_unknown", "streams[0].facility", "kiln9") in got
    assert ("plan_choice_unknown", "streams[0].fuel", "moon_rock") in got
    assert ("plan_stream_duplicate", "streams[1].id", "coal") in got
    assert ("plan_activity_basis", "streams[1].parameters.quantity.basis", "default") in got
    assert ("plan_method_unknown", "streams[2].parameters.quantity.method", "abacus") in got
    assert ("plan_frequency_unknown", "streams[2].parameters.quantity.frequency", "hourly") in got
    assert ("plan_unit_dimension", "streams[2].parameters.quantity.unit", "km") in got
    assert ("plan_fixed_value", "streams[2].parameters.ncv.value", None) in got
    assert ("plan_field_unknown", "streams[2].parameters.sulphur", "sulphur") in got


def test_plan_needs_required_parameters_and_warns_without_a_standard() -> None:
    lime = SourceStream(
        "lime",
        "kiln1",
        "carbonate_decomposition",
        (ParameterPlan("quantity", "measured", "weighbridge", unit="t"),),
        {"carbonate": "CaCO3"},
    )
    assert codes(cement_plan(sector="ceramics", streams=(lime,))) == [
        ("plan_field_required", "streams[0].parameters.purity", None)
    ]
    coal = cement_plan().streams[0]
    loose = SourceStream(
        "coal",
        "kiln1",
        "fuel_combustion",
        (coal.parameters[0], ParameterPlan("ncv", "measured", "lab_analysis", unit="GJ/t")),
        {"fuel": "raw_coal"},
    )
    result = validate_plan(cement_plan(streams=(loose,)))
    assert [(f.code, f.severity) for f in result] == [("plan_standard_missing", "warning")]


def test_element_carbon_needs_measured_ncv() -> None:
    coal = SourceStream(
        "coal",
        "kiln1",
        "fuel_combustion",
        (
            ParameterPlan("quantity", "measured", "weighbridge", unit="t"),
            ParameterPlan(
                "element_carbon", "measured", "lab_analysis", standard="GB/T 476", unit="%"
            ),
        ),
        {"fuel": "raw_coal"},
    )
    assert [c[0] for c in codes(cement_plan(streams=(coal,)))] == ["plan_element_carbon"]


def test_plan_json_round_trip_and_read_refusals() -> None:
    plan = cement_plan()
    data = json.loads(json.dumps(plan_as_dict(plan)))
    assert plan_from_mapping(data) == (plan, [])
    data["yeer"] = 2014
    data["streams"][0]["parameters"]["ncv"]["value"] = "lots"
    data["year"] = "twenty"
    parsed, found = plan_from_mapping(data)
    assert parsed is None
    assert [(f.code, f.field, f.value) for f in found] == [
        ("read_unknown_key", "yeer", "2014"),
        ("plan_year", "year", "twenty"),
        ("read_not_number", "streams[0].parameters.ncv.value", "lots"),
    ]


def test_document_of_plans_and_ledger() -> None:
    ledger = [r.as_dict() for r in cement_rows()]
    for item in ledger:
        del item["row"]
    document = document_from_data({"plans": [plan_as_dict(cement_plan())], "ledger": ledger})
    assert document.plans == (cement_plan(),)
    assert document.rows == tuple(cement_rows())
    ledger[3]["month"] = "March"
    ledger[4]["value"] = "many"
    del ledger[5]["unit"]
    refused = document_from_data({"plans": [plan_as_dict(cement_plan())], "ledger": ledger})
    assert refused.refused
    assert refused.plans == ()
    assert refused.rows == ()
    assert [(f.code, f.row, f.field, f.value) for f in refused.findings] == [
        ("read_month", 4, "month", "March"),
        ("read_not_number", 5, "value", "many"),
        ("read_required", 6, "unit", None),
    ]
    with pytest.raises(InterchangeError, match="unknown top-level key 'reports'"):
        document_from_data({"reports": []})


@pytest.mark.parametrize(
    ("raw", "month"),
    [
        ("2014-01", "2014-01"),
        ("2014-1", "2014-01"),
        ("2014/12", "2014-12"),
        ("2014年3月", "2014-03"),
        ("2014", "2014"),
        (2014, "2014"),
        ("2014-13", None),
        ("Jan", None),
        (True, None),
    ],
)
def test_months(raw: object, month: str | None) -> None:
    assert parse_month(raw) == month


# --- the workbook -------------------------------------------------------------------------


def _book(rows: bool = True) -> io.BytesIO:
    target = io.BytesIO()
    write_template(target, [cement_plan()], cement_rows() if rows else ())
    target.seek(0)
    return target


def test_template_round_trip() -> None:
    document = read_workbook(_book())
    assert document.findings == ()
    assert document.plans == (cement_plan(),)
    # Rows are numbered by their sheet row (data from row 3).
    assert [r.row for r in document.rows] == list(range(3, 18))
    assert [(r.stream, r.month, r.parameter, r.value, r.unit) for r in document.rows] == [
        (r.stream, r.month, r.parameter, r.value, r.unit) for r in cement_rows()
    ]


def test_template_prefilled_from_a_plan_reads_as_not_entered() -> None:
    target = _book(rows=False)
    book = load_workbook(target)
    sheet = book["Ledger"]
    assert sheet.max_row == 2 + 12 * 5  # every measured parameter for every month
    assert [c.value for c in sheet[3]][:7] == [
        "E1",
        "kiln1",
        "coal",
        "2014-01",
        "quantity",
        None,
        "t",
    ]
    target.seek(0)
    document = read_workbook(target)
    assert document.rows == ()
    assert document.findings == ()


def _edit(cells: dict[str, object], sheet: str = "Ledger") -> io.BytesIO:
    book = load_workbook(_book())
    for ref, value in cells.items():
        book[sheet][ref] = value
    target = io.BytesIO()
    book.save(target)
    target.seek(0)
    return target


def test_workbook_refusals_name_sheet_row_column_value_and_produce_nothing() -> None:
    target = _edit({"D4": "March", "F5": "lots", "A6": None, "J7": "x"})
    book = load_workbook(target)
    book["Ledger"]["J2"] = "colour"
    target = io.BytesIO()
    book.save(target)
    target.seek(0)
    document = read_workbook(target)
    assert document.refused
    assert document.plans == ()
    assert document.rows == ()
    assert [(f.code, f.sheet, f.row, f.column, f.value) for f in document.findings] == [
        ("read_month", "Ledger", 4, "D", "March"),
        ("read_not_number", "Ledger", 5, "F", "lots"),
        ("read_required", "Ledger", 6, "A", None),
        ("read_unknown_header", "Ledger", 7, "J", "x"),
    ]
    assert document.findings[0].as_dict()["cell"] == "Ledger!D4"


def test_workbook_plan_sheet_refusals_are_located() -> None:
    document = read_workbook(_edit({"N4": "guess", "D5": "cement_making"}, sheet="Plan"))
    assert document.refused
    assert [(f.code, f.sheet, f.row, f.column, f.value) for f in document.findings] == [
        ("read_inconsistent", "Plan", 5, "D", "cement_making"),
    ]
    document = read_workbook(_edit({"N4": "guess"}, sheet="Plan"))
    assert [(f.code, f.sheet, f.row, f.column, f.value) for f in document.findings] == [
        ("plan_basis_unknown", "Plan", 4, "N", "guess"),
    ]


def test_a_percentage_cell_is_read_as_shown() -> None:
    book = load_workbook(_book())
    sheet = book["Ledger"]
    sheet["F4"] = 0.2
    sheet["F4"].number_format = "0%"
    sheet["G4"] = "GJ/t"
    target = io.BytesIO()
    book.save(target)
    target.seek(0)
    document = read_workbook(target)
    assert [(f.code, f.row, f.column) for f in document.findings] == [("read_percent_cell", 4, "F")]
    sheet["G4"] = "%"
    target = io.BytesIO()
    book.save(target)
    target.seek(0)
    row = read_workbook(target).rows[1]
    assert (row.value, row.unit) == (Decimal(20), "%")


def test_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "ledger.xlsx"
    path.write_text("not a zip")
    with pytest.raises(InterchangeError, match="not an Excel workbook"):
        read_document(path)
    book = load_workbook(_book())
    del book["Ledger"]
    book.save(path)
    with pytest.raises(InterchangeError, match="no sheet 'Ledger'"):
        read_document(path)


def test_parameters_read_in_the_source_types_order_whatever_the_key_order() -> None:
    # PostgreSQL's jsonb keeps no key order (shorter keys first): the same plan must read,
    # number its ledger rows and show its parameters alike on every database.
    data = json.loads(json.dumps(plan_as_dict(cement_plan())))
    for stream in data["streams"]:
        stream["parameters"] = dict(reversed(list(stream["parameters"].items())))
    reread, found = plan_from_mapping(data)
    assert (reread, found) == (cement_plan(), [])
    coal = next(s for s in reread.streams if s.source == "fuel_combustion")  # type: ignore[union-attr]
    assert [p.name for p in coal.parameters] == ["quantity", "ncv", "carbon_content", "oxidation"]
