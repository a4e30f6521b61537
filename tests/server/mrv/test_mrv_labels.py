"""The MRV pages name things in the user's language: a source stream by what the monitoring
plan calls it (its id only as secondary text), a parameter by its source type's name, a
method, frequency, unit, fuel and sector guideline by their names, a ledger warning by its
check's name — in Chinese (the default) and in English, never the raw id where a name exists."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import translation
from mrv_support import OWN, World, ledger_rows, power_plan

from citycarbon.accounting.monitoring.findings import MESSAGES
from citycarbon.server.mrv import services
from citycarbon.server.mrv.models import LedgerFinding
from citycarbon.server.mrv.templatetags.mrv_tags import (
    FINDING_NAMES,
    finding_name,
    inventory_sector_name,
    parameter_name,
)

pytestmark = pytest.mark.django_db

LANGUAGES = ("zh-hans", "en")


def _named_plan() -> dict[str, object]:
    """The world's power plan with its streams named as an enterprise names them."""
    plan = power_plan(2015)
    coal, power = plan["streams"]  # type: ignore[misc]
    coal["name"] = "入炉燃煤"
    power["name"] = "上网电量"
    return plan


@pytest.fixture
def planned(world: World) -> World:
    record = services.do_save_plan(None, world.own, 2015, _named_plan())
    services.do_approve_plan(None, services.do_submit_plan(None, record))
    return world


@pytest.fixture
def verified(planned: World) -> World:
    """Twelve months (February's carbon content 21.0 tC/TJ: two warnings, acknowledged), the
    report submitted, verified and approved."""
    for month in range(1, 13):
        rows = ledger_rows(2015, month, carbon="21.0" if month == 2 else "26.0")
        services.do_submit_ledger(None, planned.own, 2015, month, rows)
    for finding in LedgerFinding.objects.order_by("pk"):
        services.do_acknowledge_finding(None, finding, "换煤")
    report = services.do_build_report(None, planned.own, 2015)
    services.do_sign_off(planned.people["responsible"], report)
    services.do_submit_report(planned.people["responsible"], report, on=date(2016, 3, 1))
    verifier = planned.people["verifier"]
    assignment = services.do_assign_verifier(
        planned.people["office"], planned.own, 2015, organisation=planned.organisation,
        on=date(2016, 4, 10),
    )  # fmt: skip
    for step, day in (("plan", 11), ("document_review", 12), ("site_visit", 14)):
        services.do_verification_step(verifier, assignment, step, date(2016, 4, day))
    services.do_verification_report(
        verifier, assignment, {"fuel_combustion": Decimal("2617243.2")}, "positive",
        on=date(2016, 4, 20),
    )  # fmt: skip
    services.do_approve_verification(planned.people["office"], assignment)
    return planned


def _page(world: World, persona: str, url: str, language: str) -> str:
    client = Client()
    client.force_login(world.people[persona])
    client.cookies["citycarbon_language"] = language
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


