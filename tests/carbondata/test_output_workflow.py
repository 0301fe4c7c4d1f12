"""Output and economic data (issue 10 item 3): the review workflow with four-eyes, locked months and years,
corrections as new versions, evidence and change history; and the bad input of the issue: a unit that does
not match the product, value added without a price basis, negative figures, a closed period."""
from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from carbonms.carbondata import services
from carbonms.carbondata.models import EconomicRecord, Evidence, PeriodLock, Product, ProductionRecord
from carbonms.carbondata.services import output as out
from carbonms.carbondata.workflows import ECONOMIC, PRODUCTION
from carbonms.changelog.models import ChangeRecord
from tests.factories import EnterpriseFactory

from .output_helpers import S, economic, product, production

pytestmark = pytest.mark.django_db


@pytest.fixture
def steel(world):
    return product(world.e1.enterprise, "P1", "t")


def _counts():
    return ProductionRecord.objects.count(), EconomicRecord.objects.count(), ChangeRecord.objects.count()


# -- the product register ------------------------------------------------------------------------------

def test_product_units_physical_counts_and_exported_energy(world):
    clerk, e1 = world.users["data_clerk"], world.e1.enterprise
    assert out.product_save(actor=clerk, enterprise=e1, data={"code": "C1", "name": "水泥", "unit": "万吨"}).unit == "万吨"
    assert out.product_save(actor=clerk, enterprise=e1, data={"code": "M1", "name": "电机", "unit": "台"}).unit == "台"
    with pytest.raises(ValidationError) as exc:
        out.product_save(actor=clerk, enterprise=e1, data={"code": "X", "name": "x", "unit": "furlongs"})
    assert "Unknown unit" in str(exc.value.message_dict["unit"])
    with pytest.raises(ValidationError) as exc:
        out.product_save(actor=clerk, enterprise=e1, data={"code": "EL", "name": "上网电", "unit": "t",
                                                           "kind": Product.Kind.ELECTRICITY_EXPORTED})
    assert "energy unit" in str(exc.value.message_dict["unit"])
    with pytest.raises(ValidationError) as exc:
        out.product_save(actor=clerk, enterprise=e1, data={"code": "C1", "name": "again", "unit": "t"})
    assert "already used" in str(exc.value.message_dict["code"])


def test_a_products_unit_is_fixed_once_output_is_recorded(world, steel):
    production(steel, 1, 10, user=world.users["data_clerk"])
    with pytest.raises(ValidationError) as exc:
        out.product_save(actor=world.users["data_clerk"], enterprise=steel.enterprise, instance=steel, data={"unit": "kg"})
    assert "cannot change" in str(exc.value.message_dict["unit"])


def test_another_enterprise_cannot_write_the_register(world):
    with pytest.raises(PermissionDenied):
        out.product_save(actor=world.users["data_clerk"], enterprise=world.e2.enterprise,
                         data={"code": "Z", "name": "z", "unit": "t"})


# -- production: workflow, four-eyes, locks ------------------------------------------------------------

def test_production_workflow_with_four_eyes(world, steel):
    clerk, reviewer = world.users["data_clerk"], world.users["reviewer"]
    rec = out.production_save(actor=clerk, product=steel, year=2025, month=3, quantity="1200.5")
    assert (rec.status, rec.quantity, rec.unit) == (S.DRAFT, Decimal("1200.5"), "t")
    out.output_submit(actor=clerk, records=[rec])
    with pytest.raises(ValidationError, match="entered or submitted yourself"):
        out.output_approve(actor=world.users["enterprise_admin"], records=[_as_entered_by(rec, world.users["enterprise_admin"])])
    assert PRODUCTION.refusal(clerk, rec, "approve") is not None  # the clerk may not approve at all
    out.output_approve(actor=reviewer, records=[rec])
    rec.refresh_from_db()
    assert rec.status == S.APPROVED and rec.reviewed_by == reviewer


def _as_entered_by(rec, user):
    rec.entered_by = user
    rec.save()
    return rec


def test_return_needs_a_reason_and_the_clerk_can_resubmit(world, steel):
    clerk, reviewer = world.users["data_clerk"], world.users["reviewer"]
    rec = out.production_save(actor=clerk, product=steel, year=2025, month=3, quantity="10")
    out.output_submit(actor=clerk, records=[rec])
    with pytest.raises(ValidationError):
        out.output_return(actor=reviewer, records=[rec], comment=" ")
    out.output_return(actor=reviewer, records=[rec], comment="请核对台账")
    rec.refresh_from_db()
    assert rec.status == S.REJECTED
    rec = out.production_save(actor=clerk, product=steel, year=2025, month=3, quantity="11")
    out.output_submit(actor=clerk, records=[rec])
    assert ProductionRecord.objects.get(pk=rec.pk).status == S.SUBMITTED


