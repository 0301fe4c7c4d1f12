"""Online monitoring records (issue 5): gateways, meters and what they feed, the reading stream with
its ingestion log, daily rollups, and the conflicts and anomalies queued for review.

Business records (Gateway, Meter, MeterFeed, ReadingConflict, Anomaly) are ``ScopedModel``s in the
"data" domain. Readings are a high-volume stream: ``Reading`` is written only by
:mod:`carbonms.monitoring.storage` with bulk ``INSERT … ON CONFLICT`` (never by per-row saves, never
through the change log); every write is accounted for by an ``IngestBatch``. On PostgreSQL the
reading table is partitioned by month (migration 0002); see docs/monitoring.md.
"""
from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from carbonms.carbondata.models import MeasuringInstrument, Source
from carbonms.common.models import ScopedModel, ScopedQuerySet
from carbonms.organizations.models import Enterprise, Park

_USER = settings.AUTH_USER_MODEL


class Gateway(ScopedModel):
    """A data gateway (数据采集终端) of an enterprise: authenticates with its token over HTTP and
    publishes under its ``code`` over MQTT. It may send readings only for meters of its enterprise."""

    park = models.ForeignKey(Park, on_delete=models.PROTECT, related_name="gateways", verbose_name=_("park"))
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="gateways", verbose_name=_("enterprise"))
    code = models.SlugField(_("code"), max_length=60, unique=True, help_text=_("Also the MQTT topic segment."))
    name = models.CharField(_("name"), max_length=120)
    token_prefix = models.CharField(_("token prefix"), max_length=12, blank=True)
    token_hash = models.CharField(_("token hash"), max_length=64, blank=True, editable=False)
    rate_limit_per_minute = models.PositiveIntegerField(
        _("requests per minute"), default=120, help_text=_("HTTP requests allowed per minute before 429."))
    is_active = models.BooleanField(_("active"), default=True)
    last_seen_at = models.DateTimeField(_("last seen"), null=True, blank=True)

    scope_domain = "data"
    changelog_redact = frozenset({"token_hash"})

    class Meta:
        ordering = ["park", "code"]
        verbose_name = _("gateway")
        verbose_name_plural = _("gateways")

    def __str__(self):
        return self.code

    def get_absolute_url(self):
        return reverse("monitoring:gateways") + f"#gw-{self.pk}"


