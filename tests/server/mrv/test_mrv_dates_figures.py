"""The verification's entered days and its figures as reported (issue 6 walk-through).

- The annual report's figures are stored exactly and reported rounded once, 0.01 t half-up
  (``citycarbon.numbers.round_emissions``): the report API, the verification API's
  ``reported_tco2e`` and the "reported" figure on the verification report form.
- The days a person enters (assignment, steps, a finding raised, corrected, closed, the
  report) are stored, shown as the act's date (who recorded it and when as secondary text)
  and returned; a day in the future or before the day it follows is refused naming the field
  and value, with nothing changed.
- Exact inputs refuse JSON floats; ``{kind}``, ``{step}`` and ``opinion`` are enumerated in
  the OpenAPI document; what the system did is shown as 系统 / System; a write with a
  read-only token says why it is refused; records name their enterprise, never a database id.
"""

from __future__ import annotations

import typing
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone, translation
from mrv_support import OWN, MrvCounts, World, ledger_rows, power_plan

from citycarbon.server.common import services as common_services
from citycarbon.server.common.errors import ValidationFailedError
from citycarbon.server.mrv import services
from citycarbon.server.mrv.api import verification as verification_api
from citycarbon.server.mrv.choices import AssignmentKind, Opinion, VerificationStepKind
from citycarbon.server.mrv.models import (
    AnnualReport,
    Disclosure,
    NonConformity,
    VerificationAssignment,
)
from citycarbon.server.mrv.reports import reported_figure
from citycarbon.server.mrv.templatetags.mrv_tags import actor

pytestmark = pytest.mark.django_db

LONG = "2903871.607464959999999999999811896"
BASE = f"/api/mrv/verifications/{OWN}/2015"
PAGE = f"/mrv/verifications/{OWN}/2015/"


@pytest.fixture
def reported(world: World) -> World:
    """The own enterprise's 2015 report submitted (total 2,617,243.2 tCO2e)."""
    record = services.do_save_plan(None, world.own, 2015, power_plan(2015))
    services.do_approve_plan(None, services.do_submit_plan(None, record))
    for month in range(1, 13):
        services.do_submit_ledger(None, world.own, 2015, month, ledger_rows(2015, month))
    report = services.do_build_report(None, world.own, 2015)
    services.do_sign_off(world.people["responsible"], report)
    services.do_submit_report(world.people["responsible"], report, on=date(2016, 3, 1))
    return world


def _client(world: World, who: str, language: str = "zh-hans") -> Client:
    client = Client()
    client.force_login(world.people[who])
    client.cookies["citycarbon_language"] = language
    return client


def _post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, body, content_type="application/json")


def _site_visited(world: World) -> VerificationAssignment:
    """Assigned on 2016-04-10; plan 04-11, document review 04-12, a finding raised 04-12
    (corrected 04-13), site visit 04-14."""
    verifier = world.people["verifier"]
    record = services.do_assign_verifier(
        world.people["office"], world.own, 2015, organisation=world.organisation,
        on=date(2016, 4, 10),
    )  # fmt: skip
    services.do_verification_step(verifier, record, "plan", date(2016, 4, 11))
    services.do_verification_step(verifier, record, "document_review", date(2016, 4, 12))
    finding = services.do_raise_non_conformity(
        verifier, record, "缺少校准记录", on=date(2016, 4, 12)
    )
    services.do_correct_non_conformity(
        world.people["own_enterprise"], finding, "已补充", on=date(2016, 4, 13)
    )
    services.do_verification_step(verifier, record, "site_visit", date(2016, 4, 14))
    record.refresh_from_db()
    return record


# --- figures as reported ----------------------------------------------------------------------


def test_report_figures_are_rounded_once_half_up() -> None:
    # 2903871.607464… → .61 (the third place 7 rounds up); 0.005 → 0.01 and 2.345 → 2.35
    # (half-up: half-even would give 0.00 and 2.34); -1.005 → -1.01 (away from zero).
    assert [reported_figure(v) for v in (LONG, "0.005", "2.345", "-1.005", "2617243.2")] == [
        "2903871.61", "0.01", "2.35", "-1.01", "2617243.20",
    ]  # fmt: skip
    assert reported_figure(None) is None
    assert reported_figure(Decimal("1325863.9049999")) == "1325863.90"


