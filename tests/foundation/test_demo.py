"""The demo park and the large-park generator."""
from __future__ import annotations

import pytest
from django.core.management import call_command

from carbonms.accounts.models import RoleAssignment, User
from carbonms.accounts.roles import Role
from carbonms.demo import generator
from carbonms.organizations.credit_code import problem
from carbonms.organizations.models import Enterprise, Park

pytestmark = pytest.mark.django_db


@pytest.mark.slow(15)
def test_demo_park_is_realistic_and_valid():
    result = generator.build()
    park = result.park
    assert park.name == "江海经济技术开发区" and park.grid_region == "华东"
    ents = Enterprise.objects.filter(park=park)
    assert ents.count() == 32  # 30 + the park facilities + the project the governance demo admits
    assert ents.filter(kind="park_facilities").count() == 1
    assert all(problem(e.credit_code) is None for e in ents)
    industries = {e.industry_code[:2] for e in ents}
    assert {"31", "30", "26", "39", "17", "13", "14", "54", "59", "44"} <= industries  # steel, cement, chemicals…
    facilities = ents.get(kind="park_facilities")
    assert {u.unit_type for u in facilities.units.all()} >= {"boiler_house", "building", "lighting", "sink"}
    roles = set(RoleAssignment.objects.values_list("role", flat=True))
    assert roles == set(Role.values)
    assert User.objects.get(username="verifier").check_password(generator.DEMO_PASSWORD)
    # The verifier holds an engagement at the home enterprise and one for the neutrality claim; each has an end date.
    engagements = RoleAssignment.objects.filter(user__username="verifier")
    assert engagements.count() == 2
    assert all(a.valid_until is not None and a.role == Role.EXTERNAL_VERIFIER for a in engagements)


def test_generator_is_deterministic_and_scales():
    import random

    names = [e[0] for e in generator._generated_enterprises(75, random.Random(11))]
    assert names == [e[0] for e in generator._generated_enterprises(75, random.Random(11))]
    assert len(set(names)) == 75
    codes = [generator.credit_code(random.Random(5), "320600") for _ in range(2)]
    assert codes[0] == codes[1] and problem(codes[0]) is None
    a = generator.build(enterprises=45, seed=11, park_name="生成园区", with_users=False, extensions=())
    assert Enterprise.objects.filter(park=a.park).count() == 46
    assert a.units == sum(e.units.count() for e in Enterprise.objects.filter(park=a.park))


def test_load_demo_command_refuses_a_second_park_with_the_same_name():
    call_command("load_demo", "--enterprises", "3")
    assert Park.objects.count() == 1
    call_command("load_demo", "--if-empty")
    assert Park.objects.count() == 1
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("load_demo", "--enterprises", "3")
