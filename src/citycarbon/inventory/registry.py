"""The registry of inventory categories: every category module registers its own on import."""

from __future__ import annotations

from citycarbon.inventory.model import SECTORS, Category

__all__ = ["CATEGORIES", "categories", "category", "register"]

CATEGORIES: dict[str, Category] = {}
#: The registry's categories as last seen, and in reporting order (sorted once per change).
_ORDER: list[tuple[tuple[Category, ...], tuple[Category, ...]]] = []


def register(item: Category) -> Category:
    """Add ``item`` to the registry (ids are unique) and return it."""
    if item.id in CATEGORIES:
        raise ValueError(f"inventory category {item.id!r} registered twice")
    CATEGORIES[item.id] = item
    return item


def category(category_id: str) -> Category:
    """The category ``category_id``; :class:`KeyError` names the known ids when unknown."""
    if category_id not in CATEGORIES:
        known = ", ".join(sorted(CATEGORIES))
        raise KeyError(f"unknown inventory category {category_id!r}; known: {known}")
    return CATEGORIES[category_id]


def categories() -> list[Category]:
    """All categories, by sector in guideline order, then by IPCC code and id."""
    registered = tuple(CATEGORIES.values())
    if not _ORDER or _ORDER[0][0] != registered:
        order = {s: i for i, s in enumerate(SECTORS)}
        ordered = sorted(registered, key=lambda c: (order[c.sector], c.code, c.id))
        _ORDER[:] = [(registered, tuple(ordered))]
    return list(_ORDER[0][1])
