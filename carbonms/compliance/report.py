"""The content of the carbon-neutrality evaluation report, T/CIECCPA 061 8.4.6 a)–j), assembled from the data.

:func:`evaluation_report` returns the ten sections as a list of ``{"key", "title", "rows": [(label, value)],
"note"}`` so that the claim's page shows it, and :func:`build` lays the same sections out as the evaluation report
(the ``neutrality`` report kind, DOCX and PDF, with the offsets in detail and the declaration). Every value comes from a record: the statement of record and its frozen run (boundaries, method, data),
the organisation register (units and equipment), the monitoring plan and the calibrations, the ledger's
cancellations for the claim and the third party's determination.
"""
from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from carbonms.reports.document import fmt_t

from .models import NeutralityClaim


def _categories(st) -> list[tuple[str, str]]:
    from carbonms.carbondata.models.register import Category

    labels = dict(Category.choices)
    return [(str(labels.get(k, k)), f"{fmt_t(v)} t") for k, v in sorted((st.totals or {}).get("by_category", {}).items()) if v]


def evaluation_report(claim: NeutralityClaim, offsets: list[dict]) -> list[dict]:
    from carbonms.carbondata.models import MeasuringInstrument, MonitoringPlan
    from carbonms.organizations.models import Boundary, EmissionUnit, Equipment

    ent, st = claim.enterprise, claim.statement
    today = timezone.localdate()
    boundary = Boundary.objects.filter(enterprise=ent).order_by("-pk").first()
    units = EmissionUnit.objects.filter(enterprise=ent).count()
    equipment = Equipment.objects.filter(enterprise=ent).count()
    plan = MonitoringPlan.objects.filter(enterprise=ent, status="approved").order_by("-version").first()
    instruments = list(MeasuringInstrument.objects.filter(enterprise=ent, in_service=True).prefetch_related("calibrations"))
    lapsed = [i for i in instruments if not i.valid_on(today)]
    result = claim.result or {}
    cov = st.coverage or {}
    yes, no = _("yes"), _("no")
    return [
        {"key": "a", "title": _("a) Purpose, scope and criteria of the evaluation"), "rows": [
            (_("purpose"), _("Determine whether %(e)s achieved carbon neutrality in %(y)d (T/CIECCPA 061 8.4.1).") % {"e": ent.name, "y": claim.year}),
            (_("gas basis"), claim.get_gas_basis_display()),
            (_("emission categories included"), "、".join(claim.category_labels) or "—"),
            (_("criteria"), "T/CIECCPA 061-2021 8.4; T/CPQS 7.3.5"),
            (_("cancellation window (months)"), str(claim.window_months))]},
        {"key": "b", "title": _("b) Process and methods (team, document review, site visit)"), "rows": [
            (_("third-party verifier"), str(claim.verifier or "—")), (_("verification body"), claim.verifier_body or "—"),
            (_("determination date"), str(claim.determined_on or "—")),
            (_("determination notes"), claim.determination_notes or _("Not yet determined: self-assessed only."))]},
        {"key": "c", "title": _("c) Basic information of the organisation"), "rows": [
            (_("name"), ent.name), (_("unified social credit code"), ent.credit_code),
            (_("industry"), f"{ent.industry_code} {ent.industry_name}"), (_("address"), ent.address or "—"),
            (_("national carbon market covered entity"), yes if ent.carbon_market_covered else no)]},
        {"key": "d", "title": _("d) Organisational and accounting boundaries, emission units and equipment"), "rows": [
            (_("boundary"), str(boundary) if boundary else "—"),
            (_("boundary date applied by the statement"), str((st.boundaries or {}).get("boundary_date") or "—")),
            (_("emission units"), str(units)), (_("equipment"), str(equipment))]},
        {"key": "e", "title": _("e) Conformity of the accounting method"), "rows": [
            (_("statement of record"), str(st)), (_("GWP set"), st.gwp_set),
            (_("calculation run"), f"#{st.run_id}"),
            (_("coverage"), f"{round(100 * float(cov['fraction']), 1)} %" if cov.get("fraction") is not None else "—")]},
        {"key": "f", "title": _("f) Calibration of measuring equipment"), "rows": [
            (_("measuring instruments in service"), str(len(instruments))),
            (_("not calibrated today"), ", ".join(str(i) for i in lapsed[:10]) or _("none"))]},
        {"key": "g", "title": _("g) Calculation and data"), "rows": [
            (_("emissions (t)"), fmt_t(claim.emissions_t)), *_categories(st)]},
        {"key": "h", "title": _("h) Monitoring plan"), "rows": [
            (_("approved monitoring plan"), f"{plan} (v{plan.version}, {plan.effective_from})" if plan else _("none"))]},
        {"key": "i", "title": _("i) Carbon assets used as offsets"), "rows": [
            (o.get("label") or o["id"], f"{o.get('quantity_t')} t · {o.get('certificate') or '—'} · "
                                                    f"{o.get('serials') or '—'} · {o.get('cancelled_on') or '—'}")
            for o in offsets] or [(_("offsets"), _("none"))], "note": claim.priority_justification},
        {"key": "j", "title": _("j) Conclusion"), "rows": [
            (_("self-assessment"), (_("achieved") if result.get("achieved") else _("not achieved")) if result else "—"),
            (_("counted offsets (t)"), fmt_t(result.get("eligible_t"))), (_("gap (t)"), fmt_t(result.get("gap_t"))),
            (_("determination conclusion"), claim.get_conclusion_display() or _("not yet determined")),
            (_("status"), claim.get_status_display())]},
    ]


