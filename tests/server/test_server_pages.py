"""Pages: the home page of each role, the language, the audit-trail browser and export."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from citycarbon.server.common.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_chinese_by_default_even_for_an_english_browser(users, client_for) -> None:
    response = client_for("anonymous").get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    html = response.content.decode()
    assert '<html lang="zh-Hans">' in html
    assert "城市温室气体排放控制平台" in html
    assert 'value="en"' in html  # the switch offers English


def test_language_switch_sets_a_cookie_and_returns(users, client_for) -> None:
    client = client_for("anonymous")
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/jurisdictions/"})
    assert response.status_code == 302
    assert response["Location"] == "/jurisdictions/"
    assert client.cookies["citycarbon_language"].value == "en"
    html = client.get("/jurisdictions/").content.decode()
    assert '<html lang="en">' in html
    assert "Jurisdictions" in html
    assert "简体中文" in html  # and the way back


def test_home_page_of_each_role(users, client_for, jurisdictions) -> None:
    office = client_for("office").get("/").content.decode()
    assert "市应对气候变化主管部门" in office
    assert "今日审计事件" in office
    assert 'href="/audit/"' in office
    official = client_for("own_official").get("/")
    assert [j.code for j in official.context["own_jurisdictions"]] == ["dengfeng"]
    assert 'href="/audit/"' not in official.content.decode()
    reviewer = client_for("reviewer").get("/").content.decode()
    assert "您不能修改任何内容" in reviewer
    public = client_for("public").get("/")
    assert public.context["role"] == "public"
    anonymous = client_for("anonymous").get("/").content.decode()
    assert 'href="/login/"' in anonymous


def test_dates_and_numbers_follow_the_language(users, client_for) -> None:
    client = client_for("office")
    event = AuditEvent.objects.latest("pk")
    local = timezone.localtime(event.at)
    chinese = client.get("/").content.decode()
    assert f"{local.year}年{local.month}月{local.day}日" in chinese
    client.cookies["citycarbon_language"] = "en"
    english = client.get("/").content.decode()
    assert f"{local.month:02d}/{local.day:02d}/{local.year}" in english


def test_security_headers(users, client_for) -> None:
    response = client_for("anonymous").get("/")
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_vendor_assets_are_served_from_node_modules(users, client_for) -> None:
    client = client_for("anonymous")
    echarts = client.get("/static/vendor/echarts/echarts.min.js")
    assert echarts.status_code == 200
    assert b"echarts" in b"".join(echarts.streaming_content)[:5000]
    assert client.get("/static/vendor/htmx/htmx.min.js").status_code == 200
    assert client.get("/static/vendor/echarts/echarts.js").status_code == 404  # only listed files


@pytest.fixture
def many_events(users, specimen) -> None:
    for _ in range(3):
        specimen("published")  # 4 events each: create, submit, approve, publish


def test_audit_browser_filters_and_pages(users, client_for, many_events) -> None:
    client = client_for("office")
    response = client.get("/audit/")
    page = response.context["page"]
    assert page.paginator.count == AuditEvent.objects.count()
    publishes = client.get("/audit/?action=lifecycle.publish").context["page"]
    assert publishes.paginator.count == 3
    assert {e.action for e in publishes.object_list} == {"lifecycle.publish"}
    by_user = client.get("/audit/?actor=office&object_type=testing.specimen").context["page"]
    assert by_user.paginator.count == 12
    today = timezone.localdate()
    tomorrow = today + timedelta(days=1)
    assert client.get(f"/audit/?date_from={tomorrow}").context["page"].paginator.count == 0
    assert (
        client.get(f"/audit/?date_from={today}&date_to={today}").context["page"].paginator.count
        == AuditEvent.objects.count()
    )
    wrong = client.get(f"/audit/?date_from={tomorrow}&date_to={today}")
    assert wrong.context["form"].errors["date_to"]


def test_audit_browser_paginates_by_fifty(users, client_for, specimen) -> None:
    for _ in range(13):
        specimen("published")
    client = client_for("office")
    total = AuditEvent.objects.count()
    assert total > 50
    first = client.get("/audit/?action=").context["page"]
    assert len(first.object_list) == 50
    second = client.get("/audit/?page=2").context["page"]
    assert len(second.object_list) == total - 50
    html = client.get("/audit/?action=lifecycle.publish").content.decode()
    assert "lifecycle.publish" in html


def test_audit_export_matches_the_filter(users, client_for, many_events) -> None:
    response = client_for("office").get("/audit/export.xlsx?action=lifecycle.publish")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="audit-trail-')
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("时间", "用户", "操作")
    assert len(rows) == 4  # header + 3 publications
    assert {row[2] for row in rows[1:]} == {"lifecycle.publish"}
    assert '"state": "published"' in rows[1][8]


def test_audit_export_refuses_too_many_rows(
    users, client_for, many_events, settings, counts
) -> None:
    settings.CITYCARBON_AUDIT_EXPORT_MAX_ROWS = 5
    client = client_for("office")
    before = counts()
    response = client.get("/audit/export.xlsx")
    assert response.status_code == 400
    assert "筛选" in response.content.decode()
    assert counts() == before


def test_login_page_and_redirect(users) -> None:
    client = Client()
    response = client.get("/audit/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/audit/"
    page = client.get(response["Location"]).content.decode()
    assert 'autocomplete="current-password"' in page
    signed_in = client.post(
        "/login/?next=/audit/",
        {"username": "office", "password": "correct-horse-battery-9", "next": "/audit/"},
    )
    assert signed_in["Location"] == "/audit/"


def test_password_change_goes_through_the_service(users, client_for) -> None:
    client = client_for("own_official")
    weak = client.post(
        "/account/password/",
        {"old_password": "correct-horse-battery-9", "new_password1": "123", "new_password2": "123"},
    )
    assert weak.status_code == 200
    assert weak.context["form"].errors["new_password2"]
    assert not AuditEvent.objects.filter(action="common.set_password").exists()
    ok = client.post(
        "/account/password/",
        {
            "old_password": "correct-horse-battery-9",
            "new_password1": "a-much-better-secret-42",
            "new_password2": "a-much-better-secret-42",
        },
    )
    assert ok.status_code == 302
    event = AuditEvent.objects.get(action="common.set_password")
    assert event.actor == users["own_official"]
    assert client.get("/account/").status_code == 200  # still signed in
