"""Benchmark: one verified-activity alert to 100,000 subscribers in three languages, on SQLite.

Run from the repository root: `python bench/fanout.py` (`make bench-fanout`); `--subscribers N` for a
smaller run.

Steps:
1. Make a temporary folder with a file SQLite database (WAL, as in production), generate encryption,
   blind-index and secret keys for this run, and start the local sinks in a separate process: an SMTP
   server (aiosmtpd) and an HTTP server that answers like Twilio's Messages API (both on 127.0.0.1).
2. Migrate, then create the subscribers: 100,000 who will receive the alert (half e-mail, half SMS;
   English, Spanish, Simplified Chinese; spread over the incident's neighborhood, the neighborhoods
   within 300 m and the borough) and 20,000 elsewhere who will not. Not timed.
3. Create a verified incident and compose the alert. Time `send_alert`, which selects the subscribers
   and creates every delivery row: "deliveries created" seconds.
4. Run the durable background work in this process until the alert is finished (the same jobs,
   claims, transports and recording as production; channels go out side by side in threads). For
   each sink: messages / seconds from the send action to that channel's last recorded message.
5. Baseline, in the same run and against the same sinks: a bare loop per channel sending the same
   messages (same addresses, texts, subjects) with the same libraries, one reused connection each
   (Django's SMTP backend session; the Twilio client's keep-alive pool), both channels side by side
   in threads as above, no database at all. Rate limits are off in both.
6. Print human lines, then one JSON object as the last line.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import random
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SUBSCRIBERS = 100_000
ELSEWHERE = 20_000
LANGUAGES = ("en", "es", "zh-hans")
INCIDENT_AREA = "QN0301"
CREATE_GOAL_SECONDS = 5.0
RATE_GOAL_RATIO = 0.5


def key() -> str:
    return "1:" + base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def configure(folder: Path, http_port: int, smtp_port: int, sid: str, token: str) -> None:
    """Everything through the environment, before Django starts, exactly as a deployment would."""
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "vigil.settings",
            "DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite3'}",
            "REDIS_URL": "",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "FIELD_ENCRYPTION_KEYS": key(),
            "BLIND_INDEX_KEYS": key(),
            "LOG_LEVEL": "WARNING",
            "TWILIO_ACCOUNT_SID": sid,
            "TWILIO_AUTH_TOKEN": token,
            "TWILIO_WEBHOOK_BASE_URL": "",
            "ALERTS_TWILIO_API_URL": f"http://127.0.0.1:{http_port}",
            "ALERTS_SMS_TRANSPORT": "twilio",
            "ALERTS_SMS_NUMBER": "+12125550100",
            "ALERTS_EMAIL_TRANSPORT": "smtp",
            "ALERTS_SMTP_HOST": "127.0.0.1",
            "ALERTS_SMTP_PORT": str(smtp_port),
            "ALERTS_EMAIL_FROM": "alerts@vigil.example.org",
            "ALERTS_PUBLIC_BASE_URL": "https://vigil.example.org",
            "ALERTS_RATE_SMS": "0",
            "ALERTS_RATE_EMAIL": "0",
            "ALERTS_RATE_WHATSAPP": "0",
            "ALERTS_STATUS_CALLBACKS": "0",
        }
    )


def start_sinks(http_port: int, smtp_port: int, sid: str, token: str) -> subprocess.Popen:
    sink = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "vigil.messaging.tests.servers",
            "--http-port",
            str(http_port),
            "--smtp-port",
            str(smtp_port),
            "--account-sid",
            sid,
            "--auth-token",
            token,
        ],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    line = sink.stdout.readline().strip()
    if line != "ready":
        raise RuntimeError("the sinks did not start")
    return sink


def sink_stats(http_port: int) -> dict:
    with urllib.request.urlopen(f"http://127.0.0.1:{http_port}/_stats", timeout=10) as response:  # noqa: S310
        return json.loads(response.read())


def make_subscribers(total: int, elsewhere: int) -> None:
    """Bulk rows through the models (the encrypted field and blind index as the app writes them)."""
    from django.db import transaction
    from django.utils import timezone

    from vigil.alerts.models import ADDRESS_PURPOSE, Subscriber, SubscriberArea
    from vigil.geo.areas import nearby_neighborhoods
    from vigil.lib import crypto

    near = nearby_neighborhoods(INCIDENT_AREA, 300)
    far = ["BK0101", "BX0101", "MN0101", "SI0101", "MN"]
    rng = random.Random(7)
    now = timezone.now()
    batch_subscribers, batch_areas = [], []

    def flush():
        with transaction.atomic():
            Subscriber.objects.bulk_create(batch_subscribers)
            SubscriberArea.objects.bulk_create(batch_areas)
        batch_subscribers.clear()
        batch_areas.clear()

    for i in range(total + elsewhere):
        channel = "email" if i % 2 == 0 else "sms"
        address = f"reader{i}@example.org" if channel == "email" else f"+1212{2000000 + i:07d}"
        subscriber = Subscriber(
            id=uuid.uuid4(),
            channel=channel,
            language=LANGUAGES[i % 3],
            state="active",
            confirmed_at=now,
            created_at=now,
        )
        subscriber.address = address
        subscriber.address_index = crypto.blind_index(address, purpose=ADDRESS_PURPOSE)
        batch_subscribers.append(subscriber)
        if i < total:
            pick = rng.random()
            codes = [INCIDENT_AREA] if pick < 0.4 else [rng.choice(near)] if pick < 0.7 else ["QN"]
            if rng.random() < 0.2:
                codes.append("QN")  # some chose both: one delivery, at the nearest priority
        else:
            codes = [rng.choice(far)]
        batch_areas.extend(SubscriberArea(subscriber=subscriber, code=c) for c in dict.fromkeys(codes))
        if len(batch_subscribers) >= 5000:
            flush()
    flush()


def verified_incident(org, user):
    """An incident verified as production verifies one: proposed by the user, approved by a second."""
    from vigil.accounts import actions as account_actions
    from vigil.accounts.models import Role
    from vigil.incidents import verification
    from vigil.intake import actions as intake_actions
    from vigil.intake.validation import build_input

    data = build_input({"text": "ICE agents at Roosevelt Avenue and 74th Street", "area": INCIDENT_AREA})
    incident = intake_actions.submit_report(data, channel="api", partner=org)[0].incident
    second = account_actions.create_user(
        username="bench-approver", password=secrets.token_urlsafe(16), role=Role.DISPATCHER, organization=org
    )
    proposal = verification.propose_verification(incident, reason="benchmark", actor=user)
    return verification.approve_verification(proposal, actor=second)


def run_fanout(alert, timeout: float) -> float:
    """The durable background work, as `manage.py worker --once` runs it, until the alert is finished."""
    from vigil.alerts.models import Alert
    from vigil.work.actions import reap, run_pending_now

    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        reap()
        ran = run_pending_now()
        state = Alert.objects.values_list("state", flat=True).get(pk=alert.pk)
        if state == "done":
            return time.perf_counter()
        if not ran:
            time.sleep(0.05)
    raise RuntimeError("the fan-out did not finish in time")


def bare_messages(alert) -> dict[str, list]:
    """The very messages the alert carried, read back after the run (so neither side pays for the other)."""
    from vigil.alerts.models import Subscriber
    from vigil.alerts.programme import AlertProgramme

    by_channel: dict[str, list] = {"email": [], "sms": []}
    programme = AlertProgramme(alert.broadcast)
    addresses = {s.pk: s.address for s in Subscriber.objects.iterator(chunk_size=2000)}
    for delivery in alert.deliveries.order_by("priority", "id").iterator(chunk_size=2000):
        by_channel[delivery.channel].append(programme.envelope(delivery, addresses[delivery.recipient_id], ""))
    return by_channel


def bare_email(messages: list, out: dict) -> None:
    """Django's SMTP backend, one session for every message: the transport without Vigil around it."""
    from django.core.mail import EmailMessage
    from django.core.mail.backends.smtp import EmailBackend

    backend = EmailBackend(host="127.0.0.1", port=int(os.environ["ALERTS_SMTP_PORT"]), timeout=10, fail_silently=False)
    backend.open()
    start = time.perf_counter()
    sent = 0
    for m in messages:
        email = EmailMessage(
            subject=m.subject,
            body=m.text,
            from_email="alerts@vigil.example.org",
            to=[m.to],
            headers={"Message-ID": m.message_id, "List-Unsubscribe": f"<{m.unsubscribe_url}>"},
        )
        sent += backend.send_messages([email])
    out["seconds"] = time.perf_counter() - start
    out["sent"] = sent
    backend.close()


