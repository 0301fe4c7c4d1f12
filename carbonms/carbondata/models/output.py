"""Output and economic data: the denominators of intensity (issue 10 item 3; design problem B2).

* :class:`Product`: the register of an enterprise's products with the unit its output is counted in
  (a physical unit the platform's unit module understands, or a declared count such as 件 or 台).
  Energy sold out of the entity (electricity delivered to the grid or to others, heat delivered) is a
  product of its own kind, so it is entered, reviewed and imported like any other output.
* :class:`ProductionRecord`: the monthly quantity of one product, in the product's unit.
* :class:`EconomicRecord`: the annual economic figures of an enterprise, or of the park (no enterprise):
  gross industrial output value, value added with its price basis, revenue, employees, and for the park
  the zone's GDP. Money is in 10⁴ yuan, as :class:`~decimal.Decimal`.

Both records follow the workflow of activity data (``carbondata/workflows.py``): draft → submitted →
approved (not by who entered or submitted it) or returned → locked when the period closes; an approved
or locked value changes only by a correction, a new version with a reason, and the old version stays.
Standards: T/CSES 3.3.10 (碳排放强度: per unit of product output or output value), 5.1 a) 2), 6.3.1 f),
6.3.2 b) (GDP); T/CPQS 7.1; T/CIECCPA 8.2.1 (产量和产能), 9.1.1 a) 4).
"""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from carbonms.common.models import ScopedModel
from carbonms.organizations.models import Enterprise, Park

from .activity import DataImport

_USER = settings.AUTH_USER_MODEL

#: Count units an output may be declared in (not physical quantities: pint does not convert them).
COUNT_UNITS = ("件", "台", "个", "套", "辆", "只", "片", "箱", "双", "pcs")


