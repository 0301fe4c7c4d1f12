"""What the compliance app reads from and writes to the ledger (app ``ledger``), in one place.

The ledger owns accounts, instruments (a lot: allowances of a vintage, or credits with their serial range),
movements with maker-checker, serial ranges and the rule that a unit is used once. This module translates
the ledger's instruments into the asset core's lot dicts and calls the ledger's services to enter a surrender,
a cancellation for a neutrality claim or an issuance; nothing here re-implements a serial or used-once check.

Surrenders and cancellations count for compliance and claims from the moment they are entered (they reserve
the units), and are shown with their ledger status: the ledger's second person approves them.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Sum

from carbonms.ledger.models import Instrument, Movement

K = Movement.Kind
LIVE = (Movement.Status.ENTERED, Movement.Status.APPROVED)


def _held(instruments) -> dict[int, Decimal]:
    """Quantity held per instrument: the ledger's holdings (approved movements) less the uses entered and not yet
    approved (a pending surrender or cancellation reserves its units)."""
    from carbonms.ledger import selectors

    out = {i.pk: Decimal(0) for i in instruments}
    holders = {(i.park_id, i.enterprise_id): i for i in instruments}
    for i in holders.values():
        for h in selectors.holdings(park=i.park, enterprise=i.enterprise):
            if h["instrument"].pk in out:
                out[h["instrument"].pk] += Decimal(h["quantity_t"])
    pending = (Movement.objects.filter(instrument__in=instruments, status=Movement.Status.ENTERED)
               .exclude(kind__in=Movement.INCREASES).values_list("instrument").annotate(q=Sum("quantity_t")))
    for pk, q in pending.values_list("instrument", "q"):
        out[pk] -= q or Decimal(0)
    return out


def acquisition(inst: Instrument) -> str:
    """"purchased" when the lot came only by purchase (allowances bought on the exchange, 8.4.2), else "free"."""
    kinds = set(inst.movements.filter(status=Movement.Status.APPROVED, kind__in=Movement.INCREASES).values_list("kind", flat=True))
    return "purchased" if kinds and kinds <= {K.PURCHASE} else "free" if kinds & {K.PRE_ALLOCATION, K.FINAL_ALLOCATION} else "other"


def lot_id(inst: Instrument) -> str:
    return f"L{inst.pk}"


def _instruments(enterprise):
    return Instrument.objects.filter(park_id=enterprise.park_id, enterprise=enterprise)


def compliance_lots(enterprise, year: int) -> list[dict]:
    """The enterprise's held lots as the asset core's compliance lots, with ``_instrument`` for the services."""
    insts = list(_instruments(enterprise).exclude(kind=Instrument.Kind.OWN_SINK))
    held = _held(insts)
    carried = set(Movement.objects.filter(to_instrument__in=insts, kind=K.CARRY_OVER, status=Movement.Status.APPROVED)
                  .values_list("to_instrument", flat=True))
    out = []
    for inst in insts:
        q = held[inst.pk]
        if q <= 0:
            continue
        out.append({"id": lot_id(inst), "instrument": inst.core_name, "vintage": inst.vintage, "quantity_t": str(q),
                    "carried_over": inst.pk in carried, "registered_on": inst.registered_on.isoformat() if inst.registered_on else None,
                    "from_covered_project": inst.from_covered_project, "label": str(inst), "_instrument": inst})
    return out


def surrendered(enterprise, year: int) -> list[dict]:
    """Surrenders entered or approved for compliance year ``year``, as core lots (``quantity_t`` Decimal) with the
    movement, its status and date."""
    qs = Movement.objects.filter(enterprise=enterprise, kind=K.SURRENDER, compliance_year=year, status__in=LIVE
                                 ).select_related("instrument").order_by("date", "pk")
    return [{"id": f"S{m.pk}", "movement": m.pk, "instrument": m.instrument.core_name, "vintage": m.instrument.vintage,
             "quantity_t": m.quantity_t, "carried_over": True,
             "registered_on": m.instrument.registered_on.isoformat() if m.instrument.registered_on else None,
             "from_covered_project": m.instrument.from_covered_project, "status": m.status, "date": m.date,
             "label": str(m.instrument)} for m in qs]


def next_serials(inst: Instrument, quantity: Decimal) -> tuple[str, str]:
    """The first run of ``quantity`` units of a serialised lot not yet used (surrendered, cancelled, sold), as
    (first, last) serial numbers; ("", "") for a lot without serials. The ledger checks the range again."""
    if not inst.serial_prefix or inst.serial_from is None:
        return "", ""
    n = int(quantity)
    used = sorted(Movement.objects.filter(instrument=inst, kind__in=Movement.USES, serial_from__isnull=False)
                  .exclude(status=Movement.Status.REJECTED).values_list("serial_from", "serial_to"))
    start = inst.serial_from
    for lo, hi in used:
        if lo - start >= n:
            break
        start = max(start, hi + 1)
    if start + n - 1 > inst.serial_to:
        return "", ""  # the ledger names the problem (more than is held)
    width = len(inst.serial_first) - len(inst.serial_prefix)
    return f"{inst.serial_prefix}{start:0{width}d}", f"{inst.serial_prefix}{start + n - 1:0{width}d}"


def surrender_lot(*, actor, enterprise, year: int, lot: dict, quantity: Decimal, on: dt.date) -> dict:
    """Enter the surrender of ``quantity`` of the lot for ``year`` through the ledger's service."""
    from carbonms.ledger import services as ledger

    first, last = next_serials(lot["_instrument"], quantity)
    m = ledger.movement_enter(actor=actor, park=enterprise.park, enterprise=enterprise, data={
        "instrument": lot["_instrument"], "kind": K.SURRENDER, "date": on, "quantity_t": quantity, "compliance_year": year,
        "serial_first": first, "serial_last": last, "purpose": f"{year} 年度配额清缴"})
    return {"movement": m.pk, "lot": lot["id"], "instrument": lot["instrument"], "quantity_t": quantity, "date": on}


