"""Inventory pages: the park's and an enterprise's inventory with ECharts breakdowns, a run with its
provenance, the drill-down from any total to the records, factors and evidence, the run diff and
the Excel export of any view."""
from __future__ import annotations

import io

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import prefetch_related_objects
from django.shortcuts import redirect
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View

from carbonms.carbondata.models import Evidence
from carbonms.carbondata.models.register import Category
from carbonms.carbondata.views.base import ENTERPRISE, PARK, ObjectMixin, year_param
from carbonms.common import files, params, tenancy
from carbonms.common.pagination import paginate
from carbonms.common.spreadsheet import safe_row
from carbonms.common.views import ScopedPageView, apply_validation_error
from carbonms.organizations.models import Enterprise, FactorSet, GridScope, GridYearRule

from . import recalc, selectors, services
from .diff import run_diff
from .factor_card import factor_card, status_label
from .forms import RunForm
from .models import CalculationRun, RecalcJob, RunResult

CAT_LABELS = dict(Category.choices)


def _pie(data):
    return {"tooltip": {"trigger": "item"}, "series": [{"type": "pie", "radius": ["42%", "70%"], "data": data,
                                                        "label": {"formatter": "{b}\n{d}%", "fontSize": 11}}]}


def charts(run: CalculationRun, by_enterprise: list[tuple[str, float]]) -> dict:
    """The run's charts, from its stored totals; ``by_enterprise``: (name, tCO2e) of the bars
    (selectors.chart_enterprises: the largest, the rest as one bar)."""
    t = run.totals
    months = [str(m) for m in range(1, 13)]
    return {
        "category": _pie([{"name": str(CAT_LABELS.get(k, k)), "value": round(v, 3)} for k, v in t.get("by_category", {}).items()]),
        "gas": _pie([{"name": k, "value": round(v, 3)} for k, v in t.get("by_gas_co2e", {}).items()]),
        # largest at the top (inverse), labels cut to the grid's width with the full name in the tooltip
        "enterprise": {"tooltip": {"trigger": "axis"}, "grid": {"left": 150, "right": 24, "top": 8, "bottom": 24},
                       "xAxis": {"type": "value"},
                       "yAxis": {"type": "category", "inverse": True, "data": [name for name, _v in by_enterprise],
                                 "axisLabel": {"width": 136, "overflow": "truncate", "fontSize": 11}},
                       "series": [{"type": "bar", "data": [round(v, 3) for _name, v in by_enterprise]}]},
        "month": {"tooltip": {}, "xAxis": {"type": "category", "data": months}, "yAxis": {"type": "value"},
                  "series": [{"type": "bar", "data": [round(t.get("by_month", {}).get(m, 0), 3) for m in months]}]},
    }


MISSING_SHOWN = 50


def shown_names(user, run: CalculationRun) -> dict:
    """Names of the enterprises the missing-value and boundary lists of a run show (the first few of each):
    one query for those, not the park's every enterprise."""
    ids = {m["enterprise"] for m in (run.coverage or {}).get("missing", [])[:MISSING_SHOWN]}
    ids |= {int(eid) for eid in list((run.boundaries or {}).get("enterprises", {}))[:BOUNDARY_SHOWN]}
    return dict(Enterprise.objects.restrict(user).filter(pk__in=ids).values_list("pk", "name")) if ids else {}


def coverage_context(run: CalculationRun, ent_names: dict) -> dict:
    """The first missing values of a run's coverage as (enterprise name, source code, month), and the
    policy's choices in words."""
    pol = run.policy or {}
    scopes = {**dict(GridScope.choices), "ets": FactorSet.ETS.label}
    return {"missing_rows": [(ent_names.get(m["enterprise"], m["enterprise"]), m["code"], m["month"])
                             for m in (run.coverage or {}).get("missing", [])[:MISSING_SHOWN]],
            "policy_labels": {"grid_scope": scopes.get(pol.get("grid_scope"), pol.get("grid_scope")),
                              "grid_year_rule": dict(GridYearRule.choices).get(pol.get("grid_year_rule"), pol.get("grid_year_rule")),
                              "factor_set": dict(FactorSet.choices).get(pol.get("factor_set"), pol.get("factor_set")),
                              "grid_status": status_label((pol.get("grid_factor") or {}).get("status"), False)[0]}}


