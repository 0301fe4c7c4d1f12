"""The carbon assessment report (碳评估报告) of T/CSES 6.3.1 c), for a park or an enterprise and year.

T/CSES 6.3.1 asks the park to assess its emissions on the basis of the accounting results: a) identify the
opportunities for reduction and rank them, b) assess the future trend and the peak and neutrality pathway, c) write
the assessment report. The report is therefore made from the inventory statement of record of the year (the same
record as the accounting report; its buttons sit beside the accounting report's) and reads:

1. the basis — the entity, the statement and its figures;
2. the opportunities ranked by levelised abatement cost — the marginal abatement cost curve of the abatement app
   (:func:`carbonms.abatement.selectors.macc`), with the cumulative potential against the year's emissions;
3. the emission trend — the statements of record over the years, their change and, when two years allow it, the
   LMDI decomposition of the change (activity, structure, energy intensity, carbon intensity);
4. the peak and neutrality pathway — each scenario of the abatement app projected from the history
   (:func:`carbonms.abatement.selectors.record_pathway`), its peak and neutrality year, the targets' milestones;
5. the conclusions drawn from the above.
"""
from __future__ import annotations

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from carbonms.inventory.models import InventoryStatement
from carbonms.management.system import System

from .document import Chart, Facts, MissingData, Report, Table, fmt_number, fmt_pct, fmt_t
from .review import _label, trend


def _opportunities(report: Report, system: System, st) -> dict:
    from carbonms.abatement.models import Opportunity
    from carbonms.abatement.selectors import macc

    s = report.section(_("2. Reduction opportunities ranked by abatement cost"))
    rows = list(Opportunity.objects.filter(park=system.park).filter(
        Q(enterprise=system.enterprise) if system.enterprise else Q()).select_related("enterprise"))
    bars = macc(rows)
    by_id = {o.pk: o for o in rows}
    gross = float((st.totals or {}).get("gross") or 0)
    if not bars:
        s.add(_("No reduction opportunity with a computed abatement and cost is registered for %(who)s: identify "
                "and estimate the opportunities (T/CSES 6.3.1 a)) before the next assessment.") % {"who": system.name})
        return {"potential": 0.0, "negative": 0.0, "n": 0}
    park_level = system.enterprise is None
    table = []
    for i, b in enumerate(bars, 1):
        o = by_id[b["id"]]
        table.append([i, f"{o.code} {o.title}"] + ([o.owner_name] if park_level else []) + [
            _label(Opportunity.Category, o.category), fmt_t(b["abatement_t"]), fmt_number(b["cost_per_t"]),
            fmt_t(b["cumulative_t"]), fmt_number(o.capex, 0),
            "—" if b.get("payback_years") is None else fmt_number(b["payback_years"], 1)])
    headers = [_("Rank"), _("Reduction opportunity")] + ([_("Held by")] if park_level else []) + [
        _("Category (T/CSES 6.3.1 a))"), _("tCO₂e/yr"), _("Yuan/tCO₂e"), _("Cumulative tCO₂e/yr"),
        _("Capital cost (yuan)"), _("Payback (years)")]
    widths = (0.45, 2.4) + ((1.3,) if park_level else ()) + (1.7, 0.9, 0.9, 1.1, 1.1, 0.8)
    numeric = tuple(range(len(headers) - 5, len(headers))) + (0,)
    s.add(Table(headers, table, numeric=numeric, widths=widths,
                caption=_("Marginal abatement cost curve: opportunities from the cheapest")))
    top = bars[:20]
    s.add(Chart("barh", _("Levelised abatement cost (yuan/tCO₂e)"), [f"{b['code']}" for b in top],
                {_("Yuan/tCO₂e"): [float(b["cost_per_t"]) for b in top]}, unit=_("Yuan/tCO₂e")))
    potential = float(bars[-1]["cumulative_t"])
    negative = sum(float(b["abatement_t"]) for b in bars if b["cost_per_t"] < 0)
    s.add(_("The %(n)d opportunities together abate %(t)s tCO₂e a year, %(share)s of the emissions of %(year)d; "
            "%(neg)s tCO₂e a year of them save money over their lifetime (negative cost).") % {
        "n": len(bars), "t": fmt_t(potential), "share": fmt_pct(potential / gross if gross else None),
        "year": st.year, "neg": fmt_t(negative)})
    return {"potential": potential, "negative": negative, "n": len(bars)}


