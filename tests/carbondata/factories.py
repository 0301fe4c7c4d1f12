"""factory_boy factories of the carbon data records."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory

from carbonms.carbondata.models import (
    ActivityRecord,
    Calibration,
    MeasuringInstrument,
    MonitoringPlan,
    PlanItem,
    Source,
)
from tests.factories import EnterpriseFactory, UserFactory


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    enterprise = factory.SubFactory(EnterpriseFactory)
    code = factory.Sequence(lambda n: f"SRC{n:04d}")
    name = factory.Sequence(lambda n: f"燃煤锅炉{n}")
    category = "stationary_combustion"
    method = "fuel_combustion"
    material = "烟煤"
    activity_unit = "t"
    method_reason = "台账计量，无连续监测"
    data_source = "ledger"
    effective_from = dt.date(2020, 1, 1)


class ElectricitySourceFactory(SourceFactory):
    name = factory.Sequence(lambda n: f"外购电力{n}")
    category = "purchased_electricity"
    method = "emission_factor"
    material = "电力"
    activity_unit = "MWh"
    data_source = "meter"


class ActivityRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActivityRecord

    source = factory.SubFactory(SourceFactory)
    enterprise = factory.SelfAttribute("source.enterprise")
    year = 2025
    month = 1
    amount = Decimal("100")
    unit = factory.SelfAttribute("source.activity_unit")
    entered_by = factory.SubFactory(UserFactory)
    status = ActivityRecord.Status.APPROVED


class MonitoringPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MonitoringPlan

    enterprise = factory.SubFactory(EnterpriseFactory)
    version = factory.Sequence(lambda n: n + 1)
    effective_from = dt.date(2025, 1, 1)


class PlanItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanItem

    plan = factory.SubFactory(MonitoringPlanFactory)
    source = factory.SubFactory(SourceFactory, enterprise=factory.SelfAttribute("..plan.enterprise"))
    data_source = "ledger"


class InstrumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeasuringInstrument

    enterprise = factory.SubFactory(EnterpriseFactory)
    code = factory.Sequence(lambda n: f"M{n:04d}")
    name = factory.Sequence(lambda n: f"电能表{n}")
    instrument_type = "electricity"
    accuracy_class = "0.5S"
    location = "总配电室"


class CalibrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Calibration

    instrument = factory.SubFactory(InstrumentFactory)
    performed_on = dt.date(2024, 6, 1)
    due_on = dt.date(2025, 6, 1)
    certificate_no = factory.Sequence(lambda n: f"JD-{n:05d}")
