"""``citycarbon template enterprise``: the workbook, filled in by hand and read back."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from citycarbon.accounting import SOURCE_TYPES, sectors
from citycarbon.accounting.interchange import read_reports
from citycarbon.factors import fuels

from .cli_inputs import WORKED_REPORT, coal, report

WriteJson = Callable[..., Path]

#: The reports a person types into the template in the tests below, as the equivalent JSON.
BARE_REPORT: dict[str, Any] = {
    "id": "E2",
    "sector": "power_generation",
    "year": 2012,
    "region": "henan",
    "lines": [
        {"source": "fuel_combustion", "fuel": "raw_coal", "quantity": 500, "unit": "10^4 t",
         "label": "1号锅炉 boiler 1"},
        {"source": "purchased_electricity", "quantity": 20000, "unit": "MWh"},
    ],
}  # fmt: skip


def _columns(sheet: Worksheet) -> dict[str, int]:
    """The English keys of row 2 → column numbers, as a person reads the template."""
    return {str(c.value): c.column for c in sheet[2] if c.value is not None}  # type: ignore[misc]


def _fill(sheet: Worksheet, row: int, values: dict[str, Any]) -> None:
    columns = _columns(sheet)
    for key, value in values.items():
        sheet.cell(row=row, column=columns[key], value=value)


@pytest.fixture
def template(run: Any, tmp_path: Path) -> Path:
    path = tmp_path / "template.xlsx"
    result = run("template", "enterprise", "-o", str(path))
    assert result.exit_code == 0, result.output
    return path


def _fill_worked_examples(path: Path) -> Path:
    """Type the worked example (E1) and a report relying on defaults (E2) into the template."""
    book = load_workbook(path)
    reports, lines = book["Reports"], book["Lines"]
    _fill(reports, 3, {"id": "E1", "enterprise": WORKED_REPORT["enterprise"],
                       "sector": "power_generation", "year": 2012, "region": "henan"})  # fmt: skip
    _fill(reports, 4, {"id": "E2", "sector": "power_generation", "year": 2012, "region": "henan"})
    _fill(lines, 3, {"report_id": "E1", "source": "fuel_combustion", "fuel": "raw_coal",
                     "quantity": 10000, "unit": "t", "ncv": 20.908, "ncv_unit": "GJ/t",
                     "carbon_content": 26.37, "carbon_content_unit": "tC/TJ",
                     "oxidation": 94, "oxidation_unit": "%"})  # fmt: skip
    _fill(lines, 4, {"report_id": "E1", "source": "purchased_electricity", "quantity": 20000,
                     "unit": "MWh", "factor": 0.5257, "factor_unit": "tCO2/MWh"})  # fmt: skip
    # E2's lines are typed after E1's and out of order with a blank row between: order within
    # a report is the order of its rows.
    _fill(lines, 6, {"report_id": "E2", "label": "1号锅炉 boiler 1", "source": "fuel_combustion",
                     "fuel": "raw_coal", "quantity": 500, "unit": "10^4 t"})  # fmt: skip
    _fill(lines, 7, {"report_id": "E2", "source": "purchased_electricity", "quantity": 20000,
                     "unit": "MWh"})  # fmt: skip
    book.save(path)
    return path


def test_template_sheets_and_headers(template: Path) -> None:
    book = load_workbook(template)
    assert book.sheetnames == ["说明 README", "Reports", "Lines", "Lists"]
    reports, lines = book["Reports"], book["Lines"]
    assert [c.value for c in reports[1]] == ["报告编号", "企业名称", "行业", "年度", "地区", "备注"]
    assert [c.value for c in reports[2]] == ["id", "enterprise", "sector", "year", "region", "note"]
    keys = list(_columns(lines))
    assert keys[:3] == ["report_id", "label", "source"]
    # Every field of every source type has a column; numeric fields a unit column beside it.
    for source in SOURCE_TYPES.values():
        for spec in source.fields:
            assert spec.name in keys
            if spec.kind != "choice" and spec.name != "quantity":
                assert keys.index(f"{spec.name}_unit") == keys.index(spec.name) + 1
    assert keys.index("unit") == keys.index("quantity") + 1
    chinese = {c.value for c in lines[1]}
    assert {"报告编号", "排放源类别", "燃料品种", "活动数据", "单位", "低位发热量"} <= chinese


def test_template_drop_downs(template: Path) -> None:
    book = load_workbook(template)
    lists = book["Lists"]

    def options(sheet: Worksheet, key: str) -> list[str]:
        letter = lines_letter(sheet, key)
        (validation,) = [
            v for v in sheet.data_validations.dataValidation if f"{letter}3" in v.sqref
        ]
        assert validation.type == "list"
        ref = validation.formula1.split("!")[1].replace("$", "")
        return [c.value for row in lists[ref] for c in row]  # type: ignore[union-attr]

    def lines_letter(sheet: Worksheet, key: str) -> str:
        from openpyxl.utils import get_column_letter

        return get_column_letter(_columns(sheet)[key])

    assert options(book["Reports"], "sector") == list(sectors())
    assert "henan" in options(book["Reports"], "region")
    assert options(book["Lines"], "source") == list(SOURCE_TYPES)
    assert options(book["Lines"], "fuel") == sorted(fuels())
    assert {"t", "10^4 t", "10^4 Nm3", "MWh", "GJ"} <= set(options(book["Lines"], "unit"))
    assert options(book["Lines"], "oxidation_unit") == ["%", "fraction"]
    assert {"tC/TJ", "tC/GJ"} <= set(options(book["Lines"], "carbon_content_unit"))


def test_readme_explains_every_column_in_both_languages(template: Path) -> None:
    book = load_workbook(template)
    readme = book["说明 README"]
    first_cells = {str(row[0].value).strip() for row in readme.iter_rows() if row[0].value}
    for key in _columns(book["Lines"]):
        assert key in first_cells, key
    text = "\n".join(str(c.value) for row in readme.iter_rows() for c in row if c.value)
    assert "填写方法" in text
    assert "How to fill it in" in text
    assert "fuel_combustion" in text
    assert "化石燃料燃烧" in text


def test_filled_template_reads_as_the_equivalent_json(
    template: Path, write_json: WriteJson, run: Any
) -> None:
    path = _fill_worked_examples(template)
    from_excel = read_reports(path)
    from_json = read_reports(write_json([WORKED_REPORT, BARE_REPORT]))
    assert [item.report for item in from_excel] == [item.report for item in from_json]
    assert all(item.report is not None for item in from_excel)

    excel_out = json.loads(run("calc", "enterprise", str(path), "--json").stdout)
    json_out = json.loads(run("calc", "enterprise", str(write_json([WORKED_REPORT, BARE_REPORT])),
                              "--json").stdout)  # fmt: skip
    assert excel_out["reports"] == json_out["reports"]
    e1, e2 = excel_out["reports"]
    assert e1["total_tco2e"] == "29516.99"  # the worked example
    # E2: 500 × 10^4 t = 5 000 000 t of raw coal at the defaults 20.908 GJ/t, 26.37 tC/TJ, 94 %:
    # 5 000 000 × 20.908 × 0.02637 × 0.94 × 44/12 = 9 501 494.244 tCO2; plus 10 514 tCO2.
    assert e2["by_source"]["fuel_combustion"] == "9501494.24"
    assert e2["total_tco2e"] == "9512008.24"
    assert e2["lines"][0]["label"] == "1号锅炉 boiler 1"


def test_template_round_trips_a_json_file(tmp_path: Path, write_json: WriteJson, run: Any) -> None:
    source = write_json([WORKED_REPORT, BARE_REPORT, report("E3", coal(quantity="12345.6789"))])
    path = tmp_path / "filled.xlsx"
    assert run("template", "enterprise", "-o", str(path), "--from", str(source)).exit_code == 0
    assert [i.report for i in read_reports(path)] == [i.report for i in read_reports(source)]


def test_percentage_formatted_cells_read_as_shown(template: Path, write_json: WriteJson) -> None:
    book = load_workbook(template)
    _fill(book["Reports"], 3, {"id": "E1", "sector": "power_generation", "year": 2012,
                               "region": "henan"})  # fmt: skip
    _fill(book["Lines"], 3, {"report_id": "E1", "source": "fuel_combustion", "fuel": "raw_coal",
                             "quantity": 10000, "unit": "t", "oxidation": 0.94,
                             "oxidation_unit": "%"})  # fmt: skip
    lines = book["Lines"]
    lines.cell(row=3, column=_columns(lines)["oxidation"]).number_format = "0%"  # shows 94%
    book.save(template)
    (item,) = read_reports(template)
    json_line = {"source": "fuel_combustion", "fuel": "raw_coal", "quantity": 10000, "unit": "t",
                 "oxidation": {"value": 94, "unit": "%"}}  # fmt: skip
    (expected,) = read_reports(write_json([report("E1", json_line)]))
    assert item.report == expected.report


# --------------------------------------------------------------------------------------------
# Refusals in a workbook name the sheet, row and column.


def test_unit_without_value_names_the_cell(template: Path, run: Any) -> None:
    path = _fill_worked_examples(template)
    book = load_workbook(path)
    _fill(book["Lines"], 7, {"factor_unit": "tCO2/MWh"})  # E2 line 2: a unit, no value
    book.save(path)
    result = run("calc", "enterprise", str(path), "--json")
    assert result.exit_code == 1
    out = json.loads(result.stdout)
    assert [r["id"] for r in out["reports"]] == ["E1"]
    (error,) = out["errors"]
    letter = _letter(book["Lines"], "factor_unit")  # the cell holding the lone unit
    assert (error["report"], error["line"], error["field"], error["value"]) == (
        "E2",
        2,
        "factor",
        "tCO2/MWh",
    )
    assert (error["sheet"], error["row"], error["column"]) == ("Lines", 7, letter)
    text = run("calc", "enterprise", str(path)).stdout
    assert f"[sheet Lines, row 7, column {letter}]" in text
    assert "a unit without a value" in text


def _letter(sheet: Worksheet, key: str) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(_columns(sheet)[key])


def test_engine_refusal_points_at_the_cell(template: Path, run: Any) -> None:
    path = _fill_worked_examples(template)
    book = load_workbook(path)
    _fill(book["Lines"], 3, {"oxidation": 120})  # E1 line 1: 120 %
    _fill(book["Reports"], 4, {"sector": "steel"})  # E2: unknown sector
    book.save(path)
    out = json.loads(run("calc", "enterprise", str(path), "--json").stdout)
    assert out["reports"] == []
    cells = {(e["report"], e["field"]): e["cell"] for e in out["errors"]}
    assert cells[("E1", "oxidation")] == f"Lines!{_letter(book['Lines'], 'oxidation')}3"
    assert cells[("E2", "sector")] == f"Reports!{_letter(book['Reports'], 'sector')}4"


def test_lines_of_an_unknown_report(template: Path, run: Any) -> None:
    path = _fill_worked_examples(template)
    book = load_workbook(path)
    _fill(book["Lines"], 9, {"report_id": "E9", "source": "purchased_electricity",
                             "quantity": 1, "unit": "MWh"})  # fmt: skip
    book.save(path)
    result = run("calc", "enterprise", str(path), "--json")
    assert result.exit_code == 1
    out = json.loads(result.stdout)
    assert [r["id"] for r in out["reports"]] == ["E1", "E2"]
    (error,) = out["errors"]
    assert (error["report"], error["field"], error["value"]) == ("E9", "report_id", "E9")
    assert "rows 9" in error["message"]
    assert error["cell"] == "Lines!A9"


@pytest.mark.parametrize(
    ("change", "message", "where"),
    [
        (lambda b: (b["Lines"].cell(row=2, column=200, value="sulfur"),
                    b["Lines"].cell(row=4, column=200, value=1.2)),
         "a value under the unknown column header 'sulfur'", "sheet Lines, row 4, column GR"),
        (lambda b: b.remove(b["Lines"]), "no sheet 'Lines'", ""),
        (lambda b: b["Lines"].cell(row=5, column=3, value="fuel_combustion"),
         "a line without a report id", "sheet Lines, row 5, column A"),
    ],
)  # fmt: skip
def test_unreadable_workbooks(
    template: Path, run: Any, change: Callable[[Any], object], message: str, where: str
) -> None:
    path = _fill_worked_examples(template)
    book = load_workbook(path)
    change(book)
    book.save(path)
    result = run("calc", "enterprise", str(path))
    assert result.exit_code == 2
    assert message in result.stderr
    assert where in result.stderr
    assert result.stdout == ""


def test_empty_columns_of_unknown_fields_are_ignored(template: Path, write_json: WriteJson) -> None:
    # A template written by another version may have a column for a field this one lacks.
    path = _fill_worked_examples(template)
    book = load_workbook(path)
    book["Lines"].cell(row=1, column=200, value="旧字段")
    book["Lines"].cell(row=2, column=200, value="retired_field")
    book.save(path)
    expected = [i.report for i in read_reports(write_json([WORKED_REPORT, BARE_REPORT]))]
    assert [i.report for i in read_reports(path)] == expected


def test_template_is_not_overwritten_without_force(template: Path, run: Any) -> None:
    before = template.read_bytes()
    result = run("template", "enterprise", "-o", str(template))
    assert result.exit_code == 2
    assert "--force" in result.stderr
    assert template.read_bytes() == before
    assert run("template", "enterprise", "-o", str(template), "--force").exit_code == 0


def test_template_from_a_file_with_refused_reports_writes_nothing(
    tmp_path: Path, write_json: WriteJson, run: Any
) -> None:
    bad = report("BAD", coal())
    bad["sector"] = "steel"
    path = tmp_path / "out.xlsx"
    result = run("template", "enterprise", "-o", str(path), "--from", str(write_json([bad])))
    assert result.exit_code == 1
    assert "report BAD, field sector, value 'steel'" in result.stderr
    assert not path.exists()
