"""REST endpoints of the carbon-asset ledger (same scope rules and services as the pages).

``/api/ledger/accounts/``, ``/instruments/``, ``/movements/`` (POST enters a movement; ``/{id}/transition/``
approves or rejects it: maker-checker), ``/prices/`` (POST one price; ``/prices/import/`` a CSV or XLSX table),
``/instruments/holdings/`` and ``/instruments/statement/`` (the asset statement of a holder and year)."""
from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from carbonms.common import params, tenancy
from carbonms.common.api import (
    ScopedModelSerializer,
    ScopedModelViewSet,
    ScopedRelatedField,
    ScopedSerializer,
    WorkflowViewSetMixin,
    as_api_error,
)
from carbonms.organizations.models import Enterprise, Park

from . import selectors, services
from .models import Account, Instrument, Movement, PriceQuote
from .statement import asset_statement

HOLDER = ["park", "enterprise"]


class _HolderSerializer(ScopedModelSerializer):
    park = ScopedRelatedField(queryset=Park.objects.all())
    enterprise = ScopedRelatedField(queryset=Enterprise.objects.all(), allow_null=True, required=False,
                                    help_text="the holder; null: the park itself")


class AccountSerializer(_HolderSerializer):
    class Meta:
        model = Account
        fields = ["id", *HOLDER, "kind", "market", "local_market", "institution", "number", "name", "opened_on", "closed_on",
                  "notes", "created_at"]
        read_only_fields = ["created_at"]


class InstrumentSerializer(_HolderSerializer):
    class Meta:
        model = Instrument
        fields = ["id", *HOLDER, "kind", "vintage", "local_market", "project_id", "project_name", "methodology", "registered_on",
                  "serial_first", "serial_last", "forestry", "local", "from_covered_project", "green_certificate_claimed",
                  "product", "notes"]


class MovementSerializer(_HolderSerializer):
    instrument = ScopedRelatedField(queryset=Instrument.objects.all())
    account = ScopedRelatedField(queryset=Account.objects.all(), allow_null=True, required=False)
    to_instrument = ScopedRelatedField(queryset=Instrument.objects.all(), allow_null=True, required=False)
    currency = serializers.CharField(max_length=10, required=False, default="CNY", help_text="CNY only")

    class Meta:
        model = Movement
        fields = ["id", *HOLDER, "kind", "status", "instrument", "account", "date", "quantity_t", "price_yuan_per_t", "amount_yuan",
                  "fees_yuan", "currency", "counterparty", "trade_method", "trade_reference", "compliance_year", "claim_year",
                  "purpose", "certificate_no", "serial_first", "serial_last", "to_instrument", "notes", "entered_by",
                  "approved_by", "approved_at", "rejection_reason", "created_at"]
        read_only_fields = ["status", "entered_by", "approved_by", "approved_at", "rejection_reason", "created_at"]


class PriceSerializer(_HolderSerializer):
    currency = serializers.CharField(max_length=10, required=False, default="CNY", help_text="CNY only")
    unit = serializers.CharField(max_length=12, required=False, default="tCO2", help_text="per tonne of CO₂ only")

    class Meta:
        model = PriceQuote
        fields = ["id", *HOLDER, "date", "product", "open", "high", "low", "close", "average", "volume_t", "currency", "unit",
                  "source", "demo", "entered_by", "created_at"]
        read_only_fields = ["entered_by", "created_at"]


class PriceImportSerializer(ScopedSerializer):
    park = ScopedRelatedField(queryset=Park.objects.all())
    enterprise = ScopedRelatedField(queryset=Enterprise.objects.all(), allow_null=True, required=False)
    file = serializers.FileField(help_text="CSV (UTF-8) or XLSX with a header row")


class _HolderViewSet(ScopedModelViewSet):
    def get_queryset(self):
        qs = super().get_queryset()
        return qs.filter(**params.read(self.request.query_params, {"park": params.ID, "enterprise": params.ID}))


