"""Verification pages: the list, one verification, the verifier's office, the steps and
non-conformities."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from citycarbon.server.common.errors import DomainError, NotFoundError, ValidationFailedError
from citycarbon.server.common.selectors import can, has_perm, perm_for, require
from citycarbon.server.mrv import selectors, services
from citycarbon.server.mrv.models import (
    Disclosure,
    NonConformity,
    VerificationAssignment,
)
from citycarbon.server.mrv.selectors.tasks import awaiting_assignment
from citycarbon.server.mrv.views._common import _tabs
from citycarbon.server.mrv.views.ledgers import _problems_of

# --- verification -----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def verification_list(request: HttpRequest) -> HttpResponse:
    """The verifications the user may see (a verifier: its organisation's); the office draws
    spot checks here."""
    user = request.user
    require(user, perm_for(VerificationAssignment, "view"))
    problems: list[dict[str, Any]] = []
    may_draw = has_perm(user, perm_for(VerificationAssignment, "add"))
    if request.method == "POST":
        require(user, perm_for(VerificationAssignment, "add"))
        try:
            year = int(request.POST.get("year", "0"))
            share = Decimal(request.POST.get("share", "0"))
            on = date.fromisoformat(request.POST["on"]) if request.POST.get("on") else None
        except (ValueError, ArithmeticError):
            problems = [
                {
                    "field": "share",
                    "value": "",
                    "message": _("Expected a year, a share and a day."),
                    "row": None,
                }
            ]
        else:
            try:
                made = services.do_draw_spot_checks(user, year, share, on=on)
            except DomainError as error:
                if error.status in (403, 404):
                    raise
                problems = _problems_of(error)
            else:
                messages.success(request, _("%(n)d spot check(s) drawn.") % {"n": len(made)})
                return redirect("mrv:verification_list")
    return render(
        request,
        "mrv/verification_list.html",
        {
            "tabs": _tabs(request, "verifications"),
            "items": selectors.verifications(user)[:500],
            "awaiting": awaiting_assignment(user),
            "may_draw": may_draw,
            "problems": problems,
        },
        status=400 if problems else 200,
    )


#: The workflow's steps in order, as the step indicator names them.
_WORKFLOW = (
    ("plan", gettext_lazy("Verification plan")),
    ("document_review", gettext_lazy("Document review")),
    ("site_visit", gettext_lazy("Site visit")),
    ("findings", gettext_lazy("Findings")),
    ("report", gettext_lazy("Verification report")),
    ("approval", gettext_lazy("Approval")),
    ("disclosure", gettext_lazy("Disclosure")),
)

#: How many steps each state has behind it (findings and the report: see ``_progress``).
_DONE_BY_STATE = {
    "assigned": 0,
    "planned": 1,
    "documents_reviewed": 2,
    "site_visited": 3,
    "reported": 5,
    "approved": 6,
}


def _progress(
    record: VerificationAssignment, findings: list[NonConformity], published: bool
) -> list[dict[str, Any]]:
    """The step indicator of one verification: each step of the workflow (plan → document
    review → site visit → findings → report → approval → disclosure; a spot check ends with
    its report) ``done``, ``current`` or ``todo``. After the site visit the findings are the
    current step while one is open, then the report."""
    steps = _WORKFLOW if record.kind == "primary" else _WORKFLOW[:5]
    done = _DONE_BY_STATE.get(record.state, 0) + (1 if published else 0)
    if record.state == "site_visited" and not any(f.closed_at is None for f in findings):
        done = 4
    return [
        {
            "key": key,
            "label": label,
            "state": "done" if n < done else "current" if n == done else "todo",
        }
        for n, (key, label) in enumerate(steps)
    ]


def _verification_context(
    request: HttpRequest, code: str, year: int, **extra: Any
) -> dict[str, Any]:
    user = request.user
    try:
        assignments = selectors.verification_of(user, code, year)
        item = assignments[0].enterprise
    except NotFoundError:
        item = selectors.enterprise(user, code)
        assignments = []
        if not can(
            user, perm_for(VerificationAssignment, "add"), VerificationAssignment(enterprise=item)
        ):
            raise
    blocks = []
    for record in assignments:
        findings = list(selectors.non_conformities_of(record))
        published = (
            record.kind == "primary"
            and record.state == "approved"
            and Disclosure.objects.filter(assignment=record, state="published").exists()
        )
        blocks.append(
            {
                "record": record,
                "steps": {s.step: s for s in selectors.steps_of(record)},
                "findings": findings,
                "progress": _progress(record, findings, published),
                "verified": list(selectors.verified_of(record)),
                "may_verify": can(user, "mrv.verify_verificationassignment", record),
                "may_correct": can(
                    user, perm_for(NonConformity, "correct"), NonConformity(assignment=record)
                ),
                "may_approve": record.kind == "primary"
                and record.state == "reported"
                and can(user, perm_for(VerificationAssignment, "approve"), record),
                "may_publish": record.kind == "primary"
                and record.state == "approved"
                and can(user, perm_for(Disclosure, "publish"), Disclosure(enterprise=item))
                and not published,
                "published": published,
            }
        )
    primary = next((a for a in assignments if a.kind == "primary"), None)
    may_assign = primary is None and can(
        user, perm_for(VerificationAssignment, "add"), VerificationAssignment(enterprise=item)
    )
    # The report being verified (a spot checker sees its own assignment's).
    shown = primary if primary is not None else next(iter(assignments), None)
    report_record = shown.report if shown is not None else None
    return {
        "tabs": _tabs(request, "verifications"),
        "item": item,
        "year": year,
        "blocks": blocks,
        "may_assign": may_assign,
        "organisations": selectors.verifier_organisations(user) if may_assign else [],
        "report": report_record,
        "sources": sorted((report_record.figures.get("by_source") or {}).items())
        if report_record is not None
        else [],
        "acknowledgements": list(selectors.acknowledgements_of(item, year)) if blocks else [],
        "today": timezone.localdate(),
        "problems": extra.get("problems", []),
    }


@login_required
def verification_detail(request: HttpRequest, code: str, year: str) -> HttpResponse:
    """One enterprise-year's verification (and spot check): assignment, steps, findings with
    corrections, the report with verified emissions by source and the opinion, the approval,
    and the acknowledged warnings of the ledger — with the forms of who may act."""
    context = _verification_context(request, code, int(year))
    return render(request, "mrv/verification_detail.html", context)


def _day(request: HttpRequest, name: str = "on") -> date | None:
    text = request.POST.get(name, "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationFailedError(
            _("Expected a date (YYYY-MM-DD)."), field=name, value=text
        ) from None


def _done_message(action: str, result: Any) -> str:
    """What the step did, in the active language (publishing: where the figure now is)."""
    if action == "assign":
        return _("%(name)s was assigned to verify the report.") % {"name": result.organisation.name}
    if action == "publish":
        return format_html(
            '{} <a href="{}">{}</a>',
            _("The verified figure is public now."),
            reverse("mrv:disclosure_list") + f"?year={result.year}",
            _("See it in the disclosure"),
        )
    return {
        "advisory": _("The advisory relation was recorded."),
        "plan": _("The verification plan was recorded."),
        "document_review": _("The document review was recorded."),
        "site_visit": _("The site visit was recorded."),
        "finding": _("The finding was raised: the enterprise corrects it next."),
        "correct": _("The correction was recorded: the verifier closes the finding next."),
        "close": _("The finding was closed."),
        "report": _("The verification report was recorded: the office approves the figure next."),
        "approve": _("The verified figure was approved: it can be published now."),
    }[action]


def _verification_done(
    request: HttpRequest, code: str, year: str, action: str, act: Callable[[], Any]
) -> HttpResponse:
    try:
        result = act()
    except DomainError as error:
        if error.status in (403, 404):
            raise
        context = _verification_context(request, code, int(year), problems=_problems_of(error))
        return render(request, "mrv/verification_detail.html", context, status=400)
    messages.success(request, _done_message(action, result))
    return redirect("mrv:verification_detail", code, year)


@login_required
@require_POST
def verification_office(request: HttpRequest, code: str, year: str, action: str) -> HttpResponse:
    """The office: assign a verifier (named or at random), approve the verified figure, or
    record an advisory relation."""
    user = request.user
    item = selectors.enterprise(user, code)

    if action in ("assign", "advisory"):
        require(
            user, perm_for(VerificationAssignment, "add"), VerificationAssignment(enterprise=item)
        )

    def act() -> Any:
        if action == "assign":
            chosen = request.POST.get("organisation", "")
            organisation = (
                None if chosen in ("", "random") else selectors.verifier_organisation(user, chosen)
            )
            return services.do_assign_verifier(
                user, item, int(year), organisation=organisation, on=_day(request)
            )
        if action == "advisory":
            organisation = selectors.verifier_organisation(
                user, request.POST.get("organisation", "")
            )
            try:
                from_year = int(request.POST.get("from_year", ""))
            except ValueError:
                raise ValidationFailedError(
                    _("Expected a year."), field="from_year", value=request.POST.get("from_year")
                ) from None
            return services.do_add_advisory(user, organisation, item, from_year=from_year)
        records = selectors.verification_of(user, code, int(year))
        primary = next((r for r in records if r.kind == "primary"), None)
        if primary is None:
            raise NotFoundError(_("No such verification."), field="kind", value="primary")
        if action == "publish":
            return services.do_publish_disclosure(user, primary)
        return services.do_approve_verification(user, primary, request.POST.get("note", ""))

    return _verification_done(request, code, year, action, act)


@login_required
@require_POST
def verification_act(
    request: HttpRequest, code: str, year: str, kind: str, action: str
) -> HttpResponse:
    """The assigned verifier: a step (plan, document review, site visit), a finding, or the
    report. Anyone else is refused and the attempt audited."""
    user = request.user
    record = services.verifier_assignment(
        user, code, int(year), kind, action, "mrv.verify_verificationassignment"
    )

    def act() -> Any:
        on = _day(request)
        if action in ("plan", "document_review", "site_visit"):
            return services.do_verification_step(
                user, record, action, on or timezone.localdate(), request.POST.get("note", "")
            )
        if action == "finding":
            return services.do_raise_non_conformity(
                user, record, request.POST.get("description", ""), on=on
            )
        emissions: dict[str, Decimal] = {}
        for key, value in request.POST.items():
            if key.startswith("emissions__") and value.strip():
                try:
                    emissions[key.removeprefix("emissions__")] = Decimal(value.strip())
                except ArithmeticError:
                    raise ValidationFailedError(
                        _("Expected a number."), field=key, value=value
                    ) from None
        return services.do_verification_report(
            user, record, emissions, request.POST.get("opinion", ""),
            request.POST.get("text", ""), on=on,
        )  # fmt: skip

    return _verification_done(request, code, year, action, act)


@login_required
@require_POST
def non_conformity_act(
    request: HttpRequest, code: str, year: str, kind: str, pk: str, action: str
) -> HttpResponse:
    """The enterprise corrects a finding; the assigned verifier closes it."""
    user = request.user
    record: VerificationAssignment | None
    if action == "close":
        record = services.verifier_assignment(
            user, code, int(year), kind, "close_non_conformity", "mrv.verify_verificationassignment"
        )
    else:
        records = selectors.verification_of(user, code, int(year))
        record = next((r for r in records if r.kind == kind), None)
        if record is None:
            raise NotFoundError(_("No such verification."), field="kind", value=kind)
    found = selectors.non_conformities_of(record).filter(pk=int(pk)).first()
    if found is None:
        raise NotFoundError(_("No such finding."), field="finding_id", value=pk)

    def act() -> Any:
        if action == "close":
            return services.do_close_non_conformity(user, record, found, on=_day(request))
        return services.do_correct_non_conformity(
            user, found, request.POST.get("correction", ""), on=_day(request)
        )

    return _verification_done(request, code, year, action, act)
