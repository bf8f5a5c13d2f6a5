"""The job `bench/worker.py` enqueues, importable by the worker processes it starts (by its name).

Each run appends "marker start-time pid" to a file of its own process before it touches the database, so a
run that is later rolled back still counts as a run: a job started twice shows as two lines.
"""

from __future__ import annotations

import os
import time

from vigil.accounts import audit
from vigil.work.registry import durable


@durable
def touch(marker: str) -> None:
    started = time.time()
    folder = os.environ["VIGIL_BENCH_RUN_LOG"]
    with open(os.path.join(folder, f"{os.getpid()}.log"), "a", encoding="ascii") as fh:
        fh.write(f"{marker} {started:.6f} {os.getpid()}\n")
    # One row written in the job's transaction, as real handlers do.
    audit.record("bench.effect", object_type="bench", object_id=marker)
