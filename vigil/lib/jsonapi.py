"""What every JSON API under /api/ shares: reading a request body safely and answering errors in one shape.

The shape is the OpenAPI document's Error schema (docs/api.md): `{"error": "...", "fields": {...}}`, for
every error, whatever its cause, including a crash (500), a path that does not exist (404) and a wrong
method (405, with the `Allow` header HTTP requires).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

from django.http import JsonResponse

API_PREFIX = "/api/"
# No body the API takes is more than a few levels deep (a report is three). Python's parser recurses once
# per level, so a small body nested a thousand deep would exhaust the interpreter's stack: refuse early.
MAX_DEPTH = 20

STATUS_MESSAGES = {
    400: "bad request",
    403: "forbidden",
    404: "not found",
    405: "method not allowed",
    413: "request body too large",
    500: "internal error",
}


_STRUCTURAL = re.compile(r'[\\"\[\]{}]')


class InvalidBody(ValueError):
    """A body that cannot be read as JSON; ``message`` is safe to show the caller (it quotes nothing)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def is_api_path(path: str) -> bool:
    return path.startswith(API_PREFIX)


def error(message: str, status: int, **extra) -> JsonResponse:
    return JsonResponse({"error": message, **extra}, status=status)


def error_for_status(status: int) -> JsonResponse:
    return error(STATUS_MESSAGES.get(status, "error"), status)


def method_not_allowed(allowed: Iterable[str]) -> JsonResponse:
    response = error(STATUS_MESSAGES[405], 405)
    response["Allow"] = ", ".join(allowed)
    return response


def loads(body: bytes, *, max_depth: int = MAX_DEPTH):
    """The JSON value of a request body, or InvalidBody: not UTF-8, not JSON, or nested deeper than max_depth.

    The depth is measured before parsing, on the bytes (a scan of brackets outside strings), so no depth of
    nesting ever reaches the recursive parser.
    """
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidBody("body is not valid UTF-8") from None
    if nesting_depth(text) > max_depth:
        raise InvalidBody(f"body is nested too deep (at most {max_depth} levels)")
    try:
        return json.loads(text)
    except (ValueError, RecursionError):  # JSONDecodeError, and integers longer than Python will convert
        raise InvalidBody("body is not valid JSON") from None


def nesting_depth(text: str) -> int:
    """The deepest nesting of [ and { in JSON text, not counting brackets inside strings (even if malformed).

    Only the characters that matter are visited (a regular expression finds them), so a long text costs
    little more than one pass of the regular-expression engine.
    """
    depth = deepest = 0
    in_string = False
    escaped_at = -1  # the position of a character a backslash escapes
    for match in _STRUCTURAL.finditer(text):
        at, char = match.start(), match.group()
        if at == escaped_at:
            continue
        if in_string:
            if char == "\\":
                escaped_at = at + 1
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest
