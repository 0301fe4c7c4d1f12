"""Registers of the management system (T/CSES 4–8; T/CPQS 5–9; T/CIECCPA 061 4–7).

Every record belongs to one management system: the park's own (``enterprise`` empty, seen by park
staff only) or one enterprise's. Workflows (approval, putting in force) live in services.py.
"""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .base import RegisterEntry, RegisterStatus, SystemRecord  # noqa: F401  (re-exported)
from .documents import Document, DocumentVersion  # noqa: F401  (registered models)

USER = settings.AUTH_USER_MODEL


class _Registered:
    register_key = ""

    def get_absolute_url(self):
        return reverse("management:register_detail", args=[self.register_key, self.pk])


class ContextIssue(_Registered, RegisterEntry):
    """An internal or external issue of the context, categorised PEST/SWOT (T/CSES 4.1; T/CPQS 5.1)."""

    register_key = "context"

    class Kind(models.TextChoices):
        INTERNAL = "internal", _("Internal")
        EXTERNAL = "external", _("External")

    class Category(models.TextChoices):
        POLITICAL = "political", _("PEST · political")
        ECONOMIC = "economic", _("PEST · economic")
        SOCIAL = "social", _("PEST · social")
        TECHNOLOGICAL = "technological", _("PEST · technological")
        STRENGTH = "strength", _("SWOT · strength")
        WEAKNESS = "weakness", _("SWOT · weakness")
        OPPORTUNITY = "opportunity", _("SWOT · opportunity")
        THREAT = "threat", _("SWOT · threat")

    title = models.CharField(_("issue"), max_length=200)
    kind = models.CharField(_("internal or external"), max_length=10, choices=Kind.choices)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    description = models.TextField(_("description"), blank=True)
    monitoring = models.TextField(_("monitoring and review"), blank=True,
                                  help_text=_("How the issue is followed and how often it is reviewed."))

    class Meta:
        verbose_name = _("context issue")
        verbose_name_plural = _("context issues")
        ordering = ["kind", "category", "title"]

    def __str__(self):
        return self.title


class ComplianceObligation(_Registered, RegisterEntry):
    """A law, regulation, policy, standard or contract that applies (T/CSES 6.6; T/CPQS 10.1.2)."""

    register_key = "obligations"

    class Kind(models.TextChoices):
        LAW = "law", _("Law")
        REGULATION = "regulation", _("Regulation")
        POLICY = "policy", _("Policy")
        STANDARD = "standard", _("Standard")
        CONTRACT = "contract", _("Contract")
        COMMITMENT = "commitment", _("Voluntary commitment")

    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    reference = models.CharField(_("reference number"), max_length=120, blank=True)
    issuer = models.CharField(_("issued by"), max_length=120, blank=True)
    requirement = models.TextField(_("requirement"), blank=True)
    applicable = models.BooleanField(_("applicable"), default=True)
    applicability = models.TextField(_("applicability"), blank=True, help_text=_("To which activities and sites it applies."))
    evaluation_months = models.PositiveSmallIntegerField(_("evaluation frequency (months)"), default=12)

    class Meta:
        verbose_name = _("compliance obligation")
        verbose_name_plural = _("compliance obligations")
        ordering = ["kind", "title"]

    def __str__(self):
        return self.title


class ComplianceEvaluation(_Registered, SystemRecord):
    """One evaluation of compliance with an obligation, its findings and follow-up (T/CSES 9.2)."""

    register_key = "evaluations"

    class Result(models.TextChoices):
        COMPLIANT = "compliant", _("Compliant")
        PARTLY = "partly", _("Partly compliant")
        NON_COMPLIANT = "non_compliant", _("Not compliant")

    obligation = models.ForeignKey(ComplianceObligation, on_delete=models.PROTECT, related_name="evaluations",
                                   verbose_name=_("obligation"))
    evaluated_on = models.DateField(_("evaluated on"))
    evaluator = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                  verbose_name=_("evaluator"))
    result = models.CharField(_("result"), max_length=16, choices=Result.choices)
    findings = models.TextField(_("findings"), blank=True)
    follow_up = models.TextField(_("follow-up"), blank=True)

    class Meta:
        verbose_name = _("compliance evaluation")
        verbose_name_plural = _("compliance evaluations")
        ordering = ["-evaluated_on"]

    def __str__(self):
        return f"{self.obligation} · {self.evaluated_on:%Y-%m-%d}"