class _InventoryPage(ScopedPageView):
    template_name = "inventory/inventory.html"
    enterprise = None

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, year = self.request.user, year_param(self.request)
        run = selectors.latest_run(user, self.park, year, self.enterprise)
        from .statements import official_statement

        can_run = tenancy.can(user, "data", "change", park_id=self.park.pk,
                              enterprise_id=self.enterprise.pk if self.enterprise else None)
        ctx.update(park=self.park, enterprise=self.enterprise, year=year, run=run,
                   statement=official_statement(park=self.park, year=year, enterprise=self.enterprise),
                   runs=selectors.brief_run_list(selectors.runs_for(user, self.park, self.enterprise, year), 10), can_run=can_run,
                   form=kwargs.get("form") or (RunForm(user=user, park=self.park) if can_run else None))
        if run:
            page = selectors.enterprise_totals(user, run, self.request)
            ent_names = shown_names(user, run)
            ctx.update(charts=charts(run, selectors.chart_enterprises(user, run)), **coverage_context(run, ent_names),
                       categories=[(k, CAT_LABELS.get(k, k), v) for k, v in run.totals.get("by_category", {}).items()],
                       enterprises=page.object_list, enterprise_page=page, page_filters={"year": year})
        return ctx

    def post(self, request, *args, **kwargs):
        """Run with the form's basis, factor policy and boundary date; field errors come back on the page."""
        year = year_param(request)
        form = RunForm(request.POST, user=request.user, park=self.park)
        if form.is_valid():
            try:
                if self.enterprise is None:  # the park: a job over the workers (inventory.recalc), with its progress page
                    return self._start_job(form, year)
                run = services.run_calculation(actor=request.user, park=self.park, enterprise=self.enterprise, year=year,
                                               **form.service_kwargs())
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, gettext("Calculation run #%(n)d stored.") % {"n": run.pk})
                return redirect(run.get_absolute_url())
        return self.render_to_response(self.get_context_data(form=form))

    def _start_job(self, form, year):
        """Queue the park's recalculation. Done already (the embedded default runs the parts in this process): the
        run, or the refusal on the form; otherwise the job's page, which shows its progress until the run exists."""
        job = recalc.start(actor=self.request.user, park=self.park, year=year, **form.service_kwargs())
        if job.status == RecalcJob.Status.FAILED:
            raise ValidationError(job.error or [gettext("The recalculation failed.")])
        if job.run_id:
            messages.success(self.request, gettext("Calculation run #%(n)d stored.") % {"n": job.run_id})
            return redirect(job.run.get_absolute_url())
        return redirect("inventory:recalc_job", self.park.pk, job.pk)


class RecalcJobView(ScopedPageView):
    """A park recalculation in progress (parts done of parts, polled with htmx), then its result: the run, or the
    reasons it failed. Park staff only, like the park's inventory page that starts it."""

    parent = PARK
    park_staff_only = True
    template_name = "inventory/recalc_job.html"

    def prepare(self):
        self.job = selectors.recalc_job(self.park, self.kwargs["job_pk"])

    def get_template_names(self):
        return ["inventory/_recalc_progress.html"] if self.request.htmx else [self.template_name]

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if request.htmx and self.job.status != RecalcJob.Status.RUNNING:
            response["HX-Refresh"] = "true"  # finished: the whole page shows the result
        return response

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        job = self.job
        ctx.update(job=job, percent=round(100 * job.parts_done / job.n_parts) if job.n_parts else 0,
                   running=job.status == RecalcJob.Status.RUNNING)
        return ctx


class ParkInventoryView(_InventoryPage):
    """The park's inventory (park staff only)."""

    parent = PARK
    park_staff_only = True


class EnterpriseInventoryView(_InventoryPage):
    parent = ENTERPRISE

    def prepare(self):
        self.park = self.enterprise.park


