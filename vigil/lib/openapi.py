"""The OpenAPI document of the JSON API under /api/, generated from the pydantic models that read and write
its bodies (docs/decisions.md): a body is declared once, and the document cannot drift from the code.

Each app declares its operations beside its views with ``@operation(...)``; the document gathers them. The
registry lives here, below every app, so that intake (lower) and alerts (higher) each register their own
paths without importing one another.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from pydantic import BaseModel, ConfigDict
from pydantic.json_schema import models_json_schema

REF = "#/components/schemas/{model}"


class Error(BaseModel):
    """Every error under /api/ (vigil.lib.jsonapi): `error` says what went wrong; `fields`, when a body was
    refused, maps each field to a message in the caller's language."""

    # Some errors say more (a 429's `challenge`, an alert's refusal `reason`): other keys are allowed.
    model_config = ConfigDict(extra="allow", title="Error")

    error: str
    fields: dict[str, str] | None = None


@dataclass(frozen=True)
class Response:
    description: str
    model: type[BaseModel] | None = Error
    extra: dict = field(default_factory=dict)  # more OpenAPI keys, such as x-domain-rules


@dataclass(frozen=True)
class Operation:
    path: str
    method: str
    summary: str
    responses: dict[int, Response]
    description: str = ""
    body: type[BaseModel] | None = None
    body_required: bool = True
    security: tuple[dict, ...] = ({"bearer": []},)
    parameters: tuple[dict, ...] = ()


_OPERATIONS: dict[tuple[str, str], Operation] = {}


def operation(path: str, method: str, **spec):
    """Registers a view's operation in the document; the view itself is unchanged."""

    def register(view):
        _OPERATIONS[(path, method.lower())] = Operation(path=path, method=method.lower(), **spec)
        return view

    return register


def _path_parameters(path: str) -> list[dict]:
    names = [part[1:-1] for part in path.split("/") if part.startswith("{")]
    return [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string", "format": "uuid"}} for name in names
    ]


@cache
def document() -> dict:
    """The OpenAPI 3.1 document, built once per process (the URLconf is loaded first, so every app's
    operations are registered whoever asks first)."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports every view module, registering its operations

    models: dict[tuple[type[BaseModel], str], None] = {(Error, "serialization"): None}
    for op in _OPERATIONS.values():
        if op.body is not None:
            models[(op.body, "validation")] = None
        for response in op.responses.values():
            if response.model is not None:
                models[(response.model, "serialization")] = None
    refs, components = models_json_schema(list(models), ref_template=REF)

    paths: dict[str, dict] = {}
    for op in sorted(_OPERATIONS.values(), key=lambda o: (o.path, o.method)):
        spec: dict = {"summary": op.summary, "security": list(op.security)}
        if op.description:
            spec["description"] = op.description
        parameters = _path_parameters(op.path) + list(op.parameters)
        if parameters:
            spec["parameters"] = parameters
        if op.body is not None:
            spec["requestBody"] = {
                "required": op.body_required,
                "content": {"application/json": {"schema": refs[(op.body, "validation")]}},
            }
        spec["responses"] = {}
        for status, response in sorted(op.responses.items()):
            answer: dict = {"description": response.description, **response.extra}
            if response.model is not None:
                answer["content"] = {"application/json": {"schema": refs[(response.model, "serialization")]}}
            spec["responses"][str(status)] = answer
        paths.setdefault(op.path, {})[op.method] = spec
    return {
        "openapi": "3.1.0",
        "info": {"title": "Vigil API", "version": "1"},
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": components.get("$defs", {}),
        },
        "paths": paths,
    }
