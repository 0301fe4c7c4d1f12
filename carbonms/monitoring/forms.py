from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from carbonms.carbondata.models import Source
from carbonms.common.forms import ScopedForm, ScopedModelForm

from .models import Gateway, Meter


class MeterForm(ScopedModelForm):
    source = forms.ModelChoiceField(queryset=Source.objects.all(), required=False, label=_("Source fed"))
    share = forms.DecimalField(label=_("Share"), initial=1, min_value=0, max_value=1, decimal_places=6, required=False)

    class Meta:
        model = Meter
        fields = ["code", "name", "meter_type", "unit", "multiplier", "reading_kind", "interval_minutes", "rollover_at",
                  "max_value", "instrument", "gateway", "installed_at", "status"]
        widgets = {"installed_at": forms.DateTimeInput(attrs={"type": "datetime-local"})}

    def __init__(self, *args, enterprise, **kwargs):
        super().__init__(*args, scope=enterprise, **kwargs)
        feed = self.instance.feeds.first() if self.instance.pk else None
        if feed is not None:
            self.initial.setdefault("source", feed.source_id)
            self.initial.setdefault("share", feed.share)


class GatewayForm(ScopedModelForm):
    class Meta:
        model = Gateway
        fields = ["code", "name", "rate_limit_per_minute", "is_active"]


class ConflictForm(ScopedForm):
    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect, choices=[
        ("keep", _("Keep the stored value")), ("replace", _("Replace it by the re-sent value"))])
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class AnomalyForm(ScopedForm):
    note = forms.CharField(label=_("What was found"), max_length=300)


class PeriodForm(ScopedForm):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    month = forms.IntegerField(label=_("Month"), min_value=1, max_value=12)


class MeterRetireForm(ScopedForm):
    removed_at = forms.DateTimeField(label=_("Removed at"), required=False,
                                     help_text=_("Empty: now. Readings stamped later are refused; everything stored is kept."),
                                     widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))


class GatewayRetireForm(ScopedForm):
    """A confirmation: retiring a gateway has no parameter."""
