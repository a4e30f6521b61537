"""The register of key emitting units and what hangs on it.

- :class:`Enterprise` — the legal entity, named by its unified social credit code, in a
  jurisdiction, under one or more sector guidelines (:class:`EnterpriseSector`), with its
  :class:`Facility` rows, :class:`Contact` rows, a dated status history
  (:class:`StatusChange`, with successors for mergers and splits) and why it is covered.
- :class:`CoverageRule` — the coverage thresholds, as configuration the office edits.
- :class:`ScreeningRun` / :class:`ScreeningProposal` — units that crossed a threshold, proposed
  for the register; the office accepts or rejects each.
- :class:`VerifierOrganisation` with its :class:`Accreditation` (sector scopes, validity),
  :class:`VerifierStaff`, :class:`PerformanceEntry` and :class:`Sanction` rows.
- :class:`ComplianceCalendar` — a year's deadlines and reminder offsets.

Every model says how a role's scope reaches it (``scope_lookups``): a jurisdiction grant
reaches the enterprises of the jurisdiction's subtree, an ``enterprise`` grant its own
enterprise, a ``verifier_organisation`` grant its own organisation. Records are written only by
the services, each change audited.

One module per subject (:mod:`.register`, :mod:`.verifiers`, :mod:`.monitoring`,
:mod:`.reporting`, shared helpers in :mod:`._common`); every model is imported here, so the
app label and ``citycarbon.server.mrv.models.<Model>`` stay as they were.
"""

from __future__ import annotations

from citycarbon.server.mrv.models._common import FIGURE_DIGITS, validate_credit_code
from citycarbon.server.mrv.models.monitoring import (
    VALUE_MAX_LENGTH,
    ComplianceCalendar,
    EvidenceFile,
    IdempotencyRecord,
    LedgerEntry,
    LedgerFinding,
    LedgerMonth,
    MonitoringPlan,
)
from citycarbon.server.mrv.models.register import (
    Contact,
    CoverageRule,
    Enterprise,
    EnterpriseSector,
    Facility,
    ScreeningProposal,
    ScreeningRun,
    StatusChange,
)
from citycarbon.server.mrv.models.reporting import (
    AdvisoryRelation,
    AnnualReport,
    Disclosure,
    NonConformity,
    SignOff,
    VerificationAssignment,
    VerificationStep,
    VerifiedEmission,
)
from citycarbon.server.mrv.models.verifiers import (
    Accreditation,
    PerformanceEntry,
    Sanction,
    VerifierOrganisation,
    VerifierStaff,
)

__all__ = [
    "FIGURE_DIGITS",
    "VALUE_MAX_LENGTH",
    "Accreditation",
    "AdvisoryRelation",
    "AnnualReport",
    "ComplianceCalendar",
    "Contact",
    "CoverageRule",
    "Disclosure",
    "Enterprise",
    "EnterpriseSector",
    "EvidenceFile",
    "Facility",
    "IdempotencyRecord",
    "LedgerEntry",
    "LedgerFinding",
    "LedgerMonth",
    "MonitoringPlan",
    "NonConformity",
    "PerformanceEntry",
    "Sanction",
    "ScreeningProposal",
    "ScreeningRun",
    "SignOff",
    "StatusChange",
    "VerificationAssignment",
    "VerificationStep",
    "VerifiedEmission",
    "VerifierOrganisation",
    "VerifierStaff",
    "validate_credit_code",
]
