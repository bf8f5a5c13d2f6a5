"""WhatsApp templates of single messages: an approved template per name and language outside the 24-hour
window, free text inside it, SMS (with the reason kept) otherwise; the admins' page that records Meta's
answers. Twilio's client runs with its network replaced: each request it would make is kept as the
library's own Request object and answered as Twilio answers."""

from __future__ import annotations

import json
import logging
import secrets
from datetime import timedelta
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone
from twilio.http import HttpClient
from twilio.http.request import Request
from twilio.http.response import Response

from conftest import make_org, make_staff
from vigil.accounts.models import AuditEvent, Organization, Role
from vigil.messaging import actions, template_actions
from vigil.messaging.channels import Envelope
from vigil.messaging.channels.whatsapp.transport import TwilioWhatsApp
from vigil.messaging.inbound import Inbound, route
from vigil.messaging.models import ConversationWindow, MessageTemplate
from vigil.messaging.tests.conftest import SMS_NUMBER, TEST_KIND, WHATSAPP_NUMBER

ADDRESS = "+17185554052"
SID_ES = "HX" + "1" * 32
SID_EN = "HX" + "2" * 32
BODY_ES = "Novedades de {site} sobre el caso {code}: {status}. Con su código lo ve en nuestro sitio."
VALUES = {"site": "Vigil", "code": "7K2QX-M4P9R", "status": "Se encontró un abogado"}


class RecordingHttpClient(HttpClient):
    """The twilio library's HTTP client with no network: keeps each request as a twilio Request and
    answers a message creation (201) or a ContentAndApprovals page as Twilio's API does."""

    def __init__(self, book, approvals=()):
        super().__init__(logging.getLogger("vigil.messaging.twilio_http"), False, None)
        self.book = book
        self.approvals = list(approvals)

    def request(self, method, uri, params=None, data=None, headers=None, auth=None, timeout=None, **kwargs):
        self.book.append(Request(method=method, url=uri, auth=auth, params=params, data=data, headers=headers))
        if "ContentAndApprovals" in uri:
            page = {
                "contents": self.approvals,
                "meta": {"key": "contents", "page": 0, "page_size": 100, "next_page_url": None},
            }
            return Response(200, json.dumps(page))
        sid = "SM" + secrets.token_hex(16)
        return Response(201, json.dumps({"sid": sid, "status": "queued", "body": data.get("Body", "")}))


class Book(list):
    """The requests made, oldest first; `approvals`: what ContentAndApprovals answers."""

    def __init__(self):
        super().__init__()
        self.approvals = []


@pytest.fixture
def twilio_requests(provider_settings, monkeypatch):
    """Twilio for SMS and WhatsApp, its requests kept (no network)."""
    settings = provider_settings
    settings.TWILIO_ACCOUNT_SID = "AC" + "0" * 32
    settings.TWILIO_AUTH_TOKEN = "t" * 32
    settings.ALERTS_SMS_TRANSPORT = "twilio"
    settings.ALERTS_WHATSAPP_TRANSPORT = "twilio"
    book = Book()
    monkeypatch.setattr(
        "vigil.messaging.channels.twilio_client.TwilioHttpClient",
        lambda **kwargs: RecordingHttpClient(book, book.approvals),
    )
    return book


@pytest.fixture
def person(people):
    people["p1"] = ADDRESS
    return "p1"


def approved(language="es", body=BODY_ES, sid=SID_ES, state="approved"):
    template = template_actions.save_template(name="case_status_update", language=language, body=body)
    return template_actions.record_state(template, state=state, content_sid=sid)


def queue(language="es", template="case_status_update", text="Vigil: novedades del caso 7K2QX-M4P9R."):
    return actions.send(TEST_KIND, "p1", "whatsapp", language, text, template=template, variables=dict(VALUES))


def created(book):
    return [r for r in book if r.method == "POST" and r.url.endswith("/Messages.json")]


@pytest.mark.django_db
def test_it_sends_the_approved_template_outside_the_window_with_its_content_sid_and_variables(
    person, twilio_requests, drain
):
    approved()
    message = queue()
    drain()
    [request] = created(twilio_requests)
    account = "AC" + "0" * 32
    assert request.url == f"https://api.twilio.com/2010-04-01/Accounts/{account}/Messages.json"
    assert request.auth == (account, "t" * 32)
    assert request.data["To"] == "whatsapp:" + ADDRESS and request.data["From"] == "whatsapp:" + WHATSAPP_NUMBER
    assert request.data["ContentSid"] == SID_ES and "Body" not in request.data
    # Numbered in the order the Spanish body names them: site, code, status.
    assert json.loads(request.data["ContentVariables"]) == {"1": "Vigil", "2": "7K2QX-M4P9R", "3": VALUES["status"]}
    message.refresh_from_db()
    assert (message.state, message.channel, message.route, message.content_sid) == (
        "sent",
        "whatsapp",
        "template",
        SID_ES,
    )
    # What the person received, kept sealed: the template's words.
    assert message.text == BODY_ES.format(**VALUES)


