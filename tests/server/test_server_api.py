"""The API as a whole: docs, error mapping, CSRF, size limits."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_openapi_docs_and_schema(client_for) -> None:
    client = client_for("anonymous")
    docs = client.get("/api/docs")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html  # served locally, no CDN
    assert "cdn" not in html.lower()
    schema = client.get("/api/openapi.json").json()
    paths = schema["paths"]
    for path in (
        "/api/me",
        "/api/tokens",
        "/api/audit/events",
        "/api/geo/jurisdictions",
        "/api/geo/jurisdictions/{code}",
    ):
        assert path in paths
    schemes = schema["components"]["securitySchemes"]
    assert {"BearerTokenAuth", "SessionAuth"} <= set(schemes)


def _english(client: Client) -> Client:
    client.cookies["citycarbon_language"] = "en"
    return client


def test_not_found_names_field_and_value(client_for) -> None:
    response = _english(client_for("anonymous")).get("/api/geo/jurisdictions/atlantis")
    assert response.status_code == 404
    assert response.json() == {
        "code": "not_found",
        "message": "Jurisdiction not found.",
        "field": "code",
        "value": "atlantis",
    }
    chinese = client_for("anonymous").get("/api/geo/jurisdictions/atlantis").json()
    assert chinese["message"] == "未找到辖区。"


def test_invalid_request_is_422_with_field_and_value(client_for) -> None:
    response = client_for("office").get("/api/audit/events?page=0")
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_request"
    assert body["field"] == "page"
    assert body["value"] == "0"


def test_domain_validation_is_400(client_for) -> None:
    response = client_for("office").get("/api/audit/events?date_from=2013-05-15&date_to=2013-05-01")
    assert response.status_code == 400
    body = response.json()
    assert (body["code"], body["field"], body["value"]) == ("invalid", "date_to", "2013-05-01")


def test_conflict_is_409(client_for, specimen, counts) -> None:
    published = specimen("published")
    client = _english(client_for("office"))
    before = counts()
    response = client.post(f"/api/testing/specimens/{published.pk}/submit")
    assert response.status_code == 409
    assert response.json() == {
        "code": "invalid_transition",
        "message": "This step is not possible from the record's state.",
        "field": "state",
        "value": "published",
    }
    assert counts() == before


def test_session_writes_need_the_csrf_token(users, specimen, counts) -> None:
    draft = specimen("draft")
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["own_official"])
    before = counts()
    response = client.post(f"/api/testing/specimens/{draft.pk}/submit")
    assert response.status_code == 403
    assert counts() == before


def test_oversized_requests_are_refused_before_reading(client_for, counts, settings) -> None:
    settings.CITYCARBON_MAX_REQUEST_BYTES = 1000
    client = client_for("office")
    before = counts()
    response = client.post(
        "/api/tokens", data={"name": "x" * 2000}, content_type="application/json"
    )
    assert response.status_code == 413
    assert response.json()["field"] == "body"
    assert counts() == before


def test_me_for_anonymous(client_for) -> None:
    body = client_for("anonymous").get("/api/me").json()
    assert body == {
        "authenticated": False,
        "username": None,
        "via_token": False,
        "read_only": False,
        "grants": [{"role": "public", "scope_kind": "global", "scope_id": 0, "scope": "全部"}],
    }


def test_audit_api_filters_and_pages(users, client_for, specimen) -> None:
    specimen("published")
    client = client_for("office")
    everything = client.get("/api/audit/events?page_size=2").json()
    assert everything["page"] == 1
    assert len(everything["items"]) == 2
    assert everything["pages"] == (everything["count"] + 1) // 2
    publishes = client.get("/api/audit/events?action=lifecycle.publish").json()
    assert publishes["count"] == 1
    item = publishes["items"][0]
    assert (item["actor"], item["object_type"]) == ("office", "testing.specimen")
    assert item["before"]["state"] == "approved"
    assert item["after"]["state"] == "published"
    assert client.get("/api/audit/events?page=99").status_code == 404
