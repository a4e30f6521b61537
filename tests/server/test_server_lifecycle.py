"""The versioned lifecycle: draft → submitted → approved → published, immutability, and
corrections as new versions — every step audited in its transaction, idempotent, refused
with nothing changed."""

from __future__ import annotations

import pytest

from citycarbon.server.common import services
from citycarbon.server.common.errors import (
    ConflictError,
    ImmutableRecordError,
    InvalidTransitionError,
    NotFoundError,
    PermissionDeniedError,
    ValidationFailedError,
)
from citycarbon.server.common.models import AuditEvent
from citycarbon.server.testing.models import Specimen, SpecimenLine

pytestmark = pytest.mark.django_db


def _events(item: Specimen) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type="testing.specimen", object_id=str(item.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )


def test_full_cycle_by_the_right_people(users, jurisdictions) -> None:
    official, office = users["own_official"], users["office"]
    item = services.do_create_draft(
        official, Specimen(jurisdiction=jurisdictions["dengfeng"], year=2013, value=3.0)
    )
    assert (item.state, item.version, item.created_by) == ("draft", 1, official)
    item = services.do_update_draft(official, item, {"value": 4.0, "note": "revised"})
    item = services.do_submit(official, item)
    assert item.state == "submitted"
    assert item.submitted_by == official
    item = services.do_approve(office, item)
    assert item.state == "approved"
    assert item.approved_by == office
    item = services.do_publish(office, item)
    assert item.state == "published"
    assert item.published_by == office
    assert _events(item) == [
        "lifecycle.create",
        "lifecycle.update",
        "lifecycle.submit",
        "lifecycle.approve",
        "lifecycle.publish",
    ]
    update = AuditEvent.objects.get(object_id=str(item.pk), action="lifecycle.update")
    assert update.before is not None
    assert update.after is not None
    assert (update.before["value"], update.after["value"]) == (3.0, 4.0)
    assert (update.before["note"], update.after["note"]) == ("", "revised")
    assert update.actor_name == "official-dengfeng"


def test_steps_are_idempotent(users, specimen) -> None:
    item = specimen("draft")
    other = specimen("draft")
    office = users["office"]
    services.do_submit(office, item)
    count = AuditEvent.objects.count()
    again = services.do_submit(office, item)
    assert again.state == "submitted"
    assert AuditEvent.objects.count() == count
    same = services.do_update_draft(office, other, {"value": 12.5})
    assert same.state == "draft"
    assert AuditEvent.objects.count() == count  # no change, no event


def test_published_record_is_immutable(users, specimen, counts) -> None:
    item = specimen("published")
    before = counts()
    item.value = 99.0
    with pytest.raises(ImmutableRecordError):
        item.save()
    with pytest.raises(ImmutableRecordError):
        Specimen.objects.get(pk=item.pk).delete()
    with pytest.raises(ImmutableRecordError) as refused:
        services.do_update_draft(users["office"], Specimen.objects.get(pk=item.pk), {"value": 1.0})
    assert (refused.value.field, refused.value.value) == ("state", "published")
    assert counts() == before
    assert Specimen.objects.get(pk=item.pk).value == 12.5


def test_submitted_record_is_frozen_until_returned(users, specimen, counts) -> None:
    item = specimen("submitted")
    office = users["office"]
    before = counts()
    with pytest.raises(InvalidTransitionError):
        services.do_update_draft(office, item, {"value": 1.0})
    with pytest.raises(ValidationFailedError) as no_reason:
        services.do_return(office, item, "  ")
    assert no_reason.value.field == "reason"
    assert counts() == before
    returned = services.do_return(office, item, "GDP deflator missing")
    assert returned.state == "draft"
    event = AuditEvent.objects.filter(action="lifecycle.return").latest("pk")
    assert event.reason == "GDP deflator missing"
    assert services.do_update_draft(office, returned, {"value": 13.0}).value == 13.0


@pytest.mark.parametrize(
    ("state", "action"),
    [
        ("draft", services.do_approve),
        ("draft", services.do_publish),
        ("submitted", services.do_publish),
        ("approved", services.do_submit),
        ("published", services.do_submit),
        ("published", services.do_approve),
    ],
)
def test_impossible_steps_are_refused(users, specimen, counts, state, action) -> None:
    item = specimen(state)
    before = counts()
    with pytest.raises(InvalidTransitionError) as refused:
        action(users["office"], item)
    assert (refused.value.field, refused.value.value) == ("state", state)
    assert refused.value.status == 409
    assert counts() == before


