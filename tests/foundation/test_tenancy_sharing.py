"""Park-wide records a park shares with its enterprises are readable by them, never writable."""
from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from carbonms.carbondata.models import UserFactor
from carbonms.carbondata.services.factors import user_factor_add
from carbonms.common import tenancy

pytestmark = pytest.mark.django_db

DATA = {"key": "park-steam", "kind": "ef", "material": "热力", "ef": "0.095", "ef_unit": "tCO2/GJ",
        "source_document": "供热站核算报告", "status": "verified"}



def test_enterprise_user_reads_the_parks_own_factors_but_not_other_parks(world):
    from django.contrib.auth import get_user_model

    root = get_user_model().objects.create_superuser("root", password="x")
    park_factor = user_factor_add(actor=root, park=world.park_a, data=DATA)
    other_ent = user_factor_add(actor=root, park=world.park_a, enterprise=world.e2.enterprise,
                                data={**DATA, "key": "e2-own"})
    other_park = user_factor_add(actor=root, park=world.park_b, data={**DATA, "key": "b-steam"})
    clerk = world.users["data_clerk"]  # enterprise E1 of park A
    visible = set(UserFactor.objects.restrict(clerk, "view"))
    assert park_factor in visible
    assert other_ent not in visible and other_park not in visible
    assert park_factor not in set(UserFactor.objects.restrict(clerk, "change"))
    with pytest.raises(PermissionDenied):
        tenancy.get_for_user(UserFactor, clerk, park_factor.pk, "change")


def test_sees_whole_parks_only_when_every_granting_assignment_is_park_wide(world):
    """Stored whole-set figures (a run's result count) are shown as they are only to those who see every
    record of the park: park staff, not an enterprise's users, nor someone who is both."""
    from tests.factories import RoleAssignmentFactory, UserFactory

    assert tenancy.sees_whole_parks(world.users["park_carbon_officer"], "data")
    assert not tenancy.sees_whole_parks(world.users["enterprise_admin"], "data")
    both = UserFactory(username="both_scopes")
    RoleAssignmentFactory(user=both, role="viewer", park=world.park_a)
    RoleAssignmentFactory(user=both, role="viewer", park=world.park_b, enterprise=world.e3.enterprise)
    assert not tenancy.sees_whole_parks(both, "data")
    assert not tenancy.sees_whole_parks(UserFactory(username="nobody"), "data")
    assert tenancy.sees_whole_parks(UserFactory(username="root", is_superuser=True), "data")
