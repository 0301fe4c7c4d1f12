"""Writes of the carbon data process, split by subdomain (register, monitoring, activity, lab/evidence).

Every service is keyword-only with ``actor`` first, atomic, checks permission through
``carbonms.common.tenancy`` and raises ``ValidationError`` keyed by field with translated text.
"""
from .activity import (
    activity_approve,
    activity_correct,
    activity_from_meter,
    activity_return,
    activity_save,
    activity_save_grid,
    activity_submit,
    period_lock,
)
from .evidence import evidence_attach, lab_analysis_add
from .factors import user_factor_add
from .monitoring import calibration_add, instrument_save, plan_approve, plan_create, plan_item_save
from .register import source_delete, source_retire, source_save

__all__ = [
    "activity_approve", "activity_correct", "activity_from_meter", "activity_return", "activity_save", "activity_save_grid", "activity_submit",
    "calibration_add", "evidence_attach", "instrument_save", "lab_analysis_add", "period_lock", "plan_approve",
    "plan_create", "plan_item_save", "source_delete", "source_retire", "source_save", "user_factor_add",
]
