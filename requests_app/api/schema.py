"""The OpenAPI schema's additions: every operation documents the errors it may answer, in one shape."""

ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "detail": {"type": "string"},
        "errors": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
        "reasons": {"type": "array", "items": {"type": "string"}},
    },
    "required": ["detail"],
}

ERRORS = {
    "400": "The request is not valid, or the service refused the action (see detail, errors and reasons).",
    "401": "No credentials, or a token that is not valid (Authorization: Token <key>).",
    "403": "Your role may not do this.",
    "404": "No such case in your scope (a case of another desk does not exist for you), or a cursor not valid.",
    "429": "Too many requests: wait the seconds the Retry-After header says.",
}


def add_error_responses(result, generator, request, public):
    """A drf-spectacular postprocessing hook: the error answers of every operation, and their schema."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    reference = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for code, description in ERRORS.items():
                responses.setdefault(code, {"description": description, "content": reference})
    return result
