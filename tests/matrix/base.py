"""Shared vocabulary of the permission matrix (see tests/foundation/test_permission_matrix.py)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

PARK_STAFF = {"park_admin", "park_carbon_officer", "park_reviewer", "park_viewer", "park_internal_auditor"}
ENTERPRISE_USERS = {"enterprise_admin", "data_clerk", "reviewer", "internal_auditor", "external_verifier", "viewer"}
ALL = PARK_STAFF | ENTERPRISE_USERS
ORG_WRITERS = {"park_admin", "park_carbon_officer", "enterprise_admin"}


@dataclass
class Case:
    """``target(world, org)`` gives the URL kwargs for a record of ``org`` (None: a URL with no record).

    ``ok``: users who get ``ok_status`` inside their scope; the others inside get ``denied`` (403, or
    404 where the page must not even admit the record exists). Outside, every user gets 404.
    Use ``org.cached(key, make)`` in ``target`` to create a record of the org once per test.
    """

    target: Callable | None
    ok: set
    ok_status: int = 200
    denied: int = 403
    park_level: bool = False  # the record is the park itself: "outside" is the other park for everybody
    reference: bool = False  # reference data shared by all (the standards): there is no "outside"
    denied_for: dict | None = None  # user key -> the refusal inside when it differs from ``denied`` (e.g. 404 vs 403)


def last_change_of(obj):
    from django.contrib.contenttypes.models import ContentType

    from carbonms.changelog.models import ChangeRecord

    return ChangeRecord.objects.filter(content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)).first()
