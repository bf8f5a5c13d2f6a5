"""What other parts of the cases app do when a case action happens, registered by name in
``CasesConfig.ready``: the case actions call these without importing the modules that react (the family's
updates, the next locate task, the next-best provider after a decline or an expiry), which import the case
actions themselves."""

from __future__ import annotations

from collections.abc import Callable

STATE_CHANGED: list[Callable] = []  # fn(case, before_state), inside the changing transaction
LOCATE_TASK_DONE: list[Callable] = []  # fn(task), inside the completing transaction
REFERRAL_ENDED: list[Callable] = []  # fn(referral), declined, expired or withdrawn, inside that transaction


def register(hooks: list[Callable], fn: Callable) -> None:
    if fn not in hooks:
        hooks.append(fn)


def state_changed(case, before_state: str) -> None:
    for fn in STATE_CHANGED:
        fn(case, before_state)


def locate_task_done(task) -> None:
    for fn in LOCATE_TASK_DONE:
        fn(task)


def referral_ended(referral) -> None:
    for fn in REFERRAL_ENDED:
        fn(referral)
