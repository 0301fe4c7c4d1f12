"""API URLs. Authentication is DRF's (session or token); every view is exempt from the login
redirect of the pages and answers 401/403 itself instead."""
from importlib import import_module

from django.contrib.auth.decorators import login_not_required
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.authtoken.views import obtain_auth_token
from rest_framework.routers import DefaultRouter

from carbonms.carbondata import api_output
from carbonms.carbondata.api import (
    ActivityViewSet,
    DataImportViewSet,
    EvidenceViewSet,
    InstrumentViewSet,
    LabAnalysisViewSet,
    MonitoringPlanViewSet,
    SourceViewSet,
    UserFactorViewSet,
)
from carbonms.changelog.api import ChangeRecordViewSet
from carbonms.inventory.api import CalculationRunViewSet, InventoryStatementViewSet, RunResultViewSet
from carbonms.management.api import register_routes as register_management_routes
from carbonms.monitoring import api as monitoring_api
from carbonms.monitoring.endpoint import ingest_view
from carbonms.organizations.api import (
    BoundaryViewSet,
    EmissionUnitViewSet,
    EnterpriseViewSet,
    EquipmentViewSet,
    ParkViewSet,
    SiteViewSet,
)

from .views import MeView, not_found

router = DefaultRouter()
router.register("parks", ParkViewSet, basename="park")
router.register("enterprises", EnterpriseViewSet, basename="enterprise")
router.register("sites", SiteViewSet, basename="site")
router.register("units", EmissionUnitViewSet, basename="unit")
router.register("equipment", EquipmentViewSet, basename="equipment")
router.register("boundaries", BoundaryViewSet, basename="boundary")
router.register("changes", ChangeRecordViewSet, basename="change")
router.register("sources", SourceViewSet, basename="source")
router.register("activity", ActivityViewSet, basename="activity")
router.register("monitoring-plans", MonitoringPlanViewSet, basename="monitoring-plan")
router.register("instruments", InstrumentViewSet, basename="instrument")
router.register("lab-analyses", LabAnalysisViewSet, basename="lab-analysis")
router.register("evidence", EvidenceViewSet, basename="evidence")
router.register("imports", DataImportViewSet, basename="data-import")
router.register("user-factors", UserFactorViewSet, basename="user-factor")
router.register("calculation-runs", CalculationRunViewSet, basename="calculation-run")
router.register("inventory-statements", InventoryStatementViewSet, basename="inventory-statement")
router.register("calculation-results", RunResultViewSet, basename="calculation-result")
register_management_routes(router)
api_output.register(router)
monitoring_api.register(router)
for _app in ("performance", "abatement", "carbonreview", "ledger", "compliance", "zerocarbon", "governance", "cockpit"):
    import_module(f"carbonms.{_app}.api").register_routes(router)


def _public(patterns):
    for p in patterns:
        if hasattr(p, "callback") and p.callback is not None:
            p.callback = login_not_required(p.callback)
    return patterns


app_name = "api"
urlpatterns = _public([
    path("v1/me/", MeView.as_view(), name="me"),
    path("v1/token/", obtain_auth_token, name="token"),
    path("v1/monitoring/readings/", ingest_view, name="monitoring-ingest"),
    *monitoring_api.extra_urls(),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script as a file (?script): no inline script under the CSP.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema", template_name="api/swagger_ui.html"),
         name="docs"),
]) + [path("v1/", include(_public(list(router.urls))))] + _public([
    # Any other address under /api/ (an id that is not a number, a mistyped path) is a JSON 404 too.
    re_path(r"^.*/$", not_found, name="not-found"),
])
