"""Numbers to call, from the legal providers' directory (`vigil/cases`), never written in an article.

`[[directory:SERVICE]]` in an article lists the providers that offer the service (a `ServiceKind` value) with
their intake contact, as the coalition keeps it in the directory: a number changed there is changed on every
page and in every language at once. Fictional demo providers are listed in demo mode only. With no contact
on file the marker says so and points to the hotline.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.html import escape
from django.utils.translation import gettext as _

from vigil.cases.models import Provider, ServiceKind
from vigil.lib.normalize import InvalidAddress, normalize_phone

SERVICES = frozenset(ServiceKind.values)


def contacts(service: str) -> list[tuple[str, str]]:
    """(provider name, intake contact) of the providers offering `service`, by name."""
    providers = Provider.objects.filter(services__kind=service).exclude(intake_contact="").distinct()
    if not settings.DEMO:
        providers = providers.filter(is_fictional=False)
    return list(providers.order_by("name").values_list("name", "intake_contact"))


def _contact_html(contact: str) -> str:
    """A number a phone dials, isolated left to right; anything else (an e-mail address, a web page) as text."""
    try:
        dial = normalize_phone(contact)
    except InvalidAddress:
        return f'<bdi dir="ltr">{escape(contact)}</bdi>'
    return f'<a href="tel:{dial}"><bdi dir="ltr">{escape(contact)}</bdi></a>'


def render(service: str) -> str:
    found = contacts(service)
    if not found:
        return escape(_("No number is on file yet: call the hotline."))
    return "; ".join(f"<strong>{escape(name)}</strong>: {_contact_html(contact)}" for name, contact in found)
