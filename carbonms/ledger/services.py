"""Writes of the carbon-asset ledger (issue 13 items 1–2). Every function is keyword-only, ``actor`` first,
atomic, checks the actor's role through the tenancy and validates before it saves.

For the other apps (``compliance`` surrenders, neutrality cancellations) the entry points are:

``movement_enter(*, actor, park, enterprise=None, data, evidence_file=None) -> Movement``
    Enter a movement (status *entered*). ``data`` keys: ``kind`` (``Movement.Kind``), ``instrument``
    (an :class:`Instrument` of the same holder), ``date``, ``quantity_t``, and as the kind needs:
    ``account``, ``price_yuan_per_t``, ``amount_yuan``, ``fees_yuan``, ``currency`` (CNY only),
    ``counterparty``, ``trade_method``, ``trade_reference``, ``compliance_year`` (surrender), ``claim_year``
    and ``certificate_no`` (cancellation), ``purpose``, ``serial_first``/``serial_last``, ``to_instrument``
    (carry-over), ``evidence``, ``notes``. Refused with a ``ValidationError`` keyed by field: more than is held
    on that date (``quantity_t``), a serial range already used (``serial_first``, naming both uses), a price in
    another currency (``currency``), a missing trade detail.

``movement_approve(*, actor, movement) -> Movement``
    The second person approves (maker-checker: never the person who entered it; ``assets.approve``). The
    holding and serial checks run again; only approved movements count in holdings and statements.

``serial_use_check(*, park, enterprise, kind, date, serial_first, serial_last, exclude=None) -> SerialUse``
    **The one place that enforces "a unit is used once"** (surrendered, cancelled for a claim — by any entity,
    in any year, the park included — or sold): raises ``ValidationError({"serial_first": …})`` naming the new
    use and the earlier one when the range overlaps a use recorded in any park. A unit sold by one holder
    may be used by a *different* holder who acquired it after the sale (it holds an instrument whose serial
    range covers it); the seller can never use it again. ``movement_enter`` and ``movement_approve`` call it;
    call it yourself before any other record that consumes units.
"""
from __future__ import annotations

import datetime as dt
import zlib
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from carbonms.assets import ledger as core
from carbonms.common import tenancy

from .models import Account, Instrument, Movement, PriceQuote
from .workflows import MOVEMENT

M = Movement.Kind
CNY = "CNY"
CURRENCY_ALIASES = {"cny": CNY, "rmb": CNY, "元": CNY, "人民币": CNY, "￥": CNY, "¥": CNY}
UNIT_ALIASES = {"tco2": "tCO2", "tco₂": "tCO2", "tco2e": "tCO2", "tco₂e": "tCO2", "t": "tCO2", "吨": "tCO2",
                "cny/tco2": "tCO2", "元/吨": "tCO2", "元/tco2": "tCO2", "元/吨co2": "tCO2", "yuan/t": "tCO2", "cny/t": "tCO2"}


# -- holders -----------------------------------------------------------------------------------------------------------

def _require(actor, action: str, park, enterprise) -> None:
    if enterprise is not None and enterprise.park_id != park.pk:
        raise ValidationError({"enterprise": _("This enterprise is not in this park.")})
    tenancy.require(actor, "assets", action, park_id=park.pk, enterprise_id=enterprise.pk if enterprise else None)


def _same_holder(record, park, enterprise) -> bool:
    return record.park_id == park.pk and record.enterprise_id == (enterprise.pk if enterprise else None)


def normalise_currency(value: Any) -> str | None:
    """"CNY" for CNY and its usual spellings; None for any other currency."""
    text = str(value or CNY).strip()
    return CNY if text.upper() == CNY else CURRENCY_ALIASES.get(text.lower())


def normalise_unit(value: Any) -> str | None:
    """"tCO2" for a price per tonne of CO₂ (however written); None for any other unit."""
    text = str(value or "tCO2").strip().replace(" ", "")
    return UNIT_ALIASES.get(text.lower())


def _wrong_currency(value) -> ValidationError:
    return ValidationError({"currency": _("Prices and amounts are in CNY (yuan per tCO₂); “%(value)s” is not accepted. "
                                          "Convert the figure to CNY first.") % {"value": value}})


