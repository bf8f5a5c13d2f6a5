"""Who may read, upload and delete a case's documents (docs/cases.md, "Documents"). The case is looked up
first through `access.get_case_for_user` (a 404 for a case the user may not see); on top of that, the rule
of notes:

- a document is read by its uploader's organization;
- the case organization's documents are also read by the staff of the provider that accepted the case;
- a provider's documents are read by that provider only: after acceptance the coalition sees the state,
  the tasks and the outcome, not what the provider's staff uploaded;
- a provider whose referral is declined, expired or withdrawn no longer sees the case, so none of it;
- an organization the case is shared with (a partner, vigil/cases/sharing.py) neither reads nor adds
  documents: they are not among the partner's pages (access.PARTNER_VIEWS).

Caseworkers of the case organization and the staff of a provider that was sent or accepted the case
upload, on an open case; a document is deleted by its own organization only. Deny by default: a 404 for a
document the user may not read, whatever the reason.
"""

from __future__ import annotations

import uuid

from django.http import Http404
from django.shortcuts import get_object_or_404

from vigil.accounts.models import Role
from vigil.cases.access import accepted_provider_org_id, cases_for_user, is_partner
from vigil.cases.documents import CaseDocument
from vigil.cases.models import Case

UPLOAD_ROLES = (Role.CASEWORKER, Role.PROVIDER_STAFF)


def documents_for_user(user, case: Case):
    """The documents of `case` the user may read (the case itself already checked with get_case_for_user)."""
    org_id = user.organization_id
    if not org_id or is_partner(user, case):
        return CaseDocument.objects.none()
    readable = [org_id]
    if org_id == accepted_provider_org_id(case):
        readable.append(case.organization_id)
    return CaseDocument.objects.filter(case=case, organization_id__in=readable)


def get_document_for_user(request, document_id) -> CaseDocument:
    try:
        document_id = uuid.UUID(str(document_id))
    except ValueError:
        raise Http404 from None
    user = request.user
    document = get_object_or_404(
        CaseDocument.objects.filter(case__in=cases_for_user(user).values("pk")).select_related("case"),
        pk=document_id,
    )
    if not documents_for_user(user, document.case).filter(pk=document.pk).exists():
        raise Http404
    return document


def may_upload(user, case: Case) -> bool:
    return bool(user.organization_id) and user.role in UPLOAD_ROLES and case.is_open and not is_partner(user, case)


def may_delete(user, document: CaseDocument) -> bool:
    return user.role in UPLOAD_ROLES and user.organization_id == document.organization_id
