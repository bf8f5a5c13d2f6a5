"""Local stand-ins for the providers, on 127.0.0.1 only: Twilio's Messages API and an SMTP server.

FakeTwilio checks each request the way Twilio's API reference describes it and answers in Twilio's
format: HTTP Basic auth with the Account SID and auth token (20003 otherwise), a valid E.164 `To`
(21211), `From` or `MessagingServiceSid` (21603), a `Body` or `ContentSid` (21602), WhatsApp sends from
a WhatsApp sender (21910) with a Content template: a free-form WhatsApp body outside a conversation is
created and then fails with 63016, exactly as Twilio reports it, and is counted as a violation here.
Created messages are listed by `GET .../Messages.json` with To/From filters, newest first.

Behaviours can be queued for the next create requests: "500" (answer 500 without creating),
"500_after_create" (create, then answer 500), "429", "timeout" (create, then answer after the client
gave up), "drop" (create, then close the connection without answering).

SMTPSink is aiosmtpd (a maintained SMTP server library) with a handler that keeps every message;
behaviours: "451" (temporary refusal), "550" (permanent refusal), "slow" (accept after the client gave
up waiting).

Both run in a thread of the test process, or as a separate process for the benchmark
(``python -m vigil.messaging.tests.servers``). No Django imports.
"""

from __future__ import annotations

import argparse
import base64
import json
import logging
import re
import secrets
import socket
import sys
import threading
import time
from collections import deque
from datetime import UTC, datetime
from email import policy
from email.parser import BytesHeaderParser
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

E164 = re.compile(r"^\+[1-9]\d{6,14}$")
MESSAGES_PATH = re.compile(r"^/2010-04-01/Accounts/(?P<sid>AC[0-9a-f]{32})/Messages\.json$")
MAX_BODY = 1600


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def new_account_sid() -> str:
    return "AC" + secrets.token_hex(16)


