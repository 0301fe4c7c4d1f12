"""Organisation services: bad input answered per field, nothing half-saved, boundaries keep history."""
from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from carbonms.organizations import services
from carbonms.organizations.models import Boundary, EmissionUnit, Enterprise
from tests.factories import EnterpriseFactory, SiteFactory, UnitFactory, make_credit_code

pytestmark = pytest.mark.django_db

VALID = {"name": "新入园企业有限公司", "credit_code": make_credit_code(900001), "industry_code": "3011"}


def test_enterprise_create_fills_industry_name_from_gbt4754(world):
    admin = world.users["park_admin"]
    e = services.enterprise_save(actor=admin, park=world.park_a, data=VALID)
    assert e.industry_name == "非金属矿物制品业"  # division 30 of GB/T 4754-2017
    assert e.park == world.park_a


@pytest.mark.parametrize(
    "data, field, text",
    [
        ({"credit_code": "91320600MA1XXXXX0A"}, "credit_code", "校验码"),
        ({"credit_code": "9132060012"}, "credit_code", "18位"),
        ({"industry_code": "9999"}, "industry_code", "不属于"),
        ({"industry_code": "C31"}, "industry_code", "2至4位"),
        ({"name": ""}, "name", "不能为空"),
    ],
)
def test_enterprise_bad_input_has_field_messages_in_chinese(world, data, field, text):
    admin = world.users["park_admin"]
    before = Enterprise.objects.count()
    with translation.override("zh-hans"):
        with pytest.raises(ValidationError) as exc:
            services.enterprise_save(actor=admin, park=world.park_a, data={**VALID, **data})
        messages = exc.value.message_dict[field]
        assert any(text in m for m in messages), messages
    assert Enterprise.objects.count() == before


def test_duplicate_credit_code_is_refused(world):
    admin = world.users["park_admin"]
    with translation.override("zh-hans"):
        with pytest.raises(ValidationError) as exc:
            services.enterprise_save(actor=admin, park=world.park_a, data={**VALID, "credit_code": world.e2.enterprise.credit_code})
        assert "已有其他单位使用该统一社会信用代码" in exc.value.message_dict["credit_code"][0]


def test_lowercase_credit_code_is_normalised(world):
    admin = world.users["park_admin"]
    code = make_credit_code(900002)
    e = services.enterprise_save(actor=admin, park=world.park_a, data={**VALID, "credit_code": code.lower() + " "})
    assert e.credit_code == code


def test_enterprise_admin_cannot_add_enterprises(world):
    with pytest.raises(PermissionDenied):
        services.enterprise_save(actor=world.users["enterprise_admin"], park=world.park_a, data=VALID)


def test_unit_on_another_enterprises_site_is_refused(world):
    admin = world.users["park_admin"]
    with translation.override("zh-hans"):
        with pytest.raises(ValidationError) as exc:
            services.unit_save(actor=admin, enterprise=world.e1.enterprise,
                               data={"site": world.e2.site, "code": "X1", "name": "越界单元", "unit_type": "production"})
        assert exc.value.message_dict["site"] == ["该厂区属于其他企业。"]
    assert not EmissionUnit.objects.filter(code="X1").exists()


def test_unit_hierarchy_cycle_is_refused(world):
    admin = world.users["park_admin"]
    a = world.e1.unit
    b = services.unit_save(actor=admin, enterprise=world.e1.enterprise,
                           data={"site": world.e1.site, "parent": a, "code": "B", "name": "B", "unit_type": "production"})
    c = services.unit_save(actor=admin, enterprise=world.e1.enterprise,
                           data={"site": world.e1.site, "parent": b, "code": "C", "name": "C", "unit_type": "production"})
    a.refresh_from_db()
    with translation.override("en"):
        with pytest.raises(ValidationError) as exc:
            services.unit_save(actor=admin, unit=a, data={"parent": c})
        assert exc.value.message_dict["parent"] == ["This parent would make the unit hierarchy a cycle."]
    a.refresh_from_db()
    assert a.parent_id is None
    with pytest.raises(ValidationError):
        services.unit_save(actor=admin, unit=a, data={"parent": a})


def test_parent_unit_must_be_on_the_same_site(world):
    other_site = SiteFactory(enterprise=world.e1.enterprise)
    with pytest.raises(ValidationError) as exc:
        services.unit_save(actor=world.users["park_admin"], enterprise=world.e1.enterprise,
                           data={"site": other_site, "parent": world.e1.unit, "code": "P", "name": "P", "unit_type": "other"})
    assert "parent" in exc.value.message_dict


