"""Permission matrix of the management system (carbonms.management, carbonms.audits, carbonms.conformity).

The cases open the enterprise systems (``ent-<id>``); tests/management/test_scope.py covers the
park's own system (``park-<id>``), which an enterprise's users must not see at all.
"""
from __future__ import annotations

import datetime as dt

from .base import ALL, Case

MS_WRITERS = {"park_admin", "park_carbon_officer", "enterprise_admin"}
AUDITORS = {"park_admin", "internal_auditor", "park_internal_auditor"}


def _owner(w, org):
    return {"owner": f"ent-{org.enterprise.pk}"}


def _sys(org):
    return {"park": org.enterprise.park, "enterprise": org.enterprise}


def _make(model_path: str, **fields):
    def make(org):
        import importlib

        mod, name = model_path.rsplit(".", 1)
        model = getattr(importlib.import_module(mod), name)
        values = {k: (v(org) if callable(v) else v) for k, v in fields.items()}
        return model.objects.create(**_sys(org), **values)
    return make


def _user(role):
    from carbonms.accounts.models import User

    return User.objects.get(username=f"u_{role}")


MAKERS = {
    "risk": _make("carbonms.management.models.Risk", title="配额缺口", category="financial", likelihood=3, consequence=4,
                  significance="medium", response="reduce"),
    "policy": _make("carbonms.management.models.Policy", title="方针", text="…", status="submitted"),
    "document": _make("carbonms.management.documents.Document", identifier="D-1", title="程序", kind="procedure"),
    "programme": _make("carbonms.audits.models.AuditProgramme", year=2026),
    "audit": _make("carbonms.audits.models.Audit", title="内审", standard="t-cieccpa-061-2023", objective="o",
                   planned_start=dt.date(2026, 3, 1), planned_end=dt.date(2026, 3, 2)),
    "nc": _make("carbonms.audits.models.Nonconformity", number="NC-1", title="nc", source="other", description="d"),
    "obligation": _make("carbonms.management.models.ComplianceObligation", title="条例", kind="law"),
    "review": _make("carbonms.audits.models.ManagementReview", title="管理评审", held_on=dt.date(2026, 6, 1)),
}


def rec(key):
    return lambda w, org: org.cached(key, lambda: MAKERS[key](org))


def _pk(key):
    return lambda w, org: {"pk": rec(key)(w, org).pk}


def _version(w, org):
    from django.core.files.base import ContentFile

    from carbonms.management.documents import DocumentVersion

    def make():
        v = DocumentVersion(**_sys(org), document=rec("document")(w, org), version="1.0", sha256="0" * 64)
        v.file.save("v.pdf", ContentFile(b"%PDF"), save=False)
        v.save()
        return v
    return org.cached("version", make)


def _with_file(key, field):
    def target(w, org):
        from django.core.files.base import ContentFile

        obj = rec(key)(w, org)
        if not getattr(obj, field):
            getattr(obj, field).save(f"{key}.docx", ContentFile(b"docx"), save=True)
        return {"pk": obj.pk}
    return target


def _item(w, org):
    from carbonms.audits.models import ChecklistItem

    return {"pk": org.cached("item", lambda: ChecklistItem.objects.create(
        **_sys(org), audit=rec("audit")(w, org), clause_key="t-cieccpa-061-2023:5.2", number="5.2", title="方针")).pk}


def _finding(w, org):
    from carbonms.audits.models import Finding

    return {"pk": org.cached("finding", lambda: Finding.objects.create(
        **_sys(org), audit=rec("audit")(w, org), kind="observation", description="d", evidence="e")).pk}


def _action(w, org):
    from carbonms.audits.models import CorrectiveAction

    return {"pk": org.cached("action", lambda: CorrectiveAction.objects.create(
        **_sys(org), nonconformity=rec("nc")(w, org), description="a", owner=_user("enterprise_admin"),
        due_on=dt.date(2026, 12, 1))).pk}


