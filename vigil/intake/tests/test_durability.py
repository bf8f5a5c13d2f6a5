"""An acknowledged report survives the server being killed the moment it answered."""

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest
from django.db import connection

from vigil.intake.models import Report

ROOT = Path(__file__).resolve().parents[3]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url() -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    return (
        f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{settings['NAME']}"
    )


@pytest.mark.django_db(transaction=True)
def test_it_keeps_an_acknowledged_report_when_the_server_is_killed_right_after_answering(tmp_path):
    port = free_port()
    # On SQLite the server gets a database file of its own, migrated here, and the file is read back
    # directly afterwards: nothing the test process holds open can hide or change what the server wrote.
    own_file = tmp_path / "durable.sqlite3" if connection.vendor == "sqlite" else None
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{own_file}" if own_file else database_url(),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DEBUG": "0",
        "SECURE_SSL_REDIRECT": "0",
    }
    if own_file:
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True, timeout=300
        )
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "vigil.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            "1",
            "--access-logfile",
            "/dev/null",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
                break
            except OSError:
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.2)
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/v1/reports",
            data=json.dumps({"text": "ICE agents at Roosevelt Ave and 74th St"}).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            answer = json.loads(response.read())
            assert response.status == 201
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=10)
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
    if own_file:
        with sqlite3.connect(own_file) as db:
            row = db.execute(
                "SELECT receipt_code, incident_id FROM intake_report WHERE id = ?", [uuid.UUID(answer["id"]).hex]
            ).fetchone()
        assert row is not None, "the acknowledged report is gone"
        assert row[0] == answer["receipt"] and row[1] is not None
        return
    connection.close()
    stored = Report.objects.get(pk=answer["id"])
    assert stored.receipt_code == answer["receipt"]
    assert stored.incident_id is not None
