"""Factor pages: the sets, one set's rows (filtered, with sources and verification status),
one row across versions, editing a draft's rows, the lifecycle steps, comparing two versions,
and the Excel export of every table."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from citycarbon.server.common import services as common
from citycarbon.server.common.choices import LifecycleState
from citycarbon.server.common.errors import (
    ConflictError,
    DomainError,
    PermissionDeniedError,
    ValidationFailedError,
)
from citycarbon.server.common.excel import table_workbook, xlsx_response
from citycarbon.server.common.selectors import can, perm_for, require
from citycarbon.server.factors import selectors, services
from citycarbon.server.factors.choices import VerificationStatus
from citycarbon.server.factors.forms import (
    CompareForm,
    FactorRowForm,
    FactorSetForm,
    ReasonForm,
    RowFilterForm,
)
from citycarbon.server.factors.models import FactorRow, FactorSet
from citycarbon.server.geo import selectors as geo_selectors

ROWS_PER_PAGE = 100
#: Headers of a row table (the kernel's columns), for pages and exports alike.
ROW_HEADERS = (
    ("factor_id", "Factor id"),
    ("parameter", "Parameter"),
    ("subject", "Subject"),
    ("value", "Value"),
    ("unit", "Unit"),
    ("gas", "Gas"),
    ("kind", "Kind"),
    ("guideline", "Guideline set"),
    ("region", "Region"),
    ("year_from", "From year"),
    ("year_to", "To year"),
    ("source", "Source"),
    ("status", "Verification status"),
    ("note", "Note"),
    ("file", "File"),
)
STATUS_LABELS = dict(VerificationStatus.choices())


def _row_headers() -> list[str]:
    labels = {
        "factor_id": _("Factor id"),
        "parameter": _("Parameter"),
        "subject": _("Subject"),
        "value": _("Value"),
        "unit": _("Unit"),
        "gas": _("Gas"),
        "kind": _("Kind"),
        "guideline": _("Guideline set"),
        "region": _("Region"),
        "year_from": _("From year"),
        "year_to": _("To year"),
        "source": _("Source"),
        "status": _("Verification status"),
        "note": _("Note"),
        "file": _("File"),
    }
    return [str(labels[name]) for name, _english in ROW_HEADERS]


def _row_cells(row: FactorRow) -> list[Any]:
    return [getattr(row, name) for name, _english in ROW_HEADERS]


# --- the sets --------------------------------------------------------------------------------


def set_list(request: HttpRequest) -> HttpResponse:
    """Every visible set version, grouped by name, and the comparison form."""
    items = list(selectors.factor_sets(request.user))
    groups: dict[str, list[FactorSet]] = {}
    for item in items:
        groups.setdefault(item.name, []).append(item)
    compare = CompareForm(sets=items)
    if len(items) >= 2:
        compare.initial = {"old": str(items[1].pk), "new": str(items[0].pk)}
    can_add = any(
        can(request.user, perm_for(FactorSet, "add"), FactorSet(jurisdiction=root))
        for root in geo_selectors.roots()
    )
    return render(
        request,
        "factors/set_list.html",
        {"groups": groups, "compare_form": compare, "can_add": can_add},
    )


def set_list_export(request: HttpRequest) -> HttpResponse:
    headers = [
        _("Name"),
        _("Version"),
        _("State"),
        _("Title"),
        _("Jurisdiction"),
        _("Rows"),
        _("Library version"),
        _("Reason for correction"),
        _("Created"),
        _("Published"),
    ]
    rows = [
        [
            item.name,
            item.version,
            str(item.get_state_display()),
            item.title,
            item.jurisdiction.code,
            item.row_count,
            item.library_version,
            item.correction_reason,
            item.created_at,
            item.published_at,
        ]
        for item in selectors.factor_sets(request.user)
    ]
    content = table_workbook(str(_("Factor sets")), headers, rows, widths=[16, 8, 12, 40, 14, 8])
    return xlsx_response("factor-sets.xlsx", content)


@login_required
@require_http_methods(["GET", "POST"])
def set_new(request: HttpRequest) -> HttpResponse:
    """A new set for the jurisdiction the user administers (the city office)."""
    roots = [
        item
        for item in geo_selectors.roots()
        if can(request.user, perm_for(FactorSet, "add"), FactorSet(jurisdiction=item))
    ]
    if not roots:
        raise PermissionDeniedError(_("Factor sets are adopted by the city's climate office."))
    visible = list(selectors.factor_sets(request.user))
    form = FactorSetForm(request.POST or None, sets=visible)
    if request.method == "POST" and form.is_valid():
        try:
            source = form.cleaned_data["copy_from"]
            created = services.do_create_set(
                request.user,
                jurisdiction=roots[0],
                name=form.cleaned_data["name"],
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                copy_from=selectors.factor_set(request.user, int(source)) if source else None,
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
        else:
            messages.success(request, _("The factor set was created as a draft."))
            return redirect("factors:set_detail", created.pk)
    return render(request, "factors/set_new.html", {"form": form})


def _filter_form(request: HttpRequest, item: FactorSet) -> RowFilterForm:
    return RowFilterForm(request.GET or None, choices=selectors.row_choices(item))


def set_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One set version: facts, lifecycle, versions, and its rows filtered and paginated."""
    item = selectors.factor_set(request.user, pk)
    form = _filter_form(request, item)
    rows = selectors.rows_of(item, form.to_filter())
    page = Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    versions = list(selectors.versions_of(request.user, item))
    newer = next((v for v in versions if v.supersedes_id == item.pk), None)
    compare_query = ""
    if item.supersedes_id and any(v.pk == item.supersedes_id for v in versions):
        compare_query = f"old={item.supersedes_id}&new={item.pk}"
    elif newer is not None:
        compare_query = f"old={item.pk}&new={newer.pk}"
    return render(
        request,
        "factors/set_detail.html",
        {
            "item": item,
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "versions": versions,
            "compare_query": compare_query,
            "actions": selectors.lifecycle_actions(request.user, item),
            "reason_form": ReasonForm(),
            "statuses": STATUS_LABELS,
        },
    )


