"""The cache of computed reads (``citycarbon.server.common.cache``): a change makes the next
read fresh, a user of another scope never gets another scope's cached answer, users of the
same scope share it, and ``CITYCARBON_CACHE=0`` switches it off.

Runs on SQLite and on PostgreSQL (``CITYCARBON_TEST_DATABASE_URL``) like every server test.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from citycarbon.server.common import cache, selectors
from citycarbon.server.common.choices import Role, ScopeKind
from citycarbon.server.common.models import DataGeneration, User
from citycarbon.server.common.services import do_assign_role, do_create_token, do_revoke_token
from citycarbon.server.geo.models import Jurisdiction
from citycarbon.server.geo.services import do_load_jurisdictions, parse_jurisdictions
from citycarbon.server.targets.services import do_load_target_set

pytestmark = pytest.mark.django_db

HEADER = "code,division_code,name_zh,name_en,kind,parent,tile_col,tile_row,sort_order\n"


def _get(client: Client, url: str) -> tuple[Any, int]:
    """The JSON answer and the number of queries it took."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return response.json(), len(captured.captured_queries)


def _queries_of(client: Client, url: str) -> list[dict[str, str]]:
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return list(captured.captured_queries)


def _rename(jurisdictions: dict[str, Jurisdiction], code: str, name_en: str) -> None:
    """Rename a jurisdiction through the loader (an audited change of the ``geo`` domain)."""
    rows = []
    for item in Jurisdiction.objects.select_related("parent").order_by("sort_order", "code"):
        rows.append(
            ",".join(
                [
                    item.code,
                    item.division_code,
                    item.name_zh,
                    name_en if item.code == code else item.name_en,
                    item.kind,
                    item.parent.code if item.parent else "",
                    "" if item.tile_col is None else str(item.tile_col),
                    "" if item.tile_row is None else str(item.tile_row),
                    str(item.sort_order),
                ]
            )
        )
    do_load_jurisdictions(None, parse_jurisdictions(HEADER + "\n".join(rows) + "\n"))


@pytest.fixture
def draft(
    users: dict[str, User],
    jurisdictions: dict[str, Jurisdiction],
    client_for: Callable[[str], Client],
    api_json: Callable[..., Any],
) -> int:
    """A draft statistic of Dengfeng, entered by its official: seen by the official, the
    office and the reviewer; not by Xinmi's official nor the public."""
    do_load_target_set(None, "zhengzhou")
    body = {"jurisdiction": "dengfeng", "year": 2010, "gdp_constant_cny_100m": 300.0,
            "co2_t": 11_700_000.0, "energy_tce": 4_650_000.0}  # fmt: skip
    response = api_json(client_for("own_official"), "post", "/api/stats/statistics", body)
    assert response.status_code == 201, response.content[:300]
    return int(response.json()["id"])


def test_a_change_makes_the_next_read_fresh(
    jurisdictions: dict[str, Jurisdiction], client_for: Callable[[str], Client]
) -> None:
    client = client_for("anonymous")
    url = "/api/geo/jurisdictions/dengfeng"
    first, _queries = _get(client, url)
    again, queries = _get(client, url)
    assert first["name_en"] == again["name_en"] == "Dengfeng"
    assert queries == 1  # the generations; the answer came from the cache
    _rename(jurisdictions, "dengfeng", "Dengfeng City")
    fresh, queries = _get(client, url)
    assert fresh["name_en"] == "Dengfeng City"
    assert queries > 1
    # The jurisdiction page's cached body too (it shows the name in the active language).
    client.cookies["citycarbon_language"] = "en"
    page = client.get("/targets/jurisdictions/dengfeng/")
    assert "<h1>Dengfeng City</h1>" in page.content.decode()
    _rename(jurisdictions, "dengfeng", "Dengfeng")
    page = client.get("/targets/jurisdictions/dengfeng/")
    assert "<h1>Dengfeng</h1>" in page.content.decode()


def test_a_save_outside_the_services_renews_the_generation_too(
    jurisdictions: dict[str, Jurisdiction],
) -> None:
    """Bookkeeping writes (a compilation's progress) are not audited; any save or delete of
    a domain's model renews its generation all the same."""
    before = dict(cache.generations())
    item = jurisdictions["xinmi"]
    item.name_en = "Xinmi City"
    item.save()
    after = cache.generations()
    assert after["geo"] != before["geo"]
    assert {k: v for k, v in after.items() if k != "geo"} == {
        k: v for k, v in before.items() if k != "geo"
    }


def test_a_rolled_back_change_leaves_the_generation(
    jurisdictions: dict[str, Jurisdiction],
) -> None:
    before = dict(cache.generations())
    rows = DataGeneration.objects.count()
    inside: dict[str, int] = {}

    def change_then_fail() -> None:
        with transaction.atomic():
            _rename(jurisdictions, "xinmi", "Changed and rolled back")
            inside.update(cache.generations())
            raise RuntimeError("roll back")

    with pytest.raises(RuntimeError, match="roll back"):
        change_then_fail()
    assert inside["geo"] != before["geo"]  # seen inside the transaction
    assert dict(cache.generations()) == before
    assert DataGeneration.objects.count() == rows
    assert Jurisdiction.objects.get(code="xinmi").name_en == "Xinmi"