class RunView(ObjectMixin, ScopedPageView):
    """A run: totals, charts by category, gas, enterprise and month, energy in tce, and its provenance."""

    model = CalculationRun
    template_name = "inventory/run.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        run, user = self.object, self.request.user
        earlier = (CalculationRun.objects.restrict(user).filter(park=run.park_id, enterprise=run.enterprise_id, year=run.year)
                   .exclude(pk=run.pk).defer(*RUN_BULK))
        # A park run feeds every enterprise's statement: name the first STATEMENTS_SHOWN, count the rest.
        statements = run.statements.restrict(user).order_by("-created_at").only("id", "run_id", "status", "created_at", "park_id",
                                                                                "enterprise_id")
        page = selectors.enterprise_totals(user, run, self.request)
        ent_names = shown_names(user, run)
        ctx.update(run=run, charts=charts(run, selectors.chart_enterprises(user, run)), earlier=earlier[:20],
                   **coverage_context(run, ent_names), boundary_rows=boundary_rows(run, ent_names),
                   statements=statements[:STATEMENTS_SHOWN], n_statements=statements.count(),
                   can_state=tenancy.can(user, "data", "change", park_id=run.park_id, enterprise_id=run.enterprise_id),
                   categories=[(k, CAT_LABELS.get(k, k), v) for k, v in run.totals.get("by_category", {}).items()],
                   enterprises=page.object_list, enterprise_page=page, page_filters={})
        return ctx


BOUNDARY_SHOWN = 100
STATEMENTS_SHOWN = 20
# The run's JSON that lists every enterprise (hundreds of KB in a large park): not read for a list of runs.
RUN_BULK = ("totals", "coverage", "boundaries", "factors", "timings", "policy")


def boundary_rows(run: CalculationRun, ent_names: dict) -> list[dict]:
    """Per enterprise (the first ones): the boundary version applied, the months counted and the notes."""
    notes = {"no_boundary": _("no accounting boundary defined: all sites counted"),
             "boundary_lists_no_sites": _("the boundary lists no sites: all sites counted"),
             "not_ets_covered": _("not covered by the carbon market: left out of an ETS-basis run")}
    rows = []
    for eid, b in list((run.boundaries or {}).get("enterprises", {}).items())[:BOUNDARY_SHOWN]:
        rows.append({"name": ent_names.get(int(eid), eid), "boundary": b.get("boundary"),
                     "boundary_from": b.get("boundary_from"), "months": b.get("months", []),
                     "notes": [notes.get(n, n) for n in b.get("notes", [])], "n_excluded": b.get("n_excluded", 0),
                     "excluded": b.get("excluded_sources", []), "unplaced": b.get("unplaced_sources", 0),
                     "expected_from": b.get("expected_from")})
    return rows


def _filters(request) -> dict:
    """The drill-down filters of the query string; a malformed id or month is a 400 naming it."""
    read = params.read(request.GET, {"enterprise": params.ID, "month": params.MONTH, "source": params.ID})
    f = {key: read[param] for key, param in (("enterprise_id", "enterprise"), ("month", "month"), ("source_id", "source"))
         if param in read}
    for key in ("category", "gas"):
        v = request.GET.get(key, "").strip()
        if v:
            f[key] = v
    return f


class DrillView(ObjectMixin, ScopedPageView):
    """The results behind a total (filtered by category, enterprise, month, source or gas)."""

    model = CalculationRun
    template_name = "inventory/drill.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        f = _filters(self.request)
        qs = selectors.results_for(self.request.user, self.object, f)
        level = "enterprise_id" if "enterprise_id" not in f else "source_id" if "source_id" not in f else "month"
        # The count and both sums: from the run's stored totals for the whole run, else one pass in SQL. The
        # page is ordered by category, then id: the index (run, category, id) returns it without sorting the run; it shows at
        # most 100 rows, and its records are read by id afterwards (three small queries).
        agg = selectors.drill_totals(self.request.user, self.object, qs, f)
        keep = [k for k in ("category", "enterprise", "month", "source", "gas") if self.request.GET.get(k)]
        listing = paginate(self.request, qs, sorts=DRILL_SORTS, default="order", keep=keep, count=agg["n"])
        prefetch_related_objects(listing.rows, "source", "enterprise", "activity")
        ctx.update(run=self.object, filters=f, query=self.request.GET.urlencode(), results=listing.rows, listing=listing,
                   n=agg["n"], total=agg["total"] or 0.0, tce=agg["tce"] or 0.0,
                   cat_label=CAT_LABELS.get(f.get("category"), ""), level=level)
        return ctx


