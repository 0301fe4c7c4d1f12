"""The carbon emission management system review report (碳排放管理体系评审报告) of T/CPQS ZC001—2025 Annex B.

The report is made from a carbon review (:class:`~carbonms.carbonreview.models.CarbonReview`) of a management
system and year: the park's own, or an enterprise's (the enterprise variant adapts the chapter titles, 企业基本情况
and so on). Its six chapters follow the template of Annex B:

1. 评审事项说明 — purpose, basis (the standards and the review's criteria), time, scope and content (the review items
   with their clauses and conclusions);
2. 基本情况 — the park or enterprise, its industries and main enterprises (or products), its energy use and the
   renewable share (app ``zerocarbon``);
3. 碳排放管理情况 — organisation and appointments, the policy in force and the controlled documents, how the system
   ran in the year (registers, audits, management reviews; app ``management`` and ``audits``);
4. 碳排放状况分析 — the statement of record of the year by category, gas and enterprise, its structure, intensities
   and the trend over the years (``carbonms.inventory.statements``);
5. 碳排放目标指标完成情况 — targets against their milestones and baselines, the performance indicators against their
   expected values (apps ``performance`` and ``carbonreview``);
6. 评审建议 — problems (items needing improvement, open nonconformities, targets off track, indicators beyond their
   threshold) and recommendations (the cheapest opportunities of the abatement register, open management-review
   decisions, the review's overall conclusion).

Without an inventory statement of record for the year the report is refused (:class:`MissingData`).
"""
from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from carbonms.carbondata.models.register import Category
from carbonms.inventory.statements import official_statement, official_statements
from carbonms.management.system import System

from .document import Chart, Facts, MissingData, Paragraph, Report, Section, Table, fmt_number, fmt_pct, fmt_t

#: Chinese numerals of the chapters and their parts (the template's 第一章 / 一、)
_NUM = "一二三四五六七八九十"


def _label(choices, code: str) -> str:
    try:
        return str(choices(code).label)
    except ValueError:
        return code


def _zh() -> bool:
    return (translation.get_language() or "").startswith("zh")


def _part(section: Section, n: int, title: str) -> None:
    """A numbered part of a chapter: 一、评审目的 in Chinese, 1. Purpose… in English."""
    section.add(Paragraph(f"{_NUM[n - 1]}、{title}" if _zh() else f"{n}. {title}", style="emphasis"))


def _chapter(report: Report, n: int, title: str) -> Section:
    """A chapter: 第一章 评审事项说明 in Chinese, Chapter 1 … in English."""
    return report.section(_("Chapter %(n)s %(title)s") % {"n": _NUM[n - 1] if _zh() else n, "title": title})


def statement_of(system: System, year: int):
    """The inventory statement of record of the system's entity and year, or MissingData saying so."""
    st = official_statement(park=system.park, year=year, enterprise=system.enterprise)
    if st is None:
        raise MissingData("statement", _("%(who)s has no approved inventory statement for %(year)d")
                          % {"who": system.name, "year": year})
    return st


def trend(system: System, upto: int) -> list:
    """The statements of record of the system's entity up to ``upto``, oldest first."""
    qs = official_statements(park=system.park, enterprise=system.enterprise, park_level=system.enterprise is None)
    return sorted((s for s in qs if s.year <= upto), key=lambda s: s.year)


def unit(text: str) -> str:
    """A unit as stored ("tCO2e/10^4 yuan") as a report prints it ("tCO₂e/万元")."""
    return (text or "").replace("10^4 yuan", _("10⁴ yuan")).replace("CO2", "CO₂")


def _intensity(st, key: str):
    v = (st.intensities or {}).get(key)
    return v.get("value") if isinstance(v, dict) else None


