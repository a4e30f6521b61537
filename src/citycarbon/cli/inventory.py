"""City and county inventory commands: ``calc inventory``, ``categories``, ``template inventory``
(城市和区县温室气体清单).

``calc inventory FILE`` reads an inventory workbook (``.xlsx``) or its JSON/YAML form, compiles
it and prints the totals, every category, the completeness report, the reference-approach check,
the key categories and, with ``--uncertainty N``, the Monte Carlo intervals. A refused inventory
prints every problem (sheet, row, column, value) on standard error, nothing on standard output,
and exits with status 1; a file that cannot be read exits with status 2.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final, NoReturn

import click
import yaml

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
from citycarbon.inventory import (
    GAS_GROUPS,
    InventoryInput,
    InventoryRefusedError,
    InventoryResult,
    categories,
    compile_inventory,
    load_form,
)
from citycarbon.inventory.analysis import approach1, key_categories, monte_carlo
from citycarbon.inventory.energy.balance import COLUMNS, ROWS
from citycarbon.inventory.model import SECTOR_NAMES, SECTORS
from citycarbon.inventory.workbook import read_workbook, write_workbook
from citycarbon.units import DEFAULT_METRIC, METRICS

__all__ = ["categories_command", "inventory_command", "markdown", "template_inventory_command"]

_FILE: Final = click.Path(exists=True, dir_okay=False, readable=True, path_type=Path)


def _metric(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    for metric in METRICS:
        if metric.lower() == value.lower():
            return metric
    raise click.BadParameter(f"unknown GWP metric {value!r}; choose {', '.join(METRICS)}")


def _refuse(file: Path, problems: Sequence[str]) -> NoReturn:
    console = make_console(stderr=True)
    for text in problems:
        console.print(f"  • {escape(text)}", soft_wrap=True)
    fail(f"{file}: inventory refused, nothing computed / 清单被拒绝，未计算", EXIT_REFUSED)


def load(path: Path) -> InventoryInput:
    """Read an inventory file: a workbook (.xlsx) or the JSON/YAML form."""
    try:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            return read_workbook(path)
        return load_form(path)
    except InventoryRefusedError as refused:
        _refuse(path, [e.describe() for e in refused.errors])
    except UnicodeDecodeError as error:
        fail(f"{path}: not UTF-8 text ({error.reason} at byte {error.start})")
    except OSError as error:
        fail(f"{path}: cannot be read ({error.strerror})")
    except Exception as error:  # openpyxl raises many kinds on a file that is not a workbook
        fail(f"{path}: cannot be read as an inventory ({type(error).__name__}: {error})")


def _compile(path: Path, metric: str | None) -> InventoryResult:
    inventory = load(path)
    try:
        return compile_inventory(inventory, metric=metric)
    except InventoryRefusedError as refused:
        _refuse(path, [e.describe() for e in refused.errors])


def _fmt(value: float | str | None, digits: int = 2) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return f"{value:,.{digits}f}"


@calc.command("inventory")
@click.argument("file", type=_FILE)
@click.option(
    "--gwp",
    "metric",
    metavar="METRIC",
    callback=_metric,
    help=f"GWP metric for CO2e ({', '.join(METRICS)}; default: the file's, else "
    f"{DEFAULT_METRIC}) / 全球增温潜势。",
)
@click.option(
    "--uncertainty",
    "iterations",
    type=click.IntRange(min=100),
    metavar="ITERATIONS",
    help="Also run the Monte Carlo uncertainty analysis (IPCC Approach 2) / 蒙特卡洛不确定性分析。",
)
@click.option("--seed", type=click.IntRange(min=0), help="Seed of the Monte Carlo run / 随机种子。")
@click.option(
    "--base",
    "base_file",
    type=_FILE,
    help="Base-year inventory, for the trend assessment of key categories / 基准年清单。",
)
@json_option
def inventory_command(
    file: Path,
    metric: str | None,
    iterations: int | None,
    seed: int | None,
    base_file: Path | None,
    as_json: bool,
) -> None:
    """Compile a city or county GHG inventory (workbook or JSON/YAML) / 编制温室气体清单。"""
    result = _compile(file, metric)
    base = _compile(base_file, result.metric) if base_file is not None else None
    first = approach1(result)
    weights = {(g["group"], g["gas"]): g["uncertainty_pct"] or 0.0 for g in first["key_groups"]}
    key = key_categories(result, base=base, uncertainty_pct=weights)
    simulation = None
    if iterations is not None:
        try:
            simulation = monte_carlo(result, iterations, seed)
        except InventoryRefusedError as refused:
            _refuse(file, [e.describe() for e in refused.errors])
    data = result.as_dict()
    data["key_categories"] = key
    data["uncertainty"] = {
        "approach1": first,
        "approach2": simulation.as_dict() if simulation is not None else None,
    }
    if as_json:
        emit_json(data)
        return
    _print(result, data)


def _print(result: InventoryResult, data: dict[str, Any]) -> None:
    console = make_console()
    meta = data["inventory"]
    console.print(
        f"[bold]{escape(meta['jurisdiction'])} {meta['year']}[/] — 温室气体清单 GHG inventory "
        f"({meta['gwp']}, factor library {meta['factor_library']})"
    )
    totals = data["totals"]
    grid = table("部门 sector", *((g, "right") for g in GAS_GROUPS), ("tCO2e", "right"))
    for sector in SECTORS:
        item = totals["by_sector"][sector]
        grid.add_row(
            f"{SECTOR_NAMES[sector][0]} {sector}",
            *(_fmt(item["by_gas_t"].get(g)) for g in GAS_GROUPS),
            _fmt(item["tco2e"]),
        )
    console.print(grid)
    console.print(
        f"合计（含LUCF）total with LUCF: [bold]{_fmt(totals['with_lucf_tco2e'])}[/] tCO2e; "
        f"不含LUCF without LUCF: [bold]{_fmt(totals['without_lucf_tco2e'])}[/] tCO2e"
    )
    for name, item in data["indirect"].items():
        console.print(
            f"间接排放 indirect {name}: imports {_fmt(item['imports_tco2'])}, exports "
            f"{_fmt(item['exports_tco2'])}, net {_fmt(item['net_tco2'])} tCO2 (reported separately)"
        )
    grid = table(
        "code",
        "类别 category",
        *((g, "right") for g in GAS_GROUPS),
        ("tCO2e", "right"),
        wrap=("类别 category",),
    )
    for item in data["categories"]:
        grid.add_row(
            item["code"],
            f"{item['name_zh']} {item['id']}",
            *(_fmt(item["cells"][g]) if item["cells"][g] != "NA" else "NA" for g in GAS_GROUPS),
            _fmt(item["tco2e"]),
        )
    console.print(grid)
    completeness = data["completeness"]
    if completeness["missing"]:
        console.print("[bold]缺失 missing (no estimate, no notation key):[/]")
        for cell in completeness["missing"]:
            console.print(f"  • {cell['category']} {cell['gas']}")
    for cell in completeness["notation_keys"]:
        console.print(f"  {cell['key']} {cell['category']} {cell['gas']}: {escape(cell['reason'])}")
    reference = data["checks"].get("energy.reference_approach")
    if reference:
        verdict = "OK" if reference["within_threshold"] else "EXPLAIN"
        console.print(
            f"参考方法 reference approach {_fmt(reference['reference_tco2'])} tCO2 vs sectoral "
            f"{_fmt(reference['sectoral_tco2'])} tCO2: difference "
            f"{_fmt(reference['difference_pct'])} % (threshold {reference['threshold_pct']} %) "
            f"{verdict}"
        )
    key = data["key_categories"]
    if key.get("key"):
        names = ", ".join(f"{k['category']} {k['gas']}" for k in key["key"])
        console.print(f"关键类别 key categories: {escape(names)}")
    first = data["uncertainty"]["approach1"]
    if first["total_pct"] is not None:
        console.print(f"不确定性 uncertainty (Approach 1): total ±{first['total_pct']:.1f} %")
    second = data["uncertainty"]["approach2"]
    if second is not None:
        total = next(i for i in second["intervals"]["total"])
        console.print(
            f"不确定性 uncertainty (Approach 2, {second['iterations']} iterations, seed "
            f"{second['seed']}): total 95 % interval {_fmt(total['lower'])} – "
            f"{_fmt(total['upper'])} tCO2e; converged: {second['convergence']['converged']}"
        )


def markdown() -> str:
    """The category reference of ``docs/inventory.md``, generated from the registry."""
    out: list[str] = []
    for c in categories():
        out.append(
            f"#### `{c.id}` — {c.name_zh} / {c.name_en} "
            f"(IPCC {c.code}, {', '.join(c.gases)}, {c.reporting})\n"
        )
        out.append(f"Formula: {c.formula}. Reference: {c.reference}.\n")
        if c.derive is not None:
            rest = "; otherwise from rows." if c.rows_allowed else "."
            out.append(f"From the energy balance when one is given{rest}\n")
        out.append(
            "| parameter | kind | units | default (factor parameter [subjects tried]) "
            "| uncertainty % | description |"
        )
        out.append("|---|---|---|---|---|---|")
        for p in c.params:
            if p.kind == "choice":
                if p.choices and set(p.choices) <= set(COLUMNS):
                    units = "a balance column (fuel) id"
                elif p.choices and set(p.choices) <= set(ROWS):
                    units = "a balance row id"
                elif p.choices:
                    units = "one of: " + ", ".join(f"`{x}`" for x in p.choices)
                else:
                    units = "a free label"
            else:
                units = " or ".join(f"`{u}`" for u in p.unit) or (
                    "`%` or `fraction`" if p.kind == "fraction" else "count"
                )
            if p.default is not None:
                tried = " → ".join(f"`{t}`" for t in p.default.subjects)
                kind = f" kind `{p.default.kind}`" if p.default.kind != "default" else ""
                found = f"`{p.default.parameter}` [{tried}]{kind}"
            elif p.fallback is not None:
                found = f"assumed {p.fallback}"
            else:
                found = "required" if p.required else "optional"
            pct = "" if p.uncertainty_pct is None else str(p.uncertainty_pct)
            out.append(
                f"| `{p.name}` | {p.kind} | {units} | {found} | {pct} | "
                f"{p.description_zh}; {p.description_en} |"
            )
        out.append("")
    return "\n".join(out)


@main.command("categories")
@json_option
@click.option(
    "--markdown",
    "as_markdown",
    is_flag=True,
    help="Print the category reference of docs/inventory.md / 输出文档用的类别参考。",
)
def categories_command(as_json: bool, as_markdown: bool) -> None:
    """List the inventory categories with their parameters and defaults / 清单排放源类别。"""
    items: list[dict[str, Any]] = [c.as_dict() for c in categories()]
    if as_markdown:
        click.echo(markdown())
        return
    if as_json:
        emit_json(items)
        return
    console = make_console()
    for item in items:
        console.print(
            f"[bold]{item['id']}[/] {item['code']} {item['name_zh']} / {escape(item['name_en'])} "
            f"— gases {', '.join(item['gases'])}"
        )
        console.print(f"  {escape(item['formula'])}")
        console.print(f"  {escape(item['reference'])}")
        grid = table(
            "parameter",
            "kind",
            "units / choices",
            "default",
            "description",
            wrap=("units / choices", "default", "description"),
        )
        for p in item["params"]:
            default = p["default"]
            shown = (
                f"{default['parameter']} [{' → '.join(default['subjects'])}]"
                if default
                else ("assumed " + str(p["fallback"]) if p["fallback"] is not None else "")
            )
            grid.add_row(
                p["name"],
                p["kind"],
                " | ".join(p["units"]) or ", ".join(p["choices"] or []),
                escape(shown),
                escape(f"{p['description_zh']} {p['description_en']}"),
            )
        console.print(grid)


@template.command("inventory")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("inventory_template.xlsx"),
    show_default=True,
    help="Workbook to write / 输出文件。",
)
@click.option(
    "--from",
    "source",
    type=_FILE,
    help="Fill the template from an inventory in JSON/YAML form / 由JSON/YAML填充。",
)
def template_inventory_command(output: Path, source: Path | None) -> None:
    """Write the inventory workbook template / 下载清单模板。"""
    form: dict[str, Any] | None = None
    if source is not None:
        text = source.read_text("utf-8")
        try:
            form = json.loads(text) if source.suffix.lower() == ".json" else yaml.safe_load(text)
        except (json.JSONDecodeError, yaml.YAMLError) as error:
            fail(f"{source}: cannot be read ({error})")
        load(source)  # refuse a form with structural problems before writing anything
    try:
        write_workbook(output, form)
    except ValueError as error:
        fail(str(error), EXIT_REFUSED)
    except OSError as error:
        fail(f"{output}: cannot be written ({error.strerror})")
    make_console(stderr=True).print(f"written {output}")
