"""Every form and serializer of the project restricts its relation fields through the tenancy (issue 9).

The modules of ``carbonms`` are walked; every form class must inherit ``common.forms.ScopedFormMixin`` and
every serializer ``common.api.ScopedSerializerMixin`` (a new one that forgets fails here by name). Then each
is built as the pages and the API build it, for an enterprise user and for park staff, in a world where other
enterprises and another park hold records of every related kind, and every choice it offers must lie in the
user's view and in the record's scope.
"""
from __future__ import annotations

import importlib
import inspect
import pkgutil
from types import SimpleNamespace

import pytest
from django import forms
from rest_framework import serializers

import carbonms
from carbonms.accounts.roles import Role
from carbonms.common import tenancy
from carbonms.common.api import ScopedSerializerMixin, _writable_relations
from carbonms.common.forms import ScopedFormMixin, relation_fields

pytestmark = pytest.mark.django_db

# Forms that cannot take the base, with the reason; they must have no relation field.
NOT_SCOPED_FORMS = {
    "carbonms.accounts.forms.LoginForm": "Django's authentication form (user name and password, no relation)",
}
SKIP_MODULES = ("carbonms.config.settings_test", "carbonms.demo.management", "carbonms.cli")


def _modules():
    for info in pkgutil.walk_packages(carbonms.__path__, "carbonms."):
        if ".migrations" in info.name or info.name.startswith(SKIP_MODULES):
            continue
        yield importlib.import_module(info.name)


def _classes(base):
    seen = {}
    for mod in _modules():
        for _name, obj in inspect.getmembers(mod, inspect.isclass):
            if issubclass(obj, base) and obj.__module__.startswith("carbonms.") and not obj.__module__.startswith("carbonms.common."):
                seen[f"{obj.__module__}.{obj.__qualname__}"] = obj
    return seen


def _router_serializers():
    from carbonms.api.urls import router

    out = {}
    for _prefix, viewset, _basename in router.registry:
        cls = getattr(viewset, "serializer_class", None)
        if cls is not None:
            out[f"{cls.__module__}.{cls.__qualname__}"] = cls
    return out


FORM_CLASSES = _classes(forms.BaseForm)
SERIALIZER_CLASSES = {**_classes(serializers.BaseSerializer), **_router_serializers()}


def test_the_walk_finds_the_forms_and_serializers():
    assert len(FORM_CLASSES) >= 35 and len(SERIALIZER_CLASSES) >= 40
    assert "carbonms.carbondata.forms.SourceForm" in FORM_CLASSES
    assert "carbonms.management.api.RiskSerializer" in SERIALIZER_CLASSES  # built by register_viewset


@pytest.mark.parametrize("path", sorted(FORM_CLASSES))
def test_every_form_inherits_the_scoped_base(path):
    cls = FORM_CLASSES[path]
    if path in NOT_SCOPED_FORMS:
        assert not [n for n, f in cls.base_fields.items() if isinstance(f, forms.ModelChoiceField)], path
        return
    assert issubclass(cls, ScopedFormMixin), f"{path} must inherit common.forms.ScopedForm / ScopedModelForm"


@pytest.mark.parametrize("path", sorted(SERIALIZER_CLASSES))
def test_every_serializer_inherits_the_scoped_base(path):
    assert issubclass(SERIALIZER_CLASSES[path], ScopedSerializerMixin), (
        f"{path} must inherit common.api.ScopedModelSerializer / ScopedSerializer")


# --------------------------------------------------------------------------- behaviour


