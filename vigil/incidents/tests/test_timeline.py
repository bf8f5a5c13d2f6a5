"""The incident's timeline: complete, in time order across pages, every kind said in words."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from PIL import Image

from vigil.incidents import actions, dispatching, timeline
from vigil.incidents.models import Incident, TimelineEntry
from vigil.intake import actions as intake_actions
from vigil.intake.models import Report
from vigil.intake.validation import build_input


def report(text="ICE agents at Roosevelt and 74th, two vans", area="QN0301", channel="web"):
    return intake_actions.submit_report(build_input({"text": text, "area": area}), channel=channel)[0]


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(out, "PNG")
    return out.getvalue()


def timeline_html(client, incident, page=None):
    query = f"?timeline_page={page}" if page else ""
    response = client.get(f"/staff/incidents/{incident.pk}/{query}")
    assert response.status_code == 200
    html = response.content.decode()
    return html[html.index("<h2>Timeline</h2>") :]


@pytest.mark.django_db
def test_it_shows_every_report_photo_dispatch_and_state_change_in_words(client, colleague, staff_factory, org):
    first = report()
    incident = first.incident
    intake_actions.submit_report(
        build_input({"text": "Two vans still at Roosevelt and 74th", "area": "QN0301"}), channel="sms"
    )
    follow_up = intake_actions.add_follow_up(first, "They took a man into the van")
    actions.add_evidence(data=png(), incident=incident, actor=colleague)
    responder = staff_factory("responder-ana", "responder", org)
    dispatch = dispatching.offer(incident, responder, actor=colleague)
    dispatching.dispatch_move(dispatch, "accepted", actor=responder)
    actions.transition(incident, "verifying", actor=colleague, reason="Canary sent Ana to look")
    client.force_login(colleague)
    html = timeline_html(client, incident)
    assert "Report received by Web form" in html
    assert "Report received by SMS" in html
    assert "More information from the same reporter" in html
    assert f'href="#report-{first.pk}"' in html  # the follow-up links to the report it adds to
    assert "Photo added" in html
    assert "Offered to a responder" in html and "Responder: Accepted" in html and "responder-ana" in html
    assert "State changed from Reported to Being verified" in html
    assert "Canary sent Ana to look" in html
    for code in ("dispatch_accepted", "report_linked", ">web<", ">sms<", "verifying →"):
        assert code not in html
    # The follow-up's own card carries the anchor the timeline links to, and says what it adds to.
    page = client.get(f"/staff/incidents/{incident.pk}/").content.decode()
    assert f'id="report-{follow_up.pk}"' in page and "More information added to an earlier report" in page


@pytest.mark.django_db
def test_it_links_moves_and_merges_to_the_other_incident(client, colleague):
    first = report()
    second = report("Agents at the laundromat on 82nd street", "QN0302")
    other = actions.split_report(Report.objects.get(pk=second.pk), actor=colleague)
    actions.merge(other, Incident.objects.get(pk=first.incident_id), actor=colleague)
    client.force_login(colleague)
    html = timeline_html(client, first.incident)
    assert "Another incident was merged into this one" in html
    assert f'href="/staff/incidents/{other.pk}/"' in html
    html = timeline_html(client, other)
    assert "Merged into another incident" in html and f'href="/staff/incidents/{first.incident_id}/"' in html
    assert "A report was moved here from another incident" in html


@pytest.mark.django_db
def test_it_keeps_time_order_across_pages_and_counts_the_total(client, colleague, monkeypatch):
    monkeypatch.setattr(timeline, "PAGE_SIZE", 5)
    incident = report().incident
    start = timezone.now() - timedelta(hours=1)
    for n in range(9):  # notes written out of order: the timeline sorts by time, not by insertion
        TimelineEntry.objects.create(
            incident=incident, kind="note", at=start + timedelta(minutes=(n * 7) % 9), reason=f"note {n}"
        )
    items = timeline.all_items(incident)
    assert len(items) == 10  # nine notes and the report
    assert [item.at for item in items] == sorted(item.at for item in items)
    client.force_login(colleague)
    first_page = timeline_html(client, incident)
    second_page = timeline_html(client, incident, page=2)
    assert "10 events" in first_page and "10 events" in second_page  # the total, on every page
    assert "Page 1 of 2" in first_page and "Page 2 of 2" in second_page
    assert first_page.count("<li>") == 5 and second_page.count("<li>") == 5
    assert "Report received" in second_page  # received now, after every note


@pytest.mark.django_db
def test_it_reads_sealed_reasons_only_for_the_page_shown(colleague, monkeypatch):
    monkeypatch.setattr(timeline, "PAGE_SIZE", 2)
    incident = report().incident
    for n in range(5):
        actions.add_note(incident, f"reason {n}", actor=colleague)
    page = timeline.timeline_page(incident, 3)
    assert [item.reason for item in page.object_list] == ["reason 3", "reason 4"]
    assert page.paginator.count == 6


@pytest.mark.django_db
def test_it_says_the_timeline_in_the_staff_members_language(client, colleague):
    incident = report().incident
    actions.transition(incident, "verifying", actor=colleague)
    client.force_login(colleague)
    page = client.get(f"/staff/incidents/{incident.pk}/", HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert "وصل بلاغ عبر" in page  # a report received, in Arabic
    assert "تغيّرت الحالة من تم الإبلاغ إلى قيد التحقق" in page  # state changed, both states in words
