"""``/api/mrv/`` — the enterprise register (enterprises, facilities, contacts, status, roles,
Excel import, what is due), coverage thresholds and screening, verifier organisations, the
compliance calendar, monitoring plans, ledgers and evidence, annual reports, verification,
disclosure and reconciliation. Signed-in callers only; each sees what its roles reach.

:mod:`._common` defines the :data:`router`; each endpoint module registers its operations on
it when imported: :mod:`.enterprises`, :mod:`.screening`, :mod:`.verifiers`,
:mod:`.calendar`, :mod:`.plans`, :mod:`.ledgers`, :mod:`.reports`, :mod:`.verification` and
:mod:`.disclosure` (imported below in that order, which is the order of the operations).
"""

from __future__ import annotations

# isort: off
from citycarbon.server.mrv.api import enterprises as enterprises
from citycarbon.server.mrv.api import screening as screening
from citycarbon.server.mrv.api import verifiers as verifiers
from citycarbon.server.mrv.api import calendar as calendar
from citycarbon.server.mrv.api import plans as plans
from citycarbon.server.mrv.api import ledgers as ledgers
from citycarbon.server.mrv.api import reports as reports
from citycarbon.server.mrv.api import verification as verification
from citycarbon.server.mrv.api import disclosure as disclosure

# isort: on
from citycarbon.server.mrv.api._common import router

__all__ = ["router"]
