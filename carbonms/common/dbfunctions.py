"""Database functions the ORM does not have, on PostgreSQL and SQLite."""
from __future__ import annotations

from django.db.models import Func, JSONField


class JSONWithout(Func):
    """A JSON object column without some of its top-level keys, computed by the database, so that a list
    reads and sends the small part of a record whose detail holds large maps (per enterprise, say)."""

    output_field = JSONField()

    def __init__(self, expression, *keys: str):
        if not keys:
            raise ValueError("JSONWithout needs at least one key")
        self.keys = keys
        super().__init__(expression)

    def as_postgresql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"({sql} - %s::text[])", [*params, list(self.keys)]

    def as_sqlite(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        paths = ", ".join("%s" for _k in self.keys)
        return f"json_remove({sql}, {paths})", [*params, *(f'$."{k}"' for k in self.keys)]

    def as_sql(self, compiler, connection, **extra):  # other databases: not supported
        raise NotImplementedError(f"JSONWithout on {connection.vendor}")