def _decimal(data: dict, field: str, *, required: bool = False, non_negative: bool = True) -> Decimal | None:
    value = data.get(field)
    if value in (None, ""):
        if required:
            raise ValidationError({field: _("This field is required.")})
        return None
    try:
        d = value if isinstance(value, Decimal) else Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("“%(value)s” is not a number.") % {"value": value}})
    if not d.is_finite() or (non_negative and d < 0):
        raise ValidationError({field: _("Give a number of at least 0.")})
    return d


# -- accounts and instruments ------------------------------------------------------------------------------------------

ACCOUNT_FIELDS = ("kind", "market", "local_market", "institution", "number", "name", "opened_on", "closed_on", "notes")
INSTRUMENT_FIELDS = ("kind", "vintage", "local_market", "project_id", "project_name", "methodology", "registered_on",
                     "serial_first", "serial_last", "forestry", "local", "from_covered_project", "green_certificate_claimed",
                     "product", "notes")


@transaction.atomic
def account_save(*, actor, park, enterprise=None, data: dict[str, Any], account: Account | None = None) -> Account:
    """Open (or edit) a carbon account of an enterprise or of the park (T/CIECCPA 8.3.1.2)."""
    if account is None:
        _require(actor, "add", park, enterprise)
        account = Account(park=park, enterprise=enterprise)
    else:
        tenancy.require(actor, "assets", "change", park_id=account.park_id, enterprise_id=account.enterprise_id)
    for f in ACCOUNT_FIELDS:
        if f in data:
            setattr(account, f, data[f] if data[f] is not None else "" if f not in ("opened_on", "closed_on") else None)
    if account.market == Account.Market.LOCAL and not account.local_market:
        raise ValidationError({"local_market": _("Name the pilot market of a local account.")})
    account.full_clean()
    account.save()
    return account


def _parse_serials(first: str, last: str, quantity=None, field: str = "serial_first"):
    first, last = (first or "").strip(), (last or "").strip()
    if not first and not last:
        return None
    if not first or not last:
        raise ValidationError({field if not first else "serial_last": _("Give both the first and the last serial number.")})
    try:
        rng = core.serial_range(first, last, "")
    except ValueError:
        raise ValidationError({field: _("The serial numbers must end in a number, belong to the same block and the last "
                                        "must not come before the first (“%(first)s”–“%(last)s”).") % {"first": first, "last": last}})
    if quantity is not None and Decimal(rng.last - rng.first + 1) != Decimal(quantity):
        raise ValidationError({"quantity_t": _("The serial range %(first)s–%(last)s holds %(n)s units, not %(q)s t (one unit is "
                                               "one tonne).") % {"first": first, "last": last, "n": rng.last - rng.first + 1,
                                                                  "q": quantity}})
    return rng


@transaction.atomic
def instrument_save(*, actor, park, enterprise=None, data: dict[str, Any], instrument: Instrument | None = None) -> Instrument:
    """Record an instrument held by an enterprise or the park: allowances of a vintage, or a lot of credits with its
    project, methodology, vintage and serial range."""
    if instrument is None:
        _require(actor, "add", park, enterprise)
        instrument = Instrument(park=park, enterprise=enterprise)
    else:
        tenancy.require(actor, "assets", "change", park_id=instrument.park_id, enterprise_id=instrument.enterprise_id)
        if instrument.movements.exists() and ("kind" in data and data["kind"] != instrument.kind):
            raise ValidationError({"kind": _("Movements refer to this instrument: its kind cannot change.")})
    for f in INSTRUMENT_FIELDS:
        if f in data:
            value = data[f]
            setattr(instrument, f, value if value is not None or f in ("vintage", "registered_on") else "")
    K = Instrument.Kind
    if instrument.kind in (K.CEA, K.LOCAL_ALLOWANCE, K.CCER) and not instrument.vintage:
        raise ValidationError({"vintage": _("Give the vintage of these allowances or credits.")})
    if instrument.kind == K.LOCAL_ALLOWANCE and not instrument.local_market:
        raise ValidationError({"local_market": _("Name the pilot market of local allowances.")})
    if instrument.kind == K.CCER and not instrument.project_id:
        raise ValidationError({"project_id": _("Give the CCER project ID.")})
    rng = _parse_serials(instrument.serial_first, instrument.serial_last)
    instrument.serial_prefix, instrument.serial_from, instrument.serial_to = (rng.prefix, rng.first, rng.last) if rng else ("", None, None)
    if rng:
        _refuse_retired(rng, instrument)
    instrument.full_clean()
    instrument.save()
    return instrument


