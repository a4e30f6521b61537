"""The factor library: default parameters and emission factors, each with its provenance.

Every row is a :class:`FactorRow`: value and unit, the parameter and the subject it is for (a
fuel, a carbonate, a grid, a technology), its *kind*, the guideline set it belongs to, where and
when it applies, and the document and table it was taken from with a verification status.

Kinds keep factors that look alike apart: a regional grid **average** factor (for purchased
electricity in enterprise accounting, ``grid_average``) is never a CCER **baseline** operating or
build margin (``grid_om``, ``grid_bm``). A lookup names the kind it needs and gets nothing else.

Where two guidelines publish different defaults for the same fuel, each keeps its own row under
its own guideline set; nothing is averaged. A lookup tries the guideline sets it is given in
order, then rows that apply to every guideline (``*``).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Final

from citycarbon.numbers import to_decimal

__all__ = [
    "ANY",
    "VERIFICATION_STATUSES",
    "FactorError",
    "FactorLibrary",
    "FactorRow",
    "default_library",
]

ANY: Final = "*"

#: How well a row is verified (see docs/factors.md).
VERIFICATION_STATUSES: Final = {
    "V-doc": "checked in a copy of the official document",
    "V-data": "checked in a machine-readable transcription of the primary source",
    "V-news": "checked in an official notice reproduced by the press",
    "C-3": "three independent transcriptions agree; primary not seen",
    "C-2": "two independent transcriptions agree; primary not seen",
    "C-1": "one transcription; primary not seen",
    "D": "derived by arithmetic from other rows (shown in the note)",
    "R": "recalled, not confirmed in a source: use with care",
}

_COLUMNS: Final = (
    "id", "parameter", "subject", "value", "unit", "gas", "kind", "guideline", "region",
    "year_from", "year_to", "source", "status", "note",
)  # fmt: skip


class FactorError(LookupError):
    """No factor fits, or a factor row is malformed."""


@dataclass(frozen=True, slots=True)
class FactorRow:
    """One default factor with its provenance."""

    id: str
    parameter: str
    subject: str
    value: Decimal
    unit: str
    gas: str
    kind: str
    guideline: str
    region: str
    year_from: int | None
    year_to: int | None
    source: str
    status: str
    note: str = ""

    def applies(self, *, region: str | None, year: int | None) -> bool:
        """Whether the row applies to ``region`` and ``year`` (``None`` means unknown)."""
        if self.region != ANY and region != self.region:
            return False
        if year is None:
            return self.year_from is None and self.year_to is None
        if self.year_from is not None and year < self.year_from:
            return False
        return not (self.year_to is not None and year > self.year_to)

    def as_dict(self) -> dict[str, object]:
        """The row as plain data (for JSON output)."""
        return {
            "id": self.id,
            "parameter": self.parameter,
            "subject": self.subject,
            "value": str(self.value),
            "unit": self.unit,
            "gas": self.gas,
            "kind": self.kind,
            "guideline": self.guideline,
            "region": self.region,
            "year_from": self.year_from,
            "year_to": self.year_to,
            "source": self.source,
            "status": self.status,
            "note": self.note,
        }


def _year(text: str) -> int | None:
    text = text.strip()
    return int(text) if text else None


def _read_rows(name: str, lines: Iterable[str]) -> Iterator[FactorRow]:
    reader = csv.DictReader(line for line in lines if not line.startswith("#"))
    missing = set(_COLUMNS) - set(reader.fieldnames or ())
    if missing:
        raise FactorError(f"factor file {name}: missing columns {sorted(missing)}")
    for number, raw in enumerate(reader, start=2):
        try:
            row = FactorRow(
                id=raw["id"].strip(),
                parameter=raw["parameter"].strip(),
                subject=raw["subject"].strip(),
                value=to_decimal(raw["value"]),
                unit=raw["unit"].strip(),
                gas=raw["gas"].strip(),
                kind=raw["kind"].strip() or "default",
                guideline=raw["guideline"].strip() or ANY,
                region=raw["region"].strip() or ANY,
                year_from=_year(raw["year_from"]),
                year_to=_year(raw["year_to"]),
                source=raw["source"].strip(),
                status=raw["status"].strip(),
                note=(raw.get("note") or "").strip(),
            )
        except (ValueError, AttributeError) as exc:
            raise FactorError(f"factor file {name}, row {number}: {exc}") from None
        if not row.id or not row.source:
            raise FactorError(f"factor file {name}, row {number}: id and source are required")
        if row.status not in VERIFICATION_STATUSES:
            raise FactorError(f"factor file {name}, row {number}: unknown status {row.status!r}")
        yield row


@dataclass(frozen=True)
class FactorLibrary:
    """An immutable, versioned collection of :class:`FactorRow`."""

    rows: tuple[FactorRow, ...]
    version: str = "builtin"
    _by_key: dict[tuple[str, str], tuple[FactorRow, ...]] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        index: dict[tuple[str, str], list[FactorRow]] = {}
        ids: set[str] = set()
        for row in self.rows:
            if row.id in ids:
                raise FactorError(f"duplicate factor id {row.id!r}")
            ids.add(row.id)
            index.setdefault((row.parameter, row.subject), []).append(row)
        object.__setattr__(self, "_by_key", {k: tuple(v) for k, v in index.items()})

    @classmethod
    def from_csv_texts(cls, texts: Iterable[tuple[str, str]], version: str) -> FactorLibrary:
        """Build a library from ``(name, csv_text)`` pairs."""
        rows: list[FactorRow] = []
        for name, text in texts:
            rows.extend(_read_rows(name, text.splitlines()))
        return cls(tuple(rows), version)

    def get(self, row_id: str) -> FactorRow:
        """Return the row with id ``row_id``."""
        for row in self.rows:
            if row.id == row_id:
                return row
        raise FactorError(f"no factor row {row_id!r}")

    def candidates(self, parameter: str, subject: str) -> tuple[FactorRow, ...]:
        """All rows for ``parameter`` of ``subject``, whatever their applicability."""
        return self._by_key.get((parameter, subject), ())

    def find(
        self,
        parameter: str,
        subject: str,
        *,
        kind: str = "default",
        guidelines: Sequence[str] = (),
        region: str | None = None,
        regions: Sequence[str] = (),
        year: int | None = None,
    ) -> FactorRow:
        """Return the one default that applies.

        Preference, most specific first: the guideline sets in ``guidelines`` in their order, then
        rows for every guideline; within those, a row for ``region`` (then for each of
        ``regions``, e.g. the province's regional grid), then rows for any region. The kind must
        match exactly: an average grid factor is never returned for a baseline request or back.

        Raises
        ------
        FactorError
            When no row applies, or when two rows apply equally (the data are ambiguous).
        """
        rows = [r for r in self.candidates(parameter, subject) if r.kind == kind]
        if not rows:
            other = {r.kind for r in self.candidates(parameter, subject)}
            hint = f" (only of kind {', '.join(sorted(other))})" if other else ""
            raise FactorError(f"no default {parameter} of kind {kind} for {subject!r}{hint}")
        place_order = [*([region] if region else []), *regions, ANY]
        for guideline in [*guidelines, ANY]:
            for place in place_order:
                hits = [
                    r
                    for r in rows
                    if r.guideline == guideline
                    and r.region == place
                    and r.applies(region=place if place != ANY else region, year=year)
                ]
                if len(hits) == 1:
                    return hits[0]
                if len(hits) > 1:
                    ids = ", ".join(r.id for r in hits)
                    raise FactorError(f"ambiguous defaults for {parameter} of {subject!r}: {ids}")
        where = f" in {region}" if region else ""
        when = f" for {year}" if year is not None else ""
        raise FactorError(f"no default {parameter} ({kind}) for {subject!r}{where}{when}")


@cache
def default_library() -> FactorLibrary:
    """The factor library shipped with citycarbon (every CSV in ``citycarbon/factors/data``)."""
    package = resources.files("citycarbon.factors") / "data"
    texts = sorted(
        (entry.name, entry.read_text(encoding="utf-8"))
        for entry in package.iterdir()
        if entry.name.endswith(".csv")
    )
    return FactorLibrary.from_csv_texts(texts, version="builtin-2026.11")
