"""Output and economic data: the product register, production and economic records, their review.

Rules (issue 10, item 3 and "Bad input"): an output is counted in its product's unit (another unit of the
same dimension is converted, another dimension or count is refused); value added needs its price basis;
no figure is negative; a closed month (production) or a closed year (economic: every month of the
enterprise's year locked, or the record locked) is changed only by a correction with a reason. Nobody
approves a value they entered or submitted (``workflows.PRODUCTION`` / ``workflows.ECONOMIC``).
"""
from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from carbonms.accounting import units
from carbonms.common import numbers
from carbonms.common.tenancy import require
from carbonms.common.workflow import workflow_of
from carbonms.organizations.models import Enterprise

from ..models import EconomicRecord, Evidence, PeriodLock, Product, ProductionRecord
from ..models.output import COUNT_UNITS
from .common import DOMAIN, bulk_write, record_event, require_for
from .evidence import MAX_EVIDENCE_BYTES, sha256_of

S = ProductionRecord.Status
OPEN = (S.DRAFT, S.REJECTED)
DONE = (S.APPROVED, S.LOCKED)


# -- units -------------------------------------------------------------------------------------------

def is_count_unit(unit: str) -> bool:
    return (unit or "").strip() in COUNT_UNITS


def check_product_unit(unit: str, kind: str) -> str:
    """A product's unit: a unit the platform converts (pint) or a declared count; exported energy in energy units."""
    unit = (unit or "").strip()
    if not unit:
        raise ValidationError({"unit": _("Enter the unit of output.")})
    if kind in Product.ENERGY_UNITS:
        if not units.is_known(unit) or not units.is_dimension(unit, "GJ"):
            raise ValidationError({"unit": _("Exported energy is counted in an energy unit (MWh, GJ…), not “%(unit)s”.")
                                   % {"unit": unit}})
        return unit
    if not (units.is_known(unit) or is_count_unit(unit)):
        raise ValidationError({"unit": _("Unknown unit “%(unit)s”: use a physical unit (t, 10^4t, MWh, GJ, m3…) or a count "
                                         "(%(counts)s).") % {"unit": unit[:numbers.SHOWN], "counts": "、".join(COUNT_UNITS)}})
    return unit


def quantity_in_product_unit(product: Product, quantity: Any, unit: str = "") -> Decimal:
    """The quantity in the product's unit. A unit of the same dimension is converted; any other is refused."""
    try:
        value = numbers.parse_decimal(quantity)
    except ValidationError as exc:
        raise ValidationError({"quantity": exc.messages}) from None
    if value is None:
        raise ValidationError({"quantity": _("Enter the quantity.")})
    if value < 0:
        raise ValidationError({"quantity": _("The quantity cannot be negative.")})
    unit = (unit or "").strip()
    if unit and unit != product.unit:
        mismatch = ValidationError({"unit": _("Wrong unit “%(unit)s”: product %(code)s is counted in %(expected)s.")
                                    % {"unit": unit[:numbers.SHOWN], "code": product.code, "expected": product.unit}})
        if is_count_unit(unit) or is_count_unit(product.unit) or not units.is_known(unit):
            raise mismatch
        try:
            value = Decimal(repr(units.conversion_factor(unit, product.unit))) * value
        except units.UnitProblem:
            raise mismatch from None
    try:
        return numbers.decimal_for_field(value, ProductionRecord._meta.get_field("quantity"))
    except ValidationError as exc:
        raise ValidationError({"quantity": exc.messages}) from None


# -- the product register ----------------------------------------------------------------------------

PRODUCT_FIELDS = ("code", "name", "kind", "unit", "active", "note")


@transaction.atomic
def product_save(*, actor, enterprise: Enterprise, data: dict[str, Any], instance: Product | None = None) -> Product:
    """Add a product to an enterprise's register or change one. Its unit is fixed once output is recorded."""
    require_for(actor, enterprise, "change" if instance else "add")
    product = instance or Product(enterprise=enterprise)
    if instance is not None and instance.enterprise_id != enterprise.pk:
        raise ValidationError({"enterprise": _("This product belongs to another enterprise.")})
    old_unit, old_kind = product.unit, product.kind
    for f in PRODUCT_FIELDS:
        if f in data:
            setattr(product, f, data[f].strip() if isinstance(data[f], str) else data[f])
    product.unit = check_product_unit(product.unit, product.kind)
    if product.pk and (product.unit != old_unit or product.kind != old_kind) and product.records.exists():
        raise ValidationError({"unit": _("Output is already recorded in %(unit)s: the unit and kind of this product cannot change.")
                               % {"unit": old_unit}})
    if Product.objects.filter(enterprise=enterprise, code=product.code).exclude(pk=product.pk).exists():
        raise ValidationError({"code": _("Product code %(code)s is already used by this enterprise.") % {"code": product.code}})
    product.full_clean()
    product.save()
    return product


