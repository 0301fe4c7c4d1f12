"""Report downloads and filing, for any registered kind. Access is declared on the common bases: the record the
report is made from is loaded for the user with ``view`` (404 outside their scope); filing needs
``management.change`` in the record's system (checked by the service)."""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.views import View

from carbonms.common import files
from carbonms.common.views import ScopedActionView, ScopedViewMixin

from . import registry, services
from .render import CONTENT_TYPES


def _language(request) -> str:
    lang = request.GET.get("lang") or request.POST.get("lang") or services.DEFAULT_LANGUAGE
    return "en" if lang.startswith("en") else "zh-hans"


class _KindMixin:
    """The report kind of the URL; the page's record is of that kind's model (unknown kind: 404)."""

    # a kind whose record is not a model row (the asset statement: a holder and a year) has its own pages
    url_choices = {"kind": lambda value: getattr(registry.get(value), "model", None) is not None}

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.kind = registry.get(kwargs.get("kind", ""))
        self.model = self.kind.model if self.kind else None


class ReportDownloadView(_KindMixin, ScopedViewMixin, View):
    """GET /reports/<kind>/<pk>.<fmt>: the report of the record."""

    def get(self, request, kind: str, pk: int, fmt: str):
        if fmt.removesuffix("+zip") not in self.kind.formats:
            raise Http404
        year = request.GET.get("year", "")
        if year.isdigit():  # a report made per record and year (the targets report) reads it from the record
            self.object.report_year = int(year)
        try:
            name, data = services.render_report(actor=request.user, kind=self.kind, obj=self.object, fmt=fmt,
                                                language=_language(request))
        except ValidationError as exc:
            return HttpResponse(" ".join(exc.messages), status=409, content_type="text/plain; charset=utf-8")
        content_type = "application/zip" if name.endswith(".zip") else CONTENT_TYPES[fmt.removesuffix("+zip")]
        return files.attachment(data, name, content_type)


class ReportFileView(_KindMixin, ScopedActionView):
    """POST /reports/<kind>/<pk>/file: file the report as a draft version of a controlled document."""

    def post(self, request, kind: str, pk: int):
        try:
            version = services.file_report(actor=request.user, kind=self.kind, obj=self.object,
                                           fmt=request.POST.get("format", "docx"), language=_language(request))
        except ValidationError as exc:
            for m in exc.messages:
                messages.error(request, m)
            return redirect(self.object.get_absolute_url())
        messages.success(request, str(version.document))
        return redirect(version.document.get_absolute_url())