# -- chapter 1 ------------------------------------------------------------------------------------------------------
def _chapter_1(report: Report, review, system: System, entity: str) -> None:
    from carbonms.carbonreview import sections

    s = _chapter(report, 1, _("About this review"))
    _part(s, 1, _("Purpose of the review"))
    s.add(_("To establish the emissions of %(entity)s in %(year)d and the factors that drive them, to judge whether "
            "its carbon emission management system is suitable, adequate and effective, to check the targets and "
            "indicators against their baselines, and to identify the opportunities for improvement "
            "(T/CSES 6.3; T/CPQS 7.3).") % {"entity": entity, "year": review.year})
    _part(s, 2, _("Basis of the review"))
    s.add(Table([_("Document"), _("Title")], [
        ["T/CPQS ZC001—2025", _("Specification for the carbon emission management system of industrial parks")],
        ["T/CSES 2023", _("Guidance for building the carbon emission management system of industrial parks")],
        ["T/CIECCPA 061—2023", _("Carbon neutrality management system of industrial enterprises: guidance")],
        ["GB/T 32150", _("General guideline of greenhouse gas emissions accounting and reporting for industrial enterprises")],
    ], widths=(1, 3)))
    if review.criteria:
        s.add(_("Criteria and methods of this review: %(text)s") % {"text": review.criteria})
    _part(s, 3, _("Time of the review"))
    s.add(Facts([
        (_("Period reviewed"), f"{dt.date(review.year, 1, 1)} — {dt.date(review.year, 12, 31)}"),
        (_("Data assembled at"), f"{review.assembled_at:%Y-%m-%d %H:%M}" if review.assembled_at else "—"),
        (_("Reviewed (management representative)"),
         f"{review.reviewed_by or '—'} · {review.reviewed_at:%Y-%m-%d}" if review.reviewed_at else "—"),
        (_("Approved (top management)"),
         f"{review.approved_by or '—'} · {review.approved_at:%Y-%m-%d}" if review.approved_at else "—"),
        (_("Version"), f"v{review.version} · {review.get_status_display()}"),
    ]))
    _part(s, 4, _("Scope and content of the review"))
    s.add(_("The review covers %(scope)s and the items below, each pre-filled from the records of the platform and "
            "concluded by the reviewers.") % {"scope": _("the whole park and its member enterprises")
                                              if system.enterprise is None else entity})
    rows = [[sections.title_of(x.key), (sections.item_of(x.key).clause if sections.item_of(x.key) else ""),
             x.get_conclusion_display() if x.conclusion else _("Not concluded")]
            for x in review.sections.order_by("position")]
    s.add(Table([_("Item"), _("Clause"), _("Conclusion")], rows, widths=(3, 1.4, 1.1)))


