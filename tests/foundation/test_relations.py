"""Relations through one door (issue 9): the named leaks, the services' scope check and the reminder job.

Each test here failed before the form/serializer bases and ``tenancy.require_related`` existed.
"""
from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from carbonms.accounts.roles import Role
from carbonms.common import tenancy
from tests.factories import RoleAssignmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _stranger(world):
    """A user of the other park (enterprise administrator of E3)."""
    u = UserFactory(username="stranger", email="stranger@example.com")
    RoleAssignmentFactory(user=u, role=Role.ENTERPRISE_ADMIN, park=world.park_b, enterprise=world.e3.enterprise)
    return u


def _factor(park, enterprise, key, document, user):
    from carbonms.carbondata.models import UserFactor

    return UserFactor.objects.create(park=park, enterprise=enterprise, key=key, kind="ef", material="电力", ef=0.5,
                                     ef_unit="tCO2/MWh", source_document=document, created_by=user)


# --------------------------------------------------------------------------- factor form ?key=


def test_factor_form_does_not_read_another_enterprises_factor(world):
    clerk = world.users[Role.DATA_CLERK]
    _factor(world.park_a, world.e2.enterprise, "E2-CONTRACT", "E2 secret supply contract no. 42", clerk)
    url = reverse("carbondata:factor_create", args=[world.e1.enterprise.pk])
    resp = _client(clerk).get(url, {"key": "E2-CONTRACT"})
    assert resp.status_code == 200
    body = resp.content.decode()
    assert "E2 secret supply contract" not in body
    assert resp.context["form"].initial == {}  # answered exactly like a key that does not exist


def test_factor_form_still_prefills_the_callers_own_factor(world):
    clerk = world.users[Role.DATA_CLERK]
    _factor(world.park_a, world.e1.enterprise, "E1-CONTRACT", "E1 contract 7", clerk)
    resp = _client(clerk).get(reverse("carbondata:factor_create", args=[world.e1.enterprise.pk]), {"key": "E1-CONTRACT"})
    assert "E1 contract 7" in resp.content.decode()


def test_park_factor_form_does_not_prefill_from_an_enterprise_factor(world):
    admin = world.users[Role.PARK_ADMIN]
    _factor(world.park_a, world.e2.enterprise, "E2-ONLY", "E2 own document", world.users[Role.DATA_CLERK])
    resp = _client(admin).get(reverse("carbondata:park_factor_create", args=[world.park_a.pk]), {"key": "E2-ONLY"})
    assert "E2 own document" not in resp.content.decode()


# --------------------------------------------------------------------------- supplier drop-down


def _source_payload(**extra):
    return {"code": "EL-1", "name": "外购电力", "category": "purchased_electricity", "gases": "CO2",
            "method": "emission_factor", "material": "电力", "activity_unit": "MWh", "data_source": "invoice",
            "effective_from": "2025-01-01", "method_reason": "电费发票计量", **extra}


@pytest.mark.parametrize("role", [Role.ENTERPRISE_ADMIN, Role.DATA_CLERK])
def test_supplier_dropdown_hides_the_parks_enterprises_from_enterprise_users(world, role):
    resp = _client(world.users[role]).get(reverse("carbondata:source_create", args=[world.e1.enterprise.pk]))
    assert resp.status_code == 200
    supplier = resp.context["form"].fields["supplier"]
    assert list(supplier.queryset) == []
    assert world.e2.enterprise.name not in resp.content.decode()


def test_supplier_dropdown_offers_the_park_to_park_staff(world):
    resp = _client(world.users[Role.PARK_ADMIN]).get(reverse("carbondata:source_create", args=[world.e1.enterprise.pk]))
    choices = set(resp.context["form"].fields["supplier"].queryset)
    assert world.e2.enterprise in choices
    assert world.e1.enterprise not in choices and world.e3.enterprise not in choices


def test_supplier_of_another_enterprise_posted_anyway_is_an_invalid_choice(world):
    from carbonms.carbondata.models import Source

    c = _client(world.users[Role.ENTERPRISE_ADMIN])
    resp = c.post(reverse("carbondata:source_create", args=[world.e1.enterprise.pk]),
                  _source_payload(supplier=world.e2.enterprise.pk))
    assert resp.status_code == 200
    missing = c.post(reverse("carbondata:source_create", args=[world.e1.enterprise.pk]), _source_payload(supplier=999999))
    assert resp.context["form"].errors["supplier"] == missing.context["form"].errors["supplier"]
    assert not Source.objects.filter(code="EL-1").exists()


def test_supplier_of_another_park_is_refused_by_the_service(world):
    from carbonms.carbondata import services

    with pytest.raises(ValidationError) as exc:
        services.source_save(actor=world.users[Role.PARK_ADMIN], enterprise=world.e1.enterprise,
                             data={**_source_payload(effective_from=dt.date(2025, 1, 1)), "supplier": world.e3.enterprise})
    assert "supplier" in exc.value.message_dict


