"""The compliance position of a covered enterprise and year (issue 13 item 4; T/CPQS 7.1 c), 7.3.3 e), 9.2.3 c);
T/CIECCPA 8.3.1.1, 8.3.2 note 5): reads only.

* The **obligation** is taken from the statement of record (carbonms/inventory/statements.py), never from a run:
  the *direct* emissions (fuel, process and carbon in products; purchased electricity and heat are not covered
  by the national ETS, spec §3.3) of a statement in force on the *verified* basis, else on the *ETS* basis, else
  of a management-inventory statement that the external verifier verified (the ledger's asset statement reads the
  same order, ``ledger.statement.obligation_of``, and also shows an approved management figure as an estimate; a
  surrender needs a verified figure). Which statement was used is part of the result.
* The **holdings** are the ledger's lots (:mod:`.holdings`); eligibility, the CCER cap, the surrender order,
  the deadline and the penalty come from the asset core (:func:`carbonms.assets.compliance`), which reads the
  rule table of the year (carbonms/assets/data/*.csv) with its source.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from carbonms.assets import compliance as core_compliance
from carbonms.assets import rules
from carbonms.inventory.models import InventoryStatement
from carbonms.planning.errors import PlanningErrors

from . import holdings

Basis = InventoryStatement.Basis
St = InventoryStatement.Status


@dataclass
class Obligation:
    statement: InventoryStatement
    total_key: str  # "gross" or "direct"
    tonnes: Decimal

    @property
    def basis_note(self) -> str:
        if self.statement.basis == Basis.MANAGEMENT:
            return _("Management inventory verified by the external verifier: its direct emissions stand for the ETS scope.")
        return _("The statement's direct emissions on the %(basis)s basis.") % {"basis": self.statement.get_basis_display()}


def obligation_of(enterprise, year: int) -> Obligation | None:
    """The obligation of ``enterprise`` for ``year`` from its statement of record (the ledger's rule, without the
    estimate: a surrender needs a verified or ETS figure), or None when there is none."""
    from carbonms.ledger.statement import obligation_statement

    found = obligation_statement(enterprise, year, estimate_ok=False)
    if found is None:
        return None
    st, _estimate = found
    return Obligation(st, "direct", Decimal(str(st.totals["direct"])).quantize(Decimal("1")))


def _lang() -> str:
    return "en" if (get_language() or "zh").startswith("en") else "zh"


def compute(enterprise, year: int, *, price: Decimal | None = None, lots: list[dict] | None = None) -> dict[str, Any]:
    """The position: the core's output plus the obligation's provenance, the deadlines of the year for the
    enterprise's sector and the lots grouped by eligibility. Raises ValidationError (field ``year``) when
    the year has no rule or no statement of record."""
    if not enterprise.carbon_market_covered:
        raise ValidationError({"enterprise": _("%(e)s is not a covered entity of the national carbon market.") % {"e": enterprise}})
    if rules.rule_for(year) is None:
        raise ValidationError({"year": _("There is no compliance rule for %(year)d in the rule table "
                                         "(carbonms/assets/data/compliance_rules.csv).") % {"year": year}})
    ob = obligation_of(enterprise, year)
    if ob is None:
        raise ValidationError({"year": _("%(e)s has no verified or ETS-basis statement in force for %(year)d: the obligation "
                                         "cannot be known.") % {"e": enterprise, "year": year}})
    held = holdings.compliance_lots(enterprise, year) if lots is None else lots
    done = holdings.surrendered(enterprise, year)
    # what was surrendered for the year already counts against it: given to the core first, as lots marked surrendered
    lots = [{**d, "id": d["id"], "quantity_t": str(d["quantity_t"]), "_surrendered": True} for d in done] + held
    data = {"entity": enterprise.name, "compliance_year": year, "verified_emissions_t": str(ob.tonnes),
            "price_yuan_per_t": str(price) if price is not None else None,
            "lots": [{k: v for k, v in lot.items() if not k.startswith("_")} for lot in lots]}
    try:
        out = core_compliance(data, lang=_lang())
    except PlanningErrors as exc:
        raise ValidationError({"lots": [e.text(_lang()) for e in exc.errors]}) from exc
    excluded = {e["id"]: e["reason"] for e in out["excluded"]}
    ccer_done = sum((d["quantity_t"] for d in done if d["instrument"] == "CCER"), Decimal(0))
    total_done = sum((d["quantity_t"] for d in done), Decimal(0))
    cap = Decimal(str(out["ccer_cap_t"]))
    left = max(Decimal(0), Decimal(str(out["obligation_t"])) - total_done)
    proposed, done_ids = {}, {d["id"] for d in done}
    for s in out["surrender"]:  # the core's order (CCER first, then oldest vintage), within what remains
        if s["id"] not in done_ids and left > 0:
            take = min(Decimal(str(s["quantity_t"])), left)
            proposed[s["id"]], left = _num(take), left - take
    out.update({
        "obligation_note": ob.basis_note,
        "statement": {"id": ob.statement.pk, "basis": ob.statement.basis, "status": ob.statement.status, "total": ob.total_key},
        "sector": rules.sector_of(enterprise.industry_code),
        "deadlines": [{"step": d.step, "due": d.due.isoformat(), "status": d.status, "source": d.source}
                      for d in rules.deadlines(year, rules.sector_of(enterprise.industry_code))],
        "surrendered_t": _num(total_done), "ccer_surrendered_t": _num(ccer_done),
        "ccer_headroom_t": _num(max(Decimal(0), cap - ccer_done)),
        "remaining_t": _num(max(Decimal(0), Decimal(str(out["obligation_t"])) - total_done)),
        "lots": [{**lot, "eligible": lot["id"] not in excluded, "reason": excluded.get(lot["id"], ""),
                  "proposed_t": proposed.get(lot["id"], 0)} for lot in held],
        "done": done,
    })
    labels = {lot["id"]: lot.get("label", lot["id"]) for lot in held}
    out["excluded"] = [{**e, "label": labels.get(e["id"], e["id"])} for e in out["excluded"]]
    out["_obligation"] = ob
    return out


def _num(d: Decimal):
    return int(d) if d == d.to_integral_value() else float(d)


def jsonable(x):
    """The position (or any part of it) as JSON: private keys (``_…``) dropped, decimals and dates as strings."""
    import datetime as dt

    if isinstance(x, dict):
        return {k: jsonable(v) for k, v in x.items() if not str(k).startswith("_")}
    if isinstance(x, list | tuple):
        return [jsonable(v) for v in x]
    if isinstance(x, Decimal):
        return _num(x)
    if isinstance(x, dt.date):
        return x.isoformat()
    return x
