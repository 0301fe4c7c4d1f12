"""Organisations: the park, its enterprises (and the park's own facilities as a reporting entity),
and the hierarchy Enterprise → Site (厂区) → Emission unit (排放单元) → Equipment (排放设备).

Boundaries (organisational and accounting) are kept as dated versions so that their history drives
baseline recalculation later (T/CIECCPA 061 §8.2.1; T/CSES §4.3, T/CPQS §5.3).
"""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from carbonms.common.models import ScopedModel

from . import reference
from .validators import membership_errors, validate_credit_code, validate_industry_code


class ZoneType(models.TextChoices):
    NATIONAL_ETDZ = "national_etdz", _("National economic and technological development zone")
    NATIONAL_HTZ = "national_htz", _("National high-tech industrial development zone")
    PROVINCIAL_DZ = "provincial_dz", _("Provincial development zone")
    PROVINCIAL_HTZ = "provincial_htz", _("Provincial high-tech zone")
    CHEMICAL_PARK = "chemical_park", _("Chemical industry park")
    BONDED_ZONE = "bonded_zone", _("Comprehensive bonded zone")
    OTHER = "other", _("Other")


class GridScope(models.TextChoices):
    """Which grid electricity factor a calculation run uses (docs/inventory.md, "Factor policy")."""

    NATIONAL = "national", _("National average")
    REGIONAL = "regional", _("Regional grid (the park's)")
    PROVINCIAL = "provincial", _("Provincial (the park's province)")


class GridYearRule(models.TextChoices):
    LATEST_PUBLISHED = "latest_published", _("Latest published year up to the run's year")
    SAME_YEAR = "same_year", _("The run's year only")
    FIXED = "fixed", _("A fixed year (given with the run)")


class FactorSet(models.TextChoices):
    DEFAULT = "default", _("Default (accounting guidelines)")
    ETS = "ets", _("National carbon market (ETS)")


GWP_CHOICES = [("SAR", "SAR"), ("AR4", "AR4"), ("AR5", "AR5"), ("AR6", "AR6")]


class Park(ScopedModel):
    """An industrial park: the top of the tenancy tree. Its province selects default grid factors.

    ``grid_scope``, ``grid_year_rule``, ``gwp_set`` and ``factor_set`` are the park's default factor
    policy: a calculation run takes them unless it is given others, and records what it applied.
    """

    name = models.CharField(_("name"), max_length=120, unique=True)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    province = models.CharField(_("province"), max_length=6, choices=reference.province_choices())
    city = models.CharField(_("city"), max_length=60)
    zone_type = models.CharField(_("zone type"), max_length=20, choices=ZoneType.choices)
    area_km2 = models.DecimalField(_("area (km²)"), max_digits=10, decimal_places=2, null=True, blank=True)
    established_year = models.PositiveSmallIntegerField(_("established"), null=True, blank=True)
    grid_region = models.CharField(
        _("regional grid"), max_length=8, blank=True,
        help_text=_("Defaults from the province; the grid of runs whose grid factor scope is regional."),
    )
    administrator = models.CharField(_("management committee"), max_length=120, blank=True)
    grid_scope = models.CharField(_("grid factor scope (default for runs)"), max_length=12, choices=GridScope.choices,
                                  default=GridScope.NATIONAL)
    grid_year_rule = models.CharField(_("grid factor year rule (default for runs)"), max_length=20,
                                      choices=GridYearRule.choices, default=GridYearRule.LATEST_PUBLISHED)
    gwp_set = models.CharField(_("GWP set (default for runs)"), max_length=8, choices=GWP_CHOICES, default="SAR")
    factor_set = models.CharField(_("factor set (default for runs)"), max_length=10, choices=FactorSet.choices,
                                  default=FactorSet.DEFAULT)

    scope_park = "pk"
    scope_enterprise = None
    scope_visible_to_members = True  # an enterprise's users can read their park's basic record

    class Meta:
        ordering = ["name"]
        verbose_name = _("park")
        verbose_name_plural = _("parks")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("organizations:park", args=[self.pk])

    @property
    def province_name(self) -> str:
        p = reference.provinces().get(self.province)
        return p.name if p else self.province


