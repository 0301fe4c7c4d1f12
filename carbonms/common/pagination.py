"""The API's page size: ``?limit`` is capped at :data:`MAX_PAGE_SIZE`; a bad ``limit`` or ``offset`` falls
back to the default page instead of reaching the database (an unbounded or 64-bit-overflowing slice)."""
from __future__ import annotations

from rest_framework.pagination import LimitOffsetPagination

MAX_PAGE_SIZE = 1000


class CappedLimitOffsetPagination(LimitOffsetPagination):
    max_limit = MAX_PAGE_SIZE

    def get_offset(self, request):
        # DRF caps the limit (max_limit) but not the offset; an offset beyond any table is an empty page.
        return min(super().get_offset(request), 2**62)