def _output(w, org):
    from carbonms.audits.models import ReviewOutput

    return {"pk": org.cached("output", lambda: ReviewOutput.objects.create(
        **_sys(org), review=rec("review")(w, org), category="targets", decision="d")).pk}


def _task(w, org):
    from carbonms.conformity.models import Task

    return {"pk": org.cached("task", lambda: Task.objects.create(
        **_sys(org), user=_user("enterprise_admin"), kind="review", ref=f"x:{org.enterprise.pk}", title="t", url="/",
        due_on=dt.date(2026, 1, 1))).pk}


REGISTER_MINIMAL = {
    "context": {"title": "t", "kind": "internal", "category": "strength"},
    "parties": {"name": "n", "kind": "other", "needs": "n"},
    "obligations": {"title": "t", "kind": "law"},
    "evaluations": {"obligation": lambda org: rec("obligation")(None, org), "evaluated_on": dt.date(2026, 1, 1),
                    "result": "compliant"},
    "risks": None,
    "organisation": {"name": "n", "kind": "department", "duties": "d"},
    "appointments": {"role": "other", "person": lambda org: _user("enterprise_admin")},
    "resources": {"title": "t", "kind": "human"},
    "competence": {"role_title": "r", "requirement": "r"},
    "training": {"title": "t", "planned_on": dt.date(2026, 1, 1)},
    "communications": {"subject": "s", "direction": "internal", "party": "p", "occurred_on": dt.date(2026, 1, 1)},
    "changes": {"title": "t", "purpose": "p"},
}


def _register_record(key):
    def target(w, org):
        if key == "risks":
            return {"pk": rec("risk")(w, org).pk}
        from carbonms.management.registers import REGISTERS

        model = REGISTERS[key].model
        return {"pk": org.cached(f"reg-{key}", lambda: _make(f"{model.__module__}.{model.__name__}",
                                                             **REGISTER_MINIMAL[key])(org)).pk}
    return target


