"""The carbon-asset ledger (issue 13 items 1–2; T/CPQS 3.10, 9.2.3, 9.2.4 a); T/CIECCPA 8.3.1–8.3.2, 9.1.1 a) 3)).

* :class:`Account` — a registry, trading or fund account of an enterprise or of the park (T/CIECCPA 8.3.1.2,
  8.3.2.3), with its institution and number.
* :class:`Instrument` — what is held: national allowances (CEA) of a vintage, local pilot allowances of a
  market, CCER with project, methodology, vintage and serial range, government-certified energy-saving
  reductions, credits of the holder's own sink projects.
* :class:`Movement` — every change of a holding (allocation, purchase, sale, transfer, surrender, voluntary
  cancellation 注销, carry-over 结转, expiry) with date, quantity, price, fees, counterparty, trade method
  (8.3.1.3 / 8.3.2.4), serials and evidence. A movement is *entered* by one person and *approved* by another
  (maker-checker, ``ledger.workflows``). **Holdings are never stored**: they are derived from the approved
  movements (``ledger.selectors.holdings``, with the pure core ``carbonms.assets.ledger``).
* :class:`PriceQuote` — a price table entered or imported by users (date, product, open/high/low/close/average,
  volume, source), always CNY per tCO₂; no price series is bundled.

The holder of an account, instrument or movement is an enterprise, or the park itself (``enterprise`` empty,
park staff only). A unit is used once: see ``ledger.services.serial_use_check``.
"""
from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from carbonms.common.models import ScopedModel
from carbonms.organizations.models import Enterprise, Park

_USER = settings.AUTH_USER_MODEL
YEAR = [MinValueValidator(2005), MaxValueValidator(2100)]


class HolderModel(ScopedModel):
    """A record of an enterprise or, with ``enterprise`` empty, of the park itself (domain ``assets``)."""

    park = models.ForeignKey(Park, on_delete=models.PROTECT, related_name="+", verbose_name=_("park"))
    enterprise = models.ForeignKey(Enterprise, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("holder"), help_text=_("Empty: the park itself."))

    scope_park = "park_id"
    scope_enterprise = "enterprise_id"
    scope_domain = "assets"

    class Meta:
        abstract = True

    @property
    def holder_name(self) -> str:
        return self.enterprise.name if self.enterprise_id else self.park.name


