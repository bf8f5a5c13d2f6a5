"""Functions that may run as durable background work, and the periodic work the apps above ask for.

Only registered handlers can be named by a job. Periodic work is registered by name in each app's
`AppConfig.ready` (``register_periodic("vigil.privacy.jobs.purge_expired", every="day")``), so the
worker, which sits below those apps, queues it without importing them."""

from __future__ import annotations

from collections.abc import Callable

HANDLERS: dict[str, Callable] = {}
# {handler name: "day" or "hour"}: queued once per period, whichever worker asks first.
PERIODIC: dict[str, str] = {}
PERIOD_FORMATS = {"day": "%Y-%m-%d", "hour": "%Y-%m-%d-%H"}


def durable(func: Callable) -> Callable:
    """Register a handler. It receives the job's id arguments and must be safe to run again."""
    name = f"{func.__module__}.{func.__qualname__}"
    HANDLERS[name] = func
    func.durable_name = name
    return func


def resolve(name: str) -> Callable:
    if name not in HANDLERS:
        # Handlers live in each app's jobs module; importing it registers them.
        module = name.rpartition(".")[0]
        __import__(module)
    return HANDLERS[name]


def register_periodic(handler_name: str, *, every: str) -> None:
    if every not in PERIOD_FORMATS:
        raise ValueError(f"unknown period {every!r}")
    PERIODIC[handler_name] = every
