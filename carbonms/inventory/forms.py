"""Forms of the inventory statements (the services validate; these only carry the input)."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from carbonms.common.forms import ScopedForm

from .models import InventoryStatement


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
    verified_on = forms.DateField(label=_("verification date"), widget=forms.DateInput(attrs={"type": "date"}))
    verification_report = forms.FileField(label=_("verification report"))