def test_data_owner_of_another_park_is_refused_by_the_service(world):
    from carbonms.carbondata import services
    from carbonms.carbondata.models import Source

    stranger = _stranger(world)
    with pytest.raises(ValidationError) as exc:
        services.source_save(actor=world.users[Role.PARK_ADMIN], enterprise=world.e1.enterprise,
                             data={**_source_payload(effective_from=dt.date(2025, 1, 1)), "data_owner": stranger})
    assert list(exc.value.message_dict) == ["data_owner"]
    assert not Source.objects.filter(code="EL-1").exists()
    services.source_save(actor=world.users[Role.PARK_ADMIN], enterprise=world.e1.enterprise,
                         data={**_source_payload(effective_from=dt.date(2025, 1, 1)), "data_owner": world.users[Role.DATA_CLERK]})


# --------------------------------------------------------------------------- owners from another park


@pytest.mark.parametrize("register", ["risks", "obligations"])
def test_api_refuses_an_owner_from_another_park(world, register):
    from carbonms.management.models import ComplianceObligation, Risk

    stranger = _stranger(world)
    e = world.e1.enterprise
    payload = {"park": e.park_id, "enterprise": e.pk, "title": "越界负责人", "owner": stranger.pk}
    if register == "risks":
        payload.update(category="financial", likelihood=2, consequence=2, response="accept")
    else:
        payload.update(kind="law", reference="GB 1", requirement="x", evaluation_months=12)
    c = _client(world.users[Role.ENTERPRISE_ADMIN])
    resp = c.post(f"/api/v1/ms/{register}/", payload, content_type="application/json")
    missing = c.post(f"/api/v1/ms/{register}/", {**payload, "owner": 999999}, content_type="application/json")
    assert resp.status_code == 400, resp.content
    assert resp.json()["owner"] == [m.replace("999999", str(stranger.pk)) for m in missing.json()["owner"]]
    model = Risk if register == "risks" else ComplianceObligation
    assert not model.objects.filter(title="越界负责人").exists()


def test_api_refuses_to_move_an_owner_to_another_park(world):
    from carbonms.management.models import Risk

    stranger = _stranger(world)
    e = world.e1.enterprise
    risk = Risk.objects.create(park=world.park_a, enterprise=e, title="碳价", category="financial", likelihood=1,
                               consequence=1, owner=world.users[Role.ENTERPRISE_ADMIN])
    resp = _client(world.users[Role.ENTERPRISE_ADMIN]).patch(f"/api/v1/ms/risks/{risk.pk}/", {"owner": stranger.pk},
                                                             content_type="application/json")
    assert resp.status_code == 400 and list(resp.json()) == ["owner"], resp.content
    risk.refresh_from_db()
    assert risk.owner == world.users[Role.ENTERPRISE_ADMIN]


def test_service_refuses_an_owner_outside_the_scope(world):
    """Commands and jobs go through the same service: it names the field."""
    from carbonms.management import services
    from carbonms.management.models import Risk

    stranger = _stranger(world)
    with pytest.raises(ValidationError) as exc:
        services.register_save(actor=world.users[Role.PARK_ADMIN], model=Risk, park=world.park_a,
                               enterprise=world.e1.enterprise,
                               data={"title": "x", "category": "financial", "likelihood": 1, "consequence": 1,
                                     "response": "accept", "owner": stranger})
    assert list(exc.value.message_dict) == ["owner"]
    # A user of the same park but of another enterprise is outside E1's scope too.
    e2_user = UserFactory(username="e2_admin")
    RoleAssignmentFactory(user=e2_user, role=Role.ENTERPRISE_ADMIN, park=world.park_a, enterprise=world.e2.enterprise)
    with pytest.raises(ValidationError):
        services.register_save(actor=world.users[Role.PARK_ADMIN], model=Risk, park=world.park_a,
                               enterprise=world.e1.enterprise,
                               data={"title": "x", "category": "financial", "likelihood": 1, "consequence": 1,
                                     "response": "accept", "owner": e2_user})


def test_reminder_job_mails_only_users_in_the_records_scope(world, settings):
    from carbonms.conformity.models import Task
    from carbonms.conformity.reminders import run_reminders
    from carbonms.management.models import Risk

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    stranger = _stranger(world)
    insider = world.users[Role.ENTERPRISE_ADMIN]
    insider.email = "insider@example.com"
    insider.save()
    due = timezone.localdate()
    # Written directly (as an old record or a bypassing command would): the job must still not tell the stranger.
    Risk.objects.create(park=world.park_a, enterprise=world.e1.enterprise, title="机密风险", category="financial",
                        likelihood=1, consequence=1, owner=stranger, next_review_on=due)
    Risk.objects.create(park=world.park_a, enterprise=world.e1.enterprise, title="本企业风险", category="financial",
                        likelihood=1, consequence=1, owner=insider, next_review_on=due)
    run_reminders(due, email=True)
    assert not Task.objects.filter(user=stranger).exists()
    assert [m.to for m in mail.outbox] == [["insider@example.com"]]
    assert Task.objects.filter(user=insider).count() == 1


# --------------------------------------------------------------------------- the helper itself


def test_require_related_names_each_field(world):
    scope = tenancy.Scope.of(world.e1.enterprise)
    with pytest.raises(ValidationError) as exc:
        tenancy.require_related(scope, {"unit": world.e2.unit, "site": world.e1.site, "sites": [world.e1.site, world.e3.site]})
    assert sorted(exc.value.message_dict) == ["sites", "unit"]
    tenancy.require_related(scope, {"unit": world.e1.unit, "owner": world.users[Role.PARK_ADMIN], "x": None})
