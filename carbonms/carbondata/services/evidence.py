"""Evidence files and lab analyses."""
from __future__ import annotations

import hashlib
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import ActivityRecord, Evidence, LabAnalysis, Source
from .activity import _refuse_locked, is_locked, to_decimal
from .common import require_for

MAX_EVIDENCE_BYTES = 20 * 1024 * 1024


def sha256_of(f) -> str:
    h = hashlib.sha256()
    for chunk in f.chunks() if hasattr(f, "chunks") else [f.read()]:
        h.update(chunk)
    f.seek(0)
    return h.hexdigest()


@transaction.atomic
def evidence_attach(*, actor, enterprise, file, kind: str, description: str = "", activity: ActivityRecord | None = None,
                    lab_analysis: LabAnalysis | None = None, data_import=None) -> Evidence:
    require_for(actor, enterprise, "add")
    for target in (activity, lab_analysis, data_import):
        if target is not None and target.scope_ids()[1] != enterprise.pk:
            raise ValidationError({"activity": _("This record belongs to another enterprise.")})
    if file is None:
        raise ValidationError({"file": _("Choose a file.")})
    if getattr(file, "size", 0) > MAX_EVIDENCE_BYTES:
        raise ValidationError({"file": _("The file is larger than 20 MB.")})
    ev = Evidence(enterprise=enterprise, activity=activity, lab_analysis=lab_analysis, data_import=data_import, kind=kind,
                  original_name=getattr(file, "name", "file").replace("\x00", "")[:200], sha256=sha256_of(file), description=description,
                  uploaded_by=actor)
    ev.file.save(ev.original_name, file, save=False)
    ev.full_clean()
    ev.save()
    return ev


@transaction.atomic
def lab_analysis_add(*, actor, source: Source, data: dict[str, Any]) -> LabAnalysis:
    require_for(actor, source.enterprise, "add")
    lab = LabAnalysis(source=source, entered_by=actor)
    for f in ("year", "month", "batch", "parameter", "unit", "laboratory"):
        if f in data:
            setattr(lab, f, data[f])
    lab.value = to_decimal(data.get("value"), "value", LabAnalysis)
    lab.weight = to_decimal(data.get("weight"), "weight", LabAnalysis)
    if is_locked(source.enterprise_id, lab.year, lab.month):
        _refuse_locked(source.enterprise_id, lab.year, lab.month)
    lab.full_clean()
    allowed = LabAnalysis.PARAMETER_UNITS.get(lab.parameter, ())
    if lab.unit not in allowed:
        raise ValidationError({"unit": _("Wrong unit “%(unit)s”: use %(allowed)s.") % {"unit": lab.unit, "allowed": ", ".join(allowed)}})
    if lab.value <= 0 or lab.weight <= 0:
        raise ValidationError({"value": _("Lab values and the amount represented must be positive.")})
    lab.save()
    return lab
