"""`{% locating_section %}` on the case page: where the person is and their hearings, for readers who may
see them (vigil/cases/locating_views.py builds what it shows)."""

from django import template

register = template.Library()


@register.inclusion_tag("cases/locating/section.html", takes_context=True)
def locating_section(context):
    from vigil.cases.locating_views import section_context

    return {**section_context(context["request"], context["case"]), "csrf_token": context.get("csrf_token")}


@register.simple_tag(takes_context=True)
def authorities_consent(context) -> bool:
    """Whether a relative's consent to contact the facility, ICE or the court is in force for the case on
    the page (the locate task says whether a call is allowed)."""
    from vigil.cases.consents import AUTHORITIES, consent_in_force

    return consent_in_force(context["case"], AUTHORITIES)
