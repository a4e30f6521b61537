"""Warnings and derivations a verifier can follow: values in the unit the plan gives them (what
the enterprise entered), a range named by its fuel and source, the report's weighted means with
their arithmetic and each default with its value and factor library row — in Chinese and in
English, every figure computed by hand."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from mrv_support import OWN, World, ledger_rows, power_plan

from citycarbon.numbers import CONTEXT
from citycarbon.server.mrv import services
from citycarbon.server.mrv.models import LedgerFinding

pytestmark = pytest.mark.django_db

LANGUAGES = ("zh-hans", "en")

#: The factor library's source of the bituminous coal defaults (factors/data/fuel_defaults.csv).
NDRC = (
    "NDRC enterprise GHG guidelines 2013-2015, appendix 2 table 常用化石燃料相关参数缺省值 "
    "(value shared by the tables)"
)


@pytest.fixture
def reported(world: World) -> World:
    """The 2015 plan approved (carbon content in tC/TJ, oxidation the default), twelve months
    of 120 000 t of bituminous coal at 20.5 GJ/t and 26.0 tC/TJ — February 21.0 tC/TJ, two
    warnings, acknowledged — and the report built."""
    record = services.do_save_plan(None, world.own, 2015, power_plan(2015))
    services.do_approve_plan(None, services.do_submit_plan(None, record))
    for month in range(1, 13):
        rows = ledger_rows(2015, month, carbon="21.0" if month == 2 else "26.0")
        services.do_submit_ledger(None, world.own, 2015, month, rows)
    for finding in LedgerFinding.objects.order_by("pk"):
        services.do_acknowledge_finding(None, finding, "换煤")
    services.do_build_report(None, world.own, 2015)
    return world


def _get(world: World, url: str, language: str) -> Client:
    client = Client()
    client.force_login(world.people["office"])
    client.cookies["citycarbon_language"] = language
    response = client.get(url)
    assert response.status_code == 200, url
    return response


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_warnings_state_the_plans_unit_and_name_the_band(
    reported: World, language: str
) -> None:
    page = _get(reported, f"/mrv/enterprises/{OWN}/ledgers/2015/2/", language).content.decode()
    zh = language == "zh-hans"
    # February's 21.0 tC/TJ against the bituminous coal band of ranges.csv (row
    # cc.bituminous_coal.band: the library default 26.1 tC/TJ ± 7 % = 24.27–27.93 tC/TJ), and
    # against January's 26.0 tC/TJ: (21 − 26) / 26 = −19.23 % → −19.2 %, above the 10 %
    # threshold. The plan measures carbon content in tC/TJ: no tC/GJ (the canonical unit).
    band = (
        "单位热值含碳量 21 tC/TJ 超出烟煤的合理区间 24.27–27.93 tC/TJ"
        "（ranges.csv，状态 D：因子库缺省值 ± 7 %）"
        if zh
        else "carbon content per unit heat 21 tC/TJ is outside the plausible band of bituminous "
        "coal 24.27–27.93 tC/TJ (ranges.csv, status D: factor library default ± 7 %)"
    )
    jump = (
        "单位热值含碳量 由 26 变为 21 tC/TJ，变化 -19.2 %（阈值 10 %）"
        if zh
        else "Carbon content per unit heat changed by -19.2 % from 26 to 21 tC/TJ (threshold 10 %)"
    )
    assert band in page
    assert jump in page
    for raw in ("tC/GJ", "0.021", "0.026", "cc.bituminous_coal.band", "(cc.", "bituminous_coal"):
        assert raw not in page, raw


def test_the_api_keeps_the_structured_fields(reported: World) -> None:
    data = _get(reported, f"/api/mrv/enterprises/{OWN}/ledgers/2015/2", "en").json()
    found = {f["code"]: f for f in data["findings"]}
    band, jump = found["carbon_band"], found["jump"]
    assert (band["row"], band["field"], band["value"]) == (3, "value", "21.0")
    assert band["params"] == {
        "row": "3",
        "field": "value",
        "value": "21.0",
        "enterprise": band["params"]["enterprise"],
        "stream": "coal",
        "parameter": "carbon_content",
        "month": "2015-02",
        "shown": "21",
        "unit": "tC/TJ",
        "subject": "bituminous_coal",
        "rule": "cc.bituminous_coal.band",
        "band": "ranges.csv, status D: factor library default ± 7 %",
        "low": "24.27",
        "high": "27.93",
    }
    assert band["message"] == (
        "carbon content per unit heat 21 tC/TJ is outside the plausible band of bituminous_coal "
        "24.27–27.93 tC/TJ (ranges.csv, status D: factor library default ± 7 %)"
    )
    assert {k: jump["params"][k] for k in ("previous", "current", "unit", "change")} == {
        "previous": "26",
        "current": "21",
        "unit": "tC/TJ",
        "change": "-19.2",
    }


def test_a_finding_stored_before_the_band_existed_is_named_by_its_row(reported: World) -> None:
    stored = LedgerFinding.objects.get(code="carbon_band")
    old = {k: v for k, v in stored.params.items() if k != "band"}
    LedgerFinding.objects.filter(pk=stored.pk).update(params=old)
    page = _get(reported, f"/mrv/enterprises/{OWN}/ledgers/2015/2/", "zh-hans").content.decode()
    assert "（ranges.csv，状态 D：因子库缺省值 ± 7 %）" in page
    assert "cc.bituminous_coal.band" not in page


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_report_derivations_can_be_recomputed_by_hand(reported: World, language: str) -> None:
    page = _get(reported, f"/mrv/enterprises/{OWN}/reports/2015/", language).content.decode()
    zh = language == "zh-hans"

    def n(text: str) -> str:  # zh-Hans does not group digits, English does
        return text.replace(",", "") if zh else text

    # Carbon content, weighted by the heat (quantity × NCV = 120 000 t × 20.5 GJ/t = 2 460 000
    # GJ a month), in the plan's tC/TJ: Σ(weight × value) = 11 × 2 460 000 × 26 + 2 460 000 ×
    # 21 = 703 560 000 + 51 660 000 = 755 220 000; Σ weight = 12 × 2 460 000 = 29 520 000;
    # 755 220 000 / 29 520 000 = 25.58333… → 25.583333 (half-up, 6 decimals).
    expected = [
        "(权重 = 燃料消耗量 × 低位发热量)"
        if zh
        else "(weight = Fuel consumed × Net calorific value)",
        '<td class="number">25.583333</td><td>tC/TJ</td>',
        ("Σ(权重 × 值) / Σ权重 = " if zh else "Σ(weight × value) / Σ weight = ")
        + n("755,220,000 / 29,520,000 = 25.583333 tC/TJ"),
        f'<th scope="col">{"值" if zh else "Value"} (tC/TJ)</th>',
        n(
            '<tr><td>2015-02</td><td class="number">21</td><td class="number">2,460,000</td>'
            '<td class="number">51,660,000</td></tr>'
        ),
        n(
            '<tr><td>2015-01</td><td class="number">26</td><td class="number">2,460,000</td>'
            '<td class="number">63,960,000</td></tr>'
        ),
        # NCV by the fuel consumed: 12 × 120 000 × 20.5 = 29 520 000 over 1 440 000 t.
        ("Σ(权重 × 值) / Σ权重 = " if zh else "Σ(weight × value) / Σ weight = ")
        + n("29,520,000 / 1,440,000 = 20.5 GJ/t"),
        # The oxidation rate is the library's default for bituminous coal, 93 %, with its row.
        '<td class="number">93</td><td>%</td>',
        f"烟煤碳氧化率：93 %（来源：{NDRC}；状态 C-3）"
        if zh
        else f"Carbon oxidation rate of bituminous coal: 93 % (source: {NDRC}; status C-3)",
    ]
    for text in expected:
        assert text in page, text
    for raw in ("tC/GJ", "0.025583", "0.93", "of.bituminous_coal"):
        assert raw not in page, raw


def test_the_report_api_carries_the_shown_figures_and_the_factor_row(reported: World) -> None:
    data = _get(reported, f"/api/mrv/enterprises/{OWN}/reports/2015", "en").json()
    by_field = {(d["stream"], d["field"]): d for d in data["derivations"]}
    carbon = by_field[("coal", "carbon_content")]
    # Canonical as before (tC/GJ, exact), and as read (tC/TJ): 755 220 / 29 520 000 tC/GJ.
    assert carbon["unit"] == "tC/GJ"
    assert Decimal(carbon["numerator"]) == Decimal(755220)
    assert Decimal(carbon["denominator"]) == Decimal(29520000)
    shown = carbon["shown"]
    assert (shown["unit"], shown["part_unit"]) == ("tC/TJ", "tC/TJ")
    # 307 / 12 tC/TJ, exact to 34 digits (not rounded for display in the data).
    assert Decimal(shown["value"]) == CONTEXT.divide(Decimal(307), Decimal(12))
    assert Decimal(shown["numerator"]) == Decimal(755220000)
    assert Decimal(shown["denominator"]) == Decimal(29520000)
    february = shown["parts"][1]
    assert (Decimal(february["value"]), Decimal(february["product"])) == (21, 51660000)
    oxidation = by_field[("coal", "oxidation")]
    assert (oxidation["method"], oxidation["value"], oxidation["unit"]) == (
        "default",
        "0.93",
        "fraction",
    )
    assert (oxidation["shown"]["value"], oxidation["shown"]["unit"]) == ("93", "%")
    assert oxidation["factor"] == {
        "id": "of.bituminous_coal",
        "parameter": "oxidation",
        "subject": "bituminous_coal",
        "value": "93",
        "unit": "%",
        "guideline": "ndrc2013-appendix2",
        "source": NDRC,
        "status": "C-3",
    }
