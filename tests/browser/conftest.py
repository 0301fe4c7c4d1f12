"""Playwright (Python) driving Debian's chromium against a live Django server.

Fixtures:
- ``browser``: one headless chromium for the session (skips with a reason when /usr/bin/chromium
  is missing; under CI=true it fails instead).
- ``demo_park``: the demo park (5 enterprises by default) in the live server's database: the core park, plus the
  apps' demo data a test asks for with ``@pytest.mark.demo_extensions(...)``.
- ``page``: a fresh browser context at 1366×768, Chinese locale.
- ``login(page, username)``: logs in through the real form.
- ``shot(page, name)``: saves a full-page screenshot under test-artifacts/ and returns its path.

Every browser context records the Content-Security-Policy violations its pages report (Chromium's
console errors and the ``securitypolicyviolation`` event); a browser test whose pages had one fails.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import service_required

# Playwright's sync API runs an event loop in this thread; the ORM calls of fixtures are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CARBONMS_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic", "--disable-dev-shm-usage",
]
DEMO_PASSWORD = "CarbonMS-demo-2026"


CSP_VIOLATIONS: list[str] = []
# Injected by the DevTools protocol (not subject to the page's policy): report each violation on the console.
_REPORT_VIOLATIONS = """document.addEventListener("securitypolicyviolation", (e) => console.error(
  "CSP violation: " + e.violatedDirective + " blocked " + (e.blockedURI || "inline") + " at " + e.sourceFile + ":" + e.lineNumber));"""


def _watch_csp(context):
    context.add_init_script(_REPORT_VIOLATIONS)

    def on_console(msg):
        text = msg.text
        if msg.type == "error" and ("Content Security Policy" in text or text.startswith("CSP violation")):
            CSP_VIOLATIONS.append(f"{msg.page.url if msg.page else '?'}: {text}")

    context.on("console", on_console)
    return context


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        service_required(f"chromium not found at {CHROMIUM} (apt-get install chromium fonts-noto-cjk)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        new_context = b.new_context
        b.new_context = lambda *a, **kw: _watch_csp(new_context(*a, **kw))  # every context, also the tests' own
        yield b
        b.close()


@pytest.fixture(autouse=True)
def no_csp_violations():
    """Fails a browser test whose pages broke the Content-Security-Policy (inline script, eval, style…)."""
    CSP_VIOLATIONS.clear()
    yield
    found, CSP_VIOLATIONS[:] = list(CSP_VIOLATIONS), []
    assert not found, "Content-Security-Policy violations:\n" + "\n".join(found)


@pytest.fixture
def demo_park(request, transactional_db):
    """The 5-enterprise demo park. Only the core park unless the test names the apps' demo builders it needs with
    ``@pytest.mark.demo_extensions("targets", ...)`` (no names: all of them): every builder costs every test that
    uses the park."""
    from carbonms.demo.generator import build

    marker = request.node.get_closest_marker("demo_extensions")
    extensions = () if marker is None else (tuple(marker.args) or None)
    return build(enterprises=5, seed=7, extensions=extensions).park


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN", base_url=live_server.url)
    context.set_default_timeout(15000)
    p = context.new_page()
    yield p
    context.close()


@pytest.fixture
def login():
    def _login(page, username: str, password: str = DEMO_PASSWORD):
        page.goto("/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        with page.expect_navigation(wait_until="networkidle"):
            page.click("button[type=submit].primary")
        return page

    return _login


@pytest.fixture
def shot():
    ARTIFACTS.mkdir(exist_ok=True)

    def _shot(page, name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return _shot
