"""Findings: what a check, a plan validation or a reader reports, as plain error records.

Every problem the monitoring kernel finds is a :class:`Finding`: a stable ``code``, a
``severity`` (``error`` blocks a submission; ``warning`` needs an acknowledgement with a reason,
which the server stores), where it is (ledger row, field, value; enterprise, stream, parameter,
month; sheet and column for a workbook) and an English message. The message is
``MESSAGES[code].format(**params)``: the server translates the template by its code and formats it
with the same ``params``, so nothing but the code and the parameters has to be stored.

A message states values in the unit the plan gives the parameter (the unit the enterprise
enters; ``%`` for a rate) and names a range by its fuel and where it comes from (``band``: the
ranges table, the row's status, how it was made); the range row's id stays in ``params["rule"]``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Final, Literal, Protocol

__all__ = [
    "MESSAGES",
    "SEVERITIES",
    "Finding",
    "Severity",
    "blocking",
    "finding",
    "sort_findings",
]

Severity = Literal["error", "warning"]
SEVERITIES: Final = ("error", "warning")

#: English message templates by stable code. Placeholders are the finding's ``params``.
MESSAGES: Final[dict[str, str]] = {
    # --- reading a document or workbook (refuses the file as a whole) -----------------------
    "read_required": "{key} is required",
    "read_not_number": "not a number",
    "read_month": "a month is written YYYY-MM (or YYYY for an annual total)",
    "read_unknown_key": "unknown key; a {what} has: {known}",
    "read_not_object": "a {what} must be an object of keys and values",
    "read_not_list": "{what} must be a list",
    "read_unknown_header": "a value under the unknown column header {header!r}",
    "read_no_sheet": "no sheet {sheet!r}; the workbook has: {sheets}",
    "read_no_header": "no header row with the key {key!r} in the first {rows} rows",
    "read_percent_cell": "the cell shows a percentage but the unit column says {unit!r}",
    "read_inconsistent": "{key} differs from an earlier row of the same {what} ({first!r})",
    # --- the monitoring plan ----------------------------------------------------------------
    "plan_enterprise_missing": "a plan needs the enterprise id",
    "plan_year": "a plan needs its year, a whole number such as 2024",
    "plan_sector_unknown": "unknown sector guideline; known: {known}",
    "plan_region_unknown": "unknown region; known: {known}",
    "plan_facility_duplicate": "facility id appears more than once in the plan",
    "plan_facility_unknown": "the stream names a facility the plan does not list ({known})",
    "plan_stream_duplicate": "stream id appears more than once in the plan",
    "plan_stream_kind": "a stream is an emission source (source: …) or production output "
    "(kind: production)",
    "plan_source_unknown": "unknown source type; known: {known}",
    "plan_source_not_in_sector": "the {sector} guideline has no source {source!r}; it has: {known}",
    "plan_field_unknown": "{source} has no parameter {name!r}; parameters: {known}",
    "plan_field_required": "{source} needs {name}: plan it as measured or fixed (it has no "
    "default)",
    "plan_choice_missing": "{source} needs the choice {name} ({known})",
    "plan_choice_unknown": "unknown {name}; known: {known}",
    "plan_basis_unknown": "unknown basis; a parameter is {known}",
    "plan_method_unknown": "unknown method; known: {known}",
    "plan_frequency_unknown": "unknown frequency; known: {known}",
    "plan_unit_missing": "a measured or fixed parameter needs its unit ({units})",
    "plan_unit_unknown": "unknown unit: {reason}",
    "plan_unit_dimension": "unit {unit!r} has the wrong dimension; {name} is in {units}",
    "plan_fixed_value": "a fixed parameter needs its value, a number",
    "plan_no_default": "{name} of {source} has no default; plan it as measured or fixed",
    "plan_activity_basis": "activity data ({name}) are measured, never a default or fixed",
    "plan_element_carbon": "element_carbon (mass fraction of carbon) is converted to carbon "
    "content per unit heat with the month's measured ncv: plan ncv as measured, the quantity in "
    "t, and not carbon_content as well",
    "plan_production_output": "a production stream records its output: plan 'output' as "
    "measured with a unit",
    "plan_standard_missing": "a lab analysis names its standard (e.g. GB/T 213 for calorific "
    "value, GB/T 476 for carbon)",
    "plan_no_streams": "a plan needs at least one source stream",
    "plan_frequency_activity": "activity data are entered monthly; frequency {frequency!r} "
    "applies to measured parameters only",
    # --- checks on the ledger ---------------------------------------------------------------
    "wrong_enterprise": "the row belongs to enterprise {given!r}, not to {expected!r}",
    "enterprise_without_plan": "no monitoring plan for enterprise {enterprise!r}",
    "wrong_year": "the month is not in the plan's year {year}",
    "stream_unknown": "the plan has no stream {stream!r}; streams: {known}",
    "facility_mismatch": "stream {stream!r} belongs to facility {expected!r}",
    "parameter_unplanned": "the plan does not measure {parameter!r} for stream {stream!r} "
    "(measured: {known})",
    "after_reporting_month": "the month is after the reporting month {reporting}",
    "missing": "no value for {parameter} of {stream} in {period}",
    "duplicate": "{period} of {parameter} of {stream} already has a value in row {first}",
    "unit_unknown": "unknown unit: {reason}",
    "unit_dimension": "unit {unit!r} has the wrong dimension; {parameter} is in {units}",
    "negative": "negative values are not allowed",
    "outside_field_bounds": "{parameter} must be {bound} {limit} {unit}",
    "evidence_missing": "a value measured by {method} needs its evidence (lab report, "
    "invoice) reference",
    "out_of_range": "{parameter} {shown} {unit} is outside the expected range of {subject} "
    "{low}–{high} {unit} ({band})",
    "out_of_hard_range": "{parameter} {shown} {unit} is outside the physically plausible range "
    "of {subject} {low}–{high} {unit} ({band})",
    "carbon_band": "carbon content per unit heat {shown} {unit} is outside the plausible band "
    "of {subject} {low}–{high} {unit} ({band})",
    "jump": "{parameter} changed by {change} % from {previous} to {current} {unit} "
    "(threshold {threshold} %)",
    "intensity_outlier": "emission intensity {intensity} {unit} is outside the peers' range "
    "({method}: {low}–{high}; {peers} peers)",
    "annual_mismatch": "the months sum to {months} {unit} but the annual total is {annual} "
    "{unit} (difference {difference} %, tolerance {tolerance} %)",
    "annual_not_additive": "an annual total (month YYYY) is given for quantities only, not for "
    "{parameter}",
}


class RowLike(Protocol):
    """What locates a finding on a ledger row (a :class:`~.ledger.LedgerRow`)."""

    @property
    def row(self) -> int: ...
    @property
    def enterprise(self) -> str: ...
    @property
    def stream(self) -> str: ...
    @property
    def parameter(self) -> str: ...
    @property
    def month(self) -> str: ...


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem found: a stable code, a severity, where it is, and a message in English."""

    code: str
    severity: Severity
    message: str
    row: int | None = None
    field: str | None = None
    value: str | None = None
    enterprise: str | None = None
    stream: str | None = None
    parameter: str | None = None
    month: str | None = None
    sheet: str | None = None
    column: str | None = None
    params: Mapping[str, str] = dataclasses.field(default_factory=dict)

    @property
    def blocking(self) -> bool:
        """Whether the finding blocks the submission (an error)."""
        return self.severity == "error"

    @property
    def key(self) -> tuple[str, int | None, str | None, str | None, str | None, str | None]:
        """What identifies the finding when two paths are compared: code, row, enterprise,
        stream, parameter and month (the message and value formatting aside)."""
        return (self.code, self.row, self.enterprise, self.stream, self.parameter, self.month)

    def describe(self) -> str:
        """A sentence naming where the problem is, then the message."""
        where = []
        if self.sheet is not None:
            where.append(f"sheet {self.sheet}")
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column}")
        for name in ("enterprise", "stream", "parameter", "month", "field"):
            text = getattr(self, name)
            if text is not None and not (name == "field" and text == self.parameter):
                where.append(f"{name} {text}")
        if self.value is not None:
            where.append(f"value {self.value!r}")
        prefix = ", ".join(where)
        text = f"[{self.severity} {self.code}] {self.message}"
        return f"{prefix}: {text}" if prefix else text

    def as_dict(self) -> dict[str, object]:
        """The finding as plain data (what the server stores and the API returns)."""
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "row": self.row,
            "field": self.field,
            "value": self.value,
            "enterprise": self.enterprise,
            "stream": self.stream,
            "parameter": self.parameter,
            "month": self.month,
            "sheet": self.sheet,
            "column": self.column,
            "cell": None
            if self.sheet is None or self.column is None or self.row is None
            else f"{self.sheet}!{self.column}{self.row}",
            "params": dict(self.params),
        }


