"""Development transport: writes each message to a file (or the log) instead of sending it.

The address is masked (last two digits or the domain only), so a developer's terminal or a log file
never holds a subscriber's address; the text and the delivery id are shown in full.

In demo mode (VIGIL_DEMO=1) each message is also appended, as one JSON line, to the demo outbox file,
which the demo outbox page shows to staff trying the demo (confirmation codes included).
"""

from __future__ import annotations

import json
import logging
import threading
import uuid

from django.conf import settings
from django.utils import timezone

from vigil.messaging.channels import ACCEPTED, Envelope, SendResult, Transport
from vigil.messaging.conf import conf

logger = logging.getLogger("vigil.messaging.console")
_lock = threading.Lock()


def mask(address: str) -> str:
    if "@" in address:
        return "…@" + address.rpartition("@")[2]
    return "…" + address[-2:]


class ConsoleTransport(Transport):
    def send(self, message: Envelope) -> SendResult:
        provider_id = f"console-{uuid.uuid4().hex[:16]}"
        head = f"[{message.channel} to {mask(message.to)} delivery {message.delivery_id} lang {message.language}]"
        body = message.text
        if message.subject:
            body = f"{message.subject}\n{body}"
        if message.content_sid:
            body = f"(template {message.content_sid} {message.content_variables})"
        line = f"{head} {provider_id}\n{body}\n"
        path = conf.CONSOLE_FILE
        if path:
            with _lock, open(path, "a", encoding="utf-8") as fh:
                fh.write(line)
        else:
            logger.info("%s", line)
        if getattr(settings, "DEMO", False):
            write_demo_outbox(message, provider_id)
        return SendResult(ACCEPTED, provider_id=provider_id)


def write_demo_outbox(message: Envelope, provider_id: str) -> None:
    """Demo mode only: one JSON line per message "sent", for the staff page that shows them."""
    entry = {
        "at": timezone.now().isoformat(),
        "channel": message.channel,
        "to": mask(message.to),
        "language": message.language,
        "subject": message.subject,
        "text": message.text,
        "template": message.content_sid,
        "id": provider_id,
    }
    with _lock, open(conf.DEMO_OUTBOX_FILE, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(entry, ensure_ascii=False) + "\n")
