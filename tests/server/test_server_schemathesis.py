"""Schemathesis against the OpenAPI schema: no generated input makes the API fail with a 5xx,
and every response has a status code, content type and body its operation documents.

The schema is read from ``/api/openapi.json`` of the running Django application and every
operation in it is exercised in-process (schemathesis's WSGI transport, the project's WSGI
application) — so the operations of every app are covered as soon as they are routed. For
each operation, seeded and bounded:

- ``positive`` — inputs valid under the schema;
- ``negative`` — inputs the schema forbids (they must be refused with a 4xx);
- ``sample`` — for an operation with path parameters whose app gives a sample
  (``<app>/samples.py``, :mod:`citycarbon.server.common.samples`): valid inputs aimed at an
  object of the demo data, so the code past the lookup runs too;

once as the city office (a personal access token) and once anonymously (an operation closed
to anonymous callers gets three positive examples: enough to see its refusal documented), on
the demo data (``citycarbon manage demo``, loaded once for the module). Each request runs in a
savepoint rolled back afterwards, so one generated call never changes what the next one sees.

Budget: ``CITYCARBON_SCHEMATHESIS_EXAMPLES`` examples per operation and kind (default 10),
seed ``CITYCARBON_SCHEMATHESIS_SEED``. A deeper run: ``CITYCARBON_SCHEMATHESIS_EXAMPLES=200``.
A failure names the operation, the kind, the reproducing request (as curl) and, for a 5xx,
the server's traceback.
"""

from __future__ import annotations

import io
import logging
import os
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import got_request_exception, request_finished, request_started
from django.db import close_old_connections, transaction
from django.test import Client, override_settings
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)
from tests_server_support import PASSWORD

from citycarbon.server.common import samples, services
from citycarbon.server.common.models import User
from citycarbon.server.config.wsgi import application

EXAMPLES = int(os.environ.get("CITYCARBON_SCHEMATHESIS_EXAMPLES", "") or 10)
SEED = int(os.environ.get("CITYCARBON_SCHEMATHESIS_SEED", "") or 20_260_501)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


@dataclass
class Run:
    """What one schemathesis pass found: failures (operation, kind, report) and, per
    operation and kind, how many requests were made."""

    failures: list[str] = field(default_factory=list)
    requests: dict[str, int] = field(default_factory=dict)
    seconds_by_label: dict[str, float] = field(default_factory=dict)
    seconds: float = 0.0

    def summary(self) -> str:
        total = sum(self.requests.values())
        return (
            f"{len(self.requests)} operation × kind passes, {total} requests, {self.seconds:.1f} s"
        )


