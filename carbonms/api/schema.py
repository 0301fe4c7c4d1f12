"""OpenAPI schema additions: the error answers every endpoint can give, documented once.

drf-spectacular documents only the success answer of each operation. Every endpoint of the API can also
answer 401 (no or bad credentials), 403 (the role does not allow it), 400 (field-keyed messages, for any
operation that takes input) and 404 (a record outside the caller's scope, for any operation on one
record). This post-processing hook adds those answers to every operation, so the schema says what the
API really answers (checked by tests/contract/test_schemathesis.py).
"""
from __future__ import annotations

DETAIL = "ErrorDetail"
FIELD_ERRORS = "FieldErrors"

_SCHEMAS = {
    DETAIL: {
        "type": "object",
        "description": "A refusal with its reason in the caller's language.",
        "properties": {"detail": {"type": "string"}},
        "required": ["detail"],
    },
    FIELD_ERRORS: {
        "type": "object",
        "description": "Messages keyed by field (``non_field_errors`` for the record as a whole); nested for "
                       "lists of records.",
        "additionalProperties": {},
    },
}


def _answer(description: str, schema: str) -> dict:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}}


def add_error_responses(result, generator, request, public):
    """POSTPROCESSING_HOOKS entry: add 400/401/403/404 to each operation where they can occur."""
    result.setdefault("components", {}).setdefault("schemas", {}).update(_SCHEMAS)
    for path, item in result.get("paths", {}).items():
        for method, operation in item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            responses = operation.setdefault("responses", {})
            takes_input = method != "delete" and (
                "requestBody" in operation or any(p.get("in") == "query" for p in operation.get("parameters", []))
                or method in ("post", "put", "patch"))
            if takes_input or method == "delete":
                responses.setdefault("400", _answer("Refused input, or a delete refused because other records "
                                                    "depend on the record", FIELD_ERRORS))
            responses.setdefault("401", _answer("Not authenticated", DETAIL))
            responses.setdefault("403", _answer("The caller's role does not allow this", DETAIL))
            if "{" in path:
                responses.setdefault("404", _answer("No such record in the caller's scope", DETAIL))
    return result
