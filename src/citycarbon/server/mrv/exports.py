"""An annual report exported as an enterprise interchange document, for ``citycarbon calc
enterprise`` (JSON, YAML or the filled Excel template).

A read: the report is found exactly as reading it finds it — :func:`selectors.enterprise`, then
:func:`selectors.report`, scoped to what the user may see — so another enterprise's account
gets the same "not found", marked as the same attempt to audit (``mrv.refused``, ``read``, the
enterprise), which the API and the pages record as they do a refused read. Nothing is
written.

The document is made by the kernel (:mod:`citycarbon.accounting.monitoring.export`) from the
report's own figures — the lines' streams and sources and every figure's derivation — so it
is the report version asked for, even after the plan was revised. Before it is handed
out it is read back and computed as ``calc enterprise`` would, with the report's GWP metric;
when any figure is not the report's exactly (a factor library changed since the report was
built), it is refused (409), naming the first difference.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from citycarbon.accounting.monitoring.export import (
    CONTENT_TYPES,
    EXPORT_FORMATS,
    ExportHeader,
    derivation_from_dict,
    document_bytes,
    report_document,
    reproduction_differences,
)
from citycarbon.server.common.errors import ConflictError, ValidationFailedError
from citycarbon.server.common.selectors import AnyUser
from citycarbon.server.mrv import selectors
from citycarbon.server.mrv.models import AnnualReport
from citycarbon.units import DEFAULT_METRIC

__all__ = ["EXPORT_FORMATS", "ReportDocument", "document_of", "export_header", "report_file"]


@dataclass(frozen=True)
class ReportDocument:
    """An exported report: the file's name, media type and bytes, and the report version."""

    filename: str
    content_type: str
    content: bytes
    record: AnnualReport


def export_header(record: AnnualReport) -> ExportHeader:
    """The header of a fetched report version: enterprise, credit code, year, version, state,
    GWP metric, factor library and the exact total."""
    figures = record.figures
    region = (record.plan.document or {}).get("region") or None
    total = figures.get("total")
    return ExportHeader(
        credit_code=record.enterprise.credit_code,
        enterprise=record.enterprise.name_zh,
        year=record.year,
        sector=record.sector,
        version=record.version,
        region=None if region is None else str(region),
        state=str(record.state),
        metric=str(figures.get("metric") or DEFAULT_METRIC),
        factor_library=str(figures.get("factor_library") or ""),
        total=None if total is None else Decimal(str(total)),
    )


def document_of(record: AnnualReport) -> dict[str, Any]:
    """The interchange document of a fetched report version (the caller authorised it)."""
    figures = record.figures
    streams = [(str(line["stream"]), str(line["source"])) for line in figures.get("lines", [])]
    derivations = [derivation_from_dict(d) for d in figures.get("derivations", [])]
    return report_document(export_header(record), streams, derivations)


def report_file(
    user: AnyUser | None,
    credit_code: str,
    year: int,
    *,
    version: int | None = None,
    kind: str = "json",
) -> ReportDocument:
    """The enterprise's report of the year (the latest version the user may see, or
    ``version``) as a file of ``kind`` (``json``, ``yaml`` or ``xlsx``) that ``citycarbon calc
    enterprise`` computes to the report's figures.

    Raises:
        NotFoundError: No such enterprise or report the user may see (exactly as reading it;
            another enterprise's account: marked as an attempt to audit).
        ValidationFailedError: An unknown ``kind`` (``field: format``).
        ConflictError: The document would not reproduce the report's figures
            (``field: figures``, the first difference).
    """
    item = selectors.enterprise(user, credit_code)
    record = selectors.report(user, item, year, version)
    if kind not in EXPORT_FORMATS:
        raise ValidationFailedError(
            _("Unknown format: choose one of %(formats)s.")
            % {"formats": ", ".join(EXPORT_FORMATS)},
            field="format",
            value=kind,
        )
    figures = record.figures
    content = document_bytes(document_of(record), kind)
    differences = reproduction_differences(
        content,
        kind,
        total=Decimal(str(figures["total"])),
        lines=[Decimal(str(line["co2e"])) for line in figures.get("lines", [])],
        by_source={k: Decimal(str(v)) for k, v in figures.get("by_source", {}).items()},
        metric=str(figures.get("metric") or DEFAULT_METRIC),
    )
    if differences:
        raise ConflictError(
            _(
                "The exported document would not reproduce the report's figures "
                "(factor library %(library)s): %(difference)s"
            )
            % {"library": figures.get("factor_library", ""), "difference": differences[0]},
            field="figures",
            value=differences[0],
        )
    name = f"report-{item.credit_code}-{record.year}-v{record.version}.{kind}"
    return ReportDocument(name, CONTENT_TYPES[kind], content, record)