def _refuse_retired(rng, instrument) -> None:
    """A lot cannot be recorded over units already surrendered or cancelled (retired for good)."""
    clash = (Movement.objects.filter(serial_prefix=rng.prefix, serial_from__lte=rng.last, serial_to__gte=rng.first,
                                     kind__in=(M.SURRENDER, M.CANCELLATION)).exclude(status=Movement.Status.REJECTED)
             .select_related("park", "enterprise").first())
    if clash is not None:
        raise ValidationError({"serial_first": _("Serials %(first)s–%(last)s include units already used: %(use)s.")
                               % {"first": instrument.serial_first, "last": instrument.serial_last, "use": describe_use(clash, instrument.park_id)}})


# -- units used once ---------------------------------------------------------------------------------------------------

def describe_use(m: Movement, park_id: int | None) -> str:
    """Names a recorded use for a message: what, by whom, for which year, when, the serials and the movement."""
    who = m.holder_name if m.park_id == park_id else _("an entity of another park")
    year = m.compliance_year or m.claim_year
    text = _("%(kind)s of %(first)s–%(last)s by %(who)s on %(date)s (movement %(id)s)") % {
        "kind": m.get_kind_display(), "first": m.serial_first, "last": m.serial_last, "who": who, "date": m.date.isoformat(),
        "id": m.pk}
    if year:
        text += _(", for %(year)s") % {"year": year}
    return text