def test_locked_month_is_refused_and_closing_locks_production(world, steel):
    clerk, reviewer = world.users["data_clerk"], world.users["reviewer"]
    draft = out.production_save(actor=clerk, product=steel, year=2025, month=5, quantity="10")
    with pytest.raises(ValidationError, match="not approved yet"):  # a month closes only with its output approved
        services.period_lock(actor=world.users["enterprise_admin"], enterprise=steel.enterprise, year=2025, month=5)
    out.output_submit(actor=clerk, records=[draft])
    out.output_approve(actor=reviewer, records=[draft])
    services.period_lock(actor=world.users["enterprise_admin"], enterprise=steel.enterprise, year=2025, month=5)
    draft.refresh_from_db()
    assert draft.status == S.LOCKED
    other = product(steel.enterprise, "P2", "t", name="线材")
    before = _counts()
    with pytest.raises(ValidationError) as exc:
        out.production_save(actor=clerk, product=other, year=2025, month=5, quantity="3")
    assert "2025-05 is locked" in str(exc.value.message_dict["month"])
    assert _counts() == before


def test_correction_is_a_new_version_and_supersedes_on_approval(world, steel):
    clerk, reviewer = world.users["data_clerk"], world.users["reviewer"]
    old = production(steel, 6, 100, user=clerk, status=S.LOCKED)
    PeriodLock.objects.create(enterprise=steel.enterprise, year=2025, month=6, locked_by=world.users["enterprise_admin"])
    with pytest.raises(ValidationError, match="needs a reason"):
        out.production_correct(actor=clerk, record=old, quantity="90", reason="")
    new = out.production_correct(actor=clerk, record=old, quantity="0.09", unit="kt", reason="盘点更正")
    assert (new.version, new.quantity, new.is_current, new.status) == (2, Decimal("90"), False, S.DRAFT)
    with pytest.raises(ValidationError, match="already waiting"):
        out.production_correct(actor=clerk, record=old, quantity="80", reason="again")
    out.output_submit(actor=clerk, records=[new])
    out.output_approve(actor=reviewer, records=[new])
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.is_current, old.status) == (False, S.SUPERSEDED)
    assert (new.is_current, new.status) == (True, S.LOCKED)  # the month is closed: the approved correction is locked


def test_history_records_every_change(world, steel):
    rec = out.production_save(actor=world.users["data_clerk"], product=steel, year=2025, month=1, quantity="5")
    out.production_save(actor=world.users["data_clerk"], product=steel, year=2025, month=1, quantity="6")
    assert ChangeRecord.objects.filter(object_id=str(rec.pk), content_type__model="productionrecord").count() == 2


# -- bad input -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("quantity,unit,field,text", [
    ("5", "MWh", "unit", "Wrong unit “MWh”: product P1 is counted in t."),
    ("5", "台", "unit", "Wrong unit “台”: product P1 is counted in t."),
    ("-1", "", "quantity", "The quantity cannot be negative."),
    ("abc", "", "quantity", None),
    ("", "", "quantity", "Enter the quantity."),
])
def test_bad_production_is_refused_naming_the_field(world, steel, quantity, unit, field, text):
    before = _counts()
    with pytest.raises(ValidationError) as exc:
        out.production_save(actor=world.users["data_clerk"], product=steel, year=2025, month=1, quantity=quantity, unit=unit)
    assert field in exc.value.message_dict
    if text:
        assert exc.value.message_dict[field] == [text]
    assert _counts() == before


def test_same_dimension_unit_is_converted(world, steel):
    rec = out.production_save(actor=world.users["data_clerk"], product=steel, year=2025, month=1, quantity="1.5", unit="万吨")
    assert (rec.quantity, rec.unit) == (Decimal("15000"), "t")


def test_messages_in_chinese(world, steel):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        out.production_save(actor=world.users["data_clerk"], product=steel, year=2025, month=1, quantity="5", unit="MWh")
    assert "单位" in exc.value.message_dict["unit"][0] and "P1" in exc.value.message_dict["unit"][0]
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        out.economic_save(actor=world.users["data_clerk"], park=world.park_a, enterprise=world.e1.enterprise, year=2025,
                          data={"value_added_10k_yuan": "100"})
    assert "价格口径" in exc.value.message_dict["price_basis"][0]


def test_value_added_without_price_basis_is_refused(world):
    before = _counts()
    with pytest.raises(ValidationError) as exc:
        out.economic_save(actor=world.users["data_clerk"], park=world.park_a, enterprise=world.e1.enterprise, year=2025,
                          data={"value_added_10k_yuan": "1000"})
    assert exc.value.message_dict["price_basis"] == [
        "Value added needs its price basis: current prices, or constant prices of a base year."]
    with pytest.raises(ValidationError) as exc:
        out.economic_save(actor=world.users["data_clerk"], park=world.park_a, enterprise=world.e1.enterprise, year=2025,
                          data={"value_added_10k_yuan": "1000", "price_basis": "constant"})
    assert "base year" in exc.value.message_dict["price_base_year"][0]
    assert _counts() == before


