"""A meter's installation and removal lie between 2000-01-01 and 2100-12-31, like the readings' timestamps:
a year-100 date was stored on PostgreSQL and answered as "0100-…+08:05:43", which is no RFC 3339 time."""
from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from carbonms.monitoring import services
from carbonms.monitoring.models import Meter

from .factories import MeterFactory

pytestmark = pytest.mark.django_db


def _api(world):
    c = Client()
    c.force_login(world.users["enterprise_admin"])
    return c


@pytest.mark.parametrize("value", ["0100-01-01T00:00:00Z", "1999-12-31T23:59:59Z", "2101-01-01T00:00:00Z"])
def test_patch_refuses_an_installation_outside_2000_to_2100(world, value):
    m = MeterFactory(enterprise=world.e1.enterprise)
    before = m.installed_at
    r = _api(world).patch(f"/api/v1/monitoring/meters/{m.pk}/", {"installed_at": value}, content_type="application/json")
    assert r.status_code == 400 and "installed_at" in r.json(), r.content
    m.refresh_from_db()
    assert m.installed_at == before


def test_patch_accepts_an_installation_in_range_and_answers_rfc3339(world):
    m = MeterFactory(enterprise=world.e1.enterprise)
    r = _api(world).patch(f"/api/v1/monitoring/meters/{m.pk}/", {"installed_at": "2000-01-01T00:00:00Z"},
                          content_type="application/json")
    assert r.status_code == 200, r.content
    assert dt.datetime.fromisoformat(r.json()["installed_at"]) == dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def test_retire_refuses_a_removal_before_2000(world):
    m = MeterFactory(enterprise=world.e1.enterprise)
    r = _api(world).post(f"/api/v1/monitoring/meters/{m.pk}/retire/", {"removed_at": "0100-06-01T00:00:00Z"},
                         content_type="application/json")
    assert r.status_code == 400 and "removed_at" in r.json(), r.content
    assert Meter.objects.get(pk=m.pk).status == Meter.Status.ACTIVE


def test_the_service_refuses_it_too(world):
    m = MeterFactory(enterprise=world.e1.enterprise)
    with pytest.raises(ValidationError) as exc:
        services.meter_save(actor=world.users["enterprise_admin"], meter=m,
                            data={"installed_at": dt.datetime(100, 1, 1, tzinfo=dt.UTC)})
    assert "installed_at" in exc.value.message_dict
