"""Monitoring plans between the server and the kernel: a stored document read back as the
kernel's :class:`~citycarbon.accounting.monitoring.MonitoringPlan`, the kernel's findings as
the server's error records (messages in the active language), the plan as a readable table,
and the plan's workbook (the kernel's ledger template with its Plan sheet filled).

No database access here: the services and views hand documents in and take records out.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext

from citycarbon.accounting.monitoring import Finding, MonitoringPlan
from citycarbon.accounting.monitoring.document import plan_as_dict, plan_from_mapping
from citycarbon.accounting.monitoring.findings import MESSAGES
from citycarbon.accounting.monitoring.template import write_template
from citycarbon.accounting.monitoring.workbook import read_workbook
from citycarbon.server.common.errors import ErrorRecord
from citycarbon.server.mrv.finding_messages import TEMPLATES, localised_params

__all__ = [
    "PlanRow",
    "finding_message",
    "finding_out",
    "plan_errors",
    "plan_findings",
    "plan_of",
    "plan_table",
    "plan_workbook",
    "plans_from_workbook",
    "records_of",
    "stored_message",
]


def finding_message(item: Finding) -> str:
    """The finding's message in the active language: its code's template, translated, with
    the finding's parameters (the English message when a template does not format)."""
    template = TEMPLATES.get(item.code, MESSAGES.get(item.code))
    if template is None:
        return item.message
    try:
        return gettext(template).format(**localised_params(item.params))
    except (KeyError, IndexError, ValueError):
        return item.message


def stored_message(code: str, params: Mapping[str, Any], english: str) -> str:
    """A stored finding's message in the active language (its code's template with its
    parameters; the stored English one when the template does not format)."""
    template = TEMPLATES.get(code)
    if template is None:
        return english
    try:
        return gettext(template).format(**localised_params(params))
    except (KeyError, IndexError, ValueError):
        return english


def finding_out(item: Finding) -> dict[str, Any]:
    """A finding as the API and pages show it (the kernel's record, message translated)."""
    data = item.as_dict()
    data["message"] = finding_message(item)
    return data


def records_of(findings: Iterable[Finding]) -> list[ErrorRecord]:
    """Kernel findings as error records (field path, value, severity; row when there is one)."""
    return [
        ErrorRecord(
            message=finding_message(f),
            field=f.field if f.sheet is None else f"{f.sheet}.{f.column or f.field or ''}",
            value=f.value,
            row=f.row,
            severity=f.severity,
        )
        for f in findings
    ]


def plan_findings(document: Mapping[str, Any]) -> tuple[MonitoringPlan | None, list[Finding]]:
    """Read and validate a stored (or submitted) document: the kernel's plan (``None`` when an
    error refuses it) and every finding."""
    return plan_from_mapping(dict(document))


def plan_errors(document: Mapping[str, Any]) -> list[ErrorRecord]:
    """The blocking problems of a document (the lifecycle's check before submission)."""
    _plan, found = plan_findings(document)
    return [r for r in records_of(found) if r.severity == "error"]


def plan_of(document: Mapping[str, Any]) -> MonitoringPlan | None:
    plan, _found = plan_findings(document)
    return plan


def normalised(plan: MonitoringPlan) -> dict[str, Any]:
    """The plan as stored: the kernel's own mapping of it (so equal plans compare equal)."""
    return plan_as_dict(plan)


class PlanRow(dict[str, Any]):
    """One line of the readable table: a stream's parameter and how it is determined."""


def plan_table(plan: MonitoringPlan) -> list[PlanRow]:
    """The plan as a table, one row per stream parameter (parameters the plan leaves to the
    defaults are not listed; the kernel takes them from the factor library)."""
    names = {f.id: f.name for f in plan.facilities}
    rows: list[PlanRow] = []
    for stream in plan.streams:
        choices = "; ".join(f"{k}={v}" for k, v in stream.choices.items())
        for parameter in stream.parameters:
            rows.append(
                PlanRow(
                    facility=stream.facility,
                    facility_name=names.get(stream.facility, ""),
                    stream=stream.id,
                    stream_name=stream.name,
                    source=stream.source or "",
                    kind=stream.kind,
                    product=stream.product,
                    choices=choices,
                    parameter=parameter.name,
                    basis=parameter.basis,
                    method=parameter.method,
                    frequency=parameter.frequency if parameter.basis == "measured" else "",
                    standard=parameter.standard,
                    unit=parameter.unit,
                    value=None if parameter.value is None else str(parameter.value),
                )
            )
    return rows


def plan_workbook(plan: MonitoringPlan | None) -> bytes:
    """The kernel's ledger workbook with the plan's Plan sheet (and the Ledger sheet
    pre-filled for it); the empty template without a plan."""
    buffer = io.BytesIO()
    write_template(buffer, [plan] if plan is not None else [])
    return buffer.getvalue()


def plans_from_workbook(content: bytes) -> tuple[list[MonitoringPlan], list[Finding]]:
    """The plans of a workbook's Plan sheet and every finding (none when it was refused)."""
    document = read_workbook(io.BytesIO(content))
    return list(document.plans), list(document.findings)
