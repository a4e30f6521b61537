"""Sign-in: throttling per username and address, audit of sign-in and sign-out."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from tests_server_support import PASSWORD

from citycarbon.server.common.models import AuditEvent, LoginFailure

pytestmark = pytest.mark.django_db


def _login(client: Client, username: str, password: str, ip: str = "198.51.100.7"):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_sign_in_and_out_are_audited(users) -> None:
    client = Client()
    response = _login(client, "office", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert AuditEvent.objects.filter(action="auth.login", actor=users["office"]).count() == 1
    response = client.post("/logout/")
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="auth.logout", actor=users["office"]).count() == 1


def test_wrong_password_is_refused(users) -> None:
    response = _login(Client(), "office", "wrong-password-1")
    assert response.status_code == 200
    assert "_auth_user_id" not in Client().session
    failure = LoginFailure.objects.get()
    assert (failure.username, failure.ip, failure.failures) == ("office", "198.51.100.7", 1)


def test_five_failures_lock_the_pair_even_for_the_right_password(users, settings) -> None:
    assert settings.CITYCARBON_LOGIN_MAX_FAILURES == 5
    client = Client()
    for _ in range(5):
        _login(client, "Office", "wrong-password-1")  # usernames are counted case-blind
    failure = LoginFailure.objects.get()
    assert failure.failures == 5
    assert failure.locked_until is not None
    # 15 minutes = 900 s (CITYCARBON_LOGIN_LOCK_SECONDS)
    assert abs((failure.locked_until - failure.last_failed_at).total_seconds() - 900) < 1
    assert AuditEvent.objects.filter(action="auth.locked").count() == 1

    response = _login(client, "office", PASSWORD)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert (
        "Too many failed sign-ins" in response.content.decode()
        or "登录失败次数过多" in response.content.decode()
    )
    assert LoginFailure.objects.get().failures == 5  # a locked attempt is not counted again

    # Another address is not locked.
    other = Client()
    assert _login(other, "office", PASSWORD, ip="198.51.100.8").status_code == 302


def test_lock_ends_and_success_clears_failures(users) -> None:
    client = Client()
    for _ in range(5):
        _login(client, "office", "wrong-password-1")
    LoginFailure.objects.update(locked_until=timezone.now() - timedelta(seconds=1))
    response = _login(client, "office", PASSWORD)
    assert response.status_code == 302
    assert LoginFailure.objects.count() == 0


def test_failures_outside_the_window_start_again(users) -> None:
    client = Client()
    for _ in range(4):
        _login(client, "office", "wrong-password-1")
    LoginFailure.objects.update(first_failed_at=timezone.now() - timedelta(minutes=16))
    _login(client, "office", "wrong-password-1")
    failure = LoginFailure.objects.get()
    assert failure.failures == 1
    assert failure.locked_until is None


def test_logout_needs_post(users, client_for) -> None:
    client = client_for("office")
    assert client.get("/logout/").status_code == 405
    assert client.get("/account/").status_code == 200
