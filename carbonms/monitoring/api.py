"""REST endpoints of online monitoring (registered by carbonms/api/urls.py). Same tenancy as the pages;
writes go through the services. The gateways' ingestion endpoint is carbonms.monitoring.endpoint."""
from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_view,
)
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from carbonms.carbondata.models import MeasuringInstrument
from carbonms.common import tenancy
from carbonms.common.api import (
    ScopedAPIView,
    ScopedModelSerializer,
    ScopedModelViewSet,
    ScopedRelatedField,
    ScopedSerializer,
    as_api_error,
    body,
)
from carbonms.organizations.models import Enterprise

from . import activity, rollups, selectors, services
from .models import Anomaly, Gateway, Meter, ReadingConflict, RejectedMessage
from .timeutil import LOCAL_TZ

EARLIEST_DAY, LATEST_DAY = dt.date(2000, 1, 1), dt.date(2100, 12, 31)
MAX_SERIES_DAYS = {"hour": 92, "day": 1830}


def _day_param(params, name: str, default: dt.date) -> dt.date:
    """A YYYY-MM-DD query parameter within 2000–2100, or a 400 naming it."""
    raw = params.get(name)
    if not raw:
        return default
    try:
        value = dt.date.fromisoformat(raw[:20])
    except ValueError:
        raise ValidationError({name: [_("Give a date as YYYY-MM-DD.")]})
    if not EARLIEST_DAY <= value <= LATEST_DAY:
        raise ValidationError({name: [_("Give a date between %(a)s and %(b)s.") % {"a": EARLIEST_DAY, "b": LATEST_DAY}]})
    return value


def _period_param(data, params) -> tuple[int, int] | None:
    """(year, month) from the body or the query (None when neither names a year); 400 when out of range."""
    out = []
    for name, lo, hi in (("year", 2000, 2100), ("month", 1, 12)):
        raw = data.get(name) if hasattr(data, "get") and data.get(name) not in (None, "") else params.get(name)
        if raw in (None, ""):
            if name == "year":
                return None
            raise ValidationError({name: [_("Give the month (1–12) with the year.")]})
        try:
            value = int(str(raw)[:10])
        except (TypeError, ValueError):
            value = None
        if isinstance(raw, bool) or value is None or not lo <= value <= hi:
            raise ValidationError({name: [_("Give a whole number from %(lo)d to %(hi)d.") % {"lo": lo, "hi": hi}]})
        out.append(value)
    return out[0], out[1]


class MeterFeedSerializer(ScopedSerializer):
    source = serializers.IntegerField(source="source_id")
    share = serializers.DecimalField(max_digits=7, decimal_places=6)


class MeterSerializer(ScopedModelSerializer):
    enterprise = ScopedRelatedField(queryset=Enterprise.objects.all())
    instrument = ScopedRelatedField(queryset=MeasuringInstrument.objects.all(), allow_null=True, required=False)
    gateway = ScopedRelatedField(queryset=Gateway.objects.all(), allow_null=True, required=False)
    feeds = MeterFeedSerializer(many=True, read_only=True)

    class Meta:
        model = Meter
        fields = ["id", "enterprise", "code", "name", "meter_type", "unit", "multiplier", "reading_kind", "interval_minutes",
                  "rollover_at", "max_value", "instrument", "gateway", "installed_at", "removed_at", "status", "feeds"]
        validators = []


class GatewaySerializer(ScopedModelSerializer):
    enterprise = ScopedRelatedField(queryset=Enterprise.objects.all())
    token = serializers.SerializerMethodField()

    class Meta:
        model = Gateway
        fields = ["id", "enterprise", "code", "name", "token_prefix", "rate_limit_per_minute", "is_active", "last_seen_at", "token"]
        read_only_fields = ["token_prefix", "last_seen_at"]
        validators = []

    def get_token(self, obj) -> str | None:
        return getattr(obj, "_new_token", None)  # only in the answer that created it


class ConflictSerializer(ScopedModelSerializer):
    class Meta:
        model = ReadingConflict
        fields = ["id", "meter", "ts", "stored_value", "new_value", "status", "resolved_by", "resolved_at", "note", "created_at"]


class RejectedMessageSerializer(ScopedModelSerializer):
    class Meta:
        model = RejectedMessage
        fields = ["id", "gateway", "channel", "topic", "payload", "payload_bytes", "payload_truncated", "reasons",
                  "n_rejected", "n_accepted", "received_at", "status", "reviewed_by", "reviewed_at", "note"]
        read_only_fields = fields  # written by the consumer; reviewed through ``acknowledge``


class RetireSerializer(ScopedSerializer):
    removed_at = serializers.DateTimeField(required=False, allow_null=True)


