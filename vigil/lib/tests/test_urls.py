"""One public address for every absolute link and every webhook signature, the older names still read."""

import pytest
from django.test import RequestFactory

from vigil.lib.urls import public_base_url, public_request_url, public_url


@pytest.fixture
def bases(settings):
    settings.PUBLIC_BASE_URL = ""
    settings.TWILIO_WEBHOOK_BASE_URL = ""
    settings.ALERTS_PUBLIC_BASE_URL = ""
    return settings


def test_it_prefers_public_base_url_over_the_older_names(bases):
    bases.TWILIO_WEBHOOK_BASE_URL = "https://hooks.example.org"
    bases.ALERTS_PUBLIC_BASE_URL = "https://old.example.org"
    bases.PUBLIC_BASE_URL = "https://vigil.example.org/"
    assert public_base_url() == "https://vigil.example.org"
    assert public_url("/alerts/confirm/?t=x") == "https://vigil.example.org/alerts/confirm/?t=x"


@pytest.mark.parametrize("name", ["TWILIO_WEBHOOK_BASE_URL", "ALERTS_PUBLIC_BASE_URL"])
def test_it_still_reads_each_older_name(bases, name):
    setattr(bases, name, "https://vigil.example.org/")
    assert public_base_url() == "https://vigil.example.org"


def test_it_signs_webhooks_against_the_public_address_not_the_one_django_sees(bases):
    bases.ALLOWED_HOSTS = ["vigil.internal"]
    request = RequestFactory().post("/hooks/twilio/inbound?x=1", HTTP_HOST="vigil.internal:8000")
    assert public_request_url(request) == "http://vigil.internal:8000/hooks/twilio/inbound?x=1"
    bases.PUBLIC_BASE_URL = "https://vigil.example.org"
    assert public_request_url(request) == "https://vigil.example.org/hooks/twilio/inbound?x=1"


def test_it_builds_alert_links_and_status_callbacks_from_the_one_address(bases):
    from vigil.alerts import programme
    from vigil.messaging import outbox

    bases.PUBLIC_BASE_URL = "https://vigil.example.org"
    bases.ALERTS_STATUS_CALLBACKS = True
    assert outbox.status_callback_url() == "https://vigil.example.org/hooks/twilio/status"
    assert programme.public_url("/alerts/") == "https://vigil.example.org/alerts/"
