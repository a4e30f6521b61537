"""The MRV app's part of the home page: ``{% load mrv_home %}{% mrv_home_panel %}``.

The home page (``common/home.html``) has a slot the app fills when installed
(``mrv/_home_panel.html``), so the common app never imports this one: the user's tasks of the
compliance cycle (:mod:`citycarbon.server.mrv.selectors.tasks`) with a link to where each is
done, and, on the public layout, the way to the published emissions of the key enterprises.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from citycarbon.server.common.choices import localised
from citycarbon.server.common.selectors import grants_for, has_perm
from citycarbon.server.mrv.choices import MrvRole
from citycarbon.server.mrv.selectors.tasks import Task, my_tasks

register = template.Library()

_MRV_ROLES = frozenset(role.value for role in MrvRole)


def month_span(months: tuple[int, ...]) -> str:
    """Months as runs: (1, 2, 3, 5) → "1–3, 5" ("1–3、5" in Chinese)."""
    runs: list[list[int]] = []
    for month in sorted(months):
        if runs and month == runs[-1][-1] + 1:
            runs[-1].append(month)
        else:
            runs.append([month])
    parts = [f"{r[0]}–{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs]
    return localised("、", ", ").join(parts)


def _text(task: Task) -> str:
    """What to do, in the active language."""
    year = str(task.year)
    if task.kind == "acknowledge":
        return ngettext(
            "Acknowledge %(n)d warning of the ledger %(month)s",
            "Acknowledge %(n)d warnings of the ledger %(month)s",
            task.count,
        ) % {"n": task.count, "month": f"{task.year:04d}-{task.month or 0:02d}"}
    if task.kind == "ledger":
        return _("Submit the ledger of %(year)s, months %(months)s") % {
            "year": year,
            "months": month_span(task.months),
        }
    if task.kind in ("correct", "close"):
        template_text = {
            "correct": ngettext(
                "Correct %(n)d finding of the verification %(year)s",
                "Correct %(n)d findings of the verification %(year)s",
                task.count,
            ),
            "close": ngettext(
                "Close %(n)d corrected finding of the verification %(year)s",
                "Close %(n)d corrected findings of the verification %(year)s",
                task.count,
            ),
        }[task.kind]
        return template_text % {"n": task.count, "year": year}
    texts = {
        "plan": _("Enter the monitoring plan of %(year)s and submit it to the office"),
        "report_build": _("Build the annual report of %(year)s: the twelve months are submitted"),
        "report_sign_off": _("Sign off the annual report of %(year)s"),
        "report_submit": _("Submit the signed-off annual report of %(year)s"),
        "plan_approve": _("Approve the monitoring plan of %(year)s"),
        "assign": _("Assign a verifier organisation to the annual report of %(year)s"),
        "approve": _("Approve the verified figure of %(year)s"),
        "publish": _("Publish the verified figure of %(year)s"),
    }
    if task.kind == "verify":
        texts["verify"] = {
            "plan": _("Verification %(year)s: record the verification plan"),
            "document_review": _("Verification %(year)s: record the document review"),
            "site_visit": _("Verification %(year)s: record the site visit"),
            "report": _("Verification %(year)s: submit the verification report"),
        }[task.step]
    return texts[task.kind] % {"year": year}


def _url(task: Task) -> str:
    code, year = task.credit_code, task.year
    if task.kind == "acknowledge":
        return reverse("mrv:ledger_month", args=[code, year, task.month])
    if task.kind == "ledger":
        if len(task.months) == 1:
            return reverse("mrv:ledger_month", args=[code, year, task.months[0]])
        return reverse("mrv:ledger_year", args=[code, year])
    if task.kind in ("plan", "plan_approve"):
        return reverse("mrv:plan_detail", args=[code, year])
    if task.kind.startswith("report_"):
        return reverse("mrv:report_detail", args=[code, year])
    return reverse("mrv:verification_detail", args=[code, year])


def task_rows(user: Any, on: Any = None) -> list[dict[str, Any]]:
    """The user's tasks as the panel shows them: enterprise, what to do, where, when due."""
    return [
        {"task": task, "text": _text(task), "url": _url(task)}
        for task in my_tasks(user, on or timezone.localdate())
    ]


@register.inclusion_tag("mrv/_home_tasks.html", takes_context=True)
def mrv_home_panel(context: template.Context) -> dict[str, Any]:
    """``{% mrv_home_panel %}`` — the user's tasks (for the holders of an MRV role and the
    office), and on the public layout the link to the published emissions."""
    request = context.get("request")
    user = getattr(request, "user", None)
    held = {grant.role for grant in grants_for(user)}
    rows = task_rows(user) if user is not None and user.is_authenticated else []
    return {
        "rows": rows,
        "show_tasks": bool(rows) or bool(held & _MRV_ROLES),
        # The public layout's way to the published emissions (MRV accounts have their tasks
        # and the navigation entry instead).
        "show_disclosure": context.get("role") == "public"
        and not held & _MRV_ROLES
        and has_perm(user, "mrv.view_disclosure"),
    }
