import json

import pytest

from vigil.lib import jsonapi


@pytest.mark.parametrize(
    ("text", "depth"),
    [
        ("1", 0),
        ("[]", 1),
        ('{"a": [1, {"b": "[[[[{{{{"}]}', 3),
        (r'{"a": "\"[[[\\"}', 1),
        (r'{"a": "\\", "b": [[1]]}', 3),
        ('"\\\\"', 0),
        ("[" * 1000 + "]" * 1000, 1000),
        ('{"a": "\\u005b"}', 1),
        ('{"a": "unterminated [[[[', 1),
    ],
)
def test_it_measures_nesting_without_counting_brackets_in_strings(text, depth):
    assert jsonapi.nesting_depth(text) == depth


def test_it_reads_a_body_as_deep_as_the_limit():
    body = "[" * jsonapi.MAX_DEPTH + "]" * jsonapi.MAX_DEPTH
    assert jsonapi.loads(body.encode()) == json.loads(body)


@pytest.mark.parametrize(
    "body",
    [
        b"[" * (jsonapi.MAX_DEPTH + 1) + b"]" * (jsonapi.MAX_DEPTH + 1),
        b'{"a":' * 100_000 + b"1" + b"}" * 100_000,
        b"\xff\xfe",
        b"{not json",
        b'{"n": ' + b"9" * 5000 + b"}",
    ],
)
def test_it_refuses_a_body_it_cannot_read_safely_with_a_message_that_quotes_nothing(body):
    with pytest.raises(jsonapi.InvalidBody) as refused:
        jsonapi.loads(body)
    assert refused.value.message in (
        "body is not valid UTF-8",
        "body is not valid JSON",
        f"body is nested too deep (at most {jsonapi.MAX_DEPTH} levels)",
    )


def test_it_says_which_methods_are_allowed():
    response = jsonapi.method_not_allowed(("GET", "POST"))
    assert response.status_code == 405 and response["Allow"] == "GET, POST"
    assert json.loads(response.content) == {"error": "method not allowed"}
