"""Monitoring plans (versioned, approved) and the measuring equipment register."""
from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from carbonms.organizations.models import Enterprise

from ..models import Calibration, MeasuringInstrument, MonitoringPlan, PlanItem
from ..workflows import MONITORING_PLAN
from .common import apply, record_event, require_for

PLAN_FIELDS = ("basic_information", "boundary_description", "effective_from")
ITEM_FIELDS = ("source", "data_item", "data_source", "min_frequency", "requirements", "evidence_kept", "instrument")


@transaction.atomic
def plan_create(*, actor, enterprise: Enterprise, data: dict[str, Any]) -> MonitoringPlan:
    """A new draft version; it starts as a copy of the latest version's items."""
    require_for(actor, enterprise, "add")
    if enterprise.monitoring_plans.filter(status=MonitoringPlan.Status.DRAFT).exists():
        raise ValidationError(_("A draft version of the monitoring plan already exists; edit or approve it first."))
    latest = enterprise.monitoring_plans.order_by("-version").first()
    version = (enterprise.monitoring_plans.aggregate(v=Max("version"))["v"] or 0) + 1
    plan = MonitoringPlan(enterprise=enterprise, version=version, prepared_by=actor,
                          effective_from=data.get("effective_from") or timezone.localdate())
    if latest is not None:
        plan.basic_information, plan.boundary_description = latest.basic_information, latest.boundary_description
    apply(plan, data, PLAN_FIELDS)
    plan.full_clean()
    plan.save()
    if latest is not None:
        for item in latest.items.all():
            item.pk = None
            item.plan = plan
            item._state.adding = True
            item.save()
    return plan


def _check_item(item: PlanItem) -> None:
    ent = item.plan.enterprise_id
    if item.source_id and item.source.enterprise_id != ent:
        raise ValidationError({"source": _("This source belongs to another enterprise.")})
    if item.instrument_id and item.instrument.enterprise_id != ent:
        raise ValidationError({"instrument": _("This measuring equipment belongs to another enterprise.")})


@transaction.atomic
def plan_item_save(*, actor, data: dict[str, Any], plan: MonitoringPlan | None = None, item: PlanItem | None = None) -> PlanItem:
    plan = plan or item.plan
    require_for(actor, plan.enterprise, "change")
    if plan.status != MonitoringPlan.Status.DRAFT:
        raise ValidationError(_("An approved monitoring plan is not edited: create a new version."))
    item = item or PlanItem(plan=plan)
    apply(item, data, ITEM_FIELDS)
    item.full_clean()
    _check_item(item)
    item.save()
    return item


@transaction.atomic
def plan_approve(*, actor, plan: MonitoringPlan) -> MonitoringPlan:
    MONITORING_PLAN.check(actor, plan, "approve")
    if not plan.items.exists():
        raise ValidationError(_("The monitoring plan has no data items."))
    for old in plan.enterprise.monitoring_plans.filter(status=MonitoringPlan.Status.APPROVED):
        old.status = MonitoringPlan.Status.SUPERSEDED
        old.save()
    plan.status = MonitoringPlan.Status.APPROVED
    plan.approved_by, plan.approved_at = actor, timezone.now()
    plan.save()
    record_event(actor=actor, enterprise=plan.enterprise, kind="monitoring_plan_approved", plan=plan.pk, version=plan.version)
    return plan


INSTRUMENT_FIELDS = ("code", "name", "instrument_type", "model_number", "accuracy_class", "location", "in_service")


@transaction.atomic
def instrument_save(*, actor, data: dict[str, Any], enterprise: Enterprise | None = None,
                    instrument: MeasuringInstrument | None = None) -> MeasuringInstrument:
    if instrument is None:
        require_for(actor, enterprise, "add")
        instrument = MeasuringInstrument(enterprise=enterprise)
    else:
        require_for(actor, instrument.enterprise, "change")
    apply(instrument, data, INSTRUMENT_FIELDS)
    instrument.full_clean()
    instrument.save()
    if "sources" in data:
        sources = list(data["sources"])
        if any(s.enterprise_id != instrument.enterprise_id for s in sources):
            raise ValidationError({"sources": _("A source belongs to another enterprise.")})
        instrument.sources.set(sources)
    return instrument


@transaction.atomic
def calibration_add(*, actor, instrument: MeasuringInstrument, data: dict[str, Any]) -> Calibration:
    require_for(actor, instrument.enterprise, "change")
    cal = Calibration(instrument=instrument)
    apply(cal, data, ("kind", "performed_on", "due_on", "certificate_no", "certificate", "body", "passed"))
    cal.full_clean()
    if cal.due_on <= cal.performed_on:
        raise ValidationError({"due_on": _("The due date must be after the calibration date.")})
    cal.save()
    return cal
