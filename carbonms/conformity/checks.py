"""Live conformity: each clause topic of the catalogue is checked against the records of one
management system; a clause's status is the worst of its topics' checks.

Status: ``ok`` (evidence in order), ``warn`` (evidence present but something is due or missing),
``fail`` (no evidence, or something overdue), ``na`` (the topic is not a management-system topic:
accounting, carbon assets… are assessed by their own modules).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from carbonms.audits.models import Audit, CorrectiveAction, ManagementReview, Nonconformity, ReviewOutput
from carbonms.management import models as m
from carbonms.management.documents import Document, DocumentVersion
from carbonms.standards import catalogue

RANK = {"fail": 0, "warn": 1, "ok": 2}


@dataclass
class Check:
    status: str
    text: str
    links: list[tuple[str, str]] = field(default_factory=list)


def _url(name, system, *args):
    return reverse(name, args=[system.slug, *args])


def _reg(system, key, label):
    return (label, _url("management:register_list", system, key))


def _counts(querysets: dict) -> dict[str, int]:
    """The number of rows of each queryset, in one query (one scalar subquery each), on any database."""
    from django.db import connection

    parts, params = [], []
    for qs in querysets.values():
        sql, p = qs.order_by().values("pk").query.get_compiler(connection=connection).as_sql()
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS q{len(parts)})")
        params.extend(p)
    with connection.cursor() as cur:
        cur.execute("SELECT " + ", ".join(parts), params)
        row = cur.fetchone()
    return dict(zip(querysets, row, strict=True))


def topic_checks(system, today: dt.date | None = None) -> dict[str, Check]:
    """Every topic's check: the counts in one query, then the few records a check names (a fixed number of
    queries whatever the number of records)."""
    today = today or timezone.localdate()
    year_ago = today - dt.timedelta(days=365)
    f = system.filter
    out: dict[str, Check] = {}

    issues = f(m.ContextIssue.objects.exclude(status="closed"))
    parties = f(m.InterestedParty.objects.all())
    obligations = f(m.ComplianceObligation.objects.filter(applicable=True)).exclude(status="closed")
    risks = f(m.Risk.objects.exclude(status="closed"))
    top = f(m.Appointment.objects.filter(role="top_management")).exclude(status="closed")
    bodies = f(m.OrgUnit.objects.filter(kind__in=["leading_group", "body"])).exclude(status="closed")
    rep = f(m.Appointment.objects.filter(role="representative")).exclude(status="closed")
    res = f(m.Resource.objects.exclude(status="closed"))
    comp = f(m.CompetenceRequirement.objects.exclude(status="closed"))
    docs = f(Document.objects.all())
    changes = f(m.PlannedChange.objects.exclude(status="closed"))
    audits = f(Audit.objects.filter(kind="internal", planned_start__year=today.year))
    ncs = f(Nonconformity.objects.all())
    reviews = f(ManagementReview.objects.all())
    outputs = f(ReviewOutput.objects.all())
    n = _counts({
        "issues": issues, "issues_overdue": issues.filter(next_review_on__lt=today),
        "parties": parties, "parties_adopted": parties.filter(adopted=True),
        "risks": risks, "risks_unevaluated": risks.filter(significance="high", effectiveness=""),
        "top": top, "bodies": bodies, "rep": rep,
        "res": res, "res_inadequate": res.filter(adequate=False),
        "comp": comp, "late_training": f(m.Training.objects.filter(held_on__isnull=True, planned_on__lt=today)),
        "aware": f(m.Training.objects.filter(kind="awareness", held_on__gte=year_ago)),
        "comms": f(m.Communication.objects.filter(occurred_on__gte=year_ago)),
        "in_force": f(DocumentVersion.objects.filter(status="in_force")), "late_docs": docs.filter(next_review_on__lt=today),
        "changes": changes, "unverified": changes.filter(planned_on__lt=today, verified_on__isnull=True),
        "audits": audits,
        "overdue_ca": f(CorrectiveAction.objects.filter(done_on__isnull=True, due_on__lt=today)),
        "ncs": ncs, "ncs_closed": ncs.filter(status="closed"), "unreviewed": ncs.filter(status="closed", reviewed_on__isnull=True),
        "reviews_planned": reviews.filter(status="planned"),
        "outputs": outputs, "outputs_late": outputs.filter(done_on__isnull=True, due_on__lt=today),
    })

    link = [_reg(system, "context", _("Context issues"))]
    out["context"] = (Check("fail", _("No context issue recorded."), link) if not n["issues"]
                      else Check("warn", _("%(n)d context issues overdue for review.") % {"n": n["issues_overdue"]}, link)
                      if n["issues_overdue"]
                      else Check("ok", _("%(n)d context issues, reviews up to date.") % {"n": n["issues"]}, link))

    link = [_reg(system, "parties", _("Interested parties"))]
    out["interested_parties"] = (Check("ok", _("%(n)d interested parties with their needs; %(a)d adopted as obligations.")
                                       % {"n": n["parties"], "a": n["parties_adopted"]}, link)
                                 if n["parties"] else Check("fail", _("No interested party recorded."), link))

    obligations = list(obligations)
    link = [_reg(system, "obligations", _("Compliance obligations"))]
    out["compliance_obligations"] = (Check("ok", _("%(n)d applicable obligations.") % {"n": len(obligations)}, link)
                                     if obligations else Check("fail", _("No compliance obligation recorded."), link))
    due = [o for o in obligations if not o.last_reviewed_on
           or o.last_reviewed_on < today - dt.timedelta(days=round(o.evaluation_months * 30.44))]
    link = [_reg(system, "evaluations", _("Compliance evaluations"))]
    if not obligations:
        out["compliance_evaluation"] = Check("fail", _("No obligation to evaluate."), link)
    elif len(due) == len(obligations):
        out["compliance_evaluation"] = Check("fail", _("No obligation evaluated on schedule."), link)
    elif due:
        out["compliance_evaluation"] = Check("warn", _("%(n)d obligations overdue for evaluation: %(list)s.")
                                             % {"n": len(due), "list": "、".join(o.title for o in due[:3])}, link)
    else:
        out["compliance_evaluation"] = Check("ok", _("Every obligation evaluated on schedule."), link)

    link = [_reg(system, "risks", _("Risks and opportunities"))]
    unevaluated = n["risks_unevaluated"]
    out["risks"] = (Check("fail", _("No risk or opportunity recorded."), link) if not n["risks"]
                    else Check("warn", _("%(n)d high risks without an evaluation of effectiveness.") % {"n": unevaluated}, link)
                    if unevaluated else Check("ok", _("%(n)d risks and opportunities graded with responses.") % {"n": n["risks"]}, link))

    policy = f(m.Policy.objects.filter(status=m.Policy.Status.APPROVED)).first()
    link = [(_("Policy"), _url("management:policy_list", system))]
    if policy is None:
        out["policy"] = Check("fail", _("No approved policy in force."), link)
    elif not policy.reviewed_on or policy.reviewed_on < year_ago:
        out["policy"] = Check("warn", _("Policy v%(v)s approved but not reviewed within 12 months.") % {"v": policy.version},
                              [(str(policy), policy.get_absolute_url())])
    else:
        out["policy"] = Check("ok", _("Policy v%(v)s approved %(d)s and reviewed within 12 months.")
                              % {"v": policy.version, "d": policy.approved_on}, [(str(policy), policy.get_absolute_url())])

    out["leadership"] = (Check("ok", _("Top management appointed and the policy approved."), [_reg(system, "appointments", _("Appointments"))])
                         if n["top"] and policy else Check("warn" if n["top"] or policy else "fail",
                                                           _("Appoint top management and approve a policy."),
                                                           [_reg(system, "appointments", _("Appointments"))]))
    link = [_reg(system, "organisation", _("Organisation")), _reg(system, "appointments", _("Appointments"))]
    out["roles"] = (Check("ok", _("Leading group or management body and a management representative in place."), link)
                    if n["bodies"] and n["rep"]
                    else Check("warn" if n["bodies"] or n["rep"] else "fail",
                               _("Record the leading group or carbon management body and appoint a management representative."), link))

    link = [_reg(system, "resources", _("Resources"))]
    inadequate = n["res_inadequate"]
    out["resources"] = (Check("fail", _("No resource recorded."), link) if not n["res"]
                        else Check("warn", _("%(n)d resources marked inadequate.") % {"n": inadequate}, link) if inadequate
                        else Check("ok", _("%(n)d resources, all adequate.") % {"n": n["res"]}, link))

    late_training = n["late_training"]
    link = [_reg(system, "competence", _("Competence requirements")), _reg(system, "training", _("Training and awareness"))]
    out["competence"] = (Check("fail", _("No competence requirement recorded."), link) if not n["comp"]
                         else Check("warn", _("%(n)d planned trainings overdue.") % {"n": late_training}, link) if late_training
                         else Check("ok", _("Competence defined for %(n)d roles; training on schedule.") % {"n": n["comp"]}, link))
    aware = n["aware"]
    out["awareness"] = (Check("ok", _("%(n)d awareness activities in the last 12 months.") % {"n": aware}, link) if aware
                        else Check("fail", _("No awareness activity held in the last 12 months."), link))

    comms = n["comms"]
    link = [_reg(system, "communications", _("Communications log"))]
    out["communication"] = (Check("ok", _("%(n)d communications logged in the last 12 months.") % {"n": comms}, link) if comms
                            else Check("fail", _("No communication logged in the last 12 months."), link))

    in_force, late_docs = n["in_force"], n["late_docs"]
    link = [(_("Documents and records"), _url("management:document_list", system))]
    out["documents"] = (Check("fail", _("No controlled document in force."), link) if not in_force
                        else Check("warn", _("%(n)d documents overdue for review.") % {"n": late_docs}, link) if late_docs
                        else Check("ok", _("%(n)d documents in force, all approved.") % {"n": in_force}, link))

    unverified = n["unverified"]
    link = [_reg(system, "changes", _("Planned changes"))]
    out["changes"] = (Check("warn", _("No planned change recorded."), link) if not n["changes"]
                      else Check("warn", _("%(n)d past changes without a verification of the result.") % {"n": unverified}, link)
                      if unverified else Check("ok", _("Planned changes verified."), link))

    link = [(_("Audits"), _url("audits:audit_list", system))]
    done = audits.filter(status__in=["reported", "closed"]).first() if n["audits"] else None
    out["internal_audit"] = (Check("ok", _("This year's internal audit is done: %(a)s.") % {"a": done}, [(str(done), done.get_absolute_url())])
                             if done else Check("warn", _("This year's internal audit is planned but not reported."), link)
                             if n["audits"] else Check("fail", _("No internal audit this year."), link))

    overdue_ca = n["overdue_ca"]
    link = [(_("Nonconformities"), _url("audits:nc_list", system))]
    out["nonconformity"] = (Check("fail", _("%(n)d corrective actions overdue.") % {"n": overdue_ca}, link) if overdue_ca
                            else Check("fail", _("Closed nonconformities without an effectiveness review."), link) if n["unreviewed"]
                            else Check("ok", _("No overdue corrective action; %(o)d open, %(c)d closed.")
                                       % {"o": n["ncs"] - n["ncs_closed"], "c": n["ncs_closed"]}, link))

    held = reviews.filter(status__in=["held", "closed"], held_on__gte=year_ago).first()
    link = [(_("Management reviews"), _url("audits:review_list", system))]
    out["management_review"] = (Check("ok", _("Management review held on %(d)s.") % {"d": held.held_on}, [(str(held), held.get_absolute_url())])
                                if held else Check("warn", _("A management review is planned but not held."), link)
                                if n["reviews_planned"]
                                else Check("fail", _("No management review in the last 12 months."), link))

    late = n["outputs_late"]
    out["improvement"] = (Check("warn", _("%(n)d review decisions overdue.") % {"n": late}, link) if late
                          else Check("ok", _("%(n)d improvement decisions tracked, none overdue.") % {"n": n["outputs"]}, link)
                          if n["outputs"] or n["ncs"] else Check("fail", _("No improvement action recorded."), link))

    ms = [out["policy"], out["documents"], out["internal_audit"], out["management_review"]]
    worst = min(ms, key=lambda c: RANK[c.status])
    out["management_system"] = Check(worst.status, _("Policy, documents, audit and review: %(s)s") % {"s": worst.text}, worst.links)
    out["scope"] = _scope_check(system, today)
    out["monitoring_plan"] = _calibration_check(system, today)
    return out


def measured_enterprise_id(system):
    return system.measured_enterprise_id()


def _calibration_check(system, today) -> Check:
    """Monitoring-plan equipment calibrated (T/CIECCPA 061 8.2.4): an approved monitoring plan, and every
    measuring instrument in service covered by a calibration today (data from carbonms.carbondata)."""
    from carbonms.carbondata.models import MeasuringInstrument, MonitoringPlan

    ent_id = measured_enterprise_id(system)
    plan = MonitoringPlan.objects.filter(enterprise_id=ent_id, status="approved").order_by("-version").first()
    instruments = list(MeasuringInstrument.objects.filter(enterprise_id=ent_id, in_service=True).prefetch_related("calibrations"))
    links = [(str(plan), plan.get_absolute_url())] if plan else []
    if plan is None or not instruments:
        return Check("fail", _("No approved monitoring plan with measuring equipment."), links)
    lapsed = [i for i in instruments if not i.valid_on(today)]
    soon = [i for i in instruments if i not in lapsed and not i.valid_on(today + dt.timedelta(days=30))]
    links += [(str(i), i.get_absolute_url()) for i in (lapsed or soon)[:3]]
    if lapsed:
        return Check("fail", _("%(n)d of %(t)d measuring instruments not calibrated.") % {"n": len(lapsed), "t": len(instruments)}, links)
    if soon:
        return Check("warn", _("%(n)d measuring instruments due for calibration within 30 days.") % {"n": len(soon)}, links)
    return Check("ok", _("Monitoring plan v%(v)s approved; all %(t)d measuring instruments calibrated.")
                 % {"v": plan.version, "t": len(instruments)}, links)


def _scope_check(system, today) -> Check:
    from carbonms.organizations.models import Boundary

    qs = Boundary.objects.filter(park_id=system.park.pk, enterprise_id=system.enterprise.pk if system.enterprise else None)
    in_force = qs.filter(effective_from__lte=today).filter(Q(effective_to__isnull=True) | Q(effective_to__gte=today))
    url = system.enterprise.get_absolute_url() + "#boundaries" if system.enterprise else system.park.get_absolute_url() + "#boundaries"
    if in_force.exists():
        return Check("ok", _("A boundary is in force."), [(_("Boundaries"), url)])
    return Check("fail", _("No boundary in force."), [(_("Boundaries"), url)])


def assessable_clauses(std):
    for c in std.clauses:
        chapter = c.number.split(".")[0]
        if c.kind == "clause" and chapter.isdigit() and int(chapter) >= 4:
            yield c


def standard_conformity(system, std_id: str, today: dt.date | None = None, checks: dict[str, Check] | None = None) -> dict:
    """The conformity of ``system`` with each assessable clause of the standard; ``checks``: the topic checks
    when the caller has them already (a page of several standards computes them once)."""
    std = catalogue.get_standard(std_id)
    checks = checks if checks is not None else topic_checks(system, today)
    rows, counts = [], {"ok": 0, "warn": 0, "fail": 0, "na": 0}
    for c in assessable_clauses(std):
        found = [(t, checks[t]) for t in c.topics if t in checks]
        if not found:
            status, items = "na", []
        else:
            status = min((ch.status for _t, ch in found), key=lambda s: RANK[s])
            items = found
        counts[status] += 1
        rows.append({"clause": c, "status": status, "checks": items, "depth": c.number.count(".")})
    assessed = counts["ok"] + counts["warn"] + counts["fail"]
    score = round(100 * (counts["ok"] + 0.5 * counts["warn"]) / assessed) if assessed else 0
    return {"std": std, "rows": rows, "counts": counts, "score": score, "assessed": assessed}


def standards_for(system) -> list[str]:
    """The standards a system is assessed against: the park standards for the park, T/CIECCPA 061 for an enterprise."""
    return ["t-cieccpa-061-2023"] if system.enterprise else ["t-cses-2023", "t-cpqs-zc001-2025"]
