"""Forms of the governance pages; the services validate the records (errors appear once)."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from carbonms.common.forms import ScopedForm, ScopedModelForm
from carbonms.management.forms import DateInput

from . import screening
from .models import (
    Criterion,
    ExitDecision,
    Grade,
    ProcurementCriterion,
    ProcurementEvaluation,
    ProjectApplication,
    ServiceRequest,
    TrainingSession,
)


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
        fields = ["category", "title", "significance", "threshold_tco2e", "evaluation", "in_force_from"]
        widgets = {"in_force_from": DateInput(), "evaluation": forms.Textarea(attrs={"rows": 3})}


class ProcurementEvaluationForm(_Model):
    class Meta:
        model = ProcurementEvaluation
        fields = ["criterion", "item", "supplier", "evaluated_on", "impact_tco2e", "basis", "significant", "decision",
                  "conditions"]
        widgets = {"evaluated_on": DateInput(), "basis": forms.Textarea(attrs={"rows": 3}),
                   "conditions": forms.Textarea(attrs={"rows": 2})}
        help_texts = {"significant": _("Used only when the criterion has no threshold.")}


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


class SchemeForm(ScopedForm):
    """The assessment rules of a scheme version and its criteria as rows (``c<i>_code`` … ``c<i>_rule``): the
    criteria of the version plus two empty rows to add one; a row left empty is dropped."""

    title = forms.CharField(label=_("title"), max_length=200)
    excellent_min = forms.DecimalField(label=_("excellent from (points)"), max_digits=5, decimal_places=1)
    good_min = forms.DecimalField(label=_("good from (points)"), max_digits=5, decimal_places=1)
    pass_min = forms.DecimalField(label=_("pass from (points)"), max_digits=5, decimal_places=1)
    missed_target_cap = forms.ChoiceField(label=_("best grade when the target is missed"), choices=Grade.choices)
    in_force_from = forms.DateField(label=_("in force from"), required=False, widget=DateInput())
    rewards = forms.CharField(label=_("rewards"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    penalties = forms.CharField(label=_("penalties"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    ROW = ("code", "name", "group", "max_points", "source", "rule")
    EXTRA_ROWS = 2

    def __init__(self, *args, scheme=None, **kwargs):
        super().__init__(*args, **kwargs)
        criteria = list(scheme.criteria.all()) if scheme is not None else []
        if scheme is not None and not self.is_bound:
            for f in ("title", "excellent_min", "good_min", "pass_min", "missed_target_cap", "in_force_from",
                      "rewards", "penalties"):
                self.initial.setdefault(f, getattr(scheme, f))
        self.n_rows = len(criteria) + self.EXTRA_ROWS
        for i in range(self.n_rows):
            c = criteria[i] if i < len(criteria) else None
            self.fields[f"c{i}_code"] = forms.CharField(label=_("code"), max_length=20, required=False,
                                                        initial=c.code if c else "")
            self.fields[f"c{i}_name"] = forms.CharField(label=_("criterion"), max_length=200, required=False,
                                                        initial=c.name if c else "")
            self.fields[f"c{i}_group"] = forms.ChoiceField(label=_("group"), choices=Criterion.Group.choices,
                                                           required=False, initial=c.group if c else "measures")
            self.fields[f"c{i}_max_points"] = forms.DecimalField(
                label=_("points"), max_digits=5, decimal_places=1, min_value=0, required=False,
                initial=c.max_points if c else None)
            self.fields[f"c{i}_source"] = forms.ChoiceField(label=_("score from"), choices=Criterion.Source.choices,
                                                            required=False, initial=c.source if c else "manual")
            self.fields[f"c{i}_rule"] = forms.CharField(label=_("scoring rule"), required=False,
                                                        widget=forms.Textarea(attrs={"rows": 2}),
                                                        initial=c.rule if c else "")

    def scheme_fields(self):
        return [self[f] for f in ("title", "excellent_min", "good_min", "pass_min", "missed_target_cap",
                                  "in_force_from", "rewards", "penalties")]

    def criteria_rows(self):
        return [[self[f"c{i}_{k}"] for k in self.ROW] for i in range(self.n_rows)]

    def clean(self):
        data = super().clean()
        rows = []
        for i in range(self.n_rows):
            row = {k: data.get(f"c{i}_{k}") for k in self.ROW}
            if not row["code"] and not row["name"] and row["max_points"] is None and not row["rule"]:
                continue
            for k in ("code", "name", "max_points"):
                if row[k] in (None, ""):
                    self.add_error(f"c{i}_{k}", _("Criterion row %(n)d: enter the %(field)s.") % {
                        "n": i + 1, "field": self.fields[f"c{i}_{k}"].label})
            row["group"] = row["group"] or Criterion.Group.MEASURES
            row["source"] = row["source"] or Criterion.Source.MANUAL
            row["rule"] = row["rule"] or ""
            rows.append(row)
        if not rows:
            self.add_error(None, _("A scheme needs at least one criterion."))
        self.criteria = rows
        return data

    def scheme_data(self) -> dict:
        return {f: self.cleaned_data.get(f) for f in ("title", "excellent_min", "good_min", "pass_min",
                                                      "missed_target_cap", "in_force_from", "rewards", "penalties")}
