"""Stored inventories and their compilations: a compilation is the kernel's result for the same
input and factor-set version, with its provenance; the lifecycle, corrections and
recalculation differences; refusals that change nothing; the demonstration loader."""

from __future__ import annotations

import json
from typing import Any

import pytest
from inventory_support import demo_form

from citycarbon import __version__
from citycarbon.inventory import compile_inventory, read_form
from citycarbon.inventory.reference import ceads_city
from citycarbon.server.common import services as common
from citycarbon.server.common.errors import (
    ConflictError,
    ImmutableRecordError,
    PermissionDeniedError,
    ValidationFailedError,
)
from citycarbon.server.common.models import AuditEvent
from citycarbon.server.factors import services as factor_services
from citycarbon.server.factors.selectors import factor_library
from citycarbon.server.inventory import selectors, services
from citycarbon.server.inventory.models import Inventory, InventoryRun

pytestmark = pytest.mark.django_db


def _kernel(item: Inventory, factor_set: Any, metric: str = "SARGWP100") -> Any:
    return compile_inventory(
        read_form(services.effective_form(item)), metric=metric, library=factor_library(factor_set)
    )


def _plain(data: Any) -> Any:
    """As stored in a JSON column and read back."""
    return json.loads(json.dumps(data))


def test_a_compilation_is_the_kernels_result_with_its_provenance(
    inventory, compiled, builtin, users
) -> None:
    item = inventory("published")
    run = compiled(item)
    kernel = _kernel(item, builtin)
    assert run.status == "done"
    assert run.result == _plain(kernel.as_dict())
    assert run.total_tco2e == float(kernel.total().value)
    assert run.total_without_lucf_tco2e == float(kernel.total(include_lucf=False).value)
    # Provenance: input version and digest, factor-set version and digest, metric, engine,
    # who and when.
    assert run.result["inventory"]["factor_library"] == "builtin@v1"
    assert (run.factor_library, run.metric) == ("builtin@v1", "SARGWP100")
    assert run.engine_version == f"citycarbon {__version__}"
    assert run.input_digest == services.form_digest(services.effective_form(item))
    assert run.created_by == users["office"]
    assert run.finished_at is not None
    assert run.inventory_id == item.pk
    assert run.factor_set_id == builtin.pk
    # Hand-worked (demonstration input of Dengfeng 2012): clinker 302.14 × 10^4 t × 0.538
    # tCO2/t (inv.clinker_ef.provincial) = 1 625 513.2 tCO2; electricity exported
    # 54.5761 × 10^8 kWh = 5 457 610 MWh × 0.5257 tCO2/MWh (grid.central.2012)
    # = 2 869 065.577 tCO2, reported as an indirect export.
    clinker = next(c for c in run.result["categories"] if c["id"] == "ippu.cement_clinker")
    assert clinker["masses_t"]["CO2"] == pytest.approx(1_625_513.2, rel=1e-12)
    assert run.summary["indirect"]["electricity"]["exports_tco2"] == pytest.approx(
        2_869_065.577, rel=1e-12
    )
    events = AuditEvent.objects.filter(object_type="inventory.inventoryrun", object_id=str(run.pk))
    assert list(events.order_by("pk").values_list("action", flat=True)) == [
        "inventory.request_compile",
        "inventory.compile",
    ]


