"""`{% incident_link_section %}` on the case page: the linked incident and the person's detention record
(vigil/cases/linking_views.py builds what it shows)."""

from django import template

register = template.Library()


@register.inclusion_tag("cases/linking/section.html", takes_context=True)
def incident_link_section(context):
    from vigil.cases.linking_views import section_context

    return {**section_context(context["request"], context["case"]), "csrf_token": context.get("csrf_token")}
