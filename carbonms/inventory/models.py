"""Calculation runs and their results with provenance (issue 4, "Calculation runs").

A run computes an enterprise, or the whole park, for a year from the approved activity data with the
accounting core. Runs and results are never edited: a new run is a new record, and two runs are
compared with a diff. Each result keeps the activity record and its version, the factor version, the
method, the GWP set, and (through its run) who ran it and when.
"""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from carbonms.carbondata.models import ActivityRecord, Source
from carbonms.carbondata.models.register import Category, Method
from carbonms.common.models import ScopedModel
from carbonms.organizations.models import Enterprise, Park


class CalculationRun(ScopedModel):
    """One computation of an enterprise (``enterprise`` set) or of the whole park (empty) for a year."""

    park = models.ForeignKey(Park, on_delete=models.PROTECT, related_name="calculation_runs", verbose_name=_("park"))
    enterprise = models.ForeignKey(Enterprise, null=True, blank=True, on_delete=models.PROTECT, related_name="calculation_runs",
                                   verbose_name=_("enterprise"), help_text=_("Empty: the whole park."))
    year = models.PositiveSmallIntegerField(_("year"))
    gwp_set = models.CharField(_("GWP set"), max_length=8, default="SAR")
    fuel_set = models.CharField(_("fuel factor set"), max_length=60)
    run_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("run by"))
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    totals = models.JSONField(_("totals"), default=dict)
    n_results = models.PositiveIntegerField(_("results"), default=0)
    n_records = models.PositiveIntegerField(_("activity records"), default=0)
    timings = models.JSONField(_("timings (s)"), default=dict, blank=True)
    factors = models.JSONField(
        _("factors used"), default=list, blank=True,
        help_text=_("Each distinct parameter set of the run with the factor version the accounting core used and its "
                    "result per unit of activity; results point here by index."))
    locked_period = models.BooleanField(_("period locked when run"), default=False)

    class Basis(models.TextChoices):
        MANAGEMENT = "management", _("Management inventory")
        ETS = "ets", _("ETS report")

    basis = models.CharField(
        _("basis"), max_length=12, choices=Basis.choices, default=Basis.MANAGEMENT,
        help_text=_("Management inventory: the accounting of the standards. ETS report: the covered facilities under "
                    "the sector guideline of the national carbon market, with its factor set."))
    # The factor policy the run applied (issue 10 item 5), e.g. {"grid_scope": "regional", "grid_region": "east",
    # "grid_year_rule": "latest_published", "grid_year": 2022, "factor_set": "default" | "ets", "fuel_set": …,
    # "gwp_set": …}. Shown with the results and copied onto the statement made from the run.
    policy = models.JSONField(_("factor policy"), default=dict, blank=True)
    # What the run should contain and what it holds (issue 10 item 2): {"expected": int, "held": int,
    # "fraction": float in [0, 1], "missing": [{"enterprise": id, "source": id, "code": str, "month": int}, …],
    # "complete": bool}. "expected" counts the sources in force inside the accounting boundary × the months the
    # enterprise was in the park, per the monitoring plan.
    coverage = models.JSONField(_("coverage"), default=dict, blank=True)
    # The scope the run applied (issue 10 item 4): {"boundary_date": "YYYY-MM-DD", "enterprises": {id: {"boundary":
    # boundary id or null, "months": [1..12]}}}. A past year can be run with today's boundary (boundary_date).
    boundaries = models.JSONField(_("boundaries and membership applied"), default=dict, blank=True)

    scope_park = "park_id"
    scope_enterprise = "enterprise_id"
    scope_domain = "data"

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("calculation run")
        verbose_name_plural = _("calculation runs")

    def __str__(self):
        who = self.enterprise or self.park
        return f"{who} · {self.year} · #{self.pk}"

    def get_absolute_url(self):
        return reverse("inventory:run", args=[self.pk])


