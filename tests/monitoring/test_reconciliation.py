"""Reconciliation of meter totals with the activity ledger (issue 11, item 4): a ledger value whose meters
give a different monthly total beyond the tolerance is flagged on submission, with both figures."""
from __future__ import annotations

from decimal import Decimal

import pytest

from carbonms.carbondata import services
from carbonms.carbondata.services import quality
from carbonms.monitoring import rollups
from carbonms.monitoring.ingestion import ingest
from tests.carbondata.factories import ElectricitySourceFactory

from .factories import JAN1, MeterFactory, MeterFeedFactory, day_of_readings, gateway_with_token


@pytest.fixture
def metered(world):
    gw = gateway_with_token(world.e1.enterprise)[0]
    ent = gw.enterprise
    src, unmetered = ElectricitySourceFactory(enterprise=ent), ElectricitySourceFactory(enterprise=ent)
    m = MeterFactory(enterprise=ent, multiplier=10)
    MeterFeedFactory(meter=m, source=src)
    ingest(gateway=gw, items=day_of_readings(m.code, JAN1, value=lambda i: 2.0), channel="http")  # 1.92 MWh
    rollups.refresh_dirty()  # what the background rollup does after the commit
    return world, src, unmetered, m


@pytest.mark.parametrize("ledger, flagged", [("0.64", True), ("1.90", False), ("1.92", False), ("2.2", True)])
def test_ledger_against_meter_total(metered, ledger, flagged):
    world, src, unmetered, m = metered
    clerk = world.users["data_clerk"]
    rec = services.activity_save(actor=clerk, source=src, year=2026, month=1, amount=ledger)
    other = services.activity_save(actor=clerk, source=unmetered, year=2026, month=1, amount=ledger)
    services.activity_submit(actor=clerk, records=[rec, other])
    rec.refresh_from_db()
    other.refresh_from_db()
    assert "reconcile" not in {f["code"] for f in other.quality_flags}  # no meter feeds it
    found = [f for f in rec.quality_flags if f["code"] == "reconcile"]
    assert bool(found) is flagged
    if flagged:
        p = found[0]["params"]
        assert p["meter"] == "1.92" and p["ledger"] == str(Decimal(ledger).normalize()) and p["meters"] == [m.code]
        assert "1.92" in quality.describe(found[0])


def test_reconciliation_tolerance_is_a_setting(metered, settings):
    world, src, _unmetered, _m = metered
    settings.CARBONDATA_QUALITY = {"RECONCILE_SHARE": "0.5"}
    rec = services.activity_save(actor=world.users["data_clerk"], source=src, year=2026, month=1, amount="1.2")
    services.activity_submit(actor=world.users["data_clerk"], records=[rec])
    rec.refresh_from_db()
    assert "reconcile" not in {f["code"] for f in rec.quality_flags}  # 37.5 % apart, inside 50 %


def test_meter_values_are_not_reconciled_with_themselves(metered):
    from carbonms.monitoring.activity import rollup_to_activity

    world, src, _unmetered, _m = metered
    clerk = world.users["data_clerk"]
    rollup_to_activity(actor=clerk, enterprise=src.enterprise, year=2026, month=1)
    rec = src.activity.get(year=2026, month=1, is_current=True)
    services.activity_submit(actor=clerk, records=[rec])
    rec.refresh_from_db()
    codes = {f["code"] for f in rec.quality_flags}
    assert "reconcile" not in codes and "meter_completeness" in codes  # one day of 31 measured