def _lock(key: str) -> None:
    """Serialise the checks of one serial block across transactions (PostgreSQL advisory lock; SQLite writes are
    serialised anyway)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", [zlib.crc32(key.encode("utf-8"))])


def serial_use_check(*, park, enterprise, kind: str, date: dt.date, serial_first: str, serial_last: str,
                     exclude: Movement | None = None) -> core.SerialUse:
    """Refuse a use (surrender, cancellation for a claim, sale) of serials that overlap an earlier use by anybody
    (module docstring). Returns the parsed range. Call inside the transaction that records the use."""
    rng = _parse_serials(serial_first, serial_last)
    if rng is None:
        raise ValidationError({"serial_first": _("Give the serial numbers of the units used.")})
    _lock(rng.prefix)
    earlier = (Movement.objects.filter(serial_prefix=rng.prefix, serial_from__lte=rng.last, serial_to__gte=rng.first,
                                       kind__in=Movement.USES).exclude(status=Movement.Status.REJECTED)
               .select_related("park", "enterprise").order_by("date", "pk"))
    if exclude is not None and exclude.pk:
        earlier = earlier.exclude(pk=exclude.pk)
    holder_id = (park.pk, enterprise.pk if enterprise else None)
    for m in earlier:
        resold = (m.kind == M.SALE and (m.park_id, m.enterprise_id) != holder_id and m.date <= date
                  and Instrument.objects.filter(park_id=holder_id[0], enterprise_id=holder_id[1], serial_prefix=rng.prefix,
                                                serial_from__lte=rng.first, serial_to__gte=rng.last).exists())
        if resold:
            continue
        new = _("this %(kind)s of %(first)s–%(last)s") % {"kind": Movement.Kind(kind).label, "first": serial_first, "last": serial_last}
        raise ValidationError({"serial_first": _("A unit is used once: %(new)s overlaps the %(old)s.")
                               % {"new": new, "old": describe_use(m, park.pk)}}, code="serial_used")
    return rng


# -- movements ---------------------------------------------------------------------------------------------------------

MOVEMENT_FIELDS = ("kind", "instrument", "account", "date", "quantity_t", "price_yuan_per_t", "amount_yuan", "fees_yuan",
                   "currency", "counterparty", "trade_method", "trade_reference", "compliance_year", "claim_year", "purpose",
                   "certificate_no", "serial_first", "serial_last", "to_instrument", "evidence", "notes")


def core_movement(m: Movement) -> dict[str, Any]:
    """The movement as the pure ledger core reads it (pools per instrument record)."""
    kind = Movement.CORE_KINDS[m.kind]
    out = {"date": m.date.isoformat(), "kind": kind, "instrument": f"#{m.instrument_id}", "vintage": None,
           "quantity_t": m.quantity_t, "fees_yuan": m.fees_yuan or 0, "id": m.pk}
    if m.kind in (M.PURCHASE, M.SALE):
        out["amount_yuan"] = m.amount_yuan if m.amount_yuan is not None else (m.price_yuan_per_t or 0) * m.quantity_t
    if m.kind == M.SALE:
        out["fees_yuan"] = 0  # a seller's fees are an expense of the sale, not part of the proceeds
        out["amount_yuan"] = out["amount_yuan"] - (m.fees_yuan or 0)
    if m.kind == M.CARRY_OVER:
        out["to_instrument"] = f"#{m.to_instrument_id}"
    return out


def holder_movements(park_id: int, enterprise_id: int | None, *, pending: bool = False):
    """The approved movements of a holder (with ``pending``, also those entered and not yet decided)."""
    statuses = [Movement.Status.APPROVED] + ([Movement.Status.ENTERED] if pending else [])
    return (Movement.objects.filter(park_id=park_id, enterprise_id=enterprise_id, status__in=statuses)
            .order_by("date", "pk"))


def _check_holding(m: Movement, *, pending: bool) -> None:
    """Replay the holder's movements with this one through the core; a decrease beyond the holding on its date is
    refused naming the quantity held."""
    others = [x for x in holder_movements(m.park_id, m.enterprise_id, pending=pending) if x.pk != m.pk]
    moves = [core_movement(x) for x in others] + [core_movement(m)]
    try:
        core.replay(moves)
    except core.LedgerError as exc:
        bad = moves[exc.index]
        held = next((h["quantity_t"] for h in core.holdings([core_movement(x) for x in others], on=m.date)
                     if h["instrument"] == f"#{m.instrument_id}"), Decimal(0))
        if bad.get("id") == m.pk:
            raise ValidationError({"quantity_t": _("%(kind)s of %(q)s t is more than is held: %(held)s t of %(inst)s on %(date)s%(pending)s.")
                                   % {"kind": m.get_kind_display(), "q": m.quantity_t, "held": held, "inst": m.instrument,
                                      "date": m.date.isoformat(), "pending": _(" (counting movements awaiting approval)") if pending else ""}})
        raise ValidationError({"date": _("On this date the movement would leave a later disposal (movement %(id)s on %(date)s) "
                                         "without enough units.") % {"id": bad.get("id"), "date": bad["date"]}})


def _validate_movement(m: Movement) -> None:
    K = Movement.Kind
    park, enterprise = m.park, m.enterprise
    if m.instrument_id is None:
        raise ValidationError({"instrument": _("This field is required.")})
    if not _same_holder(m.instrument, park, enterprise):
        raise ValidationError({"instrument": _("This instrument belongs to another holder.")})
    if m.account_id and not _same_holder(m.account, park, enterprise):
        raise ValidationError({"account": _("This account belongs to another holder.")})
    if m.evidence_id:
        ev_ent = m.evidence.enterprise
        own = ev_ent.pk == enterprise.pk if enterprise else (ev_ent.park_id == park.pk and ev_ent.kind == "park_facilities")
        if not own:
            raise ValidationError({"evidence": _("This evidence belongs to another holder.")})
    if m.quantity_t is None or m.quantity_t <= 0:
        raise ValidationError({"quantity_t": _("Give a quantity of at least 1 t.")})
    if m.quantity_t != m.quantity_t.to_integral_value():
        raise ValidationError({"quantity_t": _("Allowances and credits are whole tonnes.")})
    if normalise_currency(m.currency) is None:
        raise _wrong_currency(m.currency)
    m.currency = CNY
    if m.kind in Movement.TRADES:
        if m.price_yuan_per_t is None and m.amount_yuan is None:
            raise ValidationError({"price_yuan_per_t": _("Give the price or the amount of the trade.")})
        if m.amount_yuan is None:
            m.amount_yuan = (m.price_yuan_per_t * m.quantity_t).quantize(Decimal("0.01"))
        elif m.price_yuan_per_t is None:
            m.price_yuan_per_t = (m.amount_yuan / m.quantity_t).quantize(Decimal("0.01"))
        elif abs(m.price_yuan_per_t * m.quantity_t - m.amount_yuan) > Decimal("0.01") * m.quantity_t:
            raise ValidationError({"amount_yuan": _("The amount differs from price × quantity (%(calc)s).")
                                   % {"calc": (m.price_yuan_per_t * m.quantity_t).quantize(Decimal("0.01"))}})
        if not m.counterparty.strip():
            raise ValidationError({"counterparty": _("Name the counterparty of the trade.")})
        if not m.trade_method:
            raise ValidationError({"trade_method": _("Give the trade method (T/CIECCPA 8.3.1.3, 8.3.2.4).")})
    elif m.price_yuan_per_t is not None or m.amount_yuan is not None:
        if m.kind not in (K.TRANSFER_IN, K.ISSUANCE):
            raise ValidationError({"price_yuan_per_t": _("Only purchases, sales and transfers in carry a price.")})
        if m.amount_yuan is None:
            m.amount_yuan = (m.price_yuan_per_t * m.quantity_t).quantize(Decimal("0.01"))
    if m.kind == K.SURRENDER and not m.compliance_year:
        raise ValidationError({"compliance_year": _("Give the compliance year this surrender settles.")})
    if m.kind == K.CANCELLATION and not m.certificate_no.strip():
        raise ValidationError({"certificate_no": _("Give the registry's cancellation certificate number.")})
    if m.kind == K.CARRY_OVER:
        if m.to_instrument_id is None:
            raise ValidationError({"to_instrument": _("Choose the instrument the units are carried into.")})
        if not _same_holder(m.to_instrument, park, enterprise) or m.to_instrument_id == m.instrument_id:
            raise ValidationError({"to_instrument": _("Carry over into another instrument of the same holder.")})
        if m.to_instrument.kind != m.instrument.kind:
            raise ValidationError({"to_instrument": _("Units are carried into an instrument of the same kind.")})
    elif m.to_instrument_id is not None:
        raise ValidationError({"to_instrument": _("Only a carry-over goes into another instrument.")})
    inst = m.instrument
    rng = _parse_serials(m.serial_first, m.serial_last, m.quantity_t)
    if rng is None and inst.kind in Instrument.SERIALISED and m.kind in Movement.USES and inst.serial_prefix:
        raise ValidationError({"serial_first": _("Give the serial numbers of the units (a unit is used once).")})
    if rng is not None and inst.serial_prefix and not (rng.prefix == inst.serial_prefix and inst.serial_from <= rng.first
                                                       and rng.last <= inst.serial_to):
        raise ValidationError({"serial_first": _("These serials are not in the lot %(first)s–%(last)s of the instrument.")
                               % {"first": inst.serial_first, "last": inst.serial_last}})
    m.serial_prefix, m.serial_from, m.serial_to = (rng.prefix, rng.first, rng.last) if rng else ("", None, None)
    if rng is not None and m.kind in Movement.USES:
        serial_use_check(park=park, enterprise=enterprise, kind=m.kind, date=m.date, serial_first=m.serial_first,
                         serial_last=m.serial_last, exclude=m)


def _lock_holder(m: Movement) -> None:
    list(Instrument.objects.select_for_update().filter(pk=m.instrument_id))


@transaction.atomic
def movement_enter(*, actor, park, enterprise=None, data: dict[str, Any], evidence_file=None) -> Movement:
    """Enter a movement for approval (module docstring)."""
    _require(actor, "add", park, enterprise)
    data = dict(data)
    currency = data.get("currency") or CNY
    if normalise_currency(currency) is None:
        raise _wrong_currency(currency)
    m = Movement(park=park, enterprise=enterprise, entered_by=actor, status=Movement.Status.ENTERED)
    for f in MOVEMENT_FIELDS:
        if f in data and f not in ("quantity_t", "price_yuan_per_t", "amount_yuan", "fees_yuan"):
            setattr(m, f, data[f] if data[f] is not None or f in ("instrument", "account", "to_instrument", "evidence",
                                                                   "compliance_year", "claim_year", "date") else "")
    m.quantity_t = _decimal(data, "quantity_t", required=True)
    m.price_yuan_per_t = _decimal(data, "price_yuan_per_t")
    m.amount_yuan = _decimal(data, "amount_yuan")
    m.fees_yuan = _decimal(data, "fees_yuan") or Decimal(0)
    if not m.date:
        raise ValidationError({"date": _("This field is required.")})
    if isinstance(m.date, str):
        try:
            m.date = dt.date.fromisoformat(m.date)
        except ValueError:
            raise ValidationError({"date": _("Give a date in the form YYYY-MM-DD.")})
    _validate_movement(m)
    m.full_clean(exclude=["entered_by", "evidence"])
    _lock_holder(m)
    _check_holding(m, pending=True)
    if evidence_file is not None:
        m.evidence = attach_evidence(actor=actor, park=park, enterprise=enterprise, file=evidence_file,
                                     description=str(m.get_kind_display()))
    m.save()
    return m


def attach_evidence(*, actor, park, enterprise, file, description: str = ""):
    """Keep a file in the evidence store (carbondata.Evidence) of the holder: the enterprise, or for the park its park
    facilities entity."""
    from carbonms.carbondata.services.evidence import evidence_attach

    owner = enterprise
    if owner is None:
        owner = park.enterprises.filter(kind="park_facilities").order_by("pk").first()
        if owner is None:
            raise ValidationError({"evidence_file": _("Evidence of the park's own movements is kept with the park facilities "
                                                      "entity; register the park facilities first.")})
    return evidence_attach(actor=actor, enterprise=owner, file=file, kind="other", description=description[:300])


@transaction.atomic
def movement_approve(*, actor, movement: Movement) -> Movement:
    """Approve a movement entered by somebody else (maker-checker); the holding and serial checks run again."""
    MOVEMENT.check(actor, movement, "approve")
    _lock_holder(movement)
    if movement.serial_prefix and movement.kind in Movement.USES:
        serial_use_check(park=movement.park, enterprise=movement.enterprise, kind=movement.kind, date=movement.date,
                         serial_first=movement.serial_first, serial_last=movement.serial_last, exclude=movement)
    _check_holding(movement, pending=False)
    movement.status = Movement.Status.APPROVED
    movement.approved_by = actor
    movement.approved_at = timezone.now()
    movement.save()
    return movement


@transaction.atomic
def movement_reject(*, actor, movement: Movement, reason: str) -> Movement:
    """Reject a movement entered by somebody else, with the reason; it never counts and frees its serials."""
    MOVEMENT.check(actor, movement, "reject")
    if not (reason or "").strip():
        raise ValidationError({"rejection_reason": _("Say why the movement is rejected.")})
    movement.status = Movement.Status.REJECTED
    movement.rejection_reason = reason.strip()[:300]
    movement.approved_by = actor
    movement.approved_at = timezone.now()
    movement.save()
    return movement


# -- prices ------------------------------------------------------------------------------------------------------------

PRICE_FIELDS = ("open", "high", "low", "close", "average")


def _price_from(data: dict[str, Any], park, enterprise, actor) -> PriceQuote:
    currency, unit = data.get("currency") or CNY, data.get("unit") or "tCO2"
    if normalise_currency(currency) is None:
        raise _wrong_currency(currency)
    if normalise_unit(unit) is None:
        raise ValidationError({"unit": _("Prices are per tonne of CO₂ (tCO2); “%(value)s” is not accepted.") % {"value": unit}})
    q = PriceQuote(park=park, enterprise=enterprise, entered_by=actor, currency=CNY, unit="tCO2",
                   product=str(data.get("product") or "").strip().upper(), source=str(data.get("source") or "").strip(),
                   demo=bool(data.get("demo")))
    day = data.get("date")
    if isinstance(day, dt.datetime):
        day = day.date()
    if isinstance(day, str):
        try:
            day = dt.date.fromisoformat(day.strip())
        except ValueError:
            raise ValidationError({"date": _("Give a date in the form YYYY-MM-DD.")})
    if not day:
        raise ValidationError({"date": _("This field is required.")})
    q.date = day
    for f in PRICE_FIELDS:
        setattr(q, f, _decimal(data, f))
    q.volume_t = _decimal(data, "volume_t")
    if q.close is None and q.average is None:
        raise ValidationError({"close": _("Give at least the close or the average price.")})
    if q.high is not None and q.low is not None and q.high < q.low:
        raise ValidationError({"high": _("The high is below the low.")})
    for f in ("open", "close", "average"):
        v = getattr(q, f)
        if v is not None and ((q.high is not None and v > q.high) or (q.low is not None and v < q.low)):
            raise ValidationError({f: _("The price lies outside the day's low–high range.")})
    if not q.product:
        raise ValidationError({"product": _("This field is required.")})
    if not q.source:
        raise ValidationError({"source": _("Say where the price comes from.")})
    existing = PriceQuote.objects.filter(park=park, enterprise=enterprise, product=q.product, date=q.date, source=q.source).first()
    if existing is not None:  # the same day, product and source again: the figures are updated
        q.pk, q.created_at = existing.pk, existing.created_at
    q.full_clean(exclude=["entered_by"])
    return q


@transaction.atomic
def price_save(*, actor, park, enterprise=None, data: dict[str, Any]) -> PriceQuote:
    """Enter one price (CNY per tCO₂; a price in another currency or unit is refused)."""
    _require(actor, "add", park, enterprise)
    q = _price_from(data, park, enterprise, actor)
    q.save()
    return q


IMPORT_HEADERS = {"date": "date", "日期": "date", "product": "product", "品种": "product", "产品": "product",
                  "open": "open", "开盘价": "open", "high": "high", "最高价": "high", "low": "low", "最低价": "low",
                  "close": "close", "收盘价": "close", "average": "average", "均价": "average", "成交均价": "average",
                  "volume_t": "volume_t", "volume": "volume_t", "成交量": "volume_t", "source": "source", "来源": "source",
                  "currency": "currency", "币种": "currency", "unit": "unit", "单位": "unit"}


def read_price_rows(file) -> list[dict[str, Any]]:
    """Rows of a CSV (UTF-8) or XLSX price table, keyed by the English field names (Chinese headers accepted)."""
    import csv
    import io

    name = getattr(file, "name", "").lower()
    raw = file.read()
    if name.endswith(".xlsx") or raw[:4] == b"PK\x03\x04":
        from openpyxl import load_workbook

        try:
            ws = load_workbook(io.BytesIO(raw), read_only=True, data_only=True).worksheets[0]
        except Exception:
            raise ValidationError({"file": _("The file is not a readable XLSX workbook.")})
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
    else:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError({"file": _("The CSV file is not UTF-8 text.")})
        rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        raise ValidationError({"file": _("The file is empty.")})
    headers = [IMPORT_HEADERS.get(str(h or "").strip().lower(), IMPORT_HEADERS.get(str(h or "").strip())) for h in rows[0]]
    missing = [h for h in ("date", "product", "source") if h not in headers]
    if missing:
        raise ValidationError({"file": _("Missing columns: %(cols)s.") % {"cols": ", ".join(missing)}})
    out = []
    for row in rows[1:]:
        if all(v in (None, "") for v in row):
            continue
        out.append({h: v for h, v in zip(headers, row, strict=False) if h})
    return out


@transaction.atomic
def price_import(*, actor, park, enterprise=None, file) -> list[PriceQuote]:
    """Import a price table: all rows or none; the errors name the row (as numbered in the file) and the field."""
    _require(actor, "add", park, enterprise)
    rows = read_price_rows(file)
    errors, quotes, seen = [], [], set()
    for n, row in enumerate(rows, start=2):
        try:
            q = _price_from(row, park, enterprise, actor)
        except ValidationError as exc:
            for field, msgs in exc.message_dict.items():
                errors.extend(_("Row %(row)s, %(field)s: %(msg)s") % {"row": n, "field": field, "msg": m} for m in msgs)
            continue
        key = (q.product, q.date, q.source)
        if key in seen:
            errors.append(_("Row %(row)s: the same product, date and source appear twice in the file.") % {"row": n})
        seen.add(key)
        quotes.append(q)
    if not rows:
        errors.append(_("The file holds no price rows."))
    if errors:
        raise ValidationError({"file": errors})
    for q in quotes:
        q.save()
    return quotes