class AnomalySerializer(ScopedModelSerializer):
    class Meta:
        model = Anomaly
        fields = ["id", "meter", "day", "kind", "detail", "status", "reviewed_by", "note"]


class HourPointSerializer(ScopedSerializer):
    t = serializers.FloatField(help_text="start of the local hour, epoch seconds")
    value = serializers.FloatField()
    n = serializers.IntegerField(help_text="intervals (or readings) in the hour")
    substituted = serializers.BooleanField()


class DayPointSerializer(ScopedSerializer):
    day = serializers.DateField()
    measured = serializers.FloatField()
    substituted = serializers.FloatField()
    readings = serializers.IntegerField()
    expected = serializers.IntegerField()
    completeness = serializers.FloatField()
    flags = serializers.ListField(child=serializers.JSONField())


class MonthPointSerializer(ScopedSerializer):
    month = serializers.IntegerField(min_value=1, max_value=12)
    measured = serializers.FloatField()
    substituted = serializers.FloatField()
    total = serializers.FloatField()


class MeterSeriesSerializer(ScopedSerializer):
    meter = serializers.IntegerField()
    unit = serializers.CharField()
    resolution = serializers.ChoiceField(choices=["hour", "day", "month"])
    data = PolymorphicProxySerializer(
        component_name="MeterSeriesPoint", resource_type_field_name=None, many=True,
        serializers=[HourPointSerializer, DayPointSerializer, MonthPointSerializer])


class MeterViewSet(ScopedModelViewSet):
    """Meters; ``series`` gives hourly, daily or monthly consumption (``?resolution=hour|day|month&start&end``)."""

    queryset = Meter.objects.all()
    serializer_class = MeterSerializer

    def base_queryset(self):
        return Meter.objects.select_related("enterprise").prefetch_related("feeds")

    def create_record(self, data):
        return services.meter_save(actor=self.request.user, enterprise=data.pop("enterprise"), data=data)

    def update_record(self, instance, data):
        data.pop("enterprise", None)
        return services.meter_save(actor=self.request.user, meter=instance, data=data)

    def perform_destroy(self, instance):
        try:
            services.meter_delete(actor=self.request.user, meter=instance)
        except DjangoValidationError as exc:
            raise as_api_error(exc)

    @extend_schema(request=RetireSerializer, responses=MeterSerializer)
    @action(detail=True, methods=["get", "post"])
    def retire(self, request, pk=None):
        """POST: end the meter's service life (``removed_at``, default now); its data is kept."""
        if request.method == "GET":
            return Response(MeterSerializer(self.get_object(), context={"request": request}).data)
        m = tenancy.get_for_user(self.base_queryset(), request.user, pk, "change")
        ser = RetireSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        try:
            m = services.meter_retire(actor=request.user, meter=m, removed_at=ser.validated_data.get("removed_at"))
        except DjangoValidationError as exc:
            raise as_api_error(exc)
        return Response(MeterSerializer(m, context={"request": request}).data)

    @extend_schema(
        parameters=[
            OpenApiParameter("resolution", str, enum=["hour", "day", "month"], description="default: day"),
            OpenApiParameter("start", OpenApiTypes.DATE, description="first local day (default: 30 days before end)"),
            OpenApiParameter("end", OpenApiTypes.DATE, description="last local day (default: today)"),
        ],
        responses=MeterSeriesSerializer)
    @action(detail=True, methods=["get"])
    def series(self, request, pk=None):
        m = self.get_object()
        res = request.query_params.get("resolution", "day")
        if res not in ("hour", "day", "month"):
            raise ValidationError({"resolution": [_("Use hour, day or month.")]})
        today = dt.datetime.now(LOCAL_TZ).date()
        end = _day_param(request.query_params, "end", min(today, LATEST_DAY))
        start = _day_param(request.query_params, "start", max(EARLIEST_DAY, end - dt.timedelta(days=30)))
        if start > end:
            raise ValidationError({"start": [_("The start is after the end.")]})
        if res in MAX_SERIES_DAYS and (end - start).days > MAX_SERIES_DAYS[res]:
            raise ValidationError({"end": [_("At most %(n)d days at this resolution.") % {"n": MAX_SERIES_DAYS[res]}]})
        if res == "hour":
            data = rollups.hourly(m, start, end)
        elif res == "month":
            data = rollups.monthly(m, end.year)
        else:
            data = [{"day": d.day, "measured": d.measured, "substituted": d.substituted, "readings": d.n_readings,
                     "expected": d.n_expected, "completeness": d.completeness, "flags": d.flags} for d in rollups.daily(m, start, end)]
        return Response({"meter": m.pk, "unit": m.unit, "resolution": res, "data": data})