def test_negative_and_misplaced_economic_figures_are_refused_together(world):
    with pytest.raises(ValidationError) as exc:
        out.economic_save(actor=world.users["data_clerk"], park=world.park_a, enterprise=world.e1.enterprise, year=2025,
                          data={"revenue_10k_yuan": "-5", "employees": "-2", "gdp_10k_yuan": "10", "output_value_10k_yuan": "x"})
    errors = exc.value.message_dict
    assert set(errors) == {"revenue_10k_yuan", "employees", "gdp_10k_yuan", "output_value_10k_yuan"}
    assert errors["gdp_10k_yuan"] == ["GDP is a figure of the park, not of an enterprise."]
    with pytest.raises(ValidationError, match="at least one figure"):
        out.economic_save(actor=world.users["data_clerk"], park=world.park_a, enterprise=world.e1.enterprise, year=2025, data={})


def test_economic_workflow_four_eyes_lock_and_closed_year(world):
    clerk, reviewer, e1 = world.users["data_clerk"], world.users["reviewer"], world.e1.enterprise
    rec = out.economic_save(actor=clerk, park=world.park_a, enterprise=e1, year=2025,
                            data={"value_added_10k_yuan": "1234.56", "price_basis": "current", "employees": "80"})
    assert rec.value_added_10k_yuan == Decimal("1234.56") and rec.employees == 80
    out.output_submit(actor=clerk, records=[rec])
    with pytest.raises(ValidationError, match="yourself"):
        ECONOMIC.check(world.users["enterprise_admin"], _as_submitted_by(rec, world.users["enterprise_admin"]), "approve")
    out.output_approve(actor=reviewer, records=[rec])
    with pytest.raises(ValidationError, match="approved"):
        out.economic_save(actor=clerk, park=world.park_a, enterprise=e1, year=2025,
                          data={"value_added_10k_yuan": "1", "price_basis": "current"})
    # closing the twelve months closes the year: the approved figures are locked, a new entry is refused
    admin = world.users["enterprise_admin"]
    for m in range(1, 13):
        services.period_lock(actor=admin, enterprise=e1, year=2025, month=m)
    rec.refresh_from_db()
    assert rec.status == S.LOCKED
    with pytest.raises(ValidationError) as exc:
        out.economic_save(actor=clerk, park=world.park_a, enterprise=e1, year=2025,
                          data={"revenue_10k_yuan": "1"})
    assert "2025 is closed" in exc.value.message_dict["year"][0]
    new = out.economic_correct(actor=clerk, record=rec, data={"revenue_10k_yuan": "500"}, reason="审计调整")
    assert (new.version, new.value_added_10k_yuan, new.revenue_10k_yuan) == (2, Decimal("1234.56"), Decimal("500"))


def _as_submitted_by(rec, user):
    rec.submitted_by = user
    return rec


def test_park_record_lock_step_and_permissions(world):
    officer, reviewer = world.users["park_carbon_officer"], world.users["park_reviewer"]
    rec = out.economic_save(actor=officer, park=world.park_a, year=2025,
                            data={"gdp_10k_yuan": "850000", "value_added_10k_yuan": "400000", "price_basis": "constant",
                                  "price_base_year": "2020"})
    assert rec.enterprise is None and rec.price_basis_label == "constant:2020"
    with pytest.raises(PermissionDenied):  # an enterprise's user cannot write the park's figures
        out.economic_save(actor=world.users["data_clerk"], park=world.park_a, year=2025, data={"gdp_10k_yuan": "1"})
    out.output_submit(actor=officer, records=[rec])
    out.output_approve(actor=reviewer, records=[rec])
    ECONOMIC.run("lock", actor=reviewer, obj=rec, data={})
    rec.refresh_from_db()
    assert rec.status == S.LOCKED
    with pytest.raises(ValidationError, match="Only approved"):
        ECONOMIC.check(reviewer, rec, "lock")


def test_evidence_of_production_and_of_the_park(world, steel):
    from carbonms.organizations.models import Enterprise

    clerk = world.users["data_clerk"]
    rec = production(steel, 1, 10, user=clerk)
    ev = out.output_evidence_attach(actor=clerk, record=rec, file=SimpleUploadedFile("台账.pdf", b"%PDF-1.4"), kind="ledger")
    assert ev.production == rec and ev.enterprise == steel.enterprise and len(ev.sha256) == 64
    park_rec = economic(world.park_a, None, user=world.users["park_carbon_officer"], gdp_10k_yuan=Decimal("1"))
    with pytest.raises(ValidationError, match="park facilities"):
        out.output_evidence_attach(actor=world.users["park_carbon_officer"], record=park_rec,
                                   file=SimpleUploadedFile("统计公报.pdf", b"%PDF"), kind="other")
    fac = EnterpriseFactory(park=world.park_a, kind=Enterprise.Kind.PARK_FACILITIES)
    ev = out.output_evidence_attach(actor=world.users["park_carbon_officer"], record=park_rec,
                                    file=SimpleUploadedFile("统计公报.pdf", b"%PDF"), kind="other")
    assert ev.economic == park_rec and ev.enterprise == fac
    with pytest.raises(PermissionDenied):  # an enterprise's user cannot attach to the park's figures
        out.output_evidence_attach(actor=clerk, record=park_rec, file=SimpleUploadedFile("x.pdf", b"%PDF"), kind="other")
    assert Evidence.objects.filter(economic=park_rec).count() == 1
