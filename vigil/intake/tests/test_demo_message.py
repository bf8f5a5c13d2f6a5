"""The demo answers on SMS and WhatsApp: its settings sign a test message that the webhook lets through."""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command

from vigil.intake.models import Report

ROOT = Path(__file__).resolve().parents[3]

PRINT_SETTINGS = """
import json, django
django.setup()
from django.conf import settings
from vigil.alerts.conf import conf
from vigil.lib.urls import public_base_url
print(json.dumps([settings.TWILIO_AUTH_TOKEN, conf.SMS_NUMBER, conf.WHATSAPP_NUMBER, public_base_url()]))
"""


def settings_in(**env) -> list[str]:
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("TWILIO_", "ALERTS_", "PUBLIC_", "VIGIL_"))}
    result = subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS],
        env={**keep, "DJANGO_SETTINGS_MODULE": "vigil.settings", **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_it_sets_the_demo_numbers_token_and_address_only_in_demo_mode():
    demo = django_settings.DEMO_SETTINGS
    assert settings_in(DEBUG="1", VIGIL_DEMO="1", PORT="8123") == [
        demo["TWILIO_AUTH_TOKEN"],
        demo["ALERTS_SMS_NUMBER"],
        demo["ALERTS_WHATSAPP_NUMBER"],
        "http://127.0.0.1:8123",
    ]
    assert settings_in(DEBUG="1", VIGIL_DEMO="0") == ["", "", "", ""]
    # The environment still wins in the demo.
    assert settings_in(DEBUG="1", VIGIL_DEMO="1", ALERTS_SMS_NUMBER="+12125550177")[1] == "+12125550177"


@pytest.fixture
def demo(settings, live_server):
    """The demo's settings in this process, served by a live server (only the port differs from make run)."""
    for name, value in settings.DEMO_SETTINGS.items():
        setattr(settings, name, value)
    settings.DEMO = True
    settings.PUBLIC_BASE_URL = live_server.url
    return settings


@pytest.mark.parametrize(("whatsapp", "channel"), [(False, "sms"), (True, "whatsapp")])
def test_it_lets_a_signed_demo_message_through_the_webhook(demo, capsys, whatsapp, channel):
    call_command("demo_message", "ICE agents at Roosevelt Ave and 74th St right now", whatsapp=whatsapp)
    report = Report.objects.get()
    assert report.channel == channel
    assert report.receipt_code in capsys.readouterr().out


def test_it_refuses_a_demo_message_changed_after_signing(demo):
    import urllib.error
    import urllib.parse
    import urllib.request

    from vigil.intake.management.commands.demo_message import signed_message

    url, fields, signature = signed_message("ICE agents at Roosevelt Ave and 74th St")
    fields["Body"] = "Something else"
    request = urllib.request.Request(
        url, data=urllib.parse.urlencode(fields).encode(), headers={"X-Twilio-Signature": signature}
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=30)
    assert refused.value.code == 403
    assert not Report.objects.exists()


def test_it_refuses_to_run_outside_demo_mode(settings):
    settings.DEMO = False
    with pytest.raises(CommandError, match="demo mode"):
        call_command("demo_message", "hello")


def test_it_lets_the_readmes_snippet_through_the_webhook(demo, live_server, capsys):
    import re

    readme = (ROOT / "README.md").read_text()
    snippet = re.search(r"```python\n(.*?RequestValidator.*?)```", readme, re.S).group(1)
    exec(textwrap.dedent(snippet).replace("http://127.0.0.1:8000", live_server.url), {})  # noqa: S102
    report = Report.objects.get()
    assert report.channel == "sms" and report.receipt_code in capsys.readouterr().out
