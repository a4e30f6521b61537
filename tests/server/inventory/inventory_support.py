"""Helpers shared by the inventory tests (importable: pytest puts this folder on the path)."""

from __future__ import annotations

from typing import Any

import yaml

from citycarbon.inventory.reference import demo_set

_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def demo_form(jurisdiction: str = "dengfeng", year: int = 2012) -> dict[str, Any]:
    """The input form of one jurisdiction-year of the packaged demonstration set."""
    form: dict[str, Any] = yaml.load(demo_set("zhengzhou").text(jurisdiction, year), Loader=_LOADER)
    return form
