"""Helpers for the inventory tests: build forms, compile them, expect refusals."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from citycarbon.inventory import (
    InventoryRefusedError,
    InventoryResult,
    compile_inventory,
    read_form,
)


def _compile(form: dict[str, Any], **options: Any) -> InventoryResult:
    return compile_inventory(read_form(copy.deepcopy(form)), **options)


def _refusal(form: dict[str, Any], **options: Any) -> list[str]:
    with pytest.raises(InventoryRefusedError) as caught:
        _compile(form, **options)
    return [e.describe() for e in caught.value.errors]


@pytest.fixture
def compile_form() -> Callable[..., InventoryResult]:
    """Read and compile a form (a deep copy, so tests can reuse their dicts)."""
    return _compile


@pytest.fixture
def refusal() -> Callable[..., list[str]]:
    """Compile a form that must be refused; return the descriptions of its errors."""
    return _refusal


@pytest.fixture
def form_factory() -> Callable[..., dict[str, Any]]:
    """A minimal inventory form (Henan, 2012) with the sections given."""

    def make(**sections: Any) -> dict[str, Any]:
        form: dict[str, Any] = {
            "inventory": {"jurisdiction": "测试县 test county", "region": "henan", "year": 2012}
        }
        form.update(sections)
        return form

    return make
