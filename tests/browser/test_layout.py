"""Layout in a real browser (issue 15 item 4): on every page the navigation leads to, in Chinese and English, at
1280 and 1920 px, no page is wider than the window and no button wraps onto a second line (status badges may wrap
in a narrow column)."""
from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.demo_extensions()]

#: the browser measures: horizontal overflow of the document, and buttons whose text takes more than one line
_MEASURE = """() => {
  const doc = document.documentElement;
  const overflow = doc.scrollWidth - window.innerWidth;
  const wrapped = [];
  for (const el of document.querySelectorAll('.btn, button, .tabs a')) {
    if (!el.offsetParent) continue;                       // hidden
    const style = getComputedStyle(el);
    const line = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.4;
    const inner = el.clientHeight - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom);
    if (inner > line * 1.6) wrapped.push((el.innerText || el.value || '').trim().slice(0, 40));
  }
  return {overflow, wrapped};
}"""


def _nav_urls(page) -> list[str]:
    hrefs = page.locator("nav a[data-nav]").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    return [h for h in dict.fromkeys(hrefs) if h and h.startswith("/")]


@pytest.mark.slow(60)
@pytest.mark.parametrize("username", ["park_officer", "ent_admin"])
def test_no_page_overflows_and_no_button_wraps(browser, live_server, demo_park, username):
    problems = []
    for locale, lang, widths in (("zh-CN", "zh-hans", (1280, 1920)), ("en-US", "en", (1280,))):
        for width in widths:
            context = browser.new_context(viewport={"width": width, "height": 900}, locale=locale,
                                          base_url=live_server.url)
            context.set_default_timeout(15000)
            page = context.new_page()
            page.goto("/accounts/login/")
            page.fill("#id_username", username)
            page.fill("#id_password", "CarbonMS-demo-2026")
            with page.expect_navigation(wait_until="networkidle"):
                page.click("button[type=submit].primary")
            if page.locator("html").get_attribute("lang") != lang:
                with page.expect_navigation(wait_until="networkidle"):
                    page.click(f"[data-testid=lang-{'en' if lang == 'en' else 'zh'}]")
            urls = _nav_urls(page)
            assert len(urls) >= 5
            for url in urls:
                page.goto(url)
                page.wait_for_load_state("networkidle")
                m = page.evaluate(_MEASURE)
                if m["overflow"] > 1:
                    problems.append(f"{lang} {width}px {url}: {m['overflow']} px wider than the window")
                if m["wrapped"]:
                    problems.append(f"{lang} {width}px {url}: buttons wrap: {m['wrapped'][:5]}")
            context.close()
    assert not problems, "\n".join(problems)
