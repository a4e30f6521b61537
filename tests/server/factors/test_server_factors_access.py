"""Every factor page and API endpoint from every viewpoint: anonymous, an official of another
district, the official of the sample district (Dengfeng), the city office, a reviewer and a
member of the public. Factor sets are the city's: a district official sees only published ones
(as the public), the reviewer reads everything, only the office writes. A refused request
changes nothing: the sets, their rows and the audit trail are the same afterwards."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from factors_support import LOCAL_GRID
from tests_server_support import PASSWORD

from citycarbon.server.common import services as common
from citycarbon.server.common.choices import Role, ScopeKind
from citycarbon.server.common.models import User
from citycarbon.server.common.services import do_assign_role
from citycarbon.server.factors.services import do_create_set
from citycarbon.server.geo.models import Jurisdiction
from citycarbon.server.geo.services import (
    default_jurisdictions_file,
    do_load_jurisdictions,
    parse_jurisdictions,
)

ANON, OTHER, OWN, OFFICE, REVIEWER, PUBLIC = (
    "anonymous",
    "other_official",
    "own_official",
    "office",
    "reviewer",
    "public",
)
PERSONAS = (ANON, OTHER, OWN, OFFICE, REVIEWER, PUBLIC)
LOGIN = 302


def everyone(status: int) -> dict[str, int]:
    return dict.fromkeys(PERSONAS, status)


def only_office(ok: int, *, anonymous: int = 401, hidden: int = 404) -> dict[str, int]:
    """A write on a city draft: hidden from officials and the public, forbidden to the
    reviewer."""
    return {ANON: anonymous, OTHER: hidden, OWN: hidden, OFFICE: ok, REVIEWER: 403, PUBLIC: hidden}


def seen_by_office_and_reviewer(ok: int = 200) -> dict[str, int]:
    return {ANON: 404, OTHER: 404, OWN: 404, OFFICE: ok, REVIEWER: ok, PUBLIC: 404}


def correct_published(ok: int, *, anonymous: int = 401) -> dict[str, int]:
    return {ANON: anonymous, OTHER: 403, OWN: 403, OFFICE: ok, REVIEWER: 403, PUBLIC: 403}


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    url: str  # {draft}, {submitted}, {approved}, {published}: set ids
    expected: dict[str, int]
    body: Any = None
    form: bool = False  # a page form post (urlencoded) rather than JSON

    def __str__(self) -> str:
        return self.name


ROW = "/factors/{draft}/rows/grid.henan.local.2012"
API_ROW = "/api/factors/sets/{draft}/rows/grid.henan.local.2012"
#: The fixture's local grid factor with a revised value (a change, so a success writes).
ROW_BODY = {k: v for k, v in LOCAL_GRID.items() if k != "factor_id"} | {"value": "0.6240"}
ROW_FORM = {k: ("" if v is None else v) for k, v in LOCAL_GRID.items()} | {"value": "0.6240"}

CASES = [
    # --- pages ---------------------------------------------------------------------------
    Case("set list", "get", "/factors/", everyone(200)),
    Case("set list export", "get", "/factors/export.xlsx", everyone(200)),
    Case(
        "new set page",
        "get",
        "/factors/new/",
        {ANON: LOGIN, OTHER: 403, OWN: 403, OFFICE: 200, REVIEWER: 403, PUBLIC: 403},
    ),
    Case(
        "create a set",
        "post",
        "/factors/new/",
        {ANON: LOGIN, OTHER: 403, OWN: 403, OFFICE: 302, REVIEWER: 403, PUBLIC: 403},
        {"name": "city-2015", "title": "City factors 2015", "copy_from": "{published}"},
        form=True,
    ),
    Case("published set", "get", "/factors/{published}/", everyone(200)),
    Case("published set filtered", "get", "/factors/{published}/?kind=grid_average", everyone(200)),
    Case("published rows export", "get", "/factors/{published}/export.xlsx", everyone(200)),
    Case("draft set", "get", "/factors/{draft}/", seen_by_office_and_reviewer()),
    Case("draft rows export", "get", "/factors/{draft}/export.xlsx", seen_by_office_and_reviewer()),
    Case("published row", "get", "/factors/{published}/rows/heat.local/", everyone(200)),
    Case("draft row", "get", "/factors/{draft}/rows/heat.local/", seen_by_office_and_reviewer()),
    Case("unknown row", "get", "/factors/{published}/rows/no.such.row/", everyone(404)),
    Case("new row page", "get", "/factors/{draft}/rows/new/", only_office(200, anonymous=LOGIN)),
    Case(
        "new row on a published set",
        "get",
        "/factors/{published}/rows/new/",
        correct_published(409, anonymous=LOGIN),
    ),
    Case(
        "save a row",
        "post",
        "/factors/{draft}/rows/new/",
        only_office(302, anonymous=LOGIN),
        ROW_FORM,
        form=True,
    ),
    Case(
        "change a row",
        "post",
        "/factors/{draft}/rows/heat.local/edit/",
        only_office(302, anonymous=LOGIN),
        {**ROW_FORM, "factor_id": "heat.local", "value": "0.2"},
        form=True,
    ),
    Case(
        "remove a row",
        "post",
        "/factors/{draft}/rows/heat.local/remove/",
        only_office(302, anonymous=LOGIN),
        {},
        form=True,
    ),
    Case(
        "submit (page)",
        "post",
        "/factors/{draft}/submit/",
        only_office(302, anonymous=LOGIN),
        {},
        form=True,
    ),
    Case(
        "approve (page)",
        "post",
        "/factors/{submitted}/approve/",
        only_office(302, anonymous=LOGIN),
        {},
        form=True,
    ),
    Case(
        "publish (page)",
        "post",
        "/factors/{approved}/publish/",
        only_office(302, anonymous=LOGIN),
        {},
        form=True,
    ),
    Case(
        "return (page)",
        "post",
        "/factors/{submitted}/return/",
        only_office(302, anonymous=LOGIN),
        {"reason": "cite the table"},
        form=True,
    ),
    Case(
        "open a new version (page)",
        "post",
        "/factors/{published}/correct/",
        correct_published(302, anonymous=LOGIN),
        {"reason": "local grid factor"},
        form=True,
    ),
    Case(
        "compare published",
        "get",
        "/factors/compare/?old={published}&new={published}",
        everyone(200),
    ),
    Case(
        "compare with a draft",
        "get",
        "/factors/compare/?old={published}&new={draft}",
        seen_by_office_and_reviewer(),
    ),
    Case(
        "compare export",
        "get",
        "/factors/compare/export.xlsx?old={published}&new={published}",
        everyone(200),
    ),
    # --- API -------------------------------------------------------------------------------
    Case("api: sets", "get", "/api/factors/sets", everyone(200)),
    Case("api: published set", "get", "/api/factors/sets/{published}", everyone(200)),
    Case("api: draft set", "get", "/api/factors/sets/{draft}", seen_by_office_and_reviewer()),
    Case("api: rows", "get", "/api/factors/sets/{published}/rows?kind=default", everyone(200)),
    Case("api: draft rows", "get", "/api/factors/sets/{draft}/rows", seen_by_office_and_reviewer()),
    Case("api: row", "get", "/api/factors/sets/{published}/rows/heat.local", everyone(200)),
    Case(
        "api: create a set",
        "post",
        "/api/factors/sets",
        {ANON: 401, OTHER: 403, OWN: 403, OFFICE: 201, REVIEWER: 403, PUBLIC: 403},
        {"jurisdiction": "zhengzhou", "name": "api-set", "title": "From the API"},
    ),
    Case("api: put a row", "put", API_ROW, only_office(200), ROW_BODY),
    Case(
        "api: put a row in a published set",
        "put",
        "/api/factors/sets/{published}/rows/grid.henan.local.2012",
        correct_published(409),
        {**ROW_BODY, "value": "0.7"},
    ),
    Case(
        "api: delete a row", "delete", "/api/factors/sets/{draft}/rows/heat.local", only_office(204)
    ),
    Case("api: submit", "post", "/api/factors/sets/{draft}/submit", only_office(200)),
    Case("api: approve", "post", "/api/factors/sets/{submitted}/approve", only_office(200)),
    Case("api: publish", "post", "/api/factors/sets/{approved}/publish", only_office(200)),
    Case(
        "api: return",
        "post",
        "/api/factors/sets/{approved}/return",
        only_office(200),
        {"reason": "source missing"},
    ),
    Case(
        "api: correct",
        "post",
        "/api/factors/sets/{published}/correct",
        correct_published(201),
        {"reason": "a local factor"},
    ),
    Case(
        "api: approve a draft",
        "post",
        "/api/factors/sets/{draft}/approve",
        only_office(409),
    ),
    Case(
        "api: compare",
        "get",
        "/api/factors/sets/{published}/compare/{published}",
        everyone(200),
    ),
    Case(
        "api: compare with a draft",
        "get",
        "/api/factors/sets/{published}/compare/{draft}",
        seen_by_office_and_reviewer(),
    ),
]


def _is_refusal(response: Any, persona: str) -> bool:
    if response.status_code >= 400:
        return True
    return response.status_code == 302 and response["Location"].startswith("/login/")


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[tuple[dict[str, Any], dict]]:
    """Jurisdictions, users and a city set in every state, made once for the module inside a
    transaction rolled back after its last test (each test runs in a savepoint within it)."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            text = default_jurisdictions_file().read_text(encoding="utf-8")
            do_load_jurisdictions(None, parse_jurisdictions(text))
            places = {j.code: j for j in Jurisdiction.objects.all()}
            people = {
                OFFICE: _user("office", Role.CITY_OFFICE.value, places["zhengzhou"]),
                OWN: _user("official-dengfeng", Role.DISTRICT_OFFICIAL.value, places["dengfeng"]),
                OTHER: _user("official-xinmi", Role.DISTRICT_OFFICIAL.value, places["xinmi"]),
                REVIEWER: _user("reviewer", Role.REVIEWER.value, places["zhengzhou"]),
                PUBLIC: _user("public", None, None),
            }
            ids = {
                state: _set(people[OFFICE], places["zhengzhou"], state)
                for state in ("draft", "submitted", "approved", "published")
            }
            yield people, ids
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def _user(name: str, role: str | None, scope: Jurisdiction | None) -> User:
    user = User.objects.create_user(username=name, password=PASSWORD)
    if role is not None and scope is not None:
        do_assign_role(None, user, role, ScopeKind.JURISDICTION.value, scope.pk)
    return User.objects.get(pk=user.pk)


