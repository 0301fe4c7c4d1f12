"""Live conformity: each clause topic of the catalogue is checked against the records of one
management system; a clause's status is the worst of its topics' checks.

Status: ``ok`` (evidence in order), ``warn`` (evidence present but something is due or missing),
``fail`` (no evidence, or something overdue), ``not_assessed`` (no check covers the clause here: it is
neither counted as conforming nor left out silently; the score says how many clauses were assessed).

Rules that keep the score from flattering (T/CSES 9.1, design problem B10):

* a clause is assessed only by the checks of its topics; a topic without a check leaves that part of the
  clause unassessed, and a clause with an unassessed part is at best ``warn`` ("partly"), never ``ok``;
* a clause with sub-clauses takes the weakest status of its sub-clauses (and of its own checks); it is
  shown but not counted, so a chapter is never scored twice;
* the result carries the score over the assessed clauses *and* the share of clauses assessed.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import ngettext as _n

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
    """Every topic's check: the counts in one query, then the few records a check names."""
    today = today or timezone.localdate()
    year_ago = today - dt.timedelta(days=365)
    f = system.filter
    out: dict[str, Check] = {}

    # Every count of the checks below in one query (a fixed number of queries whatever the records).
    n = f(m.ContextIssue.objects.exclude(status="closed"))
    parties = f(m.InterestedParty.objects.all())
    obligations = list(f(m.ComplianceObligation.objects.filter(applicable=True)).exclude(status="closed"))
    risks = f(m.Risk.objects.exclude(status="closed"))
    res = f(m.Resource.objects.exclude(status="closed"))
    docs = f(Document.objects.all())
    changes = f(m.PlannedChange.objects.exclude(status="closed"))
    audits = f(Audit.objects.filter(kind="internal", planned_start__year=today.year))
    ncs = f(Nonconformity.objects.all())
    outputs = f(ReviewOutput.objects.all())
    c = _counts({
        "issues": n, "issues_overdue": n.filter(next_review_on__lt=today),
        "parties": parties, "parties_adopted": parties.filter(adopted=True),
        "risks": risks, "risks_unevaluated": risks.filter(significance="high", effectiveness=""),
        "top": f(m.Appointment.objects.filter(role="top_management")).exclude(status="closed"),
        "bodies": f(m.OrgUnit.objects.filter(kind__in=["leading_group", "body"])).exclude(status="closed"),
        "rep": f(m.Appointment.objects.filter(role="representative")).exclude(status="closed"),
        "res": res, "res_inadequate": res.filter(adequate=False),
        "comp": f(m.CompetenceRequirement.objects.exclude(status="closed")),
        "late_training": f(m.Training.objects.filter(held_on__isnull=True, planned_on__lt=today)),
        "aware": f(m.Training.objects.filter(kind="awareness", held_on__gte=year_ago)),
        "comms": f(m.Communication.objects.filter(occurred_on__gte=year_ago)),
        "in_force": f(DocumentVersion.objects.filter(status="in_force")), "late_docs": docs.filter(next_review_on__lt=today),
        "changes": changes, "unverified": changes.filter(planned_on__lt=today, verified_on__isnull=True), "audits": audits,
        "overdue_ca": f(CorrectiveAction.objects.filter(done_on__isnull=True, due_on__lt=today)),
        "ncs": ncs, "ncs_closed": ncs.filter(status="closed"), "unreviewed": ncs.filter(status="closed", reviewed_on__isnull=True),
        "outputs": outputs, "outputs_late": outputs.filter(done_on__isnull=True, due_on__lt=today),
        "reviews_planned": f(ManagementReview.objects.filter(status="planned")),
        "boundaries_in_force": _boundaries_in_force(system, today),
    })

    overdue = c["issues_overdue"]
    link = [_reg(system, "context", _("Context issues"))]
    out["context"] = (Check("fail", _("No context issue recorded."), link) if not c["issues"]
                      else Check("warn", _n("%(n)d context issue overdue for review.", "%(n)d context issues overdue for review.", overdue) % {"n": overdue}, link) if overdue
                      else Check("ok", _n("%(n)d context issue, review up to date.", "%(n)d context issues, reviews up to date.", c["issues"]) % {"n": c["issues"]}, link))

    link = [_reg(system, "parties", _("Interested parties"))]
    out["interested_parties"] = (Check("ok", _n("%(n)d interested party with its needs; %(a)d adopted as obligations.", "%(n)d interested parties with their needs; %(a)d adopted as obligations.", c["parties"])
                                       % {"n": c["parties"], "a": c["parties_adopted"]}, link)
                                 if c["parties"] else Check("fail", _("No interested party recorded."), link))

    link = [_reg(system, "obligations", _("Compliance obligations"))]
    out["compliance_obligations"] = (Check("ok", _n("%(n)d applicable obligation.", "%(n)d applicable obligations.", len(obligations)) % {"n": len(obligations)}, link)
                                     if obligations else Check("fail", _("No compliance obligation recorded."), link))
    due = [o for o in obligations if not o.last_reviewed_on
           or o.last_reviewed_on < today - dt.timedelta(days=round(o.evaluation_months * 30.44))]
    link = [_reg(system, "evaluations", _("Compliance evaluations"))]
    if not obligations:
        out["compliance_evaluation"] = Check("fail", _("No obligation to evaluate."), link)
    elif len(due) == len(obligations):
        out["compliance_evaluation"] = Check("fail", _("No obligation evaluated on schedule."), link)
    elif due:
        out["compliance_evaluation"] = Check("warn", _n("%(n)d obligation overdue for evaluation: %(list)s.", "%(n)d obligations overdue for evaluation: %(list)s.", len(due))
                                             % {"n": len(due), "list": "、".join(o.title for o in due[:3])}, link)
    else:
        out["compliance_evaluation"] = Check("ok", _("Every obligation evaluated on schedule."), link)

    link = [_reg(system, "risks", _("Risks and opportunities"))]
    unevaluated = c["risks_unevaluated"]
    out["risks"] = (Check("fail", _("No risk or opportunity recorded."), link) if not c["risks"]
                    else Check("warn", _n("%(n)d high risk without an evaluation of effectiveness.", "%(n)d high risks without an evaluation of effectiveness.", unevaluated) % {"n": unevaluated}, link)
                    if unevaluated else Check("ok", _n("%(n)d risk or opportunity graded with a response.", "%(n)d risks and opportunities graded with responses.", c["risks"]) % {"n": c["risks"]}, link))

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
                         if c["top"] and policy else Check("warn" if c["top"] or policy else "fail",
                                                               _("Appoint top management and approve a policy."),
                                                               [_reg(system, "appointments", _("Appointments"))]))
    link = [_reg(system, "organisation", _("Organisation")), _reg(system, "appointments", _("Appointments"))]
    out["roles"] = (Check("ok", _("Leading group or management body and a management representative in place."), link)
                    if c["bodies"] and c["rep"]
                    else Check("warn" if c["bodies"] or c["rep"] else "fail",
                               _("Record the leading group or carbon management body and appoint a management representative."), link))

    link = [_reg(system, "resources", _("Resources"))]
    inadequate = c["res_inadequate"]
    out["resources"] = (Check("fail", _("No resource recorded."), link) if not c["res"]
                        else Check("warn", _n("%(n)d resource marked inadequate.", "%(n)d resources marked inadequate.", inadequate) % {"n": inadequate}, link) if inadequate
                        else Check("ok", _n("%(n)d resource, adequate.", "%(n)d resources, all adequate.", c["res"]) % {"n": c["res"]}, link))

    late_training = c["late_training"]
    link = [_reg(system, "competence", _("Competence requirements")), _reg(system, "training", _("Training and awareness"))]
    out["competence"] = (Check("fail", _("No competence requirement recorded."), link) if not c["comp"]
                         else Check("warn", _n("%(n)d planned training overdue.", "%(n)d planned trainings overdue.", late_training) % {"n": late_training}, link) if late_training
                         else Check("ok", _n("Competence defined for %(n)d role; training on schedule.", "Competence defined for %(n)d roles; training on schedule.", c["comp"]) % {"n": c["comp"]}, link))
    aware = c["aware"]
    out["awareness"] = (Check("ok", _n("%(n)d awareness activity in the last 12 months.", "%(n)d awareness activities in the last 12 months.", aware) % {"n": aware}, link) if aware
                        else Check("fail", _("No awareness activity held in the last 12 months."), link))

    comms = c["comms"]
    link = [_reg(system, "communications", _("Communications log"))]
    out["communication"] = (Check("ok", _n("%(n)d communication logged in the last 12 months.", "%(n)d communications logged in the last 12 months.", comms) % {"n": comms}, link) if comms
                            else Check("fail", _("No communication logged in the last 12 months."), link))

    in_force, late_docs = c["in_force"], c["late_docs"]
    link = [(_("Documents and records"), _url("management:document_list", system))]
    out["documents"] = (Check("fail", _("No controlled document in force."), link) if not in_force
                        else Check("warn", _n("%(n)d document overdue for review.", "%(n)d documents overdue for review.", late_docs) % {"n": late_docs}, link) if late_docs
                        else Check("ok", _n("%(n)d document in force, approved.", "%(n)d documents in force, all approved.", in_force) % {"n": in_force}, link))

    unverified = c["unverified"]
    link = [_reg(system, "changes", _("Planned changes"))]
    out["changes"] = (Check("warn", _("No planned change recorded."), link) if not c["changes"]
                      else Check("warn", _n("%(n)d past change without a verification of the result.", "%(n)d past changes without a verification of the result.", unverified) % {"n": unverified}, link)
                      if unverified else Check("ok", _("Planned changes verified."), link))

    link = [(_("Audits"), _url("audits:audit_list", system))]
    done = audits.filter(status__in=["reported", "closed"]).first() if c["audits"] else None
    out["internal_audit"] = (Check("ok", _("This year's internal audit is done: %(a)s.") % {"a": done}, [(str(done), done.get_absolute_url())])
                             if done else Check("warn", _("This year's internal audit is planned but not reported."), link)
                             if c["audits"] else Check("fail", _("No internal audit this year."), link))

    overdue_ca, unreviewed = c["overdue_ca"], c["unreviewed"]
    link = [(_("Nonconformities"), _url("audits:nc_list", system))]
    out["nonconformity"] = (Check("fail", _n("%(n)d corrective action overdue.", "%(n)d corrective actions overdue.", overdue_ca) % {"n": overdue_ca}, link) if overdue_ca
                            else Check("fail", _("Closed nonconformities without an effectiveness review."), link) if unreviewed
                            else Check("ok", _("No overdue corrective action; %(o)d open, %(c)d closed.")
                                       % {"o": c["ncs"] - c["ncs_closed"], "c": c["ncs_closed"]}, link))

    out["management_review"] = _review_check(system, year_ago, planned=c["reviews_planned"])
    link = [(_("Management reviews"), _url("audits:review_list", system))]

    late = c["outputs_late"]
    out["improvement"] = (Check("warn", _n("%(n)d review decision overdue.", "%(n)d review decisions overdue.", late) % {"n": late}, link) if late
                          else Check("ok", _n("%(n)d improvement decision tracked, not overdue.", "%(n)d improvement decisions tracked, none overdue.", c["outputs"]) % {"n": c["outputs"]}, link)
                          if c["outputs"] or c["ncs"] else Check("fail", _("No improvement action recorded."), link))

    ms = [out["policy"], out["documents"], out["internal_audit"], out["management_review"]]
    worst = min(ms, key=lambda c: RANK[c.status])
    out["management_system"] = Check(worst.status, _("Policy, documents, audit and review: %(s)s") % {"s": worst.text}, worst.links)
    out["scope"] = _scope_check(system, in_force=c["boundaries_in_force"])
    out["monitoring_plan"] = _calibration_check(system, today)
    from carbonms.carbonreview.conformity import topic_checks as planning_topic_checks

    out.update(planning_topic_checks(system, today))  # indicators, carbon review, and the planning/asset topics that exist
    return out


