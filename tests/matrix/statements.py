"""Permission matrix of the inventory statements (issue 10): pages, files and endpoints."""
from __future__ import annotations

from .base import ALL, PARK_STAFF, Case
from .carbondata import DATA_WRITERS, _ent, _park, _pk, _run


def _statement(w, org):
    from django.core.files.base import ContentFile

    from carbonms.inventory.models import InventoryStatement

    def make():
        run = _run(w, org)
        st = InventoryStatement.objects.create(
            park=run.park, enterprise=run.enterprise, year=run.year, run=run, gwp_set="SAR", status="verified",
            drafted_by=w.users["park_carbon_officer"], totals=run.totals, coverage={"fraction": 1.0, "complete": True},
            opinion="unqualified")
        st.verification_report.save("report.pdf", ContentFile(b"%PDF-1.4 verification"), save=True)
        return st
    return org.cached("statement", make)


CASES: dict[str, Case] = {
    "inventory:park_statements": Case(_park, PARK_STAFF, denied=404, park_level=True),
    "inventory:enterprise_statements": Case(_ent, ALL),
    "inventory:statement": Case(_pk(_statement), ALL),
    "inventory:statement_input": Case(_pk(_statement), ALL),
    "inventory:statement_report": Case(_pk(_statement), ALL),
    "inventory:statement_verify": Case(_pk(_statement), {"external_verifier"}),
    "inventory:statement_create": Case(_pk(_run), DATA_WRITERS),
    "inventory:statement_action": Case(lambda w, o: {"step": "approve", **_pk(_statement)(w, o)}, ALL, ok_status=302),
    # the accounting report of a statement (issue 15): everybody who may view the statement may ask for it; this
    # statement names no boundary, so the answer inside is 409 with the reason (GET of the filing URL: back, 302)
    "reports:download": Case(lambda w, o: {"kind": "accounting", "fmt": "docx", **_pk(_statement)(w, o)}, ALL,
                             ok_status=409),
    "reports:file": Case(lambda w, o: {"kind": "accounting", **_pk(_statement)(w, o)}, ALL, ok_status=302),
    "api:inventory-statement-list": Case(None, ALL),
    "api:inventory-statement-detail": Case(_pk(_statement), ALL),
    "api:inventory-statement-transition": Case(_pk(_statement), ALL),
}
