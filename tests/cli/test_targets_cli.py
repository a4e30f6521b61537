"""``citycarbon calc targets``, ``targets show`` and ``template targets``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from openpyxl import load_workbook

import citycarbon.cli.targets  # noqa: F401  registers the commands on citycarbon.cli.main
from citycarbon.targets import example

from .conftest import Run

EXAMPLE = "zhengzhou-2010-2015-illustrative"


def _write(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    return path


def _small() -> dict[str, Any]:
    # GDP 100 亿元 both years; 1 000 000 → 960 000 t: a 4.00 % fall against 3.66 % required
    return {
        "base_year": 2010,
        "target_year": 2015,
        "jurisdictions": [
            {
                "id": "zhengzhou",
                "name": "郑州市",
                "co2_intensity_target_pct": 17,
                "years": {
                    "2010": {"gdp_constant_cny_100m": 100, "co2_t": 1_000_000},
                    "2011": {
                        "gdp_constant_cny_100m": 100,
                        "co2_t": 960_000,
                        "measures_score": 42,
                    },
                },
            }
        ],
    }


# ------------------------------------------------------------------------------------------
# targets show


def test_show_prints_the_annex(run: Run) -> None:
    result = run("targets", "show", "zhengzhou")
    assert result.exit_code == 0
    out = result.output
    for name in ("郑州市", "登封市", "管城回族区", "上街区", "郑州新郑综合保税区", "郑州高新区"):
        assert name in out
    assert "郑州市“十二五”碳强度下降目标分解表" in out
    assert "118.58" in out
    assert "巩义市" in out  # named as not in the annex


def test_show_json(run: Run) -> None:
    result = run("targets", "show", "zhengzhou", "--json")
    data = json.loads(result.output)
    rows = data["annex"]["rows"]
    assert len(rows) == 15
    assert rows[0] == {
        "jurisdiction": "zhengzhou",
        "annex_name": "郑州市",
        "co2_intensity_target_pct": 18.0,
        "energy_intensity_target_pct": 17.0,
    }
    assert [r["co2_intensity_target_pct"] for r in rows].count(19.0) == 4  # 登封 新密 荥阳 上街


def test_show_unknown_set(run: Run) -> None:
    result = run("targets", "show", "atlantis")
    assert result.exit_code == 2
    assert "zhengzhou" in result.stderr


# ------------------------------------------------------------------------------------------
# calc targets


def test_calc_targets_json(run: Run, tmp_path: Path) -> None:
    result = run("calc", "targets", str(_write(tmp_path / "t.json", _small())), "--json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    last = data["results"][-1]
    assert last["year"] == 2011
    assert last["co2_intensity"] == 0.96
    assert last["co2_intensity_reduction_pct"] == 4.0
    assert last["required_cumulative_reduction_pct"] == 3.66
    assert last["progress_share_pct"] == 21.91  # ln 0.96 / ln 0.83
    assert last["progress_share_linear_pct"] == 23.53  # 4/17
    assert last["annual_required_reduction_pct"] == 3.66
    assert last["annual_reduction_pct"] == 4.0
    assert last["warning_level"] == "三级"
    assert last["score"] == 92.0  # 50 + 42
    assert last["grade"] == "优秀"
    assert last["veto"] is False
    assert last["rank"] == 1
    assert last["projection"]["target_year"] == 2015
    assert last["co2_basis"] == "supplied"


def test_calc_targets_text(run: Run, tmp_path: Path) -> None:
    result = run("calc", "targets", str(_write(tmp_path / "t.json", _small())))
    assert result.exit_code == 0
    assert "郑州市" in result.output
    assert "21.91" in result.output
    assert "三级" in result.output
    assert "projection" in result.output


def test_yaml_input_gives_the_same_result(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(yaml.safe_dump(_small(), allow_unicode=True), "utf-8")
    from_yaml = json.loads(run("calc", "targets", str(path), "--json").output)
    from_json = json.loads(
        run("calc", "targets", str(_write(tmp_path / "t.json", _small())), "--json").output
    )
    assert from_yaml == from_json


def test_as_of(run: Run, tmp_path: Path) -> None:
    path = _write(tmp_path / "ex.json", example(EXAMPLE))
    data = json.loads(run("calc", "targets", str(path), "--as-of", "2013", "--json").output)
    assert data["as_of"] == 2013
    assert max(r["year"] for r in data["results"]) == 2013
    city_2013 = [r for r in data["results"] if r["jurisdiction"] == "zhengzhou"][-1]
    assert city_2013["projection"]["years_ahead"] == 2
    result = run("calc", "targets", str(path), "--as-of", "2020")
    assert result.exit_code == 2


def test_refusal_names_the_problem_and_computes_nothing(run: Run, tmp_path: Path) -> None:
    data = _small()
    data["jurisdictions"][0]["years"]["2011"] = {"gdp_current_cny_100m": 4500, "co2_t": 960_000}
    data["jurisdictions"][0]["co2_intensity_target_pct"] = 120
    path = _write(tmp_path / "bad.json", data)
    result = run("calc", "targets", str(path))
    assert result.exit_code == 1
    assert "zhengzhou" in result.output
    assert "gdp_current_cny_100m" in result.output
    assert "4500" in result.output
    assert "co2_intensity_target_pct" in result.output
    assert "三级" not in result.output  # nothing computed
    result = run("calc", "targets", str(path), "--json")
    assert result.exit_code == 1
    refusal = json.loads(result.output)
    assert "results" not in refusal
    problems = {(p["jurisdiction"], p["year"], p["field"], p["value"]) for p in refusal["problems"]}
    assert ("zhengzhou", 2011, "gdp_current_cny_100m", 4500) in problems
    assert ("zhengzhou", None, "co2_intensity_target_pct", 120) in problems


def test_unreadable_file(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    path.write_text("{not json", "utf-8")
    assert run("calc", "targets", str(path)).exit_code == 2
    other = tmp_path / "t.csv"
    other.write_text("a,b", "utf-8")
    assert run("calc", "targets", str(other)).exit_code == 2


# ------------------------------------------------------------------------------------------
# template targets


def test_blank_template_holds_the_annex(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    result = run("template", "targets", "-o", str(path))
    assert result.exit_code == 0
    wb = load_workbook(path)
    assert {"README", "period", "jurisdictions", "years", "fuels", "measures"} <= set(wb.sheetnames)
    rows = list(wb["jurisdictions"].iter_rows(min_row=3, values_only=True))
    assert [(r[1], r[3], r[4]) for r in rows][:2] == [("郑州市", 18, 17), ("登封市", 19, 18)]
    assert len(rows) == 15
    # an unfilled template is refused (no statistics yet), naming the missing figures
    result = run("calc", "targets", str(path))
    assert result.exit_code == 1
    assert "missing GDP" in result.output


def test_template_round_trip_matches_json(run: Run, tmp_path: Path) -> None:
    xlsx = tmp_path / "ex.xlsx"
    assert run("template", "targets", "-o", str(xlsx), "--example").exit_code == 0
    from_xlsx = json.loads(run("calc", "targets", str(xlsx), "--json").output)
    from_json = json.loads(
        run("calc", "targets", str(_write(tmp_path / "ex.json", example(EXAMPLE))), "--json").output
    )
    assert from_xlsx["results"] == from_json["results"]
    assert from_xlsx["indicators"] == from_json["indicators"]


def test_template_does_not_overwrite(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    path.write_bytes(b"keep")
    result = run("template", "targets", "-o", str(path))
    assert result.exit_code == 2
    assert path.read_bytes() == b"keep"
    assert run("template", "targets", "-o", str(path), "--force").exit_code == 0
    assert path.read_bytes() != b"keep"


def test_template_unknown_set_writes_nothing(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    assert run("template", "targets", "-o", str(path), "--set", "atlantis").exit_code == 2
    assert not path.exists()
