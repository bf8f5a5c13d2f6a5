import pytest

from vigil.accounts import audit
from vigil.accounts.models import AuditEvent
from vigil.incidents.models import Incident
from vigil.intake.models import Report


def form(client, **values):
    page = client.get("/report/?lang=es")
    key = page.content.decode().split('name="form_key" value="')[1].split('"')[0]
    data = {
        "form_key": key,
        "text": "Agentes de ICE en la esquina de Roosevelt y la 74, tres camionetas",
        "area": "QN0301",
    }
    data.update(values)
    return client.post("/report/", data)


@pytest.mark.django_db
def test_it_shows_the_form_in_spanish_without_javascript(client):
    page = client.get("/report/?lang=es")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'lang="es"' in html
    assert "Salida rápida" in html or "Quick exit" in html
    assert "<select" in html and "QN0301" in html


@pytest.mark.django_db
def test_it_stores_a_report_and_gives_a_receipt_and_secret(client):
    response = form(client)
    assert response.status_code == 200
    report = Report.objects.get()
    html = response.content.decode()
    assert report.receipt_code in html
    assert report.receipt_secret in html
    assert report.language == "es"
    assert report.area == "QN0301"
    assert report.incident is not None
    assert AuditEvent.objects.filter(action="report.received", object_id=audit.key_of(report)).exists()


@pytest.mark.django_db
def test_it_stores_one_report_for_a_double_submit(client):
    page = client.get("/report/")
    key = page.content.decode().split('name="form_key" value="')[1].split('"')[0]
    data = {"form_key": key, "text": "ICE agents outside the school on 149th and 3rd"}
    first = client.post("/report/", data)
    second = client.post("/report/", data)
    assert Report.objects.count() == 1
    code = Report.objects.get().receipt_code
    assert code in first.content.decode() and code in second.content.decode()


@pytest.mark.django_db
def test_it_explains_a_missing_text_in_the_reporters_language(client):
    response = form(client, text="")
    assert response.status_code == 400
    assert Report.objects.count() == 0
    assert "Por favor" in response.content.decode() or "Please say" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "values",
    [
        {"text": "x" * 5000},
        {"text": "bad\x00byte"},
        {"lat": "91", "lon": "-73.9"},
        {"lat": "40.0", "lon": "-70.0"},  # the Atlantic, far from the city
        {"lat": "40.7", "lon": ""},
        {"area": "ZZ9999"},
        {"occurred_at": "yesterday-ish"},
        {"occurred_at": "2099-01-01T10:00"},
        {"contact": "not a phone"},
        {"people_detained": "perhaps"},
    ],
)
def test_it_refuses_bad_input_with_a_clear_message_and_stores_nothing(client, values):
    response = form(client, **values)
    assert response.status_code == 400
    assert 'class="error"' in response.content.decode()
    assert Report.objects.count() == 0
    assert Incident.objects.count() == 0


@pytest.mark.django_db
def test_it_swallows_honeypot_submissions(client):
    response = form(client, website="http://spam.example")
    assert response.status_code == 200
    assert Report.objects.count() == 0


@pytest.mark.django_db
def test_it_shows_the_status_to_whoever_holds_code_and_secret(client):
    form(client)
    report = Report.objects.get()
    ok = client.post("/report/status/", {"code": report.receipt_code, "secret": report.receipt_secret})
    assert ok.status_code == 200
    assert 'id="status"' in ok.content.decode()
    wrong = client.post("/report/status/", {"code": report.receipt_code, "secret": "guess"})
    assert wrong.status_code == 404


@pytest.mark.django_db
def test_it_keeps_the_secret_out_of_urls(client):
    response = form(client)
    report = Report.objects.get()
    assert report.receipt_secret not in response.get("Location", "")
    assert "?secret" not in response.content.decode()


@pytest.mark.django_db
def test_it_keeps_the_report_form_light(client):
    import gzip

    body = client.get("/report/?lang=es").content
    assert len(gzip.compress(body)) < 30 * 1024