@pytest.mark.django_db
def test_it_sends_by_sms_when_the_language_has_no_approved_template_and_records_why(person, twilio_requests, drain):
    approved(language="en", body="News from {site} about case {code}: {status}. See our site.", sid=SID_EN)
    message = queue(language="es")  # an English template is no use to a Spanish reader
    drain()
    [request] = created(twilio_requests)
    assert request.data["To"] == ADDRESS and request.data["From"] == SMS_NUMBER
    assert request.data["Body"] == "Vigil: novedades del caso 7K2QX-M4P9R." and "ContentSid" not in request.data
    message.refresh_from_db()
    assert (message.state, message.channel, message.route, message.route_reason) == (
        "sent",
        "sms",
        "sms_fallback",
        "no_approved_template",
    )
    event = AuditEvent.objects.get(action="messaging.routed")
    assert event.detail == {
        "channel": "sms",
        "outcome": "sms_fallback",
        "reason_code": "no_approved_template",
        "language": "es",
    }


@pytest.mark.django_db
def test_it_sends_free_text_by_whatsapp_inside_the_window(person, twilio_requests, drain, only_handlers):
    approved()
    assert route(Inbound(sender=ADDRESS, channel="whatsapp", body="hola")) is None  # they wrote to us
    message = queue()
    drain()
    [request] = created(twilio_requests)
    assert request.data["Body"] == "Vigil: novedades del caso 7K2QX-M4P9R." and "ContentSid" not in request.data
    assert request.data["To"] == "whatsapp:" + ADDRESS
    message.refresh_from_db()
    assert (message.channel, message.route) == ("whatsapp", "window")


@pytest.mark.django_db
@pytest.mark.parametrize("state", ["rejected", "paused", "submitted"])
def test_a_template_not_approved_is_never_used(person, twilio_requests, drain, state):
    approved(state=state)
    message = queue()
    drain()
    [request] = created(twilio_requests)
    assert "ContentSid" not in request.data and request.data["From"] == SMS_NUMBER
    message.refresh_from_db()
    assert (message.route, message.route_reason) == ("sms_fallback", "no_approved_template")


@pytest.mark.django_db
def test_a_paused_template_stops_being_used_from_then_on(person, twilio_requests, drain):
    template = approved()
    queue()
    drain()
    template_actions.record_state(template, state="paused")
    queue()
    drain()
    first, second = created(twilio_requests)
    assert first.data["ContentSid"] == SID_ES and "ContentSid" not in second.data


@pytest.mark.django_db
def test_the_window_closes_24_hours_after_the_last_message(person):
    template_actions.note_inbound(ADDRESS, "whatsapp", now=timezone.now() - timedelta(hours=25))
    assert not template_actions.window_open(ADDRESS)
    template_actions.note_inbound(ADDRESS, "whatsapp", now=timezone.now() - timedelta(hours=23))
    assert template_actions.window_open(ADDRESS)
    assert ConversationWindow.objects.count() == 1  # overwritten, not a history
    template_actions.note_inbound(ADDRESS, "sms")
    assert ConversationWindow.objects.count() == 1  # SMS has no window


@pytest.mark.django_db
def test_it_keeps_only_a_hashed_address_and_a_time_and_forgets_closed_windows(person):
    template_actions.note_inbound("+17185550001", "whatsapp", now=timezone.now() - timedelta(hours=30))
    template_actions.note_inbound(ADDRESS, "whatsapp")
    row = ConversationWindow.objects.get(last_inbound_at__gt=timezone.now() - timedelta(hours=1))
    assert ADDRESS not in row.address_index and "4052" not in row.address_index
    assert {f.name for f in ConversationWindow._meta.fields} == {
        "id",
        "address_index",
        "sending_number",
        "last_inbound_at",
    }
    assert template_actions.forget_closed_windows() == 1
    assert ConversationWindow.objects.count() == 1


def test_the_whatsapp_transport_refuses_free_text_outside_the_window():
    envelope = Envelope(delivery_id=1, channel="whatsapp", to=ADDRESS, text="free form")
    assert TwilioWhatsApp().params(envelope).code == "no_whatsapp_template"
    envelope.in_window = True
    assert TwilioWhatsApp().params(envelope)["body"] == "free form"


# --- Templates and their states -------------------------------------------------------------------


