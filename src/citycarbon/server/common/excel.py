"""Tables to Excel: every list in the pages exports through :func:`table_workbook`."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

__all__ = ["XLSX_CONTENT_TYPE", "table_workbook", "xlsx_response"]

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _cell_value(value: Any) -> Any:
    if isinstance(value, datetime):
        # Excel has no time zones: write the local wall-clock time of the deployment.
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, (dict, list)):
        import json

        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return value


def table_workbook(
    title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]], widths: Sequence[int] = ()
) -> bytes:
    """One sheet: a bold header row, then the rows (streamed, so large tables stay small)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31])
    for index, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=str(header))
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    sheet.freeze_panes = "A2"
    for row in rows:
        sheet.append([_cell_value(value) for value in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xlsx_response(filename: str, content: bytes) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
