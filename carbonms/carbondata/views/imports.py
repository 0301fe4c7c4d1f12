"""The workbook download, the upload with its dry-run report, and the commit."""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import FormView, TemplateView

from carbonms.common import files, tenancy

from .. import importer, selectors, workbook
from ..forms import UploadForm
from ..models import DataImport
from .base import EnterpriseMixin, ObjectMixin, year_param


class WorkbookView(EnterpriseMixin, View):
    def get(self, request, *args, **kwargs):
        year = year_param(request)
        return files.attachment(workbook.build(self.enterprise, year),
                                f"activity-{self.enterprise.credit_code}-{year}.xlsx", files.ZIP_TYPES[".xlsx"])


class UploadView(EnterpriseMixin, FormView):
    requires = ("data", "add")
    form_class = UploadForm
    template_name = "carbondata/import.html"

    def get_initial(self):
        return {"year": year_param(self.request)}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(enterprise=self.enterprise, imports=selectors.imports_for(self.request.user, self.enterprise)[:20],
                   title=_("Import activity data"))
        return ctx

    def form_valid(self, form):
        imp = importer.start_upload(actor=self.request.user, enterprise=self.enterprise, year=form.cleaned_data["year"],
                                    file=form.cleaned_data["file"])
        return redirect(imp.get_absolute_url())


class ImportDetailView(ObjectMixin, TemplateView):
    """The dry-run report: every error with sheet, row, column and reason; commit when there is none."""

    model = DataImport
    template_name = "carbondata/import_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        imp = self.object
        can_add = tenancy.can(self.request.user, "data", "add", park_id=imp.enterprise.park_id, enterprise_id=imp.enterprise_id)
        ctx.update(imp=imp, can_add=can_add, can_commit=imp.status == DataImport.Status.VALIDATED and bool(imp.file) and can_add,
            records=imp.records.select_related("source")[:500])
        return ctx

    def post(self, request, *args, **kwargs):
        imp = tenancy.get_for_user(DataImport, request.user, kwargs["pk"], "add")
        try:
            importer.start_commit(actor=request.user, data_import=imp)  # a background job (at once when eager)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(imp.get_absolute_url())
        imp.refresh_from_db()
        if imp.status == DataImport.Status.COMMITTED:
            messages.success(request, ngettext("%(n)d value imported as a draft.", "%(n)d values imported as drafts.", imp.n_rows) % {"n": imp.n_rows})
            return redirect(reverse("carbondata:grid", args=[imp.enterprise_id]) + f"?year={imp.year}")
        if imp.status == DataImport.Status.REFUSED:
            messages.error(request, ngettext("The workbook no longer validates: %(n)d error.", "The workbook no longer validates: %(n)d errors.", len(imp.errors)) % {"n": len(imp.errors)})
        return redirect(imp.get_absolute_url())


class ImportProgressView(ObjectMixin, TemplateView):
    """The progress bar of a running dry run or commit, polled by htmx; once done the page reloads."""

    model = DataImport
    template_name = "carbondata/_import_progress.html"

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if not self.object.running:
            response["HX-Refresh"] = "true"
        return response

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "imp": self.object}
