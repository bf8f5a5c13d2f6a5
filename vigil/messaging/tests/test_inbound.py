"""The inbound router: STOP for every app first, then the registered handlers in their order; an
unclaimed message is a report."""

from __future__ import annotations

import pytest
from twilio.request_validator import RequestValidator

from vigil.accounts.models import AuditEvent
from vigil.messaging import actions
from vigil.messaging.inbound import Inbound, route, stop_words, stopped_reply
from vigil.messaging.models import OptOut
from vigil.messaging.tests.conftest import SMS_NUMBER

PHONE = "+17185557101"


@pytest.mark.django_db
def test_it_tries_handlers_in_their_order_and_stops_at_the_first_that_claims(only_handlers):
    tried = []

    def handler(name, claims):
        def handle(inbound):
            tried.append(name)
            return f"{name} answers" if claims(inbound) else None

        return handle

    only_handlers.register_handler("late", handler("late", lambda m: True), order=200)
    only_handlers.register_handler("keyword", handler("keyword", lambda m: m.body == "JOIN"), order=100)
    only_handlers.register_handler("conversation", handler("conversation", lambda m: m.sender == PHONE), order=10)
    assert route(Inbound("+17185557102", "sms", "JOIN")) == "keyword answers"
    assert tried == ["conversation", "keyword"]
    tried.clear()
    assert route(Inbound(PHONE, "sms", "JOIN")) == "conversation answers"
    assert tried == ["conversation"]
    assert [h.name for h in only_handlers.handlers()] == ["conversation", "keyword", "late"]


@pytest.mark.django_db
def test_it_returns_nothing_when_no_handler_claims_the_message(only_handlers):
    only_handlers.register_handler("keyword", lambda inbound: None, order=100)
    assert route(Inbound(PHONE, "sms", "ICE agents on 5th avenue")) is None
    assert not OptOut.objects.exists()


@pytest.mark.django_db
def test_it_ends_every_programme_on_stop_and_says_what_was_stopped(only_handlers, settings):
    settings.ALERTS_SMS_NUMBER = SMS_NUMBER
    ended = []

    def stopper(name, reply):
        def stop(address, channel, language, via):
            ended.append((name, address, channel, language, via))
            return reply

        return stop

    never = []
    only_handlers.register_handler("alerts", never.append, order=100, stop=stopper("alerts", "No more alerts."))
    only_handlers.register_handler("cases", never.append, order=50, stop=stopper("cases", "No more case news."))
    only_handlers.register_handler("quiet", never.append, order=60, stop=stopper("quiet", None))
    reply = route(Inbound(PHONE, "sms", " stop! "))
    assert reply == "No more case news. No more alerts."
    assert [e[0] for e in ended] == ["cases", "quiet", "alerts"]
    assert ended[0][1:] == (PHONE, "sms", "", "keyword")
    assert never == []  # STOP is never handed to a handler as a message
    opt_out = OptOut.objects.get()
    assert (opt_out.channel, opt_out.sending_number, opt_out.via) == ("sms", SMS_NUMBER, "keyword")
    assert PHONE not in opt_out.address_index
    assert actions.is_opted_out(PHONE, "sms") and not actions.is_opted_out(PHONE, "whatsapp")
    event = AuditEvent.objects.get(action="messaging.opted_out")
    assert event.detail == {"channel": "sms", "kind": "keyword", "count": 2}


@pytest.mark.django_db
def test_it_knows_each_handlers_translations_of_stop_and_passes_their_language(only_handlers):
    languages = []
    only_handlers.register_handler(
        "alerts",
        lambda inbound: None,
        order=100,
        stop=lambda address, channel, language, via: languages.append(language),
        stop_words=lambda: {"alto": "es", "СТОП": "ru"},
    )
    assert {"stop": "", "alto": "es", "стоп": "ru"}.items() <= stop_words().items()
    assert route(Inbound(PHONE, "sms", "Alto")) == stopped_reply("es")
    assert route(Inbound(PHONE, "whatsapp", "стоп")) == stopped_reply("ru")
    assert languages == ["es", "ru"]
    assert stopped_reply("es") != stopped_reply("en")


@pytest.mark.django_db
def test_it_stops_both_phone_channels_on_stopall_and_a_join_undoes_one(only_handlers):
    assert route(Inbound(PHONE, "sms", "STOPALL")) == stopped_reply("")
    assert actions.is_opted_out(PHONE, "sms") and actions.is_opted_out(PHONE, "whatsapp")
    assert actions.opt_in(PHONE, "sms")
    assert not actions.is_opted_out(PHONE, "sms") and actions.is_opted_out(PHONE, "whatsapp")


@pytest.mark.django_db
def test_it_records_one_opt_out_however_often_stop_is_sent(only_handlers):
    for _ in range(3):
        route(Inbound(PHONE, "sms", "STOP"))
    assert OptOut.objects.count() == 1


def webhook(client, settings, body, sid):
    settings.TWILIO_AUTH_TOKEN = "webhook-token"
    settings.TWILIO_WEBHOOK_BASE_URL = "https://vigil.example.org"
    params = {"MessageSid": sid, "From": PHONE, "Body": body}
    signature = RequestValidator("webhook-token").compute_signature(
        "https://vigil.example.org/hooks/twilio/inbound", params
    )
    return client.post("/hooks/twilio/inbound", params, HTTP_X_TWILIO_SIGNATURE=signature)


@pytest.mark.django_db
def test_it_makes_only_an_unclaimed_webhook_message_a_report(client, settings, only_handlers):
    from vigil.intake.models import Report

    only_handlers.register_handler("tests.app", lambda m: "claimed" if m.body == "MINE" else None, order=10)
    claimed = webhook(client, settings, "MINE", "SM" + "2" * 32)
    assert claimed.status_code == 200 and "claimed" in claimed.content.decode()
    assert not Report.objects.exists()
    stopped = webhook(client, settings, "STOP", "SM" + "3" * 32)
    assert stopped_reply("") in stopped.content.decode() and not Report.objects.exists()
    webhook(client, settings, "ICE agents at the corner of Roosevelt and 74th", "SM" + "4" * 32)
    assert Report.objects.count() == 1
