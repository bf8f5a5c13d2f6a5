"""A family's consents and updates: an update goes through messaging once per change of what the status
page says, in the relative's language; a withdrawn consent stops the updates and the sharing."""

from __future__ import annotations

import uuid

import pytest

from vigil.cases import actions, family_actions
from vigil.cases.family import Consent, FamilyContact
from vigil.cases.tests.conftest import make_provider, send
from vigil.messaging.models import Message

SCOPES = ["share_provider", "share_interpreter", "contact_authorities", "updates"]


def family_intake(org, *, language="es", channel="sms", address="+12125550134", consents=SCOPES, a_number=""):
    case, relative, secret, _created = family_actions.submit_family_intake(
        organization=org,
        person={"person_name": "José Ejemplo", "a_number": a_number, "urgent_needs": ["medical_need"]},
        contact={"relationship": "child", "language": language, "channel": channel, "address": address},
        consents=consents,
        intake_key=uuid.uuid4(),
    )
    return case, relative


def family_messages():
    return Message.objects.filter(recipient_kind=family_actions.RECIPIENT_KIND)


@pytest.mark.django_db
def test_it_records_each_consent_with_who_how_and_when(org):
    case, relative = family_intake(org)
    consents = Consent.objects.filter(case=case)
    assert sorted(consents.values_list("scope", flat=True)) == sorted(SCOPES)
    assert all(c.contact == relative and c.method == "public_form" and c.given_at for c in consents)


@pytest.mark.django_db
def test_an_update_goes_once_through_messaging_in_the_familys_language(org, caseworker):
    case, relative = family_intake(org)
    actions.transition(case, "screening", actor=caseworker)
    actions.transition(case, "locating", actor=caseworker)  # the family's status stays "a caseworker is on it"
    message = family_messages().get()
    assert message.recipient_id == str(relative.pk) and message.channel == "sms" and message.language == "es"
    assert "Un trabajador social se ocupa" in message.text
    assert "José" not in message.text
    assert family_actions.resolve_contact(str(relative.pk)) == "+12125550134"


@pytest.mark.django_db
def test_whatsapp_updates_go_by_whatsapp_and_a_phone_contact_gets_a_call_task(org, caseworker):
    case, _first = family_intake(org, channel="whatsapp", a_number="123456789")
    family_intake(org, channel="phone", language="ar", a_number="123456789")
    actions.transition(case, "screening", actor=caseworker)
    assert list(family_messages().values_list("channel", flat=True)) == ["whatsapp"]
    assert case.tasks.filter(kind="call_family").count() == 1


@pytest.mark.django_db
def test_a_whatsapp_update_names_the_status_template_with_its_values_and_nothing_personal(org, caseworker):
    import json

    case, relative = family_intake(org, channel="whatsapp")
    actions.transition(case, "screening", actor=caseworker)
    message = family_messages().get()
    assert (message.channel, message.template, message.language) == ("whatsapp", "case_status_update", "es")
    values = json.loads(message.template_variables)
    assert values["code"] == family_actions.display_code(case)
    assert values["status"] == "Un trabajador social se ocupa del caso"
    assert set(values) == {"site", "code", "status"} and "José" not in message.template_variables


@pytest.mark.django_db
def test_withdrawing_the_updates_consent_stops_them(org, caseworker):
    case, relative = family_intake(org)
    consent = relative.consents.get(scope="updates")
    family_actions.withdraw_consent(consent, actor=caseworker, method="phone")
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None and consent.withdrawn_by == caseworker
    actions.transition(case, "screening", actor=caseworker)
    assert not family_messages().exists()
    assert family_actions.resolve_contact(str(relative.pk)) is None  # a message already queued is dropped


@pytest.mark.django_db
def test_withdrawing_the_provider_consent_stops_the_referral(org, caseworker):
    case, relative = family_intake(org)
    provider = make_provider("consent-legal")
    family_actions.withdraw_consent(relative.consents.get(scope="share_provider"), actor=caseworker)
    with pytest.raises(actions.CaseActionRefused) as refused:
        send(case, provider, caseworker)
    assert refused.value.code == "consent_withdrawn"
    case.refresh_from_db()
    assert case.state == "new" and not case.referrals.filter(state="sent").exists()


@pytest.mark.django_db
def test_a_case_opened_on_a_call_without_consents_is_still_referred(org, caseworker):
    case = actions.open_case(organization=org, actor=caseworker, person_name="A. Person")[0]
    referral = send(case, make_provider("call-legal"), caseworker)
    assert referral.state == "sent"


