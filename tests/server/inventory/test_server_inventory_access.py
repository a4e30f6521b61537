"""Every inventory page and API endpoint from every viewpoint: anonymous, an official of another
district (Xinmi), the official of the inventories' district (Dengfeng), the city office, a
reviewer and a member of the public.

Dengfeng's inventories: 2012 published, 2013 approved, 2014 submitted, 2015 draft. The
compilations: one of 2012 with the published factor set (everyone sees it), one of the 2015
draft (Dengfeng's official, the office and the reviewer), one of 2012 with a draft factor set of
the city (the office and the reviewer), and one of 2012 still queued. A refused request changes
nothing: the inventories, their inputs, the compilations, the factor sets and the audit trail are
the same afterwards.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from inventory_support import demo_form
from tests_server_support import PASSWORD

from citycarbon.server.common import services as common
from citycarbon.server.common.choices import Role, ScopeKind
from citycarbon.server.common.models import User
from citycarbon.server.common.services import do_assign_role
from citycarbon.server.factors.services import do_load_library
from citycarbon.server.geo.models import Jurisdiction
from citycarbon.server.geo.services import (
    default_jurisdictions_file,
    do_load_jurisdictions,
    parse_jurisdictions,
)
from citycarbon.server.inventory.services import do_compile, do_create_inventory, do_request_compile

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


def district_draft(ok: int = 200, *, anonymous: int = 404) -> dict[str, int]:
    """Something of Dengfeng's unpublished work: its official, the office, the reviewer."""
    return {ANON: anonymous, OTHER: 404, OWN: ok, OFFICE: ok, REVIEWER: ok, PUBLIC: 404}


def city_draft(ok: int = 200) -> dict[str, int]:
    """Computed with the city's draft factor set: the office and the reviewer only."""
    return {ANON: 404, OTHER: 404, OWN: 404, OFFICE: ok, REVIEWER: ok, PUBLIC: 404}


def official_writes(ok: int, *, anonymous: int = 401) -> dict[str, int]:
    """A change of Dengfeng's draft: its official and the office."""
    return {ANON: anonymous, OTHER: 404, OWN: ok, OFFICE: ok, REVIEWER: 403, PUBLIC: 404}


def office_decides(ok: int, *, anonymous: int = 401, hidden: int = 404) -> dict[str, int]:
    """Approving, publishing, returning an unpublished record of Dengfeng: the office."""
    return {ANON: anonymous, OTHER: hidden, OWN: 403, OFFICE: ok, REVIEWER: 403, PUBLIC: hidden}


def office_on_published(ok: int, *, anonymous: int = 401) -> dict[str, int]:
    """Correcting or compiling a published inventory: the office."""
    return {ANON: anonymous, OTHER: 403, OWN: 403, OFFICE: ok, REVIEWER: 403, PUBLIC: 403}


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    url: str  # {published} {approved} {submitted} {draft}; {run} {draft_run} {private_run} {queued}
    expected: dict[str, int]
    body: Any = None
    form: bool = False  # a page form (multipart) rather than JSON

    def __str__(self) -> str:
        return self.name


UPLOAD = "@upload"  # replaced by the YAML of Dengfeng 2011 as an uploaded file
NEW_FORM = {"jurisdiction": "dengfeng", "year": "2011", "title": "Dengfeng 2011", "file": UPLOAD}

