"""Every targets page and endpoint, from every viewpoint. Dengfeng's 2010 statistics are
published and its 2011 statistics approved (``world``), so there are two assessment runs: the
working run (approved and published statistics; the city office and reviewers see it) and the
published run (everyone sees it). A refused request changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from citycarbon.server.targets.models import AssessmentRun

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
LOGIN = "login"
DONE = "done"
SET = "zhengzhou-2010-2015"


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    url: str  # may contain {working} and {published} (run ids)
    expected: dict[str, int | str]
    form: bool = False

    def __str__(self) -> str:
        return self.name


def everyone(status: int | str) -> dict[str, int | str]:
    return dict.fromkeys(PERSONAS, status)


#: The working run: the city office and the reviewer only.
WORKING_ONLY = {ANON: 404, OTHER: 404, OWN: 404, OFFICE: 200, REVIEWER: 200, PUBLIC: 404}

CASES = [
    # --- pages -----------------------------------------------------------------------------
    Case("home page with the dashboard", "get", "/", everyone(200)),
    Case("dashboard", "get", "/targets/", everyone(200)),
    Case("dashboard of a year", "get", f"/targets/?set={SET}&year=2010", everyone(200)),
    Case("assessment", "get", "/targets/assessment/", everyone(200)),
    Case(
        "assessment Excel", "get", f"/targets/assessment/2010/export.xlsx?set={SET}", everyone(200)
    ),
    Case("assessment PDF", "get", f"/targets/assessment/2010/report.pdf?set={SET}", everyone(200)),
    Case(
        "assessment of a year without one",
        "get",
        "/targets/assessment/1999/export.xlsx",
        everyone(404),
    ),
    Case("target set", "get", f"/targets/sets/{SET}/", everyone(200)),
    Case("unknown target set", "get", "/targets/sets/atlantis/", everyone(404)),
    Case("jurisdiction page", "get", "/targets/jurisdictions/dengfeng/", everyone(200)),
    Case("unknown jurisdiction page", "get", "/targets/jurisdictions/atlantis/", everyone(404)),
    Case("working run page", "get", "/targets/runs/{working}/", WORKING_ONLY),
    Case("published run page", "get", "/targets/runs/{published}/", everyone(200)),
    Case(
        "recompute",
        "post",
        "/targets/assessment/recompute/",
        {ANON: LOGIN, OTHER: 403, OWN: 403, OFFICE: DONE, REVIEWER: 403, PUBLIC: 403},
        form=True,
    ),
    # --- API -------------------------------------------------------------------------------
    Case("list sets", "get", "/api/targets/sets", everyone(200)),
    Case("get set", "get", f"/api/targets/sets/{SET}", everyone(200)),
    Case("get unknown set", "get", "/api/targets/sets/atlantis", everyone(404)),
    Case("list runs", "get", "/api/targets/runs", everyone(200)),
    Case("current run", "get", "/api/targets/runs/current", everyone(200)),
    Case("get working run", "get", "/api/targets/runs/{working}", WORKING_ONLY),
    Case("results of the working run", "get", "/api/targets/runs/{working}/results", WORKING_ONLY),
    Case("output of the working run", "get", "/api/targets/runs/{working}/output", WORKING_ONLY),
    Case("get published run", "get", "/api/targets/runs/{published}", everyone(200)),
    Case(
        "results of the published run",
        "get",
        "/api/targets/runs/{published}/results?year=2010",
        everyone(200),
    ),
    Case("get unknown run", "get", "/api/targets/runs/999999", everyone(404)),
    Case(
        "assess now",
        "post",
        f"/api/targets/sets/{SET}/assess",
        {ANON: 401, OTHER: 403, OWN: 403, OFFICE: 200, REVIEWER: 403, PUBLIC: 403},
    ),
]


@pytest.fixture
def runs(world: Any) -> dict[str, int]:
    latest = {}
    for basis in ("working", "published"):
        latest[basis] = (
            AssessmentRun.objects.filter(basis=basis)
            .order_by("-version")
            .values_list("pk", flat=True)[0]
        )
    return latest


@pytest.mark.parametrize("case", CASES, ids=str)
@pytest.mark.parametrize("persona", PERSONAS)
def test_access(
    case: Case,
    persona: str,
    runs: dict[str, int],
    client_as: Callable[[str], Any],
    domain_counts: Callable[[], Any],
) -> None:
    client = client_as(persona)
    url = case.url.format(**runs)
    before = domain_counts()
    if case.form:
        response = client.post(url, data={"set": SET})
    else:
        response = getattr(client, case.method)(url)
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
        assert response.json()["code"]


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_sees_which_run(
    persona: str, runs: dict[str, int], client_as: Callable[[str], Any]
) -> None:
    """The run list and the current run: the working run (which reads Dengfeng's approved
    2011 statistics) only for those who see unpublished work; everyone else the published run,
    which holds 2010 only."""
    client = client_as(persona)
    page = client.get("/api/targets/runs").json()
    listed = page["items"]
    assert page["count"] == len(listed)
    bases = {item["basis"] for item in listed}
    current = client.get("/api/targets/runs/current").json()
    dashboard = client.get("/targets/").content.decode()
    if persona in (OFFICE, REVIEWER):
        assert bases == {"working", "published"}
        assert {runs["working"], runs["published"]} <= {item["id"] for item in listed}
        assert current["id"] == runs["working"]
        assert [(i["jurisdiction"], i["year"]) for i in current["inputs"]] == [
            ("dengfeng", 2010),
            ("dengfeng", 2011),
        ]
        assert f"/targets/runs/{runs['working']}/" in dashboard
    else:
        assert bases == {"published"}
        assert {item["id"] for item in listed} == {runs["published"]}
        assert current["id"] == runs["published"]
        assert [(i["jurisdiction"], i["year"]) for i in current["inputs"]] == [("dengfeng", 2010)]
        assert f"/targets/runs/{runs['working']}/" not in dashboard
