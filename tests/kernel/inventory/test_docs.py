"""docs/inventory.md documents every category and every parameter of the registry."""

from __future__ import annotations

from pathlib import Path

import pytest

from citycarbon.inventory import categories

DOC = Path(__file__).parents[3] / "docs" / "inventory.md"


@pytest.mark.parametrize("item", categories(), ids=lambda c: c.id)
def test_every_category_and_parameter_is_documented(item: object) -> None:
    text = DOC.read_text("utf-8")
    heading = f"#### `{item.id}`"  # type: ignore[attr-defined]
    assert heading in text
    section = text.split(heading, 1)[1].split("####", 1)[0]
    for param in item.params:  # type: ignore[attr-defined]
        assert f"| `{param.name}` |" in section, param.name
