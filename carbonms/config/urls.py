"""URL root. Each domain app owns its URLs; the API lives under /api/v1/.

There is deliberately no route to MEDIA_ROOT, in any mode: stored files are served only by the scoped
download views of carbonms.common.files.
"""
from django.urls import include, path

urlpatterns = [
    path("accounts/", include("carbonms.accounts.urls")),
    path("api/", include("carbonms.api.urls")),
    path("changes/", include("carbonms.changelog.urls")),
    path("standards/", include("carbonms.standards.urls")),
    path("data/", include("carbonms.carbondata.urls")),
    path("inventory/", include("carbonms.inventory.urls")),
    path("ms/", include("carbonms.management.urls")),
    path("audit/", include("carbonms.audits.urls")),
    path("conformity/", include("carbonms.conformity.urls")),
    path("monitoring/", include("carbonms.monitoring.urls")),
    path("targets/", include("carbonms.performance.urls")),
    path("abatement/", include("carbonms.abatement.urls")),
    path("review/", include("carbonms.carbonreview.urls")),
    path("assets/", include("carbonms.ledger.urls")),
    path("compliance/", include("carbonms.compliance.urls")),
    path("zero-carbon/", include("carbonms.zerocarbon.urls")),
    path("governance/", include("carbonms.governance.urls")),
    path("cockpit/", include("carbonms.cockpit.urls")),
    path("reports/", include("carbonms.reports.urls")),
    path("", include("carbonms.organizations.urls")),
    path("", include("carbonms.web.urls")),
]