def _review_check(system, year_ago, *, planned: int) -> Check:
    """A management review conforms only with its evidence: held in the last 12 months, inputs assembled
    (T/CSES 9.5.1), decisions recorded (9.5.2) and the record kept. A review marked held without them is
    "partly": marking a review held must not by itself make the review clauses conform."""
    reviews = system.filter(ManagementReview.objects.all())
    link = [(_("Management reviews"), _url("audits:review_list", system))]
    held = reviews.filter(status__in=["held", "closed"], held_on__gte=year_ago).order_by("-held_on").first()
    if held is None:
        if planned:
            return Check("warn", _("A management review is planned but not held."), link)
        return Check("fail", _("No management review in the last 12 months."), link)
    links = [(str(held), held.get_absolute_url())]
    missing = []
    if not held.inputs:
        missing.append(_("inputs"))
    if not held.outputs.exists():
        missing.append(_("decisions"))
    if not held.record_file:
        missing.append(_("record"))
    if missing:
        return Check("warn", _("Management review held on %(d)s without its %(missing)s.")
                     % {"d": held.held_on, "missing": get_text_list([str(m) for m in missing], _("and"))}, links)
    return Check("ok", _("Management review held on %(d)s with its inputs, decisions and record.") % {"d": held.held_on}, links)


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
        return Check("fail", _n("%(n)d of %(t)d measuring instrument not calibrated.", "%(n)d of %(t)d measuring instruments not calibrated.", len(instruments)) % {"n": len(lapsed), "t": len(instruments)}, links)
    if soon:
        return Check("warn", _n("%(n)d measuring instrument due for calibration within 30 days.", "%(n)d measuring instruments due for calibration within 30 days.", len(soon)) % {"n": len(soon)}, links)
    return Check("ok", _n("Monitoring plan v%(v)s approved; the %(t)d measuring instrument calibrated.", "Monitoring plan v%(v)s approved; all %(t)d measuring instruments calibrated.", len(instruments))
                 % {"v": plan.version, "t": len(instruments)}, links)


