"""What may be sent when, enforced by the send action, and no path around it: page, API, admin, task."""

from __future__ import annotations

import json

import pytest

from conftest import verify_by_two_people
from vigil.accounts import actions as account_actions
from vigil.accounts import audit
from vigil.accounts.models import AuditEvent, Role
from vigil.alerts import actions, jobs
from vigil.alerts.models import Alert
from vigil.alerts.tests.conftest import make_incident, make_subscriber
from vigil.incidents import actions as incident_actions
from vigil.messaging.models import Delivery
from vigil.work.actions import enqueue


def send(alert, actor, **kw):
    return actions.send_alert(alert, actor=actor, confirm_unreviewed=True, **kw)


def refused(code, func, *args, **kwargs):
    with pytest.raises(actions.AlertRefused) as caught:
        func(*args, **kwargs)
    assert caught.value.code == code


@pytest.fixture
def people(db):
    return [make_subscriber(f"+1718555{2000 + i:04d}", areas=["QN0301"]) for i in range(3)]


@pytest.mark.django_db
def test_it_sends_verified_activity_only_while_the_incident_is_verified(colleague, people):
    incident = make_incident(colleague.organization, colleague, state="verifying")
    refused("not_verified", actions.compose_alert, actor=colleague, kind="verified_activity", incident=incident)
    incident = verify_by_two_people(incident, colleague)
    alert = actions.compose_alert(actor=colleague, kind="verified_activity", incident=incident)
    assert alert.verification_id == incident.current_verification_id
    incident_actions.transition(incident, "false_alarm", actor=colleague, reason="it was a film crew")
    refused("not_verified", send, alert, colleague)
    assert not Delivery.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("state", ["reported", "unconfirmed", "false_alarm", "closed"])
def test_it_refuses_verified_activity_for_an_incident_in_any_other_state(colleague, people, state):
    incident = make_incident(colleague.organization, colleague, state=state)
    refused("not_verified", actions.compose_alert, actor=colleague, kind="verified_activity", incident=incident)
    assert not Delivery.objects.exists()


@pytest.mark.django_db
def test_it_sends_one_verified_activity_alert_per_verification(colleague, people):
    incident = make_incident(colleague.organization, colleague)
    send(actions.compose_alert(actor=colleague, kind="verified_activity", incident=incident), colleague)
    again = actions.compose_alert(actor=colleague, kind="verified_activity", incident=incident)
    refused("already_alerted", send, again, colleague)
    for step in ("closed", "verifying"):
        incident = incident_actions.transition(incident, step, actor=colleague, reason="seen again")
    incident = verify_by_two_people(incident, colleague)
    refused("verification_not_current", send, again, colleague)
    fresh = actions.compose_alert(actor=colleague, kind="verified_activity", incident=incident)
    assert send(fresh, colleague) == 3


@pytest.mark.django_db
def test_it_refuses_follow_ups_for_an_incident_that_never_had_a_verified_alert(colleague, people):
    incident = make_incident(colleague.organization, colleague)
    for kind in ("all_clear", "correction", "retraction"):
        refused("no_original", actions.compose_alert, actor=colleague, kind=kind, incident=incident)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "later_state,kind", [("false_alarm", "retraction"), ("closed", "all_clear"), ("verified", "correction")]
)
def test_it_sends_follow_ups_whatever_the_incidents_state_now(colleague, people, drain, later_state, kind):
    incident = make_incident(colleague.organization, colleague)
    send(actions.compose_alert(actor=colleague, kind="verified_activity", incident=incident), colleague)
    drain()
    if later_state != "verified":
        incident = incident_actions.transition(incident, later_state, actor=colleague, reason="it was wrong")
    follow_up = actions.compose_alert(actor=colleague, kind=kind, incident=incident, area="QN0302")
    assert send(follow_up, colleague) == 3
    assert follow_up.original_ref


@pytest.mark.django_db
def test_it_sends_follow_ups_only_to_people_who_received_the_alert_and_stayed(colleague, drain):
    incident = make_incident(colleague.organization, colleague)
    stays = make_subscriber("+17185553001")
    leaves = make_subscriber("+17185553002")
    returns = make_subscriber("+17185553003")
    never = make_subscriber("+17185553004", areas=["SI"])
    send(actions.compose_alert(actor=colleague, kind="verified_activity", incident=incident), colleague)
    drain()
    late = make_subscriber("+17185553005")  # subscribed after the alert went out
    actions.unsubscribe(leaves, via="keyword")
    actions.unsubscribe(returns, via="keyword")
    make_subscriber("+17185553003")  # subscribed again: a new subscription, which did not receive it
    follow_up = actions.compose_alert(actor=colleague, kind="all_clear", incident=incident)
    send(follow_up, colleague)
    assert set(Delivery.objects.filter(broadcast__alert=follow_up).values_list("recipient_id", flat=True)) == {stays.pk}
    assert not Delivery.objects.filter(
        recipient_id__in=[s.pk for s in [never, late]], broadcast__alert=follow_up
    ).exists()


