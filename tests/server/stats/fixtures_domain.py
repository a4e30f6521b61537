"""Fixtures shared by the statistics and targets tests (imported by both folders' conftest):
the Zhengzhou target set, statistics in any state moved there by the services, the counts of
every table these apps write, and the browser for the Playwright tests."""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from citycarbon.cli.targets import input_to_workbook
from citycarbon.server.common.models import AuditEvent, User
from citycarbon.server.geo.models import Jurisdiction
from citycarbon.server.stats import selectors as stats_selectors
from citycarbon.server.stats import services as stats_services
from citycarbon.server.stats.models import (
    Statistic,
    StatisticFuel,
    StatisticIndicator,
    StatisticMeasure,
    WarningAcknowledgement,
)
from citycarbon.server.stats.validation import Figures
from citycarbon.server.targets.models import (
    AssessmentResult,
    AssessmentRun,
    ChecklistItem,
    JurisdictionTarget,
    PlanIndicator,
    TargetSet,
)
from citycarbon.server.targets.services import do_load_target_set
from citycarbon.targets import example

EXAMPLE = "zhengzhou-2010-2015-illustrative"
SET_CODE = "zhengzhou-2010-2015"


def example_data() -> dict[str, Any]:
    return example(EXAMPLE)


def example_year(kernel_id: str, year: int) -> dict[str, Any]:
    """The illustrative statistics of a jurisdiction (the kernel's id) in a year."""
    for entry in example_data()["jurisdictions"]:
        if entry["id"] == kernel_id:
            return dict(entry["years"][str(year)])
    raise KeyError(kernel_id)


def example_workbook(data: dict[str, Any] | None = None) -> Any:
    """The workbook ``citycarbon template targets --example`` writes (an openpyxl book)."""
    return input_to_workbook(data or example_data())


def workbook_bytes(book: Any) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def target_set(jurisdictions: dict[str, Jurisdiction]) -> TargetSet:
    """The Zhengzhou 12th-FYP set, with the illustrative example's emission factors."""
    data = example_data()
    return do_load_target_set(
        None, "zhengzhou", co2_factors=data["co2_factors"], grid_factor=data["grid_factor"]
    )


@pytest.fixture
def make_statistic(
    target_set: TargetSet, jurisdictions: dict[str, Jurisdiction], users: dict[str, User]
) -> Callable[..., Statistic]:
    """``make_statistic(state, jurisdiction="dengfeng", year=2010, figures=None)`` — a record
    moved to ``state`` by the services as the office (figures: the illustrative ones)."""

    def make(
        state: str = "draft",
        jurisdiction: str = "dengfeng",
        year: int = 2010,
        figures: Figures | None = None,
    ) -> Statistic:
        office = users["office"]
        target = target_set.targets.get(jurisdiction__code=jurisdiction)
        figures = figures or Figures.from_kernel(example_year(target.kernel_id, year))
        item = stats_services.do_create_statistic(
            office, jurisdictions[jurisdiction], year, figures
        )
        if state == "draft":
            return Statistic.objects.get(pk=item.pk)
        for warning, ack in stats_selectors.warnings_of(item):
            if ack is None:
                stats_services.do_acknowledge_warning(office, item, warning.code, "checked")
        item = stats_services.do_submit_statistic(office, item)
        if state != "submitted":
            item = stats_services.do_approve_statistic(office, item)
        if state == "published":
            item = stats_services.do_publish_statistic(office, item)
        return Statistic.objects.get(pk=item.pk)

    return make


@dataclass(frozen=True)
class DomainCounts:
    """Row counts of every table the statistics and targets apps write, the latest audit
    event, and the states and figures of the statistics."""

    values: tuple[tuple[str, Any], ...]

    @classmethod
    def take(cls) -> DomainCounts:
        models: list[Any] = [
            AuditEvent,
            Statistic,
            StatisticFuel,
            StatisticMeasure,
            StatisticIndicator,
            WarningAcknowledgement,
            TargetSet,
            JurisdictionTarget,
            PlanIndicator,
            ChecklistItem,
            AssessmentRun,
            AssessmentResult,
        ]
        values: list[tuple[str, Any]] = [(m._meta.label, m.objects.count()) for m in models]
        latest = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        values.append(("latest_audit_event", latest))
        values.append(
            (
                "statistics",
                tuple(
                    Statistic.objects.order_by("pk").values_list(
                        "pk", "state", "version", "gdp_constant_cny_100m", "co2_t", "note"
                    )
                ),
            )
        )
        return cls(tuple(values))