def test_the_reported_total_is_rounded_in_the_api_and_on_the_form(reported: World) -> None:
    report = AnnualReport.objects.get(enterprise=reported.own, year=2015)
    figures = {**report.figures, "total": LONG, "by_source": {"fuel_combustion": LONG}}
    figures["lines"] = [{**line, "co2e": LONG, "contribution": LONG} for line in figures["lines"]]
    AnnualReport.objects.filter(pk=report.pk).update(figures=figures)
    _site_visited(reported)

    answer = _client(reported, "office").get(BASE)
    assert answer.json()[0]["reported_tco2e"] == "2903871.61"
    answer = _client(reported, "office").get(f"/api/mrv/enterprises/{OWN}/reports/2015")
    body = answer.json()
    assert (body["total_tco2e"], body["by_source"]) == (
        "2903871.61", {"fuel_combustion": "2903871.61"},
    )  # fmt: skip
    assert {(line["co2e"], line["contribution"]) for line in body["lines"]} == {
        ("2903871.61", "2903871.61")
    }
    assert LONG not in answer.content.decode()

    zh = _client(reported, "verifier").get(PAGE).content.decode()
    assert "(企业报告值 2903871.61)" in zh  # Django's zh-Hans: no grouping
    assert LONG not in zh
    assert "报告时间" not in zh
    en = _client(reported, "verifier", "en").get(PAGE).content.decode()
    assert "(reported 2,903,871.61)" in en


def test_verified_figures_keep_their_three_places(reported: World) -> None:
    record = _site_visited(reported)
    finding = record.non_conformities.get()
    services.do_close_non_conformity(
        reported.people["verifier"], record, finding, on=date(2016, 4, 15)
    )
    answer = _post(
        _client(reported, "verifier"),
        BASE + "/primary/report",
        {"emissions": {"fuel_combustion": "2617243.205"}, "opinion": "positive",
         "on": "2016-04-20"},
    )  # fmt: skip
    assert answer.status_code == 200, answer.content
    assert (answer.json()["verified"], answer.json()["verified_tco2e"]) == (
        {"fuel_combustion": "2617243.205"}, "2617243.205",
    )  # fmt: skip
    page = _client(reported, "office").get(PAGE).content.decode()
    assert "2617243.205 tCO2e" in page  # all three places, not rounded to 2617243.21


# --- the days entered -------------------------------------------------------------------------


