"""Records of the park's zero-carbon energy and infrastructure plan and of its technology positive list.

* T/CSES 6.3.3 a)–e): :class:`ZeroCarbonPlan` (versioned, approved by somebody other than its author) with yearly
  :class:`PlanTarget` values; the :class:`Infrastructure` register; :class:`RenewableSupply` (on-site renewable
  consumed, green-power contracts, green certificates, market purchases) with one :class:`CertificateClaim` per
  certificate ID, unique, so that a certificate is claimed once; :class:`IndicatorValue`, the park's measured values
  of the zero-carbon park indicators that no other record yields (solid-waste, waste-heat and water reuse, clean
  energy share).
* T/CSES 6.3.4 a)–e): the :class:`Technology` positive list, its periodic :class:`TechnologyEvaluation` and the
  :class:`DemonstrationProject` records with their results.

All are kept by the park (domain ``governance``); enterprises read the technology list (``scope_visible_to_members``)
and the infrastructure and renewable supply they own.
"""
from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from carbonms.common.models import ScopedModel
from carbonms.organizations.models import Enterprise, Park

ZERO = Decimal("0")


class PlanIndicator(models.TextChoices):
    """The yearly targets a zero-carbon energy plan sets (T/CSES 6.3.3 a)–d)), with their units in :data:`UNITS`."""

    RENEWABLE_SHARE = "renewable_share", _("Renewable electricity share")
    STORAGE = "storage_mwh", _("Energy storage capacity")
    PV = "pv_kwp", _("Photovoltaic capacity")
    WIND = "wind_mw", _("Wind capacity")
    CASCADE = "cascade_use", _("Energy cascade use (waste heat reused)")
    BUILDINGS = "zero_carbon_buildings", _("Zero-carbon buildings")
    CHARGING = "charging_points", _("Charging points")


PLAN_UNITS = {"renewable_share": "%", "storage_mwh": "MWh", "pv_kwp": "kWp", "wind_mw": "MW", "cascade_use": "%",
              "zero_carbon_buildings": "", "charging_points": ""}


