"""The carbon accounting report (碳排放核算报告) of an inventory statement (T/CSES 6.3.1; T/CIECCPA 8.2.2.8).

Its chapters follow the report format of the national sector accounting guidelines: basic information; the
accounting boundary; emissions by category and gas; activity data and their sources; emission factors and their
sources; methods and the reasons for them; boundary changes and restatements; data quality and uncertainty. Every
figure comes from the statement (the frozen figure of record) and the run that produced it, never from live data,
so that a report regenerated later says the same thing. An enterprise's report carries its re-performance file
(the run's inputs in the ``carbonms calc`` format) as an attachment named with its SHA-256.
"""
from __future__ import annotations

import hashlib
from collections import defaultdict

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from carbonms.carbondata.models import ActivityRecord, Evidence, Source
from carbonms.carbondata.models.register import Category, Method
from carbonms.inventory import reperform
from carbonms.inventory.models import InventoryStatement, RunResult
from carbonms.organizations.models import Boundary

from .document import Chart, Facts, MissingData, Report, Table, fmt_number, fmt_pct, fmt_t, need


def _label(choices, code: str) -> str:
    try:
        return str(choices(code).label)
    except ValueError:
        return code


def reperformance_file(statement: InventoryStatement) -> tuple[str, bytes] | None:
    """(file name, CSV bytes) of an enterprise statement's re-performance file; None for a park statement."""
    if statement.enterprise_id is None:
        return None
    data = reperform.to_csv(reperform.input_rows(statement.run)).encode("utf-8")
    return f"reperform-{statement.enterprise.credit_code}-{statement.year}.csv", data


def _entity_facts(statement: InventoryStatement) -> list[tuple[str, str]]:
    ent = statement.enterprise
    if ent is None:
        park = statement.park
        return [
            (_("Reporting entity"), park.name),
            (_("Type"), _("Industrial park (park total under the double-counting rule)")),
            (_("Reporting year"), str(statement.year)),
        ]
    return [
        (_("Reporting entity"), ent.name),
        (_("Unified social credit code"), need(ent.credit_code, "enterprise.credit_code")),
        (_("Industry (GB/T 4754)"), f"{ent.industry_code} {ent.industry_name}".strip()),
        (_("Address"), ent.address or "—"),
        (_("Legal representative"), ent.legal_representative or "—"),
        (_("Contact"), " ".join(x for x in (ent.contact_name, ent.contact_phone) if x) or "—"),
        (_("Park"), statement.park.name),
        (_("Reporting year"), str(statement.year)),
    ]


def _status_facts(statement: InventoryStatement) -> list[tuple[str, str]]:
    facts = [
        (_("Basis"), statement.get_basis_display()),
        (_("Status"), statement.get_status_display()),
        (_("GWP set"), statement.gwp_set),
        (_("Calculation run"), f"#{statement.run_id} · {statement.run.created_at:%Y-%m-%d %H:%M}"),
        (_("Approved"), f"{statement.approved_by or '—'} · {statement.approved_at:%Y-%m-%d}" if statement.approved_at
         else "—"),
    ]
    if statement.status == InventoryStatement.Status.VERIFIED or statement.verified_on:
        facts.append((_("Verification"), f"{statement.verified_by or '—'} · {statement.verified_on or '—'} · "
                                         f"{statement.get_opinion_display() or '—'}"))
    return facts


def _boundary_section(report: Report, statement: InventoryStatement) -> None:
    s = report.section(_("2. Accounting boundary"))
    applied = (statement.boundaries or {}).get("enterprises", {})
    if statement.enterprise_id is None:
        s.add(_("The park total counts every member enterprise for the months it was a member, under the accounting "
                "boundary in force on %(date)s; energy supplied inside the park is counted once, at the supplier.")
              % {"date": (statement.boundaries or {}).get("boundary_date", "—")})
        names = dict(statement.park.enterprises.values_list("pk", "name"))
        rows = [[names.get(int(k), k), len(v.get("months", [])), v.get("boundary_from", "—"), v.get("n_excluded", 0)]
                for k, v in sorted(applied.items(), key=lambda kv: names.get(int(kv[0]), ""))]
        s.add(Table([_("Enterprise"), _("Months counted"), _("Boundary in force from"), _("Sources excluded")], rows,
                    numeric=(1, 3), widths=(3, 1, 1.4, 1)))
        return
    entry = applied.get(str(statement.enterprise_id)) or {}
    boundary = Boundary.objects.filter(pk=entry.get("boundary")).prefetch_related("sites").first()
    if boundary is None:
        raise MissingData("boundaries.boundary", _("the statement does not name the accounting boundary it applied"))
    s.add(boundary.description or "—")
    s.add(Facts([
        (_("Consolidation approach"), boundary.get_approach_display()),
        (_("Boundary in force from"), str(boundary.effective_from)),
        (_("Sites"), "、".join(site.name for site in boundary.sites.all()) or "—"),
        (_("Months counted"), ", ".join(str(m) for m in entry.get("months", [])) or "—"),
        (_("Sources excluded by the boundary"), str(entry.get("n_excluded", 0))),
    ]))


