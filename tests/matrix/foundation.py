"""The permission matrix cases of the foundation (organisations, change history, standards, API root).

Every app adds a module to tests/matrix/ with ``CASES`` (URL name -> Case) and, if needed, ``PUBLIC``
(URL names anybody may open). tests/foundation/test_permission_matrix.py runs them all and fails on
any URL name that no module covers.
"""
from __future__ import annotations

from .base import ALL, ORG_WRITERS, PARK_STAFF, Case, last_change_of


def _assignment(w, org):
    from tests.factories import RoleAssignmentFactory

    ra = org.cached("assignment", lambda: RoleAssignmentFactory(park=org.enterprise.park, enterprise=org.enterprise))
    return {"pk": ra.pk}


# Pages that anybody may open (they hold no park or enterprise data).
PUBLIC = {"accounts:login", "accounts:logout", "web:set_language", "api:token",
          "api:not-found"}  # any other address under /api/: a JSON 404 for everybody



def _o(attr):
    return lambda w, org: {"pk": getattr(org, attr).pk}


def _ent(key="enterprise_pk"):
    return lambda w, org: {key: org.enterprise.pk}


def _record(attr, app, model):
    return lambda w, org: {"app_label": app, "model": model, "object_id": str(getattr(org, attr).pk)}


CASES: dict[str, Case] = {
    # Pages
    "organizations:home": Case(None, ALL, ok_status=302),
    "organizations:park": Case(lambda w, org: {"pk": org.enterprise.park_id}, PARK_STAFF, denied=404, park_level=True),
    "organizations:park_edit": Case(lambda w, org: {"pk": org.enterprise.park_id}, {"park_admin", "park_carbon_officer"},
                                    park_level=True),
    "organizations:enterprise_create": Case(lambda w, org: {"park_pk": org.enterprise.park_id},
                                            {"park_admin", "park_carbon_officer"}, park_level=True),
    "organizations:enterprise": Case(_o("enterprise"), ALL),
    "organizations:enterprise_edit": Case(_o("enterprise"), ORG_WRITERS),
    "organizations:site_create": Case(_ent(), ORG_WRITERS),
    "organizations:unit_create": Case(_ent(), ORG_WRITERS),
    "organizations:equipment_create": Case(_ent(), ORG_WRITERS),
    "organizations:boundary_revise": Case(_ent(), ORG_WRITERS),
    "organizations:site_edit": Case(_o("site"), ORG_WRITERS),
    "organizations:unit_edit": Case(_o("unit"), ORG_WRITERS),
    "organizations:equipment_edit": Case(_o("equipment"), ORG_WRITERS),
    "accounts:users": Case(None, ALL),
    "accounts:user_invite": Case(None, {"park_admin", "enterprise_admin"}),
    "accounts:role_revoke": Case(_assignment, {"park_admin", "enterprise_admin"}),
    "changelog:list": Case(None, ALL),
    "changelog:record": Case(_record("enterprise", "organizations", "enterprise"), ALL, denied=404),
    "standards:list": Case(None, ALL),
    "standards:detail": Case(lambda w, org: {"std_id": "t-cses-2023"}, ALL, reference=True),
    # API
    "api:me": Case(None, ALL),
    "api:schema": Case(None, ALL),
    "api:docs": Case(None, ALL),
    "api:api-root": Case(None, ALL),
    "api:park-list": Case(None, ALL),
    "api:park-detail": Case(lambda w, org: {"pk": org.enterprise.park_id}, ALL, park_level=True),
    "api:enterprise-list": Case(None, ALL),
    "api:enterprise-detail": Case(_o("enterprise"), ALL),
    "api:site-list": Case(None, ALL),
    "api:site-detail": Case(_o("site"), ALL),
    "api:unit-list": Case(None, ALL),
    "api:unit-detail": Case(_o("unit"), ALL),
    "api:equipment-list": Case(None, ALL),
    "api:equipment-detail": Case(_o("equipment"), ALL),
    "api:boundary-list": Case(None, ALL),
    "api:boundary-detail": Case(_o("boundary"), ALL),
    "api:change-list": Case(None, ALL),
    "api:change-detail": Case(lambda w, org: {"pk": last_change_of(org.enterprise).pk}, ALL),
}


