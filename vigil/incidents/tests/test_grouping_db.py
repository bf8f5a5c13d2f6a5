"""Grouping on arrival, through the database, with reports arriving at once."""

import threading

import pytest
from django.db import connection, transaction

from vigil.incidents.models import Incident
from vigil.intake import actions
from vigil.intake.validation import build_input

SCENE = [
    "ICE agents at Roosevelt Ave and 74th St, three vans",
    "Agentes de ICE en Roosevelt y la 74, tres camionetas",
    "Des agents de l'ICE à Roosevelt Avenue et 74e rue, trois camionnettes",
    "Ajan ICE nan Roosevelt ak 74th, twa kamyonèt",
    "Agenci ICE na Roosevelt Ave i 74 ulicy, trzy furgonetki",
]


def submit(text, lat=40.74685, lon=-73.89143):
    data = build_input({"text": text, "lat": lat, "lon": lon})
    return actions.submit_report(data, channel="api")[0]


@pytest.mark.django_db
def test_it_groups_reports_of_one_scene_in_several_languages():
    reports = [submit(text) for text in SCENE]
    assert len({r.incident_id for r in reports}) == 1
    incident = Incident.objects.get()
    assert incident.report_count == len(SCENE)
    assert {"en", "es"} <= set(incident.languages)


@pytest.mark.django_db
def test_it_keeps_a_different_scene_apart():
    first = submit(SCENE[0])
    other = submit("ICE arrest outside the courthouse at 120 Schermerhorn St, Brooklyn", lat=40.6908, lon=-73.9890)
    assert first.incident_id != other.incident_id


@pytest.mark.django_db(transaction=True)
def test_it_makes_one_incident_from_twenty_reports_sent_at_once():
    errors = []
    barrier = threading.Barrier(20)

    def send(i):
        try:
            barrier.wait(timeout=10)
            submit(SCENE[i % len(SCENE)], lat=40.74685 + i * 1e-5, lon=-73.89143)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert Incident.objects.count() == 1
    assert Incident.objects.get().report_count == 20


@pytest.mark.django_db(transaction=True)
def test_it_reads_a_summary_again_when_another_process_rewrote_it_with_the_same_count():
    from vigil.incidents import actions as incident_actions
    from vigil.lib import rows

    first = submit(SCENE[0])
    [(state, _row)] = incident_actions._candidate_states(first)
    # Another process's write: same report count, different content (a report moved out, another in).
    rewritten = state.copy()
    rewritten.areas = {"QN0302"}
    with transaction.atomic():
        rows.update(
            Incident,
            first.incident_id,
            {"grouping_summary": incident_actions._seal_summary(first.incident_id, rewritten)},
        )
    assert Incident.objects.get().report_count == state.report_count
    [(seen, _row)] = incident_actions._candidate_states(first)
    assert seen.areas == {"QN0302"}
