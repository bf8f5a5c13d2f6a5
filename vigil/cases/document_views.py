"""Staff pages for a case's documents: the list and the upload form on the case page (through the
`case_documents` template tag), the upload, the download and the deletion. Parse, authorize, act, render."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from vigil.accounts.access import staff_view
from vigil.accounts.models import Role
from vigil.cases import document_actions as actions
from vigil.cases import document_files
from vigil.cases.access import get_case_for_user
from vigil.cases.actions import CaseActionRefused
from vigil.cases.documents import DocumentKind
from vigil.cases.documents_access import (
    UPLOAD_ROLES,
    documents_for_user,
    get_document_for_user,
    may_delete,
    may_upload,
)
from vigil.cases.models import Case

READ_ROLES = (Role.CASEWORKER, Role.ADMIN, Role.PROVIDER_STAFF)


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("What it is"), choices=DocumentKind.choices)
    file = forms.FileField(
        label=gettext_lazy("File (PDF, JPEG, PNG or WebP)"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ",".join(document_files.ACCEPTED_TYPES), "aria-describedby": "document-file-title"}
        ),
    )

    def __init__(self, *args, prefix="document", **kwargs):
        # Its own field names and ids on the case page, where the task and timeline forms have a "kind" too.
        super().__init__(*args, prefix=prefix, **kwargs)


def _back(case_id):
    return redirect(reverse("case_detail", kwargs={"case_id": case_id}) + "#documents")


def section_context(request, case: Case) -> dict:
    """What the case page's "Documents" section shows to this reader."""
    user = request.user
    documents = list(documents_for_user(user, case).select_related("uploaded_by"))
    for document in documents:
        document.deletable = may_delete(user, document)
    can_upload = may_upload(user, case)
    return {
        "case": case,
        "documents": documents,
        "can_upload": can_upload,
        "document_form": DocumentForm() if can_upload else None,
        "max_megabytes": max(1, document_files.max_bytes() // actions.MEGABYTE),
    }


@staff_view(*UPLOAD_ROLES)
@require_POST
def case_document_upload(request, case_id):
    case = get_case_for_user(request, case_id)
    if not may_upload(request.user, case):
        messages.error(request, _("This case is closed: no document can be added."))
        return _back(case.pk)
    if getattr(request, "upload_too_large", False):
        messages.error(request, actions.refusal_message("too_large"))
        return _back(case.pk)
    form = DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}: {error}" if label else error)
        return _back(case.pk)
    upload = form.cleaned_data["file"]
    if upload.size > document_files.max_bytes():
        messages.error(request, actions.refusal_message("too_large"))
        return _back(case.pk)
    try:
        actions.add_document(
            case, data=upload.read(), name=upload.name or "", kind=form.cleaned_data["kind"], actor=request.user
        )
    except CaseActionRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Document saved."))
    return _back(case.pk)


@staff_view(*READ_ROLES)
def case_document_download(request, document_id):
    document = get_document_for_user(request, document_id)
    data = actions.read_document(document, actor=request.user)
    response = HttpResponse(data, content_type=document.media_type)
    # Always a download, of the sniffed type, never cached on the way: the browser neither guesses another
    # type nor keeps a copy.
    response["Content-Disposition"] = content_disposition_header(True, document.original_name or "document")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


@staff_view(*UPLOAD_ROLES)
@require_POST
def case_document_delete(request, document_id):
    document = get_document_for_user(request, document_id)
    case_id = document.case_id
    try:
        actions.delete_document(document, actor=request.user)
    except CaseActionRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Document deleted."))
    return _back(case_id)