# -- production --------------------------------------------------------------------------------------

def locked_months(enterprise_id: int, year: int) -> set[int]:
    return set(PeriodLock.objects.filter(enterprise_id=enterprise_id, year=year).values_list("month", flat=True))


def _month_locked_error(year: int, month: int) -> ValidationError:
    return ValidationError({"month": _("%(year)d-%(month)02d is locked: changes need a correction with a reason.")
                            % {"year": year, "month": month}})


def _check_period(year: Any, month: Any) -> tuple[int, int]:
    try:
        year, month = int(year), int(month)
    except (TypeError, ValueError):
        raise ValidationError({"month": _("The month must be a whole number from 1 to 12.")}) from None
    if not 1 <= month <= 12:
        raise ValidationError({"month": _("The month must be a whole number from 1 to 12.")})
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": _("The year %(year)s is outside 2000–2100.") % {"year": year}})
    return year, month


def production_prepare(*, actor, enterprise: Enterprise, product: Product, year: Any, month: Any, quantity: Any,
                       unit: str = "", note: str = "", current: ProductionRecord | None, locked: set[int],
                       origin: str = ProductionRecord.Origin.MANUAL, data_import=None) -> ProductionRecord:
    """One production value checked (no query, nothing saved): the record to save, new or the current draft."""
    if product.enterprise_id != enterprise.pk:
        raise ValidationError({"product": _("Product %(code)s belongs to another enterprise.") % {"code": product.code}})
    year, month = _check_period(year, month)
    if month in locked:
        raise _month_locked_error(year, month)
    value = quantity_in_product_unit(product, quantity, unit)
    rec = current
    if rec is not None and rec.status == S.SUBMITTED:
        raise ValidationError({"quantity": _("This value is waiting for review; ask the reviewer to return it first.")})
    if rec is not None and rec.status in DONE:
        raise ValidationError({"quantity": _("This value is approved: change it with a correction.")})
    if rec is None:
        rec = ProductionRecord(product=product, enterprise=enterprise, year=year, month=month, entered_by=actor)
    rec.quantity, rec.unit, rec.note = value, product.unit, (note or rec.note or "")[:300]
    rec.status, rec.origin, rec.entered_by, rec.data_import = S.DRAFT, origin, actor, data_import
    rec.clean_fields(exclude=("product", "enterprise", "previous", "data_import", "entered_by", "submitted_by", "reviewed_by"))
    return rec


@transaction.atomic
def production_save(*, actor, product: Product, year: int, month: int, quantity: Any, unit: str = "",
                    note: str = "") -> ProductionRecord:
    """Enter or change the draft output of a product for a month."""
    enterprise = product.enterprise
    require_for(actor, enterprise, "add")
    year, month = _check_period(year, month)
    current = ProductionRecord.objects.filter(product=product, year=year, month=month, is_current=True).first()
    rec = production_prepare(actor=actor, enterprise=enterprise, product=product, year=year, month=month,
                             quantity=quantity, unit=unit, note=note, current=current,
                             locked=locked_months(enterprise.pk, year))
    rec.save()
    return rec


_PRODUCTION_SAVED = ("quantity", "unit", "note", "status", "origin", "entered_by", "data_import", "updated_at")


