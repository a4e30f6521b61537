"""Entering statistics: the kernel's checks, the lifecycle with corrections, and the
year-over-year plausibility warnings that must be acknowledged before submitting."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from citycarbon.server.common.models import AuditEvent
from citycarbon.server.stats.models import Statistic, WarningAcknowledgement
from citycarbon.server.targets.models import AssessmentRun

pytestmark = pytest.mark.django_db

# Dengfeng, a hand-made pair of years (GDP at constant 2010 prices, 10^8 CNY):
#   2010: GDP 300, CO2 11 700 000 t, energy 4 650 000 tce
#   2011: GDP 390, CO2 14 601 600 t, energy 5 803 200 tce
# Real GDP growth = 100 * (390 / 300 - 1) = 30.00 %  -> outside [-5 %, 25 %]: a warning.
# CO2 intensity 2010 = 11 700 000 / (300 * 10^4) = 3.9 t/10^4 CNY;
#               2011 = 14 601 600 / (390 * 10^4) = 3.744 -> change 100 * (3.744/3.9 - 1) = -4.00 %
# Energy intensity 1.55 -> 1.488 tce/10^4 CNY: -4.00 %. Both within ±15 %: no warning.
YEAR_2010 = {"jurisdiction": "dengfeng", "year": 2010, "gdp_constant_cny_100m": 300.0,
             "co2_t": 11_700_000.0, "energy_tce": 4_650_000.0}  # fmt: skip
YEAR_2011 = {"jurisdiction": "dengfeng", "year": 2011, "gdp_constant_cny_100m": 390.0,
             "co2_t": 14_601_600.0, "energy_tce": 5_803_200.0, "measures_score": 40.0}  # fmt: skip


def _english(client: Any) -> Any:
    client.cookies["citycarbon_language"] = "en"
    return client


@pytest.fixture
def own(target_set: Any, client_for: Callable[[str], Any]) -> Any:
    return _english(client_for("own_official"))


@pytest.fixture
def office(target_set: Any, client_for: Callable[[str], Any]) -> Any:
    return _english(client_for("office"))


def _create(client: Any, api_json: Callable[..., Any], body: dict[str, Any]) -> dict[str, Any]:
    response = api_json(client, "post", "/api/stats/statistics", body)
    assert response.status_code == 201, response.content[:500]
    result: dict[str, Any] = response.json()
    return result


def test_the_warning_must_be_acknowledged_before_submitting(
    own: Any, api_json: Callable[..., Any], domain_counts: Callable[[], Any]
) -> None:
    _create(own, api_json, YEAR_2010)
    draft = _create(own, api_json, YEAR_2011)
    url = f"/api/stats/statistics/{draft['id']}"
    warnings = own.get(f"{url}/warnings").json()
    assert [(w["code"], w["value"], w["acknowledged"]) for w in warnings] == [
        ("gdp_growth", "30.00", False)
    ]
    assert (warnings[0]["low"], warnings[0]["high"]) == (-5.0, 25.0)

    before = domain_counts()
    refused = api_json(own, "post", f"{url}/submit")
    assert refused.status_code == 400
    body = refused.json()
    assert body["code"] == "unacknowledged_warnings"
    assert [(e["field"], e["value"], e["severity"]) for e in body["errors"]] == [
        ("gdp_growth", "30.00", "warning")
    ]
    no_reason = api_json(
        own, "post", f"{url}/warnings/acknowledge", {"code": "gdp_growth", "reason": " "}
    )
    assert no_reason.status_code == 400
    assert no_reason.json()["field"] == "reason"
    assert domain_counts() == before

    done = api_json(
        own, "post", f"{url}/warnings/acknowledge",
        {"code": "gdp_growth", "reason": "a new airport-zone factory opened"},
    )  # fmt: skip
    assert done.status_code == 200
    assert done.json()[0]["acknowledged"] is True
    event = AuditEvent.objects.filter(action="stats.acknowledge_warning").get()
    assert (event.reason, event.after["value"]) == ("a new airport-zone factory opened", "30.00")
    events = AuditEvent.objects.count()
    again = api_json(
        own, "post", f"{url}/warnings/acknowledge", {"code": "gdp_growth", "reason": "same"}
    )
    assert again.status_code == 200
    assert AuditEvent.objects.count() == events

    # A changed figure is a new warning: GDP 400 -> growth 100 * (400/300 - 1) = 33.33 %.
    changed = api_json(own, "put", url, {**YEAR_2011, "gdp_constant_cny_100m": 400.0})
    assert changed.status_code == 200
    assert [(w["value"], w["acknowledged"]) for w in own.get(f"{url}/warnings").json()] == [
        ("33.33", False)
    ]
    assert api_json(own, "post", f"{url}/submit").status_code == 400
    api_json(own, "put", url, YEAR_2011)  # back to 390: the acknowledgement of 30.00 holds
    submitted = api_json(own, "post", f"{url}/submit")
    assert submitted.status_code == 200, submitted.content[:300]
    assert submitted.json()["state"] == "submitted"
    assert WarningAcknowledgement.objects.count() == 1


def test_the_bounds_are_configurable(own: Any, api_json: Callable[..., Any], settings: Any) -> None:
    settings.CITYCARBON_STATS_PLAUSIBILITY = {"gdp_growth_pct": (-5.0, 35.0)}
    _create(own, api_json, YEAR_2010)
    draft = _create(own, api_json, YEAR_2011)
    assert own.get(f"/api/stats/statistics/{draft['id']}/warnings").json() == []
    settings.CITYCARBON_STATS_PLAUSIBILITY = {
        "gdp_growth_pct": (-5.0, 35.0),
        "co2_intensity_change_pct": 3.5,
    }
    [warning] = own.get(f"/api/stats/statistics/{draft['id']}/warnings").json()
    assert (warning["code"], warning["value"]) == ("co2_intensity_change", "-4.00")


@pytest.mark.parametrize(
    ("change", "field", "value"),
    [
        ({"gdp_constant_cny_100m": -1.0}, "gdp_constant_cny_100m", -1.0),
        ({"gdp_index": 110.0}, "gdp_index", 110.0),  # two GDP bases
        ({"co2_t": None}, "co2_t", None),  # no CO2
        ({"energy_tce": None}, "energy_tce", None),  # Dengfeng has an energy target
        ({"measures_score": 51.0}, "measures_score", 51.0),  # of 50 points
        ({"year": 2016}, "year", 2016),  # outside the period 2010-2015
        ({"fuels": [{"fuel": "moonrock", "quantity": 5.0}], "co2_t": None}, "fuels.moonrock", 5.0),
        ({"indicators": {"happiness": 3.0}}, "indicators.happiness", 3.0),
    ],
)
def test_bad_figures_are_refused_naming_field_and_value(
    change: dict[str, Any],
    field: str,
    value: Any,
    own: Any,
    api_json: Callable[..., Any],
    domain_counts: Callable[[], Any],
) -> None:
    before = domain_counts()
    response = api_json(own, "post", "/api/stats/statistics", {**YEAR_2011, **change})
    assert response.status_code == 400, response.content[:300]
    body = response.json()
    fields = {(e["field"], e["value"]) for e in body.get("errors", [])} | {
        (body["field"], body["value"])
    }
    assert (field, value) in fields
    assert domain_counts() == before


def test_one_record_per_jurisdiction_and_year(
    own: Any, api_json: Callable[..., Any], domain_counts: Callable[[], Any]
) -> None:
    _create(own, api_json, YEAR_2010)
    before = domain_counts()
    response = api_json(own, "post", "/api/stats/statistics", YEAR_2010)
    assert response.status_code == 409
    assert response.json()["field"] == "year"
    assert domain_counts() == before


def test_lifecycle_with_a_correction_and_the_assessment_following_it(
    own: Any, office: Any, api_json: Callable[..., Any]
) -> None:
    first = _create(own, api_json, YEAR_2010)
    url = f"/api/stats/statistics/{first['id']}"
    assert api_json(own, "post", f"{url}/submit").json()["state"] == "submitted"
    events = AuditEvent.objects.count()
    assert api_json(own, "post", f"{url}/submit").status_code == 200  # again: nothing more
    assert AuditEvent.objects.count() == events
    assert api_json(office, "post", f"{url}/approve").json()["state"] == "approved"
    working = AssessmentRun.objects.get(basis="working")
    assert [(i["statistic"], i["version"]) for i in working.inputs] == [(first["id"], 1)]
    assert not AssessmentRun.objects.filter(basis="published").exists()
    assert api_json(office, "post", f"{url}/publish").json()["state"] == "published"
    published = AssessmentRun.objects.get(basis="published")
    assert [(i["statistic"], i["state"]) for i in published.inputs] == [(first["id"], "published")]
    # the working run's input did not change (same version, now published): no new run
    # beyond the one the state change made
    assert api_json(own, "put", url, YEAR_2010).status_code == 409  # published: immutable

    corrected = api_json(office, "post", f"{url}/correct", {"reason": "GDP revised by the census"})
    assert corrected.status_code == 201
    second = corrected.json()
    assert (second["version"], second["state"], second["supersedes"]) == (2, "draft", first["id"])
    second_url = f"/api/stats/statistics/{second['id']}"
    assert (
        api_json(own, "put", second_url, {**YEAR_2010, "gdp_constant_cny_100m": 310.0}).status_code
        == 200
    )
    assert api_json(own, "post", f"{second_url}/submit").status_code == 200
    assert api_json(office, "post", f"{second_url}/approve").status_code == 200
    working = AssessmentRun.objects.filter(basis="working").order_by("-version").first()
    assert working is not None
    assert [(i["statistic"], i["version"]) for i in working.inputs] == [(second["id"], 2)]
    # The published assessment still reads version 1 until version 2 is published.
    published = AssessmentRun.objects.filter(basis="published").order_by("-version").first()
    assert published is not None
    assert [(i["statistic"], i["version"]) for i in published.inputs] == [(first["id"], 1)]
    assert api_json(office, "post", f"{second_url}/publish").status_code == 200
    published = AssessmentRun.objects.filter(basis="published").order_by("-version").first()
    assert published is not None
    assert [(i["statistic"], i["version"]) for i in published.inputs] == [(second["id"], 2)]
    assert Statistic.objects.get(pk=first["id"]).state == "published"
    actions = list(
        AuditEvent.objects.filter(object_type="stats.statistic", object_id=str(second["id"]))
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "lifecycle.correct", "lifecycle.update", "lifecycle.submit", "lifecycle.approve",
        "lifecycle.publish",
    ]  # fmt: skip


def test_entry_form_saves_a_draft_and_shows_errors(
    target_set: Any, client_for: Callable[[str], Any], domain_counts: Callable[[], Any]
) -> None:
    client = _english(client_for("own_official"))
    form = {"jurisdiction": "dengfeng", "year": "2010", "gdp_constant_cny_100m": "300",
            "co2_t": "11700000", "energy_tce": "-4"}  # fmt: skip
    before = domain_counts()
    response = client.post("/statistics/new/", form, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "is negative; a quantity cannot be negative" in response.content.decode()
    assert domain_counts() == before
    # Another district is not offered (and refused if posted).
    refused = client.post(
        "/statistics/new/", {**form, "jurisdiction": "xinmi", "energy_tce": "4650000"}
    )
    assert refused.status_code == 200
    assert "xinmi" not in Statistic.objects.values_list("jurisdiction__code", flat=True)
    assert domain_counts() == before
    done = client.post(
        "/statistics/new/", {**form, "energy_tce": "4650000"}, HTTP_HX_REQUEST="true"
    )
    assert done.status_code == 204
    item = Statistic.objects.get()
    assert done["HX-Redirect"] == f"/statistics/{item.pk}/"
    assert (item.state, item.created_by.username, item.energy_tce) == (
        "draft",
        "official-dengfeng",
        4_650_000,
    )
    page = client.get(f"/statistics/{item.pk}/").content.decode()
    assert 'data-testid="statistic-submit"' in page


def test_edit_form_changes_the_draft_without_posting_jurisdiction_or_year(
    target_set: Any, client_for: Callable[[str], Any], domain_counts: Callable[[], Any]
) -> None:
    """The browser does not post the edit form's disabled jurisdiction and year: the record's
    own are used, and only the figures change (energy 4 650 000 → 4 700 000 tce)."""
    client = _english(client_for("own_official"))
    created = client.post(
        "/statistics/new/",
        {"jurisdiction": "dengfeng", "year": "2010", "gdp_constant_cny_100m": "300",
         "co2_t": "11700000", "energy_tce": "4650000"},
    )  # fmt: skip
    assert created.status_code == 302
    item = Statistic.objects.get()
    page = client.get(f"/statistics/{item.pk}/edit/").content.decode()
    assert 'name="jurisdiction"' in page
    assert "disabled" in page
    before = domain_counts()
    figures = {"gdp_constant_cny_100m": "300", "co2_t": "11700000", "energy_tce": "4700000"}
    refused = client.post(f"/statistics/{item.pk}/edit/", {**figures, "energy_tce": "-1"})
    assert refused.status_code == 200
    assert "is negative; a quantity cannot be negative" in refused.content.decode()
    assert "This field is required" not in refused.content.decode()
    assert domain_counts() == before
    done = client.post(f"/statistics/{item.pk}/edit/", figures, HTTP_HX_REQUEST="true")
    assert done.status_code == 204
    assert done["HX-Redirect"] == f"/statistics/{item.pk}/"
    item.refresh_from_db()
    assert (item.jurisdiction.code, item.year, item.version, item.energy_tce) == (
        "dengfeng",
        2010,
        1,
        4_700_000,
    )
    assert AuditEvent.objects.filter(action="lifecycle.update").count() == 1
