"""Fixed vocabularies of the MRV app."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from citycarbon.server.common.choices import Choices

__all__ = [
    "AssignmentKind",
    "AssignmentMethod",
    "ContactFunction",
    "CoverageReason",
    "Decision",
    "EnterpriseStatus",
    "LedgerState",
    "MrvAction",
    "MrvRole",
    "MrvScopeKind",
    "ObligationKind",
    "Opinion",
    "PerformanceKind",
    "SanctionKind",
    "Standing",
    "VerificationState",
    "VerificationStepKind",
]


class MrvRole(Choices):
    """The roles the MRV app registers (``common.roles``)."""

    ENTERPRISE_REPORTER = "enterprise_reporter", _("Enterprise reporter")
    ENTERPRISE_RESPONSIBLE = "enterprise_responsible", _("Enterprise responsible person")
    VERIFIER = "verifier", _("Verifier")


class MrvScopeKind(Choices):
    """The scope kinds the MRV app registers: one enterprise, one verifier organisation."""

    ENTERPRISE = "enterprise", _("Enterprise")
    VERIFIER_ORGANISATION = "verifier_organisation", _("Verifier organisation")


class EnterpriseStatus(Choices):
    """Where a key emitting unit stands; a dated history keeps every change."""

    ACTIVE = "active", _("Active")
    MERGED = "merged", _("Merged into another")
    SPLIT = "split", _("Split")
    CLOSED = "closed", _("Closed")


class CoverageReason(Choices):
    """Why an enterprise is in the register."""

    ENERGY = "energy", _("Energy use at or above the threshold")
    EMISSIONS = "emissions", _("Emissions at or above the threshold")
    BOTH = "both", _("Energy use and emissions at or above the thresholds")
    DESIGNATED = "designated", _("Designated by the city office")


class ContactFunction(Choices):
    LEGAL_REPRESENTATIVE = "legal_representative", _("Legal representative")
    ENERGY_MANAGER = "energy_manager", _("Energy manager")
    CARBON_MANAGER = "carbon_manager", _("Carbon (reporting) manager")
    OTHER = "other", _("Other contact")


class Decision(Choices):
    """What the office decided on a screening proposal."""

    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class PerformanceKind(Choices):
    """Entries of a verifier organisation's performance record."""

    OVERTURNED_FINDING = "overturned_finding", _("Finding overturned by a spot check")
    LATE_REPORT = "late_report", _("Verification report late")
    OTHER = "other", _("Other")


class SanctionKind(Choices):
    WARNING = "warning", _("Warning")
    SUSPENSION = "suspension", _("Suspension")
    REMOVAL = "removal", _("Removal from the list")


class ObligationKind(Choices):
    """The deadlines of a compliance year, in the order they fall."""

    MONITORING_PLAN = "monitoring_plan", _("Monitoring plan")
    LEDGER = "ledger", _("Monthly ledger")
    ANNUAL_REPORT = "annual_report", _("Annual emission report")
    VERIFICATION = "verification", _("Verification")
    APPROVAL = "approval", _("Approval of the verified emissions")


class LedgerState(Choices):
    """Where a submitted ledger month stands."""

    PENDING = "pending", _("Warnings to acknowledge")
    SUBMITTED = "submitted", _("Submitted")


class AssignmentKind(Choices):
    PRIMARY = "primary", _("Verification")
    SPOT_CHECK = "spot_check", _("Spot check")


class AssignmentMethod(Choices):
    MANUAL = "manual", _("Chosen by the office")
    RANDOM = "random", _("Drawn at random")


class VerificationState(Choices):
    """Where a verification stands, in the order of the workflow."""

    ASSIGNED = "assigned", _("Assigned")
    PLANNED = "planned", _("Verification plan made")
    DOCUMENTS_REVIEWED = "documents_reviewed", _("Documents reviewed")
    SITE_VISITED = "site_visited", _("Site visited")
    REPORTED = "reported", _("Verification report submitted")
    APPROVED = "approved", _("Verified emissions approved")


class VerificationStepKind(Choices):
    PLAN = "plan", _("Verification plan")
    DOCUMENT_REVIEW = "document_review", _("Document review")
    SITE_VISIT = "site_visit", _("Site visit")


class Opinion(Choices):
    POSITIVE = "positive", _("Positive: fairly stated")
    QUALIFIED = "qualified", _("Qualified")
    ADVERSE = "adverse", _("Adverse")


