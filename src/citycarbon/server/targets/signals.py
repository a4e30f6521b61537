"""The targets app listening to the statistics: recompute the assessments they feed."""

from __future__ import annotations

from typing import Any

__all__ = ["recompute"]


def recompute(
    sender: Any, *, years: frozenset[int], bases: frozenset[str], reason: str, **_: Any
) -> None:
    """Recompute (as the system, in the same transaction) the runs of every target set whose
    period holds one of ``years``, on the ``bases`` that changed."""
    from citycarbon.server.targets.services import do_recompute

    do_recompute(None, years=years, bases=bases, trigger=reason)
