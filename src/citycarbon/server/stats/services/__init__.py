"""The statistics app's actions — the only code that writes statistics.

- :mod:`.records` — one jurisdiction-year: create, change a draft, submit, approve, publish,
  return, correct, acknowledge a plausibility warning;
- :mod:`.imports` — many jurisdiction-years at once, all or nothing;
- :mod:`.workbooks` — a statistics workbook, read and imported through :mod:`.imports`.

Each ``do_*`` checks the permission first, locks what it changes, re-checks the state, lets the
targets kernel validate the figures in their target period, writes, and records one audit event
in the same transaction (the record with its fuels, awards and indicator values, before and
after). Repeating an action changes nothing and writes no second event. An import checks every
row before writing any: one bad row refuses the file with every problem named by sheet, row,
column and value. Import the actions from here (``citycarbon.server.stats.services``).
"""

from __future__ import annotations

from citycarbon.server.stats.services.imports import (
    ANNUAL_TARGET_FIELDS,
    ImportResult,
    ImportRow,
    do_import_rows,
)
from citycarbon.server.stats.services.records import (
    do_acknowledge_warning,
    do_approve_statistic,
    do_correct_statistic,
    do_create_statistic,
    do_publish_statistic,
    do_return_statistic,
    do_submit_statistic,
    do_update_statistic,
    full_snapshot,
)
from citycarbon.server.stats.services.workbooks import do_import_workbook, workbook_rows

__all__ = [
    "ANNUAL_TARGET_FIELDS",
    "ImportResult",
    "ImportRow",
    "do_acknowledge_warning",
    "do_approve_statistic",
    "do_correct_statistic",
    "do_create_statistic",
    "do_import_rows",
    "do_import_workbook",
    "do_publish_statistic",
    "do_return_statistic",
    "do_submit_statistic",
    "do_update_statistic",
    "full_snapshot",
    "workbook_rows",
]