# -- the evaluation report as a document (DOCX and PDF, through carbonms.reports) ---------------------------------------

DETERMINED = (NeutralityClaim.Status.DETERMINED, NeutralityClaim.Status.DECLARED)


def resolve(park, enterprise, year: int) -> NeutralityClaim:
    """The enterprise's claim of ``year``; MissingData when there is none (a park makes no claim of its own)."""
    from carbonms.reports.document import MissingData

    if enterprise is None:
        raise MissingData("claim", _("A carbon-neutrality claim is an enterprise's: name the enterprise."))
    claim = (NeutralityClaim.objects.filter(enterprise=enterprise, year=year)
             .select_related("enterprise", "park", "statement", "verifier", "declared_by").first())
    if claim is None:
        raise MissingData("claim", _("%(e)s has no carbon-neutrality claim for %(y)d") % {"e": enterprise.name, "y": year})
    return claim


def _assessment(claim: NeutralityClaim) -> tuple[dict, bool]:
    """(the asset core's output, provisional): the one recorded at the self-assessment, else the claim as it stands."""
    from django.utils.translation import get_language

    from .services import claim_compute

    if claim.result:
        return claim.result, False
    return claim_compute(claim, "en" if (get_language() or "").startswith("en") else "zh"), True


def build(claim: NeutralityClaim):
    """The neutrality evaluation report of ``claim``: sections a)–j) of T/CIECCPA 061 8.4.6 from
    :func:`evaluation_report`, the offsets in detail, and the declaration. A claim the third party has not determined
    renders only as a draft, marked so on every page."""
    from carbonms.reports.document import Facts, Paragraph, Report, Table

    from . import holdings

    lots = holdings.claim_lots(claim)
    cancelled = [lot for lot in lots if lot["status"] == "cancelled"]
    by_id = {lot["id"]: lot for lot in lots}
    result, provisional = _assessment(claim)
    determined = claim.status in DETERMINED
    report = Report(
        title=_("Carbon-neutrality evaluation report"),
        subtitle=_("%(e)s · %(y)d") % {"e": claim.enterprise.name, "y": claim.year},
        issuer=claim.verifier_body or claim.park.name, date=str(claim.determined_on or timezone.localdate()),
        facts=[(_("Organisation"), claim.enterprise.name), (_("Year"), str(claim.year)),
               (_("Status"), claim.get_status_display()), (_("Emissions (t)"), fmt_t(claim.emissions_t)),
               (_("Criteria"), "T/CIECCPA 061-2023 8.4; T/CPQS 7.3.5")],
        footer=_("Neutrality claim #%(pk)d") % {"pk": claim.pk},
        draft_mark="" if determined else _("DRAFT · not yet determined by the third party (T/CIECCPA 8.4.4–8.4.5)"),
    )
    if not determined:
        report.facts.append((_("Draft"), _("Self-assessed only: this report is a draft until the third party records "
                                           "its determination.")))
    for part in evaluation_report(claim, cancelled):
        s = report.section(part["title"])
        rows = part["rows"]
        if part["key"] == "g":
            s.add(Facts(rows[:1] + [(_("statement of record"), str(claim.statement)),
                                    (_("gas basis"), claim.get_gas_basis_display())]))
            if rows[1:]:
                s.add(Table([_("Category"), _("Emissions")], [list(r) for r in rows[1:]], numeric=(1,), widths=(3, 1.2),
                            caption=_("By category (from the statement of record)")))
            continue
        if part["key"] == "i":
            _offsets(s, claim, cancelled, result, by_id, provisional)
            continue
        s.add(Facts(rows))
        if part.get("note"):
            s.add(Paragraph(part["note"], "note"))
    _declaration(report, claim, result)
    return report


