"""Screenshots of the pages the other browser tests do not take, on the demo data (for the
README and ``docs/screenshots/``): the sign-in page, the public home page and the account
page with an access token. Each page must answer 200, draw
without a script error and show its heading.

Refresh: ``CITYCARBON_SCREENSHOT_DIR=docs/screenshots pytest -m browser tests/server/browser``.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from tests_server_support import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORT = {"width": 1280, "height": 860}


def _sign_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.form button[type=submit]")
    page.wait_for_load_state("networkidle")


def _shoot(page: Any, base: str, path: str, target: Path) -> str:
    """Open ``path``, check it drew, save the screenshot; the page's heading."""
    response = page.goto(f"{base}{path}")
    assert response is not None
    assert response.status == 200, f"{path}: {response.status}"
    page.wait_for_load_state("networkidle")
    heading = str(page.locator("h1").first.inner_text()).strip()
    assert heading, f"{path}: no heading"
    page.screenshot(path=str(target), full_page=True)
    return heading


def test_screenshots_of_the_remaining_main_pages(
    live_server: Any, browser: Any, screenshot_dir: Path, settings: Any, tmp_path: Path
) -> None:
    settings.DATA_DIR = tmp_path
    call_command(
        "demo", "--no-migrate", "--allow-production", f"--password={PASSWORD}", stdout=io.StringIO()
    )
    base = live_server.url
    errors: list[str] = []

    visitor = browser.new_context(viewport=VIEWPORT)
    page = visitor.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    _shoot(page, base, "/login/", screenshot_dir / "login.zh.png")
    assert page.locator("input[name=username]").count() == 1
    assert page.locator(".brand__name").inner_text() == "城市温室气体排放控制平台"  # not the host
    _shoot(page, base, "/", screenshot_dir / "home-public.zh.png")
    visitor.close()

    office = browser.new_context(viewport=VIEWPORT)
    page = office.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    _sign_in(page, base, "office")

    # The account page in English, with one access token listed.
    page.goto(f"{base}/account/")
    page.click("[data-testid=language-en]")
    page.wait_for_load_state("networkidle")
    page.fill("input[name=name]", "statistics bureau import")
    page.locator("form:has(input[name=name]) button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-testid=new-token]").count() == 1
    page.goto(f"{base}/account/")  # again, without the secret shown once
    assert "statistics bureau import" in page.locator("main").inner_text()
    page.screenshot(path=str(screenshot_dir / "account.en.png"), full_page=True)
    office.close()

    assert errors == []
