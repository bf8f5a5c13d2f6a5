"""Alert references, codes and web addresses in Arabic and Urdu messages are isolated left to right; in every
other language the text is untouched (the isolates would make an SMS UCS-2)."""

import pytest
from django.conf import settings

from vigil.alerts import actions, segments, texts
from vigil.alerts.tests.conftest import make_incident
from vigil.lib.bidi import LRI, PDI

RTL = ("ar", "ur")
OTHERS = [code for code, _name in settings.LANGUAGES if code not in RTL]


@pytest.mark.django_db
def test_it_isolates_the_alert_reference_only_in_arabic_and_urdu(colleague):
    incident = make_incident(colleague.organization, colleague)
    alert = actions.compose_alert(actor=colleague, kind="verified_activity", incident=incident)
    for language in RTL:
        rendered = alert.texts[language]
        for part in (rendered["text"], rendered["sms"], rendered["subject"]):
            assert f"{LRI}{alert.ref}{PDI}" in part
        assert rendered["vars"]["1"] == f"{LRI}{alert.ref}{PDI}"
    for language in OTHERS:
        rendered = alert.texts[language]
        assert alert.ref in rendered["text"] and alert.ref in rendered["subject"]
        assert LRI not in rendered["sms"] + rendered["subject"] and PDI not in rendered["sms"]
        assert rendered["vars"]["1"] == alert.ref


@pytest.mark.django_db
def test_it_keeps_an_english_alert_in_gsm_seven(colleague):
    incident = make_incident(colleague.organization, colleague)
    alert = actions.compose_alert(actor=colleague, kind="verified_activity", incident=incident)
    assert segments.count(alert.texts["en"]["sms"]).encoding == "GSM-7"


def test_it_isolates_the_original_reference_of_a_follow_up():
    values = texts.isolated({"ref": "A7", "original": "A6", "area": "Astoria", "time": "9:05"}, "ur")
    assert values == {"ref": f"{LRI}A7{PDI}", "original": f"{LRI}A6{PDI}", "area": "Astoria", "time": "9:05"}


@pytest.mark.parametrize("language", RTL)
def test_it_isolates_codes_and_addresses_in_arabic_and_urdu_replies(language):
    pack = texts.pack_for(language)
    assert f"{LRI}483920{PDI}" in pack.reply("code_message", code="483920", minutes=15)
    body = pack.reply(
        "email_confirm_body", code="483920", url="https://vigil.example.org/alerts/confirm?t=abc", minutes=15
    )
    assert f"{LRI}483920{PDI}" in body
    assert f"{LRI}https://vigil.example.org/alerts/confirm?t=abc {PDI}" in body


@pytest.mark.parametrize("language", OTHERS)
def test_it_adds_nothing_to_replies_in_other_languages(language):
    pack = texts.pack_for(language)
    reply = pack.reply("code_message", code="483920", minutes=15)
    assert "483920" in reply and LRI not in reply and PDI not in reply


def test_it_reads_a_code_copied_back_with_its_direction_marks():
    assert actions.parse_code(f"{LRI}483920{PDI}") == "483920"
    assert actions.parse_code("\u200f٤٨٣ ٩٢٠\u061c") == "483920"


def test_it_reads_a_keyword_copied_with_direction_marks():
    assert texts.fold(f"\u200f{LRI}JOIN{PDI}") == "join"