class _SavedViewSet(_HolderViewSet):
    """Create and edit through one ``<thing>_save`` service (``save``, its record keyword ``record_kw``); the holder of
    a record never changes."""

    http_method_names = ["get", "post", "patch", "head", "options"]
    save = staticmethod(services.account_save)
    record_kw = "account"

    def create_record(self, data):
        return self.save(actor=self.request.user, park=data["park"], enterprise=data.get("enterprise"), data=data)

    def update_record(self, instance, data):
        data = {k: v for k, v in data.items() if k not in HOLDER}
        return self.save(actor=self.request.user, park=instance.park, enterprise=instance.enterprise, data=data,
                         **{self.record_kw: instance})


class AccountViewSet(_SavedViewSet):
    """Carbon accounts of an enterprise or the park (T/CIECCPA 8.3.1.2)."""

    queryset = Account.objects.all()
    serializer_class = AccountSerializer


class MovementViewSet(WorkflowViewSetMixin, _HolderViewSet):
    """Movements. POST enters one (it counts once somebody else approves it through ``/{id}/transition/``)."""

    queryset = Movement.objects.all()
    serializer_class = MovementSerializer
    http_method_names = ["get", "post", "head", "options"]

    def create_record(self, data):
        return services.movement_enter(actor=self.request.user, park=data["park"], enterprise=data.get("enterprise"), data=data)


class PriceViewSet(_HolderViewSet):
    """Prices entered by users (CNY per tCO₂). ``import`` takes a CSV or XLSX table: all rows or none."""

    queryset = PriceQuote.objects.all()
    serializer_class = PriceSerializer
    http_method_names = ["get", "post", "head", "options"]

    def create_record(self, data):
        return services.price_save(actor=self.request.user, park=data["park"], enterprise=data.get("enterprise"), data=data)

    @extend_schema(request={"multipart/form-data": PriceImportSerializer}, responses={201: PriceSerializer(many=True)})
    @action(detail=False, methods=["post"], url_path="import", parser_classes=[MultiPartParser, FormParser])
    def import_table(self, request):
        s = PriceImportSerializer(data=request.data, context={"request": request})
        s.is_valid(raise_exception=True)
        try:
            saved = services.price_import(actor=request.user, park=s.validated_data["park"],
                                          enterprise=s.validated_data.get("enterprise"), file=s.validated_data["file"])
        except DjangoValidationError as exc:
            raise as_api_error(exc)
        return Response(PriceSerializer(saved, many=True, context={"request": request}).data, status=201)


# -- holdings and the statement ----------------------------------------------------------------------------------------

class HolderQuerySerializer(ScopedSerializer):
    """Query parameters (ids, not relations: the view fetches them through the tenancy)."""

    scope_fields = ()
    park = serializers.IntegerField(min_value=1, help_text="the park (required)")
    enterprise = serializers.IntegerField(min_value=1, required=False, help_text="the holder; absent: the park itself")
    on = serializers.DateField(required=False)


class StatementQuerySerializer(HolderQuerySerializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100, required=False)
    price_cea = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0, required=False)
    price_ccer = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0, required=False)


class HoldingSerializer(serializers.Serializer):
    instrument = serializers.IntegerField()
    label = serializers.CharField()
    quantity_t = serializers.DecimalField(max_digits=16, decimal_places=0)
    book_value_yuan = serializers.DecimalField(max_digits=18, decimal_places=2)


def _holder(request, query_serializer):
    q = query_serializer(data=request.query_params)
    q.is_valid(raise_exception=True)
    data = q.validated_data
    park = tenancy.get_for_user(Park, request.user, data["park"])
    enterprise = None
    if data.get("enterprise"):
        enterprise = tenancy.get_for_user(Enterprise, request.user, data["enterprise"])
        if enterprise.park_id != park.pk:
            raise serializers.ValidationError({"enterprise": ["This enterprise is not in this park."]})
    elif not tenancy.is_park_member(request.user, park.pk):
        from django.http import Http404

        raise Http404  # the park's own ledger: park staff only
    return park, enterprise, data


