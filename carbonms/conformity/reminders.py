"""The daily reminder job: finds what is due (within a week) or overdue and keeps each user's task
list in step: new tasks for new items, tasks closed when their item is resolved."""
from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from carbonms.audits.models import CorrectiveAction, ReviewOutput
from carbonms.common import tenancy
from carbonms.management import models as m
from carbonms.management.documents import Document

from .models import ReminderSubscription, Task
from .titles import render

HORIZON = dt.timedelta(days=7)

#: further item sources that apps register in ``AppConfig.ready`` (:func:`register_items`): each is called with
#: the horizon date and yields the same tuples as :func:`_items`
_ITEM_SOURCES: list = []


def register_items(source) -> None:
    """Add a source of due items (``source(limit) -> iterable of (user, kind, ref, title, url, due, park_id,
    enterprise_id)``) to the daily job; an app's tasks are then opened and closed like everybody's."""
    if source not in _ITEM_SOURCES:
        _ITEM_SOURCES.append(source)



def _items(today: dt.date):
    """(user, kind, ref, title, url, due, park_id, enterprise_id) of everything due by today + 7 days. ``title``
    is a record's own name, or a (code, params) pair of carbonms.conformity.titles put into words when shown."""
    limit = today + HORIZON
    for model in (m.ContextIssue, m.InterestedParty, m.ComplianceObligation, m.Risk, m.OrgUnit, m.Appointment, m.Resource,
                  m.CompetenceRequirement, m.PlannedChange):
        for o in model.objects.filter(next_review_on__lte=limit, owner__isnull=False).exclude(status="closed"):
            kind = Task.Kind.EVALUATION if model is m.ComplianceObligation else Task.Kind.REVIEW
            yield (o.owner, kind, f"{o._meta.label_lower}:{o.pk}:{o.next_review_on}", str(o), o.get_absolute_url(),
                   o.next_review_on, o.park_id, o.enterprise_id)
    for p in m.Policy.objects.filter(status="approved", next_review_on__lte=limit):
        user = p.approved_by or p.author
        if user:
            yield (user, Task.Kind.REVIEW, f"policy:{p.pk}:{p.next_review_on}", ("review_policy", {"p": str(p)}),
                   p.get_absolute_url(), p.next_review_on, p.park_id, p.enterprise_id)
    for d in Document.objects.filter(next_review_on__lte=limit, owner__isnull=False):
        yield (d.owner, Task.Kind.REVIEW, f"document:{d.pk}:{d.next_review_on}", ("review_document", {"d": str(d)}),
               d.get_absolute_url(), d.next_review_on, d.park_id, d.enterprise_id)
    for t in m.Training.objects.filter(held_on__isnull=True, planned_on__lte=limit, owner__isnull=False):
        yield (t.owner, Task.Kind.TRAINING, f"training:{t.pk}", ("hold_training", {"t": str(t)}), t.get_absolute_url(),
               t.planned_on, t.park_id, t.enterprise_id)
    for a in CorrectiveAction.objects.filter(done_on__isnull=True, due_on__lte=limit).select_related("nonconformity"):
        yield (a.owner, Task.Kind.ACTION, f"action:{a.pk}", ("corrective_action", {"nc": a.nonconformity.number, "a": str(a)}),
               a.get_absolute_url(), a.due_on, a.park_id, a.enterprise_id)
    yield from _calibrations(limit)
    for o in ReviewOutput.objects.filter(done_on__isnull=True, due_on__lte=limit, owner__isnull=False):
        yield (o.owner, Task.Kind.DECISION, f"output:{o.pk}", str(o), o.get_absolute_url(), o.due_on, o.park_id, o.enterprise_id)
    for source in _ITEM_SOURCES:
        yield from source(limit)


