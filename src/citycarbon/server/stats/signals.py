"""What other apps hear about statistics.

``statistics_changed`` is sent by the services, inside the transaction of the change, when the
statistics an assessment reads may have changed: a record approved, published or returned from
approval, or a batch loaded. Keyword arguments: ``years`` (frozenset of years), ``bases``
(frozenset of ``"working"`` — approved and published statistics — and ``"published"``) and
``reason`` (what happened, for the record). The targets app recomputes its assessments.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.dispatch import Signal

__all__ = ["PUBLISHED", "WORKING", "notify", "statistics_changed"]

WORKING = "working"
PUBLISHED = "published"

statistics_changed = Signal()


def notify(years: Iterable[int], bases: Iterable[str], reason: str) -> None:
    years = frozenset(years)
    bases = frozenset(bases)
    if years and bases:
        statistics_changed.send(sender=None, years=years, bases=bases, reason=reason)
