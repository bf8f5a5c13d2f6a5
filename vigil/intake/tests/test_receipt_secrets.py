"""Receipt secrets: 80 bits in four groups of four, read back however they are typed; secrets issued before
keep matching as they did; nothing typed into the status page ever makes it fail."""

import math
import secrets
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from vigil.intake import actions, receipts, sms
from vigil.intake.models import Report
from vigil.intake.validation import build_input
from vigil.lib import crockford
from vigil.lib.bidi import LRI, PDI

STATUS = "/report/status/"


def submit(text="ICE agents at Roosevelt and 74th, two vans", **fields):
    report, secret, _created = actions.submit_report(build_input({"text": text, **fields}), channel="web")
    return report, secret


def with_old_secret(report) -> str:
    """Give a report a secret made as before this change (`secrets.token_urlsafe(12)`)."""
    old = secrets.token_urlsafe(12)
    report.receipt_secret = old
    report.save(update_fields=["receipt_secret"])
    return old


def test_it_makes_secrets_of_eighty_bits_in_four_groups_of_four():
    made = {receipts.new_secret() for _ in range(100)}
    assert len(made) == 100
    for secret in made:
        groups = secret.split("-")
        assert [len(g) for g in groups] == [4, 4, 4, 4]
        assert set("".join(groups)) <= set(crockford.ALPHABET)
    assert receipts.SECRET_SYMBOLS * math.log2(len(crockford.ALPHABET)) >= 80


def test_it_tells_new_secrets_from_old_ones_by_their_form():
    assert receipts.is_readable_secret(receipts.new_secret())
    assert not receipts.is_readable_secret("7k3m-q9xd-2hbt-f0rw")  # stored as issued: capitals
    assert not receipts.is_readable_secret("7K3MQ9XD2HBTF0RW")  # 16 characters: the old length
    for _ in range(50):
        assert not receipts.is_readable_secret(secrets.token_urlsafe(12))


@pytest.mark.django_db
def test_it_gives_a_new_report_a_grouped_secret_and_keeps_it_sealed():
    report, secret = submit()
    assert receipts.is_readable_secret(secret)
    report.refresh_from_db()
    assert report.receipt_secret == secret


@pytest.mark.django_db
def test_it_finds_the_report_for_the_secret_typed_in_any_usual_way():
    report, secret = submit()
    plain = secret.replace("-", "")
    typed = [
        secret,
        secret.lower(),
        plain,
        " ".join(secret.split("-")),
        f"  {plain[:8]} {plain[8:]}\n",
        secret.replace("0", "O").replace("1", "I"),
        secret.replace("0", "o").replace("1", "l"),
        secret.replace("1", "L"),
        f"\u2066{secret}\u2069",
        f"\u200f{secret[:9]}\u061c{secret[9:]}\u200e",
        f"\u202b{secret}\u202c",
    ]
    for candidate in typed:
        assert actions.check_receipt(report.receipt_code, candidate) == report, candidate


@pytest.mark.django_db
def test_it_finds_the_report_for_a_code_typed_loosely():
    report, secret = submit()
    code = report.receipt_code
    for typed in (code.lower(), code.replace("-", ""), code.replace("-", " "), f"\u2067{code}\u2069 "):
        assert actions.check_receipt(typed, secret) == report, typed


@pytest.mark.django_db
def test_it_refuses_a_wrong_or_changed_secret():
    report, secret = submit()
    other = receipts.new_secret()
    assert actions.check_receipt(report.receipt_code, other) is None
    last = secret[-1]
    changed = secret[:-1] + ("A" if last != "A" else "B")
    assert actions.check_receipt(report.receipt_code, changed) is None
    assert actions.check_receipt(report.receipt_code, secret[:-1]) is None
    assert actions.check_receipt(report.receipt_code, secret + "0") is None
    assert actions.check_receipt(report.receipt_code, "") is None
    assert actions.check_receipt(report.receipt_code, secret[:-1] + "U") is None  # U is not read as V


@pytest.mark.django_db
def test_it_still_matches_a_secret_issued_before_exactly_as_it_did():
    report, _secret = submit()
    old = with_old_secret(report)
    assert actions.check_receipt(report.receipt_code, old) == report
    assert actions.check_receipt(report.receipt_code, f"  {old}\n") == report
    assert actions.check_receipt(report.receipt_code, f"\u2066{old}\u2069") == report
    # As before, nothing else: case matters and no letter stands for another.
    if old.swapcase() != old:  # 16 random characters with no letter at all: about one in 10^9
        assert actions.check_receipt(report.receipt_code, old.swapcase()) is None
    assert actions.check_receipt(report.receipt_code, old[:-1] + ("x" if old[-1] != "x" else "y")) is None