def test_the_days_entered_are_stored_shown_and_returned(reported: World) -> None:
    office, verifier = _client(reported, "office"), _client(reported, "verifier")
    enterprise = _client(reported, "own_enterprise")
    assigned = _post(
        office, BASE + "/assign", {"organisation": reported.ids["org"], "on": "2016-04-10"}
    )
    assert assigned.json()["assigned_on"] == "2016-04-10"
    for step, day in (("plan", "2016-04-11"), ("document_review", "2016-04-12")):
        assert _post(verifier, f"{BASE}/primary/steps/{step}", {"done_on": day}).status_code == 200
    raised = _post(
        verifier, BASE + "/primary/findings", {"description": "缺记录", "on": "2016-04-12"}
    )
    finding = raised.json()["id"]
    assert raised.json()["raised_on"] == "2016-04-12"
    corrected = _post(
        enterprise, f"{BASE}/primary/findings/{finding}/correct",
        {"correction": "已补", "on": "2016-04-13"},
    )  # fmt: skip
    assert corrected.json()["corrected_on"] == "2016-04-13"
    _post(verifier, f"{BASE}/primary/steps/site_visit", {"done_on": "2016-04-14"})
    closed = _post(verifier, f"{BASE}/primary/findings/{finding}/close", {"on": "2016-04-15"})
    assert closed.json()["closed_on"] == "2016-04-15"
    done = _post(
        verifier, BASE + "/primary/report",
        {"emissions": {"fuel_combustion": "2617243.2"}, "opinion": "qualified",
         "text": "燃煤量以皮带秤为准", "on": "2016-04-20"},
    )  # fmt: skip
    assert done.status_code == 200, done.content

    record = VerificationAssignment.objects.get()
    item = NonConformity.objects.get()
    assert (record.assigned_on, record.reported_on, record.opinion_text) == (
        date(2016, 4, 10), date(2016, 4, 20), "燃煤量以皮带秤为准",
    )  # fmt: skip
    assert (item.raised_on, item.corrected_on, item.closed_on) == (
        date(2016, 4, 12), date(2016, 4, 13), date(2016, 4, 15),
    )  # fmt: skip
    body = office.get(BASE).json()[0]
    assert (body["assigned_on"], body["reported_on"], body["text"], body["reported_by"]) == (
        "2016-04-10", "2016-04-20", "燃煤量以皮带秤为准", "verifier-a",
    )  # fmt: skip
    assert [(s["step"], s["done_on"]) for s in body["steps"]] == [
        ("plan", "2016-04-11"), ("document_review", "2016-04-12"), ("site_visit", "2016-04-14"),
    ]  # fmt: skip
    found = body["non_conformities"][0]
    assert (found["raised_on"], found["corrected_on"], found["closed_on"]) == (
        "2016-04-12", "2016-04-13", "2016-04-15",
    )  # fmt: skip

    today = timezone.localdate().isoformat()
    page = office.get(PAGE).content.decode()
    for shown in (
        '<span data-testid="assigned-on-primary">2016-04-10</span>',
        f"(office 于 {today} 录入)",
        "<td>2016-04-11</td>",
        f'<td>2016-04-20</td><td class="muted small">verifier-a 于 {today} 录入</td>',
        '<span data-testid="raised-on">2016-04-12</span>',
        '<span data-testid="corrected-on">2016-04-13</span>',
        '<span data-testid="closed-on">2016-04-15</span>',
    ):
        assert shown in page, shown


def _future() -> str:
    return (timezone.localdate() + timedelta(days=1)).isoformat()


#: (who, url, body, field, value, message in English) — each refused, nothing written.
REFUSALS: list[tuple[str, str, dict[str, Any], str, str, str]] = [
    ("verifier", "/primary/findings", {"description": "新发现", "on": "2016-04-10"}, "on",
     "2016-04-10", "The date 2016-04-10 is before the verification plan (2016-04-11)."),
    ("verifier", "/primary/findings/{finding}/close", {"on": "2016-04-12"}, "on", "2016-04-12",
     "The date 2016-04-12 is before the correction (2016-04-13)."),
    ("verifier", "/primary/findings/{finding}/close", {"on": "{future}"}, "on", "{future}",
     "The date {future} is in the future."),
    ("own_enterprise", "/primary/findings/{other}/correct",
     {"correction": "改", "on": "2016-04-11"}, "on", "2016-04-11",
     "The date 2016-04-11 is before the finding was raised (2016-04-12)."),
    ("verifier", "/primary/report",
     {"emissions": {"fuel_combustion": "1"}, "opinion": "positive", "on": "2016-04-13"},
     "on", "2016-04-13", "The date 2016-04-13 is before the site visit (2016-04-14)."),
]  # fmt: skip


@pytest.mark.parametrize("case", REFUSALS, ids=lambda c: f"{c[1]} {c[3]}={c[4]}")
def test_a_day_out_of_order_is_refused_and_nothing_changes(
    reported: World,
    mrv_counts: Callable[[], MrvCounts],
    case: tuple[str, str, dict[str, Any], str, str, str],
) -> None:
    who, path, body, field, value, message = case
    record = _site_visited(reported)
    first = record.non_conformities.get()
    if "/report" in path:
        services.do_close_non_conformity(
            reported.people["verifier"], record, first, on=date(2016, 4, 15)
        )
    other = services.do_raise_non_conformity(
        reported.people["verifier"], record, "另一发现", on=date(2016, 4, 12)
    ) if "{other}" in path else None  # fmt: skip
    future = _future()
    url = BASE + path.format(finding=first.pk, other=other.pk if other else 0)
    body = {k: (v.format(future=future) if isinstance(v, str) else v) for k, v in body.items()}
    before = mrv_counts()
    answer = _post(_client(reported, who, "en"), url, body)
    assert answer.status_code == 400, answer.content
    assert (answer.json()["field"], answer.json()["value"], answer.json()["message"]) == (
        field, value.format(future=future), message.format(future=future),
    )  # fmt: skip
    assert mrv_counts().without_audit() == before.without_audit()


