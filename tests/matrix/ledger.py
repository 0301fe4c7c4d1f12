"""Permission matrix of the carbon-asset ledger (issue 13): pages and endpoints."""
from __future__ import annotations

from .base import ALL, PARK_STAFF, Case
from .carbondata import _ent, _park, _pk

ASSET_WRITERS = {"park_admin", "park_carbon_officer", "enterprise_admin", "data_clerk"}
PARK_WRITERS = {"park_admin", "park_carbon_officer"}


def _officer(w, org):
    """A park carbon officer of the org's park (the world has one only in park A)."""
    if org.enterprise.park_id == w.park_a.pk:
        return w.users["park_carbon_officer"]

    def make():
        from tests.factories import RoleAssignmentFactory, UserFactory

        user = UserFactory(username=f"ledger_officer_{org.enterprise.park_id}")
        RoleAssignmentFactory(user=user, role="park_carbon_officer", park=org.enterprise.park)
        return user
    return org.cached("ledger_officer", make)


def _instrument(w, org):
    from carbonms.ledger import services

    return org.cached("ledger_instrument", lambda: services.instrument_save(
        actor=_officer(w, org), park=org.enterprise.park, enterprise=org.enterprise, data={"kind": "cea", "vintage": 2025}))


def _account(w, org):
    from carbonms.ledger import services

    return org.cached("ledger_account", lambda: services.account_save(
        actor=_officer(w, org), park=org.enterprise.park, enterprise=org.enterprise,
        data={"kind": "registry", "institution": "中碳登", "number": f"M-{org.enterprise.pk}"}))


def _movement(w, org):
    from carbonms.ledger import services

    return org.cached("ledger_movement", lambda: services.movement_enter(
        actor=_officer(w, org), park=org.enterprise.park, enterprise=org.enterprise,
        data={"kind": "pre_allocation", "instrument": _instrument(w, org), "account": _account(w, org), "date": "2025-06-30",
              "quantity_t": 1000}))


def _price(w, org):
    from carbonms.ledger import services

    return org.cached("ledger_price", lambda: services.price_save(
        actor=_officer(w, org), park=org.enterprise.park, enterprise=org.enterprise,
        data={"date": "2025-12-31", "product": "CEA", "close": "74.60", "source": "测试"}))


CASES: dict[str, Case] = {
    "ledger:home_ent": Case(_ent, ALL),
    "ledger:home_park": Case(_park, PARK_STAFF, denied=404, park_level=True),
    "ledger:movements_ent": Case(_ent, ALL),
    "ledger:movements_park": Case(_park, PARK_STAFF, denied=404, park_level=True),
    "ledger:statement_ent": Case(_ent, ALL),
    "ledger:statement_park": Case(_park, PARK_STAFF, denied=404, park_level=True),
    "ledger:statement_xlsx_ent": Case(_ent, ALL),
    "ledger:statement_xlsx_park": Case(_park, PARK_STAFF, denied=404, park_level=True),
    # the asset statement report (DOCX, PDF) and its filing: the statement page's access (filing is checked by the
    # reports service on POST; a GET goes back to the statement)
    "ledger:statement_report_ent": Case(lambda w, o: {"fmt": "pdf", **_ent(w, o)}, ALL),
    "ledger:statement_report_park": Case(lambda w, o: {"fmt": "docx", **_park(w, o)}, PARK_STAFF, denied=404, park_level=True),
    "ledger:statement_file_ent": Case(_ent, ALL, ok_status=302),
    "ledger:statement_file_park": Case(_park, PARK_STAFF, ok_status=302, denied=404, park_level=True),
    "ledger:prices_ent": Case(_ent, ALL),
    "ledger:prices_park": Case(_park, ALL, park_level=True),
    "ledger:movement_new_ent": Case(_ent, ASSET_WRITERS),
    "ledger:movement_new_park": Case(_park, PARK_WRITERS, park_level=True),
    "ledger:account_new_ent": Case(_ent, ASSET_WRITERS),
    "ledger:account_new_park": Case(_park, PARK_WRITERS, park_level=True),
    "ledger:instrument_new_ent": Case(_ent, ASSET_WRITERS),
    "ledger:instrument_new_park": Case(_park, PARK_WRITERS, park_level=True),
    "ledger:price_new_ent": Case(_ent, ASSET_WRITERS),
    "ledger:price_new_park": Case(_park, PARK_WRITERS, park_level=True),
    "ledger:price_import_ent": Case(_ent, ASSET_WRITERS),
    "ledger:price_import_park": Case(_park, PARK_WRITERS, park_level=True),
    "ledger:account": Case(_pk(_account), ALL),
    "ledger:account_edit": Case(_pk(_account), ASSET_WRITERS),
    "ledger:instrument": Case(_pk(_instrument), ALL),
    "ledger:instrument_edit": Case(_pk(_instrument), ASSET_WRITERS),
    "ledger:movement": Case(_pk(_movement), ALL),
    "ledger:movement_action": Case(lambda w, o: {"step": "approve", **_pk(_movement)(w, o)}, ALL, ok_status=302),
    "api:ledger-account-list": Case(None, ALL),
    "api:ledger-account-detail": Case(_pk(_account), ALL),
    "api:ledger-instrument-list": Case(None, ALL),
    "api:ledger-instrument-detail": Case(_pk(_instrument), ALL),
    # the holdings and the statement need ?park= (and ?enterprise=): without them, 400 for everybody
    "api:ledger-instrument-holdings": Case(None, set(), denied=400),
    "api:ledger-instrument-statement": Case(None, set(), denied=400),
    "api:ledger-movement-list": Case(None, ALL),
    "api:ledger-movement-detail": Case(_pk(_movement), ALL),
    "api:ledger-movement-transition": Case(_pk(_movement), ALL),
    "api:ledger-price-list": Case(None, ALL),
    "api:ledger-price-detail": Case(_pk(_price), ALL),
    "api:ledger-price-import-table": Case(None, set(), denied=405),
}
