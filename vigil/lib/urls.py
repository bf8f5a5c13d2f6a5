"""The site's public address: every absolute link Vigil writes and every webhook signature it checks."""

from __future__ import annotations

from django.conf import settings

# PUBLIC_BASE_URL first; then the two older names, still read so that existing deployments keep working.
# The webhook's name comes first: a wrong base breaks every signature check, not only a link.
NAMES = ("PUBLIC_BASE_URL", "TWILIO_WEBHOOK_BASE_URL", "ALERTS_PUBLIC_BASE_URL")


def public_base_url() -> str:
    """The configured public address without a trailing slash, or "" when none is set."""
    for name in NAMES:
        value = getattr(settings, name, "") or ""
        if value:
            return value.rstrip("/")
    return ""


def public_url(path: str) -> str:
    """An absolute address for a path of this site (the path alone when no public address is set)."""
    return public_base_url() + path


def public_request_url(request) -> str:
    """The address a provider called to reach this request, which is what its signature covers: behind a
    proxy Django sees another host or scheme, so the public address wins when it is set."""
    base = public_base_url()
    return base + request.get_full_path() if base else request.build_absolute_uri()
