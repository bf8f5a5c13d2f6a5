"""Adding, reading and deleting a case's documents: each in a transaction with its audit event, which names
the document by its keyed hash and never carries its name or content (docs/cases.md, "Documents").

Nothing is stored half. The file is checked and cleaned in memory first; then, inside the transaction, it
is sealed to disk before the row is inserted, and any failure up to the commit removes it again. A row is
committed only once its file is durably on disk; a file whose row never committed (the process killed
between the two, an outer transaction rolled back) is removed by the daily sweep
(`document_jobs.sweep_orphans`).
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from vigil.accounts import audit
from vigil.cases import document_files as files
from vigil.cases.actions import CaseActionRefused
from vigil.cases.documents import CaseDocument, DocumentKind
from vigil.cases.documents_access import UPLOAD_ROLES, may_delete
from vigil.cases.models import Case

MEGABYTE = 1024 * 1024


def refusal_message(code: str):
    """What the uploader reads when a file is refused, in their language; names the accepted kinds."""
    if code == "too_large":
        return _("This file is larger than %(megabytes)s MB. Scan it at a lower resolution or in parts.") % {
            "megabytes": max(1, files.max_bytes() // MEGABYTE)
        }
    return {
        "empty": _("Choose a file to upload."),
        "type": _("This is not a document Vigil accepts. Upload a PDF or a photo (JPEG, PNG or WebP)."),
        "heic": _(
            "HEIC photos (an iPhone's usual format) cannot be uploaded. Send the photo as JPEG, "
            "or save the document as a PDF."
        ),
        "unreadable": _("This file could not be read. Is it a complete PDF or photo?"),
    }.get(code, _("This file could not be accepted."))


def add_document(case: Case, *, data: bytes, name: str, kind: str, actor) -> CaseDocument:
    """Steps: refuse a closed case, a kind we do not know and a file we do not accept (nothing is written
    then); clean the file (an image loses its metadata); in one transaction, seal the file to disk, insert
    the row (the sealed name with it) and write the audit event; on any failure before the commit, remove
    the file."""
    if not case.is_open:
        raise CaseActionRefused("case_closed", _("This case is closed: no document can be added."))
    if actor.role not in UPLOAD_ROLES or not actor.organization_id:
        raise CaseActionRefused("document_role", _("Your role cannot add documents to a case."))
    if kind not in DocumentKind.values:
        raise CaseActionRefused("document_kind", _("Choose what kind of document this is."))
    try:
        media_type, kept = files.prepare(data)
    except files.DocumentRefused as exc:
        raise CaseActionRefused(f"document_{exc.code}", refusal_message(exc.code)) from None
    document = CaseDocument(
        case=case,
        organization_id=actor.organization_id,
        uploaded_by=actor,
        kind=kind,
        original_name=files.clean_name(name, media_type),
        media_type=media_type,
        size=len(kept),
    )
    try:
        with transaction.atomic():
            files.seal_to_disk(kept, document.pk)
            document.save(force_insert=True)
            audit.record("case.document_added", actor=actor, obj=document, kind=kind, format=media_type)
    except BaseException:
        files.remove(document.pk)
        raise
    return document


def read_document(document: CaseDocument, *, actor) -> bytes:
    """The document's bytes, for a reader already checked (documents_access.get_document_for_user); every
    download is audited."""
    data = files.open_sealed(document.pk)
    with transaction.atomic():
        audit.record("case.document_downloaded", actor=actor, obj=document, kind=document.kind)
    return data


def delete_document(document: CaseDocument, *, actor) -> None:
    """Delete the row and, once that is committed, its file (documents.remove_sealed_file). Only the
    organization that uploaded a document deletes it."""
    if not may_delete(actor, document):
        raise CaseActionRefused(
            "document_not_yours", _("Only the organization that uploaded a document can delete it.")
        )
    with transaction.atomic():
        audit.record("case.document_deleted", actor=actor, obj=document, kind=document.kind)
        CaseDocument.objects.filter(pk=document.pk).delete()
