"""The workbook download, the upload with its dry-run report, and the commit."""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
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
    enterprise_action = "add"
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
        imp, _report = importer.upload(actor=self.request.user, enterprise=self.enterprise, year=form.cleaned_data["year"],
                                       file=form.cleaned_data["file"])
        return redirect(imp.get_absolute_url())


class ImportDetailView(ObjectMixin, TemplateView):
    """The dry-run report: every error with sheet, row, column and reason; commit when there is none."""

    model = DataImport
    template_name = "carbondata/import_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        imp = self.object
        ctx.update(imp=imp, can_commit=imp.status == DataImport.Status.VALIDATED and bool(imp.file) and tenancy.can(
            self.request.user, "data", "add", park_id=imp.enterprise.park_id, enterprise_id=imp.enterprise_id),
            records=imp.records.select_related("source")[:500])
        return ctx

    def post(self, request, *args, **kwargs):
        imp = tenancy.get_for_user(DataImport, request.user, kwargs["pk"], "add")
        try:
            n = importer.commit(actor=request.user, data_import=imp)
            messages.success(request, gettext("%(n)d value(s) imported as drafts.") % {"n": n})
            return redirect(reverse("carbondata:grid", args=[imp.enterprise_id]) + f"?year={imp.year}")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(imp.get_absolute_url())
