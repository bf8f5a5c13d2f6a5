"""Template helpers for accessibility.

`{% lang_attrs code %}`: ` lang="es" dir="ltr"` for text in another language than the page's (a Spanish
report on an English console page), so screen readers pronounce it and right-to-left text runs right to
left. `{{ hoods|any_chosen:chosen }}`: whether a group of choices holds a chosen one (to open its <details>)."""

from django import template
from django.conf import settings
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def lang_attrs(code):
    codes = {c for c, _name in settings.LANGUAGES}
    if not code or code not in codes:
        return ""
    direction = "rtl" if code in settings.LANGUAGES_BIDI else "ltr"
    return format_html(' lang="{}" dir="{}"', code, direction)


@register.filter
def any_chosen(pairs, chosen):
    return any(code in chosen for code, *_rest in pairs)
