"""An annual report exported as an interchange document and computed again by ``citycarbon calc
enterprise``: the total, every line and every source equal to the report's figures (exact
decimals, after the report's rounding policy: 0.01 t half-up); refused to another enterprise's
account exactly as reading the report is, with nothing exported."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from django.test import Client
from mrv_support import OTHER, World
from openpyxl import load_workbook

from citycarbon.accounting import compute_report
from citycarbon.accounting.monitoring.export import CONTENT_TYPES, read_exported
from citycarbon.cli import main
from citycarbon.numbers import round_emissions
from citycarbon.server.common.errors import (
    Attempt,
    ConflictError,
    NotFoundError,
    ValidationFailedError,
)
from citycarbon.server.common.models import AuditEvent
from citycarbon.server.mrv import exports, selectors, services
from citycarbon.server.mrv.demo_cycle import demo_ledger, demo_plan
from citycarbon.server.mrv.models import AnnualReport

pytestmark = pytest.mark.django_db

#: The Xinmi CHP plant's 2015 coal (the demo's figures): 743,590 t, of which July's 68,320 t at
#: 23.03 GJ/t and the rest at 19.85 GJ/t: 14,977,519.1 GJ × 0.02596 tC/GJ × 0.93 (default
#: oxidation) × 44/12 = 1,325,863.90980076 tCO2e. The NCV's weighted mean (20.1421739130…,
#: 34 digits) leaves a tail of ~1.7e-22 t in the report's exact total.
HAND_TOTAL = Decimal("1325863.90980076")
ROUNDED_TOTAL = Decimal("1325863.91")


def _chp_report(world: World) -> AnnualReport:
    """The other (Xinmi) enterprise's 2015 report from the demo cycle's plan and ledger,
    signed off and submitted."""
    plan = services.do_save_plan(None, world.other, 2015, demo_plan(OTHER, 2015))
    services.do_approve_plan(None, services.do_submit_plan(None, plan))
    for month in range(1, 13):
        record = services.do_submit_ledger(
            None, world.other, 2015, month, demo_ledger(OTHER, month)
        )
        for finding in record.findings.filter(acknowledged_at__isnull=True):
            services.do_acknowledge_finding(None, finding, "换煤，有化验报告")
    report = services.do_build_report(None, world.other, 2015)
    services.do_sign_off(None, report)
    return services.do_submit_report(None, report, on=date(2016, 3, 20))


@pytest.fixture
def chp(world: World) -> AnnualReport:
    return _chp_report(world)


def _figures(record: AnnualReport) -> dict[str, Any]:
    figures = record.figures
    return {
        "total": Decimal(figures["total"]),
        "lines": [(line["stream"], Decimal(line["co2e"])) for line in figures["lines"]],
        "by_source": {k: Decimal(v) for k, v in figures["by_source"].items()},
    }


def _calc(path: Path, *extra: str) -> dict[str, Any]:
    """``citycarbon calc enterprise PATH --json`` in-process, its record."""
    result = CliRunner().invoke(main, ["calc", "enterprise", str(path), "--json", *extra])
    assert result.exit_code == 0, result.output
    record: dict[str, Any] = json.loads(result.stdout)
    return record


def _assert_reproduced(record: dict[str, Any], report: AnnualReport) -> None:
    """The CLI's record equals the report's figures after the rounding policy."""
    figures = _figures(report)
    assert record["refused"] == []
    assert record["gwp_metric"] == report.figures["metric"]
    (computed,) = record["reports"]
    assert computed["factor_library"] == report.figures["factor_library"]
    assert Decimal(computed["total_tco2e"]) == round_emissions(figures["total"])
    assert [(line["label"], Decimal(line["tco2e"])) for line in computed["lines"]] == [
        (stream, round_emissions(value)) for stream, value in figures["lines"]
    ]
    assert {k: Decimal(v) for k, v in computed["by_source"].items()} == {
        k: round_emissions(v) for k, v in figures["by_source"].items()
    }


@pytest.mark.parametrize("kind", ["json", "yaml", "xlsx"])
def test_the_exported_report_computes_to_its_figures(
    chp: AnnualReport, world: World, kind: str, tmp_path: Path
) -> None:
    reporter = world.people["other_enterprise"]
    exported = exports.report_file(reporter, OTHER, 2015, kind=kind)
    assert exported.filename == f"report-{OTHER}-2015-v1.{kind}"
    assert exported.record.pk == chp.pk
    figures = _figures(chp)
    assert round_emissions(figures["total"]) == ROUNDED_TOTAL
    assert abs(figures["total"] - HAND_TOTAL) < Decimal("1e-20")
    # Exactly, before any rounding: the file reads back into input that computes to the
    # report's own decimals.
    (read,) = read_exported(exported.content, kind)
    assert read.report is not None
    result = compute_report(read.report, metric=chp.figures["metric"])
    assert result.total.value == figures["total"]
    assert [line.co2e.value for line in result.lines] == [v for _, v in figures["lines"]]
    assert dict(result.by_source) == figures["by_source"]
    # And through the command line, after the rounding policy.
    path = tmp_path / exported.filename
    path.write_bytes(exported.content)
    _assert_reproduced(_calc(path), chp)


def test_the_header_and_the_lines(chp: AnnualReport, world: World) -> None:
    reporter = world.people["other_enterprise"]
    exported = exports.report_file(reporter, OTHER, 2015)
    document = json.loads(exported.content)
    (report,) = document["reports"]
    assert (report["id"], report["enterprise"], report["sector"], report["year"]) == (
        OTHER, world.other.name_zh, "power_generation", 2015,
    )  # fmt: skip
    assert report["region"] == "henan"
    for part in (
        "exported from citycarbon",
        f"enterprise {world.other.name_zh}",
        f"credit code {OTHER}",
        "year 2015",
        "report version 1 (submitted)",
        "GWP SARGWP100",
        f"reported total {chp.figures['total'].rstrip('0')}",
    ):
        assert part in document["note"]
    assert report["note"] == document["note"]
    (line,) = report["lines"]
    assert {k: v for k, v in line.items() if k != "note"} == {
        "source": "fuel_combustion",
        "label": "coal",
        "fuel": "bituminous_coal",
        "quantity": "743590",
        "unit": "t",
        "ncv": {"value": "20.1421739130434782608695652173913", "unit": "GJ/t"},
        "carbon_content": {"value": "0.02596", "unit": "tC/GJ"},
    }
    assert "oxidation: factor library default" in line["note"]


def test_a_version_and_the_workbook(chp: AnnualReport, world: World) -> None:
    """A correction is version 2 (a draft); version 1 is still exported as it was."""
    reporter = world.people["other_enterprise"]
    services.do_correct_report(reporter, chp, "补充说明")
    latest = exports.report_file(reporter, OTHER, 2015, kind="xlsx")
    first = exports.report_file(reporter, OTHER, 2015, version=1, kind="xlsx")
    assert (latest.filename, first.filename) == (
        f"report-{OTHER}-2015-v2.xlsx", f"report-{OTHER}-2015-v1.xlsx",
    )  # fmt: skip
    assert latest.content_type.endswith("spreadsheetml.sheet")
    notes = []
    for exported in (latest, first):
        sheet = load_workbook(BytesIO(exported.content))["Reports"]
        keys = {sheet.cell(2, c).value: c for c in range(1, sheet.max_column + 1)}
        assert sheet.cell(3, keys["id"]).value == OTHER
        notes.append(sheet.cell(3, keys["note"]).value)
    assert "report version 2 (draft)" in notes[0]
    assert "report version 1 (submitted)" in notes[1]


def test_once_as_a_subprocess(chp: AnnualReport, world: World, tmp_path: Path) -> None:
    reporter = world.people["other_enterprise"]
    exported = exports.report_file(reporter, OTHER, 2015)
    path = tmp_path / exported.filename
    path.write_bytes(exported.content)
    script = Path(sys.executable).with_name("citycarbon")
    done = subprocess.run(
        [str(script), "calc", "enterprise", str(path), "--json"],
        capture_output=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr.decode()
    _assert_reproduced(json.loads(done.stdout), chp)
    assert Decimal(json.loads(done.stdout)["reports"][0]["total_tco2e"]) == ROUNDED_TOTAL


def test_another_enterprise_is_refused_as_reading_the_report_is(
    chp: AnnualReport, world: World, mrv_counts: Callable[[], Any]
) -> None:
    """The Dengfeng reporter asks for the Xinmi report: not found, exactly as reading it — the
    same error, marked as the same attempt to audit (``mrv.refused``, ``read``, the
    enterprise); nothing is made or written."""
    outsider = world.people["own_enterprise"]
    before = mrv_counts()
    with pytest.raises(NotFoundError) as read:
        selectors.enterprise(outsider, OTHER)
    for kind in ("json", "xlsx", "csv"):  # an unknown format is not told to an outsider
        with pytest.raises(NotFoundError) as refused:
            exports.report_file(outsider, OTHER, 2015, kind=kind)
        assert (refused.value.field, refused.value.value, str(refused.value)) == (
            read.value.field, read.value.value, str(read.value),
        )  # fmt: skip
        assert (
            refused.value.attempt
            == read.value.attempt
            == Attempt(
                "mrv.refused", "read", "mrv.enterprise", OTHER, f"{OTHER} {world.other.name_zh}"
            )
        )
    assert mrv_counts() == before


def test_an_unknown_format_and_figures_not_reproduced(chp: AnnualReport, world: World) -> None:
    reporter = world.people["other_enterprise"]
    with pytest.raises(ValidationFailedError) as unknown:
        exports.report_file(reporter, OTHER, 2015, kind="csv")
    assert (unknown.value.field, unknown.value.value) == ("format", "csv")
    # A report whose kept total is not what its lines compute to today (as after a change of
    # the factor library): refused, naming the difference; nothing handed out.
    figures = {**chp.figures, "total": "1325863.92"}
    AnnualReport.objects.filter(pk=chp.pk).update(figures=figures)
    events = AuditEvent.objects.count()
    with pytest.raises(ConflictError) as conflict:
        exports.report_file(reporter, OTHER, 2015)
    assert conflict.value.field == "figures"
    assert str(conflict.value.value).startswith("total: 1325863.90980076")
    assert str(conflict.value.value).endswith("≠ 1325863.92")
    assert AuditEvent.objects.count() == events


# --- the API and the page -----------------------------------------------------------------------

API = f"/api/mrv/enterprises/{OTHER}/reports/2015"
PAGE = f"/mrv/enterprises/{OTHER}/reports/2015"


def _client(world: World, persona: str) -> Client:
    client = Client()
    client.force_login(world.people[persona])
    return client


@pytest.mark.parametrize("kind", ["json", "xlsx"])
def test_the_api_and_the_page_give_the_document(
    chp: AnnualReport, world: World, kind: str, tmp_path: Path
) -> None:
    client = _client(world, "other_enterprise")
    for url in (f"{API}/document?format={kind}", f"{PAGE}/document.{kind}"):
        answer = client.get(url)
        assert answer.status_code == 200, answer.content
        assert answer["Content-Disposition"] == (
            f'attachment; filename="report-{OTHER}-2015-v1.{kind}"'
        )
        path = tmp_path / f"report.{kind}"
        path.write_bytes(answer.content)
        _assert_reproduced(_calc(path), chp)
    unknown = client.get(f"{API}/document?format=csv")
    assert unknown.status_code == 400
    assert (unknown.json()["field"], unknown.json()["value"]) == ("format", "csv")
    assert client.get(f"{PAGE}/document.csv").status_code == 404
    versioned = client.get(f"{API}/document?format=json&version=1")
    assert "report version 1 (submitted)" in json.loads(versioned.content)["note"]
    page = client.get(f"{PAGE}/")
    assert f"{PAGE}/document.xlsx".encode() in page.content
    assert f"{PAGE}/document.json".encode() in page.content


def test_the_api_and_the_page_refuse_another_enterprise_as_the_report_read(
    chp: AnnualReport, world: World, mrv_counts: Callable[[], Any]
) -> None:
    """Refused as reading the report is: the same status and body, and the same audit event
    (reading another enterprise's report is audited: ``mrv.refused``, ``read``, the
    enterprise); nothing exported, nothing else changed."""
    outsider = world.people["own_enterprise"]
    client = _client(world, "own_enterprise")
    pairs = ((API, f"{API}/document?format=xlsx"), (f"{PAGE}/", f"{PAGE}/document.xlsx"))
    for read_url, export_url in pairs:
        answers, events = [], []
        for url in (read_url, export_url):
            before = mrv_counts()
            latest = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
            answers.append(client.get(url))
            assert mrv_counts().without_audit() == before.without_audit()
            (event,) = AuditEvent.objects.filter(pk__gt=latest or 0)
            events.append(event)
        read, refused = answers
        assert (read.status_code, refused.status_code) == (404, 404)
        if read_url == API:
            assert refused.json() == read.json()
            assert refused.json()["field"] == "credit_code"
        assert not refused["Content-Type"].startswith(CONTENT_TYPES["xlsx"])
        assert "Content-Disposition" not in refused
        for event in events:
            assert (event.action, event.actor_id, event.object_type, event.object_id) == (
                "mrv.refused", outsider.pk, "mrv.enterprise", OTHER,
            )  # fmt: skip
            assert event.after is not None
            assert (event.after["attempted"], event.after["code"]) == ("read", "not_found")
        assert "/document" in str(events[1].after["path"])
