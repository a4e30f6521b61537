"""Fixtures of the factor-set tests: the shipped library loaded as the published set
``builtin`` (adopted by the city), sets in every lifecycle state, and row counts to assert that
a refused request changed nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from factors_support import LOCAL_GRID

from citycarbon.server.common import services as common
from citycarbon.server.common.models import AuditEvent, User
from citycarbon.server.factors.models import FactorRow, FactorSet
from citycarbon.server.factors.services import do_create_set, do_load_library
from citycarbon.server.geo.models import Jurisdiction


@pytest.fixture
def builtin(jurisdictions: dict[str, Jurisdiction]) -> FactorSet:
    """The shipped library as the published set ``builtin`` v1 of Zhengzhou."""
    return do_load_library(None, jurisdiction=jurisdictions["zhengzhou"]).factor_set


@pytest.fixture
def factor_set(
    jurisdictions: dict[str, Jurisdiction], users: dict[str, User]
) -> Callable[..., FactorSet]:
    """``factor_set(state, name="local")`` — a small set of the city with two rows, moved to
    ``state`` by the office through the services."""

    def make(state: str = "draft", name: str = "local") -> FactorSet:
        office = users["office"]
        item = do_create_set(
            office,
            jurisdiction=jurisdictions["zhengzhou"],
            name=name,
            title="Local factors",
            rows=[
                LOCAL_GRID,
                {**LOCAL_GRID, "factor_id": "heat.local", "parameter": "heat_ef",
                 "subject": "heat", "value": "0.105", "unit": "tCO2/GJ", "kind": "default",
                 "year_from": None, "year_to": None},
            ],
        )  # fmt: skip
        for step, action in (
            ("submitted", common.do_submit),
            ("approved", common.do_approve),
            ("published", common.do_publish),
        ):
            if state == "draft":
                break
            item = action(office, item)
            if step == state:
                break
        return FactorSet.objects.get(pk=item.pk)

    return make


@dataclass(frozen=True)
class FactorCounts:
    """Rows of every table a factor request could write, the latest audit event and a
    fingerprint of every set's state and every row's value."""

    values: tuple[Any, ...]

    @classmethod
    def take(cls) -> FactorCounts:
        return cls(
            (
                AuditEvent.objects.count(),
                AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first(),
                tuple(FactorSet.objects.order_by("pk").values_list("pk", "state", "version")),
                FactorRow.objects.count(),
                hash(tuple(FactorRow.objects.order_by("pk").values_list("pk", "value", "source"))),
            )
        )


@pytest.fixture
def factor_counts() -> Callable[[], FactorCounts]:
    return FactorCounts.take