def _boundaries_in_force(system, today):
    from carbonms.organizations.models import Boundary

    qs = Boundary.objects.filter(park_id=system.park.pk, enterprise_id=system.enterprise.pk if system.enterprise else None)
    return qs.filter(effective_from__lte=today).filter(Q(effective_to__isnull=True) | Q(effective_to__gte=today))


def _scope_check(system, *, in_force: int) -> Check:
    url = system.enterprise.get_absolute_url() + "#boundaries" if system.enterprise else system.park.get_absolute_url() + "#boundaries"
    if in_force:
        return Check("ok", _("A boundary is in force."), [(_("Boundaries"), url)])
    return Check("fail", _("No boundary in force."), [(_("Boundaries"), url)])


def assessable_clauses(std):
    for c in std.clauses:
        chapter = c.number.split(".")[0]
        if c.kind == "clause" and chapter.isdigit() and int(chapter) >= 4:
            yield c


NOT_ASSESSED = "not_assessed"


def _weakest(statuses) -> str:
    """The weakest of some statuses; ``not_assessed`` only when nothing was assessed."""
    assessed = [s for s in statuses if s != NOT_ASSESSED]
    if not assessed:
        return NOT_ASSESSED
    worst = min(assessed, key=lambda s: RANK[s])
    if len(assessed) < len(statuses) and worst == "ok":
        return "warn"  # a part that is not assessed keeps the whole from conforming
    return worst


