"""The source and sink register (碳排放源清单), T/CSES §6.3.1, T/CIECCPA 061 §8.2.2–8.2.3."""
from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from carbonms.common.models import ScopedModel
from carbonms.organizations.models import EmissionUnit, Enterprise, Equipment


class Category(models.TextChoices):
    """The categories of the accounting core (carbonms.accounting.categories), same codes."""

    STATIONARY_COMBUSTION = "stationary_combustion", _("Stationary combustion")
    MOBILE_COMBUSTION = "mobile_combustion", _("Mobile combustion")
    PROCESS = "process", _("Process emissions")
    FUGITIVE = "fugitive", _("Fugitive emissions")
    PURCHASED_ELECTRICITY = "purchased_electricity", _("Purchased electricity")
    PURCHASED_HEAT = "purchased_heat", _("Purchased heat")
    TRANSPORT = "transport", _("Transport")
    PURCHASED_PRODUCTS = "purchased_products", _("Purchased products")
    SOLD_PRODUCTS = "sold_products", _("Use of sold products")
    OTHER_INDIRECT = "other_indirect", _("Other indirect")
    REMOVAL = "removal", _("Removal (carbon sink)")
    CO2_RECOVERED = "co2_recovered", _("CO2 recovered and used or stored")


class Method(models.TextChoices):
    FUEL_COMBUSTION = "fuel_combustion", _("Fuel combustion (FC × NCV × CC × OF)")
    EMISSION_FACTOR = "emission_factor", _("Emission factor (AD × EF)")
    MASS_BALANCE = "mass_balance", _("Mass balance")
    MEASUREMENT = "measurement", _("Direct measurement (CEMS)")


class Direction(models.TextChoices):
    """A mass-balance flow: carbon entering (fuels, reducing agents, fluxes) or leaving (products,
    by-products, waste) the boundary (T/CIECCPA 061 formula (1))."""

    INPUT = "input", _("Input (carbon in)")
    OUTPUT = "output", _("Output (carbon out)")


class DataSource(models.TextChoices):
    METER = "meter", _("Meter")
    LEDGER = "ledger", _("Ledger")
    INVOICE = "invoice", _("Invoice")
    LAB = "lab", _("Lab analysis")