class Enterprise(ScopedModel):
    """An enterprise in the park, or the park's own facilities as a reporting entity (``kind``)."""

    class Kind(models.TextChoices):
        ENTERPRISE = "enterprise", _("Enterprise")
        PARK_FACILITIES = "park_facilities", _("Park facilities")

    class Status(models.TextChoices):
        ACTIVE = "active", _("In operation")
        SUSPENDED = "suspended", _("Suspended")
        CLOSED = "closed", _("Closed / moved out")

    park = models.ForeignKey(Park, on_delete=models.PROTECT, related_name="enterprises", verbose_name=_("park"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.ENTERPRISE)
    name = models.CharField(_("name"), max_length=120)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, unique=True, validators=[validate_credit_code],
        error_messages={"unique": _("Another organisation already uses this unified social credit code.")},
    )
    industry_code = models.CharField(_("industry code (GB/T 4754)"), max_length=4, validators=[validate_industry_code])
    industry_name = models.CharField(_("industry"), max_length=80)
    address = models.CharField(_("address"), max_length=200, blank=True)
    legal_representative = models.CharField(_("legal representative"), max_length=40, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=40, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    carbon_market_covered = models.BooleanField(
        _("national carbon market covered entity"), default=False,
        help_text=_("重点排放单位 in the national carbon emission trading market."),
    )
    key_energy_consumer = models.BooleanField(_("key energy-consuming unit"), default=False, help_text=_("重点用能单位"))
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE)
    entered_on = models.DateField(_("entered the park on"), null=True, blank=True,
                                  help_text=_("Empty: a member since before any year computed."))
    exited_on = models.DateField(_("left the park on"), null=True, blank=True, help_text=_("Empty: still in the park."))

    scope_park = "park_id"
    scope_enterprise = "pk"

    class Meta:
        ordering = ["park", "kind", "name"]
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        constraints = [models.UniqueConstraint(fields=["park", "name"], name="unique_enterprise_name_in_park")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("organizations:enterprise", args=[self.pk])

    def clean(self):
        errors = membership_errors(self.entered_on, self.exited_on)
        if errors:
            raise ValidationError(errors)

    @property
    def division(self):
        return reference.industry_division(self.industry_code)


class Site(ScopedModel):
    """A plant area (厂区) of an enterprise."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="sites", verbose_name=_("enterprise"))
    code = models.CharField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=120)
    address = models.CharField(_("address"), max_length=200, blank=True)
    is_main = models.BooleanField(_("main site"), default=False)

    scope_park = "enterprise__park_id"

    class Meta:
        ordering = ["enterprise", "code"]
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        constraints = [models.UniqueConstraint(fields=["enterprise", "code"], name="unique_site_code")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("organizations:enterprise", args=[self.enterprise_id]) + f"#site-{self.pk}"


class EmissionUnit(ScopedModel):
    """An emission unit (排放单元, T/CIECCPA 061 §8.2.1): a production line, boiler house, kiln…

    Units may nest (a workshop containing lines); the parent must be on the same site and the nesting
    may not form a cycle. ``enterprise`` is copied from the site for fast scoping and always agrees with it.
    """

    class UnitType(models.TextChoices):
        PRODUCTION = "production", _("Production line / workshop")
        BOILER = "boiler_house", _("Boiler house / energy station")
        KILN = "kiln", _("Kiln / furnace")
        AUXILIARY = "auxiliary", _("Auxiliary production")
        BUILDING = "building", _("Office / public building")
        LIGHTING = "lighting", _("Street lighting")
        TRANSPORT = "transport", _("Vehicle fleet")
        SINK = "sink", _("Green space / carbon sink")
        OTHER = "other", _("Other")

    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="units", verbose_name=_("enterprise"))
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="units", verbose_name=_("site"))
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name=_("parent unit")
    )
    code = models.CharField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=120)
    unit_type = models.CharField(_("type"), max_length=20, choices=UnitType.choices)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("in use"), default=True)

    scope_park = "enterprise__park_id"

    class Meta:
        ordering = ["site", "code"]
        verbose_name = _("emission unit")
        verbose_name_plural = _("emission units")
        constraints = [models.UniqueConstraint(fields=["enterprise", "code"], name="unique_unit_code")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("organizations:enterprise", args=[self.enterprise_id]) + f"#unit-{self.pk}"


class Equipment(ScopedModel):
    """A piece of emitting or energy-using equipment (排放设备) in an emission unit."""

    class EquipmentType(models.TextChoices):
        BOILER = "boiler", _("Boiler")
        KILN = "kiln", _("Kiln")
        FURNACE = "furnace", _("Industrial furnace")
        ENGINE = "engine", _("Internal combustion engine / generator")
        VEHICLE = "vehicle", _("Vehicle")
        COMPRESSOR = "compressor", _("Air compressor")
        CHILLER = "chiller", _("Chiller / refrigeration")
        SWITCHGEAR = "switchgear", _("SF6 switchgear")
        MOTOR = "motor", _("Motor / pump / fan")
        REACTOR = "reactor", _("Process reactor")
        LIGHTING = "lighting", _("Lighting")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        IN_SERVICE = "in_service", _("In service")
        STANDBY = "standby", _("Standby")
        RETIRED = "retired", _("Retired")

    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="equipment", verbose_name=_("enterprise"))
    unit = models.ForeignKey(EmissionUnit, on_delete=models.PROTECT, related_name="equipment", verbose_name=_("emission unit"))
    code = models.CharField(_("asset number"), max_length=40)
    name = models.CharField(_("name"), max_length=120)
    equipment_type = models.CharField(_("type"), max_length=20, choices=EquipmentType.choices)
    model_number = models.CharField(_("model"), max_length=80, blank=True)
    manufacturer = models.CharField(_("manufacturer"), max_length=120, blank=True)
    rated_capacity = models.DecimalField(_("rated capacity"), max_digits=14, decimal_places=3, null=True, blank=True)
    capacity_unit = models.CharField(_("capacity unit"), max_length=20, blank=True)
    energy_types = models.CharField(_("energy / materials"), max_length=120, blank=True)
    commissioned_on = models.DateField(_("commissioned"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.IN_SERVICE)

    scope_park = "enterprise__park_id"

    class Meta:
        ordering = ["unit", "code"]
        verbose_name = _("equipment")
        verbose_name_plural = _("equipment")
        constraints = [models.UniqueConstraint(fields=["enterprise", "code"], name="unique_equipment_code")]

    def __str__(self):
        return f"{self.name} ({self.code})"

    def get_absolute_url(self):
        return reverse("organizations:enterprise", args=[self.enterprise_id]) + f"#equipment-{self.pk}"


class Boundary(ScopedModel):
    """A dated version of an organisational or accounting boundary of a park or an enterprise.

    Versions of the same (entity, kind) never overlap; revising a boundary closes the version in
    force and opens a new one, so the history is kept (T/CIECCPA 061 §8.2.1).
    """

    class Kind(models.TextChoices):
        ORGANIZATIONAL = "organizational", _("Organisational boundary")
        ACCOUNTING = "accounting", _("Accounting boundary")

    class Approach(models.TextChoices):
        OPERATIONAL = "operational_control", _("Operational control")
        FINANCIAL = "financial_control", _("Financial control")
        EQUITY = "equity_share", _("Equity share")
        GEOGRAPHIC = "geographic", _("Geographic (planned park area)")

    park = models.ForeignKey(Park, on_delete=models.PROTECT, related_name="boundaries", verbose_name=_("park"))
    enterprise = models.ForeignKey(
        Enterprise, null=True, blank=True, on_delete=models.PROTECT, related_name="boundaries",
        verbose_name=_("enterprise"), help_text=_("Empty: the boundary of the park as a whole."),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    approach = models.CharField(_("consolidation approach"), max_length=20, choices=Approach.choices)
    description = models.TextField(_("description"))
    sites = models.ManyToManyField(Site, blank=True, related_name="boundaries", verbose_name=_("sites included"))
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective to"), null=True, blank=True, help_text=_("Empty: in force."))
    change_reason = models.CharField(_("reason for change"), max_length=300, blank=True)

    class Meta:
        ordering = ["park", "enterprise", "kind", "-effective_from"]
        verbose_name = _("boundary")
        verbose_name_plural = _("boundaries")

    def __str__(self):
        owner = self.enterprise or self.park
        return f"{owner} · {self.get_kind_display()} · {self.effective_from:%Y-%m-%d}"

    def get_absolute_url(self):
        if self.enterprise_id:
            return reverse("organizations:enterprise", args=[self.enterprise_id]) + "#boundaries"
        return reverse("organizations:park", args=[self.park_id]) + "#boundaries"
