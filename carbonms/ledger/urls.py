"""URLs of the carbon-asset ledger, mounted at /assets/. Each holder page exists for an enterprise (``…/e/<id>/``)
and for the park itself (``…/p/<id>/``, park staff only)."""
from django.urls import path

from carbonms.common.files import ScopedFileDownloadView  # noqa: F401  (evidence downloads: carbondata:evidence)

from . import views as v

app_name = "ledger"

def _both(route: str, name: str, ent_view, park_view) -> list:
    return [path(f"e/<int:enterprise_pk>/{route}", ent_view.as_view(), name=f"{name}_ent"),
            path(f"p/<int:park_pk>/{route}", park_view.as_view(), name=f"{name}_park")]

urlpatterns = [
    *_both("", "home", v.HomeEnterpriseView, v.HomeParkView),
    *_both("movements/", "movements", v.MovementsEnterpriseView, v.MovementsParkView),
    *_both("movements/new/", "movement_new", v.MovementNewEnterpriseView, v.MovementNewParkView),
    *_both("accounts/new/", "account_new", v.AccountNewEnterpriseView, v.AccountNewParkView),
    *_both("instruments/new/", "instrument_new", v.InstrumentNewEnterpriseView, v.InstrumentNewParkView),
    *_both("prices/", "prices", v.PricesEnterpriseView, v.PricesParkView),
    *_both("prices/new/", "price_new", v.PriceNewEnterpriseView, v.PriceNewParkView),
    *_both("prices/import/", "price_import", v.PriceImportEnterpriseView, v.PriceImportParkView),
    *_both("statement/", "statement", v.StatementEnterpriseView, v.StatementParkView),
    *_both("statement.xlsx", "statement_xlsx", v.StatementXlsxEnterpriseView, v.StatementXlsxParkView),
    *_both("statement.<slug:fmt>", "statement_report", v.StatementReportEnterpriseView, v.StatementReportParkView),
    *_both("statement/file", "statement_file", v.StatementFileEnterpriseView, v.StatementFileParkView),
    path("account/<int:pk>/", v.AccountView.as_view(), name="account"),
    path("account/<int:pk>/edit/", v.AccountEditView.as_view(), name="account_edit"),
    path("instrument/<int:pk>/", v.InstrumentView.as_view(), name="instrument"),
    path("instrument/<int:pk>/edit/", v.InstrumentEditView.as_view(), name="instrument_edit"),
    path("movement/<int:pk>/", v.MovementView.as_view(), name="movement"),
    path("movement/<int:pk>/<str:step>/", v.MovementActionView.as_view(), name="movement_action"),
]
