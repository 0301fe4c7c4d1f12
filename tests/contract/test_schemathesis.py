"""A bounded schemathesis run over every operation of /api/schema/ (issue 9, item 9).

On the embedded default (SQLite), against the demo park (two enterprises with their carbon data,
management system and meters), as the demo data clerk and as the demo park administrator, with token
authentication. Requests go to Django's WSGI application directly (see conftest.py): no server, no
sockets, every request on the test's connection, and each generated request runs in a savepoint that
is rolled back afterwards, so state-changing operations (POST, PUT, PATCH, DELETE) are kept and never
destroy the data the next request needs.

Each operation gets positive cases (valid by the schema) and negative cases (invalid by the schema);
path ids are drawn mostly from records that exist in the caller's scope. Every answer is checked: no
server error, the status code is documented, the content type is documented, the body matches the
documented schema. Failures are collected over the whole run and reported together, with the
traceback of each server error.

Bounds: at most ``CARBONMS_SCHEMATHESIS_EXAMPLES`` cases per operation and mode (default 10), a time
budget per role of ``CARBONMS_SCHEMATHESIS_BUDGET`` seconds (default 100) shared evenly among the
operations still to run (each gets fewer cases when the machine is slow, never fewer than one per mode,
so every operation is called), ``deadline=None`` and a fixed seed (``CARBONMS_SCHEMATHESIS_SEED``,
default 2026) so a failure can be replayed.
"""
from __future__ import annotations

import os
import time
import traceback
from collections import defaultdict
from dataclasses import dataclass, field

import pytest
from django.core.signals import got_request_exception
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable

from .conftest import load_schema, token_for

EXAMPLES = int(os.environ.get("CARBONMS_SCHEMATHESIS_EXAMPLES", "10"))
BUDGET = float(os.environ.get("CARBONMS_SCHEMATHESIS_BUDGET", "100"))
SEED = int(os.environ.get("CARBONMS_SCHEMATHESIS_SEED", "2026"))


@dataclass
class Report:
    operations: int = 0
    cases: int = 0
    squeezed: int = 0  # operations run with fewer than EXAMPLES cases per mode to stay within the budget
    statuses: dict = field(default_factory=lambda: defaultdict(int))
    failures: dict = field(default_factory=dict)  # (operation, kind) -> first failure text

    def add(self, label: str, kind: str, text: str) -> None:
        self.failures.setdefault((label, kind), text)

    def summary(self) -> str:
        lines = [f"{len(self.failures)} failing (operation, check) pairs over {self.operations} operations, "
                 f"{self.cases} cases:"]
        for (label, kind), text in sorted(self.failures.items()):
            lines.append(f"--- {label} [{kind}]\n{text[:3000]}")
        return "\n".join(lines)


def _existing_ids(headers: dict, schema) -> dict[str, list[int]]:
    """Ids of the records the caller can see, per collection path (first page of each list)."""
    client = Client(HTTP_AUTHORIZATION=headers["Authorization"])
    ids: dict[str, list[int]] = {}
    for path in schema.raw_schema["paths"]:
        if "{" in path or "get" not in schema.raw_schema["paths"][path]:
            continue
        r = client.get(path, {"limit": 25})
        if r.status_code == 200 and isinstance(r.json(), dict) and isinstance(r.json().get("results"), list):
            ids[path] = [row["id"] for row in r.json()["results"] if isinstance(row, dict) and "id" in row]
    ids["{enterprise_pk}"] = ids.get("/api/v1/enterprises/", [])
    return ids


def _ids_for(path: str, ids: dict) -> tuple[str | None, list[int]]:
    if "{enterprise_pk}" in path:
        return "enterprise_pk", ids["{enterprise_pk}"]
    if "{id}" in path:
        return "id", ids.get(path.split("{id}")[0], [])
    return None, []