# -- chapter 2 ------------------------------------------------------------------------------------------------------
def _chapter_2(report: Report, system: System, st) -> None:
    s = _chapter(report, 2, _("Basic information of the industrial park") if system.enterprise is None
                 else _("Basic information of the enterprise"))
    t = st.totals or {}
    if system.enterprise is None:
        park = system.park
        from carbonms.organizations.models import Enterprise

        members = Enterprise.objects.filter(park=park, kind=Enterprise.Kind.ENTERPRISE)
        _part(s, 1, _("Overview of the park"))
        s.add(Facts([
            (_("Park"), park.name),
            (_("Location of the park"), f"{park.get_province_display()} {park.city}".strip()),
            (_("Zone type"), park.get_zone_type_display()),
            (_("Area"), f"{fmt_number(park.area_km2)} km²" if park.area_km2 is not None else "—"),
            (_("Established"), str(park.established_year or "—")),
            (_("Management committee"), park.administrator or "—"),
            (_("Member enterprises"), str(members.filter(status="active").count())),
        ]))
        _part(s, 2, _("Industrial development"))
        by_ent = {int(k): float(v or 0) for k, v in (t.get("by_enterprise") or {}).items()}
        ents = {e.pk: e for e in Enterprise.objects.filter(park=park)}
        industries: dict[str, list] = {}
        for eid, v in by_ent.items():
            e = ents.get(eid)
            key = f"{e.industry_code} {e.industry_name}" if e else "—"
            row = industries.setdefault(key, [0, 0.0])
            row[0] += 1
            row[1] += v
        gross = float(t.get("gross") or 0)
        ranked = sorted(industries.items(), key=lambda kv: -kv[1][1])
        rows = [[k, n, fmt_t(v), fmt_pct(v / gross if gross else None)] for k, (n, v) in ranked[:12]]
        if len(ranked) > 12:
            n_rest, v_rest = sum(n for _k, (n, _v) in ranked[12:]), sum(v for _k, (_n, v) in ranked[12:])
            rows.append([_("Other industries (%(n)d)") % {"n": len(ranked) - 12}, n_rest, fmt_t(v_rest),
                         fmt_pct(v_rest / gross if gross else None)])
        s.add(Table([_("Industry (GB/T 4754)"), _("Number of enterprises"), _("tCO₂e"), _("Share of the total")], rows,
                    numeric=(1, 2, 3), widths=(3, 0.8, 1.2, 0.8), caption=_("Emissions by industry")))
        top = sorted(by_ent.items(), key=lambda kv: -kv[1])[:10]
        s.add(Table([_("Enterprise"), _("Industry"), _("tCO₂e"), _("Share of the total")],
                    [[ents[e].name if e in ents else e, ents[e].industry_name if e in ents else "",
                      fmt_t(v), fmt_pct(v / gross if gross else None)] for e, v in top],
                    numeric=(2, 3), widths=(2.6, 1.6, 1.2, 0.8), caption=_("Main enterprises by emissions")))
    else:
        ent = system.enterprise
        from carbonms.carbondata.models import Product

        _part(s, 1, _("Overview of the enterprise"))
        s.add(Facts([
            (_("Enterprise"), ent.name),
            (_("Unified social credit code"), ent.credit_code or "—"),
            (_("Park"), system.park.name),
            (_("Address"), ent.address or "—"),
            (_("Legal representative"), ent.legal_representative or "—"),
            (_("Employees"), fmt_number(ent.employees, 0) if ent.employees else "—"),
            (_("Entered the park on"), str(ent.entered_on or "—")),
            (_("Key energy-consuming unit"), _("yes") if ent.key_energy_consumer else _("no")),
            (_("Covered by the carbon market"), _("yes") if ent.carbon_market_covered else _("no")),
        ]))
        _part(s, 2, _("Industry and products"))
        products = Product.objects.filter(enterprise=ent, active=True).order_by("code")
        s.add(_("Industry: %(code)s %(name)s.") % {"code": ent.industry_code, "name": ent.industry_name})
        outputs = {p.get("code"): p for p in (st.denominators or {}).get("products") or []}
        s.add(Table([_("Product"), _("Unit"), _("Output of the year")],
                    [[f"{p.code} {p.name}", p.unit, fmt_number((outputs.get(p.code) or {}).get("quantity"))]
                     for p in products], numeric=(2,), widths=(3, 1, 1.4), caption=_("Products")))
    _part(s, 3, _("Energy consumption and its structure"))
    _energy(s, system, st)


def _energy(s: Section, system: System, st) -> None:
    from carbonms.zerocarbon.selectors import renewable_share

    t = st.totals or {}
    share = renewable_share(system.park, st.year, enterprise=system.enterprise, statement=st)
    cpe = _intensity(st, "carbon_per_energy")
    s.add(Facts([
        (_("Comprehensive energy consumption"), f"{fmt_number(t.get('energy_tce'))} tce"),
        (_("Purchased electricity"), f"{fmt_number(share['purchased_mwh'])} MWh"),
        (_("Renewable electricity used (on site)"), f"{fmt_number(share['onsite_mwh'])} MWh"),
        (_("Renewable electricity bought (green power, certificates)"), f"{fmt_number(share['bought_mwh'])} MWh"),
        (_("Renewable share of electricity"), "—" if share["share"] is None else f"{fmt_number(share['share'])} %"),
        (_("Carbon per unit of energy"), "—" if cpe is None else f"{fmt_number(cpe, 4)} tCO₂/tce"),
    ]))
    energy_cats = ("stationary_combustion", "mobile_combustion", "purchased_electricity", "purchased_heat")
    rows = [[_label(Category, c), fmt_t(v)] for c, v in sorted((t.get("by_category") or {}).items(),
                                                                key=lambda kv: -(kv[1] or 0)) if c in energy_cats]
    if rows:
        s.add(Table([_("Kind of energy"), _("tCO₂e")], rows, numeric=(1,), widths=(3, 1.2),
                    caption=_("Emissions of energy use by kind (consumption structure)")))


