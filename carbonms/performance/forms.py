"""Forms of the performance pages; the services validate (errors appear once, keyed by field)."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from carbonms.accounting.categories import CATEGORIES
from carbonms.common.forms import ScopedForm, ScopedModelForm
from carbonms.organizations.models import GWP_CHOICES

from .models import Baseline, BaselineTrigger, Target, TargetAllocation


def category_choices():
    from django.utils.translation import get_language

    en = (get_language() or "").startswith("en")
    return [(c.code, c.code.replace("_", " ") if en else c.name_zh) for c in CATEGORIES]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class _Categories(ScopedModelForm):
    model_validation = False
    categories = forms.MultipleChoiceField(label=_("categories covered"), widget=forms.CheckboxSelectMultiple, choices=())
    gwp_set = forms.ChoiceField(label=_("GWP set"), choices=GWP_CHOICES)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["categories"].choices = category_choices()


class BaselineForm(_Categories):
    regression_json = forms.CharField(
        label=_("regression input (JSON, optional)"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_('As for “carbonms planning baseline”: {"periods": [{"period": "2024-01", "value": …, "variables": {…}}], '
                    '"variables": [...]}; the model period defaults to the base period.'))

    class Meta:
        model = Baseline
        fields = ["name", "unit", "metric", "period_start", "period_end", "base_year", "value", "unit_label", "categories",
                  "gwp_set", "counting_basis", "statement", "threshold_pct", "rationale"]
        widgets = {"period_start": DateInput(), "period_end": DateInput(), "rationale": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, enterprise=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["base_year"].required = False
        self.fields["value"].required = False
        self.fields["value"].help_text = _("Empty: taken from the statement of record over the categories covered.")
        if enterprise is None:
            del self.fields["unit"]
        inst = self.instance
        if inst is not None and inst.regression_input:
            import json

            self.fields["regression_json"].initial = json.dumps(inst.regression_input, ensure_ascii=False)

    def clean_regression_json(self):
        import json

        raw = (self.cleaned_data.get("regression_json") or "").strip()
        if not raw:
            return {}
        try:
            data = json.loads(raw)
        except ValueError as exc:
            raise forms.ValidationError(_("Not valid JSON: %(e)s") % {"e": exc}) from None
        if not isinstance(data, dict):
            raise forms.ValidationError(_("The regression input is a JSON object."))
        return data


class TargetForm(_Categories):
    class Meta:
        model = Target
        fields = ["code", "title", "objective", "unit", "equipment", "metric", "product", "unit_label", "categories",
                  "counting_basis", "gwp_set", "baseline", "base_year", "base_value", "start_year", "target_year", "method",
                  "reduction_pct", "target_value", "reserve"]
        widgets = {"objective": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, enterprise=None, decompose=False, **kwargs):
        super().__init__(*args, **kwargs)
        for f in ("base_year", "base_value", "start_year", "target_value", "reserve"):
            self.fields[f].required = False
        self.fields["base_year"].help_text = _("Taken from the baseline when one is chosen.")
        if enterprise is None:
            for f in ("unit", "equipment", "product"):
                del self.fields[f]
        else:
            del self.fields["reserve"]
            if not decompose:
                del self.fields["unit"]
                del self.fields["equipment"]


class TriggerForm(ScopedForm):
    kind = forms.ChoiceField(label=_("trigger"), choices=BaselineTrigger.Kind.choices)
    description = forms.CharField(label=_("description"), max_length=400)
    base_year_effect = forms.DecimalField(label=_("base-year effect (signed, in the baseline's unit)"), required=False,
                                          max_digits=20, decimal_places=6)


class EstimateForm(ScopedForm):
    base_year_effect = forms.DecimalField(label=_("base-year effect (signed, in the baseline's unit)"), required=False,
                                          max_digits=20, decimal_places=6)
    evidence_note = forms.CharField(label=_("evidence"), required=False, max_length=400)
    dismiss = forms.BooleanField(label=_("no base-year effect (dismiss)"), required=False)


class ProposeForm(ScopedForm):
    evidence = forms.CharField(label=_("evidence and explanation"), widget=forms.Textarea(attrs={"rows": 4}))


class AllocationForm(ScopedModelForm):
    model_validation = False

    class Meta:
        model = TargetAllocation
        fields = ["park_target", "enterprise", "method", "baseline", "base_value", "allocated_value", "benchmark_value", "benchmark_output",
                  "benchmark_source", "from_reserve", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, revise=False, **kwargs):
        super().__init__(*args, **kwargs)
        for f in ("base_value", "allocated_value"):
            self.fields[f].required = False
        self.fields["baseline"].queryset = self.fields["baseline"].queryset.filter(
            enterprise__isnull=False, unit__isnull=True, status=Baseline.Status.APPROVED)
        self.fields["enterprise"].queryset = self.fields["enterprise"].queryset.filter(status="active")
        self.fields["park_target"].queryset = self.fields["park_target"].queryset.filter(
            enterprise__isnull=True, status__in=(Target.Status.APPROVED, Target.Status.PUBLISHED))
        if revise:
            del self.fields["enterprise"]
            del self.fields["park_target"]
