from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from carbonms.common.forms import ScopedForm, ScopedModelForm

from .models import Boundary, EmissionUnit, Enterprise, Equipment, Park, Site
from .validators import membership_errors


class DateInput(forms.DateInput):
    """An HTML date input: its value must be ISO (YYYY-MM-DD) whatever the language's date format."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class EnterpriseForm(ScopedModelForm):
    model_validation = False  # uniqueness and validators are the service's job, so errors appear once

    class Meta:
        model = Enterprise
        fields = [
            "name", "short_name", "credit_code", "industry_code", "industry_name", "address", "legal_representative",
            "contact_name", "contact_phone", "contact_email", "carbon_market_covered", "key_energy_consumer",
            "employees", "status", "entered_on", "exited_on",
        ]
        widgets = {"credit_code": forms.TextInput(attrs={"style": "text-transform:uppercase", "maxlength": 18}),
                   "entered_on": DateInput(), "exited_on": DateInput()}

    def __init__(self, *args, park=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["industry_name"].required = False
        if park is not None:
            self.instance.park = park

    def clean(self):
        data = super().clean()
        for name, message in membership_errors(data.get("entered_on"), data.get("exited_on")).items():
            self.add_error(name, message)
        return data


class SiteForm(ScopedModelForm):
    model_validation = False

    class Meta:
        model = Site
        fields = ["code", "name", "address", "is_main"]

    def __init__(self, *args, enterprise: Enterprise | None = None, **kwargs):
        super().__init__(*args, scope=enterprise, **kwargs)


class UnitForm(ScopedModelForm):
    model_validation = False

    class Meta:
        model = EmissionUnit
        fields = ["site", "parent", "code", "name", "unit_type", "description", "is_active"]

    def __init__(self, *args, enterprise: Enterprise, **kwargs):
        # Only this enterprise's sites and units are offered (the base narrows to its scope); the service refuses
        # anything else too.
        super().__init__(*args, scope=enterprise, **kwargs)


class EquipmentForm(ScopedModelForm):
    model_validation = False

    class Meta:
        model = Equipment
        fields = [
            "unit", "code", "name", "equipment_type", "model_number", "manufacturer", "rated_capacity", "capacity_unit",
            "energy_types", "commissioned_on", "status",
        ]
        widgets = {"commissioned_on": DateInput()}

    def __init__(self, *args, enterprise: Enterprise, **kwargs):
        super().__init__(*args, scope=enterprise, **kwargs)


class BoundaryForm(ScopedForm):
    kind = forms.ChoiceField(label=_("kind"), choices=Boundary.Kind.choices)
    approach = forms.ChoiceField(label=_("consolidation approach"), choices=Boundary.Approach.choices)
    description = forms.CharField(label=_("description"), widget=forms.Textarea(attrs={"rows": 4}))
    sites = forms.ModelMultipleChoiceField(label=_("sites included"), queryset=Site.objects.all(), required=False,
                                           widget=forms.CheckboxSelectMultiple)
    effective_from = forms.DateField(label=_("effective from"), widget=DateInput())
    change_reason = forms.CharField(label=_("reason for change"), required=False, max_length=300)

    def __init__(self, *args, enterprise: Enterprise | None, park=None, **kwargs):
        super().__init__(*args, scope=enterprise or park, **kwargs)
        if enterprise is None:
            del self.fields["sites"]


class ParkForm(ScopedModelForm):
    model_validation = False

    class Meta:
        model = Park
        fields = ["name", "name_en", "province", "city", "zone_type", "area_km2", "established_year", "grid_region",
                  "administrator", "grid_scope", "grid_year_rule", "gwp_set", "factor_set"]