@pytest.mark.django_db
def test_it_adds_to_a_follow_up_the_people_who_receive_the_original_after_it_was_sent(colleague, people, drain):
    incident = make_incident(colleague.organization, colleague)
    original = actions.compose_alert(actor=colleague, kind="verified_activity", incident=incident)
    send(original, colleague)
    # The original is still going out (nothing sent yet) when the correction is sent.
    correction = actions.compose_alert(actor=colleague, kind="correction", incident=incident, area="QN0302")
    assert send(correction, colleague) == 0
    drain(forward=True)
    received = set(
        Delivery.objects.filter(broadcast__alert=original, state="sent").values_list("recipient_id", flat=True)
    )
    told = set(
        Delivery.objects.filter(broadcast__alert=correction, state="sent").values_list("recipient_id", flat=True)
    )
    assert len(received) == 3 and told == received
    correction.refresh_from_db()
    assert correction.state == "done" and correction.recipients == 3


@pytest.mark.django_db
def test_it_needs_a_second_approver_for_a_reminder(colleague, second_dispatcher, outsider, people):
    reminder = actions.compose_alert(actor=colleague, kind="reminder", target_areas=["QN"])
    assert reminder.needs_approval and reminder.incident is None
    refused("needs_approval", send, reminder, colleague)
    refused("own_alert", actions.approve_alert, reminder, actor=colleague)
    refused("not_allowed", actions.approve_alert, reminder, actor=outsider)
    actions.approve_alert(reminder, actor=second_dispatcher)
    assert send(reminder, colleague) == 3


@pytest.mark.django_db
def test_it_lets_any_alert_ask_for_a_second_approver(colleague, second_dispatcher, people):
    incident = make_incident(colleague.organization, colleague)
    alert = actions.compose_alert(actor=colleague, kind="verified_activity", incident=incident, needs_approval=True)
    refused("needs_approval", send, alert, colleague)
    actions.approve_alert(alert, actor=second_dispatcher)
    assert send(alert, second_dispatcher) == 3


@pytest.mark.django_db
def test_it_refuses_approval_and_sending_from_another_organization(colleague, outsider, people):
    reminder = actions.compose_alert(actor=colleague, kind="reminder", target_areas=["QN"])
    refused("not_allowed", actions.approve_alert, reminder, actor=outsider)
    refused("not_allowed", send, reminder, outsider)


@pytest.mark.django_db
def test_it_never_sends_an_alert_twice(colleague, people):
    incident = make_incident(colleague.organization, colleague)
    alert = actions.compose_alert(actor=colleague, kind="verified_activity", incident=incident)
    send(alert, colleague)
    refused("not_draft", send, alert, colleague)
    assert Delivery.objects.count() == 3


@pytest.mark.django_db
def test_it_needs_confirmation_for_languages_nobody_reviewed(colleague, people):
    incident = make_incident(colleague.organization, colleague)
    alert = actions.compose_alert(actor=colleague, kind="verified_activity", incident=incident)
    with pytest.raises(actions.AlertRefused) as caught:
        actions.send_alert(alert, actor=colleague)
    assert caught.value.code == "unreviewed" and caught.value.languages == ["en"]
    assert not Delivery.objects.exists()  # refused as a whole: the deliveries were rolled back
    actions.send_alert(alert, actor=colleague, confirm_unreviewed=True)
    event = AuditEvent.objects.get(action="alerts.sent")
    assert event.detail["outcome"] == "unreviewed_confirmed" and event.detail["language"] == ["en"]


# ---- no path around the send action -------------------------------------------------------


@pytest.mark.django_db
def test_it_refuses_on_the_staff_page_to_send_for_an_unverified_incident(client, colleague, people):
    incident = make_incident(colleague.organization, colleague)
    alert = actions.compose_alert(actor=colleague, kind="verified_activity", incident=incident)
    incident_actions.transition(incident, "false_alarm", actor=colleague, reason="a film crew")
    client.force_login(colleague)
    client.post(f"/staff/alerts/{alert.pk}/send/", {"confirm_unreviewed": "1"})
    alert.refresh_from_db()
    assert alert.state == "draft" and not Delivery.objects.exists()


