"""The registry of inventory categories: every category module registers its own on import."""

from __future__ import annotations

from citycarbon.inventory.model import SECTORS, Category

__all__ = ["CATEGORIES", "categories", "category", "register"]

CATEGORIES: dict[str, Category] = {}


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
    order = {s: i for i, s in enumerate(SECTORS)}
    return sorted(CATEGORIES.values(), key=lambda c: (order[c.sector], c.code, c.id))
