"""Shared fixtures: a small world of two parks with enterprises, and a user for every role.

Park A holds enterprises E1 (the "home" enterprise of every enterprise-scoped user) and E2; park B
holds E3. Park-scoped users are staff of park A. Each enterprise has a site, a unit, a piece of
equipment and a boundary, so every page and endpoint has an object inside and outside each scope.
"""
from __future__ import annotations

import datetime as dt
import os
import threading
import weakref
from dataclasses import dataclass, field

import pytest
from django.db.backends.signals import connection_created
from django.utils import timezone

from carbonms.accounts.roles import ENTERPRISE_ONLY, PARK_ONLY, Role

from .factories import (
    BoundaryFactory,
    EnterpriseFactory,
    EquipmentFactory,
    ParkFactory,
    RoleAssignmentFactory,
    SiteFactory,
    UnitFactory,
    UserFactory,
)

PASSWORD = "pw-Secret-123"


def pytest_collection_modifyitems(config, items):
    """Tests marked ``slow(seconds)`` run first, the longest first: pytest-xdist hands tests out in
    collection order, so a minute-long test collected last would keep one worker busy while the others
    stand idle; run first, the short tests fill in around it and the workers finish together."""
    def weight(item) -> float:
        m = item.get_closest_marker("slow")
        return -float(m.args[0]) if m and m.args else 0.0

    items.sort(key=weight)  # stable: the other tests keep their order


# Every database connection this process opens (Django's wrapper objects, held weakly).
_OPENED = weakref.WeakSet()


def _remember_connection(sender, connection, **kwargs):
    _OPENED.add(connection)


connection_created.connect(_remember_connection)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    """pytest-django's test databases; before they are dropped, close every connection this thread still has
    open. Django keeps a thread's connections in context variables, and starting Playwright's sync API (the
    session's browser) leaves the main thread in another context: a connection opened before it (by the
    database set-up, say) is no longer the one ``connections`` returns, nobody closes it, and the test
    database could not be dropped ("being accessed by other users"; seen once the browser tests ran first)."""
    yield
    me = threading.get_ident()
    for wrapper in list(_OPENED):
        if wrapper.connection is not None and wrapper._thread_ident == me:
            wrapper.close()


def service_required(reason: str):
    """Skip with a clear reason when a service is missing; under CI=true, fail instead."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"required service missing under CI: {reason}")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _default_language():
    """Requests activate a language in the thread; start every test from the default (zh-hans)."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@dataclass
class Org:
    enterprise: object
    site: object
    unit: object
    equipment: object
    boundary: object
    extra: dict = field(default_factory=dict)

    def cached(self, key: str, make):
        """A record of this org made once per test by ``make()`` (for matrix targets of later apps)."""
        if key not in self.extra:
            self.extra[key] = make()
        return self.extra[key]


@dataclass
class World:
    park_a: object
    park_b: object
    e1: Org
    e2: Org
    e3: Org
    users: dict = field(default_factory=dict)  # role -> user (park roles in park A, enterprise roles in E1)


def _org(park) -> Org:
    e = EnterpriseFactory(park=park)
    site = SiteFactory(enterprise=e)
    unit = UnitFactory(site=site)
    eq = EquipmentFactory(unit=unit)
    b = BoundaryFactory(enterprise=e, park=park)
    b.sites.set([site])
    return Org(e, site, unit, eq, b)


def role_scope(role: str) -> str:
    """Where the matrix grants each role: park roles and 'either' roles at the park, others in E1."""
    if role in PARK_ONLY:
        return "park"
    if role in ENTERPRISE_ONLY:
        return "enterprise"
    return "enterprise"


@pytest.fixture
def world(db) -> World:
    return make_world()


@pytest.fixture(scope="module")
def module_world(request, django_db_setup, django_db_blocker):
    """``make_world()`` once for a module's tests (once per xdist worker), then the module's ``seed_world(world)``
    if it has one, inside a transaction that is rolled back after the last of them. A module opts in by
    defining its ``world`` fixture as ``shared_world`` below."""
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        w = make_world()
        seed = getattr(request.module, "seed_world", None)
        if seed is not None:
            seed(w)
        yield w
        transaction.set_rollback(True)


@pytest.fixture
def shared_world(module_world, db):
    """The module's world (``module_world``). Each test runs in a savepoint of the module's transaction
    (pytest-django's ``db``), so what it writes is undone before the next test; the records its matrix
    targets made (``Org.cached``) are forgotten with it."""
    orgs = (module_world.e1, module_world.e2, module_world.e3)
    kept = [dict(o.extra) for o in orgs]
    yield module_world
    for org, extra in zip(orgs, kept, strict=True):
        org.extra.clear()
        org.extra.update(extra)


def make_world() -> World:
    """The world of the module docstring (the ``world`` fixture; a module may build it once, see
    tests/foundation/test_write_matrix.py)."""
    park_a, park_b = ParkFactory(name="园区A"), ParkFactory(name="园区B")
    w = World(park_a, park_b, _org(park_a), _org(park_a), _org(park_b))
    for role in Role.values:
        user = UserFactory(username=f"u_{role}")
        if role_scope(role) == "park":
            RoleAssignmentFactory(user=user, role=role, park=park_a)
        else:
            RoleAssignmentFactory(
                user=user, role=role, park=park_a, enterprise=w.e1.enterprise,
                valid_until=timezone.now() + dt.timedelta(days=30) if role == Role.EXTERNAL_VERIFIER else None,
            )
        w.users[role] = user
    # Park-wide reviewer and viewer too, to check roles that may be granted at either level.
    for role in (Role.REVIEWER, Role.VIEWER, Role.INTERNAL_AUDITOR):
        user = UserFactory(username=f"park_{role}")
        RoleAssignmentFactory(user=user, role=role, park=park_a)
        w.users[f"park_{role}"] = user
    return w
