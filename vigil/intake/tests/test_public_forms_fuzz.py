"""Every public form answers whatever a stranger types (non-ASCII, control characters, bytes that are not
UTF-8) with a page, never a server error: a 500 on a public page is a way to find and repeat a crash.

The alerts forms belong to alerts; they are driven here through the client only, as anyone could.
Bounded (a few dozen examples a form) and seeded (derandomize), so a run is quick and repeatable.
"""

from __future__ import annotations

from urllib.parse import quote, quote_from_bytes

import pytest
from django.core.cache import cache
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from vigil.intake import actions
from vigil.intake.validation import build_input

# Control characters, format characters (direction marks, zero-width), separators, anything past ASCII;
# never lone surrogates, which no browser sends as text (they arrive as bytes, below).
NASTY_CHARACTERS = st.one_of(
    st.characters(categories=["Cc", "Cf", "Zl", "Zp", "Zs"]),
    st.characters(min_codepoint=0x80, exclude_categories=["Cs"]),
    st.characters(exclude_categories=["Cs"]),
)
NASTY_TEXT = st.text(NASTY_CHARACTERS, max_size=120)
# What a form field can also be on the wire: percent-encoded bytes that are not UTF-8 at all.
NASTY_BYTES = st.binary(max_size=60)

FORMS = {
    "report": ("/report/", ("text", "place_text", "area", "occurred_at", "people_detained", "contact", "lat", "lon")),
    "report_status": ("/report/status/", ("code", "secret", "addition")),
    "alerts_subscribe": ("/alerts/", ("channel", "address", "language", "areas")),
    "alerts_confirm": ("/alerts/confirm/", ("t", "code")),
    "alerts_unsubscribe": ("/alerts/unsubscribe/", ("t",)),
    "staff_sign_in": ("/accounts/login/", ("login", "password")),
}

FUZZ = hypothesis_settings(
    max_examples=25,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def encode(fields: dict) -> str:
    parts = []
    for name, value in fields.items():
        quoted = quote_from_bytes(value) if isinstance(value, bytes) else quote(value)
        parts.append(f"{quote(name)}={quoted}")
    return "&".join(parts)


def answer_of(client: Client, method: str, url: str, fields: dict):
    cache.clear()  # rate limits would turn later examples into 429s and hide the code behind them
    if method == "GET":
        return client.get(f"{url}?{encode(fields)}")
    return client.post(url, encode(fields), content_type="application/x-www-form-urlencoded")


@pytest.fixture
def known_code(db):
    """A real receipt code, so that the status page compares a typed secret with a stored one too."""
    report, _secret, _created = actions.submit_report(build_input({"text": "ICE vans at Roosevelt Ave"}), channel="web")
    return report.receipt_code


@pytest.mark.django_db
@pytest.mark.parametrize("form", sorted(FORMS))
@pytest.mark.parametrize("method", ["GET", "POST"])
@FUZZ
@given(data=st.data())
def test_it_answers_every_public_form_with_a_page_whatever_is_typed(client, known_code, form, method, data):
    url, names = FORMS[form]
    fields = {}
    for name in names:
        if name == "code" and form == "report_status":
            fields[name] = data.draw(st.one_of(st.just(known_code), NASTY_TEXT, NASTY_BYTES), label=name)
        else:
            fields[name] = data.draw(st.one_of(NASTY_TEXT, NASTY_BYTES), label=name)
    fields["lang"] = data.draw(st.one_of(st.just("ar"), NASTY_TEXT), label="lang")
    client.raise_request_exception = False  # a crash is asserted as its status, with the example shown
    response = answer_of(client, method, url, fields)
    assert response.status_code < 500, (form, method, fields)


@pytest.mark.django_db
@pytest.mark.parametrize("secret", ["秘密の合言葉", "ÀÉÎÕÜ-ÀÉÎÕ-ÀÉÎÕ-ÀÉÎÕ", "\x00\x1b\x7f", "\u202e1234-5678"])
def test_it_answers_a_non_ascii_secret_with_an_unknown_code_with_not_found(client, secret):
    """The case of issue 11 §2.5: `hmac.compare_digest` on str refused non-ASCII with a TypeError (a 500)."""
    response = client.post("/report/status/", {"code": "ZZZZ-ZZZZ", "secret": secret})
    assert response.status_code == 404
