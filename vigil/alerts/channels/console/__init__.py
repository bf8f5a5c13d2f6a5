"""Development transport: writes each message to a file (or the log) instead of sending it.

The address is masked (last two digits or the domain only), so a developer's terminal or a log file
never holds a subscriber's address; the text and the delivery id are shown in full.
"""

from __future__ import annotations

import logging
import threading
import uuid

from vigil.alerts.channels import ACCEPTED, Message, SendResult, Transport
from vigil.alerts.conf import conf

logger = logging.getLogger("vigil.alerts.console")
_lock = threading.Lock()


def mask(address: str) -> str:
    if "@" in address:
        return "…@" + address.rpartition("@")[2]
    return "…" + address[-2:]


class ConsoleTransport(Transport):
    def send(self, message: Message) -> SendResult:
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
        return SendResult(ACCEPTED, provider_id=provider_id)
