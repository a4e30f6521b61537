"""The year's MRV cycle in the browser (Playwright on Debian's chromium, marked ``browser``):
the enterprise's reporter enters the monitoring plan, the office approves it; the reporter
enters December's ledger — a negative output refused, then a carbon content that needs two
warnings acknowledged —, builds the report, the responsible person signs it off, the reporter
submits it; the office assigns the verifier; the verifier plans, reviews, raises a finding that
the enterprise corrects, visits, closes it and reports; the office approves and publishes; the
public sees the figure. Screenshots go where the other browser tests put theirs.

A second walk, on the Zhengzhou demo (``citycarbon manage demo``), takes the README's MRV
screenshots: the register, the Dengfeng power plant's December ledger refused for a negative
output and then entered with its warnings acknowledged, the annual report with a figure's
derivation opened, its verification with a finding the enterprise corrected, and the
reconciliation with the inventory once the figure is approved and published.

Refresh: ``CITYCARBON_SCREENSHOT_DIR=docs/screenshots pytest -m browser
tests/server/mrv/test_mrv_browser.py``."""

from __future__ import annotations

import io
import json
import os
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from mrv_support import OWN, World, build_world, ledger_rows, power_plan
from tests_server_support import PASSWORD

from citycarbon.server.mrv import services
from citycarbon.server.mrv.models import AnnualReport, Disclosure, LedgerMonth

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"]
VIEWPORT = {"width": 1280, "height": 900}


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    target = os.environ.get("CITYCARBON_SCREENSHOT_DIR")
    path = Path(target) if target else tmp_path / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def chromium() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium fonts-noto-cjk")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            yield launched
        finally:
            launched.close()


class Session:
    """One signed-in account in its own browser context."""

    def __init__(self, chromium: Any, base: str, username: str, shots: Path) -> None:
        self.context = chromium.new_context(viewport=VIEWPORT, locale="zh-CN")
        self.page = self.context.new_page()
        self.base = base
        self.shots = shots
        self.errors: list[str] = []
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.goto(f"{base}/login/")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", PASSWORD)
        self.page.click("form.form button[type=submit]")
        self.page.wait_for_load_state("networkidle")

    def go(self, path: str) -> Any:
        self.page.goto(f"{self.base}{path}")
        return self.page

    def click(self, testid: str) -> None:
        self.page.click(f"[data-testid={testid}]")
        self.page.wait_for_load_state("networkidle")

    def shot(self, name: str, *, full_page: bool = True, height: int | None = None) -> None:
        """Save the page (whole, the window, or its top ``height`` pixels) as ``mrv-<name>``."""
        path = str(self.shots / f"mrv-{name}.zh.png")
        if height is not None:
            clip = {"x": 0, "y": 0, "width": VIEWPORT["width"], "height": height}
            self.page.screenshot(path=path, clip=clip)
        else:
            self.page.screenshot(path=path, full_page=full_page)


@pytest.fixture
def world(transactional_db: None) -> World:
    return build_world()


