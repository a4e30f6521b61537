"""Fixtures for the server tests: jurisdictions, users in every role, logged-in clients, and
``Counts`` to assert that a refused request changed nothing.

The tests run on SQLite (in memory) by default and on PostgreSQL when
``CITYCARBON_TEST_DATABASE_URL`` is set, e.g.
``CITYCARBON_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/citycarbon pytest tests/server``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "citycarbon.server.config.settings_test")

import django
import pytest
from django.apps import apps

if not apps.ready:  # when pytest's configuration does not name the settings itself
    django.setup()

from django.core.cache import cache as django_cache
from django.test import Client
from tests_server_support import PASSWORD

from citycarbon.server.common.choices import Role, ScopeKind
from citycarbon.server.common.models import (
    AccessToken,
    AuditEvent,
    LoginFailure,
    RoleAssignment,
    User,
)
from citycarbon.server.common.services import do_assign_role
from citycarbon.server.geo.models import Jurisdiction
from citycarbon.server.geo.services import (
    default_jurisdictions_file,
    do_load_jurisdictions,
    parse_jurisdictions,
)
from citycarbon.server.testing.models import Specimen, SpecimenLine

#: The four viewpoints every endpoint and page is tested from (plus reviewer and public).
PERSONAS = ("anonymous", "other_official", "own_official", "office")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "browser: drives Debian's chromium through Playwright (run separately)"
    )


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Each test starts with an empty cache (``common.cache``): the database is rolled back
    between tests, the per-process cache is not."""
    django_cache.clear()


@pytest.fixture
def jurisdictions(db: None) -> dict[str, Jurisdiction]:
    """The shipped Zhengzhou jurisdictions, by code."""
    text = default_jurisdictions_file().read_text(encoding="utf-8")
    do_load_jurisdictions(None, parse_jurisdictions(text))
    return {j.code: j for j in Jurisdiction.objects.all()}


@pytest.fixture
def make_user(db: None) -> Callable[..., User]:
    """``make_user("name", role, jurisdiction_or_None)`` — a user holding one role."""

    def make(username: str, role: str | None = None, scope: Jurisdiction | None = None) -> User:
        user = User.objects.create_user(username=username, password=PASSWORD)
        if role is not None:
            if scope is None:
                do_assign_role(None, user, role, ScopeKind.GLOBAL.value, 0)
            else:
                do_assign_role(None, user, role, ScopeKind.JURISDICTION.value, scope.pk)
        return User.objects.get(pk=user.pk)

    return make


@pytest.fixture
def users(
    jurisdictions: dict[str, Jurisdiction], make_user: Callable[..., User]
) -> dict[str, User]:
    """One user per persona: the office over the city, officials of Dengfeng (own) and Xinmi
    (other), a reviewer over the city and a member of the public with no role."""
    city = jurisdictions["zhengzhou"]
    return {
        "office": make_user("office", Role.CITY_OFFICE.value, city),
        "own_official": make_user(
            "official-dengfeng", Role.DISTRICT_OFFICIAL.value, jurisdictions["dengfeng"]
        ),
        "other_official": make_user(
            "official-xinmi", Role.DISTRICT_OFFICIAL.value, jurisdictions["xinmi"]
        ),
        "reviewer": make_user("reviewer", Role.REVIEWER.value, city),
        "public": make_user("public"),
    }


@pytest.fixture
def client_for(users: dict[str, User]) -> Callable[[str], Client]:
    """A test client signed in as the persona (``"anonymous"``: not signed in)."""

    def make(persona: str) -> Client:
        client = Client()
        if persona != "anonymous":
            client.force_login(users[persona])
        return client

    return make


@pytest.fixture
def specimen(
    jurisdictions: dict[str, Jurisdiction], users: dict[str, User]
) -> Callable[..., Specimen]:
    """``specimen(state="draft", jurisdiction="dengfeng")`` — a record in the given state,
    moved there by the services (so its audit trail is real)."""
    from citycarbon.server.common import services

    def make(state: str = "draft", jurisdiction: str = "dengfeng", value: float = 12.5) -> Specimen:
        office = users["office"]
        item = services.do_create_draft(
            office, Specimen(jurisdiction=jurisdictions[jurisdiction], year=2012, value=value)
        )
        SpecimenLine.objects.create(specimen=item, label="coal", amount=value)
        steps = ["submitted", "approved", "published"]
        actions = [services.do_submit, services.do_approve, services.do_publish]
        for step, action in zip(steps, actions, strict=True):
            if state == "draft":
                break
            item = action(office, item)
            if step == state:
                break
        return Specimen.objects.get(pk=item.pk)

    return make


@dataclass(frozen=True)
class Counts:
    """Row counts of every table a request could write, and the latest audit event id."""

    values: tuple[tuple[str, int], ...]

    @classmethod
    def take(cls) -> Counts:
        models: list[Any] = [
            AuditEvent,
            User,
            RoleAssignment,
            AccessToken,
            LoginFailure,
            Jurisdiction,
            Specimen,
            SpecimenLine,
        ]
        values = [(model._meta.label, model.objects.count()) for model in models]
        latest = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        values.append(("latest_audit_event", latest))
        states = tuple(Specimen.objects.order_by("pk").values_list("pk", "state", "value", "note"))
        values.append(("specimen_states", hash(states)))
        return cls(tuple(values))


@pytest.fixture
def counts() -> Callable[[], Counts]:
    return Counts.take


@pytest.fixture
def api_json() -> Iterator[Callable[..., Any]]:
    """``api_json(client, "post", url, body)`` — a JSON request through the test client."""

    def call(client: Client, method: str, url: str, body: Any = None, **extra: Any) -> Any:
        sender = getattr(client, method)
        if body is None:
            return sender(url, **extra)
        return sender(url, data=body, content_type="application/json", **extra)

    return call
