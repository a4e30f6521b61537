"""Recomputing the assessment as statistics change: what the kernel refuses is left out and
named; returning an approved record makes a new working run that supersedes the last."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from citycarbon.server.targets.models import AssessmentRun

pytestmark = pytest.mark.django_db


def test_jurisdiction_years_the_kernel_refuses_are_left_out_and_named(
    make_statistic: Callable[..., Any],
) -> None:
    make_statistic("approved", jurisdiction="dengfeng", year=2010)
    make_statistic("approved", jurisdiction="dengfeng", year=2011)
    make_statistic("approved", jurisdiction="xinmi", year=2011)  # no base year
    run = AssessmentRun.objects.filter(basis="working").order_by("-version").first()
    assert run is not None
    assert [(r["jurisdiction"], r["year"]) for r in run.output["results"]] == [
        ("dengfeng", 2010),
        ("dengfeng", 2011),
    ]
    assert [(e["jurisdiction"], e["year"], e["message"]) for e in run.excluded] == [
        ("xinmi", 2010, "missing base year")
    ]


def test_returning_an_approved_record_recomputes_the_working_assessment(
    make_statistic: Callable[..., Any], users: dict[str, Any]
) -> None:
    from citycarbon.server.stats.services import do_return_statistic

    make_statistic("approved", year=2010)
    second = make_statistic("approved", year=2011)
    before = AssessmentRun.objects.filter(basis="working").order_by("-version").first()
    assert before is not None
    assert len(before.inputs) == 2
    do_return_statistic(users["office"], second, "check the GDP index")
    after = AssessmentRun.objects.filter(basis="working").order_by("-version").first()
    assert after is not None
    assert (after.version, after.supersedes_id) == (before.version + 1, before.pk)
    assert [(i["year"]) for i in after.inputs] == [2010]
    assert "returned" in after.trigger
