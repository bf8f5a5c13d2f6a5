"""Staff notices through messaging: a number set and confirmed on one's own page; offers, calls for help and
proposals reach the right people with a neighborhood and a link only."""

from __future__ import annotations

import pytest
from django.utils import timezone

from vigil.accounts import actions as account_actions
from vigil.accounts.models import AuditEvent, Role
from vigil.incidents import dispatching, notify, verification
from vigil.incidents.models import Dispatch, NotificationAddress, VerificationProposal
from vigil.intake import actions as intake_actions
from vigil.intake.validation import build_input
from vigil.messaging.models import Message


def incident_of(org):
    data = build_input({"text": "ICE agents at Roosevelt and 74th, two vans", "area": "QN0301"})
    return intake_actions.submit_report(data, channel="api", partner=org)[0].incident


def confirmed(user, number):
    row = notify.set_address(user, number)
    notify.confirm_address(user, notify.confirmation_code(row))
    return row


def texts_to(user, kind=notify.CONFIRMED):
    return [m.text for m in Message.objects.filter(recipient_kind=kind, recipient_id=str(user.pk))]


def on_duty(user):
    user.last_login = timezone.now()
    user.save(update_fields=["last_login"])


@pytest.mark.django_db
def test_it_confirms_a_number_with_the_code_it_texts(client, staff_factory, org, outsider):
    responder = staff_factory("field-responder", Role.RESPONDER, org)
    client.force_login(responder)
    client.post("/staff/incidents/notices/", {"step": "set", "number": "(718) 555-0142"})
    row = NotificationAddress.objects.get(user=responder)
    assert row.confirmed_at is None and row.address == "+17185550142"
    [code_text] = texts_to(responder, notify.PENDING)
    assert notify.confirmation_code(row) in code_text
    client.post("/staff/incidents/notices/", {"step": "confirm", "code": "000000"})
    assert NotificationAddress.objects.get(user=responder).confirmed_at is None
    client.post("/staff/incidents/notices/", {"step": "confirm", "code": notify.confirmation_code(row)})
    assert NotificationAddress.objects.get(user=responder).confirmed_at is not None
    page = client.get("/staff/incidents/notices/").content.decode()
    assert "ending in 42" in page and "5550142" not in page
    assert AuditEvent.objects.filter(action="staff.notification_address_confirmed", actor=responder).exists()
    client.force_login(outsider)  # the outsider sees and changes only their own
    assert "ending in" not in client.get("/staff/incidents/notices/").content.decode()


@pytest.mark.django_db
def test_it_refuses_what_is_not_a_phone_number_and_codes_after_five_tries(staff_factory, org):
    responder = staff_factory("field-responder", Role.RESPONDER, org)
    with pytest.raises(notify.AddressRefused):
        notify.set_address(responder, "not a number")
    row = notify.set_address(responder, "+17185550142")
    for _ in range(notify.CODE_TRIES):
        with pytest.raises(notify.AddressRefused):
            notify.confirm_address(responder, "111111" if notify.confirmation_code(row) != "111111" else "222222")
    with pytest.raises(notify.AddressRefused) as refused:
        notify.confirm_address(responder, notify.confirmation_code(row))
    assert refused.value.code == "expired"


@pytest.mark.django_db
def test_it_tells_the_responder_an_offer_waits_with_the_neighborhood_and_a_link_only(colleague, staff_factory, org):
    responder = staff_factory("field-responder", Role.RESPONDER, org)
    confirmed(responder, "+17185550142")
    dispatching.offer(incident_of(org), responder, actor=colleague)
    [text] = texts_to(responder)
    assert "Jackson Heights, Queens" in text and "/staff/incidents/responder/" in text
    assert "two vans" not in text and "Roosevelt" not in text


@pytest.mark.django_db
def test_it_sends_nothing_to_someone_without_a_confirmed_number(colleague, staff_factory, org):
    responder = staff_factory("field-responder", Role.RESPONDER, org)
    notify.set_address(responder, "+17185550142")  # never confirmed
    dispatching.offer(incident_of(org), responder, actor=colleague)
    assert texts_to(responder) == []


@pytest.mark.django_db
def test_it_tells_the_on_duty_dispatchers_a_responder_needs_help(colleague, staff_factory, org, outsider):
    responder = staff_factory("field-responder", Role.RESPONDER, org)
    off_duty = staff_factory("off-duty", Role.DISPATCHER, org)
    for person, number in ((colleague, "+17185550143"), (off_duty, "+17185550144"), (outsider, "+17185550145")):
        confirmed(person, number)
    on_duty(colleague)
    on_duty(outsider)
    dispatch = dispatching.offer(incident_of(org), responder, actor=colleague)
    dispatching.dispatch_move(dispatch, "accepted", actor=responder)
    dispatching.ask_for_help(dispatch, actor=responder)
    assert any("needs help" in t for t in texts_to(colleague))
    assert texts_to(off_duty) == [] and texts_to(outsider) == []


@pytest.mark.django_db
def test_it_tells_the_other_on_duty_verifiers_a_proposal_waits(colleague, staff_factory, org):
    second = staff_factory("second-dispatcher", Role.DISPATCHER, org)
    for person, number in ((colleague, "+17185550143"), (second, "+17185550146")):
        confirmed(person, number)
        on_duty(person)
    verification.propose_verification(incident_of(org), reason="Three reports", actor=colleague)
    assert any("second verifier" in t for t in texts_to(second))
    assert texts_to(colleague) == []  # never the proposer


@pytest.mark.django_db
def test_it_ends_dispatches_proposals_and_the_number_when_an_account_is_deactivated(
    owner, colleague, staff_factory, org
):
    responder = staff_factory("field-responder", Role.RESPONDER, org)
    confirmed(responder, "+17185550142")
    incident = incident_of(org)
    dispatch = dispatching.offer(incident, responder, actor=colleague)
    dispatching.dispatch_move(dispatch, "accepted", actor=responder)
    verification.propose_verification(incident, reason="Three reports", actor=colleague)
    account_actions.deactivate_user(responder, actor=owner)
    assert Dispatch.objects.get().state == "withdrawn"
    assert not NotificationAddress.objects.filter(user=responder).exists()
    account_actions.change_role(colleague, Role.RESPONDER, actor=owner)
    assert VerificationProposal.objects.get().state == "withdrawn"
    assert notify.resolve_confirmed(str(responder.pk)) is None