def _calibrations(limit: dt.date):
    """Instruments in service whose calibration lapses by ``limit``: a task for whoever prepared the
    enterprise's approved monitoring plan."""
    from carbonms.carbondata.models import MeasuringInstrument, MonitoringPlan

    preparers = {}
    for plan in MonitoringPlan.objects.filter(status="approved", prepared_by__isnull=False).order_by("version"):
        preparers[plan.enterprise_id] = plan.prepared_by
    instruments = MeasuringInstrument.objects.filter(in_service=True, enterprise_id__in=preparers).select_related(
        "enterprise").prefetch_related("calibrations")
    for inst in instruments:
        due = max((c.due_on for c in inst.calibrations.all()), default=None)
        if due is None or due <= limit:
            due = due or limit
            ent = inst.enterprise
            yield (preparers[ent.pk], Task.Kind.CALIBRATION, f"calibration:{inst.pk}:{due}",
                   ("calibrate", {"i": str(inst)}), inst.get_absolute_url(), due, ent.park_id,
                   None if ent.kind == "park_facilities" else ent.pk)


def run_reminders(today: dt.date | None = None, *, email: bool | None = None) -> dict:
    """The job, with task titles and e-mails in the platform's default language (Chinese) whoever runs it."""
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        return _run(today, email=email)


@transaction.atomic
def _run(today: dt.date | None = None, *, email: bool | None = None) -> dict:
    """Create the tasks of items due, close the tasks of items resolved; e-mail new ones to users who asked
    for it (or to everybody with an address when ``email`` / CARBONMS_REMINDER_EMAIL is on)."""
    today = today or timezone.localdate()
    email = getattr(settings, "CARBONMS_REMINDER_EMAIL", False) if email is None else email
    seen: set[tuple[int, str]] = set()
    created = []
    in_scope: dict[tuple[int, int | None], set[int]] = {}
    for user, kind, ref, title, url, due, park_id, ent_id in _items(today):
        # Only people with a role in the record's scope get its task (and e-mail): an owner who is not, or is no
        # longer, (a record written before the services checked owners, a role that ended) is never told its title.
        if (park_id, ent_id) not in in_scope:
            in_scope[(park_id, ent_id)] = set(tenancy.scope_users(tenancy.Scope(park_id, ent_id)).values_list("pk", flat=True))
        if user.pk not in in_scope[(park_id, ent_id)] and not user.is_superuser:
            continue
        seen.add((user.pk, ref))
        code, params = title if isinstance(title, tuple) else ("", {})
        words = render(code, params, code) if code else str(title)
        task, new = Task.objects.get_or_create(user=user, ref=ref, defaults={
            "kind": kind, "title": words[:250], "title_code": code, "title_params": params, "url": url, "due_on": due,
            "park_id": park_id, "enterprise_id": ent_id,
        })
        if new:
            created.append(task)
        elif task.done_at is not None:
            task.done_at = None
            task.save()
    closed = 0
    for task in Task.objects.filter(done_at__isnull=True).exclude(kind=Task.Kind.NOTICE):  # notices: the user ticks off
        if (task.user_id, task.ref) not in seen:
            task.done_at = timezone.now()
            task.save()
            closed += 1
    mailed = 0
    subscribed = set(ReminderSubscription.objects.filter(email=True).values_list("user_id", flat=True))
    for task in created:
        if (email or task.user_id in subscribed) and task.user.email:
            send_mail(_("CarbonMS reminder: %(t)s") % {"t": task.display_title},
                      _("Due %(d)s: %(t)s\n%(u)s") % {"d": task.due_on, "t": task.display_title, "u": task.url},
                      None, [task.user.email])
            task.emailed_at = timezone.now()
            task.save()
            mailed += 1
    return {"created": len(created), "closed": closed, "open": Task.objects.filter(done_at__isnull=True).count(),
            "emailed": mailed}


def ensure_daily() -> None:
    """On the embedded default (no broker: tasks run eagerly) run the job once a day in-process."""
    from django.core.cache import cache

    if not getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False):
        return
    key = f"carbonms:reminders:{timezone.localdate().isoformat()}"
    if cache.add(key, True, 26 * 3600):
        from .tasks import daily_reminders

        daily_reminders.delay()
    # The other daily housekeeping of the embedded default.
    from carbonms.carbondata.retention import ensure_daily as purge_uploads_daily

    purge_uploads_daily()