def _seed(world):
    """Records of every related kind in E1, E2 (same park) and E3 (other park), and a user per enterprise."""
    from tests.factories import RoleAssignmentFactory, UserFactory
    from tests.matrix import carbondata as cd
    from tests.matrix import management as ms
    from tests.matrix import monitoring as mon

    for org in (world.e1, world.e2, world.e3):
        for make in (cd._source, cd._plan, cd._instrument, cd._activity, cd._factor, cd._import):
            make(world, org)
        for key in ms.MAKERS:
            ms.rec(key)(world, org)
        mon._gateway(org)
        mon._meter(org)
        u = UserFactory(username=f"member_{org.enterprise.pk}")
        RoleAssignmentFactory(user=u, role=Role.VIEWER, park=org.enterprise.park, enterprise=org.enterprise)
    from carbonms.management.models import CompetenceRequirement, OrgUnit

    for org in (world.e1, world.e2, world.e3):
        OrgUnit.objects.create(park=org.enterprise.park, enterprise=org.enterprise, name="碳管理办公室", kind="department")
        CompetenceRequirement.objects.create(park=org.enterprise.park, enterprise=org.enterprise, role_title="核算员",
                                             requirement="培训")
    staff_b = UserFactory(username="staff_b")
    RoleAssignmentFactory(user=staff_b, role=Role.PARK_ADMIN, park=world.park_b)


def _form_kwargs(world, path):
    """The context each form takes in its view (the record's enterprise, plan, audit or system)."""
    from carbonms.management.system import System
    from tests.matrix import carbondata as cd
    from tests.matrix import management as ms

    e1 = world.e1.enterprise
    by_name = {
        "SourceForm": {"enterprise": e1}, "InstrumentForm": {"enterprise": e1}, "UnitForm": {"enterprise": e1},
        "EquipmentForm": {"enterprise": e1}, "BoundaryForm": {"enterprise": e1}, "MeterForm": {"enterprise": e1},
        "PlanItemForm": {"plan": cd._plan(world, world.e1)}, "FindingForm": {"audit": ms.rec("audit")(world, world.e1)},
        "VersionForm": {"system": System(e1.park, e1)}, "PolicyForm": {"enterprise_id": e1.pk},
        "UserInviteForm": {"scopes": [(f"ent-{e1.pk}", e1.park, e1)]},
        "TargetForm": {"scope": e1, "enterprise": e1, "decompose": True}, "BaselineForm": {"scope": e1, "enterprise": e1},
        "AllocationForm": {"scope": e1},
        **dict.fromkeys(("OpportunityForm", "ActionLineForm", "PromoteForm", "ScenarioForm"), {"system": System(e1.park, e1)}),
        "MovementForm": {"park": e1.park, "enterprise": e1},
        "ProcurementEvaluationForm": {"scope": e1.park},  # as its view builds it: the park's criteria
        **dict.fromkeys(("ZeroCarbonPlanForm", "PlanTargetForm", "InfrastructureForm", "SupplyForm", "IndicatorValueForm",
                         "TechnologyForm", "EvaluationForm", "DemonstrationForm"), {"park": e1.park}),
    }
    return by_name.get(path.rsplit(".", 1)[1], {})


def _assert_in_scope(path, name, qs, user, scope, reach):
    model = qs.model
    visible_users = set(tenancy.visible_users(user).values_list("pk", flat=True))
    for obj in qs:
        if tenancy.is_scoped_model(model):
            assert tenancy.restrict(model._default_manager.filter(pk=obj.pk), user).exists(), (path, name, obj)
        else:
            assert obj.pk in visible_users, (path, name, obj)
        if scope is not None:
            assert tenancy.in_scope(obj, scope, reach=reach), (path, name, obj, scope)


def _forms_for(world, user):
    """(label, form) for every scoped form class, built as its view builds it, and every register form."""
    from carbonms.management import forms as ms_forms
    from carbonms.management import registers
    from carbonms.management.system import System

    e1 = world.e1.enterprise
    for path, cls in sorted(FORM_CLASSES.items()):
        if path in NOT_SCOPED_FORMS or getattr(getattr(cls, "_meta", None), "model", True) is None:
            continue  # abstract bases (no model): their concrete forms are checked
        form = cls(user=user, **_form_kwargs(world, path))
        yield path, form
        if form.scope is None and relation_fields(form):
            # Management-system forms learn their system in the view (limit_choices): check that path too.
            scoped = cls(user=user, **_form_kwargs(world, path))
            ms_forms.limit_choices(scoped, System(e1.park, e1))
            yield f"{path} (system)", scoped
    for key, reg in registers.REGISTERS.items():
        yield f"register {key}", ms_forms.register_form(reg, System(e1.park, e1), user=user)