class Source(ScopedModel):
    """An emission source or sink of an enterprise (or of the park's own facilities, which are an
    ``Enterprise`` of kind ``park_facilities``).

    A source with activity data is never deleted: it is retired (``status``), and its period closes.
    ``supplier`` (purchased electricity or heat only) names the enterprise of the same park that sells
    the energy; the park inventory then counts that energy once, at the supplier (docs/inventory.md).
    """

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        RETIRED = "retired", _("Retired")

    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="sources", verbose_name=_("enterprise"))
    code = models.CharField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=120)
    unit = models.ForeignKey(
        EmissionUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="sources", verbose_name=_("emission unit")
    )
    equipment = models.ForeignKey(
        Equipment, null=True, blank=True, on_delete=models.PROTECT, related_name="sources", verbose_name=_("equipment")
    )
    category = models.CharField(_("category"), max_length=24, choices=Category.choices)
    gases = models.CharField(_("gases"), max_length=60, default="CO2", help_text=_("Comma-separated, e.g. CO2,CH4."))
    method = models.CharField(_("method"), max_length=20, choices=Method.choices)
    material = models.CharField(
        _("material / fuel"), max_length=80, help_text=_("As named in the factor library, e.g. 烟煤, 天然气, 电力.")
    )
    factor_key = models.CharField(
        _("factor"), max_length=120, blank=True, help_text=_("Key of a user factor of this park or enterprise; empty: the factor library's default for the material.")
    )
    activity_unit = models.CharField(_("activity unit"), max_length=20, help_text=_("e.g. t, 10^4Nm3, MWh, GJ."))
    method_reason = models.CharField(
        _("reason for the method"), max_length=300, blank=True,
        help_text=_("Why this method was chosen for the source (T/CIECCPA 061 §8.2.5); required for a new source."),
    )
    # Method parameters (the accounting core's input columns, docs/calc-input.md); a lab value of the month
    # replaces the default given here.
    direction = models.CharField(_("flow direction"), max_length=6, choices=Direction.choices, blank=True,
                                 help_text=_("Mass balance: does the flow bring carbon in or take it out?"))
    balance_group = models.CharField(
        _("mass-balance group"), max_length=80, blank=True,
        help_text=_("Mass balance: the flows of one group are balanced together; empty: all flows of the enterprise."),
    )
    carbon_fraction = models.DecimalField(
        _("default carbon fraction"), max_digits=12, decimal_places=6, null=True, blank=True,
        help_text=_("Mass balance: tC/t (tC/10^4Nm3 for a gas); a lab value of the month replaces it."),
    )
    purity = models.DecimalField(_("purity"), max_digits=7, decimal_places=6, null=True, blank=True,
                                 help_text=_("Emission factor (carbonates): fraction of the carbonate in the amount, 0–1; empty: 1."))
    calcination_fraction = models.DecimalField(
        _("calcination fraction"), max_digits=7, decimal_places=6, null=True, blank=True,
        help_text=_("Emission factor (carbonates): fraction calcined, 0–1; empty: 1."),
    )
    market_share = models.DecimalField(
        _("share covered by contracts or certificates"), max_digits=7, decimal_places=6, null=True, blank=True,
        help_text=_("Purchased electricity, market-based: share of the consumption covered by green certificates, "
                    "green-power or supplier contracts, 0–1; empty: location-based only."),
    )
    market_ef = models.DecimalField(
        _("factor of the contracts (tCO2/MWh)"), max_digits=10, decimal_places=6, null=True, blank=True,
        help_text=_("Market-based: emission factor of the covered electricity; empty: 0 (renewable)."),
    )
    steam_enthalpy = models.DecimalField(
        _("steam enthalpy (kJ/kg)"), max_digits=10, decimal_places=3, null=True, blank=True,
        help_text=_("Purchased steam measured in tonnes: enthalpy at the metered pressure and temperature."),
    )
    data_source = models.CharField(_("data source"), max_length=10, choices=DataSource.choices)
    data_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("data owner"),
    )
    data_owner_name = models.CharField(_("data owner (department / person)"), max_length=80, blank=True)
    supplier = models.ForeignKey(
        Enterprise, null=True, blank=True, on_delete=models.PROTECT, related_name="supplied_sources",
        verbose_name=_("supplier inside the park"),
        help_text=_("Purchased electricity or heat bought from an enterprise of this park (counted once in the park inventory)."),
    )
    plausible_min = models.DecimalField(_("plausible monthly minimum"), max_digits=18, decimal_places=4, null=True, blank=True)
    plausible_max = models.DecimalField(_("plausible monthly maximum"), max_digits=18, decimal_places=4, null=True, blank=True)
    change_threshold = models.DecimalField(
        _("change threshold"), max_digits=5, decimal_places=3, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("10"))],
        help_text=_("Share of change against the previous month or the same month last year that the data-quality "
                    "check reports, e.g. 0.5 for 50 %. Empty: the platform setting (50 %)."),
    )
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective to"), null=True, blank=True, help_text=_("Empty: in use."))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    retire_reason = models.CharField(_("reason for retirement"), max_length=300, blank=True)

    scope_park = "enterprise__park_id"
    scope_enterprise = "enterprise_id"
    scope_domain = "data"

    class Meta:
        ordering = ["enterprise", "code"]
        verbose_name = _("emission source")
        verbose_name_plural = _("emission sources")
        constraints = [models.UniqueConstraint(fields=["enterprise", "code"], name="unique_source_code")]

    def __str__(self):
        return f"{self.code} {self.name}"

    def get_absolute_url(self):
        return reverse("carbondata:source", args=[self.pk])

    @property
    def gas_list(self) -> list[str]:
        return [g.strip() for g in self.gases.split(",") if g.strip()]
