"""What the apps above privacy register with it, by name (privacy never imports them).

- Sealed elsewhere: ``register_sealed_elsewhere("incidents.evidence_files", fn)``; ``fn() -> int`` seals
  again, with the current field key, what the app keeps sealed outside model fields (files), and says how
  many it rewrote. Key rotation (`actions.rotate_keys`) calls each one.

- Kept from the purge: ``register_purge_guard("incidents.incident", fn)``; ``fn() -> iterable of ids``
  of rows of that model an app needs kept past their period (the incident of a case under legal hold).

Registration happens in each app's ``AppConfig.ready``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

SEALED_ELSEWHERE: dict[str, Callable[[], int]] = {}


def register_sealed_elsewhere(name: str, reseal: Callable[[], int]) -> None:
    SEALED_ELSEWHERE[name] = reseal


PURGE_GUARDS: dict[str, list[Callable[[], Iterable]]] = {}


def register_purge_guard(model_label: str, kept_ids: Callable[[], Iterable]) -> None:
    guards = PURGE_GUARDS.setdefault(model_label, [])
    if kept_ids not in guards:
        guards.append(kept_ids)
