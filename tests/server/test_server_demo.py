"""``citycarbon manage demo``: accounts for every role, safe to run again."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from citycarbon.server.common.models import AuditEvent, RoleAssignment, User
from citycarbon.server.geo.models import Jurisdiction
from citycarbon.server.mrv.models import Enterprise, VerifierOrganisation

pytestmark = pytest.mark.django_db

OFFICIALS = [
    "official-dengfeng", "official-xinmi", "official-xingyang", "official-xinzheng",
    "official-zhongmou", "official-zhongyuan", "official-erqi", "official-jinshui",
    "official-guancheng", "official-huiji", "official-shangjie", "official-airport_zone",
    "official-economic_development_zone", "official-high_tech_zone",
]  # fmt: skip
#: The MRV demo accounts: a reporter and a responsible person of the Dengfeng power plant, and
#: a verifier on the staff of the first demo verifier organisation.
MRV_ACCOUNTS = ["enterprise-reporter", "enterprise-responsible", "verifier"]


def _demo(settings, tmp_path: Path, *args: str) -> str:
    settings.DEBUG = True
    settings.DATA_DIR = tmp_path
    out = io.StringIO()
    call_command("demo", "--no-migrate", *args, stdout=out)
    return out.getvalue()


def test_demo_creates_one_account_per_role(settings, tmp_path: Path) -> None:
    output = _demo(settings, tmp_path)
    assert Jurisdiction.objects.count() == 15
    usernames = set(User.objects.values_list("username", flat=True))
    assert usernames == {"office", "reviewer", "public", *OFFICIALS, *MRV_ACCOUNTS}
    city = Jurisdiction.objects.get(code="zhengzhou")
    assert set(
        RoleAssignment.objects.filter(user__username="office").values_list("role", "scope_id")
    ) == {("city_office", city.pk)}
    dengfeng = Jurisdiction.objects.get(code="dengfeng")
    assert set(
        RoleAssignment.objects.filter(user__username="official-dengfeng").values_list(
            "role", "scope_id"
        )
    ) == {("district_official", dengfeng.pk)}
    assert not RoleAssignment.objects.filter(user__username="public").exists()
    power_plant = Enterprise.objects.get(credit_code="91410185YY1850016K")  # in Dengfeng
    verifiers = VerifierOrganisation.objects.get(credit_code="91410105YY1050019C")
    assert {
        (a.user.username, a.role, a.scope_kind, a.scope_id)
        for a in RoleAssignment.objects.filter(user__username__in=MRV_ACCOUNTS)
    } == {
        ("enterprise-reporter", "enterprise_reporter", "enterprise", power_plant.pk),
        ("enterprise-responsible", "enterprise_responsible", "enterprise", power_plant.pk),
        ("verifier", "verifier", "verifier_organisation", verifiers.pk),
    }
    assert verifiers.staff.filter(user__username="verifier").exists()  # a staff member
    credentials = tmp_path / "demo-accounts.txt"
    assert credentials.stat().st_mode & 0o777 == 0o600
    lines = dict(
        line.split("\t")
        for line in credentials.read_text().splitlines()
        if not line.startswith("#")
    )
    assert set(lines) == usernames
    office = User.objects.get(username="office")
    assert office.check_password(lines["office"])
    assert lines["office"] in output
    assert "/account/password/" in output


def test_demo_runs_again_without_changes(settings, tmp_path: Path) -> None:
    _demo(settings, tmp_path)
    events = AuditEvent.objects.count()
    password = dict(
        line.split("\t") for line in (tmp_path / "demo-accounts.txt").read_text().splitlines()[1:]
    )["reviewer"]
    output = _demo(settings, tmp_path)
    assert AuditEvent.objects.count() == events
    assert User.objects.count() == 20
    assert User.objects.get(username="reviewer").check_password(password)
    assert "15 unchanged" in output


def test_demo_with_a_fixed_password(settings, tmp_path: Path) -> None:
    _demo(settings, tmp_path, "--password", "demo-password-2015")
    assert User.objects.get(username="official-erqi").check_password("demo-password-2015")


def test_demo_refuses_a_production_server_unless_told(settings, tmp_path: Path) -> None:
    settings.DEBUG = False
    settings.DATA_DIR = tmp_path
    with pytest.raises(CommandError, match="CITYCARBON_DEBUG=1"):
        call_command("demo", "--no-migrate", stdout=io.StringIO())
    assert User.objects.count() == 0
    call_command("demo", "--no-migrate", "--allow-production", stdout=io.StringIO())
    assert User.objects.count() == 20


def test_add_user_command(jurisdictions) -> None:
    out = io.StringIO()
    call_command(
        "add_user",
        "official-erqi-2",
        "--password",
        "erqi-secret-2015",
        "--role",
        "district_official",
        "--jurisdiction",
        "erqi",
        stdout=out,
    )
    user = User.objects.get(username="official-erqi-2")
    assert user.check_password("erqi-secret-2015")
    assert RoleAssignment.objects.get(user=user).scope_id == jurisdictions["erqi"].pk
    with pytest.raises(CommandError, match="password"):
        call_command("add_user", "weak", "--password", "123", stdout=io.StringIO())
    with pytest.raises(CommandError, match="no jurisdiction"):
        call_command(
            "add_user", "x-user", "--password", "x-secret-2015-ab", "--role", "reviewer",
            "--jurisdiction", "atlantis", stdout=io.StringIO(),
        )  # fmt: skip
