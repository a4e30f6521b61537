"""Personal access tokens: created by a service, stored hashed, acting with the user's roles."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from citycarbon.server.common import services
from citycarbon.server.common.errors import PermissionDeniedError, ValidationFailedError
from citycarbon.server.common.models import AccessToken, AuditEvent

pytestmark = pytest.mark.django_db


def _bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_token_is_stored_only_as_a_hash(users) -> None:
    token, secret = services.do_create_token(users["office"], name="nightly export")
    assert secret.startswith("cct_")
    stored = AccessToken.objects.get(pk=token.pk)
    assert stored.digest == services.hash_token(secret)
    assert secret not in {stored.digest, stored.prefix, stored.name}
    assert stored.prefix == secret[:10]
    assert stored.read_only is True
    # default 90 days
    assert abs((stored.expires_at - stored.created_at) - timedelta(days=90)) < timedelta(seconds=1)
    event = AuditEvent.objects.get(action="common.create_token")
    assert secret not in str(event.after)
    assert "digest" not in (event.after or {})


def test_token_authenticates_as_its_user(users) -> None:
    _token, secret = services.do_create_token(users["own_official"], name="script")
    response = Client().get("/api/me", **_bearer(secret))
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == "official-dengfeng"
    assert body["via_token"] is True
    assert body["read_only"] is True
    assert {g["role"] for g in body["grants"]} == {"district_official", "public"}
    assert AccessToken.objects.get().last_used_at is not None


@pytest.mark.parametrize("problem", ["wrong", "revoked", "expired", "inactive-user"])
def test_bad_tokens_are_refused_not_treated_as_anonymous(users, problem) -> None:
    token, secret = services.do_create_token(users["office"], name="t")
    if problem == "wrong":
        secret = secret[:-2] + "xx"
    elif problem == "revoked":
        services.do_revoke_token(users["office"], token)
    elif problem == "expired":
        AccessToken.objects.filter(pk=token.pk).update(
            expires_at=timezone.now() - timedelta(seconds=1)
        )
    else:
        type(users["office"]).objects.filter(pk=users["office"].pk).update(is_active=False)
    response = Client().get("/api/geo/jurisdictions", **_bearer(secret))
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_read_only_token_cannot_write(users, specimen, counts) -> None:
    draft = specimen("draft")
    _token, secret = services.do_create_token(users["own_official"], name="ro", read_only=True)
    before = counts()
    response = Client().post(f"/api/testing/specimens/{draft.pk}/submit", **_bearer(secret))
    assert response.status_code == 403
    assert counts() == before
    assert Client().get(f"/api/testing/specimens/{draft.pk}", **_bearer(secret)).status_code == 200


def test_read_write_token_writes_within_the_user_s_scope(users, specimen) -> None:
    draft = specimen("draft")
    _token, secret = services.do_create_token(users["own_official"], name="rw", read_only=False)
    response = Client().post(f"/api/testing/specimens/{draft.pk}/submit", **_bearer(secret))
    assert response.status_code == 200
    assert response.json()["state"] == "submitted"
    event = AuditEvent.objects.filter(action="lifecycle.submit").latest("pk")
    assert event.actor == users["own_official"]


def test_tokens_cannot_create_tokens(users, counts) -> None:
    _token, secret = services.do_create_token(users["office"], name="rw", read_only=False)
    before = counts()
    response = Client().post(
        "/api/tokens", data={"name": "x"}, content_type="application/json", **_bearer(secret)
    )
    assert response.status_code == 401
    assert counts() == before


def test_create_and_revoke_through_the_api(users, client_for, api_json) -> None:
    client = client_for("own_official")
    created = api_json(client, "post", "/api/tokens", {"name": "laptop", "read_only": False})
    assert created.status_code == 201
    body = created.json()
    assert body["token"].startswith("cct_")
    assert body["read_only"] is False
    listed = client.get("/api/tokens").json()
    assert [item["name"] for item in listed] == ["laptop"]
    assert "token" not in listed[0]
    revoked = client.post(f"/api/tokens/{body['id']}/revoke")
    assert revoked.status_code == 200
    assert revoked.json()["revoked_at"] is not None
    assert Client().get("/api/me", **_bearer(body["token"])).status_code == 401


def test_others_tokens_are_hidden_except_from_the_office(users, client_for, counts) -> None:
    token, _secret = services.do_create_token(users["own_official"], name="theirs")
    other = client_for("other_official")
    before = counts()
    response = other.post(f"/api/tokens/{token.pk}/revoke")
    assert response.status_code == 404
    assert response.json()["field"] == "token_id"
    assert counts() == before
    assert client_for("office").post(f"/api/tokens/{token.pk}/revoke").status_code == 200


def test_token_input_is_validated(users, client_for, api_json, counts) -> None:
    office = client_for("office")
    before = counts()
    with pytest.raises(ValidationFailedError) as blank:
        services.do_create_token(users["office"], name="  ")
    assert blank.value.field == "name"
    with pytest.raises(ValidationFailedError) as too_long:
        services.do_create_token(users["office"], name="x", expires_in_days=400)
    assert (too_long.value.field, too_long.value.value) == ("expires_in_days", 400)
    with pytest.raises(PermissionDeniedError):
        services.do_revoke_token(
            users["other_official"], services.do_create_token(users["office"], name="y")[0]
        )
    response = api_json(office, "post", "/api/tokens", {"name": ""})
    assert response.status_code == 422
    assert response.json()["field"] == "name"
    assert AccessToken.objects.count() == 1  # only the office's "y"
    assert counts().values[0][1] == before.values[0][1] + 1  # one audit event: creating "y"


def test_account_page_creates_and_revokes(users, client_for) -> None:
    client = client_for("office")
    response = client.post(
        "/account/", {"name": "from page", "read_only": "on", "expires_in_days": "30"}
    )
    assert response.status_code == 200
    secret = response.context["new_secret"]
    assert secret.startswith("cct_")
    assert secret in response.content.decode()
    token = AccessToken.objects.get()
    assert client.get("/account/").content.decode().count(secret) == 0  # shown once
    assert client.post(f"/account/tokens/{token.pk}/revoke/").status_code == 302
    assert AccessToken.objects.get().revoked_at is not None