class InterestedParty(_Registered, RegisterEntry):
    """An interested party, its information channel, needs and expectations (T/CSES 4.2, Annex A)."""

    register_key = "parties"

    class Kind(models.TextChoices):
        GOVERNMENT = "government", _("Government and regulators")
        ENTERPRISE = "enterprise", _("Enterprises in the park")
        PARK = "park", _("Park management")
        EMPLOYEES = "employees", _("Employees")
        CUSTOMERS = "customers", _("Customers")
        SUPPLIERS = "suppliers", _("Suppliers")
        INVESTORS = "investors", _("Investors and banks")
        COMMUNITY = "community", _("Community and public")
        OTHER = "other", _("Other")

    name = models.CharField(_("party"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    channel = models.CharField(_("information channel"), max_length=200, blank=True)
    contact = models.CharField(_("contact"), max_length=120, blank=True)
    needs = models.TextField(_("needs and expectations"))
    adopted = models.BooleanField(_("adopted as an obligation"), default=False)
    obligation = models.ForeignKey(ComplianceObligation, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="parties", verbose_name=_("resulting obligation"))

    class Meta:
        verbose_name = _("interested party")
        verbose_name_plural = _("interested parties")
        ordering = ["kind", "name"]

    def __str__(self):
        return self.name


class Risk(_Registered, RegisterEntry):
    """A risk or opportunity with its criteria, grade, response and effectiveness (T/CSES 6.1.2;
    T/CPQS 7.6.1; T/CIECCPA 061 6.1)."""

    register_key = "risks"

    class Category(models.TextChoices):
        STRATEGIC = "strategic", _("Strategic and policy")
        ADMISSION = "admission", _("Operational · 两高 project admission")
        DATA = "data_integrity", _("Operational · data integrity")
        OPERATIONAL = "operational", _("Operational · other")
        FINANCIAL = "financial", _("Financial")
        SUDDEN = "sudden", _("Sudden events")
        OPPORTUNITY = "opportunity", _("Opportunity")

    class Response(models.TextChoices):
        AVOID = "avoid", _("Avoid")
        REDUCE = "reduce", _("Reduce")
        TRANSFER = "transfer", _("Transfer")
        ACCEPT = "accept", _("Accept")
        PURSUE = "pursue", _("Pursue the opportunity")

    class Grade(models.TextChoices):
        HIGH = "high", _("High")
        MEDIUM = "medium", _("Medium")
        LOW = "low", _("Low")

    title = models.CharField(_("risk or opportunity"), max_length=200)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    description = models.TextField(_("description"), blank=True)
    likelihood = models.PositiveSmallIntegerField(_("likelihood (1–5)"))
    consequence = models.PositiveSmallIntegerField(_("consequence (1–5)"))
    criteria = models.TextField(_("likelihood and consequence criteria"), blank=True)
    significance = models.CharField(_("significance"), max_length=8, choices=Grade.choices, editable=False)
    response = models.CharField(_("response"), max_length=10, choices=Response.choices)
    actions = models.TextField(_("actions"), blank=True)
    effectiveness = models.TextField(_("evaluation of effectiveness"), blank=True)
    effectiveness_evaluated_on = models.DateField(_("effectiveness evaluated on"), null=True, blank=True)

    class Meta:
        verbose_name = _("risk or opportunity")
        verbose_name_plural = _("risks and opportunities")
        ordering = ["category", "title"]

    def __str__(self):
        return self.title

    @property
    def score(self) -> int:
        return (self.likelihood or 0) * (self.consequence or 0)


class OrgUnit(_Registered, RegisterEntry):
    """The leading group, the carbon management body or a department, with its duties and members
    (T/CSES 5.3; T/CPQS 6.3–6.4; T/CIECCPA 061 Table 1). Audit independence is checked against members."""

    register_key = "organisation"

    class Kind(models.TextChoices):
        LEADING_GROUP = "leading_group", _("Leading group")
        BODY = "body", _("Carbon management body")
        DEPARTMENT = "department", _("Department")

    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=14, choices=Kind.choices)
    head = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("head"))
    members = models.ManyToManyField(USER, blank=True, related_name="+", verbose_name=_("members"))
    duties = models.TextField(_("duties and authorities"))

    class Meta:
        verbose_name = _("organisational unit")
        verbose_name_plural = _("organisation")
        ordering = ["kind", "name"]

    def __str__(self):
        return self.name


