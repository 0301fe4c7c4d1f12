"""Forms of the carbonreview pages; relation fields are narrowed to the system (carbonms.management.forms.limit_choices)."""
from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carbonms.common.forms import ScopedForm
from carbonms.management.forms import _NoModelValidation

from .models import DeviationInvestigation, Indicator, ReviewSection


class IndicatorForm(_NoModelValidation):
    class Meta:
        model = Indicator
        fields = ["code", "name", "kind", "numerator", "denominator", "product_code", "relevant_variables", "baseline", "expected_value",
                  "deviation_threshold_pct", "data_source", "owner", "frequency", "active"]


class ReviewCreateForm(ScopedForm):
    year = forms.IntegerField(label=_("year"), min_value=2000)
    criteria = forms.CharField(label=_("criteria and methods"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                               help_text=_("Empty: the standard criteria (T/CSES 6.3 and T/CPQS 7.3)."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year - 1


class SectionForm(ScopedForm):
    findings = forms.CharField(label=_("findings"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    conclusion = forms.ChoiceField(label=_("conclusion"), choices=ReviewSection.Conclusion.choices, required=False)


class ApproveForm(ScopedForm):
    summary = forms.CharField(label=_("overall conclusion"), widget=forms.Textarea(attrs={"rows": 3}))


class UpdateForm(ScopedForm):
    trigger = forms.CharField(label=_("reason for the update"), widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=_("The significant change (T/CPQS 7.3.1) that calls for a new version."))


class ConcludeForm(ScopedForm):
    cause_scope = forms.BooleanField(required=False)
    cause_methodology = forms.BooleanField(required=False)
    cause_data_missing = forms.BooleanField(required=False)
    cause_data_unreliable = forms.BooleanField(required=False)
    cause_offsets = forms.BooleanField(required=False)
    cause_other = forms.BooleanField(required=False)
    analysis = forms.CharField(label=_("cause analysis"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    real_change = forms.NullBooleanField(label=_("a real change in performance"), required=False)
    conclusion = forms.CharField(label=_("conclusion"), widget=forms.Textarea(attrs={"rows": 3}))
    raise_nonconformity = forms.BooleanField(label=_("Raise a nonconformity"), required=False,
                                             help_text=_("Records a nonconformity (source: monitoring deviation) linked to this investigation."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for f, label, clause in DeviationInvestigation.CAUSES:
            self.fields[f].label = label
            self.fields[f].help_text = clause
