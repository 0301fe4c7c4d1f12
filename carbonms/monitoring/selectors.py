"""Reads of the monitoring pages and API. Every one starts from ``Model.objects.restrict(user, action)``."""
from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict

from django.db import connection
from django.db.models import Count, OuterRef, Subquery

from . import storage
from .models import Anomaly, Gateway, Meter, MeterDay, ReadingConflict, RejectedMessage
from .timeutil import LOCAL_TZ, to_epoch

MAX_LIVE_METERS = 2000


def meters_for(user, enterprise=None):
    qs = (Meter.objects.restrict(user, "view").select_related("enterprise", "instrument", "gateway")
          .prefetch_related("feeds__source"))
    if enterprise is not None:
        qs = qs.filter(enterprise=enterprise)
    return qs


METER_SORTS = {"code": ("code", "id"), "name": ("name", "id"), "enterprise": ("enterprise__name", "code", "id"),
               "type": ("meter_type", "code", "id")}
METER_SEARCH = ("code", "name", "enterprise__name")


def meter_table(user, request, enterprise=None):
    """One page of the visible meters with their latest daily rollup (yesterday's, if it is yesterday) and
    their open anomalies: a fixed number of queries however many meters and days there are (the latest
    day is read from the (meter, day) index, one row per meter of the page)."""
    from carbonms.common.pagination import paginate

    listing = paginate(request, meters_for(user, enterprise), sorts=METER_SORTS, default="code", search=METER_SEARCH)
    meters = listing.rows
    ids = [m.pk for m in meters]
    latest_ids = Meter.objects.filter(pk__in=ids).order_by().annotate(
        latest=Subquery(MeterDay.objects.filter(meter_id=OuterRef("pk")).order_by("-day").values("pk")[:1])
    ).values_list("latest", flat=True)
    latest = {d.meter_id: d for d in MeterDay.objects.filter(pk__in=[i for i in latest_ids if i])}
    open_anomalies = dict(Anomaly.objects.filter(meter_id__in=ids, status=Anomaly.Status.OPEN).values("meter_id")
                          .annotate(n=Count("id")).order_by().values_list("meter_id", "n"))
    yesterday = dt.datetime.now(LOCAL_TZ).date() - dt.timedelta(days=1)
    for m in meters:
        m.latest_day = latest.get(m.pk)
        m.yesterday = m.latest_day if m.latest_day is not None and m.latest_day.day == yesterday else None
        m.open_anomalies = open_anomalies.get(m.pk, 0)
    return listing


def gateways_for(user):
    return Gateway.objects.restrict(user, "view").select_related("enterprise").annotate(n_meters=Count("meters"))


def heatmap(user, start: dt.date, end: dt.date, enterprise=None, meters=None) -> dict:
    """Completeness of each visible meter (or of ``meters``, a page of them) on each day (meters × days),
    two queries."""
    if meters is None:
        meters = list(meters_for(user, enterprise).order_by("enterprise__name", "code"))
    days = [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
    cells = {(d.meter_id, d.day): d.completeness for d in MeterDay.objects.filter(
        meter__in=[m.pk for m in meters], day__gte=start, day__lte=end).only("meter_id", "day", "completeness")}
    return {"meters": meters, "days": days, "cells": cells}


def conflicts_for(user, status: str | None = ReadingConflict.Status.OPEN):
    qs = ReadingConflict.objects.restrict(user, "view").select_related("meter", "meter__enterprise", "resolved_by")
    return qs.filter(status=status) if status else qs


def anomalies_for(user, status: str | None = Anomaly.Status.OPEN):
    qs = Anomaly.objects.restrict(user, "view").select_related("meter", "meter__enterprise")
    return qs.filter(status=status) if status else qs


def live_load(user, now: float | None = None, window: int = 3600) -> dict:
    """The last hour: consumption per meter type and enterprise, reporting meters, last reading."""
    now = now or time.time()
    meters = {m.pk: m for m in meters_for(user).filter(status=Meter.Status.ACTIVE)[:MAX_LIVE_METERS]}
    readings: dict[int, list[tuple[float, float]]] = defaultdict(list)
    if meters:
        lo = now - window - 3600
        bound = storage.to_param(lo)
        ids = list(meters)
        with connection.cursor() as cur:
            for i in range(0, len(ids), 500):
                chunk = ids[i:i + 500]
                cur.execute(f"SELECT meter_id, ts, value FROM {storage.TABLE} WHERE ts > %s AND meter_id IN "
                            f"({','.join('%s' for _ in chunk)}) ORDER BY meter_id, ts", [bound, *chunk])
                for mid, ts, v in cur.fetchall():
                    readings[mid].append((to_epoch(ts), v))
    by_type: dict[str, dict] = {}
    by_enterprise: dict[int, dict] = {}
    reporting, last = 0, None
    for mid, m in meters.items():
        rs = readings.get(mid, [])
        recent = [(t, v) for t, v in rs if t > now - window]
        if recent:
            reporting += 1
            last = max(last or 0, recent[-1][0])
        if m.reading_kind == Meter.ReadingKind.INSTANT:
            continue
        if m.reading_kind == Meter.ReadingKind.CUMULATIVE:
            base = [v for t, v in rs if t <= now - window]
            start = base[-1] if base else (recent[0][1] if recent else None)
            amount = max(0.0, recent[-1][1] - start) if recent and start is not None else 0.0
        else:
            amount = sum(v for _t, v in recent)
        amount *= float(m.multiplier)
        t = by_type.setdefault(m.meter_type, {"type": m.get_meter_type_display(), "unit": m.unit, "amount": 0.0, "meters": 0})
        t["amount"] += amount
        t["meters"] += 1
        e = by_enterprise.setdefault(m.enterprise_id, {"enterprise": m.enterprise, "electricity_kwh": 0.0, "meters": 0, "reporting": 0})
        e["meters"] += 1
        e["reporting"] += 1 if recent else 0
        if m.meter_type == Meter.MeterType.ELECTRICITY and m.unit == "kWh":
            e["electricity_kwh"] += amount
    return {"now": dt.datetime.fromtimestamp(now, LOCAL_TZ), "meters": len(meters), "reporting": reporting,
            "last": dt.datetime.fromtimestamp(last, LOCAL_TZ) if last else None,
            "by_type": sorted(by_type.values(), key=lambda r: r["type"]),
            "by_enterprise": sorted(by_enterprise.values(), key=lambda r: -r["electricity_kwh"])}


def rejected_for(user, status: str | None = RejectedMessage.Status.OPEN):
    """Rejected MQTT messages the user may see (park staff: their park's; enterprise users: their gateways')."""
    qs = RejectedMessage.objects.restrict(user, "view").select_related("gateway", "gateway__enterprise", "reviewed_by")
    return qs.filter(status=status) if status else qs
