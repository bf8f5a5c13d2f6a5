"""Nothing skipped, nothing doubled: the worker is killed at each fault point of a delivery.

Steps of each case: a file SQLite database in WAL mode (what production runs); an alert to 4 SMS and 4
e-mail subscribers; `manage.py worker` started with VIGIL_MESSAGING_TEST_KILL_AT set, so it SIGKILLs
itself at that point (after claiming a batch, right after the provider accepts a message, or inside
the transaction that records outcomes, before it commits); then background work runs again without
the fault, as a restarted worker would, until the alert is finished.

Outcome asserted for every point: every SMS recipient got exactly one message (Twilio's log settles
each uncertain delivery: found means sent, not found means send now); every e-mail recipient got the
message, and a second copy only for a delivery counted as uncertain and resent with the same
Message-ID; every uncertain delivery is counted and resolved; the alert finishes with all sent.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import sqlite3
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from vigil.messaging.faults import VARIABLE
from vigil.messaging.tests.servers import FakeTwilio, SMTPSink, new_account_sid

ROOT = Path(__file__).resolve().parents[3]
SMS, EMAIL = 4, 4

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")), reason="the kill test runs on its own SQLite file"
)


def _manage(env, *args, timeout=120):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=True,
    )


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    """One migrated database file, copied for each case (migrating takes longer than the test)."""
    folder = tmp_path_factory.mktemp("crash-template")
    db = folder / "template.sqlite3"
    _manage({**os.environ, "DATABASE_URL": f"sqlite:///{db}", "REDIS_URL": ""}, "migrate", "--noinput")
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return db


# What each kill point must leave behind in the killed channel, once resolved: how the uncertain
# deliveries were settled, and how many recipients got a second copy (e-mail only, same Message-ID).
EXPECTED = {
    ("sms", "after_claim"): ({"not_found": SMS}, 0),
    ("sms", "after_accept"): ({"found": 1, "not_found": SMS - 1}, 0),
    ("sms", "before_record"): ({"found": SMS}, 0),
    ("email", "after_claim"): ({"resent": EMAIL}, 0),
    ("email", "after_accept"): ({"resent": EMAIL}, 1),
    ("email", "before_record"): ({"resent": EMAIL}, EMAIL),
}


@pytest.mark.parametrize("channel,point", sorted(EXPECTED))
def test_it_neither_loses_nor_silently_doubles_a_message_when_the_worker_dies(channel, point, migrated, tmp_path):
    db = tmp_path / "crash.sqlite3"
    shutil.copy(migrated, db)
    sid, token = new_account_sid(), secrets.token_hex(16)
    with FakeTwilio(sid, token) as twilio, SMTPSink() as sink:
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{db}",
            "REDIS_URL": "",
            "TWILIO_ACCOUNT_SID": sid,
            "TWILIO_AUTH_TOKEN": token,
            "ALERTS_TWILIO_API_URL": twilio.url,
            "ALERTS_SMS_TRANSPORT": "twilio",
            "ALERTS_SMS_NUMBER": "+12125550100",
            "ALERTS_EMAIL_TRANSPORT": "smtp",
            "ALERTS_SMTP_HOST": "127.0.0.1",
            "ALERTS_SMTP_PORT": str(sink.port),
            "ALERTS_EMAIL_FROM": "alerts@vigil.example.org",
            "ALERTS_RATE_SMS": "0",
            "ALERTS_RATE_EMAIL": "0",
            "ALERTS_CLAIM_LEASE_SECONDS": "2",
            "WORK_POLL_SECONDS": "0.2",
        }
        setup = _manage(env, "shell", "-c", f"from vigil.alerts.tests import crashkit; crashkit.setup({SMS}, {EMAIL})")
        alert_id = json.loads(setup.stdout.strip().splitlines()[-1])["alert"]

        worker = subprocess.Popen(
            [sys.executable, "manage.py", "worker"],
            cwd=ROOT,
            env={**env, VARIABLE: f"{point}:{channel}"},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            assert worker.wait(timeout=90) == -9, "the worker was not killed at the fault point"
        finally:
            if worker.poll() is None:
                worker.kill()
        accepted_before = len(twilio.messages) if channel == "sms" else len(sink.messages)

        out = _manage(env, "shell", "-c", f"from vigil.alerts.tests import crashkit; crashkit.finish('{alert_id}')")
        result = json.loads(out.stdout.strip().splitlines()[-1])

    deliveries = result["deliveries"]
    assert result["state"] == "done"
    assert {d["state"] for d in deliveries} == {"sent"}, "a delivery was lost"

    # SMS (killed or not): every number exactly once; uncertain ones settled by Twilio's log.
    sms = [d for d in deliveries if d["channel"] == "sms"]
    per_number = Counter(m["to"] for m in twilio.messages)
    assert sorted(per_number) == sorted(d["address"] for d in sms)
    assert set(per_number.values()) == {1}, "an SMS went out twice"
    for d in sms:
        assert twilio.created_to(d["address"])[0]["sid"] == d["provider_id"]

    # E-mail (killed or not): every message arrived; a second copy only for a counted, resent one.
    email = [d for d in deliveries if d["channel"] == "email"]
    copies = Counter(sink.message_ids())
    assert sorted(copies) == sorted(d["provider_id"] for d in email)
    for d in email:
        if copies[d["provider_id"]] > 1:
            assert d["was_uncertain"] and d["resolution"] == "resent", "a silent duplicate e-mail"

    # The killed channel: every claimed delivery counted as uncertain and resolved as expected.
    resolutions, duplicates = EXPECTED[(channel, point)]
    killed = [d for d in deliveries if d["channel"] == channel]
    assert all(d["was_uncertain"] for d in killed)
    assert Counter(d["resolution"] for d in killed) == Counter(resolutions)
    if channel == "email":
        assert sum(1 for d in email if copies[d["provider_id"]] > 1) == duplicates
    if point == "after_claim":
        assert accepted_before == 0
    else:
        assert accepted_before >= 1
