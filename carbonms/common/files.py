"""Stored files leave the platform through one door.

No file under ``MEDIA_ROOT`` has a public URL. Every download loads the record that owns the file
through the tenancy (``tenancy.get_for_user``: 404 outside the user's scope, 403 without the action)
and hands the file to :func:`serve_file`; generated content (workbooks, evidence packs) goes through
:func:`attachment`. Both answer with:

* ``Content-Disposition: attachment``, except for an allow-list shown inline (PDF, PNG, JPEG) that is
  decided by the file's first bytes, never by its name: an ``x.html`` or ``.svg`` is a download of
  type ``application/octet-stream``;
* ``X-Content-Type-Options: nosniff`` and a Content-Security-Policy that lets nothing in the file run
  (``sandbox`` for everything but PDF, whose viewer needs a document context).

:class:`ScopedFileDownloadView` is the generic view (model, file field, action); :class:`ScopedFileField`
is the API field that links to it. :func:`safe_filename` and :func:`archive_path` clean names for
headers and archive entries (no ``..``, absolute paths, backslashes or control characters).
"""
from __future__ import annotations

import posixpath
import unicodedata

from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404, HttpResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import content_disposition_header
from django.views import View
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import AuthenticationFailed

from . import tenancy

OCTET_STREAM = "application/octet-stream"

# Shown inline: the content must start with the format's signature.
INLINE_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)
# Downloaded with their own type when they really are ZIP containers (Office files, evidence packs).
ZIP_TYPES = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".zip": "application/zip",
}
ZIP_SIGNATURE = b"PK\x03\x04"
SNIFF_BYTES = 16

# A served file is data, never a page of this site: nothing in it may load, run or be framed.
DOWNLOAD_CSP = ("default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; object-src 'none'; "
                "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
MAX_NAME = 150


def sniff(head: bytes, filename: str = "") -> tuple[str, bool]:
    """(content type, inline?) of a file from its first bytes; the name only picks among ZIP types."""
    for signature, content_type in INLINE_SIGNATURES:
        if head.startswith(signature):
            return content_type, True
    if head.startswith(ZIP_SIGNATURE):
        ext = posixpath.splitext(filename.lower())[1]
        return ZIP_TYPES.get(ext, OCTET_STREAM), False
    return OCTET_STREAM, False


def safe_filename(name: str, default: str = "file") -> str:
    """One path segment safe for a header or an archive: no separators, control characters, leading
    dots (``..``, hidden files) or drive colons; at most 150 characters, the extension kept."""
    name = unicodedata.normalize("NFC", str(name or ""))
    cleaned = "".join(
        "_" if ch in '/\\:"' else ch
        for ch in name
        if unicodedata.category(ch)[0] != "C"  # control, format, surrogate, private, unassigned
    )
    cleaned = cleaned.strip().lstrip(".").strip(" .")
    if not cleaned:
        return default
    if len(cleaned) > MAX_NAME:
        stem, ext = posixpath.splitext(cleaned)
        ext = ext if len(ext) <= 16 else ""
        cleaned = stem[: MAX_NAME - len(ext)] + ext
    return cleaned


def archive_path(*segments: str) -> str:
    """A relative archive entry name made of cleaned segments joined with ``/``."""
    return "/".join(safe_filename(s) for s in segments)


def _harden(response, *, content_type: str) -> None:
    response["X-Content-Type-Options"] = "nosniff"
    # PDF viewers need a document context; everything else is sandboxed as well.
    response["Content-Security-Policy"] = DOWNLOAD_CSP + ("" if content_type == "application/pdf" else "; sandbox")
    response["Cache-Control"] = "private, no-store"


def serve_file(request, fieldfile, *, filename: str | None = None) -> FileResponse:
    """Stream a stored file (a ``FieldFile``) the user was already allowed to reach. 404 when empty or gone."""
    if not fieldfile:
        raise Http404
    try:
        handle = fieldfile.open("rb")
    except (FileNotFoundError, OSError, ValueError):
        raise Http404
    head = handle.read(SNIFF_BYTES)
    handle.seek(0)
    name = safe_filename(filename or posixpath.basename(fieldfile.name))
    content_type, inline = sniff(head, name)
    response = FileResponse(handle, as_attachment=not inline, filename=name, content_type=content_type)
    _harden(response, content_type=content_type)
    return response


def attachment(data: bytes, filename: str, content_type: str = OCTET_STREAM) -> HttpResponse:
    """Generated content (workbook, evidence pack, report) as a download, with the same headers."""
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, safe_filename(filename))
    _harden(response, content_type=content_type)
    return response


def _token_user(request):
    """The user of an API token (``Authorization: Token …``), so API clients can follow the file links."""
    from rest_framework.authentication import TokenAuthentication

    result = TokenAuthentication().authenticate(request)
    return result[0] if result else None


@method_decorator(login_not_required, name="dispatch")
class ScopedFileDownloadView(View):
    """GET ``<pk>``: the file in ``file_field`` of the ``model`` record, loaded through the tenancy.

    Subclasses (or ``as_view(model=…, file_field=…)``) set ``model``, ``file_field``, optionally
    ``action`` (default ``view``), ``filename_attr`` (a field holding the name to offer, e.g. the
    uploaded name) and ``get_queryset``. The caller is the session's user or, for API clients, the
    user of an ``Authorization: Token`` header (a bad token is 401); nobody is sent to the login page.
    """

    model = None
    file_field = "file"
    action = "view"
    filename_attr: str | None = None
    pk_url_kwarg = "pk"
    http_method_names = ["get", "head", "options"]

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:  # login_not_required: the login check is made here
            try:
                user = _token_user(request)
            except AuthenticationFailed as exc:
                return HttpResponse(str(exc.detail), status=401, content_type="text/plain; charset=utf-8")
            if user is None:
                return redirect_to_login(request.get_full_path())
            request.user = user
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return self.model._default_manager.all()

    def get_object(self):
        return tenancy.get_for_user(self.get_queryset(), self.request.user, self.kwargs[self.pk_url_kwarg], self.action)

    def get_filename(self, obj, fieldfile) -> str:
        if self.filename_attr and getattr(obj, self.filename_attr, ""):
            return getattr(obj, self.filename_attr)
        return posixpath.basename(fieldfile.name)

    def get(self, request, *args, **kwargs):
        obj = self.get_object()
        fieldfile = getattr(obj, self.file_field)
        if not fieldfile:
            raise Http404
        return serve_file(request, fieldfile, filename=self.get_filename(obj, fieldfile))


@extend_schema_field({"type": "string", "format": "uri", "nullable": True, "readOnly": True})
class ScopedFileField(serializers.Field):
    """Read-only API field: the scoped download URL of a record's file (``view_name`` takes its pk), or null."""

    def __init__(self, view_name: str, file_field: str = "file", **kwargs):
        self.view_name, self.file_field = view_name, file_field
        kwargs.update(source="*", read_only=True)
        super().__init__(**kwargs)

    def to_representation(self, obj):
        if not getattr(obj, self.file_field, None):
            return None
        url = reverse(self.view_name, args=[obj.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url