def test_record_checks_block_submission(users, specimen, counts) -> None:
    item = specimen("draft", value=-1.0)
    before = counts()
    with pytest.raises(ValidationFailedError) as refused:
        services.do_submit(users["own_official"], item)
    assert (refused.value.field, refused.value.value) == ("value", -1.0)
    assert counts() == before


def test_wrong_people_are_refused_and_nothing_changes(users, specimen, counts) -> None:
    draft = specimen("draft")
    submitted = specimen("submitted")
    before = counts()
    with pytest.raises(NotFoundError):
        services.do_submit(users["other_official"], draft)
    with pytest.raises(NotFoundError):
        services.do_update_draft(users["other_official"], draft, {"value": 1.0})
    with pytest.raises(PermissionDeniedError):
        services.do_approve(users["own_official"], submitted)
    with pytest.raises(PermissionDeniedError):
        services.do_submit(users["reviewer"], draft)
    with pytest.raises(NotFoundError):
        services.do_submit(users["public"], draft)
    assert counts() == before


def test_official_cannot_move_a_draft_out_of_its_jurisdiction(
    users, specimen, jurisdictions, counts
) -> None:
    draft = specimen("draft")
    before = counts()
    with pytest.raises(PermissionDeniedError):
        services.do_update_draft(
            users["own_official"], draft, {"jurisdiction": jurisdictions["xinmi"]}
        )
    assert counts() == before
    assert Specimen.objects.get(pk=draft.pk).jurisdiction_id == jurisdictions["dengfeng"].pk


def test_official_cannot_create_in_another_jurisdiction(users, jurisdictions, counts) -> None:
    before = counts()
    with pytest.raises(PermissionDeniedError):
        services.do_create_draft(
            users["own_official"], Specimen(jurisdiction=jurisdictions["xinmi"], year=2012, value=1)
        )
    with pytest.raises(ValidationFailedError) as invalid:
        services.do_create_draft(
            users["own_official"],
            Specimen(jurisdiction=jurisdictions["dengfeng"], year=2012, value=None),
        )
    assert invalid.value.field == "value"
    assert counts() == before


def test_correction_is_a_new_version_with_a_reason(users, specimen) -> None:
    published = specimen("published")
    office = users["office"]
    with pytest.raises(ValidationFailedError) as no_reason:
        services.do_correct(office, published, "")
    assert no_reason.value.field == "reason"
    correction = services.do_correct(
        office, published, "Coal use revised by the statistics bureau", {"value": 14.0}
    )
    assert correction.pk != published.pk
    assert (correction.version, correction.state) == (2, "draft")
    assert correction.lineage == published.lineage
    assert correction.supersedes_id == published.pk
    assert correction.correction_reason == "Coal use revised by the statistics bureau"
    assert (correction.value, correction.jurisdiction_id, correction.year) == (
        14.0,
        published.jurisdiction_id,
        published.year,
    )
    assert list(
        SpecimenLine.objects.filter(specimen=correction).values_list("label", "amount")
    ) == [("coal", 12.5)]
    original = Specimen.objects.get(pk=published.pk)
    assert (original.state, original.value, original.version) == ("published", 12.5, 1)
    event = AuditEvent.objects.filter(action="lifecycle.correct").latest("pk")
    assert event.object_id == str(correction.pk)
    assert event.reason == "Coal use revised by the statistics bureau"
    assert event.before is not None
    assert event.before["value"] == 12.5
    assert event.after is not None
    assert event.after["value"] == 14.0

    count = AuditEvent.objects.count()
    same = services.do_correct(office, published, "Coal use revised by the statistics bureau")
    assert same.pk == correction.pk
    assert AuditEvent.objects.count() == count
    with pytest.raises(ConflictError):
        services.do_correct(office, published, "another reason")
    with pytest.raises(InvalidTransitionError):
        services.do_correct(office, correction, "correcting a draft")
    assert Specimen.objects.filter(lineage=published.lineage).count() == 2


def test_official_may_not_correct(users, specimen, counts) -> None:
    published = specimen("published")
    before = counts()
    with pytest.raises(PermissionDeniedError):
        services.do_correct(users["own_official"], published, "mine")
    assert counts() == before
