"""The park inventory page starts a park recalculation as a job over the workers (inventory.recalc, issue 16 item 4):
on the embedded default the parts run in the request and the page goes to the run; with workers the page goes to
the job's page, which polls its progress (htmx) until the one run exists, then shows it (or why it failed)."""
from __future__ import annotations

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from carbonms.inventory import recalc
from carbonms.inventory.models import CalculationRun, RecalcJob, RunResult

from .builders import YEAR, build_park

pytestmark = pytest.mark.django_db


def _client(p) -> Client:
    c = Client()
    c.force_login(p.admin)
    return c


def test_park_recalculation_runs_as_a_job_and_lands_on_its_run():
    p = build_park(5, "J")
    before = set(CalculationRun.objects.values_list("pk", flat=True))
    resp = _client(p).post(reverse("inventory:park", args=[p.park.pk]) + f"?year={YEAR}",
                           {"year": YEAR, "reason": "复算", "gwp_set": "AR5"})
    job = RecalcJob.objects.get(park=p.park)
    assert job.status == RecalcJob.Status.DONE and job.parts_done == job.n_parts == 5
    assert job.run_id not in before and job.run.gwp_set == "AR5"
    assert resp.status_code == 302 and resp["Location"] == job.run.get_absolute_url()
    # the same results as the run made inline by the builder
    assert RunResult.objects.filter(run=job.run).count() == RunResult.objects.filter(run=p.run).count()


@override_settings(CELERY_TASK_ALWAYS_EAGER=False)
def test_with_workers_the_page_shows_progress_then_the_run():
    p = build_park(4, "W")
    c = _client(p)
    resp = c.post(reverse("inventory:park", args=[p.park.pk]) + f"?year={YEAR}", {"year": YEAR, "reason": "复算"})
    job = RecalcJob.objects.get(park=p.park)
    url = reverse("inventory:recalc_job", args=[p.park.pk, job.pk])
    assert resp.status_code == 302 and resp["Location"] == url
    page = c.get(url)
    assert page.status_code == 200 and 'hx-trigger="every 1s"' in page.content.decode()
    assert 'max="4" value="0">' in page.content.decode() and page.context["job"].parts_done == 0
    # the workers (here: this process) compute the parts one by one; the page polls
    recalc.run_part(job.pk, 0)
    poll = c.get(url, HTTP_HX_REQUEST="true")
    assert poll.status_code == 200 and "HX-Refresh" not in poll and poll.context["job"].parts_done == 1
    assert not CalculationRun.objects.filter(park=p.park).exclude(pk=p.run.pk).exists()  # never a partial run
    for i in range(1, 4):
        recalc.run_part(job.pk, i)
    recalc.assemble(job.pk)
    job.refresh_from_db()
    assert job.status == RecalcJob.Status.DONE and job.run_id
    poll = c.get(url, HTTP_HX_REQUEST="true")
    assert poll["HX-Refresh"] == "true"
    done = c.get(url).content.decode()
    assert job.run.get_absolute_url() in done and "hx-trigger" not in done


def test_a_failed_job_shows_its_reasons_and_a_foreign_park_sees_no_job():
    p, other = build_park(2, "F"), build_park(2, "G")
    job = RecalcJob.objects.create(park=p.park, year=YEAR, run_by=p.admin, n_parts=2, status=RecalcJob.Status.FAILED,
                                   error=["2025 年没有已批准的活动数据。"])
    page = _client(p).get(reverse("inventory:recalc_job", args=[p.park.pk, job.pk])).content.decode()
    assert "2025 年没有已批准的活动数据。" in page and "hx-trigger" not in page
    assert _client(other).get(reverse("inventory:recalc_job", args=[p.park.pk, job.pk])).status_code == 404
    assert _client(other).get(reverse("inventory:recalc_job", args=[other.park.pk, job.pk])).status_code == 404


def test_a_refused_recalculation_comes_back_on_the_form():
    p = build_park(2, "R")
    resp = _client(p).post(reverse("inventory:park", args=[p.park.pk]) + "?year=2031", {"year": 2031})
    job = RecalcJob.objects.get(park=p.park)
    assert job.status == RecalcJob.Status.FAILED and job.run is None
    assert resp.status_code == 200 and job.error[0] in str(resp.context["form"].non_field_errors())
