"""Forms of the inventory: the form that starts a calculation run (its basis, factor policy and boundary date;
defaults: the park's) and the forms of the inventory statements (the services validate; these carry the input)."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from carbonms.common.forms import ScopedForm
from carbonms.organizations.forms import DateInput
from carbonms.organizations.models import GWP_CHOICES, FactorSet, GridScope, GridYearRule

from .models import CalculationRun, InventoryStatement


class RunForm(ScopedForm):
    # Every field may be left out: the park's default applies (a management-basis run).
    basis = forms.ChoiceField(label=_("basis"), choices=CalculationRun.Basis.choices, initial=CalculationRun.Basis.MANAGEMENT,
                              required=False)
    gwp_set = forms.ChoiceField(label=_("GWP set"), choices=GWP_CHOICES, required=False)
    grid_scope = forms.ChoiceField(label=_("grid factor scope"), choices=GridScope.choices, required=False)
    grid_year_rule = forms.ChoiceField(label=_("grid factor year rule"), choices=GridYearRule.choices, required=False)
    grid_year = forms.IntegerField(label=_("grid factor year"), required=False, min_value=2000, max_value=2100,
                                   help_text=_("Only with the fixed year rule."))
    factor_set = forms.ChoiceField(label=_("factor set"), choices=FactorSet.choices, required=False,
                                   help_text=_("An ETS-basis run always uses the ETS factor set."))
    boundary_date = forms.DateField(label=_("boundary date"), required=False, widget=DateInput(),
                                    help_text=_("The accounting boundary in force on this date applies. Empty: the end "
                                                "of the year (today for the current year)."))
    reason = forms.CharField(label=_("reason"), required=False, max_length=300,
                             help_text=_("Needed to recompute a locked period."))

    def __init__(self, *args, park=None, **kwargs):
        super().__init__(*args, scope=park, **kwargs)
        if park is not None:  # the fields start from the park's default policy
            for name in ("gwp_set", "grid_scope", "grid_year_rule", "factor_set"):
                self.fields[name].initial = getattr(park, name)

    def service_kwargs(self) -> dict:
        d = dict(self.cleaned_data)
        if d.get("basis") == CalculationRun.Basis.ETS:
            d["factor_set"] = None  # the select always sends a value; an ETS-basis run takes the ETS set anyway
        return {k: d.get(k) or None for k in ("gwp_set", "grid_scope", "grid_year_rule", "grid_year", "factor_set",
                                             "boundary_date")} | {
            "basis": d.get("basis") or CalculationRun.Basis.MANAGEMENT, "reason": d.get("reason", "")}


class StatementCreateForm(ScopedForm):
    basis = forms.ChoiceField(label=_("basis"), choices=InventoryStatement.Basis.choices,
                              initial=InventoryStatement.Basis.MANAGEMENT)
    justification = forms.CharField(label=_("justification of incompleteness"), required=False,
                                    widget=forms.Textarea(attrs={"rows": 3}),
                                    help_text=_("Required when the run's coverage is incomplete."))
    restatement_reason = forms.CharField(label=_("reason for the restatement"), required=False, max_length=500,
                                         help_text=_("Required when the year already has a statement in force."))


class StatementVerifyForm(ScopedForm):
    opinion = forms.ChoiceField(label=_("verification opinion"), choices=[("", "—"), *InventoryStatement.Opinion.choices])
    misstatements = forms.CharField(label=_("material misstatements found"), required=False,
                                    widget=forms.Textarea(attrs={"rows": 3}))
    verified_on = forms.DateField(label=_("verification date"), widget=DateInput())
    verification_report = forms.FileField(label=_("verification report"))
