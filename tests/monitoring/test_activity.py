"""Monthly meter totals → draft activity data: shares and units, manual values kept, CEMS measurement."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from carbonms.carbondata.models import ActivityRecord
from carbonms.monitoring.activity import comparison, rollup_to_activity
from carbonms.monitoring.ingestion import ingest
from carbonms.monitoring.models import Meter
from tests.carbondata.factories import ElectricitySourceFactory, SourceFactory

from .factories import JAN1, MeterFactory, MeterFeedFactory, day_of_readings, gateway_with_token


@pytest.fixture
def gw(world):
    return gateway_with_token(world.e1.enterprise)[0]


def test_meter_draft_follows_the_workflow_and_manual_values_are_kept(world, gw):
    ent, clerk = gw.enterprise, world.users["data_clerk"]
    src, manual_src = ElectricitySourceFactory(enterprise=ent), ElectricitySourceFactory(enterprise=ent)
    m = MeterFactory(enterprise=ent, multiplier=10)
    MeterFeedFactory(meter=m, source=src, share=Decimal("0.75"))
    MeterFeedFactory(meter=m, source=manual_src, share=Decimal("0.25"))
    ActivityRecord.objects.create(source=manual_src, enterprise=ent, year=2026, month=1, amount=Decimal("0.5"), unit="MWh",
                                  entered_by=clerk, status=ActivityRecord.Status.DRAFT)
    ingest(gateway=gw, items=day_of_readings(m.code, JAN1, value=lambda i: 2.0), channel="http")
    rows = {r["source"].pk: r for r in rollup_to_activity(actor=clerk, enterprise=ent, year=2026, month=1)}
    # 96 × 2 kWh × 10 = 1920 kWh = 1.92 MWh
    assert rows[src.pk]["outcome"] == "created"
    rec = ActivityRecord.objects.get(source=src, year=2026, month=1)
    assert rec.amount == Decimal("1.440000") and rec.origin == "meter" and rec.status == "draft"
    assert rec.meter_detail["meters"][0]["meter"] == m.code and rec.evidence.filter(kind="meter").count() == 1
    assert rows[manual_src.pk]["outcome"] == "kept" and rows[manual_src.pk]["difference"] == Decimal("-0.020000")
    assert ActivityRecord.objects.get(source=manual_src).amount == Decimal("0.5")
    diff = {r["source"].pk: r for r in comparison(ent, 2026, 1)}
    assert diff[manual_src.pk]["pct"] == Decimal("-4.00")
    # late readings: the meter draft is refreshed, not duplicated
    ingest(gateway=gw, items=day_of_readings(m.code, JAN1 + dt.timedelta(days=1), value=lambda i: 1.0), channel="http")
    rollup_to_activity(actor=clerk, enterprise=ent, year=2026, month=1)
    rec = ActivityRecord.objects.get(source=src, year=2026, month=1, is_current=True)
    assert rec.amount == Decimal("2.160000")
    # a viewer may not make drafts
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        rollup_to_activity(actor=world.users["viewer"], enterprise=ent, year=2026, month=1)


def test_cems_feeds_the_measurement_method(world, gw):
    ent, clerk = gw.enterprise, world.users["data_clerk"]
    src = SourceFactory(enterprise=ent, method="measurement", activity_unit="t")
    conc = MeterFactory(enterprise=ent, meter_type=Meter.MeterType.CEMS_CO2, unit="%", reading_kind=Meter.ReadingKind.INSTANT)
    flow = MeterFactory(enterprise=ent, meter_type=Meter.MeterType.CEMS_FLOW, unit="Nm3/h", reading_kind=Meter.ReadingKind.INSTANT)
    for m in (conc, flow):
        MeterFeedFactory(meter=m, source=src)
    ingest(gateway=gw, items=day_of_readings(conc.code, JAN1, value=lambda i: 10.0)
           + day_of_readings(flow.code, JAN1, value=lambda i: 100_000.0), channel="mqtt")
    rollup_to_activity(actor=clerk, enterprise=ent, year=2026, month=1)
    rec = ActivityRecord.objects.get(source=src, year=2026, month=1)
    hourly_t = 10 * 1e4 * 44.01 / 22.4 * 100_000 * 1e-9
    # one day measured; the other 30 days are substituted by the documented CEMS rule (and say so)
    assert float(rec.amount) == pytest.approx(31 * 24 * hourly_t, rel=1e-6)
    assert rec.meter_detail["substituted"] is True and rec.meter_detail["completeness"] < 0.9
