"""Whether a verifier organisation may verify an enterprise on a day — pure Python.

It may when, on that day, (1) its accreditations valid that day together cover every sector
guideline of the enterprise, (2) it is not suspended and (3) it has not been removed from the
list. Warnings do not stop it. The selectors read the records and call :func:`refusals`;
:func:`citycarbon.server.mrv.selectors.can_verify` is the yes/no answer.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

__all__ = ["AccreditationSpan", "SanctionSpan", "refusals"]


@dataclass(frozen=True)
class AccreditationSpan:
    valid_from: date
    valid_to: date
    sectors: frozenset[str]

    def valid_on(self, day: date) -> bool:
        return self.valid_from <= day <= self.valid_to


@dataclass(frozen=True)
class SanctionSpan:
    """``kind`` is ``warning``, ``suspension`` or ``removal``; ``until`` ``None``: open-ended
    (a removal always is)."""

    kind: str
    since: date
    until: date | None = None

    def in_force_on(self, day: date) -> bool:
        if self.kind == "removal":
            return self.since <= day
        return self.since <= day and (self.until is None or day <= self.until)


def refusals(
    enterprise_sectors: Iterable[str],
    accreditations: Iterable[AccreditationSpan],
    sanctions: Iterable[SanctionSpan],
    on: date,
) -> list[tuple[str, tuple[str, ...]]]:
    """Why the organisation may not verify the enterprise on ``on`` (empty: it may). Each
    reason is a code — ``removed``, ``suspended``, ``not_accredited`` (no accreditation valid
    that day) or ``out_of_scope`` (with the sector guidelines not covered)."""
    found: list[tuple[str, tuple[str, ...]]] = []
    in_force = [s for s in sanctions if s.in_force_on(on)]
    if any(s.kind == "removal" for s in in_force):
        found.append(("removed", ()))
    if any(s.kind == "suspension" for s in in_force):
        found.append(("suspended", ()))
    valid = [a for a in accreditations if a.valid_on(on)]
    if not valid:
        found.append(("not_accredited", ()))
        return found
    covered = frozenset().union(*(a.sectors for a in valid))
    missing = tuple(sorted(set(enterprise_sectors) - covered))
    if missing:
        found.append(("out_of_scope", missing))
    return found
