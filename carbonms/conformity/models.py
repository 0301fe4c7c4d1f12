"""Reminder tasks: what is due or overdue for each user, refreshed by the daily job."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carbonms.management.base import SystemRecord


class Task(SystemRecord):
    """One reminder for one user, keyed by the record it is about (``ref``); closed when resolved."""

    class Kind(models.TextChoices):
        REVIEW = "review", _("Review due")
        EVALUATION = "evaluation", _("Compliance evaluation due")
        ACTION = "action", _("Corrective action due")
        DECISION = "decision", _("Review decision due")
        TRAINING = "training", _("Training due")
        CALIBRATION = "calibration", _("Calibration due")
        NOTICE = "notice", _("Result of a background job")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("user"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    ref = models.CharField(_("about"), max_length=80)
    title = models.CharField(_("task"), max_length=250, help_text=_("As first written (default language)."))
    title_code = models.CharField(_("title code"), max_length=40, blank=True,
                                  help_text=_("System-generated titles: shown in the reader's language from the code."))
    title_params = models.JSONField(_("title parameters"), default=dict, blank=True)
    url = models.CharField(_("link"), max_length=300)
    due_on = models.DateField(_("due"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["done_at", "due_on"]
        constraints = [models.UniqueConstraint(fields=["user", "ref"], name="unique_task_per_user_and_record")]

    def __str__(self):
        return self.display_title

    @property
    def display_title(self) -> str:
        """The title in the active language (from ``title_code`` and ``title_params`` when it has a code)."""
        from .titles import render

        return render(self.title_code, self.title_params, self.title) if self.title_code else self.title

    def get_absolute_url(self):
        return self.url

    @property
    def overdue(self) -> bool:
        return self.done_at is None and self.due_on < timezone.localdate()


class ReminderSubscription(models.Model):
    """A user's choice to receive their new tasks by e-mail too (a personal setting, not a park record)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_subscription",
                                verbose_name=_("user"))
    email = models.BooleanField(_("e-mail me new tasks"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("reminder subscription")
        verbose_name_plural = _("reminder subscriptions")

    def __str__(self):
        return f"{self.user} · {self.email}"
