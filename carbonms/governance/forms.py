"""Forms of the governance pages; the services validate the records (errors appear once)."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from carbonms.common.forms import ScopedForm, ScopedModelForm
from carbonms.management.forms import DateInput

from . import screening
from .models import ExitDecision, ProcurementCriterion, ProjectApplication, ServiceRequest, TrainingSession


class _Model(ScopedModelForm):
    model_validation = False


class ApplicationForm(_Model):
    planned_activity = forms.CharField(
        label=_("planned activity data"), required=False, widget=forms.Textarea(attrs={"rows": 5, "class": "mono"}),
        help_text=_("One row a line: source, category, method, material, amount, unit "
                    "(e.g. 燃气锅炉,stationary_combustion,fuel_combustion,天然气,300,万立方米)."))

    class Meta:
        model = ProjectApplication
        fields = ["project", "applicant", "credit_code", "industry_code", "products", "capacity", "capacity_unit",
                  "planned_output", "benchmark", "operation_year", "planned_activity", "renewable_share_pct",
                  "energy_report", "carbon_report"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["benchmark"] = forms.ChoiceField(label=_("sector benchmark"), required=False,
                                                     choices=screening.benchmark_choices())
        rows = self.instance.planned_activity if self.instance and self.instance.pk else []
        if rows and not self.is_bound:
            self.initial["planned_activity"] = "\n".join(
                ",".join(str(r.get(k, "")) for k in screening.ACTIVITY_COLUMNS) for r in rows)


class DecisionForm(ScopedForm):
    decision = forms.ChoiceField(label=_("decision"), choices=ProjectApplication.Decision.choices)
    decided_on = forms.DateField(label=_("decided on"), widget=DateInput())
    votes_for = forms.IntegerField(label=_("votes for"), min_value=0, initial=0)
    votes_against = forms.IntegerField(label=_("votes against"), min_value=0, initial=0)
    votes_abstain = forms.IntegerField(label=_("abstentions"), min_value=0, initial=0)
    conditions = forms.CharField(label=_("conditions"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    entry_date = forms.DateField(label=_("entry date"), required=False, widget=DateInput(),
                                 help_text=_("For an admission: the date the enterprise enters the park."))


class ExitForm(_Model):
    class Meta:
        model = ExitDecision
        fields = ["reason", "decided_on", "exit_on", "votes_for", "votes_against", "votes_abstain"]
        widgets = {"decided_on": DateInput(), "exit_on": DateInput(), "reason": forms.Textarea(attrs={"rows": 3})}


class ConfirmForm(ScopedForm):
    """A form with nothing to fill in: the button confirms."""


class RoundForm(ScopedForm):
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    self_assessment_due = forms.DateField(label=_("self-assessment due"), required=False, widget=DateInput())


class ScoresForm(ScopedForm):
    """One number field per criterion (``score_<criterion id>``), 0 … its points."""

    def __init__(self, *args, scores=(), attr="park_score", with_notes=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = []
        for s in scores:
            c = s.criterion
            current = getattr(s, attr)
            if current is None and attr == "park_score":
                current = s.computed
            self.fields[f"score_{c.pk}"] = forms.DecimalField(
                label=f"{c.code} {c.name} (0–{c.max_points})", required=False, decimal_places=1, max_digits=5,
                initial=current)
            if with_notes:
                self.fields[f"note_{c.pk}"] = forms.CharField(label=_("note"), required=False, initial=s.note,
                                                              max_length=300)
            self.criteria.append(c)

    def scores(self) -> dict:
        return {str(c.pk): self.cleaned_data.get(f"score_{c.pk}") for c in self.criteria}

    def notes(self) -> dict:
        return {str(c.pk): self.cleaned_data.get(f"note_{c.pk}", "") for c in self.criteria if f"note_{c.pk}" in
                self.cleaned_data}


class AppealForm(ScopedForm):
    appeal_reason = forms.CharField(label=_("appeal reason"), widget=forms.Textarea(attrs={"rows": 3}))


class AppealDecisionForm(ScoresForm):
    upheld = forms.BooleanField(label=_("appeal upheld"), required=False)
    appeal_outcome = forms.CharField(label=_("appeal outcome"), widget=forms.Textarea(attrs={"rows": 3}))


class ProcurementForm(_Model):
    class Meta:
        model = ProcurementCriterion
        fields = ["category", "title", "significance", "evaluation", "in_force_from"]
        widgets = {"in_force_from": DateInput(), "evaluation": forms.Textarea(attrs={"rows": 3})}


class TrainingForm(_Model):
    class Meta:
        model = TrainingSession
        fields = ["title", "topic", "held_on", "trainer"]
        widgets = {"held_on": DateInput()}


class AttendanceForm(ScopedForm):
    enterprise = forms.ChoiceField(label=_("enterprise"))
    attendees = forms.IntegerField(label=_("attendees"), min_value=0)

    def __init__(self, *args, enterprises=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].choices = [(e.pk, e.name) for e in enterprises]


class RequestForm(_Model):
    class Meta:
        model = ServiceRequest
        fields = ["kind", "description", "quantity", "unit", "needed_by"]
        widgets = {"needed_by": DateInput(), "description": forms.Textarea(attrs={"rows": 3})}


class RespondForm(ScopedForm):
    status = forms.ChoiceField(label=_("status"), choices=ServiceRequest.Status.choices)
    response = forms.CharField(label=_("park response"), widget=forms.Textarea(attrs={"rows": 3}))