class ZeroCarbonPlan(ScopedModel):
    """One version of the park's energy and infrastructure development plan (T/CSES 6.3.3: 制定能源、设施发展规划)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Approved")
        SUPERSEDED = "superseded", _("Superseded")

    park = models.ForeignKey(Park, on_delete=models.PROTECT, related_name="zero_carbon_plans", verbose_name=_("park"))
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    title = models.CharField(_("title"), max_length=200)
    first_year = models.PositiveSmallIntegerField(_("first year"))
    last_year = models.PositiveSmallIntegerField(_("last year"))
    summary = models.TextField(_("summary"), blank=True,
                               help_text=_("Renewable path, digital energy system, storage, zero-carbon buildings and "
                                           "transport, efficient equipment (T/CSES 6.3.3 a)–e))."))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("drafted by"))
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("approved by"))
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    supersedes = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by",
                                      verbose_name=_("supersedes"))

    scope_enterprise = None
    scope_domain = "governance"
    scope_visible_to_members = True  # the plan is published to the park's enterprises

    class Meta:
        ordering = ["park", "-version"]
        verbose_name = _("zero-carbon energy plan")
        constraints = [models.UniqueConstraint(fields=["park", "version"], name="zerocarbon_plan_version_unique")]

    def __str__(self):
        return f"{self.title} v{self.version}"

    def get_absolute_url(self):
        return reverse("zerocarbon:plan", args=[self.pk])


class PlanTarget(ScopedModel):
    """A yearly target of a plan version."""

    plan = models.ForeignKey(ZeroCarbonPlan, on_delete=models.PROTECT, related_name="targets", verbose_name=_("plan"))
    year = models.PositiveSmallIntegerField(_("year"))
    indicator = models.CharField(_("indicator"), max_length=24, choices=PlanIndicator.choices)
    value = models.DecimalField(_("target value"), max_digits=14, decimal_places=3, validators=[MinValueValidator(ZERO)])

    scope_park = "plan__park_id"
    scope_enterprise = None
    scope_domain = "governance"
    scope_visible_to_members = True

    class Meta:
        ordering = ["plan", "indicator", "year"]
        verbose_name = _("plan target")
        constraints = [models.UniqueConstraint(fields=["plan", "year", "indicator"], name="zerocarbon_target_unique")]

    def __str__(self):
        return f"{self.get_indicator_display()} {self.year}: {self.value}{self.unit}"

    @property
    def unit(self) -> str:
        return PLAN_UNITS.get(self.indicator, "")

    def get_absolute_url(self):
        return self.plan.get_absolute_url()


class Infrastructure(ScopedModel):
    """An entry of the zero-carbon infrastructure register, owned by an enterprise or by the park's own facilities
    (the park-facilities entity of the park)."""

    class Kind(models.TextChoices):
        PV = "pv", _("Photovoltaic")
        WIND = "wind", _("Wind turbine")
        STORAGE = "storage", _("Energy storage")
        HEAT_NETWORK = "heat_network", _("Heat network / waste-heat recovery")
        CHARGING = "charging", _("Charging points")
        BUILDING = "building", _("Zero-carbon building")
        OTHER = "other", _("Other low-carbon infrastructure")

    UNITS = {"pv": "kWp", "wind": "MW", "storage": "MWh", "heat_network": "MW", "charging": _("points"),
             "building": "m²", "other": ""}

    park = models.ForeignKey(Park, on_delete=models.PROTECT, related_name="+", verbose_name=_("park"))
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+", verbose_name=_("owner"),
                                   help_text=_("The enterprise that owns it, or the park facilities."))
    kind = models.CharField(_("kind"), max_length=14, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=160)
    capacity = models.DecimalField(_("capacity"), max_digits=14, decimal_places=3, validators=[MinValueValidator(ZERO)],
                                   help_text=_("kWp for PV, MW for wind and heat networks, MWh for storage, points for "
                                               "charging, m² for buildings."))
    commissioned_on = models.DateField(_("commissioned on"))
    retired_on = models.DateField(_("retired on"), null=True, blank=True)
    notes = models.CharField(_("notes"), max_length=300, blank=True)

    scope_domain = "governance"

    class Meta:
        ordering = ["park", "kind", "name"]
        verbose_name = _("zero-carbon infrastructure")

    def __str__(self):
        return self.name

    @property
    def unit(self):
        return self.UNITS.get(self.kind, "")

    def get_absolute_url(self):
        return reverse("zerocarbon:infrastructure", args=[self.park_id])


class RenewableSupply(ScopedModel):
    """Renewable electricity of a year claimed by one entity: consumed on site from an infrastructure entry, or bought
    with an instrument (green-power contract, green certificates with their IDs, market purchase)."""

    class Kind(models.TextChoices):
        ONSITE = "onsite", _("On-site renewable consumed")
        GREEN_POWER = "green_power", _("Green-power contract")
        CERTIFICATE = "certificate", _("Green certificates (GEC)")
        MARKET = "market", _("Renewable market purchase")

    class Use(models.TextChoices):
        RENEWABLE_SHARE = "renewable_share", _("Renewable share")
        MARKET_BASED = "market_based", _("Market-based electricity (Scope 2)")

    park = models.ForeignKey(Park, on_delete=models.PROTECT, related_name="+", verbose_name=_("park"))
    enterprise = models.ForeignKey(Enterprise, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("claimed by"), help_text=_("Empty: claimed by the park."))
    year = models.PositiveSmallIntegerField(_("year of consumption"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    use = models.CharField(_("claimed in"), max_length=16, choices=Use.choices, default=Use.RENEWABLE_SHARE)
    mwh = models.DecimalField(_("MWh"), max_digits=14, decimal_places=3, validators=[MinValueValidator(ZERO)])
    infrastructure = models.ForeignKey(Infrastructure, null=True, blank=True, on_delete=models.PROTECT, related_name="supplies",
                                       verbose_name=_("on-site installation"))
    reference = models.CharField(_("contract or trade reference"), max_length=80, blank=True)
    supplier = models.CharField(_("supplier"), max_length=120, blank=True)
    certificate_ids = models.JSONField(_("certificate IDs"), default=list, blank=True,
                                       help_text=_("One green certificate (1 MWh each) per ID."))

    scope_domain = "governance"
    scope_park_records_shared = False

    class Meta:
        ordering = ["park", "-year", "kind", "pk"]
        verbose_name = _("renewable supply")

    def __str__(self):
        return f"{self.get_kind_display()} {self.year} {self.mwh} MWh"

    @property
    def claimant(self) -> str:
        return self.enterprise.name if self.enterprise_id else self.park.name

    def get_absolute_url(self):
        return reverse("zerocarbon:supply", args=[self.park_id])


class CertificateClaim(ScopedModel):
    """One green certificate claimed by one supply record; the unique ID is what makes a second claim impossible."""

    supply = models.ForeignKey(RenewableSupply, on_delete=models.PROTECT, related_name="claims", verbose_name=_("supply"))
    certificate_id = models.CharField(_("certificate ID"), max_length=64, unique=True)

    scope_park = "supply__park_id"
    scope_enterprise = "supply__enterprise_id"
    scope_domain = "governance"

    class Meta:
        ordering = ["certificate_id"]
        verbose_name = _("certificate claim")

    def __str__(self):
        return self.certificate_id

    def get_absolute_url(self):
        return self.supply.get_absolute_url()


class IndicatorValue(ScopedModel):
    """A measured value of a zero-carbon park indicator that the platform does not compute (reuse rates, clean-energy
    share), with where it comes from."""

    class Indicator(models.TextChoices):
        CLEAN_ENERGY = "clean_energy_share", _("Clean-energy consumption share")
        SOLID_WASTE = "solid_waste_reuse", _("Industrial solid-waste comprehensive utilisation")
        WASTE_HEAT = "waste_heat_reuse", _("Waste heat, cold and pressure utilisation")
        WATER = "water_reuse", _("Industrial water reuse")

    park = models.ForeignKey(Park, on_delete=models.PROTECT, related_name="+", verbose_name=_("park"))
    year = models.PositiveSmallIntegerField(_("year"))
    indicator = models.CharField(_("indicator"), max_length=24, choices=Indicator.choices)
    value = models.DecimalField(_("value (%)"), max_digits=6, decimal_places=2, validators=[MinValueValidator(ZERO)])
    source = models.CharField(_("source of the value"), max_length=200)

    scope_enterprise = None
    scope_domain = "governance"

    class Meta:
        ordering = ["park", "-year", "indicator"]
        verbose_name = _("indicator value")
        constraints = [models.UniqueConstraint(fields=["park", "year", "indicator"], name="zerocarbon_indicator_unique")]

    def __str__(self):
        return f"{self.get_indicator_display()} {self.year}: {self.value}%"

    def get_absolute_url(self):
        return reverse("zerocarbon:indicators", args=[self.park_id])


class Technology(ScopedModel):
    """An entry of the park's technology positive list (技术正面清单, T/CSES 6.3.4)."""

    class Category(models.TextChoices):
        ENERGY_SUBSTITUTION = "a", _("a) Energy substitution")
        CCUS = "b", _("b) Carbon capture, utilisation and storage")
        PROCESS = "c", _("c) Process decarbonisation")
        SMART_PRODUCTION = "d", _("d) Smart low-carbon production")
        MANAGEMENT = "e", _("e) Low-carbon management")

    class Maturity(models.TextChoices):
        DEMONSTRATION = "demonstration", _("Demonstration")
        EARLY = "early", _("Early commercial")
        MATURE = "mature", _("Mature, widely used")

    park = models.ForeignKey(Park, on_delete=models.PROTECT, related_name="+", verbose_name=_("park"))
    name = models.CharField(_("technology"), max_length=160)
    category = models.CharField(_("category"), max_length=1, choices=Category.choices)
    industries = models.JSONField(_("applicable industries (GB/T 4754)"), default=list, blank=True)
    description = models.TextField(_("description"), blank=True)
    abatement_potential = models.CharField(_("abatement potential"), max_length=160,
                                           help_text=_("e.g. 8–15 % of the process's emissions, or tCO₂e per year."))
    cost_low = models.DecimalField(_("cost from (yuan/tCO₂e)"), max_digits=12, decimal_places=2, null=True, blank=True)
    cost_high = models.DecimalField(_("cost to (yuan/tCO₂e)"), max_digits=12, decimal_places=2, null=True, blank=True)
    maturity = models.CharField(_("maturity"), max_length=14, choices=Maturity.choices)
    reference_catalogue = models.CharField(_("reference catalogue"), max_length=200, blank=True,
                                           help_text=_("e.g. 国家重点节能低碳技术推广目录 (2024), MIIT 节能降碳技术装备推荐目录."))
    listed_on = models.DateField(_("listed on"))
    retired_on = models.DateField(_("retired on"), null=True, blank=True)
    evaluation_due_on = models.DateField(_("next evaluation due"), null=True, blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                              verbose_name=_("responsible"))

    scope_enterprise = None
    scope_domain = "governance"
    scope_visible_to_members = True  # the list is published to the park's enterprises

    class Meta:
        ordering = ["park", "category", "name"]
        verbose_name = _("listed technology")
        verbose_name_plural = _("technology positive list")

    def __str__(self):
        return self.name

    @property
    def is_listed(self) -> bool:
        return self.retired_on is None

    def get_absolute_url(self):
        return reverse("zerocarbon:technology", args=[self.pk])