@pytest.mark.django_db
def test_a_lawyer_found_is_told_when_the_provider_accepts(org, caseworker):
    case, _relative = family_intake(org, language="en", channel="email", address="hija@example.org")
    provider = make_provider("accept-legal")
    from conftest import make_staff
    from vigil.accounts.models import Role

    staff = make_staff("accept-staff", Role.PROVIDER_STAFF, provider.organization)
    referral = send(case, provider, caseworker)
    actions.accept_referral(referral, actor=staff)
    texts = list(family_messages().order_by("created_at").values_list("channel", flat=True))
    assert texts == ["email", "email"]  # "a caseworker is on it" when referred, then "a lawyer has been found"
    assert "A lawyer has been found" in family_messages().order_by("-created_at").first().text


@pytest.mark.django_db
def test_a_contact_without_updates_gets_no_message(org, caseworker):
    case, _relative = family_intake(org, consents=["share_provider"])
    actions.transition(case, "screening", actor=caseworker)
    assert not family_messages().exists()
    assert FamilyContact.objects.get().last_status == "received"


@pytest.mark.django_db
def test_the_worker_sends_the_update_once_to_the_relatives_address(org, caseworker, django_capture_on_commit_callbacks):
    from vigil.messaging.models import Attempt
    from vigil.messaging.tests.conftest import fast_forward, make_drain

    drain = make_drain(django_capture_on_commit_callbacks, fast_forward, 10)
    case, _relative = family_intake(org, language="en", channel="email", address="hija@example.org")
    actions.transition(case, "screening", actor=caseworker)
    drain(forward=True)
    drain(forward=True)
    message = family_messages().get()
    assert message.state in ("sent", "delivered"), message.state
    assert Attempt.objects.filter(message=message).count() == 1


@pytest.mark.django_db
def test_withdrawing_the_interpreter_consent_stops_interpretation_requests(org, caseworker):
    from vigil.cases.tests.interpreting import make_request

    case, relative = family_intake(org)
    assert make_request(caseworker, case).state == "requested"  # consent in force
    family_actions.withdraw_consent(relative.consents.get(scope="share_interpreter"), actor=caseworker)
    with pytest.raises(actions.CaseActionRefused) as refused:
        make_request(caseworker, case, start=13, end=14)
    assert refused.value.code == "consent_withdrawn"


@pytest.mark.django_db
def test_withdrawing_the_interpreter_consent_stops_an_assignment_already_requested(org, caseworker):
    from vigil.cases import interpreting_actions
    from vigil.cases.tests.interpreting import make_interpreter, make_request

    case, relative = family_intake(org)
    request = make_request(caseworker, case)
    interpreter = make_interpreter(caseworker)
    family_actions.withdraw_consent(relative.consents.get(scope="share_interpreter"), actor=caseworker)
    with pytest.raises(actions.CaseActionRefused) as refused:
        interpreting_actions.assign_interpreter(request, interpreter, actor=caseworker)
    assert refused.value.code == "consent_withdrawn"
    request.refresh_from_db()
    assert request.interpreter_id is None


@pytest.mark.django_db
def test_the_worker_sends_a_whatsapp_update_as_the_approved_template_and_by_sms_without_one(
    org, caseworker, django_capture_on_commit_callbacks
):
    from vigil.messaging import template_actions
    from vigil.messaging.models import MessageTemplate
    from vigil.messaging.tests.conftest import fast_forward, make_drain

    drain = make_drain(django_capture_on_commit_callbacks, fast_forward, 10)
    template_actions.load_seed()  # drafts until Meta approves them; only Spanish is approved here
    spanish = MessageTemplate.objects.get(name=family_actions.UPDATE_TEMPLATE, language="es")
    template = template_actions.record_state(spanish, state="approved", content_sid="HX" + "a" * 32)
    case, _es = family_intake(org, channel="whatsapp", a_number="123456789")
    family_intake(org, channel="whatsapp", language="ko", address="+12125550135", a_number="123456789")
    actions.transition(case, "screening", actor=caseworker)
    drain(forward=True)
    drain(forward=True)
    by_language = {m.language: m for m in family_messages()}
    es, ko = by_language["es"], by_language["ko"]
    assert (es.state, es.channel, es.route, es.content_sid) == ("sent", "whatsapp", "template", template.content_sid)
    assert "Un trabajador social se ocupa del caso" in es.text and es.text.startswith("Novedades de")
    assert (ko.state, ko.channel, ko.route, ko.route_reason) == ("sent", "sms", "sms_fallback", "no_approved_template")
