"""The inputs of a management review, assembled from live data (T/CSES 9.5.1; T/CPQS 10.3.1;
T/CIECCPA 061 9.3.2). The result is plain JSON with a schema version (``_schema``), frozen on the review once
it is held."""
from __future__ import annotations

import datetime as dt

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from carbonms.management.models import Communication as Comm
from carbonms.management.models import (
    ComplianceEvaluation,
    ComplianceObligation,
    ContextIssue,
    InterestedParty,
    Resource,
    Risk,
)

from .models import Audit, CorrectiveAction, Finding, ManagementReview, Nonconformity, ReviewOutput

SECTIONS = [
    ("previous_actions", _("Status of actions from previous reviews")),
    ("context", _("Changes in context, risks and opportunities, and obligations")),
    ("performance", _("Target achievement and performance trends")),
    ("targets", _("Target achievement")),
    ("baselines", _("Performance against baselines")),
    ("action_plans", _("Status of the action plans")),
    ("audits", _("Audit results")),
    ("compliance", _("Compliance evaluation")),
    ("nonconformities", _("Nonconformities and corrective actions")),
    ("resources", _("Adequacy of resources")),
    ("communications", _("Communications with interested parties")),
]


def _d(x) -> str | None:
    return x.isoformat() if x else None


#: the version of the review input JSON (B11). 1: before issue 10 (performance from the latest runs, no version key);
#: 2: performance from the inventory statements; 3: target achievement, performance against baselines and the status of
#: the action plans (issue 12 item 8, from carbonms.carbonreview.planning_data). Reviews frozen under any version still render (sections are plain
#: label/text data, and keys starting with "_" are not shown).
SCHEMA_VERSION = 3


def schema_version(inputs: dict) -> int:
    """The schema version of a review's frozen inputs (1 when it predates versioning)."""
    return int((inputs or {}).get("_schema") or 1)


def assemble_inputs(system, since: dt.date | None = None) -> dict:
    today = timezone.localdate()
    since = since or today - dt.timedelta(days=365)
    f = system.filter
    out: dict = {"_schema": SCHEMA_VERSION}

    outputs = f(ReviewOutput.objects.select_related("review", "owner"))
    out["previous_actions"] = {
        "summary": {"total": outputs.count(), "done": outputs.filter(done_on__isnull=False).count(),
                    "overdue": outputs.filter(done_on__isnull=True, due_on__lt=today).count()},
        "items": [{"decision": o.decision[:120], "owner": str(o.owner or ""), "due": _d(o.due_on), "done": _d(o.done_on)}
                  for o in outputs.filter(review__held_on__lt=today)[:30]],
    }

    changed = {"since": since.isoformat()}
    changed["context_issues"] = [c.title for c in f(ContextIssue.objects.filter(updated_at__date__gte=since))[:30]]
    changed["risks"] = [f"{r.title}（{r.get_significance_display()}）" for r in f(Risk.objects.filter(updated_at__date__gte=since))[:30]]
    changed["high_risks"] = f(Risk.objects.filter(significance=Risk.Grade.HIGH)).exclude(status="closed").count()
    changed["obligations"] = [o.title for o in f(ComplianceObligation.objects.filter(updated_at__date__gte=since))[:30]]
    changed["interested_parties"] = f(InterestedParty.objects.all()).count()
    out["context"] = changed

    out["performance"] = _performance(system)
    from carbonms.carbonreview import planning_data

    out["targets"] = planning_data.review_input_targets(system)
    out["baselines"] = planning_data.review_input_baselines(system)
    out["action_plans"] = planning_data.review_input_action_plans(system)

    audits = f(Audit.objects.filter(reported_on__gte=since)).annotate(n_findings=Count("findings"))
    out["audits"] = {"items": [{"title": a.title, "kind": a.get_kind_display(), "reported": _d(a.reported_on),
                                "findings": a.n_findings, "conclusion": a.conclusion[:200]} for a in audits],
                     "nonconformities": f(Finding.objects.filter(audit__reported_on__gte=since, kind="nonconformity")).count()}

    evals = f(ComplianceEvaluation.objects.filter(evaluated_on__gte=since).select_related("obligation"))
    overdue_obl = f(ComplianceObligation.objects.filter(applicable=True, next_review_on__lt=today)).count()
    out["compliance"] = {"by_result": {r: evals.filter(result=r).count() for r, _l in ComplianceEvaluation.Result.choices},
                         "overdue": overdue_obl,
                         "items": [{"obligation": e.obligation.title, "date": _d(e.evaluated_on), "result": e.get_result_display()}
                                   for e in evals[:30]]}

    ncs = f(Nonconformity.objects.all())
    acts = f(CorrectiveAction.objects.all())
    out["nonconformities"] = {"open": ncs.exclude(status="closed").count(), "closed": ncs.filter(status="closed").count(),
                              "actions_open": acts.filter(done_on__isnull=True).count(),
                              "actions_overdue": acts.filter(done_on__isnull=True, due_on__lt=today).count(),
                              "items": [{"number": n.number, "title": n.title, "status": n.get_status_display()}
                                        for n in ncs.exclude(status="closed")[:30]]}

    res = f(Resource.objects.exclude(status="closed"))
    out["resources"] = {"total": res.count(), "inadequate": [r.title for r in res.filter(adequate=False)]}

    comms = f(Comm.objects.filter(occurred_on__gte=since))
    out["communications"] = {"total": comms.count(),
                             "by_direction": {d: comms.filter(direction=d).count() for d, _l in Comm.Direction.choices},
                             "external": [f"{c.occurred_on:%Y-%m-%d} {c.party}：{c.subject}" for c in comms.exclude(direction="internal")[:20]]}
    out["_previous_review"] = _d(f(ManagementReview.objects.filter(held_on__lt=today, status__in=["held", "closed"]))
                                 .values_list("held_on", flat=True).first())
    return out


