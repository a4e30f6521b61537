"""Loading jurisdictions from a file — the only way they are written."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from citycarbon.server.common.errors import ErrorRecord, ValidationFailedError
from citycarbon.server.common.models import User
from citycarbon.server.common.selectors import perm_for, require
from citycarbon.server.common.services import record_event, snapshot
from citycarbon.server.geo.choices import GeoAction, JurisdictionKind
from citycarbon.server.geo.models import Jurisdiction

__all__ = [
    "COLUMNS",
    "LoadResult",
    "default_jurisdictions_file",
    "do_load_jurisdictions",
    "parse_jurisdictions",
]

#: The columns of a jurisdictions file (CSV, UTF-8, header row first).
COLUMNS = (
    "code",
    "division_code",
    "name_zh",
    "name_en",
    "kind",
    "parent",
    "tile_col",
    "tile_row",
    "sort_order",
)
REQUIRED = ("code", "name_zh", "kind")
_CODE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")
_DIVISION = re.compile(r"^[0-9]{0,12}$")


def default_jurisdictions_file() -> Path:
    """The shipped default: Zhengzhou and the 14 jurisdictions of the 12th-FYP annex."""
    return Path(str(resources.files("citycarbon.server.geo") / "data" / "zhengzhou.csv"))


@dataclass
class LoadResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def parse_jurisdictions(text: str) -> list[dict[str, str]]:
    """Rows of a jurisdictions CSV as dicts of stripped strings (row numbers count the header
    as line 1). A missing column refuses the whole file."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [name.strip() for name in reader.fieldnames or []]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise ValidationFailedError(
            _("The file lacks required columns."),
            field="columns",
            value=", ".join(missing),
            errors=[
                ErrorRecord(message=_("Missing column."), field=name, row=1) for name in missing
            ],
        )
    rows = []
    for raw in reader:
        rows.append({(k or "").strip(): (v or "").strip() for k, v in raw.items()})
    return rows


def _int_or_none(
    row: Mapping[str, str], name: str, line: int, errors: list[ErrorRecord]
) -> int | None:
    text = row.get(name, "")
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        errors.append(
            ErrorRecord(message=_("Expected a whole number."), field=name, value=text, row=line)
        )
        return None


def _validate(rows: Sequence[Mapping[str, str]]) -> tuple[list[dict[str, Any]], list[ErrorRecord]]:
    errors: list[ErrorRecord] = []
    clean: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    kinds = set(JurisdictionKind.values())
    for index, row in enumerate(rows):
        line = index + 2
        code = row.get("code", "")
        if not _CODE.match(code):
            errors.append(
                ErrorRecord(
                    message=_("A code is 1-32 lower-case letters, digits, hyphens or underscores."),
                    field="code",
                    value=code,
                    row=line,
                )
            )
        elif code in seen:
            errors.append(
                ErrorRecord(
                    message=_("This code appears twice (first on line %(line)d).")
                    % {"line": seen[code]},
                    field="code",
                    value=code,
                    row=line,
                )
            )
        else:
            seen[code] = line
        if not row.get("name_zh"):
            errors.append(
                ErrorRecord(message=_("A Chinese name is required."), field="name_zh", row=line)
            )
        if row.get("kind", "") not in kinds:
            errors.append(
                ErrorRecord(
                    message=_("Unknown kind; expected one of %(kinds)s.")
                    % {"kinds": ", ".join(sorted(kinds))},
                    field="kind",
                    value=row.get("kind", ""),
                    row=line,
                )
            )
        division = row.get("division_code", "")
        if not _DIVISION.match(division):
            errors.append(
                ErrorRecord(
                    message=_("A division code has up to 12 digits."),
                    field="division_code",
                    value=division,
                    row=line,
                )
            )
        sort_order = _int_or_none(row, "sort_order", line, errors)
        if sort_order is not None and sort_order < 0:
            errors.append(
                ErrorRecord(
                    message=_("Expected a number >= 0."),
                    field="sort_order",
                    value=sort_order,
                    row=line,
                )
            )
        clean.append(
            {
                "line": line,
                "code": code,
                "division_code": division,
                "name_zh": row.get("name_zh", "")[:100],
                "name_en": row.get("name_en", "")[:100],
                "kind": row.get("kind", ""),
                "parent": row.get("parent", ""),
                "tile_col": _int_or_none(row, "tile_col", line, errors),
                "tile_row": _int_or_none(row, "tile_row", line, errors),
                "sort_order": sort_order or 0,
            }
        )
    tiles: dict[tuple[str, int, int], str] = {}
    for row in clean:
        if (row["tile_col"] is None) != (row["tile_row"] is None):
            errors.append(
                ErrorRecord(
                    message=_("Give both the tile column and the tile row, or neither."),
                    field="tile_row" if row["tile_row"] is None else "tile_col",
                    value=None,
                    row=row["line"],
                )
            )
        elif row["tile_col"] is not None:
            key = (row["parent"], row["tile_col"], row["tile_row"])
            if key in tiles:
                errors.append(
                    ErrorRecord(
                        message=_("This tile is taken by %(code)s.") % {"code": tiles[key]},
                        field="tile_col",
                        value=f"{row['tile_col']},{row['tile_row']}",
                        row=row["line"],
                    )
                )
            else:
                tiles[key] = row["code"]
    # Parents: in the file or already stored; and no cycles in the tree that results.
    stored = dict(
        Jurisdiction.objects.values_list("code", "parent__code").exclude(code__in=list(seen))
    )
    parent_of: dict[str, str | None] = dict(stored.items())
    for row in clean:
        parent_of[row["code"]] = row["parent"] or None
    for row in clean:
        parent = row["parent"]
        if parent and parent not in parent_of:
            errors.append(
                ErrorRecord(
                    message=_("No such parent jurisdiction."),
                    field="parent",
                    value=parent,
                    row=row["line"],
                )
            )
            continue
        walked = {row["code"]}
        current = parent_of.get(row["code"])
        while current is not None:
            if current in walked:
                errors.append(
                    ErrorRecord(
                        message=_("The parents form a cycle."),
                        field="parent",
                        value=parent,
                        row=row["line"],
                    )
                )
                break
            walked.add(current)
            current = parent_of.get(current)
    return clean, errors