COAL = '入炉燃煤 <code class="muted small">coal</code>'
POWER = '上网电量 <code class="muted small">power</code>'


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_plan_page_names_streams_parameters_methods_and_choices(
    planned: World, language: str
) -> None:
    page = _page(planned, "office", f"/mrv/enterprises/{OWN}/plans/2015/", language)
    zh = language == "zh-hans"
    expected = [
        f'<span data-testid="plan-sector">{"发电" if zh else "Power generation"}</span>',
        '<td>1号机组 <code class="muted small">U1</code></td>',
        f"<td>{COAL}</td>",
        f"<td>{POWER}</td>",
        f"<td>{'化石燃料燃烧' if zh else 'Fossil fuel combustion'}</td>",
        f"<td>{'燃料品种：烟煤' if zh else 'Fuel: bituminous coal'}</td>",
        f'<span title="quantity">{"燃料消耗量" if zh else "Fuel consumed"}</span>'
        ' <code class="muted small">quantity</code>',
        f'<span title="ncv">{"低位发热量" if zh else "Net calorific value"}</span>',
        f'<span title="output">{"产品产量" if zh else "Production output"}</span>',
        f"<td>{'皮带秤' if zh else 'belt scale'}</td>",
        f"<td>{'实验室化验分析' if zh else 'laboratory analysis'}</td>",
        f"<td>{'连续计量' if zh else 'continuous'}</td>",
        f"<td>{'吨' if zh else 't'}</td>",
        # The plan's warning (the carbon content's lab standard left out) by its check's name.
        f"<strong>{'化验分析未注明标准' if zh else 'Lab analysis without its standard'}</strong>: ",
    ]
    for text in expected:
        assert text in page, text
    for raw in (
        "<code>coal</code>",
        "<code>U1</code>",
        "<code>fuel_combustion</code>",
        "<code>power_generation</code>",
        "fuel=bituminous_coal",
        "<td>belt_scale</td>",
        "<td>lab_analysis</td>",
        '<code class="muted">plan_standard_missing</code>',
    ):
        assert raw not in page, raw


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_plan_list_names_the_sector_guideline(planned: World, language: str) -> None:
    page = _page(planned, "office", f"/mrv/enterprises/{OWN}/plans/", language)
    assert ("<td>发电</td>" if language == "zh-hans" else "<td>Power generation</td>") in page
    assert "<code>power_generation</code>" not in page


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_ledger_month_names_rows_and_warnings(verified: World, language: str) -> None:
    page = _page(verified, "office", f"/mrv/enterprises/{OWN}/ledgers/2015/2/", language)
    zh = language == "zh-hans"
    expected = [
        f"<td>{COAL}</td>",
        f"<td>{POWER}</td>",
        f'<td><span title="quantity">{"燃料消耗量" if zh else "Fuel consumed"}</span></td>',
        f'<td><span title="output">{"产品产量" if zh else "Production output"}</span></td>',
        f"<td>{'吨' if zh else 't'}</td>",
        '<strong data-testid="finding-name">'
        f"{'含碳量超出合理区间' if zh else 'Carbon content outside the plausible band'}</strong>",
        f'<strong data-testid="finding-name">{"环比跳变" if zh else "Month-over-month jump"}'
        "</strong>",
        # The messages name the parameter and the fuel, not their ids, and state the values in
        # the plan's unit (tC/TJ, as entered), not the canonical tC/GJ: 26.0 → 21.0 tC/TJ is
        # (21 − 26) / 26 = −19.2 %. The band is named by its fuel and source, not its row id.
        "单位热值含碳量 由 26 变为 21 tC/TJ，变化 -19.2 %"
        if zh
        else "Carbon content per unit heat changed by -19.2 % from 26 to 21 tC/TJ",
        "超出烟煤的合理区间 24.27–27.93 tC/TJ（ranges.csv，状态 D：因子库缺省值 ± 7 %）"
        if zh
        else "outside the plausible band of bituminous coal 24.27–27.93 tC/TJ "
        "(ranges.csv, status D: factor library default ± 7 %)",
    ]
    for text in expected:
        assert text in page, text
    for raw in ("<code>coal</code>", "<code>power</code>", "<code>quantity</code>"):
        assert raw not in page, raw
    assert '<code class="muted">jump</code>' not in page
    assert '<code class="muted">carbon_band</code>' not in page
    assert "carbon_content changed" not in page
    assert "bituminous_coal的" not in page
    assert "for bituminous_coal" not in page
    assert "cc.bituminous_coal.band" not in page
    assert "tC/GJ" not in page


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_ledger_form_names_streams_and_parameters(planned: World, language: str) -> None:
    page = _page(planned, "own_enterprise", f"/mrv/enterprises/{OWN}/ledgers/2015/1/", language)
    zh = language == "zh-hans"
    # No month entered yet: the form knows the streams' names; a parameter's general name.
    assert f"<td>{COAL}</td>" in page
    assert f'<span title="quantity">{"数量" if zh else "Quantity"}</span>' in page
    assert f'<span class="muted">{"皮带秤" if zh else "belt scale"}</span>' in page
    assert "<code>coal</code>" not in page
    assert ">belt_scale<" not in page


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_report_names_streams_parameters_and_choices(verified: World, language: str) -> None:
    page = _page(verified, "office", f"/mrv/enterprises/{OWN}/reports/2015/", language)
    zh = language == "zh-hans"
    expected = [
        f"<h3>{COAL}</h3>",
        f"<h3>{POWER}</h3>",
        f"<td>{COAL}</td><td>{'化石燃料燃烧' if zh else 'Fossil fuel combustion'}",
        f'<td><span title="fuel">{"燃料品种" if zh else "Fuel"}</span></td>',
        f'<td class="number">{"烟煤" if zh else "bituminous coal"}</td>',
        "(权重 = 燃料消耗量 × 低位发热量)"
        if zh
        else "(weight = Fuel consumed × Net calorific value)",
        f"<td>{'吨' if zh else 't'}</td>",
    ]
    for text in expected:
        assert text in page, text
    for raw in ("<code>coal</code>", "<code>power</code>", "<code>fuel</code>", "bituminous_coal"):
        assert raw not in page, raw
    assert "quantity, ncv" not in page


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_verification_names_the_acknowledged_warnings(verified: World, language: str) -> None:
    page = _page(verified, "office", f"/mrv/verifications/{OWN}/2015/", language)
    zh = language == "zh-hans"
    # The report's plan is fetched with the verification: the stream is named as the plan
    # names it (``_named_plan``: 入炉燃煤, in both languages), never by the bare id nor by its
    # source type alone.
    stream = '入炉燃煤 <code class="muted small">coal</code>'
    source = "化石燃料燃烧" if zh else "Fossil fuel combustion"
    assert f'{source} <code class="muted small">coal</code>' not in page
    name = "单位热值含碳量" if zh else "Carbon content per unit heat"
    parameter = f'<span title="carbon_content">{name}</span>'
    for check in (
        "含碳量超出合理区间" if zh else "Carbon content outside the plausible band",
        "环比跳变" if zh else "Month-over-month jump",
    ):
        row = f'<strong data-testid="acknowledged-check">{check}</strong> · {stream} · {parameter}'
        assert row in page, row
    assert '<td class="number">21.0 tC/TJ</td>' in page
    for raw in ("<code>carbon_band</code>", "<code>jump</code>", "coal.carbon_content"):
        assert raw not in page, raw