def _performance(system) -> dict:
    """Emission and energy per year from the inventory statements in force (the figure of record, issue 10), never
    from "the latest run". A year is compared with the year before only when both have a statement in force and
    both are complete; otherwise the line says why it is not compared. Targets are not compared yet (the planning
    module does not exist)."""
    from carbonms.inventory.statements import official_statements

    sts = list(official_statements(system.filter(_statement_model().objects.all())).order_by("year"))
    items, lines = [], []
    for st in sts:
        cov = st.coverage_fraction
        items.append({"year": st.year, "statement": st.pk, "status": st.status, "gross_tco2e": round(st.totals.get("gross") or 0.0, 1),
                      "energy_tce": round(st.totals.get("energy_tce") or 0.0, 1), "complete": st.complete,
                      "coverage": None if cov is None else round(cov, 4)})
    by_year = {i["year"]: i for i in items}
    for i in items:
        line = gettext("%(year)s: %(gross)s tCO2e, %(tce)s tce (statement #%(n)s, %(status)s)") % {
            "year": i["year"], "gross": i["gross_tco2e"], "tce": i["energy_tce"], "n": i["statement"],
            "status": _STATUS_LABELS().get(i["status"], i["status"])}
        prev = by_year.get(i["year"] - 1)
        if not i["complete"]:
            pct = "?" if i["coverage"] is None else f"{100 * i['coverage']:.1f}"
            line += gettext(" — incomplete (coverage %(pct)s %%): not compared") % {"pct": pct}
        elif prev is None:
            line += gettext(" — no statement for the year before: not compared")
        elif not prev["complete"]:
            line += gettext(" — the year before is incomplete: not compared")
        elif prev["gross_tco2e"]:
            i["change_pct"] = round(100 * (i["gross_tco2e"] - prev["gross_tco2e"]) / prev["gross_tco2e"], 1)
            line += gettext(" (%(pct)+.1f%% on the year before)") % {"pct": i["change_pct"]}
        lines.append(line)
    return {"basis": gettext("Inventory statements in force (approved or verified); comparisons between complete statements "
                             "only."),
            "available": bool(items), "items": lines, "_statements": items}


def _statement_model():
    from carbonms.inventory.models import InventoryStatement

    return InventoryStatement


def _STATUS_LABELS() -> dict:
    return {k: str(v) for k, v in _statement_model().Status.choices}
