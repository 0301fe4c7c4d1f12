"""The content of the carbon-neutrality evaluation report, T/CIECCPA 061 8.4.6 a)–j), assembled from the data.

:func:`evaluation_report` returns the ten sections as a list of ``{"key", "title", "rows": [(label, value)],
"note"}`` so that the claim's page shows it and the reports issue can render it as DOCX/PDF without querying
again. Every value comes from a record: the statement of record and its frozen run (boundaries, method, data),
the organisation register (units and equipment), the monitoring plan and the calibrations, the ledger's
cancellations for the claim and the third party's determination.
"""
from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from .models import NeutralityClaim


def _categories(st) -> list[tuple[str, str]]:
    from carbonms.carbondata.models.register import Category

    labels = dict(Category.choices)
    return [(str(labels.get(k, k)), f"{float(v):,.3f} t") for k, v in sorted((st.totals or {}).get("by_category", {}).items()) if v]


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
            (_("emissions (t)"), f"{claim.emissions_t:,.3f}"), *_categories(st)]},
        {"key": "h", "title": _("h) Monitoring plan"), "rows": [
            (_("approved monitoring plan"), f"{plan} (v{plan.version}, {plan.effective_from})" if plan else _("none"))]},
        {"key": "i", "title": _("i) Carbon assets used as offsets"), "rows": [
            (o.get("label") or o["id"], f"{o.get('quantity_t')} t · {o.get('certificate') or '—'} · "
                                                    f"{o.get('serials') or '—'} · {o.get('cancelled_on') or '—'}")
            for o in offsets] or [(_("offsets"), _("none"))], "note": claim.priority_justification},
        {"key": "j", "title": _("j) Conclusion"), "rows": [
            (_("self-assessment"), (_("achieved") if result.get("achieved") else _("not achieved")) if result else "—"),
            (_("counted offsets (t)"), str(result.get("eligible_t", "—"))), (_("gap (t)"), str(result.get("gap_t", "—"))),
            (_("determination conclusion"), claim.get_conclusion_display() or _("not yet determined")),
            (_("status"), claim.get_status_display())]},
    ]
