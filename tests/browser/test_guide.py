"""The user guide's screenshots (issue 15 item 5), taken by this test so that they stay current.

Every image the guides (docs/guide/zh.md, docs/guide/en.md) show is listed in ``SHOTS`` and taken here, at
1440 px, in the guide's language. The images are written to docs/guide/img/ when CARBONMS_GUIDE_SHOTS=1 (the way
to refresh them after a change of the pages), otherwise to test-artifacts/guide/ so that an ordinary test run leaves
the working tree as it was. The test fails when a guide refers to an image the test does not take, or a page of
the guide does not load.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.urls import reverse

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.demo_extensions()]

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "guide"


def _park_statement(demo):
    from carbonms.inventory.models import InventoryStatement

    return InventoryStatement.objects.filter(park=demo, enterprise__isnull=True, status__in=("approved", "verified")
                                             ).order_by("-year").first()


def _own_statement(username):
    """The latest statement in force of the user's enterprise."""
    from carbonms.inventory.models import InventoryStatement

    return InventoryStatement.objects.filter(enterprise=_ent_of(username), status__in=("approved", "verified")
                                             ).order_by("-year").first()


def _ent_of(username):
    from carbonms.accounts.models import User

    return User.objects.get(username=username).role_assignments.first().enterprise


#: (image key, user, how to reach the page: a nav key or a function of the demo park giving a URL)
SHOTS = [
    ("officer-park", "park_officer", "nav:park"),
    ("officer-inventory", "park_officer", "nav:park_inventory"),
    ("officer-statements", "park_officer", lambda d: reverse("inventory:park_statements", args=[d.pk])),
    ("officer-statement", "park_officer", lambda d: reverse("inventory:statement", args=[_park_statement(d).pk])),
    ("clerk-register", "clerk", "nav:sources"),
    ("clerk-grid", "clerk", "nav:grid"),
    ("clerk-import", "clerk", "nav:import"),
    ("reviewer-queue", "reviewer", "nav:review"),
    ("reviewer-statement", "reviewer", lambda d: reverse("inventory:statement", args=[_own_statement("reviewer").pk])),
    ("auditor-audits", "auditor", lambda d: reverse("audits:audit_list", args=[f"ent-{_ent_of('auditor').pk}"])),
    ("auditor-ncs", "auditor", lambda d: reverse("audits:nc_list", args=[f"ent-{_ent_of('auditor').pk}"])),
    ("verifier-statement", "verifier", lambda d: reverse("inventory:statement", args=[_own_statement("verifier").pk])),
]


def _referenced(lang: str) -> set[str]:
    text = (GUIDE / f"{lang}.md").read_text(encoding="utf-8")
    return set(re.findall(rf"img/{lang}-([a-z-]+)\.jpg", text))


def test_every_guide_image_is_taken_by_this_test():
    keys = {k for k, _u, _h in SHOTS}
    for lang in ("zh", "en"):
        refs = _referenced(lang)
        assert refs, f"docs/guide/{lang}.md shows no screenshot"
        assert refs <= keys, f"docs/guide/{lang}.md refers to images nobody takes: {sorted(refs - keys)}"


@pytest.mark.slow(40)
def test_take_the_guide_screenshots(browser, live_server, demo_park):
    out = GUIDE / "img" if os.environ.get("CARBONMS_GUIDE_SHOTS") == "1" else ROOT / "test-artifacts" / "guide"
    out.mkdir(parents=True, exist_ok=True)
    taken = []
    for lang, locale in (("zh", "zh-CN"), ("en", "en-US")):
        contexts = {}
        for key, username, how in SHOTS:
            if username not in contexts:
                ctx = browser.new_context(viewport={"width": 1440, "height": 900}, locale=locale,
                                          base_url=live_server.url)
                ctx.set_default_timeout(15000)
                page = ctx.new_page()
                page.goto("/accounts/login/")
                page.fill("#id_username", username)
                page.fill("#id_password", "CarbonMS-demo-2026")
                with page.expect_navigation(wait_until="networkidle"):
                    page.click("button[type=submit].primary")
                want = "en" if lang == "en" else "zh-hans"
                if page.locator("html").get_attribute("lang") != want:
                    with page.expect_navigation(wait_until="networkidle"):
                        page.click(f"[data-testid=lang-{lang}]")
                contexts[username] = (ctx, page)
            page = contexts[username][1]
            if isinstance(how, str):
                with page.expect_navigation():
                    page.click(f"nav a[data-nav={how.split(':', 1)[1]}]")
            else:
                response = page.goto(how(demo_park))
                assert response.status == 200, f"{key}: {response.status}"
            page.wait_for_load_state("networkidle")
            page.wait_for_timeout(300)  # charts finish their animation
            assert page.locator("h1").count() >= 1, key
            path = out / f"{lang}-{key}.jpg"
            page.screenshot(path=str(path), type="jpeg", quality=72)
            taken.append(path)
        for ctx, _page in contexts.values():
            ctx.close()
    assert all(p.stat().st_size > 20_000 for p in taken)