class GatewayViewSet(ScopedModelViewSet):
    """Gateways; the token is returned once, in the answer that creates the gateway."""

    queryset = Gateway.objects.all()
    serializer_class = GatewaySerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def perform_destroy(self, instance):
        try:
            services.gateway_delete(actor=self.request.user, gateway=instance)
        except DjangoValidationError as exc:
            raise as_api_error(exc)

    @extend_schema(request=None, responses=GatewaySerializer)
    @action(detail=True, methods=["get", "post"])
    def retire(self, request, pk=None):
        """POST: retire the gateway (inactive: its token and topic are refused); its meters and log are kept."""
        if request.method == "GET":
            return Response(GatewaySerializer(self.get_object(), context={"request": request}).data)
        gw = tenancy.get_for_user(Gateway, request.user, pk, "change")
        gw = services.gateway_retire(actor=request.user, gateway=gw)
        return Response(GatewaySerializer(gw, context={"request": request}).data)

    def create_record(self, data):
        gw, token = services.gateway_save(actor=self.request.user, enterprise=data.pop("enterprise"), data=data)
        gw._new_token = token
        return gw

    def update_record(self, instance, data):
        data.pop("enterprise", None)
        return services.gateway_save(actor=self.request.user, gateway=instance, data=data)[0]


class _ReviewViewSet(ScopedModelViewSet):
    http_method_names = ["get", "post", "head", "options"]

    @extend_schema(exclude=True)  # POST on the list is refused (405): these records come from ingestion
    def create(self, request, *args, **kwargs):
        return Response(status=405)


class ResolveSerializer(ScopedSerializer):
    decision = serializers.ChoiceField(choices=["keep", "replace"])
    note = serializers.CharField(required=False, allow_blank=True)


class AcknowledgeSerializer(ScopedSerializer):
    note = serializers.CharField(required=False, allow_blank=True)


@extend_schema_view(list=extend_schema(parameters=[
    OpenApiParameter("status", str, enum=ReadingConflict.Status.values)]))
class ReadingConflictViewSet(_ReviewViewSet):
    """Conflicts (``?status=open``); POST ``resolve`` with {"decision": "keep"|"replace", "note"}."""

    queryset = ReadingConflict.objects.all()
    serializer_class = ConflictSerializer

    def get_queryset(self):
        qs = super().get_queryset()
        s = self.request.query_params.get("status")
        return qs.filter(status=s) if s else qs

    @extend_schema(methods=["GET"], responses=ConflictSerializer)
    @extend_schema(methods=["POST"], request=ResolveSerializer, responses=ConflictSerializer)
    @action(detail=True, methods=["get", "post"])
    def resolve(self, request, pk=None):
        if request.method == "GET":
            return Response(ConflictSerializer(self.get_object()).data)
        c = tenancy.get_for_user(ReadingConflict, request.user, pk, "change")
        decision = body(request).get("decision")
        if decision not in ("keep", "replace"):
            raise ValidationError({"decision": ["keep | replace"]})
        try:
            c = services.conflict_resolve(actor=request.user, conflict=c, keep_stored=decision == "keep", note=body(request).get("note", ""))
        except DjangoValidationError as exc:
            raise as_api_error(exc)
        rollups.refresh_dirty()
        return Response(ConflictSerializer(c).data)


@extend_schema_view(list=extend_schema(parameters=[
    OpenApiParameter("status", str, enum=Anomaly.Status.values), OpenApiParameter("kind", str, enum=Anomaly.Kind.values)]))
class AnomalyViewSet(_ReviewViewSet):
    """Anomalies (``?status=open&kind=gap``); POST ``acknowledge`` with {"note"}."""

    queryset = Anomaly.objects.all()
    serializer_class = AnomalySerializer

    def get_queryset(self):
        qs = super().get_queryset()
        for f in ("status", "kind"):
            if self.request.query_params.get(f):
                qs = qs.filter(**{f: self.request.query_params[f]})
        return qs

    @extend_schema(methods=["GET"], responses=AnomalySerializer)
    @extend_schema(methods=["POST"], request=AcknowledgeSerializer, responses=AnomalySerializer)
    @action(detail=True, methods=["get", "post"])
    def acknowledge(self, request, pk=None):
        if request.method == "GET":
            return Response(AnomalySerializer(self.get_object()).data)
        a = tenancy.get_for_user(Anomaly, request.user, pk, "change")
        try:
            a = services.anomaly_acknowledge(actor=request.user, anomaly=a, note=body(request).get("note", ""))
        except DjangoValidationError as exc:
            raise as_api_error(exc)
        return Response(AnomalySerializer(a).data)


