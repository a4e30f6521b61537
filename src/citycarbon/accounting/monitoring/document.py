"""Monitoring plans and ledgers as JSON or YAML documents (and the dispatch to the workbook).

A document is ``{"plans": [plan, …], "ledger": [row, …], "note": …}``; either list may be left
out (a plan file, a ledger file that names its plans elsewhere). A plan::

    {"enterprise": "91410100MA00000001", "name": "示例水泥厂", "year": 2024, "sector": "cement",
     "region": "henan", "version": "1",
     "facilities": [{"id": "kiln1", "name": "1号熟料线"}],
     "streams": [
       {"id": "coal", "facility": "kiln1", "source": "fuel_combustion", "fuel": "bituminous_coal",
        "parameters": {
          "quantity": {"basis": "measured", "method": "belt_scale", "frequency": "continuous",
                       "unit": "t"},
          "ncv": {"method": "lab_analysis", "frequency": "monthly", "standard": "GB/T 213",
                  "unit": "GJ/t"},
          "oxidation": "default"}},
       {"id": "clinker", "facility": "kiln1", "kind": "production", "product": "clinker",
        "parameters": {"output": {"method": "weighbridge", "unit": "t"}}}]}

A stream's choices (``fuel``, ``carbonate`` …) are keys of the stream. A parameter is a mapping
(``basis`` defaults to ``measured``) or the word ``default``. Ledger rows are mappings of the keys
of :data:`~citycarbon.accounting.monitoring.ledger.LEDGER_KEYS`.

Anything that cannot be read refuses the document as a whole: nothing is produced, every problem
is a finding naming the plan or row, the key and the value.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any, Final

from citycarbon.accounting.interchange import InterchangeError, load_document
from citycarbon.accounting.monitoring.findings import Finding, finding
from citycarbon.accounting.monitoring.ledger import LedgerRow, rows_from_mappings
from citycarbon.accounting.monitoring.plan import (
    Facility,
    MonitoringPlan,
    ParameterPlan,
    SourceStream,
    validate_plan,
)
from citycarbon.accounting.sources import SOURCE_TYPES
from citycarbon.numbers import NumberError, to_decimal

__all__ = [
    "DOCUMENT_KEYS",
    "MonitoringDocument",
    "document_from_data",
    "plan_as_dict",
    "plan_from_mapping",
    "read_document",
]

DOCUMENT_KEYS: Final = ("plans", "ledger", "note")
PLAN_KEYS: Final = (
    "enterprise",
    "name",
    "year",
    "sector",
    "region",
    "version",
    "facilities",
    "streams",
    "note",
)
STREAM_KEYS: Final = ("id", "facility", "source", "kind", "name", "product", "parameters", "note")
PARAMETER_KEYS: Final = ("basis", "method", "frequency", "standard", "unit", "value", "note")


@dataclass(frozen=True)
class MonitoringDocument:
    """What a document holds: plans and ledger rows, or the findings that refuse it.

    ``findings`` also carries the plans' warnings (a lab analysis without its standard). When
    any finding is an error, ``plans`` and ``rows`` are empty.
    """

    plans: tuple[MonitoringPlan, ...]
    rows: tuple[LedgerRow, ...]
    findings: tuple[Finding, ...] = ()
    path: str | None = None

    @property
    def refused(self) -> bool:
        """Whether the document was refused (nothing read from it)."""
        return any(f.severity == "error" for f in self.findings)


def _text(raw: object) -> str:
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    return str(raw).strip()


def _year(raw: object) -> int | None:
    if isinstance(raw, bool) or raw is None:
        return None
    try:
        value = to_decimal(raw)
    except NumberError:
        return None
    return int(value) if value == value.to_integral_value() else None


class _Reader:
    """Collects the findings of one plan while reading it."""

    def __init__(self, position: int, enterprise: str | None) -> None:
        self.position = position
        self.enterprise = enterprise
        self.found: list[Finding] = []

    def refuse(self, code: str, where: str, value: object = None, **params: Any) -> None:
        self.found.append(
            finding(code, "error", field=where, value=value, enterprise=self.enterprise, **params)
        )

    def keys(self, data: Mapping[str, Any], known: Sequence[str], where: str, what: str) -> None:
        for key in data:
            if key not in known:
                self.refuse(
                    "read_unknown_key",
                    f"{where}.{key}" if where else str(key),
                    data[key],
                    what=what,
                    known=", ".join(known),
                )


def _parameter(raw: object, name: str, where: str, reader: _Reader) -> ParameterPlan | None:
    if isinstance(raw, str) and raw.strip() in ("default", "缺省值"):
        return ParameterPlan(name, "default")
    if not isinstance(raw, Mapping):
        reader.refuse("read_not_object", where, raw, what="parameter")
        return None
    reader.keys(raw, PARAMETER_KEYS, where, "parameter")
    value = None
    if raw.get("value") is not None:
        try:
            value = to_decimal(raw["value"])
        except NumberError:
            reader.refuse("read_not_number", f"{where}.value", raw["value"])
    return ParameterPlan(
        name=name,
        basis=_text(raw.get("basis")) or "measured",
        method=_text(raw.get("method")),
        frequency=_text(raw.get("frequency")) or "monthly",
        standard=_text(raw.get("standard")),
        unit=_text(raw.get("unit")),
        value=value,
        note=_text(raw.get("note")),
    )


def _stream(raw: object, index: int, reader: _Reader) -> SourceStream | None:
    where = f"streams[{index}]"
    if not isinstance(raw, Mapping):
        reader.refuse("read_not_object", where, raw, what="stream")
        return None
    source_id = _text(raw.get("source")) or None
    kind = _text(raw.get("kind")) or ("production" if source_id is None else "emission")
    source = SOURCE_TYPES.get(source_id or "")
    choice_names = {f.name for f in source.fields if f.kind == "choice"} if source else set()
    reader.keys(raw, (*STREAM_KEYS, *sorted(choice_names)), where, "stream")
    if not _text(raw.get("id")):
        reader.refuse("read_required", f"{where}.id", key="id")
    if (kind == "production") == (source_id is not None) or kind not in ("production", "emission"):
        reader.refuse("plan_stream_kind", where, kind)
    parameters_raw = raw.get("parameters") or {}
    parameters: list[ParameterPlan] = []
    if not isinstance(parameters_raw, Mapping):
        reader.refuse("read_not_object", f"{where}.parameters", parameters_raw, what="parameters")
    else:
        for name, item in parameters_raw.items():
            parsed = _parameter(item, str(name), f"{where}.parameters.{name}", reader)
            if parsed is not None:
                parameters.append(parsed)
        # In the source type's field order, not the mapping's: a plan stored where objects
        # keep no key order (PostgreSQL jsonb) reads, numbers and shows its parameters the same.
        rank = {f.name: i for i, f in enumerate(source.fields)} if source else {}
        parameters.sort(key=lambda p: rank.get(p.name, len(rank)))
    return SourceStream(
        id=_text(raw.get("id")),
        facility=_text(raw.get("facility")),
        source=source_id,
        parameters=tuple(parameters),
        choices={k: _text(raw[k]) for k in sorted(choice_names) if raw.get(k) is not None},
        name=_text(raw.get("name")),
        product=_text(raw.get("product")),
    )


def plan_from_mapping(
    data: object, position: int = 1
) -> tuple[MonitoringPlan | None, list[Finding]]:
    """One plan from its mapping: the plan (``None`` when refused) and every finding (read
    problems, then the plan's validation: errors refuse it, warnings are kept)."""
    if not isinstance(data, Mapping):
        reader = _Reader(position, None)
        reader.refuse("read_not_object", f"plans[{position - 1}]", type(data).__name__, what="plan")
        return None, reader.found
    enterprise = _text(data.get("enterprise")) or None
    reader = _Reader(position, enterprise)
    reader.keys(data, PLAN_KEYS, "", "plan")
    year = _year(data.get("year"))
    if year is None:
        reader.refuse("plan_year", "year", data.get("year"))
    facilities: list[Facility] = []
    raw_facilities = data.get("facilities") or []
    if not isinstance(raw_facilities, list):
        reader.refuse("read_not_list", "facilities", what="facilities")
    else:
        for index, item in enumerate(raw_facilities):
            if isinstance(item, Mapping):
                reader.keys(item, ("id", "name", "note"), f"facilities[{index}]", "facility")
                facilities.append(Facility(_text(item.get("id")), _text(item.get("name"))))
            else:
                facilities.append(Facility(_text(item)))
    streams: list[SourceStream] = []
    raw_streams = data.get("streams")
    if not isinstance(raw_streams, list):
        reader.refuse("read_not_list", "streams", what="streams")
    else:
        for index, item in enumerate(raw_streams):
            stream = _stream(item, index, reader)
            if stream is not None:
                streams.append(stream)
    if reader.found:
        return None, reader.found
    assert year is not None
    region = _text(data.get("region")) or None
    plan = MonitoringPlan(
        enterprise=enterprise or "",
        year=year,
        sector=_text(data.get("sector")),
        streams=tuple(streams),
        facilities=tuple(facilities),
        region=region,
        name=_text(data.get("name")),
        version=_text(data.get("version")),
    )
    found = validate_plan(plan)
    if any(f.severity == "error" for f in found):
        return None, found
    return plan, found


def plan_as_dict(plan: MonitoringPlan) -> dict[str, object]:
    """A plan as the mapping :func:`plan_from_mapping` reads."""
    streams: list[dict[str, object]] = []
    for stream in plan.streams:
        item: dict[str, object] = {"id": stream.id, "facility": stream.facility}
        if stream.source is None:
            item["kind"] = "production"
            if stream.product:
                item["product"] = stream.product
        else:
            item["source"] = stream.source
            item.update(stream.choices)
        if stream.name:
            item["name"] = stream.name
        item["parameters"] = {
            p.name: "default" if p.basis == "default" else p.as_dict() for p in stream.parameters
        }
        streams.append(item)
    record: dict[str, object] = {"enterprise": plan.enterprise}
    if plan.name:
        record["name"] = plan.name
    record.update(year=plan.year, sector=plan.sector)
    if plan.region:
        record["region"] = plan.region
    if plan.version:
        record["version"] = plan.version
    record["facilities"] = [
        {"id": f.id, "name": f.name} if f.name else {"id": f.id} for f in plan.facilities
    ]
    record["streams"] = streams
    return record


def document_from_data(data: object, *, path: str | None = None) -> MonitoringDocument:
    """A parsed document's plans and rows (see the module docstring).

    Raises
    ------
    InterchangeError
        When the document is not an object with the keys ``plans``, ``ledger``, ``note``.
    """
    if not isinstance(data, Mapping):
        raise InterchangeError(
            'the file must be an object {"plans": [...], "ledger": [...]} (see docs/mrv.md)',
            path=path,
        )
    for key in data:
        if key not in DOCUMENT_KEYS:
            raise InterchangeError(
                f"unknown top-level key {key!r}; a file has: {', '.join(DOCUMENT_KEYS)}", path=path
            )
    found: list[Finding] = []
    plans: list[MonitoringPlan] = []
    raw_plans = data.get("plans") or []
    if not isinstance(raw_plans, list):
        raise InterchangeError('"plans" must be a list of plans', path=path)
    for position, raw in enumerate(raw_plans, start=1):
        plan, problems = plan_from_mapping(raw, position)
        found.extend(problems)
        if plan is not None:
            plans.append(plan)
    raw_rows = data.get("ledger") or []
    if not isinstance(raw_rows, list):
        raise InterchangeError('"ledger" must be a list of rows', path=path)
    rows, problems = rows_from_mappings(raw_rows)
    found.extend(problems)
    if any(f.severity == "error" for f in found):
        return MonitoringDocument((), (), tuple(found), path)
    return MonitoringDocument(tuple(plans), rows, tuple(found), path)


def read_document(path: str | Path) -> MonitoringDocument:
    """Read a ``.json``, ``.yaml``/``.yml`` or ``.xlsx`` (the ledger template) file.

    Raises
    ------
    InterchangeError
        When the file cannot be read at all (type, syntax, structure, missing sheet).
    """
    file = Path(path)
    suffix = file.suffix.lower()
    if suffix not in (".json", ".yaml", ".yml", ".xlsx", ".xlsm"):
        raise InterchangeError(
            f"unknown file type {suffix or '(none)'!r}: give .json, .yaml, .yml or .xlsx",
            path=str(path),
        )
    try:
        content = file.read_bytes()
    except OSError as exc:
        raise InterchangeError(f"cannot read the file: {exc.strerror}", path=str(path)) from None
    if suffix in (".xlsx", ".xlsm"):
        from citycarbon.accounting.monitoring.workbook import read_workbook

        return read_workbook(BytesIO(content), path=str(path))
    kind = "json" if suffix == ".json" else "yaml"
    return document_from_data(load_document(content, kind, path=str(path)), path=str(path))
