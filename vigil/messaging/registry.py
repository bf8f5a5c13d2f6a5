"""What the apps above messaging register with it, by name (messaging never imports them).

- Resolvers: ``register_resolver("alerts.subscriber", fn, many=fn_many)``; ``fn(recipient_id) -> str | None``
  gives the recipient's address at send time (None: the recipient is gone, and the message is
  withdrawn). ``fn_many(ids) -> {id: address}`` (optional) does a whole batch of a broadcast in one
  query, addresses normalized as stored; ids it leaves out are gone.
- Programmes: ``register_programme("alerts.alert", fn)``; ``fn(broadcast) -> Programme`` gives the object
  that renders each message of a broadcast and says when it must stop (see ``Programme``).
- Inbound handlers: ``register_handler("alerts.keywords", fn, order=100, stop=stop_fn, stop_words=words_fn)``.
  ``fn(inbound) -> str | None`` answers a message it claims (the reply) or None; handlers are tried by
  ``order``, lowest first (docs/messaging.md lists the order). ``stop_fn(address, channel, language,
  via) -> str | None`` ends the app's programmes for that address and says, in the language, what it
  ended. ``words_fn() -> {folded word: language}`` adds the app's own translations of STOP.

Registration happens in each app's ``AppConfig.ready``, so every process (web, worker, tests) has it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

RESOLVERS: dict[str, Callable[[str], str | None]] = {}
MANY_RESOLVERS: dict[str, Callable[[list], dict]] = {}
HANDLERS: dict[str, Handler] = {}
PROGRAMMES: dict[str, Callable] = {}


class Programme(Protocol):
    """What the app that owns a broadcast tells messaging while it goes out."""

    # When the broadcast expires (None: never); checked before every message, the rest once per batch.
    send_until: datetime | None

    def stop_reason(self, now: datetime) -> str | None:
        """Why no further message may go out now ("expired", "not_verified", "halted"...), or None."""

    def envelope(self, delivery, address: str, status_callback: str):
        """The message for one delivery (a messaging.channels.Envelope), rendered in its language."""

    def audit_context(self) -> dict:
        """`obj` and `organization` for the audit events of the broadcast's deliveries."""


@dataclass(frozen=True)
class Handler:
    name: str
    handle: Callable
    order: int
    stop: Callable | None = None
    stop_words: Callable | None = None


def register_resolver(kind: str, resolver: Callable[[str], str | None], *, many=None) -> None:
    RESOLVERS[kind] = resolver
    if many is not None:
        MANY_RESOLVERS[kind] = many


def resolve_many(kind: str, ids: Iterable) -> dict:
    """{id: address} for the recipients still there, one query when the app registered `many`."""
    ids = list(ids)
    if kind in MANY_RESOLVERS:
        return MANY_RESOLVERS[kind](ids)
    resolver = resolver_for(kind)
    found = {}
    for each in ids:
        address = resolver(str(each))
        if address:
            found[each] = address
    return found


def resolver_for(kind: str) -> Callable[[str], str | None]:
    try:
        return RESOLVERS[kind]
    except KeyError:
        raise LookupError(f"no resolver registered for recipient kind {kind!r}") from None


def register_handler(name: str, handle: Callable, *, order: int, stop=None, stop_words=None) -> None:
    HANDLERS[name] = Handler(name, handle, order, stop, stop_words)


def handlers() -> list[Handler]:
    """Every inbound handler, in the order they are tried (then by name, so the order is total)."""
    return sorted(HANDLERS.values(), key=lambda h: (h.order, h.name))


def register_programme(name: str, factory: Callable) -> None:
    PROGRAMMES[name] = factory


def programme_for(broadcast) -> Programme:
    try:
        factory = PROGRAMMES[broadcast.programme]
    except KeyError:
        raise LookupError(f"no programme registered as {broadcast.programme!r}") from None
    return factory(broadcast)
