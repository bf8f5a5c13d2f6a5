"""Who may read and record where a detained person is and their hearings (docs/cases.md, "Locating the
person"). The case itself is looked up first through `access.get_case_for_user` (a 404 for a case the user
may not see); on top of that:

- the case organization's caseworkers read and record; its admins read; so do the caseworkers and admins
  of an organization the case is shared with, while the share is active (a partner may take over locating);
- the staff of the provider that accepted the case read and record (the provider learns where the person is
  held: it represents them there);
- a provider whose referral is only sent (not yet accepted) sees the case page without the location and
  hearings, and gets a 404 for recording them.
"""

from __future__ import annotations

from django.http import Http404

from vigil.accounts.models import Role
from vigil.cases.access import accepted_provider_org_id, get_case_for_user
from vigil.cases.locating import Hearing, LocationRecord
from vigil.cases.models import Case, CaseShare


def may_read_locating(user, case: Case) -> bool:
    if not user.organization_id:
        return False
    if user.role in (Role.CASEWORKER, Role.ADMIN):
        return user.organization_id == case.organization_id or _shared_with(user.organization_id, case)
    if user.role == Role.PROVIDER_STAFF:
        return user.organization_id == accepted_provider_org_id(case)
    return False


def _shared_with(organization_id, case: Case) -> bool:
    return CaseShare.objects.filter(case=case, organization_id=organization_id, revoked_at__isnull=True).exists()


def may_record_locating(user, case: Case) -> bool:
    return may_read_locating(user, case) and user.role in (Role.CASEWORKER, Role.PROVIDER_STAFF)


def get_case_for_locating(request, case_id, *, record: bool = False) -> Case:
    """The case, if the user may read (or, with `record`, record) its location and hearings; a 404 otherwise."""
    case = get_case_for_user(request, case_id)
    allowed = may_record_locating if record else may_read_locating
    if not allowed(request.user, case):
        raise Http404
    return case


def locations_for_user(user, case: Case):
    if not may_read_locating(user, case):
        return LocationRecord.objects.none()
    return LocationRecord.objects.filter(case=case)


def hearings_for_user(user, case: Case):
    if not may_read_locating(user, case):
        return Hearing.objects.none()
    return Hearing.objects.filter(case=case)
