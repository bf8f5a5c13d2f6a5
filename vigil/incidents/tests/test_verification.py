"""Verification needs a basis: a responder on scene, or two different verifiers; one person alone never."""

from __future__ import annotations

import uuid

import pytest
from django.db import IntegrityError, connection, transaction

from conftest import make_staff, verify_by_two_people
from vigil.accounts import actions as account_actions
from vigil.accounts.models import AuditEvent, Role
from vigil.incidents import actions, dispatching, verification
from vigil.incidents.models import Incident, TimelineEntry, Verification, VerificationProposal
from vigil.intake import actions as intake_actions
from vigil.intake.validation import build_input


def report(text="ICE agents at Roosevelt and 74th, two vans", partner=None, area="QN0301"):
    channel = "api" if partner else "web"
    return intake_actions.submit_report(build_input({"text": text, "area": area}), channel=channel, partner=partner)[0]


def on_scene(incident, org, *, name="field-responder"):
    responder = make_staff(name, Role.RESPONDER, org)
    dispatcher = make_staff(f"{name}-sender", Role.DISPATCHER, org)
    dispatch = dispatching.offer(incident, responder, actor=dispatcher)
    for step in ("accepted", "en_route", "on_scene"):
        dispatch = dispatching.dispatch_move(dispatch, step, actor=responder)
    return responder, dispatch


def refused(code, fn, *args, **kwargs):
    with pytest.raises(verification.VerificationRefused) as caught:
        fn(*args, **kwargs)
    assert caught.value.code == code
    assert caught.value.message  # a sentence a person can act on


@pytest.mark.django_db
def test_it_never_verifies_through_a_plain_state_change(colleague):
    incident = report().incident
    actions.transition(incident, "verifying", actor=colleague)
    with pytest.raises(actions.TransitionRefused):
        actions.transition(incident, "verified", actor=colleague, reason="I saw it on the news")
    assert Incident.objects.get().state == "verifying"


@pytest.mark.django_db
def test_it_verifies_on_two_different_people_and_keeps_the_reason_on_the_timeline(colleague, staff_factory, org):
    incident = report(partner=org).incident
    second = staff_factory("second-dispatcher", Role.DISPATCHER, org)
    proposal = verification.propose_verification(incident, reason="Three reports, one photo", actor=colleague)
    assert Incident.objects.get().state == "verifying"
    verified = verification.approve_verification(proposal, actor=second, note="Photo shows vests")
    assert verified.state == "verified"
    basis = verified.current_verification
    assert (basis.basis, basis.proposer_id, basis.approver_id) == ("two_people", colleague.pk, second.pk)
    assert basis.reason == "Three reports, one photo\nPhoto shows vests"
    assert basis.report_count == 1
    entry = TimelineEntry.objects.get(incident=incident, kind="state", to_state="verified")
    assert entry.actor_id == second.pk and "Three reports" in entry.reason
    assert VerificationProposal.objects.get().state == "approved"
    event = AuditEvent.objects.get(action="incident.verified")
    assert event.detail["kind"] == "two_people"


@pytest.mark.django_db
def test_it_refuses_the_proposer_approving_their_own_proposal(colleague, org):
    incident = report(partner=org).incident
    proposal = verification.propose_verification(incident, reason="Three reports", actor=colleague)
    refused("same_person", verification.approve_verification, proposal, actor=colleague)
    assert Incident.objects.get().state == "verifying"
    assert not Verification.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("reason", ["", "   ", "\n"])
def test_it_refuses_a_proposal_or_a_confirmation_without_a_reason(colleague, org, reason):
    incident = report(partner=org).incident
    refused("no_reason", verification.propose_verification, incident, reason=reason, actor=colleague)
    responder, dispatch = on_scene(incident, org)
    refused(
        "no_reason", verification.confirm_on_scene, dispatch, sees_enforcement=True, what_seen=reason, actor=responder
    )


@pytest.mark.django_db
def test_it_verifies_in_one_step_from_a_responders_answer_on_scene(colleague, org):
    incident = report(partner=org).incident
    responder, dispatch = on_scene(incident, org)
    answer = verification.confirm_on_scene(
        dispatch, sees_enforcement=True, what_seen="Six agents in vests, two vans", actor=responder
    )
    verified = verification.verify_from_scene(answer, reason="Responder on scene confirmed", actor=colleague)
    basis = verified.current_verification
    assert (basis.basis, basis.dispatch_id, basis.confirmation_id) == ("responder", dispatch.pk, answer.pk)
    assert TimelineEntry.objects.filter(incident=incident, kind="scene_confirmed").exists()


