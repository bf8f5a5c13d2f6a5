"""`{% hotline %}`: the coalition's hotline number (settings.HOTLINE_NUMBER), if it has one, as a line that can
be tapped to call, isolated left to right."""

import re

from django import template
from django.conf import settings

register = template.Library()


@register.inclusion_tag("intake/hotline.html")
def hotline():
    number = settings.HOTLINE_NUMBER
    return {"number": number, "tel": re.sub(r"[^0-9+]", "", number)}
