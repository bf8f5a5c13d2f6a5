"""`{% documents_section %}` on the case page: the documents this reader may see and the upload form
(vigil/cases/document_views.py builds what it shows)."""

from django import template

register = template.Library()


@register.inclusion_tag("cases/documents/section.html", takes_context=True)
def documents_section(context):
    from vigil.cases.document_views import section_context

    return {**section_context(context["request"], context["case"]), "csrf_token": context.get("csrf_token")}
