"""Subscribing and unsubscribing by SMS and WhatsApp keyword, in the keyword's language."""

from __future__ import annotations

import pytest
from twilio.request_validator import RequestValidator

from vigil.alerts import actions, texts
from vigil.alerts.keywords import handle_inbound, parse_areas
from vigil.alerts.models import Subscriber
from vigil.alerts.tests.conftest import make_incident, make_subscriber
from vigil.messaging import actions as messaging_actions
from vigil.messaging.inbound import Inbound, route, stopped_reply
from vigil.messaging.models import Delivery, Message

PHONE = "+17185550142"


def code_in(reply: str) -> str:
    return next(
        word.strip(".,:") for word in reply.split() if word.strip(".,:").isdigit() and len(word.strip(".,:")) == 6
    )


def subscriber(channel="sms") -> Subscriber:
    return actions.phone_subscribers(PHONE)[channel]


@pytest.mark.django_db
def test_it_subscribes_by_keyword_then_area_then_code_in_the_keywords_language():
    es = texts.pack_for("es")
    reply = handle_inbound(PHONE, "ALTA", "sms")
    assert reply == es.reply("ask_areas")
    assert subscriber().state == "pending"
    reply = handle_inbound(PHONE, "Queens", "sms")
    assert reply.startswith("Vigil: responda")
    code = code_in(reply)
    reply = handle_inbound(PHONE, code, "sms")
    assert reply == es.reply("subscribed", areas="Queens")
    current = subscriber()
    assert (current.state, current.language, current.area_codes()) == ("active", "es", ["QN"])


@pytest.mark.django_db
@pytest.mark.parametrize(
    "word,language",
    [
        ("JOIN", "en"),
        ("alta", "es"),
        ("订阅", "zh-hans"),
        ("訂閱", "zh-hant"),
        ("ПОДПИСКА", "ru"),
        ("যোগ", "bn"),
        ("ANTRE", "ht"),
        ("가입", "ko"),
        ("اشتراك", "ar"),
        ("شامل", "ur"),
        ("Abonner", "fr"),
        ("DOŁĄCZ", "pl"),
    ],
)
def test_it_knows_the_join_keyword_of_every_language(word, language):
    assert handle_inbound(PHONE, word, "sms") == texts.pack_for(language).reply("ask_areas")
    assert subscriber().language == language


@pytest.mark.django_db
def test_it_takes_areas_given_with_the_keyword():
    reply = handle_inbound(PHONE, "JOIN QN0301, Brooklyn", "sms")
    assert "Jackson Heights, Brooklyn" in reply
    handle_inbound(PHONE, code_in(reply), "sms")
    assert subscriber().area_codes() == ["BK", "QN0301"]


@pytest.mark.django_db
def test_it_reads_area_names_in_the_subscribers_languages():
    assert parse_areas("皇后区") == ["QN"]
    assert parse_areas("Бруклин") == ["BK"]
    assert parse_areas("the bronx; jackson heights") == ["BX", "QN0301"]
    assert parse_areas("QN0301 BK") == ["QN0301", "BK"]
    assert parse_areas("Atlantis") is None


@pytest.mark.django_db
def test_it_asks_again_for_an_unknown_area_in_the_subscribers_language():
    handle_inbound(PHONE, "ALTA", "sms")
    assert handle_inbound(PHONE, "Atlantis", "sms") == texts.pack_for("es").reply("ask_areas")
    assert handle_inbound(PHONE, "ALTA Atlantis", "sms") == texts.pack_for("es").reply("unknown_area")


@pytest.mark.django_db
def test_it_refuses_a_wrong_code_and_stops_after_five():
    reply = handle_inbound(PHONE, "JOIN BK", "sms")
    good = code_in(reply)
    wrong = "000000" if good != "000000" else "111111"
    assert handle_inbound(PHONE, wrong, "sms") == texts.pack_for("en").reply("bad_code")
    for _ in range(4):
        last = handle_inbound(PHONE, wrong, "sms")
    assert last == texts.pack_for("en").reply("too_many")
    handle_inbound(PHONE, good, "sms")
    assert subscriber().state == "pending"  # even the right code is refused now