def _trend(report: Report, system: System, st) -> list:
    from carbonms.abatement.selectors import decomposition

    s = report.section(_("3. Emission trend"))
    series = trend(system, st.year)
    rows, prev = [], None
    for x in series:
        t = x.totals or {}
        g = float(t.get("gross") or 0)
        va = (x.intensities or {}).get("per_value_added")
        rows.append([x.year, fmt_t(g), fmt_t(t.get("direct")), fmt_t(t.get("indirect_energy")),
                     fmt_number(t.get("energy_tce")), fmt_number(va.get("value") if isinstance(va, dict) else None, 4),
                     fmt_pct((g - prev) / prev if prev else None)])
        prev = g
    s.add(Table([_("Year"), _("Gross tCO₂e"), _("Direct"), _("Indirect (energy)"), _("Energy (tce)"),
                 _("tCO₂e per 10⁴ yuan VA"), _("Change")], rows, numeric=(1, 2, 3, 4, 5, 6),
                widths=(0.6, 1.2, 1.1, 1.1, 1.1, 1.1, 0.8), caption=_("Statements of record by year")))
    if len(series) < 2:
        s.add(_("Only one year has a statement of record: the trend will show from the next year's statement."))
        return series
    s.add(Chart("line", _("Gross emissions by year"), [str(x.year) for x in series],
                {_("tCO₂e"): [float((x.totals or {}).get("gross") or 0) for x in series]}, unit="tCO₂e"))
    first, last = series[0], series[-1]
    g0, g1 = float(first.totals.get("gross") or 0), float(last.totals.get("gross") or 0)
    s.add(_("From %(y0)d to %(y1)d the gross emissions changed from %(g0)s to %(g1)s tCO₂e (%(pct)s).") % {
        "y0": first.year, "y1": last.year, "g0": fmt_t(g0), "g1": fmt_t(g1),
        "pct": fmt_pct((g1 - g0) / g0 if g0 else None)})
    d = decomposition(system, series[-2].year, last.year)
    if "effects" in d:
        labels = {"activity": _("Activity (value added)"), "structure": _("Structure (shares of the enterprises)"),
                  "energy_intensity": _("Energy intensity (tce per value added)"),
                  "carbon_intensity": _("Carbon intensity of energy (tCO₂e per tce)"), "total": _("Total of the effects"),
                  "change": _("Actual change")}
        effects = d["effects"]
        eff_rows = [[labels.get(k, k), fmt_t(v)] for k, v in effects.items() if isinstance(v, (int, float))]
        if eff_rows:
            s.add(Table([_("Driver"), _("tCO₂e")], eff_rows, numeric=(1,), widths=(3, 1.2),
                        caption=_("Decomposition of the change %(y0)d → %(y1)d (LMDI-I)") % {
                            "y0": d["year0"], "y1": d["year1"]}))
    return series


def _pathway(report: Report, system: System, st) -> list[dict]:
    from carbonms.abatement.selectors import record_pathway

    s = report.section(_("4. Peak and neutrality pathway"))
    data = record_pathway(system)
    results = data["scenarios"]
    if not results:
        s.add(_("No pathway scenario is defined for %(who)s: define the business-as-usual, policy and enhanced "
                "scenarios (T/CSES 6.3.1 b)) to project the peak and the neutrality year.") % {"who": system.name})
        return []
    rows = []
    for r in results:
        sc = r["scenario"]
        years = r["years"]
        horizon = max(years, key=int) if years else None
        pk = r.get("peak") or {}
        rows.append([sc.name, sc.get_kind_display(), f"{fmt_number(sc.growth_pct, 1)} %",
                     f"{fmt_number(sc.intensity_change_pct, 1)} %", pk.get("year") or "—", fmt_t(pk.get("value")),
                     r.get("neutrality_year") or _("not within %(h)s") % {"h": sc.horizon},
                     fmt_t((years.get(horizon) or {}).get("net")) if horizon else "—"])
    s.add(Table([_("Scenario"), _("Kind"), _("Growth/yr"), _("Intensity/yr"), _("Peak year"), _("Peak tCO₂e"),
                 _("Neutrality year"), _("Net tCO₂e at the horizon")], rows, numeric=(2, 3, 4, 5, 7),
                widths=(1.6, 1, 0.8, 0.8, 0.7, 1.1, 1, 1.1), caption=_("Scenarios")))
    hist = data["history"]
    years = sorted(set(hist) | {int(y) for r in results for y in r["years"]})
    labels = [str(y) for y in years]
    series = {_("History"): [hist.get(y) for y in years]}
    for r in results:
        last = max(hist)
        series[r["scenario"].name] = [hist[last] if y == last else (r["years"].get(str(y)) or {}).get("gross")
                                      for y in years]
    s.add(Chart("line", _("Projected gross emissions by scenario"), labels,
                {k: [float("nan") if v is None else v for v in vals] for k, vals in series.items()}, unit="tCO₂e"))
    for t in data["targets"]:
        ms = sorted(t["milestones"].items())
        if ms:
            s.add(Table([_("Year"), _("Milestone tCO₂e")], [[y, fmt_t(v)] for y, v in ms], numeric=(1,), widths=(1, 1.4),
                        caption=_("Target %(code)s %(title)s: %(value)s tCO₂e by %(year)d") % {
                            "code": t["code"], "title": t["title"], "value": fmt_t(t["target_value"]),
                            "year": t["target_year"]}))
    if data["plans"]:
        s.add(Table([_("Year"), _("Reduction of the action plans, tCO₂e/yr")],
                    [[y, fmt_t(v)] for y, v in data["plans"].items()], numeric=(1,), widths=(1, 2),
                    caption=_("Action-plan reductions counted from the year the lines end")))
    return results


