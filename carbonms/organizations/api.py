"""REST endpoints for parks, enterprises, sites, units, equipment and boundaries."""
from __future__ import annotations

from carbonms.common.api import ScopedModelSerializer, ScopedModelViewSet, ScopedRelatedField
from carbonms.common.tenancy import get_for_user

from . import services
from .models import Boundary, EmissionUnit, Enterprise, Equipment, Park, Site


class ParkSerializer(ScopedModelSerializer):
    class Meta:
        model = Park
        fields = ["id", "name", "name_en", "province", "city", "zone_type", "area_km2", "established_year", "grid_region",
                  "administrator", "grid_scope", "grid_year_rule", "gwp_set", "factor_set"]


class EnterpriseSerializer(ScopedModelSerializer):
    park = ScopedRelatedField(queryset=Park.objects.all())

    class Meta:
        model = Enterprise
        fields = ["id", "park", "kind", "name", "short_name", "credit_code", "industry_code", "industry_name", "address",
                  "legal_representative", "contact_name", "contact_phone", "contact_email", "carbon_market_covered",
                  "key_energy_consumer", "employees", "status", "entered_on", "exited_on"]
        extra_kwargs = {"industry_name": {"required": False}}
        validators = []  # uniqueness and format are checked by the service, once, in the user's language


class SiteSerializer(ScopedModelSerializer):
    enterprise = ScopedRelatedField(queryset=Enterprise.objects.all())

    class Meta:
        model = Site
        fields = ["id", "enterprise", "code", "name", "address", "is_main"]
        validators = []


class EmissionUnitSerializer(ScopedModelSerializer):
    enterprise = ScopedRelatedField(queryset=Enterprise.objects.all())
    site = ScopedRelatedField(queryset=Site.objects.all())
    parent = ScopedRelatedField(queryset=EmissionUnit.objects.all(), allow_null=True, required=False)

    class Meta:
        model = EmissionUnit
        fields = ["id", "enterprise", "site", "parent", "code", "name", "unit_type", "description", "is_active"]
        validators = []


class EquipmentSerializer(ScopedModelSerializer):
    enterprise = ScopedRelatedField(queryset=Enterprise.objects.all())
    unit = ScopedRelatedField(queryset=EmissionUnit.objects.all())

    class Meta:
        model = Equipment
        fields = ["id", "enterprise", "unit", "code", "name", "equipment_type", "model_number", "manufacturer",
                  "rated_capacity", "capacity_unit", "energy_types", "commissioned_on", "status"]
        validators = []


class BoundarySerializer(ScopedModelSerializer):
    park = ScopedRelatedField(queryset=Park.objects.all())
    enterprise = ScopedRelatedField(queryset=Enterprise.objects.all(), allow_null=True, required=False)
    sites = ScopedRelatedField(queryset=Site.objects.all(), many=True, required=False)

    class Meta:
        model = Boundary
        fields = ["id", "park", "enterprise", "kind", "approach", "description", "sites", "effective_from", "effective_to",
                  "change_reason"]
        read_only_fields = ["effective_to"]


def _without(data: dict, *keys: str) -> dict:
    return {k: v for k, v in data.items() if k not in keys}


class ParkViewSet(ScopedModelViewSet):
    """Parks the caller belongs to. Park administrators may edit their park."""

    queryset = Park.objects.all()
    serializer_class = ParkSerializer
    http_method_names = ["get", "put", "patch", "head", "options"]

    def update_record(self, instance, data):
        return services.park_save(actor=self.request.user, park=instance, data=data)


class EnterpriseViewSet(ScopedModelViewSet):
    queryset = Enterprise.objects.all()
    serializer_class = EnterpriseSerializer

    def base_queryset(self):
        return Enterprise.objects.select_related("park")

    def create_record(self, data):
        return services.enterprise_save(actor=self.request.user, park=data["park"], data=_without(data, "park"))

    def update_record(self, instance, data):
        return services.enterprise_save(actor=self.request.user, enterprise=instance, data=_without(data, "park"))


class SiteViewSet(ScopedModelViewSet):
    queryset = Site.objects.all()
    serializer_class = SiteSerializer

    def create_record(self, data):
        return services.site_save(actor=self.request.user, enterprise=data["enterprise"], data=_without(data, "enterprise"))

    def update_record(self, instance, data):
        return services.site_save(actor=self.request.user, site=instance, data=_without(data, "enterprise"))


class EmissionUnitViewSet(ScopedModelViewSet):
    queryset = EmissionUnit.objects.all()
    serializer_class = EmissionUnitSerializer

    def create_record(self, data):
        return services.unit_save(actor=self.request.user, enterprise=data["enterprise"], data=_without(data, "enterprise"))

    def update_record(self, instance, data):
        return services.unit_save(actor=self.request.user, unit=instance, data=_without(data, "enterprise"))


class EquipmentViewSet(ScopedModelViewSet):
    queryset = Equipment.objects.all()
    serializer_class = EquipmentSerializer

    def create_record(self, data):
        return services.equipment_save(actor=self.request.user, enterprise=data["enterprise"], data=_without(data, "enterprise"))

    def update_record(self, instance, data):
        return services.equipment_save(actor=self.request.user, equipment=instance, data=_without(data, "enterprise"))


class BoundaryViewSet(ScopedModelViewSet):
    """Boundary versions. POST puts a new version in force (the version in force ends the day before);
    versions are never edited or deleted, so their history stays intact."""

    queryset = Boundary.objects.all()
    serializer_class = BoundarySerializer
    http_method_names = ["get", "post", "head", "options"]

    def base_queryset(self):
        return Boundary.objects.prefetch_related("sites")

    def create_record(self, data):
        enterprise = data.get("enterprise")
        if enterprise is not None:
            enterprise = get_for_user(Enterprise, self.request.user, enterprise.pk, "change")
        return services.boundary_revise(
            actor=self.request.user, park=data["park"], enterprise=enterprise, kind=data["kind"], approach=data["approach"],
            description=data["description"], effective_from=data["effective_from"], sites=list(data.get("sites", [])),
            change_reason=data.get("change_reason", ""),
        )


