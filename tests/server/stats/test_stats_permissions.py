"""Every statistics page and endpoint, from every viewpoint: anonymous, the official of another
district (Xinmi), the official of the record's own district (Dengfeng), the city office, the
reviewer and a member of the public. A refused request changes nothing: the row counts, the
records' states and figures and the audit trail are the same afterwards.

Dengfeng's records: 2010 published, 2011 approved, 2012 submitted, 2013 draft (the
illustrative statistics, moved there by the services as the office), made once for the module
(``world``); each test runs in a savepoint rolled back after it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from citycarbon_domain_fixtures import example_year

pytestmark = pytest.mark.django_db

ANON, OTHER, OWN, OFFICE, REVIEWER, PUBLIC = (
    "anonymous",
    "other_official",
    "own_official",
    "office",
    "reviewer",
    "public",
)
PERSONAS = [ANON, OTHER, OWN, OFFICE, REVIEWER, PUBLIC]
LOGIN = "login"  # a page sends the anonymous visitor to the sign-in page (302)
DONE = "done"  # a page did it and redirects to the record (302, not to the sign-in page)


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    url: str  # may contain {draft}, {submitted}, {approved}, {published}
    expected: dict[str, int | str]
    body: Any = None
    form: bool = False  # a page's form post rather than JSON

    def __str__(self) -> str:
        return self.name


def everyone(status: int | str) -> dict[str, int | str]:
    return dict.fromkeys(PERSONAS, status)


def hidden_draft(own: int | str, office: int | str, reviewer: int | str) -> dict[str, Any]:
    """A draft (or any unpublished record) of Dengfeng: invisible to the other official and
    the public."""
    return {ANON: 404, OTHER: 404, OWN: own, OFFICE: office, REVIEWER: reviewer, PUBLIC: 404}


def _figures_2014() -> dict[str, Any]:
    year = example_year("dengfeng", 2014)
    return {
        "jurisdiction": "dengfeng",
        "year": 2014,
        "gdp_constant_cny_100m": year["gdp_constant_cny_100m"],
        "co2_t": year["co2_t"],
        "energy_tce": year["energy_tce"],
        "measures_score": year["measures_score"],
    }


CASES = [
    # --- pages -----------------------------------------------------------------------------
    Case("list page", "get", "/statistics/", everyone(200)),
    Case("export", "get", "/statistics/export.xlsx", everyone(200)),
    Case("empty template", "get", "/statistics/template.xlsx", everyone(200)),
    Case("draft page", "get", "/statistics/{draft}/", hidden_draft(200, 200, 200)),
    Case("published page", "get", "/statistics/{published}/", everyone(200)),
    Case("unknown record page", "get", "/statistics/999999/", everyone(404)),
    Case(
        "entry form",
        "get",
        "/statistics/new/",
        {ANON: LOGIN, OTHER: 200, OWN: 200, OFFICE: 200, REVIEWER: 403, PUBLIC: 403},
    ),
    Case(
        "import page",
        "get",
        "/statistics/import/",
        {ANON: LOGIN, OTHER: 200, OWN: 200, OFFICE: 200, REVIEWER: 403, PUBLIC: 403},
    ),
    Case(
        "edit form of a draft",
        "get",
        "/statistics/{draft}/edit/",
        {ANON: LOGIN, OTHER: 404, OWN: 200, OFFICE: 200, REVIEWER: 403, PUBLIC: 404},
    ),
    Case(
        "submit a draft (page)",
        "post",
        "/statistics/{draft}/submit/",
        {ANON: LOGIN, OTHER: 404, OWN: DONE, OFFICE: DONE, REVIEWER: 403, PUBLIC: 404},
        form=True,
    ),
    Case(
        "approve a submitted record (page)",
        "post",
        "/statistics/{submitted}/approve/",
        {ANON: LOGIN, OTHER: 404, OWN: 403, OFFICE: DONE, REVIEWER: 403, PUBLIC: 404},
        form=True,
    ),
    Case(
        "publish an approved record (page)",
        "post",
        "/statistics/{approved}/publish/",
        {ANON: LOGIN, OTHER: 404, OWN: 403, OFFICE: DONE, REVIEWER: 403, PUBLIC: 404},
        form=True,
    ),
    Case(
        "return a submitted record (page)",
        "post",
        "/statistics/{submitted}/return/",
        {ANON: LOGIN, OTHER: 404, OWN: 403, OFFICE: DONE, REVIEWER: 403, PUBLIC: 404},
        body={"reason": "check the coal figure"},
        form=True,
    ),
    Case(
        "correct a published record (page)",
        "post",
        "/statistics/{published}/correct/",
        {ANON: LOGIN, OTHER: 403, OWN: 403, OFFICE: DONE, REVIEWER: 403, PUBLIC: 403},
        body={"reason": "revised GDP"},
        form=True,
    ),
    Case(
        "acknowledge a warning the draft does not have (page)",
        "post",
        "/statistics/{draft}/acknowledge/",
        {ANON: LOGIN, OTHER: 404, OWN: 400, OFFICE: 400, REVIEWER: 403, PUBLIC: 404},
        body={"code": "gdp_growth", "reason": "checked"},
        form=True,
    ),
    # --- API -------------------------------------------------------------------------------
    Case("list", "get", "/api/stats/statistics", everyone(200)),
    Case("list all versions", "get", "/api/stats/statistics?all_versions=true", everyone(200)),
    Case("get draft", "get", "/api/stats/statistics/{draft}", hidden_draft(200, 200, 200)),
    Case("get submitted", "get", "/api/stats/statistics/{submitted}", hidden_draft(200, 200, 200)),
    Case("get published", "get", "/api/stats/statistics/{published}", everyone(200)),
    Case("get unknown", "get", "/api/stats/statistics/999999", everyone(404)),
    Case(
        "warnings of a draft",
        "get",
        "/api/stats/statistics/{draft}/warnings",
        hidden_draft(200, 200, 200),
    ),
    Case(
        "create in Dengfeng",
        "post",
        "/api/stats/statistics",
        {ANON: 401, OTHER: 403, OWN: 201, OFFICE: 201, REVIEWER: 403, PUBLIC: 403},
        body=_figures_2014(),
    ),
    Case(
        "change a draft",
        "put",
        "/api/stats/statistics/{draft}",
        {ANON: 401, OTHER: 404, OWN: 200, OFFICE: 200, REVIEWER: 403, PUBLIC: 404},
        body={**_figures_2014(), "note": "revised"},
    ),
    Case(
        "change a published record",
        "put",
        "/api/stats/statistics/{published}",
        {ANON: 401, OTHER: 403, OWN: 409, OFFICE: 409, REVIEWER: 403, PUBLIC: 403},
        body={**_figures_2014(), "note": "revised"},
    ),
    Case(
        "submit a draft",
        "post",
        "/api/stats/statistics/{draft}/submit",
        {ANON: 401, OTHER: 404, OWN: 200, OFFICE: 200, REVIEWER: 403, PUBLIC: 404},
    ),
    Case(
        "approve a submitted record",
        "post",
        "/api/stats/statistics/{submitted}/approve",
        {ANON: 401, OTHER: 404, OWN: 403, OFFICE: 200, REVIEWER: 403, PUBLIC: 404},
    ),
    Case(
        "approve a draft",
        "post",
        "/api/stats/statistics/{draft}/approve",
        {ANON: 401, OTHER: 404, OWN: 403, OFFICE: 409, REVIEWER: 403, PUBLIC: 404},
    ),
    Case(
        "return a submitted record",
        "post",
        "/api/stats/statistics/{submitted}/return",
        {ANON: 401, OTHER: 404, OWN: 403, OFFICE: 200, REVIEWER: 403, PUBLIC: 404},
        body={"reason": "check the coal figure"},
    ),
    Case(
        "publish an approved record",
        "post",
        "/api/stats/statistics/{approved}/publish",
        {ANON: 401, OTHER: 404, OWN: 403, OFFICE: 200, REVIEWER: 403, PUBLIC: 404},
    ),
    Case(
        "correct a published record",
        "post",
        "/api/stats/statistics/{published}/correct",
        {ANON: 401, OTHER: 403, OWN: 403, OFFICE: 201, REVIEWER: 403, PUBLIC: 403},
        body={"reason": "revised GDP"},
    ),
    Case(
        "acknowledge a warning the draft does not have",
        "post",
        "/api/stats/statistics/{draft}/warnings/acknowledge",
        {ANON: 401, OTHER: 404, OWN: 400, OFFICE: 400, REVIEWER: 403, PUBLIC: 404},
        body={"code": "gdp_growth", "reason": "checked"},
    ),
    Case(
        "bulk import for Dengfeng",
        "post",
        "/api/stats/bulk",
        {ANON: 401, OTHER: 403, OWN: 200, OFFICE: 200, REVIEWER: 403, PUBLIC: 403},
        body={"items": [_figures_2014()]},
    ),
]


@pytest.mark.parametrize("case", CASES, ids=str)
@pytest.mark.parametrize("persona", PERSONAS)
def test_access(
    case: Case,
    persona: str,
    world: Any,
    client_as: Callable[[str], Any],
    domain_counts: Callable[[], Any],
    api_json: Callable[..., Any],
) -> None:
    client = client_as(persona)
    url = case.url.format(**world.records)
    before = domain_counts()
    if case.form:
        response = getattr(client, case.method)(url, data=case.body or {})
    else:
        response = api_json(client, case.method, url, case.body)
    expected = case.expected[persona]
    if expected in (LOGIN, DONE):
        assert response.status_code == 302, (case.name, persona, response.content[:300])
        is_login = response["Location"].startswith("/login/?next=")
        assert is_login == (expected == LOGIN), (case.name, persona, response["Location"])
    else:
        assert response.status_code == expected, (case.name, persona, response.content[:400])
    refused = expected == LOGIN or (isinstance(expected, int) and expected >= 400)
    if refused:
        assert domain_counts() == before, f"{case.name} refused for {persona} but changed data"
    if url.startswith("/api/") and refused:
        assert response.json()["code"]  # a refusal always says what kind
