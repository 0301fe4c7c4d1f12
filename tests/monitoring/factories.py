"""Factories and helpers of the monitoring tests."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory

from carbonms.monitoring.models import Gateway, Meter, MeterFeed
from carbonms.monitoring.services import _new_token
from tests.factories import EnterpriseFactory

LOCAL = dt.timezone(dt.timedelta(hours=8))
JAN1 = dt.datetime(2026, 1, 1, tzinfo=LOCAL)  # a local midnight


class GatewayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Gateway

    enterprise = factory.SubFactory(EnterpriseFactory)
    park = factory.SelfAttribute("enterprise.park")
    code = factory.Sequence(lambda n: f"gw-{n:04d}")
    name = factory.Sequence(lambda n: f"采集终端{n}")


class MeterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meter

    enterprise = factory.SubFactory(EnterpriseFactory)
    park = factory.SelfAttribute("enterprise.park")
    code = factory.Sequence(lambda n: f"EM-{n:04d}")
    name = factory.Sequence(lambda n: f"总进线电表{n}")
    meter_type = Meter.MeterType.ELECTRICITY
    unit = "kWh"
    multiplier = Decimal(1)
    reading_kind = Meter.ReadingKind.INTERVAL
    interval_minutes = 15
    installed_at = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)


class MeterFeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeterFeed

    meter = factory.SubFactory(MeterFactory)
    share = Decimal(1)


def gateway_with_token(enterprise, **kw) -> tuple[Gateway, str]:
    gw = GatewayFactory.build(enterprise=enterprise, park=enterprise.park, **kw)
    token = _new_token(gw)
    gw.save()
    return gw, token


def day_of_readings(meter_code: str, day_start: dt.datetime, value=lambda i: 1.0, n: int = 96, step_min: int = 15,
                    cumulative_from: float | None = None) -> list[dict]:
    """n readings stamped at the end of each interval of the local day starting at ``day_start``."""
    out, reg = [], cumulative_from
    for i in range(n):
        ts = day_start + dt.timedelta(minutes=step_min * (i + 1))
        v = value(i)
        if cumulative_from is not None:
            reg += v
            v = reg
        out.append({"meter": meter_code, "ts": ts.isoformat(), "value": v})
    return out
