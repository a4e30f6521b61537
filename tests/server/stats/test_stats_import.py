"""Importing statistics from the Excel workbook of ``citycarbon template targets``: everything
or nothing, each refused value named by sheet, row, column and value."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from citycarbon_domain_fixtures import example_data, example_workbook, workbook_bytes
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from citycarbon.server.common.models import AuditEvent
from citycarbon.server.stats.models import Statistic

pytestmark = pytest.mark.django_db


def _english(client: Any) -> Any:
    client.cookies["citycarbon_language"] = "en"
    return client


def _row_of(sheet: Any, jurisdiction: str, year: int) -> int:
    """The Excel row of (jurisdiction, year) in a data sheet, found by reading it."""
    for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        if row[0] == jurisdiction and row[1] == year:
            return number
    raise LookupError((jurisdiction, year))


def _column_of(sheet: Any, name: str) -> int:
    header = [cell.value for cell in sheet[1]]
    return header.index(name) + 1


def _upload(content: bytes, name: str = "statistics.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name,
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def _post(client: Any, content: bytes, **fields: str) -> Any:
    return _english(client).post("/api/stats/import", {"file": _upload(content), **fields})


def test_the_example_workbook_imports_and_again_changes_nothing(
    target_set: Any, client_for: Callable[[str], Any]
) -> None:
    client = client_for("office")
    content = workbook_bytes(example_workbook())
    response = _post(client, content)
    assert response.status_code == 200, response.content[:500]
    body = response.json()
    # 15 jurisdictions x 6 years (2010-2015) of the illustrative file.
    assert len(body["created"]) == 90
    assert Statistic.objects.filter(state="draft", version=1).count() == 90
    assert AuditEvent.objects.filter(action="lifecycle.create").count() == 90
    assert AuditEvent.objects.filter(action="stats.import").count() == 1
    # The kernel's id of a shipped set names the zone; the import finds our jurisdiction.
    assert Statistic.objects.filter(jurisdiction__name_zh="郑州经济开发区").count() == 6
    events = AuditEvent.objects.count()
    again = _post(client, content)
    assert again.status_code == 200
    assert len(again.json()["unchanged"]) == 90
    assert again.json()["created"] == []
    assert AuditEvent.objects.count() == events  # nothing changed, nothing recorded


def test_one_bad_row_refuses_the_workbook_naming_the_cell(
    target_set: Any, client_for: Callable[[str], Any], domain_counts: Callable[[], Any]
) -> None:
    book = example_workbook()
    sheet = book["years"]
    row = _row_of(sheet, "dengfeng", 2012)
    sheet.cell(row=row, column=_column_of(sheet, "energy_tce")).value = -5
    office = client_for("office")
    before = domain_counts()
    response = _post(office, workbook_bytes(book))
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert body["errors"] == [
        {
            "row": row,
            "field": "years.energy_tce",
            "value": -5,
            "message": "is negative; a quantity cannot be negative",
            "severity": "error",
        }
    ]
    assert domain_counts() == before  # not one of the 89 good rows was written


def test_the_import_page_lists_the_problem_and_writes_nothing(
    target_set: Any, client_for: Callable[[str], Any], domain_counts: Callable[[], Any]
) -> None:
    book = example_workbook()
    sheet = book["fuels"]
    # shangjie burns raw coal in 2011; a quantity that is not a number:
    row = next(
        n
        for n, r in enumerate(sheet.iter_rows(values_only=True), start=1)
        if r[:3] == ("shangjie", 2011, "raw_coal")
    )
    sheet.cell(row=row, column=_column_of(sheet, "quantity")).value = "lots"
    client = client_for("own_official")  # Dengfeng's official; most rows are not hers
    office = client_for("office")
    before = domain_counts()
    for htmx in (False, True):
        headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
        response = _english(office).post(
            "/statistics/import/", {"file": _upload(workbook_bytes(book))}, **headers
        )
        assert response.status_code == (200 if htmx else 400)
        page = response.content.decode()
        assert 'data-testid="import-error"' in page
        assert "<td>fuels</td>" in page
        assert f">{row}</td>" in page
        assert "<code>quantity</code>" in page
        assert "<td>lots</td>" in page
        assert "is not a number" in page
    assert domain_counts() == before
    # An official importing other districts' rows is refused as a whole (403), naming them.
    response = client.post(
        "/api/stats/import", {"file": _upload(workbook_bytes(example_workbook()))}
    )
    assert response.status_code == 403
    assert {e["value"] for e in response.json()["errors"]} >= {"xinmi", "zhengzhou"}
    assert domain_counts() == before


def test_the_workbook_cannot_change_the_targets(
    target_set: Any, client_for: Callable[[str], Any], domain_counts: Callable[[], Any]
) -> None:
    book = example_workbook()
    sheet = book["jurisdictions"]
    row = next(
        n for n, r in enumerate(sheet.iter_rows(values_only=True), start=1) if r[0] == "dengfeng"
    )
    sheet.cell(row=row, column=_column_of(sheet, "co2_intensity_target_pct")).value = 25
    office = client_for("office")
    before = domain_counts()
    response = _post(office, workbook_bytes(book))
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert (error["field"], error["row"], error["value"]) == (
        "jurisdictions.co2_intensity_target_pct",
        row,
        25,
    )
    assert domain_counts() == before


@pytest.mark.parametrize(
    ("content", "field"),
    [
        (b"not a workbook at all", "file"),
        (b"", "file"),
    ],
)
def test_a_file_that_is_not_a_workbook_is_refused(
    content: bytes,
    field: str,
    target_set: Any,
    client_for: Callable[[str], Any],
    domain_counts: Callable[[], Any],
) -> None:
    office = client_for("office")
    before = domain_counts()
    response = _post(office, content)
    assert response.status_code == 400
    assert response.json()["field"] == field
    assert domain_counts() == before


def test_a_repeated_row_is_named(
    target_set: Any, client_for: Callable[[str], Any], domain_counts: Callable[[], Any]
) -> None:
    book = example_workbook()
    sheet = book["years"]
    first = _row_of(sheet, "dengfeng", 2012)
    sheet.append([cell.value for cell in sheet[first]])
    office = client_for("office")
    before = domain_counts()
    response = _post(office, workbook_bytes(book))
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["row"] == sheet.max_row
    assert error["message"] == f"This row repeats row {first}."
    assert domain_counts() == before


def test_published_statistics_are_corrected_only_with_a_reason_by_the_office(
    make_statistic: Callable[..., Any],
    client_for: Callable[[str], Any],
    domain_counts: Callable[[], Any],
) -> None:
    published = make_statistic("published", year=2010)
    data = example_data()
    dengfeng = next(j for j in data["jurisdictions"] if j["id"] == "dengfeng")
    dengfeng["years"] = {"2010": {**dengfeng["years"]["2010"], "energy_tce": 4_700_000}}
    data["jurisdictions"] = [dengfeng]
    content = workbook_bytes(example_workbook(data))
    office, own = client_for("office"), client_for("own_official")
    before = domain_counts()
    refused = _post(office, content)
    assert refused.status_code == 400
    assert "give a reason" in refused.json()["errors"][0]["message"]
    official = _post(own, content, correction_reason="revised energy")
    assert official.status_code == 403
    assert domain_counts() == before
    done = _post(office, content, correction_reason="revised energy")
    assert done.status_code == 200, done.content[:400]
    [corrected] = done.json()["corrected"]
    correction = Statistic.objects.get(pk=corrected["id"])
    assert (correction.version, correction.state, correction.energy_tce) == (2, "draft", 4_700_000)
    assert correction.supersedes_id == published.pk
    assert correction.correction_reason == "revised energy"
    assert Statistic.objects.get(pk=published.pk).state == "published"  # never changed


def test_an_export_imports_back_unchanged(
    make_statistic: Callable[..., Any], client_for: Callable[[str], Any]
) -> None:
    for year in (2010, 2011):
        make_statistic("published", jurisdiction="shangjie", year=year)  # fuels and electricity
    make_statistic("draft", jurisdiction="dengfeng", year=2010)
    client = client_for("office")
    exported = client.get("/statistics/export.xlsx")
    assert exported.status_code == 200
    book = load_workbook(__import__("io").BytesIO(exported.content))
    assert book.sheetnames == [
        "README", "period", "jurisdictions", "years", "fuels", "co2_factors", "measures",
        "indicators",
    ]  # fmt: skip
    assert _row_of(book["years"], "shangjie", 2011) > 1
    events = AuditEvent.objects.count()
    response = _post(client, exported.content)
    assert response.status_code == 200, response.content[:500]
    assert len(response.json()["unchanged"]) == 3
    assert AuditEvent.objects.count() == events


def test_bulk_json_names_the_item_and_field(
    target_set: Any,
    client_for: Callable[[str], Any],
    api_json: Callable[..., Any],
    domain_counts: Callable[[], Any],
) -> None:
    good = {"jurisdiction": "dengfeng", "year": 2010, "gdp_constant_cny_100m": 300.0,
            "co2_t": 11_700_000.0, "energy_tce": 4_650_000.0}  # fmt: skip
    bad = {**good, "year": 2011, "co2_t": None, "gdp_constant_cny_100m": -1.0}
    office = _english(client_for("office"))
    before = domain_counts()
    response = api_json(office, "post", "/api/stats/bulk", {"items": [good, bad]})
    assert response.status_code == 400
    errors = {(e["row"], e["field"], e["value"]) for e in response.json()["errors"]}
    assert (2, "items.gdp_constant_cny_100m", -1.0) in errors
    assert (2, "items.co2_t", None) in errors  # missing CO2
    assert domain_counts() == before
    done = api_json(office, "post", "/api/stats/bulk", {"items": [good]})
    assert done.status_code == 200
    assert [(i["jurisdiction"], i["year"]) for i in done.json()["created"]] == [("dengfeng", 2010)]