def test_another_factor_set_version_gives_the_kernels_result_for_that_version(
    inventory, compiled, builtin, users
) -> None:
    office = users["office"]
    local = common.do_correct(office, builtin, "Henan's own 2012 grid factor")
    row = local.rows.get(factor_id="grid.central.2012").as_data()
    factor_services.do_set_row(
        office, local, {**row, "value": "0.6230", "source": "Henan EPB (test)", "status": "V-doc"}
    )
    item = inventory("published")
    before = compiled(item)
    after = compiled(item, factor_set=local)
    assert after.result == _plain(_kernel(item, local).as_dict())
    assert after.factor_library == "builtin@v2"
    # 5 457 610 MWh × 0.6230 tCO2/MWh = 3 400 091.03 tCO2 exported.
    assert after.summary["indirect"]["electricity"]["exports_tco2"] == pytest.approx(
        3_400_091.03, rel=1e-12
    )
    # Indirect emissions are in no total: the direct totals are the same.
    assert after.total_tco2e == before.total_tco2e
    differences = selectors.recalculation(before, after)
    changed = {r["id"] for r in differences["rows"] if r["difference"]}
    assert changed == {"energy.indirect_electricity"}
    assert differences["causes"] == {
        "input": False,
        "factors": True,
        "metric": False,
        "engine": False,
    }


def test_compiling_again_with_the_same_options_finds_the_first_compilation(
    inventory, compiled
) -> None:
    item = inventory("published")
    first = compiled(item)
    events = AuditEvent.objects.count()
    again = compiled(item)
    assert again.pk == first.pk
    assert AuditEvent.objects.count() == events
    other_metric = compiled(item, metric="AR5GWP100")
    assert other_metric.pk != first.pk
    assert other_metric.result == _plain(_kernel(item, first.factor_set, "AR5GWP100").as_dict())


def test_a_compilation_advances_stage_by_stage(inventory, builtin, users) -> None:
    office = users["office"]
    run = services.do_request_compile(
        office, inventory("published"), factor_set=builtin, iterations=500, seed=7
    )
    assert (run.status, run.stage, run.progress) == ("queued", "queued", 0)
    seen = []
    while not run.finished:
        run = services.do_advance_run(office, run)
        seen.append((run.status, run.stage, run.progress))
    assert seen == [
        ("running", "analyse", 40),
        ("running", "uncertainty", 70),
        ("done", "done", 100),
    ]
    stored = InventoryRun.objects.get(pk=run.pk)
    assert stored.uncertainty is not None
    assert (stored.uncertainty["iterations"], stored.uncertainty["seed"]) == (500, 7)
    assert stored.analysis is not None
    assert stored.analysis["key_categories"]["assessments"][0]["id"] == "L1-latest"
    # Advancing a finished compilation changes nothing.
    events = AuditEvent.objects.count()
    assert services.do_advance_run(office, stored).pk == stored.pk
    assert AuditEvent.objects.count() == events


def test_an_input_the_engine_refuses_is_a_refused_compilation_with_every_problem(
    inventory, compiled, users, builtin
) -> None:
    item = inventory("draft")
    form = demo_form()
    form["energy_balance"]["rows"]["total_supply"]["raw_coal"] = 999.0  # breaks the sums
    services.do_update_inventory(users["office"], item, {"form": form})
    run = compiled(Inventory.objects.get(pk=item.pk))
    assert run.status == "refused"
    assert run.result is None
    assert run.total_tco2e is None
    assert any(
        e["where"]
        and e["where"]["sheet"] == "energy_balance"
        and e["where"]["column"] == "raw_coal"
        for e in run.errors
    )
    assert AuditEvent.objects.filter(action="inventory.refuse", object_id=str(run.pk)).exists()


def test_the_lifecycle_by_the_right_people(jurisdictions, users, inventory_counts) -> None:
    official, office = users["own_official"], users["office"]
    item = services.do_create_inventory(
        official, jurisdiction=jurisdictions["dengfeng"], year=2013, form=demo_form(year=2013)
    )
    assert (item.state, item.version, item.created_by) == ("draft", 1, official)
    item = common.do_submit(official, item)
    before = inventory_counts()
    with pytest.raises(PermissionDeniedError):
        common.do_approve(official, item)
    assert inventory_counts() == before
    item = common.do_publish(office, common.do_approve(office, item))
    before = inventory_counts()
    with pytest.raises(ImmutableRecordError):
        services.do_update_inventory(office, item, {"form": demo_form(year=2013)})
    assert inventory_counts() == before
    correction = common.do_correct(office, item, "revised cement statistics")
    assert (correction.version, correction.state, correction.supersedes_id) == (2, "draft", item.pk)
    assert correction.form == item.form


