import pytest
from twilio.request_validator import RequestValidator

from vigil.intake.models import Report

TOKEN = "test-twilio-auth-token"
URL = "/hooks/twilio/inbound"


@pytest.fixture(autouse=True)
def twilio(settings):
    settings.TWILIO_AUTH_TOKEN = TOKEN
    settings.TWILIO_WEBHOOK_BASE_URL = "https://vigil.example.org"


def send(client, body, sid="SM" + "1" * 32, sender="+17185550142", forged=False):
    params = {"MessageSid": sid, "From": sender, "To": "+12125550100", "Body": body}
    signature = RequestValidator(TOKEN).compute_signature("https://vigil.example.org" + URL, params)
    if forged:
        signature = "AAAA" + signature[4:]
    return client.post(URL, params, HTTP_X_TWILIO_SIGNATURE=signature)


@pytest.mark.django_db
def test_it_stores_an_sms_report_and_replies_with_twiml_in_the_senders_language(client):
    response = send(client, "Hay agentes de ICE en Roosevelt y la 74 ahora mismo, dos camionetas")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/xml")
    report = Report.objects.get()
    body = response.content.decode()
    assert "<Response><Message>" in body and report.receipt_code in body
    assert report.language == "es" and report.channel == "sms"
    assert report.contact is None
    assert report.sender_ref and "7185550142" not in report.sender_ref


@pytest.mark.django_db
def test_it_creates_no_second_report_for_a_repeated_delivery(client):
    send(client, "ICE agents at 149th and 3rd right now")
    again = send(client, "ICE agents at 149th and 3rd right now")
    assert Report.objects.count() == 1
    assert Report.objects.get().receipt_code in again.content.decode()


@pytest.mark.django_db
def test_it_keeps_the_number_only_after_the_sender_agrees(client):
    send(client, "ICE agents at 149th and 3rd right now")
    assert Report.objects.get().contact is None
    send(client, "YES", sid="SM" + "2" * 32)
    report = Report.objects.get()
    assert report.contact == "+17185550142"
    assert Report.objects.count() == 1


@pytest.mark.django_db
def test_it_refuses_a_forged_signature_and_stores_nothing(client):
    response = send(client, "ICE agents at 149th and 3rd", forged=True)
    assert response.status_code == 403
    assert Report.objects.count() == 0


@pytest.mark.django_db
def test_it_answers_an_empty_message_with_help_and_stores_nothing(client):
    response = send(client, "   ")
    assert response.status_code == 200
    assert "<Message>" in response.content.decode()
    assert Report.objects.count() == 0


@pytest.mark.django_db
def test_it_takes_whatsapp_messages_too(client):
    send(client, "Agents ICE devant l'école sur la 149e rue", sender="whatsapp:+17185550142")
    assert Report.objects.get().channel == "whatsapp"


@pytest.mark.django_db
def test_it_says_the_twiml_reply_is_utf_8(client):
    """Without a charset, a text/xml body may be read as US-ASCII: the reply in Chinese or Bengali garbled."""
    response = send(client, "移民局的人在罗斯福大道和74街，两辆面包车")
    assert response["Content-Type"].replace(" ", "").lower() == "text/xml;charset=utf-8"
    assert "<Message>" in response.content.decode("utf-8")


@pytest.mark.django_db(transaction=True)
def test_it_writes_the_senders_link_with_the_report_never_after_it(client):
    """A crash between the report's commit and a later update would lose the link a YES needs: the sender's
    keyed hash is written by the report's own insert."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert send(client, "ICE en la esquina de Junction y Roosevelt").status_code == 200
    report = Report.objects.get()
    assert report.sender_ref.startswith("s:")
    updates = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE") and "sender_ref" in q["sql"]]
    assert updates == []


@pytest.mark.parametrize("reply", ["YES", "Ｙｅｓ", "y e s", "Sí", "SI!", "oui\u200b", "হ্যাঁ", "ДА"])
def test_it_reads_consent_in_every_form_of_yes(reply):
    from vigil.intake.sms import is_consent

    assert is_consent(reply)
    assert not is_consent(f"{reply} ICE on 5th avenue")
