"""Monitoring pages. Thin: reads through selectors (restricted), writes through services."""
from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from carbonms.common import tenancy
from carbonms.common.pagination import paginate
from carbonms.common.views import (
    Parent,
    ScopedDetailView,
    ScopedPageView,
    ScopedViewMixin,
    ServiceFormView,
    apply_validation_error,
)
from carbonms.organizations.models import Enterprise

from . import activity, charts, rollups, selectors, services
from .forms import (
    AnomalyForm,
    ConflictForm,
    GatewayForm,
    GatewayRetireForm,
    MeterForm,
    MeterRetireForm,
    PeriodForm,
)
from .models import Anomaly, Gateway, Meter, ReadingConflict, RejectedMessage
from .reasons import reason_rows
from .timeutil import LOCAL_TZ


def _today() -> dt.date:
    return dt.datetime.now(LOCAL_TZ).date()


EARLIEST_DAY, LATEST_DAY = dt.date(2000, 1, 1), dt.date(2100, 12, 31)


def _date(value: str | None, default: dt.date) -> dt.date:
    """A YYYY-MM-DD parameter within 2000–2100; anything else (garbage, year 1, year 9999) is the default."""
    try:
        d = dt.date.fromisoformat(value[:20]) if value else default
    except ValueError:
        return default
    return d if EARLIEST_DAY <= d <= LATEST_DAY else default


ADD_FOR_MAX = 20
CONFLICT_SORTS = {"created": ("created_at", "id"), "ts": ("ts", "id"), "meter": ("meter__code", "id")}
ANOMALY_SORTS = {"day": ("day", "id"), "meter": ("meter__code", "id"), "kind": ("kind", "id")}
GATEWAY_SORTS = {"code": ("code", "id"), "name": ("name", "id"), "seen": ("last_seen_at", "id")}


class MeterListView(ScopedPageView):
    template_name = "monitoring/meter_list.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        ctx = super().get_context_data(**kwargs)
        # Where the user may add a meter: all as buttons when few, else those matching ``?add`` (name or credit
        # code), at most ADD_FOR_MAX: a park of 1,000 enterprises does not render 1,000 buttons.
        enterprises = Enterprise.objects.restrict(user, "view").order_by("name")
        ids = [pk for pk, park_id in enterprises.values_list("pk", "park_id")
               if tenancy.can(user, "data", "add", park_id=park_id, enterprise_id=pk)]
        add_q = self.request.GET.get("add", "").strip()[:100]
        if len(ids) > ADD_FOR_MAX or add_q:
            add_for = list(enterprises.filter(Q(name__icontains=add_q) | Q(credit_code__icontains=add_q), pk__in=ids)[:ADD_FOR_MAX]
                           ) if add_q else []
        else:
            add_for = list(enterprises.filter(pk__in=ids))
        listing = selectors.meter_table(user, self.request)
        ctx.update(meters=listing.rows, listing=listing, gateways=selectors.gateways_for(user),
                   add_for=add_for, add_search=len(ids) > ADD_FOR_MAX, add_q=add_q,
                   open_conflicts=selectors.conflicts_for(user).count(), open_anomalies=selectors.anomalies_for(user).count(),
                   open_rejected=selectors.rejected_for(user).count())
        return ctx


class MeterDetailView(ScopedDetailView):
    model = Meter
    template_name = "monitoring/meter_detail.html"
    context_object_name = "meter"

    def get_scoped_queryset(self):
        return Meter.objects.select_related("enterprise", "instrument", "gateway").prefetch_related("feeds__source")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        m = self.object
        last = m.days.order_by("-day").values_list("day", flat=True).first() or _today()
        end = _date(self.request.GET.get("end"), last)
        start = _date(self.request.GET.get("start"), end - dt.timedelta(days=13))
        if (end - start).days > 62 or start > end:
            start = end - dt.timedelta(days=13)
        days = rollups.daily(m, start, end)
        labels = dict(Anomaly.Kind.choices)
        year_days = rollups.daily(m, dt.date(end.year, 1, 1), dt.date(end.year, 12, 31))
        ctx.update(
            start=start, end=end, days=days,
            chart=charts.meter_chart(m, rollups.hourly(m, start, end), days, start, end, labels),
            daily_chart=charts.daily_chart(m, year_days),
            monthly=rollups.monthly(m, end.year), year=end.year,
            anomalies=m.anomalies.filter(status=Anomaly.Status.OPEN)[:50],
            conflicts=m.conflicts.filter(status=ReadingConflict.Status.OPEN)[:50],
            calibrated=m.instrument.valid_on(_today()) if m.instrument_id else None,
            can_change=tenancy.can(self.request.user, "data", "change", park_id=m.park_id, enterprise_id=m.enterprise_id),
            flag_labels=labels,
        )
        return ctx


