"""The trading, asset and neutrality reviews of T/CPQS 7.3.3–7.3.5, pre-filled from the ledger (app ``ledger``) and
the compliance, project and neutrality records (app ``compliance``).

Scope: an enterprise's review reads that enterprise's ledger and records; the park's review reads the park's own
holdings and sums the movements and records of every holder in the park. Only approved movements count
(maker-checker, issue 13). Each reader answers "not available" while the app has not built the model it reads, and
says what the ledger does not record (carbon-finance derivatives) instead of showing it as nil.
"""
from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Sum
from django.utils.translation import gettext_noop

from .sections import C, T, _model, _n, unavailable

NO_DERIVATIVES = gettext_noop("not recorded: the ledger holds no carbon-finance derivative instruments")


def _scope(qs, ctx):
    return qs.filter(park_id=ctx.park.pk, enterprise_id=ctx.enterprise.pk) if ctx.enterprise else qs.filter(park_id=ctx.park.pk)


def _moves(ctx):
    Movement = _model("ledger", "Movement")
    return _scope(Movement.objects.filter(status="approved", date__range=(ctx.start, ctx.end)), ctx)


def _trades(ctx, kinds) -> list:
    """(movement kind, summary) of the year's approved movements of these instrument kinds."""
    return [(r["kind"], T(gettext_noop("%(n)s movements, %(t)s tCO2, %(y)s yuan"), n=r["n"], t=_n(r["t"], 0), y=_n(r["y"] or Decimal(0), 0)))
            for r in (_moves(ctx).filter(instrument__kind__in=kinds).values("kind")
                      .annotate(n=Count("id"), t=Sum("quantity_t"), y=Sum("amount_yuan")).order_by("kind"))]


def trading_section(ctx) -> dict:
    """T/CPQS 7.3.3 a)–e): national ETS, voluntary (CCER), local pilot and derivative trading, and obligations."""
    Movement = _model("ledger", "Movement")
    if Movement is None:
        return unavailable(gettext_noop("Not available: the carbon-asset ledger has not landed."))
    rows = []
    for label, kinds in ((gettext_noop("a) National ETS (CEA)"), ["cea"]), (gettext_noop("b) Voluntary reductions (CCER and others)"),
                                                                     ["ccer", "certified_energy_saving", "own_sink"]),
                         (gettext_noop("c) Local pilot markets"), ["local_allowance"])):
        trades = _trades(ctx, kinds)
        if not trades:
            rows.append([label, T(gettext_noop("no approved movement in %(year)s"), year=ctx.year)])
        for kind, text in trades:
            rows.append([T(gettext_noop("%(label)s: %(kind)s"), label=T(label), kind=C(Movement.Kind, kind)), text])
    rows.append([gettext_noop("d) Carbon-finance derivatives"), T(NO_DERIVATIVES)])
    Record = _model("compliance", "ComplianceRecord")
    if Record is None:
        rows.append([gettext_noop("e) Compliance obligations"), T(gettext_noop("not available: compliance records have not landed"))])
    else:
        recs = _scope(Record.objects.filter(year=ctx.year), ctx)
        agg = recs.aggregate(o=Sum("obligation_t"), s=Sum("surrendered_t"), c=Sum("ccer_surrendered_t"))
        rows.append([gettext_noop("e) Compliance obligations"), T(gettext_noop("%(n)s records: obligation %(o)s t, surrendered %(s)s t (CCER %(c)s t)"),
                                                          n=recs.count(), o=_n(agg["o"], 0), s=_n(agg["s"], 0), c=_n(agg["c"], 0))])
        for r in recs.values("status").annotate(n=Count("id")).order_by("status"):
            rows.append([T(gettext_noop("Compliance records: %(s)s"), s=C(Record.Status, r["status"])), r["n"]])
    return {"available": True, "source": T(gettext_noop("Carbon-asset ledger and compliance records")), "rows": rows}


def _holdings(ctx) -> tuple[dict, int]:
    """Year-end quantity and book value by instrument kind over the system's holders, and the number of holders."""
    from carbonms.ledger.selectors import holdings

    Instrument = _model("ledger", "Instrument")
    holders = _scope(Instrument.objects.all(), ctx).values_list("enterprise_id", flat=True).distinct()
    ents = {e.pk: e for e in ctx.enterprises()}
    by_kind: dict = defaultdict(lambda: [Decimal(0), Decimal(0)])
    n = 0
    for ent_id in set(holders):
        n += 1
        for h in holdings(park=ctx.park, enterprise=ents.get(ent_id), on=ctx.end):
            by_kind[h["instrument"].kind][0] += h["quantity_t"]
            by_kind[h["instrument"].kind][1] += h["book_value_yuan"]
    return by_kind, n


