"""Writes of the management system. Each checks the actor's permission through the tenancy
mechanism, validates the whole record and saves atomically; a refusal is a ValidationError keyed by
field, with the reason in the user's language."""
from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from carbonms.common import tenancy

from .documents import Document, DocumentVersion
from .models import Appointment, ComplianceEvaluation, Policy, Risk

DOMAIN = "management"

# The commitments a park's carbon management policy must contain (T/CSES 5.2 a–l; T/CPQS 6.2).
POLICY_COMMITMENTS = [
    ("purpose", "T/CSES 5.2 a", "适合园区的宗旨和所处环境，包括其活动、产业结构和碳排放特点"),
    ("framework", "T/CSES 5.2 b", "为制定和评审碳管理目标、指标提供框架"),
    ("compliance", "T/CSES 5.2 c", "履行合规义务（法律法规、政策、标准及其他要求）"),
    ("improvement", "T/CSES 5.2 d", "持续改进碳管理绩效和碳排放管理体系"),
    ("resources", "T/CSES 5.2 e", "确保获得实现目标所需的信息和资源"),
    ("data_quality", "T/CSES 5.2 f", "保证碳排放数据真实、准确、完整"),
    ("procurement", "T/CSES 5.2 g", "支持采购低碳产品和服务"),
    ("design", "T/CSES 5.2 h", "支持考虑碳排放绩效改进的设计活动"),
    ("energy", "T/CSES 5.2 i", "推动零碳能源和基础设施建设"),
    ("industry", "T/CSES 5.2 j", "推动产业与资源优化和低碳/零碳技术应用"),
    ("communication", "T/CSES 5.2 k", "在园区内部传达，并可为相关方获取"),
    ("review", "T/CSES 5.2 l", "定期评审并在必要时更新"),
    ("carbon_goals", "T/CPQS 6.2", "与碳达峰、碳中和目标相协调"),
]

# What an enterprise's carbon-neutrality policy rests on and how it is kept (T/CIECCPA 061 5.2.1–5.2.4).
ENTERPRISE_POLICY_COMMITMENTS = [
    ("purpose", "T/CIECCPA 5.2.1 a", "组织的宗旨和总体战略方向"),
    ("context", "T/CIECCPA 5.2.1 b", "组织所处的环境"),
    ("parties", "T/CIECCPA 5.2.1 c", "相关方的需求和期望"),
    ("risks", "T/CIECCPA 5.2.1 d", "组织的风险和机遇"),
    ("constraints", "T/CIECCPA 5.2.1 e", "内部与外部的制约条件以及资源和能力"),
    ("documented", "T/CIECCPA 5.2.2", "易于获取，并保持文件化信息"),
    ("communicated", "T/CIECCPA 5.2.3", "在组织内部得到清晰的理解和沟通"),
    ("available", "T/CIECCPA 5.2.4", "适当时向相关方提供或在网站上发布"),
]


def commitments_for(enterprise_id) -> list[tuple[str, str, str]]:
    """The commitments checklist of a system: the enterprise standard's or the park standards'."""
    return ENTERPRISE_POLICY_COMMITMENTS if enterprise_id else POLICY_COMMITMENTS


def _require(actor, action: str, park_id: int, enterprise_id: int | None) -> None:
    tenancy.require(actor, DOMAIN, action, park_id=park_id, enterprise_id=enterprise_id)


def system_of(obj) -> tuple[int, int | None]:
    return obj.park_id, obj.enterprise_id


def _check_system(park, enterprise) -> None:
    if enterprise is not None and enterprise.park_id != park.pk:
        raise ValidationError({"enterprise": _("The enterprise is not in this park.")})


def _check_same_system(obj, **related) -> None:
    """Related records (foreign keys) must belong to the same management system as ``obj``."""
    errors = {}
    for name, other in related.items():
        if other is not None and (other.park_id, other.enterprise_id) != (obj.park_id, obj.enterprise_id):
            errors[name] = _("This record belongs to another management system.")
    if errors:
        raise ValidationError(errors)


def risk_grade(likelihood: int, consequence: int) -> str:
    """The documented criterion: score = likelihood × consequence; ≥15 high, ≥6 medium, else low."""
    score = likelihood * consequence
    return Risk.Grade.HIGH if score >= 15 else Risk.Grade.MEDIUM if score >= 6 else Risk.Grade.LOW