@pytest.mark.django_db
def test_a_changed_body_goes_back_to_draft_without_its_content_sid(owner):
    approved()
    changed = template_actions.save_template(
        name="case_status_update", language="es", body=BODY_ES.replace("Novedades", "Noticias"), actor=owner
    )
    assert (changed.state, changed.content_sid, changed.state_changed_by) == ("draft", "", owner)
    assert template_actions.approved_template("case_status_update", "es") is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body",
    ["{site}: news about case {code}.", "News about case {code}", "News about case {0}.", "News {code!r} here.", " "],
)
def test_it_refuses_a_body_meta_would_reject_or_that_cannot_be_filled(body):
    with pytest.raises(ValidationError):
        template_actions.save_template(name="case_status_update", language="en", body=body)


@pytest.mark.django_db
def test_it_refuses_a_registered_state_without_a_valid_content_sid():
    template = template_actions.save_template(name="case_status_update", language="es", body=BODY_ES)
    with pytest.raises(ValidationError):
        template_actions.record_state(template, state="approved")
    with pytest.raises(ValidationError):
        template_actions.record_state(template, state="approved", content_sid="SM" + "1" * 32)
    with pytest.raises(ValidationError):
        template_actions.record_state(template, state="published", content_sid=SID_ES)


@pytest.mark.django_db
def test_it_numbers_placeholders_in_each_languages_own_order():
    body = "사건 {code} 관련 {site} 소식: {status}. 저희 사이트에서 확인하세요."
    assert template_actions.whatsapp_body(body) == "사건 {{1}} 관련 {{2}} 소식: {{3}}. 저희 사이트에서 확인하세요."
    assert template_actions.content_variables(body, VALUES) == {
        "1": VALUES["code"],
        "2": "Vigil",
        "3": VALUES["status"],
    }


@pytest.mark.django_db
def test_the_seed_has_the_case_status_template_in_every_language_as_unreviewed_drafts(settings):
    seed = template_actions.seed_templates()
    by_language = {entry["language"]: entry for entry in seed if entry["name"] == "case_status_update"}
    assert set(by_language) == {code for code, _name in settings.LANGUAGES}
    for language, entry in by_language.items():
        template_actions.check_body(entry["body"])
        assert sorted(template_actions.placeholders(entry["body"])) == ["code", "site", "status"], language
        assert not entry["reviewed"], language
    assert template_actions.load_seed() == len(seed)
    assert template_actions.load_seed() == 0  # loading again changes nothing
    assert set(MessageTemplate.objects.values_list("state", flat=True)) == {"draft"}


@pytest.mark.django_db
def test_the_commands_print_the_numbered_bodies_and_sync_metas_answers(twilio_requests):
    call_command("messaging_templates", "load", stdout=StringIO())
    template = MessageTemplate.objects.get(language="es")
    template_actions.record_state(template, state="submitted", content_sid=SID_ES)
    out = StringIO()
    call_command("messaging_templates", "print", stdout=out)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    spanish = next(line for line in lines if line["language"] == "es")
    assert "{{1}}" in spanish["body"] and spanish["variables"] == ["site", "code", "status"]
    twilio_requests.approvals.append(
        {"sid": SID_ES, "language": "es", "approval_requests": {"name": "case_status_update", "status": "approved"}}
    )
    call_command("messaging_templates", "sync", stdout=StringIO())
    template.refresh_from_db()
    assert (template.state, template.state_changed_by) == ("approved", None)
    assert twilio_requests[-1].url.startswith("https://content.twilio.com/v1/ContentAndApprovals")
    synced = AuditEvent.objects.filter(action="messaging.template_state").order_by("id").last()
    assert synced.actor_kind == "system" and synced.detail["to_state"] == "approved"


# --- The admins' page -----------------------------------------------------------------------------


@pytest.fixture
def templates(db):
    template_actions.load_seed()
    template = MessageTemplate.objects.get(language="es")
    template_actions.record_state(template, state="approved", content_sid=SID_ES)
    return template


@pytest.mark.django_db
def test_the_page_shows_each_languages_state_and_those_without_an_approved_template(client, owner, templates):
    client.force_login(owner)
    page = client.get("/staff/messaging/templates/").content.decode()
    assert "case_status_update" in page and SID_ES in page
    assert "Approved" in page and "Draft" in page and "Not yet reviewed by a fluent reader" in page
    missing = page.split("No approved template (these go by SMS):")[1].split("</p>")[0]
    assert "English" in missing and "Español" not in missing


