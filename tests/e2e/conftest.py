"""A live server (waitress as `workshop serve` runs it, in a thread) and a real browser
(Debian's chromium)."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@contextmanager
def serving(app: Flask) -> Iterator[str]:
    """The app served by waitress in a thread, as `workshop serve` runs it; its address."""
    from workshop.serving import make_server

    server = make_server(app, "127.0.0.1", 0, 4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        server.close()
        thread.join(timeout=5)


@pytest.fixture
def live_server(make_app, people) -> Iterator[str]:
    with serving(make_app(WTF_CSRF_ENABLED=True)) as address:
        yield address


# Waiting: use locator assertions (expect), not page.wait_for_function. The latter evaluates
# a string in the page, which the strict Content-Security-Policy refuses when it must poll.


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
    yield page
    context.close()


def sign_in(page, base: str, username: str) -> None:
    """Through the Arabic sign-in form, as a person in the hall does."""
    from tests.conftest import PASSWORD

    page.goto(f"{base}/login")
    page.get_by_label("اسم المستخدم").fill(username)
    page.get_by_label("كلمة المرور").fill(PASSWORD)
    page.get_by_role("button", name="تسجيل الدخول").click()
    page.wait_for_url(f"{base}/")


SHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser):
    """A 390 x 844 touch phone; console errors are kept on the page."""
    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
    yield page
    context.close()


def shoot(page, name: str) -> None:
    """A full-page screenshot in build/screenshots. Playwright leaves an empty style
    attribute on the inputs it measured; htmx copies an element's style onto the element
    that replaces it, which the Content-Security-Policy then refuses (a console error that
    no user's browser would see), so the empty attributes go."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    page.evaluate(
        "document.querySelectorAll('[style=\"\"]').forEach(e => e.removeAttribute('style'))"
    )


def fits(page) -> bool:
    """Nothing runs off the phone's screen sideways."""
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
