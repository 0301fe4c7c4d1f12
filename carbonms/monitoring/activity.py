"""Monthly meter consumption → draft activity data of the sources the meters feed.

For each source of an enterprise that meters feed: Σ(meter month total × share), converted from the
meter unit to the source's activity unit, becomes (or refreshes) the source's *draft* ``ActivityRecord``
through :func:`carbonms.carbondata.services.activity_save` (origin "meter"), with the daily rollups
attached as meter-data evidence (CSV). It then follows the review workflow of manual data. A value
that a person entered or imported, or one already submitted, is never overwritten: the comparison is
returned (and shown) instead. CEMS sources (method "measurement") get their CO2 mass from the
concentration and flue-gas flow meters through the accounting core (``carbonms.accounting.cems``).
"""
from __future__ import annotations

import csv
import io
from collections import defaultdict
from decimal import Decimal

import numpy as np
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from carbonms.accounting import cems, units
from carbonms.carbondata import services as data_services
from carbonms.carbondata.models import ActivityRecord, Evidence
from carbonms.carbondata.models.register import Method
from carbonms.carbondata.services.common import require_for
from carbonms.carbondata.services.evidence import sha256_of
from carbonms.common.spreadsheet import safe_text

from . import rollups
from .models import Meter, MeterDay, MeterFeed
from .timeutil import day_bounds, month_days

S = ActivityRecord.Status
Q6 = Decimal("0.000001")


def meter_values(enterprise, year: int, month: int) -> dict[int, dict]:
    """Source id → {"amount": Decimal in the source unit, "meters": [...], "completeness": min} for the
    month, from the meters that feed the enterprise's sources."""
    out: dict[int, dict] = {}
    feeds = MeterFeed.objects.filter(meter__enterprise=enterprise).select_related("meter", "source")
    by_source: dict[int, list[MeterFeed]] = defaultdict(list)
    for f in feeds:
        by_source[f.source_id].append(f)
    for sid, fs in by_source.items():
        source = fs[0].source
        if source.method == Method.MEASUREMENT:
            v = _cems_value(source, [f.meter for f in fs], year, month)
            if v is not None:
                out[sid] = v
            continue
        v = _fed_total(source, fs, year, month)
        if v is not None:
            out[sid] = v
    return out


def _fed_total(source, feeds: list[MeterFeed], year: int, month: int) -> dict | None:
    """Σ(meter month total × share) of the consumption meters feeding ``source``, in its activity unit."""
    amount, detail, completeness = Decimal(0), [], 1.0
    for f in feeds:
        if f.meter.reading_kind == Meter.ReadingKind.INSTANT:
            continue
        t = rollups.month_total(f.meter, year, month)
        value = t["total"] * float(f.share)
        if f.meter.unit != source.activity_unit:
            value = units.convert(value, f.meter.unit, source.activity_unit)
        amount += Decimal(repr(value))
        completeness = min(completeness, t["completeness"])
        detail.append({"meter": f.meter.code, "unit": f.meter.unit, "measured": t["measured"],
                       "substituted": t["substituted"], "share": str(f.share), "completeness": round(t["completeness"], 4),
                       "days": t["days"]})
    if not detail:
        return None
    return {"source": source, "amount": amount.quantize(Q6), "meters": detail, "completeness": completeness,
            "substituted": any(d["substituted"] for d in detail)}


def meter_totals_for(records: list[ActivityRecord]) -> dict[int, dict]:
    """The data-quality reconciliation's meter totals (carbondata.services.quality.METER_TOTALS): for each
    record whose source consumption meters feed and that have rollups in its month, the meters' total in
    the source's unit, their codes and the lowest completeness. One query for the feeds, then one per meter
    and month (the month totals)."""
    by_source: dict[int, list[MeterFeed]] = defaultdict(list)
    for f in MeterFeed.objects.filter(source_id__in={r.source_id for r in records}).exclude(
            source__method=Method.MEASUREMENT).select_related("meter", "source"):
        by_source[f.source_id].append(f)
    out = {}
    for r in records:
        feeds = by_source.get(r.source_id)
        v = _fed_total(feeds[0].source, feeds, r.year, r.month) if feeds else None
        if v is not None and any(m["days"] for m in v["meters"]):
            out[r.pk] = {"amount": v["amount"], "completeness": v["completeness"], "meters": [m["meter"] for m in v["meters"]]}
    return out