RISK_CRITERIA = (
    "可能性 1 极少（10年以上一次）… 5 几乎肯定（每年多次）；后果 1 轻微（无合规影响、<10万元）… "
    "5 严重（违法违规、配额清缴缺口、>500万元）。分值=可能性×后果：≥15 高，6–14 中，≤5 低。"
)


def _validate(obj) -> None:
    if isinstance(obj, Risk):
        errors = {}
        for f in ("likelihood", "consequence"):
            v = getattr(obj, f)
            if v is None or not 1 <= v <= 5:
                errors[f] = _("Give a value from 1 to 5.")
        if obj.category == Risk.Category.OPPORTUNITY and obj.response not in ("", Risk.Response.PURSUE, Risk.Response.ACCEPT):
            errors["response"] = _("An opportunity is pursued or accepted, not avoided or transferred.")
        if obj.category != Risk.Category.OPPORTUNITY and obj.response == Risk.Response.PURSUE:
            errors["response"] = _("Only an opportunity is pursued; choose avoid, reduce, transfer or accept.")
        if errors:
            raise ValidationError(errors)
        obj.significance = risk_grade(obj.likelihood, obj.consequence)
        if not obj.criteria:
            obj.criteria = RISK_CRITERIA
    if getattr(obj, "adopted", False) and hasattr(obj, "obligation_id") and not obj.obligation_id and obj._meta.model_name == "interestedparty":
        raise ValidationError({"obligation": _("A need adopted as an obligation must name the obligation it became.")})


@transaction.atomic
def register_save(*, actor, model, data: dict[str, Any], park=None, enterprise=None, instance=None):
    """Create (give ``park`` and ``enterprise``) or update (give ``instance``) a register entry."""
    m2m = {k: data[k] for k in list(data) if k in {f.name for f in model._meta.many_to_many}}
    if instance is None:
        _check_system(park, enterprise)
        _require(actor, "add", park.pk, enterprise.pk if enterprise else None)
        instance = model(park=park, enterprise=enterprise)
    else:
        _require(actor, "change", *system_of(instance))
    for k, v in data.items():
        if k not in m2m:
            setattr(instance, k, v)
    related = {f.name: getattr(instance, f.name) for f in model._meta.concrete_fields
               if f.is_relation and f.related_model is not None and hasattr(f.related_model, "scope_domain")
               and f.related_model._meta.app_label == "management" and getattr(instance, f.attname) is not None}
    _check_same_system(instance, **related)
    # Owners, heads, members and every other related record: only within the record's scope.
    tenancy.require_related_of(instance, *[f.name for f in model._meta.concrete_fields if f.is_relation and f.name in data
                                           and f.name not in ("park", "enterprise")], m2m=m2m)
    _validate(instance)
    instance.full_clean()
    instance.save()
    for k, v in m2m.items():
        getattr(instance, k).set(v)
    return instance


@transaction.atomic
def evaluation_record(*, actor, obligation, data: dict[str, Any]) -> ComplianceEvaluation:
    """Record a compliance evaluation of an obligation; the obligation's next review moves on."""
    _require(actor, "add", *system_of(obligation))
    ev = ComplianceEvaluation(park_id=obligation.park_id, enterprise_id=obligation.enterprise_id, obligation=obligation)
    for k, v in data.items():
        setattr(ev, k, v)
    if ev.evaluator_id is None:
        ev.evaluator = actor
    else:
        tenancy.require_related_of(ev, "evaluator")
    ev.full_clean()
    ev.save()
    obligation.last_reviewed_on = ev.evaluated_on
    obligation.next_review_on = ev.evaluated_on + dt.timedelta(days=round(obligation.evaluation_months * 30.44))
    obligation.save()
    return ev


# --------------------------------------------------------------------------- policy


@transaction.atomic
def policy_save(*, actor, data: dict[str, Any], park=None, enterprise=None, policy: Policy | None = None) -> Policy:
    """Draft a new policy version (or edit a draft). The version number follows the system's last one."""
    if policy is None:
        _check_system(park, enterprise)
        _require(actor, "add", park.pk, enterprise.pk if enterprise else None)
        last = Policy.objects.filter(park=park, enterprise=enterprise).order_by("-version").first()
        policy = Policy(park=park, enterprise=enterprise, author=actor, version=(last.version + 1) if last else 1)
    else:
        _require(actor, "change", *system_of(policy))
        if policy.status not in (Policy.Status.DRAFT, Policy.Status.SUBMITTED):
            raise ValidationError({"status": _("Only a draft can be edited; draft a new version instead.")})
        policy.status = Policy.Status.DRAFT
    for k in ("title", "text", "commitments", "next_review_on", "published_to"):
        if k in data:
            setattr(policy, k, data[k])
    valid = {k for k, _c, _t in commitments_for(policy.enterprise_id)}
    unknown = set(policy.commitments or []) - valid
    if unknown:
        raise ValidationError({"commitments": _("Unknown commitment: %(keys)s.") % {"keys": ", ".join(sorted(unknown))}})
    policy.full_clean()
    policy.save()
    return policy