# -- chapter 3 ------------------------------------------------------------------------------------------------------
def _chapter_3(report: Report, system: System, year: int) -> None:
    from carbonms.audits.models import Audit, ManagementReview, Nonconformity
    from carbonms.management.documents import Document
    from carbonms.management.models import (
        Appointment,
        Communication,
        ComplianceObligation,
        OrgUnit,
        Policy,
        Risk,
        Training,
    )

    s = _chapter(report, 3, _("Carbon emission management of the industrial park") if system.enterprise is None
                 else _("Carbon emission management of the enterprise"))
    _part(s, 1, _("Carbon emission management body"))
    units = list(system.filter(OrgUnit.objects.exclude(status="closed")).select_related("head")
                 .annotate(n=Count("members")))
    s.add(Table([_("Unit"), _("Kind"), _("Head"), _("Members"), _("Duties and authorities")],
                [[u.name, u.get_kind_display(), str(u.head or "—"), u.n, u.duties] for u in units],
                numeric=(3,), widths=(1.4, 1, 0.9, 0.6, 3.2)))
    appointments = system.filter(Appointment.objects.exclude(status="closed")).select_related("person", "unit")
    s.add(Table([_("Role"), _("Person"), _("Unit"), _("Appointed on")],
                [[a.get_role_display(), str(a.person), str(a.unit or "—"), str(a.appointed_on or "—")]
                 for a in appointments], widths=(1.6, 1.2, 1.6, 1), caption=_("Appointments")))
    if not units and not appointments:
        s.add(_("No carbon management body and no appointment is registered: the organisation is to be set up."))
    _part(s, 2, _("Carbon emission management rules"))
    policy = system.filter(Policy.objects.filter(status=Policy.Status.APPROVED)).first()
    s.add(_("Policy in force: %(title)s v%(v)s, approved on %(d)s.") % {
        "title": policy.title, "v": policy.version, "d": policy.approved_on or "—"} if policy
          else _("No carbon management policy is in force."))
    docs = list(system.filter(Document.objects.all()).prefetch_related("versions").order_by("identifier"))
    rows = [[d.identifier, d.title, d.get_kind_display(), d.in_force.version if d.in_force else _("none in force")]
            for d in docs]
    s.add(Table([_("Identifier"), _("Title"), _("Kind"), _("Version in force")], rows, widths=(1.2, 3, 1, 1),
                caption=_("Controlled documents (manual, procedures, rules, records)")))
    _part(s, 3, _("How the management system ran"))
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    s.add(Table([_("Activity in %(year)d") % {"year": year}, _("Number of records")], [
        [_("Applicable compliance obligations"), system.filter(ComplianceObligation.objects.filter(applicable=True))
         .exclude(status="closed").count()],
        [_("Risks and opportunities registered"), system.filter(Risk.objects.exclude(status="closed")).count()],
        [_("Training held"), system.filter(Training.objects.filter(held_on__range=(start, end))).count()],
        [_("Communications logged"), system.filter(Communication.objects.filter(occurred_on__range=(start, end)))
         .count()],
        [_("Internal audits"), system.filter(Audit.objects.filter(Q(planned_start__range=(start, end)))).count()],
        [_("Nonconformities raised"), system.filter(Nonconformity.objects.filter(detected_on__range=(start, end)))
         .count()],
        [_("Management reviews held"), system.filter(ManagementReview.objects.filter(held_on__range=(start, end)))
         .count()],
    ], numeric=(1,), widths=(3, 1)))