def _emissions_section(report: Report, statement: InventoryStatement) -> None:
    t = statement.totals or {}
    s = report.section(_("3. Emissions"))
    s.add(Table(
        [_("Item"), _("tCO₂e")],
        [[_("Direct emissions (scope 1)"), fmt_t(t.get("direct"))],
         [_("Indirect emissions from purchased energy (scope 2, location-based)"), fmt_t(t.get("indirect_energy"))],
         [_("Other indirect emissions"), fmt_t(t.get("other_indirect"))],
         [_("Removals"), fmt_t(t.get("removals"))],
         [_("Gross emissions"), fmt_t(need(t.get("gross"), "totals.gross"))],
         [_("Net emissions"), fmt_t(t.get("net"))]],
        numeric=(1,), widths=(3, 1), total_row=True, caption=_("Totals"),
    ))
    by_cat = sorted((t.get("by_category") or {}).items(), key=lambda kv: -(kv[1] or 0))
    gross = t.get("gross") or 0
    s.add(Table([_("Category"), _("tCO₂e"), _("Share")],
                [[_label(Category, k), fmt_t(v), fmt_pct((v or 0) / gross if gross else None)] for k, v in by_cat],
                numeric=(1, 2), widths=(3, 1.2, 0.8), caption=_("By category")))
    by_gas = (t.get("by_gas_co2e") or {}).items()
    s.add(Table([_("Gas"), _("tCO₂e")], [[g, fmt_t(v)] for g, v in sorted(by_gas)], numeric=(1,), widths=(3, 1),
                caption=_("By gas (CO₂-equivalent, %(gwp)s)") % {"gwp": statement.gwp_set}))
    months = t.get("by_month") or {}
    if months:
        s.add(Chart("bar", _("Emissions by month"), [str(m) for m in range(1, 13)],
                    {_("tCO₂e"): [float(months.get(str(m)) or 0) for m in range(1, 13)]}, unit="tCO₂e"))
    if by_cat and len(by_cat) > 1:
        s.add(Chart("barh", _("Emissions by category"), [_label(Category, k) for k, _v in by_cat],
                    {_("tCO₂e"): [float(v or 0) for _k, v in by_cat]}, unit="tCO₂e"))
    if t.get("energy_tce") is not None:
        s.add(_("Comprehensive energy consumption: %(tce)s tce.") % {"tce": fmt_number(t.get("energy_tce"))})


def _activity_section(report: Report, statement: InventoryStatement) -> None:
    s = report.section(_("4. Activity data and their sources"))
    rows = (RunResult.objects.filter(run=statement.run)
            .values("enterprise__short_name", "source_id", "source__code", "source__name", "category", "material", "unit")
            .annotate(amount=Sum("amount"), co2e=Sum("co2e_t"), months=Count("month", distinct=True))
            .order_by("enterprise__short_name", "source__code"))
    rows = list(rows)
    if not rows:
        raise MissingData("run.results", _("the run holds no activity data"))
    source_ids = [r["source_id"] for r in rows]
    evidence = dict(Evidence.objects.filter(activity__source_id__in=source_ids, activity__year=statement.year)
                    .values_list("activity__source_id").annotate(n=Count("id")))
    origin = defaultdict(set)
    for sid, o in (ActivityRecord.objects.filter(source_id__in=source_ids, year=statement.year, is_current=True)
                   .values_list("source_id", "origin").distinct()):
        origin[sid].add(_label(ActivityRecord.Origin, o))
    park_level = statement.enterprise_id is None
    headers = ([_("Enterprise")] if park_level else []) + [
        _("Source"), _("Category"), _("Material"), _("Amount"), _("Unit"), _("Months"), _("Data origin"),
        _("Evidence files"), _("tCO₂e")]
    body = []
    for r in rows:
        line = ([r["enterprise__short_name"]] if park_level else []) + [
            f"{r['source__code']} {r['source__name']}", _label(Category, r["category"]), r["material"],
            fmt_number(r["amount"], 3), r["unit"], r["months"], "、".join(sorted(origin[r["source_id"]])) or "—",
            evidence.get(r["source_id"], 0), fmt_t(r["co2e"])]
        body.append(line)
    off = 1 if park_level else 0
    widths = ((1.1,) if park_level else ()) + (2.2, 0.9, 0.9, 1.2, 0.8, 0.5, 0.9, 0.6, 1.2)
    s.add(Table(headers, body, numeric=(3 + off, 5 + off, 7 + off, 8 + off), widths=widths))