@pytest.mark.django_db
def test_it_proposes_could_not_be_verified_when_the_responder_sees_none(client, colleague, org):
    incident = report(partner=org).incident
    responder, dispatch = on_scene(incident, org)
    answer = verification.confirm_on_scene(
        dispatch, sees_enforcement=False, what_seen="Nobody here, shops open", actor=responder
    )
    refused("not_confirmation", verification.verify_from_scene, answer, reason="no", actor=colleague)
    client.force_login(colleague)
    page = client.get(f"/staff/incidents/{incident.pk}/").content.decode()
    assert "Responder sees no enforcement" in page and 'value="unconfirmed"' in page


@pytest.mark.django_db
def test_it_refuses_an_answer_from_a_responder_not_on_scene_or_never_dispatched(client, org, colleague):
    incident = report(partner=org).incident
    responder = make_staff("far-responder", Role.RESPONDER, org)
    dispatch = dispatching.offer(incident, responder, actor=colleague)
    dispatching.dispatch_move(dispatch, "accepted", actor=responder)  # accepted, not on scene yet
    refused(
        "not_on_scene", verification.confirm_on_scene, dispatch, sees_enforcement=True, what_seen="x", actor=responder
    )
    stranger = make_staff("stranger-responder", Role.RESPONDER, org)
    refused(
        "not_on_scene", verification.confirm_on_scene, dispatch, sees_enforcement=True, what_seen="x", actor=stranger
    )
    client.force_login(stranger)
    response = client.post(
        f"/staff/incidents/responder/dispatch/{dispatch.pk}/scene/", {"sees": "yes", "what_seen": "x"}
    )
    assert response.status_code == 404
    assert not incident.scene_confirmations.exists()


@pytest.mark.django_db
def test_it_lets_only_the_proposer_withdraw(colleague, staff_factory, org):
    incident = report(partner=org).incident
    second = staff_factory("second-dispatcher", Role.DISPATCHER, org)
    proposal = verification.propose_verification(incident, reason="Three reports", actor=colleague)
    refused("not_proposer", verification.withdraw_proposal, proposal, actor=second)
    verification.withdraw_proposal(proposal, actor=colleague)
    refused("proposal_closed", verification.approve_verification, proposal, actor=second)
    assert Incident.objects.get().state == "verifying"


@pytest.mark.django_db
def test_it_keeps_another_organizations_verifiers_out_of_its_incidents(client, colleague, outsider, org):
    incident = report(partner=org).incident
    refused("not_verifier", verification.propose_verification, incident, reason="x", actor=outsider)
    proposal = verification.propose_verification(incident, reason="Three reports", actor=colleague)
    refused("not_verifier", verification.approve_verification, proposal, actor=outsider)
    client.force_login(outsider)
    assert client.post(f"/staff/incidents/proposals/{proposal.pk}/approve/").status_code == 404
    assert Incident.objects.get().state == "verifying"


@pytest.mark.django_db
def test_it_lets_the_network_verify_a_public_incident_unless_the_deployment_says_one_organization(
    colleague, outsider, settings
):
    incident = report().incident  # public intake: the whole network's
    proposal = verification.propose_verification(incident, reason="Three reports", actor=colleague)
    settings.VERIFY_PUBLIC_ACROSS_ORGANIZATIONS = False
    refused("other_organization", verification.approve_verification, proposal, actor=outsider)
    settings.VERIFY_PUBLIC_ACROSS_ORGANIZATIONS = True
    assert verification.approve_verification(proposal, actor=outsider).state == "verified"


@pytest.mark.django_db
def test_it_follows_the_bases_the_organization_accepts(client, owner, colleague, outsider, org):
    account_actions.set_verification_bases(org, responder=True, two_people=False, actor=owner)
    incident = report(partner=org).incident
    refused("basis_not_accepted", verification.propose_verification, incident, reason="x", actor=colleague)
    with pytest.raises(account_actions.BasesRefused):
        account_actions.set_verification_bases(org, responder=False, two_people=False, actor=owner)
    assert AuditEvent.objects.filter(action="organization.verification_bases", actor=owner).exists()
    client.force_login(outsider)  # another organization's admin changes only their own
    client.post("/staff/organization/verification/", {"two_people": "1"})
    org.refresh_from_db()
    assert (org.verify_by_responder, org.verify_by_two_people) == (True, False)
    client.force_login(owner)
    client.post("/staff/organization/verification/", {"two_people": "1"})
    org.refresh_from_db()
    assert (org.verify_by_responder, org.verify_by_two_people) == (False, True)


