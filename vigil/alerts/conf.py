"""Settings of the alerts app, read from the environment (documented in docs/alerts.md).

Each value is read once at start-up with the vigil.lib.env helpers. A Django setting of the same name
wins over the environment, so tests can change one with pytest-django's ``settings`` fixture:
``conf.EXPIRY_MINUTES`` reads ``settings.ALERTS_EXPIRY_MINUTES`` if it exists, else the default below.
"""

from __future__ import annotations

import json

from django.conf import settings

from vigil.lib.env import SettingError, env_bool, env_float, env_int, env_list, env_str

_DEFAULTS = {
    # How long an alert may keep going out: a delivery not sent within this time is dropped and counted.
    "ALERTS_EXPIRY_MINUTES": env_int("ALERTS_EXPIRY_MINUTES", 120),
    # Neighborhoods whose boundary lies within this distance of the incident's neighborhood are alerted.
    "ALERTS_NEARBY_METERS": env_float("ALERTS_NEARBY_METERS", 300.0),
    # Messages per second per channel (0: no limit). Shared across processes through the cache (Redis).
    "ALERTS_RATE_SMS": env_float("ALERTS_RATE_SMS", 10.0),
    "ALERTS_RATE_WHATSAPP": env_float("ALERTS_RATE_WHATSAPP", 20.0),
    "ALERTS_RATE_EMAIL": env_float("ALERTS_RATE_EMAIL", 20.0),
    # Which transport carries each channel: "console" (development) or the real provider.
    "ALERTS_SMS_TRANSPORT": env_str("ALERTS_SMS_TRANSPORT", "console"),
    "ALERTS_WHATSAPP_TRANSPORT": env_str("ALERTS_WHATSAPP_TRANSPORT", "console"),
    "ALERTS_EMAIL_TRANSPORT": env_str("ALERTS_EMAIL_TRANSPORT", "console"),
    # The console transport writes here (addresses masked); empty: the log at INFO.
    "ALERTS_CONSOLE_FILE": env_str("ALERTS_CONSOLE_FILE", ""),
    # Twilio: the numbers people text and that alerts come from; optional Messaging Service.
    "ALERTS_SMS_NUMBER": env_str("ALERTS_SMS_NUMBER", ""),
    "ALERTS_SMS_MESSAGING_SERVICE_SID": env_str("ALERTS_SMS_MESSAGING_SERVICE_SID", ""),
    "ALERTS_WHATSAPP_NUMBER": env_str("ALERTS_WHATSAPP_NUMBER", ""),
    # {"verified_activity": {"en": "HX...", ...}, ...}: the Content templates Meta approved, per language.
    "ALERTS_WHATSAPP_CONTENT_SIDS": env_str("ALERTS_WHATSAPP_CONTENT_SIDS", "{}"),
    # Another base address for Twilio's REST API (a regional edge, or a local test server).
    "ALERTS_TWILIO_API_URL": env_str("ALERTS_TWILIO_API_URL", ""),
    # Ask Twilio to report delivery status to /hooks/twilio/alert-status (needs PUBLIC_BASE_URL).
    "ALERTS_STATUS_CALLBACKS": env_bool("ALERTS_STATUS_CALLBACKS", True),
    "ALERTS_PROVIDER_TIMEOUT_SECONDS": env_float("ALERTS_PROVIDER_TIMEOUT_SECONDS", 10.0),
    # SMTP for alert e-mail (Django's SMTP backend); defaults to Django's EMAIL_HOST and EMAIL_PORT.
    "ALERTS_SMTP_HOST": env_str("ALERTS_SMTP_HOST", ""),
    "ALERTS_SMTP_PORT": env_int("ALERTS_SMTP_PORT", 0),
    "ALERTS_SMTP_USER": env_str("ALERTS_SMTP_USER", ""),
    "ALERTS_SMTP_PASSWORD": env_str("ALERTS_SMTP_PASSWORD", ""),
    "ALERTS_SMTP_STARTTLS": env_bool("ALERTS_SMTP_STARTTLS", False),
    "ALERTS_SMTP_SSL": env_bool("ALERTS_SMTP_SSL", False),
    "ALERTS_EMAIL_FROM": env_str("ALERTS_EMAIL_FROM", ""),
    # The older name of PUBLIC_BASE_URL (vigil.lib.urls), still read when that is not set.
    "ALERTS_PUBLIC_BASE_URL": env_str("ALERTS_PUBLIC_BASE_URL", ""),
    # Fan-out mechanics.
    "ALERTS_BATCH_SIZE": env_int("ALERTS_BATCH_SIZE", 500),
    "ALERTS_RECORD_EVERY": env_int("ALERTS_RECORD_EVERY", 100),
    "ALERTS_CLAIM_LEASE_SECONDS": env_float("ALERTS_CLAIM_LEASE_SECONDS", 60.0),
    "ALERTS_PUMP_SECONDS": env_float("ALERTS_PUMP_SECONDS", 10.0),
    "ALERTS_MAX_ATTEMPTS": env_int("ALERTS_MAX_ATTEMPTS", 5),
    "ALERTS_RETRY_BASE_SECONDS": env_float("ALERTS_RETRY_BASE_SECONDS", 10.0),
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
            raise AttributeError(name)
        return getattr(settings, key, _DEFAULTS[key])

    def rate(self, channel: str) -> float:
        return float(getattr(self, f"RATE_{channel.upper()}"))

    def transport(self, channel: str) -> str:
        return str(getattr(self, f"{channel.upper()}_TRANSPORT"))

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

    def smtp(self) -> dict:
        return {
            "host": self.SMTP_HOST or settings.EMAIL_HOST,
            "port": self.SMTP_PORT or settings.EMAIL_PORT,
            "username": self.SMTP_USER or None,
            "password": self.SMTP_PASSWORD or None,
            "use_tls": bool(self.SMTP_STARTTLS),
            "use_ssl": bool(self.SMTP_SSL),
            "timeout": self.PROVIDER_TIMEOUT_SECONDS,
        }

    def email_from(self) -> str:
        return self.EMAIL_FROM or settings.DEFAULT_FROM_EMAIL

    def public_base_url(self) -> str:
        from vigil.lib.urls import public_base_url

        return public_base_url()


conf = _Conf()