# -- chapter 4 ------------------------------------------------------------------------------------------------------
def _chapter_4(report: Report, system: System, st) -> None:
    from carbonms.carbondata.models import Source

    t = st.totals or {}
    s = _chapter(report, 4, _("Analysis of the emissions of the industrial park") if system.enterprise is None
                 else _("Analysis of the emissions of the enterprise"))
    _part(s, 1, _("Collection of the emission data"))
    ents = ([system.enterprise.pk] if system.enterprise is not None
            else [int(k) for k in (t.get("boundaries") or {})] or list(system.park.enterprises.values_list("pk", flat=True)))
    end = dt.date(st.year, 12, 31)
    sources = dict(Source.objects.filter(enterprise_id__in=ents, effective_from__lte=end)
                   .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=dt.date(st.year, 1, 1)))
                   .values_list("category").annotate(n=Count("id")))
    cov = st.coverage or {}
    s.add(_("The data come from inventory statement #%(pk)d (%(status)s, %(basis)s), made from the activity data of "
            "the sources below: fossil fuel combustion, industrial processes, waste treatment and purchased or "
            "exported electricity and heat. Coverage of the expected monthly values: %(cov)s.") % {
        "pk": st.pk, "status": st.get_status_display(), "basis": st.get_basis_display(),
        "cov": fmt_pct(cov.get("fraction"))})
    by_cat = sorted((t.get("by_category") or {}).items(), key=lambda kv: -(kv[1] or 0))
    gross = float(t.get("gross") or 0)
    s.add(Table([_("Category"), _("Sources"), _("tCO₂e"), _("Share of the total")],
                [[_label(Category, k), sources.get(k, 0), fmt_t(v), fmt_pct((v or 0) / gross if gross else None)]
                 for k, v in by_cat], numeric=(1, 2, 3), widths=(3, 0.8, 1.2, 0.8), caption=_("By category")))
    _part(s, 2, _("Analysis of the emissions"))
    s.add(Table([_("Item"), _("tCO₂e")], [
        [_("Direct emissions (scope 1)"), fmt_t(t.get("direct"))],
        [_("Indirect emissions from purchased energy (scope 2)"), fmt_t(t.get("indirect_energy"))],
        [_("Other indirect emissions"), fmt_t(t.get("other_indirect"))],
        [_("Removals"), fmt_t(t.get("removals"))],
        [_("Gross emissions"), fmt_t(t.get("gross"))],
    ], numeric=(1,), widths=(3, 1.2), total_row=True, caption=_("Emissions of %(year)d") % {"year": st.year}))
    if len(by_cat) > 1:
        top = by_cat[:7]
        rest = sum(float(v or 0) for _k, v in by_cat[7:])
        labels = [_label(Category, k) for k, _v in top] + ([_("Others")] if rest else [])
        values = [float(v or 0) for _k, v in top] + ([rest] if rest else [])
        s.add(Chart("pie", _("Emission structure by category"), labels, {_("tCO₂e"): values}))
    gases = sorted((t.get("by_gas_co2e") or {}).items())
    if gases:
        s.add(Table([_("Gas"), _("tCO₂e")], [[g, fmt_t(v)] for g, v in gases], numeric=(1,), widths=(3, 1.2),
                    caption=_("By gas (CO₂-equivalent, %(gwp)s)") % {"gwp": st.gwp_set}))
    rows = []
    for key, label in (("per_value_added", _("Emissions per 10⁴ yuan of value added")),
                       ("per_output_value", _("Emissions per 10⁴ yuan of output value")),
                       ("per_gdp", _("Emissions per 10⁴ yuan of GDP")),
                       ("carbon_per_energy", _("Carbon per unit of energy"))):
        v = (st.intensities or {}).get(key)
        if isinstance(v, dict) and v.get("value") is not None:
            rows.append([label, fmt_number(v["value"], 4), unit(v.get("unit", ""))])
    for p in ((st.intensities or {}).get("per_product") or []) if system.enterprise is not None else []:
        rows.append([_("Emissions per unit of %(name)s") % {"name": p.get("name") or p.get("code")},
                     fmt_number(p.get("value"), 4), unit(p.get("unit", ""))])
    s.add(Table([_("Intensity"), _("Value"), _("Unit")], rows, numeric=(1,), widths=(3, 1.2, 1.2),
              caption=_("Emission intensity")) if rows else
          _("No output or economic data are recorded for %(year)d: the intensity cannot be computed.") % {"year": st.year})
    series = trend(system, st.year)
    if len(series) > 1:
        rows, prev = [], None
        for x in series:
            g = float((x.totals or {}).get("gross") or 0)
            rows.append([x.year, fmt_t(g), fmt_number((x.totals or {}).get("energy_tce")),
                         fmt_number(_intensity(x, "per_value_added"), 4),
                         fmt_pct((g - prev) / prev if prev else None)])
            prev = g
        s.add(Table([_("Year"), _("Gross tCO₂e"), _("Energy (tce)"), _("tCO₂e per 10⁴ yuan VA"), _("Change")],
                    rows, numeric=(1, 2, 3, 4), widths=(0.7, 1.3, 1.2, 1.3, 0.9), caption=_("Trend")))
        s.add(Chart("line", _("Gross emissions by year"), [str(x.year) for x in series],
                    {_("tCO₂e"): [float((x.totals or {}).get("gross") or 0) for x in series]}, unit="tCO₂e"))
    if system.enterprise is None and t.get("by_enterprise"):
        from carbonms.organizations.models import Enterprise

        names = dict(Enterprise.objects.filter(park=system.park).values_list("pk", "short_name"))
        items = sorted(((names.get(int(k)) or k, float(v or 0)) for k, v in t["by_enterprise"].items()),
                       key=lambda kv: -kv[1])
        top, rest = items[:15], sum(v for _n, v in items[15:])
        labels = [n for n, _v in top] + ([_("Others")] if rest else [])
        s.add(Chart("barh", _("Emissions by enterprise (top 15)"), labels,
                    {_("tCO₂e"): [v for _n, v in top] + ([rest] if rest else [])}, unit="tCO₂e"))


