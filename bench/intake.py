"""Intake benchmark: POST /api/v1/reports on the full pipeline against a bare insert of the same row.

The baseline is a bare Django view (no middleware, one URL: bench/intake_site) that parses the same JSON
and inserts the same Report row (encrypted fields included) into the same SQLite settings.

Steps:
1. A fresh SQLite file (WAL, synchronous=FULL: the production settings), migrated, with a partner token
   (partners are exempt from rate limits, so the limiter does not shape the figures).
2. For each target (the bare view, then the full pipeline): gunicorn with 2 workers, wrk with 2 threads
   and 16 connections for BENCH_SECONDS (default 30), distinct bodies and idempotency keys (bench/intake_load.lua).
3. Count rows written, compare requests per second; print one JSON line last.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SECONDS = int(os.environ.get("BENCH_SECONDS", "30"))
PY = sys.executable


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def manage(env, *args) -> str:
    return subprocess.run(
        [PY, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout


def wait_up(port: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("server did not start")


def run_wrk(env, path: str, token: str) -> dict:
    port = free_port()
    env = {**env, **({"DJANGO_SETTINGS_MODULE": "bench.intake_site.bare_settings"} if path == "/bench/bare" else {})}
    server = subprocess.Popen(
        [
            PY,
            "-m",
            "gunicorn",
            "vigil.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            "2",
            # The production command (README): the jurisdiction's data and models load once, before the
            # workers fork, instead of in each worker while the load is already running.
            "--preload",
            "--access-logfile",
            "/dev/null",
            "--error-logfile",
            "/dev/null",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    try:
        wait_up(port)
        out = subprocess.run(
            [
                "wrk",
                "-t2",
                "-c16",
                f"-d{SECONDS}s",
                "--latency",
                "-s",
                str(ROOT / "bench" / "intake_load.lua"),
                f"http://127.0.0.1:{port}{path}",
                "--",
                token,
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    p99 = re.search(r"99%\s+([\d.]+)(\w+)", out)
    latency_ms = None
    if p99:
        value, unit = float(p99.group(1)), p99.group(2)
        latency_ms = value * {"us": 0.001, "ms": 1, "s": 1000}.get(unit, 1)
    return {
        "rps": rps,
        "requests": total,
        "errors": int(non2xx.group(1)) if non2xx else 0,
        "p99_ms": latency_ms,
        "raw": out,
    }


def main() -> None:
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")
    tmp = Path(tempfile.mkdtemp(prefix="vigil-bench-"))
    import base64
    import secrets

    def key() -> str:
        return "1:" + base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "vigil.settings",
        "DATABASE_URL": f"sqlite:///{tmp / 'bench.sqlite3'}",
        "REDIS_URL": "",
        "DEBUG": "0",
        "SECURE_SSL_REDIRECT": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECRET_KEY": secrets.token_urlsafe(40),
        "FIELD_ENCRYPTION_KEYS": key(),
        "BLIND_INDEX_KEYS": key(),
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    try:
        manage(env, "migrate", "--noinput")
        manage(
            env,
            "shell",
            "-c",
            "from vigil.accounts import actions; actions.create_organization(name='Bench', slug='bench', kind='hotline')",
        )
        token = manage(env, "create_partner_token", "bench").strip().splitlines()[-1]
        bare = run_wrk(env, "/bench/bare", token)
        print(f"bare insert:   {bare['rps']:.0f} req/s, {bare['requests']} requests, {bare['errors']} errors")
        full = run_wrk(env, "/api/v1/reports", token)
        print(
            f"full pipeline: {full['rps']:.0f} req/s, {full['requests']} requests, {full['errors']} errors, p99 {full['p99_ms']} ms"
        )
        counts = manage(
            env,
            "shell",
            "-c",
            "from vigil.intake.models import Report; from vigil.incidents.models import Incident; "
            "print(Report.objects.count(), Incident.objects.count())",
        ).split()[-2:]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    ratio = full["rps"] / bare["rps"] if bare["rps"] else 0.0
    print(f"ratio {ratio:.2f}; rows: {counts[0]} reports in {counts[1]} incidents")
    result = {
        "name": "intake",
        "figures": {
            "full_rps": round(full["rps"], 1),
            "bare_rps": round(bare["rps"], 1),
            "ratio": round(ratio, 3),
            "full_p99_ms": full["p99_ms"],
            "bare_p99_ms": bare["p99_ms"],
            "full_errors": full["errors"],
            "bare_errors": bare["errors"],
            "reports_stored": int(counts[0]),
            "incidents": int(counts[1]),
            "seconds_each": SECONDS,
            "load": "wrk -t2 -c16, gunicorn -w2, SQLite WAL synchronous=FULL",
        },
        "goals": [
            {"figure": "ratio", "target": ">=0.6", "value": round(ratio, 3), "met": ratio >= 0.6},
            {"figure": "bare_rps", "target": ">=500", "value": round(bare["rps"], 1), "met": bare["rps"] >= 500},
            {"figure": "full_errors", "target": "0", "value": full["errors"], "met": full["errors"] == 0},
        ],
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
