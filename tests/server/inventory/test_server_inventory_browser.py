"""In chromium (Playwright, Debian's /usr/bin/chromium): the city office compiles an inventory
from the page and watches its progress, sees the charts drawn (canvases with pixels), drills
down from the total to a category, a line, and the factor row it used, reads the CEADs
comparison with its citation, and compares factor-set versions. Screenshots go to
``$CITYCARBON_SCREENSHOT_DIR`` (``docs/screenshots``) when set."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests_server_support import PASSWORD

from citycarbon.server.common import services as common
from citycarbon.server.factors import services as factor_services
from citycarbon.server.factors.services import do_load_library
from citycarbon.server.inventory.models import Inventory, InventoryRun
from citycarbon.server.inventory.services import do_load_demo_inventories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 900}

#: JavaScript: how many pixels of a chart's canvases are painted (not transparent).
PAINTED = """(container) => {
  let painted = 0;
  for (const canvas of container.querySelectorAll('canvas')) {
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    for (let i = 3; i < data.length; i += 4 * 7) { if (data[i] > 0) painted += 1; }
  }
  return painted;
}"""


@pytest.fixture
def screenshot_dir(tmp_path: Path) -> Path:
    target = os.environ.get("CITYCARBON_SCREENSHOT_DIR")
    path = Path(target) if target else tmp_path / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium fonts-noto-cjk")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield launched
        finally:
            launched.close()


def _sign_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.form button[type=submit]")
    page.wait_for_load_state("networkidle")


def _charts_drawn(page: Any, names: list[str]) -> None:
    for name in names:
        selector = f"[data-chart={name}]"
        page.wait_for_selector(f"{selector}[data-drawn=true] canvas", timeout=15_000)
        painted = page.eval_on_selector(selector, PAINTED)
        assert painted > 200, f"the {name} chart is empty ({painted} painted samples)"


def test_office_compiles_sees_charts_and_drills_down_to_a_factor(
    live_server: Any, users: dict[str, Any], jurisdictions: dict[str, Any], browser: Any,
    screenshot_dir: Path,
) -> None:  # fmt: skip
    office = users["office"]
    builtin = do_load_library(None, jurisdiction=jurisdictions["zhengzhou"]).factor_set
    do_load_demo_inventories(None, factor_set=builtin, iterations=2000)
    # A second version of the factors with Henan's own grid factor, to compare.
    local = common.do_correct(office, builtin, "Henan's own 2012 grid factor")
    central = local.rows.get(factor_id="grid.central.2012").as_data()
    factor_services.do_set_row(
        office,
        local,
        {**central, "value": "0.6100", "source": "Henan EPB notice (illustrative)"},
    )
    city_2012 = Inventory.objects.get(jurisdiction__code="zhengzhou", year=2012)
    dengfeng_2012 = Inventory.objects.get(jurisdiction__code="dengfeng", year=2012)
    city_run = InventoryRun.objects.get(inventory=city_2012)

    base = live_server.url
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    _sign_in(page, base, "office")

    # The list of inventories.
    page.goto(f"{base}/inventories/?year=2012")
    assert page.locator("[data-testid=inventory-table] tbody tr").count() == 15
    page.screenshot(path=str(screenshot_dir / "inventories.zh.png"), full_page=True)

    # Compile Dengfeng 2012 from its page, with a Monte Carlo run: the progress fragment
    # advances stage by stage and then loads the result.
    # Each advance is an hx-post outside any form: its CSRF token travels in the X-CSRFToken
    # header that <body> passes down (hx-headers:inherited, htmx 4).
    advances: list[tuple[int, str]] = []
    page.on(
        "response",
        lambda r: (
            advances.append((r.status, r.request.headers.get("x-csrftoken", "")))
            if "/advance/" in r.url
            else None
        ),
    )
    page.goto(f"{base}/inventories/{dengfeng_2012.pk}/")
    page.select_option("select[name=metric]", "AR5GWP100")
    page.select_option("select[name=iterations]", "10000")
    page.click("[data-testid=compile]")
    page.wait_for_selector("[data-testid=provenance]", timeout=30_000)
    assert advances
    assert all(status == 200 and len(token) >= 32 for status, token in advances), advances
    assert page.locator("[data-testid=metric]").inner_text() == "AR5GWP100"
    assert page.locator("[data-testid=factor-library]").inner_text() == "builtin@v1"
    _charts_drawn(page, ["sectors", "pareto", "uncertainty"])

    # The city's 2012 inventory: charts, category table with notation keys and reasons.
    page.goto(f"{base}/inventories/runs/{city_run.pk}/")
    _charts_drawn(page, ["sectors", "pareto", "uncertainty"])
    notation = page.locator("[data-testid=notation-keys]").inner_text()
    assert "no nitric acid plant in the city" in notation
    page.screenshot(path=str(screenshot_dir / "inventory-result.zh.png"), full_page=True)

    # Drill down: total → category → line → the factor row with its source.
    page.click("[data-testid=total-card]")
    page.click("[data-testid=category-link][data-category='energy.indirect_electricity']")
    page.wait_for_selector("[data-testid=formula]")
    assert "AD_elec" in page.locator("[data-testid=formula]").inner_text()
    line = page.locator("[data-testid=line]").first
    if not line.evaluate("d => d.open"):
        line.locator("summary").click()
    params = line.locator("[data-testid=line-params]").inner_text()
    assert "grid_ef" in params
    page.screenshot(path=str(screenshot_dir / "inventory-drilldown.zh.png"), full_page=True)
    line.locator("[data-testid=factor-link]").first.click()
    page.wait_for_selector("[data-testid=factor-row]")
    assert page.locator("[data-testid=factor-value]").inner_text() == "0.5257"
    assert (
        "中国区域电网平均二氧化碳排放因子"
        in page.locator("[data-testid=factor-source]").inner_text()
    )
    page.screenshot(path=str(screenshot_dir / "factor-row.zh.png"), full_page=True)

    # The city's series with the CEADs comparison and its citation.
    page.goto(f"{base}/inventories/jurisdictions/zhengzhou/")
    _charts_drawn(page, ["series", "ceads"])
    citation = page.locator("[data-testid=ceads-citation]").inner_text()
    assert "Shan, Y., Guan, D., Liu, J." in citation
    assert page.locator("[data-testid=ceads-table] tbody tr").count() == 6
    page.screenshot(path=str(screenshot_dir / "inventory-ceads.zh.png"), full_page=True)

    # Factor sets: browse the grid factors, then compare the two versions.
    page.goto(f"{base}/factors/{builtin.pk}/?kind=grid_average")
    assert "grid.central.2012" in page.locator("[data-testid=factor-rows]").inner_text()
    page.screenshot(path=str(screenshot_dir / "factor-set.zh.png"), full_page=True)
    page.goto(f"{base}/factors/{local.pk}/")
    page.click("[data-testid=compare-previous]")
    table = page.locator("[data-testid=comparison-table]").inner_text()
    assert "0.5257" in table
    assert "0.6100" in table
    page.screenshot(path=str(screenshot_dir / "factor-compare.zh.png"), full_page=True)

    # In English.
    page.goto(f"{base}/inventories/runs/{city_run.pk}/")
    page.click("[data-testid=language-en]")
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "en"
    _charts_drawn(page, ["sectors", "pareto"])
    assert "Inventory of Zhengzhou, 2012" in page.locator("h1").inner_text()
    page.screenshot(path=str(screenshot_dir / "inventory-result.en.png"))

    assert errors == []
    context.close()
