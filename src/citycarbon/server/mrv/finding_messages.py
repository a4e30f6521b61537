"""The kernel's finding templates (:data:`citycarbon.accounting.monitoring.findings.MESSAGES`)
marked for translation: the server formats the translated template with the finding's
parameters (:func:`localised_params`). A test checks that the two stay the same."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any, Final

from django.utils.translation import gettext, gettext_noop

from citycarbon.accounting.monitoring.config import (
    BAND_SOURCES,
    RangeRule,
    band_source,
    default_config,
)

__all__ = ["BAND_TEMPLATES", "TEMPLATES", "localised_params"]

#: How a range's source is told (:data:`~citycarbon.accounting.monitoring.config.BAND_SOURCES`)
#: marked for translation; ``band`` puts the table and the row's status before it.
BAND_TEMPLATES: Final[dict[str, str]] = {
    "published": gettext_noop("published: {document}"),
    "default_tolerance": gettext_noop("factor library default ± {tolerance}"),
    "default_points": gettext_noop(
        "factor library default − {points} points (at least {floor}), up to {ceiling}"
    ),
    "product": gettext_noop("NCV band × carbon-content band"),
    "document": "{document}",
}
_BAND: Final = gettext_noop("{table}, status {status}: {source}")

assert set(BAND_TEMPLATES) == set(BAND_SOURCES)


@cache
def _ranges() -> tuple[str, dict[str, RangeRule]]:
    table = default_config().ranges
    return table.name, {rule.id: rule for rule in table.rules}


def localised_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """A finding's parameters with the range it names (``rule``, a row of ``ranges.csv``) told
    in the active language as ``band``: the table, the row's status and how the range was made
    ("ranges.csv，状态 D：因子库缺省值 ± 7 %"). Findings stored before ``band`` existed get it
    too; a row the shipped table does not have keeps the kernel's text (or its id)."""
    out = dict(params)
    rule_id = out.get("rule")
    if rule_id is None:
        return out
    name, rules = _ranges()
    rule = rules.get(str(rule_id))
    if rule is None:
        out.setdefault("band", str(rule_id))
        return out
    kind, values = band_source(rule)
    source = gettext(BAND_TEMPLATES[kind]).format(**values)
    out["band"] = gettext(_BAND).format(table=name, status=rule.status, source=source)
    return out