class Product(ScopedModel):
    """A product (or exported energy carrier) of an enterprise, with the unit its output is counted in."""

    class Kind(models.TextChoices):
        PRODUCT = "product", _("Product")
        ELECTRICITY_EXPORTED = "electricity_exported", _("Electricity delivered (exported)")
        HEAT_EXPORTED = "heat_exported", _("Heat delivered (exported)")

    #: the unit every exported energy kind is reported in by the denominators selector
    ENERGY_UNITS = {"electricity_exported": "MWh", "heat_exported": "GJ"}

    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="products", verbose_name=_("enterprise"))
    code = models.CharField(_("product code"), max_length=40)
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices, default=Kind.PRODUCT)
    unit = models.CharField(_("unit of output"), max_length=20, help_text=_("e.g. t, 10^4t, MWh, GJ, or a count: 件, 台."))
    active = models.BooleanField(_("in production"), default=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    scope_park = "enterprise__park_id"
    scope_domain = "data"

    class Meta:
        ordering = ["enterprise", "code"]
        verbose_name = _("product")
        verbose_name_plural = _("products")
        constraints = [models.UniqueConstraint(fields=["enterprise", "code"], name="unique_product_code")]

    def __str__(self):
        return f"{self.code} {self.name} ({self.unit})"

    def get_absolute_url(self):
        return reverse("carbondata:output", args=[self.enterprise_id])


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Returned")
    LOCKED = "locked", _("Locked")
    SUPERSEDED = "superseded", _("Superseded")


class ReviewedVersion(ScopedModel):
    """The version, review and origin fields shared by production and economic records."""

    Status = ReviewStatus

    class Origin(models.TextChoices):
        MANUAL = "manual", _("Entered")
        IMPORT = "import", _("Excel import")

    version = models.PositiveIntegerField(_("version"), default=1)
    previous = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections", verbose_name=_("corrects"))
    is_current = models.BooleanField(_("current version"), default=True)
    correction_reason = models.CharField(_("reason for correction"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT)
    origin = models.CharField(_("origin"), max_length=8, choices=Origin.choices, default=Origin.MANUAL)
    data_import = models.ForeignKey(DataImport, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("import"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    entered_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("entered by"))
    submitted_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("submitted by"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("reviewed by"))
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_comment = models.CharField(_("review comment"), max_length=300, blank=True)

    class Meta:
        abstract = True

    @property
    def usable(self) -> bool:
        """Counted by the denominators: the current approved or locked version."""
        return self.is_current and self.status in (ReviewStatus.APPROVED, ReviewStatus.LOCKED)


class ProductionRecord(ReviewedVersion):
    """The output of one product in one month, in the product's unit, in one version."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="production", verbose_name=_("enterprise"))
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="records", verbose_name=_("product"))
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    quantity = models.DecimalField(_("quantity"), max_digits=20, decimal_places=6)
    unit = models.CharField(_("unit"), max_length=20)

    scope_park = "enterprise__park_id"
    scope_domain = "data"

    class Meta:
        ordering = ["enterprise", "year", "month", "product__code", "-version"]
        verbose_name = _("production record")
        verbose_name_plural = _("production records")
        constraints = [
            models.UniqueConstraint(fields=["product", "year", "month"], condition=Q(is_current=True), name="unique_current_production"),
            models.UniqueConstraint(fields=["product", "year", "month", "version"], name="unique_production_version"),
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="production_month_range"),
            models.CheckConstraint(condition=Q(quantity__gte=0), name="production_quantity_not_negative"),
        ]
        indexes = [models.Index(fields=["enterprise", "year", "status"], name="production_ent_year_status")]

    def __str__(self):
        return f"{self.product.code} {self.year}-{self.month:02d} v{self.version}"

    def get_absolute_url(self):
        return reverse("carbondata:production", args=[self.pk])


class EconomicRecord(ReviewedVersion):
    """The economic figures of an enterprise (or of the park: ``enterprise`` empty) for one year.

    Money in 10⁴ yuan (万元). Value added needs its price basis: current prices of the year, or
    constant prices of a base year (``price_base_year``), since an intensity per value added compared
    across years is only meaningful at constant prices (T/CSES 6.3.2 b); T/CPQS 7.1).
    """

    class PriceBasis(models.TextChoices):
        CURRENT = "current", _("Current prices")
        CONSTANT = "constant", _("Constant prices of a base year")

    park = models.ForeignKey(Park, on_delete=models.PROTECT, related_name="economic_records", verbose_name=_("park"))
    enterprise = models.ForeignKey(Enterprise, null=True, blank=True, on_delete=models.PROTECT, related_name="economic_records",
                                   verbose_name=_("enterprise"), help_text=_("Empty: the figures of the park as a whole."))
    year = models.PositiveSmallIntegerField(_("year"))
    output_value_10k_yuan = models.DecimalField(_("gross industrial output value (10⁴ yuan)"), max_digits=16, decimal_places=2, null=True, blank=True)
    value_added_10k_yuan = models.DecimalField(_("value added (10⁴ yuan)"), max_digits=16, decimal_places=2, null=True, blank=True)
    price_basis = models.CharField(_("price basis"), max_length=10, choices=PriceBasis.choices, blank=True)
    price_base_year = models.PositiveSmallIntegerField(_("price base year"), null=True, blank=True)
    revenue_10k_yuan = models.DecimalField(_("revenue (10⁴ yuan)"), max_digits=16, decimal_places=2, null=True, blank=True)
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    gdp_10k_yuan = models.DecimalField(_("GDP of the zone (10⁴ yuan)"), max_digits=16, decimal_places=2, null=True, blank=True,
                                       help_text=_("Park only: the regional GDP (value added) of the zone."))

    scope_park = "park_id"
    scope_domain = "data"

    #: the figures a record holds (at least one must be given)
    FIGURES = ("output_value_10k_yuan", "value_added_10k_yuan", "revenue_10k_yuan", "employees", "gdp_10k_yuan")
    MONEY = ("output_value_10k_yuan", "value_added_10k_yuan", "revenue_10k_yuan", "gdp_10k_yuan")

    class Meta:
        ordering = ["park", "enterprise", "year", "-version"]
        verbose_name = _("economic record")
        verbose_name_plural = _("economic records")
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "year"], condition=Q(is_current=True, enterprise__isnull=False),
                                    name="unique_current_economic_enterprise"),
            models.UniqueConstraint(fields=["park", "year"], condition=Q(is_current=True, enterprise__isnull=True),
                                    name="unique_current_economic_park"),
            models.CheckConstraint(condition=Q(value_added_10k_yuan__isnull=True) | ~Q(price_basis=""),
                                   name="economic_value_added_has_price_basis"),
        ]
        indexes = [models.Index(fields=["park", "year", "status"], name="economic_park_year_status")]

    def __str__(self):
        owner = self.enterprise.name if self.enterprise_id else self.park.name
        return f"{owner} {self.year} v{self.version}"

    def get_absolute_url(self):
        return reverse("carbondata:economic", args=[self.pk])

    @property
    def price_basis_label(self) -> str:
        """'current' or 'constant:2020': the basis as the denominators selector reports it."""
        if self.price_basis == self.PriceBasis.CONSTANT and self.price_base_year:
            return f"constant:{self.price_base_year}"
        return self.price_basis
