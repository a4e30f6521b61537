"""Every endpoint and page, from every viewpoint: anonymous, an official of another district,
the official of the record's own district, the city office (and the reviewer and public).
A refused request changes nothing: the row counts, the record states and the audit trail are
the same afterwards.

The record under test belongs to Dengfeng (own official: ``official-dengfeng``; other
official: ``official-xinmi``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

pytestmark = pytest.mark.django_db

ANON, OTHER, OWN, OFFICE, REVIEWER, PUBLIC = (
    "anonymous",
    "other_official",
    "own_official",
    "office",
    "reviewer",
    "public",
)
LOGIN = 302  # pages send anonymous visitors to the sign-in page


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    url: str  # may contain {draft}, {submitted}, {approved}, {published}
    expected: dict[str, int]
    body: Any = None

    def __str__(self) -> str:
        return self.name


def everyone(status: int) -> dict[str, int]:
    return dict.fromkeys((ANON, OTHER, OWN, OFFICE, REVIEWER, PUBLIC), status)


CASES = [
    # --- pages ---------------------------------------------------------------------------
    Case("home page", "get", "/", everyone(200)),
    Case("jurisdiction list page", "get", "/jurisdictions/", everyone(200)),
    Case("jurisdiction page", "get", "/jurisdictions/dengfeng/", everyone(200)),
    Case("unknown jurisdiction page", "get", "/jurisdictions/atlantis/", everyone(404)),
    Case("jurisdiction export", "get", "/jurisdictions/export.xlsx", everyone(200)),
    Case(
        "audit trail page",
        "get",
        "/audit/",
        {ANON: LOGIN, OTHER: 403, OWN: 403, OFFICE: 200, REVIEWER: 403, PUBLIC: 403},
    ),
    Case(
        "audit trail export",
        "get",
        "/audit/export.xlsx",
        {ANON: LOGIN, OTHER: 403, OWN: 403, OFFICE: 200, REVIEWER: 403, PUBLIC: 403},
    ),
    Case(
        "account page",
        "get",
        "/account/",
        {ANON: LOGIN, OTHER: 200, OWN: 200, OFFICE: 200, REVIEWER: 200, PUBLIC: 200},
    ),
    Case(
        "password page",
        "get",
        "/account/password/",
        {ANON: LOGIN, OTHER: 200, OWN: 200, OFFICE: 200, REVIEWER: 200, PUBLIC: 200},
    ),
    # --- API: common --------------------------------------------------------------------------
    Case("me", "get", "/api/me", everyone(200)),
    Case(
        "list tokens",
        "get",
        "/api/tokens",
        {ANON: 401, OTHER: 200, OWN: 200, OFFICE: 200, REVIEWER: 200, PUBLIC: 200},
    ),
    Case(
        "audit events",
        "get",
        "/api/audit/events",
        {ANON: 401, OTHER: 403, OWN: 403, OFFICE: 200, REVIEWER: 403, PUBLIC: 403},
    ),
    # --- API: geo -----------------------------------------------------------------------------
    Case("list jurisdictions", "get", "/api/geo/jurisdictions", everyone(200)),
    Case("get jurisdiction", "get", "/api/geo/jurisdictions/dengfeng", everyone(200)),
    Case("get unknown jurisdiction", "get", "/api/geo/jurisdictions/atlantis", everyone(404)),
    # --- API: a versioned record of Dengfeng ---------------------------------------------------
    Case("list specimens", "get", "/api/testing/specimens", everyone(200)),
    Case(
        "get draft",
        "get",
        "/api/testing/specimens/{draft}",
        {ANON: 404, OTHER: 404, OWN: 200, OFFICE: 200, REVIEWER: 200, PUBLIC: 404},
    ),
    Case("get published", "get", "/api/testing/specimens/{published}", everyone(200)),
    Case(
        "create draft in Dengfeng",
        "post",
        "/api/testing/specimens",
        {ANON: 401, OTHER: 403, OWN: 201, OFFICE: 201, REVIEWER: 403, PUBLIC: 403},
        {"jurisdiction": "dengfeng", "year": 2014, "value": 1.5},
    ),
    Case(
        "change draft",
        "patch",
        "/api/testing/specimens/{draft}",
        {ANON: 401, OTHER: 404, OWN: 200, OFFICE: 200, REVIEWER: 403, PUBLIC: 404},
        {"value": 20.0},
    ),
    Case(
        "submit draft",
        "post",
        "/api/testing/specimens/{draft}/submit",
        {ANON: 401, OTHER: 404, OWN: 200, OFFICE: 200, REVIEWER: 403, PUBLIC: 404},
    ),
    Case(
        "approve submitted",
        "post",
        "/api/testing/specimens/{submitted}/approve",
        {ANON: 401, OTHER: 404, OWN: 403, OFFICE: 200, REVIEWER: 403, PUBLIC: 404},
    ),
    Case(
        "return submitted",
        "post",
        "/api/testing/specimens/{submitted}/return",
        {ANON: 401, OTHER: 404, OWN: 403, OFFICE: 200, REVIEWER: 403, PUBLIC: 404},
        {"reason": "check the coal figure"},
    ),
    Case(
        "publish approved",
        "post",
        "/api/testing/specimens/{approved}/publish",
        {ANON: 401, OTHER: 404, OWN: 403, OFFICE: 200, REVIEWER: 403, PUBLIC: 404},
    ),
    Case(
        "correct published",
        "post",
        "/api/testing/specimens/{published}/correct",
        {ANON: 401, OTHER: 403, OWN: 403, OFFICE: 201, REVIEWER: 403, PUBLIC: 403},
        {"reason": "revised statistics"},
    ),
    Case(
        "change published",
        "patch",
        "/api/testing/specimens/{published}",
        {ANON: 401, OTHER: 403, OWN: 409, OFFICE: 409, REVIEWER: 403, PUBLIC: 403},
        {"value": 1.0},
    ),
]


@pytest.mark.parametrize("case", CASES, ids=str)
@pytest.mark.parametrize("persona", [ANON, OTHER, OWN, OFFICE, REVIEWER, PUBLIC])
def test_access(
    case: Case,
    persona: str,
    client_for: Callable[[str], Any],
    specimen: Callable[..., Any],
    counts: Callable[[], Any],
    api_json: Callable[..., Any],
) -> None:
    records = {
        state: specimen(state).pk for state in ("draft", "submitted", "approved", "published")
    }
    client = client_for(persona)
    url = case.url.format(**records)
    before = counts()
    response = api_json(client, case.method, url, case.body)
    expected = case.expected[persona]
    assert response.status_code == expected, (case.name, persona, response.content[:300])
    if expected == LOGIN:
        assert response["Location"].startswith("/login/?next=")
    if expected >= 300:
        assert counts() == before, f"{case.name} refused for {persona} but changed data"
    if url.startswith("/api/") and expected >= 400:
        assert response.json()["code"]  # a refusal always says what kind
