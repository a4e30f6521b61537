"""Bulk recomputation: many reports at once, column by column, through the same formulas.

A climate office recomputes every report when a factor set changes; a national platform does it
for tens of thousands of enterprises. This package does what :func:`~citycarbon.accounting.
engine.compute_report` does, for a whole batch, with numpy arrays instead of one Decimal at a
time:

1. **A columnar batch** (:mod:`~citycarbon.accounting.bulk.batch`): a :class:`ReportBatch`
   holds per report its id, sector, year and region (as integer codes) and per source type one
   :class:`SourceBlock` of lines (a struct of arrays), numbers as float64 in the field's
   canonical unit with NaN for *not given, use the default*. :func:`from_reports` builds a
   batch from :class:`~citycarbon.accounting.engine.ReportInput` (so both paths see the same
   inputs) and :meth:`ReportBatch.to_reports` goes back.
2. **Validation, vectorised** (:mod:`~citycarbon.accounting.bulk.checks`): negative values,
   fractions above 100 %, required fields left out, unknown choices, sources a sector
   guideline does not have, reports without a year or lines, and each source type's own
   ``check``. Every problem is an :class:`~citycarbon.accounting.model.AccountingError` naming
   the report, the line, the field and the value; a report with any problem is refused as a
   whole, the others are computed.
3. **The factor join** (:mod:`~citycarbon.accounting.bulk.defaults`): defaults are looked up
   once per distinct combination of subject and the parts of a report's context (sector
   guideline, region, year) the candidate factor rows depend on, then scattered to the lines
   by integer indexing.
4. **The formulas** (:mod:`~citycarbon.accounting.bulk.signatures`,
   :mod:`~citycarbon.accounting.bulk.trace`): each source type's registered ``compute`` is
   called with the column arrays of its lines. Lines whose choices, units and given fields
   lead ``compute`` down different branches are told apart by tracing ``compute`` once per
   distinct combination with symbolic numbers; lines with the same traced formula form one
   class and are computed together.
5. **CO2e and totals** (:mod:`~citycarbon.accounting.bulk.compute`,
   :mod:`~citycarbon.accounting.bulk.bounds`): gas masses times the GWP of the named metric and
   the sector treatment's sign (added, subtracted, or reported separately), summed per report
   with :func:`numpy.bincount`; a subtracted amount the guideline bounds by other sources
   (``SectorSource.bounded_by``) is checked against their per-report sums.

:func:`resolve_bulk` does steps 1-4 up to the formulas (a :class:`ResolvedBatch`),
:func:`evaluate_bulk` step 5, and :func:`compute_bulk` both. Results agree with the exact path
to floating-point accuracy (about 1e-15 relative per line); the exact Decimal path stays the
one for verified figures.
"""

from citycarbon.accounting.bulk.batch import MISSING, ReportBatch, SourceBlock, from_reports
from citycarbon.accounting.bulk.compute import BulkResult, compute_bulk, evaluate_bulk
from citycarbon.accounting.bulk.defaults import DefaultTable
from citycarbon.accounting.bulk.resolve import ResolvedBatch, ResolvedBlock, resolve_bulk
from citycarbon.accounting.bulk.signatures import FormulaClass, SignatureDim
from citycarbon.accounting.bulk.trace import Node, trace_compute

__all__ = [
    "MISSING",
    "BulkResult",
    "DefaultTable",
    "FormulaClass",
    "Node",
    "ReportBatch",
    "ResolvedBatch",
    "ResolvedBlock",
    "SignatureDim",
    "SourceBlock",
    "compute_bulk",
    "evaluate_bulk",
    "from_reports",
    "resolve_bulk",
    "trace_compute",
]
