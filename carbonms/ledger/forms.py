"""Forms of the ledger pages; every relation field is narrowed to the holder's own records (common.forms)."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from carbonms.common.forms import ScopedForm, ScopedModelForm

from .models import Account, Instrument, Movement, PriceQuote

DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


class HolderFormMixin:
    """Relation fields hold only the records of the same holder (the enterprise, or the park itself)."""

    holder_fields: tuple[str, ...] = ()

    def narrow_holder(self, park, enterprise) -> None:
        for name in self.holder_fields:
            field = self.fields.get(name)
            if field is not None:
                field.queryset = field.queryset.filter(park=park, enterprise=enterprise)


class AccountForm(ScopedModelForm):
    model_validation = False

    class Meta:
        model = Account
        fields = ["kind", "market", "local_market", "institution", "number", "name", "opened_on", "closed_on", "notes"]
        widgets = {"opened_on": DATE, "closed_on": DATE, "notes": forms.Textarea(attrs={"rows": 2})}


class InstrumentForm(ScopedModelForm):
    model_validation = False

    class Meta:
        model = Instrument
        fields = ["kind", "vintage", "local_market", "project_id", "project_name", "methodology", "registered_on",
                  "serial_first", "serial_last", "forestry", "local", "from_covered_project", "green_certificate_claimed",
                  "product", "notes"]
        widgets = {"registered_on": DATE, "notes": forms.Textarea(attrs={"rows": 2})}


class MovementForm(HolderFormMixin, ScopedModelForm):
    model_validation = False
    holder_fields = ("instrument", "account", "to_instrument")
    evidence_file = forms.FileField(label=_("evidence file"), required=False,
                                    help_text=_("Trade confirmation, registry notice, cancellation certificate (kept with its SHA-256)."))

    class Meta:
        model = Movement
        fields = ["kind", "instrument", "account", "date", "quantity_t", "price_yuan_per_t", "amount_yuan", "fees_yuan",
                  "currency", "counterparty", "trade_method", "trade_reference", "compliance_year", "claim_year", "purpose",
                  "certificate_no", "serial_first", "serial_last", "to_instrument", "notes"]
        widgets = {"date": DATE, "notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, park=None, enterprise=None, **kwargs):
        super().__init__(*args, scope=enterprise or park, **kwargs)
        self.fields["currency"].help_text = _("CNY only: convert other currencies first.")
        self.narrow_holder(park, enterprise)


class PriceForm(ScopedModelForm):
    model_validation = False
    currency = forms.CharField(label=_("currency"), initial="CNY", max_length=10)
    unit = forms.CharField(label=_("unit"), initial="tCO2", max_length=12, help_text=_("Prices are per tonne of CO₂."))

    class Meta:
        model = PriceQuote
        fields = ["date", "product", "open", "high", "low", "close", "average", "volume_t", "currency", "unit", "source", "demo"]
        widgets = {"date": DATE}


class PriceImportForm(ScopedForm):
    file = forms.FileField(label=_("price table (CSV or XLSX)"),
                           help_text=_("Columns: date, product, open, high, low, close, average, volume_t, currency, unit, "
                                       "source (Chinese headers accepted). All rows or none."))


class RejectForm(ScopedForm):
    rejection_reason = forms.CharField(label=_("reason for rejection"), max_length=300)
