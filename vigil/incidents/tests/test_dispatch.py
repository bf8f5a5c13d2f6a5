"""Responders can find the scene: what an offer shows, offers that expire and reopen, and a call for help."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from vigil.accounts.models import AuditEvent, Role
from vigil.incidents import dispatching
from vigil.incidents.models import Dispatch, ResponderProfile, TimelineEntry
from vigil.intake import actions as intake_actions
from vigil.intake.validation import build_input


def report(text="ICE agents at Roosevelt Ave and 74th St, two vans", *, contact="", language_text=None, org=None):
    data = {"text": language_text or text, "area": "QN0301"}
    if contact:
        data["contact"] = contact
    channel = "api" if org else "web"
    return intake_actions.submit_report(build_input(data), channel=channel, partner=org)[0]


@pytest.fixture
def responder(staff_factory, org):
    person = staff_factory("field-responder", Role.RESPONDER, org)
    ResponderProfile.objects.create(user=person, languages=["en", "es"])
    return person


def page(client, user):
    client.force_login(user)
    return client.get("/staff/incidents/responder/").content.decode()


@pytest.mark.django_db
def test_it_shows_the_neighborhood_place_and_counts_before_accepting_but_not_the_words(
    client, colleague, responder, org
):
    r = report("Agentes de ICE en Roosevelt y la 74, dos camionetas", org=org)
    dispatching.offer(r.incident, responder, actor=colleague)
    shown = page(client, responder)
    assert "Jackson Heights, Queens" in shown
    assert "Roosevelt" in shown and "74" in shown  # the best-known corner
    assert "1 report" in shown and "min ago" in shown
    assert "dos camionetas" not in shown  # the reports' words only after accepting
    assert "QN0301" not in shown
    assert "geo:" not in shown


@pytest.mark.django_db
def test_it_shows_the_reports_words_a_map_link_and_a_callback_flag_after_accepting(client, colleague, responder, org):
    r = report(org=org, contact="+17185550123")
    report(language_text="Агенты ICE на углу Рузвельт и 74-й улицы", org=org)
    dispatch = dispatching.offer(r.incident, responder, actor=colleague)
    dispatching.dispatch_move(dispatch, "accepted", actor=responder)
    shown = page(client, responder)
    assert "two vans" in shown and "Агенты ICE" in shown
    assert "Not in a language you read" in shown  # Russian, which this responder does not read
    assert 'href="geo:40.7' in shown
    assert "agreed to be called back" in shown
    assert "7185550123" not in shown  # the call-back is a dispatcher's
    assert AuditEvent.objects.filter(action="dispatch.scene_viewed", actor=responder).exists()


@pytest.mark.django_db
def test_it_ends_access_with_the_dispatch_and_shows_nothing_of_others(client, colleague, responder, org, staff_factory):
    r = report(org=org)
    dispatch = dispatching.offer(r.incident, responder, actor=colleague)
    dispatching.dispatch_move(dispatch, "declined", actor=responder)
    assert "two vans" not in page(client, responder) and "Jackson Heights" not in page(client, responder)
    other = staff_factory("other-responder", Role.RESPONDER, org)
    assert "Jackson Heights" not in page(client, other)


@pytest.mark.django_db
def test_it_expires_an_unanswered_offer_and_reopens_the_same_dispatch_on_a_new_offer(client, colleague, responder, org):
    r = report(org=org)
    dispatch = dispatching.offer(r.incident, responder, actor=colleague)
    assert dispatch.offer_expires_at - dispatch.offered_at == timedelta(minutes=5)
    assert not dispatching.expire_offer(dispatch.pk)  # not due yet
    Dispatch.objects.filter(pk=dispatch.pk).update(offer_expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(dispatching.DispatchRefused):
        dispatching.dispatch_move(dispatch, "accepted", actor=responder)
    assert dispatching.expire_offer(dispatch.pk)
    assert Dispatch.objects.get().state == "expired"
    client.force_login(colleague)
    assert "Offer expired" in client.get(f"/staff/incidents/{r.incident_id}/").content.decode()
    again = dispatching.offer(r.incident, responder, actor=colleague)
    assert again.pk == dispatch.pk and again.state == "offered"
    dispatching.dispatch_move(again, "declined", actor=responder)
    third = dispatching.offer(r.incident, responder, actor=colleague)
    assert third.pk == dispatch.pk and third.state == "offered"
    kinds = list(TimelineEntry.objects.filter(incident=r.incident).values_list("kind", flat=True))
    assert kinds.count("dispatch_reoffered") == 2 and "dispatch_expired" in kinds and "dispatch_declined" in kinds


@pytest.mark.django_db
def test_it_leaves_an_active_dispatch_alone_when_offered_again(colleague, responder, org):
    r = report(org=org)
    dispatch = dispatching.offer(r.incident, responder, actor=colleague)
    dispatching.dispatch_move(dispatch, "accepted", actor=responder)
    assert dispatching.offer(r.incident, responder, actor=colleague).state == "accepted"


@pytest.mark.django_db
def test_it_puts_a_responders_call_for_help_on_top_of_every_console(client, colleague, responder, org, outsider):
    r = report(org=org)
    dispatch = dispatching.offer(r.incident, responder, actor=colleague)
    with pytest.raises(dispatching.DispatchRefused):
        dispatching.ask_for_help(dispatch, actor=responder)  # an offer is not a dispatch yet
    dispatching.dispatch_move(dispatch, "accepted", actor=responder)
    client.force_login(responder)
    client.post(f"/staff/incidents/responder/dispatch/{dispatch.pk}/help/")  # one form, no JavaScript
    assert Dispatch.objects.get().help_requested_at is not None
    client.force_login(colleague)
    queue = client.get("/staff/incidents/").content.decode()
    assert "A responder needs help" in queue and "field-responder" in queue
    client.force_login(outsider)
    assert "field-responder" not in client.get("/staff/incidents/").content.decode()
    assert client.post(f"/staff/incidents/dispatches/{dispatch.pk}/help-answered/").status_code == 404
    client.force_login(colleague)
    client.post(f"/staff/incidents/dispatches/{dispatch.pk}/help-answered/")
    assert Dispatch.objects.get().help_answered_by_id == colleague.pk
    assert "A responder needs help" not in client.get("/staff/incidents/").content.decode()
    assert TimelineEntry.objects.filter(kind="help_requested").exists()
    assert TimelineEntry.objects.filter(kind="help_answered", actor=colleague).exists()


@pytest.mark.django_db
def test_it_refuses_help_from_someone_elses_dispatch(client, colleague, responder, org, staff_factory):
    r = report(org=org)
    dispatch = dispatching.offer(r.incident, responder, actor=colleague)
    dispatching.dispatch_move(dispatch, "accepted", actor=responder)
    other = staff_factory("other-responder", Role.RESPONDER, org)
    client.force_login(other)
    assert client.post(f"/staff/incidents/responder/dispatch/{dispatch.pk}/help/").status_code == 404
    with pytest.raises(dispatching.DispatchRefused):
        dispatching.ask_for_help(dispatch, actor=other)
    assert Dispatch.objects.get().help_requested_at is None


@pytest.mark.django_db
def test_it_shows_a_reporters_number_only_to_a_dispatcher_who_asks_and_audits_it(
    client, colleague, responder, org, outsider
):
    r = report(org=org, contact="+17185550123")
    client.force_login(colleague)
    page = client.get(f"/staff/incidents/{r.incident_id}/").content.decode()
    assert "agreed to a call-back" in page and "7185550123" not in page
    shown = client.post(f"/staff/incidents/reports/{r.pk}/contact/").content.decode()
    assert "+17185550123" in shown
    assert AuditEvent.objects.filter(action="report.contact_viewed", actor=colleague).exists()
    for intruder in (outsider, responder):
        client.force_login(intruder)
        assert client.post(f"/staff/incidents/reports/{r.pk}/contact/").status_code in (403, 404)
