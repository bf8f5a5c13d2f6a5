"""Counts, dates and times in the reader's locale, by Babel (CLDR): `{{ n|count }}` (grouping, and the
locale's own digits where CLDR makes them the default, as Bengali's), `{{ when|short_time }}`,
`{{ when|short_datetime }}` (the order, separators and AM/PM words of the locale, in the site's time zone),
`{{ when|time_with_seconds }}` (a timeline's), `{{ when|elapsed }}` (the time since, "5 minutes", in words of the
locale: in place of Django's timesince, whose digits are always 0-9).
Phone numbers, receipt codes and identifiers are not formatted here: they stay ASCII, isolated left to right
(`|ltr`)."""

import datetime

from babel import Locale, UnknownLocaleError
from babel.dates import format_datetime, format_time, format_timedelta
from babel.numbers import format_decimal
from django import template
from django.utils import timezone
from django.utils.translation import get_language, to_locale

register = template.Library()

# Babel gives each locale's CLDR patterns and separators but always writes 0-9; where CLDR's default
# numbering system for the locale is another script's digits (Bengali's), they are written in it.
NATIVE_DIGITS = {"beng": "০১২৩৪৫৬৭৮৯", "arab": "٠١٢٣٤٥٦٧٨٩", "arabext": "۰۱۲۳۴۵۶۷۸۹", "deva": "०१२३४५६७८९"}


def in_locale_digits(text, locale):
    digits = NATIVE_DIGITS.get(locale.default_numbering_system)
    return text.translate(str.maketrans("0123456789", digits)) if digits else text


def babel_locale():
    try:
        return Locale.parse(to_locale(get_language() or "en"))
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en")


@register.filter
def count(value):
    if value in (None, ""):
        return value
    locale = babel_locale()
    return in_locale_digits(format_decimal(value, locale=locale, numbering_system="default"), locale)


def _local(formatter, value, width: str) -> str:
    """A moment in the deployment's time zone, formatted by Babel for the reader's locale, in its digits."""
    if not value:
        return ""
    locale = babel_locale()
    return in_locale_digits(formatter(timezone.localtime(value), format=width, locale=locale), locale)


@register.filter
def short_time(value):
    return _local(format_time, value, "short")


@register.filter
def short_datetime(value):
    return _local(format_datetime, value, "short")


@register.filter
def time_with_seconds(value):
    return _local(format_time, value, "medium")


@register.filter
def elapsed(value):
    """The time since `value`, rounded as people say it ("5 minutes", "2 hours"), never negative."""
    if not value:
        return ""
    locale = babel_locale()
    since = max(timezone.now() - value, datetime.timedelta(0))
    return in_locale_digits(format_timedelta(since, threshold=1, locale=locale), locale)
