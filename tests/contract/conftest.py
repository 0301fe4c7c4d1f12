"""The API against its own OpenAPI schema: a populated park, the WSGI application and schemathesis.

Requests go straight to Django's WSGI application (no server, no sockets): schemathesis' WSGI transport
calls it in this thread, on the test's database connection, so every request sees the test's data and
everything is rolled back afterwards. Django closes "old" connections at the start and end of each
request; inside a test transaction that would break the transaction, so those two signal handlers are
disconnected while the application is called (Django's own test client does the same).
"""
from __future__ import annotations

import pytest
from django.core import signals
from django.db import close_old_connections


@pytest.fixture
def wsgi_app(settings):
    from django.core.wsgi import get_wsgi_application

    settings.ALLOWED_HOSTS = ["localhost", "testserver"]
    application = get_wsgi_application()

    def app(environ, start_response):
        # Disconnected again at every call: Django's own test client reconnects the handlers after each
        # of its requests, and on PostgreSQL a closed connection would end the test's transaction.
        signals.request_started.disconnect(close_old_connections)
        signals.request_finished.disconnect(close_old_connections)
        return application(environ, start_response)

    try:
        yield app
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def token_for(user) -> dict:
    from rest_framework.authtoken.models import Token

    token, _ = Token.objects.get_or_create(user=user)
    return {"Authorization": f"Token {token.key}"}


def load_schema(app, headers: dict):
    """The schema as the API serves it at /api/schema/ (it needs a login)."""
    import schemathesis

    return schemathesis.openapi.from_wsgi("/api/schema/?format=json", app, headers=headers)


def assert_conforms(schema, path: str, method: str, headers: dict, *, path_parameters=None, query=None, body=None,
                    status: int | None = None):
    """Call one operation through the WSGI app and validate the answer against the schema.

    Checks: no server error, the status code is documented, the content type is documented, and the
    body matches the documented schema for that status. Returns the response.
    """
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    op = schema[path][method.upper()]
    kwargs = {"path_parameters": path_parameters or {}, "query": query or {}}
    if body is not None:
        kwargs.update(body=body, media_type="application/json")
    case = op.Case(**kwargs)
    response = case.call(headers=headers)
    if status is not None:
        assert response.status_code == status, response.text[:2000]
    case.validate_response(response, checks=[not_a_server_error, status_code_conformance, content_type_conformance,
                                             response_schema_conformance], headers=headers)
    return response