@pytest.mark.django_db
def test_an_admin_records_metas_answer_through_the_form(client, owner, templates):
    english = MessageTemplate.objects.get(language="en")
    client.force_login(owner)
    url = f"/staff/messaging/templates/{english.pk}/state"
    response = client.post(url, {"state": "rejected", "content_sid": SID_EN})
    assert response.status_code == 302
    english.refresh_from_db()
    assert (english.state, english.content_sid, english.state_changed_by) == ("rejected", SID_EN, owner)
    event = AuditEvent.objects.filter(action="messaging.template_state", actor=owner).get()
    assert event.detail == {
        "kind": "case_status_update",
        "language": "en",
        "from_state": "draft",
        "to_state": "rejected",
    }
    assert event.organization_id == owner.organization_id
    client.post(url, {"state": "approved", "content_sid": "not-a-sid"})
    english.refresh_from_db()
    assert english.state == "rejected"  # refused, with the reason shown


@pytest.mark.django_db
def test_only_the_networks_admins_reach_the_page(client, templates, org, outsider):
    provider_org = make_org("walk-legal-templates", kind=Organization.Kind.LEGAL_PROVIDER)
    refused = [
        make_staff("tpl-caseworker", Role.CASEWORKER, org),
        make_staff("tpl-dispatcher", Role.DISPATCHER, org),
        make_staff("tpl-provider-admin", Role.ADMIN, provider_org),
        make_staff("tpl-provider-staff", Role.PROVIDER_STAFF, provider_org),
    ]
    url = f"/staff/messaging/templates/{templates.pk}/state"
    for user in refused:
        client.force_login(user)
        assert client.get("/staff/messaging/templates/").status_code == 403, user.username
        assert client.post(url, {"state": "paused", "content_sid": SID_ES}).status_code == 403, user.username
    templates.refresh_from_db()
    assert templates.state == "approved"
    # Templates are the deployment's (one WhatsApp sender): another hotline's admin manages the same list.
    client.force_login(outsider)
    assert client.get("/staff/messaging/templates/").status_code == 200
    client.logout()
    assert client.get("/staff/messaging/templates/").status_code == 302


@pytest.mark.django_db
def test_saving_and_routing_are_audited_without_content(person, twilio_requests, drain, owner):
    template_actions.save_template(name="case_status_update", language="es", body=BODY_ES, actor=owner)
    template_actions.record_state(MessageTemplate.objects.get(), state="approved", content_sid=SID_ES, actor=owner)
    queue()
    drain()
    actions_seen = list(AuditEvent.objects.order_by("id").values_list("action", flat=True))
    for expected in ("messaging.template_saved", "messaging.template_state", "messaging.routed"):
        assert expected in actions_seen
    routed = AuditEvent.objects.get(action="messaging.routed")
    assert routed.detail["outcome"] == "template" and "7K2QX" not in json.dumps(routed.detail)


@pytest.mark.django_db
def test_it_refuses_template_values_that_are_not_text(person):
    with pytest.raises(actions.MessageRefused):
        actions.send(TEST_KIND, "p1", "whatsapp", "es", "hola", template="case_status_update", variables={"code": 7})


@pytest.mark.django_db
def test_an_opt_out_of_sms_withdraws_the_fallback(person, twilio_requests, drain):
    actions.opt_out(ADDRESS, "sms", via="keyword")
    message = queue()
    drain()
    assert created(twilio_requests) == []
    message.refresh_from_db()
    assert (message.state, message.error_code, message.route) == ("withdrawn", "opted_out", "sms_fallback")


@pytest.mark.django_db
def test_a_template_message_is_looked_up_by_the_words_twilio_logs_after_an_uncertain_send(person, monkeypatch):
    from vigil.messaging import outbox

    approved()
    message = queue()
    seen: list[Envelope] = []

    def keep(message, transport, built):
        seen.append(built)
        return actions.Outcome("sent", "accepted", "SM" + "0" * 32, attempted=True)

    monkeypatch.setattr(outbox, "_send_or_resolve", keep)
    token = actions.claim(message.pk)
    outbox.transmit(message.pk, token)
    [built] = seen
    assert built.content_sid == SID_ES and built.content_variables["2"] == VALUES["code"]
    assert built.tag == built.text == BODY_ES.format(**VALUES)  # the message has no tag of its own


def test_the_worker_forgets_closed_windows_every_hour():
    from vigil.work.registry import PERIODIC

    assert PERIODIC["vigil.messaging.jobs.forget_closed_windows"] == "hour"


@pytest.mark.django_db
def test_the_actions_refuse_staff_who_may_not_manage_templates(templates, org):
    from django.core.exceptions import PermissionDenied

    provider_admin = make_staff("tpl-legal-admin", Role.ADMIN, make_org("tpl-legal", kind="legal_provider"))
    for user in (make_staff("tpl-caseworker-2", Role.CASEWORKER, org), provider_admin):
        with pytest.raises(PermissionDenied):
            template_actions.record_state(templates, state="paused", actor=user)
        with pytest.raises(PermissionDenied):
            template_actions.save_template(name="case_status_update", language="es", body=BODY_ES, actor=user)
    templates.refresh_from_db()
    assert templates.state == "approved"
