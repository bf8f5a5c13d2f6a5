"""Detention records and the incident-level facts of the sanctuary-law rules: who writes, sealed, audited,
purged with the incident unless held."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from vigil.accounts.models import AuditEvent, Role
from vigil.incidents import detentions, dispatching, models, warrants
from vigil.incidents.models import DetentionRecord, Incident, TimelineEntry
from vigil.intake import actions as intake_actions
from vigil.intake.validation import build_input
from vigil.privacy.actions import purge_expired, set_legal_hold

RECORD = {
    "custody": "doc",
    "warrant": "ice_administrative",
    "request": "detention",
    "honored": "held_past_release",
    "instant_arrest_date": "2025-06-01",
    "convictions": [],
    "database_match": False,
}


@pytest.fixture
def incident(org):
    data = build_input({"text": "ICE agents at Roosevelt and 74th", "area": "QN0301"})
    return intake_actions.submit_report(data, channel="api", partner=org)[0].incident


@pytest.fixture
def responder(incident, colleague, staff_factory, org):
    person = staff_factory("field-responder", Role.RESPONDER, org)
    dispatch = dispatching.offer(incident, person, actor=colleague)
    dispatching.dispatch_move(dispatch, "accepted", actor=person)
    return person


@pytest.fixture
def caseworker(staff_factory, org):
    return staff_factory("caseworker", Role.CASEWORKER, org)


@pytest.fixture
def monitor(staff_factory, org):
    return staff_factory("monitor", Role.MONITOR, org)


def test_it_shares_one_list_of_warrant_kinds_with_the_rules():
    from vigil.rules.facts import DETENTION_FIELDS, INCIDENT_FIELDS

    assert [code for code, _ in models.WARRANTS] == [*warrants.WARRANT_KINDS, "unknown"]
    assert INCIDENT_FIELDS["warrant"] == DETENTION_FIELDS["warrant"] == warrants.WARRANT_KINDS
    assert set(models.WARRANT_LABELS) == set(warrants.WARRANT_KINDS)
    for name, choices in detentions.INCIDENT_FACT_CHOICES.items():
        rules_name = {"site_operator": "operator", "doc_office_purpose": "doc_property_office_purpose"}.get(name, name)
        if isinstance(INCIDENT_FIELDS[rules_name], tuple):
            assert {code for code, _ in choices} <= set(INCIDENT_FIELDS[rules_name]), name
    for name, (_label, kind) in detentions.FIELDS.items():
        if isinstance(kind, list):
            assert {code for code, _ in kind} <= set(DETENTION_FIELDS[name]), name


def test_it_keeps_a_detention_record_sealed_with_who_and_when(incident, responder):
    record = detentions.record_detention(incident, dict(RECORD, offence_note=None), actor=responder)
    assert record.number == 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT facts FROM incidents_detentionrecord WHERE id = %s", [record.pk.hex])
        blob = bytes(cursor.fetchone()[0])
    assert b"ice_administrative" not in blob and b"2025-06-01" not in blob
    assert DetentionRecord.objects.get(pk=record.pk).facts == RECORD
    entry = TimelineEntry.objects.get(incident=incident, kind="detention_recorded")
    assert entry.actor == responder
    event = AuditEvent.objects.get(action="incident.detention_recorded")
    assert "custody" in event.detail["fields"] and "ice_administrative" not in str(event.detail)


def test_it_lets_caseworkers_and_provider_staff_write_and_never_monitors(
    incident, caseworker, monitor, staff_factory, org
):
    provider = staff_factory("provider", Role.PROVIDER_STAFF, org)
    detentions.record_detention(incident, {"custody": "nypd"}, actor=caseworker)
    second = detentions.record_detention(incident, {"custody": "federal"}, actor=provider)
    assert second.number == 2
    with pytest.raises(detentions.DetentionRefused):
        detentions.record_detention(incident, {"custody": "doc"}, actor=monitor)
    with pytest.raises(detentions.DetentionRefused):
        detentions.record_incident_facts(incident, {"court": "state_or_city"}, actor=monitor)
    assert DetentionRecord.objects.filter(incident=incident).count() == 2


def test_it_refuses_codes_outside_the_lists(incident, caseworker):
    with pytest.raises(ValueError):
        detentions.record_detention(incident, {"custody": "the moon"}, actor=caseworker)
    with pytest.raises(ValueError):
        detentions.record_incident_facts(incident, {"court": "supreme"}, actor=caseworker)


def test_it_audits_every_read(incident, caseworker):
    detentions.record_detention(incident, RECORD, actor=caseworker)
    rows = detentions.read_records(incident, actor=caseworker)
    assert rows[0].facts["custody"] == "doc"
    assert AuditEvent.objects.filter(action="incident.detentions_read", actor=caseworker).count() == 1


def test_it_purges_records_with_their_incident_unless_held(incident, caseworker, settings):
    kept = detentions.record_detention(incident, RECORD, actor=caseworker)
    gone = detentions.record_detention(incident, {"custody": "nypd"}, actor=caseworker)
    set_legal_hold(kept, True, actor=caseworker)
    Incident.objects.filter(pk=incident.pk).update(last_report_at=timezone.now() - timedelta(days=4000))
    purge_expired()
    assert not Incident.objects.filter(pk=incident.pk).exists()
    assert not DetentionRecord.objects.filter(pk=gone.pk).exists()
    assert DetentionRecord.objects.get(pk=kept.pk).incident_id is None


def test_it_keeps_records_of_an_incident_on_legal_hold(incident, caseworker):
    record = detentions.record_detention(incident, RECORD, actor=caseworker)
    set_legal_hold(incident, True, actor=caseworker)
    Incident.objects.filter(pk=incident.pk).update(last_report_at=timezone.now() - timedelta(days=4000))
    purge_expired()
    assert DetentionRecord.objects.filter(pk=record.pk, incident=incident).exists()


def test_it_records_the_incident_level_facts(incident, responder):
    changed = detentions.record_incident_facts(
        incident, {"site_operator": "city_contractor", "court": "", "doc_property_office": "no"}, actor=responder
    )
    assert changed == ["doc_property_office", "site_operator"]
    incident.refresh_from_db()
    assert (incident.site_operator, incident.court, incident.doc_property_office) == ("city_contractor", "", "no")
    assert TimelineEntry.objects.filter(incident=incident, kind="rule_facts", actor=responder).exists()


def test_the_page_lets_a_responder_add_a_person_without_javascript(client, incident, responder):
    client.force_login(responder)
    url = reverse("detention_page", args=[incident.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        reverse("detention_new", args=[incident.pk]),
        {
            "new-custody": "nypd",
            "new-warrant": "detainer_only",
            "new-convictions": "listed",
            "new-conviction1_sentence_date": "2022-03-04",
            "new-conviction1_offence": "PL 160.15",
            "new-incarcerations": "unknown",
            "new-database_match": "no",
            "new-would_release_at": "2025-06-02T10:00",
        },
    )
    assert response.status_code == 302
    facts = DetentionRecord.objects.get(incident=incident).facts
    assert facts["custody"] == "nypd" and facts["database_match"] is False
    assert facts["convictions"] == [{"id": "c1", "sentence_date": "2022-03-04", "offence": "PL 160.15"}]
    assert "incarcerations" not in facts and facts["would_release_at"].startswith("2025-06-02T10:00")
    page = client.get(url).content.decode()
    assert "PL 160.15" in page  # the writer sees what was written, in the record's own form
    record = DetentionRecord.objects.get(incident=incident)
    response = client.post(
        reverse("detention_edit", args=[incident.pk, record.pk]), {"r1-custody": "doc", "r1-convictions": "none"}
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.facts == {"custody": "doc", "convictions": []}
    response = client.post(url, {"court": "state_or_city"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and 'id="detentions"' in response.content.decode()
    incident.refresh_from_db()
    assert incident.court == "state_or_city"


def test_the_page_is_closed_to_monitors_outsiders_and_responders_not_sent(
    client, incident, caseworker, monitor, outsider, staff_factory, org
):
    record = detentions.record_detention(incident, RECORD, actor=caseworker)
    url = reverse("detention_page", args=[incident.pk])
    client.force_login(monitor)
    assert client.get(url).status_code == 403
    assert client.post(reverse("detention_new", args=[incident.pk]), {"new-custody": "doc"}).status_code == 403
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    edit = reverse("detention_edit", args=[incident.pk, record.pk])
    client.force_login(staff_factory("other-caseworker", Role.CASEWORKER, outsider.organization))
    assert client.post(edit, {"r1-custody": "nypd"}).status_code == 404
    client.force_login(staff_factory("idle-responder", Role.RESPONDER, org))
    assert client.get(url).status_code == 404
    record.refresh_from_db()
    assert record.facts["custody"] == "doc"


def test_a_dispatcher_reads_but_does_not_write(client, incident, colleague, caseworker):
    detentions.record_detention(incident, RECORD, actor=caseworker)
    client.force_login(colleague)
    url = reverse("detention_page", args=[incident.pk])
    page = client.get(url)
    assert page.status_code == 200 and b"<form" not in page.content.split(b'id="detentions"')[1]
    assert client.post(url, {"court": "immigration"}).status_code == 403
    incident.refresh_from_db()
    assert incident.court == ""


def test_the_rules_read_the_records_and_the_records_override_the_incident(incident, caseworker):
    from vigil.rules.engine import evaluate_rules
    from vigil.rules.mapping import incident_object
    from vigil.rules.pack import load_pack
    from vigil.rules.tests.cases import PACK

    observations_fact = {"warrant_seen": "federal_judicial_arrest"}
    Incident.objects.filter(pk=incident.pk).update(**observations_fact, site_operator="city_agency")
    incident.refresh_from_db()
    detentions.record_detention(incident, RECORD, actor=caseworker)
    raw = incident_object(incident, detentions.read_records(incident, actor=caseworker))
    assert raw["warrant"] == "federal_judicial_arrest" and raw["operator"] == "city_agency"
    assert raw["detentions"][0]["warrant"] == "ice_administrative"
    findings = evaluate_rules(load_pack(PACK), [raw])[0]["findings"]
    levels = {f["rule"]: f["level"] for f in findings}
    assert levels["doc-detainer-hold"] == "possible_violation"  # the record's I-200, not the incident's warrant
