"""Coverage rules, screening runs (computed or imported) and their proposals (accept, reject)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from citycarbon.server.common import services as common
from citycarbon.server.common.errors import (
    ErrorRecord,
    InvalidTransitionError,
    PermissionDeniedError,
    ValidationFailedError,
)
from citycarbon.server.common.models import User
from citycarbon.server.common.selectors import can, perm_for, require
from citycarbon.server.geo.models import Jurisdiction
from citycarbon.server.mrv import selectors
from citycarbon.server.mrv.choices import (
    Decision,
    MrvAction,
)
from citycarbon.server.mrv.coverage import YearFigures, crossings
from citycarbon.server.mrv.creditcode import credit_code_problem, normalise
from citycarbon.server.mrv.messages import credit_code_message
from citycarbon.server.mrv.models import (
    CoverageRule,
    Enterprise,
    ScreeningProposal,
    ScreeningRun,
)
from citycarbon.server.mrv.services._common import _decimal, _refuse, _sector_spellings
from citycarbon.server.mrv.services.enterprises import _jurisdiction_map, do_create_enterprise
from citycarbon.server.mrv.services.imports import _required
from citycarbon.server.mrv.workbook import (
    SCREENING_SHEETS,
    parse_code_text,
    parse_decimal,
    parse_sectors,
    parse_text,
    parse_year,
    read_sheets,
)

# --- coverage thresholds ----------------------------------------------------------------------


def do_set_coverage_rule(
    actor: User | None,
    *,
    valid_from_year: int,
    energy_tce: Any,
    emissions_tco2e: Any,
    note: str = "",
) -> CoverageRule:
    """Set the thresholds valid from a year (until the next rule): a new rule, or a change of
    the rule of that year. Setting it as it is changes nothing."""
    require(actor, perm_for(CoverageRule, "change"))
    errors: list[ErrorRecord] = []
    if isinstance(valid_from_year, bool) or not 1990 <= valid_from_year <= 2200:
        errors.append(
            ErrorRecord(
                _("Expected a year between 1990 and 2200."),
                field="valid_from_year",
                value=valid_from_year,
            )
        )
    energy = _decimal(energy_tce, "energy_tce", errors)
    emissions = _decimal(emissions_tco2e, "emissions_tco2e", errors)
    for name, value in (("energy_tce", energy), ("emissions_tco2e", emissions)):
        if value is None and not any(e.field == name for e in errors):
            errors.append(ErrorRecord(_("A threshold is required."), field=name, value=None))
    note = note.strip()
    if len(note) > 500:
        errors.append(
            ErrorRecord(
                _("At most %(limit)d characters.") % {"limit": 500}, field="note", value=note[:40]
            )
        )
    if errors:
        raise _refuse(errors)
    with transaction.atomic():
        found = (
            CoverageRule.objects.select_for_update().filter(valid_from_year=valid_from_year).first()
        )
        if found is None:
            rule = CoverageRule.objects.create(
                valid_from_year=valid_from_year,
                energy_tce=energy,
                emissions_tco2e=emissions,
                note=note,
                updated_by=actor,
            )
            common.record_event(
                actor=actor,
                action=MrvAction.COVERAGE_RULE_SET,
                obj=rule,
                after=common.snapshot(rule),
            )
            return rule
        if (found.energy_tce, found.emissions_tco2e, found.note) == (energy, emissions, note):
            return found
        before = common.snapshot(found)
        found.energy_tce, found.emissions_tco2e, found.note = energy, emissions, note
        found.updated_at, found.updated_by = timezone.now(), actor
        found.save()
        common.record_event(
            actor=actor,
            action=MrvAction.COVERAGE_RULE_SET,
            obj=found,
            before=before,
            after=common.snapshot(found),
        )
    return found


# --- screening --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScreeningRow:
    """One enterprise-year of figures to screen; ``field`` names its columns in errors
    (``figures.energy_tce`` for a workbook, ``items.energy_tce`` for the API) and ``row`` its
    row or item number."""

    credit_code: str
    name_zh: str
    jurisdiction: str
    sectors: tuple[str, ...]
    year: int
    energy_tce: Decimal | None
    emissions_tco2e: Decimal | None
    row: int
    prefix: str = "items"

    def error(self, column: str, message: Any, value: Any) -> ErrorRecord:
        return ErrorRecord(
            message=str(message), field=f"{self.prefix}.{column}", value=value, row=self.row
        )


def _screening_root(actor: User | None) -> Jurisdiction:
    """The city whose register the screening is for (the top jurisdiction the actor may run
    screenings in)."""
    for root in Jurisdiction.objects.filter(parent__isnull=True).order_by("sort_order", "code"):
        if actor is None or can(
            actor, perm_for(ScreeningRun, "add"), ScreeningRun(jurisdiction=root)
        ):
            return root
    raise PermissionDeniedError()


def do_run_screening(
    actor: User | None, rows: Sequence[ScreeningRow], *, source: str, digest: str = ""
) -> ScreeningRun:
    """Screen annual figures against the coverage rules in force: each enterprise (by credit
    code) that reached a threshold in a year and is not in the register becomes a proposal,
    with the first year and figure that crossed. All rows are checked first; any problem
    refuses the run and nothing is written."""
    require(actor, perm_for(ScreeningRun, "add"))
    root = _screening_root(actor)
    if not rows:
        raise ValidationFailedError(_("There is nothing to screen."), field="items", value=0)
    jurisdictions = _jurisdiction_map()
    known_sectors = _sector_spellings()
    errors: list[ErrorRecord] = []
    by_code: dict[str, list[ScreeningRow]] = {}
    seen: dict[tuple[str, int], int] = {}
    for item in rows:
        problem = credit_code_problem(item.credit_code)
        if problem is not None:
            errors.append(item.error("credit_code", credit_code_message(problem), item.credit_code))
            continue
        if not item.name_zh:
            errors.append(item.error("name_zh", _("A Chinese name is required."), item.name_zh))
        place = jurisdictions.get(item.jurisdiction)
        if place is None:
            errors.append(item.error("jurisdiction", _("Unknown jurisdiction."), item.jurisdiction))
        for sector in item.sectors:
            if sector not in known_sectors:
                errors.append(item.error("sectors", _("Unknown sector guideline."), sector))
        if not 1990 <= item.year <= 2200:
            errors.append(
                item.error("year", _("Expected a year between 1990 and 2200."), item.year)
            )
        item = replace(
            item,
            energy_tce=_decimal(item.energy_tce, f"{item.prefix}.energy_tce", errors, item.row),
            emissions_tco2e=_decimal(
                item.emissions_tco2e, f"{item.prefix}.emissions_tco2e", errors, item.row
            ),
        )
        if item.energy_tce is None and item.emissions_tco2e is None:
            errors.append(
                item.error("energy_tce", _("Give the energy use, the emissions or both."), None)
            )
        key = (item.credit_code, item.year)
        if key in seen:
            errors.append(
                item.error(
                    "year",
                    _("This enterprise and year repeat row %(row)d.") % {"row": seen[key]},
                    item.year,
                )
            )
        else:
            seen[key] = item.row
        first = by_code.setdefault(item.credit_code, [item])[0]
        if first is not item:
            by_code[item.credit_code].append(item)
            if first.jurisdiction != item.jurisdiction:
                errors.append(
                    item.error(
                        "jurisdiction",
                        _("Row %(row)d gives this enterprise another jurisdiction.")
                        % {"row": first.row},
                        item.jurisdiction,
                    )
                )
    if errors:
        errors.sort(key=lambda e: e.row or 0)
        raise _refuse(
            errors,
            _("%(count)d problem(s) in the figures; nothing was written.") % {"count": len(errors)},
        )
    rules = selectors.coverage_rules()
    registered = set(
        Enterprise.objects.filter(credit_code__in=list(by_code)).values_list(
            "credit_code", flat=True
        )
    )
    with transaction.atomic():
        run = ScreeningRun.objects.create(
            jurisdiction=root,
            source=source[:200],
            digest=digest[:64],
            rules=selectors.rules_data(rules),
            units=len(by_code),
            created_by=actor,
        )
        proposals: list[ScreeningProposal] = []
        below = 0
        for code, items in sorted(by_code.items()):
            if code in registered:
                continue
            figures = [YearFigures(i.year, i.energy_tce, i.emissions_tco2e) for i in items]
            found = crossings(figures, rules)
            if not found:
                below += 1
                continue
            first_crossing = found[0]
            crossed_years = {c.year for c in found}
            sectors = sorted({s for i in items for s in (known_sectors[x] for x in i.sectors)})
            proposals.append(
                ScreeningProposal(
                    run=run,
                    credit_code=code,
                    name_zh=items[0].name_zh[:200],
                    jurisdiction=jurisdictions[items[0].jurisdiction],
                    sectors=sectors,
                    coverage_reason=first_crossing.reason,
                    coverage_year=first_crossing.year,
                    coverage_energy_tce=first_crossing.figures.energy_tce,
                    coverage_emissions_tco2e=first_crossing.figures.emissions_tco2e,
                    figures=[
                        {
                            "year": f.year,
                            "energy_tce": selectors.decimal_or_none(f.energy_tce),
                            "emissions_tco2e": selectors.decimal_or_none(f.emissions_tco2e),
                            "crossed": f.year in crossed_years,
                        }
                        for f in sorted(figures, key=lambda f: f.year)
                    ],
                )
            )
        ScreeningProposal.objects.bulk_create(proposals)
        run.below = below
        run.already_registered = len(registered)
        run.save(update_fields=["below", "already_registered"])
        after = common.snapshot(run)
        after["proposals"] = [p.credit_code for p in proposals]
        common.record_event(actor=actor, action=MrvAction.SCREENING_RUN, obj=run, after=after)
    return run


def do_import_screening(actor: User | None, content: bytes, *, filename: str) -> ScreeningRun:
    """Screen the figures of a workbook (the screening template)."""
    require(actor, perm_for(ScreeningRun, "add"))
    sheets = read_sheets(content, SCREENING_SHEETS, required_sheets=("figures",))
    errors: list[ErrorRecord] = []
    rows: list[ScreeningRow] = []
    spellings = _sector_spellings()
    for row in sheets["figures"]:
        problems: list[ErrorRecord] = []
        _required(row, problems)
        code = normalise(parse_code_text(row, "credit_code", problems))
        sectors = parse_sectors(row.get("sectors"), row.cell("sectors"), problems, spellings)
        year = parse_year(row.get("year"), row.cell("year"), problems)
        energy = parse_decimal(row.get("energy_tce"), row.cell("energy_tce"), problems)
        emissions = parse_decimal(row.get("emissions_tco2e"), row.cell("emissions_tco2e"), problems)
        errors += problems
        if not problems and year is not None:
            rows.append(
                ScreeningRow(
                    credit_code=code,
                    name_zh=parse_text(row.get("name_zh")),
                    jurisdiction=parse_text(row.get("jurisdiction")),
                    sectors=tuple(sectors),
                    year=year,
                    energy_tce=energy,
                    emissions_tco2e=emissions,
                    row=row.number,
                    prefix="figures",
                )
            )
    if errors:
        raise _refuse(
            errors,
            _("%(count)d problem(s) in the figures; nothing was written.") % {"count": len(errors)},
        )
    if not rows:
        raise ValidationFailedError(_("There is nothing to screen."), field="file", value=filename)
    return do_run_screening(
        actor, rows, source=filename, digest=hashlib.sha256(content).hexdigest()
    )


def _lock_proposal(actor: User | None, proposal: ScreeningProposal) -> ScreeningProposal:
    require(actor, perm_for(ScreeningProposal, "decide"), proposal)
    locked = (
        ScreeningProposal.objects.select_for_update()
        .select_related("run", "jurisdiction")
        .get(pk=proposal.pk)
    )
    require(actor, perm_for(ScreeningProposal, "decide"), locked)
    return locked


def do_accept_proposal(
    actor: User | None,
    proposal: ScreeningProposal,
    *,
    sectors: Sequence[str] = (),
    registered_on: date | None = None,
    reason: str = "",
) -> ScreeningProposal:
    """Register the proposed unit (coverage: the first year and figure that crossed; sector
    guidelines from the figures or ``sectors``). Accepting it again changes nothing; an
    accepted or rejected proposal cannot change its decision."""
    with transaction.atomic():
        locked = _lock_proposal(actor, proposal)
        if locked.decision == Decision.ACCEPTED:
            return locked
        if locked.decision != Decision.PENDING:
            raise InvalidTransitionError(
                _("The proposal was decided already."), field="decision", value=locked.decision
            )
        data = {
            "credit_code": locked.credit_code,
            "name_zh": locked.name_zh,
            "jurisdiction": locked.jurisdiction.code,
            "sectors": list(sectors) or list(locked.sectors),
            "coverage_reason": locked.coverage_reason,
            "coverage_year": locked.coverage_year,
            "coverage_energy_tce": locked.coverage_energy_tce,
            "coverage_emissions_tco2e": locked.coverage_emissions_tco2e,
            "note": reason.strip(),
        }
        item = do_create_enterprise(actor, data, registered_on=registered_on)
        before = common.snapshot(locked)
        locked.decision = Decision.ACCEPTED.value
        locked.reason = reason.strip()
        locked.decided_at = timezone.now()
        locked.decided_by = actor
        locked.enterprise = item
        locked.save()
        common.record_event(
            actor=actor,
            action=MrvAction.PROPOSAL_ACCEPT,
            obj=locked,
            before=before,
            after=common.snapshot(locked),
            reason=reason.strip(),
        )
    return locked


def do_reject_proposal(
    actor: User | None, proposal: ScreeningProposal, reason: str
) -> ScreeningProposal:
    """Reject a proposal with the reason (a unit that closed, a figure that was wrong …).
    Rejecting it again with the same reason changes nothing."""
    reason = reason.strip()
    if not reason:
        raise ValidationFailedError(
            _("Say why the proposal is rejected."), field="reason", value=reason
        )
    with transaction.atomic():
        locked = _lock_proposal(actor, proposal)
        if locked.decision == Decision.REJECTED and locked.reason == reason:
            return locked
        if locked.decision != Decision.PENDING:
            raise InvalidTransitionError(
                _("The proposal was decided already."), field="decision", value=locked.decision
            )
        before = common.snapshot(locked)
        locked.decision = Decision.REJECTED.value
        locked.reason = reason
        locked.decided_at = timezone.now()
        locked.decided_by = actor
        locked.save()
        common.record_event(
            actor=actor,
            action=MrvAction.PROPOSAL_REJECT,
            obj=locked,
            before=before,
            after=common.snapshot(locked),
            reason=reason,
        )
    return locked