def _cems_value(source, meters: list[Meter], year: int, month: int) -> dict | None:
    conc = [m for m in meters if m.meter_type == Meter.MeterType.CEMS_CO2]
    flow = [m for m in meters if m.meter_type == Meter.MeterType.CEMS_FLOW]
    if not conc or not flow:
        return None
    days = month_days(year, month)
    hours = len(days) * 24

    def series(meter):
        arr = np.full(hours, np.nan)
        start, _e = day_bounds(days[0])
        for h in rollups.hourly(meter, days[0], days[-1]):
            i = int((h["t"] - start) // 3600)
            if 0 <= i < hours:
                arr[i] = h["value"]
        return arr

    c_arr, f_arr = series(conc[0]), series(flow[0])
    if np.isnan(c_arr).all() or np.isnan(f_arr).all():
        return None
    res = cems.cems_emissions(c_arr, f_arr, unit="%" if conc[0].unit == "%" else "mg/m3")
    return {"source": source, "amount": Decimal(repr(res.co2_t)).quantize(Q6), "completeness": 1 - res.substituted_hours / hours,
            "substituted": res.substituted_hours > 0,
            "meters": [{"meter": conc[0].code, "unit": conc[0].unit}, {"meter": flow[0].code, "unit": flow[0].unit},
                       {"method": "cems", "hours": res.hours, "substituted_hours": res.substituted_hours}]}


def _evidence_csv(source, year: int, month: int, meters: list[str]) -> ContentFile:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["meter", "day", "measured", "substituted", "readings", "expected", "completeness"])
    days = month_days(year, month)
    for d in MeterDay.objects.filter(meter__code__in=meters, meter__enterprise=source.enterprise,
                                     day__gte=days[0], day__lte=days[-1]).select_related("meter").order_by("meter__code", "day"):
        w.writerow([safe_text(d.meter.code), d.day.isoformat(), repr(d.measured), repr(d.substituted), d.n_readings, d.n_expected,
                    round(d.completeness, 4)])
    return ContentFile(buf.getvalue().encode(), name=f"meter-{source.code}-{year}-{month:02d}.csv")


@transaction.atomic
def rollup_to_activity(*, actor, enterprise, year: int, month: int) -> list[dict]:
    """Create or refresh the draft activity data of the month from the meters; returns one row per source
    with what happened ("created", "updated", "unchanged" when the draft already holds this very rollup and
    its evidence, "kept" with the difference to a manual value)."""
    require_for(actor, enterprise, "add")
    rollups.refresh_dirty()
    results = []
    for sid, v in sorted(meter_values(enterprise, year, month).items()):
        source = v["source"]
        current = ActivityRecord.objects.filter(source_id=sid, year=year, month=month, is_current=True).first()
        row = {"source": source, "meter_amount": v["amount"], "completeness": v["completeness"], "record": current,
               "substituted": v["substituted"]}
        replaceable = current is None or (current.origin == ActivityRecord.Origin.METER and current.status in (S.DRAFT, S.REJECTED))
        if not replaceable:
            row["outcome"] = "kept"
            row["difference"] = v["amount"] - current.amount
            results.append(row)
            continue
        detail = {"meters": v["meters"], "completeness": round(v["completeness"], 4), "substituted": v["substituted"],
                  "rule": "monitoring rollup (docs/monitoring.md)"}
        codes = [m["meter"] for m in v["meters"] if "meter" in m]
        evidence = _evidence_csv(source, year, month, codes)
        if (current is not None and current.status == S.DRAFT and current.amount == v["amount"]
                and current.evidence.filter(kind=Evidence.Kind.METER, sha256=sha256_of(evidence)).exists()):
            # the same rollup again: nothing to change, no new evidence (a repeated POST is idempotent)
            row.update(outcome="unchanged", difference=None)
            results.append(row)
            continue
        rec = data_services.activity_save(
            actor=actor, source=source, year=year, month=month, amount=v["amount"], unit=source.activity_unit,
            origin=ActivityRecord.Origin.METER, meter_detail=detail,
            note=_("Meter rollup, completeness %(pct)s %%") % {"pct": round(v["completeness"] * 100, 1)})
        rec.evidence.filter(kind=Evidence.Kind.METER).update(description=_("superseded by a newer rollup"))
        data_services.evidence_attach(actor=actor, enterprise=enterprise, file=evidence,
                                      kind=Evidence.Kind.METER, activity=rec,
                                      description=_("Daily meter rollups of %(year)d-%(month)02d") % {"year": year, "month": month})
        row.update(outcome="created" if current is None else "updated", record=rec, difference=None)
        results.append(row)
    return results


def comparison(enterprise, year: int, month: int) -> list[dict]:
    """Meter value beside the current activity value of each metered source (read only)."""
    out = []
    for sid, v in sorted(meter_values(enterprise, year, month).items()):
        rec = ActivityRecord.objects.filter(source_id=sid, year=year, month=month, is_current=True).first()
        diff = (v["amount"] - rec.amount) if rec is not None else None
        pct = (diff / rec.amount * 100).quantize(Decimal("0.01")) if rec is not None and rec.amount else None
        out.append({"source": v["source"], "meter_amount": v["amount"], "record": rec, "difference": diff, "pct": pct,
                    "completeness": v["completeness"]})
    return out
