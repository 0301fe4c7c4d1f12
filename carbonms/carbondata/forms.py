"""Forms of the carbon data pages. Validation of the records is the services' job (``model_validation`` off);
every relation field is narrowed to the record's enterprise by the base (carbonms.common.forms)."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from carbonms.accounting.units import LAB_UNITS
from carbonms.common.forms import ScopedForm, ScopedModelForm
from carbonms.common.numbers import DecimalFormField
from carbonms.common.tenancy import PARK_REACH, Scope
from carbonms.organizations.forms import DateInput

from .models import (
    Calibration,
    Evidence,
    LabAnalysis,
    MeasuringInstrument,
    MonitoringPlan,
    PlanItem,
    Source,
    UserFactor,
)


class _ServiceValidated(ScopedModelForm):
    model_validation = False


class SourceForm(_ServiceValidated):
    # The supplier is another enterprise of the park, offered only where the user may see it (park staff).
    scope_reach = {"supplier": PARK_REACH}

    class Meta:
        model = Source
        fields = ["code", "name", "unit", "equipment", "category", "gases", "method", "method_reason", "material",
                  "factor_key", "activity_unit", "direction", "balance_group", "carbon_fraction", "purity",
                  "calcination_fraction", "steam_enthalpy", "market_share", "market_ef", "data_source", "data_owner_name",
                  "supplier", "plausible_min", "plausible_max", "change_threshold", "effective_from", "effective_to"]
        widgets = {"effective_from": DateInput(), "effective_to": DateInput()}
        field_classes = {"carbon_fraction": DecimalFormField, "purity": DecimalFormField,
                         "calcination_fraction": DecimalFormField, "steam_enthalpy": DecimalFormField,
                         "market_share": DecimalFormField, "market_ef": DecimalFormField}

    def __init__(self, *args, enterprise=None, **kwargs):
        super().__init__(*args, **kwargs)
        enterprise = enterprise or self.instance.enterprise
        self.scope = self.scope or Scope.of(enterprise)
        self.fields["supplier"].queryset = self.fields["supplier"].queryset.exclude(pk=enterprise.pk)


class RetireForm(ScopedForm):
    on = forms.DateField(label=_("retired on"), widget=DateInput())
    reason = forms.CharField(label=_("reason"), max_length=300)


class PlanForm(_ServiceValidated):
    class Meta:
        model = MonitoringPlan
        fields = ["basic_information", "boundary_description", "effective_from"]
        widgets = {"effective_from": DateInput(), "basic_information": forms.Textarea(attrs={"rows": 3}),
                   "boundary_description": forms.Textarea(attrs={"rows": 3})}


class PlanItemForm(_ServiceValidated):
    class Meta:
        model = PlanItem
        fields = ["source", "data_item", "data_source", "min_frequency", "requirements", "evidence_kept", "instrument"]

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, scope=plan, **kwargs)


class InstrumentForm(_ServiceValidated):
    class Meta:
        model = MeasuringInstrument
        fields = ["code", "name", "instrument_type", "model_number", "accuracy_class", "location", "sources", "in_service"]

    def __init__(self, *args, enterprise, **kwargs):
        super().__init__(*args, scope=enterprise, **kwargs)


class CalibrationForm(_ServiceValidated):
    class Meta:
        model = Calibration
        fields = ["kind", "performed_on", "due_on", "certificate_no", "certificate", "body", "passed"]
        widgets = {"performed_on": DateInput(), "due_on": DateInput()}


class LabForm(_ServiceValidated):
    class Meta:
        model = LabAnalysis
        fields = ["year", "month", "batch", "parameter", "value", "unit", "weight", "laboratory"]
        field_classes = {"value": DecimalFormField, "weight": DecimalFormField}  # the platform's number rule

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # the units each parameter may be reported in (carbonms.accounting.units.LAB_UNITS), as the lab wrote them
        self.fields["unit"].help_text = "; ".join(
            f"{label}: {', '.join(LAB_UNITS[value])}" for value, label in LabAnalysis.Parameter.choices)


class CorrectionForm(ScopedForm):
    amount = forms.CharField(label=_("new amount"))
    unit = forms.CharField(label=_("unit"), required=False)
    reason = forms.CharField(label=_("reason for correction"), max_length=300)


class EvidenceForm(ScopedForm):
    kind = forms.ChoiceField(label=_("kind"), choices=Evidence.Kind.choices)
    file = forms.FileField(label=_("file"))
    description = forms.CharField(label=_("description"), max_length=300, required=False)


class UploadForm(ScopedForm):
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    file = forms.FileField(label=_("workbook (.xlsx)"))


class UserFactorForm(_ServiceValidated):
    class Meta:
        model = UserFactor
        fields = ["key", "kind", "material", "ncv", "ncv_unit", "carbon_content", "oxidation_rate", "ef", "ef_unit",
                  "source_document", "year", "status", "note"]