class CompletenessView(ScopedPageView):
    template_name = "monitoring/completeness.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        end = _date(self.request.GET.get("end"), _today())
        start = _date(self.request.GET.get("start"), end - dt.timedelta(days=29))
        if (end - start).days > 92 or start > end:
            start = end - dt.timedelta(days=29)
        # A page of meters (at most 100 rows of the map), searched and sorted like the meter list.
        listing = paginate(self.request, selectors.meters_for(self.request.user), sorts=selectors.METER_SORTS,
                           default="enterprise", search=selectors.METER_SEARCH, keep=("start", "end"))
        hm = selectors.heatmap(self.request.user, start, end, meters=listing.rows)
        ctx.update(start=start, end=end, hm=hm, chart=charts.heatmap_chart(hm), listing=listing,
                   chart_height=max(240, 26 * len(hm["meters"]) + 120))
        return ctx


class LiveView(ScopedPageView):
    template_name = "monitoring/live.html"

    def get_template_names(self):
        return ["monitoring/_live.html"] if self.request.htmx else [self.template_name]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["live"] = selectors.live_load(self.request.user)
        return ctx


class ConflictListView(ScopedPageView):
    template_name = "monitoring/conflicts.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        status = self.request.GET.get("status", "open")
        listing = paginate(self.request, selectors.conflicts_for(self.request.user, None if status == "all" else status),
                           sorts=CONFLICT_SORTS, default="-created", search=("meter__code", "meter__enterprise__name"),
                           keep=("status",))
        ctx.update(status=status, conflicts=listing.rows, listing=listing,
                   changeable=set(ReadingConflict.objects.restrict(self.request.user, "change").filter(
                       status=ReadingConflict.Status.OPEN, pk__in=[c.pk for c in listing.rows]).values_list("pk", flat=True)),
                   open_rejected=selectors.rejected_for(self.request.user).count())
        return ctx


class AnomalyListView(ScopedPageView):
    template_name = "monitoring/anomalies.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        status = self.request.GET.get("status", "open")
        listing = paginate(self.request, selectors.anomalies_for(self.request.user, None if status == "all" else status),
                           sorts=ANOMALY_SORTS, default="-day", search=("meter__code", "meter__enterprise__name", "kind"),
                           keep=("status",))
        ctx.update(status=status, anomalies=listing.rows, listing=listing,
                   labels=dict(Anomaly.Kind.choices), open_rejected=selectors.rejected_for(self.request.user).count(),
                   changeable=set(Anomaly.objects.restrict(self.request.user, "change").filter(
                       status=Anomaly.Status.OPEN, pk__in=[a.pk for a in listing.rows]).values_list("pk", flat=True)))
        return ctx


class RejectedMessageListView(ScopedPageView):
    """Refused MQTT messages and readings, beside the conflicts and anomalies of the review queue."""

    template_name = "monitoring/rejected_messages.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        status = self.request.GET.get("status", "open")
        user = self.request.user
        listing = paginate(self.request, selectors.rejected_for(user, None if status == "all" else status),
                           sorts={"received": ("received_at", "id")}, default="-received",
                           search=("gateway__code", "topic"), keep=("status",))
        rows = listing.rows
        changeable = set(RejectedMessage.objects.restrict(user, "change").filter(pk__in=[r.pk for r in rows])
                         .values_list("pk", flat=True))
        for r in rows:
            r.can_review = r.pk in changeable
            r.reason_rows = reason_rows(r.reasons, limit=5)
        ctx.update(status=status, rejected=rows, listing=listing)
        return ctx


