from __future__ import annotations

from django import forms
from django.forms import modelform_factory
from django.utils.translation import gettext_lazy as _

from carbonms.common.forms import ScopedForm, ScopedModelForm, relation_fields

from . import system as systems
from .documents import Document
from .models import Policy
from .services import commitments_for


class DateInput(forms.DateInput):
    """An HTML date input; its value is always ISO (a localised 2026/11/21 would show as empty)."""

    input_type = "date"

    def __init__(self, attrs=None, format=None):
        super().__init__(attrs, format=format or "%Y-%m-%d")


class _NoModelValidation(ScopedModelForm):
    # Model validation is the service's job, so errors appear once.
    model_validation = False


def limit_choices(form, system) -> None:
    """Offer only this system's records and people.

    The form is scoped to the system first (the base narrows every relation to what the user may see in that
    scope); then each choice is narrowed further, never widened: users to the system's people, management
    records to the system itself, carbon data to the enterprise whose data belong to the system.
    """
    from carbonms.accounts.models import User

    form.narrow_to(system)
    for f in relation_fields(form).values():
        qs = f.queryset
        if qs.model is User:
            f.queryset = qs.filter(pk__in=systems.people(system).values("pk"))
        elif "park" in {x.name for x in qs.model._meta.fields}:
            f.queryset = system.filter(qs)
        elif "enterprise" in {x.name for x in qs.model._meta.fields}:  # e.g. carbon data records
            f.queryset = qs.filter(enterprise_id=system.measured_enterprise_id())
        else:
            f.queryset = qs.none()


class RegisterForm(_NoModelValidation):
    """The base of the forms generated for each register (``register_form``)."""


def register_form(register, system, *args, **kwargs):
    widgets = {}
    for name in register.fields:
        field = register.model._meta.get_field(name)
        if field.get_internal_type() == "DateField":
            widgets[name] = DateInput()
        elif field.many_to_many:
            widgets[name] = forms.CheckboxSelectMultiple()
        elif field.get_internal_type() == "TextField":
            widgets[name] = forms.Textarea(attrs={"rows": 3})
    cls = modelform_factory(register.model, form=RegisterForm, fields=register.fields, widgets=widgets)
    form = cls(*args, **kwargs)
    limit_choices(form, system)
    return form


class PolicyForm(_NoModelValidation):
    commitments = forms.MultipleChoiceField(
        label=_("commitments"), required=False, widget=forms.CheckboxSelectMultiple,
        choices=(),
    )

    class Meta:
        model = Policy
        fields = ["title", "text", "commitments", "next_review_on"]
        widgets = {"text": forms.Textarea(attrs={"rows": 8}), "next_review_on": DateInput()}

    def __init__(self, *args, enterprise_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commitments"].choices = [(k, f"{c} {t}") for k, c, t in commitments_for(enterprise_id)]


class PublishForm(ScopedForm):
    published_to = forms.CharField(label=_("published to"), max_length=200, required=False)


class ReviewForm(ScopedForm):
    next_review_on = forms.DateField(label=_("next review"), widget=DateInput(), required=False)


class DocumentForm(_NoModelValidation):
    class Meta:
        model = Document
        fields = ["identifier", "title", "kind", "owner", "distribution", "access", "retention_years", "next_review_on"]
        widgets = {"next_review_on": DateInput()}


class VersionForm(ScopedForm):
    version = forms.CharField(label=_("version"), max_length=12)
    file = forms.FileField(label=_("file (PDF, DOCX or XLSX)"), required=False)
    change_note = forms.CharField(label=_("what changed"), max_length=300, required=False)
    reviewer = forms.ModelChoiceField(label=_("reviewer"), queryset=None, required=False)

    def __init__(self, *args, system, **kwargs):
        super().__init__(*args, scope=system, **kwargs)
        self.fields["reviewer"].queryset = systems.people(system)