@transaction.atomic
def production_save_many(*, actor, enterprise: Enterprise, year: int, rows: list[dict[str, Any]],
                         origin: str = ProductionRecord.Origin.IMPORT, data_import=None
                         ) -> tuple[list[ProductionRecord], dict[int, ValidationError]]:
    """:func:`production_save` for many values of one enterprise and year, set-based (the import).

    ``rows`` hold ``product``, ``month``, ``quantity`` and optionally ``unit``, ``note``. With any error
    nothing is written; the errors come back by row index.
    """
    require_for(actor, enterprise, "add")
    locked = locked_months(enterprise.pk, year)
    current = {(r.product_id, r.month): r for r in ProductionRecord.objects.filter(enterprise=enterprise, year=year, is_current=True)}
    records, errors, seen = [], {}, set()
    for i, row in enumerate(rows):
        product, month = row["product"], row["month"]
        if (product.pk, month) in seen:
            errors[i] = ValidationError({"product": _("Duplicate value: %(code)s month %(month)s appears twice.")
                                         % {"code": product.code, "month": month}})
            continue
        seen.add((product.pk, month))
        try:
            records.append(production_prepare(
                actor=actor, enterprise=enterprise, product=product, year=year, month=month, quantity=row["quantity"],
                unit=row.get("unit", ""), note=row.get("note", ""), current=current.get((product.pk, month)),
                locked=locked, origin=origin, data_import=data_import))
        except ValidationError as exc:
            errors[i] = exc
    if errors:
        return [], errors
    bulk_write(ProductionRecord, records, _PRODUCTION_SAVED)
    return records, {}


def _next_version(model, **key) -> int:
    return (model.objects.filter(**key).aggregate(v=Max("version"))["v"] or 0) + 1


def _check_correction(record, reason: str) -> str:
    if not (reason or "").strip():
        raise ValidationError({"reason": _("A correction needs a reason.")})
    if record.corrections.exclude(status__in=(S.SUPERSEDED, S.REJECTED)).exists():
        raise ValidationError(_("A correction of this value is already waiting."))
    return reason.strip()[:300]


@transaction.atomic
def production_correct(*, actor, record: ProductionRecord, quantity: Any, reason: str, unit: str = "") -> ProductionRecord:
    """A new version of an approved or locked value; the old one is used until the correction is approved."""
    workflow_of(record).check(actor, record, "correct")
    reason = _check_correction(record, reason)
    value = quantity_in_product_unit(record.product, quantity, unit)
    new = ProductionRecord(
        product=record.product, enterprise=record.enterprise, year=record.year, month=record.month, quantity=value,
        unit=record.unit, version=_next_version(ProductionRecord, product=record.product, year=record.year, month=record.month),
        previous=record, is_current=False, correction_reason=reason, status=S.DRAFT, entered_by=actor)
    new.full_clean(validate_constraints=False)
    new.save()
    return new


# -- economic data -----------------------------------------------------------------------------------

def year_closed(enterprise_id: int | None, year: int) -> bool:
    """An enterprise's year is closed when its twelve months are locked."""
    if enterprise_id is None:
        return False
    return PeriodLock.objects.filter(enterprise_id=enterprise_id, year=year).count() >= 12


def check_economic(data: dict[str, Any], *, park_level: bool) -> dict[str, Any]:
    """The figures of an economic record, checked: numbers, none negative, value added with its price basis.

    Every error is keyed by its field; several errors are reported together.
    """
    out: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for f in EconomicRecord.FIGURES:
        try:
            if f == "employees":
                value = numbers.parse_decimal(data.get(f))
                if value is not None and value != value.to_integral_value():
                    raise ValidationError(_("Employees is a whole number."))
                value = int(value) if value is not None else None
            else:
                value = numbers.decimal_for_field(data.get(f), EconomicRecord._meta.get_field(f))
        except ValidationError as exc:
            errors.setdefault(f, []).extend(exc.messages)
            continue
        if value is not None and value < 0:
            errors.setdefault(f, []).append(_("This figure cannot be negative."))
            continue
        out[f] = value
    if not park_level and out.get("gdp_10k_yuan") is not None:
        errors.setdefault("gdp_10k_yuan", []).append(_("GDP is a figure of the park, not of an enterprise."))
    basis = str(data.get("price_basis") or "").strip()
    labels = {str(label): value for value, label in EconomicRecord.PriceBasis.choices}
    basis = labels.get(basis, basis)
    base_year = data.get("price_base_year")
    if basis and basis not in EconomicRecord.PriceBasis.values:
        errors.setdefault("price_basis", []).append(_("Unknown price basis “%(basis)s”: current prices or constant prices of a base year.")
                                                    % {"basis": basis[:numbers.SHOWN]})
    elif out.get("value_added_10k_yuan") is not None and not basis:
        errors.setdefault("price_basis", []).append(_("Value added needs its price basis: current prices, or constant prices of a base year."))
    out["price_basis"] = basis if out.get("value_added_10k_yuan") is not None or basis else ""
    out["price_base_year"] = None
    if basis == EconomicRecord.PriceBasis.CONSTANT:
        try:
            out["price_base_year"] = int(str(base_year).strip())
            if not 1950 <= out["price_base_year"] <= 2100:
                raise ValueError
        except (TypeError, ValueError):
            errors.setdefault("price_base_year", []).append(_("Constant prices need their base year (e.g. 2020)."))
    if not errors and all(out.get(f) is None for f in EconomicRecord.FIGURES):
        errors.setdefault("value_added_10k_yuan", []).append(_("Enter at least one figure."))
    if errors:
        raise ValidationError(errors)
    return out