def assets_section(ctx) -> dict:
    """T/CPQS 7.3.4 a)–f): asset categories, the measurement rules, risks, project development, derivative risk and value."""
    Instrument = _model("ledger", "Instrument")
    if Instrument is None:
        return unavailable(gettext_noop("Not available: the carbon-asset ledger has not landed."))
    by_kind, holders = _holdings(ctx)
    rows = [[T(gettext_noop("a) Positive assets: %(kind)s"), kind=C(Instrument.Kind, k)), T(gettext_noop("%(t)s tCO2, book value %(y)s yuan"), t=_n(q, 0), y=_n(v, 0))]
            for k, (q, v) in sorted(by_kind.items())]
    if not rows:
        rows.append([gettext_noop("a) Positive assets"), T(gettext_noop("no holding at the end of %(year)s"), year=ctx.year)])
    Record = _model("compliance", "ComplianceRecord")
    if Record is not None:
        owed = _scope(Record.objects.filter(year=ctx.year), ctx).aggregate(o=Sum("obligation_t"), s=Sum("surrendered_t"))
        left = (owed["o"] or Decimal(0)) - (owed["s"] or Decimal(0))
        rows.append([gettext_noop("a) Negative assets: obligation not yet surrendered (t)"), _n(max(left, Decimal(0)), 0)])
    rows.append([gettext_noop("b) Measurement rules"), T(gettext_noop(
        "财会〔2019〕22号: purchased allowances at cost, free allocations at nil, disposals at weighted-average cost"))])
    Risk = _model("management", "Risk")
    risks = ctx.system.filter(Risk.objects.filter(category="financial")).exclude(status="closed").count()
    rows.append([gettext_noop("c) Financial risks in the risk register"), risks])
    Project = _model("compliance", "OffsetProject")
    if Project is not None:
        for r in _scope(Project.objects.all(), ctx).values("stage").annotate(n=Count("id")).order_by("stage"):
            rows.append([T(gettext_noop("d) Reduction projects: %(stage)s"), stage=C(Project.Stage, r["stage"])), r["n"]])
    rows.append([gettext_noop("e) Derivative risk and return models"), T(NO_DERIVATIVES)])
    rows += _value_rows(ctx)
    return {"available": True, "source": T(gettext_noop("Carbon-asset ledger (%(n)s holders) and asset statement"), n=holders), "rows": rows}


def _value_rows(ctx) -> list:
    """f) The value of the system's own holdings at the year end, from the asset statement at the prices users entered."""
    from carbonms.ledger.models import PriceQuote
    from carbonms.ledger.statement import asset_statement

    holder = ctx.enterprise
    if not _model("ledger", "Instrument").objects.filter(park_id=ctx.park.pk, enterprise=holder).exists():
        return [[gettext_noop("f) Value of the holdings"), T(gettext_noop("no instrument of this holder in the ledger"))]]
    quotes = PriceQuote.objects.filter(park_id=ctx.park.pk)
    try:
        st = asset_statement(park=ctx.park, enterprise=holder, year=ctx.year, quotes=quotes)
    except Exception as exc:  # noqa: BLE001 - the ledger's computation failed: the item says so instead of failing the review
        import logging

        logging.getLogger(__name__).exception("asset statement for the carbon review failed")
        return [[gettext_noop("f) Value of the holdings"), T(gettext_noop("could not be computed: the asset statement failed (%(error)s)"),
                                                    error=type(exc).__name__)]]
    t = st["totals"]
    if not st["lots"]:
        return [[gettext_noop("f) Value of the holdings"), T(gettext_noop("no holding of this holder at the end of %(year)s"), year=ctx.year)]]
    return [[gettext_noop("f) Book value (yuan)"), _n(t["book_value_yuan"], 0)],
            [T(gettext_noop("f) Market value on %(d)s (yuan)"), d=st["valuation_date"].isoformat()), _n(t["market_value_yuan"], 0)],
            [gettext_noop("f) Unrealised gain or loss (yuan)"), _n(t["unrealised_yuan"], 0)],
            [gettext_noop("f) Holdings without a price (t)"), _n(t["unpriced_t"], 0)],
            [gettext_noop("f) Restricted holdings (t)"), _n(t["restricted_t"], 0)],
            [gettext_noop("f) Roll-forward reconciles with the lots"), T(gettext_noop("yes") if st["reconciles"] else "no")]]


def neutrality_section(ctx) -> dict:
    """T/CPQS 7.3.5 a)–d): the basis, the subject and offsets, the dates and the declarations of neutrality claims."""
    Claim = _model("compliance", "NeutralityClaim")
    if Claim is None:
        return unavailable(gettext_noop("Not available: carbon-neutrality claims have not landed."))
    claims = list(_scope(Claim.objects.filter(year=ctx.year), ctx).select_related("enterprise"))
    if not claims:
        return unavailable(gettext_noop("No carbon-neutrality claim for %(year)s."), year=ctx.year)
    rows = [[gettext_noop("a) Basis"), T(gettext_noop("T/CIECCPA 061 8.4 and the claims' own criteria; offsets in the priority of 8.4.2/8.4.3"))]]
    for c in claims:
        res = c.result or {}
        rows.append([T(gettext_noop("b) %(ent)s: subject and offsets"), ent=c.enterprise.name),
                     T(gettext_noop("%(e)s t (%(basis)s); offsets counted %(o)s t; %(status)s"), e=_n(c.emissions_t, 0),
                       basis=C(Claim.GasBasis, c.gas_basis), o=_n(res.get("eligible_t"), 0), status=C(Claim.Status, c.status))])
        rows.append([T(gettext_noop("c) %(ent)s: maintained until"), ent=c.enterprise.name), c.maintained_until.isoformat() if c.maintained_until else None])
        rows.append([T(gettext_noop("d) %(ent)s: determination and declaration"), ent=c.enterprise.name),
                     T(gettext_noop("%(conclusion)s %(d)s; declared %(decl)s"), conclusion=C(Claim.Conclusion, c.conclusion) if c.conclusion else "—",
                       d=c.determined_on.isoformat() if c.determined_on else "", decl=c.declared_at.date().isoformat() if c.declared_at else "—")])
    return {"available": True, "source": T(gettext_noop("Carbon-neutrality claims")), "rows": rows}
