"""The audit trail: written with the change, immutable, with request id and address."""

from __future__ import annotations

import pytest
from django.db import transaction

from citycarbon.server.common.context import RequestMeta, using
from citycarbon.server.common.errors import ImmutableRecordError
from citycarbon.server.common.models import AccessToken, AuditEvent
from citycarbon.server.common.services import record_event, snapshot

pytestmark = pytest.mark.django_db


@pytest.mark.django_db(transaction=True)
def test_events_are_written_only_inside_the_change_s_transaction(users) -> None:
    with pytest.raises(RuntimeError, match="inside the transaction"):
        record_event(actor=users["office"], action="x.y", object_type="t", object_id="1")


def test_event_records_who_what_and_the_request(users) -> None:
    with using(RequestMeta(request_id="req-12345678", ip="10.1.2.3")), transaction.atomic():
        event = record_event(
            actor=users["office"],
            action="geo.update_jurisdiction",
            object_type="geo.jurisdiction",
            object_id="7",
            before={"name_en": "Old"},
            after={"name_en": "New"},
            reason="renamed",
        )
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.actor_name == "office"
    assert (stored.request_id, stored.ip) == ("req-12345678", "10.1.2.3")
    assert (stored.before, stored.after, stored.reason) == (
        {"name_en": "Old"},
        {"name_en": "New"},
        "renamed",
    )


def test_events_cannot_be_changed_or_deleted(users) -> None:
    with transaction.atomic():
        event = record_event(actor=None, action="x.y", object_type="t", object_id="1")
    assert event.actor_name == "system"
    event.action = "z"
    with pytest.raises(ImmutableRecordError):
        event.save()
    with pytest.raises(ImmutableRecordError):
        event.delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "x.y"


def test_snapshots_leave_secrets_out(users) -> None:
    user_data = snapshot(users["office"])
    assert "password" not in user_data
    assert user_data["username"] == "office"
    token = AccessToken(user=users["office"], name="t", prefix="cct_abc", digest="d" * 64)
    assert "digest" not in snapshot(token)


def test_a_request_s_id_and_address_reach_the_event(client_for, api_json) -> None:
    client = client_for("office")
    response = api_json(
        client,
        "post",
        "/api/tokens",
        {"name": "ci", "read_only": True, "expires_in_days": 30},
        HTTP_X_REQUEST_ID="trace-abcdef123",
        REMOTE_ADDR="192.0.2.10",
    )
    assert response.status_code == 201
    assert response["X-Request-ID"] == "trace-abcdef123"
    event = AuditEvent.objects.filter(action="common.create_token").latest("pk")
    assert (event.request_id, event.ip) == ("trace-abcdef123", "192.0.2.10")
    assert event.after is not None
    assert event.after["name"] == "ci"


def test_a_made_up_request_id_is_replaced(client_for) -> None:
    response = client_for("anonymous").get("/", HTTP_X_REQUEST_ID="bad id with spaces")
    assert response["X-Request-ID"] != "bad id with spaces"
    assert len(response["X-Request-ID"]) == 32
