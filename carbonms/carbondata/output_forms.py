"""Forms of the output and economic data pages. The services validate (units, signs, price basis, locks);
numbers are taken as text so that the service's message names the field (carbonms.common.numbers)."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from carbonms.common.forms import ScopedForm, ScopedModelForm

from .models import EconomicRecord, Product


class ProductForm(ScopedModelForm):
    model_validation = False

    class Meta:
        model = Product
        fields = ["code", "name", "kind", "unit", "active", "note"]


class ProductionCorrectionForm(ScopedForm):
    quantity = forms.CharField(label=_("new quantity"))
    unit = forms.CharField(label=_("unit"), required=False, help_text=_("Empty: the product's unit."))
    reason = forms.CharField(label=_("reason for correction"), max_length=300)


def _figure(label, help_text=""):
    return forms.CharField(label=label, required=False, help_text=help_text,
                           widget=forms.TextInput(attrs={"inputmode": "decimal"}))


class EconomicForm(ScopedForm):
    """The figures of an economic record (the park's adds GDP; a correction asks for a reason, not a year)."""

    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    output_value_10k_yuan = _figure(_("gross industrial output value (10⁴ yuan)"))
    value_added_10k_yuan = _figure(_("value added (10⁴ yuan)"), _("Needs its price basis."))
    price_basis = forms.ChoiceField(label=_("price basis"), required=False,
                                    choices=[("", "—"), *EconomicRecord.PriceBasis.choices])
    price_base_year = forms.IntegerField(label=_("price base year"), required=False, min_value=1950, max_value=2100,
                                         help_text=_("For constant prices, e.g. 2020."))
    revenue_10k_yuan = _figure(_("revenue (10⁴ yuan)"))
    employees = _figure(_("employees"))
    gdp_10k_yuan = _figure(_("GDP of the zone (10⁴ yuan)"))
    note = forms.CharField(label=_("note"), max_length=300, required=False)
    reason = forms.CharField(label=_("reason for correction"), max_length=300)

    def __init__(self, *args, park_level: bool = False, correction: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not park_level:
            del self.fields["gdp_10k_yuan"]
        if correction:
            del self.fields["year"]
            del self.fields["note"]
        else:
            del self.fields["reason"]