def _set(office: User, city: Jurisdiction, state: str) -> int:
    item = do_create_set(
        office,
        jurisdiction=city,
        name=f"set-{state}",
        title="Local factors",
        rows=[
            LOCAL_GRID,
            {**LOCAL_GRID, "factor_id": "heat.local", "parameter": "heat_ef", "subject": "heat",
             "value": "0.105", "unit": "tCO2/GJ", "kind": "default", "year_from": None,
             "year_to": None},
        ],
    )  # fmt: skip
    for step, action in (
        ("submitted", common.do_submit),
        ("approved", common.do_approve),
        ("published", common.do_publish),
    ):
        if state == "draft":
            break
        item = action(office, item)
        if step == state:
            break
    return int(item.pk)


@pytest.fixture
def client_for(world: tuple[dict[str, Any], dict], db: None) -> Callable[[str], Client]:
    people = world[0]

    def make(persona: str) -> Client:
        client = Client()
        if persona != ANON:
            client.force_login(people[persona])
        return client

    return make


@pytest.mark.parametrize("case", CASES, ids=str)
@pytest.mark.parametrize("persona", PERSONAS)
def test_access(
    case: Case,
    persona: str,
    world: tuple[dict[str, Any], dict[str, int]],
    client_for: Callable[[str], Any],
    factor_counts: Callable[[], Any],
) -> None:
    ids = world[1]
    client = client_for(persona)
    url = case.url.format(**ids)
    before = factor_counts()
    sender = getattr(client, case.method)
    if case.body is None:
        response = sender(url)
    elif case.form:
        body = {
            k: (str(v).format(**ids) if isinstance(v, str) else v) for k, v in case.body.items()
        }
        response = sender(url, data=body)
    else:
        response = sender(url, data=case.body, content_type="application/json")
    expected = case.expected[persona]
    assert response.status_code == expected, (case.name, persona, response.content[:400])
    if expected == LOGIN and persona == ANON:
        assert response["Location"].startswith("/login/?next=")
    if _is_refusal(response, persona):
        assert factor_counts() == before, f"{case.name} refused for {persona} but changed data"
        if url.startswith("/api/"):
            assert response.json()["code"]
    elif case.method != "get":
        assert factor_counts() != before, f"{case.name} allowed for {persona} but did nothing"
