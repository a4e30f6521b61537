"""``citycarbon calc ledger`` and ``citycarbon template ledger``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "mrv_ledger.json"


def _example() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    return data


def test_calc_ledger_json(run: Any) -> None:
    result = run("calc", "ledger", str(EXAMPLE), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["errors"], data["warnings"], data["month"]) == (0, 2, 12)
    [enterprise] = data["enterprises"]
    assert enterprise["total_tco2e"] == "254565.35"
    assert enterprise["report"]["by_source"] == {
        "fuel_combustion": "221130.83",
        "purchased_electricity": "33434.52",
    }
    assert [(f["code"], f["row"]) for f in enterprise["findings"]] == [("jump", 40), ("jump", 45)]
    ncv = next(d for d in enterprise["derivations"] if d["field"] == "ncv")
    assert ncv["method"] == "weighted_mean"
    assert len(ncv["parts"]) == 12
    assert enterprise["outputs"] == {"clinker": "364500"}


def test_calc_ledger_text(run: Any) -> None:
    result = run("calc", "ledger", str(EXAMPLE))
    assert result.exit_code == 0
    assert "总排放量 Total          254,565.35" in result.stdout
    assert "output changed by -55.4 % from 32500 to 14500 t" in result.stdout


def test_calc_ledger_with_an_error_refuses_the_report(run: Any, tmp_path: Path) -> None:
    data = _example()
    data["ledger"][0]["value"] = "-9800"
    path = tmp_path / "ledger.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = run("calc", "ledger", str(path), "--json")
    assert result.exit_code == 1
    [enterprise] = json.loads(result.stdout)["enterprises"]
    assert enterprise["report"] is None
    assert enterprise["blocking"] is True
    errors = [(f["code"], f["row"]) for f in enterprise["findings"] if f["severity"] == "error"]
    assert errors == [("negative", 1)]


def test_calc_ledger_refuses_an_unreadable_ledger(run: Any, tmp_path: Path) -> None:
    data = _example()
    data["ledger"][2]["month"] = "Mar 2014"
    path = tmp_path / "ledger.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = run("calc", "ledger", str(path), "--json")
    assert result.exit_code == 2
    out = json.loads(result.stdout)
    assert out["refused"] is True
    assert [(f["code"], f["row"], f["value"]) for f in out["findings"]] == [
        ("read_month", 3, "Mar 2014")
    ]


def test_plan_given_separately(run: Any, tmp_path: Path) -> None:
    data = _example()
    plans, ledger = tmp_path / "plans.json", tmp_path / "ledger.json"
    plans.write_text(json.dumps({"plans": data["plans"]}, ensure_ascii=False), encoding="utf-8")
    ledger.write_text(json.dumps({"ledger": data["ledger"]}, ensure_ascii=False), encoding="utf-8")
    result = run("calc", "ledger", str(ledger), "--plan", str(plans), "--month", "6", "--json")
    assert result.exit_code == 1  # months 7-12 are after the reporting month
    codes = {f["code"] for f in json.loads(result.stdout)["enterprises"][0]["findings"]}
    assert codes == {"after_reporting_month"}
    result = run("calc", "ledger", str(ledger))
    assert result.exit_code == 2
    assert "no monitoring plan" in result.stderr


def test_template_ledger_round_trip(run: Any, tmp_path: Path) -> None:
    target = tmp_path / "ledger.xlsx"
    result = run("template", "ledger", "-o", str(target), "--plan", str(EXAMPLE))
    assert result.exit_code == 0
    book = load_workbook(target)
    assert book.sheetnames == ["说明 README", "Plan", "Ledger", "Lists"]
    assert [c.value for c in book["Ledger"][2]][:3] == ["enterprise", "facility", "stream"]
    assert book["Ledger"].max_row == 2 + 60
    again = run("template", "ledger", "-o", str(target))
    assert again.exit_code == 2
    assert "exists" in again.stderr
    result = run("calc", "ledger", str(target), "--json")
    assert result.exit_code == 1  # every value still to be entered
    findings = json.loads(result.stdout)["enterprises"][0]["findings"]
    assert len(findings) == 60
    assert {f["code"] for f in findings} == {"missing"}
