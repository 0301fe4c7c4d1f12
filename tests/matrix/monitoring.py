"""The permission matrix cases of online monitoring (issue 5).

The gateway endpoint authenticates gateways, not users: a user's session gets 401 like an anonymous
caller (tests/monitoring/test_http.py covers tokens, including a token of another park).
"""
from __future__ import annotations

import datetime as dt

from .base import ALL, Case

DATA_WRITERS = {"park_admin", "park_carbon_officer", "enterprise_admin", "data_clerk"}


def _meter(org):
    from tests.monitoring.factories import MeterFactory

    return org.cached("meter", lambda: MeterFactory(enterprise=org.enterprise))


def _conflict(org):
    from carbonms.monitoring.models import ReadingConflict

    def make():
        c = ReadingConflict(meter=_meter(org), ts=dt.datetime(2026, 1, 1, tzinfo=dt.UTC), stored_value=1, new_value=2)
        c.save()
        return c

    return org.cached("conflict", make)


def _anomaly(org):
    from carbonms.monitoring.models import Anomaly

    def make():
        a = Anomaly(meter=_meter(org), day=dt.date(2026, 1, 1), kind="gap", detail={"missing": 3})
        a.save()
        return a

    return org.cached("anomaly", make)


def _gateway(org):
    from tests.monitoring.factories import gateway_with_token

    return org.cached("gateway", lambda: gateway_with_token(org.enterprise)[0])


def _rejected(org):
    from django.utils import timezone

    from carbonms.monitoring.models import RejectedMessage

    def make():
        return RejectedMessage.objects.create(
            gateway=_gateway(org), topic=f"carbonms/v1/{_gateway(org).code}/readings", payload="[]",
            reasons=[{"index": 0, "field": "ts", "code": "future", "message": "…"}], n_rejected=1,
            received_at=timezone.now())

    return org.cached("rejected", make)


def _pk(get):
    return lambda w, org: {"pk": get(org).pk}


def _ent(w, org):
    return {"enterprise_pk": org.enterprise.pk}


CASES: dict[str, Case] = {
    # Pages
    "monitoring:meters": Case(None, ALL),
    "monitoring:meter": Case(_pk(_meter), ALL),
    "monitoring:meter_edit": Case(_pk(_meter), DATA_WRITERS),
    "monitoring:meter_retire": Case(_pk(_meter), DATA_WRITERS),
    "monitoring:meter_create": Case(_ent, DATA_WRITERS),
    "monitoring:gateway_create": Case(_ent, DATA_WRITERS),
    "monitoring:rollup": Case(_ent, ALL),
    "monitoring:gateways": Case(None, ALL),
    "monitoring:gateway_retire": Case(_pk(_gateway), DATA_WRITERS),
    "monitoring:completeness": Case(None, ALL),
    "monitoring:live": Case(None, ALL),
    "monitoring:conflicts": Case(None, ALL),
    "monitoring:conflict_resolve": Case(_pk(_conflict), DATA_WRITERS),
    "monitoring:anomalies": Case(None, ALL),
    "monitoring:anomaly_review": Case(_pk(_anomaly), DATA_WRITERS),
    "monitoring:rejected_messages": Case(None, ALL),
    "monitoring:rejected_message": Case(_pk(_rejected), DATA_WRITERS),
    # API
    "api:monitoring-ingest": Case(None, set(), denied=401),
    "api:monitoring-completeness": Case(None, ALL),
    "api:monitoring-live": Case(None, ALL),
    "api:monitoring-rollup": Case(_ent, ALL),
    "api:meter-list": Case(None, ALL),
    "api:meter-detail": Case(_pk(_meter), ALL),
    "api:meter-series": Case(_pk(_meter), ALL),
    "api:meter-retire": Case(_pk(_meter), ALL),
    "api:gateway-retire": Case(_pk(_gateway), ALL),
    "api:rejected-message-list": Case(None, ALL),
    "api:rejected-message-detail": Case(_pk(_rejected), ALL),
    "api:rejected-message-acknowledge": Case(_pk(_rejected), ALL),
    "api:gateway-list": Case(None, ALL),
    "api:gateway-detail": Case(_pk(_gateway), ALL),
    "api:reading-conflict-list": Case(None, ALL),
    "api:reading-conflict-detail": Case(_pk(_conflict), ALL),
    "api:reading-conflict-resolve": Case(_pk(_conflict), ALL),
    "api:anomaly-list": Case(None, ALL),
    "api:anomaly-detail": Case(_pk(_anomaly), ALL),
    "api:anomaly-acknowledge": Case(_pk(_anomaly), ALL),
}
