"""Browser tests: Playwright drives Debian's Chromium (/usr/bin/chromium) against pytest-django's live_server."""

import os
from pathlib import Path

import pytest

from tests.e2e import geolocation

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is missing at {CHROMIUM}: run `make test` (it installs it) or set CHROMIUM_PATH.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


LANDSCAPE = {"width": 1280, "height": 800}


def tablet_page(browser, live_server, *, viewport=LANDSCAPE, locale="zh-CN"):
    """A 10" tablet (in landscape unless told): touch, Chinese unless told, location allowed. Service workers need
    a secure context, and `localhost` is one where 127.0.0.1 may not be. For a module's `page` fixture:
    `yield from tablet_page(…)`, with `transactional_db` among the fixture's arguments (see `page`)."""
    context = browser.new_context(
        viewport=viewport,
        locale=locale,
        base_url=live_server.url.replace("127.0.0.1", "localhost"),
        has_touch=True,
        service_workers="allow",
    )
    geolocation.install(context, latitude=39.852, longitude=116.222)
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.on("console", lambda message: message.type == "error" and print("browser console:", message.text))
    page.on("pageerror", lambda error: print("browser page error:", error))
    yield page
    context.close()


@pytest.fixture
def page(browser, live_server, transactional_db):
    # Asks for transactional_db so that it is set up before the page and torn down after it: the browser closes
    # before the tables are flushed. Else a request still in flight holds table locks against the flush's TRUNCATE
    # (a deadlock, seen in CI).
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN", base_url=live_server.url)
    context.set_default_timeout(15_000)
    page = context.new_page()
    # Browser console errors show up in the failure report.
    page.on("console", lambda message: message.type == "error" and print("browser console:", message.text))
    page.on("pageerror", lambda error: print("browser page error:", error))
    page.on("response", lambda response: response.status >= 400 and print("browser got", response.status, response.url))
    yield page
    context.close()


@pytest.fixture
def demo(transactional_db):
    from fixtures.wanping import load_wanping
    from tests.conftest import describe_calendar_years

    describe_calendar_years()  # deadlines of tasks made today must be countable whatever the date of the run
    return load_wanping()


@pytest.fixture
def sign_in(page):
    def sign_in_as(username: str, password: str = "wenming2026"):
        page.goto("/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("button[type=submit]")
        page.wait_for_url("**/")
        return page

    return sign_in_as


@pytest.fixture
def screenshot(page, tmp_path):
    """Takes the README's screenshots. They replace the committed ones in docs/screenshots/ only under
    `make screenshots` (WENMING_SCREENSHOTS=1); an ordinary run takes them into a temporary folder."""
    folder = SCREENSHOTS if os.environ.get("WENMING_SCREENSHOTS") == "1" else tmp_path

    def take(name: str):
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"{name}.png"))

    return take
