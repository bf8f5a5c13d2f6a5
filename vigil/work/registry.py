"""Functions that may run as durable background work. Only registered handlers can be named by a job."""

from __future__ import annotations

from collections.abc import Callable

HANDLERS: dict[str, Callable] = {}


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
