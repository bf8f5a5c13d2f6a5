"""Move and merge by choosing from the open incidents nearby of the same owner, with a preview and a
confirmation; a wrong choice said in words on the same page."""

import pytest

from vigil.accounts.models import AuditEvent
from vigil.incidents import actions
from vigil.incidents.models import Incident, TimelineEntry
from vigil.intake import actions as intake_actions
from vigil.intake.models import Report
from vigil.intake.validation import build_input


def report(text, area, partner=None):
    return intake_actions.submit_report(build_input({"text": text, "area": area}), channel="web", partner=partner)[0]


def separate(r):
    """Its own incident, whatever grouping decided."""
    return actions.split_report(Report.objects.get(pk=r.pk), actor=None)


@pytest.fixture
def scene(db):
    """An incident in Jackson Heights, one next door in East Elmhurst, one in the Bronx, one closed."""
    here = report("ICE agents at Roosevelt and 74th, two vans", "QN0301")
    near = separate(report("Agents at the laundromat on 82nd street", "QN0302"))
    far = separate(report("Agents at the corner of 149th and 3rd", "BX0101"))
    closed = separate(report("Agents on 35th avenue", "QN0301"))
    Incident.objects.filter(pk=closed.pk).update(state="closed")
    return here, near, far, closed


@pytest.mark.django_db
def test_it_offers_the_open_incidents_nearby_with_their_places_and_latest_reports(client, colleague, scene):
    here, near, far, closed = scene
    client.force_login(colleague)
    page = client.get(f"/staff/incidents/{here.incident_id}/merge/").content.decode()
    assert "East Elmhurst, Queens" in page and "latest" in page and "1 report" in page
    assert str(near.pk) in page
    assert str(far.pk) not in page and str(closed.pk) not in page
    assert 'maxlength="36"' not in page  # no id to paste any more


@pytest.mark.django_db
def test_it_previews_then_merges_on_confirmation(client, colleague, scene):
    here, near, _far, _closed = scene
    client.force_login(colleague)
    preview = client.get(f"/staff/incidents/{here.incident_id}/merge/?target={near.pk}").content.decode()
    assert "will join the incident at East Elmhurst, Queens" in preview and "this incident will close" in preview
    assert Incident.objects.get(pk=here.incident_id).state != "closed"  # a preview changes nothing
    response = client.post(f"/staff/incidents/{here.incident_id}/merge/", {"target": str(near.pk)})
    assert response.status_code == 302 and response["Location"] == f"/staff/incidents/{near.pk}/"
    assert Incident.objects.get(pk=here.incident_id).state == "closed"
    assert Report.objects.get(pk=here.pk).incident_id == near.pk
    assert AuditEvent.objects.filter(action="incident.merged", actor=colleague).exists()


@pytest.mark.django_db
def test_it_says_a_wrong_merge_target_in_words_on_the_same_page(client, colleague, scene):
    here, _near, far, closed = scene
    client.force_login(colleague)
    url = f"/staff/incidents/{here.incident_id}/merge/"
    for target, words in [
        ("", "Choose one of the incidents listed."),
        ("not-an-id", "Choose one of the incidents listed."),
        (str(far.pk), "That incident is no longer in the list"),
        (str(closed.pk), "That incident is no longer in the list"),
        (str(here.incident_id), "That incident is no longer in the list"),
    ]:
        response = client.post(url, {"target": target})
        assert response.status_code == 400, target
        page = response.content.decode()
        assert words in page and 'role="alert"' in page
        assert "East Elmhurst, Queens" in page  # the list to choose again
    assert Incident.objects.get(pk=here.incident_id).state == "reported"


@pytest.mark.django_db
def test_it_moves_a_report_after_a_preview_or_splits_it_off(client, colleague, scene):
    here, near, _far, _closed = scene
    client.force_login(colleague)
    url = f"/staff/incidents/reports/{here.pk}/move/"
    page = client.get(url).content.decode()
    assert "A new incident of its own" in page and "East Elmhurst, Queens" in page
    assert "Web form" in page and ">web<" not in page
    preview = client.get(f"{url}?target={near.pk}").content.decode()
    assert "The report will join the incident at East Elmhurst, Queens" in preview
    assert client.post(url, {"target": str(near.pk)})["Location"] == f"/staff/incidents/{near.pk}/"
    assert Report.objects.get(pk=here.pk).incident_id == near.pk
    moved_in = TimelineEntry.objects.filter(incident_id=near.pk, kind="report_moved_in")
    assert moved_in.filter(other_incident_id=here.incident_id, actor=colleague).exists()
    response = client.post(url, {"target": "new"})
    assert Report.objects.get(pk=here.pk).incident_id not in (near.pk, here.incident_id)
    assert response.status_code == 302


