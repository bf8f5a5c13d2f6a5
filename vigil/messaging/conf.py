"""Settings of the messaging layer: which transport carries each channel, the providers' accounts, and
the rules every outbound message follows (claim lease, retries). Documented in docs/messaging.md.

The channel settings keep the ``ALERTS_`` names they had when alerts owned the channels, so existing
deployments keep working. Each value is read once at start-up; a Django setting of the same name wins
over the environment (tests change one with pytest-django's ``settings`` fixture).
"""

from __future__ import annotations

from django.conf import settings

from vigil.lib.env import env_bool, env_float, env_int, env_str

_DEFAULTS = {
    # Which transport carries each channel: "console" (development) or the real provider.
    "ALERTS_SMS_TRANSPORT": env_str("ALERTS_SMS_TRANSPORT", "console"),
    "ALERTS_WHATSAPP_TRANSPORT": env_str("ALERTS_WHATSAPP_TRANSPORT", "console"),
    "ALERTS_EMAIL_TRANSPORT": env_str("ALERTS_EMAIL_TRANSPORT", "console"),
    # The console transport writes here (addresses masked); empty: the log at INFO.
    "ALERTS_CONSOLE_FILE": env_str("ALERTS_CONSOLE_FILE", ""),
    # Twilio: the numbers people text and that messages come from; optional Messaging Service.
    "ALERTS_SMS_NUMBER": env_str("ALERTS_SMS_NUMBER", ""),
    "ALERTS_SMS_MESSAGING_SERVICE_SID": env_str("ALERTS_SMS_MESSAGING_SERVICE_SID", ""),
    "ALERTS_WHATSAPP_NUMBER": env_str("ALERTS_WHATSAPP_NUMBER", ""),
    # Another base address for Twilio's REST API (a regional edge, or a local test server).
    "ALERTS_TWILIO_API_URL": env_str("ALERTS_TWILIO_API_URL", ""),
    # Ask Twilio to report delivery status to /hooks/twilio/status (needs PUBLIC_BASE_URL).
    "ALERTS_STATUS_CALLBACKS": env_bool("ALERTS_STATUS_CALLBACKS", True),
    "ALERTS_PROVIDER_TIMEOUT_SECONDS": env_float("ALERTS_PROVIDER_TIMEOUT_SECONDS", 10.0),
    # SMTP (Django's SMTP backend); defaults to Django's EMAIL_HOST and EMAIL_PORT.
    "ALERTS_SMTP_HOST": env_str("ALERTS_SMTP_HOST", ""),
    "ALERTS_SMTP_PORT": env_int("ALERTS_SMTP_PORT", 0),
    "ALERTS_SMTP_USER": env_str("ALERTS_SMTP_USER", ""),
    "ALERTS_SMTP_PASSWORD": env_str("ALERTS_SMTP_PASSWORD", ""),
    "ALERTS_SMTP_STARTTLS": env_bool("ALERTS_SMTP_STARTTLS", False),
    "ALERTS_SMTP_SSL": env_bool("ALERTS_SMTP_SSL", False),
    "ALERTS_EMAIL_FROM": env_str("ALERTS_EMAIL_FROM", ""),
    # The exactly-once rules: a claim's lease, tries for a temporary failure, and the first backoff.
    "ALERTS_CLAIM_LEASE_SECONDS": env_float("ALERTS_CLAIM_LEASE_SECONDS", 60.0),
    "ALERTS_MAX_ATTEMPTS": env_int("ALERTS_MAX_ATTEMPTS", 5),
    "ALERTS_RETRY_BASE_SECONDS": env_float("ALERTS_RETRY_BASE_SECONDS", 10.0),
    # Broadcasts (alerts): messages per second per channel (0: no limit), shared across processes through
    # the cache (Redis); how many deliveries one claim takes, how often outcomes are written, and how
    # long one round of sending lasts before the owner's next pump carries on.
    "ALERTS_RATE_SMS": env_float("ALERTS_RATE_SMS", 10.0),
    "ALERTS_RATE_WHATSAPP": env_float("ALERTS_RATE_WHATSAPP", 20.0),
    "ALERTS_RATE_EMAIL": env_float("ALERTS_RATE_EMAIL", 20.0),
    "ALERTS_BATCH_SIZE": env_int("ALERTS_BATCH_SIZE", 500),
    "ALERTS_RECORD_EVERY": env_int("ALERTS_RECORD_EVERY", 100),
    "ALERTS_PUMP_SECONDS": env_float("ALERTS_PUMP_SECONDS", 10.0),
    # Demo mode only: where the console transport also keeps what it "sent", for the demo outbox page.
    "MESSAGING_DEMO_OUTBOX_FILE": env_str("MESSAGING_DEMO_OUTBOX_FILE", "var/demo-outbox.jsonl"),
    # Demo mode only: the organization (slug) whose admins and dispatchers may read that page; the demo
    # data's hotline, which sends the demo's alerts.
    "MESSAGING_DEMO_ORGANIZATION": env_str("MESSAGING_DEMO_ORGANIZATION", "demo-hotline"),
}


class _Conf:
    def __getattr__(self, name: str):
        for key in (f"ALERTS_{name}", f"MESSAGING_{name}"):
            if key in _DEFAULTS:
                return getattr(settings, key, _DEFAULTS[key])
        raise AttributeError(name)

    def rate(self, channel: str) -> float:
        return float(getattr(self, f"RATE_{channel.upper()}"))

    def transport(self, channel: str) -> str:
        return str(getattr(self, f"{channel.upper()}_TRANSPORT"))

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

    def sending_number(self, channel: str) -> str:
        """The number (or e-mail sender) a channel sends from: half of an opt-out's key."""
        if channel == "sms":
            return self.SMS_NUMBER
        if channel == "whatsapp":
            return self.WHATSAPP_NUMBER
        return self.email_from()


def webhook_base_url() -> str:
    """The public base address Twilio calls and signs: PUBLIC_BASE_URL (older names still read)."""
    from vigil.lib.urls import public_base_url

    return public_base_url()


conf = _Conf()