class RejectedMessageReviewView(ServiceFormView):
    form_class = AnomalyForm
    template_name = "monitoring/rejected_message.html"
    title = _("Review a rejected message")
    success_message = _("Rejected message acknowledged.")

    model = RejectedMessage
    action = "change"
    select_related = ("gateway", "gateway__enterprise")

    @property
    def message(self):
        return self.object

    def get_cancel_url(self):
        return reverse("monitoring:rejected_messages")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "message": self.message,
                "reason_rows": reason_rows(self.message.reasons, limit=200)}

    def perform(self, form):
        return services.rejected_acknowledge(actor=self.request.user, message=self.message, note=form.cleaned_data["note"])

    def get_success_url(self):
        return reverse("monitoring:rejected_messages")


class MeterRetireView(ServiceFormView):
    """End a meter's service life; its readings, rollups and feeds are kept (a meter with data is never deleted)."""

    form_class = MeterRetireForm
    title = _("Retire meter")
    success_message = _("Meter retired.")

    model = Meter
    action = "change"

    def perform(self, form):
        return services.meter_retire(actor=self.request.user, meter=self.object, removed_at=form.cleaned_data["removed_at"])


class GatewayRetireView(ServiceFormView):
    """Retire a gateway (inactive: its token and MQTT topic are refused); its meters and log are kept."""

    form_class = GatewayRetireForm
    title = _("Retire gateway")
    success_message = _("Gateway retired.")
    model = Gateway
    action = "change"

    def get_cancel_url(self):
        return reverse("monitoring:gateways")

    def perform(self, form):
        return services.gateway_retire(actor=self.request.user, gateway=self.object)


class GatewayListView(ScopedPageView):
    template_name = "monitoring/gateways.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        listing = paginate(self.request, selectors.gateways_for(user), sorts=GATEWAY_SORTS, default="code",
                           search=("code", "name", "enterprise__name"))
        gateways = listing.rows
        changeable = set(Gateway.objects.restrict(user, "change").filter(pk__in=[g.pk for g in gateways])
                         .values_list("pk", flat=True))
        for g in gateways:
            g.can_retire = g.is_active and g.pk in changeable
        enterprises = Enterprise.objects.restrict(user, "view").order_by("name")
        ids = [pk for pk, park_id in enterprises.values_list("pk", "park_id")
               if tenancy.can(user, "data", "add", park_id=park_id, enterprise_id=pk)]
        add_q = self.request.GET.get("add", "").strip()[:100]
        if len(ids) > ADD_FOR_MAX or add_q:  # as on the meter list: a search above ADD_FOR_MAX enterprises
            add_for = list(enterprises.filter(Q(name__icontains=add_q) | Q(credit_code__icontains=add_q), pk__in=ids)[:ADD_FOR_MAX]
                           ) if add_q else []
        else:
            add_for = list(enterprises.filter(pk__in=ids))
        ctx.update(gateways=gateways, listing=listing, add_for=add_for, add_search=len(ids) > ADD_FOR_MAX, add_q=add_q)
        return ctx


class _ForEnterprise(ScopedViewMixin):
    """Adds a gateway or meter to the enterprise named by ``enterprise_pk``."""

    parent = Parent("enterprise_pk", Enterprise, "enterprise")
    requires = ("data", "add")

    def get_cancel_url(self):
        return reverse("monitoring:meters")


