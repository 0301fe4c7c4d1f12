"""Writes for organisations. Each service checks the actor's permission through the tenancy
mechanism, validates the whole record (``full_clean``) and saves atomically."""
from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from carbonms.common.tenancy import require

from . import reference
from .models import Boundary, EmissionUnit, Enterprise, Equipment, Park, Site

_DOMAIN = "organization"


def _apply(instance, data: dict[str, Any], fields: tuple[str, ...]):
    for name in fields:
        if name in data:
            setattr(instance, name, data[name])
    return instance


PARK_FIELDS = ("name", "name_en", "province", "city", "zone_type", "area_km2", "established_year", "grid_region", "administrator",
               "grid_scope", "grid_year_rule", "gwp_set", "factor_set")


@transaction.atomic
def park_save(*, actor, data: dict[str, Any], park: Park | None = None) -> Park:
    if park is None:
        if not actor.is_superuser:
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        park = Park()
    else:
        require(actor, _DOMAIN, "change", park_id=park.pk)
    _apply(park, data, PARK_FIELDS)
    if not park.grid_region and park.province in reference.provinces():
        park.grid_region = reference.provinces()[park.province].grid_region
    park.full_clean()
    park.save()
    return park


ENTERPRISE_FIELDS = (
    "kind", "name", "short_name", "credit_code", "industry_code", "industry_name", "address", "legal_representative",
    "contact_name", "contact_phone", "contact_email", "carbon_market_covered", "key_energy_consumer", "employees", "status",
    "entered_on", "exited_on",
)


@transaction.atomic
def enterprise_save(*, actor, data: dict[str, Any], park: Park | None = None, enterprise: Enterprise | None = None) -> Enterprise:
    """Create (give ``park``) or update (give ``enterprise``) an enterprise."""
    if enterprise is None:
        assert park is not None
        require(actor, _DOMAIN, "add", park_id=park.pk)  # only park-wide roles may add enterprises
        enterprise = Enterprise(park=park)
    else:
        require(actor, _DOMAIN, "change", park_id=enterprise.park_id, enterprise_id=enterprise.pk)
    data = dict(data)
    if "credit_code" in data and data["credit_code"]:
        data["credit_code"] = data["credit_code"].strip().upper()
    _apply(enterprise, data, ENTERPRISE_FIELDS)
    if not enterprise.industry_name and enterprise.industry_code:
        division = reference.industry_division(enterprise.industry_code)
        if division:
            enterprise.industry_name = division.name_zh
    if enterprise.kind == Enterprise.Kind.PARK_FACILITIES:
        clash = Enterprise.objects.filter(park_id=enterprise.park_id, kind=Enterprise.Kind.PARK_FACILITIES).exclude(pk=enterprise.pk)
        if clash.exists():
            raise ValidationError({"kind": _("The park already has its park-facilities reporting entity.")})
    enterprise.full_clean()
    enterprise.save()
    return enterprise


SITE_FIELDS = ("code", "name", "address", "is_main")


@transaction.atomic
def site_save(*, actor, data: dict[str, Any], enterprise: Enterprise | None = None, site: Site | None = None) -> Site:
    if site is None:
        assert enterprise is not None
        require(actor, _DOMAIN, "add", park_id=enterprise.park_id, enterprise_id=enterprise.pk)
        site = Site(enterprise=enterprise)
    else:
        require(actor, _DOMAIN, "change", park_id=site.enterprise.park_id, enterprise_id=site.enterprise_id)
    _apply(site, data, SITE_FIELDS)
    site.full_clean()
    site.save()
    return site


UNIT_FIELDS = ("site", "parent", "code", "name", "unit_type", "description", "is_active")


