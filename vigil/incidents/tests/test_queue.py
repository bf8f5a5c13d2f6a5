"""The queue: two labelled groups, places and states in words, counts, time since, holder, filters."""

from datetime import timedelta

import pytest
from django.utils import timezone

from vigil.incidents import actions
from vigil.incidents.models import Incident
from vigil.intake import actions as intake_actions
from vigil.intake.validation import build_input


def report(text, area, partner=None):
    return intake_actions.submit_report(build_input({"text": text, "area": area}), channel="web", partner=partner)[0]


def page_of(client, query=""):
    response = client.get(f"/staff/incidents/{query}")
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_it_lists_incidents_in_two_labelled_groups_trusted_first(client, colleague):
    trusted = report("ICE agents at Roosevelt and 74th, two vans", "QN0301").incident
    other = report("Agents at the corner of 149th and 3rd", "BX0101").incident
    Incident.objects.filter(pk=other.pk).update(has_solved_submission=False, last_report_at=timezone.now())
    client.force_login(colleague)
    page = page_of(client)
    first_group = page.index("Incidents with a report that passed the spam check or came by a trusted channel")
    second_group = page.index("Other incidents")
    assert first_group < page.index(f"/staff/incidents/{trusted.pk}/") < second_group
    assert second_group < page.index(f"/staff/incidents/{other.pk}/")


@pytest.mark.django_db
def test_it_keeps_the_group_right_when_reports_are_moved_split_or_merged(colleague):
    from vigil.intake.models import Report

    trusted = report("ICE agents at Roosevelt and 74th, two vans", "QN0301")
    unchecked = report("Agents at the corner of 149th and 3rd", "BX0101")
    Report.objects.filter(pk=unchecked.pk).update(verified_submission=False)
    Incident.objects.filter(pk=unchecked.incident_id).update(has_solved_submission=False)
    alone = actions.split_report(Report.objects.get(pk=trusted.pk), actor=colleague)
    assert Incident.objects.get(pk=alone.pk).has_solved_submission  # the split keeps the report's standing
    assert not Incident.objects.get(pk=trusted.incident_id).has_solved_submission  # nothing trusted left
    actions.move_report(
        Report.objects.get(pk=trusted.pk), Incident.objects.get(pk=unchecked.incident_id), actor=colleague
    )
    assert Incident.objects.get(pk=unchecked.incident_id).has_solved_submission


@pytest.mark.django_db
def test_it_names_places_states_counts_time_and_holder_in_words(client, colleague):
    incident = report("ICE agents at Roosevelt and 74th, two vans", "QN0301").incident
    Incident.objects.filter(pk=incident.pk).update(last_report_at=timezone.now() - timedelta(minutes=7))
    actions.take_hold(incident, actor=colleague)
    client.force_login(colleague)
    page = page_of(client)
    assert "Jackson Heights, Queens" in page
    assert "QN0301" not in page
    assert ">Reported</span>" in page and ">reported<" not in page
    assert "1 report" in page
    assert "latest 7 minutes ago" in page  # Babel's words (vigil/templatetags/localeformat.py)
    assert "held by colleague" in page
    # The whole row is one link: place, state, counts and holder are all inside it.
    row = page[page.index('<a class="queue-row"') : page.index("</a>", page.index('<a class="queue-row"'))]
    assert f'href="/staff/incidents/{incident.pk}/"' in row and "Jackson Heights" in row and "held by" in row


@pytest.mark.django_db
def test_it_shows_the_queue_in_the_staff_members_language(client, colleague):
    report("ICE agents at Roosevelt and 74th, two vans", "QN0301")
    client.force_login(colleague)
    page = client.get("/staff/incidents/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Jackson Heights, Queens" in page
    assert "1 reporte" in page and "Otros incidentes" in page and "Todos los distritos" in page
    assert ">Reportado</span>" in page


@pytest.mark.django_db
def test_it_filters_by_borough_and_by_state(client, colleague):
    queens = report("ICE agents at Roosevelt and 74th, two vans", "QN0301").incident
    bronx = report("Agents at the corner of 149th and 3rd", "BX0101").incident
    actions.transition(bronx, "verifying", actor=colleague)
    client.force_login(colleague)
    page = page_of(client, "?borough=BX")
    assert str(bronx.pk) in page and str(queens.pk) not in page
    assert '<option value="BX" selected>Bronx</option>' in page
    page = page_of(client, "?state=reported")
    assert str(queens.pk) in page and str(bronx.pk) not in page
    page = page_of(client, "?borough=XX&state=nonsense")  # unknown filters are ignored, not errors
    assert str(queens.pk) in page and str(bronx.pk) in page


@pytest.mark.django_db
def test_it_keeps_refreshing_itself_with_and_without_javascript(client, colleague):
    report("ICE agents at Roosevelt and 74th, two vans", "QN0301")
    client.force_login(colleague)
    page = page_of(client, "?borough=QN")
    assert 'hx-trigger="every 5s"' in page and "borough=QN" in page
    assert '<noscript><meta http-equiv="refresh"' in page
    partial = client.get("/staff/incidents/?borough=QN", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial and "Jackson Heights, Queens" in partial


@pytest.mark.django_db
def test_it_reads_the_queue_in_a_bounded_number_of_queries(client, colleague, django_assert_max_num_queries):
    client.force_login(colleague)
    client.get("/staff/incidents/")  # warm the session and the areas
    for n in range(12):
        incident = report(f"ICE agents at Roosevelt and {70 + n}th, van number {n}", "QN0301").incident
        actions.take_hold(incident, actor=colleague)
        Incident.objects.filter(pk=incident.pk).update(grouping_open=False)
    with django_assert_max_num_queries(12):
        page = page_of(client)
    assert page.count('class="queue-row"') == Incident.objects.count()


@pytest.mark.django_db
def test_it_keeps_an_organizations_incidents_from_other_organizations(client, org, colleague, owner, outsider):
    incident = report("ICE agents at Roosevelt and 74th, two vans", "QN0301", partner=org).incident
    client.force_login(colleague)
    assert str(incident.pk) in page_of(client)
    client.force_login(owner)
    assert str(incident.pk) in page_of(client)
    client.force_login(outsider)
    assert str(incident.pk) not in page_of(client)


def test_it_draws_text_buttons_in_the_accent_colour_not_white_on_white():
    from pathlib import Path

    css = (Path(__file__).resolve().parents[2] / "static" / "vigil" / "site.css").read_text()
    rule = css[css.index("button.link{") :].split("}", 1)[0]
    assert "color:var(--accent)" in rule and "background:none" in rule
