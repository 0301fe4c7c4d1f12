"""Forms of the zero-carbon plan and the technology list; the services validate (errors appear once)."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from carbonms.common.forms import ScopedModelForm
from carbonms.common.tenancy import PARK_REACH, Scope

from .models import (
    DemonstrationProject,
    IndicatorValue,
    Infrastructure,
    PlanTarget,
    RenewableSupply,
    Technology,
    TechnologyEvaluation,
    ZeroCarbonPlan,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class _ParkForm(ScopedModelForm):
    """A park-level record: relations reach the park's enterprises and installations."""

    model_validation = False
    scope_reach = {"enterprise": PARK_REACH, "infrastructure": PARK_REACH}

    def __init__(self, *args, park, **kwargs):
        super().__init__(*args, scope=Scope(park.pk, None), **kwargs)


class ZeroCarbonPlanForm(_ParkForm):
    class Meta:
        model = ZeroCarbonPlan
        fields = ["title", "first_year", "last_year", "summary"]


class PlanTargetForm(_ParkForm):
    class Meta:
        model = PlanTarget
        fields = ["indicator", "year", "value"]


class InfrastructureForm(_ParkForm):
    class Meta:
        model = Infrastructure
        fields = ["kind", "name", "enterprise", "capacity", "commissioned_on", "retired_on", "notes"]
        widgets = {"commissioned_on": DATE, "retired_on": DATE}


class SupplyForm(_ParkForm):
    certificate_ids = forms.CharField(label=_("certificate IDs"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                      help_text=_("One green certificate (1 MWh) per ID, separated by spaces, commas or lines."))

    class Meta:
        model = RenewableSupply
        fields = ["enterprise", "year", "kind", "use", "mwh", "infrastructure", "reference", "supplier"]


class IndicatorValueForm(_ParkForm):
    class Meta:
        model = IndicatorValue
        fields = ["indicator", "year", "value", "source"]


class TechnologyForm(_ParkForm):
    industries = forms.CharField(label=_("applicable industries (GB/T 4754)"), required=False,
                                 help_text=_("Codes of 2–4 digits separated by spaces or commas, e.g. 31 3011 2614."))

    class Meta:
        model = Technology
        fields = ["name", "category", "industries", "description", "abatement_potential", "cost_low", "cost_high",
                  "maturity", "reference_catalogue", "listed_on", "retired_on", "evaluation_due_on", "owner"]
        widgets = {"listed_on": DATE, "retired_on": DATE, "evaluation_due_on": DATE,
                   "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and isinstance(self.instance.industries, list):
            self.initial["industries"] = " ".join(self.instance.industries)


class EvaluationForm(_ParkForm):
    class Meta:
        model = TechnologyEvaluation
        fields = ["evaluated_on", "conclusion", "findings", "next_due_on"]
        widgets = {"evaluated_on": DATE, "next_due_on": DATE, "findings": forms.Textarea(attrs={"rows": 3})}


class DemonstrationForm(_ParkForm):
    class Meta:
        model = DemonstrationProject
        fields = ["enterprise", "name", "status", "started_on", "investment_10k_yuan", "abatement_t", "results"]
        widgets = {"started_on": DATE, "results": forms.Textarea(attrs={"rows": 3})}
