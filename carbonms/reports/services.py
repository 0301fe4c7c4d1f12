"""Writes of the reports app: render a report for a user, and file it as a draft of a controlled document.

Access is the record's: whoever may view the statement (or claim, review…) may download its report; filing it as
a controlled document needs ``management.change`` in the record's management system, and the document then goes
through the document workflow (review, approval by someone else, in force) like any other.
"""
from __future__ import annotations

import hashlib
import io
import zipfile

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from carbonms.common import tenancy

from .document import MissingData
from .registry import ReportKind

#: official documents are Chinese unless the user asks for English
DEFAULT_LANGUAGE = "zh-hans"


def _missing(exc: MissingData) -> ValidationError:
    return ValidationError(_("The report cannot be made: %(what)s (%(name)s).") % {
        "what": exc.reason or _("a value it needs does not exist"), "name": exc.name}, code="missing_data")


def render_report(*, actor, kind: ReportKind, obj, fmt: str, language: str = DEFAULT_LANGUAGE) -> tuple[str, bytes]:
    """(file name, bytes) of the report of ``obj`` in ``fmt``; a ZIP with the attachments when it has any and
    ``fmt`` ends with ``+zip``."""
    kind.check_access(actor, obj)
    bundle = fmt.endswith("+zip")
    fmt = fmt.removesuffix("+zip")
    if fmt not in kind.formats:
        raise ValidationError({"format": _("This report is made as %(formats)s.") % {"formats": ", ".join(kind.formats)}})
    with translation.override(language):
        try:
            data = kind.render(obj, fmt)
            attachments = kind.attachments(obj)
        except MissingData as exc:
            raise _missing(exc) from exc
    name = f"{kind.filename(obj)}.{fmt}"
    if not bundle or not attachments:
        return name, data
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(name, data)
        for att_name, att_data in attachments:
            z.writestr(att_name, att_data)
    return f"{kind.filename(obj)}.zip", buf.getvalue()


@transaction.atomic
def file_report(*, actor, kind: ReportKind, obj, fmt: str = "docx", language: str = DEFAULT_LANGUAGE):
    """File the report as the next draft version of the controlled document ``kind.identifier(obj)`` of the
    record's management system (created on first use), with its SHA-256. Returns the DocumentVersion."""
    from carbonms.management import services as ms
    from carbonms.management.documents import Document

    park_id, enterprise_id = obj.scope_ids() if hasattr(obj, "scope_ids") else (obj.park_id, obj.enterprise_id)
    tenancy.require(actor, "management", "change", park_id=park_id, enterprise_id=enterprise_id)
    name, data = render_report(actor=actor, kind=kind, obj=obj, fmt=fmt, language=language)
    identifier = kind.identifier(obj)
    doc = Document.objects.filter(park_id=park_id, enterprise_id=enterprise_id, identifier=identifier).first()
    if doc is None:
        with translation.override(language):
            title = f"{kind.label} {getattr(obj, 'year', '')}".strip()
        doc = ms.document_save(actor=actor, data={"identifier": identifier, "title": title[:200],
                                                  "kind": Document.Kind.RECORD},
                               park=obj.park, enterprise=getattr(obj, "enterprise", None) if enterprise_id else None)
    n = doc.versions.count() + 1
    version = ms.version_add(actor=actor, document=doc, version=str(n), file=ContentFile(data, name=name),
                             change_note=_("Generated from %(record)s, SHA-256 %(sha)s") % {
                                 "record": obj, "sha": hashlib.sha256(data).hexdigest()[:16]})
    return version