def test_assignment_and_step_days_are_checked(
    reported: World, mrv_counts: Callable[[], MrvCounts]
) -> None:
    office = reported.people["office"]
    before = mrv_counts()
    with translation.override("en"), pytest.raises(ValidationFailedError) as refused:
        services.do_assign_verifier(
            office, reported.own, 2015, organisation=reported.organisation, on=date(2015, 12, 31)
        )
    assert (refused.value.field, refused.value.value, str(refused.value.message)) == (
        "on", "2015-12-31",
        "The date 2015-12-31 is before the end of the year of emissions (2016-01-01).",
    )  # fmt: skip
    assert mrv_counts().without_audit() == before.without_audit()
    record = services.do_assign_verifier(
        office, reported.own, 2015, organisation=reported.organisation, on=date(2016, 4, 10)
    )
    before = mrv_counts()
    with translation.override("en"), pytest.raises(ValidationFailedError) as refused:
        services.do_verification_step(reported.people["verifier"], record, "plan", date(2016, 4, 9))
    assert (refused.value.field, refused.value.value, str(refused.value.message)) == (
        "done_on", "2016-04-09", "The date 2016-04-09 is before the assignment (2016-04-10).",
    )  # fmt: skip
    assert mrv_counts().without_audit() == before.without_audit()
    services.do_verification_step(reported.people["verifier"], record, "plan", date(2016, 4, 11))
    before = mrv_counts()
    with translation.override("en"), pytest.raises(ValidationFailedError) as refused:
        services.do_verification_step(
            reported.people["verifier"], record, "document_review", date(2016, 4, 10)
        )
    assert (refused.value.field, str(refused.value.message)) == (
        "done_on", "The date 2016-04-10 is before the previous step (2016-04-11).",
    )  # fmt: skip
    assert mrv_counts().without_audit() == before.without_audit()
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationFailedError) as refused:
        services.do_verification_step(
            reported.people["verifier"], record, "document_review", tomorrow
        )
    assert (refused.value.field, refused.value.value) == ("done_on", tomorrow.isoformat())
    assert mrv_counts().without_audit() == before.without_audit()


# --- exact inputs and the OpenAPI document ----------------------------------------------------


def test_a_json_float_is_refused_for_an_exact_figure(
    reported: World, mrv_counts: Callable[[], MrvCounts]
) -> None:
    record = _site_visited(reported)
    services.do_close_non_conformity(
        reported.people["verifier"], record, record.non_conformities.get(), on=date(2016, 4, 15)
    )
    verifier = _client(reported, "verifier")
    before = mrv_counts()
    answer = _post(
        verifier, BASE + "/primary/report",
        {"emissions": {"fuel_combustion": 2617243.2}, "opinion": "positive", "on": "2016-04-20"},
    )  # fmt: skip
    assert answer.status_code == 422
    body = answer.json()
    assert (body["code"], body["field"], body["value"]) == (
        "invalid_request", "fuel_combustion", 2617243.2,
    )  # fmt: skip
    assert body["message"] == (
        'Value error, an exact figure: send it as a decimal string ("2617243.2") or an '
        "integer, not a JSON number with a fraction"
    )
    assert mrv_counts().without_audit() == before.without_audit()
    rule = _client(reported, "office").put(
        "/api/mrv/coverage-rules/2013", {"energy_tce": 10000.5, "emissions_tco2e": "26000"},
        content_type="application/json",
    )  # fmt: skip
    assert (rule.status_code, rule.json()["field"]) == (422, "energy_tce")
    assert mrv_counts().without_audit() == before.without_audit()
    # An integer is exact.
    done = _post(
        verifier, BASE + "/primary/report",
        {"emissions": {"fuel_combustion": 2617243}, "opinion": "positive", "on": "2016-04-20"},
    )  # fmt: skip
    assert (done.status_code, done.json()["verified_tco2e"]) == (200, "2617243.000")