class RejectedMessageViewSet(_ReviewViewSet):
    """Refused MQTT messages and readings (``?status=open``); POST ``acknowledge`` with {"note"}."""

    queryset = RejectedMessage.objects.all()
    serializer_class = RejectedMessageSerializer

    def base_queryset(self):
        return RejectedMessage.objects.select_related("gateway")

    def get_queryset(self):
        qs = super().get_queryset()
        s = self.request.query_params.get("status")
        return qs.filter(status=s) if s else qs

    @action(detail=True, methods=["get", "post"])
    def acknowledge(self, request, pk=None):
        if request.method == "GET":
            return Response(RejectedMessageSerializer(self.get_object()).data)
        msg = tenancy.get_for_user(self.base_queryset(), request.user, pk, "change")
        try:
            msg = services.rejected_acknowledge(actor=request.user, message=msg, note=str(body(request).get("note", "")))
        except DjangoValidationError as exc:
            raise as_api_error(exc)
        return Response(RejectedMessageSerializer(msg).data)


class CompletenessAPI(ScopedAPIView):
    """Completeness of each visible meter per day (``?start&end``, at most 92 days)."""

    @extend_schema(parameters=[OpenApiParameter("start", OpenApiTypes.DATE), OpenApiParameter("end", OpenApiTypes.DATE)],
                   responses=OpenApiTypes.OBJECT)
    def get(self, request):
        today = dt.datetime.now(LOCAL_TZ).date()
        end = _day_param(request.query_params, "end", min(today, LATEST_DAY))
        start = _day_param(request.query_params, "start", max(EARLIEST_DAY, end - dt.timedelta(days=29)))
        if start > end or (end - start).days > 92:
            raise ValidationError({"start": [_("From 1 to 93 days, the start not after the end.")]})
        hm = selectors.heatmap(request.user, start, end)
        return Response({"days": hm["days"], "meters": [
            {"id": m.pk, "code": m.code, "completeness": [hm["cells"].get((m.pk, d)) for d in hm["days"]]} for m in hm["meters"]]})


class LiveAPI(ScopedAPIView):
    """The last hour of the visible meters: consumption by type and enterprise."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request):
        live = selectors.live_load(request.user)
        return Response({**live, "by_enterprise": [{**{k: v for k, v in e.items() if k != "enterprise"},
                                                    "enterprise": e["enterprise"].pk} for e in live["by_enterprise"]]})


class RollupAPI(ScopedAPIView):
    """GET: meter values beside the activity data of ``?year&month``; POST: make the meter drafts."""

    def _period(self, request):
        """``year`` and ``month`` (body or query), 2000–2100 and 1–12 (else 400); none: the last month."""
        period = _period_param(request.data, request.query_params)
        if period is None:
            today = dt.datetime.now(LOCAL_TZ).date().replace(day=1) - dt.timedelta(days=1)
            return today.year, today.month
        return period

    @staticmethod
    def _row(r):
        rec = r.get("record")
        return {"source": r["source"].pk, "meter_amount": r["meter_amount"], "completeness": r["completeness"],
                "activity": rec.pk if rec else None, "activity_amount": rec.amount if rec else None,
                "difference": r.get("difference"), "outcome": r.get("outcome")}

    @extend_schema(parameters=[OpenApiParameter("year", OpenApiTypes.INT), OpenApiParameter("month", OpenApiTypes.INT)],
                   responses=OpenApiTypes.OBJECT)
    def get(self, request, enterprise_pk):
        e = tenancy.get_for_user(Enterprise, request.user, enterprise_pk, "view")
        year, month = self._period(request)
        return Response({"year": year, "month": month, "rows": [self._row(r) for r in activity.comparison(e, year, month)]})

    @extend_schema(request=OpenApiTypes.OBJECT, responses=OpenApiTypes.OBJECT)
    def post(self, request, enterprise_pk):
        e = tenancy.get_for_user(Enterprise, request.user, enterprise_pk, "view")
        year, month = self._period(request)
        try:
            rows = activity.rollup_to_activity(actor=request.user, enterprise=e, year=year, month=month)
        except DjangoValidationError as exc:
            raise as_api_error(exc)
        return Response({"year": year, "month": month, "rows": [self._row(r) for r in rows]})


def register(router) -> None:
    router.register("monitoring/meters", MeterViewSet, basename="meter")
    router.register("monitoring/gateways", GatewayViewSet, basename="gateway")
    router.register("monitoring/conflicts", ReadingConflictViewSet, basename="reading-conflict")
    router.register("monitoring/anomalies", AnomalyViewSet, basename="anomaly")
    router.register("monitoring/rejected-messages", RejectedMessageViewSet, basename="rejected-message")


def extra_urls() -> list:
    return [
        path("v1/monitoring/completeness/", CompletenessAPI.as_view(), name="monitoring-completeness"),
        path("v1/monitoring/live/", LiveAPI.as_view(), name="monitoring-live"),
        path("v1/monitoring/enterprises/<int:enterprise_pk>/rollup/", RollupAPI.as_view(), name="monitoring-rollup"),
    ]
