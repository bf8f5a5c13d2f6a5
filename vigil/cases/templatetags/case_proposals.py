"""`{% proposals_section %}` on the case page: the providers that may take a waiting case, best first, with
why (vigil/cases/proposal_views.py builds what it shows)."""

from django import template

register = template.Library()


@register.inclusion_tag("cases/proposals/section.html", takes_context=True)
def proposals_section(context):
    from vigil.cases.proposal_views import section_context

    return {
        **section_context(context["request"], context["case"]),
        "csrf_token": context.get("csrf_token"),
        "user": context["request"].user,
    }