def jpeg_with_gps() -> bytes:
    import io

    from PIL import Image

    img = Image.new("RGB", (40, 30), (10, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "ReporterPhone"
    exif[0x8825] = {1: "N", 2: (40.0, 44.0, 52.0), 3: "W", 4: (73.0, 53.0, 29.0)}
    out = io.BytesIO()
    img.save(out, format="JPEG", exif=exif)
    return out.getvalue()


@pytest.mark.django_db
def test_it_takes_a_photo_stripped_of_what_could_locate_the_reporter(client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from vigil.incidents import evidence as files

    response = form(client, photos=SimpleUploadedFile("IMG_0001.jpg", jpeg_with_gps(), content_type="image/jpeg"))
    assert response.status_code == 200
    item = Report.objects.get().evidence.get()
    kept = files.open_sealed(item.viewing_path, item.pk, "viewing")
    assert b"ReporterPhone" not in kept and item.original_path == ""


@pytest.mark.django_db
def test_it_refuses_a_file_that_is_not_what_its_name_says_and_stores_nothing(client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from vigil.incidents.models import Evidence

    fake = SimpleUploadedFile("photo.jpg", b"#!/bin/sh\necho not a photo\n" * 20, content_type="image/jpeg")
    response = form(client, photos=fake)
    assert response.status_code == 400
    assert Report.objects.count() == 0 and Evidence.objects.count() == 0


@pytest.mark.django_db
def test_it_lets_the_reporter_add_information_with_code_and_secret(client):
    form(client)
    report = Report.objects.get()
    response = client.post(
        "/report/status/",
        {"code": report.receipt_code, "secret": report.receipt_secret, "addition": "Ahora son cinco camionetas"},
    )
    assert response.status_code == 200
    follow_up = Report.objects.get(follow_up_of=report)
    assert follow_up.incident_id == report.incident_id
    assert follow_up.text == "Ahora son cinco camionetas"
    assert (
        client.post(
            "/report/status/", {"code": report.receipt_code, "secret": "wrong", "addition": "spoof"}
        ).status_code
        == 404
    )
    assert Report.objects.count() == 2


@pytest.mark.django_db
def test_it_reads_invalid_utf8_in_a_form_without_failing(client):
    page = client.get("/report/")
    key = page.content.decode().split('name="form_key" value="')[1].split('"')[0]
    body = f"form_key={key}&text=".encode() + b"\xff\xfe\xfa ICE"
    response = client.post("/report/", data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code in (200, 400)


@pytest.mark.django_db
def test_it_stops_someone_guessing_secrets_but_not_the_reporter_with_the_right_one(client, settings, monkeypatch):
    from vigil.intake import abuse

    monkeypatch.setattr(abuse, "_clock", lambda: 1_800_000_000.0)  # one rate-limit window throughout
    settings.REPORT_RATE_LIMIT = (3, 600)
    form(client)
    report = Report.objects.get()
    right = {"code": report.receipt_code, "secret": report.receipt_secret}
    for _ in range(5):
        assert client.post("/report/status/", right).status_code == 200  # right answers are not counted
    for i in range(3):
        assert client.post("/report/status/", {"code": report.receipt_code, "secret": f"guess{i}"}).status_code == 404
    refused = client.post("/report/status/", right)
    assert refused.status_code == 429
    assert "Too many tries" in refused.content.decode() or 'role="alert"' in refused.content.decode()
    assert 'id="status"' not in refused.content.decode()


@pytest.mark.django_db
def test_it_limits_additions_to_one_report_without_touching_others(client, settings, monkeypatch):
    from vigil.intake import abuse

    monkeypatch.setattr(abuse, "_clock", lambda: 1_800_000_000.0)
    settings.REPORT_RATE_LIMIT = (2, 600)
    form(client)
    form(client, text="Otra camioneta de ICE en Junction Blvd y la 37")
    first, second = Report.objects.order_by("received_at")
    for i in range(2):
        sent = client.post(
            "/report/status/",
            {"code": first.receipt_code, "secret": first.receipt_secret, "addition": f"Ahora son {i + 4} camionetas"},
        )
        assert sent.status_code == 200
    flood = client.post(
        "/report/status/", {"code": first.receipt_code, "secret": first.receipt_secret, "addition": "otra vez"}
    )
    assert flood.status_code == 429
    assert Report.objects.filter(follow_up_of=first).count() == 2
    other = client.post(
        "/report/status/", {"code": second.receipt_code, "secret": second.receipt_secret, "addition": "siguen ahí"}
    )
    assert other.status_code == 200
    assert Report.objects.filter(follow_up_of=second).count() == 1


@pytest.mark.django_db
def test_it_tells_a_public_sender_their_file_is_too_large_and_keeps_their_text(client, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.PUBLIC_MAX_REQUEST_BYTES = 200_000
    big = SimpleUploadedFile("clip.mp4", b"\x00" * 300_000, content_type="video/mp4")
    response = form(client, photos=big, text="Agentes de ICE en Junction Blvd, una camioneta")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Agentes de ICE en Junction Blvd, una camioneta" in html
    assert Report.objects.count() == 0


@pytest.mark.django_db
def test_it_gives_signed_in_staff_the_larger_upload_limit(rf, colleague, settings):
    from django.contrib.auth.models import AnonymousUser

    from vigil.uploads import request_limit

    settings.MAX_REQUEST_BYTES, settings.PUBLIC_MAX_REQUEST_BYTES = 1000, 100
    request = rf.post("/report/")
    request.user = AnonymousUser()
    assert request_limit(request) == 100
    request.user = colleague
    assert request_limit(request) == 1000