def _check_unit(unit: EmissionUnit) -> None:
    errors: dict[str, str] = {}
    if unit.site_id and unit.site.enterprise_id != unit.enterprise_id:
        errors["site"] = _("This site belongs to another enterprise.")
    if unit.parent_id:
        parent = unit.parent
        if parent.enterprise_id != unit.enterprise_id:
            errors["parent"] = _("The parent unit belongs to another enterprise.")
        elif parent.site_id != unit.site_id:
            errors["parent"] = _("The parent unit must be on the same site.")
        else:
            seen = set()
            node = parent
            while node is not None:
                if node.pk == unit.pk or node.pk in seen:
                    errors["parent"] = _("This parent would make the unit hierarchy a cycle.")
                    break
                seen.add(node.pk)
                node = node.parent
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def unit_save(*, actor, data: dict[str, Any], enterprise: Enterprise | None = None, unit: EmissionUnit | None = None) -> EmissionUnit:
    if unit is None:
        assert enterprise is not None
        require(actor, _DOMAIN, "add", park_id=enterprise.park_id, enterprise_id=enterprise.pk)
        unit = EmissionUnit(enterprise=enterprise)
    else:
        require(actor, _DOMAIN, "change", park_id=unit.enterprise.park_id, enterprise_id=unit.enterprise_id)
    _apply(unit, data, UNIT_FIELDS)
    unit.full_clean()
    _check_unit(unit)
    unit.save()
    return unit


EQUIPMENT_FIELDS = (
    "unit", "code", "name", "equipment_type", "model_number", "manufacturer", "rated_capacity", "capacity_unit",
    "energy_types", "commissioned_on", "status",
)


@transaction.atomic
def equipment_save(*, actor, data: dict[str, Any], enterprise: Enterprise | None = None, equipment: Equipment | None = None) -> Equipment:
    if equipment is None:
        assert enterprise is not None
        require(actor, _DOMAIN, "add", park_id=enterprise.park_id, enterprise_id=enterprise.pk)
        equipment = Equipment(enterprise=enterprise)
    else:
        require(actor, _DOMAIN, "change", park_id=equipment.enterprise.park_id, enterprise_id=equipment.enterprise_id)
    _apply(equipment, data, EQUIPMENT_FIELDS)
    equipment.full_clean()
    if equipment.unit_id and equipment.unit.enterprise_id != equipment.enterprise_id:
        raise ValidationError({"unit": _("This emission unit belongs to another enterprise.")})
    equipment.save()
    return equipment


@transaction.atomic
def boundary_revise(
    *, actor, park: Park, enterprise: Enterprise | None, kind: str, approach: str, description: str,
    effective_from: dt.date, sites: list[Site] | None = None, change_reason: str = "",
) -> Boundary:
    """Put a new boundary version in force from ``effective_from``; the version in force ends the day before.

    A version that would start on or before the start of the one in force is refused: history is
    only ever extended, never rewritten.
    """
    require(actor, _DOMAIN, "change", park_id=park.pk, enterprise_id=enterprise.pk if enterprise else None)
    if enterprise is not None and enterprise.park_id != park.pk:
        raise ValidationError({"enterprise": _("The enterprise is not in this park.")})
    history = Boundary.objects.select_for_update().filter(park=park, enterprise=enterprise, kind=kind)
    current = history.filter(effective_to__isnull=True).first()
    if current is not None:
        if effective_from <= current.effective_from:
            raise ValidationError(
                {"effective_from": _("A new version must start after %(date)s, when the version in force began.")
                 % {"date": current.effective_from.isoformat()}}
            )
        if not change_reason.strip():
            raise ValidationError({"change_reason": _("Give the reason for changing the boundary.")})
        current.effective_to = effective_from - dt.timedelta(days=1)
        current.save()
    sites = sites or []
    foreign = [s for s in sites if enterprise is not None and s.enterprise_id != enterprise.pk]
    if foreign:
        raise ValidationError({"sites": _("Site %(name)s belongs to another enterprise.") % {"name": foreign[0].name}})
    boundary = Boundary(
        park=park, enterprise=enterprise, kind=kind, approach=approach, description=description,
        effective_from=effective_from, change_reason=change_reason,
    )
    boundary.full_clean()
    boundary.save()
    if sites:
        boundary.sites.set(sites)
    return boundary
