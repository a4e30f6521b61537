"""The category totals a compilation's summary keeps (read from the result for compilations
made before), and the current compilation of a year for many jurisdictions in one query."""

from __future__ import annotations

import pytest

from citycarbon.server.common import services as common
from citycarbon.server.inventory import selectors
from citycarbon.server.inventory.models import InventoryRun

pytestmark = pytest.mark.django_db


def test_category_totals_of_a_result_by_hand() -> None:
    result = {
        "categories": [
            {
                "id": "energy.fuel_combustion", "code": "1A", "reporting": "direct",
                "tco2e": 600.0,
                "lines": [
                    {"subcategory": "1A1a", "tco2e": 250.0},
                    {"subcategory": "1A2f", "tco2e": 100.0},
                    {"subcategory": "1A1a", "tco2e": 150.0},
                    {"subcategory": "1A4b", "tco2e": 100.0},
                ],
            },
            {"id": "ippu.cement_clinker", "code": "2A1", "tco2e": "C", "lines": []},
            {"id": "ippu.lime", "code": "2A2", "tco2e": 0.0, "lines": []},
            {
                "id": "energy.indirect_electricity", "code": "1E", "reporting": "indirect",
                "tco2e": 40.0, "lines": [{"subcategory": "1E", "tco2e": 40.0}],
            },
        ]
    }  # fmt: skip
    by_category, by_subcategory = selectors.category_totals(result)
    # Confidential (C) → None; indirect categories are left out; 1A1a = 250 + 150 = 400.
    assert by_category == {
        "energy.fuel_combustion": 600.0, "ippu.cement_clinker": None, "ippu.lime": 0.0,
    }  # fmt: skip
    assert by_subcategory == {
        "energy.fuel_combustion": {"1A1a": 400.0, "1A2f": 100.0, "1A4b": 100.0}
    }
    assert selectors.category_totals(None) == ({}, {})


def test_the_summary_keeps_the_category_totals(inventory, compiled) -> None:
    run = compiled(inventory("published"))
    by_category = run.summary["by_category_tco2e"]
    # Hand-worked in test_server_inventory_services: clinker 302.14 × 10^4 t × 0.538 tCO2/t
    # = 1 625 513.2 tCO2 (CO2 only, so as many tCO2e).
    assert by_category["ippu.cement_clinker"] == pytest.approx(1_625_513.2, rel=1e-12)
    assert "energy.indirect_electricity" not in by_category  # indirect: not a direct total
    # The categories add up to the sectors' direct totals; fuel combustion's lines by
    # sub-category to the category.
    for sector, total in run.summary["by_sector_tco2e"].items():
        mine = [v for k, v in by_category.items() if k.startswith(f"{sector}.")]
        assert sum(mine) == pytest.approx(total, rel=1e-9, abs=1e-6)
    combustion = run.summary["by_subcategory_tco2e"]["energy.fuel_combustion"]
    assert sum(combustion.values()) == pytest.approx(
        by_category["energy.fuel_combustion"], rel=1e-9
    )
    assert all(code.startswith("1A") for code in combustion)
    # The same as read from the result.
    assert selectors.category_figures([run]) == {run.pk: selectors.category_totals(run.result)}


def test_older_compilations_are_read_from_their_result_in_one_query(
    inventory, compiled, django_assert_num_queries
) -> None:
    new = compiled(inventory("published"))
    old = compiled(inventory("published", jurisdiction="xinmi"))
    summary = {
        k: v
        for k, v in old.summary.items()
        if k not in ("by_category_tco2e", "by_subcategory_tco2e")
    }
    InventoryRun.objects.filter(pk=old.pk).update(summary=summary)
    items = list(selectors.runs(None).filter(pk__in=(new.pk, old.pk)))
    with django_assert_num_queries(1):  # the result of the older one only
        figures = selectors.category_figures(items)
    assert figures[old.pk] == selectors.category_totals(old.result)
    assert figures[new.pk] == (
        new.summary["by_category_tco2e"], new.summary["by_subcategory_tco2e"]
    )  # fmt: skip
    with django_assert_num_queries(0):
        selectors.category_figures([i for i in items if i.pk == new.pk])


def test_the_current_compilations_of_a_year_in_one_query(
    inventory, compiled, users, jurisdictions, django_assert_num_queries
) -> None:
    published = inventory("published")
    first = compiled(published)
    second = compiled(common.do_correct(users["office"], published, "revised"))
    other = compiled(inventory("published", jurisdiction="xinmi"))
    compiled(inventory("published", jurisdiction="xinmi", year=2010))
    places = [jurisdictions[c] for c in ("zhengzhou", "dengfeng", "xinmi")]
    with django_assert_num_queries(1):
        office = selectors.current_runs_of_year(users["office"], places, 2012)
        assert [r.inventory.jurisdiction.code for r in office.values()]  # no query more
    # The same choice as current_runs, one jurisdiction at a time; none for Zhengzhou.
    assert office == {
        jurisdictions["dengfeng"].pk: second, jurisdictions["xinmi"].pk: other,
    }  # fmt: skip
    for place in places:
        assert office.get(place.pk) == selectors.current_runs(users["office"], place).get(2012)
    # The correction is a draft: the public sees the published version's compilation.
    public = selectors.current_runs_of_year(None, places, 2012)
    assert public == {jurisdictions["dengfeng"].pk: first, jurisdictions["xinmi"].pk: other}
    assert "result" in office[jurisdictions["dengfeng"].pk].get_deferred_fields()