CASES = [
    # --- pages ---------------------------------------------------------------------------
    Case("list", "get", "/inventories/", everyone(200)),
    Case("list filtered", "get", "/inventories/?jurisdiction=dengfeng&year=2012", everyone(200)),
    Case("list export", "get", "/inventories/export.xlsx", everyone(200)),
    Case(
        "new inventory page",
        "get",
        "/inventories/new/",
        {ANON: LOGIN, OTHER: 200, OWN: 200, OFFICE: 200, REVIEWER: 403, PUBLIC: 403},
    ),
    Case(
        "store a new inventory",
        "post",
        "/inventories/new/",
        # Xinmi's official may not choose Dengfeng: the form is shown again, nothing stored.
        {ANON: LOGIN, OTHER: 200, OWN: 302, OFFICE: 302, REVIEWER: 403, PUBLIC: 403},
        NEW_FORM,
        form=True,
    ),
    Case("published inventory", "get", "/inventories/{published}/", everyone(200)),
    Case("draft inventory", "get", "/inventories/{draft}/", district_draft()),
    Case("published input (YAML)", "get", "/inventories/{published}/form.yaml", everyone(200)),
    Case("draft input (JSON)", "get", "/inventories/{draft}/form.json", district_draft()),
    Case(
        "submit (page)",
        "post",
        "/inventories/{draft}/submit/",
        official_writes(302, anonymous=LOGIN),
        {},
        form=True,
    ),
    Case(
        "approve (page)",
        "post",
        "/inventories/{submitted}/approve/",
        office_decides(302, anonymous=LOGIN),
        {},
        form=True,
    ),
    Case(
        "publish (page)",
        "post",
        "/inventories/{approved}/publish/",
        office_decides(302, anonymous=LOGIN),
        {},
        form=True,
    ),
    Case(
        "return (page)",
        "post",
        "/inventories/{submitted}/return/",
        office_decides(302, anonymous=LOGIN),
        {"reason": "the balance does not close"},
        form=True,
    ),
    Case(
        "correct (page)",
        "post",
        "/inventories/{published}/correct/",
        office_on_published(302, anonymous=LOGIN),
        {"reason": "revised clinker output"},
        form=True,
    ),
    Case(
        "replace the draft's input",
        "post",
        "/inventories/{draft}/replace/",
        official_writes(302, anonymous=LOGIN),
        {"file": UPLOAD},
        form=True,
    ),
    Case(
        "compile (page)",
        "post",
        "/inventories/{published}/compile/",
        office_on_published(302, anonymous=LOGIN),
        {"factor_set": "{builtin}", "metric": "AR4GWP100", "iterations": "0"},
        form=True,
    ),
    Case("compilation", "get", "/inventories/runs/{run}/", everyone(200)),
    Case("compilation of a draft", "get", "/inventories/runs/{draft_run}/", district_draft()),
    Case("compilation with draft factors", "get", "/inventories/runs/{private_run}/", city_draft()),
    Case("queued compilation", "get", "/inventories/runs/{queued}/", everyone(200)),
    Case("progress", "get", "/inventories/runs/{queued}/progress/", everyone(200)),
    Case(
        "advance",
        "post",
        "/inventories/runs/{queued}/advance/",
        {ANON: LOGIN, OTHER: 403, OWN: 403, OFFICE: 200, REVIEWER: 403, PUBLIC: 403},
        {},
        form=True,
    ),
    Case(
        "category drill-down",
        "get",
        "/inventories/runs/{run}/categories/energy.fuel_combustion/",
        everyone(200),
    ),
    Case(
        "unknown category",
        "get",
        "/inventories/runs/{run}/categories/energy.nothing/",
        everyone(404),
    ),
    Case(
        "drill-down of a draft",
        "get",
        "/inventories/runs/{draft_run}/categories/ippu.cement_clinker/",
        district_draft(),
    ),
    *[
        Case(f"export {table}", "get", f"/inventories/runs/{{run}}/{table}.xlsx", everyone(200))
        for table in ("categories", "lines", "key_categories", "uncertainty")
    ],
    Case(
        "recalculation",
        "get",
        "/inventories/runs/compare/?old={run}&new={run}",
        everyone(200),
    ),
    Case(
        "recalculation with draft factors",
        "get",
        "/inventories/runs/compare/?old={run}&new={private_run}",
        city_draft(),
    ),
    Case(
        "recalculation export",
        "get",
        "/inventories/runs/compare/export.xlsx?old={run}&new={run}",
        everyone(200),
    ),
    Case("recalculation without runs", "get", "/inventories/runs/compare/", everyone(400)),
    Case("district series", "get", "/inventories/jurisdictions/dengfeng/", everyone(200)),
    Case("city series with CEADs", "get", "/inventories/jurisdictions/zhengzhou/", everyone(200)),
    Case(
        "series export",
        "get",
        "/inventories/jurisdictions/dengfeng/export.xlsx",
        everyone(200),
    ),
    Case("unknown jurisdiction", "get", "/inventories/jurisdictions/atlantis/", everyone(404)),
    # --- API -------------------------------------------------------------------------------
    Case("api: inventories", "get", "/api/inventory/inventories", everyone(200)),
    Case("api: published", "get", "/api/inventory/inventories/{published}", everyone(200)),
    Case("api: draft", "get", "/api/inventory/inventories/{draft}", district_draft()),
    Case("api: draft input", "get", "/api/inventory/inventories/{draft}/form", district_draft()),
    Case(
        "api: store",
        "post",
        "/api/inventory/inventories",
        {ANON: 401, OTHER: 403, OWN: 201, OFFICE: 201, REVIEWER: 403, PUBLIC: 403},
        {"jurisdiction": "dengfeng", "year": 2011, "form": "@form"},
    ),
    Case(
        "api: change the draft",
        "patch",
        "/api/inventory/inventories/{draft}",
        official_writes(200),
        {"title": "Dengfeng 2015, revised"},
    ),
    Case(
        "api: change the published",
        "patch",
        "/api/inventory/inventories/{published}",
        {ANON: 401, OTHER: 403, OWN: 409, OFFICE: 409, REVIEWER: 403, PUBLIC: 403},
        {"title": "changed"},
    ),
    Case(
        "api: submit",
        "post",
        "/api/inventory/inventories/{draft}/submit",
        official_writes(200),
    ),
    Case(
        "api: approve",
        "post",
        "/api/inventory/inventories/{submitted}/approve",
        office_decides(200),
    ),
    Case(
        "api: publish",
        "post",
        "/api/inventory/inventories/{approved}/publish",
        office_decides(200),
    ),
    Case(
        "api: return",
        "post",
        "/api/inventory/inventories/{approved}/return",
        office_decides(200),
        {"reason": "check the notation keys"},
    ),
    Case(
        "api: correct",
        "post",
        "/api/inventory/inventories/{published}/correct",
        office_on_published(201),
        {"reason": "revised"},
    ),
    Case(
        "api: compile",
        "post",
        "/api/inventory/inventories/{published}/compile",
        office_on_published(201),
        {"factor_set": "{builtin}", "metric": "AR5GWP100"},
    ),
    Case(
        "api: compile a draft",
        "post",
        "/api/inventory/inventories/{draft}/compile",
        {ANON: 401, OTHER: 404, OWN: 403, OFFICE: 201, REVIEWER: 403, PUBLIC: 404},
        {"factor_set": "{builtin}", "metric": "AR5GWP100"},
    ),
    Case("api: runs", "get", "/api/inventory/runs", everyone(200)),
    Case("api: run", "get", "/api/inventory/runs/{run}", everyone(200)),
    Case("api: run of a draft", "get", "/api/inventory/runs/{draft_run}", district_draft()),
    Case("api: private run", "get", "/api/inventory/runs/{private_run}", city_draft()),
    Case("api: result", "get", "/api/inventory/runs/{run}/result", everyone(200)),
    Case(
        "api: category",
        "get",
        "/api/inventory/runs/{run}/categories/energy.coal_mining",
        everyone(200),
    ),
    Case(
        "api: recalculation",
        "get",
        "/api/inventory/runs/{run}/compare/{private_run}",
        city_draft(),
    ),
    Case("api: series", "get", "/api/inventory/jurisdictions/zhengzhou/series", everyone(200)),
]


