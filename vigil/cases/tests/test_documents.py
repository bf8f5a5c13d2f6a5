"""A case's documents: sealed on disk, read by the organizations the rule of notes names and by no one else,
refused whole when they are not a document we accept, audited on upload and on each download."""

from __future__ import annotations

import base64
import io
import os
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from PIL import Image

from vigil.accounts import audit
from vigil.accounts.models import AuditEvent
from vigil.cases import actions, document_jobs
from vigil.cases import document_actions as document_actions
from vigil.cases import document_files as files
from vigil.cases.actions import CaseActionRefused
from vigil.cases.documents import CaseDocument
from vigil.cases.tests.conftest import open_case, send

PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n% Notice of hearing for Ana Example\ntrailer\n<< >>\n%%EOF\n"


def photo_with_gps() -> bytes:
    img = Image.new("RGB", (64, 48), (30, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (40.0, 44.0, 52.0), 3: "W", 4: (73.0, 53.0, 29.0)}  # GPS
    out = io.BytesIO()
    img.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def upload(client, case, data=PDF, name="hearing notice.pdf", kind="court_notice", **extra):
    return client.post(
        reverse("case_document_upload", kwargs={"case_id": case.pk}),
        {"document-kind": kind, "document-file": SimpleUploadedFile(name, data, content_type="application/pdf")},
        **extra,
    )


def download(client, document):
    return client.get(reverse("case_document_download", kwargs={"document_id": document.pk}))


def stored_files(settings) -> list:
    folder = settings.MEDIA_ROOT / files.FOLDER
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def add(case, actor, data=PDF, name="notice.pdf", kind="court_notice"):
    return document_actions.add_document(case, data=data, name=name, kind=kind, actor=actor)


@pytest.fixture
def case(caseworker):
    return open_case(caseworker)


@pytest.fixture
def accepted(case, caseworker, provider_a, staff_a):
    referral = send(case, provider_a, caseworker)
    actions.accept_referral(referral, actor=staff_a)
    return case


@pytest.mark.django_db
def test_it_uploads_a_pdf_and_the_owner_downloads_it_as_an_attachment(client, case, caseworker):
    client.force_login(caseworker)
    response = upload(client, case)
    assert response.status_code == 302
    document = CaseDocument.objects.get()
    assert (document.media_type, document.size, document.kind) == ("application/pdf", len(PDF), "court_notice")
    assert document.organization_id == caseworker.organization_id and document.uploaded_by == caseworker
    page = client.get(reverse("case_detail", kwargs={"case_id": case.pk})).content.decode()
    assert "hearing notice.pdf" in page

    response = download(client, document)
    assert response.status_code == 200 and response.content == PDF
    assert response["Content-Type"] == "application/pdf"
    assert (
        response["Content-Disposition"].startswith("attachment;")
        and "hearing notice.pdf" in response["Content-Disposition"]
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_it_names_the_download_by_the_sniffed_type_not_the_uploaded_name(client, case, caseworker):
    client.force_login(caseworker)
    upload(client, case, data=photo_with_gps(), name="../../etc/passport.html", kind="identity")
    document = CaseDocument.objects.get()
    assert document.original_name == "passport.jpg" and document.media_type == "image/jpeg"
    assert download(client, document)["Content-Type"] == "image/jpeg"


@pytest.mark.django_db
def test_it_lets_a_colleague_read_and_hides_the_document_from_outsiders(
    client, case, caseworker, case_colleague, case_outsider, staff_a, staff_b, provider_a
):
    document = add(case, caseworker)
    send(case, provider_a, caseworker)  # sent, not accepted: the provider sees the case, not its documents
    client.force_login(case_colleague)
    assert download(client, document).content == PDF
    for intruder in (case_outsider, staff_a, staff_b):
        client.force_login(intruder)
        assert download(client, document).status_code == 404, intruder.username
        delete = client.post(reverse("case_document_delete", kwargs={"document_id": document.pk}))
        assert delete.status_code == 404, intruder.username
    client.force_login(case_outsider)
    assert upload(client, case).status_code == 404
    assert CaseDocument.objects.count() == 1


@pytest.mark.django_db
def test_it_keeps_the_providers_documents_from_the_coalition_after_acceptance(
    client, accepted, caseworker, case_colleague, staff_a, staff_b
):
    ours = add(accepted, caseworker, name="detention paper.pdf", kind="detention")
    client.force_login(staff_a)
    upload(client, accepted, name="provider intake.pdf", kind="other")
    theirs = CaseDocument.objects.exclude(pk=ours.pk).get()
    assert theirs.organization_id == staff_a.organization_id

    # The provider that accepted reads both; the coalition reads its own only; the other provider neither.
    assert download(client, ours).status_code == 200 and download(client, theirs).status_code == 200
    for coalition in (caseworker, case_colleague):
        client.force_login(coalition)
        assert download(client, ours).status_code == 200
        assert download(client, theirs).status_code == 404
        page = client.get(reverse("case_detail", kwargs={"case_id": accepted.pk})).content.decode()
        assert "detention paper.pdf" in page and "provider intake.pdf" not in page
    client.force_login(staff_b)
    assert download(client, ours).status_code == 404 and download(client, theirs).status_code == 404


@pytest.mark.django_db
def test_it_ends_the_providers_access_when_it_declines(client, case, caseworker, provider_a, staff_a):
    referral = send(case, provider_a, caseworker)
    client.force_login(staff_a)
    assert upload(client, case, name="conflict check.pdf").status_code == 302
    theirs = CaseDocument.objects.get()
    assert download(client, theirs).status_code == 200
    actions.decline_referral(referral, "no_capacity", actor=staff_a)
    assert download(client, theirs).status_code == 404
    assert upload(client, case).status_code == 404
    assert CaseDocument.objects.count() == 1


@pytest.mark.django_db
def test_it_lets_only_the_uploading_organization_delete(
    client, accepted, caseworker, staff_a, settings, django_capture_on_commit_callbacks
):
    ours = add(accepted, caseworker)
    path = files.path_of(ours.pk)
    client.force_login(staff_a)
    client.post(reverse("case_document_delete", kwargs={"document_id": ours.pk}))
    assert CaseDocument.objects.filter(pk=ours.pk).exists() and path.exists()

    client.force_login(caseworker)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("case_document_delete", kwargs={"document_id": ours.pk}))
    assert response.status_code == 302
    assert not CaseDocument.objects.filter(pk=ours.pk).exists() and not path.exists()
    assert AuditEvent.objects.filter(action="case.document_deleted", object_id=audit.key_of(ours)).count() == 1


TEXT = b"Dear family, the hearing is on Monday at 9.\n"
EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"This program" * 20
ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 200
HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 100
TRUNCATED_PDF = PDF[:40]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name,data,code",
    [
        ("notice.txt", TEXT, "type"),
        ("notice.pdf", EXECUTABLE, "type"),
        ("notice.pdf", ELF, "type"),
        ("photo.jpg", HEIC, "heic"),
        ("notice.pdf", TRUNCATED_PDF, "unreadable"),
        ("photo.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 50, "unreadable"),
    ],
)
def test_it_refuses_what_is_not_a_document_in_spanish_and_stores_nothing(
    client, case, caseworker, settings, name, data, code
):
    client.force_login(caseworker)
    client.cookies["vigil_lang"] = "es"
    response = upload(client, case, data=data, name=name, follow=True, HTTP_ACCEPT_LANGUAGE="es")
    with translation.override("es"):
        spanish = str(document_actions.refusal_message(code))
    with translation.override("en"):
        english = str(document_actions.refusal_message(code))
    assert spanish != english
    shown = [str(m) for m in response.context["messages"]]
    assert shown == [spanish]
    if code == "type":
        assert "PDF" in spanish and "JPEG" in spanish  # it names what is accepted
    assert CaseDocument.objects.count() == 0 and stored_files(settings) == []


@pytest.mark.django_db
def test_it_refuses_a_file_over_the_size_limit(client, case, caseworker, settings):
    settings.CASE_DOCUMENT_MAX_BYTES = 1024 * 1024
    big = PDF[:-7] + b"0" * (1024 * 1024) + b"\n%%EOF\n"
    client.force_login(caseworker)
    response = upload(client, case, data=big, follow=True)
    assert [str(m) for m in response.context["messages"]] == [str(document_actions.refusal_message("too_large"))]
    assert "1 MB" in str(document_actions.refusal_message("too_large"))
    with pytest.raises(CaseActionRefused):
        add(case, caseworker, data=big)
    assert CaseDocument.objects.count() == 0 and stored_files(settings) == []


@pytest.mark.django_db
def test_it_strips_a_photos_exif_and_gps(client, case, caseworker):
    original = photo_with_gps()
    client.force_login(caseworker)
    upload(client, case, data=original, name="id.jpg", kind="identity")
    kept = download(client, CaseDocument.objects.get()).content
    assert b"PhoneMaker" in original and b"PhoneMaker" not in kept
    assert not Image.open(io.BytesIO(kept)).getexif()


@pytest.mark.django_db
def test_it_keeps_no_plaintext_on_disk(case, caseworker, settings):
    document = add(case, caseworker)
    sealed = files.path_of(document.pk).read_bytes()
    assert files.path_of(document.pk).parent == settings.MEDIA_ROOT / "case-documents"
    assert b"Ana Example" not in sealed and b"%PDF" not in sealed
    assert files.open_sealed(document.pk) == PDF
    stored_name = CaseDocument.objects.filter(pk=document.pk).values_list("original_name", flat=True).get()
    assert b"notice" not in bytes(stored_name)


@pytest.mark.django_db
def test_it_audits_the_upload_and_each_download(client, case, caseworker, case_colleague):
    client.force_login(caseworker)
    upload(client, case)
    document = CaseDocument.objects.get()
    download(client, document)
    client.force_login(case_colleague)
    download(client, document)
    events = AuditEvent.objects.filter(object_id=audit.key_of(document))
    assert events.filter(action="case.document_added", actor=caseworker).count() == 1
    assert sorted(events.filter(action="case.document_downloaded").values_list("actor__username", flat=True)) == [
        caseworker.username,
        case_colleague.username,
    ]
    for event in events:
        assert "hearing notice" not in str(event.detail) and str(document.pk) not in event.object_id


@pytest.mark.django_db
def test_it_leaves_no_file_when_the_row_cannot_be_written(case, caseworker, settings, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("the audit insert failed")

    monkeypatch.setattr(document_actions.audit, "record", fail)
    with pytest.raises(RuntimeError):
        add(case, caseworker)
    assert CaseDocument.objects.count() == 0 and stored_files(settings) == []


@pytest.mark.django_db
def test_it_sweeps_the_file_of_an_upload_whose_outer_transaction_rolled_back(case, caseworker, settings):
    kept = add(case, caseworker)
    with pytest.raises(RuntimeError), transaction.atomic():
        lost = add(case, caseworker)
        raise RuntimeError("something after the upload failed")
    assert not CaseDocument.objects.filter(pk=lost.pk).exists() and files.path_of(lost.pk).exists()
    assert document_jobs.sweep_orphans() == 0  # too recent: it could be an upload in progress
    assert document_jobs.sweep_orphans(now=time.time() + files.ORPHAN_AGE_SECONDS + 60) == 1
    assert not files.path_of(lost.pk).exists() and files.open_sealed(kept.pk) == PDF


@pytest.mark.django_db
def test_it_refuses_documents_on_a_closed_case_and_from_an_admin(client, case, caseworker, owner):
    client.force_login(owner)  # an admin of the organization reads, and does not upload
    assert upload(client, case).status_code == 403
    actions.close_case(case, "duplicate", actor=caseworker)
    client.force_login(caseworker)
    upload(client, case)
    assert CaseDocument.objects.count() == 0


@pytest.mark.django_db
def test_it_seals_the_files_again_when_the_keys_rotate(case, caseworker, settings):
    document = add(case, caseworker)
    new = base64.urlsafe_b64encode(b"d" * 32).decode()
    settings.FIELD_ENCRYPTION_KEYS = f"{settings.FIELD_ENCRYPTION_KEYS},2:{new}"
    call_command("rotate_keys")
    settings.FIELD_ENCRYPTION_KEYS = f"2:{new}"
    assert files.open_sealed(document.pk) == PDF
    assert CaseDocument.objects.get(pk=document.pk).original_name == "notice.pdf"
    assert not any(name.startswith(".") for name in os.listdir(files.path_of(document.pk).parent))


@pytest.mark.django_db(transaction=True)
def test_the_daily_purge_takes_a_closed_cases_documents_rows_files_and_bytes(settings, caseworker, provider_a, staff_a):
    from datetime import timedelta

    from django.utils import timezone

    from vigil.cases.models import Case
    from vigil.privacy import actions as privacy
    from vigil.privacy.tests.storage import database_bytes

    settings.RETENTION = {**settings.RETENTION, "case_closed": 30}
    due = open_case(caseworker, person_name="Purgeable Person")
    actions.accept_referral(send(due, provider_a, caseworker), actor=staff_a)
    documents = [
        add(due, caseworker, name="Purgeable hearing notice.pdf"),
        add(due, staff_a, data=photo_with_gps(), name="Purgeable passport.jpg", kind="identity"),
    ]
    kept_case = open_case(caseworker, person_name="Still Open")
    kept = add(kept_case, caseworker, name="kept.pdf")
    actions.close_case(due, Case.ClosingReason.REMOVED, actor=caseworker)
    Case.objects.filter(pk=due.pk).update(closed_at=timezone.now() - timedelta(days=31))

    ids = [d.pk for d in documents]
    paths = [files.path_of(pk) for pk in ids]
    sealed_names = [bytes(v) for v in CaseDocument.objects.filter(pk__in=ids).values_list("original_name", flat=True)]
    sealed_files = [path.read_bytes() for path in paths]
    assert len(sealed_names) == 2 and all(sealed_names) and all(sealed_files)
    before = database_bytes()
    assert all(name in before for name in sealed_names)  # what the purge must remove is there

    privacy.purge_expired()

    after = database_bytes()
    assert [name for name in sealed_names if name in after] == []
    assert [blob for blob in sealed_files if blob in after] == []
    assert not CaseDocument.objects.filter(pk__in=ids).exists()
    assert [path for path in paths if path.exists()] == []
    assert stored_files(settings) == [files.path_of(kept.pk).name]
    assert files.open_sealed(kept.pk) == PDF


@pytest.mark.django_db
def test_it_runs_the_sweep_as_daily_work(case, caseworker, settings):
    from vigil.work.registry import PERIODIC, resolve

    name = "vigil.cases.document_jobs.sweep_orphan_documents"
    assert PERIODIC[name] == "day"
    stray = settings.MEDIA_ROOT / files.FOLDER / f"{files.uuid.uuid4()}.sealed"
    stray.parent.mkdir(parents=True, exist_ok=True)
    stray.write_bytes(b"V1 sealed bytes of an upload whose row never committed")
    old = time.time() - files.ORPHAN_AGE_SECONDS - 60
    os.utime(stray, (old, old))
    kept = add(case, caseworker)
    resolve(name)()
    assert not stray.exists() and files.path_of(kept.pk).exists()


@pytest.mark.django_db
def test_it_shows_an_organization_the_case_is_shared_with_no_document(client, case, caseworker):
    from conftest import make_org, make_staff
    from vigil.accounts.models import Role
    from vigil.cases import sharing_actions

    ours = add(case, caseworker, name="detention paper.pdf")
    partner_org = make_org("partner-group")
    sharing_actions.share_case(case, partner_org, actor=caseworker)
    partner = make_staff("partner-caseworker", Role.CASEWORKER, partner_org)
    client.force_login(partner)
    page = client.get(reverse("case_detail", kwargs={"case_id": case.pk}))
    assert page.status_code == 200
    html = page.content.decode()
    assert "detention paper.pdf" not in html
    assert reverse("case_document_upload", kwargs={"case_id": case.pk}) not in html
    assert download(client, ours).status_code == 404
    assert upload(client, case).status_code == 404
    assert CaseDocument.objects.count() == 1


@pytest.mark.django_db
def test_the_file_field_has_a_translated_label_styled_as_a_button_and_delete_reads_as_a_link(client, case, caseworker):
    # The native file control says "Choose File" in the browser's language, not the reader's; and "Delete" was
    # link-blue on the danger red of a button.
    client.force_login(caseworker)
    upload(client, case)
    page = client.get(reverse("case_detail", kwargs={"case_id": case.pk}), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert '<label for="id_document-file" class="button file-button">Elegir un archivo</label>' in page
    assert 'aria-describedby="document-file-title"' in page and 'id="document-file-title"' in page
    assert '<button class="link danger">' in page
    from django.contrib.staticfiles import finders

    css = open(finders.find("vigil/site.css"), encoding="utf-8").read()
    assert "button.link.danger{background:none;color:var(--danger)}" in css
