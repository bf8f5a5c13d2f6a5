"""Settings of the alerts app, read from the environment (documented in docs/alerts.md; the channel
settings live in vigil/messaging/conf.py).

Each value is read once at start-up with the vigil.lib.env helpers. A Django setting of the same name
wins over the environment, so tests can change one with pytest-django's ``settings`` fixture:
``conf.EXPIRY_MINUTES`` reads ``settings.ALERTS_EXPIRY_MINUTES`` if it exists, else the default below.
"""

from __future__ import annotations

import json

from django.conf import settings

from vigil.lib.env import SettingError, env_float, env_int, env_list, env_str

_DEFAULTS = {
    # How long an alert may keep going out: a delivery not sent within this time is dropped and counted.
    "ALERTS_EXPIRY_MINUTES": env_int("ALERTS_EXPIRY_MINUTES", 120),
    # Neighborhoods whose boundary lies within this distance of the incident's neighborhood are alerted.
    "ALERTS_NEARBY_METERS": env_float("ALERTS_NEARBY_METERS", 300.0),
    # {"verified_activity": {"en": "HX...", ...}, ...}: the Content templates Meta approved, per language.
    "ALERTS_WHATSAPP_CONTENT_SIDS": env_str("ALERTS_WHATSAPP_CONTENT_SIDS", "{}"),
    # The older name of PUBLIC_BASE_URL (vigil.lib.urls), still read when that is not set.
    "ALERTS_PUBLIC_BASE_URL": env_str("ALERTS_PUBLIC_BASE_URL", ""),
    # Subscriptions.
    "ALERTS_CONFIRM_MINUTES": env_int("ALERTS_CONFIRM_MINUTES", 30),
    "ALERTS_CONFIRM_MAX_PER_DAY": env_int("ALERTS_CONFIRM_MAX_PER_DAY", 3),
    "ALERTS_SUBSCRIBE_RATE": env_int("ALERTS_SUBSCRIBE_RATE", 10),
    "ALERTS_MAX_AREAS": env_int("ALERTS_MAX_AREAS", 20),
    # Organizations (slugs) whose admins may open the list of subscriber addresses; empty: nobody.
    "ALERTS_ADDRESS_ORGANIZATIONS": env_list("ALERTS_ADDRESS_ORGANIZATIONS", []),
    # Where the alert templates live, relative to the jurisdiction folder.
    "ALERTS_TEMPLATE_DIR": env_str("ALERTS_TEMPLATE_DIR", "alerts"),
}


class _Conf:
    def __getattr__(self, name: str):
        key = f"ALERTS_{name}"
        if key not in _DEFAULTS:
            # The channel settings (transports, numbers, SMTP, claim lease, rates, batches) belong to
            # messaging now, under their old names.
            from vigil.messaging.conf import conf as messaging_conf

            return getattr(messaging_conf, name)
        return getattr(settings, key, _DEFAULTS[key])

    def whatsapp_content_sids(self) -> dict[str, dict[str, str]]:
        raw = self.WHATSAPP_CONTENT_SIDS
        if isinstance(raw, dict):
            return raw
        try:
            value = json.loads(raw or "{}")
        except json.JSONDecodeError as exc:
            raise SettingError("ALERTS_WHATSAPP_CONTENT_SIDS must be a JSON object") from exc
        if not isinstance(value, dict):
            raise SettingError("ALERTS_WHATSAPP_CONTENT_SIDS must be a JSON object")
        return value

    def email_from(self) -> str:
        from vigil.messaging.conf import conf as messaging_conf

        return messaging_conf.email_from()

    def public_base_url(self) -> str:
        from vigil.lib.urls import public_base_url

        return public_base_url()


conf = _Conf()