def test_another_scope_never_gets_the_cached_answer(
    draft: int, client_for: Callable[[str], Client]
) -> None:
    """Whoever asks first, whatever is cached: each scope gets what it may see."""
    url = "/api/stats/statistics"
    own = client_for("own_official")
    seen, _queries = _get(own, url)  # cached for the Dengfeng official's scope
    assert [item["id"] for item in seen["items"]] == [draft]
    for persona in ("other_official", "public", "anonymous"):
        answer, _queries = _get(client_for(persona), url)
        assert answer["items"] == [], persona
        assert client_for(persona).get(f"{url}/{draft}").status_code == 404, persona
    for persona in ("office", "reviewer"):
        answer, _queries = _get(client_for(persona), url)
        assert [item["id"] for item in answer["items"]] == [draft], persona
    # And the other way round: what the public was given is not what the official gets.
    assert [item["id"] for item in _get(own, url)[0]["items"]] == [draft]
    page = client_for("other_official").get("/targets/jurisdictions/dengfeng/").content.decode()
    assert f"/statistics/{draft}/" not in page
    page = client_for("own_official").get("/targets/jurisdictions/dengfeng/").content.decode()
    assert f"/statistics/{draft}/" in page


def test_users_with_the_same_scope_share_entries_and_only_they(
    draft: int,
    users: dict[str, User],
    jurisdictions: dict[str, Jurisdiction],
    make_user: Callable[..., User],
    client_for: Callable[[str], Client],
) -> None:
    second = make_user("second-dengfeng", Role.DISTRICT_OFFICIAL.value, jurisdictions["dengfeng"])
    own = users["own_official"]
    assert selectors.scope_fingerprint(second) == selectors.scope_fingerprint(own)
    assert selectors.scope_fingerprint(users["other_official"]) != selectors.scope_fingerprint(own)
    assert selectors.scope_fingerprint(users["office"]) != selectors.scope_fingerprint(
        users["reviewer"]
    )
    assert selectors.scope_fingerprint(users["public"]) == selectors.scope_fingerprint(None)
    _get(client_for("own_official"), "/api/stats/statistics")
    client = Client()
    client.force_login(second)
    answer, queries = _get(client, "/api/stats/statistics")
    assert [item["id"] for item in answer["items"]] == [draft]
    # The session, the user, the generations, the grants — the answer itself from the cache.
    assert queries == 4
    # A new role changes the scope: the user's next answer is computed for the new one.
    do_assign_role(None, second, Role.DISTRICT_OFFICIAL.value, ScopeKind.JURISDICTION.value,
                   jurisdictions["xinmi"].pk)  # fmt: skip
    fresh = User.objects.get(pk=second.pk)
    assert selectors.scope_fingerprint(fresh) != selectors.scope_fingerprint(own)


def test_a_revoked_token_is_refused_at_once(users: dict[str, User]) -> None:
    """Tokens are looked up through the cache; revoking one renews the generation of the
    common app, so the next request looks it up again."""
    token, secret = do_create_token(users["office"], name="cached", read_only=True)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert client.get("/api/me").json()["username"] == "office"
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/api/me").status_code == 200
    assert len(captured.captured_queries) == 1  # the generations only
    do_revoke_token(users["office"], token)
    assert client.get("/api/me").status_code == 401


def test_the_cache_can_be_switched_off(
    jurisdictions: dict[str, Jurisdiction], client_for: Callable[[str], Client]
) -> None:
    """A change made behind the services' back (a queryset update: no audit event, no
    signal) is not seen through the cache — and is seen at once with the cache off."""
    client = client_for("anonymous")
    url = "/api/geo/jurisdictions/xinmi"
    assert _get(client, url)[0]["name_en"] == "Xinmi"
    Jurisdiction.objects.filter(code="xinmi").update(name_en="Changed behind the back")
    assert _get(client, url)[0]["name_en"] == "Xinmi"
    with override_settings(CITYCARBON_CACHE=False):
        answer, queries = _get(client, url)
        assert answer["name_en"] == "Changed behind the back"
        assert _get(client, url)[1] == queries  # computed again
        assert not any(
            "datageneration" in q["sql"] for q in _queries_of(client, url)
        )  # no generations read
    Jurisdiction.objects.get(code="xinmi").save()  # a save renews the generation
    assert _get(client, url)[0]["name_en"] == "Changed behind the back"


def test_the_generations_are_read_once_per_request(
    users: dict[str, User], client_for: Callable[[str], Client]
) -> None:
    client = client_for("office")
    client.get("/targets/")
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/targets/").status_code == 200
    generations = [q for q in captured.captured_queries if "datageneration" in q["sql"]]
    assert len(generations) == 1
