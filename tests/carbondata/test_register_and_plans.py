"""Source register rules, monitoring plan versions and the measuring equipment register."""
from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from carbonms.carbondata import services
from carbonms.carbondata.models import Source
from tests.carbondata.factories import ActivityRecordFactory, InstrumentFactory, SourceFactory

BASE = {"code": "NG-01", "name": "锅炉天然气", "category": "stationary_combustion", "method": "fuel_combustion",
        "material": "天然气", "activity_unit": "10^4Nm3", "data_source": "meter", "effective_from": dt.date(2024, 1, 1),
        "method_reason": "计量表连续计量，无CEMS"}


def test_source_save_validates_the_entry(world):
    e1, clerk = world.e1.enterprise, world.users["data_clerk"]
    s = services.source_save(actor=clerk, enterprise=e1, data={**BASE, "unit": world.e1.unit, "equipment": world.e1.equipment})
    assert s.gases == "CO2" and s.status == "active"
    cases = [
        ({"code": "X1", "unit": world.e2.unit}, "unit", "This emission unit belongs to another enterprise."),
        ({"code": "X2", "category": "purchased_electricity", "method": "fuel_combustion"}, "method",
         "This method cannot be used for the category Purchased electricity."),
        ({"code": "X3", "activity_unit": "barrels of fun"}, "activity_unit", "Unknown unit “barrels of fun”."),
        ({"code": "X4", "supplier": world.e2.enterprise}, "supplier", "Only purchased electricity or heat has a supplier inside the park."),
        ({"code": "X5", "category": "purchased_heat", "method": "emission_factor", "material": "热力", "activity_unit": "GJ",
          "supplier": world.e3.enterprise}, "supplier", "The supplier must be an enterprise of the same park."),
        ({"code": "X6", "effective_to": dt.date(2023, 1, 1)}, "effective_to", "The end of the effective period is before its start."),
    ]
    for extra, field, message in cases:
        with pytest.raises(ValidationError) as exc:
            services.source_save(actor=clerk, enterprise=e1, data={**BASE, **extra})
        assert exc.value.message_dict[field] == [message]
    assert Source.objects.count() == 1
    with pytest.raises(PermissionDenied):
        services.source_save(actor=world.users["reviewer"], enterprise=e1, data={**BASE, "code": "R1"})
    with pytest.raises(PermissionDenied):
        services.source_save(actor=clerk, enterprise=world.e2.enterprise, data={**BASE, "code": "R2"})


def test_source_with_data_is_retired_not_deleted(world):
    clerk = world.users["data_clerk"]
    s = SourceFactory(enterprise=world.e1.enterprise)
    ActivityRecordFactory(source=s, year=2025, month=3)
    with pytest.raises(ValidationError) as exc:
        services.source_delete(actor=world.users["enterprise_admin"], source=s)
    assert exc.value.messages == ["This source has activity data: retire it instead of deleting it."]
    with pytest.raises(ValidationError) as exc:
        services.source_retire(actor=clerk, source=s, on=dt.date(2025, 2, 1), reason="停产")
    assert exc.value.message_dict["on"] == ["The source has activity data after this date."]
    services.source_retire(actor=clerk, source=s, on=dt.date(2025, 3, 31), reason="锅炉拆除")
    s.refresh_from_db()
    assert (s.status, s.effective_to, s.retire_reason) == ("retired", dt.date(2025, 3, 31), "锅炉拆除")
    with pytest.raises(ValidationError):
        services.source_save(actor=clerk, source=s, data={"name": "x"})
    empty = SourceFactory(enterprise=world.e1.enterprise)
    services.source_delete(actor=world.users["enterprise_admin"], source=empty)
    assert not Source.objects.filter(pk=empty.pk).exists()


def test_monitoring_plan_versions(world):
    e1, clerk, reviewer = world.e1.enterprise, world.users["data_clerk"], world.users["reviewer"]
    src = SourceFactory(enterprise=e1)
    meter = InstrumentFactory(enterprise=e1)
    plan = services.plan_create(actor=clerk, enterprise=e1, data={"basic_information": "江海特钢", "effective_from": dt.date(2025, 1, 1)})
    with pytest.raises(ValidationError):
        services.plan_approve(actor=reviewer, plan=plan)  # no data item yet
    services.plan_item_save(actor=clerk, plan=plan, data={"source": src, "data_source": "meter", "min_frequency": "monthly",
                                                          "requirements": "按消耗量加权月平均", "evidence_kept": "抄表记录",
                                                          "instrument": meter})
    other = SourceFactory(enterprise=world.e2.enterprise)
    with pytest.raises(ValidationError) as exc:
        services.plan_item_save(actor=clerk, plan=plan, data={"source": other, "data_source": "meter"})
    assert exc.value.message_dict["source"] == ["This source belongs to another enterprise."]
    admin = world.users["enterprise_admin"]  # may approve, but not a plan they prepared
    plan.prepared_by = admin
    plan.save()
    with pytest.raises(ValidationError) as exc:
        services.plan_approve(actor=admin, plan=plan)
    assert exc.value.messages == ["You cannot approve a monitoring plan you prepared yourself."]
    services.plan_approve(actor=reviewer, plan=plan)
    with pytest.raises(ValidationError):
        services.plan_item_save(actor=clerk, plan=plan, data={"source": src, "data_source": "ledger"})
    v2 = services.plan_create(actor=clerk, enterprise=e1, data={})
    assert v2.version == 2 and v2.items.count() == 1 and v2.basic_information == "江海特钢"
    v2.prepared_by = clerk
    v2.save()
    services.plan_approve(actor=reviewer, plan=v2)
    plan.refresh_from_db()
    assert plan.status == "superseded" and v2.status == "approved"


def test_calibration_due_date_after_the_calibration(world):
    meter = InstrumentFactory(enterprise=world.e1.enterprise)
    with pytest.raises(ValidationError) as exc:
        services.calibration_add(actor=world.users["data_clerk"], instrument=meter, data={
            "performed_on": dt.date(2025, 1, 1), "due_on": dt.date(2024, 1, 1), "certificate_no": "JD-1"})
    assert exc.value.message_dict["due_on"] == ["The due date must be after the calibration date."]
    services.calibration_add(actor=world.users["data_clerk"], instrument=meter, data={
        "performed_on": dt.date(2025, 1, 1), "due_on": dt.date(2026, 1, 1), "certificate_no": "JD-1"})
    assert meter.valid_on(dt.date(2025, 6, 1)) and not meter.valid_on(dt.date(2026, 6, 1))