@pytest.mark.django_db
def test_it_does_not_read_an_old_secret_forgivingly():
    report, _secret = submit()
    old = "Ab0-_IlOa0Ab0-_I"  # the old alphabet, with every look-alike
    report.receipt_secret = old
    report.save(update_fields=["receipt_secret"])
    assert actions.check_receipt(report.receipt_code, old) == report
    for near in ("AB0-_IlOa0Ab0-_I", "Ab0-_I1Oa0Ab0-_I", "Ab0-_Il0a0Ab0-_I", "Ab0_IlOa0Ab0_I", "Ab0-_IlOa0 Ab0-_I"):
        assert actions.check_receipt(report.receipt_code, near) is None, near


@pytest.mark.django_db
def test_it_shows_the_status_for_a_loosely_typed_secret_and_the_secret_as_issued(client):
    report, secret = submit()
    response = client.post(STATUS, {"code": report.receipt_code.lower(), "secret": secret.lower().replace("-", " ")})
    assert response.status_code == 200
    body = response.content.decode()
    assert f'<bdi dir="ltr">{report.receipt_code}</bdi>' in body
    assert f'<bdi dir="ltr">{secret}</bdi>' in body


@pytest.mark.django_db
def test_it_takes_added_information_with_a_loosely_typed_secret(client):
    report, secret = submit()
    response = client.post(
        STATUS, {"code": report.receipt_code, "secret": secret.lower(), "addition": "They left at 9, going north"}
    )
    assert response.status_code == 200
    assert Report.objects.filter(follow_up_of=report).count() == 1


NASTY = [
    "\x00",
    "\x00" * 64,
    "\ufeff\u200b",
    "ÀÉÎÕÜ",
    "漢字の秘密",
    "سر",
    "\u202e\u2066\u061c",
    "😀" * 30,
    "a\r\nb",
    "\x7f\x1b[2J",
    "Ⅸ",  # NFKC makes it IX
    "ß" * 16,  # upper() makes it longer
]


@pytest.mark.django_db
@pytest.mark.parametrize("secret", NASTY)
def test_it_answers_any_secret_with_a_page_never_a_500(client, secret):
    report, _secret = submit()
    for code in (report.receipt_code, "ZZZZ-ZZZZ", secret):
        response = client.post(STATUS, {"code": code, "secret": secret})
        assert response.status_code in (404, 429)
        assert Report.objects.filter(follow_up_of=report).count() == 0


@pytest.mark.django_db
@hypothesis_settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(secret=st.text(st.characters(exclude_categories=["Cs"]), max_size=80))
@example(secret="\u0660\u0661\u0662")
def test_it_never_fails_on_whatever_is_typed_as_a_secret(client, secret):
    from django.core.cache import cache

    cache.clear()  # the status page's try counter: each example starts with none
    report = Report.objects.first() or submit()[0]
    response = client.post(STATUS, {"code": report.receipt_code, "secret": secret})
    assert response.status_code == 404
    response = client.post(
        STATUS, f"code={quote(secret)}&secret={quote(secret)}", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 404


@pytest.mark.django_db
def test_it_compares_a_lone_surrogate_without_failing():
    report, _secret = submit()
    assert actions.check_receipt(report.receipt_code, "\ud800" * 16) is None
    assert actions.check_receipt("\ud800", "\ud800") is None
    with_old_secret(report)
    assert actions.check_receipt(report.receipt_code, "\udfff") is None


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["ar", "ur"])
def test_it_isolates_code_and_secret_in_an_arabic_or_urdu_sms_receipt(language):
    report, secret = submit()
    report.language = language
    message = sms.receipt_message(report, secret)
    assert f"{LRI}{report.receipt_code}{PDI}" in message
    assert f"{LRI}{secret}{PDI}" in message


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "es", "fr", "pl", "ht", "zh-hans", "ru", "und"])
def test_it_adds_no_direction_marks_to_a_receipt_in_other_languages(language):
    report, secret = submit()
    report.language = language
    message = sms.receipt_message(report, secret)
    assert report.receipt_code in message and secret in message
    assert LRI not in message and PDI not in message