def _factor_section(report: Report, statement: InventoryStatement) -> None:
    s = report.section(_("5. Emission factors and their sources"))
    policy = statement.policy or {}
    grid = policy.get("grid_factor") or {}
    if grid:
        s.add(_("Electricity: %(name)s, %(value)s %(unit)s (%(version)s; grid rule: %(rule)s).") % {
            "name": grid.get("name", "—"), "value": grid.get("value", "—"), "unit": grid.get("unit", ""),
            "version": grid.get("version_id", "—"), "rule": policy.get("grid_year_rule", "—")})
    seen, rows, supplied = set(), [], []
    for f in statement.run.factors or []:
        key = f.get("version_id") or f.get("id")
        if key is None:  # the row carried its own parameters (measured carbon content, mass-balance fraction)
            material = (f.get("input") or {}).get("material", "—")
            params = "; ".join(f"{k} = {v}" for k, v in (f.get("supplied") or {}).items())
            per = f.get("per_unit") or {}
            supplied.append([material, params, fmt_number(per.get("co2e_t"), 4), f"tCO₂e/{per.get('unit', '')}"])
            continue
        if key in seen:
            continue
        seen.add(key)
        status = f.get("status") or ("verified" if f.get("verified") else "unverified")
        rows.append([f.get("name", "—"), _factor_value(f), f.get("gas", "") or "CO2", key, status,
                     (f.get("source") or "—")[:160]])
    s.add(Table([_("Factor"), _("Value"), _("Gas"), _("Version"), _("Status"), _("Source")], rows,
                widths=(1.2, 1.8, 0.5, 1.6, 0.8, 2.6), caption=_("Factors from the factor library")))
    unverified = sum(1 for r in rows if r[4] not in ("verified", "official"))
    if unverified:
        s.add(_("%(n)d of the %(total)d library factors used are not verified against their official source; the "
                "verifier should confirm them.") % {"n": unverified, "total": len(rows)})
    if supplied:
        s.add(Table([_("Material"), _("Parameters supplied with the data"), _("Result per unit"), _("Unit")],
                    supplied, numeric=(2,), widths=(1.4, 2.6, 1, 1),
                    caption=_("Measured parameters (lab analyses, mass balance) supplied with the activity data")))


def _factor_value(f: dict) -> str:
    """A library factor's value in words: EF, or NCV × CC × OF for a fuel."""
    if f.get("value") is not None:
        return f"{f['value']} {f.get('unit', '')}".strip()
    parts = []
    for k, label in (("ncv", "NCV"), ("carbon_content", "CC"), ("oxidation_rate", "OF")):
        if f.get(k) is not None:
            parts.append(f"{label} {f[k]} {f.get(k + '_unit', '')}".strip())
    return " × ".join(parts) or "—"


def _method_section(report: Report, statement: InventoryStatement) -> None:
    s = report.section(_("6. Methods and the reasons for them"))
    ids = RunResult.objects.filter(run=statement.run).values_list("source_id", flat=True).distinct()
    sources = Source.objects.filter(pk__in=ids).select_related("enterprise").order_by("enterprise__short_name", "code")
    park_level = statement.enterprise_id is None
    rows = [([src.enterprise.short_name] if park_level else []) +
            [f"{src.code} {src.name}", _label(Method, src.method), src.method_reason or "—"] for src in sources]
    s.add(Table(([_("Enterprise")] if park_level else []) + [_("Source"), _("Method"), _("Reason for the method")],
                rows, widths=((1,) if park_level else ()) + (1.6, 1.4, 3)))


