"""Factor sets: the shipped library stored as the published set ``builtin``, read back as the
kernel's library; new versions with a local grid factor, comparison, publication; refusals that
change nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from factors_support import LOCAL_GRID

from citycarbon.factors import FactorLibrary, default_library
from citycarbon.server.common import services as common
from citycarbon.server.common.errors import (
    ConflictError,
    ImmutableRecordError,
    InvalidTransitionError,
    NotFoundError,
    PermissionDeniedError,
    ValidationFailedError,
)
from citycarbon.server.common.models import AuditEvent
from citycarbon.server.factors import selectors, services
from citycarbon.server.factors.models import FactorRow, FactorSet

pytestmark = pytest.mark.django_db


def _actions(item: FactorSet) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type="factors.factorset", object_id=str(item.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )


def test_the_shipped_library_is_the_published_set_builtin(builtin: FactorSet) -> None:
    shipped = default_library()
    assert (builtin.name, builtin.version, builtin.state) == ("builtin", 1, "published")
    assert builtin.rows.count() == len(shipped.rows)
    assert _actions(builtin) == [
        "lifecycle.create",
        "factors.load_rows",
        "lifecycle.submit",
        "lifecycle.approve",
        "lifecycle.publish",
    ]
    # Every stored row carries the kernel's columns and the CSV it came from.
    row = builtin.rows.get(factor_id="grid.central.2012")
    assert (row.value, row.unit, row.kind, row.status, row.file) == (
        "0.5257",
        "tCO2/MWh",
        "grid_average",
        "C-3",
        "grid.csv",
    )
    assert row.source.startswith("NDRC, 2011年和2012年中国区域电网平均二氧化碳排放因子")


def test_the_stored_set_is_the_kernel_library_row_for_row(builtin: FactorSet) -> None:
    library = selectors.factor_library(builtin)
    assert isinstance(library, FactorLibrary)
    assert library.version == "builtin@v1"
    stored = {row.id: row.as_dict() for row in library.rows}
    shipped = {row.id: row.as_dict() for row in default_library().rows}
    assert stored == shipped
    # Looked up as the kernel looks it up: the 2012 central-China grid average.
    found = library.find("grid_ef", "central_china_grid", kind="grid_average", year=2012)
    assert found.value == Decimal("0.5257")


def test_loading_again_changes_nothing(builtin: FactorSet, jurisdictions) -> None:
    events = AuditEvent.objects.count()
    outcome = services.do_load_library(None, jurisdiction=jurisdictions["zhengzhou"])
    assert outcome.outcome == "unchanged"
    assert outcome.factor_set.pk == builtin.pk
    assert AuditEvent.objects.count() == events
    assert FactorSet.objects.count() == 1


def test_a_changed_library_becomes_a_new_published_version(builtin, jurisdictions) -> None:
    shipped = default_library()
    changed_rows = tuple(
        row if row.id != "heat.default" else type(row)(**{**_fields(row), "value": Decimal("0.12")})
        for row in shipped.rows
    )
    changed = FactorLibrary(changed_rows, version="builtin-next")
    outcome = services.do_load_library(
        None, jurisdiction=jurisdictions["zhengzhou"], library=changed
    )
    assert outcome.outcome == "corrected"
    new = outcome.factor_set
    assert (new.version, new.state, new.supersedes_id) == (2, "published", builtin.pk)
    assert "builtin-next" in new.correction_reason
    comparison = selectors.compare_sets(builtin, new)
    assert (comparison.added, comparison.removed, comparison.changed) == (0, 0, 1)
    assert comparison.changes[0].fields["value"] == ("0.11", "0.12")


def _fields(row):
    return {name: getattr(row, name) for name in row.__dataclass_fields__}


def test_office_opens_a_version_with_a_local_grid_factor_compares_and_publishes(
    builtin: FactorSet, users
) -> None:
    office = users["office"]
    draft = common.do_correct(office, builtin, "Henan's own 2012 grid factor")
    assert (draft.version, draft.state) == (2, "draft")
    assert draft.rows.count() == builtin.rows.count()

    # Override the central-China average with a local value, and add a provincial factor.
    central = builtin.rows.get(factor_id="grid.central.2012").as_data()
    services.do_set_row(
        office,
        draft,
        {**central, "value": "0.6100", "source": "Henan EPB notice (test)", "status": "V-doc"},
    )
    services.do_set_row(office, draft, LOCAL_GRID)
    services.do_remove_row(office, draft, "heat.default")
    events = AuditEvent.objects.count()
    services.do_set_row(office, draft, LOCAL_GRID)  # the same row again: nothing happens
    services.do_remove_row(office, draft, "heat.default")  # removed already
    assert AuditEvent.objects.count() == events

    comparison = selectors.compare_sets(builtin, draft)
    assert (comparison.added, comparison.removed, comparison.changed) == (1, 1, 1)
    changed = next(c for c in comparison.changes if c.change == "changed")
    assert changed.factor_id == "grid.central.2012"
    assert changed.fields["value"] == ("0.5257", "0.6100")
    assert changed.fields["status"] == ("C-3", "V-doc")
    assert comparison.unchanged == builtin.rows.count() - 2

    for step in (common.do_submit, common.do_approve, common.do_publish):
        draft = step(office, draft)
    library = selectors.factor_library(draft)
    assert library.version == "builtin@v2"
    # A Henan lookup now finds the provincial row first (docs/factors.md: region chain).
    found = library.find("grid_ef", "henan", kind="grid_average", year=2012)
    assert (found.id, found.value) == ("grid.henan.local.2012", Decimal("0.6230"))
    # The previous version is untouched.
    old = selectors.factor_library(builtin)
    assert old.get("grid.central.2012").value == Decimal("0.5257")


def test_published_sets_and_their_rows_never_change(builtin, users, factor_counts) -> None:
    office = users["office"]
    before = factor_counts()
    with pytest.raises(ImmutableRecordError):
        services.do_set_row(office, builtin, LOCAL_GRID)
    with pytest.raises(ImmutableRecordError):
        services.do_remove_row(office, builtin, "heat.default")
    row = FactorRow.objects.get(factor_set=builtin, factor_id="heat.default")
    row.value = "0.2"
    with pytest.raises(ImmutableRecordError):
        row.save()
    with pytest.raises(ImmutableRecordError):
        row.delete()
    with pytest.raises(ImmutableRecordError):
        FactorSet.objects.get(pk=builtin.pk).delete()
    assert factor_counts() == before


def test_submitted_sets_are_frozen(factor_set, users, factor_counts) -> None:
    item = factor_set("submitted")
    before = factor_counts()
    with pytest.raises(InvalidTransitionError):
        services.do_set_row(users["office"], item, LOCAL_GRID)
    assert factor_counts() == before


def test_a_bad_row_is_refused_with_every_problem_named(factor_set, users, factor_counts) -> None:
    item = factor_set("draft")
    before = factor_counts()
    bad = {
        **LOCAL_GRID,
        "factor_id": "has space",
        "value": "zero point six",
        "unit": "furlongs",
        "gas": "XYZ",
        "kind": "grid_guess",
        "status": "maybe",
        "source": "",
        "year_from": 2015,
        "year_to": 2012,
    }
    with pytest.raises(ValidationFailedError) as refused:
        services.do_set_row(users["office"], item, bad)
    problems = {(e.field, e.value) for e in refused.value.errors}
    assert problems == {
        ("factor_id", "has space"),
        ("value", "zero point six"),
        ("unit", "furlongs"),
        ("gas", "XYZ"),
        ("kind", "grid_guess"),
        ("status", "maybe"),
        ("source", None),
        ("year_to", 2012),
    }
    assert factor_counts() == before


def test_district_officials_and_reviewers_cannot_touch_the_citys_sets(
    factor_set, users, factor_counts
) -> None:
    item = factor_set("draft")
    before = factor_counts()
    with pytest.raises(NotFoundError):  # the city's draft is outside the district's scope
        services.do_set_row(users["own_official"], item, LOCAL_GRID)
    with pytest.raises(PermissionDeniedError):  # the reviewer sees it but changes nothing
        services.do_set_row(users["reviewer"], item, LOCAL_GRID)
    with pytest.raises(PermissionDeniedError):
        common.do_submit(users["reviewer"], item)
    with pytest.raises(NotFoundError):
        common.do_submit(users["other_official"], item)
    assert factor_counts() == before


def test_a_set_is_the_citys_and_its_name_is_unique(
    builtin, jurisdictions, users, factor_counts
) -> None:
    before = factor_counts()
    with pytest.raises(ConflictError):
        services.do_create_set(
            users["office"], jurisdiction=jurisdictions["zhengzhou"], name="builtin", title="x"
        )
    with pytest.raises(ValidationFailedError) as not_city:
        services.do_create_set(
            users["office"], jurisdiction=jurisdictions["dengfeng"], name="deng", title="x"
        )
    assert not_city.value.field == "jurisdiction"
    with pytest.raises(PermissionDeniedError):
        services.do_create_set(
            users["own_official"], jurisdiction=jurisdictions["zhengzhou"], name="d", title="x"
        )
    assert factor_counts() == before


def test_an_empty_set_cannot_be_submitted(jurisdictions, users, factor_counts) -> None:
    item = services.do_create_set(
        users["office"], jurisdiction=jurisdictions["zhengzhou"], name="empty", title="Empty"
    )
    before = factor_counts()
    with pytest.raises(ValidationFailedError) as refused:
        common.do_submit(users["office"], item)
    assert refused.value.field == "rows"
    assert factor_counts() == before


def test_a_copy_starts_with_the_rows_of_its_source(builtin, jurisdictions, users) -> None:
    item = services.do_create_set(
        users["office"],
        jurisdiction=jurisdictions["zhengzhou"],
        name="zhengzhou-local",
        title="Zhengzhou local factors",
        copy_from=builtin,
    )
    assert item.rows.count() == builtin.rows.count()
    assert selectors.rows_digest(item) == selectors.rows_digest(builtin)
    event = AuditEvent.objects.filter(action="factors.load_rows", object_id=str(item.pk)).get()
    assert event.after is not None
    assert event.after["from"] == "builtin@v1"


def test_compare_counts_a_value_written_differently_as_the_same(factor_set, users) -> None:
    item = factor_set("draft")
    other = factor_set("draft", name="other")
    services.do_set_row(users["office"], other, {**LOCAL_GRID, "value": "0.62300"})
    comparison = selectors.compare_sets(item, other)
    assert comparison.changes == []
    assert comparison.unchanged == 2