@pytest.mark.parametrize("role", [Role.ENTERPRISE_ADMIN, Role.DATA_CLERK, Role.PARK_ADMIN])
def test_every_form_offers_only_in_scope_choices(world, role):
    _seed(world)
    user = world.users[role]
    checked = 0
    for label, form in _forms_for(world, user):
        for name, field in relation_fields(form).items():
            reach = form.scope_reach.get(name, tenancy.ENTERPRISE_REACH)
            scope = form.scope if form.scope is not None else (
                tenancy.Scope.of(world.e1.enterprise) if role != Role.PARK_ADMIN else None)
            _assert_in_scope(label, name, field.queryset, user, scope, reach)
            checked += 1
    assert checked >= 30


def test_forms_offer_choices_at_all(world):
    """The restriction is not 'nothing': the enterprise's own records are still offered."""
    from carbonms.carbondata.forms import SourceForm
    from carbonms.monitoring.forms import MeterForm

    _seed(world)
    user = world.users[Role.ENTERPRISE_ADMIN]
    form = SourceForm(user=user, enterprise=world.e1.enterprise)
    assert list(form.fields["unit"].queryset) == [world.e1.unit]
    meter = MeterForm(user=world.users[Role.PARK_ADMIN], enterprise=world.e1.enterprise)
    assert {g.enterprise_id for g in meter.fields["gateway"].queryset} == {world.e1.enterprise.pk}


def _serializer_instances(world, user):
    request = SimpleNamespace(user=user)
    for path, cls in sorted(SERIALIZER_CLASSES.items()):
        if issubclass(cls, serializers.ModelSerializer) and not hasattr(cls, "Meta"):
            continue  # abstract bases: their concrete serializers are checked
        try:
            yield path, cls(context={"request": request})
        except TypeError:  # pragma: no cover - a serializer that needs more than a request
            pytest.fail(f"{path} cannot be built with a request context")


@pytest.mark.parametrize("role", [Role.ENTERPRISE_ADMIN, Role.DATA_CLERK])
def test_every_serializer_offers_only_what_the_caller_sees(world, role):
    _seed(world)
    user = world.users[role]
    checked = 0
    for path, ser in _serializer_instances(world, user):
        for name, (_outer, field) in _writable_relations(ser.fields).items():
            qs = field.get_queryset()
            reach = getattr(ser, "scope_reach", {}).get(name, tenancy.ENTERPRISE_REACH)
            scope = None if name in ("park", "enterprise") else tenancy.Scope.of(world.e1.enterprise)
            _assert_in_scope(path, name, qs, user, scope if reach == tenancy.ENTERPRISE_REACH else None, reach)
            checked += 1
    assert checked >= 30


def test_serializer_refuses_an_out_of_scope_relation_even_for_park_staff(world):
    """Park staff see E2's units, but a unit of E1 may not hang under E2's site: 'does not exist'."""
    from carbonms.organizations.api import EmissionUnitSerializer

    def errors(site_pk):
        ser = EmissionUnitSerializer(data={"enterprise": world.e1.enterprise.pk, "site": site_pk, "code": "X", "name": "x",
                                           "unit_type": "production"},
                                     context={"request": SimpleNamespace(user=world.users[Role.PARK_ADMIN])})
        assert not ser.is_valid()
        return [(str(e).replace(str(site_pk), "<pk>"), e.code) for e in ser.errors["site"]]

    assert errors(world.e2.site.pk) == errors(999999)
