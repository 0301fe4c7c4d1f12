"""Report downloads and filing, for any registered kind (access is the source record's)."""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.views import View

from carbonms.common import files, tenancy

from . import registry, services
from .render import CONTENT_TYPES


def _kind(key: str) -> registry.ReportKind:
    kind = registry.get(key)
    if kind is None:
        raise Http404
    return kind


def _language(request) -> str:
    lang = request.GET.get("lang") or request.POST.get("lang") or services.DEFAULT_LANGUAGE
    return "en" if lang.startswith("en") else "zh-hans"


class ReportDownloadView(View):
    """GET /reports/<kind>/<pk>.<fmt>: the report of the record (404 outside the user's scope)."""

    def get(self, request, kind: str, pk: int, fmt: str):
        k = _kind(kind)
        obj = tenancy.get_for_user(k.model._default_manager.all(), request.user, pk, "view")
        if fmt.removesuffix("+zip") not in k.formats:
            raise Http404
        try:
            name, data = services.render_report(actor=request.user, kind=k, obj=obj, fmt=fmt,
                                                language=_language(request))
        except ValidationError as exc:
            return HttpResponse(" ".join(exc.messages), status=409, content_type="text/plain; charset=utf-8")
        content_type = "application/zip" if name.endswith(".zip") else CONTENT_TYPES[fmt]
        return files.attachment(data, name, content_type)


class ReportFileView(View):
    """POST /reports/<kind>/<pk>/file: file the report as a draft version of a controlled document."""

    def post(self, request, kind: str, pk: int):
        k = _kind(kind)
        obj = tenancy.get_for_user(k.model._default_manager.all(), request.user, pk, "view")
        fmt = request.POST.get("format", "docx")
        try:
            version = services.file_report(actor=request.user, kind=k, obj=obj, fmt=fmt, language=_language(request))
        except ValidationError as exc:
            for m in exc.messages:
                messages.error(request, m)
            return redirect(obj.get_absolute_url())
        messages.success(request, str(version.document))
        return redirect(version.document.get_absolute_url())

    def get(self, request, kind: str, pk: int):
        k = _kind(kind)
        obj = tenancy.get_for_user(k.model._default_manager.all(), request.user, pk, "view")
        return redirect(obj.get_absolute_url())
