"""Pages and API lists cost the same number of queries for a park of 30 enterprises and one of 1,000, and
the meter list the same for 90 meters and 3,000 meters with a year of daily rollups each (issue 16, item 3).

The parks are built with bulk inserts (tests/scale/builders.py). No timing is asserted: bench/pages.py
measures the times on PostgreSQL.
"""
from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from carbonms.common.pagination import PAGE_ROWS_MAX
from carbonms.inventory import selectors as inventory_selectors
from carbonms.inventory.models import RunResult

from .builders import YEAR, add_daily_rollups, build_park

pytestmark = pytest.mark.django_db

#: The most queries any of these pages may cost, whatever the size of the park.
MAX_QUERIES = 20


def _urls(p) -> dict[str, str]:
    park, run, ent = p.park.pk, p.run.pk, p.enterprise.pk
    return {
        "park overview": f"/parks/{park}/",
        "park overview, search": f"/parks/{park}/?q=0001",
        "park overview, page 2 sorted": f"/parks/{park}/?page=2&sort=-credit_code",
        "park inventory": f"/inventory/parks/{park}/?year={YEAR}",
        "run": f"/inventory/runs/{run}/",
        "drill-down, whole run": f"/inventory/runs/{run}/results/",
        "drill-down, category": f"/inventory/runs/{run}/results/?category=purchased_electricity",
        "drill-down, enterprise": f"/inventory/runs/{run}/results/?enterprise={ent}",
        "drill-down, sorted": f"/inventory/runs/{run}/results/?sort=-co2e",
        "change log": "/changes/",
        "park source register": f"/data/parks/{park}/sources/",
        "meter list": "/monitoring/",
        "conformity index": f"/conformity/park-{park}/",
        "conformity standard": f"/conformity/park-{park}/t-cses-2023/",
        "API calculation results": "/api/v1/calculation-results/",
        "API calculation results of a run": f"/api/v1/calculation-results/?run={run}",
        "API enterprises": "/api/v1/enterprises/",
        "API sources": "/api/v1/sources/",
        "API changes": "/api/v1/changes/",
        "API meters": "/api/v1/monitoring/meters/",
    }


def _count(client, url) -> tuple[int, bytes]:
    client.get(url)  # the first request of a session fills per-process caches (content types, catalogue)
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(url)
    assert r.status_code == 200, (url, r.status_code)
    return len(ctx.captured_queries), r.content


def test_pages_cost_the_same_queries_for_30_and_1000_enterprises():
    small, large = build_park(30, "S"), build_park(1000, "L")
    counts = {}
    for p in (small, large):
        c = Client()
        c.force_login(p.admin)
        for name, url in _urls(p).items():
            n, body = _count(c, url)
            counts.setdefault(name, []).append(n)
            if name == "park overview" and p is large:
                # a page of rows, not the park: the 1,000th enterprise is on a later page
                assert "规模企业L0999".encode() not in body and "规模企业L0001".encode() in body
    report = {name: ns for name, ns in counts.items() if ns[0] != ns[1] or ns[1] > MAX_QUERIES}
    assert not report, f"queries (30, 1,000 enterprises) that grow or exceed {MAX_QUERIES}: {report}"


def test_calculation_results_read_their_run_once_per_page():
    p = build_park(60, "R")
    c = Client()
    c.force_login(p.admin)
    n_small, _ = _count(c, "/api/v1/calculation-results/?limit=5")
    n_large, body = _count(c, f"/api/v1/calculation-results/?limit={PAGE_ROWS_MAX}")
    assert n_small == n_large
    assert body.count(b'"factor_version_id"') == PAGE_ROWS_MAX