def test_equipment_on_another_enterprises_unit_is_refused(world):
    with pytest.raises(ValidationError) as exc:
        services.equipment_save(actor=world.users["park_admin"], enterprise=world.e1.enterprise,
                                data={"unit": world.e2.unit, "code": "EQ-X", "name": "X", "equipment_type": "boiler"})
    assert "unit" in exc.value.message_dict


def test_boundary_revision_keeps_history(world):
    admin = world.users["enterprise_admin"]
    e = world.e1.enterprise
    new = services.boundary_revise(actor=admin, park=world.park_a, enterprise=e, kind="accounting",
                                   approach="operational_control", description="新增东区", effective_from=dt.date(2024, 1, 1),
                                   sites=[world.e1.site], change_reason="东区投产")
    versions = list(Boundary.objects.filter(enterprise=e, kind="accounting").order_by("effective_from"))
    assert [(v.effective_from, v.effective_to) for v in versions] == [
        (dt.date(2020, 1, 1), dt.date(2023, 12, 31)), (dt.date(2024, 1, 1), None)]
    assert versions[-1] == new
    from carbonms.organizations.selectors import boundaries_in_force

    assert list(boundaries_in_force(world.park_a, e, dt.date(2022, 6, 1))) == [versions[0]]
    assert list(boundaries_in_force(world.park_a, e, dt.date(2025, 6, 1))) == [versions[1]]


def test_boundary_revision_cannot_rewrite_history_or_skip_the_reason(world):
    admin = world.users["enterprise_admin"]
    e = world.e1.enterprise
    kwargs = dict(actor=admin, park=world.park_a, enterprise=e, kind="accounting", approach="operational_control",
                  description="x")
    with pytest.raises(ValidationError) as exc:
        services.boundary_revise(effective_from=dt.date(2019, 1, 1), change_reason="r", **kwargs)
    assert "effective_from" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.boundary_revise(effective_from=dt.date(2025, 1, 1), change_reason=" ", **kwargs)
    assert "change_reason" in exc.value.message_dict
    assert Boundary.objects.filter(enterprise=e).count() == 1  # nothing half-saved
    assert Boundary.objects.get(enterprise=e).effective_to is None


def test_boundary_with_another_enterprises_site_is_refused(world):
    with pytest.raises(ValidationError) as exc:
        services.boundary_revise(actor=world.users["park_admin"], park=world.park_a, enterprise=world.e1.enterprise,
                                 kind="organizational", approach="operational_control", description="x",
                                 effective_from=dt.date(2020, 1, 1), sites=[world.e2.site])
    assert "sites" in exc.value.message_dict
    assert not Boundary.objects.filter(enterprise=world.e1.enterprise, kind="organizational").exists()


def test_delete_refused_while_records_depend_on_it(world):
    from carbonms.common.services import record_delete

    with translation.override("zh-hans"):
        with pytest.raises(ValidationError) as exc:
            record_delete(actor=world.users["enterprise_admin"], obj=world.e1.site)
        assert "无法删除" in exc.value.messages[0]
    spare = SiteFactory(enterprise=world.e1.enterprise)
    record_delete(actor=world.users["enterprise_admin"], obj=spare)


def test_form_post_shows_field_error_and_saves_nothing(world, client):
    client.force_login(world.users["enterprise_admin"])
    e = world.e1.enterprise
    resp = client.post(f"/enterprises/{e.pk}/units/new/",
                       {"site": world.e2.site.pk, "code": "X9", "name": "越界", "unit_type": "production", "is_active": "on"})
    assert resp.status_code == 200
    assert resp.context["form"].errors["site"]  # not one of this enterprise's sites
    assert not EmissionUnit.objects.filter(code="X9").exists()
    resp = client.post(f"/enterprises/{e.pk}/units/new/",
                       {"site": world.e1.site.pk, "code": "OK1", "name": "新单元", "unit_type": "production", "is_active": "on"})
    assert resp.status_code == 302
    assert EmissionUnit.objects.get(code="OK1").enterprise == e


def test_enterprise_factory_units_agree(world):
    u = UnitFactory(site=world.e1.site)
    assert u.enterprise == world.e1.enterprise
    assert EnterpriseFactory().credit_code != EnterpriseFactory().credit_code


def test_date_inputs_keep_iso_values_in_chinese(world, client):
    import datetime as dt

    eq = world.e1.equipment
    eq.commissioned_on = dt.date(2015, 3, 1)
    eq.save()
    client.force_login(world.users["enterprise_admin"])
    page = client.get(f"/equipment/{eq.pk}/edit/").content.decode()
    assert 'type="date"' in page and 'value="2015-03-01"' in page