class GatewayCreateView(_ForEnterprise, ServiceFormView):
    form_class = GatewayForm
    title = _("Add a gateway")

    def form_valid(self, form):
        try:
            gw, token = services.gateway_save(actor=self.request.user, enterprise=self.enterprise, data=form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
            return self.form_invalid(form)
        return render(self.request, "monitoring/gateway_token.html", {"gateway": gw, "token": token})


def _feeds(form):
    src = form.cleaned_data.get("source")
    return [(src, form.cleaned_data.get("share") or 1)] if src else []


class MeterCreateView(_ForEnterprise, ServiceFormView):
    form_class = MeterForm
    title = _("Add a meter")
    success_message = _("Meter saved.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "enterprise": self.enterprise}

    def perform(self, form):
        return services.meter_save(actor=self.request.user, enterprise=self.enterprise, data=form.cleaned_data, feeds=_feeds(form))


class MeterEditView(ServiceFormView):
    form_class = MeterForm
    title = _("Edit meter")
    success_message = _("Meter saved.")
    model = Meter
    action = "change"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.object, "enterprise": self.object.enterprise}

    def perform(self, form):
        return services.meter_save(actor=self.request.user, meter=self.object, data=form.cleaned_data, feeds=_feeds(form))


class ConflictResolveView(ServiceFormView):
    form_class = ConflictForm
    template_name = "monitoring/conflict_resolve.html"
    title = _("Resolve a reading conflict")
    success_message = _("Conflict resolved.")
    model = ReadingConflict
    action = "change"
    select_related = ("meter",)

    @property
    def conflict(self):
        return self.object

    def get_cancel_url(self):
        return reverse("monitoring:conflicts")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "conflict": self.conflict}

    def perform(self, form):
        c = services.conflict_resolve(actor=self.request.user, conflict=self.conflict,
                                      keep_stored=form.cleaned_data["decision"] == "keep", note=form.cleaned_data["note"])
        rollups.refresh_dirty()
        return c

    def get_success_url(self):
        return reverse("monitoring:conflicts")


class AnomalyReviewView(ServiceFormView):
    form_class = AnomalyForm
    template_name = "monitoring/anomaly_review.html"
    title = _("Review an anomaly")
    success_message = _("Anomaly acknowledged.")
    model = Anomaly
    action = "change"
    select_related = ("meter",)

    @property
    def anomaly(self):
        return self.object

    def get_cancel_url(self):
        return reverse("monitoring:anomalies")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "anomaly": self.anomaly}

    def perform(self, form):
        return services.anomaly_acknowledge(actor=self.request.user, anomaly=self.anomaly, note=form.cleaned_data["note"])

    def get_success_url(self):
        return reverse("monitoring:anomalies")


class RollupView(ScopedPageView):
    """Meter values beside the activity data of a month; writers turn them into draft activity data."""

    template_name = "monitoring/rollup.html"
    parent = Parent("enterprise_pk", Enterprise, "enterprise")

    def period(self):
        today = _today()
        prev = (today.replace(day=1) - dt.timedelta(days=1))
        form = PeriodForm(self.request.POST or self.request.GET or {"year": prev.year, "month": prev.month})
        if form.is_valid():
            return form, form.cleaned_data["year"], form.cleaned_data["month"]
        return PeriodForm({"year": prev.year, "month": prev.month}), prev.year, prev.month

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        form, year, month = self.period()
        e = self.enterprise
        ctx.update(enterprise=e, form=form, year=year, month=month, rows=activity.comparison(e, year, month),
                   can_add=tenancy.can(self.request.user, "data", "add", park_id=e.park_id, enterprise_id=e.pk))
        return ctx

    def post(self, request, *args, **kwargs):
        _form, year, month = self.period()
        try:
            results = activity.rollup_to_activity(actor=request.user, enterprise=self.enterprise, year=year, month=month)
        except ValidationError as exc:
            for m in exc.messages:
                messages.error(request, m)
        else:
            made = sum(1 for r in results if r["outcome"] in ("created", "updated"))
            same = sum(1 for r in results if r["outcome"] == "unchanged")
            messages.success(request, ngettext("%(n)d draft value made from the meters; %(s)d already up to date; %(k)d kept as entered.",
                                      "%(n)d draft values made from the meters; %(s)d already up to date; %(k)d kept as entered.", made)
                             % {"n": made, "s": same, "k": len(results) - made - same})
        url = reverse("monitoring:rollup", args=[self.enterprise.pk]) + f"?year={year}&month={month}"
        return HttpResponseRedirect(url)
