"""factory_boy factories for the foundation's records. Codes are valid by construction."""
from __future__ import annotations

import datetime as dt

import factory

from carbonms.accounts.models import RoleAssignment, User
from carbonms.organizations.credit_code import check_character
from carbonms.organizations.models import Boundary, EmissionUnit, Enterprise, Equipment, Park, Site


def make_credit_code(n: int) -> str:
    first17 = f"91320600{n:09d}"
    return first17 + check_character(first17)


class ParkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Park

    name = factory.Sequence(lambda n: f"测试园区{n}")
    province = "320000"
    city = "南通市"
    zone_type = "national_etdz"
    grid_region = "华东"


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    park = factory.SubFactory(ParkFactory)
    name = factory.Sequence(lambda n: f"测试企业{n}有限公司")
    credit_code = factory.Sequence(make_credit_code)
    industry_code = "3120"
    industry_name = "炼钢"


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site

    enterprise = factory.SubFactory(EnterpriseFactory)
    code = factory.Sequence(lambda n: f"S{n:03d}")
    name = factory.Sequence(lambda n: f"厂区{n}")


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EmissionUnit

    site = factory.SubFactory(SiteFactory)
    enterprise = factory.SelfAttribute("site.enterprise")
    code = factory.Sequence(lambda n: f"U{n:03d}")
    name = factory.Sequence(lambda n: f"排放单元{n}")
    unit_type = "production"


class EquipmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Equipment

    unit = factory.SubFactory(UnitFactory)
    enterprise = factory.SelfAttribute("unit.enterprise")
    code = factory.Sequence(lambda n: f"EQ{n:04d}")
    name = factory.Sequence(lambda n: f"锅炉{n}")
    equipment_type = "boiler"


class BoundaryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Boundary

    enterprise = factory.SubFactory(EnterpriseFactory)
    park = factory.SelfAttribute("enterprise.park")
    kind = "accounting"
    approach = "operational_control"
    description = "全部生产设施"
    effective_from = dt.date(2020, 1, 1)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", "pw-Secret-123")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class RoleAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleAssignment

    user = factory.SubFactory(UserFactory)
    role = "viewer"
    park = factory.SubFactory(ParkFactory)
