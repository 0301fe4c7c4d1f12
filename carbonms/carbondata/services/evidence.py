"""Evidence files and lab analyses."""
from __future__ import annotations

import hashlib
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from carbonms.accounting import units

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
    if lab.value <= 0 or lab.weight <= 0:
        raise ValidationError({"value": _("Lab values and the amount represented must be positive.")})
    check_lab_unit(source, lab.parameter, lab.value, lab.unit)
    lab.save()
    return lab


def check_lab_unit(source: Source, parameter: str, value, unit: str) -> float:
    """The lab value in the unit the accounting core takes for this source, or a ValidationError on ``unit``
    (or ``parameter``/``value``) saying why: a unit of another parameter, a unit that cannot describe the
    source's activity (a volume-based NCV for a fuel measured in tonnes), a parameter the method does not use."""
    uses = LAB_PARAMETERS_OF.get(source.method, ())
    if source.category in ("purchased_electricity", "purchased_heat", "fugitive", "removal"):
        uses = ()
    if parameter not in uses:
        raise ValidationError({"parameter": _("The method of this source does not use this lab parameter (it uses: %(uses)s).")
                               % {"uses": ", ".join(uses) or "—"}})
    try:
        _column, converted = units.lab_value(parameter, float(value), unit, source.activity_unit)
    except units.UnitProblem as problem:
        allowed = ", ".join(units.LAB_UNITS.get(parameter, ()))
        if problem.code == "lab_unit":
            raise ValidationError({"unit": _("Wrong unit “%(unit)s”: use %(allowed)s.") % {"unit": unit, "allowed": allowed}})
        raise ValidationError({"unit": _("The unit “%(unit)s” cannot describe this source's activity, measured in "
                                         "%(activity)s.") % {"unit": unit, "activity": source.activity_unit}})
    if parameter in ("oxidation_rate", "purity") and not 0 < converted <= 1:
        raise ValidationError({"value": _("Give a percentage above 0 and at most 100.")})
    if (parameter in ("carbon_fraction", "carbon_content") and unit in ("%", "tC/t") and converted > 1):
        raise ValidationError({"value": _("A mass fraction of carbon cannot exceed 100 %.")})
    return converted


#: the lab parameters each method takes (fuel combustion: NCV, carbon content, oxidation; mass balance: the
#: carbon fraction of the flow; emission factor: the purity of a carbonate)
LAB_PARAMETERS_OF = {
    "fuel_combustion": ("ncv", "carbon_content", "oxidation_rate"),
    "mass_balance": ("carbon_fraction",),
    "emission_factor": ("purity",),
}
