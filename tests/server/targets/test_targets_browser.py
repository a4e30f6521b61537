"""In chromium: the office sees the dashboard's charts drawn with data, imports a workbook with
one bad row and sees the error, a district official submits and the office approves, the
language switches, and an official cannot reach another district's drafts. Screenshots go to
``$CITYCARBON_SCREENSHOT_DIR`` (``docs/screenshots`` when refreshing the documentation)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from citycarbon_domain_fixtures import EXAMPLE, example_workbook
from tests_server_support import PASSWORD

from citycarbon.server.stats.models import Statistic
from citycarbon.server.stats.validation import Figures
from citycarbon.server.targets.services import do_load_example_statistics

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORT = {"width": 1280, "height": 900}

#: Counts the painted pixels of a chart's canvas (ECharts draws on a <canvas>).
PAINTED = """container => {
  const canvas = container.querySelector('canvas');
  if (!canvas) { return 0; }
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let painted = 0;
  for (let i = 3; i < data.length; i += 4) { if (data[i] > 0) { painted += 1; } }
  return painted;
}"""


def _sign_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.form button[type=submit]")
    page.wait_for_load_state("networkidle")


def _sign_out(page: Any) -> None:
    page.click("form[action='/logout/'] button")
    page.wait_for_load_state("networkidle")


def _chart_painted(page: Any, name: str) -> int:
    selector = f"[data-testid={name}][data-drawn=true]"
    page.wait_for_selector(selector, timeout=15_000)
    painted: int = page.eval_on_selector(selector, PAINTED)
    return painted


def test_the_office_sees_the_dashboard_drawn_with_data(
    live_server: Any, users: dict[str, Any], target_set: Any, browser: Any, screenshot_dir: Path
) -> None:
    do_load_example_statistics(target_set, EXAMPLE)
    base = live_server.url
    context = browser.new_context(viewport=VIEWPORT, locale="en-US")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    _sign_in(page, base, "office")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    # A canvas of 600 x 380 px or so: a drawn chart paints tens of thousands of pixels; an
    # empty one (no data) paints only its axes' few thousand.
    assert _chart_painted(page, "chart-trajectories") > 20_000
    assert _chart_painted(page, "chart-progress") > 20_000
    page.wait_for_selector("[data-testid=dashboard-tile-map][data-drawn=true] svg", timeout=15_000)
    tiles = page.eval_on_selector_all(
        "[data-testid=dashboard-tile-map] svg text", "nodes => nodes.map(n => n.textContent)"
    )
    assert "上街区" in "".join(tiles)
    assert page.locator("[data-testid=dashboard-basis]").inner_text().startswith("已审核和已发布")
    page.screenshot(path=str(screenshot_dir / "dashboard-office.zh.png"), full_page=True)

    page.goto(f"{base}/targets/assessment/?year=2013")
    table = page.locator("[data-testid=assessment-table]").inner_text()
    assert "金水区" in table
    assert "不合格" in table
    assert "一级" in table
    page.screenshot(path=str(screenshot_dir / "assessment-2013.zh.png"), full_page=True)

    page.goto(f"{base}/targets/jurisdictions/shangjie/")
    assert _chart_painted(page, "chart-jurisdiction") > 10_000
    page.screenshot(path=str(screenshot_dir / "jurisdiction-shangjie.zh.png"), full_page=True)

    # In English: the same charts, English labels.
    page.click("[data-testid=language-en]")
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Shangjie"
    page.goto(f"{base}/targets/")
    assert page.locator("h1").inner_text() == "City dashboard"
    assert _chart_painted(page, "chart-progress") > 20_000
    assert "Level 1: severe" in page.locator("[data-testid=dashboard]").inner_text()
    page.screenshot(path=str(screenshot_dir / "dashboard.en.png"), full_page=True)
    page.click("[data-testid=language-zh-hans]")
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    assert errors == []
    context.close()


def test_an_import_with_one_bad_row_shows_the_error_and_writes_nothing(
    live_server: Any,
    users: dict[str, Any],
    target_set: Any,
    browser: Any,
    screenshot_dir: Path,
    tmp_path: Path,
) -> None:
    book = example_workbook()
    sheet = book["years"]
    header = [cell.value for cell in sheet[1]]
    row = next(
        n
        for n, r in enumerate(sheet.iter_rows(values_only=True), start=1)
        if r[0] == "dengfeng" and r[1] == 2012
    )
    sheet.cell(row=row, column=header.index("co2_t") + 1).value = "about 13 Mt"
    path = tmp_path / "statistics.xlsx"
    book.save(path)

    context = browser.new_context(viewport=VIEWPORT, locale="en-US")
    page = context.new_page()
    _sign_in(page, live_server.url, "office")
    page.click("[data-testid=language-en]")
    page.wait_for_load_state("networkidle")
    page.goto(f"{live_server.url}/statistics/import/")
    page.set_input_files("input[type=file]", str(path))
    page.click("[data-testid=import-submit]")  # posted by HTMX; the result replaces the panel
    page.wait_for_selector("[data-testid=import-problems]", timeout=15_000)
    problems = page.locator("[data-testid=import-problems] tbody tr")
    assert problems.count() == 1
    cells = problems.first.locator("td").all_inner_texts()
    assert cells == ["years", str(row), "co2_t", "about 13 Mt", "is not a number"]
    assert page.locator("[data-testid=import-error] h2").inner_text() == "Nothing was imported"
    page.screenshot(path=str(screenshot_dir / "statistics-import-error.en.png"), full_page=True)
    assert Statistic.objects.count() == 0
    context.close()


def test_an_official_submits_the_office_approves_and_other_districts_stay_hidden(
    live_server: Any,
    users: dict[str, Any],
    jurisdictions: dict[str, Any],
    target_set: Any,
    browser: Any,
    screenshot_dir: Path,
) -> None:
    from citycarbon.server.stats.services import do_create_statistic

    own = users["own_official"]
    # Dengfeng 2010 and 2011: GDP 300 -> 390 is a growth of 30 % (a plausibility warning).
    do_create_statistic(
        own, jurisdictions["dengfeng"], 2010,
        Figures(values={"gdp_constant_cny_100m": 300.0, "co2_t": 11_700_000.0,
                        "energy_tce": 4_650_000.0}),
    )  # fmt: skip
    draft = do_create_statistic(
        own, jurisdictions["dengfeng"], 2011,
        Figures(values={"gdp_constant_cny_100m": 390.0, "co2_t": 14_601_600.0,
                        "energy_tce": 5_803_200.0, "measures_score": 40.0}),
    )  # fmt: skip
    hidden = do_create_statistic(
        users["other_official"], jurisdictions["xinmi"], 2010,
        Figures(values={"gdp_constant_cny_100m": 380.0, "co2_t": 13_300_000.0,
                        "energy_tce": 5_320_000.0}),
    )  # fmt: skip
    base = live_server.url
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
    page = context.new_page()

    _sign_in(page, base, "official-dengfeng")
    page.goto(f"{base}/statistics/{draft.pk}/")
    page.wait_for_selector("[data-testid=warning-gdp_growth]")
    assert "30.00" in page.locator("[data-testid=warning-gdp_growth]").inner_text()
    page.click("[data-testid=statistic-submit]")  # refused: the warning is not acknowledged
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == "已拒绝"
    page.goto(f"{base}/statistics/{draft.pk}/")
    page.fill("[data-testid=ack-reason-gdp_growth]", "航空港区新工厂投产")
    with page.expect_response(lambda r: r.url.endswith("/acknowledge/")) as acknowledged:
        page.click("[data-testid=ack-gdp_growth]")  # HTMX posts and swaps the warnings panel
    # posted by htmx (not a page load), with the CSRF header <body> passes down
    assert acknowledged.value.status == 200
    assert acknowledged.value.request.headers.get("hx-request") == "true"
    assert len(acknowledged.value.request.headers.get("x-csrftoken", "")) >= 32
    page.wait_for_selector("[data-testid=acknowledged]", timeout=15_000)
    page.screenshot(
        path=str(screenshot_dir / "statistic-warning-acknowledged.zh.png"), full_page=True
    )
    page.click("[data-testid=statistic-submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-testid=statistic-state]").inner_text() == "已提交"

    # Another district's draft: not found, not even its existence.
    response = page.goto(f"{base}/statistics/{hidden.pk}/")
    assert response is not None
    assert response.status == 404
    assert page.locator("h1").inner_text() == "未找到"
    listing = page.goto(f"{base}/statistics/")
    assert listing is not None
    assert "新密市" not in page.locator("[data-testid=statistic-table]").inner_text()
    _sign_out(page)

    _sign_in(page, base, "office")
    page.goto(f"{base}/statistics/{draft.pk}/")
    page.click("[data-testid=statistic-approve]")
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-testid=statistic-state]").inner_text() == "已审核"
    page.screenshot(path=str(screenshot_dir / "statistic-approved.zh.png"), full_page=True)
    assert Statistic.objects.get(pk=draft.pk).state == "approved"
    context.close()
