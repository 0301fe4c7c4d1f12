"""Forms of the abatement pages. The activity before and after a measure is entered as one row each (the API
takes any number of rows); further rows already stored are kept when the form is saved."""
from __future__ import annotations

import datetime as dt
import json

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carbonms.carbondata.models.register import Category, Method
from carbonms.common.forms import ScopedModelForm, relation_fields

from .models import ActionLine, Opportunity, Scenario

GWP_CHOICES = [("SAR", "SAR"), ("AR4", "AR4"), ("AR5", "AR5"), ("AR6", "AR6")]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None, format=None):
        super().__init__(attrs, format=format or "%Y-%m-%d")


def default_factor_year() -> int:
    return timezone.localdate().year - 1


def narrow(form, system) -> None:
    """Offer only the system's people, its entity's targets and the sources and units whose data belong to it."""
    from carbonms.accounts.models import User
    from carbonms.management import system as systems

    form.narrow_to(system)
    for name, f in relation_fields(form).items():
        qs = f.queryset
        if qs.model is User:
            f.queryset = qs.filter(pk__in=systems.people(system).values("pk"))
        elif name in ("target", "opportunity"):
            f.queryset = system.filter(qs)
        elif name in ("sources", "units"):
            f.queryset = qs.filter(enterprise_id=system.measured_enterprise_id())


class ActivityFormMixin:
    """Two rows of the accounting core's input, before and after the measure."""

    SIDES = (("before", _("Before the measure")), ("after", _("After the measure")))

    def add_activity_fields(self):
        for side, _label in self.SIDES:
            self.fields[f"{side}_category"] = forms.ChoiceField(label=_("Category"),
                                                                choices=Category.choices)
            self.fields[f"{side}_method"] = forms.ChoiceField(label=_("Method"), choices=Method.choices)
            self.fields[f"{side}_material"] = forms.CharField(label=_("Material / fuel"), max_length=80,
                                                              help_text=_("As named in the factor library, e.g. 烟煤, 天然气, 电力."))
            self.fields[f"{side}_amount"] = forms.DecimalField(label=_("Annual amount"), min_value=0)
            self.fields[f"{side}_unit"] = forms.CharField(label=_("Unit"), max_length=20)
            self.fields[f"{side}_ef"] = forms.DecimalField(label=_("Emission factor (optional)"),
                                                           required=False, min_value=0)
            self.fields[f"{side}_ef_unit"] = forms.CharField(label=_("Factor unit"), required=False,
                                                             max_length=30, help_text=_("e.g. tCO2/t, tCO2/MWh"))
            rows = getattr(self.instance, f"activity_{side}", None) or []
            if rows and not self.is_bound:
                first = rows[0]
                for k in ("category", "method", "material", "amount", "unit", "ef", "ef_unit"):
                    self.initial[f"{side}_{k}"] = first.get(k)
        if not self.instance.pk:
            self.initial.setdefault("factor_year", default_factor_year())

    def main_fields(self):
        return [f for f in self if not f.name.startswith(("before_", "after_"))]

    def side_fields(self):
        """(label, bound fields) of each side, for the two columns of the form."""
        return [(label, [f for f in self if f.name.startswith(f"{side}_")]) for side, label in self.SIDES]

    def activity_data(self) -> dict:
        out = {}
        for side, _label in self.SIDES:
            row = {k: self.cleaned_data.get(f"{side}_{k}") for k in ("category", "method", "material", "amount", "unit")}
            row["amount"] = float(row["amount"]) if row["amount"] is not None else None
            if self.cleaned_data.get(f"{side}_ef") is not None:
                row["ef"] = float(self.cleaned_data[f"{side}_ef"])
                row["ef_unit"] = self.cleaned_data.get(f"{side}_ef_unit") or ""
            rest = (getattr(self.instance, f"activity_{side}", None) or [])[1:]
            out[f"activity_{side}"] = [row, *rest]
        return out

    def service_data(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if not k.startswith(("before_", "after_"))}
        return {**data, **self.activity_data()}