class Account(HolderModel):
    """A carbon account (T/CIECCPA 8.3.1.2: trading account and code at the exchange, registry account, fund
    account at the settlement bank; 8.3.2.3 the same for CCER)."""

    class Kind(models.TextChoices):
        REGISTRY = "registry", _("Registry account")
        TRADING = "trading", _("Trading account")
        FUND = "fund", _("Fund account")

    class Market(models.TextChoices):
        NATIONAL = "national", _("National carbon market (allowances)")
        CCER = "ccer", _("National voluntary market (CCER)")
        LOCAL = "local", _("Local pilot market")
        OTHER = "other", _("Other")

    kind = models.CharField(_("account type"), max_length=12, choices=Kind.choices)
    market = models.CharField(_("market"), max_length=12, choices=Market.choices, default=Market.NATIONAL)
    local_market = models.CharField(_("pilot market"), max_length=40, blank=True, help_text=_("For a local pilot market: e.g. 上海, 广东, 湖北."))
    institution = models.CharField(_("institution"), max_length=120,
                                   help_text=_("Registry, exchange or settlement bank that keeps the account."))
    number = models.CharField(_("account number"), max_length=60)
    name = models.CharField(_("account name"), max_length=120, blank=True)
    opened_on = models.DateField(_("opened on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["park_id", "enterprise_id", "kind", "number"]
        verbose_name = _("carbon account")
        verbose_name_plural = _("carbon accounts")
        constraints = [models.UniqueConstraint(fields=["institution", "number"], name="ledger_account_number_unique",
                                               violation_error_message=_("This institution already has an account with this number."))]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.institution} · {self.number}"

    def get_absolute_url(self):
        return reverse("ledger:account", args=[self.pk])


class Instrument(HolderModel):
    """What a holder holds: allowances of a vintage, or a lot of credits (CCER with its project, methodology,
    vintage and serial range). Pools of the roll-forward are per instrument."""

    class Kind(models.TextChoices):
        CEA = "cea", _("National allowances (CEA)")
        LOCAL_ALLOWANCE = "local_allowance", _("Local pilot allowances")
        CCER = "ccer", _("CCER")
        CERTIFIED_ENERGY_SAVING = "certified_energy_saving", _("Government-certified energy-saving reductions")
        OWN_SINK = "own_sink", _("Credits of own sink projects")

    #: the kind as the pure asset core names it (carbonms.assets.compliance / neutrality)
    CORE_NAMES = {"cea": "CEA", "local_allowance": "local_allowance", "ccer": "CCER",
                  "certified_energy_saving": "certified_energy_saving", "own_sink": "own_sink"}
    #: the default price product of each kind (PriceQuote.product)
    PRODUCTS = {"cea": "CEA", "local_allowance": "", "ccer": "CCER", "certified_energy_saving": "", "own_sink": ""}
    SERIALISED = ("ccer", "certified_energy_saving", "own_sink")

    kind = models.CharField(_("instrument"), max_length=24, choices=Kind.choices)
    vintage = models.PositiveSmallIntegerField(_("vintage"), null=True, blank=True, validators=YEAR,
                                               help_text=_("Allowances: the year of allocation. Credits: the year the reductions were made."))
    local_market = models.CharField(_("pilot market"), max_length=40, blank=True)
    project_id = models.CharField(_("project ID"), max_length=60, blank=True)
    project_name = models.CharField(_("project"), max_length=200, blank=True)
    methodology = models.CharField(_("methodology"), max_length=60, blank=True, help_text=_("e.g. CCER-14-001-V01"))
    registered_on = models.DateField(_("project registered on"), null=True, blank=True)
    serial_first = models.CharField(_("first serial number"), max_length=80, blank=True)
    serial_last = models.CharField(_("last serial number"), max_length=80, blank=True)
    serial_prefix = models.CharField(max_length=80, blank=True, editable=False)
    serial_from = models.BigIntegerField(null=True, blank=True, editable=False)
    serial_to = models.BigIntegerField(null=True, blank=True, editable=False)
    forestry = models.BooleanField(_("forestry sink"), default=False)
    local = models.BooleanField(_("local project"), default=False, help_text=_("A project in the park's province (T/CIECCPA 8.4.3)."))
    from_covered_project = models.BooleanField(_("from a project under ETS allocation"), default=False,
                                               help_text=_("CCER from such projects cannot offset a surrender (生态环境部令第19号 Art. 29)."))
    green_certificate_claimed = models.BooleanField(_("green certificate claimed"), default=False,
                                                    help_text=_("A renewable-derived lot whose green certificate was also claimed."))
    product = models.CharField(_("price product"), max_length=20, blank=True,
                               help_text=_("The product of the price table that values this instrument (e.g. CEA, CCER)."))
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["kind", "vintage", "pk"]
        verbose_name = _("instrument")
        verbose_name_plural = _("instruments")

    def __str__(self):
        parts = [self.get_kind_display()]
        if self.local_market:
            parts.append(self.local_market)
        if self.vintage:
            parts.append(str(self.vintage))
        if self.project_id:
            parts.append(self.project_id)
        if self.serial_first:
            parts.append(f"{self.serial_first}–{self.serial_last}")
        return " · ".join(parts)

    def get_absolute_url(self):
        return reverse("ledger:instrument", args=[self.pk])

    @property
    def core_name(self) -> str:
        return self.CORE_NAMES[self.kind]

    @property
    def price_product(self) -> str:
        return self.product or self.PRODUCTS.get(self.kind, "")


class Movement(HolderModel):
    """One change of a holding, with its date and evidence; counted only once approved by a second person."""

    class Kind(models.TextChoices):
        PRE_ALLOCATION = "pre_allocation", _("Pre-allocation")
        FINAL_ALLOCATION = "final_allocation", _("Final allocation (true-up)")
        ISSUANCE = "issuance", _("Issuance of credits")
        PURCHASE = "purchase", _("Purchase")
        SALE = "sale", _("Sale")
        TRANSFER_IN = "transfer_in", _("Transfer in")
        TRANSFER_OUT = "transfer_out", _("Transfer out")
        SURRENDER = "surrender", _("Surrender for compliance")
        CANCELLATION = "cancellation", _("Voluntary cancellation (注销)")
        CARRY_OVER = "carry_over", _("Carry-over (结转)")
        EXPIRY = "expiry", _("Expiry")

    class Status(models.TextChoices):
        ENTERED = "entered", _("Entered, awaiting approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    class TradeMethod(models.TextChoices):
        LISTED_AGREEMENT = "listed_agreement", _("Listed agreement (挂牌协议)")
        BLOCK_AGREEMENT = "block_agreement", _("Block agreement (大宗协议)")
        SINGLE_AUCTION = "single_auction", _("Single-sided auction (单向竞价)")
        LISTING_SELECTION = "listing_selection", _("Listing selection (挂牌点选)")
        OTHER = "other", _("Other")

    #: the kind as the pure ledger core names it (carbonms.assets.ledger)
    CORE_KINDS = {"pre_allocation": "allocation", "final_allocation": "allocation", "issuance": "transfer_in",
                  "purchase": "purchase", "sale": "sale", "transfer_in": "transfer_in", "transfer_out": "transfer_out",
                  "surrender": "surrender", "cancellation": "cancellation", "carry_over": "carry_over", "expiry": "expiry"}
    INCREASES = ("pre_allocation", "final_allocation", "issuance", "purchase", "transfer_in")
    TRADES = ("purchase", "sale")
    #: the uses that consume a unit for good (a unit is used once)
    USES = ("surrender", "cancellation", "sale")

    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="movements", verbose_name=_("instrument"))
    account = models.ForeignKey(Account, null=True, blank=True, on_delete=models.PROTECT, related_name="movements",
                                verbose_name=_("account"))
    kind = models.CharField(_("movement"), max_length=20, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ENTERED)
    date = models.DateField(_("date"))
    quantity_t = models.DecimalField(_("quantity (tCO₂)"), max_digits=14, decimal_places=0)
    price_yuan_per_t = models.DecimalField(_("price (CNY/tCO₂)"), max_digits=12, decimal_places=2, null=True, blank=True)
    amount_yuan = models.DecimalField(_("amount (CNY)"), max_digits=16, decimal_places=2, null=True, blank=True,
                                      help_text=_("Purchase: cost before fees; sale: proceeds. Price × quantity when empty."))
    fees_yuan = models.DecimalField(_("fees (CNY)"), max_digits=14, decimal_places=2, default=0)
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    counterparty = models.CharField(_("counterparty"), max_length=200, blank=True)
    trade_method = models.CharField(_("trade method"), max_length=20, choices=TradeMethod.choices, blank=True)
    trade_reference = models.CharField(_("trade reference"), max_length=80, blank=True)
    compliance_year = models.PositiveSmallIntegerField(_("compliance year"), null=True, blank=True, validators=YEAR)
    claim_year = models.PositiveSmallIntegerField(_("claim year"), null=True, blank=True, validators=YEAR,
                                                  help_text=_("Voluntary cancellation: the year of the neutrality claim it serves."))
    purpose = models.CharField(_("purpose"), max_length=200, blank=True)
    certificate_no = models.CharField(_("certificate number"), max_length=80, blank=True,
                                      help_text=_("The registry's cancellation or surrender certificate."))
    serial_first = models.CharField(_("first serial number"), max_length=80, blank=True)
    serial_last = models.CharField(_("last serial number"), max_length=80, blank=True)
    serial_prefix = models.CharField(max_length=80, blank=True, editable=False, db_index=True)
    serial_from = models.BigIntegerField(null=True, blank=True, editable=False)
    serial_to = models.BigIntegerField(null=True, blank=True, editable=False)
    to_instrument = models.ForeignKey(Instrument, null=True, blank=True, on_delete=models.PROTECT, related_name="carried_in",
                                      verbose_name=_("carried over into"))
    evidence = models.ForeignKey("carbondata.Evidence", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("evidence"))
    notes = models.TextField(_("notes"), blank=True)
    entered_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("entered by"))
    approved_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("approved by"))
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    rejection_reason = models.CharField(_("reason for rejection"), max_length=300, blank=True)

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("movement")
        verbose_name_plural = _("movements")
        indexes = [models.Index(fields=["serial_prefix", "serial_from", "serial_to"], name="ledger_movement_serials")]
        constraints = [models.CheckConstraint(condition=Q(quantity_t__gt=0), name="ledger_movement_quantity_positive")]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.date} · {self.quantity_t} t"

    def get_absolute_url(self):
        return reverse("ledger:movement", args=[self.pk])

    @property
    def is_increase(self) -> bool:
        return self.kind in self.INCREASES


