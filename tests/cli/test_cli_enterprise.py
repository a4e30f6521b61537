"""``citycarbon calc enterprise``: results, provenance, and every refusal through the command."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from rich.console import Console

from citycarbon.cli.common import progress
from citycarbon.factors import default_library

from .cli_inputs import WORKED_REPORT, coal, report

WriteJson = Callable[..., Path]


def _json(result: Any) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(result.stdout)
    return data


# --------------------------------------------------------------------------------------------
# The worked example (docs/worked-example.md)


def test_worked_example_rounded_by_the_policy(run: Any, write_json: WriteJson) -> None:
    result = run("calc", "enterprise", str(write_json([WORKED_REPORT])), "--json")
    assert result.exit_code == 0, result.output
    out = _json(result)
    (e1,) = out["reports"]
    # 10 000 t × 20.908 GJ/t = 209 080 GJ; × 0.02637 tC/GJ = 5 513.4396 tC;
    # × 0.94 = 5 182.633224 tC; × 44/12 = 19 002.988488 tCO2 → 19 002.99 at 0.01 t, half-up.
    # 20 000 MWh × 0.5257 tCO2/MWh = 10 514 tCO2 → 10 514.00.
    # Total 29 516.988488 → 29 516.99.
    assert e1["by_source"] == {"fuel_combustion": "19002.99", "purchased_electricity": "10514.00"}
    assert e1["total_tco2e"] == "29516.99"
    assert e1["by_gas"] == {"CO2": "29516.99"}
    assert e1["memo"] == {}
    assert (e1["id"], e1["sector"], e1["year"]) == ("E1", "power_generation", 2012)
    assert e1["gwp_metric"] == "SARGWP100"
    assert out["refused"] == []
    assert out["errors"] == []


def test_worked_example_exact(run: Any, write_json: WriteJson) -> None:
    result = run("calc", "enterprise", str(write_json([WORKED_REPORT])), "--json", "--exact")
    e1 = _json(result)["reports"][0]
    # The same arithmetic without rounding: 19 002.988488 + 10 514 = 29 516.988488.
    assert e1["lines"][0]["emissions_t"] == {"CO2": "19002.988488"}
    assert e1["lines"][1]["tco2e"] == "10514"
    assert e1["total_tco2e"] == "29516.988488"


def test_every_parameter_is_shown_with_its_origin(run: Any, write_json: WriteJson) -> None:
    e1 = _json(run("calc", "enterprise", str(write_json([WORKED_REPORT])), "--json"))["reports"][0]
    params = e1["lines"][0]["parameters"]
    assert params["fuel"] == {"value": "raw_coal", "origin": "choice"}
    assert params["quantity"] == {"value": "10000", "unit": "t", "origin": "activity",
                                  "given": "10000 t"}  # fmt: skip
    # 26.37 tC/TJ = 0.02637 tC/GJ, the unit the formula uses; 94 % = 0.94.
    assert params["carbon_content"] == {"value": "0.02637", "unit": "tC/GJ",
                                        "origin": "measured", "given": "26.37 tC/TJ"}  # fmt: skip
    assert params["oxidation"]["value"] == "0.94"
    assert params["oxidation"]["origin"] == "measured"
    assert e1["lines"][0]["defaults"] == []


def test_defaults_name_their_factor_row_and_source(run: Any, write_json: WriteJson) -> None:
    bare = report(
        "D1",
        {"source": "fuel_combustion", "fuel": "raw_coal", "quantity": 10000, "unit": "t"},
        {"source": "purchased_electricity", "quantity": 20000, "unit": "MWh"},
    )
    result = run("calc", "enterprise", str(write_json([bare])), "--json")
    assert result.exit_code == 0, result.output
    d1 = _json(result)["reports"][0]
    coal_line, power_line = d1["lines"]
    assert coal_line["defaults"] == ["ncv", "carbon_content", "oxidation"]
    assert power_line["defaults"] == ["factor"]
    library = default_library()
    for line, name, row_id in [
        (coal_line, "ncv", "ncv.raw_coal"),
        (coal_line, "carbon_content", "cc.raw_coal"),
        (coal_line, "oxidation", "of.raw_coal"),
        (power_line, "factor", "grid.central.2012"),
    ]:
        param = line["parameters"][name]
        assert param["origin"] == "default"
        assert param["factor_id"] == row_id
        assert param["factor_source"] == library.get(row_id).source
        assert param["factor_status"] == library.get(row_id).status
    # Appendix-2 defaults for raw coal are the worked example's values (20.908 GJ/t, 26.37 tC/TJ,
    # 94 %) and the 2012 central-China grid average is 0.5257 tCO2/MWh, so the figures match it.
    assert d1["by_source"] == {"fuel_combustion": "19002.99", "purchased_electricity": "10514.00"}


def test_text_output_is_a_readable_table(run: Any, write_json: WriteJson) -> None:
    bare = report("D1", {"source": "purchased_electricity", "quantity": 20000, "unit": "MWh"})
    result = run("calc", "enterprise", str(write_json([WORKED_REPORT, bare])))
    assert result.exit_code == 0
    text = result.stdout
    for expected in ("E1", "示例燃煤电厂", "化石燃料燃烧", "Fossil fuel combustion", "购入电力",
                     "raw_coal", "原煤", "10,000 t", "19,002.99", "10,514.00", "29,516.99",
                     "总排放量 Total", "按气体 By gas: CO2 29,516.99 t"):  # fmt: skip
        assert expected in text, expected
    # D1 used the default grid factor: the table says so and names the row and its source.
    assert "grid.central.2012 = 0.5257 tCO2/MWh" in text
    assert "2 report(s) computed, 0 refused" in text


def test_gwp_metric_is_named(run: Any, write_json: WriteJson) -> None:
    result = run("calc", "enterprise", str(write_json([WORKED_REPORT])), "--json", "--gwp",
                 "ar5gwp100")  # fmt: skip
    e1 = _json(result)["reports"][0]
    assert e1["gwp_metric"] == "AR5GWP100"
    # CO2 has a GWP of 1 under every metric.
    assert e1["total_tco2e"] == "29516.99"


def test_region_option_fills_reports_without_region(run: Any, write_json: WriteJson) -> None:
    no_region = report("N1", {"source": "purchased_electricity", "quantity": 20000, "unit": "MWh"})
    del no_region["region"]
    own_region = report("N2", {"source": "purchased_electricity", "quantity": 1000, "unit": "MWh"})
    path = write_json([no_region, own_region])
    out = _json(run("calc", "enterprise", str(path), "--json", "--region", "henan"))
    n1, n2 = out["reports"]
    assert n1["region"] == "henan"
    assert n1["lines"][0]["parameters"]["factor"]["factor_id"] == "grid.central.2012"
    assert n1["total_tco2e"] == "10514.00"  # 20 000 MWh × 0.5257
    assert n2["total_tco2e"] == "525.70"  # 1 000 MWh × 0.5257


def test_yaml_reads_like_json(run: Any, write_json: WriteJson, tmp_path: Path) -> None:
    yaml_path = tmp_path / "reports.yaml"
    yaml_path.write_text(yaml.safe_dump({"reports": [WORKED_REPORT]}, allow_unicode=True), "utf-8")
    from_yaml = _json(run("calc", "enterprise", str(yaml_path), "--json"))
    from_json = _json(run("calc", "enterprise", str(write_json([WORKED_REPORT])), "--json"))
    assert from_yaml["reports"] == from_json["reports"]


def test_many_reports(run: Any, write_json: WriteJson) -> None:
    reports = [report(f"R{i:02d}", coal()) for i in range(25)]
    result = run("calc", "enterprise", str(write_json(reports)), "--json")
    assert result.exit_code == 0
    out = _json(result)
    assert out["computed"] == 25
    assert {r["total_tco2e"] for r in out["reports"]} == {"19002.99"}
    assert result.stderr == ""  # no progress bar when standard error is not a terminal


def test_progress_bar_on_a_terminal() -> None:
    stream = io.StringIO()
    console = Console(file=stream, force_terminal=True, width=80)
    items = list(progress(list(range(30)), "computing", threshold=20, console=console))
    assert items == list(range(30))
    assert "computing" in stream.getvalue()
    quiet = io.StringIO()
    few = Console(file=quiet, force_terminal=True, width=80)
    assert list(progress([1, 2], "computing", threshold=20, console=few)) == [1, 2]
    assert quiet.getvalue() == ""


# --------------------------------------------------------------------------------------------
# Refusals: the report is named with its line, field and value; nothing of it is computed; the
# other reports are still computed; exit code 1.

LINE_REFUSALS = [
    pytest.param(
        {"source": "coal_burning", "quantity": 1, "unit": "t"},
        "source", "coal_burning", "unknown source", id="unknown-source",
    ),
    pytest.param(coal(fuel="moon_rock"), "fuel", "moon_rock", "unknown fuel", id="unknown-fuel"),
    pytest.param(coal(unit="bananas"), "quantity", "10000 bananas", "unknown unit",
                 id="unknown-unit"),
    pytest.param(
        coal(ncv={"value": 20.908, "unit": "tC/TJ"}),
        "ncv", "20.908 tC/TJ", "wrong dimension", id="wrong-dimension",
    ),
    pytest.param(coal(quantity=-10000), "quantity", "-10000 t", "negative", id="negative"),
    pytest.param(
        coal(oxidation={"value": 120, "unit": "%"}),
        "oxidation", "120 %", "above the maximum of 100 %", id="rate-above-100",
    ),
    pytest.param(
        coal(oxidation={"value": -1, "unit": "%"}),
        "oxidation", "-1 %", "negative", id="rate-below-0",
    ),
    pytest.param(coal(oxidation=94), "oxidation", "94", "bare number", id="bare-rate"),
    pytest.param(
        coal(oxidation={"value": 94, "unit": "t"}),
        "oxidation", "94 t", "a rate is written in", id="rate-in-tonnes",
    ),
    pytest.param(coal(quantity="lots"), "quantity", "lots", "not a number", id="not-a-number"),
    pytest.param(
        coal(sulphur={"value": 1, "unit": "%"}), "sulphur", "1 %", "has no field",
        id="unknown-field",
    ),
    pytest.param(
        {"source": "fuel_combustion", "fuel": "natural_gas", "quantity": 5, "unit": "t"},
        "quantity", "5 t", "natural_gas is measured in 10^4 Nm3", id="gas-in-tonnes",
    ),
    pytest.param(
        {"source": "purchased_electricity", "quantity": 100, "unit": "MWh",
         "factor": {"value": 0.9229, "unit": "tCO2/MWh"}, "factor_kind": "grid_om"},
        "factor_kind", None, "CCER baseline factor", id="baseline-factor",
    ),
    pytest.param(
        {"source": "purchased_electricity", "quantity": 100},
        "quantity", "100", "a unit is required", id="missing-unit",
    ),
]  # fmt: skip


def _assert_refused(
    run: Any,
    path: Path,
    *,
    line: int | None,
    field: str,
    value: str | None,
    message: str,
) -> None:
    result = run("calc", "enterprise", str(path), "--json")
    assert result.exit_code == 1, result.output
    out = _json(result)
    assert [r["id"] for r in out["reports"]] == ["OK"]  # the other report is still computed
    assert out["reports"][0]["total_tco2e"] == "19002.99"
    assert out["refused"] == ["BAD"]
    assert out["errors"], "a refusal names its errors"
    assert all(e["report"] == "BAD" for e in out["errors"])
    matching = [e for e in out["errors"] if e["field"] == field and e["line"] == line]
    assert matching, out["errors"]
    assert message in matching[0]["message"]
    if value is not None:
        assert matching[0]["value"] == value

    text = run("calc", "enterprise", str(path))
    assert text.exit_code == 1
    where = f"report BAD, line {line}, field {field}" if line else f"report BAD, field {field}"
    assert where in text.stdout
    if value is not None:
        assert f"value {value!r}" in text.stdout
    assert "report BAD refused, nothing computed" in text.stdout
    bad_lines = [row for row in text.stdout.splitlines() if "BAD" in row]
    # BAD appears only in its refusal and in the summary: no table, no total.
    assert all(
        row.startswith(("✗", "  • report BAD")) or "refused: BAD" in row for row in bad_lines
    ), bad_lines
    assert "19,002.99" in text.stdout  # OK's table


@pytest.mark.parametrize(("line", "field", "value", "message"), LINE_REFUSALS)
def test_line_refusals(
    run: Any, write_json: WriteJson, line: dict[str, Any], field: str, value: str | None,
    message: str,
) -> None:  # fmt: skip
    path = write_json([report("OK", coal()), report("BAD", coal(), line)])
    _assert_refused(run, path, line=2, field=field, value=value, message=message)


REPORT_REFUSALS = [
    pytest.param({"sector": "steel_making"}, "sector", "steel_making", "unknown sector",
                 id="unknown-sector"),
    pytest.param({"year": "2012a"}, "year", "2012a", "whole number", id="year-not-a-number"),
    pytest.param({"year": 2012.5}, "year", "2012.5", "whole number", id="year-fraction"),
    pytest.param({"year": None}, "year", None, "needs a year", id="year-missing"),
    pytest.param({"region": "hennan"}, "region", "hennan", "unknown region", id="unknown-region"),
    pytest.param({"yeer": 2012}, "yeer", "2012", "unknown key", id="unknown-key"),
    pytest.param({"lines": []}, "lines", None, "at least one line", id="no-lines"),
]  # fmt: skip


@pytest.mark.parametrize(("change", "field", "value", "message"), REPORT_REFUSALS)
def test_report_refusals(
    run: Any, write_json: WriteJson, change: dict[str, Any], field: str, value: str | None,
    message: str,
) -> None:  # fmt: skip
    bad = report("BAD", coal())
    bad.update(change)
    path = write_json([report("OK", coal()), bad])
    _assert_refused(run, path, line=None, field=field, value=value, message=message)


def test_every_problem_of_a_report_is_named_at_once(run: Any, write_json: WriteJson) -> None:
    bad = report("BAD", coal(quantity=-1), coal(oxidation=94), coal(fuel="moon_rock"))
    out = _json(run("calc", "enterprise", str(write_json([report("OK", coal()), bad])), "--json"))
    named = {(e["line"], e["field"]) for e in out["errors"]}
    assert named == {(1, "quantity"), (2, "oxidation"), (3, "fuel")}


def test_duplicate_report_ids_refuse_every_copy(run: Any, write_json: WriteJson) -> None:
    path = write_json([report("D", coal()), report("OK", coal()), report("D", coal())])
    result = run("calc", "enterprise", str(path), "--json")
    assert result.exit_code == 1
    out = _json(result)
    assert [r["id"] for r in out["reports"]] == ["OK"]
    assert out["refused"] == ["D", "D"]
    assert {(e["report"], e["field"], e["value"]) for e in out["errors"]} == {("D", "id", "D")}
    assert "appears 2 times" in out["errors"][0]["message"]
    text = run("calc", "enterprise", str(path)).stdout
    assert "report D, field id, value 'D': report id appears 2 times" in text


def test_report_without_id_is_refused(run: Any, write_json: WriteJson) -> None:
    nameless = report("X", coal())
    del nameless["id"]
    out = _json(run("calc", "enterprise", str(write_json([report("OK", coal()), nameless])),
                    "--json"))  # fmt: skip
    assert out["refused"] == ["#2"]
    assert out["errors"][0]["field"] == "id"


# --------------------------------------------------------------------------------------------
# Files that cannot be read at all: exit code 2, nothing on standard output.


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("broken.json", '{"reports": [', "not valid JSON"),
        ("list.json", "[1, 2]", 'must be an object {"reports": [...]}'),
        ("noreports.json", '{"reports": {}}', '"reports": a list of reports'),
        ("extra.json", '{"reports": [], "report": []}', "unknown top-level key 'report'"),
        ("empty.json", '{"reports": []}', "holds no reports"),
        ("broken.yaml", "reports: [\n  - id: E1\n   bad", "not valid YAML"),
        ("notes.txt", "{}", "unknown file type '.txt'"),
        ("fake.xlsx", "not a zip", "not an Excel workbook"),
    ],
)
def test_unreadable_files(run: Any, tmp_path: Path, name: str, content: str, message: str) -> None:
    path = tmp_path / name
    path.write_text(content, "utf-8")
    result = run("calc", "enterprise", str(path))
    assert result.exit_code == 2
    assert message in result.stderr
    assert name in result.stderr or message == "holds no reports"
    assert result.stdout == ""


def test_broken_json_names_line_and_column(run: Any, tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"reports": [\n  {"id": "E1",, }]}', "utf-8")
    result = run("calc", "enterprise", str(path))
    assert result.exit_code == 2
    assert "line 2, column 15" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--gwp", "AR7GWP100"], "unknown GWP metric"),
        (["--region", "atlantis"], "unknown region"),
    ],
)
def test_bad_options(run: Any, write_json: WriteJson, args: list[str], message: str) -> None:
    result = run("calc", "enterprise", str(write_json([WORKED_REPORT])), *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stdout == ""


def test_missing_file(run: Any, tmp_path: Path) -> None:
    result = run("calc", "enterprise", str(tmp_path / "nowhere.json"))
    assert result.exit_code == 2
    assert "does not exist" in result.stderr
