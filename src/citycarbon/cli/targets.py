"""Target commands: ``calc targets``, ``targets show`` and ``template targets``.

* ``citycarbon calc targets FILE [--json] [--as-of YEAR]`` — assess targets and yearly statistics
  from JSON, YAML or the Excel template.
* ``citycarbon targets show SET [--json]`` — print a shipped plan's annex of targets and its
  plan-wide indicators (``citycarbon targets show zhengzhou``).
* ``citycarbon template targets [-o FILE] [--set SET] [--example]`` — write the Excel template.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import click
import yaml
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from rich.console import Console

from citycarbon.cli.app import calc, main, template
from citycarbon.cli.common import (
    EXIT_REFUSED,
    emit_json,
    escape,
    fail,
    json_option,
    make_console,
    table,
)
from citycarbon.targets import (
    Assessment,
    TargetsInputError,
    assess,
    available_sets,
    example,
    jurisdiction_set,
    parse_input,
)

_jurisdiction_set = jurisdiction_set  # the command's argument shadows the name

__all__ = ["input_to_workbook", "read_input", "targets", "workbook_to_input"]

EXAMPLE = "zhengzhou-2010-2015-illustrative"

#: Columns of the template's sheets (field ids of the JSON input).
YEAR_COLUMNS = (
    "gdp_constant_cny_100m", "gdp_current_cny_100m", "gdp_deflator", "gdp_index",
    "gdp_real_growth_pct", "co2_t", "energy_tce", "electricity_imported_mwh",
    "electricity_exported_mwh", "net_electricity_import_mwh", "co2_intensity_annual_target_pct",
    "energy_intensity_annual_target_pct", "measures_score", "note",
)  # fmt: skip
JURISDICTION_COLUMNS = (
    "id", "name", "parent", "co2_intensity_target_pct", "energy_intensity_target_pct",
    "co2_uncertainty_pct", "energy_uncertainty_pct", "gdp_uncertainty_pct", "note",
)  # fmt: skip
SHEETS: dict[str, tuple[str, ...]] = {
    "jurisdictions": JURISDICTION_COLUMNS,
    "years": ("jurisdiction", "year", *YEAR_COLUMNS),
    "fuels": ("jurisdiction", "year", "fuel", "quantity", "unit"),
    "co2_factors": ("fuel", "value", "unit"),
    "measures": ("jurisdiction", "year", "item", "points", "evidence"),
    "indicators": ("jurisdiction", "year", "indicator", "value"),
}
LABELS = {
    "jurisdictions": (
        "# 辖区：编号、名称、上级、二氧化碳强度下降目标（%）、能耗强度下降目标（%）、"
        "不确定性（%，可空）"
    ),
    "years": (
        "# 年度统计：GDP 亿元（不变价，或现价 + 平减指数 / 不变价指数 / 实际增速）、"
        "二氧化碳 t、能耗 tce、电力调入调出 MWh、年度目标 %、任务措施得分"
    ),
    "fuels": "# 分品种能源消费：数量与单位（t、10^4 t、10^4 Nm3 …）；有此表则二氧化碳按品种计算",
    "co2_factors": "# 排放因子：每单位燃料的二氧化碳（如 tCO2/t）；未填的燃料用因子库缺省值",
    "measures": "# 任务措施评分：清单项目、得分、证明材料（得分须附证明）",
    "indicators": "# 规划其他指标的年度值（服务业比重、新能源消费量、燃气普及率 …）",
}
PERIOD_KEYS = (
    "base_year",
    "target_year",
    "tree",
    "title",
    "illustrative",
    "note",
    "grid_factor_tco2_per_mwh",
)


# ------------------------------------------------------------------------------------------------
# Reading input files


def read_input(path: Path) -> Any:
    """The plain data of an input file: ``.json``, ``.yaml``/``.yml`` or ``.xlsx``."""
    suffix = path.suffix.lower()
    if suffix == ".json":
        return json.loads(path.read_text(encoding="utf-8"))
    if suffix in (".yaml", ".yml"):
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    if suffix == ".xlsx":
        return workbook_to_input(load_workbook(path, data_only=True))
    raise click.BadParameter(
        f"{path.name}: give a .json, .yaml, .yml or .xlsx file", param_hint="FILE"
    )


def _rows(sheet: Any) -> Iterable[dict[str, Any]]:
    values = list(sheet.iter_rows(values_only=True))
    if not values:
        return
    header = [str(h).strip() if h is not None else "" for h in values[0]]
    for raw in values[1:]:
        if raw and isinstance(raw[0], str) and raw[0].startswith("#"):
            continue
        row = {h: v for h, v in zip(header, raw, strict=False) if h and v is not None and v != ""}
        if row:
            yield row


def _year_key(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _period_sheet(sheet: Any) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for row in sheet.iter_rows(values_only=True):
        if not row or row[0] is None or str(row[0]).startswith("#") or len(row) < 2:
            continue
        key, value = str(row[0]).strip(), row[1]
        if value is None or value == "" or key == "key":
            continue
        data["grid_factor" if key == "grid_factor_tco2_per_mwh" else key] = value
    return data


def _with_unit(value: Any, unit: Any) -> Any:
    return {"value": value, "unit": unit} if unit else value


def workbook_to_input(wb: Any) -> dict[str, Any]:
    """The input (plain data, as in JSON) from a filled-in template workbook."""
    sheets = set(wb.sheetnames)
    data = _period_sheet(wb["period"]) if "period" in sheets else {}
    jurisdictions: dict[str, dict[str, Any]] = {}
    if "jurisdictions" in sheets:
        for row in _rows(wb["jurisdictions"]):
            jid = str(row.get("id", "")).strip()
            jurisdictions[jid] = {**row, "id": jid, "years": {}}

    def year_entry(row: Mapping[str, Any]) -> dict[str, Any]:
        jid = str(row.get("jurisdiction", "")).strip()
        jur = jurisdictions.setdefault(jid, {"id": jid, "years": {}})
        years: dict[str, dict[str, Any]] = jur["years"]
        return years.setdefault(_year_key(row.get("year")), {})

    for row in _rows(wb["years"]) if "years" in sheets else ():
        year_entry(row).update({k: v for k, v in row.items() if k not in ("jurisdiction", "year")})
    for row in _rows(wb["fuels"]) if "fuels" in sheets else ():
        quantity = _with_unit(row.get("quantity"), row.get("unit"))
        year_entry(row).setdefault("fuels", {})[str(row.get("fuel"))] = quantity
    for row in _rows(wb["measures"]) if "measures" in sheets else ():
        award = {"points": row.get("points"), "evidence": row.get("evidence", "")}
        year_entry(row).setdefault("measures", {})[str(row.get("item"))] = award
    for row in _rows(wb["indicators"]) if "indicators" in sheets else ():
        year_entry(row).setdefault("indicators", {})[str(row.get("indicator"))] = row.get("value")
    factors = {
        str(row.get("fuel")): _with_unit(row.get("value"), row.get("unit"))
        for row in (_rows(wb["co2_factors"]) if "co2_factors" in sheets else ())
    }
    if factors:
        data["co2_factors"] = factors
    data["jurisdictions"] = list(jurisdictions.values())
    return data


def input_to_workbook(data: Mapping[str, Any]) -> Workbook:
    """A template workbook holding ``data`` (an input as in JSON)."""
    wb = Workbook()
    readme = wb.active
    assert readme is not None
    readme.title = "README"
    for line in (
        "citycarbon — 目标考核数据模板 / targets assessment template",
        "Fill in the sheets and run: citycarbon calc targets THIS_FILE.xlsx",
        "Row 1 of each sheet holds the field ids (do not change them); rows with # are notes.",
        "GDP in 亿元 (10^8 CNY) at constant prices of the base year, or current prices with "
        "gdp_deflator (base year = 100), gdp_index (real index, base year = 100) or "
        "gdp_real_growth_pct.",
        "CO2: give co2_t, or the fuels sheet (and electricity imported/exported with grid_factor).",
        "Field reference: docs/targets.md.",
    ):
        readme.append([line])
    period = wb.create_sheet("period")
    period.append(["key", "value"])
    grid = data.get("grid_factor")
    for key in PERIOD_KEYS:
        if key == "grid_factor_tco2_per_mwh":
            value = grid.get("value") if isinstance(grid, Mapping) else grid
        else:
            value = data.get(key)
        period.append([key, value])
    sheets = {name: wb.create_sheet(name) for name in SHEETS}
    for name, columns in SHEETS.items():
        sheets[name].append(list(columns))
        sheets[name].append([LABELS[name]])
        for cell in sheets[name][1]:
            cell.font = Font(bold=True)
        sheets[name]["A2"].font = Font(italic=True, color="808080")
    for fuel, value in (data.get("co2_factors") or {}).items():
        if isinstance(value, Mapping):
            sheets["co2_factors"].append([fuel, value.get("value"), value.get("unit")])
        else:
            sheets["co2_factors"].append([fuel, value, None])
    for jur in data.get("jurisdictions", []):
        sheets["jurisdictions"].append([jur.get(c) for c in JURISDICTION_COLUMNS])
        for year, fig in (jur.get("years") or {}).items():
            sheets["years"].append([jur["id"], int(year), *[fig.get(c) for c in YEAR_COLUMNS]])
            for fuel, amount in (fig.get("fuels") or {}).items():
                if isinstance(amount, Mapping):
                    sheets["fuels"].append(
                        [jur["id"], int(year), fuel, amount.get("value"), amount.get("unit")]
                    )
                else:
                    sheets["fuels"].append([jur["id"], int(year), fuel, amount, None])
            for item, award in (fig.get("measures") or {}).items():
                sheets["measures"].append(
                    [jur["id"], int(year), item, award.get("points"), award.get("evidence")]
                )
            for indicator, value in (fig.get("indicators") or {}).items():
                sheets["indicators"].append([jur["id"], int(year), indicator, value])
    return wb


def _blank_template(set_id: str) -> dict[str, Any]:
    jset = jurisdiction_set(set_id)
    jurisdictions: list[dict[str, Any]] = []
    for row in jset.annex:
        node = jset.tree.node(row.jurisdiction)
        jurisdictions.append(
            {
                "id": row.jurisdiction,
                "name": node.name,
                "parent": node.parent,
                "co2_intensity_target_pct": row.co2_intensity_target_pct,
                "energy_intensity_target_pct": row.energy_intensity_target_pct,
                "years": {str(y): {} for y in range(jset.base_year, jset.target_year + 1)},
            }
        )
    return {
        "base_year": jset.base_year,
        "target_year": jset.target_year,
        "tree": jset.id,
        "title": jset.name,
        "jurisdictions": jurisdictions,
    }


# ------------------------------------------------------------------------------------------------
# Printing


def _fmt(value: Any, spec: str = ".2f") -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float | int):
        return format(value, spec)
    return str(value)


def _outlook(label: str, fig: Any) -> list[str]:
    """Lines on the verdict and the projection of an indicator in its latest year."""
    if fig is None:
        return []
    lines = []
    if fig.verdict:
        lines.append(
            f"  {label} 五年结论 five-year verdict: [bold]{fig.verdict}[/bold] (completion "
            f"{_fmt(fig.final_completion_pct)} % of the −{fig.target_pct:g} % target)"
        )
    p = fig.projection
    if p is None:
        return lines
    chance = f"[bold]{_fmt(p.probability_meeting_target_pct)} %[/bold]"
    if p.years_ahead == 0:
        lines.append(
            f"  {label} at the target year: probability that the true fall meets "
            f"−{p.target_pct:g} % given the data's uncertainty "
            f"({_fmt(p.data_uncertainty_pct)} %): {chance} ({p.draws} draws, seed {p.seed})"
        )
    else:
        lines.append(
            f"  {label} 预测 projection {p.from_year} → {p.target_year}: "
            f"fall {_fmt(p.projected_reduction_pct)} % "
            f"(trend {_fmt(p.trend_annual_reduction_pct)} %/yr); "
            f"probability of meeting −{p.target_pct:g} %: {chance} "
            f"({p.draws} draws, seed {p.seed}; "
            f"yearly sd {_fmt(p.annual_sd_pct)} % {p.annual_sd_source}, "
            f"data uncertainty {_fmt(p.data_uncertainty_pct)} %)"
        )
    return lines


_INDICATOR_HEADERS = (
    "year", ("{q}/GDP", "right"), ("fall%", "right"), ("req%", "right"), ("prog%", "right"),
    ("lin%", "right"), ("yr%", "right"), ("yr req%", "right"), "warn",
)  # fmt: skip


def _indicator_cells(year: int, fig: Any) -> list[str]:
    return [
        str(year), _fmt(fig.intensity, ".4f"), _fmt(fig.reduction_pct),
        _fmt(fig.required_cumulative_reduction_pct), _fmt(fig.progress_share_pct),
        _fmt(fig.progress_share_linear_pct), _fmt(fig.annual_reduction_pct),
        _fmt(fig.annual_required_reduction_pct), _fmt(fig.warning_level),
    ]  # fmt: skip


def _headers(quantity: str) -> list[str | tuple[str, str]]:
    return [
        (h.format(q=quantity) if isinstance(h, str) else (h[0].format(q=quantity), h[1]))
        for h in _INDICATOR_HEADERS
    ]


def _bases(values: Iterable[str]) -> str:
    return ", ".join(dict.fromkeys(values))


def _print_assessment(console: Console, result: Assessment) -> None:
    period = result.period
    console.print(f"[bold]{escape(result.title or '目标考核 Targets assessment')}[/bold]")
    if result.illustrative:
        console.print(
            "[bold red]说明性数据，非官方统计 ILLUSTRATIVE DATA, not official statistics[/]"
        )
    console.print(
        f"period {period.base_year}–{period.target_year} (n = {period.years}), "
        f"as of {result.as_of}. Intensities in t/万元 at constant prices of the base year; "
        "fall% = reduction since the base year, req% = cumulative requirement of the even "
        "pace, prog%/lin% = share of the period's target (compound/linear), yr% = reduction "
        "in the year, pts = target points (of 50), score = pts + tasks and measures (of 50).",
        soft_wrap=True,
    )
    by_jur: dict[str, list[Any]] = {}
    for row in result.rows:
        by_jur.setdefault(row.jurisdiction, []).append(row)
    for rows in by_jur.values():
        first = rows[0]
        console.print()
        console.print(
            f"[bold]{escape(first.name)}[/bold] ({first.jurisdiction}) — CO2 target "
            f"−{first.co2.target_pct:g} %"
            + (f", energy target −{first.energy.target_pct:g} %" if first.energy else "")
            + f" · CO2 {_bases(r.co2_basis for r in rows)}"
            + f" · GDP {_bases(r.gdp_basis for r in rows)}"
        )
        grid = table(
            *_headers("CO2"),
            ("pts", "right"),
            ("score", "right"),
            "grade",
            "veto",
            ("rank", "right"),
        )
        for r in rows:
            rank = f"{r.rank}/{r.rank_of}" if r.rank else "—"
            grid.add_row(
                *_indicator_cells(r.year, r.co2),
                _fmt(r.target_points), _fmt(r.score), _fmt(r.grade),
                _fmt(r.veto), rank,
            )  # fmt: skip
        console.print(grid)
        if first.energy is not None:
            grid = table(*_headers("energy"))
            for r in rows:
                grid.add_row(*_indicator_cells(r.year, r.energy))
            console.print(grid)
        last = rows[-1]
        for label, fig in (("CO2", last.co2), ("energy", last.energy)):
            for line in _outlook(label, fig):
                console.print(line, soft_wrap=True)
    if result.indicator_progress:
        names = {i.id: i for i in result.indicators}
        grid = table(
            "jurisdiction", "indicator", "unit", "clause", "department", "year",
            ("value", "right"), ("target", "right"), "met", ("progress %", "right"),
            title="规划其他指标 Plan-wide indicators (latest year)",
        )  # fmt: skip
        latest: dict[tuple[str, str], Any] = {}
        for p in result.indicator_progress:  # in year order: the last one stays
            latest[(p.jurisdiction, p.indicator)] = p
        for p in latest.values():
            ind = names[p.indicator]
            grid.add_row(
                p.jurisdiction, ind.name, ind.unit, ind.clause, ind.responsible_department,
                str(p.year), _fmt(p.value, "g"), _fmt(p.target, "g"), _fmt(p.met),
                _fmt(p.progress_pct),
            )  # fmt: skip
        console.print()
        console.print(grid)


def _print_set(console: Console, set_id: str) -> None:
    jset = jurisdiction_set(set_id)
    console.print(f"[bold]{escape(jset.name)}[/bold]")
    console.print(f"{jset.document} · {jset.issuer} · {jset.issued} · 主办 {jset.lead_office}")
    console.print(f"period {jset.base_year}–{jset.target_year}")
    cols = jset.annex_columns
    grid = table(
        cols.get("name", "jurisdiction"),
        "id",
        (cols.get("co2_intensity_target_pct", "CO2 %"), "right"),
        (cols.get("energy_intensity_target_pct", "energy %"), "right"),
        title=f"附件：{jset.annex_title}",
    )
    for row in jset.annex:
        grid.add_row(
            row.annex_name,
            row.jurisdiction,
            _fmt(row.co2_intensity_target_pct, "g"),
            _fmt(row.energy_intensity_target_pct, "g"),
        )
    console.print(grid)
    console.print(f"{len(jset.annex)} rows. Not in the annex:")
    for item in jset.not_in_annex:
        console.print(f"  • {item.get('name')}: {escape(str(item.get('note')))}", soft_wrap=True)
    grid = table(
        "indicator", "unit", "direction", ("baseline", "right"), ("target", "right"), "year",
        "department", "clause", title="规划指标 Plan-wide indicators",
    )  # fmt: skip
    for ind in jset.indicators:
        grid.add_row(
            ind.name, ind.unit, ind.direction, _fmt(ind.baseline, "g"), _fmt(ind.target, "g"),
            _fmt(ind.target_year, "d"), ind.responsible_department, ind.clause,
        )  # fmt: skip
    console.print()
    console.print(grid)


# ------------------------------------------------------------------------------------------------
# Commands


@calc.command("targets")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--as-of", "as_of", type=int, default=None, help="Use the statistics up to this year only."
)
@json_option
def calc_targets(file: Path, as_of: int | None, as_json: bool) -> None:
    """Assess intensity targets per jurisdiction and year from FILE (目标考核).

    FILE is .json, .yaml or the .xlsx template from ``citycarbon template targets``. Bad input
    is refused as a whole with jurisdiction, year, field and value named, and nothing is
    computed (exit code 1); exit code 2 when the file cannot be read.
    """
    try:
        data = read_input(file)
    except (json.JSONDecodeError, yaml.YAMLError, OSError, ValueError) as exc:
        fail(f"{file}: cannot be read: {exc}")
    try:
        inp = parse_input(data)
    except TargetsInputError as exc:
        if as_json:
            emit_json({"refused": True, "problems": [p.as_dict() for p in exc.problems]})
        else:
            console = make_console()
            console.print(
                f"[bold red]✗ {escape(str(file))}: 拒绝，未计算 input refused, nothing computed:[/]"
            )
            for problem in exc.problems:
                console.print(f"  • {escape(str(problem))}", soft_wrap=True)
        raise click.exceptions.Exit(EXIT_REFUSED) from None
    if as_of is not None and as_of not in inp.period:
        fail(
            f"--as-of {as_of} is outside the period {inp.period.base_year}–{inp.period.target_year}"
        )
    result = assess(inp, as_of=as_of)
    if as_json:
        emit_json(result.as_dict())
    else:
        _print_assessment(make_console(), result)


@main.group("targets")
def targets() -> None:
    """Targets and their decomposition over jurisdictions (目标分解)."""


@targets.command("show")
@click.argument("jurisdiction_set")
@json_option
def show(jurisdiction_set: str, as_json: bool) -> None:
    """Print a shipped plan's annex of targets and its plan-wide indicators (e.g. zhengzhou)."""
    if jurisdiction_set not in available_sets():
        fail(f"no jurisdiction set {jurisdiction_set!r}; shipped: {', '.join(available_sets())}")
    if as_json:
        emit_json(_jurisdiction_set(jurisdiction_set).as_dict())
    else:
        _print_set(make_console(), jurisdiction_set)


@template.command("targets")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("targets_template.xlsx"),
    show_default=True,
    help="The .xlsx file to write.",
)
@click.option(
    "--set",
    "set_id",
    default="zhengzhou",
    show_default=True,
    help="Jurisdiction set whose annex fills the template.",
)
@click.option(
    "--example", "with_example", is_flag=True, help="Fill in the illustrative example statistics."
)
@click.option("--force", is_flag=True, help="Overwrite the output file if it exists.")
def template_targets(output: Path, set_id: str, with_example: bool, force: bool) -> None:
    """Write the Excel template for ``calc targets`` (下载目标考核数据模板).

    The jurisdictions sheet is filled with the annex of ``--set``; ``--example`` fills every
    sheet with the illustrative Zhengzhou statistics instead.
    """
    if output.suffix.lower() != ".xlsx":
        fail(f"{output}: the template is an .xlsx file")
    if output.exists() and not force:
        fail(f"{output} exists; give --force to overwrite it")
    if set_id not in available_sets():
        fail(f"no jurisdiction set {set_id!r}; shipped: {', '.join(available_sets())}")
    data = example(EXAMPLE) if with_example else _blank_template(set_id)
    input_to_workbook(data).save(output)
    make_console().print(f"已写入 written: {escape(str(output))}")
