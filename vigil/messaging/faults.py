"""Fault hooks for the crash tests: the worker kills itself at a chosen point of a delivery.

Only the tests set ``VIGIL_MESSAGING_TEST_KILL_AT`` (``after_claim``, ``after_accept`` or
``before_record``, optionally followed by ``:<channel>`` to hit one channel only); with it unset, which
is always the case outside tests, each hook is one dictionary lookup. Alerts' fan-out and single
messages call the same hooks. The kill is SIGKILL: no cleanup, no `finally`, exactly like a power cut or OOM kill.
"""

from __future__ import annotations

import os
import signal

POINTS = ("after_claim", "after_accept", "before_record")
VARIABLE = "VIGIL_MESSAGING_TEST_KILL_AT"


def hook(point: str, channel: str = "") -> None:
    wanted = os.environ.get(VARIABLE)
    if wanted and wanted in (point, f"{point}:{channel}"):
        os.kill(os.getpid(), signal.SIGKILL)
