"""Pages of the management system: the system home, the registers, the policy and document control.

Thin: the system and records are fetched through the tenancy mechanism (404 outside the user's
scope), writes go through services.
"""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from carbonms.common.files import ScopedFileDownloadView
from carbonms.common.views import (
    ListingMixin,
    Parent,
    ScopedListView,
    ScopedViewMixin,
    ServiceFormView,
    WorkflowActionView,
    apply_validation_error,
)

from . import forms, registers, selectors, services
from . import system as systems
from .documents import Document, DocumentVersion
from .models import Policy

SYSTEM = Parent("owner", attr="system", resolve=systems.resolve)


class SystemMixin(ScopedViewMixin):
    """A page of the management system named by the ``owner`` URL argument (404 outside the user's scope)."""

    parent = SYSTEM
    domain = "management"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["system"] = self.system
        ctx["can_add"] = self.system.can(self.request.user, "add")
        return ctx


class ObjectMixin(ScopedViewMixin):
    """A page of ``self.object`` (``model``, fetched with ``action``) and its system."""

    select_related = ("park", "enterprise")

    def prepare(self):
        super().prepare()
        self.system = systems.of(self.object)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(object=self.object, system=self.system)
        return ctx


class SystemCreateView(SystemMixin, ServiceFormView):
    """A form that adds a record to a system: the system is resolved, then ``<domain>.add`` is required.
    Subclasses set ``title``, ``cancel_name`` (a URL name taking the owner), ``perform`` and, for another
    domain than the management system's, ``requires``."""

    template_name = "management/form.html"
    requires = ("management", "add")
    title = ""
    cancel_name = "management:home"

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        forms.limit_choices(form, self.system)
        return form

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(title=self.title, cancel_url=self.system.url(self.cancel_name))
        return ctx


class ObjectEditView(ObjectMixin, ServiceFormView):
    """A model form editing ``self.object`` (fetched with ``change``); choices limited to its system."""

    template_name = "management/form.html"
    action = "change"
    edits_object = True

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        forms.limit_choices(form, self.system)
        return form

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(title=_("Edit: %(record)s") % {"record": self.object}, cancel_url=self.object.get_absolute_url())
        return ctx


def home(request):
    s = systems.home_system(request.user)
    if s is None:
        raise Http404
    return redirect("management:home", s.slug)


class SystemHomeView(SystemMixin, TemplateView):
    template_name = "management/home.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(selectors.system_overview(self.request.user, self.system))
        ctx["systems"] = selectors.systems_for(self.request.user)
        return ctx


class RegisterMixin:
    """The register named by the ``register`` URL argument (404 for an unknown one) and its model."""

    url_choices = {"register": registers.REGISTERS}

    @property
    def register(self):
        return registers.get(self.kwargs["register"])

    @property
    def model(self):
        return self.register.model

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["register"] = self.register
        return ctx


class RegisterListView(RegisterMixin, SystemMixin, ListingMixin, TemplateView):
    template_name = "management/register_list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        listing_opts = selectors.register_listing(self.register)
        listing = self.listing(selectors.register_queryset(self.request.user, self.system, self.register), **listing_opts)
        rows = selectors.register_rows(listing.rows, self.register)
        ctx.update(rows=rows, listing=listing, headers=[(c if c in listing_opts["sorts"] else "", self.model._meta.get_field(c).verbose_name)
                                                          for c in self.register.columns])
        return ctx


class RegisterDetailView(RegisterMixin, ObjectMixin, TemplateView):
    template_name = "management/register_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["facts"] = selectors.facts(self.object, self.register.fields + (["significance"] if self.register.key == "risks" else []))
        ctx["can_change"] = self.system.can(self.request.user, "change")
        ctx["can_delete"] = self.system.can(self.request.user, "delete")
        ctx["dependents"] = selectors.dependents(self.object)
        ctx["model_name"] = self.model._meta.model_name
        return ctx


class RegisterCreateView(RegisterMixin, SystemMixin, ServiceFormView):
    template_name = "management/form.html"
    requires = ("management", "add")

    def get_form(self, form_class=None):
        return forms.register_form(self.register, self.system, **self.get_form_kwargs())

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["title"] = _("New entry: %(register)s") % {"register": self.register.title}
        ctx["cancel_url"] = self.system.url("management:register_list", self.register.key)
        return ctx

    def perform(self, form):
        save = self.register.save or services.register_save
        return save(actor=self.request.user, model=self.model, data=form.cleaned_data, park=self.system.park,
                    enterprise=self.system.enterprise)


class RegisterEditView(RegisterMixin, ObjectMixin, ServiceFormView):
    template_name = "management/form.html"
    action = "change"

    def get_form(self, form_class=None):
        return forms.register_form(self.register, self.system, instance=self.object, **self.get_form_kwargs())

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["title"] = _("Edit: %(record)s") % {"record": self.object}
        ctx["cancel_url"] = self.object.get_absolute_url()
        return ctx

    def perform(self, form):
        save = self.register.save or services.register_save
        return save(actor=self.request.user, model=self.model, data=form.cleaned_data, instance=self.object)


class DeleteView(ObjectMixin, TemplateView):
    """GET asks for confirmation; POST deletes, or shows why the record cannot be deleted."""

    template_name = "management/confirm_delete.html"
    action = "delete"
    # Register entries may be deleted (when nothing depends on them); policies, documents and their versions
    # are superseded or made obsolete instead, so that their history stays whole.
    url_choices = {"kind": registers.REGISTERS}

    @property
    def model(self):
        return registers.REGISTERS[self.kwargs["kind"]].model

    def post(self, request, *args, **kwargs):
        back = self.system.url("management:home")
        try:
            services.register_delete(actor=request.user, obj=self.object)
        except ValidationError as exc:
            return self.render_to_response(self.get_context_data(error=exc.messages[0]))
        messages.success(request, _("Deleted."))
        return HttpResponseRedirect(back)