@pytest.mark.django_db(transaction=True)
def test_the_database_refuses_verified_without_a_basis_even_by_raw_sql(colleague):
    incident = report().incident
    table = Incident._meta.db_table
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET state = 'verified' WHERE id = %s",
            [incident.pk.hex if connection.vendor == "sqlite" else incident.pk],
        )  # noqa: S608
    assert Incident.objects.get().state == "reported"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "fields",
    [
        {"basis": "two_people", "reason": "x"},  # no approver
        {"basis": "two_people", "reason": "x", "same_approver": True},
        {"basis": "two_people", "reason": None, "approver": True},  # no reason
        {"basis": "responder", "reason": "x"},  # no dispatch or confirmation
        {"basis": "alone", "reason": "x", "approver": True},
    ],
)
def test_the_database_refuses_a_verification_without_its_bases_columns(colleague, staff_factory, org, fields):
    incident = report().incident
    second = staff_factory("second-dispatcher", Role.DISPATCHER, org)
    row = Verification(incident=incident, basis=fields["basis"], proposer=colleague, reason=fields["reason"])
    if fields.get("approver"):
        row.approver = second
    if fields.get("same_approver"):
        row.approver = colleague
    with pytest.raises(IntegrityError), transaction.atomic():
        row.save()


@pytest.mark.django_db
def test_it_refuses_an_alert_for_a_verification_from_before_bases(colleague):
    from vigil.alerts import actions as alert_actions

    incident = verify_by_two_people(report().incident, colleague)
    legacy = Verification.objects.create(incident=incident, basis="legacy", id=uuid.uuid4())
    Incident.objects.filter(pk=incident.pk).update(current_verification=legacy)
    incident.refresh_from_db()
    alert = alert_actions.compose_alert(actor=colleague, kind="verified_activity", incident=incident)
    assert alert_actions.send_blockers(alert) == ["legacy_verification"]


@pytest.mark.django_db
def test_it_says_in_the_alert_what_the_verification_rests_on(colleague, org):
    from vigil.alerts import actions as alert_actions

    first = report(partner=org)
    incident = verify_by_two_people(first.incident, colleague)
    alert = alert_actions.compose_alert(actor=colleague, kind="verified_activity", incident=incident)
    assert "two Vigil coordinators" in alert.texts["en"]["text"] and "from 1 reports" in alert.texts["en"]["text"]
    assert alert.texts["en"]["key"] == "verified_activity_two_people"
    other = report("Agents at the car wash on Nostrand", partner=org, area="BK0101").incident
    responder, dispatch = on_scene(other, org)
    answer = verification.confirm_on_scene(dispatch, sees_enforcement=True, what_seen="Vans", actor=responder)
    verified = verification.verify_from_scene(answer, reason="Responder saw vans", actor=colleague)
    alert = alert_actions.compose_alert(actor=colleague, kind="verified_activity", incident=verified)
    assert "responder on the scene" in alert.texts["en"]["text"]
    assert all(rendered["key"] == "verified_activity" for rendered in alert.texts.values())


@pytest.mark.django_db
def test_it_shows_waiting_proposals_and_time_to_verification_on_the_console(client, colleague, staff_factory, org):
    incident = report(partner=org).incident
    verification.propose_verification(incident, reason="Three reports", actor=colleague)
    second = staff_factory("second-dispatcher", Role.DISPATCHER, org)
    client.force_login(second)
    page = client.get("/staff/incidents/").content.decode()
    assert "proposed by colleague, waiting 0 min" in page
    assert "Approve: verify this incident" in client.get(f"/staff/incidents/{incident.pk}/").content.decode()
    proposal = VerificationProposal.objects.get()
    client.post(f"/staff/incidents/proposals/{proposal.pk}/approve/")
    speed = verification.time_to_verification(Incident.objects.all())
    assert speed["count"] == 1 and speed["median"] == 0 and speed["p90"] == 0
    assert "median 0 min" in client.get("/staff/incidents/proposals/").content.decode()