@pytest.fixture
def domain_counts() -> Callable[[], DomainCounts]:
    return DomainCounts.take


# --- the browser (as in tests/server/browser/conftest.py) ---------------------------------------

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@pytest.fixture
def screenshot_dir(tmp_path: Path) -> Path:
    target = os.environ.get("CITYCARBON_SCREENSHOT_DIR")
    path = Path(target) if target else tmp_path / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium fonts-noto-cjk")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield launched
        finally:
            launched.close()


# --- one world per test module (the permission matrices) --------------------------------------


@dataclass
class World:
    """Jurisdictions, one user per persona, the target set and Dengfeng's records in every
    state, made once for a module inside a transaction rolled back at its end (each test runs
    in a savepoint of it, as Django's ``setUpTestData``)."""

    users: dict[str, int]
    records: dict[str, int]
    target_set: int


def _build_base() -> tuple[dict[str, int], dict[str, Jurisdiction], TargetSet]:
    from tests_server_support import PASSWORD

    from citycarbon.server.common.choices import Role, ScopeKind
    from citycarbon.server.common.services import do_assign_role
    from citycarbon.server.geo.services import (
        default_jurisdictions_file,
        do_load_jurisdictions,
        parse_jurisdictions,
    )

    do_load_jurisdictions(
        None, parse_jurisdictions(default_jurisdictions_file().read_text(encoding="utf-8"))
    )
    places = {j.code: j for j in Jurisdiction.objects.all()}
    people = {
        "office": ("office", Role.CITY_OFFICE.value, "zhengzhou"),
        "own_official": ("official-dengfeng", Role.DISTRICT_OFFICIAL.value, "dengfeng"),
        "other_official": ("official-xinmi", Role.DISTRICT_OFFICIAL.value, "xinmi"),
        "reviewer": ("reviewer", Role.REVIEWER.value, "zhengzhou"),
        "public": ("public", None, None),
    }
    users: dict[str, int] = {}
    for persona, (username, role, place) in people.items():
        user = User.objects.create_user(username=username, password=PASSWORD)
        if role is not None and place is not None:
            do_assign_role(None, user, role, ScopeKind.JURISDICTION.value, places[place].pk)
        users[persona] = user.pk
    data = example_data()
    item = do_load_target_set(
        None, "zhengzhou", co2_factors=data["co2_factors"], grid_factor=data["grid_factor"]
    )
    return users, places, item


def build_world() -> World:
    users, places, item = _build_base()
    office = User.objects.get(pk=users["office"])
    records: dict[str, int] = {}
    for state, year in (
        ("published", 2010),
        ("approved", 2011),
        ("submitted", 2012),
        ("draft", 2013),
    ):
        figures = Figures.from_kernel(example_year("dengfeng", year))
        record = stats_services.do_create_statistic(office, places["dengfeng"], year, figures)
        if state != "draft":
            for warning, ack in stats_selectors.warnings_of(record):
                if ack is None:
                    stats_services.do_acknowledge_warning(office, record, warning.code, "checked")
            record = stats_services.do_submit_statistic(office, record)
        if state in ("approved", "published"):
            record = stats_services.do_approve_statistic(office, record)
        if state == "published":
            record = stats_services.do_publish_statistic(office, record)
        records[state] = record.pk
    return World(users=users, records=records, target_set=item.pk)


def build_example_world() -> World:
    """The set with every illustrative statistic loaded as published (as the demo does)."""
    from citycarbon.server.targets.services import do_load_example_statistics

    users, _places, item = _build_base()
    do_load_example_statistics(item, EXAMPLE)
    return World(users=users, records={}, target_set=item.pk)


def _module_world(build: Callable[[], World], blocker: Any) -> Iterator[World]:
    from django.db import transaction

    with blocker.unblock(), transaction.atomic():
        built = build()
        yield built
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[World]:
    yield from _module_world(build_world, django_db_blocker)


@pytest.fixture(scope="module")
def example_world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[World]:
    yield from _module_world(build_example_world, django_db_blocker)


@pytest.fixture
def client_as(db: None) -> Callable[[str], Any]:
    """A test client signed in as a persona of the module's world (``"anonymous"``: not)."""
    from django.test import Client
    from tests_server_support import PASSWORD  # noqa: F401  (the same users as the conftest's)

    usernames = {
        "office": "office",
        "own_official": "official-dengfeng",
        "other_official": "official-xinmi",
        "reviewer": "reviewer",
        "public": "public",
    }

    def make(persona: str) -> Any:
        client = Client()
        if persona != "anonymous":
            client.force_login(User.objects.get(username=usernames[persona]))
        return client

    return make
