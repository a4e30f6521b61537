"""The public disclosure and the reconciliation with the inventory."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from citycarbon.server.common.selectors import cached_for, perm_for, require
from citycarbon.server.inventory import selectors as inventory_selectors
from citycarbon.server.mrv import selectors
from citycarbon.server.mrv.models import (
    Disclosure,
    VerifiedEmission,
)
from citycarbon.server.mrv.views._common import _tabs

# --- disclosure and reconciliation ------------------------------------------------------------


def _year_param(request: HttpRequest) -> int | None:
    text = request.GET.get("year", "")
    return int(text) if text.isdigit() and 1990 <= int(text) <= 2200 else None


@login_required
def disclosure_list(request: HttpRequest) -> HttpResponse:
    """Published verified emissions per enterprise, with sector and trend (the public sees
    published figures only)."""
    require(request.user, perm_for(Disclosure, "view"))
    year = _year_param(request)
    return render(
        request,
        "mrv/disclosure_list.html",
        {
            "tabs": _tabs(request, "disclosure"),
            "year": year,
            "rows": selectors.disclosure_table(request.user, year),
        },
    )


@login_required
def reconciliation(request: HttpRequest) -> HttpResponse:
    """Enterprises' approved verified emissions by jurisdiction, inventory sector and
    category against the jurisdiction's inventory: coverage share, unexplained gaps
    highlighted. The body is cached for the visitor's scope until the MRV data, an inventory,
    a factor set or a jurisdiction changes."""
    user = request.user
    require(user, perm_for(VerifiedEmission, "view"))
    year = _year_param(request) or 2015
    code = request.GET.get("jurisdiction", "") or "zhengzhou"
    root = selectors.reconciliation_root(code)
    body = cached_for(
        user,
        "mrv.reconciliation",
        (root.code, year),
        ("mrv", *inventory_selectors.DOMAINS),
        lambda: render_to_string(
            "mrv/_reconciliation_body.html",
            {"places": selectors.reconciliation(user, root, year)},
        ),
    )
    return render(
        request,
        "mrv/reconciliation.html",
        {
            "tabs": _tabs(request, "reconciliation"),
            "year": year,
            "root": root,
            "body": mark_safe(body),  # rendered by Django's escaping templates, cached as text
        },
    )
