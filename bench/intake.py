"""Intake benchmark: POST /api/v1/reports on the full pipeline against a bare insert of the same row.

The baseline is a bare Django view (no middleware, one URL: bench/intake_site) that parses the same JSON
and inserts the same Report row (encrypted fields included) into the same SQLite settings.

Steps:
1. A fresh SQLite file (WAL, synchronous=FULL: the production settings), migrated, with a partner token
   (partners are exempt from rate limits, so the limiter does not shape the figures).
2. Both targets (the bare view, the full pipeline) under gunicorn with 2 workers sharing the cache in a
   tmpfs directory (CACHE_DIR, as the README's production recipe has it without Redis); wrk with 2 threads and
   16 connections, BENCH_SECONDS (default 30) on each, in BENCH_ROUNDS (default 6) alternating rounds so
   that a shared machine's changes of speed fall on both; distinct bodies and idempotency keys
   (bench/intake_load.lua).
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
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "6"))
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


def start_server(env, path: str) -> tuple[subprocess.Popen, int]:
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
    wait_up(port)
    return server, port


def run_wrk(port: int, path: str, token: str, seconds: int) -> dict:
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            "-c16",
            f"-d{seconds}s",
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
    total = int(re.search(r"(\d+) requests in ([\d.]+)(\w+)", out).group(1))
    duration = re.search(r"requests in ([\d.]+)(\w+)", out)
    elapsed = float(duration.group(1)) * {"ms": 0.001, "s": 1, "m": 60}.get(duration.group(2), 1)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    p99 = re.search(r"99%\s+([\d.]+)(\w+)", out)
    latency_ms = None
    if p99:
        value, unit = float(p99.group(1)), p99.group(2)
        latency_ms = value * {"us": 0.001, "ms": 1, "s": 1000}.get(unit, 1)
    return {
        "requests": total,
        "elapsed": elapsed,
        "errors": int(non2xx.group(1)) if non2xx else 0,
        "p99_ms": latency_ms,
    }


def interleaved(env, token: str) -> dict[str, dict]:
    """Both servers up at once; ROUNDS rounds of SECONDS/ROUNDS each, the order swapped every round, so a
    machine that speeds up or slows down during the run (shared hosts do) weighs on both alike."""
    paths = {"bare": "/bench/bare", "full": "/api/v1/reports"}
    servers = {}
    try:
        for name, path in paths.items():
            servers[name] = start_server(env, path)
        per_round = max(1, SECONDS // ROUNDS)
        runs: dict[str, list[dict]] = {name: [] for name in paths}
        for i in range(ROUNDS):
            order = ["bare", "full"] if i % 2 == 0 else ["full", "bare"]
            for name in order:
                runs[name].append(run_wrk(servers[name][1], paths[name], token, per_round))
    finally:
        for server, _port in servers.values():
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
    out = {}
    for name, rounds in runs.items():
        requests = sum(r["requests"] for r in rounds)
        elapsed = sum(r["elapsed"] for r in rounds)
        p99s = [r["p99_ms"] for r in rounds if r["p99_ms"] is not None]
        out[name] = {
            "rps": requests / elapsed if elapsed else 0.0,
            "requests": requests,
            "errors": sum(r["errors"] for r in rounds),
            "p99_ms": max(p99s) if p99s else None,
            "round_rps": [round(r["requests"] / r["elapsed"], 1) for r in rounds],
        }
    return out


def main() -> None:
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")
    tmp = Path(tempfile.mkdtemp(prefix="vigil-bench-"))
    # Two web processes without Redis share the cache in memory (README): on a tmpfs where there is one.
    shm = Path("/dev/shm")
    cache_dir = Path(tempfile.mkdtemp(prefix="vigil-bench-cache-", dir=shm)) if shm.is_dir() else None
    import base64
    import secrets

    def key() -> str:
        return "1:" + base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "vigil.settings",
        "DATABASE_URL": f"sqlite:///{tmp / 'bench.sqlite3'}",
        "REDIS_URL": "",
        "CACHE_DIR": str(cache_dir or ""),
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
        runs = interleaved(env, token)
        bare, full = runs["bare"], runs["full"]
        print(
            f"bare insert:   {bare['rps']:.0f} req/s, {bare['requests']} requests, {bare['errors']} errors, "
            f"rounds {bare['round_rps']}"
        )
        print(
            f"full pipeline: {full['rps']:.0f} req/s, {full['requests']} requests, {full['errors']} errors, "
            f"p99 {full['p99_ms']} ms, rounds {full['round_rps']}"
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
        if cache_dir:
            shutil.rmtree(cache_dir, ignore_errors=True)
    ratio = full["rps"] / bare["rps"] if bare["rps"] else 0.0
    round_ratios = sorted(f / b for f, b in zip(full["round_rps"], bare["round_rps"], strict=True) if b)
    median_ratio = round_ratios[len(round_ratios) // 2] if round_ratios else 0.0
    print(f"ratio {ratio:.2f}; rows: {counts[0]} reports in {counts[1]} incidents")
    result = {
        "name": "intake",
        "figures": {
            "full_rps": round(full["rps"], 1),
            "bare_rps": round(bare["rps"], 1),
            "ratio": round(ratio, 3),
            "ratio_median_of_rounds": round(median_ratio, 3),
            "full_p99_ms": full["p99_ms"],
            "bare_p99_ms": bare["p99_ms"],
            "full_errors": full["errors"],
            "bare_errors": bare["errors"],
            "reports_stored": int(counts[0]),
            "incidents": int(counts[1]),
            "seconds_each": SECONDS,
            "rounds": ROUNDS,
            "bare_round_rps": bare["round_rps"],
            "full_round_rps": full["round_rps"],
            "load": "wrk -t2 -c16, gunicorn -w2, SQLite WAL synchronous=FULL",
            "cache": "tmpfs directory" if cache_dir else "per process",
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