def _depth(code: str, parent_of: Mapping[str, str | None]) -> int:
    depth = 0
    current = parent_of.get(code)
    while current is not None and depth < 64:
        depth += 1
        current = parent_of.get(current)
    return depth


def do_load_jurisdictions(actor: User | None, rows: Sequence[Mapping[str, str]]) -> LoadResult:
    """Create or update the jurisdictions in ``rows`` (matched by code), parents first.

    All rows are checked before anything is written; one bad row refuses the file with every
    problem named (row, field, value). Jurisdictions not in the file are left as they are.
    Loading the same file again changes nothing and writes no audit events.
    """
    require(actor, perm_for(Jurisdiction, "add"))
    require(actor, perm_for(Jurisdiction, "change"))
    clean, errors = _validate(rows)
    if errors:
        first = errors[0]
        raise ValidationFailedError(
            _("The jurisdictions file has %(count)d problem(s).") % {"count": len(errors)},
            field=first.field,
            value=first.value,
            errors=errors,
        )
    parent_of = {row["code"]: row["parent"] or None for row in clean}
    ordered = sorted(clean, key=lambda row: _depth(row["code"], parent_of))
    result = LoadResult()
    with transaction.atomic():
        existing = {j.code: j for j in Jurisdiction.objects.select_for_update().order_by("pk")}
        for row in ordered:
            parent = existing.get(row["parent"]) if row["parent"] else None
            values = {
                "division_code": row["division_code"],
                "name_zh": row["name_zh"],
                "name_en": row["name_en"],
                "kind": row["kind"],
                "parent": parent,
                "tile_col": row["tile_col"],
                "tile_row": row["tile_row"],
                "sort_order": row["sort_order"],
            }
            found = existing.get(row["code"])
            if found is None:
                found = Jurisdiction.objects.create(code=row["code"], **values)
                existing[found.code] = found
                record_event(actor=actor, action=GeoAction.CREATE, obj=found, after=snapshot(found))
                result.created.append(found.code)
                continue
            before = snapshot(found)
            for name, value in values.items():
                setattr(found, name, value)
            after = snapshot(found)
            if before == after:
                result.unchanged.append(found.code)
                continue
            found.save()
            record_event(
                actor=actor, action=GeoAction.UPDATE, obj=found, before=before, after=after
            )
            result.updated.append(found.code)
    return result
