"""The live conformity pages (one per standard and system), the evidence pack and each user's task list."""
from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from carbonms.common import files
from carbonms.common.views import ListingMixin, ScopedPageView
from carbonms.management import system as systems
from carbonms.management.views import SystemMixin
from carbonms.standards import catalogue

from . import checks
from .models import ReminderSubscription, Task


def start(request):
    s = systems.home_system(request.user)
    if s is None:
        raise Http404
    return redirect("conformity:index", s.slug)


class IndexView(SystemMixin, TemplateView):
    template_name = "conformity/index.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        topics = checks.topic_checks(self.system)  # once for all the standards of the page
        ctx["results"] = [checks.standard_conformity(self.system, sid, checks=topics) for sid in checks.standards_for(self.system)]
        return ctx


def _is_standard(std_id) -> bool:
    try:
        catalogue.get_standard(std_id)
    except KeyError:
        return False
    return True


class _StandardMixin(SystemMixin):
    url_choices = {"std_id": _is_standard}


class StandardView(_StandardMixin, TemplateView):
    template_name = "conformity/standard.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["result"] = checks.standard_conformity(self.system, self.kwargs["std_id"])
        return ctx


class PackView(_StandardMixin, TemplateView):
    def get(self, request, *args, **kwargs):
        from .pack import build_pack

        data = build_pack(self.system, kwargs["std_id"])
        return files.attachment(data, f"evidence-{self.system.slug}-{kwargs['std_id']}.zip", "application/zip")


class TaskListView(ListingMixin, ScopedPageView):
    template_name = "conformity/tasks.html"
    list_sorts = {"due": ("due_on", "id"), "kind": ("kind", "due_on", "id")}
    list_default = "due"
    list_search = ("title",)

    def get_context_data(self, **kwargs):
        from .reminders import ensure_daily

        ensure_daily()
        ctx = super().get_context_data(**kwargs)
        mine = Task.objects.restrict(self.request.user).filter(user=self.request.user)
        ctx["listing"] = self.listing(mine.filter(done_at__isnull=True))
        ctx["open_tasks"] = ctx["listing"].rows
        ctx["done_tasks"] = mine.filter(done_at__isnull=False).order_by("-done_at")[:20]
        sub = getattr(self.request.user, "reminder_subscription", None)  # the user's own setting
        ctx["email_on"] = bool(sub and sub.email)
        return ctx

    def post(self, request, *args, **kwargs):
        """The user's own setting: e-mail me new tasks (needs an address on the account)."""
        on = request.POST.get("email") == "on"
        ReminderSubscription.objects.update_or_create(user=request.user, defaults={"email": on})
        if on and not request.user.email:
            messages.warning(request, _("Your account has no e-mail address yet; ask your administrator to add one."))
        else:
            messages.success(request, _("E-mail reminders on.") if on else _("E-mail reminders off."))
        return redirect("conformity:tasks")


class TaskDoneView(ScopedPageView):
    """POST: the user ticks a task off by hand (the daily job also closes resolved ones); only their own tasks."""

    model = Task

    def get_scoped_queryset(self):
        return Task.objects.restrict(self.request.user).filter(user=self.request.user)

    @property
    def task(self):
        return self.object

    def get(self, request, *args, **kwargs):
        return redirect("conformity:tasks")

    def post(self, request, *args, **kwargs):
        from django.utils import timezone

        self.task.done_at = timezone.now()
        self.task.save()
        messages.success(request, _("Task ticked off."))
        return redirect("conformity:tasks")
