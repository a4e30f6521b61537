"""Monitoring-ledger commands: ``template ledger`` and ``calc ledger`` (月度台账检查与年度报告)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import click
from rich.console import Console

from citycarbon.accounting.interchange import InterchangeError
from citycarbon.accounting.monitoring import MonitoringPlan
from citycarbon.accounting.monitoring.annual import AnnualReport, LedgerCheck, check_ledger
from citycarbon.accounting.monitoring.document import MonitoringDocument, read_document
from citycarbon.accounting.monitoring.findings import Finding
from citycarbon.accounting.monitoring.template import write_template
from citycarbon.accounting.output import figure, plain, refusal_records, report_record
from citycarbon.accounting.sectors import sectors
from citycarbon.cli.app import calc, template
from citycarbon.cli.common import (
    EXIT_REFUSED,
    EXIT_USAGE,
    emit_json,
    escape,
    fail,
    grouped,
    json_option,
    make_console,
    table,
    zh_en,
)
from citycarbon.factors import default_library
from citycarbon.units import DEFAULT_METRIC, METRICS

SEVERITY_TEXT = {"error": "错误\nerror", "warning": "警告\nwarning"}


def _metric(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    for metric in METRICS:
        if metric.lower() == value.lower():
            return metric
    raise click.BadParameter(f"unknown GWP metric {value!r}; choose {', '.join(METRICS)}")


def _read(path: Path) -> MonitoringDocument:
    try:
        return read_document(path)
    except InterchangeError as exc:
        fail(exc.describe())


def _print_findings(console: Console, findings: Sequence[Finding], title: str) -> None:
    if not findings:
        return
    grid = table(
        "级别\nSeverity",
        "代码\nCode",
        ("行\nRow", "right"),
        "位置\nWhere",
        "说明\nMessage",
        title=title,
        wrap=("位置\nWhere", "说明\nMessage"),
    )
    for item in findings:
        where = " · ".join(
            part
            for part in (
                f"{item.sheet}!{item.column}{item.row}" if item.sheet and item.column else None,
                item.stream,
                item.parameter,
                item.month,
                item.field if item.field not in (None, item.parameter, "value") else None,
            )
            if part
        )
        value = f" [{item.value}]" if item.value is not None else ""
        grid.add_row(
            SEVERITY_TEXT[item.severity],
            item.code,
            "" if item.row is None else str(item.row),
            escape(where),
            escape(item.message + value),
        )
    console.print(grid)


def _derivation_text(report: AnnualReport, stream: str, name: str) -> str:
    try:
        item = report.derivation(stream, name)
    except KeyError:
        return ""
    if item.method == "sum":
        return f"Σ {len(item.parts)} months"
    if item.method in ("weighted_mean", "element_carbon"):
        weights = " × ".join(item.weights) or "1"
        return f"weighted by {weights} over {len(item.parts)} months"
    if item.method == "mean":
        return f"mean of {len(item.parts)} months"
    return item.method


def _print_report(console: Console, report: AnnualReport, record: Mapping[str, Any]) -> None:
    plan = report.plan
    sector = sectors().get(plan.sector)
    title = f"[bold]{escape(plan.enterprise)}[/]" + (f"  {escape(plan.name)}" if plan.name else "")
    console.print(title)
    facts = [
        zh_en(sector.name_zh, sector.name_en) if sector else plan.sector,
        f"{plan.year}, months 1–{report.through_month}",
        f"GWP {record['gwp_metric']}",
    ]
    console.print(" · ".join(escape(f) for f in facts), style="dim")
    grid = table(
        "源流\nStream",
        "参数\nParameter",
        ("数值\nValue", "right"),
        "单位\nUnit",
        "来源\nDerivation",
        wrap=("来源\nDerivation",),
    )
    for stream in plan.streams:
        for item in report.derivations:
            if item.stream != stream.id or item.method == "choice":
                continue
            value = "" if item.value is None else str(item.value)
            if isinstance(item.value, Decimal):
                value = plain(item.value.quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP))
            grid.add_row(
                escape(stream.id),
                escape(item.field),
                escape(value),
                escape(item.unit),
                escape(_derivation_text(report, stream.id, item.field)),
            )
    console.print(grid)
    totals = table("合计 Totals", ("tCO2e", "right"))
    for source, value in record["by_source"].items():
        totals.add_row(escape(source), grouped(value))
    totals.add_section()
    totals.add_row("[bold]总排放量 Total[/]", f"[bold]{grouped(record['total_tco2e'])}[/]")
    console.print(totals)
    if report.omitted:
        console.print(f"无活动数据，未计入 No activity: {escape(', '.join(report.omitted))}")
    intensity = report.intensity
    if intensity is not None:
        console.print(
            f"排放强度 Intensity: {plain(intensity.quantize(Decimal('0.000001')))} "
            f"{report.intensity_unit}"
        )


def _enterprise_record(
    report: AnnualReport, findings: Sequence[Finding], exact: bool
) -> dict[str, Any]:
    library = default_library()
    record: dict[str, Any] = {
        "enterprise": report.plan.enterprise,
        "name": report.plan.name,
        "sector": report.plan.sector,
        "year": report.plan.year,
        "through_month": report.through_month,
        "blocking": any(f.severity == "error" for f in findings),
        "findings": [f.as_dict() for f in findings],
        "report": None,
        "refusal": None,
    }
    if report.result is not None:
        record["report"] = report_record(report.result, library, report=report.report, exact=exact)
        record["derivations"] = [d.as_dict() for d in report.derivations]
        record["omitted"] = list(report.omitted)
        record["outputs"] = {k: plain(v) for k, v in report.outputs.items()}
        intensity = report.intensity
        record["intensity_tco2e_per_unit"] = None if intensity is None else plain(intensity)
        record["intensity_unit"] = report.intensity_unit
        record["total_tco2e"] = figure(report.result.total.value, exact=exact)
    elif report.refusal is not None:
        record["refusal"] = refusal_records(report.refusal.errors)
    return record


def _plans(document: MonitoringDocument, extra: MonitoringDocument | None) -> list[MonitoringPlan]:
    plans = list(document.plans)
    if extra is not None:
        given = {p.enterprise for p in extra.plans}
        clash = sorted(given & {p.enterprise for p in plans})
        if clash:
            fail(f"two plans for enterprise(s) {', '.join(clash)} (in the file and in --plan)")
        plans += list(extra.plans)
    return plans


@calc.command("ledger")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--plan",
    "plan_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Monitoring plans (.json/.yaml/.xlsx) when FILE does not hold them.",
)
@click.option(
    "--month",
    type=click.IntRange(1, 12),
    default=12,
    show_default=True,
    help="Reporting month: check and report months 1..MONTH.",
)
@click.option(
    "--gwp",
    "metric",
    metavar="METRIC",
    default=DEFAULT_METRIC,
    show_default=True,
    callback=_metric,
    help=f"GWP metric for CO2e: {', '.join(METRICS)}.",
)
@click.option("--exact", is_flag=True, help="Show emission figures exactly, not rounded.")
@json_option
def calc_ledger(
    file: Path, plan_file: Path | None, month: int, metric: str, exact: bool, as_json: bool
) -> None:
    """Check a monthly ledger against its monitoring plans and build the annual reports
    (检查月度台账并生成年度报告).

    FILE is a filled ledger template (.xlsx) or a JSON/YAML document with "plans" and "ledger".
    Every check runs (docs/mrv.md); an enterprise with an error is not reported, warnings are
    listed. Exit code 1 when any error was found, 2 when the file cannot be read (a workbook
    with unreadable cells is refused as a whole, each cell named).
    """
    document = _read(file)
    extra = _read(plan_file) if plan_file is not None else None
    refused = [f for d in (document, extra) if d is not None for f in d.findings]
    if document.refused or (extra is not None and extra.refused):
        if as_json:
            emit_json(
                {"file": str(file), "refused": True, "findings": [f.as_dict() for f in refused]}
            )
        else:
            console = make_console()
            _print_findings(
                console, refused, "文件被拒绝，未计算 / the file is refused; nothing computed"
            )
        raise click.exceptions.Exit(EXIT_USAGE)
    plans = _plans(document, extra)
    if not plans:
        fail(f"{file}: no monitoring plan (give them in the file or with --plan)")
    checked: LedgerCheck = check_ledger(plans, document.rows, reporting_month=month, metric=metric)
    loose = [f for f in checked.findings if f.enterprise not in checked.enterprises]
    warnings = [f for f in refused if f.severity == "warning"]
    records = [
        _enterprise_record(item.report, item.findings, exact)
        for item in checked.enterprises.values()
        if item.report is not None
    ]
    errors = sum(1 for f in checked.findings if f.severity == "error")
    if as_json:
        emit_json(
            {
                "file": str(file),
                "refused": False,
                "month": month,
                "gwp_metric": metric,
                "factor_library": default_library().version,
                "plan_findings": [f.as_dict() for f in warnings],
                "findings": [f.as_dict() for f in loose],
                "enterprises": records,
                "errors": errors,
                "warnings": sum(1 for f in checked.findings if f.severity == "warning"),
            }
        )
    else:
        console = make_console()
        _print_findings(console, warnings, "计划提示 Plan warnings")
        _print_findings(console, loose, "无计划的数据 Rows without a plan")
        for item, record in zip(checked.enterprises.values(), records, strict=True):
            report = item.report
            assert report is not None
            if record["report"] is not None:
                _print_report(console, report, record["report"])
            else:
                console.print(
                    f"[bold red]✗ {escape(report.plan.enterprise)}: 未生成报告 / not reported[/]"
                )
                for problem in record["refusal"] or []:
                    console.print(f"  • {escape(problem['message'])}")
            _print_findings(console, item.findings, f"检查结果 Findings ({report.plan.enterprise})")
            console.print()
        console.print(
            f"[bold]{len(records)} 家企业 enterprise(s); {errors} 个错误 error(s), "
            f"{sum(1 for f in checked.findings if f.severity == 'warning')} 个警告 warning(s)[/]"
        )
    if errors or any(r["refusal"] for r in records):
        raise click.exceptions.Exit(EXIT_REFUSED)


@template.command("ledger")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("ledger_template.xlsx"),
    show_default=True,
    help="The .xlsx file to write.",
)
@click.option(
    "--plan",
    "plan_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Fill the Plan sheet with these plans and pre-fill the Ledger rows they need.",
)
@click.option("--force", is_flag=True, help="Overwrite the output file if it exists.")
def template_ledger(output: Path, plan_file: Path | None, force: bool) -> None:
    """Write the Excel template of the monthly ledger (下载月度台账模板).

    Fill in the Plan and Ledger sheets and give the file to ``citycarbon calc ledger``.
    """
    if output.suffix.lower() != ".xlsx":
        fail(f"{output}: the template is an .xlsx file")
    if output.exists() and not force:
        fail(f"{output} exists; give --force to overwrite it")
    plans: list[MonitoringPlan] = []
    if plan_file is not None:
        document = _read(plan_file)
        if document.refused:
            _print_findings(
                make_console(stderr=True), document.findings, "计划被拒绝 Plans refused"
            )
            fail(f"{plan_file}: the plans are refused; nothing written", EXIT_REFUSED)
        plans = list(document.plans)
    write_template(output, plans)
    make_console().print(f"已写入 written: {escape(str(output))}")