@transaction.atomic
def policy_submit(*, actor, policy: Policy) -> Policy:
    _require(actor, "change", *system_of(policy))
    if policy.status != Policy.Status.DRAFT:
        raise ValidationError({"status": _("Only a draft can be submitted.")})
    missing = [c for k, c, _t in commitments_for(policy.enterprise_id) if k not in (policy.commitments or [])]
    if missing:
        raise ValidationError({"commitments": _("The policy lacks required commitments: %(list)s.") % {"list": "、".join(missing)}})
    policy.status = Policy.Status.SUBMITTED
    policy.save()
    return policy


def is_top_management(user, park_id: int, enterprise_id: int | None) -> bool:
    return Appointment.objects.filter(
        park_id=park_id, enterprise_id=enterprise_id, person=user, role=Appointment.Role.TOP,
    ).exclude(status="closed").exists()


@transaction.atomic
def policy_approve(*, actor, policy: Policy) -> Policy:
    """Top management approves a submitted version; it comes into force and the previous one is superseded."""
    park_id, enterprise_id = system_of(policy)
    tenancy.get_for_user(Policy, actor, policy.pk, "view")
    if policy.author_id == actor.pk:
        raise ValidationError({"approved_by": _("You drafted this policy; somebody else must approve it.")})
    if not tenancy.can(actor, DOMAIN, "approve", park_id=park_id, enterprise_id=enterprise_id) or not is_top_management(
        actor, park_id, enterprise_id
    ):
        raise ValidationError({"approved_by": _(
            "Only top management may approve the policy: the approver must hold the approve permission and be "
            "appointed as top management in the organisation register."
        )})
    if policy.status != Policy.Status.SUBMITTED:
        raise ValidationError({"status": _("Only a submitted policy can be approved.")})
    for old in Policy.objects.select_for_update().filter(park_id=park_id, enterprise_id=enterprise_id,
                                                         status=Policy.Status.APPROVED):
        old.status = Policy.Status.SUPERSEDED
        old.save()
    today = timezone.localdate()
    policy.status = Policy.Status.APPROVED
    policy.approved_by = actor
    policy.approved_on = today
    policy.reviewed_on = today
    if not policy.next_review_on or policy.next_review_on <= today:
        policy.next_review_on = today + dt.timedelta(days=365)
    policy.full_clean()
    policy.save()
    return policy


@transaction.atomic
def policy_publish(*, actor, policy: Policy, published_to: str) -> Policy:
    _require(actor, "change", *system_of(policy))
    if policy.status != Policy.Status.APPROVED:
        raise ValidationError({"status": _("Only the approved policy in force can be published.")})
    if not published_to.strip():
        raise ValidationError({"published_to": _("Say where the policy was published.")})
    policy.published_on = timezone.localdate()
    policy.published_to = published_to
    policy.save()
    return policy


@transaction.atomic
def policy_review(*, actor, policy: Policy, next_review_on) -> Policy:
    """Record the periodic review of the policy in force (no change needed)."""
    park_id, enterprise_id = system_of(policy)
    if not tenancy.can(actor, DOMAIN, "approve", park_id=park_id, enterprise_id=enterprise_id):
        raise ValidationError({"reviewed_on": _("Only a role that may approve management records may record the review.")})
    if policy.status != Policy.Status.APPROVED:
        raise ValidationError({"status": _("Only the policy in force is reviewed.")})
    today = timezone.localdate()
    if next_review_on is None or next_review_on <= today:
        raise ValidationError({"next_review_on": _("The next review must be in the future.")})
    policy.reviewed_on = today
    policy.next_review_on = next_review_on
    policy.save()
    return policy


# --------------------------------------------------------------------------- documents