def _is_refusal(case: Case, response: Any) -> bool:
    status = response.status_code
    if status >= 400:
        return True
    if status == 302:
        return bool(response["Location"].startswith("/login/"))
    # A page form that is shown again (200) stored nothing.
    return case.form and case.method == "post" and status == 200 and "advance" not in case.url


def _body(case: Case, ids: dict[str, int]) -> Any:
    def value(v: Any) -> Any:
        if v == UPLOAD:
            # A new inventory of 2011, or the 2015 draft's input with a note added.
            form = demo_form("dengfeng", 2011) if "new" in case.url else demo_form("dengfeng", 2015)
            form["note"] = "uploaded again"
            text = yaml.safe_dump(form, allow_unicode=True)
            return SimpleUploadedFile("dengfeng.yaml", text.encode("utf-8"), "application/yaml")
        if v == "@form":
            return demo_form("dengfeng", 2011)
        if isinstance(v, str) and "{" in v:
            formatted = v.format(**ids)
            return formatted if case.form else int(formatted)
        return v

    return {k: value(v) for k, v in case.body.items()}


@pytest.fixture(scope="module")
def world(
    django_db_setup: None, django_db_blocker: Any
) -> Iterator[tuple[dict[str, Any], dict[str, int]]]:
    """Jurisdictions, users and the records, made once for the module inside a transaction
    that is rolled back after its last test (each test runs in a savepoint within it)."""
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
            yield people, _records(people, places)
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def _user(name: str, role: str | None, scope: Jurisdiction | None) -> User:
    user = User.objects.create_user(username=name, password=PASSWORD)
    if role is not None and scope is not None:
        do_assign_role(None, user, role, ScopeKind.JURISDICTION.value, scope.pk)
    return User.objects.get(pk=user.pk)


