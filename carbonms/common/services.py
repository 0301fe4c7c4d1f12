"""Writes shared by every domain."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from . import tenancy


@transaction.atomic
def record_delete(*, actor, obj) -> None:
    """Delete a record the actor may delete; refuse with the reason when other records depend on it."""
    park_id, enterprise_id = obj.scope_ids()
    tenancy.require(actor, obj.scope_domain, "delete", park_id=park_id, enterprise_id=enterprise_id)
    try:
        obj.delete()
    except ProtectedError as exc:
        names = sorted({str(o._meta.verbose_name) for o in exc.protected_objects})
        raise ValidationError(
            _("%(record)s cannot be deleted: %(count)d dependent record(s) refer to it (%(kinds)s).")
            % {"record": obj, "count": len(exc.protected_objects), "kinds": "、".join(names)},
            code="protected",
        )