@pytest.mark.parametrize("language", LANGUAGES)
def test_verified_figures_and_inventory_sectors_by_name(verified: World, language: str) -> None:
    zh = language == "zh-hans"
    listed = _page(verified, "office", "/mrv/verifications/", language)
    assert ("2617243.2" if zh else "2,617,243.2") in listed
    assert "2617243.200" not in listed
    url = "/mrv/reconciliation/?year=2015&jurisdiction=zhengzhou"
    page = _page(verified, "office", url, language)
    assert ("<td>能源活动</td>" if zh else "<td>Energy</td>") in page
    assert ("<td>工业生产过程</td>" if zh else "<td>Industrial processes</td>") in page
    assert "<td>energy</td>" not in page
    assert "<td>ippu</td>" not in page


def test_every_ledger_check_has_a_name_in_both_languages() -> None:
    ledger_codes = {c for c in MESSAGES if not c.startswith(("read_", "plan_"))}
    assert ledger_codes <= set(FINDING_NAMES), ledger_codes - set(FINDING_NAMES)
    for code in ledger_codes:
        with translation.override("en"):
            english = str(finding_name(code))
        with translation.override("zh-hans"):
            chinese = str(finding_name(code))
        assert english != code
        assert chinese != english, code
    with translation.override("zh-hans"):
        assert str(finding_name("out_of_range")) == "超出预期范围"
        assert str(finding_name("no_such_check")) == "no_such_check"


def test_parameter_and_sector_names_fall_back_in_order() -> None:
    with translation.override("zh-hans"):
        # The source type's own name; a general one without it; the id when nothing knows it.
        assert parameter_name("purchased_electricity", "quantity") == "购入电量"
        assert parameter_name(None, "quantity") == "数量"
        assert parameter_name(None, "mgo") == "熟料中MgO的含量"
        assert parameter_name(None, "no_such_parameter") == "no_such_parameter"
        assert inventory_sector_name("indirect") == "间接排放（购入和输出的电力、热力）"
        assert inventory_sector_name("unknown") == "unknown"
    with translation.override("en"):
        assert parameter_name("fuel_combustion", "quantity") == "Fuel consumed"
        assert parameter_name("purchased_electricity", "factor") == "Grid average emission factor"
        assert inventory_sector_name("other") == "Other (no inventory sector)"
