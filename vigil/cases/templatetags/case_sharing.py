"""On the case page: `{% case_partner as partner %}` (the reader sees the case because it is shared with
their organization: the page leaves out what a partner may not do) and `{% case_sharing_section %}` (the
case's shares, the form to share it and to revoke, for its own organization; a line saying who shared it,
for a partner)."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def case_partner(context) -> bool:
    from vigil.cases.access import is_partner

    return is_partner(context["request"].user, context["case"])


@register.inclusion_tag("cases/sharing/section.html", takes_context=True)
def case_sharing_section(context):
    from vigil.accounts.models import Role
    from vigil.cases.access import is_partner, owns_case
    from vigil.cases.models import CaseShare
    from vigil.cases.sharing_actions import shareable_organizations

    user, case = context["request"].user, context["case"]
    shown = {"case": case, "csrf_token": context.get("csrf_token")}
    if owns_case(user, case):
        shown["shares"] = CaseShare.objects.filter(case=case).select_related("organization", "shared_by", "revoked_by")
        shown["owner"] = True
        shown["can_change"] = user.role in (Role.CASEWORKER, Role.ADMIN)
        shown["choices"] = shareable_organizations(case) if case.is_open else []
    elif is_partner(user, case):
        shown["partner_share"] = (
            CaseShare.objects.filter(case=case, organization_id=user.organization_id, revoked_at__isnull=True)
            .select_related("shared_by")
            .first()
        )
        shown["case_organization"] = case.organization
    return shown
