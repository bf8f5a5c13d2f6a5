"""`{{ value|ltr }}`: a code, secret, phone number or web address shown left to right whatever the page's
direction (see vigil/lib/bidi.py for why). `<bdi>` isolates the value from the text around it; dir="ltr"
orders its own characters."""

from django import template
from django.utils.html import format_html

register = template.Library()


@register.filter
def ltr(value):
    if value in (None, ""):
        return ""
    return format_html('<bdi dir="ltr">{}</bdi>', value)
