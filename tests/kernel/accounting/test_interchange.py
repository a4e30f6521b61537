"""The interchange format: one normal form from JSON, YAML and Excel; structural refusals."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from citycarbon.accounting import LineInput, ReportError, ReportInput
from citycarbon.accounting.interchange import (
    Cell,
    InterchangeError,
    load_document,
    read_reports,
    report_from_mapping,
    reports_from_document,
)
from citycarbon.accounting.workbook import read_excel, write_template


def _report(*lines: dict[str, Any], **fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"id": "E1", "sector": "power_generation", "year": 2012,
                            "region": "henan", "lines": list(lines)}  # fmt: skip
    data.update(fields)
    return data


COAL = {"source": "fuel_combustion", "fuel": "raw_coal", "quantity": 10000, "unit": "t"}


def test_normal_form() -> None:
    line = {**COAL, "ncv": {"value": 20.908, "unit": "GJ/t"}, "oxidation": "94 %", "label": "炉1"}
    report = report_from_mapping(_report(line))
    assert report == ReportInput(
        id="E1",
        sector="power_generation",
        year=2012,
        region="henan",
        lines=(
            LineInput(
                "fuel_combustion",
                {
                    "fuel": "raw_coal",
                    "quantity": Decimal("10000"),
                    "quantity@given_unit": "t",
                    "ncv": {"value": Decimal("20.908"), "unit": "GJ/t"},
                    "oxidation": {"value": Decimal("94"), "unit": "%"},
                },
                "炉1",
            ),
        ),
    )


@pytest.mark.parametrize(
    "written",
    [
        {"ncv": {"value": 20.908, "unit": "GJ/t"}},
        {"ncv": {"value": "20.908", "unit": "GJ/t"}},
        {"ncv": "20.908 GJ/t"},
        {"ncv": "20.908GJ/t"},
        {"ncv": {"value": Decimal("20.908"), "unit": " GJ/t"}},
    ],
)
def test_ways_of_writing_a_value_read_alike(written: dict[str, Any]) -> None:
    expected = report_from_mapping(_report({**COAL, "ncv": {"value": 20.908, "unit": "GJ/t"}}))
    got = report_from_mapping(_report({**COAL, **written}))
    assert got.lines[0].values["ncv"] == {"value": Decimal("20.908"), "unit": "GJ/t"}
    assert got == expected


@pytest.mark.parametrize(
    "quantity",
    [
        {"quantity": 10000, "unit": "t"},
        {"quantity": "10000 t"},
        {"quantity": {"value": 10000, "unit": "t"}},
        {"quantity": "10,000", "unit": "t"},
    ],
)
def test_ways_of_writing_the_quantity(quantity: dict[str, Any]) -> None:
    line = {"source": "fuel_combustion", "fuel": "raw_coal", **quantity}
    values = report_from_mapping(_report(line)).lines[0].values
    assert values["quantity"] == Decimal("10000")
    assert values["quantity@given_unit"] == "t"


def test_bare_numbers_stay_bare_for_the_engine_to_refuse() -> None:
    values = report_from_mapping(_report({**COAL, "oxidation": 94})).lines[0].values
    assert values["oxidation"] == Decimal("94")


def test_unreadable_numbers_are_kept_as_written() -> None:
    values = report_from_mapping(_report({**COAL, "ncv": "lots GJ/t"})).lines[0].values
    assert values["ncv"] == "lots GJ/t"


def test_null_means_not_given() -> None:
    values = report_from_mapping(_report({**COAL, "ncv": None})).lines[0].values
    assert "ncv" not in values


def test_json_numbers_stay_exact() -> None:
    text = json.dumps({"reports": [_report(COAL)]}).replace("10000", "10000.000000000000000001")
    (item,) = reports_from_document(load_document(text, "json"))
    assert item.report is not None
    assert item.report.lines[0].values["quantity"] == Decimal("10000.000000000000000001")


@pytest.mark.parametrize(
    ("data", "field", "value", "message"),
    [
        (_report({**COAL, "quantity": {"value": 1, "unit": "t"}}), "unit", "t", "write it once"),
        (_report({**COAL, "ncv": {"value": 1, "units": "GJ/t"}}), "ncv", None, "unknown key"),
        (_report({"fuel": "raw_coal", "quantity": 1}), "source", None, "needs a source"),
        (_report(COAL, year=True), "year", True, "whole number"),
        (_report(COAL, sector=""), "sector", None, "needs a sector"),
        (_report(COAL, lines="none"), "lines", "str", "a list of lines"),
        (_report("coal"), None, "coal", "a line must be an object"),
        (_report(COAL, id=None), "id", None, "needs an id"),
    ],
)  # fmt: skip
def test_structural_refusals(data: dict[str, Any], field: str | None, value: Any,
                             message: str) -> None:  # fmt: skip
    with pytest.raises(ReportError) as caught:
        report_from_mapping(data)
    matching = [e for e in caught.value.errors if e.field == field]
    assert matching, caught.value.errors
    assert message in matching[0].message
    if value is not None:
        assert matching[0].value == value


def test_every_structural_problem_at_once() -> None:
    data = _report(COAL, sector="steel", year="soon", region="atlantis", colour="red")
    with pytest.raises(ReportError) as caught:
        report_from_mapping(data)
    assert {e.field for e in caught.value.errors} == {"sector", "year", "region", "colour"}
    assert all(e.report == "E1" for e in caught.value.errors)


def test_not_an_object() -> None:
    with pytest.raises(ReportError) as caught:
        report_from_mapping(["E1"], 3)
    assert caught.value.report == "#3"


def test_region_given_to_reports_without_one() -> None:
    without = _report(COAL)
    del without["region"]
    assert report_from_mapping(without, region="hubei").region == "hubei"
    assert report_from_mapping(_report(COAL), region="hubei").region == "henan"


def test_from_dict_reads_the_interchange_form() -> None:
    data = _report(COAL)
    del data["id"]
    report = ReportInput.from_dict(data, 4)
    assert report.id == "#5"  # programmatic use may leave the id out; files may not
    assert report.lines[0].values["quantity"] == Decimal(10000)


def test_duplicate_ids_refuse_every_copy() -> None:
    items = reports_from_document(
        {"reports": [_report(COAL), _report(COAL, id="E2"), _report(COAL)]}
    )
    assert [(i.id, i.refused) for i in items] == [("E1", True), ("E2", False), ("E1", True)]
    assert items[0].errors[0].field == "id"
    assert "reports #1, #3" in items[0].errors[0].message


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "must be an object"),
        ({"reports": "E1"}, "a list of reports"),
        ({"reprots": []}, "unknown top-level key"),
    ],
)
def test_documents_that_are_not_reports(data: object, message: str) -> None:
    with pytest.raises(InterchangeError, match=message):
        reports_from_document(data)


def test_broken_yaml_names_the_line() -> None:
    with pytest.raises(InterchangeError) as caught:
        load_document("reports:\n  - id: [E1\n", "yaml", path="r.yaml")
    assert "r.yaml" in str(caught.value)
    assert "line 3" in str(caught.value)


def test_yaml_and_json_read_alike(tmp_path: Path) -> None:
    import yaml

    data = {"reports": [_report({**COAL, "oxidation": {"value": 94, "unit": "%"}})]}
    (tmp_path / "r.json").write_text(json.dumps(data), "utf-8")
    (tmp_path / "r.yml").write_text(yaml.safe_dump(data), "utf-8")
    from_json = [i.report for i in read_reports(tmp_path / "r.json")]
    assert from_json == [i.report for i in read_reports(tmp_path / "r.yml")]


# --------------------------------------------------------------------------------------------
# Excel


def test_workbook_round_trip_is_exact() -> None:
    lines = [
        {**COAL, "ncv": {"value": "20.908", "unit": "GJ/t"}, "label": "boiler"},
        # More digits than a double holds: written as text, read back exactly.
        {**COAL, "quantity": "12345.678901234567891", "oxidation": {"value": 94, "unit": "%"}},
        {"source": "purchased_electricity", "quantity": 20000, "unit": "万千瓦时",
         "factor": "0.5257 kgCO2/kWh"},
    ]  # fmt: skip
    reports = [report_from_mapping(_report(*lines)), report_from_mapping(_report(COAL, id="E2"))]
    buffer = io.BytesIO()
    write_template(buffer, reports)
    buffer.seek(0)
    items = read_excel(buffer)
    assert [i.report for i in items] == reports
    assert items[0].report is not None
    assert items[0].report.lines[1].values["quantity"] == Decimal("12345.678901234567891")


def test_workbook_cells_locate_values() -> None:
    buffer = io.BytesIO()
    write_template(buffer, [report_from_mapping(_report(COAL, {**COAL, "ncv": "1 GJ/t"}))])
    buffer.seek(0)
    (item,) = read_excel(buffer)
    assert item.cells[(None, "sector")] == Cell("Reports", 3, "C")
    assert item.cells[(2, None)] == Cell("Lines", 4)
    assert item.cells[(2, "ncv")].row == 4
    assert item.cells[(2, "ncv")].ref.startswith("Lines!")


def test_cell_texts() -> None:
    assert Cell("Lines", 7, "F").ref == "Lines!F7"
    assert Cell("Lines", 7, "F").describe() == "sheet Lines, row 7, column F"
    assert Cell("Lines", 7).ref == "Lines!7:7"


def test_not_a_workbook() -> None:
    with pytest.raises(InterchangeError, match="not an Excel workbook"):
        read_excel(io.BytesIO(b"PK not really"), path="x.xlsx")