def test_meter_list_and_heat_map_with_3000_meters_and_a_year_of_daily_rollups():
    small, large = build_park(30, "s"), build_park(1000, "l")
    assert add_daily_rollups(small.park, 365) == 90 * 365
    assert add_daily_rollups(large.park, 365) == 3000 * 365
    ns = []
    for p in (small, large):
        c = Client()
        c.force_login(p.admin)
        for url in ("/monitoring/", "/monitoring/?page=7&sort=enterprise", "/monitoring/?q=M",
                    "/monitoring/completeness/?start=2025-12-01&end=2025-12-30"):
            n, body = _count(c, url)
            ns.append(n)
            assert body.count(b'<a href="/monitoring/meters/') <= PAGE_ROWS_MAX
    assert ns[:4] == ns[4:] and max(ns) <= MAX_QUERIES, ns


def test_drill_down_totals_of_a_whole_run_are_the_sums_of_its_results():
    """The whole run's count and sums come from the run's stored totals: they are those of its rows."""
    from django.db.models import Count, Sum

    p = build_park(12, "T")
    run = p.run
    stored = inventory_selectors.drill_totals(p.admin, run, RunResult.objects.filter(run=run), {})
    rows = RunResult.objects.filter(run=run, counted_in_park=True).aggregate(total=Sum("co2e_t"), tce=Sum("energy_tce"))
    assert stored["n"] == RunResult.objects.filter(run=run).aggregate(n=Count("id"))["n"]
    assert stored["total"] == pytest.approx(rows["total"], rel=1e-9)
    assert stored["tce"] == pytest.approx(rows["tce"], rel=1e-9)


def test_drill_down_totals_of_a_category_or_month_are_the_sums_of_its_results_without_reading_them():
    """One category's or month's count and sums come from what the run stored for each (no pass over its results),
    for a park run (counted in the park) and an enterprise's run (all its rows); they are those of its rows,
    and a run stored before them is aggregated to the same figures."""
    from django.db import connection
    from django.db.models import Count, Q, Sum
    from django.test.utils import CaptureQueriesContext

    from carbonms.carbondata.models import Source
    from carbonms.inventory.services import run_calculation
    from carbonms.organizations.models import Enterprise

    p = build_park(12, "C")
    supplier = Enterprise.objects.filter(park=p.park).exclude(pk=p.enterprise.pk).last()
    Source.objects.filter(enterprise=p.enterprise, category="purchased_electricity").update(supplier=supplier)
    park_run = run_calculation(actor=p.admin, park=p.park, year=YEAR, reason="power bought inside the park")
    ent_run = run_calculation(actor=p.admin, park=p.park, enterprise=p.enterprise, year=YEAR, reason="scale test")
    assert RunResult.objects.filter(run=park_run, counted_in_park=False).exists()  # the park rule leaves some out
    table = RunResult._meta.db_table
    for run, counted in ((park_run, Q(counted_in_park=True)), (ent_run, Q())):
        cats = sorted(set(RunResult.objects.filter(run=run).values_list("category", flat=True)))
        assert len(cats) >= 2 and set(run.totals["drill"]["category"]) == set(cats)
        assert set(run.totals["drill"]["month"]) == {"1", "2"}
        for filters in [*({"category": c} for c in [*cats, "no_such_category"]), {"month": 1}, {"month": 2}, {"month": 7}]:
            qs = RunResult.objects.filter(run=run, **filters)
            with CaptureQueriesContext(connection) as ctx:
                stored = inventory_selectors.drill_totals(p.admin, run, qs, filters)
            assert not [q for q in ctx.captured_queries if table in q["sql"]]
            rows = qs.aggregate(n=Count("id"), total=Sum("co2e_t", filter=counted), tce=Sum("energy_tce", filter=counted))
            assert stored["n"] == rows["n"], filters
            assert stored["total"] == pytest.approx(rows["total"] or 0.0, rel=1e-9)
            assert stored["tce"] == pytest.approx(rows["tce"] or 0.0, rel=1e-9)
            before = type(run).objects.get(pk=run.pk)
            del before.totals["drill"]  # a run stored before the drill-down figures
            old = inventory_selectors.drill_totals(p.admin, before, qs, filters)
            assert old["n"] == stored["n"] and old["total"] == pytest.approx(stored["total"], rel=1e-9, abs=1e-12)


