"""The enterprise workbook import: every row checked before any is written; one bad row refuses
the file with every problem named by sheet, row, column and value."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from citycarbon.server.common import services as common
from citycarbon.server.common.errors import (
    ErrorRecord,
    PermissionDeniedError,
    ValidationFailedError,
)
from citycarbon.server.common.models import User
from citycarbon.server.common.selectors import can, perm_for, require
from citycarbon.server.mrv import selectors
from citycarbon.server.mrv.choices import (
    MrvAction,
)
from citycarbon.server.mrv.creditcode import credit_code_problem, normalise
from citycarbon.server.mrv.messages import credit_code_message
from citycarbon.server.mrv.models import (
    Enterprise,
)
from citycarbon.server.mrv.services._common import _refuse, _sector_spellings
from citycarbon.server.mrv.services.enterprises import (
    _contact_errors,
    _facility_errors,
    _jurisdiction_map,
    _write_enterprise,
    clean_enterprise,
)
from citycarbon.server.mrv.workbook import (
    ENTERPRISE_SHEETS,
    REQUIRED,
    SheetRow,
    parse_code_text,
    parse_date,
    parse_decimal,
    parse_sectors,
    parse_text,
    parse_year,
    read_sheets,
)

# --- importing the enterprise list ------------------------------------------------------------


@dataclass
class ImportResult:
    """What an import did: the enterprises registered (credit code, pk)."""

    created: list[tuple[str, int]] = field(default_factory=list)
    facilities: int = 0
    contacts: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "created": [{"credit_code": code, "id": pk} for code, pk in self.created],
            "facilities": self.facilities,
            "contacts": self.contacts,
        }


def _required(row: SheetRow, errors: list[ErrorRecord]) -> None:
    for column in REQUIRED[row.sheet]:
        value = row.get(column)
        if value is None or (isinstance(value, str) and not value.strip()):
            errors.append(row.cell(column).error(_("This column is required."), value))


def do_import_enterprises(actor: User | None, content: bytes, *, filename: str) -> ImportResult:
    """Register every enterprise of a workbook (the enterprise template), with its facilities
    and contacts: all of them or none. Every problem is named by sheet, row, column and value
    — a credit code repeated in the file or already in the register among them; rows outside
    the actor's jurisdictions refuse the file with 403."""
    require(actor, perm_for(Enterprise, "add"))
    sheets = read_sheets(content, ENTERPRISE_SHEETS, required_sheets=("enterprises",))
    errors: list[ErrorRecord] = []
    refusals: list[ErrorRecord] = []
    jurisdictions = _jurisdiction_map()
    rules = selectors.coverage_rules()
    spellings = _sector_spellings()
    planned: dict[str, tuple[dict[str, Any], date]] = {}
    first_row: dict[str, int] = {}
    for row in sheets["enterprises"]:
        problems: list[ErrorRecord] = []
        _required(row, problems)
        code = normalise(parse_code_text(row, "credit_code", problems))
        cell = row.cell("credit_code")
        if code:
            problem = credit_code_problem(code)
            if problem is not None:
                problems.append(cell.error(credit_code_message(problem), code))
            elif code in first_row:
                problems.append(
                    cell.error(
                        _("This credit code repeats row %(row)d.") % {"row": first_row[code]}, code
                    )
                )
            else:
                first_row[code] = row.number
        data = {
            "name_zh": parse_text(row.get("name_zh")),
            "name_en": parse_text(row.get("name_en")),
            "jurisdiction": parse_text(row.get("jurisdiction")),
            "sectors": parse_sectors(row.get("sectors"), row.cell("sectors"), problems, spellings),
            "coverage_reason": parse_text(row.get("coverage_reason")),
            "coverage_year": parse_year(
                row.get("coverage_year"), row.cell("coverage_year"), problems
            ),
            "coverage_energy_tce": parse_decimal(
                row.get("coverage_energy_tce"), row.cell("coverage_energy_tce"), problems
            ),
            "coverage_emissions_tco2e": parse_decimal(
                row.get("coverage_emissions_tco2e"), row.cell("coverage_emissions_tco2e"), problems
            ),
            "address": parse_text(row.get("address")),
            "note": parse_text(row.get("note")),
        }
        registered_on = parse_date(row.get("registered_on"), row.cell("registered_on"), problems)
        if registered_on is not None and registered_on > timezone.localdate():
            problems.append(
                row.cell("registered_on").error(
                    _("A registration cannot be dated in the future."), registered_on
                )
            )
        clean, more = clean_enterprise(
            data,
            jurisdictions=jurisdictions,
            rules=rules,
            creating=False,
            row=row.number,
            field_of={name: f"enterprises.{name}" for name in ENTERPRISE_SHEETS["enterprises"]},
        )
        # A cell refused while reading is named once (not again by the register's check).
        named = {problem.field for problem in problems}
        problems += [problem for problem in more if problem.field not in named]
        if not problems:
            clean["credit_code"] = code
            place = clean["jurisdiction"]
            if actor is not None and not can(
                actor, perm_for(Enterprise, "add"), Enterprise(jurisdiction=place)
            ):
                refusals.append(
                    row.cell("jurisdiction").error(
                        _("You may not register enterprises in this jurisdiction."), place.code
                    )
                )
            planned[code] = (clean, registered_on or timezone.localdate())
        errors += problems
    existing = set(
        Enterprise.objects.filter(credit_code__in=list(first_row)).values_list(
            "credit_code", flat=True
        )
    )
    for row in sheets["enterprises"]:
        code = normalise(parse_text(row.get("credit_code")))
        if code in existing and first_row.get(code) == row.number:
            errors.append(
                row.cell("credit_code").error(
                    _("An enterprise with this credit code is in the register already."), code
                )
            )
    children: dict[str, dict[str, list[dict[str, str]]]] = {
        code: {"facilities": [], "contacts": []} for code in first_row
    }
    facility_rows: dict[tuple[str, str], int] = {}
    for row in sheets["facilities"]:
        problems = []
        _required(row, problems)
        code = normalise(parse_code_text(row, "credit_code", problems))
        facility = parse_code_text(row, "code", problems)
        name_zh, name_en = parse_text(row.get("name_zh")), parse_text(row.get("name_en"))
        if not problems:
            problems += [
                row.cell(e.field or "code").error(e.message, e.value)
                for e in _facility_errors(facility, name_zh)
            ]
        if code and code not in first_row:
            problems.append(
                row.cell("credit_code").error(
                    _("No enterprise with this credit code in the enterprises sheet."), code
                )
            )
        elif (code, facility) in facility_rows:
            problems.append(
                row.cell("code").error(
                    _("This facility repeats row %(row)d.")
                    % {"row": facility_rows[(code, facility)]},
                    facility,
                )
            )
        if not problems:
            facility_rows[(code, facility)] = row.number
            children[code]["facilities"].append(
                {"code": facility, "name_zh": name_zh, "name_en": name_en}
            )
        errors += problems
    for row in sheets["contacts"]:
        problems = []
        _required(row, problems)
        code = normalise(parse_code_text(row, "credit_code", problems))
        data = {
            "function": parse_text(row.get("function")),
            "name": parse_text(row.get("name")),
            "phone": parse_code_text(row, "phone", problems),
            "email": parse_text(row.get("email")),
        }
        clean_contact, more = _contact_errors(data)
        if not problems:
            problems += [row.cell(e.field or "name").error(e.message, e.value) for e in more]
        if code and code not in first_row:
            problems.append(
                row.cell("credit_code").error(
                    _("No enterprise with this credit code in the enterprises sheet."), code
                )
            )
        if not problems:
            children[code]["contacts"].append(clean_contact)
        errors += problems
    if not sheets["enterprises"] and not errors:
        raise ValidationFailedError(_("There is nothing to import."), field="file", value=filename)
    if refusals:
        raise PermissionDeniedError(
            _("%(count)d row(s) are outside what you may change.") % {"count": len(refusals)},
            field=refusals[0].field,
            value=refusals[0].value,
            errors=refusals + errors,
        )
    if errors:
        errors.sort(
            key=lambda e: (
                list(ENTERPRISE_SHEETS).index(str(e.field).split(".")[0])
                if str(e.field).split(".")[0] in ENTERPRISE_SHEETS
                else 9,
                e.row or 0,
            )
        )
        raise _refuse(
            errors,
            _("%(count)d problem(s) in the import; nothing was written.") % {"count": len(errors)},
        )
    result = ImportResult()
    digest = hashlib.sha256(content).hexdigest()
    with transaction.atomic():
        for code, (clean, registered_on) in planned.items():
            item = _write_enterprise(
                actor,
                clean,
                registered_on=registered_on,
                facilities=children[code]["facilities"],
                contacts=children[code]["contacts"],
            )
            result.created.append((code, item.pk))
            result.facilities += len(children[code]["facilities"])
            result.contacts += len(children[code]["contacts"])
        common.record_event(
            actor=actor,
            action=MrvAction.ENTERPRISE_IMPORT,
            object_type="mrv.import",
            object_id=digest[:64],
            object_repr=filename[:200],
            after={
                "file": filename,
                "digest": digest,
                "enterprises": len(result.created),
                "facilities": result.facilities,
                "contacts": result.contacts,
            },
        )
    return result
