"""Public disclosure of an approved verification."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from citycarbon.server.common import services as common
from citycarbon.server.common.choices import LifecycleState
from citycarbon.server.common.errors import (
    InvalidTransitionError,
)
from citycarbon.server.common.models import User
from citycarbon.server.common.selectors import perm_for, require
from citycarbon.server.mrv.choices import (
    AssignmentKind,
    MrvAction,
    VerificationState,
)
from citycarbon.server.mrv.models import (
    Disclosure,
    VerificationAssignment,
)

# --- disclosure -------------------------------------------------------------------------------


def do_publish_disclosure(actor: User | None, record: VerificationAssignment) -> Disclosure:
    """Publish the approved verified emissions of an enterprise's year (the office): a
    disclosure with the figure and the enterprise's sector guideline, which the public role
    then sees. Idempotent."""
    probe = Disclosure(enterprise=record.enterprise)
    require(actor, perm_for(Disclosure, "publish"), probe)
    if record.kind != AssignmentKind.PRIMARY or record.state != VerificationState.APPROVED:
        raise InvalidTransitionError(
            _("Only approved verified emissions are published."),
            field="state",
            value=record.state,
        )
    with transaction.atomic():
        existing = Disclosure.objects.filter(assignment=record).order_by("-version").first()
        if existing is not None and existing.state == LifecycleState.PUBLISHED:
            return existing
        if existing is None:
            sectors = sorted(s.sector for s in record.enterprise.sectors.all())
            existing = Disclosure.objects.create(
                enterprise=record.enterprise, year=record.year, assignment=record,
                sector=record.report.sector or (sectors[0] if sectors else ""),
                tco2e=record.approved_tco2e, state=LifecycleState.APPROVED,
                created_by=actor, approved_at=record.approved_at, approved_by=record.approved_by,
            )  # fmt: skip
        published = common.do_publish(actor, existing)
        common.record_event(
            actor=actor,
            action=MrvAction.DISCLOSURE_PUBLISH,
            obj=published,
            after={"tco2e": str(published.tco2e), "year": published.year},
        )
    return published
