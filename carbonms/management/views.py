"""Pages of the management system: the system home, the registers, the policy and document control.

Thin: the system and records are fetched through the tenancy mechanism (404 outside the user's
scope), writes go through services.
"""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from carbonms.common import tenancy
from carbonms.common.files import ScopedFileDownloadView
from carbonms.common.views import ServiceFormView, apply_validation_error

from . import forms, registers, selectors, services
from . import system as systems
from .documents import Document, DocumentVersion
from .models import Policy


class SystemMixin:
    """Resolves ``self.system`` from the ``owner`` URL argument (404 outside the user's scope)."""

    def dispatch(self, request, *args, **kwargs):
        self.system = systems.resolve(request.user, kwargs["owner"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["system"] = self.system
        ctx["can_add"] = self.system.can(self.request.user, "add")
        return ctx


class ObjectMixin:
    """Loads ``self.object`` for the user with ``action`` and its system."""

    model = None
    action = "view"

    def get_queryset(self):
        return self.model._default_manager.select_related("park", "enterprise")

    def dispatch(self, request, *args, **kwargs):
        self.object = tenancy.get_for_user(self.get_queryset(), request.user, kwargs["pk"], self.action)
        self.system = systems.of(self.object)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(object=self.object, system=self.system)
        return ctx


class SystemCreateView(SystemMixin, ServiceFormView):
    """A form that adds a record to a system: the system is resolved, then ``<domain>.add`` is required.
    Subclasses set ``title``, ``cancel_name`` (a URL name taking the owner) and ``perform``."""

    template_name = "management/form.html"
    domain = "management"
    title = ""
    cancel_name = "management:home"

    def dispatch(self, request, *args, **kwargs):
        self.system = systems.resolve(request.user, kwargs["owner"])
        if not self.system.can(request.user, "add", self.domain):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

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

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.object}

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
    def dispatch(self, request, *args, **kwargs):
        self.register = registers.get(kwargs["register"])
        self.model = self.register.model
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["register"] = self.register
        return ctx


class RegisterListView(RegisterMixin, SystemMixin, TemplateView):
    template_name = "management/register_list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        rows = selectors.register_rows(self.request.user, self.system, self.register)
        ctx.update(rows=rows, headers=[self.model._meta.get_field(c).verbose_name for c in self.register.columns])
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

    def dispatch(self, request, *args, **kwargs):
        self.system = systems.resolve(request.user, kwargs["owner"])
        if not self.system.can(request.user, "add"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

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

    def dispatch(self, request, *args, **kwargs):
        self.model = _deletable(kwargs["kind"])
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        back = self.system.url("management:home")
        try:
            services.register_delete(actor=request.user, obj=self.object)
        except ValidationError as exc:
            return self.render_to_response(self.get_context_data(error=exc.messages[0]))
        messages.success(request, _("Deleted."))
        return HttpResponseRedirect(back)


def _deletable(kind: str):
    """Register entries may be deleted (when nothing depends on them); policies, documents and their versions
    are superseded or made obsolete instead, so that their history stays whole."""
    if kind in registers.REGISTERS:
        return registers.REGISTERS[kind].model
    raise Http404


# --------------------------------------------------------------------------- policy


class PolicyListView(SystemMixin, TemplateView):
    template_name = "management/policy_list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["policies"] = self.system.filter(Policy.objects.restrict(self.request.user)).select_related("author", "approved_by")
        return ctx


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


class PolicyActionView(ObjectMixin, TemplateView):
    """POST submit / approve / publish / review; a refusal comes back on the policy page with its reason."""

    model = Policy
    template_name = "management/policy_detail.html"
    ACTIONS = ("submit", "approve", "publish", "review")

    def dispatch(self, request, *args, **kwargs):
        if kwargs["step"] not in self.ACTIONS:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        return redirect(self.object.get_absolute_url())

    def post(self, request, *args, **kwargs):
        step, user, p = kwargs["step"], request.user, self.object
        try:
            if step == "submit":
                services.policy_submit(actor=user, policy=p)
            elif step == "approve":
                services.policy_approve(actor=user, policy=p)
            elif step == "publish":
                services.policy_publish(actor=user, policy=p, published_to=request.POST.get("published_to", ""))
            else:
                form = forms.ReviewForm(request.POST)
                form.is_valid()
                services.policy_review(actor=user, policy=p, next_review_on=form.cleaned_data.get("next_review_on"))
        except ValidationError as exc:
            for m in exc.messages:
                messages.error(request, m)
        else:
            messages.success(request, {"submit": _("Submitted for approval."), "approve": _("Approved: this version is in force."),
                                       "publish": _("Publication recorded."), "review": _("Review recorded.")}[step])
        return redirect(p.get_absolute_url())


# --------------------------------------------------------------------------- documents


class DocumentListView(SystemMixin, TemplateView):
    template_name = "management/document_list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["documents"] = self.system.filter(Document.objects.restrict(self.request.user)).prefetch_related("versions")
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


class VersionActionView(ObjectMixin, TemplateView):
    model = DocumentVersion

    def dispatch(self, request, *args, **kwargs):
        if kwargs["step"] not in ("approve", "in_force"):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        return redirect(self.object.get_absolute_url())

    def post(self, request, *args, **kwargs):
        try:
            if kwargs["step"] == "approve":
                services.version_approve(actor=request.user, version=self.object)
                messages.success(request, _("Version approved."))
            else:
                services.version_put_in_force(actor=request.user, version=self.object)
                messages.success(request, _("Version in force; the previous version is marked obsolete."))
        except ValidationError as exc:
            for m in exc.messages:
                messages.error(request, m)
        return redirect(self.object.get_absolute_url())


class VersionFileView(ScopedFileDownloadView):
    """A document version's file (uploaded or a generated Annex A draft), through carbonms.common.files."""

    model = DocumentVersion


class DraftGenerateView(SystemMixin, TemplateView):
    """POST: generate a starting draft (Annex A documents) filled with the system's data."""

    template_name = "management/confirm_generate.html"

    def dispatch(self, request, *args, **kwargs):
        from .drafts import TEMPLATES

        if kwargs["template"] not in TEMPLATES:
            raise Http404
        self.template = TEMPLATES[kwargs["template"]]
        return super().dispatch(request, *args, **kwargs)

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