def test_inventory_page_lists_runs_without_their_per_enterprise_maps():
    """The year page's list of runs reads each run's totals and coverage without the per-enterprise maps and
    the drill-down figures (trimmed by the database), and shows the same gross and coverage as the run."""
    from carbonms.inventory.models import CalculationRun
    from carbonms.inventory.services import run_calculation

    p = build_park(12, "B")
    second = run_calculation(actor=p.admin, park=p.park, year=YEAR, reason="second")
    listed = inventory_selectors.brief_run_list(CalculationRun.objects.filter(park=p.park).order_by("-pk"), 10)
    assert [r.pk for r in listed] == [second.pk, p.run.pk]
    for r in listed:
        full = CalculationRun.objects.get(pk=r.pk)
        assert full.totals["by_enterprise"] and full.totals["drill"] and full.coverage["by_enterprise"]
        for name, keys in inventory_selectors.RUN_BRIEF.items():
            assert getattr(r, name) == {k: v for k, v in getattr(full, name).items() if k not in keys}, name
    c = Client()
    c.force_login(p.admin)
    body = c.get(f"/inventory/parks/{p.park.pk}/?year={YEAR}").content.decode()
    runs_card = body.split("data-testid=\"coverage-")[0]
    assert f"/inventory/runs/{second.pk}/" in body and f"/inventory/runs/{p.run.pk}/" in body
    assert body.count("data-testid=\"coverage-incomplete\"") + body.count("data-testid=\"coverage-complete\"") >= 2
    assert runs_card


def test_run_page_names_twenty_statements_and_counts_the_rest_at_the_same_cost():
    """A park run feeds every enterprise's statement: the run page names the newest 20 and says how many there
    are, and costs the same queries for 3 statements as for 30 (it used to read every statement, with its JSON)."""
    from carbonms.inventory.models import InventoryStatement
    from carbonms.organizations.models import Enterprise

    p = build_park(31, "R")
    ents = list(Enterprise.objects.filter(park=p.park).order_by("pk"))

    def state(chunk):
        InventoryStatement.objects.bulk_create([InventoryStatement(park=p.park, enterprise=e, year=YEAR, run=p.run,
                                                                   gwp_set=p.run.gwp_set, drafted_by=p.admin) for e in chunk])

    c = Client()
    c.force_login(p.admin)
    url = f"/inventory/runs/{p.run.pk}/"
    state(ents[:3])
    n_few, body = _count(c, url)
    assert _statements_line(body).count("/inventory/statements/") == 3
    assert "（共" not in _statements_line(body)
    state(ents[3:30])
    n_many, body = _count(c, url)
    assert n_many == n_few
    shown = _statements_line(body)
    assert shown.count("/inventory/statements/") == 20
    assert "（共 30 份）" in shown


def _statements_line(body: bytes) -> str:
    return body.decode().split("据此计算出具的清单声明")[1].split("</p>")[0]


def test_drill_down_lists_a_run_by_category_then_in_computed_order():
    """The default order of the drill-down is (category, id), which the index (run, category, id) returns
    without sorting the run's rows; the first page of a whole run and of a category agree with it."""
    p = build_park(12, "O")
    c = Client()
    c.force_login(p.admin)
    expected = list(RunResult.objects.filter(run=p.run).order_by("category", "id").values_list("pk", flat=True)[:50])
    r = c.get(f"/inventory/runs/{p.run.pk}/results/")
    body = r.content.decode()
    positions = [body.find(f"/inventory/results/{pk}/") for pk in expected]
    assert all(x > 0 for x in positions), "the first page holds the first 50 results in (category, id) order"
    assert positions == sorted(positions)
    idx = {tuple(i.fields) for i in RunResult._meta.indexes}
    assert ("run", "category", "id") in idx