class RunResult(ScopedModel):
    """One computed row: a source's month, with the provenance of every number.

    ``counted_in_park`` is false for energy bought from a supplier inside the park when the run is a
    park run (the double-counting rule of docs/inventory.md); it still counts for the enterprise.
    Written in bulk with the run (the run itself is the change-logged domain event).

    On PostgreSQL the results of a run assembled from a recalculation job live in a table of that run's own
    that inherits this one (``inventory_runresult_run<id>``, with ``CHECK (run_id = <id>)`` and these
    indexes; :func:`carbonms.inventory.recalc._move`): queries of this model read them as any other row. A
    migration that adds an index here must add it to those tables too (``CREATE INDEX`` on a parent does not
    reach its children; docs/scaling.md).
    """

    # Results are written in bulk by the run service, from ids it has just read in the same transaction,
    # so the references are right by construction; the database does not re-check 600,000 of them per
    # run (no FK constraints), and only the composite indexes below are kept. Deletion is still
    # guarded by the ORM (PROTECT: a run with results is never deleted).
    run = models.ForeignKey(CalculationRun, on_delete=models.PROTECT, related_name="results", verbose_name=_("run"),
                            db_constraint=False, db_index=False)
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+", verbose_name=_("enterprise"),
                                   db_constraint=False, db_index=False)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="+", verbose_name=_("source"),
                               db_constraint=False, db_index=False)
    activity = models.ForeignKey(ActivityRecord, on_delete=models.PROTECT, related_name="+", verbose_name=_("activity data"),
                                 db_constraint=False, db_index=False)
    activity_version = models.PositiveIntegerField(_("activity version"))
    amount = models.DecimalField(_("amount"), max_digits=20, decimal_places=6)
    unit = models.CharField(_("unit"), max_length=20)
    month = models.PositiveSmallIntegerField(_("month"))
    category = models.CharField(_("category"), max_length=24, choices=Category.choices)
    method = models.CharField(_("method"), max_length=20, choices=Method.choices)
    material = models.CharField(_("material"), max_length=80)
    gas = models.CharField(_("gas"), max_length=12)
    mass_t = models.FloatField(_("mass (t)"))
    co2e_t = models.FloatField(_("tCO2e"))
    energy_tce = models.FloatField(_("energy (tce)"), default=0)
    factor_version_id = models.CharField(_("factor version"), max_length=160, blank=True)
    factor_index = models.PositiveIntegerField(_("factor entry of the run"), default=0)
    gwp = models.FloatField(_("GWP"))
    counted_in_park = models.BooleanField(_("counted in the park total"), default=True)

    scope_park = "run__park_id"
    scope_enterprise = "enterprise_id"
    scope_domain = "data"

    class Meta:
        ordering = ["run", "enterprise", "source", "month"]
        verbose_name = _("calculation result")
        verbose_name_plural = _("calculation results")
        # (run, category, id) serves the drill-down of a whole run and of a category in its default order
        # (category, then id) without sorting the run's rows (issue 16).
        indexes = [models.Index(fields=["run", "category", "id"], name="result_run_category_id"),
                   models.Index(fields=["run", "enterprise"], name="result_run_enterprise"),
                   models.Index(fields=["run", "source"], name="result_run_source")]

    def __str__(self):
        return f"#{self.run_id} {self.source_id} {self.month}"

    def get_absolute_url(self):
        return reverse("inventory:result", args=[self.pk])

    @property
    def factor(self) -> dict:
        factors = self.run.factors
        return factors[self.factor_index] if self.factor_index < len(factors) else {}