@transaction.atomic
def document_save(*, actor, data: dict[str, Any], park=None, enterprise=None, document: Document | None = None) -> Document:
    if document is None:
        _check_system(park, enterprise)
        _require(actor, "add", park.pk, enterprise.pk if enterprise else None)
        document = Document(park=park, enterprise=enterprise)
    else:
        _require(actor, "change", *system_of(document))
    for k, v in data.items():
        setattr(document, k, v)
    tenancy.require_related_of(document, "owner")
    if document.kind in (Document.Kind.LEDGER, Document.Kind.RECORD) and document.retention_years < 5:
        raise ValidationError({"retention_years": _("Ledgers and records are kept at least 5 years.")})
    clash = Document.objects.filter(park_id=document.park_id, enterprise_id=document.enterprise_id,
                                    identifier=document.identifier).exclude(pk=document.pk)
    if clash.exists():
        raise ValidationError({"identifier": _("Another document of this system has this identifier.")})
    document.full_clean()
    document.save()
    return document


ALLOWED_EXTENSIONS = (".pdf", ".docx", ".xlsx")


def sha256_of(uploaded) -> str:
    h = hashlib.sha256()
    uploaded.seek(0)
    for chunk in iter(lambda: uploaded.read(65536), b""):
        h.update(chunk)
    uploaded.seek(0)
    return h.hexdigest()


@transaction.atomic
def version_add(*, actor, document: Document, version: str, file=None, change_note: str = "", reviewer=None) -> DocumentVersion:
    """A new draft version of a document, with its file stored with its SHA-256."""
    _require(actor, "change", *system_of(document))
    if file is not None and not file.name.lower().endswith(ALLOWED_EXTENSIONS):
        raise ValidationError({"file": _("Upload a PDF, DOCX or XLSX file.")})
    if document.versions.filter(version=version).exists():
        raise ValidationError({"version": _("This version number already exists.")})
    v = DocumentVersion(park_id=document.park_id, enterprise_id=document.enterprise_id, document=document,
                        version=version, change_note=change_note, author=actor, reviewer=reviewer)
    tenancy.require_related_of(v, "reviewer")
    if file is not None:
        v.sha256 = sha256_of(file)
        v.file = file
    v.full_clean()
    v.save()
    return v


@transaction.atomic
def version_approve(*, actor, version: DocumentVersion) -> DocumentVersion:
    park_id, enterprise_id = system_of(version)
    tenancy.get_for_user(DocumentVersion, actor, version.pk, "view")
    if not tenancy.can(actor, DOMAIN, "approve", park_id=park_id, enterprise_id=enterprise_id):
        raise ValidationError({"approver": _("Your role may not approve documents; a reviewer or administrator must.")})
    if version.author_id == actor.pk:
        raise ValidationError({"approver": _("You wrote this version; somebody else must approve it.")})
    if version.status != DocumentVersion.Status.DRAFT:
        raise ValidationError({"status": _("Only a draft version can be approved.")})
    if not version.file:
        raise ValidationError({"file": _("Attach the document's file before approval.")})
    version.approver = actor
    version.approved_on = timezone.localdate()
    version.status = DocumentVersion.Status.APPROVED
    version.save()
    return version


@transaction.atomic
def version_put_in_force(*, actor, version: DocumentVersion, effective_on=None) -> DocumentVersion:
    """The approved version comes into force; the version in force before it is marked obsolete."""
    _require(actor, "change", *system_of(version))
    if version.approver_id is None or version.status != DocumentVersion.Status.APPROVED:
        raise ValidationError({"approver": _("This version has no approver: it must be approved before it is put in force.")})
    today = timezone.localdate()
    for old in DocumentVersion.objects.select_for_update().filter(document=version.document,
                                                                  status=DocumentVersion.Status.IN_FORCE):
        old.status = DocumentVersion.Status.OBSOLETE
        old.obsolete_on = today
        old.save()
    version.status = DocumentVersion.Status.IN_FORCE
    version.effective_on = effective_on or today
    version.save()
    return version


@transaction.atomic
def register_delete(*, actor, obj) -> None:
    """Delete a register entry unless another record refers to it: protected foreign keys (checked by
    ``record_delete``) and many-to-many links such as the areas of an audit, which would silently drop."""
    from carbonms.common.services import record_delete

    _require(actor, "delete", *system_of(obj))
    for rel in obj._meta.related_objects:
        if rel.many_to_many:
            n = getattr(obj, rel.get_accessor_name()).count()
            if n:
                raise ValidationError(
                    _("%(record)s cannot be deleted: %(count)d dependent record(s) refer to it (%(kinds)s).")
                    % {"record": obj, "count": n, "kinds": rel.related_model._meta.verbose_name},
                    code="protected",
                )
    record_delete(actor=actor, obj=obj)