def _records(people: dict[str, User], places: dict[str, Jurisdiction]) -> dict[str, int]:
    office = people[OFFICE]
    builtin = do_load_library(None, jurisdiction=places["zhengzhou"]).factor_set

    def stored(state: str, year: int) -> Any:
        item = do_create_inventory(
            office, jurisdiction=places["dengfeng"], year=year, form=demo_form("dengfeng", year)
        )
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
        return item

    published, draft = stored("published", 2012), stored("draft", 2015)
    city_draft_set = common.do_correct(office, builtin, "a draft of the city's factors")
    return {
        "published": published.pk,
        "approved": stored("approved", 2013).pk,
        "submitted": stored("submitted", 2014).pk,
        "draft": draft.pk,
        "run": do_compile(office, published, factor_set=builtin).pk,
        "draft_run": do_compile(office, draft, factor_set=builtin).pk,
        "private_run": do_compile(office, published, factor_set=city_draft_set).pk,
        "queued": do_request_compile(
            office, published, factor_set=builtin, iterations=100, seed=3
        ).pk,
        "builtin": builtin.pk,
    }


@pytest.fixture
def records(world: tuple[dict[str, Any], dict[str, int]], db: None) -> dict[str, int]:
    return world[1]


@pytest.fixture
def client_for(world: tuple[dict[str, Any], dict[str, int]], db: None) -> Callable[[str], Client]:
    """A test client signed in as the persona of the module's world."""
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
    records: dict[str, int],
    client_for: Callable[[str], Any],
    inventory_counts: Callable[[], Any],
) -> None:
    client = client_for(persona)
    url = case.url.format(**records)
    before = inventory_counts()
    sender = getattr(client, case.method)
    if case.body is None:
        response = sender(url)
    elif case.form:
        response = sender(url, data=_body(case, records))
    else:
        response = sender(url, data=_body(case, records), content_type="application/json")
    expected = case.expected[persona]
    assert response.status_code == expected, (case.name, persona, response.content[:400])
    if expected == LOGIN and persona == ANON:
        assert response["Location"].startswith("/login/?next=")
    if _is_refusal(case, response):
        assert inventory_counts() == before, f"{case.name} refused for {persona} but changed data"
        if url.startswith("/api/"):
            assert response.json()["code"]
    elif case.method != "get":
        assert inventory_counts() != before, f"{case.name} allowed for {persona}: nothing done"