def economic_scope(*, park, enterprise) -> None:
    if enterprise is not None and enterprise.park_id != park.pk:
        raise ValidationError({"enterprise": _("This enterprise is not in the park.")})


def _require_economic(actor, park, enterprise, action: str) -> None:
    require(actor, DOMAIN, action, park_id=park.pk, enterprise_id=enterprise.pk if enterprise else None)


def economic_prepare(*, actor, park, enterprise: Enterprise | None, year: Any, data: dict[str, Any],
                     current: EconomicRecord | None, closed: bool, origin: str = EconomicRecord.Origin.MANUAL,
                     data_import=None) -> EconomicRecord:
    """One economic record checked (no query, nothing saved)."""
    economic_scope(park=park, enterprise=enterprise)
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise ValidationError({"year": _("Enter the year.")}) from None
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": _("The year %(year)s is outside 2000–2100.") % {"year": year}})
    if closed:
        raise ValidationError({"year": _("%(year)d is closed for this enterprise: changes need a correction with a reason.")
                               % {"year": year}})
    figures = check_economic(data, park_level=enterprise is None)
    rec = current
    if rec is not None and rec.status == S.SUBMITTED:
        raise ValidationError({"year": _("These figures are waiting for review; ask the reviewer to return them first.")})
    if rec is not None and rec.status in DONE:
        raise ValidationError({"year": _("These figures are approved: change them with a correction.")})
    if rec is None:
        rec = EconomicRecord(park=park, enterprise=enterprise, year=year, entered_by=actor)
    for f, v in figures.items():
        setattr(rec, f, v)
    rec.note = str(data.get("note") or rec.note or "")[:300]
    rec.status, rec.origin, rec.entered_by, rec.data_import = S.DRAFT, origin, actor, data_import
    rec.clean_fields(exclude=("park", "enterprise", "previous", "data_import", "entered_by", "submitted_by", "reviewed_by"))
    return rec


def _current_economic(park, enterprise, year: int) -> EconomicRecord | None:
    return EconomicRecord.objects.filter(park=park, enterprise=enterprise, year=year, is_current=True).first()


@transaction.atomic
def economic_save(*, actor, park, enterprise: Enterprise | None = None, year: int, data: dict[str, Any],
                  origin: str = EconomicRecord.Origin.MANUAL, data_import=None) -> EconomicRecord:
    """Enter or change the draft economic figures of an enterprise (or of the park) for a year."""
    _require_economic(actor, park, enterprise, "add")
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise ValidationError({"year": _("Enter the year.")}) from None
    rec = economic_prepare(actor=actor, park=park, enterprise=enterprise, year=year, data=data,
                           current=_current_economic(park, enterprise, year),
                           closed=year_closed(enterprise.pk if enterprise else None, year),
                           origin=origin, data_import=data_import)
    rec.save()
    return rec


@transaction.atomic
def economic_correct(*, actor, record: EconomicRecord, data: dict[str, Any], reason: str) -> EconomicRecord:
    """A new version of approved or locked figures (fields not given keep their value)."""
    workflow_of(record).check(actor, record, "correct")
    reason = _check_correction(record, reason)
    merged = {f: getattr(record, f) for f in (*EconomicRecord.FIGURES, "price_basis", "price_base_year")}
    merged.update({k: v for k, v in data.items() if k in merged and v not in (None, "")})
    figures = check_economic(merged, park_level=record.enterprise_id is None)
    new = EconomicRecord(park=record.park, enterprise=record.enterprise, year=record.year, previous=record, is_current=False,
                         version=_next_version(EconomicRecord, park=record.park, enterprise=record.enterprise, year=record.year),
                         correction_reason=reason, status=S.DRAFT, entered_by=actor, **figures)
    new.full_clean(validate_constraints=False)
    new.save()
    return new


