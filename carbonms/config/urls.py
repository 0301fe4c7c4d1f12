"""URL root. Each domain app owns its URLs; the API lives under /api/v1/."""
from django.conf import settings
from django.conf.urls.static import static
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
    path("", include("carbonms.organizations.urls")),
    path("", include("carbonms.web.urls")),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
