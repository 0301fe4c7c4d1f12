"""Generic views every domain app builds on.

Access goes through the tenancy mechanism only: ``get_for_user`` for one object (404 outside the
user's scope, 403 for an action the role does not grant) and ``Model.objects.restrict`` for lists.
``LoginRequiredMiddleware`` makes every view private unless marked otherwise.
"""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.views.generic import DetailView, FormView

from . import tenancy


class ScopedObjectMixin:
    """Loads ``self.object`` for the request's user with ``action`` (view, change…)."""

    model = None
    action = "view"
    pk_url_kwarg = "pk"

    def get_scoped_queryset(self):
        return self.model._default_manager.all()

    def get_object(self, queryset=None):
        return tenancy.get_for_user(queryset if queryset is not None else self.get_scoped_queryset(), self.request.user, self.kwargs[self.pk_url_kwarg], self.action)


class ScopedDetailView(ScopedObjectMixin, DetailView):
    pass


def apply_validation_error(form, exc: ValidationError) -> None:
    """Attach a service's ValidationError to the form: per field where it names one, else to the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for e in errors:
                form.add_error(target, e)
    else:
        for e in exc.error_list:
            form.add_error(None, e)


class ServiceFormView(FormView):
    """A form whose valid data is handed to a service; the service's ValidationError returns to the form.

    Subclasses implement ``perform(form)`` (call the service, return the saved object) and may set
    ``success_message``. Nothing is saved when the service refuses: services are atomic.
    """

    success_message = ""
    template_name = "web/form.html"
    title = ""
    cancel_url = None

    def perform(self, form):  # pragma: no cover - abstract
        raise NotImplementedError

    def get_form_kwargs(self):
        # Every form is a common.forms.ScopedForm/ScopedModelForm: its relation fields are narrowed for this user.
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        try:
            self.saved = self.perform(form)
        except ValidationError as exc:
            apply_validation_error(form, exc)
            return self.form_invalid(form)
        if self.success_message:
            messages.success(self.request, self.success_message)
        return HttpResponseRedirect(self.get_success_url())

    def get_success_url(self):
        return self.saved.get_absolute_url()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.setdefault("title", self.title)
        ctx.setdefault("cancel_url", self.cancel_url)
        return ctx