# --------------------------------------------------------------------------- policy


class PolicyListView(SystemMixin, ScopedListView):
    template_name = "management/policy_list.html"
    list_model = Policy
    context_list_name = "policies"
    list_sorts = {"version": ("version", "id"), "title": ("title", "id"), "status": ("status", "id"),
                  "review": ("next_review_on", "id")}
    list_default = "-version"
    list_search = ("title",)

    def get_queryset(self):
        return self.system.filter(super().get_queryset()).select_related("author", "approved_by")


class PolicyCreateView(SystemCreateView):
    form_class = forms.PolicyForm
    title = _("Draft a policy version")
    cancel_name = "management:policy_list"
    success_message = _("Policy draft saved.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "enterprise_id": self.system.ids[1]}

    def get_initial(self):
        current = selectors.policy_in_force(self.system)
        if current:
            return {"title": current.title, "text": current.text, "commitments": current.commitments}
        return {"title": _("Carbon management policy"), "commitments": []}

    def perform(self, form):
        return services.policy_save(actor=self.request.user, data=form.cleaned_data, park=self.system.park,
                                    enterprise=self.system.enterprise)


class PolicyEditView(ObjectEditView):
    model = Policy
    form_class = forms.PolicyForm
    success_message = _("Policy draft saved.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "enterprise_id": self.object.enterprise_id}

    def perform(self, form):
        return services.policy_save(actor=self.request.user, data=form.cleaned_data, policy=self.object)


class PolicyDetailView(ObjectMixin, TemplateView):
    model = Policy
    template_name = "management/policy_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        p = self.object
        ctx.update(
            commitments=[(code, text, key in (p.commitments or [])) for key, code, text in services.commitments_for(p.enterprise_id)],
            can_change=self.system.can(self.request.user, "change"),
            can_approve=self.system.can(self.request.user, "approve"),
            publish_form=forms.PublishForm(), review_form=forms.ReviewForm(),
        )
        return ctx


class PolicyActionView(WorkflowActionView):
    """POST a step of the policy's workflow (management/workflows.py); a refusal comes back on the policy page."""

    model = Policy


# --------------------------------------------------------------------------- documents


class DocumentListView(SystemMixin, ScopedListView):
    template_name = "management/document_list.html"
    list_model = Document
    context_list_name = "documents"
    list_sorts = {"identifier": ("identifier", "id"), "title": ("title", "id"), "kind": ("kind", "id")}
    list_default = "identifier"
    list_search = ("identifier", "title")

    def get_queryset(self):
        return self.system.filter(super().get_queryset()).prefetch_related("versions")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        from .drafts import TEMPLATES

        ctx["templates"] = TEMPLATES
        return ctx


class DocumentCreateView(SystemCreateView):
    form_class = forms.DocumentForm
    title = _("New controlled document")
    cancel_name = "management:document_list"
    success_message = _("Document saved.")

    def perform(self, form):
        return services.document_save(actor=self.request.user, data=form.cleaned_data, park=self.system.park,
                                      enterprise=self.system.enterprise)


class DocumentEditView(ObjectEditView):
    model = Document
    form_class = forms.DocumentForm
    success_message = _("Document saved.")

    def perform(self, form):
        return services.document_save(actor=self.request.user, data=form.cleaned_data, document=self.object)


class DocumentDetailView(ObjectMixin, TemplateView):
    model = Document
    template_name = "management/document_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(
            versions=self.object.versions.select_related("author", "reviewer", "approver"),
            can_change=self.system.can(self.request.user, "change"),
            can_approve=self.system.can(self.request.user, "approve"),
        )
        return ctx


class VersionCreateView(ObjectMixin, ServiceFormView):
    model = Document
    action = "change"
    form_class = forms.VersionForm
    template_name = "management/form.html"
    success_message = _("Version added as a draft.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "system": self.system}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(title=_("New version of %(record)s") % {"record": self.object}, cancel_url=self.object.get_absolute_url(),
                   multipart=True)
        return ctx

    def perform(self, form):
        d = form.cleaned_data
        return services.version_add(actor=self.request.user, document=self.object, version=d["version"], file=d.get("file"),
                                    change_note=d.get("change_note", ""), reviewer=d.get("reviewer"))


class VersionActionView(WorkflowActionView):
    model = DocumentVersion


class VersionFileView(ScopedFileDownloadView):
    """A document version's file (uploaded or a generated Annex A draft), through carbonms.common.files."""

    model = DocumentVersion


def _draft_templates():
    from .drafts import TEMPLATES

    return TEMPLATES


class DraftGenerateView(SystemMixin, TemplateView):
    """POST: generate a starting draft (Annex A documents) filled with the system's data."""

    template_name = "management/confirm_generate.html"
    requires = ("management", "add")
    url_choices = {"template": lambda key: key in _draft_templates()}

    def prepare(self):
        self.template = _draft_templates()[self.kwargs["template"]]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["template"] = self.template
        return ctx

    def post(self, request, *args, **kwargs):
        from .drafts import generate_draft

        try:
            version = generate_draft(actor=request.user, system=self.system, key=kwargs["template"])
        except ValidationError as exc:
            form = forms.forms.Form()
            apply_validation_error(form, exc)
            for m in exc.messages:
                messages.error(request, m)
            return redirect(self.system.url("management:document_list"))
        messages.success(request, _("Draft generated as a new document version."))
        return redirect(version.get_absolute_url())
