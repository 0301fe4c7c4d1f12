"""The cockpit (issue 14 item 6): figures of record with their year and basis, the ranking, the alerts, the landing
page, and query counts that stay the same for a park of 30 and of 1,000 enterprises."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from carbonms.inventory.models import InventoryStatement
from carbonms.organizations.models import Enterprise
from tests.scale.builders import YEAR, build_park

pytestmark = pytest.mark.django_db

MAX_QUERIES = 40


def _statements(p, years=(YEAR - 1, YEAR)):
    """Park and enterprise statements in force, inserted in bulk: enterprise i emits 100 + i t in YEAR."""
    ents = list(Enterprise.objects.filter(park=p.park).order_by("pk"))
    rows = []
    for y in years:
        scale = 1.0 if y == YEAR else 1.1
        rows.append(InventoryStatement(park=p.park, year=y, run=p.run, gwp_set="AR5", status="approved", drafted_by=p.admin,
                                       totals={"gross": 5000.0 * scale, "direct": 3000.0, "indirect_energy": 2000.0,
                                               "energy_tce": 2500.0},
                                       intensities={"per_value_added": {"value": "0.5"}, "carbon_per_energy": {"value": "1.2"}}))
        rows += [InventoryStatement(park=p.park, enterprise=e, year=y, run=p.run, gwp_set="AR5", status="approved",
                                    drafted_by=p.admin, totals={"gross": (100.0 + i) * scale},
                                    intensities={"per_value_added": {"value": str(1 + i / 100)}} if i % 2 else {})
                 for i, e in enumerate(ents)]
    InventoryStatement.objects.bulk_create(rows, batch_size=2000)
    return ents


def _count(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(url)
    assert r.status_code == 200, (url, r.status_code)
    return len(ctx.captured_queries), r.content.decode()


def _urls(p):
    park, ent = p.park.pk, p.enterprise.pk
    return {
        "park cockpit": f"/cockpit/parks/{park}/",
        "ranking by intensity, page 3": f"/cockpit/parks/{park}/?sort=-intensity&page=3",
        "ranking filtered": f"/cockpit/parks/{park}/?industry=31&ets=1&q=0001&year={YEAR - 1}",
        "ranking sorted by grade": f"/cockpit/parks/{park}/?sort=grade",
        "enterprise cockpit": f"/cockpit/enterprises/{ent}/",
    }


def test_cockpit_costs_the_same_queries_for_30_and_1000_enterprises():
    counts = {}
    for n, tag in ((30, "C"), (1000, "K")):
        p = build_park(n, tag)
        _statements(p)
        c = Client()
        c.force_login(p.admin)
        for name, url in _urls(p).items():
            q, body = _count(c, url)
            counts.setdefault(name, []).append(q)
            if name == "park cockpit" and n == 1000:
                assert body.count('class="rank-pos"') == 10  # one page of the ranking, not the park
                assert f"规模企业{tag}0999" in body  # the largest emitter leads
        hx = Client(headers={"HX-Request": "true"})
        hx.force_login(p.admin)
        q, body = _count(hx, f"/cockpit/parks/{p.park.pk}/?sort=emissions")
        counts.setdefault("ranking (htmx)", []).append(q)
        assert body.lstrip().startswith('<div id="ranking">')
    report = {k: v for k, v in counts.items() if v[0] != v[1] or v[1] > MAX_QUERIES}
    assert not report, f"queries (30, 1,000 enterprises) that grow or exceed {MAX_QUERIES}: {report}"
    print("cockpit query counts (30, 1,000 enterprises):", counts)


def test_figures_state_their_year_basis_and_source():
    p = build_park(5, "F")
    _statements(p)
    park_stmt = InventoryStatement.objects.get(park=p.park, enterprise__isnull=True, year=YEAR)
    c = Client()
    c.force_login(p.admin)
    body = c.get(f"/cockpit/parks/{p.park.pk}/").content.decode()
    assert "5000" in body and park_stmt.get_absolute_url() in body  # the total links to its statement
    assert f"{YEAR}" in body and "管理清单" in body  # year and basis
    assert "-9.1%" in body  # 5,000 against 5,500 in the first year
    assert "0.500" in body and "1.200" in body  # per 10^4 yuan value added and per tce
    # ranking: the largest emitter first, with its statement linked
    rows = body.split('class="rank-pos"')[1:]
    assert "规模企业F0004" in rows[0] and "规模企业F0003" in rows[1]


def test_sorting_by_intensity_puts_enterprises_without_value_added_last():
    p = build_park(6, "I")
    _statements(p)
    c = Client()
    c.force_login(p.admin)
    body = c.get(f"/cockpit/parks/{p.park.pk}/?sort=-intensity", headers={"HX-Request": "true"}).content.decode()
    rows = body.split('class="rank-pos"')[1:]
    assert "规模企业I0005" in rows[0] and "—" in rows[-1]


def test_panels_without_a_source_say_so(world):
    c = Client()
    c.force_login(world.users["park_carbon_officer"])
    body = c.get(reverse("cockpit:park", args=[world.park_a.pk])).content.decode()
    assert body.count("暂无") >= 1 and "尚无" in body  # no statement, no compliance record, no target: said, not faked


def test_alerts_count_open_nonconformities_and_lapsed_calibrations(world):
    from carbonms.audits.models import Nonconformity
    from carbonms.carbondata.models import Calibration, MeasuringInstrument

    e1 = world.e1.enterprise
    Nonconformity.objects.create(park=world.park_a, enterprise=e1, number="NC-1", title="数据缺失", source="other",
                                 description="x")
    inst = MeasuringInstrument.objects.create(enterprise=e1, code="M1", name="电表", instrument_type="electricity", location="配电室")
    Calibration.objects.create(instrument=inst, performed_on=dt.date(2020, 1, 1), due_on=dt.date(2021, 1, 1), certificate_no="C1")
    from carbonms.cockpit import selectors

    got = {a["code"]: a["count"] for a in selectors.alerts(world.users["park_carbon_officer"], world.park_a)}
    assert got["open_nc"] == 1 and got["cal_lapsed"] == 1
    # another park's staff sees none of it
    other = {a["code"] for a in selectors.alerts(world.users["park_carbon_officer"], world.park_b)}
    assert "open_nc" not in other and "cal_lapsed" not in other
    # the enterprise's own cockpit lists its own
    c = Client()
    c.force_login(world.users["enterprise_admin"])
    body = c.get(reverse("cockpit:enterprise", args=[e1.pk])).content.decode()
    assert 'data-alert="open_nc"' in body and 'data-alert="cal_lapsed"' in body


def test_the_home_page_is_the_cockpit(world):
    for key, url in (("park_carbon_officer", reverse("cockpit:park", args=[world.park_a.pk])),
                     ("enterprise_admin", reverse("cockpit:enterprise", args=[world.e1.enterprise.pk]))):
        c = Client()
        c.force_login(world.users[key])
        r = c.get("/")
        assert r.status_code == 302 and r["Location"] == url
        assert 'data-nav="cockpit"' in c.get(url).content.decode()


def test_an_enterprise_user_cannot_open_the_park_cockpit_or_another_enterprise(world):
    c = Client()
    c.force_login(world.users["enterprise_admin"])
    assert c.get(reverse("cockpit:park", args=[world.park_a.pk])).status_code == 404
    assert c.get(reverse("cockpit:enterprise", args=[world.e2.enterprise.pk])).status_code == 404


def test_renewable_share_and_market_position_reach_the_cockpit():
    from carbonms.compliance.models import ComplianceRecord
    from carbonms.zerocarbon.models import RenewableSupply

    p = build_park(3, "M")
    _statements(p)
    RenewableSupply.objects.create(park=p.park, year=YEAR, kind="green_power", mwh=Decimal(1080))
    e = Enterprise.objects.filter(park=p.park).order_by("pk")[1]
    e.carbon_market_covered = True
    e.save()
    st = InventoryStatement.objects.get(enterprise=e, year=YEAR)
    ComplianceRecord.objects.create(park=p.park, enterprise=e, year=YEAR, statement=st, obligation_t=Decimal(100),
                                    surrendered_t=Decimal(40), deadline=dt.date(YEAR + 1, 12, 31))
    c = Client()
    c.force_login(p.admin)
    body = c.get(f"/cockpit/parks/{p.park.pk}/").content.decode()
    assert "20.0<small>%</small>" in body  # 1,080 / 5,400 MWh purchased
    assert 'data-testid="market"' in body and ">60 <small>t</small>" in body  # 100 − 40 still to surrender