@pytest.mark.django_db
def test_it_refuses_through_the_api_to_send_for_an_unverified_incident(client, colleague, outsider, people):
    incident = make_incident(colleague.organization, colleague)
    alert = actions.compose_alert(actor=colleague, kind="verified_activity", incident=incident)
    incident_actions.transition(incident, "false_alarm", actor=colleague, reason="a film crew")
    token = account_actions.create_staff_token(colleague)
    response = client.post(
        f"/api/v1/alerts/{alert.pk}/send",
        data=json.dumps({"confirm_unreviewed": True}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 409 and response.json()["reason"] == "not_verified"
    other = account_actions.create_staff_token(outsider)
    response = client.post(
        f"/api/v1/alerts/{alert.pk}/send",
        data="{}",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {other}",
    )
    assert response.status_code == 404
    partner = account_actions.create_partner_token(colleague.organization)
    response = client.post(
        f"/api/v1/alerts/{alert.pk}/send",
        data="{}",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {partner}",
    )
    assert response.status_code == 404  # a partner token acts for no person
    assert not Delivery.objects.exists()


@pytest.mark.django_db
def test_it_sends_through_the_api_under_the_same_rules(client, colleague, people):
    incident = make_incident(colleague.organization, colleague)
    alert = actions.compose_alert(actor=colleague, kind="verified_activity", incident=incident)
    token = account_actions.create_staff_token(colleague)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    refused_answer = client.post(
        f"/api/v1/alerts/{alert.pk}/send", data="{}", content_type="application/json", **headers
    )
    assert refused_answer.status_code == 409 and refused_answer.json()["languages"] == ["en"]
    ok = client.post(
        f"/api/v1/alerts/{alert.pk}/send",
        data='{"confirm_unreviewed": true}',
        content_type="application/json",
        **headers,
    )
    assert ok.status_code == 200 and ok.json()["total"] == 3
    assert client.get(f"/api/v1/alerts/{alert.pk}", **headers).json()["state"] == "sending"


@pytest.mark.django_db
def test_it_keeps_alerts_read_only_in_the_admin(client, owner, people):
    incident = make_incident(owner.organization, owner)
    alert = actions.compose_alert(actor=owner, kind="verified_activity", incident=incident)
    client.force_login(owner)
    change = client.post(f"/staff/admin/alerts/alert/{alert.pk}/change/", {"state": "sending"})
    add = client.post("/staff/admin/alerts/alert/add/", {"state": "sending", "kind": "reminder"})
    assert change.status_code == 403 and add.status_code == 403
    alert.refresh_from_db()
    assert alert.state == "draft"
    assert client.get(f"/staff/admin/alerts/alert/{alert.pk}/change/").status_code == 200  # read-only view


@pytest.mark.django_db
def test_it_stops_the_background_fan_out_when_the_incident_is_no_longer_verified(colleague, people, twilio, drain):
    incident = make_incident(colleague.organization, colleague)
    alert = actions.compose_alert(actor=colleague, kind="verified_activity", incident=incident)
    send(alert, colleague)
    incident_actions.transition(incident, "false_alarm", actor=colleague, reason="not ICE")
    drain(forward=True)
    alert.refresh_from_db()
    assert alert.state == "halted"
    assert twilio.messages == []
    assert set(Delivery.objects.values_list("state", flat=True)) == {"withdrawn"}
    assert AuditEvent.objects.filter(action="alerts.halted", object_id=audit.key_of(alert)).exists()


@pytest.mark.django_db
def test_it_sends_nothing_from_a_task_queued_by_hand_for_a_draft(colleague, people, twilio, drain):
    incident = make_incident(colleague.organization, colleague)
    alert = actions.compose_alert(actor=colleague, kind="verified_activity", incident=incident)
    enqueue(jobs.pump, alert.pk)
    drain(forward=True)
    assert twilio.messages == [] and not Delivery.objects.exists()
    alert.refresh_from_db()
    assert alert.state == "draft"


@pytest.mark.django_db
def test_it_lets_a_dispatcher_stop_an_alert_that_is_going_out(colleague, people, drain):
    incident = make_incident(colleague.organization, colleague)
    alert = actions.compose_alert(actor=colleague, kind="verified_activity", incident=incident)
    send(alert, colleague)
    actions.cancel_alert(alert, actor=colleague)
    drain(forward=True)
    alert.refresh_from_db()
    assert alert.state == "halted"
    assert set(Delivery.objects.values_list("state", flat=True)) == {"withdrawn"}


@pytest.mark.django_db
def test_it_lets_only_dispatchers_and_admins_compose(staff_factory, org, outsider):
    for role in (Role.RESPONDER, Role.CASEWORKER, Role.MONITOR, Role.PROVIDER_STAFF):
        user = staff_factory(f"{role}-x", role, org)
        refused("not_allowed", actions.compose_alert, actor=user, kind="reminder", target_areas=["QN"])
    assert not Alert.objects.exists()
    # An admin elsewhere composes for their own organization only.
    assert (
        actions.compose_alert(actor=outsider, kind="reminder", target_areas=["QN"]).organization
        == outsider.organization
    )


@pytest.mark.django_db
@pytest.mark.parametrize("body", ['{"confirm_unreviewed": "yes"}', '{"confirm_unreviewed": 1}', "[true]"])
def test_it_refuses_through_the_api_a_confirmation_that_is_not_true(client, colleague, people, body):
    incident = make_incident(colleague.organization, colleague)
    alert = actions.compose_alert(actor=colleague, kind="verified_activity", incident=incident)
    token = account_actions.create_staff_token(colleague)
    response = client.post(
        f"/api/v1/alerts/{alert.pk}/send",
        data=body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 400 and response.json()["error"]
    alert.refresh_from_db()
    assert alert.state == "draft" and not Delivery.objects.exists()
