"""Fixtures of the MRV tests: the small register of ``mrv_support.build_world`` and the row
counts that show a refused request changed nothing."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from mrv_support import MrvCounts, World, build_world


@pytest.fixture
def world(db: None) -> World:
    return build_world()


@pytest.fixture
def mrv_counts() -> Callable[[], MrvCounts]:
    return MrvCounts.take