def test_the_cycle_across_the_accounts(
    live_server: Any, world: World, chromium: Any, shots: Path
) -> None:
    base = live_server.url
    reporter = Session(chromium, base, "reporter-own", shots)
    responsible = Session(chromium, base, "responsible-own", shots)
    office = Session(chromium, base, "office", shots)
    verifier = Session(chromium, base, "verifier-a", shots)

    # The monitoring plan, entered as JSON by the reporter, approved by the office.
    page = reporter.go(f"/mrv/enterprises/{OWN}/plans/2015/")
    page.fill("textarea[name=document]", json.dumps(power_plan(2015), ensure_ascii=False))
    reporter.click("plan-save")
    assert "GB/T 213" in page.inner_text("[data-testid=plan-table]")
    reporter.shot("plan")
    reporter.click("plan-submit")
    office.go(f"/mrv/enterprises/{OWN}/plans/2015/")
    office.click("plan-approve")
    assert "已审核" in office.page.inner_text("[data-testid=plan-state]")

    # Eleven months arrive from the energy-management system; December in the form.
    for month in range(1, 12):
        services.do_submit_ledger(None, world.own, 2015, month, ledger_rows(2015, month))
    page = reporter.go(f"/mrv/enterprises/{OWN}/ledgers/2015/12/")
    values = {"coal__quantity": "120000", "coal__ncv": "20.5", "coal__carbon_content": "26.0",
              "power__output": "-5"}  # fmt: skip
    for key, value in values.items():
        page.fill(f"[data-testid='value-{key}']", value)
    for key in ("coal__ncv", "coal__carbon_content"):
        page.fill(f"[data-testid='evidence-{key}']", "LAB-2015-12")
    reporter.click("ledger-submit")
    assert "-5" in page.inner_text("[data-testid=ledger-problems]")  # the caught error
    assert not LedgerMonth.objects.filter(month=12).exists()
    reporter.shot("ledger-refused")
    page.fill("[data-testid='value-power__output']", "260000")
    page.fill("[data-testid='value-coal__carbon_content']", "21.0")
    reporter.click("ledger-submit")
    assert LedgerMonth.objects.get(month=12).state == "pending"
    while page.locator("[data-testid=acknowledge]").count():
        page.locator("input[name=reason]").first.fill("换用低碳煤，有化验报告 LAB-2015-12")
        page.locator("[data-testid=acknowledge]").first.click()
        page.wait_for_load_state("networkidle")
    assert LedgerMonth.objects.get(month=12).state == "submitted"
    reporter.shot("ledger-acknowledged")

    # The report: built by the reporter, signed off by the responsible person, submitted.
    reporter.go(f"/mrv/enterprises/{OWN}/reports/2015/")
    reporter.click("report-build")
    responsible.go(f"/mrv/enterprises/{OWN}/reports/2015/")
    responsible.click("report-sign-off")
    reporter.go(f"/mrv/enterprises/{OWN}/reports/2015/")
    reporter.click("report-submit")
    report = AnnualReport.objects.get()
    assert report.state == "submitted"
    reporter.shot("report")

    # Verification: assigned by the office, carried out by the verifier.
    page = office.go(f"/mrv/verifications/{OWN}/2015/")
    page.select_option("#assign-org", world.ids["org"])
    page.fill("#assign-on", "2016-04-10")
    office.click("assign-submit")
    page = verifier.go(f"/mrv/verifications/{OWN}/2015/")
    for day in ("2016-04-11", "2016-04-12"):
        page.fill("#step-on-primary", day)
        verifier.click("step-primary")
    page.fill("#finding-primary", "12月化验报告未归档")
    page.fill("#finding-on-primary", "2016-04-12")
    verifier.click("raise-finding")
    page = reporter.go(f"/mrv/verifications/{OWN}/2015/")
    page.locator("input[name=correction]").first.fill("已归档12月化验报告")
    page.locator("input[id^=correct-on-]").first.fill("2016-04-13")
    reporter.click("correct-finding")
    page = verifier.go(f"/mrv/verifications/{OWN}/2015/")
    page.fill("#step-on-primary", "2016-04-14")
    verifier.click("step-primary")
    page.locator("input[name=on]").first.fill("2016-04-15")
    verifier.click("close-finding")
    total = Decimal(report.figures["by_source"]["fuel_combustion"]).quantize(Decimal("0.001"))
    page.fill("[data-testid=emissions-fuel_combustion]", str(total))
    page.fill("#report-on-primary", "2016-04-20")
    verifier.click("verification-report")
    verifier.shot("verification")

    # The office approves and publishes; the public sees the figure.
    page = office.go(f"/mrv/verifications/{OWN}/2015/")
    office.click("approve-verification")
    # Shown as reported in zh-Hans: no grouping, no trailing zeros.
    assert f"{total.normalize():f}" in page.inner_text("[data-testid=approved]")
    office.click("publish")
    assert Disclosure.objects.get().state == "published"
    office.shot("approved")
    public = Session(chromium, base, "public", shots)
    page = public.go("/mrv/disclosure/?year=2015")
    assert f"{total.normalize():f}" in page.inner_text("[data-testid=disclosures]")
    public.shot("disclosure")
    for session in (reporter, responsible, office, verifier, public):
        assert session.errors == []
        session.context.close()