def test_a_correction_shows_its_recalculation_differences_per_category(
    inventory, compiled, users
) -> None:
    office = users["office"]
    published = inventory("published")
    first = compiled(published)
    correction = common.do_correct(office, published, "clinker output revised")
    form = demo_form()
    clinker_rows = form["categories"]["ippu.cement_clinker"]["rows"]
    clinker_rows[0]["clinker"] = 312.14  # 10^4 t: ten more
    correction = services.do_update_inventory(office, correction, {"form": form})
    second = compiled(Inventory.objects.get(pk=correction.pk))
    result = selectors.recalculation(first, second)
    changed = {r["id"]: r for r in result["rows"] if r["difference"]}
    # 10 × 10^4 t clinker × 0.538 tCO2/t = 53 800 tCO2 (CO2, GWP 1).
    assert set(changed) == {"ippu.cement_clinker"}
    assert changed["ippu.cement_clinker"]["difference"] == pytest.approx(53_800.0, rel=1e-9)
    total = next(t for t in result["totals"] if t["name"] == "total_tco2e")
    assert total["difference"] == pytest.approx(53_800.0, rel=1e-9)
    assert result["causes"]["input"] is True


def test_refusals_change_nothing(
    inventory, builtin, jurisdictions, users, inventory_counts
) -> None:
    published = inventory("published")
    before = inventory_counts()
    with pytest.raises(ConflictError):  # one lineage per jurisdiction-year
        services.do_create_inventory(
            users["office"], jurisdiction=jurisdictions["dengfeng"], year=2012, form=demo_form()
        )
    with pytest.raises(ValidationFailedError) as wrong_year:
        services.do_create_inventory(
            users["office"], jurisdiction=jurisdictions["dengfeng"], year=2014, form=demo_form()
        )
    assert (wrong_year.value.errors[0].field, wrong_year.value.errors[0].value) == (
        "inventory.year",
        2012,
    )
    with pytest.raises(ValidationFailedError) as bad_shape:
        services.do_create_inventory(
            users["office"],
            jurisdiction=jurisdictions["xinmi"],
            year=2012,
            form={"inventory": {"year": "twenty twelve"}, "energy": {}},
        )
    fields = {e.field for e in bad_shape.value.errors}
    assert fields == {"sheet energy", "sheet inventory, row year"}
    with pytest.raises(PermissionDeniedError):  # another district: outside the official's scope
        services.do_create_inventory(
            users["own_official"],
            jurisdiction=jurisdictions["xinmi"],
            year=2013,
            form=demo_form("xinmi", 2013),
        )
    with pytest.raises(PermissionDeniedError):  # officials enter data; the office compiles
        services.do_request_compile(users["own_official"], published, factor_set=builtin)
    with pytest.raises(PermissionDeniedError):
        services.do_request_compile(users["reviewer"], published, factor_set=builtin)
    with pytest.raises(ValidationFailedError) as bad_metric:
        services.do_request_compile(users["office"], published, factor_set=builtin, metric="X")
    assert bad_metric.value.field == "metric"
    with pytest.raises(ValidationFailedError):
        services.do_request_compile(
            users["office"], published, factor_set=builtin, iterations=10**7
        )
    assert inventory_counts() == before


def test_a_compilation_never_changes_once_finished(inventory, compiled) -> None:
    run = compiled(inventory("published"))
    run.total_tco2e = 1.0
    with pytest.raises(ImmutableRecordError):
        run.save()
    with pytest.raises(ImmutableRecordError):
        InventoryRun.objects.get(pk=run.pk).delete()