class Appointment(_Registered, RegisterEntry):
    """A named role: the management representative, the group leader, a carbon officer…"""

    register_key = "appointments"

    class Role(models.TextChoices):
        TOP = "top_management", _("Top management")
        REPRESENTATIVE = "representative", _("Management representative")
        LEADER = "leader", _("Leader of the leading group")
        OFFICER = "officer", _("Carbon management officer")
        OTHER = "other", _("Other role")

    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    person = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("person"))
    unit = models.ForeignKey(OrgUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="appointments",
                             verbose_name=_("unit"))
    duties = models.TextField(_("duties"), blank=True)
    appointed_on = models.DateField(_("appointed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["role"]

    def __str__(self):
        return f"{self.get_role_display()} · {self.person}"


class Resource(_Registered, RegisterEntry):
    """A resource provided for the system (T/CSES 7.1; T/CIECCPA 061 7.1)."""

    register_key = "resources"

    class Kind(models.TextChoices):
        HUMAN = "human", _("Human")
        FINANCIAL = "financial", _("Financial")
        TECHNICAL = "technical", _("Technical")
        INFRASTRUCTURE = "infrastructure", _("Infrastructure")

    title = models.CharField(_("resource"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    description = models.TextField(_("description"), blank=True)
    adequate = models.BooleanField(_("adequate"), default=True)

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        ordering = ["kind", "title"]

    def __str__(self):
        return self.title


class CompetenceRequirement(_Registered, RegisterEntry):
    """The competence a role needs (T/CIECCPA 061 7.2)."""

    register_key = "competence"

    role_title = models.CharField(_("role"), max_length=120)
    requirement = models.TextField(_("competence required"))
    how_acquired = models.TextField(_("how it is acquired and evidenced"), blank=True)

    class Meta:
        verbose_name = _("competence requirement")
        verbose_name_plural = _("competence requirements")
        ordering = ["role_title"]

    def __str__(self):
        return self.role_title


class Training(_Registered, RegisterEntry):
    """A planned or held training or awareness activity (T/CSES 7.2; T/CIECCPA 061 7.2–7.3)."""

    register_key = "training"

    class Kind(models.TextChoices):
        TRAINING = "training", _("Training")
        AWARENESS = "awareness", _("Awareness activity")

    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.TRAINING)
    competence = models.ForeignKey(CompetenceRequirement, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="trainings", verbose_name=_("competence addressed"))
    planned_on = models.DateField(_("planned on"))
    held_on = models.DateField(_("held on"), null=True, blank=True)
    participants = models.TextField(_("participants"), blank=True)
    content = models.TextField(_("content"), blank=True)
    effectiveness = models.TextField(_("effectiveness"), blank=True)

    class Meta:
        verbose_name = _("training or awareness activity")
        verbose_name_plural = _("training and awareness")
        ordering = ["-planned_on"]

    def __str__(self):
        return self.title


class Communication(_Registered, RegisterEntry):
    """An internal or external communication (T/CPQS 8.3; T/CIECCPA 061 7.4)."""

    register_key = "communications"

    class Direction(models.TextChoices):
        INTERNAL = "internal", _("Internal")
        INBOUND = "inbound", _("External · received")
        OUTBOUND = "outbound", _("External · sent")

    subject = models.CharField(_("subject"), max_length=200)
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    party = models.CharField(_("with"), max_length=200)
    channel = models.CharField(_("channel"), max_length=120, blank=True)
    occurred_on = models.DateField(_("date"))
    summary = models.TextField(_("summary"), blank=True)
    response = models.TextField(_("response"), blank=True)

    class Meta:
        verbose_name = _("communication")
        verbose_name_plural = _("communications")
        ordering = ["-occurred_on"]

    def __str__(self):
        return self.subject


class PlannedChange(_Registered, RegisterEntry):
    """A planned change with purpose, consequences, resources, responsibilities and the verification
    of its result (T/CSES 6.7, 8.3; T/CIECCPA 061 6.3)."""

    register_key = "changes"

    title = models.CharField(_("change"), max_length=200)
    purpose = models.TextField(_("purpose"))
    consequences = models.TextField(_("potential consequences"), blank=True)
    resources = models.TextField(_("resources"), blank=True)
    responsibilities = models.TextField(_("responsibilities"), blank=True)
    planned_on = models.DateField(_("planned for"), null=True, blank=True)
    verification = models.TextField(_("verification of the result"), blank=True)
    verified_on = models.DateField(_("verified on"), null=True, blank=True)

    class Meta:
        verbose_name = _("planned change")
        verbose_name_plural = _("planned changes")
        ordering = ["-planned_on"]

    def __str__(self):
        return self.title


class Policy(SystemRecord):
    """A version of the carbon management policy (碳排放管理方针, T/CSES 5.2; T/CPQS 6.2; T/CIECCPA 061 5.2).

    Drafted, submitted, approved by top management (not its author), published. Approving a version
    supersedes the one in force, so only one approved version is in force per system.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted for approval")
        APPROVED = "approved", _("Approved (in force)")
        SUPERSEDED = "superseded", _("Superseded")

    title = models.CharField(_("title"), max_length=200)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    text = models.TextField(_("policy text"))
    commitments = models.JSONField(_("commitments"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    author = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("author"))
    approved_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("approved by"))
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    published_to = models.CharField(_("published to"), max_length=200, blank=True)
    reviewed_on = models.DateField(_("last reviewed"), null=True, blank=True)
    next_review_on = models.DateField(_("next review"), null=True, blank=True)

    class Meta:
        verbose_name = _("policy")
        verbose_name_plural = _("policies")
        ordering = ["-version"]

    def __str__(self):
        return f"{self.title} v{self.version}"

    def get_absolute_url(self):
        return reverse("management:policy", args=[self.pk])