def test_the_openapi_document_lists_kinds_steps_and_opinions(reported: World) -> None:
    assert typing.get_args(verification_api.Kind) == tuple(AssignmentKind.values())
    assert typing.get_args(verification_api.Step) == tuple(VerificationStepKind.values())
    document = _client(reported, "office").get("/api/openapi.json").json()
    post = document["paths"]["/api/mrv/verifications/{credit_code}/{year}/{kind}/steps/{step}"][
        "post"
    ]
    enums = {p["name"]: p["schema"].get("enum") for p in post["parameters"]}
    assert enums["kind"] == ["primary", "spot_check"]
    assert enums["step"] == ["plan", "document_review", "site_visit"]
    opinion = document["components"]["schemas"]["VerificationReportIn"]["properties"]["opinion"]
    assert opinion["enum"] == Opinion.values() == ["positive", "qualified", "adverse"]
    _site_visited(reported)
    refused = _post(
        _client(reported, "verifier"), BASE + "/primary/steps/review", {"done_on": "2016-04-11"}
    )
    assert refused.status_code == 422
    assert (refused.json()["field"], refused.json()["value"]) == ("step", "review")


# --- the system as actor, read-only tokens, names of records ----------------------------------


def test_what_the_system_did_is_shown_as_the_system(reported: World) -> None:
    record = services.do_assign_verifier(
        None, reported.own, 2015, organisation=reported.organisation, on=date(2016, 4, 10)
    )
    for step, day in (("plan", 11), ("document_review", 12)):
        services.do_verification_step(None, record, step, date(2016, 4, day))
    finding = services.do_raise_non_conformity(None, record, "缺记录", on=date(2016, 4, 12))
    services.do_correct_non_conformity(None, finding, "已补", on=date(2016, 4, 13))
    services.do_verification_step(None, record, "site_visit", date(2016, 4, 14))
    services.do_close_non_conformity(None, record, finding, on=date(2016, 4, 15))
    services.do_verification_report(
        None, record, {"fuel_combustion": Decimal("2617243.2")}, "positive", on=date(2016, 4, 20)
    )
    services.do_approve_verification(None, record)
    today = timezone.localdate().isoformat()
    zh = _client(reported, "office").get(PAGE).content.decode()
    assert (
        zh.count(f"系统 于 {today} 录入") == 8
    )  # assignment, 3 steps, report, raised, corrected, closed
    assert "由 系统 于" in zh
    assert "(, " not in zh
    assert "()" not in zh
    en = _client(reported, "office", "en").get(PAGE).content.decode()
    assert en.count(f"recorded by System, {today}") == 8
    assert "by System on" in en
    with translation.override("en"):
        assert (actor(None), actor(reported.people["office"])) == ("System", "office")


def test_a_write_with_a_read_only_token_says_the_token_is_read_only(
    reported: World, mrv_counts: Callable[[], MrvCounts]
) -> None:
    office = reported.people["office"]
    _, secret = common_services.do_create_token(office, name="机器")
    before = mrv_counts()
    answer = Client().post(
        BASE + "/assign", {"organisation": reported.ids["org"], "on": "2016-04-10"},
        content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {secret}",
        HTTP_ACCEPT_LANGUAGE="en",
    )  # fmt: skip
    assert answer.status_code == 403
    assert (answer.json()["field"], answer.json()["value"]) == ("token", "read_only")
    assert answer.json()["message"] in (
        "This access token is read-only: it may only read. Create a token with read_only: "
        "false to write.",
        "此访问令牌为只读令牌，只能读取；如需写入，请创建 read_only: false 的令牌。",
    )
    assert mrv_counts().without_audit() == before.without_audit()
    # A token with read_only: false writes.
    _, writer = common_services.do_create_token(office, name="写入", read_only=False)
    done = Client().post(
        BASE + "/assign", {"organisation": reported.ids["org"], "on": "2016-04-10"},
        content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {writer}",
    )  # fmt: skip
    assert done.status_code == 201, done.content


