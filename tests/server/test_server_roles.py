"""Roles, grants and the one scoping rule (``scoped``, ``can``, ``require``)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from citycarbon.server.common import selectors
from citycarbon.server.common.choices import Role
from citycarbon.server.common.errors import (
    NotFoundError,
    PermissionDeniedError,
    ValidationFailedError,
)
from citycarbon.server.common.models import AuditEvent, RoleAssignment
from citycarbon.server.common.roles import (
    RoleSpec,
    action_of,
    register_role,
    role_spec,
)
from citycarbon.server.common.services import do_assign_role, do_revoke_role
from citycarbon.server.geo.models import Jurisdiction
from citycarbon.server.testing.models import Specimen

pytestmark = pytest.mark.django_db


def test_action_of_a_permission() -> None:
    assert action_of("geo.view_jurisdiction") == "view"
    assert action_of("stats.submit_statistic") == "submit"


@pytest.mark.parametrize(
    ("role", "perm", "allowed"),
    [
        (Role.CITY_OFFICE, "common.view_auditevent", True),
        (Role.CITY_OFFICE, "stats.publish_statistic", True),
        (Role.DISTRICT_OFFICIAL, "stats.submit_statistic", True),
        (Role.DISTRICT_OFFICIAL, "stats.approve_statistic", False),
        (Role.DISTRICT_OFFICIAL, "stats.publish_statistic", False),
        (Role.DISTRICT_OFFICIAL, "common.view_auditevent", False),
        (Role.DISTRICT_OFFICIAL, "geo.change_jurisdiction", False),
        (Role.DISTRICT_OFFICIAL, "geo.view_jurisdiction", True),
        (Role.REVIEWER, "stats.view_statistic", True),
        (Role.REVIEWER, "stats.change_statistic", False),
        (Role.REVIEWER, "common.view_auditevent", False),
        (Role.PUBLIC, "stats.view_statistic", True),
        (Role.PUBLIC, "stats.add_statistic", False),
    ],
)
def test_role_permissions(role: Role, perm: str, allowed: bool) -> None:
    assert role_spec(role.value).allows(perm) is allowed


def test_only_the_public_role_is_limited_to_published_records() -> None:
    assert role_spec(Role.PUBLIC.value).sees_unpublished is False
    for role in (Role.CITY_OFFICE, Role.DISTRICT_OFFICIAL, Role.REVIEWER):
        assert role_spec(role.value).sees_unpublished is True


def test_a_later_role_joins_without_changes() -> None:
    spec = RoleSpec(
        role="enterprise_reporter_test",
        label="Enterprise reporter",
        scope_kinds=frozenset({"jurisdiction"}),
        grants=("mrv.*_report",),
    )
    register_role(spec)
    register_role(spec)  # idempotent
    assert role_spec("enterprise_reporter_test").allows("mrv.submit_report")
    assert not role_spec("enterprise_reporter_test").allows("stats.view_statistic")
    with pytest.raises(ValueError, match="already registered"):
        register_role(RoleSpec("enterprise_reporter_test", "x", frozenset(), ("*",)))


def test_jurisdictions_are_visible_to_everyone(users, jurisdictions) -> None:
    for user in [AnonymousUser(), *users.values()]:
        assert selectors.scoped(Jurisdiction.objects.all(), user).count() == 15


def test_official_writes_only_in_own_jurisdiction(users, jurisdictions) -> None:
    own = users["own_official"]
    perm = "testing.change_specimen"
    visible = selectors.scoped(Jurisdiction.objects.all(), own, "geo.view_jurisdiction")
    assert visible.count() == 15
    draft_own = Specimen(jurisdiction=jurisdictions["dengfeng"], year=2012, value=1)
    draft_other = Specimen(jurisdiction=jurisdictions["xinmi"], year=2012, value=1)
    assert selectors.can(own, perm, draft_own) is True
    assert selectors.can(own, perm, draft_other) is False
    # The city office's scope is the city: it covers every district below it.
    assert selectors.can(users["office"], perm, draft_other) is True
    assert selectors.can(users["reviewer"], perm, draft_other) is False


def test_specimen_visibility_by_persona(users, specimen) -> None:
    draft = specimen("draft", "dengfeng")
    published = specimen("published", "xinmi")
    expected = {
        "office": {draft.pk, published.pk},
        "reviewer": {draft.pk, published.pk},
        "own_official": {draft.pk, published.pk},  # its own draft, and what is published
        "other_official": {published.pk},
        "public": {published.pk},
    }
    for persona, ids in expected.items():
        found = set(
            selectors.scoped(Specimen.objects.all(), users[persona]).values_list("pk", flat=True)
        )
        assert found == ids, persona
    anonymous = set(
        selectors.scoped(Specimen.objects.all(), AnonymousUser()).values_list("pk", flat=True)
    )
    assert anonymous == {published.pk}


def test_audit_trail_is_the_office_s_alone(users) -> None:
    assert (
        selectors.scoped(AuditEvent.objects.all(), users["office"]).count()
        == AuditEvent.objects.count()
    )
    for persona in ("reviewer", "own_official", "other_official", "public"):
        assert selectors.scoped(AuditEvent.objects.all(), users[persona]).count() == 0
    assert selectors.scoped(AuditEvent.objects.all(), AnonymousUser()).count() == 0


def test_require_answers_404_when_hidden_and_403_when_visible(users, specimen) -> None:
    draft = specimen("draft", "dengfeng")
    with pytest.raises(NotFoundError) as hidden:
        selectors.require(users["other_official"], "testing.approve_specimen", draft)
    assert hidden.value.field == "id"
    assert hidden.value.value == draft.pk
    with pytest.raises(PermissionDeniedError):
        selectors.require(users["own_official"], "testing.approve_specimen", draft)
    with pytest.raises(PermissionDeniedError):
        selectors.require(users["reviewer"], "testing.approve_specimen", draft)
    selectors.require(users["office"], "testing.approve_specimen", draft)
    selectors.require(None, "testing.approve_specimen", draft)  # the system


def test_global_grant_covers_every_jurisdiction(make_user, jurisdictions) -> None:
    reviewer = make_user("global-reviewer", Role.REVIEWER.value)
    draft = Specimen(jurisdiction=jurisdictions["xinmi"], year=2012, value=1)
    assert selectors.can(reviewer, "testing.view_specimen", draft)
    assert not selectors.can(reviewer, "testing.change_specimen", draft)


def test_read_only_token_keeps_only_view_permissions(users, jurisdictions) -> None:
    official = users["own_official"]
    setattr(official, selectors.READ_ONLY_ATTR, True)
    selectors.forget_grants(official)
    draft = Specimen(jurisdiction=jurisdictions["dengfeng"], year=2012, value=1)
    assert selectors.can(official, "testing.view_specimen", draft)
    assert not selectors.can(official, "testing.change_specimen", draft)


def test_assign_role_is_validated_and_idempotent(users, jurisdictions, counts) -> None:
    public = users["public"]
    before = counts()
    with pytest.raises(ValidationFailedError) as unknown:
        do_assign_role(None, public, "emperor", "jurisdiction", jurisdictions["erqi"].pk)
    assert (unknown.value.field, unknown.value.value) == ("role", "emperor")
    with pytest.raises(ValidationFailedError) as wrong_kind:
        do_assign_role(None, public, Role.DISTRICT_OFFICIAL.value, "global", 0)
    assert (wrong_kind.value.field, wrong_kind.value.value) == ("scope_kind", "global")
    with pytest.raises(NotFoundError) as missing:
        do_assign_role(None, public, Role.DISTRICT_OFFICIAL.value, "jurisdiction", 999_999)
    assert (missing.value.field, missing.value.value) == ("scope_id", 999_999)
    with pytest.raises(PermissionDeniedError):
        do_assign_role(
            users["own_official"],
            public,
            Role.CITY_OFFICE.value,
            "jurisdiction",
            jurisdictions["erqi"].pk,
        )
    assert counts() == before

    first = do_assign_role(
        users["office"],
        public,
        Role.DISTRICT_OFFICIAL.value,
        "jurisdiction",
        jurisdictions["erqi"].pk,
    )
    events = AuditEvent.objects.count()
    again = do_assign_role(
        users["office"],
        public,
        Role.DISTRICT_OFFICIAL.value,
        "jurisdiction",
        jurisdictions["erqi"].pk,
    )
    assert again.pk == first.pk
    assert AuditEvent.objects.count() == events
    event = AuditEvent.objects.filter(action="common.assign_role").latest("pk")
    assert event.actor == users["office"]
    assert event.after is not None
    assert event.after["role"] == "district_official"

    do_revoke_role(users["office"], first)
    assert not RoleAssignment.objects.filter(pk=first.pk).exists()
    revoke = AuditEvent.objects.filter(action="common.revoke_role").latest("pk")
    assert revoke.before is not None
    assert revoke.before["scope_id"] == jurisdictions["erqi"].pk
    do_revoke_role(users["office"], first)  # idempotent
    assert AuditEvent.objects.filter(action="common.revoke_role").count() == 1
