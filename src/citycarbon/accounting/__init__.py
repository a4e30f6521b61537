"""Enterprise GHG accounting by the 24 NDRC sector guidelines (2013-2015) and GB/T 32150/32151."""

from citycarbon.accounting.engine import LineInput, ReportInput, compute_report, compute_reports
from citycarbon.accounting.model import (
    AccountingError,
    LineResult,
    ReportError,
    ReportResult,
    Sector,
    SourceType,
)
from citycarbon.accounting.sectors import sector, sectors
from citycarbon.accounting.sources import SOURCE_TYPES, source_type

__all__ = [
    "SOURCE_TYPES",
    "AccountingError",
    "LineInput",
    "LineResult",
    "ReportError",
    "ReportInput",
    "ReportResult",
    "Sector",
    "SourceType",
    "compute_report",
    "compute_reports",
    "sector",
    "sectors",
    "source_type",
]