def finding(
    code: str,
    severity: Severity,
    *,
    at: RowLike | None = None,
    row: int | None = None,
    field: str | None = None,
    value: object = None,
    enterprise: str | None = None,
    stream: str | None = None,
    parameter: str | None = None,
    month: str | None = None,
    sheet: str | None = None,
    column: str | None = None,
    **params: object,
) -> Finding:
    """Make a :class:`Finding` whose message is ``MESSAGES[code]`` formatted with ``params``.

    The template may also name the location (``{stream}``, ``{parameter}``, ``{enterprise}``,
    ``{month}``, ``{row}``, ``{field}``, ``{value}``); ``params`` keeps everything it used.
    ``at`` (a ledger row) gives the row, enterprise, stream, parameter and month not given.
    """
    if at is not None:
        row = at.row if row is None else row
        enterprise = at.enterprise if enterprise is None else enterprise
        stream = at.stream if stream is None else stream
        parameter = at.parameter if parameter is None else parameter
        month = at.month if month is None else month
    location = {
        "row": row,
        "field": field,
        "value": value,
        "enterprise": enterprise,
        "stream": stream,
        "parameter": parameter,
        "month": month,
    }
    texts = {k: str(v) for k, v in location.items() if v is not None}
    texts.update({k: str(v) for k, v in params.items()})
    return Finding(
        code=code,
        severity=severity,
        message=MESSAGES[code].format(**texts),
        row=row,
        field=field,
        value=None if value is None else str(value),
        enterprise=enterprise,
        stream=stream,
        parameter=parameter,
        month=month,
        sheet=sheet,
        column=column,
        params=texts,
    )


def blocking(findings: Iterable[Finding]) -> list[Finding]:
    """The findings that block (errors)."""
    return [f for f in findings if f.severity == "error"]


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Findings in a stable order: enterprise, row (plan and period findings first), code."""
    return sorted(
        findings,
        key=lambda f: (
            f.enterprise or "",
            -1 if f.row is None else f.row,
            f.stream or "",
            f.parameter or "",
            f.month or "",
            f.code,
        ),
    )