def _run_operation(op, headers: dict, ids: dict, report: Report, examples: int) -> None:
    from schemathesis import GenerationMode

    label = f"{op.method.upper()} {op.path}"
    param, known = _ids_for(op.path, ids)
    errors: list[str] = []

    def on_exception(sender, request=None, **kwargs):
        errors.append(traceback.format_exc())

    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        run = _cases_of(op, mode, headers, param, known, report, examples, errors)
        got_request_exception.connect(on_exception)
        try:
            run()
        except Unsatisfiable:  # nothing to make invalid: an operation without parameters or body
            pass
        except Exception as exc:  # generation itself failed (an unsupported schema construct)
            report.add(label, f"{mode.value} generation", "".join(traceback.format_exception(exc)))
        finally:
            got_request_exception.disconnect(on_exception)
    report.operations += 1


def _cases_of(op, mode, headers: dict, param: str | None, known: list[int], report: Report, examples: int,
              errors: list[str]):
    """A Hypothesis test calling ``op`` with the cases of one generation mode, recording every failure."""
    from schemathesis import GenerationMode
    from schemathesis.checks import not_a_server_error
    from schemathesis.core.failures import FailureGroup
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    checks = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
    label = f"{op.method.upper()} {op.path}"
    positive = mode == GenerationMode.POSITIVE
    real_id = st.one_of(st.sampled_from(known), st.none()) if known and positive else st.none()

    @seed(SEED)
    @settings(max_examples=examples, deadline=None, database=None, suppress_health_check=list(HealthCheck),
              phases=[Phase.explicit, Phase.generate])
    @given(case=op.as_strategy(generation_mode=mode), pk=real_id)
    def run(case, pk):
        if pk is not None and param in (case.path_parameters or {}):
            case.path_parameters[param] = pk
        report.cases += 1
        errors.clear()
        with transaction.atomic():
            try:
                response = case.call(headers=headers)
                report.statuses[response.status_code] += 1
                try:
                    case.validate_response(response, checks=checks, headers=headers)
                except FailureGroup as exc:
                    kind = "server error" if response.status_code >= 500 else "schema"
                    text = str(exc) + ("\n" + errors[-1] if errors else "")
                    report.add(label, f"{mode.value} {kind}", text)
            finally:
                transaction.set_rollback(True)

    return run


def _examples_for_next(report: Report, started: float, remaining_ops: int) -> int:
    """Share what is left of the time budget evenly among the remaining operations (at least one case
    per mode, at most EXAMPLES), from the time the cases have taken so far."""
    if not report.cases:
        return EXAMPLES
    per_case = (time.monotonic() - started) / report.cases
    left = BUDGET - (time.monotonic() - started)
    n = int(left / remaining_ops / (2 * per_case)) if left > 0 else 0
    if n < EXAMPLES:
        report.squeezed += 1
    return max(1, min(EXAMPLES, n))


@pytest.mark.slow(100)
@pytest.mark.parametrize("username", ["clerk", "park_admin"])
def test_every_operation_keeps_its_contract(username, db, wsgi_app):
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("the bounded schemathesis run is made on the embedded default (the SQLite run of the suite)")
    from carbonms.accounts.models import User
    from carbonms.demo import generator

    generator.build(enterprises=2, seed=SEED)
    headers = token_for(User.objects.get(username=username))
    schema = load_schema(wsgi_app, headers)
    ids = _existing_ids(headers, schema)
    report = Report()
    started = time.monotonic()
    operations = [result.ok() for result in schema.get_all_operations()]
    for i, op in enumerate(operations):
        _run_operation(op, headers, ids, report, _examples_for_next(report, started, len(operations) - i))
    print(f"\nschemathesis as {username}: {report.operations} operations, {report.cases} cases, "
          f"{report.squeezed} with fewer cases for the budget, answers {dict(sorted(report.statuses.items()))}, "
          f"{time.monotonic() - started:.0f}s")
    assert report.operations > 150  # every operation of the schema was called
    assert not report.failures, report.summary()