# -- chapter 5 ------------------------------------------------------------------------------------------------------
def _chapter_5(report: Report, system: System, st) -> list[list]:
    """Returns the targets off track or at risk (problems for chapter 6)."""
    from carbonms.carbonreview import indicators
    from carbonms.carbonreview.models import Indicator
    from carbonms.performance.models import Baseline, Target

    s = _chapter(report, 5, _("Achievement of the emission targets and indicators"))
    _part(s, 1, _("Actual achievement"))
    targets = list(system.filter(Target.objects.filter(status__in=("approved", "published"), unit__isnull=True,
                                                       equipment__isnull=True)).prefetch_related("progress"))
    rows, off = [], []
    for tg in targets:
        p = next((x for x in tg.progress.all() if x.year == st.year), None)
        rows.append([f"{tg.code} {tg.title}", f"{fmt_number(tg.base_value)} ({tg.base_year})",
                     f"{fmt_number(tg.target_value)} ({tg.target_year})",
                     fmt_number(p.expected) if p else "—", fmt_number(p.actual) if p else "—", unit(tg.unit_label),
                     f"{fmt_number(p.progress_pct, 1)} %" if p and p.progress_pct is not None else "—",
                     p.get_status_display() if p else _("not computed")])
        if p and p.status != p.Status.ON_TRACK:
            off.append([_("Target %(code)s is %(status)s in %(year)d: %(actual)s against a milestone of %(expected)s "
                          "%(unit)s.") % {"code": tg.code, "status": p.get_status_display(), "year": st.year,
                                          "actual": fmt_number(p.actual), "expected": fmt_number(p.expected),
                                          "unit": tg.unit_label}])
    s.add(Table([_("Target"), _("Base"), _("Target value"), _("Milestone %(year)d") % {"year": st.year},
                 _("Actual"), _("Unit"), _("Progress"), _("Status")], rows, numeric=(1, 2, 3, 4, 6),
                widths=(2.6, 1.3, 1.3, 1.1, 1.1, 1, 0.8, 0.8)) if rows
          else _("No approved target is in force for this management system."))
    _part(s, 2, _("Against the baselines and performance indicators"))
    baselines = system.filter(Baseline.objects.filter(status="approved", unit__isnull=True)).order_by("metric", "version")
    s.add(Table([_("Baseline"), _("Base year"), _("Base value"), _("Unit"), _("Actual %(year)d") % {"year": st.year},
                 _("Change")], [_baseline_row(b, st) for b in baselines], numeric=(2, 4, 5),
                widths=(2.4, 0.8, 1.2, 1, 1.2, 0.8), caption=_("Baselines")))
    ind_rows = []
    for ind in system.filter(Indicator.objects.filter(active=True)).order_by("code"):
        v = indicators.value_for(ind, st.year, st)
        if v.exceeds:
            off.append([_("Indicator %(code)s deviates %(dev)s %% from its expected value.")
                        % {"code": ind.code, "dev": fmt_number(v.deviation_pct, 1)}])
        ind_rows.append([f"{ind.code} {ind.name}", unit(indicators.unit_of(ind)), fmt_number(v.value, 4),
                         fmt_number(v.expected, 4), "—" if v.deviation_pct is None else f"{fmt_number(v.deviation_pct, 1)} %"])
    s.add(Table([_("Indicator"), _("Unit"), _("Value"), _("Expected"), _("Deviation")], ind_rows,
                numeric=(2, 3, 4), widths=(2.6, 1.2, 1, 1, 0.8), caption=_("Performance indicators"))
          if ind_rows else _("No performance indicator is in use."))
    return off


