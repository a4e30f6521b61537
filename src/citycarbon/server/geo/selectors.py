"""Read queries for jurisdictions, and the expansion of a jurisdiction scope to its subtree."""

from __future__ import annotations

from collections import defaultdict

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from citycarbon.server.common.models import User
from citycarbon.server.common.selectors import get_visible, scoped
from citycarbon.server.geo.models import Jurisdiction

__all__ = ["describe_jurisdiction", "jurisdiction", "jurisdictions", "subtree_ids"]


def subtree_ids(root_id: int) -> frozenset[int]:
    """The jurisdiction and all below it (empty when there is no such jurisdiction)."""
    children: dict[int | None, list[int]] = defaultdict(list)
    known: set[int] = set()
    for pk, parent_id in Jurisdiction.objects.values_list("pk", "parent_id"):
        children[parent_id].append(pk)
        known.add(pk)
    if root_id not in known:
        return frozenset()
    found = {root_id}
    stack = [root_id]
    while stack:
        for child in children[stack.pop()]:
            if child not in found:
                found.add(child)
                stack.append(child)
    return frozenset(found)


def describe_jurisdiction(pk: int) -> str:
    found = Jurisdiction.objects.filter(pk=pk).first()
    return found.name if found is not None else f"#{pk}"


def jurisdictions(user: User | AnonymousUser | None) -> QuerySet[Jurisdiction]:
    """Every jurisdiction the user may see, parent loaded, in display order."""
    return scoped(Jurisdiction.objects.select_related("parent"), user).order_by(
        "sort_order", "code"
    )


def jurisdiction(user: User | AnonymousUser | None, code: str) -> Jurisdiction:
    return get_visible(Jurisdiction.objects.select_related("parent"), user, "code", code)


def children_of(user: User | AnonymousUser | None, parent: Jurisdiction) -> QuerySet[Jurisdiction]:
    return jurisdictions(user).filter(parent=parent)


def roots() -> QuerySet[Jurisdiction]:
    return Jurisdiction.objects.filter(parent__isnull=True).order_by("sort_order", "code")