def _changes_section(report: Report, statement: InventoryStatement) -> None:
    s = report.section(_("7. Boundary changes and restatements"))
    if statement.enterprise_id is not None:
        boundaries = Boundary.objects.filter(enterprise=statement.enterprise, kind=Boundary.Kind.ACCOUNTING
                                             ).order_by("effective_from")
        s.add(Table([_("In force from"), _("In force to"), _("Description"), _("Reason for the change")],
                    [[b.effective_from, b.effective_to or "—", b.description, b.change_reason or "—"]
                     for b in boundaries], widths=(1, 1, 3, 2), caption=_("Accounting boundary versions")))
    chain, cur = [], statement.supersedes
    while cur is not None:
        chain.append([cur.pk, cur.get_status_display(), cur.approved_at.date() if cur.approved_at else "—",
                      fmt_t((cur.totals or {}).get("gross"))])
        cur = cur.supersedes
    if statement.restatement_reason or chain:
        s.add(_("This statement restates an earlier one: %(reason)s") % {"reason": statement.restatement_reason or "—"})
        s.add(Table([_("Statement"), _("Status"), _("Approved"), _("Gross tCO₂e")], chain, numeric=(3,)))
    else:
        s.add(_("No earlier statement of this year was restated."))


def _quality_section(report: Report, statement: InventoryStatement) -> None:
    s = report.section(_("8. Data quality and uncertainty"))
    cov = statement.coverage or {}
    s.add(Facts([
        (_("Values expected"), cov.get("expected", "—")),
        (_("Values held"), cov.get("held", "—")),
        (_("Coverage"), fmt_pct(cov.get("fraction"))),
        (_("Complete"), _("yes") if cov.get("complete") else _("no")),
    ]))
    if not cov.get("complete"):
        s.add(_("Justification for a statement from incomplete data: %(text)s")
              % {"text": need(statement.justification, "statement.justification")})
    flagged = (ActivityRecord.objects.filter(enterprise__park=statement.park, year=statement.year, is_current=True)
               .filter(Q(enterprise_id=statement.enterprise_id) if statement.enterprise_id else Q())
               .exclude(quality_flags=[]).count())
    s.add(_("%(n)d activity values of the year carry data-quality findings (range, change against the previous "
            "period, completeness), each reviewed with a reason before approval.") % {"n": flagged})
    unc = (statement.totals or {}).get("uncertainty_pct")
    if unc is not None:
        s.add(_("Uncertainty of gross emissions (IPCC approach 1): ±%(pct)s %%.") % {"pct": fmt_number(unc, 1)})
    else:
        s.add(_("The run did not quantify uncertainty: no uncertainty ranges are recorded for its activity data and "
                "factors."), )


def build(statement: InventoryStatement) -> Report:
    """The accounting report of ``statement`` as a :class:`Report` (raises MissingData naming what is missing)."""
    if statement.status not in (InventoryStatement.Status.APPROVED, InventoryStatement.Status.VERIFIED,
                                InventoryStatement.Status.SUPERSEDED):
        raise MissingData("statement.status", _("the statement is a draft: a report is made from an approved statement"))
    entity = statement.enterprise.name if statement.enterprise_id else statement.park.name
    report = Report(
        title=_("Carbon accounting report"),
        subtitle=_("%(entity)s · reporting year %(year)d") % {"entity": entity, "year": statement.year},
        issuer=statement.park.name,
        date=timezone.localdate().isoformat(),
        footer=_("Statement #%(pk)d") % {"pk": statement.pk},
        draft_mark=_("Superseded statement") if statement.status == InventoryStatement.Status.SUPERSEDED else "",
    )
    s = report.section(_("1. Basic information"))
    s.add(Facts(_entity_facts(statement) + _status_facts(statement)))
    _boundary_section(report, statement)
    _emissions_section(report, statement)
    _activity_section(report, statement)
    _factor_section(report, statement)
    _method_section(report, statement)
    _changes_section(report, statement)
    _quality_section(report, statement)
    file = reperformance_file(statement)
    if file:
        name, data = file
        report.attachments.append((name, hashlib.sha256(data).hexdigest()))
        report.attachments_title = _("Attachments")
    return report
