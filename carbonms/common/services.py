"""Writes shared by every domain."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from . import tenancy


def _refused(obj, count: int, kinds) -> ValidationError:
    return ValidationError(
        _("%(record)s cannot be deleted: %(count)d dependent record(s) refer to it (%(kinds)s).")
        % {"record": obj, "count": count, "kinds": "、".join(sorted({str(k) for k in kinds}))},
        code="protected",
    )


@transaction.atomic
def record_delete(*, actor, obj) -> None:
    """Delete a record the actor may delete; refuse with the reason when other records depend on it.

    Dependants are found two ways: foreign keys that PROTECT the record (every foreign key into data is
    PROTECT; the few CASCADEs are listed in tests/foundation/test_deletes.py), and many-to-many links
    from other records (an instrument serving a source, a boundary holding a site), which a delete would
    otherwise drop silently. Nothing is written when the delete is refused."""
    park_id, enterprise_id = obj.scope_ids()
    tenancy.require(actor, obj.scope_domain, "delete", park_id=park_id, enterprise_id=enterprise_id)
    for rel in obj._meta.related_objects:
        if rel.many_to_many:
            n = getattr(obj, rel.get_accessor_name()).count()
            if n:
                raise _refused(obj, n, [rel.related_model._meta.verbose_name])
    try:
        with transaction.atomic():
            obj.delete()
    except ProtectedError as exc:
        raise _refused(obj, len(exc.protected_objects), [o._meta.verbose_name for o in exc.protected_objects])
