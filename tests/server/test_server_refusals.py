"""Refused attempts in the audit trail (``citycarbon.server.common.refusals``): one event per
attempt, in its own transaction, with the error's code, field and value, the request's id and
address, and no data generation renewed."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django.test import RequestFactory

from citycarbon.server.common.context import RequestMeta, using
from citycarbon.server.common.errors import (
    Attempt,
    ConflictError,
    ErrorRecord,
    NotFoundError,
    ValidationFailedError,
)
from citycarbon.server.common.models import AuditEvent, DataGeneration, User
from citycarbon.server.common.refusals import (
    audited_refusals,
    record_refusal,
    record_request_refusal,
)

pytestmark = pytest.mark.django_db

ATTEMPT = Attempt("x.refused", "x.do_thing", "x.thing", "T-1", "thing T-1")


def _stamps() -> dict[str, int]:
    return dict(DataGeneration.objects.values_list("domain", "stamp"))


def _batch() -> ValidationFailedError:
    rows = [
        ErrorRecord("Negative.", field=f"rows[{i}].value", value=str(-i), row=i)
        for i in range(1, 26)
    ]
    return ValidationFailedError("25 problem(s).", field="rows[1].value", value="-1", errors=rows)


@pytest.mark.django_db(transaction=True)
def test_a_refusal_is_recorded_once_in_its_own_transaction(users: dict[str, User]) -> None:
    """Outside any transaction (as after the refused action rolled back): written and kept,
    with the error's code, field, value and the first 20 of 25 rows; the generations stay."""
    before = _stamps()
    error = _batch()
    with using(RequestMeta(request_id="req-refused-1", ip="192.0.2.7")):
        event = record_refusal(users["own_official"], error, ATTEMPT)
    assert event is not None
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.action, stored.actor_name, stored.actor_id) == (
        "x.refused",
        "official-dengfeng",
        users["own_official"].pk,
    )
    assert (stored.object_type, stored.object_id, stored.object_repr) == (
        "x.thing",
        "T-1",
        "thing T-1",
    )
    assert (stored.request_id, stored.ip, stored.reason) == (
        "req-refused-1",
        "192.0.2.7",
        "25 problem(s).",
    )
    assert stored.after is not None
    errors = stored.after.pop("errors")
    assert stored.after == {
        "attempted": "x.do_thing",
        "code": "invalid",
        "status": 400,
        "message": "25 problem(s).",
        "field": "rows[1].value",
        "value": "-1",
        "error_count": 25,
    }
    assert [row["row"] for row in errors] == list(range(1, 21))
    assert errors[19] == {
        "message": "Negative.",
        "field": "rows[20].value",
        "value": "-20",
        "row": 20,
        "severity": "error",
    }
    assert stored.before is None
    assert _stamps() == before
    # The same refusal again: nothing more.
    assert record_refusal(users["own_official"], error, ATTEMPT) is None
    assert AuditEvent.objects.filter(action="x.refused").count() == 1
    assert error.audited


def test_an_anonymous_or_system_attempt_names_itself(users: dict[str, User]) -> None:
    from django.contrib.auth.models import AnonymousUser

    anonymous = record_refusal(
        AnonymousUser(), NotFoundError("No.", field="code", value="Z"), ATTEMPT
    )
    system = record_refusal(None, ConflictError("Taken.", field="month", value="2015-03"), ATTEMPT)
    assert anonymous is not None
    assert system is not None
    assert (anonymous.actor_id, anonymous.actor_name) == (None, "anonymous")
    assert (system.actor_id, system.actor_name) == (None, "system")
    assert anonymous.after is not None
    assert system.after is not None
    assert (anonymous.after["code"], anonymous.after["status"], anonymous.after["value"]) == (
        "not_found",
        404,
        "Z",
    )
    assert (system.after["code"], system.after["status"], system.after["value"]) == (
        "conflict",
        409,
        "2015-03",
    )


def test_an_error_without_an_attempt_is_not_recorded(users: dict[str, User]) -> None:
    error = NotFoundError("No such thing.", field="code", value="T-9")
    assert record_refusal(users["office"], error) is None
    request = RequestFactory().get("/things/T-9/")
    request.user = users["office"]
    assert record_request_refusal(request, error) is None
    assert AuditEvent.objects.filter(action="x.refused").count() == 0


def test_the_handlers_record_a_marked_refusal_with_the_request(users: dict[str, User]) -> None:
    request = RequestFactory().get("/api/things/T-2")
    request.user = users["own_official"]
    error = NotFoundError("No such thing.", field="code", value="T-2").attempting(ATTEMPT)
    with using(RequestMeta(request_id="req-2", ip="192.0.2.8", request="GET /api/things/T-2")):
        event = record_request_refusal(request, error)
    assert event is not None
    assert event.after is not None
    assert (event.after["path"], event.after["field"], event.after["value"]) == (
        "GET /api/things/T-2",
        "code",
        "T-2",
    )
    assert record_request_refusal(request, error) is None
    assert AuditEvent.objects.filter(action="x.refused").count() == 1


# --- the decorator ------------------------------------------------------------------------


def _target(args: Any) -> tuple[str, str, str]:
    return "x.thing", str(args["code"]), f"thing {args['code']}"


calls: list[str] = []


@audited_refusals("x.refused", "x.inner", _target)
def _inner(actor: User | None, code: str, *, fail: bool = True) -> str:
    calls.append("inner")
    with transaction.atomic():
        User.objects.filter(pk=-1).update(first_name="never")
        if fail:
            raise ValidationFailedError("Wrong unit.", field="rows[2].unit", value="MWh")
    return code


@audited_refusals("x.refused", "x.outer", _target)
def _outer(actor: User | None, code: str) -> str:
    with transaction.atomic():
        return _inner(actor, code)


@audited_refusals("x.refused", "x.narrow", _target, kinds=(ConflictError,))
def _narrow(actor: User | None, code: str) -> str:
    raise ValidationFailedError("Bad.", field="code", value=code)


def test_a_decorated_service_records_its_refusals(users: dict[str, User]) -> None:
    before = _stamps()
    with pytest.raises(ValidationFailedError) as refused:
        _inner(users["office"], "T-3")
    assert refused.value.audited
    event = AuditEvent.objects.get(action="x.refused")
    assert (event.actor_name, event.object_id, event.object_repr) == (
        "office",
        "T-3",
        "thing T-3",
    )
    assert event.after is not None
    assert (event.after["attempted"], event.after["field"], event.after["value"]) == (
        "x.inner",
        "rows[2].unit",
        "MWh",
    )
    assert _stamps() == before
    # Allowed: nothing recorded.
    assert _inner(users["office"], "T-4", fail=False) == "T-4"
    assert AuditEvent.objects.filter(action="x.refused").count() == 1


def test_nested_services_record_once_under_the_outer_attempt(users: dict[str, User]) -> None:
    with pytest.raises(ValidationFailedError):
        _outer(users["office"], "T-5")
    event = AuditEvent.objects.get(action="x.refused")
    assert event.after is not None
    assert (event.object_id, event.after["attempted"]) == ("T-5", "x.outer")


def test_refusals_of_other_kinds_are_not_recorded(users: dict[str, User]) -> None:
    with pytest.raises(ValidationFailedError):
        _narrow(users["office"], "T-6")
    assert AuditEvent.objects.filter(action="x.refused").count() == 0
