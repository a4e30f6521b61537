"""MRV pages: the enterprise register, screening, verifier organisations, the compliance
calendar, monitoring plans, monthly ledgers and evidence, annual reports, verification,
disclosure and reconciliation. Signed-in users only; each sees what its roles reach, and the
forms of a page are shown to those who may use them.

One module per subject: :mod:`.enterprises`, :mod:`.screening`, :mod:`.verifiers`,
:mod:`.calendar`, :mod:`.plans`, :mod:`.ledgers`, :mod:`.reports`, :mod:`.verification` and
:mod:`.disclosure`, with the shared helpers in :mod:`._common`; the URL conf reads the views
from here.
"""

from __future__ import annotations

from citycarbon.server.mrv.views._common import PAGE_SIZE
from citycarbon.server.mrv.views.calendar import calendar_detail, calendar_list
from citycarbon.server.mrv.views.disclosure import disclosure_list, reconciliation
from citycarbon.server.mrv.views.enterprises import (
    contact_add,
    contact_remove,
    enterprise_create,
    enterprise_detail,
    enterprise_edit,
    enterprise_export,
    enterprise_import,
    enterprise_list,
    enterprise_status,
    enterprise_template,
    facility_remove,
    facility_set,
    role_assign,
    role_revoke,
)
from citycarbon.server.mrv.views.ledgers import (
    evidence_download,
    evidence_list,
    finding_acknowledge,
    ledger_import,
    ledger_month,
    ledger_year,
)
from citycarbon.server.mrv.views.plans import (
    plan_detail,
    plan_edit,
    plan_list,
    plan_step,
    plan_workbook,
)
from citycarbon.server.mrv.views.reports import report_detail, report_document, report_step
from citycarbon.server.mrv.views.screening import (
    coverage_rule_set,
    proposal_decide,
    screening_detail,
    screening_list,
    screening_template,
)
from citycarbon.server.mrv.views.verification import (
    non_conformity_act,
    verification_act,
    verification_detail,
    verification_list,
    verification_office,
)
from citycarbon.server.mrv.views.verifiers import (
    staff_end,
    verifier_add,
    verifier_create,
    verifier_detail,
    verifier_edit,
    verifier_list,
)

__all__ = [
    "PAGE_SIZE",
    "calendar_detail",
    "calendar_list",
    "contact_add",
    "contact_remove",
    "coverage_rule_set",
    "disclosure_list",
    "enterprise_create",
    "enterprise_detail",
    "enterprise_edit",
    "enterprise_export",
    "enterprise_import",
    "enterprise_list",
    "enterprise_status",
    "enterprise_template",
    "evidence_download",
    "evidence_list",
    "facility_remove",
    "facility_set",
    "finding_acknowledge",
    "ledger_import",
    "ledger_month",
    "ledger_year",
    "non_conformity_act",
    "plan_detail",
    "plan_edit",
    "plan_list",
    "plan_step",
    "plan_workbook",
    "proposal_decide",
    "reconciliation",
    "report_detail",
    "report_document",
    "report_step",
    "role_assign",
    "role_revoke",
    "screening_detail",
    "screening_list",
    "screening_template",
    "staff_end",
    "verification_act",
    "verification_detail",
    "verification_list",
    "verification_office",
    "verifier_add",
    "verifier_create",
    "verifier_detail",
    "verifier_edit",
    "verifier_list",
]
