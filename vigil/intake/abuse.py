"""Anti-abuse that never locks out a real reporter.

- A honeypot field (in the form; handled in the view).
- A proof-of-work challenge in the ALTCHA format, made and verified with the `altcha` library (its v1
  SHA-256 scheme, which our own small solver in static/vigil/report.js can answer). Solved submissions
  are triaged first; unsolved ones (no JavaScript) are still stored, acknowledged and triaged behind.
- A rate limit per client-address hash (the daily keyed hash of the foundation, never the address) that,
  once passed, asks for the challenge instead of refusing: a carrier address can be a whole block of
  phones. The counter is vigil.lib.counters' (the shared cache: Redis at scale).
"""

from __future__ import annotations

import base64
import json
import time
from datetime import timedelta

import altcha
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from vigil.lib.counters import count_once


def _key() -> str:
    # Derived from SECRET_KEY so every web process agrees without another setting to manage.
    from django.utils.crypto import salted_hmac

    return salted_hmac("vigil.intake.altcha", "challenge-key").hexdigest()


def new_challenge() -> dict:
    challenge = altcha.create_challenge_v1(
        hmac_key=_key(),
        max_number=settings.ALTCHA_MAX_NUMBER,
        expires=timezone.now() + timedelta(minutes=30),
    )
    return {
        "algorithm": challenge.algorithm,
        "challenge": challenge.challenge,
        "maxnumber": challenge.max_number,
        "salt": challenge.salt,
        "signature": challenge.signature,
    }


def solution_is_valid(payload: str) -> bool:
    """Verify the solution and remember it, so the same solution cannot be used twice."""
    if not payload or len(payload) > 2000:
        return False
    try:
        decoded = json.loads(base64.b64decode(payload, validate=True))
        ok, _error = altcha.verify_solution_v1(decoded, _key(), True)
    except Exception:  # noqa: BLE001  (any malformed payload is simply an unsolved challenge)
        return False
    if not ok:
        return False
    return cache.add(f"vigil:altcha:used:{decoded['signature']}", 1, 3600)


_clock = time.time  # a name of its own, so tests can hold time still


def _bucket_key(client_key: str, scope: str) -> tuple[str, int, int]:
    limit, window = settings.REPORT_RATE_LIMIT
    return f"vigil:rl:{scope}:{client_key}:{int(_clock() // window)}", limit, window


def take_back(client_key: str, *, scope: str) -> None:
    """Uncount the request just counted (it turned out to be a legitimate one)."""
    key, _limit, _window = _bucket_key(client_key, scope)
    try:
        cache.decr(key)
    except ValueError:  # gone already (window over, or evicted)
        pass


def over_rate_limit(client_key: str, *, scope: str = "report") -> bool:
    """Count this request; whether the count is now past the limit."""
    key, limit, window = _bucket_key(client_key, scope)
    return count_once(key, ttl_seconds=window + 5) > limit
