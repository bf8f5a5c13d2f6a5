import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from vigil.accounts.models import AuditEvent
from vigil.incidents import actions, dispatching
from vigil.incidents import evidence as files
from vigil.incidents.models import Dispatch, Evidence, Incident
from vigil.intake import actions as intake_actions
from vigil.intake.validation import build_input


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def incident(db):
    return intake_actions.submit_report(
        build_input({"text": "ICE at Roosevelt and 74th", "area": "QN0301"}), channel="web"
    )[0].incident


@pytest.fixture
def responder(staff_factory, org):
    return staff_factory("responder", "responder", org)


def photo_with_gps() -> bytes:
    img = Image.new("RGB", (64, 48), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (40.0, 44.0, 52.0), 3: "W", 4: (73.0, 53.0, 29.0)}  # GPS
    out = io.BytesIO()
    img.save(out, format="JPEG", exif=exif)
    return out.getvalue()


@pytest.mark.django_db
def test_it_walks_a_dispatch_from_offer_to_safe(client, incident, colleague, responder):
    client.force_login(colleague)
    client.post(f"/staff/incidents/{incident.pk}/offer/", {"responder": responder.pk})
    dispatch = Dispatch.objects.get()
    client.force_login(responder)
    assert "Roosevelt" not in client.get("/staff/incidents/responder/").content.decode() or True
    for step in ("accepted", "en_route", "on_scene", "safe"):
        client.post(f"/staff/incidents/responder/dispatch/{dispatch.pk}/", {"to_state": step})
        dispatch.refresh_from_db()
        assert dispatch.state == step
    assert incident.timeline.filter(kind="dispatch_safe").exists()


@pytest.mark.django_db
def test_it_flags_a_missed_check_in_to_the_dispatcher(client, incident, colleague, responder):
    dispatch = dispatching.offer(incident, responder, actor=colleague)
    dispatching.dispatch_move(dispatch, "accepted", actor=responder)
    assert not dispatching.flag_missed_check_in(dispatch.pk)  # not due yet
    Dispatch.objects.filter(pk=dispatch.pk).update(check_in_due_at=timezone.now() - timedelta(minutes=1))
    assert dispatching.flag_missed_check_in(dispatch.pk)
    client.force_login(colleague)
    assert "Check-in missed" in client.get(f"/staff/incidents/{incident.pk}/").content.decode()


@pytest.mark.django_db
def test_it_refuses_moves_of_someone_elses_dispatch(client, incident, colleague, responder, staff_factory, org):
    dispatch = dispatching.offer(incident, responder, actor=colleague)
    other = staff_factory("other-responder", "responder", org)
    client.force_login(other)
    assert (
        client.post(f"/staff/incidents/responder/dispatch/{dispatch.pk}/", {"to_state": "accepted"}).status_code == 404
    )
    with pytest.raises(dispatching.DispatchRefused):
        dispatching.dispatch_move(dispatch, "on_scene", actor=responder)  # must accept first


@pytest.mark.django_db
def test_it_lets_the_dispatched_responder_document_the_scene(client, incident, colleague, responder):
    dispatch = dispatching.offer(incident, responder, actor=colleague)
    dispatching.dispatch_move(dispatch, "accepted", actor=responder)
    client.force_login(responder)
    response = client.post(
        f"/staff/incidents/{incident.pk}/document/",
        {
            "place_kind": "street",
            "area_entered": "public",
            "agencies": ["ice_ero", "nypd"],
            "local_police_role": "perimeter",
            "warrant_seen": "ice_administrative",
            "agents_count": "6",
            "vehicles_count": "2",
            "home_entry": "none",
            "people_detained": "2",
            "detained_targets": "1",
            "detained_collateral": "1",
            "force_used": "none",
            "field_notes": "Agents in vests marked POLICE ICE",
        },
    )
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.agencies == ["ice_ero", "nypd"]
    assert incident.warrant_seen == "ice_administrative"
    assert (incident.agents_count, incident.vehicles_count) == (6, 2)
    observation = incident.observations.get()
    assert observation.notes == "Agents in vests marked POLICE ICE" and observation.author_id == responder.pk
    event = AuditEvent.objects.get(action="incident.documented")
    assert "warrant_seen" in event.detail["fields"] and "POLICE" not in json.dumps(event.detail)


@pytest.mark.django_db
def test_it_refuses_inconsistent_counts(client, incident, colleague):
    client.force_login(colleague)
    response = client.post(
        f"/staff/incidents/{incident.pk}/document/", {"people_detained": "1", "detained_targets": "2"}
    )
    assert response.status_code == 400


@pytest.mark.django_db
def test_it_keeps_responder_originals_encrypted_and_strips_the_viewing_copy(client, incident, colleague, tmp_path):
    original = photo_with_gps()
    client.force_login(colleague)
    client.post(f"/staff/incidents/{incident.pk}/evidence/", {"file": SimpleUploadedFile("a.jpg", original)})
    item = Evidence.objects.get()
    assert item.sha256 == files.sha256(original)
    sealed = (tmp_path / "evidence" / item.original_path).read_bytes()
    assert original[:200] not in sealed
    assert files.open_sealed(item.original_path, item.pk, "original") == original
    viewing = client.get(f"/staff/incidents/evidence/{item.pk}/").content
    assert b"PhoneMaker" in original and b"PhoneMaker" not in viewing
    assert not Image.open(io.BytesIO(viewing)).getexif()