def _baseline_row(b, st) -> list:
    from carbonms.performance.models import Metric

    actual = None
    if b.metric == Metric.ABSOLUTE:
        actual = (st.totals or {}).get("gross")
    elif b.metric == "intensity_value_added":
        actual = _intensity(st, "per_value_added")
    elif b.metric == "intensity_energy":
        actual = _intensity(st, "carbon_per_energy")
    change = None if actual is None or not b.value else (float(actual) - float(b.value)) / float(b.value)
    return [b.name, b.base_year, fmt_number(b.value, 4 if b.metric != Metric.ABSOLUTE else 2), unit(b.unit_label),
            fmt_number(actual, 4 if b.metric != Metric.ABSOLUTE else 2), fmt_pct(change)]


# -- chapter 6 ------------------------------------------------------------------------------------------------------
def _chapter_6(report: Report, review, system: System, off: list[list]) -> None:
    from carbonms.abatement.models import Opportunity
    from carbonms.audits.models import Nonconformity, ReviewOutput
    from carbonms.carbonreview import sections

    s = _chapter(report, 6, _("Review recommendations"))
    _part(s, 1, _("Existing problems"))
    problems = [[f"{sections.title_of(x.key)}: {x.findings or '—'}"]
                for x in review.sections.filter(conclusion="improve").order_by("position")]
    ncs = system.filter(Nonconformity.objects.exclude(status=Nonconformity.Status.CLOSED)).order_by("detected_on")
    problems += [[_("Nonconformity %(number)s (%(status)s): %(title)s") % {
        "number": n.number, "status": n.get_status_display(), "title": n.title}] for n in ncs]
    problems += off
    s.add(Table([_("Problem")], problems, widths=(1,)) if problems
          else _("The review found no item needing improvement, no open nonconformity and no target off track."))
    _part(s, 2, _("Recommendations for improvement"))
    opps = (Opportunity.objects.filter(park=system.park).filter(
        Q(enterprise=system.enterprise) if system.enterprise else Q()).exclude(status="rejected")
        .exclude(cost_per_t__isnull=True).select_related("enterprise").order_by("cost_per_t", "-annual_reduction_t")[:10])
    if opps:
        s.add(Table([_("Reduction opportunity"), _("Held by"), _("tCO₂e/yr"), _("Yuan/tCO₂e")],
                    [[f"{o.code} {o.title}", o.owner_name, fmt_t(o.annual_reduction_t), fmt_number(o.cost_per_t)]
                     for o in opps], numeric=(2, 3), widths=(3, 1.6, 1, 1),
                    caption=_("Reduction opportunities to pursue, cheapest first")))
    outputs = (system.filter(ReviewOutput.objects.filter(done_on__isnull=True)).select_related("review", "owner")
               .order_by("due_on"))
    if outputs:
        s.add(Table([_("Decision of the management review"), _("Category"), _("Held by"), _("Due")],
                    [[o.decision, o.get_category_display(), str(o.owner or "—"), str(o.due_on or "—")]
                     for o in outputs], widths=(3.4, 1, 1, 0.9), caption=_("Open decisions of the management reviews")))
    if review.summary:
        s.add(_("Overall conclusion of the review: %(text)s") % {"text": review.summary})
    if not opps and not outputs and not review.summary:
        s.add(_("No opportunity, open decision or overall conclusion is recorded yet."))