class Meter(ScopedModel):
    """A meter (计量表计) read online: its type, unit and multiplier, register or interval readings,
    the sources it feeds (``MeterFeed``) and its measuring-equipment record."""

    class MeterType(models.TextChoices):
        ELECTRICITY = "electricity", _("Electricity")
        NATURAL_GAS = "natural_gas", _("Natural gas")
        STEAM_HEAT = "steam_heat", _("Steam / heat")
        WATER = "water", _("Water")
        FUEL_FLOW = "fuel_flow", _("Fuel flow")
        CEMS_CO2 = "cems_co2", _("CEMS CO2 concentration")
        CEMS_FLOW = "cems_flow", _("CEMS flue-gas flow")

    class ReadingKind(models.TextChoices):
        CUMULATIVE = "cumulative", _("Cumulative register")
        INTERVAL = "interval", _("Interval consumption")
        INSTANT = "instant", _("Instantaneous value (CEMS)")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        RETIRED = "retired", _("Retired")

    park = models.ForeignKey(Park, on_delete=models.PROTECT, related_name="meters", verbose_name=_("park"))
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="meters", verbose_name=_("enterprise"))
    code = models.CharField(_("code"), max_length=60, help_text=_("Unique in the park; gateways name the meter by it."))
    name = models.CharField(_("name"), max_length=120)
    meter_type = models.CharField(_("type"), max_length=12, choices=MeterType.choices)
    unit = models.CharField(_("unit"), max_length=20, help_text=_("Unit of the readings, e.g. kWh, Nm3, GJ, %, Nm3/h."))
    multiplier = models.DecimalField(
        _("multiplier"), max_digits=14, decimal_places=4, default=Decimal(1), validators=[MinValueValidator(Decimal("0.0001"))],
        help_text=_("CT × PT ratio or other factor applied to the readings."))
    reading_kind = models.CharField(_("reading kind"), max_length=10, choices=ReadingKind.choices)
    interval_minutes = models.PositiveSmallIntegerField(_("interval (minutes)"), default=15)
    rollover_at = models.DecimalField(
        _("register rollover value"), max_digits=20, decimal_places=4, null=True, blank=True,
        help_text=_("Cumulative meters: the value at which the register wraps to zero (e.g. 99999999)."))
    instrument = models.ForeignKey(MeasuringInstrument, null=True, blank=True, on_delete=models.PROTECT, related_name="meters",
                                   verbose_name=_("measuring equipment"))
    gateway = models.ForeignKey(Gateway, null=True, blank=True, on_delete=models.PROTECT, related_name="meters",
                                verbose_name=_("gateway"))
    sources = models.ManyToManyField(Source, through="MeterFeed", related_name="meters", verbose_name=_("sources fed"))
    installed_at = models.DateTimeField(_("installed at"))
    removed_at = models.DateTimeField(
        _("removed at"), null=True, blank=True,
        help_text=_("End of the meter's service life: readings stamped later are refused. Set when the meter is retired."))
    max_value = models.FloatField(
        _("highest plausible reading"), null=True, blank=True, validators=[MinValueValidator(0)],
        help_text=_("Readings whose magnitude is above this value are refused (empty: the platform's bound)."))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.ACTIVE)

    scope_domain = "data"

    class Meta:
        ordering = ["enterprise", "code"]
        verbose_name = _("meter")
        verbose_name_plural = _("meters")
        constraints = [models.UniqueConstraint(fields=["park", "code"], name="unique_meter_code_in_park")]

    def __str__(self):
        return f"{self.code} {self.name}"

    def get_absolute_url(self):
        return reverse("monitoring:meter", args=[self.pk])

    @property
    def expected_per_day(self) -> int:
        return max(1, 1440 // max(1, self.interval_minutes))


class MeterFeed(ScopedModel):
    """A meter feeds a source with a share (all of it: 1)."""

    meter = models.ForeignKey(Meter, on_delete=models.PROTECT, related_name="feeds", verbose_name=_("meter"))
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="meter_feeds", verbose_name=_("source"))
    share = models.DecimalField(_("share"), max_digits=7, decimal_places=6, default=Decimal(1),
                                validators=[MinValueValidator(Decimal("0.000001"))])

    scope_park = "meter__park_id"
    scope_enterprise = "meter__enterprise_id"
    scope_domain = "data"

    class Meta:
        ordering = ["meter", "source"]
        verbose_name = _("meter feed")
        verbose_name_plural = _("meter feeds")
        constraints = [models.UniqueConstraint(fields=["meter", "source"], name="unique_meter_feed")]

    def __str__(self):
        return f"{self.meter.code} → {self.source.code} × {self.share}"

    def get_absolute_url(self):
        return self.meter.get_absolute_url()