@pytest.fixture(scope="module")
def demo(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[None]:
    """The demo (``citycarbon manage demo``), loaded once for the module inside a transaction
    that is rolled back after its last test (each test runs in a savepoint within it)."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            with override_settings(DATA_DIR=tmp_path_factory.mktemp("demo")):
                call_command(
                    "demo",
                    "--no-migrate",
                    "--allow-production",
                    f"--password={PASSWORD}",
                    stdout=io.StringIO(),
                )
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def wsgi_app() -> Iterator[Any]:
    """The project's WSGI application, served in this thread on the test's connection (Django
    would otherwise close it at the end of each request, inside the test's transaction)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield application
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _office_token() -> str:
    office = User.objects.get(username="office")
    _token, secret = services.do_create_token(
        office, name="schemathesis", read_only=False, expires_in_days=None
    )
    return secret


def _exercise(
    strategy: Any, label: str, headers: dict[str, str], run: Run, examples: int
) -> Callable[[], None]:
    """A seeded, bounded Hypothesis test: call with each generated case, then validate.
    (No shrinking: it is unbounded in time; the first failing input is reported.)"""

    @seed(SEED)
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )
    @given(case=strategy)
    def exercise(case: Any) -> None:
        run.requests[label] += 1
        with transaction.atomic():
            response = case.call(headers=headers)
            transaction.set_rollback(True)
        case.validate_response(response, checks=CHECKS)

    return exercise  # type: ignore[no-any-return]


def _kinds(operation: Any, found_samples: dict[str, Any]) -> list[tuple[str, Any]]:
    kinds: list[tuple[str, Any]] = [
        ("positive", operation.as_strategy(generation_mode=GenerationMode.POSITIVE)),
        ("negative", operation.as_strategy(generation_mode=GenerationMode.NEGATIVE)),
    ]
    if operation.path_parameters:
        name = samples.url_name_of(operation.path)
        sample = found_samples.get(name) if name else None
        kwargs = sample() if sample is not None else None
        if kwargs is not None:
            strategy = operation.as_strategy(
                generation_mode=GenerationMode.POSITIVE, path_parameters=dict(kwargs)
            )
            kinds.append(("sample", strategy))
    return kinds


def run_schemathesis(
    app: Any,
    headers: dict[str, str],
    *,
    only: Callable[[str], bool] | None = None,
    examples: int = EXAMPLES,
) -> Run:
    """Exercise every operation of the schema (or those whose label ``only`` accepts).

    Without credentials, an operation closed to anonymous callers (no ``{}`` in its security)
    refuses before it reads its input: it gets a few positive examples only, to check that
    the refusal is documented."""
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    found_samples = samples.url_samples()
    anonymous = "Authorization" not in headers
    tracebacks: list[str] = []

    def keep_traceback(sender: Any, request: Any = None, **kwargs: Any) -> None:
        tracebacks.append(traceback.format_exc())

    got_request_exception.connect(keep_traceback)
    quiet = logging.getLogger("django.request")
    level = quiet.level
    quiet.setLevel(logging.ERROR)  # not a line per refused request
    run = Run()
    start = time.perf_counter()
    try:
        for result in schema.get_all_operations():
            operation = result.ok()
            if only is not None and not only(operation.label):
                continue
            kinds = _kinds(operation, found_samples)
            budget = examples
            if anonymous and {} not in (operation.definition.raw.get("security") or [{}]):
                kinds, budget = kinds[:1], min(examples, 3)
            for kind, strategy in kinds:
                label = f"{operation.label} [{kind}]"
                run.requests[label] = 0
                tracebacks.clear()
                began = time.perf_counter()
                try:
                    _exercise(strategy, label, headers, run, budget)()
                except Unsatisfiable:
                    pass  # no input of this kind exists (a negative of an input-less operation)
                except (Exception, BaseExceptionGroup) as error:  # FailureGroup is a Base…
                    report = f"{label}\n{error}"
                    if tracebacks:
                        report += "\nServer traceback (last):\n" + tracebacks[-1]
                    run.failures.append(report)
                run.seconds_by_label[label] = time.perf_counter() - began
    finally:
        quiet.setLevel(level)
        got_request_exception.disconnect(keep_traceback)
    run.seconds = time.perf_counter() - start
    return run


@pytest.mark.parametrize("persona", ["office", "anonymous"])
def test_no_server_error_and_responses_as_documented(
    demo: None, db: None, wsgi_app: Any, persona: str
) -> None:
    headers = {"Authorization": f"Bearer {_office_token()}"} if persona == "office" else {}
    run = run_schemathesis(wsgi_app, headers)
    print(f"schemathesis as {persona}: {run.summary()}")
    assert run.requests, "the OpenAPI schema has no operations"
    assert not run.failures, f"{len(run.failures)} failing passes:\n\n" + "\n\n".join(run.failures)


def test_a_server_error_is_caught(demo: None, db: None, wsgi_app: Any, monkeypatch: Any) -> None:
    """The canary: an operation that fails with an exception is reported, with the
    reproducing request and the server's traceback."""
    from citycarbon.server.geo import selectors

    def broken(user: Any, code: str) -> Any:
        raise RuntimeError("canary: the selector broke")

    monkeypatch.setattr(selectors, "jurisdiction", broken)
    run = run_schemathesis(
        wsgi_app, {}, only=lambda label: label == "GET /api/geo/jurisdictions/{code}", examples=5
    )
    assert run.failures
    report = run.failures[0]
    assert "GET /api/geo/jurisdictions/{code}" in report
    assert "Server error" in report
    assert "curl -X GET" in report
    assert "RuntimeError: canary: the selector broke" in report


def test_schema_documents_the_common_refusals(demo: None, db: None) -> None:
    """Regression (found by schemathesis): 422 was returned but not documented on any
    operation, anonymous reads were documented as needing credentials, and an unknown
    jurisdiction's 404 was undocumented."""
    schema = Client().get("/api/openapi.json").json()
    operation = schema["paths"]["/api/geo/jurisdictions/{code}"]["get"]
    assert {"200", "401", "404", "422"} <= set(operation["responses"])
    assert {} in operation["security"]
    error = operation["responses"]["422"]["content"]["application/json"]["schema"]
    assert error == {"$ref": "#/components/schemas/ErrorOut"}
    me = schema["paths"]["/api/me"]["get"]
    assert "422" not in me["responses"]  # no input, nothing to refuse
    listing = schema["paths"]["/api/geo/jurisdictions"]["get"]  # paginated: page, page_size
    assert {p["name"] for p in listing["parameters"]} == {"page", "page_size"}
    assert {"200", "404", "422"} <= set(listing["responses"])
    create = schema["paths"]["/api/tokens"]["post"]
    assert {"401", "403", "413", "422"} <= set(create["responses"])
    assert {} not in create["security"]  # signed-in browsers only


def _office_client() -> Client:
    client = Client()
    client.force_login(User.objects.get(username="office"))
    client.cookies["citycarbon_language"] = "en"
    return client


def test_nul_characters_are_refused_not_a_server_error(
    demo: None, db: None, counts: Callable[[], Any]
) -> None:
    """Regression (found by schemathesis on PostgreSQL): a NUL character in an input reached
    a query and PostgreSQL refused it — ``DataError: PostgreSQL text fields cannot contain NUL
    (0x00) bytes`` → 500. Now refused before any view runs: 422 naming the field and value on
    the API, 400 on pages, nothing written."""
    client = _office_client()
    before = counts()
    response = client.post(
        "/api/testing/specimens",
        data='{"jurisdiction": "deng\\u0000feng", "year": 2012, "value": 1.0}',
        content_type="application/json",
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_request"
    assert body["field"] == "jurisdiction"
    assert body["value"] == "deng\\u0000feng"
    assert body["message"] == "Null characters are not allowed."
    assert counts() == before

    nested = client.post(
        "/api/testing/specimens",
        data='{"jurisdiction": "dengfeng", "year": 2012, "value": 1.0, "x": [{"note": "\\u0000"}]}',
        content_type="application/json",
    )
    assert (nested.status_code, nested.json()["field"]) == (422, "note")

    query = client.get("/api/audit/events", {"actor": "off\x00ice"})
    assert (query.status_code, query.json()["field"], query.json()["value"]) == (
        422,
        "actor",
        "off\\u0000ice",
    )
    path = Client().get("/api/geo/jurisdictions/deng%00feng")
    assert (path.status_code, path.json()["field"]) == (422, "path")
    page = client.get("/jurisdictions/", {"q": "\x00"})
    assert page.status_code == 400
    form = Client().post(
        "/login/", "username=office%00&password=x", "application/x-www-form-urlencoded"
    )
    assert form.status_code == 400
    assert counts() == before


def test_a_backslash_u0000_text_is_not_a_nul(demo: None, db: None) -> None:
    """The six characters ``\\u0000`` written as text (JSON ``"\\\\u0000"``) are not a NUL
    and pass."""
    response = _office_client().post(
        "/api/testing/specimens",
        data='{"jurisdiction": "dengfeng", "year": 2012, "value": 1.0, "note": "\\\\u0000"}',
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["note"] == "\\u0000"