def _offsets(s, claim: NeutralityClaim, cancelled: list[dict], result: dict, by_id: dict, provisional: bool) -> None:
    from carbonms.reports.document import Facts, Paragraph, Table

    label = lambda r: by_id.get(r["id"], {}).get("label", r["id"])  # noqa: E731
    s.add(Table([_("Lot"), "t", _("Certificate"), _("Serials"), _("Cancelled on")],
                [[o["label"], fmt_t(o["quantity_t"]), o.get("certificate") or "—", o.get("serials") or "—",
                  o.get("cancelled_on") or "—"] for o in cancelled] or [[_("Nothing cancelled for this claim."), "", "", "", ""]],
                numeric=(1,), widths=(2.2, 1, 1.2, 2.6, 1), caption=_("Units cancelled (注销) for this claim")))
    s.add(Table([_("Priority tier"), _("Lot"), _("Counted (t)")],
                [[a["tier"], label(a), fmt_t(a["quantity_t"])] for a in result.get("allocation", [])] or [["—", "", ""]],
                numeric=(0, 2), widths=(0.8, 3, 1.2), caption=_("Allocation by priority (8.4.2, 8.4.3)")))
    if result.get("rejected"):
        s.add(Table([_("Lot"), _("Reason")], [[label(r), r["reason"]] for r in result["rejected"]], widths=(2, 3),
                    caption=_("Rejected")))
    s.add(Facts([(_("cancellation window (months)"), str(claim.window_months)),
                 (_("cancelled by"), result.get("cancellation_deadline") or "—"),
                 (_("counted offsets (t)"), fmt_t(result.get("eligible_t"))),
                 (_("gap (t)"), fmt_t(result.get("gap_t")))]))
    if claim.priority_justification:
        s.add(Paragraph(_("Justification of the offset priority: %(text)s") % {"text": claim.priority_justification}))
    if provisional:
        s.add(Paragraph(_("Not yet self-assessed: the allocation is the claim as it stands today."), "note"))


def _declaration(report, claim: NeutralityClaim, result: dict) -> None:
    from carbonms.reports.document import Facts, Paragraph

    s = report.section(_("Declaration"))
    if claim.status == NeutralityClaim.Status.DECLARED:
        achieved = claim.conclusion == NeutralityClaim.Conclusion.ACHIEVED
        s.add(Paragraph((_("%(e)s declares that it achieved carbon neutrality for %(y)d: its emissions of %(t)s t "
                           "within the accounting boundary are offset by units cancelled for this claim, as determined "
                           "by the third party.") if achieved else
                         _("%(e)s declares that it did not achieve carbon neutrality for %(y)d, as determined by the "
                           "third party.")) % {"e": claim.enterprise.name, "y": claim.year,
                                               "t": f"{claim.emissions_t:,.2f}"}, "emphasis"))
        s.add(Facts([(_("Declaration approved by"), str(claim.declared_by)),
                     (_("declaration approved at"), f"{timezone.localtime(claim.declared_at):%Y-%m-%d}"),
                     (_("neutral status maintained until"), str(claim.maintained_until or "—"))]))
    else:
        s.add(_("The declaration has not been approved by top management yet (T/CPQS 7.3.5 d)): it follows the third "
                "party's determination."))


def register_kind() -> None:
    """The ``neutrality`` report kind (registered in ``ComplianceConfig.ready``)."""
    from django.utils.translation import gettext_lazy

    from carbonms.reports.registry import ReportKind, register

    register(ReportKind(
        key="neutrality", label=gettext_lazy("Carbon-neutrality evaluation report"), model=NeutralityClaim,
        resolve=resolve, build=build, identifier=lambda c: f"RPT-CN-{c.year}",
        filename=lambda c: f"neutrality-report-{c.enterprise.credit_code}-{c.year}",
    ))