class PriceQuote(HolderModel):
    """A price of a product on a day, entered or imported by a user (T/CPQS 7.3.4 f); spec §3.5): always CNY per
    tCO₂. Park quotes (no enterprise) are shared with the park's enterprises."""

    scope_park_records_shared = True

    date = models.DateField(_("date"))
    product = models.CharField(_("product"), max_length=20, help_text=_("e.g. CEA, CEA24, CCER, or a pilot market's code."))
    open = models.DecimalField(_("open"), max_digits=10, decimal_places=2, null=True, blank=True)
    high = models.DecimalField(_("high"), max_digits=10, decimal_places=2, null=True, blank=True)
    low = models.DecimalField(_("low"), max_digits=10, decimal_places=2, null=True, blank=True)
    close = models.DecimalField(_("close"), max_digits=10, decimal_places=2, null=True, blank=True)
    average = models.DecimalField(_("average"), max_digits=10, decimal_places=2, null=True, blank=True)
    volume_t = models.DecimalField(_("volume (tCO₂)"), max_digits=16, decimal_places=0, null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    unit = models.CharField(_("unit"), max_length=10, default="tCO2")
    source = models.CharField(_("source"), max_length=200)
    demo = models.BooleanField(_("demo figure"), default=False, help_text=_("Made up for the demonstration, not a market price."))
    entered_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("entered by"))

    class Meta:
        ordering = ["-date", "product"]
        verbose_name = _("price")
        verbose_name_plural = _("prices")
        constraints = [
            models.UniqueConstraint(fields=["park", "enterprise", "product", "date", "source"], name="ledger_price_unique_ent",
                                    condition=Q(enterprise__isnull=False)),
            models.UniqueConstraint(fields=["park", "product", "date", "source"], name="ledger_price_unique_park",
                                    condition=Q(enterprise__isnull=True)),
        ]

    def __str__(self):
        return f"{self.product} · {self.date} · {self.reference_price}"

    def get_absolute_url(self):
        return reverse("ledger:prices_ent", args=[self.enterprise_id]) if self.enterprise_id else reverse("ledger:prices_park", args=[self.park_id])

    @property
    def reference_price(self):
        """The price used to value a holding: the close, else the average."""
        return self.close if self.close is not None else self.average