class TechnologyEvaluation(ScopedModel):
    """A periodic evaluation of a listed technology (T/CSES 6.3.4: 定期开展评估并形成文件)."""

    class Conclusion(models.TextChoices):
        KEEP = "keep", _("Keep on the list")
        UPDATE = "update", _("Keep, figures updated")
        RETIRE = "retire", _("Retire from the list")

    technology = models.ForeignKey(Technology, on_delete=models.PROTECT, related_name="evaluations", verbose_name=_("technology"))
    evaluated_on = models.DateField(_("evaluated on"))
    conclusion = models.CharField(_("conclusion"), max_length=8, choices=Conclusion.choices)
    findings = models.TextField(_("findings"))
    next_due_on = models.DateField(_("next evaluation due"), null=True, blank=True)
    evaluated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("evaluated by"))

    scope_park = "technology__park_id"
    scope_enterprise = None
    scope_domain = "governance"
    scope_visible_to_members = True

    class Meta:
        ordering = ["technology", "-evaluated_on"]
        verbose_name = _("technology evaluation")

    def __str__(self):
        return f"{self.technology} {self.evaluated_on}"

    def get_absolute_url(self):
        return self.technology.get_absolute_url()


class DemonstrationProject(ScopedModel):
    """A demonstration of a listed technology at an enterprise (or the park facilities), with its results."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        RUNNING = "running", _("In operation")
        COMPLETED = "completed", _("Completed")

    technology = models.ForeignKey(Technology, on_delete=models.PROTECT, related_name="demonstrations", verbose_name=_("technology"))
    park = models.ForeignKey(Park, on_delete=models.PROTECT, related_name="+", verbose_name=_("park"))
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+", verbose_name=_("enterprise"))
    name = models.CharField(_("project"), max_length=160)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    started_on = models.DateField(_("started on"), null=True, blank=True)
    investment_10k_yuan = models.DecimalField(_("investment (10⁴ yuan)"), max_digits=12, decimal_places=2, null=True, blank=True)
    abatement_t = models.DecimalField(_("abatement achieved (tCO₂e/year)"), max_digits=14, decimal_places=2, null=True, blank=True)
    results = models.TextField(_("results"), blank=True)

    scope_domain = "governance"

    class Meta:
        ordering = ["technology", "name"]
        verbose_name = _("demonstration project")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return self.technology.get_absolute_url()
