from vigil.lib.tracebacks import bare_traceback


def test_it_keeps_places_and_types_but_not_messages_or_locals():
    def inner(secret):
        raise KeyError(secret)

    try:
        try:
            inner("Maria Lopez")
        except KeyError:
            raise ValueError("+17185550142 unreachable") from None
    except ValueError as exc:
        text = bare_traceback(exc)
    assert "vigil/lib/tests/test_tracebacks.py:" in text and "ValueError" in text
    assert "KeyError" not in text  # "from None": the context is suppressed, as Python prints it
    assert "Maria" not in text and "7185550142" not in text