def holdings_response(request):
    """Holdings of a holder, derived from the approved movements (on a date: ``on``)."""
    park, enterprise, data = _holder(request, HolderQuerySerializer)
    rows = selectors.holdings(park=park, enterprise=enterprise, on=data.get("on"))
    return Response(_jsonable([{"instrument": h["instrument"].pk, "label": str(h["instrument"]), "quantity_t": h["quantity_t"],
                                "book_value_yuan": h["book_value_yuan"]} for h in rows]))


class StatementSerializer(serializers.Serializer):
    holder = serializers.CharField()
    year = serializers.IntegerField()
    valuation_date = serializers.DateField()
    policy = serializers.CharField()
    rows = serializers.DictField(child=serializers.DictField())
    totals = serializers.DictField()
    lots = serializers.ListField(child=serializers.DictField())
    reconciles = serializers.BooleanField()
    sales_gain_yuan = serializers.DecimalField(max_digits=18, decimal_places=2)
    obligation = serializers.DictField(allow_null=True)
    position = serializers.DictField(allow_null=True)
    produced_by = serializers.DictField()


def _jsonable(x):
    if isinstance(x, dict):
        return {k: _jsonable(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_jsonable(v) for v in x]
    if isinstance(x, Decimal):  # money to the fen, no trailing zeros: "76490", "74.6"
        x = x.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) if x.as_tuple().exponent < -2 else x
        return format(x.normalize(), "f")
    if isinstance(x, dt.date):
        return x.isoformat()
    return x


def statement_response(request):
    """The asset statement (碳资产报表) of a holder and year: roll-forward, lots, book and market value, position."""
    park, enterprise, data = _holder(request, StatementQuerySerializer)
    year = data.get("year") or timezone.localdate().year - 1
    prices = {k: v for k, v in (("CEA", data.get("price_cea")), ("CCER", data.get("price_ccer"))) if v is not None}
    st = asset_statement(park=park, enterprise=enterprise, year=year, on=data.get("on"), prices=prices,
                         quotes=selectors.prices(request.user, park=park, enterprise=enterprise))
    lots = [{**{k: v for k, v in lot.items() if k not in ("instrument", "quote")}, "instrument": lot["instrument"].pk,
             "label": str(lot["instrument"]), "quote": lot["quote"].pk if lot["quote"] else None} for lot in st["lots"]]
    out = {k: st[k] for k in ("holder", "year", "valuation_date", "policy", "rows", "totals", "reconciles", "sales_gain_yuan",
                              "obligation", "position", "produced_by")}
    out["lots"] = lots
    return Response(_jsonable(out))


class LedgerReadsMixin:
    @extend_schema(parameters=[HolderQuerySerializer], responses=HoldingSerializer(many=True))
    @action(detail=False, methods=["get"])
    def holdings(self, request):
        """Holdings of a holder (``park``, ``enterprise``; absent: the park itself), derived from approved movements."""
        return holdings_response(request)

    @extend_schema(parameters=[StatementQuerySerializer], responses=StatementSerializer)
    @action(detail=False, methods=["get"])
    def statement(self, request):
        """The asset statement (碳资产报表) of a holder and ``year``: roll-forward, lots, book and market value, position."""
        return statement_response(request)


class InstrumentViewSet(LedgerReadsMixin, _SavedViewSet):
    """Instruments held: allowances of a vintage, lots of credits with project, methodology and serial range."""

    queryset = Instrument.objects.all()
    serializer_class = InstrumentSerializer
    save = staticmethod(services.instrument_save)
    record_kw = "instrument"


def register_routes(router) -> None:
    """Register this app's viewsets on the API router (called from carbonms/api/urls.py)."""
    router.register("ledger/accounts", AccountViewSet, basename="ledger-account")
    router.register("ledger/instruments", InstrumentViewSet, basename="ledger-instrument")
    router.register("ledger/movements", MovementViewSet, basename="ledger-movement")
    router.register("ledger/prices", PriceViewSet, basename="ledger-price")
