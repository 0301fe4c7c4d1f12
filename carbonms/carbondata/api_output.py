"""REST endpoints of output and economic data (issue 10 item 3), under the same tenancy and workflow as the pages.

``/api/v1/products/``: the product register (create, change; no delete once output is recorded).
``/api/v1/production/``: monthly output; POST enters a draft; ``…/{id}/transition/`` takes the review steps.
``/api/v1/economic/``: annual economic figures of an enterprise (or the park: ``enterprise`` null); POST enters
or changes the draft; ``…/{id}/transition/`` takes the review steps and the year lock.
"""
from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from carbonms.common import params
from carbonms.common.api import (
    ScopedModelSerializer,
    ScopedModelViewSet,
    ScopedRelatedField,
    ScopedSerializer,
    WorkflowViewSetMixin,
)
from carbonms.common.query import IdFilter
from carbonms.organizations.models import Enterprise, Park

from .models import EconomicRecord, Product, ProductionRecord
from .services import output as services

REVIEW_FIELDS = ["version", "previous", "is_current", "correction_reason", "status", "origin", "data_import", "note",
                 "entered_by", "submitted_by", "submitted_at", "reviewed_by", "reviewed_at", "review_comment"]


class ProductSerializer(ScopedModelSerializer):
    enterprise = ScopedRelatedField(queryset=Enterprise.objects.all())

    class Meta:
        model = Product
        fields = ["id", "enterprise", "code", "name", "kind", "unit", "active", "note"]
        validators = []


class ProductViewSet(ScopedModelViewSet):
    """The products of an enterprise with the unit their output is counted in."""

    queryset = Product.objects.all()
    serializer_class = ProductSerializer
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def base_queryset(self):
        return Product.objects.select_related("enterprise")

    def create_record(self, data):
        return services.product_save(actor=self.request.user, enterprise=data["enterprise"],
                                     data={k: v for k, v in data.items() if k != "enterprise"})

    def update_record(self, instance, data):
        return services.product_save(actor=self.request.user, enterprise=instance.enterprise, instance=instance,
                                     data={k: v for k, v in data.items() if k != "enterprise"})


class ProductionSerializer(ScopedModelSerializer):
    product = ScopedRelatedField(queryset=Product.objects.all())
    enterprise = ScopedRelatedField(queryset=Enterprise.objects.all(), required=False)
    quantity = serializers.CharField()  # parsed by the service, in the unit given (carbonms.common.numbers)

    class Meta:
        model = ProductionRecord
        fields = ["id", "product", "enterprise", "year", "month", "quantity", "unit", *REVIEW_FIELDS]
        read_only_fields = [f for f in fields if f not in ("product", "enterprise", "year", "month", "quantity", "unit", "note")]
        extra_kwargs = {"unit": {"required": False}, "year": {"validators": []}, "month": {"validators": []}}
        validators = []


class ProductionFilterSerializer(ScopedSerializer):
    year = serializers.IntegerField(required=False, min_value=1900, max_value=2100)
    month = serializers.IntegerField(required=False, min_value=1, max_value=12)
    status = serializers.ChoiceField(required=False, choices=ProductionRecord.Status.choices)
    enterprise = IdFilter()
    product = IdFilter()


@extend_schema_view(list=extend_schema(parameters=[ProductionFilterSerializer]))
class ProductionViewSet(WorkflowViewSetMixin, ScopedModelViewSet):
    """Monthly output values. POST enters a draft (the same service as the page); the review steps and the
    correction go through ``transition``."""

    queryset = ProductionRecord.objects.all()
    serializer_class = ProductionSerializer
    http_method_names = ["get", "post", "head", "options"]

    def base_queryset(self):
        return ProductionRecord.objects.select_related("product", "enterprise__park")

    def get_queryset(self):
        spec = {"year": params.YEAR, "month": params.MONTH, "status": params.choice(ProductionRecord.Status),
                "enterprise": params.ID, "product": params.ID}
        return super().get_queryset().filter(**params.read(self.request.query_params, spec))

    def create_record(self, data):
        if data.get("enterprise") is not None and data["enterprise"].pk != data["product"].enterprise_id:
            raise ValidationError({"product": [_("Product %(code)s belongs to another enterprise.") % {"code": data["product"].code}]})
        return services.production_save(actor=self.request.user, product=data["product"], year=data["year"],
                                        month=data["month"], quantity=data["quantity"], unit=data.get("unit", ""),
                                        note=data.get("note", ""))


def _money():
    return serializers.CharField(required=False, allow_null=True, allow_blank=True)


class EconomicSerializer(ScopedModelSerializer):
    park = ScopedRelatedField(queryset=Park.objects.all(), required=False)
    enterprise = ScopedRelatedField(queryset=Enterprise.objects.all(), required=False, allow_null=True)
    output_value_10k_yuan = _money()
    value_added_10k_yuan = _money()
    revenue_10k_yuan = _money()
    gdp_10k_yuan = _money()
    employees = serializers.IntegerField(required=False, allow_null=True)
    price_basis = serializers.CharField(required=False, allow_blank=True)

    class Meta:
        model = EconomicRecord
        fields = ["id", "park", "enterprise", "year", "output_value_10k_yuan", "value_added_10k_yuan", "price_basis",
                  "price_base_year", "revenue_10k_yuan", "employees", "gdp_10k_yuan", *REVIEW_FIELDS]
        read_only_fields = [f for f in REVIEW_FIELDS if f != "note"]
        extra_kwargs = {"year": {"validators": []}}
        validators = []


class EconomicFilterSerializer(ScopedSerializer):
    year = serializers.IntegerField(required=False, min_value=1900, max_value=2100)
    status = serializers.ChoiceField(required=False, choices=EconomicRecord.Status.choices)
    enterprise = IdFilter()
    park = IdFilter()


@extend_schema_view(list=extend_schema(parameters=[EconomicFilterSerializer]))
class EconomicViewSet(WorkflowViewSetMixin, ScopedModelViewSet):
    """Annual economic figures (10⁴ yuan). POST enters or changes the draft of an enterprise (``enterprise``)
    or of the park (``park``, no ``enterprise``); value added needs ``price_basis`` (current / constant, with
    ``price_base_year``). Review steps, the correction and the year lock go through ``transition``."""

    queryset = EconomicRecord.objects.all()
    serializer_class = EconomicSerializer
    http_method_names = ["get", "post", "head", "options"]

    def base_queryset(self):
        return EconomicRecord.objects.select_related("park", "enterprise")

    def get_queryset(self):
        spec = {"year": params.YEAR, "status": params.choice(EconomicRecord.Status), "enterprise": params.ID,
                "park": params.ID}
        return super().get_queryset().filter(**params.read(self.request.query_params, spec))

    def create_record(self, data):
        enterprise = data.get("enterprise")
        park = data.get("park") or (enterprise.park if enterprise is not None else None)
        if park is None:
            raise ValidationError({"park": [_("Name the enterprise, or the park for the park's own figures.")]})
        figures = {k: data.get(k) for k in (*EconomicRecord.FIGURES, "price_basis", "price_base_year", "note")}
        return services.economic_save(actor=self.request.user, park=park, enterprise=enterprise, year=data["year"],
                                      data=figures)


def register(router) -> None:
    router.register("products", ProductViewSet, basename="product")
    router.register("production", ProductionViewSet, basename="production")
    router.register("economic", EconomicViewSet, basename="economic")
