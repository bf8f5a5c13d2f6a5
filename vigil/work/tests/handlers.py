"""Handlers used by the background-work tests (importable by a separate worker process)."""

import os
import time

from vigil.accounts import audit
from vigil.work.registry import durable

FAILURES: dict[str, int] = {}


@durable
def record_effect(marker_id: str):
    """Idempotent effect written in the job's transaction; sleeps when told to, so a test can kill it."""
    audit.record("test.effect", object_type="test", object_id=marker_id)
    slow_file = os.environ.get("VIGIL_TEST_SLOW_FILE")
    if slow_file and os.path.exists(slow_file):
        with open(slow_file + ".started", "w") as fh:
            fh.write("1")
        time.sleep(60)


@durable
def fail_times(marker_id: str):
    """Fails the first two calls for a marker, then succeeds."""
    FAILURES[marker_id] = FAILURES.get(marker_id, 0) + 1
    if FAILURES[marker_id] <= 2:
        raise ConnectionError("provider unavailable")
    audit.record("test.effect", object_type="test", object_id=marker_id)


@durable
def always_fail(marker_id: str):
    raise RuntimeError("broken")


def _reach(phone: str):
    raise ConnectionError(f"could not reach {phone}")


@durable
def fail_with_personal_data(marker_id: str):
    """Fails with a number in its message and in its locals, under a cause that carries it too."""
    phone = "+17185550142"  # noqa: F841  (a local a traceback with locals would show)
    try:
        _reach("+17185550142")
    except ConnectionError as exc:
        raise RuntimeError("delivery to Maria Lopez +17185550142 failed") from exc