def test_records_name_their_enterprise_not_a_database_id(reported: World) -> None:
    record = _site_visited(reported)
    services.do_close_non_conformity(
        reported.people["verifier"], record, record.non_conformities.get(), on=date(2016, 4, 15)
    )
    services.do_verification_report(
        reported.people["verifier"], record, {"fuel_combustion": Decimal("2617243.2")},
        "positive", on=date(2016, 4, 20),
    )  # fmt: skip
    record = services.do_approve_verification(reported.people["office"], record)
    disclosure = services.do_publish_disclosure(reported.people["office"], record)
    name = reported.own.name
    assert str(disclosure) == f"{name} {OWN} 2015 v1"
    assert str(record.report) == f"{name} {OWN} 2015 v1"
    assert str(record) == f"{name} {OWN} 2015 primary"
    assert str(Disclosure.objects.get()) == f"{name} {OWN} 2015 v1"


def test_the_demo_verification_is_dated_attributed_and_in_one_language(db: None) -> None:
    """The Xinmi CHP plant's 2015 verification (the demo, done by the system)."""
    from mrv_support import load_places

    from citycarbon.server.common.choices import Role, ScopeKind
    from citycarbon.server.common.models import User
    from citycarbon.server.common.services import do_assign_role
    from citycarbon.server.mrv.demo import load_demo

    places = load_places()
    load_demo()
    office = User.objects.create_user(username="office", password="x" * 12)
    do_assign_role(
        None, office, Role.CITY_OFFICE.value, ScopeKind.JURISDICTION.value,
        places["zhengzhou"].pk,
    )  # fmt: skip
    client = Client()
    client.force_login(office)
    page = client.get("/mrv/verifications/91410183YY18300154/2015/").content.decode()
    today = timezone.localdate().isoformat()
    for shown in (
        '<span data-testid="assigned-on-primary">2016-04-05</span>',
        f"(系统 于 {today} 录入)",
        "7月入厂煤低位发热量跳变，化验报告未归档（示例）。",
        '<span data-testid="raised-on">2016-04-08</span>',
        '<span data-testid="corrected-on">2016-04-11</span>',
        '<span data-testid="closed-on">2016-04-13</span>',
        "<td>2016-04-20</td>",
        "由 系统 于",
    ):
        assert shown in page, shown
    for absent in ("(, ", "()", '已关闭</span> <span class="muted"> ,', "The July", "system"):
        assert absent not in page, absent


def test_the_migration_gives_earlier_rows_their_recording_day(reported: World) -> None:
    """``mrv 0007``: rows recorded before the entered days were kept take the recording day
    (local time) — and a day already there is left alone."""
    import importlib
    from datetime import UTC, datetime

    from django.apps import apps

    migration = importlib.import_module("citycarbon.server.mrv.migrations.0007_entered_dates")
    record = _site_visited(reported)
    finding = record.non_conformities.get()
    # 2016-04-10 17:30 UTC is 2016-04-11 01:30 in Zhengzhou (UTC+8).
    stamp = datetime(2016, 4, 10, 17, 30, tzinfo=UTC)
    VerificationAssignment.objects.filter(pk=record.pk).update(
        assigned_on=None, assigned_at=stamp, reported_on=None, reported_at=None
    )
    NonConformity.objects.filter(pk=finding.pk).update(
        raised_on=None, raised_at=stamp, corrected_at=stamp, closed_on=None, closed_at=None
    )
    migration._days_from_timestamps(apps, None)
    record.refresh_from_db()
    finding.refresh_from_db()
    assert (record.assigned_on, record.reported_on) == (date(2016, 4, 11), None)
    assert (finding.raised_on, finding.corrected_on, finding.closed_on) == (
        date(2016, 4, 11), date(2016, 4, 13), None,
    )  # fmt: skip