@pytest.mark.django_db
def test_it_accepts_a_code_typed_with_bengali_digits():
    handle_inbound(PHONE, "যোগ BK", "sms")
    code = actions.confirmation_code(subscriber())
    bengali = "".join("০১২৩৪৫৬৭৮৯"[int(d)] for d in code)
    assert handle_inbound(PHONE, bengali, "sms").startswith("Vigil:")
    assert subscriber().state == "active"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "word,language",
    [
        ("STOP", "en"),
        ("stop.", "en"),
        ("UNSUBSCRIBE", "en"),
        ("CANCEL", "en"),
        ("END", "en"),
        ("QUIT", "en"),
        ("BAJA", "es"),
        ("СТОП", "ru"),
        ("退订", "zh-hans"),
        ("KANPE", "ht"),
        ("중지", "ko"),
        ("إلغاء", "ar"),
        ("بند", "ur"),
        ("ARRÊT", "fr"),
        ("WYPISZ", "pl"),
        ("বন্ধ", "bn"),
    ],
)
def test_it_unsubscribes_at_once_on_stop_and_confirms(word, language, owner):
    current = make_subscriber(PHONE, language="en")
    incident = make_incident(owner.organization, owner)
    alert = actions.compose_alert(actor=owner, kind="verified_activity", incident=incident)
    actions.send_alert(alert, actor=owner, confirm_unreviewed=True)
    reply = route(Inbound(PHONE, "sms", word))
    assert reply == texts.pack_for(language).reply("stopped")
    assert messaging_actions.is_opted_out(PHONE, "sms")
    current.refresh_from_db()
    assert current.state == "unsubscribed"
    assert not current.areas.exists()
    assert Delivery.objects.get(recipient_id=current.pk).state == "withdrawn"


@pytest.mark.django_db
def test_it_stops_both_phone_channels_on_stopall_and_only_one_on_stop():
    make_subscriber(PHONE, channel="sms")
    make_subscriber(PHONE, channel="whatsapp")
    route(Inbound(PHONE, "whatsapp", "STOP"))
    assert subscriber("whatsapp").state == "unsubscribed"
    assert subscriber("sms").state == "active"
    make_subscriber(PHONE, channel="whatsapp")
    route(Inbound(PHONE, "sms", "STOPALL"))
    assert {s.state for s in actions.phone_subscribers(PHONE).values()} == {"unsubscribed"}


@pytest.mark.django_db
def test_it_confirms_stop_even_for_a_number_it_does_not_know():
    assert route(Inbound("+17185550199", "sms", "STOP")) == stopped_reply("")
    assert not Subscriber.objects.exists()
    assert messaging_actions.is_opted_out("+17185550199", "sms")


@pytest.mark.django_db
def test_it_sends_no_code_and_no_alert_to_an_opted_out_number_until_it_joins_again(owner, drain):
    route(Inbound(PHONE, "sms", "STOP"))
    pending = actions.subscribe(channel="sms", address=PHONE, language="en", areas=["QN0301"], via="web")
    drain()
    code_message = Message.objects.get(recipient_kind=actions.CONFIRMATION)
    assert (code_message.state, code_message.error_code) == ("withdrawn", "opted_out")
    assert actions.confirm(pending, actions.confirmation_code(pending)) == "ok"
    alert = actions.compose_alert(
        actor=owner, kind="verified_activity", incident=make_incident(owner.organization, owner)
    )
    actions.send_alert(alert, actor=owner, confirm_unreviewed=True)
    drain()
    assert Delivery.objects.get().state == "withdrawn" and Delivery.objects.get().error_code == "opted_out"
    route(Inbound(PHONE, "sms", "JOIN"))
    assert not messaging_actions.is_opted_out(PHONE, "sms")