class InventoryStatement(ScopedModel):
    """The figure of record of an entity and year (issue 10; design problem B1).

    One statement per entity (an enterprise, the park facilities — an ``Enterprise`` of kind
    ``park_facilities`` — or the park, ``enterprise`` empty), year and basis. It is made from a
    calculation run and freezes it: totals, coverage, factor policy, GWP set and boundaries are copied,
    and the run is kept (PROTECT). Status: draft → approved (by somebody appointed to approve who
    neither ran the run nor drafted the statement; approving closes the year: the twelve months are
    locked) → verified (by the entity's appointed external verifier, within their appointment) →
    superseded (a restatement is a new statement with a reason; the old one stays readable). Only one
    statement per entity, year and basis is current — in force (approved or verified) — and at most one is a
    draft: database constraints. A new draft replaces an earlier draft (which becomes superseded).
    """

    class Basis(models.TextChoices):
        MANAGEMENT = "management", _("Management inventory")
        ETS = "ets", _("ETS report")
        VERIFIED = "verified", _("Verified figure")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Approved")
        VERIFIED = "verified", _("Verified")
        SUPERSEDED = "superseded", _("Superseded")

    class Opinion(models.TextChoices):
        UNQUALIFIED = "unqualified", _("Unqualified (reasonable assurance)")
        QUALIFIED = "qualified", _("Qualified")
        ADVERSE = "adverse", _("Adverse")
        DISCLAIMER = "disclaimer", _("Disclaimer of opinion")

    #: the statuses of a statement in force (approved or verified): the figure of record
    OFFICIAL = (Status.APPROVED, Status.VERIFIED)

    park = models.ForeignKey(Park, on_delete=models.PROTECT, related_name="statements", verbose_name=_("park"))
    enterprise = models.ForeignKey(Enterprise, null=True, blank=True, on_delete=models.PROTECT, related_name="statements",
                                   verbose_name=_("enterprise"), help_text=_("Empty: the whole park."))
    year = models.PositiveSmallIntegerField(_("year"))
    basis = models.CharField(_("basis"), max_length=12, choices=Basis.choices, default=Basis.MANAGEMENT)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    run = models.ForeignKey(CalculationRun, on_delete=models.PROTECT, related_name="statements", verbose_name=_("calculation run"))
    gwp_set = models.CharField(_("GWP set"), max_length=8)
    totals = models.JSONField(_("totals"), default=dict)
    coverage = models.JSONField(_("coverage"), default=dict, blank=True)
    policy = models.JSONField(_("factor policy"), default=dict, blank=True)
    boundaries = models.JSONField(_("boundaries and membership applied"), default=dict, blank=True)
    intensities = models.JSONField(_("intensities"), default=dict, blank=True)
    denominators = models.JSONField(_("denominators"), default=dict, blank=True)
    justification = models.TextField(
        _("justification of incompleteness"), blank=True,
        help_text=_("Required when the run's coverage is incomplete: why the statement is made all the same."))
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("drafted by"))
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("approved by"))
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    close_exceptions = models.JSONField(
        _("exceptions of the year close"), default=list, blank=True,
        help_text=_("Park statements: the enterprises that had not closed their year when the park closed it, each with "
                    "the reason given."))
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("verified by"))
    verified_on = models.DateField(_("verification date"), null=True, blank=True)
    opinion = models.CharField(_("verification opinion"), max_length=12, choices=Opinion.choices, blank=True)
    misstatements = models.TextField(_("material misstatements found"), blank=True)
    verification_report = models.FileField(_("verification report"), upload_to="inventory/verification/", blank=True)
    supersedes = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by",
                                      verbose_name=_("restates"))
    restatement_reason = models.CharField(_("reason for the restatement"), max_length=500, blank=True)

    scope_park = "park_id"
    scope_enterprise = "enterprise_id"
    scope_domain = "data"

    class Meta:
        ordering = ["-year", "park", "enterprise", "basis", "-created_at"]
        verbose_name = _("inventory statement")
        verbose_name_plural = _("inventory statements")
        constraints = [
            # one statement in force (approved or verified) and at most one draft per entity, year and basis
            models.UniqueConstraint(Coalesce("enterprise", Value(0)), "park", "year", "basis",
                                    condition=Q(status__in=["approved", "verified"]), name="one_current_statement"),
            models.UniqueConstraint(Coalesce("enterprise", Value(0)), "park", "year", "basis",
                                    condition=Q(status="draft"), name="one_draft_statement"),
        ]

    def __str__(self):
        who = self.enterprise or self.park
        return f"{who} · {self.year} · {self.get_basis_display()} · {self.get_status_display()}"

    def get_absolute_url(self):
        return reverse("inventory:statement", args=[self.pk])

    @property
    def run_by_id(self):
        """Who ran the run the statement is made from (may not approve it)."""
        return self.run.run_by_id if self.run_id else None

    @property
    def is_official(self) -> bool:
        return self.status in self.OFFICIAL

    @property
    def coverage_fraction(self) -> float | None:
        f = (self.coverage or {}).get("fraction")
        return float(f) if f is not None else None

    @property
    def complete(self) -> bool:
        return bool((self.coverage or {}).get("complete"))

    @property
    def intensity_rows(self) -> list[tuple[str, str, str]]:
        """(indicator, value to 4 significant digits, unit) of each intensity stored on the statement."""
        from decimal import Decimal

        def fmt(v) -> str:
            return f"{Decimal(str(v)):.4g}"

        labels = {"per_value_added": _("per 10⁴ yuan of value added"), "per_output_value": _("per 10⁴ yuan of output value"),
                  "per_gdp": _("per 10⁴ yuan of GDP"), "carbon_per_energy": _("carbon per unit of energy")}
        out = []
        for p in (self.intensities or {}).get("per_product") or []:
            out.append((f"{p.get('name') or p.get('code')}", fmt(p["value"]), p["unit"]))
        for key, label in labels.items():
            item = (self.intensities or {}).get(key)
            if item:
                out.append((str(label), fmt(item["value"]), item["unit"]))
        return out


class RecalcJob(models.Model):
    """A park recalculation split by enterprise into parts that any number of workers compute
    (:mod:`carbonms.inventory.recalc`). Its results wait in a staging table of its own until the last part is done;
    then one transaction writes the one :class:`CalculationRun` and its results, so a partial run is never
    visible. Internal bookkeeping (not change-logged): the run is the domain event."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    park = models.ForeignKey(Park, on_delete=models.PROTECT, related_name="+", verbose_name=_("park"))
    year = models.PositiveSmallIntegerField(_("year"))
    run_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("run by"))
    options = models.JSONField(_("options"), default=dict)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.RUNNING)
    n_parts = models.PositiveIntegerField(_("parts"), default=0)
    parts_done = models.PositiveIntegerField(_("parts done"), default=0)
    run = models.OneToOneField(CalculationRun, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("run"))
    error = models.JSONField(_("error"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("recalculation job")
        verbose_name_plural = _("recalculation jobs")

    def __str__(self):
        return f"{self.park_id} {self.year} #{self.pk}"


class RecalcPart(models.Model):
    """One part of a :class:`RecalcJob`: a contiguous range of the park's enterprises (by id), with what the
    assembly needs from it (its parameter sets, totals and coverage)."""

    job = models.ForeignKey(RecalcJob, on_delete=models.CASCADE, related_name="parts")
    index = models.PositiveIntegerField()
    enterprise_ids = models.JSONField(default=list)
    done = models.BooleanField(default=False)
    n_results = models.PositiveIntegerField(default=0)
    summary = models.JSONField(default=dict, blank=True)
    worker = models.CharField(max_length=200, blank=True)
    seconds = models.FloatField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "index"], name="unique_recalc_part")]
        ordering = ["job", "index"]

    def __str__(self):
        return f"{self.job_id}/{self.index}"
