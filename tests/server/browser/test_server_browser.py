"""Sign in as the city office and as a district official, switch language, see the tile map
drawn, and keep screenshots of the pages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tests_server_support import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORT = {"width": 1280, "height": 860}


def _sign_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.form button[type=submit]")
    page.wait_for_load_state("networkidle")


def _tile_texts(page: Any) -> list[str]:
    page.wait_for_selector("[data-testid=tile-map][data-drawn=true] svg", timeout=15_000)
    return page.eval_on_selector_all(
        "[data-testid=tile-map] svg text", "nodes => nodes.map(n => n.textContent)"
    )


#: The tile texts not inside a tile's box (a name too long for its tile overflows it).
OUTSIDE_TILES = """container => {
  const svg = container.querySelector('svg');
  const boxes = [...svg.querySelectorAll('path')].map(p => p.getBoundingClientRect())
    .filter(r => r.width > 20 && r.height > 20);
  const inside = (t, r) =>
    t.left >= r.left && t.right <= r.right && t.top >= r.top && t.bottom <= r.bottom;
  return [...svg.querySelectorAll('text')]
    .filter(t => !boxes.some(r => inside(t.getBoundingClientRect(), r)))
    .map(t => t.textContent);
}"""


def _names_stay_inside_tiles_on_a_phone(page: Any) -> None:
    """On a phone's width, 郑州新郑综合保税区（郑州航空港区） or "Economic development zone" is
    wrapped and shrunk (at last cut) to stay inside its tile."""
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    _tile_texts(page)
    assert page.eval_on_selector("[data-testid=tile-map]", OUTSIDE_TILES) == []
    page.set_viewport_size(VIEWPORT)


def test_office_and_official_in_two_languages(
    live_server: Any, users: dict[str, Any], browser: Any, screenshot_dir: Path
) -> None:
    base = live_server.url
    context = browser.new_context(viewport=VIEWPORT, locale="en-US")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    # The city office, in Chinese although the browser prefers English.
    _sign_in(page, base, "office")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    assert page.locator("h1").inner_text() == "市应对气候变化主管部门"
    page.screenshot(path=str(screenshot_dir / "home-office.zh.png"), full_page=True)

    page.goto(f"{base}/jurisdictions/")
    texts = _tile_texts(page)
    assert len(texts) >= 14
    assert "登封市" in "".join(texts)
    shapes = page.eval_on_selector_all(
        "[data-testid=tile-map] svg path", "nodes => nodes.filter(n => n.getAttribute('d')).length"
    )
    assert shapes >= 14
    assert page.eval_on_selector("[data-testid=tile-map]", OUTSIDE_TILES) == []
    page.screenshot(path=str(screenshot_dir / "jurisdictions.zh.png"), full_page=True)
    _names_stay_inside_tiles_on_a_phone(page)

    page.goto(f"{base}/audit/")
    assert page.locator("h1").inner_text() == "审计日志"
    assert "auth.login" in page.locator("table").inner_text()
    page.screenshot(path=str(screenshot_dir / "audit-trail.zh.png"), full_page=True)

    # Switch to English; the tile map is drawn again with English names.
    page.goto(f"{base}/jurisdictions/")
    page.click("[data-testid=language-en]")
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Jurisdictions"
    assert "Dengfeng" in "".join(_tile_texts(page))
    assert page.eval_on_selector("[data-testid=tile-map]", OUTSIDE_TILES) == []
    page.screenshot(path=str(screenshot_dir / "jurisdictions.en.png"), full_page=True)
    _names_stay_inside_tiles_on_a_phone(page)

    page.click("form[action='/logout/'] button")
    page.wait_for_load_state("networkidle")

    # The official of Dengfeng: its own jurisdiction, no audit trail.
    _sign_in(page, base, "official-dengfeng")
    assert page.locator("h1").inner_text() == "District official"
    assert page.locator("[data-testid=own-jurisdiction]").inner_text().startswith("Dengfeng")
    page.screenshot(path=str(screenshot_dir / "home-official.en.png"), full_page=True)
    response = page.goto(f"{base}/audit/")
    assert response is not None
    assert response.status == 403
    assert page.locator("h1").inner_text() == "Not allowed"
    assert "Audit trail" not in page.locator("nav.main-nav").inner_text()

    page.click("[data-testid=language-zh-hans]")
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"

    assert errors == []
    context.close()


def test_api_docs_render_from_local_assets(
    live_server: Any, browser: Any, screenshot_dir: Path
) -> None:
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{live_server.url}/api/docs")
    page.wait_for_selector(".swagger-ui .opblock", timeout=15_000)
    assert page.locator(".swagger-ui .opblock").count() >= 5
    assert all(url.startswith(live_server.url) for url in requested)  # nothing from a CDN
    page.screenshot(path=str(screenshot_dir / "api-docs.png"))
    context.close()