def build(statement: InventoryStatement) -> Report:
    """The assessment report of the entity of ``statement`` for its year (raises MissingData naming what is missing)."""
    if statement.status not in (InventoryStatement.Status.APPROVED, InventoryStatement.Status.VERIFIED,
                                InventoryStatement.Status.SUPERSEDED):
        raise MissingData("statement.status", _("the statement is a draft: a report is made from an approved statement"))
    system = System(statement.park, statement.enterprise)
    t = statement.totals or {}
    report = Report(
        title=_("Carbon assessment report"),
        subtitle=_("%(entity)s · year %(year)d") % {"entity": system.name, "year": statement.year},
        issuer=statement.park.name if statement.enterprise_id is None else system.name,
        date=timezone.localdate().isoformat(),
        footer=_("Statement #%(pk)d · T/CSES 6.3.1 c)") % {"pk": statement.pk},
        draft_mark=_("Superseded statement") if statement.status == InventoryStatement.Status.SUPERSEDED else "",
    )
    s = report.section(_("1. Basis of the assessment"))
    s.add(_("This assessment follows T/CSES 6.3.1: on the basis of the accounting results it ranks the reduction "
            "opportunities, assesses the future trend and the peak and neutrality pathway. Figures are those of the "
            "inventory statement of record; opportunities and scenarios are those registered on %(date)s.")
          % {"date": report.date})
    s.add(Facts([
        (_("Entity"), system.name),
        (_("Year"), str(statement.year)),
        (_("Statement"), f"#{statement.pk} · {statement.get_status_display()} · {statement.get_basis_display()}"),
        (_("Gross emissions"), f"{fmt_t(t.get('gross'))} tCO₂e"),
        (_("Energy consumption"), f"{fmt_number(t.get('energy_tce'))} tce"),
        (_("GWP set"), statement.gwp_set),
    ]))
    opp = _opportunities(report, system, statement)
    series = _trend(report, system, statement)
    results = _pathway(report, system, statement)
    s = report.section(_("5. Conclusions"))
    if len(series) > 1:
        g0, g1 = (float(series[-2].totals.get("gross") or 0), float(series[-1].totals.get("gross") or 0))
        s.add(_("Emissions %(dir)s by %(pct)s on the year before.") % {
            "dir": _("rose") if g1 > g0 else _("fell"), "pct": fmt_pct(abs(g1 - g0) / g0 if g0 else None)})
    if opp["n"]:
        s.add(_("The ranked opportunities offer %(t)s tCO₂e a year; start with the %(neg)s tCO₂e a year at negative "
                "cost.") % {"t": fmt_t(opp["potential"]), "neg": fmt_t(opp["negative"])})
    for r in results:
        pk = r.get("peak") or {}
        s.add(_("Scenario %(name)s: peak in %(year)s at %(value)s tCO₂e; neutrality %(neutral)s.") % {
            "name": r["scenario"].name, "year": pk.get("year", "—"), "value": fmt_t(pk.get("value")),
            "neutral": _("in %(y)s") % {"y": r["neutrality_year"]} if r.get("neutrality_year")
            else _("not reached by %(h)s") % {"h": r["scenario"].horizon}})
    return report


# -- the kind -------------------------------------------------------------------------------------------------------
def resolve(park, enterprise, year: int) -> InventoryStatement:
    from .kinds import _statement

    return _statement(park, enterprise, year)


def _filename(st) -> str:
    who = st.enterprise.credit_code if st.enterprise_id else f"park-{st.park_id}"
    return f"assessment-report-{who}-{st.year}"


def register() -> None:
    from django.utils.translation import gettext_lazy

    from .registry import ReportKind
    from .registry import register as add

    add(ReportKind(key="assessment", label=gettext_lazy("Carbon assessment report"), model=InventoryStatement,
                   resolve=resolve, build=build, identifier=lambda st: f"RPT-ASM-{st.year}", filename=_filename))