class OpportunityForm(ActivityFormMixin, ScopedModelForm):
    model_validation = False

    class Meta:
        model = Opportunity
        fields = ["code", "title", "description", "category", "stage", "sources", "units", "capex", "delta_opex",
                  "lifetime_years", "discount_rate_pct", "maturity", "co_benefits", "owner", "status", "gwp_set", "factor_year"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3}), "co_benefits": forms.Textarea(attrs={"rows": 2}),
                   "gwp_set": forms.Select(choices=GWP_CHOICES)}

    def __init__(self, *args, system, **kwargs):
        super().__init__(*args, scope=system, **kwargs)
        self.add_activity_fields()
        narrow(self, system)


class ActionLineForm(ActivityFormMixin, ScopedModelForm):
    model_validation = False

    class Meta:
        model = ActionLine
        fields = ["code", "measure", "technical_content", "kind", "path_method", "target", "sources", "units", "department",
                  "responsible", "resources", "budget", "start_date", "end_date", "stage_results", "verification_method",
                  "status", "verified_reduction_t", "verified_on", "verification_note", "gwp_set", "factor_year"]
        widgets = {"technical_content": forms.Textarea(attrs={"rows": 3}), "path_method": forms.Textarea(attrs={"rows": 2}),
                   "resources": forms.Textarea(attrs={"rows": 2}), "stage_results": forms.Textarea(attrs={"rows": 3}),
                   "verification_method": forms.Textarea(attrs={"rows": 2}),
                   "verification_note": forms.Textarea(attrs={"rows": 2}), "start_date": DateInput(), "end_date": DateInput(),
                   "verified_on": DateInput(), "gwp_set": forms.Select(choices=GWP_CHOICES)}

    def __init__(self, *args, system, **kwargs):
        super().__init__(*args, scope=system, **kwargs)
        # the service names the missing responsible person and verification method (one clear message each)
        self.fields["responsible"].required = False
        self.fields["verification_method"].required = False
        self.add_activity_fields()
        narrow(self, system)


class PromoteForm(ScopedModelForm):
    """What a plan line adds to the opportunity it is promoted from."""

    model_validation = False

    class Meta:
        model = ActionLine
        fields = ["target", "department", "responsible", "path_method", "resources", "start_date", "end_date",
                  "stage_results", "verification_method"]
        widgets = {"start_date": DateInput(), "end_date": DateInput(), "path_method": forms.Textarea(attrs={"rows": 2}),
                   "resources": forms.Textarea(attrs={"rows": 2}), "stage_results": forms.Textarea(attrs={"rows": 2}),
                   "verification_method": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, system, **kwargs):
        super().__init__(*args, scope=system, **kwargs)
        self.fields["responsible"].required = False
        self.fields["verification_method"].required = False
        today = timezone.localdate()
        self.initial.setdefault("start_date", today)
        self.initial.setdefault("end_date", dt.date(today.year + 1, 12, 31))
        narrow(self, system)


class JSONStepsField(forms.CharField):
    """{year: tCO₂e} typed as JSON; the service checks years and amounts."""

    widget = forms.Textarea(attrs={"rows": 2})

    def prepare_value(self, value):
        if isinstance(value, dict):
            return json.dumps(value, ensure_ascii=False)
        return value

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return {}
        try:
            parsed = json.loads(value)
        except json.JSONDecodeError:
            raise forms.ValidationError(_('Give JSON such as {"2030": 5000}.')) from None
        if not isinstance(parsed, dict):
            raise forms.ValidationError(_('Give JSON such as {"2030": 5000}.'))
        return parsed


class ScenarioForm(ScopedModelForm):
    model_validation = False
    extra_reductions = JSONStepsField(label=_("further reductions"), required=False,
                                      help_text=_('{"year": tCO₂e per year} from that year, e.g. a renewable plan: {"2027": 20000}.'))
    sinks = JSONStepsField(label=_("planned sinks and offsets"), required=False,
                           help_text=_('{"year": tCO₂e per year} from that year, e.g. {"2035": 50000}.'))

    class Meta:
        model = Scenario
        fields = ["name", "kind", "horizon", "growth_pct", "intensity_change_pct", "uncertainty_pp", "include_action_plans",
                  "extra_reductions", "sinks", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, system, **kwargs):
        super().__init__(*args, scope=system, **kwargs)
