"""Generic views every domain app builds on: pages are short subclasses that *declare* their access.

A page declares what it is about and what it needs; :class:`ScopedViewMixin` (the one ``dispatch`` of
the project) loads and checks it before any handler runs:

* ``parent = Parent("enterprise_pk", Enterprise, "enterprise")``: the record the page adds to or is
  about, named by a URL argument and fetched through the tenancy (404 outside the user's scope).
  ``Parent(..., resolve=fn)`` loads it with ``fn(user, value)`` instead (e.g. a management system).
* ``requires = ("data", "add")``: the role must grant this action on this domain in the parent's scope
  (403 otherwise), for pages that create records.
* ``model``, ``action``, ``pk_url_kwarg``: ``self.object``, fetched with ``tenancy.get_for_user`` (404
  outside the scope, 403 when the role does not grant ``action``).
* ``park_staff_only = True``: the page is for park staff of the record's park; for everybody else the
  record does not exist (404). Declared here once instead of being coded in each page.
* ``url_choices = {"step": (...)}``: the values a URL argument may take; anything else is 404.
* ``transition_kwarg``: a workflow action page; the step named by that URL argument must be one of
  the object's workflow (``carbonms.common.workflow``) and available to the user now.

:meth:`ScopedViewMixin.check_access` runs the same checks without running the page, so tests (and
templates via ``may``) can ask "would this URL answer 403/404 for this user?".
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.views import View
from django.views.generic import DetailView, FormView, TemplateView

from . import tenancy
from .pagination import PAGE_ROWS_MAX, ListPage, paginate


@dataclass(frozen=True)
class Parent:
    """The record a page is about or adds to, taken from the URL argument ``kwarg``.

    Stored on the view as ``attr``. Fetched with ``tenancy.get_for_user(model, user, id, "view")``, or
    with ``resolve(user, value)`` when given (which must raise 404 outside the user's scope).
    """

    kwarg: str
    model: Any = None
    attr: str = "parent"
    resolve: Callable | None = None
    select_related: tuple[str, ...] = ()

    def load(self, user, value):
        if self.resolve is not None:
            return self.resolve(user, value)
        qs = self.model._default_manager.all()
        if self.select_related:
            qs = qs.select_related(*self.select_related)
        return tenancy.get_for_user(qs, user, value, "view")


def scope_ids_of(obj) -> tuple[int | None, int | None]:
    """(park id, enterprise id) of a scoped record or of a management system."""
    if hasattr(obj, "scope_ids"):
        return obj.scope_ids()
    return obj.ids


class ScopedViewMixin:
    """Declarative access for pages (see the module docstring). Subclasses never override ``dispatch``."""

    parent: Parent | None = None
    requires: tuple[str, str] | None = None
    model = None
    action = "view"
    pk_url_kwarg = "pk"
    park_staff_only = False
    url_choices: dict[str, Any] = {}
    select_related: tuple[str, ...] = ()
    domain: str | None = None  # the domain ``can()`` asks about (default: ``requires``' or the record's)

    # -- declaration hooks -------------------------------------------------------------------------
    def get_scoped_queryset(self):
        qs = self.model._default_manager.all()
        return qs.select_related(*self.select_related) if self.select_related else qs

    def prepare(self) -> None:
        """Derive further attributes from the loaded records (no access decisions here)."""

    def get_cancel_url(self):
        target = getattr(self, "object", None)
        if target is None and self.parent is not None:
            target = getattr(self, self.parent.attr, None)
        return target.get_absolute_url() if target is not None and hasattr(target, "get_absolute_url") else None

    # -- the checks ---------------------------------------------------------------------------------
    def check_access(self, request, **kwargs) -> None:
        """Load what the page declares and refuse (Http404 / PermissionDenied) what the user may not do."""
        user = request.user
        for name, allowed in self.url_choices.items():
            value = kwargs.get(name)
            ok = allowed(value) if callable(allowed) else value in allowed
            if not ok:
                raise Http404
        scope_holder = None
        if self.parent is not None:
            scope_holder = self.parent.load(user, kwargs[self.parent.kwarg])
            setattr(self, self.parent.attr, scope_holder)
        if self.model is not None and self.pk_url_kwarg in kwargs:
            self.object = tenancy.get_for_user(self.get_scoped_queryset(), user, kwargs[self.pk_url_kwarg], self.action)
            scope_holder = scope_holder or self.object
        if self.park_staff_only:
            park_id = scope_ids_of(scope_holder)[0] if scope_holder is not None else None
            if park_id is None or not tenancy.is_park_member(user, park_id):
                raise Http404  # an enterprise's users do not even learn that the page exists
        if self.requires is not None:
            if scope_holder is None:
                raise PermissionDenied  # deny by default: nothing declares where the permission applies
            domain, action = self.requires
            park_id, enterprise_id = scope_ids_of(scope_holder)
            tenancy.require(user, domain, action, park_id=park_id, enterprise_id=enterprise_id)

    def dispatch(self, request, *args, **kwargs):
        self.check_access(request, **kwargs)
        self.prepare()
        if getattr(self, "cancel_url", None) is None:
            self.cancel_url = self.get_cancel_url()
        return super().dispatch(request, *args, **kwargs)

    def can(self, action: str, domain: str | None = None) -> bool:
        """May the user ``action`` in the scope of the page's parent (or object)?"""
        holder = getattr(self, self.parent.attr) if self.parent else self.object
        park_id, enterprise_id = scope_ids_of(holder)
        domain = domain or self.domain or (self.requires[0] if self.requires else getattr(holder, "scope_domain", "data"))
        return tenancy.can(self.request.user, domain, action, park_id=park_id, enterprise_id=enterprise_id)


class ScopedObjectMixin(ScopedViewMixin):
    """``self.object`` for the user with ``action``; DetailView's ``get_object`` returns it."""

    def get_object(self, queryset=None):
        return self.object


class ScopedDetailView(ScopedObjectMixin, DetailView):
    pass


class ScopedPageView(ScopedViewMixin, TemplateView):
    """A page about its declared parent and/or object (``object`` in the context)."""

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        if getattr(self, "object", None) is not None:
            ctx.setdefault("object", self.object)
        if self.parent is not None:
            ctx.setdefault(self.parent.attr, getattr(self, self.parent.attr))
        return ctx


class ListingMixin:
    """A list page that shows a page of its rows (common.pagination.paginate: at most 100 rows a page,
    server-side search and sort), the one mechanism of every list page.

    Declare ``list_sorts`` (sort key -> ordering, the last term unique), ``list_default`` (a key, ``-key``
    descending), ``list_search`` (the fields ``?q`` looks in) and ``list_keep`` (other parameters the page
    links carry); :meth:`listing` gives the page. Templates show ``common/_list_search.html`` (when the list
    searches) and ``web/_pager.html``.
    """

    list_sorts: dict = {"id": ("-id",)}
    list_default = "id"
    list_search: tuple = ()
    list_keep: tuple = ()
    list_per_page = PAGE_ROWS_MAX

    def listing(self, qs, **overrides) -> ListPage:
        opts = {"sorts": self.list_sorts, "default": self.list_default, "search": self.list_search,
                "keep": self.list_keep, "per_page": self.list_per_page, **overrides}
        return paginate(self.request, qs, **opts)


class ScopedListView(ListingMixin, ScopedPageView):
    """A list page: ``get_queryset()`` starts from ``list_model.objects.restrict(user, "view")``; the context
    holds a page of it (``listing``, its rows under ``context_list_name``)."""

    list_model = None
    context_list_name = "object_list"

    def get_queryset(self):
        return self.list_model.objects.restrict(self.request.user, "view")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        if self.context_list_name not in ctx:
            listing = self.listing(self.get_queryset())
            ctx.update({self.context_list_name: listing.rows, "listing": listing})
        return ctx


class ScopedActionView(ScopedViewMixin, View):
    """A POST-only page on ``self.object`` (GET goes back to the object)."""

    def get(self, request, *args, **kwargs):
        return redirect(self.object.get_absolute_url())


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


class ServiceFormView(ScopedViewMixin, FormView):
    """A form whose valid data is handed to a service; the service's ValidationError returns to the form.

    Subclasses declare their access (see :class:`ScopedViewMixin`), implement ``perform(form)`` (call the
    service, return the saved object) and may set ``success_message``. ``edits_object = True`` passes
    ``self.object`` to a model form as its instance. Nothing is saved when the service refuses: services
    are atomic.
    """

    success_message = ""
    template_name = "web/form.html"
    title = ""
    cancel_url = None
    edits_object = False

    def perform(self, form):  # pragma: no cover - abstract
        raise NotImplementedError

    def get_form_kwargs(self):
        # Every form is a common.forms.ScopedForm/ScopedModelForm: its relation fields are narrowed for this user.
        kwargs = {**super().get_form_kwargs(), "user": self.request.user}
        if self.edits_object:
            kwargs["instance"] = self.object
        return kwargs

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


class WorkflowActionView(ScopedViewMixin, View):
    """POST one step of ``self.object``'s workflow, named by the URL argument ``step``.

    The step must be declared in the model's workflow (404 otherwise); the declaration decides whether
    the user may take it now (403 for a role without the permission, a message with the reason for a
    wrong status or the author under four-eyes). The service runs the step and checks the same
    declaration again. GET goes back to the object.
    """

    transition_kwarg = "step"
    success_messages: dict[str, str] = {}

    @property
    def workflow(self):
        from .workflow import workflow_of

        return workflow_of(self.model)

    def check_access(self, request, **kwargs) -> None:
        if kwargs.get(self.transition_kwarg) not in self.workflow.names():
            raise Http404
        super().check_access(request, **kwargs)
        if request.method == "POST":  # a GET only goes back to the record
            self.workflow.require_permission(request.user, self.object, kwargs[self.transition_kwarg])

    def get(self, request, *args, **kwargs):
        return redirect(self.object.get_absolute_url())

    def post(self, request, *args, **kwargs):
        step = kwargs[self.transition_kwarg]
        try:
            self.workflow.run(step, actor=request.user, obj=self.object, data=request.POST)
        except ValidationError as exc:
            for m in exc.messages:
                messages.error(request, m)
        else:
            msg = self.success_messages.get(step) or self.workflow.get(step).done
            if msg:
                messages.success(request, msg)
        return redirect(self.get_success_url())

    def get_success_url(self):
        return self.object.get_absolute_url()