def set_rows_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The rows of a set as filtered on the page, as an Excel workbook."""
    item = selectors.factor_set(request.user, pk)
    form = _filter_form(request, item)
    rows = (_row_cells(row) for row in selectors.rows_of(item, form.to_filter()).iterator())
    content = table_workbook(
        f"{item.name} v{item.version}",
        _row_headers(),
        rows,
        widths=[30, 18, 22, 12, 14, 8, 12, 24, 8, 8, 8, 60, 10, 60, 20],
    )
    return xlsx_response(f"factors-{item.name}-v{item.version}.xlsx", content)


@login_required
@require_POST
def set_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """A lifecycle step on a set: submit, return, approve, publish, correct."""
    item = selectors.factor_set(request.user, pk)
    actor = request.user
    reason = ""
    if step in ("return", "correct"):
        form = ReasonForm(request.POST)
        if not form.is_valid():
            raise ValidationFailedError(_("Give a reason."), field="reason", value="")
        reason = form.cleaned_data["reason"]
    result = common.do_lifecycle_step(actor, item, step, reason)
    if step == "correct":
        messages.success(request, _("A new version was opened as a draft."))
    return redirect("factors:set_detail", result.pk)


# --- rows ------------------------------------------------------------------------------------


def row_detail(request: HttpRequest, pk: int, factor_id: str) -> HttpResponse:
    """One factor row with its source and note, and its value in every version of the set."""
    item = selectors.factor_set(request.user, pk)
    row = selectors.factor_row(item, factor_id)
    return render(
        request,
        "factors/row_detail.html",
        {
            "item": item,
            "row": row,
            "history": selectors.row_history(request.user, item, factor_id),
            "actions": selectors.lifecycle_actions(request.user, item),
            "status_label": STATUS_LABELS.get(row.status, row.status),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def row_edit(request: HttpRequest, pk: int, factor_id: str | None = None) -> HttpResponse:
    """Add a row to a draft set or change one (e.g. a local grid factor with its source)."""
    item = selectors.factor_set(request.user, pk)
    require(request.user, perm_for(FactorSet, "change"), item)
    if item.state != LifecycleState.DRAFT:
        raise ConflictError(
            _("Only a draft's rows can be changed; open a new version first."),
            field="state",
            value=item.state,
        )
    row = selectors.factor_row(item, factor_id) if factor_id is not None else None
    initial = row.as_data() if row is not None else {"guideline": "*", "region": "*"}
    form = FactorRowForm(request.POST or None, initial=initial)
    if row is not None:
        form.fields["factor_id"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if row is not None:
            data["factor_id"] = row.factor_id
            data["file"] = row.file
        try:
            saved = services.do_set_row(request.user, item, data)
        except DomainError as error:
            for record in error.errors or []:
                if record.field in form.fields:
                    form.add_error(record.field, str(record.message))
            if not error.errors:
                form.add_error(error.field if error.field in form.fields else None, str(error))
        else:
            messages.success(request, _("The factor row was saved."))
            return redirect("factors:row_detail", item.pk, saved.factor_id)
    return render(request, "factors/row_form.html", {"item": item, "row": row, "form": form})


@login_required
@require_POST
def row_remove(request: HttpRequest, pk: int, factor_id: str) -> HttpResponse:
    item = selectors.factor_set(request.user, pk)
    services.do_remove_row(request.user, item, factor_id)
    messages.success(request, _("The factor row was removed."))
    return redirect("factors:set_detail", item.pk)


# --- comparing versions --------------------------------------------------------------------


def _comparison(request: HttpRequest) -> tuple[CompareForm, selectors.Comparison | None]:
    visible = list(selectors.factor_sets(request.user))
    form = CompareForm(request.GET or None, sets=visible)
    old_id, new_id = request.GET.get("old"), request.GET.get("new")
    if not old_id or not new_id:
        return form, None
    # A set the user may not see is "not found", whichever field names it.
    old = selectors.factor_set(request.user, _id(old_id, "old"))
    new = selectors.factor_set(request.user, _id(new_id, "new"))
    return form, selectors.compare_sets(old, new)


def _id(text: str, field: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise ValidationFailedError(_("Expected a number."), field=field, value=text) from None


def compare(request: HttpRequest) -> HttpResponse:
    """Rows added, removed and changed between two versions, with old and new values."""
    form, result = _comparison(request)
    return render(
        request,
        "factors/compare.html",
        {"form": form, "result": result, "query": request.GET.urlencode()},
    )


def compare_export(request: HttpRequest) -> HttpResponse:
    _form, result = _comparison(request)
    if result is None:
        raise ValidationFailedError(
            _("Choose two versions to compare."), field="old", value=request.GET.get("old")
        )
    headers = [_("Factor id"), _("Change"), _("Column"), _("Old value"), _("New value")]
    labels = {"added": _("added"), "removed": _("removed"), "changed": _("changed")}
    rows: list[list[Any]] = []
    for change in result.changes:
        if change.change == "changed":
            for name, (old, new) in change.fields.items():
                rows.append([change.factor_id, str(labels["changed"]), name, old, new])
        else:
            row = change.new or change.old
            assert row is not None
            value = f"{row.value} {row.unit}"
            rows.append(
                [
                    change.factor_id,
                    str(labels[change.change]),
                    "value",
                    value if change.change == "removed" else None,
                    value if change.change == "added" else None,
                ]
            )
    content = table_workbook(str(_("Comparison")), headers, rows, widths=[34, 12, 14, 40, 40])
    name = (
        f"factors-{result.old.name}-v{result.old.version}-{result.new.name}-v{result.new.version}"
    )
    return xlsx_response(f"{name}.xlsx", content)
