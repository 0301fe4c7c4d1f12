"""Forms of the carbon data pages. Validation of the records is the services' job (``_post_clean`` off)."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from carbonms.common.numbers import DecimalFormField
from carbonms.organizations.forms import DateInput
from carbonms.organizations.models import EmissionUnit, Enterprise, Equipment

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


class _NoModelClean:
    def _post_clean(self):
        pass


class SourceForm(_NoModelClean, forms.ModelForm):
    class Meta:
        model = Source
        fields = ["code", "name", "unit", "equipment", "category", "gases", "method", "material", "factor_key",
                  "activity_unit", "data_source", "data_owner_name", "supplier", "plausible_min", "plausible_max",
                  "effective_from", "effective_to"]
        widgets = {"effective_from": DateInput(), "effective_to": DateInput()}

    def __init__(self, *args, enterprise=None, **kwargs):
        super().__init__(*args, **kwargs)
        enterprise = enterprise or self.instance.enterprise
        self.fields["unit"].queryset = EmissionUnit.objects.filter(enterprise=enterprise)
        self.fields["equipment"].queryset = Equipment.objects.filter(enterprise=enterprise)
        self.fields["supplier"].queryset = Enterprise.objects.filter(park_id=enterprise.park_id).exclude(pk=enterprise.pk)


class RetireForm(forms.Form):
    on = forms.DateField(label=_("retired on"), widget=DateInput())
    reason = forms.CharField(label=_("reason"), max_length=300)


class PlanForm(_NoModelClean, forms.ModelForm):
    class Meta:
        model = MonitoringPlan
        fields = ["basic_information", "boundary_description", "effective_from"]
        widgets = {"effective_from": DateInput(), "basic_information": forms.Textarea(attrs={"rows": 3}),
                   "boundary_description": forms.Textarea(attrs={"rows": 3})}


class PlanItemForm(_NoModelClean, forms.ModelForm):
    class Meta:
        model = PlanItem
        fields = ["source", "data_item", "data_source", "min_frequency", "requirements", "evidence_kept", "instrument"]

    def __init__(self, *args, plan=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = Source.objects.filter(enterprise=plan.enterprise)
        self.fields["instrument"].queryset = MeasuringInstrument.objects.filter(enterprise=plan.enterprise)


class InstrumentForm(_NoModelClean, forms.ModelForm):
    class Meta:
        model = MeasuringInstrument
        fields = ["code", "name", "instrument_type", "model_number", "accuracy_class", "location", "sources", "in_service"]

    def __init__(self, *args, enterprise=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sources"].queryset = Source.objects.filter(enterprise=enterprise)


class CalibrationForm(_NoModelClean, forms.ModelForm):
    class Meta:
        model = Calibration
        fields = ["kind", "performed_on", "due_on", "certificate_no", "certificate", "body", "passed"]
        widgets = {"performed_on": DateInput(), "due_on": DateInput()}


class LabForm(forms.ModelForm):
    class Meta:
        model = LabAnalysis
        fields = ["year", "month", "batch", "parameter", "value", "unit", "weight", "laboratory"]
        field_classes = {"value": DecimalFormField, "weight": DecimalFormField}  # the platform's number rule

    def _post_clean(self):
        pass


class CorrectionForm(forms.Form):
    amount = forms.CharField(label=_("new amount"))
    unit = forms.CharField(label=_("unit"), required=False)
    reason = forms.CharField(label=_("reason for correction"), max_length=300)


class EvidenceForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=Evidence.Kind.choices)
    file = forms.FileField(label=_("file"))
    description = forms.CharField(label=_("description"), max_length=300, required=False)


class UploadForm(forms.Form):
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    file = forms.FileField(label=_("workbook (.xlsx)"))


class UserFactorForm(_NoModelClean, forms.ModelForm):
    class Meta:
        model = UserFactor
        fields = ["key", "kind", "material", "ncv", "ncv_unit", "carbon_content", "oxidation_rate", "ef", "ef_unit",
                  "source_document", "year", "status", "note"]