@pytest.mark.django_db
def test_it_answers_help_in_the_keywords_or_the_subscribers_language():
    assert handle_inbound(PHONE, "AYUDA", "sms") == texts.pack_for("es").reply("help")
    make_subscriber(PHONE, language="ko")
    assert handle_inbound(PHONE, "HELP", "sms") == texts.pack_for("ko").reply("help")


@pytest.mark.django_db
def test_it_gives_a_pending_subscriber_help_in_their_language_for_an_unknown_word():
    handle_inbound(PHONE, "ALTA BK", "sms")
    assert handle_inbound(PHONE, "hola?", "sms") == texts.pack_for("es").reply("help_code")


@pytest.mark.django_db
def test_it_lets_a_report_through_even_from_a_pending_subscriber():
    handle_inbound(PHONE, "JOIN", "sms")
    assert handle_inbound(PHONE, "ICE agents are at the corner of Roosevelt and 74th right now", "sms") is None


@pytest.mark.django_db
@pytest.mark.parametrize("body", ["ICE at Roosevelt and 74th", "YES", "3 vans on 5th ave", "", "   "])
def test_it_leaves_messages_that_are_not_about_subscriptions_to_intake(body):
    assert handle_inbound(PHONE, body, "sms") is None
    assert not Subscriber.objects.exists()


@pytest.mark.django_db
def test_it_answers_a_misspelled_keyword_with_help_in_the_detected_language():
    assert handle_inbound(PHONE, "JION", "sms") == texts.pack_for("en").reply("help")
    assert handle_inbound(PHONE, "AYUDAA", "sms") == texts.pack_for("es").reply("help")
    assert not Subscriber.objects.exists()


@pytest.mark.django_db
def test_it_says_so_when_an_active_subscriber_joins_again():
    make_subscriber(PHONE, areas=["BK"])
    assert handle_inbound(PHONE, "JOIN", "sms") == texts.pack_for("en").reply("already", areas="Brooklyn")


@pytest.mark.django_db
def test_it_changes_an_active_subscriptions_areas_only_after_the_code():
    make_subscriber(PHONE, areas=["BK"])
    reply = handle_inbound(PHONE, "JOIN QN", "sms")
    assert subscriber().area_codes() == ["BK"]
    handle_inbound(PHONE, code_in(reply), "sms")
    assert subscriber().area_codes() == ["QN"]
    assert subscriber().state == "active"


@pytest.mark.django_db
def test_it_confirms_a_whatsapp_signup_when_the_code_comes_from_that_whatsapp_number():
    pending = actions.subscribe(channel="whatsapp", address=PHONE, language="fr", areas=["BX"], via="web")
    code = actions.confirmation_code(pending)
    assert handle_inbound(PHONE, code, "sms") is None  # an SMS does not prove the WhatsApp account
    assert subscriber("whatsapp").state == "pending"
    assert handle_inbound(PHONE, code, "whatsapp") == texts.pack_for("fr").reply("subscribed", areas="le Bronx")
    assert subscriber("whatsapp").state == "active"


@pytest.mark.django_db
def test_it_answers_through_the_intake_webhook_and_stores_no_report(client, settings):
    settings.TWILIO_AUTH_TOKEN = "webhook-token"
    settings.TWILIO_WEBHOOK_BASE_URL = "https://vigil.example.org"
    params = {"MessageSid": "SM" + "1" * 32, "From": PHONE, "Body": "ALTA"}
    signature = RequestValidator("webhook-token").compute_signature(
        "https://vigil.example.org/hooks/twilio/inbound", params
    )
    response = client.post("/hooks/twilio/inbound", params, HTTP_X_TWILIO_SIGNATURE=signature)
    assert response.status_code == 200
    assert "Alertas Vigil" in response.content.decode()
    from vigil.intake.models import Report

    assert not Report.objects.exists()
    assert subscriber().state == "pending"
