"""The MRV API's cached reads (``common.api.cached_read``): an answer cached for one scope never
reaches another (an enterprise account never gets another enterprise's list or records, even
right after that enterprise's account warmed the cache), a change makes the next read fresh,
and an answer "as of today" is computed again on another day.

Runs on SQLite and on PostgreSQL (``CITYCARBON_TEST_DATABASE_URL``) like every server test.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from unittest import mock

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from mrv_support import OTHER, OWN, PROPOSED, PROPOSED_2, VERIFIER_A, World

from citycarbon.server.common.selectors import scope_fingerprint
from citycarbon.server.mrv import services


def _client(world: World, persona: str) -> Client:
    client = Client()
    client.force_login(world.people[persona])
    return client


def _get(client: Client, url: str, status: int = 200) -> tuple[Any, list[str]]:
    """The JSON answer and the SQL it took."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == status, response.content[:300]
    return response.json(), [query["sql"] for query in captured.captured_queries]


def _reads_mrv(sql: list[str]) -> bool:
    return any('"mrv_' in statement for statement in sql)


def test_an_enterprise_account_never_gets_another_enterprises_cached_list(world: World) -> None:
    """Xinmi's account warms the list (and its own records); Dengfeng's account then gets its
    own enterprise only, and a 404 for Xinmi's — from the cache or not, whoever asked first."""
    other, own = _client(world, "other_enterprise"), _client(world, "own_enterprise")
    assert scope_fingerprint(world.people["other_enterprise"]) != scope_fingerprint(
        world.people["own_enterprise"]
    )
    url = "/api/mrv/enterprises"
    first, sql = _get(other, url)
    assert [item["credit_code"] for item in first["items"]] == [OTHER]
    assert _reads_mrv(sql)
    again, sql = _get(other, url)
    assert again == first
    assert not _reads_mrv(sql)  # served from the cache
    for path in (f"/api/mrv/enterprises/{OTHER}", f"/api/mrv/enterprises/{OTHER}/plans"):
        _get(other, path)  # warmed for Xinmi's scope
        _get(own, path, status=404)
    mine, sql = _get(own, url)
    assert (mine["count"], [item["credit_code"] for item in mine["items"]]) == (1, [OWN])
    assert _reads_mrv(sql)  # computed for Dengfeng's scope, not Xinmi's answer
    # And the other way round: what Dengfeng's account got is not what Xinmi's gets.
    assert [item["credit_code"] for item in _get(other, url)[0]["items"]] == [OTHER]
    assert _get(own, f"/api/mrv/enterprises/{OWN}")[0]["credit_code"] == OWN
    _get(other, f"/api/mrv/enterprises/{OWN}", status=404)


def test_a_change_of_the_register_makes_the_next_read_fresh(world: World) -> None:
    office = _client(world, "office")
    url = f"/api/mrv/enterprises/{OWN}"
    before, _sql = _get(office, url)
    assert before["name_en"] == "Test enterprise 016K"
    assert not _reads_mrv(_get(office, url)[1])
    services.do_update_enterprise(world.people["office"], world.own, {"name_en": "Renamed"})
    after, sql = _get(office, url)
    assert after["name_en"] == "Renamed"
    assert _reads_mrv(sql)


def test_an_answer_as_of_today_is_computed_again_the_next_day(world: World) -> None:
    """The organisation's accreditation runs 2014-01-01 to 2016-12-31: eligible on its last
    day, not on the next — the cached answer of the first day is not served on the second."""
    office = _client(world, "office")
    with mock.patch("django.utils.timezone.localdate", return_value=date(2016, 12, 31)):
        listed, _sql = _get(office, "/api/mrv/verifiers")
        assert [(o["credit_code"], o["eligible_today"]) for o in listed["items"]] == [
            (VERIFIER_A, True)
        ]
        assert not _reads_mrv(_get(office, "/api/mrv/verifiers")[1])
    with mock.patch("django.utils.timezone.localdate", return_value=date(2017, 1, 1)):
        listed, sql = _get(office, "/api/mrv/verifiers")
        assert [(o["credit_code"], o["eligible_today"]) for o in listed["items"]] == [
            (VERIFIER_A, False)
        ]
        assert _reads_mrv(sql)
        detail, _sql = _get(office, f"/api/mrv/verifiers/{VERIFIER_A}")
        assert detail["eligible_today"] is False


@pytest.mark.parametrize(
    ("query", "codes", "pages"),
    [
        ("?page_size=1", [PROPOSED], 2),
        ("?page_size=1&page=2", [PROPOSED_2], 2),
        ("", [PROPOSED, PROPOSED_2], 1),
    ],
)
def test_a_screening_runs_proposals_are_paginated(
    world: World, query: str, codes: list[str], pages: int
) -> None:
    url = f"/api/mrv/screening-runs/{world.run.pk}{query}"
    answer, _sql = _get(_client(world, "office"), url)
    assert answer["proposals"] == answer["count"] == 2
    assert [item["credit_code"] for item in answer["items"]] == codes
    assert answer["pages"] == pages


def test_a_page_past_the_last_is_refused(world: World) -> None:
    office = _client(world, "office")
    answer, _sql = _get(office, "/api/mrv/verifications?page=2", status=404)
    assert (answer["field"], answer["value"]) == ("page", 2)
    answer, _sql = _get(office, f"/api/mrv/screening-runs/{world.run.pk}?page=3", status=404)
    assert (answer["field"], answer["value"]) == ("page", 3)
