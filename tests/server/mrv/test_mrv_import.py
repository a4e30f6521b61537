"""The enterprise list and the screening figures from Excel: the templates, an import that
registers everything, and imports refused as a whole — every problem named by sheet, row,
column and value, and nothing written."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from mrv_support import NEW, NEW_XINMI, OWN, SUCCESSOR, World
from openpyxl import Workbook, load_workbook

from citycarbon.server.common.choices import Role, ScopeKind
from citycarbon.server.common.errors import PermissionDeniedError, ValidationFailedError
from citycarbon.server.common.models import AuditEvent, User
from citycarbon.server.common.services import do_assign_role
from citycarbon.server.mrv import services
from citycarbon.server.mrv.models import Enterprise, ScreeningRun
from citycarbon.server.mrv.workbook import (
    ENTERPRISE_SHEETS,
    SCREENING_SHEETS,
    enterprise_template,
    screening_template,
)

pytestmark = pytest.mark.django_db

A, B = "91410183YY1830031R", "91410183YY183004XH"  # two Xinmi codes not in the world


def _row(columns: Sequence[str], **values: Any) -> list[Any]:
    return [values.get(column) for column in columns]


def _put(sheet: Any, columns: Sequence[str], rows: Iterable[dict[str, Any]]) -> None:
    """Write the rows below the header (and the template's note row), as a person would."""
    start = 3 if str(sheet["A2"].value or "").startswith("#") else 2
    for number, values in enumerate(rows, start=start):
        for index, value in enumerate(_row(columns, **values), start=1):
            sheet.cell(row=number, column=index, value=value)


def _book(
    enterprises: Iterable[dict[str, Any]],
    facilities: Iterable[dict[str, Any]] = (),
    contacts: Iterable[dict[str, Any]] = (),
    *,
    template: bytes | None = None,
) -> bytes:
    """The template (or a new workbook) with the rows appended below its note row."""
    if template is not None:
        book = load_workbook(io.BytesIO(template))
    else:
        book = Workbook()
        book.remove(book.active)
        for name, columns in ENTERPRISE_SHEETS.items():
            book.create_sheet(name).append(list(columns))
    for name, rows in (
        ("enterprises", enterprises),
        ("facilities", facilities),
        ("contacts", contacts),
    ):
        _put(book[name], ENTERPRISE_SHEETS[name], rows)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _enterprise(code: str, **changes: Any) -> dict[str, Any]:
    return {
        "credit_code": code,
        "name_zh": f"导入企业{str(code)[-4:]}",
        "jurisdiction": "xinmi",
        "sectors": "coal_mining, 水泥生产",
        "coverage_reason": "emissions",
        "coverage_year": 2012,
        "coverage_emissions_tco2e": 13000,
        **changes,
    }


def test_the_template_has_its_sheets_columns_and_notes(world: World) -> None:
    book = load_workbook(io.BytesIO(enterprise_template(list(world.places.values()))))
    assert book.sheetnames == ["enterprises", "facilities", "contacts", "lists"]
    for name, columns in ENTERPRISE_SHEETS.items():
        sheet = book[name]
        assert [c.value for c in sheet[1]] == list(columns)
        assert str(sheet["A2"].value).startswith("# ")
    lists = book["lists"]
    assert lists["A1"].value == "jurisdiction"
    assert "dengfeng" in [c.value for c in lists["A"]]
    screening = load_workbook(io.BytesIO(screening_template([])))
    assert [c.value for c in screening["figures"][1]] == list(SCREENING_SHEETS["figures"])


def test_a_filled_template_registers_everything_in_one_go(world: World) -> None:
    template = enterprise_template(list(world.places.values()))
    content = _book(
        [
            _enterprise(A, registered_on=datetime(2015, 2, 1), coverage_emissions_tco2e=13000.5),
            _enterprise(
                B, name_en="Imported B", sectors="other_industry", coverage_reason="energy",
                coverage_energy_tce="5,000", coverage_emissions_tco2e=None,
            ),
        ],
        [
            {"credit_code": A, "code": "K1", "name_zh": "窑"},
            {"credit_code": B, "code": "K1", "name_zh": "窑"},
        ],
        [{"credit_code": B, "function": "carbon_manager", "name": "赵六", "phone": "0371-0000"}],
        template=template,
    )  # fmt: skip
    result = services.do_import_enterprises(world.people["office"], content, filename="list.xlsx")
    assert [code for code, _pk in result.created] == [A, B]
    assert (result.facilities, result.contacts) == (2, 1)
    first = Enterprise.objects.get(credit_code=A)
    assert (first.status_since, first.coverage_emissions_tco2e) == (
        date(2015, 2, 1),
        Decimal("13000.500"),
    )
    assert sorted(first.sectors.values_list("sector", flat=True)) == ["cement", "coal_mining"]
    second = Enterprise.objects.get(credit_code=B)
    assert (second.coverage_energy_tce, second.name_en) == (Decimal("5000.000"), "Imported B")
    assert list(second.contacts.values_list("name", "phone")) == [("赵六", "0371-0000")]
    event = AuditEvent.objects.get(action="mrv.import_enterprises")
    assert (event.after["enterprises"], event.after["facilities"], event.after["contacts"]) == (
        2,
        2,
        1,
    )
    assert AuditEvent.objects.filter(action="mrv.create_enterprise").count() == 3 + 2


def _problems(error: Exception) -> list[tuple[str | None, int | None, Any]]:
    assert isinstance(error, ValidationFailedError | PermissionDeniedError)
    return [(e.field, e.row, e.value) for e in error.errors]


def _refused(
    world: World, content: bytes, counts: Callable[[], Any], *, persona: str = "office",
    error: type[Exception] = ValidationFailedError,
) -> Exception:  # fmt: skip
    before = counts()
    with pytest.raises(error) as caught:
        services.do_import_enterprises(world.people[persona], content, filename="list.xlsx")
    assert counts() == before
    return caught.value


def test_every_problem_is_named_and_nothing_is_written(
    world: World, mrv_counts: Callable[[], Any]
) -> None:
    content = _book(
        [
            _enterprise(A),  # row 2: fine on its own
            _enterprise(A, name_zh="重复"),  # row 3: repeats row 2
            _enterprise(OWN),  # row 4: registered already
            _enterprise("91410183YY1830031S"),  # row 5: last character wrong
            _enterprise(914101831830031, name_zh="数字"),  # row 6: a number, not text
            _enterprise(B, jurisdiction="atlantis", sectors="nuclear"),  # row 7
            _enterprise(NEW, coverage_emissions_tco2e="12999.999"),  # row 8: below
            _enterprise(NEW_XINMI, coverage_year="2012年"),  # row 9
        ],
        [{"credit_code": SUCCESSOR, "code": "K1", "name_zh": "窑"}],  # not in the sheet
        [{"credit_code": A, "function": "boss", "name": "x"}],
    )
    error = _refused(world, content, mrv_counts)
    assert len(error.errors) == 10
    problems = sorted(_problems(error), key=lambda p: (p[0], p[1]))
    assert problems == sorted(
        [
            ("enterprises.credit_code", 3, A),
            ("enterprises.credit_code", 4, OWN),
            ("enterprises.credit_code", 5, "91410183YY1830031S"),
            ("enterprises.credit_code", 6, 914101831830031),
            ("enterprises.sectors", 7, "nuclear"),
            ("enterprises.jurisdiction", 7, "atlantis"),
            ("enterprises.coverage_emissions_tco2e", 8, "12999.999"),
            ("enterprises.coverage_year", 9, "2012年"),
            ("facilities.credit_code", 2, SUCCESSOR),
            ("contacts.function", 2, "boss"),
        ],
        key=lambda p: (p[0], p[1]),
    )


def test_a_file_that_is_not_the_template_is_refused(
    world: World, mrv_counts: Callable[[], Any]
) -> None:
    error = _refused(world, b"PK\x03\x04 not really a workbook", mrv_counts)
    assert error.field == "file"
    book = Workbook()
    book.active.title = "Sheet1"
    buffer = io.BytesIO()
    book.save(buffer)
    error = _refused(world, buffer.getvalue(), mrv_counts)
    assert (error.field, error.value) == ("file", "Sheet1")
    book = Workbook()
    book.active.title = "enterprises"
    book.active.append(["credit_code", "name_zh"])
    buffer = io.BytesIO()
    book.save(buffer)
    error = _refused(world, buffer.getvalue(), mrv_counts)
    assert ("enterprises.jurisdiction", 1, None) in _problems(error)


def test_rows_outside_the_actors_jurisdictions_refuse_the_file(
    world: World, mrv_counts: Callable[[], Any]
) -> None:
    """An office that administers Dengfeng only may not register a Xinmi enterprise: 403,
    the row named, nothing written."""
    office = User.objects.create_user(username="office-dengfeng")
    do_assign_role(
        None,
        office,
        Role.CITY_OFFICE.value,
        ScopeKind.JURISDICTION.value,
        world.places["dengfeng"].pk,
    )
    world.people["dengfeng_office"] = User.objects.get(pk=office.pk)
    content = _book([_enterprise(NEW, jurisdiction="dengfeng"), _enterprise(A)])
    error = _refused(
        world, content, mrv_counts, persona="dengfeng_office", error=PermissionDeniedError
    )
    assert _problems(error) == [("enterprises.jurisdiction", 3, "xinmi")]
    _refused(
        world,
        _book([_enterprise(NEW, jurisdiction="dengfeng")]),
        mrv_counts,
        persona="own_official",
        error=PermissionDeniedError,
    )


def test_the_api_and_the_page_name_the_problems(
    world: World, mrv_counts: Callable[[], Any]
) -> None:
    client = Client()
    client.force_login(world.people["office"])
    content = _book([_enterprise("91410183YY1830031S")])
    before = mrv_counts()
    upload = io.BytesIO(content)
    upload.name = "list.xlsx"
    response = client.post("/api/mrv/enterprises/import", {"file": upload})
    assert response.status_code == 400
    body = response.json()
    assert body["errors"] == [
        {
            "message": body["errors"][0]["message"],
            "field": "enterprises.credit_code",
            "value": "91410183YY1830031S",
            "row": 2,
            "severity": "error",
        }
    ]
    upload = io.BytesIO(content)
    upload.name = "list.xlsx"
    page = client.post("/mrv/enterprises/import/", {"file": upload})
    assert page.status_code == 400
    html = page.content.decode()
    assert 'data-testid="import-problems"' in html
    assert "91410183YY1830031S" in html
    assert mrv_counts() == before
    upload = io.BytesIO(_book([_enterprise(A)]))
    upload.name = "list.xlsx"
    response = client.post("/api/mrv/enterprises/import", {"file": upload})
    assert response.status_code == 200
    assert response.json() == {
        "created": [{"credit_code": A, "id": Enterprise.objects.get(credit_code=A).pk}],
        "facilities": 0,
        "contacts": 0,
    }


# --- screening figures ------------------------------------------------------------------------


def _figures(rows: Iterable[dict[str, Any]]) -> bytes:
    book = load_workbook(io.BytesIO(screening_template([])))
    _put(book["figures"], SCREENING_SHEETS["figures"], rows)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_screening_figures_from_a_workbook(world: World, mrv_counts: Callable[[], Any]) -> None:
    office = world.people["office"]
    paper = {
        "credit_code": NEW,
        "name_zh": "造纸",
        "jurisdiction": "dengfeng",
        "sectors": "pulp_paper",
    }
    run = services.do_import_screening(
        office,
        _figures([
            {**paper, "year": 2012, "energy_tce": 4000},
            {**paper, "year": 2013, "emissions_tco2e": "13000"},
        ]),
        filename="figures.xlsx",
    )  # fmt: skip
    proposal = run.proposals.get()
    assert (proposal.credit_code, proposal.coverage_year, proposal.coverage_reason) == (
        NEW,
        2013,
        "emissions",
    )
    assert run.source == "figures.xlsx"
    before = mrv_counts()
    with pytest.raises(ValidationFailedError) as caught:
        services.do_import_screening(
            office,
            _figures([
                {**paper, "year": "二〇一三", "energy_tce": -1},
                {**paper, "credit_code": 914, "year": 2013, "energy_tce": 1},
            ]),
            filename="figures.xlsx",
        )  # fmt: skip
    assert mrv_counts() == before
    assert sorted((e.field, e.row, e.value) for e in caught.value.errors) == [
        ("figures.credit_code", 4, 914),
        ("figures.energy_tce", 3, -1),
        ("figures.year", 3, "二〇一三"),
    ]
    assert ScreeningRun.objects.count() == 2
