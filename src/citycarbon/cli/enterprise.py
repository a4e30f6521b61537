"""Enterprise accounting commands: ``calc enterprise``, ``template enterprise``, ``sectors``,
``sources`` and ``factors`` (企业温室气体排放核算)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Final

import click
from rich.console import Console
from rich.padding import Padding

from citycarbon.accounting import ReportError, ReportResult, compute_report, sectors
from citycarbon.accounting.interchange import InterchangeError, ReadReport, read_reports
from citycarbon.accounting.output import (
    batch_record,
    error_text,
    factor_record,
    plain,
    sector_record,
    source_record,
)
from citycarbon.accounting.sources import SOURCE_TYPES
from citycarbon.accounting.workbook import write_template
from citycarbon.cli.app import calc, main, template
from citycarbon.cli.common import (
    EXIT_REFUSED,
    emit_json,
    escape,
    fail,
    grouped,
    json_option,
    make_console,
    progress,
    table,
    zh_en,
)
from citycarbon.factors import default_library, fuels
from citycarbon.factors.regions import regions
from citycarbon.units import DEFAULT_METRIC, METRICS

TREATMENT_TEXT: Final = {"add": "计入\nadd", "subtract": "扣减\nsubtract", "memo": "单列\nmemo"}
#: Up to this many gases in a report get a column each in the table of lines.
GAS_COLUMNS: Final = 2


def _check_region(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    if value is not None and value not in regions():
        raise click.BadParameter(f"unknown region {value!r}; known: {', '.join(regions())}")
    return value


def _metric(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    for metric in METRICS:
        if metric.lower() == value.lower():
            return metric
    raise click.BadParameter(f"unknown GWP metric {value!r}; choose {', '.join(METRICS)}")


# --------------------------------------------------------------------------------------------
# citycarbon calc enterprise


@calc.command("enterprise")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--gwp",
    "metric",
    metavar="METRIC",
    default=DEFAULT_METRIC,
    show_default=True,
    callback=_metric,
    help=f"GWP metric for CO2e: {', '.join(METRICS)}.",
)
@click.option(
    "--region",
    metavar="REGION",
    callback=_check_region,
    help="Region (province id, e.g. henan) for reports that name none; chooses grid defaults.",
)
@click.option("--exact", is_flag=True, help="Show emission figures exactly, not rounded to 0.01 t.")
@json_option
def calc_enterprise(
    file: Path, metric: str, region: str | None, exact: bool, as_json: bool
) -> None:
    """Compute enterprise GHG reports from FILE (.json, .yaml or .xlsx) (计算企业排放报告).

    Each report is computed by its sector guideline; a report with any problem is refused as a
    whole and named with its line, field and value, and the others are still computed. Exit
    code 1 when any report was refused, 2 when the file cannot be read.
    """
    library = default_library()
    try:
        items = read_reports(file, region=region)
    except InterchangeError as exc:
        fail(exc.describe())
    if not items:
        fail(f"{file}: the file holds no reports")
    outcomes: list[tuple[ReadReport, ReportResult | ReportError]] = []
    for item in progress(items, "计算 computing reports"):
        if item.report is None:
            outcomes.append((item, item.refusal()))
            continue
        try:
            outcomes.append((item, compute_report(item.report, metric=metric, library=library)))
        except ReportError as exc:
            outcomes.append((item, exc))
    record = batch_record(outcomes, library, metric=metric, exact=exact, path=str(file))
    if as_json:
        emit_json(record)
    else:
        _print_batch(make_console(), outcomes, record)
    if record["refused"]:
        raise click.exceptions.Exit(EXIT_REFUSED)


def _print_batch(
    console: Console,
    outcomes: Sequence[tuple[ReadReport, ReportResult | ReportError]],
    record: Mapping[str, Any],
) -> None:
    computed = iter(record["reports"])
    for item, outcome in outcomes:
        if isinstance(outcome, ReportError):
            _print_refusal(console, item, outcome)
        else:
            _print_report(console, next(computed))
    refused = record["refused"]
    summary = f"计算 {record['computed']} 份报告，拒绝 {len(refused)} 份 / "
    summary += f"{record['computed']} report(s) computed, {len(refused)} refused"
    if refused:
        summary += f": {', '.join(refused)}"
    console.print(f"[bold]{escape(summary)}[/]")
    console.print(
        f"GWP {record['gwp_metric']} · factor library {record['factor_library']} · "
        f"rounding {record['rounding']}",
        style="dim",
    )


def _print_refusal(console: Console, item: ReadReport, error: ReportError) -> None:
    console.print(
        f"[bold red]✗ 报告 {escape(item.id)} 被拒绝，未计算 / report {escape(item.id)} refused, "
        "nothing computed:[/]"
    )
    for problem in error.errors:
        console.print(
            f"  • {escape(error_text(problem, item.cell(problem), item))}", soft_wrap=True
        )
    console.print()


def _line_label(line: Mapping[str, Any]) -> str:
    parts = []
    names = {f.id: f.name_zh for f in fuels().values()}
    for name, param in line["parameters"].items():
        if param["origin"] != "choice":
            continue
        value = param["value"]
        if name == "fuel":
            parts.append(zh_en(value, names.get(value)))
        elif name != "factor_kind" or value != "grid_average":
            parts.append(f"{name}={value}")
    if line["label"]:
        parts.insert(0, line["label"])
    return "\n".join(parts)


def _given(text: str | None) -> str:
    """An activity as written, its number grouped: ``1400000 MWh`` → ``1,400,000 MWh``."""
    if not text:
        return ""
    number, _, unit = text.partition(" ")
    try:
        return f"{grouped(number)} {unit}".strip()
    except ArithmeticError:
        return text


def _print_report(console: Console, report: Mapping[str, Any]) -> None:
    title = f"[bold]{escape(report['id'])}[/]"
    if report["enterprise"]:
        title += f"  {escape(report['enterprise'])}"
    region = report["region"]
    region_text = zh_en(regions()[region][0], region) if region in regions() else region
    facts = [
        zh_en(report["sector_name_zh"], report["sector_name_en"]),
        str(report["year"]),
        region_text,
        f"GWP {report['gwp_metric']}",
    ]
    console.print(title)
    console.print(" · ".join(escape(f) for f in facts if f), style="dim")

    gases = list(report["by_gas"])
    for line in report["lines"]:
        gases += [g for g in line["emissions_t"] if g not in gases]
    # One column per gas while there are few; several gases share one column, a gas a line.
    per_gas = len(gases) <= GAS_COLUMNS
    show_treatment = any(line["treatment"] != "add" for line in report["lines"])
    headers: list[str | tuple[str, str]] = [
        ("#", "right"),
        "排放源\nSource",
        "燃料/说明\nFuel/label",
        ("活动数据\nActivity", "right"),
        *(
            [(f"{gas} t", "right") for gas in gases]
            if per_gas
            else [("排放量\nEmissions, t", "right")]
        ),
        ("tCO2e", "right"),
    ]
    if show_treatment:
        headers.append("计入\nTreatment")
    headers.append("缺省值\nDefaults")
    lines = table(*headers, wrap=("排放源\nSource", "燃料/说明\nFuel/label"))
    for line in report["lines"]:
        masses = line["emissions_t"]
        if per_gas:
            emissions = [grouped(masses.get(gas)) for gas in gases]
        else:
            emissions = ["\n".join(f"{gas} {grouped(mass)}" for gas, mass in masses.items())]
        cells = [
            str(line["line"]),
            "\n".join(n for n in (line["source_name_zh"], line["source_name_en"]) if n),
            _line_label(line),
            _given(line["parameters"].get("quantity", {}).get("given")),
            *emissions,
            grouped(line["tco2e"]),
        ]
        if show_treatment:
            cells.append(TREATMENT_TEXT[line["treatment"]])
        cells.append("\n".join(line["defaults"]) or "—")
        lines.add_row(*(escape(c) for c in cells))
    console.print(lines)

    totals = table("合计 Totals", ("tCO2e", "right"), wrap=("合计 Totals",))
    for source, value in report["by_source"].items():
        spec = SOURCE_TYPES.get(source)
        name = zh_en(spec.name_zh, spec.name_en) if spec else source
        totals.add_row(escape(name), grouped(value))
    totals.add_section()
    totals.add_row("[bold]总排放量 Total[/]", f"[bold]{grouped(report['total_tco2e'])}[/]")
    console.print(totals)
    by_gas = "  ".join(f"{gas} {grouped(mass)} t" for gas, mass in report["by_gas"].items())
    console.print(f"按气体 By gas: {escape(by_gas)}")
    if report["memo"]:
        memo = "  ".join(
            f"{zh_en(SOURCE_TYPES[s].name_zh, s) if s in SOURCE_TYPES else s} {grouped(v)} tCO2e"
            for s, v in report["memo"].items()
        )
        console.print(f"单独报告（不计入总量） Reported separately: {escape(memo)}")
    _print_defaults(console, report)
    console.print()


def _print_defaults(console: Console, report: Mapping[str, Any]) -> None:
    """The default factor rows the report used, grouped by the document they come from."""
    by_source: dict[str, dict[str, str]] = {}
    for line in report["lines"]:
        for param in line["parameters"].values():
            if param["origin"] == "default":
                rows = by_source.setdefault(param["factor_source"] or "?", {})
                rows[param["factor_id"]] = f"{param['given']} [{param['factor_status']}]"
    if not by_source:
        return
    console.print("缺省值来源 Defaults used:", style="dim")
    for source, rows in by_source.items():
        console.print(Padding(escape(source), (0, 0, 0, 2)), style="dim")
        for factor_id, text in rows.items():
            console.print(f"      {escape(factor_id)} = {escape(text)}", style="dim")


# --------------------------------------------------------------------------------------------
# citycarbon template enterprise


@template.command("enterprise")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("enterprise_reports_template.xlsx"),
    show_default=True,
    help="The .xlsx file to write.",
)
@click.option(
    "--from",
    "source",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Fill the template with the reports of this .json/.yaml/.xlsx file.",
)
@click.option("--force", is_flag=True, help="Overwrite the output file if it exists.")
def template_enterprise(output: Path, source: Path | None, force: bool) -> None:
    """Write the Excel template for enterprise reports (下载企业排放报告模板).

    Fill in the Reports and Lines sheets and give the file to ``citycarbon calc enterprise``.
    """
    if output.suffix.lower() != ".xlsx":
        fail(f"{output}: the template is an .xlsx file")
    if output.exists() and not force:
        fail(f"{output} exists; give --force to overwrite it")
    reports = []
    if source is not None:
        try:
            items = read_reports(source)
        except InterchangeError as exc:
            fail(exc.describe())
        refused = [item for item in items if item.report is None]
        if refused:
            console = make_console(stderr=True)
            for item in refused:
                for problem in item.errors:
                    text = error_text(problem, item.cell(problem), item)
                    console.print(f"  • {escape(text)}", soft_wrap=True)
            fail(f"{source}: {len(refused)} report(s) refused; nothing written", EXIT_REFUSED)
        reports = [item.report for item in items if item.report is not None]
    write_template(output, reports)
    make_console().print(f"已写入 written: {escape(str(output))}")


# --------------------------------------------------------------------------------------------
# citycarbon sectors / sources / factors


@main.command("sectors")
@json_option
def sectors_command(as_json: bool) -> None:
    """The sector guidelines and the source types each has (行业核算指南)."""
    records = [sector_record(s) for s in sectors().values()]
    if as_json:
        emit_json({"sectors": records})
        return
    console = make_console()
    grid = table(
        "id",
        "行业 Sector",
        "排放源 Sources (treatment)",
        "指南 Guideline document",
        wrap=("行业 Sector", "指南 Guideline document"),
    )
    for record in records:
        parts = [
            item["source"]
            if item["treatment"] == "add"
            else f"{item['source']} ({item['treatment']})"
            for item in record["sources"]
        ]
        grid.add_row(
            record["id"],
            zh_en(record["name_zh"], record["name_en"]),
            escape("\n".join(parts)),
            escape(record["document"]),
        )
    console.print(grid)
    console.print(f"{len(records)} sector guidelines / 个行业指南", style="dim")


@main.command("sources")
@click.argument("source_id", required=False)
@json_option
def sources_command(source_id: str | None, as_json: bool) -> None:
    """Every emission-source type with its fields, formula and reference (排放源类别)."""
    if source_id is not None and source_id not in SOURCE_TYPES:
        fail(f"unknown source {source_id!r}; known: {', '.join(sorted(SOURCE_TYPES))}")
    chosen = [SOURCE_TYPES[source_id]] if source_id else list(SOURCE_TYPES.values())
    records = [source_record(s) for s in chosen]
    if as_json:
        emit_json({"sources": records})
        return
    console = make_console()
    for record in records:
        names = zh_en(record["name_zh"], record["name_en"])
        console.print(f"[bold]{escape(record['id'])}[/]  {escape(names)}")
        console.print(
            f"  formula: {escape(record['formula'])}   gases: {', '.join(record['gases'])}"
        )
        console.print(f"  reference: {escape(record['reference'])}", style="dim")
        grid = table(
            "field",
            "kind",
            "units",
            "缺省值 default",
            "range",
            "说明 description",
            wrap=("units", "缺省值 default", "说明 description"),
        )
        for spec in record["fields"]:
            default = spec["default"]
            default_text = (
                f"{default['parameter']} by {default['by']}"
                + ("" if default["kind"] == "default" else f" ({default['kind']})")
                if default
                else ("required" if spec["required"] else "optional")
            )
            span = _span(spec) if spec["kind"] != "choice" else ""
            choices = spec["choices"]
            units = ", ".join(spec["units"]) or (
                f"{len(choices)} choices"
                if choices and len(choices) > 6
                else ", ".join(choices or [])
            )
            grid.add_row(
                spec["name"],
                spec["kind"],
                escape(units),
                escape(default_text),
                span,
                escape(zh_en(spec["description_zh"], spec["description_en"])),
            )
        console.print(grid)


def _span(spec: Mapping[str, Any]) -> str:
    low, high = spec["minimum"], spec["maximum"]
    if low is not None and high is not None:
        return f"{low}–{high}"
    if low is not None:
        return f"≥ {low}"
    return "" if high is None else f"≤ {high}"


@main.command("factors")
@click.option("--parameter", help="Only rows of this parameter (ncv, carbon_content, grid_ef …).")
@click.option("--subject", help="Only rows about this subject (raw_coal, central_china_grid …).")
@json_option
def factors_command(parameter: str | None, subject: str | None, as_json: bool) -> None:
    """The factor library: default values with their source and verification status (缺省值库)."""
    library = default_library()
    rows = [
        row
        for row in library.rows
        if (parameter is None or row.parameter == parameter)
        and (subject is None or row.subject == subject)
    ]
    if parameter is not None and not any(r.parameter == parameter for r in library.rows):
        known = sorted({r.parameter for r in library.rows})
        fail(f"no factor rows for parameter {parameter!r}; parameters: {', '.join(known)}")
    if subject is not None and not any(r.subject == subject for r in library.rows):
        known = sorted({r.subject for r in library.rows})
        fail(f"no factor rows for subject {subject!r}; subjects: {', '.join(known)}")
    records = [factor_record(row) for row in rows]
    if as_json:
        emit_json({"factor_library": library.version, "factors": records})
        return
    console = make_console()
    for row in rows:
        scope = [row.kind]
        if row.guideline != "*":
            scope.append(row.guideline)
        if row.region != "*":
            scope.append(row.region)
        if row.year_from is not None or row.year_to is not None:
            scope.append(f"{row.year_from or ''}–{row.year_to or ''}")
        console.print(
            f"[bold]{escape(row.id)}[/]  {escape(row.parameter)} · {escape(row.subject)} = "
            f"[bold]{plain(row.value)} {escape(row.unit)}[/]  ({escape('; '.join(scope))})  "
            f"[{escape(row.status)}]"
        )
        console.print(Padding(escape(row.source), (0, 0, 0, 4)), style="dim")
        if row.note:
            console.print(Padding(escape(row.note), (0, 0, 0, 4)), style="dim italic")
    console.print(
        f"{len(rows)} rows · factor library {library.version} · status: V-doc/V-data/V-news "
        "checked in a source, C-n n transcriptions agree, D derived, R recalled",
        style="dim",
    )