class Reading(models.Model):
    """One reading: the stream table, keyed by (meter, ts). Not managed by Django: migration 0002
    creates it (partitioned by month on PostgreSQL). Written only by :mod:`.storage`."""

    pk = models.CompositePrimaryKey("meter_id", "ts")
    meter = models.ForeignKey(Meter, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    ts = models.DateTimeField()
    value = models.FloatField()
    received_at = models.DateTimeField()
    batch_id = models.BigIntegerField()

    class Meta:
        managed = False
        db_table = "monitoring_reading"

    def __str__(self):
        return f"{self.meter_id} {self.ts:%Y-%m-%d %H:%M} {self.value}"


class IngestBatch(models.Model):
    """The ingestion log: one row per HTTP request or MQTT message batch, with what became of it."""

    class Channel(models.TextChoices):
        HTTP = "http", "HTTP"
        MQTT = "mqtt", "MQTT"
        OTHER = "other", _("Other")

    park = models.ForeignKey(Park, on_delete=models.PROTECT, related_name="+")
    gateway = models.ForeignKey(Gateway, null=True, blank=True, on_delete=models.PROTECT, related_name="batches")
    channel = models.CharField(max_length=6, choices=Channel.choices)
    reference = models.CharField(max_length=200, blank=True, help_text="MQTT topic/message ids or HTTP request id.")
    received_at = models.DateTimeField()
    n_received = models.PositiveIntegerField(default=0)
    n_accepted = models.PositiveIntegerField(default=0)
    n_duplicate = models.PositiveIntegerField(default=0)
    n_conflict = models.PositiveIntegerField(default=0)
    n_rejected = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("ingestion batch")
        verbose_name_plural = _("ingestion batches")

    def __str__(self):
        return f"{self.channel} #{self.pk}"


class DirtyDay(models.Model):
    """A (meter, local day) whose rollup must be recomputed; written with the readings, consumed by
    :func:`carbonms.monitoring.rollups.refresh_dirty`."""

    # A work-queue entry, not data: it may go with a meter, and a meter with readings is never deleted.
    meter = models.ForeignKey(Meter, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meter", "day"], name="unique_dirty_day")]

    def __str__(self):
        return f"{self.meter_id} {self.day}"


class MeterDay(models.Model):
    """The daily rollup of a meter (day cut at 00:00 Asia/Shanghai), in the meter's unit × multiplier.

    ``measured`` comes from readings, ``substituted`` from the substitution rule; ``completeness`` is
    the share of expected intervals with a reading. Derived data: recomputed from the readings."""

    meter = models.ForeignKey(Meter, on_delete=models.PROTECT, related_name="days")
    day = models.DateField()
    measured = models.FloatField(default=0)
    substituted = models.FloatField(default=0)
    n_readings = models.PositiveIntegerField(default=0)
    n_expected = models.PositiveIntegerField(default=0)
    completeness = models.FloatField(default=0)
    mean_value = models.FloatField(null=True, blank=True)  # instantaneous meters (CEMS)
    flags = models.JSONField(default=list, blank=True)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["meter", "day"]
        constraints = [models.UniqueConstraint(fields=["meter", "day"], name="unique_meter_day")]

    def __str__(self):
        return f"{self.meter_id} {self.day}"

    @property
    def total(self) -> float:
        return self.measured + self.substituted


class ReadingConflict(ScopedModel):
    """A re-sent reading with a different value than the stored one: kept for review, never applied
    silently. Resolution keeps the stored value or replaces it (and the day is recomputed)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        KEPT = "kept", _("Stored value kept")
        REPLACED = "replaced", _("Replaced by the new value")

    meter = models.ForeignKey(Meter, on_delete=models.PROTECT, related_name="conflicts", verbose_name=_("meter"))
    ts = models.DateTimeField(_("timestamp"))
    stored_value = models.FloatField(_("stored value"))
    new_value = models.FloatField(_("re-sent value"))
    batch = models.ForeignKey(IngestBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.OPEN)
    resolved_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("resolved by"))
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    scope_park = "meter__park_id"
    scope_enterprise = "meter__enterprise_id"
    scope_domain = "data"

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("reading conflict")
        verbose_name_plural = _("reading conflicts")
        constraints = [models.UniqueConstraint(fields=["meter", "ts", "new_value"], name="unique_reading_conflict")]

    def __str__(self):
        return f"{self.meter.code} {self.ts:%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        return reverse("monitoring:conflict_resolve", args=[self.pk])


class Anomaly(ScopedModel):
    """A data-quality finding of a meter on a day (gap, spike, flatline, negative delta, clock skew,
    low completeness, rollover, reset), queued for review. Found again on recompute: one per kind and day."""

    class Kind(models.TextChoices):
        GAP = "gap", _("Gap")
        LOW_COMPLETENESS = "low_completeness", _("Completeness below 90 %")
        SPIKE = "spike", _("Spike")
        FLATLINE = "flatline", _("Flatline")
        NEGATIVE_DELTA = "negative_delta", _("Negative delta (reset)")
        ROLLOVER = "rollover", _("Register rollover")
        CLOCK_SKEW = "clock_skew", _("Clock skew")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")

    meter = models.ForeignKey(Meter, on_delete=models.PROTECT, related_name="anomalies", verbose_name=_("meter"))
    day = models.DateField(_("day"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN)
    reviewed_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("reviewed by"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    scope_park = "meter__park_id"
    scope_enterprise = "meter__enterprise_id"
    scope_domain = "data"

    class Meta:
        ordering = ["-day", "meter"]
        verbose_name = _("anomaly")
        verbose_name_plural = _("anomalies")
        constraints = [models.UniqueConstraint(fields=["meter", "day", "kind"], name="unique_meter_day_anomaly")]

    def __str__(self):
        return f"{self.meter.code} {self.day} {self.get_kind_display()}"

    def get_absolute_url(self):
        return reverse("monitoring:anomaly_review", args=[self.pk])


class RejectedMessage(models.Model):
    """The refused part of an MQTT message: a message that could not be read at all, or the readings of a
    message that failed validation (its valid readings are stored). Kept with the reasons so that staff
    see it in the review queue; the consumer acknowledges the message only after this row committed.

    Telemetry written by the consumer (no actor), so not change-logged; the review is."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")

    MAX_PAYLOAD = 64 * 1024  # characters of the payload kept

    gateway = models.ForeignKey(Gateway, on_delete=models.PROTECT, related_name="rejected_messages", verbose_name=_("gateway"))
    channel = models.CharField(_("channel"), max_length=6, choices=IngestBatch.Channel.choices, default=IngestBatch.Channel.MQTT)
    topic = models.CharField(_("topic"), max_length=200, blank=True)
    payload = models.TextField(_("payload"), blank=True, help_text=_("The refused readings (or the whole message), cut at 64 KB."))
    payload_bytes = models.PositiveBigIntegerField(_("payload size (bytes)"), default=0)
    payload_truncated = models.BooleanField(_("payload cut"), default=False)
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    n_rejected = models.PositiveIntegerField(_("readings refused"), default=0)
    n_accepted = models.PositiveIntegerField(_("readings stored"), default=0)
    batch = models.ForeignKey(IngestBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    received_at = models.DateTimeField(_("received at"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN)
    reviewed_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("reviewed by"))
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    scope_park = "gateway__park_id"
    scope_enterprise = "gateway__enterprise_id"
    scope_domain = "data"

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("rejected message")
        verbose_name_plural = _("rejected messages")
        indexes = [models.Index(fields=["status", "received_at"], name="monitoring_rejected_queue")]

    def __str__(self):
        return f"{self.gateway.code} {self.received_at:%Y-%m-%d %H:%M:%S}"

    def get_absolute_url(self):
        return reverse("monitoring:rejected_message", args=[self.pk])

    def scope_ids(self) -> tuple[int | None, int | None]:
        return self.gateway.park_id, self.gateway.enterprise_id


class ReadingArchive(models.Model):
    """A month of the reading stream moved out of the live table into a compressed file
    (:mod:`carbonms.monitoring.archive`). Platform-level housekeeping across parks: no tenant reads it;
    the daily rollups of the month stay in the database."""

    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    rows = models.BigIntegerField(_("readings"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.BigIntegerField(_("size (bytes)"))
    file = models.CharField(_("archive file"), max_length=500)
    restored_at = models.DateTimeField(_("restored at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["year", "month"]
        verbose_name = _("reading archive")
        verbose_name_plural = _("reading archives")
        constraints = [models.UniqueConstraint(fields=["year", "month"], name="unique_reading_archive_month")]

    def __str__(self):
        return f"{self.year:04d}-{self.month:02d} ({self.rows})"
