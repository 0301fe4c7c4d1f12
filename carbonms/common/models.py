"""Small composable base models: timestamps → change-logged → scoped to a park or enterprise."""
from __future__ import annotations

from django.db import models

from carbonms.changelog.tracking import ChangeLoggedMixin

from . import tenancy


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class ScopedQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view"):
        """Rows of this queryset that ``user`` may ``action`` (see carbonms.common.tenancy)."""
        return tenancy.restrict(self, user, action)


class ScopedModel(ChangeLoggedMixin, TimeStampedModel):
    """A business record that belongs to a park (and, usually, an enterprise) and is change-logged.

    Subclasses set ``scope_park`` and ``scope_enterprise`` to the lookups that reach the park id and
    the enterprise id (None when the record is park-level only) and ``scope_domain``.
    """

    scope_park: str = "park_id"
    scope_enterprise: str | None = "enterprise_id"
    scope_domain: str = "organization"

    objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True

    def scope_ids(self) -> tuple[int | None, int | None]:
        """(park id, enterprise id) of this record, following the scope lookups."""
        return _follow(self, self.scope_park), _follow(self, self.scope_enterprise) if self.scope_enterprise else None


def _follow(obj, path: str):
    for part in path.split("__"):
        if obj is None:
            return None
        if part == "pk":
            return obj.pk
        obj = getattr(obj, part)
    return obj
