"""The incident page and the evidence export cost the same few queries however many reports there are;
the page shows reports a page at a time; the export is streamed from a temporary file, not built in memory."""

import io
import json
import zipfile

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from vigil.incidents import actions
from vigil.incidents.models import Evidence
from vigil.intake import actions as intake_actions
from vigil.intake.models import Report
from vigil.intake.validation import build_input

REPORTS_PAGE_SIZE = 50


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path


def photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (16, 12), (20, 120, 30)).save(out, format="JPEG")
    return out.getvalue()


def incident_with(count: int, *, photos: bool = True):
    """An incident with `count` reports from the public form (answers included), each with a photo."""
    reports = []
    for i in range(count):
        data = build_input(
            {"text": f"ICE agents at Roosevelt and 74th, van {i}", "area": "QN0301", "salute": {"size": str(i + 1)}}
        )
        attachments = [actions.prepare_evidence(photo(), keep_original=False)] if photos else []
        reports.append(intake_actions.submit_report(data, channel="web", attachments=attachments)[0])
    incident = reports[0].incident
    # Grouping decides which incident a report joins; these tests need them all on one.
    Report.objects.filter(pk__in=[r.pk for r in reports]).update(incident=incident)
    return incident


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    if getattr(response, "streaming", False):
        b"".join(response.streaming_content)
    return len(context.captured_queries)


@pytest.mark.django_db
def test_it_reads_the_incident_page_in_as_many_queries_for_many_reports_as_for_two(
    client, colleague, django_assert_max_num_queries
):
    client.force_login(colleague)
    small = incident_with(2)
    few = queries_for(client, f"/staff/incidents/{small.pk}/")
    large = incident_with(12)
    with django_assert_max_num_queries(few):
        assert client.get(f"/staff/incidents/{large.pk}/").status_code == 200


@pytest.mark.django_db
def test_it_exports_evidence_in_as_many_queries_for_many_reports_as_for_two(
    client, colleague, django_assert_max_num_queries
):
    client.force_login(colleague)
    small = incident_with(2)
    few = queries_for(client, f"/staff/incidents/{small.pk}/evidence/export/")
    large = incident_with(12)
    with django_assert_max_num_queries(few):
        response = client.get(f"/staff/incidents/{large.pk}/evidence/export/")
        content = b"".join(response.streaming_content) if response.streaming else response.content
    manifest = json.loads(zipfile.ZipFile(io.BytesIO(content)).read("manifest.json"))
    # Grouping may have put the first incident's reports on this one too.
    assert len(manifest["files"]) == Evidence.objects.filter(report__incident=large).count() >= 12


@pytest.mark.django_db
def test_it_streams_the_export_from_a_file(client, colleague):
    client.force_login(colleague)
    incident = incident_with(2)
    response = client.get(f"/staff/incidents/{incident.pk}/evidence/export/")
    assert response.streaming
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert len(json.loads(archive.read("manifest.json"))["files"]) == 2
    assert response["Content-Disposition"].startswith('attachment; filename="incident-')


@pytest.mark.django_db
def test_it_shows_the_reports_a_page_at_a_time(client, colleague):
    client.force_login(colleague)
    incident = incident_with(REPORTS_PAGE_SIZE + 2, photos=False)
    first = client.get(f"/staff/incidents/{incident.pk}/").content.decode()
    second = client.get(f"/staff/incidents/{incident.pk}/?reports_page=2").content.decode()
    assert first.count('class="report" id="report-') == REPORTS_PAGE_SIZE
    assert second.count('class="report" id="report-') == 2