#: The demo's Dengfeng power plant: its 2015 ledger stops at November (``demo_cycle``).
DEMO_POWER = "91410185YY1850016K"
#: The demo's Xinmi CHP plant: verified, approved and published (``demo_cycle``).
DEMO_CHP = "91410183YY18300154"
#: The demo verifier's organisation (河南示例碳核查技术有限公司), accredited for power in 2016.
DEMO_ORGANISATION = "91410105YY1050019C"


def test_screenshots_of_the_demo_cycle(
    live_server: Any, chromium: Any, shots: Path, settings: Any, tmp_path: Path
) -> None:
    settings.DATA_DIR = tmp_path
    call_command(
        "demo", "--no-migrate", "--allow-production", f"--password={PASSWORD}", stdout=io.StringIO()
    )
    base = live_server.url
    office = Session(chromium, base, "office", shots)
    reporter = Session(chromium, base, "enterprise-reporter", shots)
    responsible = Session(chromium, base, "enterprise-responsible", shots)
    verifier = Session(chromium, base, "verifier", shots)

    # The register: the sixteen demo enterprises across Zhengzhou's industries.
    page = office.go("/mrv/enterprises/")
    assert page.inner_text("[data-testid=enterprise-count]").startswith("16")
    assert page.locator("[data-testid=enterprise-table] tbody tr").count() == 16
    office.shot("register")

    # December's ledger: a meter read backwards is refused, row, field and value named.
    page = reporter.go(f"/mrv/enterprises/{DEMO_POWER}/ledgers/2015/12/")
    values = {"coal__quantity": "136960", "coal__ncv": "20.62",
              "coal__carbon_content": "30.5", "power__output": "-289970"}  # fmt: skip
    for key, value in values.items():
        page.fill(f"[data-testid='value-{key}']", value)
    for key in ("coal__ncv", "coal__carbon_content"):
        page.fill(f"[data-testid='evidence-{key}']", "化验报告 LAB-0016K-2015-12")
    reporter.click("ledger-submit")
    problems = page.inner_text("[data-testid=ledger-problems]")
    assert "-289970" in problems
    assert not LedgerMonth.objects.filter(enterprise__credit_code=DEMO_POWER, month=12).exists()
    reporter.shot("ledger-error")

    # Entered again: a carbon content above the band (and 17 % above November) is a warning
    # the reporter acknowledges with the reason.
    page.fill("[data-testid='value-power__output']", "289970")
    reporter.click("ledger-submit")
    month = LedgerMonth.objects.get(enterprise__credit_code=DEMO_POWER, year=2015, month=12)
    assert month.state == "pending"
    assert page.locator("[data-testid=acknowledge]").count() == 2
    while page.locator("[data-testid=acknowledge]").count():
        page.locator("input[name=reason]").first.fill(
            "12月换用高碳煤，化验报告 LAB-0016K-2015-12 已复核"
        )
        page.locator("[data-testid=acknowledge]").first.click()
        page.wait_for_load_state("networkidle")
    month.refresh_from_db()
    assert month.state == "submitted"
    assert page.locator("[data-testid=acknowledged]").count() == 2
    reporter.shot("ledger-warning")

    # The annual report: built, signed off by the responsible person, submitted; the NCV's
    # derivation (weighted by the coal burnt each month) opened.
    reporter.go(f"/mrv/enterprises/{DEMO_POWER}/reports/2015/")
    reporter.click("report-build")
    responsible.go(f"/mrv/enterprises/{DEMO_POWER}/reports/2015/")
    responsible.click("report-sign-off")
    page = reporter.go(f"/mrv/enterprises/{DEMO_POWER}/reports/2015/")
    reporter.click("report-submit")
    report = AnnualReport.objects.get(enterprise__credit_code=DEMO_POWER, year=2015)
    assert report.state == "submitted"
    total = Decimal(report.figures["total"]).quantize(Decimal("0.01"))
    assert f"{total:f}" in page.inner_text("[data-testid=report-total-value]")
    derivations = page.locator("[data-testid=report-derivations] details")
    # The months behind each monthly figure: coal burnt, its NCV and carbon content, and the
    # electricity supplied (the fuel is a choice and the oxidation rate a default: no months).
    assert derivations.count() == 4
    derivations.nth(1).evaluate("details => { details.open = true; }")
    reporter.shot("report-derivations")

    # Verification by the demo verifier's organisation: a finding on the December lab report,
    # corrected by the enterprise; shot before the verifier closes it.
    page = office.go(f"/mrv/verifications/{DEMO_POWER}/2015/")
    page.select_option("#assign-org", DEMO_ORGANISATION)
    page.fill("#assign-on", "2016-04-10")
    office.click("assign-submit")
    page = verifier.go(f"/mrv/verifications/{DEMO_POWER}/2015/")
    for day in ("2016-04-11", "2016-04-12"):
        page.fill("#step-on-primary", day)
        verifier.click("step-primary")
    page.fill("#finding-primary", "12月燃煤元素碳含量 30.5 tC/TJ 的化验报告未归档")
    page.fill("#finding-on-primary", "2016-04-12")
    verifier.click("raise-finding")
    page = reporter.go(f"/mrv/verifications/{DEMO_POWER}/2015/")
    page.locator("input[name=correction]").first.fill("已将12月化验报告 LAB-0016K-2015-12 归档")
    page.locator("input[id^=correct-on-]").first.fill("2016-04-13")
    reporter.click("correct-finding")
    page = verifier.go(f"/mrv/verifications/{DEMO_POWER}/2015/")
    page.fill("#step-on-primary", "2016-04-14")
    verifier.click("step-primary")
    assert page.locator("[data-testid=correction]").count() == 1
    assert page.locator("[data-testid=close-finding]").count() == 1
    assert "2015-12" in page.inner_text("[data-testid=acknowledgements]")
    verifier.shot("verification-finding")

    # Closed, reported by source, approved and published by the office.
    page.locator("input[name=on]").first.fill("2016-04-15")
    verifier.click("close-finding")
    verified = Decimal(report.figures["by_source"]["fuel_combustion"]).quantize(Decimal("0.001"))
    page.fill("[data-testid=emissions-fuel_combustion]", str(verified))
    page.fill("#report-on-primary", "2016-04-20")
    verifier.click("verification-report")
    page = office.go(f"/mrv/verifications/{DEMO_POWER}/2015/")
    office.click("approve-verification")
    office.click("publish")
    assert Disclosure.objects.get(enterprise__credit_code=DEMO_POWER, year=2015).tco2e == verified

    # Reconciliation with the 2015 inventory: the two power plants' approved figures (the demo's
    # Xinmi CHP plant and this one) under energy, Dengfeng's on its own line too.
    page = office.go("/mrv/reconciliation/?jurisdiction=zhengzhou&year=2015")
    chp = Disclosure.objects.get(enterprise__credit_code=DEMO_CHP, year=2015).tco2e
    city = page.inner_text("[data-testid=reconciliation-zhengzhou]")
    assert f"{(chp + verified).quantize(Decimal('0.01')):f}" in city
    dengfeng = page.inner_text("[data-testid=reconciliation-dengfeng]")
    assert f"{verified.quantize(Decimal('0.01')):f}" in dengfeng
    office.shot("reconciliation", full_page=False)

    # The public sees the two published figures, and nothing else of the app.
    public = Session(chromium, base, "public", shots)
    page = public.go("/mrv/disclosure/?year=2015")
    published = page.inner_text("[data-testid=disclosures]")
    assert f"{verified.quantize(Decimal('0.01')):f}" in published
    assert f"{chp.quantize(Decimal('0.01')):f}" in published
    public.shot("published", height=480)
    for session in (office, reporter, responsible, verifier, public):
        assert session.errors == []
        session.context.close()