TEMPLATES: Final[dict[str, str]] = {
    "read_required": gettext_noop("{key} is required"),
    "read_not_number": gettext_noop("not a number"),
    "read_month": gettext_noop("a month is written YYYY-MM (or YYYY for an annual total)"),
    "read_unknown_key": gettext_noop("unknown key; a {what} has: {known}"),
    "read_not_object": gettext_noop("a {what} must be an object of keys and values"),
    "read_not_list": gettext_noop("{what} must be a list"),
    "read_unknown_header": gettext_noop("a value under the unknown column header {header!r}"),
    "read_no_sheet": gettext_noop("no sheet {sheet!r}; the workbook has: {sheets}"),
    "read_no_header": gettext_noop("no header row with the key {key!r} in the first {rows} rows"),
    "read_percent_cell": gettext_noop(
        "the cell shows a percentage but the unit column says {unit!r}"
    ),
    "read_inconsistent": gettext_noop(
        "{key} differs from an earlier row of the same {what} ({first!r})"
    ),
    "plan_enterprise_missing": gettext_noop("a plan needs the enterprise id"),
    "plan_year": gettext_noop("a plan needs its year, a whole number such as 2024"),
    "plan_sector_unknown": gettext_noop("unknown sector guideline; known: {known}"),
    "plan_region_unknown": gettext_noop("unknown region; known: {known}"),
    "plan_facility_duplicate": gettext_noop("facility id appears more than once in the plan"),
    "plan_facility_unknown": gettext_noop(
        "the stream names a facility the plan does not list ({known})"
    ),
    "plan_stream_duplicate": gettext_noop("stream id appears more than once in the plan"),
    "plan_stream_kind": gettext_noop(
        "a stream is an emission source (source: …) or production output (kind: production)"
    ),
    "plan_source_unknown": gettext_noop("unknown source type; known: {known}"),
    "plan_source_not_in_sector": gettext_noop(
        "the {sector} guideline has no source {source!r}; it has: {known}"
    ),
    "plan_field_unknown": gettext_noop("{source} has no parameter {name!r}; parameters: {known}"),
    "plan_field_required": gettext_noop(
        "{source} needs {name}: plan it as measured or fixed (it has no default)"
    ),
    "plan_choice_missing": gettext_noop("{source} needs the choice {name} ({known})"),
    "plan_choice_unknown": gettext_noop("unknown {name}; known: {known}"),
    "plan_basis_unknown": gettext_noop("unknown basis; a parameter is {known}"),
    "plan_method_unknown": gettext_noop("unknown method; known: {known}"),
    "plan_frequency_unknown": gettext_noop("unknown frequency; known: {known}"),
    "plan_unit_missing": gettext_noop("a measured or fixed parameter needs its unit ({units})"),
    "plan_unit_unknown": gettext_noop("unknown unit: {reason}"),
    "plan_unit_dimension": gettext_noop(
        "unit {unit!r} has the wrong dimension; {name} is in {units}"
    ),
    "plan_fixed_value": gettext_noop("a fixed parameter needs its value, a number"),
    "plan_no_default": gettext_noop(
        "{name} of {source} has no default; plan it as measured or fixed"
    ),
    "plan_activity_basis": gettext_noop(
        "activity data ({name}) are measured, never a default or fixed"
    ),
    "plan_element_carbon": gettext_noop(
        "element_carbon (mass fraction of carbon) is converted to carbon content per unit"
        " heat with the month's measured ncv: plan ncv as measured, the quantity in t, "
        "and not carbon_content as well"
    ),
    "plan_production_output": gettext_noop(
        "a production stream records its output: plan 'output' as measured with a unit"
    ),
    "plan_standard_missing": gettext_noop(
        "a lab analysis names its standard (e.g. GB/T 213 for calorific value, GB/T 476 for carbon)"
    ),
    "plan_no_streams": gettext_noop("a plan needs at least one source stream"),
    "plan_frequency_activity": gettext_noop(
        "activity data are entered monthly; frequency {frequency!r} applies to measured "
        "parameters only"
    ),
    "wrong_enterprise": gettext_noop(
        "the row belongs to enterprise {given!r}, not to {expected!r}"
    ),
    "enterprise_without_plan": gettext_noop("no monitoring plan for enterprise {enterprise!r}"),
    "wrong_year": gettext_noop("the month is not in the plan's year {year}"),
    "stream_unknown": gettext_noop("the plan has no stream {stream!r}; streams: {known}"),
    "facility_mismatch": gettext_noop("stream {stream!r} belongs to facility {expected!r}"),
    "parameter_unplanned": gettext_noop(
        "the plan does not measure {parameter!r} for stream {stream!r} (measured: {known})"
    ),
    "after_reporting_month": gettext_noop("the month is after the reporting month {reporting}"),
    "missing": gettext_noop("no value for {parameter} of {stream} in {period}"),
    "duplicate": gettext_noop(
        "{period} of {parameter} of {stream} already has a value in row {first}"
    ),
    "unit_unknown": gettext_noop("unknown unit: {reason}"),
    "unit_dimension": gettext_noop(
        "unit {unit!r} has the wrong dimension; {parameter} is in {units}"
    ),
    "negative": gettext_noop("negative values are not allowed"),
    "outside_field_bounds": gettext_noop("{parameter} must be {bound} {limit} {unit}"),
    "evidence_missing": gettext_noop(
        "a value measured by {method} needs its evidence (lab report, invoice) reference"
    ),
    "out_of_range": gettext_noop(
        "{parameter} {shown} {unit} is outside the expected range of {subject} {low}–{high} "
        "{unit} ({band})"
    ),
    "out_of_hard_range": gettext_noop(
        "{parameter} {shown} {unit} is outside the physically plausible range of {subject} "
        "{low}–{high} {unit} ({band})"
    ),
    "carbon_band": gettext_noop(
        "carbon content per unit heat {shown} {unit} is outside the plausible band of "
        "{subject} {low}–{high} {unit} ({band})"
    ),
    "jump": gettext_noop(
        "{parameter} changed by {change} % from {previous} to {current} {unit} (threshold"
        " {threshold} %)"
    ),
    "intensity_outlier": gettext_noop(
        "emission intensity {intensity} {unit} is outside the peers' range ({method}: "
        "{low}–{high}; {peers} peers)"
    ),
    "annual_mismatch": gettext_noop(
        "the months sum to {months} {unit} but the annual total is {annual} {unit} "
        "(difference {difference} %, tolerance {tolerance} %)"
    ),
    "annual_not_additive": gettext_noop(
        "an annual total (month YYYY) is given for quantities only, not for {parameter}"
    ),
}