class Standing(Choices):
    """Where a deadline stands on a day."""

    DONE = "done", _("Done")
    OVERDUE = "overdue", _("Overdue")
    DUE_SOON = "due_soon", _("Due soon")
    UPCOMING = "upcoming", _("Upcoming")
    NOT_REQUIRED = "not_required", _("Not required")


class MrvAction(Choices):
    """Audit actions of the MRV app."""

    ENTERPRISE_CREATE = "mrv.create_enterprise", _("Enterprise registered")
    ENTERPRISE_UPDATE = "mrv.update_enterprise", _("Enterprise changed")
    ENTERPRISE_STATUS = "mrv.change_status", _("Enterprise status changed")
    ENTERPRISE_IMPORT = "mrv.import_enterprises", _("Enterprises imported")
    FACILITY_SET = "mrv.set_facility", _("Facility set")
    FACILITY_REMOVE = "mrv.remove_facility", _("Facility removed")
    CONTACT_SET = "mrv.set_contact", _("Contact set")
    CONTACT_REMOVE = "mrv.remove_contact", _("Contact removed")
    COVERAGE_RULE_SET = "mrv.set_coverage_rule", _("Coverage thresholds set")
    SCREENING_RUN = "mrv.run_screening", _("Screening run")
    PROPOSAL_ACCEPT = "mrv.accept_proposal", _("Screening proposal accepted")
    PROPOSAL_REJECT = "mrv.reject_proposal", _("Screening proposal rejected")
    VERIFIER_CREATE = "mrv.create_verifier", _("Verifier organisation registered")
    VERIFIER_UPDATE = "mrv.update_verifier", _("Verifier organisation changed")
    ACCREDITATION_ADD = "mrv.add_accreditation", _("Accreditation recorded")
    STAFF_ADD = "mrv.add_staff", _("Verifier staff added")
    STAFF_END = "mrv.end_staff", _("Verifier staff left")
    PERFORMANCE_ADD = "mrv.add_performance", _("Performance entry recorded")
    SANCTION_ADD = "mrv.add_sanction", _("Sanction imposed")
    CALENDAR_SET = "mrv.set_calendar", _("Compliance calendar set")
    PLAN_IMPORT = "mrv.import_plan", _("Monitoring plan imported from a workbook")
    PLAN_REVISE = "mrv.revise_plan", _("New version of a monitoring plan opened")
    LEDGER_SUBMIT = "mrv.submit_ledger", _("Monthly ledger submitted")
    FINDING_ACKNOWLEDGE = "mrv.acknowledge_finding", _("Warning acknowledged")
    EVIDENCE_UPLOAD = "mrv.upload_evidence", _("Evidence uploaded")
    REPORT_BUILD = "mrv.build_report", _("Annual report built")
    REPORT_SIGN_OFF = "mrv.sign_off_report", _("Annual report signed off")
    REPORT_WITHDRAW = "mrv.withdraw_sign_off", _("Sign-off withdrawn")
    REPORT_CORRECT = "mrv.correct_report", _("Correction of an annual report opened")
    ADVISORY_ADD = "mrv.add_advisory", _("Advisory relation recorded")
    VERIFICATION_ASSIGN = "mrv.assign_verifier", _("Verifier assigned")
    VERIFICATION_STEP = "mrv.verification_step", _("Verification step recorded")
    NON_CONFORMITY_RAISE = "mrv.raise_non_conformity", _("Non-conformity raised")
    NON_CONFORMITY_CORRECT = "mrv.correct_non_conformity", _("Non-conformity corrected")
    NON_CONFORMITY_CLOSE = "mrv.close_non_conformity", _("Non-conformity closed")
    VERIFICATION_REPORT = "mrv.verification_report", _("Verification report submitted")
    VERIFICATION_APPROVE = "mrv.approve_verification", _("Verified emissions approved")
    SPOT_CHECKS = "mrv.spot_checks", _("Spot checks drawn")
    VERIFICATION_REFUSED = "mrv.verification_refused", _("Verification action refused")
    #: Any other refused attempt worth keeping (``common.refusals``): a ledger or evidence
    #: refused, a report submitted without its sign-off, another enterprise's data.
    REFUSED = "mrv.refused", _("Attempt refused")
    DISCLOSURE_PUBLISH = "mrv.publish_disclosure", _("Verified emissions published")