def standard_conformity(system, std_id: str, today: dt.date | None = None, checks: dict | None = None) -> dict:
    """Each assessable clause of a standard with its status and evidence, and the score.

    ``score``: share of the assessed clauses that conform (a partly conforming one counts half);
    ``coverage``: share of the clauses that were assessed at all. Only clauses without sub-clauses are
    counted; a clause with sub-clauses shows the weakest status of its sub-clauses.
    """
    std = catalogue.get_standard(std_id)
    checks = checks if checks is not None else topic_checks(system, today)  # a page of several standards passes them
    clauses = list(assessable_clauses(std))
    numbers = {c.number for c in clauses}
    children: dict[str, list[str]] = {}
    for c in clauses:
        if c.parent in numbers:
            children.setdefault(c.parent, []).append(c.number)
    own: dict[str, tuple[str, list, list]] = {}
    for c in clauses:
        found = [(t, checks[t]) for t in c.topics if t in checks]
        missing = [t for t in c.topics if t not in checks]
        statuses = [ch.status for _t, ch in found] + [NOT_ASSESSED] * len(missing)
        own[c.number] = (_weakest(statuses), found, missing)
    status: dict[str, str] = {}
    for c in reversed(clauses):  # sub-clauses come after their parent: walk backwards
        kids = children.get(c.number)
        status[c.number] = own[c.number][0] if not kids else _weakest([status[k] for k in kids])
    rows, counts = [], {"ok": 0, "warn": 0, "fail": 0, NOT_ASSESSED: 0}
    for c in clauses:
        derived = c.number in children
        if not derived:
            counts[status[c.number]] += 1
        _s, found, missing = own[c.number]
        rows.append({"clause": c, "status": status[c.number], "checks": found, "derived": derived,
                     "not_assessed_topics": missing, "depth": c.number.count(".")})
    assessed = counts["ok"] + counts["warn"] + counts["fail"]
    total = assessed + counts[NOT_ASSESSED]
    score = round(100 * (counts["ok"] + 0.5 * counts["warn"]) / assessed) if assessed else 0
    coverage = round(100 * assessed / total) if total else 0
    return {"std": std, "rows": rows, "counts": counts, "score": score, "assessed": assessed, "total": total,
            "coverage": coverage}


def standards_for(system) -> list[str]:
    """The standards a system is assessed against: the park standards for the park, T/CIECCPA 061 for an enterprise."""
    return ["t-cieccpa-061-2023"] if system.enterprise else ["t-cses-2023", "t-cpqs-zc001-2025"]