# -- neutrality claims -----------------------------------------------------------------------------------------------
def claim_cancellations(claim):
    """The ledger's voluntary cancellations entered or approved for this claim (holder and claim year)."""
    return (Movement.objects.filter(enterprise_id=claim.enterprise_id, kind=K.CANCELLATION, claim_year=claim.year, status__in=LIVE)
            .select_related("instrument").order_by("date", "pk"))


def _neutral_lot(inst: Instrument, lid: str, q, **extra) -> dict:
    return {"id": lid, "instrument": inst.core_name, "acquisition": acquisition(inst), "quantity_t": str(q),
            "forestry": inst.forestry, "local": inst.local, "label": str(inst), **extra}


def claim_lots(claim) -> list[dict]:
    """The asset core's neutrality lots: each cancellation for the claim (status "cancelled", with the certificate
    and serials) and every unit still held (status "held": the plan). A unit surrendered for compliance is never
    among them: it is used, and the ledger refuses it a second use."""
    out = []
    for m in claim_cancellations(claim):
        out.append(_neutral_lot(m.instrument, f"C{m.pk}", m.quantity_t, status="cancelled", cancelled_on=m.date.isoformat(),
                                certificate=m.certificate_no, movement=m.pk, ledger_status=m.status,
                                serials=f"{m.serial_first}–{m.serial_last}" if m.serial_first else ""))
    insts = list(_instruments(claim.enterprise).exclude(kind=Instrument.Kind.OWN_SINK))
    for inst, q in _held(insts).items():
        if q > 0:
            i = next(x for x in insts if x.pk == inst)
            out.append(_neutral_lot(i, lot_id(i), q, status="held"))
    return out


def neutrality_choices(claim) -> list[tuple[Instrument, Decimal, str]]:
    """Held lots that could be cancelled for the claim: (instrument, held, acquisition)."""
    insts = list(_instruments(claim.enterprise).exclude(kind=Instrument.Kind.OWN_SINK))
    held = _held(insts)
    return [(i, held[i.pk], acquisition(i)) for i in insts if held[i.pk] > 0]


def cancel_for_claim(*, actor, claim, instrument: Instrument, quantity: Decimal, on: dt.date, certificate_no: str,
                     serial_first: str = "", serial_last: str = "") -> Movement:
    """Enter the voluntary cancellation (注销) of units for the claim through the ledger's service (which checks the
    holding and refuses serials already used, naming both uses)."""
    from carbonms.ledger import services as ledger

    return ledger.movement_enter(actor=actor, park=claim.enterprise.park, enterprise=claim.enterprise, data={
        "instrument": instrument, "kind": K.CANCELLATION, "date": on, "quantity_t": quantity, "claim_year": claim.year,
        "certificate_no": certificate_no, "serial_first": serial_first, "serial_last": serial_last,
        "purpose": f"{claim.year} 年度碳中和"})


def issue_credits(*, actor, project, quantity: Decimal, on: dt.date, serial_first: str, serial_last: str,
                  vintage: int | None) -> int:
    """The issuance of a project's credits: a new instrument and its issuance movement in the ledger."""
    from carbonms.ledger import services as ledger

    kind = Instrument.Kind.OWN_SINK if project.kind == "sink" and not project.registration_no else Instrument.Kind.CCER
    inst = ledger.instrument_save(actor=actor, park=project.enterprise.park, enterprise=project.enterprise, data={
        "kind": kind, "vintage": vintage, "project_id": project.registration_no, "project_name": project.name,
        "methodology": project.methodology, "registered_on": project.registered_on, "serial_first": serial_first,
        "serial_last": serial_last, "forestry": project.forestry, "local": project.local})
    m = ledger.movement_enter(actor=actor, park=project.enterprise.park, enterprise=project.enterprise, data={
        "instrument": inst, "kind": K.ISSUANCE, "date": on, "quantity_t": quantity, "serial_first": serial_first,
        "serial_last": serial_last, "purpose": project.name})
    return m.pk

