"""Pages and API of the abatement app: the MACC, the plan timeline and the pathway render for the park and an
enterprise; bad input comes back as a message on the form (never a 500, nothing written); the park's pages do
not exist for an enterprise's users; another enterprise's ids are refused on writes."""
from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from carbonms.abatement import services
from carbonms.abatement.models import ActionLine, Opportunity

from .conftest import COAL, action_data, opportunity_data


def _client(user):
    c = Client(raise_request_exception=False)
    c.force_login(user)
    return c


def _chart(resp, element_id):
    html = resp.content.decode()
    start = html.index(f'id="{element_id}"')
    body = html[html.index(">", start) + 1: html.index("</script>", start)]
    return json.loads(body)


def test_park_and_enterprise_see_the_macc_timeline_and_pathway(statements):
    w = statements
    officer, ent_admin = w.users["park_carbon_officer"], w.users["enterprise_admin"]
    services.opportunity_save(actor=officer, park=w.park_a, data=opportunity_data(code="P-1", capex=0))
    services.opportunity_save(actor=ent_admin, park=w.park_a, enterprise=w.e1.enterprise,
                              data=opportunity_data(code="E-1", activity_after=[{**COAL, "amount": 500}]))
    services.action_save(actor=ent_admin, park=w.park_a, enterprise=w.e1.enterprise, data=action_data(w))
    services.scenario_save(actor=officer, park=w.park_a, data={"name": "BAU", "kind": "bau", "horizon": 2035})
    park, ent = f"park-{w.park_a.pk}", f"ent-{w.e1.enterprise.pk}"
    resp = _client(officer).get(reverse("abatement:opportunities", args=[park]))
    assert resp.status_code == 200
    chart = _chart(resp, "chart-macc")
    areas = chart["series"][0]["markArea"]["data"]
    assert len(areas) == 2  # the park's and the enterprise's, cheapest first
    assert areas[0][0]["name"].startswith("P-1") and areas[0][1]["coord"][1] < 0
    assert areas[1][0]["coord"][0] == pytest.approx(areas[0][1]["coord"][0])  # bars follow each other
    resp = _client(ent_admin).get(reverse("abatement:opportunities", args=[ent]))
    assert len(_chart(resp, "chart-macc")["series"][0]["markArea"]["data"]) == 1
    resp = _client(ent_admin).get(reverse("abatement:actions", args=[ent]))
    gantt = _chart(resp, "chart-gantt")
    bar = gantt["series"][0]["markArea"]["data"]
    assert len(bar) == 1 and bar[0][0]["label"]["formatter"] == "A-1 锅炉节能改造" and gantt["xAxis"]["type"] == "time"
    assert bar[0][1]["coord"][0] - bar[0][0]["coord"][0] == 365 * 86_400_000  # 2026-01-01 to the end of 2026-12-31
    resp = _client(officer).get(reverse("abatement:pathway", args=[park]))
    path = _chart(resp, "chart-pathway")
    assert path["series"][0]["data"][:2] == [1500.0, 1500.0] and "BAU" in [s["name"] for s in path["series"]]
    assert "lmdi-table" in resp.content.decode()
    resp = _client(ent_admin).get(reverse("abatement:pathway", args=[ent]), {"from": "2024", "to": "2025"})
    assert _chart(resp, "chart-pathway")["series"][0]["data"][:2] == [1000.0, 1050.0]
    # the park's pages do not exist for an enterprise's users
    for name in ("abatement:opportunities", "abatement:actions", "abatement:pathway"):
        assert _client(ent_admin).get(reverse(name, args=[park])).status_code == 404


def test_form_without_responsible_and_verification_method_shows_the_reasons(world):
    ent = f"ent-{world.e1.enterprise.pk}"
    post = {"code": "A-9", "measure": "电机变频", "kind": "process_efficiency", "department": "能源部", "budget": "100000",
            "start_date": "2026-01-01", "end_date": "2026-12-31", "status": "planned", "gwp_set": "AR5", "factor_year": "2025",
            "before_category": "stationary_combustion", "before_method": "fuel_combustion", "before_material": "烟煤",
            "before_amount": "1000", "before_unit": "t", "after_category": "stationary_combustion",
            "after_method": "fuel_combustion", "after_material": "烟煤", "after_amount": "950", "after_unit": "t"}
    client = _client(world.users["enterprise_admin"])
    resp = client.post(reverse("abatement:action_create", args=[ent]), post)
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "负责人" in html and "验证" in html  # translated reasons, on the form
    assert not ActionLine.objects.exists()
    resp = client.post(reverse("abatement:action_create", args=[ent]),
                       {**post, "responsible": world.users["enterprise_admin"].pk, "verification_method": "计量比较"})
    assert resp.status_code == 302
    line = ActionLine.objects.get()
    assert line.annual_reduction_t > 0 and line.activity_after[0]["amount"] == 950.0


def test_api_creates_computes_and_refuses_foreign_ids(world):
    from tests.carbondata.factories import SourceFactory

    client = _client(world.users["enterprise_admin"])
    e1, e2 = world.e1.enterprise, world.e2.enterprise
    payload = {**opportunity_data(capex="500000", delta_opex="-60000", discount_rate_pct="8"), "park": world.park_a.pk,
               "enterprise": e1.pk}
    resp = client.post(reverse("api:abatement-opportunity-list"), payload, content_type="application/json")
    assert resp.status_code == 201, resp.content
    body = resp.json()
    assert float(body["annual_reduction_t"]) > 150 and body["cost_per_t"] is not None and body["crf"] is not None
    foreign = SourceFactory(enterprise=e2, code="F1")
    resp = client.post(reverse("api:abatement-opportunity-list"), {**payload, "code": "O-2", "sources": [foreign.pk]},
                       content_type="application/json")
    assert resp.status_code == 400 and "sources" in resp.json()
    resp = client.post(reverse("api:abatement-opportunity-list"), {**payload, "code": "O-3", "enterprise": e2.pk},
                       content_type="application/json")
    assert resp.status_code in (400, 403)
    assert Opportunity.objects.count() == 1
    opp = Opportunity.objects.get()
    resp = client.post(reverse("api:abatement-opportunity-promote", args=[opp.pk]),
                       {"department": "能源部", "start_date": "2026-01-01", "end_date": "2026-06-30"}, content_type="application/json")
    assert resp.status_code == 400 and {"responsible", "verification_method"} <= set(resp.json())
    resp = client.post(reverse("api:abatement-opportunity-promote", args=[opp.pk]),
                       {"department": "能源部", "start_date": "2026-01-01", "end_date": "2026-06-30",
                        "responsible": world.users["enterprise_admin"].pk, "verification_method": "计量"},
                       content_type="application/json")
    assert resp.status_code == 201 and resp.json()["opportunity"] == opp.pk
    resp = client.get(reverse("api:abatement-scenario-pathway"), {"owner": f"ent-{e1.pk}"})
    assert resp.status_code == 200 and resp.json()["plans"]
    assert client.get(reverse("api:abatement-scenario-pathway"), {"owner": f"ent-{e2.pk}"}).status_code == 404
    assert client.get(reverse("api:abatement-scenario-pathway"), {"owner": "x"}).status_code == 400
