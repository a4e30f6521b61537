"""What the inventory pages show: provenance, the category table with notation keys and reasons,
the drill-down to a factor row and its source, the progress of a compilation, the CEADs
comparison with its citation, the jurisdiction summary block, and the Excel exports."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import translation
from openpyxl import load_workbook

from citycarbon.inventory.model import SECTORS
from citycarbon.server.inventory import selectors
from citycarbon.server.inventory.models import InventoryRun
from citycarbon.server.inventory.services import do_load_demo_inventories, do_request_compile

pytestmark = pytest.mark.django_db


def _in_order(item: tuple[str, Any]) -> int:
    return SECTORS.index(item[0])


def _sheet(response: Any) -> list[tuple[Any, ...]]:
    book = load_workbook(io.BytesIO(response.content))
    return [tuple(row) for row in book.active.iter_rows(values_only=True)]


def test_the_result_page_shows_provenance_categories_and_notation_keys(
    inventory, compiled, client_for
) -> None:
    run = compiled(inventory("published"), iterations=200)
    page = client_for("anonymous").get(f"/inventories/runs/{run.pk}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="factor-library">builtin@v1<' in html
    assert 'data-testid="metric">SARGWP100<' in html
    # The demonstration input keys nitric acid N2O as not occurring, with its reason.
    assert "no nitric acid plant in the city" in html
    assert 'data-category="ippu.cement_clinker"' in html
    charts = json.loads(html.split('id="chart-data" type="application/json">')[1].split("<")[0])
    assert {item["id"] for item in charts["sectors"]["items"]} == {
        "energy", "ippu", "agriculture", "lucf", "waste",
    }  # fmt: skip
    assert charts["pareto"]["items"][0]["share"] > 0
    assert charts["uncertainty"]["items"]


def test_the_drill_down_reaches_the_factor_row_and_its_source(
    inventory, compiled, client_for, builtin
) -> None:
    run = compiled(inventory("published"))
    html = (
        client_for("public")
        .get(f"/inventories/runs/{run.pk}/categories/ippu.cement_clinker/")
        .content.decode()
    )
    assert "1625513" in html  # 302.14 × 10^4 t × 0.538 tCO2/t = 1 625 513.2 t
    link = f"/factors/{builtin.pk}/rows/inv.clinker_ef.provincial/"
    assert link in html
    assert "省级温室气体清单编制指南" in html  # the factor row's source, shown with the line
    factor = client_for("public").get(link).content.decode()
    assert 'data-testid="factor-value">0.538<' in factor


def test_a_queued_compilation_advances_from_its_page(inventory, builtin, users, client_for) -> None:
    run = do_request_compile(users["office"], inventory("published"), factor_set=builtin)
    office = client_for("office")
    page = office.get(f"/inventories/runs/{run.pk}/").content.decode()
    assert f'hx-post="/inventories/runs/{run.pk}/advance/"' in page
    watcher = client_for("reviewer").get(f"/inventories/runs/{run.pk}/progress/").content.decode()
    assert "hx-post" not in watcher
    assert f'hx-get="/inventories/runs/{run.pk}/progress/"' in watcher
    first = office.post(f"/inventories/runs/{run.pk}/advance/")
    assert 'data-status="running"' in first.content.decode()
    assert "HX-Redirect" not in first
    last = office.post(f"/inventories/runs/{run.pk}/advance/")
    assert last["HX-Redirect"] == f"/inventories/runs/{run.pk}/"
    assert InventoryRun.objects.get(pk=run.pk).status == "done"


def test_the_city_page_compares_with_ceads_and_cites_it(builtin, client_for) -> None:
    do_load_demo_inventories(None, factor_set=builtin, years=(2012,), iterations=0)
    html = client_for("anonymous").get("/inventories/jurisdictions/zhengzhou/").content.decode()
    assert 'data-testid="ceads-citation"' in html
    assert "Journal of Cleaner Production 161, 1215–1225" in html
    assert "80726023" in html  # CEADs 2012: 80.72602349831489 Mt


def test_the_jurisdiction_summary_block(inventory, compiled, users) -> None:
    run = compiled(inventory("published"))
    request = RequestFactory().get("/")
    request.user = users["public"]
    html = Template("{% load inventory %}{% inventory_summary jurisdiction %}").render(
        Context({"request": request, "jurisdiction": run.inventory.jurisdiction})
    )
    assert 'data-testid="inventory-summary"' in html
    assert f"/inventories/runs/{run.pk}/" in html
    direct = Template('{% include "inventory/_jurisdiction_summary.html" %}').render(
        Context(
            {
                "request": request,
                "summary": selectors.jurisdiction_summary(None, run.inventory.jurisdiction),
            }
        )
    )
    assert f"/inventories/runs/{run.pk}/" in direct


def test_the_excel_exports(inventory, compiled, client_for) -> None:
    run = compiled(inventory("published"), iterations=200)
    client = client_for("anonymous")
    categories = _sheet(client.get(f"/inventories/runs/{run.pk}/categories.xlsx"))
    clinker = next(row for row in categories[1:] if row[0] == "2A1")
    assert clinker[4] == pytest.approx(1_625_513.2)  # CO2 [t]
    nitric = next(row for row in categories[1:] if row[0] == "2B2")
    assert "N2O NO: no nitric acid plant in the city" in nitric[-1]
    lines = _sheet(client.get(f"/inventories/runs/{run.pk}/lines.xlsx"))
    assert any(row[10] == "inv.clinker_ef.provincial" for row in lines[1:])
    keys = _sheet(client.get(f"/inventories/runs/{run.pk}/key_categories.xlsx"))
    assert [row[0] for row in keys[1:4]] == [1, 2, 3]
    uncertainty = _sheet(client.get(f"/inventories/runs/{run.pk}/uncertainty.xlsx"))
    assert uncertainty[1][4] < uncertainty[1][2] < uncertainty[1][5]  # lower < estimate < upper
    listing = _sheet(client.get("/inventories/export.xlsx"))
    assert listing[1][5] == pytest.approx(run.total_tco2e)
    series = _sheet(client.get("/inventories/jurisdictions/dengfeng/export.xlsx"))
    assert series[1][0] == 2012
    compare = _sheet(client.get(f"/inventories/runs/compare/export.xlsx?old={run.pk}&new={run.pk}"))
    assert all(row[4] in (0, 0.0, None) for row in compare[1:])


def test_an_upload_with_a_bad_row_is_refused_naming_it(client_for, inventory_counts) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for("own_official")
    before = inventory_counts()
    upload = SimpleUploadedFile(
        "dengfeng.yaml",
        b"inventory: {year: 2011}\ncategories:\n  ippu.cement_clinker:\n    rows: [3]\n",
        "application/yaml",
    )
    response = client.post(
        "/inventories/new/", {"jurisdiction": "dengfeng", "year": "2011", "file": upload}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-testid="form-refused"' in html
    assert "sheet categories.ippu.cement_clinker, row 1" in html
    assert inventory_counts() == before


def test_the_jurisdiction_page_shows_the_latest_approved_or_published_inventory(
    inventory, compiled, client_for
) -> None:
    """The targets app's jurisdiction page has an inventory slot; the inventory app fills it
    with the latest approved or published inventory (a newer draft is not it), its totals
    and direct emissions by sector, and links to the inventory pages — as the visitor may
    see it."""
    published = compiled(inventory("published", year=2012))
    approved = compiled(inventory("approved", year=2013))
    compiled(inventory("draft", year=2014))
    url = "/targets/jurisdictions/dengfeng/"

    def panel(persona: str) -> str:
        client = client_for(persona)
        client.cookies["citycarbon_language"] = "en"
        html = client.get(url).content.decode()
        start = html.index('data-testid="inventory-panel"')
        return html[start : html.index("</section>", start)]

    office = panel("office")  # sees approved work: 2013
    assert "2013: " in office
    assert f"/inventories/runs/{approved.pk}/" in office
    assert f"/inventories/{approved.inventory_id}/" in office
    assert "/inventories/jurisdictions/dengfeng/" in office
    assert "2014" not in office  # the draft is not the latest approved or published
    by_sector = approved.summary["by_sector_tco2e"]
    assert by_sector  # the demonstration input has direct emissions
    with translation.override("en"):
        rows = [f"<td>{selectors.sector_name(s)}</td>" for s in SECTORS if s in by_sector]
    for row, (_sector, tco2e) in zip(rows, sorted(by_sector.items(), key=_in_order), strict=True):
        assert f'{row}<td class="number">{tco2e / 1e4:,.1f}</td>' in office
    total = f"{approved.total_tco2e / 1e4:,.1f}"
    assert f"2013: {total} × 10⁴ t CO2e including LUCF." in office
    public = panel("anonymous")  # published work only: 2012
    assert "2012: " in public
    assert f"/inventories/runs/{published.pk}/" in public
    assert f"/inventories/runs/{approved.pk}/" not in public
    other = panel("other_official")  # Xinmi's official does not see Dengfeng's approved one
    assert f"/inventories/runs/{published.pk}/" in other
    assert "2013" not in other


def test_the_panel_without_an_approved_inventory(inventory, compiled, client_for) -> None:
    compiled(inventory("draft", year=2012))
    client = client_for("office")
    client.cookies["citycarbon_language"] = "en"
    html = client.get("/targets/jurisdictions/dengfeng/").content.decode()
    assert 'data-testid="inventory-panel"' in html
    assert "No approved or published inventory yet." in html