def test_the_public_sees_compilations_of_published_inputs_and_factor_sets(
    inventory, compiled, builtin, users
) -> None:
    published, draft = inventory("published"), inventory("draft", year=2013)
    local = common.do_correct(users["office"], builtin, "a draft factor set")
    on_published = compiled(published)
    on_draft = compiled(draft)
    with_draft_factors = compiled(published, factor_set=local)
    visible = {
        persona: set(selectors.runs(users[persona]).values_list("pk", flat=True))
        for persona in ("public", "own_official", "other_official", "reviewer", "office")
    }
    everything = {on_published.pk, on_draft.pk, with_draft_factors.pk}
    assert visible["public"] == {on_published.pk}
    assert visible["other_official"] == {on_published.pk}
    assert visible["own_official"] == {on_published.pk, on_draft.pk}  # not the city's draft set
    assert visible["reviewer"] == everything
    assert visible["office"] == everything
    assert set(selectors.runs(None).values_list("pk", flat=True)) == {on_published.pk}


def test_the_current_compilation_of_a_year_is_the_newest_version(
    inventory, compiled, users, jurisdictions
) -> None:
    published = inventory("published")
    first = compiled(published)
    correction = common.do_correct(users["office"], published, "revised")
    second = compiled(correction)
    office_view = selectors.current_runs(users["office"], jurisdictions["dengfeng"])
    public_view = selectors.current_runs(None, jurisdictions["dengfeng"])
    assert office_view == {2012: second}
    assert public_view == {2012: first}  # the correction is a draft: not public
    summary = selectors.jurisdiction_summary(None, jurisdictions["dengfeng"])
    assert summary["latest"]["year"] == 2012
    assert summary["latest"]["total_tco2e"] == first.total_tco2e
    assert summary["has_reference"] is False


def test_the_demonstration_inventories_load_once(builtin, jurisdictions) -> None:
    outcome = services.do_load_demo_inventories(None, factor_set=builtin, years=(2012,))
    assert len(outcome.created) == 15  # the city and the 14 jurisdictions of the annex
    assert sorted(outcome.skipped) == ["gongyi", "zhengdong"]  # not on this platform
    assert sorted(outcome.compiled) == sorted(outcome.created)
    assert {code for code, _year in outcome.created} == set(jurisdictions)
    city = Inventory.objects.get(jurisdiction=jurisdictions["zhengzhou"], year=2012)
    assert city.state == "published"
    assert city.source == "demo:zhengzhou/zhengzhou_2012.yaml"
    run = InventoryRun.objects.get(inventory=city)
    assert run.total_tco2e == float(_kernel(city, builtin).total().value)
    events = AuditEvent.objects.count()
    again = services.do_load_demo_inventories(None, factor_set=builtin, years=(2012,))
    assert (len(again.created), len(again.unchanged)) == (0, 15)
    assert AuditEvent.objects.count() == events


def test_the_city_series_is_compared_with_ceads(builtin, jurisdictions) -> None:
    services.do_load_demo_inventories(None, factor_set=builtin, years=(2012, 2013), iterations=0)
    city = jurisdictions["zhengzhou"]
    comparison = selectors.ceads_comparison(None, city, "ceads")
    assert comparison is not None
    assert comparison.reference.id == "ceads:city:河南郑州"
    assert [y.year for y in comparison.years] == [2012, 2013]
    year = comparison.year(2012)
    # CEADs 河南郑州 2012: 80.72602349831489 Mt (ceads/zhengzhou_co2_mt.csv) = 80 726 023.5 t.
    assert year.reference_tco2 == pytest.approx(80_726_023.49831489, rel=1e-12)
    run = selectors.current_runs(None, city)[2012]
    assert year.inventory_tco2 == run.summary["scopes_tco2"]["ceads"]
    assert year.difference_tco2 == pytest.approx(year.inventory_tco2 - year.reference_tco2)
    assert ceads_city().citation in comparison.as_dict()["citation"]
    assert selectors.ceads_comparison(None, jurisdictions["dengfeng"]) is None
