"""Every page of the demo's management systems renders, for the enterprise and the park, in both languages;
the park's own system is invisible to an enterprise's users."""
from __future__ import annotations

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

PREFIXES = ("/ms/", "/audit/", "/conformity/")


@pytest.fixture
def demo(db):
    from carbonms.demo.generator import build

    return build(enterprises=4, seed=3, extensions=())


def _crawl(client, start: str, limit: int = 400) -> dict[str, int]:
    seen: dict[str, int] = {}
    todo = [start]
    while todo and len(seen) < limit:
        url = todo.pop()
        if url in seen:
            continue
        resp = client.get(url)
        seen[url] = resp.status_code
        if resp.status_code == 302 and resp["Location"].startswith(PREFIXES):
            todo.append(resp["Location"])
        if resp.status_code == 200 and resp.get("Content-Type", "").startswith("text/html"):
            for href in re.findall(r'href="([^"#?]+)', resp.content.decode()):
                if href.startswith(PREFIXES) and href not in seen and "/delete/" not in href:
                    todo.append(href)
    return seen


@pytest.mark.parametrize("username,lang", [("ent_admin", "zh-hans"), ("park_admin", "en"), ("auditor", "zh-hans")])
def test_every_management_page_of_the_demo_renders(demo, username, lang):
    from carbonms.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    client.post("/language/", {"language": lang, "next": "/"})
    seen = _crawl(client, "/ms/")
    bad = {u: s for u, s in seen.items() if s not in (200, 302)}
    assert not bad, bad
    assert len(seen) > 40


def test_enterprise_users_do_not_see_the_parks_own_system(demo):
    from carbonms.accounts.models import User
    from carbonms.audits.models import Audit
    from carbonms.management.models import Policy

    park_policy = Policy.objects.get(park=demo.park, enterprise__isnull=True)
    park_audit = Audit.objects.get(park=demo.park, enterprise__isnull=True)
    slug = f"park-{demo.park.pk}"
    client = Client()
    client.force_login(User.objects.get(username="ent_admin"))
    for url in (f"/ms/{slug}/", f"/ms/{slug}/r/risks/", f"/ms/policy/{park_policy.pk}/", f"/audit/audits/{park_audit.pk}/",
                f"/conformity/{slug}/", f"/conformity/{slug}/t-cses-2023/", f"/api/v1/ms/policies/{park_policy.pk}/"):
        assert client.get(url).status_code == 404, url
    staff = Client()
    staff.force_login(User.objects.get(username="park_viewer"))
    assert staff.get(f"/ms/{slug}/").status_code == 200
    assert staff.get(f"/ms/policy/{park_policy.pk}/").status_code == 200


def test_demo_systems_are_populated(demo):
    from carbonms.audits.models import Audit, ManagementReview, Nonconformity
    from carbonms.conformity.checks import standard_conformity
    from carbonms.conformity.models import Task
    from carbonms.management.models import Policy, Risk
    from carbonms.management.system import System
    from carbonms.organizations.models import Enterprise

    steel = Enterprise.objects.get(name="江海特钢集团有限公司")
    ent, park = System(demo.park, steel), System(demo.park, None)
    for s in (ent, park):
        assert s.filter(Policy.objects.filter(status="approved")).count() == 1
        assert s.filter(Risk.objects.all()).values("category").distinct().count() == 6
    assert ent.filter(Audit.objects.filter(status="reported")).exists()
    assert ent.filter(Nonconformity.objects.filter(status="closed")).exists()
    assert ent.filter(ManagementReview.objects.filter(status="held")).exists()
    assert Task.objects.filter(done_at__isnull=True).exists()
    e, p = standard_conformity(ent, "t-cieccpa-061-2023"), standard_conformity(park, "t-cses-2023")
    assert e["score"] > p["score"] > 0
    assert e["counts"]["ok"] > 10 and p["counts"]["fail"] > 0


def test_deleting_a_depended_on_record_in_the_browser_shows_why(world):
    from carbonms.management import services
    from carbonms.management.models import ComplianceObligation

    from .helpers import days, obligation

    admin = world.users["enterprise_admin"]
    ob = obligation(world)
    services.evaluation_record(actor=admin, obligation=ob, data={"evaluated_on": days(0), "result": "compliant"})
    c = Client()
    c.force_login(admin)
    resp = c.post(f"/ms/delete/obligations/{ob.pk}/")
    assert resp.status_code == 200 and "无法删除" in resp.content.decode()
    assert ComplianceObligation.objects.filter(pk=ob.pk).exists()
    assert c.get(f"/ms/delete/policy/{ob.pk}/").status_code == 404
    plain = obligation(world, title="自愿减排承诺", kind="commitment")
    assert c.post(f"/ms/delete/obligations/{plain.pk}/").status_code == 302
    assert not ComplianceObligation.objects.filter(pk=plain.pk).exists()