def build(review) -> Report:
    """The Annex B review report of a carbon review (raises MissingData without the year's statement of record)."""
    system = System(review.park, review.enterprise)
    st = statement_of(system, review.year)
    entity = system.name
    report = Report(
        title=_("Carbon emission management system review report"),
        subtitle=_("%(entity)s · year %(year)d") % {"entity": entity, "year": review.year},
        issuer=review.park.name if review.enterprise_id is None else entity,
        date=timezone.localdate().isoformat(),
        footer=_("Carbon review %(year)s v%(version)s · T/CPQS ZC001—2025 Annex B") % {
            "year": review.year, "version": review.version},
        draft_mark="" if review.status == review.Status.APPROVED else
        _("Draft: the carbon review is %(status)s, not approved") % {"status": review.get_status_display()},
    )
    _chapter_1(report, review, system, entity)
    _chapter_2(report, system, st)
    _chapter_3(report, system, review.year)
    _chapter_4(report, system, st)
    off = _chapter_5(report, system, st)
    _chapter_6(report, review, system, off)
    return report


# -- the kind -------------------------------------------------------------------------------------------------------
def resolve(park, enterprise, year: int):
    """The carbon review of the system and year: the approved version, else the one in preparation."""
    from carbonms.carbonreview.models import CarbonReview

    qs = CarbonReview.objects.filter(park=park, enterprise=enterprise, year=year).exclude(
        status=CarbonReview.Status.SUPERSEDED).select_related("park", "enterprise")
    review = qs.filter(status=CarbonReview.Status.APPROVED).first() or qs.order_by("-version").first()
    if review is None:
        who = enterprise.name if enterprise is not None else park.name
        raise MissingData("carbon_review", _("%(who)s has no carbon review for %(year)d") % {"who": who, "year": year})
    return review


def _filename(review) -> str:
    who = review.enterprise.credit_code if review.enterprise_id else f"park-{review.park_id}"
    return f"review-report-{who}-{review.year}-v{review.version}"


def register() -> None:
    from django.utils.translation import gettext_lazy

    from carbonms.carbonreview.models import CarbonReview

    from .registry import ReportKind
    from .registry import register as add

    add(ReportKind(key="review", label=gettext_lazy("Management system review report"), model=CarbonReview,
                   resolve=resolve, build=build, identifier=lambda r: f"RPT-REV-{r.year}", filename=_filename))