@transaction.atomic
def economic_lock(*, actor, record: EconomicRecord) -> EconomicRecord:
    workflow_of(record).check(actor, record, "lock")
    record.status = S.LOCKED
    record.save()
    record_event(actor=actor, park=record.park, enterprise=record.enterprise, kind="economic_locked", year=record.year)
    return record


# -- review (both kinds) -----------------------------------------------------------------------------

def _is_closed(r) -> bool:
    if isinstance(r, ProductionRecord):
        return PeriodLock.objects.filter(enterprise_id=r.enterprise_id, year=r.year, month=r.month).exists()
    return year_closed(r.enterprise_id, r.year)


@transaction.atomic
def output_submit(*, actor, records: Iterable) -> list:
    records = list(records)
    for r in records:
        workflow_of(r).check(actor, r, "submit")
    now = timezone.now()
    for r in records:
        r.status, r.submitted_by, r.submitted_at = S.SUBMITTED, actor, now
        r.save()
    return records


@transaction.atomic
def output_approve(*, actor, records: Iterable, comment: str = "") -> list:
    records = list(records)
    for r in records:
        workflow_of(r).check(actor, r, "approve")
    now = timezone.now()
    for r in records:
        if r.previous_id:
            old = r.previous
            old.is_current, old.status = False, S.SUPERSEDED
            old.save()
            r.is_current = True
        r.status = S.LOCKED if _is_closed(r) else S.APPROVED
        r.reviewed_by, r.reviewed_at, r.review_comment = actor, now, (comment or "")[:300]
        r.save()
    return records


@transaction.atomic
def output_return(*, actor, records: Iterable, comment: str) -> list:
    records = list(records)
    for r in records:
        workflow_of(r).check(actor, r, "return")
    if not (comment or "").strip():
        raise ValidationError({"comment": _("Say why the data is returned.")})
    now = timezone.now()
    for r in records:
        r.status, r.reviewed_by, r.reviewed_at, r.review_comment = S.REJECTED, actor, now, comment.strip()[:300]
        r.save()
    return records


# -- closing a month (called by ``activity.period_lock``) --------------------------------------------

def open_in_month(enterprise: Enterprise, year: int, month: int) -> int:
    """Production values of the month not yet approved (a month closes only when there are none)."""
    return (ProductionRecord.objects.filter(enterprise=enterprise, year=year, month=month, is_current=True)
            .exclude(status__in=DONE).count())


def lock_month(enterprise: Enterprise, year: int, month: int) -> None:
    """The month is closed: its approved production is locked; with the twelfth month, the approved economic record."""
    for r in ProductionRecord.objects.filter(enterprise=enterprise, year=year, month=month, is_current=True, status=S.APPROVED):
        r.status = S.LOCKED
        r.save()
    if year_closed(enterprise.pk, year):
        for r in EconomicRecord.objects.filter(enterprise=enterprise, year=year, is_current=True, status=S.APPROVED):
            r.status = S.LOCKED
            r.save()


# -- evidence ----------------------------------------------------------------------------------------

@transaction.atomic
def output_evidence_attach(*, actor, record, file, kind: str, description: str = "") -> Evidence:
    """A file kept as evidence of a production or economic record (the carbon data evidence store).

    Evidence belongs to an enterprise: that of the record, or for the park's own economic record the
    park's facilities entity (refused when the park has none).
    """
    enterprise = record.enterprise
    if isinstance(record, EconomicRecord):
        _require_economic(actor, record.park, enterprise, "add")
        if enterprise is None:
            enterprise = record.park.enterprises.filter(kind=Enterprise.Kind.PARK_FACILITIES).order_by("pk").first()
            if enterprise is None:
                raise ValidationError({"file": _("Evidence of the park's figures is kept with the park facilities entity; "
                                                 "register the park facilities first.")})
    else:
        require_for(actor, enterprise, "add")
    if file is None:
        raise ValidationError({"file": _("Choose a file.")})
    if getattr(file, "size", 0) > MAX_EVIDENCE_BYTES:
        raise ValidationError({"file": _("The file is larger than 20 MB.")})
    ev = Evidence(enterprise=enterprise, kind=kind, description=description, uploaded_by=actor,
                  original_name=getattr(file, "name", "file").replace("\x00", "")[:200], sha256=sha256_of(file),
                  production=record if isinstance(record, ProductionRecord) else None,
                  economic=record if isinstance(record, EconomicRecord) else None)
    ev.file.save(ev.original_name, file, save=False)
    ev.full_clean()
    ev.save()
    return ev