class FakeTwilio:
    def __init__(
        self, account_sid: str, auth_token: str, *, content_sids=(), opted_out=(), port: int = 0, keep: bool = True
    ):
        self.keep = keep  # False (benchmark): count messages instead of keeping them
        self.created = 0
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.content_sids = set(content_sids)
        self.opted_out = set(opted_out)
        self.port = port or free_port()
        self.messages: list[dict] = []
        self.requests: list[dict] = []
        self.violations: list[str] = []
        self.behaviours: deque[str] = deque()
        self.lock = threading.Lock()
        self.server: ThreadingHTTPServer | None = None
        self.client_timeout = 2.0
        self.extra_stats = dict  # more figures for GET /_stats (the benchmark adds the SMTP count)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def queue(self, *behaviours: str) -> None:
        with self.lock:
            self.behaviours.extend(behaviours)

    def created_to(self, to: str) -> list[dict]:
        with self.lock:
            return [m for m in self.messages if m["to"] == to]

    def start(self) -> FakeTwilio:
        fake = self

        class Handler(_TwilioHandler):
            server_fake = fake

        self.server = _QuietServer(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, name="fake-twilio", daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        """A client that gave up (timeouts, dropped connections are test cases here): nothing to report."""


def _error(code: int, message: str, status: int) -> tuple[int, dict]:
    return status, {
        "code": code,
        "message": message,
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": status,
    }


class _TwilioHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as Twilio's API does
    # Headers and body leave in one segment, without Nagle's delay (else each answer waits ~40 ms).
    disable_nagle_algorithm = True
    wbufsize = 64 * 1024
    server_fake: FakeTwilio

    def log_message(self, format, *args):  # noqa: A002  (the signature of BaseHTTPRequestHandler)
        return

    def _send(self, status: int, payload: dict) -> None:
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _authorized(self, sid: str) -> bool:
        fake = self.server_fake
        header = self.headers.get("Authorization", "")
        scheme, _, value = header.partition(" ")
        if scheme != "Basic":
            return False
        try:
            user, _, password = base64.b64decode(value).decode().partition(":")
        except ValueError:
            return False
        return user == fake.account_sid and password == fake.auth_token and sid == fake.account_sid

    def _route(self):
        path = urlsplit(self.path).path
        if path == "/_stats":
            return "stats", None
        match = MESSAGES_PATH.match(path)
        if match is None:
            return None, None
        return "messages", match.group("sid")

    def do_GET(self):  # noqa: N802
        route, sid = self._route()
        fake = self.server_fake
        if route == "stats":
            with fake.lock:
                payload = {"created": fake.created, "violations": len(fake.violations)}
            self._send(200, {**payload, **fake.extra_stats()})
            return
        if route is None:
            self._send(*_error(20404, "The requested resource was not found", 404))
            return
        if not self._authorized(sid):
            self._send(*_error(20003, "Authenticate", 401))
            return
        query = parse_qs(urlsplit(self.path).query)
        to = query.get("To", [None])[0]
        sender = query.get("From", [None])[0]
        size = min(1000, int(query.get("PageSize", ["50"])[0]))
        with fake.lock:
            found = [
                m
                for m in reversed(fake.messages)
                if (to is None or m["to"] == to) and (sender is None or m["from"] == sender)
            ][:size]
        uri = f"/2010-04-01/Accounts/{sid}/Messages.json"
        self._send(
            200,
            {
                "messages": found,
                "end": max(len(found) - 1, 0),
                "first_page_uri": f"{uri}?PageSize={size}&Page=0",
                "next_page_uri": None,
                "page": 0,
                "page_size": size,
                "previous_page_uri": None,
                "start": 0,
                "uri": f"{uri}?PageSize={size}&Page=0",
            },
        )

    def do_POST(self):  # noqa: N802
        fake = self.server_fake
        length = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(length)
        route, sid = self._route()
        if route != "messages":
            self._send(*_error(20404, "The requested resource was not found", 404))
            return
        if not self._authorized(sid):
            self._send(*_error(20003, "Authenticate", 401))
            return
        if not self.headers.get("Content-Type", "").startswith("application/x-www-form-urlencoded"):
            self._send(*_error(20001, "Unsupported content type", 400))
            return
        form = {k: v[0] for k, v in parse_qs(raw.decode("utf-8"), keep_blank_values=True).items()}
        with fake.lock:
            if fake.keep:
                fake.requests.append(form)
            behaviour = fake.behaviours.popleft() if fake.behaviours else "ok"
        if behaviour == "500":
            self._send(*_error(20500, "Internal Server Error", 500))
            return
        if behaviour == "429":
            self._send(*_error(20429, "Too Many Requests", 429))
            return
        status, payload = self._create(form, sid)
        if behaviour == "timeout" and status == 201:
            time.sleep(fake.client_timeout + 1.0)
        if behaviour == "drop" and status == 201:
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        if behaviour == "500_after_create" and status == 201:
            self._send(*_error(20500, "Internal Server Error", 500))
            return
        self._send(status, payload)

    def _create(self, form: dict, sid: str) -> tuple[int, dict]:
        fake = self.server_fake
        to = form.get("To", "")
        sender = form.get("From", "")
        service = form.get("MessagingServiceSid", "")
        body = form.get("Body")
        content_sid = form.get("ContentSid", "")
        whatsapp = to.startswith("whatsapp:")
        number = to.removeprefix("whatsapp:")
        if not to:
            return _error(21604, "A 'To' phone number is required.", 400)
        if not E164.match(number):
            return _error(21211, f"The 'To' number {to} is not a valid phone number.", 400)
        if not sender and not service:
            return _error(21603, "A 'From' or 'MessagingServiceSid' parameter is required to send a message.", 400)
        if service and not re.match(r"^MG[0-9a-f]{32}$", service):
            return _error(21701, "The Messaging Service Sid is invalid.", 400)
        if sender and not E164.match(sender.removeprefix("whatsapp:")):
            return _error(21212, f"The 'From' number {sender} is not a valid phone number.", 400)
        if whatsapp != sender.startswith("whatsapp:") and sender:
            return _error(21910, "Invalid From and To pair. From and To should be of the same channel.", 400)
        if body is None and not content_sid and not form.get("MediaUrl"):
            return _error(21602, "Message body is required.", 400)
        if body is not None and len(body) > MAX_BODY:
            return _error(21617, "The concatenated message body exceeds the 1600 character limit.", 400)
        if content_sid and content_sid not in fake.content_sids:
            return _error(21655, "The ContentSid is Invalid.", 400)
        if "ContentVariables" in form:
            try:
                variables = json.loads(form["ContentVariables"])
            except json.JSONDecodeError:
                return _error(21656, "The ContentVariables Parameter is invalid.", 400)
            if not isinstance(variables, dict) or not all(isinstance(v, str) for v in variables.values()):
                return _error(21656, "The ContentVariables Parameter is invalid.", 400)
        callback = form.get("StatusCallback")
        if callback is not None and not re.match(r"^https?://", callback):
            return _error(21609, "Invalid StatusCallback url.", 400)
        if number in fake.opted_out:
            return _error(21610, "Attempt to send to unsubscribed recipient", 400)
        status, error_code = "queued", None
        if whatsapp and not content_sid:
            # Outside a conversation WhatsApp takes templates only; Twilio fails the message later.
            status, error_code = "failed", 63016
            with fake.lock:
                fake.violations.append("free-form WhatsApp body")
        text = body or ""
        if content_sid:
            variables = json.loads(form.get("ContentVariables", "{}"))
            text = f"[{content_sid}] " + " ".join(variables[k] for k in sorted(variables))
        now = format_datetime(datetime.now(UTC))
        message_sid = "SM" + secrets.token_hex(16)
        resource = {
            "account_sid": sid,
            "api_version": "2010-04-01",
            "body": text,
            "date_created": now,
            "date_sent": None,
            "date_updated": now,
            "direction": "outbound-api",
            "error_code": error_code,
            "error_message": None,
            "from": sender or None,
            "messaging_service_sid": service or None,
            "num_media": "0",
            "num_segments": "1",
            "price": None,
            "price_unit": "USD",
            "sid": message_sid,
            "status": status,
            "subresource_uris": {"media": f"/2010-04-01/Accounts/{sid}/Messages/{message_sid}/Media.json"},
            "to": to,
            "uri": f"/2010-04-01/Accounts/{sid}/Messages/{message_sid}.json",
        }
        with fake.lock:
            fake.created += 1
            if fake.keep:
                fake.messages.append({**resource, "content_sid": content_sid, "params": form})
        return 201, resource


class SMTPSink:
    """An SMTP server on 127.0.0.1 keeping every accepted message (aiosmtpd)."""

    def __init__(self, port: int = 0, *, keep: bool = True):
        self.port = port or free_port()
        self.keep = keep
        self.messages: list[dict] = []
        self.count = 0
        self.behaviours: deque[str] = deque()
        self.lock = threading.Lock()
        self.controller = None
        self.slow_seconds = 3.0

    def queue(self, *behaviours: str) -> None:
        with self.lock:
            self.behaviours.extend(behaviours)

    def message_ids(self) -> list[str]:
        with self.lock:
            return [m["message_id"] for m in self.messages]

    def start(self) -> SMTPSink:
        from aiosmtpd.controller import Controller

        logging.getLogger("mail.log").setLevel(logging.WARNING)
        sink = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):  # noqa: N802  (aiosmtpd's hook name)
                import asyncio

                with sink.lock:
                    behaviour = sink.behaviours.popleft() if sink.behaviours else "ok"
                if behaviour == "451":
                    return "451 4.3.0 Try again later"
                if behaviour == "550":
                    return "550 5.1.1 No such user"
                with sink.lock:
                    sink.count += 1
                    if sink.keep:
                        headers = BytesHeaderParser(policy=policy.default).parsebytes(envelope.content)
                        sink.messages.append(
                            {
                                "rcpt": list(envelope.rcpt_tos),
                                "message_id": str(headers.get("Message-ID", "")).strip(),
                                "subject": str(headers.get("Subject", "")).strip(),
                                "headers": {k: str(v).strip() for k, v in headers.items()},
                                "data": envelope.content,
                            }
                        )
                if behaviour == "slow":
                    await asyncio.sleep(sink.slow_seconds)
                return "250 2.0.0 OK"

        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def main(argv=None) -> int:
    """Serve both sinks until stdin closes (the benchmark starts this as a separate process)."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--http-port", type=int, required=True)
    parser.add_argument("--smtp-port", type=int, required=True)
    parser.add_argument("--account-sid", required=True)
    parser.add_argument("--auth-token", required=True)
    args = parser.parse_args(argv)
    twilio = FakeTwilio(args.account_sid, args.auth_token, port=args.http_port, keep=False)
    twilio.start()
    smtp = SMTPSink(args.smtp_port, keep=False).start()
    twilio.extra_stats = lambda: {"smtp": smtp.count}
    print("ready", flush=True)
    try:
        sys.stdin.read()
    finally:
        smtp.stop()
        twilio.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
