"""Channel transports against the local providers (moved with the channels from alerts)."""

from __future__ import annotations

import pytest

from vigil.messaging.channels import TRANSPORTS, Envelope, LookupFailed, TransportError, get_transport
from vigil.messaging.channels.console.transport import mask
from vigil.messaging.channels.whatsapp.transport import TwilioWhatsApp
from vigil.messaging.tests.conftest import WHATSAPP_NUMBER


@pytest.mark.django_db
def test_it_fails_a_free_form_whatsapp_body_at_the_local_twilio_as_twilio_does(twilio):
    transport = TwilioWhatsApp()
    transport.params = lambda m: {"to": "whatsapp:" + m.to, "from_": "whatsapp:" + WHATSAPP_NUMBER, "body": m.text}
    result = transport.send(Envelope(delivery_id=1, channel="whatsapp", to="+17185554052", text="free form"))
    transport.close()
    assert result.outcome == "accepted"  # Twilio takes the request...
    assert twilio.messages[0]["status"] == "failed" and twilio.messages[0]["error_code"] == 63016  # ...and fails it
    assert twilio.violations == ["free-form WhatsApp body"]


def test_it_keeps_each_channel_in_its_own_package_under_one_failure_type(settings):
    for (channel, name), path in TRANSPORTS.items():
        assert path.startswith(f"vigil.messaging.channels.{'console' if name == 'console' else channel}.transport.")
    assert issubclass(LookupFailed, TransportError)
    settings.ALERTS_SMS_TRANSPORT = "carrier-pigeon"
    with pytest.raises(ValueError):
        get_transport("sms")


def test_it_masks_addresses_in_the_console_transport():
    assert mask("+17185554171") == "…71"
    assert mask("someone@example.org") == "…@example.org"


def test_it_imports_nothing_from_the_apps_above_it():
    """DESIGN's floors: messaging is under incidents, intake and alerts; they register with it by name."""
    from pathlib import Path

    folder = Path(__file__).resolve().parents[1]
    above = ("vigil.incidents", "vigil.intake", "vigil.alerts", "vigil.rules", "vigil.cases", "vigil.committees")
    for path in folder.rglob("*.py"):
        if "tests" in path.parts:
            continue
        source = path.read_text()
        assert not any(name in source for name in above), path.name
