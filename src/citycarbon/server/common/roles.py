"""Roles, scopes and permissions: the registry every app extends.

A user holds roles through role assignments ``(user, role, scope)``; the scope is a kind and an
id (``("jurisdiction", 7)``: jurisdiction 7 and everything under it; ``("global", 0)``:
everything). A role grants permissions, named like Django's ``app_label.action_model``
(``geo.view_jurisdiction``, ``stats.submit_statistic``), by shell-style patterns with
exceptions. Later apps add their roles (enterprise reporter, verifier, market participant …) and
scope kinds (enterprise, verifier organisation …) with :func:`register_role` and
:func:`register_scope_kind` from their ``AppConfig.ready``, and may narrow a role over their
own permissions with :func:`restrict_role` (the city's enterprise register is read-only to
district officials); nothing here changes.

Everyone, signed in or not, also holds the public role over everything: published records
and public reference data can be read by all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from fnmatch import fnmatchcase
from typing import Any

from django.db.models import Q

from citycarbon.server.common.choices import Role, ScopeKind

__all__ = [
    "Grant",
    "Reach",
    "RoleSpec",
    "ScopeKindSpec",
    "action_of",
    "register_role",
    "register_scope_kind",
    "restrict_role",
    "role_spec",
    "roles",
    "scope_kind_spec",
]


def action_of(perm: str) -> str:
    """The verb of a permission: ``geo.view_jurisdiction`` → ``view``."""
    _, _, codename = perm.partition(".")
    return codename.split("_", 1)[0]


@dataclass(frozen=True)
class RoleSpec:
    """What a role may do, and over which kinds of scope it can be assigned."""

    role: str
    label: Any
    scope_kinds: frozenset[str]
    grants: tuple[str, ...]
    denies: tuple[str, ...] = ()
    #: False: the role sees versioned records only once they are published.
    sees_unpublished: bool = True
    description: Any = ""

    def allows(self, perm: str) -> bool:
        if any(fnmatchcase(perm, pattern) for pattern in self.denies):
            return False
        return any(fnmatchcase(perm, pattern) for pattern in self.grants)


@dataclass(frozen=True)
class Reach:
    """How a kind of scope reaches a model through other records than a foreign-key path —
    a verifier organisation reaches the plans, ledgers and reports of the enterprise-years it
    is assigned to, through its assignments.

    Both functions take what the scope kind's ``reach`` gave for the grant's scope id (its
    *reach items*, computed once per request): ``rows`` the filter on the model's queryset
    (one condition, a subquery at most — never a query per row), ``covers`` the same rule on
    one instance, saved or not, without a query.
    """

    rows: Callable[[frozenset[Any]], Q]
    covers: Callable[[Any, frozenset[Any]], bool]


@dataclass(frozen=True)
class ScopeKindSpec:
    """A kind of scope: how to expand one scope id into the ids of the objects it covers.

    ``expand`` is ``None`` for the global scope, which covers everything.
    """

    kind: str
    expand: Callable[[int], frozenset[int]] | None
    describe: Callable[[int], str] = field(default=lambda scope_id: str(scope_id))
    #: The domains (app labels) whose data ``expand`` reads: its results are cached until one
    #: of them changes (none: computed once per request).
    domains: tuple[str, ...] = ()
    #: The reach items of a scope id (for ``reaches``), computed like ``expand`` (cached for
    #: ``domains`` and the day: they may depend on the date, e.g. a sanction in force).
    reach: Callable[[int], frozenset[Any]] | None = None
    #: Model label (``mrv.annualreport``) → how the scope reaches the model through its reach
    #: items, in addition to the model's own ``scope_lookups``.
    reaches: Mapping[str, Reach] = field(default_factory=dict)


@dataclass(frozen=True)
class Grant:
    """One role held over one scope, as used by the selectors for one request."""

    role: str
    scope_kind: str
    scope_id: int
    #: Held through a read-only access token: only ``view`` permissions apply.
    read_only: bool = False

    @property
    def spec(self) -> RoleSpec:
        return role_spec(self.role)

    def allows(self, perm: str) -> bool:
        if self.read_only and action_of(perm) != "view":
            return False
        return self.spec.allows(perm)


_ROLES: dict[str, RoleSpec] = {}
_SCOPE_KINDS: dict[str, ScopeKindSpec] = {}


def register_role(spec: RoleSpec) -> None:
    """Add a role (idempotent for the same spec; a different spec under a taken name fails)."""
    existing = _ROLES.get(spec.role)
    if existing is not None and existing != spec:
        raise ValueError(f"role {spec.role!r} is already registered differently")
    _ROLES[spec.role] = spec


def restrict_role(role: str, denies: Iterable[str]) -> None:
    """Deny a registered role more permissions (patterns such as ``"mrv.add_*"``).

    An app calls it from its ``AppConfig.ready`` for its own permissions only, e.g. to keep its
    records read-only to a role whose grants would otherwise reach them. Idempotent.
    """
    spec = role_spec(role)
    added = tuple(dict.fromkeys(p for p in denies if p not in spec.denies))
    if added:
        _ROLES[role] = replace(spec, denies=(*spec.denies, *added))


def register_scope_kind(spec: ScopeKindSpec) -> None:
    """Add a scope kind; the app that owns the scoped model registers it."""
    _SCOPE_KINDS[spec.kind] = spec


def role_spec(role: str) -> RoleSpec:
    try:
        return _ROLES[role]
    except KeyError:
        raise LookupError(f"unknown role {role!r}") from None


def roles() -> list[RoleSpec]:
    """Every registered role, in registration order."""
    return list(_ROLES.values())


def scope_kind_spec(kind: str) -> ScopeKindSpec:
    try:
        return _SCOPE_KINDS[kind]
    except KeyError:
        raise LookupError(f"unknown scope kind {kind!r}") from None


def scope_kinds() -> Iterable[str]:
    return tuple(_SCOPE_KINDS)


# The four roles of the first release. The city office administers everything in its city;
# a district official works on its own jurisdiction; a reviewer reads the whole city; the
# public reads what is published. Master data (jurisdictions) and the common app's records
# (audit trail, role assignments) are the office's alone.
_MASTER_DATA_WRITES = ("geo.add_*", "geo.change_*", "geo.delete_*")

register_role(
    RoleSpec(
        role=Role.CITY_OFFICE.value,
        label=Role.CITY_OFFICE.label,
        scope_kinds=frozenset({ScopeKind.JURISDICTION.value, ScopeKind.GLOBAL.value}),
        grants=("*",),
    )
)
register_role(
    RoleSpec(
        role=Role.DISTRICT_OFFICIAL.value,
        label=Role.DISTRICT_OFFICIAL.label,
        scope_kinds=frozenset({ScopeKind.JURISDICTION.value}),
        grants=("*.view_*", "*.add_*", "*.change_*", "*.submit_*"),
        denies=("common.*", *_MASTER_DATA_WRITES),
    )
)
register_role(
    RoleSpec(
        role=Role.REVIEWER.value,
        label=Role.REVIEWER.label,
        scope_kinds=frozenset({ScopeKind.JURISDICTION.value, ScopeKind.GLOBAL.value}),
        grants=("*.view_*",),
        denies=("common.*",),
    )
)
register_role(
    RoleSpec(
        role=Role.PUBLIC.value,
        label=Role.PUBLIC.label,
        scope_kinds=frozenset({ScopeKind.GLOBAL.value}),
        grants=("*.view_*",),
        denies=("common.*",),
        sees_unpublished=False,
    )
)
register_scope_kind(
    ScopeKindSpec(
        kind=ScopeKind.GLOBAL.value,
        expand=None,
        describe=lambda _scope_id: str(ScopeKind.GLOBAL.label),
    )
)

#: What every visitor holds, signed in or not.
PUBLIC_GRANT = Grant(role=Role.PUBLIC.value, scope_kind=ScopeKind.GLOBAL.value, scope_id=0)
