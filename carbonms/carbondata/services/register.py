"""The source register: create, edit, retire; never delete a source that has data."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from carbonms.accounting import units
from carbonms.accounting.categories import ALLOWED_METHODS, METHODS, RECOVERY_GUIDELINES
from carbonms.accounting.factors import sector_for_industry
from carbonms.common import services as common_services
from carbonms.common import tenancy
from carbonms.organizations.models import Enterprise

from ..models import Source
from ..models.register import Category, Method
from .common import apply, require_for

SOURCE_FIELDS = (
    "code", "name", "unit", "equipment", "category", "gases", "method", "material", "factor_key", "activity_unit",
    "data_source", "data_owner", "data_owner_name", "supplier", "plausible_min", "plausible_max", "change_threshold",
    "effective_from", "effective_to", "method_reason", "direction", "balance_group", "carbon_fraction", "purity",
    "calcination_fraction", "steam_enthalpy", "market_share", "market_ef",
)
ENERGY_PURCHASE = {Category.PURCHASED_ELECTRICITY, Category.PURCHASED_HEAT}


def check_source(source: Source) -> None:
    errors: dict[str, str] = {}
    if source.unit_id and source.unit.enterprise_id != source.enterprise_id:
        errors["unit"] = _("This emission unit belongs to another enterprise.")
    if source.equipment_id and source.equipment.enterprise_id != source.enterprise_id:
        errors["equipment"] = _("This equipment belongs to another enterprise.")
    if source.category and source.method:
        allowed = ALLOWED_METHODS.get(source.category, frozenset())
        if METHODS.index(source.method) not in allowed:
            errors["method"] = _("This method cannot be used for the category %(category)s.") % {
                "category": source.get_category_display()}
    if source.activity_unit and not units.is_known(source.activity_unit):
        errors["activity_unit"] = _("Unknown unit “%(unit)s”.") % {"unit": source.activity_unit}
    errors.update(_method_parameter_errors(source))
    if source.supplier_id:
        if source.category not in ENERGY_PURCHASE:
            errors["supplier"] = _("Only purchased electricity or heat has a supplier inside the park.")
        elif source.supplier_id == source.enterprise_id:
            errors["supplier"] = _("An enterprise cannot buy energy from itself.")
        elif source.supplier.park_id != source.enterprise.park_id:
            errors["supplier"] = _("The supplier must be an enterprise of the same park.")
    if source.factor_key:
        from .factors import factor_for, latest_factors

        if factor_for(latest_factors(source.enterprise.park_id), source.enterprise_id, source.factor_key) is None:
            errors["factor_key"] = _("Unknown user factor “%(key)s”.") % {"key": source.factor_key}
    if source.effective_to and source.effective_from and source.effective_to < source.effective_from:
        errors["effective_to"] = _("The end of the effective period is before its start.")
    if (source.plausible_min is not None and source.plausible_max is not None
            and source.plausible_min > source.plausible_max):
        errors["plausible_max"] = _("The plausible maximum is below the minimum.")
    if errors:
        raise ValidationError(errors)


def _method_parameter_errors(source: Source) -> dict[str, str]:
    """The parameters each method needs (T/CIECCPA 061 §8.2.5), and none it does not use."""
    errors: dict[str, str] = {}
    if source.pk is None and not (source.method_reason or "").strip():
        errors["method_reason"] = _("Give the reason for choosing this method (T/CIECCPA 061 §8.2.5).")
    mass_balance = source.method == Method.MASS_BALANCE
    if mass_balance:
        if not source.direction:
            errors["direction"] = _("A mass-balance flow needs its direction (input or output).")
        base = units.activity_base(source.activity_unit) if source.activity_unit else None
        if base is None and source.activity_unit and units.is_known(source.activity_unit):
            errors["activity_unit"] = _("A mass-balance flow is measured in a mass (t) or a gas volume (10^4Nm3).")
        if source.carbon_fraction is None:
            errors["carbon_fraction"] = _("A mass-balance flow needs its default carbon fraction.")
        elif source.carbon_fraction <= 0 or (base == "t" and source.carbon_fraction > 1):
            errors["carbon_fraction"] = _("The carbon fraction must be above 0 and, per tonne, at most 1.")
    else:
        for name in ("direction", "balance_group", "carbon_fraction"):
            if getattr(source, name) not in (None, ""):
                errors[name] = _("Used by the mass-balance method only.")
    if (source.category == Category.CO2_RECOVERED
            and sector_for_industry(source.enterprise.industry_code).code not in RECOVERY_GUIDELINES):
        errors["category"] = _("The sector guideline of this enterprise's industry (%(code)s) does not deduct CO2 recovered: "
                               "the chemical guideline does.") % {"code": source.enterprise.industry_code}
    for name in ("purity", "calcination_fraction"):
        value = getattr(source, name)
        if value is None:
            continue
        if name == "purity" and source.category == Category.CO2_RECOVERED:
            if not 0 < value <= 1:
                errors[name] = _("Give a fraction above 0 and at most 1 (e.g. 0.95, not 95).")
            continue
        if source.method != Method.EMISSION_FACTOR or source.category in ENERGY_PURCHASE:
            errors[name] = _("Used by the emission-factor method (carbonates) only.")
        elif not 0 < value <= 1:
            errors[name] = _("Give a fraction above 0 and at most 1 (e.g. 0.95, not 95).")
    if source.category == Category.PURCHASED_ELECTRICITY:
        if source.market_share is not None and not 0 <= source.market_share <= 1:
            errors["market_share"] = _("Give a fraction from 0 to 1 (e.g. 0.3, not 30).")
        if source.market_ef is not None and source.market_share is None:
            errors["market_share"] = _("Give the share the contracts cover.")
        if source.market_ef is not None and source.market_ef < 0:
            errors["market_ef"] = _("The factor cannot be negative.")
    else:
        for name in ("market_share", "market_ef"):
            if getattr(source, name) is not None:
                errors[name] = _("Used for purchased electricity only.")
    steam = source.activity_unit and units.is_known(source.activity_unit) and units.is_dimension(source.activity_unit, "tsteam")
    if steam and source.category == Category.PURCHASED_HEAT:
        if source.steam_enthalpy is None:
            errors["steam_enthalpy"] = _("Steam measured in tonnes needs its enthalpy (kJ/kg).")
        elif source.steam_enthalpy <= Decimal(str(units.CONDENSATE_ENTHALPY_KJ_PER_KG)):
            errors["steam_enthalpy"] = _("The steam enthalpy must be above that of the condensate (83.74 kJ/kg).")
    elif source.steam_enthalpy is not None:
        errors["steam_enthalpy"] = _("Used for purchased steam measured in tonnes only.")
    return errors


@transaction.atomic
def source_save(*, actor, data: dict[str, Any], enterprise: Enterprise | None = None, source: Source | None = None) -> Source:
    """Create (give ``enterprise``) or update (give ``source``) a register entry."""
    if source is None:
        assert enterprise is not None
        require_for(actor, enterprise, "add")
        source = Source(enterprise=enterprise)
    else:
        require_for(actor, source.enterprise, "change")
        if source.status == Source.Status.RETIRED:
            raise ValidationError(_("A retired source cannot be edited."))
    apply(source, data, SOURCE_FIELDS)
    if not source.gases:
        source.gases = "CO2"
    source.full_clean()
    check_source(source)
    # The supplier is another enterprise of the park; the data owner a user with a role in the source's scope.
    tenancy.require_related_of(source, "unit", "equipment", "supplier", "data_owner", reach={"supplier": tenancy.PARK_REACH})
    source.save()
    return source


@transaction.atomic
def source_retire(*, actor, source: Source, on: dt.date, reason: str) -> Source:
    require_for(actor, source.enterprise, "change")
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for retiring the source.")})
    if on < source.effective_from:
        raise ValidationError({"on": _("The source cannot be retired before it took effect.")})
    later = source.activity.filter(year__gt=on.year) | source.activity.filter(year=on.year, month__gt=on.month)
    if later.exists():
        raise ValidationError({"on": _("The source has activity data after this date.")})
    source.status = Source.Status.RETIRED
    source.effective_to = on
    source.retire_reason = reason.strip()
    source.full_clean()
    source.save()
    return source


@transaction.atomic
def source_delete(*, actor, source: Source) -> None:
    """Delete a source entered by mistake; a source with data is retired instead."""
    if source.activity.exists() or source.lab_analyses.exists():
        raise ValidationError(_("This source has activity data: retire it instead of deleting it."))
    common_services.record_delete(actor=actor, obj=source)