CASES: dict[str, Case] = {
    # management
    "management:start": Case(None, ALL, ok_status=302),
    "management:home": Case(_owner, ALL),
    "management:register_list": Case(lambda w, o: {**_owner(w, o), "register": "risks"}, ALL),
    "management:register_create": Case(lambda w, o: {**_owner(w, o), "register": "risks"}, MS_WRITERS),
    "management:register_detail": Case(lambda w, o: {"register": "risks", **_pk("risk")(w, o)}, ALL),
    "management:register_edit": Case(lambda w, o: {"register": "risks", **_pk("risk")(w, o)}, MS_WRITERS),
    "management:delete": Case(lambda w, o: {"kind": "risks", **_pk("risk")(w, o)}, {"park_admin", "park_carbon_officer",
                                                                                   "enterprise_admin"}),
    "management:policy_list": Case(_owner, ALL),
    "management:policy_create": Case(_owner, MS_WRITERS),
    "management:policy": Case(_pk("policy"), ALL),
    "management:policy_edit": Case(_pk("policy"), MS_WRITERS),
    "management:policy_action": Case(lambda w, o: {"step": "approve", **_pk("policy")(w, o)}, ALL, ok_status=302),
    "management:document_list": Case(_owner, ALL),
    "management:document_create": Case(_owner, MS_WRITERS),
    # generating a draft adds a document: only for those who may add (issue 9: no page offers what is refused)
    "management:document_generate": Case(lambda w, o: {**_owner(w, o), "template": "parties"}, MS_WRITERS),
    "management:document": Case(_pk("document"), ALL),
    "management:document_edit": Case(_pk("document"), MS_WRITERS),
    "management:version_create": Case(_pk("document"), MS_WRITERS),
    "management:version_file": Case(lambda w, o: {"pk": _version(w, o).pk}, ALL),
    "management:version_action": Case(lambda w, o: {"pk": _version(w, o).pk, "step": "approve"}, ALL, ok_status=302),
    # audits
    "audits:audit_list": Case(_owner, ALL),
    "audits:audit_create": Case(_owner, AUDITORS),
    "audits:programme_create": Case(_owner, AUDITORS),
    "audits:programme": Case(_pk("programme"), ALL),
    "audits:audit": Case(_pk("audit"), ALL),
    "audits:audit_edit": Case(_pk("audit"), AUDITORS),
    "audits:finding_create": Case(_pk("audit"), AUDITORS),
    "audits:audit_report_file": Case(_with_file("audit", "report_file"), ALL),
    "audits:audit_action": Case(lambda w, o: {"step": "checklist", **_pk("audit")(w, o)}, ALL, ok_status=302),
    "audits:checklist_mark": Case(_item, ALL, ok_status=302),
    "audits:nc_list": Case(_owner, ALL),
    "audits:nc_create": Case(_owner, MS_WRITERS),
    "audits:nc": Case(_pk("nc"), ALL),
    "audits:nc_edit": Case(_pk("nc"), MS_WRITERS),
    "audits:action_create": Case(_pk("nc"), MS_WRITERS),
    "audits:nc_action": Case(lambda w, o: {"step": "close", **_pk("nc")(w, o)}, ALL, ok_status=302),
    "audits:action_edit": Case(_action, MS_WRITERS),
    "audits:review_list": Case(_owner, ALL),
    "audits:review_create": Case(_owner, MS_WRITERS),
    "audits:review": Case(_pk("review"), ALL),
    "audits:review_file": Case(_with_file("review", "record_file"), ALL),
    "audits:output_create": Case(_pk("review"), MS_WRITERS),
    "audits:review_action": Case(lambda w, o: {"step": "refresh", **_pk("review")(w, o)}, ALL, ok_status=302),
    "audits:output_edit": Case(_output, MS_WRITERS),
    # conformity
    "conformity:start": Case(None, ALL, ok_status=302),
    "conformity:tasks": Case(None, ALL),
    "conformity:task_done": Case(_task, {"enterprise_admin"}, ok_status=302, denied=404),
    "conformity:index": Case(_owner, ALL),
    "conformity:standard": Case(lambda w, o: {**_owner(w, o), "std_id": "t-cieccpa-061-2023"}, ALL),
    "conformity:pack": Case(lambda w, o: {**_owner(w, o), "std_id": "t-cieccpa-061-2023"}, ALL),
    # API
    **{f"api:ms-{key}-list": Case(None, ALL) for key in (
        "context", "parties", "obligations", "evaluations", "risks", "organisation", "appointments", "resources",
        "competence", "training", "communications", "changes", "policies", "documents", "document-versions", "audits",
        "findings", "nonconformities", "corrective-actions", "reviews", "review-outputs", "tasks")},
    **{f"api:ms-{key}-detail": Case(_register_record(key), ALL) for key in REGISTER_MINIMAL},
    "api:ms-policies-detail": Case(_pk("policy"), ALL),
    "api:ms-policies-transition": Case(_pk("policy"), ALL),
    "api:ms-document-versions-transition": Case(lambda w, o: {"pk": _version(w, o).pk}, ALL),
    "api:ms-audits-transition": Case(_pk("audit"), ALL),
    "api:ms-nonconformities-transition": Case(_pk("nc"), ALL),
    "api:ms-reviews-transition": Case(_pk("review"), ALL),
    "api:ms-documents-detail": Case(_pk("document"), ALL),
    "api:ms-document-versions-detail": Case(lambda w, o: {"pk": _version(w, o).pk}, ALL),
    "api:ms-audits-detail": Case(_pk("audit"), ALL),
    "api:ms-findings-detail": Case(_finding, ALL),
    "api:ms-nonconformities-detail": Case(_pk("nc"), ALL),
    "api:ms-corrective-actions-detail": Case(_action, ALL),
    "api:ms-reviews-detail": Case(_pk("review"), ALL),
    "api:ms-review-outputs-detail": Case(_output, ALL),
    "api:ms-tasks-detail": Case(_task, {"enterprise_admin"}, denied=404),
}
