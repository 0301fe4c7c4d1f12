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


def topic_checks(system, today: dt.date | None = None) -> dict[str, Check]:
    today = today or timezone.localdate()
    year_ago = today - dt.timedelta(days=365)
    f = system.filter
    out: dict[str, Check] = {}

    n = f(m.ContextIssue.objects.exclude(status="closed"))
    overdue = n.filter(next_review_on__lt=today).count()
    link = [_reg(system, "context", _("Context issues"))]
    out["context"] = (Check("fail", _("No context issue recorded."), link) if not n.exists()
                      else Check("warn", _("%(n)d context issues overdue for review.") % {"n": overdue}, link) if overdue
                      else Check("ok", _("%(n)d context issues, reviews up to date.") % {"n": n.count()}, link))

    parties = f(m.InterestedParty.objects.all())
    link = [_reg(system, "parties", _("Interested parties"))]
    out["interested_parties"] = (Check("ok", _("%(n)d interested parties with their needs; %(a)d adopted as obligations.")
                                       % {"n": parties.count(), "a": parties.filter(adopted=True).count()}, link)
                                 if parties.exists() else Check("fail", _("No interested party recorded."), link))

    obligations = f(m.ComplianceObligation.objects.filter(applicable=True)).exclude(status="closed")
    link = [_reg(system, "obligations", _("Compliance obligations"))]
    out["compliance_obligations"] = (Check("ok", _("%(n)d applicable obligations.") % {"n": obligations.count()}, link)
                                     if obligations.exists() else Check("fail", _("No compliance obligation recorded."), link))
    due = [o for o in obligations if not o.last_reviewed_on
           or o.last_reviewed_on < today - dt.timedelta(days=round(o.evaluation_months * 30.44))]
    link = [_reg(system, "evaluations", _("Compliance evaluations"))]
    if not obligations.exists():
        out["compliance_evaluation"] = Check("fail", _("No obligation to evaluate."), link)
    elif len(due) == obligations.count():
        out["compliance_evaluation"] = Check("fail", _("No obligation evaluated on schedule."), link)
    elif due:
        out["compliance_evaluation"] = Check("warn", _("%(n)d obligations overdue for evaluation: %(list)s.")
                                             % {"n": len(due), "list": "、".join(o.title for o in due[:3])}, link)
    else:
        out["compliance_evaluation"] = Check("ok", _("Every obligation evaluated on schedule."), link)

    risks = f(m.Risk.objects.exclude(status="closed"))
    link = [_reg(system, "risks", _("Risks and opportunities"))]
    unevaluated = risks.filter(significance="high", effectiveness="").count()
    out["risks"] = (Check("fail", _("No risk or opportunity recorded."), link) if not risks.exists()
                    else Check("warn", _("%(n)d high risks without an evaluation of effectiveness.") % {"n": unevaluated}, link)
                    if unevaluated else Check("ok", _("%(n)d risks and opportunities graded with responses.") % {"n": risks.count()}, link))

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

    top = f(m.Appointment.objects.filter(role="top_management")).exclude(status="closed")
    out["leadership"] = (Check("ok", _("Top management appointed and the policy approved."), [_reg(system, "appointments", _("Appointments"))])
                         if top.exists() and policy else Check("warn" if top.exists() or policy else "fail",
                                                               _("Appoint top management and approve a policy."),
                                                               [_reg(system, "appointments", _("Appointments"))]))
    bodies = f(m.OrgUnit.objects.filter(kind__in=["leading_group", "body"])).exclude(status="closed")
    rep = f(m.Appointment.objects.filter(role="representative")).exclude(status="closed")
    link = [_reg(system, "organisation", _("Organisation")), _reg(system, "appointments", _("Appointments"))]
    out["roles"] = (Check("ok", _("Leading group or management body and a management representative in place."), link)
                    if bodies.exists() and rep.exists()
                    else Check("warn" if bodies.exists() or rep.exists() else "fail",
                               _("Record the leading group or carbon management body and appoint a management representative."), link))

    res = f(m.Resource.objects.exclude(status="closed"))
    link = [_reg(system, "resources", _("Resources"))]
    inadequate = res.filter(adequate=False).count()
    out["resources"] = (Check("fail", _("No resource recorded."), link) if not res.exists()
                        else Check("warn", _("%(n)d resources marked inadequate.") % {"n": inadequate}, link) if inadequate
                        else Check("ok", _("%(n)d resources, all adequate.") % {"n": res.count()}, link))

    comp = f(m.CompetenceRequirement.objects.exclude(status="closed"))
    late_training = f(m.Training.objects.filter(held_on__isnull=True, planned_on__lt=today)).count()
    link = [_reg(system, "competence", _("Competence requirements")), _reg(system, "training", _("Training and awareness"))]
    out["competence"] = (Check("fail", _("No competence requirement recorded."), link) if not comp.exists()
                         else Check("warn", _("%(n)d planned trainings overdue.") % {"n": late_training}, link) if late_training
                         else Check("ok", _("Competence defined for %(n)d roles; training on schedule.") % {"n": comp.count()}, link))
    aware = f(m.Training.objects.filter(kind="awareness", held_on__gte=year_ago)).count()
    out["awareness"] = (Check("ok", _("%(n)d awareness activities in the last 12 months.") % {"n": aware}, link) if aware
                        else Check("fail", _("No awareness activity held in the last 12 months."), link))

    comms = f(m.Communication.objects.filter(occurred_on__gte=year_ago)).count()
    link = [_reg(system, "communications", _("Communications log"))]
    out["communication"] = (Check("ok", _("%(n)d communications logged in the last 12 months.") % {"n": comms}, link) if comms
                            else Check("fail", _("No communication logged in the last 12 months."), link))

    docs = f(Document.objects.all())
    in_force = f(DocumentVersion.objects.filter(status="in_force")).count()
    late_docs = docs.filter(next_review_on__lt=today).count()
    link = [(_("Documents and records"), _url("management:document_list", system))]
    out["documents"] = (Check("fail", _("No controlled document in force."), link) if not in_force
                        else Check("warn", _("%(n)d documents overdue for review.") % {"n": late_docs}, link) if late_docs
                        else Check("ok", _("%(n)d documents in force, all approved.") % {"n": in_force}, link))

    changes = f(m.PlannedChange.objects.exclude(status="closed"))
    unverified = changes.filter(planned_on__lt=today, verified_on__isnull=True).count()
    link = [_reg(system, "changes", _("Planned changes"))]
    out["changes"] = (Check("warn", _("No planned change recorded."), link) if not changes.exists()
                      else Check("warn", _("%(n)d past changes without a verification of the result.") % {"n": unverified}, link)
                      if unverified else Check("ok", _("Planned changes verified."), link))

    audits = f(Audit.objects.filter(kind="internal", planned_start__year=today.year))
    link = [(_("Audits"), _url("audits:audit_list", system))]
    done = audits.filter(status__in=["reported", "closed"]).first()
    out["internal_audit"] = (Check("ok", _("This year's internal audit is done: %(a)s.") % {"a": done}, [(str(done), done.get_absolute_url())])
                             if done else Check("warn", _("This year's internal audit is planned but not reported."), link)
                             if audits.exists() else Check("fail", _("No internal audit this year."), link))

    overdue_ca = f(CorrectiveAction.objects.filter(done_on__isnull=True, due_on__lt=today)).count()
    ncs = f(Nonconformity.objects.all())
    unreviewed = ncs.filter(status="closed", reviewed_on__isnull=True).count()
    link = [(_("Nonconformities"), _url("audits:nc_list", system))]
    out["nonconformity"] = (Check("fail", _("%(n)d corrective actions overdue.") % {"n": overdue_ca}, link) if overdue_ca
                            else Check("fail", _("Closed nonconformities without an effectiveness review."), link) if unreviewed
                            else Check("ok", _("No overdue corrective action; %(o)d open, %(c)d closed.")
                                       % {"o": ncs.exclude(status="closed").count(), "c": ncs.filter(status="closed").count()}, link))

    reviews = f(ManagementReview.objects.all())
    held = reviews.filter(status__in=["held", "closed"], held_on__gte=year_ago).first()
    link = [(_("Management reviews"), _url("audits:review_list", system))]
    out["management_review"] = (Check("ok", _("Management review held on %(d)s.") % {"d": held.held_on}, [(str(held), held.get_absolute_url())])
                                if held else Check("warn", _("A management review is planned but not held."), link)
                                if reviews.filter(status="planned").exists()
                                else Check("fail", _("No management review in the last 12 months."), link))

    outputs = f(ReviewOutput.objects.all())
    late = outputs.filter(done_on__isnull=True, due_on__lt=today).count()
    out["improvement"] = (Check("warn", _("%(n)d review decisions overdue.") % {"n": late}, link) if late
                          else Check("ok", _("%(n)d improvement decisions tracked, none overdue.") % {"n": outputs.count()}, link)
                          if outputs.exists() or ncs.exists() else Check("fail", _("No improvement action recorded."), link))

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


def standard_conformity(system, std_id: str, today: dt.date | None = None) -> dict:
    std = catalogue.get_standard(std_id)
    checks = topic_checks(system, today)
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