def bare_sms(messages: list, out: dict) -> None:
    """The Twilio client, one keep-alive pool for every message."""
    from twilio.http.http_client import TwilioHttpClient
    from twilio.rest import Client

    client = Client(
        os.environ["TWILIO_ACCOUNT_SID"], os.environ["TWILIO_AUTH_TOKEN"], http_client=TwilioHttpClient(timeout=10)
    )
    client.api.base_url = os.environ["ALERTS_TWILIO_API_URL"]
    start = time.perf_counter()
    sent = 0
    for m in messages:
        client.messages.create(to=m.to, from_="+12125550100", body=m.text)
        sent += 1
    out["seconds"] = time.perf_counter() - start
    out["sent"] = sent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=SUBSCRIBERS)
    args = parser.parse_args()
    total = args.subscribers
    elsewhere = ELSEWHERE * total // SUBSCRIBERS

    folder = Path(tempfile.mkdtemp(prefix="vigil-bench-fanout-", dir=ROOT / "var" if (ROOT / "var").exists() else None))
    http_port, smtp_port = free_port(), free_port()
    sid, token = "AC" + secrets.token_hex(16), secrets.token_hex(16)
    sink = start_sinks(http_port, smtp_port, sid, token)
    try:
        configure(folder, http_port, smtp_port, sid, token)
        import django

        django.setup()
        from django.core.management import call_command

        from vigil.accounts import actions as account_actions
        from vigil.accounts.models import Role
        from vigil.alerts import actions

        call_command("migrate", verbosity=0)
        t0 = time.perf_counter()
        make_subscribers(total, elsewhere)
        print(f"subscribers: {total:,} to alert + {elsewhere:,} elsewhere, made in {time.perf_counter() - t0:.1f} s")

        org = account_actions.create_organization(name="Bench Hotline", slug="bench", kind="hotline")
        user = account_actions.create_user(
            username="bench-dispatcher", password=secrets.token_urlsafe(16), role=Role.DISPATCHER, organization=org
        )
        alert = actions.compose_alert(actor=user, kind="verified_activity", incident=verified_incident(org, user))

        start = time.perf_counter()
        created = actions.send_alert(alert, actor=user, confirm_unreviewed=True)
        create_seconds = time.perf_counter() - start
        print(f"send action: {created:,} deliveries created in {create_seconds:.2f} s (selection included)")
        if created != total:
            raise RuntimeError(f"expected {total} deliveries, created {created}")

        cpu_before = time.process_time()
        finished = run_fanout(alert, timeout=3600)
        # CPU seconds of this process (every thread) while the alert went out: what Vigil itself spends,
        # steadier than wall-clock rates on a shared machine.
        fanout_cpu_seconds = time.process_time() - cpu_before
        ours: dict[str, dict] = {}
        for channel in ("email", "sms"):
            rows = alert.deliveries.filter(channel=channel)
            count = rows.filter(state="sent").count()
            last = max(rows.values_list("sent_at", flat=True))
            seconds = (last - alert.sent_at).total_seconds() if last else float("nan")
            # sent_at is stamped when the provider answered; the alert's sent_at when the action began.
            seconds = max(seconds, 1e-6)
            ours[channel] = {"sent": count, "seconds": seconds, "rate": count / seconds}
        total_seconds = finished - start
        stats = sink_stats(http_port)
        print(
            f"fan-out: finished {total_seconds:.1f} s after the send action; sinks saw "
            f"{stats['smtp']:,} e-mails and {stats['created']:,} SMS"
        )

        messages = bare_messages(alert)
        bare: dict[str, dict] = {"email": {}, "sms": {}}
        threads = [
            threading.Thread(target=bare_email, args=(messages["email"], bare["email"])),
            threading.Thread(target=bare_sms, args=(messages["sms"], bare["sms"])),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        for channel in bare:
            bare[channel]["rate"] = bare[channel]["sent"] / bare[channel]["seconds"]
        after = sink_stats(http_port)
        if after["smtp"] - stats["smtp"] != len(messages["email"]) or after["created"] - stats["created"] != len(
            messages["sms"]
        ):
            raise RuntimeError("the bare loop's messages did not all reach the sinks")

        for channel, label in (("email", "SMTP sink"), ("sms", "HTTP (Twilio) sink")):
            print(
                f"{label}: Vigil {ours[channel]['rate']:,.0f} msg/s ({ours[channel]['sent']:,} in "
                f"{ours[channel]['seconds']:.1f} s from the send action), bare loop {bare[channel]['rate']:,.0f} msg/s "
                f"-> {ours[channel]['rate'] / bare[channel]['rate']:.2f} of the bare loop"
            )
        print("rate limits: off in both (ALERTS_RATE_EMAIL=0, ALERTS_RATE_SMS=0); both channels side by side in both")

        email_ratio = ours["email"]["rate"] / bare["email"]["rate"]
        sms_ratio = ours["sms"]["rate"] / bare["sms"]["rate"]
        figures = {
            "subscribers": total,
            "languages": len(LANGUAGES),
            "deliveries_created_seconds": round(create_seconds, 3),
            "smtp_msgs_per_second": round(ours["email"]["rate"], 1),
            "smtp_bare_msgs_per_second": round(bare["email"]["rate"], 1),
            "smtp_ratio_to_bare": round(email_ratio, 3),
            "http_msgs_per_second": round(ours["sms"]["rate"], 1),
            "http_bare_msgs_per_second": round(bare["sms"]["rate"], 1),
            "http_ratio_to_bare": round(sms_ratio, 3),
            "fanout_total_seconds": round(total_seconds, 1),
            "fanout_cpu_seconds": round(fanout_cpu_seconds, 2),
            "rate_limits": "off in both",
        }
        goals = [
            {
                "figure": "deliveries_created_seconds",
                "target": f"< {CREATE_GOAL_SECONDS}",
                "value": figures["deliveries_created_seconds"],
                "met": create_seconds < CREATE_GOAL_SECONDS,
            },
            {
                "figure": "smtp_ratio_to_bare",
                "target": f">= {RATE_GOAL_RATIO}",
                "value": figures["smtp_ratio_to_bare"],
                "met": email_ratio >= RATE_GOAL_RATIO,
            },
            {
                "figure": "http_ratio_to_bare",
                "target": f">= {RATE_GOAL_RATIO}",
                "value": figures["http_ratio_to_bare"],
                "met": sms_ratio >= RATE_GOAL_RATIO,
            },
        ]
        print(json.dumps({"name": "fanout", "figures": figures, "goals": goals}))
        return 0
    finally:
        sink.stdin.close()
        try:
            sink.wait(timeout=10)
        except subprocess.TimeoutExpired:
            sink.kill()
        from django.db import connections

        connections.close_all()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