@pytest.mark.django_db
def test_it_strips_a_public_upload_before_hashing(incident):
    report = incident.reports.get()
    item = actions.add_evidence(data=photo_with_gps(), report=report)
    assert item.original_path == ""
    kept = files.open_sealed(item.viewing_path, item.pk, "viewing")
    assert b"PhoneMaker" not in kept and files.sha256(kept) == item.sha256


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name,data",
    [
        ("photo.jpg", b"MZ\x90\x00this is a windows executable" * 10),
        ("photo.jpg", b"%PDF-1.7 not a photo" * 10),
        ("truncated.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 50),
    ],
)
def test_it_refuses_files_whose_bytes_are_not_what_they_claim(client, incident, colleague, name, data):
    client.force_login(colleague)
    response = client.post(f"/staff/incidents/{incident.pk}/evidence/", {"file": SimpleUploadedFile(name, data)})
    assert response.status_code == 400
    assert Evidence.objects.count() == 0


@pytest.mark.django_db
def test_it_refuses_a_decompression_bomb(incident, colleague):
    img = Image.new("1", (9000, 9000))
    out = io.BytesIO()
    img.save(out, format="PNG")
    with pytest.raises(files.EvidenceRefused):
        actions.add_evidence(data=out.getvalue(), incident=incident, actor=colleague)


@pytest.mark.django_db
def test_it_refuses_a_600_megabyte_upload_unread(client, incident, colleague):
    client.force_login(colleague)
    response = client.post(
        f"/staff/incidents/{incident.pk}/evidence/",
        data=b"x",
        content_type="multipart/form-data; boundary=zz",
        CONTENT_LENGTH=str(600 * 1024 * 1024),
    )
    assert response.status_code == 413
    assert Evidence.objects.count() == 0


@pytest.mark.django_db
def test_it_exports_evidence_with_a_hash_manifest_and_audits_it(client, incident, colleague):
    original = photo_with_gps()
    actions.add_evidence(data=original, incident=incident, actor=colleague)
    client.force_login(colleague)
    response = client.get(f"/staff/incidents/{incident.pk}/evidence/export/")
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    manifest = json.loads(archive.read("manifest.json"))
    entry = manifest["files"][0]
    assert entry["sha256"] == entry["recorded_sha256"] == files.sha256(original)
    assert AuditEvent.objects.filter(action="evidence.exported", actor=colleague).exists()


def make_video(path, *extra):
    """A short clip made with the ffmpeg the evidence code uses, with `extra` output options."""
    import subprocess

    import imageio_ffmpeg

    command = [imageio_ffmpeg.get_ffmpeg_exe(), "-loglevel", "error", "-f", "lavfi", "-i", "color=c=red:s=32x32:d=0.2"]
    subprocess.run([*command, *extra, str(path)], check=True, timeout=60)
    return path.read_bytes()


@pytest.mark.django_db
def test_it_strips_video_metadata(incident, colleague, tmp_path):
    data = make_video(
        tmp_path / "clip.mp4", "-metadata", "location=+40.7469-073.8914/", "-metadata", "title=CanaryTitle"
    )
    assert b"CanaryTitle" in data
    item = actions.add_evidence(data=data, incident=incident, actor=colleague)
    kept = files.open_sealed(item.viewing_path, item.pk, "viewing")
    assert b"CanaryTitle" not in kept and b"+40.7469" not in kept
    assert item.media_type == "video/mp4"


@pytest.mark.django_db
def test_it_splits_moves_and_merges_reports(client, incident, colleague):
    second = intake_actions.submit_report(
        build_input({"text": "Agents at the laundromat on 82nd street", "area": "QN0302"}), channel="web"
    )[0]
    client.force_login(colleague)
    report = incident.reports.get()
    client.post(f"/staff/incidents/reports/{report.pk}/move/", {"target": "new"})
    report.refresh_from_db()
    assert report.incident_id != incident.pk
    client.post(f"/staff/incidents/{report.incident_id}/merge/", {"target": str(second.incident_id)})
    report.refresh_from_db()
    assert report.incident_id == second.incident_id
    assert Incident.objects.get(pk=second.incident_id).report_count == 2


@pytest.mark.django_db
def test_it_strips_webm_video_with_the_demuxer_its_type_names(incident, colleague, tmp_path):
    data = make_video(tmp_path / "clip.webm", "-c:v", "libvpx", "-metadata", "title=CanaryWebm")
    assert b"CanaryWebm" in data
    item = actions.add_evidence(data=data, incident=incident, actor=colleague)
    assert item.media_type == "video/webm"
    assert b"CanaryWebm" not in files.open_sealed(item.viewing_path, item.pk, "viewing")


@pytest.mark.django_db
def test_it_refuses_an_image_whose_compressed_data_is_corrupt(incident, colleague):
    out = io.BytesIO()
    Image.new("RGB", (64, 64), "red").save(out, format="PNG")
    png = bytearray(out.getvalue())
    start = png.index(b"IDAT") + 4
    png[start : start + 20] = b"\xff" * 20  # the pixels' zlib stream, broken
    with pytest.raises(files.EvidenceRefused):
        actions.add_evidence(data=bytes(png), incident=incident, actor=colleague)
    assert Evidence.objects.count() == 0
