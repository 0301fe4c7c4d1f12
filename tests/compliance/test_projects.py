"""The offset project pipeline (issue 13 item 5; T/CIECCPA 8.3.3.1–8.3.3.6): stages in order with their
documents; an estimate is never an asset; issuance creates the credits in the ledger."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile

from carbonms.compliance import services
from carbonms.ledger.models import Instrument, Movement

pytestmark = pytest.mark.django_db


def _doc(name="pdd.pdf"):
    return ContentFile(b"%PDF-1.4 demo", name=name)


def test_pipeline_in_order_and_issuance_creates_ledger_credits(world):
    admin, ent = world.users["enterprise_admin"], world.e1.enterprise
    p = services.project_save(actor=admin, enterprise=ent, data={
        "kind": "sink", "name": "沿海防护林造林碳汇", "methodology": "CCER-14-001-V01", "forestry": True, "local": True,
        "baseline": "荒滩无林地", "additionality": "投资分析", "estimated_annual_t": Decimal("3000")})
    assert not Instrument.objects.filter(enterprise=ent).exists()  # an estimate is not an asset
    with pytest.raises(ValidationError) as e:  # stages in order
        services.project_advance(actor=admin, project=p, stage="validation", completed_on=dt.date(2025, 1, 1), body="CQC", document=_doc())
    assert "stage" in e.value.message_dict
    with pytest.raises(ValidationError) as e:  # the design document is required
        services.project_advance(actor=admin, project=p, stage="development", completed_on=dt.date(2025, 1, 1))
    assert "document" in e.value.message_dict
    services.project_advance(actor=admin, project=p, stage="development", completed_on=dt.date(2025, 1, 1), document=_doc())
    services.project_advance(actor=admin, project=p, stage="validation", completed_on=dt.date(2025, 3, 1), body="CQC", document=_doc("v.pdf"))
    services.project_advance(actor=admin, project=p, stage="registration", completed_on=dt.date(2025, 5, 1), reference="CCER-2025-0042")
    services.project_advance(actor=admin, project=p, stage="monitoring", completed_on=dt.date(2026, 1, 31), quantity_t="2800", document=_doc("m.pdf"))
    services.project_advance(actor=admin, project=p, stage="verification", completed_on=dt.date(2026, 3, 1), body="CCS", quantity_t="2700",
                             document=_doc("r.pdf"))
    with pytest.raises(ValidationError) as e:  # never more than verified
        services.project_advance(actor=admin, project=p, stage="issuance", completed_on=dt.date(2026, 4, 1), quantity_t="2701",
                                 reference="签发公告", serial_first="CN-S-000001", serial_last="CN-S-002701")
    assert "quantity_t" in e.value.message_dict
    ps = services.project_advance(actor=admin, project=p, stage="issuance", completed_on=dt.date(2026, 4, 1), quantity_t="2700",
                                  reference="签发公告", serial_first="CN-S-000001", serial_last="CN-S-002700", vintage=2025)
    p.refresh_from_db()
    assert p.stage == "issuance" and p.issued_t == 2700 and p.registration_no == "CCER-2025-0042"
    m = Movement.objects.get(pk=ps.ledger_movement_id)
    assert m.kind == "issuance" and m.quantity_t == 2700 and m.instrument.forestry and m.instrument.kind == "ccer"
    assert m.status == "entered"  # the ledger's second person approves it


def test_project_writes_need_assets_permission_in_scope(world):
    with pytest.raises(PermissionDenied):
        services.project_save(actor=world.users["viewer"], enterprise=world.e1.enterprise, data={"name": "x", "methodology": "m"})
    with pytest.raises(PermissionDenied):
        services.project_save(actor=world.users["enterprise_admin"], enterprise=world.e3.enterprise, data={"name": "x", "methodology": "m"})