DRILL_SORTS = {"order": ("category", "id"), "month": ("month", "id"), "co2e": ("co2e_t", "id")}


class ResultView(ObjectMixin, ScopedPageView):
    """One result's provenance: activity record and version, factor version, method, GWP, run, evidence."""

    model = RunResult
    template_name = "inventory/result.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        r = self.object
        ctx.update(result=r, run=r.run, activity=r.activity,
                   evidence=Evidence.objects.restrict(self.request.user).filter(activity_id=r.activity_id),
                   factor_card=factor_card(r.factor, r.gas, r.gwp))
        return ctx


class DiffView(ObjectMixin, ScopedPageView):
    model = CalculationRun
    template_name = "inventory/diff.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        run, user = self.object, self.request.user
        against = self.request.GET.get("against", "")
        if against.isdigit():
            old = tenancy.get_for_user(CalculationRun, user, int(against), "view")
        else:
            old = CalculationRun.objects.restrict(user).filter(park=run.park_id, enterprise=run.enterprise_id, year=run.year,
                                                               created_at__lt=run.created_at).first()
        labels = {"data": _("activity data"), "factor": _("factor"), "method": _("method"), "added": _("added"),
                  "removed": _("removed")}
        lines = run_diff(old, run) if old else []
        for line in lines:
            line["reason_list"] = [(k, labels.get(k, k), items) for k, items in line["reasons"].items()]
        ctx.update(run=run, old=old, lines=lines,
                   delta={k: run.totals.get(k, 0) - old.totals.get(k, 0) for k in ("gross", "direct", "indirect_energy", "energy_tce")} if old else {})
        return ctx


class ExportView(ObjectMixin, View):
    """Excel export of a run or any drill-down view of it (same filters)."""

    model = CalculationRun

    def get(self, request, *args, **kwargs):
        from openpyxl import Workbook

        run = self.object
        qs = selectors.results_for(request.user, run, _filters(request)).select_related("source", "enterprise")
        wb = Workbook()
        ws = wb.active
        ws.title = "汇总"
        for k in ("direct", "indirect_energy", "other_indirect", "gross", "removals", "net", "energy_tce", "excluded_double_counting"):
            ws.append([k, run.totals.get(k, 0)])
        ws.append(["run", run.pk])
        ws.append(["gwp_set", run.gwp_set])
        ws.append(safe_row(["run_by", str(run.run_by)]))
        ws.append(["run_at", run.created_at.isoformat()])
        rs = wb.create_sheet("明细")
        rs.append(["企业", "排放源编码", "排放源名称", "月份", "类别", "方法", "物料", "活动数据", "单位", "活动数据版本", "气体",
                   "排放量(t)", "tCO2e", "能耗(tce)", "因子版本", "计入园区"])
        for r in qs.order_by("enterprise__name", "source__code", "month").iterator(chunk_size=2000):
            rs.append(safe_row([r.enterprise.name, r.source.code, r.source.name, r.month,
                                str(CAT_LABELS.get(r.category, r.category)), r.method, r.material, float(r.amount), r.unit,
                                r.activity_version, r.gas, r.mass_t, r.co2e_t, r.energy_tce, r.factor_version_id,
                                "是" if r.counted_in_park else "否"]))
        out = io.BytesIO()
        wb.save(out)
        return files.attachment(out.getvalue(), f"inventory-run-{run.pk}.xlsx", files.ZIP_TYPES[".xlsx"])
