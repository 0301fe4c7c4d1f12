"""The change history record. Append-only: it is never edited or deleted through the platform."""
from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from carbonms.common.tenancy import restrict

from .context import current_source
from .tracking import redact


class ChangeRecordQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view"):
        return restrict(self, user, action)

    def update(self, **kwargs):
        raise PermissionDenied("The change history is append-only.")

    def delete(self):
        raise PermissionDenied("The change history is append-only.")


class ChangeRecord(models.Model):
    """One create, update or delete of a business record (NetBox's ObjectChange, our way)."""

    class Action(models.TextChoices):
        CREATE = "create", _("Created")
        UPDATE = "update", _("Updated")
        DELETE = "delete", _("Deleted")

    class SourceKind(models.TextChoices):
        REQUEST = "request", _("Web request")
        COMMAND = "command", _("Command")
        JOB = "job", _("Background job")
        SYSTEM = "system", _("System")

    time = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("user"),
    )
    user_name = models.CharField(_("user name"), max_length=150, blank=True)
    source_kind = models.CharField(pgettext_lazy("change log", "source"), max_length=16, choices=SourceKind.choices)
    source_id = models.CharField(_("source id"), max_length=200, blank=True)
    remote_addr = models.CharField(max_length=64, blank=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=64, db_index=True)
    object_repr = models.CharField(_("record"), max_length=300)
    action = models.CharField(pgettext_lazy("change log", "action"), max_length=8, choices=Action.choices)
    changes = models.JSONField(_("changes"), default=dict)
    # Scope columns, copied at write time, so that the log is filtered by the same tenancy rule as the records.
    park_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    enterprise_id = models.BigIntegerField(null=True, blank=True, db_index=True)

    objects = ChangeRecordQuerySet.as_manager()

    scope_park = "park_id"
    scope_enterprise = "enterprise_id"
    scope_domain = "changelog"

    class Meta:
        ordering = ["-time", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "-time"], name="changelog_object_time")]
        verbose_name = _("change record")
        verbose_name_plural = _("change records")

    def __str__(self):
        return f"{self.get_action_display()} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionDenied("The change history is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied("The change history is append-only.")

    @classmethod
    def record(cls, instance, action: str, changes: dict) -> ChangeRecord:
        return cls.objects.create(**cls._entry(current_source(), instance, action, changes))

    @classmethod
    def record_many(cls, items, batch_size: int = 1000) -> list[ChangeRecord]:
        """The entries of many (instance, action, changes), as :meth:`record` writes them, in bulk inserts."""
        src = current_source()
        return cls.objects.bulk_create([cls(**cls._entry(src, *item)) for item in items], batch_size=batch_size)

    @classmethod
    def _entry(cls, src, instance, action: str, changes: dict) -> dict:
        user = src.acting_user()
        if action == "delete" and hasattr(instance, "_changelog_scope"):
            park_id, enterprise_id = instance._changelog_scope
        else:
            try:
                park_id, enterprise_id = instance.scope_ids()
            except Exception:
                park_id, enterprise_id = None, None
        return dict(
            user=user,
            user_name=getattr(user, "username", "") if user else "",
            source_kind=src.kind,
            source_id=src.ident[:200],
            remote_addr=src.remote_addr[:64],
            content_type=ContentType.objects.get_for_model(instance, for_concrete_model=True),
            object_id=str(instance.pk),
            object_repr=str(instance)[:300],
            action=action,
            changes=redact(type(instance), changes),  # a secret's value is never stored
            park_id=park_id,
            enterprise_id=enterprise_id,
        )