@pytest.mark.django_db
def test_it_refuses_to_join_incidents_of_different_owners(org, colleague):
    public = report("ICE agents at Roosevelt and 74th, two vans", "QN0301").incident
    partners = report("ICE agents at Roosevelt and 74th, two vans", "QN0301", partner=org).incident
    with pytest.raises(actions.CorrectionRefused) as refused:
        actions.merge(public, partners, actor=colleague)
    assert refused.value.code == "owner"
    assert Incident.objects.get(pk=public.pk).state == "reported"


@pytest.mark.django_db
def test_it_shows_moves_and_merges_only_to_staff_who_see_the_incident(client, org, colleague, owner, outsider):
    here = report("ICE agents at Roosevelt and 74th, two vans", "QN0301", partner=org)
    near = separate(report("Agents at the laundromat on 82nd street", "QN0302", partner=org))
    for person in (colleague, owner):
        client.force_login(person)
        assert str(near.pk) in client.get(f"/staff/incidents/{here.incident_id}/merge/").content.decode()
        assert client.get(f"/staff/incidents/reports/{here.pk}/move/").status_code == 200
    client.force_login(outsider)
    assert client.get(f"/staff/incidents/{here.incident_id}/merge/").status_code == 404
    assert client.get(f"/staff/incidents/reports/{here.pk}/move/").status_code == 404
    assert client.post(f"/staff/incidents/{here.incident_id}/merge/", {"target": str(near.pk)}).status_code == 404
    assert Incident.objects.get(pk=here.incident_id).state == "reported"


@pytest.mark.django_db
def test_it_lets_the_owner_and_a_colleague_correct_their_organizations_incidents(org, owner, colleague):
    first = report("ICE agents at Roosevelt and 74th, two vans", "QN0301", partner=org)
    second = separate(report("Agents at the laundromat on 82nd street", "QN0302", partner=org))
    third = separate(report("Agents on 35th avenue", "QN0301", partner=org))
    actions.move_report(Report.objects.get(pk=first.pk), second, actor=colleague)
    actions.merge(Incident.objects.get(pk=second.pk), Incident.objects.get(pk=third.pk), actor=owner)
    assert Report.objects.get(pk=first.pk).incident_id == third.pk
    assert Incident.objects.get(pk=second.pk).state == "closed"


@pytest.mark.django_db
def test_it_refuses_an_outsider_moving_or_merging_an_organizations_reports(org, outsider):
    first = report("ICE agents at Roosevelt and 74th, two vans", "QN0301", partner=org)
    second = separate(report("Agents at the laundromat on 82nd street", "QN0302", partner=org))
    with pytest.raises(actions.CorrectionRefused) as refused:
        actions.merge(Incident.objects.get(pk=first.incident_id), second, actor=outsider)
    assert refused.value.code == "owner"
    assert "organization" in str(refused.value)  # says why, in words a developer or admin can act on
    with pytest.raises(actions.CorrectionRefused):
        actions.move_report(Report.objects.get(pk=first.pk), second, actor=outsider)
    with pytest.raises(actions.CorrectionRefused):
        actions.split_report(Report.objects.get(pk=first.pk), actor=outsider)
    assert Report.objects.get(pk=first.pk).incident_id == first.incident_id
    assert Incident.objects.get(pk=first.incident_id).state == "reported"
    assert not AuditEvent.objects.filter(actor=outsider).exists()


@pytest.mark.django_db
def test_it_keeps_an_organizations_report_out_of_public_incidents_and_public_reports_out_of_its_own(org, colleague):
    partners = report("ICE agents at Roosevelt and 74th, two vans", "QN0301", partner=org)
    public = report("ICE agents at Roosevelt and 74th, two vans", "QN0301")
    # A report whose incident link was lost (its incident purged): its own owner still decides.
    Report.objects.filter(pk=partners.pk).update(incident=None)
    with pytest.raises(actions.CorrectionRefused) as refused:
        actions.move_report(Report.objects.get(pk=partners.pk), public.incident, actor=colleague)
    assert refused.value.code == "owner"
    with pytest.raises(actions.CorrectionRefused):
        actions.move_report(
            Report.objects.get(pk=public.pk), Incident.objects.get(pk=partners.incident_id), actor=colleague
        )
    assert Report.objects.get(pk=partners.pk).incident_id is None
    assert Report.objects.get(pk=public.pk).incident_id == public.incident_id
