"""The stored assessment is the targets kernel's output for the stored statistics: the same
numbers as ``citycarbon calc targets`` on the same input, with its provenance, recomputed when
statistics change and never twice for the same input."""

from __future__ import annotations

import io
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from citycarbon_domain_fixtures import EXAMPLE, example_data
from django.core.management import call_command
from openpyxl import load_workbook

from citycarbon.cli.targets import workbook_to_input
from citycarbon.server.common.models import AuditEvent
from citycarbon.server.stats.models import Statistic
from citycarbon.server.targets.models import AssessmentResult, AssessmentRun, TargetSet
from citycarbon.server.targets.services import do_assess
from citycarbon.targets import assess, parse_input

pytestmark = pytest.mark.django_db


def _comparable(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Kernel result rows without the names (ours come from the jurisdictions file)."""
    return [{key: value for key, value in row.items() if key != "name"} for row in rows]


@pytest.fixture
def loaded(example_world: Any, db: None) -> TargetSet:
    """Every illustrative statistic published (made once for the module)."""
    return TargetSet.objects.get(pk=example_world.target_set)


def test_the_stored_assessment_is_the_kernels_output(loaded: TargetSet) -> None:
    expected = assess(parse_input(example_data())).as_dict()
    for basis in ("working", "published"):
        run = AssessmentRun.objects.filter(basis=basis).order_by("-version").first()
        assert run is not None
        assert len(run.inputs) == 90
        assert run.excluded == []
        assert _comparable(run.output["results"]) == _comparable(expected["results"])
        assert run.output["indicators"]["progress"] == expected["indicators"]["progress"]
        assert run.factors == expected["factors"]
        assert run.output["config"] == expected["config"]
    # Hand-worked, the city in 2012 (docs/targets.md):
    #   GDP at 2010 prices = 4040.9 x 126.9 / 100 = 5127.90 10^8 CNY (GDP index 126.9)
    #   intensity = 80 872 000 t / (5127.90 x 10^4) = 1.5771 t/10^4 CNY
    #   required  = 1 - (1 - 18 %)^(2/5) = 7.63 %
    city = AssessmentResult.objects.get(
        run__basis="published", jurisdiction__code="zhengzhou", year=2012
    )
    assert (city.data["gdp_constant_cny_100m"], city.co2_intensity) == (5127.9, 1.5771)
    assert city.required_reduction_pct == 7.63
    # Shangjie's CO2 from fuels and electricity, 2012 (factors of the example):
    #   raw coal 2 414 000 t x 1.9003 + natural gas 13 230 x 21.622 = 4 873 383.26 t
    #   net imported electricity 1 060 900 MWh x 0.5257 = 557 715.13 t; total 5 431 098.39 t
    shangjie = AssessmentResult.objects.get(
        run__basis="published", jurisdiction__code="shangjie", year=2012
    )
    assert (shangjie.data["co2_fuels_t"], shangjie.data["co2_electricity_t"]) == (
        4_873_383.26,
        557_715.13,
    )
    assert shangjie.data["co2_t"] == 5_431_098.39
    assert (shangjie.warning_level, shangjie.veto, shangjie.grade) == ("一级", True, "不合格")
    # Each result points at the statistic version it was computed from.
    assert shangjie.statistic is not None
    assert (shangjie.statistic.year, shangjie.statistic.state) == (2012, "published")


def test_the_same_input_is_not_assessed_twice(loaded: TargetSet) -> None:
    runs, events = AssessmentRun.objects.count(), AuditEvent.objects.count()
    for basis in ("working", "published"):
        again = do_assess(None, loaded, basis, trigger="again")
        assert again is not None
    assert (AssessmentRun.objects.count(), AuditEvent.objects.count()) == (runs, events)
    # Loading the set and the statistics again changes nothing either.
    out = io.StringIO()
    call_command("load_targets", "zhengzhou", example=EXAMPLE, stdout=out)
    assert "0 created, 0 published, 90 unchanged" in out.getvalue()
    assert (AssessmentRun.objects.count(), AuditEvent.objects.count()) == (runs, events)


def test_an_export_runs_in_the_cli_to_the_same_assessment(
    loaded: TargetSet, client_as: Callable[[str], Any], tmp_path: Path
) -> None:
    content = client_as("reviewer").get("/statistics/export.xlsx").content
    data = workbook_to_input(load_workbook(io.BytesIO(content), data_only=True))
    expected = assess(parse_input(data)).as_dict()
    run = AssessmentRun.objects.filter(basis="working").order_by("-version").first()
    assert run is not None
    assert _comparable(run.output["results"]) == _comparable(expected["results"])
    cli = shutil.which("citycarbon", path=str(Path(__file__).resolve().parents[3] / ".venv/bin"))
    if cli is not None:  # and through the command itself
        path = tmp_path / "export.xlsx"
        path.write_bytes(content)
        done = subprocess.run(
            [cli, "calc", "targets", str(path), "--json"], capture_output=True, check=True
        )
        import json

        printed = json.loads(done.stdout)
        assert _comparable(printed["results"]) == _comparable(run.output["results"])


def test_the_assessment_workbook_and_the_chinese_pdf(
    loaded: TargetSet, client_as: Callable[[str], Any], tmp_path: Path
) -> None:
    client = client_as("public")
    workbook = client.get("/targets/assessment/2013/export.xlsx")
    assert workbook.status_code == 200
    sheet = load_workbook(io.BytesIO(workbook.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 1 + 15
    assert rows[0][:3] == ("排名", "辖区", "代码")
    jinshui = next(r for r in rows if r[2] == "jinshui")
    assert (jinshui[0], jinshui[15], jinshui[16]) == ("1/14", 97.0, "优秀")

    pdf = client.get("/targets/assessment/2013/report.pdf")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) not installed")
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    assert "郑州市“十二五”控制温室气体排放工作实施方案" in text
    assert "2013年考核" in text
    assert "金水区" in text
    assert "上街区" in text
    assert "一级" in text
    assert "不合格" in text
    assert "说明性数据" in text  # the illustrative statistics are labelled as such
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, check=True, text=True)
    assert "Noto-Sans-CJK-SC" in fonts.stdout  # the CJK font, embedded


def test_the_dashboard_and_the_jurisdiction_page_carry_the_kernels_figures(
    loaded: TargetSet, client_as: Callable[[str], Any]
) -> None:
    client = client_as("office")
    page = client.get("/").content.decode()
    for block in ("dashboard-trajectories", "dashboard-progress", "dashboard-tiles"):
        assert f'id="{block}"' in page
    assert 'data-chart="trajectories"' in page
    assert 'data-chart="progress"' in page
    jurisdiction = client.get("/targets/jurisdictions/shangjie/").content.decode()
    assert 'data-testid="warning-history"' in jurisdiction
    assert 'data-testid="score-breakdown"' in jurisdiction
    assert "81.40" in jurisdiction  # Shangjie's 2015 score (the kernel's)
    assert "inventory/_jurisdiction_panel.html" not in jurisdiction  # the slot renders nothing
    assert Statistic.objects.filter(state="published").count() == 90
