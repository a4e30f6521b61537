"""An annual report as an enterprise interchange document, for ``citycarbon calc enterprise``.

The annual report (:mod:`.annual`) is the accounting kernel's input built from the plan and the
ledger. Its derivations say what went into each line: the activity data (the sum of the months),
the measured parameters (weighted means, element carbon), the plan's fixed values and choices,
and the parameters left to the factor library's defaults. Written out in the interchange form
(``docs/interchange.md``: ``{"note", "reports": [{"id", "enterprise", "sector", "year",
"region", "note", "lines"}]}``) they read back into the same
:class:`~citycarbon.accounting.engine.ReportInput`, so ``citycarbon calc enterprise`` computes
the report's figures again:

* one report, its ``id`` the enterprise's credit code (the kernel input's id), ``enterprise``
  its name, the plan's sector guideline, year and region;
* one line per emission stream that became a line of the report, in the report's order, its
  ``label`` the stream id; choices as written in the plan; activity data and measured
  parameters with every digit (34 significant digits at most) and their unit; fixed values in
  the unit the formula uses; parameters the plan leaves to the default (and measured ones
  without a value that have one) are left out, so the factor library supplies them, with
  their provenance, as it did for the report;
* numbers as text, so no digit is lost (JSON and YAML; the workbook keeps as text what a
  double cannot hold exactly);
* a header — the document's and the report's ``note`` — naming the enterprise, its credit
  code, the year, the report version (and state), that the document was exported from
  citycarbon, the GWP metric and factor library of the figures, and the reported total.

The GWP metric is not part of the interchange form: ``calc enterprise`` takes it as ``--gwp``
(the header says which). :func:`reproduction_differences` reads an exported file back and
computes it, listing every figure that differs from the report's (none when it reproduces it).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO
from typing import Any, Final

import yaml

from citycarbon import __version__
from citycarbon.accounting.engine import ReportInput, compute_report
from citycarbon.accounting.interchange import (
    InterchangeError,
    ReadReport,
    load_document,
    report_from_mapping,
    reports_from_document,
)
from citycarbon.accounting.model import ReportError
from citycarbon.accounting.monitoring.annual import AnnualReport, Derivation, Part
from citycarbon.factors import FactorLibrary
from citycarbon.numbers import CONTEXT, NumberError, to_decimal
from citycarbon.units import DEFAULT_METRIC

__all__ = [
    "CONTENT_TYPES",
    "EXPORT_FORMATS",
    "ExportHeader",
    "annual_document",
    "derivation_from_dict",
    "document_bytes",
    "read_exported",
    "report_document",
    "reproduction_differences",
]

#: The forms ``citycarbon calc enterprise`` reads, by their file ending.
EXPORT_FORMATS: Final = ("json", "yaml", "xlsx")
#: The media type of each form.
CONTENT_TYPES: Final = {
    "json": "application/json",
    "yaml": "application/yaml",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
#: Derivation methods whose value goes into the line (the others leave the field out).
_VALUED: Final = frozenset({"sum", "weighted_mean", "mean", "element_carbon", "fixed"})
#: How a line's note names each method.
_METHOD_TEXT: Final = {
    "sum": "sum of {n} month(s)",
    "weighted_mean": "weighted mean of {n} month(s)",
    "mean": "mean of {n} month(s)",
    "element_carbon": "from element carbon of {n} month(s)",
    "fixed": "the plan's fixed value",
    "default": "factor library default",
    "missing": "no measured value",
}


@dataclass(frozen=True)
class ExportHeader:
    """What an exported document says about the report it comes from.

    ``credit_code`` is the enterprise's unified social credit code (the report's id), ``version``
    the report's version on the server, ``state`` its lifecycle state there; ``metric`` and
    ``factor_library`` are those of the report's figures and ``total`` its total [tCO2e],
    exact.
    """

    credit_code: str
    enterprise: str
    year: int
    sector: str
    version: int
    region: str | None = None
    state: str = ""
    metric: str = DEFAULT_METRIC
    factor_library: str = ""
    total: Decimal | None = None

    def note(self) -> str:
        """The header as one line of text (the document's and the report's ``note``)."""
        version = f"report version {self.version}" + (f" ({self.state})" if self.state else "")
        parts = [
            f"导出自 citycarbon {__version__} 的年度排放报告 / "
            f"annual emission report exported from citycarbon {__version__}",
            f"enterprise {self.enterprise}" if self.enterprise else "",
            f"credit code {self.credit_code}",
            f"year {self.year}",
            version,
            f"GWP {self.metric} (calc enterprise --gwp {self.metric})",
            f"factor library {self.factor_library}" if self.factor_library else "",
            "" if self.total is None else f"reported total {_text(self.total)} tCO2e (exact)",
        ]
        return "; ".join(p for p in parts if p)


def _text(value: Decimal) -> str:
    """An exact decimal in plain notation without trailing zeros (``21``, ``0.0257…``)."""
    if value == 0:
        return "0"
    return format(CONTEXT.normalize(value), "f")


def _decimal(raw: object) -> Decimal | None:
    if raw is None:
        return None
    try:
        return to_decimal(raw)
    except NumberError:
        return None


def derivation_from_dict(data: Mapping[str, Any]) -> Derivation:
    """A derivation from its plain form (:meth:`Derivation.as_dict`, as the server keeps it).

    A value that reads as a number becomes a :class:`~decimal.Decimal` (choices stay text).
    """
    raw = data.get("value")
    number = _decimal(raw) if data.get("method") != "choice" else None
    value: Decimal | str | None = number if number is not None else raw
    parts = tuple(
        Part(
            int(p.get("row") or 0),
            str(p.get("month") or ""),
            _decimal(p.get("value")) or Decimal(0),
            _decimal(p.get("weight")),
        )
        for p in data.get("parts") or ()
    )
    return Derivation(
        stream=str(data.get("stream") or ""),
        field=str(data.get("field") or ""),
        method=str(data.get("method") or ""),
        value=value,
        unit=str(data.get("unit") or ""),
        parts=parts,
        weights=tuple(str(w) for w in data.get("weights") or ()),
        numerator=_decimal(data.get("numerator")),
        denominator=_decimal(data.get("denominator")),
        note=str(data.get("note") or ""),
    )


def _line(stream: str, source: str, derivations: Sequence[Derivation]) -> dict[str, Any]:
    """One interchange line from the derivations of its stream (in the report's order)."""
    line: dict[str, Any] = {"source": source, "label": stream}
    notes: list[str] = []
    for item in derivations:
        if item.method == "choice":
            line[item.field] = str(item.value)
            continue
        template = _METHOD_TEXT.get(item.method)
        if template is not None:
            notes.append(f"{item.field}: {template.format(n=len(item.parts))}")
        if item.method not in _VALUED or not isinstance(item.value, Decimal):
            continue
        if item.field == "quantity":
            line["quantity"] = _text(item.value)
            line["unit"] = item.unit
        else:
            line[item.field] = {"value": _text(item.value), "unit": item.unit}
    if notes:
        line["note"] = f"stream {stream}: " + "; ".join(notes)
    return line


def report_document(
    header: ExportHeader,
    streams: Sequence[tuple[str, str]],
    derivations: Sequence[Derivation],
) -> dict[str, Any]:
    """The interchange document of one annual report.

    Parameters
    ----------
    header : ExportHeader
        The enterprise, year, version, metric … of the report.
    streams : sequence of (stream id, source type id)
        The report's lines in order: the streams that became lines (those left out for want of
        activity are not lines).
    derivations : sequence of Derivation
        The report's derivations (every stream's; production streams' are not used).

    Returns
    -------
    dict
        ``{"note": header, "reports": [report]}``, JSON- and YAML-ready (numbers as text).
    """
    by_stream: dict[str, list[Derivation]] = {}
    for item in derivations:
        by_stream.setdefault(item.stream, []).append(item)
    report: dict[str, Any] = {
        "id": header.credit_code,
        "enterprise": header.enterprise,
        "sector": header.sector,
        "year": header.year,
    }
    if header.region:
        report["region"] = header.region
    report["note"] = header.note()
    report["lines"] = [_line(s, source, by_stream.get(s, [])) for s, source in streams]
    return {"note": header.note(), "reports": [report]}


def annual_document(annual: AnnualReport, header: ExportHeader) -> dict[str, Any]:
    """The interchange document of a built :class:`AnnualReport` (see :func:`report_document`).

    Raises
    ------
    ValueError
        When the report was not built (a blocking finding stopped it).
    """
    if annual.report is None:
        raise ValueError("the annual report was not built: nothing to export")
    streams = [
        (stream, line.source)
        for stream, line in zip(annual.line_streams, annual.report.lines, strict=True)
    ]
    return report_document(header, streams, annual.derivations)


def _reports_of(document: Mapping[str, Any]) -> list[ReportInput]:
    reports: list[ReportInput] = []
    for position, raw in enumerate(document.get("reports") or [], start=1):
        reports.append(report_from_mapping(raw, position))
    return reports


def _xlsx(document: Mapping[str, Any]) -> bytes:
    """The Excel template filled with the document's reports, the notes in their cells."""
    from openpyxl import load_workbook

    from citycarbon.accounting.workbook import (
        HEADER_ROWS,
        LINES_SHEET,
        REPORTS_SHEET,
        write_template,
    )

    buffer = BytesIO()
    write_template(buffer, _reports_of(document))
    book = load_workbook(BytesIO(buffer.getvalue()))
    raw_reports = list(document.get("reports") or [])
    notes = {
        REPORTS_SHEET: [r.get("note") for r in raw_reports],
        LINES_SHEET: [line.get("note") for r in raw_reports for line in r.get("lines") or []],
    }
    for name, values in notes.items():
        sheet = book[name]
        keys = {sheet.cell(HEADER_ROWS, c).value: c for c in range(1, sheet.max_column + 1)}
        column = keys["note"]
        for offset, note in enumerate(values, start=HEADER_ROWS + 1):
            if note:
                sheet.cell(offset, column).value = str(note)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def document_bytes(document: Mapping[str, Any], kind: str) -> bytes:
    """The document as a file of ``kind`` (:data:`EXPORT_FORMATS`): UTF-8 JSON or YAML, or the
    filled Excel template (``citycarbon template enterprise``'s workbook).

    Raises
    ------
    ValueError
        For an unknown kind.
    """
    if kind == "json":
        return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    if kind == "yaml":
        text = yaml.safe_dump(dict(document), allow_unicode=True, sort_keys=False, width=100)
        return text.encode("utf-8")
    if kind == "xlsx":
        return _xlsx(document)
    raise ValueError(f"unknown format {kind!r}; give one of {', '.join(EXPORT_FORMATS)}")


def read_exported(content: bytes, kind: str) -> list[ReadReport]:
    """Read an exported file back as ``citycarbon calc enterprise`` reads it.

    Raises
    ------
    InterchangeError
        When it cannot be read as reports.
    """
    if kind == "xlsx":
        from citycarbon.accounting.workbook import read_excel

        return read_excel(BytesIO(content), path=f"export.{kind}")
    if kind not in ("json", "yaml"):
        raise InterchangeError(f"unknown format {kind!r}")
    path = f"export.{kind}"
    return reports_from_document(load_document(content, kind, path=path), path=path)


def reproduction_differences(
    content: bytes,
    kind: str,
    *,
    total: Decimal,
    lines: Sequence[Decimal],
    by_source: Mapping[str, Decimal],
    metric: str = DEFAULT_METRIC,
    library: FactorLibrary | None = None,
) -> tuple[str, ...]:
    """Read an exported file back, compute it, and name every figure that is not the report's.

    ``total`` [tCO2e], ``lines`` (each line's CO2e [tCO2e], in order) and ``by_source`` (the
    signed contribution of each source type [tCO2e]) are the report's exact figures; they are
    compared with ``==`` (exact decimals), before any rounding. An empty tuple: the file
    reproduces the report.
    """
    try:
        items = read_exported(content, kind)
    except InterchangeError as exc:
        return (f"the file cannot be read: {exc.describe()}",)
    if len(items) != 1 or items[0].report is None:
        problems = [str(e) for item in items for e in item.errors]
        return (f"the file does not hold one readable report: {'; '.join(problems)}",)
    try:
        result = compute_report(items[0].report, metric=metric, library=library)
    except ReportError as exc:
        return (f"the report is refused: {exc}",)
    found: list[str] = []
    if result.total.value != total:
        found.append(f"total: {_text(result.total.value)} ≠ {_text(total)}")
    computed = [line.co2e.value for line in result.lines]
    if len(computed) != len(lines):
        found.append(f"lines: {len(computed)} ≠ {len(lines)}")
    for number, (got, want) in enumerate(zip(computed, lines, strict=False), start=1):
        if got != want:
            found.append(f"line {number}: {_text(got)} ≠ {_text(want)}")
    if dict(result.by_source) != dict(by_source):
        found.append(
            f"by source: {sorted((k, _text(v)) for k, v in result.by_source.items())} ≠ "
            f"{sorted((k, _text(v)) for k, v in by_source.items())}"
        )
    return tuple(found)
