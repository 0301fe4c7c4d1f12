"""Forms of the compliance pages (every form subclasses the scoped bases of carbonms.common.forms)."""
from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carbonms.common.forms import ScopedForm, ScopedModelForm

from .models import NeutralityClaim, OffsetProject


class SurrenderForm(ScopedForm):
    """One quantity per held lot, pre-filled with the asset core's proposal (CCER first up to the cap, then the
    oldest eligible vintage); ineligible lots are shown disabled with their reason."""

    def __init__(self, *args, lots: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.lots = lots
        for lot in lots:
            self.fields[f"qty_{lot['id']}"] = forms.DecimalField(
                label=lot.get("label", lot["id"]), required=False, min_value=Decimal(0), max_digits=14, decimal_places=0,
                initial=lot["proposed_t"] or None, disabled=not lot["eligible"],
                help_text=lot["reason"] or _("%(inst)s · vintage %(v)s · held %(q)s t") % {
                    "inst": lot["instrument"], "v": lot.get("vintage") or "—", "q": lot["quantity_t"]})

    def quantities(self) -> dict[str, Decimal]:
        return {name[4:]: v for name, v in self.cleaned_data.items() if name.startswith("qty_") and v}


class PositionPriceForm(forms.Form):
    price = forms.DecimalField(label=_("price (yuan/t)"), required=False, min_value=Decimal(0), max_digits=10, decimal_places=2)


class ProjectForm(ScopedModelForm):
    model_validation = False

    class Meta:
        model = OffsetProject
        fields = ["kind", "name", "methodology", "location", "local", "forestry", "area_mu", "started_on", "baseline",
                  "additionality", "estimated_annual_t"]
        widgets = {"started_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), "baseline": forms.Textarea(attrs={"rows": 3}),
                   "additionality": forms.Textarea(attrs={"rows": 3})}


class StageForm(ScopedForm):
    stage = forms.ChoiceField(label=_("stage"), choices=OffsetProject.Stage.choices)
    completed_on = forms.DateField(label=_("completed on"), initial=timezone.localdate,
                                   widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    body = forms.CharField(label=_("body"), required=False, max_length=120,
                           help_text=_("Validation or verification body, registry or authority."))
    reference = forms.CharField(label=_("reference"), required=False, max_length=120,
                                help_text=_("Report, notice, registration number."))
    quantity_t = forms.DecimalField(label=_("quantity (t)"), required=False, min_value=Decimal(0), max_digits=16, decimal_places=3)
    serial_first = forms.CharField(label=_("first serial"), required=False, max_length=80, help_text=_("Issuance only."))
    serial_last = forms.CharField(label=_("last serial"), required=False, max_length=80)
    vintage = forms.IntegerField(label=_("vintage"), required=False, min_value=2012, max_value=2100)
    document = forms.FileField(label=_("document"), required=False)
    note = forms.CharField(label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ClaimForm(ScopedForm):
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    gas_basis = forms.ChoiceField(label=_("gas basis"), choices=NeutralityClaim.GasBasis.choices)
    window_months = forms.IntegerField(label=_("cancellation window (months)"), initial=12, min_value=0, max_value=36,
                                       help_text=_("Offsets count when cancelled within this many months after the year."))


class DeterminationForm(ScopedForm):
    conclusion = forms.ChoiceField(label=_("determination conclusion"), choices=NeutralityClaim.Conclusion.choices)
    determined_on = forms.DateField(label=_("determination date"), initial=timezone.localdate,
                                    widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    verifier_body = forms.CharField(label=_("verification body"), required=False, max_length=120)
    determination_notes = forms.CharField(label=_("determination notes"), widget=forms.Textarea(attrs={"rows": 4}),
                                          help_text=_("Document review and site visit (8.4.5)."))
    determination_report = forms.FileField(label=_("determination report"), required=False)


def cancel_form_for(claim):
    """The form that cancels held units for ``claim``: the lot, the quantity, the date, the registry's certificate
    and the serials (credits)."""
    from carbonms.ledger.models import Instrument

    from . import holdings

    held = {i.pk for i, _q, _a in holdings.neutrality_choices(claim)}

    class CancelForm(ScopedForm):
        instrument = forms.ModelChoiceField(label=_("lot"), queryset=Instrument.objects.filter(pk__in=held))
        quantity_t = forms.DecimalField(label=_("quantity (t)"), min_value=Decimal(1), max_digits=14, decimal_places=0)
        cancelled_on = forms.DateField(label=_("cancelled on"), initial=timezone.localdate,
                                       widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
        certificate_no = forms.CharField(label=_("cancellation certificate number"), max_length=80)
        serial_first = forms.CharField(label=_("first serial number"), required=False, max_length=80)
        serial_last = forms.CharField(label=_("last serial number"), required=False, max_length=80)

        def __init__(self, *args, **kwargs):
            super().__init__(*args, scope=claim.enterprise, **kwargs)

    return CancelForm
