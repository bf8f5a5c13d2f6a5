"""Staff pages for sharing a case with another organization of the coalition and revoking the share (the
section on the case page is the `case_sharing_section` template tag). Parse, authorize, act, go back."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vigil.accounts.access import staff_view
from vigil.accounts.models import Organization
from vigil.cases import sharing_actions
from vigil.cases.access import COALITION_ROLES, get_case_for_sharing, get_share_for_user
from vigil.cases.actions import CaseActionRefused


def _back(case_id):
    return redirect(reverse("case_detail", kwargs={"case_id": case_id}) + "#sharing")


def _organization(value):
    try:
        return Organization.objects.filter(pk=uuid.UUID(str(value))).first()
    except ValueError:
        return None


@staff_view(*COALITION_ROLES)
@require_POST
def case_share(request, case_id):
    case = get_case_for_sharing(request, case_id)
    try:
        share = sharing_actions.share_case(case, _organization(request.POST.get("organization")), actor=request.user)
    except CaseActionRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("The case is shared with %(organization)s.") % {"organization": share.organization.name}
        )
    return _back(case.pk)


@staff_view(*COALITION_ROLES)
@require_POST
def share_revoke(request, share_id):
    share = get_share_for_user(request, share_id)
    try:
        sharing_actions.revoke_share(share, actor=request.user)
    except CaseActionRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("The case is no longer shared with %(organization)s.") % {"organization": share.organization.name},
        )
    return _back(share.case_id)
