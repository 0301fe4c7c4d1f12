from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from carbonms.common.forms import ScopedForm
from carbonms.management.forms import DateInput, _NoModelValidation, limit_choices
from carbonms.standards import catalogue

from .models import (
    Audit,
    AuditProgramme,
    CorrectiveAction,
    Finding,
    ManagementReview,
    Nonconformity,
    ReviewOutput,
)


def _bind(form, system):
    limit_choices(form, system)
    if "activity_record" in form.fields:
        from django.utils import timezone

        form.fields["activity_record"].queryset = (
            form.fields["activity_record"].queryset.filter(is_current=True, year__gte=timezone.localdate().year - 1)
            .select_related("source").order_by("-year", "-month", "source__code"))
    return form


class ProgrammeForm(_NoModelValidation):
    class Meta:
        model = AuditProgramme
        fields = ["year", "objectives", "frequency_basis", "manager"]


class AuditForm(_NoModelValidation):
    standard = forms.ChoiceField(label=_("standard (criteria)"), choices=())

    class Meta:
        model = Audit
        fields = ["programme", "title", "kind", "standard", "objective", "criteria", "areas", "scope", "lead", "team",
                  "external_body", "planned_start", "planned_end"]
        widgets = {"planned_start": DateInput(), "planned_end": DateInput(), "areas": forms.CheckboxSelectMultiple,
                   "team": forms.CheckboxSelectMultiple, "objective": forms.Textarea(attrs={"rows": 3}),
                   "criteria": forms.Textarea(attrs={"rows": 2}), "scope": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["standard"].choices = [(s.id, f"{s.code} {s.title_zh}") for s in catalogue.load_standards()]


class FindingForm(_NoModelValidation):
    class Meta:
        model = Finding
        fields = ["item", "kind", "description", "evidence", "evidence_version", "evidence_url"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3}), "evidence": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, audit, **kwargs):
        super().__init__(*args, scope=audit, **kwargs)
        self.fields["item"].queryset = audit.checklist.all()


class ReportForm(ScopedForm):
    overview = forms.CharField(label=_("overview"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    conclusion = forms.CharField(label=_("conclusion"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class NonconformityForm(_NoModelValidation):
    class Meta:
        model = Nonconformity
        fields = ["title", "source", "description", "activity_record", "detected_on", "owner", "correction", "correction_on", "five_whys",
                  "fishbone", "eight_d", "root_cause"]
        widgets = {"detected_on": DateInput(), "correction_on": DateInput(),
                   **{f: forms.Textarea(attrs={"rows": 3}) for f in ("description", "correction", "five_whys", "fishbone",
                                                                     "eight_d", "root_cause")}}


class ActionForm(_NoModelValidation):
    class Meta:
        model = CorrectiveAction
        fields = ["kind", "description", "owner", "due_on", "done_on", "result"]
        widgets = {"due_on": DateInput(), "done_on": DateInput(), "description": forms.Textarea(attrs={"rows": 2}),
                   "result": forms.Textarea(attrs={"rows": 2})}


class EffectivenessForm(ScopedForm):
    effectiveness_review = forms.CharField(label=_("effectiveness review"), widget=forms.Textarea(attrs={"rows": 3}),
                                           required=False)
    effective = forms.BooleanField(label=_("actions effective"), required=False)


class ReviewForm(_NoModelValidation):
    class Meta:
        model = ManagementReview
        fields = ["title", "held_on", "chair", "attendees"]
        widgets = {"held_on": DateInput(), "attendees": forms.Textarea(attrs={"rows": 2})}


class MinutesForm(ScopedForm):
    minutes = forms.CharField(label=_("discussion and conclusions"), widget=forms.Textarea(attrs={"rows": 4}), required=False)


class OutputForm(_NoModelValidation):
    class Meta:
        model = ReviewOutput
        fields = ["category", "decision", "owner", "due_on", "done_on"]
        widgets = {"due_on": DateInput(), "done_on": DateInput(), "decision": forms.Textarea(attrs={"rows": 2})}
