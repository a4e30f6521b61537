"""Checks on an inventory input form: its shape (the kernel's ``read_form``) and that it is
the jurisdiction-year it is stored as. Every problem names where it is and its value."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from citycarbon.inventory import InventoryError, InventoryRefusedError, read_form
from citycarbon.server.common.errors import ErrorRecord

__all__ = ["MAX_FORM_CHARS", "error_record", "form_errors"]

#: The largest input form accepted, in characters of its JSON text (a city with a full
#: energy balance and every category is about 100 000).
MAX_FORM_CHARS = 2_000_000


def error_record(error: InventoryError) -> ErrorRecord:
    """An engine error as the platform's error record: the place in ``field`` (``sheet S,
    row R, column C``), the row number where it is one."""
    where = error.where
    row = where.row if where is not None and isinstance(where.row, int) else None
    value = error.value
    if value is not None and not isinstance(value, (str, int, float, bool)):
        value = str(value)
    return ErrorRecord(
        message=error.message,
        field=where.describe() if where is not None else None,
        value=value,
        row=row,
    )


def form_errors(form: Any, year: int | None) -> list[ErrorRecord]:
    """Every structural problem of ``form``, and a year that contradicts ``year``."""
    if not isinstance(form, dict):
        return [ErrorRecord(message=_("The input form must be a mapping of sections."))]
    try:
        parsed = read_form(form)
    except InventoryRefusedError as refused:
        return [error_record(error) for error in refused.errors]
    except (TypeError, ValueError, AttributeError, KeyError) as exc:
        return [ErrorRecord(message=_("The input form cannot be read: %(error)s") % {"error": exc})]
    if year is not None and parsed.year is not None and parsed.year != year:
        return [
            ErrorRecord(
                message=_("The form is for %(form)d, the inventory for %(year)d.")
                % {"form": parsed.year, "year": year},
                field="inventory.year",
                value=parsed.year,
            )
        ]
    return []
