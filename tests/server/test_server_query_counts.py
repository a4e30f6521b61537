"""Database queries per page and per API read, pinned in ``golden/query_counts.json``.

With the demo loaded (``citycarbon manage demo``: jurisdictions, demo accounts and whatever
the apps add to it), every page of the URL conf and every ``GET`` operation of the OpenAPI
schema is requested as the city office, a district official (the official of the sample
jurisdiction), the ``public`` demo account and an anonymous visitor, and the number of SQL
statements of the *second* request (the first warms per-process caches) is compared with the
golden file together with the status code. A query more than pinned fails the test: it is
usually an N+1 (a loop reading a relation one row at a time). The counts are taken with the
cache off (``CITYCARBON_CACHE=0``), so they are those of computing each page and answer — a
cached read would hide an N+1 until the data change; what a cached read costs is tested in
``test_server_cache.py``.

Pages and operations are discovered, not listed: one whose URL takes arguments is reached
through its app's sample (``<app>/samples.py``, see :mod:`citycarbon.server.common.samples`)
and is otherwise listed under ``uncovered`` in the golden file.

A deliberate change (a new page, a page that now shows more) is pinned again with ::

    CITYCARBON_UPDATE_GOLDEN=1 pytest tests/server/test_server_query_counts.py

then review the diff of ``tests/server/golden/query_counts.json`` before committing it. The
counts are the same on SQLite and PostgreSQL (the test runs on both).
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from tests_server_support import PASSWORD

from citycarbon.server.common import samples
from citycarbon.server.common.models import User
from citycarbon.server.config.api import api

GOLDEN = Path(__file__).parent / "golden" / "query_counts.json"
UPDATE = os.environ.get("CITYCARBON_UPDATE_GOLDEN", "").strip() not in ("", "0")
#: persona → demo account (``None``: not signed in); the official is found at run time.
PERSONAS = ("office", "official", "public", "anonymous")


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


def _official_username() -> str:
    """The demo official of the sample jurisdiction (the one the detail pages show)."""
    from citycarbon.server.geo.samples import demo_jurisdiction

    sample = demo_jurisdiction()
    assert sample is not None, "the demo loaded no jurisdictions"
    return f"official-{sample['code']}"


def _clients() -> dict[str, Client]:
    accounts = {"office": "office", "official": _official_username(), "public": "public"}
    clients: dict[str, Client] = {}
    for persona in PERSONAS:
        client = Client()
        if persona in accounts:
            client.force_login(User.objects.get(username=accounts[persona]))
        clients[persona] = client
    return clients


@override_settings(CITYCARBON_CACHE=False)
def _measure(client: Client, url: str) -> tuple[dict[str, int], list[str]]:
    client.get(url)  # warm: content types, permissions, the token's last use …
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    sql = [query["sql"] for query in captured.captured_queries]
    return {"status": response.status_code, "queries": len(sql)}, sql


def measure_all(
    only: set[str] | None = None,
) -> tuple[dict[str, Any], dict[tuple[str, str, str], list[str]]]:
    """Counts of every page and API read (or those named in ``only``) for every persona, and
    the SQL behind each."""
    found = samples.url_samples()
    clients = _clients()
    counts: dict[str, Any] = {"pages": {}, "api": {}, "uncovered": []}
    statements: dict[tuple[str, str, str], list[str]] = {}
    targets: list[tuple[str, str, str]] = []
    for page in samples.pages(found):
        if page.url is None:
            counts["uncovered"].append(f"page {page.name} ({page.route})")
        else:
            targets.append(("pages", page.name, page.url))
    for operation in samples.api_operations(api.get_openapi_schema(), found):
        if operation.url is None:
            counts["uncovered"].append(f"api {operation.key}")
        else:
            targets.append(("api", operation.key, operation.url))
    for section, key, url in targets:
        if only is not None and key not in only:
            continue
        entry: dict[str, Any] = {}
        for persona, client in clients.items():
            entry[persona], statements[(section, key, persona)] = _measure(client, url)
        counts[section][key] = entry
    return counts, statements


def _show(entry: dict[str, int] | None) -> str:
    if entry is None:
        return "nothing"
    return f"{entry['queries']} queries (status {entry['status']})"


def _differences(
    golden: dict[str, Any], counts: dict[str, Any]
) -> list[tuple[str, tuple[str, str, str] | None]]:
    """Each difference as a message and the (section, key, persona) of its SQL, if any."""
    problems: list[tuple[str, tuple[str, str, str] | None]] = []
    for section in ("pages", "api"):
        pinned, measured = golden.get(section, {}), counts[section]
        for key in sorted(set(measured) - set(pinned)):
            problems.append((f"{section} {key}: new, no pinned count", None))
        for key in sorted(set(pinned) - set(measured)):
            problems.append((f"{section} {key}: pinned but no longer found", None))
        for key in sorted(set(pinned) & set(measured)):
            for persona in PERSONAS:
                before = pinned[key].get(persona)
                after = measured[key][persona]
                if before != after:
                    message = f"{section} {key} as {persona}: {_show(before)} → {_show(after)}"
                    problems.append((message, (section, key, persona)))
    if sorted(golden.get("uncovered", [])) != sorted(counts["uncovered"]):
        message = (
            f"uncovered (URL arguments without a sample): pinned {golden.get('uncovered')}, "
            f"now {counts['uncovered']}"
        )
        problems.append((message, None))
    return problems


def test_query_counts_match_the_golden_file(demo: None, db: None) -> None:
    counts, statements = measure_all()
    if UPDATE:
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(counts, indent=2, sort_keys=True, ensure_ascii=False)
        GOLDEN.write_text(text + "\n", encoding="utf-8")
        return
    assert GOLDEN.exists(), f"{GOLDEN} is missing: run with CITYCARBON_UPDATE_GOLDEN=1"
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    problems = _differences(golden, counts)
    if problems:
        detail = []
        for message, where in problems:
            detail.append(message)
            for sql in statements.get(where, []) if where else []:
                detail.append(f"    {sql[:240]}")
        pytest.fail(
            "query counts differ from tests/server/golden/query_counts.json — an N+1, or a "
            "deliberate change to pin with CITYCARBON_UPDATE_GOLDEN=1 (the SQL now run is "
            "listed under each change):\n" + "\n".join(detail),
            pytrace=False,
        )


def test_every_page_and_read_is_covered_for_every_persona(demo: None, db: None) -> None:
    """The golden file is not vacuous: it holds the foundation's pages and reads (by name, so
    the check survives new apps) with a count for each persona, and a page that needs an id
    is reached through its sample."""
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    for key in ("common:home", "geo:jurisdiction_list", "geo:jurisdiction_detail"):
        assert set(golden["pages"][key]) == set(PERSONAS)
        assert golden["pages"][key]["office"]["status"] == 200
    for key in ("GET /api/geo/jurisdictions", "GET /api/geo/jurisdictions/{code}"):
        assert golden["api"][key]["anonymous"]["status"] == 200
    detail = {page.name: page for page in samples.pages()}["geo:jurisdiction_detail"]
    assert detail.url == "/jurisdictions/dengfeng/"  # first district of the shipped file


def test_an_n_plus_one_is_caught(demo: None, db: None, monkeypatch: Any) -> None:
    """A page that reads each jurisdiction's parent one at a time counts more queries than
    pinned (the canary that the comparison works)."""
    from citycarbon.server.geo import selectors

    original = selectors.jurisdictions

    def without_select_related(user: Any) -> Any:
        return original(user).select_related(None)

    monkeypatch.setattr(selectors, "jurisdictions", without_select_related)
    key = "geo:jurisdiction_list"
    counts, statements = measure_all(only={key})
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    pinned = golden["pages"][key]["office"]["queries"]
    assert counts["pages"][key]["office"]["queries"] > pinned
    problems = dict(_differences(golden, counts))
    message = f"pages {key} as office: {pinned} queries (status 200) → "
    found = [m for m in problems if m.startswith(message)]
    assert len(found) == 1
    where = problems[found[0]]
    assert where is not None
    assert len(statements[where]) == counts["pages"][key]["office"]["queries"]  # SQL listed


def test_every_page_shows_the_platform_name_in_its_header(demo: None, db: None) -> None:
    """Regression (seen on the screenshots): the sign-in page's header showed the host name
    (``localhost:8000``) — Django's ``LoginView`` puts ``site_name`` in its context and it
    won over the site's. Every HTML page (not fragment) must show the platform's name."""
    clients = _clients()
    checked = 0
    for page in samples.pages():
        if page.url is None:
            continue
        for persona in ("anonymous", "office"):
            response = clients[persona].get(page.url)
            kind = response.get("Content-Type", "")
            if response.status_code != 200 or not kind.startswith("text/html"):
                continue
            html = response.content.decode()
            if "<html" not in html:
                continue  # a fragment (HTMX), not a page
            assert '<span class="brand__name">城市温室气体排放控制平台</span>' in html, (
                f"{page.name} as {persona}"
            )
            checked += 1
    assert checked >= 6
