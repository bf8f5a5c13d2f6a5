"""What the apps above privacy register with it, by name (privacy never imports them).

- Sealed elsewhere: ``register_sealed_elsewhere("incidents.evidence_files", fn)``; ``fn() -> int`` seals
  again, with the current field key, what the app keeps sealed outside model fields (files), and says how
  many it rewrote. Key rotation (`actions.rotate_keys`) calls each one.

Registration happens in each app's ``AppConfig.ready``.
"""

from __future__ import annotations

from collections.abc import Callable

SEALED_ELSEWHERE: dict[str, Callable[[], int]] = {}


def register_sealed_elsewhere(name: str, reseal: Callable[[], int]) -> None:
    SEALED_ELSEWHERE[name] = reseal
