from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.http import Http404
from django.views.generic import TemplateView

from . import display, selectors
from .models import ChangeRecord


class ChangeLogView(TemplateView):
    """The global change log, filtered to the user's scope."""

    template_name = "changelog/list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        f = {k: self.request.GET.get(k, "") for k in ("model", "action", "user")}
        qs = selectors.changes_for(self.request.user, model=f["model"], action=f["action"], user_name=f["user"])
        page = Paginator(qs, 50).get_page(self.request.GET.get("page"))
        page.object_list = list(page.object_list)
        display.describe(page.object_list, self.request.user)
        ctx.update(page=page, filters=f, model_choices=selectors.model_choices(self.request.user),
                   action_choices=ChangeRecord.Action.choices)
        return ctx


class RecordHistoryView(TemplateView):
    """Every change of one record, newest first."""

    template_name = "changelog/record.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        try:
            ct = ContentType.objects.get_by_natural_key(self.kwargs["app_label"], self.kwargs["model"])
        except ContentType.DoesNotExist:
            raise Http404
        records = list(selectors.record_history(self.request.user, ct, self.kwargs["object_id"]))
        if not records:
            raise Http404
        display.describe(records, self.request.user)
        ctx.update(records=records, object_repr=records[0].object_repr, model_name=ct.model_class()._meta.verbose_name)
        return ctx
