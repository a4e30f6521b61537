"""The MRV app's actions — the only code that writes the register, the screening, the
verifier list, the compliance calendar, plans, ledgers, reports, verification and disclosure.

- :mod:`._common` — shared helpers (refusals, cleaning, :func:`._common.latest_version`);
- :mod:`.enterprises` — the register: create, change, change status;
- :mod:`.facilities` — an enterprise's facilities, contacts and roles;
- :mod:`.imports` — the enterprise workbook import;
- :mod:`.screening` — coverage rules, screening runs and proposals;
- :mod:`.verifiers` — verifier organisations, accreditations, performance, sanctions, staff;
- :mod:`.calendar` — the compliance calendar;
- :mod:`.plans` — monitoring plans;
- :mod:`.ledgers` — monthly ledgers, findings and evidence;
- :mod:`.reports` — annual reports and sign-offs;
- :mod:`.verification` — assignment, steps, non-conformities, report, approval, spot checks;
- :mod:`.disclosure` — public disclosure.

Each ``do_*`` checks the permission first, checks every input (all problems of a batch at
once, named by row, field and value), locks what it changes, writes, and records its audit
event in the same transaction. Repeating an action changes nothing and writes no second event.
A refused action writes nothing. Import the actions from here
(``citycarbon.server.mrv.services``).
"""

from __future__ import annotations

from citycarbon.server.mrv.services._common import latest_version, require_newest
from citycarbon.server.mrv.services.calendar import CALENDAR_DATES, do_set_calendar
from citycarbon.server.mrv.services.disclosure import do_publish_disclosure
from citycarbon.server.mrv.services.enterprises import (
    ENTERPRISE_FIELDS,
    ENTERPRISE_ROLES,
    clean_enterprise,
    do_change_status,
    do_create_enterprise,
    do_update_enterprise,
    enterprise_snapshot,
)
from citycarbon.server.mrv.services.facilities import (
    do_add_contact,
    do_assign_enterprise_role,
    do_remove_contact,
    do_remove_facility,
    do_set_facility,
    do_update_contact,
)
from citycarbon.server.mrv.services.imports import ImportResult, do_import_enterprises
from citycarbon.server.mrv.services.ledgers import (
    body_digest,
    do_acknowledge_finding,
    do_import_ledger,
    do_push_ledger,
    do_submit_ledger,
    do_upload_evidence,
    evidence_limit,
)
from citycarbon.server.mrv.services.plans import (
    do_approve_plan,
    do_import_plan,
    do_return_plan,
    do_revise_plan,
    do_save_plan,
    do_submit_plan,
)
from citycarbon.server.mrv.services.reports import (
    do_build_report,
    do_correct_report,
    do_sign_off,
    do_submit_report,
    do_withdraw_sign_off,
)
from citycarbon.server.mrv.services.screening import (
    ScreeningRow,
    do_accept_proposal,
    do_import_screening,
    do_reject_proposal,
    do_run_screening,
    do_set_coverage_rule,
)
from citycarbon.server.mrv.services.verification import (
    assignment_refusals,
    do_add_advisory,
    do_approve_verification,
    do_assign_verifier,
    do_close_non_conformity,
    do_correct_non_conformity,
    do_draw_spot_checks,
    do_raise_non_conformity,
    do_verification_report,
    do_verification_step,
    max_consecutive_years,
    spot_check_tolerance,
    verifier_assignment,
)
from citycarbon.server.mrv.services.verifiers import (
    VERIFIER_FIELDS,
    do_add_accreditation,
    do_add_performance,
    do_add_sanction,
    do_add_staff,
    do_create_verifier,
    do_end_staff,
    do_update_verifier,
)

__all__ = [
    "CALENDAR_DATES",
    "ENTERPRISE_FIELDS",
    "ENTERPRISE_ROLES",
    "VERIFIER_FIELDS",
    "ImportResult",
    "ScreeningRow",
    "assignment_refusals",
    "body_digest",
    "clean_enterprise",
    "do_accept_proposal",
    "do_acknowledge_finding",
    "do_add_accreditation",
    "do_add_advisory",
    "do_add_contact",
    "do_add_performance",
    "do_add_sanction",
    "do_add_staff",
    "do_approve_plan",
    "do_approve_verification",
    "do_assign_enterprise_role",
    "do_assign_verifier",
    "do_build_report",
    "do_change_status",
    "do_close_non_conformity",
    "do_correct_non_conformity",
    "do_correct_report",
    "do_create_enterprise",
    "do_create_verifier",
    "do_draw_spot_checks",
    "do_end_staff",
    "do_import_enterprises",
    "do_import_ledger",
    "do_import_plan",
    "do_import_screening",
    "do_publish_disclosure",
    "do_push_ledger",
    "do_raise_non_conformity",
    "do_reject_proposal",
    "do_remove_contact",
    "do_remove_facility",
    "do_return_plan",
    "do_revise_plan",
    "do_run_screening",
    "do_save_plan",
    "do_set_calendar",
    "do_set_coverage_rule",
    "do_set_facility",
    "do_sign_off",
    "do_submit_ledger",
    "do_submit_plan",
    "do_submit_report",
    "do_update_contact",
    "do_update_enterprise",
    "do_update_verifier",
    "do_upload_evidence",
    "do_verification_report",
    "do_verification_step",
    "do_withdraw_sign_off",
    "enterprise_snapshot",
    "evidence_limit",
    "latest_version",
    "max_consecutive_years",
    "require_newest",
    "spot_check_tolerance",
    "verifier_assignment",
]
