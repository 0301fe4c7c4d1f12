"""User factors: add a factor or a new (immutable) version of it."""
from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from carbonms.accounting import units
from carbonms.accounting.factors import sector_for_industry
from carbonms.accounting.prepare import parse_ef_unit
from carbonms.common.tenancy import require

from ..models import UserFactor

FIELDS = ("key", "kind", "material", "ncv", "ncv_unit", "carbon_content", "oxidation_rate", "ef", "ef_unit",
          "source_document", "year", "status", "note")


def check_factor(f: UserFactor) -> None:
    errors: dict[str, str] = {}
    if f.kind == UserFactor.Kind.FUEL:
        for name in ("ncv", "carbon_content", "oxidation_rate"):
            if getattr(f, name) is None or getattr(f, name) <= 0:
                errors[name] = _("Enter a positive number.")
        if f.oxidation_rate is not None and f.oxidation_rate > 1:
            errors["oxidation_rate"] = _("The oxidation rate is a fraction between 0 and 1.")
        if f.carbon_content is not None and f.carbon_content >= 1:
            errors["carbon_content"] = _("The carbon content is in tC/GJ (e.g. 0.0261).")
        if f.ncv_unit not in ("GJ/t", "GJ/10^4Nm3"):
            errors["ncv_unit"] = _("Use GJ/t or GJ/10^4Nm3.")
    else:
        if f.ef is None or f.ef <= 0:
            errors["ef"] = _("Enter a positive number.")
        parsed = parse_ef_unit(f.ef_unit) if f.ef_unit else None
        if parsed is None or not units.is_known(parsed[2]):
            errors["ef_unit"] = _("Unknown factor unit “%(unit)s” (e.g. tCO2/MWh, tCO2/t).") % {"unit": f.ef_unit}
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def user_factor_add(*, actor, park, data: dict[str, Any], enterprise=None) -> UserFactor:
    """Add a factor, or a new version of an existing key (which then needs a note saying what changed)."""
    require(actor, "data", "add", park_id=park.pk, enterprise_id=enterprise.pk if enterprise else None)
    if enterprise is not None and enterprise.park_id != park.pk:
        raise ValidationError({"enterprise": _("The enterprise is not in this park.")})
    f = UserFactor(park=park, enterprise=enterprise, created_by=actor)
    for name in FIELDS:
        if name in data:
            setattr(f, name, data[name])
    f.key = (f.key or "").strip()
    existing = UserFactor.objects.filter(park=park, key=f.key)
    if existing.exists():
        if existing.exclude(enterprise=enterprise).exists():
            raise ValidationError({"key": _("This key is used by a factor of another scope.")})
        if not (f.note or "").strip():
            raise ValidationError({"note": _("A new version needs a note saying what changed.")})
        f.version = existing.aggregate(v=Max("version"))["v"] + 1
    f.full_clean()
    check_factor(f)
    f.save()
    return f


def latest_factors(park_id: int) -> dict[tuple[int | None, str], UserFactor]:
    """(enterprise id or None, key) -> the latest version, for the park's runs."""
    out: dict[tuple[int | None, str], UserFactor] = {}
    for f in UserFactor.objects.filter(park_id=park_id).order_by("key", "version"):
        out[(f.enterprise_id, f.key)] = f
    return out


def factor_for(factors: dict, enterprise_id: int, key: str) -> UserFactor | None:
    if not key:
        return None
    return factors.get((enterprise_id, key)) or factors.get((None, key))


def enterprise_sectors(enterprise_ids) -> dict[int, str]:
    """Enterprise id -> the sector default set of its industry (GB/T 4754 code; "other" when no sector
    guideline publishes its own defaults), see ``carbonms/accounting/data/industry_sectors.csv``."""
    from carbonms.organizations.models import Enterprise

    rows = Enterprise.objects.filter(pk__in=list(enterprise_ids)).values_list("pk", "industry_code")
    return {pk: sector_for_industry(code).code for pk, code in rows}
